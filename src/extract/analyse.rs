//! Per-sentence analysis: finds the clauses that make a checkable forecast and turns each into a
//! candidate (or two, for a conditional: the condition and the consequence that depends on it).
//!
//! The steps for one sentence, each a linear pass over its tokens:
//! 1. match the lexicon phrases, the static cue phrases (hedges, conditionals, intentions) and the time
//!    expressions; a sentence with none of them is left at once;
//! 2. drop questions (the sentence ends with `?`);
//! 3. cut the sentence into segments at `;`, dashes, colons and at commas before "but", "while",
//!    "with", ... or before "and"/"or"/"so" that open a new clause;
//! 4. in each segment, decide which cues are live: each lexicon hit is checked in context (the noun
//!    "will", the month "May", "going to the polls", "set to" without a verb, past "would have",
//!    deontic "should", evaluative "it will be prudent to", bare "would" with nothing that makes it a
//!    forecast, ...); a segment with a deontic "must/need to/ought to/should" before its first cue is a
//!    recommendation and is dropped, and so is a segment with no live cue (present fact, past report);
//! 5. find the reporting frame ("X said (that)", "according to X", "X's statement that", "reports
//!    about", a trailing ", X said") to record the speaker and keep only the reported clause;
//! 6. split a conditional at its marker ("if", "if and when", "unless", "once", "provided that", an
//!    initial "should"): the consequence becomes the claim, the condition its own candidate;
//! 7. choose the governing estimative phrase, the horizon and the flags, and score the candidate.
//!
//! "should" policy (the hard call of the spec): read as an epistemic forecast (0.70, ESTIMATIVE.md §4.1)
//! only when the subject is not "I/we/you" and either a future time expression is in the clause, or the
//! verb after it is an outcome verb used without a direct object ("the bill should pass", "growth
//! should recover"); otherwise it is a recommendation ("the US should punish Russia") and not proposed.

use chrono::NaiveDate;

use super::cues::{self, Phrase};
use super::horizon::{self, TimeExpr};
use super::lexicon::{EntryKind, Hit, Lexicon};
use super::tokens::{TokKind, Tokens};
use super::{flags, Candidate, Cue, CueKind, PhraseReading, Span};

/// The id of the candidate at position `i` of the output (ids follow the order of the text).
fn id_at(i: usize) -> String {
    format!("x{}", i + 1)
}

/// What a lexicon hit does in its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Marks the clause as a forecast by itself.
    Trigger,
    /// Gives a probability but needs another trigger or a future time ("probably", "we believe").
    Modifier,
    /// A trigger only when the clause is conditional, reported or dated (bare "would").
    NeedsContext,
    /// A trigger only with an explicit future date ("was going to", "was expected to").
    PastFuture,
    /// Deontic: the clause is a recommendation.
    Deontic,
    /// Not a cue here (noun "will", month "May", "going to the polls", past "would have").
    Dead,
}

#[derive(Debug, Clone, Copy)]
struct Live {
    hit: Hit,
    role: Role,
    cue: CueKind,
    /// A weak reading: the candidate gets `low_confidence`.
    weak: bool,
    /// Silenced because it sits in a relative clause next to a main-clause cue.
    relative: bool,
}

const MAX_STATEMENT_WORDS: usize = 60;

/// Nouns before "is to"/"are to" that make it a copula ("the aim is to cut costs"), not a future.
const AIM_NOUNS: &[&str] = &[
    "aim",
    "goal",
    "plan",
    "idea",
    "objective",
    "task",
    "challenge",
    "priority",
    "hope",
    "point",
    "solution",
    "answer",
    "way",
    "purpose",
    "intention",
    "mission",
    "job",
    "role",
    "problem",
    "question",
    "issue",
    "strategy",
    "focus",
    "key",
    "step",
    "option",
    "alternative",
    "choice",
    "temptation",
    "risk",
    "danger",
    "fear",
    "worry",
    "concern",
    "aims",
    "goals",
    "plans",
    "idea",
    "thing",
    "trick",
    "rule",
    "test",
    "intent",
    "ambition",
    "dream",
    "wish",
    "desire",
    "instinct",
    "secret",
    "recipe",
    "lesson",
    "remedy",
    "cure",
    "need",
];

/// Last words of estimative phrases that act as predicate adjectives ("a deal is likely").
const PRED_ADJ: &[&str] = &[
    "likely",
    "unlikely",
    "probable",
    "improbable",
    "inevitable",
    "certain",
    "doubtful",
    "impossible",
    "possible",
];

/// Last words of estimative phrases that name a chance ("there is little chance of a deal").
const CHANCE_WORDS: &[&str] = &[
    "chance",
    "chances",
    "possibility",
    "odds",
    "probability",
    "likelihood",
    "doubt",
    "toss-up",
    "50-50",
    "fifty-fifty",
    "flip",
    "dunk",
    "thing",
    "time",
    "out",
    "exclude",
    "dismiss",
    "discount",
    "even",
    "are",
    "slight",
];

/// Prediction verbs of the lexicon ("analysts expect a slowdown").
const PRED_VERBS: &[&str] = &[
    "expect",
    "expects",
    "expecting",
    "anticipate",
    "anticipates",
    "predict",
    "predicts",
    "forecast",
    "forecasts",
    "foresee",
    "foresees",
    "doubt",
    "doubts",
];

/// Nouns after a predicate adjective that make it a forecast ("the most probable result").
const OUTCOME_NOUNS: &[&str] = &[
    "result",
    "outcome",
    "scenario",
    "winner",
    "loser",
    "successor",
    "nominee",
    "candidate",
    "consequence",
    "course",
    "path",
];

pub(crate) struct Ctx<'a> {
    pub sentence: &'a str,
    pub span: Span,
    pub lex: &'a Lexicon,
    pub published: NaiveDate,
    /// The person last named as saying something in an earlier sentence ("Marsh told reporters"),
    /// who is the "she" of "She added that ...".
    pub last_speaker: Option<&'a str>,
    /// The sentence is a headline or heading (a short line without final punctuation).
    pub heading: bool,
}

/// Whether token `k` is a word starting with a capital letter.
fn is_capitalised_word(t: &Tokens, k: usize) -> bool {
    t.toks
        .get(k)
        .is_some_and(|x| x.cap && x.kind == TokKind::Word)
}

/// The end of the run of capitalised words that starts at `from` (`from` itself if none).
fn capitalised_run_end(t: &Tokens, from: usize) -> usize {
    let mut end = from;
    while is_capitalised_word(t, end) {
        end += 1;
    }
    end
}

fn norm(t: &Tokens, i: usize) -> &str {
    t.norm(i)
}

/// Index of the next token after `i` that is not an adverb, "not" or quotation mark (for "will
/// probably not be" → "be").
fn next_content(t: &Tokens, mut i: usize, b: usize) -> usize {
    loop {
        // "could one day supply", "will some day": a vague time between the modal and its verb.
        if matches!(norm(t, i), "one" | "some") && norm(t, i + 1) == "day" {
            i += 2;
            continue;
        }
        break;
    }
    while i < b
        && (cues::is_quote(t, i)
            || (cues::has(t, i, cues::ADVERB | cues::NEG) && norm(t, i) != "be")
            || matches!(norm(t, i), "yet" | "still"))
    {
        i += 1;
    }
    i
}

fn prev_word(t: &Tokens, i: usize) -> &str {
    let mut k = i;
    while k > 0 {
        k -= 1;
        if !cues::is_quote(t, k) {
            return norm(t, k);
        }
    }
    ""
}

fn prev_index(t: &Tokens, i: usize) -> Option<usize> {
    let mut k = i;
    while k > 0 {
        k -= 1;
        if !cues::is_quote(t, k) {
            return Some(k);
        }
    }
    None
}

