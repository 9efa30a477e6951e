//! A report as people and programs read it: the terminal tables, the CSV shapes, the JSON
//! document, and the series its charts draw. The columns come from
//! [`crate::report::columns`], the one list of a group's figures.

use std::collections::BTreeMap;

use crate::chart::{self, CalibrationSeries, CorpSeries, HistorySeries};
use crate::render;
use crate::report::columns::{self, Column, Place, Value, COLUMNS};
use crate::report::{group_keys, Group, GroupBy, Scoring};
use crate::score::{CalibrationBin, Corp, Metrics, Rule};

/// One group as a CSV record: `key`, then each column's value.
struct CsvRow<'a>(&'a str, Vec<Value>);

impl serde::Serialize for CsvRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(1 + self.1.len()))?;
        seq.serialize_element(self.0)?;
        for v in &self.1 {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

/// The JSON document of `report --format json`.
#[derive(serde::Serialize)]
pub struct ReportJson {
    pub as_of: Option<chrono::NaiveDate>,
    pub rule: Rule,
    pub bins: usize,
    pub by: GroupBy,
    pub live_only: bool,
    pub resamples: usize,
    pub seed: u64,
    pub groups: Vec<Group>,
}

/// One point of a group's CORP curve, as a CSV row.
#[derive(serde::Serialize)]
struct CsvCurvePoint<'a> {
    key: &'a str,
    p: f64,
    recalibrated: f64,
    n: f64,
    band_low: Option<f64>,
    band_high: Option<f64>,
}

#[derive(serde::Serialize)]
struct CsvBin<'a> {
    key: &'a str,
    bin: usize,
    lo: f64,
    hi: f64,
    n: f64,
    mean_p: Option<f64>,
    freq: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
}

impl<'a> CsvBin<'a> {
    fn new(key: &'a str, bin: usize, b: &CalibrationBin) -> Self {
        CsvBin {
            key,
            bin,
            lo: b.lo,
            hi: b.hi,
            n: b.n,
            mean_p: b.mean_p,
            freq: b.freq,
            ci_low: b.ci_low,
            ci_high: b.ci_high,
        }
    }
}

