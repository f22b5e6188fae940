//! Replays the core's display list on the canvas and writes the legend as
//! DOM. Nothing is decided here: colours, classes and labels come from the
//! core; text goes in with `set_text_content`, never as HTML.

use wasm_bindgen::JsValue;
use web_sys::{
    CanvasPattern, CanvasRenderingContext2d, CanvasWindingRule, Document, HtmlCanvasElement,
    HtmlElement, HtmlImageElement, Path2d,
};

use crate::geom::tiles::TileId;
use crate::i18n::{self, Text};
use crate::map::basemap::TileDraw;
use crate::map::describe::Description;
use crate::map::labels;
use crate::map::view::MapView;
#[cfg(feature = "places")]
use crate::scene::MARKER_RING;
use crate::scene::{label_font, DisplayList, Hatch, Item};
use crate::style::legend::LegendEntry;

/// Draws `list` at device pixel ratio `dpr` (the list is in CSS pixels);
/// labels in the page's font `family`, over everything else.
///
/// Polygons are painted in the core's batches ([`DisplayList::paint_batches`]):
/// one path and one `fill` per fill colour, then one per hatch, then one
/// `stroke` per stroke colour and width (base outlines last), instead of a
/// fill and a stroke per shape. Each batch is a `Path2D`; a fill's path is
/// added whole to its pen's, so a filled and stroked polygon is traced
/// once: the France view's first frame makes about 50,000 `lineTo` calls
/// instead of 100,000, each a call from wasm through JavaScript.
pub fn replay(ctx: &CanvasRenderingContext2d, list: &DisplayList, dpr: f64, family: &str) {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_line_join("round");
    let batches = list.paint_batches();
    let path_of = |items: &[usize]| {
        let path = Path2d::new().ok()?;
        for &i in items {
            if let Some(Item::Polygon { rings, .. }) = list.items.get(i) {
                trace(&path, rings);
            }
        }
        Some(path)
    };
    let pens: Vec<Option<Path2d>> = batches.pens.iter().map(|p| path_of(&p.items)).collect();
    for f in &batches.fills {
        let Some(path) = path_of(&f.items) else {
            continue;
        };
        ctx.set_fill_style_str(&f.colour.css());
        let rule = if f.single {
            CanvasWindingRule::Nonzero
        } else {
            CanvasWindingRule::Evenodd
        };
        ctx.fill_with_path_2d_and_winding(&path, rule);
        if let Some(Some(pen)) = f.pen.and_then(|p| pens.get(p)) {
            pen.add_path(&path);
        }
    }
    for (hatch, items) in &batches.hatches {
        if let (Some(path), Some(pattern)) = (path_of(items), hatch_pattern(ctx, *hatch)) {
            ctx.set_fill_style_canvas_pattern(&pattern);
            ctx.fill_with_path_2d_and_winding(&path, CanvasWindingRule::Evenodd);
        }
    }
    for (pen, path) in batches.pens.iter().zip(&pens) {
        if let Some(path) = path {
            ctx.set_stroke_style_str(&pen.colour.css());
            ctx.set_line_width(f64::from(pen.width));
            ctx.stroke_with_path(path);
        }
    }
    let mut font = None;
    for item in &list.items {
        let Item::Label {
            lines,
            x,
            y,
            size,
            leading,
            fill,
            halo,
        } = item
        else {
            continue;
        };
        if font != Some(*size) {
            ctx.set_font(&label_font(*size, family));
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            ctx.set_line_width(3.0);
            font = Some(*size);
        }
        ctx.set_stroke_style_str(&halo.css());
        ctx.set_fill_style_str(&fill.css());
        let top = f64::from(*y) - f64::from(*leading) * (lines.len() as f64 - 1.0) / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let ly = top + f64::from(*leading) * i as f64;
            let _ = ctx.stroke_text(line, f64::from(*x), ly);
            let _ = ctx.fill_text(line, f64::from(*x), ly);
        }
    }
    #[cfg(feature = "places")]
    markers(ctx, list, family);
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
}

