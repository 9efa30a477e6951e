//! Which of a forecaster's forecasts on a claim count, and how much: the scoring rules
//! (`latest`, `first`, `time-avg`), the per-pair score, and horizon buckets.

use std::sync::Arc;

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::status::Status;
use super::LOG_LOSS_FLOOR;

/// Which forecast of one (claim, forecaster) pair counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Rule {
    /// The last forecast made at or before the cutoff.
    #[default]
    #[serde(rename = "latest")]
    Latest,
    /// The earliest forecast.
    #[serde(rename = "first")]
    First,
    /// The mean over time of the score of the forecast standing at each instant, from
    /// the forecaster's first forecast to the cutoff, in seconds.
    #[serde(rename = "time-avg")]
    TimeAvg,
}

impl Rule {
    pub const ACCEPTED: &'static str = "latest, first or time-avg";

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Latest => "latest",
            Rule::First => "first",
            Rule::TimeAvg => "time-avg",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule name that is not one of [`Rule::ACCEPTED`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scoring rule '{0}': expected latest, first or time-avg")]
pub struct UnknownRule(pub String);

impl std::str::FromStr for Rule {
    type Err = UnknownRule;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "latest" => Ok(Rule::Latest),
            "first" => Ok(Rule::First),
            "time-avg" => Ok(Rule::TimeAvg),
            _ => Err(UnknownRule(s.to_string())),
        }
    }
}

/// One forecaster's whole history on one claim, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The claim's key and the forecaster's name, shared (a report holds a million
    /// pairs, and each claim's key and each name once).
    pub claim: Arc<str>,
    pub forecaster: Arc<str>,
    /// From [`claim_status`](super::claim_status).
    pub status: Status,
    /// From [`cutoff`](super::cutoff): forecasts made after it never count.
    pub cutoff: DateTime<Utc>,
    /// When the claim opened: its recorded `opens_at`, or else its earliest forecast by
    /// anyone. Only `time-avg` uses it: forecasts made before it stand from it, and
    /// coverage is measured over `[opened, cutoff]`.
    pub opened: DateTime<Utc>,
    /// `(made_at, p)` in recording order. Among forecasts made at the same instant the
    /// later one is the revision. `p` is clamped to [0, 1]; a NaN `p` is ignored.
    pub forecasts: super::History,
}

/// A pair scored under one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScore {
    pub claim: Arc<str>,
    pub forecaster: Arc<str>,
    pub status: Status,
    pub rule: Rule,
    /// The counted probability; under `time-avg` the time-weighted mean.
    pub p: f64,
    /// The pair's Brier score (time-avg: its mean over the time a forecast stood);
    /// `None` unless scored.
    pub brier: Option<f64>,
    /// The pair's log loss, same convention as `brier`.
    pub log_loss: Option<f64>,
    /// The instant the horizon is measured from: the counted forecast's time, or under
    /// `time-avg` the pair's first forecast. Pass it to [`horizon`].
    pub horizon_from: DateTime<Utc>,
    /// Under `time-avg`: the share of the claim's window `[opened, cutoff]` during which
    /// the forecaster had a forecast standing.
    pub coverage: Option<f64>,
    /// Every forecast of the pair came after the claim's cutoff: it is counted as late
    /// and never scored (`p` is then its last forecast, `brier` and `log_loss` are null).
    pub late: bool,
    /// `(p, weight)` samples, weights adding up to 1 (one per standing forecast).
    #[serde(skip)]
    samples: Samples,
}

impl PairScore {
    /// The `(p, weight)` samples this pair adds to a group. Under `time-avg` each
    /// forecast is one sample weighing the seconds it stood over the seconds from the
    /// pair's first forecast to the cutoff.
    pub fn samples(&self) -> &[(f64, f64)] {
        &self.samples
    }
}

