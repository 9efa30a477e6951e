//! Applying records to a ledger: conversion to domain values with field-named errors, the
//! ledger's rules, and recognition of records already present (so importing a file twice
//! changes nothing the second time, and a conflicting record is an error, never an overwrite).
//!
//! Resolutions are a history, not a set: resolving yes, no, then yes again is three records,
//! and the last is current. A resolution that carries its `recorded_at` is present when the
//! claim's history holds that same record. One without it is compared by its place: a
//! file's resolutions of one claim, in order, are taken to continue the claim's history, so
//! the longest run at their start that repeats the end of the stored history is present
//! and the rest are added after it (see [`overlap`]). Those wait until the end of the file,
//! when the whole run is known; their claim counts as resolved meanwhile.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::{FxHashMap, FxHashSet};

use super::{
    ClaimRecord, ForecastRecord, PostponementRecord, Record, ResolutionRecord, SourceRecord,
};
use crate::domain::parse::{self, InputError};
use crate::domain::{validate, Claim, Forecast, Outcome, Postponement, Resolution, Source};
use crate::ledger::{self, ForecastTarget, LedgerError};
use crate::store::{Db, IndexDef};

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
    pub postponements: Counts,
}

impl Summary {
    pub fn records(&self) -> u64 {
        [
            self.sources,
            self.claims,
            self.forecasts,
            self.resolutions,
            self.postponements,
        ]
        .iter()
        .map(|c| c.added + c.unchanged)
        .sum()
    }

    /// "12 sources, 40 claims, 300 forecasts, 35 resolutions (2 already present)", with
    /// ", 3 postponements" after the resolutions when there were any.
    pub fn describe(&self, verb: &str) -> String {
        let c = [
            self.sources,
            self.claims,
            self.forecasts,
            self.resolutions,
            self.postponements,
        ];
        let unchanged: u64 = c.iter().map(|x| x.unchanged).sum();
        let postponements = if c[4].added + c[4].unchanged > 0 {
            format!(", {} postponements", c[4].added)
        } else {
            String::new()
        };
        format!(
            "{verb} {} sources, {} claims, {} forecasts, {} resolutions{postponements} ({unchanged} already present)",
            c[0].added, c[1].added, c[2].added, c[3].added
        )
    }
}

/// How many claims the importer remembers before it starts afresh: enough for a whole
/// research programme, small enough (a few tens of megabytes) to bound memory.
const CLAIM_CACHE_LIMIT: usize = 250_000;

/// An import large next to the ledger sets the forecast indexes aside (see
/// `store::bulk`) and recognises forecasts already present by their fingerprints here
/// instead of through the index.
struct Bulk {
    indexes: Vec<IndexDef>,
    /// The fingerprint of every stored forecast. A forecast whose fingerprint is new
    /// cannot be a repeat; one whose fingerprint is known might be, and ends bulk mode
    /// (the indexes are built again) so the ledger's own check can tell.
    seen: FxHashSet<u64>,
}

/// A hash of what makes two forecasts identical for an import (claim, forecaster, time,
/// probability and note; see `Db::has_forecast`), recorded-at aside: equal forecasts
/// always have equal fingerprints. A fast hash rather than SipHash: two forecasts that
/// merely share a fingerprint only end bulk mode early (the index then decides), so the
/// hash need not resist crafted input.
fn fingerprint(claim_id: i64, forecaster: &str, made_at: i64, p: f64, note: Option<&str>) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    claim_id.hash(&mut h);
    forecaster.hash(&mut h);
    made_at.hash(&mut h);
    // SQL compares REAL values, so 0.0 and -0.0 are the same probability.
    (p + 0.0).to_bits().hash(&mut h);
    note.hash(&mut h);
    h.finish()
}

/// Whether two resolutions say the same thing, their recorded-at times aside.
fn same_resolution(a: &Resolution, b: &Resolution) -> bool {
    a.outcome == b.outcome
        && a.resolved_on == b.resolved_on
        && a.evidence == b.evidence
        && a.note == b.note
}

