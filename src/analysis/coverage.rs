//! Population within reach of a kept help place, per EPCI, and the index of
//! kept places that makes the national recompute fast while giving exactly
//! the brute-force answer.

use super::{hav_to_m, is_valid, Geo};
use crate::geom::project::EARTH_RADIUS_M;
use crate::geom::trig::{cos, sin};

/// A commune as the coverage sees it: one representative point standing for
/// all its inhabitants, and the EPCI its population is counted in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommunePoint {
    /// Representative point (longitude, latitude), degrees.
    pub lon_lat: [f64; 2],
    /// Inhabitants. NaN, infinite or negative values are ignored.
    pub population: f64,
    /// Index into the caller's EPCI list. Out-of-range values are ignored.
    pub epci: u32,
}

/// Population within reach and total population per EPCI index: the figures
/// behind "x % of residents within 15 minutes".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// Population of the communes with a kept place within reach, per EPCI.
    pub covered: Vec<f64>,
    /// Population of all communes, per EPCI.
    pub total: Vec<f64>,
}

impl Coverage {
    /// Share of an EPCI's population within reach, 0–1; `None` for an EPCI
    /// with no (counted) population or an index out of range, so that the
    /// map can show "no data" rather than 0 %.
    pub fn share(&self, epci: usize) -> Option<f64> {
        let total = *self.total.get(epci)?;
        let covered = *self.covered.get(epci)?;
        (total > 0.0).then(|| covered / total)
    }

    /// Share of the population of all EPCIs within reach: the headline figure
    /// for the whole loaded territory. `None` when there is no population.
    pub fn overall(&self) -> Option<f64> {
        let total: f64 = self.total.iter().sum();
        let covered: f64 = self.covered.iter().sum();
        (total > 0.0).then(|| covered / total)
    }
}

/// Population per EPCI within `reach_m` straight-line metres of a kept site:
/// the widget's "within N minutes" recompute (pass [`super::Travel::reach_m`]).
///
/// A commune counts, with all its population, when at least one site `i`
/// with `keep(i)` lies within `reach_m` (haversine, inclusive) of its point.
/// Both vectors have `epci_count` entries. Communes with an EPCI index out of
/// range or a NaN, infinite or negative population are left out; a commune
/// with an invalid point counts in the total but is never covered (coverage
/// is never overstated). A NaN or negative reach covers nothing.
pub fn coverage(
    communes: &[CommunePoint],
    epci_count: usize,
    sites: &[[f64; 2]],
    keep: impl Fn(usize) -> bool,
    reach_m: f64,
) -> Coverage {
    ReachIndex::new(sites, keep, reach_m).coverage(communes, epci_count)
}

/// Relative widening of the search windows, so that rounding in the bounds
/// can never leave out a place the haversine would count.
const MARGIN_REL: f64 = 1e-9;
/// Absolute widening of the search windows, degrees (~0.1 mm).
const MARGIN_DEG: f64 = 1e-9;
/// Smallest band height, degrees (~0.1 m): keeps band numbers finite for a
/// zero reach.
const MIN_BAND_DEG: f64 = 1e-6;

/// The kept places arranged to answer "is there one within the reach of this
/// point?" quickly: latitude bands one reach high, longitudes sorted inside
/// each band. Built once per filter change and reach, then asked once per
/// commune (by [`coverage`], or by the map to colour communes).
///
/// Exactness: a place within distance `d` of a point at latitude φ differs
/// from it by at most `d/R` in latitude and, since
/// `hav(d/R) ≥ cos φ₁ cos φ₂ hav(Δλ)`, by at most
/// `2·asin(sin(d/2R) / cos φmax)` in longitude, φmax being the most poleward
/// latitude either can have. The query scans those windows (slightly widened
/// against rounding, across the antimeridian, whole bands near the poles)
/// and decides with the same haversine as [`super::haversine_m`], so the
/// result equals a scan of every place.
#[derive(Debug, Clone)]
pub struct ReachIndex {
    /// Reach, metres; NaN or negative reaches leave the index empty.
    reach_m: f64,
    /// Largest latitude difference within reach, degrees (capped at 181).
    dlat_deg: f64,
    /// Band height, degrees.
    band_deg: f64,
    /// sin(reach / 2R), capped at 1: the haversine bound on longitudes.
    sin_half: f64,
    /// Haversine ratio above which a place is surely beyond the reach:
    /// sin²(reach / 2R) widened by far more than rounding, so only the exact
    /// distance ever decides near the boundary.
    hav_cut: f64,
    /// Bands holding at least one place, ascending (a short list, searched
    /// first so the long arrays are only searched within one band).
    bands: Vec<i64>,
    /// Where each band of `bands` starts in `lons`/`geos`, plus the end.
    starts: Vec<usize>,
    /// Wrapped longitudes in [-180, 180], degrees, of the kept valid places
    /// sorted by (band, longitude): searched alone, for cache locality.
    lons: Vec<f64>,
    /// The same places as the haversine sees them (unwrapped longitudes).
    geos: Vec<Geo>,
}

