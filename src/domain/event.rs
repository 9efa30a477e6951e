//! The ledger's history, pure half: how a change is written down as an event (its
//! canonical payload), how events chain by SHA-256, and how a stored row is compared with
//! what the history says it should be. The SQL half lives in `store::events`; the format
//! is specified for other programs in docs/EVENTS.md.
//!
//! A payload is compact JSON in one of four formats, all read back:
//!
//! - version 4, written for every new event: version 3's array, except that the rows a
//!   record refers to (a claim, a source, a claim's condition) are named by their ids, a
//!   forecaster who has forecast before by the id of their first forecast, and a forecast
//!   leaves out its note and recorded_at when they are null and its made_at (see
//!   [`payload`] and docs/EVENTS.md). Reading one back needs what those numbers stand for
//!   ([`Names`]): each is given by an earlier event of the same history;
//! - version 3: an array with fixed positions,
//!   `[3,"f",id,at,…record's fields…,recorded_by]`, times as integer Unix seconds (UTC),
//!   dates as `YYYY-MM-DD` text (see docs/EVENTS.md for each kind's fields), and last who
//!   recorded the record (null when unknown);
//! - version 2, what schema-7 ledgers wrote before `recorded_by` existed: the same array
//!   without that last element;
//! - version 1, what ledgers before schema 7 hold, and what migration 2 still writes when
//!   it gives a schema-1 ledger its first events: an object `{"v":1,"kind":…,"id":…,
//!   "at":…,"record":{…}}`, keys in the order of the structs below (serde writes struct
//!   fields in declaration order), the record being the domain struct exactly as it went
//!   into its table, times as RFC 3339 text.
//!
//! The hash of event n is `SHA-256(hash of event n-1 as 64 lowercase hex || "\n" ||
//! payload as UTF-8)`; the first event uses 64 zeros as the previous hash. The rule is the
//! same for every format, so a history may hold version 1 events, then version 2, 3, 4.

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use super::parse::{format_date, format_time, truncate_seconds};
use super::{Claim, Forecast, Postponement, Resolution, Source};

/// The payload format new events are written in (the first element of the array). Any
/// change to a payload's fields (position, form, meaning) needs a new version.
pub const FORMAT_VERSION: u32 = 4;

/// The array format that names every key and forecaster in full, with `recorded_by` last:
/// what schema-8 ledgers wrote.
pub const FORMAT_V3: u32 = 3;

/// The array format without `recorded_by`, which events appended by schema 7 hold.
pub const FORMAT_V2: u32 = 2;

/// The first format, an object with RFC 3339 times: what a history written before schema 7
/// holds, and what migration 2 writes (see `store::genesis`).
pub const FORMAT_V1: u32 = 1;

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

    /// The kind's one-letter code in a version 2 payload: its name's first letter.
    pub fn letter(self) -> &'static str {
        match self {
            Kind::Source => "s",
            Kind::Claim => "c",
            Kind::Forecast => "f",
            Kind::Resolution => "r",
            Kind::Postponement => "p",
        }
    }

    fn from_letter(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.letter() == s)
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

    /// Who recorded the record, if known.
    pub fn recorded_by(&self) -> Option<&str> {
        match self {
            Record::Source(s) => s.recorded_by.as_deref(),
            Record::Claim(c) => c.recorded_by.as_deref(),
            Record::Forecast(f) => f.recorded_by.as_deref(),
            Record::Resolution(r) => r.recorded_by.as_deref(),
            Record::Postponement(p) => p.recorded_by.as_deref(),
        }
    }

    fn recorded_by_mut(&mut self) -> &mut Option<String> {
        match self {
            Record::Source(s) => &mut s.recorded_by,
            Record::Claim(c) => &mut c.recorded_by,
            Record::Forecast(f) => &mut f.recorded_by,
            Record::Resolution(r) => &mut r.recorded_by,
            Record::Postponement(p) => &mut p.recorded_by,
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
    /// The ids a version 4 payload writes in place of keys and names (none for older
    /// versions, which write the keys).
    pub refs: Refs,
}

/// What a version 4 payload writes as numbers in place of the record's keys and names,
/// each the id of a row an earlier event of the history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Refs {
    /// The claim a forecast, resolution or postponement is about, or a claim's condition:
    /// the claim's id.
    pub claim: Option<i64>,
    /// A claim's source: the source's id.
    pub source: Option<i64>,
    /// A forecast's forecaster, when they have forecast before: the id of their first
    /// forecast. None: the payload gives the name.
    pub forecaster: Option<i64>,
}

/// What the numbers of a version 4 payload stand for, as the reader knows them: `verify`
/// from the events before (the history is its own dictionary), `log` from the tables.
pub trait Names {
    /// The key of the claim with this id.
    fn claim(&mut self, id: i64) -> Option<String>;
    /// The key of the source with this id.
    fn source(&mut self, id: i64) -> Option<String>;
    /// The name of the forecaster whose first forecast has this id.
    fn first_forecast(&mut self, id: i64) -> Option<String>;
}

/// A reader that knows no numbers: enough for payloads of versions 1 to 3, which name
/// everything in full.
pub struct NoNames;

impl Names for NoNames {
    fn claim(&mut self, _: i64) -> Option<String> {
        None
    }
    fn source(&mut self, _: i64) -> Option<String> {
        None
    }
    fn first_forecast(&mut self, _: i64) -> Option<String> {
        None
    }
}

impl Event {
    /// An event in the current format.
    pub fn new(id: i64, at: DateTime<Utc>, record: Record) -> Event {
        Event {
            v: FORMAT_VERSION,
            kind: record.kind(),
            id,
            at: truncate_seconds(at),
            record,
            refs: Refs::default(),
        }
    }

    /// The same event with the ids its version 4 payload writes.
    pub fn with_refs(self, refs: Refs) -> Event {
        Event { refs, ..self }
    }

