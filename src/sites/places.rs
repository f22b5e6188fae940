//! Everything a resident or a hub asks of the places, in one state the
//! widget keeps: the places and their filters ([`SitesView`]), the
//! communes (offline search, and the populations the coverage weighs),
//! the point the visitor searched or shared ("autour de moi") with the
//! nearest places, and the coverage within N minutes per EPCI, recomputed
//! whenever the filters change.

use std::collections::HashMap;

use super::filter::{Filter, Network};
use super::view::SitesView;
use crate::analysis::{nearest, CommunePoint, Coverage, Mode, ReachIndex, Travel};
use crate::i18n::places::coverage_text;
use crate::manifest::{LayerKind, Manifest, TableFile};
use crate::num::ClampTo;
use crate::search::{Commune, CommuneIndex};
use crate::share::fragment::State;
use crate::sites::communes::CommuneRow;
use crate::sites::table::KINDS;
use crate::style::legend::Lang;

/// How many nearest places are listed.
pub const NEAREST: usize = 10;

/// An EPCI's or a département's places, population and coverage, for its
/// summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Inhabitants (sum of its communes).
    pub population: f64,
    /// Places passing the filters in it.
    pub places: usize,
    /// Of which, by kind (a place of two kinds counts in both).
    pub by_kind: [usize; KINDS.len()],
    /// Share of its inhabitants within reach of a shown place, 0–1.
    pub coverage: Option<f64>,
}

/// The point the nearest places are measured from.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// Position, lon/lat.
    pub lon_lat: [f64; 2],
    /// What it is ("Arras", "10 rue …", "votre position").
    pub label: String,
}

/// The places, the communes, the nearest places and the coverage.
#[derive(Debug, Clone)]
pub struct Places {
    /// The places and their filters.
    pub sites: SitesView,
    /// The communes, for the search box.
    pub communes: CommuneIndex,
    /// Each commune's point, population and EPCI index, for the coverage.
    towns: Vec<CommunePoint>,
    /// Each place's position, in table order (made once: the nearest
    /// places and the coverage read it at every filter change).
    points: Vec<[f64; 2]>,
    /// EPCI SIRENs by index (the coverage's order).
    epcis: Vec<String>,
    /// Each commune's EPCI index, by INSEE code (places count per EPCI).
    commune_epci: HashMap<String, u32>,
    /// Speeds and detour factor of the estimates.
    pub travel: Travel,
    /// The coverage threshold, minutes.
    pub minutes: f64,
    /// How the threshold is travelled.
    pub mode: Mode,
    /// Share of each EPCI's population within reach of a shown place.
    pub coverage: Coverage,
    /// Where the visitor searched from, if anywhere.
    pub origin: Option<Origin>,
    /// The nearest shown places to the origin: (index, metres).
    pub nearest: Vec<(usize, f64)>,
    /// Each commune's département, parallel to `towns`.
    town_deps: Vec<String>,
    /// The départements summarised (a scoped page's), sorted.
    dep_codes: Vec<String>,
    /// Their communes' points, grouped by index into `dep_codes`.
    dep_towns: Vec<CommunePoint>,
    /// Their coverage, recomputed with the EPCIs'.
    dep_coverage: Coverage,
}

impl Places {
    /// Builds the state from the places and the communes ([`CommuneRow`]:
    /// point, codes, EPCI, département, population).
    pub fn new(sites: SitesView, communes: &[CommuneRow]) -> Places {
        let mut epcis: Vec<String> = communes
            .iter()
            .map(|c| c.epci.clone())
            .filter(|e| !e.is_empty())
            .collect();
        epcis.sort_unstable();
        epcis.dedup();
        let commune_epci = communes
            .iter()
            .filter_map(|c| Some((c.code.clone(), epcis.binary_search(&c.epci).ok()? as u32)))
            .collect();
        let (towns, town_deps) = communes
            .iter()
            .filter_map(|c| {
                let point = CommunePoint {
                    lon_lat: c.lon_lat,
                    population: c.population,
                    epci: epcis.binary_search(&c.epci).ok()? as u32,
                };
                Some((point, c.departement.clone()))
            })
            .unzip();
        let index = CommuneIndex::new(
            communes
                .iter()
                .map(|c| Commune {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    departement: c.departement.clone(),
                    population: c.population,
                    lon_lat: c.lon_lat,
                    postal_codes: c.postal_codes.clone(),
                })
                .collect(),
        );
        let points = sites.table.sites.iter().map(|s| s.lon_lat).collect();
        let mut p = Places {
            points,
            sites,
            communes: index,
            towns,
            epcis,
            commune_epci,
            travel: Travel::default(),
            minutes: 15.0,
            mode: Mode::Car,
            coverage: Coverage::default(),
            origin: None,
            nearest: Vec::new(),
            town_deps,
            dep_codes: Vec::new(),
            dep_towns: Vec::new(),
            dep_coverage: Coverage::default(),
        };
        p.recompute();
        p
    }

