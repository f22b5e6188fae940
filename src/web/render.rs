//! Replays the core's display list on the canvas and writes the legend as
//! DOM. Nothing is decided here: colours, classes and labels come from the
//! core; text goes in with `set_text_content`, never as HTML.

use wasm_bindgen::JsValue;
use web_sys::{
    CanvasPattern, CanvasRenderingContext2d, CanvasWindingRule, Document, HtmlCanvasElement,
    HtmlElement, HtmlImageElement,
};

use crate::geom::tiles::TileId;
use crate::map::basemap::TileDraw;
use crate::map::describe::Description;
use crate::map::view::MapView;
use crate::scene::{DisplayList, Item};
use crate::style::legend::LegendEntry;

/// Draws `list` at device pixel ratio `dpr` (the list is in CSS pixels).
pub fn replay(ctx: &CanvasRenderingContext2d, list: &DisplayList, dpr: f64) {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_line_join("round");
    // One pattern per frame for every hatched (no-data) area: a single fill
    // each, no clipping, so a map mostly without data still pans smoothly.
    let mut hatches: Vec<(String, Option<CanvasPattern>)> = Vec::new();
    for item in &list.items {
        let Item::Polygon { rings, style, .. } = item;
        trace(ctx, rings);
        if let Some(fill) = style.fill {
            ctx.set_fill_style_str(&fill.css());
            ctx.fill_with_canvas_winding_rule(CanvasWindingRule::Evenodd);
        }
        if let Some(hatch) = style.hatch {
            let css = hatch.css();
            if !hatches.iter().any(|(c, _)| *c == css) {
                hatches.push((css.clone(), hatch_pattern(ctx, &css)));
            }
            if let Some((_, Some(pattern))) = hatches.iter().find(|(c, _)| *c == css) {
                ctx.set_fill_style_canvas_pattern(pattern);
                ctx.fill_with_canvas_winding_rule(CanvasWindingRule::Evenodd);
            }
        }
        if let Some((colour, width)) = style.stroke {
            ctx.set_stroke_style_str(&colour.css());
            ctx.set_line_width(f64::from(width));
            ctx.stroke();
        }
    }
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
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

/// A repeating 6 px tile of diagonal lines in `colour` (CSS pixels: the
/// context's device-pixel-ratio transform scales it like everything else).
fn hatch_pattern(ctx: &CanvasRenderingContext2d, colour: &str) -> Option<CanvasPattern> {
    const SIZE: f64 = 6.0;
    let doc = web_sys::window()?.document()?;
    let tile: HtmlCanvasElement =
        wasm_bindgen::JsCast::dyn_into(doc.create_element("canvas").ok()?).ok()?;
    tile.set_width(SIZE as u32);
    tile.set_height(SIZE as u32);
    let t: CanvasRenderingContext2d =
        wasm_bindgen::JsCast::dyn_into(tile.get_context("2d").ok()??).ok()?;
    t.set_stroke_style_str(colour);
    t.begin_path();
    // The diagonal and its two wrapped halves, so tiles join seamlessly.
    for (x0, y0, x1, y1) in [
        (0.0, SIZE, SIZE, 0.0),
        (-SIZE, SIZE, 0.0, 0.0),
        (SIZE, SIZE, 2.0 * SIZE, 0.0),
    ] {
        t.move_to(x0, y0);
        t.line_to(x1, y1);
    }
    t.stroke();
    ctx.create_pattern_with_html_canvas_element(&tile, "repeat")
        .ok()?
}

/// Starts a new path made of `rings` (CSS pixels).
fn trace(ctx: &CanvasRenderingContext2d, rings: &[Vec<[f32; 2]>]) {
    ctx.begin_path();
    for ring in rings {
        let mut points = ring.iter();
        if let Some(first) = points.next() {
            ctx.move_to(f64::from(first[0]), f64::from(first[1]));
            for p in points {
                ctx.line_to(f64::from(p[0]), f64::from(p[1]));
            }
            ctx.close_path();
        }
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
            // Exact bounds for scripts and tests (the label is rounded).
            if let (Some(lo), Some(hi)) = (e.lower, e.upper) {
                button.set_attribute("data-lower", &lo.to_string())?;
                button.set_attribute("data-upper", &hi.to_string())?;
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

/// Writes the legend of `view` into `container`: title, one toggle per
/// class (clicking filters the map to the classes left on), then no data.
pub fn legend(container: &HtmlElement, view: &MapView, title: &str) -> Result<(), JsValue> {
    let doc = container
        .owner_document()
        .ok_or("maillage: pas de document")?;
    container.set_text_content(None);
    if view.fields.len() > 1 {
        // The field switcher: a real, labelled select.
        let label = element(&doc, "label", "field", Some("Indicateur "))?;
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
        container.append_child(&label)?;
    }
    // The classes fold away under their title, to uncover a small map.
    let classes = element(&doc, "details", "classes", None)?;
    classes.set_attribute("open", "")?;
    let heading = element(&doc, "summary", "title", Some(title))?;
    classes.append_child(&heading)?;
    for (k, e) in view.choropleth.legend.classes.iter().enumerate() {
        let pressed = view.visible.get(k).copied().unwrap_or(true);
        let line = entry(&doc, e, Some(k), pressed)?;
        classes.append_child(&line)?;
    }
    if view.choropleth.legend.no_data.count > 0 {
        let line = entry(&doc, &view.choropleth.legend.no_data, None, true)?;
        classes.append_child(&line)?;
    }
    container.append_child(&classes)?;
    Ok(())
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
    panel.set_hidden(false);
    Ok(())
}

/// Shows the hover tooltip near (x, y), or hides it.
pub fn tooltip(tip: &HtmlElement, d: Option<&Description>, x: f64, y: f64) {
    match d {
        Some(d) => {
            tip.set_text_content(Some(&d.line()));
            let style = tip.style();
            let _ = style.set_property("left", &format!("{}px", x + 12.0));
            let _ = style.set_property("top", &format!("{}px", y + 12.0));
            tip.set_hidden(false);
        }
        None => tip.set_hidden(true),
    }
}
