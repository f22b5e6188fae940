//! Legend model: one entry per class (colour, bounds, count, label) plus a
//! no-data entry, with labels formatted for the reader's language, so that
//! the DOM legend, the table and screen-reader text all say the same thing.
//!
//! Typography, exactly:
//! - French: decimal comma, U+202F NARROW NO-BREAK SPACE between thousands
//!   and before the unit, ranges as `de 12,5 à 15,8 %`.
//! - English: decimal point, comma between thousands, U+00A0 NO-BREAK SPACE
//!   before the unit, ranges as `12.5 – 15.8 %` (U+2013 EN DASH between
//!   ordinary spaces, so a narrow legend may wrap there).
//! - Negative numbers take an ASCII hyphen-minus; `-0` prints as `0`.
//!
//! ```
//! use maillage::style::legend::{format_number, Lang};
//! assert_eq!(format_number(1234567.891, 2, Lang::Fr), "1\u{202f}234\u{202f}567,89");
//! assert_eq!(format_number(1234567.891, 2, Lang::En), "1,234,567.89");
//! ```

use super::classify::Classification;
use super::palette::{text_color_on, Palette, Rgb, NO_DATA};

/// The languages the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// From a BCP 47 tag (`lang` attribute, `navigator.language`): any
    /// `en…` is English, everything else French, the widget's default.
    ///
    /// ```
    /// use maillage::style::legend::Lang;
    /// assert_eq!(Lang::from_tag("en-GB"), Lang::En);
    /// assert_eq!(Lang::from_tag("fr-CA"), Lang::Fr);
    /// assert_eq!(Lang::from_tag("de"), Lang::Fr);
    /// ```
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }

    fn thousands(self) -> &'static str {
        match self {
            Lang::Fr => "\u{202f}",
            Lang::En => ",",
        }
    }

    fn decimal(self) -> char {
        match self {
            Lang::Fr => ',',
            Lang::En => '.',
        }
    }

    fn unit_space(self) -> char {
        match self {
            Lang::Fr => '\u{202f}',
            Lang::En => '\u{a0}',
        }
    }
}

/// Most decimals [`format_number`] writes: beyond that `f64` prints noise.
pub const MAX_DECIMALS: usize = 12;

/// The digits of `value` rounded to `decimals` places (at most
/// [`MAX_DECIMALS`]): whether it is negative (never for a value that rounds
/// to zero: "-0,0" would read as another number), the integer digits and
/// the fraction digits. Rounding is to the nearest, ties to even, on the
/// scaled value; `None` for NaN, infinities and magnitudes past 10^38.
///
/// Integer arithmetic, not `format!("{:.*}")`: Rust's float formatting
/// weighs kilobytes of wasm, and every number the widget shows (legend,
/// CSV, shared links) goes through here.
pub(crate) fn decimal_digits(value: f64, decimals: usize) -> Option<(bool, String, String)> {
    if !value.is_finite() {
        return None;
    }
    let decimals = decimals.min(MAX_DECIMALS);
    let scale = 10u128.pow(decimals as u32);
    let scaled = (value.abs() * scale as f64).round_ties_even();
    if scaled >= u128::MAX as f64 {
        return None;
    }
    let scaled = scaled as u128;
    let frac = if decimals == 0 {
        String::new()
    } else {
        format!("{:0width$}", scaled % scale, width = decimals)
    };
    Some((
        value < 0.0 && scaled != 0,
        (scaled / scale).to_string(),
        frac,
    ))
}

/// A number with `decimals` digits after the separator (at most
/// [`MAX_DECIMALS`]), grouped by thousands, rounded as
/// [`decimal_digits`] does. NaN and infinities, which never reach a
/// legend, print as `—`.
///
/// ```
/// use maillage::style::legend::{format_number, Lang};
/// assert_eq!(format_number(12.5, 1, Lang::Fr), "12,5");
/// assert_eq!(format_number(-1234.0, 0, Lang::En), "-1,234");
/// assert_eq!(format_number(-0.04, 1, Lang::Fr), "0,0");
/// ```
pub fn format_number(value: f64, decimals: usize, lang: Lang) -> String {
    let Some((negative, int, frac)) = decimal_digits(value, decimals) else {
        return "—".to_owned();
    };
    let mut out = String::with_capacity(int.len() + frac.len() + 8);
    if negative {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push_str(lang.thousands());
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push(lang.decimal());
        out.push_str(&frac);
    }
    out
}