/// Scores one pair under `rule`. A pair none of whose forecasts was made at or before the
/// cutoff comes back `late`: counted as such, never scored. `None` for a pair with no
/// forecast at all, and under `time-avg` for a pair whose forecasts stood for no time in
/// the claim's window (made only at the cutoff itself).
///
/// Unscored pairs (pending, annulled, ambiguous) still get `p` so they can be shown;
/// their `brier` and `log_loss` are `None`.
pub fn score_pair(pair: &Pair, rule: Rule) -> Option<PairScore> {
    let counts = |&&(at, p): &&(DateTime<Utc>, f64)| at <= pair.cutoff && !p.is_nan();
    // The forecasts that count, in time order with recording order kept among equal
    // times: the earliest made is the first, and the last recorded of the latest made is
    // the latest. `latest` and `first` need only that one, found without sorting.
    let (samples, horizon_from, coverage): (Samples, _, _) = match rule {
        Rule::Latest | Rule::First => {
            let mut chosen: Option<(DateTime<Utc>, f64)> = None;
            for &(at, p) in pair.forecasts.iter().filter(counts) {
                let replaces = |c: (DateTime<Utc>, f64)| match rule {
                    Rule::First => at < c.0,
                    _ => at >= c.0,
                };
                if chosen.is_none_or(replaces) {
                    chosen = Some((at, p));
                }
            }
            let Some((at, p)) = chosen else {
                return late_pair(pair, rule);
            };
            (smallvec::smallvec![(p.clamp(0.0, 1.0), 1.0)], at, None)
        }
        Rule::TimeAvg => {
            let mut counted: Vec<(DateTime<Utc>, f64)> = pair
                .forecasts
                .iter()
                .filter(counts)
                .map(|&(at, p)| (at, p.clamp(0.0, 1.0)))
                .collect();
            // Stable, so forecasts made at the same instant keep their recording order.
            counted.sort_by_key(|&(at, _)| at);
            let Some(&(first_at, _)) = counted.first() else {
                return late_pair(pair, rule);
            };
            let (samples, coverage) = time_samples(&counted, pair.cutoff, pair.opened)?;
            (samples, first_at, Some(coverage))
        }
    };

    let p = samples.iter().map(|&(p, w)| w * p).sum();
    let (brier, log_loss) = match pair.status.outcome() {
        Some(yes) => {
            let brier = samples.iter().map(|&(p, w)| w * brier_term(p, yes)).sum();
            let log_loss = samples.iter().map(|&(p, w)| w * log_term(p, yes)).sum();
            (Some(brier), Some(log_loss))
        }
        None => (None, None),
    };

    Some(PairScore {
        claim: pair.claim.clone(),
        forecaster: pair.forecaster.clone(),
        status: pair.status,
        rule,
        p,
        brier,
        log_loss,
        horizon_from,
        coverage,
        late: false,
        samples,
    })
}

/// A pair whose forecasts all came after the cutoff (`None` if it has none at all).
pub fn late_pair(pair: &Pair, rule: Rule) -> Option<PairScore> {
    let first = pair.forecasts.iter().map(|f| f.0).min()?;
    let (_, p) = pair
        .forecasts
        .iter()
        .filter(|f| !f.1.is_nan())
        .max_by_key(|f| f.0)?;
    Some(PairScore {
        claim: pair.claim.clone(),
        forecaster: pair.forecaster.clone(),
        status: pair.status,
        rule,
        p: p.clamp(0.0, 1.0),
        brier: None,
        log_loss: None,
        horizon_from: first,
        coverage: None,
        late: true,
        samples: Samples::new(),
    })
}

/// Squared error of one probability against the outcome (1 for yes, 0 for no).
pub(super) fn brier_term(p: f64, yes: bool) -> f64 {
    let o = if yes { 1.0 } else { 0.0 };
    (p - o) * (p - o)
}

/// Negative log of the probability given to what happened, after clamping.
pub(super) fn log_term(p: f64, yes: bool) -> f64 {
    let p = p.clamp(LOG_LOSS_FLOOR, 1.0 - LOG_LOSS_FLOOR);
    -(if yes { p } else { 1.0 - p }).ln()
}

/// A pair's `(p, weight)` samples: one under `latest` and `first`, kept inline (a report
/// holds a million pairs; a heap allocation each would cost more than the pair).
type Samples = smallvec::SmallVec<[(f64, f64); 1]>;

