//! Which places the map shows: a hub's network restriction, then the
//! visitor's filters, over the whole [`SiteTable`] at once (62,700 places
//! in about a millisecond), with the counts the legend and the summary show.
//!
//! Within one facet the choices are alternatives (France Services *or*
//! médiathèque), across facets they all apply (a France Services *and*
//! open on Saturday), as in every faceted search.

use super::hours::local_time;
use super::table::{SiteTable, ACCESSIBLE, ITINERANT, KINDS, WEAK_4G};

/// The visitor's filters; a zero mask means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Kinds (bit *i* = `KINDS[i]`).
    pub kinds: u16,
    /// Labels (bits of the manifest's `labels` list).
    pub labels: u32,
    /// Services (bits of the manifest's `services` list).
    pub services: u32,
    /// Publics (bits of the manifest's `publics` list).
    pub publics: u32,
    /// Open at the moment of the query, in the place's local time.
    pub open_now: bool,
    /// Open on Saturdays.
    pub saturday: bool,
    /// Stated accessible to people with reduced mobility.
    pub accessible: bool,
    /// Itinerant services only.
    pub itinerant: bool,
    /// Only places in a weak 4G coverage zone.
    pub weak_4g: bool,
}

/// A hub page's network: the places it showcases. Every part set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Network {
    /// Sources (bits of the manifest's `sources` list); 0 = any.
    pub sources: u16,
    /// Labels; 0 = any.
    pub labels: u32,
    /// Place identifiers, sorted; empty = any.
    pub ids: Vec<String>,
}

impl Network {
    /// A network from a list of identifiers in any order.
    pub fn with_ids(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.ids = ids.into_iter().collect();
        self.ids.sort_unstable();
        self.ids.dedup();
        self
    }

    /// Whether it restricts anything.
    pub fn is_everything(&self) -> bool {
        self.sources == 0 && self.labels == 0 && self.ids.is_empty()
    }
}

/// The places that pass, with counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Per place of the table, whether it is shown.
    pub keep: Vec<bool>,
    /// How many are shown.
    pub count: usize,
    /// How many shown places have each kind (a place of two kinds counts in both).
    pub by_kind: [usize; KINDS.len()],
    /// How many places the network holds before the visitor's filters
    /// ("124 lieux sur 3 250").
    pub in_network: usize,
    /// How many shown places are in a weak 4G coverage zone.
    pub weak_4g: usize,
}

fn any(mask: u32, bits: u32) -> bool {
    mask == 0 || mask & bits != 0
}

/// Saturday in week days (Monday = 0).
const SATURDAY: u8 = 5;

/// [`Filter::add`] flag: open now.
pub const OPEN_NOW: u32 = 0;
/// [`Filter::add`] flag: open on Saturday.
pub const SATURDAY_OPEN: u32 = 1;
/// [`Filter::add`] flag: itinerant services only.
pub const ITINERANT_ONLY: u32 = 2;
/// [`Filter::add`] flag: accessible places only.
pub const ACCESSIBLE_ONLY: u32 = 3;
/// [`Filter::add`] flag: places in weak 4G coverage zones only.
pub const WEAK_4G_ONLY: u32 = 4;

impl Filter {
    /// Adds one choice of the filters panel: facet `kind`, `label`,
    /// `service` or `public` with a bit index, or `flag` with
    /// [`OPEN_NOW`], [`SATURDAY`], [`ITINERANT_ONLY`], [`ACCESSIBLE_ONLY`] or
    /// [`WEAK_4G_ONLY`].
    /// Unknown facets and bits out of range are ignored.
    pub fn add(&mut self, facet: &str, bit: u32) {
        let b = 1u32.checked_shl(bit).unwrap_or(0);
        match facet {
            "kind" if (bit as usize) < KINDS.len() => self.kinds |= b as u16,
            "label" => self.labels |= b,
            "service" => self.services |= b,
            "public" => self.publics |= b,
            "flag" => match bit {
                OPEN_NOW => self.open_now = true,
                SATURDAY_OPEN => self.saturday = true,
                ITINERANT_ONLY => self.itinerant = true,
                ACCESSIBLE_ONLY => self.accessible = true,
                WEAK_4G_ONLY => self.weak_4g = true,
                _ => {}
            },
            _ => {}
        }
    }

