//! The viewport as an immutable value: every gesture returns a new
//! [`Camera`], so the widget can keep the previous one for animation or
//! undo, and every method is a pure function tested without a browser.
//!
//! Screen coordinates are CSS pixels with the origin at the top-left corner
//! of the map element, `y` downwards. The device pixel ratio only matters to
//! size the canvas backing store ([`Camera::device_size`]).
//!
//! The widget draws one copy of the world. Longitudes given to
//! [`Camera::with_center`] are wrapped into `[-180, 180]`; then, after every
//! change, the centre is clamped so that the viewport never shows anything
//! beyond the world's edges, and on an axis where the viewport is larger
//! than the world, the world is centred.
//!
//! Invalid inputs (NaN, infinities, negative sizes) leave the camera as it
//! was, so one bad event can never corrupt the view.
//!
//! ```
//! use maillage::geom::camera::Camera;
//! use maillage::geom::mercator::Zoom;
//! let cam = Camera::new([2.3522, 48.8566], Zoom::new(12.0).unwrap(), 800.0, 600.0);
//! assert_eq!(cam.project(2.3522, 48.8566), [400.0, 300.0]);
//! let [lon, lat] = cam.unproject(123.0, 456.0);
//! let [x, y] = cam.project(lon, lat);
//! assert!((x - 123.0).abs() < 1e-9 && (y - 456.0).abs() < 1e-9);
//! ```

use super::mercator::{
    clamp_latitude, lat_to_y, lon_lat_to_world, lon_to_x, world_to_lon_lat, wrap_longitude, Zoom,
    TILE_SIZE,
};
use crate::num::ClampTo;

/// A camera's world → CSS pixel transform ([`Camera::projector`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projector {
    scale: f64,
    center: [f64; 2],
    half: [f64; 2],
}

impl Projector {
    /// World coordinate → CSS pixel, as [`Camera::project_world`] (the same
    /// operations in the same order: the same bits).
    pub fn project(&self, world: [f64; 2]) -> [f64; 2] {
        [
            (world[0] - self.center[0]) * self.scale + self.half[0],
            (world[1] - self.center[1]) * self.scale + self.half[1],
        ]
    }

    /// The camera's size in CSS pixels (`width`, `height`).
    pub fn size(&self) -> [f64; 2] {
        [self.half[0] * 2.0, self.half[1] * 2.0]
    }
}

/// What the map shows: centre, zoom and the element's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// Centre in world coordinates (kept there, not in degrees, so that
    /// projection is two multiply-adds and round trips are exact).
    center: [f64; 2],
    zoom: Zoom,
    width: f64,
    height: f64,
    dpr: f64,
}

impl Camera {
    /// A camera looking at `center_lon_lat` (degrees); a device pixel ratio
    /// of 1 until [`Camera::with_dpr`] says otherwise. Invalid centre or size
    /// fall back to `[0, 0]` and `0 × 0`.
    pub fn new(center_lon_lat: [f64; 2], zoom: Zoom, width: f64, height: f64) -> Camera {
        Camera {
            center: [0.5, 0.5],
            zoom,
            width: 0.0,
            height: 0.0,
            dpr: 1.0,
        }
        .with_size(width, height)
        .with_center(center_lon_lat)
    }

    /// Centre as `[lon, lat]` in degrees.
    pub fn center(&self) -> [f64; 2] {
        world_to_lon_lat(self.center)
    }

    /// Centre in world coordinates (`[0, 1]²`).
    pub fn center_world(&self) -> [f64; 2] {
        self.center
    }

    /// Current zoom.
    pub fn zoom(&self) -> Zoom {
        self.zoom
    }

    /// Viewport width in CSS pixels.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Viewport height in CSS pixels.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// Device pixels per CSS pixel.
    pub fn device_pixel_ratio(&self) -> f64 {
        self.dpr
    }

    /// Canvas backing-store size in device pixels (rounded, saturating), so
    /// that lines stay sharp on high-density screens.
    pub fn device_size(&self) -> [u32; 2] {
        // `as` saturates for floats: no overflow on absurd sizes.
        [
            (self.width * self.dpr).round() as u32,
            (self.height * self.dpr).round() as u32,
        ]
    }

    /// CSS pixels per world unit: the world's width on screen.
    pub fn scale(&self) -> f64 {
        self.zoom.world_size_px()
    }

