//! Word tokens of one sentence (or of one lexicon phrase), with a normalised form for matching.
//!
//! Owns the single definition of "the same words" that the lexicon, the cue lists and the time
//! expressions are matched on: lowercase, curly apostrophes made straight, and English clitics split
//! off and spelled out ("won't" → `will` `not`, "it'll" → `it` `will`, "cannot" → `can` `not`). Every
//! token keeps the byte range of the source text it came from, so a run of tokens maps back to an exact
//! substring of the input.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Starts with a letter.
    Word,
    /// Starts with a digit ("2016", "3.5", "1,000", "30th", "50-50").
    Number,
    /// One character that is neither a letter nor a digit nor white space.
    Punct,
}

/// One token: byte range in the tokenised text and range of its normalised form in `Tokens::buf`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    norm_start: u32,
    norm_end: u32,
    pub kind: TokKind,
    /// The source text starts with an uppercase letter.
    pub cap: bool,
    /// Word-class bits from `cues::classify`, filled in by the caller.
    pub class: u64,
    /// The lexicon trie node reached by this word from the root (0: no phrase starts here), filled in
    /// by `cues::classify`.
    pub lex: u32,
}

/// The tokens of one text, with their normalised forms stored back to back in one buffer
/// (one allocation per sentence rather than one per token: this runs on every sentence).
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub toks: Vec<Token>,
    buf: String,
}

