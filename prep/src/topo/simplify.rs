//! Topology-preserving simplification: each shared arc is simplified once,
//! so neighbouring polygons keep exactly the same border.

use geo_types::Coord;
use maillage::geom::project::local_metres;
use maillage::geom::simplify::douglas_peucker_weights;

use super::area::ring_area_m2;
use super::build::{planar_area2, ArcData, RingData, Topology};
use super::check::bad_pairs;
use super::dissolve::{position, ring_contains_ring, Position};

/// Settings of [`Topology::simplify`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimplifyOptions {
    /// Douglas–Peucker tolerance in metres; `<= 0` keeps every vertex.
    pub tolerance_m: f64,
    /// Islands and holes smaller than this (m²) are dropped when nobody
    /// else uses their arcs and, for islands, when they are not their
    /// polygon's largest part. 0 keeps them all.
    pub min_ring_area_m2: f64,
    /// Restore vertices until no simplified segment crosses another and no
    /// ring was jumped over (left on the other side of a straightened arc).
    pub fix_crossings: bool,
}

impl SimplifyOptions {
    /// Tolerance only: no ring dropped, crossings fixed.
    pub fn new(tolerance_m: f64) -> Self {
        SimplifyOptions {
            tolerance_m,
            min_ring_area_m2: 0.0,
            fix_crossings: true,
        }
    }
}

/// Result of [`Topology::simplify`]: the simplified topology (same polygon
/// and arc indices) and what it took.
#[derive(Clone, Debug)]
pub struct Simplified {
    /// Same polygons and arcs, fewer vertices; dropped rings are gone.
    pub topology: Topology,
    /// Rings dropped as too small.
    pub dropped_rings: usize,
    /// Vertices put back so that no ring has fewer than 3 distinct
    /// vertices, zero area or a flipped orientation.
    pub restored_for_rings: usize,
    /// Vertices put back to undo crossings and jumps created by
    /// simplification.
    pub restored_for_crossings: usize,
    /// Simplified segment pairs still conflicting (0 unless the repair
    /// rounds ran out; conflicts already in the input are not counted).
    pub unresolved_crossings: usize,
    /// Holes found outside their exterior after simplification: a final
    /// verification, 0 unless `fix_crossings` was off.
    pub misplaced_holes: usize,
}

/// Crossing repair rounds; each restores at least one vertex.
const MAX_ROUNDS: usize = 64;