/// Longitude wrapped to [-180, 180] (180 only through rounding); ordinary
/// longitudes are returned as they are, without the costly remainder.
fn wrap_lon(lon: f64) -> f64 {
    if (-180.0..=180.0).contains(&lon) {
        lon
    } else {
        (lon + 180.0).rem_euclid(360.0) - 180.0
    }
}

impl ReachIndex {
    /// Indexes the sites with `keep(i)` and a valid point (finite longitude,
    /// latitude within ±90) for questions about `reach_m` metres.
    pub fn new(sites: &[[f64; 2]], keep: impl Fn(usize) -> bool, reach_m: f64) -> ReachIndex {
        let usable = reach_m >= 0.0; // false for NaN
        let dlat_deg = if usable {
            ((reach_m / EARTH_RADIUS_M).to_degrees() * (1.0 + MARGIN_REL) + MARGIN_DEG).min(181.0)
        } else {
            0.0
        };
        let band_deg = dlat_deg.max(MIN_BAND_DEG);
        let sin_half = if usable {
            sin((reach_m / (2.0 * EARTH_RADIUS_M)).min(std::f64::consts::FRAC_PI_2))
        } else {
            0.0
        };
        let hav_cut = sin_half * sin_half * (1.0 + 1e-6) + 1e-15;
        let mut index = ReachIndex {
            reach_m,
            dlat_deg,
            band_deg,
            sin_half,
            hav_cut,
            bands: Vec::new(),
            starts: Vec::new(),
            lons: Vec::new(),
            geos: Vec::new(),
        };
        if !usable {
            return index;
        }
        // (band, wrapped longitude, point): sorted small, trigonometry after.
        let mut entries: Vec<(i64, f64, [f64; 2])> = sites
            .iter()
            .enumerate()
            .filter(|&(i, p)| is_valid(*p) && keep(i))
            .map(|(_, p)| (index.band(p[1]), wrap_lon(p[0]), *p))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        index.lons.reserve_exact(entries.len());
        index.geos.reserve_exact(entries.len());
        for (i, &(band, lon, p)) in entries.iter().enumerate() {
            if index.bands.last() != Some(&band) {
                index.bands.push(band);
                index.starts.push(i);
            }
            index.lons.push(lon);
            index.geos.push(Geo::raw(p));
        }
        index.starts.push(entries.len());
        index
    }

    /// Number of places indexed (kept and valid).
    pub fn len(&self) -> usize {
        self.geos.len()
    }

    /// Whether no place is indexed (none kept, or an unusable reach).
    pub fn is_empty(&self) -> bool {
        self.geos.is_empty()
    }

    /// Band of a latitude in [-90, 90]; the cast saturates, never panics.
    fn band(&self, lat: f64) -> i64 {
        ((lat + 90.0) / self.band_deg).floor() as i64
    }

    /// Half-width in degrees of the longitude window around a point at
    /// `lat`, or `None` when the whole band must be scanned (near a pole or
    /// for a reach of a quarter of the globe and more).
    fn lon_half_width(&self, lat: f64) -> Option<f64> {
        let poleward = (lat.abs() + self.dlat_deg).min(90.0);
        let c = cos(poleward.to_radians());
        // cos(90°) is 6e-17 in f64, so c > 0 for every valid point; the
        // ratio then reaches 1 (or infinity) wherever the window would wrap.
        if c <= 0.0 {
            return None;
        }
        let ratio = self.sin_half / c;
        if ratio.is_nan() || ratio >= 1.0 {
            return None;
        }
        let w = (2.0 * ratio.asin()).to_degrees() * (1.0 + MARGIN_REL) + MARGIN_DEG;
        (w < 180.0).then_some(w)
    }

