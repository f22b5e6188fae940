//! The places panel under the map: the search box and "autour de moi",
//! the filters with their live count, the nearest places and a place's
//! card. The core decides every word and number (`crate::sites`); this
//! file only builds elements, writes text with `set_text_content` (never
//! HTML) and reads the checked boxes back.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, ShadowRoot};

use crate::analysis::Mode;
use crate::i18n::places::{
    count_text, distance_text, list_caption, nearest_title, place_text, summary_head, travel_text,
    PlaceText::{self, *},
};
use crate::search::Commune;
use crate::sites::detail::SiteDetail;
use crate::sites::filter::{
    Filter, ACCESSIBLE_ONLY, ITINERANT_ONLY, OPEN_NOW, SATURDAY_OPEN, WEAK_4G_ONLY,
};
use crate::sites::hours::{local_time, Week};
use crate::sites::places::{Places, Summary};
use crate::sites::table::KINDS;
use crate::sites::words::directions_url;
use crate::style::legend::{format_number, Lang};

/// The panel's elements.
pub struct Panel {
    /// The whole panel (hidden until the places are read).
    pub root: HtmlElement,
    /// Search box.
    pub query: HtmlInputElement,
    /// Search suggestions.
    pub results: HtmlElement,
    /// Messages about the search and geolocation.
    pub message: HtmlElement,
    /// Filter checkboxes.
    pub facets: HtmlElement,
    /// "124 lieux correspondent".
    pub count: HtmlElement,
    /// A scoped page's départements' summaries.
    pub departements: HtmlElement,
    /// The nearest places.
    pub near: HtmlElement,
    /// The search: the commune box, « Autour de moi », the suggestions.
    pub find: HtmlElement,
    /// Plain-language mode: back from the answer to the question.
    pub again: HtmlElement,
    /// The list of the places on the map (the markers' text alternative).
    pub list: HtmlElement,
    /// Shows or hides it.
    pub list_toggle: HtmlElement,
    /// A place's card.
    pub card: HtmlElement,
}

impl Panel {
    /// Finds the panel's parts in the shadow root.
    pub fn find(root: &ShadowRoot) -> Result<Panel, JsValue> {
        let part = |s: &str| -> Result<HtmlElement, JsValue> {
            root.query_selector(s)?
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                .ok_or_else(|| JsValue::from_str(s))
        };
        Ok(Panel {
            root: part(".places")?,
            query: part(".places input[type=search]")?.unchecked_into(),
            results: part(".places .results")?,
            message: part(".places .message")?,
            facets: part(".places .facets")?,
            count: part(".places .count")?,
            departements: part(".places .departements")?,
            near: part(".places .near")?,
            card: part(".places .card")?,
            list: part(".places .places-list")?,
            find: part(".places .find")?,
            again: part(".places .again")?,
            list_toggle: part(".places .show-places")?,
        })
    }
}

fn el(doc: &Document, tag: &str, class: &str, text: Option<&str>) -> Result<HtmlElement, JsValue> {
    let e: HtmlElement = doc.create_element(tag)?.dyn_into()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if let Some(t) = text {
        e.set_text_content(Some(t));
    }
    Ok(e)
}

fn doc_of(e: &HtmlElement) -> Result<Document, JsValue> {
    e.owner_document()
        .ok_or_else(|| JsValue::from_str("document"))
}

/// One checkbox of the filters.
fn check(
    doc: &Document,
    facet: &str,
    bit: usize,
    text: &str,
    checked: bool,
    swatch: Option<&str>,
) -> Result<HtmlElement, JsValue> {
    let label = el(doc, "label", "check", None)?;
    let input: HtmlInputElement = doc.create_element("input")?.dyn_into()?;
    input.set_type("checkbox");
    input.set_attribute("data-facet", facet)?;
    input.set_attribute("data-bit", &bit.to_string())?;
    input.set_checked(checked);
    label.append_child(&input)?;
    if let Some(colour) = swatch {
        let s = el(doc, "span", "dot", None)?;
        s.style().set_property("background", colour)?;
        s.set_attribute("aria-hidden", "true")?;
        label.append_child(&s)?;
    }
    label.append_child(&el(doc, "span", "", Some(text))?.into())?;
    label.append_child(&el(doc, "span", "n", None)?.into())?;
    Ok(label)
}

