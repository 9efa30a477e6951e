//! Feeding the scoring core from the ledger: which claims and forecasts a report covers,
//! each claim's status and cutoff as of a date, one scored item per (claim, forecaster),
//! and the group keys items fall under. The arithmetic itself is in `score`.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rustc_hash::FxHashMap;

use crate::domain::parse::{self, end_of_day};
use crate::domain::Outcome;
use crate::score::{self, Aggregate, PairScore, PlatformScore, Rule, Status};
use crate::store::{CountedRef, Db, ForecastScan, ScoringClaim, StoreError};

pub mod columns;
mod groups;

pub use groups::{check_filters, compute, compute_groups, Group};

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
    /// The crowds scored as virtual forecasters (`crowd:median`, ...) on every claim.
    /// Filters never change who forms a crowd: always every real forecaster on the claim.
    pub crowds: Vec<Aggregate>,
}

impl Query {
    /// A one-line description of what was scored, for titles and headers.
    pub fn describe(&self) -> String {
        let q = self;
        let mut parts = vec![format!("rule {}", q.rule)];
        if let Some(d) = q.as_of {
            parts.push(format!("as of {}", parse::format_date(d)));
        }
        let mut filters = Vec::new();
        if !q.forecasters.is_empty() {
            filters.push(format!("forecaster {}", q.forecasters.join(", ")));
        }
        if let Some(s) = &q.source {
            filters.push(format!("source {s}"));
        }
        if let Some(t) = &q.tag {
            filters.push(format!("tag {t}"));
        }
        if let Some(d) = q.since {
            filters.push(format!("due from {}", parse::format_date(d)));
        }
        if let Some(d) = q.until {
            filters.push(format!("due until {}", parse::format_date(d)));
        }
        if q.live_only {
            filters.push("live forecasts only".into());
        }
        // Crowds the forecaster filter already names are not said twice.
        let crowds: Vec<&str> = q
            .crowds
            .iter()
            .filter(|c| !q.forecasters.contains(&c.forecaster()))
            .map(|c| c.as_str())
            .collect();
        if !crowds.is_empty() {
            filters.push(format!("crowd {}", crowds.join(", ")));
        }
        if !filters.is_empty() {
            parts.push(filters.join(", "));
        }
        parts.join(" · ")
    }
}

impl Query {
    /// Whether the report shows this forecaster's items: every crowd asked for, and the
    /// real forecasters `forecasters` names (all when it is empty). It filters rows only:
    /// peer scores and crowds always use every real forecaster.
    pub fn shows(&self, forecaster: &str) -> bool {
        self.forecasters.is_empty()
            || self.forecasters.iter().any(|n| n == forecaster)
            || Aggregate::from_forecaster(forecaster).is_some_and(|a| self.crowds.contains(&a))
    }
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
    /// One group per claim, keyed by the claim's key.
    Claim,
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
    /// Baseline, peer and relative Brier of the pair.
    pub platform: PlatformScore,
}

pub struct Scoring {
    pub claims: Vec<ReportClaim>,
    pub items: Vec<Item>,
}

/// Status and cutoff of a claim given its own and its condition's resolution histories.
pub fn claim_state(
    resolve_by: NaiveDate,
    closes_at: Option<DateTime<Utc>>,
    own: &[(Outcome, NaiveDate)],
    condition: Option<&[(Outcome, NaiveDate)]>,
    as_of: Option<NaiveDate>,
) -> (Status, Option<NaiveDate>, DateTime<Utc>) {
    let mine = score::effective_resolution(own, as_of);
    let cond = condition.map(|h| score::effective_resolution(h, as_of).map(|r| r.0));
    let status = score::claim_status(mine.map(|r| r.0), cond);
    let resolved_on = mine.map(|r| r.1);
    let cutoff = score::cutoff_at(resolve_by, resolved_on, closes_at);
    (status, resolved_on, cutoff)
}

