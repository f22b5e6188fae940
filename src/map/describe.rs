//! The words for one territory: what the hover tooltip, the detail panel
//! and the `maillage:select` event say about it, formatted for the
//! reader's language (decimal comma and narrow spaces in French).

use super::basemap::one_line;
use super::Shape;
use crate::style::legend::{format_number, no_data_label, with_unit, Lang};

/// Longest name shown; longer (hostile or broken) names are cut with "…".
pub const MAX_NAME_CHARS: usize = 120;

/// Longest code shown (SIREN and INSEE codes have 9 and 5 characters).
pub const MAX_CODE_CHARS: usize = 24;

/// What to say about a shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    /// The territory's name (cut to [`MAX_NAME_CHARS`]).
    pub name: String,
    /// Its code (SIREN, INSEE code).
    pub code: String,
    /// The drawn value with its unit, or "Pas de donnée".
    pub value: String,
    /// The class the value falls in ("classe 2 sur 5"), when it has one:
    /// meaning never rests on colour alone.
    pub class: Option<String>,
    /// The share of its inhabitants within reach of a shown place, when
    /// the map shows places ("93 % des habitants à moins de 15 min…").
    pub coverage: Option<String>,
}

/// Describes `shape` for the field `unit`, with its class index among `classes`.
pub fn describe(
    shape: &Shape,
    unit: &str,
    class: Option<usize>,
    classes: usize,
    lang: Lang,
) -> Description {
    let name = cut(&shape.name, MAX_NAME_CHARS);
    let value = match shape.value {
        Some(v) => with_unit(&format_number(v, decimals(v), lang), unit, lang),
        None => no_data_label(lang).to_owned(),
    };
    let class = class.map(|k| crate::i18n::class_of(k, classes, lang));
    Description {
        name,
        code: cut(&shape.code, MAX_CODE_CHARS),
        value,
        class,
        coverage: None,
    }
}

/// `text` on one line without control or bidirectional characters (which
/// could reorder what follows it: [`one_line`]), cut to `max_chars`
/// characters, the last one "…" when it was cut: hostile or broken text
/// from partners and files stays readable and cannot swamp the map.
pub fn cut(text: &str, max_chars: usize) -> String {
    let text = one_line(text);
    if text.chars().count() > max_chars {
        text.chars()
            .take(max_chars.saturating_sub(1))
            .chain(['…'])
            .collect()
    } else {
        text
    }
}

/// One decimal for rates and indices, none for large counts.
fn decimals(v: f64) -> usize {
    if v.abs() >= 1000.0 {
        0
    } else {
        1
    }
}

impl Description {
    /// One line for a tooltip or a screen-reader announcement.
    pub fn line(&self) -> String {
        match &self.class {
            Some(c) => format!("{} : {} ({c})", self.name, self.value),
            None => format!("{} : {}", self.name, self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(name: &str, value: Option<f64>) -> Shape {
        Shape {
            code: "200033579".into(),
            name: name.into(),
            value,
            ..Shape::default()
        }
    }

    #[test]
    fn french_and_english_lines() {
        let d = describe(&shape("CU d'Arras", Some(15.8)), "%", Some(1), 5, Lang::Fr);
        assert_eq!(d.value, "15,8\u{202f}%");
        assert_eq!(d.line(), "CU d'Arras : 15,8\u{202f}% (classe 2 sur 5)");
        let e = describe(&shape("CU d'Arras", Some(15.8)), "%", Some(1), 5, Lang::En);
        assert_eq!(e.line(), "CU d'Arras : 15.8\u{a0}% (class 2 of 5)");
        let n = describe(&shape("X", None), "%", None, 5, Lang::Fr);
        assert_eq!(n.line(), "X : Pas de donnée");
        let big = describe(&shape("Y", Some(123_456.0)), "habitants", None, 5, Lang::Fr);
        assert_eq!(big.value, "123\u{202f}456\u{202f}habitants");
    }

    #[test]
    fn hostile_names_are_cut() {
        let long = "<script>".repeat(10_000);
        let d = describe(&shape(&long, Some(1.0)), "", None, 5, Lang::Fr);
        assert_eq!(d.name.chars().count(), MAX_NAME_CHARS);
        assert!(d.name.ends_with('…'));
        // Reordering and invisible controls go, line breaks become spaces.
        let bidi = shape("\u{202e}exe.cod\u{202c} Arras\n\u{2066}x\u{2069}", None);
        assert_eq!(
            describe(&bidi, "", None, 5, Lang::Fr).name,
            "exe.cod Arras x"
        );
        let mut coded = shape("Z", None);
        coded.code = "9".repeat(1000);
        assert_eq!(
            describe(&coded, "", None, 5, Lang::Fr).code.chars().count(),
            MAX_CODE_CHARS
        );
    }
}
