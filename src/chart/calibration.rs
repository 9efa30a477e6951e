//! The reliability diagram: how often claims came true against the probability they were
//! given, bin by bin, with a histogram of how many forecasts fell in each bin.

use serde::{Deserialize, Serialize};

use super::{
    check_series_count, count, draw_legend, draw_title, legend_entries, pct, style, title_lines,
    Axis, ChartError, Stroke, Style, Svg, EPS, INK, LEFT, REFERENCE, RIGHT, SMALL, WIDTH,
};

/// One line of the diagram: the calibration bins of one forecaster (or group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationSeries {
    pub label: String,
    pub bins: Vec<CalBin>,
}

/// One probability bin of a series: the scoring module's calibration bin, drawn as it is.
pub use crate::score::CalibrationBin as CalBin;

/// Height of the reliability panel.
const MAIN_H: f64 = 380.0;
/// Height of the histogram panel.
const HIST_H: f64 = 100.0;
/// Gap between the two panels.
const PANEL_GAP: f64 = 20.0;
/// Largest sideways nudge between neighbouring series, so that whiskers of different
/// series at the same mean forecast do not sit on top of each other.
const DODGE: f64 = 3.0;

/// A point to plot: mean forecast `x` against observed share `y`.
#[derive(Debug, Clone)]
struct Point {
    x: f64,
    y: f64,
    interval: Option<(f64, f64)>,
    n: f64,
    lo: f64,
    hi: f64,
}

/// A histogram bar: the number of forecasts in `[lo, hi]`.
#[derive(Debug, Clone)]
pub(super) struct Bar {
    pub lo: f64,
    pub hi: f64,
    pub n: f64,
}

pub(super) struct Prepared<'a> {
    pub label: &'a str,
    points: Vec<Point>,
    pub bars: Vec<Bar>,
}

impl<'a> Prepared<'a> {
    /// A series that only has histogram bars (the CORP diagram draws its own curve).
    pub fn bars_only(label: &'a str, bars: Vec<Bar>) -> Self {
        Prepared {
            label,
            points: Vec::new(),
            bars,
        }
    }
}

/// Axis titles of the reliability panel.
pub(super) struct AxisTitles {
    pub y: &'static str,
    pub x: &'static str,
}

const BINNED_TITLES: AxisTitles = AxisTitles {
    y: "Observed share that came true",
    x: "Forecast probability (mean of each bin)",
};

/// Draws a reliability diagram for up to [`super::MAX_SERIES`] series.
///
/// Upper panel: the diagonal of perfect calibration, and per series one marker per
/// non-empty bin (a bin with `n > 0`, `mean_p` and `freq`) at (mean forecast, observed
/// share), joined by a line in order of the mean forecast, with the 95% interval as a
/// vertical whisker when both ends are given. With several series, each is nudged
/// sideways by at most 6 units so whiskers at the same mean
/// forecast stay apart. Lower panel: the number of forecasts per bin
/// as bars, the series side by side within each bin. Below: a legend. The title wraps
/// onto as many lines as it needs.
///
/// Shares within `1e-9` outside 0..1 are clamped (rounding noise); anything else that
/// cannot be drawn (a non-finite number, a share outside 0..1, `lo > hi`, a negative `n`,
/// `ci_low > ci_high`) is an [`ChartError::InvalidData`] naming the series and bin.
pub fn calibration_svg(title: &str, series: &[CalibrationSeries]) -> Result<String, ChartError> {
    check_series_count(series.len())?;
    let prepared = series.iter().map(prepare).collect::<Result<Vec<_>, _>>()?;

    let count_axis = count_axis(&prepared)?;

    let lines = title_lines(title);
    let entries = legend_entries(
        prepared.iter().map(|s| s.label),
        Some("perfect calibration (forecast = observed)"),
    );

    let title_top = 8.0;
    let main_top = title_top + lines.len() as f64 * super::TITLE_LINE + 12.0;
    let legend_top = main_top + PANELS_H;
    let note_y = legend_top + entries.len() as f64 * super::LEGEND_ROW + 18.0;
    let height = note_y + 14.0;

    let mut svg = Svg::new(
        height,
        title,
        "Reliability diagram: for each bin of forecast probabilities, the share of claims \
         that came true (vertical) against the mean forecast (horizontal), with 95% intervals; \
         points on the diagonal are perfectly calibrated. Below, the number of forecasts per bin.",
    );
    draw_title(&mut svg, &lines, title_top);

    let plot = Plot::new(main_top);
    plot.draw_axes(&mut svg, &count_axis, &BINNED_TITLES);

    let any_point = prepared.iter().any(|s| !s.points.is_empty());
    if !any_point {
        svg.text(
            plot.px(0.5),
            main_top + MAIN_H / 2.0,
            "middle",
            "No resolved forecasts to show",
            " class=\"empty-note\" font-size=\"14\"",
        );
    }

    for (i, s) in prepared.iter().enumerate() {
        plot.draw_series(&mut svg, i, prepared.len(), s);
    }
    for (i, s) in prepared.iter().enumerate() {
        plot.draw_bars(&mut svg, i, prepared.len(), s, &count_axis);
    }

    draw_legend(&mut svg, &entries, legend_top);
    svg.text(
        LEFT,
        note_y,
        "start",
        "Whiskers: 95% interval of the observed share. Bars: forecasts in each bin.",
        " class=\"chart-note\"",
    );
    Ok(svg.finish())
}

