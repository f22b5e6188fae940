//! The server: loopback binding, one thread per connection up to a cap,
//! keep-alive, routing of control endpoints and files.

use crate::fault::{Fault, FaultMode};
use crate::files::{self, Resolved};
use crate::http::{self, ReadError, Request};
use crate::range::{parse_range, RangeOutcome};
use crate::stats::Stats;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long an idle keep-alive connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a blocked write may take before the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// Body copy chunk.
const CHUNK: usize = 64 * 1024;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder served as `/`.
    pub root: PathBuf,
    /// Address to bind: 127.0.0.1 or ::1 only.
    pub host: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Connections served at once; more are answered 503.
    pub max_connections: usize,
    /// Misbehaviour at start.
    pub fault: Fault,
    /// One line per request on stderr.
    pub log: bool,
}

impl Config {
    /// Defaults: 127.0.0.1, a free port, 64 connections, no fault, no log.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            max_connections: 64,
            fault: Fault::default(),
            log: false,
        }
    }
}

/// Accepts `127.0.0.1`, `localhost` and `::1` (or `[::1]`); refuses
/// anything else, so the server is never reachable from another machine.
pub fn check_host(host: &str) -> Result<IpAddr, String> {
    match host.trim_start_matches('[').trim_end_matches(']') {
        "127.0.0.1" | "localhost" => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        "::1" => Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        h => Err(format!(
            "refusing to bind {h:?}: only 127.0.0.1 or ::1 (this is a test server)"
        )),
    }
}

/// State shared by the connection threads.
struct State {
    root: PathBuf,
    stats: Mutex<Stats>,
    fault: Mutex<Fault>,
    active: AtomicUsize,
    max_connections: usize,
    log: bool,
    shutdown: AtomicBool,
}