    /// Asks for the summaries of départements `codes` (a scoped page's):
    /// their coverage is then recomputed with the EPCIs' (only their
    /// communes: a département costs a few hundred reach tests).
    pub fn set_departements(&mut self, codes: &[String]) {
        let mut codes = codes.to_vec();
        codes.sort_unstable();
        codes.dedup();
        self.dep_towns = self
            .towns
            .iter()
            .zip(&self.town_deps)
            .filter_map(|(t, d)| {
                Some(CommunePoint {
                    epci: codes.binary_search(d).ok()? as u32,
                    ..*t
                })
            })
            .collect();
        self.dep_codes = codes;
        self.recompute();
    }

    /// A summarised département's places passing the filters, by kind, its
    /// population and coverage; `None` unless asked by
    /// [`Places::set_departements`].
    pub fn departement_summary(&self, code: &str) -> Option<Summary> {
        let d = self
            .dep_codes
            .binary_search_by(|x| x.as_str().cmp(code))
            .ok()?;
        Some(self.count_in(
            self.dep_coverage.total.get(d).copied().unwrap_or(0.0),
            self.dep_coverage.share(d),
            |site| site.departement() == code,
        ))
    }

    /// An EPCI's inhabitants (its communes'), to weigh its values.
    pub fn epci_population(&self, siren: &str) -> Option<f64> {
        let e = self
            .epcis
            .binary_search_by(|x| x.as_str().cmp(siren))
            .ok()?;
        self.coverage.total.get(e).copied()
    }

    /// Applies new filters: the count, the nearest places and the coverage follow.
    pub fn set_filter(&mut self, filter: Filter, now_ms: f64) {
        self.sites.set_filter(filter, now_ms);
        self.recompute();
    }

    /// Sets the coverage threshold and mode (minutes clamped to 1–120).
    pub fn set_reach(&mut self, minutes: f64, mode: Mode) {
        self.minutes = if minutes.is_finite() {
            minutes.clamp_to(1.0, 120.0)
        } else {
            15.0
        };
        self.mode = mode;
        self.recompute();
    }

    /// Sets (or clears) the origin of the nearest places.
    pub fn set_origin(&mut self, origin: Option<Origin>) {
        self.origin = origin.filter(|o| o.lon_lat.iter().all(|x| x.is_finite()));
        self.nearest = self.nearest_to_origin();
    }

    fn nearest_to_origin(&self) -> Vec<(usize, f64)> {
        let Some(o) = &self.origin else {
            return Vec::new();
        };
        let keep = &self.sites.selection.keep;
        nearest(
            &self.points,
            |i| keep.get(i).copied().unwrap_or(false),
            o.lon_lat,
            NEAREST,
        )
    }

    fn recompute(&mut self) {
        let keep = &self.sites.selection.keep;
        let reach = self.travel.reach_m(self.minutes, self.mode);
        let index = ReachIndex::new(
            &self.points,
            |i| keep.get(i).copied().unwrap_or(false),
            reach,
        );
        self.coverage = index.coverage(&self.towns, self.epcis.len());
        self.dep_coverage = index.coverage(&self.dep_towns, self.dep_codes.len());
        self.nearest = self.nearest_to_origin();
    }

    /// The coverage of an EPCI by SIREN (share 0–1 of its population).
    pub fn coverage_of(&self, siren: &str) -> Option<f64> {
        let i = self
            .epcis
            .binary_search_by(|e| e.as_str().cmp(siren))
            .ok()?;
        self.coverage.share(i)
    }

    /// What the EPCI's detail says of its coverage; `None` for a code
    /// that is not an EPCI with inhabitants.
    pub fn coverage_text(&self, siren: &str, lang: Lang) -> Option<String> {
        let share = self.coverage_of(siren)?;
        Some(coverage_text(share, self.minutes, self.mode, lang))
    }

