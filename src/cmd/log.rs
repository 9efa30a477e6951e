//! `hindsight log`: the ledger's history, newest first — every source, claim, forecast and
//! resolution as it was recorded, with the hash that chains it to the events before.

use clap::Args;

use super::Ctx;
use crate::domain::event::{self, Record};
use crate::ledger;
use crate::render;
use crate::store::StoredEvent;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only this claim's events: the claim, its forecasts and its resolutions.
    pub claim: Option<String>,
    /// Print JSON: an array of events, newest first (shape in docs/EVENTS.md).
    #[arg(long)]
    pub json: bool,
    /// Show at most N events (the newest); N is at least 1.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

/// One event as `log --json` prints it. The field set is stable: fields may be added, never
/// renamed or removed, within a format version.
#[derive(serde::Serialize)]
pub struct LoggedEvent {
    /// Position in the chain: 1 for the first event.
    pub seq: i64,
    /// When hindsight appended the event (UTC, RFC 3339).
    pub recorded_at: String,
    /// source, claim, forecast or resolution.
    pub kind: String,
    /// The record's row id in its table.
    pub id: i64,
    /// The source's key, or the claim's key for the other kinds.
    pub key: String,
    /// Who recorded the record, as its payload says (null when unknown: events before
    /// payload format 3, or an unreadable payload).
    pub recorded_by: Option<String>,
    /// One line for people.
    pub summary: String,
    /// The record as the payload carries it (null if the payload is unreadable).
    pub record: serde_json::Value,
    /// The exact text that was hashed.
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

fn logged(e: StoredEvent) -> LoggedEvent {
    let (summary, record, recorded_by) = match &e.event {
        Ok(ev) => (
            ev.record.summary(),
            record_json(&ev.record),
            ev.record.recorded_by().map(str::to_string),
        ),
        Err(err) => (
            format!("(unreadable payload: {err})"),
            serde_json::Value::Null,
            None,
        ),
    };
    LoggedEvent {
        seq: e.seq,
        recorded_at: e.recorded_at,
        kind: e.kind,
        id: e.row_id,
        key: e.key,
        recorded_by,
        summary,
        record,
        payload: e.payload,
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// The record as an object with the domain struct's fields, whatever the payload's format
/// (for a version 1 payload, the same object as its `record`).
fn record_json(record: &Record) -> serde_json::Value {
    let value = match record {
        Record::Source(s) => serde_json::to_value(s),
        Record::Claim(c) => serde_json::to_value(c),
        Record::Forecast(f) => serde_json::to_value(f),
        Record::Resolution(r) => serde_json::to_value(r),
        Record::Postponement(p) => serde_json::to_value(p),
    };
    value.unwrap_or(serde_json::Value::Null)
}

pub fn run(a: LogArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let db = store.read()?;
    let claim_id = match &a.claim {
        // A claim deleted behind the tool's back still has its history.
        Some(key) => match db.history_claim_id(key)? {
            Some(id) => Some(id),
            None => Some(ledger::claim(&db, "CLAIM", key)?.id),
        },
        None => None,
    };
    if a.json {
        // Each event parsed and its JSON made as it is written: a whole ledger's would
        // take gigabytes. A failure part way stops the output and the command fails.
        let events = db.history_events(claim_id, a.limit)?.map(|e| e.map(logged));
        return render::json(&render::JsonItems::new(events));
    }
    let events: Vec<LoggedEvent> = db
        .history(claim_id, a.limit)?
        .into_iter()
        .map(logged)
        .collect();
    if events.is_empty() {
        render::note("the history is empty");
        return Ok(());
    }
    let mut t = render::table::new(&["#", "RECORDED", "BY", "KIND", "KEY", "HASH", "SUMMARY"]);
    for e in &events {
        t.add_row(vec![
            e.seq.to_string(),
            e.recorded_at.clone(),
            render::truncate(e.recorded_by.as_deref().unwrap_or("–"), 16),
            e.kind.clone(),
            render::truncate(&e.key, 16),
            event::short(&e.hash).to_string(),
            render::truncate(&e.summary, 40),
        ]);
    }
    render::out(&render::table::render(&t))?;
    Ok(())
}
