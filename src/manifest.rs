//! The manifest: the one JSON document that describes every built layer to
//! the widget (files per zoom range, fields with labels, units and ranges,
//! default classification, sources and licences).
//!
//! It is written by `maillage-prep` and read by the widget, so both sides
//! share these types: a field added here is known to both at compile time.
//! The wasm build skips reading the fields the widget never uses (sources,
//! checksums, descriptions…): each read field costs the module code, and
//! the module has a size budget. Pages read them from the JSON themselves.

use serde::{Deserialize, Serialize};

/// Text in the two languages the widget speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// French (the default language of the widget).
    pub fr: String,
    /// English.
    pub en: String,
}

impl Label {
    /// Builds a label from its French and English text.
    pub fn new(fr: &str, en: &str) -> Self {
        Self {
            fr: fr.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// Storage type of a field, as written in the FlatGeobuf columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// UTF-8 text.
    Text,
    /// Whole number (counts, populations).
    Integer,
    /// Real number (rates, indices, densities).
    Real,
    /// True / false.
    Boolean,
    /// JSON text holding a list or object (opening hours, contacts).
    Json,
}

/// One attribute of a layer, described so that a reader can understand a
/// value without a data dictionary: label, unit and scale travel with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Column name in the FlatGeobuf file.
    pub name: String,
    /// Storage type.
    pub kind: FieldKind,
    /// Short label for legends and tables.
    pub label: Label,
    /// Unit or scale, e.g. "% des 15 ans et plus" or "indice 1 à 10"; absent for
    /// plain text and identifiers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<Label>,
    /// Longer explanation: what the value measures and how to read it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub description: Option<Label>,
    /// Observed minimum and maximum in the built data (numeric fields only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub range: Option<[f64; 2]>,
    /// Whether the field is meant for a choropleth (numeric indicator).
    #[serde(default)]
    pub choropleth: bool,
}

/// The layer kinds the widget knows how to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// Help places (points).
    Sites,
    /// Weak mobile coverage zones (polygons, hatched).
    Zones,
    /// Indicators by territory, drawn as a choropleth.
    Rates,
    /// Base outlines (départements).
    Base,
}

/// One FlatGeobuf file of a layer, valid over a zoom range. Low zooms use a
/// generalised file so that a whole-France view stays light.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerFile {
    /// Path relative to the manifest.
    pub path: String,
    /// Smallest Web Mercator zoom this file is meant for (inclusive).
    pub min_zoom: f64,
    /// Largest Web Mercator zoom this file is meant for (exclusive).
    pub max_zoom: f64,
    /// Simplification tolerance in metres (0 for full detail).
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub tolerance_m: f64,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub sha256: String,
    /// Whether the file has a packed Hilbert R-tree (range requests by bbox).
    /// Overviews have none: they are small and read whole.
    pub indexed: bool,
    /// The fields this file carries when it holds only some of the layer's
    /// fields (overviews keep identifiers and choropleth fields); empty
    /// means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Size of the precompressed `PATH.gz` copy, when there is one: a server
    /// that honours `Accept-Encoding` sends it for whole-file reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub gzip_bytes: Option<u64>,
}

/// Default choropleth classification proposed for a layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefaultStyle {
    /// Field drawn by default.
    pub field: String,
    /// Classification method: "quantiles", "jenks", "equal" or "manual".
    pub method: String,
    /// Number of classes (3 to 9).
    pub classes: u8,
    /// Palette name.
    pub palette: String,
}

/// A built layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// Stable identifier used in URLs and attributes ("epci", "sites", ...).
    pub id: String,
    /// Layer kind.
    pub kind: LayerKind,
    /// Title shown in the layer switcher and legend.
    pub title: Label,
    /// FlatGeobuf geometry type name ("MultiPolygon", "Point").
    pub geometry: String,
    /// Number of features.
    pub feature_count: u64,
    /// Extent [min lon, min lat, max lon, max lat] in WGS84.
    pub bbox: [f64; 4],
    /// Files by zoom range, from the most generalised to full detail.
    pub files: Vec<LayerFile>,
    /// Attribute fields.
    pub fields: Vec<FieldDef>,
    /// Default style for choropleth layers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default_style: Option<DefaultStyle>,
    /// Identifiers of the sources this layer is built from (read in the
    /// browser by the module with places: the exported picture's credits).
    #[cfg_attr(
        all(target_arch = "wasm32", not(feature = "places")),
        serde(skip_deserializing)
    )]
    pub sources: Vec<String>,
    /// Caveats a reader must know (derived data, approximations).
    /// Read in the browser only by the module with places (the zones' legend).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[cfg_attr(
        all(target_arch = "wasm32", not(feature = "places")),
        serde(skip_deserializing)
    )]
    pub note: Option<Label>,
    /// Sites only: the compact table of every place (see
    /// [`crate::sites::table`]), read whole for filters, counts, the
    /// nearest places and the coverage.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub table: Option<TableFile>,
}

/// The values a bitmask of the sites table refers to: bit *i* is `values[i]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueList {
    /// The list ("labels", "services", "publics", "sources").
    pub field: String,
    /// Its values, most frequent first (at most 32; 16 for sources).
    pub values: Vec<String>,
}

/// The sites table file and the lists its bitmasks refer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableFile {
    /// Path relative to the manifest.
    pub path: String,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub sha256: String,
    /// Size of the precompressed `PATH.gz` copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub gzip_bytes: Option<u64>,
    /// The value lists of the bitmasks.
    pub lists: Vec<ValueList>,
}

impl TableFile {
    /// The values of one list (empty when the build has none).
    pub fn list(&self, field: &str) -> &[String] {
        self.lists
            .iter()
            .find(|l| l.field == field)
            .map_or(&[], |l| l.values.as_slice())
    }
}

