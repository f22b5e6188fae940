//! Addresses through a geocoder following the French national address
//! API (BAN, `https://api-adresse.data.gouv.fr/search/`): the query
//! address the page configures, and its answer (GeoJSON features with a
//! `label`) read into addresses. Without a geocoder the commune search
//! still works offline (`crate::search`).

use crate::json::{self, Error, FromValue, Value};

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

/// The answer: a GeoJSON FeatureCollection (absent `features`: none).
struct Collection {
    features: Vec<Feature>,
}

/// One feature: a point (none when absent or `null`) and its properties.
struct Feature {
    geometry: Option<Geometry>,
    properties: Properties,
}

/// A geometry's coordinates (absent: none).
struct Geometry {
    coordinates: Vec<f64>,
}

/// A feature's properties: its label (absent: empty).
#[derive(Default)]
struct Properties {
    label: String,
}

impl FromValue for Collection {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            features: v.field_or_default("features")?,
        })
    }
}

impl FromValue for Feature {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            geometry: v.field_or_default("geometry")?,
            properties: v.field_or_default("properties")?,
        })
    }
}

impl FromValue for Geometry {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            coordinates: v.field_or_default("coordinates")?,
        })
    }
}

impl FromValue for Properties {
    fn from_value(v: &Value) -> Result<Self, Error> {
        Ok(Self {
            label: v.field_or_default("label")?,
        })
    }
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

/// Reads a geocoder's answer: features with a label and a point in
/// France's range of coordinates are kept, the rest skipped; an answer
/// that is not such JSON is an error (the reader's, said by the caller
/// with `i18n::places::geocoder_unreadable`).
pub fn parse(json: &str) -> Result<Vec<Address>, json::Error> {
    let c: Collection = json::from_str(json)?;
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
        assert_eq!(parse(r#"{"type":"FeatureCollection"}"#), Ok(vec![]));
        assert_eq!(
            parse("<html>502 Bad Gateway</html>").map_err(|e| e.to_string()),
            Err("at byte 0: expected a value".into())
        );
    }

    #[test]
    fn reads_what_serde_json_read() {
        // The same defaults as the serde derive this replaced: absent
        // `properties`, `label` and `coordinates`, `null` geometry.
        let json = r#"{"features":[
          {"geometry":{"coordinates":[2.5,50.5]},"properties":{"label":"\u00c9taples \"port\""}},
          {"geometry":{"coordinates":[2.6,50.6]}},
          {"geometry":{},"properties":{"label":"no coordinates"}},
          {"properties":{"label":"no geometry"}},
          {"geometry":{"coordinates":[2.7,50.7,12.0]},"properties":{"label":"3D","extra":[1,{"a":null}]}}
        ]}"#;
        assert_eq!(
            parse(json),
            Ok(vec![
                Address {
                    label: "Étaples \"port\"".into(),
                    lon_lat: [2.5, 50.5],
                },
                Address {
                    label: "3D".into(),
                    lon_lat: [2.7, 50.7],
                },
            ])
        );
        // A mistyped field fails the whole answer, as it did.
        for bad in [
            r#"{"features":{}}"#,
            r#"{"features":[{"properties":null}]}"#,
            r#"{"features":[{"properties":{"label":5}}]}"#,
            r#"{"features":[{"geometry":{"coordinates":["2.5",50]}}]}"#,
            r#"{"features":[{"geometry":{"coordinates":null}}]}"#,
            r#"{"features":[]} trailing"#,
            r#"[]"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse(r#"{"features":[{"properties":{"label":5}}]}"#).map_err(|e| e.to_string()),
            Err("features[0].properties.label: expected a string".into())
        );
    }

    #[test]
    fn hostile_answers_give_errors() {
        let json = r#"{"features":[{"geometry":{"type":"Point","coordinates":[2.777547,50.291002]},"properties":{"label":"8 Place Guy Mollet 62000 Arras"}}]}"#;
        assert_eq!(parse(json).map(|a| a.len()), Ok(1));
        for cut in 0..json.len() {
            assert!(parse(&json[..cut]).is_err(), "cut at {cut}");
        }
        assert!(parse(&format!(r#"{{"features":{}"#, "[".repeat(10_000))).is_err());
        assert!(parse(r#"{"features":[{"properties":{"label":"\udc00"}}]}"#).is_err());
        assert!(parse(r#"{"features":[{"geometry":{"coordinates":[NaN,1]}}]}"#).is_err());
        assert!(parse(r#"{"features":[{"geometry":{"coordinates":[1e999,1]}}]}"#).is_err());
        // Far more features than kept: only the first five are read out.
        let many = format!(
            r#"{{"features":[{}]}}"#,
            vec![r#"{"geometry":{"coordinates":[2.5,50.5]},"properties":{"label":"x"}}"#; 1000]
                .join(",")
        );
        assert_eq!(parse(&many).map(|a| a.len()), Ok(MAX_ADDRESSES));
    }
}
