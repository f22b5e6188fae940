//! ARCEP quarterly mobile sites ("Mon réseau mobile", e.g.
//! `2024_T1_sites_Metropole.csv`): one row per operator and site, with the
//! zone blanche (`site_ZB`) and targeted coverage (`site_DCC`) flags that
//! mark the new sites built for poorly covered areas. Recent files give
//! WGS84 `latitude`/`longitude`; older ones only Lambert-93 `x`/`y`, which
//! are converted. Overseas files' x/y are in local UTM zones, not handled:
//! such rows without lat/lon are rejected ("unsupported-projection").

use super::input::{csv_rows, read_file, sniff_delimiter, Csv, Fields, Note};
use super::place::number;
use super::text::preview;
use super::SiteError;
use crate::layer::{field, Feature, LayerData, Value};
use crate::model::normalise_insee;
use crate::report::{Action, Report};
use geo_types::Point;
use maillage::manifest::{FieldKind, Label};
use std::collections::HashMap;
use std::path::Path;

/// Source id in the report.
pub const ARCEP_SOURCE: &str = "arcep-sites";

/// One operator's mobile site.
#[derive(Debug, Clone, PartialEq)]
pub struct ArcepSite {
    /// Operator code (MCC-MNC, e.g. "20801").
    pub operator_code: String,
    /// Operator name.
    pub operator: String,
    /// Operator's site number.
    pub site_id: String,
    /// ANFR station id, when given.
    pub anfr_id: String,
    /// Position, WGS84 lon/lat.
    pub position: Point<f64>,
    /// INSEE code of the commune as published (padded), may be empty.
    pub commune: String,
    /// Commune name as published.
    pub commune_name: String,
    /// 2G on the site (None when the file has no such column).
    pub g2: Option<bool>,
    /// 3G on the site.
    pub g3: Option<bool>,
    /// 4G on the site.
    pub g4: Option<bool>,
    /// 5G on the site.
    pub g5: Option<bool>,
    /// Built under the zones blanches programme (`site_ZB`).
    pub zone_blanche: Option<bool>,
    /// Built under the targeted coverage scheme (`site_DCC`, New Deal mobile).
    pub dcc: Option<bool>,
    /// Strategic site (`site_strategique`).
    pub strategic: Option<bool>,
}

/// Accepted spellings of each column (headers are lower-cased).
const COLS: &[(&str, &[&str])] = &[
    ("op_code", &["code_op", "op_code", "code_operateur"]),
    (
        "op_name",
        &["nom_op", "op_name", "operateur", "nom_operateur"],
    ),
    ("site", &["num_site", "id_site", "site_id"]),
    ("anfr", &["id_station_anfr", "id_anfr", "sta_nm_anfr"]),
    ("lat", &["latitude", "lat"]),
    ("lon", &["longitude", "lon", "long"]),
    ("x", &["x", "x_lambert_93", "x_l93", "coord_x"]),
    ("y", &["y", "y_lambert_93", "y_l93", "coord_y"]),
    ("insee", &["insee_com", "code_insee", "insee_commune"]),
    ("commune", &["nom_com", "commune", "nom_commune"]),
    ("2g", &["site_2g"]),
    ("3g", &["site_3g"]),
    ("4g", &["site_4g"]),
    ("5g", &["site_5g"]),
    ("zb", &["site_zb"]),
    ("dcc", &["site_dcc"]),
    ("strat", &["site_strategique", "site_strat"]),
];

/// Boxes (lon min, lat min, lon max, lat max) around metropolitan France
/// and the DROM-COM where ARCEP publishes sites: a cheap sanity check, as
/// this reader has no territory.
const FRANCE_BOXES: &[[f64; 4]] = &[
    [-5.8, 41.2, 10.0, 51.6],
    [-61.9, 15.8, -60.9, 16.6],
    [-61.3, 14.3, -60.8, 14.9],
    [-54.7, 2.0, -51.5, 5.9],
    [55.1, -21.5, 55.9, -20.8],
    [44.9, -13.1, 45.4, -12.5],
    [-56.5, 46.7, -56.1, 47.2],
    [-63.2, 17.8, -62.7, 18.2],
];

fn in_france(lon: f64, lat: f64) -> bool {
    FRANCE_BOXES
        .iter()
        .any(|b| lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3])
}

