//! Indicators joined to territories: INSEE illectronism rates by EPCI and La
//! MedNum's digital-fragility index (IFN) by EPCI and by commune. Rows whose
//! code does not match the current territory are reported, never dropped
//! silently.

use crate::model::{normalise_insee, normalise_siren, Territory};
use crate::report::{Action, Report};
use crate::sites::input::{csv_rows, json_rows, sniff_delimiter, Csv, Row};
use std::collections::BTreeMap;
use std::path::Path;

/// INSEE illectronism for one EPCI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Illectronism {
    /// Share of people aged 15 and over in illectronism, in percent.
    pub rate_pct: f64,
    /// Number of people aged 15 and over in illectronism.
    pub people: u64,
}

/// IFN scores for one territory. All are indices from 1 (low risk) to 10
/// (high risk), not rates, whatever their names in the source say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ifn {
    /// Overall index.
    pub total: f64,
    /// Lack of very-high-speed broadband coverage.
    pub no_thd: f64,
    /// Lack of 4G coverage (the grey-zone proxy).
    pub no_4g: f64,
    /// Poverty.
    pub poverty: f64,
    /// Share of people over 65.
    pub older_65: f64,
    /// Share of people aged 15+ without a diploma.
    pub no_diploma: f64,
}

/// Error reading an indicator file (the file as a whole; bad rows are reported).
#[derive(Debug)]
pub struct IndicatorError(pub String);

impl std::fmt::Display for IndicatorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IndicatorError {}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Parses a number written the French way ("18,7", "3 346" with narrow
/// no-break spaces) or the English way ("18.7").
pub fn parse_french_number(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The rows of one indicator file and where their outcomes go: every row
/// is counted as read, then kept (with its repairs, such as an `encoding`
/// fallback) or rejected with its line and reason.
struct Rows<'a> {
    source: &'a str,
    file: String,
    report: &'a mut Report,
}

impl Rows<'_> {
    fn reject(&mut self, row: &Row, reason: &str, detail: String) {
        self.report.note(
            self.source,
            &self.file,
            row.line,
            Action::Rejected,
            reason,
            detail,
        );
    }

    fn keep(&mut self, row: &Row) {
        self.report.repaired_row(
            self.source,
            &self.file,
            row.line,
            row.notes.iter().map(|n| (n.reason, n.detail.as_str())),
        );
        self.report.kept(self.source);
    }

    /// Counts the row as read; false (and reported) when it cannot be read.
    fn readable(&mut self, row: &Row) -> bool {
        self.report.read(self.source);
        if let Some(bad) = &row.bad {
            self.reject(row, bad.reason, bad.detail.clone());
            return false;
        }
        true
    }

    /// Stores a row's value under its code, unless an earlier row has that
    /// code: the first row wins and the second is reported "duplicate".
    fn insert<T>(&mut self, out: &mut BTreeMap<String, (u64, T)>, row: &Row, code: String, v: T) {
        match out.entry(code) {
            std::collections::btree_map::Entry::Occupied(e) => {
                let detail = format!("second row for {}, first at line {}", e.key(), e.get().0);
                self.reject(row, "duplicate", detail);
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert((row.line, v));
                self.keep(row);
            }
        }
    }
}

/// The values of [`Rows::insert`] without their lines.
fn values<T>(out: BTreeMap<String, (u64, T)>) -> BTreeMap<String, T> {
    out.into_iter().map(|(k, (_, v))| (k, v)).collect()
}

/// An error naming the file.
fn file_error(path: &Path, message: impl std::fmt::Display) -> IndicatorError {
    IndicatorError(format!("{}: {message}", path.display()))
}

/// Columns (or JSON keys) of `need` that `have` lacks, as an error.
fn check_columns(path: &Path, have: &[String], need: &[&str]) -> Result<(), IndicatorError> {
    let missing: Vec<&str> = need
        .iter()
        .copied()
        .filter(|n| !have.iter().any(|h| h == n))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(file_error(
        path,
        format!(
            "missing columns: {} (the file has: {})",
            missing.join(", "),
            have.join(", ")
        ),
    ))
}

fn read(path: &Path) -> Result<Vec<u8>, IndicatorError> {
    std::fs::read(path).map_err(|e| IndicatorError(format!("cannot read {}: {e}", path.display())))
}

