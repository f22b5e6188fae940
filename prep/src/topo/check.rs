//! Sanity checks of a topology: side consistency and segment crossings.

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo_types::Coord;

use super::build::Topology;

/// Counts from [`Topology::check`]; all zero but `outer_arcs` on a clean
/// partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TopologyCheck {
    /// Arcs in use.
    pub arcs: usize,
    /// Arcs with the outside on one side (coast, border, unfilled holes).
    pub outer_arcs: usize,
    /// Arcs with two or more polygons on the same side: overlapping polygons.
    pub overlapping_arcs: usize,
    /// Arcs with the same polygon on both sides (a polygon touching itself
    /// along an edge: its dissolve was not complete).
    pub self_adjacent_arcs: usize,
    /// Pairs of arcs whose segments cross, overlap or touch away from
    /// shared vertices (see [`Topology::crossings`]).
    pub crossings: usize,
}

/// One segment between two consecutive coordinates of an arc.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segment {
    pub(crate) arc: usize,
    /// Indices in `Topology::coords` of its ends (may skip vertices when
    /// the arc is being simplified).
    pub(crate) i: usize,
    pub(crate) j: usize,
    pub(crate) a: Coord<f64>,
    pub(crate) b: Coord<f64>,
}

impl Topology {
    /// Side consistency and crossing counts, to assert in tests that a
    /// layer is a clean partition: with no crossings, each side of each arc
    /// used at most once and no self-adjacency, polygons cannot overlap; the
    /// outer arcs then delimit exactly the covered area (compare them, or
    /// the dissolved union, with the source's to rule out gaps).
    pub fn check(&self) -> TopologyCheck {
        let mut c = TopologyCheck::default();
        for a in 0..self.arcs.len() {
            let uses = self.arc_uses(a);
            if uses.is_empty() {
                continue;
            }
            c.arcs += 1;
            let left = uses.iter().filter(|u| !u.reversed).count();
            let right = uses.len() - left;
            if left == 0 || right == 0 {
                c.outer_arcs += 1;
            }
            if left > 1 || right > 1 {
                c.overlapping_arcs += 1;
            }
            let (l, r) = self.arc_sides(a);
            if l.is_some() && l == r {
                c.self_adjacent_arcs += 1;
            }
        }
        c.crossings = self.crossings().len();
        c
    }