/// Decides the role of one lexicon hit in its sentence.
fn role_of(
    t: &Tokens,
    hit: Hit,
    key: &str,
    kind: EntryKind,
    seg: (usize, usize),
    future_time: bool,
) -> (Role, CueKind, bool) {
    let first = norm(t, hit.start);
    let last = norm(t, hit.end.saturating_sub(1));
    let prev = prev_word(t, hit.start);
    let prev_i = prev_index(t, hit.start);
    let nx = next_content(t, hit.end, seg.1);
    let next = norm(t, nx);
    let has_word = |w: &str| key.split(' ').any(|k| k == w);
    let relative = matches!(prev, "which" | "that" | "who");

    match kind {
        EntryKind::Intensifier => (Role::Dead, CueKind::Estimative, false),
        EntryKind::Flat | EntryKind::FlatNegative => {
            if first == "will" && prev_i.is_some_and(|p| cues::has(t, p, cues::WILL_NOUN_PRE)) {
                return (Role::Dead, CueKind::Future, false);
            }
            if obligation_at(t, hit.end, nx) {
                return (Role::Deontic, CueKind::Future, false);
            }
            // "the next week will show why", "the vote will tell whether": a hedge with no claim.
            if matches!(next, "show" | "tell" | "reveal" | "determine" | "decide")
                && cues::has(t, nx + 1, cues::WH)
            {
                return (Role::Dead, CueKind::Future, false);
            }
            if first == "would" {
                if next == "have" && cues::pastish(t, nx + 1) {
                    return (Role::Dead, CueKind::Modal, false);
                }
                if cues::has(t, nx, cues::DESIRE) {
                    return (Role::Dead, CueKind::Modal, false);
                }
                return (Role::NeedsContext, CueKind::Modal, relative);
            }
            if key.ends_with("going to") || key == "about to" {
                if !cues::verbish(t, hit.end) {
                    return (Role::Dead, CueKind::Future, false);
                }
                if key == "about to" && !prev_i.is_some_and(|p| cues::has(t, p, cues::BE)) {
                    return (Role::Dead, CueKind::Future, false);
                }
                if prev_i.is_some_and(|p| cues::has(t, p, cues::BE_PAST)) {
                    return (Role::PastFuture, CueKind::Future, false);
                }
                return (Role::Trigger, CueKind::Future, false);
            }
            if key == "is to" || key == "are to" {
                // "the aim is to", "the key to lower prices is to": the subject's head noun says
                // what is wanted, not what will happen.
                let aim = AIM_NOUNS.contains(&prev)
                    || prev_i.is_none()
                    || (seg.0..hit.start)
                        .rev()
                        .take(6)
                        .take_while(|&k| !cues::is_any_punct(t, k))
                        .any(|k| AIM_NOUNS.contains(&norm(t, k)));
                if aim || !cues::verbish(t, hit.end) || norm(t, hit.end) == "blame" {
                    return (Role::Dead, CueKind::Future, false);
                }
                return (Role::Trigger, CueKind::Future, true);
            }
            if key == "never" {
                if prev_i.is_some_and(|p| cues::has(t, p, cues::HAVE | cues::BE_PAST))
                    || cues::pastish(t, nx)
                {
                    return (Role::Dead, CueKind::Negation, false);
                }
                return (Role::Modifier, CueKind::Negation, false);
            }
            // will / shall / will not / will never
            if next == "have" && cues::pastish(t, nx + 1) && first != "will" && first != "shall" {
                return (Role::Dead, CueKind::Future, false);
            }
            if matches!(next, "?") {
                return (Role::Dead, CueKind::Future, false);
            }
            (Role::Trigger, CueKind::Future, false)
        }
        EntryKind::Modal => {
            if first == "should" {
                return should_role(t, hit, prev_i, seg, future_time);
            }
            if obligation_at(t, hit.end, nx) {
                return (Role::Deontic, CueKind::Modal, false);
            }
            // "Any member may ask for a vote", "the league may fine any club": a permission, as in
            // rules and treaties, not a forecast.
            if matches!(first, "may" | "can") && permission(t, hit.start, seg.0) {
                return (Role::Dead, CueKind::Modal, false);
            }
            if next == "have" && cues::pastish(t, nx + 1) {
                return (Role::Dead, CueKind::Modal, false);
            }
            if cues::has(t, nx, cues::INFER) {
                return (Role::Dead, CueKind::Modal, false);
            }
            if first == "may" {
                let tok = t.toks.get(hit.start);
                let cap_inside = tok.is_some_and(|k| k.cap) && hit.start > seg.0;
                let month_ctx = t
                    .toks
                    .get(hit.end)
                    .is_some_and(|k| k.kind == TokKind::Number)
                    || prev_i.is_some_and(|p| cues::has(t, p, cues::PREP));
                if cap_inside || month_ctx {
                    return (Role::Dead, CueKind::Modal, false);
                }
            }
            if first == "might"
                && (prev_i.is_some_and(|p| cues::has(t, p, cues::DET | cues::PREP))
                    || matches!(
                        prev,
                        "military" | "economic" | "naval" | "industrial" | "financial"
                    ))
            {
                return (Role::Dead, CueKind::Modal, false);
            }
            if !cues::verbish(t, nx) {
                return (Role::Dead, CueKind::Modal, false);
            }
            (Role::Trigger, CueKind::Modal, relative)
        }
        EntryKind::Estimative | EntryKind::Negative | EntryKind::Weak => {
            let contains_future = has_word("will") || has_word("shall") || has_word("would");
            if last == "to" {
                // Semi-modal predicates: "expected to", "set to", "poised to", "on its way to".
                let needs_be = matches!(
                    key,
                    "set to" | "due to" | "bound to" | "sure to" | "certain to"
                );
                let be_before = prev_i.is_some_and(|p| {
                    cues::has(t, p, cues::BE)
                        || matches!(
                            norm(t, p),
                            "seems"
                                | "seem"
                                | "looks"
                                | "look"
                                | "appears"
                                | "appear"
                                | "seemed"
                                | "looked"
                        )
                });
                let after = norm(t, hit.end);
                let verb_after = cues::verbish(t, hit.end) || after.ends_with("ing");
                if needs_be && (!be_before || prev_i == Some(seg.0) && prev == "be") {
                    return (Role::Dead, CueKind::SemiModal, false);
                }
                if !verb_after {
                    return (Role::Dead, CueKind::SemiModal, false);
                }
                if prev_i.is_some_and(|p| cues::has(t, p, cues::BE_PAST)) {
                    return (Role::PastFuture, CueKind::SemiModal, false);
                }
                return (Role::Trigger, CueKind::SemiModal, false);
            }
            if contains_future {
                return (Role::Trigger, CueKind::Future, false);
            }
            if PRED_VERBS.contains(&last)
                || key == "we expect"
                || key == "i expect"
                || key == "we doubt"
            {
                if prev_i.is_some_and(|p| cues::has(t, p, cues::DET)) || prev == "'s" {
                    return (Role::Dead, CueKind::PredictionVerb, false);
                }
                // "doubts about/over the plan", "cast doubt on": nouns.
                if matches!(last, "doubt" | "doubts")
                    && (matches!(norm(t, hit.end), "about" | "over" | "on" | "as" | "in")
                        || matches!(
                            prev,
                            "cast"
                                | "casts"
                                | "raise"
                                | "raised"
                                | "raises"
                                | "no"
                                | "little"
                                | "some"
                                | "any"
                                | "much"
                                | "without"
                                | "beyond"
                        ))
                {
                    return (Role::Modifier, CueKind::PredictionVerb, false);
                }
                if matches!(next, "." | "," | ";" | "" | ")" | "as")
                    || cues::has(t, nx, cues::BE | cues::MODAL)
                {
                    // "as expected", "the most they expect is ...": no forecast complement.
                    return (Role::Dead, CueKind::PredictionVerb, false);
                }
                return (Role::Trigger, CueKind::PredictionVerb, false);
            }
            if PRED_ADJ.contains(&last) {
                let after = norm(t, hit.end);
                let to_verb = after == "to" && cues::verbish(t, hit.end + 1);
                let be_before = prev_i.is_some_and(|p| {
                    cues::has(t, p, cues::BE)
                        || matches!(
                            norm(t, p),
                            "seems" | "looks" | "appears" | "remains" | "seem" | "look" | "appear"
                        )
                });
                let predicate_end = cues::is_any_punct(t, hit.end)
                    || hit.end >= seg.1
                    || matches!(
                        after,
                        "that"
                            | "in"
                            | "by"
                            | "this"
                            | "next"
                            | "before"
                            | "within"
                            | "to"
                            | "for"
                            | "at"
                            | "soon"
                            | "now"
                            | "anytime"
                            | "any"
                            | "if"
                            | "unless"
                            | "once"
                    );
                if to_verb || (after == "that" && !cues::is_any_punct(t, hit.end + 1)) {
                    return (Role::Trigger, CueKind::SemiModal, kind == EntryKind::Weak);
                }
                if be_before && predicate_end {
                    return (Role::Trigger, CueKind::Estimative, kind == EntryKind::Weak);
                }
                if OUTCOME_NOUNS.contains(&after) {
                    return (Role::Trigger, CueKind::Estimative, kind == EntryKind::Weak);
                }
                return (Role::Modifier, CueKind::Estimative, kind == EntryKind::Weak);
            }
            if CHANCE_WORDS.contains(&last)
                || key.contains("ruled out")
                || key.contains("rule out")
                || key == "a chance that"
            {
                return (Role::Trigger, CueKind::Estimative, kind == EntryKind::Weak);
            }
            if key == "could reach" {
                // A tail scenario (ESTIMATIVE.md §3.4): always a weak reading.
                return (Role::Trigger, CueKind::Modal, true);
            }
            if matches!(last, "believe" | "believes" | "think" | "thinks" | "bet") {
                return (Role::Modifier, CueKind::PredictionVerb, false);
            }
            (Role::Modifier, CueKind::Estimative, kind == EntryKind::Weak)
        }
    }
}

/// Whether the verb at `v` (after "will", "would", "could", ... ending at `after`) makes the clause
/// a requirement rather than a forecast: "will need to decide whether", "will have to re-evaluate",
/// "will require bolder steps", "would need to be ratified". What someone must deliberate, choose
/// or approve is not checkable; a forced concrete outcome ("hospitals will have to postpone
/// surgery") and a negated need ("will not need to raise funds") stay forecasts.
pub(crate) fn obligation_at(t: &Tokens, after: usize, v: usize) -> bool {
    const DELIBERATE: &[&str] = &[
        "decide",
        "determine",
        "choose",
        "consider",
        "reconsider",
        "evaluate",
        "re-evaluate",
        "reevaluate",
        "reassess",
        "rethink",
        "think",
        "weigh",
        "find",
        "show",
        "prove",
        "explain",
        "justify",
        "convince",
        "persuade",
        "work",
        "act",
        "do",
        "take",
        "make",
        "address",
        "tackle",
        "confront",
        "deal",
        "learn",
        "accept",
        "adapt",
        "balance",
        "be",
        "get",
        "look",
        "strike",
        "answer",
        "respond",
        "settle",
        "agree",
        "approve",
        "ratify",
        "win",
        "earn",
    ];
    if (after..v).any(|k| cues::has(t, k, cues::NEG)) {
        return false;
    }
    match norm(t, v) {
        "need" | "have" => norm(t, v + 1) == "to" && DELIBERATE.contains(&norm(t, v + 2)),
        "require" | "demand" | "necessitate" => true,
        "be" => matches!(
            norm(t, v + 1),
            "required" | "obliged" | "compelled" | "necessary" | "needed"
        ),
        _ => false,
    }
}

/// Whether "may"/"can" at `m` grants a permission: its subject opens with a quantifier ("any member
/// state may", "each party may", "either side can").
fn permission(t: &Tokens, m: usize, seg_start: usize) -> bool {
    const QUANT: &[&str] = &["any", "each", "every", "either", "no"];
    let mut s = m;
    while s > seg_start && !cues::is_any_punct(t, s - 1) && m - s < 8 {
        s -= 1;
    }
    QUANT.contains(&norm(t, s)) || (cues::has(t, s, cues::DET) && QUANT.contains(&norm(t, s + 1)))
}

/// "Opponents stoke doubts that the other side will ever agree", "critics dismissed fears that ...":
/// someone else's doubt or claim, raised or rejected, whose content nobody here asserts. A verb of
/// stirring up or dismissing, then (within three words) a noun of doubt or claim and its "that".
fn dismissed_report(t: &Tokens, cs: usize, first_trigger: usize) -> bool {
    const STIR: &[&str] = &[
        "stoke",
        "stokes",
        "stoked",
        "stoking",
        "fuel",
        "fuels",
        "fuelled",
        "fueled",
        "fuelling",
        "fueling",
        "sow",
        "sows",
        "sowed",
        "sowing",
        "spread",
        "spreads",
        "spreading",
        "dismiss",
        "dismisses",
        "dismissed",
        "dismissing",
        "reject",
        "rejects",
        "rejected",
        "rejecting",
        "downplay",
        "downplays",
        "downplayed",
        "deny",
        "denies",
        "denied",
        "ridicule",
        "ridiculed",
        "mock",
        "mocked",
        "scoff",
        "scoffed",
    ];
    const NOUNS: &[&str] = &[
        "doubt",
        "doubts",
        "fear",
        "fears",
        "claim",
        "claims",
        "suggestion",
        "suggestions",
        "speculation",
        "talk",
        "idea",
        "notion",
        "rumour",
        "rumours",
        "rumor",
        "rumors",
        "worries",
        "concerns",
        "warnings",
        "predictions",
    ];
    (cs..first_trigger.max(cs + 1)).any(|k| {
        STIR.contains(&norm(t, k))
            && (k + 1..k + 4).any(|n| {
                NOUNS.contains(&norm(t, n)) && matches!(norm(t, n + 1), "that" | "of" | "about")
            })
    })
}

/// "I had always promised myself that I would repeat the trip": the writer's own past intention or
/// wish, told as narration. An assertive verb ("years ago I wrote that X would ...") stays: the
/// writer's earlier forecast is still checkable.
fn first_person_narration(t: &Tokens, cs: usize, frame: Option<Frame>) -> bool {
    const WISH: &[&str] = &[
        "promised", "promise", "vowed", "vow", "swore", "swear", "hoped", "hope", "wished", "wish",
        "wanted", "want", "decided", "resolved", "dreamed", "dreamt", "intended", "planned",
    ];
    let Some(f) = frame.filter(|f| !f.is_noun && !f.predictive) else {
        return false;
    };
    let subject = (cs..f.verb).find(|&k| !cues::has(t, k, cues::CONNECTIVE | cues::SUBORD));
    let first_person = subject.is_some_and(|k| matches!(norm(t, k), "i" | "we"));
    let reflexive = matches!(norm(t, f.verb + 1), "myself" | "ourselves");
    first_person && (WISH.contains(&norm(t, f.verb)) || reflexive)
}