#[cfg(feature = "places")]
/// Markers over everything: one path per fill colour (thousands of places,
/// eight kinds), white rings in one stroke, then the clusters' counts.
fn markers(ctx: &CanvasRenderingContext2d, list: &DisplayList, family: &str) {
    let all = || {
        list.items.iter().filter_map(|item| match item {
            Item::Marker {
                x,
                y,
                radius,
                fill,
                text,
                ..
            } => Some((
                f64::from(*x),
                f64::from(*y),
                f64::from(*radius),
                *fill,
                text,
            )),
            _ => None,
        })
    };
    let mut fills: Vec<crate::scene::Rgba> = Vec::new();
    for (.., fill, _) in all() {
        if !fills.contains(&fill) {
            fills.push(fill);
        }
    }
    let circle = |x: f64, y: f64, r: f64| {
        ctx.move_to(x + r, y);
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    };
    ctx.begin_path();
    for (x, y, r, ..) in all() {
        circle(x, y, r);
    }
    ctx.set_fill_style_str(&MARKER_RING.css());
    ctx.fill();
    for colour in fills {
        ctx.begin_path();
        for (x, y, r, ..) in all().filter(|m| m.3 == colour) {
            circle(x, y, (r - 1.5).max(1.0));
        }
        ctx.set_fill_style_str(&colour.css());
        ctx.fill();
    }
    ctx.set_font(&label_font(12.0, family));
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    for (x, y, _, fill, text) in all() {
        if let Some(t) = text {
            ctx.set_fill_style_str(if fill.is_dark() { "#fff" } else { "#000" });
            let _ = ctx.fill_text(t, x, y);
        }
    }
}

/// Width (CSS pixels) of [`labels::REFERENCE`] in the label font of the
/// page's `family`, for [`MapView::calibrate_text`].
pub fn measure_reference(ctx: &CanvasRenderingContext2d, family: &str) -> Option<f64> {
    ctx.set_font(&label_font(labels::LABEL_SIZE as f32, family));
    ctx.measure_text(labels::REFERENCE).ok().map(|m| m.width())
}

/// Draws the basemap's tiles at device pixel ratio `dpr` (the core lists
/// only loaded ones; an image missing here is skipped).
pub fn tiles(
    ctx: &CanvasRenderingContext2d,
    draws: &[TileDraw],
    images: &[(TileId, HtmlImageElement)],
    dpr: f64,
) {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    for d in draws {
        let Some((_, image)) = images.iter().find(|(t, _)| *t == d.tile) else {
            continue;
        };
        let (w, h) = (
            f64::from(image.natural_width()),
            f64::from(image.natural_height()),
        );
        let ([sx, sy, sw, sh], [dx, dy, dw, dh]) = (d.src, d.dest);
        let _ = ctx.draw_image_with_html_image_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            image,
            sx * w,
            sy * h,
            sw * w,
            sh * h,
            dx,
            dy,
            dw,
            dh,
        );
    }
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
}

/// Paints the exported picture `sheet` (see `share::image`): white, the
/// map's canvas at its CSS size `map`, swatches and text in `font(size,
/// bold)`, at device pixel ratio `dpr`.
#[cfg(feature = "places")]
pub fn sheet(
    ctx: &CanvasRenderingContext2d,
    sheet: &crate::share::image::Sheet,
    canvas: &HtmlCanvasElement,
    map: [f64; 2],
    dpr: f64,
    font: &dyn Fn(f64, bool) -> String,
) {
    use crate::share::image::Ink;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, sheet.width, sheet.height);
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");
    for ink in &sheet.inks {
        match ink {
            Ink::Map { x, y } => {
                let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                    canvas, *x, *y, map[0], map[1],
                );
            }
            Ink::Swatch {
                x,
                y,
                size,
                fill,
                hatch,
                round,
            } => {
                ctx.begin_path();
                if *round {
                    let r = size / 2.0;
                    let _ = ctx.arc(x + r, y + r, r, 0.0, std::f64::consts::TAU);
                } else {
                    ctx.rect(*x, *y, *size, *size);
                }
                ctx.set_fill_style_str(&fill.css());
                ctx.fill();
                if let Some(pattern) = hatch.and_then(|h| hatch_pattern(ctx, h)) {
                    ctx.set_fill_style_canvas_pattern(&pattern);
                    ctx.fill();
                }
                ctx.set_stroke_style_str("rgba(0,0,0,0.45)");
                ctx.set_line_width(1.0);
                ctx.stroke();
            }
            Ink::Text {
                x,
                y,
                text,
                size,
                bold,
            } => {
                ctx.set_font(&font(*size, *bold));
                ctx.set_fill_style_str("#1d2433");
                let _ = ctx.fill_text(text, *x, *y);
            }
        }
    }
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
}

