//! Pole of inaccessibility: the point of a polygon farthest from its edges,
//! where a label sits best (a centroid can fall outside a crescent or into a
//! bay). After mapbox's `polylabel`: square cells searched best-first, each
//! bounding how far from the edges any of its points can be.
//!
//! ```
//! use maillage::geom::polylabel::polylabel;
//! // An L of arms 1 wide: its pole is in the corner, 2 − √2 from the
//! // outer edges and the inner corner.
//! let l = vec![vec![[0.0, 0.0], [3.0, 0.0], [3.0, 1.0], [1.0, 1.0], [1.0, 3.0], [0.0, 3.0], [0.0, 0.0]]];
//! let (p, d) = polylabel(&l, 0.01, 1000).unwrap();
//! assert!((d - (2.0 - 2f64.sqrt())).abs() < 0.01 && p[0] < 1.0 && p[1] < 1.0, "{p:?} {d}");
//! ```

use crate::num::ClampTo;

/// A square cell: centre, half side, signed distance of the centre to the
/// polygon (positive inside) and the best distance any point of it may have.
#[derive(Debug, Clone, Copy)]
struct Cell {
    c: [f64; 2],
    h: f64,
    d: f64,
    max: f64,
}

impl Cell {
    fn new(c: [f64; 2], h: f64, rings: &[Vec<[f64; 2]>]) -> Cell {
        let d = signed_distance(c, rings);
        Cell {
            c,
            h,
            d,
            max: d + h * std::f64::consts::SQRT_2,
        }
    }
}

/// The pole of inaccessibility of a polygon (first ring outer, the others
/// holes; even-odd rule) and its distance to the nearest edge, within
/// `precision` (the rings' units). At most `max_probes` distance
/// evaluations, so a hostile or huge ring costs a bounded time (the answer
/// is then coarser). A `precision` that is not positive means a 32nd of
/// the ring's larger side. `None` for a ring with no area or non-finite points.
pub fn polylabel(
    rings: &[Vec<[f64; 2]>],
    precision: f64,
    max_probes: usize,
) -> Option<([f64; 2], f64)> {
    let outer = rings.first()?;
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in outer {
        b = [
            b[0].min(p[0]),
            b[1].min(p[1]),
            b[2].max(p[0]),
            b[3].max(p[1]),
        ];
    }
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    if !(w.is_finite() && h.is_finite()) || w <= 0.0 || h <= 0.0 {
        return None;
    }
    // Square cells covering the box; larger ones for a long thin ring, so
    // that the cover alone stays within the probe budget.
    let budget = max_probes.max(4) as f64;
    let size = w.min(h).max((w * h / budget).sqrt()).max(w.max(h) / budget);
    let half = size / 2.0;
    // Cells to split, searched best bound first. A plain vector: with a
    // probe budget of a few hundred, a scan costs less than a heap weighs.
    let mut heap = Vec::new();
    let mut x = b[0];
    while x < b[2] {
        let mut y = b[1];
        while y < b[3] {
            heap.push(Cell::new([x + half, y + half], half, rings));
            y += size;
        }
        x += size;
    }
    let mut probes = heap.len();
    let mut best = Cell::new(centroid(outer).unwrap_or([b[0], b[1]]), 0.0, rings);
    let middle = Cell::new([b[0] + w / 2.0, b[1] + h / 2.0], 0.0, rings);
    if middle.d > best.d {
        best = middle;
    }
    let precision = if precision.is_finite() && precision > 0.0 {
        precision
    } else {
        w.max(h) / 32.0
    };
    while let Some(i) = (0..heap.len()).max_by(|&a, &b| heap[a].max.total_cmp(&heap[b].max)) {
        let cell: Cell = heap.swap_remove(i);
        if cell.d > best.d {
            best = cell;
        }
        // Cells come best bound first: none left can beat `best` by more.
        if cell.max - best.d <= precision || probes + 4 > max_probes {
            break;
        }
        let q = cell.h / 2.0;
        for (dx, dy) in [(-q, -q), (q, -q), (-q, q), (q, q)] {
            heap.push(Cell::new([cell.c[0] + dx, cell.c[1] + dy], q, rings));
        }
        probes += 4;
    }
    (best.d > 0.0).then_some((best.c, best.d))
}

