//! Shared vocabulary: place kinds and national label names, normalised so
//! that "CNFS", "Conseillers numériques" and "Conseiller numérique France
//! Services" are one label, and derived kinds come from labels, data.inclusion
//! typologies and names in one place.

use super::text::{cap, clean, fold};

/// What a place is, for filtering and counting. A place can be several
/// (a médiathèque labelled France Services hosting a conseiller numérique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// France Services (label or national list).
    FranceServices,
    /// Hosts a conseiller numérique (France Services) or one of their permanences.
    ConseillerNumerique,
    /// Médiathèque or public library.
    Mediatheque,
    /// Town hall.
    Mairie,
    /// Tiers-lieu (fablab, coworking, third place).
    TiersLieu,
    /// Association.
    Association,
    /// Uses Aidants Connect (people authorised to do procedures on behalf of others).
    AidantsConnect,
    /// None of the above.
    Other,
}

impl Kind {
    /// Every kind, in column order.
    pub const ALL: [Kind; 8] = [
        Kind::FranceServices,
        Kind::ConseillerNumerique,
        Kind::Mediatheque,
        Kind::Mairie,
        Kind::TiersLieu,
        Kind::Association,
        Kind::AidantsConnect,
        Kind::Other,
    ];

    /// Stable identifier used in data ("france-services", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::FranceServices => "france-services",
            Kind::ConseillerNumerique => "conseiller-numerique",
            Kind::Mediatheque => "mediatheque",
            Kind::Mairie => "mairie",
            Kind::TiersLieu => "tiers-lieu",
            Kind::Association => "association",
            Kind::AidantsConnect => "aidants-connect",
            Kind::Other => "other",
        }
    }

    /// Label (French, English) for legends.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Kind::FranceServices => ("France Services", "France Services"),
            Kind::ConseillerNumerique => ("Conseiller numérique", "Digital adviser"),
            Kind::Mediatheque => ("Médiathèque", "Library"),
            Kind::Mairie => ("Mairie", "Town hall"),
            Kind::TiersLieu => ("Tiers-lieu", "Third place"),
            Kind::Association => ("Association", "Association"),
            Kind::AidantsConnect => ("Aidants Connect", "Aidants Connect"),
            Kind::Other => ("Autre lieu", "Other place"),
        }
    }

    /// Column name of this kind's boolean filter column.
    pub fn column(self) -> String {
        format!("is_{}", self.as_str().replace('-', "_"))
    }
}

/// Canonical label names, with the folded spellings that mean them.
const LABELS: &[(&str, &[&str])] = &[
    (
        "France Services",
        &[
            "france services",
            "france service",
            "fs",
            "msap",
            "maison de services au public",
        ],
    ),
    (
        "Conseiller numérique",
        &[
            "cnfs",
            "conseiller numerique",
            "conseillers numeriques",
            "conseiller numerique france services",
            "conseillers numeriques france services",
        ],
    ),
    ("Aidants Connect", &["aidants connect", "aidant connect"]),
    (
        "APTIC",
        &["aptic", "pass numerique", "pass numeriques aptic"],
    ),
    (
        "Point numérique CAF",
        &["point numerique caf", "point d acces numerique caf"],
    ),
    ("Point relais CAF", &["point relais caf"]),
    (
        "Fabrique de territoire",
        &["fabriques de territoire", "fabrique de territoire"],
    ),
    (
        "Grande école du numérique",
        &["grandes ecoles du numerique", "grande ecole du numerique"],
    ),
    ("Relais Pôle emploi", &["relais pole emploi"]),
    ("French Tech", &["french tech"]),
    ("Campus connecté", &["campus connecte"]),
    (
        "Emmaüs Connect",
        &["emmaus connect", "relais numerique emmaus connect"],
    ),
    ("Croix-Rouge", &["la croix rouge", "croix rouge"]),
    ("Promeneurs du Net", &["promeneurs du net"]),
    ("PIX", &["certification pix", "pix"]),
    (
        "Bibliothèque numérique de référence",
        &[
            "bibliotheques numerique de reference",
            "bibliotheque numerique de reference",
        ],
    ),
];

