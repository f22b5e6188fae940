//! Geometry that the widget and the CLI share: simplification, projection,
//! Web Mercator, the viewport camera and the raster tiles covering it.

pub mod camera;
pub mod mercator;
pub mod polylabel;
pub mod project;
pub mod simplify;
pub mod tiles;
pub mod trig;

/// A box `[x0, y0, x1, y1]` holding nothing, which [`grow_box`] widens.
pub const EMPTY_BOX: [f64; 4] = [
    f64::INFINITY,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NEG_INFINITY,
];

/// Widens box `b` (`[x0, y0, x1, y1]`) to take in `(x, y)`; a NaN
/// coordinate compares false and is left out, as `f64::min` leaves it.
/// Plain comparisons: the hot loops of a map's first frame run in wasm's
/// baseline compiler, where `f64::min` costs a NaN test more per call.
#[inline]
pub fn grow_box(b: &mut [f64; 4], x: f64, y: f64) {
    if x < b[0] {
        b[0] = x;
    }
    if y < b[1] {
        b[1] = y;
    }
    if x > b[2] {
        b[2] = x;
    }
    if y > b[3] {
        b[3] = y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_grows_to_its_points_and_leaves_nan_out() {
        let mut b = EMPTY_BOX;
        grow_box(&mut b, 2.0, -1.0);
        assert_eq!(b, [2.0, -1.0, 2.0, -1.0]);
        grow_box(&mut b, f64::NAN, 5.0);
        grow_box(&mut b, -3.0, f64::NAN);
        assert_eq!(b, [-3.0, -1.0, 2.0, 5.0]);
        grow_box(&mut b, 0.5, 0.5);
        assert_eq!(b, [-3.0, -1.0, 2.0, 5.0]);
    }
}
