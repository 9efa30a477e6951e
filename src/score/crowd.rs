//! The crowd as a forecaster: on each claim, an aggregate of the real forecasters'
//! forecasts (median, mean, or geometric mean of odds), which is then scored like
//! anyone else's history.
//!
//! The median of an even count is the mean of the middle two. The geometric mean of
//! odds averages log-odds ln(p / (1 − p)) with p clamped to `[0.001, 0.999]` and turns
//! the mean back into a probability (Satopää et al., "Combining multiple probability
//! predictions using a simple logit model", International Journal of Forecasting 30(2),
//! 2014, where it is the unweighted, unextremized case).

use chrono::{DateTime, Utc};

use super::platform::{spot, History, PLATFORM_FLOOR};
use super::select::Rule;

/// How the crowd's forecast is formed from the forecasts it aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Aggregate {
    Median,
    Mean,
    GeoMeanOdds,
}

impl Aggregate {
    pub const ALL: [Aggregate; 3] = [Aggregate::Median, Aggregate::Mean, Aggregate::GeoMeanOdds];
    pub const ACCEPTED: &'static str = "median, mean or geo-mean-odds";
    /// Every crowd's forecaster name starts with this.
    pub const PREFIX: &'static str = "crowd:";

    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Median => "median",
            Aggregate::Mean => "mean",
            Aggregate::GeoMeanOdds => "geo-mean-odds",
        }
    }

    /// The virtual forecaster's name: `crowd:median`, `crowd:mean`, `crowd:geo-mean-odds`.
    pub fn forecaster(self) -> String {
        format!("{}{}", Self::PREFIX, self.as_str())
    }

    /// The aggregate a forecaster name stands for, if it is a crowd's.
    pub fn from_forecaster(name: &str) -> Option<Aggregate> {
        name.strip_prefix(Self::PREFIX)?.parse().ok()
    }

    /// The aggregate of `ps` (non-empty, each in [0, 1]); `None` when empty.
    pub fn of(self, ps: &[f64]) -> Option<f64> {
        if ps.is_empty() {
            return None;
        }
        let n = ps.len() as f64;
        Some(match self {
            Aggregate::Mean => ps.iter().sum::<f64>() / n,
            Aggregate::Median => {
                // A claim's forecasters fit on the stack, usually.
                let mut v: smallvec::SmallVec<[f64; 16]> = ps.iter().copied().collect();
                v.sort_unstable_by(f64::total_cmp);
                let m = v.len() / 2;
                if v.len() % 2 == 1 {
                    v[m]
                } else {
                    (v[m - 1] + v[m]) / 2.0
                }
            }
            Aggregate::GeoMeanOdds => {
                let mean = ps
                    .iter()
                    .map(|&p| {
                        let p = p.clamp(PLATFORM_FLOOR, 1.0 - PLATFORM_FLOOR);
                        (p / (1.0 - p)).ln()
                    })
                    .sum::<f64>()
                    / n;
                1.0 / (1.0 + (-mean).exp())
            }
        })
    }
}

impl std::fmt::Display for Aggregate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A crowd name that is not one of [`Aggregate::ACCEPTED`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown crowd '{0}': expected median, mean or geo-mean-odds")]
pub struct UnknownAggregate(pub String);

impl std::str::FromStr for Aggregate {
    type Err = UnknownAggregate;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "median" => Ok(Aggregate::Median),
            "mean" => Ok(Aggregate::Mean),
            "geo-mean-odds" => Ok(Aggregate::GeoMeanOdds),
            _ => Err(UnknownAggregate(s.to_string())),
        }
    }
}

