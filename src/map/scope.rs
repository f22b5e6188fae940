//! Scoping a map to a territory: a départemental portal shows only its
//! département, a hub page its region, an EPCI its own area. The page names
//! the territory by codes in the `territory` attribute; the map keeps the
//! shapes in it, fits them and classifies them among themselves.

use super::Shape;
use crate::style::legend::Lang;

/// Most codes a `territory` attribute may list (a region has 5 to 13 départements).
pub const MAX_CODES: usize = 200;

/// Codes of a territory: départements ("62", "2A", "971") and EPCI SIRENs
/// (9 digits), in any mix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territory {
    codes: Vec<String>,
}

impl Territory {
    /// Parses "59, 62" or "200033579 200069037"; anything else is an error
    /// quoting the offending code (the attribute comes from a partner page).
    pub fn parse(attr: &str, lang: Lang) -> Result<Territory, String> {
        let codes: Vec<String> = attr
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|c| !c.is_empty())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if codes.is_empty() {
            return Err(crate::i18n::text(crate::i18n::Text::EmptyTerritory, lang).into());
        }
        if codes.len() > MAX_CODES {
            return Err(crate::i18n::too_many_codes(MAX_CODES, lang));
        }
        for c in &codes {
            let digits = c.chars().all(|ch| ch.is_ascii_digit());
            let dep = (c.len() == 2 && (digits || c == "2A" || c == "2B"))
                || (c.len() == 3 && digits && c.starts_with("97"));
            let siren = c.len() == 9 && digits;
            if !(dep || siren) {
                let shown: String = c.chars().take(20).collect();
                return Err(crate::i18n::not_a_territory_code(&shown, lang));
            }
        }
        Ok(Territory { codes })
    }

    /// The département codes it lists (its EPCIs' SIRENs left out).
    pub fn departements(&self) -> Vec<String> {
        self.codes
            .iter()
            .filter(|c| c.len() <= 3)
            .cloned()
            .collect()
    }

    /// Whether a shape belongs to the territory: its own code is listed,
    /// its EPCI (a commune's), or one of its départements.
    pub fn contains(&self, shape: &Shape) -> bool {
        self.codes.contains(&shape.code)
            || (!shape.epci.is_empty() && self.codes.contains(&shape.epci))
            || shape
                .departements
                .split(',')
                .map(str::trim)
                .any(|d| self.codes.iter().any(|c| c == d))
    }

    /// The shapes in the territory, and the départements they touch (for
    /// the base outlines).
    pub fn filter(&self, shapes: Vec<Shape>) -> (Vec<Shape>, Vec<String>) {
        let kept: Vec<Shape> = shapes.into_iter().filter(|s| self.contains(s)).collect();
        let mut deps: Vec<String> = kept
            .iter()
            .flat_map(|s| s.departements.split(',').map(|d| d.trim().to_owned()))
            .chain(self.codes.iter().filter(|c| c.len() <= 3).cloned())
            .filter(|d| !d.is_empty())
            .collect();
        deps.sort_unstable();
        deps.dedup();
        (kept, deps)
    }
}

/// Bounding box (west, south, east, north) of shapes, if any has a position.
pub fn bbox<'a>(shapes: impl IntoIterator<Item = &'a Shape>) -> Option<[f64; 4]> {
    let mut b = crate::geom::EMPTY_BOX;
    for p in shapes
        .into_iter()
        .flat_map(|s| s.parts.iter().flatten().flatten())
    {
        crate::geom::grow_box(&mut b, p[0], p[1]);
    }
    (b[0] <= b[2] && b[1] <= b[3]).then_some(b)
}

/// Each département's box in a layer, as a page scoped to it fits it: for
/// every département code the shapes name, the box of the shapes a
/// territory of that code keeps ([`Territory::contains`], as [`bbox`]
/// grows it), rounded outwards to 1/10,000 of a degree. One string,
/// `CODE:W,S,E,N` joined by `;`, for the manifest (`departement_boxes`,
/// written by `maillage-prep` from the overview): a page scoped to
/// départements then knows its view before reading the overview, and the
/// manifest's reader only scans a string on the other pages.
pub fn departement_boxes(shapes: &[Shape]) -> String {
    let mut codes: Vec<&str> = shapes
        .iter()
        .flat_map(|s| s.departements.split(',').map(str::trim))
        .filter(|d| !d.is_empty())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let mut out = Vec::new();
    for code in codes {
        let territory = Territory {
            codes: vec![code.to_ascii_uppercase()],
        };
        if let Some(b) = bbox(shapes.iter().filter(|s| territory.contains(s))) {
            let out_to = |x: f64, up: bool| {
                let k = x * 1e4;
                (if up { k.ceil() } else { k.floor() }) / 1e4
            };
            out.push(format!(
                "{code}:{},{},{},{}",
                out_to(b[0], false),
                out_to(b[1], false),
                out_to(b[2], true),
                out_to(b[3], true)
            ));
        }
    }
    out.join(";")
}

