//! `hindsight source add | list | show`: the articles claims are read in.

use clap::{Args, Subcommand};
use comfy_table::Cell;

use super::{read_text_arg, Ctx};
use crate::domain::{parse, Source};
use crate::ledger;
use crate::render;
use crate::store::Table;

#[derive(Debug, Subcommand)]
pub enum SourceCmd {
    /// Record a source; prints its new key.
    Add(AddArgs),
    /// List the recorded sources.
    List {
        /// Print JSON (an array of sources, without their texts).
        #[arg(long)]
        json: bool,
    },
    /// Show one source with its metadata and claims.
    Show {
        /// The source's key.
        key: String,
        /// Print JSON (an object, text included).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The article's title.
    #[arg(long)]
    pub title: String,
    /// An author; repeat for several, in byline order.
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    #[arg(long)]
    pub publisher: Option<String>,
    #[arg(long)]
    pub url: Option<String>,
    /// Publication date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub published: Option<String>,
    /// A file with the article's full text ("-" for standard input); stored with its SHA-256.
    #[arg(long, value_name = "FILE")]
    pub text: Option<String>,
    /// A key of your choosing (default: s1, s2, …).
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(cmd: SourceCmd, ctx: &Ctx) -> anyhow::Result<()> {
    match cmd {
        SourceCmd::Add(a) => add(a, ctx),
        SourceCmd::List { json } => list(ctx, json),
        SourceCmd::Show { key, json } => show(ctx, &key, json),
    }
}

fn add(a: AddArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let published = a
        .published
        .as_deref()
        .map(|s| parse::date("--published", s))
        .transpose()?;
    let text = a
        .text
        .as_deref()
        .map(|p| read_text_arg("--text", p))
        .transpose()?;
    let mut store = ctx.open()?;
    let source = store.write(|db| -> anyhow::Result<Source> {
        let key = match &a.key {
            Some(k) => k.clone(),
            None => db.next_key("s", Table::Sources)?,
        };
        Ok(ledger::record_source(
            db,
            Source {
                key,
                title: a.title.trim().to_string(),
                authors: a.authors.iter().map(|s| s.trim().to_string()).collect(),
                publisher: a.publisher.clone(),
                url: a.url.clone(),
                published,
                text,
                text_sha256: None,
                recorded_at: ctx.now,
                recorded_by: None,
            },
        )?)
    })?;
    render::out(&source.key)?;
    Ok(())
}

/// A source as listed: everything but the text itself.
#[derive(serde::Serialize)]
struct SourceSummary<'a> {
    key: &'a str,
    title: &'a str,
    authors: &'a [String],
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    published: Option<chrono::NaiveDate>,
    has_text: bool,
    text_sha256: Option<&'a str>,
    recorded_at: chrono::DateTime<chrono::Utc>,
    recorded_by: Option<&'a str>,
}

fn summary(s: &Source) -> SourceSummary<'_> {
    SourceSummary {
        key: &s.key,
        title: &s.title,
        authors: &s.authors,
        publisher: s.publisher.as_deref(),
        url: s.url.as_deref(),
        published: s.published,
        has_text: s.text.is_some(),
        text_sha256: s.text_sha256.as_deref(),
        recorded_at: s.recorded_at,
        recorded_by: s.recorded_by.as_deref(),
    }
}

fn list(ctx: &Ctx, json: bool) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let sources = store.read()?.sources()?;
    if json {
        return render::json(&sources.iter().map(summary).collect::<Vec<_>>());
    }
    let mut t = render::table::new(&["KEY", "PUBLISHED", "TITLE", "AUTHORS", "PUBLISHER"]);
    for s in &sources {
        t.add_row(vec![
            Cell::new(&s.key),
            Cell::new(s.published.map(parse::format_date).unwrap_or_default()),
            Cell::new(render::truncate(&s.title, 40)),
            Cell::new(render::truncate(&s.authors.join(", "), 20)),
            Cell::new(render::truncate(s.publisher.as_deref().unwrap_or(""), 16)),
        ]);
    }
    render::out(&render::table::render(&t))?;
    Ok(())
}

fn show(ctx: &Ctx, key: &str, json: bool) -> anyhow::Result<()> {
    let store = ctx.open()?;
    let db = store.read()?;
    let s = ledger::source(&db, "source", key)?;
    let claims = db.list(&crate::store::ClaimFilter {
        source: Some(s.key.clone()),
        ..Default::default()
    })?;
    if json {
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            source: &'a Source,
            claims: Vec<&'a str>,
        }
        return render::json(&Shown {
            source: &s,
            claims: claims.iter().map(|c| c.key.as_str()).collect(),
        });
    }
    let mut lines = vec![
        format!("{}  {}", s.key, s.title),
        format!(
            "authors:    {}",
            if s.authors.is_empty() {
                "–".into()
            } else {
                s.authors.join(", ")
            }
        ),
        format!("publisher:  {}", s.publisher.as_deref().unwrap_or("–")),
        format!("url:        {}", s.url.as_deref().unwrap_or("–")),
        format!(
            "published:  {}",
            s.published
                .map(parse::format_date)
                .unwrap_or_else(|| "–".into())
        ),
        match (&s.text, &s.text_sha256) {
            (Some(t), Some(h)) => {
                format!("text:       {} characters, sha256 {h}", t.chars().count())
            }
            _ => "text:       not stored".to_string(),
        },
        format!("recorded:   {}", render::time(s.recorded_at)),
        format!(
            "by:         {}",
            render::truncate(s.recorded_by.as_deref().unwrap_or("–"), 40)
        ),
        format!("claims:     {}", claims.len()),
    ];
    for c in &claims {
        lines.push(format!(
            "  {}  {}",
            c.key,
            render::truncate(&c.statement, 80)
        ));
    }
    render::out(&lines.join("\n"))?;
    Ok(())
}
