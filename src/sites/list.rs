//! The list of the places on the map: the text alternative to the markers
//! (RGAA: what the map shows must be readable without it). The shown
//! places inside the view, nearest first (to the searched point, or else
//! to the centre of the map), with their kinds, commune and distance.

use super::places::Places;
use super::table::kind_labels;
use crate::analysis::{haversine_m, keep_nearest};
use crate::i18n::places::distance_text;
use crate::map::describe::{cut, MAX_NAME_CHARS};
use crate::style::legend::Lang;

/// One place of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    /// Index in the places' table (what selecting the row selects).
    pub index: usize,
    /// Name, on one line and cut.
    pub name: String,
    /// Its kinds, in the reader's language.
    pub kinds: String,
    /// Its commune's name (its code when the name is unknown).
    pub commune: String,
    /// Straight-line distance to the point the list is sorted from.
    pub distance: String,
}

/// The places inside a view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlaceList {
    /// The nearest ones, at most the limit asked for.
    pub rows: Vec<PlaceRow>,
    /// How many shown places the view holds.
    pub total: usize,
    /// Sorted from the searched point (else from the map's centre).
    pub from_origin: bool,
}

impl Places {
    /// The shown places inside `bounds` (`[west, south, east, north]`,
    /// degrees), at most `limit` of them, nearest first to the searched
    /// point when there is one, else to `centre`. Ties keep the table's
    /// order, so the list does not shuffle between two identical views.
    pub fn list(&self, bounds: [f64; 4], centre: [f64; 2], limit: usize, lang: Lang) -> PlaceList {
        let [west, south, east, north] = bounds;
        let from = self.origin.as_ref().map(|o| o.lon_lat);
        let point = from.unwrap_or(centre);
        let sites = &self.sites.table.sites;
        let mut found: Vec<(usize, f64)> = self
            .sites
            .shown()
            .filter_map(|i| {
                let [lon, lat] = sites.get(i)?.lon_lat;
                ((west..=east).contains(&lon) && (south..=north).contains(&lat))
                    .then(|| (i, haversine_m(point, [lon, lat])))
            })
            .collect();
        let total = found.len();
        keep_nearest(&mut found, limit);
        let rows = found
            .into_iter()
            .filter_map(|(index, metres)| {
                let s = sites.get(index)?;
                let kinds = kind_labels(s.packed.kinds, lang);
                let commune = self
                    .communes
                    .get(&s.commune)
                    .map_or_else(|| s.commune.clone(), |c| c.name.clone());
                Some(PlaceRow {
                    index,
                    name: cut(&s.name, MAX_NAME_CHARS),
                    kinds: kinds.join(", "),
                    commune: cut(&commune, MAX_NAME_CHARS),
                    distance: distance_text(metres, lang),
                })
            })
            .collect();
        PlaceList {
            rows,
            total,
            from_origin: from.is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sites::places::tests::places;
    use crate::sites::places::Origin;
    use crate::style::legend::Lang;

    const FRANCE: [f64; 4] = [-5.0, 41.0, 10.0, 52.0];

    #[test]
    fn nearest_first_from_the_centre_or_the_searched_point() {
        let mut p = places();
        // From the centre (3.10° E): the library (3.05) before the France
        // Services (2.70), 3.6 km and 28.4 km away along the parallel.
        let l = p.list(FRANCE, [3.10, 50.3], 10, Lang::Fr);
        assert_eq!(l.total, 2);
        assert!(!l.from_origin);
        let names: Vec<(&str, &str, &str)> = l
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.kinds.as_str(), r.distance.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("med", "Médiathèque", "3,6 km"),
                ("fs", "France Services", "28 km")
            ]
        );
        // The fixture's places sit in 62041, which its communes lack: the code.
        assert_eq!(l.rows[0].commune, "62041");
        // From a searched point near the France Services: it comes first.
        p.set_origin(Some(Origin {
            lon_lat: [2.71, 50.3],
            label: "Alpha".into(),
        }));
        let l = p.list(FRANCE, [3.10, 50.3], 1, Lang::En);
        assert!(l.from_origin);
        assert_eq!((l.total, l.rows.len()), (2, 1));
        assert_eq!(
            (l.rows[0].name.as_str(), l.rows[0].distance.as_str()),
            ("fs", "710 m")
        );
        assert_eq!(l.rows[0].kinds, "France Services");
    }

    #[test]
    fn only_the_view_and_the_filters() {
        let mut p = places();
        // A view west of 3° E holds only the France Services.
        let l = p.list([2.0, 50.0, 3.0, 50.5], [2.5, 50.3], 10, Lang::Fr);
        assert_eq!((l.total, l.rows[0].name.as_str()), (1, "fs"));
        let mut f = crate::sites::filter::Filter::default();
        f.add("kind", 2);
        p.set_filter(f, 0.0);
        assert_eq!(p.list(FRANCE, [2.5, 50.3], 10, Lang::Fr).total, 1);
        assert_eq!(
            p.list([2.0, 50.0, 3.0, 50.5], [2.5, 50.3], 10, Lang::Fr)
                .total,
            0
        );
        assert!(p.list(FRANCE, [2.5, 50.3], 0, Lang::Fr).rows.is_empty());
    }
}
