//! Web Mercator (EPSG:3857) as the web maps use it, in *world coordinates*:
//! the square world mapped onto `[0, 1]²`, `x` growing eastwards from the
//! antimeridian (lon −180° → 0), `y` growing southwards from the top edge
//! (lat +85.0511° → 0). A unit square rather than metres keeps the maths
//! scale-free: at zoom `z` the world is `256 · 2^z` CSS pixels wide, so a
//! world coordinate times [`Zoom::world_size_px`] is a pixel position.
//!
//! ```
//! use maillage::geom::mercator::{lon_lat_to_world, world_to_lon_lat, Zoom};
//! let w = lon_lat_to_world([2.3522, 48.8566]); // Paris
//! let px = Zoom::new(10.0).unwrap().world_size_px();
//! // Paris is in the standard slippy-map tile 518/352 at zoom 10.
//! assert_eq!([(w[0] * px / 256.0).floor(), (w[1] * px / 256.0).floor()], [518.0, 352.0]);
//! let back = world_to_lon_lat(w);
//! assert!((back[0] - 2.3522).abs() < 1e-12 && (back[1] - 48.8566).abs() < 1e-12);
//! ```

use crate::num::ClampTo;
use std::cell::RefCell;
use std::f64::consts::PI;
use std::fmt;

/// Latitude where the Web Mercator square ends, `atan(sinh π)` in degrees
/// (≈ 85.0511°): beyond it `y` would leave `[0, 1]` and tend to infinity.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Side of a tile in CSS pixels: the world is one tile wide at zoom 0.
pub const TILE_SIZE: f64 = 256.0;

/// WGS84 equatorial radius (metres), the sphere Web Mercator is defined on.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// A zoom level, validated once so that nothing downstream has to check for
/// NaN or absurd scales. Fractional zooms are allowed (smooth wheel/pinch).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Zoom(f64);

/// Why a number is not a [`Zoom`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZoomError {
    /// NaN or infinite: usually a division by zero upstream.
    NotFinite,
    /// Finite but outside `MIN..=MAX`; carries the rejected value.
    OutOfRange(f64),
}

impl fmt::Display for ZoomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFinite => write!(f, "zoom is not a finite number"),
            Self::OutOfRange(z) => {
                use crate::style::legend::plain_number;
                write!(
                    f,
                    "zoom {} is outside {}..={}",
                    plain_number(*z),
                    plain_number(Zoom::MIN.get()),
                    plain_number(Zoom::MAX.get())
                )
            }
        }
    }
}

impl std::error::Error for ZoomError {}

impl Zoom {
    /// Whole world in one tile.
    pub const MIN: Zoom = Zoom(0.0);
    /// About 4 cm per pixel at the equator: far beyond any data we draw.
    pub const MAX: Zoom = Zoom(22.0);

    /// Accepts finite zooms in `0..=22`; use for values from outside (URL,
    /// attributes) where a bad value should be reported.
    ///
    /// ```
    /// use maillage::geom::mercator::{Zoom, ZoomError};
    /// assert_eq!(Zoom::new(5.5).map(|z| z.get()), Ok(5.5));
    /// assert_eq!(Zoom::new(23.0), Err(ZoomError::OutOfRange(23.0)));
    /// assert_eq!(Zoom::new(f64::NAN), Err(ZoomError::NotFinite));
    /// ```
    pub fn new(z: f64) -> Result<Zoom, ZoomError> {
        if !z.is_finite() {
            Err(ZoomError::NotFinite)
        } else if !(Self::MIN.0..=Self::MAX.0).contains(&z) {
            Err(ZoomError::OutOfRange(z))
        } else {
            Ok(Zoom(z))
        }
    }

    /// Nearest valid zoom (NaN becomes [`Zoom::MIN`]); for values computed
    /// from gestures, where clamping is the expected behaviour.
    pub fn clamped(z: f64) -> Zoom {
        if z.is_nan() {
            Self::MIN
        } else {
            Zoom(z.clamp_to(Self::MIN.0, Self::MAX.0))
        }
    }

    /// The zoom as a number.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Width (and height) of the whole world in CSS pixels: `256 · 2^zoom`.
    pub fn world_size_px(self) -> f64 {
        TILE_SIZE * self.0.exp2()
    }
}

