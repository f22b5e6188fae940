//! Fixtures are written with the reference `flatgeobuf` writer, then read
//! back with this module's decoder, whole and through counted byte ranges.
#![allow(clippy::unwrap_used)]

use super::*;
use flatgeobuf::{ColumnType as Ct, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType as Gt};
use geo_types::{
    coord, Geometry as G, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon,
};
use geozero::{ColumnValue as Cv, PropertyProcessor};

const COLUMNS: [(&str, Ct); 15] = [
    ("byte", Ct::Byte),
    ("ubyte", Ct::UByte),
    ("bool", Ct::Bool),
    ("short", Ct::Short),
    ("ushort", Ct::UShort),
    ("int", Ct::Int),
    ("id", Ct::UInt),
    ("long", Ct::Long),
    ("ulong", Ct::ULong),
    ("float", Ct::Float),
    ("double", Ct::Double),
    ("string", Ct::String),
    ("json", Ct::Json),
    ("datetime", Ct::DateTime),
    ("binary", Ct::Binary),
];

/// The properties written for grid cell `n`; `json` is omitted when `n % 7 == 0`.
fn cell_values(n: u32) -> Vec<Option<Value>> {
    let i = n as i64;
    vec![
        Some(Value::Byte((i - 50) as i8)),
        Some(Value::UByte(n as u8 + 100)),
        Some(Value::Bool(n % 2 == 0)),
        Some(Value::Short(-(i as i16) * 300)),
        Some(Value::UShort(n as u16 * 600)),
        Some(Value::Int(-(i as i32) * 100_000)),
        Some(Value::UInt(n)),
        Some(Value::Long(-i * 10_000_000_000)),
        Some(Value::ULong(u64::MAX - u64::from(n))),
        Some(Value::Float(n as f32 * 0.5)),
        Some(Value::Double(f64::from(n) / 3.0)),
        Some(Value::String(format!("cellule-{n}-é"))),
        (n % 7 != 0).then(|| Value::Json(format!("{{\"n\":{n}}}"))),
        Some(Value::DateTime(format!(
            "2024-01-{:02}T00:00:00Z",
            n % 28 + 1
        ))),
        Some(Value::Binary(vec![n as u8, 0, 255])),
    ]
}

fn to_cv(v: &Value) -> Cv<'_> {
    match v {
        Value::Byte(x) => Cv::Byte(*x),
        Value::UByte(x) => Cv::UByte(*x),
        Value::Bool(x) => Cv::Bool(*x),
        Value::Short(x) => Cv::Short(*x),
        Value::UShort(x) => Cv::UShort(*x),
        Value::Int(x) => Cv::Int(*x),
        Value::UInt(x) => Cv::UInt(*x),
        Value::Long(x) => Cv::Long(*x),
        Value::ULong(x) => Cv::ULong(*x),
        Value::Float(x) => Cv::Float(*x),
        Value::Double(x) => Cv::Double(*x),
        Value::String(x) => Cv::String(x),
        Value::Json(x) => Cv::Json(x),
        Value::DateTime(x) => Cv::DateTime(x),
        Value::Binary(x) => Cv::Binary(x),
    }
}

fn square(x: f64, y: f64) -> Vec<[f64; 2]> {
    vec![
        [x, y],
        [x + 0.5, y],
        [x + 0.5, y + 0.5],
        [x, y + 0.5],
        [x, y],
    ]
}

const HOLE: [[f64; 2]; 5] = [
    [0.1, 40.1],
    [0.2, 40.1],
    [0.2, 40.2],
    [0.1, 40.2],
    [0.1, 40.1],
];

