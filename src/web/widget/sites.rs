//! The places in the element: reading the table and the communes after
//! the first paint, the panel's events (search, "autour de moi", filters,
//! nearest places) and a place's card, read by one range request. Every
//! decision is the core's (`crate::sites`); this only moves events in and
//! text out.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{AbortController, Element};

use super::{fetch_why, resolve, Inner};
use crate::fgb::{header_len, Header, PREFIX_LEN};
use crate::geom::camera::Camera;
use crate::i18n::{
    self,
    places::{place_text, PlaceText},
};
use crate::map::shapes_from_file;
use crate::map::zones::{Zones, ZonesPlan};
use crate::net::ByteRange;
use crate::share::fragment::State;
use crate::sites::communes;
use crate::sites::detail::SiteDetail;
use crate::sites::filter::Filter;
use crate::sites::places::{Origin, Places, PlacesPlan};
use crate::sites::table::SiteTable;
use crate::sites::view::SitesView;
use crate::style::legend::Lang;
use crate::web::{fetch, places, render};

/// Suggestions listed under the search box.
const SUGGESTIONS: usize = 8;

/// The places' part of the element: its panel and what its reads keep.
pub(super) struct PlacesUi {
    /// The panel under the map.
    panel: places::Panel,
    /// A hub's name and logo over the map.
    brand: web_sys::HtmlElement,
    /// Cancels the places' reads (table, communes, cards).
    abort: std::cell::RefCell<Option<AbortController>>,
    /// Cancels the zones' overview read.
    zones_abort: std::cell::RefCell<Option<AbortController>>,
    /// The drawn layers' credits, for the exported picture.
    pub(super) credits: std::cell::RefCell<String>,
    /// The full sites file, whose records the cards read by range.
    full_path: std::cell::RefCell<Option<String>>,
    /// Its header, read once.
    header: std::cell::RefCell<Option<Header>>,
    /// The last card's full record.
    detail: std::cell::RefCell<Option<SiteDetail>>,
    /// The address geocoder (absolute), when the page gives one.
    geocoder: std::cell::RefCell<Option<String>>,
    /// Reads that failed, for the retry button.
    failed: std::cell::RefCell<(Option<ZonesPlan>, Option<PlacesPlan>)>,
    /// What the list of places shows (camera, selected place, filters,
    /// searched point): it is built again only when that changes.
    list_camera: std::cell::RefCell<Option<ListKey>>,
    /// What the reader asked for before the places were in: answered once
    /// they are, instead of lost (on a slow phone the search box comes
    /// seconds before the places and communes it searches).
    pending: std::cell::RefCell<Option<Pending>>,
}

/// See `PlacesUi::pending`.
enum Pending {
    /// Enter in the search box.
    Search,
    /// A position (the device's, an address): the origin of the nearest
    /// places, with its name.
    Origin([f64; 2], String),
}

/// See `PlacesUi::list_camera`.
type ListKey = (Camera, Option<usize>, Filter, Option<[f64; 2]>);

/// Rows of the list of places: enough to read a neighbourhood, few enough
/// to build at every move of the map.
const PLACE_ROWS: usize = 50;

impl PlacesUi {
    /// Finds the panel and the brand header in the shadow root.
    pub(super) fn new(root: &web_sys::ShadowRoot) -> Result<PlacesUi, JsValue> {
        let brand = root
            .query_selector(".brand")?
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            .ok_or_else(|| JsValue::from_str(".brand"))?;
        Ok(PlacesUi {
            panel: places::Panel::find(root)?,
            brand,
            abort: Default::default(),
            zones_abort: Default::default(),
            credits: Default::default(),
            full_path: Default::default(),
            header: Default::default(),
            detail: Default::default(),
            geocoder: Default::default(),
            failed: Default::default(),
            list_camera: Default::default(),
            pending: Default::default(),
        })
    }
}