/// A repeating 6 px tile of `hatch`'s pattern in its ink (CSS pixels: the
/// context's device-pixel-ratio transform scales it like everything else).
/// Dark diagonal lines (the zones') get a light halo, so that they read
/// over the darkest classes too.
fn hatch_pattern(ctx: &CanvasRenderingContext2d, hatch: Hatch) -> Option<CanvasPattern> {
    use crate::scene::Pattern::*;
    const S: f64 = 6.0;
    let doc = web_sys::window()?.document()?;
    let tile: HtmlCanvasElement =
        wasm_bindgen::JsCast::dyn_into(doc.create_element("canvas").ok()?).ok()?;
    tile.set_width(S as u32);
    tile.set_height(S as u32);
    let t: CanvasRenderingContext2d =
        wasm_bindgen::JsCast::dyn_into(tile.get_context("2d").ok()??).ok()?;
    let lines = |segments: &[(f64, f64, f64, f64)]| {
        for &(x0, y0, x1, y1) in segments {
            t.move_to(x0, y0);
            t.line_to(x1, y1);
        }
    };
    // Each diagonal with its two wrapped halves, so tiles join seamlessly.
    let rising = [(0.0, S, S, 0.0), (-S, S, 0.0, 0.0), (S, S, 2.0 * S, 0.0)];
    let falling = [(0.0, 0.0, S, S), (-S, 0.0, 0.0, S), (S, 0.0, 2.0 * S, S)];
    let mut dots: &[(f64, f64)] = &[];
    t.begin_path();
    match hatch.pattern {
        Diagonal => lines(&rising),
        AntiDiagonal => lines(&falling),
        DiagonalCross => {
            lines(&rising);
            lines(&falling);
        }
        Horizontal => lines(&[(0.0, 3.0, S, 3.0)]),
        DenseHorizontal => lines(&[(0.0, 1.5, S, 1.5), (0.0, 4.5, S, 4.5)]),
        Vertical => lines(&[(3.0, 0.0, 3.0, S)]),
        Cross => lines(&[(0.0, 3.0, S, 3.0), (3.0, 0.0, 3.0, S)]),
        Dots => dots = &[(3.0, 3.0)],
        DenseDots => dots = &[(1.5, 1.5), (4.5, 4.5)],
    }
    let [r, g, b, _] = hatch.ink.0;
    if hatch.pattern == Diagonal && u16::from(r) + u16::from(g) + u16::from(b) < 300 {
        t.set_stroke_style_str("rgba(255,255,255,0.7)");
        t.set_line_width(3.0);
        t.stroke();
        t.set_line_width(1.25);
    }
    let ink = hatch.ink.css();
    t.set_stroke_style_str(&ink);
    t.stroke();
    t.begin_path();
    for &(x, y) in dots {
        t.move_to(x + 1.1, y);
        let _ = t.arc(x, y, 1.1, 0.0, std::f64::consts::TAU);
    }
    t.set_fill_style_str(&ink);
    t.fill();
    ctx.create_pattern_with_html_canvas_element(&tile, "repeat")
        .ok()?
}

/// Adds `rings` (CSS pixels) to `path`, each closed by a line
/// back to its first point and on to its second, so that the first point
/// gets the same round join as the others. Not `closePath`: Chromium's
/// takes time in proportion to the path's length, and a path holds every
/// ring of a class (one fill each): 5,000 rings took 107 ms to build with
/// it, 0.8 ms without, 40,000 took 3.9 s. The extra segment encloses no
/// area and is covered once by a stroke.
fn trace(path: &Path2d, rings: &[Vec<[f32; 2]>]) {
    let line = |p: &[f32; 2]| path.line_to(f64::from(p[0]), f64::from(p[1]));
    for ring in rings {
        let (Some(first), Some(second)) = (ring.first(), ring.get(1)) else {
            continue;
        };
        path.move_to(f64::from(first[0]), f64::from(first[1]));
        ring[1..].iter().for_each(line);
        if ring.last() != Some(first) {
            line(first);
        }
        line(second);
    }
}

