//! CORP calibration: the recalibration of a group's forecasts by isotonic regression and
//! the exact decomposition of a mean score into miscalibration, discrimination and
//! uncertainty.
//!
//! Reference: T. Dimitriadis, T. Gneiting & A. I. Jordan (2021), "Stable reliability
//! diagrams for probabilistic classifiers", PNAS 118(8), e2016191118. CORP stands for
//! *consistent, optimally binned, reproducible, PAV-based*: the bins are not chosen by
//! anyone but found by the pool-adjacent-violators algorithm (PAV), which fits the
//! non-decreasing function of the forecast that is closest to the outcomes.
//!
//! With `R` the recalibrated forecasts and `C` the base rate given to every case, the
//! mean score `S̄` of any proper scoring rule splits exactly as
//!
//! ```text
//! S̄(F) = MCB − DSC + UNC,   MCB = S̄(F) − S̄(R),   DSC = S̄(C) − S̄(R),   UNC = S̄(C)
//! ```
//!
//! Forecasts are scored as everywhere else in hindsight (log loss clamps them to
//! `[LOG_LOSS_FLOOR, 1 − LOG_LOSS_FLOOR]`); the recalibrated values and the base rate are
//! shares of outcomes and are scored unclamped, with `0 · ln 0` counted as 0. Since
//! clamping is itself a non-decreasing map of the forecast, PAV does at least as well
//! as the clamped forecasts, so MCB stays non-negative under the log loss too.

use serde::{Deserialize, Serialize};

use super::select::{brier_term, log_term};

/// One weighted observation: a forecast `p` in [0, 1], its outcome, and its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    pub p: f64,
    pub yes: bool,
    pub w: f64,
}

/// All observations that share one forecast value, pooled (ties are one PAV point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Point {
    pub p: f64,
    /// Total weight of the yes outcomes at `p`.
    pub yes: f64,
    /// Total weight at `p`.
    pub w: f64,
}

/// The usable observations pooled by forecast value, in increasing `p`.
pub(super) fn pool(obs: &[Obs]) -> Vec<Point> {
    pool_runs(&runs(obs.iter().map(|&o| (o, 1))))
}

/// Observations given as `(observation, how many times)` as runs: only those that take
/// part (a positive, finite weight and a forecast that is a number, with `-0.0` written
/// as `0.0` so that equal forecasts compare equal under every ordering), in a total
/// order on every field (so that the sums over them do not depend on the input order),
/// equal ones merged, so that each run differs from the next.
pub(super) fn runs(counted: impl Iterator<Item = (Obs, u64)>) -> Vec<(Obs, u64)> {
    let mut sorted: Vec<(Obs, u64)> = counted
        .filter(|(o, _)| o.w.is_finite() && o.w > 0.0 && !o.p.is_nan())
        .map(|(o, k)| (Obs { p: o.p + 0.0, ..o }, k))
        .collect();
    sorted.sort_by(|(a, _), (b, _)| obs_order(a, b));
    let mut out: Vec<(Obs, u64)> = Vec::with_capacity(sorted.len());
    for (o, k) in sorted {
        match out.last_mut() {
            Some((last, n)) if obs_order(last, &o).is_eq() => *n += k,
            _ => out.push((o, k)),
        }
    }
    out
}

fn obs_order(a: &Obs, b: &Obs) -> std::cmp::Ordering {
    a.p.total_cmp(&b.p)
        .then(a.yes.cmp(&b.yes))
        .then(a.w.total_cmp(&b.w))
}

/// [`runs`] pooled by forecast value, in increasing `p`. Each observation is added on
/// its own, in order, as it would be one by one.
pub(super) fn pool_runs(runs: &[(Obs, u64)]) -> Vec<Point> {
    let mut points: Vec<Point> = Vec::new();
    for &(o, k) in runs {
        let yes = if o.yes { o.w } else { 0.0 };
        for _ in 0..k {
            match points.last_mut() {
                Some(last) if last.p == o.p => {
                    last.yes += yes;
                    last.w += o.w;
                }
                _ => points.push(Point {
                    p: o.p,
                    yes,
                    w: o.w,
                }),
            }
        }
    }
    points
}

