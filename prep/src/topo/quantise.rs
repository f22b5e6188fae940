//! Snapping coordinates to a grid for overview files. Shared vertices snap
//! to the same grid point, so shared borders stay shared; the coordinates
//! then have few significant bits, which HTTP compression turns into a
//! much smaller transfer.

use geo_types::{Coord, LineString, MultiPolygon, Polygon};

fn snap_ring(ring: &LineString<f64>, step: f64) -> Option<LineString<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for c in &ring.0 {
        let s = Coord {
            x: (c.x / step).round() * step,
            y: (c.y / step).round() * step,
        };
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    // A closed ring needs 3 distinct points plus the closing one.
    (out.len() >= 4 && out.first() == out.last()).then_some(LineString(out))
}

/// Snaps every vertex to a grid of `step` degrees and removes the repeated
/// points this creates. A hole that collapses is dropped; a part whose
/// exterior would collapse keeps its original coordinates, so no feature
/// ever loses its geometry.
pub fn quantise(mp: &MultiPolygon<f64>, step: f64) -> MultiPolygon<f64> {
    MultiPolygon(
        mp.0.iter()
            .map(|p| match snap_ring(p.exterior(), step) {
                Some(ext) => Polygon::new(
                    ext,
                    p.interiors()
                        .iter()
                        .filter_map(|h| snap_ring(h, step))
                        .collect(),
                ),
                None => p.clone(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        LineString::from(pts.to_vec())
    }

    #[test]
    fn snaps_and_removes_repeats() {
        let step = 1.0 / 1024.0;
        let outer = ring(&[
            (2.0001, 50.0),
            (3.0, 50.0004),
            (3.0, 51.0),
            (3.0002, 51.0001),
            (2.0, 51.0),
            (2.0001, 50.0),
        ]);
        let tiny_hole = ring(&[(2.5, 50.5), (2.5001, 50.5), (2.5, 50.5001), (2.5, 50.5)]);
        let mp = MultiPolygon(vec![Polygon::new(outer, vec![tiny_hole])]);
        let q = quantise(&mp, step);
        let ext: Vec<(f64, f64)> = q.0[0].exterior().0.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(
            ext,
            vec![
                (2.0, 50.0),
                (3.0, 50.0),
                (3.0, 51.0),
                (2.0, 51.0),
                (2.0, 50.0)
            ]
        );
        assert!(
            q.0[0].interiors().is_empty(),
            "a hole smaller than the grid is dropped"
        );
        for c in &q.0[0].exterior().0 {
            assert_eq!((c.x * 1024.0).fract(), 0.0);
        }
    }

    #[test]
    fn a_collapsing_part_keeps_its_coordinates() {
        let speck = ring(&[(2.0, 50.0), (2.0001, 50.0), (2.0, 50.0001), (2.0, 50.0)]);
        let mp = MultiPolygon(vec![Polygon::new(speck.clone(), vec![])]);
        assert_eq!(quantise(&mp, 1.0 / 1024.0).0[0].exterior(), &speck);
    }
}
