//! `hindsight verify`: recomputes the history's hash chain and checks that every table
//! holds exactly what the history says. Exit status 4 names the first divergence.

use clap::Args;

use super::Ctx;
use crate::error::Tampered;
use crate::render;
use crate::store::Verdict;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Print only the head hash (after verifying): the value to publish, so that the
    /// ledger can later be shown to have held these records by then.
    #[arg(long)]
    pub head: bool,
}

/// The verdict as an error when the ledger diverges from its history.
pub fn check(v: &Verdict) -> Result<(), Tampered> {
    match &v.first {
        None => Ok(()),
        Some(first) => {
            let more = match v.divergences.saturating_sub(1) {
                0 => String::new(),
                1 => " (and 1 more divergence)".to_string(),
                n => format!(" (and {n} more divergences)"),
            };
            Err(Tampered(format!(
                "the ledger does not match its history: {first}{more}"
            )))
        }
    }
}

pub fn run(a: VerifyArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let v = store.read()?.verify()?;
    check(&v)?;
    if a.head {
        render::out(&v.head.hash)?;
    } else {
        render::out(&format!(
            "ok: {} events, and every table matches them\nhead {}",
            v.head.events, v.head.hash
        ))?;
    }
    Ok(())
}
