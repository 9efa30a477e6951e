//! Word classes and the non-numeric cue phrases that mark (or rule out) a forecast in prose
//! (ESTIMATIVE.md §5.1): hedges, conditional markers, intention predicates, reporting verbs and nouns,
//! plus the small closed word lists the clause rules in `analyse` need (auxiliaries, determiners,
//! outcome verbs for epistemic "should", evaluative adjectives, ...).
//!
//! Everything here is built once into one hash map (word → class bits) and one [`PhraseTrie`], so a
//! sentence is classified with one look-up per token, independent of the length of the lists.

use std::sync::OnceLock;

use super::lexicon::{Hit, Lexicon, PhraseTrie, WordMap};
use super::tokens::{normalise_phrase, TokKind, Tokens};

// Word-class bits.
pub(crate) const BE: u64 = 1 << 0;
pub(crate) const BE_PAST: u64 = 1 << 1;
pub(crate) const HAVE: u64 = 1 << 2;
pub(crate) const DO: u64 = 1 << 3;
pub(crate) const NEG: u64 = 1 << 4;
pub(crate) const DET: u64 = 1 << 5;
pub(crate) const PRON: u64 = 1 << 6;
pub(crate) const PREP: u64 = 1 << 7;
pub(crate) const CONJ: u64 = 1 << 8;
pub(crate) const SUBORD: u64 = 1 << 9;
pub(crate) const REPORT: u64 = 1 << 10;
pub(crate) const REPORT_NOUN: u64 = 1 << 11;
pub(crate) const PAST: u64 = 1 << 12;
pub(crate) const TITLE: u64 = 1 << 13;
pub(crate) const OUTCOME: u64 = 1 << 14;
pub(crate) const INFER: u64 = 1 << 15;
pub(crate) const EVAL: u64 = 1 << 16;
pub(crate) const DEONTIC: u64 = 1 << 17;
pub(crate) const WH: u64 = 1 << 18;
pub(crate) const CONNECTIVE: u64 = 1 << 19;
pub(crate) const TAIL: u64 = 1 << 20;
pub(crate) const MODAL: u64 = 1 << 21;
pub(crate) const SCHEDULE: u64 = 1 << 22;
pub(crate) const ASK: u64 = 1 << 23;
pub(crate) const WILL_NOUN_PRE: u64 = 1 << 24;
pub(crate) const PLAN_NOUN_PRE: u64 = 1 << 25;
pub(crate) const ADVERB: u64 = 1 << 26;
pub(crate) const PRED_VERB: u64 = 1 << 27;
pub(crate) const SUBJ_PRON_1: u64 = 1 << 28;
pub(crate) const DESIRE: u64 = 1 << 29;
/// Can start a time expression (the time reader is only tried at these tokens and at numbers).
pub(crate) const TIME: u64 = 1 << 30;
/// First word of a static cue phrase.
pub(crate) const PHRASE_START: u64 = 1 << 31;

