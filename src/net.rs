//! What a byte-range answer must look like, without the browser: the range
//! client on `fetch` (`web::fetch`) asks these functions what to make of a
//! status, its headers and its body.
//!
//! A server that ignores `Range` answers 200 with the whole file. A small
//! file is still usable (its slice is taken); a large one is refused, because
//! every later request would download the whole layer again: the error names
//! the server problem so that whoever hosts the layers can fix it.

pub use crate::fgb::ByteRange;
use std::fmt;

/// Largest whole-file answer (200 instead of 206) still accepted for a range
/// request: 256 KiB. Below it, downloading the file once costs about as much
/// as a few range requests (a header, an index page and a handful of
/// features); above it, a server without ranges would make the widget
/// download megabytes per view (the national layers are 0.1 to 35 MB), so it
/// is reported as a hosting problem instead of silently degrading.
pub const WHOLE_BODY_LIMIT: u64 = 256 * 1024;

/// How the server answered a range request, judged from the status line and
/// headers before the body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 206: the body is the range (or its part before the end of the file).
    Partial {
        /// First byte of the body in the file, from `Content-Range` when the
        /// server exposes it (cross-origin it needs `Access-Control-Expose-Headers`).
        start: Option<u64>,
    },
    /// 200 with a body small enough to take whole and slice.
    Whole,
}

/// Why a fetch failed. The messages are French, as the widget's status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The caller asked for no byte at all.
    EmptyRange {
        /// Requested first byte.
        start: u64,
        /// Requested end (exclusive).
        end: u64,
    },
    /// The server ignores `Range` and the whole file is too large to take.
    ServerIgnoresRange {
        /// Size of the whole body when known (`Content-Length` or bytes read).
        bytes: Option<u64>,
    },
    /// 416: the range starts past the end of the file.
    Unsatisfiable,
    /// Any other HTTP status.
    Status(u16),
    /// A 206 whose `Content-Range` or length does not match the request.
    WrongRange {
        /// What the server sent (`Content-Range` or a description).
        got: String,
    },
    /// The network failed (DNS, connection, CORS refusal...).
    Network(String),
    /// No answer (status and headers) within [`ANSWER_TIMEOUT_MS`].
    Timeout,
    /// Cancelled through the widget's `AbortController`: not an error to show.
    Aborted,
}

impl FetchError {
    /// A stable, machine-readable name (the `kind` of a `maillage:error` event).
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::EmptyRange { .. } => "bad-range",
            FetchError::ServerIgnoresRange { .. } => "server-ignores-range",
            FetchError::Unsatisfiable => "range-not-satisfiable",
            FetchError::Status(_) => "http-status",
            FetchError::WrongRange { .. } => "wrong-range",
            FetchError::Network(_) => "network",
            FetchError::Timeout => "timeout",
            FetchError::Aborted => "aborted",
        }
    }
}

/// In French; the widget writes it in its language with
/// [`crate::i18n::fetch_error`].
impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::fetch_error(
            self,
            crate::style::legend::Lang::Fr,
        ))
    }
}

impl std::error::Error for FetchError {}

/// How long a request waits for the server's answer (status and headers)
/// before it counts as failed. The body may take longer: a slow network
/// still draws what arrives.
pub const ANSWER_TIMEOUT_MS: u32 = 20_000;

/// Waits before the tries that follow a failure that may pass: 0.5, 2 and
/// 5 seconds, so a server restarting or a train entering a tunnel costs a
/// few seconds, and a server that is down is said after about 8 seconds
/// (then the reader has a retry button).
pub const RETRY_DELAYS_MS: [u32; 3] = [500, 2_000, 5_000];

impl FetchError {
    /// Whether the same request may succeed later: a network failure, a
    /// timeout, 408, 429 and 5xx answers. A 404 or a refused answer will not
    /// change by asking again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Network(_)
                | FetchError::Timeout
                | FetchError::Status(408 | 429 | 500..=599)
        )
    }
}

/// The wait before trying again a request that failed with `error` after
/// `retries` retries; `None` when it fails for good.
///
/// ```
/// use maillage::net::{retry_delay, FetchError};
/// assert_eq!(retry_delay(&FetchError::Status(503), 0), Some(500));
/// assert_eq!(retry_delay(&FetchError::Status(503), 3), None);
/// assert_eq!(retry_delay(&FetchError::Status(404), 0), None);
/// ```
pub fn retry_delay(error: &FetchError, retries: usize) -> Option<u32> {
    if error.is_transient() {
        RETRY_DELAYS_MS.get(retries).copied()
    } else {
        None
    }
}

