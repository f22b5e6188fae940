//! Territory names on the map, where they fit: each drawn shape's name sits
//! at the pole of inaccessibility of its largest part, when its text box
//! fits in the part's extent around that point and keeps clear of the
//! names already placed (most populated first, then largest) and of the
//! panels over the map.
//!
//! "Fits in the extent": the part reaches half the box's height above and
//! below the point, and [`REACH_SLACK`] times less than half its width to
//! the left and right. Measured on the Hauts-de-France view at zoom 7.5
//! (EPCIs 40 to 70 px across, names 50 to 100 px wide on two lines), a box
//! wholly inside its shape placed 2 names out of about 250, this rule 11;
//! the names' ends may overhang a border a little, on their halo.
//!
//! What does not depend on the view (cleaned text, line breaks, anchor) is
//! worked out once per shape, at its first labelled frame, and kept with it
//! ([`Shape::anchor`]); a frame only projects anchors, sorts them and tests
//! boxes, so panning stays cheap.
//!
//! Names come from partners' files: control and bidirectional formatting
//! characters are dropped and long names cut ([`label_text`]). The canvas
//! draws text as text, never as markup.

use super::Shape;
use crate::geom::camera::Camera;
use crate::geom::polylabel::{polylabel, ring_area};
use crate::num::ClampTo;
use crate::scene::{Item, Rgba};

/// Longest label in characters; longer names are cut with "…".
pub const MAX_LABEL_CHARS: usize = 40;

/// Label font size, CSS pixels.
pub const LABEL_SIZE: f64 = 12.0;

/// Distance between the lines of a label, in font sizes.
const LEADING: f64 = 1.2;

/// How much farther than its shape's reach a name may extend sideways
/// (×): its ends may overhang the border by a fifth of its half width.
pub const REACH_SLACK: f64 = 1.25;

/// Narrowest a shape may be on screen (CSS px) to be given a name: about
/// the width of a three-letter one.
const MIN_LABEL_PX: f64 = 20.0;

/// Free space kept between a label and other labels or panels, CSS pixels.
const GAP: f64 = 6.0;

/// Label text: dark, on a light halo, so that it reads at more than 4.5:1
/// over any class colour.
pub const LABEL_TEXT: Rgba = Rgba([29, 36, 51, 255]);

/// Halo drawn around the letters, under them.
pub const LABEL_HALO: Rgba = Rgba([255, 255, 255, 235]);

/// Text the glue measures in the label font, so that the width table fits
/// the page's font ([`text_scale`]).
pub const REFERENCE: &str = "CA du Pays de Saint-Omer";

/// EPCI legal forms and their usual abbreviations: a label has little room
/// and the tooltip keeps the full name.
const FORMS: [(&str, &str); 4] = [
    ("Communauté de communes", "CC"),
    ("Communauté d'agglomération", "CA"),
    ("Communauté d’agglomération", "CA"),
    ("Communauté urbaine", "CU"),
];

/// Advance widths of ASCII 32–126 in thousandths of an em (Helvetica's
/// metrics, close to the sans-serif fonts the widget finds); the glue's
/// measurement of [`REFERENCE`] scales them to the actual font.
const ADVANCE: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // digits
    278, 278, 584, 584, 584, 556, 1015, // : to @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A to M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
    278, 278, 278, 469, 556, 333, // [ to `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a to m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n to z
    334, 260, 334, 584, // { to ~
];

/// Estimated width of `text` in ems (letters outside ASCII counted as
/// wide ones: Unicode case tables would weigh more than they gain).
pub fn text_em(text: &str) -> f64 {
    ems(milli_em(text))
}

/// Width of `text` in thousandths of an em: whole numbers, so that the
/// widths of a name's lines add up exactly (see [`layouts`]).
fn milli_em(text: &str) -> u64 {
    text.chars()
        .map(|c| {
            // Outside ASCII (accented letters mostly): a wide letter.
            ADVANCE
                .get((c as usize).wrapping_sub(32))
                .copied()
                .map_or(640, u64::from)
        })
        .sum()
}

/// Thousandths of an em to ems.
fn ems(milli: u64) -> f64 {
    milli as f64 / 1000.0
}

/// The factor that turns [`text_em`] widths into the page font's: the
/// width of [`REFERENCE`] as measured by the canvas over its estimate,
/// kept between 0.5 and 2 (1 when the measure is absurd).
pub fn text_scale(measured_px: f64) -> f64 {
    let k = measured_px / (text_em(REFERENCE) * LABEL_SIZE);
    if k.is_finite() && k > 0.0 {
        k.clamp_to(0.5, 2.0)
    } else {
        1.0
    }
}

