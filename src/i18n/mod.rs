//! The catalogue: every word the widget writes, in French and English.
//! The `lang` attribute picks the language; numbers go through
//! `style::legend::format_number`, which writes them for it.
//!
//! Fixed texts are variants of [`Text`] (the map) and
//! [`places::PlaceText`] (the places, linked only into the module with
//! places); sentences that carry numbers or names are functions here.
//! What the data brings (a field's title and unit, a zone's label, a
//! place's name) comes from the manifest and the files, already in both
//! languages where it has to be. The technical detail of a malformed file
//! (a FlatGeobuf structure, a JSON syntax error, a bad attribute value) is
//! written in French by its error type, after a sentence from here: it is
//! meant for the webmaster who publishes the files.

use crate::map::basemap::{TemplateError, MAX_TEMPLATE_BYTES};
use crate::net::{FetchError, ANSWER_TIMEOUT_MS};
use crate::style::legend::{format_number, Lang};

/// Writes a table of fixed texts once: the enum (each variant with its
/// French and English), its lookup function, and the list of every
/// variant that the tests go through.
macro_rules! texts {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident, fn $lookup:ident, const $all:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($fr:expr, $en:expr $(,)?), )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        /// The text `t` in `lang`.
        $vis fn $lookup(t: $name, lang: Lang) -> &'static str {
            let (fr, en) = match t {
                $( $name::$variant => ($fr, $en), )*
            };
            match lang {
                Lang::Fr => fr,
                Lang::En => en,
            }
        }

        /// Every variant, for the tests.
        #[cfg(test)]
        const $all: &[$name] = &[$( $name::$variant, )*];
    };
}

pub mod places;