    /// The screen offset (CSS px) by which a picture drawn for `self` moves
    /// to show `other`, when `other` differs only by its centre (same zoom
    /// and size): a drag can move the last picture instead of drawing every
    /// shape again. `None` when zoom or size differ.
    ///
    /// ```
    /// use maillage::geom::camera::Camera;
    /// use maillage::geom::mercator::Zoom;
    /// let cam = Camera::new([2.35, 48.85], Zoom::new(8.0).unwrap(), 800.0, 600.0);
    /// let [dx, dy] = cam.offset_to(&cam.pan_by(30.0, -12.0)).unwrap();
    /// assert!((dx - 30.0).abs() < 1e-9 && (dy + 12.0).abs() < 1e-9);
    /// assert_eq!(cam.offset_to(&cam.with_zoom(Zoom::new(9.0).unwrap())), None);
    /// ```
    pub fn offset_to(&self, other: &Camera) -> Option<[f64; 2]> {
        if self.zoom != other.zoom || self.width != other.width || self.height != other.height {
            return None;
        }
        let s = self.scale();
        Some([
            (self.center[0] - other.center[0]) * s,
            (self.center[1] - other.center[1]) * s,
        ])
    }

    /// Same view looking at another place (`[lon, lat]`, degrees).
    pub fn with_center(self, lon_lat: [f64; 2]) -> Camera {
        if !(lon_lat[0].is_finite() && lon_lat[1].is_finite()) {
            return self;
        }
        let world = lon_lat_to_world([wrap_longitude(lon_lat[0]), lon_lat[1]]);
        self.with_center_world(world)
    }

    /// Same view centred on a world coordinate (clamped like the rest).
    pub fn with_center_world(self, world: [f64; 2]) -> Camera {
        if !(world[0].is_finite() && world[1].is_finite()) {
            return self;
        }
        Camera {
            center: world,
            ..self
        }
        .clamped()
    }

    /// Same centre at another zoom.
    pub fn with_zoom(self, zoom: Zoom) -> Camera {
        Camera { zoom, ..self }.clamped()
    }

    /// Same view after the element was resized (CSS pixels).
    pub fn with_size(self, width: f64, height: f64) -> Camera {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        if !(ok(width) && ok(height)) {
            return self;
        }
        Camera {
            width,
            height,
            ..self
        }
        .clamped()
    }

    /// Same view on a screen of another density (`window.devicePixelRatio`).
    pub fn with_dpr(self, device_pixel_ratio: f64) -> Camera {
        if !(device_pixel_ratio.is_finite() && device_pixel_ratio > 0.0) {
            return self;
        }
        Camera {
            dpr: device_pixel_ratio,
            ..self
        }
    }

    /// World coordinate → CSS pixel, for one point; loops over vertices take
    /// a [`Projector`] once instead.
    pub fn project_world(&self, world: [f64; 2]) -> [f64; 2] {
        self.projector().project(world)
    }

    /// Its world → CSS pixel transform with the scale (`256 · 2^zoom`, a
    /// software `exp2` in wasm) computed once: a frame projects every vertex.
    pub fn projector(&self) -> Projector {
        Projector {
            scale: self.scale(),
            center: self.center,
            half: [self.width / 2.0, self.height / 2.0],
        }
    }

    /// CSS pixel → world coordinate (not clamped to the world).
    pub fn unproject_world(&self, screen: [f64; 2]) -> [f64; 2] {
        let s = self.scale();
        [
            self.center[0] + (screen[0] - self.width / 2.0) / s,
            self.center[1] + (screen[1] - self.height / 2.0) / s,
        ]
    }

    /// Longitude/latitude (degrees) → `[x, y]` in CSS pixels of the
    /// viewport. Latitude is clamped to the Mercator square; longitude is
    /// not wrapped, so a continuous line stays continuous.
    pub fn project(&self, lon: f64, lat: f64) -> [f64; 2] {
        self.project_world([lon_to_x(lon), lat_to_y(lat)])
    }

    /// CSS pixel → `[lon, lat]` (degrees): what is under the pointer. Points
    /// outside the world give longitudes beyond ±180 or latitudes beyond the
    /// Mercator limit rather than an error.
    pub fn unproject(&self, x: f64, y: f64) -> [f64; 2] {
        world_to_lon_lat(self.unproject_world([x, y]))
    }

