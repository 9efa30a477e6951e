//! `hindsight add`: record a claim, optionally with a first forecast, in one transaction.

use clap::Args;

use super::{forecaster_arg, Ctx};
use crate::domain::{parse, Claim, Forecast};
use crate::ledger;
use crate::render;
use crate::store::Table;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The checkable statement, in your words.
    pub statement: String,
    /// Resolve-by date: YYYY-MM-DD, or relative to today: +30d, +6w, +6m, +2y.
    #[arg(long, value_name = "DATE")]
    pub by: String,
    /// Key of the source the claim was read in.
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
    /// The words in the source; must occur in the source's text when it has one.
    #[arg(long)]
    pub quote: Option<String>,
    /// How the outcome will be judged.
    #[arg(long)]
    pub criteria: Option<String>,
    /// A claim that must resolve yes for this one to be scored.
    #[arg(long = "if", value_name = "CLAIM")]
    pub condition: Option<String>,
    /// When forecasting opens: RFC 3339 or YYYY-MM-DD (default: with the first forecast).
    #[arg(long, value_name = "TIME")]
    pub opens_at: Option<String>,
    /// When forecasting closes: RFC 3339 or YYYY-MM-DD. Forecasts made later never count.
    #[arg(long, value_name = "TIME")]
    pub closes_at: Option<String>,
    /// A tag; repeat for several.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A first forecast: 0.7, 70% or an estimative phrase such as "very likely".
    #[arg(long, value_name = "PROB", allow_hyphen_values = true)]
    pub p: Option<String>,
    /// Who makes the first forecast (default: $HINDSIGHT_FORECASTER, else "me").
    #[arg(long, requires = "p")]
    pub forecaster: Option<String>,
    /// When the first forecast was made: RFC 3339 or YYYY-MM-DD (default: now).
    #[arg(long, requires = "p", value_name = "TIME")]
    pub at: Option<String>,
    /// A key of your choosing (default: c1, c2, …).
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(a: AddArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let resolve_by = parse::deadline("--by", &a.by, ctx.today())?;
    let p =
        a.p.as_deref()
            .map(super::forecast::probability_arg)
            .transpose()?;
    let made_at =
        a.at.as_deref()
            .map(|s| parse::time("--at", s))
            .transpose()?;
    let opens_at = a
        .opens_at
        .as_deref()
        .map(|s| parse::time("--opens-at", s))
        .transpose()?;
    let closes_at = a
        .closes_at
        .as_deref()
        .map(|s| parse::time("--closes-at", s))
        .transpose()?;
    let forecaster = forecaster_arg(a.forecaster.as_deref())?;
    let mut store = ctx.open()?;
    let key = store.write(|db| -> anyhow::Result<String> {
        let key = match &a.key {
            Some(k) => k.clone(),
            None => db.next_key("c", Table::Claims)?,
        };
        let row = ledger::record_claim(
            db,
            Claim {
                key,
                statement: a.statement.clone(),
                resolve_by,
                opens_at,
                closes_at,
                source: a.source.clone(),
                condition: a.condition.clone(),
                quote: a.quote.clone(),
                criteria: a.criteria.clone(),
                tags: a.tags.clone(),
                created_at: ctx.now,
                recorded_at: ctx.now,
                recorded_by: None,
            },
        )?;
        if let Some((p, note)) = &p {
            match (&a.at, &a.closes_at, row.claim.closes_at) {
                // No --at: the forecast is made now, so the close given is what is wrong.
                (None, Some(typed), Some(close)) if ctx.now > close => {
                    return Err(crate::domain::InputError::new(
                        "--closes-at",
                        typed,
                        &format!(
                            "the first forecast (--p) is made now, {}, after this close; expected a close at or after now, or --at before it",
                            parse::format_time(ctx.now)
                        ),
                    )
                    .into())
                }
                _ => super::forecast::refuse_after_close(&row.claim, made_at.unwrap_or(ctx.now))?,
            }
            ledger::record_forecast(
                db,
                &Forecast {
                    claim: row.claim.key.clone(),
                    forecaster: forecaster.clone(),
                    p: *p,
                    made_at: made_at.unwrap_or(ctx.now),
                    note: note.clone(),
                    recorded_at: ctx.now,
                    recorded_by: None,
                },
                ledger::Duplicates::Insert,
            )
            .map_err(|e| e.naming("made_at", "--at"))?;
        }
        Ok(row.claim.key)
    })?;
    render::out(&key)?;
    if p.is_some() {
        super::forecast::warn_if_late(&key, resolve_by, made_at.unwrap_or(ctx.now));
    }
    Ok(())
}