/// Lambert-93 (RGF93, EPSG:2154) to WGS84 lon/lat, by the inverse Lambert
/// conformal conic on GRS80 (RGF93 and WGS84 differ by centimetres).
pub fn lambert93_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};
    let a = 6_378_137.0_f64;
    let f = 1.0_f64 / 298.257_222_101;
    let e = (2.0 * f - f * f).sqrt();
    let (lat0, lat1, lat2, lon0) = (
        46.5f64.to_radians(),
        49f64.to_radians(),
        44f64.to_radians(),
        3f64.to_radians(),
    );
    let (x0, y0) = (700_000.0, 6_600_000.0);
    let m = |p: f64| p.cos() / (1.0 - e * e * p.sin().powi(2)).sqrt();
    let t = |p: f64| {
        (FRAC_PI_4 - p / 2.0).tan() / ((1.0 - e * p.sin()) / (1.0 + e * p.sin())).powf(e / 2.0)
    };
    let n = (m(lat1).ln() - m(lat2).ln()) / (t(lat1).ln() - t(lat2).ln());
    let big_f = m(lat1) / (n * t(lat1).powf(n));
    let rho0 = a * big_f * t(lat0).powf(n);
    let (dx, dy) = (x - x0, rho0 - (y - y0));
    let rho = (dx * dx + dy * dy).sqrt().copysign(n);
    let tt = (rho / (a * big_f)).powf(1.0 / n);
    let theta = dx.atan2(dy);
    let lon = theta / n + lon0;
    let mut lat = FRAC_PI_2 - 2.0 * tt.atan();
    for _ in 0..10 {
        let es = e * lat.sin();
        lat = FRAC_PI_2 - 2.0 * (tt * ((1.0 - es) / (1.0 + es)).powf(e / 2.0)).atan();
    }
    (lon.to_degrees(), lat.to_degrees())
}

fn flag(raw: &str, name: &str, notes: &mut Vec<Note>) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "1" | "true" | "vrai" | "oui" | "yes" => Some(true),
        "0" | "false" | "faux" | "non" | "no" => Some(false),
        _ => {
            notes.push(Note::repaired(
                "bad-flag",
                format!("{name} {}: left unknown", preview(raw)),
            ));
            None
        }
    }
}

/// Column name actually present in the header for a logical column.
fn resolve_cols(header: &[String]) -> HashMap<&'static str, &'static str> {
    let mut out = HashMap::new();
    for (key, names) in COLS {
        if let Some(n) = names.iter().find(|n| header.iter().any(|h| h == *n)) {
            out.insert(*key, *n);
        }
    }
    out
}

/// Parses ARCEP site rows (no report): each row's outcome, for tests.
fn parse_row(
    f: &mut Fields,
    cols: &HashMap<&'static str, &'static str>,
) -> Result<ArcepSite, Note> {
    let mut get = |k: &str| cols.get(k).map(|&c| f.text(c)).unwrap_or_default();
    let site_id = get("site");
    let (lat, lon, x, y) = (get("lat"), get("lon"), get("x"), get("y"));
    let (op_code, op_name, anfr, insee, commune) = (
        get("op_code"),
        get("op_name"),
        get("anfr"),
        get("insee"),
        get("commune"),
    );
    let raw_flags: Vec<(&str, String)> = ["2g", "3g", "4g", "5g", "zb", "dcc", "strat"]
        .into_iter()
        .map(|k| (k, get(k)))
        .collect();
    if site_id.is_empty() {
        return Err(Note::rejected(
            "missing-id",
            format!("no site number (operator {})", preview(&op_name)),
        ));
    }
    let (lon, lat) = if !lat.is_empty() || !lon.is_empty() {
        match (number(&lon), number(&lat)) {
            (Some(lo), Some(la)) => (lo, la),
            _ => {
                return Err(Note::rejected(
                    "bad-coordinates",
                    format!("lat {}, lon {}", preview(&lat), preview(&lon)),
                ))
            }
        }
    } else if !x.is_empty() || !y.is_empty() {
        match (number(&x), number(&y)) {
            (Some(xx), Some(yy))
                if (0.0..1_300_000.0).contains(&xx) && (6_000_000.0..7_200_000.0).contains(&yy) =>
            {
                lambert93_to_wgs84(xx, yy)
            }
            (Some(_), Some(_)) => {
                return Err(Note::rejected(
                    "unsupported-projection",
                    format!("x {x}, y {y} is not Lambert-93 and there is no latitude/longitude"),
                ))
            }
            _ => {
                return Err(Note::rejected(
                    "bad-coordinates",
                    format!("x {}, y {}", preview(&x), preview(&y)),
                ))
            }
        }
    } else {
        return Err(Note::rejected(
            "missing-coordinates",
            "no latitude/longitude nor x/y",
        ));
    };
    if !in_france(lon, lat) {
        return Err(Note::rejected(
            "outside-communes",
            format!("lon {lon}, lat {lat}"),
        ));
    }
    let mut notes = Vec::new();
    let fl: Vec<Option<bool>> = raw_flags
        .iter()
        .map(|(k, v)| flag(v, k, &mut notes))
        .collect();
    let at = |i: usize| fl.get(i).copied().flatten();
    let site = ArcepSite {
        operator_code: op_code,
        operator: op_name,
        site_id,
        anfr_id: anfr,
        position: Point::new(lon, lat),
        commune: normalise_insee(&insee).unwrap_or_default(),
        commune_name: commune,
        g2: at(0),
        g3: at(1),
        g4: at(2),
        g5: at(3),
        zone_blanche: at(4),
        dcc: at(5),
        strategic: at(6),
    };
    f.notes.extend(notes);
    Ok(site)
}

