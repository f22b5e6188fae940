//! Cross-source de-duplication: the same place found in several sources
//! becomes one site that keeps every provenance.
//!
//! Rows are taken in source priority order (France Services, schema v1,
//! Hauts-de-France lieux, CnFS permanences, libraries, town halls, Aidants
//! Connect, CnFS structures), then file order. Each row joins the best
//! matching earlier site, or starts a new one. A row may join a site only if:
//! - both are in the same current commune;
//! - the site holds no row of the same source and producer (a source never
//!   lists one place twice under two ids; aggregated files may, through two
//!   producers);
//! - their sources do not give them different primary kinds: a town hall,
//!   a library and a France Services are distinct places even in one
//!   building (a France Services in the town hall stays a separate point);
//! - their names are similar — Dice similarity on folded words, without
//!   articles, without the commune's own words ("Mairie de Lens" and
//!   "Médiathèque de Lens" share nothing), synonyms unified — and one of:
//!   - both positions exact and within 100 m, similarity ≥ 0.6;
//!   - same street address, similarity ≥ 0.6;
//!   - same SIRET, similarity ≥ 0.75 (a commune's SIRET covers its town
//!     hall, libraries and annexes alike);
//!   - identical names, with an approximate position or exact positions
//!     within 300 m.
//!
//!   The last two have no spatial evidence, so they also need the postcodes
//!   to agree when both are known (Paris 5e and Paris 16e are one commune).
//!
//! The best candidate has the highest name similarity, then the nearest
//! position, then the earliest creation.
//!
//! Resolution: id and name come from the first (highest priority) row,
//! since sources differ in naming practice (legal names vs public names)
//! more than in freshness. The position is the most precise one (exact
//! before commune-level), most recent first. Every other value comes from
//! the most recent row that has it (ties: priority). Kinds, labels,
//! services and publics are unions; the update date is the newest.

use super::place::{distance_m, Loaded};
use super::text::{address_key, name_tokens, similarity};
use super::vocab::Kind;
use super::{Precision, Site};
use crate::report::Report;
use std::collections::HashMap;

/// Name similarity needed with spatial evidence (near, same address).
const MIN_SIMILARITY: f64 = 0.6;
/// Name similarity needed with only a shared SIRET.
const MIN_SIMILARITY_SIRET: f64 = 0.75;
/// Exact positions closer than this (m) are the same spot.
const NEAR_M: f64 = 100.0;
/// Identical names with exact positions closer than this (m) are one place.
const SAME_NAME_M: f64 = 300.0;

struct Member {
    loaded: Loaded,
    tokens: Vec<String>,
    address: String,
}

struct Cluster {
    members: Vec<Member>,
}

impl Cluster {
    fn accepts(&self, m: &Member) -> bool {
        let prov = &m.loaded.site.sources[0];
        self.members.iter().all(|x| {
            let p = &x.loaded.site.sources[0];
            let same_row_source = p.source == prov.source && p.producer == prov.producer;
            let primaries_clash =
                matches!((x.loaded.primary, m.loaded.primary), (Some(a), Some(b)) if a != b);
            !same_row_source && !primaries_clash
        })
    }
}

/// Why two rows are one place, with a score (similarity, -distance).
fn matches(a: &Member, b: &Member) -> Option<(&'static str, f64, f64)> {
    let (sa, sb) = (&a.loaded.site, &b.loaded.site);
    if sa.commune != sb.commune {
        return None;
    }
    let sim = similarity(&a.tokens, &b.tokens);
    if sim < MIN_SIMILARITY {
        return None;
    }
    let exact = sa.precision == Precision::Exact && sb.precision == Precision::Exact;
    let d = distance_m(sa.position, sb.position);
    let postcodes_agree =
        sa.postcode.is_empty() || sb.postcode.is_empty() || sa.postcode == sb.postcode;
    let reason = if exact && d <= NEAR_M {
        "within 100 m, similar names"
    } else if !a.address.is_empty() && a.address == b.address {
        "same address, similar names"
    } else if !sa.siret.is_empty()
        && sa.siret == sb.siret
        && sim >= MIN_SIMILARITY_SIRET
        && postcodes_agree
    {
        "same SIRET, similar names"
    } else if sim >= 0.999 && (!exact || d <= SAME_NAME_M) && postcodes_agree {
        "same name in the same commune"
    } else {
        return None;
    };
    Some((reason, sim, -d))
}

fn member(loaded: Loaded) -> Member {
    let s = &loaded.site;
    let mut tokens = name_tokens(&s.name);
    let commune = name_tokens(&s.commune_name);
    let rest: Vec<String> = tokens
        .iter()
        .filter(|t| !commune.contains(t))
        .cloned()
        .collect();
    if !rest.is_empty() {
        tokens = rest;
    }
    Member {
        tokens,
        address: address_key(&s.address, &s.postcode, &s.commune_name),
        loaded,
    }
}

