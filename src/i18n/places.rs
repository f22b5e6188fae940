//! The words about places, in French and English: the filters, the cards,
//! the nearest places and their list, the search and the geolocation, and
//! the sentences that carry counts, distances, times and coverage.
//!
//! Kept apart from the map's words so that the module without places
//! (`--no-default-features`) links none of them.

use crate::analysis::Mode;
use crate::num::ClampTo;
use crate::style::legend::{format_number, Lang};

texts! {
    /// A fixed text of the places' interface.
    pub enum PlaceText, fn place_text, const ALL {
        /// Filters: the kinds' group.
        KindOfPlace => ("Type de lieu", "Kind of place"),
        /// Filters: opening and access group.
        OpeningAndAccess => ("Ouverture et accès", "Opening and access"),
        /// Filter and card: open at this minute.
        OpenNow => ("Ouvert maintenant", "Open now"),
        /// Card: closed at this minute.
        ClosedNow => ("Fermé maintenant", "Closed now"),
        /// Filter: open on Saturdays.
        OpenSaturday => ("Ouvert le samedi", "Open on Saturday"),
        /// Filter: itinerant services.
        Itinerant => ("Service itinérant", "Itinerant service"),
        /// Filter: accessible to people with reduced mobility.
        Accessible => ("Accessible (mobilité réduite)", "Accessible (reduced mobility)"),
        /// Filter: in a weak 4G zone.
        Weak4g => ("En zone de couverture 4G faible", "In a weak 4G coverage zone"),
        /// Filters: the labels' group (and the card's list).
        Labels => ("Labels", "Labels"),
        /// Filters: the services' group (and the card's list).
        Services => ("Services proposés", "Services offered"),
        /// Filters: the publics' group.
        Publics => ("Publics accueillis", "Audiences served"),
        /// Card: the publics' list.
        PublicsShort => ("Publics", "Audiences"),
        /// Card: the services' list.
        ServicesShort => ("Services", "Services"),
        /// Territory summary: the table of places by kind.
        PlacesByKind => ("Lieux par type", "Places by kind"),
        /// Nearest places: none passes the filters.
        NoMatch => ("Aucun lieu ne correspond aux filtres.", "No place matches the filters."),
        /// Nearest places: the directions link.
        Directions => ("Itinéraire", "Directions"),
        /// Nearest places: how distances and times are obtained.
        DistanceNote => (
            "Distances à vol d'oiseau ; temps estimés (voir la méthode), pas un calcul d'itinéraire.",
            "Straight-line distances; estimated times (see the method), not a route calculation.",
        ),
        /// Nearest places: after an approximate place's distance.
        ApproximateShort => (
            " (position approximative : mairie de la commune)",
            " (approximate position: the commune's town hall)",
        ),
        /// Card: the place is placed at its town hall.
        Approximate => (
            "Position approximative : le lieu est placé à la mairie de sa commune.",
            "Approximate position: the place is shown at its commune's town hall.",
        ),
        /// Card: accessibility not given.
        AccessibilityUnknown => (
            "Accessibilité : non renseignée par la source.",
            "Accessibility: not stated by the source.",
        ),
        /// Card: before the accessibility text.
        Accessibility => ("Accessibilité : ", "Accessibility: "),
        /// Card: before the update date.
        Updated => ("Mis à jour le", "Updated"),
        /// Card: before the sources.
        Source => ("Source :", "Source:"),
        /// Card: its full record is on its way.
        CardLoading => ("Chargement de la fiche…", "Loading the details…"),
        /// Card: before hours published as free text.
        HoursAsPublished => ("Horaires (tels que publiés) : ", "Hours (as published): "),
        /// Card: no hours.
        HoursUnknown => ("Horaires non renseignés.", "Hours not stated."),
        /// Card: a day without opening.
        Closed => ("fermé", "closed"),
        /// List of places: the origin is the map's centre.
        FromCentre => ("du centre de la carte", "from the centre of the map"),
        /// List of places: the kinds' column (the name's is the map's
        /// `Text::Name`).
        ColKinds => ("Types", "Kinds"),
        /// List of places: the commune's column.
        ColCommune => ("Commune", "Commune"),
        /// List of places: the distance's column.
        ColDistance => ("Distance", "Distance"),
        /// Places panel while the table loads.
        PlacesLoading => ("Chargement des lieux…", "Loading places…"),
        /// A search or a position given before the places are in.
        AnswerOnLoad => (
            "Les lieux se chargent : la réponse suit dans un instant.",
            "Places are loading: the answer follows in a moment.",
        ),
        /// Origin's name for a clicked point.
        ThisPoint => ("ce point", "this point"),
        /// Origin's name for the device's position.
        YourPosition => ("votre position", "your position"),
        /// The search box's label when a geocoder is set.
        CommuneOrAddress => (
            "Votre commune, code postal ou adresse",
            "Your commune, postcode or address",
        ),
        /// The search found no commune.
        NoCommune => (
            "Aucune commune ne correspond. Vérifiez l'orthographe ou le code postal.",
            "No commune matches. Check the spelling or the postcode.",
        ),
        /// The device's position is refused or unavailable (before asking).
        PositionUnavailable => (
            "Votre position n'est pas disponible. Tapez le nom de votre commune ci-dessus.",
            "Your position is not available. Type the name of your commune above.",
        ),
        /// The device's position is being asked for.
        FindingPosition => ("Recherche de votre position…", "Finding your position…"),
        /// The device's position could not be had.
        PositionFailed => (
            "Votre position n'est pas disponible (refusée ou introuvable). Tapez le nom de votre commune ci-dessus.",
            "Your position is not available (refused or not found). Type the name of your commune above.",
        ),
        /// The address search is under way.
        FindingAddress => ("Recherche de l'adresse…", "Looking the address up…"),
        /// The manifest has no table of places.
        NoPlacesTable => (
            "le manifeste n'a pas de table des lieux",
            "the manifest has no table of places",
        ),
        /// The places layer has no file.
        NoPlacesFile => ("la couche des lieux n'a pas de fichier", "the places layer has no file"),
        /// The manifest has no communes table (search, coverage): layers
        /// built before it (2026-12-07) are built again.
        NoCommunesTable => (
            "le manifeste n'a pas de table des communes",
            "the manifest has no communes table",
        ),
        /// `mode`: the two values.
        CarOrFoot => ("« voiture » ou « pied »", "“voiture” (car) or “pied” (on foot)"),
        /// `geocoder`: what is allowed.
        WebAddressOnly => (
            "une adresse https:, http: ou relative",
            "an https:, http: or relative address",
        ),
        /// The address search found nothing.
        NoAddress => (
            "Aucune adresse trouvée. Essayez le nom de la commune.",
            "No address found. Try the commune's name.",
        ),
    }
}

