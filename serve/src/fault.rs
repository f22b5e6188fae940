//! Misbehaviour modes, so one server can play both a good and a bad host.
//!
//! Set at start with `--fault SPEC` or at run time with
//! `POST /__fault?SPEC`, where SPEC is a query string:
//!
//! | `mode=`    | effect on file responses                                          | parameters          |
//! |------------|-------------------------------------------------------------------|---------------------|
//! | `none`     | normal behaviour                                                  |                     |
//! | `no-range` | ignore `Range`, answer 200 with the whole file, no `Accept-Ranges` |                     |
//! | `slow`     | throttle bodies                                                   | `bps=` (default 16384) |
//! | `status`   | answer this status with a short text body                         | `code=` (default 500) |
//! | `truncate` | announce the full `Content-Length`, send half the body, close     |                     |
//! | `reset`    | close the connection without answering                            |                     |
//! | `stall`    | answer nothing and keep the connection open (at most a minute)    |                     |
//!
//! `path=/prefix` limits the fault to paths starting with the prefix
//! (e.g. `path=/layers/`); `times=N` to the next N requests it affects,
//! after which the server behaves again (a host that comes back). Control
//! endpoints are never affected.
//! Adding a mode: a variant here, its parsing in [`Fault::parse`], its
//! effect in `server::serve_file`.

use crate::files::percent_decode;
use crate::stats::json_string;

/// Default throttle for `slow`, bytes per second.
pub const DEFAULT_BPS: u64 = 16 * 1024;

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// Nothing.
    None,
    /// `Range` ignored: 200 with the whole file.
    NoRange,
    /// Body throttled to this many bytes per second.
    Slow {
        /// Throughput cap (at least 1).
        bytes_per_sec: u64,
    },
    /// Every matching request answered with this status.
    Status(u16),
    /// Half the body sent, then the connection closed.
    Truncate,
    /// Connection closed without any answer.
    Reset,
    /// No answer; the connection stays open until the client gives up
    /// (at most [`STALL_LIMIT`]).
    Stall,
}

/// Longest a `stall` keeps a connection.
pub const STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// A fault mode and the paths it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The misbehaviour.
    pub mode: FaultMode,
    /// Only paths starting with this (decoded) prefix are affected; all when `None`.
    pub path_prefix: Option<String>,
    /// Requests still to affect; every one when `None`.
    pub times: Option<u64>,
}

impl Default for Fault {
    fn default() -> Self {
        Self {
            mode: FaultMode::None,
            path_prefix: None,
            times: None,
        }
    }
}

