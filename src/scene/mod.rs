//! The display list: what to draw, in screen pixels, independent of the
//! renderer. The core builds it from features, a projection and a style; the
//! browser only replays it on a canvas. Tests can snapshot it, and hit
//! testing (hover, click) runs on it without a browser.

use crate::num::ClampTo;

/// An sRGB colour with alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// Parses "#rrggbb" or "#rrggbbaa".
    pub fn from_hex(s: &str) -> Option<Self> {
        let h = s.strip_prefix('#')?;
        if !(h.len() == 6 || h.len() == 8) || !h.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
        let a = if h.len() == 8 { byte(6)? } else { 255 };
        Some(Rgba([byte(0)?, byte(2)?, byte(4)?, a]))
    }

    /// The same colour with its alpha multiplied by `opacity` (clamped to
    /// 0–1): fills let a basemap show through.
    ///
    /// ```
    /// use maillage::scene::Rgba;
    /// assert_eq!(Rgba([68, 1, 84, 255]).faded(0.75), Rgba([68, 1, 84, 191]));
    /// ```
    pub fn faded(self, opacity: f64) -> Rgba {
        let [r, g, b, a] = self.0;
        let a = (f64::from(a) * opacity.clamp_to(0.0, 1.0)).round() as u8;
        Rgba([r, g, b, a])
    }

    /// Whether white text reads better than black on this colour
    /// (relative luminance under 0.18, the crossover of the two WCAG
    /// contrast ratios).
    ///
    /// ```
    /// use maillage::scene::Rgba;
    /// assert!(Rgba([0, 114, 178, 255]).is_dark());
    /// assert!(!Rgba([240, 228, 66, 255]).is_dark());
    /// ```
    pub fn is_dark(self) -> bool {
        let lin = |c: u8| crate::style::palette::srgb_to_linear(c, 0.040_45);
        let [r, g, b, _] = self.0;
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) < 0.18
    }

    /// CSS colour text for the canvas.
    pub fn css(self) -> String {
        let [r, g, b, a] = self.0;
        if a == 255 {
            format!("#{r:02x}{g:02x}{b:02x}")
        } else {
            let alpha = crate::share::fixed(f64::from(a) / 255.0, 3, '.').unwrap_or_default();
            format!("rgba({r},{g},{b},{alpha})")
        }
    }
}

/// A pattern drawn over a fill, so that colour is never the only carrier
/// of meaning: the no-data style and the weak-coverage zones are hatched,
/// and with the `patterns` option each class has its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Lines rising to the right (no data, zones).
    Diagonal,
    /// Lines falling to the right.
    AntiDiagonal,
    /// Sparse dots.
    Dots,
    /// Dense dots.
    DenseDots,
    /// Horizontal lines.
    Horizontal,
    /// Horizontal lines, closer.
    DenseHorizontal,
    /// Vertical lines.
    Vertical,
    /// Horizontal and vertical lines.
    Cross,
    /// Both diagonals.
    DiagonalCross,
}

impl Pattern {
    /// The pattern of class `k` (lightest first): none for the first, then
    /// one each, told apart at a glance and in black and white.
    pub fn for_class(k: usize) -> Option<Pattern> {
        use Pattern::*;
        const ORDER: [Pattern; 8] = [
            Dots,
            Horizontal,
            AntiDiagonal,
            Vertical,
            Cross,
            DiagonalCross,
            DenseDots,
            DenseHorizontal,
        ];
        k.checked_sub(1).and_then(|i| ORDER.get(i).copied())
    }

    /// Its name, for the legend's swatches (`data-pattern`).
    pub fn name(self) -> &'static str {
        match self {
            Pattern::Diagonal => "diagonal",
            Pattern::AntiDiagonal => "anti-diagonal",
            Pattern::Dots => "dots",
            Pattern::DenseDots => "dense-dots",
            Pattern::Horizontal => "horizontal",
            Pattern::DenseHorizontal => "dense-horizontal",
            Pattern::Vertical => "vertical",
            Pattern::Cross => "cross",
            Pattern::DiagonalCross => "diagonal-cross",
        }
    }
}