/// Weighted isotonic (non-decreasing) regression of `y` on the order of the points, by
/// the pool-adjacent-violators algorithm: `points` are `(y, w)` with `w > 0`, already in
/// increasing order of the forecast and with ties pooled. Returns the fitted value of
/// each point. Adjacent blocks are merged only while the earlier mean is strictly
/// greater, so input that is already non-decreasing comes back unchanged.
pub fn pav(points: &[(f64, f64)]) -> Vec<f64> {
    let mut blocks = Vec::with_capacity(points.len());
    pav_blocks(points.iter().map(|&(y, w)| (y * w, w)), &mut blocks);
    let mut fitted = Vec::with_capacity(points.len());
    for (s, w, n) in blocks {
        fitted.extend(std::iter::repeat_n(s / w, n));
    }
    fitted
}

/// The blocks PAV pools the points into, each `(sum of w·y, sum of w, number of points)`
/// in order, written to `blocks` (emptied first, so one buffer serves many fits). Points
/// come as `(w·y, w)` with `w > 0`.
pub(super) fn pav_blocks(
    points: impl Iterator<Item = (f64, f64)>,
    blocks: &mut Vec<(f64, f64, usize)>,
) {
    blocks.clear();
    // The newest block is kept in locals and pushed only when the next point cannot
    // join it; earlier blocks are only ever popped back into it.
    let mut current: Option<(f64, f64, usize)> = None;
    for (s, w) in points {
        let (mut s1, mut w1, mut n1) = (s, w, 1);
        if let Some(c) = current.take() {
            // c.0 / c.1 > s1 / w1 without dividing (weights are positive).
            if c.0 * w1 > s1 * c.1 {
                (s1, w1, n1) = (c.0 + s1, c.1 + w1, c.2 + n1);
                while let Some(&(s0, w0, n0)) = blocks.last() {
                    if s0 * w1 > s1 * w0 {
                        blocks.pop();
                        (s1, w1, n1) = (s0 + s1, w0 + w1, n0 + n1);
                    } else {
                        break;
                    }
                }
            } else {
                blocks.push(c);
            }
        }
        current = Some((s1, w1, n1));
    }
    blocks.extend(current);
}

/// The recalibrated value of each pooled point, in the points' order.
pub(super) fn recalibrate(points: &[Point]) -> Vec<f64> {
    let mut blocks = Vec::with_capacity(points.len());
    pav_blocks(points.iter().map(|pt| (pt.yes, pt.w)), &mut blocks);
    let mut fitted = Vec::with_capacity(points.len());
    for (s, w, n) in blocks {
        // A block's value is a share of outcomes; keep rounding from leaving [0, 1].
        fitted.extend(std::iter::repeat_n((s / w).clamp(0.0, 1.0), n));
    }
    fitted
}

/// Entropy of a share in nats, `−r ln r − (1 − r) ln(1 − r)`, with `0 · ln 0 = 0`: the
/// mean log score of always saying `r` on outcomes whose share of yes is `r`.
pub(super) fn entropy(r: f64) -> f64 {
    let part = |q: f64| if q > 0.0 { -q * q.ln() } else { 0.0 };
    part(r) + part(1.0 - r)
}

/// The three parts of one mean score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decomposition {
    /// Miscalibration: how much the score would improve if the forecasts were replaced
    /// by their recalibrated values (0 for calibrated forecasts).
    pub mcb: f64,
    /// Discrimination: how much better the recalibrated forecasts do than always saying
    /// the base rate.
    pub dsc: f64,
    /// Uncertainty: the score of always saying the base rate.
    pub unc: f64,
    /// Share of resamples, drawn as if the forecasts were calibrated, whose MCB is at
    /// least the observed one: a p-value for "miscalibrated". `None` without resamples.
    pub mcb_p_value: Option<f64>,
}

/// One point of the recalibration curve: a forecast value used in the group, what PAV
/// makes of it, and the weight of the forecasts at it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub p: f64,
    pub recalibrated: f64,
    /// Total weight (a count of scored pairs under `latest` and `first`).
    pub n: f64,
    /// The 5% and 95% pointwise quantiles of the recalibrated value over resamples
    /// drawn as if the forecasts were calibrated (the consistency band). `None` without
    /// resamples, or at points the band was not evaluated at (see [`BAND_POINTS`]).
    ///
    /// [`BAND_POINTS`]: super::BAND_POINTS
    pub band_low: Option<f64>,
    pub band_high: Option<f64>,
}

