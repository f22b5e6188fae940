//! Arc topology of a set of polygons whose neighbours share exact vertices.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use geo_types::{Coord, LineString, MultiPolygon, Polygon};

/// Hasher for integer keys (vertex bits, vertex ids). Lookups only: no map
/// is ever iterated, so output order never depends on hashing.
#[derive(Default)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // murmur3 fmix64: spreads low-entropy keys over all bits.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// One arc of a ring, walked forwards or backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArcRef {
    /// Index of the arc in its [`Topology`].
    pub arc: usize,
    /// The ring walks the arc from its last coordinate to its first.
    pub reversed: bool,
}

/// A polygon ring that uses an arc: the polygon lies left of the arc when
/// `reversed` is false (rings are oriented exterior CCW, holes CW).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArcUse {
    /// Index of the input polygon.
    pub polygon: usize,
    /// Whether the ring walks the arc backwards (polygon on its right).
    pub reversed: bool,
}

/// A ring of a polygon as a sequence of arcs.
#[derive(Clone, Copy, Debug)]
pub struct RingView<'a> {
    /// Index of the input polygon.
    pub polygon: usize,
    /// Index of the part (outer ring and its holes) within the polygon.
    pub part: usize,
    /// Hole (clockwise) rather than exterior (counter-clockwise).
    pub hole: bool,
    /// Arcs, in ring order; consecutive arcs meet at a node.
    pub arcs: &'a [ArcRef],
}