fn ring(pts: &[[f64; 2]]) -> LineString<f64> {
    LineString::from(pts.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
}

/// 10×10 squares of 0.5° at integer lon 0..9, lat 40..49; cell 0 has a hole.
fn grid() -> Vec<u8> {
    let opts = FgbWriterOptions {
        crs: FgbCrs {
            code: 4326,
            ..Default::default()
        },
        title: Some("Grille de test"),
        description: Some("100 carrés"),
        ..Default::default()
    };
    let mut w = FgbWriter::create_with_options("grille", Gt::Polygon, opts).unwrap();
    for (name, ty) in COLUMNS {
        w.add_column(name, ty, |fbb, col| {
            if name == "id" {
                col.nullable = false;
                col.title = Some(fbb.create_string("Identifiant"));
                col.description = Some(fbb.create_string("Numéro de cellule"));
            }
        });
    }
    for n in 0..100u32 {
        let (c, r) = (f64::from(n % 10), f64::from(n / 10));
        let holes = if n == 0 { vec![ring(&HOLE)] } else { vec![] };
        let poly = Polygon::new(ring(&square(c, 40.0 + r)), holes);
        let values = cell_values(n);
        w.add_feature_geom(G::Polygon(poly), |f| {
            for (i, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    f.property(i, COLUMNS[i].0, &to_cv(v)).unwrap();
                }
            }
        })
        .unwrap();
    }
    let mut out = Vec::new();
    w.write(&mut out).unwrap();
    out
}

/// Point `i` of 1,000 on a 40×25 lattice: lon −5 + 0.25·(i % 40), lat 42 + 0.4·(i / 40).
fn point_xy(i: u32) -> [f64; 2] {
    [
        -5.0 + 0.25 * f64::from(i % 40),
        42.0 + 0.4 * f64::from(i / 40),
    ]
}

fn points() -> Vec<u8> {
    let mut w = FgbWriter::create("points", Gt::Point).unwrap();
    w.add_column("id", Ct::UInt, |_, _| {});
    for i in 0..1000u32 {
        let [x, y] = point_xy(i);
        w.add_feature_geom(G::Point(Point::new(x, y)), |f| {
            f.property(0, "id", &Cv::UInt(i)).unwrap();
        })
        .unwrap();
    }
    let mut out = Vec::new();
    w.write(&mut out).unwrap();
    out
}

