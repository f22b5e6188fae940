//! The sites layer: one point per place, lists as JSON text, plus one
//! boolean column per kind so the widget can filter without parsing JSON.

use super::vocab::Kind;
use super::{Precision, Site};
use crate::layer::{field, Feature, LayerData, Value};
use maillage::manifest::{FieldKind, Label};
use std::collections::BTreeMap;

fn json_list(items: &[String]) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        Value::text(serde_json::to_string(items).unwrap_or_default())
    }
}

fn described(
    mut f: maillage::manifest::FieldDef,
    fr: &str,
    en: &str,
) -> maillage::manifest::FieldDef {
    f.description = Some(Label::new(fr, en));
    f
}

/// The columns of the sites layer, in order.
fn fields() -> Vec<maillage::manifest::FieldDef> {
    use FieldKind::{Integer, Json, Text};
    let mut f = vec![
        field("id", Text, "Identifiant", "Identifier"),
        field("name", Text, "Nom", "Name"),
        field("kinds", Json, "Types de lieu", "Kinds of place"),
        field("address", Text, "Adresse", "Address"),
        field("postcode", Text, "Code postal", "Postcode"),
        field("commune", Text, "Code commune (INSEE)", "Commune code (INSEE)"),
        field("commune_name", Text, "Commune", "Commune"),
        field("epci", Text, "EPCI (SIREN)", "EPCI (SIREN)"),
        field("dep", Text, "Département", "Département"),
        described(
            field("precision", Text, "Précision de la position", "Position precision"),
            "« exact » : position publiée par la source ; « commune » : lieu placé au point représentatif de sa commune (mairie), faute de coordonnées.",
            "\"exact\": position published by the source; \"commune\": place put at its commune's representative point (town hall) for lack of coordinates.",
        ),
        described(
            field("hours", Json, "Horaires d'ouverture", "Opening hours"),
            "Par jour (mo, tu, we, th, fr, sa, su), liste d'intervalles [ouverture, fermeture] « HH:MM » ; jours fermés absents.",
            "Per day (mo, tu, we, th, fr, sa, su), a list of [open, close] \"HH:MM\" intervals; closed days left out.",
        ),
        described(
            field("hours_text", Text, "Horaires (texte non interprété)", "Opening hours (uninterpreted text)"),
            "Horaires publiés par la source quand ils n'ont pas pu être lus.",
            "Hours as published by the source when they could not be read.",
        ),
        field("services", Json, "Services", "Services"),
        field("publics", Json, "Publics", "Audiences"),
        field("labels", Json, "Labels et dispositifs", "Labels and programmes"),
        field("accessibility", Text, "Accessibilité", "Accessibility"),
        field("phone", Text, "Téléphone", "Phone"),
        field("email", Text, "Courriel", "E-mail"),
        field("website", Text, "Site web", "Website"),
        field("siret", Text, "SIRET", "SIRET"),
        described(
            field("sources", Json, "Sources", "Sources"),
            "Chaque jeu de données où le lieu figure, avec son identifiant dans ce jeu.",
            "Every dataset listing the place, with its identifier there.",
        ),
        field("source_count", Integer, "Nombre de sources", "Number of sources"),
        field("updated", Text, "Mise à jour", "Last update"),
    ];
    for k in Kind::ALL {
        let (fr, en) = k.label();
        f.push(field(&k.column(), FieldKind::Boolean, fr, en));
    }
    f
}

/// Builds the sites layer (features in the given order: `load_all` sorts
/// by id).
pub fn layer(sites: &[Site]) -> LayerData {
    let features = sites
        .iter()
        .map(|s| {
            let kinds: Vec<String> = s.kinds.iter().map(|k| k.as_str().to_owned()).collect();
            let sources: Vec<BTreeMap<&str, &str>> = s
                .sources
                .iter()
                .map(|p| {
                    let mut m =
                        BTreeMap::from([("source", p.source.as_str()), ("id", p.id.as_str())]);
                    if !p.producer.is_empty() {
                        m.insert("producer", p.producer.as_str());
                    }
                    m
                })
                .collect();
            let mut values = vec![
                Value::text(s.id.clone()),
                Value::text(s.name.clone()),
                json_list(&kinds),
                Value::text(s.address.clone()),
                Value::text(s.postcode.clone()),
                Value::text(s.commune.clone()),
                Value::text(s.commune_name.clone()),
                Value::text(s.epci.clone().unwrap_or_default()),
                Value::text(s.dep.clone()),
                Value::text(match s.precision {
                    Precision::Exact => "exact",
                    Precision::Commune => "commune",
                }),
                s.hours
                    .as_ref()
                    .map_or(Value::Null, |h| Value::text(h.to_json())),
                Value::text(s.hours_raw.clone()),
                json_list(&s.services),
                json_list(&s.publics),
                json_list(&s.labels),
                Value::text(s.accessibility.clone()),
                Value::text(s.phone.clone()),
                Value::text(s.email.clone()),
                Value::text(s.website.clone()),
                Value::text(s.siret.clone()),
                Value::text(serde_json::to_string(&sources).unwrap_or_default()),
                Value::Int(s.sources.len() as i64),
                Value::text(s.updated.clone()),
            ];
            values.extend(Kind::ALL.iter().map(|k| Value::Bool(s.kinds.contains(k))));
            Feature {
                geometry: s.position.into(),
                values,
            }
        })
        .collect();
    let mut l = LayerData {
        fields: fields(),
        features,
    };
    l.compute_ranges();
    l
}
