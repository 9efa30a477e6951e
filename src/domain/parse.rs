//! Parsing of what users type: probabilities, dates, times, deadlines and durations.
//!
//! Every parser returns an [`InputError`] that names the field, repeats the value and says
//! what is accepted, so the CLI and the importer can print it as a one-line error.

use chrono::{
    DateTime, Datelike, Months, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Timelike, Utc,
};

/// A value a user gave that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: invalid value '{value}': {accepted}")]
pub struct InputError {
    pub field: String,
    pub value: String,
    pub accepted: String,
}

impl InputError {
    pub fn new(field: &str, value: &str, accepted: &str) -> Self {
        InputError {
            field: field.to_string(),
            value: value.to_string(),
            accepted: accepted.to_string(),
        }
    }
}

pub const PROBABILITY_ACCEPTED: &str =
    "expected a probability from 0 to 1 such as 0.2, a percentage such as 20%, \
     odds such as 1:4, 4 to 1 against or 3 to 1 on, or a frequency such as 1 in 5";
pub const DATE_ACCEPTED: &str = "expected a real calendar date as YYYY-MM-DD";
pub const TIME_ACCEPTED: &str =
    "expected an RFC 3339 time such as 2015-05-26T09:30:00Z, or a date as YYYY-MM-DD";
/// Said of a well-formed date or time that falls outside the years the ledger can hold.
pub const RANGE_ACCEPTED: &str =
    "expected a date or time in the years 0000 to 9999 (after conversion to UTC)";

/// The first and last years a ledger date or time may fall in. Stored dates and times are
/// text with a four-digit year, so a value outside these years could be written but never
/// read back; every way in checks this one range (after conversion to UTC).
pub const FIRST_YEAR: i32 = 0;
pub const LAST_YEAR: i32 = 9999;

/// Whether a day lies in the years the ledger can store.
pub fn date_in_range(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// Refuses a day outside the years the ledger can store.
pub fn check_date(field: &str, value: &str, d: NaiveDate) -> Result<NaiveDate, InputError> {
    if date_in_range(d) {
        Ok(d)
    } else {
        Err(InputError::new(field, value, RANGE_ACCEPTED))
    }
}

/// Refuses an instant whose UTC day lies outside the years the ledger can store.
pub fn check_time(field: &str, value: &str, t: DateTime<Utc>) -> Result<DateTime<Utc>, InputError> {
    check_date(field, value, t.date_naive()).map(|_| t)
}
pub const BY_ACCEPTED: &str =
    "expected a date as YYYY-MM-DD or a relative deadline such as +30d, +6w, +6m or +2y";
pub const DURATION_ACCEPTED: &str = "expected a duration such as 30d, 6w, 6m or 2y";

/// Parses what a user may type for a probability into a value in [0, 1]:
///
/// - a fraction: `0.2`, `.2`, `1`;
/// - a percentage: `20%`, `20 %`;
/// - odds for:against: `1:4` (= 1 / (1 + 4) = 0.2);
/// - odds in words: `4 to 1 against` (= 1 / 5), `3 to 1 on` or `3 to 1 for` (= 3 / 4),
///   `evens` (= 0.5); bare `4 to 1` is refused, since bookmakers mean "against" by it
///   and others "on";
/// - a frequency: `1 in 5` or `1 out of 5` (= 0.2).
///
/// Words are matched case-insensitively and any run of spaces separates them.
pub fn probability(field: &str, s: &str) -> Result<f64, InputError> {
    let err = || InputError::new(field, s, PROBABILITY_ACCEPTED);
    // A count in odds or a frequency: a finite, non-negative decimal.
    let count = |w: &str| {
        w.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(err)
    };
    // `part` chances out of `whole`; a whole of zero says nothing, and one too large to
    // hold (`1e308:1e308`) cannot be divided.
    let share = |part: f64, whole: f64| {
        if whole > 0.0 && whole.is_finite() {
            Ok(part / whole)
        } else {
            Err(err())
        }
    };
    let t = s.trim().to_ascii_lowercase();
    let words: Vec<&str> = t.split_whitespace().collect();
    let value = match words.as_slice() {
        ["evens"] | ["even", "odds"] => 0.5,
        [a, "to", b, side @ ("on" | "for" | "against")] => {
            let (a, b) = (count(a)?, count(b)?);
            let favoured = if *side == "against" { b } else { a };
            share(favoured, a + b)?
        }
        [a, "in", n] | [a, "out", "of", n] => {
            let (a, n) = (count(a)?, count(n)?);
            share(a, n)?
        }
        _ => {
            if let Some((a, b)) = t.split_once(':') {
                let (a, b) = (count(a.trim())?, count(b.trim())?);
                share(a, a + b)?
            } else if let Some(pct) = t.strip_suffix('%') {
                pct.trim().parse::<f64>().map_err(|_| err())? / 100.0
            } else {
                t.parse::<f64>().map_err(|_| err())?
            }
        }
    };
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        // "-0" and "-0%" are zero: without the sign, as the ledger stores it.
        Ok(value + 0.0)
    } else {
        Err(err())
    }
}