/// "If it were the economy that decided, he would be leading", "if they had listened, they would not
/// be here": an "if" clause in the subjunctive or with "had" makes the consequence
/// counterfactual (contrary to fact), not a forecast. "If prices were to fall" stays: a future
/// hypothesis.
fn counterfactual(
    t: &Tokens,
    cond_marker: Option<(usize, usize, bool)>,
    b: usize,
    live: &[Live],
) -> bool {
    let Some((ms, me, _)) = cond_marker else {
        return false;
    };
    if norm(t, ms) != "if" {
        return false;
    }
    let unreal = (me..b.min(me + 12))
        .take_while(|&k| !cues::is_punct(t, k, ","))
        .any(|k| match norm(t, k) {
            "were" => norm(t, k + 1) != "to",
            // "if the rains had come", "if they had more money": past perfect or unreal present.
            "had" => norm(t, k + 1) != "to",
            _ => false,
        });
    unreal
        && live.iter().any(|l| {
            l.role == Role::Trigger && matches!(norm(t, l.hit.start), "would" | "could" | "might")
        })
}

/// Rule or treaty text: "may withdraw in accordance with article 12", "pursuant to", "under article
/// 7", when what it says is only what may or shall be done.
fn legal_text(t: &Tokens, cs: usize, b: usize, live: &[Live]) -> bool {
    let marker = (cs..b).any(|k| {
        let w = norm(t, k);
        (w == "accordance" && norm(t, k + 1) == "with")
            || w == "pursuant"
            || (matches!(w, "article" | "clause" | "rule" | "section")
                && t.toks.get(k + 1).is_some_and(|x| x.kind == TokKind::Number))
    });
    marker
        && live
            .iter()
            .filter(|l| l.role == Role::Trigger)
            .all(|l| matches!(norm(t, l.hit.start), "may" | "shall" | "can" | "might"))
}

/// A statement ending on an auxiliary, a modal or "not" ("this one will not be", "they would"):
/// an ellipsis whose content is elsewhere.
fn elliptical(t: &Tokens, a: usize, b: usize) -> bool {
    let mut e = b;
    while e > a && cues::is_any_punct(t, e - 1) {
        e -= 1;
    }
    e > a
        && (cues::has(
            t,
            e - 1,
            cues::MODAL | cues::BE | cues::HAVE | cues::DO | cues::NEG,
        ) || norm(t, e - 1) == "to")
}

/// The epistemic/deontic decision for "should" (see the module doc).
fn should_role(
    t: &Tokens,
    hit: Hit,
    prev_i: Option<usize>,
    seg: (usize, usize),
    future_time: bool,
) -> (Role, CueKind, bool) {
    if prev_i.is_some_and(|p| cues::has(t, p, cues::SUBJ_PRON_1)) {
        return (Role::Deontic, CueKind::Modal, false);
    }
    // Sentence-initial "Should X happen, Y will ...": an inverted condition, handled as a marker.
    if hit.start == seg.0 || prev_i.is_none() {
        return (Role::Dead, CueKind::Modal, false);
    }
    let v = next_content(t, hit.end, seg.1);
    if norm(t, v) == "have" {
        return (Role::Dead, CueKind::Modal, false);
    }
    if future_time {
        return (Role::Trigger, CueKind::Modal, false);
    }
    let w = norm(t, v);
    if cues::has(t, v, cues::OUTCOME) && w != "be" {
        let obj = v + 1;
        let takes_object = t.toks.get(obj).is_some_and(|k| {
            k.kind == TokKind::Number
                || (k.kind == TokKind::Word && (k.cap || k.class & (cues::DET | cues::PRON) != 0))
        });
        if !takes_object {
            return (Role::Trigger, CueKind::Modal, false);
        }
    }
    (Role::Deontic, CueKind::Modal, false)
}

/// Segment boundaries of the sentence: `;`, dashes, colons, and commas before a clause-opening
/// conjunction.
fn segments(t: &Tokens) -> Vec<(usize, usize)> {
    let n = t.len();
    let mut out = Vec::new();
    let mut a = 0usize;
    let mut i = 0usize;
    while i < n {
        let w = norm(t, i);
        let punct = cues::is_any_punct(t, i);
        let mut cut: Option<(usize, usize)> = None; // (end of this segment, start of the next)
        if punct && matches!(w, ";" | "\u{2014}" | "-" | "--") {
            cut = Some((i, i + 1));
        } else if punct && w == ":" {
            let numeric = |k: usize| t.toks.get(k).is_some_and(|x| x.kind == TokKind::Number);
            if !(i > 0 && numeric(i - 1) && numeric(i + 1)) {
                cut = Some((i, i + 1));
            }
        } else if w == "and"
            && i > a
            && cues::has(t, i + 1, cues::REPORT)
            && (cues::pastish(t, i + 1) || norm(t, i + 1).ends_with('s'))
            && norm(t, i + 2) != "to"
        {
            // "... might cut routes, and said shareholders would not accept losses": a second report.
            let end = if cues::is_punct(t, i - 1, ",") {
                i - 1
            } else {
                i
            };
            cut = Some((end, i + 1));
        } else if punct && w == "," {
            let nw = norm(t, i + 1);
            if matches!(
                nw,
                "but" | "while" | "whereas" | "although" | "though" | "yet" | "with"
            ) {
                cut = Some((i, i + 1));
            } else if matches!(nw, "and" | "or" | "so") {
                // A new clause: a subject-like word (not a verb or adverb), then a finite verb before
                // the next comma, and a verb in the part before the comma too (so "oil, gas, and coal
                // will rise" stays whole).
                let subj = t.toks.get(i + 2).is_some_and(|k| {
                    (k.kind == TokKind::Word || k.kind == TokKind::Number)
                        && k.class
                            & (cues::MODAL
                                | cues::BE
                                | cues::HAVE
                                | cues::ADVERB
                                | cues::PREP
                                | cues::NEG)
                            == 0
                }) && !cues::pastish(t, i + 2);
                let verb_before = (a.max(i.saturating_sub(40))..i).any(|k| {
                    cues::has(t, k, cues::MODAL | cues::BE | cues::HAVE | cues::REPORT)
                        || cues::pastish(t, k)
                });
                let pron_subject = cues::has(t, i + 2, cues::PRON)
                    && !matches!(norm(t, i + 2), "it" | "one" | "who");
                if subj && verb_before && pron_subject {
                    cut = Some((i, i + 1));
                } else if subj && verb_before {
                    let mut k = i + 3;
                    let mut verb = false;
                    while k < n && k < i + 12 && !cues::is_punct(t, k, ",") {
                        if cues::has(
                            t,
                            k,
                            cues::MODAL | cues::BE | cues::HAVE | cues::REPORT | cues::PRED_VERB,
                        ) || cues::pastish(t, k)
                        {
                            verb = true;
                            break;
                        }
                        k += 1;
                    }
                    if verb {
                        cut = Some((i, i + 1));
                    }
                }
            }
        }
        if let Some((end, next)) = cut {
            if end > a {
                out.push((a, end));
            }
            a = next;
        }
        i += 1;
    }
    if a < n {
        out.push((a, n));
    }
    out
}

