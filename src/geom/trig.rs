//! `sin` and `cos` for the angles of a map: the very bits of libm's (what
//! `f64::sin` and `f64::cos` are in wasm) for `|x| < 2²⁰·π/2` (1.6 million
//! radians), without libm's reduction of larger arguments
//! (`rem_pio2_large`, about 4 KB of the module with places, which links
//! them for distances and coverage). No angle of the map comes near: a
//! latitude, a longitude's difference, a reach on the Earth's surface are
//! a few radians at most. Beyond, the result is NaN, as for infinities and
//! NaN.
//!
//! FreeBSD's kernels and medium-size reduction (`k_sin.c`, `k_cos.c`,
//! `e_rem_pio2.c`), as Rust's libm ports them:
//!
//! Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//! Developed at SunPro, a Sun Microsystems, Inc. business.
//! Permission to use, copy, modify, and distribute this software is freely
//! granted, provided that this notice is preserved.

/// `sin(x)`; see the module's documentation for its domain.
pub fn sin(x: f64) -> f64 {
    let high = high_word(x);
    if high <= 0x3fe9_21fb {
        // |x| ≲ π/4; under 2⁻²⁶, sin(x) rounds to x (±0 kept).
        return if high < 0x3e50_0000 {
            x
        } else {
            k_sin(x, 0.0, false)
        };
    }
    let Some((n, y0, y1)) = rem_pio2(x) else {
        return f64::NAN;
    };
    match n & 3 {
        0 => k_sin(y0, y1, true),
        1 => k_cos(y0, y1),
        2 => -k_sin(y0, y1, true),
        _ => -k_cos(y0, y1),
    }
}

/// `cos(x)`; see the module's documentation for its domain.
pub fn cos(x: f64) -> f64 {
    let high = high_word(x);
    if high <= 0x3fe9_21fb {
        // |x| ≲ π/4; under 2⁻²⁷·√2, cos(x) rounds to 1.
        return if high < 0x3e46_a09e {
            1.0
        } else {
            k_cos(x, 0.0)
        };
    }
    let Some((n, y0, y1)) = rem_pio2(x) else {
        return f64::NAN;
    };
    match n & 3 {
        0 => k_cos(y0, y1),
        1 => -k_sin(y0, y1, true),
        2 => -k_cos(y0, y1),
        _ => k_sin(y0, y1, true),
    }
}

/// The high 32 bits of `|x|`, which the kernels' thresholds compare.
fn high_word(x: f64) -> u32 {
    (x.to_bits() >> 32) as u32 & 0x7fff_ffff
}

/// `sin(x + y)` for `|x + y| ≤ π/4`, `y` the tail of a reduced argument
/// (`tail` false: none).
fn k_sin(x: f64, y: f64, tail: bool) -> f64 {
    // The constants by their bits, as the FreeBSD sources give them.
    const S1: f64 = f64::from_bits(0xBFC5_5555_5555_5549);
    const S2: f64 = f64::from_bits(0x3F81_1111_1110_F8A6);
    const S3: f64 = f64::from_bits(0xBF2A_01A0_19C1_61D5);
    const S4: f64 = f64::from_bits(0x3EC7_1DE3_57B1_FE7D);
    const S5: f64 = f64::from_bits(0xBE5A_E5E6_8A2B_9CEB);
    const S6: f64 = f64::from_bits(0x3DE5_D93A_5ACF_D57C);
    let z = x * x;
    let w = z * z;
    let r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    let v = z * x;
    if tail {
        x - ((z * (0.5 * y - v * r) - y) - v * S1)
    } else {
        x + v * (S1 + z * r)
    }
}

/// `cos(x + y)` for `|x + y| ≤ π/4`, `y` the tail of a reduced argument.
fn k_cos(x: f64, y: f64) -> f64 {
    // By their bits, as above.
    const C1: f64 = f64::from_bits(0x3FA5_5555_5555_554C);
    const C2: f64 = f64::from_bits(0xBF56_C16C_16C1_5177);
    const C3: f64 = f64::from_bits(0x3EFA_01A0_19CB_1590);
    const C4: f64 = f64::from_bits(0xBE92_7E4F_809C_52AD);
    const C5: f64 = f64::from_bits(0x3E21_EE9E_BDB4_B1C4);
    const C6: f64 = f64::from_bits(0xBDA8_FAE9_BE88_38D4);
    let z = x * x;
    let w = z * z;
    let r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + (z * r - x * y))
}

/// π/2: its first 33 bits, the rest, and so on in three steps.
const PIO2_1: f64 = f64::from_bits(0x3FF9_21FB_5440_0000);
const PIO2_1T: f64 = f64::from_bits(0x3DD0_B461_1A62_6331);
const PIO2_2: f64 = f64::from_bits(0x3DD0_B461_1A60_0000);
const PIO2_2T: f64 = f64::from_bits(0x3BA3_198A_2E03_7073);
const PIO2_3: f64 = f64::from_bits(0x3BA3_198A_2E00_0000);
const PIO2_3T: f64 = f64::from_bits(0x397B_839A_2520_49C1);