impl Topology {
    /// Simplifies every arc once with Douglas–Peucker in local metres, so
    /// shared borders stay shared: no gap, no overlap along them. Nodes are
    /// kept. Afterwards, per ring, the most significant dropped vertices are
    /// restored until it has ≥ 3 distinct vertices and its original
    /// orientation; then, with `fix_crossings`, vertices are restored (in
    /// Douglas–Peucker order) in every simplified segment that conflicts with
    /// another segment or that jumped over a ring (the ring's first node lies
    /// between the segment and the stretch it replaces), until none does.
    ///
    /// Limits: conflicts already in the input (ADMIN EXPRESS has a few
    /// overlapping communes) are left as they are, and the jump test assumes
    /// them absent near the stretch; rings are kept valid one by one, so a
    /// polygon can still come out with two of its parts touching.
    pub fn simplify(&self, opts: &SimplifyOptions) -> Simplified {
        let keep_ring = self.rings_to_keep(opts.min_ring_area_m2);
        let dropped_rings = keep_ring.iter().filter(|k| !**k).count();
        let mut active = vec![false; self.arcs.len()];
        for (ring, keep) in self.rings.iter().zip(&keep_ring) {
            if *keep {
                for r in &self.ring_arcs[ring.start..ring.end] {
                    active[r.arc] = true;
                }
            }
        }
        let mut out = Simplified {
            topology: Topology::default(),
            dropped_rings,
            restored_for_rings: 0,
            restored_for_crossings: 0,
            unresolved_crossings: 0,
            misplaced_holes: 0,
        };
        let simplify = opts.tolerance_m > 0.0;
        let mut weights = vec![f64::INFINITY; self.coords.len()];
        if simplify {
            let mut lonlat: Vec<[f64; 2]> = Vec::new();
            for (a, arc) in self.arcs.iter().enumerate() {
                if !active[a] {
                    continue;
                }
                lonlat.clear();
                lonlat.extend(self.coords[arc.start..arc.end].iter().map(|c| [c.x, c.y]));
                let w = douglas_peucker_weights(&local_metres(&lonlat));
                weights[arc.start..arc.end].copy_from_slice(&w);
            }
        }
        let mut kept: Vec<bool> = weights.iter().map(|w| *w > opts.tolerance_m).collect();
        if simplify {
            for (ring, keep) in self.rings.iter().zip(&keep_ring) {
                if *keep {
                    out.restored_for_rings += self.fix_ring(ring, &weights, &mut kept);
                }
            }
            if opts.fix_crossings {
                // Restoring vertices for a jumped ring may create a crossing
                // and the reverse: alternate until both are clean.
                for _ in 0..MAX_ROUNDS {
                    let (restored, unresolved) = self.fix_crossings(&weights, &mut kept);
                    out.restored_for_crossings += restored;
                    out.unresolved_crossings = unresolved;
                    let jumped = self.fix_jumps(&keep_ring, &weights, &mut kept);
                    out.restored_for_crossings += jumped;
                    if jumped == 0 {
                        break;
                    }
                }
            }
        }

        // Assemble the simplified topology: same arcs (unused ones reduced to
        // their nodes), kept rings only.
        let t = &mut out.topology;
        t.polygon_rings = vec![(0, 0); self.polygon_rings.len()];
        for (a, arc) in self.arcs.iter().enumerate() {
            let start = t.coords.len();
            let coords = &self.coords[arc.start..arc.end];
            let flags = &kept[arc.start..arc.end];
            let last = coords.len().saturating_sub(1);
            for (k, (c, f)) in coords.iter().zip(flags).enumerate() {
                if k == 0 || k == last || (active[a] && *f) {
                    t.coords.push(*c);
                }
            }
            t.arcs.push(ArcData {
                start,
                end: t.coords.len(),
                from: arc.from,
                to: arc.to,
                uses_start: 0,
                uses_end: 0,
            });
        }
        for (ring, keep) in self.rings.iter().zip(&keep_ring) {
            if *keep {
                let start = t.ring_arcs.len();
                t.ring_arcs
                    .extend_from_slice(&self.ring_arcs[ring.start..ring.end]);
                t.rings.push(RingData {
                    start,
                    end: t.ring_arcs.len(),
                    ..ring.clone()
                });
            }
        }
        t.index();
        if simplify {
            out.misplaced_holes = t.misplaced_holes();
        }
        out
    }

    /// Holes whose first vertex off the exterior is not inside it.
    fn misplaced_holes(&self) -> usize {
        let mut n = 0;
        let mut exterior: Vec<Coord<f64>> = Vec::new();
        for ring in &self.rings {
            let arcs = &self.ring_arcs[ring.start..ring.end];
            if !ring.hole {
                exterior = self.ring_coords(arcs);
            } else if !ring_contains_ring(&exterior, &self.ring_coords(arcs)) {
                n += 1;
            }
        }
        n
    }

