//! `hindsight demo`: the worked example — a 2015 op-ed on John Kerry's visit to Russia,
//! its claims in our words, the author's implied probabilities and the outcomes known
//! today — loaded into a throwaway ledger (or `--db`) and scored.

use clap::Args;
use comfy_table::Cell;

use super::filters::{scored, Filters, ResampleArgs};
use super::import::{import_into, ImportFormat};
use super::Ctx;
use crate::domain::parse;
use crate::render;
use crate::render::report::table_text;
use crate::report::GroupBy;
use crate::store::Store;

/// The example ledger, compiled into the binary.
pub const EXAMPLE: &str = include_str!("../../examples/kerry-russia-2015.jsonl");

#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(_a: DemoArgs, ctx: &Ctx) -> anyhow::Result<()> {
    // Only an explicit --db keeps the example; HINDSIGHT_DB alone never receives it.
    let mut store = match (&ctx.db, ctx.db_from_flag) {
        (Some(_), true) => ctx.open()?,
        _ => Store::open_in_memory(ctx.now)?,
    };
    import_into(
        &mut store,
        ctx,
        ImportFormat::Jsonl,
        &mut EXAMPLE.as_bytes(),
        "examples/kerry-russia-2015.jsonl",
        None,
        false,
    )?;
    let filters = Filters {
        rule: "latest".into(),
        ..Default::default()
    };
    let db = store.read()?;
    let (q, scoring, groups) = scored(
        ctx,
        &db,
        &filters,
        GroupBy::Forecaster,
        crate::score::DEFAULT_BINS,
        &ResampleArgs::default(),
    )?;

    let sources = db.sources()?;
    let mut text = String::new();
    for s in &sources {
        text.push_str(&format!(
            "{} — {}, {}\n",
            s.title,
            s.publisher.as_deref().unwrap_or("unknown publisher"),
            s.published.map(parse::format_date).unwrap_or_default()
        ));
    }
    text.push('\n');
    let mut t = render::table::new(&[
        "CLAIM",
        "DUE",
        "STATEMENT",
        "AUTHOR P",
        "OUTCOME",
        "SCORED AS",
    ]);
    for (index, c) in scoring.claims.iter().enumerate() {
        let p = scoring
            .items
            .iter()
            .find(|i| i.claim == index)
            .map(|i| render::percent(i.score.p))
            .unwrap_or_else(|| "–".into());
        let row = crate::ledger::claim(&db, "claim", &c.facts.key)?;
        let outcome = db.latest_resolution(&row)?.map(|r| r.outcome);
        t.add_row(vec![
            Cell::new(render::truncate(&c.facts.key, 24)),
            Cell::new(parse::format_date(c.facts.resolve_by)),
            Cell::new(render::truncate(
                c.facts.statement.as_deref().unwrap_or_default(),
                34,
            )),
            Cell::new(p),
            render::table::outcome_cell(outcome),
            Cell::new(c.status.as_str()),
        ]);
    }
    text.push_str(&render::table::render(&t));
    text.push_str("\nHow the author held up\n");
    text.push_str(&table_text(&q.describe(), GroupBy::Forecaster, &groups));
    render::out(&text)?;
    Ok(())
}
