//! The Rust side of one `<maillage-map>` element. `www/maillage.js` creates a
//! `Widget` when the element is connected and frees it when it is
//! disconnected; everything the widget registers with the browser (resize
//! observer, animation frame, fetches) is released by that `free()`.
//!
//! Ownership: the JS element owns the `Widget`, the `Widget` owns the shared
//! state (`Rc<Inner>`), and the closures handed to the browser hold only a
//! `Weak` to it, so nothing is leaked and no closure is `forget()`-ed.
//! Events are dispatched only from asynchronous tasks, never from inside a
//! method JS called, so a listener may remove the element (and free the
//! widget) safely.
//!
//! Detailed levels: after every camera change the core's stream
//! (`crate::map::stream`) says whether a new view load starts; if so the
//! previous one's fetches are aborted (one `AbortController` per view load)
//! and [`pump`] asks the core what to fetch, fetches it (up to
//! `MAX_IN_FLIGHT` ranges at once, one `spawn_local` task each, sharing the
//! `Rc<Pump>`), feeds each answer back as it arrives and redraws, until the
//! core reports the view load complete (`maillage:render`).
//!
//! Basemap: every draw asks the core for the tile frame
//! (`crate::map::basemap`), starts the image loads it lists (one
//! `HtmlImageElement` each, `decode()`d in a task that reports back and
//! redraws), forgets the images it drops, and draws the tiles it lists
//! under the choropleth.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::{Rc, Weak};
use std::task::Poll;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    AbortController, AbortSignal, CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement,
    HtmlImageElement, ResizeObserver, ResizeObserverEntry, Window,
};

#[cfg(feature = "places")]
mod sites;

use super::{events, fetch, render, shadow};
use crate::geom::camera::Camera;
use crate::geom::tiles::TileId;
use crate::i18n::{self, Text};
use crate::manifest::{Manifest, MANIFEST_FORMAT};
use crate::map::basemap::{Basemap, TileFrame};
use crate::map::gesture::{Input, Key};
use crate::map::stream::{progress_redraw_delay, Fed, Fetch, Loads, Report, MAX_IN_FLIGHT};
use crate::map::table::SortKey;
use crate::map::view::{Attributes, MapView, Plan, PlanError};
#[cfg(feature = "places")]
use crate::map::zones::ZonesPlan;
use crate::map::{shapes_from_file, values, FileShapes, Shape};
use crate::net::{ByteRange, FetchError};
use crate::sites::places::{PlacesAttributes, PlacesPlan};
use crate::style::legend::Lang;

/// Attributes the element reacts to (`observedAttributes`); the places' ones
/// only in the module with places.
const ATTRIBUTES: &[&str] = &[
    // Followed without a reload (see `Widget::attribute_changed`).
    "patterns",
    "manifest",
    "layer",
    "field",
    "method",
    "classes",
    "palette",
    "lang",
    "territory",
    "view",
    "basemap",
    "basemap-attribution",
    "basemap-max-zoom",
    #[cfg(feature = "places")]
    "sites",
    #[cfg(feature = "places")]
    "network-sources",
    #[cfg(feature = "places")]
    "network-labels",
    #[cfg(feature = "places")]
    "network-ids",
    #[cfg(feature = "places")]
    "minutes",
    #[cfg(feature = "places")]
    "mode",
    #[cfg(feature = "places")]
    "brand-name",
    #[cfg(feature = "places")]
    "brand-logo",
    #[cfg(feature = "places")]
    "geocoder",
    #[cfg(feature = "places")]
    "zones",
    #[cfg(feature = "places")]
    "network-manifest",
    #[cfg(feature = "places")]
    "speed-walk",
    #[cfg(feature = "places")]
    "speed-car",
    #[cfg(feature = "places")]
    "detour",
];

/// The field of the illectronism rate, said in the summaries.
#[cfg(feature = "places")]
const ILLECTRONISM: &str = "illectronism_rate";

/// Bytes of the first layer file read after the manifest, to prove that the
/// server answers range requests (the FlatGeobuf magic number and more).
const PROBE_BYTES: u64 = 12;

/// How long the overview's decoding waits for an early load's index search
/// at most (see `Inner::early_gate`): on a slow network the overview shows
/// at most this much later.
const GATE_MS: u32 = 200;

/// A preview's plan, language and every feature's value.
type PendingPreview = (Plan, Lang, Vec<Option<f64>>);

/// How long the overview's reading waits for a preview's first complete
/// drawing at most (see `Inner::preview_gate`): a detail slower than this
/// has the overview read beside it, to show meanwhile.
const PREVIEW_WAIT_MS: u32 = 1000;

/// How long the overview's reading waits at most for the early load of a
/// map built from its detail alone (`Plan::map_from_detail`), once that
/// has answers: it ends, complete or failed, well before on any link (a
/// request without an answer gives up after 20 s); the overview, read
/// meanwhile on a slow link, would only share it.
const DETAIL_WAIT_MS: u32 = 60_000;

/// Where the early load of a map built from its detail alone is.
enum Early {
    /// Complete: the map's shapes and outlines, and the bytes it read.
    Complete(Vec<Shape>, Vec<Shape>, usize),
    /// Not over, the choropleth's first answers in.
    Reading,
    /// No answer yet, failed, or gone.
    Stalled,
}

/// Dispatched after each completed view load: detail `{features, bytes,
/// requests, ms, level, file}`.
const RENDER: &str = "maillage:render";

/// Canvas background when the computed style gives none.
const DEFAULT_BACKGROUND: &str = "#f4f2ec";

/// One map element's state; created by `new Widget(element)` in
/// `www/maillage.js`, released by `widget.free()`.
#[wasm_bindgen]
pub struct Widget {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Widget {
    /// Builds the shadow root of `host`, starts observing its size and loads
    /// the manifest named by its `manifest` attribute. Progress and errors
    /// arrive as `maillage:ready` / `maillage:error` events. `prefetched`,
    /// called with the manifest's absolute address, may give a promise of
    /// its text already on the way (`www/maillage.js` starts the manifests
    /// of the page while the module compiles), or null.
    #[wasm_bindgen(constructor)]
    pub fn new(host: HtmlElement, prefetched: Option<js_sys::Function>) -> Result<Widget, JsValue> {
        let window = web_sys::window().ok_or("maillage: pas de window")?;
        let parts = shadow::build(&host)?;
        let ctx = parts
            .canvas
            .get_context("2d")?
            .ok_or("maillage: contexte 2d indisponible")?
            .dyn_into::<CanvasRenderingContext2d>()?;
        // The picture a drag moves (see `MapView::shift_from`).
        let snapshot = window
            .document()
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
            .and_then(|c| {
                let ctx = c.get_context("2d").ok()??;
                Some((c, ctx.dyn_into::<CanvasRenderingContext2d>().ok()?))
            });
        #[cfg(feature = "places")]
        let places_ui = sites::PlacesUi::new(&parts.root)?;
        let inner = Rc::new_cyclic(|me| Inner {
            me: me.clone(),
            host,
            frame: parts.frame,
            canvas: parts.canvas,
            ctx,
            status: parts.status,
            retry: parts.retry,
            stream_error: RefCell::new(None),
            restarted: Cell::new(false),
            patterns: Cell::new(false),
            base_error: RefCell::new(None),
            legend: parts.legend,
            tip: parts.tip,
            detail: parts.detail,
            table: parts.table,
            table_toggle: parts.table_toggle,
            skip: parts.skip,
            end: parts.end,
            table_sort: Cell::new((SortKey::Name, false)),
            attribution: parts.attribution,
            tiles: RefCell::new(Vec::new()),
            view: RefCell::new(None),
            last_frame: RefCell::new(Default::default()),
            snapshot,
            drawn: Cell::new(None),
            snapshot_camera: Cell::new(None),
            shifted: Cell::new(false),
            listeners: RefCell::new(Vec::new()),
            window,
            generation: Cell::new(0),
            abort: RefCell::new(None),
            on_frame: RefCell::new(None),
            frame_request: Cell::new(None),
            on_timer: RefCell::new(None),
            progress_timer: Cell::new(None),
            last_draw: Cell::new(f64::NEG_INFINITY),
            device_size: Cell::new(None),
            resize: RefCell::new(None),
            stream_abort: RefCell::new(None),
            early: RefCell::new(None),
            preview: RefCell::new(None),
            pending_preview: RefCell::new(None),
            from_detail: Cell::new(false),
            dressed: Cell::new(false),
            early_gate: RefCell::new(None),
            preview_gate: RefCell::new(None),
            hold: Cell::new(false),
            load_started: Cell::new(0.0),
            prefetched,
            manifest_url: RefCell::new(String::new()),
            ready_text: RefCell::new(String::new()),
            lang: Cell::new(Lang::Fr),
            #[cfg(feature = "places")]
            places: places_ui,
        });
        inner.patterns.set(inner.host.has_attribute("patterns"));
        Inner::install(&inner)?;
        Inner::load(&inner);
        Ok(Widget { inner })
    }

    /// The attribute names the element observes.
    #[wasm_bindgen(js_name = observedAttributes)]
    pub fn observed_attributes() -> js_sys::Array {
        ATTRIBUTES.iter().map(|a| JsValue::from_str(a)).collect()
    }

    /// Screen position (CSS pixels from the map's top-left corner) of a
    /// lon/lat point in the current view, or `undefined` before anything
    /// is drawn: lets a page place its own marker or check what is drawn.
    pub fn project(&self, lon: f64, lat: f64) -> Option<Vec<f64>> {
        self.inner.camera().map(|c| c.project(lon, lat).to_vec())
    }

    /// Moves the map to `lon`, `lat` (degrees) at `zoom` (0 to 22), as a
    /// gesture would: the detailed level of that zoom loads by range.
    /// Throws before the map is loaded or for invalid numbers.
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&self, lon: f64, lat: f64, zoom: f64) -> Result<(), JsValue> {
        {
            let mut view = self.inner.view.borrow_mut();
            let v = view
                .as_mut()
                .ok_or_else(|| JsValue::from_str("setView : carte pas encore chargée"))?;
            v.set_view(lon, lat, zoom)
                .map_err(|e| JsValue::from_str(&format!("setView : {e}")))?;
        }
        self.inner.request_redraw();
        self.inner.view_changed();
        Ok(())
    }

    /// The current view as `[lon, lat, zoom]`, or `undefined` before
    /// anything is drawn.
    #[wasm_bindgen(js_name = getView)]
    pub fn get_view(&self) -> Option<Vec<f64>> {
        self.inner.camera().map(|c| {
            let [lon, lat] = c.center();
            vec![lon, lat, c.zoom().get()]
        })
    }

