//! The corpus generator: a small synthetic FlatGeobuf layer written byte by
//! byte (so that every field and offset is ours to bend), and the broken
//! files derived from it. Synthetic data only: twenty square cells with
//! made-up codes, names and rates; nothing here comes from a real source.

/// A size-prefixed flatbuffer (FlatGeobuf's header and features are),
/// written front to back: every offset points forward, to something written
/// after it, as the format allows; alignment counts from the size prefix,
/// as the reference reader's verifier does.
pub struct Fb {
    buf: Vec<u8>,
}

/// One field of a table: a scalar's little-endian bytes, or an offset to
/// link later with [`Fb::link`].
pub enum Field {
    Scalar(Vec<u8>),
    Ref,
}

impl Fb {
    /// A buffer holding only its size prefix, and the root offset to link.
    pub fn new() -> (Fb, usize) {
        let mut fb = Fb { buf: vec![0; 4] };
        let root = fb.slot();
        (fb, root)
    }

    /// The bytes, size prefix filled in.
    pub fn finish(mut self) -> Vec<u8> {
        let size = (self.buf.len() - 4) as u32;
        self.buf[..4].copy_from_slice(&size.to_le_bytes());
        self.buf
    }

    fn pad_to(&mut self, align: usize) {
        while self.buf.len() % align != 0 {
            self.buf.push(0);
        }
    }

    /// A 4-byte offset slot, zero until linked.
    pub fn slot(&mut self) -> usize {
        self.pad_to(4);
        self.buf.extend([0; 4]);
        self.buf.len() - 4
    }

    /// Makes the offset at `slot` point at `target`.
    pub fn link(&mut self, slot: usize, target: usize) {
        let rel = u32::try_from(target - slot).expect("forward offset");
        self.buf[slot..slot + 4].copy_from_slice(&rel.to_le_bytes());
    }

    /// A table with its own vtable just before it; `fields` are
    /// `(vtable offset, field)` as the schema numbers them (4, 6, 8…).
    /// Returns the table's position and its `Ref` slots, in order.
    pub fn table(&mut self, fields: &[(usize, Field)]) -> (usize, Vec<usize>) {
        let size = |f: &Field| match f {
            Field::Scalar(b) => b.len(),
            Field::Ref => 4,
        };
        let mut order: Vec<&(usize, Field)> = fields.iter().collect();
        order.sort_by_key(|(_, f)| std::cmp::Reverse(size(f)));
        let slots = fields.iter().map(|(vt, _)| vt / 2 - 1).max().unwrap_or(0);
        self.pad_to(2);
        let vtable = self.buf.len();
        let vt_len = 4 + 2 * slots;
        // The table starts 8-aligned after the vtable; fields follow the
        // soffset, each aligned to its size.
        let table = (vtable + vt_len).next_multiple_of(8);
        let mut at = table + 4;
        let mut placed = Vec::new();
        for (vt, f) in &order {
            at = at.next_multiple_of(size(f));
            placed.push((*vt, at));
            at += size(f);
        }
        let mut vt_bytes = vec![0u8; vt_len];
        vt_bytes[0..2].copy_from_slice(&(vt_len as u16).to_le_bytes());
        vt_bytes[2..4].copy_from_slice(&((at - table) as u16).to_le_bytes());
        for &(vt, pos) in &placed {
            vt_bytes[vt..vt + 2].copy_from_slice(&((pos - table) as u16).to_le_bytes());
        }
        self.buf.extend(vt_bytes);
        self.buf.resize(at, 0);
        let soffset = (table - vtable) as i32;
        self.buf[table..table + 4].copy_from_slice(&soffset.to_le_bytes());
        let pos_of = |vt: usize| placed.iter().find(|p| p.0 == vt).map_or(0, |p| p.1);
        let mut refs = Vec::new();
        // `Ref` slots in the caller's order, not the layout's.
        for (vt, f) in fields {
            match f {
                Field::Scalar(b) => self.buf[pos_of(*vt)..pos_of(*vt) + b.len()].copy_from_slice(b),
                Field::Ref => refs.push(pos_of(*vt)),
            }
        }
        (table, refs)
    }