/// Parses a strict `YYYY-MM-DD` date; impossible dates such as 2015-02-30 are refused.
pub fn date(field: &str, s: &str) -> Result<NaiveDate, InputError> {
    let t = s.trim();
    // chrono accepts a sign and more digits for the year; a ledger date is four digits.
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shaped {
        return Err(InputError::new(field, s, DATE_ACCEPTED));
    }
    // Read directly: chrono's parser (`%Y-%m-%d`) takes several times longer, and a long
    // list reads two dates a claim. The same dates are refused (a test below checks).
    let digits = |from: usize, to: usize| {
        t.as_bytes()[from..to]
            .iter()
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'))
    };
    i32::try_from(digits(0, 4))
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, digits(5, 7), digits(8, 10)))
        .ok_or_else(|| InputError::new(field, s, DATE_ACCEPTED))
}

/// Parses an RFC 3339 time (any offset, stored as UTC) or a bare date (midnight UTC).
/// Sub-second precision is dropped: the ledger keeps whole seconds.
pub fn time(field: &str, s: &str) -> Result<DateTime<Utc>, InputError> {
    let t = s.trim();
    if let Some(dt) = canonical_time(t) {
        return Ok(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        // An offset can carry a time written in year 0000 or 9999 into year -1 or 10000.
        return check_time(field, s, truncate_seconds(dt.with_timezone(&Utc)));
    }
    match date(field, t) {
        Ok(d) => Ok(start_of_day(d)),
        Err(_) => Err(InputError::new(field, s, TIME_ACCEPTED)),
    }
}

/// The value of the two ASCII digits at `b[i..i + 2]`, if both are digits.
fn two_digits(b: &[u8], i: usize) -> Option<u32> {
    let (hi, lo) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
    (hi < 10 && lo < 10).then(|| u32::from(hi) * 10 + u32::from(lo))
}

/// Reads the one form the ledger itself writes, `YYYY-MM-DDTHH:MM:SSZ`, without the
/// general RFC 3339 parser (a large import or report reads millions of these). Anything
/// else, including a leap second or an impossible date, is left to [`time`]'s general
/// path, so the result is always the one that path would give.
pub fn canonical_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let year = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, two_digits(b, 5)?, two_digits(b, 8)?)?;
    let time = NaiveTime::from_hms_opt(two_digits(b, 11)?, two_digits(b, 14)?, two_digits(b, 17)?)?;
    Some(Utc.from_utc_datetime(&date.and_time(time)))
}

/// A deadline: an absolute date, or `+N` days/weeks/months/years after `today`.
pub fn deadline(field: &str, s: &str, today: NaiveDate) -> Result<NaiveDate, InputError> {
    let t = s.trim();
    match t.strip_prefix('+') {
        Some(rest) => {
            let d = Span::parse(rest)
                .and_then(|span| span.after(today))
                .ok_or_else(|| InputError::new(field, s, BY_ACCEPTED))?;
            check_date(field, s, d)
        }
        None => date(field, t).map_err(|_| InputError::new(field, s, BY_ACCEPTED)),
    }
}

/// A calendar span such as `30d`, `6w`, `6m` or `2y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Days(u32),
    Weeks(u32),
    Months(u32),
    Years(u32),
}

