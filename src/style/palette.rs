//! Colour-blind-safe sequential palettes for 3 to 9 classes, with the
//! exact sRGB values of their published versions, plus the checks that keep
//! a choropleth readable: WCAG contrast of swatch text, a no-data style
//! that does not rely on colour alone (hatching), and CIELAB distances.
//!
//! Sources: viridis and cividis are matplotlib's colormaps sampled at
//! `i / (k − 1)` (the 256-entry tables, as d3 and R do); Blues, Purples,
//! YlGnBu and OrRd are Cynthia Brewer's ColorBrewer schemes for k classes,
//! all marked colour-blind safe there.
//!
//! Viridis and cividis go dark → light, the ColorBrewer schemes light →
//! dark; reverse the slice from [`Palette::colors`] to flip a palette.
//!
//! ```
//! use maillage::style::palette::{contrast_ratio, text_color_on, Palette, Rgb};
//! let colors = Palette::Viridis.colors(5);
//! assert_eq!(colors[2].to_hex(), "#21918c");
//! let text = text_color_on(colors[0]);
//! assert_eq!(text, Rgb::WHITE);
//! assert!(contrast_ratio(text, colors[0]) >= 4.5);
//! ```

use std::fmt;

/// An sRGB colour, 8 bits per channel, as CSS and the canvas take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

impl Rgb {
    /// `#000000`.
    pub const BLACK: Rgb = Rgb::from_u32(0x000000);
    /// `#ffffff`.
    pub const WHITE: Rgb = Rgb::from_u32(0xffffff);

    /// From `0xRRGGBB`, so tables read like CSS (higher bits are ignored).
    pub const fn from_u32(hex: u32) -> Rgb {
        Rgb {
            r: ((hex >> 16) & 0xff) as u8,
            g: ((hex >> 8) & 0xff) as u8,
            b: (hex & 0xff) as u8,
        }
    }

    /// Parses `#rrggbb` or `rrggbb` (partner-supplied colours); `None` for
    /// anything else.
    ///
    /// ```
    /// use maillage::style::palette::Rgb;
    /// assert_eq!(Rgb::from_hex("#08519C"), Some(Rgb { r: 8, g: 81, b: 156 }));
    /// assert_eq!(Rgb::from_hex("red"), None);
    /// ```
    pub fn from_hex(s: &str) -> Option<Rgb> {
        let digits = s.strip_prefix('#').unwrap_or(s);
        if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok().map(Rgb::from_u32)
    }

    /// `#rrggbb`, lower case.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// WCAG 2.1 relative luminance (0 for black, 1 for white), with the
    /// 0.03928 threshold written in WCAG 2.1.
    pub fn relative_luminance(self) -> f64 {
        let ch = |v: u8| srgb_to_linear(v, 0.039_28);
        0.2126 * ch(self.r) + 0.7152 * ch(self.g) + 0.0722 * ch(self.b)
    }

    /// CIELAB `[L*, a*, b*]` (D65 white): a space where distances roughly
    /// match perceived differences.
    pub fn lab(self) -> [f64; 3] {
        lab_from_linear(self.linear())
    }

    /// Linear-light RGB in `[0, 1]` (IEC 61966-2-1 transfer function).
    pub fn linear(self) -> [f64; 3] {
        let ch = |v: u8| srgb_to_linear(v, 0.040_45);
        [ch(self.r), ch(self.g), ch(self.b)]
    }
}

/// The sRGB transfer function: a channel (0–255) in linear light, with the
/// knee at `knee` (IEC 61966-2-1 writes 0.04045, WCAG 2.1 0.03928). The
/// power 2.4 is taken as `exp(2.4 ln x)`: `powf` would link a libm
/// function of its own (2 KB of wasm) for this one use.
pub fn srgb_to_linear(v: u8, knee: f64) -> f64 {
    let c = f64::from(v) / 255.0;
    if c <= knee {
        c / 12.92
    } else {
        (2.4 * ((c + 0.055) / 1.055).ln()).exp()
    }
}

impl fmt::Display for Rgb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