    /// An event in format version 1, as migration 2 writes them.
    pub fn new_v1(id: i64, at: DateTime<Utc>, record: Record) -> Event {
        Event {
            v: FORMAT_V1,
            ..Event::new(id, at, record)
        }
    }
}

/// A version 1 payload as written: field order here is the payload's key order.
#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    v: u32,
    kind: Kind,
    id: i64,
    at: String,
    record: &'a T,
}

/// A version 1 payload as read back, the record still undecoded until `kind` is known.
#[derive(Deserialize)]
struct RawEnvelope {
    v: u32,
    kind: Kind,
    id: i64,
    at: String,
    record: serde_json::Value,
}

/// The canonical payload of an event, in the format its `v` names: compact JSON, an array
/// for versions 4, 3 and 2, an object with keys in struct order for version 1. It fails
/// only for an unknown version, a record version 2 cannot hold (one that names who
/// recorded it), a version 4 event without the id of a row its record names (`refs`), or
/// a value JSON cannot hold, which the ledger's rules keep out (a non-finite p would be
/// written as null and refused when read back).
pub fn payload(e: &Event) -> Result<String, PayloadError> {
    match e.v {
        FORMAT_VERSION => payload_v4(e),
        FORMAT_V3 => payload_array(e, true),
        FORMAT_V2 if e.record.recorded_by().is_some() => Err(PayloadError(
            "payload format version 2 has no place for recorded_by".to_string(),
        )),
        FORMAT_V2 => payload_array(e, false),
        FORMAT_V1 => payload_v1(e),
        v => Err(PayloadError(format!("no payload format version {v}"))),
    }
}