/// Scores every forecaster's history on one claim, then the crowds (see
/// [`score::score_claim`]). `forecasts` are (forecaster, made_at, p) in (forecaster,
/// time) order, already filtered, and hold every real forecaster on the claim.
pub fn score_claim(
    claim: &ReportClaim,
    forecasts: &[(Arc<str>, DateTime<Utc>, f64)],
    rule: Rule,
    crowds: &[Aggregate],
) -> Vec<score::Scored> {
    let mut histories: Vec<(Arc<str>, score::History)> = Vec::new();
    for (name, at, p) in forecasts {
        match histories.last_mut() {
            Some((last, h)) if last == name => h.push((*at, *p)),
            _ => histories.push((name.clone(), smallvec::smallvec![(*at, *p)])),
        }
    }
    score_histories(claim, &histories, rule, crowds)
}

/// [`score_claim`] on forecasts already gathered as (forecaster, history).
fn score_histories(
    claim: &ReportClaim,
    histories: &[(Arc<str>, score::History)],
    rule: Rule,
    crowds: &[Aggregate],
) -> Vec<score::Scored> {
    // One copy of the key for all of the claim's pairs.
    let key: Arc<str> = Arc::from(claim.facts.key.as_str());
    let input = score::ClaimForecasts {
        claim: key,
        status: claim.status,
        cutoff: claim.cutoff,
        opens_at: claim.facts.opens_at,
        forecasters: histories,
    };
    score::score_claim(&input, rule, crowds)
}

/// The items of one claim that the report shows.
fn shown_items(
    q: &Query,
    claim: usize,
    scored: Vec<score::Scored>,
) -> impl Iterator<Item = Item> + '_ {
    scored
        .into_iter()
        .filter(|s| q.shows(&s.score.forecaster))
        .map(move |s| Item {
            claim,
            score: s.score,
            platform: s.platform,
        })
}

/// Loads and scores what `q` covers.
///
/// Under `latest` and `first` a pair's score depends on one of its forecasts, so the
/// forecasts are read in the table's own order (front to back through the file) and
/// sorted into claims afterwards. `time-avg` needs each pair's whole history and
/// streams the forecasts in (claim, forecaster, time) order instead, one claim at a
/// time. Either way the items come out in (claim, forecaster) order.
pub fn load(db: &Db<'_>, q: &Query) -> Result<Scoring, StoreError> {
    let read = read(db, q, SPLIT_FROM, Wanted::ALL)?;
    let parts = each_scored_claim(db, q, &read, SPLIT_FROM, Vec::new, |items, i, scored| {
        items.extend(shown_items(q, i, scored));
    })?;
    let items = parts.into_iter().flatten().collect();
    Ok(Scoring {
        claims: read.claims,
        items,
    })
}

/// Which of the claims' larger parts a report reads besides what scoring needs: outputs
/// that show claims print their statements; grouping by tag needs the tags (the tag
/// filter reads them whatever this says).
#[derive(Debug, Clone, Copy)]
pub(super) struct Wanted {
    pub statements: bool,
    pub tags: bool,
}

impl Wanted {
    pub const ALL: Wanted = Wanted {
        statements: true,
        tags: true,
    };
}

/// What a report reads before it scores: every claim with its status, and under a rule
/// that counts one forecast per pair the forecasts it wants, read in one pass (see
/// [`counted_claims`]). `time-avg` streams its forecasts while it scores instead.
pub(super) struct Read {
    pub claims: Vec<ReportClaim>,
    counted: Option<Vec<Part>>,
}

