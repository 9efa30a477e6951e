//! Uncertainty by resampling, seeded so that a report is reproducible: the consistency
//! band around a CORP curve with a p-value for miscalibration, and bootstrap intervals
//! for a group's mean Brier score and log loss.
//!
//! Every group draws from its own ChaCha8 stream, seeded from the report's seed, the
//! purpose (band or bootstrap) and the group's key through SHA-256. A group's numbers
//! therefore depend neither on which other groups a report holds nor on the order in
//! which they are computed, and are the same on every platform.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::corp::{self, entropy, pav_blocks, Corp, Obs};
use super::platform::PlatformScore;
use super::select::PairScore;
use super::select::{brier_term, log_term};
use super::status::Status;

/// Resamples drawn when the caller has no preference. 200 keeps a report with bands and
/// intervals within about twice the time of one without at a million forecasts (see
/// BENCHMARKS.md); the band's 5% and 95% points are then the 10th and 190th of 200
/// curves and each interval end lies between the 5th and 6th of 200 means. More give
/// steadier ends (`--resamples 1000` or more for a publication).
pub const DEFAULT_RESAMPLES: usize = 200;

/// Seed used when the caller gives none, so that the same ledger gives the same report.
pub const DEFAULT_SEED: u64 = 2021;

/// Upper limit on resamples, so that a typo cannot run for hours.
pub const MAX_RESAMPLES: usize = 100_000;

/// The consistency band is evaluated at no more than this many curve points (spread
/// evenly over the points in order), so that its memory stays bounded when forecasts
/// take many distinct values; other points carry no band.
pub const BAND_POINTS: usize = 2000;

/// How much resampling to do. `resamples == 0` switches it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resampling {
    pub resamples: usize,
    pub seed: u64,
}

impl Default for Resampling {
    fn default() -> Self {
        Resampling {
            resamples: DEFAULT_RESAMPLES,
            seed: DEFAULT_SEED,
        }
    }
}

