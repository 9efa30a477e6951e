//! Where the ledger file is: `--db PATH`, else `HINDSIGHT_DB` (both handled by clap), else
//! `$XDG_DATA_HOME/hindsight/ledger.db` — `~/.local/share/hindsight/ledger.db` by default,
//! on macOS too, as most command-line tools do.

use std::path::PathBuf;

use etcetera::BaseStrategy;

pub fn default_db() -> anyhow::Result<PathBuf> {
    // No home folder is a setting to supply, not a bug: an input error.
    let base = etcetera::choose_base_strategy().map_err(|e| {
        crate::error::Refused(format!(
            "--db: no ledger named and no home folder to keep one in ({e}); expected --db PATH or HINDSIGHT_DB"
        ))
    })?;
    Ok(base.data_dir().join("hindsight").join("ledger.db"))
}
