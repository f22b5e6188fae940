//! Layer data ready to be written: typed columns described by the shared
//! manifest types, and features as geometry plus one value per column.

use geo_types::Geometry;
use maillage::manifest::{FieldDef, FieldKind, Label};

/// One attribute value. `Null` is written as an absent property.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// Whole number.
    Int(i64),
    /// Real number (non-finite values are written as absent).
    Real(f64),
    /// Boolean.
    Bool(bool),
    /// No value.
    Null,
}

impl Value {
    /// Text, or `Null` when empty.
    pub fn text(s: impl Into<String>) -> Self {
        let s = s.into();
        if s.is_empty() {
            Value::Null
        } else {
            Value::Str(s)
        }
    }

    /// Real from an option.
    pub fn real(v: Option<f64>) -> Self {
        v.filter(|x| x.is_finite()).map_or(Value::Null, Value::Real)
    }
}

/// One feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Geometry, WGS84 lon/lat.
    pub geometry: Geometry<f64>,
    /// Values in column order.
    pub values: Vec<Value>,
}

/// A whole layer in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerData {
    /// Columns.
    pub fields: Vec<FieldDef>,
    /// Features.
    pub features: Vec<Feature>,
}

/// Builds a field description; the common case of a text or count column
/// with no unit.
pub fn field(name: &str, kind: FieldKind, fr: &str, en: &str) -> FieldDef {
    FieldDef {
        name: name.to_owned(),
        kind,
        label: Label::new(fr, en),
        unit: None,
        description: None,
        range: None,
        choropleth: false,
    }
}

impl LayerData {
    /// The overview subset: the two identifying fields (code and name), the
    /// choropleth fields and the fields named in `also` (what a page scopes
    /// by, such as an EPCI's départements), for light national views.
    pub fn overview(&self, also: &[&str]) -> LayerData {
        let keep: Vec<usize> = (0..self.fields.len())
            .filter(|&i| {
                i < 2 || self.fields[i].choropleth || also.contains(&self.fields[i].name.as_str())
            })
            .collect();
        LayerData {
            fields: keep.iter().map(|&i| self.fields[i].clone()).collect(),
            features: self
                .features
                .iter()
                .map(|f| Feature {
                    geometry: f.geometry.clone(),
                    values: keep
                        .iter()
                        .map(|&i| f.values.get(i).cloned().unwrap_or(Value::Null))
                        .collect(),
                })
                .collect(),
        }
    }

    /// Fills each numeric field's observed range from the data.
    pub fn compute_ranges(&mut self) {
        for (i, f) in self.fields.iter_mut().enumerate() {
            if !matches!(f.kind, FieldKind::Integer | FieldKind::Real) {
                continue;
            }
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for feat in &self.features {
                let v = match feat.values.get(i) {
                    Some(Value::Int(v)) => *v as f64,
                    Some(Value::Real(v)) if v.is_finite() => *v,
                    _ => continue,
                };
                lo = lo.min(v);
                hi = hi.max(v);
            }
            f.range = (lo <= hi).then_some([lo, hi]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::point;

    #[test]
    fn ranges_skip_nulls_and_text() {
        let mut l = LayerData {
            fields: vec![
                field("n", FieldKind::Integer, "n", "n"),
                field("t", FieldKind::Text, "t", "t"),
            ],
            features: [Value::Int(4), Value::Null, Value::Int(-2)]
                .into_iter()
                .map(|v| Feature {
                    geometry: point!(x: 0.0, y: 0.0).into(),
                    values: vec![v, Value::text("")],
                })
                .collect(),
        };
        l.compute_ranges();
        assert_eq!(l.fields[0].range, Some([-2.0, 4.0]));
        l.fields.push(FieldDef {
            choropleth: true,
            ..field("c", FieldKind::Real, "c", "c")
        });
        l.fields.push(field("d", FieldKind::Real, "d", "d"));
        for f in &mut l.features {
            f.values.extend([Value::Real(1.0), Value::Real(2.0)]);
        }
        let o = l.overview(&["d"]);
        let names: Vec<&str> = o.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["n", "t", "c", "d"], "d is kept on request");
        assert_eq!(
            o.features[2].values,
            vec![
                Value::Int(-2),
                Value::Null,
                Value::Real(1.0),
                Value::Real(2.0)
            ]
        );
        assert_eq!(l.overview(&[]).fields.len(), 3);
        assert_eq!(l.fields[1].range, None);
        assert_eq!(l.features[0].values[1], Value::Null);
    }
}
