//! The HTML report: one self-contained page (inline CSS and SVG, no scripts, no external
//! fonts, styles or images) built from plain values, so it works offline, can be mailed,
//! reads on a phone and prints.
//!
//! The module owns the page's layout, the plain-language explanation of every metric,
//! and the escaping of user text. It does no I/O: [`render`] turns an [`HtmlReport`]
//! into a `String`, and the same report always gives the same bytes. Items appear in the
//! order the caller gives them.
//!
//! Safety of user text: every statement, label, title and date is HTML-escaped; a URL
//! becomes a link only when it starts with `http://` or `https://` (any other text is
//! shown, not linked); the page carries a Content-Security-Policy that forbids scripts
//! and every external load, as a second line of defence.

use serde::{Deserialize, Serialize};

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

/// The metrics of one group. Counts are plain numbers; the rest is `None` where the
/// metric is undefined (no scored forecast, no variation in outcomes, ...).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HtmlGroup {
    pub key: String,
    pub n: u64,
    pub late: u64,
    pub pending: u64,
    pub annulled: u64,
    pub ambiguous: u64,
    pub brier: Option<f64>,
    pub log_loss: Option<f64>,
    pub mean_p: Option<f64>,
    pub base_rate: Option<f64>,
    pub uncertainty: Option<f64>,
    pub reliability: Option<f64>,
    pub resolution: Option<f64>,
    pub within_bin_variance: Option<f64>,
    pub within_bin_covariance: Option<f64>,
    pub brier_skill: Option<f64>,
    pub discrimination: Option<f64>,
    /// Only under the time-averaged rule.
    pub coverage: Option<f64>,
    /// Metaculus's baseline and peer scores, means and sums over the scored forecasts.
    pub baseline: Option<f64>,
    pub peer: Option<f64>,
    pub baseline_sum: Option<f64>,
    pub peer_sum: Option<f64>,
    /// Mean Brier score minus the crowd median's on the same claims.
    pub relative_brier: Option<f64>,
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

/// How a metric's value is written.
#[derive(Clone, Copy)]
enum Value {
    Count(u64),
    /// A score, three decimals.
    Score(Option<f64>),
    /// A probability or share, as a percentage.
    Share(Option<f64>),
}

/// One row of the summary table: name, a sentence for a lay reader, and the value.
struct Metric {
    name: &'static str,
    help: &'static str,
    value: fn(&HtmlGroup) -> Value,
}

