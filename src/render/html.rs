//! The HTML report: one self-contained page (inline CSS and SVG, no scripts, no external
//! fonts, styles or images) built from plain values, so it works offline, can be mailed,
//! reads on a phone and prints.
//!
//! The module owns the page's layout, the plain-language explanation of every metric,
//! and the escaping of user text. It does no I/O: [`render`] turns an [`HtmlReport`]
//! into a `String`, and the same report always gives the same bytes. Items appear in the
//! order the caller gives them.
//!
//! The page is a [maud](https://docs.rs/maud) template, so every statement, label, title
//! and date is HTML-escaped by construction (control characters that HTML forbids are
//! replaced first); the charts are the only markup taken as is, after a check. A URL
//! becomes a link only when it starts with `http://` or `https://` (any other text is
//! shown, not linked); the page carries a Content-Security-Policy that forbids scripts
//! and every external load, as a second line of defence.

use std::borrow::Cow;

use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::{Deserialize, Serialize};

use crate::report::columns::{Value, COLUMNS};

/// Everything the page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HtmlReport {
    pub title: String,
    /// One line saying what the report covers, e.g.
    /// "rule latest, as of 2026-11-28, filters: none".
    pub generated_for: String,
    /// The scoring rule (`latest`, `first`, `time-avg`).
    pub rule: String,
    /// The as-of date, `YYYY-MM-DD`.
    pub as_of: String,
    /// How intervals and bands were drawn, e.g. "1000 resamples, seed 2021"; empty when
    /// resampling was off.
    pub resampling: String,
    /// One summary column per group (forecaster, tag, ...), in the order given.
    pub groups: Vec<HtmlGroup>,
    /// A reliability diagram from `crate::chart::calibration_svg`, inlined as is. Text
    /// that does not look like such a chart (e.g. it holds a `<script>`) is left out.
    pub calibration_svg: Option<String>,
    /// A history chart from `crate::chart::history_svg`, inlined like the calibration one.
    pub history_svg: Option<String>,
    pub sources: Vec<HtmlSource>,
    /// Claims that name no source; shown under "No source".
    pub unsourced: Vec<HtmlClaim>,
}

/// One group's figures: its key and the value of each column of
/// [`COLUMNS`](crate::report::columns::COLUMNS), in that order (the rows of the summary).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HtmlGroup {
    pub key: String,
    pub values: Vec<Value>,
}

/// A source (article, speech, ...) and the claims recorded from it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HtmlSource {
    pub title: String,
    pub url: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
    pub claims: Vec<HtmlClaim>,
}

/// One claim with its current outcome and the forecasts that count under the rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HtmlClaim {
    pub key: String,
    pub statement: String,
    /// Deadline, `YYYY-MM-DD`.
    pub resolve_by: String,
    /// `yes`, `no`, `annulled`, `ambiguous`, or `None` while open.
    pub outcome: Option<String>,
    /// A URL or a short text backing the outcome.
    pub evidence: Option<String>,
    pub forecasts: Vec<HtmlForecast>,
}

/// One forecaster's counted probability on a claim and its Brier score (when scored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HtmlForecast {
    pub forecaster: String,
    pub p: f64,
    pub brier: Option<f64>,
}