/// Reads the claims and, under `latest` and `first`, the forecasts `q` wants: the
/// forecasts on other connections while this one reads the claims, when the ledger is a
/// file of at least `split_from` forecasts (see [`Db::each_forecast_by_id_in_parts`]).
/// The claims' statements and tags are read only when `wanted`.
pub(super) fn read(
    db: &Db<'_>,
    q: &Query,
    split_from: i64,
    wanted: Wanted,
) -> Result<Read, StoreError> {
    if q.rule == Rule::TimeAvg {
        return Ok(Read {
            claims: report_claims(db, q, wanted)?,
            counted: None,
        });
    }
    // Forecasts are kept by their claim's place among the claims in id order, known
    // before the claims themselves are read.
    let ids = db.claim_ids()?;
    let slots = ClaimSlots::new(ids.iter().copied());
    let horizon = q.as_of.map(|d| end_of_day(d).timestamp());
    let visit = |part: &mut Part, f: CountedRef| -> Result<(), StoreError> {
        let Some(i) = slots.get(f.claim_id) else {
            return Ok(());
        };
        let wanted = horizon.is_none_or(|h| f.made_at <= h)
            && !(q.live_only && f.backfilled)
            && !f.p.is_nan();
        if wanted {
            part.kept.push(Kept {
                // `ClaimSlots` holds claim indexes as u32, so this cannot truncate.
                claim: i as u32,
                forecaster: f.forecaster_id,
                at: f.made_at,
                p: f.p,
            });
        }
        Ok(())
    };
    let (parts, claims) =
        db.each_forecast_by_id_in_parts(split_from, Part::default, visit, || {
            report_claims(db, q, wanted)
        })?;
    // Both reads are of one snapshot, so they name the same claims.
    if claims.len() != ids.len() || claims.iter().zip(&ids).any(|(c, &id)| c.facts.id != id) {
        return Err(StoreError::Corrupt(
            "the claims changed while the report read them".into(),
        ));
    }
    Ok(Read {
        claims,
        counted: Some(parts),
    })
}

/// Every claim with its status and cutoff as of the report's date, in id order.
fn report_claims(db: &Db<'_>, q: &Query, wanted: Wanted) -> Result<Vec<ReportClaim>, StoreError> {
    // The tag filter looks at every claim's tags.
    let facts = db.scoring_claims(wanted.statements, wanted.tags || q.tag.is_some())?;
    let histories = db.resolution_histories()?;
    let empty = Vec::new();
    Ok(facts
        .into_iter()
        .map(|c| {
            let own = histories.get(&c.id).unwrap_or(&empty);
            let cond = c
                .condition_id
                .map(|id| histories.get(&id).map_or(&empty[..], |h| &h[..]));
            let (status, resolved_on, cutoff) =
                claim_state(c.resolve_by, c.closes_at, own, cond, q.as_of);
            ReportClaim {
                facts: c,
                status,
                resolved_on,
                cutoff,
            }
        })
        .collect())
}

/// Scores the claims `q` covers one at a time, handing each claim's scored pairs (every
/// forecaster's and the crowds', in forecaster order, as [`score::score_claim`] gives
/// them; not yet filtered by [`Query::shows`]) to `sink` with the claim's index. Claims
/// without a forecast are skipped.
///
/// The claims may be scored on several threads (from `split_from` forecasts on), each
/// over a consecutive range of claims into its own state made by `start`; the states
/// come back in the order of their ranges, so that within and across them the claims go
/// in the order of `claims`.
fn each_scored_claim<S: Send>(
    db: &Db<'_>,
    q: &Query,
    read: &Read,
    split_from: i64,
    start: impl Fn() -> S + Sync,
    sink: impl Fn(&mut S, usize, Vec<score::Scored>) + Sync,
) -> Result<Vec<S>, StoreError> {
    let claims = &read.claims;
    let included: Vec<bool> = claims.iter().map(|c| covers(q, &c.facts)).collect();
    match &read.counted {
        Some(parts) => counted_claims(db, q, claims, parts, &included, split_from, start, sink),
        None => {
            let index: HashMap<i64, usize> = claims
                .iter()
                .enumerate()
                .map(|(i, c)| (c.facts.id, i))
                .collect();
            let mut state = start();
            streamed_claims(db, q, claims, &index, &included, |i, scored| {
                sink(&mut state, i, scored)
            })?;
            Ok(vec![state])
        }
    }
}

/// Where each claim id sits among the report's claims: a plain array when ids are dense
/// (they are row ids, so they usually are), a hash map otherwise.
enum ClaimSlots {
    Dense(Vec<u32>),
    Sparse(FxHashMap<i64, u32>),
}

impl ClaimSlots {
    const NONE: u32 = u32::MAX;

