//! `hindsight forecast`: record (or revise) a probability for a claim.

use clap::Args;

use super::{forecaster_arg, Ctx};
use crate::domain::{parse, Forecast, InputError};
use crate::ledger;
use crate::render;

#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// The claim's key.
    pub claim: String,
    /// The probability: 0.7, 70%, or an estimative phrase such as "very likely".
    #[arg(long, value_name = "PROB", allow_hyphen_values = true)]
    pub p: String,
    /// Who forecasts (default: $HINDSIGHT_FORECASTER, else "me").
    #[arg(long)]
    pub forecaster: Option<String>,
    /// When the forecast was made: RFC 3339 or YYYY-MM-DD (default: now).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Why; kept with the forecast.
    #[arg(long)]
    pub note: Option<String>,
}

/// Reads a probability argument: a number, a percentage, or an estimative phrase of the
/// built-in lexicon ("very likely"), which records its point value. Returns the value and,
/// when it came from a phrase, a note saying so.
pub fn probability_arg(s: &str) -> anyhow::Result<(f64, Option<String>)> {
    match parse::probability("--p", s) {
        Ok(p) => Ok((p, None)),
        Err(numeric) => {
            let lexicon = crate::extract::Lexicon::builtin();
            let entry = lexicon
                .lookup(s)
                .filter(|e| e.kind != crate::extract::EntryKind::Intensifier)
                .ok_or_else(|| {
                    InputError::new(
                        "--p",
                        s,
                        &format!(
                            "{}, or an estimative phrase such as \"very likely\"",
                            numeric.accepted
                        ),
                    )
                })?;
            let note = format!(
                "read \"{}\" as {} ({})",
                entry.phrase,
                crate::render::percent(entry.point),
                entry.source
            );
            crate::render::note(&note);
            Ok((entry.point, Some(note)))
        }
    }
}

/// A forecast made from the command line after the claim closed is refused, naming the
/// close time (an imported one is kept, and never counts).
pub fn refuse_after_close(
    claim: &crate::domain::Claim,
    made_at: chrono::DateTime<chrono::Utc>,
) -> Result<(), crate::domain::InputError> {
    match claim.closes_at {
        Some(close) if made_at > close => Err(crate::domain::InputError::new(
            "--at",
            &parse::format_time(made_at),
            &format!(
                "{} closed at {}; expected a time at or before it",
                claim.key,
                parse::format_time(close)
            ),
        )),
        _ => Ok(()),
    }
}

pub fn run(a: ForecastArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let (p, phrase_note) = probability_arg(&a.p)?;
    let made_at = match &a.at {
        Some(s) => parse::time("--at", s)?,
        None => ctx.now,
    };
    let note = match (a.note, phrase_note) {
        (Some(n), Some(pn)) => Some(format!("{n} ({pn})")),
        (n, pn) => n.or(pn),
    };
    let forecast = Forecast {
        claim: a.claim,
        forecaster: forecaster_arg(a.forecaster.as_deref())?,
        p,
        made_at,
        note,
        recorded_at: ctx.now,
        recorded_by: None,
    };
    let mut store = ctx.open()?;
    let due = store.write(|db| -> anyhow::Result<chrono::NaiveDate> {
        let claim = ledger::claim(db, "claim", &forecast.claim)?.claim;
        refuse_after_close(&claim, made_at)?;
        ledger::record_forecast(db, &forecast, ledger::Duplicates::Insert)
            .map_err(|e| e.naming("made_at", "--at"))?;
        Ok(claim.resolve_by)
    })?;
    render::note(&format!(
        "recorded: {} gives {} {} at {}",
        forecast.forecaster,
        forecast.claim,
        render::percent(p),
        render::time(made_at)
    ));
    warn_if_late(&forecast.claim, due, made_at);
    Ok(())
}

/// A forecast made after a claim's resolve-by day is accepted, since the claim may still
/// be resolved and the forecast is part of the record; but it will never be scored, and
/// the user should know now.
pub fn warn_if_late(claim: &str, due: chrono::NaiveDate, made_at: chrono::DateTime<chrono::Utc>) {
    if made_at > parse::end_of_day(due) {
        render::note(&format!(
            "warning: {claim} was due by {}: a forecast made after that day never counts in a score",
            parse::format_date(due)
        ));
    }
}
