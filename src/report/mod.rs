//! Feeding the scoring core from the ledger: which claims and forecasts a report covers,
//! each claim's status and cutoff as of a date, one scored item per (claim, forecaster),
//! and the group keys items fall under. The arithmetic itself is in `score`.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::domain::parse::end_of_day;
use crate::domain::Outcome;
use crate::score::{self, Pair, PairScore, Rule, Status};
use crate::store::{Db, ForecastScan, ScoringClaim, StoreError};

/// What a report covers.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub rule: Rule,
    /// Reproduce the report as it stood at the end of this day: later forecasts and
    /// resolutions dated later are left out.
    pub as_of: Option<NaiveDate>,
    /// Leave out backfilled forecasts.
    pub live_only: bool,
    /// Only these forecasters (all when empty).
    pub forecasters: Vec<String>,
    pub source: Option<String>,
    pub tag: Option<String>,
    /// Only claims whose resolve-by date is on or after this day.
    pub since: Option<NaiveDate>,
    /// Only claims whose resolve-by date is on or before this day.
    pub until: Option<NaiveDate>,
}

/// How a report splits items into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    Forecaster,
    Author,
    Source,
    Publisher,
    Tag,
    Year,
    Horizon,
}

/// A claim as a report sees it: its facts, and its status as of the report's date.
#[derive(Debug, Clone)]
pub struct ReportClaim {
    pub facts: ScoringClaim,
    pub status: Status,
    pub resolved_on: Option<NaiveDate>,
    pub cutoff: DateTime<Utc>,
}

/// One (claim, forecaster) pair scored under the report's rule.
#[derive(Debug, Clone)]
pub struct Item {
    /// Index into [`Scoring::claims`].
    pub claim: usize,
    pub score: PairScore,
}

pub struct Scoring {
    pub claims: Vec<ReportClaim>,
    pub items: Vec<Item>,
}

/// Status and cutoff of a claim given its own and its condition's resolution histories.
pub fn claim_state(
    resolve_by: NaiveDate,
    own: &[(Outcome, NaiveDate)],
    condition: Option<&[(Outcome, NaiveDate)]>,
    as_of: Option<NaiveDate>,
) -> (Status, Option<NaiveDate>, DateTime<Utc>) {
    let mine = score::effective_resolution(own, as_of);
    let cond = condition.map(|h| score::effective_resolution(h, as_of).map(|r| r.0));
    let status = score::claim_status(mine.map(|r| r.0), cond);
    let resolved_on = mine.map(|r| r.1);
    (status, resolved_on, score::cutoff(resolve_by, resolved_on))
}

/// Scores every forecaster's history on one claim. `forecasts` are (forecaster, made_at, p)
/// in (forecaster, time) order, already filtered.
pub fn score_claim(
    claim: &ReportClaim,
    forecasts: &[(String, DateTime<Utc>, f64)],
    rule: Rule,
) -> Vec<PairScore> {
    let Some(opened) = forecasts.iter().map(|f| f.1).min() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < forecasts.len() {
        let name = &forecasts[start].0;
        let end = forecasts[start..]
            .iter()
            .position(|f| &f.0 != name)
            .map_or(forecasts.len(), |n| start + n);
        let pair = Pair {
            claim: claim.facts.key.clone(),
            forecaster: name.clone(),
            status: claim.status,
            cutoff: claim.cutoff,
            opened,
            forecasts: forecasts[start..end].iter().map(|f| (f.1, f.2)).collect(),
        };
        out.extend(score::score_pair(&pair, rule));
        start = end;
    }
    out
}

