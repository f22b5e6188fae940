//! Numeric and sorting helpers that keep kilobytes of wasm out of the
//! browser module: Rust's float formatting, and copies of the sort.

use std::cmp::Ordering;

/// Sorts `indices` by `order` (an unstable sort, as `sort_unstable_by`).
/// Each distinct comparator given to `sort_unstable_by` compiles its own
/// copy of the sort (about 2.5 KB of wasm each); the sorts of indices go
/// through this one copy, at the price of an indirect call per comparison.
///
/// ```
/// let names = ["Lens", "Arras", "Calais"];
/// let mut order = vec![0, 1, 2];
/// maillage::num::sort_indices(&mut order, &|a, b| names[a].cmp(names[b]));
/// assert_eq!(order, [1, 2, 0]);
/// ```
pub fn sort_indices(indices: &mut [usize], order: &dyn Fn(usize, usize) -> Ordering) {
    indices.sort_unstable_by(|&a, &b| order(a, b));
}

/// `f64::clamp` without its `assert!(min <= max, "… {min:?} …")`, whose
/// message alone links the float formatter into the module. NaN stays NaN,
/// as with `f64::clamp`; bounds in the wrong order give `hi` or `lo`
/// instead of a panic.
pub trait ClampTo {
    /// `self` brought into `lo..=hi`.
    fn clamp_to(self, lo: f64, hi: f64) -> f64;
}

impl ClampTo for f64 {
    fn clamp_to(self, lo: f64, hi: f64) -> f64 {
        if self < lo {
            lo
        } else if self > hi {
            hi
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ClampTo;

    #[test]
    fn clamps_like_the_standard_library() {
        assert_eq!(5.0.clamp_to(0.0, 1.0), 1.0);
        assert_eq!((-5.0).clamp_to(0.0, 1.0), 0.0);
        assert_eq!(0.25.clamp_to(0.0, 1.0), 0.25);
        assert!(f64::NAN.clamp_to(0.0, 1.0).is_nan());
        assert_eq!(2.0.clamp_to(3.0, 1.0), 3.0);
    }
}
