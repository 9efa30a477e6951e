//! Candidate predictions from an article's text: a pure, rule-based, explainable extractor.
//!
//! [`extract`] splits the text into sentences ([`sentences`]), tokenises each one (`tokens.rs`),
//! looks up estimative phrases in a [`Lexicon`] (data: `lexicon.csv`, format in [`lexicon`]) and the
//! other forecast cues of ESTIMATIVE.md §5 (`cues.rs`), normalises time expressions against the
//! publication date (`horizon.rs`) and proposes the clauses that make a checkable forecast
//! (`analyse.rs`). No I/O, no clock: the publication date comes in as an argument. Every step is
//! linear in the input (two hash look-ups per token for the word and phrase tables; sentences over
//! [`MAX_SENTENCE_TOKENS`] tokens are skipped), and no input makes it panic.
//!
//! # What a candidate says
//!
//! - `statement`: the clause to record, cleaned (white space collapsed, double quotes removed, no
//!   leading conjunction or "that"); for reported speech the reported clause ("Kerry said X" → X), for a
//!   split conditional the consequence (and the condition in its own candidate), for
//!   "analysts expect NP to V" the rewrite "NP will V".
//! - `sentence`/`span`: the sentence exactly as in the input and its character (Unicode scalar) offsets;
//!   `quote`/`quote_span`: an exact substring of the input — the clause for split conditionals, else the
//!   sentence.
//! - `phrase`: the governing estimative phrase (exact text, lexicon row, point/low/high, source).
//!   The phrase's numbers are the probability of the event it qualifies, read positively (the lexicon
//!   rows). **`p` is the implied probability that `statement`, as worded, comes true.** Usually
//!   `p == phrase.point`; when the governing phrase is a negative one ("won't", "unlikely", "probably
//!   not") and sits inside the statement, the statement denies the event, so `p = 1 − point` and
//!   the flag `negated` is set ("Sanctions won't be lifted": phrase "won't" 0.03 = P(lifted), the
//!   measured "never" row clamped; p = 0.97 = P(not lifted)). This is the complement of the same
//!   measured reading, never a negative phrase's value derived from its positive (§4 rule 2).
//!   `p_low`/`p_high` carry the range the same way. A probability written in figures ("a 35% chance
//!   of", "put the odds at 35%") overrides any phrase (source "stated in the text"). `p` is `None` for
//!   hedges, for conditions and for cues without a probability (intentions such as "plans to").
//! - `resolve_by`: from the time expression (recorded in `horizon_text`), or publication + 12 months
//!   with `horizon_inferred`; vague words ("soon", "eventually") also set `horizon_inferred`.
//! - `cues`: each cue found (kind and exact text; one per distinct kind and text, at most 12), which
//!   with `phrase` and `flags` explains why the clause was proposed.
//! - `speaker`: the named source of reported speech ("Kerry said", "according to the IMF", "..., said
//!   Anna Berg", "Obama's statement that"); `None` for the writer's own view or an unnamed "he".
//! - `flags`: `hedge_only`, `horizon_inferred`, `low_confidence`, `reported_speech`, `negated`
//!   (the statement is worded negatively), `conditional` (depends on `condition`), `condition_of`
//!   (this candidate is the condition of another).
//! - `score` in [0, 1] ranks candidates and is calibrated (about that share of candidates at a score
//!   are real predictions): a Platt scaling (`analyse::CALIBRATION`) of evidence where a stronger cue
//!   (estimative/semi-modal/prediction verb > will > modal > intention), an explicit date, a figure or
//!   a name in the statement, a named speaker and a conditional structure count for; low confidence,
//!   very short or very long statements, a vague trend with no end point and a headline count against.
//!   [`DEFAULT_MIN_SCORE`] is the CLI's default threshold.
//!
//! Text from web pages is analysed with its HTML references decoded (`entities.rs`); spans, `sentence`
//! and `quote` are mapped back onto the original text. A statement proposed twice is kept once.
//!
//! Not proposed (each rule in `analyse.rs`): obligations ("will need to decide whether"), someone's
//! doubt raised or dismissed ("critics stoke fears that ..."), the writer's past wishes ("I had always
//! promised myself that I would ..."), rule text ("any member may ... in accordance with"),
//! counterfactuals ("if it were ..., he would be leading"), ellipses ("but this one will not be"),
//! questions, past-tense reports and present facts (no live forecast cue), recommendations
//! (deontic "should"/"must"/"need to"/"ought to" before the cue; see `analyse.rs` for the "should"
//! policy), evaluations ("it will be prudent to"), counterfactual "would have", and bare "would" with no
//! condition, report or date ("a situation which would please strategists").

