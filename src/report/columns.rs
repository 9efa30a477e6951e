//! The one list of a report group's figures. Every output takes its columns from
//! [`COLUMNS`]: the CSV's header and column order, the JSON object's fields, the rows of
//! the HTML summary (with `label` and `help`), and the terminal tables (where `place`
//! says). Adding a figure to reports is adding one entry here (and a line to README's
//! metric table: a test checks that README names every column).

use serde::{Deserialize, Serialize, Serializer};

use super::Group;

/// One figure of a group, with how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub enum Value {
    /// A count of (claim, forecaster) pairs.
    Count(u64),
    /// A score, shown with three decimals.
    Score(Option<f64>),
    /// A probability or share, shown as a percentage where there is room.
    Share(Option<f64>),
    /// Points on a platform's scale (baseline, peer), shown with one decimal.
    Points(Option<f64>),
    /// A difference of scores, shown with its sign.
    Diff(Option<f64>),
    /// Yes or no.
    Flag(Option<bool>),
}

/// In data formats (CSV, JSON) a value is a plain number, boolean or empty/null.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::Count(n) => s.serialize_u64(n),
            Value::Score(v) | Value::Share(v) | Value::Points(v) | Value::Diff(v) => v.serialize(s),
            Value::Flag(b) => b.serialize(s),
        }
    }
}