fn group(doc: &Document, title: &str, folded: bool) -> Result<(HtmlElement, HtmlElement), JsValue> {
    if folded {
        let d = el(doc, "details", "group", None)?;
        d.append_child(&el(doc, "summary", "", Some(title))?.into())?;
        let f = el(doc, "fieldset", "", None)?;
        f.append_child(&el(doc, "legend", "visually-hidden", Some(title))?.into())?;
        d.append_child(&f)?;
        Ok((d, f))
    } else {
        let f = el(doc, "fieldset", "group", None)?;
        f.append_child(&el(doc, "legend", "", Some(title))?.into())?;
        Ok((f.clone(), f))
    }
}

/// Builds the filters for the lists of the places' table, checked as `filter` says.
pub fn facets(panel: &Panel, places: &Places, lang: Lang) -> Result<(), JsValue> {
    let doc = doc_of(&panel.facets)?;
    let t = |w: PlaceText| place_text(w, lang);
    panel.facets.set_text_content(None);
    let chosen = places.sites.filter.choices();
    let on = |facet: &str, bit: usize| chosen.iter().any(|(f, b)| *f == facet && *b == bit as u32);
    let (g, f) = group(&doc, t(KindOfPlace), false)?;
    for (i, k) in KINDS.iter().enumerate() {
        let c = k.color;
        let colour = format!("rgb({} {} {})", c.r, c.g, c.b);
        f.append_child(
            &check(&doc, "kind", i, k.label(lang), on("kind", i), Some(&colour))?.into(),
        )?;
    }
    panel.facets.append_child(&g)?;
    let (g, f) = group(&doc, t(OpeningAndAccess), false)?;
    let flags = [
        (OPEN_NOW, OpenNow),
        (SATURDAY_OPEN, OpenSaturday),
        (ITINERANT_ONLY, Itinerant),
        (ACCESSIBLE_ONLY, Accessible),
        (WEAK_4G_ONLY, Weak4g),
    ];
    for (bit, words) in flags {
        let text = t(words);
        f.append_child(
            &check(
                &doc,
                "flag",
                bit as usize,
                text,
                on("flag", bit as usize),
                None,
            )?
            .into(),
        )?;
    }
    panel.facets.append_child(&g)?;
    if let Some(table) = &places.sites.lists {
        let lists = [
            ("label", "labels", Labels),
            ("service", "services", Services),
            ("public", "publics", Publics),
        ];
        for (facet, list, title) in lists {
            let values = table.list(list);
            if values.is_empty() {
                continue;
            }
            let (g, f) = group(&doc, t(title), facet != "label")?;
            for (i, v) in values.iter().enumerate() {
                f.append_child(&check(&doc, facet, i, v, on(facet, i), None)?.into())?;
            }
            panel.facets.append_child(&g)?;
        }
    }
    counts(panel, places, lang)
}

/// The filter the checked boxes make.
pub fn read_filter(panel: &Panel) -> Filter {
    let mut f = Filter::default();
    let Ok(list) = panel.facets.query_selector_all("input[data-facet]:checked") else {
        return f;
    };
    for i in 0..list.length() {
        let Some(e) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let facet = e.get_attribute("data-facet").unwrap_or_default();
        let bit = e
            .get_attribute("data-bit")
            .and_then(|b| b.parse().ok())
            .unwrap_or(u32::MAX);
        f.add(&facet, bit);
    }
    f
}

