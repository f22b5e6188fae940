//! The element's open shadow root: a canvas, a legend, a status line and the
//! basemap's attribution, styled by CSS custom properties that a partner
//! page sets on `maillage-map`.
//!
//! Theming (all optional, with their defaults):
//! `--maillage-accent` (#00758f), `--maillage-background` (#f4f2ec),
//! `--maillage-text` (#1d2433), `--maillage-panel` (rgb(255 255 255 / .92)),
//! `--maillage-error` (#b3261e), `--maillage-font` (system-ui, sans-serif),
//! `--maillage-height` (420px), `--maillage-radius` (4px),
//! `--maillage-fill-opacity` (read by the core: 0.75 over a basemap, else 1).

use crate::style::legend::Lang;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlCanvasElement, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// Style of the shadow root, applied by [`style`].
const CSS: &str = r#":host { display: block; position: relative; min-height: 200px;
  font: 14px/1.4 var(--maillage-font, system-ui, sans-serif); color: var(--maillage-text, #1d2433); contain: content; }
:host([hidden]) { display: none; }
.frame { position: relative; width: 100%; height: var(--maillage-height, 420px); overflow: hidden;
  border-radius: var(--maillage-radius, 4px); background: var(--maillage-background, #f4f2ec); }
canvas { display: block; width: 100%; height: 100%; touch-action: none; }
.bar { position: absolute; left: 8px; right: 8px; bottom: 8px; display: flex; align-items: flex-end; gap: 8px; pointer-events: none; }
.status { margin: 0; padding: 4px 10px; pointer-events: auto;
  background: var(--maillage-panel, rgb(255 255 255 / .92)); border-left: 4px solid var(--maillage-accent, #00758f);
  border-radius: 3px; box-shadow: 0 1px 3px rgb(0 0 0 / .2); overflow-wrap: anywhere; }
.attribution { margin: 0 0 0 auto; padding: 1px 6px; max-width: 60%; font-size: 12px; text-align: end; unicode-bidi: isolate;
  background: var(--maillage-panel, rgb(255 255 255 / .92)); border-radius: 3px; overflow-wrap: anywhere; pointer-events: auto; }
.legend { position: absolute; right: 8px; top: 8px; max-width: min(320px, calc(100% - 16px)); max-height: calc(100% - 60px); overflow: auto;
  margin: 0; padding: 6px 8px; background: var(--maillage-panel, rgb(255 255 255 / .92)); border-radius: 3px; box-shadow: 0 1px 3px rgb(0 0 0 / .2); }
.legend:empty { display: none; }
.legend .title, .legend .kinds-title { margin: 0 0 4px; min-height: 24px; font-weight: 600; cursor: pointer; }
.legend .kinds-title { margin: 6px 0 0; }
.legend .title:focus-visible, .legend .kinds-title:focus-visible { outline: 3px solid var(--maillage-accent, #00758f); }
.legend .field { display: block; margin: 0 0 6px; }
.legend select { display: block; width: 100%; min-height: 32px; margin-top: 2px; font: inherit; }
.legend button { display: flex; align-items: center; gap: 6px; width: 100%; min-height: 32px; margin: 0; padding: 2px 4px; border: 0;
  background: none; font: inherit; color: inherit; text-align: left; cursor: pointer; }
.legend button[aria-pressed="false"] { opacity: .45; text-decoration: line-through; }
.legend button:focus-visible, canvas:focus-visible { outline: 3px solid var(--maillage-accent, #00758f); outline-offset: -3px; }
.legend .swatch { flex: none; width: 18px; height: 14px; border: 1px solid rgb(0 0 0 / .5); opacity: var(--fill, 1); }
.legend label.patterns { display: flex; align-items: center; gap: 6px; min-height: 32px; margin-top: 4px; cursor: pointer; }
.legend label.patterns input { width: 18px; height: 18px; margin: 0; }
.legend .swatch[data-pattern="dots"] { background-image: radial-gradient(var(--ink) 1.2px, transparent 1.5px); background-size: 6px 6px; }
.legend .swatch[data-pattern="dense-dots"] { background-image: radial-gradient(var(--ink) 1.1px, transparent 1.4px); background-size: 3px 3px; }
.legend .swatch[data-pattern="horizontal"] { background-image: repeating-linear-gradient(0deg, transparent 0 2.5px, var(--ink) 2.5px 3.5px, transparent 3.5px 6px); }
.legend .swatch[data-pattern="dense-horizontal"] { background-image: repeating-linear-gradient(0deg, transparent 0 1px, var(--ink) 1px 2px, transparent 2px 3px); }
.legend .swatch[data-pattern="vertical"] { background-image: repeating-linear-gradient(90deg, transparent 0 2.5px, var(--ink) 2.5px 3.5px, transparent 3.5px 6px); }
.legend .swatch[data-pattern="anti-diagonal"] { background-image: repeating-linear-gradient(-45deg, transparent 0 3px, var(--ink) 3px 4px); }
.legend .swatch[data-pattern="cross"] { background-image: repeating-linear-gradient(0deg, transparent 0 2.5px, var(--ink) 2.5px 3.5px, transparent 3.5px 6px), repeating-linear-gradient(90deg, transparent 0 2.5px, var(--ink) 2.5px 3.5px, transparent 3.5px 6px); }
.legend .swatch[data-pattern="diagonal-cross"] { background-image: repeating-linear-gradient(45deg, transparent 0 3px, var(--ink) 3px 4px), repeating-linear-gradient(-45deg, transparent 0 3px, var(--ink) 3px 4px); }
.legend .swatch.hatched { background-image: repeating-linear-gradient(45deg, transparent 0 3px, #fff 3px 4px); }
.legend .count { margin-left: auto; opacity: .8; }
.tip { position: absolute; pointer-events: none; margin: 0; padding: 4px 8px; max-width: 260px; background: var(--maillage-text, #1d2433);
  color: #fff; border-radius: 3px; font-size: 13px; overflow-wrap: anywhere; }
.detail { position: absolute; left: 8px; top: 8px; max-width: min(300px, calc(100% - 16px)); margin: 0; padding: 8px 10px;
  background: var(--maillage-panel, rgb(255 255 255 / .92)); border-left: 4px solid var(--maillage-accent, #00758f);
  border-radius: 3px; box-shadow: 0 1px 3px rgb(0 0 0 / .2); overflow-wrap: anywhere; }
.detail .name { margin: 0; font-weight: 600; }
.detail p { margin: 2px 0 0; }
[hidden] { display: none !important; }
.skip { position: absolute; left: 8px; top: -60px; z-index: 2; min-height: 44px; padding: 0 14px; font: inherit; border: 2px solid #fff;
  background: var(--maillage-text, #1d2433); color: #fff; border-radius: 3px; }
.skip:focus { top: 8px; }
.tools { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.tools button, .table-view button.sort { min-height: 44px; padding: 0 14px; font: inherit; cursor: pointer; border-radius: var(--maillage-radius, 4px);
  border: 2px solid var(--maillage-accent, #00758f); background: #fff; color: var(--maillage-accent, #00758f); }
.table-view { position: relative; max-height: 420px; overflow: auto; margin-top: 8px; border: 1px solid rgb(0 0 0 / .2); }
.table-view table { border-collapse: collapse; width: 100%; }
.table-view caption { text-align: left; font-weight: 600; padding: 4px 8px; }
.table-view th, .table-view td { text-align: left; padding: 2px 8px; border-bottom: 1px solid rgb(0 0 0 / .1); }
.table-view thead th { position: sticky; top: 0; background: #fff; }
.table-view button.sort { min-height: 36px; padding: 0 6px; border-width: 1px; }
.table-view tbody button { min-height: 32px; padding: 0; border: 0; background: none; color: inherit; font: inherit; text-align: left; text-decoration: underline; cursor: pointer; }
.table-view tr[aria-current] { background: #e8f2f4; font-weight: 600; }
:focus-visible { outline: 3px solid var(--maillage-accent, #00758f); outline-offset: 1px; }
@media (pointer: coarse) { .legend .title, .legend .kinds-title, .legend button, .legend label.zones, .legend .zone-note summary, .table-view tbody button, .table-view button.sort { min-height: 44px; } }
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; transition: none !important; } }
.bar .retry { pointer-events: auto; min-height: 44px; padding: 0 14px; font: inherit; font-weight: 600; cursor: pointer; border-radius: var(--maillage-radius, 4px);
  border: 2px solid var(--maillage-error, #b3261e); background: #fff; color: var(--maillage-error, #b3261e); }
.bar .retry:focus-visible { outline: 3px solid var(--maillage-accent, #00758f); outline-offset: 2px; }
.status[data-state="error"] { border-left-color: var(--maillage-error, #b3261e); color: var(--maillage-error, #b3261e); font-weight: 600; }
"#;

/// Markup of the shadow root: a constant written here, never built from input
/// (text from the network goes in with `set_text_content`).
const TEMPLATE: &str = r#"<button type="button" class="skip"></button><div class="frame" part="frame"><canvas part="canvas" role="img" tabindex="0"></canvas><div class="legend" part="legend"></div><p class="tip" part="tooltip" hidden></p><div class="detail" part="detail" aria-live="polite" hidden></div><div class="bar"><p class="status" part="status" role="status" aria-live="polite" data-state="loading"></p><button type="button" class="retry" part="retry" hidden></button><p class="attribution" part="attribution" hidden></p></div></div><div class="tools"><button type="button" class="show-table" aria-expanded="false" aria-controls="territoires"></button></div><div id="territoires" class="table-view" part="table" hidden></div><span class="end" tabindex="-1"></span>"#;

/// The hub's brand over the map, the places' style and their panel under
/// the map: only in the module with places (text from the network goes in
/// with `set_text_content`, never here).
#[cfg(feature = "places")]
const PLACES: (&str, &str, &str) = (
    r#"<header class="brand" part="brand" hidden><img alt="" hidden><span></span></header>"#,
    r#".brand { display: flex; align-items: center; gap: 8px; margin: 0 0 6px; font-weight: 600; font-size: 16px; }
.brand img { max-height: 40px; max-width: 160px; }
.places { margin-top: 8px; display: grid; gap: 8px; }
.places label.q { display: block; font-weight: 600; }
.places .row { display: flex; flex-wrap: wrap; gap: 6px; }
.places input[type=search] { flex: 1 1 180px; min-height: 44px; padding: 0 10px; font: inherit; font-size: 16px;
  border: 2px solid var(--maillage-text, #1d2433); border-radius: var(--maillage-radius, 4px); background: #fff; color: #1d2433; }
.places button, .places a.route { min-height: 44px; padding: 0 14px; font: inherit; border-radius: var(--maillage-radius, 4px); cursor: pointer; }
.places .export button { border: 2px solid var(--maillage-accent, #00758f); background: #fff; color: var(--maillage-accent, #00758f); }
.places .locate { border: 2px solid var(--maillage-accent, #00758f); background: var(--maillage-accent, #00758f); color: #fff; font-weight: 600; }
.places .results { list-style: none; margin: 0; padding: 0; border: 1px solid rgb(0 0 0 / .3); border-radius: 3px; background: #fff; }
.places .results button, .places .nearest button.place { display: block; width: 100%; text-align: left; border: 0; background: none; color: inherit; }
.places .results button:hover, .places .results button:focus-visible { background: #e8f2f4; }
.places :focus-visible { outline: 3px solid var(--maillage-accent, #00758f); outline-offset: 1px; }
.places .message { margin: 0; font-weight: 600; }
.places details.filters > summary, .places details.group > summary { min-height: 44px; display: flex; align-items: center; cursor: pointer; font-weight: 600; }
.places .facets { display: grid; gap: 6px; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); }
.places fieldset { margin: 0; padding: 4px 8px; border: 1px solid rgb(0 0 0 / .2); border-radius: 3px; }
.places legend { font-weight: 600; }
.places label.check { display: flex; align-items: center; gap: 6px; min-height: 32px; }
.places label.check input { width: 20px; height: 20px; margin: 0; }
.places .dot { flex: none; width: 14px; height: 14px; border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 0 1px rgb(0 0 0 / .55); }
.places .n { margin-left: auto; opacity: .8; }
.places .count { margin: 0; font-weight: 600; font-size: 16px; }
.places .nearest { margin: 0; padding-left: 24px; }
.places .nearest li { margin: 0 0 8px; }
.places .nearest button.place { min-height: 32px; padding: 0; font-weight: 600; text-decoration: underline; }
.places .meta, .places .note { margin: 0; }
.places .note, .places .source { font-size: 13px; opacity: .85; }
.places a.route { display: inline-flex; align-items: center; color: var(--maillage-accent, #00758f); }
.places .card { padding: 8px 12px; background: var(--maillage-panel, rgb(255 255 255 / .92)); border-left: 4px solid var(--maillage-accent, #00758f); border-radius: 3px; overflow-wrap: anywhere; }
.places .card h3, .places .near h3 { margin: 0 0 4px; font-size: 17px; }
.places .card h4 { margin: 8px 0 2px; font-size: 14px; }
.places .card p, .places .card ul { margin: 2px 0; }
.places .card .open { color: #0b6b2e; font-weight: 600; }
.places .card .closed { color: #8a1c1c; font-weight: 600; }
.places .card .warn { font-style: italic; }
.places .hours { display: grid; grid-template-columns: max-content 1fr; gap: 0 12px; margin: 4px 0; }
.places .hours dd { margin: 0; }
.legend label.zones { display: flex; align-items: center; gap: 6px; min-height: 32px; margin-top: 6px; cursor: pointer; }
.legend label.zones input { width: 20px; height: 20px; margin: 0; }
.legend .swatch.zone { background: #fff; opacity: 1; border: 2px solid #1d2433;
  background-image: repeating-linear-gradient(135deg, transparent 0 2px, #1d2433 2px 3.5px, transparent 3.5px 6px); }
.legend .kinds-legend { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 2px; }
.legend .kinds-legend li { display: flex; align-items: center; gap: 6px; }
.legend .kinds-legend .dot { flex: none; width: 14px; height: 14px; border-radius: 50%; border: 1px solid #fff; box-shadow: 0 0 0 1px rgb(0 0 0 / .55); }
.legend .zone-note { margin: 2px 0 0; font-size: 13px; max-width: 34ch; }
.legend .zone-note summary { min-height: 32px; display: flex; align-items: center; cursor: pointer; }
.legend .zone-note p { margin: 0; }
.places .territory { padding: 4px 8px; border: 1px solid rgb(0 0 0 / .2); border-radius: 3px; }
.places .territory > summary { min-height: 44px; display: flex; align-items: center; cursor: pointer; font-weight: 600; }
.places .territory p { margin: 2px 0; }
@media (pointer: coarse) { .places label.check, .places .nearest button.place { min-height: 44px; } }
:host([simple]) .places { font-size: 18px; }
:host([simple]) .places .filters, :host([simple]) .places .count, :host([simple]) .places .departements,
:host([simple]) .places .export, :host([simple]) .tools,
:host([simple]) .places .nearest li:nth-child(n+4) { display: none; }
:host([simple]) .places label.q { font-size: 22px; font-weight: 700; }
:host([simple]) .places button, :host([simple]) .places input[type=search], :host([simple]) .places a.route { min-height: 56px; font-size: 18px; }
:host([simple]) .places .again { display: block; width: 100%; margin: 8px 0; }
:host([simple]) .places .again[hidden] { display: none; }
.detail table.kinds, .places table.kinds { border-collapse: collapse; margin-top: 4px; font-size: 13px; }
.detail table.kinds caption, .places table.kinds caption { text-align: left; font-weight: 600; }
.detail table.kinds th, .places table.kinds th { text-align: left; font-weight: normal; padding-right: 8px; }
.detail table.kinds td.n, .places table.kinds td.n { text-align: right; padding-right: 6px; }
.detail table.kinds td.meter, .places table.kinds td.meter { width: 82px; padding: 0; }
.detail table.kinds td.meter span, .places table.kinds td.meter span { display: inline-block; height: 10px; vertical-align: middle; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"#,
    r#"<section class="places" part="places" hidden><div class="find" role="search"><label class="q" for="q"></label><div class="row"><input id="q" type="search" role="combobox" aria-autocomplete="list" autocomplete="off" enterkeyhint="search" aria-controls="results" aria-expanded="false"><button type="button" class="locate"></button></div><ul id="results" class="results" hidden></ul><p class="message" role="status" aria-live="polite" hidden></p></div><button type="button" class="again" hidden></button><details class="filters"><summary></summary><div class="facets"></div></details><p class="count" role="status" aria-live="polite"></p><div class="departements" hidden></div><div class="row export"><button type="button" class="csv-places"></button><button type="button" class="csv-epci"></button><button type="button" class="png"></button></div><article class="card" part="card" tabindex="-1" hidden></article><div class="near" hidden></div><div class="tools"><button type="button" class="show-places" aria-expanded="false" aria-controls="lieux-carte"></button></div><div id="lieux-carte" class="table-view places-list" part="places-list" hidden></div></section>"#,
);

/// The parts of the shadow root the widget drives.
pub struct Parts {
    /// Container sized by the page; the canvas follows it.
    pub frame: HtmlElement,
    /// Drawing surface, sized in device pixels.
    pub canvas: HtmlCanvasElement,
    /// Live region for progress and errors.
    pub status: HtmlElement,
    /// Shown beside an error: loads again what failed.
    pub retry: HtmlElement,
    /// Legend container (filled by `render::legend`).
    pub legend: HtmlElement,
    /// Hover tooltip.
    pub tip: HtmlElement,
    /// Panel describing the selected territory.
    pub detail: HtmlElement,
    /// The basemap's credit (text only), hidden without a basemap.
    pub attribution: HtmlElement,
    /// The territories' table (the map's text alternative) and its toggle.
    pub table: HtmlElement,
    /// Shows or hides the table.
    pub table_toggle: HtmlElement,
    /// The skip link's target, after everything.
    pub end: HtmlElement,
    /// The skip link.
    pub skip: HtmlElement,
    /// The shadow root, where the places' glue finds its panel.
    #[cfg(feature = "places")]
    pub root: ShadowRoot,
}

/// Writes the interface's words in `lang` (`crate::i18n`): labels, button
/// texts, the canvas's accessible name, the search box's example. The
/// markup above has none of its own.
pub fn localize(root: &ShadowRoot, lang: Lang) {
    use crate::i18n::{text, Text::*};
    let texts = [
        (".skip", SkipMap),
        (".status", Loading),
        (".retry", Retry),
        (".show-table", ShowTable),
        ("label.q", Commune),
        ("button.locate", NearMe),
        ("details.filters > summary", FilterPlaces),
        (".csv-places", DownloadPlaces),
        (".csv-epci", DownloadEpci),
        (".png", DownloadPicture),
        (".again", LookElsewhere),
        (".show-places", ShowPlaceList),
    ];
    for (selector, t) in texts {
        if let Ok(Some(e)) = root.query_selector(selector) {
            e.set_text_content(Some(text(t, lang)));
        }
    }
    for (selector, attribute, t) in [
        ("canvas", "aria-label", MapLabel),
        ("#q", "placeholder", CommuneExample),
    ] {
        if let Ok(Some(e)) = root.query_selector(selector) {
            let _ = e.set_attribute(attribute, text(t, lang));
        }
    }
}

/// Attaches the open shadow root (or reuses it when the element is connected
/// again) and fills it with a fresh structure; each load writes its words
/// in the element's language ([`localize`]).
pub fn build(host: &HtmlElement) -> Result<Parts, JsValue> {
    let root = match host.shadow_root() {
        Some(r) => r,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    root.set_inner_html(TEMPLATE);
    #[cfg(not(feature = "places"))]
    style(&root, CSS)?;
    #[cfg(feature = "places")]
    {
        style(&root, &[CSS, PLACES.1].concat())?;
        let frame: web_sys::Element = part(&root, ".frame")?;
        frame.insert_adjacent_html("beforebegin", PLACES.0)?;
        let table: web_sys::Element = part(&root, ".table-view")?;
        table.insert_adjacent_html("afterend", PLACES.2)?;
    }
    Ok(Parts {
        frame: part(&root, ".frame")?,
        canvas: part(&root, "canvas")?,
        status: part(&root, ".status")?,
        retry: part(&root, ".retry")?,
        legend: part(&root, ".legend")?,
        tip: part(&root, ".tip")?,
        detail: part(&root, ".detail")?,
        attribution: part(&root, ".attribution")?,
        table: part(&root, ".table-view")?,
        table_toggle: part(&root, ".show-table")?,
        end: part(&root, ".end")?,
        skip: part(&root, ".skip")?,
        #[cfg(feature = "places")]
        root,
    })
}

/// Styles the root with a constructed style sheet, which a strict
/// Content-Security-Policy allows (a `<style>` element needs `style-src
/// 'unsafe-inline'`); a browser without constructable sheets gets the element.
fn style(root: &ShadowRoot, css: &str) -> Result<(), JsValue> {
    if let Ok(sheet) = web_sys::CssStyleSheet::new() {
        sheet.replace_sync(css)?;
        root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    } else if let Some(doc) = root.owner_document() {
        let element = doc.create_element("style")?;
        element.set_text_content(Some(css));
        root.prepend_with_node_1(&element)?;
    }
    Ok(())
}

/// One element of the template, with its type.
fn part<T: JsCast>(root: &ShadowRoot, selector: &str) -> Result<T, JsValue> {
    root.query_selector(selector)?
        .and_then(|e| e.dyn_into::<T>().ok())
        .ok_or_else(|| JsValue::from_str(&format!("maillage: élément {selector} absent")))
}
