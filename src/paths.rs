//! Where the ledger file is: `--db PATH`, else `HINDSIGHT_DB` (both handled by clap), else
//! `$XDG_DATA_HOME/hindsight/ledger.db` — `~/.local/share/hindsight/ledger.db` by default,
//! on macOS too, as most command-line tools do.

use std::path::PathBuf;

use etcetera::BaseStrategy;

pub fn default_db() -> anyhow::Result<PathBuf> {
    let base = etcetera::choose_base_strategy().map_err(|e| {
        anyhow::anyhow!(
            "cannot find a home folder for the ledger ({e}); pass --db PATH or set HINDSIGHT_DB"
        )
    })?;
    Ok(base.data_dir().join("hindsight").join("ledger.db"))
}
