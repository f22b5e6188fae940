//! The places on the map: the table, the current network and filters,
//! what passes them, and the markers of a frame (single places coloured by
//! kind, clusters with their count where they crowd).

use super::filter::{select, Filter, Network, Selection};
use super::table::{SiteTable, KINDS};
use crate::geom::camera::Camera;
use crate::geom::mercator::lon_lat_to_world;
use crate::manifest::TableFile;
use crate::map::cluster::{cluster, drawn_radius, merge_overlaps};
use crate::scene::{Item, Rgba};

/// Feature ids of single places in the display list: `SITE_IDS + index`
/// (territories use their index, far below).
pub const SITE_IDS: u32 = 0x4000_0000;
/// Feature ids of clusters: `CLUSTER_IDS + index` in the frame's clusters.
pub const CLUSTER_IDS: u32 = 0x6000_0000;

/// Places closer than this on screen (CSS px) are grouped below
/// [`CLUSTER_UNTIL`].
pub const CLUSTER_RADIUS: f64 = 36.0;
/// From this zoom on, only places at the same spot are grouped (a street
/// scale: every place can be told apart and tapped).
pub const CLUSTER_UNTIL: f64 = 13.0;

/// What a hit on the map's places is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteHit {
    /// One place (its index in the table).
    Site(usize),
    /// A group: zoom in on it, or list its members.
    Cluster(usize),
}

impl SiteHit {
    /// Reads a display-list feature id.
    pub fn of(feature: u32) -> Option<SiteHit> {
        match feature {
            f if f >= CLUSTER_IDS => Some(SiteHit::Cluster((f - CLUSTER_IDS) as usize)),
            f if f >= SITE_IDS => Some(SiteHit::Site((f - SITE_IDS) as usize)),
            _ => None,
        }
    }
}

/// A cluster as drawn: its screen position, count and members.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Centre, CSS px.
    pub at: [f64; 2],
    /// Indices of its places in the table.
    pub members: Vec<u32>,
}

/// The places layer of a map.
#[derive(Debug, Clone, Default)]
pub struct SitesView {
    /// Every place.
    pub table: SiteTable,
    /// The lists the table's masks refer to.
    pub lists: Option<TableFile>,
    /// World coordinates of each place, computed once.
    world: Vec<[f64; 2]>,
    /// The hub page's network.
    pub network: Network,
    /// The visitor's filters.
    pub filter: Filter,
    /// What passes both, with counts.
    pub selection: Selection,
    /// The selected place.
    pub selected: Option<usize>,
}

impl SitesView {
    /// A layer over `table`, showing every place of `network`.
    pub fn new(table: SiteTable, lists: Option<TableFile>, network: Network, now_ms: f64) -> Self {
        let world = table
            .sites
            .iter()
            .map(|s| lon_lat_to_world(s.lon_lat))
            .collect();
        let mut v = SitesView {
            table,
            lists,
            world,
            network,
            ..SitesView::default()
        };
        v.refilter(now_ms);
        v
    }

    /// Applies new filters (the selection is kept only if it still passes).
    pub fn set_filter(&mut self, filter: Filter, now_ms: f64) {
        self.filter = filter;
        self.refilter(now_ms);
    }

    /// Recomputes what passes (also when time moves on: "open now").
    pub fn refilter(&mut self, now_ms: f64) {
        self.selection = select(&self.table, &self.network, &self.filter, now_ms);
        if self
            .selected
            .is_some_and(|i| !self.selection.keep.get(i).copied().unwrap_or(false))
        {
            self.selected = None;
        }
    }

