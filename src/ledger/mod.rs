//! The ledger's write operations: each one checks a record against the domain rules and the
//! records already stored, then stores it. The CLI commands and the importer both come
//! through here, so every way into the ledger enforces the same rules.
//!
//! These functions run inside the caller's transaction (`Store::write`); an error leaves it
//! to be rolled back.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::domain::parse::{format_date, format_time, InputError};
use crate::domain::{validate, Claim, Forecast, Postponement, Resolution, Source};
use crate::store::{ClaimRow, Db, StoreError};

/// Why a record was refused.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{field}: no {what} with key '{key}'; expected the key of an existing {what} (see `hindsight {list}`)")]
    Unknown {
        field: &'static str,
        what: &'static str,
        key: String,
        list: &'static str,
    },
    #[error("{field}: key '{key}' is already used by another {what}; expected a new key")]
    Duplicate {
        field: &'static str,
        what: &'static str,
        key: String,
    },
    #[error("quote: claim '{claim}': the quote \"{quote}\" does not occur in the text of source '{source_key}'; expected words copied from the source")]
    QuoteNotInSource {
        claim: String,
        quote: String,
        source_key: String,
    },
    #[error("made_at: claim '{claim}' was resolved on {resolved_on}, so a forecast made at {made_at} comes too late; expected a time before {resolved_on}")]
    AfterResolution {
        claim: String,
        made_at: String,
        resolved_on: String,
    },
    #[error("condition: claim '{claim}' cannot depend on '{condition}': the conditions would form a cycle; expected a claim that does not depend on '{claim}'")]
    Cycle { claim: String, condition: String },
    #[error("text_sha256: source '{key}': '{given}' is not the SHA-256 of its text ({actual}); expected the hash of the text as given")]
    HashMismatch {
        key: String,
        given: String,
        actual: String,
    },
    #[error("{field}: {what} '{key}' is already in the ledger with a different {field}; expected an identical record or a new key")]
    Conflict {
        what: &'static str,
        key: String,
        field: &'static str,
    },
    #[error("claim: claim '{claim}' was resolved {outcome} on {resolved_on}, so it cannot be postponed; expected an open claim (resolve it again to correct the outcome)")]
    AlreadyResolved {
        claim: String,
        outcome: String,
        resolved_on: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl LedgerError {
    /// The same error naming `option` where it named the record's `field`: a command
    /// says which of its options was refused (`--on` rather than `resolved_on`).
    pub fn naming(self, field: &str, option: &str) -> Self {
        match self {
            LedgerError::Input(mut e) if e.field == field => {
                e.field = option.to_string();
                LedgerError::Input(e)
            }
            other => other,
        }
    }

    /// A record refused is the user's to fix; a store failure is the database's.
    pub fn kind(&self) -> crate::error::Kind {
        match self {
            LedgerError::Store(StoreError::Input(_)) => crate::error::Kind::Input,
            LedgerError::Store(_) => crate::error::Kind::Database,
            _ => crate::error::Kind::Input,
        }
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Store(StoreError::from(e))
    }
}

pub type Result<T> = std::result::Result<T, LedgerError>;

/// Lowercase hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// Finds a claim by key or says which key is unknown.
pub fn claim(db: &Db<'_>, field: &'static str, key: &str) -> Result<ClaimRow> {
    db.claim(key)?.ok_or_else(|| LedgerError::Unknown {
        field,
        what: "claim",
        key: key.to_string(),
        list: "list",
    })
}

pub fn source(db: &Db<'_>, field: &'static str, key: &str) -> Result<Source> {
    db.source(key)?.ok_or_else(|| LedgerError::Unknown {
        field,
        what: "source",
        key: key.to_string(),
        list: "source list",
    })
}

/// Refuses a filter that names a source, tag or forecaster the ledger does not hold, so
/// that a typo reads as an error instead of an empty report.
pub fn check_filters(
    db: &Db<'_>,
    source_key: Option<&str>,
    tag: Option<&str>,
    forecasters: &[String],
) -> Result<()> {
    if let Some(k) = source_key {
        source(db, "--source", k)?;
    }
    if let Some(t) = tag {
        if !db.tag_exists(t)? {
            return Err(InputError::new(
                "--tag",
                t,
                "expected a tag some claim carries (see `hindsight list`)",
            )
            .into());
        }
    }
    for name in forecasters {
        if !db.forecaster_exists(name)? {
            return Err(InputError::new(
                "--forecaster",
                name,
                "expected the name of someone who has made a forecast (see `hindsight report`)",
            )
            .into());
        }
    }
    Ok(())
}

/// Stores a source. Its text hash is computed here; a hash supplied with the record must match.
pub fn record_source(db: &Db<'_>, mut s: Source) -> Result<Source> {
    validate::key("key", &s.key)?;
    validate::free_text("title", Some(&s.title))?;
    validate::free_text("publisher", s.publisher.as_deref())?;
    validate::free_text("url", s.url.as_deref())?;
    validate::free_text("text", s.text.as_deref())?;
    validate::free_text("text_sha256", s.text_sha256.as_deref())?;
    if s.title.trim().is_empty() {
        return Err(InputError::new("title", &s.title, "expected a non-empty title").into());
    }
    s.authors = s
        .authors
        .iter()
        .map(|a| validate::author(a))
        .collect::<std::result::Result<_, _>>()?;
    if db.source_id(&s.key)?.is_some() {
        return Err(LedgerError::Duplicate {
            field: "key",
            what: "source",
            key: s.key,
        });
    }
    if let Some(text) = &s.text {
        let actual = sha256_hex(text);
        if let Some(given) = &s.text_sha256 {
            if !given.eq_ignore_ascii_case(&actual) {
                return Err(LedgerError::HashMismatch {
                    key: s.key.clone(),
                    given: given.clone(),
                    actual,
                });
            }
        }
        s.text_sha256 = Some(actual);
    }
    db.insert_source(&s)?;
    Ok(s)
}

/// Stores a claim after checking its key, statement, source, condition, deadline and quote.
pub fn record_claim(db: &Db<'_>, mut c: Claim) -> Result<ClaimRow> {
    validate::key("key", &c.key)?;
    c.statement = validate::statement(&c.statement)?.to_string();
    validate::free_text("statement", Some(&c.statement))?;
    validate::free_text("quote", c.quote.as_deref())?;
    validate::free_text("criteria", c.criteria.as_deref())?;
    if let Some(q) = &c.quote {
        if q.trim().is_empty() {
            return Err(InputError::new(
                "quote",
                q,
                "expected the words of the source the claim rests on, or no quote at all",
            )
            .into());
        }
    }
    let mut tags: Vec<String> = c
        .tags
        .iter()
        .map(|t| validate::tag(t))
        .collect::<std::result::Result<_, _>>()?;
    tags.sort();
    tags.dedup();
    c.tags = tags;
    if db.claim_id(&c.key)?.is_some() {
        return Err(LedgerError::Duplicate {
            field: "key",
            what: "claim",
            key: c.key,
        });
    }
    if let Some(cond) = &c.condition {
        if cond == &c.key {
            return Err(LedgerError::Cycle {
                claim: c.key.clone(),
                condition: cond.clone(),
            });
        }
        claim(db, "condition", cond)?;
        let mut walk_error = None;
        let cycle = validate::condition_forms_cycle(
            &c.key,
            cond,
            |k| match db.condition_of(k) {
                Ok(next) => next,
                Err(e) => {
                    walk_error = Some(e);
                    None
                }
            },
            10_000,
        );
        if let Some(e) = walk_error {
            return Err(e.into());
        }
        if cycle {
            return Err(LedgerError::Cycle {
                claim: c.key.clone(),
                condition: cond.clone(),
            });
        }
    }
    validate::claim_window(c.opens_at, c.closes_at)?;
    if let Some(key) = &c.source {
        // The source's text is read only to check a quote against it.
        let published = match db.source_published(key)? {
            Some(published) => published,
            None => source(db, "source", key)?.published,
        };
        validate::resolve_by_after_publication(c.resolve_by, published)?;
        if let Some(q) = &c.quote {
            let s = source(db, "source", key)?;
            if let Some(text) = &s.text {
                if !validate::quote_in_text(q, text) {
                    return Err(LedgerError::QuoteNotInSource {
                        claim: c.key.clone(),
                        quote: q.clone(),
                        source_key: s.key.clone(),
                    });
                }
            }
        }
    }
    let id = db.insert_claim(&c)?;
    Ok(ClaimRow { id, claim: c })
}

fn check_probability(p: f64) -> Result<()> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(InputError::new(
            "p",
            &p.to_string(),
            crate::domain::parse::PROBABILITY_ACCEPTED,
        )
        .into())
    }
}