/// The summary rows in display order. The explanations follow the definitions in
/// `crate::score::metrics` (log loss with natural logarithms and probabilities clamped to
/// 0.1%..99.9%; skill against always forecasting the base rate; discrimination as the
/// difference of mean forecasts).
const METRICS: &[Metric] = &[
    Metric {
        name: "Scored forecasts",
        help: "Forecasts that count: one per forecaster and claim, on claims that came out yes or no.",
        value: |g| Value::Count(g.n),
    },
    Metric {
        name: "Pending",
        help: "Forecasts on claims without an outcome yet on the as-of date; they wait and are not scored.",
        value: |g| Value::Count(g.pending),
    },
    Metric {
        name: "Annulled",
        help: "Forecasts on claims that were called off, for instance because the event they depended on did not happen; never scored.",
        value: |g| Value::Count(g.annulled),
    },
    Metric {
        name: "Ambiguous",
        help: "Forecasts on claims whose outcome could not be settled either way; never scored.",
        value: |g| Value::Count(g.ambiguous),
    },
    Metric {
        name: "Brier score",
        help: "The average squared gap between the probability given and what happened (1 if it did, 0 if not): 0 is perfect, always saying 50% earns 0.25, lower is better.",
        value: |g| Value::Score(g.brier),
    },
    Metric {
        name: "Log loss",
        help: "Like the Brier score but far harsher on confident misses: the average of minus the natural logarithm of the probability given to what happened; 0 is perfect, always saying 50% earns 0.693, lower is better.",
        value: |g| Value::Score(g.log_loss),
    },
    Metric {
        name: "Mean forecast",
        help: "The average probability given to the claims coming true.",
        value: |g| Value::Share(g.mean_p),
    },
    Metric {
        name: "Base rate",
        help: "The share of scored claims that did come true; a mean forecast well above it means too much optimism, well below it too much doubt.",
        value: |g| Value::Share(g.base_rate),
    },
    Metric {
        name: "Uncertainty",
        help: "How hard the claims were to call, judged from the outcomes alone: base rate times (1 minus base rate), at most 0.25 when half came true. It is what always forecasting the base rate would score.",
        value: |g| Value::Score(g.uncertainty),
    },
    Metric {
        name: "Reliability (calibration error)",
        help: "How far the forecasts in each probability bin were from how often those claims came true, squared and averaged: 0 means that \u{201c}70%\u{201d} really meant 7 times in 10; lower is better.",
        value: |g| Value::Score(g.reliability),
    },
    Metric {
        name: "Resolution",
        help: "How well the forecasts sorted claims into bins that came true more or less often than the base rate; higher is better.",
        value: |g| Value::Score(g.resolution),
    },
    Metric {
        name: "Within-bin variance",
        help: "How much the forecasts differ inside each bin. The bin-based parts above ignore it, so it is added back to make the parts add up to the Brier score.",
        value: |g| Value::Score(g.within_bin_variance),
    },
    Metric {
        name: "Within-bin covariance",
        help: "How much, inside each bin, the higher forecasts went with the claims that came true. It is subtracted when the parts are added up; higher is better.",
        value: |g| Value::Score(g.within_bin_covariance),
    },
    Metric {
        name: "Brier skill",
        help: "Improvement over always forecasting the base rate: 1 minus Brier divided by uncertainty. 1 is perfect, 0 no better than the base rate, below 0 worse.",
        value: |g| Value::Score(g.brier_skill),
    },
    Metric {
        name: "Discrimination",
        help: "How much higher the forecasts were, on average, for claims that came true than for claims that did not; 0 means no separation, higher is better.",
        value: |g| Value::Share(g.discrimination),
    },
    Metric {
        name: "Coverage",
        help: "Time-averaged rule only: the share of the time a claim was open during which this forecaster had a forecast standing, averaged over claims.",
        value: |g| Value::Share(g.coverage),
    },
    Metric {
        name: "Baseline score",
        help: "Metaculus's baseline score, averaged: 100 \u{d7} (log\u{2082} of the probability given to what happened + 1). 0 for always saying 50%, 100 for certainty on the right side, negative for worse than a coin; higher is better.",
        value: |g| Value::Score(g.baseline),
    },
    Metric {
        name: "Peer score",
        help: "Metaculus's peer score, averaged: 100 \u{d7} (the natural log of the probability given to what happened minus the average of the same for everyone else who forecast the claim). Positive means better than the others; over all forecasters of a claim it adds up to 0.",
        value: |g| Value::Score(g.peer),
    },
    Metric {
        name: "Baseline total",
        help: "The baseline scores added up, as Metaculus ranks a tournament: more forecasts of good quality earn more.",
        value: |g| Value::Score(g.baseline_sum),
    },
    Metric {
        name: "Peer total",
        help: "The peer scores added up.",
        value: |g| Value::Score(g.peer_sum),
    },
    Metric {
        name: "Brier relative to the crowd",
        help: "The Brier score minus the Brier score of the crowd median (the median of everyone's forecasts) on the same claims, averaged: below 0 means more accurate than the crowd.",
        value: |g| Value::Score(g.relative_brier),
    },
];

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

/// The page for `report`.
pub fn render(report: &HtmlReport) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let title = if report.title.trim().is_empty() {
        "hindsight report"
    } else {
        report.title.as_str()
    };
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // No script may run and nothing may be fetched, whatever ends up in the page.
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light\">\n");
    out.push_str("<meta name=\"generator\" content=\"hindsight\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(title)));
    out.push_str("<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n");

    header(&mut out, report, title);
    out.push_str("<main>\n");
    summary(&mut out, report);
    chart_section(
        &mut out,
        "calibration",
        "Calibration",
        "Each marker stands for the forecasts in one probability bin: across, their average \
         probability; up, the share of those claims that came true. On the dashed diagonal \
         the forecasts meant what they said; below it the claims came true less often than \
         forecast, above it more often. Whiskers show the 95% range for the share, wide when \
         the bin holds few forecasts; the bars underneath count the forecasts in each bin.",
        report.calibration_svg.as_deref(),
    );
    chart_section(
        &mut out,
        "history",
        "Over time",
        "The running mean Brier score as claims were resolved: lower is better, and the dashed \
         line marks 0.25, the score of always saying 50%.",
        report.history_svg.as_deref(),
    );
    claims(&mut out, report);
    out.push_str("</main>\n");
    out.push_str(&format!(
        "<footer>\n<p>Made with hindsight. Scoring rule: {}. As of {}.</p>\n</footer>\n",
        esc(&report.rule),
        esc(&report.as_of)
    ));
    out.push_str("</body>\n</html>\n");
    out
}

