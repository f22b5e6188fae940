//! The few flatbuffers operations FlatGeobuf needs, each checked against the
//! buffer: the generated code of the `flatbuffers` crate trusts its input
//! after verification and pulls in far more than a table walk.

use std::cell::Cell;

use super::error::{FgbError, Result};

/// Bytes a decode may still read out of its buffer through vectors: twice
/// the buffer. Offsets may point at the same bytes again and again (a
/// writer may share a string, but rarely more), so without a bound a few
/// kilobytes of offsets to one long vector would be copied thousands of
/// times: megabytes of allocation from a small hostile file.
pub(crate) struct Budget(Cell<usize>);

impl Budget {
    /// The budget for decoding `buf` once.
    pub(crate) fn of(buf: &[u8]) -> Budget {
        Budget(Cell::new(buf.len().saturating_mul(2)))
    }

    fn spend(&self, bytes: usize, what: &'static str) -> Result<()> {
        let left = self
            .0
            .get()
            .checked_sub(bytes)
            .ok_or(FgbError::SharedBytes { what })?;
        self.0.set(left);
        Ok(())
    }
}

/// Reads `N` bytes at `pos`, or names `what` pointed outside the buffer.
pub(crate) fn read<const N: usize>(buf: &[u8], pos: usize, what: &'static str) -> Result<[u8; N]> {
    pos.checked_add(N)
        .and_then(|end| buf.get(pos..end))
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .ok_or(FgbError::BadOffset {
            what,
            at: pos as u64,
        })
}

fn u32_at(buf: &[u8], pos: usize, what: &'static str) -> Result<u32> {
    read::<4>(buf, pos, what).map(u32::from_le_bytes)
}

/// Follows the forward offset stored at `pos` to a position inside the buffer.
fn follow(buf: &[u8], pos: usize, what: &'static str) -> Result<usize> {
    let rel = u32_at(buf, pos, what)? as usize;
    pos.checked_add(rel)
        .filter(|&t| t < buf.len())
        .ok_or(FgbError::BadOffset {
            what,
            at: pos as u64,
        })
}

/// A table whose vtable has been found inside the buffer.
#[derive(Clone, Copy)]
pub(crate) struct Table<'a> {
    buf: &'a [u8],
    pos: usize,
    vtable: usize,
    vt_len: usize,
    /// Shared by every table of one decode.
    budget: &'a Budget,
}

impl<'a> Table<'a> {
    /// The root table of a buffer (the buffer starts at its root offset,
    /// after any size prefix); its vectors draw on `budget`.
    pub(crate) fn root(buf: &'a [u8], budget: &'a Budget) -> Result<Self> {
        Self::at(buf, follow(buf, 0, "root table offset")?, budget)
    }

    fn at(buf: &'a [u8], pos: usize, budget: &'a Budget) -> Result<Self> {
        let bad = |at: usize| FgbError::BadOffset {
            what: "vtable",
            at: at as u64,
        };
        let soffset = i32::from_le_bytes(read::<4>(buf, pos, "table")?);
        let vtable = i64::try_from(pos)
            .ok()
            .and_then(|p| p.checked_sub(i64::from(soffset)))
            .and_then(|v| usize::try_from(v).ok())
            .ok_or(bad(pos))?;
        let vt_len = usize::from(u16::from_le_bytes(read::<2>(buf, vtable, "vtable")?));
        if vt_len < 4 || vt_len % 2 != 0 || vtable.saturating_add(vt_len) > buf.len() {
            return Err(bad(vtable));
        }
        Ok(Self {
            buf,
            pos,
            vtable,
            vt_len,
            budget,
        })
    }

    /// Absolute position of the field at vtable offset `vt`, `None` when absent (default value).
    fn field(&self, vt: usize) -> Result<Option<usize>> {
        if vt.saturating_add(2) > self.vt_len {
            return Ok(None);
        }
        let rel = u16::from_le_bytes(read::<2>(self.buf, self.vtable + vt, "vtable entry")?);
        Ok((rel != 0).then(|| self.pos.saturating_add(usize::from(rel))))
    }

    /// A scalar field's raw bytes, `None` when absent.
    pub(crate) fn scalar<const N: usize>(&self, vt: usize) -> Result<Option<[u8; N]>> {
        self.field(vt)?
            .map(|p| read::<N>(self.buf, p, "scalar field"))
            .transpose()
    }

    /// Position and byte length of a vector of `elem`-byte elements,
    /// checked against the buffer and paid for from the budget.
    fn vector_at(
        &self,
        vt: usize,
        elem: usize,
        what: &'static str,
    ) -> Result<Option<(usize, usize)>> {
        let Some(p) = self.field(vt)? else {
            return Ok(None);
        };
        let start = follow(self.buf, p, what)?;
        let count = u32_at(self.buf, start, what)? as usize;
        let body = start.saturating_add(4);
        let len = count
            .checked_mul(elem)
            .filter(|&len| {
                body.checked_add(len)
                    .is_some_and(|end| end <= self.buf.len())
            })
            .ok_or(FgbError::BadOffset {
                what,
                at: start as u64,
            })?;
        self.budget.spend(len, what)?;
        Ok(Some((body, len)))
    }

    /// The bytes of a vector of `elem`-byte elements.
    pub(crate) fn vector(
        &self,
        vt: usize,
        elem: usize,
        what: &'static str,
    ) -> Result<Option<&'a [u8]>> {
        Ok(self
            .vector_at(vt, elem, what)?
            .and_then(|(body, len)| self.buf.get(body..body + len)))
    }

    /// A string field, lossily decoded (see the module docs).
    pub(crate) fn string(&self, vt: usize, what: &'static str) -> Result<Option<String>> {
        Ok(self
            .vector(vt, 1, what)?
            .map(|b| String::from_utf8_lossy(b).into_owned()))
    }

    /// A sub-table field.
    pub(crate) fn table(&self, vt: usize, what: &'static str) -> Result<Option<Table<'a>>> {
        self.field(vt)?
            .map(|p| Self::at(self.buf, follow(self.buf, p, what)?, self.budget))
            .transpose()
    }

    /// A vector of tables, found one by one as they are read: its length
    /// can be checked before anything is decoded.
    pub(crate) fn tables(
        &self,
        vt: usize,
        what: &'static str,
    ) -> Result<Option<impl ExactSizeIterator<Item = Result<Table<'a>>> + 'a>> {
        let Some((body, len)) = self.vector_at(vt, 4, what)? else {
            return Ok(None);
        };
        let (buf, budget) = (self.buf, self.budget);
        // Element offsets are relative to each element's own position.
        Ok(Some((body..body + len).step_by(4).map(move |p| {
            Self::at(buf, follow(buf, p, what)?, budget)
        })))
    }
}