/// Locks a mutex even if a connection thread panicked while holding it
/// (the counters stay usable).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A bound server, not yet accepting.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Checks the configuration and binds the socket.
    pub fn bind(config: Config) -> io::Result<Server> {
        if !matches!(config.host, IpAddr::V4(Ipv4Addr::LOCALHOST))
            && config.host != IpAddr::V6(Ipv6Addr::LOCALHOST)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "only 127.0.0.1 or ::1 may be bound",
            ));
        }
        let root = config.root.canonicalize().map_err(|e| {
            io::Error::new(e.kind(), format!("root {}: {e}", config.root.display()))
        })?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("root {} is not a folder", root.display()),
            ));
        }
        let listener = TcpListener::bind(SocketAddr::new(config.host, config.port))?;
        let addr = listener.local_addr()?;
        Ok(Server {
            listener,
            addr,
            state: Arc::new(State {
                root,
                stats: Mutex::new(Stats::default()),
                fault: Mutex::new(config.fault),
                active: AtomicUsize::new(0),
                max_connections: config.max_connections.max(1),
                log: config.log,
                shutdown: AtomicBool::new(false),
            }),
        })
    }

    /// The bound address (with the real port when 0 was asked).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/` (or `http://[::1]:PORT/`).
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Accepts connections until [`ServerHandle::shutdown`] (blocking).
    pub fn run(self) -> io::Result<()> {
        for conn in self.listener.incoming() {
            if self.state.shutdown.load(Ordering::SeqCst) {
                break;
            }
            match conn {
                Ok(stream) => self.dispatch(stream),
                Err(e) => {
                    eprintln!("maillage-serve: accept: {e}");
                    thread::sleep(Duration::from_millis(20));
                }
            }
        }
        Ok(())
    }

    /// Runs the accept loop on a thread (for tests and embedding).
    pub fn spawn(self) -> io::Result<ServerHandle> {
        let addr = self.addr;
        let state = Arc::clone(&self.state);
        let thread = thread::Builder::new()
            .name("maillage-serve-accept".into())
            .spawn(move || self.run())?;
        Ok(ServerHandle {
            addr,
            state,
            thread: Some(thread),
        })
    }

    fn dispatch(&self, stream: TcpStream) {
        let state = Arc::clone(&self.state);
        if state.active.fetch_add(1, Ordering::SeqCst) >= state.max_connections {
            state.active.fetch_sub(1, Ordering::SeqCst);
            refuse(stream);
            return;
        }
        let spawned = thread::Builder::new()
            .name("maillage-serve-conn".into())
            .spawn(move || {
                serve_connection(&state, stream);
                state.active.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.state.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Answers 503 on a connection over the cap, in the accept thread, briefly:
/// reply, half-close, then drain what the client sent so that closing does
/// not reset the connection before the client reads the answer.
fn refuse(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let retry = [("Retry-After", "1".to_owned())];
    let _ = send_text(
        &mut stream,
        false,
        503,
        "too many connections",
        &retry,
        false,
    );
    let _ = stream.shutdown(Shutdown::Write);
    let _ = io::copy(&mut (&stream).take(64 * 1024), &mut io::sink());
}

/// A server running on its own thread; shut down on drop.
pub struct ServerHandle {
    addr: SocketAddr,
    state: Arc<State>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl ServerHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stops accepting and waits for the accept thread; open connections
    /// end at their next idle timeout.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.state.shutdown.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Serves requests on one connection until close, error or idle timeout.
fn serve_connection(state: &State, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        if state.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let req = match http::read_request(&mut reader) {
            Ok(Some(req)) => req,
            Ok(None) | Err(ReadError::Io(_)) => break,
            Err(ReadError::Bad(status, msg)) => {
                let _ = send_text(&mut writer, false, status, msg, &[], false);
                break;
            }
        };
        if let Err(e) = http::discard_body(&mut reader, &req) {
            if let ReadError::Bad(status, msg) = e {
                let _ = send_text(&mut writer, false, status, msg, &[], false);
            }
            break;
        }
        match handle(state, &req, &mut writer) {
            Ok(true) => {}
            Ok(false) | Err(_) => break,
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// Whether the Host header names this machine's loopback (a guard against
/// DNS rebinding: a web page must not drive `/__fault` through a hostname).
fn host_ok(req: &Request) -> bool {
    let Some(host) = req.header("host") else {
        return true;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "::1"
    )
}

/// Answers one request; returns whether the connection stays open.
fn handle(state: &State, req: &Request, w: &mut TcpStream) -> io::Result<bool> {
    let keep = req.keep_alive();
    let head = req.method == "HEAD";
    let (path, query) = req.path_and_query();
    let start = Instant::now();
    if !host_ok(req) {
        send_text(
            w,
            head,
            403,
            "Host must be 127.0.0.1, localhost or [::1]",
            &[],
            keep,
        )?;
        return Ok(keep);
    }
    let json = |body: String| (body, [("Cache-Control", "no-store".to_owned())]);
    let control = match (path, req.method.as_str()) {
        ("/__stats", "GET" | "HEAD") => Some(json(lock(&state.stats).to_json())),
        ("/__stats/reset", "POST") => {
            let mut stats = lock(&state.stats);
            let before = stats.to_json();
            *stats = Stats::default();
            Some(json(before))
        }
        ("/__fault", "GET" | "HEAD") => Some(json(lock(&state.fault).to_json())),
        ("/__fault", "POST") => match Fault::parse(query) {
            Ok(f) => {
                let body = f.to_json();
                *lock(&state.fault) = f;
                Some(json(body))
            }
            Err(msg) => {
                send_text(w, false, 400, &msg, &[], keep)?;
                return Ok(keep);
            }
        },
        ("/__stats" | "/__fault", _) => {
            let allow = [("Allow", "GET, HEAD, POST".to_owned())];
            send_text(w, head, 405, "method not allowed", &allow, keep)?;
            return Ok(keep);
        }
        ("/__stats/reset", _) => {
            send_text(
                w,
                head,
                405,
                "method not allowed",
                &[("Allow", "POST".to_owned())],
                keep,
            )?;
            return Ok(keep);
        }
        _ => None,
    };
    if let Some((body, extra)) = control {
        let mut headers = vec![
            ("Content-Type", "application/json".to_owned()),
            ("Content-Length", body.len().to_string()),
        ];
        headers.extend(extra);
        http::write_head(w, 200, &headers, keep)?;
        if !head {
            w.write_all(body.as_bytes())?;
        }
        w.flush()?;
        return Ok(keep);
    }
    let (status, bytes, keep) = match req.method.as_str() {
        "GET" | "HEAD" => serve_file(state, req, path, w, keep)?,
        "OPTIONS" => {
            let headers = [
                (
                    "Access-Control-Allow-Methods",
                    "GET, HEAD, OPTIONS".to_owned(),
                ),
                (
                    "Access-Control-Allow-Headers",
                    "Range, If-Range, If-None-Match, If-Modified-Since, Content-Type".to_owned(),
                ),
                ("Access-Control-Max-Age", "86400".to_owned()),
                ("Allow", "GET, HEAD, OPTIONS".to_owned()),
                ("Content-Length", "0".to_owned()),
            ];
            http::write_head(w, 204, &headers, keep)?;
            w.flush()?;
            (204, 0, keep)
        }
        _ => {
            let allow = [("Allow", "GET, HEAD, OPTIONS".to_owned())];
            let n = send_text(w, false, 405, "method not allowed", &allow, keep)?;
            (405, n, keep)
        }
    };
    lock(&state.stats).record(path, status, bytes);
    if state.log {
        eprintln!(
            "{} {} {status} {bytes} B {} ms",
            req.method,
            req.target,
            start.elapsed().as_millis()
        );
    }
    Ok(keep)
}

/// Serves a file for GET or HEAD, applying the current fault. Returns
/// (status, body bytes written, keep-alive).
fn serve_file(
    state: &State,
    req: &Request,
    path: &str,
    w: &mut TcpStream,
    keep: bool,
) -> io::Result<(u16, u64, bool)> {
    let head = req.method == "HEAD";
    let mode = lock(&state.fault).take(path);
    match mode {
        FaultMode::Reset => return Ok((0, 0, false)),
        FaultMode::Stall => {
            // Wait for the client to close (or the limit), then close too.
            w.set_read_timeout(Some(crate::fault::STALL_LIMIT))?;
            let _ = io::copy(w, &mut io::sink());
            return Ok((0, 0, false));
        }
        FaultMode::Status(code) => {
            let n = send_text(w, head, code, "fault injected by /__fault", &[], keep)?;
            return Ok((code, n, keep));
        }
        _ => {}
    }
    let file_path = match files::resolve(&state.root, path) {
        Resolved::File(p) => p,
        Resolved::Redirect(to) => {
            let n = send_text(w, head, 301, "moved", &[("Location", to)], keep)?;
            return Ok((301, n, keep));
        }
        Resolved::Error(status, msg) => {
            let n = send_text(w, head, status, msg, &[], keep)?;
            return Ok((status, n, keep));
        }
    };
    // Precompressed copy (`NAME.gz`, as nginx's gzip_static): sent for
    // whole-file reads by clients that accept gzip. Ranges always address
    // the plain file's bytes.
    let gz_path = {
        let mut p = file_path.clone().into_os_string();
        p.push(".gz");
        std::path::PathBuf::from(p)
    };
    let has_gz = gz_path.is_file();
    let send_gz = has_gz
        && req.header("range").is_none()
        && req.header("accept-encoding").is_some_and(|v| {
            v.split(',')
                .any(|e| e.trim().split(';').next() == Some("gzip"))
        });
    let body_path = if send_gz { &gz_path } else { &file_path };
    let opened = File::open(body_path).and_then(|f| f.metadata().map(|m| (f, m)));
    let Ok((mut file, meta)) = opened else {
        let n = send_text(w, head, 403, "cannot read file", &[], keep)?;
        return Ok((403, n, keep));
    };
    let len = meta.len();
    let etag = files::etag(&meta);
    let modified = meta.modified().ok();
    let last_modified = modified.map(http::http_date).unwrap_or_default();
    let mut headers = vec![
        ("Content-Type", files::content_type(&file_path).to_owned()),
        ("Cache-Control", files::cache_control(&file_path).to_owned()),
        ("ETag", etag.clone()),
        ("Last-Modified", last_modified.clone()),
    ];
    if has_gz {
        headers.push(("Vary", "Accept-Encoding".to_owned()));
    }
    if send_gz {
        headers.push(("Content-Encoding", "gzip".to_owned()));
    }
    let ranges = mode != FaultMode::NoRange;
    if ranges {
        headers.push(("Accept-Ranges", "bytes".to_owned()));
    }

    // Validators: 304 when the client already has this version.
    let not_modified = match (req.header("if-none-match"), req.header("if-modified-since")) {
        (Some(inm), _) => files::none_match(inm, &etag),
        (None, Some(ims)) => match (http::parse_http_date(ims), modified) {
            (Some(since), Some(m)) => http::unix_secs(m) <= since,
            _ => false,
        },
        (None, None) => false,
    };
    if not_modified {
        http::write_head(w, 304, &headers, keep)?;
        w.flush()?;
        return Ok((304, 0, keep));
    }

    // Range, unless the fault ignores it or If-Range says the client's copy is stale.
    let if_range_ok = req
        .header("if-range")
        .is_none_or(|v| v == etag || v == last_modified);
    let outcome = match req.header("range") {
        Some(r) if ranges && if_range_ok => parse_range(r, len),
        _ => RangeOutcome::Full,
    };
    let (status, start, count) = match outcome {
        RangeOutcome::Full => (200, 0, len),
        RangeOutcome::Partial { start, end } => {
            headers.push(("Content-Range", format!("bytes {start}-{end}/{len}")));
            (206, start, end - start + 1)
        }
        RangeOutcome::Unsatisfiable => {
            let extra = [("Content-Range", format!("bytes */{len}"))];
            let n = send_text(w, head, 416, "range not satisfiable", &extra, keep)?;
            return Ok((416, n, keep));
        }
    };
    headers.push(("Content-Length", count.to_string()));
    let truncate = mode == FaultMode::Truncate;
    http::write_head(w, status, &headers, keep && !truncate)?;
    if head {
        w.flush()?;
        return Ok((status, 0, keep && !truncate));
    }
    let (to_send, bps) = match mode {
        FaultMode::Truncate => (count / 2, None),
        FaultMode::Slow { bytes_per_sec } => (count, Some(bytes_per_sec)),
        _ => (count, None),
    };
    file.seek(SeekFrom::Start(start))?;
    let sent = copy_body(&mut file.take(to_send), w, bps)?;
    w.flush()?;
    if sent < to_send {
        // The file shrank under us: the framing is broken, close.
        return Ok((status, sent, false));
    }
    Ok((status, sent, keep && !truncate))
}

/// Copies the body, optionally throttled to `bps` bytes per second.
fn copy_body(src: &mut impl Read, w: &mut impl Write, bps: Option<u64>) -> io::Result<u64> {
    let chunk = match bps {
        Some(b) => usize::try_from(b / 20).unwrap_or(CHUNK).clamp(1, CHUNK),
        None => CHUNK,
    };
    let mut buf = vec![0u8; chunk];
    let start = Instant::now();
    let mut sent = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            return Ok(sent);
        }
        w.write_all(&buf[..n])?;
        sent += n as u64;
        if let Some(b) = bps {
            w.flush()?;
            let due = Duration::from_secs_f64(sent as f64 / b as f64);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                thread::sleep(wait);
            }
        }
    }
}

/// Sends a short text/plain answer; returns body bytes written.
fn send_text(
    w: &mut impl Write,
    head: bool,
    status: u16,
    msg: &str,
    extra: &[(&str, String)],
    keep: bool,
) -> io::Result<u64> {
    let body = format!("{status} {}: {msg}\n", http::reason(status));
    let mut headers = vec![
        ("Content-Type", "text/plain; charset=utf-8".to_owned()),
        ("Content-Length", body.len().to_string()),
        ("Cache-Control", "no-store".to_owned()),
    ];
    headers.extend(extra.iter().cloned());
    http::write_head(w, status, &headers, keep)?;
    if head {
        w.flush()?;
        return Ok(0);
    }
    w.write_all(body.as_bytes())?;
    w.flush()?;
    Ok(body.len() as u64)
}
