//! `maillage-serve`: a small static file server for the demo and the browser
//! tests, with the HTTP features the widget relies on (byte ranges, CORS,
//! validators) and switchable misbehaviour to test how the widget copes.
//!
//! Std only, loopback only. Layout:
//! - [`server`]: binding, connection threads, routing, file responses;
//! - [`http`]: request parsing, response heads, HTTP dates;
//! - [`range`]: the `Range` header, as a pure function;
//! - [`files`]: URL path → file (traversal-safe), content types, caching;
//! - [`stats`]: requests and bytes per path (`/__stats`);
//! - [`fault`]: misbehaviour modes (`/__fault`).
//!
//! ```no_run
//! use maillage_serve::{Config, Server};
//! let server = Server::bind(Config::new("www"))?;
//! println!("{}", server.url());
//! server.run()?;
//! # Ok::<(), std::io::Error>(())
//! ```

pub mod fault;
pub mod files;
pub mod http;
pub mod range;
pub mod server;
pub mod stats;

pub use fault::{Fault, FaultMode};
pub use server::{check_host, Config, Server, ServerHandle};