    /// Whether a place in `band` with wrapped longitude in [lo, hi] is within
    /// reach of `from`.
    fn scan(&self, from: &Geo, band: i64, lo: f64, hi: f64) -> bool {
        let Ok(b) = self.bands.binary_search(&band) else {
            return false;
        };
        let (Some(&start), Some(&end)) = (self.starts.get(b), self.starts.get(b + 1)) else {
            return false;
        };
        let (Some(lons), Some(geos)) = (self.lons.get(start..end), self.geos.get(start..end))
        else {
            return false;
        };
        let first = lons.partition_point(|&x| x < lo);
        let candidates = lons.iter().zip(geos).skip(first);
        candidates.take_while(|(&x, _)| x <= hi).any(|(_, g)| {
            let h = from.hav(g);
            h <= self.hav_cut && hav_to_m(h) <= self.reach_m
        })
    }

    /// Whether at least one indexed place is within the reach of `point`
    /// (haversine, inclusive). False for an invalid point.
    pub fn covers(&self, point: [f64; 2]) -> bool {
        if self.geos.is_empty() {
            return false;
        }
        let Some(from) = Geo::valid(point) else {
            return false;
        };
        let lat = point[1];
        let first = self.band((lat - self.dlat_deg).max(-90.0));
        let last = self.band((lat + self.dlat_deg).min(90.0));
        let width = self.lon_half_width(lat);
        let lon = wrap_lon(point[0]);
        // The point's own band first: where a place within reach usually is.
        let own = self.band(lat).clamp(first, last);
        let bands = std::iter::once(own).chain((first..=last).filter(|&b| b != own));
        for band in bands {
            let hit = match width {
                None => self.scan(&from, band, f64::NEG_INFINITY, f64::INFINITY),
                Some(w) => {
                    let (lo, hi) = (lon - w, lon + w);
                    // Wrapped longitudes lie in [-180, 180]: the window's
                    // copies a turn away only matter when it crosses ±180.
                    self.scan(&from, band, lo, hi)
                        || (lo < -180.0 && self.scan(&from, band, lo + 360.0, hi + 360.0))
                        || (hi > 180.0 && self.scan(&from, band, lo - 360.0, hi - 360.0))
                }
            };
            if hit {
                return true;
            }
        }
        false
    }