/// One feature per geometry kind, in a file whose header type is Unknown.
fn mixed() -> (Vec<u8>, Vec<Geometry>) {
    let line = vec![[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]];
    let line2 = vec![[3.0, 3.0], [4.0, 4.0]];
    let outer = square(5.0, 5.0);
    let expected = vec![
        Geometry::Points(vec![[1.5, 2.5]]),
        Geometry::Points(vec![[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]),
        Geometry::Lines(vec![line.clone()]),
        Geometry::Lines(vec![line.clone(), line2.clone()]),
        Geometry::Polygons(vec![vec![outer.clone()]]),
        Geometry::Polygons(vec![
            vec![square(0.0, 40.0), HOLE.to_vec()],
            vec![outer.clone()],
        ]),
    ];
    let c = |p: &[f64; 2]| coord! { x: p[0], y: p[1] };
    let geoms = vec![
        G::Point(Point::new(1.5, 2.5)),
        G::MultiPoint(MultiPoint::from(vec![(0.0, 1.0), (2.0, 3.0), (4.0, 5.0)])),
        G::LineString(ring(&line)),
        G::MultiLineString(MultiLineString::new(vec![ring(&line), ring(&line2)])),
        G::Polygon(Polygon::new(ring(&outer), vec![])),
        G::MultiPolygon(MultiPolygon::new(vec![
            Polygon::new(
                ring(&square(0.0, 40.0)),
                vec![LineString::new(HOLE.iter().map(c).collect())],
            ),
            Polygon::new(ring(&outer), vec![]),
        ])),
    ];
    let opts = FgbWriterOptions {
        detect_type: false,
        promote_to_multi: false,
        ..Default::default()
    };
    let mut w = FgbWriter::create_with_options("mixte", Gt::Unknown, opts).unwrap();
    w.add_column("id", Ct::UInt, |_, _| {});
    for (i, g) in geoms.into_iter().enumerate() {
        w.add_feature_geom(g, |f| {
            f.property(0, "id", &Cv::UInt(i as u32)).unwrap();
        })
        .unwrap();
    }
    let mut out = Vec::new();
    w.write(&mut out).unwrap();
    (out, expected)
}

/// Header, search outcome and the features decoded with their positions.
type BboxRead = (Header, SearchResult, Vec<(u64, Feature)>);

/// A file served by byte ranges, counting what the reader asks for.
struct MockRanges {
    file: Vec<u8>,
    requests: usize,
    bytes: u64,
    log: Vec<(u64, u64)>,
}

impl MockRanges {
    fn new(file: Vec<u8>) -> Self {
        Self {
            file,
            requests: 0,
            bytes: 0,
            log: Vec::new(),
        }
    }

    fn get(&mut self, r: ByteRange) -> Vec<u8> {
        let start = r.start as usize;
        let end = r
            .end
            .map_or(self.file.len(), |e| (e as usize).min(self.file.len()));
        self.requests += 1;
        self.bytes += (end - start) as u64;
        self.log.push((start as u64, (end - start) as u64));
        self.file[start..end].to_vec()
    }

    /// What the browser glue does: prefix, header, index search, merged feature ranges.
    fn read_bbox(&mut self, bbox: [f64; 4], gap: u64) -> Result<BboxRead> {
        let mut head = self.get(ByteRange {
            start: 0,
            end: Some(PREFIX_LEN),
        });
        let len = header_len(&head)?;
        head.extend(self.get(ByteRange {
            start: PREFIX_LEN,
            end: Some(len),
        }));
        let header = Header::parse(&head)?;
        let mut search = IndexSearch::new(&header, bbox, gap)?;
        while let Some(r) = search.next_fetch() {
            let bytes = self.get(r);
            search.feed(&bytes)?;
        }
        let result = search.finish().unwrap();
        let mut features = Vec::new();
        for fetch in &result.fetches {
            let bytes = self.get(*fetch);
            for hit in result
                .hits
                .iter()
                .filter(|h| h.range.slice_in(fetch, &bytes).is_some())
            {
                let slice = hit.range.slice_in(fetch, &bytes).unwrap();
                features.push((hit.index, decode_feature(slice, &header)?));
            }
        }
        Ok((header, result, features))
    }
}

/// Reads everything from in-memory bytes through the index; any defect must come back as an error.
fn read_all(bytes: &[u8]) -> Result<usize> {
    let header = Header::parse(bytes)?;
    let start = header.header_end as usize;
    let end = header.features_offset()? as usize;
    let index = bytes.get(start..end).ok_or(FgbError::Truncated {
        what: "index",
        need: 0,
        have: 0,
    })?;
    let all = [
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::INFINITY,
    ];
    let result = search_index(&header, index, all, DEFAULT_MERGE_GAP)?;
    for hit in &result.hits {
        let slice = hit
            .range
            .slice_in(
                &ByteRange {
                    start: 0,
                    end: None,
                },
                bytes,
            )
            .ok_or(FgbError::Truncated {
                what: "feature",
                need: 0,
                have: 0,
            })?;
        decode_feature(slice, &header)?;
    }
    if result.hits.len() as u64 != header.features_count {
        return Err(FgbError::BadIndex {
            reason: "hit count",
        });
    }
    Ok(result.hits.len())
}

fn id_of(f: &Feature) -> u32 {
    // Column 0 in the points and mixed files, column 6 in the grid.
    match (f.property(0), f.property(6)) {
        (Some(Value::UInt(id)), _) | (_, Some(Value::UInt(id))) => *id,
        other => panic!("no id: {other:?}"),
    }
}

/// Position of a header field (vtable offset `vt`) in the file, to plant lies in it.
fn header_field_pos(file: &[u8], vt: usize) -> usize {
    let rd32 = |p: usize| u32::from_le_bytes(file[p..p + 4].try_into().unwrap());
    let table = 12 + rd32(12) as usize;
    let vtable = (table as i64 - i64::from(rd32(table) as i32)) as usize;
    table + u16::from_le_bytes(file[vtable + vt..vtable + vt + 2].try_into().unwrap()) as usize
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn header_fields_read_back_exactly() {
    let file = grid();
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.name, "grille");
    assert_eq!(h.geometry_type, GeometryType::Polygon);
    assert!(!h.has_z && !h.has_m && !h.has_t && !h.has_tm);
    assert_eq!(h.features_count, 100);
    assert_eq!(h.index_node_size, 16);
    assert_eq!(h.crs_code, Some(4326));
    assert_eq!(h.title.as_deref(), Some("Grille de test"));
    assert_eq!(h.description.as_deref(), Some("100 carrés"));
    assert_eq!(h.envelope, Some([0.0, 40.0, 9.5, 49.5]));
    let names: Vec<&str> = h.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, COLUMNS.map(|c| c.0));
    assert_eq!(h.columns[11].column_type, ColumnType::String);
    assert_eq!(h.columns[14].column_type, ColumnType::Binary);
    let id = &h.columns[h.column_index("id").unwrap()];
    assert_eq!((id.column_type, id.nullable), (ColumnType::UInt, false));
    assert_eq!(id.title.as_deref(), Some("Identifiant"));
    assert_eq!(id.description.as_deref(), Some("Numéro de cellule"));
    assert!(h.columns[0].nullable && h.columns[0].title.is_none());
    // 100 leaves + 7 + 1 nodes of 40 bytes.
    assert_eq!(level_bounds(100, 16).unwrap(), vec![8..108, 1..8, 0..1]);
    assert_eq!(h.features_offset().unwrap(), h.header_end + 108 * 40);
    assert_eq!(header_len(&file[..12]).unwrap(), h.header_end);
}