/// Refuses a forecast made once the claim's outcome could be known.
fn check_before_resolution(target: ForecastTarget, f: &Forecast) -> Result<()> {
    let made_at = f.made_at;
    if let Some(resolved_on) = target.resolved_on {
        if made_at > validate::resolved_from(resolved_on) {
            return Err(LedgerError::AfterResolution {
                claim: f.claim.clone(),
                made_at: format_time(made_at),
                resolved_on: format_date(resolved_on),
            });
        }
    }
    Ok(())
}

/// What to do with a forecast identical to one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Store it again (a forecaster may repeat themselves on purpose).
    Insert,
    /// Recognise it and store nothing: how a re-import stays idempotent. The recorded-at
    /// time is part of the identity only when the record carried one.
    Skip { match_recorded_at: bool },
}

/// What the forecast rules need to know about a claim: its row, and the day its current
/// resolution (the one recorded last) says the outcome became known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForecastTarget {
    pub id: i64,
    pub resolved_on: Option<NaiveDate>,
}

/// Finds the claim a forecast is for, or says which key is unknown.
pub fn forecast_target(db: &Db<'_>, key: &str) -> Result<ForecastTarget> {
    let id = db.claim_id(key)?.ok_or_else(|| LedgerError::Unknown {
        field: "claim",
        what: "claim",
        key: key.to_string(),
        list: "list",
    })?;
    Ok(ForecastTarget {
        id,
        resolved_on: db.latest_resolved_on(id)?,
    })
}

