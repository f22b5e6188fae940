//! Classification of a layer's values into 3 to 9 classes for a choropleth.
//!
//! Classes are intervals between `breaks` (`k + 1` values from the minimum
//! to the maximum): the first class is `[b0, b1]`, every other one is
//! `(b(i), b(i+1)]`, so each break is the *upper* bound of its class, and
//! for Quantiles and Jenks it is an actual data value.
//!
//! Values that are `None`, NaN or infinite are *no data*: counted apart,
//! never classified. Ties can leave fewer classes than asked: with fewer
//! distinct values than classes (Jenks), or when a value fills several
//! quantiles, duplicate breaks are merged and `breaks.len() - 1` is the
//! number of classes actually made. All-equal values give one class
//! `[v, v]`; no value at all gives zero classes (`breaks` empty).
//!
//! ```
//! use maillage::style::classify::{classify, Method};
//! let values = [Some(1.0), Some(2.0), Some(4.0), Some(5.0), Some(7.0),
//!               Some(9.0), Some(10.0), Some(20.0), None, Some(f64::NAN)];
//! let c = classify(&values, &Method::Jenks, 3).unwrap();
//! assert_eq!(c.breaks, [1.0, 5.0, 10.0, 20.0]);
//! assert_eq!(c.counts, [4, 3, 1]);
//! assert_eq!(c.no_data, 2);
//! assert_eq!(c.class_of(5.0), Some(0));
//! assert_eq!(c.class_of(5.5), Some(1));
//! ```

use std::fmt;

/// Fewest classes a choropleth may ask for: fewer hides the variation.
pub const MIN_CLASSES: usize = 3;
/// Most classes: beyond 9 readers cannot tell colours apart.
pub const MAX_CLASSES: usize = 9;

/// Distinct values (or groups of them) above which Jenks stops being exact:
/// beyond it, consecutive distinct values are grouped into this many runs
/// and breaks fall only between runs. Far above the ~35,000 communes.
pub const JENKS_EXACT_LIMIT: usize = 65_536;

/// How to cut the values into classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Same number of values in each class: good for ranking territories.
    Quantiles,
    /// Fisher–Jenks natural breaks: the partition that minimises the
    /// within-class sum of squared deviations (exact, see module docs).
    Jenks,
    /// Classes of equal width between minimum and maximum.
    EqualIntervals,
    /// Thresholds chosen by a person: the `k − 1` *inner* breaks, strictly
    /// increasing (e.g. `[10.0, 20.0]` for 3 classes ≤ 10, 10–20, > 20); the
    /// outer bounds come from the data.
    Manual(Vec<f64>),
}

impl Method {
    /// The automatic methods by their manifest names: `"quantiles"`,
    /// `"jenks"`, `"equal"`. Manual needs thresholds, so it is built directly.
    pub fn from_name(name: &str) -> Option<Method> {
        match name.trim().to_ascii_lowercase().as_str() {
            "quantiles" | "quantile" => Some(Method::Quantiles),
            "jenks" => Some(Method::Jenks),
            "equal" | "equal-intervals" | "equal_intervals" => Some(Method::EqualIntervals),
            _ => None,
        }
    }

    /// Manifest name: `"quantiles"`, `"jenks"`, `"equal"` or `"manual"`.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Quantiles => "quantiles",
            Method::Jenks => "jenks",
            Method::EqualIntervals => "equal",
            Method::Manual(_) => "manual",
        }
    }
}

/// Why a classification was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassifyError {
    /// The number of classes asked for is outside `3..=9`.
    ClassCount(usize),
    /// Manual thresholds do not match the class count: `k` classes need
    /// `k − 1` thresholds.
    ManualCount {
        /// Classes asked for.
        classes: usize,
        /// Thresholds given.
        thresholds: usize,
    },
    /// Manual thresholds must be finite and strictly increasing.
    ManualOrder,
}

impl fmt::Display for ClassifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClassCount(k) => write!(
                f,
                "{k} classes asked for; choose between {MIN_CLASSES} and {MAX_CLASSES}"
            ),
            Self::ManualCount {
                classes,
                thresholds,
            } => write!(
                f,
                "{classes} classes need {} manual thresholds, {thresholds} given",
                classes.saturating_sub(1)
            ),
            Self::ManualOrder => write!(
                f,
                "manual thresholds must be finite numbers in strictly increasing order"
            ),
        }
    }
}

