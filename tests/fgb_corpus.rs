//! The hostile-layer corpus: broken FlatGeobuf files in `tests/fgb-corpus/`,
//! each read the three ways the widget reads a layer (`fgb_corpus/read.rs`)
//! with the outcome listed in [`EXPECTED`]: a specific error, never a panic.
//!
//! Most files are derived from a synthetic fixture by `fgb_corpus/make.rs`;
//! after changing it, rewrite them with
//! `FGB_CORPUS_WRITE=1 cargo test --test fgb_corpus`. Files named `fuzz-*`
//! are inputs the fuzzer found (`scripts/fuzz`), kept as they came.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "fgb_corpus/make.rs"]
mod make;
#[path = "fgb_corpus/read.rs"]
mod read;

use std::path::PathBuf;

/// Shapes (or features) read, or the error's message.
type Outcome = Result<usize, &'static str>;

/// Per file: read whole, through the in-memory index, streamed by ranges.
const EXPECTED: &[(&str, Outcome, Outcome, Outcome)] = &[
    (
        "column-type-99.fgb",
        Err("unsupported FlatGeobuf content: column type code above 14"),
        Err("unsupported FlatGeobuf content: column type code above 14"),
        Err("unsupported FlatGeobuf content: column type code above 14"),
    ),
    (
        "coordinate-infinite.fgb",
        Err("coordinate is NaN or infinite"),
        Err("coordinate is NaN or infinite"),
        Err("coordinate is NaN or infinite"),
    ),
    (
        "coordinate-nan.fgb",
        Err("coordinate is NaN or infinite"),
        Err("coordinate is NaN or infinite"),
        Err("coordinate is NaN or infinite"),
    ),
    (
        "count-2-pow-40.fgb",
        Err("implausible features_count 1099511627776"),
        Err("implausible features_count 1099511627776"),
        Err("implausible features_count 1099511627776"),
    ),
    (
        "count-40-million-no-index.fgb",
        Err("root table offset at byte 0 points outside the buffer"),
        Err("unsupported FlatGeobuf content: bbox search in a file without index"),
        Err("unsupported FlatGeobuf content: bbox search in a file without index"),
    ),
    (
        "count-5-million.fgb",
        Err("truncated features: need 213333764 bytes, have 4724"),
        Err("inconsistent spatial index: child offset outside its level"),
        Err("inconsistent spatial index: child offset outside its level"),
    ),
    (
        "count-minus-one.fgb",
        Err("truncated feature: need 1717986922 bytes, have 3520"),
        Err("truncated feature: need 1717986922 bytes, have 173"),
        Err("truncated feature: need 557861149 bytes, have 173"),
    ),
    (
        "count-plus-one.fgb",
        Err("vtable at byte 8 points outside the buffer"),
        Err("vtable at byte 8 points outside the buffer"),
        Err("truncated feature: need 2576980382 bytes, have 157"),
    ),
    (
        "count-u64-max.fgb",
        Err("implausible features_count 18446744073709551615"),
        Err("implausible features_count 18446744073709551615"),
        Err("implausible features_count 18446744073709551615"),
    ),
    (
        "count-zero-with-index.fgb",
        Err("root table offset at byte 0 points outside the buffer"),
        Ok(0),
        Ok(0),
    ),
    (
        "cut-between-features.fgb",
        Err("the header counts 20 features, the file holds 12"),
        Err("truncated feature: need 3499 bytes, have 3324"),
        Err("reported: feature reaches byte 3499, past the end of the file (3324 bytes)"),
    ),
    (
        "cut-in-feature.fgb",
        Err("truncated feature: need 173 bytes, have 86"),
        Err("truncated feature: need 1763 bytes, have 1676"),
        Err("feature reaches byte 2455, past the end of the file (1676 bytes)"),
    ),
    (
        "cut-in-header-size.fgb",
        Err("truncated header size: need 12 bytes, have 10"),
        Err("truncated header size: need 12 bytes, have 10"),
        Err("truncated range answer: need 12 bytes, have 10"),
    ),
    (
        "cut-in-header.fgb",
        Err("truncated header: need 324 bytes, have 166"),
        Err("truncated header: need 324 bytes, have 166"),
        Err("header reaches byte 324, past the end of the file (166 bytes)"),
    ),
    (
        "cut-in-index.fgb",
        Err("truncated features: need 1244 bytes, have 784"),
        Err("truncated index: need 920 bytes, have 460"),
        Err("index reaches byte 1124, past the end of the file (784 bytes)"),
    ),
    (
        "cut-in-magic.fgb",
        Err("truncated magic: need 8 bytes, have 5"),
        Err("truncated magic: need 8 bytes, have 5"),
        Err("truncated range answer: need 12 bytes, have 5"),
    ),
    (
        "empty.fgb",
        Err("truncated magic: need 8 bytes, have 0"),
        Err("truncated magic: need 8 bytes, have 0"),
        Err("HTTP 416 for bytes=0-5027"),
    ),
    (
        "feature-length-0.fgb",
        Err("root table offset at byte 0 points outside the buffer"),
        Err("root table offset at byte 0 points outside the buffer"),
        Err("truncated feature: need 1073741828 bytes, have 978"),
    ),
    (
        "feature-length-4-gib.fgb",
        Err("truncated feature: need 4294967299 bytes, have 3480"),
        Err("truncated feature: need 4294967299 bytes, have 173"),
        Err("truncated feature: need 4294967299 bytes, have 1038"),
    ),
    (
        "feature-length-short-by-8.fgb",
        Err("feature properties at byte 132 points outside the buffer"),
        Err("feature properties at byte 132 points outside the buffer"),
        Err("inconsistent spatial index: feature lengths disagree with the index"),
    ),
    (
        "feature-length-swallows-the-next.fgb",
        Err("the header counts 20 features, the file holds 19"),
        Err("truncated feature: need 346 bytes, have 173"),
        Err("inconsistent spatial index: feature lengths disagree with the index"),
    ),
    (
        "geometry-parts-share-one-ring.fgb",
        Err("geometry xy reuses bytes already read: offsets share data more than twice the buffer"),
        Err("geometry xy reuses bytes already read: offsets share data more than twice the buffer"),
        Err("geometry xy reuses bytes already read: offsets share data more than twice the buffer"),
    ),
    (
        "header-2000-columns.fgb",
        Err("implausible column count 2000"),
        Err("implausible column count 2000"),
        Err("implausible column count 2000"),
    ),
    (
        "header-columns-share-one-name.fgb",
        Err("column name reuses bytes already read: offsets share data more than twice the buffer"),
        Err("column name reuses bytes already read: offsets share data more than twice the buffer"),
        Err("column name reuses bytes already read: offsets share data more than twice the buffer"),
    ),
    (
        "header-size-4-gib.fgb",
        Err("implausible header size 4294967295 bytes"),
        Err("implausible header size 4294967295 bytes"),
        Err("implausible header size 4294967295 bytes"),
    ),
    (
        "header-size-4.fgb",
        Err("header size field at byte 8 points outside the buffer"),
        Err("header size field at byte 8 points outside the buffer"),
        Err("header size field at byte 8 points outside the buffer"),
    ),
    (
        "header-size-long-by-40.fgb",
        Err("vtable at byte 8 points outside the buffer"),
        Err("inconsistent spatial index: child offset outside its level"),
        Err("inconsistent spatial index: child offset outside its level"),
    ),
    (
        "header-size-short-by-16.fgb",
        Err("header title at byte 260 points outside the buffer"),
        Err("header title at byte 260 points outside the buffer"),
        Err("header title at byte 260 points outside the buffer"),
    ),
    (
        "html-error-page.fgb",
        Err("not a FlatGeobuf v3 file (bad magic bytes)"),
        Err("not a FlatGeobuf v3 file (bad magic bytes)"),
        Err("not a FlatGeobuf v3 file (bad magic bytes)"),
    ),
    (
        "index-child-outside-its-level.fgb",
        Ok(20),
        Err("inconsistent spatial index: child offset outside its level"),
        Err("inconsistent spatial index: child offset outside its level"),
    ),
    (
        "index-leaf-offset-inside-a-feature.fgb",
        Ok(20),
        Err("truncated feature: need 262160 bytes, have 163"),
        Ok(20),
    ),
    (
        "index-leaf-offsets-not-increasing.fgb",
        Ok(20),
        Err("inconsistent spatial index: feature offsets do not increase"),
        Err("reported: inconsistent spatial index: feature offsets do not increase"),
    ),
    (
        "index-leaves-past-4-gib.fgb",
        Ok(20),
        Err("truncated feature: need 5368710537 bytes, have 4724"),
        Err("feature reaches byte 5368711575, past the end of the file (4724 bytes)"),
    ),
    (
        "index-nan-box.fgb",
        Ok(20),
        Err("inconsistent spatial index: NaN in a node's box"),
        Err("inconsistent spatial index: NaN in a node's box"),
    ),
    (
        "magic-v2.fgb",
        Err("not a FlatGeobuf v3 file (bad magic bytes)"),
        Err("not a FlatGeobuf v3 file (bad magic bytes)"),
        Err("not a FlatGeobuf v3 file (bad magic bytes)"),
    ),
    (
        "node-size-0-with-index.fgb",
        Err("root table offset at byte 0 points outside the buffer"),
        Err("unsupported FlatGeobuf content: bbox search in a file without index"),
        Err("unsupported FlatGeobuf content: bbox search in a file without index"),
    ),
    (
        "node-size-1.fgb",
        Err("inconsistent spatial index: index node size 1"),
        Err("inconsistent spatial index: index node size 1"),
        Err("inconsistent spatial index: index node size 1"),
    ),
    (
        "node-size-2.fgb",
        Err("truncated feature: need 524300 bytes, have 2760"),
        Err("inconsistent spatial index: child offset outside its level"),
        Err("reported: inconsistent spatial index: child offset outside its level"),
    ),
    (
        "node-size-65535.fgb",
        Err("truncated feature: need 3435973841 bytes, have 3560"),
        Err("inconsistent spatial index: feature offsets do not increase"),
        Err("truncated feature: need 80530640 bytes, have 1208"),
    ),
    (
        "property-column-99.fgb",
        Err("property of column 99: column index past the header's columns"),
        Err("property of column 99: column index past the header's columns"),
        Err("property of column 99: column index past the header's columns"),
    ),
    (
        "property-string-past-the-end.fgb",
        Err("property of column 1: value runs past the properties"),
        Err("property of column 1: value runs past the properties"),
        Err("property of column 1: value runs past the properties"),
    ),
    ("valid-long-title.fgb", Ok(20), Ok(20), Ok(20)),
    ("valid.fgb", Ok(20), Ok(20), Ok(20)),
];

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fgb-corpus")
}

