//! One map's state between frames: the loaded shapes, the choropleth, the
//! camera and the gesture state. The widget holds one, feeds it inputs and
//! sizes, and replays the display list it returns.

use std::collections::HashMap;

use super::basemap::{fill_opacity, Basemap, Template, TileFrame, TileSource, DEFAULT_MAX_ZOOM};
use super::describe::{cut, describe, Description};
use super::gesture::{Gestures, Input};
use super::labels;
use super::scope::{bbox, Territory};
use super::stream::Loads;
#[cfg(feature = "places")]
use super::zones::Zones;
use super::{Choropleth, Shape};
use crate::geom::camera::Camera;
use crate::geom::mercator::Zoom;
use crate::geom::tiles::TileId;
use crate::manifest::{LayerInfo, Manifest, ValueColumn};
use crate::scene::{DisplayList, Item};
#[cfg(feature = "places")]
use crate::sites::places::Places;
#[cfg(feature = "places")]
use crate::sites::view::SiteHit;
use crate::style::classify::{ClassifyError, Method};
use crate::style::legend::Lang;
use crate::style::palette::Palette;

/// Metropolitan France and Corsica (west, south, east, north): the initial
/// view, since the layers' own extent includes the overseas départements.
pub const METROPOLE: [f64; 4] = [-5.2, 41.3, 9.6, 51.1];

/// Share of the view's width or height a drag may move the last picture
/// before the map is drawn again in full ([`MapView::shift_from`]).
pub const SHIFT_LIMIT: f64 = 0.25;

/// What to read to draw a choropleth layer, decided from the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The choropleth layer's file for the national view (read whole).
    pub layer_path: String,
    /// Its code field (first field: SIREN, INSEE code).
    pub code_field: String,
    /// Its name field (second field).
    pub name_field: String,
    /// The drawn field.
    pub field: String,
    /// Unit of the drawn field, in the widget's language.
    pub unit: String,
    /// Label of the drawn field, in the widget's language (legend title).
    pub label: String,
    /// Classification method, class count and palette.
    pub method: Method,
    /// Number of classes.
    pub classes: usize,
    /// Palette.
    pub palette: Palette,
    /// Base outlines file (départements), if the manifest has one.
    pub outline_path: Option<String>,
    /// The territory the page shows, if scoped (`territory` attribute).
    pub territory: Option<Territory>,
    /// The layer's choropleth fields (name, label in the widget's
    /// language), for the field switcher.
    pub fields: Vec<(String, String)>,
    /// Initial centre and zoom (`view` attribute), instead of fitting
    /// France or the territory: known before any layer is read, so the
    /// detailed level it needs can load alongside the overview.
    pub view: Option<InitialView>,
    /// Raster tiles under the choropleth (`basemap` attributes), if any.
    pub basemap: Option<TileSource>,
    /// The layer's values file and the drawn field's column in it, when the
    /// manifest has them: the classes without the overview
    /// ([`MapView::preview`]).
    pub values: Option<(String, ValueColumn)>,
    /// The territory's box as the manifest gives it
    /// ([`super::scope::territory_box`]), when it lists only départements:
    /// like a `view`, known before any layer is read.
    pub territory_box: Option<[f64; 4]>,
}

/// A plain decimal number ("-1.55", "50.2931", "8"): the digits as an
/// integer divided by a power of ten, both exact in an f64 up to 15 digits,
/// so the one division is correctly rounded. Fraction digits past the 15th
/// are dropped (a change under 1e-15 of the value: what JavaScript prints
/// for a computed coordinate has 17). Written here rather
/// than with `str::parse::<f64>`, whose general algorithm adds about 10 KB
/// to the wasm module for three numbers in an attribute.
pub fn decimal(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if int.len() > 15 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac = frac.get(..frac.len().min(15 - int.len())).unwrap_or(frac);
    let mantissa = int
        .bytes()
        .chain(frac.bytes())
        .fold(0u64, |m, b| m * 10 + u64::from(b - b'0'));
    let scale = (0..frac.len()).fold(1u64, |p, _| p * 10);
    let v = mantissa as f64 / scale as f64;
    Some(if negative { -v } else { v })
}

/// A centre and zoom given by the page (`view="lon lat zoom"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InitialView {
    /// Centre longitude, degrees (−180 to 180).
    pub lon: f64,
    /// Centre latitude, degrees (−85 to 85, Web Mercator's range).
    pub lat: f64,
    /// Zoom, 0 to 22.
    pub zoom: Zoom,
}

impl InitialView {
    /// Parses "lon lat zoom" (spaces or commas): `"2.78, 50.29, 9"`.
    /// Errors are written in `lang`.
    pub fn parse(text: &str, lang: Lang) -> Result<InitialView, String> {
        use crate::i18n::{text as words, Text};
        let numbers: Vec<f64> = text
            .split([',', ' ', '\t', '\n'])
            .filter(|t| !t.is_empty())
            .map(|t| decimal(t).ok_or_else(|| crate::i18n::not_a_number(t, lang)))
            .collect::<Result<_, _>>()?;
        let [lon, lat, zoom] = numbers[..] else {
            return Err(words(Text::ThreeNumbers, lang).into());
        };
        if !(-180.0..=180.0).contains(&lon) || !(-85.0..=85.0).contains(&lat) {
            return Err(words(Text::LonLatRange, lang).into());
        }
        let zoom = Zoom::new(zoom).map_err(|_| words(Text::ZoomRange, lang).to_owned())?;
        Ok(InitialView { lon, lat, zoom })
    }

    /// The camera of this view in a `w`×`h` CSS-pixel map.
    pub fn camera(&self, size: [f64; 2]) -> Camera {
        Camera::new(
            [self.lon, self.lat],
            self.zoom,
            size[0].max(1.0),
            size[1].max(1.0),
        )
    }
}

/// Why a plan cannot be made from a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// No layer with this id (or no choropleth layer at all).
    NoLayer(String),
    /// The layer has no file, no default style or not the named field.
    BadLayer(String),
    /// An attribute value that is not understood.
    BadAttribute(String),
}

impl PlanError {
    /// What is wrong, in `lang` (the quoted attribute as the page wrote it).
    pub fn message(&self, lang: Lang) -> String {
        use crate::i18n::{text, Text};
        match self {
            PlanError::NoLayer(id) => crate::i18n::no_layer(id, lang),
            PlanError::BadLayer(why) => format!("{}{why}", text(Text::UnusableLayer, lang)),
            PlanError::BadAttribute(a) => format!("{}{a}", text(Text::BadAttribute, lang)),
        }
    }
}

/// In French; the widget uses [`PlanError::message`].
impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::Fr))
    }
}

fn overview(layer: &LayerInfo) -> Option<String> {
    layer.file_for_zoom(0.0).map(|f| f.path.clone())
}

/// Longest label or unit from a manifest shown in the legend and the table.
const MAX_LABEL_CHARS: usize = 80;

impl Plan {
    /// The plan for layer `layer` (default: the first choropleth layer) and
    /// field `field` (default: the layer's default style).
    pub fn new(
        manifest: &Manifest,
        layer: Option<&str>,
        field: Option<&str>,
        lang: Lang,
    ) -> Result<Plan, PlanError> {
        use crate::manifest::LayerKind;
        let l = match layer {
            Some(id) => manifest.layer(id),
            None => manifest.layers.iter().find(|l| l.kind == LayerKind::Rates),
        }
        .ok_or_else(|| PlanError::NoLayer(layer.unwrap_or("rates").to_owned()))?;
        let lacks = |what: &str| PlanError::BadLayer(crate::i18n::layer_lacks(&l.id, what, lang));
        let style = l
            .default_style
            .as_ref()
            .ok_or_else(|| lacks("default_style"))?;
        let field = field.unwrap_or(&style.field);
        let def = l.field(field).ok_or_else(|| lacks(field))?;
        let name_of = |i: usize| l.fields.get(i).map(|f| f.name.clone()).unwrap_or_default();
        // Manifest texts go into the legend and the table: one line,
        // without reordering controls, and of a sensible length.
        let text = |l: &crate::manifest::Label| {
            cut(
                if lang == Lang::En { &l.en } else { &l.fr },
                MAX_LABEL_CHARS,
            )
        };
        let unit = def.unit.as_ref().map(text).unwrap_or_default();
        Ok(Plan {
            layer_path: overview(l).ok_or_else(|| lacks("files"))?,
            code_field: name_of(0),
            name_field: name_of(1),
            field: field.to_owned(),
            label: text(&def.label),
            unit,
            method: Method::from_name(&style.method).unwrap_or(Method::Quantiles),
            classes: usize::from(style.classes),
            palette: Palette::from_name(&style.palette).unwrap_or(Palette::Viridis),
            outline_path: manifest.layer("departements").and_then(overview),
            territory: None,
            fields: l
                .fields
                .iter()
                .filter(|f| f.choropleth)
                .map(|f| (f.name.clone(), text(&f.label)))
                .collect(),
            view: None,
            basemap: None,
            territory_box: None,
            values: l
                .values
                .as_ref()
                .and_then(|v| Some((v.path.clone(), v.column(field)?.clone()))),
        })
    }
}

/// Attribute values a page may set on the element, as text (validated by
/// [`Plan::from_attributes`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    /// `layer`: layer id.
    pub layer: Option<String>,
    /// `field`: drawn field.
    pub field: Option<String>,
    /// `method`: quantiles, jenks, equal or manual.
    pub method: Option<String>,
    /// `classes`: 3 to 9.
    pub classes: Option<String>,
    /// `palette`: a palette name.
    pub palette: Option<String>,
    /// `lang`: fr (default) or en.
    pub lang: Option<String>,
    /// `territory`: département codes and EPCI SIRENs.
    pub territory: Option<String>,
    /// `view`: initial "lon lat zoom".
    pub view: Option<String>,
    /// `basemap`: tile URL template with `{z}`, `{x}`, `{y}` (and `{r}`).
    pub basemap: Option<String>,
    /// `basemap-attribution`: the tile provider's credit, plain text.
    pub basemap_attribution: Option<String>,
    /// `basemap-max-zoom`: deepest zoom of the tile server, 0 to 22.
    pub basemap_max_zoom: Option<String>,
}

impl Plan {
    /// The camera a map of this plan starts from, when it is known before
    /// any layer is read (the detailed level it needs then loads beside the
    /// overview): the page's `view`, or the fit of a territory whose box
    /// the manifest gives, as [`MapView::new`] fits it before the panels
    /// are measured. `size` (CSS pixels) is asked only then: measuring the
    /// element lays the page out.
    pub fn early_camera(&self, size: impl FnOnce() -> [f64; 2]) -> Option<Camera> {
        match (self.view, self.territory_box) {
            (Some(v), _) => Some(v.camera(size())),
            (None, Some(b)) => Some(home_camera(b, size())),
            (None, None) => None,
        }
    }

    /// Whether the map is built from its detailed level alone, without
    /// the national overview (1.4 MB for the communes): on a page scoped
    /// to départements without its own `view`, the early load reads the
    /// fit of the territory's box, so it holds every feature of the
    /// territory, with the columns the map keeps (the classes are the
    /// territory's own).
    pub fn map_from_detail(&self) -> bool {
        self.territory.is_some() && self.view.is_none() && self.territory_box.is_some()
    }