    /// Which rings survive `min_area_m2` (see [`SimplifyOptions`]).
    fn rings_to_keep(&self, min_area_m2: f64) -> Vec<bool> {
        let mut keep = vec![true; self.rings.len()];
        if min_area_m2 <= 0.0 {
            return keep;
        }
        let alone = |ri: usize| {
            let r = &self.rings[ri];
            self.ring_arcs[r.start..r.end]
                .iter()
                .all(|a| self.arc_uses(a.arc).len() == 1)
        };
        let area = |ri: usize| {
            let r = &self.rings[ri];
            ring_area_m2(&self.ring_coords(&self.ring_arcs[r.start..r.end])).abs()
        };
        for &(s, e) in &self.polygon_rings {
            // Parts: an exterior and the holes that follow it.
            let mut parts: Vec<(usize, usize)> = Vec::new();
            for ri in s..e {
                if !self.rings[ri].hole || parts.is_empty() {
                    parts.push((ri, ri + 1));
                } else if let Some(p) = parts.last_mut() {
                    p.1 = ri + 1;
                }
            }
            let areas: Vec<f64> = parts.iter().map(|&(ps, _)| area(ps)).collect();
            let mut largest = 0;
            for (k, a) in areas.iter().enumerate() {
                if *a > areas[largest] {
                    largest = k;
                }
            }
            for (k, &(ps, pe)) in parts.iter().enumerate() {
                if k != largest && areas[k] < min_area_m2 && (ps..pe).all(alone) {
                    keep[ps..pe].iter_mut().for_each(|x| *x = false);
                    continue;
                }
                for (h, k) in keep.iter_mut().enumerate().take(pe).skip(ps + 1) {
                    if alone(h) && area(h) < min_area_m2 {
                        *k = false;
                    }
                }
            }
        }
        keep
    }

    /// Kept vertices of a ring, without the closing one.
    fn kept_ring(&self, ring: &RingData, kept: &[bool], out: &mut Vec<Coord<f64>>) {
        out.clear();
        for r in &self.ring_arcs[ring.start..ring.end] {
            let a = &self.arcs[r.arc];
            let range = a.start..a.end - 1; // the last one starts the next arc
            let is_kept = |i: usize| i == a.start || kept[i];
            if r.reversed {
                // Walking backwards, each arc contributes its end .. second.
                out.push(self.coords[a.end - 1]);
                for i in (a.start + 1..a.end - 1).rev() {
                    if is_kept(i) {
                        out.push(self.coords[i]);
                    }
                }
            } else {
                for i in range {
                    if is_kept(i) {
                        out.push(self.coords[i]);
                    }
                }
            }
        }
    }

    /// Restores vertices (best weight first) until the ring is valid;
    /// returns how many.
    fn fix_ring(&self, ring: &RingData, weights: &[f64], kept: &mut [bool]) -> usize {
        let mut pts = Vec::new();
        let mut restored = 0;
        loop {
            self.kept_ring(ring, kept, &mut pts);
            let a = planar_area2(pts.iter().copied());
            if pts.len() >= 3 && a != 0.0 && (a > 0.0) != ring.hole {
                return restored;
            }
            let mut best: Option<usize> = None;
            for r in &self.ring_arcs[ring.start..ring.end] {
                let arc = &self.arcs[r.arc];
                for i in arc.start + 1..arc.end.saturating_sub(1) {
                    if !kept[i] && best.is_none_or(|b| weights[i] > weights[b]) {
                        best = Some(i);
                    }
                }
            }
            match best {
                Some(i) => {
                    kept[i] = true;
                    restored += 1;
                }
                None => return restored,
            }
        }
    }

