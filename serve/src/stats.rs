//! Requests and body bytes served per path, for `GET /__stats`: browser
//! tests and benchmarks assert how much the widget downloaded.

use std::collections::BTreeMap;

/// Counters for one path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathStats {
    /// Requests answered (any status).
    pub requests: u64,
    /// Body bytes actually written (headers excluded; 0 for HEAD and 304).
    pub bytes: u64,
    /// Requests answered with 206.
    pub range_requests: u64,
    /// Requests per status code (0: connection closed without an answer,
    /// fault `reset`).
    pub status: BTreeMap<u16, u64>,
}

/// Counters for every path served since start or the last reset. Control
/// endpoints (`/__stats`, `/__fault`) are not counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Counters keyed by the raw request path (query removed, not decoded).
    pub paths: BTreeMap<String, PathStats>,
}

impl Stats {
    /// Records one answered request.
    pub fn record(&mut self, path: &str, status: u16, bytes: u64) {
        let p = self.paths.entry(path.to_owned()).or_default();
        p.requests += 1;
        p.bytes += bytes;
        if status == 206 {
            p.range_requests += 1;
        }
        *p.status.entry(status).or_default() += 1;
    }

    /// The counters as JSON, keys in a stable order:
    /// `{"requests":N,"bytes":N,"paths":{"/x":{"requests":N,"bytes":N,"range_requests":N,"status":{"200":N}}}}`.
    pub fn to_json(&self) -> String {
        let total_req: u64 = self.paths.values().map(|p| p.requests).sum();
        let total_bytes: u64 = self.paths.values().map(|p| p.bytes).sum();
        let paths: Vec<String> = self
            .paths
            .iter()
            .map(|(path, p)| {
                let status: Vec<String> = p
                    .status
                    .iter()
                    .map(|(s, n)| format!("\"{s}\":{n}"))
                    .collect();
                format!(
                    "{}:{{\"requests\":{},\"bytes\":{},\"range_requests\":{},\"status\":{{{}}}}}",
                    json_string(path),
                    p.requests,
                    p.bytes,
                    p.range_requests,
                    status.join(",")
                )
            })
            .collect();
        format!(
            "{{\"requests\":{total_req},\"bytes\":{total_bytes},\"paths\":{{{}}}}}",
            paths.join(",")
        )
    }
}

/// A JSON string literal.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json() {
        let mut s = Stats::default();
        s.record("/a.fgb", 206, 10);
        s.record("/a.fgb", 200, 100);
        s.record("/\"q\"", 404, 9);
        assert_eq!(
            s.to_json(),
            "{\"requests\":3,\"bytes\":119,\"paths\":{\
             \"/\\\"q\\\"\":{\"requests\":1,\"bytes\":9,\"range_requests\":0,\"status\":{\"404\":1}},\
             \"/a.fgb\":{\"requests\":2,\"bytes\":110,\"range_requests\":1,\"status\":{\"200\":1,\"206\":1}}}}"
        );
        assert_eq!(
            Stats::default().to_json(),
            "{\"requests\":0,\"bytes\":0,\"paths\":{}}"
        );
    }
}