/// The random stream of one group for one purpose.
fn stream(seed: u64, purpose: &str, key: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(purpose.as_bytes());
    h.update([0u8]);
    h.update(key.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics
/// (the default of R and NumPy, "type 7" in Hyndman & Fan, 1996).
#[cfg(test)]
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `low` and `high` quantiles of `values` (reordered in place, non-empty, no NaN),
/// as [`quantile`] of the sorted values gives them, found by selection rather than a
/// full sort.
fn quantiles(values: &mut [f64], low: f64, high: f64) -> (f64, f64) {
    let mut at = |q: f64| {
        let h = (values.len() - 1) as f64 * q;
        let lo = h.floor() as usize;
        let (_, &mut below, rest) = values.select_nth_unstable_by(lo, f64::total_cmp);
        // The next order statistic is the smallest of what lies above.
        let above = rest.iter().copied().min_by(f64::total_cmp).unwrap_or(below);
        below + (h - lo as f64) * (above - below)
    };
    (at(low), at(high))
}

/// The weighted observations of a group's scored pairs.
pub fn observations<'a>(items: impl IntoIterator<Item = &'a PairScore>) -> Vec<Obs> {
    let mut obs = Vec::new();
    for item in items {
        if let Status::Scored(yes) = item.status {
            obs.extend(item.samples().iter().map(|&(p, w)| Obs { p, yes, w }));
        }
    }
    obs
}

/// Observations with the same forecast and weight: their number of yes outcomes under
/// calibration is one binomial draw (for the small counts of a ledger, rand_distr draws
/// it by inversion from a single uniform number, cheaper than one draw per observation).
struct Draw {
    point: usize,
    w: f64,
    dist: Binomial,
}

/// The CORP decomposition and curve of a group, with its consistency band and
/// p-values when `r.resamples > 0`. `key` names the group's random stream.
///
/// Each resample draws every outcome as yes with its forecast's probability (as if the
/// forecasts were calibrated), refits PAV, and records the refitted curve and MCB.
pub fn corp_with_band(obs: &[Obs], r: &Resampling, key: &str) -> Option<Corp> {
    corp_with_band_runs(&corp::runs(obs.iter().map(|&o| (o, 1))), r, key)
}

/// [`corp_with_band`] of observations already counted into [`corp::runs`].
pub(super) fn corp_with_band_runs(runs: &[(Obs, u64)], r: &Resampling, key: &str) -> Option<Corp> {
    let points = corp::pool_runs(runs);
    let mut c = corp::corp_of_points(&points)?;
    if r.resamples == 0 {
        return Some(c);
    }
    // Group the observations by (p, w), in a canonical order.
    let mut kept: Vec<(f64, f64, u64)> = runs.iter().map(|&(o, k)| (o.p, o.w, k)).collect();
    kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut draws: Vec<Draw> = Vec::new();
    let mut run = 0u64;
    for (i, &(p, w, k)) in kept.iter().enumerate() {
        run += k;
        if kept
            .get(i + 1)
            .is_some_and(|next| (next.0, next.1) == (p, w))
        {
            continue;
        }
        let point = points.partition_point(|pt| pt.p.total_cmp(&p).is_lt());
        // p is a probability (scores clamp it), so this cannot fail; skip it if it did.
        if let Ok(dist) = Binomial::new(run, p.clamp(0.0, 1.0)) {
            draws.push(Draw { point, w, dist });
        }
        run = 0;
    }

    let m = points.len();
    let step = m.div_ceil(BAND_POINTS).max(1);
    let evaluated: Vec<usize> = (0..m).filter(|i| i % step == 0 || *i == m - 1).collect();
    let (mut worse_brier, mut worse_log) = (0usize, 0usize);
    // Resampled MCBs are summed in another order than the observed one: equal ones may
    // differ in the last bits, and count as "at least as large".
    let tolerance = 1e-12;
    let total: f64 = points.iter().map(|pt| pt.w).sum();
    // The forecasts' mean scores on drawn outcomes: what they would score if every
    // outcome were no, plus, for each yes drawn, the difference between the score on a
    // yes and on a no of that forecast (Brier, log) — fixed, so computed once.
    let all_no = points.iter().fold((0.0, 0.0), |(b, l), pt| {
        (
            b + pt.w * brier_term(pt.p, false),
            l + pt.w * log_term(pt.p, false),
        )
    });
    let per_yes: Vec<(f64, f64)> = draws
        .iter()
        .map(|d| {
            let p = points[d.point].p;
            (
                d.w * (brier_term(p, true) - brier_term(p, false)),
                d.w * (log_term(p, true) - log_term(p, false)),
            )
        })
        .collect();
    let mut rng = stream(r.seed, "band", key);
    let mut yes = vec![0.0; m];
    let mut blocks = Vec::with_capacity(m);
    let mut fitted = vec![0.0; m];
    // The refitted curves at the evaluated points, one resample after the other.
    let mut curves: Vec<f64> = Vec::with_capacity(r.resamples * evaluated.len());
    for _ in 0..r.resamples {
        yes.fill(0.0);
        let (mut forecast_brier, mut forecast_log) = all_no;
        for (d, &(db, dl)) in draws.iter().zip(&per_yes) {
            let k = d.dist.sample(&mut rng) as f64;
            yes[d.point] += k * d.w;
            forecast_brier += k * db;
            forecast_log += k * dl;
        }
        // Within a PAV block every forecast becomes the block's share r of yes, so the
        // block scores W·r(1 − r) under Brier and W times the entropy of r under log.
        pav_blocks(
            points.iter().zip(&yes).map(|(pt, &y)| (y, pt.w)),
            &mut blocks,
        );
        let (mut recal_brier, mut recal_log) = (0.0, 0.0);
        let mut at = 0;
        for &(s, w, n) in &blocks {
            let share = (s / w).clamp(0.0, 1.0);
            recal_brier += w * share * (1.0 - share);
            recal_log += w * entropy(share);
            fitted[at..at + n].fill(share);
            at += n;
        }
        if (forecast_brier - recal_brier) / total >= c.brier.mcb - tolerance {
            worse_brier += 1;
        }
        if (forecast_log - recal_log) / total >= c.log_loss.mcb - tolerance {
            worse_log += 1;
        }
        if evaluated.len() == m {
            curves.extend_from_slice(&fitted);
        } else {
            curves.extend(evaluated.iter().map(|&i| fitted[i]));
        }
    }
    let mut column = Vec::with_capacity(r.resamples);
    for (k, &i) in evaluated.iter().enumerate() {
        column.clear();
        column.extend(curves.iter().skip(k).step_by(evaluated.len()));
        let (low, high) = quantiles(&mut column, 0.05, 0.95);
        c.curve[i].band_low = Some(low);
        c.curve[i].band_high = Some(high);
    }
    let n = r.resamples as f64;
    c.brier.mcb_p_value = Some(worse_brier as f64 / n);
    c.log_loss.mcb_p_value = Some(worse_log as f64 / n);
    c.resamples = r.resamples;
    Some(c)
}

/// 95% bootstrap intervals for a group's mean Brier score and log loss.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Intervals {
    pub brier_ci_low: Option<f64>,
    pub brier_ci_high: Option<f64>,
    pub log_loss_ci_low: Option<f64>,
    pub log_loss_ci_high: Option<f64>,
}

