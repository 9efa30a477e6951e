//! The history chart: running mean Brier score of each series over time.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{
    check_series_count, draw_legend, draw_title, legend_entries, num, style, title_lines, Axis,
    ChartError, Stroke, Svg, INK, LEFT, REFERENCE, RIGHT, SMALL, WIDTH,
};

/// One line of the chart: (date, running mean Brier score up to and including that date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistorySeries {
    pub label: String,
    pub points: Vec<(NaiveDate, f64)>,
}

/// Height of the plot area.
const PLOT_H: f64 = 300.0;
/// At most this many date labels fit under the plot without touching.
const MAX_DATE_TICKS: usize = 7;
/// Series with more points than this are drawn as bare lines: markers would pile up.
const MAX_MARKED_POINTS: usize = 60;
/// The Brier score of always forecasting 50%: (0.5)^2 whatever happens.
const COIN_FLIP_BRIER: f64 = 0.25;

/// Draws the running mean Brier score of up to [`super::MAX_SERIES`] series over time.
///
/// x: dates from the earliest to the latest point of any series; y: from 0 (or the lowest
/// value, if negative) to a round number above the highest. Each series is a line (own
/// colour and dash pattern) with a marker per point while it has at most 60 points. A grey
/// dashed line marks 0.25, the score of always saying 50%, when it lies in range. Points
/// are drawn in date order whatever order they come in (stable, so same-day points keep
/// their order). A non-finite value is an [`ChartError::InvalidData`].
pub fn history_svg(title: &str, series: &[HistorySeries]) -> Result<String, ChartError> {
    check_series_count(series.len())?;
    let mut sorted: Vec<Vec<(NaiveDate, f64)>> = Vec::with_capacity(series.len());
    for s in series {
        if let Some((date, value)) = s.points.iter().find(|(_, v)| !v.is_finite()) {
            return Err(ChartError::InvalidData {
                series: s.label.clone(),
                detail: format!("value {value} on {date} is not a number that can be drawn"),
            });
        }
        let mut points = s.points.clone();
        points.sort_by_key(|(date, _)| *date);
        sorted.push(points);
    }

    let all = || sorted.iter().flatten();
    let first = all().map(|(d, _)| *d).min();
    let last = all().map(|(d, _)| *d).max();
    let low = all().map(|(_, v)| *v).fold(0.0, f64::min);
    let high = all().map(|(_, v)| *v).fold(0.0, f64::max);
    // An empty or all-zero chart still gets a sensible scale: up to the coin-flip score.
    let high = if high > 0.0 { high } else { COIN_FLIP_BRIER };
    let y_axis = Axis::nice(low, high, 5).ok_or_else(|| ChartError::InvalidData {
        series: String::new(),
        detail: format!("values from {low} to {high} are too far apart to draw"),
    })?;
    let dates = DateAxis::new(first, last);

    let lines = title_lines(title);
    let entries = legend_entries(series.iter().map(|s| s.label.as_str()), None);
    let show_reference = y_axis.lo <= COIN_FLIP_BRIER && COIN_FLIP_BRIER <= y_axis.hi;

    let title_top = 8.0;
    let plot_top = title_top + lines.len() as f64 * super::TITLE_LINE + 12.0;
    let plot_bottom = plot_top + PLOT_H;
    let legend_top = plot_bottom + 46.0;
    let height = legend_top + entries.len() as f64 * super::LEGEND_ROW + 12.0;
    let width = WIDTH - LEFT - RIGHT;
    let px = |date: NaiveDate| LEFT + dates.frac(date) * width;
    let py = |value: f64| plot_top + (1.0 - y_axis.frac(value)) * PLOT_H;

    let mut svg = Svg::new(
        height,
        title,
        "Running mean Brier score over time, one line per series; lower is better, \
         0 is perfect and always forecasting 50% scores 0.25.",
    );
    draw_title(&mut svg, &lines, title_top);

    svg.open_group("axes");
    for value in y_axis.ticks() {
        let y = py(value);
        svg.line((LEFT, y), (LEFT + width, y), Stroke::GRID);
        svg.text(
            LEFT - 6.0,
            y + SMALL * 0.35,
            "end",
            &y_axis.label(value),
            "",
        );
    }
    for (date, label) in dates.ticks() {
        let x = px(date);
        svg.line((x, plot_top), (x, plot_bottom), Stroke::GRID);
        svg.text(x, plot_bottom + 16.0, "middle", &label, "");
    }
    svg.rect("frame", (LEFT, plot_top), (width, PLOT_H), "none", INK);
    svg.vertical_text(16.0, plot_top + PLOT_H / 2.0, "Brier score, running mean");
    svg.text(LEFT + width / 2.0, plot_bottom + 34.0, "middle", "Date", "");
    svg.close_group();

    if show_reference {
        let y = py(COIN_FLIP_BRIER);
        svg.raw(&format!(
            "<line class=\"reference\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{REFERENCE}\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>\n",
            num(LEFT),
            num(LEFT + width),
            y = num(y),
        ));
        svg.text(
            LEFT + width - 4.0,
            y - 4.0,
            "end",
            "always 50% (0.25)",
            &format!(
                " fill-opacity=\"0.8\" class=\"reference-label\" font-size=\"{}\"",
                num(SMALL - 1.0)
            ),
        );
    }

    if first.is_none() {
        svg.text(
            LEFT + width / 2.0,
            plot_top + PLOT_H / 2.0,
            "middle",
            "No scored forecasts to show",
            " class=\"empty-note\" font-size=\"14\"",
        );
    }

    for (i, (s, points)) in series.iter().zip(&sorted).enumerate() {
        let st = style(i);
        svg.open_group(&format!("series series-{i}"));
        svg.tooltip(&s.label);
        let path: Vec<(f64, f64)> = points.iter().map(|(d, v)| (px(*d), py(*v))).collect();
        svg.polyline("line", &path, &st, 2.0);
        let marked = points.len() <= MAX_MARKED_POINTS;
        for ((date, value), (x, y)) in points.iter().zip(&path) {
            svg.open_group("point");
            svg.tooltip(&format!("{}: {} Brier {:.3}", s.label, date, value));
            if marked {
                svg.marker("marker", *x, *y, &st);
            } else {
                // Too many points for markers: keep an invisible hover target so the
                // numbers are still there, and the point count stays testable.
                svg.raw(&format!(
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\" fill-opacity=\"0\"/>\n",
                    num(*x),
                    num(*y),
                    st.colour
                ));
            }
            svg.close_group();
        }
        svg.close_group();
    }

    draw_legend(&mut svg, &entries, legend_top);
    Ok(svg.finish())
}