/// Whether a character is a bidirectional or invisible formatting mark: a
/// hostile name could reorder or hide the text around it.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// The text drawn for a territory's name: without control or formatting
/// characters, spaces collapsed, the legal form abbreviated ("Communauté
/// urbaine d'Arras" → "CU d'Arras"), a trailing acronym in brackets dropped,
/// cut to [`MAX_LABEL_CHARS`] with "…". Empty when nothing is left.
pub fn label_text(name: &str) -> String {
    // One pass, one string: a national view's first frame cleans the names
    // of hundreds of territories.
    let mut text = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c.is_control() || is_format(c) || (c == ' ' && text.ends_with(' ')) {
            continue;
        }
        if c != ' ' || !text.is_empty() {
            text.push(c);
        }
    }
    if text.ends_with(' ') {
        text.pop();
    }
    for (long, short) in FORMS {
        let rest = text.strip_prefix(long).unwrap_or("-");
        if rest.is_empty() || rest.starts_with(' ') {
            text = format!("{short}{rest}");
            break;
        }
    }
    if text.ends_with(')') {
        if let Some(i) = text
            .rfind('(')
            .filter(|&i| i > 1 && text[..i].ends_with(' '))
        {
            text.truncate(i - 1);
        }
    }
    if text.chars().count() > MAX_LABEL_CHARS {
        let cut: String = text.chars().take(MAX_LABEL_CHARS - 1).collect();
        text = format!("{}…", cut.trim_end());
    }
    text
}

/// Words joined by single spaces, empty ones skipped (a small `join`).
fn words(ws: &[&str]) -> String {
    let mut out = String::new();
    for w in ws.iter().filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A way to set a name: its lines and the widest one's width in ems.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Lines, top to bottom.
    pub lines: Vec<String>,
    /// Width of the widest line, ems.
    pub em: f64,
}

