//! Raster tiles of the XYZ ("slippy map") scheme that OpenStreetMap and most
//! tile servers use: at zoom `z` the Web Mercator world is cut into
//! `2^z × 2^z` squares of 256 px, column `x` growing eastwards from the
//! antimeridian and row `y` southwards from the top edge, as the world
//! coordinates of [`super::mercator`] do. This module says which tiles cover
//! a [`Camera`]'s view and where each one goes on screen; fetching and
//! caching them is the map's business (`crate::map::basemap`).
//!
//! The camera shows one copy of the world, so columns are clamped to
//! `0..2^z` like rows, not wrapped: beyond the antimeridian there is only
//! the background, as for the choropleth.
//!
//! ```
//! use maillage::geom::camera::Camera;
//! use maillage::geom::mercator::Zoom;
//! use maillage::geom::tiles::{cover, TileId};
//! // Zoom 2 (a 1024 px world) seen through a 512 px square at its centre:
//! // the four middle tiles, each 256 px.
//! let cam = Camera::new([0.0, 0.0], Zoom::new(2.0).unwrap(), 512.0, 512.0);
//! let tiles = cover(&cam, 2);
//! assert_eq!(tiles.len(), 4);
//! let top_left = tiles.iter().find(|p| p.tile == TileId { z: 2, x: 1, y: 1 }).unwrap();
//! assert_eq!(top_left.rect, [0.0, 0.0, 256.0, 256.0]);
//! ```

use super::camera::Camera;
use super::mercator::Zoom;
use crate::num::ClampTo;

/// One tile: zoom, column, row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom level, `0..=22`.
    pub z: u8,
    /// Column, `0..2^z`, from the antimeridian eastwards.
    pub x: u32,
    /// Row, `0..2^z`, from the north edge southwards.
    pub y: u32,
}

impl TileId {
    /// The tile one zoom level up that contains this one (`None` at zoom 0),
    /// drawn scaled as a placeholder while this one loads.
    pub fn parent(self) -> Option<TileId> {
        Some(TileId {
            z: self.z.checked_sub(1)?,
            x: self.x / 2,
            y: self.y / 2,
        })
    }
}

/// A tile and where it goes on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// The tile.
    pub tile: TileId,
    /// `[x, y, width, height]` in CSS pixels from the view's top-left
    /// corner. Edges are rounded to whole device pixels, so neighbours
    /// share their edge exactly and no seam of background shows between
    /// them.
    pub rect: [f64; 4],
}

/// The integer tile zoom drawn at a camera zoom: the nearest one, so that
/// tiles are shown between 0.71 and 1.41 times their size (as Leaflet
/// does), and never above `max_zoom`, the deepest level the server has
/// (tiles are then enlarged).
///
/// ```
/// use maillage::geom::mercator::Zoom;
/// use maillage::geom::tiles::tile_zoom;
/// assert_eq!(tile_zoom(Zoom::new(6.49).unwrap(), 19), 6);
/// assert_eq!(tile_zoom(Zoom::new(6.5).unwrap(), 19), 7);
/// assert_eq!(tile_zoom(Zoom::MAX, 19), 19);
/// ```
pub fn tile_zoom(zoom: Zoom, max_zoom: u8) -> u8 {
    // `Zoom` is within 0..=22: the cast cannot overflow.
    (zoom.get().round() as u8).min(max_zoom)
}

