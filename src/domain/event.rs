//! The ledger's history, pure half: how a change is written down as an event (its
//! canonical payload), how events chain by SHA-256, and how a stored row is compared with
//! what the history says it should be. The SQL half lives in `store::events`; the format
//! is specified for other programs in docs/EVENTS.md.
//!
//! An event's payload is compact JSON of an [`Envelope`]: `{"v":1,"kind":…,"id":…,"at":…,
//! "record":{…}}`, keys in the order of the structs below (serde writes struct fields in
//! declaration order), the record being the domain struct (`Source`, `Claim`, `Forecast`
//! or `Resolution`) exactly as it went into its table. The hash of event n is
//! `SHA-256(hash of event n-1 as 64 lowercase hex || "\n" || payload as UTF-8)` as
//! lowercase hex; the first event uses 64 zeros as the previous hash.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::parse::{format_date, format_time, truncate_seconds};
use super::{Claim, Forecast, Postponement, Resolution, Source};

/// The payload format's version, the `v` of every envelope. Any change to the envelope or
/// to a record's fields (name, order, meaning) needs a new version.
pub const FORMAT_VERSION: u32 = 1;

/// The "previous hash" of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What kind of record an event carries; also the name of the table it went into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Source,
    Claim,
    Forecast,
    Resolution,
    Postponement,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Source,
        Kind::Claim,
        Kind::Forecast,
        Kind::Resolution,
        Kind::Postponement,
    ];

    /// The kinds a ledger could hold before the history existed (schema version 1): the
    /// ones migration 2 writes first events for.
    pub const BEFORE_HISTORY: [Kind; 4] =
        [Kind::Source, Kind::Claim, Kind::Forecast, Kind::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Source => "source",
            Kind::Claim => "claim",
            Kind::Forecast => "forecast",
            Kind::Resolution => "resolution",
            Kind::Postponement => "postponement",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The record an event carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Source(Source),
    Claim(Claim),
    Forecast(Forecast),
    Resolution(Resolution),
    Postponement(Postponement),
}

impl Record {
    pub fn kind(&self) -> Kind {
        match self {
            Record::Source(_) => Kind::Source,
            Record::Claim(_) => Kind::Claim,
            Record::Forecast(_) => Kind::Forecast,
            Record::Resolution(_) => Kind::Resolution,
            Record::Postponement(_) => Kind::Postponement,
        }
    }

    /// The key `log` files the event under: a source's own key, else the claim's key.
    pub fn subject(&self) -> &str {
        match self {
            Record::Source(s) => &s.key,
            Record::Claim(c) => &c.key,
            Record::Forecast(f) => &f.claim,
            Record::Resolution(r) => &r.claim,
            Record::Postponement(p) => &p.claim,
        }
    }

    /// The record as its table holds it: whole-second times, and a claim's tags sorted
    /// and without repeats (the tag table is a set, read back in byte order).
    pub fn normalised(mut self) -> Record {
        match &mut self {
            Record::Source(s) => s.recorded_at = truncate_seconds(s.recorded_at),
            Record::Claim(c) => {
                c.tags.sort();
                c.tags.dedup();
                c.opens_at = c.opens_at.map(truncate_seconds);
                c.closes_at = c.closes_at.map(truncate_seconds);
                c.created_at = truncate_seconds(c.created_at);
                c.recorded_at = truncate_seconds(c.recorded_at);
            }
            Record::Forecast(f) => {
                f.made_at = truncate_seconds(f.made_at);
                f.recorded_at = truncate_seconds(f.recorded_at);
            }
            Record::Resolution(r) => r.recorded_at = truncate_seconds(r.recorded_at),
            Record::Postponement(p) => p.recorded_at = truncate_seconds(p.recorded_at),
        }
        self
    }

    /// One line for `log`.
    pub fn summary(&self) -> String {
        match self {
            Record::Source(s) => {
                let by = if s.authors.is_empty() {
                    String::new()
                } else {
                    format!(" by {}", s.authors.join(", "))
                };
                format!("source \"{}\"{by}", s.title)
            }
            Record::Claim(c) => format!(
                "claim \"{}\", resolve by {}",
                c.statement,
                format_date(c.resolve_by)
            ),
            Record::Forecast(f) => format!(
                "{} gives {} (made {})",
                f.forecaster,
                percent(f.p),
                format_time(f.made_at)
            ),
            Record::Resolution(r) => {
                format!("resolved {} on {}", r.outcome, format_date(r.resolved_on))
            }
            Record::Postponement(p) => format!("postponed to {}", format_date(p.resolve_by)),
        }
    }
}

