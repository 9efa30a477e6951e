//! Time expressions in a sentence and the resolve-by date they imply, normalised against the
//! publication date (ESTIMATIVE.md §5.1 "Time expressions", §6.2 rules).
//!
//! Explicit dates and windows resolve on the end of the window:
//! - "by 2016", "in 2027", "through 2030", bare "2027" → Dec 31 of that year; "before 2016" → Dec 31, 2015
//!   (the day before the window starts; likewise "before March" → the last day of February);
//! - "by/in March [2016]" → the last day of that month (without a year: the next March at or after the
//!   publication month); "on May 26[, 2016]", "26 May 2016", "the 30th of June" → that day;
//! - "early/mid/late 2016", "mid-2016", "the first/second half of 2016", "the third quarter of 2016"
//!   → Apr 30 / Jun 30 / Dec 31, Jun 30 / Dec 31, Sep 30;
//! - "this/next year|month|week|quarter|decade|century", "later this year", "year-end", "this/next
//!   summer" and other seasons (meteorological, northern hemisphere) → the end of that period; "by the
//!   end of the decade" → Dec 31 of year 9 of the decade (2015 → 2019-12-31);
//! - "within a year", "in two years", "over the next six months", "three years from now" → publication
//!   plus the span; a year counts 365 days and a decade 3,650 days (§6.2 rule 1: "publication + 365
//!   days"), months are calendar months, weeks 7 days;
//! - "tomorrow" → +1 day, "today"/"tonight" → the publication date, "on Tuesday" → the next Tuesday.
//!
//! Vague words map to fixed offsets (§6.2 rule 3) and are flagged `horizon_inferred` by the caller:
//! "imminently", "any day now", "within days", "in the coming days" → 1 month; "soon", "shortly",
//! "before long", "in the coming weeks" → 3 months; "in the coming months", "within months", "in the
//! near future/term" → 12 months; "in the coming years", "in the next few years", "in the years ahead",
//! "in the medium term" → 3 years. **"Eventually" policy:** "eventually", "sooner or later", "one day",
//! "someday", "ultimately", "in the long run/term", "in the future" → publication + 10 years (the
//! Metaculus far-future line of §6.1), never "unresolvable", so every candidate has a date.
//!
//! "after 2030", "since 2014", "from 2016" set no deadline and are skipped. Dates before the
//! publication date are returned (the caller treats them as past references, not horizons).

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::tokens::{TokKind, Tokens};

/// One time expression: tokens `start..end`, the date it resolves to, and whether it was vague.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeExpr {
    pub start: usize,
    pub end: usize,
    pub date: NaiveDate,
    pub vague: bool,
}

/// The default horizon when the text gives none: publication + 12 months (§6.2 rule 4).
pub(crate) fn default_horizon(published: NaiveDate) -> NaiveDate {
    published
        .checked_add_months(Months::new(12))
        .unwrap_or(published)
}

/// Vague phrases (normalised tokens) and their offset in months (§6.2 rule 3; the 120-month rows are
/// the "eventually" policy of the module doc).
const VAGUE: &[(&[&str], u32)] = &[
    (&["any", "day", "now"], 1),
    (&["within", "days"], 1),
    (&["in", "the", "coming", "days"], 1),
    (&["in", "coming", "days"], 1),
    (&["imminently"], 1),
    (&["before", "long"], 3),
    (&["in", "the", "coming", "weeks"], 3),
    (&["in", "coming", "weeks"], 3),
    (&["within", "weeks"], 3),
    (&["in", "the", "next", "few", "weeks"], 3),
    (&["in", "a", "few", "weeks"], 3),
    (&["in", "the", "coming", "months"], 12),
    (&["in", "coming", "months"], 12),
    (&["over", "the", "coming", "months"], 12),
    (&["within", "months"], 12),
    (&["in", "the", "next", "few", "months"], 12),
    (&["over", "the", "next", "few", "months"], 12),
    (&["in", "the", "months", "ahead"], 12),
    (&["in", "the", "near", "future"], 12),
    (&["in", "the", "near", "term"], 12),
    (&["in", "the", "short", "term"], 12),
    (&["in", "the", "coming", "years"], 36),
    (&["in", "coming", "years"], 36),
    (&["over", "the", "coming", "years"], 36),
    (&["in", "the", "next", "few", "years"], 36),
    (&["over", "the", "next", "few", "years"], 36),
    (&["within", "a", "few", "years"], 36),
    (&["in", "a", "few", "years"], 36),
    (&["in", "the", "years", "ahead"], 36),
    (&["in", "the", "medium", "term"], 36),
    (&["within", "years"], 36),
    (&["eventually"], 120),
    (&["sooner", "or", "later"], 120),
    (&["someday"], 120),
    (&["some", "day"], 120),
    (&["ultimately"], 120),
    (&["in", "the", "long", "run"], 120),
    (&["in", "the", "long", "term"], 120),
    (&["over", "the", "long", "term"], 120),
    (&["in", "the", "future"], 120),
    (&["in", "future"], 120),
];

