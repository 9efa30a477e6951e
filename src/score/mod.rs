//! Scoring: turns forecasts and resolutions, handed in as plain values, into Brier
//! scores, log loss, calibration tables and head-to-head comparisons.
//!
//! The module owns the rules of what counts. It does no I/O and never reads the clock;
//! every date and time arrives as an argument, so a report "as of" any day is just a
//! different argument.
//!
//! # Pipeline
//!
//! 1. **Status of a claim.** [`effective_resolution`] picks the resolution standing on a
//!    date from a claim's history, [`claim_status`] combines it with the claim's condition
//!    (a failed premise annuls the claim), and [`cutoff`] gives the instant after which
//!    forecasts on the claim no longer count.
//! 2. **One pair per (claim, forecaster).** The caller fills a [`Pair`] with the
//!    forecaster's whole history on the claim and calls [`score_pair`] with a [`Rule`]
//!    (`latest`, `first` or `time-avg`). Revisions never count as several forecasts: a
//!    pair yields at most one [`PairScore`], which carries the counted probability, the
//!    pair's Brier score and log loss, and the instant its [`Horizon`] is measured from.
//! 3. **Groups.** The caller decides the group keys (forecaster, tag, horizon, ...) and
//!    calls [`metrics`] on one group or [`group_metrics`] on `(key, &PairScore)` rows to
//!    get a [`Metrics`] per key. An item may sit in several groups.
//! 4. **Head to head.** [`compare`] matches two forecasters on the claims both scored.
//! 5. **Per claim.** [`score_claim`] scores all forecasters of one claim together, adds
//!    the crowd ([`Aggregate`]) as virtual forecasters, and gives each pair its
//!    Metaculus baseline and peer scores and its Brier relative to the crowd median
//!    ([`PlatformScore`]); [`platform_metrics`] sums and averages them for a group.
//! 6. **CORP and uncertainty.** [`corp_with_band`] recalibrates a group's forecasts by
//!    isotonic regression and splits its mean Brier score and log loss into
//!    miscalibration, discrimination and uncertainty, with a consistency band;
//!    [`bootstrap`] gives 95% intervals for the group's mean scores over its claims.
//!
//! ```
//! # use hindsight::score::*;
//! # use hindsight::domain::Outcome;
//! # use chrono::{NaiveDate, TimeZone, Utc};
//! let resolve_by = NaiveDate::from_ymd_opt(2016, 12, 31).unwrap();
//! let resolved_on = NaiveDate::from_ymd_opt(2016, 6, 1).unwrap();
//! let made = Utc.with_ymd_and_hms(2015, 5, 26, 0, 0, 0).unwrap();
//! let pair = Pair {
//!     claim: "minsk-implemented".into(),
//!     forecaster: "kerry".into(),
//!     status: claim_status(Some(Outcome::No), None),
//!     cutoff: cutoff(resolve_by, Some(resolved_on)),
//!     opened: made,
//!     forecasts: History::from_vec(vec![(made, 0.4)]),
//! };
//! let scored = score_pair(&pair, Rule::Latest).unwrap();
//! assert!((scored.brier.unwrap() - 0.16).abs() < 1e-12);
//! let m = metrics([&scored], DEFAULT_BINS);
//! assert_eq!(m.n, 1);
//! ```
//!
//! # Weighted samples
//!
//! Every scored pair becomes weighted samples `(p, o)` whose weights add up to 1: one
//! sample under `latest` and `first`; under `time-avg` one sample per forecast, weighing
//! the seconds it stood over the seconds from the pair's first forecast to the cutoff.
//! All group metrics are weighted means over these samples, so `N` (the total weight)
//! equals the number of scored pairs and the Brier decomposition holds under every rule.
//!
//! # Order
//!
//! Results never depend on the order of the input items: samples are sorted before
//! any floating-point sum. The only order that matters is that of one pair's forecasts
//! made at the same instant, where the later one in input order is the revision.

mod claim;
mod compare;
mod corp;
mod crowd;
mod exact;
mod metrics;
mod platform;
mod resample;
mod select;
mod status;
mod tally;

pub use claim::{score_claim, ClaimForecasts, Scored};
pub use crowd::{crowd_history, Aggregate, UnknownAggregate};
pub use exact::ExactSum;
pub use platform::{
    baseline, claim_scores, counted, peer, platform_metrics, History, PlatformMetrics,
    PlatformScore, PLATFORM_FLOOR,
};

pub use compare::{compare, Comparison};
pub use corp::{corp, pav, Corp, CurvePoint, Decomposition, Obs};
pub use metrics::{group_metrics, metrics, CalibrationBin, Metrics, DEFAULT_BINS, MAX_BINS};
pub use resample::{
    bootstrap, bootstrap_platform, corp_with_band, observations, overlaps_best, Intervals,
    PlatformIntervals, Resampling, BAND_POINTS, DEFAULT_RESAMPLES, DEFAULT_SEED, MAX_RESAMPLES,
};
pub use select::{horizon, late_pair, score_pair, Horizon, Pair, PairScore, Rule, UnknownRule};
pub use status::{claim_status, cutoff, cutoff_at, effective_resolution, Dated, Status};
pub use tally::{GroupScores, Tally};

/// The outcome of a claim, shared with the domain so that the two never drift apart.
pub use crate::domain::Outcome;

/// Two-sided 95% quantile of the standard normal distribution, used for the Wilson
/// intervals and for the normal approximation in [`compare`].
pub const Z95: f64 = 1.959963984540054;

/// Log loss clamps probabilities to `[LOG_LOSS_FLOOR, 1 - LOG_LOSS_FLOOR]`, so that a
/// single confident miss costs at most `-ln(0.001)` (about 6.9) instead of infinity.
pub const LOG_LOSS_FLOOR: f64 = 0.001;
