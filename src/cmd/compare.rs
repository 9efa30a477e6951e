//! `hindsight compare A B`: two forecasters on the claims both forecast and that are
//! scored — is one really better, or lucky?

use clap::Args;

use super::filters::Filters;
use super::Ctx;
use crate::render;
use crate::report;
use crate::score::{self, Comparison};

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first forecaster.
    pub a: String,
    /// The second forecaster.
    pub b: String,
    #[command(flatten)]
    pub filters: Filters,
    /// Print JSON instead of a table.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CompareFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CompareFormat {
    Table,
    Json,
}

#[derive(serde::Serialize)]
struct CompareJson<'a> {
    a: &'a str,
    b: &'a str,
    rule: score::Rule,
    as_of: Option<chrono::NaiveDate>,
    #[serde(flatten)]
    comparison: &'a Comparison,
}

pub fn run(args: CompareArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let a = crate::domain::validate::forecaster("A", &args.a)?;
    let b = crate::domain::validate::forecaster("B", &args.b)?;
    if a == b {
        return Err(crate::domain::InputError::new(
            "B",
            &args.b,
            &format!("expected a forecaster other than A ('{a}')"),
        )
        .into());
    }
    let args = CompareArgs { a, b, ..args };
    let mut filters = args.filters.clone();
    filters.forecasters = vec![args.a.clone(), args.b.clone()];
    let q = filters.query(ctx)?;
    let store = ctx.open()?;
    let db = store.read()?;
    report::check_filters(&db, &q)?;
    let scoring = report::load(&db, &q)?;
    let c = score::compare(scoring.items.iter().map(|i| &i.score), &args.a, &args.b);
    if args.format == CompareFormat::Json {
        return render::json(&CompareJson {
            a: &args.a,
            b: &args.b,
            rule: q.rule,
            as_of: q.as_of,
            comparison: &c,
        });
    }
    let mut t = render::table::new(&[
        "",
        &render::truncate(&args.a, 20),
        &render::truncate(&args.b, 20),
    ]);
    t.add_row(vec![
        "mean Brier".to_string(),
        render::metric(c.brier_a),
        render::metric(c.brier_b),
    ]);
    t.add_row(vec![
        "mean log loss".to_string(),
        render::metric(c.log_loss_a),
        render::metric(c.log_loss_b),
    ]);
    t.add_row(vec![
        "claims won".to_string(),
        c.a_better.to_string(),
        c.b_better.to_string(),
    ]);
    let mut text = format!(
        "{} · {} claims both forecast and scored ({} ties)\n",
        q.describe(),
        c.n,
        c.ties
    );
    text.push_str(&render::table::render(&t));
    text.push_str(&verdict(&args.a, &args.b, &c));
    text.push('\n');
    render::out(&text)?;
    Ok(())
}

/// A plain-words reading of the paired difference and its interval.
fn verdict(a: &str, b: &str, c: &Comparison) -> String {
    match (c.mean_diff, c.ci_low, c.ci_high) {
        (None, _, _) => "no claim both forecast has been scored yet".to_string(),
        (Some(d), Some(lo), Some(hi)) => {
            let better = if d < 0.0 { a } else { b };
            let head = format!(
                "mean Brier difference ({a} − {b}) {d:+.3}, 95% interval {lo:+.3} to {hi:+.3} (normal approximation)"
            );
            if lo > 0.0 || hi < 0.0 {
                format!("{head}: {better} is better beyond what luck would explain")
            } else {
                format!("{head}: the interval includes 0, so the difference could be luck")
            }
        }
        (Some(d), _, _) => format!(
            "mean Brier difference ({a} − {b}) {d:+.3} on a single claim: too few to tell skill from luck"
        ),
    }
}