fn percent(p: f64) -> String {
    let x = p * 100.0;
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}%")
    } else {
        format!("{x}%")
    }
}

/// One event: what changed (`kind`, the row `id` in its table, the `record`) and when the
/// ledger recorded the change (`at`).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub v: u32,
    pub kind: Kind,
    pub id: i64,
    pub at: DateTime<Utc>,
    pub record: Record,
}

impl Event {
    pub fn new(id: i64, at: DateTime<Utc>, record: Record) -> Event {
        Event {
            v: FORMAT_VERSION,
            kind: record.kind(),
            id,
            at: truncate_seconds(at),
            record,
        }
    }
}

/// The payload as written: field order here is the payload's key order.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    v: u32,
    kind: Kind,
    id: i64,
    at: String,
    record: &'a T,
}

/// The payload as read back, the record still undecoded until `kind` is known.
#[derive(Deserialize)]
struct RawEnvelope {
    v: u32,
    kind: Kind,
    id: i64,
    at: String,
    record: serde_json::Value,
}

/// The canonical payload of an event: compact JSON, keys in struct order. It fails only
/// for a value JSON cannot hold, which the ledger's rules keep out (a non-finite p would
/// be written as null and refused when read back).
pub fn payload(e: &Event) -> Result<String, PayloadError> {
    fn write<T: Serialize>(e: &Event, record: &T) -> Result<String, PayloadError> {
        let env = Envelope {
            v: e.v,
            kind: e.kind,
            id: e.id,
            at: format_time(e.at),
            record,
        };
        serde_json::to_string(&env).map_err(|err| PayloadError(err.to_string()))
    }
    match &e.record {
        Record::Source(s) => write(e, s),
        Record::Claim(c) => write(e, c),
        Record::Forecast(f) => write(e, f),
        Record::Resolution(r) => write(e, r),
        Record::Postponement(p) => write(e, p),
    }
}

/// Why a payload could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PayloadError(pub String);

/// Reads a payload back into an event. Only format version 1 exists.
pub fn parse_payload(text: &str) -> Result<Event, PayloadError> {
    let raw: RawEnvelope =
        serde_json::from_str(text).map_err(|e| PayloadError(format!("not an event: {e}")))?;
    if raw.v != FORMAT_VERSION {
        return Err(PayloadError(format!(
            "format version {} is not one this hindsight knows ({FORMAT_VERSION})",
            raw.v
        )));
    }
    let at = super::parse::time("at", &raw.at).map_err(|e| PayloadError(e.to_string()))?;
    let bad = |e: serde_json::Error| PayloadError(format!("{} record: {e}", raw.kind));
    let record = match raw.kind {
        Kind::Source => Record::Source(serde_json::from_value(raw.record).map_err(bad)?),
        Kind::Claim => Record::Claim(serde_json::from_value(raw.record).map_err(bad)?),
        Kind::Forecast => Record::Forecast(serde_json::from_value(raw.record).map_err(bad)?),
        Kind::Resolution => Record::Resolution(serde_json::from_value(raw.record).map_err(bad)?),
        Kind::Postponement => {
            Record::Postponement(serde_json::from_value(raw.record).map_err(bad)?)
        }
    };
    Ok(Event {
        v: raw.v,
        kind: raw.kind,
        id: raw.id,
        at,
        record,
    })
}

/// The hash that chains an event to its predecessor:
/// lowercase hex of SHA-256(`prev` || "\n" || `payload`).
pub fn chain_hash(prev: &str, payload: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(payload.as_bytes());
    // The digest formats itself as lowercase hex in one pass.
    format!("{:x}", h.finalize())
}

/// The first 12 hex digits, enough to tell events apart by eye.
pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

// ---- comparing a table's row with the history --------------------------------------

/// One field of a row, in the form the table stores it: text for keys, strings, dates
/// and times; a real number for a probability; a list for authors and tags.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Real(f64),
    Int(i64),
    List(Vec<String>),
    /// A value of a type the column never holds (a blob), described.
    Other(String),
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Null => f.write_str("nothing"),
            Cell::Text(s) => write!(f, "{}", quoted(s)),
            Cell::Real(x) => write!(f, "{x}"),
            Cell::Int(n) => write!(f, "{n}"),
            Cell::List(v) => {
                let items: Vec<String> = v.iter().map(|s| quoted(s)).collect();
                write!(f, "[{}]", items.join(", "))
            }
            Cell::Other(s) => f.write_str(s),
        }
    }
}