impl TryFrom<f64> for Zoom {
    type Error = ZoomError;
    fn try_from(z: f64) -> Result<Self, Self::Error> {
        Zoom::new(z)
    }
}

/// Latitude limited to `±MAX_LATITUDE` (NaN stays NaN).
pub fn clamp_latitude(lat: f64) -> f64 {
    lat.clamp_to(-MAX_LATITUDE, MAX_LATITUDE)
}

/// Longitude brought into `[-180, 180]` by whole turns (values already in
/// range are returned unchanged, so 180 stays 180).
///
/// ```
/// use maillage::geom::mercator::wrap_longitude;
/// assert_eq!(wrap_longitude(190.0), -170.0);
/// assert_eq!(wrap_longitude(-540.0), -180.0);
/// assert_eq!(wrap_longitude(180.0), 180.0);
/// ```
pub fn wrap_longitude(lon: f64) -> f64 {
    if (-180.0..=180.0).contains(&lon) || !lon.is_finite() {
        lon
    } else {
        (lon + 180.0).rem_euclid(360.0) - 180.0
    }
}

/// World `x` of a longitude; not wrapped, so −190° lies left of the world.
pub fn lon_to_x(lon: f64) -> f64 {
    (lon + 180.0) / 360.0
}

/// World `y` of a latitude, clamped to the Mercator square first.
///
/// Every vertex of a layer goes through here once, the first time it is
/// drawn: within `±70°` (all of France, overseas included) `y` comes from
/// a table of Taylor coefficients, within 2e-15 of the exact formula (two
/// millionths of a pixel at zoom 22), in a quarter of the time of wasm's
/// software `tan` and `ln` (the national overview's first frame took
/// 4 ms less).
pub fn lat_to_y(lat: f64) -> f64 {
    // NaN and latitudes beyond the table fail this test.
    if (-TABLE_LIMIT..=TABLE_LIMIT).contains(&lat) {
        let k = ((lat + TABLE_LIMIT) * NODES_PER_DEGREE + 0.5).floor();
        let node = k / NODES_PER_DEGREE - TABLE_LIMIT;
        let y = TABLE.with_borrow_mut(|table| {
            let c = table.get_mut(k as usize)?;
            // A node's coefficients are worked out the first time a
            // latitude near it is: France takes about 60 of the 561.
            if c[0].is_nan() {
                *c = taylor_coefficients(node);
            }
            let t = (lat - node).to_radians();
            Some(c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * (c[4] + t * c[5])))))
        });
        if let Some(y) = y {
            return y;
        }
    }
    exact_lat_to_y(lat)
}

/// Latitudes within `±TABLE_LIMIT` degrees are projected from the table.
const TABLE_LIMIT: f64 = 70.0;
/// Table nodes every quarter degree: a point is at most 1/8° from one.
const NODES_PER_DEGREE: f64 = 4.0;

/// `y` of a latitude by `ln(tan(π/4 + φ/2))`, in its half-angle form
/// `ln((1 + t) / (1 − t))` with `t = tan(φ/2)`: `|φ/2|` stays under `π/4`,
/// where `tan` needs no argument reduction.
fn exact_lat_to_y(lat: f64) -> f64 {
    y_of_half_tan(tan_within_quarter_turn(
        clamp_latitude(lat).to_radians() / 2.0,
    ))
}

/// `y` from the half angle's tangent `t = tan(φ/2)`.
fn y_of_half_tan(t: f64) -> f64 {
    (1.0 - ((1.0 + t) / (1.0 - t)).ln() / PI) / 2.0
}

thread_local! {
    /// For each node `φk` (every quarter degree within `±TABLE_LIMIT`), the
    /// Taylor coefficients of `y` around it up to the fifth power: `y` of a
    /// latitude 1/8° away at most is then 5 multiplications and additions,
    /// instead of a `tan` and an `ln` in wasm's software maths. NaN until
    /// first needed.
    static TABLE: RefCell<Vec<[f64; 6]>> =
        RefCell::new(vec![[f64::NAN; 6]; (2.0 * TABLE_LIMIT * NODES_PER_DEGREE) as usize + 1]);
}