/// Checks one series and turns its bins into points and bars.
fn prepare(series: &CalibrationSeries) -> Result<Prepared<'_>, ChartError> {
    let invalid = |index: usize, detail: String| ChartError::InvalidData {
        series: series.label.clone(),
        detail: format!("bin {index}: {detail}"),
    };
    let share = |index: usize, name: &str, value: f64| -> Result<f64, ChartError> {
        if value.is_finite() && (-EPS..=1.0 + EPS).contains(&value) {
            Ok(value.clamp(0.0, 1.0))
        } else {
            Err(invalid(
                index,
                format!("{name} = {value} is not a share in 0..1"),
            ))
        }
    };
    let optional = |index: usize, name: &str, value: Option<f64>| match value {
        Some(v) => share(index, name, v).map(Some),
        None => Ok(None),
    };

    let mut points = Vec::new();
    let mut bars = Vec::new();
    for (index, bin) in series.bins.iter().enumerate() {
        let lo = share(index, "lo", bin.lo)?;
        let hi = share(index, "hi", bin.hi)?;
        if lo > hi {
            return Err(invalid(index, format!("lo = {lo} is above hi = {hi}")));
        }
        if !bin.n.is_finite() || bin.n < 0.0 {
            return Err(invalid(
                index,
                format!("n = {} is not a count of forecasts", bin.n),
            ));
        }
        let mean_p = optional(index, "mean_p", bin.mean_p)?;
        let freq = optional(index, "freq", bin.freq)?;
        let ci_low = optional(index, "ci_low", bin.ci_low)?;
        let ci_high = optional(index, "ci_high", bin.ci_high)?;
        let interval = match (ci_low, ci_high) {
            (Some(a), Some(b)) if a > b + EPS => {
                return Err(invalid(
                    index,
                    format!("ci_low = {a} is above ci_high = {b}"),
                ))
            }
            (Some(a), Some(b)) => Some((a.min(b), b)),
            _ => None,
        };
        if bin.n > 0.0 {
            bars.push(Bar { lo, hi, n: bin.n });
            if let (Some(x), Some(y)) = (mean_p, freq) {
                points.push(Point {
                    x,
                    y,
                    interval,
                    n: bin.n,
                    lo,
                    hi,
                });
            }
        }
    }
    // The line joins points from left to right whatever order the bins came in; the sort
    // is stable, so ties keep their input order and the output stays deterministic.
    points.sort_by(|a, b| a.x.total_cmp(&b.x));
    Ok(Prepared {
        label: &series.label,
        points,
        bars,
    })
}