/// Reads an ARCEP sites CSV (";" or "," separated, UTF-8 or Windows-1252).
/// Bad rows are report entries; a file without a site number column or any
/// coordinate columns is an error. Output sorted by operator code and site.
pub fn read_arcep(path: &Path, report: &mut Report) -> Result<Vec<ArcepSite>, SiteError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = read_file(path)?;
    let Csv { header, rows } =
        csv_rows(&bytes, sniff_delimiter(&bytes)).map_err(|message| SiteError::Format {
            file: file.clone(),
            message,
        })?;
    let cols = resolve_cols(&header);
    let has_coords = (cols.contains_key("lat") && cols.contains_key("lon"))
        || (cols.contains_key("x") && cols.contains_key("y"));
    if !cols.contains_key("site") || !has_coords {
        return Err(SiteError::Format {
            file,
            message: "needs a site number column (num_site) and latitude/longitude or x/y columns"
                .into(),
        });
    }
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut out = Vec::new();
    for row in &rows {
        report.read(ARCEP_SOURCE);
        let mut reject = |n: Note| {
            report.note(
                ARCEP_SOURCE,
                &file,
                row.line,
                Action::Rejected,
                n.reason,
                n.detail,
            )
        };
        if let Some(bad) = &row.bad {
            reject(bad.clone());
            continue;
        }
        let mut f = Fields::new(row);
        let site = match parse_row(&mut f, &cols) {
            Ok(s) => s,
            Err(n) => {
                reject(n);
                continue;
            }
        };
        let key = (site.operator_code.clone(), site.site_id.clone());
        if let Some(first) = seen.get(&key) {
            reject(Note::rejected(
                "duplicate-id",
                format!(
                    "operator {} site {} already at line {first}",
                    key.0,
                    preview(&key.1)
                ),
            ));
            continue;
        }
        seen.insert(key, row.line);
        let mut notes = row.notes.clone();
        notes.extend(f.notes);
        report.repaired_row(
            ARCEP_SOURCE,
            &file,
            row.line,
            notes.iter().map(|n| (n.reason, n.detail.as_str())),
        );
        report.kept(ARCEP_SOURCE);
        out.push(site);
    }
    out.sort_by(|a, b| (&a.operator_code, &a.site_id).cmp(&(&b.operator_code, &b.site_id)));
    Ok(out)
}