    /// Visible area as `[min lon, min lat, max lon, max lat]` (the manifest's
    /// bbox order), limited to the world: what to ask the spatial index for.
    ///
    /// ```
    /// use maillage::geom::camera::Camera;
    /// use maillage::geom::mercator::Zoom;
    /// // At zoom 0 a 256 px square shows exactly the whole world.
    /// let b = Camera::new([0.0, 0.0], Zoom::MIN, 256.0, 256.0).bounds();
    /// assert_eq!([b[0], b[2]], [-180.0, 180.0]);
    /// assert!((b[3] - 85.0511287798).abs() < 1e-9 && (b[1] + b[3]).abs() < 1e-9);
    /// ```
    pub fn bounds(&self) -> [f64; 4] {
        let [west, north] = self.unproject(0.0, 0.0);
        let [east, south] = self.unproject(self.width, self.height);
        [
            west.clamp_to(-180.0, 180.0),
            clamp_latitude(south),
            east.clamp_to(-180.0, 180.0),
            clamp_latitude(north),
        ]
    }

    /// Moves the map content by `(dx, dy)` CSS pixels, as a drag does: the
    /// place under the pointer follows the pointer.
    pub fn pan_by(self, dx: f64, dy: f64) -> Camera {
        let s = self.scale();
        self.with_center_world([self.center[0] - dx / s, self.center[1] - dy / s])
    }

    /// Changes the zoom while keeping the place under `screen` (CSS pixels)
    /// fixed on screen, as wheel and pinch zoom should. Near the world's
    /// edges the clamp wins over the fixed point.
    ///
    /// ```
    /// use maillage::geom::camera::Camera;
    /// use maillage::geom::mercator::Zoom;
    /// let cam = Camera::new([2.35, 48.85], Zoom::new(8.0).unwrap(), 800.0, 600.0);
    /// let under = cam.unproject(100.0, 500.0);
    /// let zoomed = cam.zoom_around([100.0, 500.0], Zoom::new(9.5).unwrap());
    /// let [x, y] = zoomed.project(under[0], under[1]);
    /// assert!((x - 100.0).abs() < 1e-6 && (y - 500.0).abs() < 1e-6);
    /// ```
    pub fn zoom_around(self, screen: [f64; 2], new_zoom: Zoom) -> Camera {
        if !(screen[0].is_finite() && screen[1].is_finite()) {
            return self.with_zoom(new_zoom);
        }
        let anchor = self.unproject_world(screen);
        let s = new_zoom.world_size_px();
        let center = [
            anchor[0] - (screen[0] - self.width / 2.0) / s,
            anchor[1] - (screen[1] - self.height / 2.0) / s,
        ];
        Camera {
            zoom: new_zoom,
            ..self
        }
        .with_center_world(center)
    }

    /// The largest (fractional) zoom and the centre at which `bbox`
    /// (`[min lon, min lat, max lon, max lat]`) fits inside the viewport
    /// less `padding` (CSS pixels per side), centred in what is left: "fit
    /// my territory" beside the panels drawn over the map. Corners given in
    /// the wrong order are swapped; a padding that would leave no room is
    /// ignored; a non-finite bbox leaves the camera as is. A single point
    /// zooms to [`Zoom::MAX`].
    ///
    /// ```
    /// use maillage::geom::camera::{Camera, Padding};
    /// use maillage::geom::mercator::Zoom;
    /// // Metropolitan France in 1024 × 768: the height decides.
    /// let cam = Camera::new([0.0, 0.0], Zoom::MIN, 1024.0, 768.0)
    ///     .fit_bounds([-5.2, 41.3, 9.6, 51.1], Padding::uniform(0.0));
    /// assert!((cam.zoom().get() - 6.247_562_485_956).abs() < 1e-9);
    /// ```
    pub fn fit_bounds(self, bbox: [f64; 4], padding: Padding) -> Camera {
        if bbox.iter().any(|v| !v.is_finite()) {
            return self;
        }
        let (x0, x1) = min_max(lon_to_x(bbox[0]), lon_to_x(bbox[2]));
        let (y0, y1) = min_max(lat_to_y(bbox[1]), lat_to_y(bbox[3]));
        let mut pad = padding.valid();
        if self.width - pad.left - pad.right <= 0.0 || self.height - pad.top - pad.bottom <= 0.0 {
            pad = Padding::default();
        }
        let (avail_w, avail_h) = (
            self.width - pad.left - pad.right,
            self.height - pad.top - pad.bottom,
        );
        let middle = [(x0 + x1) / 2.0, (y0 + y1) / 2.0];
        if avail_w <= 0.0 || avail_h <= 0.0 {
            // Nothing visible: only the centre is meaningful.
            return self.with_center_world(middle);
        }
        // Pixels per world unit that fit each axis; a zero extent fits any.
        let fit = |avail: f64, extent: f64| {
            if extent > 0.0 {
                avail / extent
            } else {
                f64::INFINITY
            }
        };
        let scale = fit(avail_w, x1 - x0).min(fit(avail_h, y1 - y0));
        let zoom = Zoom::clamped((scale / TILE_SIZE).log2());
        // The box's middle goes to the middle of the padded area.
        let s = zoom.world_size_px();
        let center = [
            middle[0] - (pad.left - pad.right) / 2.0 / s,
            middle[1] - (pad.top - pad.bottom) / 2.0 / s,
        ];
        Camera { zoom, ..self }.with_center_world(center)
    }