fn outcomes(bytes: &[u8]) -> [Result<usize, String>; 3] {
    [
        read::whole(bytes),
        read::indexed(bytes),
        read::streamed(bytes, |_, body| body),
    ]
}

/// Checks the files of `dir` against what the generator makes, or writes
/// them when `FGB_CORPUS_WRITE` is set.
fn matches_generator(dir: &std::path::Path, files: Vec<(&'static str, Vec<u8>)>) {
    let write = std::env::var_os("FGB_CORPUS_WRITE").is_some();
    if write {
        std::fs::create_dir_all(dir).unwrap();
    }
    for (name, bytes) in files {
        let path = dir.join(name);
        if write {
            std::fs::write(&path, &bytes).unwrap();
        }
        assert!(
            std::fs::read(&path).unwrap_or_default() == bytes,
            "{name} differs from what make.rs generates"
        );
    }
}

#[test]
fn the_corpus_is_what_the_generator_makes() {
    matches_generator(&corpus_dir(), make::corpus());
}

/// The hostile layers the browser tests serve (see `make::hostile_layers`);
/// `FGB_CORPUS_WRITE=1` writes them again.
#[test]
fn the_hostile_layers_are_what_the_generator_makes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile-layers");
    matches_generator(&dir, make::hostile_layers());
    // The overview reads whole, hostile names and all.
    let overview = std::fs::read(dir.join("hostile-overview.fgb")).unwrap();
    let (_, shapes) =
        maillage::map::shapes_from_file(&overview, "code", "name", "rate").expect("valid");
    assert_eq!(shapes.len(), make::CELLS);
    assert_eq!(shapes[5].name.len(), 100_000);
}