    /// Restores vertices of simplified segments that jumped over a ring:
    /// the ring's first node lies strictly between the segment and the
    /// stretch of arc it replaces, so the ring changed sides without any
    /// crossing. Returns how many vertices were restored.
    fn fix_jumps(&self, keep_ring: &[bool], weights: &[f64], kept: &mut [bool]) -> usize {
        let mut points: Vec<Coord<f64>> = self
            .rings
            .iter()
            .zip(keep_ring)
            .filter(|(_, k)| **k)
            .filter_map(|(r, _)| self.ring_arcs.get(r.start))
            .map(|a| {
                let arc = &self.arcs[a.arc];
                self.coords[if a.reversed { arc.end - 1 } else { arc.start }]
            })
            .collect();
        points.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        points.dedup();
        let segs = self.used_segments(|_, i| kept[i]);
        let mut restored = 0;
        let mut region: Vec<Coord<f64>> = Vec::new();
        for seg in segs.iter().filter(|s| s.j > s.i + 1) {
            let stretch = &self.coords[seg.i..=seg.j];
            let (mut min, mut max) = (stretch[0], stretch[0]);
            for c in stretch {
                min.x = min.x.min(c.x);
                min.y = min.y.min(c.y);
                max.x = max.x.max(c.x);
                max.y = max.y.max(c.y);
            }
            let lo = points.partition_point(|p| p.x < min.x);
            let inside = points[lo..]
                .iter()
                .take_while(|p| p.x <= max.x)
                .filter(|p| p.y >= min.y && p.y <= max.y)
                .any(|p| {
                    region.clear();
                    region.extend_from_slice(stretch);
                    region.push(stretch[0]);
                    position(*p, &region) == Position::Inside
                });
            if inside {
                let best = (seg.i + 1..seg.j)
                    .filter(|&i| !kept[i])
                    .max_by(|&x, &y| weights[x].total_cmp(&weights[y]).then(y.cmp(&x)));
                if let Some(i) = best {
                    kept[i] = true;
                    restored += 1;
                }
            }
        }
        restored
    }

    /// Restores vertices inside crossing simplified segments until no
    /// simplified segment conflicts with another; returns (restored, left).
    /// Conflicts between two original segments are the input's and ignored.
    fn fix_crossings(&self, weights: &[f64], kept: &mut [bool]) -> (usize, usize) {
        let mut restored = 0;
        let mut changed: Option<Vec<bool>> = None;
        for _ in 0..MAX_ROUNDS {
            let segs = self.used_segments(|_, i| kept[i]);
            let simplified = |s: usize| segs[s].j > segs[s].i + 1;
            // First round: simplified segments against all; later rounds:
            // the segments of arcs that just changed against all.
            let queried = |s: usize| match &changed {
                None => simplified(s),
                Some(c) => c[segs[s].arc],
            };
            let mut pairs = bad_pairs(&segs, &queried);
            pairs.retain(|&(s, t)| simplified(s) || simplified(t));
            if pairs.is_empty() {
                return (restored, 0);
            }
            let mut now_changed = vec![false; self.arcs.len()];
            let mut refined = vec![false; segs.len()];
            for &(s, t) in &pairs {
                for k in [s, t] {
                    if refined[k] {
                        continue;
                    }
                    let seg = &segs[k];
                    // Next Douglas–Peucker vertex of the segment (ties: first).
                    let best = (seg.i + 1..seg.j)
                        .filter(|&i| !kept[i])
                        .max_by(|&x, &y| weights[x].total_cmp(&weights[y]).then(y.cmp(&x)));
                    if let Some(i) = best {
                        kept[i] = true;
                        refined[k] = true;
                        now_changed[seg.arc] = true;
                        restored += 1;
                    }
                }
            }
            changed = Some(now_changed);
        }
        let segs = self.used_segments(|_, i| kept[i]);
        let simplified = |s: usize| segs[s].j > segs[s].i + 1;
        let left = bad_pairs(&segs, &simplified).len();
        (restored, left)
    }
}

#[cfg(test)]
mod tests {
    use super::super::build::tests::{grid, sq};
    use super::*;
    use geo::Area;
    use geo_types::{LineString, MultiPolygon, Polygon};