/// The step between date ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DateStep {
    Days(u64),
    Months(u32),
    Years(i32),
}

/// A date axis from `start` to `end` (at least one day apart).
#[derive(Debug, Clone)]
struct DateAxis {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateAxis {
    /// Covers the data; a single day (or no data) is widened by a day either side so the
    /// axis has length.
    fn new(first: Option<NaiveDate>, last: Option<NaiveDate>) -> DateAxis {
        let fallback = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        let start = first.unwrap_or(fallback);
        let end = last.unwrap_or(start).max(start);
        if end > start {
            return DateAxis { start, end };
        }
        let before = start.checked_sub_days(Days::new(1));
        let after = end.checked_add_days(Days::new(1));
        DateAxis {
            start: before.unwrap_or(start),
            end: after.unwrap_or(end),
        }
    }

    fn span_days(&self) -> f64 {
        (self.end - self.start).num_days() as f64
    }

    fn frac(&self, date: NaiveDate) -> f64 {
        let span = self.span_days();
        if span > 0.0 {
            (date - self.start).num_days() as f64 / span
        } else {
            0.0
        }
    }

    /// Round dates inside the axis with their labels: the finest of days, weeks, months or
    /// years that gives at most [`MAX_DATE_TICKS`] of them.
    fn ticks(&self) -> Vec<(NaiveDate, String)> {
        let mut steps = vec![
            DateStep::Days(1),
            DateStep::Days(2),
            DateStep::Days(7),
            DateStep::Days(14),
            DateStep::Months(1),
            DateStep::Months(2),
            DateStep::Months(3),
            DateStep::Months(6),
        ];
        let mut years = 1;
        // NaiveDate spans about ±262,000 years, so steps up to a million years suffice.
        while years <= 1_000_000 {
            for factor in [1, 2, 5] {
                steps.push(DateStep::Years(years * factor));
            }
            years *= 10;
        }
        for step in steps {
            if let Some(dates) = self.ticks_with(step) {
                if !dates.is_empty() {
                    let format = match step {
                        DateStep::Days(_) => "%Y-%m-%d",
                        DateStep::Months(_) => "%Y-%m",
                        DateStep::Years(_) => "%Y",
                    };
                    return dates
                        .into_iter()
                        .map(|d| (d, d.format(format).to_string()))
                        .collect();
                }
            }
        }
        vec![
            (self.start, self.start.to_string()),
            (self.end, self.end.to_string()),
        ]
    }