    /// Called by the element's `attributeChangedCallback`: a new `manifest`
    /// cancels the current load and starts another.
    #[wasm_bindgen(js_name = attributeChanged)]
    pub fn attribute_changed(&self, name: &str, old: Option<String>, new: Option<String>) {
        if name == "patterns" {
            return self.inner.set_patterns(new.is_some());
        }
        if ATTRIBUTES.contains(&name) && old != new {
            Inner::load(&self.inner);
        }
    }

    /// Called by `maillage.js` on a widget that replaces one lost with a
    /// panicked module instance: its status line says the map restarted.
    #[wasm_bindgen(js_name = noteRestart)]
    pub fn note_restart(&self) {
        self.inner.restarted.set(true);
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.inner.shutdown();
    }
}

/// The requestAnimationFrame callback (argument: the frame time).
type FrameCallback = Closure<dyn FnMut(f64)>;
/// The progress timer's callback.
type TimerCallback = Closure<dyn FnMut()>;
/// The ResizeObserver callback (argument: the entries).
type ResizeCallback = Closure<dyn FnMut(js_sys::Array)>;
/// A DOM event listener.
type EventCallback = Closure<dyn FnMut(web_sys::Event)>;

/// State shared by the widget and its callbacks.
struct Inner {
    /// This state, for tasks started from `&self` methods.
    me: Weak<Inner>,
    host: HtmlElement,
    frame: HtmlElement,
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    status: HtmlElement,
    /// The status line's retry button, shown with an error.
    retry: HtmlElement,
    /// Why the current view load lost a detailed file (after its retries):
    /// the status line says it once the load is over.
    stream_error: RefCell<Option<String>>,
    /// Started again after a panic (see `Widget::note_restart`).
    restarted: Cell<bool>,
    /// Patterns on the classes: the `patterns` attribute, then the
    /// reader's choice in the legend.
    patterns: Cell<bool>,
    /// Why a base layer of the loaded map is missing (the retry button
    /// then loads the map again).
    base_error: RefCell<Option<String>>,
    legend: HtmlElement,
    tip: HtmlElement,
    detail: HtmlElement,
    /// The territories' table, its toggle, the skip link and its target.
    table: HtmlElement,
    table_toggle: HtmlElement,
    skip: HtmlElement,
    end: HtmlElement,
    /// The table's order: column and descending.
    table_sort: Cell<(SortKey, bool)>,
    /// The basemap's credit, shown whenever it is drawn.
    attribution: HtmlElement,
    /// Basemap images loading or loaded, by tile: the core says which.
    tiles: RefCell<Vec<(TileId, HtmlImageElement)>>,
    /// The display list last drawn, for hit testing while hovering.
    last_frame: RefCell<crate::scene::DisplayList>,
    /// An offscreen copy of the map taken when a drag starts, which the
    /// drag moves instead of drawing every shape in every frame.
    snapshot: Option<(HtmlCanvasElement, CanvasRenderingContext2d)>,
    /// The camera of the last full drawing.
    drawn: Cell<Option<Camera>>,
    /// The camera the snapshot was drawn with.
    snapshot_camera: Cell<Option<Camera>>,
    /// The canvas shows a moved snapshot: draw in full when the drag ends.
    shifted: Cell<bool>,
    /// The loaded map, once the layers are read.
    view: RefCell<Option<MapView>>,
    /// Listeners on the canvas and legend, removed at shutdown.
    listeners: RefCell<Vec<(HtmlElement, &'static str, EventCallback)>>,
    window: Window,
    /// Bumped by every load and by shutdown: a task that finds another value stops.
    generation: Cell<u32>,
    /// Cancels the fetches of the current load.
    abort: RefCell<Option<AbortController>>,
    /// The one requestAnimationFrame callback, reused for every frame.
    on_frame: RefCell<Option<FrameCallback>>,
    /// Pending animation frame, if any.
    frame_request: Cell<Option<i32>>,
    /// The progress timer's callback, reused.
    on_timer: RefCell<Option<TimerCallback>>,
    /// Pending progress timer, if any.
    progress_timer: Cell<Option<i32>>,
    /// `Date.now()` of the last full drawing.
    last_draw: Cell<f64>,
    /// The frame's size in device pixels, as the resize observer last gave
    /// it. The canvas takes it only once there is a map to draw (see
    /// `fit_canvas`).
    device_size: Cell<Option<(u32, u32)>>,
    /// Observer of the frame's size and its callback.
    resize: RefCell<Option<(ResizeObserver, ResizeCallback)>>,
    /// Cancels the fetches of the current view load (detailed levels).
    stream_abort: RefCell<Option<AbortController>>,
    /// The detailed level of a `view` attribute, read while the overview
    /// loads (moved into the map once it is built).
    early: RefCell<Option<Loads>>,
    /// The map of a `view` attribute before its overview is read, classed
    /// from the layer's values file (`MapView::preview`): it takes the
    /// early load and draws it as it arrives (after a progress interval, as
    /// the map does); the map built from the overview replaces it. It
    /// takes no gestures. An element loading again (another field) draws
    /// it rather than the map it still has.
    preview: RefCell<Option<MapView>>,
    /// The values a preview is built from, when they came while the early
    /// load still searched its index: built once its feature ranges are
    /// on their way (building takes the main thread for a while).
    pending_preview: RefCell<Option<PendingPreview>>,
    /// Whether the map is to be built from its early load alone, once
    /// that is complete (`Plan::map_from_detail`): the overview's reading
    /// waits for it (see `preview_gate`) and is then not needed.
    from_detail: Cell<bool>,
    /// Whether the current load's legend is shown: a preview's comes with
    /// its first drawing.
    dressed: Cell<bool>,
    /// Resolves the promise the overview's decoding waits for, once the
    /// early load's index search is over and its feature ranges are on
    /// their way (the communes' index takes several reads in a row).
    early_gate: RefCell<Option<js_sys::Function>>,
    /// Resolves the promise the overview's reading waits for while a
    /// preview is coming: once the preview has drawn its whole detail, or
    /// has been given up. The overview's 1.4 MB (communes) and its
    /// decoding then come after the first paint instead of delaying it.
    preview_gate: RefCell<Option<js_sys::Function>>,
    /// Set from the map's building to its first drawing while the detail
    /// of a `view` attribute loads: drawing the overview a few
    /// milliseconds before the detail replaces it would only delay the
    /// detail (the main thread draws both). Lifted by the load's end or
    /// the progress timer, whichever comes first.
    hold: Cell<bool>,
    /// `Date.now()` when the current load started.
    load_started: Cell<f64>,
    /// Gives a manifest's text fetched before the module started, if any.
    prefetched: Option<js_sys::Function>,
    /// Address of the manifest, which layer paths are relative to.
    manifest_url: RefCell<String>,
    /// Status line of the loaded map, shown again after a view load.
    ready_text: RefCell<String>,
    /// Language of the loaded map.
    lang: Cell<Lang>,
    /// The places' panel and reads.
    #[cfg(feature = "places")]
    places: sites::PlacesUi,
}

impl Inner {
    /// Creates the frame and resize callbacks (holding `Weak`s) and observes the frame.
    fn install(this: &Rc<Self>) -> Result<(), JsValue> {
        let weak = Rc::downgrade(this);
        let on_frame = FrameCallback::new(move |_time: f64| {
            if let Some(inner) = weak.upgrade() {
                inner.frame_request.set(None);
                inner.draw();
            }
        });
        *this.on_frame.borrow_mut() = Some(on_frame);
        let weak = Rc::downgrade(this);
        let on_timer = TimerCallback::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.progress_timer.set(None);
                inner.hold.set(false);
                inner.request_redraw();
            }
        });
        *this.on_timer.borrow_mut() = Some(on_timer);

        let weak: Weak<Self> = Rc::downgrade(this);
        let on_resize = ResizeCallback::new(move |entries: js_sys::Array| {
            if let Some(inner) = weak.upgrade() {
                inner.resized(&entries);
            }
        });
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref())?;
        // The panels too: names keep clear of them as they fold or grow.
        for target in [&this.frame, &this.legend, &this.status] {
            observer.observe(target);
        }
        *this.resize.borrow_mut() = Some((observer, on_resize));

        let canvas: HtmlElement = this.canvas.clone().unchecked_into();
        for name in [
            "pointerdown",
            "pointermove",
            "pointerup",
            "pointercancel",
            "wheel",
            "dblclick",
            "keydown",
        ] {
            Self::listen(this, &canvas, name, |inner, e| inner.canvas_event(&e))?;
        }
        let legend = this.legend.clone();
        Self::listen(this, &legend, "click", |inner, e| inner.legend_click(&e))?;
        let (skip, toggle, table) = (
            this.skip.clone(),
            this.table_toggle.clone(),
            this.table.clone(),
        );
        Self::listen(this, &skip, "click", |inner, _| {
            let _ = inner.end.focus();
        })?;
        Self::listen(this, &toggle, "click", |inner, _| inner.toggle_table())?;
        let retry = this.retry.clone();
        Self::listen(this, &retry, "click", |inner, _| inner.retry())?;
        Self::listen(this, &table, "click", |inner, e| inner.table_click(&e))?;
        Self::listen(this, &legend, "change", |inner, e| inner.field_change(&e))?;
        #[cfg(feature = "places")]
        Self::listen_places(this)?;
        Ok(())
    }

    /// Adds a listener holding a `Weak` to the state; removed at shutdown.
    fn listen(
        this: &Rc<Self>,
        target: &HtmlElement,
        name: &'static str,
        handler: fn(&Inner, web_sys::Event),
    ) -> Result<(), JsValue> {
        let weak = Rc::downgrade(this);
        let cb = EventCallback::new(move |e: web_sys::Event| {
            if let Some(inner) = weak.upgrade() {
                handler(&inner, e);
            }
        });
        let opts = web_sys::AddEventListenerOptions::new();
        opts.set_passive(false);
        target.add_event_listener_with_callback_and_add_event_listener_options(
            name,
            cb.as_ref().unchecked_ref(),
            &opts,
        )?;
        this.listeners.borrow_mut().push((target.clone(), name, cb));
        Ok(())
    }

    /// DOM events of the canvas become core inputs.
    fn canvas_event(&self, e: &web_sys::Event) {
        let input = if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
            Key::from_dom(&k.key()).map(Input::Key)
        } else if let Some(w) = e.dyn_ref::<web_sys::WheelEvent>() {
            // Lines (Firefox) and pages become pixels.
            let scale = match w.delta_mode() {
                1 => 16.0,
                2 => 400.0,
                _ => 1.0,
            };
            Some(Input::Wheel {
                x: f64::from(w.offset_x()),
                y: f64::from(w.offset_y()),
                delta_y: w.delta_y() * scale,
            })
        } else if let Some(m) = e.dyn_ref::<web_sys::MouseEvent>() {
            let (x, y) = (f64::from(m.offset_x()), f64::from(m.offset_y()));
            let id = e
                .dyn_ref::<web_sys::PointerEvent>()
                .map_or(0, web_sys::PointerEvent::pointer_id);
            match e.type_().as_str() {
                "pointerdown" => {
                    let _ = self.canvas.set_pointer_capture(id);
                    Some(Input::Down { id, x, y })
                }
                "pointermove" => {
                    // Hover (no button pressed): tooltip for the territory under the pointer.
                    if m.buttons() == 0 {
                        if let Some(v) = self.view.borrow().as_ref() {
                            let frame = self.last_frame.borrow();
                            let d = v.describe_at(&frame, x, y, self.lang.get());
                            render::tooltip(&self.tip, d.as_ref(), x, y);
                        }
                    }
                    Some(Input::Move { id, x, y })
                }
                "pointerleave" => {
                    render::tooltip(&self.tip, None, x, y);
                    None
                }
                "pointerup" | "pointercancel" => Some(Input::Up { id }),
                "dblclick" => Some(Input::DoubleClick { x, y }),
                _ => None,
            }
        } else {
            None
        };
        let Some(input) = input else { return };
        let mut view = self.view.borrow_mut();
        let Some(v) = view.as_mut() else { return };
        if !matches!(
            input,
            Input::Move { .. } | Input::Up { .. } | Input::Down { .. }
        ) {
            e.prevent_default();
        }
        let before = (v.camera, v.selected);
        #[cfg(feature = "places")]
        let site = |v: &MapView| v.places.as_ref().and_then(|p| p.sites.selected);
        #[cfg(feature = "places")]
        let site_before = site(v);
        v.input(input);
        #[cfg(feature = "places")]
        let site_changed = site(v) != site_before;
        #[cfg(not(feature = "places"))]
        let site_changed = false;
        match input {
            Input::Down { .. } => self.take_snapshot(),
            Input::Up { .. } if self.shifted.get() => self.request_redraw(),
            _ => {}
        }
        let moved = v.camera != before.0;
        if v.selected != before.1 {
            let d = self.show_selection(v);
            self.announce_selection(d);
        }
        #[cfg(feature = "places")]
        let v_selected_changed = v.selected != before.1;
        if (v.camera, v.selected) != before || site_changed {
            drop(view);
            #[cfg(feature = "places")]
            if site_changed {
                self.show_site();
            }
            #[cfg(feature = "places")]
            if site_changed || v_selected_changed {
                self.write_fragment();
            }
            self.request_redraw();
            if moved {
                self.view_changed();
            }
        }
    }

    /// Shows the selected territory: detail panel (with its summary when
    /// places are read) and its row in the table; returns its description.
    fn show_selection(&self, v: &MapView) -> Option<crate::map::describe::Description> {
        let d = v.describe_selected(self.lang.get());
        let _ = render::detail(&self.detail, d.as_ref());
        #[cfg(feature = "places")]
        self.append_summary(v);
        render::mark_current(&self.table, v.selected);
        d
    }

    /// Fires `maillage:select` (`{code, name, value}`, or `null` fields when
    /// cleared) from a task, so a listener may even remove the element.
    fn announce_selection(&self, d: Option<crate::map::describe::Description>) {
        let host = self.host.clone();
        spawn_local(async move {
            let text = |v: Option<&String>| v.map_or(JsValue::NULL, |s| JsValue::from_str(s));
            let detail = events::detail(&[
                ("code", text(d.as_ref().map(|d| &d.code))),
                ("name", text(d.as_ref().map(|d| &d.name))),
                ("value", text(d.as_ref().map(|d| &d.value))),
            ]);
            events::dispatch(&host, events::SELECT, &detail);
        });
    }

    /// The field switcher sets the `field` attribute, which reloads the map
    /// with the new field (the page can observe and set it the same way).
    fn field_change(&self, e: &web_sys::Event) {
        #[cfg(feature = "places")]
        if self.zones_change(e) {
            return;
        }
        if self.patterns_change(e) {
            return;
        }
        let value = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            .map(|s| s.value());
        if let Some(v) = value {
            #[cfg(feature = "places")]
            if self.show_field_in_place(&v) {
                return;
            }
            let _ = self.host.set_attribute("field", &v);
        }
    }

    /// The legend's « Motifs » checkbox: patterns on the classes or not,
    /// kept for the next maps of this element; `false` for any other change.
    fn patterns_change(&self, e: &web_sys::Event) -> bool {
        let Some(input) = checkbox(e, "data-patterns") else {
            return false;
        };
        self.set_patterns(input.checked());
        // The new legend has a new checkbox: the focus goes back to it.
        if let Ok(Some(b)) = self.legend.query_selector("input[data-patterns]") {
            if let Some(b) = b.dyn_ref::<HtmlElement>() {
                let _ = b.focus();
            }
        }
        true
    }

    /// Patterns on the classes or not (attribute or checkbox): kept for the
    /// next maps of this element, the legend and the map drawn again.
    fn set_patterns(&self, on: bool) {
        self.patterns.set(on);
        if let Some(v) = self.view.borrow_mut().as_mut() {
            v.choropleth.patterns = on;
            let _ = render::legend(&self.legend, v, &v.title);
        }
        self.request_redraw();
    }

    /// Shows or hides the territories' table (« Afficher le tableau »).
    fn toggle_table(&self) {
        let texts = (Text::ShowTable, Text::HideTable);
        toggle_section(&self.table, &self.table_toggle, texts, self.lang.get());
        self.refresh_table();
    }

    /// Writes the table again when it is shown (data, field or order changed).
    fn refresh_table(&self) {
        if self.table.hidden() {
            return;
        }
        if let Some(v) = self.view.borrow().as_ref() {
            let _ = render::table(&self.table, v, self.table_sort.get(), self.lang.get());
        }
    }

    /// In the table: a column header sorts (again: the other way), a
    /// territory's name selects it on the map.
    fn table_click(&self, e: &web_sys::Event) {
        let Some(b) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("button").ok().flatten())
        else {
            return;
        };
        if let Some(key) = b.get_attribute("data-sort") {
            let key = if key == "value" {
                SortKey::Value
            } else {
                SortKey::Name
            };
            let (current, descending) = self.table_sort.get();
            self.table_sort.set((key, current == key && !descending));
            self.refresh_table();
            let again = format!(
                "button[data-sort=\"{}\"]",
                if key == SortKey::Value {
                    "value"
                } else {
                    "name"
                }
            );
            if let Ok(Some(b)) = self.table.query_selector(&again) {
                if let Ok(b) = b.dyn_into::<HtmlElement>() {
                    let _ = b.focus();
                }
            }
            return;
        }
        let Some(i) = b
            .get_attribute("data-index")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            return;
        };
        let d = {
            let mut view = self.view.borrow_mut();
            let Some(v) = view.as_mut() else { return };
            v.selected = Some(i).filter(|&i| i < v.shapes.len());
            self.show_selection(v)
        };
        self.announce_selection(d);
        #[cfg(feature = "places")]
        self.write_fragment();
        self.request_redraw();
    }

    /// A click on a legend class toggles it.
    fn legend_click(&self, e: &web_sys::Event) {
        let target = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        // A section folded or unfolded by the reader stays so.
        if let Some(section) = target
            .as_ref()
            .and_then(|el| el.closest("summary").ok().flatten())
            .and_then(|s| s.parent_element())
        {
            let _ = section.set_attribute(render::READER_FOLD, "");
        }
        let class = target
            .and_then(|el| el.closest("button[data-class]").ok().flatten())
            .and_then(|b| b.get_attribute("data-class"))
            .and_then(|k| k.parse::<usize>().ok());
        let Some(k) = class else { return };
        let mut view = self.view.borrow_mut();
        let Some(v) = view.as_mut() else { return };
        v.toggle_class(k);
        let _ = render::legend(&self.legend, v, &v.title);
        drop(view);
        self.request_redraw();
    }

    /// Cancels the current load and starts reading the manifest again.
    fn load(this: &Rc<Self>) {
        let generation = this.generation.get().wrapping_add(1);
        this.generation.set(generation);
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        let previous = this.abort.replace(controller);
        if let Some(c) = previous {
            c.abort();
        }
        if let Some(c) = this.stream_abort.borrow_mut().take() {
            c.abort();
        }
        this.early.borrow_mut().take();
        this.preview.borrow_mut().take();
        this.dressed.set(false);
        this.pending_preview.borrow_mut().take();
        this.from_detail.set(false);
        this.preview_gate.borrow_mut().take();
        this.hold.set(false);
        this.base_error.borrow_mut().take();
        this.load_started.set(js_sys::Date::now());
        let lang = Lang::from_tag(&this.host.get_attribute("lang").unwrap_or_default());
        this.lang.set(lang);
        if let Some(root) = this.host.shadow_root() {
            crate::web::shadow::localize(&root, lang);
        }
        this.set_status("loading", i18n::text(Text::Loading, lang));
        let manifest = this.host.get_attribute("manifest");
        let attr = |n: &str| this.host.get_attribute(n).filter(|v| !v.trim().is_empty());
        let attributes = Attributes {
            layer: attr("layer"),
            field: attr("field"),
            method: attr("method"),
            classes: attr("classes"),
            palette: attr("palette"),
            lang: attr("lang"),
            territory: attr("territory"),
            view: attr("view"),
            basemap: attr("basemap"),
            basemap_attribution: attr("basemap-attribution"),
            basemap_max_zoom: attr("basemap-max-zoom"),
        };
        #[cfg(feature = "places")]
        let places_attributes = PlacesAttributes {
            sites: this.host.get_attribute("sites"),
            network_sources: attr("network-sources"),
            network_labels: attr("network-labels"),
            network_ids: attr("network-ids"),
            minutes: attr("minutes"),
            mode: attr("mode"),
            geocoder: attr("geocoder"),
            zones: this.host.get_attribute("zones"),
            network_manifest: attr("network-manifest"),
            speed_walk: attr("speed-walk"),
            speed_car: attr("speed-car"),
            detour: attr("detour"),
        };
        #[cfg(not(feature = "places"))]
        let places_attributes = PlacesAttributes::default();
        #[cfg(feature = "places")]
        this.reset_places(attr("brand-name"), attr("brand-logo"));
        let base = this.host.base_uri().ok().flatten();
        let prefetched = this.prefetched.clone();
        let weak = Rc::downgrade(this);
        spawn_local(async move {
            let current = || weak.upgrade().filter(|i| i.generation.get() == generation);
            let Some(signal) = signal else {
                if let Some(inner) = current() {
                    inner.finish(Err(LoadError::Fetch(FetchError::Network(
                        "no AbortController".into(),
                    ))));
                }
                return;
            };
            let opened = open(
                manifest,
                &attributes,
                &places_attributes,
                base,
                prefetched,
                &signal,
            )
            .await;
            let outcome = match opened {
                Ok(opened) => {
                    let Some(inner) = current() else { return };
                    let gate = inner.start_early(&opened);
                    let preview = gate
                        .is_some()
                        .then(|| inner.start_preview(&opened, &signal))
                        .flatten();
                    let from_detail = inner.from_detail.get();
                    drop(inner);
                    // A page scoped to départements: where its early load is.
                    let detail = || {
                        let inner = current();
                        let early = inner.as_ref().map(|i| i.early.borrow());
                        let Some(loads) = early.as_deref().and_then(Option::as_ref) else {
                            return Early::Stalled;
                        };
                        let Some(shapes) = loads.complete_shapes(0) else {
                            return if loads.answering() {
                                Early::Reading
                            } else {
                                Early::Stalled
                            };
                        };
                        let outlines = loads.complete_shapes(1).unwrap_or_default();
                        Early::Complete(
                            shapes.into_iter().cloned().collect(),
                            outlines.into_iter().cloned().collect(),
                            loads.bytes() as usize,
                        )
                    };
                    let detail = from_detail.then_some(&detail as &dyn Fn() -> Early);
                    read_layers(opened, preview, gate, detail, &signal).await
                }
                Err(e) => Err(e),
            };
            if let Some(inner) = current() {
                inner.finish(outcome);
            }
        });
    }

    /// Shows the outcome of a load and dispatches its event (last, so that a
    /// listener may remove the element).
    fn finish(&self, outcome: Result<Summary, LoadError>) {
        let outcome = outcome.and_then(|mut s| {
            let size = self.frame_size();
            let (shapes, outlines) = (
                std::mem::take(&mut s.shapes),
                std::mem::take(&mut s.outlines),
            );
            let mut view = MapView::new(&s.plan, shapes, outlines, size, s.lang).map_err(|e| {
                LoadError::BadManifest(i18n::about_file("classes", &e.to_string(), s.lang))
            })?;
            view.choropleth.patterns = self.patterns.get();
            view.resize(size[0], size[1], self.pixel_ratio());
            #[cfg(feature = "places")]
            {
                view.illectronism = std::mem::take(&mut s.illectronism);
            }
            let early = self.early.borrow_mut().take().or_else(|| {
                let preview = self.preview.borrow_mut().take();
                preview.and_then(|p| p.stream)
            });
            view.set_stream(match early {
                Some(early) => Some(early.with_overview_features(view.shapes.len())),
                None => s.loads.take(),
            });
            // The previous map's tiles are not this one's.
            self.forget_tiles();
            *self.manifest_url.borrow_mut() = s.manifest_url.clone();
            self.lang.set(s.lang);
            self.dress(&view);
            let features = view.shapes.len();
            *self.view.borrow_mut() = Some(view);
            self.refresh_table();
            Ok((s, features))
        });
        match outcome {
            Ok((summary, features)) => {
                let lang = summary.lang;
                let mut text = i18n::loaded(summary.layers, features, lang);
                if self.restarted.get() {
                    text.push_str(i18n::text(Text::Restarted, lang));
                }
                *self.ready_text.borrow_mut() = text;
                // A preview's view load is over already: its level is said now.
                let level = self
                    .view
                    .borrow()
                    .as_ref()
                    .and_then(|v| v.stream.as_ref())
                    .map(|l| (l.progress().is_none(), l.level()));
                match level {
                    Some((true, level)) => self.settled_status(&level),
                    _ => self.set_status("ready", &self.ready_text.borrow()),
                }
                // Laid out now: fit the territory beside the legend and the
                // status line, names sized for the page's font.
                self.measure_panels();
                let measured = render::measure_reference(&self.ctx, &self.theme().1);
                if let Some(v) = self.view.borrow_mut().as_mut() {
                    v.fit_home();
                    if let Some(px) = measured {
                        v.calibrate_text(px);
                    }
                }
                let early = self
                    .view
                    .borrow()
                    .as_ref()
                    .and_then(|v| v.stream.as_ref())
                    .is_some_and(|l| l.progress().is_some());
                if early {
                    self.hold_first_drawing();
                } else {
                    self.request_redraw();
                }
                let detail = events::detail(&[
                    ("layers", JsValue::from(summary.layers as f64)),
                    ("rangeBytes", JsValue::from(summary.range_bytes as f64)),
                    ("features", JsValue::from(features as f64)),
                    ("field", JsValue::from_str(&summary.plan.field)),
                ]);
                events::dispatch(&self.host, events::READY, &detail);
                if let Some(e) = &summary.outline_error {
                    let why = e.message(summary.lang);
                    let message = format!(
                        "{}{why}",
                        i18n::text(Text::OutlinesUnavailable, summary.lang)
                    );
                    self.set_status("error", &message);
                    *self.base_error.borrow_mut() = Some(message);
                    events::dispatch_error(&self.host, e.kind(), &why);
                }
                // The first view load (the overview: no request) reports at once.
                self.view_changed();
                // An early view load that completed before the map was built.
                let report = self
                    .view
                    .borrow_mut()
                    .as_mut()
                    .and_then(|v| v.stream.as_mut())
                    .and_then(Loads::take_report);
                if let Some(r) = report {
                    self.rendered(&r, self.load_started.get());
                }
                #[cfg(feature = "places")]
                self.places.credits.replace(summary.credits);
                #[cfg(feature = "places")]
                if let Some(z) = summary.zones {
                    self.load_zones(z);
                }
                #[cfg(feature = "places")]
                if let Some(p) = summary.places {
                    self.load_places(p);
                }
            }
            Err(e) if e.is_aborted() => {}
            Err(e) => {
                let message = e.message(self.lang.get());
                let prefix = i18n::text(Text::ErrorPrefix, self.lang.get());
                self.set_status("error", &format!("{prefix}{message}"));
                events::dispatch_error(&self.host, e.kind(), &message);
            }
        }
    }

    /// Shows a new map's basemap credit and legend.
    fn dress(&self, view: &MapView) {
        self.dressed.set(true);
        let credit = view.basemap.as_ref().map(Basemap::attribution);
        self.attribution.set_text_content(credit);
        self.attribution.set_hidden(credit.is_none());
        let _ = render::legend(&self.legend, view, &view.title);
        // Plain-language mode: the classes start folded, the places first.
        if self.host.has_attribute("simple") {
            if let Ok(Some(d)) = self.legend.query_selector("details.classes") {
                let _ = d.remove_attribute("open");
            }
        }
    }

    /// Takes the frame's new size (the canvas takes it once there is a map
    /// to draw, see `fit_canvas`) and redraws at once (resize observers run
    /// before paint, so no blank frame shows); a panel that changed size is
    /// measured again.
    fn resized(&self, entries: &js_sys::Array) {
        let frame = entries
            .iter()
            .filter_map(|e| e.dyn_into::<ResizeObserverEntry>().ok())
            .filter(|e| e.target().is_same_node(Some(&self.frame)))
            .last();
        let panels_changed = self.measure_panels();
        let Some(entry) = frame else {
            // The first drawing's panels, reported after it: no second one.
            if panels_changed {
                // Panels that changed may have fitted the territory again.
                self.view_changed();
                self.request_redraw();
            }
            return;
        };
        let rect = entry.content_rect();
        let dpr = self.pixel_ratio();
        let w = device_pixels(rect.width(), dpr);
        let h = device_pixels(rect.height(), dpr);
        self.device_size.set(Some((w, h)));
        let mut refold = None;
        let mut compact = false;
        for map in [&self.view, &self.preview] {
            if let Some(v) = map.borrow_mut().as_mut() {
                let before = (v.legend_starts_open(), v.compact());
                v.resize(rect.width(), rect.height(), dpr);
                if v.legend_starts_open() != before.0 {
                    refold = Some(v.legend_starts_open());
                }
                compact |= v.compact() != before.1;
            }
        }
        if compact && self.dressed.get() {
            // The field switcher moves in or out of the classes' fold.
            let (preview, view) = (self.preview.borrow(), self.view.borrow());
            if let Some(v) = preview.as_ref().or(view.as_ref()) {
                let _ = render::legend(&self.legend, v, &v.title);
            }
        }
        if let Some(open) = refold {
            // Measured again by the observer, the legend's new size fits
            // the territory again if the reader has not moved the map.
            let classes = !self.host.has_attribute("simple");
            let _ = render::refold(&self.legend, open, classes);
        }
        self.view_changed();
        if self.fit_canvas() {
            self.draw();
        }
    }

    /// Gives the canvas the frame's size in device pixels, once there is a
    /// map (or its preview) to draw; returns whether the size changed (the
    /// canvas was cleared). Until then the canvas keeps its default size:
    /// a frame-sized canvas gets its raster (3 MB at 1024 × 768) at the
    /// page's first paint, 10 to 17 ms of the main thread in software
    /// rendering, on the way to the first map.
    fn fit_canvas(&self) -> bool {
        if self.camera().is_none() {
            return false;
        }
        let (w, h) = self.device_size.get().unwrap_or_else(|| {
            let [w, h] = self.frame_size();
            let dpr = self.pixel_ratio();
            (device_pixels(w, dpr), device_pixels(h, dpr))
        });
        if self.canvas.width() == w && self.canvas.height() == h {
            return false;
        }
        self.canvas.set_width(w);
        self.canvas.set_height(h);
        true
    }

    /// Asks for a drawing of a view load's progress: at the next frame, or
    /// later so that progress is drawn at most every `PROGRESS_REDRAW_MS`
    /// (the view load's completion is drawn at once by `pump`).
    fn request_progress_redraw(&self) {
        if self.camera().is_none() || self.progress_timer.get().is_some() {
            return;
        }
        let since = js_sys::Date::now() - self.last_draw.get();
        let delay = progress_redraw_delay(since);
        if delay <= 0.0 {
            self.request_redraw();
            return;
        }
        let timer = self.on_timer.borrow();
        let id = timer.as_ref().and_then(|cb| {
            self.window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.as_ref().unchecked_ref(),
                    delay.ceil() as i32,
                )
                .ok()
        });
        self.progress_timer.set(id);
    }

    /// Gives the core the boxes of the legend and the status line over the
    /// map (CSS pixels from the frame's corner; hidden ones are empty);
    /// returns whether they changed.
    fn measure_panels(&self) -> bool {
        let (Ok(mut view), Ok(mut preview)) =
            (self.view.try_borrow_mut(), self.preview.try_borrow_mut())
        else {
            return false;
        };
        let Some(v) = preview.as_mut().or(view.as_mut()) else {
            return false;
        };
        let f = self.frame.get_bounding_client_rect();
        let boxes: Vec<[f64; 4]> = [&self.legend, &self.status]
            .iter()
            .map(|e| {
                let r = e.get_bounding_client_rect();
                [
                    r.left() - f.left(),
                    r.top() - f.top(),
                    r.right() - f.left(),
                    r.bottom() - f.top(),
                ]
            })
            .collect();
        v.set_panels(&boxes)
    }

    /// The theme's background colour (`--maillage-background`), font family
    /// (`--maillage-font`) and fill opacity (`--maillage-fill-opacity`, empty
    /// when unset), as computed.
    fn theme(&self) -> (String, String, String) {
        let style = self.window.get_computed_style(&self.frame).ok().flatten();
        let property = |name: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .filter(|s| !s.trim().is_empty())
        };
        (
            property("background-color").unwrap_or_else(|| DEFAULT_BACKGROUND.to_owned()),
            property("font-family").unwrap_or_else(|| "sans-serif".to_owned()),
            property("--maillage-fill-opacity").unwrap_or_default(),
        )
    }

    /// Device pixels per CSS pixel (at least 1).
    fn pixel_ratio(&self) -> f64 {
        self.window.device_pixel_ratio().max(1.0)
    }

    /// Asks for a redraw at the next animation frame (one pending at most).
    fn request_redraw(&self) {
        if self.frame_request.get().is_some() {
            return;
        }
        let on_frame = self.on_frame.borrow();
        if let Some(cb) = on_frame.as_ref() {
            if let Ok(id) = self
                .window
                .request_animation_frame(cb.as_ref().unchecked_ref())
            {
                self.frame_request.set(Some(id));
            }
        }
    }

    /// Clears the canvas to the theme background (`--maillage-background`),
    /// then draws the basemap's tiles and the choropleth, its fills at
    /// `--maillage-fill-opacity` (the legend's swatches too), names in the
    /// theme font (`--maillage-font`).
    fn draw(&self) {
        // Every drawing passes here (frames, and a resize's at once).
        if self.hold.get() {
            return;
        }
        self.fit_canvas();
        let (background, family, fill_opacity) = self.theme();
        let (w, h) = (
            f64::from(self.canvas.width()),
            f64::from(self.canvas.height()),
        );
        self.ctx.clear_rect(0.0, 0.0, w, h);
        self.ctx.set_fill_style_str(&background);
        self.ctx.fill_rect(0.0, 0.0, w, h);
        self.draw_map(w, &family, &fill_opacity);
        #[cfg(feature = "places")]
        self.refresh_place_list();
    }

    /// Draws the map (or its preview) on the cleared canvas, `w` device
    /// pixels wide, names in font `family`, fills at `fill_opacity`.
    fn draw_map(&self, w: f64, family: &str, fill_opacity: &str) {
        let mut view = self.view.borrow_mut();
        let mut preview = self.preview.borrow_mut();
        // A preview's whole detail drawn: the overview may come, once this
        // frame is on screen. Opened now, the overview's requests would be
        // set up between this drawing and its paint (the futures run at the
        // microtask checkpoint after this callback).
        let complete = preview
            .as_ref()
            .and_then(|p| p.stream.as_ref())
            .is_some_and(|l| l.progress().is_none());
        if complete {
            self.open_preview_gate_after_paint();
        }
        if let Some(v) = preview.as_mut().or(view.as_mut()) {
            if !self.dressed.get() {
                self.dress(v);
            }
            let css_width = f64::from(self.frame.client_width()).max(1.0);
            let dpr = w / css_width;
            let shift = self.snapshot_camera.get().and_then(|c| v.shift_from(&c));
            if let (Some([dx, dy]), Some((snapshot, _))) = (shift, &self.snapshot) {
                let _ = self
                    .ctx
                    .draw_image_with_html_canvas_element(snapshot, dx * dpr, dy * dpr);
                self.shifted.set(true);
                return;
            }
            if let Some(tiles) = v.tiles() {
                self.load_tiles(&tiles);
                render::tiles(&self.ctx, &tiles.draw, &self.tiles.borrow(), dpr);
            }
            v.set_fill_opacity(fill_opacity);
            let opacity = crate::share::fixed(v.fill_opacity(), 3, '.').unwrap_or_default();
            let _ = self.legend.style().set_property("--fill", &opacity);
            let frame = v.frame();
            render::replay(&self.ctx, &frame, dpr, family);
            *self.last_frame.borrow_mut() = frame;
            self.drawn.set(Some(v.camera));
            self.last_draw.set(js_sys::Date::now());
            self.shifted.set(false);
            if let Some(s) = v.selected.and_then(|i| v.shapes.get(i)) {
                self.canvas
                    .set_attribute("aria-label", &i18n::selected(&s.name, self.lang.get()))
                    .ok();
            }
        }
    }

    /// Copies the canvas (the last full drawing) for a drag to move.
    fn take_snapshot(&self) {
        let Some((snapshot, sctx)) = &self.snapshot else {
            return;
        };
        if self.shifted.get() {
            // The canvas shows a moved copy: keep the copy it was made from.
            return;
        }
        let (w, h) = (self.canvas.width(), self.canvas.height());
        if snapshot.width() != w || snapshot.height() != h {
            snapshot.set_width(w);
            snapshot.set_height(h);
        }
        sctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
        let _ = sctx.draw_image_with_html_canvas_element(&self.canvas, 0.0, 0.0);
        self.snapshot_camera.set(self.drawn.get());
    }

    /// Forgets the images the core drops (stopping those still loading) and
    /// starts the loads it asks for, each reporting back from a task.
    fn load_tiles(&self, frame: &TileFrame) {
        let mut tiles = self.tiles.borrow_mut();
        for tile in &frame.drop {
            if let Some(i) = tiles.iter().position(|(t, _)| t == tile) {
                let _ = tiles.swap_remove(i).1.remove_attribute("src");
            }
        }
        for (tile, url) in &frame.fetch {
            let Ok(image) = HtmlImageElement::new() else {
                continue;
            };
            // A CORS image keeps the canvas readable (tests, PNG export).
            image.set_cross_origin(Some("anonymous"));
            image.set_src(url);
            tiles.push((*tile, image.clone()));
            let (weak, tile) = (self.me.clone(), *tile);
            spawn_local(async move {
                let ok = JsFuture::from(image.decode()).await.is_ok();
                let Some(inner) = weak.upgrade() else { return };
                // Dropped meanwhile (or replaced by a new map): not ours any more.
                if !inner.tiles.borrow().contains(&(tile, image)) {
                    return;
                }
                if let Some(v) = inner.view.borrow_mut().as_mut() {
                    v.tile_done(tile, ok);
                }
                inner.request_redraw();
            });
        }
    }

    /// Stops and forgets every basemap image.
    fn forget_tiles(&self) {
        for (_, image) in self.tiles.borrow_mut().drain(..) {
            let _ = image.remove_attribute("src");
        }
    }

    /// Tells the core the camera moved; when it starts a new view load, the
    /// previous one's fetches are aborted and a [`pump`] reads the new one.
    fn view_changed(&self) {
        let started = self
            .view
            .borrow_mut()
            .as_mut()
            .and_then(MapView::sync_stream);
        if let Some(view) = started {
            self.start_pump(view, js_sys::Date::now());
        }
    }

    /// Starts reading view load `view` (begun at `started`), aborting the
    /// previous one's fetches.
    fn start_pump(&self, view: u64, started: f64) {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(old) = self.stream_abort.replace(controller) {
            old.abort();
        }
        self.stream_error.borrow_mut().take();
        let Some(signal) = signal else { return };
        let task = Pump {
            inner: self.me.clone(),
            generation: self.generation.get(),
            view,
            signal,
            manifest_url: self.manifest_url.borrow().clone(),
            started,
        };
        let task = Rc::new(task);
        // Later, not from inside this call: the view may still be borrowed.
        spawn_local(async move { pump(&task) });
    }

    /// With a `view` attribute, or a territory whose box the manifest gives
    /// (`Plan::early_camera`), the detailed level it needs starts loading
    /// now, beside the overview (which the classes need): the first
    /// complete paint waits for the slower of the two, not for both in turn.
    /// Returns the promise the overview's decoding waits for (see
    /// `early_gate`), if an early load started.
    fn start_early(&self, opened: &Opened) -> Option<js_sys::Promise> {
        *self.manifest_url.borrow_mut() = opened.manifest_url.clone();
        let camera = opened.plan.early_camera(|| self.frame_size())?;
        let mut loads = Loads::for_plan(&opened.manifest, &opened.plan, 0);
        let view = loads.set_view(&camera)?;
        // At the overview level there is nothing to read ahead.
        loads.progress()?;
        *self.early.borrow_mut() = Some(loads);
        let gate = gate(&self.early_gate);
        self.start_pump(view, self.load_started.get());
        Some(gate)
    }

    /// On a page not scoped to a territory, reads the drawn field's column
    /// of the layer's values file (5 KB for the EPCIs), beside the
    /// overview: the early load is then classed and drawn without waiting
    /// for the national overview (1.4 MB for the communes). Without the
    /// file, or if it fails, the map waits for the overview as before.
    /// A page scoped to départements needs neither: its map is built from
    /// the early load alone (`Plan::map_from_detail`), unless it shows
    /// places with another field than the illectronism rate, which their
    /// summaries read from the overview.
    /// Returns the promise the overview's reading waits for (see
    /// `preview_gate`), if the column is being read or the map is built
    /// from its detail.
    fn start_preview(&self, opened: &Opened, signal: &AbortSignal) -> Option<js_sys::Promise> {
        let plan = &opened.plan;
        if plan.map_from_detail() && !opened.needs_illectronism() {
            self.from_detail.set(true);
            return Some(gate(&self.preview_gate));
        }
        let (path, column) = plan.values.clone().filter(|_| plan.territory.is_none())?;
        let url = resolve(&path, Some(&opened.manifest_url)).ok()?;
        let (plan, lang, signal) = (plan.clone(), opened.lang, signal.clone());
        let (weak, generation) = (self.me.clone(), self.generation.get());
        spawn_local(async move {
            let values = match values::column_range(&column) {
                Ok((start, end)) if start < end => {
                    let range = ByteRange {
                        start,
                        end: Some(end),
                    };
                    fetch::fetch_range(&url, range, &signal)
                        .await
                        .map_err(|e| e.to_string())
                }
                Ok(_) => Ok(Vec::new()),
                Err(e) => Err(e.to_string()),
            }
            .and_then(|b| values::decode(&b, &column).map_err(|e| e.to_string()));
            let Some(inner) = weak.upgrade().filter(|i| i.generation.get() == generation) else {
                return;
            };
            let searching = inner.early.borrow().as_ref().is_some_and(Loads::searching);
            match values {
                Ok(values) if searching => {
                    *inner.pending_preview.borrow_mut() = Some((plan, lang, values));
                }
                Ok(values) => inner.show_preview(&plan, lang, &values),
                Err(_) if signal.aborted() => {}
                Err(why) => {
                    let message = i18n::about_file(&path, &why, lang);
                    web_sys::console::warn_1(&JsValue::from_str(&format!("maillage: {message}")));
                    // Without a preview, the overview is read at once.
                    inner.open_preview_gate();
                }
            }
        });
        Some(gate(&self.preview_gate))
    }

    /// The camera of the map, or of its preview.
    fn camera(&self) -> Option<Camera> {
        let view = self.view.borrow();
        let preview = self.preview.borrow();
        preview.as_ref().or(view.as_ref()).map(|v| v.camera)
    }

    /// Lets the overview be read (see `preview_gate`).
    fn open_preview_gate(&self) {
        open_gate(&self.preview_gate);
    }

    /// Lets the overview be read from a task queued now: during a frame's
    /// callbacks, that is after the frame is painted.
    fn open_preview_gate_after_paint(&self) {
        let Some(resolve) = self.preview_gate.take() else {
            return;
        };
        let queued = self
            .window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        if queued.is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }

    /// The element's size in CSS pixels (lays the page out if needed).
    fn frame_size(&self) -> [f64; 2] {
        [
            f64::from(self.frame.client_width()),
            f64::from(self.frame.client_height()),
        ]
    }

    /// Builds the preview map from every feature's value and gives it the
    /// early load (reported once complete). If no preview can be made
    /// (the map is already built, or the values classify to an error), the
    /// overview is read at once.
    fn show_preview(&self, plan: &Plan, lang: Lang, values: &[Option<f64>]) {
        let size = self.frame_size();
        let view = MapView::preview(plan, values, size, lang).ok();
        let early = view.as_ref().and_then(|_| self.early.borrow_mut().take());
        let (Some(mut view), Some(early)) = (view, early) else {
            self.open_preview_gate();
            return;
        };
        view.choropleth.patterns = self.patterns.get();
        view.resize(size[0], size[1], self.pixel_ratio());
        view.stream = Some(early);
        // No names, so no text calibration nor panels to avoid; the legend
        // comes with the first drawing (see `draw_map`), so that the page
        // lays nothing out while the detail is read.
        *self.preview.borrow_mut() = Some(view);
        // An early load over before the file came: drawn and reported now.
        let report = self
            .preview
            .borrow_mut()
            .as_mut()
            .and_then(|v| v.stream.as_mut())
            .filter(|l| l.progress().is_none())
            .and_then(Loads::take_report);
        match report {
            Some(r) => {
                self.request_redraw();
                self.rendered(&r, self.load_started.get());
            }
            None => self.hold_first_drawing(),
        }
    }

    /// The first drawing of a map (or preview) whose early load is under
    /// way waits for the detail, or at most a progress interval (see
    /// `hold`).
    fn hold_first_drawing(&self) {
        self.hold.set(true);
        self.last_draw.set(js_sys::Date::now());
        self.request_progress_redraw();
    }

    /// Runs `f` on the stream of the current view load `view`, if still
    /// current: the map's, or the early one before the map is built.
    fn with_stream<T>(&self, task: &Pump, f: impl FnOnce(&mut Loads) -> T) -> Option<T> {
        if self.generation.get() != task.generation {
            return None;
        }
        let mut view = self.view.borrow_mut();
        let mut preview = self.preview.borrow_mut();
        let mut early = self.early.borrow_mut();
        // The current load's early one, until its preview or its map takes
        // it: an element loading again (a new field) still shows its
        // previous map meanwhile, whose loads are not this task's.
        let loads = match (early.as_mut(), preview.as_mut(), view.as_mut()) {
            (Some(e), _, _) => e,
            (None, Some(v), _) | (None, None, Some(v)) => v.stream.as_mut()?,
            (None, None, None) => return None,
        };
        (loads.view() == task.view).then(|| f(loads))
    }

    /// The status line during and after a view load.
    fn stream_status(&self, task: &Pump) {
        let progress = self.with_stream(task, |l| (l.progress(), l.level()));
        match progress {
            Some((Some(p), _)) => {
                let text = i18n::progress(p.done, p.total, self.lang.get());
                self.set_status("loading", &text);
            }
            // The detail of a `view` attribute is in, the map not built yet.
            Some((None, _))
                if (self.view.borrow().is_none() || self.early.borrow().is_some())
                    && self.stream_error.borrow().is_none()
                    && self.base_error.borrow().is_none() =>
            {
                self.set_status("loading", i18n::text(Text::Loading, self.lang.get()));
            }
            Some((None, level)) => self.settled_status(&level),
            None => {}
        }
    }

    /// The status line once a view load is over: what failed, if anything
    /// (the detail, else the base outlines), or what the map shows.
    fn settled_status(&self, level: &str) {
        if let Some(why) = self.stream_error.borrow().as_deref() {
            let prefix = i18n::text(Text::DetailUnavailable, self.lang.get());
            self.set_status("error", &format!("{prefix}{why}"));
        } else if let Some(why) = self.base_error.borrow().as_deref() {
            self.set_status("error", why);
        } else {
            self.show_level(level);
        }
    }

    /// The status line of a built map whose view load is over: what it
    /// read, and the level it shows.
    fn show_level(&self, level: &str) {
        let mut text = self.ready_text.borrow().clone();
        if level != "overview" {
            text = format!("{text} · {}", i18n::level_label(level, self.lang.get()));
        }
        self.set_status("ready", &text);
    }

    /// `maillage:render` for a completed view load.
    fn rendered(&self, report: &Report, started: f64) {
        let detail = events::detail(&[
            ("features", JsValue::from(report.features as f64)),
            ("bytes", JsValue::from(report.bytes as f64)),
            ("requests", JsValue::from(report.requests)),
            (
                "ms",
                JsValue::from((js_sys::Date::now() - started).max(0.0)),
            ),
            ("level", JsValue::from_str(&report.level)),
            ("file", JsValue::from_str(&report.file)),
            ("failed", JsValue::from_bool(report.failed)),
            (
                "error",
                report
                    .error
                    .as_ref()
                    .map_or(JsValue::NULL, |e| JsValue::from_str(&e.to_string())),
            ),
        ]);
        events::dispatch(&self.host, RENDER, &detail);
        // A settled view goes into a shared link.
        #[cfg(feature = "places")]
        self.write_fragment();
    }

    /// Sets the status line's text (as text, never HTML) and state; an
    /// error shows the retry button.
    fn set_status(&self, state: &str, text: &str) {
        self.status.set_text_content(Some(text));
        let _ = self.status.set_attribute("data-state", state);
        self.retry.set_hidden(state != "error");
    }

    /// The retry button: a map that did not load loads again; a loaded map
    /// asks again for what failed (detailed levels, places, zones) and keeps
    /// its view.
    fn retry(&self) {
        let Some(this) = self.me.upgrade() else {
            return;
        };
        let loaded = self.view.borrow_mut().as_mut().map(|v| {
            if let Some(s) = v.stream.as_mut() {
                s.retry_failed();
            }
        });
        if loaded.is_none() || self.base_error.borrow().is_some() {
            return Inner::load(&this);
        }
        let text = self.ready_text.borrow().clone();
        self.set_status("ready", &text);
        #[cfg(feature = "places")]
        self.retry_places();
        self.view_changed();
    }

    /// Releases everything registered with the browser; pending tasks stop.
    fn shutdown(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        let controller = self.abort.borrow_mut().take();
        if let Some(c) = controller {
            c.abort();
        }
        if let Some(c) = self.stream_abort.borrow_mut().take() {
            c.abort();
        }
        let resize = self.resize.borrow_mut().take();
        if let Some((observer, _callback)) = resize {
            observer.disconnect();
        }
        if let Some(id) = self.frame_request.take() {
            let _ = self.window.cancel_animation_frame(id);
        }
        if let Some(id) = self.progress_timer.take() {
            self.window.clear_timeout_with_handle(id);
        }
        let on_timer = self.on_timer.borrow_mut().take();
        drop(on_timer);
        let on_frame = self.on_frame.borrow_mut().take();
        drop(on_frame);
        for (target, name, cb) in self.listeners.borrow_mut().drain(..) {
            let _ = target.remove_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        }
        self.forget_tiles();
    }
}

