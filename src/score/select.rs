//! Which of a forecaster's forecasts on a claim count, and how much: the scoring rules
//! (`latest`, `first`, `time-avg`), the per-pair score, and horizon buckets.

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
    /// The mean of the daily scores of the forecast standing each day, from the
    /// forecaster's first forecast to the cutoff day.
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
    pub claim: String,
    pub forecaster: String,
    /// From [`claim_status`](super::claim_status).
    pub status: Status,
    /// From [`cutoff`](super::cutoff): forecasts made after it never count.
    pub cutoff: DateTime<Utc>,
    /// When the claim opened: its earliest forecast by anyone. Only `time-avg` coverage
    /// uses it.
    pub opened: DateTime<Utc>,
    /// `(made_at, p)` in recording order. Among forecasts made at the same instant the
    /// later one is the revision. `p` is clamped to [0, 1]; a NaN `p` is ignored.
    pub forecasts: Vec<(DateTime<Utc>, f64)>,
}

/// A pair scored under one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairScore {
    pub claim: String,
    pub forecaster: String,
    pub status: Status,
    pub rule: Rule,
    /// The counted probability; under `time-avg` the day-weighted mean.
    pub p: f64,
    /// The pair's Brier score (time-avg: mean of the daily scores); `None` unless scored.
    pub brier: Option<f64>,
    /// The pair's log loss, same convention as `brier`.
    pub log_loss: Option<f64>,
    /// The instant the horizon is measured from: the counted forecast's time, or under
    /// `time-avg` the pair's first forecast. Pass it to [`horizon`].
    pub horizon_from: DateTime<Utc>,
    /// Under `time-avg`: days scored / days the claim was open up to its cutoff day.
    pub coverage: Option<f64>,
    /// Every forecast of the pair came after the claim's cutoff: it is counted as late
    /// and never scored (`p` is then its last forecast, `brier` and `log_loss` are null).
    pub late: bool,
    /// `(p, weight)` samples, weights adding up to 1 (one per standing forecast).
    #[serde(skip)]
    samples: Vec<(f64, f64)>,
}

impl PairScore {
    /// The `(p, weight)` samples this pair adds to a group. Under `time-avg` each
    /// stretch of days with the same standing forecast is one sample weighing
    /// `days / D`, which equals `days` samples of weight `1 / D`.
    pub fn samples(&self) -> &[(f64, f64)] {
        &self.samples
    }
}