#[test]
fn every_file_gives_its_listed_outcome() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".fgb"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for name in &names {
        let bytes = std::fs::read(corpus_dir().join(name)).unwrap();
        let got = outcomes(&bytes);
        let expected = EXPECTED.iter().find(|e| e.0 == name);
        let same = expected.is_some_and(|(_, a, b, c)| {
            [a, b, c]
                .iter()
                .zip(&got)
                .all(|(e, g)| e.map_err(str::to_owned) == *g)
        });
        if !same {
            failures.push(format!(
                "    (\"{name}\", {:?}, {:?}, {:?}),",
                got[0], got[1], got[2]
            ));
        }
    }
    let mut listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    listed.dedup();
    assert_eq!(listed.len(), EXPECTED.len(), "a file listed twice");
    let listed_but_absent: Vec<&str> = EXPECTED
        .iter()
        .map(|e| e.0)
        .filter(|n| !names.iter().any(|m| m == n))
        .collect();
    assert!(
        failures.is_empty() && listed_but_absent.is_empty(),
        "outcomes differ:\n{}\nlisted but absent: {listed_but_absent:?}",
        failures.join("\n")
    );
}

/// The fixture is valid FlatGeobuf for the reference reader (verified
/// flatbuffers, its own R-tree search), so the corpus bends a real layer.
#[test]
fn the_fixture_reads_with_the_reference_reader() {
    use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
    let bytes = std::fs::read(corpus_dir().join("valid.fgb")).unwrap();
    let mut all = FgbReader::open(std::io::Cursor::new(&bytes))
        .unwrap()
        .select_all()
        .unwrap();
    let mut codes = Vec::new();
    while let Some(f) = all.next().unwrap() {
        codes.push(f.property::<String>("code").unwrap());
        let xy = f.geometry().unwrap().xy().unwrap();
        assert_eq!(xy.len(), 10, "a closed square ring");
    }
    assert_eq!(codes.len(), 20);
    assert_eq!((codes[0].as_str(), codes[19].as_str()), ("c0", "c19"));
    // Cells 6 and 7 (2.2–2.6°E, 50.2–50.4°N) meet this box; 1, 2, 11, 12 touch it.
    let mut found = Vec::new();
    let mut some = FgbReader::open(std::io::Cursor::new(&bytes))
        .unwrap()
        .select_bbox(2.25, 50.25, 2.55, 50.35)
        .unwrap();
    while let Some(f) = some.next().unwrap() {
        found.push(f.property::<String>("code").unwrap());
    }
    found.sort();
    assert_eq!(found, ["c6", "c7"]);
}

