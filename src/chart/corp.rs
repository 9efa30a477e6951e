//! The CORP reliability diagram: each series' forecasts against their recalibrated values
//! (the PAV step curve), the consistency band that calibrated forecasts would stay in,
//! the diagonal, and a histogram of the forecasts below.
//!
//! Reference: T. Dimitriadis, T. Gneiting & A. I. Jordan (2021), "Stable reliability
//! diagrams for probabilistic classifiers", PNAS 118(8), e2016191118.

use serde::{Deserialize, Serialize};

use super::calibration::{count_axis, AxisTitles, Bar, Plot, Prepared, PANELS_H};
use super::{
    check_series_count, count, draw_legend, draw_title, legend_entries, pct, style, title_lines,
    ChartError, Svg, EPS, LEFT,
};
use crate::score::CurvePoint;

/// One series of the diagram: the CORP curve of one forecaster (or group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorpSeries {
    pub label: String,
    pub curve: Vec<CurvePoint>,
}

/// Histogram bins of the forecasts under the diagram.
const HIST_BINS: usize = 20;

/// A series with more forecast values than this is drawn without markers, which would
/// only hide the line; each point keeps its tooltip.
const MARKERS_UP_TO: usize = 30;

const TITLES: AxisTitles = AxisTitles {
    y: "Recalibrated probability (PAV)",
    x: "Forecast probability",
};

/// Draws a CORP reliability diagram for up to [`super::MAX_SERIES`] series.
///
/// Upper panel: the diagonal, and per series the recalibrated value against the
/// forecast as a step line (each forecast value holds until the next one), one marker
/// per forecast value, and the 90% consistency band as a shaded step area where the
/// curve carries one. Lower panel: the forecasts in 20 equal bins, series side by side.
///
/// Values within `1e-9` outside 0..1 are clamped; anything else that cannot be drawn (a
/// non-finite number, a share outside 0..1, a negative weight, forecasts out of order,
/// `band_low > band_high`) is an [`ChartError::InvalidData`] naming the series.
pub fn corp_svg(title: &str, series: &[CorpSeries]) -> Result<String, ChartError> {
    check_series_count(series.len())?;
    let checked = series.iter().map(check).collect::<Result<Vec<_>, _>>()?;
    let prepared: Vec<Prepared<'_>> = series
        .iter()
        .zip(&checked)
        .map(|(s, curve)| Prepared::bars_only(&s.label, histogram(curve)))
        .collect();
    let axis = count_axis(&prepared)?;

    let lines = title_lines(title);
    let entries = legend_entries(
        series.iter().map(|s| s.label.as_str()),
        Some("perfect calibration (recalibrated = forecast)"),
    );

    let title_top = 8.0;
    let main_top = title_top + lines.len() as f64 * super::TITLE_LINE + 12.0;
    let legend_top = main_top + PANELS_H;
    let note_y = legend_top + entries.len() as f64 * super::LEGEND_ROW + 18.0;
    let height = note_y + 30.0;

    let mut svg = Svg::new(
        height,
        title,
        "CORP reliability diagram: each forecast value (horizontal) against the share of \
         claims that came true among forecasts like it, found by isotonic regression \
         (vertical), with the band that calibrated forecasts would stay in 90% of the \
         time; a curve on the diagonal is perfectly calibrated. Below, how many forecasts \
         fell in each 5% bin.",
    );
    draw_title(&mut svg, &lines, title_top);
    let plot = Plot::new(main_top);
    plot.draw_axes(&mut svg, &axis, &TITLES);

    if checked.iter().all(|c| c.is_empty()) {
        svg.text(
            plot.px(0.5),
            plot.py(0.5),
            "middle",
            "No resolved forecasts to show",
            " class=\"empty-note\" font-size=\"14\"",
        );
    }
    for (i, (s, curve)) in series.iter().zip(&checked).enumerate() {
        draw_band(&mut svg, &plot, i, &s.label, curve);
    }
    for (i, (s, curve)) in series.iter().zip(&checked).enumerate() {
        draw_curve(&mut svg, &plot, i, &s.label, curve);
    }
    for (i, p) in prepared.iter().enumerate() {
        plot.draw_bars(&mut svg, i, prepared.len(), p, &axis);
    }
    draw_legend(&mut svg, &entries, legend_top);
    svg.text(
        LEFT,
        note_y,
        "start",
        "Steps: recalibrated probability (pool-adjacent-violators). Shaded: 5%–95% band if calibrated.",
        " class=\"chart-note\"",
    );
    svg.text(
        LEFT,
        note_y + 16.0,
        "start",
        "Bars: forecasts in each 5% bin. Method: Dimitriadis, Gneiting & Jordan, PNAS 2021.",
        " class=\"chart-note\"",
    );
    Ok(svg.finish())
}

