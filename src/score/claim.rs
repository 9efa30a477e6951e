//! The per-claim stage of scoring: all forecasters of one claim together, because a
//! peer score and the crowd depend on everyone who forecast the claim, not on one pair.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::crowd::{crowd_history, Aggregate};
use super::platform::{claim_scores, counted, History, PlatformScore};
use super::select::{score_pair, Pair, PairScore, Rule};
use super::status::Status;

/// One claim with every real forecaster's history on it.
#[derive(Debug, Clone)]
pub struct ClaimForecasts<'a> {
    pub claim: Arc<str>,
    pub status: Status,
    /// From [`cutoff`](super::cutoff): forecasts made after it never count.
    pub cutoff: DateTime<Utc>,
    /// When the claim opened, if recorded; otherwise its first forecast by anyone.
    pub opens_at: Option<DateTime<Utc>>,
    /// `(forecaster, history)`, each history `(made_at, p)` in recording order.
    pub forecasters: &'a [(Arc<str>, History)],
}

/// A pair scored with its platform scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: PairScore,
    pub platform: PlatformScore,
}

/// Scores every real forecaster of a claim, then each crowd in `crowds` as the
/// virtual forecaster `crowd:NAME` (see [`Aggregate::forecaster`]), in that order.
/// A forecaster with nothing made by the cutoff is left out, as [`score_pair`] does.
///
/// Peer scores compare real forecasters with each other, and each crowd with all of
/// them; `relative_brier` is a pair's Brier minus the crowd median's on the claim.
pub fn score_claim(c: &ClaimForecasts<'_>, rule: Rule, crowds: &[Aggregate]) -> Vec<Scored> {
    let real: Vec<History> = c
        .forecasters
        .iter()
        .map(|(_, h)| counted(h, c.cutoff))
        .collect();
    // A recorded opening after the first forecast is kept: forecasts before it stand
    // from the opening. One after the cutoff would leave no window, so it is capped.
    // (When nobody forecast in time, every pair is late and the window is not used.)
    let first = real.iter().filter_map(|h| h.first().map(|f| f.0)).min();
    let opens = c.opens_at.or(first).unwrap_or(c.cutoff).min(c.cutoff);
    let crowd: Vec<(Arc<str>, History)> = crowds
        .iter()
        .map(|&k| (Arc::from(k.forecaster()), crowd_history(k, &real, rule)))
        .collect();
    let extra: Vec<History> = crowd.iter().map(|(_, h)| h.clone()).collect();

    let platform = match c.status.outcome() {
        Some(yes) => claim_scores(&real, &extra, rule, opens, c.cutoff, yes),
        None => vec![(None, None); real.len() + extra.len()],
    };
    let pair = |name: &Arc<str>, forecasts: History| Pair {
        claim: c.claim.clone(),
        forecaster: name.clone(),
        status: c.status,
        cutoff: c.cutoff,
        opened: opens,
        forecasts,
    };
    let median = match crowds.iter().position(|&k| k == Aggregate::Median) {
        Some(i) => crowd[i].1.clone(),
        None => crowd_history(Aggregate::Median, &real, rule),
    };
    let median_brier = score_pair(&pair(&Arc::from(""), median), rule).and_then(|s| s.brier);

    let names = c
        .forecasters
        .iter()
        .map(|(n, _)| n)
        .chain(crowd.iter().map(|(n, _)| n));
    // Real forecasters are scored on the forecasts that count (`score_pair` would pick the
    // same ones again), or, when none does, on their whole history, so that one whose
    // forecasts all came after the cutoff is counted as late; the crowds on theirs.
    let histories = real
        .into_iter()
        .zip(c.forecasters)
        .map(|(counted, (_, raw))| {
            if counted.is_empty() {
                raw.clone()
            } else {
                counted
            }
        })
        .chain(extra);
    let mut out = Vec::with_capacity(c.forecasters.len() + crowd.len());
    for ((name, history), (baseline, peer)) in names.zip(histories).zip(platform) {
        let Some(score) = score_pair(&pair(name, history), rule) else {
            continue;
        };
        let relative_brier = score.brier.zip(median_brier).map(|(b, m)| b - m);
        out.push(Scored {
            score,
            platform: PlatformScore {
                baseline,
                peer,
                relative_brier,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::platform::baseline;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, day, 12, 0, 0).unwrap()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    fn claim<'a>(fs: &'a [(Arc<str>, History)], status: Status) -> ClaimForecasts<'a> {
        ClaimForecasts {
            claim: Arc::from("c"),
            status,
            cutoff: t(11),
            opens_at: None,
            forecasters: fs,
        }
    }

    fn three() -> Vec<(Arc<str>, History)> {
        vec![
            ("a".into(), vec![(t(1), 0.5), (t(6), 0.8)].into()),
            ("b".into(), vec![(t(3), 0.2)].into()),
            ("c".into(), vec![(t(9), 0.9), (t(12), 0.1)].into()),
        ]
    }

    #[test]
    fn crowd_and_relative_brier_by_hand() {
        let fs = three();
        let all = Aggregate::ALL;
        let s = score_claim(&claim(&fs, Status::Scored(true)), Rule::Latest, &all);
        let names: Vec<&str> = s.iter().map(|x| &*x.score.forecaster).collect();
        assert_eq!(
            names,
            [
                "a",
                "b",
                "c",
                "crowd:median",
                "crowd:mean",
                "crowd:geo-mean-odds"
            ]
        );
        // Counted 0.8, 0.2, 0.9: median 0.8, mean 19/30.
        assert!((s[3].score.p - 0.8).abs() < 1e-12);
        assert!((s[4].score.p - 1.9 / 3.0).abs() < 1e-12);
        // The crowd median's Brier is (1 - 0.8)^2 = 0.04.
        // a: 0.04 - 0.04 = 0; b: 0.64 - 0.04 = 0.6; c: 0.01 - 0.04 = -0.03.
        assert!(close(s[0].platform.relative_brier, 0.0));
        assert!(close(s[1].platform.relative_brier, 0.6));
        assert!(close(s[2].platform.relative_brier, -0.03));
        assert!(close(s[3].platform.relative_brier, 0.0));
        assert!(close(s[3].platform.baseline, baseline(0.8, true)));
        // The crowd never enters a real forecaster's peer score: a's is against b, c.
        let want = 100.0 * (0.8f64.ln() - (0.2f64.ln() + 0.9f64.ln()) / 2.0);
        assert!(close(s[0].platform.peer, want));
        let alone = score_claim(&claim(&fs, Status::Scored(true)), Rule::Latest, &[]);
        assert_eq!(alone[0].platform, s[0].platform);
    }

    #[test]
    fn time_averaged_crowd_is_scored_over_the_window() {
        let fs = three();
        let s = score_claim(
            &claim(&fs, Status::Scored(false)),
            Rule::TimeAvg,
            &[Aggregate::Median],
        );
        let crowd = &s[3];
        // Median 0.5 for Jan 1-3, 0.35 for 3-6, 0.5 for 6-9, 0.8 for 9-11 (10 days):
        // Brier on no = (2 * 0.25 + 3 * 0.1225 + 3 * 0.25 + 2 * 0.64) / 10 = 0.28975
        assert!(close(crowd.score.brier, 0.28975));
        assert!(close(crowd.score.coverage, 1.0));
        assert!(close(crowd.platform.relative_brier, 0.0));
    }

    #[test]
    fn unscored_claims_have_no_platform_scores_and_one_forecaster_is_the_crowd() {
        let fs: Vec<(Arc<str>, History)> = vec![("a".into(), vec![(t(2), 0.7)].into())];
        let s = score_claim(&claim(&fs, Status::Pending), Rule::Latest, &Aggregate::ALL);
        assert_eq!(s.len(), 4);
        assert!(s.iter().all(|x| x.platform == PlatformScore::default()));
        for x in &s[1..] {
            assert!((x.score.p - 0.7).abs() < 1e-12);
        }
        let s = score_claim(&claim(&fs, Status::Scored(true)), Rule::Latest, &[]);
        assert_eq!(s[0].platform.peer, None);
        assert!(close(s[0].platform.relative_brier, 0.0));
        assert!(score_claim(&claim(&[], Status::Scored(true)), Rule::Latest, &[]).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn the_crowd_median_has_relative_brier_zero(
            ps in prop::collection::vec((1u32..=10, 0.0..=1.0f64), 1..6),
            yes in any::<bool>(),
            rule in prop_oneof![Just(Rule::Latest), Just(Rule::First), Just(Rule::TimeAvg)]) {
            let fs: Vec<(Arc<str>, History)> = ps.iter().enumerate()
                .map(|(i, &(d, p))| (format!("f{i}").into(), smallvec::smallvec![(t(d), p)])).collect();
            let s = score_claim(&claim(&fs, Status::Scored(yes)), rule, &[Aggregate::Median]);
            let median = s.last().unwrap();
            prop_assert_eq!(&*median.score.forecaster, "crowd:median");
            prop_assert!(median.platform.relative_brier.is_some_and(|r| r.abs() < 1e-12));
            // A real forecaster who says what the crowd median says scores 0 as well.
            let mut with_copy = fs.clone();
            let copy = crowd_history(Aggregate::Median,
                &fs.iter().map(|(_, h)| counted(h, t(11))).collect::<Vec<_>>(), rule);
            if rule != Rule::TimeAvg {
                with_copy.push(("copy".into(), copy.clone()));
                let s = score_claim(&claim(&with_copy, Status::Scored(yes)), rule, &[]);
                // Adding a forecaster at the median keeps the median where it was.
                let me = s.iter().find(|x| &*x.score.forecaster == "copy").unwrap();
                prop_assert!(me.platform.relative_brier.is_some_and(|r| r.abs() < 1e-12),
                             "{:?}", me.platform);
            }
        }
    }
}
