//! End-to-end checks of maillage-serve with plain std TcpStream clients on
//! 127.0.0.1. Every read has a timeout and every loop a bound.

use maillage_serve::{Config, Server, ServerHandle};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// A temporary web root, removed on drop.
struct Root(PathBuf);

impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 1000 bytes of a known pattern (all values distinct from their neighbours).
fn pattern() -> Vec<u8> {
    (0..1000u32).map(|i| (i * 7 % 251) as u8).collect()
}

fn fixture() -> Root {
    static N: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir().join(format!(
        "maillage-serve-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let www = base.join("www");
    std::fs::create_dir_all(www.join("layers")).expect("mkdir");
    std::fs::create_dir_all(www.join("sub")).expect("mkdir");
    std::fs::write(www.join("index.html"), "<!doctype html><title>t</title>").expect("write");
    std::fs::write(www.join("layers/data.fgb"), pattern()).expect("write");
    std::fs::write(www.join("app.wasm"), b"\0asm").expect("write");
    std::fs::write(www.join("sub/index.html"), "sub").expect("write");
    std::fs::write(www.join(".hidden"), "hidden").expect("write");
    std::fs::write(base.join("secret.txt"), "TOP-SECRET").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(base.join("secret.txt"), www.join("escape.txt")).expect("symlink");
    Root(base)
}

fn start(root: &Root) -> ServerHandle {
    Server::bind(Config::new(root.0.join("www")))
        .expect("bind")
        .spawn()
        .expect("spawn")
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(addr: SocketAddr) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    s.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    s.set_write_timeout(Some(TIMEOUT)).expect("timeout");
    let r = BufReader::new(s.try_clone().expect("clone"));
    (s, r)
}

/// Reads one response; `head` means no body follows whatever the headers say.
fn read_resp(r: &mut BufReader<TcpStream>, head: bool) -> Resp {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    for _ in 0..100 {
        line.clear();
        r.read_line(&mut line).expect("header");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (n, v) = l.split_once(':').expect("header colon");
        headers.push((n.to_owned(), v.trim().to_owned()));
    }
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
    };
    if !head && status != 304 && status != 204 {
        let len: usize = resp
            .header("content-length")
            .expect("content-length")
            .parse()
            .expect("number");
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body).expect("body");
    }
    resp
}

/// Sends a request with the given extra header lines on a fresh connection.
fn request(addr: SocketAddr, method: &str, target: &str, extra: &str) -> Resp {
    let (mut s, mut r) = connect(addr);
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n"
    )
    .expect("send");
    read_resp(&mut r, method == "HEAD")
}

fn get(addr: SocketAddr, target: &str, extra: &str) -> Resp {
    request(addr, "GET", target, extra)
}

#[test]
fn whole_file_and_headers() {
    let root = fixture();
    let srv = start(&root);
    let r = get(srv.addr(), "/layers/data.fgb", "");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, pattern());
    assert_eq!(r.header("content-length"), Some("1000"));
    assert_eq!(r.header("accept-ranges"), Some("bytes"));
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let expose = r.header("access-control-expose-headers").expect("expose");
    for h in ["Content-Range", "Content-Length", "ETag", "Accept-Ranges"] {
        assert!(expose.contains(h), "{expose}");
    }
    assert!(r.header("etag").expect("etag").starts_with('"'));
    assert!(r.header("last-modified").expect("lm").ends_with(" GMT"));
    let w = get(srv.addr(), "/app.wasm", "");
    assert_eq!(w.header("content-type"), Some("application/wasm"));
    assert_eq!(w.body, b"\0asm");
    let h = get(srv.addr(), "/", "");
    assert_eq!(h.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(h.text(), "<!doctype html><title>t</title>");
}

