//! The tables policy staff take away: the places passing the filters, and
//! the EPCIs of the map with the drawn value and their coverage, as CSV
//! that French spreadsheets open as is (`crate::share::csv`: BOM,
//! semicolons, decimal commas, formulas neutralised).

use super::places::Places;
use super::table::APPROXIMATE;
use crate::i18n::places::csv as csv_words;
use crate::map::Shape;
use crate::share::csv::{Cell, Csv};

/// The shown places: id, name, kinds, commune, position, whether it is
/// approximate, and the distance to the searched point when there is one.
pub fn places_csv(p: &Places) -> String {
    let mut csv = Csv::new(&csv_words::PLACES_COLUMNS);
    let origin = p.origin.as_ref().map(|o| o.lon_lat);
    for i in p.sites.shown() {
        let Some(s) = p.sites.table.sites.get(i) else {
            continue;
        };
        let kinds = super::table::kind_labels(s.packed.kinds, crate::style::legend::Lang::Fr);
        let real = |value: f64, decimals: u8| Cell::Real { value, decimals };
        csv.row(vec![
            Cell::Text(s.id.clone()),
            Cell::Text(s.name.clone()),
            Cell::Text(kinds.join(", ")),
            Cell::Text(s.commune.clone()),
            real(s.lon_lat[0], 5),
            real(s.lon_lat[1], 5),
            Cell::Text(csv_words::yes_no(s.packed.flags & APPROXIMATE != 0).into()),
            origin.map_or(Cell::Empty, |o| {
                real(crate::analysis::haversine_m(o, s.lon_lat), 0)
            }),
        ]);
    }
    csv.finish()
}

/// The EPCIs of the map: code, name, the drawn field (`label`) and, with
/// places, the share of inhabitants within reach of a shown place.
pub fn epci_csv(shapes: &[Shape], label: &str, places: Option<&Places>) -> String {
    let coverage = places.map(|p| csv_words::coverage_column(p.minutes, p.mode));
    let mut headers = vec![csv_words::CODE, csv_words::NAME, label];
    if let Some(c) = &coverage {
        headers.push(c);
    }
    let mut csv = Csv::new(&headers);
    for s in shapes {
        let mut row = vec![
            Cell::Text(s.code.clone()),
            Cell::Text(s.name.clone()),
            s.value
                .map_or(Cell::Empty, |value| Cell::Real { value, decimals: 2 }),
        ];
        if let Some(p) = places {
            row.push(p.coverage_of(&s.code).map_or(Cell::Empty, |c| Cell::Real {
                value: c * 100.0,
                decimals: 1,
            }));
        }
        csv.row(row);
    }
    csv.finish()
}