    /// Covered and total population per EPCI for these places: [`coverage`]
    /// on an index already built (the map can reuse it to colour communes).
    pub fn coverage(&self, communes: &[CommunePoint], epci_count: usize) -> Coverage {
        let mut covered = vec![0.0; epci_count];
        let mut total = vec![0.0; epci_count];
        for c in communes {
            let pop = c.population;
            if !(pop.is_finite() && pop >= 0.0) {
                continue;
            }
            let Ok(e) = usize::try_from(c.epci) else {
                continue;
            };
            let (Some(t), Some(k)) = (total.get_mut(e), covered.get_mut(e)) else {
                continue;
            };
            *t += pop;
            if self.covers(c.lon_lat) {
                *k += pop;
            }
        }
        Coverage { covered, total }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{haversine_m, nearest, Mode, Travel};
    use super::*;

    fn commune(lon: f64, lat: f64, population: f64, epci: u32) -> CommunePoint {
        CommunePoint {
            lon_lat: [lon, lat],
            population,
            epci,
        }
    }

    /// Two sites on the meridian 2°E (A at 45°N, B at 46°N) and communes
    /// whose distances are easy: one degree of latitude = 111,195.08 m.
    fn fixture() -> (Vec<CommunePoint>, Vec<[f64; 2]>) {
        let communes = vec![
            commune(2.0, 45.05, 1000.0, 0),       // 5.56 km from A
            commune(2.0, 45.2, 500.0, 0),         // 22.24 km from A, 88.96 from B
            commune(2.0, 45.95, 2000.0, 1),       // 5.56 km from B
            commune(2.0, 45.5, 300.0, 1),         // 55.60 km from both
            commune(2.1, 46.0, 700.0, 2),         // 7.72 km east of B
            commune(2.0, 45.0, 50.0, 7),          // EPCI out of range: ignored
            commune(2.0, 45.0, f64::NAN, 0),      // NaN population: ignored
            commune(2.0, 45.0, -10.0, 1),         // negative population: ignored
            commune(2.0, 45.0, f64::INFINITY, 2), // infinite: ignored
        ];
        (communes, vec![[2.0, 45.0], [2.0, 46.0]])
    }

    #[test]
    fn fixture_distances_are_what_the_fixture_says() {
        let (c, s) = fixture();
        assert!((haversine_m(c[0].lon_lat, s[0]) - 5_559.75).abs() < 0.01);
        assert!((haversine_m(c[1].lon_lat, s[0]) - 22_239.02).abs() < 0.01);
        assert!((haversine_m(c[3].lon_lat, s[1]) - 55_597.54).abs() < 0.01);
        let d = haversine_m(c[4].lon_lat, s[1]);
        assert!((d - 7_724.2).abs() < 1.0, "{d}");
    }

    #[test]
    fn hand_computed_coverage_10_km() {
        let (communes, sites) = fixture();
        let cov = coverage(&communes, 3, &sites, |_| true, 10_000.0);
        assert_eq!(cov.covered, vec![1000.0, 2000.0, 700.0]);
        assert_eq!(cov.total, vec![1500.0, 2300.0, 700.0]);
        assert_eq!(cov.share(0), Some(1000.0 / 1500.0));
        assert_eq!(cov.share(1), Some(2000.0 / 2300.0));
        assert_eq!(cov.share(2), Some(1.0));
        assert_eq!(cov.share(3), None);
        assert_eq!(cov.overall(), Some(3700.0 / 4500.0));
    }

    #[test]
    fn filtering_sites_changes_coverage() {
        let (communes, sites) = fixture();
        // Only A: EPCIs 1 and 2 lose B's communes.
        let only_a = coverage(&communes, 3, &sites, |i| i == 0, 10_000.0);
        assert_eq!(only_a.covered, vec![1000.0, 0.0, 0.0]);
        assert_eq!(only_a.total, vec![1500.0, 2300.0, 700.0]);
        assert_eq!(only_a.share(1), Some(0.0));
        // Only B.
        let only_b = coverage(&communes, 3, &sites, |i| i == 1, 10_000.0);
        assert_eq!(only_b.covered, vec![0.0, 2000.0, 700.0]);
        // None kept: totals stay, nothing covered.
        let none = coverage(&communes, 3, &sites, |_| false, 10_000.0);
        assert_eq!(none.covered, vec![0.0; 3]);
        assert_eq!(none.overall(), Some(0.0));
        // Larger reach (25 km) adds the commune 22.24 km from A.
        let wide = coverage(&communes, 3, &sites, |_| true, 25_000.0);
        assert_eq!(wide.covered, vec![1500.0, 2000.0, 700.0]);
        // 6 km: the commune 7.72 km east of B drops out.
        let narrow = coverage(&communes, 3, &sites, |_| true, 6_000.0);
        assert_eq!(narrow.covered, vec![1000.0, 2000.0, 0.0]);
    }

    #[test]
    fn zero_reach_covers_only_exact_points() {
        let (mut communes, sites) = fixture();
        let cov = coverage(&communes, 3, &sites, |_| true, 0.0);
        assert_eq!(cov.covered, vec![0.0; 3]);
        communes.push(commune(2.0, 46.0, 40.0, 2)); // exactly on B
        let cov = coverage(&communes, 3, &sites, |_| true, 0.0);
        assert_eq!(cov.covered, vec![0.0, 0.0, 40.0]);
        assert_eq!(cov.total, vec![1500.0, 2300.0, 740.0]);
    }

    #[test]
    fn reach_boundary_is_inclusive() {
        let site = [[4.83, 45.76]];
        let p = [4.9, 45.8];
        let d = haversine_m(p, site[0]);
        assert!(ReachIndex::new(&site, |_| true, d).covers(p));
        assert!(!ReachIndex::new(&site, |_| true, d - 0.001).covers(p));
    }

    /// The place of a circle of angular radius θ around latitude φ₁ that is
    /// farthest in longitude: sin φ₂ = sin φ₁ / cos θ, sin Δλ = sin θ / cos φ₁.
    /// It sits at the very edge of the longitude window, so a window even
    /// slightly too narrow misses it.
    fn extreme_east(from: [f64; 2], theta: f64) -> Option<[f64; 2]> {
        let phi1 = from[1].to_radians();
        let s2 = phi1.sin() / theta.cos();
        let sl = theta.sin() / phi1.cos();
        (s2.abs() <= 1.0 && sl <= 1.0)
            .then(|| [from[0] + sl.asin().to_degrees(), s2.asin().to_degrees()])
    }

    #[test]
    fn place_at_the_edge_of_the_longitude_window_is_found() {
        let mut checked = 0;
        for lat in [0.0, 30.0, -45.0, 46.5, 60.0, -75.0, 84.0] {
            for lon in [2.0, 179.9, -179.95] {
                for reach in [100.0, 7_692.3, 100_000.0, 1_000_000.0] {
                    let from = [lon, lat];
                    let Some(site) = extreme_east(from, reach / EARTH_RADIUS_M) else {
                        continue;
                    };
                    // The construction is right: the site is at the reach.
                    let d = haversine_m(from, site);
                    assert!((d - reach).abs() < 1e-6 * reach, "{from:?} {site:?} {d}");
                    let sites = [site];
                    assert!(
                        ReachIndex::new(&sites, |_| true, d).covers(from),
                        "{from:?} {reach}"
                    );
                    // Mirror it west, too.
                    let west = [2.0 * lon - site[0], site[1]];
                    let dw = haversine_m(from, west);
                    assert!(
                        ReachIndex::new(&[west], |_| true, dw).covers(from),
                        "{from:?} {reach}"
                    );
                    assert!(!ReachIndex::new(&sites, |_| true, d * (1.0 - 1e-9)).covers(from));
                    checked += 1;
                }
            }
        }
        // 84 cases less the three at 84° with 1000 km, whose circle passes the pole.
        assert_eq!(checked, 81);
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let (communes, sites) = fixture();
        for reach in [f64::NAN, -1.0, f64::NEG_INFINITY] {
            let cov = coverage(&communes, 3, &sites, |_| true, reach);
            assert_eq!(cov.covered, vec![0.0; 3], "{reach}");
            assert_eq!(cov.total, vec![1500.0, 2300.0, 700.0]);
        }
        // Infinite reach: any kept site covers everything.
        let all = coverage(&communes, 3, &sites, |i| i == 1, f64::INFINITY);
        assert_eq!(all.covered, all.total);
        // No EPCI at all.
        let empty = coverage(&communes, 0, &sites, |_| true, 1e4);
        assert!(empty.covered.is_empty() && empty.share(0).is_none());
        assert_eq!(empty.overall(), None);
        // Invalid commune points count in the total, never covered; invalid
        // sites are skipped.
        let odd = [
            commune(f64::NAN, 45.0, 10.0, 0),
            commune(2.0, 123.0, 20.0, 0),
            commune(2.0, 45.0, 30.0, 0),
        ];
        let bad_sites = [[f64::NAN, 45.0], [2.0, f64::INFINITY], [2.0, 45.0]];
        let cov = coverage(&odd, 1, &bad_sites, |_| true, 100.0);
        assert_eq!((cov.covered[0], cov.total[0]), (30.0, 60.0));
        assert_eq!(ReachIndex::new(&bad_sites, |_| true, 1.0).len(), 1);
        assert!(ReachIndex::new(&bad_sites, |_| true, f64::NAN).is_empty());
        assert!(Coverage::default().share(0).is_none());
    }

    /// Tiny deterministic generator: the same pseudo-random points each run.
    struct Lcg(u64);
    impl Lcg {
        fn unit(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.unit()
        }
        fn below(&mut self, n: u32) -> u32 {
            ((self.unit() * f64::from(n)) as u32).min(n - 1)
        }
    }

    /// Reference answer: every commune against every kept valid site.
    fn brute_flags(
        communes: &[CommunePoint],
        sites: &[[f64; 2]],
        keep: impl Fn(usize) -> bool,
        reach: f64,
    ) -> Vec<bool> {
        communes
            .iter()
            .map(|c| {
                sites.iter().enumerate().any(|(i, s)| {
                    keep(i)
                        && s[0].is_finite()
                        && (-90.0..=90.0).contains(&s[1])
                        && haversine_m(c.lon_lat, *s) <= reach
                })
            })
            .collect()
    }

    /// Reference tally of per-commune flags into EPCIs, as the spec says.
    fn tally(communes: &[CommunePoint], epci_count: usize, flags: &[bool]) -> Coverage {
        let mut cov = Coverage {
            covered: vec![0.0; epci_count],
            total: vec![0.0; epci_count],
        };
        for (c, &hit) in communes.iter().zip(flags) {
            let e = c.epci as usize;
            if e >= epci_count || !c.population.is_finite() || c.population < 0.0 {
                continue;
            }
            cov.total[e] += c.population;
            if hit {
                cov.covered[e] += c.population;
            }
        }
        cov
    }

    /// Compares index and brute force commune by commune, then per EPCI;
    /// returns how many communes are covered.
    fn check_against_brute(
        communes: &[CommunePoint],
        epci_count: usize,
        sites: &[[f64; 2]],
        reach: f64,
    ) -> usize {
        let keep = |i: usize| i % 3 != 1;
        let index = ReachIndex::new(sites, keep, reach);
        let want = brute_flags(communes, sites, keep, reach);
        for (c, &w) in communes.iter().zip(&want) {
            assert_eq!(index.covers(c.lon_lat), w, "{:?} reach {reach}", c.lon_lat);
        }
        assert_eq!(
            index.coverage(communes, epci_count),
            tally(communes, epci_count, &want)
        );
        want.iter().filter(|&&w| w).count()
    }

    #[test]
    fn index_equals_brute_force_over_france() {
        let mut rng = Lcg(42);
        let communes: Vec<CommunePoint> = (0..2500)
            .map(|_| {
                commune(
                    rng.range(-5.0, 9.5),
                    rng.range(41.3, 51.1),
                    rng.range(0.0, 5000.0).floor(),
                    rng.below(40),
                )
            })
            .collect();
        let sites: Vec<[f64; 2]> = (0..1500)
            .map(|_| [rng.range(-5.0, 9.5), rng.range(41.3, 51.1)])
            .collect();
        let car15 = Travel::default().reach_m(15.0, Mode::Car);
        let mut hits = Vec::new();
        for reach in [0.0, 865.0, car15, 20_000.0, 150_000.0, 3e6] {
            hits.push(check_against_brute(&communes, 40, &sites, reach));
        }
        // The radii exercise every regime: none, few, many, all covered.
        assert_eq!(hits[0], 0);
        assert!(hits[1] > 0 && hits[1] < 300, "{hits:?}");
        assert!(hits[2] > hits[1] && hits[2] < 2500, "{hits:?}");
        assert!(hits[3] > hits[2] && hits[3] < 2500, "{hits:?}");
        assert_eq!(hits[5], 2500);
        // Boundary cases: reach equal to each commune's nearest distance.
        for c in communes.iter().take(50) {
            let keep = |i: usize| i % 3 != 1;
            let (_, d) = nearest(&sites, keep, c.lon_lat, 1)[0];
            assert!(ReachIndex::new(&sites, keep, d).covers(c.lon_lat));
            assert!(!ReachIndex::new(&sites, keep, d * (1.0 - 1e-12)).covers(c.lon_lat));
        }
    }

    #[test]
    fn index_equals_brute_force_at_poles_and_antimeridian() {
        let mut rng = Lcg(7);
        // Points clustered near the poles and the antimeridian, longitudes
        // also given beyond ±180.
        let point = |rng: &mut Lcg| {
            let lat = match rng.below(3) {
                0 => rng.range(85.0, 90.0),
                1 => rng.range(-90.0, -85.0),
                _ => rng.range(-60.0, 60.0),
            };
            let lon = match rng.below(3) {
                0 => rng.range(178.0, 182.0),
                1 => rng.range(-540.0, 540.0),
                _ => rng.range(-182.0, -178.0),
            };
            [lon, lat]
        };
        let communes: Vec<CommunePoint> = (0..1200)
            .map(|_| {
                let p = point(&mut rng);
                commune(p[0], p[1], 1.0 + rng.below(100) as f64, rng.below(10))
            })
            .collect();
        let mut sites: Vec<[f64; 2]> = (0..1200).map(|_| point(&mut rng)).collect();
        sites.push([0.0, 90.0]);
        sites.push([180.0, -90.0]);
        for reach in [0.0, 5_000.0, 50_000.0, 400_000.0, 5e6, 2.1e7] {
            check_against_brute(&communes, 10, &sites, reach);
        }
    }

    /// Median of five timings, milliseconds (the machine may be shared: the
    /// fastest run is printed beside it as a floor).
    fn median_ms(mut run: impl FnMut()) -> Timing {
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let t = std::time::Instant::now();
                run();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        Timing {
            median: times[2],
            min: times[0],
        }
    }

    /// Median and fastest of five runs, milliseconds.
    struct Timing {
        median: f64,
        min: f64,
    }

    impl std::fmt::Display for Timing {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{:.2} ms (fastest {:.2} ms)", self.median, self.min)
        }
    }

