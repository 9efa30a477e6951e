//! HTML character references in text copied from web pages (`&apos;`, `&quot;`, `&amp;`,
//! `&#8211;`, `&nbsp;`): decoded for the analysis, with a map back to the original text so that
//! every span and quote still points into what the user gave.
//!
//! Each `&name;` / `&#NNN;` / `&#xHH;` is decoded on its own by the `html-escape` crate (its table
//! is the HTML5 one); we only find the candidates and keep the offsets.

/// One decoded reference: where it is in the decoded text and in the original, in characters.
#[derive(Debug, Clone, Copy)]
struct Repl {
    dec_char: usize,
    dec_chars: usize,
    orig_char: usize,
    orig_chars: usize,
}

/// A text with its references decoded, and the map back to the original.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub text: String,
    repls: Vec<Repl>,
}

/// The longest reference we look for, `;` included (HTML5's longest name has 31 letters).
const MAX_REF: usize = 34;

/// Decodes the references in `text`; `None` when it has none (the common case costs one scan for
/// `&`).
pub(crate) fn decode(text: &str) -> Option<Decoded> {
    let bytes = text.as_bytes();
    let mut first = text.find('&')?;
    let mut out = String::with_capacity(text.len());
    let mut repls = Vec::new();
    // Bytes copied so far, and the character counts at that point in both texts.
    let mut copied = 0usize;
    let (mut dec_chars, mut orig_chars) = (0usize, 0usize);
    loop {
        let amp = first;
        let limit = (amp + MAX_REF).min(bytes.len());
        let semi = bytes[amp + 1..limit]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'#'))
            .map(|p| amp + 1 + p)
            .filter(|&p| bytes[p] == b';' && p > amp + 1);
        if let Some(semi) = semi {
            let reference = &text[amp..=semi];
            let decoded = html_escape::decode_html_entities(reference);
            if decoded != reference {
                let before = &text[copied..amp];
                let n = before.chars().count();
                out.push_str(before);
                dec_chars += n;
                orig_chars += n;
                let d = decoded.chars().count();
                repls.push(Repl {
                    dec_char: dec_chars,
                    dec_chars: d,
                    orig_char: orig_chars,
                    orig_chars: reference.len(),
                });
                out.push_str(&decoded);
                dec_chars += d;
                orig_chars += reference.len();
                copied = semi + 1;
            }
        }
        match text[amp + 1..].find('&') {
            Some(p) => first = amp + 1 + p,
            None => break,
        }
    }
    if repls.is_empty() {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(Decoded { text: out, repls })
}

impl Decoded {
    /// The original character offset of decoded offset `x`. An offset inside a decoded reference
    /// goes to the reference's start (`end == false`) or end (`end == true`), so a span never cuts
    /// a reference in two.
    pub fn to_original(&self, x: usize, end: bool) -> usize {
        let i = self.repls.partition_point(|r| r.dec_char <= x);
        let Some(r) = i.checked_sub(1).and_then(|i| self.repls.get(i)) else {
            return x;
        };
        let dec_end = r.dec_char + r.dec_chars;
        if x == r.dec_char {
            r.orig_char
        } else if x < dec_end {
            if end {
                r.orig_char + r.orig_chars
            } else {
                r.orig_char
            }
        } else {
            x - dec_end + r.orig_char + r.orig_chars
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_decoded_and_mapped_back() {
        let text =
            "Kerry&apos;s aide: &quot;it will end&quot; &#8211; A&amp;B, 5&nbsp;% &bogus; & done";
        let d = decode(text).unwrap_or_else(|| panic!("has references"));
        assert_eq!(
            d.text,
            "Kerry's aide: \"it will end\" \u{2013} A&B, 5\u{a0}% &bogus; & done"
        );
        let orig: Vec<char> = text.chars().collect();
        let dec: Vec<char> = d.text.chars().collect();
        let slice = |v: &[char], a: usize, b: usize| v[a..b].iter().collect::<String>();
        // "it will end" in the decoded text maps onto the same words in the original.
        let a = d.text.find("it will").map(|b| d.text[..b].chars().count());
        let a = a.unwrap_or_default();
        let b = a + "it will end".len();
        assert_eq!(slice(&dec, a, b), "it will end");
        assert_eq!(
            slice(&orig, d.to_original(a, false), d.to_original(b, true)),
            "it will end"
        );
        // A span over the apostrophe keeps the whole reference.
        assert_eq!(
            slice(&orig, d.to_original(0, false), d.to_original(7, true)),
            "Kerry&apos;s"
        );
        // A span ending inside a reference takes all of it.
        assert_eq!(d.to_original(6, true), 11);
        assert!(decode("no references here & there").is_none());
        assert!(decode("&").is_none());
        assert!(decode("&;&#;&#xZZ;").is_none());
    }
}