    /// A vector of `count` elements whose bytes are `body`, its body aligned
    /// to `align`; returns the position of its length (what offsets point at).
    pub fn vector(&mut self, count: usize, body: &[u8], align: usize) -> usize {
        while (self.buf.len() + 4) % align.max(4) != 0 {
            self.buf.push(0);
        }
        let at = self.buf.len();
        self.buf.extend((count as u32).to_le_bytes());
        self.buf.extend_from_slice(body);
        at
    }

    /// A string (a byte vector with a trailing NUL, as flatbuffers writes it).
    pub fn string(&mut self, s: &str) -> usize {
        let at = self.vector(s.len(), s.as_bytes(), 4);
        self.buf.push(0);
        at
    }

    /// A vector of `n` table offsets to link one by one.
    pub fn refs(&mut self, n: usize) -> (usize, Vec<usize>) {
        let at = self.vector(n, &vec![0; 4 * n], 4);
        (at, (0..n).map(|i| at + 4 + 4 * i).collect())
    }

    /// Links `slot` to a new string.
    pub fn link_string(&mut self, slot: usize, s: &str) {
        let at = self.string(s);
        self.link(slot, at);
    }
}

fn f64s(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub const MAGIC: &[u8; 8] = b"fgb\x03fgb\x00";
/// FlatGeobuf geometry types used here.
pub const POLYGON: u8 = 3;
pub const MULTIPOLYGON: u8 = 6;
/// Column types used here.
pub const DOUBLE: u8 = 10;
pub const STRING: u8 = 11;

/// The fixture's columns: what the map reads (`code`, `name`, `rate`).
pub const COLUMNS: [(&str, u8); 3] = [("code", STRING), ("name", STRING), ("rate", DOUBLE)];

/// What a header says.
pub struct HeaderSpec<'a> {
    pub geometry_type: u8,
    pub columns: &'a [(&'a str, u8)],
    pub features_count: u64,
    pub index_node_size: u16,
    pub envelope: [f64; 4],
    pub title: &'a str,
}

/// The header flatbuffer, behind its size (the file's bytes 8 on).
pub fn header(h: &HeaderSpec) -> Vec<u8> {
    let (mut fb, root) = Fb::new();
    let (table, refs) = fb.table(&[
        (4, Field::Ref),
        (6, Field::Ref),
        (8, Field::Scalar(vec![h.geometry_type])),
        (18, Field::Ref),
        (20, Field::Scalar(h.features_count.to_le_bytes().to_vec())),
        (22, Field::Scalar(h.index_node_size.to_le_bytes().to_vec())),
        (24, Field::Ref),
        (26, Field::Ref),
    ]);
    fb.link(root, table);
    fb.link_string(refs[0], "synthetique");
    let env = fb.vector(4, &f64s(&h.envelope), 8);
    fb.link(refs[1], env);
    let (cols, slots) = fb.refs(h.columns.len());
    fb.link(refs[2], cols);
    for (&(name, ty), slot) in h.columns.iter().zip(slots) {
        let (col, col_refs) = fb.table(&[(4, Field::Ref), (6, Field::Scalar(vec![ty]))]);
        fb.link(slot, col);
        fb.link_string(col_refs[0], name);
    }
    let (crs, _) = fb.table(&[(6, Field::Scalar(4326i32.to_le_bytes().to_vec()))]);
    fb.link(refs[3], crs);
    fb.link_string(refs[4], h.title);
    fb.finish()
}

/// A property value as the binary encoding lays it out.
pub enum Prop<'a> {
    Text(&'a str),
    Number(f64),
}

/// The properties bytes: `u16` column, then the value.
pub fn properties(values: &[Prop]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        out.extend((i as u16).to_le_bytes());
        match v {
            Prop::Text(s) => {
                out.extend((s.len() as u32).to_le_bytes());
                out.extend(s.as_bytes());
            }
            Prop::Number(x) => out.extend(x.to_le_bytes()),
        }
    }
    out
}

