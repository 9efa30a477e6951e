//! The ledger's vocabulary: sources, claims, forecasts and resolutions as plain values,
//! plus the pure rules that decide whether a new record may join a ledger.
//!
//! Nothing here touches SQL, files or the clock. The field names of these types are the
//! field names of the JSON output and of the interchange format (see README).

pub mod event;
pub mod parse;
pub mod validate;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use parse::InputError;

/// An article, brief or note whose claims are recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub key: String,
    pub title: String,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    /// The full text, when the user attached it. Quotes are checked against it.
    pub text: Option<String>,
    /// SHA-256 of `text` as lowercase hex.
    pub text_sha256: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it: the database role on PostgreSQL, `$HINDSIGHT_USER` or the
    /// operating system's user on SQLite. `None` for records made before it was kept
    /// (left out of JSON then, so their bytes stay as they were).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// A checkable statement with a deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub key: String,
    pub statement: String,
    pub resolve_by: NaiveDate,
    /// When forecasting on the claim opened; `None` means with its first forecast.
    /// Left out of JSON when empty, so records made before it existed keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<DateTime<Utc>>,
    /// When forecasting closed: forecasts made after it never count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes_at: Option<DateTime<Utc>>,
    /// Key of the source the claim was read in.
    pub source: Option<String>,
    /// Key of a claim that must resolve yes for this one to be scored.
    pub condition: Option<String>,
    /// The words in the source the claim rests on.
    pub quote: Option<String>,
    /// How a stranger would judge the outcome.
    pub criteria: Option<String>,
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (see [`Source::recorded_by`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// One probability from one forecaster at one moment. Revisions are further forecasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub claim: String,
    pub forecaster: String,
    pub p: f64,
    pub made_at: DateTime<Utc>,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (see [`Source::recorded_by`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// How a claim turned out. A claim may be resolved more than once; the latest
/// recorded resolution is current and the earlier ones stay as history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub claim: String,
    pub outcome: Outcome,
    pub resolved_on: NaiveDate,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (see [`Source::recorded_by`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// A claim's resolve-by date moved later, because the outcome is not known yet. The claim
/// keeps the date it was recorded with; the latest postponement says when it is now due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Postponement {
    pub claim: String,
    /// The new date, later than the one it replaces.
    pub resolve_by: NaiveDate,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it (see [`Source::recorded_by`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// The four ways a claim can end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Yes,
    No,
    Annulled,
    Ambiguous,
}

impl Outcome {
    pub const ACCEPTED: &'static str = "expected yes, no, annulled or ambiguous";

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Yes => "yes",
            Outcome::No => "no",
            Outcome::Annulled => "annulled",
            Outcome::Ambiguous => "ambiguous",
        }
    }
}

impl std::str::FromStr for Outcome {
    type Err = InputError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" => Ok(Outcome::Yes),
            "no" => Ok(Outcome::No),
            "annulled" => Ok(Outcome::Annulled),
            "ambiguous" => Ok(Outcome::Ambiguous),
            _ => Err(InputError::new("outcome", s, Outcome::ACCEPTED)),
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A forecast is backfilled when it claims to have been made more than a day before
/// the ledger recorded it (typical when coding an old article today). Reports can
/// leave such forecasts out, since nobody can prove they were made blind.
pub fn is_backfilled(made_at: DateTime<Utc>, recorded_at: DateTime<Utc>) -> bool {
    recorded_at - made_at > chrono::Duration::days(1)
}

/// [`is_backfilled`] on times in whole seconds since 1970.
pub fn is_backfilled_seconds(made_at: i64, recorded_at: i64) -> bool {
    recorded_at.saturating_sub(made_at) > 24 * 60 * 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backfilled_only_past_one_day() {
        let rec = Utc.with_ymd_and_hms(2026, 1, 2, 12, 0, 0).unwrap();
        assert!(!is_backfilled(rec, rec));
        assert!(!is_backfilled(rec - chrono::Duration::hours(24), rec));
        assert!(is_backfilled(rec - chrono::Duration::hours(25), rec));
        assert!(!is_backfilled(rec + chrono::Duration::hours(5), rec));
        for secs in [-1, 0, 86_399, 86_400, 86_401, 200_000] {
            let made = rec - chrono::Duration::seconds(secs);
            let (m, r) = (made.timestamp(), rec.timestamp());
            assert_eq!(
                is_backfilled_seconds(m, r),
                is_backfilled(made, rec),
                "{secs}"
            );
        }
    }

    #[test]
    fn outcome_parses_case_insensitively_and_rejects_others() {
        assert_eq!("YES".parse::<Outcome>().unwrap(), Outcome::Yes);
        assert_eq!("annulled".parse::<Outcome>().unwrap(), Outcome::Annulled);
        let err = "maybe".parse::<Outcome>().unwrap_err().to_string();
        assert!(err.contains("outcome") && err.contains("maybe") && err.contains("ambiguous"));
    }
}
