//! The three ways the widget reads a layer, run over any bytes: whole (an
//! overview), through the in-memory index, and streamed by range requests
//! through [`Loads`]. The corpus test (`tests/fgb_corpus.rs`) and the fuzz
//! target (`fuzz/fuzz_targets/fgb.rs`) share them, so that what the fuzzer
//! finds is what the corpus test checks.

use maillage::fgb::{decode_feature, search_index, ByteRange, FgbError, Header, DEFAULT_MERGE_GAP};
use maillage::geom::camera::Camera;
use maillage::geom::mercator::Zoom;
use maillage::manifest::LayerFile;
use maillage::map::shapes_from_file;
use maillage::map::stream::{Fetch, Loads, StreamLayer};

/// The columns the readers ask for, as the synthetic fixture names them.
const CODE: &str = "code";
const NAME: &str = "name";
const FIELD: &str = "rate";

/// The whole box: every feature.
const EVERYWHERE: [f64; 4] = [
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
    f64::INFINITY,
    f64::INFINITY,
];

/// Shapes of a file read whole, as the widget reads an overview.
pub fn whole(bytes: &[u8]) -> Result<usize, String> {
    shapes_from_file(bytes, CODE, NAME, FIELD)
        .map(|(_, shapes)| shapes.len())
        .map_err(|e| e.to_string())
}

/// Features found by an in-memory search of the whole box, each decoded.
pub fn indexed(bytes: &[u8]) -> Result<usize, String> {
    let run = || -> Result<usize, FgbError> {
        let header = Header::parse(bytes)?;
        let after_header = usize::try_from(header.header_end)
            .ok()
            .and_then(|at| bytes.get(at..))
            .unwrap_or_default();
        let result = search_index(&header, after_header, EVERYWHERE, DEFAULT_MERGE_GAP)?;
        let file = ByteRange {
            start: 0,
            end: None,
        };
        for hit in &result.hits {
            // What a server answers past the end of the file (416), said
            // as the decoder says a short file.
            let slice = hit
                .range
                .slice_in(&file, bytes)
                .ok_or(FgbError::Truncated {
                    what: "feature",
                    need: hit.range.end.unwrap_or(hit.range.start),
                    have: bytes.len() as u64,
                })?;
            decode_feature(slice, &header)?;
        }
        Ok(result.hits.len())
    };
    run().map_err(|e| e.to_string())
}

/// The detailed file's path in the streamed layer.
pub const PATH: &str = "synthetique.fgb";

/// Requests after which a view load is taken to never end (the fixture
/// needs a handful): a hostile file must not keep the widget asking forever.
const MAX_REQUESTS: usize = 1_000;

/// A streamed layer as the manifest would give it: an overview (read whole
/// elsewhere) below zoom 7, then the indexed file `path` of `size` bytes.
pub fn layer(path: &str, size: usize) -> StreamLayer {
    let file = |path: &str, min_zoom, max_zoom, bytes, indexed| LayerFile {
        path: path.into(),
        min_zoom,
        max_zoom,
        tolerance_m: 0.0,
        bytes,
        sha256: String::new(),
        indexed,
        fields: vec![],
        gzip_bytes: None,
    };
    StreamLayer {
        id: path.trim_end_matches(".fgb").into(),
        files: vec![
            file("overview.fgb", 0.0, 7.0, 0, false),
            file(path, 7.0, 24.0, size as u64, true),
        ],
        code: CODE.into(),
        name: NAME.into(),
        field: FIELD.into(),
        features: 20,
    }
}

/// The fixture's whole box, at a zoom that reads the indexed file.
pub fn whole_box() -> Camera {
    Camera::new([2.5, 50.4], Zoom::clamped(9.0), 800.0, 600.0)
}

/// A range of `bytes` as a server answers it: cut at the end of the file.
pub fn serve(bytes: &[u8], fetch: &Fetch) -> Option<Vec<u8>> {
    let len = bytes.len() as u64;
    let end = fetch.range.end.map_or(len, |e| e.min(len));
    let start = usize::try_from(fetch.range.start).ok()?;
    bytes
        .get(start..usize::try_from(end).ok()?)
        .map(<[u8]>::to_vec)
}

/// Shapes drawn once two view loads have streamed the file by ranges: a
/// small view over one cell (a part of the index), then the fixture's whole
/// box (the rest, and the cache). `answer` may bend each range's bytes as a
/// server could (cut them short…). A load that fails says why: a failure
/// without an error is itself reported.
pub fn streamed(
    bytes: &[u8],
    mut answer: impl FnMut(&Fetch, Vec<u8>) -> Vec<u8>,
) -> Result<usize, String> {
    let mut loads = Loads::new(vec![layer(PATH, bytes.len())], 0);
    let cell = Camera::new([2.3, 50.3], Zoom::clamped(13.0), 400.0, 300.0);
    let all = whole_box();
    let mut requests = 0;
    for camera in [cell, all] {
        loads.set_view(&camera);
        while let Some(fetch) = loads.next_fetch() {
            requests += 1;
            assert!(requests <= MAX_REQUESTS, "a view load that never ends");
            let Some(body) = serve(bytes, &fetch).filter(|b| !b.is_empty()) else {
                loads.fail(&fetch);
                return Err(format!("HTTP 416 for {}", fetch.range.http_header()));
            };
            let body = answer(&fetch, body);
            loads.feed(&fetch, &body).map_err(|e| {
                assert_eq!(e.path, PATH, "the error names the file");
                e.error.to_string()
            })?;
        }
        let report = loads
            .take_report()
            .ok_or("no report: the load never completed")?;
        if report.failed {
            return Err(report
                .error
                .map_or("failed without saying why".into(), |e| {
                    format!("reported: {}", e.error)
                }));
        }
    }
    Ok(loads
        .shapes_in(0, all.bounds(), &[], &|_| None)
        .map_or(0, |shapes| shapes.len()))
}