/// One polygon feature (one ring), with its `u32` length prefix.
pub fn feature(ring: &[[f64; 2]], props: &[u8]) -> Vec<u8> {
    let (mut fb, root) = Fb::new();
    let (table, refs) = fb.table(&[(4, Field::Ref), (6, Field::Ref)]);
    fb.link(root, table);
    let (geom, geom_refs) = fb.table(&[(6, Field::Ref)]);
    fb.link(refs[0], geom);
    let xy: Vec<f64> = ring.iter().flatten().copied().collect();
    let v = fb.vector(xy.len(), &f64s(&xy), 8);
    fb.link(geom_refs[0], v);
    let p = fb.vector(props.len(), props, 1);
    fb.link(refs[1], p);
    fb.finish()
}

/// The packed R-tree over `boxes` (features in file order) with leaf
/// offsets `offsets`: levels root first, 40-byte nodes.
pub fn index(boxes: &[[f64; 4]], offsets: &[u64], node_size: usize) -> Vec<u8> {
    let mut levels: Vec<Vec<([f64; 4], u64)>> =
        vec![boxes.iter().zip(offsets).map(|(b, &o)| (*b, o)).collect()];
    while levels.last().map_or(0, Vec::len) > 1 || levels.len() == 1 {
        let below = levels.last().expect("a level");
        let parents = below
            .chunks(node_size)
            .map(|c| {
                let b = c.iter().fold(
                    [
                        f64::INFINITY,
                        f64::INFINITY,
                        f64::NEG_INFINITY,
                        f64::NEG_INFINITY,
                    ],
                    |a, (b, _)| {
                        [
                            a[0].min(b[0]),
                            a[1].min(b[1]),
                            a[2].max(b[2]),
                            a[3].max(b[3]),
                        ]
                    },
                );
                (b, 0)
            })
            .collect();
        levels.push(parents);
    }
    // Node numbers, root first; a branch points at its first child.
    let mut first_of_level = vec![0u64; levels.len()];
    let mut n = 0;
    for (k, level) in levels.iter().enumerate().rev() {
        first_of_level[k] = n;
        n += level.len() as u64;
    }
    let mut out = Vec::new();
    for (k, level) in levels.iter().enumerate().rev() {
        for (i, (b, offset)) in level.iter().enumerate() {
            let offset = match k {
                0 => *offset,
                _ => first_of_level[k - 1] + (i * node_size) as u64,
            };
            out.extend(f64s(b));
            out.extend(offset.to_le_bytes());
        }
    }
    out
}

/// Cell `i` of the fixture: a 0.2° square of a 5 × 4 grid from 2°E 50°N.
pub fn cell(i: usize) -> Vec<[f64; 2]> {
    let (x, y) = (2.0 + 0.2 * (i % 5) as f64, 50.0 + 0.2 * (i / 5) as f64);
    vec![
        [x, y],
        [x + 0.2, y],
        [x + 0.2, y + 0.2],
        [x, y + 0.2],
        [x, y],
    ]
}

pub const CELLS: usize = 20;

/// Magic, header size, header, index and features of a layer.
pub fn file(header: &[u8], index: &[u8], features: &[Vec<u8>]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(header);
    out.extend_from_slice(index);
    for f in features {
        out.extend_from_slice(f);
    }
    out
}

/// The fixture's parts, to rebuild it with one of them bent.
#[derive(Clone)]
pub struct Layer {
    pub header: Vec<u8>,
    pub features: Vec<Vec<u8>>,
}

impl Layer {
    /// The valid synthetic layer: twenty cells, indexed with node size 16.
    pub fn synthetic() -> Layer {
        Layer::cells(|i| (format!("c{i}"), format!("Cellule {i}")))
    }

    /// The twenty cells with the code and name `names` gives each, rates
    /// 0, 2.5, 5…
    pub fn cells(names: impl Fn(usize) -> (String, String)) -> Layer {
        let features = (0..CELLS)
            .map(|i| {
                let (code, name) = names(i);
                let props = properties(&[
                    Prop::Text(&code),
                    Prop::Text(&name),
                    Prop::Number(i as f64 * 2.5),
                ]);
                feature(&cell(i), &props)
            })
            .collect();
        Layer {
            header: header_with(|_| {}),
            features,
        }
    }