    /// The plan for the element's attributes; a value that is not
    /// understood is an error naming the attribute, not a silent default.
    pub fn from_attributes(manifest: &Manifest, a: &Attributes) -> Result<(Plan, Lang), PlanError> {
        let bad = |name: &str, v: &str| PlanError::BadAttribute(format!("{name}=\"{v}\""));
        let lang = match a.lang.as_deref() {
            None => Lang::Fr,
            Some(v) => {
                let primary = v
                    .trim()
                    .split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                match primary.as_str() {
                    "fr" | "en" => Lang::from_tag(v),
                    _ => return Err(bad("lang", v)),
                }
            }
        };
        let mut plan = Plan::new(manifest, a.layer.as_deref(), a.field.as_deref(), lang)?;
        if let Some(v) = a.method.as_deref() {
            plan.method = Method::from_name(v).ok_or_else(|| bad("method", v))?;
        }
        if let Some(v) = a.classes.as_deref() {
            plan.classes = v
                .trim()
                .parse()
                .ok()
                .filter(|k| (3..=9).contains(k))
                .ok_or_else(|| bad("classes", v))?;
        }
        if let Some(v) = a.palette.as_deref() {
            plan.palette = Palette::from_name(v).ok_or_else(|| bad("palette", v))?;
        }
        if let Some(v) = a.territory.as_deref() {
            plan.territory = Some(Territory::parse(v, lang).map_err(|why| {
                PlanError::BadAttribute(crate::i18n::attribute_why(
                    "territory",
                    &cut(v, 60),
                    &why,
                    lang,
                ))
            })?);
            plan.territory_box = plan.territory.as_ref().and_then(|t| {
                let l = manifest.layer_with_overview(&plan.layer_path)?;
                super::scope::territory_box(&l.departement_boxes, t)
            });
        }
        if let Some(v) = a.view.as_deref() {
            plan.view = Some(InitialView::parse(v, lang).map_err(|why| {
                PlanError::BadAttribute(crate::i18n::attribute_why("view", &cut(v, 60), &why, lang))
            })?);
        }
        if let Some(v) = a.basemap.as_deref() {
            let template = Template::parse(v).map_err(|why| {
                let why = crate::i18n::template_error(&why, lang);
                PlanError::BadAttribute(crate::i18n::attribute_why(
                    "basemap",
                    &cut(v, 60),
                    &why,
                    lang,
                ))
            })?;
            let max_zoom = match a.basemap_max_zoom.as_deref() {
                None => DEFAULT_MAX_ZOOM,
                // Parsed as `classes` is (one integer parser in the module).
                Some(z) => z
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|z| *z <= 22)
                    .map(|z| z as u8)
                    .ok_or_else(|| bad("basemap-max-zoom", &cut(z, 20)))?,
            };
            let attribution = a.basemap_attribution.as_deref();
            plan.basemap = Some(TileSource::new(template, max_zoom, attribution, lang));
        }
        Ok((plan, lang))
    }
}

/// The loaded map.
#[derive(Debug, Clone)]
pub struct MapView {
    /// Detailed levels read by range as the view zooms in (see
    /// [`super::stream`]); `None` draws the overviews only.
    pub stream: Option<Loads>,
    /// Position of each choropleth shape by code: a detailed shape takes
    /// its overview shape's id, so hits and the selection do not depend on
    /// the level drawn.
    ids: HashMap<String, usize>,
    /// Choropleth shapes.
    pub shapes: Vec<Shape>,
    /// Base outlines.
    pub outlines: Vec<Shape>,
    /// Classes, colours and legend.
    pub choropleth: Choropleth,
    /// Current camera.
    pub camera: Camera,
    gestures: Gestures,
    /// Legend filter: classes shown (all by default).
    pub visible: Vec<bool>,
    /// Selected shape, if any.
    pub selected: Option<usize>,
    /// Legend title: the field's label and unit.
    pub title: String,
    /// The page's territory and the départements it touches.
    scope: Option<(Territory, Vec<String>)>,
    /// The box of the territory's shapes, on a scoped page.
    scope_box: Option<[f64; 4]>,
    /// Unit shown with values ("%", or none for indices).
    short_unit: String,
    /// Choropleth fields of the layer (name, label) and the drawn one.
    pub fields: Vec<(String, String)>,
    /// The drawn field.
    pub field: String,
    /// What the map fits at start and beside the panels once measured: the
    /// territory, or metropolitan France; `None` with the page's own `view`.
    home: Option<[f64; 4]>,
    /// The camera [`MapView::fit_home`] made, until the reader moves the
    /// map: panels that grow over the territory then (the places' kinds
    /// join the legend, a fold opens) fit it again beside them, and so do
    /// panels that shrink a lot (the fold closed).
    fitted: Option<Camera>,
    /// Screen boxes the page draws over the map (legend, status line), CSS
    /// pixels: fits keep the territory beside them, names avoid them.
    panels: Vec<[f64; 4]>,
    /// Label widths' factor for the page's font ([`labels::text_scale`]).
    text_scale: f64,
    /// Raster tiles under the choropleth, if the page asked for them.
    pub basemap: Option<Basemap>,
    /// Opacity of the choropleth's fills (see [`MapView::set_fill_opacity`]).
    fill_opacity: f64,
    /// The help places, once their table is read (after the first paint).
    #[cfg(feature = "places")]
    pub places: Option<Places>,
    /// The weak coverage zones, once their overview is read.
    #[cfg(feature = "places")]
    pub zones: Option<Zones>,
    /// While the coverage is drawn, the field it replaced, to come back to.
    #[cfg(feature = "places")]
    saved: Option<SavedField>,
    /// The widget's language (the legend's own lines).
    pub lang: Lang,
    /// Each EPCI's illectronism rate (%), when the map draws another
    /// field: the summaries say it all the same.
    #[cfg(feature = "places")]
    pub illectronism: HashMap<String, f64>,
    /// Built by [`MapView::preview`]: streamed shapes are classified by
    /// their value in single precision, as the overview and the values
    /// file keep it, and not named (a name goes where its overview shape
    /// puts it: placed from the detail, it would move when the overview
    /// comes).
    preview: bool,
}

/// The name of the computed coverage field in the field switcher.
pub const COVERAGE_FIELD: &str = "couverture";

/// Inner class breaks of the coverage field, in percent: fixed, so that a
/// territory's colour says how far it is from the goal of every resident
/// within reach, and stays comparable as filters change.
pub const COVERAGE_BREAKS: [f64; 4] = [50.0, 80.0, 95.0, 99.0];

/// A scoped page's département, summarised under the map.
#[cfg(feature = "places")]
#[derive(Debug, Clone, PartialEq)]
pub struct DepartementSummary {
    /// Its name ("Pas-de-Calais"), or its code when the outlines lack it.
    pub name: String,
    /// Its places, population and coverage.
    pub summary: crate::sites::places::Summary,
    /// The coverage said in words, with the threshold.
    pub coverage: Option<String>,
    /// The illectronism rate (population-weighted mean of its EPCIs'),
    /// when the map draws another field.
    pub illectronism: Option<String>,
    /// The drawn field's mean over its EPCIs weighted by their
    /// population, said as such ("Taux d'illectronisme … : 19,2 %
    /// (moyenne …)"); `None` when no EPCI of it has a value.
    pub mean: Option<String>,
}

/// An illectronism rate in words; `mean` says it is the EPCIs' weighted mean.
#[cfg(feature = "places")]
fn illectronism_words(rate: f64, lang: Lang, mean: bool) -> String {
    use crate::style::legend::{format_number, with_unit};
    let v = with_unit(&format_number(rate, 1, lang), "%", lang);
    crate::i18n::places::illectronism_line(&v, mean, lang)
}

/// A file field set aside while the coverage is drawn.
#[cfg(feature = "places")]
#[derive(Debug, Clone)]
struct SavedField {
    field: String,
    title: String,
    short_unit: String,
    choropleth: Choropleth,
    values: Vec<Option<f64>>,
}

/// Opacity of the choropleth's fills under the places' markers.
pub const PLACES_FILL_OPACITY: f64 = 0.6;

/// The camera that fits `fit` (a territory, or metropolitan France) in an
/// element of `size` CSS pixels, before its panels are known.
fn home_camera(fit: [f64; 4], size: [f64; 2]) -> Camera {
    Camera::new(
        [2.2, 46.6],
        Zoom::clamped(5.0),
        size[0].max(1.0),
        size[1].max(1.0),
    )
    .fit_beside(fit, FIT_MARGIN, &[])
}

/// Free space around a fitted territory, CSS pixels.
const FIT_MARGIN: f64 = 8.0;

/// Zoom levels a fit must gain to replace an untouched fit when panels
/// shrink (a fold closed): a quarter, so that a status line wrapping or
/// unwrapping (a few pixels) does not move the map.
const REFIT_GAIN: f64 = 0.25;

/// Zoom levels a fit beside panels that now cover the territory may lose
/// (a third of its size and more): beyond, the panels leave it a strip
/// (a legend unfolded on a small map), and the map stays as it was, partly
/// under them, until they fold.
const PANEL_FIT_LOSS: f64 = 1.5;

/// Maps narrower than this (CSS pixels) start with the legend's classes
/// folded under their title: open, the legend would cover most of a phone
/// screen.
pub const LEGEND_FOLD_BELOW: f64 = 560.0;

/// Maps shorter than this (CSS pixels) are compact: the field switcher
/// goes under the legend's folded title with the classes, and the classes
/// start folded whatever the width. A card or sidebar map of 200 px had
/// the switcher and the title over most of it, and the territory fitted
/// into the strip left (France at zoom 0.6 on a 260 × 200 map).
pub const COMPACT_BELOW: f64 = 360.0;

impl MapView {
    /// Classifies the shapes and frames metropolitan France in a `w`×`h` CSS-pixel view.
    pub fn new(
        plan: &Plan,
        shapes: Vec<Shape>,
        outlines: Vec<Shape>,
        size: [f64; 2],
        lang: Lang,
    ) -> Result<MapView, ClassifyError> {
        Self::classified(plan, shapes, outlines, size, lang, None)
    }

    /// The map of a page that opens on a region, before its overview is
    /// read: no overview shapes, the classes from every feature's value
    /// (the layer's values file), the detail drawn as it streams in
    /// ([`MapView::stream`]). Not for a scoped page, whose classes are its
    /// territory's.
    pub fn preview(
        plan: &Plan,
        values: &[Option<f64>],
        size: [f64; 2],
        lang: Lang,
    ) -> Result<MapView, ClassifyError> {
        let mut view = Self::classified(plan, Vec::new(), Vec::new(), size, lang, Some(values))?;
        view.preview = true;
        Ok(view)
    }

