//! Where a claim stands for scoring: which resolution applies on a date, what the
//! claim's condition does to it, and the instant after which forecasts stop counting.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Serialize, Serializer};

use crate::domain::{Outcome, Resolution};

/// Last second of a day. Cutoffs use it so that a whole resolve-by day stays open.
const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_opt(23, 59, 59) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// A resolution record as far as scoring cares: an outcome and the day it happened.
///
/// Implemented for the domain's [`Resolution`] and for plain `(Outcome, NaiveDate)`
/// tuples, so callers and tests need not build full records.
pub trait Dated {
    fn outcome(&self) -> Outcome;
    fn resolved_on(&self) -> NaiveDate;
}

impl Dated for Resolution {
    fn outcome(&self) -> Outcome {
        self.outcome
    }
    fn resolved_on(&self) -> NaiveDate {
        self.resolved_on
    }
}

impl Dated for (Outcome, NaiveDate) {
    fn outcome(&self) -> Outcome {
        self.0
    }
    fn resolved_on(&self) -> NaiveDate {
        self.1
    }
}

/// The resolution in force: the last one in recording order whose `resolved_on` is on
/// or before `as_of`, or simply the last one when `as_of` is `None`.
///
/// Later records correct earlier ones, which is why recording order wins over
/// `resolved_on` order when several qualify.
pub fn effective_resolution<R: Dated>(history: &[R], as_of: Option<NaiveDate>) -> Option<&R> {
    history
        .iter()
        .rev()
        .find(|r| as_of.is_none_or(|day| r.resolved_on() <= day))
}

/// How a claim counts in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Resolved yes (`true`) or no (`false`), and scored.
    Scored(bool),
    /// Not resolved yet, or its condition is not.
    Pending,
    /// Withdrawn, or its premise failed.
    Annulled,
    /// Resolved, but nobody can say which way.
    Ambiguous,
}

impl Status {
    /// `Some(true)` for yes, `Some(false)` for no, `None` when the claim is not scored.
    pub fn outcome(self) -> Option<bool> {
        match self {
            Status::Scored(yes) => Some(yes),
            _ => None,
        }
    }

