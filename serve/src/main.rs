//! `maillage-serve` command line: see `maillage-serve --help`.

use maillage_serve::{check_host, Config, Fault, Server};
use std::io::Write;
use std::process::ExitCode;

const HELP: &str = "\
maillage-serve: static file server with byte ranges, for the demo and tests.
Binds loopback only.

USAGE:
    maillage-serve [--root DIR] [--port N] [--host 127.0.0.1|::1]
                   [--max-connections N] [--fault SPEC] [--log]

OPTIONS:
    --root DIR            folder served as / (default: www)
    --port N              port, 0 picks a free one (default: 8080)
    --host H              127.0.0.1 (default), localhost or ::1; others refused
    --max-connections N   connections served at once, more get 503 (default: 64)
    --fault SPEC          start misbehaving, e.g. no-range or 'mode=slow&bps=2048'
    --log                 one line per request on stderr
    -h, --help            this help
    -V, --version         version

The first line on stdout is the address, e.g. http://127.0.0.1:8080/

ENDPOINTS:
    GET  /__stats          requests and body bytes per path (JSON)
    POST /__stats/reset    same, then zero the counters
    GET  /__fault          current fault (JSON)
    POST /__fault?SPEC     set it: mode=none|no-range|slow|status|truncate|reset,
                           bps=N (slow), code=N (status), path=/prefix
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("maillage-serve: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut config = Config::new("www");
    config.port = 8080;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--root" => config.root = value()?.into(),
            "--port" => {
                let v = value()?;
                config.port = v.parse().map_err(|_| format!("bad port {v:?}"))?;
            }
            "--host" => config.host = check_host(&value()?)?,
            "--max-connections" => {
                let v = value()?;
                config.max_connections = match v.parse() {
                    Ok(n) if n > 0 => n,
                    _ => return Err(format!("bad --max-connections {v:?}")),
                };
            }
            "--fault" => config.fault = Fault::parse(&value()?)?,
            "--log" => config.log = true,
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(());
            }
            "-V" | "--version" => {
                println!("maillage-serve {}", env!("CARGO_PKG_VERSION"));
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    let server = Server::bind(config).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", server.url()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    server.run().map_err(|e| e.to_string())
}