fn element(
    doc: &Document,
    tag: &str,
    class: &str,
    text: Option<&str>,
) -> Result<HtmlElement, JsValue> {
    let e: HtmlElement = wasm_bindgen::JsCast::dyn_into(doc.create_element(tag)?)?;
    e.set_class_name(class);
    if let Some(t) = text {
        e.set_text_content(Some(t));
    }
    Ok(e)
}

/// One legend line: a toggle button with its swatch, label and count.
fn entry(
    doc: &Document,
    e: &LegendEntry,
    class: Option<usize>,
    pressed: bool,
) -> Result<HtmlElement, JsValue> {
    let button = element(doc, "button", "class", None)?;
    button.set_attribute("type", "button")?;
    match class {
        Some(k) => {
            button.set_attribute("data-class", &k.to_string())?;
            // Exact bounds for scripts and tests (the label is rounded),
            // written by JavaScript: Rust's float formatting weighs kilobytes.
            if let (Some(lo), Some(hi)) = (e.lower, e.upper) {
                let js = |x: f64| {
                    String::from(
                        js_sys::Number::from(x)
                            .to_string_with_radix(10)
                            .unwrap_or_default(),
                    )
                };
                button.set_attribute("data-lower", &js(lo))?;
                button.set_attribute("data-upper", &js(hi))?;
            }
            button.set_attribute("aria-pressed", if pressed { "true" } else { "false" })?;
        }
        None => button.set_attribute("disabled", "")?,
    }
    let swatch = element(
        doc,
        "span",
        if e.hatched {
            "swatch hatched"
        } else {
            "swatch"
        },
        None,
    )?;
    swatch.style().set_property(
        "background-color",
        &format!("rgb({} {} {})", e.color.r, e.color.g, e.color.b),
    )?;
    swatch.set_attribute("aria-hidden", "true")?;
    let label = element(doc, "span", "label", Some(&e.label))?;
    let count = element(doc, "span", "count", Some(&format!("({})", e.count)))?;
    for child in [&swatch, &label, &count] {
        button.append_child(child)?;
    }
    Ok(button)
}

/// Marks a legend section (`details`) the reader folded or unfolded: it
/// stays so whatever the map's width does (see [`refold`]).
pub const READER_FOLD: &str = "data-reader";

/// A legend section's fold, carried over when the legend is written again.
#[derive(Clone, Copy)]
struct Fold {
    open: bool,
    by_reader: bool,
}

impl Fold {
    /// The fold of `container`'s section `selector`, or the one a new
    /// legend starts with: narrow maps start folded.
    fn of(container: &HtmlElement, selector: &str, view: &MapView) -> Result<Fold, JsValue> {
        Ok(match container.query_selector(selector)? {
            Some(d) => Fold {
                open: d.has_attribute("open"),
                by_reader: d.has_attribute(READER_FOLD),
            },
            None => Fold {
                open: view.legend_starts_open(),
                by_reader: false,
            },
        })
    }

    /// A `details` of class `class` folded so.
    fn details(self, doc: &Document, class: &str) -> Result<HtmlElement, JsValue> {
        let d = element(doc, "details", class, None)?;
        if self.open {
            d.set_attribute("open", "")?;
        }
        if self.by_reader {
            d.set_attribute(READER_FOLD, "")?;
        }
        Ok(d)
    }
}

/// Folds (`open` false) or unfolds the legend's sections the reader has
/// not touched, as a map of its new width starts them: a map built hidden
/// (0 px wide) and then shown gets its classes unfolded. Without
/// `classes`, only the places' kinds (plain-language mode keeps the
/// classes folded).
pub fn refold(container: &HtmlElement, open: bool, classes: bool) -> Result<(), JsValue> {
    let selector = if classes {
        "details.classes, details.kinds"
    } else {
        "details.kinds"
    };
    let sections = container.query_selector_all(selector)?;
    for i in 0..sections.length() {
        let Some(d) = sections
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        else {
            continue;
        };
        if d.has_attribute(READER_FOLD) {
            continue;
        }
        if open {
            d.set_attribute("open", "")?;
        } else {
            d.remove_attribute("open")?;
        }
    }
    Ok(())
}