#[test]
fn layout_arithmetic() {
    assert_eq!(index_size(1000, 16).unwrap(), 1068 * 40);
    assert_eq!(level_bounds(1, 16).unwrap(), vec![1..2, 0..1]);
    assert_eq!(level_bounds(0, 16).unwrap(), vec![]);
    assert_eq!(index_size(5, 0).unwrap(), 0);
    assert_eq!(level_bounds(3, 2).unwrap(), vec![3..6, 1..3, 0..1]);
    assert_eq!(
        level_bounds(u64::MAX, 16),
        Err(FgbError::TooManyFeatures { count: u64::MAX })
    );
    assert_eq!(
        level_bounds(40_000_000, 2),
        Err(FgbError::IndexTooLarge {
            count: 40_000_000,
            node_size: 2
        })
    );
    assert!(matches!(
        level_bounds(10, 1),
        Err(FgbError::BadIndex { .. })
    ));
    let r = ByteRange {
        start: 10,
        end: Some(20),
    };
    assert_eq!(
        (r.len(), r.http_header()),
        (Some(10), "bytes=10-19".to_string())
    );
    assert_eq!(
        ByteRange {
            start: 7,
            end: None
        }
        .http_header(),
        "bytes=7-"
    );
}

#[test]
fn every_property_type_round_trips() {
    let file = grid();
    let h = Header::parse(&file).unwrap();
    let start = h.features_offset().unwrap() as usize;
    let mut seen = 0;
    for slice in feature_slices(&file[start..]) {
        let slice = slice.unwrap();
        let f = decode_feature(slice, &h).unwrap();
        let n = id_of(&f);
        assert_eq!(f.properties, cell_values(n), "cell {n}");
        // Only some columns kept: theirs as a whole decode has them, the
        // others skipped (`None`), the geometry the same.
        let keep: Vec<bool> = (0..h.columns.len()).map(|i| i % 3 == 0).collect();
        let some = decode_feature_keeping(slice, &h, Some(&keep)).unwrap();
        let want: Vec<Option<Value>> = cell_values(n)
            .into_iter()
            .enumerate()
            .map(|(i, v)| v.filter(|_| i % 3 == 0))
            .collect();
        assert_eq!(some.properties, want, "cell {n}");
        assert_eq!(some.geometry, f.geometry);
        let Some(Geometry::Polygons(polys)) = &f.geometry else {
            panic!("cell {n}: {:?}", f.geometry)
        };
        let (c, r) = (f64::from(n % 10), f64::from(n / 10));
        let rings = if n == 0 {
            vec![square(c, 40.0), HOLE.to_vec()]
        } else {
            vec![square(c, 40.0 + r)]
        };
        assert_eq!(polys, &vec![rings]);
        seen += 1;
    }
    assert_eq!(seen, 100);
    assert_eq!(read_all(&file), Ok(100));
}

