//! The estimative lexicon: phrase → implied probability (point, low–high range, source), loaded from CSV.
//!
//! # CSV format
//!
//! UTF-8, comma-separated, one header row naming the columns (any order; extra columns are ignored):
//!
//! | column | content |
//! |---|---|
//! | `phrase` | the surface form, e.g. `very likely`, `won't`, `is to`. Matched case-insensitively on whole words, with white space collapsed, curly apostrophes straightened and clitics spelled out, so `won't` and `will not` are the same phrase (a second row for it is a duplicate). |
//! | `point` | implied probability of the event the phrase qualifies, read positively, in `[0, 1]` |
//! | `low`, `high` | the range (survey inter-quartile range or doctrinal band), `0 ≤ low ≤ point ≤ high ≤ 1` |
//! | `source` | where the numbers come from (non-empty), e.g. `zonination 2015 median`, `hindsight heuristic` |
//! | `kind` | one of `flat`, `flat_negative`, `modal`, `estimative`, `negative`, `weak`, `intensifier` (see [`EntryKind`]) |
//!
//! Lines starting with `#` are comments. Fields containing commas are double-quoted. Rows of kind
//! `intensifier` leave `point`, `low` and `high` empty; every other row must fill them.
//!
//! The built-in table (`lexicon.csv` beside this file, embedded at compile time) follows
//! shared/ESTIMATIVE.md §4 (lay-reader survey medians) and §4.1 (our heuristics), with the corrections
//! §3.3 asks for where the full CAPphrase data differ from the §4 sample ("realistic possibility" 0.60,
//! "remote chance" 0.05, "might" 0.40). Negative phrases carry their own measured rows ("unlikely" 0.20,
//! "probably not" 0.25), never 1 − p of the positive. Flat "will"/"won't" (and bare "would", read as
//! "will" per §4.1) are clamped to [0.03, 0.97]: that clamp is this project's heuristic (§0 point 3),
//! not a sourced convention, and keeps log scores finite.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::tokens::{normalise_phrase, Tokens};

/// The built-in table, see the module doc.
const BUILTIN_CSV: &str = include_str!("lexicon.csv");

/// Longest phrase, in normalised tokens, that the matcher looks for.
const MAX_PHRASE_TOKENS: usize = 8;

/// How a lexicon phrase reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Flat future assertion ("will", "is going to", bare "would"): clamped.
    Flat,
    /// Flat negative ("will not", "never"): clamped; the wording denies the event.
    FlatNegative,
    /// Modal verb or modal phrase ("could", "might", "may well", epistemic "should").
    Modal,
    /// Estimative word or phrase, positive wording ("likely", "expected to", "almost certainly").
    Estimative,
    /// Estimative phrase whose wording denies the event ("unlikely", "probably not", "we doubt").
    Negative,
    /// Low-information possibility phrase ("possibly", "there is a chance"): candidates get
    /// `low_confidence`.
    Weak,
    /// "very", "highly", ...: moves the following estimative phrase one rung further from 0.5.
    Intensifier,
}

impl EntryKind {
    const ACCEPTED: &'static str =
        "one of flat, flat_negative, modal, estimative, negative, weak, intensifier";

    fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "flat" => Self::Flat,
            "flat_negative" => Self::FlatNegative,
            "modal" => Self::Modal,
            "estimative" => Self::Estimative,
            "negative" => Self::Negative,
            "weak" => Self::Weak,
            "intensifier" => Self::Intensifier,
            _ => return None,
        })
    }

    /// The wording of the phrase denies the event it qualifies.
    pub fn is_negative(self) -> bool {
        matches!(self, Self::FlatNegative | Self::Negative)
    }
}

/// One row of the lexicon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The phrase as written in the CSV.
    pub phrase: String,
    /// Implied probability of the event, read positively (0 for intensifiers).
    pub point: f64,
    pub low: f64,
    pub high: f64,
    pub source: String,
    pub kind: EntryKind,
}

/// Why a lexicon CSV was rejected. Line numbers are 1-based lines of the CSV text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LexiconError {
    #[error("lexicon CSV line {line}: cannot read the row: {message}")]
    Csv { line: u64, message: String },
    #[error("lexicon CSV: the header has no `{column}` column; the columns are phrase,point,low,high,source,kind")]
    MissingColumn { column: &'static str },
    #[error("lexicon CSV line {line}, field `{field}`: value {value:?} is not accepted; expected {expected}")]
    Field {
        line: u64,
        field: &'static str,
        value: String,
        expected: String,
    },
    #[error("lexicon CSV line {line}: phrase {phrase:?} is already defined on line {first_line}")]
    Duplicate {
        line: u64,
        phrase: String,
        first_line: u64,
    },
    #[error("lexicon CSV has no phrase rows")]
    Empty,
}

