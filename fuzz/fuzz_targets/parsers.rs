//! What users type: probabilities, dates, times, deadlines and durations.
#![no_main]

use hindsight::domain::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a real date");
    if let Ok(p) = parse::probability("p", s) {
        assert!((0.0..=1.0).contains(&p));
    }
    if let Ok(d) = parse::date("d", s) {
        assert_eq!(parse::format_date(d), s.trim());
    }
    if let Ok(t) = parse::time("t", s) {
        assert_eq!(parse::time("t", &parse::format_time(t)), Ok(t));
    }
    let _ = parse::deadline("by", s, today);
    let _ = parse::span("within", s);
});