#[test]
fn every_geometry_kind_decodes() {
    let (file, expected) = mixed();
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.geometry_type, GeometryType::Unknown);
    let start = h.features_offset().unwrap() as usize;
    let mut got: Vec<(u32, Geometry)> = feature_slices(&file[start..])
        .map(|s| {
            let f = decode_feature(s.unwrap(), &h).unwrap();
            (id_of(&f), f.geometry.unwrap())
        })
        .collect();
    got.sort_by_key(|g| g.0);
    assert_eq!(got.into_iter().map(|g| g.1).collect::<Vec<_>>(), expected);
}

#[test]
fn grid_bbox_search_returns_exact_cells() {
    let mut mock = MockRanges::new(grid());
    let (_, result, features) = mock
        .read_bbox([3.2, 42.2, 5.2, 43.2], DEFAULT_MERGE_GAP)
        .unwrap();
    let mut ids: Vec<u32> = features.iter().map(|(_, f)| id_of(f)).collect();
    ids.sort();
    assert_eq!(ids, vec![23, 24, 25, 33, 34, 35]);
    assert_eq!(result.hits.len(), 6);
    // In-memory search over the loaded index agrees.
    let h = Header::parse(&mock.file).unwrap();
    let index = &mock.file[h.header_end as usize..h.features_offset().unwrap() as usize];
    assert_eq!(
        search_index(&h, index, [3.2, 42.2, 5.2, 43.2], DEFAULT_MERGE_GAP).unwrap(),
        result
    );
    // Nothing there: root node only, no feature fetched.
    let mut mock = MockRanges::new(grid());
    let (_, result, _) = mock
        .read_bbox([20.0, 0.0, 21.0, 1.0], DEFAULT_MERGE_GAP)
        .unwrap();
    assert_eq!(
        (result.hits.len(), result.fetches.len(), mock.requests),
        (0, 0, 3)
    );
}

#[test]
fn small_bbox_reads_a_small_part_of_the_points_file() {
    let file = points();
    let size = file.len() as u64;
    let mut mock = MockRanges::new(file);
    let bbox = [0.9, 44.3, 1.6, 45.3];
    let (h, result, features) = mock.read_bbox(bbox, DEFAULT_MERGE_GAP).unwrap();
    assert_eq!(h.features_count, 1000);
    let mut ids: Vec<u32> = features.iter().map(|(_, f)| id_of(f)).collect();
    ids.sort();
    assert_eq!(ids, vec![264, 265, 266, 304, 305, 306, 344, 345, 346]);
    for (_, f) in &features {
        assert_eq!(f.geometry, Some(Geometry::Points(vec![point_xy(id_of(f))])));
    }
    println!(
        "points: {} of {size} bytes in {} requests, {} feature ranges: {:?}",
        mock.bytes,
        mock.requests,
        result.fetches.len(),
        mock.log
    );
    // Requests: prefix 12 B, header 164 B, root 40 B, 4 nodes, 16 nodes,
    // 65 leaf nodes (merged), then one merged range of 45 features (3,600 B).
    assert_eq!(size, 122_896);
    assert_eq!(
        (mock.bytes, mock.requests, result.fetches.len()),
        (7_216, 7, 1)
    );
    assert!(mock.bytes * 16 < size, "under 6.25 % of the file");

    // Without merging, each run of adjacent features is its own request:
    // fewer bytes, more round trips.
    let mut mock = MockRanges::new(mock.file);
    let (_, result, _) = mock.read_bbox(bbox, 0).unwrap();
    assert_eq!(
        (
            result.hits.len(),
            result.fetches.len(),
            mock.requests,
            mock.bytes
        ),
        (9, 4, 10, 4_336)
    );
}

#[test]
fn streaming_search_matches_brute_force() {
    let file = points();
    let h = Header::parse(&file).unwrap();
    let index = &file[h.header_end as usize..h.features_offset().unwrap() as usize];
    let mut state = 7u64;
    for _ in 0..60 {
        let mut rnd = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 10_000) as f64 / 10_000.0
        };
        let (x, y, w, hgt) = (
            -6.0 + 12.0 * rnd(),
            41.0 + 11.0 * rnd(),
            3.0 * rnd(),
            3.0 * rnd(),
        );
        let bbox = [x, y, x + w, y + hgt];
        let expected: Vec<u32> = (0..1000)
            .filter(|&i| {
                let [px, py] = point_xy(i);
                px >= bbox[0] && px <= bbox[2] && py >= bbox[1] && py <= bbox[3]
            })
            .collect();
        for gap in [0, DEFAULT_MERGE_GAP, u64::MAX] {
            let result = search_index(&h, index, bbox, gap).unwrap();
            let mut ids: Vec<u32> = result
                .hits
                .iter()
                .map(|hit| {
                    id_of(
                        &decode_feature(
                            hit.range
                                .slice_in(
                                    &ByteRange {
                                        start: 0,
                                        end: None,
                                    },
                                    &file,
                                )
                                .unwrap(),
                            &h,
                        )
                        .unwrap(),
                    )
                })
                .collect();
            ids.sort();
            assert_eq!(ids, expected, "bbox {bbox:?} gap {gap}");
        }
    }
}

