//! The `Range` request header (RFC 9110 §14), single byte ranges only.
//!
//! Anything this server does not handle is answered as if there were no
//! `Range` header (a 200 with the whole file), which RFC 9110 allows: a
//! syntactically invalid header, another unit than `bytes`, and
//! multi-range requests (`bytes=0-9,20-29`). Clients must check for 206.

/// What to send for a `Range` header against a file of a given length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOutcome {
    /// Send the whole file with 200.
    Full,
    /// Send bytes `start..=end` with 206 and `Content-Range`.
    Partial {
        /// First byte (inclusive).
        start: u64,
        /// Last byte (inclusive).
        end: u64,
    },
    /// Send 416 with `Content-Range: bytes */len`.
    Unsatisfiable,
}

/// Decides the response to `Range: header` for a file of `len` bytes.
///
/// ```
/// use maillage_serve::range::{parse_range, RangeOutcome};
/// assert_eq!(parse_range("bytes=10-19", 100), RangeOutcome::Partial { start: 10, end: 19 });
/// assert_eq!(parse_range("bytes=-5", 100), RangeOutcome::Partial { start: 95, end: 99 });
/// assert_eq!(parse_range("bytes=100-", 100), RangeOutcome::Unsatisfiable);
/// assert_eq!(parse_range("bytes=0-1,5-6", 100), RangeOutcome::Full);
/// ```
pub fn parse_range(header: &str, len: u64) -> RangeOutcome {
    let header = header.trim();
    let Some((unit, spec)) = header.split_once('=') else {
        return RangeOutcome::Full;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") {
        return RangeOutcome::Full;
    }
    let spec = spec.trim();
    if spec.contains(',') {
        return RangeOutcome::Full;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeOutcome::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    match (number(first), number(last)) {
        // bytes=-n: the last n bytes.
        (None, Some(n)) if first.is_empty() => {
            if n == 0 || len == 0 {
                RangeOutcome::Unsatisfiable
            } else {
                RangeOutcome::Partial {
                    start: len - n.min(len),
                    end: len - 1,
                }
            }
        }
        // bytes=a-
        (Some(a), None) if last.is_empty() => {
            if a >= len {
                RangeOutcome::Unsatisfiable
            } else {
                RangeOutcome::Partial {
                    start: a,
                    end: len - 1,
                }
            }
        }
        // bytes=a-b
        (Some(a), Some(b)) if a <= b => {
            if a >= len {
                RangeOutcome::Unsatisfiable
            } else {
                RangeOutcome::Partial {
                    start: a,
                    end: b.min(len - 1),
                }
            }
        }
        _ => RangeOutcome::Full,
    }
}

/// A non-empty run of ASCII digits, saturating at `u64::MAX`.
fn number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0u64, |acc, b| {
        acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let p = |s, e| RangeOutcome::Partial { start: s, end: e };
        assert_eq!(parse_range("bytes=0-0", 10), p(0, 0));
        assert_eq!(parse_range("bytes=0-9", 10), p(0, 9));
        assert_eq!(parse_range("bytes=5-100", 10), p(5, 9));
        assert_eq!(parse_range("bytes=9-", 10), p(9, 9));
        assert_eq!(parse_range("bytes=-3", 10), p(7, 9));
        assert_eq!(parse_range("bytes=-30", 10), p(0, 9));
        assert_eq!(parse_range(" Bytes = 2 - 3 ", 10), p(2, 3));
        assert_eq!(parse_range("bytes=0-99999999999999999999999", 10), p(0, 9));
    }

    #[test]
    fn unsatisfiable() {
        assert_eq!(parse_range("bytes=10-", 10), RangeOutcome::Unsatisfiable);
        assert_eq!(parse_range("bytes=10-20", 10), RangeOutcome::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 10), RangeOutcome::Unsatisfiable);
        assert_eq!(parse_range("bytes=-5", 0), RangeOutcome::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-", 0), RangeOutcome::Unsatisfiable);
    }

    #[test]
    fn ignored() {
        for h in [
            "bytes=5-2",
            "bytes=a-b",
            "bytes=-",
            "bytes=1",
            "items=0-5",
            "bytes=0-1,3-4",
            "bytes=+1-2",
            "",
        ] {
            assert_eq!(parse_range(h, 10), RangeOutcome::Full, "{h}");
        }
    }
}
