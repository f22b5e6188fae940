//! The exported picture of the map ("Télécharger l'image (PNG)"): the map
//! as drawn, with its title above, and under it the legend (classes, no
//! data, zones, kinds of places) and the credits the data's licences ask
//! for, so that a picture pasted in a report still says what it shows and
//! where it comes from.
//!
//! The layout is decided here; the glue only paints the [`Ink`]s, measuring
//! text with the canvas through the `width` closure (tests pass an
//! estimate).

use crate::scene::{Hatch, Rgba};

/// Space around and between the blocks, CSS pixels.
const MARGIN: f64 = 16.0;
/// Title size.
const TITLE: f64 = 18.0;
/// Legend text size.
const TEXT: f64 = 14.0;
/// Credits size.
const SMALL: f64 = 12.0;
/// Height of a legend row.
const ROW: f64 = 24.0;
/// Swatch side.
const SWATCH: f64 = 16.0;
/// The narrowest picture: a phone's map still gets a readable legend.
const MIN_WIDTH: f64 = 480.0;

/// Something to paint, CSS pixels from the picture's top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Ink {
    /// The map's picture, at its own size.
    Map {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
    },
    /// A swatch: a square, or a disc for places.
    Swatch {
        /// Left.
        x: f64,
        /// Top.
        y: f64,
        /// Side.
        size: f64,
        /// Fill.
        fill: Rgba,
        /// A pattern over the fill.
        hatch: Option<Hatch>,
        /// A disc (places' kinds) rather than a square.
        round: bool,
    },
    /// One line of text, its baseline's left end at (x, y).
    Text {
        /// Left.
        x: f64,
        /// Baseline.
        y: f64,
        /// Plain text, never markup.
        text: String,
        /// Font size.
        size: f64,
        /// Bold (title).
        bold: bool,
    },
}

/// One line of the legend.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// Swatch colour.
    pub fill: Rgba,
    /// A pattern over it (no data, zones, classes with patterns).
    pub hatch: Option<Hatch>,
    /// A disc (places' kinds).
    pub round: bool,
    /// Text, with its count when it has one.
    pub label: String,
}

/// The picture's size and what to paint.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Width, CSS pixels.
    pub width: f64,
    /// Height, CSS pixels.
    pub height: f64,
    /// Background first, then in painting order.
    pub inks: Vec<Ink>,
}

/// Lays out the picture of a `map` (width, height) picture: `title`, the
/// map, the `keys` in as many columns as fit, then `credits`, each
/// wrapped to the width. `width(text, size, bold)` measures a line.
pub fn sheet(
    map: [f64; 2],
    title: &str,
    keys: &[Key],
    credits: &[String],
    width: impl Fn(&str, f64, bool) -> f64,
) -> Sheet {
    let w = map[0].max(MIN_WIDTH);
    let inner = w - 2.0 * MARGIN;
    let mut inks = Vec::new();
    let mut y = MARGIN;
    for line in wrap(title, inner, (TITLE, true), &width) {
        y += TITLE;
        inks.push(text(MARGIN, y, line, TITLE, true));
        y += TITLE * 0.3;
    }
    y += MARGIN / 2.0;
    inks.push(Ink::Map {
        x: ((w - map[0]) / 2.0).max(0.0),
        y,
    });
    y += map[1] + MARGIN;
    // Columns as wide as the widest key.
    let key_w = keys
        .iter()
        .map(|k| SWATCH + 8.0 + width(&k.label, TEXT, false))
        .fold(0.0, f64::max)
        .min(inner)
        + MARGIN;
    let columns = ((inner + MARGIN) / key_w).floor().max(1.0) as usize;
    let rows = keys.len().div_ceil(columns);
    for (i, k) in keys.iter().enumerate() {
        // Down the first column, then the next: reading order of a legend.
        let (col, row) = (i / rows.max(1), i % rows.max(1));
        let x = MARGIN + col as f64 * key_w;
        let top = y + row as f64 * ROW;
        inks.push(Ink::Swatch {
            x,
            y: top + (ROW - SWATCH) / 2.0,
            size: SWATCH,
            fill: k.fill,
            hatch: k.hatch,
            round: k.round,
        });
        let label = fit(
            &k.label,
            key_w - SWATCH - 8.0 - MARGIN,
            (TEXT, false),
            &width,
        );
        inks.push(text(
            x + SWATCH + 8.0,
            top + ROW / 2.0 + TEXT * 0.35,
            label,
            TEXT,
            false,
        ));
    }
    y += rows as f64 * ROW + MARGIN / 2.0;
    for c in credits {
        for line in wrap(c, inner, (SMALL, false), &width) {
            y += SMALL * 1.3;
            inks.push(text(MARGIN, y, line, SMALL, false));
        }
    }
    Sheet {
        width: w,
        height: (y + MARGIN).ceil(),
        inks,
    }
}

fn text(x: f64, y: f64, text: String, size: f64, bold: bool) -> Ink {
    Ink::Text {
        x,
        y,
        text,
        size,
        bold,
    }
}