    #[test]
    #[ignore = "benchmark: prints timings, run with --release --ignored --nocapture"]
    fn bench_national_recompute() {
        let mut rng = Lcg(2024);
        let communes: Vec<CommunePoint> = (0..34_900)
            .map(|_| {
                commune(
                    rng.range(-5.0, 9.5),
                    rng.range(41.3, 51.1),
                    rng.range(0.0, 4000.0).floor(),
                    rng.below(1250),
                )
            })
            .collect();
        let sites: Vec<[f64; 2]> = (0..62_700)
            .map(|_| [rng.range(-5.0, 9.5), rng.range(41.3, 51.1)])
            .collect();
        let reach = Travel::default().reach_m(15.0, Mode::Car);
        let keep = |i: usize| i % 10 != 3; // a filter dropping 10 %
        let mut share = None;
        let full = median_ms(|| {
            share = coverage(&communes, 1250, &sites, keep, reach).overall();
        });
        let build = median_ms(|| {
            std::hint::black_box(ReachIndex::new(&sites, keep, reach));
        });
        let index = ReachIndex::new(&sites, keep, reach);
        let queries = median_ms(|| {
            std::hint::black_box(index.coverage(&communes, 1250));
        });
        let mut first = None;
        let near = median_ms(|| {
            first = nearest(&sites, keep, [2.3522, 48.8566], 10)
                .first()
                .copied();
        });
        let brute_one = median_ms(|| {
            std::hint::black_box(brute_flags(&communes[..500], &sites, keep, reach));
        });
        println!(
            "coverage: {} communes, 1250 EPCIs, {} sites, reach {:.0} m: full recompute {full} \
             (index build {build}, queries {queries}); overall share {share:?}",
            communes.len(),
            sites.len(),
            reach
        );
        println!(
            "nearest-10 from Paris over {} sites: {near}; first {first:?}",
            sites.len()
        );
        println!(
            "brute force for comparison: {brute_one} for 500 communes (~{:.0} ms for all)",
            brute_one.median * communes.len() as f64 / 500.0
        );
        // Places clustered in 800 towns (within ~±0.15°), as real ones are:
        // fewer communes covered, so more of them scan every candidate band.
        let towns: Vec<[f64; 2]> = (0..800)
            .map(|_| [rng.range(-5.0, 9.5), rng.range(41.3, 51.1)])
            .collect();
        let clustered: Vec<[f64; 2]> = (0..62_700)
            .map(|_| {
                let t = towns[rng.below(800) as usize];
                let jitter = |rng: &mut Lcg| (rng.unit() + rng.unit() + rng.unit() - 1.5) * 0.1;
                [t[0] + jitter(&mut rng), t[1] + jitter(&mut rng)]
            })
            .collect();
        let mut share = None;
        let full = median_ms(|| {
            share = coverage(&communes, 1250, &clustered, keep, reach).overall();
        });
        println!("clustered places: full recompute {full}; overall share {share:?}");
    }
}
