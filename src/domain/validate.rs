//! The rules a record must pass before it joins a ledger, as pure functions.
//!
//! The CLI and the importer both call these through `ledger::record`, so a file can
//! never smuggle in what the command line would refuse.

use chrono::{DateTime, NaiveDate, Utc};

use super::parse::{format_date, start_of_day, InputError};

/// Collapses every run of whitespace to one space and trims the ends, so that a quote
/// copied across a line break still matches the stored text.
pub fn normalise_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `quote` occurs in `text`, ignoring differences that copying text by hand introduces:
/// whitespace (line breaks, non-breaking spaces), case, curly or straight quotes and apostrophes,
/// the kind of dash, and HTML character references (`&apos;`, `&#8211;`). The quote is stored as
/// typed; only the search folds.
pub fn quote_in_text(quote: &str, text: &str) -> bool {
    fn fold(s: &str) -> String {
        let decoded = html_escape::decode_html_entities(s);
        let mapped: String = decoded
            .chars()
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
                | '\u{00BB}' => '"',
                '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
                c => c,
            })
            .flat_map(char::to_lowercase)
            .collect();
        normalise_whitespace(&mapped)
    }
    fold(text).contains(&fold(quote))
}

/// Free text (a title, a statement, a note, evidence…) may hold anything but U+0000:
/// PostgreSQL cannot keep it in text, a ledger must move between the engines unchanged,
/// and no writer means it.
pub fn free_text(field: &str, s: Option<&str>) -> Result<(), InputError> {
    match s {
        Some(t) if t.contains('\0') => Err(InputError::new(
            field,
            t,
            "expected text without the NUL character (U+0000)",
        )),
        _ => Ok(()),
    }
}

pub fn statement(s: &str) -> Result<&str, InputError> {
    let t = s.trim();
    if t.is_empty() {
        Err(InputError::new(
            "statement",
            s,
            "expected a non-empty sentence",
        ))
    } else {
        Ok(t)
    }
}

/// A claim cannot be due before the article that makes it was published.
pub fn resolve_by_after_publication(
    resolve_by: NaiveDate,
    published: Option<NaiveDate>,
) -> Result<(), InputError> {
    match published {
        Some(p) if resolve_by < p => Err(InputError::new(
            "resolve_by",
            &format_date(resolve_by),
            &format!(
                "expected a date on or after the source's publication date {}",
                format_date(p)
            ),
        )),
        _ => Ok(()),
    }
}

/// A claim cannot close before it opens.
pub fn claim_window(
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
) -> Result<(), InputError> {
    match (opens_at, closes_at) {
        (Some(open), Some(close)) if close < open => Err(InputError::new(
            "closes_at",
            &super::parse::format_time(close),
            &format!(
                "expected a time at or after opens_at {}",
                super::parse::format_time(open)
            ),
        )),
        _ => Ok(()),
    }
}

/// A resolution cannot say the outcome became known after the day it was recorded: a
/// future `resolved_on` would leave the claim looking open until then.
pub fn resolved_by_recording(
    resolved_on: NaiveDate,
    recorded_at: DateTime<Utc>,
) -> Result<(), InputError> {
    let today = recorded_at.date_naive();
    if resolved_on > today {
        return Err(InputError::new(
            "resolved_on",
            &format_date(resolved_on),
            &format!(
                "expected a date that is not in the future (on or before {}, UTC)",
                format_date(today)
            ),
        ));
    }
    Ok(())
}

/// A claim's outcome cannot be known before the article that made it was published.
pub fn resolved_after_publication(
    resolved_on: NaiveDate,
    published: NaiveDate,
) -> Result<(), InputError> {
    if resolved_on < published {
        return Err(InputError::new(
            "resolved_on",
            &format_date(resolved_on),
            &format!(
                "expected a date on or after the source's publication date {}",
                format_date(published)
            ),
        ));
    }
    Ok(())
}

/// A forecast cannot have been made after the moment it was recorded (for the CLI: now).
pub fn made_by_recording(
    made_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
) -> Result<(), InputError> {
    if made_at > recorded_at {
        return Err(InputError::new(
            "made_at",
            &super::parse::format_time(made_at),
            &format!(
                "expected a time that is not in the future (at or before {})",
                super::parse::format_time(recorded_at)
            ),
        ));
    }
    Ok(())
}