texts! {
    /// A text of the interface.
    pub enum Text, fn text, const ALL {
        /// The skip link's button.
        SkipMap => ("Passer la carte", "Skip the map"),
        /// The canvas's accessible name: what it is and how to use it.
        MapLabel => (
            "Carte de l'inclusion numérique : flèches pour déplacer, + et − pour zoomer, N et P pour passer d'un territoire à l'autre",
            "Map of digital inclusion: arrows to move, + and − to zoom, N and P to go from one territory to the next",
        ),
        /// Status while the map loads.
        Loading => ("Chargement de la carte…", "Loading the map…"),
        /// The retry button beside an error.
        Retry => ("Réessayer", "Try again"),
        /// The territories' table toggle, closed.
        ShowTable => ("Afficher le tableau des territoires", "Show the table of territories"),
        /// The territories' table toggle, open.
        HideTable => ("Masquer le tableau des territoires", "Hide the table of territories"),
        /// The search box's label.
        Commune => ("Votre commune ou code postal", "Your commune or postcode"),
        /// The search box's example.
        CommuneExample => ("Ex. : Arras, 62000", "E.g. Arras, 62000"),
        /// « Autour de moi ».
        NearMe => ("Autour de moi", "Near me"),
        /// The filters' summary.
        FilterPlaces => ("Filtrer les lieux", "Filter the places"),
        /// Export of the shown places.
        DownloadPlaces => ("Télécharger les lieux affichés (CSV)", "Download the places shown (CSV)"),
        /// Export of the EPCIs' table.
        DownloadEpci => (
            "Télécharger le tableau des intercommunalités (CSV)",
            "Download the table of intercommunalities (CSV)",
        ),
        /// Export of the map as a picture.
        DownloadPicture => ("Télécharger l'image de la carte (PNG)", "Download the map as a picture (PNG)"),
        /// Plain-language mode: back to the question.
        LookElsewhere => ("Chercher un autre endroit", "Look somewhere else"),
        /// The list of places toggle, closed.
        ShowPlaceList => ("Afficher la liste des lieux de la carte", "Show the list of the places on the map"),
        /// The list of places toggle, open.
        HidePlaceList => ("Masquer la liste des lieux de la carte", "Hide the list of the places on the map"),
        /// Plain-language mode's question.
        WhereAreYou => ("Où êtes-vous ?", "Where are you?"),
        /// Plain-language mode's example.
        WhereExample => ("Commune ou code postal", "Commune or postcode"),
        /// Before an error's message in the status line.
        ErrorPrefix => ("Erreur : ", "Error: "),
        /// A detailed level could not be read (then the reason).
        DetailUnavailable => (
            "Détail indisponible, la carte reste à ce niveau : ",
            "Detail unavailable, the map stays at this level: ",
        ),
        /// The base outlines could not be read (then the reason).
        OutlinesUnavailable => ("Contours indisponibles : ", "Outlines unavailable: "),
        /// After the counts, when the map restarted after a panic.
        Restarted => (
            " · carte redémarrée après une erreur interne",
            " · map restarted after an internal error",
        ),
        /// The field switcher's label.
        Indicator => ("Indicateur ", "Indicator "),
        /// The places could not be read (then the reason).
        PlacesUnavailable => ("Lieux indisponibles : ", "Places unavailable: "),
        /// The zones could not be read (then the reason).
        ZonesUnavailable => ("Zones indisponibles : ", "Zones unavailable: "),
        /// A place's full record could not be read (then the reason).
        CardUnavailable => ("Fiche du lieu indisponible : ", "Place's details unavailable: "),
        /// A place's full record is not where the table says.
        CardMissing => (
            "Fiche du lieu introuvable dans le fichier.",
            "The place's details are not in the file.",
        ),
        /// The legend's checkbox for patterns.
        Patterns => ("Motifs sur les classes", "Patterns on the classes"),
        /// The legend's list of kinds of place.
        PlacesShownByKind => ("Lieux affichés, par type", "Places shown, by kind"),
        /// The territories' table: the name column.
        Name => ("Nom", "Name"),
        /// The territories' table: the class column.
        Class => ("Classe", "Class"),
        /// A territory without a value.
        NoData => ("Pas de donnée", "No data"),
        /// The zones' note title.
        ZonesNote => ("Comment ces zones sont établies", "How these zones are drawn"),
        /// The least detailed level's name.
        LevelOverview => ("vue d'ensemble", "overview"),
        /// The medium level's name.
        LevelMedium => ("détail moyen", "medium detail"),
        /// The full level's name.
        LevelFull => ("détail complet", "full detail"),
        /// Before the basemap's host in its credit.
        Basemap => ("Fond de carte : ", "Basemap: "),
        /// The basemap's host when its address is relative.
        ThisSite => ("ce site", "this site"),
        /// The element has no `manifest` attribute.
        NoManifest => (
            "attribut manifest absent : indiquez l'adresse de manifest.json",
            "no manifest attribute: give the address of manifest.json",
        ),
        /// An address that does not parse (then the address).
        BadAddress => ("adresse invalide : ", "invalid address: "),
        /// The manifest could not be fetched (then why).
        ManifestFailed => ("lecture du manifeste impossible : ", "the manifest could not be read: "),
        /// The manifest is not what the widget reads (then why).
        ManifestInvalid => ("manifeste illisible : ", "the manifest is not valid: "),
        /// An attribute the element cannot use (then which, and why).
        BadAttribute => ("attribut non compris : ", "attribute not understood: "),
        /// The manifest's layer cannot be drawn (then why).
        UnusableLayer => ("couche inutilisable : ", "unusable layer: "),
        /// `view`: not three numbers.
        ThreeNumbers => (
            "trois nombres attendus : longitude latitude zoom",
            "three numbers expected: longitude latitude zoom",
        ),
        /// `view`: centre out of range.
        LonLatRange => (
            "longitude entre −180 et 180, latitude entre −85 et 85",
            "longitude from −180 to 180, latitude from −85 to 85",
        ),
        /// `view`: zoom out of range.
        ZoomRange => ("zoom entre 0 et 22", "zoom from 0 to 22"),
        /// `territory`: nothing in it.
        EmptyTerritory => ("territoire vide", "empty territory"),
        /// `zones` without a zones layer in the manifest.
        NoZonesLayer => (
            "zones : le manifeste n'a pas de couche de zones",
            "zones: the manifest has no zones layer",
        ),
    }
}

