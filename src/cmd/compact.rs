//! `hindsight compact`: gives the space left free inside the ledger file back to the disk.
//! An upgrade that rebuilds a table (schemas 6 and 7 rebuild the forecasts and the history)
//! leaves the old table's pages free inside the file; later writes reuse them, and this
//! returns them at once.

use clap::Args;

use super::Ctx;
use crate::render;

#[derive(Debug, Args)]
pub struct CompactArgs {}

/// A size in bytes for people: kB, MB or GB with three significant digits.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", (b / 1e3).max(1.0))
    }
}

pub fn run(_a: CompactArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let mut store = ctx.open()?;
    if store.engine() == crate::store::Engine::Postgres {
        render::note(
            "a PostgreSQL ledger has no file to compact: the server gives free space back itself (autovacuum); nothing was done",
        );
        return Ok(());
    }
    let shown = store
        .path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if let Some(c) = store.compact()? {
        render::out(&format!(
            "compacted {shown}: {} before, {} after",
            size(c.before),
            size(c.after)
        ))?;
        if c.pending {
            render::note(
                "another program is reading the ledger: the rest of the space comes back once it has finished",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_in_the_largest_unit_that_fits() {
        assert_eq!(size(0), "1 kB");
        assert_eq!(size(4096), "4 kB");
        assert_eq!(size(278_425_600), "278.4 MB");
        assert_eq!(size(1_040_000_000), "1.04 GB");
    }
}
