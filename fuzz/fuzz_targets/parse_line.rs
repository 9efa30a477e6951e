//! One line of the JSON Lines interchange format: never a panic, and an error names what
//! was wrong.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = hindsight::interchange::jsonl::parse_line(text) {
        let starts = [
            "json:",
            "type:",
            "source:",
            "claim:",
            "forecast:",
            "resolution:",
            "postponement:",
        ];
        assert!(starts.iter().any(|s| e.0.starts_with(s)), "{}", e.0);
    }
});
