//! The map as a table, and feature-by-feature keyboard navigation: the
//! text alternative a screen-reader user (or anyone who prefers numbers)
//! reads instead of the canvas, kept in step with the map's selection.

use super::describe::describe;
use super::view::MapView;
use crate::num::{sort_indices, ClampTo};
use crate::search::sort_key;
use crate::style::legend::{format_number, with_unit, Lang};

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Territory name (accent- and case-insensitive).
    Name,
    /// Drawn value; territories without data last.
    Value,
}

/// One territory of the table, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Position of its shape in the map (selection).
    pub index: usize,
    /// Code (SIREN, INSEE code).
    pub code: String,
    /// Name, cut for display.
    pub name: String,
    /// Value with its unit, or "Pas de donnée".
    pub value: String,
    /// Its class in words ("classe 2 sur 5"), empty without data.
    pub class: String,
    /// Its coverage ("62 %") and the column's title, when the places are read.
    pub coverage: Option<(String, String)>,
}

impl MapView {
    /// The territories of the map (the page's territory when scoped) as
    /// rows sorted by `key`, ascending unless `descending`.
    pub fn table(&self, key: SortKey, descending: bool, lang: Lang) -> Vec<Row> {
        let mut order: Vec<usize> = (0..self.shapes.len()).collect();
        match key {
            SortKey::Name => {
                let names: Vec<String> = self.shapes.iter().map(|s| sort_key(&s.name)).collect();
                // Ties by position, as a stable sort would leave them.
                sort_indices(&mut order, &|a, b| names[a].cmp(&names[b]).then(a.cmp(&b)));
                if descending {
                    order.reverse();
                }
            }
            SortKey::Value => {
                sort_indices(&mut order, &|a, b| {
                    let (x, y) = (self.shapes[a].value, self.shapes[b].value);
                    match (x, y) {
                        (Some(x), Some(y)) if descending => y.total_cmp(&x),
                        (Some(x), Some(y)) => x.total_cmp(&y),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    }
                    .then(a.cmp(&b))
                });
            }
        }
        order
            .into_iter()
            .map(|i| {
                let s = &self.shapes[i];
                let class = s
                    .value
                    .and_then(|v| self.choropleth.classification.class_of(v));
                let d = describe(
                    s,
                    self.short_unit(),
                    class,
                    self.choropleth.classification.classes(),
                    lang,
                );
                Row {
                    index: i,
                    code: d.code,
                    name: d.name,
                    value: d.value,
                    class: d.class.unwrap_or_default(),
                    coverage: self.coverage_of(&s.code, lang).map(|(share, label)| {
                        let pct = format_number((share * 100.0).clamp_to(0.0, 100.0), 0, lang);
                        (with_unit(&pct, "%", lang), label)
                    }),
                }
            })
            .collect()
    }

    /// Selects the next (`step` 1) or previous (−1) territory in view, in
    /// name order, wrapping around; from no selection, the first (or last).
    /// Territories of hidden classes are skipped.
    pub fn select_step(&mut self, step: i32) {
        let view = self.camera.bounds();
        let mut in_view: Vec<usize> = (0..self.shapes.len())
            .filter(|&i| {
                let s = &self.shapes[i];
                self.choropleth.shows(s.value, Some(&self.visible))
                    && s.parts.iter().flatten().flatten().any(|p| {
                        p[0] >= view[0] && p[0] <= view[2] && p[1] >= view[1] && p[1] <= view[3]
                    })
            })
            .collect();
        if in_view.is_empty() {
            return;
        }
        in_view.sort_by_cached_key(|&i| sort_key(&self.shapes[i].name));
        let n = in_view.len() as i64;
        let next = match self
            .selected
            .and_then(|s| in_view.iter().position(|&i| i == s))
        {
            Some(at) => (at as i64 + i64::from(step)).rem_euclid(n),
            None if step < 0 => n - 1,
            None => 0,
        };
        self.selected = in_view.get(next as usize).copied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::mercator::Zoom;
    use crate::map::view::tests_support::{plan, square};

    fn view() -> MapView {
        let shapes = vec![
            square("3", "Écully", 4.0, Some(30.0)),
            square("1", "arras", 2.0, None),
            square("2", "Béthune", 3.0, Some(10.0)),
            square("4", "Zuydcoote", 40.0, Some(20.0)),
        ];
        let mut v = MapView::new(&plan(), shapes, vec![], [800.0, 600.0], Lang::Fr).expect("view");
        v.camera = crate::geom::camera::Camera::new([3.5, 46.5], Zoom::clamped(5.0), 800.0, 600.0);
        v
    }

    #[test]
    fn rows_sort_by_name_or_value_with_no_data_last() {
        let v = view();
        let names = |rows: Vec<Row>| rows.into_iter().map(|r| r.name).collect::<Vec<_>>();
        assert_eq!(
            names(v.table(SortKey::Name, false, Lang::Fr)),
            ["arras", "Béthune", "Écully", "Zuydcoote"]
        );
        assert_eq!(
            names(v.table(SortKey::Value, false, Lang::Fr)),
            ["Béthune", "Zuydcoote", "Écully", "arras"]
        );
        assert_eq!(
            names(v.table(SortKey::Value, true, Lang::Fr)),
            ["Écully", "Zuydcoote", "Béthune", "arras"]
        );
        let rows = v.table(SortKey::Name, false, Lang::Fr);
        assert_eq!(
            (rows[0].value.as_str(), rows[0].class.as_str()),
            ("Pas de donnée", "")
        );
        assert_eq!(rows[1].index, 2);
        assert!(rows[1].class.starts_with("classe "), "{}", rows[1].class);
    }

    #[test]
    fn the_keyboard_walks_the_territories_in_view_by_name() {
        let mut v = view();
        // Zuydcoote (40° E) is out of view.
        let mut walked = Vec::new();
        for _ in 0..4 {
            v.select_step(1);
            walked.push(v.shapes[v.selected.expect("selected")].name.clone());
        }
        assert_eq!(walked, ["arras", "Béthune", "Écully", "arras"]);
        v.select_step(-1);
        assert_eq!(v.selected, Some(0), "back to Écully");
        v.selected = None;
        v.select_step(-1);
        assert_eq!(v.selected, Some(0), "from nothing, the last: Écully");
    }
}