mod analyse;
mod cues;
mod entities;
mod horizon;
pub mod lexicon;
pub mod sentences;
mod tokens;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use lexicon::{Entry, EntryKind, Lexicon, LexiconError};

/// Flag names used in [`Candidate::flags`].
pub mod flags {
    pub const HEDGE_ONLY: &str = "hedge_only";
    pub const HORIZON_INFERRED: &str = "horizon_inferred";
    pub const LOW_CONFIDENCE: &str = "low_confidence";
    pub const REPORTED_SPEECH: &str = "reported_speech";
    pub const NEGATED: &str = "negated";
    pub const CONDITIONAL: &str = "conditional";
    pub const CONDITION_OF: &str = "condition_of";
    pub const DECLINED: &str = "declined";
}

/// Sentences longer than this many tokens are not analysed (no prose sentence is; a huge unpunctuated
/// line would otherwise cost work for nothing).
pub const MAX_SENTENCE_TOKENS: usize = 400;

/// The kind of a forecast cue (ESTIMATIVE.md §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    /// will, shall, 'll, won't, going to, about to, "is to".
    Future,
    /// would, could, may, might, epistemic should.
    Modal,
    /// expected to, likely to, set to, poised to, due to, on track to, ...
    SemiModal,
    /// predict, expect, forecast, anticipate, doubt, ...
    PredictionVerb,
    /// Estimative adverbs and phrases: probably, almost certainly, a good chance, ...
    Estimative,
    /// Non-committal hedge: it remains to be seen, time will tell, ...
    Hedge,
    /// if, if and when, unless, once, provided that, ...
    Conditional,
    /// A time expression.
    Time,
    /// not, never, won't, unlikely, ...
    Negation,
    /// said, told, according to, reports that, ...
    Reporting,
    /// plans to, mulling, threatens to, vows to, ...
    Intention,
}

/// One cue found in the sentence: its kind and its exact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cue {
    pub kind: CueKind,
    pub text: String,
}

/// The governing estimative phrase and its reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhraseReading {
    /// The phrase as it stands in the input (with its intensifier, if any).
    pub text: String,
    /// The lexicon row the numbers come from.
    pub entry: String,
    pub point: f64,
    pub low: f64,
    pub high: f64,
    pub source: String,
    pub kind: EntryKind,
}

/// A range of Unicode scalar values (characters) in the input: `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A proposed checkable prediction (see the module doc for each field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub statement: String,
    pub sentence: String,
    pub span: Span,
    pub quote: String,
    pub quote_span: Span,
    pub cues: Vec<Cue>,
    pub phrase: Option<PhraseReading>,
    pub p: Option<f64>,
    pub p_low: Option<f64>,
    pub p_high: Option<f64>,
    pub resolve_by: NaiveDate,
    pub horizon_text: Option<String>,
    pub speaker: Option<String>,
    /// Id of the condition candidate this one depends on.
    pub condition: Option<String>,
    pub flags: Vec<String>,
    /// The calibrated score (see `analyse::CALIBRATION`).
    pub score: f64,
    /// The uncalibrated evidence the score is computed from (kept for refitting the calibration).
    #[serde(skip)]
    pub raw_score: f64,
}

