//! Sums the numbers on each line of standard input with hindsight's exact summation
//! ([`hindsight::score::ExactSum`]) and prints each sum, for `scripts/check_exact_sum.py`
//! to hold against Python's `math.fsum`:
//! `cargo run --release --example exact_sum < lines.txt`.
//!
//! A line is numbers separated by spaces, written so that they read back exactly (Python's
//! `repr`); each output line is the sum's 64 bits in hexadecimal, or `none` for an empty line.

use std::io::{self, BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = io::stdout();
    let mut out = io::BufWriter::new(out.lock());
    for line in io::stdin().lock().lines() {
        let line = line?;
        let mut sum = hindsight::score::ExactSum::new();
        for word in line.split_whitespace() {
            let x: f64 = word
                .parse()
                .map_err(|e| format!("not a number: {word:?} ({e})"))?;
            sum.add(x);
        }
        match sum.sum() {
            Some(s) => writeln!(out, "{:016x}", s.to_bits())?,
            None => writeln!(out, "none")?,
        }
    }
    out.flush()?;
    Ok(())
}