impl std::error::Error for ClassifyError {}

/// The result: breaks, how many values fall in each class, and how many
/// have no value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Classification {
    /// `classes + 1` bounds, minimum first, maximum last (empty when there
    /// was no value).
    pub breaks: Vec<f64>,
    /// Number of values in each class.
    pub counts: Vec<usize>,
    /// Number of missing, NaN or infinite values.
    pub no_data: usize,
}

impl Classification {
    /// Number of classes actually made (may be less than asked, see module
    /// docs).
    pub fn classes(&self) -> usize {
        self.breaks.len().saturating_sub(1)
    }

    /// Class of a value, `None` for NaN/infinite values or when there are
    /// no classes. Values below the minimum go to the first class and above
    /// the maximum to the last, so a value outside the data classified
    /// (a hover, a later update) still gets a colour.
    pub fn class_of(&self, value: f64) -> Option<usize> {
        let k = self.classes();
        if k == 0 || !value.is_finite() {
            return None;
        }
        let inner = self.breaks.get(1..k)?;
        Some(inner.partition_point(|&b| b < value))
    }
}

/// Classifies `values` into `classes` classes (3 to 9) with `method`.
///
/// ```
/// use maillage::style::classify::{classify, Method, ClassifyError};
/// let v: Vec<Option<f64>> = (1..=10).map(|i| Some(f64::from(i))).collect();
/// let q = classify(&v, &Method::Quantiles, 5).unwrap();
/// assert_eq!(q.breaks, [1.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
/// assert_eq!(q.counts, [2, 2, 2, 2, 2]);
/// let m = classify(&v, &Method::Manual(vec![3.0, 7.0]), 3).unwrap();
/// assert_eq!((m.breaks, m.counts), (vec![1.0, 3.0, 7.0, 10.0], vec![3, 4, 3]));
/// assert_eq!(classify(&v, &Method::Jenks, 12), Err(ClassifyError::ClassCount(12)));
/// ```
pub fn classify(
    values: &[Option<f64>],
    method: &Method,
    classes: usize,
) -> Result<Classification, ClassifyError> {
    if !(MIN_CLASSES..=MAX_CLASSES).contains(&classes) {
        return Err(ClassifyError::ClassCount(classes));
    }
    if let Method::Manual(t) = method {
        if t.len() + 1 != classes {
            return Err(ClassifyError::ManualCount {
                classes,
                thresholds: t.len(),
            });
        }
        if t.iter().any(|v| !v.is_finite()) || t.windows(2).any(|w| w[0] >= w[1]) {
            return Err(ClassifyError::ManualOrder);
        }
    }
    let mut sorted: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let no_data = values.len() - sorted.len();
    sorted.sort_unstable_by(f64::total_cmp);
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Ok(Classification {
            no_data,
            ..Classification::default()
        });
    };
    let mut breaks = if min == max {
        vec![min, max]
    } else {
        match method {
            Method::Quantiles => quantile_breaks(&sorted, classes),
            Method::Jenks => jenks_breaks(&sorted, classes),
            Method::EqualIntervals => (0..=classes)
                .map(|i| match i {
                    0 => min,
                    i if i == classes => max,
                    // Interpolated, not `min + (max − min)·t`, which can overflow.
                    i => {
                        let t = i as f64 / classes as f64;
                        min * (1.0 - t) + max * t
                    }
                })
                .collect(),
            Method::Manual(t) => {
                let mut b = Vec::with_capacity(classes + 1);
                b.push(t.first().map_or(min, |&t0| min.min(t0)));
                b.extend_from_slice(t);
                b.push(t.last().map_or(max, |&tl| max.max(tl)));
                b
            }
        }
    };
    // Ties: keep `breaks[1..]` strictly increasing (fewer classes); the
    // first class may still be a single value, `b0 == b1`. Manual classes
    // are the user's and stay, even empty.
    if !matches!(method, Method::Manual(_)) {
        let mut kept = 1;
        for i in 1..breaks.len() {
            if i == 1 || breaks[i] > breaks[kept - 1] {
                breaks[kept] = breaks[i];
                kept += 1;
            }
        }
        breaks.truncate(kept.max(2));
    }
    let mut result = Classification {
        counts: vec![0; breaks.len() - 1],
        breaks,
        no_data,
    };
    for &v in &sorted {
        if let Some(c) = result.class_of(v).and_then(|c| result.counts.get_mut(c)) {
            *c += 1;
        }
    }
    Ok(result)
}

