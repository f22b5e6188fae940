//! The words of the element's own interface, in French and English, in one
//! place: the shadow root's labels and buttons and the status line. The
//! `lang` attribute picks the language; numbers go through
//! `style::legend::format_number`, which writes them for it.
//!
//! The texts about data (legend, places, summaries, coverage) are written
//! by the core modules that compute them, each with its `Lang`.

use crate::style::legend::{format_number, Lang};

/// A text of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The skip link's button.
    SkipMap,
    /// The canvas's accessible name: what it is and how to use it.
    MapLabel,
    /// Status while the map loads.
    Loading,
    /// The retry button beside an error.
    Retry,
    /// The territories' table toggle, closed.
    ShowTable,
    /// The territories' table toggle, open.
    HideTable,
    /// The search box's label.
    Commune,
    /// The search box's example.
    CommuneExample,
    /// « Autour de moi ».
    NearMe,
    /// The filters' summary.
    FilterPlaces,
    /// Export of the shown places.
    DownloadPlaces,
    /// Export of the EPCIs' table.
    DownloadEpci,
    /// Export of the map as a picture.
    DownloadPicture,
    /// Plain-language mode: back to the question.
    LookElsewhere,
    /// The list of places toggle, closed.
    ShowPlaceList,
    /// The list of places toggle, open.
    HidePlaceList,
    /// Plain-language mode's question.
    WhereAreYou,
    /// Plain-language mode's example.
    WhereExample,
    /// Before an error's message in the status line.
    ErrorPrefix,
    /// A detailed level could not be read (then the reason).
    DetailUnavailable,
    /// The base outlines could not be read (then the reason).
    OutlinesUnavailable,
    /// After the counts, when the map restarted after a panic.
    Restarted,
    /// The field switcher's label.
    Indicator,
    /// The places could not be read (then the reason).
    PlacesUnavailable,
    /// The zones could not be read (then the reason).
    ZonesUnavailable,
    /// A place's full record could not be read (then the reason).
    CardUnavailable,
    /// A place's full record is not where the table says.
    CardMissing,
}

/// The text `t` in `lang`.
pub fn text(t: Text, lang: Lang) -> &'static str {
    use Text::*;
    let (fr, en) = match t {
        SkipMap => ("Passer la carte", "Skip the map"),
        MapLabel => (
            "Carte de l'inclusion numérique : flèches pour déplacer, + et − pour zoomer, N et P pour passer d'un territoire à l'autre",
            "Map of digital inclusion: arrows to move, + and − to zoom, N and P to go from one territory to the next",
        ),
        Loading => ("Chargement de la carte…", "Loading the map…"),
        Retry => ("Réessayer", "Try again"),
        ShowTable => ("Afficher le tableau des territoires", "Show the table of territories"),
        HideTable => ("Masquer le tableau des territoires", "Hide the table of territories"),
        Commune => ("Votre commune", "Your commune"),
        CommuneExample => ("Ex. : Arras, Saint-Omer", "E.g. Arras, Saint-Omer"),
        NearMe => ("Autour de moi", "Near me"),
        FilterPlaces => ("Filtrer les lieux", "Filter the places"),
        DownloadPlaces => ("Télécharger les lieux affichés (CSV)", "Download the places shown (CSV)"),
        DownloadEpci => (
            "Télécharger le tableau des intercommunalités (CSV)",
            "Download the table of intercommunalities (CSV)",
        ),
        DownloadPicture => ("Télécharger l'image de la carte (PNG)", "Download the map as a picture (PNG)"),
        LookElsewhere => ("Chercher un autre endroit", "Look somewhere else"),
        ShowPlaceList => ("Afficher la liste des lieux de la carte", "Show the list of the places on the map"),
        HidePlaceList => ("Masquer la liste des lieux de la carte", "Hide the list of the places on the map"),
        WhereAreYou => ("Où êtes-vous ?", "Where are you?"),
        WhereExample => ("Votre commune, par exemple Arras", "Your commune, for example Arras"),
        ErrorPrefix => ("Erreur : ", "Error: "),
        DetailUnavailable => (
            "Détail indisponible, la carte reste à ce niveau : ",
            "Detail unavailable, the map stays at this level: ",
        ),
        OutlinesUnavailable => ("Contours indisponibles : ", "Outlines unavailable: "),
        Restarted => (
            " · carte redémarrée après une erreur interne",
            " · map restarted after an internal error",
        ),
        Indicator => ("Indicateur ", "Indicator "),
        PlacesUnavailable => ("Lieux indisponibles : ", "Places unavailable: "),
        ZonesUnavailable => ("Zones indisponibles : ", "Zones unavailable: "),
        CardUnavailable => ("Fiche du lieu indisponible : ", "Place's details unavailable: "),
        CardMissing => (
            "Fiche du lieu introuvable dans le fichier.",
            "The place's details are not in the file.",
        ),
    };
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
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

/// Places of the table that could not be read and were left out.
pub fn rejected_places(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Fr, 1) => "1 lieu illisible dans la table a été écarté.".to_owned(),
        (Lang::Fr, n) => format!("{n} lieux illisibles dans la table ont été écartés."),
        (Lang::En, 1) => "1 unreadable place of the table was left out.".to_owned(),
        (Lang::En, n) => format!("{n} unreadable places of the table were left out."),
    }
}

/// The canvas's accessible name with a territory selected.
pub fn selected(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Carte : {name} sélectionné"),
        Lang::En => format!("Map: {name} selected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Text; 27] = [
        Text::SkipMap,
        Text::MapLabel,
        Text::Loading,
        Text::Retry,
        Text::ShowTable,
        Text::HideTable,
        Text::Commune,
        Text::CommuneExample,
        Text::NearMe,
        Text::FilterPlaces,
        Text::DownloadPlaces,
        Text::DownloadEpci,
        Text::DownloadPicture,
        Text::LookElsewhere,
        Text::ShowPlaceList,
        Text::HidePlaceList,
        Text::WhereAreYou,
        Text::WhereExample,
        Text::ErrorPrefix,
        Text::DetailUnavailable,
        Text::OutlinesUnavailable,
        Text::Restarted,
        Text::Indicator,
        Text::PlacesUnavailable,
        Text::ZonesUnavailable,
        Text::CardUnavailable,
        Text::CardMissing,
    ];

    #[test]
    fn every_text_in_both_languages_and_distinct() {
        for lang in [Lang::Fr, Lang::En] {
            let texts: Vec<&str> = ALL.iter().map(|t| text(*t, lang)).collect();
            for (i, t) in texts.iter().enumerate() {
                assert!(!t.trim().is_empty(), "{:?} empty in {lang:?}", ALL[i]);
                assert!(!texts[i + 1..].contains(t), "{t} twice");
            }
        }
        for t in ALL {
            assert_ne!(text(t, Lang::Fr), text(t, Lang::En), "{t:?} untranslated");
        }
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
        assert_eq!(
            rejected_places(1, Lang::Fr),
            "1 lieu illisible dans la table a été écarté."
        );
        assert_eq!(
            rejected_places(3, Lang::En),
            "3 unreadable places of the table were left out."
        );
        assert_eq!(
            selected("CU d'Arras", Lang::Fr),
            "Carte : CU d'Arras sélectionné"
        );
    }
}