/// The time-avg samples of a pair, from its forecasts already filtered to the cutoff
/// and sorted by time (non-empty), plus its coverage.
///
/// Time is continuous: each forecast stands from the instant it was made (or from
/// `opened`, if made before the claim opened) until the next one, and the last until
/// the cutoff; its weight is the seconds it stood over the seconds from the first
/// standing forecast to the cutoff. Coverage is those seconds over the claim's window
/// `[opened, cutoff]`. When the window itself has no length the last forecast counts
/// with weight 1 and full coverage; when only the pair's forecasts stood for no time
/// (made at the cutoff itself) there is nothing to score: `None`.
fn time_samples(
    counted: &[(DateTime<Utc>, f64)],
    cutoff: DateTime<Utc>,
    opened: DateTime<Utc>,
) -> Option<(Samples, f64)> {
    let end = cutoff.timestamp();
    let start = opened.timestamp().min(end);
    // The last forecast made at each (clipped) instant is the one standing from it.
    let mut standing: Vec<(i64, f64)> = Vec::with_capacity(counted.len());
    for &(at, p) in counted {
        let t = at.timestamp().clamp(start, end);
        match standing.last_mut() {
            Some(last) if last.0 == t => last.1 = p,
            _ => standing.push((t, p)),
        }
    }
    if end <= start {
        let &(_, p) = standing.last()?;
        return Some((smallvec::smallvec![(p, 1.0)], 1.0));
    }
    let first = standing.first().map_or(end, |s| s.0);
    let total = end - first;
    if total <= 0 {
        return None;
    }
    let samples = standing
        .iter()
        .enumerate()
        .map(|(i, &(t, p))| {
            let next = standing.get(i + 1).map_or(end, |n| n.0);
            (p, (next - t) as f64 / total as f64)
        })
        // A forecast made at the cutoff itself stood for no time: it adds nothing.
        .filter(|&(_, w)| w > 0.0)
        .collect();
    Some((samples, total as f64 / (end - start) as f64))
}

/// How far ahead a forecast looked, in the buckets reports group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Horizon {
    #[serde(rename = "under 3 months")]
    Under3Months,
    #[serde(rename = "3-12 months")]
    Months3To12,
    #[serde(rename = "1-3 years")]
    Years1To3,
    #[serde(rename = "over 3 years")]
    Over3Years,
}

impl Horizon {
    pub fn as_str(self) -> &'static str {
        match self {
            Horizon::Under3Months => "under 3 months",
            Horizon::Months3To12 => "3-12 months",
            Horizon::Years1To3 => "1-3 years",
            Horizon::Over3Years => "over 3 years",
        }
    }
}