/// Signed area of a ring (shoelace; positive when counter-clockwise with `y` up).
pub fn ring_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
        / 2.0
}

/// Area-weighted centroid of a ring, if it has an area.
fn centroid(ring: &[[f64; 2]]) -> Option<[f64; 2]> {
    let n = ring.len();
    let (mut cx, mut cy, mut a2) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        let cross = a[0] * b[1] - b[0] * a[1];
        cx += (a[0] + b[0]) * cross;
        cy += (a[1] + b[1]) * cross;
        a2 += cross;
    }
    (a2 != 0.0 && a2.is_finite()).then(|| [cx / (3.0 * a2), cy / (3.0 * a2)])
}

/// Distance from `p` to the nearest edge, positive inside (even-odd rule).
fn signed_distance(p: [f64; 2], rings: &[Vec<[f64; 2]>]) -> f64 {
    let mut inside = false;
    let mut best = f64::INFINITY;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            if (a[1] > p[1]) != (b[1] > p[1])
                && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
            {
                inside = !inside;
            }
            best = best.min(segment_distance_sq(p, a, b));
        }
    }
    let d = best.sqrt();
    if inside {
        d
    } else {
        -d
    }
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance_sq(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = dx * dx + dy * dy;
    let t = if len > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len).clamp_to(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    ex * ex + ey * ey
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    }

    #[test]
    fn a_rectangle_has_its_pole_on_its_middle_line() {
        let (p, d) = polylabel(&[rect(0.0, 0.0, 10.0, 4.0)], 0.001, 10_000).unwrap();
        assert!((d - 2.0).abs() < 1e-3, "{d}");
        assert!(
            (p[1] - 2.0).abs() < 1e-3 && (2.0..=8.0).contains(&p[0]),
            "{p:?}"
        );
        assert_eq!(ring_area(&rect(0.0, 0.0, 10.0, 4.0)), 40.0);
    }

    #[test]
    fn a_hole_pushes_the_pole_into_a_corner() {
        // A 12 × 12 square with a 4 × 4 hole in its middle. Beside the hole
        // the bands are 4 wide (distance 2); in a corner square, on the
        // diagonal x = y = t, the outer edges are t away and the hole's
        // corner √2·(4 − t): equal at t = 4√2 / (1 + √2) = 2.343 146.
        let rings = vec![rect(0.0, 0.0, 12.0, 12.0), rect(4.0, 4.0, 8.0, 8.0)];
        assert!(
            signed_distance([6.0, 6.0], &rings) < 0.0,
            "the hole is outside"
        );
        let (p, d) = polylabel(&rings, 1e-4, 10_000).unwrap();
        let t = 4.0 * 2f64.sqrt() / (1.0 + 2f64.sqrt());
        assert!((d - t).abs() < 1e-3, "{d}");
        let corner = |c: f64| (c - t).abs() < 0.01 || (c - (12.0 - t)).abs() < 0.01;
        assert!(corner(p[0]) && corner(p[1]), "{p:?}");
    }

    #[test]
    fn degenerate_and_hostile_rings_are_bounded() {
        assert_eq!(polylabel(&[], 0.1, 100), None);
        assert_eq!(
            polylabel(&[vec![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]], 0.1, 100),
            None
        );
        assert_eq!(
            polylabel(&[vec![[f64::NAN, 0.0], [1.0, 1.0], [0.0, 1.0]]], 0.1, 100),
            None
        );
        // A strip a billion times longer than wide: the cover is coarsened
        // to the budget instead of a billion cells; the answer stays inside.
        let strip = [rect(0.0, 0.0, 1e9, 1.0)];
        let (p, d) = polylabel(&strip, 1e-3, 500).unwrap();
        assert!(
            d > 0.0 && d <= 0.5 && signed_distance(p, &strip) > 0.0,
            "{p:?} {d}"
        );
    }
}