impl Span {
    fn parse(s: &str) -> Option<Span> {
        let s = s.trim();
        let unit = s.chars().last()?;
        let n: u32 = s[..s.len() - unit.len_utf8()].parse().ok()?;
        match unit.to_ascii_lowercase() {
            'd' => Some(Span::Days(n)),
            'w' => Some(Span::Weeks(n)),
            'm' => Some(Span::Months(n)),
            'y' => Some(Span::Years(n)),
            _ => None,
        }
    }

    /// The date this span after `d`, or None past the calendar's end.
    pub fn after(self, d: NaiveDate) -> Option<NaiveDate> {
        match self {
            Span::Days(n) => d.checked_add_days(chrono::Days::new(n.into())),
            Span::Weeks(n) => d.checked_add_days(chrono::Days::new(u64::from(n) * 7)),
            Span::Months(n) => d.checked_add_months(Months::new(n)),
            Span::Years(n) => d.checked_add_months(Months::new(n.checked_mul(12)?)),
        }
    }
}

/// Parses a duration for options such as `--within`.
pub fn span(field: &str, s: &str) -> Result<Span, InputError> {
    Span::parse(s).ok_or_else(|| InputError::new(field, s, DURATION_ACCEPTED))
}

pub fn start_of_day(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN))
}

/// The last whole second of a UTC day.
pub fn end_of_day(d: NaiveDate) -> DateTime<Utc> {
    let t = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    Utc.from_utc_datetime(&d.and_time(t))
}

pub fn truncate_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp(), 0).single().unwrap_or(t)
}