/// Per claim: (number of scored pairs, sum of their Brier scores, sum of their log
/// losses), in claim-key order.
fn per_claim<'a>(items: impl IntoIterator<Item = &'a PairScore>) -> Vec<(f64, f64, f64)> {
    let mut claims: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    for item in items {
        if let (Some(b), Some(l)) = (item.brier, item.log_loss) {
            let c = claims.entry(&*item.claim).or_default();
            c.0 += 1.0;
            c.1 += b;
            c.2 += l;
        }
    }
    claims.into_values().collect()
}

/// Percentile bootstrap over claims: each resample draws the group's claims with
/// replacement, every drawn claim bringing all of its pairs in the group, and takes the
/// mean Brier score and log loss over the drawn pairs; the interval runs from the 2.5%
/// to the 97.5% quantile of those means. A group with fewer than 2 scored claims, or
/// `r.resamples == 0`, gets no interval.
///
/// Reference: B. Efron & R. J. Tibshirani (1993), "An Introduction to the Bootstrap",
/// chapter 13 (percentile intervals).
pub fn bootstrap<'a>(
    items: impl IntoIterator<Item = &'a PairScore>,
    r: &Resampling,
    key: &str,
) -> Intervals {
    if r.resamples == 0 {
        return Intervals::default();
    }
    bootstrap_claims(&per_claim(items), r, key)
}

/// [`bootstrap`] from the group's per-claim (pairs, Brier sum, log loss sum), in
/// claim-key order.
pub(super) fn bootstrap_claims(claims: &[(f64, f64, f64)], r: &Resampling, key: &str) -> Intervals {
    let n = claims.len();
    if n < 2 || r.resamples == 0 {
        return Intervals::default();
    }
    // Claims are drawn by 32-bit index (half the random bits of a 64-bit one); no group
    // comes near 2^32 claims, but one that did would be refused an interval rather than
    // be drawn from in part.
    let Ok(n32) = u32::try_from(n) else {
        return Intervals::default();
    };
    let mut rng = stream(r.seed, "bootstrap", key);
    let mut brier = Vec::with_capacity(r.resamples);
    let mut log = Vec::with_capacity(r.resamples);
    for _ in 0..r.resamples {
        // Two sets of sums, alternating, so that the additions do not wait on each other.
        let mut sums = [(0.0, 0.0, 0.0); 2];
        for i in 0..n {
            let c = claims[rng.random_range(0..n32) as usize];
            let s = &mut sums[i & 1];
            s.0 += c.0;
            s.1 += c.1;
            s.2 += c.2;
        }
        let [a, b] = sums;
        let w = a.0 + b.0;
        brier.push((a.1 + b.1) / w);
        log.push((a.2 + b.2) / w);
    }
    let (brier_low, brier_high) = quantiles(&mut brier, 0.025, 0.975);
    let (log_low, log_high) = quantiles(&mut log, 0.025, 0.975);
    Intervals {
        brier_ci_low: Some(brier_low),
        brier_ci_high: Some(brier_high),
        log_loss_ci_low: Some(log_low),
        log_loss_ci_high: Some(log_high),
    }
}