/// `x` as `n·π/2 + (y0 + y1)` with `|y0 + y1| ≤ π/4`, for `π/4 < |x| <
/// 2²⁰·π/2`; `None` beyond (and for infinities and NaN).
fn rem_pio2(x: f64) -> Option<(i32, f64, f64)> {
    let high = high_word(x);
    // Within 9π/4, one step of k·π/2, unless x is near π/2, π, 3π/2 or
    // 2π, where the medium reduction's further steps are needed.
    let k = if high <= 0x400f_6a7a {
        if high & 0xfffff == 0x921fb {
            return Some(medium(x, high));
        }
        if high <= 0x4002_d97c {
            1.0
        } else {
            2.0
        }
    } else if high <= 0x401c_463b {
        if high == 0x4012_d97c || high == 0x4019_21fb {
            return Some(medium(x, high));
        }
        if high <= 0x4015_fdbc {
            3.0
        } else {
            4.0
        }
    } else {
        return (high < 0x4139_21fb).then(|| medium(x, high));
    };
    let k: f64 = if x.is_sign_negative() { -k } else { k };
    let z = x - k * PIO2_1;
    let y0 = z - k * PIO2_1T;
    let y1 = (z - y0) - k * PIO2_1T;
    Some((k as i32, y0, y1))
}

/// The reduction of `x` (`high` its high word) by the nearest multiple of
/// π/2, in up to three steps as the cancellation requires.
fn medium(x: f64, high: u32) -> (i32, f64, f64) {
    const TO_INT: f64 = 1.5 / f64::EPSILON;
    const INV_PIO2: f64 = f64::from_bits(0x3FE4_5F30_6DC9_C883);
    let f_n = (x * INV_PIO2 + TO_INT) - TO_INT;
    let n = f_n as i32;
    let mut r = x - f_n * PIO2_1;
    let mut w = f_n * PIO2_1T;
    let mut y0 = r - w;
    let exponent = |v: f64| (v.to_bits() >> 52) as i32 & 0x7ff;
    let ex = (high >> 20) as i32;
    if ex - exponent(y0) > 16 {
        let t = r;
        w = f_n * PIO2_2;
        r = t - w;
        w = f_n * PIO2_2T - ((t - r) - w);
        y0 = r - w;
        if ex - exponent(y0) > 49 {
            let t = r;
            w = f_n * PIO2_3;
            r = t - w;
            w = f_n * PIO2_3T - ((t - r) - w);
            y0 = r - w;
        }
    }
    (n, y0, (r - y0) - w)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arguments spread over every scale up to the domain's end, both signs.
    fn spread(count: u32) -> impl Iterator<Item = f64> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..count).map(move |_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            let magnitude = (unit * 47.0 - 26.0).exp2() * (1.0 + unit);
            if state & 1 == 0 {
                magnitude
            } else {
                -magnitude
            }
        })
    }

    /// Near every multiple of π/2 up to 100, and the thresholds: where the
    /// reduction cancels, the steps a port gets wrong first.
    fn hard() -> impl Iterator<Item = f64> {
        let multiples = (1..=100).map(|k| f64::from(k) * std::f64::consts::FRAC_PI_2);
        let thresholds = [
            0x3fe9_21fb_u32,
            0x3e50_0000,
            0x3e46_a09e,
            0x400f_6a7a,
            0x4002_d97c,
            0x401c_463b,
            0x4015_fdbc,
            0x4012_d97c,
            0x4019_21fb,
            0x4139_21fb,
        ]
        .map(|h| f64::from_bits(u64::from(h) << 32));
        multiples
            .chain(thresholds)
            .flat_map(|x| (-3..=3).map(move |d| f64::from_bits((x.to_bits() as i64 + d) as u64)))
            .flat_map(|x| [x, -x])
    }

    #[test]
    fn the_bits_of_libms_sin_and_cos() {
        let limit = f64::from_bits(0x4139_21fb_u64 << 32);
        let mut checked = 0;
        for x in spread(400_000).chain(hard()).filter(|x| x.abs() < limit) {
            assert_eq!(sin(x).to_bits(), libm::sin(x).to_bits(), "sin({x:e})");
            assert_eq!(cos(x).to_bits(), libm::cos(x).to_bits(), "cos({x:e})");
            checked += 1;
        }
        assert!(checked > 390_000, "{checked}");
        for x in [0.0, -0.0, 1e-300, -1e-20, 0.5, 1.0, 3.0, 50.5, 1e5] {
            assert_eq!(sin(x).to_bits(), libm::sin(x).to_bits(), "sin({x:e})");
            assert_eq!(cos(x).to_bits(), libm::cos(x).to_bits(), "cos({x:e})");
        }
    }

    #[test]
    fn outside_the_domain_is_nan() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e7, -1e300] {
            assert!(sin(x).is_nan() && cos(x).is_nan(), "{x}");
        }
        // Within it, the usual values.
        assert_eq!(sin(std::f64::consts::FRAC_PI_2), 1.0);
        assert_eq!(cos(0.0), 1.0);
        assert!((cos(std::f64::consts::PI) + 1.0).abs() < 1e-15);
    }
}
