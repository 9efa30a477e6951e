//! `hindsight show`: one claim with its forecasts and its whole resolution history.

use clap::Args;

use super::Ctx;
use crate::domain::{is_backfilled, parse, Claim, Outcome};
use crate::ledger;
use crate::render;
use crate::report;
use crate::score::Rule;

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The claim's key.
    pub claim: String,
    /// Print JSON: an object with the claim, its forecasts and resolutions.
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
pub struct ShownForecast {
    pub forecaster: String,
    pub p: f64,
    pub made_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// Who recorded it (null when unknown).
    pub recorded_by: Option<String>,
    pub backfilled: bool,
}

#[derive(serde::Serialize)]
pub struct ShownResolution {
    pub outcome: Outcome,
    pub resolved_on: chrono::NaiveDate,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// Who recorded it (null when unknown).
    pub recorded_by: Option<String>,
    pub current: bool,
}

/// One move of the claim's resolve-by date, oldest first.
#[derive(serde::Serialize)]
pub struct ShownPostponement {
    pub resolve_by: chrono::NaiveDate,
    pub note: Option<String>,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
    /// Who recorded it (null when unknown).
    pub recorded_by: Option<String>,
}

#[derive(serde::Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub claim: Claim,
    pub source_title: Option<String>,
    /// The date the claim's latest postponement moved it to (null if never postponed).
    pub postponed_to: Option<chrono::NaiveDate>,
    /// Every postponement, oldest first.
    pub postponements: Vec<ShownPostponement>,
    /// The condition's current outcome, or "open" (null without a condition).
    pub condition_state: Option<String>,
    pub status: String,
    pub forecasts: Vec<ShownForecast>,
    pub resolutions: Vec<ShownResolution>,
    /// Each forecaster's counted forecast (rule latest, as of today) with its scores; the
    /// Brier, log loss, baseline and peer are null until the claim is scored.
    pub scores: Vec<ShownScore>,
}

/// A pair's scores as `show` gives them.
#[derive(serde::Serialize)]
pub struct ShownScore {
    #[serde(flatten)]
    pub score: crate::score::PairScore,
    /// Metaculus's baseline score of the counted forecast.
    pub baseline: Option<f64>,
    /// Metaculus's peer score against the other forecasters' counted forecasts.
    pub peer: Option<f64>,
}

pub fn run(a: ShowArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let shown = load(&*store.read()?, &a.claim, ctx)?;
    if a.json {
        return render::json(&shown);
    }
    render::out(&human(&shown))?;
    Ok(())
}

/// Everything `show` says about one claim (`review` shows the same).
pub fn load(db: &crate::store::Db<'_>, key: &str, ctx: &Ctx) -> anyhow::Result<Shown> {
    let row = ledger::claim(db, "claim", key)?;
    let postponements: Vec<ShownPostponement> = db
        .postponements_of(row.id, &row.claim.key)?
        .into_iter()
        .map(|p| ShownPostponement {
            resolve_by: p.resolve_by,
            note: p.note,
            recorded_at: p.recorded_at,
            recorded_by: p.recorded_by,
        })
        .collect();
    let postponed_to = postponements.last().map(|p| p.resolve_by);
    let condition_state = match &row.claim.condition {
        Some(k) => {
            let cond = ledger::claim(db, "condition", k)?;
            Some(
                db.latest_resolution(&cond)?
                    .map(|r| format!("{} on {}", r.outcome, parse::format_date(r.resolved_on)))
                    .unwrap_or_else(|| "not resolved yet".to_string()),
            )
        }
        None => None,
    };
    let source_title = match &row.claim.source {
        Some(k) => db.source(k)?.map(|s| s.title),
        None => None,
    };
    let forecasts: Vec<ShownForecast> = db
        .forecasts(&row)?
        .into_iter()
        .map(|f| ShownForecast {
            backfilled: is_backfilled(f.made_at, f.recorded_at),
            forecaster: f.forecaster,
            p: f.p,
            made_at: f.made_at,
            note: f.note,
            recorded_at: f.recorded_at,
            recorded_by: f.recorded_by,
        })
        .collect();
    let history = db.resolutions(&row)?;
    let last = history.len().saturating_sub(1);
    let resolutions: Vec<ShownResolution> = history
        .into_iter()
        .enumerate()
        .map(|(i, r)| ShownResolution {
            outcome: r.outcome,
            resolved_on: r.resolved_on,
            evidence: r.evidence,
            note: r.note,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_by,
            current: i == last,
        })
        .collect();
    let (status, scores) = scores(db, &row, ctx)?;
    let status = status.as_str().to_string();
    Ok(Shown {
        claim: row.claim,
        source_title,
        postponed_to,
        postponements,
        condition_state,
        status,
        forecasts,
        resolutions,
        scores,
    })
}