/// A string shown in a message: JSON-quoted (so control characters show), cut at 60 characters.
fn quoted(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    let q = serde_json::to_string(&cut).unwrap_or_default();
    if cut.len() < s.len() {
        format!("{q}…")
    } else {
        q
    }
}

/// A row as a list of named cells, in a fixed order per kind.
pub type Image = Vec<(&'static str, Cell)>;

/// The field names of each kind's image, in order (the order of the domain struct).
pub fn fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Source => &[
            "key",
            "title",
            "authors",
            "publisher",
            "url",
            "published",
            "text",
            "text_sha256",
            "recorded_at",
        ],
        Kind::Claim => &[
            "key",
            "statement",
            "resolve_by",
            "opens_at",
            "closes_at",
            "source",
            "condition",
            "quote",
            "criteria",
            "tags",
            "created_at",
            "recorded_at",
        ],
        Kind::Forecast => &["claim", "forecaster", "p", "made_at", "note", "recorded_at"],
        Kind::Resolution => &[
            "claim",
            "outcome",
            "resolved_on",
            "evidence",
            "note",
            "recorded_at",
        ],
        Kind::Postponement => &["claim", "resolve_by", "note", "recorded_at"],
    }
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn opt(s: &Option<String>) -> Cell {
    s.as_deref().map(text).unwrap_or(Cell::Null)
}

fn opt_time(t: Option<DateTime<Utc>>) -> Cell {
    t.map(|t| Cell::Text(format_time(t))).unwrap_or(Cell::Null)
}

/// What the table should hold for this record, cell by cell.
pub fn image(record: &Record) -> Image {
    let cells: Vec<Cell> = match record {
        Record::Source(s) => vec![
            text(&s.key),
            text(&s.title),
            Cell::List(s.authors.clone()),
            opt(&s.publisher),
            opt(&s.url),
            s.published
                .map(|d| Cell::Text(format_date(d)))
                .unwrap_or(Cell::Null),
            opt(&s.text),
            opt(&s.text_sha256),
            Cell::Text(format_time(s.recorded_at)),
        ],
        Record::Claim(c) => vec![
            text(&c.key),
            text(&c.statement),
            Cell::Text(format_date(c.resolve_by)),
            opt_time(c.opens_at),
            opt_time(c.closes_at),
            opt(&c.source),
            opt(&c.condition),
            opt(&c.quote),
            opt(&c.criteria),
            Cell::List(c.tags.clone()),
            Cell::Text(format_time(c.created_at)),
            Cell::Text(format_time(c.recorded_at)),
        ],
        Record::Forecast(f) => vec![
            text(&f.claim),
            text(&f.forecaster),
            Cell::Real(f.p),
            Cell::Text(format_time(f.made_at)),
            opt(&f.note),
            Cell::Text(format_time(f.recorded_at)),
        ],
        Record::Resolution(r) => vec![
            text(&r.claim),
            text(r.outcome.as_str()),
            Cell::Text(format_date(r.resolved_on)),
            opt(&r.evidence),
            opt(&r.note),
            Cell::Text(format_time(r.recorded_at)),
        ],
        Record::Postponement(p) => vec![
            text(&p.claim),
            Cell::Text(format_date(p.resolve_by)),
            opt(&p.note),
            Cell::Text(format_time(p.recorded_at)),
        ],
    };
    fields(record.kind()).iter().copied().zip(cells).collect()
}

fn cell<'a>(img: &'a Image, name: &str) -> Option<&'a Cell> {
    img.iter().find(|(n, _)| *n == name).map(|(_, c)| c)
}