/// The status line of a loaded map: "5 couches · 1 253 territoires".
pub fn loaded(layers: usize, territories: usize, lang: Lang) -> String {
    let n = format_number(territories as f64, 0, lang);
    let layers = match (lang, layers) {
        (Lang::Fr, 0) => "Aucune couche".to_owned(),
        (Lang::Fr, 1) => "1 couche".to_owned(),
        (Lang::Fr, l) => format!("{l} couches"),
        (Lang::En, 1) => "1 layer".to_owned(),
        (Lang::En, l) => format!("{l} layers"),
    };
    let territories = match (lang, territories) {
        (Lang::Fr, 0 | 1) => "territoire",
        (Lang::Fr, _) => "territoires",
        (Lang::En, 1) => "territory",
        (Lang::En, _) => "territories",
    };
    format!("{layers} · {n} {territories}")
}

/// The status line while a view loads: "Chargement… 3/7".
pub fn progress(done: u32, total: u32, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Chargement… {done}/{total}"),
        Lang::En => format!("Loading… {done}/{total}"),
    }
}

/// The canvas's accessible name with a territory selected.
pub fn selected(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Carte : {name} sélectionné"),
        Lang::En => format!("Map: {name} selected"),
    }
}

/// What went wrong with a file: "sites-table.bin : why" (French puts a
/// space before the colon).
pub fn about_file(path: &str, why: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{path} : {why}"),
        Lang::En => format!("{path}: {why}"),
    }
}

/// A layer file could not be fetched (`why` after).
pub fn layer_failed(path: &str, why: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("lecture de la couche {path} impossible : {why}"),
        Lang::En => format!("the layer {path} could not be read: {why}"),
    }
}

/// A layer file was fetched but is not a valid layer (`why` after).
pub fn layer_invalid(path: &str, why: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("couche {path} illisible : {why}"),
        Lang::En => format!("the layer {path} is not valid: {why}"),
    }
}

/// A failed request in words, with what the webmaster can do when it is
/// the host's doing.
pub fn fetch_error(e: &FetchError, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    match e {
        FetchError::EmptyRange { start, end } => match lang {
            Lang::Fr => format!("plage d'octets vide demandée ({start}-{end})"),
            Lang::En => format!("empty byte range asked for ({start}-{end})"),
        },
        FetchError::ServerIgnoresRange { bytes } => {
            let size = bytes.map_or_else(String::new, |b| match lang {
                Lang::Fr => format!(" ({b} octets)"),
                Lang::En => format!(" ({b} bytes)"),
            });
            match lang {
                Lang::Fr => format!(
                    "le serveur ignore les requêtes partielles (en-tête Range) : il a répondu 200 avec le fichier entier{size} au lieu de 206 ; activez les réponses partielles (Accept-Ranges: bytes) sur le serveur des couches"
                ),
                Lang::En => format!(
                    "the server ignores partial requests (Range header): it answered 200 with the whole file{size} instead of 206; turn partial answers on (Accept-Ranges: bytes) on the layers' server"
                ),
            }
        }
        FetchError::Unsatisfiable => (if fr {
            "plage d'octets hors du fichier (réponse 416)"
        } else {
            "byte range outside the file (answer 416)"
        })
        .to_owned(),
        FetchError::Status(s) => match lang {
            Lang::Fr => format!("le serveur a répondu {s}"),
            Lang::En => format!("the server answered {s}"),
        },
        FetchError::WrongRange { got } => match lang {
            Lang::Fr => format!("réponse partielle inattendue du serveur ({got})"),
            Lang::En => format!("unexpected partial answer from the server ({got})"),
        },
        FetchError::Network(m) => match lang {
            Lang::Fr => format!("erreur réseau : {m}"),
            Lang::En => format!("network error: {m}"),
        },
        FetchError::Timeout => {
            let s = ANSWER_TIMEOUT_MS / 1000;
            match lang {
                Lang::Fr => format!("le serveur n'a pas répondu en {s} secondes"),
                Lang::En => format!("the server did not answer within {s} seconds"),
            }
        }
        FetchError::Aborted => (if fr {
            "requête annulée"
        } else {
            "request cancelled"
        })
        .to_owned(),
    }
}