fn opt_bool(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

/// The mobile sites layer.
pub fn arcep_layer(sites: &[ArcepSite]) -> LayerData {
    use FieldKind::{Boolean, Text};
    let mut zb = field(
        "zone_blanche",
        Boolean,
        "Site « zone blanche »",
        "\"Zone blanche\" site",
    );
    zb.description = Some(Label::new(
        "Site construit dans le cadre du programme zones blanches (centres-bourgs).",
        "Site built under the white-zones programme (village centres).",
    ));
    let mut dcc = field(
        "dcc",
        Boolean,
        "Site du dispositif de couverture ciblée",
        "Targeted coverage site",
    );
    dcc.description = Some(Label::new(
        "Site construit au titre du dispositif de couverture ciblée (New Deal mobile).",
        "Site built under the targeted coverage scheme (New Deal mobile).",
    ));
    let fields = vec![
        field("operator_code", Text, "Code opérateur", "Operator code"),
        field("operator", Text, "Opérateur", "Operator"),
        field("site_id", Text, "Numéro de site", "Site number"),
        field(
            "anfr_id",
            Text,
            "Identifiant station ANFR",
            "ANFR station id",
        ),
        field(
            "commune",
            Text,
            "Code commune (INSEE)",
            "Commune code (INSEE)",
        ),
        field("commune_name", Text, "Commune", "Commune"),
        field("g2", Boolean, "2G", "2G"),
        field("g3", Boolean, "3G", "3G"),
        field("g4", Boolean, "4G", "4G"),
        field("g5", Boolean, "5G", "5G"),
        zb,
        dcc,
        field("strategic", Boolean, "Site stratégique", "Strategic site"),
    ];
    let features = sites
        .iter()
        .map(|s| Feature {
            geometry: s.position.into(),
            values: vec![
                Value::text(s.operator_code.clone()),
                Value::text(s.operator.clone()),
                Value::text(s.site_id.clone()),
                Value::text(s.anfr_id.clone()),
                Value::text(s.commune.clone()),
                Value::text(s.commune_name.clone()),
                opt_bool(s.g2),
                opt_bool(s.g3),
                opt_bool(s.g4),
                opt_bool(s.g5),
                opt_bool(s.zone_blanche),
                opt_bool(s.dcc),
                opt_bool(s.strategic),
            ],
        })
        .collect();
    LayerData { fields, features }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../data/fixtures/sites")
            .join(name)
    }

    #[test]
    fn lambert93_matches_published_pair() {
        // The pair published in ARCEP's own example row (Algans, Tarn).
        let (lon, lat) = lambert93_to_wgs84(611_098.0, 6_277_414.0);
        assert!(
            (lon - 1.89946).abs() < 2e-4 && (lat - 43.59021).abs() < 2e-4,
            "{lon} {lat}"
        );
        let (lon, lat) = lambert93_to_wgs84(700_000.0, 6_600_000.0);
        assert!((lon - 3.0).abs() < 1e-9 && (lat - 46.5).abs() < 1e-9);
    }

    #[test]
    fn reads_recent_file_with_bad_rows() {
        let mut r = Report::default();
        let sites =
            read_arcep(&fixture("synthetic-arcep-sites-2024-t1.csv"), &mut r).expect("read");
        let s = &r.summary[ARCEP_SOURCE];
        assert_eq!((s.read, s.kept, s.rejected, s.repaired), (8, 4, 4, 1));
        let entries: Vec<(u64, &str)> = r
            .entries_for(ARCEP_SOURCE)
            .map(|e| (e.line, e.reason.as_str()))
            .collect();
        assert_eq!(
            entries,
            vec![
                (4, "bad-flag"),
                (6, "bad-coordinates"),
                (7, "outside-communes"),
                (8, "duplicate-id"),
                (9, "missing-id")
            ]
        );
        assert_eq!(sites.len(), 4);
        let zb: Vec<&str> = sites
            .iter()
            .filter(|s| s.zone_blanche == Some(true))
            .map(|s| s.site_id.as_str())
            .collect();
        assert_eq!(zb, vec!["00081787T2"]);
        assert_eq!(sites.iter().filter(|s| s.dcc == Some(true)).count(), 1);
        assert_eq!(sites[1].commune, "02691");
        let l = arcep_layer(&sites);
        assert_eq!(l.features.len(), 4);
        assert_eq!(l.fields.len(), l.features[0].values.len());
    }

    #[test]
    fn reads_old_lambert93_comma_file() {
        let mut r = Report::default();
        let sites = read_arcep(&fixture("synthetic-arcep-sites-l93.csv"), &mut r).expect("read");
        assert_eq!(sites.len(), 2);
        let reasons: Vec<&str> = r
            .entries_for(ARCEP_SOURCE)
            .map(|e| e.reason.as_str())
            .collect();
        assert_eq!(reasons, vec!["unsupported-projection"]);
        let p = sites[0].position;
        assert!((p.x() - 1.89946).abs() < 2e-4 && (p.y() - 43.59021).abs() < 2e-4);
        assert_eq!(sites[0].zone_blanche, None);
    }

    #[test]
    fn rejects_files_without_needed_columns() {
        let dir = std::env::temp_dir().join(format!("maillage-arcep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let p = dir.join("synthetic-no-coords.csv");
        std::fs::write(&p, "code_op;nom_op;num_site\n20801;Orange;1\n").expect("write");
        let err = read_arcep(&p, &mut Report::default()).expect_err("no coordinates");
        assert!(err.to_string().contains("synthetic-no-coords.csv"));
        let err = read_arcep(&dir.join("absent.csv"), &mut Report::default()).expect_err("missing");
        assert!(err.to_string().contains("absent.csv"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
