//! A choropleth layer's values file (`epci-values.bin`): for each
//! choropleth field, the value of every feature of the layer, as its
//! overview carries them.
//!
//! A page that opens on a region draws the detailed level, but its classes
//! are the whole layer's (colours do not change as the view moves), so it
//! needed the national overview first: 1.4 MB and a long decoding for the
//! communes. One column of this file (5 KB for the EPCIs, 140 KB for the
//! communes, read by range) gives the same classes, and the overview
//! follows the first paint.
//!
//! A column is its finite values in ascending order as little-endian
//! single-precision floats: the overviews store their values in single
//! precision, so nothing is rounded here, and the order makes the bytes
//! checkable. Features without a value are counted in the manifest
//! ([`crate::manifest::ValueColumn::no_data`]).

use crate::manifest::ValueColumn;
use std::fmt;

/// Bytes per value.
const WIDTH: u64 = 4;

/// At most this many features in a column: a manifest cannot make the
/// module allocate more (the communes layer has 34,867).
pub const MAX_FEATURES: u64 = 4_000_000;

/// Why a values column was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValuesError {
    /// A value has no exact single-precision form (written by the tool).
    NotSingle {
        /// The field.
        field: String,
        /// The value, as text.
        value: String,
    },
    /// The column's bytes are not its declared count of values.
    Length {
        /// Bytes expected.
        expected: u64,
        /// Bytes read.
        found: u64,
    },
    /// More features than [`MAX_FEATURES`].
    TooMany(u64),
    /// A value is not finite, or not in ascending order.
    Unordered {
        /// Its position in the column.
        at: usize,
    },
}

impl fmt::Display for ValuesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSingle { field, value } => {
                write!(f, "{field}: {value} has no single-precision form")
            }
            Self::Length { expected, found } => {
                write!(f, "column of {expected} bytes, {found} read")
            }
            Self::TooMany(n) => write!(f, "{n} features, at most {MAX_FEATURES}"),
            Self::Unordered { at } => write!(f, "value {at} is not finite or out of order"),
        }
    }
}

impl std::error::Error for ValuesError {}

/// Writes the columns of `fields` (name, every feature's value) one after
/// the other; returns the file's bytes and the columns' places.
pub fn encode(
    fields: &[(String, Vec<Option<f64>>)],
) -> Result<(Vec<u8>, Vec<ValueColumn>), ValuesError> {
    let mut bytes = Vec::new();
    let mut columns = Vec::new();
    for (field, values) in fields {
        let mut finite = Vec::with_capacity(values.len());
        for v in values.iter().flatten().filter(|v| v.is_finite()) {
            let single = *v as f32;
            if f64::from(single) != *v {
                return Err(ValuesError::NotSingle {
                    field: field.clone(),
                    value: v.to_string(),
                });
            }
            finite.push(single);
        }
        finite.sort_unstable_by(f32::total_cmp);
        columns.push(ValueColumn {
            field: field.clone(),
            offset: bytes.len() as u64,
            count: finite.len() as u64,
            no_data: (values.len() - finite.len()) as u64,
        });
        bytes.extend(finite.iter().flat_map(|v| v.to_le_bytes()));
    }
    Ok((bytes, columns))
}

/// The byte range of a column in its file (end exclusive).
pub fn column_range(column: &ValueColumn) -> Result<(u64, u64), ValuesError> {
    let features = column.count.saturating_add(column.no_data);
    if features > MAX_FEATURES {
        return Err(ValuesError::TooMany(features));
    }
    Ok((
        column.offset,
        column.offset.saturating_add(column.count * WIDTH),
    ))
}

/// Every feature's value from a column's bytes: its values, then `None`
/// for each feature without one (classes depend on the values, not their
/// order). Checks the length, finiteness and order.
pub fn decode(bytes: &[u8], column: &ValueColumn) -> Result<Vec<Option<f64>>, ValuesError> {
    let (start, end) = column_range(column)?;
    let expected = end - start;
    if bytes.len() as u64 != expected {
        return Err(ValuesError::Length {
            expected,
            found: bytes.len() as u64,
        });
    }
    let mut out = Vec::with_capacity((column.count + column.no_data) as usize);
    let mut last = f32::NEG_INFINITY;
    for (at, chunk) in bytes.chunks_exact(WIDTH as usize).enumerate() {
        let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        if !v.is_finite() || v < last {
            return Err(ValuesError::Unordered { at });
        }
        last = v;
        out.push(Some(f64::from(v)));
    }
    out.resize(out.len() + column.no_data as usize, None);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::style::classify::{classify, Method};

    fn fields() -> Vec<(String, Vec<Option<f64>>)> {
        vec![
            ("a".into(), vec![Some(3.5), None, Some(-1.25), Some(2.0)]),
            (
                "b".into(),
                vec![None, None, Some(0.1f32 as f64), Some(f64::NAN)],
            ),
        ]
    }

    #[test]
    fn columns_round_trip_and_classify_alike() {
        let (bytes, columns) = encode(&fields()).unwrap();
        assert_eq!(bytes.len(), 4 * 4);
        assert_eq!(
            columns,
            [
                ValueColumn {
                    field: "a".into(),
                    offset: 0,
                    count: 3,
                    no_data: 1
                },
                ValueColumn {
                    field: "b".into(),
                    offset: 12,
                    count: 1,
                    no_data: 3
                },
            ]
        );
        let a = &columns[0];
        let (start, end) = column_range(a).unwrap();
        assert_eq!((start, end), (0, 12));
        let values = decode(&bytes[start as usize..end as usize], a).unwrap();
        assert_eq!(values, [Some(-1.25), Some(2.0), Some(3.5), None]);
        let b = &columns[1];
        let (start, end) = column_range(b).unwrap();
        let values = decode(&bytes[start as usize..end as usize], b).unwrap();
        assert_eq!(values, [Some(0.1f32 as f64), None, None, None]);
        // The classes of the column are those of the layer's values.
        let original = &fields()[0].1;
        let from_file = decode(&bytes[..12], a).unwrap();
        assert_eq!(
            classify(&from_file, &Method::Quantiles, 3).unwrap(),
            classify(original, &Method::Quantiles, 3).unwrap()
        );
    }

    #[test]
    fn a_value_without_single_precision_form_is_refused() {
        let e = encode(&[("x".into(), vec![Some(0.1)])]).unwrap_err();
        assert_eq!(e.to_string(), "x: 0.1 has no single-precision form");
    }

    #[test]
    fn bad_columns_are_refused() {
        let column = |count, no_data| ValueColumn {
            field: "x".into(),
            offset: 8,
            count,
            no_data,
        };
        let bytes: Vec<u8> = [1.0f32, 2.0, 0.5]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(
            decode(&bytes, &column(2, 0)),
            Err(ValuesError::Length {
                expected: 8,
                found: 12
            })
        );
        assert_eq!(
            decode(&bytes, &column(3, 0)),
            Err(ValuesError::Unordered { at: 2 })
        );
        let nan: Vec<u8> = f32::NAN.to_le_bytes().to_vec();
        assert_eq!(
            decode(&nan, &column(1, 0)),
            Err(ValuesError::Unordered { at: 0 })
        );
        assert_eq!(
            column_range(&column(5, MAX_FEATURES)),
            Err(ValuesError::TooMany(MAX_FEATURES + 5))
        );
        // A huge count cannot overflow the range.
        assert!(column_range(&column(u64::MAX, 0)).is_err());
        assert_eq!(column_range(&column(3, 1)), Ok((8, 20)));
    }
}