/// Writes the legend of `view` into `container`: title, one toggle per
/// class (clicking filters the map to the classes left on), then no data.
pub fn legend(container: &HtmlElement, view: &MapView, title: &str) -> Result<(), JsValue> {
    let doc = container
        .owner_document()
        .ok_or("maillage: pas de document")?;
    // The reader's fold or unfold stays; at first, narrow maps start folded.
    let classes_fold = Fold::of(container, "details.classes", view)?;
    #[cfg(feature = "places")]
    let kinds_fold = Fold::of(container, "details.kinds", view)?;
    container.set_text_content(None);
    // The classes fold away under their title, to uncover a small map.
    let classes = classes_fold.details(&doc, "classes")?;
    let heading = element(&doc, "summary", "title", Some(title))?;
    classes.append_child(&heading)?;
    if view.fields.len() > 1 {
        // The field switcher: a real, labelled select; folded with the
        // classes on a compact map and in plain-language mode.
        let label = element(
            &doc,
            "label",
            "field",
            Some(i18n::text(Text::Indicator, view.lang)),
        )?;
        let select = element(&doc, "select", "field-select", None)?;
        for (name, text) in &view.fields {
            let option = element(&doc, "option", "", Some(text))?;
            option.set_attribute("value", name)?;
            if *name == view.field {
                option.set_attribute("selected", "")?;
            }
            select.append_child(&option)?;
        }
        label.append_child(&select)?;
        // Plain-language mode (pages with places) asks one question: the
        // switcher waits in the fold too.
        #[cfg(feature = "places")]
        let plain =
            wasm_bindgen::JsCast::dyn_into::<web_sys::ShadowRoot>(container.get_root_node())
                .is_ok_and(|root| root.host().has_attribute("simple"));
        #[cfg(not(feature = "places"))]
        let plain = false;
        if view.compact() || plain {
            classes.append_child(&label)?;
        } else {
            container.append_child(&label)?;
        }
    }
    for (k, e) in view.choropleth.legend.classes.iter().enumerate() {
        let pressed = view.visible.get(k).copied().unwrap_or(true);
        let line = entry(&doc, e, Some(k), pressed)?;
        if let Some(h) = view.choropleth.class_hatch(k) {
            pattern_swatch(&line, h)?;
        }
        classes.append_child(&line)?;
    }
    if view.choropleth.legend.no_data.count > 0 {
        let line = entry(&doc, &view.choropleth.legend.no_data, None, true)?;
        classes.append_child(&line)?;
    }
    // Patterns on the classes, for readers who do not tell the colours apart.
    let label = element(&doc, "label", "patterns", None)?;
    let input = element(&doc, "input", "", None)?;
    input.set_attribute("type", "checkbox")?;
    input.set_attribute("data-patterns", "")?;
    if view.choropleth.patterns {
        input.set_attribute("checked", "")?;
    }
    label.append_child(&input)?;
    let words = i18n::text(Text::Patterns, view.lang);
    label.append_child(&element(&doc, "span", "", Some(words))?.into())?;
    classes.append_child(&label)?;
    container.append_child(&classes)?;
    #[cfg(feature = "places")]
    if let Some(z) = &view.zones {
        zones_entry(&doc, container, z)?;
    }
    #[cfg(feature = "places")]
    places_entries(&doc, container, view, kinds_fold)?;
    Ok(())
}

/// Draws a class's pattern on its legend swatch (CSS, see the shadow
/// root's `[data-pattern]` rules), in the ink the map uses.
fn pattern_swatch(line: &HtmlElement, h: Hatch) -> Result<(), JsValue> {
    let Some(swatch) = line.query_selector(".swatch")? else {
        return Ok(());
    };
    swatch.set_attribute("data-pattern", h.pattern.name())?;
    if let Some(s) = wasm_bindgen::JsCast::dyn_ref::<HtmlElement>(&swatch) {
        s.style().set_property("--ink", &h.ink.css())?;
    }
    Ok(())
}

