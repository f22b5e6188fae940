//! The packed Hilbert R-tree: its layout, and a bbox search that asks for
//! index bytes level by level, so a small view reads a small part of the file.
//!
//! Layout (as the `flatgeobuf` writer stores it): all nodes top-down, root
//! first, leaves last; each node is `min_x, min_y, max_x, max_y: f64` then
//! `offset: u64`, all little-endian. A branch's offset is the node index of its
//! first child; a leaf's offset is its feature's byte offset in the features
//! section, so leaf `i + 1`'s offset is where feature `i` ends.

use std::collections::VecDeque;
use std::ops::Range;

use super::error::{FgbError, Result};
use super::header::{Header, MAX_FEATURES};
use super::ByteRange;

/// Bytes per index node.
pub const NODE_LEN: u64 = 40;
/// Largest index accepted (about 6 million features at node size 16).
pub const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;
/// Default largest gap bridged when merging ranges: one request beats two below this.
pub const DEFAULT_MERGE_GAP: u64 = 32 * 1024;

/// Node index ranges of each level, leaves first (`[0]`), root last; empty when there is no index.
///
/// Overflow-checked and capped by [`MAX_FEATURES`] and [`MAX_INDEX_BYTES`],
/// since both inputs come from the file.
pub fn level_bounds(features_count: u64, node_size: u16) -> Result<Vec<Range<u64>>> {
    if features_count == 0 || node_size == 0 {
        return Ok(Vec::new());
    }
    if node_size == 1 {
        return Err(FgbError::BadIndex {
            reason: "index node size 1",
        });
    }
    if features_count > MAX_FEATURES {
        return Err(FgbError::TooManyFeatures {
            count: features_count,
        });
    }
    let too_large = FgbError::IndexTooLarge {
        count: features_count,
        node_size,
    };
    let mut per_level = vec![features_count];
    let mut n = features_count;
    while n > 1 || per_level.len() == 1 {
        n = n.div_ceil(u64::from(node_size));
        per_level.push(n);
    }
    let total: u64 = per_level.iter().sum();
    if total
        .checked_mul(NODE_LEN)
        .is_none_or(|b| b > MAX_INDEX_BYTES)
    {
        return Err(too_large);
    }
    let mut end = total;
    Ok(per_level
        .iter()
        .map(|&count| {
            let level = end - count..end;
            end -= count;
            level
        })
        .collect())
}

/// Size in bytes of the index section (0 without index).
pub fn index_size(features_count: u64, node_size: u16) -> Result<u64> {
    Ok(level_bounds(features_count, node_size)?
        .first()
        .map_or(0, |leaves| leaves.end * NODE_LEN))
}

/// The whole features section, for files without an index (or to read everything).
pub fn all_features_range(header: &Header) -> Result<ByteRange> {
    Ok(ByteRange {
        start: header.features_offset()?,
        end: None,
    })
}

/// A feature whose index box meets the search box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Position of the feature in the file (0-based, Hilbert order).
    pub index: u64,
    /// Its bytes: length prefix and flatbuffer.
    pub range: ByteRange,
}

/// Outcome of a bbox search: what matched and what to fetch to read it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResult {
    /// Matching features, by position.
    pub hits: Vec<Hit>,
    /// Ranges covering every hit, neighbours merged when the gap is small.
    pub fetches: Vec<ByteRange>,
}

#[derive(Debug)]
struct NodeRange {
    level: usize,
    nodes: Range<u64>,
    /// The last node was fetched only to learn where the previous leaf's feature ends.
    extra: bool,
}

/// A bbox search over an index read range by range: a state machine, so the
/// glue only loops `next_fetch` → `fetch` → `feed` and never decides anything.
#[derive(Debug)]
pub struct IndexSearch {
    bbox: [f64; 4],
    merge_gap: u64,
    node_size: u64,
    index_offset: u64,
    features_offset: u64,
    levels: Vec<Range<u64>>,
    queue: VecDeque<NodeRange>,
    hits: Vec<Hit>,
    /// Nodes still allowed to be fed; a hostile tree must not loop the glue forever.
    budget: u64,
}