fn payload_v1(e: &Event) -> Result<String, PayloadError> {
    fn write<T: Serialize>(e: &Event, record: &T) -> Result<String, PayloadError> {
        let env = Envelope {
            v: FORMAT_V1,
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

/// Versions 3 and 2: `[v, kind letter, id, at, fields…]`, each record's fields in the
/// order of its domain struct, then (version 3 only) `recorded_by`; times as Unix seconds,
/// dates as text, absent values as null (a claim's window too: every position is always
/// there). Written element by element, which gives the same bytes as serialising a tuple
/// (serde's tuples stop at 16 elements, and a claim has 17).
fn payload_array(e: &Event, with_recorded_by: bool) -> Result<String, PayloadError> {
    use serde::ser::{SerializeSeq, Serializer};
    let fail = |err: serde_json::Error| PayloadError(err.to_string());
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::new(&mut out);
    let mut seq = ser.serialize_seq(None).map_err(fail)?;
    macro_rules! put {
        ($($x:expr),+ $(,)?) => {{
            $(seq.serialize_element(&$x).map_err(fail)?;)+
        }};
    }
    let secs = |t: DateTime<Utc>| t.timestamp();
    let date = |d: NaiveDate| format_date(d);
    put!(e.v, e.kind.letter(), e.id, e.at.timestamp());
    match &e.record {
        Record::Source(s) => put!(
            s.key,
            s.title,
            s.authors,
            s.publisher,
            s.url,
            s.published.map(date),
            s.text,
            s.text_sha256,
            secs(s.recorded_at),
        ),
        Record::Claim(c) => put!(
            c.key,
            c.statement,
            date(c.resolve_by),
            c.opens_at.map(secs),
            c.closes_at.map(secs),
            c.source,
            c.condition,
            c.quote,
            c.criteria,
            c.tags,
            secs(c.created_at),
            secs(c.recorded_at),
        ),
        Record::Forecast(f) => put!(
            f.claim,
            f.forecaster,
            f.p,
            secs(f.made_at),
            f.note,
            secs(f.recorded_at),
        ),
        Record::Resolution(r) => put!(
            r.claim,
            r.outcome,
            date(r.resolved_on),
            r.evidence,
            r.note,
            secs(r.recorded_at),
        ),
        Record::Postponement(p) => put!(p.claim, date(p.resolve_by), p.note, secs(p.recorded_at)),
    }
    if with_recorded_by {
        put!(e.record.recorded_by());
    }
    seq.end().map_err(fail)?;
    String::from_utf8(out).map_err(|err| PayloadError(err.to_string()))
}

/// Version 4: version 3's array with numbers in place of what an earlier event already
/// names. The claim a forecast, resolution or postponement is about, a claim's source and
/// its condition are written as their ids; a forecaster who has forecast before as the id
/// of their first forecast (their name otherwise); and a forecast whose note is null and
/// whose recorded_at is its made_at ends `…, made_at, recorded_by]` instead of
/// `…, made_at, note, recorded_at, recorded_by]`. Every other element is version 3's.
fn payload_v4(e: &Event) -> Result<String, PayloadError> {
    use serde::ser::{SerializeSeq, Serializer};
    let fail = |err: serde_json::Error| PayloadError(err.to_string());
    let missing = |what: &str, key: &str| {
        PayloadError(format!(
            "payload format version 4 names {what} {key} by its id, which was not given"
        ))
    };
    let mut out = Vec::with_capacity(96);
    let mut ser = serde_json::Serializer::new(&mut out);
    let mut seq = ser.serialize_seq(None).map_err(fail)?;
    macro_rules! put {
        ($($x:expr),+ $(,)?) => {{
            $(seq.serialize_element(&$x).map_err(fail)?;)+
        }};
    }
    let secs = |t: DateTime<Utc>| t.timestamp();
    let date = |d: NaiveDate| format_date(d);
    let claim = |key: &str| e.refs.claim.ok_or_else(|| missing("the claim", key));
    put!(e.v, e.kind.letter(), e.id, e.at.timestamp());
    match &e.record {
        Record::Source(s) => put!(
            s.key,
            s.title,
            s.authors,
            s.publisher,
            s.url,
            s.published.map(date),
            s.text,
            s.text_sha256,
            secs(s.recorded_at),
        ),
        Record::Claim(c) => {
            let source = match (&c.source, e.refs.source) {
                (None, _) => None,
                (Some(_), Some(id)) => Some(id),
                (Some(key), None) => return Err(missing("the source", key)),
            };
            let condition = match &c.condition {
                None => None,
                Some(key) => Some(claim(key)?),
            };
            put!(
                c.key,
                c.statement,
                date(c.resolve_by),
                c.opens_at.map(secs),
                c.closes_at.map(secs),
                source,
                condition,
                c.quote,
                c.criteria,
                c.tags,
                secs(c.created_at),
                secs(c.recorded_at),
            )
        }
        Record::Forecast(f) => {
            put!(claim(&f.claim)?);
            match e.refs.forecaster {
                Some(first) => put!(first),
                None => put!(f.forecaster),
            }
            put!(f.p, secs(f.made_at));
            if f.note.is_some() || f.recorded_at != f.made_at {
                put!(f.note, secs(f.recorded_at));
            }
        }
        Record::Resolution(r) => put!(
            claim(&r.claim)?,
            r.outcome,
            date(r.resolved_on),
            r.evidence,
            r.note,
            secs(r.recorded_at),
        ),
        Record::Postponement(p) => put!(
            claim(&p.claim)?,
            date(p.resolve_by),
            p.note,
            secs(p.recorded_at)
        ),
    }
    put!(e.record.recorded_by());
    seq.end().map_err(fail)?;
    String::from_utf8(out).map_err(|err| PayloadError(err.to_string()))
}

/// Why a payload could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PayloadError(pub String);

/// Reads a payload back into an event: an array is format version 4, 3 or 2, an object
/// version 1. The ids a version 4 payload gives are turned back into keys and names by
/// `names`; one it does not know makes the payload unreadable.
pub fn parse_payload(text: &str, names: &mut dyn Names) -> Result<Event, PayloadError> {
    match text.trim_start().as_bytes().first() {
        Some(b'[') => {
            let mut e = serde_json::from_str::<V2>(text)
                .map(|v2| v2.0)
                .map_err(|e| PayloadError(format!("not an event: {e}")))?;
            if e.v == FORMAT_VERSION {
                resolve(&mut e, names)?;
            }
            Ok(e)
        }
        _ => parse_v1(text),
    }
}

/// Fills in the keys and names a version 4 event gives as ids.
fn resolve(e: &mut Event, names: &mut dyn Names) -> Result<(), PayloadError> {
    let refs = e.refs;
    let claim = |names: &mut dyn Names| -> Result<String, PayloadError> {
        let id = refs.claim.unwrap_or_default();
        names.claim(id).ok_or_else(|| {
            PayloadError(format!(
                "it names claim #{id}, which no event before it records"
            ))
        })
    };
    match &mut e.record {
        Record::Source(_) => {}
        Record::Claim(c) => {
            if let Some(id) = refs.source {
                c.source = Some(names.source(id).ok_or_else(|| {
                    PayloadError(format!(
                        "it names source #{id}, which no event before it records"
                    ))
                })?);
            }
            if refs.claim.is_some() {
                c.condition = Some(claim(names)?);
            }
        }
        Record::Forecast(f) => {
            f.claim = claim(names)?;
            if let Some(first) = refs.forecaster {
                f.forecaster = names.first_forecast(first).ok_or_else(|| {
                    PayloadError(format!(
                        "it names its forecaster by forecast #{first}, which is no forecaster's first forecast before it"
                    ))
                })?;
            }
        }
        Record::Resolution(r) => r.claim = claim(names)?,
        Record::Postponement(p) => p.claim = claim(names)?,
    }
    Ok(())
}

/// A version 4 forecaster: a name, or the id of their first forecast.
enum NameOrId {
    Name(String),
    Id(i64),
}

impl<'de> Deserialize<'de> for NameOrId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<NameOrId, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NameOrId;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a name or the id of a forecast")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<NameOrId, E> {
                Ok(NameOrId::Name(s.to_string()))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<NameOrId, E> {
                Ok(NameOrId::Name(s))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<NameOrId, E> {
                Ok(NameOrId::Id(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<NameOrId, E> {
                i64::try_from(n)
                    .map(NameOrId::Id)
                    .map_err(|_| E::custom(format!("forecast id {n} is too large")))
            }
        }
        d.deserialize_any(V)
    }
}

fn parse_v1(text: &str) -> Result<Event, PayloadError> {
    let raw: RawEnvelope =
        serde_json::from_str(text).map_err(|e| PayloadError(format!("not an event: {e}")))?;
    if raw.v != FORMAT_V1 {
        return Err(PayloadError(format!(
            "format version {} is not one this hindsight knows in the form of an object ({FORMAT_V1})",
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
        refs: Refs::default(),
    })
}

/// A version 3 or 2 payload read element by element, so that the kind (second) decides how
/// the rest is read, without an intermediate JSON tree.
struct V2(Event);

impl<'de> Deserialize<'de> for V2 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<V2, D::Error> {
        d.deserialize_seq(V2Visitor)
    }
}

struct V2Visitor;

/// The next element of a payload array, which must be there.
fn next<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &str,
) -> Result<T, A::Error> {
    seq.next_element::<T>()?
        .ok_or_else(|| de::Error::custom(format!("the payload ends before its {what}")))
}

/// A time given as Unix seconds, within the years the ledger stores (0000-9999).
fn secs_time<E: de::Error>(what: &str, s: i64) -> Result<DateTime<Utc>, E> {
    DateTime::from_timestamp(s, 0)
        .filter(|t| super::parse::date_in_range(t.date_naive()))
        .ok_or_else(|| E::custom(format!("{what}: {s} is not a time from year 0000 to 9999")))
}

fn next_time<'de, A: SeqAccess<'de>>(seq: &mut A, what: &str) -> Result<DateTime<Utc>, A::Error> {
    let s: i64 = next(seq, what)?;
    secs_time(what, s)
}

fn next_opt_time<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &str,
) -> Result<Option<DateTime<Utc>>, A::Error> {
    match next::<Option<i64>, A>(seq, what)? {
        Some(s) => secs_time(what, s).map(Some),
        None => Ok(None),
    }
}

fn date_text<E: de::Error>(what: &str, s: &str) -> Result<NaiveDate, E> {
    super::parse::date(what, s).map_err(|e| E::custom(e.to_string()))
}

fn next_date<'de, A: SeqAccess<'de>>(seq: &mut A, what: &str) -> Result<NaiveDate, A::Error> {
    let s: String = next(seq, what)?;
    date_text(what, &s)
}

fn next_opt_date<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    what: &str,
) -> Result<Option<NaiveDate>, A::Error> {
    match next::<Option<String>, A>(seq, what)? {
        Some(s) => date_text(what, &s).map(Some),
        None => Ok(None),
    }
}

impl<'de> Visitor<'de> for V2Visitor {
    type Value = V2;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an event as a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<V2, A::Error> {
        let v: u32 = next(&mut seq, "format version")?;
        if !(FORMAT_V2..=FORMAT_VERSION).contains(&v) {
            return Err(de::Error::custom(format!(
                "format version {v} is not one this hindsight knows in the form of an array ({FORMAT_V2} to {FORMAT_VERSION})"
            )));
        }
        let letter: String = next(&mut seq, "kind")?;
        let kind = Kind::from_letter(&letter)
            .ok_or_else(|| de::Error::custom(format!("unknown kind '{letter}'")))?;
        let id: i64 = next(&mut seq, "id")?;
        let at = next_time(&mut seq, "at")?;
        if v == FORMAT_VERSION {
            let (record, refs) = v4_record(kind, &mut seq)?;
            if seq.next_element::<IgnoredAny>()?.is_some() {
                return Err(de::Error::custom(format!(
                    "a {kind} payload has more elements than its fields"
                )));
            }
            return Ok(V2(Event {
                v,
                kind,
                id,
                at,
                record,
                refs,
            }));
        }
        let s = &mut seq;
        let mut record = match kind {
            Kind::Source => Record::Source(super::Source {
                key: next(s, "key")?,
                title: next(s, "title")?,
                authors: next(s, "authors")?,
                publisher: next(s, "publisher")?,
                url: next(s, "url")?,
                published: next_opt_date(s, "published")?,
                text: next(s, "text")?,
                text_sha256: next(s, "text_sha256")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: None,
            }),
            Kind::Claim => Record::Claim(super::Claim {
                key: next(s, "key")?,
                statement: next(s, "statement")?,
                resolve_by: next_date(s, "resolve_by")?,
                opens_at: next_opt_time(s, "opens_at")?,
                closes_at: next_opt_time(s, "closes_at")?,
                source: next(s, "source")?,
                condition: next(s, "condition")?,
                quote: next(s, "quote")?,
                criteria: next(s, "criteria")?,
                tags: next(s, "tags")?,
                created_at: next_time(s, "created_at")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: None,
            }),
            Kind::Forecast => Record::Forecast(super::Forecast {
                claim: next(s, "claim")?,
                forecaster: next(s, "forecaster")?,
                p: next(s, "p")?,
                made_at: next_time(s, "made_at")?,
                note: next(s, "note")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: None,
            }),
            Kind::Resolution => Record::Resolution(super::Resolution {
                claim: next(s, "claim")?,
                outcome: next(s, "outcome")?,
                resolved_on: next_date(s, "resolved_on")?,
                evidence: next(s, "evidence")?,
                note: next(s, "note")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: None,
            }),
            Kind::Postponement => Record::Postponement(super::Postponement {
                claim: next(s, "claim")?,
                resolve_by: next_date(s, "resolve_by")?,
                note: next(s, "note")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: None,
            }),
        };
        if v == FORMAT_V3 {
            *record.recorded_by_mut() = next(s, "recorded_by")?;
        }
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(format!(
                "a {kind} payload has more elements than its fields"
            )));
        }
        Ok(V2(Event {
            v,
            kind,
            id,
            at,
            record,
            refs: Refs::default(),
        }))
    }
}