/// A manifest layer without something the map needs (its default style,
/// a field, files), named as the manifest names it.
pub fn layer_lacks(layer: &str, what: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{layer} n'a pas de « {what} »"),
        Lang::En => format!("{layer} has no “{what}”"),
    }
}

/// A manifest of another format than the widget reads.
pub fn manifest_format(found: u32, expected: u32, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("format {found} non pris en charge (attendu {expected})"),
        Lang::En => format!("format {found} not supported ({expected} expected)"),
    }
}

/// A layer the attributes name and the manifest lacks.
pub fn no_layer(id: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("couche « {id} » absente du manifeste"),
        Lang::En => format!("layer “{id}” not in the manifest"),
    }
}

/// An attribute's value and why it cannot be used: `view="x" : why`.
pub fn attribute_why(name: &str, value: &str, why: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("{name}=\"{value}\" : {why}"),
        Lang::En => format!("{name}=\"{value}\": {why}"),
    }
}

/// A word that should have been a number.
pub fn not_a_number(t: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("« {t} » n'est pas un nombre"),
        Lang::En => format!("“{t}” is not a number"),
    }
}

/// A number out of its range: "un nombre de 1 à 120".
pub fn number_between(lo: &str, hi: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("un nombre de {lo} à {hi}"),
        Lang::En => format!("a number from {lo} to {hi}"),
    }
}

/// `territory`: more codes than a map takes.
pub fn too_many_codes(max: usize, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("plus de {max} codes"),
        Lang::En => format!("more than {max} codes"),
    }
}

/// `territory`: a code that is neither a département nor a SIREN.
pub fn not_a_territory_code(code: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("code « {code} » : ni département ni SIREN"),
        Lang::En => format!("code “{code}”: neither a département nor a SIREN"),
    }
}

/// Why a basemap address template was refused.
pub fn template_error(e: &TemplateError, lang: Lang) -> String {
    let fr = lang == Lang::Fr;
    match e {
        TemplateError::TooLong => match lang {
            Lang::Fr => format!("modèle de plus de {MAX_TEMPLATE_BYTES} octets"),
            Lang::En => format!("template of more than {MAX_TEMPLATE_BYTES} bytes"),
        },
        TemplateError::BadCharacter(n) => match lang {
            Lang::Fr => format!("espace, caractère de contrôle ou bidirectionnel en position {n}"),
            Lang::En => format!("space, control or bidirectional character at position {n}"),
        },
        TemplateError::Scheme(s) => match lang {
            Lang::Fr => format!("adresse « {s}: » refusée, http(s) ou relative seulement"),
            Lang::En => format!("address “{s}:” refused, http(s) or relative only"),
        },
        TemplateError::UnknownPlaceholder(p) => match lang {
            Lang::Fr => format!("{{{p}}} inconnu : {{z}}, {{x}}, {{y}} et {{r}} seulement"),
            Lang::En => format!("{{{p}}} unknown: {{z}}, {{x}}, {{y}} and {{r}} only"),
        },
        TemplateError::Unclosed => (if fr {
            "accolade non fermée"
        } else {
            "unclosed brace"
        })
        .to_owned(),
        TemplateError::Missing(p) => match lang {
            Lang::Fr => format!("{{{p}}} absent du modèle"),
            Lang::En => format!("{{{p}}} missing from the template"),
        },
    }
}

/// A class's range in the legend: "de 12,5 à 15,8" / "12.5 – 15.8".
pub fn class_range(lo: &str, hi: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("de {lo} à {hi}"),
        Lang::En => format!("{lo} – {hi}"),
    }
}

/// A territory's class in words: "classe 2 sur 5" (`k` from 0).
pub fn class_of(k: usize, classes: usize, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("classe {} sur {classes}", k + 1),
        Lang::En => format!("class {} of {classes}", k + 1),
    }
}

/// The territories' table caption: "Territoires de la carte (248) : title".
pub fn territories_caption(rows: usize, title: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Territoires de la carte ({rows}) : {title}"),
        Lang::En => format!("Territories of the map ({rows}): {title}"),
    }
}