impl IndexSearch {
    /// Starts a search for `bbox` = `[min_x, min_y, max_x, max_y]` in the file's CRS.
    ///
    /// `merge_gap`: largest gap in bytes bridged to save a request (see [`DEFAULT_MERGE_GAP`]).
    /// Infinite bounds are allowed (search everything), NaN is not.
    pub fn new(header: &Header, bbox: [f64; 4], merge_gap: u64) -> Result<Self> {
        if bbox.iter().any(|v| v.is_nan()) {
            return Err(FgbError::NonFinite);
        }
        if header.index_node_size == 0 && header.features_count > 0 {
            return Err(FgbError::Unsupported {
                what: "bbox search in a file without index",
            });
        }
        let levels = level_bounds(header.features_count, header.index_node_size)?;
        let total = levels.first().map_or(0, |l| l.end);
        let queue = match levels.len().checked_sub(1) {
            Some(top) => VecDeque::from([NodeRange {
                level: top,
                nodes: 0..1,
                extra: false,
            }]),
            None => VecDeque::new(),
        };
        Ok(Self {
            bbox,
            merge_gap,
            node_size: u64::from(header.index_node_size),
            index_offset: header.header_end,
            features_offset: header.features_offset()?,
            levels,
            queue,
            hits: Vec::new(),
            budget: total.saturating_mul(2).saturating_add(1),
        })
    }

    /// The index bytes needed next, `None` once the search is complete.
    pub fn next_fetch(&self) -> Option<ByteRange> {
        self.queue.front().map(|r| ByteRange {
            start: self
                .index_offset
                .saturating_add(r.nodes.start.saturating_mul(NODE_LEN)),
            end: Some(
                self.index_offset
                    .saturating_add(r.nodes.end.saturating_mul(NODE_LEN)),
            ),
        })
    }

