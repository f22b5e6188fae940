//! Features: length prefix, geometry and the binary property encoding.

use super::error::{FgbError, Result};
use super::flatbuf::{read, Budget, Table};
use super::header::{Column, ColumnType, GeometryType, Header};

/// A geometry in the shapes the map draws; single and multi kinds share a variant.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    /// Point or MultiPoint: `[x, y]` positions.
    Points(Vec<[f64; 2]>),
    /// LineString or MultiLineString: one position list per line.
    Lines(Vec<Vec<[f64; 2]>>),
    /// Polygon or MultiPolygon: polygons → rings (outer first) → positions.
    Polygons(Vec<Vec<Vec<[f64; 2]>>>),
}

/// A property value, typed as its column declares.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // one variant per FlatGeobuf column type
pub enum Value {
    Byte(i8),
    UByte(u8),
    Bool(bool),
    Short(i16),
    UShort(u16),
    Int(i32),
    UInt(u32),
    Long(i64),
    ULong(u64),
    Float(f32),
    Double(f64),
    String(String),
    Json(String),
    DateTime(String),
    Binary(Vec<u8>),
}

/// One decoded feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// `None` when the feature has no geometry table.
    pub geometry: Option<Geometry>,
    /// One slot per header column; `None` where the feature omits the value.
    pub properties: Vec<Option<Value>>,
}

impl Feature {
    /// The value of column `column` (see [`Header::column_index`]), if present.
    pub fn property(&self, column: usize) -> Option<&Value> {
        self.properties.get(column).and_then(Option::as_ref)
    }
}

/// Decodes one feature from bytes starting at its u32 length prefix; bytes past it are ignored.
pub fn decode_feature(bytes: &[u8], header: &Header) -> Result<Feature> {
    decode_feature_keeping(bytes, header, None)
}

/// [`decode_feature`], with only the values of the columns `keep` marks
/// (by position; `None` keeps all): the others are checked and skipped, and
/// left `None`. A map keeps 6 of a national layer's 24 columns.
pub fn decode_feature_keeping(
    bytes: &[u8],
    header: &Header,
    keep: Option<&[bool]>,
) -> Result<Feature> {
    let have = bytes.len() as u64;
    let len = read::<4>(bytes, 0, "feature length").map_err(|_| FgbError::Truncated {
        what: "feature length",
        need: 4,
        have,
    })?;
    let need = 4 + u64::from(u32::from_le_bytes(len));
    let body = usize::try_from(need)
        .ok()
        .and_then(|end| bytes.get(4..end))
        .ok_or(FgbError::Truncated {
            what: "feature",
            need,
            have,
        })?;
    let budget = Budget::of(body);
    let t = Table::root(body, &budget)?;
    if t.vector(8, 4, "feature columns")?.is_some() {
        return Err(FgbError::Unsupported {
            what: "per-feature column schema",
        });
    }
    let geometry = match t.table(4, "feature geometry")? {
        Some(g) => Some(decode_geometry(&g, header.geometry_type)?),
        None => None,
    };
    let properties = match t.vector(6, 1, "feature properties")? {
        Some(b) => decode_properties(b, &header.columns, keep)?,
        None => vec![None; header.columns.len()],
    };
    Ok(Feature {
        geometry,
        properties,
    })
}

fn decode_geometry(g: &Table<'_>, header_type: GeometryType) -> Result<Geometry> {
    let own = || -> Result<GeometryType> {
        Ok(GeometryType::from(g.scalar::<1>(16)?.map_or(0, |[b]| b)))
    };
    let kind = if header_type == GeometryType::Unknown {
        own()?
    } else {
        header_type
    };
    Ok(match kind {
        GeometryType::Point | GeometryType::MultiPoint => Geometry::Points(positions(g)?),
        GeometryType::LineString => Geometry::Lines(vec![positions(g)?]),
        GeometryType::MultiLineString => Geometry::Lines(rings(g)?),
        GeometryType::Polygon => Geometry::Polygons(vec![rings(g)?]),
        GeometryType::MultiPolygon => match g.tables(18, "geometry parts")? {
            Some(parts) => Geometry::Polygons(parts.map(|p| rings(&p?)).collect::<Result<_>>()?),
            // A lone polygon written without parts.
            None => Geometry::Polygons(vec![rings(g)?]),
        },
        GeometryType::Unknown => {
            return Err(FgbError::Unsupported {
                what: "geometry without a type",
            })
        }
        GeometryType::Other(_) => {
            return Err(FgbError::Unsupported {
                what: "curve, surface or collection geometry",
            })
        }
    })
}

/// The `xy` vector as positions; an absent vector is an empty geometry.
fn positions(g: &Table<'_>) -> Result<Vec<[f64; 2]>> {
    let xy = g.vector(6, 8, "geometry xy")?.unwrap_or_default();
    if xy.len() % 16 != 0 {
        return Err(FgbError::BadGeometry {
            reason: "odd number of xy values",
        });
    }
    // A plain loop (not a `collect` of results): every vertex passes here,
    // in wasm's baseline compiler on a map's first load.
    let mut out = Vec::with_capacity(xy.len() / 16);
    for c in xy.chunks_exact(16) {
        let f = |b: &[u8]| <[u8; 8]>::try_from(b).map_or(f64::NAN, f64::from_le_bytes);
        let p = [f(&c[..8]), f(&c[8..])];
        if !(p[0].is_finite() && p[1].is_finite()) {
            return Err(FgbError::NonFinite);
        }
        out.push(p);
    }
    Ok(out)
}