/// Reads INSEE's illectronism JSON (`[{"Code EPCI", "Libellé EPCI", "Taux (en %)", "Nombre"}]`),
/// UTF-8 or Windows-1252, with or without a byte order mark. A file whose
/// first record lacks a needed key is an error naming the file and the key.
pub fn read_insee_illectronism(
    path: &Path,
    source: &str,
    territory: &Territory,
    report: &mut Report,
) -> Result<BTreeMap<String, Illectronism>, IndicatorError> {
    let rows = json_rows(&read(path)?)
        .map_err(|e| file_error(path, format!("not a JSON array of records: {e}")))?;
    if let Some(first) = rows.iter().find(|r| r.bad.is_none()) {
        check_columns(
            path,
            first.columns(),
            &["Code EPCI", "Taux (en %)", "Nombre"],
        )?;
    }
    let mut r = Rows {
        source,
        file: file_name(path),
        report,
    };
    let mut out = BTreeMap::new();
    for row in &rows {
        if !r.readable(row) {
            continue;
        }
        let raw_code = row.raw("Code EPCI");
        let Some(siren) = normalise_siren(raw_code) else {
            r.reject(row, "bad-code", format!("EPCI code {raw_code:?}"));
            continue;
        };
        let (rate, people) = (row.raw("Taux (en %)"), row.raw("Nombre"));
        let (Some(rate_pct), Some(people)) =
            (parse_french_number(rate), parse_french_number(people))
        else {
            r.reject(
                row,
                "bad-value",
                format!("rate {rate:?}, people {people:?}"),
            );
            continue;
        };
        if territory.epci(&siren).is_none() {
            let name = row.raw("Libellé EPCI");
            r.reject(
                row,
                "unknown-epci",
                format!("EPCI {siren} ({name}) is not in the current EPCI map (merged or dissolved since)"),
            );
            continue;
        }
        if !(0.0..=100.0).contains(&rate_pct) {
            r.reject(row, "out-of-range", format!("rate {rate_pct} %"));
            continue;
        }
        let value = Illectronism {
            rate_pct,
            people: people as u64,
        };
        r.insert(&mut out, row, siren, value);
    }
    Ok(values(out))
}

/// Which territory an IFN file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfnLevel {
    /// Rows with `division = epci`, codes are SIRENs.
    Epci,
    /// Rows with `division = city`, codes are INSEE commune codes.
    Commune,
}

/// Score columns of an IFN file, in the order of [`Ifn`]'s fields.
const IFN_SCORES: [&str; 6] = [
    "total",
    "no_thd_coverage_rate",
    "no_4g_coverage_rate",
    "poverty_rate",
    "older_65_rate",
    "nscol15p_rate",
];