/// The claim's status as `report` sees it today (its condition included), and its pairs
/// scored under the default rule.
fn scores(
    db: &crate::store::Db<'_>,
    row: &crate::store::ClaimRow,
    ctx: &Ctx,
) -> anyhow::Result<(crate::score::Status, Vec<ShownScore>)> {
    let history =
        |r: &crate::store::ClaimRow| -> anyhow::Result<Vec<(Outcome, chrono::NaiveDate)>> {
            Ok(db
                .resolutions(r)?
                .into_iter()
                .map(|x| (x.outcome, x.resolved_on))
                .collect())
        };
    let own = history(row)?;
    let condition = match &row.claim.condition {
        Some(k) => Some(history(&ledger::claim(db, "condition", k)?)?),
        None => None,
    };
    let (status, resolved_on, cutoff) = report::claim_state(
        row.claim.resolve_by,
        row.claim.closes_at,
        &own,
        condition.as_deref(),
        Some(ctx.today()),
    );
    let facts = crate::store::ScoringClaim {
        id: row.id,
        key: row.claim.key.clone(),
        statement: Some(row.claim.statement.clone()),
        resolve_by: row.claim.resolve_by,
        opens_at: row.claim.opens_at,
        closes_at: row.claim.closes_at,
        condition_id: None,
        source: row.claim.source.as_ref().map(|key| {
            std::sync::Arc::new(crate::store::SourceFacts {
                key: key.clone(),
                publisher: None,
                authors: Vec::new(),
            })
        }),
        tags: row.claim.tags.clone(),
    };
    let claim = report::ReportClaim {
        facts,
        status,
        resolved_on,
        cutoff,
    };
    let horizon = crate::domain::parse::end_of_day(ctx.today());
    let mut forecasts = Vec::new();
    db.scan_forecasts(Some(row.id), |f| -> anyhow::Result<()> {
        if f.made_at <= horizon {
            forecasts.push((f.forecaster, f.made_at, f.p));
        }
        Ok(())
    })?;
    let scores = report::score_claim(&claim, &forecasts, Rule::Latest, &[])
        .into_iter()
        .map(|s| ShownScore {
            score: s.score,
            baseline: s.platform.baseline,
            peer: s.platform.peer,
        })
        .collect();
    Ok((status, scores))
}

/// Who recorded a record, as a table shows it: "–" when unknown.
fn by(name: Option<&str>) -> String {
    render::truncate(name.unwrap_or("–"), 16)
}