/// Where a layer's data comes from, for the attribution and the data guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Identifier referenced by layers.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Original producer.
    pub publisher: String,
    /// Licence name.
    pub licence: String,
    /// Vintage of the data (year or date).
    pub vintage: String,
    /// Official download address.
    pub url: String,
    /// SHA-256 of the file actually read.
    pub sha256: String,
    /// Attribution text to show next to the map.
    pub attribution: String,
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format version (bumped on incompatible changes).
    pub format: u32,
    /// Build date, ISO 8601 (from `SOURCE_DATE_EPOCH` so builds are reproducible).
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub build_date: String,
    /// Version of the tool that built the layers.
    #[cfg_attr(target_arch = "wasm32", serde(skip_deserializing))]
    pub generator: String,
    /// Layers.
    pub layers: Vec<LayerInfo>,
    /// Sources (read in the browser by the module with places).
    #[cfg_attr(
        all(target_arch = "wasm32", not(feature = "places")),
        serde(skip_deserializing)
    )]
    pub sources: Vec<SourceInfo>,
}

/// Current manifest format version.
pub const MANIFEST_FORMAT: u32 = 1;

impl Manifest {
    /// Looks a layer up by its identifier.
    pub fn layer(&self, id: &str) -> Option<&LayerInfo> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// The credits of layers `ids`: their sources' attributions, each once,
    /// in the manifest's order ("Sources : Contours © IGN … · IFN © La
    /// MedNum …"), as the licences ask next to a published map.
    pub fn credits(&self, ids: &[&str]) -> String {
        let used: Vec<&str> = ids
            .iter()
            .filter_map(|id| self.layer(id))
            .flat_map(|l| l.sources.iter().map(String::as_str))
            .collect();
        let mut texts: Vec<&str> = Vec::new();
        for s in &self.sources {
            let text = s.attribution.as_str();
            if used.contains(&s.id.as_str()) && !text.is_empty() && !texts.contains(&text) {
                texts.push(text);
            }
        }
        format!("Sources : {}", texts.join(" · "))
    }
}

impl LayerInfo {
    /// The file to read at a zoom level: the one whose range contains it, or
    /// the nearest one when the zoom is outside every range.
    pub fn file_for_zoom(&self, zoom: f64) -> Option<&LayerFile> {
        self.files
            .iter()
            .find(|f| zoom >= f.min_zoom && zoom < f.max_zoom)
            .or_else(|| {
                if zoom < self.files.first()?.min_zoom {
                    self.files.first()
                } else {
                    self.files.last()
                }
            })
    }

    /// Looks a field up by name.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(min: f64, max: f64, path: &str) -> LayerFile {
        LayerFile {
            path: path.into(),
            min_zoom: min,
            max_zoom: max,
            tolerance_m: 0.0,
            bytes: 0,
            sha256: String::new(),
            indexed: true,
            fields: vec![],
            gzip_bytes: None,
        }
    }

    fn layer() -> LayerInfo {
        LayerInfo {
            id: "epci".into(),
            kind: LayerKind::Rates,
            title: Label::new("EPCI", "EPCI"),
            geometry: "MultiPolygon".into(),
            feature_count: 3,
            bbox: [0.0, 0.0, 1.0, 1.0],
            files: vec![
                file(0.0, 7.0, "overview.fgb"),
                file(7.0, 10.0, "medium.fgb"),
                file(10.0, 23.0, "full.fgb"),
            ],
            fields: vec![],
            default_style: None,
            sources: vec![],
            note: None,
            table: None,
        }
    }

    #[test]
    fn picks_file_by_zoom_range() {
        let l = layer();
        let pick = |z: f64| l.file_for_zoom(z).map(|f| f.path.as_str());
        assert_eq!(pick(5.5), Some("overview.fgb"));
        assert_eq!(pick(7.0), Some("medium.fgb"));
        assert_eq!(pick(12.0), Some("full.fgb"));
        assert_eq!(pick(30.0), Some("full.fgb"));
        assert_eq!(pick(-1.0), Some("overview.fgb"));
    }

    #[test]
    fn credits_name_each_source_of_the_drawn_layers_once() {
        let source = |id: &str, attribution: &str| SourceInfo {
            id: id.into(),
            title: String::new(),
            publisher: String::new(),
            licence: String::new(),
            vintage: String::new(),
            url: String::new(),
            sha256: String::new(),
            attribution: attribution.into(),
        };
        let mut epci = layer();
        epci.sources = vec!["ifn".into(), "ign".into(), "ifn-communes".into()];
        let mut deps = layer();
        deps.id = "departements".into();
        deps.sources = vec!["ign".into()];
        let m = Manifest {
            format: MANIFEST_FORMAT,
            build_date: String::new(),
            generator: String::new(),
            layers: vec![epci, deps],
            sources: vec![
                source("ign", "Contours © IGN"),
                source("anct", "Lieux © ANCT"),
                source("ifn", "IFN © La MedNum"),
                source("ifn-communes", "IFN © La MedNum"),
            ],
        };
        assert_eq!(
            m.credits(&["epci", "departements", "absent"]),
            "Sources : Contours © IGN · IFN © La MedNum"
        );
    }

    #[test]
    fn round_trips_through_json() {
        let m = Manifest {
            format: MANIFEST_FORMAT,
            build_date: "2026-11-22".into(),
            generator: "maillage-prep 0.1.0".into(),
            layers: vec![layer()],
            sources: vec![],
        };
        let text = serde_json::to_string(&m).expect("serialise");
        let back: Manifest = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, m);
        assert_eq!(back.layer("epci").map(|l| l.files.len()), Some(3));
    }
}
