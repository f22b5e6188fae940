//! URL path → file under the root, safely; and what to say about a file
//! (content type, cache policy, validators).

use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Where a URL path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file inside the root (canonical path).
    File(PathBuf),
    /// A directory asked without its trailing slash: redirect to this path.
    Redirect(String),
    /// Refused: 400 (malformed or traversal) or 404 (absent, hidden, outside).
    Error(u16, &'static str),
}

/// Percent-decodes a URL path. `None` for a bad escape or non-UTF-8 result.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Resolves a raw URL path (before percent-decoding) against `root`, which
/// must be canonical.
///
/// Decoding comes first, then splitting on `/`, so `%2e%2e` and `..%2f` are
/// seen as `..`. Any `..` segment is refused (400), as are NUL and
/// backslashes. Segments starting with `.` (dotfiles) are not served (404).
/// The final path is canonicalised and must stay under `root`, so a symlink
/// pointing outside the root gives 404. A directory serves its `index.html`.
pub fn resolve(root: &Path, raw_path: &str) -> Resolved {
    if !raw_path.starts_with('/') {
        return Resolved::Error(400, "path must start with /");
    }
    let Some(path) = percent_decode(raw_path) else {
        return Resolved::Error(400, "bad percent-encoding");
    };
    if path.contains('\0') || path.contains('\\') {
        return Resolved::Error(400, "bad character in path");
    }
    let mut full = root.to_path_buf();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Resolved::Error(400, "'..' is not allowed in paths"),
            s if s.starts_with('.') => return Resolved::Error(404, "not found"),
            s => full.push(s),
        }
    }
    let Ok(canon) = full.canonicalize() else {
        return Resolved::Error(404, "not found");
    };
    if !canon.starts_with(root) {
        return Resolved::Error(404, "not found");
    }
    if canon.is_dir() {
        if !raw_path.ends_with('/') {
            return Resolved::Redirect(format!("{raw_path}/"));
        }
        return match canon.join("index.html").canonicalize() {
            Ok(index) if index.starts_with(root) && index.is_file() => Resolved::File(index),
            _ => Resolved::Error(404, "not found"),
        };
    }
    if canon.is_file() {
        Resolved::File(canon)
    } else {
        Resolved::Error(404, "not found")
    }
}

/// Content type by extension (`application/octet-stream` when unknown).
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "geojson" => "application/geo+json",
        "wasm" => "application/wasm",
        "fgb" => "application/octet-stream",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `Cache-Control` for a file. Names carrying a content hash
/// (`app.3f2a9c1b.js`: a `.`/`-`/`_`-separated part of at least 8 hex
/// digits, one of them a letter) never change: cache them for a year.
/// Everything else (HTML, the manifest, layers rebuilt in place) must be
/// revalidated, which the ETag makes cheap (304).
pub fn cache_control(path: &Path) -> &'static str {
    if is_content_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn is_content_hashed(path: &Path) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem.split(['.', '-', '_']).skip(1).any(|p| {
        p.len() >= 8
            && p.bytes().all(|b| b.is_ascii_hexdigit())
            && p.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

/// A strong ETag from size and modification time: it changes whenever a
/// rebuild rewrites the file.
pub fn etag(meta: &Metadata) -> String {
    let nanos = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("\"{:x}-{:x}\"", meta.len(), nanos)
}

/// Whether an `If-None-Match` value matches `etag` (weak comparison).
pub fn none_match(header: &str, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    header.trim() == "*" || header.split(',').any(|t| strip(t) == strip(etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/%2e%2E").as_deref(), Some("/.."));
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn hashed_names() {
        assert!(is_content_hashed(Path::new("app.3f2a9c1b.js")));
        assert!(is_content_hashed(Path::new("epci-z0-0123abcd4567.fgb")));
        assert!(!is_content_hashed(Path::new("maillage_bg.wasm")));
        assert!(!is_content_hashed(Path::new("sites-20240101.fgb")));
        assert!(!is_content_hashed(Path::new("deadbeef0.js")));
        assert_eq!(cache_control(Path::new("index.html")), "no-cache");
    }

    #[test]
    fn etags() {
        assert!(none_match("\"a\", W/\"b\"", "\"b\""));
        assert!(none_match("*", "\"b\""));
        assert!(!none_match("\"a\"", "\"b\""));
    }
}
