//! Tests of the site readers, merge and layer on synthetic fixtures
//! (data/fixtures/sites/) and on the staged data (../shared/data).

use super::input::Row;
use super::place::{map_rows, Draft};
use super::*;
use crate::layer::Value;
use crate::model::{square, Commune, Epci, Mairie};
use crate::report::{Action, Report};
use geo_types::{MultiPolygon, Polygon};
use std::collections::{BTreeMap, HashMap};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data/fixtures/sites")
        .join(name)
}

fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if p.join("lieux").is_dir() {
        Some(p)
    } else {
        println!("skipped: {} is absent", p.display());
        None
    }
}

const ARRAS_HOURS: &str = r#"[["lundi","vendredi",[["08:30:00","12:00:00"],["13:30:00","17:30:00"]]],["samedi","samedi",[["09:00:00","12:00:00"]]]]"#;

fn mairie(x: f64, y: f64, hours: &str, address: &str) -> Mairie {
    Mairie {
        position: Some(Point::new(x, y)),
        address: address.into(),
        accessibility: "ACC".into(),
        hours: hours.into(),
        phone: "03 00 00 00 00".into(),
        ..Mairie::default()
    }
}

fn commune(
    code: &str,
    name: &str,
    epci: Option<&str>,
    x: f64,
    y: f64,
    mairie: Option<Mairie>,
) -> Commune {
    Commune {
        code: code.into(),
        name: name.into(),
        dep: code[..2].into(),
        epci: epci.map(Into::into),
        population: 1000,
        geometry: MultiPolygon(vec![square(x, y, 0.1)]),
        mairie,
        postal_codes: Vec::new(),
    }
}

/// Six communes as 0.1° squares; Arras and Lille have town halls with a
/// position, Achicourt one without; 62999 is a former commune of Arras.
fn territory() -> Territory {
    let communes = vec![
        commune(
            "02558",
            "Le Nouvion-en-Thiérache",
            Some("200000003"),
            3.70,
            50.00,
            None,
        ),
        commune(
            "02691",
            "Saint-Quentin",
            Some("200000003"),
            3.25,
            49.80,
            None,
        ),
        commune(
            "59350",
            "Lille",
            Some("200000002"),
            3.00,
            50.60,
            Some(mairie(
                3.07,
                50.63,
                r#"[["lundi"]]"#,
                "Place Augustin Laurent, 59000 Lille",
            )),
        ),
        commune(
            "62041",
            "Arras",
            Some("200000001"),
            2.70,
            50.25,
            Some(mairie(
                2.7775,
                50.2913,
                ARRAS_HOURS,
                "Place Guy Mollet, 62000 Arras",
            )),
        ),
        commune(
            "62042",
            "Achicourt",
            Some("200000001"),
            2.80,
            50.25,
            Some(Mairie::default()),
        ),
        commune("70550", "Vesoul", None, 6.10, 47.60, None),
    ];
    let epcis = ["200000001", "200000002", "200000003"]
        .iter()
        .map(|s| Epci {
            siren: (*s).into(),
            name: format!("EPCI {s}"),
            kind: "CA".into(),
        })
        .collect();
    Territory::new(
        communes,
        epcis,
        vec![],
        HashMap::from([("62999".to_string(), "62041".to_string())]),
    )
}

fn all_fixtures() -> Vec<(&'static Source, PathBuf)> {
    vec![
        (&FRANCE_SERVICES, fixture("synthetic-france-services.csv")),
        (&NORD_PDC, fixture("synthetic-lieux-v0.1.geojson")),
        (&CNFS_LIEUX, fixture("synthetic-cnfs-lieux.json")),
        (&BIBLIOTHEQUES, fixture("synthetic-bibliotheques.csv")),
        (&AIDANTS_CONNECT, fixture("synthetic-aidants-connect.csv")),
        (&CNFS_STRUCTURES, fixture("synthetic-cnfs-structures.csv")),
        (&LIEUX_V1, fixture("synthetic-lieux-v1.csv")),
    ]
}

/// (line, action, reason) of a source's report entries, in order.
fn entries<'a>(r: &'a Report, source: &'a str) -> Vec<(u64, Action, &'a str)> {
    r.entries_for(source)
        .map(|e| (e.line, e.action, e.reason.as_str()))
        .collect()
}

fn counts(r: &Report, source: &str) -> (u64, u64, u64, u64, u64) {
    let s = &r.summary[source];
    (s.read, s.kept, s.merged, s.rejected, s.repaired)
}