/// Longest free-text label kept.
const MAX_LABEL_CHARS: usize = 100;

/// The canonical name of a label; unknown labels keep their cleaned text.
pub(crate) fn normalise_label(s: &str) -> String {
    let f = fold(s);
    for (name, spellings) in LABELS {
        if spellings.contains(&f.as_str()) {
            return (*name).to_owned();
        }
    }
    let mut c = clean(s);
    cap(&mut c, MAX_LABEL_CHARS);
    c
}

/// The kind a label implies.
pub(crate) fn label_kind(label: &str) -> Option<Kind> {
    match label {
        "France Services" => Some(Kind::FranceServices),
        "Conseiller numérique" => Some(Kind::ConseillerNumerique),
        "Aidants Connect" => Some(Kind::AidantsConnect),
        _ => None,
    }
}

/// The kind a data.inclusion typology code implies ("TIERS_LIEUX", "ASSO", ...).
pub(crate) fn typology_kind(code: &str) -> Option<Kind> {
    match code.trim().to_ascii_uppercase().as_str() {
        "TIERS_LIEUX" | "TIERS_LIEU" => Some(Kind::TiersLieu),
        "ASSO" | "ASSO_CHOMEUR" | "ASSOCIATION" => Some(Kind::Association),
        "BIB" | "MEDIATHEQUE" => Some(Kind::Mediatheque),
        "MUNI" | "MAIRIE" => Some(Kind::Mairie),
        "FS" | "MSAP" => Some(Kind::FranceServices),
        _ => None,
    }
}

/// Kinds a name states plainly ("Médiathèque …", "Mairie de …",
/// "Association …", "… tiers-lieu …", "France services …").
pub(crate) fn name_kinds(name: &str) -> Vec<Kind> {
    let f = fold(name);
    let padded = format!(" {f} ");
    let mut out = Vec::new();
    if padded.contains(" mediatheque ") || padded.contains(" bibliotheque ") {
        out.push(Kind::Mediatheque);
    }
    if f.starts_with("mairie ") || f == "mairie" || f.starts_with("hotel de ville") {
        out.push(Kind::Mairie);
    }
    if f.starts_with("association ") || f.starts_with("asso ") {
        out.push(Kind::Association);
    }
    if padded.contains(" tiers lieu ")
        || padded.contains(" tiers lieux ")
        || padded.contains(" fablab ")
    {
        out.push(Kind::TiersLieu);
    }
    if padded.contains(" france services ") || padded.contains(" france service ") {
        out.push(Kind::FranceServices);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_normalised() {
        assert_eq!(normalise_label("CNFS"), "Conseiller numérique");
        assert_eq!(
            normalise_label("Conseillers numériques"),
            "Conseiller numérique"
        );
        assert_eq!(normalise_label(" france   Services"), "France Services");
        assert_eq!(
            normalise_label("Point d'accès numérique CAF"),
            "Point numérique CAF"
        );
        assert_eq!(normalise_label("SudLabs"), "SudLabs");
        assert_eq!(normalise_label(&"y".repeat(500)).len(), MAX_LABEL_CHARS);
        assert_eq!(label_kind("Aidants Connect"), Some(Kind::AidantsConnect));
        assert_eq!(typology_kind("tiers_lieux"), Some(Kind::TiersLieu));
        assert_eq!(typology_kind("CCAS"), None);
    }

    #[test]
    fn names_state_kinds() {
        assert_eq!(name_kinds("Médiathèque Jean Macé"), vec![Kind::Mediatheque]);
        assert_eq!(name_kinds("Mairie de Lens"), vec![Kind::Mairie]);
        assert_eq!(
            name_kinds("Bus France services Thiérache"),
            vec![Kind::FranceServices]
        );
        assert!(name_kinds("Municipalité d'Annay").is_empty());
        assert_eq!(Kind::TiersLieu.column(), "is_tiers_lieu");
    }
}
