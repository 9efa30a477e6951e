//! `hindsight postpone`: move an open claim's resolve-by date later. The claim keeps the
//! date it was recorded with; the postponement is a record (and an event) of its own, so
//! the history shows both. `review` postpones through the same function.

use clap::Args;

use super::Ctx;
use crate::domain::{parse, Postponement};
use crate::ledger;
use crate::render;

#[derive(Debug, Args)]
pub struct PostponeArgs {
    /// The claim's key.
    pub claim: String,
    /// The new resolve-by date: YYYY-MM-DD, or relative to today: +30d, +6w, +6m, +2y.
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Why; kept with the postponement.
    #[arg(long)]
    pub note: Option<String>,
}

/// Records a postponement in its own transaction and says what changed.
pub fn postpone(
    store: &mut crate::store::Store,
    ctx: &Ctx,
    claim: &str,
    to: &str,
    note: Option<String>,
) -> anyhow::Result<String> {
    let p = Postponement {
        claim: claim.to_string(),
        resolve_by: parse::deadline("--to", to, ctx.today())?,
        note,
        recorded_at: ctx.now,
        recorded_by: None,
    };
    let was = store.write(|db| {
        ledger::record_postponement(db, &p).map_err(|e| e.naming("resolve_by", "--to"))
    })?;
    Ok(format!(
        "postponed: {} to {} (was {}, kept in history)",
        p.claim,
        parse::format_date(p.resolve_by),
        parse::format_date(was)
    ))
}

pub fn run(a: PostponeArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    let msg = postpone(&mut store, ctx, &a.claim, &a.to, a.note)?;
    render::note(&msg);
    Ok(())
}