/// Parses a fixture without any territory: (line, draft or rejection reason).
fn parsed(src: &Source, name: &str) -> Vec<(u64, Result<Draft, &'static str>)> {
    let rows = parse_source(src, &fixture(name))
        .expect("fixture parses")
        .rows;
    map_rows(&rows, src.map)
        .rows
        .into_iter()
        .map(|(line, d, _)| (line, d.map_err(|n| n.reason)))
        .collect()
}

fn ok(rows: &[(u64, Result<Draft, &'static str>)], i: usize) -> Draft {
    rows[i].1.clone().expect("row maps")
}

use Action::{Merged, Rejected, Repaired};

#[test]
fn parses_france_services_rows() {
    let rows = parsed(&FRANCE_SERVICES, "synthetic-france-services.csv");
    assert_eq!(rows.len(), 9);
    let d = ok(&rows, 0);
    assert_eq!(
        (d.id.as_str(), d.insee.as_str(), d.postcode.as_str()),
        ("1", "62041", "62000")
    );
    assert_eq!(d.labels, vec!["France Services"]);
    assert_eq!(
        d.hours.map(|h| h.to_json()).as_deref(),
        Some(
            r#"{"mo":[["09:00","12:00"],["13:30","17:00"]],"tu":[["09:00","12:00"]],"sa":[["09:00","12:00"]]}"#
        )
    );
    let d = ok(&rows, 1);
    assert_eq!((d.postcode.as_str(), d.hours.is_none()), ("02100", true));
    assert_eq!(d.hours_raw, "lundi: le matin; mardi: 09:00 - 12:00");
    assert!(matches!(ok(&rows, 2).coords, place::Coords::Bad(_)));
}

#[test]
fn parses_schema_v01_rows() {
    let rows = parsed(&NORD_PDC, "synthetic-lieux-v0.1.geojson");
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[5], (6, Err("bad-record")));
    let d = ok(&rows, 0);
    assert_eq!(
        d.kinds,
        vec![
            Kind::ConseillerNumerique,
            Kind::AidantsConnect,
            Kind::Mediatheque
        ]
    );
    assert_eq!(d.labels, vec!["Conseiller numérique", "Aidants Connect"]);
    assert_eq!(d.publics, vec!["Adultes", "Seniors (+ 65 ans)"]);
    assert_eq!(d.services.len(), 2);
    assert_eq!(
        (d.producer.as_str(), d.updated.as_str(), d.siret.as_str()),
        ("assembleurs", "2023-01-15", "")
    );
    assert_eq!(ok(&rows, 1).hours_raw, "Tu 12:30");
    // Position from the geometry when the properties have none.
    let d = ok(&rows, 2);
    assert_eq!(d.coords, place::Coords::At(2.78, 50.29));
    assert_eq!(d.kinds, vec![Kind::TiersLieu, Kind::TiersLieu]);
    assert_eq!(d.updated, "");
    assert_eq!(ok(&rows, 6).kinds, vec![Kind::Association]);

    let rows = parsed(&CNFS_LIEUX, "synthetic-cnfs-lieux.json");
    assert_eq!(rows.len(), 5);
    assert_eq!(ok(&rows, 2).coords, place::Coords::Missing);
    assert_eq!(ok(&rows, 1).siret, "21620041000011");
    assert!(ok(&rows, 3).hours.is_some());
}

#[test]
fn parses_schema_v1_rows() {
    let rows = parsed(&LIEUX_V1, "synthetic-lieux-v1.csv");
    assert_eq!(rows.len(), 3);
    let d = ok(&rows, 0);
    // Labels first, then typology, then the name.
    assert_eq!(
        d.kinds,
        vec![
            Kind::AidantsConnect,
            Kind::ConseillerNumerique,
            Kind::TiersLieu,
            Kind::Association,
            Kind::TiersLieu
        ]
    );
    assert_eq!(
        d.labels,
        vec![
            "Aidants Connect",
            "Conseiller numérique",
            "Formé à « Mon Espace Santé »"
        ]
    );
    assert_eq!(d.publics, vec!["Jeunes", "Femmes", "Surdité"]);
    assert_eq!(
        (d.email.as_str(), d.website.as_str()),
        ("contact@fabrique.example", "https://fabrique.example/")
    );
    assert_eq!(d.accessibility, "https://acceslibre.example/fabrique");
    assert_eq!(d.hours.map(|h| h.days[5].clone()), Some(vec![(510, 720)]));
    assert_eq!(ok(&rows, 1).coords, place::Coords::Missing);
}

#[test]
fn parses_other_sources() {
    let rows = parsed(&BIBLIOTHEQUES, "synthetic-bibliotheques.csv");
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![2, 3, 4, 5, 6, 7]
    );
    assert_eq!(ok(&rows, 0).coords, place::Coords::At(3.06, 50.6301));
    assert_eq!(
        (ok(&rows, 0).id.as_str(), ok(&rows, 0).kinds.clone()),
        ("101", vec![Kind::Mediatheque])
    );
    assert_eq!(ok(&rows, 2).name, "Bibliothèque d'Achicourt");
    assert_eq!(ok(&rows, 2).address, "Mairie, rue du Bord");
    assert_eq!(rows[5].1, Err("bad-record"));

    let rows = parsed(&AIDANTS_CONNECT, "synthetic-aidants-connect.csv");
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![2, 4, 5, 6]
    );
    let d = ok(&rows, 0);
    assert_eq!(d.address, "1 place Guy Mollet, 62000 Arras");
    assert_eq!(d.labels, vec!["Aidants Connect", "France Services"]);
    assert_eq!(d.siret, "13002603200016");
    assert_eq!(rows[1].1, Err("inactive"));

    let rows = parsed(&CNFS_STRUCTURES, "synthetic-cnfs-structures.csv");
    assert_eq!(rows.len(), 6);
    assert_eq!(ok(&rows, 0).updated, "2021-06-16");
    assert_eq!(ok(&rows, 0).commune_name, "Arras");
    assert_eq!(rows[4].1, Err("missing-id"));
    assert_eq!(
        ok(&rows, 5).labels,
        vec!["Conseiller numérique", "France Services"]
    );
}

