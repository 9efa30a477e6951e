//! `hindsight extract`: proposes the checkable predictions in an article, with the
//! probability their wording implies, as draft records to edit and then import.

use std::io::IsTerminal;

use clap::Args;
use comfy_table::Cell;

use super::{read_text_arg, Ctx};
use crate::domain::parse::{self, format_date, format_time, start_of_day};
use crate::extract::{self, flags, Candidate, Lexicon};
use crate::interchange::{ClaimRecord, ForecastRecord};
use crate::render;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExtractFormat {
    /// Ranked, for reading.
    Table,
    /// Draft claim and forecast records in the import format.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The article's text file, or "-" for standard input.
    pub file: String,
    /// The ledger source the article is (its key prefixes the drafts' keys; its date and
    /// first author are used unless given here).
    #[arg(long, value_name = "KEY")]
    pub source: Option<String>,
    /// Publication date, the anchor of "next year", "within months" and the default horizon.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// Default: jsonl when stdout is not a terminal, else table.
    #[arg(long, value_enum)]
    pub format: Option<ExtractFormat>,
    /// Leave out candidates scoring below this (0 to 1; default 0.3). The score is calibrated: about
    /// that share of the candidates at a score are real predictions.
    #[arg(long, value_name = "S", conflicts_with = "all")]
    pub min_score: Option<String>,
    /// Show every candidate, however weak (the same as --min-score 0).
    #[arg(long)]
    pub all: bool,
    /// Use this lexicon CSV instead of the built-in one (columns phrase,point,low,high,source,kind).
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<String>,
}

/// What the draft records carry beyond the import format's fields (import ignores it).
#[derive(serde::Serialize)]
struct Details<'a> {
    sentence: &'a str,
    span: extract::Span,
    quote_span: extract::Span,
    cues: &'a [extract::Cue],
    phrase: &'a Option<extract::PhraseReading>,
    p_low: Option<f64>,
    p_high: Option<f64>,
    speaker: &'a Option<String>,
    horizon_text: &'a Option<String>,
    flags: &'a [String],
    score: f64,
}

#[derive(serde::Serialize)]
struct DraftClaim<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    claim: ClaimRecord,
    extract: Details<'a>,
}

#[derive(serde::Serialize)]
struct DraftForecast {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    forecast: ForecastRecord,
}

pub fn run(a: ExtractArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let text = read_text_arg("FILE", &a.file)?;
    let lexicon = match &a.lexicon {
        Some(path) => {
            let csv = read_text_arg("--lexicon", path)?;
            Lexicon::from_csv(&csv)
                .map_err(|e| crate::error::Refused(format!("--lexicon: {path}: {e}")))?
        }
        None => Lexicon::builtin(),
    };
    let min_score = a
        .min_score
        .as_deref()
        .map(|s| parse::probability("--min-score", s))
        .transpose()?;
    let source = match &a.source {
        Some(key) => {
            let store = ctx.open()?;
            let db = store.read()?;
            Some(crate::ledger::source(&db, "--source", key)?)
        }
        None => None,
    };
    let published = match (&a.published, source.as_ref().and_then(|s| s.published)) {
        (Some(d), _) => parse::date("--published", d)?,
        (None, Some(d)) => d,
        (None, None) => {
            render::note(&format!(
                "warning: no --published date (nor a dated --source): horizons are counted from today, {}",
                format_date(ctx.today())
            ));
            ctx.today()
        }
    };
    let mut candidates = extract::extract(&text, published, &lexicon);
    let min = match (a.all, min_score) {
        (true, _) => 0.0,
        (false, Some(m)) => m,
        (false, None) => extract::DEFAULT_MIN_SCORE,
    };
    let found = candidates.len();
    extract::keep_above(&mut candidates, min);
    let hidden = found - candidates.len();
    if hidden > 0 {
        render::note(&format!(
            "{hidden} weaker candidate(s) below score {min} hidden; --all shows them"
        ));
    }
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() {
        ExtractFormat::Table
    } else {
        ExtractFormat::Jsonl
    });
    let prefix = match &source {
        Some(s) => s.key.clone(),
        None => format!("draft-{}", &crate::ledger::sha256_hex(&text)[..8]),
    };
    let author = source
        .as_ref()
        .and_then(|s| s.authors.first().cloned())
        .unwrap_or_else(|| "author".to_string());
    match format {
        ExtractFormat::Table => render::out(&table(&candidates)),
        ExtractFormat::Jsonl => {
            // Streamed: the drafts of a large text run to several times its size.
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            jsonl(
                &mut out,
                &candidates,
                &prefix,
                source.as_ref().map(|s| s.key.as_str()),
                &author,
                published,
            )?;
            std::io::Write::flush(&mut out)
        }
    }?;
    if candidates.is_empty() {
        render::note("no candidate predictions found");
    }
    Ok(())
}