    /// The index of the features as they are (cell boxes, true offsets).
    pub fn index(&self) -> Vec<u8> {
        let boxes: Vec<[f64; 4]> = (0..self.features.len())
            .map(|i| {
                let c = cell(i);
                [c[0][0], c[0][1], c[2][0], c[2][1]]
            })
            .collect();
        let offsets: Vec<u64> = self
            .features
            .iter()
            .scan(0, |at, f| {
                let start = *at;
                *at += f.len() as u64;
                Some(start)
            })
            .collect();
        index(&boxes, &offsets, 16)
    }

    pub fn bytes(&self) -> Vec<u8> {
        file(&self.header, &self.index(), &self.features)
    }

    pub fn index_at(&self) -> usize {
        MAGIC.len() + self.header.len()
    }

    pub fn features_at(&self) -> usize {
        self.index_at() + self.index().len()
    }
}

/// What the fixture says it is.
const TITLE: &str = "Synthetic fixture: made-up cells, not real data";

/// The fixture's box, as its header states it.
const ENVELOPE: [f64; 4] = [2.0, 50.0, 3.0, 50.8];

/// Node `n` of an index: its box at `40 n`, its offset at `40 n + 32`.
fn node_offset(index: &mut [u8], n: usize, f: impl Fn(u64) -> u64) {
    let at = 40 * n + 32;
    let old = u64::from_le_bytes(index[at..at + 8].try_into().expect("8 bytes"));
    index[at..at + 8].copy_from_slice(&f(old).to_le_bytes());
}

/// Leaves of the fixture's index: root (node 0), two branches (1, 2), then
/// the twenty leaves.
const FIRST_LEAF: usize = 3;

/// A header whose geometry type, columns and index node size are the
/// fixture's but for what `bend` changes.
fn header_with<'a>(bend: impl FnOnce(&mut HeaderSpec<'a>)) -> Vec<u8> {
    let mut spec = HeaderSpec {
        geometry_type: POLYGON,
        columns: &COLUMNS,
        features_count: CELLS as u64,
        index_node_size: 16,
        envelope: ENVELOPE,
        title: TITLE,
    };
    bend(&mut spec);
    header(&spec)
}

/// Cell 0's properties, to bend.
fn cell_0_props() -> Vec<u8> {
    properties(&[Prop::Text("c0"), Prop::Text("Cellule 0"), Prop::Number(0.0)])
}