#[test]
fn loads_merges_and_reports_fixtures() {
    let t = territory();
    let mut r = Report::default();
    let sites = load_files(&all_fixtures(), &t, true, &mut r).expect("load");

    // Row 5 names Arras by code but lies in New York: kept at Arras's point.
    assert_eq!(counts(&r, "france-services-2024"), (9, 7, 0, 2, 6));
    assert_eq!(
        entries(&r, "france-services-2024"),
        vec![
            (3, Repaired, "code-padded"),
            (3, Repaired, "unparsed-hours"),
            (3, Repaired, "code-padded"),
            (4, Repaired, "bad-coordinates"),
            (5, Repaired, "position-mismatch"),
            (6, Rejected, "duplicate-id"),
            (7, Rejected, "missing-name"),
            (8, Repaired, "commune-mismatch"),
            (9, Repaired, "position-mismatch"),
            (10, Repaired, "swapped-coordinates"),
        ]
    );
    assert_eq!(counts(&r, "lieux-nord-pdc-2023"), (7, 2, 2, 3, 3));
    assert_eq!(
        entries(&r, "lieux-nord-pdc-2023"),
        vec![
            (2, Repaired, "unparsed-hours"),
            (3, Repaired, "bad-date"),
            (4, Rejected, "outside-communes"),
            (5, Rejected, "missing-id"),
            (6, Rejected, "bad-record"),
            (7, Repaired, "former-commune"),
            (2, Merged, "duplicate-place"),
            (3, Merged, "duplicate-place"),
        ]
    );
    assert_eq!(counts(&r, "cnfs-lieux-2022"), (5, 3, 1, 1, 1));
    assert_eq!(
        entries(&r, "cnfs-lieux-2022"),
        vec![
            (3, Repaired, "commune-from-name"),
            (3, Repaired, "missing-coordinates"),
            (5, Rejected, "bad-record"),
            (1, Merged, "duplicate-place"),
        ]
    );
    assert_eq!(counts(&r, "bibliotheques-2020"), (6, 3, 1, 2, 3));
    assert_eq!(
        entries(&r, "bibliotheques-2020"),
        vec![
            (3, Repaired, "missing-coordinates"),
            (4, Repaired, "encoding"),
            (4, Repaired, "bad-coordinates"),
            (5, Repaired, "code-padded"),
            (5, Repaired, "code-padded"),
            (6, Rejected, "missing-id"),
            (7, Rejected, "bad-record"),
            (2, Merged, "duplicate-place"),
        ]
    );
    assert_eq!(counts(&r, "aidants-connect-2024"), (4, 1, 1, 2, 1));
    assert_eq!(
        entries(&r, "aidants-connect-2024"),
        vec![
            (4, Rejected, "inactive"),
            (5, Repaired, "commune-from-name"),
            (6, Rejected, "unknown-commune"),
            (2, Merged, "duplicate-place"),
        ]
    );
    assert_eq!(counts(&r, "cnfs-structures-2023"), (6, 1, 3, 2, 0));
    assert_eq!(
        entries(&r, "cnfs-structures-2023"),
        vec![
            (3, Merged, "duplicate-id"),
            (5, Rejected, "missing-id"),
            (6, Rejected, "missing-id"),
            (2, Merged, "duplicate-place"),
            (4, Merged, "duplicate-place"),
        ]
    );
    assert_eq!(counts(&r, "lieux-schema-v1"), (3, 2, 0, 1, 1));
    assert_eq!(
        entries(&r, "lieux-schema-v1"),
        vec![
            (3, Repaired, "missing-coordinates"),
            (4, Rejected, "duplicate-id")
        ]
    );
    assert_eq!(counts(&r, "mairies"), (2, 1, 1, 0, 1));
    assert_eq!(
        entries(&r, "mairies"),
        vec![
            (3, Repaired, "unparsed-hours"),
            (4, Merged, "duplicate-place")
        ]
    );
    for (source, s) in &r.summary {
        assert_eq!(s.read, s.kept + s.merged + s.rejected, "{source}");
    }
    assert_eq!(sites.len(), 20);
    let kept: u64 = r.summary.values().map(|s| s.kept).sum();
    assert_eq!(kept, 20);
    let ny = sites
        .iter()
        .find(|s| s.id == "france-services-2024:4")
        .expect("row 5");
    assert_eq!(
        (ny.commune.as_str(), ny.precision),
        ("62041", Precision::Commune)
    );

    let by_id = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    // France Services + CnFS permanence + Aidants Connect: one place.
    let fs = by_id("france-services-2024:1");
    let provs: Vec<&str> = fs.sources.iter().map(|p| p.source.as_str()).collect();
    assert_eq!(
        provs,
        vec![
            "france-services-2024",
            "cnfs-lieux-2022",
            "aidants-connect-2024"
        ]
    );
    assert_eq!(
        fs.kinds,
        vec![
            Kind::FranceServices,
            Kind::ConseillerNumerique,
            Kind::AidantsConnect
        ]
    );
    assert_eq!(
        fs.labels,
        vec!["Aidants Connect", "Conseiller numérique", "France Services"]
    );
    assert_eq!(
        (fs.phone.as_str(), fs.updated.as_str()),
        ("03 21 00 00 00", "2024-08-01")
    );
    assert_eq!(
        (fs.position, fs.precision),
        (Point::new(2.78, 50.29), Precision::Exact)
    );
    assert_eq!(
        (fs.epci.as_deref(), fs.dep.as_str()),
        (Some("200000001"), "62")
    );
    assert_eq!(fs.siret, "13002603200016");
    // The town hall and the conseillers hosted by the commune are one place;
    // the France Services 200 m away stays separate.
    let m = by_id("cnfs-lieux-2022:synthetic-cnfs-2");
    let provs: Vec<&str> = m.sources.iter().map(|p| p.source.as_str()).collect();
    assert_eq!(
        provs,
        vec!["cnfs-lieux-2022", "mairies", "cnfs-structures-2023"]
    );
    assert_eq!(m.kinds, vec![Kind::ConseillerNumerique, Kind::Mairie]);
    assert_eq!(m.updated, "2023-01-30");
    assert_eq!(m.accessibility, "Accessible");
    assert!(m
        .hours
        .as_ref()
        .is_some_and(|h| h.days[5] == vec![(540, 720)]));
    // Two producers of one aggregated file, and the library list: one place.
    let media = by_id("lieux-nord-pdc-2023:synthetic-assembleurs-1");
    assert_eq!(media.sources.len(), 3);
    assert_eq!(media.sources[1].producer, "conseiller-numerique");
    assert_eq!(
        media.hours.as_ref().map(|h| h.days[5].clone()),
        Some(vec![(540, 720)])
    );
    assert_eq!(media.hours_raw, "");
    // Newest exact position wins: the v1 row (2024) over the 2023 export.
    let tl = by_id("lieux-schema-v1:synthetic-v1-1");
    assert_eq!(
        (tl.position, tl.sources.len()),
        (Point::new(2.785, 50.295), 2)
    );
    assert_eq!(
        tl.kinds,
        vec![
            Kind::ConseillerNumerique,
            Kind::TiersLieu,
            Kind::Association,
            Kind::AidantsConnect
        ]
    );
    // Not merged: a library at the town hall's point, another FS in the commune.
    assert_eq!(by_id("bibliotheques-2020:102").sources.len(), 1);
    assert_eq!(by_id("france-services-2024:6").commune, "62041");
    let lille_sud = by_id("france-services-2024:7");
    assert_eq!(
        (lille_sud.commune.as_str(), lille_sud.precision),
        ("59350", Precision::Commune)
    );
    let mairie_lille = by_id("mairies:59350");
    assert_eq!(
        (mairie_lille.name.as_str(), mairie_lille.hours_raw.as_str()),
        ("Mairie de Lille", r#"[["lundi"]]"#)
    );
    assert_eq!(
        (
            mairie_lille.address.as_str(),
            mairie_lille.postcode.as_str()
        ),
        ("Place Augustin Laurent", "59000")
    );
    assert_eq!(by_id("cnfs-structures-2023:21700550300012").epci, None);
    assert_eq!(by_id("bibliotheques-2020:104").commune, "02558");

    // Sorted, unique ids; counts per EPCI and kind.
    assert!(sites.windows(2).all(|w| w[0].id < w[1].id));
    let counts = crate::territories::count_by_epci(&sites);
    assert_eq!(counts["200000001"].by_kind["france-services"], 4);
    assert_eq!(counts["200000001"].by_kind["mairie"], 2);
    assert!(
        !counts.contains_key(""),
        "sites outside any EPCI are not counted"
    );

    // Same inputs, same output.
    let again = load_files(&all_fixtures(), &t, true, &mut Report::default()).expect("load");
    assert_eq!(again, sites);
}

/// Merge cases, each place built to hit one rule (see `merge`).
#[test]
fn merges_only_the_same_place() {
    let t = territory();
    let cx = Cx::new(&t);
    let mut r = Report::default();
    let fs = "id_fs,lib_fs,insee_com,code_postal,latitude,longitude\n\
              1,France services Arras,62041,62000,50.2913,2.7775\n\
              2,France services Beaurains,62041,62000,50.2914,2.7776\n";
    let v1 = "id,nom,code_postal,code_insee,latitude,longitude,adresse,pivot\n\
              a,Espace numérique de la mairie,62000,62041,50.2913,2.7775,,\n\
              b,France Services Arras,62000,62041,50.2950,2.7900,,\n\
              c,Médiathèque du Centre,62000,62041,50.2700,2.7100,1 rue A,\n\
              d,Cyber-base,62000,62041,50.2600,2.7300,,22222222200011\n\
              h,Croix-Rouge française,62000,62041,50.2800,2.7200,,\n";
    let bib = "libelle1;voie;insee;coordonnees_finales;code_bib;cp\n\
               Médiathèque du Centre;1 r. A;62041;50.2700,2.7400;9;62000\n";
    let cnfs = "Raison sociale;SIRET;Code commune INSEE;Code postal;Commune INSEE\n\
                CYBER BASE D ARRAS;22222222200011;62041;62000;Arras\n\
                COMMUNE D ARRAS;21620041000011;62041;62000;Arras\n\
                CROIX ROUGE FRANCAISE;33333333300011;62041;62010;Arras\n\
                COMMUNE D ACHICOURT;21620042000011;62042;62217;Achicourt\n";
    let mut loaded = Vec::new();
    for (src, text) in [
        (&FRANCE_SERVICES, fs),
        (&LIEUX_V1, v1),
        (&BIBLIOTHEQUES, bib),
        (&CNFS_STRUCTURES, cnfs),
    ] {
        let rows: Vec<Row> =
            input::csv_rows(text.as_bytes(), input::sniff_delimiter(text.as_bytes()))
                .expect("csv")
                .rows;
        loaded.extend(place::finish(
            &src.spec, "mem.csv", &rows, None, src.map, &cx, &mut r,
        ));
    }
    loaded.extend(place::finish(
        &MAIRIES,
        "communes",
        &mairie_rows(&t),
        None,
        readers::mairie,
        &cx,
        &mut r,
    ));
    let sites = merge::merge(loaded, &mut r);
    let groups: Vec<Vec<&str>> = sites
        .iter()
        .map(|s| s.sources.iter().map(|p| p.id.as_str()).collect())
        .collect();
    assert_eq!(
        groups,
        vec![
            vec!["21620042000011"],
            vec!["33333333300011"],
            // Same source: never merged, even 15 m apart.
            vec!["1"],
            vec!["2"],
            // Different names at the town hall's point.
            vec!["a"],
            // Same name, both exact, 1 km apart.
            vec!["b"],
            // Same address (abbreviated), 2 km apart.
            vec!["c", "9"],
            // Same SIRET, similar names, approximate position.
            vec!["d", "22222222200011"],
            // Same name in the commune, but postcodes disagree.
            vec!["h"],
            vec!["59350"],
            // Same name (commune = mairie) in the commune; the France
            // Services at the same point is another place (primary kinds).
            vec!["62041", "21620041000011"],
        ]
    );
    let why: Vec<&str> = r
        .entries
        .iter()
        .filter(|e| e.action == Action::Merged)
        .map(|e| e.detail.rsplit(": ").next().unwrap_or(""))
        .collect();
    assert_eq!(
        why,
        vec![
            "same address, similar names",
            "same SIRET, similar names",
            "same name in the same commune"
        ]
    );
    for (source, s) in &r.summary {
        assert_eq!(s.read, s.kept + s.merged + s.rejected, "{source}");
    }
}

#[test]
fn hostile_values_do_not_crash() {
    let t = territory();
    let cx = Cx::new(&t);
    let mut r = Report::default();
    let long = "A".repeat(100_000);
    let text = format!(
        "id_fs,lib_fs,insee_com,code_postal,latitude,longitude,h_lundi\n\
         1,\"{long}\",62041,62000,50.29,2.78,\"{long}\"\n\
         2,\"Nom\u{0}\u{7}\u{1b}[31m\",62041,62000,1e308,NaN,\n\
         3,ok,\"{long}\",62000,inf,-inf,\n\
         4,ok,62041,62000,50.29,2.78,\"09:00 - 12:00 / {long}\"\n"
    );
    let rows = input::csv_rows(text.as_bytes(), b',').expect("csv").rows;
    let out = place::finish(
        &FRANCE_SERVICES.spec,
        "hostile.csv",
        &rows,
        None,
        FRANCE_SERVICES.map,
        &cx,
        &mut r,
    );
    assert_eq!(counts(&r, "france-services-2024"), (4, 3, 0, 1, 3));
    assert_eq!(out[0].site.name.chars().count(), text::MAX_FIELD_CHARS);
    assert_eq!(out[1].site.name, "Nom [31m");
    assert_eq!(out[1].site.precision, Precision::Commune);
    assert!(
        r.entries.iter().all(|e| e.detail.chars().count() < 400),
        "details are bounded"
    );
    let l = layer(&out.into_iter().map(|l| l.site).collect::<Vec<_>>());
    assert_eq!(l.features.len(), 3);
}

#[test]
fn layer_has_typed_columns() {
    let t = territory();
    let sites = load_files(&all_fixtures(), &t, true, &mut Report::default()).expect("load");
    let l = layer(&sites);
    assert_eq!(l.features.len(), sites.len());
    for f in &l.features {
        assert_eq!(f.values.len(), l.fields.len());
    }
    let col = |name: &str| {
        l.fields
            .iter()
            .position(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let fs = sites
        .iter()
        .position(|s| s.id == "france-services-2024:1")
        .expect("fs");
    let v = &l.features[fs].values;
    assert_eq!(v[col("is_france_services")], Value::Bool(true));
    assert_eq!(v[col("is_mairie")], Value::Bool(false));
    assert_eq!(v[col("source_count")], Value::Int(3));
    assert_eq!(
        v[col("kinds")],
        Value::Str(r#"["france-services","conseiller-numerique","aidants-connect"]"#.into())
    );
    assert_eq!(
        v[col("sources")],
        Value::Str(
            r#"[{"id":"1","source":"france-services-2024"},{"id":"synthetic-cnfs-1","producer":"conseiller-numerique","source":"cnfs-lieux-2022"},{"id":"1","source":"aidants-connect-2024"}]"#
                .into()
        )
    );
    assert_eq!(v[col("precision")], Value::Str("exact".into()));
    assert_eq!(l.fields[col("source_count")].range, Some([1.0, 3.0]));
    assert!(l
        .fields
        .iter()
        .all(|f| !f.label.fr.is_empty() && !f.label.en.is_empty()));
}

#[test]
fn missing_file_is_an_error_naming_it() {
    let t = territory();
    let inputs = SiteInputs {
        data_dir: PathBuf::from("/nonexistent/maillage"),
        lieux_v1: None,
    };
    let err = load_all(&inputs, &t, &mut Report::default()).expect_err("missing");
    assert!(
        err.to_string().contains("france-services-20240801.csv"),
        "{err}"
    );
    let wrong = [(&AIDANTS_CONNECT, fixture("synthetic-france-services.csv"))];
    let err = load_files(&wrong, &t, true, &mut Report::default()).expect_err("wrong columns");
    assert!(
        err.to_string()
            .contains("missing columns: name, id, is active"),
        "{err}"
    );
}

/// A file whose header lacks a required column is an error naming the file
/// and the column, even when no row could tell (header only, every row
/// bad); header names are compared trimmed and lower-cased.
#[test]
fn required_columns_are_checked_on_the_header() {
    let dir = std::env::temp_dir().join(format!("maillage-sites-cols-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    let header_only = write(
        "synthetic-header-only.csv",
        "id;nom;code_postal;lat;longitude\r\n",
    );
    let all_bad = write(
        "synthetic-all-bad.csv",
        "id,nom,code_postal,longitude\n1,A\n2,B\n",
    );
    for (p, column) in [(&header_only, "latitude"), (&all_bad, "latitude")] {
        let err = parse_source(&LIEUX_V1, p).expect_err("missing column");
        assert_eq!(
            err.to_string(),
            format!("{}: missing columns: {column}", p.display())
        );
    }
    let cased = write(
        "synthetic-cased.csv",
        "\u{feff} ID ;Nom;CODE_POSTAL;Latitude;LONGITUDE\n1;A;62000;50.29;2.78\n",
    );
    let rows = parse_source(&LIEUX_V1, &cased).expect("cased header").rows;
    assert_eq!(rows[0].raw("latitude"), "50.29");
    let arcep = write(
        "synthetic-arcep-header-only.csv",
        "code_op;nom_op;num_site\n",
    );
    let err = read_arcep(&arcep, &mut Report::default()).expect_err("no coordinates");
    assert!(
        err.to_string()
            .starts_with("synthetic-arcep-header-only.csv: needs a site number column"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- real data

/// The staged files parse to the row counts of SOURCES.md, without any
/// territory, and the mappings reject only what they should.
#[test]
fn staged_files_parse_to_documented_counts() {
    let Some(data) = shared_data() else { return };
    let expected = [
        (&FRANCE_SERVICES, 2845, 0),
        (&NORD_PDC, 1741, 0),
        (&CNFS_LIEUX, 4930, 0),
        (&BIBLIOTHEQUES, 15779, 0),
        (&AIDANTS_CONNECT, 5227, 46),
        (&CNFS_STRUCTURES, 2889, 0),
    ];
    for (src, rows_expected, rejected_expected) in expected {
        let rows = parse_source(src, &data.join("lieux").join(src.spec.file))
            .expect("parses")
            .rows;
        assert_eq!(rows.len(), rows_expected, "{}", src.spec.id);
        let mapped = map_rows(&rows, src.map).rows;
        let rejected: Vec<&'static str> = mapped
            .iter()
            .filter_map(|(_, d, _)| d.as_ref().err().map(|n| n.reason))
            .collect();
        assert_eq!(
            rejected.len(),
            rejected_expected,
            "{}: {rejected:?}",
            src.spec.id
        );
        assert!(
            rejected.iter().all(|r| *r == "inactive"),
            "{}: {rejected:?}",
            src.spec.id
        );
    }
}

/// A territory from the staged commune contours (no town halls, no aliases):
/// close enough to the real one to run the whole chain on the real files.
fn contour_territory(data: &Path) -> Option<Territory> {
    let bytes = std::fs::read(data.join("contours/communes-2025-simplifie.geojson")).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let ring = |r: &serde_json::Value| -> geo_types::LineString<f64> {
        r.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into()
    };
    let polygon = |p: &serde_json::Value| -> Option<Polygon<f64>> {
        let rings = p.as_array()?;
        Some(Polygon::new(
            ring(rings.first()?),
            rings.iter().skip(1).map(ring).collect(),
        ))
    };
    let mut communes = Vec::new();
    for f in v.get("features")?.as_array()? {
        let props = f.get("properties")?;
        let code = props.get("code")?.as_str()?.to_owned();
        let g = f.get("geometry")?;
        let coords = g.get("coordinates")?;
        let geometry = match g.get("type")?.as_str()? {
            "Polygon" => MultiPolygon(polygon(coords).into_iter().collect()),
            _ => MultiPolygon(coords.as_array()?.iter().filter_map(polygon).collect()),
        };
        communes.push(Commune {
            dep: if code.starts_with("97") {
                code[..3].to_owned()
            } else {
                code[..2].to_owned()
            },
            name: props
                .get("nom")
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_owned(),
            epci: props
                .get("epci")
                .and_then(|n| n.as_str())
                .map(str::to_owned),
            population: 0,
            geometry,
            mairie: None,
            code,
            postal_codes: Vec::new(),
        });
    }
    // Arrondissements of Paris, Lyon and Marseille, as the real territory has.
    let mut aliases = HashMap::new();
    for n in 1..=20 {
        aliases.insert(format!("751{n:02}"), "75056".to_owned());
        aliases.insert(format!("132{n:02}"), "13055".to_owned());
    }
    for n in 1..=9 {
        aliases.insert(format!("6938{n}"), "69123".to_owned());
    }
    Some(Territory::new(communes, vec![], vec![], aliases))
}

#[test]
fn staged_files_load_and_balance() {
    let Some(data) = shared_data() else { return };
    let Some(t) = contour_territory(&data) else {
        println!("skipped: no commune contours");
        return;
    };
    let mut r = Report::default();
    let inputs = SiteInputs {
        data_dir: data,
        lieux_v1: None,
    };
    let sites = load_all(&inputs, &t, &mut r).expect("load");
    println!("{}", r.table());
    let mut reasons: BTreeMap<(String, Action, String), u64> = BTreeMap::new();
    for e in &r.entries {
        *reasons
            .entry((e.source.clone(), e.action, e.reason.clone()))
            .or_default() += 1;
    }
    for ((s, a, why), n) in &reasons {
        println!("{s:<24} {a:?} {why:<22} {n}");
    }
    let read: BTreeMap<&str, u64> = r
        .summary
        .iter()
        .map(|(k, s)| (k.as_str(), s.read))
        .collect();
    assert_eq!(
        read,
        BTreeMap::from([
            ("aidants-connect-2024", 5227),
            ("bibliotheques-2020", 15779),
            ("cnfs-lieux-2022", 4930),
            ("cnfs-structures-2023", 2889),
            ("france-services-2024", 2845),
            ("lieux-nord-pdc-2023", 1741),
        ])
    );
    for (source, s) in &r.summary {
        assert_eq!(s.read, s.kept + s.merged + s.rejected, "{source}");
        // Real files are mostly clean: most rows must survive.
        assert!(s.rejected * 10 < s.read, "{source}: {s:?}");
    }
    let kept: u64 = r.summary.values().map(|s| s.kept).sum();
    assert_eq!(kept as usize, sites.len());
    assert!(sites.windows(2).all(|w| w[0].id < w[1].id));
    let l = layer(&sites);
    assert_eq!(l.features.len(), sites.len());
}

/// Prints a sample of real merges with both names, to audit the match
/// rules by eye: `cargo test -p maillage-prep dump_real_merges -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump_real_merges() {
    let Some(data) = shared_data() else { return };
    let Some(t) = contour_territory(&data) else {
        return;
    };
    let cx = Cx::new(&t);
    let mut r = Report::default();
    let mut loaded = Vec::new();
    for src in STAGED {
        loaded.extend(
            load_source(src, &data.join("lieux").join(src.spec.file), &cx, &mut r).expect("load"),
        );
    }
    let names: HashMap<String, (String, String)> = loaded
        .iter()
        .map(|l| {
            (
                l.site.id.clone(),
                (l.site.name.clone(), l.site.address.clone()),
            )
        })
        .collect();
    let _ = merge::merge(loaded, &mut r);
    let mut n = 0u64;
    for e in r.entries.iter().filter(|e| e.reason == "duplicate-place") {
        n += 1;
        if n % 37 != 0 {
            continue;
        }
        let Some((a, rest)) = e.detail.split_once(" merged into ") else {
            continue;
        };
        let Some((b, why)) = rest.split_once(": ") else {
            continue;
        };
        println!("{why:<32} {:?} <= {:?}", names.get(b), names.get(a));
    }
}
