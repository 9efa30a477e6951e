//! Scores in the terms forecasting platforms publish: Metaculus's baseline and peer
//! scores for binary questions, spot (one counted forecast) and time-averaged over the
//! claim's open window, and a group's means and sums of them.
//!
//! Definitions follow Metaculus's Scores FAQ (<https://www.metaculus.com/help/scores-faq/>,
//! "What is the Baseline score?", "What is the Peer score?", "Do all my predictions on
//! a question count toward my score?"). With `p_o` the probability given to the outcome
//! that happened, clamped to `[0.001, 0.999]`:
//!
//! - baseline = 100 · (log2 p_o + 1), i.e. 100 · log2(p_o / 0.5): 0 for saying 50%,
//!   100 for certainty on the right side;
//! - peer = 100 · (ln p_o,i − mean over the other forecasters j of ln p_o,j), which
//!   sums to 0 over the forecasters of a claim at any instant.
//!
//! Time-averaged, each score is the integral over the claim's window `[opens, cutoff]`
//! of the score at each instant, divided by the window's length, with 0 for the time a
//! forecaster had no forecast standing (the FAQ's coverage penalty). For peer, at each
//! instant a forecaster is compared with the others whose forecast stands then.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::exact::ExactSum;
use super::select::Rule;

/// Probabilities are clamped to `[PLATFORM_FLOOR, 1 - PLATFORM_FLOOR]` before taking a
/// logarithm, as Metaculus limits binary forecasts to 0.1%–99.9%.
pub const PLATFORM_FLOOR: f64 = 0.001;

/// Natural log of the probability `p` gave to what happened, after clamping.
pub fn ln_outcome(p: f64, yes: bool) -> f64 {
    let p = p.clamp(PLATFORM_FLOOR, 1.0 - PLATFORM_FLOOR);
    (if yes { p } else { 1.0 - p }).ln()
}

/// Metaculus's baseline score of one forecast: 100 · (log2 p_o + 1).
pub fn baseline(p: f64, yes: bool) -> f64 {
    baseline_of_ln(ln_outcome(p, yes))
}

fn baseline_of_ln(ln_p: f64) -> f64 {
    100.0 * (ln_p / std::f64::consts::LN_2 + 1.0)
}

/// Metaculus's peer score of `p` against `others` (the other forecasters' forecasts on
/// the same claim): 100 · (ln p_o − mean of ln p_o,j). `None` when there are no others.
pub fn peer(p: f64, others: &[f64], yes: bool) -> Option<f64> {
    if others.is_empty() {
        return None;
    }
    let mean = others.iter().map(|&q| ln_outcome(q, yes)).sum::<f64>() / others.len() as f64;
    Some(100.0 * (ln_outcome(p, yes) - mean))
}

/// A pair's platform scores. `None` unless the claim is scored (and, for `peer`,
/// unless someone else forecast the claim; for `relative_brier`, unless a crowd
/// median exists).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct PlatformScore {
    pub baseline: Option<f64>,
    pub peer: Option<f64>,
    /// The pair's Brier score minus the crowd median's Brier score on the same claim.
    pub relative_brier: Option<f64>,
}

/// A forecaster's history on one claim: `(made_at, p)` in recording order.
///
/// A history of one forecast, which is what `latest` and `first` score, is held inline:
/// a report scores a million of them and a heap allocation each would cost more than
/// the scoring.
pub type History = smallvec::SmallVec<[(DateTime<Utc>, f64); 1]>;

/// The forecasts of a history that can count: made by the cutoff, with a number for
/// `p` (clamped to [0, 1]), sorted by time with recording order kept among equal times.
pub fn counted(history: &[(DateTime<Utc>, f64)], cutoff: DateTime<Utc>) -> History {
    let mut out: History = history
        .iter()
        .filter(|(at, p)| *at <= cutoff && !p.is_nan())
        .map(|&(at, p)| (at, p.clamp(0.0, 1.0)))
        .collect();
    out.sort_by_key(|&(at, _)| at);
    out
}