/// Every generated file of the corpus, by name: the valid fixture, then
/// the same layer broken one way each.
pub fn corpus() -> Vec<(&'static str, Vec<u8>)> {
    let l = Layer::synthetic();
    let valid = l.bytes();
    let with_header = |header: Vec<u8>| {
        Layer {
            header,
            ..l.clone()
        }
        .bytes()
    };
    let with_index = |bend: &dyn Fn(&mut Vec<u8>)| {
        let mut index = l.index();
        bend(&mut index);
        file(&l.header, &index, &l.features)
    };
    // The index follows the new feature's length: only the feature lies.
    let with_first = |f: Vec<u8>| {
        let mut l = l.clone();
        l.features[0] = f;
        l.bytes()
    };
    let with_size = |size: u32| {
        let mut bytes = valid.clone();
        bytes[8..12].copy_from_slice(&size.to_le_bytes());
        bytes
    };
    let header_size = l.header.len() as u32 - 4;
    let column_names: Vec<String> = (0..2_000).map(|i| format!("c{i}")).collect();
    let many_columns: Vec<(&str, u8)> = column_names.iter().map(|n| (n.as_str(), STRING)).collect();
    let long_title = format!("{TITLE}. {}", "Cellules. ".repeat(600));
    let feature_len = l.features[0].len();
    let first_len = |len: u32| {
        let mut f = l.features[0].clone();
        f[..4].copy_from_slice(&len.to_le_bytes());
        with_first(f)
    };
    let mut out = vec![
        ("valid.fgb", valid.clone()),
        // Valid too; its header is longer than the first read of a
        // streamed file, so that the header and the index are read apart.
        (
            "valid-long-title.fgb",
            with_header(header_with(|h| h.title = &long_title)),
        ),
        ("empty.fgb", Vec::new()),
        ("cut-in-magic.fgb", valid[..5].to_vec()),
        ("cut-in-header-size.fgb", valid[..10].to_vec()),
        (
            "cut-in-header.fgb",
            valid[..l.index_at() - l.header.len() / 2].to_vec(),
        ),
        (
            "cut-in-index.fgb",
            valid[..l.index_at() + l.index().len() / 2].to_vec(),
        ),
        (
            "cut-in-feature.fgb",
            valid[..l.features_at() + 5 * feature_len / 2].to_vec(),
        ),
        (
            "cut-between-features.fgb",
            valid[..l.features_at() + l.features[..12].iter().map(Vec::len).sum::<usize>()]
                .to_vec(),
        ),
        ("magic-v2.fgb", {
            let mut b = valid.clone();
            b[3] = 2;
            b
        }),
        (
            "html-error-page.fgb",
            b"<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>\n".to_vec(),
        ),
        ("header-size-4-gib.fgb", with_size(u32::MAX)),
        ("header-size-4.fgb", with_size(4)),
        ("header-size-short-by-16.fgb", with_size(header_size - 16)),
        ("header-size-long-by-40.fgb", with_size(header_size + 40)),
        (
            "count-u64-max.fgb",
            with_header(header_with(|h| h.features_count = u64::MAX)),
        ),
        (
            "count-2-pow-40.fgb",
            with_header(header_with(|h| h.features_count = 1 << 40)),
        ),
        (
            "count-5-million.fgb",
            with_header(header_with(|h| h.features_count = 5_000_000)),
        ),
        (
            "count-40-million-no-index.fgb",
            with_header(header_with(|h| {
                h.features_count = 40_000_000;
                h.index_node_size = 0;
            })),
        ),
        (
            "count-plus-one.fgb",
            with_header(header_with(|h| h.features_count = CELLS as u64 + 1)),
        ),
        (
            "count-minus-one.fgb",
            with_header(header_with(|h| h.features_count = CELLS as u64 - 1)),
        ),
        (
            "count-zero-with-index.fgb",
            with_header(header_with(|h| h.features_count = 0)),
        ),
        (
            "node-size-0-with-index.fgb",
            with_header(header_with(|h| h.index_node_size = 0)),
        ),
        (
            "node-size-1.fgb",
            with_header(header_with(|h| h.index_node_size = 1)),
        ),
        (
            "node-size-2.fgb",
            with_header(header_with(|h| h.index_node_size = 2)),
        ),
        (
            "node-size-65535.fgb",
            with_header(header_with(|h| h.index_node_size = u16::MAX)),
        ),
        (
            "column-type-99.fgb",
            with_header(header_with(|h| h.columns = &[("code", 99)])),
        ),
        (
            "index-child-outside-its-level.fgb",
            with_index(&|i| node_offset(i, 0, |_| 500)),
        ),
        (
            "index-leaves-past-4-gib.fgb",
            with_index(&|i| {
                for n in FIRST_LEAF..FIRST_LEAF + CELLS {
                    node_offset(i, n, |o| o + (5 << 30));
                }
            }),
        ),
        (
            "index-leaf-offsets-not-increasing.fgb",
            with_index(&|i| node_offset(i, FIRST_LEAF + 5, |o| o - feature_len as u64)),
        ),
        (
            "index-leaf-offset-inside-a-feature.fgb",
            with_index(&|i| node_offset(i, FIRST_LEAF + 3, |o| o + 10)),
        ),
        (
            "index-nan-box.fgb",
            with_index(&|i| {
                let at = 40 * (FIRST_LEAF + 7);
                i[at..at + 8].copy_from_slice(&f64::NAN.to_le_bytes());
            }),
        ),
        ("feature-length-4-gib.fgb", first_len(u32::MAX)),
        // The first feature's length takes in the second: both decode, as one.
        (
            "feature-length-swallows-the-next.fgb",
            first_len((feature_len + l.features[1].len() - 4) as u32),
        ),
        ("feature-length-0.fgb", first_len(0)),
        (
            "feature-length-short-by-8.fgb",
            first_len(feature_len as u32 - 4 - 8),
        ),
        ("property-column-99.fgb", {
            let mut props = cell_0_props();
            props.extend(99u16.to_le_bytes());
            props.extend(1.0f64.to_le_bytes());
            with_first(feature(&cell(0), &props))
        }),
        ("property-string-past-the-end.fgb", {
            let mut props = cell_0_props();
            // The name's length (column 1, after column 0's 2 + 4 + 2 bytes).
            props[10..14].copy_from_slice(&0xFFFFu32.to_le_bytes());
            with_first(feature(&cell(0), &props))
        }),
        ("coordinate-nan.fgb", {
            let mut ring = cell(0);
            ring[2][1] = f64::NAN;
            with_first(feature(&ring, &cell_0_props()))
        }),
        ("coordinate-infinite.fgb", {
            let mut ring = cell(0);
            ring[1][0] = f64::INFINITY;
            with_first(feature(&ring, &cell_0_props()))
        }),
        ("header-columns-share-one-name.fgb", shared_column_names()),
        (
            "header-2000-columns.fgb",
            with_header(header_with(|h| h.columns = &many_columns)),
        ),
        ("geometry-parts-share-one-ring.fgb", shared_rings()),
    ];
    out.sort_by_key(|(name, _)| *name);
    out
}