/// Reads an IFN CSV (`name, division, code, no_thd_coverage_rate,
/// no_4g_coverage_rate, poverty_rate, older_65_rate, nscol15p_rate, total`):
/// "," or ";" separated, UTF-8 or Windows-1252, with or without a byte order
/// mark. A file without one of these columns is an error naming the file
/// and the column; a row with another number of fields than the header is
/// rejected ("bad-record").
pub fn read_ifn(
    path: &Path,
    source: &str,
    level: IfnLevel,
    territory: &Territory,
    report: &mut Report,
) -> Result<BTreeMap<String, Ifn>, IndicatorError> {
    let bytes = read(path)?;
    let Csv { header, rows } =
        csv_rows(&bytes, sniff_delimiter(&bytes)).map_err(|e| file_error(path, e))?;
    let mut need = vec!["code", "name"];
    need.extend(IFN_SCORES);
    check_columns(path, &header, &need)?;
    let mut r = Rows {
        source,
        file: file_name(path),
        report,
    };
    let mut out = BTreeMap::new();
    for row in &rows {
        if !r.readable(row) {
            continue;
        }
        let raw = row.raw("code");
        let name = row.raw("name");
        let code = match level {
            IfnLevel::Epci => normalise_siren(raw),
            IfnLevel::Commune => normalise_insee(raw),
        };
        let Some(code) = code else {
            r.reject(row, "bad-code", format!("code {raw:?} ({name})"));
            continue;
        };
        let v: Vec<Option<f64>> = IFN_SCORES
            .iter()
            .map(|c| parse_french_number(row.raw(c)).filter(|x| (0.0..=10.0).contains(x)))
            .collect();
        let [Some(total), Some(no_thd), Some(no_4g), Some(poverty), Some(older_65), Some(no_diploma)] =
            v[..]
        else {
            r.reject(
                row,
                "missing-score",
                format!("{code} ({name}): empty or out-of-range score"),
            );
            continue;
        };
        let known = match level {
            IfnLevel::Epci => territory.epci(&code).is_some(),
            IfnLevel::Commune => territory.commune(&code).is_some_and(|c| c.code == code),
        };
        if !known {
            let (reason, why) = match level {
                IfnLevel::Commune if territory.is_alias(&code) => (
                    "delegated-commune",
                    "is a commune déléguée or associée; its current commune has its own score",
                ),
                IfnLevel::Commune => ("unknown-commune", "is not a commune of the current COG"),
                IfnLevel::Epci => (
                    "unknown-epci",
                    "is not in the current EPCI map (merged or dissolved since)",
                ),
            };
            r.reject(row, reason, format!("{code} ({name}) {why}"));
            continue;
        }
        let ifn = Ifn {
            total,
            no_thd,
            no_4g,
            poverty,
            older_65,
            no_diploma,
        };
        r.insert(&mut out, row, code, ifn);
    }
    Ok(values(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{square, Commune, Epci};
    use geo_types::MultiPolygon;
    use std::collections::HashMap;

    fn territory() -> Territory {
        let commune = |code: &str| Commune {
            code: code.into(),
            name: code.into(),
            dep: "62".into(),
            epci: Some("200033579".into()),
            population: 1,
            geometry: MultiPolygon(vec![square(0.0, 0.0, 1.0)]),
            mairie: None,
            postal_codes: Vec::new(),
        };
        Territory::new(
            vec![commune("62041"), commune("02001")],
            vec![Epci {
                siren: "200033579".into(),
                name: "CU d'Arras".into(),
                kind: "CU".into(),
            }],
            vec![],
            HashMap::from([("62999".into(), "62041".into())]),
        )
    }

    fn write(name: &str, text: impl AsRef<[u8]>) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("maillage-ind-{}-{name}", std::process::id()));
        std::fs::write(&p, text).expect("write");
        p
    }

    /// (line, action, reason, detail) of every report entry.
    fn entries(r: &Report) -> Vec<(u64, Action, &str, &str)> {
        r.entries
            .iter()
            .map(|e| (e.line, e.action, e.reason.as_str(), e.detail.as_str()))
            .collect()
    }

    #[test]
    fn parses_french_numbers() {
        assert_eq!(parse_french_number("18,7"), Some(18.7));
        assert_eq!(parse_french_number("3\u{202f}346"), Some(3346.0));
        assert_eq!(parse_french_number("13 846"), Some(13846.0));
        assert_eq!(parse_french_number("NaN"), None);
        assert_eq!(parse_french_number(""), None);
    }

    #[test]
    fn insee_rows_are_kept_or_reported() {
        let p = write(
            "insee.json",
            r#"[{"Code EPCI": 200033579, "Libellé EPCI": "CU d'Arras", "Taux (en %)": "15,8", "Nombre": "13 846"},
                {"Code EPCI": 245901061, "Libellé EPCI": "Ancienne", "Taux (en %)": "20,0", "Nombre": "1"},
                {"Code EPCI": "x", "Taux (en %)": "1", "Nombre": "1"},
                {"Code EPCI": 200033579, "Taux (en %)": "abc", "Nombre": "1"}]"#,
        );
        let mut r = Report::default();
        let m = read_insee_illectronism(&p, "insee", &territory(), &mut r).expect("read");
        assert_eq!(
            m["200033579"],
            Illectronism {
                rate_pct: 15.8,
                people: 13846
            }
        );
        let reasons: Vec<(u64, &str)> = r
            .entries
            .iter()
            .map(|e| (e.line, e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![(2, "unknown-epci"), (3, "bad-code"), (4, "bad-value")]
        );
        let s = &r.summary["insee"];
        assert_eq!((s.read, s.kept, s.rejected), (4, 1, 3));
    }

    #[test]
    fn ifn_rows_are_kept_or_reported() {
        let p = write(
            "ifn.csv",
            "name,division,code,no_thd_coverage_rate,no_4g_coverage_rate,poverty_rate,older_65_rate,nscol15p_rate,total\n\
             Arras,city,62041,1.0,5.0,7.0,4.0,6.0,4.6\n\
             Aisne,city,2001,10.0,7.0,2.0,5.0,6.0,6.0\n\
             Déléguée,city,62999,1,1,1,1,1,1\n\
             Vide,city,62041,,,,,,\n\
             Ailleurs,city,75056,1,1,1,1,1,1\n",
        );
        let mut r = Report::default();
        let m = read_ifn(&p, "ifn", IfnLevel::Commune, &territory(), &mut r).expect("read");
        assert_eq!(m.len(), 2);
        assert_eq!(m["02001"].no_thd, 10.0);
        assert_eq!(m["62041"].total, 4.6);
        let reasons: Vec<(u64, &str)> = r
            .entries
            .iter()
            .map(|e| (e.line, e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (4, "delegated-commune"),
                (5, "missing-score"),
                (6, "unknown-commune")
            ]
        );
    }

    #[test]
    fn ifn_missing_column_names_the_file() {
        let p = write("bad.csv", "name,code,total\nA,1,2\n");
        let err = read_ifn(
            &p,
            "ifn",
            IfnLevel::Epci,
            &territory(),
            &mut Report::default(),
        )
        .expect_err("no column");
        assert!(
            err.0.contains("no_thd_coverage_rate") && err.0.contains("bad.csv"),
            "{}",
            err.0
        );
    }

    /// Synthetic IFN file with a byte order mark, ";" separators, CRLF, a
    /// Windows-1252 name, a row with a missing field and a repeated code.
    #[test]
    fn ifn_edge_cases_are_read_or_reported() {
        let mut text = b"\xEF\xBB\xBFname;division;code;no_thd_coverage_rate;no_4g_coverage_rate;poverty_rate;older_65_rate;nscol15p_rate;total\r\n".to_vec();
        text.extend_from_slice(b"Arras;city;62041;1,0;5,0;7,0;4,0;6,0;4,6\r\n");
        text.extend_from_slice(b"Aisne (h\xE9t\xE9rog\xE8ne);city;02001;10;7;2;5;6;6\r\n");
        text.extend_from_slice(b"Court;city;62041;1;1;1;1;1\r\n");
        text.extend_from_slice(b"Arras bis;city;62041;9;9;9;9;9;9\r\n");
        let p = write("synthetic-ifn-edges.csv", text);
        let mut r = Report::default();
        let m = read_ifn(&p, "ifn", IfnLevel::Commune, &territory(), &mut r).expect("read");
        // The first row of a code wins; the repeat is reported, not used.
        assert_eq!(m["62041"].total, 4.6);
        assert_eq!(m["02001"].no_thd, 10.0);
        assert_eq!(
            entries(&r),
            vec![
                (
                    3,
                    Action::Repaired,
                    "encoding",
                    "name: not UTF-8, read as Windows-1252: 'Aisne (hétérogène)'"
                ),
                (4, Action::Rejected, "bad-record", "8 fields, header has 9"),
                (
                    5,
                    Action::Rejected,
                    "duplicate",
                    "second row for 62041, first at line 2"
                ),
            ]
        );
        let s = &r.summary["ifn"];
        assert_eq!((s.read, s.kept, s.rejected, s.repaired), (4, 2, 2, 1));
    }

    /// Synthetic INSEE file in Windows-1252 with a byte order mark, a repeated
    /// EPCI and a record that is not an object; then a file whose records
    /// lack a key (renamed).
    #[test]
    fn insee_edge_cases_are_read_or_reported() {
        let text = b"\xEF\xBB\xBF[{\"Code EPCI\": \"200033579\", \"Libell\xE9 EPCI\": \"CU d'Arras\", \"Taux (en %)\": \"15,8\", \"Nombre\": \"13 846\"},\n {\"Code EPCI\": 200033579, \"Taux (en %)\": \"99\", \"Nombre\": \"1\"}, 7]";
        let p = write("synthetic-insee-latin1.json", text);
        let mut r = Report::default();
        let m = read_insee_illectronism(&p, "insee", &territory(), &mut r).expect("read");
        assert_eq!(m["200033579"].rate_pct, 15.8);
        assert_eq!(
            entries(&r),
            vec![
                (
                    1,
                    Action::Repaired,
                    "encoding",
                    "file is not UTF-8 (first bad byte at offset 38); read as Windows-1252"
                ),
                (
                    2,
                    Action::Rejected,
                    "duplicate",
                    "second row for 200033579, first at line 1"
                ),
                (3, Action::Rejected, "bad-record", "not an object: '7'"),
            ]
        );
        let s = &r.summary["insee"];
        assert_eq!((s.read, s.kept, s.rejected, s.repaired), (3, 1, 2, 1));

        let p = write(
            "synthetic-insee-renamed.json",
            r#"[{"Code_EPCI": "200033579", "Taux (en %)": "15,8", "Nombre": "1"}]"#,
        );
        let err = read_insee_illectronism(&p, "insee", &territory(), &mut Report::default())
            .expect_err("renamed key");
        assert_eq!(
            err.0,
            format!(
                "{}: missing columns: Code EPCI (the file has: Code_EPCI, Nombre, Taux (en %))",
                p.display()
            )
        );
    }
}