/// A group's CORP calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Corp {
    pub brier: Decomposition,
    pub log_loss: Decomposition,
    pub curve: Vec<CurvePoint>,
    /// Number of resamples behind the band and the p-values (0: none drawn).
    pub resamples: usize,
}

/// The (forecast, recalibrated, base-rate) mean scores of one rule over pooled points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Means {
    pub forecast: f64,
    pub recalibrated: f64,
    pub base_rate: f64,
}

impl Means {
    pub fn decomposition(self) -> Decomposition {
        Decomposition {
            mcb: self.forecast - self.recalibrated,
            dsc: self.base_rate - self.recalibrated,
            unc: self.base_rate,
            mcb_p_value: None,
        }
    }
}

/// Weighted log score of a share `r` against `yes` and `no` weights, with `0 · ln 0 = 0`.
fn log_unclamped(r: f64, yes: f64, no: f64) -> f64 {
    let part = |w: f64, q: f64| if w > 0.0 { -w * q.ln() } else { 0.0 };
    part(yes, r) + part(no, 1.0 - r)
}

/// Mean Brier and log scores of the forecasts, of `fitted` and of the base rate, over
/// `points`.
pub(super) fn means(points: &[Point], fitted: &[f64]) -> (Means, Means) {
    let (mut total, mut yes_total) = (0.0, 0.0);
    let (mut bf, mut br, mut lf, mut lr) = (0.0, 0.0, 0.0, 0.0);
    for (i, pt) in points.iter().enumerate() {
        let yes = pt.yes;
        let no = (pt.w - yes).max(0.0);
        let r = fitted[i];
        total += pt.w;
        yes_total += yes;
        bf += yes * brier_term(pt.p, true) + no * brier_term(pt.p, false);
        br += yes * brier_term(r, true) + no * brier_term(r, false);
        lf += yes * log_term(pt.p, true) + no * log_term(pt.p, false);
        lr += log_unclamped(r, yes, no);
    }
    let base = (yes_total / total).clamp(0.0, 1.0);
    let no_total = (total - yes_total).max(0.0);
    let brier = Means {
        forecast: bf / total,
        recalibrated: br / total,
        base_rate: (yes_total * brier_term(base, true) + no_total * brier_term(base, false))
            / total,
    };
    let log = Means {
        forecast: lf / total,
        recalibrated: lr / total,
        base_rate: log_unclamped(base, yes_total, no_total) / total,
    };
    (brier, log)
}

/// The CORP decomposition and curve of a set of observations, without resamples.
/// `None` when there is no observation with positive weight.
pub fn corp(obs: &[Obs]) -> Option<Corp> {
    corp_of_points(&pool(obs))
}