/// The checks on a forecast that need no stored record: its probability, its
/// forecaster's name (as [`validate::forecaster`] gives it: every way in reads names
/// through that function, so an untrimmed name here is a caller's mistake, refused), and
/// that it was not made after it was recorded.
pub fn check_forecast(f: &Forecast) -> Result<()> {
    check_probability(f.p)?;
    validate::free_text("note", f.note.as_deref())?;
    if validate::forecaster("forecaster", &f.forecaster)? != f.forecaster {
        return Err(InputError::new(
            "forecaster",
            &f.forecaster,
            "expected a name without leading or trailing spaces",
        )
        .into());
    }
    validate::made_by_recording(f.made_at, f.recorded_at)?;
    Ok(())
}

/// Stores a forecast. Returns false (and stores nothing) when `dup` says to skip an
/// identical forecast and there is one.
pub fn record_forecast(db: &Db<'_>, f: &Forecast, dup: Duplicates) -> Result<bool> {
    check_forecast(f)?;
    let target = forecast_target(db, &f.claim)?;
    record_checked_forecast(db, target, f, dup)
}

/// The rest of [`record_forecast`] once [`check_forecast`] has passed and the claim has
/// been found (an import looks claims up once and keeps them). `target` must be the
/// claim `f.claim` names, as it stands in this transaction.
pub fn record_checked_forecast(
    db: &Db<'_>,
    target: ForecastTarget,
    f: &Forecast,
    dup: Duplicates,
) -> Result<bool> {
    if let Duplicates::Skip { match_recorded_at } = dup {
        let recorded = match_recorded_at.then_some(f.recorded_at);
        if db.has_forecast(target.id, f, recorded)? {
            return Ok(false);
        }
    }
    check_before_resolution(target, f)?;
    db.insert_forecast(target.id, f)?;
    Ok(true)
}

/// Stores a resolution; earlier ones stay as history.
pub fn record_resolution(db: &Db<'_>, r: &Resolution) -> Result<()> {
    let target = forecast_target(db, &r.claim)?;
    record_resolution_on(db, target, r)
}

/// [`record_resolution`] once the claim `r.claim` names has been found.
pub fn record_resolution_on(db: &Db<'_>, target: ForecastTarget, r: &Resolution) -> Result<()> {
    check_resolution(db, target, r)?;
    db.insert_resolution(target.id, r)?;
    Ok(())
}