#[derive(Clone, Debug)]
pub(crate) struct ArcData {
    /// Range in `Topology::coords`.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Node (vertex id) at the first and last coordinate.
    pub(crate) from: u32,
    pub(crate) to: u32,
    /// Range in `Topology::uses`.
    pub(crate) uses_start: usize,
    pub(crate) uses_end: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct RingData {
    pub(crate) polygon: usize,
    pub(crate) part: usize,
    pub(crate) hole: bool,
    /// Range in `Topology::ring_arcs`.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// Polygons described by shared arcs: every boundary stretch between two
/// nodes is stored once, so operations done per arc (simplification) keep
/// neighbours exactly consistent, and groups of polygons can be merged by
/// cancelling their internal arcs.
///
/// Nodes are vertices where the boundary graph branches (≥ 3 distinct
/// neighbours) or folds back; a ring with no node at all (an enclave, an
/// isolated island) becomes one closed arc starting at its lowest vertex.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub(crate) coords: Vec<Coord<f64>>,
    pub(crate) arcs: Vec<ArcData>,
    pub(crate) uses: Vec<ArcUse>,
    pub(crate) rings: Vec<RingData>,
    pub(crate) ring_arcs: Vec<ArcRef>,
    /// Per polygon, its range in `rings` (rings are stored polygon by polygon).
    pub(crate) polygon_rings: Vec<(usize, usize)>,
}

/// Twice the signed planar (lon/lat) area of a ring given without its
/// closing vertex; positive when counter-clockwise.
pub(crate) fn planar_area2(pts: impl Iterator<Item = Coord<f64>>) -> f64 {
    let mut iter = pts;
    let Some(first) = iter.next() else {
        return 0.0;
    };
    let mut sum = 0.0;
    let mut prev = Coord { x: 0.0, y: 0.0 };
    for c in iter {
        let cur = Coord {
            x: c.x - first.x,
            y: c.y - first.y,
        };
        sum += prev.x * cur.y - cur.x * prev.y;
        prev = cur;
    }
    sum
}

struct RawRing {
    polygon: usize,
    part: usize,
    hole: bool,
    ids: Vec<u32>,
}

struct VertexTable {
    map: FastMap<(u64, u64), u32>,
    coords: Vec<Coord<f64>>,
}

impl VertexTable {
    /// Vertex ids of a ring: consecutive duplicates and the closing vertex
    /// removed, oriented CCW (`ccw`) or CW; `None` if degenerate (fewer than
    /// 3 vertices, zero area, non-finite coordinates).
    fn ring(&mut self, ls: &LineString<f64>, ccw: bool) -> Option<Vec<u32>> {
        if ls.0.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
            return None;
        }
        let mut ids: Vec<u32> = Vec::with_capacity(ls.0.len());
        for c in &ls.0 {
            // `+ 0.0` turns -0.0 into 0.0 so both key the same vertex.
            let c = Coord {
                x: c.x + 0.0,
                y: c.y + 0.0,
            };
            let coords = &mut self.coords;
            let id = *self
                .map
                .entry((c.x.to_bits(), c.y.to_bits()))
                .or_insert_with(|| {
                    coords.push(c);
                    (coords.len() - 1) as u32
                });
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        while ids.len() > 1 && ids.first() == ids.last() {
            ids.pop();
        }
        if ids.len() < 3 {
            return None;
        }
        let a = planar_area2(ids.iter().map(|&i| self.coords[i as usize]));
        if a == 0.0 || !a.is_finite() {
            return None;
        }
        if (a > 0.0) != ccw {
            ids.reverse();
        }
        Some(ids)
    }
}

impl Topology {
    /// Builds the arc topology of `polygons` (lon/lat or any planar
    /// coordinates; vertices are matched by their exact bits).
    ///
    /// Input rings are cleaned (repeated and closing vertices removed, rings
    /// closed, degenerate rings dropped) and re-oriented: exteriors CCW,
    /// holes CW, which puts each polygon on the left of its rings. Polygon
    /// indices are kept, so an empty input polygon stays an empty polygon.
    pub fn build(polygons: &[MultiPolygon<f64>]) -> Topology {
        let mut table = VertexTable {
            map: FastMap::default(),
            coords: Vec::new(),
        };
        let mut raw: Vec<RawRing> = Vec::new();
        for (polygon, mp) in polygons.iter().enumerate() {
            let mut part = 0;
            for poly in &mp.0 {
                let Some(ids) = table.ring(poly.exterior(), true) else {
                    continue;
                };
                raw.push(RawRing {
                    polygon,
                    part,
                    hole: false,
                    ids,
                });
                for hole in poly.interiors() {
                    if let Some(ids) = table.ring(hole, false) {
                        raw.push(RawRing {
                            polygon,
                            part,
                            hole: true,
                            ids,
                        });
                    }
                }
                part += 1;
            }
        }
        let vcoords = table.coords;
        drop(table.map);

        // Nodes: vertices with ≥ 3 distinct neighbours, or where a ring folds
        // back. Elsewhere every ring passing through a vertex enters by one
        // neighbour and leaves by the other, so the chain through it is the
        // same for all rings and carries the same polygons on both sides.
        const NONE: u32 = u32::MAX;
        let nv = vcoords.len();
        let mut nb = vec![[NONE, NONE]; nv];
        let mut node = vec![false; nv];
        for r in &raw {
            let m = r.ids.len();
            for k in 0..m {
                let v = r.ids[k] as usize;
                let prev = r.ids[(k + m - 1) % m];
                let next = r.ids[(k + 1) % m];
                if prev == next {
                    node[v] = true;
                }
                for x in [prev, next] {
                    let slot = &mut nb[v];
                    if slot[0] == x || slot[1] == x {
                    } else if slot[0] == NONE {
                        slot[0] = x;
                    } else if slot[1] == NONE {
                        slot[1] = x;
                    } else {
                        node[v] = true;
                    }
                }
            }
        }
        drop(nb);

        let mut topo = Topology {
            polygon_rings: vec![(0, 0); polygons.len()],
            ..Topology::default()
        };
        // Vertex ids of each arc, parallel to `topo.coords`, to verify reuse.
        let mut arc_vids: Vec<u32> = Vec::new();
        // (first node, second vertex) of an arc, from either end.
        let mut arc_keys: FastMap<(u32, u32), (usize, bool)> = FastMap::default();
        let mut piece: Vec<u32> = Vec::new();
        for r in &raw {
            let ids = &r.ids;
            let m = ids.len();
            let mut starts: Vec<usize> = (0..m).filter(|&k| node[ids[k] as usize]).collect();
            if starts.is_empty() {
                // Isolated cycle: every ring on it sees the same vertices, so
                // all pick the same lowest id as start.
                let k = (0..m).min_by_key(|&k| ids[k]).unwrap_or(0);
                node[ids[k] as usize] = true;
                starts.push(k);
            }
            let ring_start = topo.ring_arcs.len();
            for (si, &s) in starts.iter().enumerate() {
                let e = starts.get(si + 1).copied().unwrap_or(starts[0] + m);
                piece.clear();
                piece.extend((s..=e).map(|k| ids[k % m]));
                let r = topo.arc_for(&piece, &vcoords, &mut arc_vids, &mut arc_keys);
                topo.ring_arcs.push(r);
            }
            topo.rings.push(RingData {
                polygon: r.polygon,
                part: r.part,
                hole: r.hole,
                start: ring_start,
                end: topo.ring_arcs.len(),
            });
        }
        topo.index();
        topo
    }