/// The Taylor coefficients of `y` around the latitude `lat` (degrees,
/// within `±TABLE_LIMIT`). The derivatives of `y` are polynomials in
/// `s = sec φ` and `T = tan φ` (those of `ln(sec φ + tan φ)`, times
/// `−1/2π`), and all come from the half angle's tangent `h`: one `tan`, no
/// `cos`, and `y` itself as [`exact_lat_to_y`] has it.
fn taylor_coefficients(lat: f64) -> [f64; 6] {
    let k = -1.0 / (2.0 * PI);
    let h = tan_within_quarter_turn(lat.to_radians() / 2.0);
    let (s, t) = ((1.0 + h * h) / (1.0 - h * h), 2.0 * h / (1.0 - h * h));
    let t2 = t * t;
    [
        y_of_half_tan(h),
        k * s,
        k * s * t / 2.0,
        k * s * (2.0 * t2 + 1.0) / 6.0,
        k * s * t * (6.0 * t2 + 5.0) / 24.0,
        k * s * (24.0 * t2 * t2 + 28.0 * t2 + 5.0) / 120.0,
    ]
}

/// `tan(x)` for `|x| ≤ π/4`, where no argument reduction is needed: the
/// kernel of FreeBSD's `tan` (`k_tan.c`, as Rust's libm ports it), so the
/// same bits as `f64::tan` in wasm there. Why: `f64::tan` links libm's
/// reduction of large arguments (`rem_pio2`, about 6 KB of the module) that
/// half a latitude, within ±45°, never needs. NaN gives NaN.
///
/// Copyright 2004 Sun Microsystems, Inc. All Rights Reserved.
/// Permission to use, copy, modify, and distribute this software is freely
/// granted, provided that this notice is preserved.
fn tan_within_quarter_turn(x: f64) -> f64 {
    // The kernel's coefficients and π/4 in two parts, by their bits as
    // k_tan.c gives them.
    const T: [u64; 13] = [
        0x3FD5_5555_5555_5563,
        0x3FC1_1111_1110_FE7A,
        0x3FAB_A1BA_1BB3_41FE,
        0x3F96_64F4_8406_D637,
        0x3F82_26E3_E96E_8493,
        0x3F6D_6D22_C956_0328,
        0x3F57_DBC8_FEE0_8315,
        0x3F43_44D8_F2F2_6501,
        0x3F30_26F7_1A8D_1068,
        0x3F14_7E88_A037_92A6,
        0x3F12_B80F_32F0_A7E9,
        0xBEF3_75CB_DB60_5373,
        0x3EFB_2A70_74BF_7AD4,
    ];
    const PIO4: u64 = 0x3FE9_21FB_5444_2D18;
    const PIO4_LO: u64 = 0x3C81_A626_3314_5C07;
    let t = |i: usize| f64::from_bits(T[i]);
    let high = (x.to_bits() >> 32) as u32 & 0x7fff_ffff;
    if high < 0x3e40_0000 {
        // |x| < 2⁻²⁷: tan(x) rounds to x (±0 kept).
        return x;
    }
    // Past 0.6744, tan(π/4 − y) = 1 − 2(tan y − tan² y / (1 + tan y)).
    let big = high >= 0x3fe5_9428;
    let x0 = if big {
        (f64::from_bits(PIO4) - x.abs()) + f64::from_bits(PIO4_LO)
    } else {
        x
    };
    let z = x0 * x0;
    let w = z * z;
    let r = t(1) + w * (t(3) + w * (t(5) + w * (t(7) + w * (t(9) + w * t(11)))));
    let v = z * (t(2) + w * (t(4) + w * (t(6) + w * (t(8) + w * (t(10) + w * t(12))))));
    let s = z * x0;
    let r = z * (s * (r + v)) + s * t(0);
    let w = x0 + r;
    if big {
        let v = 1.0 - 2.0 * (x0 + (r - w * w / (w + 1.0)));
        v.copysign(x)
    } else {
        w
    }
}

/// Longitude of a world `x`.
pub fn x_to_lon(x: f64) -> f64 {
    x * 360.0 - 180.0
}

