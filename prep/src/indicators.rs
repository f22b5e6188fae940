//! Indicators joined to territories: INSEE illectronism rates by EPCI and La
//! MedNum's digital-fragility index (IFN) by EPCI and by commune. Rows whose
//! code does not match the current territory are reported, never dropped
//! silently.

use crate::model::{normalise_insee, normalise_siren, Territory};
use crate::report::{Action, Report};
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

/// Reads INSEE's illectronism JSON (`[{"Code EPCI", "Libellé EPCI", "Taux (en %)", "Nombre"}]`).
pub fn read_insee_illectronism(
    path: &Path,
    source: &str,
    territory: &Territory,
    report: &mut Report,
) -> Result<BTreeMap<String, Illectronism>, IndicatorError> {
    let file = file_name(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| IndicatorError(format!("cannot read {}: {e}", path.display())))?;
    let rows: Vec<serde_json::Value> = serde_json::from_str(&text).map_err(|e| {
        IndicatorError(format!(
            "{}: not a JSON array of records: {e}",
            path.display()
        ))
    })?;
    let mut out = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i as u64 + 1;
        report.read(source);
        let text_of = |k: &str| match row.get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let raw_code = text_of("Code EPCI");
        let Some(siren) = normalise_siren(&raw_code) else {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "bad-code",
                format!("EPCI code {raw_code:?}"),
            );
            continue;
        };
        let (rate, people) = (text_of("Taux (en %)"), text_of("Nombre"));
        let (Some(rate_pct), Some(people)) =
            (parse_french_number(&rate), parse_french_number(&people))
        else {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "bad-value",
                format!("rate {rate:?}, people {people:?}"),
            );
            continue;
        };
        if territory.epci(&siren).is_none() {
            let name = text_of("Libellé EPCI");
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "unknown-epci",
                format!("EPCI {siren} ({name}) is not in the current EPCI map (merged or dissolved since)"),
            );
            continue;
        }
        if !(0.0..=100.0).contains(&rate_pct) {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "out-of-range",
                format!("rate {rate_pct} %"),
            );
            continue;
        }
        if out
            .insert(
                siren.clone(),
                Illectronism {
                    rate_pct,
                    people: people as u64,
                },
            )
            .is_some()
        {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "duplicate",
                format!("second row for EPCI {siren}"),
            );
            continue;
        }
        report.kept(source);
    }
    Ok(out)
}

/// Which territory an IFN file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfnLevel {
    /// Rows with `division = epci`, codes are SIRENs.
    Epci,
    /// Rows with `division = city`, codes are INSEE commune codes.
    Commune,
}

/// Reads an IFN CSV (`name, division, code, no_thd_coverage_rate,
/// no_4g_coverage_rate, poverty_rate, older_65_rate, nscol15p_rate, total`).
pub fn read_ifn(
    path: &Path,
    source: &str,
    level: IfnLevel,
    territory: &Territory,
    report: &mut Report,
) -> Result<BTreeMap<String, Ifn>, IndicatorError> {
    let file = file_name(path);
    let bytes = std::fs::read(path)
        .map_err(|e| IndicatorError(format!("cannot read {}: {e}", path.display())))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header = rdr
        .headers()
        .map_err(|e| IndicatorError(format!("{}: {e}", path.display())))?
        .clone();
    let idx = |n: &str| {
        header.iter().position(|h| h.trim() == n).ok_or_else(|| {
            IndicatorError(format!(
                "{}: no column '{n}' (columns: {})",
                path.display(),
                header.iter().collect::<Vec<_>>().join(", ")
            ))
        })
    };
    let cols = [
        idx("total")?,
        idx("no_thd_coverage_rate")?,
        idx("no_4g_coverage_rate")?,
        idx("poverty_rate")?,
        idx("older_65_rate")?,
        idx("nscol15p_rate")?,
    ];
    let (code_col, name_col) = (idx("code")?, idx("name")?);
    let mut out = BTreeMap::new();
    for rec in rdr.records() {
        report.read(source);
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report.note(
                    source,
                    &file,
                    line,
                    Action::Rejected,
                    "bad-csv",
                    e.to_string(),
                );
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let raw = rec.get(code_col).unwrap_or("");
        let name = rec.get(name_col).unwrap_or("");
        let code = match level {
            IfnLevel::Epci => normalise_siren(raw),
            IfnLevel::Commune => normalise_insee(raw),
        };
        let Some(code) = code else {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "bad-code",
                format!("code {raw:?} ({name})"),
            );
            continue;
        };
        let v: Vec<Option<f64>> = cols
            .iter()
            .map(|&c| {
                rec.get(c)
                    .and_then(parse_french_number)
                    .filter(|x| (0.0..=10.0).contains(x))
            })
            .collect();
        let [Some(total), Some(no_thd), Some(no_4g), Some(poverty), Some(older_65), Some(no_diploma)] =
            v[..]
        else {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
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
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                reason,
                format!("{code} ({name}) {why}"),
            );
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
        if out.insert(code.clone(), ifn).is_some() {
            report.note(
                source,
                &file,
                line,
                Action::Rejected,
                "duplicate",
                format!("second row for {code}"),
            );
            continue;
        }
        report.kept(source);
    }
    Ok(out)
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

    fn write(name: &str, text: &str) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("maillage-ind-{}-{name}", std::process::id()));
        std::fs::write(&p, text).expect("write");
        p
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
}
