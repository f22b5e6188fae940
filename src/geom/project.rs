//! Projections from WGS84 longitude/latitude (degrees) to planar metres.

/// Mean Earth radius (IUGG), metres: the scale of [`local_metres`].
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Equirectangular projection centred on the middle latitude of `lonlat`:
/// `x = R·Δlon·cos(lat₀)`, `y = R·Δlat` (radians), relative to the first
/// point. Distances are metres to within ~1 % over a few hundred km, which is
/// all a simplification tolerance needs, and the map is affine, so straight
/// lines stay straight and the projection is the same wherever a polyline is
/// used.
pub fn local_metres(lonlat: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let Some(first) = lonlat.first() else {
        return Vec::new();
    };
    let (mut lo, mut hi) = (first[1], first[1]);
    for p in lonlat {
        lo = lo.min(p[1]);
        hi = hi.max(p[1]);
    }
    let k = EARTH_RADIUS_M.to_radians();
    let kx = k * super::trig::cos(((lo + hi) / 2.0).to_radians());
    lonlat
        .iter()
        .map(|p| [(p[0] - first[0]) * kx, (p[1] - first[1]) * k])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_is_about_111_km() {
        let m = local_metres(&[[2.0, 60.0], [3.0, 60.0], [2.0, 61.0], [2.0, 59.0]]);
        assert_eq!(m[0], [0.0, 0.0]);
        // 6371008.8 * pi / 180 = 111195.08 m; cos 60 deg = 0.5.
        assert!((m[1][0] - 55_597.54).abs() < 0.1, "{:?}", m[1]);
        assert!((m[2][1] - 111_195.08).abs() < 0.1, "{:?}", m[2]);
        assert!((m[3][1] + 111_195.08).abs() < 0.1, "{:?}", m[3]);
        assert!(local_metres(&[]).is_empty());
    }
}
