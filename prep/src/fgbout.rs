//! Writes a [`LayerData`] as FlatGeobuf: Hilbert-sorted features with a packed
//! R-tree index (so the widget fetches only the ranges a view needs), typed
//! columns with their French labels as column titles, WGS84 CRS.

use crate::layer::{LayerData, Value};
use crate::sources::sha256_hex;
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geozero::{ColumnValue, PropertyProcessor};
use maillage::manifest::FieldKind;
use std::io::Write;
use std::path::Path;

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// File size.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size of the gzip copy, when written.
    pub gzip_bytes: Option<u64>,
}

/// How to encode a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FgbOptions {
    /// Write the packed R-tree (needed for range requests by bounding box;
    /// a small overview read whole does without).
    pub index: bool,
    /// Store real numbers as 32-bit floats: half the bytes, 7 significant
    /// digits, plenty for indices and rates rounded to 2 decimals.
    pub single_precision: bool,
    /// Also write a gzip copy (`NAME.fgb.gz`) for servers that send
    /// precompressed files to clients reading the file whole.
    pub gzip_copy: bool,
}

/// Writes `layer` to `path`.
pub fn write_fgb(
    path: &Path,
    name: &str,
    title: &str,
    geometry_type: GeometryType,
    layer: &LayerData,
    opts: FgbOptions,
) -> Result<Written, String> {
    let index = opts.index;
    let mut fgb = FgbWriter::create_with_options(
        name,
        geometry_type,
        FgbWriterOptions {
            write_index: index,
            detect_type: false,
            promote_to_multi: true,
            crs: FgbCrs {
                org: Some("EPSG"),
                code: 4326,
                ..Default::default()
            },
            title: Some(title),
            ..Default::default()
        },
    )
    .map_err(|e| format!("{name}: {e}"))?;
    for f in &layer.fields {
        let t = match f.kind {
            FieldKind::Text => ColumnType::String,
            FieldKind::Integer => ColumnType::Long,
            FieldKind::Real if opts.single_precision => ColumnType::Float,
            FieldKind::Real => ColumnType::Double,
            FieldKind::Boolean => ColumnType::Bool,
            FieldKind::Json => ColumnType::Json,
        };
        fgb.add_column(&f.name, t, |fbb, col| {
            col.title = Some(fbb.create_string(&f.label.fr));
            col.nullable = true;
        });
    }
    for (n, feat) in layer.features.iter().enumerate() {
        let mut err = None;
        fgb.add_feature_geom(feat.geometry.clone(), |w| {
            for (i, (v, f)) in feat.values.iter().zip(&layer.fields).enumerate() {
                let cv = match v {
                    Value::Str(s) => ColumnValue::String(s),
                    Value::Int(x) => ColumnValue::Long(*x),
                    Value::Real(x) if x.is_finite() && opts.single_precision => {
                        ColumnValue::Float(*x as f32)
                    }
                    Value::Real(x) if x.is_finite() => ColumnValue::Double(*x),
                    Value::Bool(b) => ColumnValue::Bool(*b),
                    Value::Real(_) | Value::Null => continue,
                };
                let cv = match (f.kind, cv) {
                    (FieldKind::Json, ColumnValue::String(s)) => ColumnValue::Json(s),
                    (_, cv) => cv,
                };
                if let Err(e) = w.property(i, &f.name, &cv) {
                    err = Some(e.to_string());
                }
            }
        })
        .map_err(|e| format!("{name}: feature {n}: {e}"))?;
        if let Some(e) = err {
            return Err(format!("{name}: feature {n}: {e}"));
        }
    }
    let mut bytes = Vec::new();
    fgb.write(&mut bytes).map_err(|e| format!("{name}: {e}"))?;
    std::fs::write(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let gzip_bytes = if opts.gzip_copy {
        // The gzip header's time stays 0, so copies are reproducible.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        let mut name = path.as_os_str().to_owned();
        name.push(".gz");
        std::fs::write(&name, &gz)
            .map_err(|e| format!("cannot write {}: {e}", Path::new(&name).display()))?;
        Some(gz.len() as u64)
    } else {
        None
    };
    Ok(Written {
        bytes: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        gzip_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{field, Feature};
    use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
    use geo_types::point;

    #[test]
    fn writes_an_indexed_file_that_reads_back() {
        let layer = LayerData {
            fields: vec![
                field("nom", FieldKind::Text, "Nom", "Name"),
                field("n", FieldKind::Integer, "N", "N"),
                field("x", FieldKind::Real, "X", "X"),
            ],
            features: (0..20)
                .map(|i| Feature {
                    geometry: point!(x: 2.0 + i as f64 * 0.1, y: 50.0).into(),
                    values: vec![
                        Value::Str(format!("<b>site {i}</b>")),
                        Value::Int(i),
                        if i % 2 == 0 {
                            Value::Real(i as f64 / 2.0)
                        } else {
                            Value::Null
                        },
                    ],
                })
                .collect(),
        };
        let path = std::env::temp_dir().join(format!("maillage-fgb-{}.fgb", std::process::id()));
        let opts = FgbOptions {
            index: true,
            single_precision: false,
            gzip_copy: false,
        };
        let w = write_fgb(&path, "t", "Test", GeometryType::Point, &layer, opts).expect("write");
        let again =
            write_fgb(&path, "t", "Test", GeometryType::Point, &layer, opts).expect("write");
        assert_eq!(w, again, "same input, same bytes");
        let mut file = std::io::BufReader::new(std::fs::File::open(&path).expect("open"));
        let reader = FgbReader::open(&mut file).expect("fgb");
        assert_eq!(reader.header().features_count(), 20);
        assert_eq!(reader.header().index_node_size(), 16);
        let mut it = reader.select_bbox(2.45, 49.0, 2.75, 51.0).expect("bbox");
        let mut names = Vec::new();
        while let Some(f) = it.next().expect("feature") {
            let n: i64 = f.property("n").expect("n");
            names.push(n);
            assert_eq!(
                f.property::<String>("nom").expect("nom"),
                format!("<b>site {n}</b>")
            );
            assert_eq!(f.property::<f64>("x").is_ok(), n % 2 == 0);
        }
        names.sort();
        assert_eq!(names, vec![5, 6, 7]);

        let small = FgbOptions {
            index: false,
            single_precision: true,
            gzip_copy: true,
        };
        let w2 = write_fgb(&path, "t", "Test", GeometryType::Point, &layer, small).expect("write");
        assert!(w2.bytes < w.bytes, "{} < {}", w2.bytes, w.bytes);
        let gz = std::fs::read(path.with_extension("fgb.gz")).expect("gzip copy");
        assert_eq!(Some(gz.len() as u64), w2.gzip_bytes);
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz.as_slice()), &mut plain)
            .expect("gunzip");
        assert_eq!(plain, std::fs::read(&path).expect("file"));
        let mut file = std::io::BufReader::new(std::fs::File::open(&path).expect("open"));
        let reader = FgbReader::open(&mut file).expect("fgb");
        assert_eq!(reader.header().index_node_size(), 0);
        let mut it = reader.select_all_seq().expect("all");
        let first = it.next().expect("read").expect("feature");
        assert_eq!(first.property::<f32>("x").expect("x"), 0.0);
    }
}