/// 95% bootstrap intervals of a group's mean baseline and peer scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PlatformIntervals {
    pub baseline_ci_low: Option<f64>,
    pub baseline_ci_high: Option<f64>,
    pub peer_ci_low: Option<f64>,
    pub peer_ci_high: Option<f64>,
}

/// The same percentile bootstrap over claims as [`bootstrap`], for the mean baseline and
/// peer scores of a group's pairs (each mean over the pairs that have that score). `items`
/// pairs each pair's score with its platform scores. A score that fewer than 2 claims
/// carry gets no interval, nor does any with `r.resamples == 0`; a resample that happens
/// to draw no pair with a peer score is left out of the peer's quantiles.
pub fn bootstrap_platform<'a>(
    items: impl IntoIterator<Item = (&'a PairScore, &'a PlatformScore)>,
    r: &Resampling,
    key: &str,
) -> PlatformIntervals {
    if r.resamples == 0 {
        return PlatformIntervals::default();
    }
    // Per claim: (pairs with a baseline, their sum, pairs with a peer score, their sum).
    let mut claims: BTreeMap<&str, [f64; 4]> = BTreeMap::new();
    for (pair, platform) in items {
        if platform.baseline.is_none() && platform.peer.is_none() {
            continue;
        }
        add_platform(claims.entry(&*pair.claim).or_default(), platform);
    }
    let claims: Vec<[f64; 4]> = claims.into_values().collect();
    bootstrap_platform_claims(&claims, r, key)
}

/// Adds a pair's baseline and peer scores to its claim's (pairs with a baseline, their
/// sum, pairs with a peer score, their sum).
pub(super) fn add_platform(c: &mut [f64; 4], platform: &PlatformScore) {
    if let Some(b) = platform.baseline {
        c[0] += 1.0;
        c[1] += b;
    }
    if let Some(p) = platform.peer {
        c[2] += 1.0;
        c[3] += p;
    }
}

/// [`bootstrap_platform`] from the group's per-claim sums (see [`add_platform`]) of the
/// claims with a baseline or peer score, in claim-key order.
pub(super) fn bootstrap_platform_claims(
    claims: &[[f64; 4]],
    r: &Resampling,
    key: &str,
) -> PlatformIntervals {
    let with = |k: usize| claims.iter().filter(|c| c[k] > 0.0).count();
    let (n, n_baseline, n_peer) = (claims.len(), with(0), with(2));
    let Ok(n32) = u32::try_from(n) else {
        return PlatformIntervals::default();
    };
    if r.resamples == 0 || n_baseline.max(n_peer) < 2 {
        return PlatformIntervals::default();
    }
    let mut rng = stream(r.seed, "bootstrap-platform", key);
    let (mut baseline, mut peer) = (Vec::new(), Vec::new());
    for _ in 0..r.resamples {
        let mut sums = [0.0; 4];
        for _ in 0..n {
            let c = claims[rng.random_range(0..n32) as usize];
            for (s, v) in sums.iter_mut().zip(c) {
                *s += v;
            }
        }
        if sums[0] > 0.0 {
            baseline.push(sums[1] / sums[0]);
        }
        if sums[2] > 0.0 {
            peer.push(sums[3] / sums[2]);
        }
    }
    let interval = |values: &mut Vec<f64>, claims: usize| {
        (claims >= 2 && !values.is_empty()).then(|| quantiles(values, 0.025, 0.975))
    };
    let b = interval(&mut baseline, n_baseline);
    let p = interval(&mut peer, n_peer);
    PlatformIntervals {
        baseline_ci_low: b.map(|x| x.0),
        baseline_ci_high: b.map(|x| x.1),
        peer_ci_low: p.map(|x| x.0),
        peer_ci_high: p.map(|x| x.1),
    }
}