/// CIELAB of a linear-light RGB triple (sRGB primaries, D65 white).
pub fn lab_from_linear(rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = rgb;
    let x = 0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b;
    let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
    let z = 0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b;
    let f = |t: f64| {
        const D: f64 = 6.0 / 29.0;
        if t > D * D * D {
            t.cbrt()
        } else {
            t / (3.0 * D * D) + 4.0 / 29.0
        }
    };
    let (fx, fy, fz) = (f(x / 0.950_47), f(y), f(z / 1.088_83));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// WCAG 2.1 contrast ratio, from 1 (same luminance) to 21 (black on white);
/// order of the arguments does not matter.
///
/// ```
/// use maillage::style::palette::{contrast_ratio, Rgb};
/// assert!((contrast_ratio(Rgb::BLACK, Rgb::WHITE) - 21.0).abs() < 1e-12);
/// assert!((contrast_ratio(Rgb::from_u32(0x767676), Rgb::WHITE) - 4.54).abs() < 0.01);
/// ```
pub fn contrast_ratio(fg: Rgb, bg: Rgb) -> f64 {
    let (a, b) = (fg.relative_luminance(), bg.relative_luminance());
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

/// Black or white, whichever contrasts more with `bg`: for labels drawn on
/// a swatch. The better of the two always reaches at least 4.58:1.
pub fn text_color_on(bg: Rgb) -> Rgb {
    if contrast_ratio(Rgb::BLACK, bg) >= contrast_ratio(Rgb::WHITE, bg) {
        Rgb::BLACK
    } else {
        Rgb::WHITE
    }
}

/// CIE 1976 colour difference ΔE*ab; about 2.3 is a just-noticeable
/// difference.
pub fn delta_e76(a: Rgb, b: Rgb) -> f64 {
    let (p, q) = (a.lab(), b.lab());
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
}

/// How areas without a value are painted: a neutral grey that no palette
/// colour comes close to, *and* a hatching, so that "no data" never
/// depends on telling colours apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoDataStyle {
    /// Fill of the area.
    pub fill: Rgb,
    /// Colour of the hatching lines.
    pub hatch: Rgb,
    /// Whether to draw diagonal hatching over the fill.
    pub hatched: bool,
}

/// The no-data style: `#a8a8a8` hatched in white. This grey stays at least
/// ΔE*ab 6 from every class colour of every palette here, in normal vision
/// and under simulated protanopia, deuteranopia and tritanopia (see tests).
pub const NO_DATA: NoDataStyle = NoDataStyle {
    fill: Rgb::from_u32(0xa8a8a8),
    hatch: Rgb::WHITE,
    hatched: true,
};

/// Sequential palettes that stay ordered for readers with colour vision
/// deficiencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Palette {
    /// Dark purple → yellow; perceptually uniform, the default.
    Viridis,
    /// Dark blue → yellow; designed for deuteranopia and protanopia.
    Cividis,
    /// ColorBrewer single-hue blues.
    Blues,
    /// ColorBrewer single-hue purples.
    Purples,
    /// ColorBrewer yellow → green → blue.
    YlGnBu,
    /// ColorBrewer orange → red.
    OrRd,
}

/// Smallest number of classes with a published scheme.
pub const MIN_SCHEME_CLASSES: usize = 3;
/// Largest number of classes with a published scheme.
pub const MAX_SCHEME_CLASSES: usize = 9;

impl Palette {
    /// Every palette, in the order a palette picker should list them.
    pub const ALL: [Palette; 6] = [
        Palette::Viridis,
        Palette::Cividis,
        Palette::Blues,
        Palette::Purples,
        Palette::YlGnBu,
        Palette::OrRd,
    ];