const CLASSES: &[(u64, &str)] = &[
    (BE, "be is are am was were been being 's are 're"),
    (BE_PAST, "was were"),
    (HAVE, "have has had having 've"),
    (DO, "do does did"),
    (NEG, "not never no nor neither"),
    (
        DET,
        "the a an this that these those his her its their our my your some any every each another \
         no such both either all",
    ),
    (PRON, "i you he she it we they who one"),
    (SUBJ_PRON_1, "i we you"),
    (
        PREP,
        "in on at by for with from to of about over under into after before during within through \
         until since against among between without toward towards across per via despite amid upon",
    ),
    (CONJ, "and or but nor yet so"),
    (
        SUBORD,
        "because although though while whereas since as when until after before unless if once \
         whether",
    ),
    (
        REPORT,
        "said says say told tells added adds stated states announced announces noted notes argued \
         argues claimed claims insisted insists declared declares explained explains wrote writes \
         believes believe believed thinks think thought suggested suggests predicted predicts predict \
         warned warns warn estimated estimates acknowledged acknowledges admitted admits conceded \
         concedes cautioned cautions confirmed confirms indicated indicates hinted hints signalled \
         signaled signals reckons reckon reckoned maintains maintained contended contends asserted \
         asserts expects expect expected forecast forecasts projects projected anticipates anticipate \
         anticipated fears fear feared hopes hope hoped foresee foresees assured assures promised promises pledged \
         pledges vowed vows reported reports told",
    ),
    (
        PRED_VERB,
        "predict predicts predicted forecast forecasts foresee foresees foresaw expect expects \
         anticipate anticipates project projects warn warns warned bet bets wager wagers",
    ),
    (
        REPORT_NOUN,
        "statement promise pledge warning prediction claim belief expectation expectations forecast \
         hope hopes fear fears assurance assurances assertion reports report announcement view \
         prediction predictions projections projection estimate estimates signs sign suggestion \
         suggestions speculation rumours rumors",
    ),
    (
        PAST,
        "was were had did said went came took made met flew saw got gave told found thought became \
         began held kept left lost paid put ran sent sold spent stood won wrote knew led brought \
         bought built caught chose drew drove fell felt fought grew heard hit hung laid lay meant \
         rose sat shot shut slid spoke stole struck swore taught threw understood woke wore withdrew \
         forgot forgave froze hid overtook undertook overcame",
    ),
    (
        TITLE,
        "president secretary minister chancellor prime premier governor senator representative \
         congressman congresswoman mayor chairman chairwoman chair director ambassador general \
         executive economist analyst researcher author lead head officer official professor editor \
         founder ceo cfo coo senior former acting managing strategist scientist adviser advisor \
         correspondent member partner manager fellow \
         spokesman spokeswoman spokesperson chief deputy assistant foreign state defence defense \
         finance interior treasury vice commissioner leader king queen prince sheikh sen gov rep \
         dr mr mrs ms prof us u.s u.s. uk u.k u.k. eu e.u.",
    ),
    (
        OUTCOME,
        "pass fail rise fall grow shrink recover rebound reach arrive improve ease decline drop climb \
         increase decrease happen occur end last hold remain stay continue win lose finish succeed \
         peak slow accelerate stabilise stabilize return close open collapse survive expire begin \
         start conclude emerge soften strengthen weaken widen narrow come go settle resume follow \
         pick be become",
    ),
    (
        INFER,
        "explain explains mean means suggest suggests indicate indicates reflect reflects imply \
         implies account signal signals point",
    ),
    (
        EVAL,
        "prudent wise unwise foolish wrong right fair unfair safe naive premature difficult hard easy \
         interesting important useful helpful better best good nice mistake error sensible reasonable \
         tempting tough impossible possible unrealistic realistic dangerous risky worth pointless \
         instructive fitting appropriate ironic",
    ),
    (DEONTIC, "must ought need needs have has"),
    (WH, "how whether if what when who which why where"),
    (
        CONNECTIVE,
        "however moreover also still meanwhile first second third fourth fifth finally so thus \
         therefore then yet and but or indeed now further furthermore besides instead nonetheless \
         nevertheless hence accordingly lastly",
    ),
    (TAIL, "emerging surfacing circulating swirling mounting growing abound"),
    (MODAL, "will would shall should could may might can must"),
    (
        SCHEDULE,
        "takes starts begins opens closes ends expires meets votes launches arrives convenes \
         kicks goes resumes take start begin open close end expire meet vote launch arrive \
         convene resume",
    ),
    (
        ASK,
        "ask asks asked asking wonder wonders wondered see know knows knew unclear clear sure \
         decide decides determine check doubt question",
    ),
    (
        WILL_NOUN_PRE,
        "the a his her their its our my your political free good ill popular own last strong \
         collective public",
    ),
    (
        PLAN_NOUN_PRE,
        "the a an his her their its our my your 's new this that any no its",
    ),
    (
        ADVERB,
        "also still likely probably certainly definitely surely possibly perhaps maybe soon then \
         now almost nearly just only even already eventually ultimately quickly gradually sharply \
         further again never not really easily finally slowly steadily well",
    ),
    (DESIRE, "like rather love prefer"),
    (
        TIME,
        "by in before until till through throughout during within over on for of at around come \
         the this next last coming current later late early mid middle end close start beginning \
         first second third fourth soon shortly imminently imminent any eventually sooner someday \
         some ultimately one tomorrow today tonight year-end year january jan february feb march \
         mar april apr may june jun july jul august aug september sep sept october oct november \
         nov december dec monday tuesday wednesday thursday friday saturday sunday spring summer \
         autumn fall winter a an two three four five six seven eight nine ten eleven twelve \
         fifteen eighteen twenty thirty fifty hundred few several couple",
    ),
];