/// A pattern in an ink colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hatch {
    /// Colour of the pattern's lines or dots.
    pub ink: Rgba,
    /// Which pattern.
    pub pattern: Pattern,
}

impl Hatch {
    /// Diagonal lines in `ink` (no data, zones).
    pub const fn diagonal(ink: Rgba) -> Hatch {
        Hatch {
            ink,
            pattern: Pattern::Diagonal,
        }
    }
}

/// How a polygon is painted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolygonStyle {
    /// Fill colour; `None` draws the outline only.
    pub fill: Option<Rgba>,
    /// Outline colour and width in CSS pixels.
    pub stroke: Option<(Rgba, f32)>,
    /// A pattern over the fill (no data, grey zones, classes with the
    /// `patterns` option): colour is never the only carrier of meaning.
    pub hatch: Option<Hatch>,
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A polygon with holes, possibly several parts, drawn with the even-odd rule.
    Polygon {
        /// Feature it belongs to, for hit testing.
        feature: u32,
        /// Rings in screen pixels.
        rings: Vec<Vec<[f32; 2]>>,
        /// Paint.
        style: PolygonStyle,
    },
    /// A name, centred on a point, drawn over a halo so that it reads on
    /// any colour; lines are `leading` apart.
    Label {
        /// Lines, top to bottom (plain text, never markup).
        lines: Vec<String>,
        /// Centre of the text, CSS pixels.
        x: f32,
        /// Centre of the text, CSS pixels.
        y: f32,
        /// Font size, CSS pixels.
        size: f32,
        /// Distance between line centres, CSS pixels.
        leading: f32,
        /// Text colour.
        fill: Rgba,
        /// Halo colour.
        halo: Rgba,
    },
    /// A round marker: a place, or a cluster of places with its count.
    Marker {
        /// Feature it belongs to, for hit testing.
        feature: u32,
        /// Centre, CSS pixels.
        x: f32,
        /// Centre, CSS pixels.
        y: f32,
        /// Radius, CSS pixels (the white ring included).
        radius: f32,
        /// Fill colour.
        fill: Rgba,
        /// Text in the middle (a cluster's count), plain text.
        text: Option<String>,
    },
}

/// White ring around markers: they read over any fill.
pub const MARKER_RING: Rgba = Rgba([255, 255, 255, 255]);

/// Markers smaller than this (CSS px) are hit within this radius: a finger
/// must be able to open a place on a phone.
pub const MIN_HIT_RADIUS: f32 = 12.0;

/// The CSS font of labels of `size` px in the page's `family` (the
/// computed `font-family`, which `--maillage-font` sets).
pub fn label_font(size: f32, family: &str) -> String {
    // Whole pixels: formatting an f32 would weigh 2 KB of the module.
    format!("600 {}px {family}", size.round() as u32)
}

/// The display list of one frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DisplayList {
    /// Items in drawing order.
    pub items: Vec<Item>,
}

/// Vertices closer than this (CSS px) to the previous kept one are dropped:
/// they cannot be seen, and skipping them keeps panning cheap.
pub const MIN_SEGMENT_PX: f64 = 0.5;

impl DisplayList {
    /// Adds a square marker of half-side `half` (CSS px) centred on the
    /// screen point `at`, as a polygon so that it is painted and hit like
    /// one; skipped when entirely outside `viewport` (w, h) or not finite.
    pub fn push_marker(
        &mut self,
        feature: u32,
        at: [f64; 2],
        half: f64,
        viewport: [f64; 2],
        style: PolygonStyle,
    ) {
        let [x, y] = at;
        if !(x.is_finite() && y.is_finite())
            || x + half < 0.0
            || y + half < 0.0
            || x - half > viewport[0]
            || y - half > viewport[1]
        {
            return;
        }
        let (x0, y0, x1, y1) = (
            (x - half) as f32,
            (y - half) as f32,
            (x + half) as f32,
            (y + half) as f32,
        );
        self.items.push(Item::Polygon {
            feature,
            rings: vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
            style,
        });
    }