/// Upper bound of class `i` is the value at rank `ceil(i·n/k)`: class sizes
/// differ by at most one when values are distinct.
fn quantile_breaks(sorted: &[f64], k: usize) -> Vec<f64> {
    let n = sorted.len();
    let mut b = Vec::with_capacity(k + 1);
    b.push(sorted[0]);
    for i in 1..k {
        let rank = (i * n).div_ceil(k).max(1);
        b.push(sorted[rank - 1]);
    }
    b.push(sorted[n - 1]);
    b
}

/// A run of equal (or, past [`JENKS_EXACT_LIMIT`], consecutive) values.
struct Unit {
    weight: f64,
    /// Σ (v − c) and Σ (v − c)² over the run, `c` the overall mean: centring
    /// keeps the prefix sums small, so `Q − S²/W` loses little precision.
    sum: f64,
    sum_sq: f64,
    max: f64,
}

/// Fisher–Jenks natural breaks by dynamic programming over runs of
/// distinct values. Row `m` of the table is filled by divide and conquer:
/// the best start of the last class is monotone in the end index for this
/// cost (Grønlund et al., "Fast exact k-means, k-medians and Bregman
/// divergence clustering in 1D", 2017), giving O(k · d · log d) for `d`
/// distinct values instead of Fisher's O(k · d²), with the same optimum.
fn jenks_breaks(sorted: &[f64], k: usize) -> Vec<f64> {
    let units = runs(sorted);
    let d = units.len();
    if d <= k {
        let mut b = vec![sorted[0]];
        b.extend(units.iter().map(|u| u.max));
        return b;
    }
    let mut pw = vec![0.0; d + 1];
    let mut ps = vec![0.0; d + 1];
    let mut pq = vec![0.0; d + 1];
    for (i, u) in units.iter().enumerate() {
        pw[i + 1] = pw[i] + u.weight;
        ps[i + 1] = ps[i] + u.sum;
        pq[i + 1] = pq[i] + u.sum_sq;
    }
    // Sum of squared deviations of units i..=j.
    let cost = |i: usize, j: usize| {
        let w = pw[j + 1] - pw[i];
        let s = ps[j + 1] - ps[i];
        (pq[j + 1] - pq[i] - s * s / w).max(0.0)
    };
    let mut prev: Vec<f64> = (0..d).map(|j| cost(0, j)).collect();
    let mut cur = vec![f64::INFINITY; d];
    // start[m][j]: first unit of the last class when units 0..=j form m+1 classes.
    let mut start = vec![vec![0u32; d]; k];
    for (m, row) in start.iter_mut().enumerate().skip(1) {
        cur.iter_mut().for_each(|c| *c = f64::INFINITY);
        // Stack of (j range, start range) to fill, instead of recursion.
        let mut todo = vec![(m, d - 1, m, d - 1)];
        while let Some((lo, hi, s_lo, s_hi)) = todo.pop() {
            let j = lo + (hi - lo) / 2;
            let (mut best, mut best_s) = (f64::INFINITY, s_lo);
            for s in s_lo..=s_hi.min(j) {
                let c = prev[s - 1] + cost(s, j);
                if c < best {
                    (best, best_s) = (c, s);
                }
            }
            cur[j] = best;
            row[j] = best_s as u32;
            if j > lo {
                todo.push((lo, j - 1, s_lo, best_s));
            }
            if j < hi {
                todo.push((j + 1, hi, best_s, s_hi));
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let mut b = vec![0.0; k + 1];
    b[0] = sorted[0];
    b[k] = units[d - 1].max;
    let mut j = d - 1;
    for m in (1..k).rev() {
        let s = start[m][j] as usize;
        b[m] = units[s - 1].max;
        j = s - 1;
    }
    b
}

/// Runs of equal values, merged further into at most
/// [`JENKS_EXACT_LIMIT`] runs of consecutive values when there are more.
fn runs(sorted: &[f64]) -> Vec<Unit> {
    let n = sorted.len() as f64;
    let mean = sorted.iter().map(|v| v / n).sum::<f64>();
    let mut distinct: Vec<(f64, usize)> = Vec::new();
    for &v in sorted {
        match distinct.last_mut() {
            Some((last, count)) if *last == v => *count += 1,
            _ => distinct.push((v, 1)),
        }
    }
    let per_unit = distinct.len().div_ceil(JENKS_EXACT_LIMIT).max(1);
    distinct
        .chunks(per_unit)
        .map(|chunk| {
            let mut u = Unit {
                weight: 0.0,
                sum: 0.0,
                sum_sq: 0.0,
                max: f64::NEG_INFINITY,
            };
            for &(v, count) in chunk {
                let (dv, w) = (v - mean, count as f64);
                u.weight += w;
                u.sum += w * dv;
                u.sum_sq += w * dv * dv;
                u.max = v;
            }
            u
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn some(v: &[f64]) -> Vec<Option<f64>> {
        v.iter().map(|&x| Some(x)).collect()
    }

    fn sse(sorted: &[f64], breaks: &[f64]) -> f64 {
        let c = Classification {
            breaks: breaks.to_vec(),
            counts: vec![],
            no_data: 0,
        };
        let mut groups = vec![Vec::new(); c.classes()];
        for &v in sorted {
            groups[c.class_of(v).unwrap()].push(v);
        }
        groups
            .iter()
            .filter(|g| !g.is_empty())
            .map(|g| {
                let m = g.iter().sum::<f64>() / g.len() as f64;
                g.iter().map(|v| (v - m) * (v - m)).sum::<f64>()
            })
            .sum()
    }

    /// Every way to cut sorted distinct values into k non-empty runs.
    fn brute_force_breaks(sorted: &[f64], k: usize) -> Vec<f64> {
        fn rec(n: usize, k: usize, from: usize, cuts: &mut Vec<usize>, all: &mut Vec<Vec<usize>>) {
            if cuts.len() == k - 1 {
                all.push(cuts.clone());
                return;
            }
            for c in from..n - 1 {
                cuts.push(c);
                rec(n, k, c + 1, cuts, all);
                cuts.pop();
            }
        }
        let mut all = Vec::new();
        rec(sorted.len(), k, 0, &mut Vec::new(), &mut all);
        let to_breaks = |cuts: &Vec<usize>| {
            let mut b = vec![sorted[0]];
            b.extend(cuts.iter().map(|&c| sorted[c]));
            b.push(sorted[sorted.len() - 1]);
            b
        };
        all.iter()
            .map(to_breaks)
            .min_by(|a, b| sse(sorted, a).total_cmp(&sse(sorted, b)))
            .unwrap()
    }

    /// Fisher's O(k·n²) dynamic programme, the reference for the fast one.
    fn fisher_sse(sorted: &[f64], k: usize) -> f64 {
        let n = sorted.len();
        let cost = |i: usize, j: usize| {
            let g = &sorted[i..=j];
            let m = g.iter().sum::<f64>() / g.len() as f64;
            g.iter().map(|v| (v - m) * (v - m)).sum::<f64>()
        };
        let mut d: Vec<f64> = (0..n).map(|j| cost(0, j)).collect();
        for _ in 1..k {
            let mut next = vec![f64::INFINITY; n];
            for (j, slot) in next.iter_mut().enumerate() {
                for s in 1..=j {
                    *slot = slot.min(d[s - 1] + cost(s, j));
                }
            }
            d = next;
        }
        d[n - 1]
    }

    /// Deterministic pseudo-random values (xorshift), skewed like rates.
    fn sample(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                (u * u * 1000.0).round() / 10.0
            })
            .collect()
    }

    #[test]
    fn jenks_classic_example() {
        let v = [1.0, 2.0, 4.0, 5.0, 7.0, 9.0, 10.0, 20.0];
        // Brute force over all 21 partitions: {1,2,4,5} {7,9,10} {20},
        // SSE 10 + 4.667 + 0.
        let expected = brute_force_breaks(&v, 3);
        assert_eq!(expected, [1.0, 5.0, 10.0, 20.0]);
        let c = classify(&some(&v), &Method::Jenks, 3).unwrap();
        assert_eq!(c.breaks, expected);
        assert_eq!(c.counts, [4, 3, 1]);
        assert!((sse(&v, &c.breaks) - 14.0 - 2.0 / 3.0).abs() < 1e-12);
        // k = 5 has a unique optimum (SSE 1.5); k = 4 has two, {4,5}{7,9,10}
        // and {4,5,7}{9,10}, both SSE 17/3: only the SSE is asserted there.
        let c5 = classify(&some(&v), &Method::Jenks, 5).unwrap();
        assert_eq!(c5.breaks, [1.0, 2.0, 5.0, 7.0, 10.0, 20.0]);
        assert_eq!(c5.breaks, brute_force_breaks(&v, 5));
        let c4 = classify(&some(&v), &Method::Jenks, 4).unwrap();
        assert!((sse(&v, &c4.breaks) - 17.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn jenks_matches_fisher_on_random_data() {
        for seed in 1..=6 {
            let mut v = sample(120 + seed as usize * 7, seed);
            let c = classify(&some(&v), &Method::Jenks, 3 + seed as usize).unwrap();
            v.sort_unstable_by(f64::total_cmp);
            let mut distinct = v.clone();
            distinct.dedup();
            let best = fisher_sse(&v, c.classes());
            let got = sse(&v, &c.breaks);
            assert!(
                (got - best).abs() <= 1e-9 * best.max(1.0),
                "seed {seed}: {got} vs {best}"
            );
            assert_eq!(c.counts.iter().sum::<usize>(), v.len());
        }
    }

    #[test]
    fn jenks_on_35000_values() {
        let v = sample(35_000, 42);
        let c = classify(&some(&v), &Method::Jenks, 9).unwrap();
        assert_eq!(c.classes(), 9);
        assert_eq!(c.counts.iter().sum::<usize>(), 35_000);
        assert!(c.counts.iter().all(|&n| n > 0));
        assert!(c.breaks.windows(2).all(|w| w[0] < w[1]), "{:?}", c.breaks);
        assert_eq!(c.breaks[0], 0.0);
        assert_eq!(c.breaks[9], 100.0);
    }

    /// `cargo test --release --lib jenks_timing -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release"]
    fn jenks_timing() {
        for (n, distinct) in [
            (35_000, "~1000 distinct"),
            (35_000, "all distinct"),
            (1_000_000, "all distinct, grouped"),
        ] {
            let v: Vec<Option<f64>> = if distinct.starts_with('~') {
                some(&sample(n, 7))
            } else {
                (0..n)
                    .map(|i| Some((i as f64 * 0.618_034).fract() * 100.0 + i as f64 * 1e-6))
                    .collect()
            };
            let t = std::time::Instant::now();
            let c = classify(&v, &Method::Jenks, 9).unwrap();
            let ms = t.elapsed().as_secs_f64() * 1e3;
            println!(
                "jenks n={n} ({distinct}) k=9: {ms:.1} ms, breaks {:?}",
                c.breaks
            );
            assert!(ms < 200.0);
        }
    }

    #[test]
    fn jenks_with_few_distinct_values() {
        let v = some(&[3.0, 3.0, 1.0, 1.0, 1.0]);
        let c = classify(&v, &Method::Jenks, 5).unwrap();
        assert_eq!(c.breaks, [1.0, 1.0, 3.0]);
        assert_eq!(c.counts, [3, 2]);
        let three = some(&[1.0, 2.0, 3.0, 3.0]);
        let c = classify(&three, &Method::Jenks, 3).unwrap();
        assert_eq!(
            (c.breaks, c.counts),
            (vec![1.0, 1.0, 2.0, 3.0], vec![1, 1, 2])
        );
    }

    #[test]
    fn quantile_counts() {
        let v: Vec<Option<f64>> = (1..=10).map(|i| Some(f64::from(i))).collect();
        let c = classify(&v, &Method::Quantiles, 3).unwrap();
        assert_eq!(c.breaks, [1.0, 4.0, 7.0, 10.0]);
        assert_eq!(c.counts, [4, 3, 3]);
        let v: Vec<Option<f64>> = (0..1000).rev().map(|i| Some(f64::from(i))).collect();
        let c = classify(&v, &Method::Quantiles, 7).unwrap();
        assert_eq!(c.counts, [143, 143, 143, 143, 143, 143, 142]);
        assert_eq!(
            c.breaks,
            [0.0, 142.0, 285.0, 428.0, 571.0, 714.0, 857.0, 999.0]
        );
        // Ties: six zeros fill the first three quintiles, which merge.
        let tied = some(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0]);
        let c = classify(&tied, &Method::Quantiles, 5).unwrap();
        assert_eq!(c.breaks, [0.0, 0.0, 2.0, 4.0]);
        assert_eq!(c.counts, [6, 2, 2]);
    }

    #[test]
    fn equal_interval_breaks() {
        let v: Vec<Option<f64>> = (0..=100).map(|i| Some(f64::from(i))).collect();
        let c = classify(&v, &Method::EqualIntervals, 4).unwrap();
        assert_eq!(c.breaks, [0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(c.counts, [26, 25, 25, 25]);
        // Empty middle classes are kept: equal widths are the point.
        let gap = some(&[0.0, 1.0, 9.0, 10.0]);
        let c = classify(&gap, &Method::EqualIntervals, 5).unwrap();
        assert_eq!(c.breaks, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(c.counts, [2, 0, 0, 0, 2]);
    }

    #[test]
    fn manual_thresholds() {
        let v = some(&[5.0, 12.0, 15.0, 20.0, 31.0]);
        let c = classify(&v, &Method::Manual(vec![10.0, 20.0, 30.0]), 4).unwrap();
        assert_eq!(c.breaks, [5.0, 10.0, 20.0, 30.0, 31.0]);
        assert_eq!(c.counts, [1, 3, 0, 1]);
        // Data inside one threshold band: outer classes exist, empty.
        let c = classify(&some(&[14.0, 16.0]), &Method::Manual(vec![10.0, 20.0]), 3).unwrap();
        assert_eq!(
            (c.breaks, c.counts),
            (vec![10.0, 10.0, 20.0, 20.0], vec![0, 2, 0])
        );
        assert_eq!(
            classify(&v, &Method::Manual(vec![10.0, 20.0]), 4),
            Err(ClassifyError::ManualCount {
                classes: 4,
                thresholds: 2
            })
        );
        for bad in [vec![20.0, 10.0], vec![10.0, 10.0], vec![f64::NAN, 1.0]] {
            assert_eq!(
                classify(&v, &Method::Manual(bad), 3),
                Err(ClassifyError::ManualOrder)
            );
        }
    }

    #[test]
    fn degenerate_inputs() {
        for m in [Method::Quantiles, Method::Jenks, Method::EqualIntervals] {
            let empty = classify(&[], &m, 5).unwrap();
            assert_eq!(empty, Classification::default());
            assert_eq!(empty.class_of(1.0), None);
            let missing = classify(&[None, Some(f64::NAN), Some(f64::INFINITY)], &m, 5).unwrap();
            assert_eq!((missing.classes(), missing.no_data), (0, 3));
            let same = classify(&some(&[7.0; 12]), &m, 5).unwrap();
            assert_eq!((same.breaks, same.counts), (vec![7.0, 7.0], vec![12]));
        }
        for k in [0, 1, 2, 10, usize::MAX] {
            assert_eq!(
                classify(&[Some(1.0)], &Method::Jenks, k),
                Err(ClassifyError::ClassCount(k))
            );
        }
        let c = classify(&some(&[-0.0, 0.0, 1.0, 2.0, 3.0]), &Method::Quantiles, 3).unwrap();
        assert_eq!(c.counts.iter().sum::<usize>(), 5);
        assert_eq!(
            ClassifyError::ClassCount(12).to_string(),
            "12 classes asked for; choose between 3 and 9"
        );
    }

    #[test]
    fn class_of_edges() {
        let c = classify(&some(&[0.0, 10.0, 20.0, 30.0]), &Method::EqualIntervals, 3).unwrap();
        assert_eq!(c.breaks, [0.0, 10.0, 20.0, 30.0]);
        assert_eq!(c.class_of(-5.0), Some(0));
        assert_eq!(c.class_of(10.0), Some(0));
        assert_eq!(c.class_of(10.000_001), Some(1));
        assert_eq!(c.class_of(30.0), Some(2));
        assert_eq!(c.class_of(1e300), Some(2));
        assert_eq!(c.class_of(f64::NAN), None);
        assert_eq!(c.counts, [2, 1, 1]);
        // Hand-made classifications never panic.
        let odd = Classification {
            breaks: vec![5.0],
            counts: vec![],
            no_data: 0,
        };
        assert_eq!(odd.class_of(5.0), None);
    }

    #[test]
    fn method_names() {
        for m in [Method::Quantiles, Method::Jenks, Method::EqualIntervals] {
            assert_eq!(Method::from_name(m.name()), Some(m));
        }
        assert_eq!(Method::from_name("Jenks"), Some(Method::Jenks));
        assert_eq!(Method::from_name("manual"), None);
        assert_eq!(Method::Manual(vec![]).name(), "manual");
    }
}