/// The histogram's count axis: from 0 to the largest bar of any series.
pub(super) fn count_axis(prepared: &[Prepared<'_>]) -> Result<Axis, ChartError> {
    let max_n = prepared
        .iter()
        .flat_map(|s| s.bars.iter().map(|b| b.n))
        .fold(0.0, f64::max);
    Axis::nice(0.0, max_n, 2).ok_or_else(|| ChartError::InvalidData {
        series: String::new(),
        detail: format!("forecast count {max_n} is too large to draw"),
    })
}

/// Where the two panels sit in the picture.
pub(super) struct Plot {
    pub left: f64,
    pub width: f64,
    pub main_top: f64,
    pub hist_top: f64,
}

/// Height of the picture above the legend: title, both panels and the axis labels.
pub(super) const PANELS_H: f64 = MAIN_H + PANEL_GAP + HIST_H + 46.0;

impl Plot {
    /// The panels of a picture whose reliability panel starts at `main_top`.
    pub fn new(main_top: f64) -> Plot {
        Plot {
            left: LEFT,
            width: WIDTH - LEFT - RIGHT,
            main_top,
            hist_top: main_top + MAIN_H + PANEL_GAP,
        }
    }

    pub fn px(&self, share: f64) -> f64 {
        self.left + share * self.width
    }

    pub fn py(&self, share: f64) -> f64 {
        self.main_top + (1.0 - share) * MAIN_H
    }

    fn hist_y(&self, axis: &Axis, value: f64) -> f64 {
        self.hist_top + (1.0 - axis.frac(value)) * HIST_H
    }

    pub fn draw_axes(&self, svg: &mut Svg, count_axis: &Axis, titles: &AxisTitles) {
        let right = self.left + self.width;
        let main_bottom = self.main_top + MAIN_H;
        let hist_bottom = self.hist_top + HIST_H;
        svg.open_group("axes");
        // Grid every 10% in both directions; the x grid runs through both panels so bars
        // line up with the points above them.
        for step in 0..=10 {
            let share = step as f64 / 10.0;
            let x = self.px(share);
            svg.line((x, self.main_top), (x, main_bottom), Stroke::GRID);
            svg.line((x, self.hist_top), (x, hist_bottom), Stroke::GRID);
            let y = self.py(share);
            svg.line((self.left, y), (right, y), Stroke::GRID);
            svg.text(self.left - 6.0, y + SMALL * 0.35, "end", &pct(share, 0), "");
            svg.text(x, hist_bottom + 16.0, "middle", &pct(share, 0), "");
        }
        for value in count_axis.ticks() {
            let y = self.hist_y(count_axis, value);
            svg.line((self.left, y), (right, y), Stroke::GRID);
            svg.text(
                self.left - 6.0,
                y + SMALL * 0.35,
                "end",
                &count_axis.label(value),
                "",
            );
        }
        svg.rect(
            "frame",
            (self.left, self.main_top),
            (self.width, MAIN_H),
            "none",
            INK,
        );
        svg.rect(
            "frame",
            (self.left, self.hist_top),
            (self.width, HIST_H),
            "none",
            INK,
        );
        svg.vertical_text(16.0, self.main_top + MAIN_H / 2.0, titles.y);
        svg.vertical_text(16.0, self.hist_top + HIST_H / 2.0, "Forecasts");
        svg.text(self.px(0.5), hist_bottom + 34.0, "middle", titles.x, "");
        svg.close_group();
        svg.raw(&format!(
            "<line class=\"diagonal\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{REFERENCE}\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n",
            super::num(self.px(0.0)),
            super::num(self.py(0.0)),
            super::num(self.px(1.0)),
            super::num(self.py(1.0)),
        ));
    }

    fn draw_series(&self, svg: &mut Svg, index: usize, total: usize, series: &Prepared<'_>) {
        let style: Style = style(index);
        // Series are spread symmetrically around the true position; the spread shrinks
        // with more series so it never exceeds a dozen units (about 2% of the axis).
        let spacing = DODGE.min(12.0 / total.max(1) as f64);
        let nudge = (index as f64 - (total.max(1) - 1) as f64 / 2.0) * spacing;
        svg.open_group(&format!("series series-{index}"));
        svg.tooltip(series.label);
        let path: Vec<(f64, f64)> = series
            .points
            .iter()
            .map(|p| (self.px(p.x) + nudge, self.py(p.y)))
            .collect();
        svg.polyline("line", &path, &style, 1.6);
        for point in &series.points {
            let x = self.px(point.x) + nudge;
            svg.open_group("point");
            let mut tip = format!(
                "{}: forecasts {}–{}, n = {}, mean forecast {}, came true {}",
                series.label,
                pct(point.lo, 1),
                pct(point.hi, 1),
                count(point.n),
                pct(point.x, 1),
                pct(point.y, 1),
            );
            if let Some((low, high)) = point.interval {
                tip.push_str(&format!(", 95% interval {}–{}", pct(low, 1), pct(high, 1)));
                let (top, bottom) = (self.py(high), self.py(low));
                svg.line((x, top), (x, bottom), Stroke::solid(style.colour, 1.4));
                svg.line(
                    (x - 3.0, top),
                    (x + 3.0, top),
                    Stroke::solid(style.colour, 1.4),
                );
                svg.line(
                    (x - 3.0, bottom),
                    (x + 3.0, bottom),
                    Stroke::solid(style.colour, 1.4),
                );
            }
            svg.tooltip(&tip);
            svg.marker("marker", x, self.py(point.y), &style);
            svg.close_group();
        }
        svg.close_group();
    }

    pub fn draw_bars(
        &self,
        svg: &mut Svg,
        index: usize,
        total: usize,
        series: &Prepared<'_>,
        axis: &Axis,
    ) {
        let style = style(index);
        svg.open_group(&format!("bars bars-{index}"));
        let base = self.hist_y(axis, 0.0);
        for bar in &series.bars {
            // Each bin is split into one slot per series so bars of different series sit
            // side by side instead of hiding each other.
            let slot = (bar.hi - bar.lo) * self.width / total.max(1) as f64;
            let x = self.px(bar.lo) + index as f64 * slot + slot * 0.08;
            let top = self.hist_y(axis, bar.n);
            svg.raw("<g class=\"bar\">\n");
            svg.tooltip(&format!(
                "{}: {} forecasts between {} and {}",
                series.label,
                count(bar.n),
                pct(bar.lo, 1),
                pct(bar.hi, 1)
            ));
            svg.rect(
                "",
                (x, top),
                (slot * 0.84, base - top),
                style.colour,
                "none",
            );
            svg.close_group();
        }
        svg.close_group();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bin(lo: f64, hi: f64, n: f64, mean_p: f64, freq: f64, ci: (f64, f64)) -> CalBin {
        CalBin {
            lo,
            hi,
            n,
            mean_p: Some(mean_p),
            freq: Some(freq),
            ci_low: Some(ci.0),
            ci_high: Some(ci.1),
        }
    }

    fn empty_bin(lo: f64, hi: f64) -> CalBin {
        CalBin {
            lo,
            hi,
            n: 0.0,
            mean_p: None,
            freq: None,
            ci_low: None,
            ci_high: None,
        }
    }

    /// Two forecasters: three non-empty bins and one empty bin, then two non-empty bins.
    fn sample() -> Vec<CalibrationSeries> {
        vec![
            CalibrationSeries {
                label: "kerry".into(),
                bins: vec![
                    bin(0.0, 0.1, 4.0, 0.05, 0.0, (0.0, 0.49)),
                    empty_bin(0.1, 0.2),
                    bin(0.3, 0.4, 2.5, 0.35, 0.4, (0.12, 0.77)),
                    bin(0.9, 1.0, 3.0, 0.95, 1.0, (0.44, 1.0)),
                ],
            },
            CalibrationSeries {
                label: "orf".into(),
                bins: vec![
                    bin(0.6, 0.7, 5.0, 0.65, 0.6, (0.23, 0.88)),
                    bin(0.2, 0.3, 1.0, 0.25, 0.0, (0.0, 0.79)),
                ],
            },
        ]
    }

    fn has_class(node: &roxmltree::Node<'_, '_>, class: &str) -> bool {
        node.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|part| part == class))
    }

    #[test]
    fn parses_and_has_one_group_per_series_with_its_points() {
        let svg = calibration_svg("Calibration, rule latest", &sample()).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let series: Vec<_> = doc
            .descendants()
            .filter(|n| has_class(n, "series"))
            .collect();
        assert_eq!(series.len(), 2);
        for (i, expected) in [(0, 3), (1, 2)] {
            let group = series
                .iter()
                .find(|n| has_class(n, &format!("series-{i}")))
                .unwrap();
            let points = group
                .descendants()
                .filter(|n| has_class(n, "point"))
                .count();
            assert_eq!(points, expected, "series {i}");
            // One whisker (3 lines) per point, since every bin has an interval.
            let whiskers = group
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .count();
            assert_eq!(whiskers, 3 * expected);
        }
        // Bars: one per non-empty bin.
        let bars = doc.descendants().filter(|n| has_class(n, "bar")).count();
        assert_eq!(bars, 5);
        assert_eq!(
            doc.descendants()
                .filter(|n| has_class(n, "diagonal"))
                .count(),
            1
        );
        assert!(svg.contains(">kerry</text>") && svg.contains(">orf</text>"));
        assert!(svg.contains(">0%</text>") && svg.contains(">100%</text>"));
    }

    #[test]
    fn points_sit_where_the_numbers_say() {
        let svg = calibration_svg("t", &sample()[1..]).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let polyline = doc
            .descendants()
            .find(|n| n.has_tag_name("polyline"))
            .unwrap();
        // Plot area: x from 66 over 552 units; the panel starts at 8 + 20 + 12 = 40 and is
        // 380 high. Sorted by mean forecast: (0.25, 0) then (0.65, 0.6).
        // x = 66 + 0.25 * 552 = 204, y = 40 + 380 = 420;
        // x = 66 + 0.65 * 552 = 424.8, y = 40 + 0.4 * 380 = 192.
        assert_eq!(polyline.attribute("points"), Some("204,420 424.8,192"));

        // With both series, each is nudged by half a spacing of 3 units: orf (the second)
        // moves 1.5 to the right.
        let svg = calibration_svg("t", &sample()).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let orf = doc
            .descendants()
            .find(|n| has_class(n, "series-1"))
            .unwrap();
        let polyline = orf
            .descendants()
            .find(|n| n.has_tag_name("polyline"))
            .unwrap();
        assert_eq!(polyline.attribute("points"), Some("205.5,420 426.3,192"));
    }

    #[test]
    fn same_input_gives_same_bytes() {
        let a = calibration_svg("t", &sample()).unwrap();
        let b = calibration_svg("t", &sample()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn hostile_labels_and_title_are_escaped() {
        let mut series = sample();
        series[0].label = "<script>alert('x')</script> & \"q\"".into();
        series[1].label = "nul\u{0}byte".into();
        let svg = calibration_svg("</svg><script>bad()</script>", &series).unwrap();
        assert!(!svg.contains("<script"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            doc.descendants().filter(|n| n.has_tag_name("svg")).count(),
            1
        );
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(texts.contains(&"<script>alert('x')</script> & \"q\""));
        assert!(texts.contains(&"</svg><script>bad()</script>"));
        assert!(texts.contains(&"nul\u{FFFD}byte"));
    }

    #[test]
    fn empty_input_draws_axes_and_a_note() {
        let svg = calibration_svg("", &[]).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(doc.descendants().any(|n| has_class(&n, "empty-note")));
        assert_eq!(
            doc.descendants().filter(|n| has_class(n, "series")).count(),
            0
        );
        // A series with only empty bins still gets its (empty) group and legend row.
        let series = vec![CalibrationSeries {
            label: "nobody".into(),
            bins: vec![empty_bin(0.0, 0.5), empty_bin(0.5, 1.0)],
        }];
        let svg = calibration_svg("t", &series).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(doc.descendants().any(|n| has_class(&n, "empty-note")));
        assert_eq!(
            doc.descendants().filter(|n| has_class(n, "point")).count(),
            0
        );
    }

    #[test]
    fn bins_without_both_shares_or_interval_are_handled() {
        let series = vec![CalibrationSeries {
            label: "a".into(),
            bins: vec![
                // No interval: a point without whisker.
                CalBin {
                    ci_low: None,
                    ..bin(0.0, 0.5, 2.0, 0.3, 0.5, (0.1, 0.9))
                },
                // Forecasts counted but no observed share: a bar, no point.
                CalBin {
                    freq: None,
                    ..bin(0.5, 1.0, 1.0, 0.7, 0.0, (0.0, 1.0))
                },
            ],
        }];
        let svg = calibration_svg("t", &series).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            doc.descendants().filter(|n| has_class(n, "point")).count(),
            1
        );
        assert_eq!(doc.descendants().filter(|n| has_class(n, "bar")).count(), 2);
        let group = doc
            .descendants()
            .find(|n| has_class(n, "series-0"))
            .unwrap();
        assert_eq!(
            group
                .descendants()
                .filter(|n| n.has_tag_name("line"))
                .count(),
            0
        );
    }

    #[test]
    fn rounding_noise_is_clamped_but_real_errors_are_reported() {
        let noisy = vec![CalibrationSeries {
            label: "a".into(),
            bins: vec![bin(0.0, 1.0, 3.0, 0.5, 1.0 + 1e-12, (-1e-12, 1.0))],
        }];
        assert!(calibration_svg("t", &noisy).is_ok());

        let cases = [
            bin(0.0, 1.0, 3.0, 0.5, 1.2, (0.0, 1.0)),
            bin(0.0, 1.0, 3.0, f64::NAN, 0.5, (0.0, 1.0)),
            bin(0.6, 0.4, 3.0, 0.5, 0.5, (0.0, 1.0)),
            bin(0.0, 1.0, -1.0, 0.5, 0.5, (0.0, 1.0)),
            bin(0.0, 1.0, f64::INFINITY, 0.5, 0.5, (0.0, 1.0)),
            bin(0.0, 1.0, 3.0, 0.5, 0.5, (0.9, 0.1)),
        ];
        for case in cases {
            let series = vec![CalibrationSeries {
                label: "bad one".into(),
                bins: vec![empty_bin(0.0, 0.5), case.clone()],
            }];
            match calibration_svg("t", &series) {
                Err(ChartError::InvalidData { series, detail }) => {
                    assert_eq!(series, "bad one");
                    assert!(detail.starts_with("bin 1:"), "{detail}");
                }
                other => panic!("{case:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn too_many_series_is_an_error() {
        let one = sample()[0].clone();
        let series = vec![one; super::super::MAX_SERIES + 1];
        assert_eq!(
            calibration_svg("t", &series),
            Err(ChartError::TooManySeries { count: 17, max: 16 })
        );
        assert!(calibration_svg("t", &series[..16]).is_ok());
    }

    #[test]
    fn snapshot_two_series() {
        let svg = calibration_svg(
            "Calibration — rule latest, as of 2026-11-28, filters: none",
            &sample(),
        )
        .unwrap();
        insta::with_settings!({prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("calibration_two_series", svg);
        });
    }

    fn arb_bin() -> impl Strategy<Value = CalBin> {
        let share = || prop_oneof![Just(None), (0f64..=1.0).prop_map(Some)];
        (
            0f64..=1.0,
            0f64..=1.0,
            0f64..1e4,
            share(),
            share(),
            share(),
            share(),
        )
            .prop_map(|(a, b, n, mean_p, freq, c1, c2)| {
                let (ci_low, ci_high) = match (c1, c2) {
                    (Some(x), Some(y)) => (Some(x.min(y)), Some(x.max(y))),
                    other => other,
                };
                CalBin {
                    lo: a.min(b),
                    hi: a.max(b),
                    n,
                    mean_p,
                    freq,
                    ci_low,
                    ci_high,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any valid input draws a parsable picture with one group per series and one point
        /// per bin that has forecasts and both shares.
        #[test]
        fn valid_input_always_draws(
            series in prop::collection::vec(
                (any::<String>(), prop::collection::vec(arb_bin(), 0..8)),
                0..6,
            ),
            title in any::<String>(),
        ) {
            let series: Vec<CalibrationSeries> = series
                .into_iter()
                .map(|(label, bins)| CalibrationSeries { label, bins })
                .collect();
            let svg = calibration_svg(&title, &series);
            prop_assert!(svg.is_ok());
            let svg = svg.unwrap_or_default();
            let doc = roxmltree::Document::parse(&svg);
            prop_assert!(doc.is_ok());
            if let Ok(doc) = doc {
                for (i, s) in series.iter().enumerate() {
                    let expected = s
                        .bins
                        .iter()
                        .filter(|b| b.n > 0.0 && b.mean_p.is_some() && b.freq.is_some())
                        .count();
                    let group = doc.descendants().find(|n| has_class(n, &format!("series-{i}")));
                    prop_assert!(group.is_some());
                    if let Some(group) = group {
                        let points = group.descendants().filter(|n| has_class(n, "point")).count();
                        prop_assert_eq!(points, expected);
                    }
                }
            }
        }

        /// Arbitrary numbers never panic: they draw or give an error.
        #[test]
        fn arbitrary_numbers_never_panic(
            values in prop::collection::vec(any::<f64>(), 7),
        ) {
            let bins = vec![CalBin {
                lo: values[0],
                hi: values[1],
                n: values[2],
                mean_p: Some(values[3]),
                freq: Some(values[4]),
                ci_low: Some(values[5]),
                ci_high: Some(values[6]),
            }];
            let result = calibration_svg("t", &[CalibrationSeries { label: "x".into(), bins }]);
            if let Ok(svg) = result {
                prop_assert!(roxmltree::Document::parse(&svg).is_ok());
            }
        }
    }
}