    /// Existing arc with exactly this vertex chain (either direction), or a
    /// new one.
    fn arc_for(
        &mut self,
        piece: &[u32],
        vcoords: &[Coord<f64>],
        arc_vids: &mut Vec<u32>,
        keys: &mut FastMap<(u32, u32), (usize, bool)>,
    ) -> ArcRef {
        let n = piece.len();
        if let Some(&(arc, reversed)) = keys.get(&(piece[0], piece[1])) {
            let a = &self.arcs[arc];
            let vids = &arc_vids[a.start..a.end];
            let same = vids.len() == n
                && if reversed {
                    vids.iter().rev().eq(piece.iter())
                } else {
                    vids == piece
                };
            if same {
                return ArcRef { arc, reversed };
            }
            // Not reachable on consistent input; a private arc keeps the ring
            // intact if it ever happens.
        }
        let arc = self.arcs.len();
        let start = self.coords.len();
        self.coords
            .extend(piece.iter().map(|&v| vcoords[v as usize]));
        arc_vids.extend_from_slice(piece);
        self.arcs.push(ArcData {
            start,
            end: self.coords.len(),
            from: piece[0],
            to: piece[n - 1],
            uses_start: 0,
            uses_end: 0,
        });
        keys.entry((piece[0], piece[1])).or_insert((arc, false));
        keys.entry((piece[n - 1], piece[n - 2]))
            .or_insert((arc, true));
        ArcRef {
            arc,
            reversed: false,
        }
    }

    /// Recomputes arc uses and per-polygon ring ranges from `rings`
    /// (which must be sorted by polygon).
    pub(crate) fn index(&mut self) {
        let mut count = vec![0usize; self.arcs.len() + 1];
        for r in &self.ring_arcs_in_rings() {
            count[r.arc + 1] += 1;
        }
        for i in 1..count.len() {
            count[i] += count[i - 1];
        }
        for (a, arc) in self.arcs.iter_mut().enumerate() {
            arc.uses_start = count[a];
            arc.uses_end = count[a];
        }
        let mut uses = vec![
            ArcUse {
                polygon: 0,
                reversed: false
            };
            count.last().copied().unwrap_or(0)
        ];
        for ring in &self.rings {
            for r in &self.ring_arcs[ring.start..ring.end] {
                let arc = &mut self.arcs[r.arc];
                uses[arc.uses_end] = ArcUse {
                    polygon: ring.polygon,
                    reversed: r.reversed,
                };
                arc.uses_end += 1;
            }
        }
        self.uses = uses;
        for pr in self.polygon_rings.iter_mut() {
            *pr = (0, 0);
        }
        let mut i = 0;
        while i < self.rings.len() {
            let p = self.rings[i].polygon;
            let mut j = i;
            while j < self.rings.len() && self.rings[j].polygon == p {
                j += 1;
            }
            if let Some(pr) = self.polygon_rings.get_mut(p) {
                *pr = (i, j);
            }
            i = j;
        }
    }

    fn ring_arcs_in_rings(&self) -> Vec<ArcRef> {
        self.rings
            .iter()
            .flat_map(|r| self.ring_arcs[r.start..r.end].iter().copied())
            .collect()
    }

    /// Number of polygons (the length of the input slice).
    pub fn polygon_count(&self) -> usize {
        self.polygon_rings.len()
    }

    /// Number of arcs (some may be unused after ring dropping).
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Coordinates of an arc, first and last being nodes; empty if `arc` is
    /// out of range.
    pub fn arc_coords(&self, arc: usize) -> &[Coord<f64>] {
        self.arcs
            .get(arc)
            .map_or(&[][..], |a| &self.coords[a.start..a.end])
    }

    /// Rings using an arc, in ring order. Normally one or two; more only
    /// where the input overlaps itself.
    pub fn arc_uses(&self, arc: usize) -> &[ArcUse] {
        self.arcs
            .get(arc)
            .map_or(&[][..], |a| &self.uses[a.uses_start..a.uses_end])
    }