    /// Adds a polygon given as parts of rings in lon/lat, projected by
    /// `project` to screen pixels. Rings that collapse below 3 distinct
    /// pixels are skipped; parts entirely outside `viewport` (w, h) too.
    pub fn push_polygon(
        &mut self,
        feature: u32,
        parts: &[Vec<Vec<[f64; 2]>>],
        project: impl Fn([f64; 2]) -> [f64; 2],
        viewport: [f64; 2],
        style: PolygonStyle,
    ) {
        let mut rings = Vec::new();
        for part in parts {
            let mut part_rings = Vec::new();
            let mut bbox = crate::geom::EMPTY_BOX;
            for ring in part {
                let mut out: Vec<[f32; 2]> = Vec::with_capacity(ring.len());
                let mut last: Option<[f64; 2]> = None;
                for &p in ring {
                    let s = project(p);
                    if !(s[0].is_finite() && s[1].is_finite()) {
                        continue;
                    }
                    if let Some(l) = last {
                        if (s[0] - l[0]).abs() < MIN_SEGMENT_PX
                            && (s[1] - l[1]).abs() < MIN_SEGMENT_PX
                        {
                            continue;
                        }
                    }
                    crate::geom::grow_box(&mut bbox, s[0], s[1]);
                    out.push([s[0] as f32, s[1] as f32]);
                    last = Some(s);
                }
                if out.len() >= 3 {
                    part_rings.push(out);
                }
            }
            let visible = bbox[2] >= 0.0
                && bbox[3] >= 0.0
                && bbox[0] <= viewport[0]
                && bbox[1] <= viewport[1];
            if visible {
                rings.extend(part_rings);
            }
        }
        if !rings.is_empty() {
            self.items.push(Item::Polygon {
                feature,
                rings,
                style,
            });
        }
    }

    /// The topmost feature under a screen point (even-odd rule, like the
    /// canvas fill), for hover and click.
    pub fn hit(&self, x: f32, y: f32) -> Option<u32> {
        self.items.iter().rev().find_map(|item| match item {
            Item::Polygon {
                feature,
                rings,
                style,
            } if style.fill.is_some() => {
                let inside = rings.iter().filter(|r| ring_contains(r, x, y)).count() % 2 == 1;
                inside.then_some(*feature)
            }
            Item::Marker {
                feature,
                x: mx,
                y: my,
                radius,
                ..
            } => {
                let r = radius.max(MIN_HIT_RADIUS);
                ((x - mx).powi(2) + (y - my).powi(2) <= r * r).then_some(*feature)
            }
            Item::Polygon { .. } | Item::Label { .. } => None,
        })
    }

    /// The polygons grouped by paint, in the order they are painted: a
    /// frame has thousands of polygons but about ten paints, and each canvas
    /// call costs a flush of its state. Each polygon is traced once for its
    /// fill: a fill batch whose polygons share a stroke pen is handed whole
    /// to that pen's path (`addPath`), so only strokes without a fill
    /// (outlines, hidden classes) are traced again. Hatches are few and
    /// traced on their own.
    pub fn paint_batches(&self) -> PaintBatches {
        let mut b = PaintBatches::default();
        let polygons = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                Item::Polygon { rings, style, .. } => Some((i, rings.len() == 1, style)),
                Item::Label { .. } | Item::Marker { .. } => None,
            });
        for (i, single, style) in polygons {
            let pen = style.stroke.map(|(colour, width)| {
                let found = b
                    .pens
                    .iter()
                    .position(|p| p.colour == colour && p.width == width);
                found.unwrap_or_else(|| {
                    b.pens.push(PenBatch {
                        colour,
                        width,
                        items: Vec::new(),
                    });
                    b.pens.len() - 1
                })
            });
            match style.fill {
                Some(colour) => {
                    let same = |f: &&mut FillBatch| {
                        f.colour == colour && f.single == single && f.pen == pen
                    };
                    match b.fills.iter_mut().find(same) {
                        Some(f) => f.items.push(i),
                        None => b.fills.push(FillBatch {
                            colour,
                            single,
                            pen,
                            items: vec![i],
                        }),
                    }
                }
                None => {
                    if let Some(p) = pen {
                        b.pens[p].items.push(i);
                    }
                }
            }
            if let Some(h) = style.hatch {
                match b.hatches.iter_mut().find(|(k, _)| *k == h) {
                    Some((_, items)) => items.push(i),
                    None => b.hatches.push((h, vec![i])),
                }
            }
        }
        b
    }

    /// Number of vertices, for the render report.
    pub fn vertex_count(&self) -> usize {
        self.items
            .iter()
            .map(|item| match item {
                Item::Polygon { rings, .. } => rings.iter().map(Vec::len).sum::<usize>(),
                Item::Label { .. } | Item::Marker { .. } => 0,
            })
            .sum()
    }
}