    /// The choices of [`Filter::add`] that make up this filter, in panel
    /// order: what the panel checks when a shared link restores it.
    pub fn choices(&self) -> Vec<(&'static str, u32)> {
        let bits = |facet: &'static str, m: u32| {
            (0..32)
                .filter(move |b| m & (1 << b) != 0)
                .map(move |b| (facet, b))
        };
        let flags = [
            (self.open_now, OPEN_NOW),
            (self.saturday, SATURDAY_OPEN),
            (self.itinerant, ITINERANT_ONLY),
            (self.accessible, ACCESSIBLE_ONLY),
            (self.weak_4g, WEAK_4G_ONLY),
        ];
        bits("kind", u32::from(self.kinds))
            .chain(bits("label", self.labels))
            .chain(bits("service", self.services))
            .chain(bits("public", self.publics))
            .chain(flags.into_iter().filter(|f| f.0).map(|f| ("flag", f.1)))
            .collect()
    }

    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// Whether one place passes, `now` being its local (weekday, minute)
    /// when "open now" is asked.
    fn keeps(&self, p: &super::table::Packed, now: Option<(u8, u16)>) -> bool {
        any(u32::from(self.kinds), u32::from(p.kinds))
            && any(self.labels, p.labels)
            && any(self.services, p.services)
            && any(self.publics, p.publics)
            && (!self.saturday || p.week.opens_on(SATURDAY))
            && (!self.accessible || p.flags & ACCESSIBLE != 0)
            && (!self.itinerant || p.flags & ITINERANT != 0)
            && (!self.weak_4g || p.flags & WEAK_4G != 0)
            && (!self.open_now || now.is_some_and(|(d, m)| p.week.is_open(d, m)))
    }
}

/// Applies the network then the filters to every place; `now_ms` is the
/// current time (Unix milliseconds), used only by "open now".
pub fn select(table: &SiteTable, network: &Network, filter: &Filter, now_ms: f64) -> Selection {
    let mut s = Selection {
        keep: Vec::with_capacity(table.sites.len()),
        ..Selection::default()
    };
    // Local time depends only on the time zone: metropolitan France, or
    // one of a handful of overseas départements. Cache the last one.
    let mut zone: Option<(String, Option<(u8, u16)>)> = None;
    for site in &table.sites {
        let p = &site.packed;
        let in_network = any(u32::from(network.sources), u32::from(p.sources))
            && any(network.labels, p.labels)
            && (network.ids.is_empty() || network.ids.binary_search(&site.id).is_ok());
        let now = if filter.open_now && in_network {
            let dep = site.departement();
            match &zone {
                Some((d, t)) if zone_of(d) == zone_of(dep) => *t,
                _ => {
                    let t = local_time(now_ms, dep);
                    zone = Some((dep.to_owned(), t));
                    t
                }
            }
        } else {
            None
        };
        let kept = in_network && filter.keeps(p, now);
        s.in_network += usize::from(in_network);
        if kept {
            s.count += 1;
            s.weak_4g += usize::from(p.flags & WEAK_4G != 0);
            for (k, n) in s.by_kind.iter_mut().enumerate() {
                *n += usize::from(p.kinds & (1 << k) != 0);
            }
        }
        s.keep.push(kept);
    }
    s
}