fn header(out: &mut String, report: &HtmlReport, title: &str) {
    let claim_count =
        report.sources.iter().map(|s| s.claims.len()).sum::<usize>() + report.unsourced.len();
    out.push_str("<header>\n");
    out.push_str(&format!("<h1>{}</h1>\n", esc(title)));
    if !report.generated_for.trim().is_empty() {
        out.push_str(&format!(
            "<p class=\"for\">{}</p>\n",
            esc(&report.generated_for)
        ));
    }
    out.push_str("<dl class=\"facts\">\n");
    out.push_str(&format!(
        "<div><dt>Scoring rule</dt><dd class=\"rule\">{}</dd></div>\n",
        esc_or_dash(&report.rule)
    ));
    out.push_str(&format!(
        "<div><dt>As of</dt><dd class=\"as-of\">{}</dd></div>\n",
        esc_or_dash(&report.as_of)
    ));
    out.push_str(&format!(
        "<div><dt>Claims</dt><dd>{claim_count}</dd></div>\n<div><dt>Sources</dt><dd>{}</dd></div>\n",
        report.sources.len()
    ));
    out.push_str("</dl>\n");
    out.push_str("<nav aria-label=\"Contents\"><ul>\n<li><a href=\"#summary\">Summary</a></li>\n");
    if report.calibration_svg.is_some() {
        out.push_str("<li><a href=\"#calibration\">Calibration</a></li>\n");
    }
    if report.history_svg.is_some() {
        out.push_str("<li><a href=\"#history\">Over time</a></li>\n");
    }
    out.push_str("<li><a href=\"#claims\">Claims</a></li>\n</ul></nav>\n</header>\n");
}