/// Merges places found in several sources, reporting each absorbed row as
/// merged (it was counted kept when read). Output sorted by id.
pub(crate) fn merge(mut loaded: Vec<Loaded>, report: &mut Report) -> Vec<Site> {
    loaded.sort_by_key(|l| l.priority);
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut by_commune: HashMap<String, Vec<usize>> = HashMap::new();
    for l in loaded {
        let m = member(l);
        let candidates = by_commune
            .get(&m.loaded.site.commune)
            .map_or(&[][..], Vec::as_slice);
        let mut best: Option<(usize, &'static str, f64, f64)> = None;
        for &ci in candidates {
            let c = &clusters[ci];
            if !c.accepts(&m) {
                continue;
            }
            for x in &c.members {
                if let Some((why, sim, neg_d)) = matches(x, &m) {
                    let better =
                        best.is_none_or(|(_, _, bs, bd)| sim > bs || (sim == bs && neg_d > bd));
                    if better {
                        best = Some((ci, why, sim, neg_d));
                    }
                }
            }
        }
        match best {
            Some((ci, why, _, _)) => {
                let into = &clusters[ci].members[0].loaded.site.id;
                let detail = format!("{} merged into {into}: {why}", m.loaded.site.id);
                let prov = &m.loaded.site.sources[0];
                report.kept_to_merged(&prov.source, &m.loaded.file, m.loaded.line, detail);
                clusters[ci].members.push(m);
            }
            None => {
                by_commune
                    .entry(m.loaded.site.commune.clone())
                    .or_default()
                    .push(clusters.len());
                clusters.push(Cluster { members: vec![m] });
            }
        }
    }
    let mut sites: Vec<Site> = clusters
        .into_iter()
        .map(|c| resolve(c.members.into_iter().map(|m| m.loaded).collect()))
        .collect();
    sites.sort_by(|a, b| a.id.cmp(&b.id));
    sites
}

fn first_non_empty<'a>(order: &[&'a Loaded], get: impl Fn(&'a Site) -> &'a String) -> String {
    order
        .iter()
        .map(|l| get(&l.site))
        .find(|v| !v.is_empty())
        .cloned()
        .unwrap_or_default()
}

fn union<T: Clone + PartialEq>(order: &[&Loaded], get: impl Fn(&Site) -> &Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for l in order {
        for v in get(&l.site) {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
    out
}

/// One site from the rows of a cluster (first = highest priority).
fn resolve(members: Vec<Loaded>) -> Site {
    let mut order: Vec<&Loaded> = members.iter().collect();
    // Most recent first; the sort is stable, so ties keep priority order.
    order.sort_by(|a, b| b.site.updated.cmp(&a.site.updated));
    let Some(base) = members.first() else {
        return Site::default();
    };
    let mut site = base.site.clone();
    if members.len() == 1 {
        return site;
    }
    let pos = order
        .iter()
        .find(|l| l.site.precision == Precision::Exact)
        .or(order.first())
        .map(|l| &l.site);
    if let Some(p) = pos {
        site.position = p.position;
        site.precision = p.precision;
    }
    site.address = first_non_empty(&order, |s| &s.address);
    site.postcode = first_non_empty(&order, |s| &s.postcode);
    site.phone = first_non_empty(&order, |s| &s.phone);
    site.email = first_non_empty(&order, |s| &s.email);
    site.website = first_non_empty(&order, |s| &s.website);
    site.accessibility = first_non_empty(&order, |s| &s.accessibility);
    site.siret = first_non_empty(&order, |s| &s.siret);
    site.itinerant = order.iter().any(|l| l.site.itinerant);
    if let Some(h) = order
        .iter()
        .find(|l| l.site.hours.is_some() || !l.site.hours_raw.is_empty())
    {
        site.hours = h.site.hours.clone();
        site.hours_raw = h.site.hours_raw.clone();
    }
    let mut kinds = union(&order, |s| &s.kinds);
    if kinds.len() > 1 {
        kinds.retain(|k| *k != Kind::Other);
    }
    kinds.sort();
    site.kinds = kinds;
    let mut labels = union(&order, |s| &s.labels);
    labels.sort();
    site.labels = labels;
    site.services = union(&order, |s| &s.services);
    site.publics = union(&order, |s| &s.publics);
    site.sources = members
        .iter()
        .flat_map(|l| l.site.sources.iter().cloned())
        .collect();
    site.updated = order
        .first()
        .map(|l| l.site.updated.clone())
        .unwrap_or_default();
    site
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(name: &str, commune: &str) -> Loaded {
        Loaded {
            site: Site {
                name: name.into(),
                commune_name: commune.into(),
                ..Site::default()
            },
            priority: 0,
            primary: None,
            file: String::new(),
            line: 1,
        }
    }

    #[test]
    fn commune_words_do_not_count() {
        let m = member(loaded(
            "COMMUNE DE SAINTE-GENEVIEVE-DES-BOIS",
            "Sainte-Geneviève-des-Bois",
        ));
        assert_eq!(m.tokens, vec!["mairie"]);
        let fs = member(loaded(
            "France services de Sainte-Geneviève-des-Bois",
            "Sainte-Geneviève-des-Bois",
        ));
        assert_eq!(similarity(&m.tokens, &fs.tokens), 0.0);
        // A name made only of the commune's words keeps them.
        assert_eq!(member(loaded("Arras", "Arras")).tokens, vec!["arras"]);
    }
}