/// One view load's reading task.
struct Pump {
    inner: Weak<Inner>,
    /// The map load it belongs to.
    generation: u32,
    /// The view load it reads.
    view: u64,
    signal: AbortSignal,
    manifest_url: String,
    /// `Date.now()` when the view load started.
    started: f64,
}

/// Reads one view load: starts the fetches the core hands out (at most
/// [`MAX_IN_FLIGHT`] under way, one task each); every answer is fed back as
/// it arrives, in any order, the map is redrawn and `pump` runs again, until
/// the core has nothing more to ask and nothing under way. Stops as soon as
/// the view load is no longer current (aborted fetches end it too).
fn pump(task: &Rc<Pump>) {
    let Some(inner) = task.inner.upgrade() else {
        return;
    };
    let Some((fetches, busy)) = inner.with_stream(task, |l| {
        let fetches = l.next_fetches(MAX_IN_FLIGHT);
        (fetches, l.in_flight())
    }) else {
        return;
    };
    inner.stream_status(task);
    if busy == 0 {
        inner.hold.set(false);
        inner.request_redraw();
        if inner.early.borrow().is_some() {
            // An early load: `finish` reports it once the map is built,
            // from it alone on a page scoped to départements.
            if inner.from_detail.get() {
                inner.open_preview_gate();
            }
            return;
        }
        if let Some(r) = inner.with_stream(task, Loads::take_report).flatten() {
            inner.rendered(&r, task.started);
        }
        return;
    }
    for fetch in fetches {
        spawn_local(read(task.clone(), fetch));
    }
}

