//! Writes a synthetic research-programme ledger in the JSON Lines interchange format, for
//! benchmarks: `cargo run --release --example gen_ledger -- --forecasts 100000 --seed 1`.
//!
//! The same size and seed always give the same bytes. Sizes follow the forecast count:
//! claims = forecasts / 10, forecasters = min(1000, forecasts / 100), sources = claims / 20.
//!
//! What the ledger looks like:
//! - claims spread evenly in time from 2016 to the pinned "now" (2026-06-01), each due
//!   30 days to four years after it was recorded, most with a source and one to three tags;
//! - about 2% conditional on an earlier claim;
//! - every claim past its deadline is resolved (but 0.5% left overdue), a tenth of the rest
//!   resolved early, so about 80% in all; of the resolved, 2% annulled, 1% ambiguous and
//!   1% resolved a second time (a correction);
//! - several forecasters per claim, each revising a few times toward the outcome, with
//!   forecasters of varied skill and popularity; 5% of claims are backfilled (recorded
//!   long after the forecasts were said to be made);
//! - a fifth of sources carry their text, and claims read in them quote one of its
//!   sentences word for word; other claims' quotes are absent or free-standing.
//!
//! Records come out as `hindsight export` writes them: sources, claims, forecasts (in
//! recording order, so claims interleave as in a real ledger) and resolutions.
//!
//! `--shape wide` writes a ledger of another shape, the one a user importing a platform's
//! data might have: nearly every forecast its own (claim, forecaster) pair (one forecast
//! each, about ten forecasters per claim), claims = forecasts / 10, 1,000 forecasters, 500
//! sources, 80% of claims resolved and the other 20% open past their resolve-by date.
//!
//! `--prose BYTES` writes plain article-like text of about that size instead (input for
//! `hindsight extract`).

use std::io::{BufWriter, Write};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hindsight::interchange::{ClaimRecord, ForecastRecord, Record, ResolutionRecord, SourceRecord};

/// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014; constants as in Vigna's public-domain reference code): small, fast and
/// good enough for synthetic data. Not for anything that must be unpredictable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [lo, hi] (inclusive).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

const TAGS: [&str; 40] = [
    "economy",
    "inflation",
    "elections",
    "europe",
    "us",
    "china",
    "russia",
    "ukraine",
    "middle-east",
    "africa",
    "india",
    "latin-america",
    "energy",
    "climate",
    "ai",
    "tech",
    "health",
    "pandemic",
    "trade",
    "sanctions",
    "defence",
    "nuclear",
    "space",
    "markets",
    "housing",
    "labour",
    "migration",
    "courts",
    "legislation",
    "diplomacy",
    "conflict",
    "science",
    "education",
    "transport",
    "food",
    "water",
    "crypto",
    "media",
    "sport",
    "culture",
];
const SUBJECTS: [&str; 24] = [
    "The central bank",
    "The government",
    "The opposition",
    "Parliament",
    "The EU",
    "The United States",
    "China",
    "India",
    "Brazil",
    "The IMF",
    "OPEC",
    "The WHO",
    "The Supreme Court",
    "The ruling party",
    "Inflation",
    "Unemployment",
    "The budget deficit",
    "Oil prices",
    "Carbon emissions",
    "The currency",
    "GDP growth",
    "The housing market",
    "Voter turnout",
    "The ceasefire",
];
const PREDICATES: [&str; 20] = [
    "raises interest rates",
    "cuts taxes",
    "passes the reform bill",
    "signs the trade deal",
    "falls below three percent",
    "exceeds its target",
    "holds a referendum",
    "lifts the sanctions",
    "announces new tariffs",
    "wins a majority",
    "calls an early election",
    "approves the merger",
    "reaches a new record",
    "collapses",
    "is extended for a year",
    "is ruled unconstitutional",
    "doubles",
    "stays within the agreed limit",
    "returns to pre-crisis levels",
    "is renegotiated",
];
const PUBLISHERS: [&str; 30] = [
    "The Daily Ledger",
    "Policy Review",
    "The Economist-like Weekly",
    "Global Affairs Quarterly",
    "Metro Times",
    "The Morning Post",
    "Think Tank Brief",
    "Research Notes",
    "The Observer Desk",
    "Foreign Policy Digest",
    "Markets Today",
    "The Evening Standard-ish",
    "Civic Journal",
    "Science Weekly",
    "Energy Monitor",
    "Trade Bulletin",
    "The Analyst",
    "Regional Herald",
    "Capital Letters",
    "The Long View",
    "Defence Review",
    "Health Affairs Brief",
    "The Bulletin",
    "Tech Currents",
    "Climate Watch",
    "The Forecast",
    "Law and Order Review",
    "Campus Voice",
    "The Narrative",
    "Statistics Quarterly",
];
const FIRST: [&str; 20] = [
    "alice", "bob", "chen", "dana", "emeka", "farah", "goran", "hana", "ivan", "jun", "kofi",
    "lena", "mateo", "nadia", "omar", "priya", "quinn", "rosa", "sven", "tariq",
];
const NOTES: [&str; 8] = [
    "base rate from similar cases",
    "revised after the latest polling",
    "new statement from officials",
    "market prices moved",
    "following the court hearing",
    "draft text leaked",
    "expert survey median",
    "gut feeling",
];
const HEDGES: [&str; 6] = [
    "likely",
    "very likely",
    "probable",
    "almost certain",
    "possible",
    "unlikely",
];