/// The rules a resolution must pass, without storing it (an import checks each line as it
/// comes, and may store it later): the outcome must be known by the day it is recorded,
/// and cannot be known before the article was published.
pub fn check_resolution(db: &Db<'_>, target: ForecastTarget, r: &Resolution) -> Result<()> {
    validate::resolved_by_recording(r.resolved_on, r.recorded_at)?;
    validate::free_text("evidence", r.evidence.as_deref())?;
    validate::free_text("note", r.note.as_deref())?;
    if let Some(published) = db.claim_published(target.id)? {
        validate::resolved_after_publication(r.resolved_on, published)?;
    }
    Ok(())
}

/// Moves an open claim's resolve-by date later, as a postponement record; the claim keeps
/// the date it was recorded with. The new date must come after the one the claim is due by
/// now and after the day the postponement is recorded (else the claim would still be due).
/// Returns the date it replaces.
pub fn record_postponement(db: &Db<'_>, p: &Postponement) -> Result<NaiveDate> {
    validate::free_text("note", p.note.as_deref())?;
    let row = claim(db, "claim", &p.claim)?;
    if let Some(r) = db.latest_resolution(&row)? {
        return Err(LedgerError::AlreadyResolved {
            claim: p.claim.clone(),
            outcome: r.outcome.to_string(),
            resolved_on: format_date(r.resolved_on),
        });
    }
    let current = db.due_date(row.id)?.unwrap_or(row.claim.resolve_by);
    let floor = current.max(p.recorded_at.date_naive());
    if p.resolve_by <= floor {
        return Err(InputError::new(
            "resolve_by",
            &format_date(p.resolve_by),
            &format!(
                "expected a date after {} (claim '{}' is due by {}; a postponement moves the date later and past today)",
                format_date(floor),
                p.claim,
                format_date(current)
            ),
        )
        .into());
    }
    db.insert_postponement(row.id, p)?;
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_claim() -> crate::store::Store {
        use chrono::TimeZone;
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
            .unwrap();
        let mut s = crate::store::Store::open_in_memory(now).unwrap();
        s.write(|db| -> Result<()> {
            record_claim(
                db,
                Claim {
                    key: "c1".into(),
                    statement: "It rains".into(),
                    resolve_by: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                    opens_at: None,
                    closes_at: None,
                    source: None,
                    condition: None,
                    quote: None,
                    criteria: None,
                    tags: vec![],
                    created_at: now,
                    recorded_at: now,
                    recorded_by: None,
                },
            )?;
            Ok(())
        })
        .unwrap();
        s
    }

    #[test]
    fn postponing_moves_the_date_later_and_only_later() {
        use chrono::TimeZone;
        let mut s = store_with_claim();
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
            .unwrap();
        let p = |y, m, d| Postponement {
            claim: "c1".into(),
            resolve_by: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            note: None,
            recorded_at: now,
            recorded_by: None,
        };
        // Not later than today (the claim is overdue since 1 November).
        let e = s
            .write(|db| record_postponement(db, &p(2026, 11, 28)))
            .unwrap_err();
        assert!(
            e.to_string().contains("expected a date after 2026-11-28"),
            "{e}"
        );
        let was = s
            .write(|db| record_postponement(db, &p(2027, 1, 31)))
            .unwrap();
        assert_eq!(was, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        // Not earlier than the date it was postponed to.
        let e = s
            .write(|db| record_postponement(db, &p(2027, 1, 1)))
            .unwrap_err();
        assert!(e.to_string().contains("due by 2027-01-31"), "{e}");
        // Nor once resolved.
        s.write(|db| {
            record_resolution(
                db,
                &Resolution {
                    claim: "c1".into(),
                    outcome: crate::domain::Outcome::No,
                    resolved_on: now.date_naive(),
                    evidence: None,
                    note: None,
                    recorded_at: now,
                    recorded_by: None,
                },
            )
        })
        .unwrap();
        let e = s
            .write(|db| record_postponement(db, &p(2028, 1, 1)))
            .unwrap_err();
        assert!(matches!(e, LedgerError::AlreadyResolved { .. }), "{e}");
        assert_eq!(s.read().unwrap().verify().unwrap().first, None);
    }

    #[test]
    fn sha256_of_known_text() {
        // FIPS 180-2 example: SHA-256("abc").
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
