//! Assembles the HTML accountability report (`report --format html`) from a scored report:
//! the groups' metrics, the charts, and every claim grouped by source.

use std::collections::HashMap;

use super::filters::ResampleArgs;
use crate::domain::parse::format_date;
use crate::render::html::{self, HtmlClaim, HtmlForecast, HtmlGroup, HtmlReport, HtmlSource};
use crate::render::report::{corp_chart, history_series};
use crate::report::{columns, Group, GroupBy, Query, Scoring};
use crate::store::Db;

/// The page for a scored report. `db` must be the read snapshot the report was scored on,
/// so that claims, outcomes and evidence are those of the same moment.
pub fn page(
    db: &Db<'_>,
    by: GroupBy,
    q: &Query,
    scoring: &Scoring,
    groups: &[Group],
    resampling: &ResampleArgs,
) -> anyhow::Result<String> {
    let what = q.describe();
    let calibration = corp_chart(groups, &what)?;
    let history = history_series(scoring, by);
    let history_svg = if history.iter().any(|s| s.points.len() > 1) {
        Some(crate::chart::history_svg(
            &format!("Running mean Brier score · {what}"),
            &history,
        )?)
    } else {
        None
    };

    // Each claim's counted forecasts, in the report's order of forecasters.
    let mut counted: HashMap<usize, Vec<HtmlForecast>> = HashMap::new();
    for item in scoring.items.iter().filter(|i| !i.score.late) {
        counted.entry(item.claim).or_default().push(HtmlForecast {
            forecaster: item.score.forecaster.to_string(),
            p: item.score.p,
            brier: item.score.brier,
        });
    }
    let mut by_source: HashMap<Option<String>, Vec<HtmlClaim>> = HashMap::new();
    for (i, c) in scoring.claims.iter().enumerate() {
        let Some(forecasts) = counted.remove(&i) else {
            continue;
        };
        // The resolution in force on the as-of date, as the scores use it: never one
        // dated later, so the page cannot show what was not yet known.
        let history = db.resolutions_of(c.facts.id, &c.facts.key)?;
        let standing = crate::score::effective_resolution(&history, q.as_of);
        let outcome = match (c.status, standing) {
            (crate::score::Status::Annulled, Some(r))
                if r.outcome != crate::domain::Outcome::Annulled =>
            {
                Some(format!(
                    "annulled (condition failed; own outcome {})",
                    r.outcome
                ))
            }
            (crate::score::Status::Pending, Some(r)) => {
                Some(format!("{} (condition pending)", r.outcome))
            }
            (_, r) => r.map(|r| r.outcome.to_string()),
        };
        by_source
            .entry(c.facts.source_key().map(str::to_string))
            .or_default()
            .push(HtmlClaim {
                key: c.facts.key.clone(),
                statement: c.facts.statement.clone().unwrap_or_default(),
                resolve_by: format_date(c.facts.resolve_by),
                outcome,
                evidence: standing.and_then(|r| r.evidence.clone()),
                forecasts,
            });
    }
    let unsourced = by_source.remove(&None).unwrap_or_default();
    let mut sources = Vec::new();
    for s in db.sources()? {
        if let Some(claims) = by_source.remove(&Some(s.key.clone())) {
            sources.push(HtmlSource {
                title: s.title,
                url: s.url,
                published: s.published.map(format_date),
                claims,
            });
        }
    }
    let report = HtmlReport {
        title: "hindsight accountability report".to_string(),
        generated_for: what,
        rule: q.rule.to_string(),
        as_of: q.as_of.map(format_date).unwrap_or_default(),
        resampling: if resampling.resamples > 0 {
            format!(
                "{} resamples, seed {}",
                resampling.resamples, resampling.seed
            )
        } else {
            String::new()
        },
        groups: groups
            .iter()
            .map(|g| HtmlGroup {
                key: g.key.clone(),
                values: columns::values(g),
            })
            .collect(),
        calibration_svg: Some(calibration),
        history_svg,
        sources,
        unsourced,
    };
    Ok(html::render(&report))
}