#[test]
fn byte_ranges() {
    let root = fixture();
    let srv = start(&root);
    let data = pattern();
    let cases = [
        ("bytes=10-19", 10, 19),
        ("bytes=0-0", 0, 0),
        ("bytes=990-", 990, 999),
        ("bytes=-5", 995, 999),
        ("bytes=995-5000", 995, 999),
        ("bytes=-5000", 0, 999),
    ];
    for (range, a, b) in cases {
        let r = get(
            srv.addr(),
            "/layers/data.fgb",
            &format!("Range: {range}\r\n"),
        );
        assert_eq!(r.status, 206, "{range}");
        assert_eq!(
            r.header("content-range"),
            Some(format!("bytes {a}-{b}/1000").as_str()),
            "{range}"
        );
        assert_eq!(r.body, &data[a..=b], "{range}");
        assert_eq!(
            r.header("content-length"),
            Some((b - a + 1).to_string().as_str())
        );
    }
    for range in ["bytes=1000-", "bytes=5000-6000", "bytes=-0"] {
        let r = get(
            srv.addr(),
            "/layers/data.fgb",
            &format!("Range: {range}\r\n"),
        );
        assert_eq!(r.status, 416, "{range}");
        assert_eq!(r.header("content-range"), Some("bytes */1000"));
    }
    // Multi-range and malformed ranges: whole file with 200 (documented).
    for range in ["bytes=0-1,5-6", "bytes=9-3", "lines=1-2"] {
        let r = get(
            srv.addr(),
            "/layers/data.fgb",
            &format!("Range: {range}\r\n"),
        );
        assert_eq!(r.status, 200, "{range}");
        assert_eq!(r.body.len(), 1000);
    }
    // If-Range with a stale validator: whole file.
    let r = get(
        srv.addr(),
        "/layers/data.fgb",
        "Range: bytes=0-9\r\nIf-Range: \"stale\"\r\n",
    );
    assert_eq!(r.status, 200);
    let etag = r.header("etag").expect("etag").to_owned();
    let r = get(
        srv.addr(),
        "/layers/data.fgb",
        &format!("Range: bytes=0-9\r\nIf-Range: {etag}\r\n"),
    );
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &data[..10]);
}

#[test]
fn head_and_keep_alive() {
    let root = fixture();
    let srv = start(&root);
    let (mut s, mut r) = connect(srv.addr());
    let req = |m: &str, extra: &str| {
        format!("{m} /layers/data.fgb HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n")
    };
    s.write_all(req("HEAD", "").as_bytes()).expect("send");
    let h = read_resp(&mut r, true);
    assert_eq!(h.status, 200);
    assert_eq!(h.header("content-length"), Some("1000"));
    assert_eq!(h.header("connection"), Some("keep-alive"));
    // Same connection: the next response must start right after the HEAD head.
    s.write_all(req("HEAD", "Range: bytes=0-9\r\n").as_bytes())
        .expect("send");
    let h = read_resp(&mut r, true);
    assert_eq!(h.status, 206);
    assert_eq!(h.header("content-length"), Some("10"));
    // Two pipelined requests.
    let two = req("GET", "Range: bytes=1-2\r\n") + &req("GET", "Range: bytes=3-4\r\n");
    s.write_all(two.as_bytes()).expect("send");
    assert_eq!(read_resp(&mut r, false).body, &pattern()[1..=2]);
    assert_eq!(read_resp(&mut r, false).body, &pattern()[3..=4]);
    s.write_all(req("GET", "Connection: close\r\n").as_bytes())
        .expect("send");
    let last = read_resp(&mut r, false);
    assert_eq!(last.header("connection"), Some("close"));
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).expect("eof");
    assert!(rest.is_empty());
}