/// Where a column appears in the terminal's tables (every column is in CSV, JSON, HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In the main table, under this header.
    Main(&'static str),
    /// In the main table only when some group has a value other than 0.
    MainWhenAny(&'static str),
    /// In the table of platform scores, under this header.
    Platform(&'static str),
    /// Not in a terminal table (the data formats and the HTML page have it).
    Elsewhere,
}

/// One column: its name in CSV and JSON, its label and a sentence for a lay reader (the
/// HTML page), where tables show it, and how to read it from a group.
pub struct Column {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub place: Place,
    pub value: fn(&Group) -> Value,
}

/// Every column of a group, in the order CSV and JSON list them (after `key`). The
/// explanations follow the definitions in `crate::score` (log loss with natural
/// logarithms and probabilities clamped to 0.1%..99.9%; skill against always forecasting
/// the base rate; discrimination as the difference of mean forecasts; CORP after
/// Dimitriadis, Gneiting and Jordan 2021; baseline and peer after Metaculus's scores FAQ).
pub const COLUMNS: &[Column] = &[
    Column {
        name: "n",
        label: "Scored forecasts",
        help: "Forecasts that count: one per forecaster and claim, on claims that came out yes or no.",
        place: Place::Main("N"),
        value: |g| Value::Count(g.metrics.n as u64),
    },
    Column {
        name: "late",
        label: "Late",
        help: "Forecasters on claims whose every forecast came after the claim's cutoff (its close, deadline or outcome): shown, never scored.",
        place: Place::MainWhenAny("LATE"),
        value: |g| Value::Count(g.metrics.late as u64),
    },
    Column {
        name: "pending",
        label: "Pending",
        help: "Forecasts on claims without an outcome yet on the as-of date; they wait and are not scored.",
        place: Place::Main("PEND."),
        value: |g| Value::Count(g.metrics.pending as u64),
    },
    Column {
        name: "annulled",
        label: "Annulled",
        help: "Forecasts on claims that were called off, for instance because the event they depended on did not happen; never scored.",
        place: Place::Main("ANNUL."),
        value: |g| Value::Count(g.metrics.annulled as u64),
    },
    Column {
        name: "ambiguous",
        label: "Ambiguous",
        help: "Forecasts on claims whose outcome could not be settled either way; never scored.",
        place: Place::Main("AMBIG."),
        value: |g| Value::Count(g.metrics.ambiguous as u64),
    },
    Column {
        name: "brier",
        label: "Brier score",
        help: "The average squared gap between the probability given and what happened (1 if it did, 0 if not): 0 is perfect, always saying 50% earns 0.25, lower is better.",
        place: Place::Main("BRIER (95% CI)"),
        value: |g| Value::Score(g.metrics.brier),
    },
    Column {
        name: "log_loss",
        label: "Log loss",
        help: "Like the Brier score but far harsher on confident misses: the average of minus the natural logarithm of the probability given to what happened; 0 is perfect, always saying 50% earns 0.693, lower is better.",
        place: Place::Main("LOG LOSS (95% CI)"),
        value: |g| Value::Score(g.metrics.log_loss),
    },
    Column {
        name: "mean_p",
        label: "Mean forecast",
        help: "The average probability given to the claims coming true.",
        place: Place::Elsewhere,
        value: |g| Value::Share(g.metrics.mean_p),
    },
    Column {
        name: "base_rate",
        label: "Base rate",
        help: "The share of scored claims that did come true; a mean forecast well above it means too much optimism, well below it too much doubt.",
        place: Place::Elsewhere,
        value: |g| Value::Share(g.metrics.base_rate),
    },
    Column {
        name: "uncertainty",
        label: "Uncertainty",
        help: "How hard the claims were to call, judged from the outcomes alone: base rate times (1 minus base rate), at most 0.25 when half came true. It is what always forecasting the base rate would score.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.metrics.uncertainty),
    },
    Column {
        name: "reliability",
        label: "Reliability (calibration error)",
        help: "How far the forecasts in each probability bin were from how often those claims came true, squared and averaged: 0 means that \u{201c}70%\u{201d} really meant 7 times in 10; lower is better.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.metrics.reliability),
    },
    Column {
        name: "resolution",
        label: "Resolution",
        help: "How well the forecasts sorted claims into bins that came true more or less often than the base rate; higher is better.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.metrics.resolution),
    },
    Column {
        name: "within_bin_variance",
        label: "Within-bin variance",
        help: "How much the forecasts differ inside each bin. The bin-based parts above ignore it, so it is added back to make the parts add up to the Brier score.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.metrics.within_bin_variance),
    },
    Column {
        name: "within_bin_covariance",
        label: "Within-bin covariance",
        help: "How much, inside each bin, the higher forecasts went with the claims that came true. It is subtracted when the parts are added up; higher is better.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.metrics.within_bin_covariance),
    },
    Column {
        name: "brier_skill",
        label: "Brier skill",
        help: "Improvement over always forecasting the base rate: 1 minus Brier divided by uncertainty. 1 is perfect, 0 no better than the base rate, below 0 worse.",
        place: Place::Main("SKILL"),
        value: |g| Value::Score(g.metrics.brier_skill),
    },
    Column {
        name: "discrimination",
        label: "Discrimination",
        help: "How much higher the forecasts were, on average, for claims that came true than for claims that did not; 0 means no separation, higher is better.",
        place: Place::Elsewhere,
        value: |g| Value::Share(g.metrics.discrimination),
    },
    Column {
        name: "coverage",
        label: "Coverage",
        help: "Time-averaged rule only: the share of the time a claim was open during which this forecaster had a forecast standing, averaged over claims.",
        place: Place::Elsewhere,
        value: |g| Value::Share(g.metrics.coverage),
    },
    Column {
        name: "brier_ci_low",
        label: "Brier score, 95% interval: low",
        help: "Where the Brier score would likely land on other claims of the same kind: the claims are drawn again at random, with replacement, many times (a bootstrap), and the middle 95% of the scores is shown. Wide when there are few claims; missing below two.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.intervals.brier_ci_low),
    },
    Column {
        name: "brier_ci_high",
        label: "Brier score, 95% interval: high",
        help: "The upper end of that interval.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.intervals.brier_ci_high),
    },
    Column {
        name: "log_loss_ci_low",
        label: "Log loss, 95% interval: low",
        help: "The same for the log loss.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.intervals.log_loss_ci_low),
    },
    Column {
        name: "log_loss_ci_high",
        label: "Log loss, 95% interval: high",
        help: "The upper end of that interval.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.intervals.log_loss_ci_high),
    },
    Column {
        name: "overlaps_best",
        label: "Overlaps the best",
        help: "Yes when this Brier interval overlaps the interval of the group with the best Brier score: on this evidence the two cannot be told apart, whatever order the columns are in.",
        place: Place::Elsewhere,
        value: |g| Value::Flag(g.overlaps_best),
    },
    Column {
        name: "corp_brier_mcb",
        label: "Miscalibration (CORP)",
        help: "How much the Brier score would drop if each forecast were replaced by how often claims forecast like it actually came true (found without bins, by isotonic regression; see Calibration). 0 means well calibrated; lower is better.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.corp.as_ref().map(|c| c.brier.mcb)),
    },
    Column {
        name: "corp_brier_dsc",
        label: "Discrimination (CORP)",
        help: "How much better those recalibrated forecasts do than always saying the base rate: the skill of telling claims that came true from those that did not. Higher is better; Brier = miscalibration \u{2212} discrimination + uncertainty.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.corp.as_ref().map(|c| c.brier.dsc)),
    },
    Column {
        name: "corp_brier_unc",
        label: "Uncertainty (CORP)",
        help: "What always saying the base rate would score under the Brier score; the Brier score is miscalibration minus discrimination plus this.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.corp.as_ref().map(|c| c.brier.unc)),
    },
    Column {
        name: "corp_brier_mcb_p",
        label: "Miscalibration p-value",
        help: "The share of simulated records, drawn as if these very forecasts were perfectly calibrated, that come out at least this miscalibrated. Below 5% the miscalibration is unlikely to be bad luck.",
        place: Place::Elsewhere,
        value: |g| Value::Share(g.corp.as_ref().and_then(|c| c.brier.mcb_p_value)),
    },
    Column {
        name: "corp_log_loss_mcb",
        label: "Log loss miscalibration (CORP)",
        help: "The same miscalibration measured with the log loss, which weighs confident misses far more: log loss = miscalibration \u{2212} discrimination + uncertainty, each in the log loss's units.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.corp.as_ref().map(|c| c.log_loss.mcb)),
    },
    Column {
        name: "corp_log_loss_dsc",
        label: "Log loss discrimination (CORP)",
        help: "The discrimination measured with the log loss; higher is better.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.corp.as_ref().map(|c| c.log_loss.dsc)),
    },
    Column {
        name: "corp_log_loss_unc",
        label: "Log loss uncertainty (CORP)",
        help: "What always saying the base rate would score under the log loss: at most 0.693 when half the claims came true.",
        place: Place::Elsewhere,
        value: |g| Value::Score(g.corp.as_ref().map(|c| c.log_loss.unc)),
    },
    Column {
        name: "corp_log_loss_mcb_p",
        label: "Log loss miscalibration p-value",
        help: "The same p-value, for the miscalibration measured with the log loss.",
        place: Place::Elsewhere,
        value: |g| Value::Share(g.corp.as_ref().and_then(|c| c.log_loss.mcb_p_value)),
    },
    Column {
        name: "baseline",
        label: "Baseline score",
        help: "Metaculus's baseline score, averaged: 100 \u{d7} (log\u{2082} of the probability given to what happened + 1). 0 for always saying 50%, 100 for certainty on the right side, negative for worse than a coin; higher is better.",
        place: Place::Platform("BASELINE (95% CI)"),
        value: |g| Value::Points(g.platform.baseline),
    },
    Column {
        name: "peer",
        label: "Peer score",
        help: "Metaculus's peer score, averaged: 100 \u{d7} (the natural log of the probability given to what happened minus the average of the same for everyone else who forecast the claim). Positive means better than the others; over all forecasters of a claim it adds up to 0.",
        place: Place::Platform("PEER (95% CI)"),
        value: |g| Value::Points(g.platform.peer),
    },
    Column {
        name: "baseline_ci_low",
        label: "Baseline score, 95% interval: low",
        help: "Where the mean baseline score would likely land on other claims of the same kind, by the same bootstrap over claims as the Brier interval; missing below two claims.",
        place: Place::Elsewhere,
        value: |g| Value::Points(g.platform_intervals.baseline_ci_low),
    },
    Column {
        name: "baseline_ci_high",
        label: "Baseline score, 95% interval: high",
        help: "The upper end of that interval.",
        place: Place::Elsewhere,
        value: |g| Value::Points(g.platform_intervals.baseline_ci_high),
    },
    Column {
        name: "peer_ci_low",
        label: "Peer score, 95% interval: low",
        help: "The same interval for the mean peer score, over the claims on which someone else forecast too.",
        place: Place::Elsewhere,
        value: |g| Value::Points(g.platform_intervals.peer_ci_low),
    },
    Column {
        name: "peer_ci_high",
        label: "Peer score, 95% interval: high",
        help: "The upper end of that interval.",
        place: Place::Elsewhere,
        value: |g| Value::Points(g.platform_intervals.peer_ci_high),
    },
    Column {
        name: "baseline_sum",
        label: "Baseline total",
        help: "The baseline scores added up, as Metaculus ranks a tournament: more forecasts of good quality earn more.",
        place: Place::Platform("BASELINE SUM"),
        value: |g| Value::Points(g.platform.baseline_sum),
    },
    Column {
        name: "peer_sum",
        label: "Peer total",
        help: "The peer scores added up.",
        place: Place::Platform("PEER SUM"),
        value: |g| Value::Points(g.platform.peer_sum),
    },
    Column {
        name: "relative_brier",
        label: "Brier relative to the crowd",
        help: "The Brier score minus the Brier score of the crowd median (the median of everyone's forecasts) on the same claims, averaged: below 0 means more accurate than the crowd.",
        place: Place::Platform("BRIER VS CROWD"),
        value: |g| Value::Diff(g.platform.relative_brier),
    },
];

/// A group's values in [`COLUMNS`] order.
pub fn values(g: &Group) -> Vec<Value> {
    COLUMNS.iter().map(|c| (c.value)(g)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_csv_friendly() {
        let mut names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
        assert!(!names.contains(&"key"), "key is written before the columns");
    }

    #[test]
    fn readme_documents_every_column() {
        let readme = include_str!("../../README.md");
        for c in COLUMNS {
            assert!(
                readme.contains(&format!("`{}`", c.name)),
                "README does not name the report column `{}`",
                c.name
            );
        }
    }

    #[test]
    fn values_serialize_as_plain_data() {
        let json = serde_json::to_string(&[
            Value::Count(3),
            Value::Score(Some(0.25)),
            Value::Share(None),
            Value::Flag(Some(true)),
        ])
        .unwrap();
        assert_eq!(json, "[3,0.25,null,true]");
    }
}