/// The forecast a spot rule counts from an already [`counted`] history: the last one
/// under `latest` (and `time-avg`), the first under `first`.
pub fn spot(counted: &[(DateTime<Utc>, f64)], rule: Rule) -> Option<(DateTime<Utc>, f64)> {
    match rule {
        Rule::First => counted.first().copied(),
        Rule::Latest | Rule::TimeAvg => counted.last().copied(),
    }
}

/// Baseline and peer scores of every forecaster on one resolved claim.
///
/// `real` are the real forecasters' [`counted`] histories; they are compared with
/// each other. `extra` (the crowd's aggregates) are scored the same way and compared
/// with all the real forecasters, but never take part in anyone else's peer score.
/// The result lists `real` then `extra`, as `(baseline, peer)`; an empty history gets
/// `(None, None)`.
///
/// Under `latest` and `first` each history counts one forecast ([`spot`]). Under
/// `time-avg` the scores are integrated over `[opens, cutoff]` (see the module docs);
/// forecasts made before `opens` stand from `opens`. A window of no length falls back
/// to the spot scores at the cutoff.
pub fn claim_scores(
    real: &[History],
    extra: &[History],
    rule: Rule,
    opens: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    yes: bool,
) -> Vec<(Option<f64>, Option<f64>)> {
    let window = (cutoff - opens).num_seconds();
    if rule == Rule::TimeAvg && window > 0 {
        time_averaged(real, extra, opens, cutoff, yes)
    } else {
        let rule = if rule == Rule::TimeAvg {
            Rule::Latest
        } else {
            rule
        };
        spot_scores(real, extra, rule, yes)
    }
}

fn spot_scores(
    real: &[History],
    extra: &[History],
    rule: Rule,
    yes: bool,
) -> Vec<(Option<f64>, Option<f64>)> {
    // Each real forecaster's ln p_o once: their baseline score, and a peer score
    // averages the others' (as `peer` does, in the same order).
    let ln_real: smallvec::SmallVec<[Option<f64>; 16]> = real
        .iter()
        .map(|h| spot(h, rule).map(|f| ln_outcome(f.1, yes)))
        .collect();
    let mut out = Vec::with_capacity(real.len() + extra.len());
    for (i, l) in ln_real.iter().enumerate() {
        out.push(match *l {
            Some(l) => (Some(baseline_of_ln(l)), peer_of_ln(l, &ln_real, Some(i))),
            None => (None, None),
        });
    }
    for h in extra {
        out.push(match spot(h, rule) {
            Some((_, p)) => (
                Some(baseline(p, yes)),
                peer_of_ln(ln_outcome(p, yes), &ln_real, None),
            ),
            None => (None, None),
        });
    }
    out
}

/// [`peer`] from the forecaster's ln p_o and the others' (those present in `lns`, but
/// for the one at `except`).
fn peer_of_ln(ln_p: f64, lns: &[Option<f64>], except: Option<usize>) -> Option<f64> {
    let others = || {
        lns.iter()
            .enumerate()
            .filter(move |&(j, _)| Some(j) != except)
            .filter_map(|(_, l)| *l)
    };
    let n = others().count();
    if n == 0 {
        return None;
    }
    let mean = others().sum::<f64>() / n as f64;
    Some(100.0 * (ln_p - mean))
}

/// Running integrals over time of what every standing forecast's peer score needs,
/// given the real forecasters standing: `k` of them, with `s` the sum of their
/// ln p_o. For a real forecaster i with log l standing, when k ≥ 2,
/// peer_i / 100 = l − (s − l)/(k − 1) = l · k/(k − 1) − s/(k − 1); for an extra one,
/// when k ≥ 1, l − s/k. Each stretch of constant forecast then integrates as
/// l · ΔA − ΔB (real) or l · ΔC − ΔD (extra).
#[derive(Debug, Clone, Copy, Default)]
struct Integrals {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
}

impl Integrals {
    fn advance(&mut self, dt: f64, k: usize, s: f64) {
        if dt <= 0.0 || k == 0 {
            return;
        }
        let kf = k as f64;
        self.c += dt;
        self.d += dt * s / kf;
        if k >= 2 {
            self.a += dt * kf / (kf - 1.0);
            self.b += dt * s / (kf - 1.0);
        }
    }
}

/// One forecaster's open stretch: since when (seconds), its ln p_o, the integrals then.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    since: i64,
    ln_p: f64,
    at: Integrals,
}