#[test]
fn validators() {
    let root = fixture();
    let srv = start(&root);
    let r = get(srv.addr(), "/layers/data.fgb", "");
    let etag = r.header("etag").expect("etag").to_owned();
    let lm = r.header("last-modified").expect("lm").to_owned();
    let r = get(
        srv.addr(),
        "/layers/data.fgb",
        &format!("If-None-Match: {etag}\r\n"),
    );
    assert_eq!(r.status, 304);
    assert_eq!(r.header("etag"), Some(etag.as_str()));
    let r = get(
        srv.addr(),
        "/layers/data.fgb",
        &format!("If-Modified-Since: {lm}\r\n"),
    );
    assert_eq!(r.status, 304);
    let r = get(
        srv.addr(),
        "/layers/data.fgb",
        "If-None-Match: \"other\"\r\n",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn traversal_rejected() {
    let root = fixture();
    let srv = start(&root);
    let attempts = [
        ("/../secret.txt", 400),
        ("/%2e%2e/secret.txt", 400),
        ("/%2E%2E%2Fsecret.txt", 400),
        ("/layers/..%2f..%2fsecret.txt", 400),
        ("/layers/%2e%2e/%2e%2e/secret.txt", 400),
        ("/..%5csecret.txt", 400),
        ("/%00", 400),
        ("/%zz", 400),
        ("/.hidden", 404),
        ("/missing.fgb", 404),
        ("secret.txt", 400),
    ];
    for (path, status) in attempts {
        let r = get(srv.addr(), path, "");
        assert_eq!(r.status, status, "{path}");
        assert!(!r.text().contains("SECRET"), "{path}");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    }
    #[cfg(unix)]
    {
        let r = get(srv.addr(), "/escape.txt", "");
        assert_eq!(r.status, 404);
        assert!(!r.text().contains("SECRET"));
    }
}

#[test]
fn directories_methods_preflight() {
    let root = fixture();
    let srv = start(&root);
    let r = get(srv.addr(), "/sub", "");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/sub/"));
    assert_eq!(get(srv.addr(), "/sub/", "").text(), "sub");
    assert_eq!(get(srv.addr(), "/sub/?x=1", "").text(), "sub");
    let r = request(srv.addr(), "DELETE", "/index.html", "");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD, OPTIONS"));
    assert!(r.text().starts_with("405"));
    let r = request(
        srv.addr(),
        "OPTIONS",
        "/layers/data.fgb",
        "Origin: http://example.org\r\nAccess-Control-Request-Method: GET\r\n\
         Access-Control-Request-Headers: range\r\n",
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("access-control-allow-headers")
        .expect("allow-headers")
        .contains("Range"));
    assert!(r
        .header("access-control-allow-methods")
        .expect("allow-methods")
        .contains("GET"));
    // A Host that is not loopback (DNS rebinding) is refused.
    let (mut s, mut rd) = connect(srv.addr());
    s.write_all(b"GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n")
        .expect("send");
    assert_eq!(read_resp(&mut rd, false).status, 403);
    // Garbage gets a 400, not a hang.
    let (mut s, mut rd) = connect(srv.addr());
    s.write_all(b"HELLO\r\n\r\n").expect("send");
    assert_eq!(read_resp(&mut rd, false).status, 400);
}

#[test]
fn stats_count_requests_and_bytes() {
    let root = fixture();
    let srv = start(&root);
    let reset = request(
        srv.addr(),
        "POST",
        "/__stats/reset",
        "Content-Length: 0\r\n",
    );
    assert_eq!(reset.status, 200);
    get(srv.addr(), "/layers/data.fgb", "Range: bytes=0-9\r\n");
    get(srv.addr(), "/layers/data.fgb", "Range: bytes=-10\r\n");
    get(srv.addr(), "/layers/data.fgb", "");
    request(srv.addr(), "HEAD", "/layers/data.fgb", "");
    get(srv.addr(), "/missing", "");
    let s = get(srv.addr(), "/__stats", "");
    assert_eq!(s.status, 200);
    assert_eq!(s.header("content-type"), Some("application/json"));
    let body = s.text();
    assert!(
        body.contains(
            "\"/layers/data.fgb\":{\"requests\":4,\"bytes\":1020,\"range_requests\":2,\
             \"status\":{\"200\":2,\"206\":2}}"
        ),
        "{body}"
    );
    assert!(body.contains("\"/missing\":{\"requests\":1,"), "{body}");
    assert!(body.starts_with("{\"requests\":5,"), "{body}");
    assert!(!body.contains("__stats"), "{body}");
    // Reset returns the counters it cleared, then they are zero.
    let reset = request(srv.addr(), "POST", "/__stats/reset", "");
    assert!(reset.text().starts_with("{\"requests\":5,"));
    assert_eq!(
        get(srv.addr(), "/__stats", "").text(),
        "{\"requests\":0,\"bytes\":0,\"paths\":{}}"
    );
    assert_eq!(request(srv.addr(), "PUT", "/__stats", "").status, 405);
}

#[test]
fn fault_no_range_then_back() {
    let root = fixture();
    let srv = start(&root);
    let f = request(srv.addr(), "POST", "/__fault?mode=no-range", "");
    assert_eq!(f.status, 200);
    assert_eq!(
        f.text(),
        "{\"mode\":\"no-range\",\"bps\":null,\"code\":null,\"path\":null,\"times\":null}"
    );
    let r = get(srv.addr(), "/layers/data.fgb", "Range: bytes=10-19\r\n");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, pattern());
    assert_eq!(r.header("accept-ranges"), None);
    assert_eq!(r.header("content-range"), None);
    assert!(get(srv.addr(), "/__fault", "").text().contains("no-range"));
    request(srv.addr(), "POST", "/__fault?mode=none", "");
    let r = get(srv.addr(), "/layers/data.fgb", "Range: bytes=10-19\r\n");
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &pattern()[10..20]);
    let bad = request(srv.addr(), "POST", "/__fault?mode=explode", "");
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("unknown fault mode"));
}

