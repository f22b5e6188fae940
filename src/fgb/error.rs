//! One error type for everything that can be wrong with FlatGeobuf bytes.

use std::fmt;

/// Why a FlatGeobuf file (or a byte range of it) could not be read.
///
/// Layer files come from the network and from partners, so every variant
/// names what was wrong and where, to tell a broken file from a broken server.
#[derive(Debug, Clone, PartialEq)]
pub enum FgbError {
    /// The first 8 bytes are not `fgb\x03fgb?`: not a FlatGeobuf v3 file (or an HTML error page).
    BadMagic,
    /// Fewer bytes than the structure needs: a short file or a cut range response.
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        need: u64,
        /// Bytes available.
        have: u64,
    },
    /// The header size field is above [`crate::fgb::MAX_HEADER_SIZE`] (below 8 is a `BadOffset`).
    HeaderTooLarge {
        /// The size the file claims.
        size: u64,
    },
    /// A flatbuffer offset, vtable or vector points outside its buffer.
    BadOffset {
        /// Which structure held the offset.
        what: &'static str,
        /// Position of the offending field within the buffer.
        at: u64,
    },
    /// Offsets that send the decoder back to the same bytes over and over
    /// (it would read more than twice the buffer): only a hostile writer
    /// shares that much, to turn a small file into a large allocation.
    SharedBytes {
        /// The vector whose read went over.
        what: &'static str,
    },
    /// More columns than [`crate::fgb::MAX_COLUMNS`].
    TooManyColumns {
        /// The count the header claims.
        count: u64,
    },
    /// `features_count` is above [`crate::fgb::MAX_FEATURES`].
    TooManyFeatures {
        /// The count the header claims.
        count: u64,
    },
    /// The spatial index would exceed [`crate::fgb::MAX_INDEX_BYTES`] or a `u64`.
    IndexTooLarge {
        /// Features in the header.
        count: u64,
        /// Node size in the header.
        node_size: u16,
    },
    /// A part of the file that the header or the index places past its end
    /// (the size the layers' manifest gives): a file cut short, or offsets
    /// that lie (beyond 4 GiB in a file of a few kilobytes).
    PastEnd {
        /// What lies past the end: the header, the index or a feature.
        what: &'static str,
        /// The byte it reaches.
        at: u64,
        /// The file's size.
        size: u64,
    },
    /// A file read whole holds another number of features than its header
    /// says: cut short between two features, or padded.
    FeatureCount {
        /// What the header says.
        declared: u64,
        /// What the file holds.
        found: u64,
    },
    /// The index contradicts its own layout (child outside its level, offsets going backwards…).
    BadIndex {
        /// What was inconsistent.
        reason: &'static str,
    },
    /// A geometry's vectors disagree (odd coordinate count, ring ends past the coordinates…).
    BadGeometry {
        /// What was inconsistent.
        reason: &'static str,
    },
    /// A coordinate (or a search box) is NaN or infinite where a number is required.
    NonFinite,
    /// A property value could not be read.
    BadProperty {
        /// Column index as written in the feature.
        column: u64,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// Valid FlatGeobuf that this reader deliberately does not handle (curves, per-feature schemas…).
    Unsupported {
        /// What is not handled.
        what: &'static str,
    },
}

impl fmt::Display for FgbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => write!(f, "not a FlatGeobuf v3 file (bad magic bytes)"),
            Self::Truncated { what, need, have } => {
                write!(f, "truncated {what}: need {need} bytes, have {have}")
            }
            Self::HeaderTooLarge { size } => write!(f, "implausible header size {size} bytes"),
            Self::BadOffset { what, at } => {
                write!(f, "{what} at byte {at} points outside the buffer")
            }
            Self::SharedBytes { what } => write!(
                f,
                "{what} reuses bytes already read: offsets share data more than twice the buffer"
            ),
            Self::TooManyColumns { count } => write!(f, "implausible column count {count}"),
            Self::TooManyFeatures { count } => write!(f, "implausible features_count {count}"),
            Self::IndexTooLarge { count, node_size } => write!(
                f,
                "spatial index for {count} features with node size {node_size} is too large"
            ),
            Self::PastEnd { what, at, size } => write!(
                f,
                "{what} reaches byte {at}, past the end of the file ({size} bytes)"
            ),
            Self::FeatureCount { declared, found } => write!(
                f,
                "the header counts {declared} features, the file holds {found}"
            ),
            Self::BadIndex { reason } => write!(f, "inconsistent spatial index: {reason}"),
            Self::BadGeometry { reason } => write!(f, "malformed geometry: {reason}"),
            Self::NonFinite => write!(f, "coordinate is NaN or infinite"),
            Self::BadProperty { column, reason } => {
                write!(f, "property of column {column}: {reason}")
            }
            Self::Unsupported { what } => write!(f, "unsupported FlatGeobuf content: {what}"),
        }
    }
}

impl std::error::Error for FgbError {}

/// Shorthand used across the FlatGeobuf reader.
pub type Result<T> = std::result::Result<T, FgbError>;
