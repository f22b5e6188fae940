//! Helpers shared by the integration tests.

use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use geo_types::Geometry;
use geozero::ToGeo;
use std::path::Path;

/// Every feature of a file: geometry and the named properties as text.
pub fn read_all(path: &Path, props: &[&str]) -> Vec<(Geometry<f64>, Vec<Option<String>>)> {
    let mut f = std::io::BufReader::new(std::fs::File::open(path).expect("open"));
    let r = FgbReader::open(&mut f).expect("fgb header");
    let mut it = r.select_all().expect("select");
    let mut out = Vec::new();
    while let Some(feat) = it.next().expect("feature") {
        let g = feat.to_geo().expect("geometry");
        let v = props
            .iter()
            .map(|p| feat.property::<String>(p).ok())
            .collect();
        out.push((g, v));
    }
    out
}