fn summary(out: &mut String, report: &HtmlReport) {
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    if report.groups.is_empty() {
        out.push_str("<p class=\"none\">No forecasts match this report.</p>\n</section>\n");
        return;
    }
    out.push_str(&format!(
        "<p class=\"note\">Scores use the <strong>{}</strong> rule and what was known on <strong>{}</strong>. \
         A dash means the measure is not defined for that group (for example, nothing scored yet).</p>\n",
        esc_or_dash(&report.rule),
        esc_or_dash(&report.as_of)
    ));
    out.push_str("<div class=\"scroll\">\n<table class=\"metrics\">\n<thead><tr><th scope=\"col\">Measure</th>");
    for group in &report.groups {
        out.push_str(&format!(
            "<th scope=\"col\" class=\"num\">{}</th>",
            esc_or_dash(&group.key)
        ));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for metric in METRICS {
        out.push_str(&format!(
            "<tr><th scope=\"row\"><span class=\"name\">{}</span><span class=\"help\">{}</span></th>",
            esc(metric.name),
            esc(metric.help)
        ));
        for group in &report.groups {
            out.push_str(&format!(
                "<td class=\"num\">{}</td>",
                value_html((metric.value)(group))
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    // The identity holds for the score module's definitions (Stephenson, Coelho &
    // Jolliffe 2008, Weather and Forecasting 23(4), 752-757; see crate::score::metrics).
    out.push_str(
        "<p class=\"note\">The parts add up: Brier score = reliability \u{2212} resolution + \
         uncertainty + within-bin variance \u{2212} within-bin covariance.</p>\n</section>\n",
    );
}

fn chart_section(out: &mut String, id: &str, heading: &str, how_to_read: &str, svg: Option<&str>) {
    let Some(svg) = svg else {
        return;
    };
    out.push_str(&format!(
        "<section id=\"{id}\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        esc(heading),
        esc(how_to_read)
    ));
    if looks_like_safe_svg(svg) {
        out.push_str("<figure class=\"chart\">\n");
        out.push_str(svg.trim());
        out.push_str("\n</figure>\n");
    } else {
        out.push_str(
            "<p class=\"none\">(The chart was left out: it was not a plain SVG picture.)</p>\n",
        );
    }
    out.push_str("</section>\n");
}

fn claims(out: &mut String, report: &HtmlReport) {
    out.push_str("<section id=\"claims\">\n<h2>Claims</h2>\n");
    if report.sources.iter().all(|s| s.claims.is_empty()) && report.unsourced.is_empty() {
        out.push_str("<p class=\"none\">No claims match this report.</p>\n</section>\n");
        return;
    }
    out.push_str(&format!(
        "<p class=\"note\">Grouped by source. Each probability is the one that counts under the \
         <strong>{}</strong> rule; the Brier score is shown once the claim is settled yes or no.</p>\n",
        esc_or_dash(&report.rule)
    ));
    for source in &report.sources {
        if source.claims.is_empty() {
            continue;
        }
        let name = if source.title.trim().is_empty() {
            "(untitled source)"
        } else {
            source.title.as_str()
        };
        out.push_str("<section class=\"source\">\n<h3>");
        out.push_str(&link_or_text(source.url.as_deref(), name, "ext"));
        out.push_str("</h3>\n");
        let mut meta = Vec::new();
        if let Some(published) = source.published.as_deref().filter(|p| !p.trim().is_empty()) {
            meta.push(format!("Published {}", esc(published)));
        }
        if let Some(url) = source.url.as_deref().filter(|u| safe_url(u).is_none()) {
            // Not a web address: shown so nothing is hidden, but never as a link.
            meta.push(format!("Location: {}", esc(url)));
        }
        meta.push(format!(
            "{} claim{}",
            source.claims.len(),
            if source.claims.len() == 1 { "" } else { "s" }
        ));
        out.push_str(&format!(
            "<p class=\"source-meta\">{}</p>\n",
            meta.join(" \u{b7} ")
        ));
        claim_table(out, &source.claims);
        out.push_str("</section>\n");
    }
    if !report.unsourced.is_empty() {
        out.push_str("<section class=\"source no-source\">\n<h3>No source</h3>\n");
        out.push_str(&format!(
            "<p class=\"source-meta\">Claims recorded without a source \u{b7} {} claim{}</p>\n",
            report.unsourced.len(),
            if report.unsourced.len() == 1 { "" } else { "s" }
        ));
        claim_table(out, &report.unsourced);
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

/// One table per source; each claim is its own `<tbody>` with one row per forecast, the
/// claim's own cells spanning those rows.
fn claim_table(out: &mut String, claims: &[HtmlClaim]) {
    out.push_str(
        "<div class=\"scroll\">\n<table class=\"claims\">\n<thead><tr>\
         <th scope=\"col\">Claim</th><th scope=\"col\">Resolve by</th><th scope=\"col\">Outcome</th>\
         <th scope=\"col\">Evidence</th><th scope=\"col\">Forecaster</th>\
         <th scope=\"col\" class=\"num\">Probability</th><th scope=\"col\" class=\"num\">Brier</th>\
         </tr></thead>\n",
    );
    for claim in claims {
        let rows = claim.forecasts.len().max(1);
        let span = if rows > 1 {
            format!(" rowspan=\"{rows}\"")
        } else {
            String::new()
        };
        out.push_str("<tbody class=\"claim\">\n<tr>");
        out.push_str(&format!(
            "<td class=\"statement\"{span}>{}<span class=\"key\">{}</span></td>",
            esc_or_dash(&claim.statement),
            esc(&claim.key)
        ));
        out.push_str(&format!(
            "<td class=\"num\"{span}>{}</td>",
            esc_or_dash(&claim.resolve_by)
        ));
        out.push_str(&format!(
            "<td class=\"outcome\"{span}>{}</td>",
            outcome_html(claim)
        ));
        let evidence = match claim.evidence.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => link_or_text(Some(text), text, "ext url"),
            _ => "<span class=\"none\">\u{2014}</span>".to_string(),
        };
        out.push_str(&format!("<td class=\"evidence\"{span}>{evidence}</td>"));
        match claim.forecasts.split_first() {
            None => out.push_str(
                "<td class=\"none\" colspan=\"3\">No forecast counts on this claim.</td></tr>\n",
            ),
            Some((first, rest)) => {
                out.push_str(&forecast_cells(first));
                out.push_str("</tr>\n");
                for forecast in rest {
                    out.push_str("<tr>");
                    out.push_str(&forecast_cells(forecast));
                    out.push_str("</tr>\n");
                }
            }
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</div>\n");
}

fn forecast_cells(forecast: &HtmlForecast) -> String {
    format!(
        "<td class=\"forecaster\">{}</td><td class=\"num p\">{}</td><td class=\"num brier\">{}</td>",
        esc_or_dash(&forecast.forecaster),
        value_html(Value::Share(Some(forecast.p))),
        value_html(Value::Score(forecast.brier))
    )
}

fn outcome_html(claim: &HtmlClaim) -> String {
    match claim.outcome.as_deref().map(str::trim) {
        None | Some("") => "<span class=\"oc-open muted\">open</span>".to_string(),
        Some(outcome) => {
            // Only known outcomes become a class name; anything else is just shown.
            let class = match outcome {
                "yes" => "oc-yes",
                "no" => "oc-no",
                "annulled" => "oc-annulled muted",
                "ambiguous" => "oc-ambiguous muted",
                _ => "oc-other",
            };
            format!("<span class=\"{class}\">{}</span>", esc(outcome))
        }
    }
}

fn value_html(value: Value) -> String {
    let dash = "<span class=\"none\" title=\"not defined\">\u{2014}</span>".to_string();
    match value {
        Value::Count(n) => n.to_string(),
        Value::Score(Some(v)) if v.is_finite() => {
            let text = format!("{v:.3}");
            // "-0.000" would suggest a sign that is not there.
            if text == "-0.000" {
                "0.000".to_string()
            } else {
                text.replace('-', "\u{2212}")
            }
        }
        Value::Share(Some(v)) if v.is_finite() => percent(v).replace('-', "\u{2212}"),
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
fn link_or_text(url: Option<&str>, text: &str, class: &str) -> String {
    match url.and_then(safe_url) {
        Some(href) => format!(
            "<a class=\"{class}\" href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            esc(href),
            esc(text)
        ),
        None => esc(text),
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

/// Escapes user text for the page (the same rules as the charts' SVG).
fn esc(text: &str) -> String {
    crate::chart::escape(text)
}

/// Escaped text, or a dash when the text is blank.
fn esc_or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "<span class=\"none\">\u{2014}</span>".to_string()
    } else {
        esc(text)
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

    fn sample() -> HtmlReport {
        HtmlReport {
            title: "Kerry in Sochi, scored".into(),
            generated_for: "rule latest, as of 2026-11-28, filters: none".into(),
            rule: "latest".into(),
            as_of: "2026-11-28".into(),
            groups: vec![
                HtmlGroup {
                    key: "kerry".into(),
                    n: 2,
                    pending: 1,
                    brier: Some(0.16),
                    log_loss: Some(0.5108),
                    mean_p: Some(0.4),
                    base_rate: Some(0.0),
                    uncertainty: Some(0.0),
                    brier_skill: None,
                    discrimination: None,
                    ..HtmlGroup::default()
                },
                HtmlGroup {
                    key: "orf".into(),
                    n: 1,
                    brier: Some(0.0625),
                    brier_skill: Some(-0.25),
                    ..HtmlGroup::default()
                },
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
        for metric in METRICS {
            assert!(html.contains(metric.name), "missing metric {}", metric.name);
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
        assert_eq!(rows.len(), METRICS.len());
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
        assert!(html.contains("&lt;script&gt;alert(&#39;claim&#39;)&lt;/script&gt;"));
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
        assert_eq!(value_html(Value::Score(Some(0.16))), "0.160");
        assert_eq!(value_html(Value::Score(Some(-0.0001))), "0.000");
        assert_eq!(value_html(Value::Share(Some(-0.25))), "\u{2212}25%");
        assert!(value_html(Value::Score(Some(f64::NAN))).contains("\u{2014}"));
        assert!(value_html(Value::Share(None)).contains("\u{2014}"));
        assert_eq!(value_html(Value::Count(7)), "7");
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
                groups: vec![HtmlGroup { key: title, brier: Some(p), ..HtmlGroup::default() }],
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