/// A level's name for the status line ("overview", "medium", "full"; any
/// other name as it is).
pub fn level_label(level: &str, lang: Lang) -> &str {
    match level {
        "overview" => text(Text::LevelOverview, lang),
        "medium" => text(Text::LevelMedium, lang),
        "full" => text(Text::LevelFull, lang),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of `all` is written in both languages, differs from the
    /// other texts of its language, and is translated (but for `same`).
    pub(super) fn check_catalogue<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        text: fn(T, Lang) -> &'static str,
        same: &[T],
    ) {
        for lang in [Lang::Fr, Lang::En] {
            let texts: Vec<&str> = all.iter().map(|t| text(*t, lang)).collect();
            for (i, t) in texts.iter().enumerate() {
                assert!(!t.trim().is_empty(), "{:?} empty in {lang:?}", all[i]);
                assert!(!texts[i + 1..].contains(t), "{t} twice");
            }
        }
        for &t in all.iter().filter(|t| !same.contains(t)) {
            assert_ne!(text(t, Lang::Fr), text(t, Lang::En), "{t:?} untranslated");
        }
    }

    #[test]
    fn every_text_in_both_languages_and_distinct() {
        check_catalogue(ALL, text, &[]);
        // French typography: a narrow space is not needed before ":" in
        // these prefixes, but the French ones keep their space.
        assert!(text(Text::ErrorPrefix, Lang::Fr).ends_with(" : "));
        assert!(text(Text::ErrorPrefix, Lang::En).ends_with(": "));
    }

    #[test]
    fn counts_and_progress_follow_the_language() {
        assert_eq!(
            loaded(5, 1253, Lang::Fr),
            "5 couches · 1\u{202f}253 territoires"
        );
        assert_eq!(loaded(1, 20, Lang::Fr), "1 couche · 20 territoires");
        assert_eq!(loaded(5, 1253, Lang::En), "5 layers · 1,253 territories");
        assert_eq!(loaded(1, 1, Lang::En), "1 layer · 1 territory");
        assert_eq!(loaded(0, 0, Lang::Fr), "Aucune couche · 0 territoire");
        assert_eq!(progress(3, 7, Lang::En), "Loading… 3/7");
        assert_eq!(class_range("12,5", "15,8", Lang::Fr), "de 12,5 à 15,8");
        assert_eq!(class_of(1, 5, Lang::En), "class 2 of 5");
        assert_eq!(
            territories_caption(248, "Taux", Lang::Fr),
            "Territoires de la carte (248) : Taux"
        );
        assert_eq!(level_label("medium", Lang::En), "medium detail");
        assert_eq!(about_file("a.bin", "why", Lang::Fr), "a.bin : why");
        assert_eq!(
            attribute_why("view", "x", &not_a_number("x", Lang::En), Lang::En),
            "view=\"x\": “x” is not a number"
        );
        assert_eq!(
            template_error(&TemplateError::Missing("x"), Lang::Fr),
            "{x} absent du modèle"
        );
        assert_eq!(
            number_between("1", "120", Lang::En),
            "a number from 1 to 120"
        );
        assert_eq!(about_file("a.bin", "why", Lang::En), "a.bin: why");
        assert_eq!(
            fetch_error(&FetchError::Status(503), Lang::Fr),
            "le serveur a répondu 503"
        );
        assert_eq!(
            fetch_error(&FetchError::Timeout, Lang::En),
            "the server did not answer within 20 seconds"
        );
        assert_eq!(
            fetch_error(&FetchError::ServerIgnoresRange { bytes: Some(12) }, Lang::En),
            "the server ignores partial requests (Range header): it answered 200 with the whole file (12 bytes) instead of 206; turn partial answers on (Accept-Ranges: bytes) on the layers' server"
        );
        assert_eq!(
            layer_failed("epci.fgb", "the server answered 404", Lang::En),
            "the layer epci.fgb could not be read: the server answered 404"
        );
        assert_eq!(level_label("level-3", Lang::Fr), "level-3");
        assert_eq!(
            selected("CU d'Arras", Lang::Fr),
            "Carte : CU d'Arras sélectionné"
        );
    }
}