#[test]
fn fault_slow_status_truncate_reset() {
    let root = fixture();
    let srv = start(&root);
    // 1000 bytes at 2000 B/s: about half a second.
    request(srv.addr(), "POST", "/__fault?mode=slow&bps=2000", "");
    let t = Instant::now();
    let r = get(srv.addr(), "/layers/data.fgb", "");
    let took = t.elapsed();
    assert_eq!(r.body, pattern());
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");

    // Status, limited to a path prefix.
    request(
        srv.addr(),
        "POST",
        "/__fault?mode=status&code=503&path=/layers/",
        "",
    );
    assert_eq!(get(srv.addr(), "/layers/data.fgb", "").status, 503);
    assert_eq!(get(srv.addr(), "/index.html", "").status, 200);

    // Truncate: full Content-Length announced, half the body, then EOF.
    request(srv.addr(), "POST", "/__fault?mode=truncate", "");
    let (mut s, mut rd) = connect(srv.addr());
    s.write_all(b"GET /layers/data.fgb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    let mut all = Vec::new();
    rd.read_to_end(&mut all).expect("read");
    let text = String::from_utf8_lossy(&all);
    let split = text.find("\r\n\r\n").expect("head") + 4;
    assert!(text.contains("Content-Length: 1000"));
    assert_eq!(&all[split..], &pattern()[..500]);

    // Reset: no answer at all.
    request(srv.addr(), "POST", "/__fault?mode=reset", "");
    let (mut s, mut rd) = connect(srv.addr());
    s.write_all(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    let mut all = Vec::new();
    let _ = rd.read_to_end(&mut all);
    assert!(all.is_empty());
    // Control endpoints keep working whatever the fault.
    assert_eq!(request(srv.addr(), "POST", "/__fault", "").status, 200);
    assert_eq!(get(srv.addr(), "/index.html", "").status, 200);
}

#[test]
fn binary_prints_address_and_refuses_public_hosts() {
    let root = fixture();
    let exe = env!("CARGO_BIN_EXE_maillage-serve");
    for host in ["0.0.0.0", "192.168.1.10", "::"] {
        let out = Command::new(exe)
            .args(["--root", "www", "--port", "0", "--host", host])
            .current_dir(&root.0)
            .output()
            .expect("run");
        assert!(!out.status.success(), "{host}");
        assert!(out.stdout.is_empty(), "{host}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("refusing"));
    }
    /// Kills the server even when an assertion fails.
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Kill(
        Command::new(exe)
            .args(["--root", "www", "--port", "0"])
            .current_dir(&root.0)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn"),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line.trim();
    let port: u16 = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.strip_suffix('/'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("bad address line {url:?}"));
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let r = get(addr, "/layers/data.fgb", "Range: bytes=-3\r\n");
    drop(child);
    assert_eq!(r.status, 206);
    assert_eq!(r.body, &pattern()[997..]);
}

#[test]
fn connection_cap_answers_503() {
    let root = fixture();
    let mut config = Config::new(root.0.join("www"));
    config.max_connections = 1;
    let srv = Server::bind(config).expect("bind").spawn().expect("spawn");
    // First connection served and kept open.
    let (mut s1, mut r1) = connect(srv.addr());
    s1.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    assert_eq!(read_resp(&mut r1, false).status, 200);
    // Second one, while the first is open: refused politely.
    let (mut s2, mut r2) = connect(srv.addr());
    s2.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .expect("send");
    assert_eq!(read_resp(&mut r2, false).status, 503);
    drop((s1, r1));
    // Once the first closes, a new connection is served (bounded retries).
    let try_get = || -> std::io::Result<String> {
        let mut s = TcpStream::connect_timeout(&srv.addr(), TIMEOUT)?;
        s.set_read_timeout(Some(TIMEOUT))?;
        s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    };
    let mut served = false;
    for _ in 0..50 {
        if try_get().is_ok_and(|r| r.starts_with("HTTP/1.1 200 ")) {
            served = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(served);
}

#[test]
fn precompressed_copy_for_whole_reads_only() {
    let root = fixture();
    let www = root.0.join("www");
    std::fs::write(www.join("layers/small.fgb"), b"plain bytes").expect("write");
    std::fs::write(www.join("layers/small.fgb.gz"), b"pretend gzip").expect("write");
    let srv = start(&root);
    let gz = get(
        srv.addr(),
        "/layers/small.fgb",
        "Accept-Encoding: br, gzip;q=0.8\r\n",
    );
    assert_eq!(gz.status, 200);
    assert_eq!(gz.body, b"pretend gzip");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-type"), Some("application/octet-stream"));
    assert_eq!(gz.header("vary"), Some("Accept-Encoding"));
    let plain = get(srv.addr(), "/layers/small.fgb", "");
    assert_eq!(plain.body, b"plain bytes");
    assert_eq!(plain.header("content-encoding"), None);
    assert_ne!(
        plain.header("etag"),
        gz.header("etag"),
        "each encoding has its own validator"
    );
    let part = get(
        srv.addr(),
        "/layers/small.fgb",
        "Accept-Encoding: gzip\r\nRange: bytes=0-4\r\n",
    );
    assert_eq!(part.status, 206);
    assert_eq!(part.body, b"plain");
    assert_eq!(part.header("content-encoding"), None);
    let other = get(srv.addr(), "/layers/data.fgb", "Accept-Encoding: gzip\r\n");
    assert_eq!(other.body, pattern(), "no copy, plain file");
    assert_eq!(other.header("vary"), None);
}