    /// Two 0.1° squares at the equator sharing a wiggly border
    /// (x = 0.1 ± 0.0001°, i.e. ±11 m) with 9 inner vertices.
    fn wiggly_pair() -> Vec<MultiPolygon<f64>> {
        let border: Vec<(f64, f64)> = (0..=10)
            .map(|k| {
                let dx = match k {
                    0 | 10 => 0.0,
                    k if k % 2 == 0 => 0.0001,
                    _ => -0.0001,
                };
                (0.1 + dx, k as f64 * 0.01)
            })
            .collect();
        let mut left = vec![(0.0, 0.0)];
        left.extend(border.iter().copied());
        left.push((0.0, 0.1));
        let mut right = vec![(0.2, 0.0), (0.2, 0.1)];
        right.extend(border.iter().rev().copied());
        vec![
            MultiPolygon(vec![Polygon::new(LineString::from(left), vec![])]),
            MultiPolygon(vec![Polygon::new(LineString::from(right), vec![])]),
        ]
    }

    #[test]
    fn shared_border_simplified_identically() {
        let topo = Topology::build(&wiggly_pair());
        assert_eq!(topo.output_vertex_count(), 2 * (2 + 11 + 1));
        // 5 m: the ±11 m wiggle stays. 50 m: the border becomes straight.
        let fine = topo.simplify(&SimplifyOptions::new(5.0)).topology;
        assert_eq!(fine.output_vertex_count(), 2 * (2 + 11 + 1));
        let s = topo.simplify(&SimplifyOptions::new(50.0));
        assert_eq!(s.restored_for_rings, 0);
        let t = s.topology;
        let polys = t.polygons();
        assert_eq!(polys[0].0[0].exterior().0.len(), 5);
        assert_eq!(polys[1].0[0].exterior().0.len(), 5);
        // The two borders are the same segment, walked in opposite ways.
        let shared: Vec<_> = (0..t.arc_count())
            .filter(|&a| t.arc_uses(a).len() == 2)
            .collect();
        assert_eq!(shared.len(), 1);
        assert_eq!(t.arc_coords(shared[0]).len(), 2);
        let total = polys[0].unsigned_area() + polys[1].unsigned_area();
        assert!((total - 0.02).abs() < 1e-12, "no gap, no overlap: {total}");
        assert_eq!(t.check().crossings, 0);
    }

    #[test]
    fn ring_never_collapses() {
        // A 2-cell strip: each cell's ring is made of 2 arcs (shared edge +
        // 3-edge outer arc); an enormous tolerance would leave each ring as
        // a degenerate back-and-forth: one corner per outer arc comes back.
        let polys = vec![sq(0.0, 0.0, 0.01), sq(0.01, 0.0, 0.01)];
        let topo = Topology::build(&polys);
        let s = topo.simplify(&SimplifyOptions::new(1e7));
        assert_eq!(s.restored_for_rings, 2);
        for p in s.topology.polygons() {
            let ring = &p.0[0].exterior().0;
            assert_eq!(ring.len(), 4, "triangle: 3 distinct + closing");
            assert!(p.unsigned_area() > 0.0);
        }
        // A lone island (one closed arc) keeps 3 distinct vertices.
        let s = Topology::build(&[sq(5.0, 5.0, 0.01)]).simplify(&SimplifyOptions::new(1e7));
        assert_eq!(s.topology.polygon(0).0[0].exterior().0.len(), 4);
    }

    #[test]
    fn small_islands_dropped_only_when_alone() {
        // Polygon 0: a big square plus a tiny island; polygon 1: a tiny
        // square sharing an edge with the big square.
        let big = LineString::from(vec![
            (0.0, 0.0),
            (0.1, 0.0),
            (0.1, 0.001),
            (0.1, 0.1),
            (0.0, 0.1),
        ]);
        let island = sq(0.5, 0.5, 0.001); // ~111 m side, ~1.2 ha
        let p0 = MultiPolygon(vec![Polygon::new(big, vec![]), island.0[0].clone()]);
        let p1 = sq(0.1, 0.0, 0.001);
        let topo = Topology::build(&[p0, p1]);
        let opts = SimplifyOptions {
            tolerance_m: 1.0,
            min_ring_area_m2: 50_000.0,
            fix_crossings: true,
        };
        let s = topo.simplify(&opts);
        assert_eq!(s.dropped_rings, 1);
        let polys = s.topology.polygons();
        assert_eq!(polys[0].0.len(), 1);
        assert!((polys[0].0[0].unsigned_area() - 0.01).abs() < 1e-15);
        assert_eq!(
            polys[1].0.len(),
            1,
            "tiny but shares arcs, and largest part"
        );
        assert_eq!(s.topology.check().overlapping_arcs, 0);
        assert_eq!(s.topology.check().crossings, 0);
    }