/// A kind of place's name, by its identifier (`sites::table::KINDS`).
pub fn kind_name(id: &str, lang: Lang) -> &'static str {
    let (fr, en) = match id {
        "france-services" => ("France Services", "France Services"),
        "conseiller-numerique" => ("Conseiller numérique", "Digital adviser"),
        "mediatheque" => ("Médiathèque", "Library"),
        "mairie" => ("Mairie", "Town hall"),
        "tiers-lieu" => ("Tiers-lieu", "Third place"),
        "association" => ("Association", "Association"),
        "aidants-connect" => ("Aidants Connect", "Aidants Connect"),
        _ => ("Autre lieu", "Other place"),
    };
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// A day's name, Monday = 0 (French writes them in lower case).
pub fn day_name(day: u8, lang: Lang) -> &'static str {
    const FR: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let d = usize::from(day.min(6));
    match lang {
        Lang::Fr => FR[d],
        Lang::En => EN[d],
    }
}

/// An opening interval, minutes of the day. French typography:
/// `8 h 30 – 12 h` (U+202F inside each time, so `8 h 30` never wraps);
/// English: the 24-hour clock, `08:30–12:00`.
pub fn interval(start: u16, end: u16, lang: Lang) -> String {
    let fr = |minute: u16| {
        let (h, m) = (minute / 60, minute % 60);
        if m == 0 {
            format!("{h}\u{202f}h")
        } else {
            format!("{h}\u{202f}h\u{202f}{m:02}")
        }
    };
    let en = |minute: u16| format!("{:02}:{:02}", minute / 60, minute % 60);
    match lang {
        Lang::Fr => format!("{} – {}", fr(start), fr(end)),
        Lang::En => format!("{}–{}", en(start), en(end)),
    }
}

