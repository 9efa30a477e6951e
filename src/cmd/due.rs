//! `hindsight due`: a reminder for scripts. Prints the claims that are due, briefly, and
//! exits 10 when there are any (0 when none), so that a cron job, a shell prompt or a CI
//! job can act on the status alone.

use clap::Args;

use super::Ctx;
use crate::domain::parse;
use crate::error::code;
use crate::render;
use crate::store::{ClaimFilter, ListRow, Window};

/// Which claims count as due; `review` selects the same way.
#[derive(Debug, Args)]
pub struct Selection {
    /// Also claims due within this long from today, such as 7d or 2w (default 0d: only
    /// claims whose resolve-by date is today or past; `list --due` looks 30d ahead).
    #[arg(long, value_name = "DURATION", default_value = "0d")]
    pub within: String,
    /// Only claims with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only claims from this source (key).
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
}

impl Selection {
    /// The filter for the open claims due by `today` + `within`, most overdue first.
    pub fn filter(&self, today: chrono::NaiveDate) -> anyhow::Result<ClaimFilter> {
        Ok(ClaimFilter {
            window: Some(Window::DueBy(super::list::due_by(&self.within, today)?)),
            source: self.source.clone(),
            tag: crate::domain::validate::tag_filter(self.tag.as_deref())?,
            forecaster: None,
            limit: None,
        })
    }
}

#[derive(Debug, Args)]
pub struct DueArgs {
    #[command(flatten)]
    pub select: Selection,
    /// Print nothing; only the exit status tells (10: some claims are due, 0: none).
    #[arg(long, short)]
    pub quiet: bool,
}

/// How far past (or before) its date a claim is, in words.
pub fn lateness(resolve_by: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    let days = (today - resolve_by).num_days();
    match days {
        0 => "due today".to_string(),
        1 => "1 day overdue".to_string(),
        d if d > 1 => format!("{d} days overdue"),
        -1 => "due tomorrow".to_string(),
        d => format!("due in {} days", -d),
    }
}

/// One line per claim: key, date, lateness, statement.
fn brief(rows: &[ListRow], today: chrono::NaiveDate) -> String {
    let width = rows
        .iter()
        .map(|r| r.key.chars().count())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for r in rows {
        text.push_str(&format!(
            "{:<width$}  {}  {:<16}  {}\n",
            r.key,
            parse::format_date(r.resolve_by),
            lateness(r.resolve_by, today),
            render::truncate(&r.statement, 60)
        ));
    }
    text
}

pub fn run(a: DueArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let today = ctx.today();
    let filter = a.select.filter(today)?;
    let store = ctx.open()?;
    let rows = {
        let db = store.read()?;
        crate::ledger::check_filters(&db, filter.source.as_deref(), filter.tag.as_deref(), &[])?;
        db.list(&filter)?
    };
    drop(store);
    if rows.is_empty() {
        return Ok(());
    }
    if !a.quiet {
        // A reader that stops early (`hindsight due | head -1`) does not change the answer.
        if let Err(e) = render::out(&brief(&rows, today)) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
        }
        render::note(&format!(
            "{} claim(s) due; resolve them with `hindsight review` or `hindsight resolve KEY OUTCOME`",
            rows.len()
        ));
    }
    // Not a failure, so not an error for `main` to print: the status is the answer.
    std::process::exit(code::DUE);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateness_in_words() {
        let d = |s| parse::date("d", s).unwrap();
        let today = d("2026-11-28");
        assert_eq!(lateness(d("2026-11-28"), today), "due today");
        assert_eq!(lateness(d("2026-11-27"), today), "1 day overdue");
        assert_eq!(lateness(d("2026-11-01"), today), "27 days overdue");
        assert_eq!(lateness(d("2026-11-29"), today), "due tomorrow");
        assert_eq!(lateness(d("2026-12-08"), today), "due in 10 days");
    }
}