    /// `(left, right)` polygons of an arc, `None` meaning the outside. With
    /// degenerate input (several polygons on one side) the first is returned;
    /// [`Topology::check`] counts such arcs.
    pub fn arc_sides(&self, arc: usize) -> (Option<usize>, Option<usize>) {
        let uses = self.arc_uses(arc);
        let left = uses.iter().find(|u| !u.reversed).map(|u| u.polygon);
        let right = uses.iter().find(|u| u.reversed).map(|u| u.polygon);
        (left, right)
    }

    /// All rings, polygon by polygon, each exterior followed by its holes.
    pub fn rings(&self) -> impl Iterator<Item = RingView<'_>> + '_ {
        self.rings.iter().map(|r| self.view(r))
    }

    /// Rings of one polygon (exterior then holes, part by part).
    pub fn polygon_rings(&self, polygon: usize) -> impl Iterator<Item = RingView<'_>> + '_ {
        let (s, e) = self.polygon_rings.get(polygon).copied().unwrap_or((0, 0));
        self.rings[s..e].iter().map(|r| self.view(r))
    }

    fn view<'a>(&'a self, r: &RingData) -> RingView<'a> {
        RingView {
            polygon: r.polygon,
            part: r.part,
            hole: r.hole,
            arcs: &self.ring_arcs[r.start..r.end],
        }
    }

    /// Closed coordinate sequence (first = last) of a ring given as arcs.
    pub fn ring_coords(&self, arcs: &[ArcRef]) -> Vec<Coord<f64>> {
        let mut out: Vec<Coord<f64>> = Vec::new();
        for (i, r) in arcs.iter().enumerate() {
            let c = self.arc_coords(r.arc);
            let skip = usize::from(i > 0);
            if r.reversed {
                out.extend(c.iter().rev().skip(skip));
            } else {
                out.extend(c.iter().skip(skip));
            }
        }
        if let (Some(f), Some(l)) = (out.first().copied(), out.last().copied()) {
            if f != l {
                out.push(f);
            }
        }
        out
    }

    /// Geometry of one polygon rebuilt from its (possibly simplified) arcs.
    pub fn polygon(&self, polygon: usize) -> MultiPolygon<f64> {
        let mut parts: Vec<Polygon<f64>> = Vec::new();
        let mut ext: Option<LineString<f64>> = None;
        let mut holes: Vec<LineString<f64>> = Vec::new();
        for ring in self.polygon_rings(polygon) {
            let ls = LineString(self.ring_coords(ring.arcs));
            if ring.hole {
                holes.push(ls);
            } else {
                if let Some(e) = ext.take() {
                    parts.push(Polygon::new(e, std::mem::take(&mut holes)));
                }
                holes.clear();
                ext = Some(ls);
            }
        }
        if let Some(e) = ext {
            parts.push(Polygon::new(e, holes));
        }
        MultiPolygon(parts)
    }

    /// Every polygon's geometry, in input order.
    pub fn polygons(&self) -> Vec<MultiPolygon<f64>> {
        (0..self.polygon_count()).map(|p| self.polygon(p)).collect()
    }

    /// Vertices a per-polygon output would store (closing vertices
    /// included): the figure that sizes a layer file.
    pub fn output_vertex_count(&self) -> usize {
        self.rings
            .iter()
            .map(|r| {
                let arcs = &self.ring_arcs[r.start..r.end];
                let sum: usize = arcs.iter().map(|a| self.arc_coords(a.arc).len()).sum();
                sum + 1 - arcs.len()
            })
            .sum()
    }

    /// Distinct arc vertices (shared vertices counted once), for reports.
    pub fn arc_vertex_count(&self) -> usize {
        self.arcs
            .iter()
            .filter(|a| a.uses_end > a.uses_start)
            .map(|a| a.end - a.start)
            .sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use geo_types::polygon;

    /// Axis-aligned square as a 1-part multipolygon (CCW).
    pub(crate) fn sq(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s)],
        ])
    }

    /// `n × n` grid of unit squares at (x0, y0), row-major from the bottom.
    pub(crate) fn grid(n: usize, x0: f64, y0: f64, s: f64) -> Vec<MultiPolygon<f64>> {
        let mut v = Vec::new();
        for j in 0..n {
            for i in 0..n {
                v.push(sq(x0 + i as f64 * s, y0 + j as f64 * s, s));
            }
        }
        v
    }

    #[test]
    fn grid_arcs_and_sides() {
        let topo = Topology::build(&grid(3, 0.0, 0.0, 1.0));
        // 16 vertices, all on the 4×4 lattice; nodes: the 4 inner crossings
        // (degree 4) and the 8 border T-junctions (degree 3). Corners have
        // degree 2 and are not nodes. Arcs: 12 inner unit edges + 4 outer
        // arcs between T-junctions + 4 corner arcs (2 edges each) = 20.
        assert_eq!(topo.arc_count(), 20);
        let inner = (0..20).filter(|&a| topo.arc_uses(a).len() == 2).count();
        assert_eq!(inner, 12);
        for a in 0..20 {
            let (l, r) = topo.arc_sides(a);
            assert!(l.is_some(), "every arc has its polygon on the left");
            if let Some(r) = r {
                assert_ne!(Some(r), l);
            }
        }
        assert_eq!(topo.arc_vertex_count(), 12 * 2 + 4 * 2 + 4 * 3);
        // Each square: 4 corners + closing = 5, round-trips exactly.
        assert_eq!(topo.output_vertex_count(), 9 * 5);
        let back = topo.polygons();
        assert_eq!(back.len(), 9);
        assert_eq!(back[4].0[0].exterior().0.len(), 5);
    }

    #[test]
    fn enclave_is_one_closed_arc() {
        let outer =
            polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        let hole = polygon![(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 1.0, y: 2.0)];
        let a = MultiPolygon(vec![Polygon::new(
            outer.exterior().clone(),
            vec![hole.exterior().clone()],
        )]);
        let b = MultiPolygon(vec![hole]);
        let topo = Topology::build(&[a, b]);
        assert_eq!(topo.arc_count(), 2);
        // The hole arc was first met as A's hole (CW, A on its left), then
        // walked backwards by B's exterior (CCW, B on the arc's right).
        let shared = (0..2)
            .find(|&a| topo.arc_uses(a).len() == 2)
            .expect("shared");
        assert_eq!(topo.arc_sides(shared), (Some(0), Some(1)));
        let rings: Vec<_> = topo.polygon_rings(0).collect();
        assert_eq!(rings.len(), 2);
        assert!(rings[1].hole);
    }

    #[test]
    fn degenerate_input_does_not_panic() {
        let weird = vec![
            MultiPolygon(vec![]),
            // Unclosed, repeated points, clockwise.
            MultiPolygon(vec![Polygon::new(
                LineString::from(vec![
                    (0.0, 0.0),
                    (0.0, 1.0),
                    (0.0, 1.0),
                    (1.0, 1.0),
                    (1.0, 0.0),
                ]),
                vec![],
            )]),
            // Zero area, two points, NaN.
            MultiPolygon(vec![Polygon::new(
                LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]),
                vec![],
            )]),
            MultiPolygon(vec![Polygon::new(
                LineString::from(vec![(0.0, 0.0), (1.0, 0.0)]),
                vec![],
            )]),
            MultiPolygon(vec![Polygon::new(
                LineString::from(vec![(0.0, 0.0), (f64::NAN, 0.0), (1.0, 1.0)]),
                vec![],
            )]),
            // Same square twice (edges used 4 times) and a spike.
            sq(0.0, 0.0, 1.0),
            sq(0.0, 0.0, 1.0),
            MultiPolygon(vec![Polygon::new(
                LineString::from(vec![
                    (1.0, 0.0),
                    (2.0, 0.0),
                    (3.0, 0.0),
                    (2.0, 0.0),
                    (2.0, 1.0),
                    (1.0, 1.0),
                ]),
                vec![],
            )]),
        ];
        let topo = Topology::build(&weird);
        assert_eq!(topo.polygon_count(), 8);
        assert!(topo.polygon(0).0.is_empty());
        assert!(topo.polygon(2).0.is_empty());
        assert!(topo.polygon(3).0.is_empty());
        assert!(topo.polygon(4).0.is_empty());
        // The clockwise unclosed ring comes back closed and CCW.
        let p1 = topo.polygon(1);
        let ring = &p1.0[0].exterior().0;
        assert_eq!(ring.len(), 5);
        assert!(planar_area2(ring[..4].iter().copied()) > 0.0);
        assert_eq!(topo.polygon(7).0[0].exterior().0.len(), 7);
        assert!(topo.polygon(99).0.is_empty());
        assert!(topo.arc_coords(9999).is_empty());
    }
}
