//! The words about places: counts ("124 lieux correspondent"), distances
//! and travel times, in plain French (or English), so that the glue only
//! writes text the core decided.

use crate::analysis::Mode;
use crate::num::ClampTo;
use crate::style::legend::{format_number, Lang};

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

/// A link to directions between two points on OpenStreetMap (no account,
/// no tracking, works on phones); `car` picks the car router, else walking.
pub fn directions_url(from: [f64; 2], to: [f64; 2], car: bool) -> String {
    let engine = if car {
        "fossgis_osrm_car"
    } else {
        "fossgis_osrm_foot"
    };
    let p = |lon_lat: [f64; 2]| format!("{}%2C{}", fixed5(lon_lat[1]), fixed5(lon_lat[0]));
    format!(
        "https://www.openstreetmap.org/directions?engine={engine}&route={}%3B{}",
        p(from),
        p(to)
    )
}

/// "de" before a place's name as French writes it: "d'Arras", "du
/// Touquet-Paris-Plage" (Le Touquet), "des Mureaux" (Les Mureaux), "de
/// La Bassée", "de votre position". Elided before an h too: most
/// communes' h is mute ("d'Hazebrouck", "d'Hénin-Beaumont"); the few
/// aspirated ones only a dictionary knows.
pub fn of_place(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        return format!("du {rest}");
    }
    if let Some(rest) = name.strip_prefix("Les ") {
        return format!("des {rest}");
    }
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "aeiouyhàâäéèêëîïôöùûüœAEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ".contains(c));
    if vowel {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// A coordinate with 5 decimals (about a metre), "0" when not finite.
pub fn fixed5(x: f64) -> String {
    crate::share::fixed(x, 5, '.').unwrap_or_else(|| "0".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn de_before_place_names() {
        assert_eq!(of_place("Arras"), "d'Arras");
        assert_eq!(of_place("Étaples"), "d'Étaples");
        assert_eq!(of_place("Le Touquet-Paris-Plage"), "du Touquet-Paris-Plage");
        assert_eq!(of_place("Les Mureaux"), "des Mureaux");
        assert_eq!(of_place("La Bassée"), "de La Bassée");
        assert_eq!(of_place("Lens"), "de Lens");
        assert_eq!(of_place("Hénin-Beaumont"), "d'Hénin-Beaumont");
        assert_eq!(of_place("votre position"), "de votre position");
        assert_eq!(of_place("ce point"), "de ce point");
        assert_eq!(of_place(""), "de ");
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

    #[test]
    fn directions_link_orders_lat_lon() {
        assert_eq!(
            directions_url([2.7781, 50.291], [-1.5, 47.25], false),
            "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=50.29100%2C2.77810%3B47.25000%2C-1.50000"
        );
        assert_eq!(fixed5(-0.000001), "0.00000");
        assert_eq!(fixed5(f64::INFINITY), "0");
    }
}

/// Whether an address a page gives (a logo, a geocoder) may be used:
/// `https:`, `http:` or a relative path, never `javascript:` or another
/// scheme.
pub fn is_web_address(url: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .filter(|(s, _)| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        })
        .map(|(s, _)| s);
    !u.is_empty()
        && u.len() <= 2_000
        && !u.chars().any(char::is_control)
        && matches!(scheme, None | Some("https") | Some("http"))
}

#[cfg(test)]
mod address_tests {
    use super::is_web_address;

    #[test]
    fn logos_are_images_not_scripts() {
        assert!(is_web_address("https://assembleurs.co/logo.svg"));
        assert!(is_web_address("logo.png"));
        assert!(is_web_address("/img/logo.png?v=2:3"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address(" JavaScript:alert(1)"));
        assert!(!is_web_address("data:image/svg+xml,<svg onload=alert(1)>"));
        assert!(!is_web_address(""));
    }
}