/// First token of a segment after leading punctuation, quotes and connectives ("However, But so").
fn content_start(t: &Tokens, a: usize, b: usize) -> usize {
    let mut i = a;
    while i < b {
        let is_conn = cues::has(t, i, cues::CONNECTIVE)
            && !matches!(
                norm(t, i + 1),
                "to" | "of" | "that" | "is" | "are" | "was" | "will"
            );
        if cues::is_any_punct(t, i) || is_conn {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// The speaker named by the noun phrase in tokens `a..b` (before a reporting verb), if any, and whether
/// the clause counts as reported speech (a third party, not "I"/"we").
fn speaker_of(ctx: &Ctx, t: &Tokens, a: usize, b: usize) -> (Option<String>, bool) {
    let sentence = ctx.sentence;
    // Auxiliaries, adverbs and punctuation between the subject and the verb: "Kerry had also said".
    let mut e = b;
    while e > a
        && (cues::has(
            t,
            e - 1,
            cues::HAVE | cues::DO | cues::ADVERB | cues::BE | cues::MODAL,
        ) || cues::is_any_punct(t, e - 1))
    {
        e -= 1;
    }
    let is_break =
        |k: usize| cues::is_any_punct(t, k) && !matches!(norm(t, k), "'s" | "." | "-" | "'" | "&");
    let breaks: Vec<usize> = (a..e).filter(|&k| is_break(k)).collect();
    // The subject starts after the last comma ("During the visit, Kerry said") ...
    let mut s = breaks.last().map_or(a, |&p| p + 1);
    // ... unless that part is an appositive title ("Priya Raman, chief economist at X, warned"):
    // then the name before it is the speaker.
    let lower_title = t.toks.get(s).is_some_and(|x| !x.cap)
        && (cues::has(t, s, cues::TITLE | cues::DET) || matches!(norm(t, s), "who" | "which"));
    if let Some(&end_name) = breaks.last().filter(|_| lower_title) {
        let start_name = if breaks.len() >= 2 {
            breaks[breaks.len() - 2] + 1
        } else {
            a
        };
        if start_name < end_name && t.toks.get(start_name).is_some_and(|x| x.cap) {
            s = start_name;
            e = end_name;
        }
    }
    while s < e && (cues::has(t, s, cues::CONNECTIVE | cues::SUBORD) || cues::is_any_punct(t, s)) {
        s += 1;
    }
    if s >= e {
        return (None, false);
    }
    // "Ten years ago I wrote": a pronoun right before the verb is the subject.
    if e - s > 1
        && cues::has(t, e - 1, cues::PRON)
        && matches!(norm(t, e - 1), "i" | "we" | "you" | "he" | "she" | "they")
    {
        s = e - 1;
    }
    if e - s == 1 && cues::has(t, s, cues::PRON) {
        // "I/we/you" are the writer or the reader; "he/she" the person last named as speaking, if
        // any; "they" a third party we cannot name.
        let first_person = cues::has(t, s, cues::SUBJ_PRON_1);
        let named = matches!(norm(t, s), "he" | "she")
            .then_some(ctx.last_speaker)
            .flatten()
            .map(str::to_string);
        return (named, !first_person);
    }
    // Drop leading titles and "the" when a capitalised name follows: "US Secretary of State John Kerry".
    let has_cap_after = |k: usize| {
        (k..e).any(|j| t.toks.get(j).is_some_and(|x| x.cap) && !cues::has(t, j, cues::TITLE))
    };
    while s < e
        && (cues::has(t, s, cues::TITLE)
            || matches!(norm(t, s), "of" | "the" | "'s")
            || cues::is_any_punct(t, s))
        && has_cap_after(s + 1)
    {
        s += 1;
    }
    // A name followed by its affiliation: "Marta Kovac of the Institute" -> "Marta Kovac".
    if t.toks.get(s).is_some_and(|x| x.cap) {
        let mut k = s;
        while k < e && t.toks.get(k).is_some_and(|x| x.cap) {
            k += 1;
        }
        if k > s + 1 && k < e && matches!(norm(t, k), "of" | "at" | "from" | "for" | "with" | "in")
        {
            e = k;
        }
    }
    if e - s > 8 {
        // A long subject: keep its last run of capitalised words, if any.
        let mut k = e;
        while k > s && t.toks.get(k - 1).is_some_and(|x| x.cap) {
            k -= 1;
        }
        if k == e {
            return (None, true);
        }
        s = k;
    }
    if norm(t, s) == "the" && e - s > 1 {
        s += 1;
    }
    let (Some(ts), Some(te)) = (t.toks.get(s), t.toks.get(e - 1)) else {
        return (None, true);
    };
    let text = clean(sentence.get(ts.start..te.end).unwrap_or(""));
    if text.is_empty() {
        (None, true)
    } else {
        (Some(text), true)
    }
}

/// The person this sentence names as saying something ("Marsh told reporters", "said Governor Ines
/// Duarte", "Tomas Lind said"), for a "she"/"he" in a later sentence. Only capitalised names count:
/// "Analysts said" names nobody.
pub(crate) fn named_speaker(ctx: &Ctx, t: &Tokens) -> Option<String> {
    const SPEECH: &[&str] = &[
        "said",
        "says",
        "told",
        "tells",
        "added",
        "adds",
        "warned",
        "warns",
        "noted",
        "notes",
        "argued",
        "argues",
        "insisted",
        "insists",
        "explained",
        "stated",
        "declared",
        "announced",
        "wrote",
        "writes",
        "promised",
        "predicted",
        "cautioned",
        "conceded",
        "acknowledged",
    ];
    let n = t.len();
    let is_name = |a: usize, b: usize| {
        b > a
            && (a..b).all(|k| is_capitalised_word(t, k) || matches!(norm(t, k), "." | "-"))
            && !(b == a + 1 && a == 0 && norm(t, a).ends_with('s'))
            && !cues::has(t, a, cues::DET | cues::PRON | cues::CONNECTIVE)
    };
    let mut found = None;
    for k in 0..n {
        if !cues::has(t, k, cues::REPORT) || !SPEECH.contains(&norm(t, k)) {
            continue;
        }
        // "..., Marsh told reporters": the name before the verb.
        let mut a = k;
        while a > 0 && is_capitalised_word(t, a - 1) {
            a -= 1;
        }
        if is_name(a, k) {
            found = speaker_of(ctx, t, a, k).0;
        } else {
            // "..., said Governor Ines Duarte": the name after it.
            let b = capitalised_run_end(t, k + 1);
            if is_name(k + 1, b) {
                found = speaker_of(ctx, t, k + 1, b).0;
            }
        }
    }
    if found.is_none() {
        // "Her deputy, Tomas Lind, struck a different tone": a person named in apposition is the
        // likeliest "he"/"she" of what follows.
        for k in 0..n {
            if !cues::is_punct(t, k, ",") {
                continue;
            }
            let b = capitalised_run_end(t, k + 1);
            if (2..=3).contains(&(b - k - 1)) && cues::is_punct(t, b, ",") && is_name(k + 1, b) {
                found = ctx.slice(t, k + 1, b).to_string().into();
            }
        }
    }
    found
}

/// Collapses white space and removes double quotation marks.
fn clean(s: &str) -> String {
    let is_quote = |c: char| {
        matches!(
            c,
            '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}'
        )
    };
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !w.chars().any(|c| !is_quote(c)) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if w.contains(is_quote) {
            out.extend(w.chars().filter(|&c| !is_quote(c)));
        } else {
            out.push_str(w);
        }
    }
    out
}

/// Trims tokens `a..b` of leading connectives/punctuation/"that" and trailing punctuation.
fn trim_range(t: &Tokens, mut a: usize, mut b: usize) -> (usize, usize) {
    loop {
        if a >= b {
            break;
        }
        let w = norm(t, a);
        let conn = cues::has(t, a, cues::CONNECTIVE)
            && !matches!(
                norm(t, a + 1),
                "to" | "of" | "is" | "are" | "was" | "will" | ","
            );
        let concessive = matches!(w, "although" | "though" | "whereas" | "while");
        // "that" as a complementiser ("said that X"), not as a subject ("that is confirmed").
        let complementiser = w == "that"
            && !cues::has(t, a + 1, cues::BE | cues::MODAL | cues::HAVE)
            && !cues::pastish(t, a + 1);
        if cues::is_any_punct(t, a) || conn || concessive || complementiser {
            a += 1;
        } else {
            break;
        }
    }
    while b > a && cues::is_any_punct(t, b - 1) && !matches!(norm(t, b - 1), "%" | ")" | "$") {
        b -= 1;
    }
    (a, b)
}

impl Ctx<'_> {
    fn slice(&self, t: &Tokens, a: usize, b: usize) -> &str {
        if a >= b {
            return "";
        }
        match (t.toks.get(a), t.toks.get(b - 1)) {
            (Some(x), Some(y)) => self.sentence.get(x.start..y.end).unwrap_or(""),
            _ => "",
        }
    }

    /// Character span in the whole input of tokens `a..b`.
    fn char_span(&self, t: &Tokens, a: usize, b: usize) -> Span {
        match (t.toks.get(a), t.toks.get(b.saturating_sub(1))) {
            (Some(x), Some(y)) if a < b => {
                let before = self
                    .sentence
                    .get(..x.start)
                    .map_or(0, |s| s.chars().count());
                let len = self
                    .sentence
                    .get(x.start..y.end)
                    .map_or(0, |s| s.chars().count());
                Span {
                    start: self.span.start + before,
                    end: self.span.start + before + len,
                }
            }
            _ => self.span,
        }
    }

    fn cue(&self, t: &Tokens, kind: CueKind, a: usize, b: usize) -> Cue {
        Cue {
            kind,
            text: self.slice(t, a, b).to_string(),
        }
    }
}

/// What the tokens of a clause before a position (back to the last comma) contain.
#[derive(Debug, Clone, Copy, Default)]
struct ClauseState {
    /// A relative pronoun ("which", "who", "whose", "whom").
    relative: bool,
    /// A past-tense form ("was", "were", an irregular past).
    past: bool,
    /// A reporting or prediction verb.
    reported: bool,
}

/// For each token of `cs..b`, the state of its clause before it (one forward pass, so the checks
/// that need "is there a ... earlier in this clause" stay linear).
fn clause_states(t: &Tokens, cs: usize, b: usize) -> Vec<ClauseState> {
    let mut out = Vec::with_capacity(b.saturating_sub(cs));
    let mut cur = ClauseState::default();
    for k in cs..b {
        out.push(cur);
        if cues::is_punct(t, k, ",") {
            cur = ClauseState::default();
            continue;
        }
        if matches!(norm(t, k), "which" | "who" | "whose" | "whom") {
            cur.relative = true;
        }
        if cues::has(t, k, cues::REPORT | cues::PRED_VERB) {
            cur.reported = true;
        } else if cues::has(t, k, cues::BE_PAST | cues::PAST) {
            cur.past = true;
        }
    }
    out
}
/// Whether a time expression names a period that starts after publication ("next week", "on
/// Saturday", "in July", "in 2027"), not the current one ("this year").
fn anchored_future(t: &Tokens, x: &TimeExpr) -> bool {
    (x.start..x.end).any(|k| {
        let w = norm(t, k);
        matches!(
            w,
            "next"
                | "tomorrow"
                | "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "coming"
        ) || t.toks.get(k).is_some_and(|tk| tk.kind == TokKind::Number)
            || t.toks.get(k).is_some_and(|tk| tk.cap && w.len() >= 3)
    })
}

/// Whether a time expression dates a past event rather than a forecast: "this year's" (a possessive
/// modifier), "adopted on the 30th of June", "which rose to 4.4% in February" (a past-tense verb earlier
/// in the same clause, with no modal in between).
fn past_reference(t: &Tokens, x: &TimeExpr) -> bool {
    if norm(t, x.end) == "'s" || norm(t, x.end) == "'" {
        return true;
    }
    let mut k = x.start;
    while k > 0 {
        k -= 1;
        if cues::is_any_punct(t, k) && !cues::is_quote(t, k) {
            return false;
        }
        if cues::has(t, k, cues::MODAL)
            || matches!(
                norm(t, k),
                "to" | "going" | "likely" | "expected" | "set" | "due"
            )
        {
            return false;
        }
        if cues::pastish(t, k) {
            let aux = k.checked_sub(1).is_some_and(|q| {
                cues::has(t, q, cues::BE | cues::HAVE | cues::MODAL) || norm(t, q) == "to"
            });
            // "signed in June" after "will be" is a future passive; a bare past form is history.
            if !aux && !cues::has(t, k, cues::REPORT) {
                return true;
            }
        }
    }
    false
}

/// A probability stated in figures in `cs..b`: (first token, end token, value). "a 35% chance",
/// "a 35 per cent probability", "a 20% risk of", "one-in-three chance" are not read (words only).
fn stated_probability(t: &Tokens, cs: usize, b: usize) -> Option<(usize, usize, f64)> {
    for k in cs..b {
        let is_num = t.toks.get(k).is_some_and(|x| x.kind == TokKind::Number);
        if !is_num {
            continue;
        }
        let Ok(v) = norm(t, k).parse::<f64>() else {
            continue;
        };
        let mut e = k + 1;
        match norm(t, e) {
            "%" | "percent" => e += 1,
            "per" if norm(t, e + 1) == "cent" => e += 2,
            _ => continue,
        }
        if !(0.0..=100.0).contains(&v) {
            continue;
        }
        if matches!(
            norm(t, e),
            "chance" | "probability" | "likelihood" | "risk" | "odds"
        ) {
            return Some((k, e + 1, v / 100.0));
        }
        // "put the odds of approval at 35%", "the chance of a deal at 40%".
        if k > cs && norm(t, k - 1) == "at" {
            let from = k.saturating_sub(8).max(cs);
            if let Some(w) = (from..k).find(|&j| {
                matches!(
                    norm(t, j),
                    "chance" | "chances" | "probability" | "likelihood" | "risk" | "odds"
                )
            }) {
                return Some((w, e, v / 100.0));
            }
        }
    }
    None
}

/// A time choice for a clause: the expression and whether it was inferred.
fn pick_time(times: &[TimeExpr], a: usize, b: usize, published: NaiveDate) -> Option<TimeExpr> {
    let inside: Vec<&TimeExpr> = times
        .iter()
        .filter(|x| x.start >= a && x.end <= b && x.date >= published)
        .collect();
    inside
        .iter()
        .find(|x| !x.vague)
        .or_else(|| inside.first())
        .map(|x| **x)
}

struct Built {
    statement: (usize, usize),
    cues: Vec<Cue>,
    phrase: Option<PhraseReading>,
    p: Option<(f64, f64, f64)>,
    time: Option<TimeExpr>,
    negated: bool,
    low_conf: bool,
}

/// Analyses one sentence; `t` must be classified.
pub(crate) fn analyse(ctx: &Ctx, t: &Tokens, out: &mut Vec<Candidate>) {
    let n = t.len();
    // No claim fits in fewer than three words ("Prices will rise.").
    let words = t.toks.iter().filter(|k| k.kind != TokKind::Punct).count();
    if words < 3 {
        return;
    }
    let lex_hits = ctx.lex.find(t, 0, n);
    let phrases = cues::find_phrases(t, 0, n);
    let has_static = phrases
        .iter()
        .any(|(_, k)| matches!(k, Phrase::Hedge | Phrase::Intent));
    let has_schedule = (0..n).any(|k| cues::has(t, k, cues::SCHEDULE) || norm(t, k) == "%");
    if lex_hits.is_empty() && !has_static && !has_schedule {
        return;
    }
    // Questions are not forecasts.
    let mut last = n;
    while last > 0 && cues::is_quote(t, last - 1) {
        last -= 1;
    }
    if last > 0 && cues::is_punct(t, last - 1, "?") {
        return;
    }
    let times: Vec<TimeExpr> = horizon::find_times(t, 0, n, ctx.published)
        .into_iter()
        .filter(|x| !past_reference(t, x))
        .collect();
    for seg in segments(t) {
        analyse_segment(ctx, t, seg, &lex_hits, &phrases, &times, out);
    }
}

fn analyse_segment(
    ctx: &Ctx,
    t: &Tokens,
    seg: (usize, usize),
    lex_hits: &[Hit],
    phrases: &[(Hit, Phrase)],
    times: &[TimeExpr],
    out: &mut Vec<Candidate>,
) {
    let (a, b) = seg;
    let cs = content_start(t, a, b);
    if cs >= b {
        return;
    }
    let hits: Vec<Hit> = lex_hits
        .iter()
        .copied()
        .filter(|h| h.start >= cs && h.end <= b)
        .collect();
    let phr: Vec<(Hit, Phrase)> = phrases
        .iter()
        .copied()
        .filter(|(h, _)| h.start >= cs && h.end <= b)
        .collect();
    let seg_future_time = times
        .iter()
        .any(|x| x.start >= cs && x.end <= b && x.date >= ctx.published);
    let seg_explicit_future = times
        .iter()
        .any(|x| x.start >= cs && x.end <= b && x.date > ctx.published && !x.vague);

    // Hedges take the whole segment: propose the hedged clause, flagged, without a probability.
    if let Some((h, k)) = phr
        .iter()
        .find(|(_, k)| matches!(k, Phrase::Hedge | Phrase::Declined))
    {
        hedge_candidate(ctx, t, (cs, b), *h, *k == Phrase::Declined, times, out);
        return;
    }

    // A probability stated as a number: "a 35% chance of", "a 1-in-3 chance".
    let stated = stated_probability(t, cs, b);

    // Live cues.
    let mut live: Vec<Live> = Vec::new();
    for h in &hits {
        let Some(e) = ctx.lex.entry(h.entry) else {
            continue;
        };
        let (role, cue, weak) = role_of(
            t,
            *h,
            ctx.lex.key(h.entry),
            e.kind,
            (cs, b),
            seg_future_time,
        );
        live.push(Live {
            hit: *h,
            role,
            cue,
            weak,
            relative: false,
        });
    }
    // "it will be prudent to ...", "it would be a mistake to ...": evaluations, not forecasts.
    for l in live.iter_mut() {
        if matches!(l.cue, CueKind::Future | CueKind::Modal) && prev_word(t, l.hit.start) == "it" {
            let v = next_content(t, l.hit.end, b);
            if norm(t, v) == "be" {
                let mut k = v + 1;
                while k < b && cues::has(t, k, cues::ADVERB | cues::DET) {
                    k += 1;
                }
                if cues::has(t, k, cues::EVAL) {
                    l.role = Role::Dead;
                }
            }
        }
    }
    let intents: Vec<Hit> = phr
        .iter()
        .filter(|(h, k)| *k == Phrase::Intent && intent_ok(t, *h, cs))
        .map(|(h, _)| *h)
        .collect();
    // Clause states since the last comma, in one pass: inside a relative clause; past tense seen;
    // reporting verb seen.
    let states = clause_states(t, cs, b);
    // A modal inside a relative clause ("X, whose seats could decide the outcome, threatened to ...")
    // describes the noun; it is not the forecast when the main clause has a cue of its own.
    let in_relative = |start: usize| states.get(start - cs).is_some_and(|s| s.relative);
    // "It was achieved under conditions that a plant could not replicate": "could" in a past-tense
    // clause is the past of "can", unless a reporting verb backshifts it.
    for l in live.iter_mut() {
        let past = states
            .get(l.hit.start - cs)
            .is_some_and(|s| s.past && !s.reported);
        if l.role == Role::Trigger && norm(t, l.hit.start) == "could" && past {
            l.role = Role::Dead;
        }
    }
    let main_cue = intents.iter().any(|h| !in_relative(h.start))
        || live.iter().any(|l| {
            matches!(
                l.role,
                Role::Trigger | Role::NeedsContext | Role::PastFuture
            ) && !in_relative(l.hit.start)
        });
    for l in live.iter_mut() {
        if matches!(l.role, Role::Trigger | Role::NeedsContext | Role::Modifier)
            && in_relative(l.hit.start)
        {
            if main_cue {
                l.role = Role::Dead;
                l.relative = true;
            } else {
                l.weak = true;
            }
        }
    }
    let cond_marker = find_condition_marker(t, &phr, cs, b);
    let according = phr
        .iter()
        .find(|(_, k)| *k == Phrase::According)
        .map(|(h, _)| *h);

    // Reporting frame before the first cue.
    // A belief verb ("economists think") is a modifier and the frame of what follows, not its cue.
    let first_cue = live
        .iter()
        .filter(|l| !matches!(l.role, Role::Dead))
        .filter(|l| !(l.role == Role::Modifier && cues::has(t, l.hit.start, cues::REPORT)))
        .map(|l| l.hit.start)
        .chain(intents.iter().map(|h| h.start))
        .min();
    let mut frame = first_cue.and_then(|fc| find_frame(t, cs, fc));
    // "Analysts expect X to ...": the prediction verb itself frames the forecast.
    let mut neg_frame: Option<usize> = None;
    if frame.is_none() {
        let first_pred = live
            .iter()
            .filter(|l| l.role == Role::Trigger)
            .min_by_key(|l| l.hit.start)
            .filter(|l| l.cue == CueKind::PredictionVerb);
        if let Some(l) = first_pred {
            let mut comp = l.hit.end;
            if norm(t, comp) == "that" {
                comp += 1;
            }
            // "does not expect", "doesn't expect": the measured "not expected to" reading.
            let mut k = l.hit.start;
            if k > cs && cues::has(t, k - 1, cues::NEG) {
                k -= 1;
                if k > cs && cues::has(t, k - 1, cues::DO) {
                    k -= 1;
                }
                neg_frame = Some(k);
            }
            frame = Some(Frame {
                verb: l.hit.start,
                complement: comp,
                is_noun: false,
                noun_possessor: None,
                subject_end: k,
                predictive: true,
            });
        }
    }

    // Context-dependent cues.
    let has_frame = frame.is_some() || according.is_some();
    let hedged = live
        .iter()
        .any(|l| l.role == Role::Modifier && l.cue == CueKind::Estimative);
    for l in live.iter_mut() {
        l.role = match l.role {
            Role::NeedsContext
                if cond_marker.is_some() || has_frame || seg_future_time || hedged =>
            {
                Role::Trigger
            }
            Role::NeedsContext => Role::Dead,
            Role::PastFuture if seg_explicit_future => Role::Trigger,
            Role::PastFuture => Role::Dead,
            r => r,
        };
    }
    // A recommendation: deontic before the first trigger.
    let first_trigger = live
        .iter()
        .filter(|l| l.role == Role::Trigger)
        .map(|l| l.hit.start)
        .chain(intents.iter().map(|h| h.start))
        .min();
    let deontic_at = deontic_position(t, cs, b, &live);
    if let (Some(d), Some(ft)) = (deontic_at, first_trigger) {
        // "The US should impose sanctions that will hurt": the forecast serves a recommendation.
        // A comma between them ("X has to write standards, a process that could take years")
        // leaves the later clause standing.
        if d < ft && !(d..ft).any(|k| cues::is_punct(t, k, ",")) {
            return;
        }
    }
    if first_trigger.is_none() && deontic_at.is_some() {
        return;
    }
    if let Some(ft) = first_trigger {
        if dismissed_report(t, cs, ft) || first_person_narration(t, cs, frame) {
            return;
        }
    }
    if counterfactual(t, cond_marker, b, &live) || legal_text(t, cs, b, &live) {
        return;
    }
    let mut any_trigger = first_trigger.is_some() || stated.is_some();
    let mut scheduled = false;
    let mut modifier_time = false;
    if !any_trigger {
        // An estimative word with a future date ("a deal is probably months away, in 2016").
        if seg_future_time
            && live
                .iter()
                .any(|l| l.role == Role::Modifier && l.cue != CueKind::Negation)
        {
            any_trigger = true;
            modifier_time = true;
        } else if (cs..b).any(|k| cues::has(t, k, cues::SCHEDULE))
            && !(cs..b).any(|k| cues::pastish(t, k) || cues::has(t, k, cues::HAVE | cues::BE_PAST))
            && times.iter().any(|x| {
                x.start >= cs
                    && x.end <= b
                    && x.date > ctx.published
                    && !x.vague
                    && anchored_future(t, x)
            })
        {
            // A scheduled event in the present tense: "the final kicks off on Saturday".
            any_trigger = true;
            scheduled = true;
        }
    }
    if !any_trigger {
        return;
    }

    // Tokens left out of the statement (a parenthetical report or condition inside the clause).
    let mut gap: Option<(usize, usize)> = None;
    // The reported clause.
    let mut p_start = cs;
    let mut speaker: Option<String> = None;
    let mut reported = false;
    let mut report_cue: Option<(usize, usize)> = None;
    if let Some(f) = frame {
        p_start = f.complement;
        let (sp, rep) = match f.noun_possessor {
            Some((x, y)) => speaker_of(ctx, t, x, y),
            None if f.is_noun => (None, true),
            None => speaker_of(ctx, t, cs, f.subject_end),
        };
        speaker = sp;
        reported = rep;
        if !f.predictive {
            report_cue = Some((f.verb, f.verb + 1));
        }
        // "Officials have not said how much it might receive": an indirect question, not a claim.
        let (qa, _) = trim_range(t, p_start, b);
        if cues::has(t, qa, cues::WH) && !f.is_noun {
            return;
        }
        // "We expect to win": no subject in the complement, keep the whole clause.
        if norm(t, qa) == "to" {
            p_start = cs;
        }
        // "That decision, officials say, could come in 2026": the subject sits before the frame.
        if !f.is_noun && !f.predictive && f.verb > cs {
            let c1 = (cs..f.verb).rev().find(|&k| cues::is_punct(t, k, ","));
            let after_comma = f.complement > 0 && cues::is_punct(t, f.complement - 1, ",");
            if let Some(c1) = c1.filter(|&c| c > cs && after_comma) {
                let subject_before =
                    (cs..c1).any(|k| t.toks.get(k).is_some_and(|x| x.kind == TokKind::Word));
                let cue_after = live
                    .iter()
                    .any(|l| l.role == Role::Trigger && l.hit.start >= f.complement);
                if subject_before && cue_after {
                    let (sp, rep) = speaker_of(ctx, t, c1 + 1, f.subject_end);
                    speaker = sp;
                    reported = rep;
                    gap = Some((c1, f.complement));
                    p_start = cs;
                }
            }
        }
    }
    // "there is little chance that X", "it is likely that X": the forecast is X.
    if frame.is_none() {
        let first = live
            .iter()
            .filter(|l| l.role == Role::Trigger)
            .min_by_key(|l| l.hit.start);
        if let Some(l) = first {
            let last_word = norm(t, l.hit.end.saturating_sub(1));
            let chance = CHANCE_WORDS.contains(&last_word) || PRED_ADJ.contains(&last_word);
            if chance && norm(t, l.hit.end) == "that" && l.hit.end + 1 < b {
                p_start = l.hit.end + 1;
            }
        }
    }
    let mut p_end = b;
    // "according to X, ..." / "..., according to X"
    if let Some(h) = according {
        let name_end = (h.end..b).find(|&k| cues::is_any_punct(t, k)).unwrap_or(b);
        let (sp, _) = speaker_of(ctx, t, h.end, name_end);
        if speaker.is_none() {
            speaker = sp;
        }
        reported = true;
        report_cue = Some((h.start, h.end));
        if h.start <= p_start + 1 {
            p_start = (name_end + 1).min(b);
        } else {
            p_end = p_end.min(h.start);
        }
    }
    // Trailing ", X said" / ", said X".
    if let Some((cut, sp, vi)) = trailing_report(ctx, t, p_end, &live) {
        p_end = cut;
        if speaker.is_none() {
            speaker = sp;
        }
        reported = true;
        report_cue = Some((vi, vi + 1));
    }
    // "with reports about X mulling ... now emerging": drop the status tail.
    {
        let mut e = p_end;
        while e > p_start && cues::is_any_punct(t, e - 1) {
            e -= 1;
        }
        if e > p_start && cues::has(t, e - 1, cues::TAIL) && frame.is_some_and(|f| f.is_noun) {
            e -= 1;
            if e > p_start && norm(t, e - 1) == "now" {
                e -= 1;
            }
            p_end = e;
        }
    }
    // Cut a coordinated past/present clause or a relative tail after the last live cue.
    let last_cue = live
        .iter()
        .filter(|l| l.role == Role::Trigger || l.role == Role::Modifier)
        .map(|l| l.hit.end)
        .chain(intents.iter().map(|h| h.end))
        .filter(|&e| e <= p_end)
        .max()
        .unwrap_or(p_start);
    let mut k = last_cue.max(p_start);
    while k < p_end {
        let w = norm(t, k);
        if cues::is_punct(t, k, ",") && matches!(norm(t, k + 1), "which" | "who" | "a" | "an") {
            // Keep "..., which could ground a third of flights": the tail forecasts too.
            let tail_has_cue = live.iter().any(|l| {
                l.hit.start > k && l.hit.end <= p_end && (l.relative || l.role == Role::Trigger)
            });
            if !tail_has_cue {
                p_end = k;
                break;
            }
        }
        if matches!(w, "and" | "but")
            && cond_marker.is_none_or(|m| m.0 > k || m.1 <= k)
            && (cues::has(t, k + 1, cues::HAVE | cues::DO)
                || (cues::has(t, k + 1, cues::BE_PAST))
                || cues::pastish(t, k + 1))
        {
            p_end = k;
            break;
        }
        k += 1;
    }

    // Conditional split.
    let mut consequence = (p_start, p_end);
    let mut condition: Option<(usize, usize, bool, (usize, usize))> = None; // (a, b, unless, marker)
    if let Some((ms, me, unless)) = cond_marker {
        let trig_positions: Vec<usize> = live
            .iter()
            .filter(|l| l.role == Role::Trigger)
            .map(|l| l.hit.start)
            .chain(intents.iter().map(|h| h.start))
            .collect();
        if ms <= p_start.max(cs) + 1 && ms >= cs {
            // Leading condition: "If X, Y will ...": the condition ends at the first comma (or "then")
            // after the marker; the consequence starts after the last comma before its trigger.
            if let Some(&ti) = trig_positions.iter().filter(|&&x| x > me).min() {
                let is_stop = |k: usize| cues::is_punct(t, k, ",") || norm(t, k) == "then";
                let first = (me..ti).find(|&k| is_stop(k));
                let last = (me..ti).rev().find(|&k| is_stop(k));
                if let (Some(c1), Some(c2)) = (first, last) {
                    condition = Some((me, c1, unless, (ms, me)));
                    consequence = ((c2 + 1).max(p_start), p_end);
                }
            }
        } else if ms > p_start
            && cues::is_punct(t, ms - 1, ",")
            && !trig_positions.iter().any(|&x| x < ms && x >= p_start)
        {
            // A parenthetical condition: "Peace, if it comes, will come slowly".
            if let Some(&ti) = trig_positions.iter().filter(|&&x| x > me).min() {
                if let Some(c2) = (me..ti).find(|&k| cues::is_punct(t, k, ",")) {
                    condition = Some((me, c2, unless, (ms, me)));
                    gap = Some((ms - 1, c2 + 1));
                }
            }
        } else if ms > p_start
            && ms < p_end
            && trig_positions.iter().any(|&x| x < ms && x >= p_start)
        {
            // Trailing condition: "Y would ... if and when X".
            let mut cb = p_end;
            if let Some(c) = (me..p_end).find(|&k| cues::is_punct(t, k, ",")) {
                // Keep a comma-less tail only; a comma often closes the condition.
                cb = c;
            }
            condition = Some((me, cb, unless, (ms, me)));
            consequence = (p_start, ms);
        }
    }

    let built = build(
        ctx,
        t,
        consequence,
        (cs, b),
        &live,
        &intents,
        times,
        neg_frame,
        condition.map(|c| (c.0, c.1)),
        stated,
    );
    let Some(built) = built else {
        return;
    };
    let (st_a, st_b) = built.statement;
    let mut statement = match gap.filter(|&(x, y)| st_a < x && y < st_b) {
        Some((x, y)) => format!(
            "{} {}",
            clean(ctx.slice(t, st_a, x)),
            clean(ctx.slice(t, y, st_b))
        ),
        None => clean(ctx.slice(t, st_a, st_b)),
    };
    // "analysts expect the bank to cut rates" -> "the bank will cut rates".
    if frame.is_some_and(|f| f.predictive) && condition.is_none() {
        let finite = |k: usize| {
            cues::has(t, k, cues::MODAL | cues::BE | cues::HAVE | cues::REPORT)
                || cues::pastish(t, k)
        };
        if let Some(k) = (st_a + 1..st_b).find(|&k| norm(t, k) == "to" && cues::verbish(t, k + 1)) {
            if !(st_a..k).any(finite) {
                statement = format!(
                    "{} will {}",
                    clean(ctx.slice(t, st_a, k)),
                    clean(ctx.slice(t, k + 1, st_b))
                );
            }
        }
    }
    // "I doubt it": a pronoun alone is no claim; "but this one will not be": an ellipsis is none
    // either.
    if statement.split_whitespace().count() < 2 || elliptical(t, st_a, st_b) {
        return;
    }
    let words = statement.split_whitespace().count();

    let mut flags_v: Vec<String> = Vec::new();
    let mut score: f64;
    let strongest = live
        .iter()
        .filter(|l| l.role == Role::Trigger)
        .map(|l| match l.cue {
            CueKind::SemiModal | CueKind::PredictionVerb | CueKind::Estimative => 0.55,
            CueKind::Future => 0.5,
            _ => 0.42,
        })
        .fold(0.0_f64, f64::max);
    score = if strongest > 0.0 {
        strongest
    } else if !intents.is_empty() {
        0.35
    } else {
        0.3
    };
    let mut low_conf = built.low_conf || scheduled || modifier_time;
    if strongest == 0.0 && !intents.is_empty() {
        low_conf = true;
    }
    if !(3..=MAX_STATEMENT_WORDS).contains(&words) {
        low_conf = true;
        score -= 0.1;
    }
    let (resolve_by, horizon_text, inferred) = match built.time {
        Some(x) => {
            score += if x.vague { 0.05 } else { 0.2 };
            (
                x.date,
                Some(ctx.slice(t, x.start, x.end).to_string()),
                x.vague,
            )
        }
        None => (horizon::default_horizon(ctx.published), None, true),
    };
    if condition.is_some() {
        score += 0.05;
    }
    if speaker.is_some() {
        score += 0.05;
    }
    if low_conf {
        score -= 0.15;
    }
    let dated = built.time.is_some_and(|x| !x.vague);
    let (raw_score, score) = finish_score(score, &statement, dated, ctx.heading);

    let mut cue_list = built.cues;
    if let Some((x, y)) = report_cue {
        cue_list.push(ctx.cue(t, CueKind::Reporting, x, y));
    }
    if reported {
        flags_v.push(flags::REPORTED_SPEECH.into());
    }
    if built.negated {
        flags_v.push(flags::NEGATED.into());
    }
    if inferred {
        flags_v.push(flags::HORIZON_INFERRED.into());
    }
    if low_conf {
        flags_v.push(flags::LOW_CONFIDENCE.into());
    }

    let sentence_text = ctx.sentence.to_string();
    let (p, p_low, p_high) = match built.p {
        Some((p, l, h)) => (Some(p), Some(l), Some(h)),
        None => (None, None, None),
    };
    match condition {
        Some((ca, cb, unless, marker)) => {
            let (mut ca, cb) = trim_range(t, ca, cb);
            // "if the reverse happened, i.e. if an alliance forms": keep the restatement.
            if let Some(k) = (ca..cb).find(|&k| {
                matches!(norm(t, k), "i.e" | "i.e." | "ie" | "namely") && norm(t, k + 1) == "if"
            }) {
                ca = (k + 2).min(cb);
            }
            let cond_text = clean(ctx.slice(t, ca, cb));
            if cond_text.is_empty() || ca >= cb {
                return;
            }
            let cond_statement = if unless {
                format!("it is not the case that {cond_text}")
            } else {
                cond_text
            };
            let marker_cue = ctx.cue(t, CueKind::Conditional, marker.0, marker.1);
            let mut cond_cues = vec![marker_cue.clone()];
            if let Some(x) = pick_time(times, ca, cb, ctx.published) {
                cond_cues.push(ctx.cue(t, CueKind::Time, x.start, x.end));
            }
            let mut cflags: Vec<String> = vec![flags::CONDITION_OF.into()];
            if reported {
                cflags.push(flags::REPORTED_SPEECH.into());
            }
            if inferred {
                cflags.push(flags::HORIZON_INFERRED.into());
            }
            let cond_idx = out.len();
            out.push(Candidate {
                id: id_at(cond_idx),
                statement: cond_statement,
                sentence: sentence_text.clone(),
                span: ctx.span,
                quote: ctx.slice(t, ca, cb).to_string(),
                quote_span: ctx.char_span(t, ca, cb),
                cues: cond_cues,
                phrase: None,
                p: None,
                p_low: None,
                p_high: None,
                resolve_by,
                horizon_text: horizon_text.clone(),
                speaker: speaker.clone(),
                condition: None,
                flags: sort_flags(cflags),
                score,
                raw_score,
            });
            cue_list.push(marker_cue);
            let mut f2 = flags_v;
            f2.push(flags::CONDITIONAL.into());
            out.push(Candidate {
                id: id_at(cond_idx + 1),
                statement,
                sentence: sentence_text,
                span: ctx.span,
                quote: ctx.slice(t, st_a, st_b).to_string(),
                quote_span: ctx.char_span(t, st_a, st_b),
                cues: cue_list,
                phrase: built.phrase,
                p,
                p_low,
                p_high,
                resolve_by,
                horizon_text,
                speaker,
                condition: Some(id_at(cond_idx)),
                flags: sort_flags(f2),
                score,
                raw_score,
            });
        }
        None => {
            if cond_marker.is_some() {
                flags_v.push(flags::CONDITIONAL.into());
            }
            out.push(Candidate {
                id: id_at(out.len()),
                statement,
                sentence: sentence_text,
                span: ctx.span,
                quote: ctx.sentence.to_string(),
                quote_span: ctx.span,
                cues: cue_list,
                phrase: built.phrase,
                p,
                p_low,
                p_high,
                resolve_by,
                horizon_text,
                speaker,
                condition: None,
                flags: sort_flags(flags_v),
                score,
                raw_score,
            });
        }
    }
}

fn sort_flags(mut f: Vec<String>) -> Vec<String> {
    f.sort();
    f.dedup();
    f
}

/// Chooses the governing phrase, the horizon and the cues for the predicted clause `p`.
#[allow(clippy::too_many_arguments)]
fn build(
    ctx: &Ctx,
    t: &Tokens,
    p: (usize, usize),
    seg: (usize, usize),
    live: &[Live],
    intents: &[Hit],
    times: &[TimeExpr],
    neg_frame: Option<usize>,
    cond_range: Option<(usize, usize)>,
    stated: Option<(usize, usize, f64)>,
) -> Option<Built> {
    let (pa, pb) = trim_range(t, p.0, p.1);
    if pa >= pb {
        return None;
    }
    let usable = |l: &&Live| matches!(l.role, Role::Trigger | Role::Modifier);
    let in_p: Vec<&Live> = live
        .iter()
        .filter(usable)
        .filter(|l| l.hit.start >= pa && l.hit.end <= pb)
        .collect();
    let in_frame: Vec<&Live> = live
        .iter()
        .filter(usable)
        .filter(|l| l.hit.end <= pa && l.hit.start >= seg.0)
        .collect();
    let rank = |l: &Live| -> usize {
        match ctx.lex.entry(l.hit.entry).map(|e| e.kind) {
            Some(EntryKind::Estimative | EntryKind::Negative | EntryKind::Weak) => 3,
            Some(EntryKind::Modal) => 2,
            Some(EntryKind::Flat | EntryKind::FlatNegative) => 1,
            _ => 0,
        }
    };
    let best = |v: &[&Live]| -> Option<Live> {
        v.iter()
            .copied()
            .filter(|l| l.cue != CueKind::Negation || rank(l) > 0)
            .max_by(|x, y| {
                (
                    rank(x),
                    x.hit.end - x.hit.start,
                    std::cmp::Reverse(x.hit.start),
                )
                    .cmp(&(
                        rank(y),
                        y.hit.end - y.hit.start,
                        std::cmp::Reverse(y.hit.start),
                    ))
            })
            .copied()
    };
    let bp = best(&in_p);
    let bf = best(&in_frame);
    let gov = match (bp, bf) {
        (Some(x), _) if rank(&x) >= 2 => Some(x),
        (_, Some(y)) if rank(&y) >= 2 => Some(y),
        (Some(x), _) => Some(x),
        (None, y) => y,
    };
    let mut cues_v: Vec<Cue> = Vec::new();
    for l in in_frame.iter().chain(in_p.iter()) {
        if l.role == Role::Trigger || Some(l.hit) == gov.map(|g| g.hit) {
            cues_v.push(ctx.cue(t, l.cue, l.hit.start, l.hit.end));
        }
    }
    for h in intents.iter().filter(|h| h.start >= seg.0 && h.end <= pb) {
        cues_v.push(ctx.cue(t, CueKind::Intention, h.start, h.end));
    }
    let mut phrase = None;
    let mut pvals = None;
    let mut negated = false;
    let mut low_conf = false;
    if let Some(g) = gov {
        if let Some(entry) = ctx.lex.entry(g.hit.entry) {
            // An intensifier right before an estimative phrase moves it one rung out.
            let intens = live.iter().find(|l| {
                l.hit.end == g.hit.start
                    && ctx
                        .lex
                        .entry(l.hit.entry)
                        .is_some_and(|e| e.kind == EntryKind::Intensifier)
            });
            let negated_verb =
                neg_frame.filter(|_| g.hit.end <= pa && g.cue == CueKind::PredictionVerb);
            let neg_reading = negated_verb.and_then(|_| {
                ctx.lex
                    .lookup("not expected to")
                    .or_else(|| ctx.lex.lookup("unlikely"))
            });
            let (reading, text_start, source) = match (neg_reading, negated_verb) {
                (Some(r), Some(k)) => (r, k, r.source.clone()),
                _ => match intens.and_then(|i| ctx.lex.rung_beyond(g.hit.entry).map(|r| (i, r))) {
                Some((i, r)) => (
                    r,
                    i.hit.start,
                    format!(
                        "hindsight heuristic: intensifier moves '{}' one rung out to '{}' (ESTIMATIVE.md section 4.1); {}",
                        entry.phrase, r.phrase, r.source
                    ),
                ),
                None => (entry, g.hit.start, entry.source.clone()),
                },
            };
            let inside = g.hit.start >= pa && g.hit.end <= pb;
            let flip = entry.kind.is_negative() && inside;
            let (pp, pl, ph) = if flip {
                (1.0 - reading.point, 1.0 - reading.high, 1.0 - reading.low)
            } else {
                (reading.point, reading.low, reading.high)
            };
            let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
            pvals = Some((r3(pp), r3(pl), r3(ph)));
            negated = flip;
            low_conf = g.weak || entry.kind == EntryKind::Weak;
            phrase = Some(PhraseReading {
                text: ctx.slice(t, text_start, g.hit.end).to_string(),
                entry: reading.phrase.clone(),
                point: reading.point,
                low: reading.low,
                high: reading.high,
                source,
                kind: reading.kind,
            });
        }
    }
    // A probability given in figures beats any verbal phrase.
    if let Some((x, y, v)) = stated.filter(|s| s.0 >= seg.0 && s.1 <= seg.1) {
        let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
        pvals = Some((r3(v), r3(v), r3(v)));
        negated = false;
        low_conf = false;
        phrase = Some(PhraseReading {
            text: ctx.slice(t, x, y).to_string(),
            entry: "stated probability".to_string(),
            point: v,
            low: v,
            high: v,
            source: "stated in the text".to_string(),
            kind: EntryKind::Estimative,
        });
        cues_v.push(ctx.cue(t, CueKind::Estimative, x, y));
    }
    if in_p
        .iter()
        .chain(in_frame.iter())
        .any(|l| l.role == Role::Trigger && l.weak)
    {
        low_conf = true;
    }
    // Negation inside the predicted clause, outside the governing phrase.
    let gov_range = gov.map(|g| (g.hit.start, g.hit.end));
    for k in pa..pb {
        if cues::has(t, k, cues::NEG)
            && gov_range.is_none_or(|(x, y)| k < x || k >= y)
            && !(norm(t, k) == "not" && matches!(norm(t, k + 1), "only" | "just" | "least"))
            && !(norm(t, k) == "no" && matches!(norm(t, k + 1), "longer" | "doubt" | "matter"))
        {
            negated = true;
            cues_v.push(ctx.cue(t, CueKind::Negation, k, k + 1));
            break;
        }
    }
    if gov_range.is_some_and(|(x, y)| (x..y).any(|k| cues::has(t, k, cues::NEG))) || negated {
        if let Some(g) = gov {
            if ctx
                .lex
                .entry(g.hit.entry)
                .is_some_and(|e| e.kind.is_negative())
                && g.hit.start >= pa
            {
                cues_v.push(ctx.cue(t, CueKind::Negation, g.hit.start, g.hit.end));
            }
        }
    }
    let time = pick_time(times, pa, pb, ctx.published)
        .or_else(|| cond_range.and_then(|(x, y)| pick_time(times, x, y, ctx.published)));
    if let Some(x) = time {
        cues_v.push(ctx.cue(t, CueKind::Time, x.start, x.end));
    }
    Some(Built {
        statement: (pa, pb),
        cues: unique_cues(cues_v),
        phrase,
        p: pvals,
        time,
        negated,
        low_conf,
    })
}

/// Platt scaling of the raw evidence into a calibrated score: `score = 1 / (1 + exp(-(A·raw + B)))`,
/// fitted by logistic regression on the tuned fixture articles (every candidate, labelled by whether
/// it matches an annotated prediction); `fixture_evaluation`'s companion test `score_is_calibrated`
/// refits them and fails if these drift from the fit. Reference: J. Platt, "Probabilistic outputs
/// for support vector machines", 1999.
pub(crate) const CALIBRATION: (f64, f64) = (7.004, -2.525);

/// The raw evidence of a candidate and its calibrated score. `raw` sums the cue strength, horizon,
/// speaker and condition terms; here the concreteness terms are added: a figure in the statement,
/// a name (a capitalised word after the first), neither of those nor a date ("the pressure will
/// increase" is vague), and a headline.
fn finish_score(mut raw: f64, statement: &str, dated: bool, heading: bool) -> (f64, f64) {
    const NUMBER_WORDS: &[&str] = &[
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty",
        "hundred", "thousand", "million", "billion", "half", "third", "quarter", "fifth", "tenth",
        "double", "twice",
    ];
    let lower = statement.to_lowercase();
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    let number = statement.chars().any(|c| c.is_ascii_digit())
        || words.iter().any(|w| NUMBER_WORDS.contains(w));
    let name = statement
        .split_whitespace()
        .skip(1)
        .any(|w| w.chars().next().is_some_and(char::is_uppercase) && w != "I");
    if number {
        raw += 0.1;
    }
    if name {
        raw += 0.05;
    }
    if !dated && !number && !name {
        raw -= 0.1;
        // A trend with no end point: "the pressure will increase", "shortages will become more
        // common" ("until ..." gives it one).
        let trend = words.iter().any(|w| TREND_WORDS.contains(w));
        if trend && !words.contains(&"until") {
            raw -= 0.2;
        }
    }
    if heading {
        raw -= 0.15;
    }
    let raw = (raw * 1000.0).round() / 1000.0;
    (raw, calibrate(raw))
}

/// Words of change or persistence that, without a figure, leave a claim with no checkable end point.
const TREND_WORDS: &[&str] = &[
    "increase",
    "intensify",
    "deepen",
    "extend",
    "continue",
    "persist",
    "remain",
    "become",
    "shape",
    "reshape",
    "dominate",
    "weigh",
    "matter",
    "theme",
    "common",
    "elevated",
    "pressure",
    "keep",
    "evolve",
    "mount",
    "linger",
    "grow",
];

/// The calibrated score of a raw evidence value, rounded to three decimals.
pub(crate) fn calibrate(raw: f64) -> f64 {
    let (a, b) = CALIBRATION;
    let s = 1.0 / (1.0 + (-(a * raw + b)).exp());
    (s.clamp(0.0, 1.0) * 1000.0).round() / 1000.0
}

/// Keeps the first of each (kind, text) pair, at most `MAX_CUES` of them: "will ... will ... will"
/// is one cue.
fn unique_cues(v: Vec<Cue>) -> Vec<Cue> {
    const MAX_CUES: usize = 12;
    let mut out: Vec<Cue> = Vec::with_capacity(v.len().min(MAX_CUES));
    for c in v {
        if out.len() >= MAX_CUES {
            break;
        }
        if !out.iter().any(|x| x.kind == c.kind && x.text == c.text) {
            out.push(c);
        }
    }
    out
}

/// A hedge-only candidate for segment `seg` whose hedge is `h`. A declined forecast ("no one can
/// predict whether X") is read as even odds on X: the lexicon's "even chance" row, flagged `declined`.
fn hedge_candidate(
    ctx: &Ctx,
    t: &Tokens,
    seg: (usize, usize),
    h: Hit,
    declined: bool,
    times: &[TimeExpr],
    out: &mut Vec<Candidate>,
) {
    let (cs, b) = seg;
    let mut k = h.end;
    if matches!(norm(t, k), "whether" | "if" | "that") {
        k += 1;
    } else if norm(t, k) == "how" {
        k += 1;
        if matches!(
            norm(t, k),
            "long" | "much" | "far" | "soon" | "quickly" | "many" | "well" | "fast"
        ) {
            k += 1;
        }
    }
    let (mut sa, mut sb) = trim_range(t, k, b);
    if sb <= sa + 1 {
        (sa, sb) = trim_range(t, cs, b);
    }
    let statement = clean(ctx.slice(t, sa, sb));
    if statement.is_empty() {
        return;
    }
    let mut cue_list = vec![ctx.cue(t, CueKind::Hedge, h.start, h.end)];
    let time = pick_time(times, sa, sb, ctx.published);
    let dated = time.is_some_and(|x| !x.vague);
    let (raw_score, score) = finish_score(0.35, &statement, dated, ctx.heading);
    let mut flags_v = vec![flags::HEDGE_ONLY.to_string()];
    let even = declined
        .then(|| ctx.lex.lookup("even chance"))
        .flatten()
        .map(|e| PhraseReading {
            text: ctx.slice(t, h.start, h.end).to_string(),
            entry: e.phrase.clone(),
            point: e.point,
            low: e.low,
            high: e.high,
            source: format!(
                "hindsight heuristic: a declined forecast read as even odds; {}",
                e.source
            ),
            kind: e.kind,
        });
    if even.is_some() {
        flags_v.push(flags::DECLINED.to_string());
    }
    let (resolve_by, horizon_text) = match time {
        Some(x) => {
            cue_list.push(ctx.cue(t, CueKind::Time, x.start, x.end));
            if x.vague {
                flags_v.push(flags::HORIZON_INFERRED.into());
            }
            (x.date, Some(ctx.slice(t, x.start, x.end).to_string()))
        }
        None => {
            flags_v.push(flags::HORIZON_INFERRED.into());
            (horizon::default_horizon(ctx.published), None)
        }
    };
    out.push(Candidate {
        id: id_at(out.len()),
        statement,
        sentence: ctx.sentence.to_string(),
        span: ctx.span,
        quote: ctx.sentence.to_string(),
        quote_span: ctx.span,
        cues: cue_list,
        p: even.as_ref().map(|e| e.point),
        p_low: even.as_ref().map(|e| e.low),
        p_high: even.as_ref().map(|e| e.high),
        phrase: even,
        resolve_by,
        horizon_text,
        speaker: None,
        condition: None,
        flags: sort_flags(flags_v),
        score,
        raw_score,
    });
}

fn intent_ok(t: &Tokens, h: Hit, cs: usize) -> bool {
    let ends_to = norm(t, h.end.saturating_sub(1)) == "to";
    let prev_i = prev_index(t, h.start);
    let first = norm(t, h.start);
    // "his promise to reset", "a plan to cut": nouns, not intentions.
    if matches!(first, "plan" | "promise" | "pledge" | "vow")
        && prev_i
            .is_some_and(|p| cues::has(t, p, cues::PLAN_NOUN_PRE) || cues::has(t, p, cues::DET))
    {
        return false;
    }
    // "Considering the risks, ..." at the start is a preposition.
    if h.start <= cs && matches!(first, "considering" | "weighing") {
        return false;
    }
    if ends_to && !cues::verbish(t, h.end) {
        return false;
    }
    true
}

/// A conditional marker in `cs..b`: (start, end, is "unless").
fn find_condition_marker(
    t: &Tokens,
    phr: &[(Hit, Phrase)],
    cs: usize,
    b: usize,
) -> Option<(usize, usize, bool)> {
    // Inverted "Should X ..., Y will": a sentence-initial capitalised "should".
    if norm(t, cs) == "should"
        && t.toks.get(cs).is_some_and(|k| k.cap)
        && (cs + 1..b).any(|k| cues::is_punct(t, k, ","))
    {
        return Some((cs, cs + 1, false));
    }
    for (h, k) in phr {
        if h.start < cs || h.end > b {
            continue;
        }
        match k {
            Phrase::Cond | Phrase::CondUnless => {
                let first = norm(t, h.start);
                let prev_i = prev_index(t, h.start);
                if first == "if" && prev_i.is_some_and(|p| cues::has(t, p, cues::ASK)) {
                    continue;
                }
                if first == "once" && h.end == h.start + 1 {
                    // "once voters focus", "once the plant opens"; not "he once said", "once again".
                    let next_ok = t.toks.get(h.end).is_some_and(|x| {
                        x.kind != TokKind::Punct
                            && x.class & (cues::ADVERB | cues::MODAL | cues::BE) == 0
                    }) && !cues::pastish(t, h.end);
                    let prev_subject = prev_i.is_some_and(|p| {
                        cues::has(t, p, cues::PRON)
                            || t.toks.get(p).is_some_and(|x| x.cap && p > cs)
                    });
                    if !next_ok || (prev_subject && cues::verbish(t, h.end)) {
                        continue;
                    }
                }
                return Some((h.start, h.end, *k == Phrase::CondUnless));
            }
            _ => {}
        }
    }
    None
}

/// A deontic marker in `cs..b` ("must", "ought to", "need(s) to", "has/have to", deontic "should").
fn deontic_position(t: &Tokens, cs: usize, b: usize, live: &[Live]) -> Option<usize> {
    let from_live = live
        .iter()
        .filter(|l| l.role == Role::Deontic)
        .map(|l| l.hit.start)
        .min();
    let mut found = None;
    for k in cs..b {
        let w = norm(t, k);
        let next = norm(t, k + 1);
        let prev = prev_word(t, k);
        let hit = match w {
            "must" => next != "have",
            "ought" => next == "to",
            "need" | "needs" => {
                next == "to" && !matches!(prev, "the" | "a" | "no" | "will" | "would")
            }
            "have" | "has" => {
                next == "to"
                    && !matches!(prev, "will" | "would" | "may" | "might" | "could" | "'ll")
            }
            "let" => next == "us",
            _ => false,
        };
        if hit {
            found = Some(k);
            break;
        }
    }
    match (from_live, found) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    /// The reporting verb (or noun) token.
    verb: usize,
    /// First token of the reported clause.
    complement: usize,
    /// A nominal frame ("reports about", "Obama's statement that").
    is_noun: bool,
    /// Tokens of the possessor of a nominal frame ("President Barack Obama" in "...Obama's statement").
    noun_possessor: Option<(usize, usize)>,
    /// End of the subject noun phrase (the verb, or the negation before a prediction verb).
    subject_end: usize,
    /// The frame is a prediction verb ("analysts expect"), not a reporting verb.
    predictive: bool,
}

/// The reporting frame governing the first cue at `fc`, if the segment has one before it.
fn find_frame(t: &Tokens, cs: usize, fc: usize) -> Option<Frame> {
    // Scan back from the cue for the nearest reporting verb or noun.
    let mut r = fc;
    while r > cs {
        r -= 1;
        let w = norm(t, r);
        let next = norm(t, r + 1);
        if cues::has(t, r, cues::REPORT_NOUN) && matches!(next, "that" | "about" | "of") {
            let is_report = matches!(
                w,
                "reports"
                    | "report"
                    | "signs"
                    | "speculation"
                    | "rumours"
                    | "rumors"
                    | "fears"
                    | "hopes"
            );
            if next != "that" && !is_report {
                continue;
            }
            let possessor = if r >= 2 && norm(t, r - 1) == "'s" {
                let e = r - 1;
                let mut s = e;
                while s > cs
                    && (t.toks.get(s - 1).is_some_and(|k| k.cap)
                        || cues::has(t, s - 1, cues::TITLE))
                {
                    s -= 1;
                }
                (s < e).then_some((s, e))
            } else {
                None
            };
            return Some(Frame {
                verb: r,
                complement: r + 2,
                is_noun: true,
                noun_possessor: possessor,
                subject_end: r,
                predictive: false,
            });
        }
        if cues::has(t, r, cues::REPORT) {
            // A semi-modal "expected to" is not a frame; "the forecast" (a noun) is not either.
            // "member states will ...": a reporting word followed by a verb is a noun subject;
            // "if that is confirmed": a passive participle, not a report.
            if next == "to"
                || (r > cs && cues::has(t, r - 1, cues::DET | cues::BE))
                || cues::has(t, r + 1, cues::MODAL | cues::BE | cues::HAVE)
            {
                continue;
            }
            // The complement: after "that" if it comes before the cue, else right after the verb
            // (and its object: "told investors the plant would ...").
            let mut comp = r + 1;
            if matches!(
                w,
                "told"
                    | "tells"
                    | "tell"
                    | "assured"
                    | "assures"
                    | "reminded"
                    | "informed"
                    | "warned"
                    | "promised"
            ) && norm(t, r + 1) != "that"
            {
                let obj_pron =
                    matches!(norm(t, r + 1), "him" | "her" | "them" | "us" | "me" | "you");
                let mut k = r + 1;
                if obj_pron
                    || (t.toks.get(k).is_some_and(|x| x.kind == TokKind::Word)
                        && !cues::has(t, k, cues::DET | cues::PRON))
                {
                    k += 1;
                    while t.toks.get(k).is_some_and(|x| x.cap) && k < fc {
                        k += 1;
                    }
                    if k < fc {
                        comp = k;
                    }
                }
            }
            let mut k = r + 1;
            while k < fc && k < r + 12 {
                if norm(t, k) == "that" {
                    comp = k + 1;
                    break;
                }
                if cues::is_punct(t, k, ",") && k > r + 1 {
                    break;
                }
                k += 1;
            }
            while comp < fc
                && (cues::is_quote(t, comp)
                    || cues::is_punct(t, comp, ",")
                    || cues::is_punct(t, comp, ":"))
            {
                comp += 1;
            }
            if r < cs {
                return None;
            }
            return Some(Frame {
                verb: r,
                complement: comp,
                is_noun: false,
                noun_possessor: None,
                subject_end: r,
                predictive: false,
            });
        }
    }
    None
}

/// A trailing ", X said" / ", said X" after the first cue: (cut, speaker, verb index).
fn trailing_report(
    ctx: &Ctx,
    t: &Tokens,
    b: usize,
    live: &[Live],
) -> Option<(usize, Option<String>, usize)> {
    // The first trigger that is not itself a reporting word ("..., the treasury forecast").
    let first_trigger = live
        .iter()
        .filter(|l| l.role == Role::Trigger && !cues::has(t, l.hit.start, cues::REPORT))
        .map(|l| l.hit.end)
        .filter(|&e| e <= b)
        .min()?;
    // The first comma after it whose next few words hold a reporting verb.
    for comma in (first_trigger..b).filter(|&k| cues::is_punct(t, k, ",")) {
        // The verb ends the clause, or only a short tail follows it ("..., he told parliament on
        // Friday"): a reporting tail, not a new claim.
        let verb = (comma + 1..b.min(comma + 10)).find(|&k| {
            cues::has(t, k, cues::REPORT)
                && !cues::has(t, k - 1, cues::DET)
                && norm(t, k + 1) != "to"
                && norm(t, k + 1) != "that"
                && ((comma + 1..k).all(|j| cues::is_any_punct(t, j))
                    || (k + 1..b)
                        .take_while(|&j| !cues::is_punct(t, j, ","))
                        .count()
                        <= 6)
        });
        let Some(verb) = verb else {
            continue;
        };
        let words_between = (comma + 1..verb).any(|k| !cues::is_any_punct(t, k));
        let (speaker, _) = if words_between {
            speaker_of(ctx, t, comma + 1, verb)
        } else {
            let end = (verb + 1..b)
                .find(|&k| cues::is_any_punct(t, k))
                .unwrap_or(b);
            speaker_of(ctx, t, verb + 1, end)
        };
        return Some((comma, speaker, verb));
    }
    None
}
