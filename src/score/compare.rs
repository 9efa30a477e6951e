//! Head to head: two forecasters on the claims both of them forecast and that resolved
//! yes or no, with the mean Brier difference and a confidence interval for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::select::PairScore;
use super::Z95;

/// Forecaster A against forecaster B. Means are `None` when no claim is shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Claims both forecast and that are scored.
    pub n: usize,
    pub brier_a: Option<f64>,
    pub brier_b: Option<f64>,
    pub log_loss_a: Option<f64>,
    pub log_loss_b: Option<f64>,
    /// Mean of (Brier of A - Brier of B) per claim; negative means A did better.
    pub mean_diff: Option<f64>,
    /// 95% interval for `mean_diff`, `None` when fewer than two claims are shared.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Claims where A's Brier score was lower.
    pub a_better: usize,
    pub b_better: usize,
    pub ties: usize,
}

/// Compares forecasters `a` and `b` over `items`, pair scores produced under one rule.
///
/// Only scored pairs take part, matched by claim; claims only one of them forecast are
/// left out. There is one pair per (claim, forecaster); should an id repeat, the later
/// item wins.
///
/// The interval is `mean_diff ± z · s / √n` with `s` the sample standard deviation
/// (divisor n - 1) of the per-claim differences and z the 97.5% normal quantile. It is a
/// normal approximation to the sampling distribution of the mean: rough for a handful of
/// claims (a t quantile would be wider), and it treats claims as independent, which
/// related claims are not. Read it as a guide to noise, not a test.
pub fn compare<'a>(items: impl IntoIterator<Item = &'a PairScore>, a: &str, b: &str) -> Comparison {
    // Keyed by claim id so that the sums run in the same order whatever the input order.
    let mut by_claim: BTreeMap<&str, [Option<Scores>; 2]> = BTreeMap::new();
    for item in items {
        let (Some(brier), Some(log_loss)) = (item.brier, item.log_loss) else {
            continue;
        };
        // Both slots are filled when a and b are the same name, which compares a
        // forecaster with itself rather than failing.
        for (slot, name) in [a, b].into_iter().enumerate() {
            if &*item.forecaster == name {
                by_claim.entry(&*item.claim).or_default()[slot] = Some(Scores { brier, log_loss });
            }
        }
    }
    let shared: Vec<[Scores; 2]> = by_claim
        .into_values()
        .filter_map(|[x, y]| Some([x?, y?]))
        .collect();

    let n = shared.len();
    let mean =
        |f: fn(&[Scores; 2]) -> f64| (n > 0).then(|| shared.iter().map(f).sum::<f64>() / n as f64);
    let diff = |[x, y]: &[Scores; 2]| x.brier - y.brier;
    let mean_diff = mean(diff);
    let (ci_low, ci_high) = match mean_diff {
        Some(m) if n >= 2 => {
            let ss: f64 = shared.iter().map(|s| (diff(s) - m).powi(2)).sum();
            let half = Z95 * (ss / (n - 1) as f64).sqrt() / (n as f64).sqrt();
            (Some(m - half), Some(m + half))
        }
        _ => (None, None),
    };
    let a_better = shared.iter().filter(|s| diff(s) < 0.0).count();
    let b_better = shared.iter().filter(|s| diff(s) > 0.0).count();

    Comparison {
        n,
        brier_a: mean(|[x, _]| x.brier),
        brier_b: mean(|[_, y]| y.brier),
        log_loss_a: mean(|[x, _]| x.log_loss),
        log_loss_b: mean(|[_, y]| y.log_loss),
        mean_diff,
        ci_low,
        ci_high,
        a_better,
        b_better,
        ties: n - a_better - b_better,
    }
}

/// One forecaster's scores on one claim.
#[derive(Debug, Clone, Copy)]
struct Scores {
    brier: f64,
    log_loss: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{score_pair, Pair, Rule, Status};
    use chrono::{TimeZone, Utc};