/// A header of 1,000 columns whose names are one 40 KB string: a reader
/// that copies each name turns 70 KB into 40 MB.
fn shared_column_names() -> Vec<u8> {
    let l = Layer::synthetic();
    let (mut fb, root) = Fb::new();
    let (table, refs) = fb.table(&[
        (8, Field::Scalar(vec![POLYGON])),
        (18, Field::Ref),
        (20, Field::Scalar((CELLS as u64).to_le_bytes().to_vec())),
        (22, Field::Scalar(16u16.to_le_bytes().to_vec())),
    ]);
    fb.link(root, table);
    let (cols, slots) = fb.refs(1_000);
    fb.link(refs[0], cols);
    let names: Vec<usize> = slots
        .into_iter()
        .map(|slot| {
            let (col, col_refs) = fb.table(&[(4, Field::Ref), (6, Field::Scalar(vec![STRING]))]);
            fb.link(slot, col);
            col_refs[0]
        })
        .collect();
    let name = fb.string(&"n".repeat(40_000));
    for slot in names {
        fb.link(slot, name);
    }
    Layer {
        header: fb.finish(),
        ..l
    }
    .bytes()
}

/// One multipolygon feature of 4,000 parts that are all the same part of
/// 1,000 positions: a reader that copies each part turns 32 KB into 64 MB.
fn shared_rings() -> Vec<u8> {
    let h = header(&HeaderSpec {
        geometry_type: MULTIPOLYGON,
        columns: &COLUMNS,
        features_count: 1,
        index_node_size: 16,
        envelope: ENVELOPE,
        title: TITLE,
    });
    let (mut fb, root) = Fb::new();
    let (table, refs) = fb.table(&[(4, Field::Ref)]);
    fb.link(root, table);
    let (geom, geom_refs) = fb.table(&[(18, Field::Ref)]);
    fb.link(refs[0], geom);
    let (parts, slots) = fb.refs(4_000);
    fb.link(geom_refs[0], parts);
    let (part, part_refs) = fb.table(&[(6, Field::Ref)]);
    for slot in slots {
        fb.link(slot, part);
    }
    let ring: Vec<f64> = (0..1_000)
        .flat_map(|k| {
            let a = f64::from(k) / 1_000.0 * std::f64::consts::TAU;
            [2.5 + 0.1 * a.cos(), 50.4 + 0.1 * a.sin()]
        })
        .collect();
    let xy = fb.vector(ring.len(), &f64s(&ring), 8);
    fb.link(part_refs[0], xy);
    let index = index(&[[2.4, 50.3, 2.6, 50.5]], &[0], 16);
    file(&h, &index, &[fb.finish()])
}