/// The curve with its values checked and clamped.
fn check(series: &CorpSeries) -> Result<Vec<CurvePoint>, ChartError> {
    let invalid = |index: usize, detail: String| ChartError::InvalidData {
        series: series.label.clone(),
        detail: format!("point {index}: {detail}"),
    };
    let share = |index: usize, name: &str, v: f64| {
        if v.is_finite() && (-EPS..=1.0 + EPS).contains(&v) {
            Ok(v.clamp(0.0, 1.0))
        } else {
            Err(invalid(
                index,
                format!("{name} = {v} is not a share in 0..1"),
            ))
        }
    };
    let mut out: Vec<CurvePoint> = Vec::with_capacity(series.curve.len());
    for (i, pt) in series.curve.iter().enumerate() {
        let p = share(i, "p", pt.p)?;
        if out.last().is_some_and(|prev| prev.p >= p) {
            return Err(invalid(
                i,
                format!("p = {p} does not follow the one before"),
            ));
        }
        if !pt.n.is_finite() || pt.n < 0.0 {
            return Err(invalid(i, format!("n = {} is not a weight", pt.n)));
        }
        let band = match (pt.band_low, pt.band_high) {
            (Some(lo), Some(hi)) => {
                let (lo, hi) = (share(i, "band_low", lo)?, share(i, "band_high", hi)?);
                if lo > hi {
                    return Err(invalid(i, format!("band_low = {lo} is above {hi}")));
                }
                (Some(lo), Some(hi))
            }
            _ => (None, None),
        };
        out.push(CurvePoint {
            p,
            recalibrated: share(i, "recalibrated", pt.recalibrated)?,
            n: pt.n,
            band_low: band.0,
            band_high: band.1,
        });
    }
    Ok(out)
}

/// The forecasts' weights in [`HIST_BINS`] equal bins (the last one closed at 1).
fn histogram(curve: &[CurvePoint]) -> Vec<Bar> {
    let mut n = [0.0; HIST_BINS];
    for pt in curve {
        let k = ((pt.p * HIST_BINS as f64 + 1e-9).floor() as usize).min(HIST_BINS - 1);
        n[k] += pt.n;
    }
    n.iter()
        .enumerate()
        .filter(|(_, &n)| n > 0.0)
        .map(|(k, &n)| Bar {
            lo: k as f64 / HIST_BINS as f64,
            hi: (k + 1) as f64 / HIST_BINS as f64,
            n,
        })
        .collect()
}

/// Step coordinates through `(p, value)` points: each value holds until the next p.
fn steps(plot: &Plot, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(p, v)) in points.iter().enumerate() {
        let y = plot.py(v);
        out.push((plot.px(p), y));
        if let Some(&(next, _)) = points.get(i + 1) {
            out.push((plot.px(next), y));
        }
    }
    out
}

fn draw_band(svg: &mut Svg, plot: &Plot, index: usize, label: &str, curve: &[CurvePoint]) {
    let low: Vec<(f64, f64)> = curve
        .iter()
        .filter_map(|pt| Some((pt.p, pt.band_low?)))
        .collect();
    let high: Vec<(f64, f64)> = curve
        .iter()
        .filter_map(|pt| Some((pt.p, pt.band_high?)))
        .collect();
    if low.is_empty() {
        return;
    }
    let mut outline = steps(plot, &high);
    // A single point gets a small width so that its band is visible.
    if outline.len() == 1 {
        let (x, y) = outline[0];
        outline = vec![(x - 3.0, y), (x + 3.0, y)];
    }
    let mut lower = steps(plot, &low);
    if lower.len() == 1 {
        let (x, y) = lower[0];
        lower = vec![(x - 3.0, y), (x + 3.0, y)];
    }
    outline.extend(lower.into_iter().rev());
    let coords: Vec<String> = outline
        .iter()
        .map(|(x, y)| format!("{},{}", super::num(*x), super::num(*y)))
        .collect();
    let colour = style(index).colour;
    svg.open_group(&format!("band band-{index}"));
    svg.tooltip(&format!(
        "{label}: 5%–95% band of the recalibrated value if the forecasts were calibrated"
    ));
    svg.raw(&format!(
        "<polygon points=\"{}\" fill=\"{colour}\" fill-opacity=\"0.16\" stroke=\"none\"/>\n",
        coords.join(" ")
    ));
    svg.close_group();
}