/// FNV-1a (Fowler, Noll, Vo; 64-bit offset basis and prime from the published FNV parameters).
/// The keys are short words from our own tables, so a simple fast hash beats the DoS-resistant
/// default here: matching costs a few hash look-ups per token of the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl Default for WordHasher {
    fn default() -> Self {
        WordHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// A hash map keyed by words, using [`WordHasher`].
pub(crate) type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;

#[derive(Debug, Clone, Default)]
struct TrieNode {
    next: WordMap<Box<str>, u32>,
    entry: Option<u32>,
}

/// A phrase occurrence in a token sequence: tokens `start..end` match `entry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub entry: usize,
}

/// A word-level trie over normalised phrases: matching a sentence costs one hash look-up per token
/// (plus one per extra word of a phrase that actually starts there), whatever the number of phrases.
#[derive(Debug, Clone)]
pub(crate) struct PhraseTrie {
    nodes: Vec<TrieNode>,
}

impl Default for PhraseTrie {
    fn default() -> Self {
        PhraseTrie {
            nodes: vec![TrieNode::default()],
        }
    }
}

impl PhraseTrie {
    /// Adds a normalised, space-joined phrase with its payload (a later insert of the same key wins).
    pub(crate) fn insert(&mut self, key: &str, payload: usize) {
        let mut node = 0usize;
        for word in key.split(' ') {
            let next = match self.nodes.get(node).and_then(|n| n.next.get(word)) {
                Some(&n) => n as usize,
                None => {
                    let n = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    if let Some(cur) = self.nodes.get_mut(node) {
                        cur.next.insert(word.into(), n as u32);
                    }
                    n
                }
            };
            node = next;
        }
        if let Some(cur) = self.nodes.get_mut(node) {
            cur.entry = Some(payload as u32);
        }
    }

    /// The node reached from the root by word `w` (0 when no phrase starts with it).
    pub(crate) fn root_child(&self, w: &str) -> u32 {
        self.nodes
            .first()
            .and_then(|n| n.next.get(w))
            .copied()
            .unwrap_or(0)
    }

