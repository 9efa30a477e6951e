//! Turning results into text for people (tables) and programs (JSON, CSV).
//!
//! stdout carries data and nothing else; messages go to stderr through [`note`].

pub mod html;
pub mod ics;
pub mod report;
pub mod table;

use std::io::Write;

use chrono::{DateTime, Utc};

/// `s` with every character that could steer the terminal (see
/// [`validate::is_display_control`](crate::domain::validate::is_display_control)) shown as
/// a visible escape such as `\u{1b}`, so that text from a ledger or a file is read as it
/// is stored. Newlines and tabs are kept. With `keep_colour`, the colour sequences this
/// program writes itself (`ESC [ digits ; … m`) pass unchanged.
pub fn neutralise(s: &str, keep_colour: bool) -> std::borrow::Cow<'_, str> {
    use crate::domain::validate::is_display_control;
    let unsafe_char = |c: char| c != '\n' && c != '\t' && is_display_control(c);
    // ASCII byte by byte (a long table is megabytes of it), other characters decoded.
    let mut rest = s;
    let clean = loop {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii() || (b.is_ascii_control() && b != b'\n' && b != b'\t'));
        let Some(at) = ascii else { break true };
        let mut chars = rest[at..].chars();
        match chars.next() {
            Some(c) if !unsafe_char(c) => rest = chars.as_str(),
            _ => break false,
        }
    };
    if clean {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if keep_colour && c == '\u{1b}' {
            if let Some(len) = colour_sequence_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// The length of an SGR colour sequence (`ESC [ 0-9;* m`) at the start of `s`, if one is there.
fn colour_sequence_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\u{1b}[")?;
    let digits = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(digits) == Some(&b'm')).then_some(2 + digits + 1)
}

/// Writes `text` to stdout, its control characters neutralised (colour kept where it is
/// on). A closed pipe comes back as an `io::Error` that `main` treats as success.
pub fn out(text: &str) -> std::io::Result<()> {
    out_data(&neutralise(text, colour_enabled()))
}

/// Writes data for programs (JSON, CSV) to stdout exactly as given: their own quoting
/// already keeps control characters inert, and neutralising would change the values.
pub fn out_data(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') && !text.is_empty() {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()
}

/// Pretty JSON on stdout, the `--json` output of every read command.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    json_to(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// A JSON array of the items an iterator gives, made one at a time as the array is
/// written (the same text as a `Vec` of them would give): `log --json` of a whole ledger
/// need not hold every event's JSON at once. An item that is an error ends the array and
/// fails the serialisation with its message. Serialising it a second time gives `[]`.
pub struct JsonItems<I>(std::cell::RefCell<Option<I>>);

impl<I> JsonItems<I> {
    pub fn new(items: I) -> Self {
        JsonItems(std::cell::RefCell::new(Some(items)))
    }
}

impl<I, T, E> serde::Serialize for JsonItems<I>
where
    I: Iterator<Item = Result<T, E>>,
    T: serde::Serialize,
    E: std::fmt::Display,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let Some(items) = self.0.borrow_mut().take() else {
            return s.collect_seq(std::iter::empty::<T>());
        };
        let (low, high) = items.size_hint();
        let mut seq = s.serialize_seq((Some(low) == high).then_some(low))?;
        for item in items {
            seq.serialize_element(&item.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

/// Pretty JSON written to `out` as it is made (a report's JSON runs to tens of
/// megabytes: it is never held whole), without a newline after it.
pub fn json_to<T: serde::Serialize>(out: impl Write, value: &T) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, value).map_err(|e| {
        // A failed write stays an I/O error (a closed pipe is then no failure at all);
        // serde_json's wrapper would hide it from `error::is_broken_pipe`.
        if e.is_io() {
            anyhow::Error::from(std::io::Error::from(e))
        } else {
            anyhow::Error::from(e)
        }
    })?;
    out.flush()?;
    Ok(())
}

/// A message for the person at the terminal, on stderr, its control characters neutralised.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{}", neutralise(text, false));
}

/// Whether colour may be used on stdout: a terminal, and NO_COLOR unset (https://no-color.org).
pub fn colour_enabled() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// "70%" for 0.7; one decimal only when needed ("2.5%").
pub fn percent(p: f64) -> String {
    let x = p * 100.0;
    if (x - x.round()).abs() < 1e-9 {
        format!("{:.0}%", x)
    } else {
        format!("{:.1}%", x)
    }
}