    /// Pairs of arcs `(a, b)`, `a <= b`, with segments that intersect other
    /// than at a shared endpoint (proper crossings, T-contacts, collinear
    /// overlaps; `a == b` for an arc crossing itself). Sorted, no duplicates.
    /// Cost: one sort of the segments' grid cells, O(n log n).
    pub fn crossings(&self) -> Vec<(usize, usize)> {
        let segs = self.used_segments(|_, _| true);
        let mut pairs: Vec<(usize, usize)> = bad_pairs(&segs, &|_| true)
            .into_iter()
            .map(|(s, t)| {
                let (a, b) = (segs[s].arc, segs[t].arc);
                (a.min(b), a.max(b))
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Segments of arcs used by some ring, between coordinates for which
    /// `keep(arc, index)` holds (endpoints are always included).
    pub(crate) fn used_segments(&self, keep: impl Fn(usize, usize) -> bool) -> Vec<Segment> {
        let mut segs = Vec::new();
        for (arc, a) in self.arcs.iter().enumerate() {
            if a.uses_end == a.uses_start || a.end < a.start + 2 {
                continue;
            }
            let mut i = a.start;
            for j in a.start + 1..a.end {
                if j + 1 == a.end || keep(arc, j) {
                    segs.push(Segment {
                        arc,
                        i,
                        j,
                        a: self.coords[i],
                        b: self.coords[j],
                    });
                    i = j;
                }
            }
        }
        segs
    }
}

/// Whether two segments intersect other than at exactly one shared endpoint
/// (where they may only meet, not run along each other).
pub(crate) fn segments_conflict(
    p1: Coord<f64>,
    p2: Coord<f64>,
    q1: Coord<f64>,
    q2: Coord<f64>,
) -> bool {
    if p1 == p2 || q1 == q2 {
        return false; // zero-length: nothing to cross
    }
    let shared = [
        (p1, p2, q1, q2),
        (p1, p2, q2, q1),
        (p2, p1, q1, q2),
        (p2, p1, q2, q1),
    ]
    .into_iter()
    .filter(|(a, _, c, _)| a == c)
    .map(|(s, p, _, q)| (s, p, q))
    .collect::<Vec<_>>();
    match shared.len() {
        0 => {}
        1 => {
            // Meeting at one end is fine unless they fold onto each other.
            let (s, p, q) = shared[0];
            return RobustKernel::orient2d(s, p, q) == Orientation::Collinear
                && (p.x - s.x) * (q.x - s.x) + (p.y - s.y) * (q.y - s.y) > 0.0;
        }
        _ => return true, // same segment twice
    }
    let o1 = RobustKernel::orient2d(p1, p2, q1);
    let o2 = RobustKernel::orient2d(p1, p2, q2);
    let o3 = RobustKernel::orient2d(q1, q2, p1);
    let o4 = RobustKernel::orient2d(q1, q2, p2);
    use Orientation::Collinear;
    if o1 != o2
        && o3 != o4
        && o1 != Collinear
        && o2 != Collinear
        && o3 != Collinear
        && o4 != Collinear
    {
        return true;
    }
    let on = |a: Coord<f64>, b: Coord<f64>, p: Coord<f64>| {
        p.x >= a.x.min(b.x) && p.x <= a.x.max(b.x) && p.y >= a.y.min(b.y) && p.y <= a.y.max(b.y)
    };
    (o1 == Collinear && on(p1, p2, q1))
        || (o2 == Collinear && on(p1, p2, q2))
        || (o3 == Collinear && on(q1, q2, p1))
        || (o4 == Collinear && on(q1, q2, p2))
}

/// Index pairs `(s, t)`, `s < t`, of conflicting segments where at least one
/// of the two is `queried`. Uniform grid sized on the mean segment extent;
/// cells are found by sorting `(cell, segment)` entries, so sparse extents
/// (overseas départements) cost nothing. Sorted, without duplicates.
pub(crate) fn bad_pairs(segs: &[Segment], queried: &dyn Fn(usize) -> bool) -> Vec<(usize, usize)> {
    if segs.len() < 2 {
        return Vec::new();
    }
    let (mut min, mut max) = (segs[0].a, segs[0].a);
    let mut extent = 0.0;
    for s in segs {
        min.x = min.x.min(s.a.x).min(s.b.x);
        min.y = min.y.min(s.a.y).min(s.b.y);
        max.x = max.x.max(s.a.x).max(s.b.x);
        max.y = max.y.max(s.a.y).max(s.b.y);
        extent += (s.a.x - s.b.x).abs().max((s.a.y - s.b.y).abs());
    }
    // Twice the mean segment extent, but no more than 2^16 cells across
    // the whole extent, which bounds the cells one segment can cover.
    let span = (max.x - min.x).max(max.y - min.y);
    let mut cell = (2.0 * extent / segs.len() as f64).max(span / 65_536.0);
    if !(cell.is_finite() && cell > 0.0) {
        cell = 1.0;
    }
    let key = |v: f64, m: f64| (((v - m) / cell).floor().max(0.0) as u64).min(1 << 30);
    let mut entries: Vec<(u64, u32)> = Vec::with_capacity(segs.len() * 4);
    for (k, s) in segs.iter().enumerate() {
        // Cells along the segment, column by column (not its whole bbox:
        // long diagonal segments would cover quadratically many), one cell
        // of slack in y against rounding at cell edges.
        let (l, r) = if s.a.x <= s.b.x {
            (s.a, s.b)
        } else {
            (s.b, s.a)
        };
        let (x0, x1) = (key(l.x, min.x), key(r.x, min.x));
        for x in x0..=x1 {
            let (ya, yb) = if x0 == x1 || r.x == l.x {
                (l.y, r.y)
            } else {
                let cx0 = (min.x + x as f64 * cell).max(l.x);
                let cx1 = (min.x + (x + 1) as f64 * cell).min(r.x);
                let t0 = ((cx0 - l.x) / (r.x - l.x)).clamp(0.0, 1.0);
                let t1 = ((cx1 - l.x) / (r.x - l.x)).clamp(0.0, 1.0);
                (l.y + t0 * (r.y - l.y), l.y + t1 * (r.y - l.y))
            };
            let y0 = key(ya.min(yb), min.y).saturating_sub(1);
            let y1 = key(ya.max(yb), min.y) + 1;
            for y in y0..=y1 {
                entries.push(((x << 32) | y, k as u32));
            }
        }
    }
    entries.sort_unstable();
    let mut out = Vec::new();
    let mut g = 0;
    while g < entries.len() {
        let mut h = g;
        while h < entries.len() && entries[h].0 == entries[g].0 {
            h += 1;
        }
        let cell_segs = &entries[g..h];
        for (x, &(_, s)) in cell_segs.iter().enumerate() {
            let s = s as usize;
            let qs = queried(s);
            let sa = &segs[s];
            for &(_, t) in &cell_segs[x + 1..] {
                let t = t as usize;
                if !(qs || queried(t)) {
                    continue;
                }
                let tb = &segs[t];
                if sa.a.x.max(sa.b.x) < tb.a.x.min(tb.b.x)
                    || tb.a.x.max(tb.b.x) < sa.a.x.min(sa.b.x)
                    || sa.a.y.max(sa.b.y) < tb.a.y.min(tb.b.y)
                    || tb.a.y.max(tb.b.y) < sa.a.y.min(sa.b.y)
                {
                    continue;
                }
                if segments_conflict(sa.a, sa.b, tb.a, tb.b) {
                    out.push((s.min(t), s.max(t)));
                }
            }
        }
        g = h;
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::super::build::tests::grid;
    use super::*;
    use geo_types::{coord, polygon, MultiPolygon};

    #[test]
    fn conflict_cases() {
        let c = |x: f64, y: f64| coord! { x: x, y: y };
        // Proper crossing.
        assert!(segments_conflict(
            c(0., 0.),
            c(2., 2.),
            c(0., 2.),
            c(2., 0.)
        ));
        // Shared endpoint, different directions: fine.
        assert!(!segments_conflict(
            c(0., 0.),
            c(1., 0.),
            c(0., 0.),
            c(0., 1.)
        ));
        // Shared endpoint, folding back along each other.
        assert!(segments_conflict(
            c(0., 0.),
            c(2., 0.),
            c(0., 0.),
            c(1., 0.)
        ));
        // Shared endpoint, collinear but opposite: a straight continuation.
        assert!(!segments_conflict(
            c(0., 0.),
            c(1., 0.),
            c(1., 0.),
            c(2., 0.)
        ));
        // T-contact and collinear overlap without shared vertices.
        assert!(segments_conflict(
            c(0., 0.),
            c(2., 0.),
            c(1., 0.),
            c(1., 1.)
        ));
        assert!(segments_conflict(
            c(0., 0.),
            c(2., 0.),
            c(1., 0.),
            c(3., 0.)
        ));
        // Same segment twice, and disjoint.
        assert!(segments_conflict(
            c(0., 0.),
            c(1., 1.),
            c(1., 1.),
            c(0., 0.)
        ));
        assert!(!segments_conflict(
            c(0., 0.),
            c(1., 0.),
            c(0., 1.),
            c(1., 1.)
        ));
    }

    #[test]
    fn clean_grid_and_overlap_detection() {
        let topo = Topology::build(&grid(3, 0.0, 0.0, 1.0));
        let c = topo.check();
        assert_eq!(
            c,
            TopologyCheck {
                arcs: 20,
                outer_arcs: 8,
                overlapping_arcs: 0,
                self_adjacent_arcs: 0,
                crossings: 0
            }
        );
        // A square straddling two others: crossings, no shared arcs.
        let mut polys = grid(2, 0.0, 0.0, 1.0);
        polys.push(MultiPolygon(vec![
            polygon![(x: 0.5, y: 0.5), (x: 1.5, y: 0.5), (x: 1.5, y: 1.5), (x: 0.5, y: 1.5)],
        ]));
        let c = Topology::build(&polys).check();
        assert!(c.crossings > 0);
        // The same square twice: every arc used twice on one side.
        let polys = vec![
            grid(1, 0.0, 0.0, 1.0)[0].clone(),
            grid(1, 0.0, 0.0, 1.0)[0].clone(),
        ];
        let c = Topology::build(&polys).check();
        assert_eq!(c.overlapping_arcs, 1);
        assert_eq!(c.crossings, 0);
    }
}
