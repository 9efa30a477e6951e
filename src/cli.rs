//! The command line: global options and the list of subcommands. Each subcommand's
//! arguments live beside its code in `cmd/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd;

/// hindsight — a ledger of predictions read in articles, and a scorer of who held up.
///
/// Record a source, its checkable claims and everyone's probabilities; resolve the claims
/// when the outcome is known; then score Brier, log loss and calibration.
#[derive(Debug, Parser)]
#[command(name = "hindsight", version, max_term_width = 100)]
pub struct Cli {
    /// The ledger: a file, or a PostgreSQL database (postgres://USER@HOST/DB, or postgres:
    /// with the PG* variables); else $HINDSIGHT_DB, else $XDG_DATA_HOME/hindsight/ledger.db
    /// (~/.local/share/…). `demo` ignores $HINDSIGHT_DB: it keeps the example only in a
    /// ledger named with --db.
    #[arg(
        long,
        global = true,
        env = "HINDSIGHT_DB",
        hide_env = true,
        value_name = "LEDGER"
    )]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record, list and show sources (articles, briefs, notes).
    #[command(subcommand)]
    Source(cmd::source::SourceCmd),
    /// Record a claim; prints its new key.
    Add(cmd::add::AddArgs),
    /// Record or revise a forecast on a claim.
    Forecast(cmd::forecast::ForecastArgs),
    /// Record a claim's outcome (earlier resolutions stay in its history).
    Resolve(cmd::resolve::ResolveArgs),
    /// Go through the due claims one by one: resolve, skip or postpone each, at a keystroke.
    Review(cmd::review::ReviewArgs),
    /// Move an open claim's resolve-by date later (the old date stays in its history).
    Postpone(cmd::postpone::PostponeArgs),
    /// List claims.
    List(cmd::list::ListArgs),
    /// Print the claims that are due; exit 10 if there are any, 0 if none (for cron, prompts, CI).
    Due(cmd::due::DueArgs),
    /// Show one claim with its forecasts and resolution history.
    Show(cmd::show::ShowArgs),
    /// Score forecasts: Brier, log loss, calibration, by forecaster, author, tag, …
    Report(cmd::report::ReportArgs),
    /// Compare two forecasters on the claims both forecast.
    Compare(cmd::compare::CompareArgs),
    /// Write the ledger as JSON Lines or CSV, or the open claims as an iCalendar file (ics).
    Export(cmd::export::ExportArgs),
    /// Read records from JSON Lines, CSV or a Fatebook export, in one transaction.
    Import(cmd::import::ImportArgs),
    /// Propose the checkable predictions in an article, with implied probabilities.
    Extract(cmd::extract::ExtractArgs),
    /// Draw SVG charts: calibration (reliability diagram) or history (running Brier).
    #[command(subcommand)]
    Chart(cmd::chart::ChartCmd),
    /// Load the worked example (a 2015 op-ed) and score it.
    Demo(cmd::demo::DemoArgs),
    /// Show the history: every record as it was added, newest first, with its hash.
    Log(cmd::log::LogArgs),
    /// Check the history's hash chain and that every table matches it (exit 4 if not).
    Verify(cmd::verify::VerifyArgs),
    /// Write a consistent, verified copy of the ledger (others may keep writing).
    Backup(cmd::backup::BackupArgs),
    /// Give the space left free inside the ledger file (after an upgrade) back to the disk.
    Compact(cmd::compact::CompactArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(cmd::completions::CompletionsArgs),
    /// Print the manual page (roff), or write one per subcommand with --dir.
    Man(cmd::man::ManArgs),
}

pub fn dispatch(cli: Cli, ctx: &cmd::Ctx) -> anyhow::Result<()> {
    match cli.command {
        Command::Source(c) => cmd::source::run(c, ctx),
        Command::Add(a) => cmd::add::run(a, ctx),
        Command::Forecast(a) => cmd::forecast::run(a, ctx),
        Command::Resolve(a) => cmd::resolve::run(a, ctx),
        Command::Review(a) => cmd::review::run(a, ctx),
        Command::Postpone(a) => cmd::postpone::run(a, ctx),
        Command::List(a) => cmd::list::run(a, ctx),
        Command::Due(a) => cmd::due::run(a, ctx),
        Command::Show(a) => cmd::show::run(a, ctx),
        Command::Report(a) => cmd::report::run(a, ctx),
        Command::Compare(a) => cmd::compare::run(a, ctx),
        Command::Export(a) => cmd::export::run(a, ctx),
        Command::Import(a) => cmd::import::run(a, ctx),
        Command::Demo(a) => cmd::demo::run(a, ctx),
        Command::Chart(c) => cmd::chart::run(c, ctx),
        Command::Extract(a) => cmd::extract::run(a, ctx),
        Command::Log(a) => cmd::log::run(a, ctx),
        Command::Verify(a) => cmd::verify::run(a, ctx),
        Command::Backup(a) => cmd::backup::run(a, ctx),
        Command::Compact(a) => cmd::compact::run(a, ctx),
        Command::Completions(a) => cmd::completions::run(a, ctx),
        Command::Man(a) => cmd::man::run(a, ctx),
    }
}