/// [`corp`] of already pooled points.
pub(super) fn corp_of_points(points: &[Point]) -> Option<Corp> {
    if points.is_empty() {
        return None;
    }
    let fitted = recalibrate(points);
    let (brier, log) = means(points, &fitted);
    Some(Corp {
        brier: brier.decomposition(),
        log_loss: log.decomposition(),
        curve: points
            .iter()
            .zip(&fitted)
            .map(|(pt, &r)| CurvePoint {
                p: pt.p,
                recalibrated: r,
                n: pt.w,
                band_low: None,
                band_high: None,
            })
            .collect(),
        resamples: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn obs(p: f64, yes: bool) -> Obs {
        Obs { p, yes, w: 1.0 }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn pav_leaves_monotone_input_unchanged() {
        let input = [(0.0, 1.0), (0.2, 2.0), (0.2, 1.0), (0.7, 0.5), (1.0, 3.0)];
        let fitted = pav(&input);
        let ys: Vec<f64> = input.iter().map(|x| x.0).collect();
        assert_eq!(fitted, ys);
    }

    #[test]
    fn pav_pools_a_single_violator() {
        // 0.8 then 0.2 violate; pooled with weights 1 and 3: (0.8 + 0.6) / 4 = 0.35.
        let fitted = pav(&[(0.1, 1.0), (0.8, 1.0), (0.2, 3.0), (0.9, 1.0)]);
        assert!(close(fitted[0], 0.1));
        assert!(close(fitted[1], 0.35) && close(fitted[2], 0.35));
        assert!(close(fitted[3], 0.9));
    }

    #[test]
    fn pav_merges_backwards_through_several_blocks() {
        // 1, 0.5 pool to 0.75; then 0 pulls all three down to 0.5.
        let fitted = pav(&[(1.0, 1.0), (0.5, 1.0), (0.0, 1.0)]);
        assert_eq!(fitted, vec![0.5, 0.5, 0.5]);
        // Fully decreasing with weights: one block at the weighted mean.
        let fitted = pav(&[(1.0, 3.0), (0.0, 1.0)]);
        assert_eq!(fitted, vec![0.75, 0.75]);
    }

    #[test]
    fn ties_are_pooled_before_pav() {
        // Two forecasts of 0.6 (one yes, one no) are one point with share 0.5. The 0.3
        // point before it has share 1, a violation, so PAV pools the two points.
        let points = pool(&[obs(0.6, true), obs(0.3, true), obs(0.6, false)]);
        assert_eq!(points.len(), 2);
        assert_eq!((points[1].p, points[1].yes, points[1].w), (0.6, 1.0, 2.0));
        let fitted = recalibrate(&points);
        // (1 + 1) / 3 for both.
        assert!(close(fitted[0], 2.0 / 3.0) && close(fitted[1], 2.0 / 3.0));
    }

    #[test]
    fn decomposition_by_hand() {
        // 0.8 yes, 0.3 no, 0.6 no, 0.9 yes: sorted 0.3 n, 0.6 n, 0.8 y, 0.9 y is
        // already monotone in the outcomes, so R = (0, 0, 1, 1) and S̄(R) = 0 for both
        // rules; the base rate is 0.5.
        let c = corp(&[
            obs(0.8, true),
            obs(0.3, false),
            obs(0.6, false),
            obs(0.9, true),
        ])
        .expect("observations");
        // Brier: S̄(F) = 0.125 (see metrics), S̄(C) = 0.25.
        assert!(close(c.brier.mcb, 0.125));
        assert!(close(c.brier.dsc, 0.25));
        assert!(close(c.brier.unc, 0.25));
        // Log: S̄(F) = 0.400367435696231, S̄(C) = ln 2.
        assert!(close(c.log_loss.mcb, 0.400_367_435_696_231));
        assert!(close(c.log_loss.dsc, std::f64::consts::LN_2));
        assert!(close(c.log_loss.unc, std::f64::consts::LN_2));
        let r: Vec<f64> = c.curve.iter().map(|pt| pt.recalibrated).collect();
        assert_eq!(r, vec![0.0, 0.0, 1.0, 1.0]);
        assert_eq!(c.resamples, 0);
    }

    #[test]
    fn decomposition_with_a_violator_by_hand() {
        // 0.2 yes, 0.4 no, 0.7 yes, 0.7 no: the 0.2 and 0.4 points (shares 1, 0) pool
        // to 0.5; the 0.7 tie is one point with share 0.5, so R = 0.5 everywhere and
        // equals the base rate: DSC = 0, MCB = S̄(F) − S̄(C).
        let c = corp(&[
            obs(0.2, true),
            obs(0.4, false),
            obs(0.7, true),
            obs(0.7, false),
        ])
        .expect("observations");
        // S̄(F) Brier = (0.64 + 0.16 + 0.09 + 0.49) / 4 = 0.345; S̄(C) = 0.25.
        assert!(close(c.brier.mcb, 0.095));
        assert!(close(c.brier.dsc, 0.0));
        assert!(close(c.brier.unc, 0.25));
        assert_eq!(c.curve.len(), 3);
        assert!(c.curve.iter().all(|pt| close(pt.recalibrated, 0.5)));
        assert_eq!(c.curve[2].n, 2.0);
    }

    #[test]
    fn one_outcome_only_has_no_uncertainty() {
        let c = corp(&[obs(0.2, false), obs(0.9, false)]).expect("observations");
        assert!(close(c.log_loss.unc, 0.0));
        assert!(close(c.log_loss.dsc, 0.0));
        assert!(close(c.brier.unc, 0.0));
        assert!(corp(&[]).is_none());
        assert!(corp(&[Obs {
            p: 0.5,
            yes: true,
            w: 0.0
        }])
        .is_none());
    }

    fn arb_obs() -> impl Strategy<Value = Obs> {
        // Few distinct values make ties common; weights as time-avg produces them.
        let p = prop_oneof![0.0..=1.0f64, (0u32..=10).prop_map(|k| f64::from(k) / 10.0),];
        let w = prop_oneof![Just(1.0), 0.01..3.0f64];
        (p, any::<bool>(), w).prop_map(|(p, yes, w)| Obs { p, yes, w })
    }

    /// Isotonic regression by its max-min formula: the fit at i is the largest, over
    /// blocks starting at or before i, of the smallest weighted mean of a block from
    /// there to at or after i (Barlow, Bartholomew, Bremner & Brunk, "Statistical
    /// Inference under Order Restrictions", 1972). Quadratic, but independent of PAV.
    fn max_min(points: &[(f64, f64)]) -> Vec<f64> {
        let mean = |j: usize, k: usize| {
            let (s, w) = points[j..=k]
                .iter()
                .fold((0.0, 0.0), |(s, w), &(y, v)| (s + y * v, w + v));
            s / w
        };
        (0..points.len())
            .map(|i| {
                (0..=i)
                    .map(|j| {
                        (i..points.len())
                            .map(|k| mean(j, k))
                            .fold(f64::INFINITY, f64::min)
                    })
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn pav_matches_the_max_min_formula(
            points in prop::collection::vec((0.0..=1.0f64, 0.01..3.0f64), 1..25)) {
            let fast = pav(&points);
            let slow = max_min(&points);
            for (a, b) in fast.iter().zip(&slow) {
                prop_assert!((a - b).abs() < 1e-12, "pav {:?} max-min {:?}", fast, slow);
            }
        }

        #[test]
        fn identity_holds_for_both_rules(obs in prop::collection::vec(arb_obs(), 1..80)) {
            let c = corp(&obs).expect("observations");
            let total: f64 = obs.iter().map(|o| o.w).sum();
            let brier: f64 = obs.iter().map(|o| o.w * brier_term(o.p, o.yes)).sum::<f64>() / total;
            let log: f64 = obs.iter().map(|o| o.w * log_term(o.p, o.yes)).sum::<f64>() / total;
            let b = c.brier.mcb - c.brier.dsc + c.brier.unc;
            let l = c.log_loss.mcb - c.log_loss.dsc + c.log_loss.unc;
            prop_assert!((b - brier).abs() < 1e-12, "brier {} rebuilt {}", brier, b);
            prop_assert!((l - log).abs() < 1e-12, "log {} rebuilt {}", log, l);
            // PAV is the best non-decreasing recalibration, so neither part is negative.
            for d in [c.brier, c.log_loss] {
                prop_assert!(d.mcb >= -1e-12 && d.dsc >= -1e-12 && d.unc >= 0.0);
            }
        }

        #[test]
        fn curve_is_non_decreasing_and_keeps_the_weight(obs in prop::collection::vec(arb_obs(), 1..80)) {
            let c = corp(&obs).expect("observations");
            for pair in c.curve.windows(2) {
                prop_assert!(pair[0].p < pair[1].p);
                prop_assert!(pair[0].recalibrated <= pair[1].recalibrated);
            }
            let total: f64 = obs.iter().map(|o| o.w).sum();
            let curve_total: f64 = c.curve.iter().map(|pt| pt.n).sum();
            prop_assert!((total - curve_total).abs() < 1e-9);
            // Recalibration keeps the mean: sum of w * r equals the yes weight.
            let yes: f64 = obs.iter().filter(|o| o.yes).map(|o| o.w).sum();
            let fitted: f64 = c.curve.iter().map(|pt| pt.n * pt.recalibrated).sum();
            prop_assert!((yes - fitted).abs() < 1e-9);
        }

        #[test]
        fn input_order_does_not_matter(
            (obs, shuffled) in prop::collection::vec(arb_obs(), 1..60)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))) {
            prop_assert_eq!(corp(&obs), corp(&shuffled));
        }
    }
}