    fn item(claim: &str, who: &str, status: Status, p: f64) -> PairScore {
        let made = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
        let pair = Pair {
            claim: claim.into(),
            forecaster: who.into(),
            status,
            cutoff: Utc.with_ymd_and_hms(2020, 6, 1, 0, 0, 0).unwrap(),
            opened: made,
            forecasts: vec![(made, p)].into(),
        };
        score_pair(&pair, Rule::Latest).unwrap()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    fn items() -> Vec<PairScore> {
        let (yes, no) = (Status::Scored(true), Status::Scored(false));
        vec![
            item("c1", "a", yes, 0.8), // 0.04
            item("c1", "b", yes, 0.6), // 0.16
            item("c2", "a", yes, 0.5), // 0.25
            item("c2", "b", yes, 0.5), // 0.25
            item("c3", "a", no, 0.3),  // 0.09
            item("c3", "b", no, 0.1),  // 0.01
            item("c4", "a", yes, 0.9), // only A: left out
            item("c5", "a", Status::Pending, 0.9),
            item("c5", "b", Status::Pending, 0.1),
            item("c1", "z", yes, 0.0), // a third forecaster: ignored
        ]
    }

    #[test]
    fn comparison_by_hand() {
        // Differences A - B: c1 -0.12, c2 0, c3 +0.08.
        // mean = -0.04 / 3 = -0.013333...
        // deviations: -0.10666..., 0.013333..., 0.093333...
        // s^2 = (0.011377778 + 0.000177778 + 0.008711111) / 2 = 0.010133333
        // s = 0.100664459, s / sqrt 3 = 0.058118653, half = 1.959963985 * that = 0.113910466
        // interval: -0.013333333 -+ 0.113910466 = (-0.127243799, 0.100577133)
        let c = compare(&items(), "a", "b");
        assert_eq!(c.n, 3);
        assert!(close(c.brier_a, 0.38 / 3.0));
        assert!(close(c.brier_b, 0.42 / 3.0));
        assert!(close(c.mean_diff, -0.04 / 3.0));
        assert!(
            (c.ci_low.unwrap() - (-0.127_243_799)).abs() < 1e-8,
            "{:?}",
            c.ci_low
        );
        assert!(
            (c.ci_high.unwrap() - 0.100_577_133).abs() < 1e-8,
            "{:?}",
            c.ci_high
        );
        // Log loss A = -(ln 0.8 + ln 0.5 + ln 0.7) / 3
        //   = (0.223143551314210 + 0.693147180559945 + 0.356674943938732) / 3 = 0.424321891937629
        // Log loss B = -(ln 0.6 + ln 0.5 + ln 0.9) / 3
        //   = (0.510825623765991 + 0.693147180559945 + 0.105360515657826) / 3 = 0.436444439994587
        assert!(close(c.log_loss_a, 0.424_321_891_937_629));
        assert!(close(c.log_loss_b, 0.436_444_439_994_587));
        assert_eq!((c.a_better, c.b_better, c.ties), (1, 1, 1));
    }

    #[test]
    fn swapping_sides_flips_the_difference() {
        let ab = compare(&items(), "a", "b");
        let ba = compare(&items(), "b", "a");
        assert!(close(ba.mean_diff, 0.04 / 3.0));
        assert_eq!((ba.a_better, ba.b_better), (ab.b_better, ab.a_better));
    }

    #[test]
    fn too_few_shared_claims() {
        let one = &items()[..2];
        let c = compare(one, "a", "b");
        assert_eq!(c.n, 1);
        assert!(close(c.mean_diff, -0.12));
        assert_eq!((c.ci_low, c.ci_high), (None, None));
        let none = compare(&items(), "a", "nobody");
        assert_eq!((none.n, none.brier_a, none.mean_diff), (0, None, None));
    }

    #[test]
    fn order_does_not_matter() {
        let mut reversed = items();
        reversed.reverse();
        assert_eq!(compare(&items(), "a", "b"), compare(&reversed, "a", "b"));
    }
}
