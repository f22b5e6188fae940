//! The map model between decoded features and the display list: territory
//! shapes with their value, the choropleth (classification, palette,
//! legend), and the frame built for a camera. Everything the widget decides
//! lives here, natively tested; the browser glue only fetches bytes and
//! replays the display list.

pub mod basemap;
pub mod describe;
pub mod gesture;
pub mod scope;
pub mod stream;
pub mod view;

use crate::fgb::{decode_feature, feature_slices, FgbError, Geometry, Header, Value};
use crate::geom::camera::Camera;
use crate::scene::{DisplayList, PolygonStyle, Rgba};
use crate::style::classify::{classify, Classification, ClassifyError, Method};
use crate::style::legend::{Lang, Legend};
use crate::style::palette::{Palette, Rgb, NO_DATA};

/// One territory (EPCI, commune, département) ready to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shape {
    /// Code (SIREN, INSEE code).
    pub code: String,
    /// Name.
    pub name: String,
    /// Value of the drawn field; `None` is "no data", never zero.
    pub value: Option<f64>,
    /// Polygons → rings → lon/lat positions.
    pub parts: Vec<Vec<Vec<[f64; 2]>>>,
    /// Départements it lies in ("59, 62"), when the file says: a page
    /// scoped to a département keeps its EPCIs.
    pub departements: String,
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

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s) | Value::Json(s) | Value::DateTime(s)) => s.clone(),
        Some(other) => numeric(Some(other))
            .map(|x| x.to_string())
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// Decodes every feature of a file read whole (bytes from offset 0) into
/// shapes, taking `code`, `name` and `field` by column name. A column the
/// file lacks gives empty codes or no data, not an error: the manifest says
/// which fields each file carries.
pub fn shapes_from_file(
    bytes: &[u8],
    code: &str,
    name: &str,
    field: &str,
) -> Result<(Header, Vec<Shape>), FgbError> {
    let header = Header::parse(bytes)?;
    let start = usize::try_from(header.features_offset()?).map_err(|_| FgbError::BadOffset {
        what: "features",
        at: u64::MAX,
    })?;
    let body = bytes.get(start..).ok_or(FgbError::Truncated {
        what: "features",
        need: start as u64,
        have: bytes.len() as u64,
    })?;
    let shapes = shapes_from_features(&header, body, code, name, field)?;
    Ok((header, shapes))
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
    let (ci, ni, fi) = (
        header.column_index(code),
        header.column_index(name),
        header.column_index(field),
    );
    let di = header.column_index("departements");
    let mut out = Vec::new();
    for slice in feature_slices(bytes) {
        let mut f = decode_feature(slice?, header)?;
        let Some(Geometry::Polygons(parts)) = f.geometry.take() else {
            continue;
        };
        out.push(Shape {
            code: text(ci.and_then(|i| f.property(i))),
            name: text(ni.and_then(|i| f.property(i))),
            value: numeric(fi.and_then(|i| f.property(i))),
            parts,
            departements: text(di.and_then(|i| f.property(i))),
        });
    }
    Ok(out)
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
}

/// Outline of class polygons, thin enough to keep small EPCIs readable.
const BORDER: Rgba = Rgba([255, 255, 255, 200]);
/// Département outlines drawn over the choropleth.
const BASE_OUTLINE: Rgba = Rgba([40, 40, 40, 255]);

fn rgba(c: Rgb) -> Rgba {
    Rgba([c.r, c.g, c.b, 255])
}

impl Choropleth {
    /// Classifies the shapes' values.
    pub fn new(
        shapes: &[Shape],
        method: &Method,
        classes: usize,
        palette: Palette,
        unit: &str,
        lang: Lang,
    ) -> Result<Self, ClassifyError> {
        let values: Vec<Option<f64>> = shapes.iter().map(|s| s.value).collect();
        let classification = classify(&values, method, classes)?;
        let colors = palette.colors(classification.classes());
        let decimals = crate::style::legend::suggest_decimals(&classification.breaks);
        let legend = Legend::new(&classification, palette, unit, decimals, lang);
        Ok(Self {
            classification,
            colors,
            legend,
        })
    }

    /// The paint of a value: its class colour, or the hatched no-data style.
    pub fn style_of(&self, value: Option<f64>) -> PolygonStyle {
        let stroke = Some((BORDER, 0.5));
        match value
            .and_then(|v| self.classification.class_of(v))
            .and_then(|k| self.colors.get(k))
        {
            Some(c) => PolygonStyle {
                fill: Some(rgba(*c)),
                stroke,
                hatch: None,
            },
            None => PolygonStyle {
                fill: Some(rgba(NO_DATA.fill)),
                stroke,
                hatch: Some(rgba(NO_DATA.hatch)),
            },
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
        let project = |p: [f64; 2]| camera.project(p[0], p[1]);
        for (i, s) in shapes.iter().enumerate() {
            let class = s.value.and_then(|v| self.classification.class_of(v));
            let shown = match (visible, class) {
                (Some(v), Some(k)) => v.get(k).copied().unwrap_or(true),
                _ => true,
            };
            let style = if shown {
                self.style_of(s.value)
            } else {
                PolygonStyle {
                    fill: None,
                    stroke: Some((Rgba([150, 150, 150, 255]), 0.5)),
                    hatch: None,
                }
            };
            d.push_polygon(i as u32, &s.parts, project, size, style);
        }
        for s in outlines {
            d.push_polygon(
                u32::MAX,
                &s.parts,
                project,
                size,
                PolygonStyle {
                    fill: None,
                    stroke: Some((BASE_OUTLINE, 1.0)),
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
            parts: vec![vec![vec![
                [x, y],
                [x + 1.0, y],
                [x + 1.0, y + 1.0],
                [x, y + 1.0],
                [x, y],
            ]]],
        }
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
            &shapes,
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
            .filter(|Item::Polygon { style, .. }| style.fill.is_some())
            .count();
        assert_eq!(
            filled,
            3 + 1,
            "three in the top class, plus the no-data shape"
        );
    }

    #[test]
    fn numeric_reads_every_number_type() {
        assert_eq!(numeric(Some(&Value::Float(1.5))), Some(1.5));
        assert_eq!(numeric(Some(&Value::Long(-3))), Some(-3.0));
        assert_eq!(numeric(Some(&Value::Double(f64::NAN))), None);
        assert_eq!(numeric(Some(&Value::String("12".into()))), None);
        assert_eq!(numeric(None), None);
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
        let arras = shapes
            .iter()
            .find(|s| s.code == "200033579")
            .expect("CU d'Arras");
        assert_eq!(arras.value.map(|v| (v * 10.0).round() / 10.0), Some(15.8));
        let c = Choropleth::new(
            &shapes,
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
}