fn time_averaged(
    real: &[History],
    extra: &[History],
    opens: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    yes: bool,
) -> Vec<(Option<f64>, Option<f64>)> {
    let n = real.len() + extra.len();
    let (start, end) = (opens.timestamp(), cutoff.timestamp());
    // (time, forecaster, ln p_o), stably sorted so that revisions at one instant keep
    // their recording order and the last one stands.
    let mut events: Vec<(i64, usize, f64)> = real
        .iter()
        .chain(extra)
        .enumerate()
        .flat_map(|(i, h)| {
            h.iter()
                .filter(move |(at, _)| at.timestamp() <= end)
                .map(move |&(at, p)| (at.timestamp().max(start), i, ln_outcome(p, yes)))
        })
        .collect();
    events.sort_by_key(|e| e.0);

    let mut open: Vec<Option<Stretch>> = vec![None; n];
    let mut baseline_int = vec![0.0; n];
    let mut peer_int = vec![0.0; n];
    let (mut k, mut s) = (0usize, 0.0f64);
    let mut now = start;
    let mut acc = Integrals::default();

    // Whether each forecaster's forecasts stood for some time in the window: one made
    // only at the cutoff has nothing to score, as in `score_pair`.
    let mut stood = vec![false; n];
    let close = |i: usize,
                 st: Stretch,
                 t: i64,
                 acc: &Integrals,
                 baseline_int: &mut [f64],
                 peer_int: &mut [f64],
                 stood: &mut [bool]| {
        stood[i] |= t > st.since;
        baseline_int[i] += (t - st.since) as f64 * baseline_of_ln(st.ln_p);
        peer_int[i] += if i < real.len() {
            st.ln_p * (acc.a - st.at.a) - (acc.b - st.at.b)
        } else {
            st.ln_p * (acc.c - st.at.c) - (acc.d - st.at.d)
        };
    };

    for (t, i, ln_p) in events {
        if t > now {
            acc.advance((t - now) as f64, k, s);
            now = t;
        }
        if let Some(st) = open[i].take() {
            close(i, st, t, &acc, &mut baseline_int, &mut peer_int, &mut stood);
            if i < real.len() {
                k -= 1;
                s -= st.ln_p;
            }
        }
        open[i] = Some(Stretch {
            since: t,
            ln_p,
            at: acc,
        });
        if i < real.len() {
            k += 1;
            s += ln_p;
        }
    }
    acc.advance((end - now).max(0) as f64, k, s);
    for (i, slot) in open.iter_mut().enumerate() {
        if let Some(st) = slot.take() {
            close(
                i,
                st,
                end,
                &acc,
                &mut baseline_int,
                &mut peer_int,
                &mut stood,
            );
        }
    }

    let window = (end - start) as f64;
    let forecasters = stood[..real.len()].iter().filter(|&&e| e).count();
    (0..n)
        .map(|i| {
            if !stood[i] {
                return (None, None);
            }
            // Someone else: another real forecaster for a real one, any for an extra.
            let others = if i < real.len() {
                forecasters - 1
            } else {
                forecasters
            };
            let peer = (others > 0).then(|| 100.0 * peer_int[i] / window);
            (Some(baseline_int[i] / window), peer)
        })
        .collect()
}

/// A group's platform scores: means and sums over its scored pairs.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct PlatformMetrics {
    /// Mean baseline score of the scored pairs.
    pub baseline: Option<f64>,
    /// Mean peer score of the scored pairs that have one.
    pub peer: Option<f64>,
    pub baseline_sum: Option<f64>,
    pub peer_sum: Option<f64>,
    /// Mean over the scored pairs of (Brier − the crowd median's Brier on the claim).
    pub relative_brier: Option<f64>,
}

/// Means and sums of a group's pair scores; pairs with no score are left out of each.
/// Sums are exact, rounded once (see [`ExactSum`]), so the result does not depend on
/// input order.
pub fn platform_metrics<'a>(
    scores: impl IntoIterator<Item = &'a PlatformScore>,
) -> PlatformMetrics {
    let mut sums = PlatformSums::default();
    for s in scores {
        sums.add(s);
    }
    sums.metrics()
}