/// The places' legend: each shown kind's marker colour, name and count,
/// under a heading that folds them away as the classes fold: on a phone,
/// eight kinds unfolded would cover most of the map.
#[cfg(feature = "places")]
fn places_entries(
    doc: &Document,
    container: &HtmlElement,
    view: &MapView,
    fold: Fold,
) -> Result<(), JsValue> {
    let keys = view.place_keys(view.lang);
    if keys.is_empty() {
        return Ok(());
    }
    let fold = fold.details(doc, "kinds")?;
    let label = i18n::text(Text::PlacesShownByKind, view.lang);
    fold.append_child(&element(doc, "summary", "kinds-title", Some(label))?.into())?;
    let list = element(doc, "ul", "kinds-legend", None)?;
    for k in keys {
        let li = element(doc, "li", "", None)?;
        let dot = element(doc, "span", "dot", None)?;
        dot.style().set_property("background", &k.fill.css())?;
        dot.set_attribute("aria-hidden", "true")?;
        li.append_child(&dot)?;
        li.append_child(&element(doc, "span", "", Some(&k.label))?.into())?;
        list.append_child(&li)?;
    }
    fold.append_child(&list)?;
    container.append_child(&fold)?;
    Ok(())
}

/// The zones' legend line: a real checkbox that shows or hides them, the
/// hatched swatch, and how they were derived.
#[cfg(feature = "places")]
fn zones_entry(
    doc: &Document,
    container: &HtmlElement,
    z: &crate::map::zones::Zones,
) -> Result<(), JsValue> {
    let label = element(doc, "label", "zones", None)?;
    let input = element(doc, "input", "", None)?;
    input.set_attribute("type", "checkbox")?;
    input.set_attribute("data-zones", "")?;
    if z.shown {
        input.set_attribute("checked", "")?;
    }
    let swatch = element(doc, "span", "swatch zone", None)?;
    swatch.set_attribute("aria-hidden", "true")?;
    let text = element(doc, "span", "label", Some(&z.title))?;
    for child in [&input, &swatch, &text] {
        label.append_child(child)?;
    }
    container.append_child(&label)?;
    if !z.note.is_empty() {
        let note = element(doc, "details", "zone-note", None)?;
        note.append_child(&element(doc, "summary", "", Some(z.note_title))?.into())?;
        note.append_child(&element(doc, "p", "", Some(&z.note))?.into())?;
        container.append_child(&note)?;
    }
    Ok(())
}

