//! The map model between decoded features and the display list: territory
//! shapes with their value, the choropleth (classification, palette,
//! legend), and the frame built for a camera. Everything the widget decides
//! lives here, natively tested; the browser glue only fetches bytes and
//! replays the display list.

pub mod basemap;
pub mod cluster;
pub mod describe;
pub mod gesture;
pub mod labels;
pub mod scope;
pub mod stream;
pub mod table;
pub mod values;
pub mod view;
pub mod zones;

use std::cell::OnceCell;

use self::labels::{Anchor, Layout};
use crate::fgb::{
    decode_feature_keeping, feature_slices, header_len, FgbError, Geometry, Header, Value,
};
use crate::geom::camera::{Camera, Projector};
use crate::num::ClampTo;
use crate::scene::{DisplayList, Hatch, Pattern, PolygonStyle, Rgba};
use crate::style::classify::{classify, Classification, ClassifyError, Method};
use crate::style::legend::{Lang, Legend};
use crate::style::palette::{Palette, Rgb, NO_DATA};

/// One territory (EPCI, commune, département) ready to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// Where its name goes ([`labels`]), worked out at its first labelled
    /// frame and kept: not per frame.
    anchor: OnceCell<Option<Anchor>>,
    /// Its name's layouts on 1 or 2 lines (name only, no geometry), kept;
    /// written out only for a shape whose name could fit on screen.
    layouts: OnceCell<Vec<Layout>>,
    /// The narrowest of those layouts' width in ems (infinite without a
    /// name), kept: before any anchor is looked for, it says whether the
    /// name could fit the shape on screen at all. A national view's first
    /// frame measures hundreds of names to find that none fits, and writes
    /// none of their lines.
    narrowest: OnceCell<f64>,
    /// Its box in world coordinates (west, north, east, south), computed at
    /// first need: names skip shapes too small on screen without working
    /// out where their name would go.
    extent: OnceCell<[f64; 4]>,
    /// Its parts in world coordinates (Web Mercator, see
    /// [`crate::geom::mercator`]), computed at its first drawing and kept:
    /// a latitude's projection takes a `tan` and a `ln`, done in software
    /// in wasm, and a frame then only scales and shifts.
    world: OnceCell<Vec<Vec<Vec<[f64; 2]>>>>,
    /// A streamed (detailed) shape's overview shape, as an index in the
    /// map's list: looked up by code once, not at every frame (an overview
    /// shape's is itself, set when the map is built).
    overview: OnceCell<Option<usize>>,
    /// Code (SIREN, INSEE code).
    pub code: String,
    /// Name.
    pub name: String,
    /// Value of the drawn field; `None` is "no data", never zero.
    pub value: Option<f64>,
    /// Polygons → rings → lon/lat positions.
    pub parts: Vec<Vec<Vec<[f64; 2]>>>,
    /// Départements it lies in ("59, 62"), when the file says: a page
    /// scoped to a département keeps its EPCIs (or its communes).
    pub departements: String,
    /// SIREN of the EPCI it belongs to (communes): a page scoped to an
    /// EPCI keeps its communes.
    pub epci: String,
    /// Inhabitants, when the file says: the most populated names are placed first.
    pub population: Option<f64>,
}