#[test]
fn offsets_past_4_gib_stay_exact() {
    let file = grid();
    let mut h = Header::parse(&file).unwrap();
    let index = file[h.header_end as usize..h.features_offset().unwrap() as usize].to_vec();
    let real_features = h.features_offset().unwrap();
    h.header_end = 5 << 30;
    let mut search = IndexSearch::new(&h, [3.2, 42.2, 5.2, 43.2], 0).unwrap();
    assert_eq!(
        search.next_fetch(),
        Some(ByteRange {
            start: 5 << 30,
            end: Some((5 << 30) + 40)
        })
    );
    while let Some(r) = search.next_fetch() {
        let from = (r.start - (5 << 30)) as usize;
        search
            .feed(&index[from..from + r.len().unwrap() as usize])
            .unwrap();
    }
    let result = search.finish().unwrap();
    let shift = h.features_offset().unwrap() - real_features;
    assert_eq!(shift, (5 << 30) - Header::parse(&file).unwrap().header_end);
    for hit in &result.hits {
        let r = ByteRange {
            start: hit.range.start - shift,
            end: hit.range.end.map(|e| e - shift),
        };
        let f = decode_feature(
            r.slice_in(
                &ByteRange {
                    start: 0,
                    end: None,
                },
                &file,
            )
            .unwrap(),
            &h,
        )
        .unwrap();
        assert!([23, 24, 25, 33, 34, 35].contains(&id_of(&f)));
        assert!(hit.range.start > u64::from(u32::MAX));
    }
    assert_eq!(result.hits.len(), 6);
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let file = grid();
    let h = Header::parse(&file).unwrap();
    let first_features = h.features_offset().unwrap() as usize + 10 * 300;
    let cuts = (0..first_features).chain((first_features..file.len()).step_by(97));
    let features = &file[h.features_offset().unwrap() as usize..];
    let mut boundaries = vec![0];
    for f in feature_slices(features) {
        boundaries.push(boundaries.last().unwrap() + f.unwrap().len());
    }
    let mut n = 0;
    for cut in cuts {
        let short = &file[..cut];
        assert!(read_all(short).is_err(), "cut at {cut}");
        let _ = header_len(short);
        if let Some(feats) = short.get(h.features_offset().unwrap() as usize..) {
            // Sequential reading cannot see a cut between features; within one, it must.
            let cut_inside = !boundaries.contains(&feats.len());
            assert_eq!(
                feature_slices(feats).any(|f| f.is_err()),
                cut_inside,
                "cut at {cut}"
            );
        }
        n += 1;
    }
    assert!(n > 7_000, "{n} cuts");
    assert_eq!(read_all(&file), Ok(100));
}

#[test]
fn flipped_bytes_never_panic() {
    for (file, name) in [(grid(), "grid"), (mixed().0, "mixed")] {
        let h = Header::parse(&file).unwrap();
        let hot = (h.features_offset().unwrap() as usize + 2_000).min(file.len());
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut ok, mut err) = (0, 0);
        for i in 0..2_000 {
            let mut bad = file.clone();
            let span = if i % 2 == 0 { hot } else { file.len() };
            for _ in 0..1 + next() % 4 {
                let pos = (next() % span as u64) as usize;
                bad[pos] ^= 1 << (next() % 8);
            }
            match read_all(&bad) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    err += 1
                }
            }
        }
        println!("{name}: flips read fine {ok}, rejected {err}");
        assert_eq!(ok + err, 2_000);
        assert!(err > 100, "{name}: {err}");
    }
}

