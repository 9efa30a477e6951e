//! Sums of floating-point values that do not depend on the order the values arrive in:
//! the exact sum, kept as a short list of non-overlapping partial sums, rounded once at
//! the end. A group's mean coverage, baseline, peer and relative Brier scores are
//! summed this way, so a report can fold its pairs one at a time, on any number of
//! threads, without keeping them to sort first.
//!
//! The partials are Shewchuk's ("Adaptive Precision Floating-Point Arithmetic and Fast
//! Robust Geometric Predicates", Discrete & Computational Geometry 18, 1997, section
//! 2.3, Grow-Expansion with zeros dropped); the final rounding handles the half-way case
//! across two partials the way CPython's `math.fsum` documents it, so the result is the
//! exact sum correctly rounded to nearest, ties to even (checked against Python by
//! `scripts/check_exact_sum.py`).

/// The exact sum of the values added so far.
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    /// Non-overlapping, increasing in magnitude; their exact sum is the sum of the finite
    /// values added.
    partials: Vec<f64>,
    /// The sum of the values that are not finite (an infinity or NaN) and of any partial
    /// sum that overflowed, summed as they come: those make the result.
    special: Option<f64>,
    /// How many values were added.
    count: u64,
}

impl ExactSum {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `x`.
    pub fn add(&mut self, x: f64) {
        self.count += 1;
        self.add_exact(x);
    }

    fn add_exact(&mut self, mut x: f64) {
        if !x.is_finite() {
            self.special = Some(self.special.map_or(x, |s| s + x));
            return;
        }
        let mut kept = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            if !hi.is_finite() {
                // Two finite values whose sum overflows: the result is that infinity.
                self.special = Some(self.special.map_or(hi, |s| s + hi));
                return;
            }
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        self.partials.push(x);
    }

    /// Adds everything `other` holds: afterwards `self` is the exact sum of both.
    pub fn merge(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add_exact(p);
        }
        if let Some(s) = other.special {
            self.special = Some(self.special.map_or(s, |m| m + s));
        }
        self.count += other.count;
    }

    /// How many values were added (merged sums count theirs).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exact sum rounded to the nearest f64 (ties to even); `None` when nothing was
    /// added. A sum of zeros is -0 only when every value was -0, as when adding them
    /// one by one.
    pub fn sum(&self) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        if let Some(s) = self.special {
            return Some(s);
        }
        let Some(&last) = self.partials.last() else {
            return Some(0.0);
        };
        let mut i = self.partials.len() - 1;
        let mut hi = last;
        let mut lo = 0.0;
        while i > 0 {
            let x = hi;
            i -= 1;
            let y = self.partials[i];
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        // `hi` is the sum rounded once; when it fell exactly half-way between two
        // doubles (lo is half an ulp) and the partials below point the same way as
        // `lo`, the exact sum lies past the half-way point: round away.
        if i > 0 {
            let below = self.partials[i - 1];
            if (lo < 0.0 && below < 0.0) || (lo > 0.0 && below > 0.0) {
                let y = lo * 2.0;
                let x = hi + y;
                if y == x - hi {
                    hi = x;
                }
            }
        }
        Some(hi)
    }

    /// The mean of the values added; `None` when nothing was.
    pub fn mean(&self) -> Option<f64> {
        self.sum().map(|s| s / self.count as f64)
    }
}

impl Extend<f64> for ExactSum {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, values: I) {
        for v in values {
            self.add(v);
        }
    }
}

impl FromIterator<f64> for ExactSum {
    fn from_iter<I: IntoIterator<Item = f64>>(values: I) -> Self {
        let mut s = ExactSum::new();
        s.extend(values);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum(values: &[f64]) -> Option<f64> {
        values.iter().copied().collect::<ExactSum>().sum()
    }

    #[test]
    fn sums_that_a_plain_loop_gets_wrong() {
        // Values as CPython's math.fsum gives them (its documentation and test suite).
        assert_eq!(sum(&[0.1; 10]), Some(1.0));
        assert_eq!(
            sum(&[1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]),
            Some(1e-100)
        );
        assert_eq!(sum(&[1e-16, 1.0, 1e16]), Some(1.000_000_000_000_000_2e16));
        assert_eq!(
            sum(&[1.0, 1e100, 1.0, -1e100]),
            Some(2.0),
            "the small values survive the large ones cancelling"
        );
        // Half-way cases: 2**53 + 1 is not a double; with a tiny value on either side
        // the exact sum is just above or below the half-way point.
        let big = 9_007_199_254_740_992.0; // 2**53
        assert_eq!(sum(&[big, 1.0, 1e-16]), Some(big + 2.0));
        assert_eq!(sum(&[big, 1.0, -1e-16]), Some(big));
        assert_eq!(sum(&[big, 1.0]), Some(big), "a tie goes to even");
    }

    #[test]
    fn empty_zeros_and_specials() {
        assert_eq!(sum(&[]), None);
        assert_eq!(sum(&[0.0]).map(f64::to_bits), Some(0.0f64.to_bits()));
        assert_eq!(
            sum(&[-0.0, -0.0]).map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(sum(&[-0.0, 0.0]).map(f64::to_bits), Some(0.0f64.to_bits()));
        assert_eq!(sum(&[1.5, -1.5]).map(f64::to_bits), Some(0.0f64.to_bits()));
        assert_eq!(sum(&[1.0, f64::INFINITY]), Some(f64::INFINITY));
        assert!(sum(&[f64::INFINITY, 2.0, f64::NEG_INFINITY]).is_some_and(f64::is_nan));
        assert!(sum(&[f64::NAN, 1.0]).is_some_and(f64::is_nan));
        assert_eq!(sum(&[f64::MAX, f64::MAX]), Some(f64::INFINITY));
        let s: ExactSum = [1.0, 2.0, 6.0].into_iter().collect();
        assert_eq!((s.count(), s.mean()), (3, Some(3.0)));
    }

    /// Finite values across many magnitudes, with signs, repeats and zeros.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-1000.0..1000.0f64),
            (-1.0..1.0f64),
            (-1e300..1e300f64),
            (-1e-300..1e-300f64),
            Just(0.0),
            Just(-0.0),
            Just(0.1),
            Just(-896.578_428_466_208_7),
        ]
    }

    proptest! {
        #[test]
        fn agrees_with_an_independent_implementation(values in prop::collection::vec(value(), 0..60)) {
            let ours = sum(&values);
            let theirs = fsum::FSum::with_all(values.iter()).value();
            match ours {
                None => prop_assert!(values.is_empty()),
                // The other gives +0 for every exact zero; ours keeps -0 for a sum of -0s.
                Some(s) if s == 0.0 && theirs == 0.0 => {}
                Some(s) => prop_assert_eq!(s.to_bits(), theirs.to_bits()),
            }
        }

        #[test]
        fn order_and_split_do_not_matter(
            values in prop::collection::vec(value(), 1..60),
            cut in 0usize..60,
            seed in any::<u64>(),
        ) {
            let whole = sum(&values);
            let mut shuffled = values.clone();
            // A cheap deterministic shuffle from the seed.
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(sum(&shuffled).map(f64::to_bits), whole.map(f64::to_bits));
            let cut = cut.min(shuffled.len());
            let mut left: ExactSum = shuffled[..cut].iter().copied().collect();
            left.merge(&shuffled[cut..].iter().copied().collect());
            prop_assert_eq!(left.count(), values.len() as u64);
            prop_assert_eq!(left.sum().map(f64::to_bits), whole.map(f64::to_bits));
        }
    }
}