/// Writes the live count and each kind's count.
pub fn counts(panel: &Panel, places: &Places, lang: Lang) -> Result<(), JsValue> {
    let s = &places.sites.selection;
    panel
        .count
        .set_text_content(Some(&count_text(s.count, s.in_network, lang)));
    let list = panel.facets.query_selector_all("input[data-facet=kind]")?;
    for i in 0..list.length() {
        let Some(input) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let k: usize = input
            .get_attribute("data-bit")
            .and_then(|b| b.parse().ok())
            .unwrap_or(usize::MAX);
        if let (Some(n), Some(label)) = (s.by_kind.get(k), input.parent_element()) {
            if let Some(span) = label.query_selector(".n")? {
                span.set_text_content(Some(&format!("({})", format_number(*n as f64, 0, lang))));
            }
        }
    }
    // The shown places in weak coverage zones, beside their filter.
    let weak = format!("input[data-facet=flag][data-bit=\"{WEAK_4G_ONLY}\"] ~ .n");
    if let Some(span) = panel.facets.query_selector(&weak)? {
        span.set_text_content(Some(&format!(
            "({})",
            format_number(s.weak_4g as f64, 0, lang)
        )));
    }
    Ok(())
}

/// Lists the communes found for the search box (buttons carrying their
/// INSEE code), or hides the list.
pub fn results(panel: &Panel, found: &[&Commune]) -> Result<(), JsValue> {
    suggestions(
        panel,
        found.iter().map(|c| {
            (
                c.label(),
                [
                    ("data-code", c.code.clone()),
                    ("data-kind", "commune".into()),
                ],
            )
        }),
    )
}

/// Lists the addresses a geocoder found (buttons carrying their position).
pub fn addresses(panel: &Panel, found: &[crate::geocode::Address]) -> Result<(), JsValue> {
    use crate::sites::words::fixed5;
    suggestions(
        panel,
        found.iter().map(|a| {
            let at = [
                ("data-lon", fixed5(a.lon_lat[0])),
                ("data-lat", fixed5(a.lon_lat[1])),
            ];
            (a.label.clone(), at)
        }),
    )
}

