//! Sentence splitting: byte and character spans of the sentences of a text.
//!
//! Rules, in the order they are applied:
//! - A NUL character always ends a sentence (it is never part of one).
//! - A blank line (two line breaks with only white space between, `\r` included) always ends a sentence.
//! - A single line break ends a sentence (a paragraph or heading without final punctuation) unless the
//!   next line starts with a lowercase letter, or the line ends with a comma, semicolon, colon, dash,
//!   opening bracket or a lowercase function word ("the", "of", "and", ...): those read as a hard-wrapped
//!   sentence that goes on.
//! - `.` `!` `?` `…` (and runs of them) end a sentence only when followed, after any closing quotes or
//!   brackets (which stay in the sentence), by white space or the end of the text, and when the next word
//!   does not start with a lowercase letter (`"Will it last?" he asked.` is one sentence).
//! - Before a `.`: titles ("Mr.", "Dr.", "Gen.") never end a sentence; "e.g." / "i.e." / "vs." / "No. 5"
//!   never do; initialisms and initials ("U.S.", "a.m.", "J."), month abbreviations ("Jan.") and
//!   "etc."/"Inc."/"Jr." end one only when the next word is a capitalised function word that usually
//!   opens a sentence ("The", "He", "But", ...), so "the U.S. will" and "the U.S. Congress" stay whole
//!   while "in the U.S. The next day" splits.
//! - A number before a `.` ends a sentence ("in 2015. The"); "3.5" never splits (no white space).
//!
//! Spans are trimmed of surrounding white space. Character offsets count Unicode scalar values and are
//! computed in one pass, so the whole split is linear in the text length.

/// One sentence: `text[start..end]` (bytes) is the sentence; `char_start..char_end` is the same range in
/// Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
}

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "gen", "lt",
    "col", "capt", "cpt", "sgt", "cmdr", "adm", "maj", "brig", "rev", "hon", "pres", "supt", "st",
    "mt", "ft", "fr", "sr", "mme", "mlle", "atty", "insp", "det", "amb", "sec", "dep",
];
const NEVER_END: &[&str] = &[
    "e.g", "i.e", "eg", "ie", "vs", "v", "cf", "viz", "approx", "ca", "fig", "figs", "vol", "vols",
    "pp", "p", "no", "nos", "art", "sec", "ch", "al", "op", "cit", "ibid",
];
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];
const SOFT: &[&str] = &[
    "etc", "inc", "ltd", "co", "corp", "jr", "bros", "plc", "llc", "dept", "univ", "assn", "est",
];
/// Capitalised words that usually open a sentence: after an ambiguous abbreviation they signal a break.
const STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "for",
    "with",
    "however",
    "if",
    "when",
    "while",
    "as",
    "its",
    "his",
    "her",
    "their",
    "our",
    "my",
    "there",
    "here",
    "what",
    "why",
    "how",
    "who",
    "meanwhile",
    "still",
    "now",
    "then",
    "after",
    "before",
    "since",
    "although",
    "though",
    "despite",
    "some",
    "many",
    "most",
    "all",
    "both",
    "each",
    "no",
    "not",
    "such",
    "one",
    "officials",
    "analysts",
    "critics",
    "experts",
    "moreover",
    "also",
    "instead",
    "indeed",
    "thus",
    "by",
    "from",
    "during",
];
/// Lowercase words after which a line break is read as a wrapped line, not a paragraph end.
const WRAP_WORDS: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "to", "in", "on", "for", "with", "by", "at", "from",
    "that", "as", "is", "are", "was", "were", "will", "would", "be", "its", "their", "his", "her",
    "this", "but", "if", "than", "into", "about",
];

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '\u{201D}' | '\u{2019}' | '\u{00BB}' | '\u{203A}'
    )
}

/// The word just before byte `pos` (letters, digits and inner dots), lowercased.
fn word_before(text: &str, pos: usize) -> String {
    let head = &text[..pos];
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '.' || c == '\'' || c == '\u{2019}')
        .last()
        .map_or(pos, |(i, _)| i);
    head[start..].trim_matches('.').to_lowercase()
}