/// The moment after which nothing more can be forecast on a resolved claim: the start of
/// its resolved-on day (the outcome may be public from then on).
pub fn resolved_from(resolved_on: NaiveDate) -> DateTime<Utc> {
    start_of_day(resolved_on)
}

/// Whether linking `claim` to `condition` would close a loop. `condition_of` answers, for
/// a claim key, the key of its own condition. The walk is bounded by `limit` steps so that
/// a corrupt ledger cannot make it spin.
pub fn condition_forms_cycle(
    claim: &str,
    condition: &str,
    mut condition_of: impl FnMut(&str) -> Option<String>,
    limit: usize,
) -> bool {
    let mut current = condition.to_string();
    for _ in 0..=limit {
        if current == claim {
            return true;
        }
        match condition_of(&current) {
            Some(next) => current = next,
            None => return false,
        }
    }
    true
}

/// Tags are kept lowercase, trimmed, with inner whitespace turned into dashes. Control
/// characters are refused (the store joins lists with one).
pub fn tag(s: &str) -> Result<String, InputError> {
    let t = s.trim().to_lowercase();
    if t.is_empty() || t.chars().any(char::is_control) {
        return Err(InputError::new(
            "tag",
            s,
            "expected a non-empty word without control characters",
        ));
    }
    Ok(t.split_whitespace().collect::<Vec<_>>().join("-"))
}

/// A `--tag` filter, read as tags are stored (absent stays absent).
pub fn tag_filter(s: Option<&str>) -> Result<Option<String>, InputError> {
    s.map(tag).transpose()
}

/// An author's name: non-empty, without control characters (the store joins lists with one).
pub fn author(s: &str) -> Result<String, InputError> {
    let t = s.trim();
    if t.is_empty() || t.chars().any(char::is_control) {
        return Err(InputError::new(
            "authors",
            s,
            "expected a non-empty name without control characters",
        ));
    }
    Ok(t.to_string())
}

/// Whether a character can change what a terminal shows around it rather than show
/// itself: the C0 and C1 controls and DEL (escape sequences, carriage returns, …) and the
/// Unicode bidirectional controls (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069),
/// which can make text read in another order than it is stored (the "Trojan Source"
/// trick). Identifiers refuse them; free text is shown with them neutralised.
pub fn is_display_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// A forecaster's name: trimmed, non-empty, and free of control characters, since it
/// identifies the forecaster in every report and is typed again in filters. Every way in
/// (the CLI, each importer) reads names through this function.
pub fn forecaster(field: &str, s: &str) -> Result<String, InputError> {
    let t = s.trim();
    if t.is_empty() || t.chars().any(is_display_control) {
        return Err(InputError::new(
            field,
            s,
            "expected a non-empty name without control or bidirectional-override characters",
        ));
    }
    Ok(t.to_string())
}

/// The name of whoever recorded a record (`recorded_by`): the same rule as a forecaster's
/// name, since it is shown and filtered on the same way.
pub fn recorder(field: &str, s: &str) -> Result<String, InputError> {
    forecaster(field, s)
}

/// The longest key, in characters.
pub const KEY_MAX_CHARS: usize = 200;

