//! The weak mobile coverage zones over the choropleth: hatched and
//! outlined in a dark ink with a light halo, so that they read over every
//! class colour and never rest on colour alone, with their legend line.
//!
//! The zones' overview is read whole after the map's first paint; their
//! detailed levels stream by range like the choropleth's (one more layer
//! of [`super::stream::Loads`]), so at a commune's zoom their edges follow
//! the communes' own.

use super::stream::StreamLayer;
use super::Shape;
use crate::geom::camera::Camera;
use crate::manifest::{LayerKind, Manifest};
use crate::scene::{DisplayList, Hatch, PolygonStyle, Rgba};
use crate::style::legend::Lang;

/// Ink of the zones' outline and hatching.
pub const ZONE_INK: Rgba = Rgba([29, 36, 51, 255]);

/// How a zone is painted: no fill (the choropleth shows through), a dark
/// hatching and a dark outline.
pub const ZONE_STYLE: PolygonStyle = PolygonStyle {
    fill: None,
    stroke: Some((ZONE_INK, 1.5)),
    hatch: Some(Hatch::diagonal(ZONE_INK)),
};

/// What to read for the zones, decided from the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonesPlan {
    /// The overview file (read whole).
    pub overview_path: String,
    /// The layer's files for streaming its detailed levels.
    pub layer: StreamLayer,
    /// The legend's line: the layer's title in the widget's language.
    pub title: String,
    /// The layer's note (how the zones were derived), folded under
    /// [`ZonesPlan::note_title`] in the legend.
    pub note: String,
    /// Title of the folded note.
    pub note_title: &'static str,
}

impl ZonesPlan {
    /// The plan for the manifest's first zones layer; `None` without one
    /// (or without files).
    pub fn new(manifest: &Manifest, lang: Lang) -> Option<ZonesPlan> {
        let l = manifest
            .layers
            .iter()
            .find(|l| l.kind == LayerKind::Zones)?;
        let text = |label: &crate::manifest::Label| {
            if lang == Lang::En {
                label.en.clone()
            } else {
                label.fr.clone()
            }
        };
        Some(ZonesPlan {
            overview_path: l.file_for_zoom(0.0)?.path.clone(),
            layer: StreamLayer::from_info(l, "id", "id", "population"),
            title: text(&l.title),
            note: l.note.as_ref().map(text).unwrap_or_default(),
            note_title: crate::i18n::text(crate::i18n::Text::ZonesNote, lang),
        })
    }
}

/// The zones of a map, once their overview is read.
#[derive(Debug, Clone, Default)]
pub struct Zones {
    /// Overview shapes (drawn while no detailed level is at hand).
    pub shapes: Vec<Shape>,
    /// Their layer's index in the map's stream, once added.
    pub stream: Option<usize>,
    /// Whether they are drawn (the legend's checkbox).
    pub shown: bool,
    /// Legend line.
    pub title: String,
    /// How they were derived.
    pub note: String,
    /// Title of the folded note.
    pub note_title: &'static str,
}

impl Zones {
    /// Zones from their plan and overview shapes, shown.
    pub fn new(plan: &ZonesPlan, shapes: Vec<Shape>) -> Zones {
        Zones {
            shapes,
            stream: None,
            shown: true,
            title: plan.title.clone(),
            note: plan.note.clone(),
            note_title: plan.note_title,
        }
    }

    /// Draws `shapes` (the overview, or the streamed level's in view) into
    /// `d`: those `keep` accepts (a scoped page's own), hatched and
    /// outlined. Zones carry no feature id: hovering still reads the
    /// territory beneath.
    pub fn draw<'a>(
        &self,
        d: &mut DisplayList,
        camera: &Camera,
        shapes: impl IntoIterator<Item = &'a Shape>,
        keep: impl Fn(&Shape) -> bool,
    ) {
        if !self.shown {
            return;
        }
        let size = [camera.width(), camera.height()];
        let projector = camera.projector();
        let project = |p: [f64; 2]| projector.project(p);
        for s in shapes {
            if keep(s) && s.on_screen(&projector) {
                d.push_polygon(u32::MAX, s.world_parts(), project, size, ZONE_STYLE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::mercator::Zoom;
    use crate::scene::Item;

    fn square(x: f64, y: f64) -> Shape {
        Shape {
            code: format!("z{x}"),
            parts: vec![vec![vec![
                [x, y],
                [x + 0.5, y],
                [x + 0.5, y + 0.5],
                [x, y + 0.5],
                [x, y],
            ]]],
            ..Shape::default()
        }
    }

    fn zones() -> Zones {
        Zones {
            shapes: vec![square(2.0, 50.0), square(6.0, 45.0)],
            shown: true,
            ..Zones::default()
        }
    }

    #[test]
    fn zones_are_hatched_outlined_and_never_hit() {
        let z = zones();
        let camera = Camera::new([4.0, 47.5], Zoom::clamped(6.0), 800.0, 600.0);
        let mut d = DisplayList::default();
        z.draw(&mut d, &camera, &z.shapes, |_| true);
        assert_eq!(d.items.len(), 2);
        for item in &d.items {
            let Item::Polygon { style, feature, .. } = item else {
                panic!("a polygon");
            };
            assert_eq!(*style, ZONE_STYLE);
            assert_eq!(*feature, u32::MAX);
        }
        let p = camera.project(2.25, 50.25);
        assert_eq!(d.hit(p[0] as f32, p[1] as f32), None);
    }

    #[test]
    fn hidden_zones_draw_nothing_and_a_scope_keeps_its_own() {
        let camera = Camera::new([4.0, 47.5], Zoom::clamped(6.0), 800.0, 600.0);
        let mut z = zones();
        z.shown = false;
        let mut d = DisplayList::default();
        z.draw(&mut d, &camera, &z.shapes, |_| true);
        assert!(d.items.is_empty());
        z.shown = true;
        z.draw(&mut d, &camera, &z.shapes, |s| s.code == "z2");
        assert_eq!(d.items.len(), 1);
    }
}
