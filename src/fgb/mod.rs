//! FlatGeobuf read side over bytes and byte ranges: header, packed R-tree search, bounds-checked feature decoding (untrusted input).
//!
//! No I/O happens here: the browser glue asks what to fetch, fetches it and
//! hands the bytes back. A typical read of an indexed layer:
//!
//! 1. fetch bytes `0..PREFIX_LEN`, call [`header_len`], fetch `0..len`, [`Header::parse`];
//! 2. [`IndexSearch::new`] with the view's bbox; while [`IndexSearch::next_fetch`]
//!    gives a range, fetch it and [`IndexSearch::feed`] the bytes;
//! 3. [`IndexSearch::finish`] gives merged [`SearchResult::fetches`]; for each
//!    fetched range, [`ByteRange::slice_in`] cuts every [`Hit`] out of it for
//!    [`decode_feature`].
//!
//! Files without an index are read whole from [`all_features_range`] and split
//! with [`feature_slices`].
//!
//! Every length and offset in the file is checked against the bytes actually
//! present before use, file offsets stay `u64` (layers may exceed 4 GiB while
//! wasm32's `usize` may not), and hostile counts are capped by [`MAX_HEADER_SIZE`],
//! [`MAX_FEATURES`], [`MAX_COLUMNS`] and [`MAX_INDEX_BYTES`]. Flatbuffer
//! offsets may point at the same bytes again: a decode reads at most twice
//! its buffer ([`FgbError::SharedBytes`]), so what it allocates stays in
//! proportion to the bytes it was given. Text that is not valid UTF-8
//! (header strings and String/Json/DateTime values) is decoded lossily, with
//! U+FFFD in place of bad bytes: a mis-encoded name should show up as such on
//! the map rather than hide the whole feature.

mod error;
mod feature;
mod flatbuf;
mod header;
mod index;
#[cfg(test)]
mod tests;

pub use error::{FgbError, Result};
pub use feature::{
    decode_feature, decode_feature_keeping, feature_slices, Feature, FeatureSlices, Geometry, Value,
};
pub use header::{
    header_len, Column, ColumnType, GeometryType, Header, MAGIC, MAX_COLUMNS, MAX_FEATURES,
    MAX_HEADER_SIZE, PREFIX_LEN,
};
pub use index::{
    all_features_range, index_size, level_bounds, search_index, Hit, IndexSearch, SearchResult,
    DEFAULT_MERGE_GAP, MAX_INDEX_BYTES, NODE_LEN,
};

/// A byte range of the file, as one HTTP `Range` request asks for it.
///
/// `end` is exclusive; `None` means "to the end of the file", needed for the
/// last feature, whose length the index cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// One past the last byte, or `None` for the rest of the file.
    pub end: Option<u64>,
}

impl ByteRange {
    /// Length in bytes when bounded, so the glue can check a 206 answer's size.
    pub fn len(&self) -> Option<u64> {
        self.end.map(|e| e.saturating_sub(self.start))
    }

    /// Whether a bounded range holds no byte (never true of ranges this module produces).
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The `Range` header value (`bytes=a-b`, inclusive end) so the glue never does the arithmetic.
    pub fn http_header(&self) -> String {
        match self.end {
            Some(e) => format!("bytes={}-{}", self.start, e.saturating_sub(1)),
            None => format!("bytes={}-", self.start),
        }
    }

    /// Cuts this range out of the bytes fetched for `outer`; `None` when it is not inside.
    ///
    /// An open-ended range takes everything to the end of `outer_bytes`, which
    /// suits [`decode_feature`] (it reads only what the length prefix says).
    pub fn slice_in<'a>(&self, outer: &ByteRange, outer_bytes: &'a [u8]) -> Option<&'a [u8]> {
        let from = usize::try_from(self.start.checked_sub(outer.start)?).ok()?;
        let to = match self.end {
            Some(e) => usize::try_from(e.checked_sub(outer.start)?).ok()?,
            None => outer_bytes.len(),
        };
        outer_bytes.get(from..to)
    }
}