pub fn csv_text(groups: &[Group], calibration: bool, curve: bool) -> anyhow::Result<String> {
    // Headers are written here, so that a report with nothing to score still has one.
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    if curve {
        w.write_record(["key", "p", "recalibrated", "n", "band_low", "band_high"])?;
    } else if calibration {
        w.write_record([
            "key", "bin", "lo", "hi", "n", "mean_p", "freq", "ci_low", "ci_high",
        ])?;
    } else {
        w.write_record(std::iter::once("key").chain(COLUMNS.iter().map(|c| c.name)))?;
    }
    for g in groups {
        if curve {
            for pt in g.corp.iter().flat_map(|c| &c.curve) {
                w.serialize(CsvCurvePoint {
                    key: &g.key,
                    p: pt.p,
                    recalibrated: pt.recalibrated,
                    n: pt.n,
                    band_low: pt.band_low,
                    band_high: pt.band_high,
                })?;
            }
        } else if calibration {
            for (i, b) in g.metrics.calibration.iter().enumerate() {
                w.serialize(CsvBin::new(&g.key, i, b))?;
            }
        } else {
            w.serialize(CsvRow(&g.key, columns::values(g)))?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

pub fn table_text(description: &str, by: GroupBy, groups: &[Group]) -> String {
    let by_name = serde_json::to_value(by)
        .ok()
        .and_then(|v| v.as_str().map(str::to_uppercase))
        .unwrap_or_default();
    let mut text = format!("{description}\n");
    if groups.is_empty() {
        text.push_str("nothing to score: no forecasts match\n");
        return text;
    }
    // The best group always overlaps itself: mark only when another one does too.
    let marked = groups
        .iter()
        .filter(|g| g.overlaps_best == Some(true))
        .count()
        > 1;
    let main = |place: Place| match place {
        Place::Main(header) => Some(header),
        Place::MainWhenAny(header) => groups
            .iter()
            .any(|g| {
                COLUMNS
                    .iter()
                    .any(|c| c.place == place && (c.value)(g) != Value::Count(0))
            })
            .then_some(header),
        _ => None,
    };
    text.push_str(&columns_table(&by_name, groups, main, |c, g| {
        let cell = cell(c.name, (c.value)(g), g);
        if c.name == "brier" && marked && g.overlaps_best == Some(true) {
            format!("{cell} ≈")
        } else {
            cell
        }
    }));
    if marked {
        text.push_str(
            "≈ Brier interval overlaps the best one's: on this evidence the two cannot be told apart\n",
        );
    }
    text.push_str(
        "\nscores as platforms publish them (baseline, peer: Metaculus; Brier vs the crowd median)\n",
    );
    let platform = |place: Place| match place {
        Place::Platform(header) => Some(header),
        _ => None,
    };
    text.push_str(&columns_table(&by_name, groups, platform, |c, g| {
        cell(c.name, (c.value)(g), g)
    }));
    if let [only] = groups {
        text.push('\n');
        text.push_str(&calibration_table(&only.metrics));
        if let Some(c) = &only.corp {
            text.push('\n');
            text.push_str(&corp_table(c));
        }
    }
    text
}

/// A table of the groups with the columns `header` gives a header to, in [`COLUMNS`] order.
fn columns_table(
    by_name: &str,
    groups: &[Group],
    header: impl Fn(Place) -> Option<&'static str>,
    cell: impl Fn(&Column, &Group) -> String,
) -> String {
    let shown: Vec<(&Column, &str)> = COLUMNS
        .iter()
        .filter_map(|c| header(c.place).map(|h| (c, h)))
        .collect();
    let headers: Vec<&str> = std::iter::once(by_name)
        .chain(shown.iter().map(|(_, h)| *h))
        .collect();
    let mut t = render::table::new(&headers);
    for g in groups {
        let mut row = vec![render::truncate(&g.key, 16)];
        row.extend(shown.iter().map(|(c, _)| cell(c, g)));
        t.add_row(row);
    }
    render::table::render(&t)
}

/// A value as a terminal table shows it; the Brier score and log loss carry their
/// intervals.
fn cell(name: &str, v: Value, g: &Group) -> String {
    let (i, pi) = (&g.intervals, &g.platform_intervals);
    // The figures a table shows with their 95% interval, and that interval.
    let with_interval = match name {
        "brier" => Some((i.brier_ci_low, i.brier_ci_high)),
        "log_loss" => Some((i.log_loss_ci_low, i.log_loss_ci_high)),
        "baseline" => Some((pi.baseline_ci_low, pi.baseline_ci_high)),
        "peer" => Some((pi.peer_ci_low, pi.peer_ci_high)),
        _ => None,
    };
    match (with_interval, v) {
        (Some((lo, hi)), Value::Score(s)) => format!("{}{}", render::metric(s), interval(lo, hi)),
        (Some((lo, hi)), Value::Points(s)) => {
            format!("{}{}", render::points(s), points_interval(lo, hi))
        }
        (_, Value::Count(n)) => n.to_string(),
        (_, Value::Score(s)) | (_, Value::Share(s)) => render::metric(s),
        (_, Value::Points(s)) => render::points(s),
        (_, Value::Diff(s)) => s.map(|r| format!("{r:+.3}")).unwrap_or_else(|| "–".into()),
        (_, Value::Flag(b)) => match b {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => "–".into(),
        },
    }
}

/// A 95% interval of points as ` (30.2–60.0)`, or nothing when there is none.
fn points_interval(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(l), Some(h)) => format!(" ({l:.1}–{h:.1})"),
        _ => String::new(),
    }
}

/// A 95% interval as ` (.051–.146)` (a leading zero dropped to keep tables narrow), or
/// nothing when there is none.
fn interval(low: Option<f64>, high: Option<f64>) -> String {
    let short = |v: f64| {
        let text = render::metric(Some(v));
        match text.strip_prefix("0.") {
            Some(rest) => format!(".{rest}"),
            None => text,
        }
    };
    match (low, high) {
        (Some(l), Some(h)) => format!(" ({}–{})", short(l), short(h)),
        _ => String::new(),
    }
}

/// One group's CORP calibration: the PAV steps (runs of forecast values that share one
/// recalibrated value), and the decomposition of both scores.
pub fn corp_table(c: &Corp) -> String {
    let mut t = render::table::new(&["FORECASTS", "N", "RECALIBRATED"]);
    let mut start = 0;
    while start < c.curve.len() {
        let r = c.curve[start].recalibrated;
        let end = c.curve[start..]
            .iter()
            .position(|pt| pt.recalibrated != r)
            .map_or(c.curve.len(), |k| start + k);
        let (lo, hi) = (c.curve[start].p, c.curve[end - 1].p);
        let n: f64 = c.curve[start..end].iter().map(|pt| pt.n).sum();
        let range = if lo == hi {
            render::percent(lo)
        } else {
            format!("{}–{}", render::percent(lo), render::percent(hi))
        };
        t.add_row(vec![range, render::count(n), render::percent(r)]);
        start = end;
    }
    let mut out = String::from("CORP calibration (isotonic recalibration of the forecasts)\n");
    out.push_str(&render::table::render(&t));
    for (name, d) in [("Brier", &c.brier), ("log loss", &c.log_loss)] {
        out.push_str(&format!(
            "{name} = MCB {} − DSC {} + UNC {}",
            render::metric(Some(d.mcb)),
            render::metric(Some(d.dsc)),
            render::metric(Some(d.unc)),
        ));
        if let Some(p) = d.mcb_p_value {
            out.push_str(&format!(" · MCB p-value {p:.3}"));
        }
        out.push('\n');
    }
    out.push_str(
        "MCB miscalibration, DSC discrimination, UNC uncertainty (always saying the base rate)\n",
    );
    if c.resamples > 0 {
        out.push_str(&format!(
            "p-value: share of {} resamples drawn as if the forecasts were calibrated that miscalibrate as much\n",
            c.resamples
        ));
    }
    out
}

/// The calibration of one group, one line per bin, with a bar of the observed frequency
/// and a tick where the mean forecast lies.
pub fn calibration_table(m: &Metrics) -> String {
    const BAR: usize = 20;
    let mut t = render::table::new(&[
        "BIN",
        "N",
        "MEAN P",
        "OBSERVED",
        "95% CI",
        "OBSERVED (█) VS FORECAST (┃)",
    ]);
    for b in &m.calibration {
        let bar = match (b.freq, b.mean_p) {
            (Some(f), Some(p)) => {
                let filled = (f * BAR as f64).round() as usize;
                let tick = ((p * BAR as f64).round() as usize).min(BAR - 1);
                (0..BAR)
                    .map(|i| {
                        if i == tick {
                            '┃'
                        } else if i < filled {
                            '█'
                        } else {
                            '·'
                        }
                    })
                    .collect()
            }
            _ => String::new(),
        };
        let ci = match (b.ci_low, b.ci_high) {
            (Some(l), Some(h)) => {
                format!("{}–{}", render::percent_round(l), render::percent_round(h))
            }
            _ => String::new(),
        };
        t.add_row(vec![
            format!(
                "{}–{}",
                render::percent_round(b.lo),
                render::percent_round(b.hi)
            ),
            render::count(b.n),
            b.mean_p.map(render::percent_round).unwrap_or_default(),
            b.freq.map(render::percent_round).unwrap_or_default(),
            ci,
            bar,
        ]);
    }
    let mut out = String::from("calibration\n");
    out.push_str(&render::table::render(&t));
    out.push_str(&format!(
        "reliability {} · resolution {} · uncertainty {} · within-bin variance {} · within-bin covariance {}\n",
        render::metric(m.reliability),
        render::metric(m.resolution),
        render::metric(m.uncertainty),
        render::metric(m.within_bin_variance),
        render::metric(m.within_bin_covariance),
    ));
    if let Some(d) = m.discrimination {
        out.push_str(&format!(
            "discrimination {d:.3} (mean p on yes minus mean p on no)\n"
        ));
    }
    if let Some(c) = m.coverage {
        out.push_str(&format!(
            "coverage {:.0}% of the open time had a standing forecast\n",
            c * 100.0
        ));
    }
    out
}

/// The groups a chart shows: those with scored pairs, largest first when there are more
/// than the chart can tell apart.
fn chosen(groups: &[Group]) -> Vec<&Group> {
    let mut chosen: Vec<&Group> = groups.iter().filter(|g| g.metrics.n > 0).collect();
    chosen.sort_by(|a, b| b.metrics.n.cmp(&a.metrics.n).then(a.key.cmp(&b.key)));
    chosen.truncate(chart::MAX_SERIES);
    chosen
}

/// The CORP curves of a report's groups, chosen as for [`calibration_series`].
pub fn corp_series(groups: &[Group]) -> Vec<CorpSeries> {
    chosen(groups)
        .into_iter()
        .map(|g| CorpSeries {
            label: format!("{} (n = {})", g.key, g.metrics.n),
            curve: g.corp.as_ref().map(|c| c.curve.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The CORP diagram of a report's groups.
pub fn corp_chart(groups: &[Group], what: &str) -> anyhow::Result<String> {
    Ok(chart::corp_svg(
        &format!("CORP reliability diagram · {what}"),
        &corp_series(groups),
    )?)
}

/// The calibration series of a report's groups, largest groups first when there are
/// more than the chart can tell apart.
pub fn calibration_series(groups: &[Group]) -> Vec<CalibrationSeries> {
    chosen(groups)
        .into_iter()
        .map(|g| CalibrationSeries {
            label: format!("{} (n = {})", g.key, g.metrics.n),
            bins: g.metrics.calibration.clone(),
        })
        .collect()
}

/// Each group's running mean Brier score, one point per date on which claims resolved.
pub fn history_series(scoring: &Scoring, by: GroupBy) -> Vec<HistorySeries> {
    let mut per_group: BTreeMap<String, BTreeMap<chrono::NaiveDate, Vec<f64>>> = BTreeMap::new();
    for item in &scoring.items {
        let claim = &scoring.claims[item.claim];
        let (Some(brier), Some(on)) = (item.score.brier, claim.resolved_on) else {
            continue;
        };
        for (_, key) in group_keys(by, claim, &item.score) {
            per_group
                .entry(key)
                .or_default()
                .entry(on)
                .or_default()
                .push(brier);
        }
    }
    let mut series: Vec<HistorySeries> = per_group
        .into_iter()
        .map(|(label, days)| {
            let (mut sum, mut n) = (0.0, 0usize);
            let points = days
                .into_iter()
                .map(|(day, scores)| {
                    sum += scores.iter().sum::<f64>();
                    n += scores.len();
                    (day, sum / n as f64)
                })
                .collect();
            HistorySeries { label, points }
        })
        .collect();
    series.sort_by_key(|s| std::cmp::Reverse(s.points.len()));
    series.truncate(chart::MAX_SERIES);
    series
}
