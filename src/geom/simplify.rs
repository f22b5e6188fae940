//! Douglas–Peucker polyline simplification on plain planar coordinates.
//!
//! The algorithm is exposed as per-vertex *weights* rather than a single
//! kept-index list: a vertex survives tolerance `t` iff its weight is `> t`.
//! Weights are computed once and then serve every zoom level, and a caller
//! that must keep extra vertices (e.g. so that a ring does not collapse, or to
//! undo a crossing) can add them back in weight order, which is exactly the
//! order Douglas–Peucker would have added them.
//!
//! Coordinates must be in a locally metric space (see
//! [`super::project::local_metres`]) for the tolerance to mean a distance.

use crate::num::ClampTo;

/// Douglas–Peucker weights: `weights[i]` is the largest tolerance at which
/// vertex `i` is still kept. Both endpoints get `f64::INFINITY`.
///
/// The weight of a split vertex is its distance to the chord of the sub-range
/// it splits, clamped to its parent's weight, so that "weight > t" reproduces
/// recursive Douglas–Peucker with tolerance `t` exactly. Closed polylines
/// (first point equal to the last) work: the first split is then the point
/// farthest from the start. Runs without recursion (no stack overflow on
/// long coastlines); O(n log n) typical.
pub fn douglas_peucker_weights(points: &[[f64; 2]]) -> Vec<f64> {
    let n = points.len();
    let mut weights = vec![0.0; n];
    if n == 0 {
        return weights;
    }
    weights[0] = f64::INFINITY;
    weights[n - 1] = f64::INFINITY;
    let mut stack: Vec<(usize, usize, f64)> = vec![(0, n - 1, f64::INFINITY)];
    while let Some((i, j, parent)) = stack.pop() {
        if j <= i + 1 {
            continue;
        }
        let (a, b) = (points[i], points[j]);
        let mut best = i + 1;
        let mut best_d2 = -1.0;
        for (k, p) in points.iter().enumerate().take(j).skip(i + 1) {
            let d2 = segment_distance2(*p, a, b);
            // Strict '>' keeps the first of equally distant points: deterministic.
            if d2 > best_d2 {
                best_d2 = d2;
                best = k;
            }
        }
        let w = best_d2.max(0.0).sqrt().min(parent);
        weights[best] = w;
        stack.push((i, best, w));
        stack.push((best, j, w));
    }
    weights
}

/// Indices of the vertices kept by Douglas–Peucker at `tolerance` (same units
/// as the points), in increasing order; endpoints are always kept.
pub fn douglas_peucker(points: &[[f64; 2]], tolerance: f64) -> Vec<usize> {
    douglas_peucker_weights(points)
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > tolerance)
        .map(|(i, _)| i)
        .collect()
}

/// Squared distance from `p` to the segment `[a, b]` (to `a` if degenerate).
pub fn segment_distance2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let (px, py) = (p[0] - a[0], p[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        ((px * dx + py * dy) / len2).clamp_to(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (px - t * dx, py - t * dy);
    ex * ex + ey * ey
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_polyline_keeps_expected_indices() {
        // Deviations from the chord (0,0)-(5,0): 0.1, 3, 0.5, 2. Expected
        // indices come from a plain recursive Douglas–Peucker reference.
        let pts = [
            [0.0, 0.0],
            [1.0, 0.1],
            [2.0, 3.0],
            [3.0, 0.5],
            [4.0, -2.0],
            [5.0, 0.0],
        ];
        // Index 3 lies exactly on the chord (2,3)-(4,-2): weight 0, so it
        // goes even at tolerance 0 (collinear vertices carry no shape).
        assert_eq!(douglas_peucker(&pts, 0.0), vec![0, 1, 2, 4, 5]);
        assert_eq!(douglas_peucker(&pts, 0.5), vec![0, 1, 2, 4, 5]);
        // (1,0.1) is 2.8/sqrt(13) = 0.777 from the chord (0,0)-(2,3).
        assert_eq!(douglas_peucker(&pts, 1.0), vec![0, 2, 4, 5]);
        assert_eq!(douglas_peucker(&pts, 2.0), vec![0, 2, 4, 5]);
        // (4,-2) is sqrt(5) = 2.236 from the segment (2,3)-(5,0) (its foot
        // falls past the end, so the distance is to the endpoint (5,0)).
        assert_eq!(douglas_peucker(&pts, 2.5), vec![0, 2, 5]);
        assert_eq!(douglas_peucker(&pts, 10.0), vec![0, 5]);
        let w = douglas_peucker_weights(&pts);
        assert_eq!(w[2], 3.0);
        assert!((w[4] - 5f64.sqrt()).abs() < 1e-12);
        assert!(w[0].is_infinite() && w[5].is_infinite());
    }

    #[test]
    fn weights_are_clamped_by_parent() {
        // (1,1) is the farthest from the chord (d = 1); (5,-0.9) is only 0.9
        // from it but 13.1/sqrt(82) = 1.447 from its own sub-chord (1,1)-(10,0):
        // Douglas–Peucker never looks at it once (1,1) is dropped.
        let pts = [[0.0, 0.0], [1.0, 1.0], [5.0, -0.9], [10.0, 0.0]];
        let w = douglas_peucker_weights(&pts);
        assert_eq!(w[1], 1.0);
        assert_eq!(w[2], 1.0);
        assert_eq!(douglas_peucker(&pts, 1.2), vec![0, 3]);
        assert_eq!(douglas_peucker(&pts, 0.95), vec![0, 1, 2, 3]);
    }

    #[test]
    fn closed_and_degenerate_inputs() {
        assert!(douglas_peucker(&[], 1.0).is_empty());
        assert_eq!(douglas_peucker(&[[1.0, 1.0]], 1.0), vec![0]);
        assert_eq!(douglas_peucker(&[[1.0, 1.0], [1.0, 1.0]], 1.0), vec![0, 1]);
        // Closed square: first split is the opposite corner (index 2).
        let sq = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let w = douglas_peucker_weights(&sq);
        assert!((w[2] - 2f64.sqrt()).abs() < 1e-12);
        // Corners 1 and 3 are 1/sqrt(2) from the diagonal chords.
        assert!((w[1] - 0.5f64.sqrt()).abs() < 1e-12);
        assert!((w[3] - 0.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(douglas_peucker(&sq, 1.2), vec![0, 2, 4]);
        assert_eq!(douglas_peucker(&sq, 0.5), vec![0, 1, 2, 3, 4]);
        // Repeated points do not break anything.
        let rep = [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [2.0, 0.0]];
        assert_eq!(douglas_peucker(&rep, 0.5), vec![0, 2, 4]);
    }

    #[test]
    fn segment_distance() {
        assert_eq!(segment_distance2([0.0, 1.0], [-1.0, 0.0], [1.0, 0.0]), 1.0);
        assert_eq!(segment_distance2([3.0, 0.0], [-1.0, 0.0], [1.0, 0.0]), 4.0);
        assert_eq!(segment_distance2([3.0, 4.0], [0.0, 0.0], [0.0, 0.0]), 25.0);
    }
}