fn jsonl(
    out: &mut dyn std::io::Write,
    candidates: &[Candidate],
    prefix: &str,
    source: Option<&str>,
    author: &str,
    published: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let key = |id: &str| format!("{prefix}-{id}");
    for c in candidates {
        let draft = DraftClaim {
            kind: "claim",
            claim: ClaimRecord {
                key: key(&c.id),
                statement: c.statement.clone(),
                resolve_by: format_date(c.resolve_by),
                opens_at: None,
                closes_at: None,
                source: source.map(str::to_string),
                condition: c.condition.as_deref().map(key),
                quote: Some(c.quote.clone()),
                criteria: None,
                tags: Vec::new(),
                created_at: None,
                recorded_at: None,
                recorded_by: None,
            },
            extract: Details {
                sentence: &c.sentence,
                span: c.span,
                quote_span: c.quote_span,
                cues: &c.cues,
                phrase: &c.phrase,
                p_low: c.p_low,
                p_high: c.p_high,
                speaker: &c.speaker,
                horizon_text: &c.horizon_text,
                flags: &c.flags,
                score: c.score,
            },
        };
        serde_json::to_writer(&mut *out, &draft)?;
        out.write_all(b"\n")?;
    }
    // Forecasts after all claims, so that the file imports in order.
    for c in candidates {
        let Some(p) = c.p else { continue };
        let phrase = c
            .phrase
            .as_ref()
            .map(|ph| {
                format!(
                    "implied by \"{}\" ({} {}, {})",
                    ph.text,
                    ph.entry,
                    render::percent(ph.point),
                    ph.source
                )
            })
            .unwrap_or_else(|| "implied by its wording".to_string());
        // Someone else's view is never the author's: an unnamed speaker ("they said") gets a
        // forecaster of its own.
        let forecaster = match &c.speaker {
            Some(s) => s.clone(),
            None if c.has_flag(flags::REPORTED_SPEECH) => {
                format!("unnamed source, reported by {author}")
            }
            None => author.to_string(),
        };
        let note = match &c.speaker {
            Some(s) => format!("{phrase}; said by {s}, reported by the author"),
            None if c.has_flag(flags::REPORTED_SPEECH) => {
                format!("{phrase}; said by someone the article does not name")
            }
            None => phrase,
        };
        let forecast = DraftForecast {
            kind: "forecast",
            forecast: ForecastRecord {
                claim: key(&c.id),
                forecaster,
                p,
                made_at: format_time(start_of_day(published)),
                note: Some(note),
                recorded_at: None,
                recorded_by: None,
            },
        };
        serde_json::to_writer(&mut *out, &forecast)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn table(candidates: &[Candidate]) -> String {
    let mut t = render::table::new(&["ID", "SCORE", "P", "BY", "STATEMENT", "FLAGS"]);
    for c in candidates {
        let p = match (c.p, c.has_flag(flags::HEDGE_ONLY)) {
            (Some(p), _) => render::percent(p),
            (None, true) => "hedge".to_string(),
            (None, false) => "–".to_string(),
        };
        let mut statement = c.statement.clone();
        if let Some(cond) = &c.condition {
            statement = format!("{statement} [if {cond}]");
        }
        t.add_row(vec![
            Cell::new(&c.id),
            Cell::new(format!("{:.2}", c.score)),
            Cell::new(p),
            Cell::new(format_date(c.resolve_by)),
            Cell::new(render::truncate(&statement, 44)),
            Cell::new(render::truncate(&c.flags.join(","), 18)),
        ]);
    }
    render::table::render(&t)
}