    /// [`MapView::new`], classifying `values` if given, else the shapes'.
    fn classified(
        plan: &Plan,
        shapes: Vec<Shape>,
        outlines: Vec<Shape>,
        size: [f64; 2],
        lang: Lang,
        values: Option<&[Option<f64>]>,
    ) -> Result<MapView, ClassifyError> {
        // A scoped page keeps its territory's shapes, classified among themselves.
        let (shapes, outlines, scope) = match &plan.territory {
            Some(t) => {
                let (kept, deps) = t.filter(shapes);
                let outlines = outlines
                    .into_iter()
                    .filter(|o| deps.contains(&o.code))
                    .collect();
                (kept, outlines, Some((t.clone(), deps)))
            }
            None => (shapes, outlines, None),
        };
        let scope_box = scope.as_ref().and_then(|_| bbox(&shapes));
        let fit = scope_box.unwrap_or(METROPOLE);
        // Class labels carry a short unit ("%"); the legend title the full one.
        let short_unit = if plan.unit.starts_with('%') { "%" } else { "" };
        let values = values.map_or_else(
            || std::borrow::Cow::Owned(super::values_of(&shapes)),
            std::borrow::Cow::Borrowed,
        );
        let choropleth = Choropleth::new(
            &values,
            &plan.method,
            plan.classes,
            plan.palette,
            short_unit,
            lang,
        )?;
        let camera = plan
            .view
            .map_or_else(|| home_camera(fit, size), |v| v.camera(size));
        let visible = vec![true; choropleth.classification.classes()];
        let title = if plan.unit.is_empty() {
            plan.label.clone()
        } else {
            format!("{} ({})", plan.label, plan.unit)
        };
        let ids = shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.code.is_empty())
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        // An overview shape is its own overview: a national view's frame
        // looks none up by code (1,253 string hashes on its first frame).
        for (i, s) in shapes.iter().enumerate() {
            let _ = s.overview.set(Some(i));
        }
        Ok(MapView {
            stream: None,
            ids,
            shapes,
            outlines,
            choropleth,
            camera,
            gestures: Gestures::default(),
            visible,
            selected: None,
            title,
            scope,
            short_unit: short_unit.to_owned(),
            fields: plan.fields.clone(),
            field: plan.field.clone(),
            // A page's own `view` is kept: nothing to fit.
            home: plan.view.is_none().then_some(fit),
            fitted: None,
            scope_box,
            panels: Vec::new(),
            text_scale: 1.0,
            fill_opacity: fill_opacity("", plan.basemap.is_some()),
            basemap: plan.basemap.clone().map(Basemap::new),
            #[cfg(feature = "places")]
            places: None,
            #[cfg(feature = "places")]
            zones: None,
            #[cfg(feature = "places")]
            saved: None,
            lang,
            #[cfg(feature = "places")]
            illectronism: HashMap::new(),
            preview: false,
        })
    }

    /// The index of a streamed shape's overview shape. Not looked up (nor
    /// kept) while the map has no overview shapes ([`MapView::preview`]).
    fn overview_of(&self, s: &Shape) -> Option<usize> {
        if self.preview {
            return None;
        }
        s.overview_index(|code| self.ids.get(code).copied())
    }

    /// The value a streamed shape is classified by: its overview shape's,
    /// or its own (in single precision, as the values file has it, when
    /// the classes come from there).
    fn streamed_value(&self, s: &Shape, overview: Option<&Shape>) -> Option<f64> {
        match overview {
            Some(o) => o.value,
            None if self.preview => s.value.map(|v| f64::from(v as f32)),
            None => s.value,
        }
    }

    /// Whether a (streamed) shape belongs to the page's territory.
    fn in_scope(&self, s: &Shape) -> bool {
        self.scope.as_ref().is_none_or(|(t, _)| t.contains(s))
    }

    /// Whether a (streamed) outline is one of the territory's départements.
    fn outline_in_scope(&self, s: &Shape) -> bool {
        self.scope
            .as_ref()
            .is_none_or(|(_, deps)| deps.contains(&s.code))
    }

    /// Whether the legend's classes start unfolded: not on a narrow map
    /// ([`LEGEND_FOLD_BELOW`]) nor on a compact one.
    pub fn legend_starts_open(&self) -> bool {
        self.camera.width() >= LEGEND_FOLD_BELOW && !self.compact()
    }

    /// Whether the map is short enough for a compact legend
    /// ([`COMPACT_BELOW`]).
    pub fn compact(&self) -> bool {
        self.camera.height() < COMPACT_BELOW
    }

    /// Takes the screen boxes (`[x0, y0, x1, y1]`, CSS pixels from the
    /// map's top-left corner) of the panels over the map, as the page laid
    /// them out; non-finite or empty boxes are dropped. Returns whether the
    /// boxes kept changed: a page's resize observer reports panels already
    /// measured (the legend filled before the first drawing), which need
    /// no drawing again. While the camera is still the one
    /// [`MapView::fit_home`] made, panels that now cover the territory fit
    /// it again (unless that leaves it a strip, [`PANEL_FIT_LOSS`]), and
    /// panels that leave it much more room ([`REFIT_GAIN`]) too.
    pub fn set_panels(&mut self, panels: &[[f64; 4]]) -> bool {
        let kept: Vec<[f64; 4]> = panels
            .iter()
            .filter(|r| r.iter().all(|v| v.is_finite()) && r[2] > r[0] && r[3] > r[1])
            .copied()
            .collect();
        let changed = kept != self.panels;
        self.panels = kept;
        if changed && self.untouched() {
            let zoom = self.camera.zoom().get();
            let covered = self.home_covered();
            let fit = self.home_fit();
            let worth = |f: &Camera| {
                let z = f.zoom().get();
                (covered && z >= zoom - PANEL_FIT_LOSS) || z > zoom + REFIT_GAIN
            };
            if let Some(fit) = fit.filter(worth) {
                self.take_fit(fit);
            }
        }
        changed
    }

    /// The camera that fits the territory (or metropolitan France) beside
    /// the panels; `None` with the page's own `view`.
    fn home_fit(&self) -> Option<Camera> {
        let home = self.home?;
        Some(self.camera.fit_beside(home, FIT_MARGIN, &self.panels))
    }

    /// Whether the camera is still the fit [`MapView::fit_home`] made: the
    /// reader has not moved the map.
    fn untouched(&self) -> bool {
        self.fitted == Some(self.camera)
    }

    /// Moves to a fit of the territory, remembered as untouched.
    fn take_fit(&mut self, fit: Camera) {
        self.camera = fit;
        self.fitted = Some(fit);
    }

    /// Whether a panel now covers part of the territory (or metropolitan
    /// France) as drawn.
    fn home_covered(&self) -> bool {
        let Some([w, s, e, n]) = self.home else {
            return false;
        };
        let [x0, y1] = self.camera.project(w, s);
        let [x1, y0] = self.camera.project(e, n);
        self.panels
            .iter()
            .any(|p| p[0] < x1 && x0 < p[2] && p[1] < y1 && y0 < p[3])
    }

    /// Takes the loads that stream the map's detail: on a scoped page they
    /// read only what its territory needs ([`Loads::with_scope`], with the
    /// box of its own shapes, whatever the manifest said).
    pub fn set_stream(&mut self, loads: Option<Loads>) {
        self.stream = match (loads, self.scope_box) {
            (Some(l), Some(b)) => Some(l.with_scope(b)),
            (loads, _) => loads,
        };
    }

    /// Fits the territory (or metropolitan France) again, beside the panels.
    pub fn fit_home(&mut self) {
        if let Some(fit) = self.home_fit() {
            self.take_fit(fit);
        }
    }

    /// Adapts label widths to the page's font from the measured width (CSS
    /// pixels) of [`labels::REFERENCE`] in the label font.
    pub fn calibrate_text(&mut self, measured_px: f64) {
        self.text_scale = labels::text_scale(measured_px);
    }

    /// Follows the element's size (CSS pixels) and the screen's density,
    /// keeping the view's centre and zoom once the reader has moved the
    /// map; a map still at its territory's fit fits it again at the new
    /// size. A map built while hidden (in a closed `<details>`, a tab not
    /// shown: 0 × 0) fits its territory when it is shown, instead of
    /// keeping the fit of a 1-pixel map (zoom 0, a dot).
    pub fn resize(&mut self, w: f64, h: f64, device_pixel_ratio: f64) {
        let untouched = self.untouched();
        self.camera = self
            .camera
            .with_size(w.max(1.0), h.max(1.0))
            .with_dpr(device_pixel_ratio);
        if untouched {
            self.fit_home();
        }
    }

    /// Takes the page's `--maillage-fill-opacity` (empty when unset): see
    /// [`fill_opacity`] for its values and defaults.
    pub fn set_fill_opacity(&mut self, css: &str) {
        self.fill_opacity = fill_opacity(css, self.basemap.is_some());
    }

    /// The opacity fills are drawn with; the legend's swatches use it too,
    /// so they look like the map over a light basemap.
    pub fn fill_opacity(&self) -> f64 {
        if self.shows_places() {
            self.fill_opacity.min(PLACES_FILL_OPACITY)
        } else {
            self.fill_opacity
        }
    }

    /// The basemap's frame for the current camera (drawn under
    /// [`MapView::frame`]), or `None` without a basemap.
    pub fn tiles(&mut self) -> Option<TileFrame> {
        let camera = self.camera;
        Some(self.basemap.as_mut()?.frame(&camera))
    }

    /// A tile image finished loading (`ok`) or failed.
    pub fn tile_done(&mut self, tile: TileId, ok: bool) {
        if let Some(b) = self.basemap.as_mut() {
            b.done(tile, ok);
        }
    }

    /// Applies one input; a click selects the shape under it (or clears the selection).
    pub fn input(&mut self, input: Input) {
        match input {
            Input::Key(super::gesture::Key::Next) => return self.select_step(1),
            Input::Key(super::gesture::Key::Previous) => return self.select_step(-1),
            _ => {}
        }
        let out = self.gestures.apply(self.camera, input);
        self.camera = out.camera;
        if let Some([x, y]) = out.click {
            let hit = self.frame().hit(x as f32, y as f32);
            #[cfg(feature = "places")]
            match hit.and_then(SiteHit::of) {
                Some(SiteHit::Site(i)) => return self.select_site(Some(i)),
                Some(SiteHit::Cluster(i)) => return self.open_cluster(i),
                None => self.select_site(None),
            }
            self.selected = hit.map(|i| i as usize).filter(|i| *i < self.shapes.len());
        }
    }

    /// Whether places are drawn over the choropleth.
    fn shows_places(&self) -> bool {
        #[cfg(feature = "places")]
        return self.places.is_some();
        #[cfg(not(feature = "places"))]
        false
    }

    /// Selects a place (its card opens), or clears the place selection.
    #[cfg(feature = "places")]
    pub fn select_site(&mut self, site: Option<usize>) {
        if let Some(p) = self.places.as_mut() {
            p.sites.selected = site.filter(|&i| i < p.sites.table.sites.len());
            if p.sites.selected.is_some() {
                self.selected = None;
            }
        }
    }

    #[cfg(feature = "places")]
    /// A tap on a cluster: zoom to fit its places (two levels at most,
    /// centred on it), or list them when they share one spot.
    fn open_cluster(&mut self, i: usize) {
        let Some(p) = self.places.as_ref() else {
            return;
        };
        let Some(g) = p.sites.groups(&self.camera).into_iter().nth(i) else {
            return;
        };
        let mut b = crate::geom::EMPTY_BOX;
        for &m in &g.members {
            if let Some(s) = p.sites.table.sites.get(m as usize) {
                crate::geom::grow_box(&mut b, s.lon_lat[0], s.lon_lat[1]);
            }
        }
        let z = self.camera.zoom().get();
        let fitted = if b[2] - b[0] > 1e-7 || b[3] - b[1] > 1e-7 {
            self.camera.fit_beside(b, 48.0, &self.panels)
        } else {
            self.camera.with_center([b[0], b[1]])
        };
        let zoom = crate::num::ClampTo::clamp_to(fitted.zoom().get(), z + 1.0, z + 2.0).min(19.0);
        self.camera = self
            .camera
            .with_center(fitted.center())
            .with_zoom(Zoom::clamped(zoom));
        if z >= 18.0 {
            // Places at one address: the first one's card lists them.
            self.select_site(g.members.first().map(|&m| m as usize));
        }
    }

    /// While a drag is under way, the offset (CSS px) by which the picture
    /// drawn for `drawn` can be moved to show the current camera, instead of
    /// drawing every shape in every frame (as Leaflet does); `None` when a
    /// full drawing is due: no drag, zoom or size changed, or the picture
    /// moved by more than [`SHIFT_LIMIT`] of the view since it was drawn
    /// (the uncovered strip grows with the offset).
    pub fn shift_from(&self, drawn: &Camera) -> Option<[f64; 2]> {
        if !self.gestures.pressed() {
            return None;
        }
        let [dx, dy] = drawn.offset_to(&self.camera)?;
        let small = dx.abs() <= SHIFT_LIMIT * self.camera.width()
            && dy.abs() <= SHIFT_LIMIT * self.camera.height();
        small.then_some([dx, dy])
    }

    /// The shape under a screen point of `frame` (the list last drawn, so
    /// hovering does not rebuild it), described for a tooltip.
    pub fn describe_at(
        &self,
        frame: &DisplayList,
        x: f64,
        y: f64,
        lang: Lang,
    ) -> Option<Description> {
        let i = frame.hit(x as f32, y as f32)? as usize;
        self.describe(i, lang)
    }

    /// Unit shown with values ("%", or none for indices).
    pub fn short_unit(&self) -> &str {
        &self.short_unit
    }

    /// An EPCI's coverage in words, once the places are read.
    pub fn coverage_text_of(&self, code: &str, lang: Lang) -> Option<String> {
        #[cfg(feature = "places")]
        return self.places.as_ref()?.coverage_text(code, lang);
        #[cfg(not(feature = "places"))]
        {
            let _ = (code, lang);
            None
        }
    }

    /// An EPCI's coverage (0–1) and what it measures, once the places are
    /// read: the table's column.
    pub fn coverage_of(&self, code: &str, lang: Lang) -> Option<(f64, String)> {
        #[cfg(feature = "places")]
        let found = self
            .places
            .as_ref()
            .and_then(|p| Some((p.coverage_of(code)?, p.coverage_label(lang))));
        #[cfg(not(feature = "places"))]
        let found = {
            let _ = (code, lang);
            None
        };
        found
    }

    /// The selected shape, described for the detail panel and the
    /// `maillage:select` event.
    pub fn describe_selected(&self, lang: Lang) -> Option<Description> {
        self.describe(self.selected?, lang)
    }

    fn describe(&self, i: usize, lang: Lang) -> Option<Description> {
        let s = self.shapes.get(i)?;
        let class = s
            .value
            .and_then(|v| self.choropleth.classification.class_of(v));
        let mut d = describe(
            s,
            &self.short_unit,
            class,
            self.choropleth.classification.classes(),
            lang,
        );
        d.coverage = self.coverage_text_of(&s.code, lang);
        Some(d)
    }

    /// Moves the view to `lon`, `lat` at `zoom` (the element's `setView`);
    /// non-finite coordinates or a zoom outside 0–22 are refused.
    pub fn set_view(&mut self, lon: f64, lat: f64, zoom: f64) -> Result<(), String> {
        if !(lon.is_finite() && lat.is_finite()) {
            return Err("longitude ou latitude invalide".into());
        }
        let zoom = Zoom::new(zoom).map_err(|e| e.to_string())?;
        self.camera = self.camera.with_zoom(zoom).with_center([lon, lat]);
        Ok(())
    }

    /// Selects the territory of a code (a shared link's `epci:CODE`); an
    /// unknown code clears the selection.
    pub fn select_code(&mut self, code: &str) {
        self.selected = self.ids.get(code).copied();
    }

    /// The selected territory's code, for a shared link.
    pub fn selected_code(&self) -> Option<&str> {
        self.selected
            .and_then(|i| self.shapes.get(i))
            .map(|s| s.code.as_str())
    }

    /// Toggles a legend class on or off.
    pub fn toggle_class(&mut self, class: usize) {
        if let Some(v) = self.visible.get_mut(class) {
            *v = !*v;
        }
    }

    /// Tells the stream where the camera is; `Some(id)` when a new view
    /// load started (the glue cancels the previous one's fetches).
    pub fn sync_stream(&mut self) -> Option<u64> {
        let camera = self.camera;
        self.stream.as_mut()?.set_view(&camera)
    }

    /// The display list for the current camera: the choropleth (fills at
    /// the fill opacity, over a basemap), the base outlines, then the names
    /// that fit ([`labels::place`]).
    pub fn frame(&self) -> DisplayList {
        let mut d = self.opaque_frame();
        // Under places, the choropleth steps back so that markers read.
        let opacity = self.fill_opacity();
        if opacity < 1.0 {
            for item in &mut d.items {
                if let Item::Polygon { style, .. } = item {
                    style.fill = style.fill.map(|c| c.faded(opacity));
                    if let Some(h) = style.hatch.as_mut() {
                        h.ink = h.ink.faded(opacity);
                    }
                }
            }
        }
        #[cfg(feature = "places")]
        if let Some(z) = &self.zones {
            let streamed = z
                .stream
                .zip(self.stream.as_ref())
                .and_then(|(i, s)| s.shapes_in(i, self.camera.bounds(), &z.shapes, &|_| None));
            let keep = |s: &Shape| self.in_scope(s);
            match streamed {
                Some(shapes) => z.draw(&mut d, &self.camera, shapes, keep),
                None => z.draw(&mut d, &self.camera, &z.shapes, keep),
            }
        }
        #[cfg(feature = "places")]
        if let Some(p) = &self.places {
            d.items.extend(p.sites.items(&self.camera));
        }
        d
    }

    /// Takes the places once read: the coverage is offered as a field and
    /// a scoped page's départements are summarised.
    #[cfg(feature = "places")]
    pub fn set_places(&mut self, mut places: Places, lang: Lang) {
        if let Some((t, _)) = &self.scope {
            places.set_departements(&t.departements());
        }
        self.places = Some(places);
        self.offer_coverage(lang);
    }

    /// An EPCI's illectronism rate in words, when the map draws another
    /// field and the layer has it ("Illectronisme (INSEE, 2019) : 17,3 %
    /// des 15 ans et plus").
    #[cfg(feature = "places")]
    pub fn illectronism_text(&self, code: &str, lang: Lang) -> Option<String> {
        self.illectronism
            .get(code)
            .map(|&v| illectronism_words(v, lang, false))
    }

    /// The summaries of a scoped page's départements, in its order.
    #[cfg(feature = "places")]
    pub fn departement_summaries(&self, lang: Lang) -> Vec<DepartementSummary> {
        use crate::style::legend::{format_number, with_unit};
        let (Some((t, _)), Some(p)) = (&self.scope, &self.places) else {
            return Vec::new();
        };
        t.departements()
            .iter()
            .filter_map(|code| {
                let summary = p.departement_summary(code)?;
                let name = self
                    .outlines
                    .iter()
                    .find(|o| &o.code == code)
                    .map_or_else(|| code.clone(), |o| o.name.clone());
                let (sum, weight) = self
                    .shapes
                    .iter()
                    .filter(|s| s.departements.split(',').any(|d| d.trim() == code))
                    .filter_map(|s| Some((s.value?, p.epci_population(&s.code)?)))
                    .fold((0.0, 0.0), |(a, w), (v, pop)| (a + v * pop, w + pop));
                let mean = (weight > 0.0).then(|| {
                    let value = with_unit(
                        &format_number(sum / weight, 1, lang),
                        &self.short_unit,
                        lang,
                    );
                    crate::i18n::places::titled_value(&self.title, &value, true, lang)
                });
                // The illectronism rate too, when another field is drawn.
                let (sum, weight) = self
                    .shapes
                    .iter()
                    .filter(|s| s.departements.split(',').any(|d| d.trim() == code))
                    .filter_map(|s| {
                        Some((
                            *self.illectronism.get(&s.code)?,
                            p.epci_population(&s.code)?,
                        ))
                    })
                    .fold((0.0, 0.0), |(a, w), (v, pop)| (a + v * pop, w + pop));
                let illectronism =
                    (weight > 0.0).then(|| illectronism_words(sum / weight, lang, true));
                let coverage = summary
                    .coverage
                    .map(|c| crate::i18n::places::coverage_text(c, p.minutes, p.mode, lang));
                Some(DepartementSummary {
                    name,
                    summary,
                    coverage,
                    mean,
                    illectronism,
                })
            })
            .collect()
    }

    /// Offers the coverage of the shown places in the field switcher, once
    /// the places are read and when the choropleth's territories are the
    /// EPCIs the coverage is computed for.
    #[cfg(feature = "places")]
    pub fn offer_coverage(&mut self, lang: Lang) {
        let Some(p) = &self.places else { return };
        let values = p.coverage_percent();
        let label = p.coverage_label(lang);
        let fits = self.shapes.iter().any(|s| values.contains_key(&s.code));
        match self.fields.iter_mut().find(|(f, _)| f == COVERAGE_FIELD) {
            Some(entry) => entry.1 = label,
            None if fits => self.fields.push((COVERAGE_FIELD.to_owned(), label)),
            None => {}
        }
    }

    /// Draws `field` without reading anything: the coverage, or back the
    /// file field it replaced. `false` when the field must be read (the
    /// glue then reloads with it).
    #[cfg(feature = "places")]
    pub fn show_field(&mut self, field: &str, lang: Lang) -> bool {
        if field == COVERAGE_FIELD {
            if self.saved.is_none() {
                self.saved = Some(SavedField {
                    field: self.field.clone(),
                    title: self.title.clone(),
                    short_unit: self.short_unit.clone(),
                    choropleth: self.choropleth.clone(),
                    values: super::values_of(&self.shapes),
                });
            }
            return self.refresh_coverage(lang);
        }
        match self.saved.take() {
            Some(saved) if saved.field == field => {
                for (s, v) in self.shapes.iter_mut().zip(saved.values) {
                    s.value = v;
                }
                self.visible = vec![true; saved.choropleth.classification.classes()];
                let patterns = self.choropleth.patterns;
                (self.field, self.title, self.short_unit, self.choropleth) =
                    (saved.field, saved.title, saved.short_unit, saved.choropleth);
                self.choropleth.patterns = patterns;
                true
            }
            other => {
                self.saved = other;
                false
            }
        }
    }

    /// Recomputes the coverage field's values and legend (after a filter
    /// or threshold change), when it is drawn; `false` when it cannot be
    /// (no places, or no EPCI has a value).
    #[cfg(feature = "places")]
    pub fn refresh_coverage(&mut self, lang: Lang) -> bool {
        if self.saved.is_none() {
            return false;
        }
        let Some(p) = &self.places else { return false };
        let values = p.coverage_percent();
        let title = format!("{} (%)", p.coverage_label(lang));
        for s in &mut self.shapes {
            s.value = values.get(&s.code).copied();
        }
        let method = Method::Manual(COVERAGE_BREAKS.to_vec());
        let classes = COVERAGE_BREAKS.len() + 1;
        match Choropleth::new(
            &super::values_of(&self.shapes),
            &method,
            classes,
            Palette::YlGnBu,
            "%",
            lang,
        ) {
            Ok(c) => {
                self.visible = vec![true; c.classification.classes()];
                // The reader's choice of patterns stays.
                self.choropleth = Choropleth {
                    patterns: self.choropleth.patterns,
                    ..c
                };
                self.field = COVERAGE_FIELD.to_owned();
                self.title = title;
                self.short_unit = "%".to_owned();
                true
            }
            Err(_) => false,
        }
    }

    /// The legend of the exported picture: the classes and no data with
    /// their counts, the zones when drawn, the kinds of the shown places.
    #[cfg(feature = "places")]
    pub fn image_keys(&self, lang: Lang) -> Vec<crate::share::image::Key> {
        use crate::scene::Rgba;
        use crate::share::image::Key;
        use crate::style::legend::format_number;
        let rgba = |c: crate::style::palette::Rgb| Rgba([c.r, c.g, c.b, 255]);
        let counted =
            |label: &str, n: usize| format!("{label} ({})", format_number(n as f64, 0, lang));
        let c = &self.choropleth;
        let legend = &c.legend;
        let classes = legend.classes.iter().enumerate().map(|(k, e)| Key {
            fill: rgba(e.color),
            hatch: c.class_hatch(k),
            round: false,
            label: counted(&e.label, e.count),
        });
        let no_data = std::iter::once(&legend.no_data)
            .filter(|e| e.count > 0)
            .map(|e| Key {
                fill: rgba(e.color),
                hatch: Some(crate::scene::Hatch::diagonal(rgba(
                    crate::style::palette::NO_DATA.hatch,
                ))),
                round: false,
                label: counted(&e.label, e.count),
            });
        let mut keys: Vec<Key> = classes.chain(no_data).collect();
        if let Some(z) = self.zones.as_ref().filter(|z| z.shown) {
            keys.push(Key {
                fill: Rgba([255, 255, 255, 255]),
                hatch: Some(crate::scene::Hatch::diagonal(super::zones::ZONE_INK)),
                round: false,
                label: z.title.clone(),
            });
        }
        keys.extend(self.place_keys(lang));
        keys
    }

    /// The kinds of the shown places with their counts ("Médiathèque
    /// (95)"), as discs of their marker colour: the legend of the places.
    #[cfg(feature = "places")]
    pub fn place_keys(&self, lang: Lang) -> Vec<crate::share::image::Key> {
        use crate::style::legend::format_number;
        let Some(p) = &self.places else {
            return Vec::new();
        };
        crate::sites::table::KINDS
            .iter()
            .zip(p.sites.selection.by_kind)
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| crate::share::image::Key {
                fill: crate::scene::Rgba([k.color.r, k.color.g, k.color.b, 255]),
                hatch: None,
                round: true,
                label: format!("{} ({})", k.label(lang), format_number(n as f64, 0, lang)),
            })
            .collect()
    }

    /// Takes the zones' overview: they stream with the other layers from
    /// the next view load on (a scoped page draws its territory's own).
    #[cfg(feature = "places")]
    pub fn set_zones(&mut self, mut zones: Zones, layer: super::stream::StreamLayer) {
        zones.stream = self.stream.as_mut().map(|s| s.push(layer));
        self.zones = Some(zones);
    }

    /// The frame at full opacity: streamed shapes where loaded, else the
    /// overviews, then the names.
    fn opaque_frame(&self) -> DisplayList {
        let view = self.camera.bounds();
        let streamed = self.stream.as_ref().and_then(|stream| {
            let link = |s: &Shape| self.overview_of(s);
            let shapes = stream.shapes_in(0, view, &self.shapes, &link);
            let outlines = stream.shapes_in(1, view, &self.outlines, &|_| None);
            (shapes.is_some() || outlines.is_some()).then_some((shapes, outlines))
        });
        let (mut d, shapes) = match streamed {
            // A detailed level is loading or loaded: what it has in view,
            // in the territory, the overview elsewhere.
            Some((shapes, outlines)) => {
                let shapes: Vec<&Shape> = shapes
                    .unwrap_or_else(|| self.shapes.iter().collect())
                    .into_iter()
                    .filter(|s| self.in_scope(s))
                    .collect();
                let outlines: Vec<&Shape> = outlines
                    .unwrap_or_else(|| self.outlines.iter().collect())
                    .into_iter()
                    .filter(|s| self.outline_in_scope(s))
                    .collect();
                (self.frame_of(&shapes, &outlines), shapes)
            }
            None => (
                self.choropleth.frame(
                    &self.camera,
                    &self.shapes,
                    &self.outlines,
                    Some(&self.visible),
                ),
                self.shapes.iter().collect(),
            ),
        };
        if self.preview {
            return d;
        }
        // A detailed shape is named where its overview shape would be: the
        // overview's few vertices give the same place for a name at a tenth
        // of the cost, computed once for all levels (points have no room).
        let shown = shapes
            .into_iter()
            .map(|s| {
                let overview = self.overview_of(s).and_then(|i| self.shapes.get(i));
                (s, overview)
            })
            .filter(|(s, o)| {
                let value = self.streamed_value(s, *o);
                self.choropleth.shows(value, Some(&self.visible))
            })
            .map(|(s, o)| o.filter(|o| o.point().is_none()).unwrap_or(s));
        d.items.extend(labels::place(
            &self.camera,
            shown,
            self.text_scale,
            &self.panels,
        ));
        d
    }

    /// The frame of streamed shapes: each drawn as [`Choropleth::frame`]
    /// draws it, under its overview shape's id and with its value (the
    /// same in every level's file, or the computed field's).
    fn frame_of(&self, shapes: &[&Shape], outlines: &[&Shape]) -> DisplayList {
        let mut d = DisplayList::default();
        for &s in shapes {
            let (id, value) = match self
                .overview_of(s)
                .and_then(|i| Some((i, self.shapes.get(i)?)))
            {
                Some((i, o)) => (i as u32, o.value),
                None => (u32::MAX - 1, self.streamed_value(s, None)),
            };
            self.choropleth
                .push_shape(&mut d, &self.camera, id, s, value, Some(&self.visible));
        }
        for &s in outlines {
            let one = self
                .choropleth
                .frame(&self.camera, &[], std::slice::from_ref(s), None);
            d.items.extend(one.items);
        }
        d
    }
}