/// Fetches one range of a view load, feeds it to the core, redraws, and
/// lets [`pump`] start what may follow.
async fn read(task: Rc<Pump>, fetch: Fetch) {
    let result = match resolve(&fetch.path, Some(&task.manifest_url)) {
        Ok(url) => fetch::fetch_range(&url, fetch.range, &task.signal).await,
        Err(e) => {
            let lang = task.inner.upgrade().map_or(Lang::Fr, |i| i.lang.get());
            Err(FetchError::Network(e.message(lang)))
        }
    };
    let Some(inner) = task.inner.upgrade() else {
        return;
    };
    let lang = inner.lang.get();
    let outcome = inner.with_stream(&task, |l| match result {
        Ok(bytes) => l.feed(&fetch, &bytes).map_err(|e| {
            (
                "bad-layer",
                i18n::layer_invalid(&e.path, &e.error.to_string(), lang),
            )
        }),
        Err(FetchError::Aborted) => Ok(Fed::Stale),
        Err(e) => {
            l.fail(&fetch);
            let message = LoadError::Layer {
                path: fetch.path.clone(),
                error: e.clone(),
            }
            .message(lang);
            Err((e.kind(), message))
        }
    });
    match outcome {
        None | Some(Ok(Fed::Stale)) => return,
        Some(Ok(Fed::Taken { .. })) => inner.request_progress_redraw(),
        Some(Err((kind, message))) => {
            // The map keeps what it has; say why some detail is missing.
            web_sys::console::warn_1(&JsValue::from_str(&format!("maillage: {message}")));
            inner
                .stream_error
                .borrow_mut()
                .get_or_insert(message.clone());
            events::dispatch_error(&inner.host, kind, &message);
        }
    }
    drop(inner);
    pump(&task);
    // The early load's ranges are on their way (or it is over): the
    // overview may take the main thread.
    let Some(inner) = task.inner.upgrade() else {
        return;
    };
    if inner.with_stream(&task, |l| l.searching()) != Some(true) {
        open_gate(&inner.early_gate);
        // Built in a task of its own, after those that send the ranges.
        let pending = inner.pending_preview.borrow_mut().take();
        if let Some((plan, lang, values)) = pending {
            let (weak, generation) = (task.inner.clone(), task.generation);
            spawn_local(async move {
                if let Some(inner) = weak.upgrade().filter(|i| i.generation.get() == generation) {
                    inner.show_preview(&plan, lang, &values);
                }
            });
        }
    }
}

