//! French grammar and addresses for the places: the elision before a
//! place's name ("d'Arras"), directions links, and which addresses a page
//! may give. The sentences themselves are in the catalogue
//! (`i18n::places`).

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