/// A group's mean Brier score and its 95% interval `(low, high)`, either possibly absent.
pub type ScoredInterval = (Option<f64>, Option<(f64, f64)>);

/// For each group's `(brier, interval)`: whether its interval overlaps that of the
/// group with the lowest Brier score among those with an interval (the best overlaps
/// itself). `None` for groups without an interval, and for all when none has one.
pub fn overlaps_best(groups: &[ScoredInterval]) -> Vec<Option<bool>> {
    let best = groups
        .iter()
        .filter_map(|(b, ci)| Some((b.filter(|b| !b.is_nan())?, (*ci)?)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, ci)| ci);
    groups
        .iter()
        .map(|(_, ci)| {
            let (lo, hi) = (*ci)?;
            let (best_lo, best_hi) = best?;
            Some(lo <= best_hi && hi >= best_lo)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_intervals_are_seeded_and_need_two_claims() {
        let pairs: Vec<(PairScore, PlatformScore)> = (0..40)
            .map(|c| {
                let pair = item(c, "ana", 0.7, c % 3 != 0);
                let platform = PlatformScore {
                    baseline: Some(if c % 3 != 0 { 48.5 } else { -73.7 }),
                    peer: (c % 2 == 0).then_some(c as f64 - 20.0),
                    relative_brier: None,
                };
                (pair, platform)
            })
            .collect();
        let r = Resampling {
            resamples: 400,
            seed: 7,
        };
        let run = |r: &Resampling| bootstrap_platform(pairs.iter().map(|(a, b)| (a, b)), r, "ana");
        let got = run(&r);
        assert_eq!(got, run(&r), "the same seed gives the same intervals");
        let (lo, hi) = (got.baseline_ci_low.unwrap(), got.baseline_ci_high.unwrap());
        let mean = pairs.iter().map(|p| p.1.baseline.unwrap()).sum::<f64>() / 40.0;
        assert!(lo < mean && mean < hi, "{lo} < {mean} < {hi}");
        assert!(got.peer_ci_low.unwrap() < got.peer_ci_high.unwrap());
        assert_eq!(
            run(&Resampling {
                resamples: 0,
                seed: 7
            }),
            PlatformIntervals::default()
        );
        let one = bootstrap_platform(pairs[..1].iter().map(|(a, b)| (a, b)), &r, "ana");
        assert_eq!(one, PlatformIntervals::default());
    }
    use crate::score::{score_pair, Pair, Rule};
    use chrono::{TimeZone, Utc};

    fn item(claim: usize, forecaster: &str, p: f64, yes: bool) -> PairScore {
        let at = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
        score_pair(
            &Pair {
                claim: format!("c{claim}").into(),
                forecaster: forecaster.into(),
                status: Status::Scored(yes),
                cutoff: at,
                opened: at,
                forecasts: vec![(at, p)].into(),
            },
            Rule::Latest,
        )
        .expect("a forecast by the cutoff")
    }

    /// A small deterministic stream for generating test data (not the one under test).
    fn data_rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    #[test]
    fn quantile_interpolates() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert!((quantile(&v, 0.1) - 1.4).abs() < 1e-12);
        assert_eq!(quantile(&[7.0], 0.975), 7.0);
        assert_eq!(quantiles(&mut [7.0], 0.025, 0.975), (7.0, 7.0));
    }

    proptest::proptest! {
        #[test]
        fn selection_gives_the_sorted_quantiles(
            mut values in proptest::collection::vec(-1e3..1e3f64, 1..300),
            low in 0.0..0.5f64, high in 0.5..=1.0f64) {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let (a, b) = quantiles(&mut values, low, high);
            proptest::prop_assert_eq!(a, quantile(&sorted, low));
            proptest::prop_assert_eq!(b, quantile(&sorted, high));
        }
    }

    #[test]
    fn streams_differ_by_seed_purpose_and_key_only() {
        let draw = |mut r: ChaCha8Rng| r.random::<u64>();
        assert_eq!(draw(stream(1, "band", "a")), draw(stream(1, "band", "a")));
        assert_ne!(draw(stream(1, "band", "a")), draw(stream(2, "band", "a")));
        assert_ne!(
            draw(stream(1, "band", "a")),
            draw(stream(1, "bootstrap", "a"))
        );
        assert_ne!(draw(stream(1, "band", "a")), draw(stream(1, "band", "b")));
        // The separator keeps ("ab", "") apart from ("a", "b").
        assert_ne!(draw(stream(1, "ab", "")), draw(stream(1, "a", "b")));
    }

    #[test]
    fn bootstrap_is_reproducible_and_needs_two_claims() {
        let mut rng = data_rng(7);
        let items: Vec<PairScore> = (0..50)
            .map(|i| {
                let p: f64 = rng.random();
                item(i, "f", p, rng.random::<f64>() < p)
            })
            .collect();
        let r = Resampling {
            resamples: 200,
            seed: 5,
        };
        let a = bootstrap(&items, &r, "f");
        assert_eq!(a, bootstrap(items.iter().rev(), &r, "f"));
        assert_ne!(a, bootstrap(&items, &Resampling { seed: 6, ..r }, "f"));
        let (lo, hi) = (a.brier_ci_low.unwrap(), a.brier_ci_high.unwrap());
        let mean = items.iter().map(|i| i.brier.unwrap()).sum::<f64>() / 50.0;
        assert!(lo < mean && mean < hi, "{lo} {mean} {hi}");
        assert!(a.log_loss_ci_low.unwrap() < a.log_loss_ci_high.unwrap());
        assert_eq!(bootstrap(&items[..1], &r, "f"), Intervals::default());
        // Two pairs on one claim are still one claim.
        let same = [item(1, "a", 0.2, true), item(1, "b", 0.7, true)];
        assert_eq!(bootstrap(&same, &r, "f"), Intervals::default());
        assert_eq!(
            bootstrap(&items, &Resampling { resamples: 0, ..r }, "f"),
            Intervals::default()
        );
    }

    /// Coverage of the 95% interval in repeated samples from a known population:
    /// forecasts uniform on [0, 1], outcomes drawn with those probabilities, so the
    /// expected Brier score is E[p(1 − p)] = 1/6. Fixed seeds make the count exact.
    #[test]
    fn bootstrap_interval_covers_the_truth_at_about_the_nominal_rate() {
        let truth = 1.0 / 6.0;
        let mut rng = data_rng(2021);
        let trials = 400;
        let r = Resampling {
            resamples: 400,
            seed: 11,
        };
        let mut covered = 0;
        for t in 0..trials {
            let items: Vec<PairScore> = (0..80)
                .map(|i| {
                    let p: f64 = rng.random();
                    item(i, "f", p, rng.random::<f64>() < p)
                })
                .collect();
            let ci = bootstrap(&items, &r, &format!("trial {t}"));
            if ci.brier_ci_low.unwrap() <= truth && truth <= ci.brier_ci_high.unwrap() {
                covered += 1;
            }
        }
        let rate = f64::from(covered) / f64::from(trials);
        // Binomial(400, 0.95) has sd 0.011; percentile intervals at n = 80 run a little
        // narrow, so accept 0.91 to 0.98.
        assert!((0.91..=0.98).contains(&rate), "coverage {rate}");
    }

    #[test]
    fn calibrated_forecasts_are_not_called_miscalibrated() {
        let mut rng = data_rng(3);
        let obs: Vec<Obs> = (0..400)
            .map(|_| {
                let p = f64::from(rng.random_range(1u32..20)) / 20.0;
                Obs {
                    p,
                    yes: rng.random::<f64>() < p,
                    w: 1.0,
                }
            })
            .collect();
        let r = Resampling {
            resamples: 300,
            seed: 1,
        };
        let c = corp_with_band(&obs, &r, "g").expect("observations");
        assert_eq!(c.resamples, 300);
        assert!(c.brier.mcb_p_value.unwrap() > 0.05, "{:?}", c.brier);
        // Bands exist at every point (fewer than BAND_POINTS), bracket-shaped.
        for pt in &c.curve {
            let (lo, hi) = (pt.band_low.unwrap(), pt.band_high.unwrap());
            assert!(lo <= hi && (0.0..=1.0).contains(&lo) && hi <= 1.0);
        }
        // Most points' p lies in their own band: the band is what calibration allows.
        let inside = c
            .curve
            .iter()
            .filter(|pt| pt.band_low.unwrap() <= pt.p && pt.p <= pt.band_high.unwrap())
            .count();
        assert!(
            inside * 10 >= c.curve.len() * 8,
            "{inside} of {}",
            c.curve.len()
        );
        // Same seed, same everything; the unresampled numbers are untouched.
        assert_eq!(Some(c.clone()), corp_with_band(&obs, &r, "g"));
        let plain = corp::corp(&obs).expect("observations");
        assert_eq!(c.brier.mcb, plain.brier.mcb);
        assert_eq!(c.curve.len(), plain.curve.len());
    }

    #[test]
    fn overconfident_forecasts_are_called_miscalibrated() {
        let mut rng = data_rng(4);
        // The truth is 0.5 everywhere; the forecaster says 0.05 or 0.95.
        let obs: Vec<Obs> = (0..300)
            .map(|i| Obs {
                p: if i % 2 == 0 { 0.05 } else { 0.95 },
                yes: rng.random::<bool>(),
                w: 1.0,
            })
            .collect();
        let r = Resampling {
            resamples: 200,
            seed: 1,
        };
        let c = corp_with_band(&obs, &r, "g").expect("observations");
        assert_eq!(c.brier.mcb_p_value, Some(0.0));
        assert_eq!(c.log_loss.mcb_p_value, Some(0.0));
    }

    #[test]
    fn negative_zero_and_edge_forecasts_are_drawn_safely() {
        let obs = [
            Obs {
                p: -0.0,
                yes: false,
                w: 1.0,
            },
            Obs {
                p: 0.0,
                yes: false,
                w: 2.0,
            },
            Obs {
                p: 1.0,
                yes: true,
                w: 1.0,
            },
            Obs {
                p: 0.5,
                yes: true,
                w: 1.0,
            },
        ];
        let r = Resampling {
            resamples: 20,
            seed: 1,
        };
        let c = corp_with_band(&obs, &r, "g").expect("observations");
        assert_eq!(c.curve.len(), 3);
        // p = 0 and p = 1 are drawn as what they say: the band there is a single value.
        assert_eq!(
            (c.curve[0].band_low, c.curve[0].band_high),
            (Some(0.0), Some(0.0))
        );
        assert_eq!(
            (c.curve[2].band_low, c.curve[2].band_high),
            (Some(1.0), Some(1.0))
        );
    }

    #[test]
    fn band_is_thinned_for_many_distinct_forecasts() {
        let obs: Vec<Obs> = (0..(BAND_POINTS * 2 + 1))
            .map(|i| Obs {
                p: i as f64 / (BAND_POINTS * 2 + 1) as f64,
                yes: i % 3 == 0,
                w: 1.0,
            })
            .collect();
        let r = Resampling {
            resamples: 5,
            seed: 1,
        };
        let c = corp_with_band(&obs, &r, "g").expect("observations");
        let banded = c.curve.iter().filter(|pt| pt.band_low.is_some()).count();
        assert!(banded <= BAND_POINTS + 1, "{banded}");
        assert!(c.curve.last().unwrap().band_low.is_some());
        assert!(c.curve[0].band_low.is_some());
    }

    #[test]
    fn overlap_with_the_best() {
        let groups = [
            (Some(0.20), Some((0.15, 0.25))),
            (Some(0.10), Some((0.05, 0.16))),
            (Some(0.30), Some((0.26, 0.34))),
            (Some(0.05), None),
            (None, None),
        ];
        assert_eq!(
            overlaps_best(&groups),
            vec![Some(true), Some(true), Some(false), None, None]
        );
        assert_eq!(overlaps_best(&[(Some(0.1), None)]), vec![None]);
    }
}