/// Départements sharing a time zone share this key (metropolitan France is
/// one zone; overseas départements are their own).
fn zone_of(dep: &str) -> &str {
    if dep.starts_with("97") {
        dep
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sites::hours::Week;
    use crate::sites::table::{Packed, Site};

    fn site(id: &str, commune: &str, kinds: u16, labels: u32, flags: u8, hours: &str) -> Site {
        Site {
            id: id.into(),
            name: id.into(),
            commune: commune.into(),
            lon_lat: [2.78, 50.29],
            packed: Packed {
                kinds,
                labels,
                flags,
                sources: 1,
                week: if hours.is_empty() {
                    Week::default()
                } else {
                    Week::from_json(hours).unwrap_or_default()
                },
                ..Packed::default()
            },
        }
    }

    /// Synthetic: four places in Arras (62) and one in La Réunion (974).
    fn table() -> SiteTable {
        let weekdays = r#"{"mo":[["09:00","17:00"]],"tu":[["09:00","17:00"]],"we":[["09:00","17:00"]],"th":[["09:00","17:00"]],"fr":[["09:00","17:00"]]}"#;
        let saturday = r#"{"sa":[["09:00","12:00"]]}"#;
        SiteTable {
            sites: vec![
                site("fs-1", "62041", 0b1, 0b1, 0, weekdays),
                site("cn-1", "62041", 0b10, 0b10, ITINERANT, saturday),
                site("med-1", "62041", 0b100, 0, ACCESSIBLE | WEAK_4G, ""),
                site("fs-cn", "62041", 0b11, 0b11, 0, weekdays),
                site("fs-974", "97411", 0b1, 0b1, 0, weekdays),
            ],
            rejected: 0,
        }
    }

    /// Thursday 3 December 2026, 10:00 UTC (11:00 in Arras, 14:00 in La Réunion).
    const THURSDAY_10_UTC: f64 = 1_796_292_000_000.0;
    /// Thursday 3 December 2026, 15:30 UTC (16:30 in Arras, 19:30 in La Réunion).
    const THURSDAY_1530_UTC: f64 = 1_796_311_800_000.0;

    fn ids(t: &SiteTable, s: &Selection) -> Vec<String> {
        t.sites
            .iter()
            .zip(&s.keep)
            .filter(|(_, k)| **k)
            .map(|(s, _)| s.id.clone())
            .collect()
    }

    #[test]
    fn facets_or_within_and_across() {
        let t = table();
        let all = select(&t, &Network::default(), &Filter::default(), 0.0);
        assert_eq!((all.count, all.in_network, all.weak_4g), (5, 5, 1));
        assert_eq!(all.by_kind[..3], [3, 2, 1]);
        let mut f = Filter::default();
        f.add("kind", 0);
        f.add("kind", 2);
        let s = select(&t, &Network::default(), &f, 0.0);
        assert_eq!(ids(&t, &s), ["fs-1", "med-1", "fs-cn", "fs-974"]);
        f.add("label", 1);
        let s = select(&t, &Network::default(), &f, 0.0);
        assert_eq!(ids(&t, &s), ["fs-cn"]);
        assert_eq!(s.by_kind[..2], [1, 1]);
        let mut f = Filter::default();
        f.add("flag", ITINERANT_ONLY);
        assert_eq!(ids(&t, &select(&t, &Network::default(), &f, 0.0)), ["cn-1"]);
        let mut f = Filter::default();
        f.add("flag", ACCESSIBLE_ONLY);
        assert_eq!(
            ids(&t, &select(&t, &Network::default(), &f, 0.0)),
            ["med-1"]
        );
        let mut f = Filter::default();
        f.add("flag", WEAK_4G_ONLY);
        assert_eq!(
            ids(&t, &select(&t, &Network::default(), &f, 0.0)),
            ["med-1"]
        );
        let mut f = Filter::default();
        f.add("flag", SATURDAY_OPEN);
        assert_eq!(ids(&t, &select(&t, &Network::default(), &f, 0.0)), ["cn-1"]);
        // Hostile choices are ignored.
        let mut f = Filter::default();
        f.add("kind", 40);
        f.add("nothing", 1);
        f.add("label", 99);
        assert!(f.is_empty());
    }

    #[test]
    fn open_now_in_each_place_s_local_time() {
        let t = table();
        let mut f = Filter::default();
        f.add("flag", OPEN_NOW);
        let s = select(&t, &Network::default(), &f, THURSDAY_10_UTC);
        assert_eq!(ids(&t, &s), ["fs-1", "fs-cn", "fs-974"]);
        // 16:30 in Arras (open until 17:00), 19:30 in La Réunion (closed).
        let s = select(&t, &Network::default(), &f, THURSDAY_1530_UTC);
        assert_eq!(ids(&t, &s), ["fs-1", "fs-cn"]);
    }

    #[test]
    fn a_network_restricts_before_the_filters() {
        let t = table();
        let n = Network {
            labels: 0b10,
            ..Network::default()
        };
        let s = select(&t, &n, &Filter::default(), 0.0);
        assert_eq!(ids(&t, &s), ["cn-1", "fs-cn"]);
        assert_eq!(s.in_network, 2);
        let n =
            Network::default().with_ids(["med-1".to_owned(), "fs-1".to_owned(), "fs-1".to_owned()]);
        let mut f = Filter::default();
        f.add("kind", 0);
        let s = select(&t, &n, &f, 0.0);
        assert_eq!(ids(&t, &s), ["fs-1"]);
        assert_eq!((s.count, s.in_network), (1, 2));
        let n = Network {
            sources: 0b10,
            ..Network::default()
        };
        assert_eq!(select(&t, &n, &Filter::default(), 0.0).count, 0);
    }

    #[test]
    fn choices_round_trip_through_add() {
        let mut f = Filter::default();
        for (facet, bit) in [
            ("kind", 3),
            ("label", 0),
            ("service", 14),
            ("public", 2),
            ("flag", OPEN_NOW),
            ("flag", ACCESSIBLE_ONLY),
            ("flag", WEAK_4G_ONLY),
        ] {
            f.add(facet, bit);
        }
        let mut g = Filter::default();
        for (facet, bit) in f.choices() {
            g.add(facet, bit);
        }
        assert_eq!(f, g);
        assert_eq!(f.choices().len(), 7);
    }
}