/// Scores one pair under `rule`. A pair none of whose forecasts was made at or before the
/// cutoff comes back `late`: counted as such, never scored. `None` only for a pair with
/// no forecast at all.
///
/// Unscored pairs (pending, annulled, ambiguous) still get `p` so they can be shown;
/// their `brier` and `log_loss` are `None`.
pub fn score_pair(pair: &Pair, rule: Rule) -> Option<PairScore> {
    let mut counted: Vec<(DateTime<Utc>, f64)> = pair
        .forecasts
        .iter()
        .filter(|(at, p)| *at <= pair.cutoff && !p.is_nan())
        .map(|&(at, p)| (at, p.clamp(0.0, 1.0)))
        .collect();
    // Stable, so forecasts made at the same instant keep their recording order.
    counted.sort_by_key(|&(at, _)| at);
    let (Some(&(first_at, first_p)), Some(&(last_at, last_p))) = (counted.first(), counted.last())
    else {
        return late_pair(pair, rule);
    };

    let (samples, horizon_from, coverage) = match rule {
        Rule::Latest => (vec![(last_p, 1.0)], last_at, None),
        Rule::First => (vec![(first_p, 1.0)], first_at, None),
        Rule::TimeAvg => {
            let (samples, coverage) = daily_samples(&counted, pair.cutoff, pair.opened);
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
        samples: Vec::new(),
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

/// The time-avg samples of a pair, from its forecasts already filtered to the cutoff
/// and sorted by time (non-empty), plus its coverage.
///
/// The standing forecast on day `d` is the last one made by the end of `d` (and by the
/// cutoff, which all of `counted` already is), so it only changes on days that have a
/// forecast. Each such day starts a stretch that lasts until the next one, and the last
/// stretch ends on the cutoff day. Stretches rather than single days keep the work
/// proportional to the number of forecasts, however long the claim stays open.
fn daily_samples(
    counted: &[(DateTime<Utc>, f64)],
    cutoff: DateTime<Utc>,
    opened: DateTime<Utc>,
) -> (Vec<(f64, f64)>, f64) {
    // The last forecast of each day is the one standing at that day's end.
    let mut standing: Vec<(NaiveDate, f64)> = Vec::new();
    for &(at, p) in counted {
        let day = at.date_naive();
        match standing.last_mut() {
            Some(last) if last.0 == day => last.1 = p,
            _ => standing.push((day, p)),
        }
    }
    let cutoff_day = cutoff.date_naive();
    let first_day = standing.first().map_or(cutoff_day, |s| s.0);
    let total_days = days_inclusive(first_day, cutoff_day);
    let mut samples = Vec::with_capacity(standing.len());
    for (i, &(day, p)) in standing.iter().enumerate() {
        let next = standing
            .get(i + 1)
            .map_or(cutoff_day, |n| n.0.pred_opt().unwrap_or(n.0));
        samples.push((p, days_inclusive(day, next) as f64 / total_days as f64));
    }
    // The claim cannot have opened after this forecaster's first forecast; taking the
    // earlier of the two keeps coverage at most 1 even if the caller passes a later time.
    let opened_day = opened.date_naive().min(first_day);
    let coverage = total_days as f64 / days_inclusive(opened_day, cutoff_day) as f64;
    (samples, coverage)
}

/// Number of calendar days from `from` to `to`, both included (at least 1).
fn days_inclusive(from: NaiveDate, to: NaiveDate) -> i64 {
    (to.signed_duration_since(from).num_days() + 1).max(1)
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
            forecasts,
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
        // Another forecaster opened the claim on 2020-01-01. This one forecast
        // 0.2 on Jan 3, 0.6 on Jan 5 and 0.9 on Jan 8; the claim resolved yes on
        // Jan 10, so the cutoff is 2020-01-10T00:00:00Z and the cutoff day is Jan 10.
        // Days scored: Jan 3..=Jan 10, D = 8.
        //   p = 0.2 stands Jan 3, 4       (2 days)
        //   p = 0.6 stands Jan 5, 6, 7    (3 days)
        //   p = 0.9 stands Jan 8, 9, 10   (3 days)
        // mean p = (2*0.2 + 3*0.6 + 3*0.9) / 8 = 4.9 / 8 = 0.6125
        // Brier  = (2*0.64 + 3*0.16 + 3*0.01) / 8 = 1.79 / 8 = 0.22375
        // log loss = -(2 ln 0.2 + 3 ln 0.6 + 3 ln 0.9) / 8
        //          = (3.218875824868201 + 1.532476871297972 + 0.316081546973479) / 8
        //          = 5.067434243139652 / 8 = 0.633429280392456
        // coverage = 8 days / (Jan 1..=Jan 10 = 10 days) = 0.8
        let cut = super::super::cutoff(day(2020, 12, 31), Some(day(2020, 1, 10)));
        let mut p = pair(
            Status::Scored(true),
            cut,
            vec![
                (at(2020, 1, 3, 10), 0.2),
                (at(2020, 1, 5, 8), 0.6),
                (at(2020, 1, 8, 12), 0.9),
            ],
        );
        p.opened = at(2020, 1, 1, 9);
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        assert!(close(s.p, 0.6125), "{}", s.p);
        assert!(close(s.brier.unwrap(), 0.22375));
        assert!(
            close(s.log_loss.unwrap(), 0.633_429_280_392_456),
            "{:?}",
            s.log_loss
        );
        assert!(close(s.coverage.unwrap(), 0.8));
        assert_eq!(s.horizon_from, at(2020, 1, 3, 10));
        let weights: Vec<f64> = s.samples().iter().map(|x| x.1).collect();
        assert_eq!(weights, vec![0.25, 0.375, 0.375]);
    }

    #[test]
    fn time_average_keeps_the_last_forecast_of_a_day() {
        // 0.1 then 0.5 on Jan 1, cutoff end of Jan 2: both days stand at 0.5.
        let p = pair(
            Status::Scored(false),
            at(2020, 1, 2, 23),
            vec![(at(2020, 1, 1, 8), 0.1), (at(2020, 1, 1, 20), 0.5)],
        );
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        assert_eq!(s.samples(), &[(0.5, 1.0)]);
        assert!(close(s.brier.unwrap(), 0.25));
        assert!(close(s.coverage.unwrap(), 1.0));
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
}