impl Tokens {
    /// The normalised form of token `i` ("" when out of range).
    pub fn norm(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) => self
                .buf
                .get(t.norm_start as usize..t.norm_end as usize)
                .unwrap_or(""),
            None => "",
        }
    }

    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// The normalised forms of tokens `a..b` joined by single spaces.
    pub fn joined(&self, a: usize, b: usize) -> String {
        let mut s = String::new();
        for i in a..b.min(self.len()) {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(self.norm(i));
        }
        s
    }

    fn push(&mut self, start: usize, end: usize, norm: &str, kind: TokKind, cap: bool) {
        let norm_start = self.buf.len() as u32;
        self.buf.push_str(norm);
        let norm_end = self.buf.len() as u32;
        self.toks.push(Token {
            start,
            end,
            norm_start,
            norm_end,
            kind,
            cap,
            class: 0,
            lex: 0,
        });
    }

    /// Appends the lowercased, apostrophe-straightened form of `src` as one token.
    fn push_lowered(&mut self, start: usize, src: &str, kind: TokKind) {
        let norm_start = self.buf.len() as u32;
        if src.bytes().all(|b| b.is_ascii() && b != b'`') {
            self.buf
                .extend(src.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            self.push_lowered_slow(src);
        }
        let norm_end = self.buf.len() as u32;
        let cap = src.chars().next().is_some_and(char::is_uppercase);
        self.toks.push(Token {
            start,
            end: start + src.len(),
            norm_start,
            norm_end,
            kind,
            cap,
            class: 0,
            lex: 0,
        });
    }

    fn push_lowered_slow(&mut self, src: &str) {
        for c in src.chars() {
            match c {
                '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => self.buf.push('\''),
                '\u{2010}' | '\u{2011}' => self.buf.push('-'),
                c if c.is_ascii() => self.buf.push(c.to_ascii_lowercase()),
                c => self.buf.extend(c.to_lowercase()),
            }
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Splits `text` into tokens. Returns `None` when there would be more than `max` tokens, so that a
/// pathological "sentence" (a 10 MB line of words) costs no more than `max` tokens of work.
pub(crate) fn tokenize(text: &str, max: usize) -> Option<Tokens> {
    let mut out = Tokens::default();
    tokenize_into(&mut out, text, max).then_some(out)
}

/// [`tokenize`] into a reused buffer (cleared first); `false` when over `max` tokens.
pub(crate) fn tokenize_into(out: &mut Tokens, text: &str, max: usize) -> bool {
    out.toks.clear();
    out.buf.clear();
    let bytes = text.as_bytes();
    // The character at byte `k` and its length (ASCII without decoding).
    let char_at = |k: usize| -> Option<(char, usize)> {
        match bytes.get(k) {
            Some(&b) if b < 0x80 => Some((char::from(b), 1)),
            Some(_) => text
                .get(k..)
                .and_then(|s| s.chars().next())
                .map(|c| (c, c.len_utf8())),
            None => None,
        }
    };
    let mut i = 0usize;
    while let Some((c, clen)) = char_at(i) {
        if out.toks.len() > max {
            return false;
        }
        if c.is_whitespace() {
            i += clen;
            continue;
        }
        if !c.is_alphanumeric() {
            let norm = match c {
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => "\"",
                '\u{2018}' | '\u{2019}' | '`' => "'",
                '\u{2013}' | '\u{2014}' | '\u{2015}' => "\u{2014}",
                '\u{2026}' => "...",
                _ => "",
            };
            let end = i + clen;
            if norm.is_empty() {
                out.push(i, end, &text[i..end], TokKind::Punct, false);
            } else {
                out.push(i, end, norm, TokKind::Punct, false);
            }
            i = end;
            continue;
        }
        // A word or a number: extend while the next characters continue it.
        let starts_digit = c.is_numeric();
        let mut end = i + clen;
        // Length in chars of the run since the start or the last inner '.', for "U.S" / "3.5".
        let mut run_len = 1usize;
        let mut run_digits = starts_digit;
        while let Some((d, dlen)) = char_at(end) {
            if d.is_alphanumeric() {
                run_len += 1;
                run_digits &= d.is_numeric();
                end += dlen;
                continue;
            }
            let next = char_at(end + dlen).map(|x| x.0);
            let next_alnum = next.is_some_and(char::is_alphanumeric);
            let joins = if is_apostrophe(d) || is_hyphen(d) {
                next_alnum
            } else if d == '.' {
                // "3.5" joins; "U.S" / "e.g" joins (short letter runs); "end.Next" does not.
                (run_digits && next.is_some_and(|n| n.is_ascii_digit()))
                    || (!run_digits && run_len <= 2 && next_alnum && !starts_digit)
            } else if d == ',' {
                // "1,000" joins, "2015, the" does not.
                let digit = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
                run_digits && digit(end + 1) && digit(end + 2) && digit(end + 3) && !digit(end + 4)
            } else {
                false
            };
            if !joins {
                break;
            }
            if d == '.' {
                run_len = 0;
                run_digits = true;
            }
            end += dlen;
        }
        // "U.S." keeps its final dot when the word already has an inner one.
        if !starts_digit && text[i..end].contains('.') && bytes.get(end) == Some(&b'.') {
            end += 1;
        }
        let word = &text[i..end];
        let kind = if starts_digit {
            TokKind::Number
        } else {
            TokKind::Word
        };
        push_word(out, i, word, kind);
        i = end;
    }
    out.toks.len() <= max
}

/// Pushes one word, splitting English clitics and a few fused forms into separate normalised tokens.
fn push_word(out: &mut Tokens, start: usize, word: &str, kind: TokKind) {
    if kind == TokKind::Word {
        if let Some((a, b)) = split_fused(word) {
            let cap = word.chars().next().is_some_and(char::is_uppercase);
            out.push(start, start + a.len(), fused_norm(a), kind, cap);
            out.push(
                start + a.len(),
                start + word.len(),
                fused_norm(b),
                kind,
                false,
            );
            return;
        }
        if let Some((pos, apos_len)) = word.char_indices().rev().find_map(|(k, c)| {
            if is_apostrophe(c) {
                Some((k, c.len_utf8()))
            } else {
                None
            }
        }) {
            let suffix = word[pos + apos_len..].to_ascii_lowercase();
            let stem = &word[..pos];
            let clitic = match suffix.as_str() {
                "ll" => Some("will"),
                "d" => Some("would"),
                "re" => Some("are"),
                "ve" => Some("have"),
                "m" => Some("am"),
                "s" => Some("'s"),
                _ => None,
            };
            if let Some(clitic) = clitic {
                if !stem.is_empty() {
                    out.push_lowered(start, stem, kind);
                    out.push(start + pos, start + word.len(), clitic, kind, false);
                    return;
                }
            }
            if suffix == "t" && (stem.ends_with('n') || stem.ends_with('N')) && stem.len() > 1 {
                let base = &stem[..stem.len() - 1];
                let lowered = base.to_ascii_lowercase();
                let norm = match lowered.as_str() {
                    "wo" => Some("will"),
                    "ca" => Some("can"),
                    "sha" => Some("shall"),
                    "ai" => Some("is"),
                    _ => None,
                };
                let cap = base.chars().next().is_some_and(char::is_uppercase);
                match norm {
                    Some(n) => out.push(start, start + base.len(), n, kind, cap),
                    None => out.push_lowered(start, base, kind),
                }
                out.push(start + base.len(), start + word.len(), "not", kind, false);
                return;
            }
        }
    }
    out.push_lowered(start, word, kind);
}

/// Words written as one that read as two: "cannot", "gonna", "wanna".
fn split_fused(word: &str) -> Option<(&str, &str)> {
    if word.len() != 5 && word.len() != 6 {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    match lower.as_str() {
        "cannot" => Some((&word[..3], &word[3..])),
        "gonna" | "wanna" => Some((&word[..3], &word[3..])),
        _ => None,
    }
}

fn fused_norm(part: &str) -> &'static str {
    match part.to_ascii_lowercase().as_str() {
        "can" => "can",
        "not" => "not",
        "gon" => "going",
        "wan" => "want",
        _ => "to",
    }
}

/// The normalised form of a phrase as a space-joined string, for lexicon keys and look-ups.
pub(crate) fn normalise_phrase(phrase: &str) -> String {
    match tokenize(phrase, 64) {
        Some(t) => t.joined(0, t.len()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(s: &str) -> Vec<String> {
        let t = tokenize(s, 1000).unwrap();
        (0..t.len()).map(|i| t.norm(i).to_string()).collect()
    }

    #[test]
    fn clitics_are_split_and_spelled_out() {
        assert_eq!(norms("It won't"), ["it", "will", "not"]);
        assert_eq!(norms("they\u{2019}ll go"), ["they", "will", "go"]);
        assert_eq!(norms("We can't"), ["we", "can", "not"]);
        assert_eq!(norms("cannot"), ["can", "not"]);
        assert_eq!(norms("wouldn't"), ["would", "not"]);
        assert_eq!(norms("Kerry's visit"), ["kerry", "'s", "visit"]);
        assert_eq!(norms("O'Brien"), ["o'brien"]);
        assert_eq!(norms("gonna"), ["going", "to"]);
    }

    #[test]
    fn numbers_initialisms_and_hyphens_stay_whole() {
        assert_eq!(norms("3.5% of 1,000"), ["3.5", "%", "of", "1,000"]);
        assert_eq!(norms("the U.S. will"), ["the", "u.s.", "will"]);
        assert_eq!(norms("a toss-up, 50-50"), ["a", "toss-up", ",", "50-50"]);
        assert_eq!(norms("end.Next"), ["end", ".", "next"]);
        assert_eq!(norms("in 2015, the"), ["in", "2015", ",", "the"]);
    }

    #[test]
    fn byte_ranges_map_back_to_the_source() {
        let s = "Sie w\u{00FC}rde \u{201C}won\u{2019}t\u{201D}";
        let t = tokenize(s, 100).unwrap();
        let pieces: Vec<&str> = t.toks.iter().map(|k| &s[k.start..k.end]).collect();
        assert_eq!(
            pieces,
            [
                "Sie",
                "w\u{00FC}rde",
                "\u{201C}",
                "wo",
                "n\u{2019}t",
                "\u{201D}"
            ]
        );
        assert_eq!(t.norm(3), "will");
        assert_eq!(t.norm(2), "\"");
    }

    #[test]
    fn token_cap_stops_early() {
        assert!(tokenize("a b c d e f", 3).is_none());
        assert_eq!(normalise_phrase("  Very   LIKELY "), "very likely");
    }
}