    /// Takes the bytes of the range [`Self::next_fetch`] gave (extra trailing bytes are ignored).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        let range = self.queue.pop_front().ok_or(FgbError::BadIndex {
            reason: "bytes fed after the search finished",
        })?;
        let count = range.nodes.end - range.nodes.start;
        let need = count * NODE_LEN;
        if (bytes.len() as u64) < need {
            return Err(FgbError::Truncated {
                what: "index nodes",
                need,
                have: bytes.len() as u64,
            });
        }
        self.budget = self.budget.checked_sub(count).ok_or(FgbError::BadIndex {
            reason: "search visits more nodes than the index has",
        })?;
        let nodes: Vec<Node> = bytes
            .chunks_exact(40)
            .take(count as usize)
            .map(Node::read)
            .collect();
        let tested = if range.extra {
            nodes.len().saturating_sub(1)
        } else {
            nodes.len()
        };
        for (i, node) in nodes.iter().enumerate().take(tested) {
            // A NaN box meets nothing: its features would be lost silently.
            if node.bounds.iter().any(|v| v.is_nan()) {
                return Err(FgbError::BadIndex {
                    reason: "NaN in a node's box",
                });
            }
            if !node.meets(&self.bbox) {
                continue;
            }
            let at = range.nodes.start + i as u64;
            match range.level.checked_sub(1) {
                None => self.push_hit(at, node, nodes.get(i + 1))?,
                Some(child_level) => self.push_children(child_level, node.offset)?,
            }
        }
        Ok(())
    }

    fn push_hit(&mut self, at: u64, node: &Node, next: Option<&Node>) -> Result<()> {
        let bad = |reason| FgbError::BadIndex { reason };
        let leaves = self.levels.first().ok_or(bad("no leaf level"))?;
        let start = self
            .features_offset
            .checked_add(node.offset)
            .ok_or(bad("feature offset overflows"))?;
        let end = match next {
            Some(n) => Some(
                self.features_offset
                    .checked_add(n.offset)
                    .ok_or(bad("feature offset overflows"))?,
            ),
            None => None,
        };
        if end.is_some_and(|e| e <= start) {
            return Err(bad("feature offsets do not increase"));
        }
        self.hits.push(Hit {
            index: at.saturating_sub(leaves.start),
            range: ByteRange { start, end },
        });
        Ok(())
    }

    fn push_children(&mut self, level: usize, first: u64) -> Result<()> {
        let bounds = self.levels.get(level).ok_or(FgbError::BadIndex {
            reason: "no such level",
        })?;
        if !bounds.contains(&first) {
            return Err(FgbError::BadIndex {
                reason: "child offset outside its level",
            });
        }
        let owned_end = first.saturating_add(self.node_size).min(bounds.end);
        // Leaves: one more node tells where the last wanted feature ends.
        let extra = level == 0 && owned_end < bounds.end;
        let end = owned_end + u64::from(extra);
        if let Some(tail) = self.queue.back_mut() {
            let gap = first
                .saturating_sub(tail.nodes.end)
                .saturating_mul(NODE_LEN);
            if tail.level == level && first + 1 >= tail.nodes.end && gap <= self.merge_gap {
                if end >= tail.nodes.end {
                    tail.nodes.end = end;
                    tail.extra = extra;
                }
                return Ok(());
            }
        }
        self.queue.push_back(NodeRange {
            level,
            nodes: first..end,
            extra,
        });
        Ok(())
    }

    /// The hits and merged feature ranges, once [`Self::next_fetch`] says `None`.
    pub fn finish(mut self) -> Option<SearchResult> {
        if !self.queue.is_empty() {
            return None;
        }
        self.hits.sort_unstable_by_key(|h| (h.range.start, h.index));
        self.hits.dedup();
        let mut fetches: Vec<ByteRange> = Vec::new();
        for hit in &self.hits {
            if let Some(last) = fetches.last_mut() {
                let near = last
                    .end
                    .is_none_or(|e| hit.range.start <= e.saturating_add(self.merge_gap));
                if near {
                    last.end = last.end.zip(hit.range.end).map(|(a, b)| a.max(b));
                    continue;
                }
            }
            fetches.push(hit.range);
        }
        Some(SearchResult {
            hits: self.hits,
            fetches,
        })
    }
}

/// Searches a fully loaded index (`index` = the bytes from [`Header::header_end`] on).
pub fn search_index(
    header: &Header,
    index: &[u8],
    bbox: [f64; 4],
    merge_gap: u64,
) -> Result<SearchResult> {
    let mut search = IndexSearch::new(header, bbox, merge_gap)?;
    while let Some(r) = search.next_fetch() {
        let from = r.start.saturating_sub(header.header_end);
        let to = r.end.unwrap_or(from).saturating_sub(header.header_end);
        let slice = usize::try_from(from)
            .ok()
            .zip(usize::try_from(to).ok())
            .and_then(|(a, b)| index.get(a..b))
            .ok_or(FgbError::Truncated {
                what: "index",
                need: to,
                have: index.len() as u64,
            })?;
        search.feed(slice)?;
    }
    search.finish().ok_or(FgbError::BadIndex {
        reason: "search did not finish",
    })
}

struct Node {
    bounds: [f64; 4],
    offset: u64,
}

impl Node {
    /// Reads one 40-byte node (the caller passes exactly 40 bytes).
    fn read(b: &[u8]) -> Node {
        let mut words = b
            .chunks_exact(8)
            .map(|c| <[u8; 8]>::try_from(c).unwrap_or_default());
        let mut f = || f64::from_le_bytes(words.next().unwrap_or_default());
        let bounds = [f(), f(), f(), f()];
        Node {
            bounds,
            offset: u64::from_le_bytes(words.next().unwrap_or_default()),
        }
    }

    /// Boxes touching at an edge count as meeting, as in the reference reader.
    fn meets(&self, b: &[f64; 4]) -> bool {
        let ([x0, y0, x1, y1], [bx0, by0, bx1, by1]) = (self.bounds, *b);
        x1 >= bx0 && y1 >= by0 && x0 <= bx1 && y0 <= by1
    }
}