/// The pinned "now" the benchmark runs under (HINDSIGHT_NOW).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0)
        .single()
        .expect("valid time")
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2016, 1, 1, 0, 0, 0)
        .single()
        .expect("valid time")
}

fn time_str(t: DateTime<Utc>) -> String {
    hindsight::domain::parse::format_time(t)
}

fn date_str(d: NaiveDate) -> String {
    hindsight::domain::parse::format_date(d)
}

struct Args {
    forecasts: u64,
    seed: u64,
    out: Option<String>,
    prose: Option<u64>,
    wide: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: gen_ledger --forecasts N [--shape deep|wide] [--seed S] [--out FILE]\n       gen_ledger --prose BYTES [--seed S] [--out FILE]"
    );
    std::process::exit(2)
}

fn args() -> Args {
    let mut a = Args {
        forecasts: 0,
        seed: 1,
        out: None,
        prose: None,
        wide: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage());
        let number = |s: String| {
            s.replace('_', "")
                .parse::<u64>()
                .unwrap_or_else(|_| usage())
        };
        match flag.as_str() {
            "--forecasts" => a.forecasts = number(value()),
            "--seed" => a.seed = number(value()),
            "--out" => a.out = Some(value()),
            "--prose" => a.prose = Some(number(value())),
            "--shape" => {
                a.wide = match value().as_str() {
                    "wide" => true,
                    "deep" => false,
                    _ => usage(),
                }
            }
            _ => usage(),
        }
    }
    if a.forecasts == 0 && a.prose.is_none() {
        usage()
    }
    a
}

/// A subject in the middle of a sentence ("the central bank", but "China").
fn inner(subject: &str) -> String {
    match subject.strip_prefix("The ") {
        Some(rest) => format!("the {rest}"),
        None => subject.to_string(),
    }
}

/// One sentence of made-up reporting, sometimes with a hedged prediction in it.
fn sentence(rng: &mut Rng) -> String {
    let subject = rng.pick(&SUBJECTS);
    let predicate = rng.pick(&PREDICATES);
    match rng.range(0, 4) {
        0 => format!(
            "It is {} that {} {predicate} by {}.",
            rng.pick(&HEDGES),
            inner(subject),
            rng.range(2017, 2030)
        ),
        1 => format!(
            "Officials said on Tuesday that {} {predicate} this year.",
            inner(subject)
        ),
        2 => format!(
            "According to analysts, the chance that {} {predicate} is about {} percent.",
            inner(subject),
            rng.range(5, 95)
        ),
        3 => format!("{subject} {predicate}, the report said."),
        _ => format!(
            "Critics doubt that {} {predicate} before the election.",
            inner(subject)
        ),
    }
}