/// Refuses a range with no byte before anything is sent.
pub fn check_request(range: ByteRange) -> Result<ByteRange, FetchError> {
    match range.end {
        Some(end) if end <= range.start => Err(FetchError::EmptyRange {
            start: range.start,
            end,
        }),
        _ => Ok(range),
    }
}

/// Judges the status and headers of the answer to `range`.
/// `content_length` is the body size announced by the server, if any.
pub fn check_answer(
    range: ByteRange,
    status: u16,
    content_range: Option<&str>,
    content_length: Option<u64>,
) -> Result<Answer, FetchError> {
    match status {
        206 => {
            let start = match content_range {
                None => None,
                Some(h) => {
                    let (first, last) =
                        parse_content_range(h).ok_or_else(|| FetchError::WrongRange {
                            got: format!("Content-Range: {h}"),
                        })?;
                    if first != range.start || range.end.is_some_and(|e| last >= e) {
                        return Err(FetchError::WrongRange {
                            got: format!("Content-Range: {h}, Range: {}", range.http_header()),
                        });
                    }
                    Some(first)
                }
            };
            Ok(Answer::Partial { start })
        }
        200 => match content_length {
            Some(n) if n > WHOLE_BODY_LIMIT => {
                Err(FetchError::ServerIgnoresRange { bytes: Some(n) })
            }
            _ => Ok(Answer::Whole),
        },
        416 => Err(FetchError::Unsatisfiable),
        s => Err(FetchError::Status(s)),
    }
}

/// The requested bytes out of the body of an answer that `check_answer`
/// accepted. A partial body may be shorter than asked only at the end of the
/// file; it is never longer.
pub fn take_bytes(range: ByteRange, answer: Answer, body: Vec<u8>) -> Result<Vec<u8>, FetchError> {
    let got = body.len() as u64;
    match answer {
        Answer::Partial { .. } => {
            if got == 0 || range.len().is_some_and(|n| got > n) {
                return Err(FetchError::WrongRange {
                    got: format!("{got} octets pour {}", range.http_header()),
                });
            }
            Ok(body)
        }
        Answer::Whole => {
            if got > WHOLE_BODY_LIMIT {
                return Err(FetchError::ServerIgnoresRange { bytes: Some(got) });
            }
            if range.start >= got {
                return Err(FetchError::Unsatisfiable);
            }
            let from = usize::try_from(range.start).map_err(|_| FetchError::Unsatisfiable)?;
            let to = usize::try_from(range.end.map_or(got, |e| e.min(got)))
                .map_err(|_| FetchError::Unsatisfiable)?;
            Ok(body.get(from..to).map(<[u8]>::to_vec).unwrap_or_default())
        }
    }
}