/// A percentage rounded to a whole number, for calibration tables.
pub fn percent_round(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// A count that may be fractional (time-averaged weights): whole numbers print bare.
pub fn count(n: f64) -> String {
    if (n - n.round()).abs() < 1e-9 {
        format!("{}", n.round() as i64)
    } else {
        format!("{n:.2}")
    }
}

pub fn time(t: DateTime<Utc>) -> String {
    crate::domain::parse::format_time(t)
}

/// Cuts `s` to at most `max` characters, marking the cut with an ellipsis; control
/// characters are neutralised first, so a cell never carries one.
pub fn truncate(s: &str, max: usize) -> String {
    // Most text is printable ASCII words one space apart, which nothing below would change
    // but the cut: a long list truncates two cells a row.
    let plain = s.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ");
    if plain {
        return match s.get(..max.saturating_sub(1)) {
            Some(head) if s.len() > max => format!("{head}…"),
            _ => s.to_string(),
        };
    }
    truncate_any(s, max)
}

/// [`truncate`] for any text: control characters shown as escapes, runs of whitespace
/// made one space, then cut to `max` characters.
fn truncate_any(s: &str, max: usize) -> String {
    let flat: String = neutralise(s, false)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut t: String = flat.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A metric for a table cell: three decimals, or a dash when undefined.
pub fn metric(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.3}"))
        .unwrap_or_else(|| "–".to_string())
}

/// A score in Metaculus's points (baseline, peer), one decimal; a dash when undefined.
pub fn points(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}"))
        .unwrap_or_else(|| "–".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_serialise_as_the_vec_of_them_would() {
        for items in [vec![], vec![("a", 1)], vec![("a", 1), ("b\n", 2)]] {
            let want = serde_json::to_string_pretty(&items).unwrap();
            let streamed = JsonItems::new(items.into_iter().map(Ok::<_, String>));
            assert_eq!(serde_json::to_string_pretty(&streamed).unwrap(), want);
            assert_eq!(serde_json::to_string_pretty(&streamed).unwrap(), "[]");
        }
        let failing = JsonItems::new([Ok(1), Err("no such page"), Ok(3)].into_iter());
        let err = serde_json::to_string_pretty(&failing).unwrap_err();
        assert!(err.to_string().contains("no such page"), "{err}");
    }

    #[test]
    fn percents_and_truncation() {
        assert_eq!(percent(0.7), "70%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(truncate("a  b\nc", 10), "a b c");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        assert_eq!(metric(None), "–");
        assert_eq!(metric(Some(0.12345)), "0.123");
    }

    proptest::proptest! {
        #[test]
        fn truncation_takes_no_shortcut_that_changes_text(
            s in "([ -~]|[ \t\n\u{7f}\u{1b}é…])*",
            max in 0usize..40,
        ) {
            proptest::prop_assert_eq!(truncate(&s, max), truncate_any(&s, max));
        }

        #[test]
        fn neutralising_finds_every_control_character(s in "\\PC*|.*") {
            use crate::domain::validate::is_display_control;
            let unsafe_char = |c: char| c != '\n' && c != '\t' && is_display_control(c);
            let changed = matches!(neutralise(&s, false), std::borrow::Cow::Owned(_));
            proptest::prop_assert_eq!(changed, s.chars().any(unsafe_char));
        }
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(neutralise("plain\ttext\n", false), "plain\ttext\n");
        assert_eq!(neutralise("\u{1b}[2Jme", false), "\\u{1b}[2Jme");
        assert_eq!(
            neutralise("a\rb\u{202e}c\u{7f}", false),
            "a\\u{d}b\\u{202e}c\\u{7f}"
        );
        // Colour sequences survive only when asked for, and nothing else with them.
        assert_eq!(
            neutralise("\u{1b}[31mred\u{1b}[0m", true),
            "\u{1b}[31mred\u{1b}[0m"
        );
        assert_eq!(neutralise("\u{1b}[2J", true), "\\u{1b}[2J");
        assert_eq!(
            neutralise("\u{1b}]0;title\u{7}", true),
            "\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(truncate("x\u{1b}[2Jy", 20), "x\\u{1b}[2Jy");
    }
}