    /// Name used in the manifest and in options (lower case).
    pub fn name(self) -> &'static str {
        match self {
            Palette::Viridis => "viridis",
            Palette::Cividis => "cividis",
            Palette::Blues => "blues",
            Palette::Purples => "purples",
            Palette::YlGnBu => "ylgnbu",
            Palette::OrRd => "orrd",
        }
    }

    /// Palette from its name, ignoring case (`"YlGnBu"` works too).
    ///
    /// ```
    /// use maillage::style::palette::Palette;
    /// assert_eq!(Palette::from_name("YlGnBu"), Some(Palette::YlGnBu));
    /// assert_eq!(Palette::from_name("rainbow"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Palette> {
        Palette::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The published scheme for `classes` in `3..=9`, exactly.
    pub fn scheme(self, classes: usize) -> Option<&'static [Rgb]> {
        let table: &Scheme = match self {
            Palette::Viridis => &VIRIDIS,
            Palette::Cividis => &CIVIDIS,
            Palette::Blues => &BLUES,
            Palette::Purples => &PURPLES,
            Palette::YlGnBu => &YLGNBU,
            Palette::OrRd => &ORRD,
        };
        let i = classes.checked_sub(MIN_SCHEME_CLASSES)?;
        table.get(i).copied()
    }

    /// Colours for any number of classes, low to high values. Classification
    /// may return fewer classes than asked (ties): 1 class takes the middle
    /// of the 3-class scheme, 2 classes its ends; more than 9 reuse the
    /// 9-class colours (spread evenly, so neighbours may repeat).
    pub fn colors(self, classes: usize) -> Vec<Rgb> {
        if let Some(s) = self.scheme(classes) {
            return s.to_vec();
        }
        let (three, nine) = match (self.scheme(3), self.scheme(9)) {
            (Some(a), Some(b)) => (a, b),
            _ => return Vec::new(),
        };
        match classes {
            0 => Vec::new(),
            1 => three.get(1).copied().into_iter().collect(),
            2 => [three.first(), three.last()]
                .into_iter()
                .flatten()
                .copied()
                .collect(),
            n => (0..n)
                .filter_map(|i| nine.get((i * (nine.len() - 1) + (n - 1) / 2) / (n - 1)))
                .copied()
                .collect(),
        }
    }
}