/// The claim as text, several lines.
pub fn human(s: &Shown) -> String {
    let c = &s.claim;
    let mut lines = vec![format!("{}  {}", c.key, c.statement)];
    let field = |name: &str, value: String| format!("{name:<11} {value}");
    lines.push(field(
        "resolve by",
        match s.postponed_to {
            Some(d) => format!(
                "{} (postponed from {})",
                parse::format_date(d),
                parse::format_date(c.resolve_by)
            ),
            None => parse::format_date(c.resolve_by),
        },
    ));
    if let Some(t) = c.opens_at {
        lines.push(field("opens at", render::time(t)));
    }
    if let Some(t) = c.closes_at {
        lines.push(field("closes at", render::time(t)));
    }
    lines.push(field("status", s.status.clone()));
    if let Some(k) = &c.source {
        lines.push(field(
            "source",
            format!("{k}  {}", s.source_title.clone().unwrap_or_default()),
        ));
    }
    if let Some(k) = &c.condition {
        let state = s.condition_state.as_deref().unwrap_or("open");
        lines.push(field("if", format!("{k} resolves yes (now: {state})")));
    }
    if let Some(q) = &c.quote {
        lines.push(field("quote", format!("\"{q}\"")));
    }
    if let Some(k) = &c.criteria {
        lines.push(field("criteria", k.clone()));
    }
    if !c.tags.is_empty() {
        lines.push(field("tags", c.tags.join(", ")));
    }
    lines.push(field("recorded", render::time(c.recorded_at)));
    lines.push(field("recorded by", by(c.recorded_by.as_deref())));
    lines.push(String::new());
    if s.forecasts.is_empty() {
        lines.push("forecasts: none".to_string());
    } else {
        let mut t = render::table::new(&["FORECASTER", "P", "MADE AT", "NOTE", "BY"]);
        for f in &s.forecasts {
            let when = if f.backfilled {
                format!("{} (backfilled)", render::time(f.made_at))
            } else {
                render::time(f.made_at)
            };
            t.add_row(vec![
                render::truncate(&f.forecaster, 16),
                render::percent(f.p),
                when,
                render::truncate(f.note.as_deref().unwrap_or(""), 36),
                by(f.recorded_by.as_deref()),
            ]);
        }
        lines.push(render::table::render(&t).trim_end().to_string());
    }
    if s.scores.iter().any(|x| x.score.brier.is_some()) {
        lines.push(String::new());
        let mut t = render::table::new(&[
            "FORECASTER",
            "COUNTED P",
            "BRIER",
            "LOG LOSS",
            "BASELINE",
            "PEER",
        ]);
        for x in &s.scores {
            let p = if x.score.late {
                format!("{} (late)", render::percent(x.score.p))
            } else {
                render::percent(x.score.p)
            };
            t.add_row(vec![
                render::truncate(&x.score.forecaster, 16),
                p,
                render::metric(x.score.brier),
                render::metric(x.score.log_loss),
                render::points(x.baseline),
                render::points(x.peer),
            ]);
        }
        lines.push("scores (rule latest)".to_string());
        if s.scores.iter().any(|x| x.score.late) {
            lines.push(
                "(late: every forecast came after the cutoff, so it never counts)".to_string(),
            );
        }
        lines.push(render::table::render(&t).trim_end().to_string());
    }
    if !s.postponements.is_empty() {
        lines.push(String::new());
        let mut t = render::table::new(&["POSTPONED TO", "NOTE", "RECORDED", "BY"]);
        for p in &s.postponements {
            t.add_row(vec![
                parse::format_date(p.resolve_by),
                render::truncate(p.note.as_deref().unwrap_or(""), 36),
                render::time(p.recorded_at),
                by(p.recorded_by.as_deref()),
            ]);
        }
        lines.push(render::table::render(&t).trim_end().to_string());
    }
    lines.push(String::new());
    if s.resolutions.is_empty() {
        lines.push("resolutions: none".to_string());
    } else {
        let mut t = render::table::new(&["OUTCOME", "ON", "EVIDENCE", "NOTE", "BY", ""]);
        for r in &s.resolutions {
            t.add_row(vec![
                r.outcome.as_str().to_string(),
                parse::format_date(r.resolved_on),
                render::truncate(r.evidence.as_deref().unwrap_or(""), 34),
                render::truncate(r.note.as_deref().unwrap_or(""), 30),
                by(r.recorded_by.as_deref()),
                if r.current {
                    "current".into()
                } else {
                    "superseded".into()
                },
            ]);
        }
        lines.push(render::table::render(&t).trim_end().to_string());
    }
    lines.join("\n")
}