/// Parses `bytes FIRST-LAST/TOTAL` (TOTAL may be `*`) into `(FIRST, LAST)`.
pub fn parse_content_range(value: &str) -> Option<(u64, u64)> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (span, _total) = rest.split_once('/')?;
    let (first, last) = span.split_once('-')?;
    let first: u64 = first.trim().parse().ok()?;
    let last: u64 = last.trim().parse().ok()?;
    (first <= last).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first12() -> ByteRange {
        ByteRange {
            start: 0,
            end: Some(12),
        }
    }

    #[test]
    fn range_header_and_length() {
        let r = ByteRange {
            start: 100,
            end: Some(200),
        };
        assert_eq!(r.http_header(), "bytes=100-199");
        assert_eq!(r.len(), Some(100));
        assert_eq!(
            check_request(ByteRange {
                start: 5,
                end: Some(5)
            }),
            Err(FetchError::EmptyRange { start: 5, end: 5 })
        );
        assert_eq!(check_request(r), Ok(r));
    }

    #[test]
    fn parses_content_range() {
        assert_eq!(parse_content_range("bytes 0-11/602464"), Some((0, 11)));
        assert_eq!(parse_content_range("bytes 10-19/*"), Some((10, 19)));
        assert_eq!(parse_content_range("bytes */602464"), None);
        assert_eq!(parse_content_range("bytes 9-3/10"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }

    #[test]
    fn accepts_a_matching_206() {
        let a = check_answer(first12(), 206, Some("bytes 0-11/602464"), Some(12));
        assert_eq!(a, Ok(Answer::Partial { start: Some(0) }));
        let body = take_bytes(first12(), Answer::Partial { start: Some(0) }, vec![7; 12]);
        assert_eq!(body.map(|b| b.len()), Ok(12));
        // Content-Range hidden (cross-origin without Expose-Headers): length checked.
        let a = check_answer(first12(), 206, None, None);
        assert_eq!(a, Ok(Answer::Partial { start: None }));
        // A file shorter than the range: fewer bytes are fine.
        assert_eq!(
            take_bytes(first12(), Answer::Partial { start: None }, vec![1; 5]).map(|b| b.len()),
            Ok(5)
        );
    }

    #[test]
    fn refuses_a_wrong_206() {
        let shifted = check_answer(first12(), 206, Some("bytes 4-15/100"), Some(12));
        assert_eq!(shifted.map_err(|e| e.kind()), Err("wrong-range"));
        let longer = take_bytes(first12(), Answer::Partial { start: None }, vec![0; 13]);
        assert_eq!(longer.map_err(|e| e.kind()), Err("wrong-range"));
    }

    #[test]
    fn takes_the_slice_of_a_small_whole_file() {
        let r = ByteRange {
            start: 2,
            end: Some(5),
        };
        assert_eq!(check_answer(r, 200, None, Some(10)), Ok(Answer::Whole));
        let body: Vec<u8> = (0..10).collect();
        assert_eq!(take_bytes(r, Answer::Whole, body), Ok(vec![2, 3, 4]));
        // Range past the end of a small file.
        let past = ByteRange {
            start: 20,
            end: Some(31),
        };
        assert_eq!(
            take_bytes(past, Answer::Whole, vec![0; 10]),
            Err(FetchError::Unsatisfiable)
        );
    }

    #[test]
    fn refuses_a_large_whole_file_and_names_the_problem() {
        let limit = WHOLE_BODY_LIMIT;
        assert_eq!(limit, 256 * 1024);
        assert_eq!(
            check_answer(first12(), 200, None, Some(limit)),
            Ok(Answer::Whole)
        );
        let e = check_answer(first12(), 200, None, Some(602_464)).expect_err("too large");
        assert_eq!(e.kind(), "server-ignores-range");
        let text = e.to_string();
        assert!(
            text.contains("Range") && text.contains("602464 octets"),
            "{text}"
        );
        // No Content-Length: judged once the body is read.
        let big = vec![0; limit as usize + 1];
        let e = take_bytes(first12(), Answer::Whole, big).expect_err("too large");
        assert_eq!(
            e,
            FetchError::ServerIgnoresRange {
                bytes: Some(limit + 1)
            }
        );
    }

    #[test]
    fn other_statuses() {
        assert_eq!(
            check_answer(first12(), 416, None, None),
            Err(FetchError::Unsatisfiable)
        );
        assert_eq!(
            check_answer(first12(), 404, None, None),
            Err(FetchError::Status(404))
        );
        assert_eq!(
            FetchError::Status(404).to_string(),
            "le serveur a répondu 404"
        );
    }

    #[test]
    fn transient_failures_are_tried_again_three_times() {
        let transient = [
            FetchError::Network("reset".into()),
            FetchError::Timeout,
            FetchError::Status(500),
            FetchError::Status(503),
            FetchError::Status(408),
            FetchError::Status(429),
        ];
        for e in &transient {
            let waits: Vec<u32> = (0..5).map_while(|n| retry_delay(e, n)).collect();
            assert_eq!(waits, [500, 2_000, 5_000], "{e}");
        }
        let final_ = [
            FetchError::Status(404),
            FetchError::Status(403),
            FetchError::Unsatisfiable,
            FetchError::ServerIgnoresRange { bytes: None },
            FetchError::WrongRange { got: "x".into() },
            FetchError::Aborted,
        ];
        for e in &final_ {
            assert_eq!(retry_delay(e, 0), None, "{e}");
        }
        assert_eq!(
            FetchError::Timeout.to_string(),
            "le serveur n'a pas répondu en 20 secondes"
        );
    }
}
