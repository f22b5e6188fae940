//! Accessibility analysis: nearest help places, an estimated travel time and
//! the share of each EPCI's population within N minutes of a place.
//!
//! The goal départements set themselves is "every resident within 15 minutes
//! of a digital-inclusion place". The widget recomputes that figure, in the
//! browser, every time the user changes the filters on the places, so this
//! module trades a road network for speed while staying exact about what it
//! does compute.
//!
//! # Method
//!
//! * **Distance** is the great-circle (haversine) distance on a sphere of
//!   mean Earth radius 6,371,008.8 m ([`haversine_m`]). Over tens of km it is
//!   within ~0.5 % of the WGS84 ellipsoidal distance.
//! * **Travel time is an estimate** ([`Travel`]): straight-line distance times
//!   a detour factor (1.3 by default, the usual ratio of road distance to
//!   straight line in France) divided by an average door-to-door speed
//!   (4.5 km/h on foot, 40 km/h by car including towns). "N minutes" therefore
//!   becomes a straight-line radius ([`Travel::reach_m`]): 15 minutes by car
//!   with the defaults is 10 km of road, 7.69 km as the crow flies.
//! * **Nearest places** ([`nearest`]) are found by scanning every kept place;
//!   for the ~62,700 national places this takes 2–3 ms natively
//!   (see the ignored benchmark test in `coverage`).
//! * **Coverage** ([`coverage`]): a commune counts as covered, with all its
//!   population, when at least one kept place lies within the reach radius of
//!   the commune's representative point. Covered and total populations are
//!   summed per EPCI. Kept places are put in latitude bands one reach high,
//!   sorted by longitude inside each band ([`ReachIndex`]); a commune only
//!   looks at the bands and the longitude window (widened by 1/cos(latitude))
//!   where a place within reach can be, then checks candidates with the same
//!   haversine as everything else, so the answer is the one a brute-force scan
//!   gives, only faster.
//!
//! # Limits (to be stated wherever the figures are shown)
//!
//! * One representative point per commune stands for all its inhabitants:
//!   a large commune whose point is near a place counts as fully covered even
//!   if its outlying hamlets are far, and one whose point is just beyond the
//!   reach counts as not covered at all even if part of it is close.
//! * No road network: straight line × detour factor misjudges mountains,
//!   rivers with few bridges, islands and coastlines; speeds are averages
//!   with no traffic, parking or public transport.
//! * A place counts whatever its opening hours, capacity or the services it
//!   actually offers (only the user's filters select places).
//! * Reach crosses borders: a place in a neighbouring EPCI or département
//!   covers the communes it is close to, which is how residents use them.
//!   Only the places given to the functions count, so places outside the
//!   loaded data (abroad, or in a département not loaded) do not.

mod coverage;
mod travel;

pub use coverage::{coverage, CommunePoint, Coverage, ReachIndex};
pub use travel::{Mode, Travel};

use crate::geom::project::EARTH_RADIUS_M;
use crate::geom::trig::{cos, sin};
use crate::num::ClampTo;

/// Great-circle distance in metres between two lon/lat points in degrees, on
/// a sphere of the mean Earth radius: the one distance every analysis here
/// uses, so nearest places, coverage and the brute-force checks agree to the
/// last bit. A NaN coordinate gives NaN.
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Geo::raw(a).distance_m(&Geo::raw(b))
}

/// A lon/lat point with the trigonometry the haversine needs computed once,
/// so that a place compared with thousands of communes pays it once.
#[derive(Debug, Clone, Copy)]
struct Geo {
    /// Longitude, radians (as given, not wrapped: the haversine is periodic).
    lon: f64,
    /// Latitude, radians.
    lat: f64,
    /// Cosine of the latitude.
    cos_lat: f64,
}

impl Geo {
    /// The point as given, even if invalid (NaN propagates).
    fn raw(p: [f64; 2]) -> Geo {
        let lat = p[1].to_radians();
        Geo {
            lon: p[0].to_radians(),
            lat,
            cos_lat: cos(lat),
        }
    }

    /// The point when it is one: finite longitude, latitude in [-90, 90].
    fn valid(p: [f64; 2]) -> Option<Geo> {
        if is_valid(p) {
            Some(Geo::raw(p))
        } else {
            None
        }
    }

    /// Haversine ratio `hav(d/R)` = sin²(d/2R), in [0, 1]: monotonic in the
    /// distance and cheaper, so the coverage can reject far places with it.
    /// The clamp keeps rounding from pushing it past 1 (antipodes), where
    /// `asin` would give NaN.
    fn hav(&self, other: &Geo) -> f64 {
        let s_lat = sin((other.lat - self.lat) * 0.5);
        let s_lon = sin((other.lon - self.lon) * 0.5);
        (s_lat * s_lat + self.cos_lat * other.cos_lat * s_lon * s_lon).clamp_to(0.0, 1.0)
    }

    /// Haversine distance, metres.
    fn distance_m(&self, other: &Geo) -> f64 {
        hav_to_m(self.hav(other))
    }
}