/// Inline style sheet: readable on a phone (fluid width, tables scroll sideways, the
/// metric names stay in view while scrolling) and on paper (no navigation, link targets
/// printed, rows kept whole).
const CSS: &str = r#"
:root { --ink: #1d1d1f; --muted: #5b5b66; --line: #d6d6dd; --head: #f2f2f5; --accent: #0b57a4; --yes: #11703c; --no: #a4262c; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.25rem 2rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .5rem 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .2rem; }
p { margin: .4rem 0; }
a { color: var(--accent); overflow-wrap: anywhere; }
.for { color: var(--muted); margin-top: 0; }
.facts { display: flex; flex-wrap: wrap; gap: .2rem 1.6rem; margin: .6rem 0; padding: 0; }
.facts div { display: flex; gap: .4rem; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; padding: 0; margin: .6rem 0; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .6rem 0; }
table { border-collapse: collapse; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: .35rem .55rem; text-align: left; vertical-align: top; }
thead th { background: var(--head); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.metrics th[scope=row] { position: sticky; left: 0; background: #fff; min-width: 15rem; max-width: 28rem; font-weight: normal; }
.metrics .name { display: block; font-weight: 600; }
.metrics .help { display: block; color: var(--muted); font-size: .9em; line-height: 1.35; }
.claims { width: 100%; }
.claims .statement { min-width: 16rem; max-width: 34rem; }
.claims .evidence { min-width: 9rem; max-width: 18rem; }
.key { display: block; color: var(--muted); font-size: .86em; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
tbody.claim { border-top: 2px solid #b4b4bf; }
.outcome { white-space: nowrap; }
.oc-yes { color: var(--yes); font-weight: 600; }
.oc-no { color: var(--no); font-weight: 600; }
.muted, .none { color: var(--muted); }
.source-meta { color: var(--muted); font-size: .9em; }
figure.chart { margin: 1rem 0; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
.note { color: var(--muted); font-size: .9em; }
footer { margin-top: 3rem; padding-top: .5rem; border-top: 1px solid var(--line); color: var(--muted); font-size: .85em; }
@media (max-width: 40rem) {
  body { padding: .6rem .7rem 1.5rem; font-size: 15px; }
  h1 { font-size: 1.35rem; }
  .metrics th[scope=row] { min-width: 10.5rem; }
  .claims .statement { min-width: 12rem; }
}
@media print {
  @page { margin: 1.5cm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  .scroll { overflow: visible; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
  tr, tbody.claim, figure { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  a.ext:not(.url)::after { content: " <" attr(href) ">"; color: var(--muted); font-size: .85em; overflow-wrap: anywhere; }
  .metrics th[scope=row] { position: static; }
}
"#;

/// The page for `report`. The page is a maud template: every piece of text is escaped
/// by the template engine, so markup can only come from the template itself (and from
/// the charts, which pass [`looks_like_safe_svg`] before they are inlined).
pub fn render(report: &HtmlReport) -> String {
    let title = if report.title.trim().is_empty() {
        "hindsight report"
    } else {
        report.title.as_str()
    };
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                // No script may run and nothing may be fetched, whatever ends up in the page.
                "\n" meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:";
                "\n" meta name="referrer" content="no-referrer";
                "\n" meta name="color-scheme" content="light";
                "\n" meta name="generator" content="hindsight";
                "\n" title { (clean(title)) }
                "\n" style { (PreEscaped(CSS)) }
                "\n"
            }
            "\n"
            body {
                "\n"
                (header(report, title))
                main {
                    "\n"
                    (summary(report))
                    (chart_section("calibration", "Calibration", CALIBRATION_HELP, report.calibration_svg.as_deref()))
                    (chart_section(
                        "history",
                        "Over time",
                        "The running mean Brier score as claims were resolved: lower is better, and the dashed \
                         line marks 0.25, the score of always saying 50%.",
                        report.history_svg.as_deref(),
                    ))
                    (claims(report))
                }
                "\n"
                footer {
                    "\n"
                    p {
                        "Made with hindsight. Scoring rule: " (clean(&report.rule)) ". As of "
                        (clean(&report.as_of)) "."
                        @if !report.resampling.trim().is_empty() {
                            " Intervals and bands: " (clean(&report.resampling)) "."
                        }
                    }
                    "\n"
                }
                "\n"
            }
            "\n"
        }
        "\n"
    };
    page.into_string()
}

/// How to read the CORP reliability diagram, in plain words. Method: Dimitriadis,
/// Gneiting & Jordan (2021), PNAS 118(8), e2016191118.
const CALIBRATION_HELP: &str = "Each step shows, for the forecasts given at one probability (across), how often \
     claims forecast like that came true (up). No bins are chosen by anyone: neighbouring forecasts are pooled \
     only where the outcomes would otherwise run against the forecasts (isotonic regression, the CORP method of \
     Dimitriadis, Gneiting & Jordan, PNAS 2021). On the dashed diagonal the forecasts meant what they said; \
     below it the claims came true less often than forecast, above it more often. The shaded band is where the \
     steps of a forecaster who was perfectly calibrated, with the same forecasts, would fall 90% of the time: \
     a step well outside it is unlikely to be bad luck. The bars underneath count the forecasts in each 5% bin.";

fn header(report: &HtmlReport, title: &str) -> Markup {
    let claim_count =
        report.sources.iter().map(|s| s.claims.len()).sum::<usize>() + report.unsourced.len();
    html! {
        header {
            "\n" h1 { (clean(title)) }
            @if !report.generated_for.trim().is_empty() {
                "\n" p.for { (clean(&report.generated_for)) }
            }
            "\n"
            dl.facts {
                "\n" div { dt { "Scoring rule" } dd.rule { (text_or_dash(&report.rule)) } }
                "\n" div { dt { "As of" } dd.as-of { (text_or_dash(&report.as_of)) } }
                "\n" div { dt { "Claims" } dd { (claim_count) } }
                "\n" div { dt { "Sources" } dd { (report.sources.len()) } }
                "\n"
            }
            "\n"
            nav aria-label="Contents" {
                ul {
                    "\n" li { a href="#summary" { "Summary" } }
                    @if report.calibration_svg.is_some() {
                        "\n" li { a href="#calibration" { "Calibration" } }
                    }
                    @if report.history_svg.is_some() {
                        "\n" li { a href="#history" { "Over time" } }
                    }
                    "\n" li { a href="#claims" { "Claims" } }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

fn summary(report: &HtmlReport) -> Markup {
    html! {
        section #summary {
            "\n" h2 { "Summary" } "\n"
            @if report.groups.is_empty() {
                p.none { "No forecasts match this report." } "\n"
            } @else {
                p.note {
                    "Scores use the " strong { (text_or_dash(&report.rule)) } " rule and what was known on "
                    strong { (text_or_dash(&report.as_of)) } ". A dash means the measure is not defined for that \
                    group (for example, nothing scored yet)."
                }
                "\n"
                div.scroll {
                    "\n"
                    table.metrics {
                        "\n"
                        thead {
                            tr {
                                th scope="col" { "Measure" }
                                @for group in &report.groups {
                                    th scope="col" class="num" { (text_or_dash(&group.key)) }
                                }
                            }
                        }
                        "\n"
                        tbody {
                            "\n"
                            @for (i, column) in COLUMNS.iter().enumerate() {
                                tr {
                                    th scope="row" {
                                        span.name { (column.label) }
                                        span.help { (column.help) }
                                    }
                                    @for group in &report.groups {
                                        td.num { (value_html(group.values.get(i).copied())) }
                                    }
                                }
                                "\n"
                            }
                        }
                        "\n"
                    }
                    "\n"
                }
                "\n"
                // Both identities hold for the score module's definitions: the binned one
                // of Stephenson, Coelho & Jolliffe (2008), Weather and Forecasting 23(4),
                // 752-757, and the CORP one of Dimitriadis, Gneiting & Jordan (2021).
                p.note {
                    "The parts add up: Brier score = reliability \u{2212} resolution + uncertainty + \
                     within-bin variance \u{2212} within-bin covariance, and, without bins, Brier score = \
                     miscalibration \u{2212} discrimination + uncertainty (CORP)."
                }
                "\n"
            }
        }
        "\n"
    }
}

fn chart_section(id: &str, heading: &str, how_to_read: &str, svg: Option<&str>) -> Markup {
    let Some(svg) = svg else {
        return html! {};
    };
    html! {
        section id=(id) {
            "\n" h2 { (heading) }
            "\n" p.note { (how_to_read) }
            "\n"
            @if looks_like_safe_svg(svg) {
                figure.chart { "\n" (PreEscaped(svg.trim())) "\n" }
            } @else {
                p.none { "(The chart was left out: it was not a plain SVG picture.)" }
            }
            "\n"
        }
        "\n"
    }
}

fn claims(report: &HtmlReport) -> Markup {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    html! {
        section #claims {
            "\n" h2 { "Claims" } "\n"
            @if report.sources.iter().all(|s| s.claims.is_empty()) && report.unsourced.is_empty() {
                p.none { "No claims match this report." } "\n"
            } @else {
                p.note {
                    "Grouped by source. Each probability is the one that counts under the "
                    strong { (text_or_dash(&report.rule)) }
                    " rule; the Brier score is shown once the claim is settled yes or no."
                }
                "\n"
                @for source in report.sources.iter().filter(|s| !s.claims.is_empty()) {
                    section.source {
                        "\n"
                        h3 {
                            (link_or_text(
                                source.url.as_deref(),
                                if source.title.trim().is_empty() { "(untitled source)" } else { &source.title },
                                "ext",
                            ))
                        }
                        "\n"
                        p.source-meta {
                            @if let Some(published) = source.published.as_deref().filter(|p| !p.trim().is_empty()) {
                                "Published " (clean(published)) " \u{b7} "
                            }
                            // Not a web address: shown so nothing is hidden, but never as a link.
                            @if let Some(url) = source.url.as_deref().filter(|u| safe_url(u).is_none()) {
                                "Location: " (clean(url)) " \u{b7} "
                            }
                            (source.claims.len()) " claim" (plural(source.claims.len()))
                        }
                        "\n"
                        (claim_table(&source.claims))
                    }
                    "\n"
                }
                @if !report.unsourced.is_empty() {
                    section class="source no-source" {
                        "\n" h3 { "No source" }
                        "\n"
                        p.source-meta {
                            "Claims recorded without a source \u{b7} " (report.unsourced.len())
                            " claim" (plural(report.unsourced.len()))
                        }
                        "\n"
                        (claim_table(&report.unsourced))
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// One table per source; each claim is its own `<tbody>` with one row per forecast, the
/// claim's own cells spanning those rows.
fn claim_table(claims: &[HtmlClaim]) -> Markup {
    html! {
        div.scroll {
            "\n"
            table.claims {
                "\n"
                thead {
                    tr {
                        th scope="col" { "Claim" }
                        th scope="col" { "Resolve by" }
                        th scope="col" { "Outcome" }
                        th scope="col" { "Evidence" }
                        th scope="col" { "Forecaster" }
                        th scope="col" class="num" { "Probability" }
                        th scope="col" class="num" { "Brier" }
                    }
                }
                "\n"
                @for claim in claims {
                    @let rows = claim.forecasts.len().max(1);
                    @let span = (rows > 1).then_some(rows);
                    tbody.claim {
                        "\n"
                        tr {
                            td.statement rowspan=[span] {
                                (text_or_dash(&claim.statement))
                                span.key { (clean(&claim.key)) }
                            }
                            td.num rowspan=[span] { (text_or_dash(&claim.resolve_by)) }
                            td.outcome rowspan=[span] { (outcome_html(claim)) }
                            td.evidence rowspan=[span] {
                                @match claim.evidence.as_deref().map(str::trim) {
                                    Some(text) if !text.is_empty() => (link_or_text(Some(text), text, "ext url")),
                                    _ => span.none { "\u{2014}" },
                                }
                            }
                            @match claim.forecasts.first() {
                                None => td.none colspan="3" { "No forecast counts on this claim." },
                                Some(first) => (forecast_cells(first)),
                            }
                        }
                        "\n"
                        @for forecast in claim.forecasts.iter().skip(1) {
                            tr { (forecast_cells(forecast)) }
                            "\n"
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

fn forecast_cells(forecast: &HtmlForecast) -> Markup {
    html! {
        td.forecaster { (text_or_dash(&forecast.forecaster)) }
        td class="num p" { (value_html(Some(Value::Share(Some(forecast.p))))) }
        td class="num brier" { (value_html(Some(Value::Score(forecast.brier)))) }
    }
}

fn outcome_html(claim: &HtmlClaim) -> Markup {
    match claim.outcome.as_deref().map(str::trim) {
        None | Some("") => html! { span class="oc-open muted" { "open" } },
        Some(outcome) => {
            // Only known outcomes become a class name; anything else is just shown.
            let class = match outcome {
                "yes" => "oc-yes",
                "no" => "oc-no",
                "annulled" => "oc-annulled muted",
                "ambiguous" => "oc-ambiguous muted",
                _ => "oc-other",
            };
            html! { span class=(class) { (clean(outcome)) } }
        }
    }
}

fn value_html(value: Option<Value>) -> Markup {
    let dash = html! { span.none title="not defined" { "\u{2014}" } };
    let score = |v: f64| {
        let text = format!("{v:.3}");
        // "-0.000" would suggest a sign that is not there.
        if text == "-0.000" {
            "0.000".to_string()
        } else {
            text.replace('-', "\u{2212}")
        }
    };
    match value {
        Some(Value::Count(n)) => html! { (n) },
        Some(Value::Score(Some(v))) if v.is_finite() => html! { (score(v)) },
        Some(Value::Diff(Some(v))) if v.is_finite() => {
            let text = score(v);
            html! { (if v > 0.0 && text != "0.000" { format!("+{text}") } else { text }) }
        }
        Some(Value::Points(Some(v))) if v.is_finite() => {
            html! { (format!("{v:.1}").replace('-', "\u{2212}")) }
        }
        Some(Value::Share(Some(v))) if v.is_finite() => {
            html! { (percent(v).replace('-', "\u{2212}")) }
        }
        Some(Value::Flag(Some(yes))) => html! { (if yes { "yes" } else { "no" }) },
        _ => dash,
    }
}

/// A share as a percentage with at most one decimal: 0.4 -> "40%", 0.375 -> "37.5%".
fn percent(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    let text = text.strip_suffix(".0").unwrap_or(&text);
    let text = if text == "-0" { "0" } else { text };
    format!("{text}%")
}

/// `text` as a link to `url` when that is an http(s) address, else as plain text.
fn link_or_text(url: Option<&str>, text: &str, class: &str) -> Markup {
    match url.and_then(safe_url) {
        Some(href) => html! {
            a class=(class) href=(clean(href)) rel="noopener noreferrer" { (clean(text)) }
        },
        None => html! { (clean(text)) },
    }
}

/// The URL, trimmed, when it is safe to put in an `href`: it starts with `http://` or
/// `https://` (any case) and holds no whitespace or control character.
fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme_ok = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    let has_host = url
        .split_once("//")
        .is_some_and(|(_, rest)| !rest.is_empty());
    (scheme_ok && clean && has_host).then_some(url)
}

/// SVG elements a chart may use; anything else (script, foreignObject, a, use, image,
/// style, comments, ...) makes [`looks_like_safe_svg`] refuse the text.
const SVG_ELEMENTS: [&str; 13] = [
    "svg", "title", "desc", "g", "rect", "line", "polyline", "polygon", "path", "circle",
    "ellipse", "text", "tspan",
];

/// A guard against inlining anything but a plain picture. The charts come from
/// `crate::chart`, which escapes all text, so in their markup every `<` starts a tag and
/// every quote delimits an attribute value. The check walks the tags and accepts only
/// the drawing elements above, with quoted attributes that are neither event handlers
/// (`on...`), links (`href`) nor inline styles.
fn looks_like_safe_svg(svg: &str) -> bool {
    let svg = svg.trim();
    if !svg.starts_with("<svg") || !svg.ends_with("</svg>") {
        return false;
    }
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find('>') else {
            return false;
        };
        if !tag_is_allowed(&rest[..end]) {
            return false;
        }
        rest = &rest[end + 1..];
    }
    true
}

/// Checks one tag's text (between `<` and `>`).
fn tag_is_allowed(tag: &str) -> bool {
    let tag = tag.strip_prefix('/').unwrap_or(tag);
    let tag = tag.strip_suffix('/').unwrap_or(tag);
    let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
    let name = tag[..name_end].to_ascii_lowercase();
    if !SVG_ELEMENTS.contains(&name.as_str()) {
        return false;
    }
    let mut attributes = tag[name_end..].trim_start();
    while !attributes.is_empty() {
        let Some(eq) = attributes.find('=') else {
            return false;
        };
        let name = attributes[..eq].trim().to_ascii_lowercase();
        let plain_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':');
        if !plain_name || name.starts_with("on") || name.contains("href") || name == "style" {
            return false;
        }
        let value = attributes[eq + 1..].trim_start();
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return false;
        };
        let Some(close) = value[1..].find(quote) else {
            return false;
        };
        attributes = value[1 + close + 1..].trim_start();
    }
    true
}

/// User text with the characters that HTML does not allow in a document (control
/// characters other than tab and line breaks, U+FFFE, U+FFFF) replaced by U+FFFD, so that
/// hostile input cannot break the page; the template escapes the rest.
fn clean(text: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        !matches!(c, '\t' | '\n' | '\r') && (c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
    };
    if text.chars().any(bad) {
        Cow::Owned(
            text.chars()
                .map(|c| if bad(c) { '\u{FFFD}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Cleaned text, or a dash when the text is blank.
fn text_or_dash(text: &str) -> Markup {
    if text.trim().is_empty() {
        html! { span.none { "\u{2014}" } }
    } else {
        html! { (clean(text)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn claim(
        key: &str,
        statement: &str,
        outcome: Option<&str>,
        forecasts: Vec<HtmlForecast>,
    ) -> HtmlClaim {
        HtmlClaim {
            key: key.into(),
            statement: statement.into(),
            resolve_by: "2016-12-31".into(),
            outcome: outcome.map(String::from),
            evidence: Some("https://example.org/evidence?a=1&b=2".into()),
            forecasts,
        }
    }

    fn forecast(who: &str, p: f64, brier: Option<f64>) -> HtmlForecast {
        HtmlForecast {
            forecaster: who.into(),
            p,
            brier,
        }
    }

    /// A group with the given values, the others empty (0 for counts).
    fn group(key: &str, given: &[(&str, Value)]) -> HtmlGroup {
        let counts = ["n", "late", "pending", "annulled", "ambiguous"];
        HtmlGroup {
            key: key.into(),
            values: COLUMNS
                .iter()
                .map(|c| match given.iter().find(|(name, _)| *name == c.name) {
                    Some((_, v)) => *v,
                    None if counts.contains(&c.name) => Value::Count(0),
                    None => Value::Score(None),
                })
                .collect(),
        }
    }

    fn sample() -> HtmlReport {
        HtmlReport {
            title: "Kerry in Sochi, scored".into(),
            generated_for: "rule latest, as of 2026-11-28, filters: none".into(),
            rule: "latest".into(),
            as_of: "2026-11-28".into(),
            resampling: "1000 resamples, seed 2021".into(),
            groups: vec![
                group(
                    "kerry",
                    &[
                        ("n", Value::Count(2)),
                        ("pending", Value::Count(1)),
                        ("brier", Value::Score(Some(0.16))),
                        ("log_loss", Value::Score(Some(0.5108))),
                        ("mean_p", Value::Share(Some(0.4))),
                        ("base_rate", Value::Share(Some(0.0))),
                        ("uncertainty", Value::Score(Some(0.0))),
                    ],
                ),
                group(
                    "orf",
                    &[
                        ("n", Value::Count(1)),
                        ("brier", Value::Score(Some(0.0625))),
                        ("brier_skill", Value::Score(Some(-0.25))),
                    ],
                ),
            ],
            calibration_svg: Some("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hindsight-chart\"><title>c</title></svg>".into()),
            history_svg: None,
            sources: vec![HtmlSource {
                title: "Kerry meets Putin".into(),
                url: Some("https://orf.at/stories/1".into()),
                published: Some("2015-05-26".into()),
                claims: vec![
                    claim(
                        "minsk-implemented",
                        "The Minsk agreement will be implemented",
                        Some("no"),
                        vec![forecast("kerry", 0.4, Some(0.16)), forecast("orf", 0.25, Some(0.0625))],
                    ),
                    claim("sanctions-lifted", "Sanctions will be lifted by 2016", None, vec![]),
                ],
            }],
            unsourced: vec![claim(
                "lonely",
                "A claim from nowhere",
                Some("annulled"),
                vec![forecast("kerry", 0.375, None)],
            )],
        }
    }

    #[test]
    fn page_holds_every_claim_metric_and_fact() {
        let html = render(&sample());
        for needle in [
            "<!DOCTYPE html>",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "@media print",
            "<title>Kerry in Sochi, scored</title>",
            "rule latest, as of 2026-11-28, filters: none",
            "<dd class=\"rule\">latest</dd>",
            "<dd class=\"as-of\">2026-11-28</dd>",
            "The Minsk agreement will be implemented",
            "Sanctions will be lifted by 2016",
            "A claim from nowhere",
            "<h3>No source</h3>",
            "<a class=\"ext\" href=\"https://orf.at/stories/1\" rel=\"noopener noreferrer\">Kerry meets Putin</a>",
            "href=\"https://example.org/evidence?a=1&amp;b=2\"",
            "<td class=\"num p\">40%</td><td class=\"num brier\">0.160</td>",
            "<td class=\"num p\">37.5%</td>",
            "<span class=\"oc-no\">no</span>",
            "<span class=\"oc-open muted\">open</span>",
            "No forecast counts on this claim.",
            "<figure class=\"chart\">\n<svg",
            "<td class=\"num\">\u{2212}0.250</td>",
        ] {
            assert!(html.contains(needle), "missing {needle:?}");
        }
        for column in COLUMNS {
            assert!(
                html.contains(column.label),
                "missing column {}",
                column.label
            );
        }
        // Every claim is one tbody; the first has two forecast rows.
        assert_eq!(html.matches("<tbody class=\"claim\">").count(), 3);
        assert_eq!(html.matches("rowspan=\"2\"").count(), 4);
        // No history chart given: no section, no link to it.
        assert!(!html.contains("id=\"history\"") && !html.contains("#history"));
    }

    #[test]
    fn metric_rows_carry_one_value_per_group() {
        let html = render(&sample());
        let rows: Vec<&str> = html
            .lines()
            .filter(|l| l.starts_with("<tr><th scope=\"row\">"))
            .collect();
        assert_eq!(rows.len(), COLUMNS.len());
        for row in rows {
            assert_eq!(row.matches("<td class=\"num\">").count(), 2, "{row}");
        }
        // 0.0625 is exact in binary; Rust rounds the tie to even.
        assert!(html.contains("<td class=\"num\">0.062</td>"));
    }

    #[test]
    fn user_text_is_escaped_and_no_script_or_external_resource_appears() {
        let mut report = sample();
        report.title = "<script>alert(1)</script>".into();
        report.groups[0].key = "<img src=x onerror=alert(1)>".into();
        report.sources[0].title = "\"><script>steal()</script>".into();
        report.sources[0].url = Some("javascript:alert(1)".into());
        report.sources[0].claims[0].statement = "<script>alert('claim')</script>".into();
        report.sources[0].claims[0].evidence = Some("data:text/html,<b>x</b>".into());
        report.sources[0].claims[0].forecasts[0].forecaster = "a&b \u{0}".into();
        report.unsourced[0].outcome = Some("<i>maybe</i>".into());
        let html = render(&report);

        assert!(!html.to_ascii_lowercase().contains("<script"));
        // maud escapes &, <, > and "; a ' is harmless in text and in "-quoted attributes.
        assert!(html.contains("&lt;script&gt;alert('claim')&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("href=\"javascript:"));
        assert!(html.contains("Location: javascript:alert(1)"));
        assert!(html.contains("data:text/html,&lt;b&gt;x&lt;/b&gt;"));
        assert!(!html.contains("href=\"data:"));
        assert!(html.contains("a&amp;b \u{FFFD}"));
        assert!(html.contains("<span class=\"oc-other\">&lt;i&gt;maybe&lt;/i&gt;</span>"));
        assert_no_external_resources(&html);
    }

    /// The text of every tag in the page (between `<` and `>`). User text is escaped, so
    /// a literal `<` only ever starts real markup.
    fn tags(html: &str) -> Vec<&str> {
        html.split('<')
            .skip(1)
            .filter_map(|part| part.split_once('>').map(|(tag, _)| tag))
            .collect()
    }

    /// Nothing in the page loads from elsewhere: no element that fetches, no `src`
    /// attribute, no CSS import or `url()`, and links only to the web or within the page.
    fn assert_no_external_resources(html: &str) {
        for tag in tags(html) {
            let lower = tag.to_ascii_lowercase();
            let name: String = lower
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                !["script", "link", "img", "iframe", "object", "embed", "image", "use"]
                    .contains(&name.as_str()),
                "{tag}"
            );
            assert!(!lower.contains(" src="), "{tag}");
            if let Some((_, href)) = lower.split_once(" href=\"") {
                assert!(
                    href.starts_with('#')
                        || href.starts_with("http://")
                        || href.starts_with("https://"),
                    "{tag}"
                );
            }
        }
        let style = html
            .split_once("<style>")
            .and_then(|(_, rest)| rest.split_once("</style>"))
            .map(|(css, _)| css.to_ascii_lowercase())
            .unwrap_or_default();
        assert!(!style.contains("@import") && !style.contains("url("));
    }

    #[test]
    fn unsafe_svg_is_left_out() {
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg onload=\"alert(1)\"></svg>",
            "<svg><a href=\"javascript:x\"><text>x</text></a></svg>",
            "<div>not svg</div>",
            "<svg><foreignObject><p>x</p></foreignObject></svg>",
            "<svg><!-- x --></svg>",
            "<svg><g style=\"x\"></g></svg>",
            "<svg><g class=unquoted></g></svg>",
        ] {
            let mut report = sample();
            report.calibration_svg = Some(bad.into());
            let html = render(&report);
            assert!(!html.contains(bad), "{bad}");
            assert!(html.contains("The chart was left out"));
        }
        // Text about "onload=" inside an escaped label is harmless and stays.
        let ok = "<svg class=\"hindsight-chart\"><text>see onload=&quot;x&quot;</text></svg>";
        assert!(looks_like_safe_svg(ok));
    }

    #[test]
    fn real_charts_pass_the_guard() {
        use crate::chart::{calibration_svg, CalBin, CalibrationSeries};
        let svg = calibration_svg(
            "<script> on x=\"1\"",
            &[CalibrationSeries {
                label: "onload=\"x\" <b>".into(),
                bins: vec![CalBin {
                    lo: 0.0,
                    hi: 1.0,
                    n: 2.0,
                    mean_p: Some(0.5),
                    freq: Some(0.5),
                    ci_low: Some(0.1),
                    ci_high: Some(0.9),
                }],
            }],
        )
        .unwrap();
        assert!(looks_like_safe_svg(&svg));
        let mut report = sample();
        report.calibration_svg = Some(svg.clone());
        assert!(render(&report).contains(svg.trim()));
    }

    #[test]
    fn safe_url_accepts_only_http_addresses() {
        assert_eq!(
            safe_url(" https://a.example/x "),
            Some("https://a.example/x")
        );
        assert_eq!(safe_url("HTTP://A.EXAMPLE"), Some("HTTP://A.EXAMPLE"));
        for bad in [
            "javascript:alert(1)",
            "http://",
            "https://a b",
            "ftp://x",
            "//evil.example",
            "data:text/html,x",
            "",
            "https://a\u{0}b",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn number_formats() {
        assert_eq!(percent(0.4), "40%");
        assert_eq!(percent(0.375), "37.5%");
        assert_eq!(percent(0.0001), "0%");
        assert_eq!(percent(-0.0001), "0%");
        let text = |v: Value| value_html(Some(v)).into_string();
        assert_eq!(text(Value::Score(Some(0.16))), "0.160");
        assert_eq!(text(Value::Score(Some(-0.0001))), "0.000");
        assert_eq!(text(Value::Share(Some(-0.25))), "\u{2212}25%");
        assert!(text(Value::Score(Some(f64::NAN))).contains("\u{2014}"));
        assert!(text(Value::Share(None)).contains("\u{2014}"));
        assert_eq!(text(Value::Count(7)), "7");
        assert_eq!(text(Value::Points(Some(-12.34))), "\u{2212}12.3");
        assert_eq!(text(Value::Diff(Some(0.02))), "+0.020");
        assert_eq!(text(Value::Diff(Some(-0.02))), "\u{2212}0.020");
        assert!(value_html(None).into_string().contains("\u{2014}"));
        assert_eq!(text(Value::Flag(Some(false))), "no");
    }

    #[test]
    fn empty_report_still_renders_a_page() {
        let html = render(&HtmlReport::default());
        assert!(html.contains("<title>hindsight report</title>"));
        assert!(html.contains("No forecasts match this report."));
        assert!(html.contains("No claims match this report."));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn same_report_gives_same_bytes() {
        assert_eq!(render(&sample()), render(&sample()));
    }

    /// The tags the page opens are closed in order (void elements aside): a loose
    /// well-formedness check that does not need an HTML parser.
    fn tags_balance(html: &str) -> bool {
        const VOID: [&str; 2] = ["meta", "br"];
        // The inline SVG is checked as XML elsewhere; skip it here.
        let mut rest = html;
        let mut stack: Vec<String> = Vec::new();
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let Some(end) = rest.find('>') else {
                return false;
            };
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if tag.starts_with('!') {
                continue;
            }
            if tag.starts_with("style") {
                if let Some(close) = rest.find("</style>") {
                    rest = &rest[close + "</style>".len()..];
                    continue;
                }
                return false;
            }
            if tag.starts_with("svg") {
                if let Some(close) = rest.find("</svg>") {
                    rest = &rest[close + "</svg>".len()..];
                    continue;
                }
                return false;
            }
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name.trim()) {
                    return false;
                }
                continue;
            }
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
                stack.push(name);
            }
        }
        stack.is_empty()
    }

    #[test]
    fn tags_balance_on_the_sample_and_detects_breakage() {
        assert!(tags_balance(&render(&sample())));
        assert!(!tags_balance("<p><b>x</p></b>"));
    }

    fn arb_text() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[<>&\"' a-z/=]{0,30}"]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the text, the page keeps its structure, shows every claim key, and
        /// carries no script and no external resource.
        #[test]
        fn hostile_text_never_breaks_the_page(
            title in arb_text(),
            statements in prop::collection::vec((arb_text(), arb_text(), prop::option::of(arb_text())), 0..6),
            url in prop::option::of(arb_text()),
            p in any::<f64>(),
        ) {
            let claims: Vec<HtmlClaim> = statements
                .iter()
                .enumerate()
                .map(|(i, (statement, who, evidence))| HtmlClaim {
                    key: format!("claim-{i}"),
                    statement: statement.clone(),
                    resolve_by: "2020-01-01".into(),
                    outcome: evidence.clone(),
                    evidence: evidence.clone(),
                    forecasts: vec![forecast(who, p, Some(p))],
                })
                .collect();
            let report = HtmlReport {
                title: title.clone(),
                groups: vec![group(&title, &[("brier", Value::Score(Some(p)))])],
                sources: vec![HtmlSource {
                    title: "s".into(),
                    url,
                    published: None,
                    claims: claims.clone(),
                }],
                unsourced: claims,
                ..HtmlReport::default()
            };
            let html = render(&report);
            prop_assert!(!html.to_ascii_lowercase().contains("<script"));
            prop_assert!(tags_balance(&html));
            prop_assert!(!html.to_ascii_lowercase().contains("<link"));
            assert_no_external_resources(&html);
            for i in 0..statements.len() {
                let key = format!("<span class=\"key\">claim-{i}</span>");
                prop_assert_eq!(html.matches(&key).count(), 2);
            }
        }
    }
}