/// What a successful load found.
struct Summary {
    layers: usize,
    range_bytes: usize,
    lang: Lang,
    plan: Plan,
    shapes: Vec<Shape>,
    outlines: Vec<Shape>,
    /// Why the outlines could not be read (the map is drawn without them).
    outline_error: Option<LoadError>,
    /// Detailed levels, streamed by range as the view zooms in.
    loads: Option<Loads>,
    manifest_url: String,
    /// The places to read after the first paint, if the page shows them.
    #[cfg_attr(not(feature = "places"), allow(dead_code))]
    places: Option<PlacesPlan>,
    /// The zones to read after the first paint, if the page shows them.
    #[cfg(feature = "places")]
    zones: Option<ZonesPlan>,
    /// The drawn layers' credits, for the exported picture.
    #[cfg(feature = "places")]
    credits: String,
    /// Each EPCI's illectronism rate, when another field is drawn.
    #[cfg(feature = "places")]
    illectronism: std::collections::HashMap<String, f64>,
}

impl Summary {
    /// What the map of `o` is built from: these shapes and outlines (the
    /// illectronism rates, when read beside, are set after).
    fn of(
        o: Opened,
        range_bytes: usize,
        shapes: Vec<Shape>,
        outlines: Vec<Shape>,
        outline_error: Option<LoadError>,
    ) -> Summary {
        Summary {
            layers: o.manifest.layers.len(),
            range_bytes,
            lang: o.lang,
            loads: Some(Loads::for_plan(&o.manifest, &o.plan, shapes.len())),
            plan: o.plan,
            shapes,
            outlines,
            outline_error,
            manifest_url: o.manifest_url,
            places: o.places,
            #[cfg(feature = "places")]
            zones: o.zones,
            #[cfg(feature = "places")]
            credits: o.credits,
            #[cfg(feature = "places")]
            illectronism: std::collections::HashMap::new(),
        }
    }
}