/// An id a version 4 payload gives in place of a key, or null.
fn next_opt_id<'de, A: SeqAccess<'de>>(seq: &mut A, what: &str) -> Result<Option<i64>, A::Error> {
    next::<Option<i64>, A>(seq, what)
}

/// The record of a version 4 payload after its first four elements, with the keys and
/// names it gives as ids left empty and the ids in `Refs` (see [`resolve`]).
fn v4_record<'de, A: SeqAccess<'de>>(kind: Kind, s: &mut A) -> Result<(Record, Refs), A::Error> {
    let mut refs = Refs::default();
    let record = match kind {
        Kind::Source => Record::Source(super::Source {
            key: next(s, "key")?,
            title: next(s, "title")?,
            authors: next(s, "authors")?,
            publisher: next(s, "publisher")?,
            url: next(s, "url")?,
            published: next_opt_date(s, "published")?,
            text: next(s, "text")?,
            text_sha256: next(s, "text_sha256")?,
            recorded_at: next_time(s, "recorded_at")?,
            recorded_by: next(s, "recorded_by")?,
        }),
        Kind::Claim => {
            let key = next(s, "key")?;
            let statement = next(s, "statement")?;
            let resolve_by = next_date(s, "resolve_by")?;
            let opens_at = next_opt_time(s, "opens_at")?;
            let closes_at = next_opt_time(s, "closes_at")?;
            refs.source = next_opt_id(s, "source")?;
            refs.claim = next_opt_id(s, "condition")?;
            Record::Claim(super::Claim {
                key,
                statement,
                resolve_by,
                opens_at,
                closes_at,
                source: None,
                condition: None,
                quote: next(s, "quote")?,
                criteria: next(s, "criteria")?,
                tags: next(s, "tags")?,
                created_at: next_time(s, "created_at")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: next(s, "recorded_by")?,
            })
        }
        Kind::Forecast => {
            refs.claim = Some(next(s, "claim")?);
            let forecaster = match next(s, "forecaster")? {
                NameOrId::Name(name) => name,
                NameOrId::Id(first) => {
                    refs.forecaster = Some(first);
                    String::new()
                }
            };
            let p = next(s, "p")?;
            let made_at = next_time(s, "made_at")?;
            // `…, made_at, recorded_by]`, or `…, made_at, note, recorded_at, recorded_by]`
            // when the note is not null or recorded_at is not made_at.
            let after: Option<String> = next(s, "recorded_by")?;
            let (note, recorded_at, recorded_by) = match s.next_element::<i64>()? {
                None => (None, made_at, after),
                Some(secs) => {
                    let recorded_at = secs_time("recorded_at", secs)?;
                    if after.is_none() && recorded_at == made_at {
                        return Err(de::Error::custom(
                            "a forecast without a note recorded when it was made ends with its made_at and recorded_by",
                        ));
                    }
                    (after, recorded_at, next(s, "recorded_by")?)
                }
            };
            Record::Forecast(super::Forecast {
                claim: String::new(),
                forecaster,
                p,
                made_at,
                note,
                recorded_at,
                recorded_by,
            })
        }
        Kind::Resolution => {
            refs.claim = Some(next(s, "claim")?);
            Record::Resolution(super::Resolution {
                claim: String::new(),
                outcome: next(s, "outcome")?,
                resolved_on: next_date(s, "resolved_on")?,
                evidence: next(s, "evidence")?,
                note: next(s, "note")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: next(s, "recorded_by")?,
            })
        }
        Kind::Postponement => {
            refs.claim = Some(next(s, "claim")?);
            Record::Postponement(super::Postponement {
                claim: String::new(),
                resolve_by: next_date(s, "resolve_by")?,
                note: next(s, "note")?,
                recorded_at: next_time(s, "recorded_at")?,
                recorded_by: next(s, "recorded_by")?,
            })
        }
    };
    Ok((record, refs))
}

