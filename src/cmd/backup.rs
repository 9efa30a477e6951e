//! `hindsight backup`: a consistent copy of the ledger in a new SQLite file, made while
//! other processes may go on writing (SQLite's online backup for a file; a copy of every
//! table from one snapshot for a PostgreSQL ledger), verified before it takes its name.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::error::Refused;
use crate::render;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy.
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(a: BackupArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let target = &a.file;
    let shown = target.display().to_string();
    if target.exists() {
        if !a.force {
            return Err(Refused(format!(
                "FILE: '{shown}' already exists; expected a new file name, or --force to replace it"
            ))
            .into());
        }
        if target.is_dir() {
            return Err(Refused(format!(
                "FILE: '{shown}' is a directory; expected a file name"
            ))
            .into());
        }
        if let (Some(own), Ok(theirs)) = (store.path(), target.canonicalize()) {
            if own.canonicalize().is_ok_and(|o| o == theirs) {
                return Err(Refused(format!(
                    "FILE: '{shown}' is the ledger itself; expected another file"
                ))
                .into());
            }
        }
        // A database there may still be open, or left a write-ahead log that would be
        // replayed onto the copy; replacing it is not safe.
        if crate::store::beside(target, "-wal").exists() {
            return Err(Refused(format!(
                "FILE: '{shown}' has a write-ahead log beside it ({shown}-wal), so a program may still be using it; expected a file not in use"
            ))
            .into());
        }
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let cannot = |e: std::io::Error| Refused(format!("FILE: cannot write '{shown}': {e}"));
    // The copy is made under a temporary name in the same folder and renamed once whole
    // and verified, so FILE is never a half-written database.
    let tmp = tempfile::Builder::new()
        .prefix(".hindsight-backup-")
        .tempfile_in(dir)
        .map_err(cannot)?;
    let verdict = store.backup_to(tmp.path())?;
    super::verify::check(&verdict)?;
    if a.force {
        tmp.persist(target).map_err(|e| cannot(e.error))?;
    } else {
        tmp.persist_noclobber(target).map_err(|e| cannot(e.error))?;
    }
    render::note(&format!(
        "backed up to {shown}: {} events, verified; head {}",
        verdict.head.events, verdict.head.hash
    ));
    Ok(())
}