impl Candidate {
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// The default `--min-score`: candidates scoring below it are hidden unless `--all` is given
/// (chosen on the fixture articles; see the README's `extract` section).
pub const DEFAULT_MIN_SCORE: f64 = 0.3;

/// Drops candidates scoring below `min`, but keeps the condition of any claim that stays.
pub fn keep_above(candidates: &mut Vec<Candidate>, min: f64) {
    let needed: Vec<String> = candidates
        .iter()
        .filter(|c| c.score >= min)
        .filter_map(|c| c.condition.clone())
        .collect();
    candidates.retain(|c| c.score >= min || needed.contains(&c.id));
}

/// Proposes the checkable predictions in `text`, published on `published`, best first.
///
/// Ids ("x1", "x2", ...) follow the order of the text, a condition before the claim that depends on
/// it; the result is sorted by score (descending), with each condition placed right before its
/// dependent claim, so the order is also a valid import order.
pub fn extract(text: &str, published: NaiveDate, lexicon: &Lexicon) -> Vec<Candidate> {
    // Web text: analyse the decoded text, then map every span back onto the original.
    let decoded = entities::decode(text);
    let analysed = decoded.as_ref().map_or(text, |d| d.text.as_str());
    let mut out: Vec<Candidate> = Vec::new();
    let mut toks = tokens::Tokens::default();
    // The last person named as saying something, for "She added that ..." in a later sentence.
    let mut last_speaker: Option<String> = None;
    for s in sentences::split(analysed) {
        let Some(sentence) = analysed.get(s.start..s.end) else {
            continue;
        };
        if !tokens::tokenize_into(&mut toks, sentence, MAX_SENTENCE_TOKENS) {
            continue;
        }
        cues::classify_with(&mut toks, Some(lexicon));
        let ctx = analyse::Ctx {
            sentence,
            span: Span {
                start: s.char_start,
                end: s.char_end,
            },
            lex: lexicon,
            published,
            last_speaker: last_speaker.as_deref(),
            heading: is_heading(analysed, s.start, s.end),
        };
        analyse::analyse(&ctx, &toks, &mut out);
        if let Some(name) = analyse::named_speaker(&ctx, &toks) {
            last_speaker = Some(name);
        }
    }
    dedupe(&mut out);
    if let Some(d) = &decoded {
        to_original(text, d, &mut out);
    }
    rank(&mut out);
    out
}

/// A line that stands alone without final punctuation and is short: a headline or a heading, not
/// prose ("Regulator poised to rule on first fund"). Its claim is usually the body's too, so it
/// ranks lower.
fn is_heading(text: &str, start: usize, end: usize) -> bool {
    let sentence = &text[start..end];
    let last = sentence
        .chars()
        .rev()
        .find(|&c| !matches!(c, '"' | '\'' | ')' | '\u{201D}' | '\u{2019}'));
    if last.is_some_and(|c| matches!(c, '.' | '!' | '?' | '\u{2026}' | ',' | ';')) {
        return false;
    }
    let own_line_before = text[..start]
        .trim_end_matches([' ', '\t', '\r'])
        .chars()
        .next_back()
        .is_none_or(|c| c == '\n');
    let own_line_after = text[end..]
        .trim_start_matches([' ', '\t', '\r'])
        .chars()
        .next()
        .is_none_or(|c| c == '\n');
    own_line_before && own_line_after && sentence.split_whitespace().count() <= 16
}

/// One candidate per claim: a statement proposed twice (a repeated pull quote, or two readings of
/// one sentence where one statement contains the other) keeps its first, best-scored reading.
/// Conditions and the claims that depend on them are left alone. Ids are renumbered in text order.
fn dedupe(cands: &mut Vec<Candidate>) {
    let key = |c: &Candidate| c.statement.to_lowercase();
    let paired = |c: &Candidate| c.condition.is_some() || c.has_flag(flags::CONDITION_OF);
    let mut drop = vec![false; cands.len()];
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for i in 0..cands.len() {
        if paired(&cands[i]) {
            continue;
        }
        let ki = key(&cands[i]);
        if !seen.insert(ki.clone()) {
            drop[i] = true;
            continue;
        }
        // Earlier candidates of the same sentence (they are contiguous).
        let mut j = i;
        while j > 0 && cands[j - 1].span == cands[i].span {
            j -= 1;
            if drop[j] || paired(&cands[j]) {
                continue;
            }
            let kj = key(&cands[j]);
            if ki.contains(&kj) || kj.contains(&ki) {
                let worse = if cands[i].score > cands[j].score {
                    j
                } else {
                    i
                };
                drop[worse] = true;
            }
        }
    }
    if !drop.iter().any(|&d| d) {
        return;
    }
    let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
    let mut renamed: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (c, d) in std::mem::take(cands).into_iter().zip(drop) {
        if d {
            continue;
        }
        let mut c = c;
        let id = format!("x{}", kept.len() + 1);
        renamed.insert(std::mem::replace(&mut c.id, id.clone()), id);
        kept.push(c);
    }
    for c in &mut kept {
        if let Some(cond) = c.condition.take() {
            c.condition = renamed.get(&cond).cloned().or(Some(cond));
        }
    }
    *cands = kept;
}

/// Maps the spans of candidates found in the decoded text back onto the original `text`, and takes
/// `sentence` and `quote` from it, so both stay exact substrings of the input.
fn to_original(text: &str, d: &entities::Decoded, cands: &mut [Candidate]) {
    let map = |s: Span| Span {
        start: d.to_original(s.start, false),
        end: d.to_original(s.end, true),
    };
    for c in cands.iter_mut() {
        c.span = map(c.span);
        c.quote_span = map(c.quote_span);
    }
    // Character offsets to bytes in one pass over the text.
    let mut wanted: Vec<usize> = cands
        .iter()
        .flat_map(|c| {
            [
                c.span.start,
                c.span.end,
                c.quote_span.start,
                c.quote_span.end,
            ]
        })
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut bytes_at: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut w = wanted.iter().peekable();
    for (ci, (bi, _)) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
        .enumerate()
    {
        while w.peek().is_some_and(|&&x| x == ci) {
            bytes_at.insert(ci, bi);
            w.next();
        }
        if w.peek().is_none() {
            break;
        }
    }
    let slice = |s: Span| -> String {
        match (bytes_at.get(&s.start), bytes_at.get(&s.end)) {
            (Some(&a), Some(&b)) => text.get(a..b).unwrap_or("").to_string(),
            _ => String::new(),
        }
    };
    for c in cands.iter_mut() {
        c.sentence = slice(c.span);
        c.quote = slice(c.quote_span);
    }
}

/// Sorts by score, best first, keeping each condition right before the claim that depends on it
/// (a condition is always emitted just before its dependent and carries the dependent's score).
fn rank(cands: &mut [Candidate]) {
    let n = cands.len();
    // (score, descending) then the position of the group's first member, then condition first.
    let mut order: Vec<usize> = (0..n).collect();
    let anchor = |i: usize| -> usize {
        if cands[i].condition.is_some() {
            i.saturating_sub(1)
        } else {
            i
        }
    };
    order.sort_by(|&x, &y| {
        cands[y]
            .score
            .total_cmp(&cands[x].score)
            .then(anchor(x).cmp(&anchor(y)))
            .then(x.cmp(&y))
    });
    // Apply the permutation in place (cycle by cycle), so the candidates are moved once.
    let mut placed = vec![false; n];
    for start in 0..n {
        if placed[start] {
            continue;
        }
        // Position `p` must receive the candidate now at `order[p]`.
        let mut p = start;
        loop {
            placed[p] = true;
            let src = order[p];
            if src == start {
                break;
            }
            cands.swap(p, src);
            p = src;
        }
    }
}

#[cfg(test)]
mod tests;