/// Loads and scores what `q` covers.
pub fn load(db: &Db<'_>, q: &Query) -> Result<Scoring, StoreError> {
    let facts = db.scoring_claims()?;
    let histories = db.resolution_histories()?;
    let empty = Vec::new();
    let index: HashMap<i64, usize> = facts.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let claims: Vec<ReportClaim> = facts
        .into_iter()
        .map(|c| {
            let own = histories.get(&c.id).unwrap_or(&empty);
            let cond = c
                .condition_id
                .map(|id| histories.get(&id).map_or(&empty[..], |h| &h[..]));
            let (status, resolved_on, cutoff) = claim_state(c.resolve_by, own, cond, q.as_of);
            ReportClaim {
                facts: c,
                status,
                resolved_on,
                cutoff,
            }
        })
        .collect();
    let included: Vec<bool> = claims.iter().map(|c| covers(q, &c.facts)).collect();
    let horizon = q.as_of.map(end_of_day);

    let mut items = Vec::new();
    let mut current: Option<i64> = None;
    let mut buffer: Vec<(String, DateTime<Utc>, f64)> = Vec::new();
    let mut flush = |claim_id: Option<i64>, buffer: &mut Vec<(String, DateTime<Utc>, f64)>| {
        if let Some(i) = claim_id.and_then(|id| index.get(&id).copied()) {
            let scored = score_claim(&claims[i], buffer, q.rule);
            items.extend(
                scored
                    .into_iter()
                    .filter(|s| q.forecasters.is_empty() || q.forecasters.contains(&s.forecaster))
                    .map(|score| Item { claim: i, score }),
            );
        }
        buffer.clear();
    };
    db.scan_forecasts(None, |f: ForecastScan| -> Result<(), StoreError> {
        if current != Some(f.claim_id) {
            flush(current, &mut buffer);
            current = Some(f.claim_id);
        }
        let wanted = index.get(&f.claim_id).is_some_and(|&i| included[i])
            && horizon.is_none_or(|h| f.made_at <= h)
            && !(q.live_only && f.backfilled);
        if wanted {
            buffer.push((f.forecaster, f.made_at, f.p));
        }
        Ok(())
    })?;
    flush(current, &mut buffer);
    Ok(Scoring { claims, items })
}

fn covers(q: &Query, c: &ScoringClaim) -> bool {
    q.source
        .as_ref()
        .is_none_or(|s| c.source.as_ref() == Some(s))
        && q.tag.as_ref().is_none_or(|t| c.tags.contains(t))
        && q.since.is_none_or(|d| c.resolve_by >= d)
        && q.until.is_none_or(|d| c.resolve_by <= d)
}

/// A group's label and its place in the report (horizons sort by length, the rest by label).
pub type GroupKey = (u8, String);

/// The groups an item belongs to. A claim with two authors or tags counts in each.
pub fn group_keys(by: GroupBy, claim: &ReportClaim, item: &PairScore) -> Vec<GroupKey> {
    if by == GroupBy::Horizon {
        let h = score::horizon(item.horizon_from, claim.facts.resolve_by);
        return vec![(h as u8, h.to_string())];
    }
    labels(by, claim, item)
        .into_iter()
        .map(|l| (0, l))
        .collect()
}

fn labels(by: GroupBy, claim: &ReportClaim, item: &PairScore) -> Vec<String> {
    let or = |v: &[String], none: &str| -> Vec<String> {
        if v.is_empty() {
            vec![none.to_string()]
        } else {
            v.to_vec()
        }
    };
    match by {
        GroupBy::Forecaster => vec![item.forecaster.clone()],
        GroupBy::Author => or(&claim.facts.authors, "(no author)"),
        GroupBy::Source => vec![claim
            .facts
            .source
            .clone()
            .unwrap_or_else(|| "(no source)".into())],
        GroupBy::Publisher => vec![claim
            .facts
            .publisher
            .clone()
            .unwrap_or_else(|| "(no publisher)".into())],
        GroupBy::Tag => or(&claim.facts.tags, "(untagged)"),
        GroupBy::Year => vec![claim
            .resolved_on
            .map(|d| d.year().to_string())
            .unwrap_or_else(|| "(unresolved)".into())],
        GroupBy::Horizon => {
            vec![score::horizon(item.horizon_from, claim.facts.resolve_by).to_string()]
        }
    }
}