/// Non-numeric cue phrases recognised by the static trie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phrase {
    /// A non-committal hedge ("it remains to be seen").
    Hedge,
    /// A declined forecast ("no one can predict whether"): a hedge that puts the outcome at even odds.
    Declined,
    /// A conditional marker ("if", "if and when", "unless", "once", "provided that").
    Cond,
    /// "unless": the condition is the negation of the following clause.
    CondUnless,
    /// "if" that is not a condition ("even if", "as if", "if not", "if any").
    NotCond,
    /// An intention predicate ("plans to", "mulling over", "threatens to").
    Intent,
    /// "according to": a reporting frame whose speaker follows.
    According,
}

const PHRASES: &[(Phrase, &str)] = &[
    (
        Phrase::Hedge,
        "it remains to be seen|remains to be seen|remain to be seen|time will tell|only time will tell|\
         we will see|we shall see|who knows|anything can happen|there is no telling|there 's no telling|\
         no telling|anyone's guess|anybody's guess|too early to say|too early to tell|too soon to say|\
         too soon to tell|too early to predict|hard to say|hard to predict|hard to tell|difficult to say|\
         difficult to predict|unclear whether|unclear if|\
         unclear how|unclear when|uncertain whether|not clear whether|not clear if|an open question|\
         remains unclear|remains uncertain|is unclear|anyone 's guess|\
         anybody 's guess|up in the air",
    ),
    (
        Phrase::Declined,
        "no one knows|nobody knows|no one can predict|nobody can predict|no one can say|nobody can say|no one can tell|\
         nobody can tell|impossible to predict|impossible to say|can not predict|can not say whether|\
         there is no way of knowing|there is no way to know",
    ),
    (
        Phrase::Cond,
        "if|if and when|when and if|only if|provided that|providing that|as long as|so long as|\
         in the event that|in the event of|on condition that|assuming that|once",
    ),
    (Phrase::CondUnless, "unless"),
    (
        Phrase::NotCond,
        "even if|as if|if not|if any|if so|if anything|if ever|if only|what if|once again|once more|\
         at once|once a|once an|once upon|all at once|if at all",
    ),
    (
        Phrase::Intent,
        "plans to|planning to|plan to|intends to|intend to|intending to|mulling|mulling over|mulls|\
         considering|weighing|threatens to|threatening to|threatened to|vows to|vowed to|vow to|\
         pledges to|pledged to|pledge to|promises to|promised to|promise to|aims to|aiming to|\
         preparing to|prepares to|prepared to|hopes to|hoping to|hope to|seeks to|seeking to|is willing to|\
         are willing to|looking to|eyeing|contemplating|mulled|planning a|planning an|planning the|\
         planning new|preparing a|preparing an|ready to|is planned for|are planned for|\
         is scheduled for|are scheduled for|is slated for|are slated for|is planned|are planned",
    ),
    (Phrase::According, "according to"),
];

pub(crate) struct Tables {
    words: WordMap<String, u64>,
    phrases: PhraseTrie,
    kinds: Vec<Phrase>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut words: WordMap<String, u64> = WordMap::default();
        for (bit, list) in CLASSES {
            for w in list.split_whitespace() {
                *words.entry(w.to_string()).or_insert(0) |= *bit;
            }
        }
        let mut phrases = PhraseTrie::default();
        let mut kinds = Vec::new();
        let mut firsts: Vec<String> = Vec::new();
        for (kind, list) in PHRASES {
            for p in list.split('|') {
                let key = normalise_phrase(p.trim());
                if key.is_empty() {
                    continue;
                }
                phrases.insert(&key, kinds.len());
                kinds.push(*kind);
                if let Some(f) = key.split(' ').next() {
                    firsts.push(f.to_string());
                }
            }
        }
        for f in firsts {
            *words.entry(f).or_insert(0) |= PHRASE_START;
        }
        Tables {
            words,
            phrases,
            kinds,
        }
    })
}