    /// Indices of the places shown.
    pub fn shown(&self) -> impl Iterator<Item = usize> + '_ {
        self.selection
            .keep
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.then_some(i))
    }

    /// The groups of shown places for a camera: clusters below
    /// [`CLUSTER_UNTIL`], places at the same spot above.
    pub fn groups(&self, camera: &Camera) -> Vec<Group> {
        let projector = camera.projector();
        let screen: Vec<[f64; 2]> = self.world.iter().map(|w| projector.project(*w)).collect();
        let grouped = camera.zoom().get() < CLUSTER_UNTIL;
        let radius = if grouped { CLUSTER_RADIUS } else { 0.5 };
        let view = [0.0, 0.0, camera.width(), camera.height()];
        let ids = self.shown().map(|i| i as u32);
        let kind = |i: u32| {
            self.table
                .sites
                .get(i as usize)
                .map_or(0, |s| s.main_kind() as u8)
        };
        let mut c = cluster(&screen, ids, radius, view, kind);
        // Circles that overlap would print their counts over each other.
        if grouped {
            merge_overlaps(&mut c, kind);
        }
        (0..c.list.len())
            .filter_map(|i| {
                let g = c.list.get(i)?;
                Some(Group {
                    at: [g.x, g.y],
                    members: c.members(i).to_vec(),
                })
            })
            .collect()
    }

    /// The markers of a frame, after the territories.
    pub fn items(&self, camera: &Camera) -> Vec<Item> {
        let mut out = Vec::new();
        let mut selected = None;
        for (i, g) in self.groups(camera).into_iter().enumerate() {
            let count = g.members.len() as u32;
            let first = g.members.first().map_or(0, |&m| m as usize);
            let kind = |m: &u32| {
                self.table
                    .sites
                    .get(*m as usize)
                    .map_or(KINDS.len() - 1, |s| s.main_kind())
            };
            // A group of one kind takes its colour; a mixed group is neutral.
            let k = kind(&(first as u32));
            let fill = if g.members.iter().all(|m| kind(m) == k) {
                let c = KINDS[k].color;
                Rgba([c.r, c.g, c.b, 255])
            } else {
                MIXED
            };
            let item = Item::Marker {
                feature: if count == 1 {
                    SITE_IDS + first as u32
                } else {
                    CLUSTER_IDS + i as u32
                },
                x: g.at[0] as f32,
                y: g.at[1] as f32,
                radius: drawn_radius(count) as f32,
                fill,
                text: (count > 1).then(|| count.to_string()),
            };
            if count == 1 && self.selected == Some(first) {
                selected = Some(item);
            } else {
                out.push(item);
            }
        }
        // The selected place on top, in a ring of the text colour.
        if let Some(Item::Marker {
            feature,
            x,
            y,
            radius,
            fill,
            ..
        }) = selected
        {
            out.push(Item::Marker {
                feature,
                x,
                y,
                radius: radius + 4.0,
                fill: SELECTED_RING,
                text: None,
            });
            // The renderer batches markers by colour in order of first
            // appearance: an alpha of 254 makes the selected place a batch
            // of its own, painted after its ring.
            let [r, g, b, _] = fill.0;
            out.push(Item::Marker {
                feature,
                x,
                y,
                radius,
                fill: Rgba([r, g, b, 254]),
                text: None,
            });
        }
        out
    }
}

/// Clusters mixing kinds: white with a dark count, distinct from every kind.
const MIXED: Rgba = Rgba([250, 250, 250, 255]);
/// Ring of the selected place.
const SELECTED_RING: Rgba = Rgba([29, 36, 51, 255]);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::mercator::Zoom;
    use crate::sites::table::{Packed, Site};

    fn view() -> SitesView {
        let site = |id: &str, kinds: u16, lon: f64| Site {
            id: id.into(),
            name: id.into(),
            commune: "62041".into(),
            lon_lat: [lon, 50.29],
            packed: Packed {
                kinds,
                ..Packed::default()
            },
        };
        let table = SiteTable {
            // Synthetic: two places 70 m apart and one 7 km east.
            sites: vec![
                site("a", 0b1, 2.7775),
                site("b", 0b100, 2.7785),
                site("c", 0b1, 2.8775),
            ],
            rejected: 0,
        };
        SitesView::new(table, None, super::super::filter::Network::default(), 0.0)
    }

    fn markers(items: &[Item]) -> Vec<(u32, u32, Option<String>)> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Marker {
                    feature,
                    radius,
                    text,
                    ..
                } => Some((*feature, *radius as u32, text.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn clusters_below_zoom_13_single_places_above_and_the_selection_on_top() {
        let mut v = view();
        let far = Camera::new([2.8, 50.29], Zoom::clamped(9.0), 800.0, 600.0);
        // At zoom 9 the two close places are one cluster of 2 (mixed kinds: white).
        let m = markers(&v.items(&far));
        assert_eq!(m.len(), 2);
        assert!(m.contains(&(CLUSTER_IDS, 15, Some("2".into()))), "{m:?}");
        assert!(m.contains(&(SITE_IDS + 2, 7, None)), "{m:?}");
        assert_eq!(SiteHit::of(CLUSTER_IDS + 3), Some(SiteHit::Cluster(3)));
        assert_eq!(SiteHit::of(SITE_IDS + 2), Some(SiteHit::Site(2)));
        assert_eq!(SiteHit::of(12), None);
        let near = Camera::new([2.778, 50.29], Zoom::clamped(15.0), 800.0, 600.0);
        v.selected = Some(0);
        let items = v.items(&near);
        let m = markers(&items);
        // Each place alone (the far one is out of view); the selected one
        // last, over its ring.
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!(m[0], (SITE_IDS + 1, 7, None));
        assert_eq!(&m[1..], &[(SITE_IDS, 11, None), (SITE_IDS, 7, None)]);
        let Some(Item::Marker { fill, .. }) = items.last() else {
            panic!("a marker")
        };
        assert_eq!(fill.0[3], 254);
        // Filtering the selected place out clears the selection.
        let mut f = super::super::filter::Filter::default();
        f.add("kind", 2);
        v.set_filter(f, 0.0);
        assert_eq!((v.selected, v.shown().collect::<Vec<_>>()), (None, vec![1]));
    }
}