/// Fixtures shared by the map's tests.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;
    use crate::manifest::{DefaultStyle, FieldDef, FieldKind, Label, LayerFile, LayerKind};

    /// A plan for a synthetic EPCI layer ("rate", %, Jenks, 4 classes).
    pub(crate) fn plan() -> Plan {
        let field = |name: &str, unit: Option<&str>| FieldDef {
            name: name.into(),
            kind: FieldKind::Real,
            label: Label::new(name, name),
            unit: unit.map(|u| Label::new(u, u)),
            description: None,
            range: None,
            choropleth: unit.is_some(),
        };
        let m = Manifest {
            format: crate::manifest::MANIFEST_FORMAT,
            build_date: String::new(),
            generator: String::new(),
            layers: vec![LayerInfo {
                id: "epci".into(),
                kind: LayerKind::Rates,
                title: Label::new("epci", "epci"),
                geometry: "MultiPolygon".into(),
                feature_count: 1,
                bbox: [0.0; 4],
                files: vec![LayerFile {
                    path: "epci-overview.fgb".into(),
                    min_zoom: 0.0,
                    max_zoom: 24.0,
                    tolerance_m: 0.0,
                    bytes: 1,
                    sha256: String::new(),
                    indexed: false,
                    fields: vec![],
                    gzip_bytes: None,
                }],
                fields: vec![
                    field("siren", None),
                    field("name", None),
                    field("rate", Some("%")),
                ],
                default_style: Some(DefaultStyle {
                    field: "rate".into(),
                    method: "jenks".into(),
                    classes: 3,
                    palette: "viridis".into(),
                }),
                sources: vec![],
                note: None,
                table: None,
                values: None,
                departement_boxes: String::new(),
            }],
            sources: vec![],
        };
        Plan::new(&m, None, None, Lang::Fr).expect("plan")
    }

    /// A 1° square territory at longitude `x`, latitude 46–47.
    pub(crate) fn square(code: &str, name: &str, x: f64, value: Option<f64>) -> Shape {
        Shape {
            code: code.into(),
            name: name.into(),
            value,
            parts: vec![vec![vec![
                [x, 46.0],
                [x + 1.0, 46.0],
                [x + 1.0, 47.0],
                [x, 47.0],
                [x, 46.0],
            ]]],
            ..Shape::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{
        DefaultStyle, FieldDef, FieldKind, Label, LayerFile, LayerKind, MANIFEST_FORMAT,
    };

    fn manifest() -> Manifest {
        let field = |name: &str, unit: Option<&str>| FieldDef {
            name: name.into(),
            kind: FieldKind::Real,
            label: Label::new(name, name),
            unit: unit.map(|u| Label::new(u, "pct")),
            description: None,
            range: None,
            choropleth: unit.is_some(),
        };
        let file = |path: &str, min: f64, max: f64| LayerFile {
            path: path.into(),
            min_zoom: min,
            max_zoom: max,
            tolerance_m: 0.0,
            bytes: 1,
            sha256: String::new(),
            indexed: true,
            fields: vec![],
            gzip_bytes: None,
        };
        let layer = |id: &str, kind: LayerKind, style: bool| LayerInfo {
            id: id.into(),
            kind,
            title: Label::new(id, id),
            geometry: "MultiPolygon".into(),
            feature_count: 1,
            bbox: [0.0; 4],
            files: vec![
                file(&format!("{id}-overview.fgb"), 0.0, 7.0),
                file(&format!("{id}.fgb"), 7.0, 24.0),
            ],
            fields: vec![
                field("siren", None),
                field("name", None),
                field("rate", Some("%")),
            ],
            default_style: style.then(|| DefaultStyle {
                field: "rate".into(),
                method: "jenks".into(),
                classes: 4,
                palette: "cividis".into(),
            }),
            sources: vec![],
            note: None,
            table: None,
            values: None,
            departement_boxes: String::new(),
        };
        Manifest {
            format: MANIFEST_FORMAT,
            build_date: String::new(),
            generator: String::new(),
            layers: vec![
                layer("departements", LayerKind::Base, false),
                layer("epci", LayerKind::Rates, true),
            ],
            sources: vec![],
        }
    }

    /// A small synthetic EPCI of Pas-de-Calais near 50° N.
    #[cfg(feature = "places")]
    fn epci_square(code: &str, x: f64, v: f64) -> Shape {
        Shape {
            code: code.into(),
            value: Some(v),
            departements: "62".into(),
            parts: vec![vec![vec![
                [x, 50.0],
                [x + 0.2, 50.0],
                [x + 0.2, 50.2],
                [x, 50.0],
            ]]],
            ..Shape::default()
        }
    }

    /// The coverage of the shown places drawn as a field in place of the
    /// file's, recomputed with the filters, then the file's field back.
    #[cfg(feature = "places")]
    #[test]
    fn the_coverage_is_a_field_that_follows_the_filters() {
        use crate::sites::filter::Filter;
        let p = Plan::new(&manifest(), None, None, Lang::Fr).expect("plan");
        let shapes = vec![
            epci_square("200000001", 2.7, 12.5),
            epci_square("200000002", 3.1, 20.0),
        ];
        let mut v = MapView::new(&p, shapes, vec![], [800.0, 600.0], Lang::Fr).expect("view");
        assert!(!v.show_field(COVERAGE_FIELD, Lang::Fr), "no places yet");
        v.places = Some(crate::sites::places::tests::places());
        v.offer_coverage(Lang::Fr);
        let label = "Habitants à moins de 15 min en voiture d'un lieu affiché";
        assert_eq!(
            v.fields.last(),
            Some(&(COVERAGE_FIELD.to_owned(), label.to_owned()))
        );
        assert!(v.show_field(COVERAGE_FIELD, Lang::Fr));
        let values: Vec<Option<f64>> = v.shapes.iter().map(|s| s.value).collect();
        assert_eq!(values, [Some(100.0), Some(25.0)]);
        assert_eq!(v.title, format!("{label} (%)"));
        let class = |v: &MapView, i: usize| {
            v.choropleth
                .classification
                .class_of(v.shapes[i].value.expect("value"))
        };
        assert_eq!((class(&v, 0), class(&v, 1)), (Some(4), Some(0)));
        // Painted in those classes' colours.
        let fills: Vec<_> = v
            .opaque_frame()
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Polygon { feature, style, .. } => Some((*feature, style.fill)),
                _ => None,
            })
            .collect();
        let colour = |k: usize| {
            let c = v.choropleth.colors[k];
            Some(crate::scene::Rgba([c.r, c.g, c.b, 255]))
        };
        assert_eq!(fills, [(0, colour(4)), (1, colour(0))]);
        let d = v.describe(1, Lang::Fr).expect("described");
        assert_eq!(d.value, "25,0\u{202f}%");
        // France Services only: the second EPCI loses its library.
        let mut f = Filter::default();
        f.add("kind", 0);
        v.places.as_mut().expect("places").set_filter(f, 0.0);
        assert!(v.refresh_coverage(Lang::Fr));
        assert_eq!(v.shapes[1].value, Some(0.0));
        // Another file field needs a reload; the replaced one comes back.
        assert!(!v.show_field("other", Lang::Fr));
        assert!(v.show_field("rate", Lang::Fr));
        let values: Vec<Option<f64>> = v.shapes.iter().map(|s| s.value).collect();
        assert_eq!(values, [Some(12.5), Some(20.0)]);
        assert_eq!((v.field.as_str(), v.title.as_str()), ("rate", "rate (%)"));
        assert!(!v.refresh_coverage(Lang::Fr), "not drawn any more");
    }

    /// A page scoped to a département summarises it: places, population,
    /// coverage, and the drawn field's mean weighted by population.
    #[cfg(feature = "places")]
    #[test]
    fn a_scoped_departement_is_summarised() {
        let mut p = Plan::new(&manifest(), None, None, Lang::Fr).expect("plan");
        p.territory = Some(Territory::parse("62", Lang::Fr).expect("territory"));
        let shapes = vec![
            epci_square("200000001", 2.7, 12.5),
            epci_square("200000002", 3.1, 20.0),
        ];
        let outline = Shape {
            name: "Pas-de-Calais".into(),
            ..epci_square("62", 2.0, 0.0)
        };
        let mut v =
            MapView::new(&p, shapes, vec![outline], [800.0, 600.0], Lang::Fr).expect("view");
        assert!(
            v.departement_summaries(Lang::Fr).is_empty(),
            "no places yet"
        );
        v.set_places(crate::sites::places::tests::places(), Lang::Fr);
        let s = v.departement_summaries(Lang::Fr);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].name, "Pas-de-Calais");
        assert_eq!((s[0].summary.population, s[0].summary.places), (6_000.0, 2));
        assert_eq!(
            s[0].coverage.as_deref(),
            Some("75\u{a0}% des habitants à moins de 15 min en voiture d'un lieu affiché (estimation)")
        );
        assert_eq!(s[0].illectronism, None, "not in the file");
        v.illectronism = [
            ("200000001".to_owned(), 18.0),
            ("200000002".to_owned(), 24.0),
        ]
        .into();
        // (18 × 4,000 + 24 × 2,000) / 6,000 = 20.
        let with = v.departement_summaries(Lang::Fr);
        assert_eq!(
            with[0].illectronism.as_deref(),
            Some("Illectronisme (INSEE, 2019) : 20,0\u{202f}% des 15 ans et plus (moyenne des intercommunalités pondérée par leur population)")
        );
        assert_eq!(
            v.illectronism_text("200000002", Lang::Fr).as_deref(),
            Some("Illectronisme (INSEE, 2019) : 24,0\u{202f}% des 15 ans et plus")
        );
        // (12.5 × 4,000 + 20 × 2,000) / 6,000 = 15.
        assert_eq!(
            s[0].mean.as_deref(),
            Some("rate (%) : 15,0\u{202f}% (moyenne des intercommunalités pondérée par leur population)")
        );
    }

    #[test]
    fn zones_plan_from_the_manifest() {
        use crate::map::zones::ZonesPlan;
        let mut m = manifest();
        assert_eq!(ZonesPlan::new(&m, Lang::Fr), None);
        let mut zones = m.layers[0].clone();
        zones.id = "zones".into();
        zones.kind = LayerKind::Zones;
        zones.title = Label::new("Zones 4G faible", "Weak 4G zones");
        zones.note = Some(Label::new("Dérivées de l'IFN.", "Derived from the IFN."));
        zones.files[0].path = "zones-overview.fgb".into();
        m.layers.push(zones);
        let z = ZonesPlan::new(&m, Lang::En).expect("zones");
        assert_eq!(z.overview_path, "zones-overview.fgb");
        assert_eq!(
            (z.title.as_str(), z.note.as_str()),
            ("Weak 4G zones", "Derived from the IFN.")
        );
        assert_eq!((z.layer.code.as_str(), z.layer.files.len()), ("id", 2));
    }

    #[test]
    fn plans_from_the_manifest() {
        let m = manifest();
        let p = Plan::new(&m, None, None, Lang::Fr).expect("plan");
        assert_eq!(p.layer_path, "epci-overview.fgb");
        assert_eq!(
            (
                p.code_field.as_str(),
                p.name_field.as_str(),
                p.field.as_str()
            ),
            ("siren", "name", "rate")
        );
        assert_eq!(
            (p.method.name(), p.classes, p.palette),
            ("jenks", 4, Palette::Cividis)
        );
        assert_eq!(p.outline_path.as_deref(), Some("departements-overview.fgb"));
        assert_eq!(p.unit, "%");
        assert_eq!(p.label, "rate");
        assert_eq!(
            p.fields,
            vec![("rate".to_string(), "rate".to_string())],
            "choropleth fields only"
        );
        assert_eq!(
            Plan::new(&m, None, None, Lang::En).map(|p| p.unit),
            Ok("pct".into())
        );
        assert_eq!(
            Plan::new(&m, Some("nope"), None, Lang::Fr),
            Err(PlanError::NoLayer("nope".into()))
        );
        assert!(matches!(
            Plan::new(&m, None, Some("zzz"), Lang::Fr),
            Err(PlanError::BadLayer(_))
        ));
    }

    #[test]
    fn attributes_override_the_default_style() {
        let m = manifest();
        let a = Attributes {
            method: Some("quantiles".into()),
            classes: Some("7".into()),
            palette: Some("blues".into()),
            lang: Some("en".into()),
            ..Attributes::default()
        };
        let (p, lang) = Plan::from_attributes(&m, &a).expect("plan");
        assert_eq!(
            (p.method.name(), p.classes, p.palette, lang),
            ("quantiles", 7, Palette::Blues, Lang::En)
        );
        let v = Attributes {
            view: Some(" 2.78, 50.29 ,9 ".into()),
            ..Attributes::default()
        };
        let (p, _) = Plan::from_attributes(&m, &v).expect("plan");
        let view = p.view.expect("view");
        assert_eq!(decimal("-1.55"), Some(-1.55));
        assert_eq!(decimal("50.2931"), Some(50.2931));
        assert_eq!(decimal("+.5"), Some(0.5));
        assert_eq!(decimal("8."), Some(8.0));
        let long = decimal("49.97326493993767").expect("17 digits");
        assert!((long - 49.973_264_939_937_67).abs() < 1e-12, "{long}");
        for bad in [
            "",
            ".",
            "-",
            "1e3",
            "NaN",
            "inf",
            "1.2.3",
            "0x10",
            "1234567890123456.5",
        ] {
            assert_eq!(decimal(bad), None, "{bad}");
        }
        assert_eq!((view.lon, view.lat, view.zoom.get()), (2.78, 50.29, 9.0));
        let cam = view.camera([800.0, 600.0]);
        assert_eq!(cam.project(2.78, 50.29), [400.0, 300.0]);
        for (a, text) in [
            (
                Attributes {
                    classes: Some("12".into()),
                    ..Attributes::default()
                },
                "classes=\"12\"",
            ),
            (
                Attributes {
                    palette: Some("rainbow".into()),
                    ..Attributes::default()
                },
                "palette=\"rainbow\"",
            ),
            (
                Attributes {
                    method: Some("<b>".into()),
                    ..Attributes::default()
                },
                "method=\"<b>\"",
            ),
            (
                Attributes {
                    lang: Some("de".into()),
                    ..Attributes::default()
                },
                "lang=\"de\"",
            ),
            (
                Attributes {
                    view: Some("2.78 50.29".into()),
                    ..Attributes::default()
                },
                "view=\"2.78 50.29\" : trois nombres attendus : longitude latitude zoom",
            ),
            (
                Attributes {
                    view: Some("2.78 95 9".into()),
                    ..Attributes::default()
                },
                "view=\"2.78 95 9\" : longitude entre −180 et 180, latitude entre −85 et 85",
            ),
            (
                Attributes {
                    view: Some("2.78 50.29 23".into()),
                    ..Attributes::default()
                },
                "view=\"2.78 50.29 23\" : zoom entre 0 et 22",
            ),
        ] {
            assert_eq!(
                Plan::from_attributes(&m, &a).map(|_| ()),
                Err(PlanError::BadAttribute(text.into()))
            );
        }
    }

    #[test]
    fn a_territory_keeps_its_shapes_and_fits_them() {
        let m = manifest();
        let a = Attributes {
            territory: Some("62".into()),
            ..Attributes::default()
        };
        let (p, _) = Plan::from_attributes(&m, &a).expect("plan");
        let square = |x: f64, deps: &str, v: f64| Shape {
            code: format!("{x}"),
            departements: deps.into(),
            value: Some(v),
            parts: vec![vec![vec![
                [x, 50.0],
                [x + 0.5, 50.0],
                [x + 0.5, 50.5],
                [x, 50.5],
                [x, 50.0],
            ]]],
            ..Shape::default()
        };
        let shapes = vec![
            square(1.0, "62", 1.0),
            square(2.0, "59, 62", 2.0),
            square(3.0, "59", 3.0),
            square(4.0, "62", 4.0),
            square(-1.0, "76", 5.0),
        ];
        let outlines = vec![
            Shape {
                code: "62".into(),
                ..Shape::default()
            },
            Shape {
                code: "59".into(),
                ..Shape::default()
            },
            Shape {
                code: "76".into(),
                ..Shape::default()
            },
        ];
        let v = MapView::new(&p, shapes, outlines, [800.0, 600.0], Lang::Fr).expect("view");
        let codes: Vec<&str> = v.shapes.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(codes, ["1", "2", "4"]);
        let outline_codes: Vec<&str> = v.outlines.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(outline_codes, ["62", "59"]);
        assert_eq!(
            v.choropleth.classification.counts.iter().sum::<usize>(),
            3,
            "classified among themselves"
        );
        let b = v.camera.bounds();
        assert!(
            b[0] <= 1.0 && b[2] >= 4.5 && b[2] - b[0] < 6.0,
            "fitted to the territory: {b:?}"
        );
        // Its detail is read for the territory only: a view that shows
        // more of the 59 than the load holds starts no other load, as it
        // would on a page not scoped.
        let near = Camera::new([2.75, 50.25], Zoom::clamped(8.0), 800.0, 600.0);
        let east = Camera::new([6.0, 50.25], Zoom::clamped(8.0), 800.0, 600.0);
        let mut v = v;
        v.set_stream(Some(Loads::for_plan(&m, &p, 3)));
        let scoped = v.stream.as_mut().expect("stream");
        assert_eq!(scoped.set_view(&near), Some(1));
        assert_eq!(scoped.set_view(&east), None);
        let mut plain = Loads::for_plan(&m, &p, 3);
        assert_eq!(plain.set_view(&near), Some(1));
        assert_eq!(plain.set_view(&east), Some(2));
        let bad = Attributes {
            territory: Some("62;abc".into()),
            ..Attributes::default()
        };
        assert!(matches!(
            Plan::from_attributes(&m, &bad),
            Err(PlanError::BadAttribute(_))
        ));
    }

    /// Only a page scoped to départements, whose box the manifest gives,
    /// without its own view, is built from its early load alone.
    #[test]
    fn a_map_from_its_detail_needs_the_territorys_box_and_no_view() {
        let m = manifest();
        let scoped = Attributes {
            territory: Some("62".into()),
            ..Attributes::default()
        };
        let (mut p, _) = Plan::from_attributes(&m, &scoped).expect("plan");
        assert!(!p.map_from_detail(), "no box in the manifest");
        p.territory_box = Some([1.55, 50.02, 3.19, 51.0]);
        assert!(p.map_from_detail());
        p.view = Some(InitialView {
            lon: 2.78,
            lat: 50.29,
            zoom: Zoom::clamped(9.0),
        });
        assert!(!p.map_from_detail(), "the view need not hold the territory");
        let (mut national, _) = Plan::from_attributes(&m, &Attributes::default()).expect("plan");
        national.territory_box = Some([1.55, 50.02, 3.19, 51.0]);
        assert!(!national.map_from_detail(), "classes of the whole layer");
    }

    #[test]
    fn basemap_attributes_and_translucent_fills() {
        let m = manifest();
        let a = Attributes {
            basemap: Some(" https://tiles.example.org/{z}/{x}/{y}.png ".into()),
            basemap_attribution: Some("<b>© OSM</b>".into()),
            basemap_max_zoom: Some("16".into()),
            ..Attributes::default()
        };
        let (p, _) = Plan::from_attributes(&m, &a).expect("plan");
        let source = p.basemap.clone().expect("a basemap");
        assert_eq!(
            (source.attribution.as_str(), source.max_zoom),
            ("<b>© OSM</b>", 16)
        );
        let with = |basemap: &str, max_zoom: Option<&str>| Attributes {
            basemap: Some(basemap.into()),
            basemap_max_zoom: max_zoom.map(Into::into),
            ..Attributes::default()
        };
        for (a, text) in [
            (
                with("javascript:alert(1)//{z}/{x}/{y}", None),
                "basemap=\"javascript:alert(1)//{z}/{x}/{y}\" : adresse « javascript: » refusée, http(s) ou relative seulement",
            ),
            (
                with("/t/{z}/{x}.png", None),
                "basemap=\"/t/{z}/{x}.png\" : {y} absent du modèle",
            ),
            (with("/{z}/{x}/{y}", Some("23")), "basemap-max-zoom=\"23\""),
        ] {
            assert_eq!(
                Plan::from_attributes(&m, &a).map(|_| ()),
                Err(PlanError::BadAttribute(text.into()))
            );
        }

        let square = Shape {
            code: "1".into(),
            value: Some(1.0),
            parts: vec![vec![vec![
                [0.0, 45.0],
                [1.0, 45.0],
                [1.0, 46.0],
                [0.0, 46.0],
                [0.0, 45.0],
            ]]],
            ..Shape::default()
        };
        let alpha = |v: &MapView| match &v.frame().items[0] {
            Item::Polygon { style, .. } => style.fill.map(|c| c.0[3]),
            Item::Label { .. } | Item::Marker { .. } => None,
        };
        let mut v =
            MapView::new(&p, vec![square.clone()], vec![], [512.0, 512.0], Lang::Fr).expect("view");
        assert_eq!(alpha(&v), Some(191), "0.75 over a basemap by default");
        v.set_fill_opacity("1");
        assert_eq!((alpha(&v), v.fill_opacity()), (Some(255), 1.0));
        let tiles = v.tiles().expect("a basemap frame");
        let z = v.camera.zoom().get().round() as u8;
        assert!(!tiles.fetch.is_empty());
        assert!(tiles.fetch.iter().all(|(t, url)| t.z == z
            && *url == format!("https://tiles.example.org/{z}/{}/{}.png", t.x, t.y)));
        v.tile_done(tiles.fetch[0].0, true);
        assert_eq!(v.tiles().map(|t| t.draw.len()), Some(1));

        let plain = Plan::new(&m, None, None, Lang::Fr).expect("plan");
        let mut v =
            MapView::new(&plain, vec![square], vec![], [512.0, 512.0], Lang::Fr).expect("view");
        assert_eq!(alpha(&v), Some(255), "opaque without a basemap");
        assert_eq!(v.tiles(), None);
        v.set_fill_opacity("50%");
        assert_eq!(alpha(&v), Some(128));
    }

    #[test]
    fn view_frames_france_selects_and_filters() {
        let p = Plan::new(&manifest(), None, None, Lang::Fr).expect("plan");
        let square = |x: f64, v: f64| Shape {
            code: format!("{x}"),
            name: String::new(),
            departements: String::new(),
            epci: String::new(),
            value: Some(v),
            parts: vec![vec![vec![
                [x, 46.0],
                [x + 1.0, 46.0],
                [x + 1.0, 47.0],
                [x, 47.0],
                [x, 46.0],
            ]]],
            ..Shape::default()
        };
        let shapes: Vec<Shape> = (0..8).map(|i| square(-4.0 + i as f64, i as f64)).collect();
        let mut v = MapView::new(&p, shapes, vec![], [1024.0, 768.0], Lang::Fr).expect("view");
        let z = v.camera.zoom().get();
        assert!((z - 6.2).abs() < 0.1, "France fits at zoom {z}");
        // Click on shape 3's centre selects it.
        let c = v.camera.project(-0.5, 46.5);
        v.input(Input::Down {
            id: 1,
            x: c[0],
            y: c[1],
        });
        v.input(Input::Up { id: 1 });
        assert_eq!(v.selected, Some(3));
        // A drag moves the last picture while it stays within a quarter of
        // the view; past that, or once released, the map is drawn in full.
        let drawn = v.camera;
        assert_eq!(v.shift_from(&drawn), None, "no drag");
        v.input(Input::Down {
            id: 2,
            x: 500.0,
            y: 400.0,
        });
        v.input(Input::Move {
            id: 2,
            x: 540.0,
            y: 390.0,
        });
        let [dx, dy] = v.shift_from(&drawn).expect("shift");
        assert!((dx - 40.0).abs() < 1e-9 && (dy + 10.0).abs() < 1e-9);
        v.input(Input::Move {
            id: 2,
            x: 800.0,
            y: 390.0,
        });
        assert_eq!(v.shift_from(&drawn), None, "300 px > 256 px");
        v.input(Input::Up { id: 2 });
        v.camera = drawn;
        let d = v.describe_selected(Lang::Fr).expect("described");
        assert_eq!(
            (d.value.as_str(), d.class.as_deref()),
            ("3,0\u{202f}%", Some("classe 2 sur 4"))
        );
        let c5 = v.camera.project(1.5, 46.5);
        assert_eq!(
            v.describe_at(&v.frame(), c5[0], c5[1], Lang::Fr)
                .map(|d| d.code),
            Some("1".into())
        );
        let before = v.camera;
        assert!(v.set_view(f64::NAN, 50.0, 8.0).is_err());
        assert!(v.set_view(2.78, 50.29, 30.0).is_err());
        assert_eq!(v.camera, before, "refused views leave the camera alone");
        v.set_view(2.78, 50.29, 8.0).expect("valid view");
        assert_eq!(v.camera.zoom().get(), 8.0);
        assert!((v.camera.center()[0] - 2.78).abs() < 1e-9);
        v.camera = before;
        v.toggle_class(0);
        assert_eq!(v.visible, vec![false, true, true, true]);
        assert_eq!(v.frame().items.len(), 8);
        v.resize(500.0, 400.0, 2.0);
        assert_eq!(v.camera.device_size(), [1000, 800]);
        assert_eq!(
            v.frame().items.len(),
            7,
            "the westernmost square is now off screen"
        );
    }

    /// The labels of a frame: text (lines joined), centre and screen box.
    fn labels_of(v: &MapView, frame: &DisplayList) -> Vec<(String, [f64; 4])> {
        frame
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Label {
                    lines,
                    x,
                    y,
                    size,
                    leading,
                    ..
                } => {
                    let w = lines.iter().map(|l| labels::text_em(l)).fold(0.0, f64::max)
                        * f64::from(*size)
                        * v.text_scale;
                    let h = lines.len() as f64 * f64::from(*leading);
                    let (x, y) = (f64::from(*x), f64::from(*y));
                    Some((
                        lines.join(" "),
                        [x - w / 2.0, y - h / 2.0, x + w / 2.0, y + h / 2.0],
                    ))
                }
                Item::Polygon { .. } | Item::Marker { .. } => None,
            })
            .collect()
    }

    /// A page scoped to the Pas-de-Calais (plus `extra` attributes) over
    /// six half-degree squares in a row along 50° N, T0 to T5: T5 is in
    /// the Nord, the others in the Pas-de-Calais; an 800 × 600 map.
    fn row_of_squares(extra: Attributes) -> MapView {
        let a = Attributes {
            territory: Some("62".into()),
            ..extra
        };
        let (p, _) = Plan::from_attributes(&manifest(), &a).expect("plan");
        let square = |i: usize, deps: &str| Shape {
            code: format!("{i}"),
            name: format!("T{i}"),
            departements: deps.into(),
            value: Some(i as f64),
            parts: vec![vec![vec![
                [i as f64, 50.0],
                [i as f64 + 0.5, 50.0],
                [i as f64 + 0.5, 50.5],
                [i as f64, 50.5],
                [i as f64, 50.0],
            ]]],
            ..Shape::default()
        };
        let shapes = (0..6)
            .map(|i| square(i, if i == 5 { "59" } else { "62" }))
            .collect();
        MapView::new(&p, shapes, vec![], [800.0, 600.0], Lang::Fr).expect("view")
    }

    #[test]
    fn panels_that_change_fit_the_territory_again_until_the_reader_moves_the_map() {
        let mut v = row_of_squares(Attributes::default());
        let legend = [500.0, 8.0, 792.0, 200.0];
        v.set_panels(&[legend]);
        v.fit_home();
        let first = v.camera;
        // The legend grows (the places' kinds come after the map): the
        // territory fits again, clear of it.
        let taller = [500.0, 8.0, 792.0, 420.0];
        assert!(v.set_panels(&[taller]));
        assert_ne!(v.camera, first);
        for [lon, lat] in [[0.0, 50.0], [0.0, 50.5], [4.5, 50.0], [4.5, 50.5]] {
            let [x, y] = v.camera.project(lon, lat);
            let under = x >= taller[0] && x <= taller[2] && y >= taller[1] && y <= taller[3];
            assert!(!under, "{lon},{lat} at {x},{y} under {taller:?}");
        }
        // Back to the first legend, or a wider status line clear of the
        // territory: nothing is covered, nothing moves.
        let refit = v.camera;
        assert!(v.set_panels(&[legend]));
        assert_eq!(v.camera, refit);
        let [_, bottom] = v.camera.project(0.0, 50.0);
        let status = [8.0, bottom + 4.0, 300.0, bottom + 36.0];
        assert!(v.set_panels(&[legend, status]));
        assert_eq!(v.camera, refit, "{status:?}");
        // Taller again: it covers the territory as now drawn, which fits
        // again, as from the first fit.
        assert!(v.set_panels(&[[500.0, 8.0, 792.0, 560.0]]));
        assert_ne!(v.camera, refit);
        // On a phone, an open legend leaves a strip of 14 px; folded, it
        // leaves much more room, and the fit follows. A status line that
        // unwraps (20 px) moves nothing.
        let mut phone = row_of_squares(Attributes::default());
        phone.resize(320.0, 420.0, 2.0);
        let wrapped = [8.0, 360.0, 200.0, 412.0];
        phone.set_panels(&[[8.0, 8.0, 312.0, 330.0], wrapped]);
        phone.fit_home();
        let open = phone.camera.zoom().get();
        assert!(phone.set_panels(&[[8.0, 8.0, 312.0, 90.0], wrapped]));
        let folded = phone.camera;
        assert!(
            folded.zoom().get() > open + 1.0,
            "{open} → {:?}",
            folded.zoom()
        );
        assert!(phone.set_panels(&[[8.0, 8.0, 312.0, 90.0], [8.0, 380.0, 200.0, 412.0]]));
        assert_eq!(phone.camera, folded);
        // The reader unfolds the legend again: fitted beside it, the row
        // would shrink to its strip; it stays as it is, partly under it,
        // and is still the fit (folding it again moves nothing).
        assert!(phone.set_panels(&[[8.0, 8.0, 312.0, 330.0], wrapped]));
        assert_eq!(phone.camera, folded);
        assert!(phone.set_panels(&[[8.0, 8.0, 312.0, 90.0], wrapped]));
        assert_eq!(phone.camera, folded);
        // Once the reader has moved the map, panels no longer move it.
        v.set_view(2.0, 50.2, 9.0).expect("view");
        let moved = v.camera;
        assert!(v.set_panels(&[taller]));
        assert_eq!(v.camera, moved);
        // Nor a page's own view.
        let mut own = row_of_squares(Attributes {
            view: Some("2 50.2 8".into()),
            ..Attributes::default()
        });
        own.set_panels(&[legend]);
        own.fit_home();
        let fixed = own.camera;
        assert!(own.set_panels(&[taller]));
        assert_eq!(own.camera, fixed);
    }

    #[test]
    fn a_map_built_hidden_fits_its_territory_when_shown_until_the_reader_moves_it() {
        // Built in a closed <details>: the page measured 0 × 0.
        let mut v = row_of_squares(Attributes::default());
        v.resize(0.0, 0.0, 1.0);
        v.fit_home();
        assert_eq!(v.camera.zoom().get(), 0.0, "a 1-pixel map's fit");
        // Shown at 800 × 600: the territory (T0 to T4, 0° to 4.5° E, 50°
        // to 50.5° N) fills the map, as a map built visible does.
        v.resize(800.0, 600.0, 2.0);
        let mut visible = row_of_squares(Attributes::default());
        visible.resize(800.0, 600.0, 2.0);
        visible.fit_home();
        assert_eq!(v.camera, visible.camera);
        let [x0, _] = v.camera.project(0.0, 50.0);
        let [x1, _] = v.camera.project(4.5, 50.0);
        assert!(x0 > 0.0 && x1 < 800.0 && x1 - x0 > 600.0, "{x0} to {x1}");
        // A phone turned sideways: fitted again.
        v.resize(600.0, 800.0, 2.0);
        let [x0, _] = v.camera.project(0.0, 50.0);
        let [x1, _] = v.camera.project(4.5, 50.0);
        assert!(x0 > 0.0 && x1 < 600.0 && x1 - x0 > 450.0, "{x0} to {x1}");
        // Moved by the reader: a resize keeps the view's centre and zoom.
        v.set_view(2.0, 50.2, 9.0).expect("view");
        v.resize(800.0, 600.0, 2.0);
        let [lon, lat] = v.camera.center();
        assert!((lon - 2.0).abs() < 1e-9 && (lat - 50.2).abs() < 1e-9);
        assert_eq!(v.camera.zoom().get(), 9.0);
        // A page's own view is kept too.
        let mut own = row_of_squares(Attributes {
            view: Some("2 50.2 8".into()),
            ..Attributes::default()
        });
        own.resize(0.0, 0.0, 1.0);
        own.fit_home();
        own.resize(800.0, 600.0, 1.0);
        assert_eq!(own.camera.zoom().get(), 8.0);
    }

    #[test]
    fn names_follow_the_legend_filter_the_territory_and_the_panels() {
        let mut v = row_of_squares(Attributes::default());
        let names = |v: &MapView| -> Vec<String> {
            let mut n: Vec<String> = labels_of(v, &v.frame()).into_iter().map(|l| l.0).collect();
            n.sort();
            n
        };
        // T5 is in the Nord, outside the page's territory.
        assert_eq!(names(&v), ["T0", "T1", "T2", "T3", "T4"]);
        // Classes (jenks, 4 classes of 0..4): hiding the first hides T0's name.
        assert_eq!(v.choropleth.classification.class_of(0.0), Some(0));
        v.toggle_class(0);
        assert_eq!(names(&v), ["T1", "T2", "T3", "T4"]);
        v.toggle_class(0);
        // A panel over T4's square keeps its name away, and the fit moves
        // the territory beside it.
        let t4 = v.camera.project(4.25, 50.25);
        let panel = [t4[0] - 30.0, 0.0, 800.0, t4[1] + 30.0];
        assert!(v.set_panels(&[panel, [f64::NAN, 0.0, 1.0, 1.0]]));
        assert_eq!(v.panels, [panel]);
        // The same boxes again (an empty one dropped as before): no change.
        assert!(!v.set_panels(&[panel, [0.0, 0.0, 0.0, 5.0]]));
        assert!(v.set_panels(&[[panel[0] + 1.0, panel[1], panel[2], panel[3]]]));
        assert!(v.set_panels(&[panel]));
        assert_eq!(names(&v), ["T0", "T1", "T2", "T3"]);
        v.fit_home();
        // The long row of squares goes below the panel, where it is drawn larger.
        let [x0, y0] = v.camera.project(0.0, 50.5);
        let [x1, _] = v.camera.project(4.5, 50.0);
        assert!(y0 >= panel[3] + 8.0 - 1e-9, "{y0} below {panel:?}");
        assert!(x0 >= 8.0 - 1e-9 && x1 <= 792.0 + 1e-9, "{x0} {x1}");
        assert_eq!(names(&v), ["T0", "T1", "T2", "T3", "T4"]);
        // A narrow map starts with its legend folded.
        assert!(v.legend_starts_open());
        assert!(!v.compact());
        v.resize(320.0, 420.0, 1.0);
        assert!(!v.legend_starts_open());
        assert!(!v.compact());
        // A short one too, however wide, and its legend is compact.
        v.resize(800.0, 359.0, 1.0);
        assert!(!v.legend_starts_open());
        assert!(v.compact());
        v.resize(800.0, 360.0, 1.0);
        assert!(v.legend_starts_open());
        assert!(!v.compact());
    }

    /// A preview classes a streamed shape by its value in single precision,
    /// as the values file and the overview hold it; a map with its
    /// overview, by its own.
    #[test]
    fn a_preview_classes_streamed_values_in_single_precision() {
        let p = super::tests_support::plan();
        let values: Vec<Option<f64>> = [0.1f32, 0.2, 0.3, 5.0, 9.0]
            .iter()
            .map(|v| Some(f64::from(*v)))
            .collect();
        let preview = MapView::preview(&p, &values, [400.0, 300.0], Lang::Fr).expect("preview");
        let s = super::tests_support::square("a", "A", 0.0, Some(0.1));
        assert_eq!(preview.streamed_value(&s, None), Some(f64::from(0.1f32)));
        assert_ne!(f64::from(0.1f32), 0.1);
        let full =
            MapView::new(&p, vec![s.clone()], vec![], [400.0, 300.0], Lang::Fr).expect("view");
        assert_eq!(full.streamed_value(&s, None), Some(0.1));
        assert_eq!(preview.choropleth.legend.classes.len(), 3);
    }

    /// The built manifest's text and the bytes of layer `file`, when built.
    fn real_files(file: &str) -> Option<(String, Vec<u8>)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/layers/");
        match (
            std::fs::read_to_string(format!("{dir}manifest.json")),
            std::fs::read(format!("{dir}{file}")),
        ) {
            (Ok(json), Ok(bytes)) => Some((json, bytes)),
            _ => {
                eprintln!("www/layers not built: skipped");
                None
            }
        }
    }

    /// A MapView of the real EPCI layer's `file` (read whole, as the overview
    /// is), when built (`cargo run --release -p maillage-prep -- build --out www/layers`).
    fn real_view(file: &str) -> Option<MapView> {
        let (json, bytes) = real_files(file)?;
        let m = Manifest::from_json(&json).expect("manifest");
        let p = Plan::new(&m, Some("epci"), None, Lang::Fr).expect("plan");
        let (_, shapes) =
            crate::map::shapes_from_file(&bytes, &p.code_field, &p.name_field, &p.field)
                .expect("decode");
        MapView::new(&p, shapes, vec![], [1024.0, 768.0], Lang::Fr).ok()
    }

    fn inside(rings: &[Vec<[f64; 2]>], p: [f64; 2]) -> bool {
        let mut odd = false;
        for r in rings {
            for w in r.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (a[1] > p[1]) != (b[1] > p[1])
                    && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
                {
                    odd = !odd;
                }
            }
        }
        odd
    }

    fn no_overlaps(labels: &[(String, [f64; 4])]) {
        for (i, (na, a)) in labels.iter().enumerate() {
            for (nb, b) in &labels[i + 1..] {
                let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
                assert!(apart, "{na} {a:?} overlaps {nb} {b:?}");
            }
        }
    }

    #[test]
    fn real_epci_names_at_france_region_and_arras_zooms() {
        let (Some(mut national), Some(mut medium)) =
            (real_view("epci-overview.fgb"), real_view("epci-medium.fgb"))
        else {
            return;
        };
        // France at zoom 5.4: EPCIs are 10 to 40 px wide, names do not fit.
        national.set_view(2.2, 46.6, 5.4).expect("view");
        let france = labels_of(&national, &national.frame());
        assert!(france.len() <= 3, "{france:?}");
        // Hauts-de-France at 7.5 (medium level): some names, none overlapping.
        medium.set_view(2.82, 49.96, 7.5).expect("view");
        let region = labels_of(&medium, &medium.frame());
        assert!(region.len() >= 4, "{} names: {region:?}", region.len());
        no_overlaps(&region);
        // Arras at zoom 9: its name inside its polygon.
        medium.set_view(2.78, 50.29, 9.0).expect("view");
        let arras = labels_of(&medium, &medium.frame());
        no_overlaps(&arras);
        let (_, b) = arras
            .iter()
            .find(|(n, _)| n == "CU d'Arras")
            .unwrap_or_else(|| panic!("no CU d'Arras in {arras:?}"));
        let shape = medium
            .shapes
            .iter()
            .find(|s| s.code == "200033579")
            .expect("CU d'Arras");
        // Its middle line and middle column lie inside it.
        let rings: Vec<Vec<[f64; 2]>> = shape.parts.iter().flatten().cloned().collect();
        let (cx, cy) = ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
        for (x, y) in [(b[0], cy), (b[2], cy), (cx, b[1]), (cx, b[3]), (cx, cy)] {
            let p = medium.camera.unproject(x, y);
            assert!(inside(&rings, p), "{p:?} of {b:?} outside Arras");
        }
    }

    /// Where a regional page's first paint goes on the main thread, stage
    /// by stage (decoding the national overview, building the view,
    /// first frame of the Hauts-de-France view, next frame):
    /// `cargo test --release -p maillage --lib regional_stages -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn regional_stages() {
        let Some((json, bytes)) = real_files("epci-overview.fgb") else {
            return;
        };
        let ms = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1000.0;
        for _ in 0..3 {
            let m = Manifest::from_json(&json).expect("manifest");
            let p = Plan::new(&m, Some("epci"), None, Lang::Fr).expect("plan");
            let t = std::time::Instant::now();
            let (_, shapes) =
                crate::map::shapes_from_file(&bytes, &p.code_field, &p.name_field, &p.field)
                    .expect("decode");
            let decode = ms(t);
            let t = std::time::Instant::now();
            let mut v = MapView::new(&p, shapes, vec![], [1024.0, 768.0], Lang::Fr).expect("view");
            let build = ms(t);
            v.set_view(2.82, 49.96, 7.4).expect("view");
            let t = std::time::Instant::now();
            let first = v.frame();
            let first_ms = ms(t);
            let t = std::time::Instant::now();
            let again = v.frame();
            let next_ms = ms(t);
            let (_, shapes) =
                crate::map::shapes_from_file(&bytes, &p.code_field, &p.name_field, &p.field)
                    .expect("decode");
            let mut home =
                MapView::new(&p, shapes, vec![], [1024.0, 768.0], Lang::Fr).expect("view");
            home.fit_home();
            let t = std::time::Instant::now();
            let france = home.frame();
            println!(
                "overview {} bytes: decode {decode:.1} ms, view {build:.1} ms, Hauts-de-France first frame {first_ms:.1} ms ({} items), next frame {next_ms:.1} ms ({} items), France first frame {:.1} ms ({} items)",
                bytes.len(),
                first.items.len(),
                again.items.len(),
                ms(t),
                france.items.len()
            );
        }
    }

    /// Frame time with and without names, Hauts-de-France at zoom 7.5 with
    /// every medium EPCI loaded: `cargo test --release -p maillage --lib
    /// frame_time -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn frame_time_with_names() {
        let Some(mut v) = real_view("epci-medium.fgb") else {
            return;
        };
        v.set_view(2.82, 49.96, 7.5).expect("view");
        let time = |f: &mut dyn FnMut()| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        };
        let first = time(&mut || {
            v.frame();
        });
        let median = |mut xs: Vec<f64>| {
            xs.sort_by(f64::total_cmp);
            xs[xs.len() / 2]
        };
        let mut frames = Vec::new();
        let mut placing = Vec::new();
        for i in 0..60 {
            // Pan a few pixels each frame, as a drag does.
            v.camera = v.camera.pan_by(if i % 2 == 0 { 4.0 } else { -4.0 }, 0.0);
            frames.push(time(&mut || {
                v.frame();
            }));
            let shapes: Vec<&Shape> = v.shapes.iter().collect();
            placing.push(time(&mut || {
                labels::place(&v.camera, shapes.iter().copied(), 1.0, &[]);
            }));
        }
        let (frame, place) = (median(frames), median(placing));
        println!(
            "{} shapes: first frame {first:.2} ms (anchors computed); then frame {frame:.2} ms \
             median, of which names {place:.2} ms ({} placed)",
            v.shapes.len(),
            labels_of(&v, &v.frame()).len()
        );
    }
}