    /// What a shared link keeps of the places: filters (kinds by id, labels,
    /// services and publics by index), threshold, the searched point and
    /// the selected place (`site:ID`).
    pub fn state(&self) -> State {
        let f = &self.sites.filter;
        let bits = |m: u32| (0..32u16).filter(move |b| m & (1 << b) != 0);
        State {
            kinds: bits(u32::from(f.kinds))
                .filter_map(|b| KINDS.get(usize::from(b)).map(|k| k.id.to_owned()))
                .collect(),
            labels: bits(f.labels).map(|b| b.to_string()).collect(),
            services: bits(f.services).collect(),
            publics: bits(f.publics).collect(),
            open_now: f.open_now,
            saturday: f.saturday,
            accessible: f.accessible,
            itinerant: f.itinerant,
            weak_4g: f.weak_4g,
            minutes: (self.minutes != 15.0).then_some(self.minutes as u16),
            mode: (self.mode == Mode::Walk).then(|| "pied".to_owned()),
            point: self.origin.as_ref().map(|o| o.lon_lat),
            selection: self
                .sites
                .selected
                .and_then(|i| self.sites.table.sites.get(i))
                .map(|s| format!("site:{}", s.id)),
            ..State::default()
        }
    }

    /// Applies a shared link's state; what it names that this build does
    /// not have (a kind, a place id) is ignored. `origin_label` names the
    /// shared point in the list's title.
    pub fn apply(&mut self, s: &State, now_ms: f64, origin_label: &str) {
        let mut f = Filter::default();
        for k in &s.kinds {
            if let Some(i) = super::table::kind_index(k) {
                f.add("kind", i as u32);
            }
        }
        for l in &s.labels {
            if let Ok(b) = l.parse::<u32>() {
                f.add("label", b);
            }
        }
        for &b in &s.services {
            f.add("service", u32::from(b));
        }
        for &b in &s.publics {
            f.add("public", u32::from(b));
        }
        f.open_now = s.open_now;
        f.saturday = s.saturday;
        f.accessible = s.accessible;
        f.itinerant = s.itinerant;
        f.weak_4g = s.weak_4g;
        self.sites.set_filter(f, now_ms);
        let mode = s.mode.as_deref().and_then(Mode::parse).unwrap_or(self.mode);
        self.set_reach(s.minutes.map_or(self.minutes, f64::from), mode);
        self.set_origin(s.point.map(|lon_lat| Origin {
            lon_lat,
            label: origin_label.to_owned(),
        }));
        let id = s.selection.as_deref().and_then(|x| x.strip_prefix("site:"));
        self.sites.selected = id.and_then(|id| {
            self.sites
                .table
                .sites
                .iter()
                .position(|site| site.id == id)
                .filter(|&i| self.sites.selection.keep.get(i).copied().unwrap_or(false))
        });
    }

    /// The places passing the filters in an EPCI, by kind, and its
    /// population (the départements' strategies count their structures
    /// this way); `None` for a code that is not an EPCI of the communes.
    pub fn summary(&self, siren: &str) -> Option<Summary> {
        let e = self
            .epcis
            .binary_search_by(|x| x.as_str().cmp(siren))
            .ok()?;
        let population = self.coverage.total.get(e).copied().unwrap_or(0.0);
        let e = e as u32;
        Some(
            self.count_in(population, self.coverage.share(e as usize), |site| {
                self.commune_epci.get(&site.commune) == Some(&e)
            }),
        )
    }

    /// The shown places for which `inside` holds, counted by kind.
    fn count_in(
        &self,
        population: f64,
        coverage: Option<f64>,
        inside: impl Fn(&super::table::Site) -> bool,
    ) -> Summary {
        let mut s = Summary {
            population,
            coverage,
            ..Summary::default()
        };
        for i in self.sites.shown() {
            let Some(site) = self.sites.table.sites.get(i).filter(|s| inside(s)) else {
                continue;
            };
            s.places += 1;
            for (k, n) in s.by_kind.iter_mut().enumerate() {
                *n += usize::from(site.packed.kinds & (1 << k) != 0);
            }
        }
        s
    }

    /// The coverage field's label ("Habitants à moins de 15 min en voiture
    /// d'un lieu affiché").
    pub fn coverage_label(&self, lang: Lang) -> String {
        crate::i18n::places::coverage_field_label(self.minutes, self.mode, lang)
    }

    /// The coverage of every EPCI in percent, by SIREN: the values of the
    /// coverage choropleth field.
    pub fn coverage_percent(&self) -> HashMap<String, f64> {
        self.epcis
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((e.clone(), self.coverage.share(i)? * 100.0)))
            .collect()
    }
}