/// The manifest, read, and the plan made from it and the attributes.
struct Opened {
    manifest: Manifest,
    manifest_url: String,
    plan: Plan,
    lang: Lang,
    places: Option<PlacesPlan>,
    #[cfg(feature = "places")]
    zones: Option<ZonesPlan>,
    #[cfg(feature = "places")]
    credits: String,
}

impl Opened {
    /// Whether the places' summaries need each EPCI's illectronism rate
    /// beside the drawn field: the overview's decoding reads it, so such a
    /// map is not built from its detail alone.
    fn needs_illectronism(&self) -> bool {
        #[cfg(feature = "places")]
        return self.places.is_some() && self.plan.field != ILLECTRONISM;
        #[cfg(not(feature = "places"))]
        false
    }
}

/// How long a map without a `manifest` waits for one before saying it is
/// missing, milliseconds.
const MANIFEST_GRACE_MS: u32 = 100;

/// Reads the manifest and makes the plan (a bad attribute fails here,
/// before any layer is read).
async fn open(
    manifest_attr: Option<String>,
    attributes: &Attributes,
    places: &PlacesAttributes,
    base: Option<String>,
    prefetched: Option<js_sys::Function>,
    signal: &AbortSignal,
) -> Result<Opened, LoadError> {
    let Some(attr) = manifest_attr.filter(|s| !s.trim().is_empty()) else {
        // A page's script or framework may give it just after inserting
        // the element (a microtask, a timer, the next frame): the load
        // that starts then replaces this one, and no error shows.
        if let Some(window) = web_sys::window() {
            let _ = JsFuture::from(fetch::timer(&window, MANIFEST_GRACE_MS)).await;
        }
        return Err(LoadError::MissingManifest);
    };
    let manifest_url = resolve(&attr, base.as_deref())?;
    let early = prefetched
        .and_then(|f| {
            f.call1(&JsValue::NULL, &JsValue::from_str(&manifest_url))
                .ok()
        })
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let early = match early {
        Some(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
        None => None,
    };
    // Without an early text (none, or it failed), fetch it: a failure then
    // says why.
    let text = match early {
        Some(t) => t,
        None => fetch::fetch_text(&manifest_url, signal)
            .await
            .map_err(LoadError::Manifest)?,
    };
    let manifest = Manifest::from_json(&text).map_err(|e| LoadError::BadManifest(e.to_string()))?;
    if manifest.format != MANIFEST_FORMAT {
        return Err(LoadError::BadManifest(i18n::manifest_format(
            manifest.format,
            MANIFEST_FORMAT,
            Lang::from_tag(attributes.lang.as_deref().unwrap_or("")),
        )));
    }
    let (plan, lang) = Plan::from_attributes(&manifest, attributes).map_err(LoadError::Plan)?;
    #[cfg(feature = "places")]
    let zones = match places.zones.as_deref().map(str::trim) {
        None | Some("off") => None,
        Some(_) => Some(ZonesPlan::new(&manifest, lang).ok_or_else(|| {
            LoadError::Plan(PlanError::BadAttribute(
                i18n::text(Text::NoZonesLayer, lang).into(),
            ))
        })?),
    };
    // A hub's own network of places (`network-manifest`): its manifest is
    // read now, so that a wrong address or file is said like a bad attribute.
    #[cfg(feature = "places")]
    let hub = match places.network_manifest.as_deref() {
        Some(address) if places.sites.as_deref().map(str::trim) != Some("off") => {
            let bad = |why: String| {
                let address = crate::map::describe::cut(address, 80);
                LoadError::Plan(PlanError::BadAttribute(i18n::attribute_why(
                    "network-manifest",
                    &address,
                    &why,
                    lang,
                )))
            };
            let url = resolve(address.trim(), base.as_deref())?;
            let text = fetch::fetch_text(&url, signal)
                .await
                .map_err(|e| bad(i18n::fetch_error(&e, lang)))?;
            Some((
                url,
                Manifest::from_json(&text).map_err(|e| bad(e.to_string()))?,
            ))
        }
        _ => None,
    };
    #[cfg(feature = "places")]
    let mut places = PlacesPlan::new(&manifest, hub.as_ref().map(|h| &h.1), places, lang)
        .map_err(|e| LoadError::Plan(PlanError::BadAttribute(e)))?;
    #[cfg(feature = "places")]
    if let (Some(p), Some((url, _))) = (places.as_mut(), hub.as_ref()) {
        p.table_path = resolve(&p.table_path, Some(url))?;
        p.full_path = resolve(&p.full_path, Some(url))?;
    }
    #[cfg(feature = "places")]
    let credits = {
        let choropleth = manifest
            .layer_with_overview(&plan.layer_path)
            .map_or("", |l| l.id.as_str());
        let mut ids = vec![choropleth, "departements"];
        ids.extend(zones.as_ref().map(|z| z.layer.id.as_str()));
        match &hub {
            Some((_, h)) => {
                let own = h.credits(&["sites"]);
                let own = own.trim_start_matches("Sources : ");
                format!("{} · {own}", manifest.credits(&ids))
            }
            None => {
                ids.extend(places.as_ref().map(|_| "sites"));
                manifest.credits(&ids)
            }
        }
    };
    // The module without places ignores `sites` (www/maillage.js loads the
    // other one on pages that show places).
    #[cfg(not(feature = "places"))]
    let places: Option<PlacesPlan> = {
        let _ = places;
        None
    };
    Ok(Opened {
        manifest,
        manifest_url,
        plan,
        lang,
        places,
        #[cfg(feature = "places")]
        zones,
        #[cfg(feature = "places")]
        credits,
    })
}

/// A promise that `open_gate(resolver)` resolves: a load waits on it for
/// another to reach a point (see `Inner::early_gate`, `Inner::preview_gate`).
fn gate(resolver: &RefCell<Option<js_sys::Function>>) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        resolver.replace(Some(resolve));
    })
}

