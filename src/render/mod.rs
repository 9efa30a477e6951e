//! Turning results into text for people (tables) and programs (JSON, CSV).
//!
//! stdout carries data and nothing else; messages go to stderr through [`note`].

pub mod html;
pub mod ics;
pub mod table;

use std::io::Write;

use chrono::{DateTime, Utc};

/// Writes `text` to stdout. A closed pipe comes back as an `io::Error` that `main`
/// treats as success.
pub fn out(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    if !text.ends_with('\n') && !text.is_empty() {
        stdout.write_all(b"\n")?;
    }
    stdout.flush()
}

/// Pretty JSON on stdout, the `--json` output of every read command.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    out(&text)?;
    Ok(())
}

/// A message for the person at the terminal, on stderr.
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
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

/// Cuts `s` to at most `max` characters, marking the cut with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_and_truncation() {
        assert_eq!(percent(0.7), "70%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(truncate("a  b\nc", 10), "a b c");
        assert_eq!(truncate("abcdefghij", 5), "abcd…");
        assert_eq!(metric(None), "–");
        assert_eq!(metric(Some(0.12345)), "0.123");
    }
}