/// "124 lieux correspondent", "1 lieu correspond", "Aucun lieu ne
/// correspond": the live count under the filters, out of the network's.
pub fn count_text(count: usize, of: usize, lang: Lang) -> String {
    let n = format_number(count as f64, 0, lang);
    let total = format_number(of as f64, 0, lang);
    match (lang, count) {
        (Lang::Fr, 0) => format!("Aucun lieu ne correspond (sur {total})"),
        (Lang::Fr, 1) => format!("1 lieu correspond (sur {total})"),
        (Lang::Fr, _) if count == of => format!("{n} lieux"),
        (Lang::Fr, _) => format!("{n} lieux correspondent (sur {total})"),
        (Lang::En, 0) => format!("No place matches (of {total})"),
        (Lang::En, 1) => format!("1 place matches (of {total})"),
        (Lang::En, _) if count == of => format!("{n} places"),
        (Lang::En, _) => format!("{n} places match (of {total})"),
    }
}

/// A straight-line distance: "350 m" under a kilometre (to 10 m), then
/// "1,2 km" (one decimal) under 10 km, then "24 km".
pub fn distance_text(metres: f64, lang: Lang) -> String {
    if !metres.is_finite() || metres < 0.0 {
        return String::from("?");
    }
    if metres < 995.0 {
        format!(
            "{} m",
            format_number((metres / 10.0).round() * 10.0, 0, lang)
        )
    } else if metres < 9_950.0 {
        format!("{} km", format_number(metres / 1000.0, 1, lang))
    } else {
        format!("{} km", format_number(metres / 1000.0, 0, lang))
    }
}

/// A travel time: "moins d'1 min", "12 min", "1 h 05", "plus de 10 h".
pub fn minutes_text(minutes: f64, lang: Lang) -> String {
    if !minutes.is_finite() || minutes < 0.0 {
        return String::from("?");
    }
    let m = minutes.round() as u64;
    match (lang, m) {
        (Lang::Fr, 0) => "moins d'1 min".into(),
        (Lang::En, 0) => "under 1 min".into(),
        (_, 1..=59) => format!("{m} min"),
        (Lang::Fr, 60..=600) => format!("{} h {:02}", m / 60, m % 60),
        (Lang::En, 60..=600) => format!("{} h {:02} min", m / 60, m % 60),
        (Lang::Fr, _) => "plus de 10 h".into(),
        (Lang::En, _) => "over 10 h".into(),
    }
}

/// "environ 12 min à pied, environ 4 min en voiture": both estimates, said
/// to be so.
pub fn travel_text(walk_min: f64, car_min: f64, lang: Lang) -> String {
    let about = |m: f64| {
        let t = minutes_text(m, lang);
        if m.round() < 1.0 {
            t
        } else if lang == Lang::Fr {
            format!("environ {t}")
        } else {
            format!("about {t}")
        }
    };
    match lang {
        Lang::Fr => format!("{} à pied, {} en voiture", about(walk_min), about(car_min)),
        Lang::En => format!("{} on foot, {} by car", about(walk_min), about(car_min)),
    }
}