/// Whether a line may end after `word`: not after a short lowercase word
/// ("du Pays" / "de Bray", not "CC du" / "Pays de Bray").
fn may_break_after(word: &str) -> bool {
    !(word.len() <= 3 && word.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The name on one line, then on two split where the wider line is the
/// narrowest (when it has more than one word).
///
/// Only the chosen lines are written out (see [`best_break`]).
pub fn layouts(text: &str) -> Vec<Layout> {
    let Some((total, best)) = best_break(text) else {
        return Vec::new();
    };
    let ws: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out = vec![Layout {
        lines: vec![words(&ws)],
        em: ems(total),
    }];
    if let Some((k, wider)) = best {
        out.push(Layout {
            lines: vec![words(&ws[..k]), words(&ws[k..])],
            em: ems(wider),
        });
    }
    out
}

/// The width (ems) of the narrowest of [`layouts`], without writing any
/// out; `None` without a word. Most territories of a national view are
/// too small on screen for their name, which this alone tells.
pub fn narrowest_em(text: &str) -> Option<f64> {
    best_break(text).map(|(total, best)| ems(best.map_or(total, |(_, wider)| wider)))
}

/// The name's width on one line and, when it has more than one word, the
/// best break in two (words on the first line, the wider line's width),
/// in thousandths of an em; `None` without a word.
///
/// Each split's width comes from running sums of the words' widths, with
/// nothing allocated: every territory's name is measured at the first
/// frame that could show it, in wasm's baseline compiler.
fn best_break(text: &str) -> Option<(u64, Option<(usize, u64)>)> {
    let ws = || text.split(' ').filter(|w| !w.is_empty());
    let last = ws().count().checked_sub(1)?;
    let space = milli_em(" ");
    let total = ws().map(milli_em).sum::<u64>() + space * last as u64;
    // (words on the first line, the wider line's width)
    let mut best: Option<(usize, u64)> = None;
    let mut left = 0;
    for (i, w) in ws().enumerate().take(last) {
        left += milli_em(w) + if i > 0 { space } else { 0 };
        if !may_break_after(w) {
            continue;
        }
        let wider = left.max(total - left - space);
        if best.is_none_or(|(_, b)| wider < b) {
            best = Some((i + 1, wider));
        }
    }
    Some((total, best))
}

/// Where and how a shape's name may be drawn, for every view.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Pole of inaccessibility of the largest part, world coordinates.
    pub at: [f64; 2],
    /// How far that part reaches from `at` (world units): left, right, up
    /// and down to its nearest edge.
    pub reach: [f64; 4],
    /// Order of placement, highest first: the population, or without one
    /// the area in km² (about), rounded.
    pub rank: u32,
}

/// Cells the anchor search may evaluate per shape (each costs one pass
/// over the part's vertices).
const MAX_PROBES: usize = 64;

impl Anchor {
    /// The anchor of `shape`, or `None` when it has no name or no area.
    pub fn of(shape: &Shape) -> Option<Anchor> {
        // A point (a commune's dot at national zooms) has no room for a name.
        if shape.point().is_some() {
            return None;
        }
        if shape.layouts().is_empty() {
            return None;
        }
        let mut largest: Option<(f64, &[Vec<[f64; 2]>])> = None;
        let mut area = 0.0;
        for rings in shape.world_parts() {
            let mut areas = rings.iter().map(|r| ring_area(r).abs());
            let outer = areas.next().unwrap_or(0.0);
            let a = (outer - areas.sum::<f64>()).max(0.0);
            if !a.is_finite() {
                continue;
            }
            area += a;
            if largest.as_ref().is_none_or(|(best, _)| a > *best) {
                largest = Some((a, rings));
            }
        }
        let (_, rings) = largest?;
        // A 32nd of the part's size: the label's centre needs no better.
        let (at, _) = polylabel(rings, 0.0, MAX_PROBES)?;
        Some(Anchor {
            at,
            reach: reach(rings, at),
            // A world unit² is about 1.6e9 km² at the equator; a rank only orders.
            rank: shape.population.unwrap_or(area * 1.6e9).clamp_to(0.0, 4e9) as u32,
        })
    }
}

/// Distances from `p` to the nearest crossing of the rings' edges along
/// the horizontal and vertical lines through it: left, right, up, down.
fn reach(rings: &[Vec<[f64; 2]>], p: [f64; 2]) -> [f64; 4] {
    let mut r = [f64::INFINITY; 4];
    for ring in rings {
        for w in ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                let i = usize::from(x > p[0]);
                r[i] = r[i].min((x - p[0]).abs());
            }
            if (a[0] > p[0]) != (b[0] > p[0]) {
                let y = a[1] + (p[0] - a[0]) * (b[1] - a[1]) / (b[0] - a[0]);
                let i = 2 + usize::from(y > p[1]);
                r[i] = r[i].min((y - p[1]).abs());
            }
        }
    }
    r.map(|d| if d.is_finite() { d } else { 0.0 })
}