/// Names a partner's file could hold, for the browser's hostile-content
/// test (tests/browser/hostile.test.mjs): markup that would run if it went
/// in as HTML, a bidirectional override, a spreadsheet formula, and (cell
/// 5) a name of 100,000 characters. Synthetic, as the rest of the layer.
pub const HOSTILE_NAMES: [&str; 5] = [
    "<img src=x onerror=\"document.title='pwned'\">Cellule 0",
    "<script>document.title='pwned'</script>Cellule 1",
    "\u{202E}exe.cod\u{202C} Cellule 2",
    "=cmd|' /C calc'!A0",
    "\"><svg onload=\"document.title='pwned'\">",
];

/// The layers of tests/hostile-layers/, which `scripts/test` serves as
/// www/hostile/: the synthetic cells with [`HOSTILE_NAMES`] as a
/// choropleth overview, a detailed level that is `cut-in-index.fgb` of the
/// corpus (the map must say it is unreadable and keep the overview), and a
/// manifest whose titles, labels and units are hostile too.
pub fn hostile_layers() -> Vec<(&'static str, Vec<u8>)> {
    let overview = Layer::cells(|i| {
        let code = if i == 0 {
            "c0\"><b>x</b>".to_owned()
        } else {
            format!("c{i}")
        };
        let name = match (HOSTILE_NAMES.get(i), i) {
            (Some(n), _) => (*n).to_owned(),
            (None, 5) => "A".repeat(100_000),
            _ => format!("Cellule {i}"),
        };
        (code, name)
    })
    .bytes();
    let detail = corpus()
        .into_iter()
        .find(|(name, _)| *name == "cut-in-index.fgb")
        .map(|(_, bytes)| bytes)
        .expect("cut-in-index.fgb is in the corpus");
    let script = "<script>document.title='pwned'</script>";
    let manifest = serde_json::json!({
        "format": 1,
        "build_date": "2026-12-06",
        "generator": "tests/fgb_corpus/make.rs: synthetic hostile fixture, not real data",
        "layers": [{
            "id": "cellules",
            "kind": "rates",
            "title": {"fr": format!("<b>Cellules</b>{script}"), "en": format!("<b>Cells</b>{script}")},
            "geometry": "Polygon",
            "feature_count": CELLS,
            "bbox": ENVELOPE,
            "files": [
                {"path": "hostile-overview.fgb", "min_zoom": 0.0, "max_zoom": 11.0, "tolerance_m": 0.0,
                 "bytes": overview.len(), "sha256": "", "indexed": true,
                 "fields": ["code", "name", "rate"], "gzip_bytes": null},
                {"path": "hostile-detail.fgb", "min_zoom": 11.0, "max_zoom": 24.0, "tolerance_m": 0.0,
                 "bytes": detail.len(), "sha256": "", "indexed": true,
                 "fields": ["code", "name", "rate"], "gzip_bytes": null}
            ],
            "fields": [
                {"name": "code", "kind": "text", "label": {"fr": "Code", "en": "Code"}},
                {"name": "name", "kind": "text", "label": {"fr": "Nom", "en": "Name"}},
                {"name": "rate", "kind": "real", "choropleth": true, "range": [0.0, 47.5],
                 "label": {"fr": "Taux <img src=x onerror=\"document.title='pwned'\">",
                           "en": "Rate <img src=x onerror=\"document.title='pwned'\">"},
                 "unit": {"fr": "% <i>\u{202E}u</i>", "en": "% <i>\u{202E}u</i>"}}
            ],
            "default_style": {"field": "rate", "method": "quantiles", "classes": 5, "palette": "viridis"},
            "sources": []
        }],
        "sources": []
    });
    let mut manifest = serde_json::to_vec_pretty(&manifest).expect("JSON");
    manifest.push(b'\n');
    vec![
        ("hostile-overview.fgb", overview),
        ("hostile-detail.fgb", detail),
        ("manifest.json", manifest),
    ]
}