/// "93 % des habitants à moins de 15 min en voiture d'un lieu affiché
/// (estimation)": an EPCI's coverage by the places passing the filters.
pub fn coverage_text(share: f64, minutes: f64, mode: Mode, lang: Lang) -> String {
    let pct = format_number((share * 100.0).clamp_to(0.0, 100.0), 0, lang);
    let m = minutes.round() as u32;
    match (lang, mode) {
        (Lang::Fr, Mode::Car) => format!("{pct}\u{a0}% des habitants à moins de {m} min en voiture d'un lieu affiché (estimation)"),
        (Lang::Fr, Mode::Walk) => format!("{pct}\u{a0}% des habitants à moins de {m} min à pied d'un lieu affiché (estimation)"),
        (Lang::En, Mode::Car) => format!("{pct}% of inhabitants within {m} min by car of a shown place (estimate)"),
        (Lang::En, Mode::Walk) => format!("{pct}% of inhabitants within {m} min on foot of a shown place (estimate)"),
    }
}

/// The coverage field's name in the field switcher and the legend title
/// (its unit, %, is added there).
pub fn coverage_field_label(minutes: f64, mode: Mode, lang: Lang) -> String {
    let m = minutes.round() as u32;
    match (lang, mode) {
        (Lang::Fr, Mode::Car) => {
            format!("Habitants à moins de {m} min en voiture d'un lieu affiché")
        }
        (Lang::Fr, Mode::Walk) => format!("Habitants à moins de {m} min à pied d'un lieu affiché"),
        (Lang::En, Mode::Car) => format!("Inhabitants within {m} min by car of a shown place"),
        (Lang::En, Mode::Walk) => format!("Inhabitants within {m} min on foot of a shown place"),
    }
}

/// A territory's summary line: "12 345 habitants · 8 lieux affichés".
pub fn summary_head(population: f64, places: usize, lang: Lang) -> String {
    let n = |x: f64| format_number(x, 0, lang);
    match lang {
        Lang::Fr => format!(
            "{} habitants · {} lieux affichés",
            n(population),
            n(places as f64)
        ),
        Lang::En => format!(
            "{} inhabitants · {} places shown",
            n(population),
            n(places as f64)
        ),
    }
}

/// The nearest places' heading: "Les lieux les plus proches d'Arras".
pub fn nearest_title(origin: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!(
            "Les lieux les plus proches {}",
            crate::sites::words::of_place(origin)
        ),
        Lang::En => format!("Nearest places to {origin}"),
    }
}

/// The caption of the list of places: how many, from where, and whether
/// only the first `shown` are listed.
pub fn list_caption(total: usize, shown: usize, origin: Option<&str>, lang: Lang) -> String {
    let n = format_number(total as f64, 0, lang);
    let from = match (origin, lang) {
        (Some(o), Lang::Fr) => crate::sites::words::of_place(o),
        (Some(o), Lang::En) => format!("from {o}"),
        (None, _) => place_text(PlaceText::FromCentre, lang).to_owned(),
    };
    let mut caption = match lang {
        Lang::Fr => format!("Lieux sur la carte ({n}), du plus proche au plus loin {from}"),
        Lang::En => format!("Places on the map ({n}), nearest first {from}"),
    };
    if shown < total {
        caption.push_str(&match lang {
            Lang::Fr => format!(" : les {shown} premiers. Zoomez pour voir les autres."),
            Lang::En => format!(": the first {shown}. Zoom in to see the others."),
        });
    }
    caption
}

/// The address search failed (its reason after).
pub fn address_search_failed(why: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => {
            format!("Recherche d'adresse indisponible ({why}). Le nom de la commune suffit.")
        }
        Lang::En => format!("Address search unavailable ({why}). The commune's name will do."),
    }
}

/// After a mean over several territories.
fn weighted(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => " (moyenne des intercommunalités pondérée par leur population)",
        Lang::En => " (mean of the intercommunalities weighted by their population)",
    }
}

/// A field's value with its title, for a summary: "Title : value", with
/// `mean` when it is a population-weighted mean of intercommunalities.
pub fn titled_value(title: &str, value: &str, mean: bool, lang: Lang) -> String {
    let mut line = match lang {
        Lang::Fr => format!("{title} : {value}"),
        Lang::En => format!("{title}: {value}"),
    };
    if mean {
        line.push_str(weighted(lang));
    }
    line
}