    #[test]
    fn crossings_are_repaired() {
        // Polygon 0's top edge has a 0.0005° (~55 m) bump; polygon 1 is an
        // enclave (a hole of polygon 0) straddling y = 0.1 under the bump.
        // At 2 km the bump goes and the straight top edge cuts the enclave.
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (0.1, 0.0),
            (0.1, 0.1),
            (0.05, 0.1005),
            (0.0, 0.1),
        ]);
        let enclave = sq(0.0499, 0.09995, 0.0002);
        let p0 = MultiPolygon(vec![Polygon::new(
            outer,
            vec![enclave.0[0].exterior().clone()],
        )]);
        let topo = Topology::build(&[p0, enclave]);
        assert_eq!(topo.check().crossings, 0);
        let s = topo.simplify(&SimplifyOptions::new(2_000.0));
        assert_eq!(s.unresolved_crossings, 0);
        // The bump's peak and, on the enclave's side, its 4th corner (the
        // triangle it had been reduced to also crossed the edge).
        assert_eq!(s.restored_for_crossings, 2);
        assert_eq!(s.topology.check().crossings, 0);
        assert_eq!(s.topology.polygon(0).0[0].exterior().0.len(), 6);
        let unfixed = topo.simplify(&SimplifyOptions {
            fix_crossings: false,
            ..SimplifyOptions::new(2_000.0)
        });
        assert!(unfixed.topology.check().crossings > 0);
    }

    #[test]
    fn jumped_enclave_is_put_back() {
        // Same bump, but the enclave sits wholly inside it, above y = 0.1:
        // the straightened edge passes below it without crossing anything.
        let outer = LineString::from(vec![
            (0.0, 0.0),
            (0.1, 0.0),
            (0.1, 0.1),
            (0.05, 0.1005),
            (0.0, 0.1),
        ]);
        let enclave = sq(0.0499, 0.10005, 0.0002);
        let p0 = MultiPolygon(vec![Polygon::new(
            outer,
            vec![enclave.0[0].exterior().clone()],
        )]);
        let topo = Topology::build(&[p0, enclave]);
        let s = topo.simplify(&SimplifyOptions::new(2_000.0));
        assert_eq!(s.misplaced_holes, 0);
        assert_eq!(s.restored_for_crossings, 1);
        assert_eq!(s.topology.polygon(0).0[0].exterior().0.len(), 6);
        let unfixed = topo.simplify(&SimplifyOptions {
            fix_crossings: false,
            ..SimplifyOptions::new(2_000.0)
        });
        assert_eq!(unfixed.misplaced_holes, 1);
        assert_eq!(
            unfixed.topology.check().crossings,
            0,
            "undetectable by crossings"
        );
    }

    #[test]
    fn zero_tolerance_is_identity_and_grid_is_stable() {
        let topo = Topology::build(&grid(3, 0.0, 0.0, 1.0));
        let s = topo.simplify(&SimplifyOptions::new(0.0));
        assert_eq!(s.topology.polygons(), topo.polygons());
        let s = topo.simplify(&SimplifyOptions::new(1_000.0));
        // Unit edges of ~111 km: nothing to remove but the collinear
        // midpoints... of which a unit grid has none. Corners stay.
        assert_eq!(s.topology.polygons(), topo.polygons());
    }
}
