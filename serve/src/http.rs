//! HTTP/1.1 plumbing: reading a request head, writing a response head,
//! HTTP dates. Deliberately small: no chunked request bodies, no trailers.

use std::io::{self, BufRead, Read, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Longest accepted request line or header line, in bytes.
pub const MAX_LINE: usize = 8 * 1024;
/// Most header lines accepted in one request.
pub const MAX_HEADERS: usize = 100;
/// Largest request body accepted (control endpoints take none; bodies are discarded).
pub const MAX_BODY: u64 = 64 * 1024;

/// A parsed request head.
#[derive(Debug, Clone)]
pub struct Request {
    /// Method, as sent (methods are case-sensitive).
    pub method: String,
    /// Request target, as sent (origin form: path and optional query).
    pub target: String,
    /// True for HTTP/1.0 (keep-alive only on request).
    pub http10: bool,
    /// Header names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// First value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept open after this request.
    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |t: &str| conn.split(',').any(|p| p.trim() == t);
        if self.http10 {
            has("keep-alive")
        } else {
            !has("close")
        }
    }

    /// The path part of the target (before `?`) and the query (after it).
    pub fn path_and_query(&self) -> (&str, &str) {
        self.target
            .split_once('?')
            .unwrap_or((self.target.as_str(), ""))
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The request is malformed: answer this status and close.
    Bad(u16, &'static str),
    /// The connection failed or timed out: close silently.
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads one request head. `Ok(None)` means the client closed the
/// connection cleanly between requests.
pub fn read_request(reader: &mut impl BufRead) -> Result<Option<Request>, ReadError> {
    // RFC 9112 §2.2: ignore at least one empty line before the request line.
    let mut line = String::new();
    for _ in 0..4 {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let request_line = line.trim_end_matches(['\r', '\n']).to_owned();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "malformed request line"));
    };
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(ReadError::Bad(505, "only HTTP/1.0 and HTTP/1.1")),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReadError::Bad(400, "malformed method"));
    }
    let mut headers = Vec::new();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Err(ReadError::Bad(400, "incomplete request head"));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(ReadError::Bad(431, "too many header lines"));
        }
        let Some((name, value)) = l.split_once(':') else {
            return Err(ReadError::Bad(400, "malformed header line"));
        };
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(ReadError::Bad(400, "malformed header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    Ok(Some(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        http10,
        headers,
    }))
}

/// Reads one line of at most [`MAX_LINE`] bytes into `out`; returns bytes read.
fn read_line(reader: &mut impl BufRead, out: &mut String) -> Result<usize, ReadError> {
    let mut buf = Vec::new();
    let n = reader
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n > MAX_LINE || (n > 0 && buf.last() != Some(&b'\n')) {
        return Err(if n > MAX_LINE {
            ReadError::Bad(431, "line too long")
        } else {
            ReadError::Bad(400, "incomplete line")
        });
    }
    match String::from_utf8(buf) {
        Ok(s) => {
            out.push_str(&s);
            Ok(n)
        }
        Err(_) => Err(ReadError::Bad(400, "request head is not UTF-8")),
    }
}

/// Reads and discards a request body framed by `Content-Length`.
pub fn discard_body(reader: &mut impl BufRead, req: &Request) -> Result<(), ReadError> {
    if req.header("transfer-encoding").is_some() {
        return Err(ReadError::Bad(
            501,
            "chunked request bodies are not supported",
        ));
    }
    let Some(len) = req.header("content-length") else {
        return Ok(());
    };
    let len: u64 = len
        .parse()
        .map_err(|_| ReadError::Bad(400, "bad Content-Length"))?;
    if len > MAX_BODY {
        return Err(ReadError::Bad(413, "request body too large"));
    }
    let copied = io::copy(&mut reader.take(len), &mut io::sink())?;
    if copied != len {
        return Err(ReadError::Io(io::ErrorKind::UnexpectedEof.into()));
    }
    Ok(())
}

/// Reason phrase for the statuses this server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

/// Headers sent on every response: CORS for cross-origin embedding tests,
/// and no MIME sniffing.
pub const COMMON_HEADERS: &[(&str, &str)] = &[
    ("Server", "maillage-serve"),
    ("Access-Control-Allow-Origin", "*"),
    (
        "Access-Control-Expose-Headers",
        "Content-Range, Content-Length, ETag, Accept-Ranges, Last-Modified",
    ),
    ("X-Content-Type-Options", "nosniff"),
];

/// Writes a status line, the common headers, `headers`, `Date` and
/// `Connection`, then the blank line.
pub fn write_head(
    w: &mut impl Write,
    status: u16,
    headers: &[(&str, String)],
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (n, v) in COMMON_HEADERS {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!("Date: {}\r\n", http_date(SystemTime::now())));
    let conn = if keep_alive { "keep-alive" } else { "close" };
    head.push_str(&format!("Connection: {conn}\r\n\r\n"));
    w.write_all(head.as_bytes())
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the Unix epoch (0 for earlier times).
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

/// Formats an IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn http_date(t: SystemTime) -> String {
    let secs = unix_secs(t);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[((days + 4) % 7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// Parses an IMF-fixdate into seconds since the epoch (other formats: `None`).
pub fn parse_http_date(s: &str) -> Option<u64> {
    let mut it = s.trim().split(' ');
    let (_wday, d, mon, y, hms, gmt) = (
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    );
    if gmt != "GMT" || it.next().is_some() {
        return None;
    }
    let d: i64 = d.parse().ok()?;
    let m = MONTHS.iter().position(|x| *x == mon)? as i64 + 1;
    let y: i64 = y.parse().ok()?;
    let mut t = hms.split(':').map(|x| x.parse::<i64>().ok());
    let (h, mi, se) = (t.next()??, t.next()??, t.next()??);
    if !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 || y < 1970 {
        return None;
    }
    let secs = days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + se;
    u64::try_from(secs).ok()
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31). H. Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn dates_round_trip() {
        let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        let leap = UNIX_EPOCH + Duration::from_secs(1_709_164_800); // 2024-02-29
        assert_eq!(http_date(leap), "Thu, 29 Feb 2024 00:00:00 GMT");
        assert_eq!(parse_http_date(&http_date(leap)), Some(1_709_164_800));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    }

    #[test]
    fn request_head() {
        let raw = "\r\nGET /a?b=1 HTTP/1.1\r\nHost: x\r\nRange:  bytes=0-1 \r\n\r\nrest";
        let mut c = Cursor::new(raw.as_bytes());
        let r = read_request(&mut c).ok().flatten().expect("request");
        assert_eq!(r.method, "GET");
        assert_eq!(r.path_and_query(), ("/a", "b=1"));
        assert_eq!(r.header("range"), Some("bytes=0-1"));
        assert!(r.keep_alive());
        let mut c = Cursor::new(&b"GET / HTTP/2\r\n\r\n"[..]);
        assert!(matches!(read_request(&mut c), Err(ReadError::Bad(505, _))));
        let mut c = Cursor::new(&b""[..]);
        assert!(matches!(read_request(&mut c), Ok(None)));
    }
}
