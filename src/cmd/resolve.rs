//! `hindsight resolve`: record how a claim turned out. Resolving again supersedes the
//! earlier resolution but keeps it in the claim's history.

use clap::Args;

use super::Ctx;
use crate::domain::{parse, Outcome, Resolution};
use crate::ledger;
use crate::render;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The claim's key.
    pub claim: String,
    /// yes, no, annulled or ambiguous.
    pub outcome: String,
    /// When the outcome became known, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// A URL to the evidence.
    #[arg(long, value_name = "URL")]
    pub evidence: Option<String>,
    /// Why it resolved this way, or anything a later reader should know; kept with it.
    #[arg(long)]
    pub note: Option<String>,
}

pub fn run(a: ResolveArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let outcome: Outcome = a.outcome.parse()?;
    let resolved_on = match &a.on {
        Some(s) => parse::date("--on", s)?,
        None => ctx.today(),
    };
    let resolution = Resolution {
        claim: a.claim,
        outcome,
        resolved_on,
        evidence: a.evidence,
        note: a.note,
        recorded_at: ctx.now,
        recorded_by: None,
    };
    let mut store = ctx.open()?;
    render::note(&record(&mut store, &resolution)?);
    Ok(())
}

/// Records a resolution in its own transaction (earlier ones stay in the history) and
/// says what changed. `review` resolves through here too.
pub fn record(store: &mut Store, resolution: &Resolution) -> anyhow::Result<String> {
    let previous = store.write(|db| -> anyhow::Result<Option<Resolution>> {
        let row = ledger::claim(db, "claim", &resolution.claim)?;
        let previous = db.latest_resolution(&row)?;
        ledger::record_resolution(db, resolution).map_err(|e| e.naming("resolved_on", "--on"))?;
        Ok(previous)
    })?;
    let mut msg = format!(
        "resolved: {} {} on {}",
        resolution.claim,
        resolution.outcome,
        parse::format_date(resolution.resolved_on)
    );
    if let Some(p) = previous {
        msg.push_str(&format!(
            " (supersedes {} on {}, kept in history)",
            p.outcome,
            parse::format_date(p.resolved_on)
        ));
    }
    Ok(msg)
}