/// Fills in `class` (and, with a lexicon, the lexicon's first-word node `lex`) for every token.
pub(crate) fn classify_with(t: &mut Tokens, lex: Option<&Lexicon>) {
    let tab = tables();
    for i in 0..t.len() {
        let (c, node) = match t.toks.get(i).map(|k| k.kind) {
            Some(TokKind::Punct) | None => (0, 0),
            Some(_) => {
                let w = t.norm(i);
                (
                    tab.words.get(w).copied().unwrap_or(0),
                    lex.map_or(0, |l| l.root_child(w)),
                )
            }
        };
        if let Some(k) = t.toks.get_mut(i) {
            k.class = c;
            k.lex = node;
        }
    }
}

/// Fills in `class` for every token (no lexicon).
#[cfg(test)]
pub(crate) fn classify(t: &mut Tokens) {
    classify_with(t, None);
}

/// Static cue phrases in tokens `a..b`, with their kind.
pub(crate) fn find_phrases(t: &Tokens, a: usize, b: usize) -> Vec<(Hit, Phrase)> {
    let tab = tables();
    tab.phrases
        .find_from(t, a, b, |i| {
            if has(t, i, PHRASE_START) {
                tab.phrases.root_child(t.norm(i))
            } else {
                0
            }
        })
        .into_iter()
        .filter_map(|h| tab.kinds.get(h.entry).map(|k| (h, *k)))
        .collect()
}

/// Whether token `i` has any of the class bits in `bits`.
pub(crate) fn has(t: &Tokens, i: usize, bits: u64) -> bool {
    t.toks.get(i).is_some_and(|k| k.class & bits != 0)
}

pub(crate) fn is_punct(t: &Tokens, i: usize, p: &str) -> bool {
    t.toks
        .get(i)
        .is_some_and(|k| k.kind == TokKind::Punct && t.norm(i) == p)
}

pub(crate) fn is_any_punct(t: &Tokens, i: usize) -> bool {
    t.toks.get(i).is_some_and(|k| k.kind == TokKind::Punct)
}

/// A quotation mark or bracket token (skipped when looking for the word next to a cue).
pub(crate) fn is_quote(t: &Tokens, i: usize) -> bool {
    is_any_punct(t, i) && matches!(t.norm(i), "\"" | "'" | "(" | ")" | "[" | "]")
}

/// Looks like a verb in its base form: a lowercase word that is not a function word.
pub(crate) fn verbish(t: &Tokens, i: usize) -> bool {
    let Some(k) = t.toks.get(i) else {
        return false;
    };
    if k.kind != TokKind::Word || k.cap {
        return false;
    }
    k.class & (DET | PRON | PREP | CONJ | NEG | SUBORD | WH) == 0 || t.norm(i) == "be"
}

/// Looks like a past-tense or past-participle verb form.
pub(crate) fn pastish(t: &Tokens, i: usize) -> bool {
    let Some(k) = t.toks.get(i) else {
        return false;
    };
    if k.kind != TokKind::Word {
        return false;
    }
    if k.class & PAST != 0 {
        return true;
    }
    let w = t.norm(i);
    w.len() > 4
        && w.ends_with("ed")
        && (!w.ends_with("eed") || matches!(w, "agreed" | "freed" | "decreed" | "guaranteed"))
        && !matches!(
            w,
            "need" | "speed" | "embed" | "hundred" | "bed" | "red" | "shed"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::tokenize;

    fn toks(s: &str) -> Tokens {
        let mut t = tokenize(s, 500).unwrap_or_default();
        classify(&mut t);
        t
    }

    #[test]
    fn word_classes() {
        let t = toks("The bank was not expected to cut rates");
        assert!(has(&t, 0, DET));
        assert!(has(&t, 2, BE | BE_PAST));
        assert!(has(&t, 3, NEG));
        assert!(pastish(&t, 4));
        assert!(verbish(&t, 6));
        assert!(!verbish(&t, 0));
    }

    #[test]
    fn static_phrases() {
        let t = toks("It remains to be seen whether the deal, if and when signed, holds even if prices fall.");
        let kinds: Vec<Phrase> = find_phrases(&t, 0, t.len())
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert_eq!(kinds, [Phrase::Hedge, Phrase::Cond, Phrase::NotCond]);
        let t = toks("The US is mulling over new sanctions unless Moscow plans to withdraw.");
        let kinds: Vec<Phrase> = find_phrases(&t, 0, t.len())
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert_eq!(kinds, [Phrase::Intent, Phrase::CondUnless, Phrase::Intent]);
    }
}