fn prose(rng: &mut Rng, bytes: u64, out: &mut dyn Write) -> std::io::Result<()> {
    let mut written = 0u64;
    while written < bytes {
        let mut para = String::new();
        for _ in 0..rng.range(3, 8) {
            para.push_str(&sentence(rng));
            para.push(' ');
        }
        para.pop();
        para.push_str("\n\n");
        written += para.len() as u64;
        out.write_all(para.as_bytes())?;
    }
    Ok(())
}

/// A claim's statement: a subject, a predicate and its deadline.
fn statement(rng: &mut Rng, resolve_by: NaiveDate) -> String {
    format!(
        "{} {} by {}.",
        rng.pick(&SUBJECTS),
        rng.pick(&PREDICATES),
        date_str(resolve_by)
    )
}

/// A forecast as the generator keeps it before writing (compact: a million of these are
/// sorted by recording time).
struct F {
    claim: u32,
    forecaster: u16,
    note: u8,
    p: f64,
    made_at: i64,
    recorded_at: i64,
}

struct R {
    claim: u32,
    outcome: &'static str,
    resolved_on: NaiveDate,
    recorded_at: i64,
    evidence: bool,
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().expect("time in range")
}

fn main() -> std::io::Result<()> {
    let a = args();
    let mut rng = Rng(a.seed ^ 0x5eed_0f1e_d6e5);
    let sink: Box<dyn Write> = match &a.out {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(1 << 16, sink);
    if let Some(bytes) = a.prose {
        prose(&mut rng, bytes, &mut out)?;
        return out.flush();
    }
    if a.wide {
        wide(&mut rng, a.forecasts, &mut out)?;
        return out.flush();
    }

    let n_forecasts = a.forecasts;
    let n_claims = (n_forecasts / 10).max(1);
    let n_forecasters = (n_forecasts / 100).clamp(2, 1000) as usize;
    let n_sources = (n_claims / 20).max(1);
    let now = now();
    let t0 = start();
    let span = (now - Duration::days(2) - t0).num_seconds();

    let line = |out: &mut BufWriter<Box<dyn Write>>, r: Record| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")
    };

    // Forecasters: a name, a skill (noise of their forecasts) and a popularity weight.
    let forecasters: Vec<(String, f64)> = (0..n_forecasters)
        .map(|i| {
            let name = format!("{}-{:04}", FIRST[i % FIRST.len()], i);
            (name, 0.05 + 0.25 * rng.unit())
        })
        .collect();

    // Sources, evenly spread in time.
    let mut source_text: Vec<Option<Vec<String>>> = Vec::with_capacity(n_sources as usize);
    let mut source_published: Vec<DateTime<Utc>> = Vec::with_capacity(n_sources as usize);
    for j in 0..n_sources {
        let published = at(t0.timestamp() + (j as i64 * span) / n_sources as i64);
        let sentences: Option<Vec<String>> = rng
            .chance(0.2)
            .then(|| (0..rng.range(6, 14)).map(|_| sentence(&mut rng)).collect());
        let n_authors = rng.range(1, 2);
        let authors = (0..n_authors)
            .map(|_| {
                format!(
                    "{} {}",
                    rng.pick(&FIRST),
                    rng.pick(&["smith", "ng", "okafor", "garcia", "novak", "khan", "ito", "berg"])
                )
            })
            .collect();
        let key = format!("src-{j:05}");
        let text = sentences.as_ref().map(|s| s.join(" "));
        line(
            &mut out,
            Record::Source(SourceRecord {
                title: format!("{} on {}", rng.pick(&PUBLISHERS), rng.pick(&TAGS)),
                authors,
                publisher: Some(rng.pick(&PUBLISHERS).to_string()),
                url: Some(format!("https://example.org/articles/{key}")),
                published: Some(date_str(published.date_naive())),
                text_sha256: text.as_deref().map(hindsight::ledger::sha256_hex),
                text,
                recorded_at: Some(time_str(published + Duration::hours(rng.range(1, 48)))),
                recorded_by: None,
                key,
            }),
        )?;
        source_text.push(sentences);
        source_published.push(published);
    }

    // Claims, their outcomes and forecasts.
    let mut forecasts: Vec<F> = Vec::with_capacity(n_forecasts as usize);
    let mut resolutions: Vec<R> = Vec::new();
    let mut remaining = n_forecasts;
    for i in 0..n_claims {
        let created = at(t0.timestamp() + (i as i64 * span) / n_claims as i64 + rng.range(0, 3600));
        let horizon = rng.range(30, 1460);
        let resolve_by = (created + Duration::days(horizon)).date_naive();
        let deadline_end = resolve_by.and_hms_opt(23, 59, 59).expect("valid").and_utc();
        // Whether and when it resolves.
        let truth = 0.03 + 0.94 * rng.unit();
        let resolved_on: Option<NaiveDate> = if deadline_end < now - Duration::days(14) {
            if rng.chance(0.005) {
                None // overdue: nobody resolved it yet
            } else if rng.chance(0.1) {
                Some((created + Duration::days(rng.range(1, horizon))).date_naive())
            } else {
                let late = (resolve_by + Duration::days(rng.range(0, 60)))
                    .min((now - Duration::days(1)).date_naive());
                Some(late)
            }
        } else if rng.chance(0.1) {
            let days = rng.range(1, (now - created).num_days().max(1));
            Some((created + Duration::days(days)).date_naive()).filter(|d| *d < now.date_naive())
        } else {
            None
        };
        let yes = rng.chance(truth);
        if let Some(on) = resolved_on {
            let roll = rng.unit();
            let outcome = if roll < 0.02 {
                "annulled"
            } else if roll < 0.03 {
                "ambiguous"
            } else if yes {
                "yes"
            } else {
                "no"
            };
            let recorded = (on.and_hms_opt(9, 0, 0).expect("valid").and_utc()
                + Duration::seconds(rng.range(0, 3 * 86400)))
            .min(now);
            resolutions.push(R {
                claim: i as u32,
                outcome,
                resolved_on: on,
                recorded_at: recorded.timestamp(),
                evidence: rng.chance(0.7),
            });
            if rng.chance(0.01) {
                // A correction recorded later, dated later.
                let on2 = (on + Duration::days(rng.range(1, 20))).min(now.date_naive());
                let flipped = match outcome {
                    "yes" => "no",
                    "no" => "yes",
                    _ => "yes",
                };
                resolutions.push(R {
                    claim: i as u32,
                    outcome: flipped,
                    resolved_on: on2,
                    recorded_at: (recorded + Duration::days(21)).min(now).timestamp(),
                    evidence: true,
                });
            }
        }

        // Its source: the one published most recently before it was recorded.
        let source_idx = (i * n_sources / n_claims) as usize;
        let has_source = rng.chance(0.9) && source_published[source_idx] <= created;
        let quote = if has_source {
            match &source_text[source_idx] {
                Some(s) if rng.chance(0.6) => Some(rng.pick(s).clone()),
                Some(_) => None,
                None => rng.chance(0.3).then(|| sentence(&mut rng)),
            }
        } else {
            None
        };
        let mut tags: Vec<String> = (0..rng.range(1, 3))
            .map(|_| rng.pick(&TAGS).to_string())
            .collect();
        tags.sort();
        tags.dedup();
        let condition = (i > 0 && rng.chance(0.02))
            .then(|| format!("clm-{:06}", i.saturating_sub(rng.range(1, 50) as u64)));
        let backfilled = rng.chance(0.05);
        let recorded_at = if backfilled {
            created + Duration::days(rng.range(30, 700))
        } else {
            created
        }
        .min(now);
        line(
            &mut out,
            Record::Claim(ClaimRecord {
                key: format!("clm-{i:06}"),
                statement: statement(&mut rng, resolve_by),
                resolve_by: date_str(resolve_by),
                opens_at: None,
                closes_at: None,
                source: has_source.then(|| format!("src-{source_idx:05}")),
                condition,
                quote,
                criteria: rng
                    .chance(0.5)
                    .then(|| "Yes if an official statistic or two major outlets confirm it by the deadline.".to_string()),
                tags,
                created_at: Some(time_str(created)),
                recorded_at: Some(time_str(recorded_at)),
                recorded_by: None,
            }),
        )?;

        // How many forecasts this claim gets: about ten, the total exact.
        let left_claims = n_claims - i - 1;
        let count = if left_claims == 0 {
            remaining
        } else {
            let want = rng.range(3, 17) as u64;
            want.min(remaining.saturating_sub(left_claims))
                .max(remaining.saturating_sub(left_claims * 17).min(remaining))
        };
        remaining -= count;
        if count == 0 {
            continue;
        }
        // Forecasts fall between the claim's creation and the day it resolved (or now).
        let window_end = match resolved_on {
            Some(d) => d.and_hms_opt(0, 0, 0).expect("valid").and_utc() - Duration::seconds(1),
            None => now,
        };
        let window = (window_end - created).num_seconds().max(1);
        let people =
            ((count as f64 / 2.5).round() as usize).clamp(1, n_forecasters.min(count as usize));
        let mut chosen: Vec<u16> = Vec::with_capacity(people);
        while chosen.len() < people {
            // Popularity: a few forecasters forecast far more than the rest.
            let u = rng.unit();
            let who = ((u * u) * n_forecasters as f64) as u16;
            if !chosen.contains(&who) {
                chosen.push(who);
            }
        }
        let outcome_value = if yes { 1.0 } else { 0.0 };
        for (k, &who) in chosen.iter().enumerate() {
            // Share the claim's forecasts out among its forecasters.
            let mine = count as usize / people + usize::from(k < count as usize % people);
            let noise = forecasters[who as usize].1;
            let mut p = (truth + noise * rng.normal()).clamp(0.01, 0.99);
            let mut times: Vec<i64> = (0..mine).map(|_| rng.range(0, window - 1)).collect();
            times.sort_unstable();
            for t in times {
                let made = created.timestamp() + t;
                let rec = if backfilled {
                    recorded_at.timestamp().max(made)
                } else {
                    (made + rng.range(0, 3600)).min(now.timestamp())
                };
                forecasts.push(F {
                    claim: i as u32,
                    forecaster: who,
                    note: if rng.chance(0.1) {
                        rng.range(1, NOTES.len() as i64) as u8
                    } else {
                        0
                    },
                    p: (p * 100.0).round() / 100.0,
                    made_at: made,
                    recorded_at: rec,
                });
                // A revision drifts toward what will happen.
                p = (p + 0.15 * (outcome_value - p) + 0.05 * rng.normal()).clamp(0.01, 0.99);
            }
        }
    }

    forecasts.sort_by_key(|f| (f.recorded_at, f.claim, f.made_at));
    let names: Vec<&str> = forecasters.iter().map(|f| f.0.as_str()).collect();
    write_forecasts_and_resolutions(&mut out, &forecasts, &names, resolutions)?;
    out.flush()
}