/// Positions split at `ends` (counted in positions); none or a single end means one part.
fn rings(g: &Table<'_>) -> Result<Vec<Vec<[f64; 2]>>> {
    let pts = positions(g)?;
    let ends = g.vector(4, 4, "geometry ends")?.unwrap_or_default();
    if ends.len() <= 4 {
        return Ok(vec![pts]);
    }
    let mut from = 0;
    ends.chunks_exact(4)
        .map(|c| {
            let to = <[u8; 4]>::try_from(c).map_or(usize::MAX, |b| u32::from_le_bytes(b) as usize);
            let part = pts.get(from..to).ok_or(FgbError::BadGeometry {
                reason: "ring end outside the coordinates",
            })?;
            from = to;
            Ok(part.to_vec())
        })
        .collect()
}

/// A forward-only reader over the properties bytes.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(out)
    }

    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).and_then(|b| b.try_into().ok())
    }

    fn sized(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_le_bytes(self.arr()?) as usize;
        self.take(len)
    }
}

/// The binary property encoding: repeated `u16` column index, then the value as the column's type.
/// Values of columns `keep` does not mark are skipped (their length still checked).
///
/// A single trailing byte is tolerated, as the reference reader does (some writers leave one).
fn decode_properties(
    bytes: &[u8],
    columns: &[Column],
    keep: Option<&[bool]>,
) -> Result<Vec<Option<Value>>> {
    let mut out = vec![None; columns.len()];
    let mut cur = Cursor { bytes, pos: 0 };
    while bytes.len().saturating_sub(cur.pos) >= 2 {
        let column = cur.arr().map_or(u16::MAX, u16::from_le_bytes);
        let bad = |reason| FgbError::BadProperty {
            column: u64::from(column),
            reason,
        };
        let i = usize::from(column);
        let slot = out
            .get_mut(i)
            .ok_or(bad("column index past the header's columns"))?;
        let ty = columns.get(i).map(|c| c.column_type);
        // The value's bytes by its type's size (or length prefix), then,
        // for a kept column, the value.
        let raw = match ty {
            Some(ColumnType::Byte | ColumnType::UByte | ColumnType::Bool) => cur.take(1),
            Some(ColumnType::Short | ColumnType::UShort) => cur.take(2),
            Some(ColumnType::Int | ColumnType::UInt | ColumnType::Float) => cur.take(4),
            Some(ColumnType::Long | ColumnType::ULong | ColumnType::Double) => cur.take(8),
            Some(
                ColumnType::String | ColumnType::Json | ColumnType::DateTime | ColumnType::Binary,
            ) => cur.sized(),
            None => None,
        };
        let (Some(raw), Some(ty)) = (raw, ty) else {
            return Err(bad("value runs past the properties"));
        };
        if keep.is_none_or(|k| k.get(i).copied().unwrap_or(false)) {
            *slot = Some(value_of(ty, raw));
        }
    }
    Ok(out)
}

/// A property value from its bytes, `raw` exactly as long as the type
/// takes (see [`decode_properties`]).
fn value_of(ty: ColumnType, raw: &[u8]) -> Value {
    let text = || String::from_utf8_lossy(raw).into_owned();
    match ty {
        ColumnType::Byte => Value::Byte(i8::from_le_bytes(fixed(raw))),
        ColumnType::UByte => Value::UByte(u8::from_le_bytes(fixed(raw))),
        ColumnType::Bool => Value::Bool(raw.first().is_some_and(|b| *b != 0)),
        ColumnType::Short => Value::Short(i16::from_le_bytes(fixed(raw))),
        ColumnType::UShort => Value::UShort(u16::from_le_bytes(fixed(raw))),
        ColumnType::Int => Value::Int(i32::from_le_bytes(fixed(raw))),
        ColumnType::UInt => Value::UInt(u32::from_le_bytes(fixed(raw))),
        ColumnType::Long => Value::Long(i64::from_le_bytes(fixed(raw))),
        ColumnType::ULong => Value::ULong(u64::from_le_bytes(fixed(raw))),
        ColumnType::Float => Value::Float(f32::from_le_bytes(fixed(raw))),
        ColumnType::Double => Value::Double(f64::from_le_bytes(fixed(raw))),
        ColumnType::String => Value::String(text()),
        ColumnType::Json => Value::Json(text()),
        ColumnType::DateTime => Value::DateTime(text()),
        ColumnType::Binary => Value::Binary(raw.to_vec()),
    }
}

/// `raw` as an `N`-byte array (zeros where it is shorter, which
/// [`decode_properties`] never passes).
fn fixed<const N: usize>(raw: &[u8]) -> [u8; N] {
    let mut a = [0; N];
    for (d, s) in a.iter_mut().zip(raw) {
        *d = *s;
    }
    a
}

/// Splits consecutive length-prefixed features (a file without index, or one fetched range).
pub fn feature_slices(bytes: &[u8]) -> FeatureSlices<'_> {
    FeatureSlices { bytes, pos: 0 }
}

/// Iterator of [`feature_slices`]: yields each feature's bytes, stops after the first error.
#[derive(Debug, Clone)]
pub struct FeatureSlices<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for FeatureSlices<'a> {
    type Item = Result<&'a [u8]>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.bytes.get(self.pos..).filter(|r| !r.is_empty())?;
        let have = rest.len() as u64;
        let need = read::<4>(rest, 0, "feature length")
            .map(|b| 4 + u64::from(u32::from_le_bytes(b)))
            .unwrap_or(4);
        match usize::try_from(need).ok().and_then(|n| rest.get(..n)) {
            Some(feature) => {
                self.pos += feature.len();
                Some(Ok(feature))
            }
            None => {
                self.pos = self.bytes.len();
                Some(Err(FgbError::Truncated {
                    what: "feature",
                    need,
                    have,
                }))
            }
        }
    }
}