impl std::fmt::Display for Horizon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The horizon bucket from `from` (usually [`PairScore::horizon_from`]) to a claim's
/// resolve-by date, in calendar months from `from`'s UTC date. Adding months to the
/// end of a month lands on the end of the shorter month (30 Nov + 3 months = 29 Feb in a
/// leap year), as chrono's `checked_add_months` does.
pub fn horizon(from: DateTime<Utc>, resolve_by: NaiveDate) -> Horizon {
    let start = from.date_naive();
    // A date beyond chrono's range counts as infinitely far, so `resolve_by` is before it.
    let before = |months: u32| {
        start
            .checked_add_months(Months::new(months))
            .is_none_or(|limit| resolve_by < limit)
    };
    if before(3) {
        Horizon::Under3Months
    } else if before(12) {
        Horizon::Months3To12
    } else if before(36) {
        Horizon::Years1To3
    } else {
        Horizon::Over3Years
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn pair(status: Status, cutoff: DateTime<Utc>, forecasts: Vec<(DateTime<Utc>, f64)>) -> Pair {
        let opened = forecasts.iter().map(|f| f.0).min().unwrap_or(cutoff);
        Pair {
            claim: "c".into(),
            forecaster: "f".into(),
            status,
            cutoff,
            opened,
            forecasts: forecasts.into(),
        }
    }

    #[test]
    fn rule_names_round_trip() {
        for rule in [Rule::Latest, Rule::First, Rule::TimeAvg] {
            assert_eq!(rule.as_str().parse::<Rule>().unwrap(), rule);
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.as_str()));
            assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), rule);
        }
        assert!("average".parse::<Rule>().is_err());
    }

    #[test]
    fn forecast_after_the_cutoff_is_ignored() {
        // Resolved yes on 2016-06-01, so the cutoff is 2016-06-01T00:00:00Z.
        let cut = super::super::cutoff(day(2016, 12, 31), Some(day(2016, 6, 1)));
        let p = pair(
            Status::Scored(true),
            cut,
            vec![(at(2016, 1, 1, 0), 0.6), (at(2016, 6, 1, 12), 0.99)],
        );
        let s = score_pair(&p, Rule::Latest).unwrap();
        // Only 0.6 counts: Brier (1 - 0.6)^2 = 0.16, log loss -ln 0.6.
        assert!(close(s.p, 0.6));
        assert!(close(s.brier.unwrap(), 0.16));
        assert!(close(s.log_loss.unwrap(), 0.510_825_623_765_990_7));
        // A forecast exactly at the cutoff still counts.
        let p = pair(Status::Scored(true), cut, vec![(cut, 0.9)]);
        assert!(close(score_pair(&p, Rule::Latest).unwrap().p, 0.9));
        // Nothing before the cutoff: the pair is late, shown but never scored.
        let p = pair(
            Status::Scored(true),
            cut,
            vec![(at(2016, 6, 3, 0), 0.8), (at(2016, 6, 2, 0), 0.9)],
        );
        for rule in [Rule::Latest, Rule::First, Rule::TimeAvg] {
            let s = score_pair(&p, rule).unwrap();
            assert!(s.late && s.brier.is_none() && s.log_loss.is_none());
            assert!(s.samples().is_empty());
            assert!(close(s.p, 0.8), "the last forecast made");
            assert_eq!(s.horizon_from, at(2016, 6, 2, 0));
        }
        let none = pair(Status::Scored(true), cut, vec![]);
        assert!(score_pair(&none, Rule::Latest).is_none());
    }

    #[test]
    fn revision_supersedes_under_latest_but_not_first() {
        let p = pair(
            Status::Scored(true),
            at(2016, 12, 31, 23),
            // Recorded out of time order on purpose.
            vec![(at(2015, 9, 1, 0), 0.7), (at(2015, 5, 26, 0), 0.3)],
        );
        let latest = score_pair(&p, Rule::Latest).unwrap();
        // (1 - 0.7)^2 = 0.09
        assert!(close(latest.brier.unwrap(), 0.09));
        assert_eq!(latest.horizon_from, at(2015, 9, 1, 0));
        let first = score_pair(&p, Rule::First).unwrap();
        // (1 - 0.3)^2 = 0.49
        assert!(close(first.brier.unwrap(), 0.49));
        assert_eq!(first.horizon_from, at(2015, 5, 26, 0));
        assert_eq!(latest.samples(), &[(0.7, 1.0)]);
    }

    #[test]
    fn same_instant_ties_go_to_the_later_record() {
        let t = at(2016, 1, 1, 0);
        let p = pair(
            Status::Scored(false),
            at(2016, 12, 31, 0),
            vec![(t, 0.2), (t, 0.4)],
        );
        assert!(close(score_pair(&p, Rule::Latest).unwrap().p, 0.4));
        assert!(close(score_pair(&p, Rule::First).unwrap().p, 0.2));
    }

    #[test]
    fn time_average_over_three_forecasts() {
        // Another forecaster opened the claim at 2020-01-01 12:00. This one forecast
        // 0.2 on Jan 3, 0.6 on Jan 5 and 0.9 on Jan 8 (at midnight); the claim resolved
        // yes on Jan 10, so the cutoff is 2020-01-10T00:00:00Z.
        //   p = 0.2 stands Jan 3 - Jan 5   (2 days)
        //   p = 0.6 stands Jan 5 - Jan 8   (3 days)
        //   p = 0.9 stands Jan 8 - Jan 10  (2 days), 7 days in all
        // mean p = (2*0.2 + 3*0.6 + 2*0.9) / 7 = 4 / 7
        // Brier  = (2*0.64 + 3*0.16 + 2*0.01) / 7 = 1.78 / 7 = 0.254285714285714
        // log loss = -(2 ln 0.2 + 3 ln 0.6 + 2 ln 0.9) / 7
        //          = (3.218875824868201 + 1.532476871297972 + 0.210721031315652) / 7
        //          = 4.962073727481825 / 7 = 0.708867675354546
        // coverage = 7 days / (Jan 1 12:00 - Jan 10 00:00 = 8.5 days) = 14 / 17
        let cut = super::super::cutoff(day(2020, 12, 31), Some(day(2020, 1, 10)));
        let mut p = pair(
            Status::Scored(true),
            cut,
            vec![
                (at(2020, 1, 3, 0), 0.2),
                (at(2020, 1, 5, 0), 0.6),
                (at(2020, 1, 8, 0), 0.9),
            ],
        );
        p.opened = at(2020, 1, 1, 12);
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        assert!(close(s.p, 4.0 / 7.0), "{}", s.p);
        assert!(close(s.brier.unwrap(), 1.78 / 7.0));
        assert!(
            close(s.log_loss.unwrap(), 0.708_867_675_354_546),
            "{:?}",
            s.log_loss
        );
        assert!(close(s.coverage.unwrap(), 14.0 / 17.0));
        assert_eq!(s.horizon_from, at(2020, 1, 3, 0));
        let weights: Vec<f64> = s.samples().iter().map(|x| x.1).collect();
        assert_eq!(weights, vec![2.0 / 7.0, 3.0 / 7.0, 2.0 / 7.0]);
    }

    #[test]
    fn time_average_counts_each_forecast_for_the_seconds_it_stood() {
        // 0.1 at 08:00 and 0.5 at 20:00 on Jan 1, cutoff Jan 2 23:00: 12 h and 27 h.
        // Brier on no = (12 * 0.01 + 27 * 0.25) / 39 = 6.87 / 39
        let p = pair(
            Status::Scored(false),
            at(2020, 1, 2, 23),
            vec![(at(2020, 1, 1, 8), 0.1), (at(2020, 1, 1, 20), 0.5)],
        );
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        assert_eq!(s.samples(), &[(0.1, 12.0 / 39.0), (0.5, 27.0 / 39.0)]);
        assert!(close(s.brier.unwrap(), 6.87 / 39.0));
        assert!(close(s.coverage.unwrap(), 1.0));
        // Forecasts before a later recorded opening stand from it; a revision at the
        // same instant replaces the forecast it revises.
        let mut p = p;
        p.opened = at(2020, 1, 2, 0);
        p.forecasts = vec![
            (at(2020, 1, 1, 8), 0.1),
            (at(2020, 1, 1, 9), 0.3),
            (at(2020, 1, 2, 11), 0.5),
        ]
        .into();
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        assert_eq!(s.samples(), &[(0.3, 11.0 / 23.0), (0.5, 12.0 / 23.0)]);
        assert!(close(s.coverage.unwrap(), 1.0));
        // Made at the cutoff itself, the forecast stood for no time: alone, the pair has
        // nothing to score; after another, it adds nothing. In a window of no length
        // (opened at the cutoff) it counts whole.
        p.forecasts = vec![(at(2020, 1, 2, 23), 0.7)].into();
        assert_eq!(score_pair(&p, Rule::TimeAvg), None);
        let mut no_window = p.clone();
        no_window.opened = no_window.cutoff;
        let s = score_pair(&no_window, Rule::TimeAvg).unwrap();
        assert_eq!(s.samples(), &[(0.7, 1.0)]);
        p.forecasts = vec![(at(2020, 1, 2, 23), 0.7), (at(2020, 1, 2, 12), 0.4)].into();
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        assert_eq!(s.samples(), &[(0.4, 1.0)]);
    }

    #[test]
    fn unscored_pairs_keep_p_but_no_scores() {
        let p = pair(
            Status::Annulled,
            at(2020, 1, 2, 0),
            vec![(at(2020, 1, 1, 0), 0.3)],
        );
        let s = score_pair(&p, Rule::Latest).unwrap();
        assert!(close(s.p, 0.3));
        assert_eq!((s.brier, s.log_loss), (None, None));
    }

    #[test]
    fn odd_probabilities_are_clamped_or_dropped() {
        let p = pair(
            Status::Scored(false),
            at(2020, 1, 9, 0),
            vec![(at(2020, 1, 1, 0), 1.7), (at(2020, 1, 2, 0), f64::NAN)],
        );
        let s = score_pair(&p, Rule::Latest).unwrap();
        assert_eq!(s.p, 1.0);
        assert_eq!(s.brier, Some(1.0));
        // Clamped to 0.999 for log loss: -ln(0.001).
        assert!(close(s.log_loss.unwrap(), 6.907_755_278_982_137));
    }

    #[test]
    fn horizon_buckets_use_calendar_months() {
        let from = at(2015, 5, 26, 15);
        assert_eq!(horizon(from, day(2015, 8, 25)), Horizon::Under3Months);
        assert_eq!(horizon(from, day(2015, 8, 26)), Horizon::Months3To12);
        assert_eq!(horizon(from, day(2016, 5, 25)), Horizon::Months3To12);
        assert_eq!(horizon(from, day(2016, 5, 26)), Horizon::Years1To3);
        assert_eq!(horizon(from, day(2018, 5, 25)), Horizon::Years1To3);
        assert_eq!(horizon(from, day(2018, 5, 26)), Horizon::Over3Years);
        // 2015-11-30 + 3 months = 2016-02-29 (leap year, end of month).
        assert_eq!(
            horizon(at(2015, 11, 30, 0), day(2016, 2, 28)),
            Horizon::Under3Months
        );
        assert_eq!(
            horizon(at(2015, 11, 30, 0), day(2016, 2, 29)),
            Horizon::Months3To12
        );
        // A deadline in the past is under 3 months; extreme dates do not panic.
        assert_eq!(horizon(from, day(2000, 1, 1)), Horizon::Under3Months);
        assert_eq!(
            horizon(
                NaiveDate::MAX.and_hms_opt(0, 0, 0).unwrap().and_utc(),
                NaiveDate::MAX
            ),
            Horizon::Under3Months
        );
        assert_eq!(
            serde_json::to_string(&Horizon::Years1To3).unwrap(),
            "\"1-3 years\""
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// `latest` and `first` pick, without sorting, the forecast a stable sort by time
        /// of the counted forecasts puts last or first.
        #[test]
        fn the_counted_forecast_is_that_of_a_stable_sort(
            forecasts in proptest::collection::vec(
                (0u32..6, proptest::prop_oneof![
                    4 => -0.5f64..1.5,
                    1 => proptest::prelude::Just(f64::NAN),
                    1 => proptest::prelude::Just(-0.0),
                ]),
                0..8,
            ),
            cut in 0u32..7,
            yes in proptest::prelude::any::<bool>(),
        ) {
            let forecasts: Vec<(DateTime<Utc>, f64)> =
                forecasts.iter().map(|&(h, p)| (at(2020, 1, 1, h), p)).collect();
            let cutoff = at(2020, 1, 1, cut);
            let p = pair(Status::Scored(yes), cutoff, forecasts.clone());
            let mut sorted: Vec<(DateTime<Utc>, f64)> = forecasts
                .iter()
                .filter(|(t, p)| *t <= cutoff && !p.is_nan())
                .map(|&(t, p)| (t, p.clamp(0.0, 1.0)))
                .collect();
            sorted.sort_by_key(|&(t, _)| t);
            for (rule, want) in [(Rule::Latest, sorted.last()), (Rule::First, sorted.first())] {
                let got = score_pair(&p, rule);
                match want {
                    Some(&(t, q)) => {
                        let got = got.expect("a counted forecast");
                        proptest::prop_assert!(!got.late);
                        proptest::prop_assert_eq!(got.horizon_from, t);
                        proptest::prop_assert_eq!(got.p.to_bits(), q.to_bits());
                        proptest::prop_assert_eq!(got.samples(), &[(q, 1.0)][..]);
                        let b = got.brier.map(f64::to_bits);
                        proptest::prop_assert_eq!(b, Some(brier_term(q, yes).to_bits()));
                    }
                    None => proptest::prop_assert!(got.is_none_or(|g| g.late)),
                }
            }
        }
    }
}