/// What to read for the places, decided from the manifest and the
/// element's attributes (`sites`, `network-*`, `minutes`, `mode`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacesPlan {
    /// The places' table (read whole).
    pub table_path: String,
    /// The full sites file (one range per card).
    pub full_path: String,
    /// The communes' table (read whole: search and coverage).
    pub communes_path: String,
    /// The table's lists.
    pub table: TableFile,
    /// The hub's network.
    pub network: Network,
    /// Coverage threshold, minutes.
    pub minutes: f64,
    /// How it is travelled.
    pub mode: Mode,
    /// The address geocoder, if the page gives one.
    pub geocoder: Option<String>,
    /// Speeds and detour factor of the estimates.
    pub travel: Travel,
}

/// Values of the attributes the places read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlacesAttributes {
    /// `sites`: shows the places unless "off" (absent: no places).
    pub sites: Option<String>,
    /// `network-sources`: source ids, comma-separated.
    pub network_sources: Option<String>,
    /// `network-labels`: label names, comma-separated.
    pub network_labels: Option<String>,
    /// `network-ids`: place ids, comma- or space-separated.
    pub network_ids: Option<String>,
    /// `minutes`: coverage threshold, 1 to 120.
    pub minutes: Option<String>,
    /// `mode`: "voiture" (default) or "pied".
    pub mode: Option<String>,
    /// `geocoder`: address of a BAN-compatible `search/` endpoint.
    pub geocoder: Option<String>,
    /// `zones`: draws the weak coverage zones unless "off" (absent: none).
    pub zones: Option<String>,
    /// `network-manifest`: address of a hub's own manifest whose sites
    /// layer replaces the national one.
    pub network_manifest: Option<String>,
    /// `speed-walk`: walking speed of the estimates, km/h (1 to 10).
    pub speed_walk: Option<String>,
    /// `speed-car`: average car speed, km/h (5 to 130).
    pub speed_car: Option<String>,
    /// `detour`: road distance ÷ straight line (1 to 3).
    pub detour: Option<String>,
}

