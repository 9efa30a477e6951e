//! `hindsight import`: records from a file (or stdin) in one transaction — all of them or,
//! at the first bad line, none.

use std::io::BufRead;

use clap::Args;

use super::Ctx;
use crate::error::Refused;
use crate::interchange::{self, Importer, Summary};
use crate::render;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    Jsonl,
    Csv,
    FatebookCsv,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to read, or "-" for standard input.
    pub file: String,
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ImportFormat,
    /// Check everything and report what would be added, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn progress_bar(len: Option<u64>) -> indicatif::ProgressBar {
    // Draws on stderr, and not at all when stderr is not a terminal.
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// SQLite's page cache during an import (its default is 2 MiB). An import that keeps the
/// indexes up to date reads fewer pages back with it, and a bulk one spills fewer
/// half-written pages; it is also most of an import's memory.
const IMPORT_CACHE_MIB: u32 = 32;

/// Reads `input` in `format` and applies it inside the caller's transaction.
pub fn apply(
    db: &crate::store::Db<'_>,
    importer: &mut Importer,
    format: ImportFormat,
    input: &mut dyn BufRead,
    label: &str,
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<()> {
    match format {
        ImportFormat::Jsonl => interchange::jsonl::import(db, importer, input, label, bar),
        ImportFormat::Csv => {
            interchange::csv::import(db, importer, &mut bar.wrap_read(input), label)
        }
        ImportFormat::FatebookCsv => {
            interchange::fatebook::import(db, importer, &mut bar.wrap_read(input), label)
        }
    }
}

/// Imports into `store`, or rehearses the import when `dry_run`.
pub fn import_into(
    store: &mut Store,
    ctx: &Ctx,
    format: ImportFormat,
    input: &mut dyn BufRead,
    label: &str,
    len: Option<u64>,
    dry_run: bool,
) -> anyhow::Result<Summary> {
    // One transaction however long the file (all or nothing, and readers never see half
    // of it); writers in other processes wait for it to end rather than time out. A dry
    // run leaves no trace, not even the lock's file.
    if !dry_run {
        store.hold_for_import();
    }
    let bar = progress_bar(len);
    store.set_cache_mib(IMPORT_CACHE_MIB)?;
    store.temporary_in_memory()?;
    let mut importer = Importer::new(ctx.now);
    // About how many records the file holds (a line of the interchange format is rarely
    // shorter than 128 bytes), to judge whether setting the indexes aside pays.
    let expected = len.map(|n| n / 128);
    let run = |db: &crate::store::Db<'_>| -> anyhow::Result<()> {
        importer.begin(db, expected)?;
        apply(db, &mut importer, format, input, label, &bar)?;
        importer.finish(db)?;
        Ok(())
    };
    let result = if dry_run {
        store.rehearse(run)
    } else {
        store.write(run)
    };
    bar.finish_and_clear();
    result?;
    Ok(importer.summary)
}

pub fn run(a: ImportArgs, ctx: &Ctx) -> anyhow::Result<()> {
    // A dry run leaves no trace, not even a new empty ledger file.
    let mut store = if a.dry_run {
        ctx.open_without_creating()?
    } else {
        ctx.open()?
    };
    let summary = if a.file == "-" {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        import_into(
            &mut store, ctx, a.format, &mut input, "<stdin>", None, a.dry_run,
        )?
    } else {
        let file = std::fs::File::open(&a.file)
            .map_err(|e| Refused(format!("FILE: cannot read '{}': {e}", a.file)))?;
        let len = file.metadata().ok().map(|m| m.len());
        let mut input = std::io::BufReader::with_capacity(1 << 16, file);
        import_into(
            &mut store, ctx, a.format, &mut input, &a.file, len, a.dry_run,
        )?
    };
    if a.dry_run {
        render::out(&format!(
            "dry run, nothing written: {}",
            summary.describe("would add")
        ))?;
    } else {
        render::note(&summary.describe("imported"));
    }
    Ok(())
}