/// A number as plain ASCII text for codes and machine-read values: no
/// grouping, a decimal point, at most 9 decimals with trailing zeros
/// dropped (`62041`, `15.8`, `-0.125`); empty for NaN and infinities.
///
/// ```
/// use maillage::style::legend::plain_number;
/// assert_eq!(plain_number(62041.0), "62041");
/// assert_eq!(plain_number(-0.125), "-0.125");
/// assert_eq!(plain_number(1.0 / 3.0), "0.333333333");
/// assert_eq!(plain_number(f64::NAN), "");
/// ```
pub fn plain_number(x: f64) -> String {
    let Some((negative, int, frac)) = decimal_digits(x, 9) else {
        return String::new();
    };
    let frac = frac.trim_end_matches('0');
    let sign = if negative { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// Appends a unit after a formatted number with the language's no-break
/// space; an empty (or blank) unit adds nothing.
///
/// ```
/// use maillage::style::legend::{with_unit, Lang};
/// assert_eq!(with_unit("15,8", "%", Lang::Fr), "15,8\u{202f}%");
/// assert_eq!(with_unit("15.8", "%", Lang::En), "15.8\u{a0}%");
/// assert_eq!(with_unit("3", "", Lang::En), "3");
/// ```
pub fn with_unit(number: &str, unit: &str, lang: Lang) -> String {
    let unit = unit.trim();
    if unit.is_empty() {
        number.to_owned()
    } else {
        format!("{number}{}{unit}", lang.unit_space())
    }
}

/// Fewest decimals (0 to 4) at which the distinct breaks print distinctly,
/// so that adjacent labels never read "de 12 à 12".
///
/// ```
/// use maillage::style::legend::suggest_decimals;
/// assert_eq!(suggest_decimals(&[0.0, 10.0, 20.0]), 0);
/// assert_eq!(suggest_decimals(&[12.0, 12.5, 15.8]), 1);
/// assert_eq!(suggest_decimals(&[0.001, 0.002]), 3);
/// ```
pub fn suggest_decimals(breaks: &[f64]) -> usize {
    const MOST: usize = 4;
    (0..MOST)
        .find(|&d| {
            breaks.windows(2).all(|w| {
                w[0] == w[1] || format_number(w[0], d, Lang::En) != format_number(w[1], d, Lang::En)
            })
        })
        .unwrap_or(MOST)
}

/// One line of the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// Swatch fill.
    pub color: Rgb,
    /// Black or white, whichever is readable on the swatch (WCAG AA).
    pub text_color: Rgb,
    /// Whether the swatch is hatched (no data): meaning never rests on
    /// colour alone.
    pub hatched: bool,
    /// Lower bound of the class (`None` for no data).
    pub lower: Option<f64>,
    /// Upper bound of the class, included (`None` for no data).
    pub upper: Option<f64>,
    /// How many territories fall in it.
    pub count: usize,
    /// Text such as `de 12,5 à 15,8 %` or `No data`.
    pub label: String,
}

/// The whole legend: classes from low to high values, then no data.
#[derive(Debug, Clone, PartialEq)]
pub struct Legend {
    /// One entry per class, in class order.
    pub classes: Vec<LegendEntry>,
    /// The "Pas de donnée / No data" entry, always present (hide it when
    /// its count is 0 if you wish).
    pub no_data: LegendEntry,
}

impl Legend {
    /// Builds the legend of a classification drawn with `palette`. `unit`
    /// is the short suffix (`"%"`, `"hab./km²"`, or `""`), `decimals` the
    /// digits after the separator (see [`suggest_decimals`]).
    ///
    /// ```
    /// use maillage::style::classify::{classify, Method};
    /// use maillage::style::legend::{Lang, Legend};
    /// use maillage::style::palette::Palette;
    /// let values = [Some(12.5), Some(13.0), Some(15.8), Some(19.3), None];
    /// let c = classify(&values, &Method::Manual(vec![15.8, 18.0]), 3).unwrap();
    /// let fr = Legend::new(&c, Palette::Blues, "%", 1, Lang::Fr);
    /// assert_eq!(fr.classes[0].label, "de 12,5 à 15,8\u{202f}%");
    /// assert_eq!(fr.classes[0].count, 3);
    /// assert_eq!(fr.no_data.label, "Pas de donnée");
    /// let en = Legend::new(&c, Palette::Blues, "%", 1, Lang::En);
    /// assert_eq!(en.classes[2].label, "18.0 – 19.3\u{a0}%");
    /// ```
    pub fn new(
        classification: &Classification,
        palette: Palette,
        unit: &str,
        decimals: usize,
        lang: Lang,
    ) -> Legend {
        let k = classification.classes();
        let colors = palette.colors(k);
        let classes = (0..k)
            .filter_map(|i| {
                let lower = *classification.breaks.get(i)?;
                let upper = *classification.breaks.get(i + 1)?;
                let color = *colors.get(i)?;
                Some(LegendEntry {
                    color,
                    text_color: text_color_on(color),
                    hatched: false,
                    lower: Some(lower),
                    upper: Some(upper),
                    count: classification.counts.get(i).copied().unwrap_or(0),
                    label: range_label(lower, upper, unit, decimals, lang),
                })
            })
            .collect();
        Legend {
            classes,
            no_data: LegendEntry {
                color: NO_DATA.fill,
                text_color: text_color_on(NO_DATA.fill),
                hatched: NO_DATA.hatched,
                lower: None,
                upper: None,
                count: classification.no_data,
                label: no_data_label(lang).to_owned(),
            },
        }
    }
}

/// `de 12,5 à 15,8 %` / `12.5 – 15.8 %`; a single value when both bounds
/// print the same.
pub fn range_label(lower: f64, upper: f64, unit: &str, decimals: usize, lang: Lang) -> String {
    let lo = format_number(lower, decimals, lang);
    let hi = format_number(upper, decimals, lang);
    if lo == hi {
        return with_unit(&hi, unit, lang);
    }
    crate::i18n::class_range(&lo, &with_unit(&hi, unit, lang), lang)
}

/// Label of the entry for territories without a value.
pub fn no_data_label(lang: Lang) -> &'static str {
    crate::i18n::text(crate::i18n::Text::NoData, lang)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::style::classify::{classify, Method};

    const NNBSP: &str = "\u{202f}";

    #[test]
    fn numbers_in_french() {
        assert_eq!(format_number(0.0, 0, Lang::Fr), "0");
        assert_eq!(format_number(999.0, 0, Lang::Fr), "999");
        assert_eq!(format_number(1000.0, 0, Lang::Fr), format!("1{NNBSP}000"));
        assert_eq!(
            format_number(12_345.678, 1, Lang::Fr),
            format!("12{NNBSP}345,7")
        );
        assert_eq!(
            format_number(-987_654.0, 2, Lang::Fr),
            format!("-987{NNBSP}654,00")
        );
        assert_eq!(format_number(0.333_333, 3, Lang::Fr), "0,333");
        assert_eq!(format_number(f64::NAN, 1, Lang::Fr), "—");
        assert_eq!(format_number(f64::NEG_INFINITY, 1, Lang::En), "—");
    }

    #[test]
    fn numbers_in_english() {
        assert_eq!(format_number(1_000_000.0, 0, Lang::En), "1,000,000");
        assert_eq!(format_number(100_000.5, 1, Lang::En), "100,000.5");
        assert_eq!(format_number(-0.0, 2, Lang::En), "0.00");
        assert_eq!(format_number(-0.5, 0, Lang::En), "0");
        assert_eq!(format_number(-0.6, 0, Lang::En), "-1");
        assert_eq!(format_number(2.5, 0, Lang::En), "2");
        assert_eq!(format_number(1.0, 40, Lang::En), "1.000000000000");
        assert_eq!(
            format_number(1e21, 0, Lang::En),
            "1,000,000,000,000,000,000,000"
        );
    }

    #[test]
    fn range_labels() {
        assert_eq!(
            range_label(12.5, 15.8, "%", 1, Lang::Fr),
            "de 12,5 à 15,8\u{202f}%"
        );
        assert_eq!(
            range_label(12.5, 15.8, "%", 1, Lang::En),
            "12.5 – 15.8\u{a0}%"
        );
        assert_eq!(
            range_label(1500.0, 25_000.0, "hab.", 0, Lang::Fr),
            "de 1\u{202f}500 à 25\u{202f}000\u{202f}hab."
        );
        assert_eq!(range_label(3.0, 3.0, "", 0, Lang::En), "3");
        assert_eq!(range_label(3.01, 2.99, "%", 0, Lang::Fr), "3\u{202f}%");
    }

    #[test]
    fn full_legend() {
        let values: Vec<Option<f64>> = (0..=100)
            .map(|i| Some(f64::from(i) / 4.0))
            .chain([None, None, Some(f64::NAN)])
            .collect();
        let c = classify(&values, &Method::EqualIntervals, 4).unwrap();
        assert_eq!(c.breaks, [0.0, 6.25, 12.5, 18.75, 25.0]);
        assert_eq!(suggest_decimals(&c.breaks), 0);
        let fr = Legend::new(&c, Palette::Viridis, "%", 2, Lang::Fr);
        let labels: Vec<&str> = fr.classes.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "de 0,00 à 6,25\u{202f}%",
                "de 6,25 à 12,50\u{202f}%",
                "de 12,50 à 18,75\u{202f}%",
                "de 18,75 à 25,00\u{202f}%"
            ]
        );
        let counts: Vec<usize> = fr.classes.iter().map(|e| e.count).collect();
        assert_eq!(counts, [26, 25, 25, 25]);
        assert_eq!(fr.classes[0].color, Rgb::from_u32(0x440154));
        assert_eq!(fr.classes[0].text_color, Rgb::WHITE);
        assert_eq!(fr.classes[3].color, Rgb::from_u32(0xfde725));
        assert_eq!(fr.classes[3].text_color, Rgb::BLACK);
        assert_eq!(
            (fr.classes[1].lower, fr.classes[1].upper),
            (Some(6.25), Some(12.5))
        );
        assert!(fr.classes.iter().all(|e| !e.hatched));
        assert_eq!(fr.no_data.count, 3);
        assert_eq!(fr.no_data.label, "Pas de donnée");
        assert!(fr.no_data.hatched);
        assert_eq!(fr.no_data.color, NO_DATA.fill);

        let en = Legend::new(&c, Palette::OrRd, "", 1, Lang::En);
        // 6.25 is exact in binary: the tie rounds to even.
        assert_eq!(en.classes[1].label, "6.2 – 12.5");
        assert_eq!(en.no_data.label, "No data");
    }

    #[test]
    fn legend_of_nothing() {
        let c = classify(&[None, None], &Method::Jenks, 5).unwrap();
        let l = Legend::new(&c, Palette::Cividis, "%", 1, Lang::Fr);
        assert!(l.classes.is_empty());
        assert_eq!(l.no_data.count, 2);
        // A hand-made, inconsistent classification does not panic.
        let odd = Classification {
            breaks: vec![1.0, 2.0, 3.0],
            counts: vec![4],
            no_data: 0,
        };
        let l = Legend::new(&odd, Palette::Blues, "", 0, Lang::En);
        assert_eq!(l.classes.len(), 2);
        assert_eq!(l.classes[1].count, 0);
        assert_eq!(l.classes[0].label, "1 – 2");
    }
}
