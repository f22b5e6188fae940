//! The file prefix (magic + header size) and the Header table.

use super::error::{FgbError, Result};
use super::flatbuf::{Budget, Table};
use super::index::index_size;

/// FlatGeobuf v3 magic; the last byte is the patch version and is not checked.
pub const MAGIC: [u8; 8] = *b"fgb\x03fgb\x00";
/// Bytes to fetch first: magic and the header size, enough for [`header_len`].
pub const PREFIX_LEN: u64 = 12;
/// Largest header accepted: a hostile size field must not make the widget fetch or allocate more.
pub const MAX_HEADER_SIZE: u64 = 10 * 1024 * 1024;
/// Largest `features_count` accepted; French communes are about 35,000.
pub const MAX_FEATURES: u64 = 50_000_000;
/// Most columns accepted: the layers have a few dozen, and every decoded
/// feature holds a slot per column, so a header of a million tiny columns
/// would cost each feature megabytes.
pub const MAX_COLUMNS: usize = 1024;

/// Geometry types this reader decodes; the rest keep their code in `Other` to be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    /// Mixed: each feature carries its own type.
    Unknown,
    /// One position.
    Point,
    /// One line.
    LineString,
    /// Rings: outer then holes.
    Polygon,
    /// Several positions.
    MultiPoint,
    /// Several lines.
    MultiLineString,
    /// Several polygons.
    MultiPolygon,
    /// Collections, curves, surfaces, TIN… (the FlatGeobuf code).
    Other(u8),
}

impl From<u8> for GeometryType {
    fn from(code: u8) -> Self {
        match code {
            0 => Self::Unknown,
            1 => Self::Point,
            2 => Self::LineString,
            3 => Self::Polygon,
            4 => Self::MultiPoint,
            5 => Self::MultiLineString,
            6 => Self::MultiPolygon,
            other => Self::Other(other),
        }
    }
}

/// Column types of the binary property encoding; each fixes how a value is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // the names are the FlatGeobuf spec's
pub enum ColumnType {
    Byte,
    UByte,
    Bool,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    Float,
    Double,
    String,
    Json,
    DateTime,
    Binary,
}

impl ColumnType {
    fn from_code(code: u8) -> Option<Self> {
        use ColumnType::*;
        [
            Byte, UByte, Bool, Short, UShort, Int, UInt, Long, ULong, Float, Double, String, Json,
            DateTime, Binary,
        ]
        .get(usize::from(code))
        .copied()
    }
}

/// One attribute column: properties refer to columns by position.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Machine name, e.g. `siren`.
    pub name: String,
    /// How values are encoded.
    pub column_type: ColumnType,
    /// Human title, for legends and tables.
    pub title: Option<String>,
    /// Longer description, for tooltips.
    pub description: Option<String>,
    /// Whether features may omit the value (FlatGeobuf's default is true).
    pub nullable: bool,
}

/// What the widget needs from a layer's header to search and decode it.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// Dataset name (empty when absent).
    pub name: String,
    /// Type of every geometry, or `Unknown` when each feature says.
    pub geometry_type: GeometryType,
    /// Coordinates carry Z (ignored: the map is 2D).
    pub has_z: bool,
    /// Coordinates carry M (ignored).
    pub has_m: bool,
    /// Coordinates carry T (ignored).
    pub has_t: bool,
    /// Coordinates carry TM (ignored).
    pub has_tm: bool,
    /// Attribute columns, in property-index order.
    pub columns: Vec<Column>,
    /// `[min_x, min_y, max_x, max_y]` of all features, for the initial view.
    pub envelope: Option<[f64; 4]>,
    /// Number of features (and of index leaves).
    pub features_count: u64,
    /// R-tree branching factor; 0 when the file has no index.
    pub index_node_size: u16,
    /// CRS code (4326 for lon/lat), `None` when the file declares no CRS.
    pub crs_code: Option<i32>,
    /// Dataset title.
    pub title: Option<String>,
    /// Dataset description.
    pub description: Option<String>,
    /// File offset just past the header, where the index (or the features) start.
    pub header_end: u64,
}

