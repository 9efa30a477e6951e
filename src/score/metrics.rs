//! Group metrics: Brier score and its decomposition, log loss, calibration bins with
//! Wilson intervals, discrimination and coverage, over the weighted samples of a group
//! of scored pairs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::exact::ExactSum;
use super::select::{brier_term, log_term, PairScore};
use super::status::Status;
use super::Z95;

/// Calibration bins when the caller has no preference.
pub const DEFAULT_BINS: usize = 10;

/// Upper limit on calibration bins; larger requests are cut down to it so that a typo
/// on the command line cannot allocate without bound.
pub const MAX_BINS: usize = 1000;

/// The scores of one group of pairs. Mean-type fields are `None` when no pair in the
/// group is scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Scored pairs (= N, the total sample weight).
    pub n: usize,
    /// Pairs whose every forecast came after the claim's cutoff: never scored.
    pub late: usize,
    pub pending: usize,
    pub annulled: usize,
    pub ambiguous: usize,
    /// Mean squared error, one-term form (0 best, 1 worst).
    pub brier: Option<f64>,
    /// Mean of -ln(probability given to what happened), p clamped to [0.001, 0.999].
    pub log_loss: Option<f64>,
    pub mean_p: Option<f64>,
    /// Share of yes outcomes.
    pub base_rate: Option<f64>,
    /// base_rate * (1 - base_rate): the Brier score of always saying the base rate.
    pub uncertainty: Option<f64>,
    pub reliability: Option<f64>,
    pub resolution: Option<f64>,
    pub within_bin_variance: Option<f64>,
    pub within_bin_covariance: Option<f64>,
    /// 1 - brier / uncertainty; `None` when uncertainty is 0.
    pub brier_skill: Option<f64>,
    /// Mean p on yes outcomes minus mean p on no outcomes.
    pub discrimination: Option<f64>,
    /// Mean coverage of the scored pairs under `time-avg`, otherwise `None`.
    pub coverage: Option<f64>,
    pub calibration: Vec<CalibrationBin>,
}

/// One calibration bin, `[lo, hi)` (the last one closed at 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub lo: f64,
    pub hi: f64,
    /// Total sample weight in the bin (a count under `latest` and `first`).
    pub n: f64,
    pub mean_p: Option<f64>,
    /// Weighted share of yes outcomes.
    pub freq: Option<f64>,
    /// 95% Wilson score interval for `freq` with `n` trials.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// Metrics for one group of pair scores, with `bins` calibration bins (clamped to
/// 1..=[`MAX_BINS`]). All items should come from the same rule.
pub fn metrics<'a>(items: impl IntoIterator<Item = &'a PairScore>, bins: usize) -> Metrics {
    let mut counts = Counts::default();
    let mut samples = Vec::new();
    let mut coverage = ExactSum::new();
    for item in items {
        if item.late {
            counts.late += 1;
            continue;
        }
        match item.status {
            Status::Scored(yes) => {
                counts.scored += 1;
                samples.extend(item.samples().iter().map(|&(p, w)| Sample { p, yes, w }));
                coverage.extend(item.coverage);
            }
            Status::Pending => counts.pending += 1,
            Status::Annulled => counts.annulled += 1,
            Status::Ambiguous => counts.ambiguous += 1,
        }
    }
    from_samples(counts, samples, bins, coverage.mean())
}

/// Metrics per group. Each row is `(key, item)`; an item may appear under several keys
/// (one per tag, say). Groups come back in key order.
pub fn group_metrics<'a, K: Ord>(
    rows: impl IntoIterator<Item = (K, &'a PairScore)>,
    bins: usize,
) -> BTreeMap<K, Metrics> {
    let mut groups: BTreeMap<K, Vec<&PairScore>> = BTreeMap::new();
    for (key, item) in rows {
        groups.entry(key).or_default().push(item);
    }
    groups
        .into_iter()
        .map(|(key, items)| (key, metrics(items, bins)))
        .collect()
}

/// How many pairs of a group fall in each state.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    pub scored: usize,
    pub late: usize,
    pub pending: usize,
    pub annulled: usize,
    pub ambiguous: usize,
}

/// One weighted (probability, outcome) observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sample {
    pub p: f64,
    pub yes: bool,
    pub w: f64,
}

impl Sample {
    fn o(self) -> f64 {
        if self.yes {
            1.0
        } else {
            0.0
        }
    }
}