    /// [`Camera::fit_bounds`] keeping clear of `panels` (`[x0, y0, x1, y1]`
    /// in CSS pixels: the legend, the status line) and of `margin` pixels on
    /// every side. Each panel is avoided either beside it (padding the
    /// screen edge it is nearest to horizontally) or above or below it
    /// (vertically), whichever lets the box be drawn largest: a tall legend
    /// on a wide map pushes the territory left, a folded one on a phone
    /// pushes it down. Panels that leave no room at all are ignored; at most
    /// four panels are considered.
    ///
    /// ```
    /// use maillage::geom::camera::{Camera, Padding};
    /// use maillage::geom::mercator::Zoom;
    /// let cam = Camera::new([0.0, 0.0], Zoom::MIN, 800.0, 600.0);
    /// // A 300 × 400 legend in the top-right corner.
    /// let fit = cam.fit_beside([1.5, 50.0, 3.2, 51.0], 8.0, &[[492.0, 8.0, 792.0, 408.0]]);
    /// let [x, _] = fit.project(3.2, 50.5);
    /// assert!(x <= 492.0 - 8.0 + 1e-9);
    /// ```
    pub fn fit_beside(self, bbox: [f64; 4], margin: f64, panels: &[[f64; 4]]) -> Camera {
        let margin = if margin.is_finite() {
            margin.max(0.0)
        } else {
            0.0
        };
        let base = Padding::uniform(margin);
        // Two ways around each panel: padding per panel, horizontal then vertical.
        let ways: Vec<[Padding; 2]> = panels
            .iter()
            .take(4)
            .filter(|r| r.iter().all(|v| v.is_finite()) && r[2] > r[0] && r[3] > r[1])
            .map(|r| self.ways_around(*r, margin))
            .collect();
        let mut best: Option<Camera> = None;
        for combo in 0..(1usize << ways.len()) {
            let pad = ways
                .iter()
                .enumerate()
                .fold(base, |p, (i, w)| p.max(w[(combo >> i) & 1]));
            if self.width - pad.left - pad.right <= 0.0 || self.height - pad.top - pad.bottom <= 0.0
            {
                continue;
            }
            let cam = self.fit_bounds(bbox, pad);
            if best.is_none_or(|b| cam.zoom().get() > b.zoom().get()) {
                best = Some(cam);
            }
        }
        best.unwrap_or_else(|| self.fit_bounds(bbox, base))
    }

    /// The paddings that avoid the screen rectangle `r`: beside it (from the
    /// nearer left or right edge) and above or below it (from the nearer
    /// top or bottom edge), `gap` pixels away.
    fn ways_around(self, r: [f64; 4], gap: f64) -> [Padding; 2] {
        let mut side = Padding::default();
        if (r[0] + r[2]) / 2.0 >= self.width / 2.0 {
            side.right = self.width - r[0] + gap;
        } else {
            side.left = r[2] + gap;
        }
        let mut end = Padding::default();
        if (r[1] + r[3]) / 2.0 >= self.height / 2.0 {
            end.bottom = self.height - r[1] + gap;
        } else {
            end.top = r[3] + gap;
        }
        [side, end]
    }

    /// The centre moved the least so that the viewport stays in the world.
    fn clamped(self) -> Camera {
        let s = self.scale();
        let axis = |c: f64, extent_px: f64| {
            let half = extent_px / s / 2.0;
            if half >= 0.5 {
                0.5
            } else {
                c.clamp_to(half, 1.0 - half)
            }
        };
        Camera {
            center: [
                axis(self.center[0], self.width),
                axis(self.center[1], self.height),
            ],
            ..self
        }
    }
}

/// Room to keep free on each side of the viewport (CSS pixels), for
/// [`Camera::fit_bounds`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Padding {
    /// From the top edge.
    pub top: f64,
    /// From the right edge.
    pub right: f64,
    /// From the bottom edge.
    pub bottom: f64,
    /// From the left edge.
    pub left: f64,
}