/// The illectronism rate's line in a summary (`v` already formatted).
pub fn illectronism_line(v: &str, mean: bool, lang: Lang) -> String {
    let title = match lang {
        Lang::Fr => "Illectronisme (INSEE, 2019)",
        Lang::En => "Illectronism (INSEE, 2019)",
    };
    let v = match lang {
        Lang::Fr => format!("{v} des 15 ans et plus"),
        Lang::En => format!("{v} of people aged 15 and over"),
    };
    titled_value(title, &v, mean, lang)
}

/// The exported picture's own credit: "Carte : Maillage · 6 décembre 2026".
pub fn map_credit(date: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Carte : Maillage · {date}"),
        Lang::En => format!("Map: Maillage · {date}"),
    }
}

/// A filter attribute names a value the table does not have.
pub fn unknown_value(attr: &str, value: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{attr} : « {value} » inconnu"),
        Lang::En => format!("{attr}: “{value}” unknown"),
    }
}

/// The geocoder's answer is not what it should be (the reader's detail after).
pub fn geocoder_unreadable(why: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("réponse du géocodeur illisible : {why}"),
        Lang::En => format!("the geocoder's answer is not readable: {why}"),
    }
}

/// Places of the table that could not be read and were left out.
pub fn rejected_places(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Fr, 1) => "1 lieu illisible dans la table a été écarté.".to_owned(),
        (Lang::Fr, n) => format!("{n} lieux illisibles dans la table ont été écartés."),
        (Lang::En, 1) => "1 unreadable place of the table was left out.".to_owned(),
        (Lang::En, n) => format!("{n} unreadable places of the table were left out."),
    }
}

/// The exports' column names. The exports are French CSV files
/// (semicolons, decimal commas, for the spreadsheets of French public
/// offices) whatever the page's language, so their words are French only.
pub mod csv {
    use crate::analysis::Mode;

    /// The places' columns.
    pub const PLACES_COLUMNS: [&str; 8] = [
        "identifiant",
        "nom",
        "types",
        "code commune",
        "longitude",
        "latitude",
        "position approximative",
        "distance au point recherché (m)",
    ];
    /// The territories' code column.
    pub const CODE: &str = "code";
    /// The territories' name column.
    pub const NAME: &str = "nom";