#[test]
fn lying_lengths_give_specific_errors() {
    let file = grid();
    let h = Header::parse(&file).unwrap();

    let mut bad = file.clone();
    bad[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        header_len(&bad),
        Err(FgbError::HeaderTooLarge { size: 0xFFFF_FFFF })
    );
    assert_eq!(
        Header::parse(&bad),
        Err(FgbError::HeaderTooLarge { size: 0xFFFF_FFFF })
    );

    let mut bad = file.clone();
    bad[3] = 2;
    assert_eq!(Header::parse(&bad), Err(FgbError::BadMagic));
    assert_eq!(
        header_len(&file[..10]),
        Err(FgbError::Truncated {
            what: "header size",
            need: 12,
            have: 10
        })
    );
    assert_eq!(
        Header::parse(&file[..100]),
        Err(FgbError::Truncated {
            what: "header",
            need: h.header_end,
            have: 100
        })
    );

    let mut bad = file.clone();
    let p = header_field_pos(&file, 20);
    bad[p..p + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(
        Header::parse(&bad),
        Err(FgbError::TooManyFeatures { count: u64::MAX })
    );
    // A plausible count, but its index (32 million nodes) would exceed MAX_INDEX_BYTES.
    bad[p..p + 8].copy_from_slice(&30_000_000u64.to_le_bytes());
    assert_eq!(
        Header::parse(&bad),
        Err(FgbError::IndexTooLarge {
            count: 30_000_000,
            node_size: 16
        })
    );

    // The first feature in file order, then lies planted in its bytes.
    let start = h.features_offset().unwrap() as usize;
    let first = feature_slices(&file[start..])
        .next()
        .unwrap()
        .unwrap()
        .to_vec();
    let n = id_of(&decode_feature(&first, &h).unwrap());
    let text = format!("cellule-{n}-é");
    let s = find(&first, text.as_bytes());

    let mut bad = first.clone();
    bad[s - 4..s].copy_from_slice(&0xFFFFu32.to_le_bytes());
    assert_eq!(
        decode_feature(&bad, &h),
        Err(FgbError::BadProperty {
            column: 11,
            reason: "value runs past the properties"
        })
    );
    // The same lie in a column that is skipped, not kept: still an error.
    let keep = vec![false; h.columns.len()];
    assert_eq!(
        decode_feature_keeping(&bad, &h, Some(&keep)),
        Err(FgbError::BadProperty {
            column: 11,
            reason: "value runs past the properties"
        })
    );
    let mut bad = first.clone();
    bad[s - 6..s - 4].copy_from_slice(&99u16.to_le_bytes());
    assert_eq!(
        decode_feature(&bad, &h),
        Err(FgbError::BadProperty {
            column: 99,
            reason: "column index past the header's columns"
        })
    );
    let mut bad = first.clone();
    bad[s] = 0xFF; // invalid UTF-8 is kept, lossily
    let f = decode_feature(&bad, &h).unwrap();
    assert_eq!(
        f.property(11),
        Some(&Value::String(format!("\u{FFFD}ellule-{n}-é")))
    );

    let mut bad = first.clone();
    let len = first.len() as u64;
    bad[..4].copy_from_slice(&(len as u32).to_le_bytes());
    assert_eq!(
        decode_feature(&bad, &h),
        Err(FgbError::Truncated {
            what: "feature",
            need: len + 4,
            have: len
        })
    );

    let mut bad = first.clone();
    let x = find(&first, &f64::from(n % 10).to_le_bytes());
    bad[x..x + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    assert_eq!(decode_feature(&bad, &h), Err(FgbError::NonFinite));

    let mut search = IndexSearch::new(&h, [0.0, 0.0, 1.0, 1.0], 0).unwrap();
    assert_eq!(
        search.feed(&[0; 39]),
        Err(FgbError::Truncated {
            what: "index nodes",
            need: 40,
            have: 39
        })
    );
    assert_eq!(
        IndexSearch::new(&h, [f64::NAN, 0.0, 1.0, 1.0], 0).unwrap_err(),
        FgbError::NonFinite
    );
}

#[test]
fn index_pointing_outside_its_level_is_rejected() {
    let file = grid();
    let h = Header::parse(&file).unwrap();
    let mut bad = file.clone();
    let root_offset = h.header_end as usize + 32;
    bad[root_offset..root_offset + 8].copy_from_slice(&500u64.to_le_bytes());
    assert_eq!(
        read_all(&bad),
        Err(FgbError::BadIndex {
            reason: "child offset outside its level"
        })
    );
}

#[test]
fn file_without_index_reads_whole() {
    let opts = FgbWriterOptions {
        write_index: false,
        ..Default::default()
    };
    let mut w = FgbWriter::create_with_options("sans index", Gt::Point, opts).unwrap();
    w.add_column("id", Ct::UInt, |_, _| {});
    for i in 0..5u32 {
        w.add_feature_geom(G::Point(Point::new(f64::from(i), 1.0)), |f| {
            f.property(0, "id", &Cv::UInt(i)).unwrap();
        })
        .unwrap();
    }
    let mut file = Vec::new();
    w.write(&mut file).unwrap();
    let h = Header::parse(&file).unwrap();
    assert!(!h.has_index());
    assert_eq!(
        IndexSearch::new(&h, [0.0; 4], 0).unwrap_err(),
        FgbError::Unsupported {
            what: "bbox search in a file without index"
        }
    );
    let all = all_features_range(&h).unwrap();
    assert_eq!(
        all,
        ByteRange {
            start: h.header_end,
            end: None
        }
    );
    let bytes = all
        .slice_in(
            &ByteRange {
                start: 0,
                end: None,
            },
            &file,
        )
        .unwrap();
    let ids: Vec<u32> = feature_slices(bytes)
        .map(|s| id_of(&decode_feature(s.unwrap(), &h).unwrap()))
        .collect();
    assert_eq!(ids, vec![0, 1, 2, 3, 4]);
}

/// The real EPCI layer, when `maillage-prep build` has produced it.
#[test]
fn epci_layer_when_built() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/layers/epci.fgb");
    let Ok(file) = std::fs::read(&path) else {
        println!("skipped: {} absent (run `cargo run --release -p maillage-prep -- build --out www/layers`)", path.display());
        return;
    };
    let h = Header::parse(&file).unwrap();
    assert_eq!(h.features_count, 1_253);
    assert_eq!(h.geometry_type, GeometryType::MultiPolygon);
    let siren = h.column_index("siren").unwrap();
    assert!(h.column_index("illectronism_rate").is_some());
    assert_eq!(read_all(&file), Ok(1_253));
    // Around Paris: a view a few kilometres wide.
    let mut mock = MockRanges::new(file);
    let (_, result, features) = mock
        .read_bbox([2.30, 48.83, 2.40, 48.89], DEFAULT_MERGE_GAP)
        .unwrap();
    assert!(!features.is_empty());
    assert!(features
        .iter()
        .all(|(_, f)| matches!(f.property(siren), Some(Value::String(_)))));
    println!(
        "epci Paris bbox: {} features, {} of {} bytes in {} requests ({} feature ranges)",
        features.len(),
        mock.bytes,
        mock.file.len(),
        mock.requests,
        result.fetches.len()
    );
}

#[test]
fn shapes_take_a_column_asked_for_twice_in_both_places() {
    // The zones name themselves by their id: code and name are one column,
    // moved out of the feature for one and copied for the other.
    let (_, shapes) =
        crate::map::shapes_from_file(&grid(), "string", "string", "double").expect("grid");
    assert_eq!(shapes.len(), 100);
    for s in &shapes {
        let n: f64 = s.code["cellule-".len()..s.code.len() - "-é".len()]
            .parse()
            .expect("cell number");
        assert_eq!(s.name, s.code);
        assert_eq!(s.value, Some(n / 3.0), "{}", s.code);
    }
    // A number column as code and as the drawn value.
    let (_, shapes) = crate::map::shapes_from_file(&grid(), "id", "string", "id").expect("grid");
    for s in &shapes {
        assert_eq!(s.code.parse::<f64>().ok(), s.value, "{s:?}");
        assert!(s.name.ends_with(&format!("-{}-é", s.code)), "{s:?}");
    }
}