/// Metres for a haversine ratio from [`Geo::hav`].
fn hav_to_m(h: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Whether a lon/lat pair is a usable point: finite longitude (any turn of
/// the globe) and a latitude within [-90, 90]. Others are skipped everywhere.
fn is_valid(p: [f64; 2]) -> bool {
    p[0].is_finite() && (-90.0..=90.0).contains(&p[1])
}

/// The `k` kept points nearest to `from`, as (index, metres), nearest first
/// and by index among equal distances: the "closest help places" list.
/// Invalid points (NaN, latitude beyond ±90) are skipped; `k` larger than the
/// number of kept points gives them all; an invalid `from` or `k == 0` gives
/// nothing. A plain scan: 2–3 ms natively for the 62,700 national places.
pub fn nearest(
    points: &[[f64; 2]],
    keep: impl Fn(usize) -> bool,
    from: [f64; 2],
    k: usize,
) -> Vec<(usize, f64)> {
    let Some(origin) = Geo::valid(from) else {
        return Vec::new();
    };
    if k == 0 {
        return Vec::new();
    }
    let mut found: Vec<(usize, f64)> = points
        .iter()
        .enumerate()
        .filter(|&(i, p)| is_valid(*p) && keep(i))
        .map(|(i, p)| (i, origin.distance_m(&Geo::raw(*p))))
        .collect();
    keep_nearest(&mut found, k);
    found
}

/// Keeps the `k` nearest of `found` (index, distance in any unit), nearest
/// first, ties by index: a selection, then a sort of those kept only.
pub fn keep_nearest(found: &mut Vec<(usize, f64)>, k: usize) {
    let order = |a: &(usize, f64), b: &(usize, f64)| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0));
    if k < found.len() {
        found.select_nth_unstable_by(k, order);
        found.truncate(k);
    }
    found.sort_unstable_by(order);
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARIS: [f64; 2] = [2.3522, 48.8566];
    const LILLE: [f64; 2] = [3.0573, 50.6292];

    #[test]
    fn paris_lille_is_about_204_km() {
        let d = haversine_m(PARIS, LILLE);
        // WGS84 geodesic (Vincenty, computed separately): 203,598 m.
        assert!((d - 203_598.0).abs() < 500.0, "{d}");
        // Same sphere formula computed separately in Python: 203,509.45 m.
        assert!((d - 203_509.45).abs() < 0.1, "{d}");
        assert_eq!(d, haversine_m(LILLE, PARIS));
    }

    #[test]
    fn haversine_reference_values() {
        // One degree of a great circle: 6371008.8 * pi / 180.
        assert!((haversine_m([0.0, 0.0], [1.0, 0.0]) - 111_195.08).abs() < 0.01);
        assert!((haversine_m([5.0, 45.0], [5.0, 46.0]) - 111_195.08).abs() < 0.01);
        // Antipodes: half the circumference, no NaN from rounding.
        let half = haversine_m([0.0, 0.0], [180.0, 0.0]);
        assert!((half - 20_015_114.44).abs() < 0.1, "{half}");
        assert!((haversine_m([10.0, 90.0], [-170.0, -90.0]) - 20_015_114.44).abs() < 0.1);
        assert_eq!(haversine_m(PARIS, PARIS), 0.0);
        // Longitudes a full turn apart are the same place.
        assert!((haversine_m([179.5, 0.0], [-179.5, 0.0]) - 111_195.08).abs() < 0.01);
        assert!(haversine_m([360.0, 10.0], [0.0, 10.0]) < 1e-6);
        assert!(haversine_m([f64::NAN, 0.0], PARIS).is_nan());
    }

    /// Points on the meridian 2°E, one degree = 111,195.08 m.
    fn line() -> Vec<[f64; 2]> {
        vec![
            [2.0, 45.3],      // 0: 33.36 km from 45.0
            [2.0, 45.1],      // 1: 11.12 km
            [f64::NAN, 45.0], // 2: invalid
            [2.0, 44.9],      // 3: 11.12 km (tie with 1, same bits)
            [2.0, 45.0],      // 4: 0 km
            [2.0, 95.0],      // 5: invalid latitude
            [2.0, 45.2],      // 6: 22.24 km
        ]
    }

    #[test]
    fn nearest_orders_by_distance_then_index() {
        let pts = line();
        let from = [2.0, 45.0];
        let got = nearest(&pts, |_| true, from, 3);
        let idx: Vec<usize> = got.iter().map(|r| r.0).collect();
        assert_eq!(idx, vec![4, 1, 3]);
        assert_eq!(got[0].1, 0.0);
        assert!((got[1].1 - 11_119.51).abs() < 0.01, "{got:?}");
        assert_eq!(got[1].1, got[2].1);
        // k beyond the valid points: all five valid ones, NaN and lat 95 skipped.
        let all: Vec<usize> = nearest(&pts, |_| true, from, 100)
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(all, vec![4, 1, 3, 6, 0]);
        // Distances are haversine_m, bit for bit.
        for (i, d) in nearest(&pts, |_| true, from, 100) {
            assert_eq!(d, haversine_m(from, pts[i]));
        }
    }

    #[test]
    fn nearest_respects_keep_and_edge_cases() {
        let pts = line();
        let from = [2.0, 45.0];
        let odd: Vec<usize> = nearest(&pts, |i| i % 2 == 1, from, 2)
            .iter()
            .map(|r| r.0)
            .collect();
        assert_eq!(odd, vec![1, 3]);
        // keep is never asked about an index out of range.
        let n = pts.len();
        let some = nearest(&pts, |i| i < n && i != 4, from, 1);
        assert_eq!(some[0].0, 1);
        assert!(nearest(&pts, |_| true, from, 0).is_empty());
        assert!(nearest(&[], |_| true, from, 5).is_empty());
        assert!(nearest(&pts, |_| false, from, 5).is_empty());
        assert!(nearest(&pts, |_| true, [f64::NAN, 45.0], 5).is_empty());
        assert!(nearest(&pts, |_| true, [2.0, -91.0], 5).is_empty());
        assert_eq!(nearest(&pts, |_| true, from, usize::MAX).len(), 5);
    }
}