/// Resolves the promise of `gate(resolver)`, if not yet.
fn open_gate(resolver: &RefCell<Option<js_sys::Function>>) {
    if let Some(resolve) = resolver.take() {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

/// Waits for `gate` (if any) to open, `ms` milliseconds at most.
async fn wait_at_most(gate: Option<js_sys::Promise>, ms: u32) {
    if let (Some(gate), Some(window)) = (gate, web_sys::window()) {
        let timer = fetch::timer(&window, ms);
        let _ = JsFuture::from(js_sys::Promise::race(&js_sys::Array::of2(&gate, &timer))).await;
    }
}

/// Reads the overviews (choropleth and outlines) whole and, at the same
/// time, the first bytes of the first layer file, which prove that the
/// server answers range requests before any view needs them.
async fn read_layers(
    o: Opened,
    preview: Option<js_sys::Promise>,
    gate: Option<js_sys::Promise>,
    detail: Option<&dyn Fn() -> Early>,
    signal: &AbortSignal,
) -> Result<Summary, LoadError> {
    // A preview's detail goes first, then the overview (see `preview_gate`).
    wait_at_most(preview.clone(), PREVIEW_WAIT_MS).await;
    // Built from the early load's detail, the map needs no overview (nor
    // the probe: those reads were range requests). A load still reading
    // (a slow link) is waited for: the overview would only share the
    // link. One whose choropleth has no answer yet may be failing (each
    // request is tried four times over 7.5 s): the overview is read
    // meanwhile.
    if let Some(early) = detail {
        let mut state = early();
        if matches!(state, Early::Reading) {
            wait_at_most(preview, DETAIL_WAIT_MS).await;
            state = early();
        }
        if let Early::Complete(shapes, outlines, range_bytes) = state {
            return Ok(Summary::of(o, range_bytes, shapes, outlines, None));
        }
    }
    let url_of = |path: &str| resolve(path, Some(&o.manifest_url));
    let probe = async {
        let Some(file) = o.manifest.layers.first().and_then(|l| l.files.first()) else {
            return Ok(0);
        };
        let range = ByteRange {
            start: 0,
            end: Some(PROBE_BYTES),
        };
        fetch::read_range(&url_of(&file.path)?, range, signal, false)
            .await
            .map(|b| b.len())
            .map_err(|error| LoadError::Layer {
                path: file.path.clone(),
                error,
            })
    };
    let read = |path: String| async move {
        let bytes = fetch::fetch_bytes(&url_of(&path)?, signal)
            .await
            .map_err(|error| LoadError::Layer {
                path: path.clone(),
                error,
            })?;
        Ok::<_, LoadError>((path, bytes))
    };
    let outline = async {
        match o.plan.outline_path.clone() {
            Some(p) => read(p).await.map(Some),
            None => Ok(None),
        }
    };
    let plan = &o.plan;
    // Without an early load to go first (below), the layer is decoded as
    // its bytes arrive, while the main thread would wait for the rest.
    let streamed = gate.is_none();
    let mut decoder = FileShapes::new(&plan.code_field, &plan.name_field, &plan.field);
    // With places, the summaries say the illectronism rate whatever the
    // drawn field: read in the same pass (absent outside the file's
    // columns: then nothing is said).
    #[cfg(feature = "places")]
    if o.needs_illectronism() {
        decoder = decoder.also(ILLECTRONISM);
    }
    let layer = async {
        let path = plan.layer_path.clone();
        let url = url_of(&path)?;
        let bytes = if streamed {
            // A malformed file's error comes again, and is reported, from
            // `finish`.
            fetch::fetch_bytes_as_they_come(&url, signal, |b| {
                let _ = decoder.feed(b);
            })
            .await
        } else {
            fetch::fetch_bytes(&url, signal).await
        };
        match bytes {
            Ok(bytes) => Ok((path, bytes)),
            Err(error) => Err(LoadError::Layer { path, error }),
        }
    };
    let (probe, layer, outline) = join3(probe, layer, outline).await;
    let range_bytes = probe?;
    let (path, bytes) = layer?;
    // Decoding takes the main thread: the early load's index search goes
    // first, so that its feature ranges leave now (waited for at most
    // `GATE_MS`, whatever happens to that load).
    wait_at_most(gate, GATE_MS).await;
    #[cfg(not(feature = "places"))]
    let (_, shapes) = decoder
        .finish(&bytes)
        .map_err(|e| LoadError::BadLayer(path.clone(), e.to_string()))?;
    #[cfg(feature = "places")]
    let (_, shapes, illectronism) = decoder
        .finish_with_also(&bytes)
        .map_err(|e| LoadError::BadLayer(path.clone(), e.to_string()))?;
    // The base outlines are a layer of their own: without them the map is
    // drawn, and says what is missing.
    let outlines = outline.and_then(|o| {
        o.map(|(path, bytes)| {
            shapes_from_file(&bytes, "code", "name", "")
                .map(|(_, s)| s)
                .map_err(|e| LoadError::BadLayer(path, e.to_string()))
        })
        .transpose()
    });
    let (outlines, outline_error) = match outlines {
        Ok(s) => (s.unwrap_or_default(), None),
        Err(e) if e.is_aborted() => return Err(e),
        Err(e) => (Vec::new(), Some(e)),
    };
    #[cfg_attr(not(feature = "places"), allow(unused_mut))]
    let mut summary = Summary::of(o, range_bytes, shapes, outlines, outline_error);
    #[cfg(feature = "places")]
    {
        summary.illectronism = illectronism;
    }
    Ok(summary)
}

/// Runs three futures at once (the fetches they start overlap) and returns
/// their three outputs.
async fn join3<A: Future, B: Future, C: Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    let (mut a, mut b, mut c) = (pin!(a), pin!(b), pin!(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    poll_fn(move |cx| {
        fill(a.as_mut(), &mut ra, cx);
        fill(b.as_mut(), &mut rb, cx);
        fill(c.as_mut(), &mut rc, cx);
        match (ra.take(), rb.take(), rc.take()) {
            (Some(x), Some(y), Some(z)) => Poll::Ready((x, y, z)),
            (x, y, z) => {
                (ra, rb, rc) = (x, y, z);
                Poll::Pending
            }
        }
    })
    .await
}

/// Polls `f` into `slot` unless it already finished.
fn fill<F: Future>(
    f: std::pin::Pin<&mut F>,
    slot: &mut Option<F::Output>,
    cx: &mut std::task::Context<'_>,
) {
    if slot.is_none() {
        if let Poll::Ready(v) = f.poll(cx) {
            *slot = Some(v);
        }
    }
}

/// Absolute URL of `reference` against `base` (the page, or the manifest).
fn resolve(reference: &str, base: Option<&str>) -> Result<String, LoadError> {
    let url = match base {
        Some(b) => web_sys::Url::new_with_base(reference, b),
        None => web_sys::Url::new(reference),
    };
    url.map(|u| u.href())
        .map_err(|_| LoadError::BadUrl(reference.to_owned()))
}

/// CSS pixels to whole device pixels (at least 1).
fn device_pixels(css: f64, dpr: f64) -> u32 {
    let px = (css * dpr).round();
    if px.is_finite() && px >= 1.0 {
        px.min(f64::from(u32::MAX)) as u32
    } else {
        1
    }
}

/// Shows `section` if hidden, hides it otherwise, and says so on its
/// toggle `button` (`aria-expanded`, and its text: `texts` is (show, hide)).
fn toggle_section(section: &HtmlElement, button: &HtmlElement, texts: (Text, Text), lang: Lang) {
    let open = section.hidden();
    section.set_hidden(!open);
    let _ = button.set_attribute("aria-expanded", if open { "true" } else { "false" });
    let t = if open { texts.1 } else { texts.0 };
    button.set_text_content(Some(i18n::text(t, lang)));
}

/// A failed fetch in words, `None` when it was cancelled (nothing to say).
#[cfg(feature = "places")]
fn fetch_why(e: &FetchError, lang: Lang) -> Option<String> {
    (*e != FetchError::Aborted).then(|| i18n::fetch_error(e, lang))
}

/// The input an event came from, if it carries the attribute `marker`
/// (the legend's checkboxes: `data-patterns`, `data-zones`).
fn checkbox(e: &web_sys::Event, marker: &str) -> Option<web_sys::HtmlInputElement> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter(|i| i.has_attribute(marker))
}

/// Why a load failed.
#[derive(Debug)]
enum LoadError {
    /// No `manifest` attribute.
    MissingManifest,
    /// An address that does not parse.
    BadUrl(String),
    /// The manifest could not be fetched.
    Manifest(FetchError),
    /// The manifest is not valid JSON of the expected format.
    BadManifest(String),
    /// A layer file could not be read.
    Layer { path: String, error: FetchError },
    /// A layer file was read but is not valid FlatGeobuf.
    BadLayer(String, String),
    /// The attributes or the manifest do not give a drawable layer.
    Plan(PlanError),
    /// A fetch failed outside the two cases above.
    Fetch(FetchError),
}

impl LoadError {
    /// The `kind` of the `maillage:error` event.
    fn kind(&self) -> &'static str {
        match self {
            LoadError::MissingManifest => "missing-manifest",
            LoadError::BadUrl(_) => "bad-url",
            LoadError::BadManifest(_) => "bad-manifest",
            LoadError::BadLayer(..) => "bad-layer",
            LoadError::Plan(_) => "bad-attribute",
            LoadError::Manifest(e) | LoadError::Layer { error: e, .. } | LoadError::Fetch(e) => {
                e.kind()
            }
        }
    }

    /// A cancelled load (new attribute, element removed): nothing to show.
    fn is_aborted(&self) -> bool {
        matches!(
            self,
            LoadError::Manifest(FetchError::Aborted)
                | LoadError::Layer {
                    error: FetchError::Aborted,
                    ..
                }
                | LoadError::Fetch(FetchError::Aborted)
        )
    }
}

impl LoadError {
    /// What went wrong, in the widget's language (the technical detail of
    /// a malformed manifest or file is its error type's, in French).
    fn message(&self, lang: Lang) -> String {
        let t = |w: Text| i18n::text(w, lang);
        match self {
            LoadError::MissingManifest => t(Text::NoManifest).to_owned(),
            LoadError::BadUrl(u) => format!("{}{u}", t(Text::BadAddress)),
            LoadError::Manifest(e) => {
                format!("{}{}", t(Text::ManifestFailed), i18n::fetch_error(e, lang))
            }
            LoadError::BadManifest(m) => format!("{}{m}", t(Text::ManifestInvalid)),
            LoadError::Layer { path, error } => {
                i18n::layer_failed(path, &i18n::fetch_error(error, lang), lang)
            }
            LoadError::BadLayer(path, why) => i18n::layer_invalid(path, why, lang),
            LoadError::Plan(e) => e.message(lang),
            LoadError::Fetch(e) => i18n::fetch_error(e, lang),
        }
    }
}