    fn new(ids: impl ExactSizeIterator<Item = i64> + Clone) -> Self {
        let n = ids.len();
        let max = ids.clone().max().unwrap_or(0);
        let dense_ok = ids.clone().all(|id| id >= 0)
            && usize::try_from(max).is_ok_and(|m| m <= 4 * n + 1024)
            && n < Self::NONE as usize;
        if dense_ok {
            let mut slots = vec![Self::NONE; usize::try_from(max).unwrap_or(0) + 1];
            for (i, id) in ids.enumerate() {
                slots[id as usize] = i as u32;
            }
            ClaimSlots::Dense(slots)
        } else {
            ClaimSlots::Sparse(ids.enumerate().map(|(i, id)| (id, i as u32)).collect())
        }
    }

    fn get(&self, id: i64) -> Option<usize> {
        match self {
            ClaimSlots::Dense(v) => usize::try_from(id)
                .ok()
                .and_then(|i| v.get(i))
                .filter(|&&s| s != Self::NONE)
                .map(|&s| s as usize),
            ClaimSlots::Sparse(m) => m.get(&id).map(|&s| s as usize),
        }
    }
}

/// From how many forecasts a report reads them on several cores at once; below it a
/// second thread and connection cost more than they save.
const SPLIT_FROM: i64 = 100_000;

/// One forecast the report wants, as the one-pass reader keeps it (24 bytes): the
/// claim's index, the forecaster's id, when it was made (seconds) and p.
#[derive(Debug, Clone, Copy)]
struct Kept {
    claim: u32,
    forecaster: u32,
    at: i64,
    p: f64,
}

/// What one range of the one-pass reader keeps: every wanted forecast in recording
/// order.
#[derive(Default)]
struct Part {
    kept: Vec<Kept>,
}