    /// [`PhraseTrie::find`] with the first step given by `first(i)` (a node id, 0 for none), so a
    /// caller that already looked the word up does not hash it again.
    pub(crate) fn find_from(
        &self,
        toks: &Tokens,
        a: usize,
        b: usize,
        first: impl Fn(usize) -> u32,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        let b = b.min(toks.len());
        let mut i = a;
        while i < b {
            let start_node = first(i);
            if start_node == 0 {
                i += 1;
                continue;
            }
            let mut node = start_node as usize;
            let mut best: Option<(usize, usize)> = None;
            if let Some(e) = self.nodes.get(node).and_then(|n| n.entry) {
                best = Some((i + 1, e as usize));
            }
            let mut j = i + 1;
            while j < b && j - i < MAX_PHRASE_TOKENS {
                match self.nodes.get(node).and_then(|n| n.next.get(toks.norm(j))) {
                    Some(&n) => {
                        node = n as usize;
                        j += 1;
                        if let Some(e) = self.nodes.get(node).and_then(|n| n.entry) {
                            best = Some((j, e as usize));
                        }
                    }
                    None => break,
                }
            }
            match best {
                Some((end, entry)) => {
                    hits.push(Hit {
                        start: i,
                        end,
                        entry,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        hits
    }
}

/// The phrase table plus a word-level trie over the normalised phrases (see `PhraseTrie`).
#[derive(Debug, Clone)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// Normalised phrase of each entry (same index).
    keys: Vec<String>,
    by_key: HashMap<String, usize>,
    trie: PhraseTrie,
}

impl Lexicon {
    /// The built-in table (see the module doc for where its numbers come from).
    pub fn builtin() -> Lexicon {
        match Lexicon::from_csv(BUILTIN_CSV) {
            Ok(l) => l,
            // The embedded table is checked by a unit test; an empty lexicon is the graceful fallback.
            Err(_) => Lexicon {
                entries: Vec::new(),
                keys: Vec::new(),
                by_key: HashMap::new(),
                trie: PhraseTrie::default(),
            },
        }
    }

    /// Parses a lexicon from CSV text in the format of the module doc.
    pub fn from_csv(text: &str) -> Result<Lexicon, LexiconError> {
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| LexiconError::Csv {
                line: e.position().map_or(1, |p| p.line()),
                message: e.to_string(),
            })?
            .clone();
        let col = |name: &'static str| -> Result<usize, LexiconError> {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .ok_or(LexiconError::MissingColumn { column: name })
        };
        let (c_phrase, c_point, c_low, c_high, c_source, c_kind) = (
            col("phrase")?,
            col("point")?,
            col("low")?,
            col("high")?,
            col("source")?,
            col("kind")?,
        );
        let mut lex = Lexicon {
            entries: Vec::new(),
            keys: Vec::new(),
            by_key: HashMap::new(),
            trie: PhraseTrie::default(),
        };
        let mut first_lines: Vec<u64> = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| LexiconError::Csv {
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let get = |c: usize| rec.get(c).unwrap_or("").trim();
            let field_err =
                |field: &'static str, value: &str, expected: &str| LexiconError::Field {
                    line,
                    field,
                    value: value.to_string(),
                    expected: expected.to_string(),
                };
            let phrase = get(c_phrase);
            let key = normalise_phrase(phrase);
            if !key.chars().any(char::is_alphanumeric) {
                return Err(field_err(
                    "phrase",
                    phrase,
                    "a phrase of at most 8 words with at least one letter or digit",
                ));
            }
            if key.split(' ').count() > MAX_PHRASE_TOKENS {
                return Err(field_err("phrase", phrase, "a phrase of at most 8 words"));
            }
            let kind_s = get(c_kind);
            let kind = EntryKind::parse(kind_s)
                .ok_or_else(|| field_err("kind", kind_s, EntryKind::ACCEPTED))?;
            let source = get(c_source);
            if source.is_empty() {
                return Err(field_err(
                    "source",
                    source,
                    "a non-empty note of where the numbers come from (e.g. \"zonination 2015 median\" or \"hindsight heuristic\")",
                ));
            }
            let (point, low, high) = if kind == EntryKind::Intensifier {
                for (field, c) in [("point", c_point), ("low", c_low), ("high", c_high)] {
                    if !get(c).is_empty() {
                        return Err(field_err(
                            field,
                            get(c),
                            "an empty field for kind intensifier",
                        ));
                    }
                }
                (0.0, 0.0, 0.0)
            } else {
                let num = |field: &'static str, c: usize| -> Result<f64, LexiconError> {
                    let v = get(c);
                    match v.parse::<f64>() {
                        Ok(x) if x.is_finite() && (0.0..=1.0).contains(&x) => Ok(x),
                        _ => Err(field_err(field, v, "a probability from 0 to 1, e.g. 0.7")),
                    }
                };
                let (point, low, high) = (
                    num("point", c_point)?,
                    num("low", c_low)?,
                    num("high", c_high)?,
                );
                if low > point {
                    return Err(field_err(
                        "low",
                        get(c_low),
                        &format!("a value no greater than point ({point})"),
                    ));
                }
                if high < point {
                    return Err(field_err(
                        "high",
                        get(c_high),
                        &format!("a value no less than point ({point})"),
                    ));
                }
                (point, low, high)
            };
            if let Some(&prev) = lex.by_key.get(&key) {
                return Err(LexiconError::Duplicate {
                    line,
                    phrase: phrase.to_string(),
                    first_line: first_lines.get(prev).copied().unwrap_or(0),
                });
            }
            let idx = lex.entries.len();
            lex.entries.push(Entry {
                phrase: phrase.to_string(),
                point,
                low,
                high,
                source: source.to_string(),
                kind,
            });
            first_lines.push(line);
            lex.trie.insert(&key, idx);
            lex.keys.push(key.clone());
            lex.by_key.insert(key, idx);
        }
        if lex.entries.is_empty() {
            return Err(LexiconError::Empty);
        }
        Ok(lex)
    }

    /// The row for `phrase`, matched case-insensitively with white space collapsed (and the other
    /// normalisations of the module doc), e.g. `lookup("Very  likely")`.
    pub fn lookup(&self, phrase: &str) -> Option<&Entry> {
        let key = normalise_phrase(phrase);
        self.by_key.get(&key).and_then(|&i| self.entries.get(i))
    }