    /// A yes/no cell.
    pub fn yes_no(yes: bool) -> &'static str {
        if yes {
            "oui"
        } else {
            "non"
        }
    }

    /// The coverage column: "habitants à moins de 15 min en voiture d'un
    /// lieu affiché (%)".
    pub fn coverage_column(minutes: f64, mode: Mode) -> String {
        format!(
            "habitants à moins de {} min {} d'un lieu affiché (%)",
            crate::style::legend::plain_number(minutes.round()),
            match mode {
                Mode::Car => "en voiture",
                Mode::Walk => "à pied",
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_text_in_both_languages() {
        // The same word in both languages.
        let same = [
            PlaceText::Labels,
            PlaceText::ServicesShort,
            PlaceText::ColCommune,
            PlaceText::ColDistance,
        ];
        super::super::tests::check_catalogue(ALL, place_text, &same);
        for (i, k) in crate::sites::table::KINDS.iter().enumerate() {
            let (fr, en) = (kind_name(k.id, Lang::Fr), kind_name(k.id, Lang::En));
            assert!(!fr.is_empty() && !en.is_empty());
            // Every kind has its own name (the last one is the fallback).
            assert!(i + 1 == crate::sites::table::KINDS.len() || fr != "Autre lieu");
        }
        assert_eq!(kind_name("mediatheque", Lang::En), "Library");
    }

    #[test]
    fn days_and_hours() {
        assert_eq!(day_name(0, Lang::Fr), "lundi");
        assert_eq!(day_name(6, Lang::En), "Sunday");
        assert_eq!(
            interval(510, 720, Lang::Fr),
            "8\u{202f}h\u{202f}30 – 12\u{202f}h"
        );
        assert_eq!(interval(510, 720, Lang::En), "08:30–12:00");
    }

    #[test]
    fn counts_read_as_sentences() {
        assert_eq!(
            count_text(124, 3250, Lang::Fr),
            "124 lieux correspondent (sur 3\u{202f}250)"
        );
        assert_eq!(
            count_text(1, 3250, Lang::Fr),
            "1 lieu correspond (sur 3\u{202f}250)"
        );
        assert_eq!(
            count_text(0, 12, Lang::Fr),
            "Aucun lieu ne correspond (sur 12)"
        );
        assert_eq!(count_text(62721, 62721, Lang::Fr), "62\u{202f}721 lieux");
        assert_eq!(
            count_text(124, 3250, Lang::En),
            "124 places match (of 3,250)"
        );
        assert_eq!(
            summary_head(12345.0, 8, Lang::Fr),
            "12\u{202f}345 habitants · 8 lieux affichés"
        );
        assert_eq!(
            nearest_title("Arras", Lang::Fr),
            "Les lieux les plus proches d'Arras"
        );
        assert_eq!(nearest_title("Arras", Lang::En), "Nearest places to Arras");
        assert_eq!(
            list_caption(1200, 50, None, Lang::Fr),
            "Lieux sur la carte (1\u{202f}200), du plus proche au plus loin du centre de la carte : les 50 premiers. Zoomez pour voir les autres."
        );
        assert_eq!(
            list_caption(3, 3, Some("Lens"), Lang::En),
            "Places on the map (3), nearest first from Lens"
        );
        assert_eq!(
            illectronism_line("19,2\u{202f}%", true, Lang::Fr),
            "Illectronisme (INSEE, 2019) : 19,2\u{202f}% des 15 ans et plus (moyenne des intercommunalités pondérée par leur population)"
        );
        assert_eq!(
            titled_value("Rate", "19.2\u{a0}%", false, Lang::En),
            "Rate: 19.2\u{a0}%"
        );
        assert_eq!(
            rejected_places(1, Lang::Fr),
            "1 lieu illisible dans la table a été écarté."
        );
        assert_eq!(
            rejected_places(3, Lang::En),
            "3 unreadable places of the table were left out."
        );
    }

    #[test]
    fn distances_and_times() {
        assert_eq!(distance_text(0.0, Lang::Fr), "0 m");
        assert_eq!(distance_text(347.0, Lang::Fr), "350 m");
        assert_eq!(distance_text(994.0, Lang::Fr), "990 m");
        assert_eq!(distance_text(1_234.0, Lang::Fr), "1,2 km");
        assert_eq!(distance_text(1_234.0, Lang::En), "1.2 km");
        assert_eq!(distance_text(23_600.0, Lang::Fr), "24 km");
        assert_eq!(distance_text(f64::NAN, Lang::Fr), "?");
        assert_eq!(minutes_text(0.3, Lang::Fr), "moins d'1 min");
        assert_eq!(minutes_text(12.4, Lang::Fr), "12 min");
        assert_eq!(minutes_text(65.0, Lang::Fr), "1 h 05");
        assert_eq!(minutes_text(65.0, Lang::En), "1 h 05 min");
        assert_eq!(minutes_text(1e9, Lang::Fr), "plus de 10 h");
        assert_eq!(
            travel_text(12.0, 4.0, Lang::Fr),
            "environ 12 min à pied, environ 4 min en voiture"
        );
        assert_eq!(
            travel_text(5.0, 0.1, Lang::En),
            "about 5 min on foot, under 1 min by car"
        );
        assert_eq!(
            coverage_text(0.9349, 15.0, Mode::Car, Lang::Fr),
            "93\u{a0}% des habitants à moins de 15 min en voiture d'un lieu affiché (estimation)"
        );
        assert_eq!(
            coverage_text(1.2, 20.0, Mode::Walk, Lang::En),
            "100% of inhabitants within 20 min on foot of a shown place (estimate)"
        );
    }
}