/// The suggestions under the search box: a button per item, with its
/// attributes; an empty list hides them.
fn suggestions(
    panel: &Panel,
    items: impl Iterator<Item = (String, [(&'static str, String); 2])>,
) -> Result<(), JsValue> {
    let doc = doc_of(&panel.results)?;
    panel.results.set_text_content(None);
    let mut any = false;
    for (label, attributes) in items {
        let li = el(&doc, "li", "", None)?;
        let b = el(&doc, "button", "result", Some(&label))?;
        b.set_attribute("type", "button")?;
        for (k, v) in attributes {
            b.set_attribute(k, &v)?;
        }
        li.append_child(&b)?;
        panel.results.append_child(&li)?;
        any = true;
    }
    panel.results.set_hidden(!any);
    let _ = panel
        .query
        .set_attribute("aria-expanded", if any { "true" } else { "false" });
    Ok(())
}

/// Adds a territory's summary to the detail panel: its population and
/// shown places, then a table of places by kind with a bar per row (the
/// table carries the numbers; the bars only repeat them).
pub fn summary(detail: &HtmlElement, s: &Summary, lang: Lang) -> Result<(), JsValue> {
    let doc = doc_of(detail)?;
    let n = |x: f64| format_number(x, 0, lang);
    let head = summary_head(s.population, s.places, lang);
    detail.append_child(&el(&doc, "p", "summary", Some(&head))?.into())?;
    let max = s.by_kind.iter().copied().max().unwrap_or(0).max(1);
    let table = el(&doc, "table", "kinds", None)?;
    table.append_child(&el(&doc, "caption", "", Some(place_text(PlacesByKind, lang)))?.into())?;
    for (k, &count) in s.by_kind.iter().enumerate().filter(|(_, c)| **c > 0) {
        let Some(kind) = KINDS.get(k) else { continue };
        let tr = el(&doc, "tr", "", None)?;
        tr.append_child(&el(&doc, "th", "", Some(kind.label(lang)))?.into())?;
        tr.append_child(&el(&doc, "td", "n", Some(&n(count as f64)))?.into())?;
        let td = el(&doc, "td", "meter", None)?;
        let bar = el(&doc, "span", "", None)?;
        let c = kind.color;
        let style = bar.style();
        style.set_property("width", &format!("{}px", 2 + count * 78 / max))?;
        style.set_property("background", &format!("rgb({} {} {})", c.r, c.g, c.b))?;
        bar.set_attribute("aria-hidden", "true")?;
        td.append_child(&bar)?;
        tr.append_child(&td)?;
        table.append_child(&tr)?;
    }
    detail.append_child(&table)?;
    Ok(())
}

/// Writes a scoped page's départements' summaries under the count: each
/// folded under its name (open when alone): population and places, its
/// coverage, the drawn field's mean, then its places by kind (see
/// [`summary`]).
pub fn departements(
    panel: &Panel,
    list: &[crate::map::view::DepartementSummary],
    lang: Lang,
) -> Result<(), JsValue> {
    let doc = doc_of(&panel.departements)?;
    panel.departements.set_text_content(None);
    panel.departements.set_hidden(list.is_empty());
    for d in list {
        let block = el(&doc, "details", "territory", None)?;
        if list.len() == 1 {
            block.set_attribute("open", "")?;
        }
        block.append_child(&el(&doc, "summary", "", Some(&d.name))?.into())?;
        summary(&block, &d.summary, lang)?;
        // Under the head line, before the table.
        let table = block.query_selector("table")?;
        for line in d.coverage.iter().chain(&d.mean).chain(&d.illectronism) {
            let p = el(&doc, "p", "", Some(line))?;
            block.insert_before(&p, table.as_ref().map(|t| t.as_ref()))?;
        }
        panel.departements.append_child(&block)?;
    }
    Ok(())
}

/// Adds a line of text to a panel (before its table, if any).
pub fn line(panel: &HtmlElement, text: &str) {
    let Ok(doc) = doc_of(panel) else { return };
    let Ok(p) = el(&doc, "p", "", Some(text)) else {
        return;
    };
    let table = panel.query_selector("table").ok().flatten();
    let _ = panel.insert_before(&p, table.as_ref().map(|t| t.as_ref()));
}

/// Writes a message about the search or the geolocation ("" clears it).
pub fn message(panel: &Panel, text: &str) {
    panel.message.set_text_content(Some(text));
    panel.message.set_hidden(text.is_empty());
}

/// Lists the nearest places to the origin, with distances, estimated
/// times and directions links.
pub fn nearest(panel: &Panel, places: &Places, lang: Lang) -> Result<(), JsValue> {
    let doc = doc_of(&panel.near)?;
    panel.near.set_text_content(None);
    let Some(origin) = &places.origin else {
        panel.near.set_hidden(true);
        return Ok(());
    };
    let t = |w: PlaceText| place_text(w, lang);
    let title = nearest_title(&origin.label, lang);
    let heading = el(&doc, "h3", "", Some(&title))?;
    // Focusable, so that the plain-language mode can bring the reader here.
    heading.set_attribute("tabindex", "-1")?;
    panel.near.append_child(&heading)?;
    if places.nearest.is_empty() {
        panel
            .near
            .append_child(&el(&doc, "p", "", Some(t(NoMatch)))?.into())?;
    }
    let ol = el(&doc, "ol", "nearest", None)?;
    for &(i, metres) in &places.nearest {
        let Some(s) = places.sites.table.sites.get(i) else {
            continue;
        };
        let li = el(&doc, "li", "", None)?;
        let b = el(&doc, "button", "place", Some(&s.name))?;
        b.set_attribute("type", "button")?;
        b.set_attribute("data-site", &i.to_string())?;
        li.append_child(&b)?;
        let kind = KINDS.get(s.main_kind()).map_or("", |k| k.label(lang));
        let walk = places.travel.minutes(metres, Mode::Walk);
        let car = places.travel.minutes(metres, Mode::Car);
        let approximate = s.packed.flags & crate::sites::table::APPROXIMATE != 0;
        let line = format!(
            "{kind} · {}{} · {}",
            distance_text(metres, lang),
            if approximate { t(ApproximateShort) } else { "" },
            travel_text(walk, car, lang)
        );
        li.append_child(&el(&doc, "p", "meta", Some(&line))?.into())?;
        let a = el(&doc, "a", "route", Some(t(Directions)))?;
        a.set_attribute(
            "href",
            &directions_url(origin.lon_lat, s.lon_lat, metres > 2_000.0),
        )?;
        a.set_attribute("target", "_blank")?;
        a.set_attribute("rel", "noopener noreferrer")?;
        li.append_child(&a)?;
        ol.append_child(&li)?;
    }
    panel.near.append_child(&ol)?;
    panel
        .near
        .append_child(&el(&doc, "p", "note", Some(t(DistanceNote)))?.into())?;
    panel.near.set_hidden(false);
    Ok(())
}

/// Fills the card of a place: what the table knows at once, the full
/// record (`detail`) when it has arrived.
pub fn card(
    panel: &Panel,
    places: &Places,
    detail: Option<&SiteDetail>,
    now_ms: f64,
    lang: Lang,
) -> Result<(), JsValue> {
    let doc = doc_of(&panel.card)?;
    panel.card.set_text_content(None);
    let Some(i) = places.sites.selected else {
        panel.card.set_hidden(true);
        return Ok(());
    };
    let Some(s) = places.sites.table.sites.get(i) else {
        panel.card.set_hidden(true);
        return Ok(());
    };
    let t = |w: PlaceText| place_text(w, lang);
    let c = &panel.card;
    c.append_child(&el(&doc, "h3", "", Some(&s.name))?.into())?;
    let kinds = crate::sites::table::kind_labels(s.packed.kinds, lang);
    c.append_child(&el(&doc, "p", "kinds", Some(&kinds.join(" · ")))?.into())?;
    if let Some(d) = detail {
        let address = [
            d.address.as_str(),
            &format!("{} {}", d.postcode, d.commune_name),
        ]
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
        c.append_child(&el(&doc, "p", "address", Some(&address))?.into())?;
    }
    if s.packed.flags & crate::sites::table::APPROXIMATE != 0 {
        c.append_child(&el(&doc, "p", "warn", Some(t(Approximate)))?.into())?;
    }
    hours(
        &doc,
        c,
        &s.packed.week,
        s.departement(),
        detail,
        now_ms,
        lang,
    )?;
    if let Some(d) = detail {
        let lists = [
            (t(ServicesShort), &d.services),
            (t(PublicsShort), &d.publics),
            (t(Labels), &d.labels),
        ];
        for (title, items) in lists {
            if !items.is_empty() {
                c.append_child(&el(&doc, "h4", "", Some(title))?.into())?;
                let ul = el(&doc, "ul", "", None)?;
                for item in items.iter() {
                    ul.append_child(&el(&doc, "li", "", Some(item))?.into())?;
                }
                c.append_child(&ul)?;
            }
        }
        let access = if d.accessibility.is_empty() {
            t(AccessibilityUnknown).to_owned()
        } else {
            format!("{}{}", t(Accessibility), d.accessibility)
        };
        c.append_child(&el(&doc, "p", "", Some(&access))?.into())?;
        let contacts = [
            (d.phone_link(), d.phone.as_str()),
            (d.email_link(), d.email.as_str()),
            (d.website_link(), d.website.as_str()),
        ];
        for (link, text) in contacts {
            if let Some(href) = link {
                let p = el(&doc, "p", "", None)?;
                let a = el(&doc, "a", "", Some(text))?;
                a.set_attribute("href", &href)?;
                if href.starts_with("http") {
                    a.set_attribute("target", "_blank")?;
                    a.set_attribute("rel", "noopener noreferrer")?;
                }
                p.append_child(&a)?;
                c.append_child(&p)?;
            }
        }
        let source = format!(
            "{} {} · {} {}",
            t(Updated),
            if d.updated.is_empty() {
                "?"
            } else {
                &d.updated
            },
            t(Source),
            d.sources.join(", ")
        );
        c.append_child(&el(&doc, "p", "source", Some(&source))?.into())?;
    } else {
        c.append_child(&el(&doc, "p", "loading", Some(t(CardLoading)))?.into())?;
    }
    c.set_hidden(false);
    Ok(())
}

/// The opening hours of the card: "Ouvert maintenant" / "Fermé
/// maintenant" in the place's local time, then each day.
fn hours(
    doc: &Document,
    c: &HtmlElement,
    week: &Week,
    dep: &str,
    detail: Option<&SiteDetail>,
    now_ms: f64,
    lang: Lang,
) -> Result<(), JsValue> {
    let t = |w: PlaceText| place_text(w, lang);
    if week.is_empty() {
        let text = match detail
            .map(|d| d.hours_text.as_str())
            .filter(|h| !h.is_empty())
        {
            Some(h) => format!("{}{h}", t(HoursAsPublished)),
            None => t(HoursUnknown).to_owned(),
        };
        c.append_child(&el(doc, "p", "", Some(&text))?.into())?;
        return Ok(());
    }
    let open = local_time(now_ms, dep).is_some_and(|(d, m)| week.is_open(d, m));
    let state = t(if open { OpenNow } else { ClosedNow });
    let p = el(doc, "p", if open { "open" } else { "closed" }, Some(state))?;
    c.append_child(&p)?;
    let dl = el(doc, "dl", "hours", None)?;
    for (day, text) in week.lines(lang) {
        dl.append_child(&el(doc, "dt", "", Some(&day))?.into())?;
        dl.append_child(&el(doc, "dd", "", Some(&text))?.into())?;
    }
    c.append_child(&dl)?;
    Ok(())
}

/// Fills the list of the places on the map: a table nearest first, each
/// name a button that selects the place, the selected one marked
/// `aria-current`.
pub fn list(
    panel: &Panel,
    l: &crate::sites::list::PlaceList,
    selected: Option<usize>,
    origin: Option<&str>,
    lang: Lang,
) -> Result<(), JsValue> {
    let doc = doc_of(&panel.list)?;
    panel.list.set_text_content(None);
    let caption = list_caption(l.total, l.rows.len(), origin, lang);
    let table = el(&doc, "table", "", None)?;
    table.append_child(&el(&doc, "caption", "", Some(&caption))?.into())?;
    let head = el(&doc, "tr", "", None)?;
    let titles = [ColKinds, ColCommune, ColDistance].map(|t| place_text(t, lang));
    for title in std::iter::once(crate::i18n::text(crate::i18n::Text::Name, lang)).chain(titles) {
        let th = el(&doc, "th", "", Some(title))?;
        th.set_attribute("scope", "col")?;
        head.append_child(&th)?;
    }
    let thead = el(&doc, "thead", "", None)?;
    thead.append_child(&head)?;
    table.append_child(&thead)?;
    let body = el(&doc, "tbody", "", None)?;
    for r in &l.rows {
        let tr = el(&doc, "tr", "", None)?;
        if selected == Some(r.index) {
            tr.set_attribute("aria-current", "true")?;
        }
        let th = el(&doc, "th", "", None)?;
        th.set_attribute("scope", "row")?;
        let b = el(&doc, "button", "", Some(&r.name))?;
        b.set_attribute("type", "button")?;
        b.set_attribute("data-site", &r.index.to_string())?;
        th.append_child(&b)?;
        tr.append_child(&th)?;
        for text in [&r.kinds, &r.commune, &r.distance] {
            tr.append_child(&el(&doc, "td", "", Some(text))?.into())?;
        }
        body.append_child(&tr)?;
    }
    table.append_child(&body)?;
    panel.list.append_child(&table)?;
    Ok(())
}