impl Inner {
    /// Keeps the map's state in the page's URL fragment (attribute
    /// `fragment`): view, drawn field, filters, threshold, searched point
    /// and selection;
    /// `replaceState`, so the back button is not filled with every move.
    pub(super) fn write_fragment(&self) {
        if !self.host.has_attribute("fragment") {
            return;
        }
        let hash = {
            let view = self.view.borrow();
            let Some(v) = view.as_ref() else { return };
            let Some(p) = v.places.as_ref() else { return };
            let mut s = p.state();
            let [lon, lat] = v.camera.center();
            s.view = Some([lon, lat, v.camera.zoom().get()]);
            if s.selection.is_none() {
                s.selection = v.selected_code().map(|c| format!("epci:{c}"));
            }
            s.field = Some(v.field.clone());
            s.encode()
        };
        if let Ok(h) = self.window.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{hash}")));
        }
    }

    /// Adds the selected EPCI's places by kind and population to its
    /// detail panel, when the map shows places.
    pub(super) fn append_summary(&self, v: &crate::map::view::MapView) {
        let summary = v
            .selected_code()
            .and_then(|c| v.places.as_ref()?.summary(c));
        if let Some(s) = summary {
            let _ = places::summary(&self.detail, &s, self.lang.get());
        }
        let rate = v
            .selected_code()
            .and_then(|c| v.illectronism_text(c, self.lang.get()));
        if let Some(text) = rate {
            places::line(&self.detail, &text);
        }
    }

    /// Listens to the panel's input, change, click and key events.
    pub(super) fn listen_places(this: &std::rc::Rc<Self>) -> Result<(), JsValue> {
        let panel = this.places.panel.root.clone();
        Self::listen(this, &panel, "input", |inner, e| inner.places_input(&e))?;
        Self::listen(this, &panel, "change", |inner, e| inner.places_change(&e))?;
        Self::listen(this, &panel, "click", |inner, e| inner.places_click(&e))?;
        Self::listen(this, &panel, "keydown", |inner, e| inner.places_key(&e))?;
        Ok(())
    }

    /// A new load: the panel hides until the places are read again, reads
    /// under way stop, the brand header follows the attributes.
    pub(super) fn reset_places(&self, name: Option<String>, logo: Option<String>) {
        self.brand_header(name, logo);
        self.places.panel.root.set_hidden(true);
        self.places.failed.take();
        for abort in [&self.places.abort, &self.places.zones_abort] {
            if let Some(c) = abort.borrow_mut().take() {
                c.abort();
            }
        }
    }

    /// Reads the zones' overview (after the map's first paint), then draws
    /// them and streams their detailed levels with the other layers. A
    /// failure is said in the status line; the map works on without them.
    pub(super) fn load_zones(&self, plan: ZonesPlan) {
        let generation = self.generation.get();
        let controller = AbortController::new().ok();
        let Some(signal) = controller.as_ref().map(AbortController::signal) else {
            return;
        };
        if let Some(c) = self.places.zones_abort.replace(controller) {
            c.abort();
        }
        let base = self.manifest_url.borrow().clone();
        let lang = self.lang.get();
        let weak = self.me.clone();
        spawn_local(async move {
            let path = plan.overview_path.clone();
            // `Err(None)`: cancelled, nothing to say.
            let read = async {
                let url = resolve(&path, Some(&base)).map_err(|e| Some(e.message(lang)))?;
                let bytes = fetch::fetch_bytes(&url, &signal)
                    .await
                    .map_err(|e| fetch_why(&e, lang))?;
                shapes_from_file(&bytes, "id", "id", "population")
                    .map(|(_, shapes)| shapes)
                    .map_err(|e| Some(e.to_string()))
            };
            let read = read.await;
            let Some(inner) = weak.upgrade().filter(|i| i.generation.get() == generation) else {
                return;
            };
            match read {
                Ok(shapes) => {
                    if let Some(v) = inner.view.borrow_mut().as_mut() {
                        v.set_zones(Zones::new(&plan, shapes), plan.layer.clone());
                        let _ = render::legend(&inner.legend, v, &v.title);
                    }
                    inner.view_changed();
                    inner.request_redraw();
                }
                Err(None) => {}
                Err(Some(e)) => {
                    let prefix = i18n::text(i18n::Text::ZonesUnavailable, lang);
                    inner.set_status(
                        "error",
                        &format!("{prefix}{}", i18n::about_file(&path, &e, lang)),
                    );
                    inner.places.failed.borrow_mut().0 = Some(plan);
                }
            }
        });
    }

    /// Shows or hides the list of the places on the map.
    fn toggle_place_list(&self) {
        let panel = &self.places.panel;
        let texts = (i18n::Text::ShowPlaceList, i18n::Text::HidePlaceList);
        super::toggle_section(&panel.list, &panel.list_toggle, texts, self.lang.get());
        self.places.list_camera.take();
        self.refresh_place_list();
    }

    /// Follows the map in the list of its places, when it is open: the
    /// view, the filters, the searched point and the selected place.
    pub(super) fn refresh_place_list(&self) {
        let panel = &self.places.panel;
        if panel.list.hidden() {
            return;
        }
        let view = self.view.borrow();
        let Some(v) = view.as_ref() else { return };
        let Some(p) = v.places.as_ref() else { return };
        let key = (
            v.camera,
            p.sites.selected,
            p.sites.filter.clone(),
            p.origin.as_ref().map(|o| o.lon_lat),
        );
        if self.places.list_camera.borrow().as_ref() == Some(&key) {
            return;
        }
        *self.places.list_camera.borrow_mut() = Some(key);
        let lang = self.lang.get();
        let list = p.list(v.camera.bounds(), v.camera.center(), PLACE_ROWS, lang);
        let origin = p.origin.as_ref().map(|o| o.label.as_str());
        let _ = places::list(panel, &list, p.sites.selected, origin, lang);
    }

    /// The retry button reads again the zones and places that failed.
    pub(super) fn retry_places(&self) {
        let (zones, places) = self.places.failed.take();
        if let Some(z) = zones {
            self.load_zones(z);
        }
        if let Some(p) = places {
            self.load_places(p);
        }
    }

    /// A field drawn without reading anything (the coverage, or back the
    /// field it replaced): the legend and the selection's detail follow;
    /// `false` when the field must be read.
    pub(super) fn show_field_in_place(&self, field: &str) -> bool {
        let lang = self.lang.get();
        let mut view = self.view.borrow_mut();
        let Some(v) = view.as_mut() else { return false };
        if !v.show_field(field, lang) {
            return false;
        }
        let _ = render::legend(&self.legend, v, &v.title);
        let _ = render::detail(&self.detail, v.describe_selected(lang).as_ref());
        self.append_summary(v);
        let _ = places::departements(&self.places.panel, &v.departement_summaries(lang), lang);
        drop(view);
        self.refresh_table();
        self.write_fragment();
        self.request_redraw();
        true
    }

    /// The legend's zones checkbox shows or hides them; `false` for any
    /// other change.
    pub(super) fn zones_change(&self, e: &web_sys::Event) -> bool {
        let Some(input) = super::checkbox(e, "data-zones") else {
            return false;
        };
        if let Some(z) = self
            .view
            .borrow_mut()
            .as_mut()
            .and_then(|v| v.zones.as_mut())
        {
            z.shown = input.checked();
        }
        self.request_redraw();
        true
    }

    /// Reads the places' table and the communes (after the map's first
    /// paint: they never delay it), then shows the places and the panel.
    pub(super) fn load_places(&self, plan: PlacesPlan) {
        let generation = self.generation.get();
        let controller = AbortController::new().ok();
        let Some(signal) = controller.as_ref().map(AbortController::signal) else {
            return;
        };
        if let Some(c) = self.places.abort.replace(controller) {
            c.abort();
        }
        let base = self.manifest_url.borrow().clone();
        let lang = self.lang.get();
        places::message(&self.places.panel, "");
        self.places
            .panel
            .count
            .set_text_content(Some(place_text(PlaceText::PlacesLoading, lang)));
        self.places.panel.root.set_hidden(false);
        self.ask_where();
        let weak = self.me.clone();
        spawn_local(async move {
            let read = |path: String| {
                let signal = signal.clone();
                let base = base.clone();
                async move {
                    let url = resolve(&path, Some(&base)).map_err(|e| Some(e.message(lang)))?;
                    fetch::fetch_bytes(&url, &signal).await.map_err(|e| {
                        fetch_why(&e, lang).map(|why| i18n::about_file(&path, &why, lang))
                    })
                }
            };
            let (table, communes) = futures_join(
                read(plan.table_path.clone()),
                read(plan.communes_path.clone()),
            )
            .await;
            let built = table.and_then(|t| {
                let table = SiteTable::decode(&t)
                    .map_err(|e| Some(i18n::about_file(&plan.table_path, &e.to_string(), lang)))?;
                let communes = communes?;
                let communes = communes::decode(&communes).map_err(|e| {
                    Some(i18n::about_file(&plan.communes_path, &e.to_string(), lang))
                })?;
                let now = js_sys::Date::now();
                let sites =
                    SitesView::new(table, Some(plan.table.clone()), plan.network.clone(), now);
                let mut p = Places::new(sites, &communes);
                p.travel = plan.travel;
                p.set_reach(plan.minutes, plan.mode);
                Ok(p)
            });
            let Some(inner) = weak.upgrade().filter(|i| i.generation.get() == generation) else {
                return;
            };
            match built {
                Ok(mut p) => {
                    let rejected = p.sites.table.rejected;
                    // A shared link (`fragment` attribute): its filters,
                    // point, place, view and territory.
                    let shared = inner.host.has_attribute("fragment").then(|| {
                        State::decode(&inner.window.location().hash().unwrap_or_default())
                    });
                    // A shared file field other than the drawn one: read the
                    // map with it first (the places come back with the rest
                    // of the link once it is drawn).
                    let other_field = shared.as_ref().and_then(|s| s.field.clone()).filter(|f| {
                        inner.view.borrow().as_ref().is_some_and(|v| {
                            v.field != *f
                                && f != crate::map::view::COVERAGE_FIELD
                                && v.fields.iter().any(|(name, _)| name == f)
                        })
                    });
                    if let Some(f) = other_field {
                        let _ = inner.host.set_attribute("field", &f);
                        return;
                    }
                    if let Some(s) = &shared {
                        let label = place_text(PlaceText::ThisPoint, lang);
                        p.apply(s, js_sys::Date::now(), label);
                    }
                    let _ = places::facets(&inner.places.panel, &p, lang);
                    let _ = places::nearest(&inner.places.panel, &p, lang);
                    *inner.places.full_path.borrow_mut() = Some(plan.full_path.clone());
                    let geocoder = plan.geocoder.as_deref().and_then(|g| {
                        resolve(g, inner.host.base_uri().ok().flatten().as_deref()).ok()
                    });
                    if geocoder.is_some() {
                        let label = inner
                            .places
                            .panel
                            .root
                            .query_selector("label.q")
                            .ok()
                            .flatten();
                        if let Some(l) = label {
                            l.set_text_content(Some(place_text(PlaceText::CommuneOrAddress, lang)));
                        }
                    }
                    *inner.places.geocoder.borrow_mut() = geocoder;
                    if let Some(v) = inner.view.borrow_mut().as_mut() {
                        v.set_places(p, lang);
                        let _ = places::departements(
                            &inner.places.panel,
                            &v.departement_summaries(lang),
                            lang,
                        );
                        if shared.as_ref().and_then(|s| s.field.as_deref())
                            == Some(crate::map::view::COVERAGE_FIELD)
                        {
                            v.show_field(crate::map::view::COVERAGE_FIELD, lang);
                        }
                        let _ = render::legend(&inner.legend, v, &v.title);
                        if let Some(s) = &shared {
                            if let Some([lon, lat, zoom]) = s.view {
                                let _ = v.set_view(lon, lat, zoom);
                            }
                            if let Some(code) =
                                s.selection.as_deref().and_then(|x| x.strip_prefix("epci:"))
                            {
                                v.select_code(code);
                            }
                        }
                        let _ = render::detail(&inner.detail, v.describe_selected(lang).as_ref());
                        inner.append_summary(v);
                    }
                    if shared.is_some() {
                        inner.show_site();
                        inner.view_changed();
                    }
                    inner.refresh_table();
                    if rejected > 0 {
                        places::message(
                            &inner.places.panel,
                            &i18n::places::rejected_places(rejected, lang),
                        );
                    }
                    inner.answer_pending();
                    inner.request_redraw();
                }
                Err(None) => {}
                Err(Some(e)) => {
                    // No answer will follow: the panel says why.
                    inner.places.pending.take();
                    places::message(&inner.places.panel, "");
                    let prefix = i18n::text(i18n::Text::PlacesUnavailable, lang);
                    let text = format!("{prefix}{e}");
                    inner.places.panel.count.set_text_content(Some(&text));
                    inner.set_status("error", &text);
                    inner.places.failed.borrow_mut().1 = Some(plan);
                }
            }
        });
    }

    /// Typing in the search box lists matching communes.
    pub(super) fn places_input(&self, e: &web_sys::Event) {
        let is_query = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|t| t.id() == "q");
        if is_query {
            self.suggest();
        }
    }

    /// Whether the places (and the communes the search box finds) are in.
    fn places_loaded(&self) -> bool {
        self.view
            .borrow()
            .as_ref()
            .is_some_and(|v| v.places.is_some())
    }

    /// Says that the reader's request is answered once the places are in.
    fn answer_on_load(&self, pending: Pending) {
        *self.places.pending.borrow_mut() = Some(pending);
        places::message(
            &self.places.panel,
            place_text(PlaceText::AnswerOnLoad, self.lang.get()),
        );
    }

    /// Answers what the reader asked for while the places loaded, or lists
    /// the communes matching what they typed meanwhile.
    fn answer_pending(&self) {
        match self.places.pending.take() {
            Some(Pending::Search) => {
                self.suggest();
                self.search_enter();
            }
            Some(Pending::Origin(lon_lat, label)) => self.set_origin_labelled(lon_lat, label),
            None if !self.places.panel.query.value().trim().is_empty() => self.suggest(),
            None => {}
        }
    }

    /// Lists the communes matching the search box (before the places are
    /// in: says they are loading).
    fn suggest(&self) {
        let q = self.places.panel.query.value();
        let view = self.view.borrow();
        let Some(p) = view.as_ref().and_then(|v| v.places.as_ref()) else {
            let loading = place_text(PlaceText::AnswerOnLoad, self.lang.get());
            places::message(
                &self.places.panel,
                if q.trim().is_empty() { "" } else { loading },
            );
            return;
        };
        let found = p.communes.search(&q, SUGGESTIONS);
        let _ = places::results(&self.places.panel, &found);
        if !q.trim().is_empty() && found.is_empty() {
            places::message(
                &self.places.panel,
                place_text(PlaceText::NoCommune, self.lang.get()),
            );
        } else {
            places::message(&self.places.panel, "");
        }
    }

    /// In the search box, Enter picks the first suggestion, the down arrow
    /// goes into the list and Escape closes it; in the list, the arrows move
    /// from one suggestion to the next (up from the first: back to the box)
    /// and Escape closes it and goes back to the box.
    pub(super) fn places_key(&self, e: &web_sys::Event) {
        let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if target.class_name() == "result" {
            return self.suggestion_key(k, &target);
        }
        if target.id() != "q" {
            return;
        }
        match k.key().as_str() {
            "ArrowDown" => {
                let first = self.places.panel.results.query_selector("button.result");
                let first = first.ok().flatten();
                if let Some(b) = first.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
                    e.prevent_default();
                    let _ = b.focus();
                }
            }
            "Enter" => {
                e.prevent_default();
                self.search_enter();
            }
            "Escape" => {
                let _ = places::results(&self.places.panel, &[]);
            }
            _ => {}
        }
    }

    /// Enter in the search box: the first suggestion, or the address
    /// geocoder; before the places are in, once they are.
    fn search_enter(&self) {
        if !self.places_loaded() {
            return self.answer_on_load(Pending::Search);
        }
        let first = self
            .places
            .panel
            .results
            .query_selector("button[data-code]")
            .ok()
            .flatten()
            .and_then(|b| b.get_attribute("data-code"));
        // An address ("8 place Guy Mollet") matches no commune: the search
        // reads its number as a code that narrows the names.
        let query = self.places.panel.query.value();
        match (first, self.places.geocoder.borrow().clone()) {
            (None, Some(g)) => self.geocode(&g, &query),
            (Some(code), _) => self.go_to_commune(&code),
            (None, _) => {}
        }
    }

    /// A key on a suggestion (see [`Inner::places_key`]).
    fn suggestion_key(&self, k: &web_sys::KeyboardEvent, button: &Element) {
        let item = button.parent_element();
        let next = match k.key().as_str() {
            "ArrowDown" => match item.and_then(|li| li.next_element_sibling()) {
                // The last one stays.
                None => return k.prevent_default(),
                next => next,
            },
            "ArrowUp" => item.and_then(|li| li.previous_element_sibling()),
            "Escape" => {
                let _ = places::results(&self.places.panel, &[]);
                None
            }
            _ => return,
        };
        k.prevent_default();
        let target = next
            .and_then(|li| li.first_element_child())
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
            .unwrap_or_else(|| self.places.panel.query.clone().into());
        let _ = target.focus();
    }

    /// A filter box changed: new filter, count, nearest places, coverage.
    pub(super) fn places_change(&self, e: &web_sys::Event) {
        // Only the filter boxes: the search box also fires `change` when
        // it loses focus, and redrawing the list then would swallow the
        // click that moved the focus.
        let is_filter = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|t| t.has_attribute("data-facet"));
        if !is_filter {
            return;
        }
        let filter = places::read_filter(&self.places.panel);
        let lang = self.lang.get();
        {
            let mut view = self.view.borrow_mut();
            let Some(p) = view.as_mut().and_then(|v| v.places.as_mut()) else {
                return;
            };
            p.set_filter(filter, js_sys::Date::now());
            let _ = places::counts(&self.places.panel, p, lang);
            let _ = places::nearest(&self.places.panel, p, lang);
        }
        // The selected EPCI's coverage, and the coverage field when it is
        // drawn, follow the filters.
        if let Some(v) = self.view.borrow_mut().as_mut() {
            v.refresh_coverage(lang);
            // The places' kinds and counts in the legend follow too.
            let _ = render::legend(&self.legend, v, &v.title);
            let _ = places::departements(&self.places.panel, &v.departement_summaries(lang), lang);
            if let Some(d) = v.describe_selected(lang) {
                let _ = render::detail(&self.detail, Some(&d));
                self.append_summary(v);
            }
        }
        self.show_site();
        self.refresh_table();
        self.write_fragment();
        self.request_redraw();
    }

    /// Clicks in the panel: a suggestion, "autour de moi", a listed place.
    pub(super) fn places_click(&self, e: &web_sys::Event) {
        let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let button = target.closest("button").ok().flatten();
        let Some(b) = button else { return };
        if let Some(code) = b.get_attribute("data-code") {
            self.go_to_commune(&code);
        } else if let (Some(lon), Some(lat)) =
            (b.get_attribute("data-lon"), b.get_attribute("data-lat"))
        {
            let label = b.text_content().unwrap_or_default();
            if let (Some(lon), Some(lat)) = (
                crate::map::view::decimal(&lon),
                crate::map::view::decimal(&lat),
            ) {
                let _ = places::results(&self.places.panel, &[]);
                self.places.panel.query.set_value(&label);
                self.set_origin_labelled([lon, lat], label);
            }
        } else if let Some(i) = b.get_attribute("data-site").and_then(|s| s.parse().ok()) {
            self.focus_site(i);
        } else if b.class_name() == "locate" {
            self.locate();
        } else if b.class_name() == "show-places" {
            self.toggle_place_list();
        } else if b.class_name() == "again" {
            // Back to the question, the box emptied.
            let panel = &self.places.panel;
            panel.card.set_hidden(true);
            panel.near.set_hidden(true);
            panel.query.set_value("");
            self.ask_where();
            let _ = panel.query.focus();
        } else if b.class_name() == "csv-places" || b.class_name() == "csv-epci" {
            self.export_csv(b.class_name() == "csv-places");
        } else if b.class_name() == "png" {
            self.export_png();
        }
    }

    /// Downloads the shown places or the EPCI table as CSV (made by the
    /// core), through a Blob link: nothing leaves the browser.
    fn export_csv(&self, places_table: bool) {
        let (text, name) = {
            let view = self.view.borrow();
            let Some(v) = view.as_ref() else { return };
            if places_table {
                let Some(p) = v.places.as_ref() else { return };
                (crate::sites::export::places_csv(p), "lieux.csv")
            } else {
                let t = crate::sites::export::epci_csv(&v.shapes, &v.title, v.places.as_ref());
                (t, "intercommunalites.csv")
            }
        };
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("text/csv;charset=utf-8");
        let parts = js_sys::Array::of1(&JsValue::from_str(&text));
        let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
            return;
        };
        let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
            return;
        };
        self.download(&url, name);
        let _ = web_sys::Url::revoke_object_url(&url);
    }

    /// Saves `url` (a Blob or data address) as file `name`.
    fn download(&self, url: &str, name: &str) {
        let link = self
            .window
            .document()
            .and_then(|d| d.create_element("a").ok())
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(a) = link {
            let _ = a.set_attribute("href", url);
            let _ = a.set_attribute("download", name);
            a.click();
        }
    }

    /// Downloads the map as drawn, with its title, legend and credits (laid
    /// out by the core, `share::image`), as a PNG at the screen's density.
    fn export_png(&self) {
        let lang = self.lang.get();
        let (keys, title, basemap) = {
            let view = self.view.borrow();
            let Some(v) = view.as_ref() else { return };
            let basemap = v.basemap.as_ref().map(|b| b.attribution().to_owned());
            (v.image_keys(lang), v.title.clone(), basemap)
        };
        let Some(doc) = self.window.document() else {
            return;
        };
        let Some(out) = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        else {
            return;
        };
        let Some(ctx) = out
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        let family = self.theme().1;
        let font = |size: f64, bold: bool| {
            let size = crate::style::legend::plain_number(size);
            format!("{}{size}px {family}", if bold { "600 " } else { "" })
        };
        let measure = |text: &str, size: f64, bold: bool| {
            ctx.set_font(&font(size, bold));
            ctx.measure_text(text)
                .map_or(text.chars().count() as f64 * size * 0.6, |m| m.width())
        };
        let date = js_sys::Date::new_0().to_locale_date_string(
            if lang == Lang::Fr { "fr-FR" } else { "en-GB" },
            &JsValue::UNDEFINED,
        );
        let mut credits = vec![self.places.credits.borrow().clone()];
        credits.extend(basemap);
        credits.push(i18n::places::map_credit(&String::from(date), lang));
        let map = [
            f64::from(self.canvas.client_width()),
            f64::from(self.canvas.client_height()),
        ];
        let sheet = crate::share::image::sheet(map, &title, &keys, &credits, measure);
        let dpr = self.pixel_ratio();
        out.set_width((sheet.width * dpr).round() as u32);
        out.set_height((sheet.height * dpr).round() as u32);
        render::sheet(&ctx, &sheet, &self.canvas, map, dpr, &font);
        if let Ok(url) = out.to_data_url_with_type("image/png") {
            self.download(&url, "carte.png");
        }
    }

    /// Centres the map on a commune, lists the nearest places to it.
    fn go_to_commune(&self, code: &str) {
        let lang = self.lang.get();
        {
            let mut view = self.view.borrow_mut();
            let Some(v) = view.as_mut() else { return };
            let Some(p) = v.places.as_mut() else { return };
            let Some(c) = p.communes.get(code).cloned() else {
                return;
            };
            p.set_origin(Some(Origin {
                lon_lat: c.lon_lat,
                label: c.name.clone(),
            }));
            let _ = places::nearest(&self.places.panel, p, lang);
            self.places.panel.query.set_value(&c.name);
            let _ = places::results(&self.places.panel, &[]);
            let _ = v.set_view(c.lon_lat[0], c.lon_lat[1], 12.0);
        }
        self.request_redraw();
        self.view_changed();
        self.write_fragment();
        self.answer_where();
    }

    /// Plain-language mode (attribute `simple`): one question, "Où
    /// êtes-vous ?", with the search box and « Autour de moi » only.
    fn ask_where(&self) {
        if !self.host.has_attribute("simple") {
            return;
        }
        let panel = &self.places.panel;
        let lang = self.lang.get();
        if let Ok(Some(label)) = panel.root.query_selector("label.q") {
            label.set_text_content(Some(i18n::text(i18n::Text::WhereAreYou, lang)));
        }
        panel
            .query
            .set_placeholder(i18n::text(i18n::Text::WhereExample, lang));
        panel.find.set_hidden(false);
        panel.again.set_hidden(true);
    }

    /// Plain-language mode: the answer (the nearest places) replaces the
    /// question, and the reader is brought to it.
    fn answer_where(&self) {
        if !self.host.has_attribute("simple") {
            return;
        }
        let panel = &self.places.panel;
        panel.find.set_hidden(true);
        panel.again.set_hidden(false);
        if let Ok(Some(h)) = panel.near.query_selector("h3") {
            if let Some(h) = h.dyn_ref::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
        }
    }

    /// Selects a place from the list and centres it.
    fn focus_site(&self, i: usize) {
        {
            let mut view = self.view.borrow_mut();
            let Some(v) = view.as_mut() else { return };
            let at = v
                .places
                .as_ref()
                .and_then(|p| p.sites.table.sites.get(i))
                .map(|s| s.lon_lat);
            let Some([lon, lat]) = at else { return };
            v.select_site(Some(i));
            let zoom = v.camera.zoom().get().max(14.0);
            let _ = v.set_view(lon, lat, zoom);
        }
        self.show_site();
        self.request_redraw();
        self.view_changed();
        self.write_fragment();
        let _ = self.places.panel.card.focus();
    }

    /// "Autour de moi": the browser's position, or a plain message and
    /// the search box when it is refused or unavailable.
    fn locate(&self) {
        let lang = self.lang.get();
        let refused = place_text(PlaceText::PositionUnavailable, lang);
        let geo = self.window.navigator().geolocation().ok();
        let Some(geo) = geo else {
            places::message(&self.places.panel, refused);
            let _ = self.places.panel.query.focus();
            return;
        };
        places::message(
            &self.places.panel,
            place_text(PlaceText::FindingPosition, lang),
        );
        let ok_weak = self.me.clone();
        let err_weak = self.me.clone();
        let success = Closure::once_into_js(move |pos: JsValue| {
            let Some(inner) = ok_weak.upgrade() else {
                return;
            };
            let coords = js_sys::Reflect::get(&pos, &"coords".into()).unwrap_or(JsValue::NULL);
            let num = |k: &str| {
                js_sys::Reflect::get(&coords, &k.into())
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            match (num("longitude"), num("latitude")) {
                (Some(lon), Some(lat)) => inner.set_origin_at([lon, lat]),
                _ => inner.location_failed(),
            }
        });
        let failure = Closure::once_into_js(move |_e: JsValue| {
            if let Some(inner) = err_weak.upgrade() {
                inner.location_failed();
            }
        });
        let opts = web_sys::PositionOptions::new();
        opts.set_timeout(15_000);
        opts.set_maximum_age(300_000);
        if geo
            .get_current_position_with_error_callback_and_options(
                success.unchecked_ref(),
                Some(failure.unchecked_ref()),
                &opts,
            )
            .is_err()
        {
            self.location_failed();
        }
    }

    fn location_failed(&self) {
        places::message(
            &self.places.panel,
            place_text(PlaceText::PositionFailed, self.lang.get()),
        );
        let _ = self.places.panel.query.focus();
    }

    /// Asks the geocoder for addresses and lists them as suggestions;
    /// a failure says so and leaves the commune search working.
    fn geocode(&self, base: &str, query: &str) {
        let url = crate::geocode::query_url(base, query);
        let lang = self.lang.get();
        places::message(
            &self.places.panel,
            place_text(PlaceText::FindingAddress, lang),
        );
        let Some(signal) = self
            .places
            .abort
            .borrow()
            .as_ref()
            .map(AbortController::signal)
        else {
            return;
        };
        let weak = self.me.clone();
        spawn_local(async move {
            let found = fetch::fetch_text(&url, &signal)
                .await
                .map_err(|e| i18n::fetch_error(&e, lang))
                .and_then(|t| {
                    crate::geocode::parse(&t)
                        .map_err(|e| i18n::places::geocoder_unreadable(&e.to_string(), lang))
                });
            let Some(inner) = weak.upgrade() else { return };
            let panel = &inner.places.panel;
            match found {
                Ok(list) if !list.is_empty() => {
                    places::message(panel, "");
                    let _ = places::addresses(panel, &list);
                }
                Ok(_) => places::message(panel, place_text(PlaceText::NoAddress, lang)),
                Err(e) => places::message(panel, &i18n::places::address_search_failed(&e, lang)),
            }
        });
    }

    /// The visitor's position becomes the origin of the nearest places.
    fn set_origin_at(&self, lon_lat: [f64; 2]) {
        let label = place_text(PlaceText::YourPosition, self.lang.get());
        self.set_origin_labelled(lon_lat, label.to_owned());
    }

    /// A point (a position, an address) becomes the origin of the nearest
    /// places (before the places are in, once they are).
    fn set_origin_labelled(&self, lon_lat: [f64; 2], label: String) {
        if !self.places_loaded() {
            return self.answer_on_load(Pending::Origin(lon_lat, label));
        }
        let lang = self.lang.get();
        places::message(&self.places.panel, "");
        {
            let mut view = self.view.borrow_mut();
            let Some(v) = view.as_mut() else { return };
            let Some(p) = v.places.as_mut() else { return };
            p.set_origin(Some(Origin { lon_lat, label }));
            let _ = places::nearest(&self.places.panel, p, lang);
            let _ = v.set_view(lon_lat[0], lon_lat[1], 13.0);
        }
        self.request_redraw();
        self.view_changed();
        self.write_fragment();
        self.answer_where();
    }

    /// Writes the selected place's card, then reads its full record (one
    /// range request, after the file's header once) and writes it again.
    pub(super) fn show_site(&self) {
        let lang = self.lang.get();
        let now = js_sys::Date::now();
        let (range, id) = {
            let view = self.view.borrow();
            let Some(p) = view.as_ref().and_then(|v| v.places.as_ref()) else {
                return;
            };
            let site = p.sites.selected.and_then(|i| p.sites.table.sites.get(i));
            let cached = self
                .places
                .detail
                .borrow()
                .clone()
                .filter(|d| site.is_some_and(|s| s.id == d.id));
            if let Err(e) = places::card(&self.places.panel, p, cached.as_ref(), now, lang) {
                web_sys::console::error_2(&"card".into(), &e);
            }
            match site {
                Some(s) if cached.is_none() => (
                    ByteRange {
                        start: s.packed.offset,
                        end: Some(s.packed.offset + u64::from(s.packed.len)),
                    },
                    s.id.clone(),
                ),
                _ => return,
            }
        };
        let Some(path) = self.places.full_path.borrow().clone() else {
            return;
        };
        let base = self.manifest_url.borrow().clone();
        let lang = self.lang.get();
        let weak = self.me.clone();
        let signal = match self.places.abort.borrow().as_ref() {
            Some(c) => c.signal(),
            None => return,
        };
        spawn_local(async move {
            let url = match resolve(&path, Some(&base)) {
                Ok(u) => u,
                Err(_) => return,
            };
            let header = weak
                .upgrade()
                .and_then(|i| i.places.header.borrow().clone());
            let header = match header {
                Some(h) => Ok(h),
                None => read_header(&url, &signal, lang).await,
            };
            let detail = match header {
                Ok(h) => {
                    if let Some(i) = weak.upgrade() {
                        *i.places.header.borrow_mut() = Some(h.clone());
                    }
                    fetch::fetch_range(&url, range, &signal)
                        .await
                        .map_err(|e| i18n::fetch_error(&e, lang))
                        .and_then(|b| SiteDetail::decode(&b, &h).map_err(|e| e.to_string()))
                }
                Err(e) => Err(e),
            };
            let Some(inner) = weak.upgrade() else { return };
            match detail {
                Ok(d) if d.id == id => {
                    *inner.places.detail.borrow_mut() = Some(d);
                    inner.show_site();
                }
                Ok(_) => places::message(
                    &inner.places.panel,
                    i18n::text(i18n::Text::CardMissing, inner.lang.get()),
                ),
                Err(e) => {
                    let prefix = i18n::text(i18n::Text::CardUnavailable, inner.lang.get());
                    places::message(&inner.places.panel, &format!("{prefix}{e}"));
                }
            }
        });
    }
}