impl Fault {
    /// Parses `mode=slow&bps=1000&path=/layers/`, or a bare mode name
    /// (`no-range`). An empty string means `none`.
    ///
    /// ```
    /// use maillage_serve::{Fault, FaultMode};
    /// let f = Fault::parse("mode=slow&bps=1000")?;
    /// assert_eq!(f.mode, FaultMode::Slow { bytes_per_sec: 1000 });
    /// assert_eq!(Fault::parse("no-range")?.mode, FaultMode::NoRange);
    /// assert!(Fault::parse("mode=explode").is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(spec: &str) -> Result<Fault, String> {
        let spec = spec.trim();
        if !spec.is_empty() && !spec.contains('=') {
            return Fault::parse(&format!("mode={spec}"));
        }
        let (mut mode, mut bps, mut code, mut path, mut times) =
            ("none".to_owned(), None, None, None, None);
        for pair in spec.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(&v.replace('+', " "))
                .ok_or_else(|| format!("bad percent-encoding in {k}"))?;
            let num = |v: &str| {
                v.parse::<u64>()
                    .map_err(|_| format!("{k} must be a whole number, got {v:?}"))
            };
            match k {
                "mode" => mode = v,
                "bps" => bps = Some(num(&v)?),
                "code" => code = Some(num(&v)?),
                "path" => path = Some(v),
                "times" => times = Some(num(&v)?),
                _ => return Err(format!("unknown fault parameter {k:?}")),
            }
        }
        let mode = match mode.as_str() {
            "none" | "" => FaultMode::None,
            "no-range" => FaultMode::NoRange,
            "slow" => match bps.unwrap_or(DEFAULT_BPS) {
                0 => return Err("bps must be at least 1".into()),
                b => FaultMode::Slow { bytes_per_sec: b },
            },
            "status" => match code.unwrap_or(500) {
                c @ 400..=599 => FaultMode::Status(c as u16),
                c => return Err(format!("code must be 400 to 599, got {c}")),
            },
            "truncate" => FaultMode::Truncate,
            "reset" => FaultMode::Reset,
            "stall" => FaultMode::Stall,
            m => {
                return Err(format!(
                "unknown fault mode {m:?} (none, no-range, slow, status, truncate, reset, stall)"
            ))
            }
        };
        if let Some(p) = &path {
            if !p.starts_with('/') {
                return Err("path must start with /".into());
            }
        }
        Ok(Fault {
            mode,
            path_prefix: path,
            times,
        })
    }

    /// Whether the fault affects a request for this raw URL path.
    pub fn applies_to(&self, raw_path: &str) -> bool {
        if self.mode == FaultMode::None || self.times == Some(0) {
            return false;
        }
        match &self.path_prefix {
            None => true,
            Some(prefix) => percent_decode(raw_path)
                .unwrap_or_else(|| raw_path.to_owned())
                .starts_with(prefix.as_str()),
        }
    }

    /// The mode for a request to this raw URL path, counting it against
    /// `times`: [`FaultMode::None`] when the fault does not apply.
    pub fn take(&mut self, raw_path: &str) -> FaultMode {
        if !self.applies_to(raw_path) {
            return FaultMode::None;
        }
        if let Some(t) = self.times.as_mut() {
            *t -= 1;
        }
        self.mode
    }

    /// The fault as JSON: `{"mode":"slow","bps":1000,"code":null,"path":null,"times":null}`.
    pub fn to_json(&self) -> String {
        let (name, bps, code) = match self.mode {
            FaultMode::None => ("none", None, None),
            FaultMode::NoRange => ("no-range", None, None),
            FaultMode::Slow { bytes_per_sec } => ("slow", Some(bytes_per_sec), None),
            FaultMode::Status(c) => ("status", None, Some(c)),
            FaultMode::Truncate => ("truncate", None, None),
            FaultMode::Reset => ("reset", None, None),
            FaultMode::Stall => ("stall", None, None),
        };
        let opt = |v: Option<u64>| v.map_or("null".to_owned(), |v| v.to_string());
        format!(
            "{{\"mode\":\"{name}\",\"bps\":{},\"code\":{},\"path\":{},\"times\":{}}}",
            opt(bps),
            opt(code.map(u64::from)),
            self.path_prefix
                .as_deref()
                .map_or("null".to_owned(), json_string),
            opt(self.times)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        let f = Fault::parse("mode=status&code=404&path=%2Flayers%2F").expect("valid");
        assert_eq!(f.mode, FaultMode::Status(404));
        assert!(f.applies_to("/layers/a.fgb"));
        assert!(!f.applies_to("/index.html"));
        assert_eq!(
            f.to_json(),
            "{\"mode\":\"status\",\"bps\":null,\"code\":404,\"path\":\"/layers/\",\"times\":null}"
        );
        assert_eq!(Fault::parse("").expect("valid"), Fault::default());
        assert!(!Fault::default().applies_to("/x"));
        assert!(Fault::parse("mode=slow&bps=0").is_err());
        assert_eq!(Fault::parse("stall").expect("valid").mode, FaultMode::Stall);
        let mut twice = Fault::parse("mode=reset&times=2&path=/m").expect("valid");
        assert_eq!(twice.take("/x"), FaultMode::None);
        assert_eq!(twice.take("/m.json"), FaultMode::Reset);
        assert_eq!(twice.take("/m.json"), FaultMode::Reset);
        assert_eq!(twice.take("/m.json"), FaultMode::None);
        assert!(twice.to_json().ends_with("\"times\":0}"));
        assert!(Fault::parse("mode=status&code=200").is_err());
        assert!(Fault::parse("mode=slow&bogus=1").is_err());
        assert!(Fault::parse("mode=none&path=x").is_err());
    }
}