/// The crowd's history on one claim from the real forecasters' [`counted`] histories
/// (see [`super::platform::counted`]); empty when nobody forecast.
///
/// Under `latest` and `first` it is one forecast: the aggregate of the forecasts each
/// forecaster has counted under the rule, dated at the latest (or earliest) of them.
/// Under `time-avg` it changes whenever anyone's forecast does: at each instant with a
/// forecast, the aggregate of the forecasts standing once that instant's forecasts are
/// in (the last one of each forecaster).
pub fn crowd_history(kind: Aggregate, real: &[History], rule: Rule) -> History {
    match rule {
        Rule::Latest | Rule::First => {
            let counted: smallvec::SmallVec<[(DateTime<Utc>, f64); 16]> =
                real.iter().filter_map(|h| spot(h, rule)).collect();
            let ps: smallvec::SmallVec<[f64; 16]> = counted.iter().map(|f| f.1).collect();
            let at = match rule {
                Rule::First => counted.iter().map(|f| f.0).min(),
                _ => counted.iter().map(|f| f.0).max(),
            };
            match (at, kind.of(&ps)) {
                (Some(at), Some(p)) => smallvec::smallvec![(at, p)],
                _ => History::new(),
            }
        }
        Rule::TimeAvg => {
            let mut events: Vec<(DateTime<Utc>, usize, f64)> = real
                .iter()
                .enumerate()
                .flat_map(|(i, h)| h.iter().map(move |&(at, p)| (at, i, p)))
                .collect();
            events.sort_by_key(|e| e.0);
            let mut standing: Vec<Option<f64>> = vec![None; real.len()];
            let mut out = History::new();
            let mut k = 0;
            while k < events.len() {
                let at = events[k].0;
                while k < events.len() && events[k].0 == at {
                    standing[events[k].1] = Some(events[k].2);
                    k += 1;
                }
                let ps: Vec<f64> = standing.iter().flatten().copied().collect();
                if let Some(p) = kind.of(&ps) {
                    out.push((at, p));
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::platform::counted;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 1, day, 12, 0, 0).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn aggregates_by_hand() {
        let ps = [0.2, 0.9, 0.5, 0.6];
        // Sorted 0.2 0.5 0.6 0.9: even count, mean of the middle two.
        assert!(close(Aggregate::Median.of(&ps).unwrap(), 0.55));
        assert!(close(Aggregate::Median.of(&[0.3, 0.1, 0.7]).unwrap(), 0.3));
        assert!(close(Aggregate::Mean.of(&ps).unwrap(), 0.55));
        // Log-odds: ln(0.25) = -1.386294361, ln(9) = 2.197224577, ln(1) = 0,
        // ln(1.5) = 0.405465108; mean 0.304098831; e^-0.304098831 = 0.737788;
        // 1 / 1.737788 = 0.5754442
        let g = Aggregate::GeoMeanOdds.of(&ps).unwrap();
        assert!((g - 0.575_444_2).abs() < 1e-6, "{g}");
        // Odds of 0.2 and 0.8 are reciprocal: geometric mean of odds 1, p 0.5.
        assert!(close(Aggregate::GeoMeanOdds.of(&[0.2, 0.8]).unwrap(), 0.5));
        // Certainty is clamped: 0 and 1 average to 0.5, a lone 1 to 0.999.
        assert!(close(Aggregate::GeoMeanOdds.of(&[0.0, 1.0]).unwrap(), 0.5));
        assert!(close(Aggregate::GeoMeanOdds.of(&[1.0]).unwrap(), 0.999));
        for a in Aggregate::ALL {
            assert_eq!(a.of(&[]), None);
            assert!(close(a.of(&[0.42]).unwrap(), 0.42) || a == Aggregate::GeoMeanOdds);
            assert_eq!(a.as_str().parse::<Aggregate>().unwrap(), a);
            assert_eq!(Aggregate::from_forecaster(&a.forecaster()), Some(a));
        }
        assert!("middle".parse::<Aggregate>().is_err());
        assert_eq!(Aggregate::from_forecaster("alice"), None);
    }

    /// a: 0.5 on Jan 1, 0.8 on Jan 6; b: 0.2 on Jan 3; c: 0.9 on Jan 9.
    fn three() -> Vec<History> {
        vec![
            vec![(t(1), 0.5), (t(6), 0.8)],
            vec![(t(3), 0.2)],
            vec![(t(9), 0.9)],
        ]
        .into_iter()
        .map(|h| counted(&h, t(11)))
        .collect()
    }

    #[test]
    fn spot_crowd() {
        let latest = crowd_history(Aggregate::Median, &three(), Rule::Latest);
        assert_eq!(&latest[..], &[(t(9), 0.8)]);
        let first = crowd_history(Aggregate::Mean, &three(), Rule::First);
        // (0.5 + 0.2 + 0.9) / 3, dated at the earliest counted forecast.
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].0, t(1));
        assert!(close(first[0].1, 1.6 / 3.0));
        assert!(crowd_history(Aggregate::Median, &[], Rule::Latest).is_empty());
    }

    #[test]
    fn time_averaged_crowd_changes_whenever_anyone_does() {
        let h = crowd_history(Aggregate::Median, &three(), Rule::TimeAvg);
        // Jan 1: {0.5}; Jan 3: {0.5, 0.2} -> 0.35; Jan 6: {0.8, 0.2} -> 0.5;
        // Jan 9: {0.8, 0.2, 0.9} -> 0.8.
        let want = [(t(1), 0.5), (t(3), 0.35), (t(6), 0.5), (t(9), 0.8)];
        assert_eq!(h.len(), want.len());
        for (got, want) in h.iter().zip(want) {
            assert_eq!(got.0, want.0);
            assert!(close(got.1, want.1), "{got:?} {want:?}");
        }
        // One forecaster: the crowd is that forecaster.
        let one: Vec<History> = vec![smallvec::smallvec![(t(1), 0.3), (t(4), 0.6)]];
        assert_eq!(
            crowd_history(Aggregate::GeoMeanOdds, &one, Rule::TimeAvg).len(),
            2
        );
        assert!(close(
            crowd_history(Aggregate::Mean, &one, Rule::TimeAvg)[1].1,
            0.6
        ));
    }
}