/// The scored pairs of a rule that counts one forecast per pair (`latest` or `first`),
/// claim by claim, from one pass over the forecasts in recording order. Each wanted
/// forecast is kept as a [`Kept`]; the forecasts are then put in claim order (a counting
/// sort, which keeps recording order within a claim) and each pair gets the forecast the
/// rule would pick: of those made by the cutoff, the latest (the last recorded among
/// equal times) or the earliest (the first recorded among equal times), which is what
/// [`score::score_pair`] picks from the whole history. A pair with none in time is late
/// and travels with its first late time and the p of its last late forecast.
///
/// From `split_from` forecasts on, the claims are scored on every core, in consecutive
/// ranges of about as many forecasts each (see [`each_scored_claim`] for `start`).
#[allow(clippy::too_many_arguments)]
fn counted_claims<S: Send>(
    db: &Db<'_>,
    q: &Query,
    claims: &[ReportClaim],
    parts: &[Part],
    included: &[bool],
    split_from: i64,
    start: impl Fn() -> S + Sync,
    sink: impl Fn(&mut S, usize, Vec<score::Scored>) + Sync,
) -> Result<Vec<S>, StoreError> {
    // Forecasters are numbered by their ids in the ledger, the same in every part; the
    // reader refused any forecast naming none (`store::scan::counted_ref`), against these
    // same names of this snapshot, so every kept id indexes `shared` and `rank`.
    let names = db.forecaster_names()?.into_vec();
    // Each name once, shared by all of its pairs; the pairs of a claim go in name order.
    let shared: Vec<Arc<str>> = names.iter().map(|n| Arc::from(n.as_str())).collect();
    let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
    by_name.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, &id) in by_name.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    drop(names);

    // Counting sort into claim order: `order` lists every kept forecast (numbered across
    // the parts in recording order) claim by claim, and claim i's run is
    // order[starts[i]..starts[i + 1]].
    let total: usize = parts.iter().map(|p| p.kept.len()).sum();
    let too_many = || StoreError::Corrupt("more than 4,294,967,295 forecasts".into());
    u32::try_from(total).map_err(|_| too_many())?;
    let mut starts = vec![0u32; claims.len() + 1];
    for k in parts.iter().flat_map(|p| &p.kept) {
        starts[k.claim as usize + 1] += 1;
    }
    for i in 0..claims.len() {
        starts[i + 1] += starts[i];
    }
    let mut next = starts.clone();
    let mut order = vec![0u32; total];
    for (n, k) in parts.iter().flat_map(|p| &p.kept).enumerate() {
        let slot = &mut next[k.claim as usize];
        order[*slot as usize] = n as u32;
        *slot += 1;
    }
    drop(next);
    let offsets: Vec<usize> = parts
        .iter()
        .scan(0, |sum, p| {
            let at = *sum;
            *sum += p.kept.len();
            Some(at)
        })
        .collect();
    let get = |n: u32| -> Kept {
        let n = n as usize;
        let part = offsets.partition_point(|&o| o <= n) - 1;
        parts[part].kept[n - offsets[part]]
    };

    // The per-claim stage, one claim's forecasts at a time: every real forecaster's
    // counted forecast is in hand, for peer scores and the crowd.
    let score_one = |i: usize,
                     forecasts: &mut Vec<Kept>,
                     run: &mut Vec<(Arc<str>, score::History)>,
                     state: &mut S| {
        let claim = &claims[i];
        let (from, to) = (starts[i] as usize, starts[i + 1] as usize);
        if from == to || !included[i] {
            return;
        }
        forecasts.clear();
        forecasts.extend(order[from..to].iter().map(|&n| get(n)));
        // Stable: each forecaster's forecasts stay in recording order.
        forecasts.sort_by_key(|k| rank[k.forecaster as usize]);
        run.clear();
        let cutoff = claim.cutoff.timestamp();
        for same in forecasts.chunk_by(|a, b| a.forecaster == b.forecaster) {
            let mut best: Option<(i64, f64)> = None;
            // (first late time, last late time, p at the last late time)
            let mut late: Option<(i64, i64, f64)> = None;
            for k in same {
                if k.at <= cutoff {
                    let replaces = |b: (i64, f64)| match q.rule {
                        Rule::First => k.at < b.0,
                        _ => k.at >= b.0,
                    };
                    if best.is_none_or(replaces) {
                        best = Some((k.at, k.p));
                    }
                } else {
                    late = Some(match late {
                        None => (k.at, k.at, k.p),
                        Some((first, last, _)) if k.at >= last => (first.min(k.at), k.at, k.p),
                        Some((first, last, p)) => (first.min(k.at), last, p),
                    });
                }
            }
            let Some((secs, p)) = best.or(late.map(|(first, _, p)| (first, p))) else {
                continue;
            };
            if let Some(at) = DateTime::from_timestamp(secs, 0) {
                run.push((
                    shared[same[0].forecaster as usize].clone(),
                    smallvec::smallvec![(at, p)],
                ));
            }
        }
        sink(state, i, score_histories(claim, run, q.rule, &q.crowds));
    };
    let score_range = |range: std::ops::Range<usize>| -> S {
        let mut state = start();
        let mut forecasts: Vec<Kept> = Vec::new();
        let mut run: Vec<(Arc<str>, score::History)> = Vec::new();
        for i in range {
            score_one(i, &mut forecasts, &mut run, &mut state);
        }
        state
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = if (total as i64) < split_from {
        1
    } else {
        cores.min(4)
    };
    // Ranges of claims holding about total / threads forecasts each.
    let mut bounds = vec![0usize];
    for t in 1..threads {
        let target = (total * t / threads) as u32;
        let at = starts.partition_point(|&s| s < target).min(claims.len());
        bounds.push(at.max(bounds[t - 1]));
    }
    bounds.push(claims.len());
    let states = if threads == 1 {
        vec![score_range(0..claims.len())]
    } else {
        std::thread::scope(|scope| {
            let score_range = &score_range;
            let helpers: Vec<_> = bounds
                .windows(2)
                .skip(1)
                .map(|w| {
                    let range = w[0]..w[1];
                    scope.spawn(move || score_range(range))
                })
                .collect();
            let mut states = vec![score_range(bounds[0]..bounds[1])];
            for h in helpers {
                // A panic in a worker is a bug; pass it on as one.
                states.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
            states
        })
    };
    Ok(states)
}

/// The items of a rule that counts one forecast per pair (see [`counted_claims`]).
#[cfg(test)]
fn counted_items(db: &Db<'_>, q: &Query, split_from: i64) -> Result<Vec<Item>, StoreError> {
    let read = read(db, q, split_from, Wanted::ALL)?;
    let included: Vec<bool> = read.claims.iter().map(|c| covers(q, &c.facts)).collect();
    let parts = read.counted.as_deref().unwrap_or_default();
    let items = counted_claims(
        db,
        q,
        &read.claims,
        parts,
        &included,
        split_from,
        Vec::new,
        |items, i, scored| items.extend(shown_items(q, i, scored)),
    )?;
    Ok(items.into_iter().flatten().collect())
}

/// The scored pairs of any rule, claim by claim, from the forecasts streamed in (claim,
/// forecaster, time) order with each claim's whole history in hand.
fn streamed_claims(
    db: &Db<'_>,
    q: &Query,
    claims: &[ReportClaim],
    index: &HashMap<i64, usize>,
    included: &[bool],
    mut sink: impl FnMut(usize, Vec<score::Scored>),
) -> Result<(), StoreError> {
    let horizon = q.as_of.map(end_of_day);
    let mut current: Option<i64> = None;
    let mut buffer: Vec<(Arc<str>, DateTime<Utc>, f64)> = Vec::new();
    let mut flush = |claim_id: Option<i64>, buffer: &mut Vec<(Arc<str>, DateTime<Utc>, f64)>| {
        if let Some(i) = claim_id.and_then(|id| index.get(&id).copied()) {
            sink(i, score_claim(&claims[i], buffer, q.rule, &q.crowds));
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
    Ok(())
}

/// The items of any rule (see [`streamed_claims`]).
#[cfg(test)]
fn streamed_items(
    db: &Db<'_>,
    q: &Query,
    claims: &[ReportClaim],
    index: &HashMap<i64, usize>,
    included: &[bool],
) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    streamed_claims(db, q, claims, index, included, |i, scored| {
        items.extend(shown_items(q, i, scored));
    })?;
    Ok(items)
}

fn covers(q: &Query, c: &ScoringClaim) -> bool {
    q.source
        .as_deref()
        .is_none_or(|s| c.source_key() == Some(s))
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
        GroupBy::Forecaster => vec![item.forecaster.to_string()],
        GroupBy::Claim => vec![claim.facts.key.clone()],
        GroupBy::Author => or(
            claim
                .facts
                .source
                .as_deref()
                .map_or(&[], |s| &s.authors[..]),
            "(no author)",
        ),
        GroupBy::Source => vec![claim.facts.source_key().unwrap_or("(no source)").into()],
        GroupBy::Publisher => vec![claim
            .facts
            .source
            .as_deref()
            .and_then(|s| s.publisher.as_deref())
            .unwrap_or("(no publisher)")
            .into()],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Claim, Forecast, Resolution};
    use crate::ledger;
    use crate::store::Store;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 1, d).expect("valid day")
    }

    /// (claim, forecaster, p in hundredths, hour of made_at, days late recorded)
    type F = (usize, usize, u32, u32, u32);

    /// Items as (claim index, score, platform scores), comparable.
    type Scored = Vec<(usize, score::PairScore, PlatformScore)>;

    /// A ledger of three claims (the third conditional on the first) with the given
    /// forecasts and outcomes (0 none, 1 yes, 2 no, 3 annulled), then the items of both
    /// ways of loading, which must agree.
    fn both_ways(forecasts: &[F], outcomes: &[u8], q: &Query) -> (Scored, Scored) {
        let (_dir, store) = ledger(forecasts, outcomes);
        let db = store.read().unwrap();
        let one_pass = load(&db, q).expect("load");
        let claims = one_pass.claims.clone();
        let index: HashMap<i64, usize> = claims
            .iter()
            .enumerate()
            .map(|(i, c)| (c.facts.id, i))
            .collect();
        let included: Vec<bool> = claims.iter().map(|c| covers(q, &c.facts)).collect();
        // The one-pass reader in several parts, and the claim-by-claim reader, forced.
        let parts = counted_items(&db, q, 1).expect("in parts");
        let by_claim = streamed_items(&db, q, &claims, &index, &included).expect("streamed");
        let pairs = |items: Vec<Item>| -> Scored {
            items
                .into_iter()
                .map(|i| (i.claim, i.score, i.platform))
                .collect()
        };
        let one_pass = pairs(one_pass.items);
        assert_eq!(one_pass, pairs(parts), "one pass in parts");
        (one_pass, pairs(by_claim))
    }

    /// A ledger file of three claims (the third conditional on the first) with the given
    /// forecasts and outcomes (0 none, 1 yes, 2 no, 3 annulled), and its directory.
    fn ledger(forecasts: &[F], outcomes: &[u8]) -> (tempfile::TempDir, Store) {
        // A file, so that the one-pass reader can split the forecasts across threads
        // (it does from the first forecast on below).
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(
            &dir.path().join("ledger.db"),
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        )
        .expect("ledger file");
        let t = |h: u32| {
            Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::hours(i64::from(h))
        };
        store
            .write(|db| -> Result<(), ledger::LedgerError> {
                for (i, key) in ["c0", "c1", "c2"].iter().enumerate() {
                    ledger::record_claim(
                        db,
                        Claim {
                            key: key.to_string(),
                            statement: format!("claim {i}"),
                            resolve_by: day(20),
                            opens_at: None,
                            closes_at: None,
                            source: None,
                            condition: (i == 2).then(|| "c0".to_string()),
                            quote: None,
                            criteria: None,
                            tags: vec![format!("t{}", i % 2)],
                            created_at: t(0),
                            recorded_at: t(0),
                            recorded_by: None,
                        },
                    )?;
                }
                for &(c, who, p, hour, late) in forecasts {
                    ledger::record_forecast(
                        db,
                        &Forecast {
                            claim: format!("c{c}"),
                            forecaster: ["ann", "bob", "Cy", "dee"][who].to_string(),
                            p: f64::from(p) / 100.0,
                            made_at: t(hour),
                            note: None,
                            recorded_at: t(hour) + chrono::Duration::days(i64::from(late)),
                            recorded_by: None,
                        },
                        ledger::Duplicates::Insert,
                    )?;
                }
                for (c, &o) in outcomes.iter().enumerate() {
                    let outcome = match o {
                        1 => Outcome::Yes,
                        2 => Outcome::No,
                        3 => Outcome::Annulled,
                        _ => continue,
                    };
                    ledger::record_resolution(
                        db,
                        &Resolution {
                            claim: format!("c{c}"),
                            outcome,
                            resolved_on: day(10 + c as u32),
                            evidence: None,
                            note: None,
                            // Recorded on the day it says the outcome became known.
                            recorded_at: crate::domain::parse::start_of_day(day(10 + c as u32)),
                            recorded_by: None,
                        },
                    )?;
                }
                Ok(())
            })
            .expect("ledger written");
        (dir, store)
    }

    /// A ledger file moved while a report reads it: the other connections cannot open
    /// it, so every range of forecasts is read on the report's own connection.
    #[test]
    fn forecasts_are_all_read_when_no_other_connection_opens() {
        let forecasts: Vec<F> = (0..40u32)
            .map(|n| ((n % 3) as usize, (n % 4) as usize, n * 2, n * 7, 0))
            .collect();
        let (dir, store) = ledger(&forecasts, &[1, 2, 0]);
        let q = Query::default();
        let db = store.read().unwrap();
        let whole = counted_items(&db, &q, i64::MAX).expect("one range");
        assert_eq!(whole.len(), 3 * 4, "every pair");
        std::fs::rename(dir.path(), dir.path().with_extension("moved")).expect("moved");
        let parts = counted_items(&db, &q, 1).expect("ranges on this connection");
        std::fs::rename(dir.path().with_extension("moved"), dir.path()).expect("moved back");
        let pairs = |items: &[Item]| -> Vec<(usize, f64)> {
            items.iter().map(|i| (i.claim, i.score.p)).collect()
        };
        assert_eq!(pairs(&parts), pairs(&whole));
    }

    /// The groups as they were made before groups were folded: every item kept, grouped
    /// in a map by key, each group given to the functions that take its pairs.
    fn groups_from_items(
        scoring: &Scoring,
        by: GroupBy,
        bins: usize,
        r: &score::Resampling,
    ) -> String {
        use std::collections::BTreeMap;
        let mut grouped: BTreeMap<GroupKey, Vec<&Item>> = BTreeMap::new();
        for it in &scoring.items {
            for k in group_keys(by, &scoring.claims[it.claim], &it.score) {
                grouped.entry(k).or_default().push(it);
            }
        }
        let mut out = String::new();
        for ((_, key), items) in grouped {
            let scores = || items.iter().map(|i| &i.score);
            let corp = score::corp_with_band(&score::observations(scores()), r, &key);
            out.push_str(&format!(
                "{key}: {:?} {:?} {:?} {:?} {:?}\n",
                score::metrics(scores(), bins),
                score::bootstrap(scores(), r, &key),
                corp,
                score::platform_metrics(items.iter().map(|i| &i.platform)),
                score::bootstrap_platform(items.iter().map(|i| (&i.score, &i.platform)), r, &key),
            ));
        }
        out
    }

    /// What [`groups_from_items`] prints, from the folded groups.
    fn print_groups(groups: &[Group]) -> String {
        let mut out = String::new();
        for g in groups {
            out.push_str(&format!(
                "{}: {:?} {:?} {:?} {:?} {:?}\n",
                g.key, g.metrics, g.intervals, g.corp, g.platform, g.platform_intervals
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn one_pass_and_claim_by_claim_agree(
            forecasts in proptest::collection::vec((0usize..3, 0usize..4, 0u32..=100, 0u32..600, 0u32..3), 0..40),
            outcomes in proptest::collection::vec(0u8..4, 3),
            first in any::<bool>(),
            live_only in any::<bool>(),
            as_of_day in 5u32..25,
            only_ann in any::<bool>(),
            crowd in any::<bool>(),
            tag in proptest::option::of(0u8..2),
        ) {
            let q = Query {
                rule: if first { Rule::First } else { Rule::Latest },
                as_of: Some(day(as_of_day)),
                live_only,
                forecasters: if only_ann { vec!["ann".into()] } else { vec![] },
                crowds: if crowd { Aggregate::ALL.to_vec() } else { vec![] },
                tag: tag.map(|t| format!("t{t}")),
                ..Query::default()
            };
            let (one_pass, by_claim) = both_ways(&forecasts, &outcomes, &q);
            prop_assert_eq!(one_pass, by_claim);
        }

        /// Groups folded claim by claim, without keeping the pairs, are bit for bit those
        /// made from every item kept, for every grouping and rule.
        #[test]
        fn folded_groups_are_those_of_the_items(
            forecasts in proptest::collection::vec((0usize..3, 0usize..4, 0u32..=100, 0u32..600, 0u32..3), 0..40),
            outcomes in proptest::collection::vec(0u8..4, 3),
            rule in prop_oneof![Just(Rule::Latest), Just(Rule::First), Just(Rule::TimeAvg)],
            as_of_day in proptest::option::of(5u32..25),
            only_ann in any::<bool>(),
            crowd in any::<bool>(),
            by in prop_oneof![Just(GroupBy::Forecaster), Just(GroupBy::Claim), Just(GroupBy::Horizon),
                              Just(GroupBy::Year), Just(GroupBy::Tag)],
            resamples in prop_oneof![Just(0usize), Just(20)],
        ) {
            let q = Query {
                rule,
                as_of: as_of_day.map(day),
                forecasters: if only_ann { vec!["ann".into()] } else { vec![] },
                crowds: if crowd { Aggregate::ALL.to_vec() } else { vec![] },
                ..Query::default()
            };
            let r = score::Resampling { resamples, seed: 9 };
            // ann forecasts at least once, so that the filter naming her is accepted.
            let mut forecasts = forecasts;
            forecasts.push((1, 0, 50, 300, 0));
            let (_dir, store) = ledger(&forecasts, &outcomes);
            let db = store.read().unwrap();
            let folded = compute_groups(&db, &q, by, 10, &r).expect("folded");
            // On several threads, each folding a range of claims, then merged.
            let merged = groups::folded_groups(&db, &q, by, 10, &r, 1).expect("merged");
            let (scoring, with_items) = compute(&db, &q, by, 10, &r).expect("with items");
            let want = groups_from_items(&scoring, by, 10, &r);
            prop_assert_eq!(print_groups(&folded), want.clone());
            prop_assert_eq!(print_groups(&merged), want.clone());
            prop_assert_eq!(print_groups(&with_items), want);
        }
    }
}