/// The wide shape (see the top of this file): one forecast per (claim, forecaster) pair.
fn wide(rng: &mut Rng, n_forecasts: u64, out: &mut dyn Write) -> std::io::Result<()> {
    let n_claims = (n_forecasts / 10).max(1);
    let n_forecasters = 1000u64;
    let n_sources = n_claims.min(500);
    let now = now();
    let t0 = start();
    // Every claim is due before now: 80% resolved, the rest overdue.
    let span = (now - Duration::days(760) - t0).num_seconds();
    let mut line = |r: Record| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")
    };
    let forecaster = |i: u64| format!("{}-{:04}", FIRST[i as usize % FIRST.len()], i);
    for j in 0..n_sources {
        let published = at(t0.timestamp() + (j as i64 * span) / n_sources as i64);
        line(Record::Source(SourceRecord {
            key: format!("src-{j:05}"),
            title: format!("{} on {}", rng.pick(&PUBLISHERS), rng.pick(&TAGS)),
            authors: vec![format!(
                "{} {}",
                rng.pick(&FIRST),
                rng.pick(&["smith", "ng", "okafor"])
            )],
            publisher: Some(rng.pick(&PUBLISHERS).to_string()),
            url: None,
            published: Some(date_str(published.date_naive())),
            text: None,
            text_sha256: None,
            recorded_at: Some(time_str(published)),
            recorded_by: None,
        }))?;
    }
    let mut forecasts: Vec<F> = Vec::with_capacity(n_forecasts as usize);
    let mut resolutions: Vec<R> = Vec::new();
    let mut remaining = n_forecasts;
    for i in 0..n_claims {
        // Sources are spread evenly; each claim comes from the one published just before.
        let source = i * n_sources / n_claims;
        let created =
            at(t0.timestamp() + (source as i64 * span) / n_sources as i64 + rng.range(0, 86_400));
        let resolve_by = (created + Duration::days(rng.range(30, 700))).date_naive();
        let truth = 0.03 + 0.94 * rng.unit();
        let yes = rng.chance(truth);
        let resolved_on = rng
            .chance(0.8)
            .then(|| resolve_by - Duration::days(rng.range(0, 20)));
        let resolved_on = resolved_on.filter(|d| *d > created.date_naive());
        line(Record::Claim(ClaimRecord {
            key: format!("clm-{i:06}"),
            statement: statement(rng, resolve_by),
            resolve_by: date_str(resolve_by),
            opens_at: None,
            closes_at: None,
            source: Some(format!("src-{source:05}")),
            condition: None,
            quote: None,
            criteria: None,
            tags: vec![rng.pick(&TAGS).to_string()],
            created_at: Some(time_str(created)),
            recorded_at: Some(time_str(created)),
            recorded_by: None,
        }))?;
        if let Some(on) = resolved_on {
            resolutions.push(R {
                claim: i as u32,
                outcome: if yes { "yes" } else { "no" },
                resolved_on: on,
                recorded_at: (on.and_hms_opt(9, 0, 0).expect("valid").and_utc()).timestamp(),
                evidence: false,
            });
        }
        let left = n_claims - i - 1;
        let count = if left == 0 {
            remaining
        } else {
            10.min(remaining)
        };
        remaining -= count;
        let window_end = match resolved_on {
            Some(d) => d.and_hms_opt(0, 0, 0).expect("valid").and_utc() - Duration::seconds(1),
            None => resolve_by.and_hms_opt(0, 0, 0).expect("valid").and_utc(),
        };
        let window = (window_end - created).num_seconds().max(1);
        // Distinct forecasters: consecutive ids from a random start.
        let first = rng.range(0, n_forecasters as i64 - 1) as u64;
        for k in 0..count {
            let who = ((first + k) % n_forecasters) as u16;
            let p = (truth + 0.2 * rng.normal()).clamp(0.01, 0.99);
            let made = created.timestamp() + rng.range(0, window - 1);
            forecasts.push(F {
                claim: i as u32,
                forecaster: who,
                note: 0,
                p: (p * 100.0).round() / 100.0,
                made_at: made,
                recorded_at: made,
            });
        }
    }
    forecasts.sort_by_key(|f| (f.recorded_at, f.claim, f.forecaster));
    let names: Vec<String> = (0..n_forecasters).map(forecaster).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    write_forecasts_and_resolutions(out, &forecasts, &names, resolutions)?;
    Ok(())
}