/// Keys name claims and sources on the command line and across files.
pub fn key(field: &str, s: &str) -> Result<String, InputError> {
    let ok = !s.is_empty()
        && s.chars().count() <= KEY_MAX_CHARS
        && s.chars()
            .all(|c| !c.is_whitespace() && !is_display_control(c));
    if ok {
        Ok(s.to_string())
    } else {
        Err(InputError::new(
            field,
            s,
            "expected a non-empty key of at most 200 characters, without spaces or control characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn quotes_match_across_line_breaks() {
        let text = "The talks were\n  described as   frank.\r\nNothing more.";
        assert!(quote_in_text("were described as frank.", text));
        assert!(quote_in_text("  described\tas frank ", text));
        assert!(!quote_in_text("described as cordial", text));
    }

    #[test]
    fn quotes_match_across_case_typography_and_entities() {
        let text = "The peg would be abandoned \u{2013} \u{201C}soon\u{201D}, he said.\u{00A0}Kerry\u{2019}s aide agreed &amp; left.";
        assert!(quote_in_text("the peg would be abandoned", text));
        assert!(quote_in_text(
            "abandoned - \"soon\", he said. Kerry's aide",
            text
        ));
        assert!(quote_in_text("abandoned &#8211; &quot;soon&quot;", text));
        assert!(quote_in_text("agreed & left", text));
        assert!(!quote_in_text("the peg would be kept", text));
        let web = "Kerry&apos;s aide said &quot;no&quot;.";
        assert!(quote_in_text("Kerry's aide said \u{201C}no\u{201D}", web));
    }

    #[test]
    fn free_text_holds_anything_but_nul() {
        assert!(free_text("note", Some("tab\there, line\nbreak, émoji 🙂")).is_ok());
        assert!(free_text("note", None).is_ok());
        let err = free_text("criteria", Some("x\0y")).unwrap_err();
        assert!(err.to_string().contains("criteria"), "{err}");
        assert!(err.to_string().contains("U+0000"), "{err}");
    }

    #[test]
    fn empty_statements_refused() {
        assert!(statement("   ").is_err());
        assert_eq!(statement("  Rain tomorrow ").unwrap(), "Rain tomorrow");
    }

    #[test]
    fn deadline_before_publication_refused() {
        let p = NaiveDate::from_ymd_opt(2015, 5, 26);
        let early = NaiveDate::from_ymd_opt(2015, 5, 25).unwrap();
        let open = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 1, 14, 0, 0).unwrap();
        let e = claim_window(Some(open), Some(open - chrono::Duration::seconds(1))).unwrap_err();
        assert_eq!(e.field, "closes_at");
        assert!(e.to_string().contains("2026-03-01T14:00:00Z"), "{e}");
        assert!(claim_window(Some(open), Some(open)).is_ok());
        assert!(claim_window(None, Some(open)).is_ok() && claim_window(Some(open), None).is_ok());
        let e = resolve_by_after_publication(early, p).unwrap_err();
        assert_eq!(e.field, "resolve_by");
        assert!(e.accepted.contains("2015-05-26"));
        assert!(resolve_by_after_publication(p.unwrap(), p).is_ok());
        assert!(resolve_by_after_publication(early, None).is_ok());
    }

    #[test]
    fn cycles_found() {
        let links: HashMap<&str, &str> = [("b", "c"), ("c", "a")].into_iter().collect();
        let of = |k: &str| links.get(k).map(|s| s.to_string());
        assert!(condition_forms_cycle("a", "a", of, 100));
        assert!(condition_forms_cycle("a", "b", of, 100));
        assert!(!condition_forms_cycle("z", "b", |_| None, 100));
        assert!(!condition_forms_cycle("x", "b", of, 100));
    }

    #[test]
    fn tags_and_keys() {
        assert_eq!(tag(" Arms Control ").unwrap(), "arms-control");
        assert!(tag(" ").is_err());
        assert!(tag("a\u{1f}b").is_err());
        assert_eq!(author(" Ana ").unwrap(), "Ana");
        assert!(author("A\u{1f}B").is_err());
        assert!(author("").is_err());
        assert!(key("key", "c12").is_ok());
        assert!(key("key", "a b").is_err());
        assert!(key("key", "").is_err());
        // The limit counts characters, not bytes.
        assert!(key("key", &"é".repeat(200)).is_ok());
        assert!(key("key", &"é".repeat(201)).is_err());
        assert!(key("key", "c\u{202e}1").is_err());
    }

    #[test]
    fn forecaster_names_are_trimmed_and_free_of_controls() {
        assert_eq!(forecaster("forecaster", " me ").unwrap(), "me");
        assert_eq!(forecaster("forecaster", "A. Writer").unwrap(), "A. Writer");
        for bad in [
            "",
            "  ",
            "\u{1b}[2J",
            "m\ne",
            "evil\u{202e}txt",
            "a\u{2066}b",
            "\u{9b}x",
        ] {
            let e = forecaster("forecaster", bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.value.as_str()), ("forecaster", bad));
        }
    }
}