/// Latitude of a world `y`; `y` outside `[0, 1]` gives latitudes beyond
/// `±MAX_LATITUDE` (up to ±90°) rather than an error.
pub fn y_to_lat(y: f64) -> f64 {
    (PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees()
}

/// `[lon, lat]` in degrees → `[x, y]` world coordinates.
pub fn lon_lat_to_world(lon_lat: [f64; 2]) -> [f64; 2] {
    [lon_to_x(lon_lat[0]), lat_to_y(lon_lat[1])]
}

/// `[x, y]` world coordinates → `[lon, lat]` in degrees.
pub fn world_to_lon_lat(world: [f64; 2]) -> [f64; 2] {
    [x_to_lon(world[0]), y_to_lat(world[1])]
}

/// Ground metres covered by one CSS pixel at a latitude: what a scale bar
/// needs (Mercator stretches by `1 / cos(lat)`).
///
/// ```
/// use maillage::geom::mercator::{metres_per_pixel, Zoom};
/// // 156 543.03 m per pixel at the equator at zoom 0, half of it at 60°.
/// assert!((metres_per_pixel(0.0, Zoom::MIN) - 156_543.034).abs() < 1e-3);
/// assert!((metres_per_pixel(60.0, Zoom::MIN) - 78_271.517).abs() < 1e-3);
/// ```
pub fn metres_per_pixel(lat: f64, zoom: Zoom) -> f64 {
    2.0 * PI * EARTH_RADIUS_M * super::trig::cos(clamp_latitude(lat).to_radians())
        / zoom.world_size_px()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn corners_of_the_world() {
        assert_eq!(lon_to_x(-180.0), 0.0);
        assert_eq!(lon_to_x(180.0), 1.0);
        assert_eq!(lon_to_x(0.0), 0.5);
        assert!(lat_to_y(MAX_LATITUDE).abs() < 1e-15);
        assert!((lat_to_y(-MAX_LATITUDE) - 1.0).abs() < 1e-15);
        assert_eq!(lat_to_y(0.0), 0.5);
        // Poles are clamped onto the edges instead of going infinite.
        assert_eq!(lat_to_y(90.0), lat_to_y(MAX_LATITUDE));
        assert_eq!(lat_to_y(-90.0), lat_to_y(-MAX_LATITUDE));
        assert!((y_to_lat(0.0) - MAX_LATITUDE).abs() < 1e-12);
    }

    #[test]
    fn quarter_turn_tangent_is_libms_to_the_bit() {
        // Every 1/100,000 of [−π/4, π/4], both branches of the kernel, the
        // switch between them and the tiny arguments returned as they are:
        // the very bits of libm's `tan` (what `f64::tan` is in wasm).
        let quarter = std::f64::consts::FRAC_PI_4;
        let mut checked = 0;
        for i in -100_000..=100_000 {
            let x = quarter * f64::from(i) / 100_000.0;
            assert_eq!(
                tan_within_quarter_turn(x).to_bits(),
                libm::tan(x).to_bits(),
                "{x}"
            );
            checked += 1;
        }
        for x in [
            0.0, -0.0, 1e-300, -1e-9, 0.674_34, -0.674_34, 0.674_4, quarter, -quarter,
        ] {
            assert_eq!(
                tan_within_quarter_turn(x).to_bits(),
                libm::tan(x).to_bits(),
                "{x}"
            );
        }
        assert_eq!(checked, 200_001);
        assert!(tan_within_quarter_turn(f64::NAN).is_nan());
        // Half of the largest latitude drawn: tan(42.5°).
        assert!(
            (tan_within_quarter_turn((MAX_LATITUDE / 2.0).to_radians()) - 0.917_152_335_667_274)
                .abs()
                < 1e-15
        );
    }

    #[test]
    fn half_angle_form_and_table_agree_with_the_textbook_formula() {
        // `ln(tan(π/4 + φ/2))`, as written before the half-angle form: the
        // half-angle form agrees within 1e-15 of the world (measured
        // 6.7e-16, a millionth of a pixel at zoom 22) from pole to pole,
        // the table within 2e-15 (measured 1.6e-15, near ±70°; 2.2e-16
        // within ±60°). Steps of 0.001° put points on the table's nodes,
        // halfway between two and at its limits.
        let textbook = |lat: f64| {
            let phi = clamp_latitude(lat).to_radians();
            (1.0 - (PI / 4.0 + phi / 2.0).tan().ln() / PI) / 2.0
        };
        let (mut exact, mut table) = (0.0_f64, 0.0_f64);
        for i in -90_000..=90_000 {
            let lat = f64::from(i) / 1000.0;
            exact = exact.max((exact_lat_to_y(lat) - textbook(lat)).abs());
            table = table.max((lat_to_y(lat) - textbook(lat)).abs());
        }
        assert!(exact < 1e-15, "largest difference {exact:e}");
        assert!(table < 2e-15, "largest difference {table:e}");
        for lat in [-70.0, -69.875, 69.875, 70.0, 45.125] {
            assert!((lat_to_y(lat) - exact_lat_to_y(lat)).abs() < 2e-15, "{lat}");
        }
        assert!(lat_to_y(f64::NAN).is_nan());
        // A node's own `y` is the formula's, to the bit: the table's nodes
        // are worked out as they are first met, in any order.
        for lat in [-70.0, -21.0, 0.0, 16.25, 46.5, 51.0, 70.0] {
            assert_eq!(taylor_coefficients(lat)[0], exact_lat_to_y(lat), "{lat}");
            assert_eq!(lat_to_y(lat), exact_lat_to_y(lat), "{lat}");
        }
        // Round trip through the inverse stays within 1e-12 degrees.
        for lat in [-85.0, -45.5, -0.001, 0.0, 12.3, 46.6, 50.4, 85.0] {
            assert!((y_to_lat(lat_to_y(lat)) - lat).abs() < 1e-12, "{lat}");
        }
    }

    #[test]
    fn known_places() {
        // Paris (Notre-Dame area) and Arras: x by hand, y from the formula,
        // tiles cross-checked with the slippy-map tile numbers at zoom 10.
        let paris = lon_lat_to_world([2.3522, 48.8566]);
        assert!((paris[0] - 0.506_533_888_888_889).abs() < 1e-15);
        assert!((paris[1] - 0.344_028_403_067_578_2).abs() < 1e-12);
        let arras = lon_lat_to_world([2.7775, 50.2910]);
        assert!((arras[0] - 0.507_715_277_777_777_8).abs() < 1e-15);
        assert!((arras[1] - 0.337_883_404_485_629_9).abs() < 1e-12);
        let z10 = Zoom::new(10.0).unwrap().world_size_px() / TILE_SIZE;
        assert_eq!((arras[0] * z10).floor(), 519.0);
        assert_eq!((arras[1] * z10).floor(), 345.0);
    }

    #[test]
    fn round_trips() {
        for lon in [-180.0, -179.999, -5.2, 0.0, 2.3522, 55.45, 180.0] {
            for lat in [-85.05, -21.1, 0.0, 16.25, 48.8566, 51.1, 85.05] {
                let back = world_to_lon_lat(lon_lat_to_world([lon, lat]));
                assert!((back[0] - lon).abs() < 1e-9, "{lon} {lat} {back:?}");
                assert!((back[1] - lat).abs() < 1e-9, "{lon} {lat} {back:?}");
            }
        }
    }

    #[test]
    fn zoom_is_validated() {
        assert_eq!(Zoom::new(0.0), Ok(Zoom::MIN));
        assert_eq!(Zoom::new(22.0), Ok(Zoom::MAX));
        assert_eq!(Zoom::new(-0.1), Err(ZoomError::OutOfRange(-0.1)));
        assert_eq!(Zoom::new(f64::INFINITY), Err(ZoomError::NotFinite));
        assert_eq!(Zoom::try_from(3.0), Ok(Zoom(3.0)));
        assert_eq!(Zoom::clamped(f64::NAN), Zoom::MIN);
        assert_eq!(Zoom::clamped(-4.0), Zoom::MIN);
        assert_eq!(Zoom::clamped(f64::INFINITY), Zoom::MAX);
        assert_eq!(Zoom::MIN.world_size_px(), 256.0);
        assert_eq!(Zoom::new(3.0).unwrap().world_size_px(), 2048.0);
        assert_eq!(
            ZoomError::OutOfRange(30.0).to_string(),
            "zoom 30 is outside 0..=22"
        );
    }

    #[test]
    fn wrapping_longitudes() {
        assert_eq!(wrap_longitude(370.0), 10.0);
        assert_eq!(wrap_longitude(-190.0), 170.0);
        assert_eq!(wrap_longitude(-180.0), -180.0);
        assert!(wrap_longitude(f64::NAN).is_nan());
    }
}