/// A server that sends fewer bytes than a range asked for: each part of a
/// view load says so, by name, instead of decoding what came.
#[test]
fn short_range_answers_are_errors() {
    use maillage::map::stream::Part;
    // Its header is longer than the first read: every part is its own request.
    let bytes = std::fs::read(corpus_dir().join("valid-long-title.fgb")).unwrap();
    let mut asked = Vec::new();
    assert_eq!(
        read::streamed(&bytes, |fetch, body| {
            asked.push(fetch.part);
            body
        }),
        Ok(20)
    );
    // The view over one cell reads the R-tree level by level (root,
    // branches, leaves), then its feature; the whole box, the other
    // leaves and the features on both sides of the first one.
    use Part::{Features, Head, Header, Index};
    assert_eq!(
        asked,
        [Head, Header, Index, Index, Index, Features, Index, Features, Features]
    );
    let cut_one = |part| {
        read::streamed(&bytes, |fetch, mut body| {
            if fetch.part == part {
                body.pop();
            }
            body
        })
    };
    let got: Vec<_> = [Head, Header, Index, Features].map(cut_one).to_vec();
    assert_eq!(
        got,
        [
            Ok(20),
            Err("truncated header: need 6326 bytes, have 6325".into()),
            Err("truncated range answer: need 40 bytes, have 39".into()),
            Err("truncated range answer: need 173 bytes, have 172".into()),
        ]
    );
}

/// A broken layer fails alone: the layer streamed beside it (the outlines
/// beside the choropleth) is drawn whole, and the report names the file.
#[test]
fn a_broken_layer_leaves_the_other_one_drawn() {
    use maillage::map::stream::Loads;
    let open = |name: &str| std::fs::read(corpus_dir().join(name)).unwrap();
    let (broken, valid) = (open("index-child-outside-its-level.fgb"), open("valid.fgb"));
    let mut loads = Loads::new(
        vec![
            read::layer("broken.fgb", broken.len()),
            read::layer("valid.fgb", valid.len()),
        ],
        0,
    );
    let camera = read::whole_box();
    loads.set_view(&camera);
    let mut errors = Vec::new();
    while let Some(fetch) = loads.next_fetch() {
        let file = if fetch.path == "broken.fgb" {
            &broken
        } else {
            &valid
        };
        let body = read::serve(file, &fetch).unwrap();
        if let Err(e) = loads.feed(&fetch, &body) {
            errors.push(e.to_string());
        }
    }
    assert_eq!(
        errors,
        ["couche broken.fgb illisible : inconsistent spatial index: child offset outside its level"]
    );
    let report = loads.take_report().unwrap();
    assert!(report.failed);
    assert_eq!(report.error.map(|e| e.path).as_deref(), Some("broken.fgb"));
    // The broken layer draws its overview (none here); the other, all 20 cells.
    let shown = |layer| {
        loads
            .shapes_in(layer, camera.bounds(), &[], &|_| None)
            .map(|s| s.len())
    };
    assert_eq!((shown(0), shown(1)), (Some(0), Some(20)));
}