    /// The tick dates for one step, or `None` when there would be too many.
    fn ticks_with(&self, step: DateStep) -> Option<Vec<NaiveDate>> {
        let mut date = match step {
            DateStep::Days(_) => Some(self.start),
            DateStep::Months(months) => {
                // First day of a month whose number (0-based) is a multiple of the step.
                let mut d = self.start.with_day(1);
                while let Some(candidate) = d {
                    if candidate >= self.start && candidate.month0() % months == 0 {
                        break;
                    }
                    d = candidate.checked_add_months(Months::new(1));
                }
                d
            }
            DateStep::Years(years) => {
                let year = self.start.year();
                let aligned = year - year.rem_euclid(years);
                let mut d = NaiveDate::from_ymd_opt(aligned, 1, 1);
                if d.is_some_and(|d| d < self.start) {
                    d = aligned
                        .checked_add(years)
                        .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1));
                }
                d
            }
        };
        let mut dates = Vec::new();
        while let Some(d) = date {
            if d > self.end {
                break;
            }
            if dates.len() == MAX_DATE_TICKS {
                return None;
            }
            dates.push(d);
            date = match step {
                DateStep::Days(days) => d.checked_add_days(Days::new(days)),
                DateStep::Months(months) => d.checked_add_months(Months::new(months)),
                DateStep::Years(years) => d
                    .year()
                    .checked_add(years)
                    .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
            };
        }
        Some(dates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sample() -> Vec<HistorySeries> {
        vec![
            HistorySeries {
                label: "kerry".into(),
                points: vec![
                    (date(2016, 12, 31), 0.16),
                    (date(2017, 6, 30), 0.2),
                    (date(2022, 2, 21), 0.31),
                ],
            },
            HistorySeries {
                label: "orf".into(),
                points: vec![(date(2018, 1, 1), 0.09), (date(2016, 3, 1), 0.04)],
            },
        ]
    }

    fn has_class(node: &roxmltree::Node<'_, '_>, class: &str) -> bool {
        node.attribute("class")
            .is_some_and(|c| c.split_whitespace().any(|part| part == class))
    }

    #[test]
    fn parses_and_has_one_group_per_series_with_its_points() {
        let svg = history_svg("Brier over time", &sample()).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        for (i, expected) in [(0, 3), (1, 2)] {
            let group = doc
                .descendants()
                .find(|n| has_class(n, &format!("series-{i}")))
                .unwrap();
            assert_eq!(
                group
                    .descendants()
                    .filter(|n| has_class(n, "point"))
                    .count(),
                expected
            );
            let line = group
                .descendants()
                .find(|n| n.has_tag_name("polyline"))
                .unwrap();
            let points = line.attribute("points").unwrap_or("");
            assert_eq!(points.split(' ').count(), expected);
        }
        assert_eq!(
            doc.descendants().filter(|n| has_class(n, "series")).count(),
            2
        );
        // 0.31 is the highest value: 0.31 / 5 = 0.062 rounds up to a step of 0.1, so the
        // axis is 0..0.4 and the coin-flip line is in range.
        assert!(doc.descendants().any(|n| has_class(&n, "reference")));
        assert!(svg.contains(">0.4</text>"));
        assert!(!svg.contains(">0.5</text>"));
    }

    #[test]
    fn points_are_drawn_in_date_order() {
        let svg = history_svg("t", &sample()[1..]).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let line = doc
            .descendants()
            .find(|n| n.has_tag_name("polyline"))
            .unwrap();
        // Axis 2016-03-01..2018-01-01, plot x from 66 over 552 units, y from 40 over 300
        // units. Highest value 0.09: 0.09 / 5 = 0.018 rounds up to a step of 0.02, so the
        // axis is 0..0.1 and the coin-flip line (0.25) is out of range.
        // First point: (66, 40 + (1 - 0.04 / 0.1) * 300) = (66, 220).
        // Second: (618, 40 + (1 - 0.9) * 300) = (618, 70).
        assert_eq!(line.attribute("points"), Some("66,220 618,70"));
        assert!(!doc.descendants().any(|n| has_class(&n, "reference")));
    }

    #[test]
    fn same_input_gives_same_bytes() {
        assert_eq!(
            history_svg("t", &sample()).unwrap(),
            history_svg("t", &sample()).unwrap()
        );
    }

    #[test]
    fn hostile_labels_are_escaped() {
        let mut series = sample();
        series[0].label = "<script>x()</script>&".into();
        let svg = history_svg("<b>title</b>", &series).unwrap();
        assert!(!svg.contains("<script") && !svg.contains("<b>"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        assert!(texts.contains(&"<script>x()</script>&"));
        assert!(texts.contains(&"<b>title</b>"));
    }

    #[test]
    fn empty_single_and_flat_inputs_draw() {
        for series in [
            vec![],
            vec![HistorySeries {
                label: "none".into(),
                points: vec![],
            }],
            vec![HistorySeries {
                label: "one day".into(),
                points: vec![(date(2020, 1, 1), 0.0)],
            }],
            vec![HistorySeries {
                label: "edge".into(),
                points: vec![(NaiveDate::MAX, 0.5), (NaiveDate::MIN, 0.5)],
            }],
        ] {
            let svg = history_svg("t", &series).unwrap();
            assert!(roxmltree::Document::parse(&svg).is_ok());
        }
        let svg = history_svg("t", &[]).unwrap();
        assert!(svg.contains("No scored forecasts to show"));
    }

    #[test]
    fn non_finite_values_are_errors() {
        let series = vec![HistorySeries {
            label: "bad".into(),
            points: vec![(date(2020, 1, 1), f64::NAN)],
        }];
        assert!(matches!(
            history_svg("t", &series),
            Err(ChartError::InvalidData { series, .. }) if series == "bad"
        ));
    }

    #[test]
    fn many_points_drop_markers_but_keep_points() {
        let start = date(2020, 1, 1);
        let points: Vec<(NaiveDate, f64)> = (0..100u64)
            .filter_map(|i| start.checked_add_days(Days::new(i)).map(|d| (d, 0.1)))
            .collect();
        let svg = history_svg(
            "t",
            &[HistorySeries {
                label: "daily".into(),
                points,
            }],
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert_eq!(
            doc.descendants().filter(|n| has_class(n, "point")).count(),
            100
        );
        let group = doc
            .descendants()
            .find(|n| has_class(n, "series-0"))
            .unwrap();
        assert_eq!(
            group
                .descendants()
                .filter(|n| has_class(n, "marker"))
                .count(),
            0
        );
    }

    #[test]
    fn date_ticks_pick_a_readable_step() {
        let labels = |a: NaiveDate, b: NaiveDate| -> Vec<String> {
            DateAxis::new(Some(a), Some(b))
                .ticks()
                .into_iter()
                .map(|(_, l)| l)
                .collect()
        };
        assert_eq!(
            labels(date(2026, 1, 1), date(2026, 1, 4)),
            vec!["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]
        );
        // A single day is widened by one day each side.
        assert_eq!(
            labels(date(2026, 1, 2), date(2026, 1, 2)),
            vec!["2026-01-01", "2026-01-02", "2026-01-03"]
        );
        // 2016-03-01..2018-01-01: 22 months -> every 6 months, starting in July 2016.
        assert_eq!(
            labels(date(2016, 3, 1), date(2018, 1, 1)),
            vec!["2016-07", "2017-01", "2017-07", "2018-01"]
        );
        assert_eq!(
            labels(date(2015, 5, 26), date(2026, 11, 28)),
            vec!["2016", "2018", "2020", "2022", "2024", "2026"]
        );
    }

    #[test]
    fn snapshot_two_series() {
        let svg = history_svg(
            "Running mean Brier — rule latest, as of 2026-11-28",
            &sample(),
        )
        .unwrap();
        insta::with_settings!({prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("history_two_series", svg);
        });
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_dates_and_values_draw_or_fail_cleanly(
            raw in prop::collection::vec(
                prop::collection::vec((any::<i32>(), -1e6f64..1e6), 0..12),
                0..5,
            ),
            label in any::<String>(),
        ) {
            let series: Vec<HistorySeries> = raw
                .into_iter()
                .map(|points| HistorySeries {
                    label: label.clone(),
                    points: points
                        .into_iter()
                        .filter_map(|(days, v)| {
                            NaiveDate::from_num_days_from_ce_opt(days).map(|d| (d, v))
                        })
                        .collect(),
                })
                .collect();
            let svg = history_svg("t", &series);
            prop_assert!(svg.is_ok());
            let svg = svg.unwrap_or_default();
            let doc = roxmltree::Document::parse(&svg);
            prop_assert!(doc.is_ok());
            if let Ok(doc) = doc {
                for (i, s) in series.iter().enumerate() {
                    let group = doc.descendants().find(|n| has_class(n, &format!("series-{i}")));
                    prop_assert!(group.is_some());
                    if let Some(group) = group {
                        let points = group.descendants().filter(|n| has_class(n, "point")).count();
                        prop_assert_eq!(points, s.points.len());
                    }
                }
                let ticks = doc.descendants().filter(|n| n.has_tag_name("text")).count();
                prop_assert!(ticks > 0);
            }
        }
    }
}
