//! The open claims as an iCalendar file (RFC 5545): one all-day event per claim on the
//! date it is due, so that a calendar reminds its owner to resolve it. Written with the
//! `icalendar` crate, which escapes text and folds long lines as the RFC requires.
//!
//! Each event's UID is made of the claim's key and the ledger's identity (the hash of its
//! first event), so exporting again and re-importing the file updates the events already
//! in a calendar instead of adding copies, and two ledgers' claims c1 do not collide.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

/// What the calendar says about one claim.
#[derive(Debug, Clone, PartialEq)]
pub struct DueClaim {
    pub key: String,
    pub statement: String,
    pub criteria: Option<String>,
    /// When it is due (its latest postponement's date, else its resolve-by date).
    pub due: NaiveDate,
    /// The date it was recorded with, when postponed since.
    pub postponed_from: Option<NaiveDate>,
    /// The key of its source.
    pub source: Option<String>,
    pub tags: Vec<String>,
}

/// The UID of a claim's event: stable for a ledger and a key.
pub fn uid(ledger: &str, key: &str) -> String {
    let ledger: String = ledger.chars().take(16).collect();
    format!("claim-{key}-{ledger}@hindsight")
}

/// The calendar, as text with CRLF line ends. `ledger` identifies the ledger (see the
/// module doc); `stamp` is the DTSTAMP of every event (the time of the export).
pub fn calendar(claims: &[DueClaim], ledger: &str, stamp: DateTime<Utc>) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"));
    cal.append_property((
        "PRODID",
        concat!(
            "-//hindsight//hindsight ",
            env!("CARGO_PKG_VERSION"),
            "//EN"
        ),
    ));
    cal.append_property(("CALSCALE", "GREGORIAN"));
    cal.name("hindsight: claims to resolve");
    // RFC 5545 text allows no control characters: they are shown as escapes, as on the
    // terminal.
    let clean = |s: &str| super::neutralise(s, false).into_owned();
    for c in claims {
        let statement = clean(&c.statement);
        let mut text = vec![statement.clone()];
        if let Some(k) = &c.criteria {
            text.push(format!("Criteria: {}", clean(k)));
        }
        if let Some(s) = &c.source {
            text.push(format!("Source: {}", clean(s)));
        }
        if let Some(d) = c.postponed_from {
            text.push(format!(
                "Postponed from {}",
                crate::domain::parse::format_date(d)
            ));
        }
        text.push(format!(
            "Details: hindsight show {k}\nResolve: hindsight resolve {k} yes|no|ambiguous|annulled (or hindsight review)",
            k = c.key
        ));
        let mut event = Event::new();
        event
            .uid(&uid(ledger, &c.key))
            .timestamp(stamp)
            .summary(&format!("Resolve {}: {statement}", c.key))
            .description(&text.join("\n"))
            .starts(c.due);
        // All-day: DTEND is the day after, not included (RFC 5545, 3.6.1). On 9999-12-31
        // there is no storable day after; without DTEND an all-day event lasts one day.
        if let Some(end) = c
            .due
            .succ_opt()
            .filter(|d| crate::domain::parse::date_in_range(*d))
        {
            event.ends(end);
        }
        if !c.tags.is_empty() {
            // CATEGORIES is a list: each tag's own `\`, `;` and `,` are escaped (RFC 5545,
            // 3.3.11), which the library leaves to the caller for list values.
            let escaped: Vec<String> = c
                .tags
                .iter()
                .map(|t| {
                    clean(t)
                        .replace('\\', "\\\\")
                        .replace(';', "\\;")
                        .replace(',', "\\,")
                })
                .collect();
            event.add_property("CATEGORIES", escaped.join(","));
        }
        cal.push(event.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn claim(key: &str) -> DueClaim {
        DueClaim {
            key: key.into(),
            statement: "Talks resume; the peg holds, for now".into(),
            criteria: Some("A communiqué".into()),
            due: NaiveDate::from_ymd_opt(2027, 2, 28).unwrap(),
            postponed_from: None,
            source: Some("s1".into()),
            tags: vec![],
        }
    }

    #[test]
    fn one_all_day_event_per_claim_with_escaped_text() {
        let stamp = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let text = calendar(&[claim("c1"), claim("c2")], "ab12cd34ef56ab78cd90", stamp);
        assert!(
            text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{text}"
        );
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert!(text.contains("DTSTART;VALUE=DATE:20270228\r\n"), "{text}");
        assert!(text.contains("DTEND;VALUE=DATE:20270301\r\n"), "{text}");
        assert!(text.contains("UID:claim-c1-ab12cd34ef56ab78@hindsight\r\n"));
        assert!(text.contains("DTSTAMP:20261128T100000Z\r\n"));
        // Commas and semicolons are escaped in text values.
        assert!(
            text.contains(r"Talks resume\; the peg holds\, for now"),
            "{text}"
        );
        // No line is longer than 75 octets.
        assert!(text.split("\r\n").all(|l| l.len() <= 75), "{text}");
    }
}
