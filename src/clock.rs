//! The one place hindsight learns what time it is. `HINDSIGHT_NOW` (RFC 3339 or a date)
//! pins it, so tests and scripts get the same output every run.

use chrono::{DateTime, Utc};

use crate::domain::parse::{self, InputError};

pub const ENV: &str = "HINDSIGHT_NOW";

/// The current time, whole seconds, from `HINDSIGHT_NOW` when set, else the system clock.
pub fn now() -> Result<DateTime<Utc>, InputError> {
    match std::env::var(ENV) {
        Ok(v) if !v.trim().is_empty() => parse::time(ENV, &v),
        _ => Ok(parse::truncate_seconds(Utc::now())),
    }
}
