//! Sharing what the user sees: a CSV export staff can open in a French
//! spreadsheet, and the map state written to the URL fragment so a copied
//! link reopens the same view.
//!
//! Both are plain text produced from typed values; neither touches the DOM
//! (the `web` glue writes `location.hash` and triggers the download).
//! Limits: `csv` writes, it never reads CSV back; `fragment` checks the form
//! of identifiers (layer ids, site kinds…) but not that they exist in the
//! manifest, which the caller must still check.

pub mod csv;
pub mod fragment;
pub mod image;

/// Fixed-point text of `value` with `decimals` digits (at most 9) and
/// `separator` as the decimal mark, shared by the CSV (`,`) and the
/// fragment (`.`) so both round the same way (as the legend does); `None`
/// for NaN and infinities, which have no decimal writing. A result that
/// rounds to zero loses its minus sign ("-0,0" would read as a different
/// number to a reader).
pub(crate) fn fixed(value: f64, decimals: u8, separator: char) -> Option<String> {
    let (negative, int, frac) =
        crate::style::legend::decimal_digits(value, usize::from(decimals.min(9)))?;
    let sign = if negative { "-" } else { "" };
    Some(if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}{separator}{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn fixed_rounds_and_uses_the_separator() {
        assert_eq!(fixed(12.5, 1, ',').as_deref(), Some("12,5"));
        assert_eq!(fixed(2.7781, 5, '.').as_deref(), Some("2.77810"));
        assert_eq!(fixed(1234567.891, 2, ',').as_deref(), Some("1234567,89"));
        assert_eq!(fixed(-3.5, 1, ',').as_deref(), Some("-3,5"));
        assert_eq!(fixed(7.0, 0, ',').as_deref(), Some("7"));
    }

    #[test]
    fn fixed_drops_the_sign_of_a_rounded_zero() {
        assert_eq!(fixed(-0.0, 1, ',').as_deref(), Some("0,0"));
        assert_eq!(fixed(-0.04, 1, ',').as_deref(), Some("0,0"));
        assert_eq!(fixed(-0.000001, 5, '.').as_deref(), Some("0.00000"));
        assert_eq!(fixed(-0.06, 1, ',').as_deref(), Some("-0,1"));
    }

    #[test]
    fn fixed_refuses_non_finite_values() {
        assert_eq!(fixed(f64::NAN, 2, ','), None);
        assert_eq!(fixed(f64::INFINITY, 2, ','), None);
        assert_eq!(fixed(f64::NEG_INFINITY, 0, '.'), None);
    }
}