    /// All rows, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub(crate) fn entry(&self, i: usize) -> Option<&Entry> {
        self.entries.get(i)
    }

    /// The normalised phrase of entry `i` ("" when out of range).
    pub(crate) fn key(&self, i: usize) -> &str {
        self.keys.get(i).map_or("", String::as_str)
    }

    /// Leftmost-longest, non-overlapping phrase occurrences in `toks[a..b]`, using the first-word
    /// nodes stored in the tokens by `cues::classify`.
    pub(crate) fn find(&self, toks: &Tokens, a: usize, b: usize) -> Vec<Hit> {
        self.trie
            .find_from(toks, a, b, |i| toks.toks.get(i).map_or(0, |t| t.lex))
    }

    /// The trie node a phrase starting with word `w` reaches (0: none).
    pub(crate) fn root_child(&self, w: &str) -> u32 {
        self.trie.root_child(w)
    }

    /// The reading of `entry` one rung further from 0.5 (for an intensifier in front of it): the
    /// estimative row with the nearest point beyond it, first in file order. `None` at the ends of the
    /// ladder or for kinds that have no ladder (flat, modal, intensifier).
    pub(crate) fn rung_beyond(&self, entry: usize) -> Option<&Entry> {
        let base = self.entries.get(entry)?;
        let ladder = |e: &Entry| matches!(e.kind, EntryKind::Estimative | EntryKind::Negative);
        if !ladder(base) {
            return None;
        }
        let up = base.point >= 0.5;
        let mut best: Option<&Entry> = None;
        for e in self.entries.iter().filter(|e| ladder(e)) {
            let beyond = if up {
                e.point > base.point
            } else {
                e.point < base.point
            };
            if !beyond {
                continue;
            }
            let closer = match best {
                None => true,
                Some(b) => (e.point - base.point).abs() < (b.point - base.point).abs(),
            };
            if closer {
                best = Some(e);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        match Lexicon::from_csv(BUILTIN_CSV) {
            Ok(l) => l,
            Err(e) => panic!("built-in lexicon does not parse: {e}"),
        }
    }

    #[test]
    fn builtin_parses_and_every_row_names_a_source() {
        let l = lex();
        assert!(l.entries().len() > 80);
        assert!(l.entries().iter().all(|e| !e.source.is_empty()));
        assert_eq!(Lexicon::builtin().entries().len(), l.entries().len());
    }

    #[test]
    fn lookup_is_case_and_space_insensitive() {
        let l = lex();
        let e = l.lookup("  Very   LIKELY ").map(|e| e.point);
        assert_eq!(e, Some(0.90));
        assert_eq!(
            l.lookup("likely").map(|e| (e.point, e.low, e.high)),
            Some((0.70, 0.63, 0.80))
        );
        assert_eq!(
            l.lookup("won\u{2019}t").map(|e| e.phrase.as_str()),
            Some("will not")
        );
        assert!(l.lookup("purple elephant").is_none());
        assert!(l.lookup("").is_none());
    }

    #[test]
    fn negatives_are_measured_rows_not_one_minus_p() {
        let l = lex();
        let get = |p: &str| l.lookup(p).map(|e| e.point).unwrap_or(f64::NAN);
        // zonination/Mauboussin/CAPphrase: "unlikely" 0.20, not 1 - 0.70 = 0.30.
        assert_eq!(get("unlikely"), 0.20);
        assert!((get("unlikely") - (1.0 - get("likely"))).abs() > 0.05);
        // zonination: "probably not" 0.265 -> 0.25, not 1 - 0.70 = 0.30.
        assert_eq!(get("probably not"), 0.25);
        assert_eq!(get("highly unlikely"), 0.08);
        assert!((get("highly unlikely") - (1.0 - get("highly likely"))).abs() > 0.01);
        assert_eq!(
            l.lookup("unlikely").map(|e| e.kind),
            Some(EntryKind::Negative)
        );
    }

    #[test]
    fn flat_rows_are_clamped_and_corrections_applied() {
        let l = lex();
        assert_eq!(l.lookup("will").map(|e| e.point), Some(0.97));
        assert_eq!(l.lookup("won't").map(|e| e.point), Some(0.03));
        assert_eq!(l.lookup("would").map(|e| e.point), Some(0.97));
        // ESTIMATIVE.md §3.3 full-data corrections.
        assert_eq!(
            l.lookup("realistic possibility").map(|e| e.point),
            Some(0.60)
        );
        assert_eq!(l.lookup("remote chance").map(|e| e.point), Some(0.05));
        assert_eq!(l.lookup("might").map(|e| e.point), Some(0.40));
        assert!(l
            .lookup("will")
            .is_some_and(|e| e.source.contains("hindsight heuristic")));
    }

    #[test]
    fn intensifier_moves_one_rung_out() {
        let l = lex();
        let idx = |p: &str| {
            l.entries()
                .iter()
                .position(|e| e.phrase == p)
                .unwrap_or(usize::MAX)
        };
        // likely 0.70 -> the next estimative point above is 0.80.
        assert_eq!(l.rung_beyond(idx("likely")).map(|e| e.point), Some(0.80));
        // unlikely 0.20 -> the next point below is 0.15 ("with low probability").
        assert_eq!(l.rung_beyond(idx("unlikely")).map(|e| e.point), Some(0.15));
        assert!(l.rung_beyond(idx("will")).is_none());
    }

    #[test]
    fn matcher_prefers_longest_phrase() {
        let l = lex();
        let mut t = crate::extract::tokens::tokenize(
            "It will probably not rain, but chances are slight.",
            100,
        )
        .unwrap_or_default();
        crate::extract::cues::classify_with(&mut t, Some(&l));
        let found: Vec<&str> = l
            .find(&t, 0, t.len())
            .iter()
            .filter_map(|h| l.entry(h.entry).map(|e| e.phrase.as_str()))
            .collect();
        assert_eq!(found, ["will probably not", "chances are slight"]);
    }

    fn err(csv: &str) -> LexiconError {
        match Lexicon::from_csv(csv) {
            Ok(_) => panic!("expected an error for {csv:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn csv_errors_name_line_field_value_and_what_is_accepted() {
        let h = "phrase,point,low,high,source,kind\n";
        let e = err(&format!(
            "{h}likely,0.7,0.6,0.8,zon,estimative\nmeh,1.5,0.1,0.2,x,estimative\n"
        ));
        assert_eq!(
            e,
            LexiconError::Field {
                line: 3,
                field: "point",
                value: "1.5".into(),
                expected: "a probability from 0 to 1, e.g. 0.7".into()
            }
        );
        let msg = e.to_string();
        assert!(msg.contains("line 3") && msg.contains("point") && msg.contains("1.5"));

        let e = err(&format!("{h}likely,0.7,0.6,0.8,zon,sorta\n"));
        assert!(
            matches!(&e, LexiconError::Field { line: 2, field: "kind", value, .. } if value == "sorta")
        );
        assert!(e.to_string().contains("flat_negative"));

        let e = err(&format!("{h}likely,0.7,0.75,0.8,zon,estimative\n"));
        assert!(matches!(e, LexiconError::Field { field: "low", .. }));
        let e = err(&format!("{h}likely,0.7,0.6,0.8,,estimative\n"));
        assert!(matches!(
            e,
            LexiconError::Field {
                field: "source",
                ..
            }
        ));
        let e = err(&format!("{h}very,0.5,,,h,intensifier\n"));
        assert!(matches!(e, LexiconError::Field { field: "point", .. }));
        let e = err(&format!("{h}\"!!\",0.5,0.4,0.6,h,estimative\n"));
        assert!(matches!(
            e,
            LexiconError::Field {
                field: "phrase",
                ..
            }
        ));
        let e = err(&format!(
            "{h}won't,0.03,0.03,0.03,m,flat_negative\nwill not,0.03,0.03,0.03,m,flat_negative\n"
        ));
        assert_eq!(
            e,
            LexiconError::Duplicate {
                line: 3,
                phrase: "will not".into(),
                first_line: 2
            }
        );
        assert_eq!(
            err("phrase,point,low,high,kind\n"),
            LexiconError::MissingColumn { column: "source" }
        );
        assert_eq!(err(h), LexiconError::Empty);
        assert!(matches!(
            err(&format!("{h}a,0.5\n")),
            LexiconError::Csv { line: 2, .. }
        ));
    }

    #[test]
    fn user_table_with_comments_and_reordered_columns() {
        let csv = "# mine\nkind,phrase,source,point,low,high,note\nestimative,Fat chance,my guess,0.05,0.01,0.1,x\n";
        let l = match Lexicon::from_csv(csv) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(l.lookup("fat   chance").map(|e| e.point), Some(0.05));
        assert_eq!(
            l.lookup("fat chance").map(|e| e.source.as_str()),
            Some("my guess")
        );
    }
}