/// `text` in lines no wider than `max` (a word wider than `max` stands
/// alone, cut by [`fit`]).
/// `font` is the size and boldness.
fn wrap(
    text: &str,
    max: f64,
    font: (f64, bool),
    width: &impl Fn(&str, f64, bool) -> f64,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || width(&candidate, font.0, font.1) <= max {
            line = candidate;
        } else {
            lines.push(fit(&line, max, font, width));
            line = word.to_owned();
        }
    }
    if !line.is_empty() {
        lines.push(fit(&line, max, font, width));
    }
    lines
}

/// `text` cut with "…" to fit `max`: the longest prefix that fits, found
/// by bisection (a 100 KB hostile name costs a few measures, not one per
/// character).
fn fit(text: &str, max: f64, font: (f64, bool), width: &impl Fn(&str, f64, bool) -> f64) -> String {
    if width(text, font.0, font.1) <= max {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = |n: usize| chars[..n].iter().collect::<String>() + "…";
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width(&cut(mid), font.0, font.1) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    cut(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An estimate: every character half the font size wide.
    fn estimate(text: &str, size: f64, _bold: bool) -> f64 {
        text.chars().count() as f64 * size * 0.5
    }

    fn key(label: &str) -> Key {
        Key {
            fill: Rgba([1, 2, 3, 255]),
            hatch: None,
            round: false,
            label: label.into(),
        }
    }

    fn texts(s: &Sheet) -> Vec<&str> {
        s.inks
            .iter()
            .filter_map(|i| match i {
                Ink::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn title_map_legend_and_credits_stack_up() {
        let keys: Vec<Key> = (0..5).map(|i| key(&format!("classe {i} (20)"))).collect();
        let credits = vec!["Sources : IFN © La MedNum (2023)".to_owned()];
        let s = sheet(
            [800.0, 600.0],
            "Fragilité numérique",
            &keys,
            &credits,
            estimate,
        );
        assert_eq!(s.width, 800.0);
        // Title 16 + 18 + 5.4, gap 8: the map at 47.4; 5 keys of 15 chars
        // (7 × 15 = 105 px + 24 + 16 = 145 px wide) fit 5 columns of 768 px:
        // one row of 24 px after a 16 px gap, then 8, a 15.6 px credit line
        // and the 16 px margin.
        assert_eq!(s.inks[1], Ink::Map { x: 0.0, y: 47.4 });
        assert_eq!(
            s.height,
            (47.4 + 600.0 + 16.0 + 24.0 + 8.0 + 15.6 + 16.0_f64).ceil()
        );
        assert_eq!(
            texts(&s),
            [
                "Fragilité numérique",
                "classe 0 (20)",
                "classe 1 (20)",
                "classe 2 (20)",
                "classe 3 (20)",
                "classe 4 (20)",
                "Sources : IFN © La MedNum (2023)"
            ]
        );
        // Keys go down a column first: one row here, so all on the same line.
        let tops: Vec<f64> = s
            .inks
            .iter()
            .filter_map(|i| match i {
                Ink::Swatch { y, .. } => Some(*y),
                _ => None,
            })
            .collect();
        assert!(tops.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn a_narrow_map_gets_a_wider_sheet_and_long_text_wraps() {
        let long = "Sources : Contours © IGN ADMIN EXPRESS, codes et populations © INSEE (COG 2025) · IFN © La MedNum, d'après ARCEP et INSEE (2023) · Lieux © ANCT".to_owned();
        let keys: Vec<Key> = (0..6)
            .map(|i| key(&format!("de {i} à {} %", i + 1)))
            .collect();
        let s = sheet(
            [320.0, 400.0],
            "T",
            &keys,
            std::slice::from_ref(&long),
            estimate,
        );
        assert_eq!(s.width, MIN_WIDTH);
        // The map is centred.
        assert!(matches!(s.inks[1], Ink::Map { x, .. } if x == 80.0));
        let t = texts(&s);
        let credit_lines: Vec<&&str> = t
            .iter()
            .filter(|l| !l.starts_with("de ") && **l != "T")
            .collect();
        assert!(credit_lines.len() > 1, "{credit_lines:?}");
        assert!(credit_lines
            .iter()
            .all(|l| estimate(l, SMALL, false) <= MIN_WIDTH - 2.0 * MARGIN));
        assert_eq!(
            credit_lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            long
        );
    }

    #[test]
    fn hostile_text_is_cut_not_overflowing() {
        let huge = "x".repeat(100_000);
        let s = sheet(
            [600.0, 300.0],
            &huge,
            &[key(&huge)],
            std::slice::from_ref(&huge),
            estimate,
        );
        for i in &s.inks {
            if let Ink::Text { text, size, .. } = i {
                assert!(
                    estimate(text, *size, false) <= 600.0,
                    "{} chars",
                    text.chars().count()
                );
            }
        }
    }
}