/// The polygons of a display list grouped by paint ([`DisplayList::paint_batches`]);
/// `items` are indices into the list's items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaintBatches {
    /// Fills, in painting order.
    pub fills: Vec<FillBatch>,
    /// Patterns over fills, after all fills.
    pub hatches: Vec<(Hatch, Vec<usize>)>,
    /// Strokes, after the hatches, in order of first use (base outlines
    /// come last in a list, so they are stroked last).
    pub pens: Vec<PenBatch>,
}

/// Polygons filled in one colour, traced into one path.
#[derive(Debug, Clone, PartialEq)]
pub struct FillBatch {
    /// Fill colour.
    pub colour: Rgba,
    /// Single-ring polygons (markers, which may overlap) are filled with the
    /// non-zero rule so that overlaps stay filled; the others even-odd: the
    /// polygons of one colour form a partition, so even-odd over their
    /// union is each one's own.
    pub single: bool,
    /// The pen (index in [`PaintBatches::pens`]) that strokes these
    /// polygons: its path takes this batch's whole.
    pub pen: Option<usize>,
    /// The polygons.
    pub items: Vec<usize>,
}

/// A stroke colour and width.
#[derive(Debug, Clone, PartialEq)]
pub struct PenBatch {
    /// Stroke colour.
    pub colour: Rgba,
    /// Width, CSS pixels.
    pub width: f32,
    /// Polygons stroked by this pen and not filled (outlines): traced for
    /// it alone. The filled ones come with their fill batches.
    pub items: Vec<usize>,
}