/// Whether two boxes `[x0, y0, x1, y1]` overlap.
fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The labels of `shapes` (those drawn in a shown class) in `camera`'s
/// view, as display-list items to draw after the polygons and outlines.
/// `text_scale` comes from [`text_scale`]; `panels` are screen boxes
/// (`[x0, y0, x1, y1]`, CSS pixels) covered by the page's panels.
///
/// Greedy: most populated shape first (then largest), each label on the
/// fewest lines that fit; a label that would leave the view, cover another
/// or a panel, or outreach its shape is not drawn.
pub fn place<'a>(
    camera: &Camera,
    shapes: impl IntoIterator<Item = &'a Shape>,
    text_scale: f64,
    panels: &[[f64; 4]],
) -> Vec<Item> {
    let (w, h, scale) = (camera.width(), camera.height(), camera.scale());
    let projector = camera.projector();
    let line_px = LABEL_SIZE * LEADING;
    let candidates: Vec<(&Anchor, &[Layout], [f64; 2])> = shapes
        .into_iter()
        .filter_map(|s| {
            // Narrower on screen than the shortest name could be, or lower
            // than one line: no need to find where its name would go.
            let [x0, y0, x1, y1] = s.extent();
            if (x1 - x0) * scale < MIN_LABEL_PX || (y1 - y0) * scale < line_px {
                return None;
            }
            // Off screen: its anchor, inside it, is too. Not computed: a
            // regional view of the national overview would otherwise find
            // the anchors of all of France's territories on its first frame.
            if !s.on_screen(&projector) {
                return None;
            }
            // A name is at most `REACH_SLACK` times as wide as the box
            // (twice the nearer reach sideways, which sums to at most the
            // box's width): a box too narrow for the narrowest layout is
            // refused below whatever its anchor, so the costly anchor
            // search (and the layouts' text) is skipped.
            if s.narrowest_em() * LABEL_SIZE * text_scale > REACH_SLACK * (x1 - x0) * scale {
                return None;
            }
            let a = s.anchor()?;
            let p = projector.project(a.at);
            ((0.0..=w).contains(&p[0]) && (0.0..=h).contains(&p[1])).then_some((a, s.layouts(), p))
        })
        .take(1 << 20)
        .collect();
    // Highest rank first, ties in drawing order: one f64 per candidate,
    // (u32::MAX − rank) · 2²⁰ + index, exact below 2⁵³, sorted with the f64
    // sort the classifier links in (a sort of tuples would weigh 2.5 KB).
    let mut order: Vec<f64> = candidates
        .iter()
        .enumerate()
        .map(|(i, (a, _, _))| f64::from(u32::MAX - a.rank) * 1_048_576.0 + i as f64)
        .collect();
    order.sort_unstable_by(f64::total_cmp);
    let mut taken: Vec<[f64; 4]> = panels.to_vec();
    let mut items = Vec::new();
    for key in order {
        let Some(&(anchor, layouts, p)) = candidates.get((key % 1_048_576.0) as usize) else {
            continue;
        };
        for layout in layouts {
            let bw = layout.em * LABEL_SIZE * text_scale;
            let bh = layout.lines.len() as f64 * line_px;
            let b = [
                p[0] - bw / 2.0,
                p[1] - bh / 2.0,
                p[0] + bw / 2.0,
                p[1] + bh / 2.0,
            ];
            let around = [b[0] - GAP, b[1] - GAP, b[2] + GAP, b[3] + GAP];
            if b[0] < 0.0 || b[1] < 0.0 || b[2] > w || b[3] > h {
                continue;
            }
            let [left, right, up, down] = anchor.reach.map(|d| d * scale);
            let fits = bw / 2.0 <= REACH_SLACK * left.min(right) && bh / 2.0 <= up.min(down);
            if !fits || taken.iter().any(|t| overlap(around, *t)) {
                continue;
            }
            taken.push(b);
            items.push(Item::Label {
                lines: layout.lines.clone(),
                x: p[0] as f32,
                y: p[1] as f32,
                size: LABEL_SIZE as f32,
                leading: line_px as f32,
                fill: LABEL_TEXT,
                halo: LABEL_HALO,
            });
            break;
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::mercator::Zoom;

    #[test]
    fn names_are_cleaned_abbreviated_and_cut() {
        assert_eq!(label_text("Communauté urbaine d'Arras"), "CU d'Arras");
        assert_eq!(
            label_text("Communauté de communes du Pays de Bray"),
            "CC du Pays de Bray"
        );
        assert_eq!(
            label_text("Communauté d'agglomération CIVIS (Communauté Intercommunale des Villes Solidaires)"),
            "CA CIVIS"
        );
        assert_eq!(
            label_text("Communauté de communesX"),
            "Communauté de communesX"
        );
        assert_eq!(
            label_text("Métropole Européenne de Lille"),
            "Métropole Européenne de Lille"
        );
        // Control and bidirectional characters go, spaces collapse.
        assert_eq!(
            label_text("\u{7}Lens\n\t Liévin\u{202E}nivéiL\u{2066}"),
            "Lens LiévinnivéiL"
        );
        assert_eq!(label_text(" \u{200B}\u{FEFF} "), "");
        assert_eq!(
            label_text("  Pays \u{0} de\u{A0} Bray \r\n"),
            "Pays de Bray"
        );
        assert_eq!(label_text("\u{2066} Communauté urbaine  \u{7}"), "CU");
        assert_eq!(label_text("(Sans nom)"), "(Sans nom)");
        let long = label_text(&"<script>".repeat(1000));
        assert_eq!(long.chars().count(), MAX_LABEL_CHARS);
        assert!(long.ends_with("…") && long.starts_with("<script>"));
    }

    #[test]
    fn widths_come_from_the_table_scaled_to_the_font() {
        // C .722 U .722 space .278 d .556 ' .191 A .667 r .333 r .333 a .556 s .5
        assert!((text_em("CU d'Arras") - 4.858).abs() < 1e-9);
        // Letters outside the table count as wide ones.
        assert!((text_em("Éé") - 1.28).abs() < 1e-9);
        let reference = text_em(REFERENCE) * LABEL_SIZE;
        assert!((text_scale(reference * 1.1) - 1.1).abs() < 1e-12);
        assert_eq!(text_scale(reference * 10.0), 2.0);
        assert_eq!(text_scale(0.0), 1.0);
        assert_eq!(text_scale(f64::NAN), 1.0);
    }

    #[test]
    fn names_break_where_the_wider_line_is_narrowest() {
        let l = layouts("CC du Pays de Bray");
        let lines: Vec<Vec<&str>> = l
            .iter()
            .map(|l| l.lines.iter().map(String::as_str).collect())
            .collect();
        // Never "CC du" / "Pays de Bray": no line ends on "du" or "de".
        assert_eq!(
            lines,
            [vec!["CC du Pays de Bray"], vec!["CC du Pays", "de Bray"]]
        );
        assert!((l[1].em - text_em("CC du Pays")).abs() < 1e-12);
        assert_eq!(layouts("Saint-Pol-sur-Ternoise").len(), 1);
        assert!(layouts("").is_empty());
        // The narrowest width, without the lines: the two-line one here.
        assert_eq!(narrowest_em("CC du Pays de Bray"), Some(l[1].em));
        assert_eq!(
            narrowest_em("Saint-Pol-sur-Ternoise"),
            Some(text_em("Saint-Pol-sur-Ternoise"))
        );
        assert_eq!(narrowest_em("  "), None);
    }

    /// A shape drawn as the screen rectangle `r` (`[x0, y0, x1, y1]`) by `camera`.
    fn rect_shape(camera: &Camera, name: &str, r: [f64; 4], population: f64) -> Shape {
        let ll = |x: f64, y: f64| camera.unproject(x, y);
        Shape {
            name: name.into(),
            population: Some(population),
            parts: vec![vec![vec![
                ll(r[0], r[1]),
                ll(r[2], r[1]),
                ll(r[2], r[3]),
                ll(r[0], r[3]),
                ll(r[0], r[1]),
            ]]],
            ..Shape::default()
        }
    }

    /// Placed labels as (first line, lines, x, y) and their boxes.
    fn placed(items: &[Item]) -> Vec<(String, usize, f32, f32, [f64; 4])> {
        items
            .iter()
            .map(|item| match item {
                Item::Label {
                    lines,
                    x,
                    y,
                    size,
                    leading,
                    ..
                } => {
                    let w = lines.iter().map(|l| text_em(l)).fold(0.0, f64::max) * f64::from(*size);
                    let h = lines.len() as f64 * f64::from(*leading);
                    let (x, y) = (f64::from(*x), f64::from(*y));
                    (
                        lines[0].clone(),
                        lines.len(),
                        x as f32,
                        y as f32,
                        [x - w / 2.0, y - h / 2.0, x + w / 2.0, y + h / 2.0],
                    )
                }
                Item::Polygon { .. } | Item::Marker { .. } => unreachable!("labels only"),
            })
            .collect()
    }

    #[test]
    fn labels_go_where_they_fit_most_populated_first() {
        let cam = Camera::new([2.5, 47.0], Zoom::clamped(8.0), 800.0, 600.0);
        let shapes = vec![
            // 100 × 40 px: "Lens" (26.0 × 14.4 px) fits on one line, in the middle.
            rect_shape(&cam, "Lens", [100.0, 100.0, 200.0, 140.0], 10.0),
            // 60 × 50 px: "Béthune Bruay" (79.7 px, more than 1.25 × 60)
            // only on two lines (45.0 × 28.8).
            rect_shape(&cam, "Béthune Bruay", [300.0, 100.0, 360.0, 150.0], 10.0),
            // 40 × 40 px: one unbreakable 120 px word: no label.
            rect_shape(
                &cam,
                "Saint-Pol-sur-Ternoise",
                [500.0, 100.0, 540.0, 140.0],
                10.0,
            ),
            // Two 100 × 20 bands one above the other: their labels would
            // be 5.6 px apart, under the 6 px gap: the more populated wins.
            rect_shape(&cam, "Avion", [100.0, 300.0, 200.0, 320.0], 10.0),
            rect_shape(&cam, "Arras", [100.0, 320.0, 200.0, 340.0], 1000.0),
            // Under a panel: no label.
            rect_shape(&cam, "Liévin", [600.0, 400.0, 700.0, 440.0], 10.0),
            // Anchor on screen, box not: no label.
            rect_shape(&cam, "Bapaume", [-60.0, 500.0, 10.0, 540.0], 10.0),
        ];
        let items = place(&cam, &shapes, 1.0, &[[580.0, 380.0, 790.0, 590.0]]);
        let got = placed(&items);
        let names: Vec<(&str, usize)> = got.iter().map(|g| (g.0.as_str(), g.1)).collect();
        assert_eq!(names, [("Arras", 1), ("Lens", 1), ("Béthune", 2)]);
        // 120 px of name for a 40 px box: refused without its anchor
        // being looked for (it could not fit wherever it went).
        assert!(shapes[2].anchor.get().is_none());
        assert!(shapes[1].anchor.get().is_some());
        let close = |a: f32, b: f64| (f64::from(a) - b).abs() < 0.5;
        // Poles in the middle of each rectangle (within the search's precision).
        assert!(
            close(got[0].2, 150.0) && close(got[0].3, 330.0),
            "{:?}",
            got[0]
        );
        assert!(
            close(got[1].2, 150.0) && close(got[1].3, 120.0),
            "{:?}",
            got[1]
        );
        assert!(
            close(got[2].2, 330.0) && close(got[2].3, 125.0),
            "{:?}",
            got[2]
        );
        for (i, a) in got.iter().enumerate() {
            for b in &got[i + 1..] {
                assert!(!overlap(a.4, b.4), "{a:?} {b:?}");
            }
        }
        if let Item::Label {
            fill, halo, size, ..
        } = &items[0]
        {
            assert_eq!((*fill, *halo, *size), (LABEL_TEXT, LABEL_HALO, 12.0));
        }
        // A wider font (×1.9): "Lens" is 49 px, still fits; "Béthune" on
        // two lines is 85.5 px, more than 1.25 × 60: gone.
        let wide = place(&cam, &shapes, 1.9, &[]);
        let names: Vec<String> = placed(&wide).into_iter().map(|g| g.0).collect();
        assert_eq!(names, ["Arras", "Lens", "Liévin"]);
        // A territory off screen: its anchor is not even looked for.
        let off = rect_shape(&cam, "Douai", [900.0, 100.0, 1000.0, 140.0], 10.0);
        assert!(place(&cam, std::iter::once(&off), 1.0, &[]).is_empty());
        assert!(off.anchor.get().is_none());
        assert!(shapes[0].anchor.get().is_some());
        // Zoomed out 2 levels, every rectangle is 4 times smaller: nothing fits.
        let far = cam.with_zoom(Zoom::clamped(6.0));
        assert!(place(&far, &shapes, 1.0, &[]).is_empty());
    }

    #[test]
    fn a_label_stays_within_its_shape_reach() {
        // A U: two 40 × 120 px legs (x 100–140 and 200–240) joined by a
        // 140 × 40 px base (y 180–220). The roomiest point is where a leg
        // meets the base (more than 20 px from every edge).
        let cam = Camera::new([2.5, 47.0], Zoom::clamped(8.0), 800.0, 600.0);
        let ll = |x: f64, y: f64| cam.unproject(x, y);
        let u = Shape {
            name: "Ab".into(),
            parts: vec![vec![vec![
                ll(100.0, 100.0),
                ll(140.0, 100.0),
                ll(140.0, 180.0),
                ll(200.0, 180.0),
                ll(200.0, 100.0),
                ll(240.0, 100.0),
                ll(240.0, 220.0),
                ll(100.0, 220.0),
                ll(100.0, 100.0),
            ]]],
            ..Shape::default()
        };
        let a = u.anchor().cloned().expect("anchor");
        let [px, py] = cam.project_world(a.at);
        assert!(py > 180.0 && py < 220.0 - 7.2, "in the base: {py}");
        let (left_leg, near) = (px < 170.0, (px - 100.0).min(240.0 - px));
        assert!(near > 20.0 && near < 30.0, "{px}");
        // Reach: to the outer edges sideways, up the leg, down to the base.
        let reach = a.reach.map(|d| d * cam.scale());
        let expected = [px - 100.0, 240.0 - px, py - 100.0, 220.0 - py];
        for (r, e) in reach.iter().zip(expected) {
            assert!(
                (r - e).abs() < 1e-6,
                "{reach:?} {expected:?} (left leg: {left_leg})"
            );
        }
        // One line fits while its half width stays within the nearer side's
        // reach, with the slack.
        let placed_width = |w: f64| {
            let k = w / (text_em("Ab") * LABEL_SIZE);
            !place(&cam, std::slice::from_ref(&u), k, &[]).is_empty()
        };
        let widest = (10..200)
            .map(f64::from)
            .filter(|&w| placed_width(w))
            .fold(0.0, f64::max);
        assert!(
            (widest - 2.0 * near * REACH_SLACK).abs() <= 1.0,
            "{widest} {near}"
        );
    }
}
