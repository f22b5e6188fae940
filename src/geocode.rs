//! Addresses through a geocoder following the French national address
//! API (BAN, `https://api-adresse.data.gouv.fr/search/`): the query
//! address the page configures, and its answer (GeoJSON features with a
//! `label`) read into addresses. Without a geocoder the commune search
//! still works offline (`crate::search`).

use serde::Deserialize;

/// Most addresses asked for and kept.
pub const MAX_ADDRESSES: usize = 5;
/// Longest query sent (the BAN refuses longer ones).
pub const MAX_QUERY_CHARS: usize = 200;

/// One address found.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// What the geocoder calls it ("8 Place Guy Mollet 62000 Arras").
    pub label: String,
    /// Its position, lon/lat.
    pub lon_lat: [f64; 2],
}

#[derive(Deserialize)]
struct Collection {
    #[serde(default)]
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Option<Geometry>,
    #[serde(default)]
    properties: Properties,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(default)]
    coordinates: Vec<f64>,
}

#[derive(Deserialize, Default)]
struct Properties {
    #[serde(default)]
    label: String,
}

/// The request for `query` at the geocoder `base` (its `search/` address):
/// `base?q=…&limit=5`, the query trimmed, cut and percent-encoded.
pub fn query_url(base: &str, query: &str) -> String {
    let q: String = query.trim().chars().take(MAX_QUERY_CHARS).collect();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!(
        "{base}{sep}q={}&limit={MAX_ADDRESSES}",
        crate::share::fragment::percent_encode(&q)
    )
}

/// Whether Enter in the search box asks the geocoder: a number reads as
/// an address ("8 place Guy Mollet"), a name as a commune unless none
/// matches.
pub fn wants_address(query: &str, commune_found: bool) -> bool {
    query.chars().any(|c| c.is_ascii_digit()) || !commune_found
}

/// Reads a geocoder's answer: features with a label and a point in
/// France's range of coordinates are kept, the rest skipped; an answer
/// that is not such JSON is an error saying so.
pub fn parse(json: &str) -> Result<Vec<Address>, String> {
    let c: Collection =
        serde_json::from_str(json).map_err(|e| format!("réponse du géocodeur illisible : {e}"))?;
    Ok(c.features
        .into_iter()
        .filter_map(|f| {
            let p = f.geometry?.coordinates;
            let lon_lat = [*p.first()?, *p.get(1)?];
            let ok = (-180.0..=180.0).contains(&lon_lat[0]) && (-90.0..=90.0).contains(&lon_lat[1]);
            (ok && !f.properties.label.trim().is_empty()).then(|| Address {
                label: crate::map::describe::cut(f.properties.label.trim(), 200),
                lon_lat,
            })
        })
        .take(MAX_ADDRESSES)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_like_the_ban() {
        assert_eq!(
            query_url(
                "https://api-adresse.data.gouv.fr/search/",
                " 8 place Guy Mollet Arras "
            ),
            "https://api-adresse.data.gouv.fr/search/?q=8%20place%20Guy%20Mollet%20Arras&limit=5"
        );
        assert_eq!(
            query_url("/geo?key=1", "é&#"),
            "/geo?key=1&q=%C3%A9%26%23&limit=5"
        );
    }

    #[test]
    fn numbers_read_as_addresses_names_as_communes() {
        assert!(wants_address("8 place Guy Mollet Arras", true));
        assert!(!wants_address("arras", true));
        assert!(wants_address("rue inconnue", false));
    }

    #[test]
    fn reads_a_ban_answer() {
        // Synthetic answer in the BAN's shape.
        let json = r#"{"type":"FeatureCollection","version":"draft","features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[2.777547,50.291002]},
           "properties":{"label":"8 Place Guy Mollet 62000 Arras","score":0.97,"type":"housenumber","citycode":"62041"}},
          {"type":"Feature","geometry":{"type":"Point","coordinates":[999,50]},"properties":{"label":"nowhere"}},
          {"type":"Feature","geometry":null,"properties":{"label":"no point"}},
          {"type":"Feature","geometry":{"type":"Point","coordinates":[2.78,50.29]},"properties":{"label":"  "}},
          {"type":"Feature","geometry":{"type":"Point","coordinates":[2.79]},"properties":{"label":"one number"}}
        ],"attribution":"BAN","licence":"ETALAB-2.0","query":"8 place guy mollet arras","limit":5}"#;
        assert_eq!(
            parse(json),
            Ok(vec![Address {
                label: "8 Place Guy Mollet 62000 Arras".into(),
                lon_lat: [2.777547, 50.291002],
            }])
        );
        assert_eq!(parse(r#"{"features":[]}"#), Ok(vec![]));
        assert!(parse("<html>502 Bad Gateway</html>").is_err());
    }
}