/// Writes the territories' table (the map's text alternative): a caption,
/// sortable column headers (buttons, `aria-sort`), one row per territory
/// whose name is a button selecting it; the selected row is marked
/// `aria-current` and scrolled into view.
pub fn table(
    container: &HtmlElement,
    view: &MapView,
    sort: (crate::map::table::SortKey, bool),
    lang: crate::style::legend::Lang,
) -> Result<(), JsValue> {
    use crate::map::table::SortKey;
    let doc = container
        .owner_document()
        .ok_or("maillage: pas de document")?;
    let rows = view.table(sort.0, sort.1, lang);
    container.set_text_content(None);
    let table = element(&doc, "table", "", None)?;
    let caption = i18n::territories_caption(rows.len(), &view.title, lang);
    table.append_child(&element(&doc, "caption", "", Some(&caption))?.into())?;
    let head = element(&doc, "tr", "", None)?;
    let coverage_title = rows
        .iter()
        .find_map(|r| r.coverage.as_ref().map(|c| c.1.clone()));
    let columns: [(Option<SortKey>, String); 4] = [
        (Some(SortKey::Name), i18n::text(Text::Name, lang).to_owned()),
        (Some(SortKey::Value), view.title.clone()),
        (None, i18n::text(Text::Class, lang).to_owned()),
        (None, coverage_title.clone().unwrap_or_default()),
    ];
    for (key, title) in columns.iter().filter(|(_, t)| !t.is_empty()) {
        let th = element(&doc, "th", "", None)?;
        th.set_attribute("scope", "col")?;
        match key {
            Some(k) => {
                let b = element(&doc, "button", "sort", Some(title))?;
                b.set_attribute("type", "button")?;
                b.set_attribute(
                    "data-sort",
                    if *k == SortKey::Name { "name" } else { "value" },
                )?;
                if *k == sort.0 {
                    th.set_attribute("aria-sort", if sort.1 { "descending" } else { "ascending" })?;
                }
                th.append_child(&b)?;
            }
            None => th.set_text_content(Some(title)),
        }
        head.append_child(&th)?;
    }
    let thead = element(&doc, "thead", "", None)?;
    thead.append_child(&head)?;
    table.append_child(&thead)?;
    let body = element(&doc, "tbody", "", None)?;
    let mut current = None;
    for r in &rows {
        let tr = element(&doc, "tr", "", None)?;
        let th = element(&doc, "th", "", None)?;
        th.set_attribute("scope", "row")?;
        let b = element(&doc, "button", "", Some(&r.name))?;
        b.set_attribute("type", "button")?;
        b.set_attribute("data-index", &r.index.to_string())?;
        th.append_child(&b)?;
        tr.append_child(&th)?;
        tr.append_child(&element(&doc, "td", "", Some(&r.value))?.into())?;
        tr.append_child(&element(&doc, "td", "", Some(&r.class))?.into())?;
        if coverage_title.is_some() {
            let c = r.coverage.as_ref().map_or("", |c| c.0.as_str());
            tr.append_child(&element(&doc, "td", "", Some(c))?.into())?;
        }
        if view.selected == Some(r.index) {
            tr.set_attribute("aria-current", "true")?;
            current = Some(tr.clone());
        }
        body.append_child(&tr)?;
    }
    table.append_child(&body)?;
    container.append_child(&table)?;
    if current.is_some() {
        mark_current(container, view.selected);
    }
    Ok(())
}

/// Marks the selected territory's row `aria-current` (the others not) and
/// scrolls the table, not the page, to bring it to the middle.
pub fn mark_current(container: &HtmlElement, selected: Option<usize>) {
    let Ok(rows) = container.query_selector_all("tbody tr") else {
        return;
    };
    let wanted = selected.map(|i| i.to_string());
    for k in 0..rows.length() {
        let Some(tr) = rows
            .item(k)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(n).ok())
        else {
            continue;
        };
        let index = tr
            .query_selector("button[data-index]")
            .ok()
            .flatten()
            .and_then(|b| b.get_attribute("data-index"));
        if index.is_some() && index == wanted {
            let _ = tr.set_attribute("aria-current", "true");
            container.set_scroll_top(tr.offset_top() - container.client_height() / 2);
        } else {
            let _ = tr.remove_attribute("aria-current");
        }
    }
}

/// Fills the detail panel with a territory's description (text only), or
/// hides it.
pub fn detail(panel: &HtmlElement, d: Option<&Description>) -> Result<(), JsValue> {
    panel.set_text_content(None);
    let Some(d) = d else {
        panel.set_hidden(true);
        return Ok(());
    };
    let doc = panel.owner_document().ok_or("maillage: pas de document")?;
    let name = element(&doc, "p", "name", Some(&d.name))?;
    let value = element(&doc, "p", "value", Some(&d.value))?;
    panel.append_child(&name)?;
    panel.append_child(&value)?;
    if let Some(c) = &d.class {
        let class = element(&doc, "p", "class", Some(c))?;
        panel.append_child(&class)?;
    }
    if let Some(c) = &d.coverage {
        let coverage = element(&doc, "p", "coverage", Some(c))?;
        panel.append_child(&coverage)?;
    }
    panel.set_hidden(false);
    Ok(())
}

/// Shows the hover tooltip near (x, y), or hides it.
pub fn tooltip(tip: &HtmlElement, d: Option<&Description>, x: f64, y: f64) {
    match d {
        Some(d) => {
            tip.set_text_content(Some(&d.line()));
            let style = tip.style();
            let px = |v: f64| format!("{}px", crate::style::legend::plain_number(v + 12.0));
            let _ = style.set_property("left", &px(x));
            let _ = style.set_property("top", &px(y));
            tip.set_hidden(false);
        }
        None => tip.set_hidden(true),
    }
}
