//! Applying records to a ledger: conversion to domain values with field-named errors, the
//! ledger's rules, and recognition of records already present (so importing a file twice
//! changes nothing the second time, and a conflicting record is an error, never an overwrite).

use chrono::{DateTime, Utc};

use super::{ClaimRecord, ForecastRecord, Record, ResolutionRecord, SourceRecord};
use crate::domain::parse::{self, InputError};
use crate::domain::{validate, Claim, Forecast, Outcome, Resolution, Source};
use crate::ledger::{self, LedgerError};
use crate::store::Db;

/// How many records of one type were added or recognised as already present.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub added: u64,
    pub unchanged: u64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub sources: Counts,
    pub claims: Counts,
    pub forecasts: Counts,
    pub resolutions: Counts,
}

impl Summary {
    pub fn records(&self) -> u64 {
        [self.sources, self.claims, self.forecasts, self.resolutions]
            .iter()
            .map(|c| c.added + c.unchanged)
            .sum()
    }

    /// "12 sources, 40 claims, 300 forecasts, 35 resolutions (2 already present)".
    pub fn describe(&self, verb: &str) -> String {
        let c = [self.sources, self.claims, self.forecasts, self.resolutions];
        let unchanged: u64 = c.iter().map(|x| x.unchanged).sum();
        format!(
            "{verb} {} sources, {} claims, {} forecasts, {} resolutions ({unchanged} already present)",
            c[0].added, c[1].added, c[2].added, c[3].added
        )
    }
}

/// Applies records one at a time inside the caller's transaction.
pub struct Importer {
    now: DateTime<Utc>,
    pub summary: Summary,
}

fn time_or_now(
    field: &str,
    v: &Option<String>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, InputError> {
    match v {
        Some(s) => parse::time(field, s),
        None => Ok(now),
    }
}

fn conflict(what: &'static str, key: &str, field: &'static str) -> LedgerError {
    LedgerError::Conflict {
        what,
        key: key.to_string(),
        field,
    }
}

impl Importer {
    pub fn new(now: DateTime<Utc>) -> Self {
        Importer {
            now,
            summary: Summary::default(),
        }
    }

    pub fn apply(&mut self, db: &Db<'_>, record: Record) -> Result<(), LedgerError> {
        match record {
            Record::Source(s) => self.source(db, s),
            Record::Claim(c) => self.claim(db, c),
            Record::Forecast(f) => self.forecast(db, f),
            Record::Resolution(r) => self.resolution(db, r),
        }
    }

    fn source(&mut self, db: &Db<'_>, r: SourceRecord) -> Result<(), LedgerError> {
        let s = Source {
            key: validate::key("key", &r.key)?,
            title: r.title,
            authors: r.authors,
            publisher: r.publisher,
            url: r.url,
            published: r
                .published
                .as_deref()
                .map(|d| parse::date("published", d))
                .transpose()?,
            text: r.text,
            text_sha256: r.text_sha256,
            recorded_at: time_or_now("recorded_at", &r.recorded_at, self.now)?,
        };
        if let Some(old) = db.source(&s.key)? {
            let field = if old.title != s.title {
                Some("title")
            } else if old.authors != s.authors {
                Some("authors")
            } else if old.publisher != s.publisher {
                Some("publisher")
            } else if old.url != s.url {
                Some("url")
            } else if old.published != s.published {
                Some("published")
            } else if old.text != s.text {
                Some("text")
            } else {
                None
            };
            return match field {
                Some(f) => Err(conflict("source", &s.key, f)),
                None => {
                    self.summary.sources.unchanged += 1;
                    Ok(())
                }
            };
        }
        ledger::record_source(db, s)?;
        self.summary.sources.added += 1;
        Ok(())
    }

    fn claim(&mut self, db: &Db<'_>, r: ClaimRecord) -> Result<(), LedgerError> {
        let recorded_at = time_or_now("recorded_at", &r.recorded_at, self.now)?;
        let c = Claim {
            key: validate::key("key", &r.key)?,
            statement: r.statement,
            resolve_by: parse::date("resolve_by", &r.resolve_by)?,
            source: r.source,
            condition: r.condition,
            quote: r.quote,
            criteria: r.criteria,
            tags: r.tags,
            created_at: time_or_now("created_at", &r.created_at, recorded_at)?,
            recorded_at,
        };
        if let Some(old) = db.claim(&c.key)? {
            let mut tags: Vec<String> = c
                .tags
                .iter()
                .map(|t| validate::tag(t))
                .collect::<Result<_, _>>()?;
            tags.sort();
            tags.dedup();
            let o = &old.claim;
            let field = if o.statement != c.statement.trim() {
                Some("statement")
            } else if o.resolve_by != c.resolve_by {
                Some("resolve_by")
            } else if o.source != c.source {
                Some("source")
            } else if o.condition != c.condition {
                Some("condition")
            } else if o.quote != c.quote {
                Some("quote")
            } else if o.criteria != c.criteria {
                Some("criteria")
            } else if o.tags != tags {
                Some("tags")
            } else {
                None
            };
            return match field {
                Some(f) => Err(conflict("claim", &c.key, f)),
                None => {
                    self.summary.claims.unchanged += 1;
                    Ok(())
                }
            };
        }
        ledger::record_claim(db, c)?;
        self.summary.claims.added += 1;
        Ok(())
    }

    fn forecast(&mut self, db: &Db<'_>, r: ForecastRecord) -> Result<(), LedgerError> {
        let exact_time = r.recorded_at.is_some();
        let f = Forecast {
            claim: r.claim,
            forecaster: r.forecaster,
            p: r.p,
            made_at: parse::time("made_at", &r.made_at)?,
            note: r.note,
            recorded_at: time_or_now("recorded_at", &r.recorded_at, self.now)?,
        };
        let dup = ledger::Duplicates::Skip {
            match_recorded_at: exact_time,
        };
        if ledger::record_forecast(db, &f, dup)? {
            self.summary.forecasts.added += 1;
        } else {
            self.summary.forecasts.unchanged += 1;
        }
        Ok(())
    }

    fn resolution(&mut self, db: &Db<'_>, r: ResolutionRecord) -> Result<(), LedgerError> {
        let exact_time = r.recorded_at.is_some();
        let outcome: Outcome = r.outcome.parse()?;
        let res = Resolution {
            claim: r.claim,
            outcome,
            resolved_on: parse::date("resolved_on", &r.resolved_on)?,
            evidence: r.evidence,
            note: r.note,
            recorded_at: time_or_now("recorded_at", &r.recorded_at, self.now)?,
        };
        let row = ledger::claim(db, "claim", &res.claim)?;
        let present = db.resolutions(&row)?.iter().any(|old| {
            old.outcome == res.outcome
                && old.resolved_on == res.resolved_on
                && old.evidence == res.evidence
                && old.note == res.note
                && (!exact_time || old.recorded_at == res.recorded_at)
        });
        if present {
            self.summary.resolutions.unchanged += 1;
            return Ok(());
        }
        ledger::record_resolution(db, &res)?;
        self.summary.resolutions.added += 1;
        Ok(())
    }
}