const PREPS: &[&str] = &[
    "by",
    "in",
    "before",
    "until",
    "till",
    "through",
    "throughout",
    "during",
    "within",
    "over",
    "on",
    "for",
    "of",
    "at",
    "around",
    "come",
    "from",
    "after",
    "since",
];

/// Words that make a following "in a decade"/"in years" a comparison ("the worst in a decade").
const SUPERLATIVES: &[&str] = &[
    "worst",
    "best",
    "highest",
    "lowest",
    "biggest",
    "largest",
    "smallest",
    "strongest",
    "weakest",
    "fastest",
    "slowest",
    "deepest",
    "longest",
    "shortest",
    "first",
    "most",
    "least",
    "hottest",
    "coldest",
    "wettest",
    "driest",
    "warmest",
    "greatest",
    "sharpest",
    "steepest",
    "time",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mod {
    None,
    End,
    Start,
    Early,
    Mid,
    Late,
    FirstHalf,
    SecondHalf,
    Quarter(u32),
}

#[derive(Debug, Clone, Copy)]
enum Period {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
    Week(NaiveDate),
    Quarter(i32, u32),
    Season(i32, u32),
    Decade(i32),
    Century(i32),
    /// A ready date (spans from publication).
    Date(NaiveDate),
}

fn month_number(w: &str) -> Option<u32> {
    Some(match w {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// Season index 0..4 = spring, summer, autumn, winter (meteorological, northern hemisphere).
fn season(w: &str) -> Option<u32> {
    Some(match w {
        "spring" => 0,
        "summer" => 1,
        "autumn" | "fall" => 2,
        "winter" => 3,
        _ => return None,
    })
}

fn small_number(w: &str) -> Option<u32> {
    if let Ok(n) = w.parse::<u32>() {
        return (n > 0 && n <= 1000).then_some(n);
    }
    Some(match w {
        "a" | "an" | "one" => 1,
        "two" | "couple" => 2,
        "three" | "few" => 3,
        "four" => 4,
        "five" | "several" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fifteen" => 15,
        "eighteen" => 18,
        "twenty" => 20,
        "thirty" => 30,
        "fifty" => 50,
        "hundred" => 100,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

fn unit(w: &str) -> Option<Unit> {
    Some(match w {
        "day" | "days" => Unit::Day,
        "week" | "weeks" => Unit::Week,
        "month" | "months" => Unit::Month,
        "quarter" | "quarters" => Unit::Quarter,
        "year" | "years" => Unit::Year,
        "decade" | "decades" => Unit::Decade,
        "century" | "centuries" => Unit::Century,
        _ => return None,
    })
}

fn year_of(w: &str) -> Option<i32> {
    if w.len() != 4 || !w.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = w.parse().ok()?;
    (1900..=2199).contains(&y).then_some(y)
}

fn day_of(w: &str) -> Option<u32> {
    let digits = w
        .strip_suffix("st")
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u32 = digits.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn end_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

fn add_span(d: NaiveDate, n: u32, u: Unit) -> Option<NaiveDate> {
    match u {
        Unit::Day => d.checked_add_days(Days::new(u64::from(n))),
        Unit::Week => d.checked_add_days(Days::new(7 * u64::from(n))),
        Unit::Month => d.checked_add_months(Months::new(n)),
        Unit::Quarter => d.checked_add_months(Months::new(3 * n)),
        Unit::Year => d.checked_add_days(Days::new(365 * u64::from(n))),
        Unit::Decade => d.checked_add_days(Days::new(3650 * u64::from(n))),
        Unit::Century => d.checked_add_days(Days::new(36500 * u64::from(n))),
    }
}

fn next_weekday(from: NaiveDate, wd: Weekday) -> Option<NaiveDate> {
    let mut d = from.succ_opt()?;
    for _ in 0..7 {
        if d.weekday() == wd {
            return Some(d);
        }
        d = d.succ_opt()?;
    }
    None
}

/// Season `s` (0 spring .. 3 winter) of year `y`: (first day, last day). Winter y runs Dec y – Feb y+1.
fn season_bounds(y: i32, s: u32) -> Option<(NaiveDate, NaiveDate)> {
    match s {
        0 => Some((NaiveDate::from_ymd_opt(y, 3, 1)?, end_of_month(y, 5)?)),
        1 => Some((NaiveDate::from_ymd_opt(y, 6, 1)?, end_of_month(y, 8)?)),
        2 => Some((NaiveDate::from_ymd_opt(y, 9, 1)?, end_of_month(y, 11)?)),
        _ => Some((NaiveDate::from_ymd_opt(y, 12, 1)?, end_of_month(y + 1, 2)?)),
    }
}

/// The first day and the resolve-by day of a period under a modifier.
fn bounds(p: Period, m: Mod) -> Option<(NaiveDate, NaiveDate)> {
    match p {
        Period::Year(y) => {
            // The first day of the named part of the year ("before the second quarter of 2016").
            let first_month = match m {
                Mod::Quarter(q) => q.clamp(1, 4) * 3 - 2,
                Mod::SecondHalf => 7,
                Mod::Late => 9,
                Mod::Mid => 5,
                Mod::End => 12,
                _ => 1,
            };
            let start = NaiveDate::from_ymd_opt(y, first_month, 1)?;
            let end = match m {
                Mod::Start => NaiveDate::from_ymd_opt(y, 1, 1)?,
                Mod::Early => end_of_month(y, 4)?,
                Mod::Mid | Mod::FirstHalf => end_of_month(y, 6)?,
                Mod::Quarter(q) => end_of_month(y, (q.clamp(1, 4)) * 3)?,
                Mod::None | Mod::End | Mod::Late | Mod::SecondHalf => end_of_month(y, 12)?,
            };
            Some((start, end))
        }
        Period::Month(y, mo) => {
            let start = NaiveDate::from_ymd_opt(y, mo, 1)?;
            let end = match m {
                Mod::Start => start,
                Mod::Early => NaiveDate::from_ymd_opt(y, mo, 10)?,
                Mod::Mid | Mod::FirstHalf => NaiveDate::from_ymd_opt(y, mo, 15)?,
                _ => end_of_month(y, mo)?,
            };
            Some((start, end))
        }
        Period::Day(d) | Period::Date(d) => Some((d, d)),
        Period::Week(d) => {
            // Week ending on Sunday.
            let back = d.weekday().num_days_from_monday();
            let start = d.checked_sub_days(Days::new(u64::from(back)))?;
            Some((start, start.checked_add_days(Days::new(6))?))
        }
        Period::Quarter(y, q) => {
            let q = q.clamp(1, 4);
            let start = NaiveDate::from_ymd_opt(y, q * 3 - 2, 1)?;
            Some((start, end_of_month(y, q * 3)?))
        }
        Period::Season(y, s) => season_bounds(y, s),
        Period::Decade(y0) => {
            let start = NaiveDate::from_ymd_opt(y0, 1, 1)?;
            let end = match m {
                Mod::Early => end_of_month(y0 + 2, 12)?,
                Mod::Mid => end_of_month(y0 + 5, 12)?,
                Mod::Start => start,
                _ => end_of_month(y0 + 9, 12)?,
            };
            Some((start, end))
        }
        Period::Century(y0) => Some((
            NaiveDate::from_ymd_opt(y0, 1, 1)?,
            end_of_month(y0 + 99, 12)?,
        )),
    }
}

struct Cursor<'a> {
    t: &'a Tokens,
    b: usize,
}

impl Cursor<'_> {
    fn w(&self, k: usize) -> &str {
        if k < self.b {
            self.t.norm(k)
        } else {
            ""
        }
    }
    fn cap(&self, k: usize) -> bool {
        k < self.b && self.t.toks.get(k).is_some_and(|t| t.cap)
    }
    fn is_number(&self, k: usize) -> bool {
        k < self.b
            && self
                .t
                .toks
                .get(k)
                .is_some_and(|t| t.kind == TokKind::Number)
    }
}

/// Whether token `k` can be read as the month name `m` ("may" and "march" need support: a capital and a
/// preposition before or a number after, so the modal and the verb are not months).
fn month_at(c: &Cursor, k: usize) -> Option<u32> {
    let w = c.w(k);
    let m = month_number(w)?;
    let abbreviation = w.len() <= 4 && !matches!(w, "may" | "june" | "july");
    if !c.cap(k) {
        return None;
    }
    let ambiguous = matches!(w, "may" | "march") || abbreviation;
    if ambiguous {
        let prev = if k > 0 { c.w(k - 1) } else { "" };
        let supported = PREPS.contains(&prev)
            || matches!(
                prev,
                "early" | "late" | "mid" | "next" | "last" | "this" | "of" | "end"
            )
            || day_of(c.w(k + 1)).is_some()
            || year_of(c.w(k + 1)).is_some();
        if !supported {
            return None;
        }
    }
    Some(m)
}

/// Tries to read a time expression starting at token `i`. Returns (end token, date, vague).
fn parse_at(c: &Cursor, i: usize, published: NaiveDate) -> Option<(usize, NaiveDate, bool)> {
    // Vague phrases first (some start with a preposition that the explicit reader would take).
    let first_word = c.w(i);
    let may_be_vague = matches!(
        first_word,
        "any"
            | "within"
            | "in"
            | "imminently"
            | "before"
            | "over"
            | "eventually"
            | "sooner"
            | "someday"
            | "some"
            | "ultimately"
    );
    for (words, months) in VAGUE.iter().filter(|_| may_be_vague) {
        if words.iter().enumerate().all(|(k, w)| c.w(i + k) == *w) {
            let end = i + words.len();
            // "in the future" describes a window only when nothing more specific follows it.
            let d = published.checked_add_months(Months::new(*months))?;
            return Some((end, d, true));
        }
    }
    let w0 = c.w(i);
    if matches!(w0, "soon" | "shortly") {
        let prev = if i > 0 { c.w(i - 1) } else { "" };
        let next = c.w(i + 1);
        let relative = matches!(
            next,
            "after" | "before" | "as" | "thereafter" | "afterwards" | "enough"
        ) || matches!(prev, "as" | "how" | "too");
        if relative {
            return None;
        }
        return Some((i + 1, published.checked_add_months(Months::new(3))?, true));
    }
    if w0 == "imminent" {
        return Some((i + 1, published.checked_add_months(Months::new(1))?, true));
    }
    if w0 == "one" && c.w(i + 1) == "day" {
        let prev = if i > 0 { c.w(i - 1) } else { "" };
        let next = c.w(i + 2);
        if matches!(
            prev,
            "on" | "every" | "for" | "in" | "within" | "per" | "a" | "the" | "just" | "only"
        ) || matches!(next, "after" | "before" | "later" | "earlier" | "ago")
        {
            return None;
        }
        return Some((i + 2, published.checked_add_months(Months::new(120))?, true));
    }
    match w0 {
        "tomorrow" => return Some((i + 1, published.succ_opt()?, false)),
        "today" | "tonight" => return Some((i + 1, published, false)),
        _ => {}
    }

    let mut k = i;
    let mut prep = "";
    if PREPS.contains(&c.w(k)) {
        prep = c.w(k);
        k += 1;
    }
    if matches!(prep, "after" | "since" | "from") {
        return None;
    }
    // "the worst in a decade", "the first time in years": a comparison, not a window.
    if prep == "in" {
        let superlative = (i.saturating_sub(4)..i).any(|k| SUPERLATIVES.contains(&c.w(k)));
        if superlative {
            return None;
        }
    }
    let mut mdf = Mod::None;
    // Modifiers: "the end of", "early", "mid-", "the first half of", "the third quarter of", "later".
    loop {
        let w = c.w(k);
        match w {
            "the" => k += 1,
            "later" | "late" if matches!(c.w(k + 1), "this" | "next") => k += 1,
            "end" | "close" if c.w(k + 1) == "of" => {
                mdf = Mod::End;
                k += 2;
            }
            "start" | "beginning" if c.w(k + 1) == "of" => {
                mdf = Mod::Start;
                k += 2;
            }
            "middle" if c.w(k + 1) == "of" => {
                mdf = Mod::Mid;
                k += 2;
            }
            "early" => {
                mdf = Mod::Early;
                k += 1;
            }
            "mid" => {
                mdf = Mod::Mid;
                k += 1;
            }
            "late" => {
                mdf = Mod::Late;
                k += 1;
            }
            "first" | "second" if c.w(k + 1) == "half" && c.w(k + 2) == "of" => {
                mdf = if w == "first" {
                    Mod::FirstHalf
                } else {
                    Mod::SecondHalf
                };
                k += 3;
            }
            "first" | "second" | "third" | "fourth"
                if c.w(k + 1) == "quarter" && c.w(k + 2) == "of" =>
            {
                let q = match w {
                    "first" => 1,
                    "second" => 2,
                    "third" => 3,
                    _ => 4,
                };
                mdf = Mod::Quarter(q);
                k += 3;
            }
            _ => break,
        }
        if k > i + 8 {
            return None;
        }
    }
    let head = c.w(k);
    let py = published.year();
    let pm = published.month();
    // "mid-2016", "year-end"
    if let Some(rest) = head.strip_prefix("mid-") {
        let y = year_of(rest)?;
        return finish(prep, Period::Year(y), Mod::Mid, k + 1);
    }
    if head == "year-end" || (head == "year" && c.w(k + 1) == "end") {
        let end = if head == "year" { k + 2 } else { k + 1 };
        return finish(prep, Period::Year(py), Mod::End, end);
    }
    if let Some(y) = year_of(head) {
        if c.is_number(k) {
            // "2017-18" style fiscal years are a single token and do not reach here.
            let prev = if k > 0 { c.w(k - 1) } else { "" };
            if prep.is_empty()
                && mdf == Mod::None
                && matches!(
                    prev,
                    "$" | "£" | "€" | "after" | "since" | "from" | "than" | "between"
                )
            {
                return None;
            }
            return finish(prep, Period::Year(y), mdf, k + 1);
        }
    }
    // ISO dates: "2016-03-31"
    if c.is_number(k) && head.len() == 10 {
        if let Ok(date) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            return finish(prep, Period::Day(date), mdf, k + 1);
        }
    }
    // Month [day][,] [year]
    if let Some(m) = month_at(c, k) {
        let mut e = k + 1;
        // "Nov. 26": the abbreviation's dot is a token of its own.
        if c.w(e) == "." && day_of(c.w(e + 1)).is_some() {
            e += 1;
        }
        let day = day_of(c.w(e));
        if day.is_some() {
            e += 1;
        }
        if c.w(e) == "," && year_of(c.w(e + 1)).is_some() {
            e += 1;
        }
        let year = year_of(c.w(e));
        if year.is_some() {
            e += 1;
        }
        let y = year.unwrap_or(if m >= pm { py } else { py + 1 });
        return match day {
            Some(d) => {
                let mut date = NaiveDate::from_ymd_opt(y, m, d)?;
                if year.is_none() && date < published {
                    date = NaiveDate::from_ymd_opt(y + 1, m, d)?;
                }
                finish(prep, Period::Day(date), mdf, e)
            }
            None => finish(prep, Period::Month(y, m), mdf, e),
        };
    }
    // Day [of] Month [year]: "26 May 2016", "the 30th of June"
    if let Some(d) = day_of(head).filter(|_| c.is_number(k)) {
        let mut e = k + 1;
        if c.w(e) == "of" {
            e += 1;
        }
        if let Some(m) = month_at(c, e) {
            e += 1;
            let year = year_of(c.w(e));
            if year.is_some() {
                e += 1;
            }
            let y = year.unwrap_or(py);
            let mut date = NaiveDate::from_ymd_opt(y, m, d)?;
            if year.is_none() && date < published {
                date = NaiveDate::from_ymd_opt(y + 1, m, d)?;
            }
            return finish(prep, Period::Day(date), mdf, e);
        }
    }
    // this/next/last/coming + unit, season, month or weekday
    if matches!(head, "this" | "next" | "last" | "coming" | "current") {
        let offset: i32 = match head {
            "next" | "coming" => 1,
            "last" => -1,
            _ => 0,
        };
        let u = c.w(k + 1);
        // "the next six months", "the next 10 years"
        if head == "next" || head == "coming" {
            if let (Some(n), Some(un)) = (small_number(u), unit(c.w(k + 2))) {
                if !matches!(u, "a" | "an") {
                    return finish(
                        prep,
                        Period::Date(add_span(published, n, un)?),
                        Mod::None,
                        k + 3,
                    );
                }
            }
        }
        if let Some(un) = unit(u) {
            let p = match un {
                Unit::Year => Period::Year(py + offset),
                Unit::Month => {
                    let base = NaiveDate::from_ymd_opt(py, pm, 1)?;
                    let d = if offset >= 0 {
                        base.checked_add_months(Months::new(offset as u32))?
                    } else {
                        base.checked_sub_months(Months::new(1))?
                    };
                    Period::Month(d.year(), d.month())
                }
                Unit::Week => {
                    let d = if offset >= 0 {
                        published.checked_add_days(Days::new(7 * offset as u64))?
                    } else {
                        published.checked_sub_days(Days::new(7))?
                    };
                    Period::Week(d)
                }
                Unit::Quarter => {
                    let q0 = (pm - 1) / 3; // 0-based
                    let idx = py * 4 + q0 as i32 + offset;
                    Period::Quarter(idx.div_euclid(4), idx.rem_euclid(4) as u32 + 1)
                }
                Unit::Decade => Period::Decade(py - py.rem_euclid(10) + 10 * offset),
                Unit::Century => Period::Century(py - py.rem_euclid(100) + 100 * offset),
                Unit::Day => return None,
            };
            // "the coming year" is a span from publication rather than the calendar year.
            if head == "coming" {
                return finish(
                    prep,
                    Period::Date(add_span(published, 1, un)?),
                    Mod::None,
                    k + 2,
                );
            }
            return finish(prep, p, mdf, k + 2);
        }
        if let Some(s) = season(u) {
            // The current or next occurrence of the season.
            let mut y = py;
            let (_, mut end) = season_bounds(y, s)?;
            if s == 3 && pm <= 2 {
                y -= 1;
                end = season_bounds(y, s)?.1;
            }
            if end < published {
                y += 1;
            }
            if offset == 1 {
                let (start, _) = season_bounds(y, s)?;
                if start <= published {
                    y += 1;
                }
            }
            if offset == -1 {
                y -= 1;
            }
            return finish(prep, Period::Season(y, s), mdf, k + 2);
        }
        if let Some(m) = month_number(u).filter(|_| c.cap(k + 1)) {
            let y = match offset {
                1 if m <= pm => py + 1,
                -1 if m >= pm => py - 1,
                _ => py,
            };
            return finish(prep, Period::Month(y, m), mdf, k + 2);
        }
        if let Some(wd) = weekday(u) {
            let d = next_weekday(published, wd)?;
            let d = if offset == -1 {
                d.checked_sub_days(Days::new(7))?
            } else {
                d
            };
            return finish(prep, Period::Day(d), mdf, k + 2);
        }
        return None;
    }
    // "the decade", "the year", "the month", "the century" after "end of"
    if mdf != Mod::None {
        if let Some(un) = unit(head) {
            let p = match un {
                Unit::Year => Period::Year(py),
                Unit::Month => Period::Month(py, pm),
                Unit::Week => Period::Week(published),
                Unit::Quarter => Period::Quarter(py, (pm - 1) / 3 + 1),
                Unit::Decade => Period::Decade(py - py.rem_euclid(10)),
                Unit::Century => Period::Century(py - py.rem_euclid(100)),
                Unit::Day => Period::Day(published),
            };
            return finish(prep, p, mdf, k + 1);
        }
    }
    // "within a year", "in two years", "over the next decade" handled above; "N units from now"
    if let (Some(n), Some(un)) = (small_number(head), unit(c.w(k + 1))) {
        let from_now = c.w(k + 2) == "from" && c.w(k + 3) == "now";
        let span_prep = matches!(prep, "within" | "in" | "over");
        if from_now || span_prep {
            let e = if from_now { k + 4 } else { k + 2 };
            // "in two years' time"
            let e = if c.w(e) == "'s" || c.w(e) == "'" {
                if c.w(e + 1) == "time" {
                    e + 2
                } else {
                    e
                }
            } else if c.w(e) == "time" {
                e + 1
            } else {
                e
            };
            return Some((e, add_span(published, n, un)?, false));
        }
    }
    if let Some(s) = season(head) {
        // "by summer", "in the spring": the next end of that season; "fall" only with a preposition.
        if prep.is_empty() || (head == "fall" && !matches!(prep, "in" | "by" | "until" | "before"))
        {
            return None;
        }
        let mut y = py;
        if s == 3 && pm <= 2 {
            y -= 1;
        }
        let (_, end) = season_bounds(y, s)?;
        if end < published {
            y += 1;
        }
        let y = match year_of(c.w(k + 1)) {
            Some(yy) => yy,
            None => y,
        };
        let e = if year_of(c.w(k + 1)).is_some() {
            k + 2
        } else {
            k + 1
        };
        return finish(prep, Period::Season(y, s), mdf, e);
    }
    if let Some(wd) = weekday(head).filter(|_| c.cap(k)) {
        return finish(prep, Period::Day(next_weekday(published, wd)?), mdf, k + 1);
    }
    None
}

fn finish(prep: &str, p: Period, m: Mod, end: usize) -> Option<(usize, NaiveDate, bool)> {
    let (start, last) = bounds(p, m)?;
    // "before the end of the year" is the end of the year; "before 2016" the day before 2016.
    let date = if prep == "before" && m != Mod::End && !matches!(p, Period::Date(_)) {
        start.pred_opt()?
    } else {
        last
    };
    Some((end, date, false))
}

/// All time expressions in tokens `a..b`, left to right, non-overlapping.
pub(crate) fn find_times(t: &Tokens, a: usize, b: usize, published: NaiveDate) -> Vec<TimeExpr> {
    let c = Cursor {
        t,
        b: b.min(t.len()),
    };
    let mut out = Vec::new();
    let mut i = a;
    while i < c.b {
        let may_start = t.toks.get(i).is_some_and(|k| {
            k.kind == TokKind::Number
                || k.class & super::cues::TIME != 0
                || (k.class == 0 && t.norm(i).starts_with("mid-"))
        });
        if !may_start {
            i += 1;
            continue;
        }
        match parse_at(&c, i, published) {
            Some((end, date, vague)) if end > i => {
                // A leading "the" without a preposition is not part of the expression's text.
                let start = if c.w(i) == "the" && end > i + 1 {
                    i + 1
                } else {
                    i
                };
                out.push(TimeExpr {
                    start,
                    end,
                    date,
                    vague,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tokens::tokenize;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    /// The first time expression in `s` for an article published on 2015-05-26 (a Tuesday).
    fn first(s: &str) -> Option<(String, NaiveDate, bool)> {
        let mut t = tokenize(s, 500)?;
        crate::extract::cues::classify(&mut t);
        let x = find_times(&t, 0, t.len(), d(2015, 5, 26))
            .into_iter()
            .next()?;
        Some((t.joined(x.start, x.end), x.date, x.vague))
    }

    fn date(s: &str) -> Option<NaiveDate> {
        first(s).map(|x| x.1)
    }

    #[test]
    fn explicit_years_and_windows() {
        assert_eq!(date("sanctions go by 2016"), Some(d(2016, 12, 31)));
        assert_eq!(date("in 2027 the plant opens"), Some(d(2027, 12, 31)));
        assert_eq!(date("before 2016"), Some(d(2015, 12, 31)));
        assert_eq!(date("by the end of the decade"), Some(d(2019, 12, 31)));
        assert_eq!(date("by the end of the year"), Some(d(2015, 12, 31)));
        assert_eq!(date("by the end of next year"), Some(d(2016, 12, 31)));
        assert_eq!(date("next year"), Some(d(2016, 12, 31)));
        assert_eq!(date("later this year"), Some(d(2015, 12, 31)));
        assert_eq!(date("by year-end"), Some(d(2015, 12, 31)));
        assert_eq!(date("by mid-2016"), Some(d(2016, 6, 30)));
        assert_eq!(date("in the first half of 2017"), Some(d(2017, 6, 30)));
        assert_eq!(date("in the third quarter of 2016"), Some(d(2016, 9, 30)));
        assert_eq!(date("by the end of the century"), Some(d(2099, 12, 31)));
    }

    #[test]
    fn spans_from_publication() {
        // §6.2 rule 1: "within a year" = publication + 365 days (2016 is a leap year).
        assert_eq!(date("within a year"), Some(d(2016, 5, 25)));
        assert_eq!(date("in two years"), Some(d(2017, 5, 25)));
        assert_eq!(date("over the next six months"), Some(d(2015, 11, 26)));
        assert_eq!(date("three weeks from now"), Some(d(2015, 6, 16)));
        assert_eq!(date("within a decade"), Some(d(2025, 5, 23)));
    }

    #[test]
    fn months_days_and_weekdays() {
        assert_eq!(date("by March"), Some(d(2016, 3, 31)));
        assert_eq!(date("in June"), Some(d(2015, 6, 30)));
        assert_eq!(date("before March 2016"), Some(d(2016, 2, 29)));
        assert_eq!(date("on May 30"), Some(d(2015, 5, 30)));
        assert_eq!(date("on January 5, 2017"), Some(d(2017, 1, 5)));
        assert_eq!(date("the 30th of June"), Some(d(2015, 6, 30)));
        assert_eq!(date("on 12 Sept 2016"), Some(d(2016, 9, 12)));
        assert_eq!(date("on Nov. 26 in Vienna"), Some(d(2015, 11, 26)));
        assert_eq!(date("on Friday"), Some(d(2015, 5, 29)));
        assert_eq!(date("next month"), Some(d(2015, 6, 30)));
        assert_eq!(date("this summer"), Some(d(2015, 8, 31)));
        assert_eq!(date("next spring"), Some(d(2016, 5, 31)));
        assert_eq!(date("tomorrow"), Some(d(2015, 5, 27)));
        // The modal "may" and the verb "march" are not months.
        assert_eq!(first("it may rain"), None);
        assert_eq!(first("they will march on"), None);
    }

    #[test]
    fn vague_words_use_fixed_offsets() {
        assert_eq!(first("soon"), Some(("soon".into(), d(2015, 8, 26), true)));
        assert_eq!(date("in the coming weeks"), Some(d(2015, 8, 26)));
        assert_eq!(date("imminently"), Some(d(2015, 6, 26)));
        assert_eq!(date("in the coming months"), Some(d(2016, 5, 26)));
        assert_eq!(date("in the coming years"), Some(d(2018, 5, 26)));
        assert_eq!(date("eventually"), Some(d(2025, 5, 26)));
        assert_eq!(date("sooner or later"), Some(d(2025, 5, 26)));
        assert_eq!(first("soon after the vote"), None);
        assert_eq!(first("as soon as possible"), None);
    }

    #[test]
    fn past_and_open_ended_references() {
        assert_eq!(date("in 2014"), Some(d(2014, 12, 31)));
        assert_eq!(first("after 2030"), None);
        assert_eq!(first("since 2014"), None);
        assert_eq!(first("a $2016 fee"), None);
        assert_eq!(first("the worst flu season in a decade"), None);
        assert_eq!(date("before the end of the year"), Some(d(2015, 12, 31)));
        assert_eq!(
            date("before the second quarter of next year"),
            Some(d(2016, 3, 31))
        );
        assert_eq!(default_horizon(d(2015, 5, 26)), d(2016, 5, 26));
    }
}