/// Reads a FlatGeobuf header: its first bytes, then the whole header.
async fn read_header(
    url: &str,
    signal: &web_sys::AbortSignal,
    lang: Lang,
) -> Result<Header, String> {
    let head = ByteRange {
        start: 0,
        end: Some(PREFIX_LEN),
    };
    let prefix = fetch::fetch_range(url, head, signal)
        .await
        .map_err(|e| i18n::fetch_error(&e, lang))?;
    let len = header_len(&prefix).map_err(|e| e.to_string())?;
    let bytes = fetch::fetch_range(
        url,
        ByteRange {
            start: 0,
            end: Some(len),
        },
        signal,
    )
    .await
    .map_err(|e| i18n::fetch_error(&e, lang))?;
    Header::parse(&bytes).map_err(|e| e.to_string())
}

/// Two futures at once.
async fn futures_join<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let (x, y, ()) = super::join3(a, b, async {}).await;
    (x, y)
}

impl Inner {
    /// A hub's name and logo over the map (`brand-name`, `brand-logo`);
    /// hidden when neither is set. The logo must be an image address
    /// (`https:`, `http:` or relative), never a script.
    pub(super) fn brand_header(&self, name: Option<String>, logo: Option<String>) {
        let span = self.places.brand.query_selector("span").ok().flatten();
        let img = self
            .places
            .brand
            .query_selector("img")
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(s) = &span {
            s.set_text_content(
                name.as_deref()
                    .map(|n| crate::map::describe::cut(n, 80))
                    .as_deref(),
            );
        }
        let logo = logo.filter(|l| crate::sites::words::is_web_address(l));
        if let Some(i) = &img {
            match &logo {
                Some(l) => {
                    let _ = i.set_attribute("src", l);
                    // The name says who it is; the logo repeats it.
                    let _ = i.set_attribute("alt", if name.is_some() { "" } else { "Logo" });
                }
                None => {
                    let _ = i.remove_attribute("src");
                }
            }
            i.set_hidden(logo.is_none());
        }
        self.places
            .brand
            .set_hidden(name.is_none() && logo.is_none());
    }
}