impl Padding {
    /// The same room on every side.
    pub fn uniform(px: f64) -> Padding {
        Padding {
            top: px,
            right: px,
            bottom: px,
            left: px,
        }
    }

    /// Negative and non-finite sides become 0.
    fn valid(self) -> Padding {
        let ok = |v: f64| if v.is_finite() { v.max(0.0) } else { 0.0 };
        Padding {
            top: ok(self.top),
            right: ok(self.right),
            bottom: ok(self.bottom),
            left: ok(self.left),
        }
    }

    /// The larger of two paddings, side by side.
    fn max(self, o: Padding) -> Padding {
        Padding {
            top: self.top.max(o.top),
            right: self.right.max(o.right),
            bottom: self.bottom.max(o.bottom),
            left: self.left.max(o.left),
        }
    }
}

fn min_max(a: f64, b: f64) -> (f64, f64) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::geom::mercator::MAX_LATITUDE;

    fn z(v: f64) -> Zoom {
        Zoom::new(v).unwrap()
    }

    fn close(a: [f64; 2], b: [f64; 2], eps: f64) -> bool {
        (a[0] - b[0]).abs() < eps && (a[1] - b[1]).abs() < eps
    }

    #[test]
    fn the_projector_projects_as_the_camera() {
        // The centre lands mid-screen; 1/1024 of the world is 2^(3+8-10) =
        // 2 px at zoom 3; every point gives the camera's very bits.
        let cam = Camera::new([0.0, 0.0], z(3.0), 800.0, 600.0);
        let p = cam.projector();
        assert_eq!(p.project([0.5, 0.5]), [400.0, 300.0]);
        assert_eq!(p.size(), [800.0, 600.0]);
        assert_eq!(p.project([0.5 + 1.0 / 1024.0, 0.5]), [402.0, 300.0]);
        let paris = Camera::new([2.3522, 48.8566], z(9.37), 1024.0, 768.0);
        let p = paris.projector();
        for w in [[0.0, 0.0], [0.506, 0.341], [0.51, 0.36], [1.0, 1.0]] {
            let [x, y] = p.project(w);
            let scale = 256.0 * 9.37f64.exp2();
            let [cx, cy] = paris.unproject_world([512.0, 384.0]);
            assert_eq!(x.to_bits(), ((w[0] - cx) * scale + 512.0).to_bits());
            assert_eq!(y.to_bits(), ((w[1] - cy) * scale + 384.0).to_bits());
            assert_eq!(p.project(w), paris.project_world(w));
        }
    }

    #[test]
    fn project_unproject_round_trips() {
        for zoom in [2.0, 5.25, 10.0, 16.0, 22.0] {
            for (w, h) in [(1024.0, 768.0), (375.0, 640.0), (1.0, 1.0)] {
                let cam = Camera::new([2.3522, 48.8566], z(zoom), w, h).with_dpr(2.0);
                // World coordinates resolve ~1e-16 of the world: at zoom 22
                // (2^30 px) that is 1e-7 px, so allow 10 such steps or 1e-9.
                let eps = (cam.scale() * 1e-15).max(1e-9);
                for p in [[0.0, 0.0], [w, h], [w / 3.0, h * 0.8], [-50.0, h + 50.0]] {
                    let world_y = cam.unproject_world(p)[1];
                    if !(0.0..=1.0).contains(&world_y) {
                        continue; // beyond the Mercator square, clamped
                    }
                    let [lon, lat] = cam.unproject(p[0], p[1]);
                    let q = cam.project(lon, lat);
                    assert!(close(p, q, eps), "{p:?} {q:?} at {zoom}");
                }
                for ll in [[2.3522, 48.8566], [2.7775, 50.291], [-1.5, 47.2]] {
                    let [x, y] = cam.project(ll[0], ll[1]);
                    assert!(close(cam.unproject(x, y), ll, 1e-9), "{ll:?} at {zoom}");
                }
            }
        }
    }

    #[test]
    fn paris_and_arras_on_screen() {
        // At zoom 10 the world is 262 144 px wide. Paris centred in 1024×768;
        // Arras is (519.900444 − 518.690702) tiles east and
        // (345.992606 − 352.285085) tiles north of it (y grows southwards), 256 px a tile.
        let cam = Camera::new([2.3522, 48.8566], z(10.0), 1024.0, 768.0);
        assert!(close(cam.project(2.3522, 48.8566), [512.0, 384.0], 1e-9));
        let arras = cam.project(2.7775, 50.2910);
        let expected = [
            512.0 + (519.900_444_444_444 - 518.690_702_222_222) * 256.0,
            384.0 + (345.992_606_193_285 - 352.285_084_741_200) * 256.0,
        ];
        assert!(close(arras, expected, 1e-6), "{arras:?} {expected:?}");
        assert!((arras[0] - 821.694_009).abs() < 1e-5);
        assert!((arras[1] + 1_226.874_508).abs() < 1e-5);
        assert!(close(cam.center(), [2.3522, 48.8566], 1e-12));
    }

    #[test]
    fn with_methods_are_immutable_and_validated() {
        let cam = Camera::new([2.0, 47.0], z(6.0), 800.0, 600.0);
        let moved = cam.with_center([5.0, 45.0]);
        assert!(close(cam.center(), [2.0, 47.0], 1e-12));
        assert!(close(moved.center(), [5.0, 45.0], 1e-12));
        assert_eq!(cam.with_zoom(z(7.0)).zoom(), z(7.0));
        assert_eq!(cam.with_size(300.0, 200.0).width(), 300.0);
        assert_eq!(cam.with_dpr(2.0).device_size(), [1600, 1200]);
        assert_eq!(
            cam.with_dpr(1.5).with_size(333.0, 1.0).device_size(),
            [500, 2]
        );
        // Bad values change nothing.
        assert_eq!(cam.with_center([f64::NAN, 1.0]), cam);
        assert_eq!(cam.with_size(-1.0, 10.0), cam);
        assert_eq!(cam.with_size(f64::INFINITY, 10.0), cam);
        assert_eq!(cam.with_dpr(0.0), cam);
        assert_eq!(cam.with_dpr(f64::NAN), cam);
        assert_eq!(cam.pan_by(f64::NAN, 0.0), cam);
        assert_eq!(
            cam.fit_bounds([f64::NAN, 0.0, 1.0, 1.0], Padding::default()),
            cam
        );
        let nan_new = Camera::new([f64::NAN, 0.0], z(3.0), f64::NAN, 10.0);
        assert_eq!(nan_new.width(), 0.0);
        assert!(close(nan_new.center(), [0.0, 0.0], 1e-12));
    }

    #[test]
    fn pan_moves_content_with_the_pointer() {
        let cam = Camera::new([2.3522, 48.8566], z(9.0), 800.0, 600.0);
        let ll = cam.unproject(200.0, 100.0);
        let panned = cam.pan_by(35.0, -20.0);
        assert!(close(panned.project(ll[0], ll[1]), [235.0, 80.0], 1e-9));
        assert!(close(
            panned.pan_by(-35.0, 20.0).center(),
            cam.center(),
            1e-12
        ));
    }

    #[test]
    fn zoom_around_keeps_the_point_fixed() {
        let cam = Camera::new([2.3522, 48.8566], z(7.0), 1024.0, 768.0);
        for p in [[0.0, 0.0], [1024.0, 768.0], [300.0, 650.0], [512.0, 384.0]] {
            for nz in [7.0, 7.5, 9.0, 13.0, 6.5] {
                let ll = cam.unproject(p[0], p[1]);
                let after = cam.zoom_around(p, z(nz));
                assert_eq!(after.zoom(), z(nz));
                assert!(close(after.project(ll[0], ll[1]), p, 1e-7), "{p:?} {nz}");
                assert!(close(after.unproject(p[0], p[1]), ll, 1e-9));
            }
        }
        // Zooming out far hits the clamp: the world is centred instead.
        let out = cam.zoom_around([0.0, 0.0], Zoom::MIN);
        assert_eq!(out.center_world(), [0.5, 0.5]);
    }

    #[test]
    fn fit_france() {
        // Metropolitan France [-5.2, 41.3, 9.6, 51.1]: 0.041 111 world units
        // wide, 0.039 484 high. Width fits at log2(1024 / (256·0.041111)) =
        // 6.604 328, height at log2(768 / (256·0.039484)) = 6.247 562: the
        // height decides. With 20 px padding: log2(728 / (256·0.039484)).
        let cam = Camera::new([0.0, 0.0], Zoom::MIN, 1024.0, 768.0);
        let fit = cam.fit_bounds([-5.2, 41.3, 9.6, 51.1], Padding::default());
        assert!((fit.zoom().get() - 6.247_562_485_956_284).abs() < 1e-9);
        let b = fit.bounds();
        // The latitudes fit exactly, the longitudes with room to spare.
        assert!(
            (b[1] - 41.3).abs() < 1e-9 && (b[3] - 51.1).abs() < 1e-9,
            "{b:?}"
        );
        assert!(b[0] < -5.2 && b[2] > 9.6, "{b:?}");
        let centred = fit.project(-5.2, 41.3)[0] + fit.project(9.6, 51.1)[0];
        assert!((centred - 1024.0).abs() < 1e-9);

        let padded = cam.fit_bounds([9.6, 51.1, -5.2, 41.3], Padding::uniform(20.0));
        assert!((padded.zoom().get() - 6.170_394_625_433_825).abs() < 1e-9);
        assert!((padded.project(0.0, 51.1)[1] - 20.0).abs() < 1e-9);
        assert!((padded.project(0.0, 41.3)[1] - 748.0).abs() < 1e-9);

        // Padding that eats the viewport is ignored; a point goes to MAX.
        let huge_pad = cam.fit_bounds([-5.2, 41.3, 9.6, 51.1], Padding::uniform(500.0));
        assert_eq!(huge_pad.zoom(), fit.zoom());
        assert_eq!(
            cam.fit_bounds([2.0, 48.0, 2.0, 48.0], Padding::uniform(10.0))
                .zoom(),
            Zoom::MAX
        );
        // A viewport of zero size only recentres.
        let empty = cam
            .with_size(0.0, 0.0)
            .fit_bounds([1.0, 1.0, 3.0, 3.0], Padding::default());
        assert_eq!(empty.zoom(), Zoom::MIN);
        assert!(close(
            empty.center_world(),
            [lon_to_x(2.0), (lat_to_y(1.0) + lat_to_y(3.0)) / 2.0],
            1e-15
        ));
    }

    #[test]
    fn fit_with_padding_per_side() {
        // France with 300 px kept free on the right of 1024 × 768: 724 px
        // for 0.041 111 world units, so the width decides now, at
        // log2(724 / (256 · 0.041 111)) = 6.104 2, and the box spans
        // exactly x = 0 to 724.
        let cam = Camera::new([0.0, 0.0], Zoom::MIN, 1024.0, 768.0);
        let right = Padding {
            right: 300.0,
            ..Padding::default()
        };
        let fit = cam.fit_bounds([-5.2, 41.3, 9.6, 51.1], right);
        let extent = lon_to_x(9.6) - lon_to_x(-5.2);
        assert!((fit.zoom().get() - (724.0 / (256.0 * extent)).log2()).abs() < 1e-12);
        assert!((fit.zoom().get() - 6.104_2).abs() < 1e-4);
        assert!(fit.project(-5.2, 46.0)[0].abs() < 1e-9);
        assert!((fit.project(9.6, 46.0)[0] - 724.0).abs() < 1e-9);
        // Vertically centred in the full height.
        let [_, top] = fit.project(0.0, 51.1);
        let [_, bottom] = fit.project(0.0, 41.3);
        assert!((top + bottom - 768.0).abs() < 1e-9);
        // Bad sides are 0, not a reason to fail.
        let bad = Padding {
            left: f64::NAN,
            top: -5.0,
            ..right
        };
        assert_eq!(cam.fit_bounds([-5.2, 41.3, 9.6, 51.1], bad), fit);
    }

    /// Whether the screen rectangles `a` and `b` (`[x0, y0, x1, y1]`) overlap.
    fn overlap(a: [f64; 4], b: [f64; 4]) -> bool {
        a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
    }

    /// The screen rectangle of a lon/lat box.
    fn on_screen(cam: &Camera, b: [f64; 4]) -> [f64; 4] {
        let [x0, y1] = cam.project(b[0], b[1]);
        let [x1, y0] = cam.project(b[2], b[3]);
        [x0, y0, x1, y1]
    }

    #[test]
    fn fit_beside_the_legend_and_the_status_line() {
        // The Pas-de-Calais EPCIs in an 800 × 540 map, an open legend
        // (240 × 300, top right) and the status line (bottom left).
        let pdc = [1.55, 49.95, 3.25, 51.01];
        let legend = [552.0, 8.0, 792.0, 308.0];
        let status = [8.0, 500.0, 300.0, 532.0];
        let cam = Camera::new([0.0, 0.0], Zoom::MIN, 800.0, 540.0);
        let fit = cam.fit_beside(pdc, 8.0, &[legend, status]);
        let r = on_screen(&fit, pdc);
        assert!(!overlap(r, legend) && !overlap(r, status), "{r:?}");
        assert!(
            r[0] >= 8.0 - 1e-9
                && r[1] >= 8.0 - 1e-9
                && r[2] <= 792.0 + 1e-9
                && r[3] <= 532.0 + 1e-9
        );
        // Beside the legend (right padding 800 − 552 + 8 = 256) and above
        // the status line (bottom padding 540 − 500 + 8 = 48): 536 × 484
        // px left; the height decides (y from 8 to 492) and the box is
        // centred between x = 8 and 544.
        assert!(
            (r[1] - 8.0).abs() < 1e-9 && (r[3] - 492.0).abs() < 1e-9,
            "{r:?}"
        );
        assert!((r[0] + r[2] - 552.0).abs() < 1e-9, "{r:?}");
        let plain = cam.fit_bounds(pdc, Padding::uniform(8.0));
        assert!(fit.zoom().get() < plain.zoom().get());
        assert!(
            overlap(on_screen(&plain, pdc), legend),
            "without it the legend covers the territory"
        );

        // A phone, 320 × 420, legend folded to its title (304 × 90): the
        // territory goes below it rather than in a 0 px column beside it.
        let phone = Camera::new([0.0, 0.0], Zoom::MIN, 320.0, 420.0);
        let folded = [8.0, 8.0, 312.0, 98.0];
        let status = [8.0, 380.0, 250.0, 412.0];
        let fit = phone.fit_beside(pdc, 8.0, &[folded, status]);
        let r = on_screen(&fit, pdc);
        assert!(!overlap(r, folded) && !overlap(r, status), "{r:?}");
        assert!(
            r[1] >= 106.0 - 1e-9 && r[0] >= 8.0 - 1e-9 && r[2] <= 312.0 + 1e-9,
            "{r:?}"
        );
        // A legend covering the whole map leaves no room: it is ignored.
        let all = phone.fit_beside(pdc, 8.0, &[[0.0, 0.0, 320.0, 420.0]]);
        assert_eq!(all, phone.fit_bounds(pdc, Padding::uniform(8.0)));
        // Broken rectangles are skipped.
        assert_eq!(
            phone.fit_beside(pdc, 8.0, &[[f64::NAN, 0.0, 1.0, 1.0], [5.0, 5.0, 1.0, 1.0]]),
            phone.fit_bounds(pdc, Padding::uniform(8.0))
        );
    }

    #[test]
    fn view_never_leaves_the_world() {
        // Zoom 2: the world is 1024 px; an 800×600 view can roam only inside.
        let cam = Camera::new([0.0, 0.0], z(2.0), 800.0, 600.0);
        let east = cam.with_center([179.0, 0.0]);
        assert!((east.project(180.0, 0.0)[0] - 800.0).abs() < 1e-9);
        let north = cam.pan_by(0.0, 1e6);
        assert!(north.project(0.0, MAX_LATITUDE)[1].abs() < 1e-9);
        assert!((north.bounds()[3] - MAX_LATITUDE).abs() < 1e-9);
        let south_west = cam.pan_by(1e9, -1e9);
        assert!(south_west.project(-180.0, 0.0)[0].abs() < 1e-9);
        assert!((south_west.project(0.0, -MAX_LATITUDE)[1] - 600.0).abs() < 1e-9);
        // Longitudes wrap before clamping: 370° is 10°.
        let wrapped = cam.with_zoom(z(8.0)).with_center([370.0, 45.0]);
        assert!(close(wrapped.center(), [10.0, 45.0], 1e-9));
        // Zoom 0 in a wide element: the world is centred, bounds are the world.
        let wide = Camera::new([100.0, 60.0], Zoom::MIN, 1000.0, 200.0);
        assert_eq!(wide.center_world()[0], 0.5);
        assert_eq!(wide.bounds()[0], -180.0);
        assert_eq!(wide.bounds()[2], 180.0);
        // Centre clamp keeps a round trip of the centre stable afterwards.
        assert!(close(
            wide.with_center(wide.center()).center_world(),
            wide.center_world(),
            1e-15
        ));
    }

    #[test]
    fn bounds_of_a_view() {
        let cam = Camera::new([2.3522, 48.8566], z(10.0), 1024.0, 768.0);
        let [w, s, e, n] = cam.bounds();
        assert!(close(cam.project(w, n), [0.0, 0.0], 1e-7));
        assert!(close(cam.project(e, s), [1024.0, 768.0], 1e-7));
        // 1024 px at zoom 10 are 4 tiles: 1024 / 262 144 · 360° = 1.40625°.
        assert!((e - w - 1.406_25).abs() < 1e-12);
    }
}