/// Total bytes of magic + size + header, from the first [`PREFIX_LEN`] bytes of the file.
///
/// Lets the glue fetch 12 bytes, then exactly the header, and no more.
pub fn header_len(prefix: &[u8]) -> Result<u64> {
    let have = prefix.len() as u64;
    let magic = prefix.get(..8).ok_or(FgbError::Truncated {
        what: "magic",
        need: 8,
        have,
    })?;
    if magic.get(..7) != MAGIC.get(..7) {
        return Err(FgbError::BadMagic);
    }
    let size = prefix
        .get(8..12)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
        .ok_or(FgbError::Truncated {
            what: "header size",
            need: PREFIX_LEN,
            have,
        })?;
    let size = u64::from(size);
    if size < 8 {
        return Err(FgbError::BadOffset {
            what: "header size field",
            at: 8,
        });
    }
    if size > MAX_HEADER_SIZE {
        return Err(FgbError::HeaderTooLarge { size });
    }
    Ok(PREFIX_LEN + size)
}

impl Header {
    /// Parses the header from the file's first bytes (at least [`header_len`] of them).
    ///
    /// Also validates `features_count` and the index size, so later range
    /// arithmetic on this header cannot overflow.
    pub fn parse(bytes: &[u8]) -> Result<Header> {
        let total = header_len(bytes)?;
        let have = bytes.len() as u64;
        let buf = usize::try_from(total)
            .ok()
            .and_then(|end| bytes.get(PREFIX_LEN as usize..end))
            .ok_or(FgbError::Truncated {
                what: "header",
                need: total,
                have,
            })?;
        let budget = Budget::of(buf);
        let t = Table::root(buf, &budget)?;
        let flag = |vt| -> Result<bool> { Ok(t.scalar::<1>(vt)?.is_some_and(|[b]| b != 0)) };
        let columns = match t.tables(18, "header columns")? {
            Some(c) if c.len() > MAX_COLUMNS => {
                return Err(FgbError::TooManyColumns {
                    count: c.len() as u64,
                })
            }
            Some(c) => c.map(|c| parse_column(&c?)).collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        let envelope = t.vector(6, 8, "header envelope")?.and_then(|b| {
            let mut v = b
                .chunks_exact(8)
                .filter_map(|c| c.try_into().ok())
                .map(f64::from_le_bytes);
            Some([v.next()?, v.next()?, v.next()?, v.next()?])
        });
        let features_count = t.scalar::<8>(20)?.map_or(0, u64::from_le_bytes);
        if features_count > MAX_FEATURES {
            return Err(FgbError::TooManyFeatures {
                count: features_count,
            });
        }
        // Absent means the schema default, 16 (the writer omits it then).
        let index_node_size = t.scalar::<2>(22)?.map_or(16, u16::from_le_bytes);
        let crs_code = match t.table(24, "header crs")? {
            Some(crs) => Some(crs.scalar::<4>(6)?.map_or(0, i32::from_le_bytes)),
            None => None,
        };
        let header = Header {
            name: t.string(4, "header name")?.unwrap_or_default(),
            geometry_type: GeometryType::from(t.scalar::<1>(8)?.map_or(0, |[b]| b)),
            has_z: flag(10)?,
            has_m: flag(12)?,
            has_t: flag(14)?,
            has_tm: flag(16)?,
            columns,
            envelope,
            features_count,
            index_node_size,
            crs_code,
            title: t.string(26, "header title")?,
            description: t.string(28, "header description")?,
            header_end: total,
        };
        header.features_offset()?;
        Ok(header)
    }

    /// Position of a column by name, to look properties up without knowing the file's order.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Whether bbox search is possible; without an index the whole features section is read.
    pub fn has_index(&self) -> bool {
        self.index_node_size > 0 && self.features_count > 0
    }

    /// File offset of the features section (just past the index).
    pub fn features_offset(&self) -> Result<u64> {
        self.header_end
            .checked_add(index_size(self.features_count, self.index_node_size)?)
            .ok_or(FgbError::IndexTooLarge {
                count: self.features_count,
                node_size: self.index_node_size,
            })
    }
}

fn parse_column(t: &Table<'_>) -> Result<Column> {
    let code = t.scalar::<1>(6)?.map_or(0, |[b]| b);
    Ok(Column {
        name: t.string(4, "column name")?.unwrap_or_default(),
        column_type: ColumnType::from_code(code).ok_or(FgbError::Unsupported {
            what: "column type code above 14",
        })?,
        title: t.string(8, "column title")?,
        description: t.string(10, "column description")?,
        nullable: t.scalar::<1>(18)?.is_none_or(|[b]| b != 0),
    })
}