impl fmt::Display for Palette {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Schemes for 3, 4, ..., 9 classes.
type Scheme = [&'static [Rgb]; 7];

const fn c(hex: u32) -> Rgb {
    Rgb::from_u32(hex)
}

// Generated from matplotlib 3.11 (viridis, cividis) and ColorBrewer 2.0.
#[rustfmt::skip]
const VIRIDIS: Scheme = [
    &[c(0x440154), c(0x21918c), c(0xfde725)],
    &[c(0x440154), c(0x31688e), c(0x35b779), c(0xfde725)],
    &[c(0x440154), c(0x3b528b), c(0x21918c), c(0x5ec962), c(0xfde725)],
    &[c(0x440154), c(0x414487), c(0x2a788e), c(0x22a884), c(0x7ad151), c(0xfde725)],
    &[c(0x440154), c(0x443983), c(0x31688e), c(0x21918c), c(0x35b779), c(0x90d743), c(0xfde725)],
    &[c(0x440154), c(0x46327e), c(0x365c8d), c(0x277f8e), c(0x1fa187), c(0x4ac16d), c(0xa0da39), c(0xfde725)],
    &[c(0x440154), c(0x472d7b), c(0x3b528b), c(0x2c728e), c(0x21918c), c(0x28ae80), c(0x5ec962), c(0xaddc30), c(0xfde725)],
];
#[rustfmt::skip]
const CIVIDIS: Scheme = [
    &[c(0x00224e), c(0x7d7c78), c(0xfee838)],
    &[c(0x00224e), c(0x575d6d), c(0xa59c74), c(0xfee838)],
    &[c(0x00224e), c(0x434e6c), c(0x7d7c78), c(0xbcae6c), c(0xfee838)],
    &[c(0x00224e), c(0x35456c), c(0x666970), c(0x948e77), c(0xc8b866), c(0xfee838)],
    &[c(0x00224e), c(0x2a3f6d), c(0x575d6d), c(0x7d7c78), c(0xa59c74), c(0xd2c060), c(0xfee838)],
    &[c(0x00224e), c(0x213b6e), c(0x4c556c), c(0x6c6e72), c(0x8e8978), c(0xb1a570), c(0xd9c55c), c(0xfee838)],
    &[c(0x00224e), c(0x1a386f), c(0x434e6c), c(0x61656f), c(0x7d7c78), c(0x9b9476), c(0xbcae6c), c(0xdec958), c(0xfee838)],
];
#[rustfmt::skip]
const BLUES: Scheme = [
    &[c(0xdeebf7), c(0x9ecae1), c(0x3182bd)],
    &[c(0xeff3ff), c(0xbdd7e7), c(0x6baed6), c(0x2171b5)],
    &[c(0xeff3ff), c(0xbdd7e7), c(0x6baed6), c(0x3182bd), c(0x08519c)],
    &[c(0xeff3ff), c(0xc6dbef), c(0x9ecae1), c(0x6baed6), c(0x3182bd), c(0x08519c)],
    &[c(0xeff3ff), c(0xc6dbef), c(0x9ecae1), c(0x6baed6), c(0x4292c6), c(0x2171b5), c(0x084594)],
    &[c(0xf7fbff), c(0xdeebf7), c(0xc6dbef), c(0x9ecae1), c(0x6baed6), c(0x4292c6), c(0x2171b5), c(0x084594)],
    &[c(0xf7fbff), c(0xdeebf7), c(0xc6dbef), c(0x9ecae1), c(0x6baed6), c(0x4292c6), c(0x2171b5), c(0x08519c), c(0x08306b)],
];
#[rustfmt::skip]
const PURPLES: Scheme = [
    &[c(0xefedf5), c(0xbcbddc), c(0x756bb1)],
    &[c(0xf2f0f7), c(0xcbc9e2), c(0x9e9ac8), c(0x6a51a3)],
    &[c(0xf2f0f7), c(0xcbc9e2), c(0x9e9ac8), c(0x756bb1), c(0x54278f)],
    &[c(0xf2f0f7), c(0xdadaeb), c(0xbcbddc), c(0x9e9ac8), c(0x756bb1), c(0x54278f)],
    &[c(0xf2f0f7), c(0xdadaeb), c(0xbcbddc), c(0x9e9ac8), c(0x807dba), c(0x6a51a3), c(0x4a1486)],
    &[c(0xfcfbfd), c(0xefedf5), c(0xdadaeb), c(0xbcbddc), c(0x9e9ac8), c(0x807dba), c(0x6a51a3), c(0x4a1486)],
    &[c(0xfcfbfd), c(0xefedf5), c(0xdadaeb), c(0xbcbddc), c(0x9e9ac8), c(0x807dba), c(0x6a51a3), c(0x54278f), c(0x3f007d)],
];
#[rustfmt::skip]
const YLGNBU: Scheme = [
    &[c(0xedf8b1), c(0x7fcdbb), c(0x2c7fb8)],
    &[c(0xffffcc), c(0xa1dab4), c(0x41b6c4), c(0x225ea8)],
    &[c(0xffffcc), c(0xa1dab4), c(0x41b6c4), c(0x2c7fb8), c(0x253494)],
    &[c(0xffffcc), c(0xc7e9b4), c(0x7fcdbb), c(0x41b6c4), c(0x2c7fb8), c(0x253494)],
    &[c(0xffffcc), c(0xc7e9b4), c(0x7fcdbb), c(0x41b6c4), c(0x1d91c0), c(0x225ea8), c(0x0c2c84)],
    &[c(0xffffd9), c(0xedf8b1), c(0xc7e9b4), c(0x7fcdbb), c(0x41b6c4), c(0x1d91c0), c(0x225ea8), c(0x0c2c84)],
    &[c(0xffffd9), c(0xedf8b1), c(0xc7e9b4), c(0x7fcdbb), c(0x41b6c4), c(0x1d91c0), c(0x225ea8), c(0x253494), c(0x081d58)],
];
#[rustfmt::skip]
const ORRD: Scheme = [
    &[c(0xfee8c8), c(0xfdbb84), c(0xe34a33)],
    &[c(0xfef0d9), c(0xfdcc8a), c(0xfc8d59), c(0xd7301f)],
    &[c(0xfef0d9), c(0xfdcc8a), c(0xfc8d59), c(0xe34a33), c(0xb30000)],
    &[c(0xfef0d9), c(0xfdd49e), c(0xfdbb84), c(0xfc8d59), c(0xe34a33), c(0xb30000)],
    &[c(0xfef0d9), c(0xfdd49e), c(0xfdbb84), c(0xfc8d59), c(0xef6548), c(0xd7301f), c(0x990000)],
    &[c(0xfff7ec), c(0xfee8c8), c(0xfdd49e), c(0xfdbb84), c(0xfc8d59), c(0xef6548), c(0xd7301f), c(0x990000)],
    &[c(0xfff7ec), c(0xfee8c8), c(0xfdd49e), c(0xfdbb84), c(0xfc8d59), c(0xef6548), c(0xd7301f), c(0xb30000), c(0x7f0000)],
];

#[cfg(test)]
mod tests {
    use super::*;

    fn hexes(colors: &[Rgb]) -> Vec<String> {
        colors.iter().map(|c| c.to_hex()).collect()
    }

    /// Machado, Oliveira & Fernandes (2009) dichromacy matrices at full
    /// severity, applied in linear RGB.
    const SIMULATIONS: [(&str, [[f64; 3]; 3]); 4] = [
        (
            "normal",
            [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        ),
        (
            "protanopia",
            [
                [0.152_286, 1.052_583, -0.204_868],
                [0.114_503, 0.786_281, 0.099_216],
                [-0.003_882, -0.048_116, 1.051_998],
            ],
        ),
        (
            "deuteranopia",
            [
                [0.367_322, 0.860_646, -0.227_968],
                [0.280_085, 0.672_501, 0.047_413],
                [-0.011_820, 0.042_940, 0.968_881],
            ],
        ),
        (
            "tritanopia",
            [
                [1.255_528, -0.076_749, -0.178_779],
                [-0.078_411, 0.930_809, 0.147_602],
                [0.004_733, 0.691_367, 0.303_900],
            ],
        ),
    ];

    fn seen_as(m: &[[f64; 3]; 3], c: Rgb) -> [f64; 3] {
        let l = c.linear();
        let row = |r: &[f64; 3]| (r[0] * l[0] + r[1] * l[1] + r[2] * l[2]).clamp(0.0, 1.0);
        lab_from_linear([row(&m[0]), row(&m[1]), row(&m[2])])
    }

    fn dist(p: [f64; 3], q: [f64; 3]) -> f64 {
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
    }

    #[test]
    fn published_values() {
        assert_eq!(
            hexes(&Palette::Viridis.colors(9)),
            [
                "#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962",
                "#addc30", "#fde725"
            ]
        );
        assert_eq!(
            hexes(&Palette::Blues.colors(9)),
            [
                "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
                "#08519c", "#08306b"
            ]
        );
        assert_eq!(
            hexes(&Palette::Cividis.colors(3)),
            ["#00224e", "#7d7c78", "#fee838"]
        );
        assert_eq!(
            hexes(&Palette::OrRd.colors(5)),
            ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"]
        );
        assert_eq!(
            hexes(&Palette::YlGnBu.colors(4)),
            ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"]
        );
        assert_eq!(
            hexes(&Palette::Purples.colors(3)),
            ["#efedf5", "#bcbddc", "#756bb1"]
        );
    }

    #[test]
    fn every_scheme_and_odd_counts() {
        for p in Palette::ALL {
            assert_eq!(Palette::from_name(p.name()), Some(p));
            assert_eq!(p.to_string(), p.name());
            for k in 3..=9 {
                assert_eq!(p.scheme(k).map(<[Rgb]>::len), Some(k), "{p} {k}");
            }
            assert_eq!(p.scheme(2), None);
            assert_eq!(p.scheme(10), None);
            assert!(p.colors(0).is_empty());
            assert_eq!(p.colors(1), [p.colors(3)[1]]);
            assert_eq!(p.colors(2), [p.colors(3)[0], p.colors(3)[2]]);
            let twelve = p.colors(12);
            let nine = p.colors(9);
            assert_eq!(twelve.len(), 12);
            assert_eq!((twelve[0], twelve[11]), (nine[0], nine[8]));
            assert_eq!(p.colors(1000).len(), 1000);
        }
        assert_eq!(Palette::from_name(" ORRD "), Some(Palette::OrRd));
    }

    #[test]
    fn hex_parsing() {
        assert_eq!(Rgb::from_hex("fde725"), Some(Rgb::from_u32(0xfde725)));
        assert_eq!(Rgb::from_hex("#fde72"), None);
        assert_eq!(Rgb::from_hex("#+de725"), None);
        assert_eq!(Rgb::from_hex("#fdé725"), None);
        assert_eq!(Rgb::from_u32(0x0a0b0c).to_string(), "#0a0b0c");
    }

    #[test]
    fn swatch_text_reaches_wcag_aa() {
        for p in Palette::ALL {
            for k in 3..=9 {
                for &bg in p.colors(k).iter() {
                    let text = text_color_on(bg);
                    let ratio = contrast_ratio(text, bg);
                    assert!(ratio >= 4.5, "{p} {k} {bg}: {ratio}");
                }
            }
        }
        let nd = NO_DATA.fill;
        assert!(contrast_ratio(text_color_on(nd), nd) >= 4.5);
        // Worst case for black-or-white text: luminance 0.179.
        assert!(contrast_ratio(Rgb::BLACK, Rgb::from_u32(0x767676)) > 4.5);
    }

    /// Consecutive classes stay apart by ΔE*ab ≥ 4 (about twice a
    /// just-noticeable difference) in normal vision and under simulated
    /// protanopia, deuteranopia and tritanopia; and lightness alone orders
    /// them, with steps of at least 3 L* units (a monotone ramp is what keeps
    /// a sequential palette readable in greyscale and for every reader).
    /// Measured minima: ΔE 4.41 (YlGnBu, tritanopia), ΔL* 3.85 (YlGnBu).
    #[test]
    fn consecutive_classes_are_distinguishable() {
        for p in Palette::ALL {
            for k in 3..=9 {
                let colors = p.colors(k);
                for (name, m) in SIMULATIONS.iter() {
                    for w in colors.windows(2) {
                        let d = dist(seen_as(m, w[0]), seen_as(m, w[1]));
                        assert!(d >= 4.0, "{p} k={k} {name}: {} {} ΔE {d:.2}", w[0], w[1]);
                    }
                }
                let l: Vec<f64> = colors.iter().map(|c| c.lab()[0]).collect();
                let rising = l[1] > l[0];
                for w in l.windows(2) {
                    let step = if rising { w[1] - w[0] } else { w[0] - w[1] };
                    assert!(step >= 3.0, "{p} k={k}: L* {l:?}");
                }
            }
        }
    }

    #[test]
    fn no_data_stands_apart() {
        let mut worst = f64::INFINITY;
        for p in Palette::ALL {
            for k in 3..=9 {
                for &c in p.colors(k).iter() {
                    for (_, m) in SIMULATIONS.iter() {
                        worst = worst.min(dist(seen_as(m, c), seen_as(m, NO_DATA.fill)));
                    }
                }
            }
        }
        assert!(worst >= 6.0, "{worst}");
    }

    #[test]
    fn lab_reference_values() {
        let white = Rgb::WHITE.lab();
        assert!((white[0] - 100.0).abs() < 1e-3 && white[1].abs() < 1e-2 && white[2].abs() < 1e-2);
        assert_eq!(Rgb::BLACK.lab()[0], 0.0);
        // sRGB red: L* 53.24, a* 80.09, b* 67.20.
        let red = Rgb::from_u32(0xff0000).lab();
        assert!(
            (red[0] - 53.24).abs() < 0.01 && (red[1] - 80.09).abs() < 0.02,
            "{red:?}"
        );
        assert!((red[2] - 67.20).abs() < 0.02, "{red:?}");
        assert_eq!(delta_e76(Rgb::WHITE, Rgb::WHITE), 0.0);
    }
}