impl Shape {
    /// The position of a point feature (the communes' overview), which is
    /// kept as one part of one ring of one position and drawn as a marker.
    pub fn point(&self) -> Option<[f64; 2]> {
        match self.parts.as_slice() {
            [part] => match part.as_slice() {
                [ring] => match ring.as_slice() {
                    [p] => Some(*p),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Where and how its name may be drawn (computed once, then kept);
    /// `None` without a name or an area.
    pub fn anchor(&self) -> Option<&Anchor> {
        self.anchor.get_or_init(|| Anchor::of(self)).as_ref()
    }

    /// Its name on 1 or 2 lines, in the order they are tried (computed
    /// once, then kept); empty without a name.
    pub fn layouts(&self) -> &[Layout] {
        self.layouts
            .get_or_init(|| labels::layouts(&labels::label_text(&self.name)))
    }

    /// The width in ems of its name's narrowest layout ([`Shape::layouts`]),
    /// computed once; infinite without a name.
    pub fn narrowest_em(&self) -> f64 {
        *self.narrowest.get_or_init(|| {
            labels::narrowest_em(&labels::label_text(&self.name)).unwrap_or(f64::INFINITY)
        })
    }

    /// The index of its overview shape, found by `find` (from its code)
    /// the first time and kept. A map keeps one list of overview shapes
    /// for its life, so the answer never changes.
    pub fn overview_index(&self, find: impl FnOnce(&str) -> Option<usize>) -> Option<usize> {
        *self.overview.get_or_init(|| find(&self.code))
    }

    /// Whether its box meets the view of `view` (a camera's projector,
    /// taken once per frame). A frame skips the shapes
    /// that do not before projecting their every vertex (`tan` and `ln`
    /// each): a regional view keeps all of France's overview shapes, of
    /// which a few dozen are on screen.
    pub fn on_screen(&self, view: &Projector) -> bool {
        let [x0, y0, x1, y1] = self.extent();
        let ([sx0, sy0], [sx1, sy1]) = (view.project([x0, y0]), view.project([x1, y1]));
        let [w, h] = view.size();
        sx1 >= 0.0 && sy1 >= 0.0 && sx0 <= w && sy0 <= h
    }

    /// Its parts in world coordinates (kept): what frames draw and names
    /// are placed in.
    pub fn world_parts(&self) -> &[Vec<Vec<[f64; 2]>>] {
        use crate::geom::mercator::lon_lat_to_world;
        self.world.get_or_init(|| {
            let mut parts = Vec::with_capacity(self.parts.len());
            for part in &self.parts {
                let mut rings = Vec::with_capacity(part.len());
                for ring in part {
                    let mut out = Vec::with_capacity(ring.len());
                    for &p in ring {
                        out.push(lon_lat_to_world(p));
                    }
                    rings.push(out);
                }
                parts.push(rings);
            }
            parts
        })
    }

    /// Its box in lon/lat `[west, south, east, north]`, every vertex of
    /// every part (NaN ones left out); inverted (infinite) without one.
    pub fn lon_lat_box(&self) -> [f64; 4] {
        // Plain loops: the first frame finds every shape's box, in wasm's
        // baseline compiler, which inlines no iterator.
        let mut b = crate::geom::EMPTY_BOX;
        for part in &self.parts {
            for ring in part {
                for &[lon, lat] in ring {
                    crate::geom::grow_box(&mut b, lon, lat);
                }
            }
        }
        b
    }

    /// Its box in world coordinates `[x0, y0, x1, y1]` (y downwards), kept.
    pub fn extent(&self) -> [f64; 4] {
        *self.extent.get_or_init(|| {
            use crate::geom::mercator::{lat_to_y, lon_to_x};
            let b = self.lon_lat_box();
            if b[0] > b[2] {
                return b;
            }
            let [w, s, e, n] = b;
            // Both projections are monotonic (y grows southwards): the
            // box's corners, not its every vertex, go through `tan` and `ln`.
            [lon_to_x(w), lat_to_y(n), lon_to_x(e), lat_to_y(s)]
        })
    }
}

/// A number from any numeric property; text and non-finite values are no data.
pub fn numeric(v: Option<&Value>) -> Option<f64> {
    let x = match v? {
        Value::Byte(x) => f64::from(*x),
        Value::UByte(x) => f64::from(*x),
        Value::Short(x) => f64::from(*x),
        Value::UShort(x) => f64::from(*x),
        Value::Int(x) => f64::from(*x),
        Value::UInt(x) => f64::from(*x),
        Value::Long(x) => *x as f64,
        Value::ULong(x) => *x as f64,
        Value::Float(x) => f64::from(*x),
        Value::Double(x) => *x,
        _ => return None,
    };
    x.is_finite().then_some(x)
}

fn text(v: Option<Value>) -> String {
    match v {
        Some(Value::String(s) | Value::Json(s) | Value::DateTime(s)) => s,
        Some(other) => numeric(Some(&other))
            .map(crate::style::legend::plain_number)
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// Decodes every feature of a file read whole (bytes from offset 0) into
/// shapes, taking `code`, `name` and `field` by column name; as many
/// features as the header counts, or an error. A column the
/// file lacks gives empty codes or no data, not an error: the manifest says
/// which fields each file carries.
pub fn shapes_from_file(
    bytes: &[u8],
    code: &str,
    name: &str,
    field: &str,
) -> Result<(Header, Vec<Shape>), FgbError> {
    FileShapes::new(code, name, field).finish(bytes)
}

/// Most shapes a file's declared count reserves room for before they are
/// decoded (the national overviews have 1,253 EPCIs and 101 départements).
const RESERVED_SHAPES: usize = 4096;

/// [`shapes_from_file`] as the file's bytes arrive: each [`FileShapes::feed`]
/// decodes the features complete so far, so that decoding a national
/// overview runs while the rest of it downloads instead of after.
#[derive(Debug)]
pub struct FileShapes<'a> {
    names: [&'a str; 3],
    /// A second numeric column read beside the drawn field ([`FileShapes::also`]).
    #[cfg(feature = "places")]
    also: Option<&'a str>,
    /// Its value for each shape that has one, by the shape's code.
    #[cfg(feature = "places")]
    also_values: std::collections::HashMap<String, f64>,
    /// The header and its columns, once read.
    header: Option<(Header, Columns)>,
    /// Where the next undecoded feature starts (the first one's offset
    /// once the header is read).
    next: usize,
    shapes: Vec<Shape>,
    found: u64,
}

impl<'a> FileShapes<'a> {
    /// A decoder taking `code`, `name` and `field` by column name.
    pub fn new(code: &'a str, name: &'a str, field: &'a str) -> Self {
        Self {
            names: [code, name, field],
            #[cfg(feature = "places")]
            also: None,
            #[cfg(feature = "places")]
            also_values: std::collections::HashMap::new(),
            header: None,
            next: 0,
            shapes: Vec::new(),
            found: 0,
        }
    }

    /// Also reads numeric column `column` of every shape, in the same pass
    /// ([`FileShapes::finish_with_also`]): a places page says each
    /// territory's illectronism rate whatever field it draws, and decoding
    /// the national overview a second time for it took as long as the first.
    #[cfg(feature = "places")]
    pub fn also(mut self, column: &'a str) -> Self {
        self.also = Some(column);
        self
    }

    /// Decodes the features complete in `bytes`, the file's bytes read so
    /// far from offset 0 (each call with the previous ones' bytes and more).
    /// A header still incomplete waits; a malformed one is an error now.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), FgbError> {
        self.read_header(bytes)?;
        self.decode(bytes, false)
    }

    /// Decodes what is left of the whole file `bytes` and checks the
    /// feature count: the same shapes, or the same error, as
    /// [`shapes_from_file`] on `bytes`.
    pub fn finish(mut self, bytes: &[u8]) -> Result<(Header, Vec<Shape>), FgbError> {
        let header = self.complete(bytes)?;
        Ok((header, self.shapes))
    }

    /// [`FileShapes::finish`], with the [`FileShapes::also`] column's value
    /// of each shape by its code (shapes without one, or files without that
    /// column, say nothing).
    #[cfg(feature = "places")]
    #[allow(clippy::type_complexity)]
    pub fn finish_with_also(
        mut self,
        bytes: &[u8],
    ) -> Result<(Header, Vec<Shape>, std::collections::HashMap<String, f64>), FgbError> {
        let header = self.complete(bytes)?;
        Ok((header, self.shapes, self.also_values))
    }

    /// Decodes what is left and checks the count (see [`FileShapes::finish`]).
    fn complete(&mut self, bytes: &[u8]) -> Result<Header, FgbError> {
        self.read_header(bytes)?;
        self.decode(bytes, true)?;
        let Some((header, _)) = self.header.take() else {
            // Too short for its header: say what is missing.
            return Err(Header::parse(bytes).err().unwrap_or(FgbError::Truncated {
                what: "header",
                need: 12,
                have: bytes.len() as u64,
            }));
        };
        // A file cut between two features decodes without an error: the
        // header's count tells (0 is "unknown" in FlatGeobuf).
        if header.features_count > 0 && self.found != header.features_count {
            return Err(FgbError::FeatureCount {
                declared: header.features_count,
                found: self.found,
            });
        }
        Ok(header)
    }

    /// Reads the header once `bytes` hold all of it.
    fn read_header(&mut self, bytes: &[u8]) -> Result<(), FgbError> {
        if self.header.is_some() {
            return Ok(());
        }
        let total = match header_len(bytes) {
            Err(FgbError::Truncated { .. }) => return Ok(()),
            other => other?,
        };
        if (bytes.len() as u64) < total {
            return Ok(());
        }
        let header = Header::parse(bytes)?;
        let start =
            usize::try_from(header.features_offset()?).map_err(|_| FgbError::BadOffset {
                what: "features",
                at: u64::MAX,
            })?;
        let [code, name, field] = self.names;
        #[cfg(feature = "places")]
        let columns = Columns::of(&header, code, name, field, self.also);
        #[cfg(not(feature = "places"))]
        let columns = Columns::of(&header, code, name, field, None);
        // Room for the declared features at once (growing a list of
        // shapes copies it each time), within reason: the count is the
        // file's word.
        let declared = usize::try_from(header.features_count).unwrap_or(0);
        self.shapes.reserve(declared.min(RESERVED_SHAPES));
        self.next = start;
        self.header = Some((header, columns));
        Ok(())
    }

    /// Decodes the whole features from the next one on. A cut last feature
    /// is an error once the file is `complete`; before, the rest of it may
    /// still be arriving.
    fn decode(&mut self, bytes: &[u8], complete: bool) -> Result<(), FgbError> {
        let Some((header, columns)) = &self.header else {
            return Ok(());
        };
        // Past the end only before any feature: the file ends before its
        // first one's offset.
        let Some(rest) = bytes.get(self.next..) else {
            if !complete {
                return Ok(());
            }
            return Err(FgbError::Truncated {
                what: "features",
                need: self.next as u64,
                have: bytes.len() as u64,
            });
        };
        for slice in feature_slices(rest) {
            let slice = match slice {
                Ok(s) => s,
                Err(_) if !complete => break,
                Err(e) => return Err(e),
            };
            let feature = columns.decode(slice, header)?;
            #[cfg(feature = "places")]
            let also = columns.also.map(|i| numeric(feature.property(i)));
            if let Some(shape) = columns.shape(feature) {
                #[cfg(feature = "places")]
                if let Some(v) = also.flatten() {
                    self.also_values.insert(shape.code.clone(), v);
                }
                self.shapes.push(shape);
            }
            self.found += 1;
            self.next += slice.len();
        }
        Ok(())
    }
}

/// Decodes consecutive length-prefixed features (a merged range of a search,
/// or the whole features section).
pub fn shapes_from_features(
    header: &Header,
    bytes: &[u8],
    code: &str,
    name: &str,
    field: &str,
) -> Result<Vec<Shape>, FgbError> {
    let columns = Columns::of(header, code, name, field, None);
    let mut out = Vec::new();
    for slice in feature_slices(bytes) {
        if let Some(shape) = columns.shape(columns.decode(slice?, header)?) {
            out.push(shape);
        }
    }
    Ok(out)
}

/// Where a file's kept properties are: code, name, field, départements,
/// EPCI and population, by column position.
#[derive(Debug, Clone)]
pub struct Columns {
    at: [Option<usize>; 6],
    /// Whether each is asked for once: its value is then moved out of the
    /// decoded feature, not copied (a national overview is 35,000
    /// features), but for a column asked for twice (the zones' id is both
    /// code and name).
    once: [bool; 6],
    /// A second numeric column read beside them ([`FileShapes::also`]).
    #[cfg(feature = "places")]
    also: Option<usize>,
    /// The columns to decode, by position: these six (and that one), not
    /// the file's every indicator.
    keep: Vec<bool>,
}

impl Columns {
    fn of(header: &Header, code: &str, name: &str, field: &str, also: Option<&str>) -> Self {
        // EPCIs list their départements; a commune has one.
        let departements = header
            .column_index("departements")
            .or_else(|| header.column_index("departement"));
        let at = [
            header.column_index(code),
            header.column_index(name),
            header.column_index(field),
            departements,
            header.column_index("epci"),
            header.column_index("population"),
        ];
        let once = std::array::from_fn(|k| at.iter().filter(|c| **c == at[k]).count() == 1);
        let also = also.and_then(|c| header.column_index(c));
        let keep = (0..header.columns.len())
            .map(|i| at.contains(&Some(i)) || also == Some(i))
            .collect();
        Self {
            at,
            once,
            #[cfg(feature = "places")]
            also,
            keep,
        }
    }

    /// Decodes a feature's geometry and kept columns.
    fn decode(&self, slice: &[u8], header: &Header) -> Result<crate::fgb::Feature, FgbError> {
        decode_feature_keeping(slice, header, Some(&self.keep))
    }

    /// The shape of a decoded feature, or `None` for one without polygons
    /// or points.
    fn shape(&self, mut f: crate::fgb::Feature) -> Option<Shape> {
        let mut take = |k: usize| {
            let i = self.at[k]?;
            if self.once[k] {
                f.properties.get_mut(i)?.take()
            } else {
                f.property(i).cloned()
            }
        };
        let (code, name, value) = (text(take(0)), text(take(1)), numeric(take(2).as_ref()));
        let (departements, epci, population) =
            (text(take(3)), text(take(4)), numeric(take(5).as_ref()));
        let parts = match f.geometry.take() {
            Some(Geometry::Polygons(parts)) => parts,
            // One marker per feature (see `Shape::point`).
            Some(Geometry::Points(points)) => vec![vec![vec![*points.first()?]]],
            _ => return None,
        };
        Some(Shape {
            code,
            name,
            value,
            parts,
            departements,
            epci,
            population,
            ..Shape::default()
        })
    }
}

/// How the choropleth is drawn: its classes, colours and legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Choropleth {
    /// Classes of the drawn field over the whole layer (or the scoped
    /// territory), so colours do not change as the view moves.
    pub classification: Classification,
    /// Class colours, lightest first.
    pub colors: Vec<Rgb>,
    /// Legend entries with ranges, counts and labels.
    pub legend: Legend,
    /// Each class drawn with its own pattern too (the `patterns`
    /// attribute, or the legend's checkbox).
    pub patterns: bool,
}

/// Half the side (CSS px) of a point's square marker: 1.5 px at national
/// zooms, where the communes' dots nearly tile the map, up to 4 px.
pub fn marker_half_size(zoom: f64) -> f64 {
    (1.5 * (zoom - 5.5).exp2()).clamp_to(1.5, 4.0)
}

/// How much thinner outlines are drawn at zoom `zoom`: as drawn at zoom 5
/// and above (a national view of 1,000 px), down to 0.3 at zoom 1. On a
/// small map (France at zoom 2.7 on a 260 px card) full-width outlines of
/// territories a few pixels across covered their colours.
pub fn outline_scale(zoom: f64) -> f32 {
    (((zoom - 1.0) / 4.0) as f32).clamp(0.3, 1.0)
}

/// Outline of class polygons, thin enough to keep small EPCIs readable.
const BORDER: Rgba = Rgba([255, 255, 255, 200]);
/// Département outlines drawn over the choropleth.
const BASE_OUTLINE: Rgba = Rgba([40, 40, 40, 255]);

fn rgba(c: Rgb) -> Rgba {
    Rgba([c.r, c.g, c.b, 255])
}

/// Every shape's value, in order: what [`Choropleth::new`] classifies.
pub fn values_of(shapes: &[Shape]) -> Vec<Option<f64>> {
    shapes.iter().map(|s| s.value).collect()
}

impl Choropleth {
    /// Classifies every feature's value (a layer's shapes', see
    /// [`values_of`], or its values file's, see [`values`]).
    pub fn new(
        values: &[Option<f64>],
        method: &Method,
        classes: usize,
        palette: Palette,
        unit: &str,
        lang: Lang,
    ) -> Result<Self, ClassifyError> {
        let classification = classify(values, method, classes)?;
        let colors = palette.colors(classification.classes());
        let decimals = crate::style::legend::suggest_decimals(&classification.breaks);
        let legend = Legend::new(&classification, palette, unit, decimals, lang);
        Ok(Self {
            classification,
            colors,
            legend,
            patterns: false,
        })
    }

    /// The paint of a value: its class colour, or the hatched no-data style.
    pub fn style_of(&self, value: Option<f64>) -> PolygonStyle {
        let stroke = Some((BORDER, 0.5));
        match value
            .and_then(|v| self.classification.class_of(v))
            .and_then(|k| Some((k, self.colors.get(k)?)))
        {
            Some((k, c)) => PolygonStyle {
                fill: Some(rgba(*c)),
                stroke,
                hatch: self.class_hatch(k),
            },
            None => PolygonStyle {
                fill: Some(rgba(NO_DATA.fill)),
                stroke,
                hatch: Some(Hatch::diagonal(rgba(NO_DATA.hatch))),
            },
        }
    }

    /// The pattern over class `k` when patterns are on: the class's own,
    /// in black or white, whichever reads best on its colour.
    pub fn class_hatch(&self, k: usize) -> Option<Hatch> {
        let fill = self.colors.get(k).filter(|_| self.patterns)?;
        let ink = crate::style::palette::text_color_on(*fill);
        let alpha = if ink == Rgb::BLACK { 150 } else { 200 };
        Some(Hatch {
            ink: Rgba([ink.r, ink.g, ink.b, alpha]),
            pattern: Pattern::for_class(k)?,
        })
    }

    /// Whether a value's class is shown by the legend filter `visible`
    /// (no data and a missing filter always are).
    pub fn shows(&self, value: Option<f64>, visible: Option<&[bool]>) -> bool {
        let class = value.and_then(|v| self.classification.class_of(v));
        match (visible, class) {
            (Some(v), Some(k)) => v.get(k).copied().unwrap_or(true),
            _ => true,
        }
    }

    /// Adds shape `s` painted for `value` (its own, or its overview
    /// shape's when the map shows a computed field) under feature `id`;
    /// outside the legend filter `visible`, an outline only.
    pub fn push_shape(
        &self,
        d: &mut DisplayList,
        camera: &Camera,
        id: u32,
        s: &Shape,
        value: Option<f64>,
        visible: Option<&[bool]>,
    ) {
        let projector = camera.projector();
        if !s.on_screen(&projector) {
            return;
        }
        let size = [camera.width(), camera.height()];
        let project = |p: [f64; 2]| camera.project(p[0], p[1]);
        let mut style = if self.shows(value, visible) {
            self.style_of(value)
        } else {
            PolygonStyle {
                fill: None,
                stroke: Some((Rgba([150, 150, 150, 255]), 0.5)),
                hatch: None,
            }
        };
        let thin = outline_scale(camera.zoom().get());
        style.stroke = style.stroke.map(|(c, w)| (c, w * thin));
        match s.point() {
            // Markers carry no border: at a national view 35,000
            // communes are a few pixels apart, and a border would grey them.
            Some(p) => d.push_marker(
                id,
                project(p),
                marker_half_size(camera.zoom().get()),
                size,
                PolygonStyle {
                    stroke: None,
                    ..style
                },
            ),
            None => d.push_polygon(id, s.world_parts(), |p| projector.project(p), size, style),
        }
    }

    /// The frame: choropleth shapes, then base outlines on top. Shapes whose
    /// class is not in `visible` (a legend filter) are drawn as outlines only.
    pub fn frame(
        &self,
        camera: &Camera,
        shapes: &[Shape],
        outlines: &[Shape],
        visible: Option<&[bool]>,
    ) -> DisplayList {
        let mut d = DisplayList::default();
        let size = [camera.width(), camera.height()];
        for (i, s) in shapes.iter().enumerate() {
            self.push_shape(&mut d, camera, i as u32, s, s.value, visible);
        }
        let projector = camera.projector();
        let width = outline_scale(camera.zoom().get());
        for s in outlines.iter().filter(|s| s.on_screen(&projector)) {
            d.push_polygon(
                u32::MAX,
                s.world_parts(),
                |p| projector.project(p),
                size,
                PolygonStyle {
                    fill: None,
                    stroke: Some((BASE_OUTLINE, width)),
                    hatch: None,
                },
            );
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::mercator::Zoom;
    use crate::scene::Item;

    fn square(x: f64, y: f64, value: Option<f64>, code: &str) -> Shape {
        Shape {
            code: code.into(),
            name: format!("T{code}"),
            value,
            departements: String::new(),
            epci: String::new(),
            parts: vec![vec![vec![
                [x, y],
                [x + 1.0, y],
                [x + 1.0, y + 1.0],
                [x, y + 1.0],
                [x, y],
            ]]],
            ..Shape::default()
        }
    }

    #[test]
    fn a_shape_is_on_screen_when_its_box_meets_the_view() {
        // 1° squares; the camera on Arras (2.78, 50.29) at zoom 8, 800 ×
        // 600 px: about 4.4° × 2.1° across.
        let cam = Camera::new(
            [2.78, 50.29],
            crate::geom::mercator::Zoom::clamped(8.0),
            800.0,
            600.0,
        );
        assert!(square(2.0, 50.0, None, "arras").on_screen(&cam.projector()));
        // Straddling the left edge (x from −0.5° to 0.5° of it): still drawn.
        assert!(square(0.07, 49.5, None, "edge").on_screen(&cam.projector()));
        assert!(!square(5.0, 43.0, None, "marseille").on_screen(&cam.projector()));
        assert!(!square(-1.0, 50.0, None, "west").on_screen(&cam.projector()));
        // No vertex: nowhere.
        assert!(!Shape::default().on_screen(&cam.projector()));
    }

    #[test]
    fn a_box_spans_every_part_and_skips_nan_vertices() {
        use crate::geom::mercator::{lat_to_y, lon_to_x};
        let mut s = square(2.0, 50.0, None, "a");
        // A second part south-west, and a broken vertex in the first ring.
        s.parts
            .push(vec![vec![[-1.5, 42.25], [-1.0, 42.25], [-1.0, 43.0]]]);
        s.parts[0][0].insert(2, [f64::NAN, f64::NAN]);
        s.parts[0][0].insert(3, [f64::NAN, 60.0]);
        let want = [
            lon_to_x(-1.5),
            lat_to_y(60.0),
            lon_to_x(3.0),
            lat_to_y(42.25),
        ];
        assert_eq!(s.extent(), want);
        assert!(want.iter().all(|v| v.is_finite()));
        // No vertex: an empty (inverted) box.
        let none = Shape::default().extent();
        assert_eq!(none[0], f64::INFINITY);
        assert_eq!(none[2], f64::NEG_INFINITY);
    }

    #[test]
    fn patterns_tell_the_classes_apart_when_asked() {
        use crate::scene::Pattern;
        // One pattern per class after the first, all different, none the
        // no-data diagonal.
        let patterns: Vec<Option<Pattern>> = (0..9).map(Pattern::for_class).collect();
        assert_eq!(patterns[0], None);
        let some: Vec<Pattern> = patterns.iter().flatten().copied().collect();
        assert_eq!(some.len(), 8);
        for (i, p) in some.iter().enumerate() {
            assert!(
                *p != Pattern::Diagonal && !some[i + 1..].contains(p),
                "{}",
                p.name()
            );
        }
        assert_eq!(Pattern::for_class(9), None);
        let shapes: Vec<Shape> = (0..10)
            .map(|i| Shape {
                value: Some(f64::from(i)),
                ..Shape::default()
            })
            .collect();
        let mut c = Choropleth::new(
            &values_of(&shapes),
            &Method::Quantiles,
            5,
            Palette::Viridis,
            "%",
            Lang::Fr,
        )
        .expect("classes");
        assert_eq!(c.style_of(Some(9.0)).hatch, None, "off by default");
        c.patterns = true;
        assert_eq!(
            c.style_of(Some(0.0)).hatch,
            None,
            "the first class is plain"
        );
        let top = c.style_of(Some(9.0)).hatch.expect("a pattern");
        assert_eq!(top.pattern, Pattern::Vertical);
        // Viridis ends in yellow: black ink; it starts in dark purple: white.
        assert_eq!(top.ink, Rgba([0, 0, 0, 150]));
        assert_eq!(
            c.class_hatch(1).map(|h| h.ink),
            Some(Rgba([255, 255, 255, 200]))
        );
        // No data keeps its own diagonal.
        assert_eq!(
            c.style_of(None).hatch.map(|h| h.pattern),
            Some(Pattern::Diagonal)
        );
    }

    #[test]
    fn values_map_to_class_colours_and_no_data_is_hatched() {
        let shapes: Vec<Shape> = (0..10)
            .map(|i| {
                square(
                    i as f64,
                    45.0,
                    if i == 9 { None } else { Some(i as f64) },
                    &i.to_string(),
                )
            })
            .collect();
        let c = Choropleth::new(
            &values_of(&shapes),
            &Method::Quantiles,
            3,
            Palette::Viridis,
            "%",
            Lang::Fr,
        )
        .expect("classes");
        assert_eq!(c.classification.counts, vec![3, 3, 3]);
        assert_eq!(c.classification.no_data, 1);
        let viridis = Palette::Viridis.colors(3);
        assert_eq!(c.style_of(Some(0.0)).fill, Some(rgba(viridis[0])));
        assert_eq!(c.style_of(Some(8.0)).fill, Some(rgba(viridis[2])));
        let nd = c.style_of(None);
        assert!(nd.hatch.is_some() && nd.fill == Some(rgba(NO_DATA.fill)));
        assert_eq!(c.legend.classes.len(), 3);
        assert_eq!(c.legend.no_data.count, 1);

        let camera = Camera::new([5.0, 45.5], Zoom::clamped(6.0), 800.0, 600.0);
        let frame = c.frame(&camera, &shapes, &[], None);
        assert_eq!(frame.items.len(), 10);
        // The shape under the projected centre of square 4 is square 4.
        let p = camera.project(4.5, 45.5);
        assert_eq!(frame.hit(p[0] as f32, p[1] as f32), Some(4));
        // A legend filter showing only the top class leaves others unfilled.
        let only_top = c.frame(&camera, &shapes, &[], Some(&[false, false, true]));
        let filled = only_top
            .items
            .iter()
            .filter(|item| matches!(item, Item::Polygon { style, .. } if style.fill.is_some()))
            .count();
        assert_eq!(
            filled,
            3 + 1,
            "three in the top class, plus the no-data shape"
        );
        // Outlines as set at zoom 5 and above; thinner on a small map.
        let widths = |zoom: f64| -> Vec<f32> {
            let camera = Camera::new([5.0, 45.5], Zoom::clamped(zoom), 800.0, 600.0);
            let mut w: Vec<f32> = c
                .frame(&camera, &shapes, &shapes[..1], None)
                .items
                .iter()
                .filter_map(|item| match item {
                    Item::Polygon { style, .. } => style.stroke.map(|(_, w)| w),
                    _ => None,
                })
                .collect();
            w.dedup();
            w
        };
        assert_eq!(widths(6.0), [0.5, 1.0]);
        assert_eq!(widths(5.0), [0.5, 1.0]);
        assert_eq!(widths(3.0), [0.25, 0.5]);
        assert_eq!(widths(1.0), [0.15, 0.3]);
    }

    #[test]
    fn points_are_square_markers_painted_and_hit_like_polygons() {
        let point = |x: f64, v: f64, code: &str| Shape {
            code: code.into(),
            value: Some(v),
            parts: vec![vec![vec![[x, 45.0]]]],
            ..Shape::default()
        };
        let shapes = vec![
            point(2.0, 1.0, "a"),
            point(3.0, 2.0, "b"),
            point(40.0, 3.0, "far"),
        ];
        assert_eq!(shapes[0].point(), Some([2.0, 45.0]));
        assert_eq!(square(0.0, 0.0, None, "s").point(), None);
        let c = Choropleth::new(
            &values_of(&shapes),
            &Method::EqualIntervals,
            3,
            Palette::Viridis,
            "",
            Lang::Fr,
        )
        .expect("classes");
        let camera = Camera::new([2.5, 45.0], Zoom::clamped(7.5), 800.0, 600.0);
        let frame = c.frame(&camera, &shapes, &[], None);
        // The far point is off screen: two markers, of half-side 4 px at
        // zoom 7.5 (1.5 × 2² capped at 4).
        assert_eq!(frame.items.len(), 2);
        let Item::Polygon { rings, style, .. } = &frame.items[1] else {
            panic!("a marker is a polygon");
        };
        let [x, y] = camera.project(3.0, 45.0);
        assert_eq!(rings[0][0], [(x - 4.0) as f32, (y - 4.0) as f32]);
        assert_eq!(rings[0][2], [(x + 4.0) as f32, (y + 4.0) as f32]);
        assert_eq!(style.stroke, None);
        assert_eq!(style.fill, Some(rgba(Palette::Viridis.colors(3)[1])));
        assert_eq!(frame.hit((x + 3.0) as f32, y as f32), Some(1));
        assert_eq!(frame.hit((x + 6.0) as f32, y as f32), None);
        assert_eq!(marker_half_size(5.4), 1.5);
        assert_eq!(marker_half_size(6.5), 3.0);
    }

    #[test]
    fn numeric_reads_every_number_type() {
        assert_eq!(numeric(Some(&Value::Float(1.5))), Some(1.5));
        assert_eq!(numeric(Some(&Value::Long(-3))), Some(-3.0));
        assert_eq!(numeric(Some(&Value::Double(f64::NAN))), None);
        assert_eq!(numeric(Some(&Value::String("12".into()))), None);
        assert_eq!(numeric(None), None);
    }

    /// Fed in pieces of any size, the incremental decoder ends with what
    /// `shapes_from_file` gives on the whole file, shapes or error, for
    /// every file of the hostile corpus (tests/fgb-corpus).
    #[test]
    fn file_decoded_as_it_arrives_is_decoded_as_a_whole() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fgb-corpus");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        assert_eq!(files.len(), 43, "corpus files");
        let (mut decoded, mut refused) = (0, 0);
        for path in &files {
            let bytes = std::fs::read(path).expect("read");
            let whole = shapes_from_file(&bytes, "code", "name", "value");
            for piece in [1, 7, 64, 4096] {
                let mut d = FileShapes::new("code", "name", "value");
                // An error while feeding is the whole file's error too.
                let fed = (piece..bytes.len())
                    .step_by(piece)
                    .try_for_each(|end| d.feed(&bytes[..end]));
                let got = fed.and_then(|()| d.finish(&bytes));
                assert_eq!(got, whole, "{} in pieces of {piece}", path.display());
            }
            match whole {
                Ok(_) => decoded += 1,
                Err(_) => refused += 1,
            }
        }
        // The corpus: 7 files that decode (valid, and hostile ones that are
        // readable), 36 refused.
        assert_eq!((decoded, refused), (7, 36), "decoded, refused");
    }

    /// A second column read in the same pass: each shape's value of it, by
    /// code, whether fed in pieces or whole; nothing for a column that is
    /// not numeric or not in the file, nor when none is asked for.
    #[test]
    #[cfg(feature = "places")]
    fn a_second_column_comes_with_the_shapes() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fgb-corpus");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).expect("corpus") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
            let Ok((_, whole)) = shapes_from_file(&bytes, "code", "name", "value") else {
                continue;
            };
            let values: std::collections::HashMap<String, f64> = whole
                .iter()
                .filter_map(|s| Some((s.code.clone(), s.value?)))
                .collect();
            // The drawn field asked for again: the same values.
            let (_, shapes, also) = FileShapes::new("code", "name", "value")
                .also("value")
                .finish_with_also(&bytes)
                .expect("decodes");
            assert_eq!(shapes, whole);
            assert_eq!(also, values);
            // Fed in pieces.
            let mut d = FileShapes::new("code", "name", "name").also("value");
            for end in (7..bytes.len()).step_by(7) {
                d.feed(&bytes[..end]).expect("feeds");
            }
            let (_, _, fed) = d.finish_with_also(&bytes).expect("decodes");
            assert_eq!(fed, values);
            // A text column and a missing one: no value.
            for column in ["name", "absent"] {
                let (_, _, none) = FileShapes::new("code", "name", "value")
                    .also(column)
                    .finish_with_also(&bytes)
                    .expect("decodes");
                assert!(none.is_empty(), "{column}");
            }
            let (_, _, asked) = FileShapes::new("code", "name", "value")
                .finish_with_also(&bytes)
                .expect("decodes");
            assert!(asked.is_empty());
            checked += 1;
        }
        assert_eq!(checked, 7, "corpus files that decode");
        // The corpus has no values: a grid of 150 cells with a rate each
        // (`col + row`), read beside their names, whole and in pieces.
        let bytes = stream::tests::grid(1.0, 0);
        let want: std::collections::HashMap<String, f64> = (0..10)
            .flat_map(|r| (0..15).map(move |c| (format!("c{c}-{r}"), f64::from(c + r))))
            .collect();
        let (_, shapes, rates) = FileShapes::new("siren", "name", "name")
            .also("rate")
            .finish_with_also(&bytes)
            .expect("decodes");
        assert_eq!(shapes.len(), 150);
        assert_eq!(rates, want);
        let mut d = FileShapes::new("siren", "name", "name").also("rate");
        for end in (64..bytes.len()).step_by(64) {
            d.feed(&bytes[..end]).expect("feeds");
        }
        assert_eq!(d.finish_with_also(&bytes).expect("decodes").2, want);
    }

    /// On the real overview, when built (`cargo run --release -p maillage-prep -- build --out www/layers`).
    #[test]
    fn real_epci_overview_classifies() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/layers/epci-overview.fgb");
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{path} not built: skipped");
            return;
        };
        let (header, shapes) =
            shapes_from_file(&bytes, "siren", "name", "illectronism_rate").expect("decode");
        assert_eq!(header.features_count, 1253);
        assert_eq!(shapes.len(), 1253);
        assert_eq!(shapes.iter().filter(|s| s.value.is_some()).count(), 91);
        // A places page draws the fragility index and reads the rate
        // beside it, in one pass: the same 91 values, shape by shape.
        #[cfg(feature = "places")]
        {
            let (_, ifn, rates) = FileShapes::new("siren", "name", "ifn_total")
                .also("illectronism_rate")
                .finish_with_also(&bytes)
                .expect("decode");
            assert_eq!(ifn.iter().filter(|s| s.value.is_some()).count(), 1246);
            let want: std::collections::HashMap<String, f64> = shapes
                .iter()
                .filter_map(|s| Some((s.code.clone(), s.value?)))
                .collect();
            assert_eq!(rates.len(), 91);
            assert_eq!(rates, want);
        }
        let arras = shapes
            .iter()
            .find(|s| s.code == "200033579")
            .expect("CU d'Arras");
        assert_eq!(arras.value.map(|v| (v * 10.0).round() / 10.0), Some(15.8));
        let c = Choropleth::new(
            &values_of(&shapes),
            &Method::Quantiles,
            5,
            Palette::Viridis,
            "%",
            Lang::Fr,
        )
        .expect("classes");
        assert_eq!(c.classification.counts.iter().sum::<usize>(), 91);
        assert_eq!(c.classification.no_data, 1253 - 91);
    }

    /// The communes' overview of points, when built.
    #[test]
    fn real_communes_overview_is_points_with_their_values() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/www/layers/communes-overview.fgb"
        );
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{path} not built: skipped");
            return;
        };
        let (header, shapes) =
            shapes_from_file(&bytes, "code", "name", "ifn_total").expect("decode");
        assert_eq!(header.index_node_size, 0, "read whole: no index");
        assert_eq!(shapes.len() as u64, header.features_count);
        assert!(shapes.len() > 34_800, "{}", shapes.len());
        assert!(shapes.iter().all(|s| s.point().is_some()));
        let arras = shapes.iter().find(|s| s.code == "62041").expect("Arras");
        assert_eq!(
            (
                arras.name.as_str(),
                arras.departements.as_str(),
                arras.epci.as_str()
            ),
            ("Arras", "62", "200033579")
        );
        let [lon, lat] = arras.point().expect("point");
        assert!(
            (lon - 2.78).abs() < 0.05 && (lat - 50.29).abs() < 0.05,
            "{lon} {lat}"
        );
    }
}