/// The box of `territory` from a layer's [`departement_boxes`]: the union
/// of its départements' boxes. `None` when it names an EPCI, or a
/// département the string lacks or gives badly (the map then finds its
/// box in the overview, as without the string).
pub fn territory_box(boxes: &str, territory: &Territory) -> Option<[f64; 4]> {
    let mut out = crate::geom::EMPTY_BOX;
    for code in &territory.codes {
        let numbers = boxes.split(';').find_map(|entry| {
            let (c, numbers) = entry.split_once(':')?;
            (c.trim() == code).then_some(numbers)
        })?;
        let mut b = [0.0; 4];
        let mut parts = numbers.split(',');
        for x in &mut b {
            *x = super::view::decimal(parts.next()?.trim())?;
        }
        if parts.next().is_some() || !(b[0] <= b[2] && b[1] <= b[3]) {
            return None;
        }
        crate::geom::grow_box(&mut out, b[0], b[1]);
        crate::geom::grow_box(&mut out, b[2], b[3]);
    }
    (out[0] <= out[2]).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epci(code: &str, deps: &str, x: f64) -> Shape {
        Shape {
            code: code.into(),
            departements: deps.into(),
            parts: vec![vec![vec![
                [x, 50.0],
                [x + 1.0, 50.0],
                [x + 1.0, 51.0],
                [x, 50.0],
            ]]],
            ..Shape::default()
        }
    }

    #[test]
    fn parses_codes_and_refuses_others() {
        assert!(Territory::parse("62", Lang::Fr).is_ok());
        assert!(Territory::parse(" 59, 62 ;2a 971 200033579", Lang::Fr).is_ok());
        assert_eq!(
            Territory::parse("", Lang::Fr),
            Err("territoire vide".into())
        );
        assert!(Territory::parse("62,<script>", Lang::Fr)
            .expect_err("html")
            .contains("<SCRIPT>"));
        assert!(Territory::parse("6", Lang::Fr).is_err());
        assert!(Territory::parse("1234", Lang::Fr).is_err());
        let many = vec!["62"; MAX_CODES + 1].join(",");
        assert!(Territory::parse(&many, Lang::Fr).is_err());
    }

    /// Four EPCIs: one in the 62, one in the 59, one across both, one in
    /// the 80 at longitude `x80`.
    fn four_epcis(x80: f64) -> Vec<Shape> {
        vec![
            epci("200033579", "62", 2.0),
            epci("245900410", "59", 3.0),
            epci("200040491", "59, 62", 2.5),
            epci("200069037", "80", x80),
        ]
    }

    #[test]
    fn keeps_the_territory_and_its_outlines() {
        let shapes = four_epcis(1.0);
        let (kept, deps) = Territory::parse("62", Lang::Fr)
            .expect("62")
            .filter(shapes.clone());
        let codes: Vec<&str> = kept.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            codes,
            ["200033579", "200040491"],
            "EPCIs across the border count"
        );
        assert_eq!(deps, ["59", "62"]);
        let (kept, deps) = Territory::parse("200069037", Lang::Fr)
            .expect("siren")
            .filter(shapes);
        assert_eq!(kept.len(), 1);
        assert_eq!(deps, ["80"]);
        assert_eq!(bbox(&kept), Some([1.0, 50.0, 2.0, 51.0]));
        assert_eq!(bbox(&[]), None);
    }

    #[test]
    fn departement_boxes_are_the_fits_of_scoped_pages() {
        let shapes = four_epcis(-1.23456);
        let boxes = departement_boxes(&shapes);
        assert_eq!(
            boxes, "59:2.5,50,4,51;62:2,50,3.5,51;80:-1.2346,50,-0.2345,51",
            "rounded outwards"
        );
        let t = |codes: &str| Territory::parse(codes, Lang::Fr).expect("codes");
        // The box a scoped page fits, from the string alone.
        for code in ["59", "62"] {
            let (kept, _) = t(code).filter(shapes.clone());
            assert_eq!(territory_box(&boxes, &t(code)), bbox(&kept), "{code}");
        }
        assert_eq!(
            territory_box(&boxes, &t("62 80")),
            Some([-1.2346, 50.0, 3.5, 51.0])
        );
        // An EPCI, an unknown département, a bad string: the overview decides.
        assert_eq!(territory_box(&boxes, &t("62 200033579")), None);
        assert_eq!(territory_box(&boxes, &t("75")), None);
        for bad in [
            "",
            "62:1,2,3",
            "62:1,2,3,4,5",
            "62:3,2,1,4",
            "62:a,b,c,d",
            "62",
        ] {
            assert_eq!(territory_box(bad, &t("62")), None, "{bad}");
        }
        assert_eq!(departement_boxes(&[]), "");
    }

    #[test]
    fn an_epci_territory_keeps_its_communes() {
        let commune = |code: &str, epci: &str, dep: &str| Shape {
            code: code.into(),
            epci: epci.into(),
            departements: dep.into(),
            parts: vec![vec![vec![[2.78, 50.29]]]],
            ..Shape::default()
        };
        let communes = vec![
            commune("62041", "200033579", "62"),
            commune("62065", "200033579", "62"),
            commune("59350", "200093201", "59"),
            commune("97101", "", "971"),
        ];
        let (kept, deps) = Territory::parse("200033579", Lang::Fr)
            .expect("siren")
            .filter(communes.clone());
        let codes: Vec<&str> = kept.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            (codes, deps),
            (vec!["62041", "62065"], vec!["62".to_owned()])
        );
        let (kept, _) = Territory::parse("971", Lang::Fr)
            .expect("dep")
            .filter(communes);
        assert_eq!(kept.len(), 1);
        // A point's box is the point.
        assert_eq!(bbox(&kept[..0]), None);
    }
}