/// The hash that chains an event to its predecessor:
/// lowercase hex of SHA-256(`prev` || "\n" || `payload`).
pub fn chain_hash(prev: &str, payload: &str) -> String {
    hex(&chain_digest(prev, payload))
}

/// The same hash as its 32 bytes, the form the events table stores.
pub fn chain_digest(prev: &str, payload: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(payload.as_bytes());
    h.finalize().into()
}

/// Bytes as lowercase hex, the form hashes take in messages, `log` and the next event's
/// hash input.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(&mut out, bytes);
    out
}

/// Appends `bytes` as lowercase hex to `out` (as [`hex`], without a new string).
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    out.extend(bytes.iter().flat_map(|b| {
        [
            char::from(DIGITS[usize::from(b >> 4)]),
            char::from(DIGITS[usize::from(b & 0xf)]),
        ]
    }));
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
            "recorded_by",
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
            "recorded_by",
        ],
        Kind::Forecast => &[
            "claim",
            "forecaster",
            "p",
            "made_at",
            "note",
            "recorded_at",
            "recorded_by",
        ],
        Kind::Resolution => &[
            "claim",
            "outcome",
            "resolved_on",
            "evidence",
            "note",
            "recorded_at",
            "recorded_by",
        ],
        Kind::Postponement => &["claim", "resolve_by", "note", "recorded_at", "recorded_by"],
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
            opt(&s.recorded_by),
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
            opt(&c.recorded_by),
        ],
        Record::Forecast(f) => vec![
            text(&f.claim),
            text(&f.forecaster),
            Cell::Real(f.p),
            Cell::Text(format_time(f.made_at)),
            opt(&f.note),
            Cell::Text(format_time(f.recorded_at)),
            opt(&f.recorded_by),
        ],
        Record::Resolution(r) => vec![
            text(&r.claim),
            text(r.outcome.as_str()),
            Cell::Text(format_date(r.resolved_on)),
            opt(&r.evidence),
            opt(&r.note),
            Cell::Text(format_time(r.recorded_at)),
            opt(&r.recorded_by),
        ],
        Record::Postponement(p) => vec![
            text(&p.claim),
            Cell::Text(format_date(p.resolve_by)),
            opt(&p.note),
            Cell::Text(format_time(p.recorded_at)),
            opt(&p.recorded_by),
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

    /// The same event in payload format 2.
    fn v2(e: Event) -> Event {
        Event { v: FORMAT_V2, ..e }
    }

    /// The same event in payload format 3.
    fn v3(e: Event) -> Event {
        Event { v: FORMAT_V3, ..e }
    }

    /// Reads a payload that names everything in full (formats 1 to 3).
    fn parse_payload(text: &str) -> Result<Event, PayloadError> {
        super::parse_payload(text, &mut NoNames)
    }

    /// What the numbers of the version 4 payloads below stand for: claim 2 is "c1", source
    /// 1 is "s1", and forecast 5 was ana's first.
    struct Known;

    impl Names for Known {
        fn claim(&mut self, id: i64) -> Option<String> {
            (id == 2).then(|| "c1".to_string())
        }
        fn source(&mut self, id: i64) -> Option<String> {
            (id == 1).then(|| "s1".to_string())
        }
        fn first_forecast(&mut self, id: i64) -> Option<String> {
            (id == 5).then(|| "ana".to_string())
        }
    }

    fn read_v4(text: &str) -> Result<Event, PayloadError> {
        super::parse_payload(text, &mut Known)
    }

    /// Names for one record's version 4 payload: claim 7 is its claim (or its claim's
    /// condition), forecast 5 its forecaster's first.
    struct Fixed(Record);

    impl Names for Fixed {
        fn claim(&mut self, id: i64) -> Option<String> {
            match &self.0 {
                Record::Forecast(f) if id == 7 => Some(f.claim.clone()),
                Record::Claim(c) if id == 7 => c.condition.clone(),
                _ => None,
            }
        }
        fn source(&mut self, _: i64) -> Option<String> {
            None
        }
        fn first_forecast(&mut self, id: i64) -> Option<String> {
            match &self.0 {
                Record::Forecast(f) if id == 5 => Some(f.forecaster.clone()),
                _ => None,
            }
        }
    }

    fn forecast(p: f64) -> Forecast {
        Forecast {
            claim: "c1".into(),
            forecaster: "ana".into(),
            p,
            made_at: t(9),
            note: None,
            recorded_at: t(10),
            recorded_by: None,
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
    fn v1_payload_is_pinned_for_each_kind() {
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
            recorded_by: None,
        };
        assert_eq!(
            payload(&Event::new_v1(1, t(10), Record::Source(src))).unwrap(),
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
            recorded_by: None,
        };
        let e = Event::new_v1(2, t(10), Record::Claim(claim.clone()).normalised());
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
        let e = Event::new_v1(2, t(10), Record::Claim(windowed).normalised());
        let text = payload(&e).unwrap();
        assert_eq!(
            text,
            r#"{"v":1,"kind":"claim","id":2,"at":"2026-11-28T10:00:00Z","record":{"key":"c1","statement":"It rains","resolve_by":"2027-01-01","opens_at":"2026-11-28T11:00:00Z","closes_at":"2026-11-28T14:00:00Z","source":"s1","condition":null,"quote":null,"criteria":"Met office","tags":["a","b"],"created_at":"2026-11-28T10:00:00Z","recorded_at":"2026-11-28T10:00:00Z"}}"#
        );
        assert_eq!(parse_payload(&text).unwrap(), e);
        assert_eq!(
            payload(&Event::new_v1(12, t(11), Record::Forecast(forecast(0.6)))).unwrap(),
            r#"{"v":1,"kind":"forecast","id":12,"at":"2026-11-28T11:00:00Z","record":{"claim":"c1","forecaster":"ana","p":0.6,"made_at":"2026-11-28T09:00:00Z","note":null,"recorded_at":"2026-11-28T10:00:00Z"}}"#
        );
        let res = Resolution {
            claim: "c1".into(),
            outcome: Outcome::Yes,
            resolved_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            evidence: Some("\"quoted\"; DROP".into()),
            note: None,
            recorded_at: t(12),
            recorded_by: None,
        };
        assert_eq!(
            payload(&Event::new_v1(4, t(12), Record::Resolution(res))).unwrap(),
            r#"{"v":1,"kind":"resolution","id":4,"at":"2026-11-28T12:00:00Z","record":{"claim":"c1","outcome":"yes","resolved_on":"2026-12-01","evidence":"\"quoted\"; DROP","note":null,"recorded_at":"2026-11-28T12:00:00Z"}}"#
        );
    }

    #[test]
    fn v1_postponement_payload_is_pinned_and_reads_back() {
        let p = Postponement {
            claim: "c1".into(),
            resolve_by: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            note: Some("vote delayed".into()),
            recorded_at: t(13),
            recorded_by: None,
        };
        let e = Event::new_v1(7, t(13), Record::Postponement(p));
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
            let e = Event::new(3, t(10), Record::Forecast(forecast(p))).with_refs(Refs {
                claim: Some(2),
                ..Refs::default()
            });
            assert_eq!(read_v4(&payload(&e).unwrap()).unwrap(), e);
            let e = v3(Event::new(3, t(10), Record::Forecast(forecast(p))));
            assert_eq!(parse_payload(&payload(&e).unwrap()).unwrap(), e);
            let e = v2(Event::new(3, t(10), Record::Forecast(forecast(p))));
            assert_eq!(parse_payload(&payload(&e).unwrap()).unwrap(), e);
            let e = Event::new_v1(3, t(10), Record::Forecast(forecast(p)));
            assert_eq!(parse_payload(&payload(&e).unwrap()).unwrap(), e);
        }
        assert!(parse_payload("{").is_err());
        let v4 = r#"{"v":4,"kind":"forecast","id":1,"at":"2026-11-28T10:00:00Z","record":{}}"#;
        assert!(parse_payload(v4).unwrap_err().0.contains("version 4"));
        let v5 = r#"[5,"f",1,1795860000,"c1","ana",0.6,1795856400,null,1795860000,null]"#;
        assert!(parse_payload(v5).unwrap_err().0.contains("version 5"));
        let bad = r#"{"v":1,"kind":"forecast","id":1,"at":"2026-11-28T10:00:00Z","record":{"claim":"c1"}}"#;
        assert!(parse_payload(bad)
            .unwrap_err()
            .0
            .starts_with("forecast record"));
    }

    #[test]
    fn v2_payload_is_pinned_for_each_kind_and_reads_back() {
        // 2026-11-28T10:00:00Z is 1795860000 s after 1970-01-01T00:00:00Z.
        assert_eq!(t(10).timestamp(), 1_795_860_000);
        let check = |record: Record, id: i64, want: &str| {
            let e = v2(Event::new(id, t(10), record.normalised()));
            let text = payload(&e).unwrap();
            assert_eq!(text, want);
            assert_eq!(parse_payload(&text).unwrap(), e);
        };
        check(
            Record::Source(Source {
                key: "s1".into(),
                title: "Outlook".into(),
                authors: vec!["A. Writer".into(), "B".into()],
                publisher: None,
                url: Some("https://example.org/a".into()),
                published: NaiveDate::from_ymd_opt(2015, 5, 26),
                text: None,
                text_sha256: None,
                recorded_at: t(10),
                recorded_by: None,
            }),
            1,
            r#"[2,"s",1,1795860000,"s1","Outlook",["A. Writer","B"],null,"https://example.org/a","2015-05-26",null,null,1795860000]"#,
        );
        let claim = Claim {
            key: "c1".into(),
            statement: "It \"rains\"".into(),
            resolve_by: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            opens_at: None,
            closes_at: None,
            source: Some("s1".into()),
            condition: None,
            quote: None,
            criteria: Some("Met office".into()),
            tags: vec!["b".into(), "a".into(), "b".into()],
            created_at: t(9),
            recorded_at: t(10),
            recorded_by: None,
        };
        check(
            Record::Claim(claim.clone()),
            2,
            r#"[2,"c",2,1795860000,"c1","It \"rains\"","2027-01-01",null,null,"s1",null,null,"Met office",["a","b"],1795856400,1795860000]"#,
        );
        check(
            Record::Claim(Claim {
                opens_at: Some(t(11)),
                closes_at: Some(t(14)),
                ..claim
            }),
            2,
            r#"[2,"c",2,1795860000,"c1","It \"rains\"","2027-01-01",1795863600,1795874400,"s1",null,null,"Met office",["a","b"],1795856400,1795860000]"#,
        );
        check(
            Record::Forecast(forecast(0.6)),
            12,
            r#"[2,"f",12,1795860000,"c1","ana",0.6,1795856400,null,1795860000]"#,
        );
        check(
            Record::Resolution(Resolution {
                claim: "c1".into(),
                outcome: Outcome::Annulled,
                resolved_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                evidence: Some("https://example.org/e".into()),
                note: Some("é".into()),
                recorded_at: t(12),
                recorded_by: None,
            }),
            4,
            r#"[2,"r",4,1795860000,"c1","annulled","2026-12-01","https://example.org/e","é",1795867200]"#,
        );
        check(
            Record::Postponement(Postponement {
                claim: "c1".into(),
                resolve_by: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
                note: None,
                recorded_at: t(13),
                recorded_by: None,
            }),
            7,
            r#"[2,"p",7,1795860000,"c1","2027-06-30",null,1795870800]"#,
        );
        // Times before 1970 are negative; the ledger's first and last seconds read back.
        let mut f = forecast(0.5);
        f.made_at = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap();
        f.recorded_at = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
        let e = v2(Event::new(1, t(10), Record::Forecast(f)));
        let text = payload(&e).unwrap();
        assert!(text.contains(",-62167219200,null,253402300799]"), "{text}");
        assert_eq!(parse_payload(&text).unwrap(), e);
    }

    #[test]
    fn v3_payload_ends_with_who_recorded_it_and_reads_back() {
        let check = |record: Record, id: i64, want: &str| {
            let e = v3(Event::new(id, t(10), record.normalised()));
            assert_eq!(e.v, FORMAT_V3);
            let text = payload(&e).unwrap();
            assert_eq!(text, want);
            assert_eq!(parse_payload(&text).unwrap(), e);
        };
        let by = |name: &str| Some(name.to_string());
        check(
            Record::Source(Source {
                key: "s1".into(),
                title: "Outlook".into(),
                authors: vec!["A. Writer".into()],
                publisher: None,
                url: None,
                published: NaiveDate::from_ymd_opt(2015, 5, 26),
                text: None,
                text_sha256: None,
                recorded_at: t(10),
                recorded_by: by("ana"),
            }),
            1,
            r#"[3,"s",1,1795860000,"s1","Outlook",["A. Writer"],null,null,"2015-05-26",null,null,1795860000,"ana"]"#,
        );
        // A claim has 17 elements: more than serde's tuples hold, the same bytes all the same.
        check(
            Record::Claim(Claim {
                key: "c1".into(),
                statement: "It rains".into(),
                resolve_by: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
                opens_at: Some(t(11)),
                closes_at: None,
                source: Some("s1".into()),
                condition: None,
                quote: None,
                criteria: None,
                tags: vec!["b".into(), "a".into()],
                created_at: t(9),
                recorded_at: t(10),
                recorded_by: by("Bo \"B\" Ek"),
            }),
            2,
            r#"[3,"c",2,1795860000,"c1","It rains","2027-01-01",1795863600,null,"s1",null,null,null,["a","b"],1795856400,1795860000,"Bo \"B\" Ek"]"#,
        );
        check(
            Record::Forecast(Forecast {
                recorded_by: by("ana"),
                ..forecast(0.6)
            }),
            12,
            r#"[3,"f",12,1795860000,"c1","ana",0.6,1795856400,null,1795860000,"ana"]"#,
        );
        // Unknown (a store with no name to stamp): null, still in its place.
        check(
            Record::Resolution(Resolution {
                claim: "c1".into(),
                outcome: Outcome::No,
                resolved_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                evidence: None,
                note: None,
                recorded_at: t(12),
                recorded_by: None,
            }),
            4,
            r#"[3,"r",4,1795860000,"c1","no","2026-12-01",null,null,1795867200,null]"#,
        );
        check(
            Record::Postponement(Postponement {
                claim: "c1".into(),
                resolve_by: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
                note: None,
                recorded_at: t(13),
                recorded_by: by("é"),
            }),
            7,
            r#"[3,"p",7,1795860000,"c1","2027-06-30",null,1795870800,"é"]"#,
        );
    }

    #[test]
    fn older_formats_have_no_recorded_by() {
        // Version 2 has no place for it: writing one that has it would lose it.
        let named = Record::Forecast(Forecast {
            recorded_by: Some("ana".into()),
            ..forecast(0.6)
        });
        let err = payload(&v2(Event::new(1, t(10), named.clone()))).unwrap_err();
        assert!(err.0.contains("recorded_by"), "{}", err.0);
        // Version 1 keeps the bytes it always had when there is none, and carries one if given.
        let v1 = payload(&Event::new_v1(1, t(10), Record::Forecast(forecast(0.6)))).unwrap();
        assert!(!v1.contains("recorded_by"), "{v1}");
        let e = Event::new_v1(1, t(10), named);
        assert_eq!(parse_payload(&payload(&e).unwrap()).unwrap(), e);
        // Read back, versions 1 and 2 say nobody is known.
        let old =
            parse_payload(r#"[2,"f",1,1795860000,"c1","ana",0.6,1795856400,null,1795860000]"#)
                .unwrap();
        assert_eq!((old.v, old.record.recorded_by()), (FORMAT_V2, None));
        // Version 3 must have it, and nothing after it.
        let refused = |text: &str, why: &str| {
            let err = parse_payload(text).unwrap_err().0;
            assert!(err.contains(why), "{text}: {err}");
        };
        refused(
            r#"[3,"f",1,1795860000,"c1","ana",0.6,1795856400,null,1795860000]"#,
            "before its recorded_by",
        );
        refused(
            r#"[3,"f",1,1795860000,"c1","ana",0.6,1795856400,null,1795860000,7]"#,
            "invalid type",
        );
        refused(
            r#"[3,"f",1,1795860000,"c1","ana",0.6,1795856400,null,1795860000,"a","b"]"#,
            "more elements",
        );
    }

    #[test]
    fn a_typical_forecast_payload_stays_small() {
        // Issue 14's budget: about 90 bytes for a forecast on a ten-character claim key by
        // a ten-character forecaster, with a seven-digit id (84 in version 2). Version 3
        // adds the recorder's name and three bytes: 97 with a ten-character name.
        let f = Forecast {
            claim: "clm-012345".into(),
            forecaster: "farah-0525".into(),
            ..forecast(0.18)
        };
        let text = payload(&v2(Event::new(
            1_000_000,
            t(10),
            Record::Forecast(f.clone()),
        )))
        .unwrap();
        assert_eq!(text.len(), 84, "{text}");
        let f = Forecast {
            recorded_by: Some("farah-0525".into()),
            ..f
        };
        let text = payload(&v3(Event::new(
            1_000_000,
            t(10),
            Record::Forecast(f.clone()),
        )))
        .unwrap();
        assert_eq!(text.len(), 97, "{text}");
        // Version 4 names the claim by its id (here a six-digit one) and, from their second
        // forecast on, the forecaster by their first forecast's (four digits), and leaves
        // out a null note and a recorded_at equal to made_at: 67 bytes, recorder included.
        let f = Forecast {
            recorded_at: f.made_at,
            ..f
        };
        let e = Event::new(1_000_000, t(10), Record::Forecast(f)).with_refs(Refs {
            claim: Some(123_456),
            source: None,
            forecaster: Some(1234),
        });
        let text = payload(&e).unwrap();
        assert_eq!(
            text,
            r#"[4,"f",1000000,1795860000,123456,1234,0.18,1795856400,"farah-0525"]"#
        );
        assert_eq!(text.len(), 67, "{text}");
    }

    #[test]
    fn malformed_v2_payloads_are_refused_with_a_reason() {
        let refused = |text: &str, why: &str| {
            let err = parse_payload(text).unwrap_err().0;
            assert!(err.contains(why), "{text}: {err}");
        };
        refused(
            r#"[2,"f",1,1795860000,"c1","ana",0.6,1795856400,null]"#,
            "before its recorded_at",
        );
        refused(
            r#"[2,"f",1,1795860000,"c1","ana",0.6,1795856400,null,1,2]"#,
            "more elements",
        );
        refused(r#"[2,"x",1,1795860000]"#, "unknown kind 'x'");
        refused(r#"[2,"f",1,"2026-11-28T10:00:00Z"]"#, "invalid type");
        refused(
            r#"[2,"f",1,253402300800,"c1","ana",0.6,1,null,1]"#,
            "year 0000 to 9999",
        );
        refused(r#"[2,"p",1,1,"c1","2027-6-30",null,1]"#, "resolve_by");
        refused(
            r#"[2,"r",1,1,"c1","maybe","2027-06-30",null,null,1]"#,
            "maybe",
        );
        refused("[]", "format version");
    }

    proptest::proptest! {
        /// Both formats give back exactly the event they were written from, whatever the
        /// text (control characters, quotes, any Unicode), probability and times.
        #[test]
        fn every_format_reads_back_what_it_wrote(
            claim in "\\PC{0,12}",
            forecaster in "[\\x00-\\x7f\\u{80}-\\u{10ffff}]{0,12}",
            note in proptest::option::of("\\PC{0,20}"),
            tags in proptest::collection::vec("\\PC{0,6}", 0..4),
            p in 0.0f64..=1.0,
            made in -62_167_219_200i64..=253_402_300_799,
            window in proptest::option::of((0i64..=4_000_000_000, 0i64..=4_000_000_000)),
            id in proptest::num::i64::ANY,
            by in proptest::option::of("\\PC{0,12}"),
        ) {
            let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
            let f = Forecast {
                claim: claim.clone(),
                forecaster,
                p,
                made_at: at(made),
                note: note.clone(),
                recorded_at: at(made),
                recorded_by: by.clone(),
            };
            let c = Claim {
                key: claim,
                statement: "s".into(),
                resolve_by: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
                opens_at: window.map(|(o, _)| at(o)),
                closes_at: window.map(|(_, c)| at(c)),
                source: None,
                condition: note,
                quote: None,
                criteria: None,
                tags,
                created_at: at(made),
                recorded_at: at(made),
                recorded_by: by,
            };
            for record in [Record::Forecast(f), Record::Claim(c)] {
                let record = record.normalised();
                let mut events = vec![v3(Event::new(id, t(10), record.clone())), Event::new_v1(id, t(10), record.clone())];
                if record.recorded_by().is_none() {
                    events.push(v2(Event::new(id, t(10), record.clone())));
                }
                for e in events {
                    let text = payload(&e).unwrap();
                    proptest::prop_assert_eq!(parse_payload(&text).unwrap(), e);
                }
                // Version 4, with the claim (or condition) as id 7 and, for odd ids, the
                // forecaster as their first forecast, 5.
                let refs = match &record {
                    Record::Forecast(_) => Refs {
                        claim: Some(7),
                        source: None,
                        forecaster: (id % 2 != 0).then_some(5),
                    },
                    Record::Claim(c) => Refs {
                        claim: c.condition.as_ref().map(|_| 7),
                        ..Refs::default()
                    },
                    _ => Refs::default(),
                };
                let e = Event::new(id, t(10), record.clone()).with_refs(refs);
                let text = payload(&e).unwrap();
                proptest::prop_assert_eq!(super::parse_payload(&text, &mut Fixed(record)).unwrap(), e);
            }
        }
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