/// A group's baseline, peer and relative Brier scores summed exactly, one pair at a time.
#[derive(Debug, Clone, Default)]
pub(super) struct PlatformSums {
    baseline: ExactSum,
    peer: ExactSum,
    relative_brier: ExactSum,
}

impl PlatformSums {
    pub(super) fn add(&mut self, s: &PlatformScore) {
        self.baseline.extend(s.baseline);
        self.peer.extend(s.peer);
        self.relative_brier.extend(s.relative_brier);
    }

    pub(super) fn merge(&mut self, other: &PlatformSums) {
        self.baseline.merge(&other.baseline);
        self.peer.merge(&other.peer);
        self.relative_brier.merge(&other.relative_brier);
    }

    /// [`platform_metrics`] of the pairs added.
    pub(super) fn metrics(&self) -> PlatformMetrics {
        PlatformMetrics {
            baseline: self.baseline.mean(),
            peer: self.peer.mean(),
            baseline_sum: self.baseline.sum(),
            peer_sum: self.peer.sum(),
            relative_brier: self.relative_brier.mean(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// Noon on a January 2020 day, plus `h` hours.
    fn t(day: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, day, 12 + h, 0, 0).unwrap()
    }

    #[test]
    fn baseline_by_hand() {
        // 50% scores 0; certainty on the right side 100 (clamped to 0.999).
        assert!(close(Some(baseline(0.5, true)), 0.0));
        assert!(close(Some(baseline(0.5, false)), 0.0));
        // 100 * (log2 0.999 + 1) = 100 * (1 - 0.001443417) = 99.8556583
        assert!((baseline(1.0, true) - 99.855_658_3).abs() < 1e-6);
        // 0.8 on yes: 100 * (log2 0.8 + 1) = 100 * (1 - 0.321928095) = 67.8071905
        assert!((baseline(0.8, true) - 67.807_190_5).abs() < 1e-6);
        // 0.8 on no: p_o = 0.2, 100 * (log2 0.2 + 1) = 100 * (1 - 2.321928095) = -132.1928095
        assert!((baseline(0.8, false) + 132.192_809_5).abs() < 1e-6);
        // A sure miss is clamped: 100 * (log2 0.001 + 1) = -896.5784285
        assert!((baseline(0.0, true) + 896.578_428_5).abs() < 1e-6);
    }

    #[test]
    fn peer_by_hand() {
        // Yes outcome; 0.8 against 0.5 and 0.2:
        // 100 * (ln 0.8 - (ln 0.5 + ln 0.2) / 2)
        //   = 100 * (-0.223143551 - (-0.693147181 - 1.609437912) / 2)
        //   = 100 * (-0.223143551 + 1.151292546) = 92.8148995
        let p = peer(0.8, &[0.5, 0.2], true).unwrap();
        assert!((p - 92.814_899_5).abs() < 1e-6, "{p}");
        assert_eq!(peer(0.8, &[], true), None);
    }

    /// Three forecasters with revisions, on a claim that resolved yes; window from
    /// Jan 1 12:00 (opens) to Jan 11 12:00 (cutoff), 10 days.
    ///   a: 0.5 at Jan 1, revised to 0.8 at Jan 6 (and a same-instant revision 0.7 → 0.8)
    ///   b: 0.2 at Jan 3
    ///   c: 0.9 at Jan 9, 0.6 at Jan 12 (after the cutoff: never counts)
    fn three() -> Vec<History> {
        vec![
            vec![(t(1, 0), 0.5), (t(6, 0), 0.7), (t(6, 0), 0.8)],
            vec![(t(3, 0), 0.2)],
            vec![(t(9, 0), 0.9), (t(12, 0), 0.6)],
        ]
        .into_iter()
        .map(|h| counted(&h, t(11, 0)))
        .collect()
    }

    #[test]
    fn spot_scores_with_three_forecasters() {
        let s = claim_scores(&three(), &[], Rule::Latest, t(1, 0), t(11, 0), true);
        // Counted: a 0.8, b 0.2, c 0.9.
        let (la, lb, lc) = (0.8f64.ln(), 0.2f64.ln(), 0.9f64.ln());
        assert!(close(s[0].0, 100.0 * (0.8f64.log2() + 1.0)));
        assert!(close(s[1].0, 100.0 * (0.2f64.log2() + 1.0)));
        assert!(close(s[2].0, 100.0 * (0.9f64.log2() + 1.0)));
        // a: 100 * (ln 0.8 - (ln 0.2 + ln 0.9) / 2) = 100 * (-0.223143551 + 0.857399214)
        //   = 63.4255663
        assert!(close(s[0].1, 100.0 * (la - (lb + lc) / 2.0)));
        assert!((s[0].1.unwrap() - 63.425_566_3).abs() < 1e-6);
        assert!(close(s[1].1, 100.0 * (lb - (la + lc) / 2.0)));
        assert!(close(s[2].1, 100.0 * (lc - (la + lb) / 2.0)));
        let total: f64 = s.iter().map(|x| x.1.unwrap()).sum();
        assert!(total.abs() < 1e-9);

        // Under first: a 0.5, b 0.2, c 0.9.
        let f = claim_scores(&three(), &[], Rule::First, t(1, 0), t(11, 0), true);
        assert!(close(f[0].0, 0.0));
        assert!(close(f[0].1, 100.0 * (0.5f64.ln() - (lb + lc) / 2.0)));
    }

    #[test]
    fn time_averaged_scores_with_three_forecasters() {
        let s = claim_scores(&three(), &[], Rule::TimeAvg, t(1, 0), t(11, 0), true);
        let (l5, l8, l2, l9) = (0.5f64.ln(), 0.8f64.ln(), 0.2f64.ln(), 0.9f64.ln());
        let b = |l: f64| 100.0 * (l / std::f64::consts::LN_2 + 1.0);
        // Stretches (days):   [1,3)  a 0.5 alone
        //                     [3,6)  a 0.5, b 0.2
        //                     [6,9)  a 0.8, b 0.2
        //                     [9,11) a 0.8, b 0.2, c 0.9
        // Baseline a: (5 * b(0.5) + 5 * b(0.8)) / 10; b: 8 * b(0.2) / 10; c: 2 * b(0.9) / 10
        assert!(close(s[0].0, (5.0 * b(l5) + 5.0 * b(l8)) / 10.0));
        assert!(close(s[1].0, 8.0 * b(l2) / 10.0));
        assert!(close(s[2].0, 2.0 * b(l9) / 10.0));
        // Peer a: alone for 2 days (0), vs b for 3 days, vs b for 3 days, vs b and c 2 days.
        let pa = (3.0 * (l5 - l2) + 3.0 * (l8 - l2) + 2.0 * (l8 - (l2 + l9) / 2.0)) / 10.0;
        let pb = (3.0 * (l2 - l5) + 3.0 * (l2 - l8) + 2.0 * (l2 - (l8 + l9) / 2.0)) / 10.0;
        let pc = (2.0 * (l9 - (l8 + l2) / 2.0)) / 10.0;
        assert!(close(s[0].1, 100.0 * pa), "{:?} vs {}", s[0].1, 100.0 * pa);
        assert!(close(s[1].1, 100.0 * pb));
        assert!(close(s[2].1, 100.0 * pc));
        // Numerically: pa = (3 * 0.916290732 + 3 * 1.386294361 + 2 * 0.634255663) / 10
        //                 = (2.748872196 + 4.158883083 + 1.268511326) / 10 = 0.817626661
        assert!((s[0].1.unwrap() - 81.762_666_1).abs() < 1e-6);
        // At each instant the peer scores sum to 0, so their integrals do too.
        assert!((pa + pb + pc).abs() < 1e-12);
    }

    #[test]
    fn extra_forecasters_are_compared_with_everyone_and_change_nobody() {
        let crowd: History = smallvec::smallvec![(t(1, 0), 0.5), (t(3, 0), 0.35)];
        let with = claim_scores(
            &three(),
            std::slice::from_ref(&crowd),
            Rule::TimeAvg,
            t(1, 0),
            t(11, 0),
            true,
        );
        let without = claim_scores(&three(), &[], Rule::TimeAvg, t(1, 0), t(11, 0), true);
        assert_eq!(&with[..3], &without[..]);
        let (l5, l35, l8, l2, l9) = (
            0.5f64.ln(),
            0.35f64.ln(),
            0.8f64.ln(),
            0.2f64.ln(),
            0.9f64.ln(),
        );
        // Crowd 0.5 for [1,3) vs a alone; 0.35 from 3 on vs a/b, then a/b/c.
        let pc = (2.0 * (l5 - l5)
            + 3.0 * (l35 - (l5 + l2) / 2.0)
            + 3.0 * (l35 - (l8 + l2) / 2.0)
            + 2.0 * (l35 - (l8 + l2 + l9) / 3.0))
            / 10.0;
        assert!(close(with[3].1, 100.0 * pc));
        // Spot: the crowd is compared with all three counted forecasts.
        let spot = claim_scores(
            &three(),
            &[vec![(t(10, 0), 0.8)].into()],
            Rule::Latest,
            t(1, 0),
            t(11, 0),
            true,
        );
        assert!(close(spot[3].1, 100.0 * (l8 - (l8 + l2 + l9) / 3.0)));
    }

    #[test]
    fn lone_forecaster_has_no_peer_and_pays_for_late_entry() {
        // Opens Jan 1, forecast 0.8 from Jan 6, cutoff Jan 11: stands half the window.
        let h: Vec<History> = vec![smallvec::smallvec![(t(6, 0), 0.8)]];
        let s = claim_scores(&h, &[], Rule::TimeAvg, t(1, 0), t(11, 0), true);
        assert!(close(s[0].0, baseline(0.8, true) / 2.0));
        assert_eq!(s[0].1, None);
        // A forecast made before the window opened stands from the opening.
        let early: Vec<History> = vec![smallvec::smallvec![(t(1, 0), 0.8)]];
        let s = claim_scores(&early, &[], Rule::TimeAvg, t(6, 0), t(11, 0), true);
        assert!(close(s[0].0, baseline(0.8, true)));
        // A window of no length: spot scores at the cutoff.
        let s = claim_scores(&early, &[], Rule::TimeAvg, t(11, 0), t(11, 0), false);
        assert!(close(s[0].0, baseline(0.8, false)));
    }

    #[test]
    fn group_means_and_sums() {
        let scores = [
            PlatformScore {
                baseline: Some(10.0),
                peer: Some(-4.0),
                relative_brier: Some(0.1),
            },
            PlatformScore {
                baseline: Some(30.0),
                peer: None,
                relative_brier: Some(-0.3),
            },
            PlatformScore::default(),
        ];
        let m = platform_metrics(&scores);
        assert_eq!(m.baseline, Some(20.0));
        assert_eq!(m.baseline_sum, Some(40.0));
        assert_eq!((m.peer, m.peer_sum), (Some(-4.0), Some(-4.0)));
        assert!(close(m.relative_brier, -0.1));
        assert_eq!(platform_metrics(&[]), PlatformMetrics::default());
    }

    fn arb_histories() -> impl Strategy<Value = Vec<History>> {
        let forecast = (1u32..=20, 0u32..12, 0.0..=1.0f64).prop_map(|(d, h, p)| (t(d, h), p));
        prop::collection::vec(
            prop::collection::vec(forecast, 1..4).prop_map(History::from_vec),
            1..6,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn peer_scores_of_a_claim_sum_to_zero(hs in arb_histories(), yes in any::<bool>(),
                                              rule in prop_oneof![Just(Rule::Latest), Just(Rule::First), Just(Rule::TimeAvg)]) {
            let cutoff = t(20, 11);
            let hs: Vec<History> = hs.iter().map(|h| counted(h, cutoff)).collect();
            let opens = hs.iter().flat_map(|h| h.iter().map(|f| f.0)).min().unwrap();
            let s = claim_scores(&hs, &[], rule, opens, cutoff, yes);
            let total: f64 = s.iter().filter_map(|x| x.1).sum();
            prop_assert!(total.abs() < 1e-6, "{}", total);
            if hs.len() == 1 {
                prop_assert_eq!(s[0].1, None);
            }
            // A forecaster whose only forecast came at the cutoff has no score.
            for (b, _) in &s {
                prop_assert!(b.is_none_or(|b| (-896.6..=100.0).contains(&b)));
            }
            prop_assert!(s.iter().any(|x| x.0.is_some()));
        }
    }
}