fn ring_contains(ring: &[[f32; 2]], x: f32, y: f32) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let [x0, y0] = ring[i];
        let [x1, y1] = ring[(i + 1) % n];
        if (y0 > y) != (y1 > y) && x < (x1 - x0) * (y - y0) / (y1 - y0) + x0 {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polygons_are_batched_by_paint_and_traced_once_for_a_stroke_with_their_fill() {
        let white = (Rgba([255, 255, 255, 255]), 0.5);
        let grey = (Rgba([150, 150, 150, 255]), 0.5);
        let base = (Rgba([60, 60, 60, 255]), 1.0);
        let [c1, c2, c3] = [
            Rgba([1, 0, 0, 255]),
            Rgba([2, 0, 0, 255]),
            Rgba([3, 0, 0, 255]),
        ];
        let diagonal = Hatch::diagonal(Rgba([0, 0, 0, 255]));
        let ring = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]];
        let polygon = |rings: usize, fill, stroke, hatch| Item::Polygon {
            feature: 0,
            rings: vec![ring.clone(); rings],
            style: PolygonStyle {
                fill,
                stroke,
                hatch,
            },
        };
        let list = DisplayList {
            items: vec![
                polygon(2, Some(c1), Some(white), None),
                polygon(1, Some(c2), Some(white), None),
                polygon(2, Some(c1), Some(white), None),
                Item::Label {
                    lines: vec!["Arras".into()],
                    x: 0.0,
                    y: 0.0,
                    size: 12.0,
                    leading: 14.0,
                    fill: c1,
                    halo: c2,
                },
                // A class the legend hides: its outline only.
                polygon(2, None, Some(grey), None),
                polygon(2, Some(c3), Some(white), Some(diagonal)),
                // A département's outline, last.
                polygon(2, None, Some(base), None),
                // One ring of c1 (non-zero rule), then c1 without a stroke.
                polygon(1, Some(c1), Some(white), None),
                polygon(2, Some(c1), None, None),
            ],
        };
        let b = list.paint_batches();
        let fill = |colour, single, pen, items: &[usize]| FillBatch {
            colour,
            single,
            pen,
            items: items.to_vec(),
        };
        assert_eq!(
            b.fills,
            vec![
                fill(c1, false, Some(0), &[0, 2]),
                fill(c2, true, Some(0), &[1]),
                fill(c3, false, Some(0), &[5]),
                fill(c1, true, Some(0), &[7]),
                fill(c1, false, None, &[8]),
            ]
        );
        assert_eq!(b.hatches, vec![(diagonal, vec![5])]);
        let pen = |(colour, width): (Rgba, f32), items: &[usize]| PenBatch {
            colour,
            width,
            items: items.to_vec(),
        };
        // The white pen strokes five polygons, all through their fills.
        assert_eq!(
            b.pens,
            vec![pen(white, &[]), pen(grey, &[4]), pen(base, &[6]),]
        );
    }

    fn square(x: f64, y: f64, s: f64) -> Vec<Vec<[f64; 2]>> {
        vec![vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]]
    }

    fn fill(hex: &str) -> PolygonStyle {
        PolygonStyle {
            fill: Rgba::from_hex(hex),
            stroke: None,
            hatch: None,
        }
    }

    #[test]
    fn colours_parse_and_print() {
        assert_eq!(
            Rgba::from_hex("#440154"),
            Some(Rgba([0x44, 0x01, 0x54, 255]))
        );
        assert_eq!(
            Rgba::from_hex("#44015480").map(Rgba::css).as_deref(),
            Some("rgba(68,1,84,0.502)")
        );
        assert_eq!(Rgba([1, 2, 3, 255]).css(), "#010203");
        assert_eq!(Rgba::from_hex("440154"), None);
        assert_eq!(Rgba::from_hex("#éé0154"), None);
    }

    #[test]
    fn projects_culls_and_hits() {
        let scale = |p: [f64; 2]| [p[0] * 10.0, p[1] * 10.0];
        let mut d = DisplayList::default();
        d.push_polygon(
            1,
            &[square(0.0, 0.0, 10.0)],
            scale,
            [200.0, 200.0],
            fill("#ff0000"),
        );
        // A hole-free square overlapping the first, drawn on top.
        d.push_polygon(
            2,
            &[square(5.0, 5.0, 10.0)],
            scale,
            [200.0, 200.0],
            fill("#00ff00"),
        );
        // Off screen: culled.
        d.push_polygon(
            3,
            &[square(50.0, 50.0, 1.0)],
            scale,
            [200.0, 200.0],
            fill("#0000ff"),
        );
        assert_eq!(d.items.len(), 2);
        assert_eq!(d.hit(20.0, 20.0), Some(1));
        assert_eq!(d.hit(80.0, 80.0), Some(2), "topmost wins");
        assert_eq!(d.hit(190.0, 190.0), None);
        assert_eq!(d.vertex_count(), 10);
    }

    #[test]
    fn holes_are_not_hit_and_specks_are_dropped() {
        let id = |p: [f64; 2]| p;
        let mut with_hole = square(0.0, 0.0, 100.0);
        with_hole.push(vec![
            [40.0, 40.0],
            [60.0, 40.0],
            [60.0, 60.0],
            [40.0, 60.0],
            [40.0, 40.0],
        ]);
        let mut d = DisplayList::default();
        d.push_polygon(7, &[with_hole], id, [500.0, 500.0], fill("#123456"));
        assert_eq!(d.hit(10.0, 10.0), Some(7));
        assert_eq!(d.hit(50.0, 50.0), None);
        // A 0.1 px polygon collapses below 3 vertices: nothing is pushed.
        d.push_polygon(
            8,
            &[square(1.0, 1.0, 0.1)],
            id,
            [500.0, 500.0],
            fill("#123456"),
        );
        assert_eq!(d.items.len(), 1);
        // Non-finite projections are skipped, not drawn at infinity.
        d.push_polygon(
            9,
            &[square(0.0, 0.0, 10.0)],
            |_| [f64::NAN, 0.0],
            [500.0, 500.0],
            fill("#123456"),
        );
        assert_eq!(d.items.len(), 1);
    }
}