/// Weighted sums over one set of samples, all added in the same order.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    w: f64,
    wp: f64,
    wo: f64,
}

impl Sums {
    fn add(&mut self, s: Sample) {
        self.w += s.w;
        self.wp += s.w * s.p;
        self.wo += s.w * s.o();
    }
}

/// The bin a probability falls in. The small nudge puts round numbers in their own bin
/// although `0.7 * 10` or `0.29 * 100` land a hair below the integer in binary floating
/// point; `p = 1` goes to the last bin, which is closed.
fn bin_index(p: f64, bins: usize) -> usize {
    let raw = (p * bins as f64 + 1e-9).floor();
    if raw.is_nan() || raw < 0.0 {
        0
    } else {
        (raw as usize).min(bins - 1)
    }
}

/// Wilson score interval for a proportion `freq` observed over `n` (possibly fractional)
/// trials, at the normal quantile `z`. Unlike the plain normal interval it stays inside
/// [0, 1] and is usable for the small bins a personal ledger has.
/// Reference: E. B. Wilson (1927), "Probable inference, the law of succession, and
/// statistical inference", JASA 22(158), 209-212.
fn wilson(freq: f64, n: f64, z: f64) -> (f64, f64) {
    let z2n = z * z / n;
    let centre = (freq + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (freq * (1.0 - freq) / n + z2n / (4.0 * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The metrics of a set of weighted samples; `N` is their total weight. See
/// [`from_runs`] for the arithmetic.
fn from_samples(
    counts: Counts,
    mut samples: Vec<Sample>,
    bins: usize,
    coverage: Option<f64>,
) -> Metrics {
    // A canonical order makes every floating-point sum independent of input order.
    samples.sort_by(sample_order);
    let mut runs: Vec<(Sample, u64)> = Vec::new();
    for s in samples {
        match runs.last_mut() {
            Some((last, k)) if sample_order(last, &s).is_eq() => *k += 1,
            _ => runs.push((s, 1)),
        }
    }
    from_runs(counts, &runs, bins, coverage)
}

/// The canonical order of samples: by forecast, outcome, then weight, each compared
/// bit for bit ([`f64::total_cmp`]), so that samples comparing equal are identical.
pub(super) fn sample_order(a: &Sample, b: &Sample) -> std::cmp::Ordering {
    a.p.total_cmp(&b.p)
        .then(a.yes.cmp(&b.yes))
        .then(a.w.total_cmp(&b.w))
}

/// Metrics from samples given as runs `(sample, how many times)` in the canonical
/// order ([`sample_order`]), each sample distinct from the next. Every sum adds one
/// sample at a time in that order, so a group's metrics are the same bits whether its
/// samples come one by one or counted.
///
/// The Brier decomposition uses the two extra terms of Stephenson, Coelho & Jolliffe
/// (2008), "Two extra components in the Brier score decomposition", Weather and
/// Forecasting 23(4), 752-757. With the within-bin variance and covariance added, the
/// decomposition is exact for any binning rather than only when every forecast in a bin
/// is the same:
///
/// brier = reliability - resolution + uncertainty + within_bin_variance
///         - within_bin_covariance
pub(super) fn from_runs(
    counts: Counts,
    runs: &[(Sample, u64)],
    bins: usize,
    coverage: Option<f64>,
) -> Metrics {
    let bins = bins.clamp(1, MAX_BINS);
    let mut total = Sums::default();
    let mut yes = Sums::default();
    let mut no = Sums::default();
    let mut sq_err = 0.0;
    let mut log = 0.0;
    let mut per_bin = vec![Sums::default(); bins];
    for &(s, k) in runs {
        let (brier, log_term) = (s.w * brier_term(s.p, s.yes), s.w * log_term(s.p, s.yes));
        let bin = bin_index(s.p, bins);
        for _ in 0..k {
            total.add(s);
            if s.yes {
                yes.add(s);
            } else {
                no.add(s);
            }
            sq_err += brier;
            log += log_term;
            per_bin[bin].add(s);
        }
    }

    let calibration = per_bin
        .iter()
        .enumerate()
        .map(|(k, b)| calibration_bin(k, bins, b))
        .collect();

    let mut m = Metrics {
        n: counts.scored,
        late: counts.late,
        pending: counts.pending,
        annulled: counts.annulled,
        ambiguous: counts.ambiguous,
        brier: None,
        log_loss: None,
        mean_p: None,
        base_rate: None,
        uncertainty: None,
        reliability: None,
        resolution: None,
        within_bin_variance: None,
        within_bin_covariance: None,
        brier_skill: None,
        discrimination: None,
        coverage: None,
        calibration,
    };
    let n = total.w;
    if counts.scored == 0 || n <= 0.0 {
        return m;
    }

    let base_rate = total.wo / n;
    let uncertainty = base_rate * (1.0 - base_rate);
    let brier = sq_err / n;

    let (mut reliability, mut resolution) = (0.0, 0.0);
    for b in per_bin.iter().filter(|b| b.w > 0.0) {
        let (p_bar, o_bar) = (b.wp / b.w, b.wo / b.w);
        reliability += b.w * (p_bar - o_bar) * (p_bar - o_bar);
        resolution += b.w * (o_bar - base_rate) * (o_bar - base_rate);
    }
    let (mut variance, mut covariance) = (0.0, 0.0);
    for &(s, k) in runs {
        let b = per_bin[bin_index(s.p, bins)];
        let (p_bar, o_bar) = (b.wp / b.w, b.wo / b.w);
        let (v, c) = (
            s.w * (s.p - p_bar) * (s.p - p_bar),
            s.w * (s.o() - o_bar) * (s.p - p_bar),
        );
        for _ in 0..k {
            variance += v;
            covariance += c;
        }
    }

    m.brier = Some(brier);
    m.log_loss = Some(log / n);
    m.mean_p = Some(total.wp / n);
    m.base_rate = Some(base_rate);
    m.uncertainty = Some(uncertainty);
    m.reliability = Some(reliability / n);
    m.resolution = Some(resolution / n);
    m.within_bin_variance = Some(variance / n);
    m.within_bin_covariance = Some(2.0 * covariance / n);
    m.brier_skill = (uncertainty > 0.0).then(|| 1.0 - brier / uncertainty);
    m.discrimination = (yes.w > 0.0 && no.w > 0.0).then(|| yes.wp / yes.w - no.wp / no.w);
    m.coverage = coverage;
    m
}

fn calibration_bin(k: usize, bins: usize, b: &Sums) -> CalibrationBin {
    let lo = k as f64 / bins as f64;
    let hi = (k + 1) as f64 / bins as f64;
    if b.w <= 0.0 {
        return CalibrationBin {
            lo,
            hi,
            n: 0.0,
            mean_p: None,
            freq: None,
            ci_low: None,
            ci_high: None,
        };
    }
    let freq = b.wo / b.w;
    let (ci_low, ci_high) = wilson(freq, b.w, Z95);
    CalibrationBin {
        lo,
        hi,
        n: b.w,
        mean_p: Some(b.wp / b.w),
        freq: Some(freq),
        ci_low: Some(ci_low),
        ci_high: Some(ci_high),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{claim_status, score_pair, Outcome, Pair, Rule};
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, day, 12, 0, 0).unwrap()
    }

    /// A pair with forecasts on the given January 2020 days, cutoff at the end of Jan 28.
    fn pair(claim: &str, status: Status, forecasts: &[(u32, f64)]) -> Pair {
        Pair {
            claim: claim.into(),
            forecaster: "f".into(),
            status,
            cutoff: Utc.with_ymd_and_hms(2020, 1, 28, 23, 59, 59).unwrap(),
            opened: t(1),
            forecasts: forecasts.iter().map(|&(d, p)| (t(d), p)).collect(),
        }
    }

    fn scored(p: f64, yes: bool) -> PairScore {
        score_pair(&pair("c", Status::Scored(yes), &[(1, p)]), Rule::Latest).unwrap()
    }

    /// 0.8 yes, 0.3 no, 0.6 no, 0.9 yes.
    fn four() -> Vec<PairScore> {
        vec![
            scored(0.8, true),
            scored(0.3, false),
            scored(0.6, false),
            scored(0.9, true),
        ]
    }

    #[test]
    fn basic_metrics_by_hand() {
        let m = metrics(&four(), 10);
        assert_eq!(m.n, 4);
        // Brier: (0.2^2 + 0.3^2 + 0.6^2 + 0.1^2) / 4 = (0.04 + 0.09 + 0.36 + 0.01) / 4 = 0.125
        assert!(close(m.brier, 0.125));
        // Log loss: -(ln 0.8 + ln 0.7 + ln 0.4 + ln 0.9) / 4
        //   = (0.223143551314210 + 0.356674943938732 + 0.916290731874155
        //      + 0.105360515657826) / 4 = 0.400367435696231
        assert!(close(m.log_loss, 0.400_367_435_696_231));
        // mean p = 2.6 / 4; base rate = 2 / 4; uncertainty = 0.5 * 0.5
        assert!(close(m.mean_p, 0.65));
        assert!(close(m.base_rate, 0.5));
        assert!(close(m.uncertainty, 0.25));
        // skill = 1 - 0.125 / 0.25
        assert!(close(m.brier_skill, 0.5));
        // discrimination = (0.8 + 0.9) / 2 - (0.3 + 0.6) / 2 = 0.85 - 0.45
        assert!(close(m.discrimination, 0.4));
        // One forecast per bin: reliability is the Brier score itself, resolution is
        // the mean of (o - 0.5)^2 = 0.25, and the within-bin terms vanish.
        assert!(close(m.reliability, 0.125));
        assert!(close(m.resolution, 0.25));
        assert!(close(m.within_bin_variance, 0.0));
        assert!(close(m.within_bin_covariance, 0.0));
        assert_eq!(m.coverage, None);
        assert_eq!(m.calibration.len(), 10);
        let filled: Vec<usize> = (0..10).filter(|&k| m.calibration[k].n > 0.0).collect();
        assert_eq!(filled, vec![3, 6, 8, 9]);
        let b8 = &m.calibration[8];
        assert!(close(Some(b8.lo), 0.8) && close(Some(b8.hi), 0.9));
        assert!(close(b8.mean_p, 0.8) && close(b8.freq, 1.0));
        // Wilson with 1 success in 1 trial: [1 / (1 + z^2), 1] = [1 / 4.841458820694124, 1]
        assert!(close(b8.ci_low, 0.206_549_314_377_237_4));
        assert!(close(b8.ci_high, 1.0));
        let empty = &m.calibration[0];
        assert_eq!(
            (empty.n, empty.mean_p, empty.freq, empty.ci_low),
            (0.0, None, None, None)
        );
    }

    #[test]
    fn decomposition_with_two_bins_by_hand() {
        // Bin [0, 0.5): 0.3 (no).            n = 1, p_bar = 0.3, o_bar = 0
        // Bin [0.5, 1]: 0.8 y, 0.6 n, 0.9 y. n = 3, p_bar = 2.3/3, o_bar = 2/3
        // reliability = (1 * 0.3^2 + 3 * (0.1)^2) / 4 = 0.12 / 4 = 0.03
        // resolution  = (1 * 0.5^2 + 3 * (1/6)^2) / 4 = (1/4 + 1/12) / 4 = 1/12
        // within-bin variance = ((1/30)^2 + (1/6)^2 + (2/15)^2) / 4 = (42/900) / 4 = 7/600
        // within-bin covariance = 2 * ((1/3)(1/30) + (2/3)(1/6) + (1/3)(2/15)) / 4
        //                       = 2 * (15/90) / 4 = 1/12
        // check: 0.03 - 1/12 + 0.25 + 7/600 - 1/12 = 0.125
        let m = metrics(&four(), 2);
        assert!(close(m.reliability, 0.03));
        assert!(close(m.resolution, 1.0 / 12.0));
        assert!(close(m.within_bin_variance, 7.0 / 600.0));
        assert!(close(m.within_bin_covariance, 1.0 / 12.0));
        assert!(close(m.brier, 0.125));
    }

    #[test]
    fn statuses_are_counted_and_a_failed_condition_annuls() {
        // The claim itself resolved yes, but its condition resolved no: annulled.
        let conditional = claim_status(Some(Outcome::Yes), Some(Some(Outcome::No)));
        let items: Vec<PairScore> = [
            pair("a", conditional, &[(1, 0.9)]),
            pair("b", Status::Pending, &[(1, 0.5)]),
            pair("c", Status::Ambiguous, &[(1, 0.5)]),
            pair("d", Status::Scored(false), &[(1, 0.2)]),
        ]
        .iter()
        .filter_map(|p| score_pair(p, Rule::Latest))
        .collect();
        let m = metrics(&items, 10);
        assert_eq!((m.n, m.pending, m.annulled, m.ambiguous), (1, 1, 1, 1));
        // Only d counts: (0.2 - 0)^2 = 0.04; the annulled 0.9 would have scored 0.01.
        assert!(close(m.brier, 0.04));
        // All outcomes are no: no uncertainty, so no skill and no discrimination.
        assert!(close(m.uncertainty, 0.0));
        assert_eq!(m.brier_skill, None);
        assert_eq!(m.discrimination, None);
    }

    #[test]
    fn empty_group_has_no_means() {
        let m = metrics(&[], 10);
        assert_eq!(m.n, 0);
        assert_eq!(
            (m.brier, m.log_loss, m.mean_p, m.coverage),
            (None, None, None, None)
        );
        assert_eq!(m.calibration.len(), 10);
        let json = serde_json::to_value(&m).unwrap();
        assert!(json["brier"].is_null());
        assert!(json["calibration"][0]["freq"].is_null());
    }

    #[test]
    fn time_average_samples_spread_over_bins() {
        // 0.2 from Jan 3 noon (2 days), 0.6 from Jan 5 noon (3 days), 0.9 from Jan 8
        // noon to the cutoff at Jan 10 noon (2 days): weights 2/7, 3/7, 2/7 in bins
        // 2, 6 and 9.
        let mut p = pair("c", Status::Scored(true), &[(3, 0.2), (5, 0.6), (8, 0.9)]);
        p.cutoff = t(10);
        let s = score_pair(&p, Rule::TimeAvg).unwrap();
        let m = metrics([&s], 10);
        assert_eq!(m.n, 1);
        let n: Vec<f64> = m.calibration.iter().map(|b| b.n).collect();
        let (two, three) = (2.0 / 7.0, 3.0 / 7.0);
        assert_eq!(n, vec![0.0, 0.0, two, 0.0, 0.0, 0.0, three, 0.0, 0.0, two]);
        // Brier (2*0.64 + 3*0.16 + 2*0.01) / 7 = 1.78 / 7, as for the pair alone.
        assert!(close(m.brier, 1.78 / 7.0));
        // Opened Jan 1 noon: coverage 7 / 9.
        assert!(close(m.coverage, 7.0 / 9.0));
        assert!(close(m.mean_p, 4.0 / 7.0));
    }

    #[test]
    fn bin_edges() {
        assert_eq!(bin_index(0.7, 10), 7);
        assert_eq!(bin_index(0.699_999, 10), 6);
        assert_eq!(bin_index(1.0, 10), 9);
        assert_eq!(bin_index(0.0, 10), 0);
        assert_eq!(bin_index(0.29, 100), 29);
        assert_eq!(bin_index(0.3, 10), 3);
        assert_eq!(bin_index(0.5, 1), 0);
    }

    #[test]
    fn bins_are_clamped() {
        let items = four();
        assert_eq!(metrics(&items, 0).calibration.len(), 1);
        assert_eq!(metrics(&items, usize::MAX).calibration.len(), MAX_BINS);
    }

    #[test]
    fn wilson_by_hand() {
        // 8 of 10: z^2/n = 0.3841458820694124,
        // centre = (0.8 + 0.1920729410347062) / 1.3841458820694124 = 0.7167401600,
        // half = (1.959963984540054 / 1.3841458820694124) * sqrt(0.016 + 0.0096036470517353)
        //      = 1.4160097 * 0.1600114 = 0.2265776885,
        // giving (0.4901624715, 0.9433178485).
        let (lo, hi) = wilson(0.8, 10.0, Z95);
        assert!((lo - 0.490_162_471_5).abs() < 1e-9, "{lo}");
        assert!((hi - 0.943_317_848_5).abs() < 1e-9, "{hi}");
        // 5 of 10 is symmetric around 0.5: (0.2365931, 0.7634069).
        let (lo, hi) = wilson(0.5, 10.0, Z95);
        assert!((lo - 0.236_593_1).abs() < 1e-6 && (hi - 0.763_406_9).abs() < 1e-6);
    }

    #[test]
    fn groups_by_caller_keys() {
        let items = four();
        let rows = items.iter().map(|s| (s.status.outcome() == Some(true), s));
        let groups = group_metrics(rows, 10);
        assert_eq!(groups.len(), 2);
        // Yes group: 0.8 and 0.9 -> (0.04 + 0.01) / 2
        assert!(close(groups[&true].brier, 0.025));
        // No group: 0.3 and 0.6 -> (0.09 + 0.36) / 2
        assert!(close(groups[&false].brier, 0.225));
    }

    fn arb_sample() -> impl Strategy<Value = Sample> {
        let p = prop_oneof![
            0.0..=1.0f64,
            (0u32..=100).prop_map(|k| f64::from(k) / 100.0)
        ];
        (p, any::<bool>(), 0.01..5.0f64).prop_map(|(p, yes, w)| Sample { p, yes, w })
    }

    fn counts(scored: usize) -> Counts {
        Counts {
            scored,
            ..Counts::default()
        }
    }

    /// Pairs with a random history, status and forecaster, for whole-pipeline properties.
    fn arb_pair() -> impl Strategy<Value = Pair> {
        let status = prop_oneof![
            any::<bool>().prop_map(Status::Scored),
            Just(Status::Pending),
            Just(Status::Annulled),
            Just(Status::Ambiguous),
        ];
        let forecasts = prop::collection::vec((1u32..=28, 0u32..24, 0.0..=1.0f64), 1..5);
        (0u32..50, status, forecasts, 1u32..=28).prop_map(|(claim, status, fs, cut)| Pair {
            claim: format!("c{claim}").into(),
            forecaster: "f".into(),
            status,
            cutoff: Utc.with_ymd_and_hms(2020, 1, cut, 18, 0, 0).unwrap(),
            opened: t(1),
            forecasts: fs
                .into_iter()
                .map(|(d, h, p)| (Utc.with_ymd_and_hms(2020, 1, d, h, 0, 0).unwrap(), p))
                .collect(),
        })
    }

    fn arb_rule() -> impl Strategy<Value = Rule> {
        prop_oneof![Just(Rule::Latest), Just(Rule::First), Just(Rule::TimeAvg)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn decomposition_is_exact(samples in prop::collection::vec(arb_sample(), 1..60),
                                  bins in 1usize..=100) {
            let m = from_samples(counts(samples.len()), samples, bins, None);
            let rebuilt = m.reliability.unwrap() - m.resolution.unwrap() + m.uncertainty.unwrap()
                + m.within_bin_variance.unwrap() - m.within_bin_covariance.unwrap();
            prop_assert!((m.brier.unwrap() - rebuilt).abs() < 1e-9,
                         "brier {:?} rebuilt {}", m.brier, rebuilt);
        }

        #[test]
        fn brier_in_unit_interval_and_log_loss_non_negative(
            samples in prop::collection::vec(arb_sample(), 1..60)) {
            let m = from_samples(counts(samples.len()), samples, DEFAULT_BINS, None);
            let brier = m.brier.unwrap();
            prop_assert!((0.0..=1.0).contains(&brier), "{}", brier);
            prop_assert!(m.log_loss.unwrap() >= 0.0);
        }

        #[test]
        fn perfect_forecasts_score_zero(outcomes in prop::collection::vec(any::<bool>(), 1..40),
                                        rule in arb_rule()) {
            let items: Vec<PairScore> = outcomes.iter().enumerate().filter_map(|(i, &yes)| {
                let p = if yes { 1.0 } else { 0.0 };
                score_pair(&pair(&format!("c{i}"), Status::Scored(yes), &[(2, p)]), rule)
            }).collect();
            let m = metrics(&items, DEFAULT_BINS);
            prop_assert_eq!(m.brier, Some(0.0));
        }

        #[test]
        fn base_rate_forecaster_scores_the_uncertainty(
            outcomes in prop::collection::vec(any::<bool>(), 1..40)) {
            let rate = outcomes.iter().filter(|&&y| y).count() as f64 / outcomes.len() as f64;
            let items: Vec<PairScore> = outcomes.iter().map(|&yes| scored(rate, yes)).collect();
            let m = metrics(&items, DEFAULT_BINS);
            prop_assert!((m.brier.unwrap() - m.uncertainty.unwrap()).abs() < 1e-12);
        }

        #[test]
        fn input_order_does_not_matter(
            (pairs, shuffled) in prop::collection::vec(arb_pair(), 0..30)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            rule in arb_rule(), bins in 1usize..=20) {
            let score = |ps: &[Pair]| -> Vec<PairScore> {
                ps.iter().filter_map(|p| score_pair(p, rule)).collect()
            };
            let (a, b) = (score(&pairs), score(&shuffled));
            prop_assert_eq!(metrics(&a, bins), metrics(&b, bins));
        }

        #[test]
        fn pair_weights_add_up_to_one(pair in arb_pair(), rule in arb_rule()) {
            if let Some(s) = score_pair(&pair, rule).filter(|s| !s.late) {
                let total: f64 = s.samples().iter().map(|x| x.1).sum();
                prop_assert!((total - 1.0).abs() < 1e-12);
                prop_assert!(s.coverage.is_none_or(|c| c > 0.0 && c <= 1.0));
            }
        }
    }
}