/// The tiles of zoom `z` (at most 22) that the camera's view touches, the
/// one nearest the view's centre first (what to fetch first), then
/// outwards. Empty for a view of zero size.
pub fn cover(camera: &Camera, z: u8) -> Vec<Placed> {
    let z = z.min(22);
    let (w, h) = (camera.width(), camera.height());
    if w <= 0.0 || h <= 0.0 {
        return Vec::new();
    }
    let n = f64::from(1u32 << z);
    let [x0, y0] = camera.unproject_world([0.0, 0.0]);
    let [x1, y1] = camera.unproject_world([w, h]);
    // First and last tile index touched along an axis, inside the world.
    let span = |a: f64, b: f64| {
        let first = (a * n).floor().clamp_to(0.0, n - 1.0) as u32;
        let last = ((b * n).ceil() - 1.0).clamp_to(0.0, n - 1.0) as u32;
        first..=last
    };
    let dpr = camera.device_pixel_ratio();
    let snap = |v: f64| (v * dpr).round() / dpr;
    let mut out = Vec::new();
    for y in span(y0, y1) {
        for x in span(x0, x1) {
            let [left, top] = camera.project_world([f64::from(x) / n, f64::from(y) / n]);
            let [right, bottom] =
                camera.project_world([f64::from(x + 1) / n, f64::from(y + 1) / n]);
            let (left, top) = (snap(left), snap(top));
            out.push(Placed {
                tile: TileId { z, x, y },
                rect: [left, top, snap(right) - left, snap(bottom) - top],
            });
        }
    }
    let distance = |p: &Placed| {
        let [x, y, pw, ph] = p.rect;
        (x + pw / 2.0 - w / 2.0).powi(2) + (y + ph / 2.0 - h / 2.0).powi(2)
    };
    // Insertion sort, stable (equally distant tiles keep their row-major
    // order): a few dozen tiles, and far less code in the module than a
    // standard sort instantiated for this type.
    for i in 1..out.len() {
        let mut j = i;
        while j > 0 && distance(&out[j - 1]) > distance(&out[j]) {
            out.swap(j - 1, j);
            j -= 1;
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn z(v: f64) -> Zoom {
        Zoom::new(v).unwrap()
    }

    fn id(z: u8, x: u32, y: u32) -> TileId {
        TileId { z, x, y }
    }

    #[test]
    fn paris_at_zoom_10() {
        // Paris is at tile coordinates (518.690702, 352.285085) at zoom 10.
        // A 1024 × 768 view centred there spans ±2 tiles across and ±1.5
        // down: columns 516.69..520.69, rows 350.79..353.79.
        let cam = Camera::new([2.3522, 48.8566], z(10.0), 1024.0, 768.0);
        let tiles = cover(&cam, 10);
        assert_eq!(tiles.len(), 5 * 4);
        let mut ids: Vec<TileId> = tiles.iter().map(|p| p.tile).collect();
        assert_eq!(ids[0], id(10, 518, 352), "the tile under the centre first");
        ids.sort();
        assert_eq!(ids.first(), Some(&id(10, 516, 350)));
        assert_eq!(ids.last(), Some(&id(10, 520, 353)));
        // 518/352's corner: 512 − 0.690702 · 256 = 335.18, 384 − 0.285085 · 256 = 311.02.
        assert_eq!(tiles[0].rect, [335.0, 311.0, 256.0, 256.0]);
        // Farthest from the centre last: a corner tile.
        assert!([id(10, 516, 350), id(10, 520, 353)].contains(&tiles[19].tile));
    }

    #[test]
    fn fractional_zoom_rounds_edges_to_device_pixels() {
        // Zoom 2.4: a tile is 256 · 2^0.4 = 337.79 px. At a device pixel
        // ratio of 2 every edge falls on a half CSS pixel, and neighbours
        // share their edges.
        let cam = Camera::new([0.0, 0.0], z(2.4), 600.0, 400.0).with_dpr(2.0);
        let tiles = cover(&cam, tile_zoom(cam.zoom(), 19));
        let find = |x, y| tiles.iter().find(|p| p.tile == id(2, x, y)).unwrap().rect;
        let (a, b) = (find(1, 1), find(2, 1));
        // Centre (300, 200) is the corner of four tiles: 300 − 337.79 = −37.79 → −38.
        assert_eq!(a, [-38.0, -138.0, 338.0, 338.0]);
        assert_eq!(a[0] + a[2], b[0], "no seam between neighbours");
        assert_eq!(find(1, 2)[1], 200.0);
        for p in &tiles {
            for v in p.rect {
                assert_eq!((v * 2.0).fract(), 0.0, "{p:?}");
            }
        }
        assert_eq!(tiles.len(), 4, "columns 1.11..2.89, rows 1.41..2.59");
    }

    #[test]
    fn one_copy_of_the_world_and_clamped_rows() {
        // Zoom 0 in a wide element: the 256 px world is centred, one tile.
        let wide = Camera::new([100.0, 60.0], Zoom::MIN, 1000.0, 300.0);
        let tiles = cover(&wide, 0);
        assert_eq!(tiles.len(), 1);
        assert_eq!(tiles[0].rect, [372.0, 22.0, 256.0, 256.0]);
        // Zoom 1 in a 700 × 700 view: 512 px world, no column beyond it.
        let cam = Camera::new([179.0, 80.0], z(1.0), 700.0, 700.0);
        let mut ids: Vec<TileId> = cover(&cam, 1).iter().map(|p| p.tile).collect();
        ids.sort();
        assert_eq!(ids, [id(1, 0, 0), id(1, 0, 1), id(1, 1, 0), id(1, 1, 1)]);
        // A view of nothing needs nothing.
        assert_eq!(cover(&cam.with_size(0.0, 10.0), 1), vec![]);
    }

    #[test]
    fn tile_zoom_follows_the_camera_up_to_the_server_limit() {
        assert_eq!(tile_zoom(z(0.4), 19), 0);
        assert_eq!(tile_zoom(z(6.17), 19), 6);
        assert_eq!(tile_zoom(z(14.0), 12), 12);
        // Tiles deeper than the camera's zoom are never asked for.
        let cam = Camera::new([2.35, 48.85], z(18.6), 800.0, 600.0);
        let tiles = cover(&cam, tile_zoom(cam.zoom(), 16));
        // 2^(18.6 − 16) = 6.06: one tile is 1552 px, so at most 2 × 2 tiles.
        assert!(tiles.len() <= 4 && tiles.iter().all(|p| p.tile.z == 16));
        assert!((tiles[0].rect[2] - 1552.0).abs() <= 1.0, "{:?}", tiles[0]);
    }

    #[test]
    fn parents() {
        assert_eq!(id(10, 518, 352).parent(), Some(id(9, 259, 176)));
        assert_eq!(id(1, 1, 0).parent(), Some(id(0, 0, 0)));
        assert_eq!(id(0, 0, 0).parent(), None);
    }
}