/// The next word starting at or after byte `pos`, skipping white space and opening quotes/brackets.
fn word_after(text: &str, pos: usize) -> &str {
    let tail = &text[pos..];
    let skip = tail
        .char_indices()
        .find(|&(_, c)| {
            !(c.is_whitespace()
                || matches!(
                    c,
                    '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{00AB}'
                ))
        })
        .map_or(tail.len(), |(i, _)| i);
    let rest = &tail[skip..];
    let end = rest
        .char_indices()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

fn starts_lowercase(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

fn is_starter(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && STARTERS.contains(&word.to_lowercase().as_str())
}

/// Decides whether the terminator run ending at byte `after` (closers included) ends a sentence.
/// `term_start` is the byte of the first terminator character.
fn ends_sentence(text: &str, term_start: usize, after: usize, first_term: char) -> bool {
    let next = word_after(text, after);
    if next.is_empty() {
        // End of text, or only punctuation follows (a list marker, a dash): end here.
        return true;
    }
    if starts_lowercase(next) {
        return false;
    }
    if first_term != '.' {
        return true;
    }
    let before = word_before(text, term_start);
    if before.is_empty() {
        return true;
    }
    let b = before.as_str();
    if TITLES.contains(&b) {
        return false;
    }
    if NEVER_END.contains(&b) {
        // "No. 5" never splits; "No." before a capitalised starter ("He said no. The ...") does.
        return b == "no"
            && !next.chars().next().is_some_and(|c| c.is_ascii_digit())
            && is_starter(next);
    }
    let single_letter = b.chars().count() == 1 && b.chars().all(char::is_alphabetic);
    if b.contains('.') || single_letter || MONTHS.contains(&b) || SOFT.contains(&b) {
        return is_starter(next);
    }
    true
}

/// Whether a single line break between `line_end` (byte just after the last non-space of the line) and
/// the next line starting at `next_start` ends the sentence.
fn line_break_ends(text: &str, line_end: usize, next_start: usize) -> bool {
    let next_char = text[next_start..].chars().next();
    if next_char.is_some_and(char::is_lowercase) {
        return false;
    }
    let last = text[..line_end].chars().next_back();
    if last.is_some_and(|c| matches!(c, ',' | ';' | ':' | '-' | '(' | '\u{2013}' | '\u{2014}')) {
        return false;
    }
    let w = word_before(text, line_end);
    let raw_last_is_lower = last.is_some_and(char::is_lowercase);
    !(raw_last_is_lower && WRAP_WORDS.contains(&w.as_str()))
}

/// Splits `text` into sentence spans.
pub fn split(text: &str) -> Vec<SentenceSpan> {
    let mut raw: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    // Byte just after the last non-white-space character seen.
    let mut last_non_ws = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while i < text.len() {
        // Fast path: plain ASCII that is neither a line break nor a terminator.
        let b0 = bytes[i];
        if b0 == 0 {
            // A NUL byte (text glued from records) always separates sentences.
            if let Some(s) = start.take() {
                raw.push((s, last_non_ws));
            }
            i += 1;
            continue;
        }
        if b0 < 0x80 && !matches!(b0, b'\n' | b'.' | b'!' | b'?') {
            if !matches!(b0, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c') {
                if start.is_none() {
                    start = Some(i);
                }
                last_non_ws = i + 1;
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        if c == '\n' {
            // Look ahead over the white space: count line breaks up to the next visible character.
            let mut j = i + 1;
            let mut breaks = 1;
            while j < text.len() {
                match bytes[j] {
                    b'\n' => breaks += 1,
                    b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c' => {}
                    _ => break,
                }
                j += 1;
            }
            if let Some(s) = start {
                let ends = j >= text.len() || breaks >= 2 || line_break_ends(text, last_non_ws, j);
                if ends {
                    raw.push((s, last_non_ws));
                    start = None;
                }
            }
            i = j;
            continue;
        }
        if c.is_whitespace() {
            i += clen;
            continue;
        }
        if start.is_none() {
            start = Some(i);
        }
        if is_terminal(c) {
            // Consume the run of terminators, then closers.
            let term_start = i;
            let mut j = i;
            while let Some(d) = text[j..].chars().next() {
                if is_terminal(d) {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            while let Some(d) = text[j..].chars().next() {
                if is_closer(d) {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            let at_gap = text[j..].chars().next().is_none_or(char::is_whitespace);
            last_non_ws = j;
            if at_gap && ends_sentence(text, term_start, j, c) {
                if let Some(s) = start {
                    raw.push((s, j));
                }
                start = None;
            }
            i = j;
            continue;
        }
        i += clen;
        last_non_ws = i;
    }
    if let Some(s) = start {
        if last_non_ws > s {
            raw.push((s, last_non_ws));
        }
    }
    // Character offsets in one forward pass.
    let mut out = Vec::with_capacity(raw.len());
    let mut byte_pos = 0usize;
    let mut char_pos = 0usize;
    for (s, e) in raw {
        if e <= s {
            continue;
        }
        char_pos += text[byte_pos..s].chars().count();
        let char_start = char_pos;
        char_pos += text[s..e].chars().count();
        byte_pos = e;
        out.push(SentenceSpan {
            start: s,
            end: e,
            char_start,
            char_end: char_pos,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split(text).iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn plain_sentences() {
        assert_eq!(sents("One. Two! Three?"), ["One.", "Two!", "Three?"]);
        assert_eq!(sents(""), Vec::<&str>::new());
        assert_eq!(sents("  \n\r\n "), Vec::<&str>::new());
    }

    #[test]
    fn initialism_us() {
        assert_eq!(
            sents("The U.S. will act. The U.S. Congress agreed."),
            ["The U.S. will act.", "The U.S. Congress agreed."]
        );
        assert_eq!(
            sents("He moved to the U.S. The next year he left."),
            ["He moved to the U.S.", "The next year he left."]
        );
    }

    #[test]
    fn titles_never_split() {
        assert_eq!(
            sents("Mr. Smith met Dr. Jones and Gen. Lee."),
            ["Mr. Smith met Dr. Jones and Gen. Lee."]
        );
        assert_eq!(
            sents("Mrs. May and Prof. Ng spoke. Sen. Warren left."),
            ["Mrs. May and Prof. Ng spoke.", "Sen. Warren left."]
        );
    }

    #[test]
    fn month_abbreviations() {
        assert_eq!(
            sents("The vote is on Jan. 5 in Paris."),
            ["The vote is on Jan. 5 in Paris."]
        );
        assert_eq!(
            sents("It ended in Dec. The talks resume."),
            ["It ended in Dec.", "The talks resume."]
        );
        assert_eq!(
            sents("Due by Sept. Congress will decide."),
            ["Due by Sept. Congress will decide."]
        );
    }

    #[test]
    fn other_abbreviations_and_initials() {
        assert_eq!(
            sents("Fruit, e.g. Apples, sold well."),
            ["Fruit, e.g. Apples, sold well."]
        );
        assert_eq!(
            sents("John F. Kennedy spoke at 9 a.m. Nobody came."),
            ["John F. Kennedy spoke at 9 a.m. Nobody came."]
        );
        assert_eq!(
            sents("Item No. 5 sold. It was cheap."),
            ["Item No. 5 sold.", "It was cheap."]
        );
        assert_eq!(
            sents("Acme Inc. The firm grew."),
            ["Acme Inc.", "The firm grew."]
        );
        assert_eq!(
            sents("Pens, paper, etc. Then we left."),
            ["Pens, paper, etc.", "Then we left."]
        );
    }

    #[test]
    fn numbers_do_not_split() {
        assert_eq!(
            sents("Growth was 3.5% in 2015. It will be 2.1% next year."),
            ["Growth was 3.5% in 2015.", "It will be 2.1% next year."]
        );
        assert_eq!(sents("It cost $1.5 billion."), ["It cost $1.5 billion."]);
    }

    #[test]
    fn quotations_stay_with_their_sentence() {
        assert_eq!(
            sents("\"Will it last?\" he asked. \"No.\" She left."),
            ["\"Will it last?\" he asked.", "\"No.\"", "She left."]
        );
        assert_eq!(
            sents("He said \u{201C}it will end.\u{201D} Then he left."),
            ["He said \u{201C}it will end.\u{201D}", "Then he left."]
        );
    }

    #[test]
    fn paragraphs_without_final_punctuation() {
        assert_eq!(
            sents("A headline\nThe body starts here."),
            ["A headline", "The body starts here."]
        );
        assert_eq!(
            sents("Title line\r\n\r\nBody text"),
            ["Title line", "Body text"]
        );
        assert_eq!(
            sents("A sentence that is\nwrapped here."),
            ["A sentence that is\nwrapped here."]
        );
        assert_eq!(
            sents("wrapped before the\nUnited Nations vote."),
            ["wrapped before the\nUnited Nations vote."]
        );
    }

    #[test]
    fn nul_separates_sentences() {
        assert_eq!(
            sents("Rates will rise\0Prices will fall next year."),
            ["Rates will rise", "Prices will fall next year."]
        );
        assert_eq!(sents("\0\0One.\0"), ["One."]);
    }

    #[test]
    fn crlf_and_char_offsets() {
        let text = "\u{00C9}t\u{00E9} fini.\r\nNext \u{FFFD} one.";
        let spans = split(text);
        assert_eq!(spans.len(), 2);
        let chars: Vec<char> = text.chars().collect();
        for s in &spans {
            let by_chars: String = chars[s.char_start..s.char_end].iter().collect();
            assert_eq!(by_chars, &text[s.start..s.end]);
        }
        assert_eq!(spans[1].char_start, 11);
    }
}