fn draw_curve(svg: &mut Svg, plot: &Plot, index: usize, label: &str, curve: &[CurvePoint]) {
    let style = style(index);
    svg.open_group(&format!("series series-{index}"));
    svg.tooltip(label);
    let points: Vec<(f64, f64)> = curve.iter().map(|pt| (pt.p, pt.recalibrated)).collect();
    svg.polyline("line", &steps(plot, &points), &style, 1.8);
    for pt in curve {
        svg.open_group("point");
        let mut tip = format!(
            "{label}: forecast {}, n = {}, recalibrated {}",
            pct(pt.p, 1),
            count(pt.n),
            pct(pt.recalibrated, 1)
        );
        if let (Some(lo), Some(hi)) = (pt.band_low, pt.band_high) {
            tip.push_str(&format!(
                ", band if calibrated {}–{}",
                pct(lo, 1),
                pct(hi, 1)
            ));
        }
        svg.tooltip(&tip);
        if curve.len() <= MARKERS_UP_TO {
            svg.marker("marker", plot.px(pt.p), plot.py(pt.recalibrated), &style);
        } else {
            svg.raw(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"1.6\" fill=\"{}\"/>\n",
                super::num(plot.px(pt.p)),
                super::num(plot.py(pt.recalibrated)),
                style.colour
            ));
        }
        svg.close_group();
    }
    svg.close_group();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(p: f64, r: f64, n: f64, band: Option<(f64, f64)>) -> CurvePoint {
        CurvePoint {
            p,
            recalibrated: r,
            n,
            band_low: band.map(|b| b.0),
            band_high: band.map(|b| b.1),
        }
    }

    fn two_series() -> Vec<CorpSeries> {
        vec![
            CorpSeries {
                label: "ana <b>".into(),
                curve: vec![
                    point(0.1, 0.0, 3.0, Some((0.0, 0.3))),
                    point(0.4, 0.25, 4.0, Some((0.1, 0.6))),
                    point(0.9, 1.0, 2.0, Some((0.6, 1.0))),
                ],
            },
            CorpSeries {
                label: "bob".into(),
                curve: vec![point(0.5, 0.5, 6.0, None)],
            },
        ]
    }

    #[test]
    fn draws_steps_markers_band_and_bars() {
        let svg = corp_svg("CORP · test", &two_series()).expect("drawn");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let groups = |class: &str| {
            doc.descendants()
                .filter(|n| n.attribute("class") == Some(class))
                .count()
        };
        assert_eq!(groups("series series-0"), 1);
        assert_eq!(groups("band band-0"), 1);
        assert_eq!(groups("band band-1"), 0, "no band without resamples");
        assert_eq!(groups("point"), 4);
        // Histogram: ana in bins 2, 8, 18; bob in bin 10.
        assert_eq!(groups("bar"), 4);
        assert!(svg.contains("ana &lt;b&gt;"));
        assert!(!svg.contains("<script"));
        // The step line of ana: 3 points, 2 horizontal runs.
        let line = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("line"))
            .expect("a step line");
        assert_eq!(line.attribute("points").unwrap().split(' ').count(), 5);
        // Same input, same bytes.
        assert_eq!(svg, corp_svg("CORP · test", &two_series()).unwrap());
    }

    #[test]
    fn refuses_what_cannot_be_drawn() {
        let mut s = two_series();
        s[0].curve[1].p = 0.05;
        assert!(matches!(
            corp_svg("t", &s),
            Err(ChartError::InvalidData { .. })
        ));
        let mut s = two_series();
        s[0].curve[0].band_low = Some(0.5);
        assert!(corp_svg("t", &s).is_err());
        let mut s = two_series();
        s[1].curve[0].recalibrated = f64::NAN;
        assert!(corp_svg("t", &s).is_err());
    }

    #[test]
    fn empty_series_say_so() {
        let svg = corp_svg(
            "t",
            &[CorpSeries {
                label: "none".into(),
                curve: vec![],
            }],
        )
        .expect("drawn");
        assert!(svg.contains("No resolved forecasts to show"));
    }
}