/// How many of `file`'s resolutions (one claim's, in file order, without recorded-at
/// times) are already in `stored` (that claim's history, oldest first): the length of the
/// longest start of `file` that equals the end of `stored`. The file then continues the
/// history from there, and importing it again finds all of it present.
pub fn overlap(stored: &[Resolution], file: &[&Resolution]) -> usize {
    (0..=file.len().min(stored.len()))
        .rev()
        .find(|&j| {
            file[..j]
                .iter()
                .zip(&stored[stored.len() - j..])
                .all(|(f, s)| same_resolution(f, s))
        })
        .unwrap_or(0)
}

/// A resolution without a recorded-at time, waiting for the end of the file.
struct PendingResolution {
    claim_id: i64,
    line: u64,
    resolution: Resolution,
}

/// Applies records one at a time inside the caller's transaction.
pub struct Importer {
    now: DateTime<Utc>,
    pub summary: Summary,
    /// What errors name the input by (`FILE` or `<stdin>`), and the line being applied.
    label: String,
    line: u64,
    /// Resolutions without recorded-at times, in file order, until [`Importer::settle`].
    pending: Vec<PendingResolution>,
    /// The resolved-on date of each claim's last pending resolution: the claim's current
    /// one once the file is in, so later forecasts are checked against it.
    pending_on: HashMap<String, NaiveDate>,
    /// Claims looked up or added so far, by key, with their current resolution's date: a
    /// forecast file names the same claims again and again. Only this importer writes in
    /// its transaction, and it updates an entry whenever it adds to that claim.
    claims: FxHashMap<String, ForecastTarget>,
    bulk: Option<Bulk>,
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

/// Who recorded a record, as a file gives it: the name read through the rule for names,
/// or None (the ledger then stamps whoever imports it).
fn recorder(v: Option<String>) -> Result<Option<String>, InputError> {
    v.map(|name| validate::recorder("recorded_by", &name))
        .transpose()
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
            label: String::new(),
            line: 0,
            pending: Vec::new(),
            pending_on: HashMap::new(),
            claims: FxHashMap::default(),
            bulk: None,
        }
    }

    /// Prepares for an import expected to bring about `expected` records (`None` when
    /// unknown, as from a pipe). When that is at least as many as the forecasts already
    /// stored, the forecast and history indexes are set aside until [`Importer::finish`]; otherwise
    /// nothing changes. Returns whether bulk mode is on.
    pub fn begin(&mut self, db: &Db<'_>, expected: Option<u64>) -> Result<bool, LedgerError> {
        let stored = db.max_forecast_id()?;
        let worth_it = match expected {
            Some(n) => i64::try_from(n).unwrap_or(i64::MAX) >= stored,
            None => stored == 0,
        };
        if !worth_it || self.bulk.is_some() {
            return Ok(self.bulk.is_some());
        }
        let capacity = expected.unwrap_or(0).min(4_000_000) as usize + stored as usize;
        let mut seen = FxHashSet::with_capacity_and_hasher(capacity, Default::default());
        db.each_forecast_identity(|claim, who, made, p, note| {
            seen.insert(fingerprint(claim, who, made, p, note));
        })?;
        // The claims and forecasters too, so that adding them asks the database nothing.
        db.know_all_claims()?;
        let indexes = db.bulk_indexes()?;
        for index in &indexes {
            db.drop_index(index)?;
        }
        self.bulk = Some(Bulk { indexes, seen });
        Ok(true)
    }

    /// Names the input for the errors [`Importer::apply_line`] and [`Importer::settle`]
    /// report.
    pub fn read_from(&mut self, label: &str) {
        self.label = label.to_string();
    }

    /// [`Importer::apply`] for the record on `line` of the input; errors start
    /// `LABEL:LINE:`.
    pub fn apply_line(&mut self, db: &Db<'_>, record: Record, line: u64) -> anyhow::Result<()> {
        self.line = line;
        self.apply(db, record)
            .with_context(|| format!("{}:{line}", self.label))
    }

    /// Decides the resolutions waiting for the end of the input (see the module's doc) and
    /// adds those not already present, in file order. Each format's reader calls it when
    /// its input ends; [`Importer::finish`] calls it again, which then does nothing.
    pub fn settle(&mut self, db: &Db<'_>) -> anyhow::Result<()> {
        self.settle_where(db, |_| true)
    }

    fn settle_where(&mut self, db: &Db<'_>, pick: impl Fn(i64) -> bool) -> anyhow::Result<()> {
        if !self.pending.iter().any(|p| pick(p.claim_id)) {
            return Ok(());
        }
        let (now, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| pick(p.claim_id));
        self.pending = rest;
        // Each claim's run, in file order, and how much of it the ledger already holds.
        let mut runs: HashMap<i64, Vec<&Resolution>> = HashMap::new();
        for p in &now {
            runs.entry(p.claim_id).or_default().push(&p.resolution);
        }
        let mut present: HashMap<i64, usize> = HashMap::with_capacity(runs.len());
        for (&id, run) in &runs {
            let stored = db.resolutions_of(id, &run[0].claim)?;
            present.insert(id, overlap(&stored, run));
        }
        for p in &now {
            let left = present.entry(p.claim_id).or_default();
            if *left > 0 {
                *left -= 1;
                self.summary.resolutions.unchanged += 1;
                continue;
            }
            let target = ForecastTarget {
                id: p.claim_id,
                resolved_on: None,
            };
            ledger::record_resolution_on(db, target, &p.resolution)
                .with_context(|| format!("{}:{}", self.label, p.line))?;
            if let Some(t) = self.claims.get_mut(&p.resolution.claim) {
                t.resolved_on = Some(p.resolution.resolved_on);
            }
            self.summary.resolutions.added += 1;
        }
        for p in &now {
            self.pending_on.remove(&p.resolution.claim);
        }
        Ok(())
    }

    /// Builds again the indexes [`Importer::begin`] set aside. Must run before the
    /// transaction commits; after an error the rollback restores them anyway.
    pub fn finish(&mut self, db: &Db<'_>) -> anyhow::Result<()> {
        self.settle(db)?;
        if let Some(bulk) = self.bulk.take() {
            for index in &bulk.indexes {
                db.create_index(index)?;
            }
        }
        Ok(())
    }

    /// The claim `key` names, from the cache or the ledger; a resolution waiting in this
    /// import is its current one.
    fn target(&mut self, db: &Db<'_>, key: &str) -> Result<ForecastTarget, LedgerError> {
        let mut t = match self.claims.get(key) {
            Some(&t) => t,
            None => {
                let t = ledger::forecast_target(db, key)?;
                self.remember(key, t);
                t
            }
        };
        if let Some(&on) = self.pending_on.get(key) {
            t.resolved_on = Some(on);
        }
        Ok(t)
    }

    fn remember(&mut self, key: &str, target: ForecastTarget) {
        if self.claims.len() >= CLAIM_CACHE_LIMIT {
            self.claims.clear();
        }
        self.claims.insert(key.to_string(), target);
    }

    pub fn apply(&mut self, db: &Db<'_>, record: Record) -> anyhow::Result<()> {
        match record {
            Record::Source(s) => Ok(self.source(db, s)?),
            Record::Claim(c) => Ok(self.claim(db, c)?),
            Record::Forecast(f) => Ok(self.forecast(db, f)?),
            Record::Resolution(r) => self.resolution(db, r),
            Record::Postponement(p) => Ok(self.postponement(db, p)?),
        }
    }

    fn source(&mut self, db: &Db<'_>, r: SourceRecord) -> Result<(), LedgerError> {
        let s = Source {
            key: validate::key("key", &r.key)?,
            title: r.title,
            // Normalised here as `record_source` would, so that a re-import compares like
            // with like.
            authors: r
                .authors
                .iter()
                .map(|a| validate::author(a))
                .collect::<Result<_, _>>()?,
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
            recorded_by: recorder(r.recorded_by)?,
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
            opens_at: r
                .opens_at
                .as_deref()
                .map(|t| parse::time("opens_at", t))
                .transpose()?,
            closes_at: r
                .closes_at
                .as_deref()
                .map(|t| parse::time("closes_at", t))
                .transpose()?,
            source: r.source,
            condition: r.condition,
            quote: r.quote,
            criteria: r.criteria,
            tags: r.tags,
            created_at: time_or_now("created_at", &r.created_at, recorded_at)?,
            recorded_at,
            recorded_by: recorder(r.recorded_by)?,
        };
        let existing = match db.claim_id(&c.key)? {
            Some(_) => db.claim(&c.key)?,
            None => None,
        };
        if let Some(old) = existing {
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
            } else if o.opens_at != c.opens_at {
                Some("opens_at")
            } else if o.closes_at != c.closes_at {
                Some("closes_at")
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
        let row = ledger::record_claim(db, c)?;
        self.remember(
            &row.claim.key,
            ForecastTarget {
                id: row.id,
                resolved_on: None,
            },
        );
        self.summary.claims.added += 1;
        Ok(())
    }

    fn forecast(&mut self, db: &Db<'_>, r: ForecastRecord) -> Result<(), LedgerError> {
        let exact_time = r.recorded_at.is_some();
        let f = Forecast {
            claim: r.claim,
            forecaster: validate::forecaster("forecaster", &r.forecaster)?,
            p: r.p,
            made_at: parse::time("made_at", &r.made_at)?,
            note: r.note,
            recorded_at: time_or_now("recorded_at", &r.recorded_at, self.now)?,
            recorded_by: recorder(r.recorded_by)?,
        };
        let dup = ledger::Duplicates::Skip {
            match_recorded_at: exact_time,
        };
        ledger::check_forecast(&f)?;
        let target = self.target(db, &f.claim)?;
        let mut dup = dup;
        if let Some(bulk) = &mut self.bulk {
            let made_at = crate::domain::parse::truncate_seconds(f.made_at).timestamp();
            let print = fingerprint(target.id, &f.forecaster, made_at, f.p, f.note.as_deref());
            if bulk.seen.insert(print) {
                // Never seen: no stored forecast can be identical.
                dup = ledger::Duplicates::Insert;
            } else {
                // Perhaps a repeat: let the index decide, from here on.
                let indexes = std::mem::take(&mut bulk.indexes);
                self.bulk = None;
                for index in &indexes {
                    db.create_index(index)?;
                }
            }
        }
        if ledger::record_checked_forecast(db, target, &f, dup)? {
            self.summary.forecasts.added += 1;
        } else {
            self.summary.forecasts.unchanged += 1;
        }
        Ok(())
    }

    fn postponement(&mut self, db: &Db<'_>, r: PostponementRecord) -> Result<(), LedgerError> {
        let exact_time = r.recorded_at.is_some();
        let p = Postponement {
            claim: r.claim,
            resolve_by: parse::date("resolve_by", &r.resolve_by)?,
            note: r.note,
            recorded_at: time_or_now("recorded_at", &r.recorded_at, self.now)?,
            recorded_by: recorder(r.recorded_by)?,
        };
        let row = ledger::claim(db, "claim", &p.claim)?;
        let present = db.postponements_of(row.id, &p.claim)?.iter().any(|old| {
            old.resolve_by == p.resolve_by
                && old.note == p.note
                && (!exact_time || old.recorded_at == p.recorded_at)
        });
        if present {
            self.summary.postponements.unchanged += 1;
            return Ok(());
        }
        ledger::record_postponement(db, &p)?;
        self.summary.postponements.added += 1;
        Ok(())
    }

    fn resolution(&mut self, db: &Db<'_>, r: ResolutionRecord) -> anyhow::Result<()> {
        let exact_time = r.recorded_at.is_some();
        let outcome: Outcome = r.outcome.parse()?;
        let res = Resolution {
            claim: r.claim,
            outcome,
            resolved_on: parse::date("resolved_on", &r.resolved_on)?,
            evidence: r.evidence,
            note: r.note,
            recorded_at: time_or_now("recorded_at", &r.recorded_at, self.now)?,
            recorded_by: recorder(r.recorded_by)?,
        };
        let target = self.target(db, &res.claim)?;
        if !exact_time {
            // Checked on its own line, though stored (if new) only when the file ends.
            ledger::check_resolution(db, target, &res)?;
            self.pending_on.insert(res.claim.clone(), res.resolved_on);
            self.pending.push(PendingResolution {
                claim_id: target.id,
                line: self.line,
                resolution: res,
            });
            return Ok(());
        }
        // This claim's earlier lines come first: the last line stays the current one.
        self.settle_where(db, |id| id == target.id)?;
        let present = db
            .resolutions_of(target.id, &res.claim)?
            .iter()
            .any(|old| same_resolution(old, &res) && old.recorded_at == res.recorded_at);
        if present {
            self.summary.resolutions.unchanged += 1;
            return Ok(());
        }
        ledger::record_resolution_on(db, target, &res)?;
        // The resolution just recorded is now the claim's current one.
        if let Some(t) = self.claims.get_mut(&res.claim) {
            t.resolved_on = Some(res.resolved_on);
        }
        self.summary.resolutions.added += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(outcome: &str) -> Resolution {
        Resolution {
            claim: "c".into(),
            outcome: outcome.parse().unwrap(),
            resolved_on: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            evidence: None,
            note: None,
            recorded_at: DateTime::from_timestamp(0, 0).unwrap(),
            recorded_by: None,
        }
    }

    fn rs(outcomes: &[&str]) -> Vec<Resolution> {
        outcomes.iter().map(|o| r(o)).collect()
    }

    fn j(stored: &[&str], file: &[&str]) -> usize {
        let file = rs(file);
        overlap(&rs(stored), &file.iter().collect::<Vec<_>>())
    }

    #[test]
    fn a_file_continues_the_history_where_it_overlaps() {
        // Nothing stored: all of the file is new.
        assert_eq!(j(&[], &["yes", "no", "yes"]), 0);
        // The same run again: all present.
        assert_eq!(j(&["yes", "no", "yes"], &["yes", "no", "yes"]), 3);
        // The history and then one more: only the last is new.
        assert_eq!(j(&["yes", "no"], &["yes", "no", "yes"]), 2);
        // "yes" after a stored yes, no: a correction, not a repeat of the first.
        assert_eq!(j(&["yes", "no"], &["yes"]), 0);
        // ... and once added, the same file finds it present.
        assert_eq!(j(&["yes", "no", "yes"], &["yes"]), 1);
        // The current resolution alone (a CSV export) is present.
        assert_eq!(j(&["yes", "no"], &["no"]), 1);
        // A file that starts differently is added whole, and is then present.
        assert_eq!(j(&["yes"], &["no", "yes"]), 0);
        assert_eq!(j(&["yes", "no", "yes"], &["no", "yes"]), 2);
    }

    #[test]
    fn notes_and_evidence_are_part_of_a_resolution() {
        let mut noted = r("yes");
        noted.note = Some("revised".into());
        assert_eq!(overlap(&[r("yes")], &[&noted]), 0);
        let mut later = r("yes");
        later.recorded_at = DateTime::from_timestamp(99, 0).unwrap();
        assert_eq!(overlap(&[r("yes")], &[&later]), 1);
    }
}