fn plain(c: Option<&Cell>) -> String {
    match c {
        Some(Cell::Text(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "?".to_string(),
    }
}

/// How a message names a row: "source s1", "claim c3", "forecast #12 on claim c3 by ana",
/// "resolution #4 of claim c3".
pub fn describe(kind: Kind, id: i64, img: &Image) -> String {
    match kind {
        Kind::Source => format!("source {}", plain(cell(img, "key"))),
        Kind::Claim => format!("claim {}", plain(cell(img, "key"))),
        Kind::Forecast => format!(
            "forecast #{id} on claim {} by {}",
            plain(cell(img, "claim")),
            plain(cell(img, "forecaster"))
        ),
        Kind::Resolution => format!("resolution #{id} of claim {}", plain(cell(img, "claim"))),
        Kind::Postponement => format!("postponement #{id} of claim {}", plain(cell(img, "claim"))),
    }
}

/// The first field where the table's row differs from the history's record, as a sentence
/// naming the row, the field and both values; None when they agree.
pub fn first_difference(kind: Kind, id: i64, table: &Image, history: &Image) -> Option<String> {
    for (name, want) in history {
        let got = cell(table, name).unwrap_or(&Cell::Null);
        if got != want {
            return Some(format!(
                "{}: the table says {name} = {got}, the history says {want}",
                describe(kind, id, history)
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Outcome;
    use chrono::{NaiveDate, TimeZone};

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, h, 0, 0).unwrap()
    }

    fn forecast(p: f64) -> Forecast {
        Forecast {
            claim: "c1".into(),
            forecaster: "ana".into(),
            p,
            made_at: t(9),
            note: None,
            recorded_at: t(10),
        }
    }

    #[test]
    fn hash_rule_by_hand() {
        // Checkable in a shell:
        //   printf '%064d\n%s' 0 'a' | sha256sum            (the first event, payload "a")
        //   printf '%s\n%s' 2e04…a637 'b' | sha256sum       (the second, payload "b")
        let h1 = chain_hash(GENESIS, "a");
        assert_eq!(
            h1,
            "2e04306c2c1c72c0567b0630f213452ce913cee8d0772efd39e5699ed22aa637"
        );
        assert_eq!(
            chain_hash(&h1, "b"),
            "9a9349385ebad683c9c779804d5bf0f5dda530acd635e1b575370566219802cc"
        );
        // An empty payload still hashes the previous hash and the newline.
        assert_eq!(
            chain_hash(GENESIS, ""),
            "827d096d92f3deeaa0e8070d79f45beb176768e57a958a1cd325f5f4b754b048"
        );
    }

    #[test]
    fn payload_is_pinned_for_each_kind() {
        let src = Source {
            key: "s1".into(),
            title: "Outlook".into(),
            authors: vec!["A. Writer".into()],
            publisher: None,
            url: Some("https://example.org/a".into()),
            published: NaiveDate::from_ymd_opt(2015, 5, 26),
            text: None,
            text_sha256: None,
            recorded_at: t(10),
        };
        assert_eq!(
            payload(&Event::new(1, t(10), Record::Source(src))).unwrap(),
            r#"{"v":1,"kind":"source","id":1,"at":"2026-11-28T10:00:00Z","record":{"key":"s1","title":"Outlook","authors":["A. Writer"],"publisher":null,"url":"https://example.org/a","published":"2015-05-26","text":null,"text_sha256":null,"recorded_at":"2026-11-28T10:00:00Z"}}"#
        );
        let claim = Claim {
            key: "c1".into(),
            statement: "It rains".into(),
            resolve_by: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            opens_at: None,
            closes_at: None,
            source: Some("s1".into()),
            condition: None,
            quote: None,
            criteria: Some("Met office".into()),
            tags: vec!["b".into(), "a".into(), "b".into()],
            created_at: t(10),
            recorded_at: t(10),
        };
        let e = Event::new(2, t(10), Record::Claim(claim.clone()).normalised());
        // A claim without a window keeps the bytes it had before the window existed.
        assert_eq!(
            payload(&e).unwrap(),
            r#"{"v":1,"kind":"claim","id":2,"at":"2026-11-28T10:00:00Z","record":{"key":"c1","statement":"It rains","resolve_by":"2027-01-01","source":"s1","condition":null,"quote":null,"criteria":"Met office","tags":["a","b"],"created_at":"2026-11-28T10:00:00Z","recorded_at":"2026-11-28T10:00:00Z"}}"#
        );
        let windowed = Claim {
            opens_at: Some(t(11)),
            closes_at: Some(t(14)),
            ..claim
        };
        let e = Event::new(2, t(10), Record::Claim(windowed).normalised());
        let text = payload(&e).unwrap();
        assert_eq!(
            text,
            r#"{"v":1,"kind":"claim","id":2,"at":"2026-11-28T10:00:00Z","record":{"key":"c1","statement":"It rains","resolve_by":"2027-01-01","opens_at":"2026-11-28T11:00:00Z","closes_at":"2026-11-28T14:00:00Z","source":"s1","condition":null,"quote":null,"criteria":"Met office","tags":["a","b"],"created_at":"2026-11-28T10:00:00Z","recorded_at":"2026-11-28T10:00:00Z"}}"#
        );
        assert_eq!(parse_payload(&text).unwrap(), e);
        assert_eq!(
            payload(&Event::new(12, t(11), Record::Forecast(forecast(0.6)))).unwrap(),
            r#"{"v":1,"kind":"forecast","id":12,"at":"2026-11-28T11:00:00Z","record":{"claim":"c1","forecaster":"ana","p":0.6,"made_at":"2026-11-28T09:00:00Z","note":null,"recorded_at":"2026-11-28T10:00:00Z"}}"#
        );
        let res = Resolution {
            claim: "c1".into(),
            outcome: Outcome::Yes,
            resolved_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            evidence: Some("\"quoted\"; DROP".into()),
            note: None,
            recorded_at: t(12),
        };
        assert_eq!(
            payload(&Event::new(4, t(12), Record::Resolution(res))).unwrap(),
            r#"{"v":1,"kind":"resolution","id":4,"at":"2026-11-28T12:00:00Z","record":{"claim":"c1","outcome":"yes","resolved_on":"2026-12-01","evidence":"\"quoted\"; DROP","note":null,"recorded_at":"2026-11-28T12:00:00Z"}}"#
        );
    }

    #[test]
    fn postponement_payload_is_pinned_and_reads_back() {
        let p = Postponement {
            claim: "c1".into(),
            resolve_by: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            note: Some("vote delayed".into()),
            recorded_at: t(13),
        };
        let e = Event::new(7, t(13), Record::Postponement(p));
        let text = payload(&e).unwrap();
        assert_eq!(
            text,
            r#"{"v":1,"kind":"postponement","id":7,"at":"2026-11-28T13:00:00Z","record":{"claim":"c1","resolve_by":"2027-06-30","note":"vote delayed","recorded_at":"2026-11-28T13:00:00Z"}}"#
        );
        assert_eq!(parse_payload(&text).unwrap(), e);
        assert_eq!(e.record.summary(), "postponed to 2027-06-30");
        assert_eq!(
            describe(Kind::Postponement, 7, &image(&e.record)),
            "postponement #7 of claim c1"
        );
    }

    #[test]
    fn payload_reads_back() {
        for p in [0.0, 0.6, 1.0, 1e-7, 0.1 + 0.2] {
            let e = Event::new(3, t(10), Record::Forecast(forecast(p)));
            assert_eq!(parse_payload(&payload(&e).unwrap()).unwrap(), e);
        }
        assert!(parse_payload("{").is_err());
        let v2 = r#"{"v":2,"kind":"forecast","id":1,"at":"2026-11-28T10:00:00Z","record":{}}"#;
        assert!(parse_payload(v2).unwrap_err().0.contains("version 2"));
        let bad = r#"{"v":1,"kind":"forecast","id":1,"at":"2026-11-28T10:00:00Z","record":{"claim":"c1"}}"#;
        assert!(parse_payload(bad)
            .unwrap_err()
            .0
            .starts_with("forecast record"));
    }

    #[test]
    fn differences_are_named_in_words() {
        let history = image(&Record::Forecast(forecast(0.6)));
        let mut table = history.clone();
        assert_eq!(first_difference(Kind::Forecast, 12, &table, &history), None);
        table[2].1 = Cell::Real(0.9);
        assert_eq!(
            first_difference(Kind::Forecast, 12, &table, &history).unwrap(),
            "forecast #12 on claim c1 by ana: the table says p = 0.9, the history says 0.6"
        );
        table[2].1 = Cell::Text("high".into());
        assert!(first_difference(Kind::Forecast, 12, &table, &history)
            .unwrap()
            .contains("p = \"high\""));
    }

    #[test]
    fn normalising_truncates_and_sorts() {
        let mut f = forecast(0.5);
        f.made_at += chrono::Duration::milliseconds(750);
        let Record::Forecast(n) = Record::Forecast(f).normalised() else {
            unreachable!()
        };
        assert_eq!(n.made_at, t(9));
    }

    #[test]
    fn summaries_fit_one_line() {
        assert_eq!(
            Record::Forecast(forecast(0.6)).summary(),
            "ana gives 60% (made 2026-11-28T09:00:00Z)"
        );
        assert_eq!(short(GENESIS), "000000000000");
    }
}
