//! `hindsight list`: claims, filtered by state, source, tag or forecaster.

use std::borrow::Cow;

use clap::Args;
use comfy_table::Cell;

use super::Ctx;
use crate::domain::parse;
use crate::render;
use crate::store::{ClaimFilter, Window};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("state").args(["open", "due", "overdue", "resolved"])))]
pub struct ListArgs {
    /// Only claims not resolved yet.
    #[arg(long)]
    pub open: bool,
    /// Open claims whose deadline has passed or falls within --within.
    #[arg(long)]
    pub due: bool,
    /// With --due: how far ahead to look (default 30d).
    #[arg(long, requires = "due", value_name = "DURATION")]
    pub within: Option<String>,
    /// Open claims whose deadline has passed.
    #[arg(long)]
    pub overdue: bool,
    /// Only resolved claims.
    #[arg(long)]
    pub resolved: bool,
    /// Only claims from this source (key).
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
    /// Only claims with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Only claims this forecaster forecast; the P column shows their latest forecast.
    #[arg(long)]
    pub forecaster: Option<String>,
    /// Show at most N claims, in the list's order (soonest deadline first, so with --due
    /// or --overdue the N most overdue).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Print JSON: an array of claims.
    #[arg(long)]
    pub json: bool,
}

/// The last resolve-by date that counts as due, `within` (a duration such as 30d) after
/// `today`; `list --due`, `due` and `review` all select with it.
pub fn due_by(within: &str, today: chrono::NaiveDate) -> anyhow::Result<chrono::NaiveDate> {
    let span = parse::span("--within", within)?;
    // Looking past the last storable day looks at everything (a day past 9999 would
    // compare below every stored date and match nothing).
    let last = chrono::NaiveDate::from_ymd_opt(parse::LAST_YEAR, 12, 31).unwrap_or(today);
    Ok(span
        .after(today)
        .filter(|d| parse::date_in_range(*d))
        .unwrap_or(last))
}

pub fn run(a: ListArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let today = ctx.today();
    let window = if a.open {
        Some(Window::Open)
    } else if a.due {
        Some(Window::DueBy(due_by(
            a.within.as_deref().unwrap_or("30d"),
            today,
        )?))
    } else if a.overdue {
        Some(Window::OverdueAt(today))
    } else if a.resolved {
        Some(Window::Resolved)
    } else {
        None
    };
    let filter = ClaimFilter {
        window,
        source: a.source,
        tag: crate::domain::validate::tag_filter(a.tag.as_deref())?,
        forecaster: a
            .forecaster
            .map(|f| crate::domain::validate::forecaster("--forecaster", &f))
            .transpose()?,
        limit: a.limit,
    };
    let store = ctx.open()?;
    let db = store.read()?;
    crate::ledger::check_filters(
        &db,
        filter.source.as_deref(),
        filter.tag.as_deref(),
        filter.forecaster.as_slice(),
    )?;
    let rows = db.list(&filter)?;
    if a.json {
        return render::json(&rows);
    }
    const HEADERS: [&str; 6] = ["KEY", "BY", "STATEMENT", "P", "WHO", "OUTCOME"];
    let mut any_backfilled = false;
    let cells: Vec<[Cow<'_, str>; 6]> = rows
        .iter()
        .map(|r| {
            let p = match (r.latest_p, r.latest_backfilled) {
                (Some(p), Some(true)) => {
                    any_backfilled = true;
                    format!("{}*", render::percent(p))
                }
                (Some(p), _) => render::percent(p),
                (None, _) => "–".to_string(),
            };
            [
                Cow::Borrowed(r.key.as_str()),
                Cow::Owned(parse::format_date(r.resolve_by)),
                Cow::Owned(render::truncate(&r.statement, 48)),
                Cow::Owned(p),
                Cow::Owned(render::truncate(
                    r.latest_forecaster.as_deref().unwrap_or(""),
                    12,
                )),
                Cow::Borrowed(r.outcome.map_or("open", |o| o.as_str())),
            ]
        })
        .collect();
    // A long list is drawn directly; a table that colours or wraps is comfy-table's.
    let mut text = match render::table::plain(&HEADERS, &cells) {
        Some(text) => text,
        None => {
            let mut t = render::table::new(&HEADERS);
            for (r, [key, by, statement, p, who, _]) in rows.iter().zip(cells) {
                t.add_row(vec![
                    Cell::new(key),
                    Cell::new(by),
                    Cell::new(statement),
                    Cell::new(p),
                    Cell::new(who),
                    render::table::outcome_cell(r.outcome),
                ]);
            }
            render::table::render(&t)
        }
    };
    if any_backfilled {
        text.push_str("* backfilled: recorded more than a day after it was said to be made\n");
    }
    render::out(&text)?;
    Ok(())
}