fn items(v: &str, sep: &[char]) -> Vec<String> {
    v.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl PlacesPlan {
    /// The plan, `Ok(None)` when the page shows no places; an attribute
    /// that names an unknown source or label is an error that says which.
    /// With `network`, a hub's own manifest, the places are its sites
    /// layer's (the communes stay the main manifest's).
    /// Errors are written in `lang`.
    pub fn new(
        manifest: &Manifest,
        network: Option<&Manifest>,
        a: &PlacesAttributes,
        lang: Lang,
    ) -> Result<Option<PlacesPlan>, String> {
        use crate::i18n::attribute_why;
        use crate::i18n::places::{place_text, PlaceText};
        use crate::map::describe::cut;
        let t = |w: PlaceText| place_text(w, lang);
        match a.sites.as_deref().map(str::trim) {
            None | Some("off") => return Ok(None),
            _ => {}
        }
        let layer = network
            .unwrap_or(manifest)
            .layers
            .iter()
            .find(|l| l.kind == LayerKind::Sites && l.table.is_some())
            .ok_or(t(PlaceText::NoPlacesTable))?;
        let table = layer.table.clone().ok_or(t(PlaceText::NoPlacesTable))?;
        let full_path = layer
            .files
            .last()
            .map(|f| f.path.clone())
            .ok_or(t(PlaceText::NoPlacesFile))?;
        let communes_path = manifest
            .layer("communes")
            .and_then(|l| Some(l.table.as_ref()?.path.clone()))
            .ok_or(t(PlaceText::NoCommunesTable))?;
        let bits = |attr: &str, list: &str, v: &Option<String>| -> Result<u32, String> {
            let values = table.list(list);
            let mut m = 0u32;
            for name in items(v.as_deref().unwrap_or(""), &[',']) {
                let i = values
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(&name))
                    .ok_or_else(|| {
                        crate::i18n::places::unknown_value(attr, &cut(&name, 40), lang)
                    })?;
                m |= 1 << i;
            }
            Ok(m)
        };
        let network = Network {
            sources: bits("network-sources", "sources", &a.network_sources)? as u16,
            labels: bits("network-labels", "labels", &a.network_labels)?,
            ids: Vec::new(),
        }
        .with_ids(items(
            a.network_ids.as_deref().unwrap_or(""),
            &[',', ' ', '\n', '\t'],
        ));
        let minutes = match a.minutes.as_deref() {
            None => 15.0,
            Some(m) => m
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|m| (1..=120).contains(m))
                .map(f64::from)
                .ok_or_else(|| {
                    let why = crate::i18n::number_between("1", "120", lang);
                    attribute_why("minutes", &cut(m, 20), &why, lang)
                })?,
        };
        let mode = match a.mode.as_deref() {
            None => Mode::Car,
            Some(m) => Mode::parse(m)
                .ok_or_else(|| attribute_why("mode", &cut(m, 20), t(PlaceText::CarOrFoot), lang))?,
        };
        let geocoder = match a.geocoder.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(g) if crate::sites::words::is_web_address(g) => Some(g.to_owned()),
            Some(g) => {
                return Err(attribute_why(
                    "geocoder",
                    &cut(g, 40),
                    t(PlaceText::WebAddressOnly),
                    lang,
                ))
            }
        };
        // Estimates' settings: a value out of range is said, not clamped.
        let setting = |name: &str, v: &Option<String>, default: f64, lo: f64, hi: f64| match v
            .as_deref()
            .map(str::trim)
        {
            None => Ok(default),
            Some(t) => crate::map::view::decimal(t)
                .filter(|x| (lo..=hi).contains(x))
                .ok_or_else(|| {
                    use crate::style::legend::plain_number;
                    let why =
                        crate::i18n::number_between(&plain_number(lo), &plain_number(hi), lang);
                    attribute_why(name, &cut(t, 20), &why, lang)
                }),
        };
        let d = Travel::default();
        let travel = Travel {
            walk_kmh: setting("speed-walk", &a.speed_walk, d.walk_kmh, 1.0, 10.0)?,
            car_kmh: setting("speed-car", &a.speed_car, d.car_kmh, 5.0, 130.0)?,
            detour: setting("detour", &a.detour, d.detour, 1.0, 3.0)?,
        };
        Ok(Some(PlacesPlan {
            travel,
            geocoder,
            table_path: table.path.clone(),
            full_path,
            communes_path,
            table,
            network,
            minutes,
            mode,
        }))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::map::Shape;
    use crate::sites::table::{Packed, Site, SiteTable};

    fn commune(
        code: &str,
        name: &str,
        epci: &str,
        population: f64,
        lon_lat: [f64; 2],
    ) -> CommuneRow {
        CommuneRow {
            code: code.into(),
            name: name.into(),
            epci: epci.into(),
            departement: code[..2].into(),
            population,
            postal_codes: String::new(),
            lon_lat,
        }
    }

    fn site(id: &str, kinds: u16, lon_lat: [f64; 2]) -> Site {
        Site {
            id: id.into(),
            name: id.into(),
            commune: "62041".into(),
            lon_lat,
            packed: Packed {
                kinds,
                ..Packed::default()
            },
        }
    }

    /// Synthetic: along the parallel 50.3° N, a degree of longitude is
    /// 71.0 km; 15 min by car reach 7,692 m.
    pub(crate) fn places() -> Places {
        let communes = [
            commune("62001", "Alpha", "200000001", 1_000.0, [2.70, 50.3]),
            commune("62002", "Beta", "200000001", 3_000.0, [2.77, 50.3]),
            commune("62003", "Gamma", "200000002", 500.0, [3.00, 50.3]),
            commune("62004", "Delta", "200000002", 1_500.0, [3.30, 50.3]),
        ];
        let table = SiteTable {
            sites: vec![
                site("fs", 0b1, [2.70, 50.3]),
                site("med", 0b100, [3.05, 50.3]),
            ],
            rejected: 0,
        };
        let sites = SitesView::new(table, None, Network::default(), 0.0);
        Places::new(sites, &communes)
    }

    #[test]
    fn coverage_follows_the_filters_and_the_reach() {
        let mut p = places();
        // Alpha (on the France Services) and Beta (5.0 km away) are
        // covered; Gamma is 3.6 km from the library, Delta 17.8 km.
        assert_eq!(p.coverage_of("200000001"), Some(1.0));
        assert_eq!(p.coverage_of("200000002"), Some(0.25));
        assert_eq!(p.coverage_of("999999999"), None);
        let mut f = Filter::default();
        f.add("kind", 0);
        p.set_filter(f, 0.0);
        assert_eq!(p.coverage_of("200000001"), Some(1.0));
        assert_eq!(p.coverage_of("200000002"), Some(0.0));
        // On foot, 15 min reach 865 m: only Alpha.
        p.set_reach(15.0, Mode::Walk);
        assert_eq!(p.coverage_of("200000001"), Some(0.25));
        let pct = p.coverage_percent();
        assert_eq!((pct["200000001"], pct["200000002"]), (25.0, 0.0));
        assert_eq!(
            p.coverage_text("200000001", Lang::Fr).as_deref(),
            Some("25\u{a0}% des habitants à moins de 15 min à pied d'un lieu affiché (estimation)")
        );
        // Hostile thresholds are clamped.
        p.set_reach(f64::NAN, Mode::Car);
        assert_eq!(p.minutes, 15.0);
        p.set_reach(1e9, Mode::Car);
        assert_eq!(p.minutes, 120.0);
    }

    #[test]
    fn a_departement_is_summarised_with_its_coverage() {
        let mut p = places();
        assert_eq!(p.departement_summary("62"), None, "not asked");
        p.set_departements(&["62".to_owned(), "62".to_owned()]);
        let s = p.departement_summary("62").expect("asked");
        // Alpha, Beta and Gamma (4,500 of 6,000) are within reach.
        assert_eq!(
            (s.population, s.places, s.coverage),
            (6_000.0, 2, Some(0.75))
        );
        assert_eq!(s.by_kind[..3], [1, 0, 1]);
        let mut f = Filter::default();
        f.add("kind", 0);
        p.set_filter(f, 0.0);
        let s = p.departement_summary("62").expect("asked");
        assert_eq!((s.places, s.coverage), (1, Some(4_000.0 / 6_000.0)));
        assert_eq!(p.departement_summary("59"), None);
        assert_eq!(p.epci_population("200000002"), Some(2_000.0));
        let e = p.summary("200000001").expect("EPCI");
        assert_eq!((e.population, e.coverage), (4_000.0, Some(1.0)));
    }

    #[test]
    fn a_shared_state_restores_filters_point_and_place() {
        let mut p = places();
        let mut f = Filter::default();
        f.add("kind", 0);
        f.add("label", 2);
        f.add("flag", crate::sites::filter::SATURDAY_OPEN);
        p.set_filter(Filter::default(), 0.0);
        p.set_reach(20.0, Mode::Walk);
        p.set_origin(Some(Origin {
            lon_lat: [2.77, 50.3],
            label: "Beta".into(),
        }));
        p.sites.selected = Some(1);
        p.sites.set_filter(f.clone(), 0.0);
        // The library does not pass: the selection is dropped.
        assert_eq!(p.sites.selected, None);
        p.sites.set_filter(Filter::default(), 0.0);
        p.sites.selected = Some(1);
        let shared = p.state();
        assert_eq!(shared.selection.as_deref(), Some("site:med"));
        assert_eq!(
            shared.encode(),
            "minutes=20&mode=pied&sel=site%3Amed&point=2.77000,50.30000"
        );
        let mut q = places();
        q.apply(&State::decode(&shared.encode()), 0.0, "le point partagé");
        assert_eq!(
            (q.minutes, q.mode, q.sites.selected),
            (20.0, Mode::Walk, Some(1))
        );
        assert_eq!(
            q.origin.as_ref().map(|o| o.label.as_str()),
            Some("le point partagé")
        );
        assert_eq!(q.nearest.len(), 2);
        // Filters travel as kind ids and indices.
        p.sites.set_filter(f.clone(), 0.0);
        let s = p.state();
        assert_eq!(
            (s.kinds.clone(), s.labels.clone(), s.saturday),
            (
                vec!["france-services".to_owned()],
                vec!["2".to_owned()],
                true
            )
        );
        q.apply(&State::decode(&s.encode()), 0.0, "x");
        assert_eq!(q.sites.filter, f);
        // Unknown kinds and places are ignored.
        q.apply(&State::decode("types=velo&sel=site%3Anope"), 0.0, "x");
        assert!(q.sites.filter.is_empty());
        assert_eq!(q.sites.selected, None);
    }

    #[test]
    fn exports_the_shown_places_and_the_epci_table() {
        let mut p = places();
        let mut f = Filter::default();
        f.add("kind", 0);
        p.set_filter(f, 0.0);
        p.set_origin(Some(Origin {
            lon_lat: [2.77, 50.3],
            label: "Beta".into(),
        }));
        assert_eq!(
            crate::sites::export::places_csv(&p),
            "\u{feff}identifiant;nom;types;code commune;longitude;latitude;position approximative;distance au point recherché (m)\r\n\
             fs;fs;France Services;62041;2,70000;50,30000;non;4972\r\n"
        );
        let mut epci = Shape::default();
        epci.code = "200000002".into();
        epci.name = "=HYPERLINK(\"http://x\")".into();
        epci.value = Some(6.25);
        assert_eq!(
            crate::sites::export::epci_csv(&[epci], "IFN", Some(&p)),
            "\u{feff}code;nom;IFN;habitants à moins de 15 min en voiture d'un lieu affiché (%)\r\n\
             200000002;\"'=HYPERLINK(\"\"http://x\"\")\";6,25;0,0\r\n"
        );
    }

    #[test]
    fn an_epci_summary_counts_its_shown_places_by_kind() {
        let mut p = places();
        // Both synthetic places sit in commune 62041, not in the fixture's
        // communes: give them Alpha's and Gamma's.
        p.sites.table.sites[0].commune = "62001".into();
        p.sites.table.sites[1].commune = "62003".into();
        let s = p.summary("200000001").expect("an EPCI");
        assert_eq!(
            (s.population, s.places, s.by_kind[0], s.by_kind[2]),
            (4_000.0, 1, 1, 0)
        );
        let s = p.summary("200000002").expect("an EPCI");
        assert_eq!((s.population, s.places, s.by_kind[2]), (2_000.0, 1, 1));
        let mut f = Filter::default();
        f.add("kind", 0);
        p.set_filter(f, 0.0);
        assert_eq!(p.summary("200000002").map(|s| s.places), Some(0));
        assert_eq!(p.summary("62"), None);
    }

    #[test]
    fn nearest_places_to_a_searched_commune() {
        let mut p = places();
        let gamma = p.communes.search("gamma", 5)[0].clone();
        p.set_origin(Some(Origin {
            lon_lat: gamma.lon_lat,
            label: gamma.name.clone(),
        }));
        let order: Vec<(usize, u32)> = p
            .nearest
            .iter()
            .map(|&(i, m)| (i, (m / 100.0).round() as u32))
            .collect();
        // The library 3.6 km east, then the France Services 21.3 km west.
        assert_eq!(order, [(1, 36), (0, 213)]);
        let mut f = Filter::default();
        f.add("kind", 0);
        p.set_filter(f, 0.0);
        assert_eq!(p.nearest.len(), 1);
        assert_eq!(p.nearest[0].0, 0);
        p.set_origin(Some(Origin {
            lon_lat: [f64::NAN, 1.0],
            label: "x".into(),
        }));
        assert!(p.origin.is_none() && p.nearest.is_empty());
    }

    fn manifest_with_table() -> Manifest {
        Manifest::from_json(&manifest_json()).expect("manifest")
    }

    fn manifest_json() -> String {
        let json = r#"{"format":1,"build_date":"","generator":"","sources":[],"layers":[
          {"id":"communes","kind":"rates","title":{"fr":"c","en":"c"},"geometry":"Point","feature_count":1,
           "bbox":[0,0,1,1],"files":[{"path":"communes-overview.fgb","min_zoom":0,"max_zoom":7,"tolerance_m":0,"bytes":1,"sha256":"","indexed":false}],
           "fields":[],"sources":[],"table":{"path":"communes-table.bin","bytes":1,"sha256":"","lists":[]}},
          {"id":"sites","kind":"sites","title":{"fr":"s","en":"s"},"geometry":"Point","feature_count":1,
           "bbox":[0,0,1,1],"files":[{"path":"sites.fgb","min_zoom":0,"max_zoom":24,"tolerance_m":0,"bytes":1,"sha256":"","indexed":true}],
           "fields":[],"sources":[],
           "table":{"path":"sites-table.bin","bytes":1,"sha256":"","lists":[
             {"field":"labels","values":["Conseiller numérique","Aidants Connect","France Services"]},
             {"field":"sources","values":["mairies","france-services-2024"]}]}}]}"#;
        json.to_owned()
    }

    /// A hub's own manifest gives the places (its table, its sources for
    /// `network-sources`); the communes stay the main manifest's.
    #[test]
    fn a_hub_manifest_gives_its_own_places() {
        let m = manifest_with_table();
        let hub = Manifest::from_json(
            r#"{"format":1,"build_date":"","generator":"","sources":[],"layers":[
          {"id":"sites","kind":"sites","title":{"fr":"s","en":"s"},"geometry":"Point","feature_count":2,
           "bbox":[0,0,1,1],"files":[{"path":"reseau.fgb","min_zoom":0,"max_zoom":24,"tolerance_m":0,"bytes":1,"sha256":"","indexed":true}],
           "fields":[],"sources":[],
           "table":{"path":"reseau-table.bin","bytes":1,"sha256":"","lists":[
             {"field":"sources","values":["lieux-schema-v1"]}]}}]}"#,
        )
        .expect("hub manifest");
        let a = PlacesAttributes {
            sites: Some(String::new()),
            network_sources: Some("lieux-schema-v1".into()),
            ..PlacesAttributes::default()
        };
        let p = PlacesPlan::new(&m, Some(&hub), &a, Lang::Fr)
            .expect("valid")
            .expect("places");
        assert_eq!(
            (
                p.table_path.as_str(),
                p.full_path.as_str(),
                p.communes_path.as_str()
            ),
            ("reseau-table.bin", "reseau.fgb", "communes-table.bin")
        );
        assert_eq!(p.network.sources, 0b1);
        // The national sources are not the hub's.
        assert!(PlacesPlan::new(&m, None, &a, Lang::Fr).is_err());
    }

    #[test]
    fn the_plan_reads_the_attributes_and_names_bad_ones() {
        let m = manifest_with_table();
        let none = PlacesPlan::new(&m, None, &PlacesAttributes::default(), Lang::Fr);
        assert_eq!(none, Ok(None));
        let a = PlacesAttributes {
            sites: Some(String::new()),
            network_sources: Some("france-services-2024".into()),
            network_labels: Some("aidants connect, France Services".into()),
            network_ids: Some("b a\na".into()),
            minutes: Some("20".into()),
            mode: Some("pied".into()),
            geocoder: Some("https://api-adresse.data.gouv.fr/search/".into()),
            ..PlacesAttributes::default()
        };
        let p = PlacesPlan::new(&m, None, &a, Lang::Fr)
            .expect("valid")
            .expect("places");
        assert_eq!(
            (p.table_path.as_str(), p.full_path.as_str()),
            ("sites-table.bin", "sites.fgb")
        );
        assert_eq!(p.communes_path, "communes-table.bin");
        // Layers built before the communes' table: said, with what to do.
        let without = Manifest::from_json(&manifest_json().replace(
            r#","table":{"path":"communes-table.bin","bytes":1,"sha256":"","lists":[]}"#,
            "",
        ))
        .expect("manifest");
        assert_eq!(
            PlacesPlan::new(&without, None, &a, Lang::Fr),
            Err("le manifeste n'a pas de table des communes".into())
        );
        assert_eq!((p.network.sources, p.network.labels), (0b10, 0b110));
        assert_eq!(p.network.ids, ["a", "b"]);
        assert_eq!((p.minutes, p.mode), (20.0, Mode::Walk));
        assert_eq!(p.travel, Travel::default());
        let set = PlacesAttributes {
            speed_walk: Some("3.5".into()),
            speed_car: Some("30".into()),
            detour: Some("1.5".into()),
            ..a.clone()
        };
        let t = PlacesPlan::new(&m, None, &set, Lang::Fr)
            .expect("valid")
            .expect("places")
            .travel;
        assert_eq!((t.walk_kmh, t.car_kmh, t.detour), (3.5, 30.0, 1.5));
        assert_eq!(
            p.geocoder.as_deref(),
            Some("https://api-adresse.data.gouv.fr/search/")
        );
        let bad =
            |a: PlacesAttributes| PlacesPlan::new(&m, None, &a, Lang::Fr).expect_err("refused");
        let base = PlacesAttributes {
            sites: Some("on".into()),
            ..PlacesAttributes::default()
        };
        assert_eq!(
            bad(PlacesAttributes {
                network_labels: Some("Aptic".into()),
                ..base.clone()
            }),
            "network-labels : « Aptic » inconnu"
        );
        assert!(bad(PlacesAttributes {
            minutes: Some("0".into()),
            ..base.clone()
        })
        .starts_with("minutes=\"0\""));
        assert!(bad(PlacesAttributes {
            mode: Some("vélo".into()),
            ..base.clone()
        })
        .starts_with("mode=\"vélo\""));
        assert!(bad(PlacesAttributes {
            geocoder: Some("javascript:alert(1)".into()),
            ..base.clone()
        })
        .starts_with("geocoder="));
        assert_eq!(
            bad(PlacesAttributes {
                speed_car: Some("0".into()),
                ..base.clone()
            }),
            "speed-car=\"0\" : un nombre de 5 à 130"
        );
        assert!(bad(PlacesAttributes {
            detour: Some("NaN".into()),
            ..base.clone()
        })
        .starts_with("detour="));
        let off = PlacesAttributes {
            sites: Some("off".into()),
            ..base
        };
        assert_eq!(PlacesPlan::new(&m, None, &off, Lang::Fr), Ok(None));
    }
}