/// The one text form of a time in the ledger, its output and its files.
pub fn format_time(t: DateTime<Utc>) -> String {
    let (d, year) = (t.date_naive(), t.year());
    if t.nanosecond() == 0 && (0..=9999).contains(&year) {
        // The common case written directly: chrono's general formatter (and `format!`)
        // take several times longer, and an import formats two or three times per
        // forecast. Same text (a property test below checks).
        let time = t.time();
        let mut b = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, value: u32, digits: usize| {
            let mut v = value;
            for i in (at..at + digits).rev() {
                b[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, year as u32, 4);
        put(5, d.month(), 2);
        put(8, d.day(), 2);
        put(11, time.hour(), 2);
        put(14, time.minute(), 2);
        put(17, time.second(), 2);
        return String::from_utf8_lossy(&b).into_owned();
    }
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn format_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn probabilities_as_fraction_or_percent() {
        assert_eq!(probability("p", "0.7").unwrap(), 0.7);
        assert_eq!(probability("p", ".25").unwrap(), 0.25);
        assert_eq!(probability("p", "70%").unwrap(), 0.7);
        assert_eq!(probability("p", " 5 %").unwrap(), 0.05);
        assert_eq!(probability("p", "1").unwrap(), 1.0);
        assert_eq!(probability("p", "0").unwrap(), 0.0);
        for bad in ["1.2", "-0.1", "120%", "NaN", "inf", "", "seventy", "0.5.1"] {
            let e = probability("p", bad).unwrap_err();
            assert_eq!(e.field, "p");
            assert_eq!(e.value, bad);
        }
    }

    #[test]
    fn probabilities_as_odds_and_frequencies() {
        assert_eq!(probability("p", "1:4").unwrap(), 0.2);
        assert_eq!(probability("p", " 1 : 4 ").unwrap(), 0.2);
        assert_eq!(probability("p", "4 to 1 against").unwrap(), 0.2);
        assert_eq!(probability("p", "4 To 1  AGAINST").unwrap(), 0.2);
        assert_eq!(probability("p", "3 to 1 on").unwrap(), 0.75);
        assert_eq!(probability("p", "3 to 1 for").unwrap(), 0.75);
        assert_eq!(probability("p", "1 in 5").unwrap(), 0.2);
        assert_eq!(probability("p", "1 out of 5").unwrap(), 0.2);
        assert_eq!(probability("p", "evens").unwrap(), 0.5);
        assert_eq!(probability("p", "0:1").unwrap(), 0.0);
        assert_eq!(probability("p", "2.5:7.5").unwrap(), 0.25);
        for bad in [
            "4 to 1",
            "0:0",
            "1:-4",
            "-1:4",
            "6 in 5",
            "1 in 0",
            "a:b",
            "1:2:3",
            "1 to 2 maybe",
            "inf:1",
            "1e308:1e308",
            "1e308 to 1e308 on",
            "1 in",
            "to 1 on",
        ] {
            let e = probability("--p", bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.value.as_str()), ("--p", bad));
            for form in ["0.2", "20%", "1:4", "4 to 1 against", "3 to 1 on", "1 in 5"] {
                assert!(e.to_string().contains(form), "{e}");
            }
        }
    }

    #[test]
    fn a_zero_probability_has_no_sign() {
        for s in ["-0", "-0%", "-0.0", "0 in 5"] {
            let p = probability("--p", s).unwrap();
            assert_eq!(p.to_bits(), 0.0f64.to_bits(), "{s}");
        }
    }

    #[test]
    fn dates_must_be_real_and_iso() {
        assert_eq!(date("by", "2016-02-29").unwrap(), d("2016-02-29"));
        for bad in [
            "2015-02-30",
            "2015-13-01",
            "15-01-01",
            "2015/01/01",
            "+2015-01-01",
            "2015-1-1",
        ] {
            assert!(date("by", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_accept_offsets_and_dates() {
        assert_eq!(
            format_time(time("at", "2015-05-26").unwrap()),
            "2015-05-26T00:00:00Z"
        );
        assert_eq!(
            format_time(time("at", "2015-05-26T10:30:00+02:00").unwrap()),
            "2015-05-26T08:30:00Z"
        );
        assert_eq!(
            format_time(time("at", "2015-05-26T10:30:00.75Z").unwrap()),
            "2015-05-26T10:30:00Z"
        );
        // A leap second and impossible fields take the general path.
        assert_eq!(
            format_time(time("at", "2016-12-31T23:59:60Z").unwrap()),
            "2016-12-31T23:59:59Z"
        );
        assert!(canonical_time("2016-12-31T23:59:60Z").is_none());
        assert!(canonical_time("2015-02-30T00:00:00Z").is_none());
        assert!(time("at", "2015-02-30T00:00:00Z").is_err());
        assert_eq!(
            canonical_time("0999-01-02T03:04:05Z")
                .map(format_time)
                .as_deref(),
            Some("0999-01-02T03:04:05Z")
        );
        assert!(time("at", "yesterday").is_err());
        assert!(time("at", "2015-02-30").is_err());
    }

    #[test]
    fn relative_deadlines() {
        let today = d("2026-01-31");
        assert_eq!(deadline("by", "+30d", today).unwrap(), d("2026-03-02"));
        assert_eq!(deadline("by", "+2w", today).unwrap(), d("2026-02-14"));
        // A month after 31 January is the last day of February.
        assert_eq!(deadline("by", "+1m", today).unwrap(), d("2026-02-28"));
        assert_eq!(deadline("by", "+2y", today).unwrap(), d("2028-01-31"));
        assert_eq!(
            deadline("by", "2030-06-30", today).unwrap(),
            d("2030-06-30")
        );
        for bad in ["+", "+3q", "+-3d", "+99999999999y", "soon"] {
            assert!(deadline("by", bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_and_times_outside_the_storable_years_are_refused() {
        let today = d("2026-11-30");
        // Relative deadlines that land past 9999.
        let e = deadline("by", "+7974y", today).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.accepted.as_str()),
            ("by", RANGE_ACCEPTED)
        );
        assert_eq!(deadline("by", "+7973y", today).unwrap(), d("9999-11-30"));
        // Offsets that push a time across the first or last year.
        for bad in [
            "0000-01-01T00:30:00+01:00",
            "9999-12-31T23:30:00-01:00",
            "0000-01-01T00:00:00+00:01",
        ] {
            let e = time("at", bad).unwrap_err();
            assert_eq!(e.accepted, RANGE_ACCEPTED, "{bad}");
            assert_eq!(e.value, bad);
        }
        // The extremes themselves are fine, and read back as written.
        for ok in [
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "9999-12-31T23:59:59+00:00",
        ] {
            let t = time("at", ok).unwrap();
            assert_eq!(time("at", &format_time(t)).unwrap(), t);
        }
        assert_eq!(
            format_time(time("at", "0000-01-01T01:30:00+01:00").unwrap()),
            "0000-01-01T00:30:00Z"
        );
    }

    #[test]
    fn day_edges() {
        assert_eq!(
            format_time(end_of_day(d("2016-12-31"))),
            "2016-12-31T23:59:59Z"
        );
        assert_eq!(format_date(d("0999-01-02")), "0999-01-02");
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC*") {
            let today = d("2026-11-28");
            let _ = probability("p", &s);
            let _ = date("d", &s);
            let _ = time("t", &s);
            let _ = deadline("by", &s, today);
            let _ = span("within", &s);
        }

        #[test]
        fn dates_are_read_as_chrono_reads_them(s in " ?[0-9]{4}-[0-9]{2}-[0-9]{2} ?") {
            let chrono = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
            prop_assert_eq!(date("d", &s).ok(), chrono);
        }

        #[test]
        fn accepted_probabilities_are_in_range(s in "[0-9.%]{0,6}") {
            if let Ok(p) = probability("p", &s) {
                prop_assert!((0.0..=1.0).contains(&p));
            }
        }

        #[test]
        fn odds_forms_agree(a in 0u32..1000, b in 0u32..1000) {
            prop_assume!(a + b > 0);
            let want = f64::from(a) / f64::from(a + b);
            let n = a + b;
            let forms = [
                format!("{a}:{b}"),
                format!("{a} to {b} on"),
                format!("{b} to {a} against"),
                format!("{a} in {n}"),
                format!("{a} out of {n}"),
            ];
            for form in forms {
                let got = probability("p", &form).unwrap();
                prop_assert!((got - want).abs() <= 1e-12, "{} gave {}, expected {}", form, got, want);
            }
        }

        #[test]
        fn accepted_odds_are_in_range(s in "[0-9.:]{0,4}( (to|in) [0-9.]{1,3}( (on|against))?)?") {
            if let Ok(p) = probability("p", &s) {
                prop_assert!((0.0..=1.0).contains(&p));
            }
        }

        #[test]
        fn canonical_fast_paths_agree_with_chrono(secs in -70_000_000_000i64..260_000_000_000, nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000]) {
            let t = Utc.timestamp_opt(secs, nanos).unwrap();
            let general = t.to_rfc3339_opts(SecondsFormat::Secs, true);
            prop_assert_eq!(format_time(t), general.clone());
            let parsed = DateTime::parse_from_rfc3339(&general)
                .ok()
                .map(|dt| truncate_seconds(dt.with_timezone(&Utc)));
            if let Some(fast) = canonical_time(&general) {
                prop_assert_eq!(Some(fast), parsed);
            }
        }

        #[test]
        fn canonical_parse_agrees_on_any_shape(s in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z") {
            let general = DateTime::parse_from_rfc3339(&s)
                .ok()
                .map(|dt| truncate_seconds(dt.with_timezone(&Utc)));
            if let Some(fast) = canonical_time(&s) {
                prop_assert_eq!(Some(fast), general);
            }
            prop_assert_eq!(time("t", &s).ok(), general);
        }

        #[test]
        fn every_accepted_time_and_deadline_can_be_stored_and_read_back(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}",
            n in 0u32..20_000,
            unit in prop::sample::select(vec!['d', 'w', 'm', 'y']),
        ) {
            if let Ok(t) = time("t", &s) {
                let text = format_time(t);
                prop_assert_eq!(canonical_time(&text), Some(t));
            }
            if let Ok(day) = deadline("by", &format!("+{n}{unit}"), d("2026-11-30")) {
                prop_assert_eq!(date("d", &format_date(day)), Ok(day));
            }
        }

        #[test]
        fn formatted_times_parse_back(secs in 0i64..4_000_000_000) {
            let t = Utc.timestamp_opt(secs, 0).unwrap();
            prop_assert_eq!(time("t", &format_time(t)).unwrap(), t);
        }
    }
}
