//! The sites layer: one point per place, lists as JSON text, plus one
//! boolean column per kind so the widget can filter without parsing JSON.

use super::vocab::Kind;
use super::{Precision, Site};
use crate::layer::{field, Feature, LayerData, Value};
use maillage::manifest::{FieldKind, Label, ValueList};
use maillage::sites::table::SiteTable;
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

/// Items of a list column by frequency (most frequent first, then
/// alphabetical), at most `cap`: bit *i* of the table's mask is item *i*.
fn vocabulary<'a>(items: impl Iterator<Item = &'a String>, cap: usize) -> Vec<String> {
    let mut n: BTreeMap<&str, usize> = BTreeMap::new();
    for i in items {
        *n.entry(i.as_str()).or_default() += 1;
    }
    let mut v: Vec<(&str, usize)> = n.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(cap).map(|(s, _)| s.to_owned()).collect()
}

fn mask(items: &[String], vocab: &[String]) -> u32 {
    items
        .iter()
        .filter_map(|i| vocab.iter().position(|v| v == i))
        .fold(0, |m, b| m | (1 << b))
}

/// Where each place's record lies in the written full sites file, in the
/// file's (Hilbert) order: the table follows that order, so the widget
/// opens a detail card with one range request.
fn record_ranges(full: &[u8]) -> Result<Vec<(String, u64, u32)>, String> {
    use maillage::fgb::{decode_feature, feature_slices, Header, Value as V};
    let header = Header::parse(full).map_err(|e| e.to_string())?;
    let start = header.features_offset().map_err(|e| e.to_string())?;
    let id = header
        .column_index("id")
        .ok_or("the sites file has no id column")?;
    let body = full
        .get(usize::try_from(start).map_err(|e| e.to_string())?..)
        .ok_or("the sites file is shorter than its header says")?;
    let mut at = start;
    let mut out = Vec::new();
    for slice in feature_slices(body) {
        let slice = slice.map_err(|e| e.to_string())?;
        let f = decode_feature(slice, &header).map_err(|e| e.to_string())?;
        let Some(V::String(s)) = f.property(id) else {
            return Err(format!("a record at byte {at} of the sites file has no id"));
        };
        let len = u32::try_from(slice.len()).map_err(|_| "a record exceeds 4 GiB")?;
        out.push((s.clone(), at, len));
        at += slice.len() as u64;
    }
    Ok(out)
}

/// The sites table (see `maillage::sites::table`): every place's id,
/// name, commune, position and packed attributes, in the order of the
/// written full file `full`, with the lists its masks refer to. Places
/// whose commune is in `weak_4g` (sorted INSEE codes: the communes of the
/// weak-coverage zones) carry the `WEAK_4G` flag.
pub fn table(
    sites: &[Site],
    full: &[u8],
    weak_4g: &[String],
) -> Result<(SiteTable, Vec<ValueList>), String> {
    use maillage::sites::hours::Week;
    use maillage::sites::table::{
        Packed, Site as Place, ACCESSIBLE, APPROXIMATE, HOURS_AS_TEXT, ITINERANT, KINDS, WEAK_4G,
    };
    let lists = vec![
        ValueList {
            field: "labels".into(),
            values: vocabulary(sites.iter().flat_map(|s| &s.labels), 32),
        },
        ValueList {
            field: "services".into(),
            values: vocabulary(sites.iter().flat_map(|s| &s.services), 32),
        },
        ValueList {
            field: "publics".into(),
            values: vocabulary(sites.iter().flat_map(|s| &s.publics), 32),
        },
        ValueList {
            field: "sources".into(),
            values: vocabulary(
                sites
                    .iter()
                    .flat_map(|s| s.sources.iter().map(|p| &p.source)),
                16,
            ),
        },
    ];
    let [labels, services, publics, sources] = [0, 1, 2, 3].map(|i| &lists[i].values);
    let by_id: BTreeMap<&str, &Site> = sites.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut table = SiteTable::default();
    for (id, offset, len) in record_ranges(full)? {
        let s = by_id
            .get(id.as_str())
            .ok_or_else(|| format!("the sites file holds {id}, which is not a built site"))?;
        let week = match &s.hours {
            Some(h) => Week::from_json(&h.to_json())
                .map_err(|e| format!("site {}: hours {}: {e}", s.id, h.to_json()))?,
            None => Week::default(),
        };
        let mut flags = 0;
        if s.precision == Precision::Commune {
            flags |= APPROXIMATE;
        }
        if s.itinerant {
            flags |= ITINERANT;
        }
        if s.accessibility.starts_with("Accessible") {
            flags |= ACCESSIBLE;
        }
        if s.hours.is_none() && !s.hours_raw.is_empty() {
            flags |= HOURS_AS_TEXT;
        }
        if weak_4g.binary_search(&s.commune).is_ok() {
            flags |= WEAK_4G;
        }
        let kinds = s
            .kinds
            .iter()
            .filter_map(|k| KINDS.iter().position(|c| c.id == k.as_str()))
            .fold(0u16, |m, b| m | (1 << b));
        let source_ids: Vec<String> = s.sources.iter().map(|p| p.source.clone()).collect();
        table.sites.push(Place {
            id: s.id.clone(),
            name: s.name.clone(),
            commune: s.commune.clone(),
            lon_lat: [s.position.x(), s.position.y()],
            packed: Packed {
                kinds,
                labels: mask(&s.labels, labels),
                services: mask(&s.services, services),
                publics: mask(&s.publics, publics),
                sources: mask(&source_ids, sources) as u16,
                flags,
                offset,
                len,
                week,
            },
        });
    }
    if table.sites.len() != sites.len() {
        return Err(format!(
            "the sites file holds {} records for {} sites",
            table.sites.len(),
            sites.len()
        ));
    }
    Ok((table, lists))
}