/// Writes the forecasts in the order given, then the resolutions in recording order, as
/// `hindsight export` lists them.
fn write_forecasts_and_resolutions(
    out: &mut dyn Write,
    forecasts: &[F],
    names: &[&str],
    mut resolutions: Vec<R>,
) -> std::io::Result<()> {
    let mut line = |r: Record| -> std::io::Result<()> {
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")
    };
    for f in forecasts {
        line(Record::Forecast(ForecastRecord {
            claim: format!("clm-{:06}", f.claim),
            forecaster: names[f.forecaster as usize].to_string(),
            p: f.p,
            made_at: time_str(at(f.made_at)),
            note: (f.note > 0).then(|| NOTES[f.note as usize - 1].to_string()),
            recorded_at: Some(time_str(at(f.recorded_at))),
            recorded_by: None,
        }))?;
    }
    resolutions.sort_by_key(|r| (r.recorded_at, r.claim));
    for r in &resolutions {
        line(Record::Resolution(ResolutionRecord {
            claim: format!("clm-{:06}", r.claim),
            outcome: r.outcome.to_string(),
            resolved_on: date_str(r.resolved_on),
            evidence: r
                .evidence
                .then(|| format!("https://example.org/evidence/clm-{:06}", r.claim)),
            note: None,
            recorded_at: Some(time_str(at(r.recorded_at))),
            recorded_by: None,
        }))?;
    }
    Ok(())
}