    /// The word used in tables and JSON: yes, no, pending, annulled or ambiguous.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scored(true) => "yes",
            Status::Scored(false) => "no",
            Status::Pending => "pending",
            Status::Annulled => "annulled",
            Status::Ambiguous => "ambiguous",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Combines a claim's own outcome with its condition's.
///
/// `own` is the claim's effective outcome (`None` when unresolved). `condition` is
/// `None` when the claim has no condition and `Some(None)` when the condition claim is
/// unresolved.
///
/// A condition that resolved no or annulled annuls the claim whatever its own record
/// says: a failed premise is not a wrong forecast. An ambiguous condition makes the
/// claim ambiguous, and an open one keeps it pending.
pub fn claim_status(own: Option<Outcome>, condition: Option<Option<Outcome>>) -> Status {
    match condition {
        Some(Some(Outcome::No | Outcome::Annulled)) => return Status::Annulled,
        Some(Some(Outcome::Ambiguous)) => return Status::Ambiguous,
        Some(None) => return Status::Pending,
        Some(Some(Outcome::Yes)) | None => {}
    }
    match own {
        Some(Outcome::Yes) => Status::Scored(true),
        Some(Outcome::No) => Status::Scored(false),
        Some(Outcome::Annulled) => Status::Annulled,
        Some(Outcome::Ambiguous) => Status::Ambiguous,
        None => Status::Pending,
    }
}

/// The last instant at which a forecast on a claim still counts: the end of the
/// resolve-by day (23:59:59 UTC), or the start of the resolved-on day (00:00:00 UTC) if
/// that is earlier. Starting at midnight keeps out forecasts made on the day the answer
/// became known.
pub fn cutoff(resolve_by: NaiveDate, resolved_on: Option<NaiveDate>) -> DateTime<Utc> {
    let deadline = resolve_by.and_time(END_OF_DAY).and_utc();
    match resolved_on {
        Some(day) => deadline.min(day.and_time(NaiveTime::MIN).and_utc()),
        None => deadline,
    }
}

/// The cutoff of a claim that may also close at an instant: the earliest of
/// `closes_at`, the end of the resolve-by day and the start of the resolved-on day.
pub fn cutoff_at(
    resolve_by: NaiveDate,
    resolved_on: Option<NaiveDate>,
    closes_at: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let by_dates = cutoff(resolve_by, resolved_on);
    closes_at.map_or(by_dates, |close| close.min(by_dates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn effective_resolution_follows_recording_order_and_as_of() {
        let history = [
            (Outcome::No, day(2016, 1, 10)),
            (Outcome::Yes, day(2016, 3, 1)),
            // A correction recorded last but dated earlier than the previous record.
            (Outcome::Ambiguous, day(2016, 2, 1)),
        ];
        let current = effective_resolution(&history, None).unwrap();
        assert_eq!(current.outcome(), Outcome::Ambiguous);
        // On 2016-02-15 the correction (dated 02-01) already stands.
        let mid = effective_resolution(&history, Some(day(2016, 2, 15))).unwrap();
        assert_eq!(mid.outcome(), Outcome::Ambiguous);
        let early = effective_resolution(&history, Some(day(2016, 1, 31))).unwrap();
        assert_eq!(early.outcome(), Outcome::No);
        assert!(effective_resolution(&history, Some(day(2016, 1, 9))).is_none());
        assert!(effective_resolution::<(Outcome, NaiveDate)>(&[], None).is_none());
    }

    #[test]
    fn condition_failure_annuls_whatever_the_claim_says() {
        for own in [
            None,
            Some(Outcome::Yes),
            Some(Outcome::No),
            Some(Outcome::Ambiguous),
        ] {
            assert_eq!(claim_status(own, Some(Some(Outcome::No))), Status::Annulled);
            assert_eq!(
                claim_status(own, Some(Some(Outcome::Annulled))),
                Status::Annulled
            );
            assert_eq!(
                claim_status(own, Some(Some(Outcome::Ambiguous))),
                Status::Ambiguous
            );
            assert_eq!(claim_status(own, Some(None)), Status::Pending);
        }
    }

    #[test]
    fn own_outcome_decides_when_condition_holds_or_is_absent() {
        for cond in [None, Some(Some(Outcome::Yes))] {
            assert_eq!(claim_status(Some(Outcome::Yes), cond), Status::Scored(true));
            assert_eq!(claim_status(Some(Outcome::No), cond), Status::Scored(false));
            assert_eq!(
                claim_status(Some(Outcome::Annulled), cond),
                Status::Annulled
            );
            assert_eq!(
                claim_status(Some(Outcome::Ambiguous), cond),
                Status::Ambiguous
            );
            assert_eq!(claim_status(None, cond), Status::Pending);
        }
    }

    #[test]
    fn cutoff_is_the_earlier_of_deadline_end_and_resolution_start() {
        let by = day(2016, 12, 31);
        assert_eq!(
            cutoff(by, None),
            Utc.with_ymd_and_hms(2016, 12, 31, 23, 59, 59).unwrap()
        );
        assert_eq!(
            cutoff(by, Some(day(2016, 6, 1))),
            Utc.with_ymd_and_hms(2016, 6, 1, 0, 0, 0).unwrap()
        );
        // Resolved late: the deadline still closes forecasting.
        assert_eq!(
            cutoff(by, Some(day(2017, 2, 1))),
            Utc.with_ymd_and_hms(2016, 12, 31, 23, 59, 59).unwrap()
        );
        // Extreme dates must not panic.
        let _ = cutoff(NaiveDate::MAX, Some(NaiveDate::MIN));
    }

    #[test]
    fn a_close_time_cuts_off_earlier_than_the_dates() {
        let by = day(2016, 12, 31);
        let close = Utc.with_ymd_and_hms(2016, 5, 31, 14, 0, 0).unwrap();
        // Closed at 14:00 on May 31: earlier than both dates.
        assert_eq!(cutoff_at(by, Some(day(2016, 6, 1)), Some(close)), close);
        // Resolved on May 1: the start of that day comes first.
        assert_eq!(
            cutoff_at(by, Some(day(2016, 5, 1)), Some(close)),
            Utc.with_ymd_and_hms(2016, 5, 1, 0, 0, 0).unwrap()
        );
        // Closing after the deadline changes nothing.
        let late = Utc.with_ymd_and_hms(2017, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(cutoff_at(by, None, Some(late)), cutoff(by, None));
        assert_eq!(cutoff_at(by, None, None), cutoff(by, None));
    }

    #[test]
    fn status_serialises_as_a_word() {
        let json = serde_json::to_string(&[Status::Scored(true), Status::Annulled]).unwrap();
        assert_eq!(json, r#"["yes","annulled"]"#);
    }
}
