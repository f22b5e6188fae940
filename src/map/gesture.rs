//! Raw input events turned into camera moves. The browser glue only converts
//! DOM events into [`Input`]; dragging, wheel and keyboard zoom and pan are
//! decided here, where they are tested without a browser.

use crate::geom::camera::Camera;
use crate::geom::mercator::Zoom;

/// One input event, in CSS pixels relative to the map's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// A pointer pressed (mouse button, finger, pen).
    Down {
        /// Position.
        x: f64,
        /// Position.
        y: f64,
    },
    /// A pointer moved.
    Move {
        /// Position.
        x: f64,
        /// Position.
        y: f64,
    },
    /// The pointer was released or cancelled.
    Up,
    /// A wheel turn (or trackpad pinch, which browsers send as a wheel with
    /// ctrlKey): `delta_y` in pixels, positive to zoom out.
    Wheel {
        /// Position.
        x: f64,
        /// Position.
        y: f64,
        /// Vertical delta in pixels.
        delta_y: f64,
    },
    /// A double click or double tap: zoom in one level around the point.
    DoubleClick {
        /// Position.
        x: f64,
        /// Position.
        y: f64,
    },
    /// A keyboard command.
    Key(Key),
}

/// Keyboard commands of the map (arrows pan, + and - zoom).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Pan west.
    Left,
    /// Pan east.
    Right,
    /// Pan north.
    Up,
    /// Pan south.
    Down,
    /// Zoom in one level.
    ZoomIn,
    /// Zoom out one level.
    ZoomOut,
}

impl Key {
    /// The command for a DOM `KeyboardEvent.key`, if the map uses it.
    pub fn from_dom(key: &str) -> Option<Key> {
        Some(match key {
            "ArrowLeft" => Key::Left,
            "ArrowRight" => Key::Right,
            "ArrowUp" => Key::Up,
            "ArrowDown" => Key::Down,
            "+" | "=" => Key::ZoomIn,
            "-" | "_" => Key::ZoomOut,
            _ => return None,
        })
    }
}

/// Pixels panned by one arrow key press.
pub const KEY_PAN_PX: f64 = 100.0;
/// Wheel pixels for one zoom level (a notch of a mouse wheel is about 100).
pub const WHEEL_PX_PER_LEVEL: f64 = 300.0;
/// Movement (px) under which a press and release is a click, not a drag.
pub const CLICK_SLOP_PX: f64 = 4.0;

/// Drag state between events.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gestures {
    last: Option<[f64; 2]>,
    moved: f64,
}

/// What an input did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// The camera after the input.
    pub camera: Camera,
    /// A click (press and release without a drag) at this point: select.
    pub click: Option<[f64; 2]>,
}

impl Gestures {
    /// Applies one input to the camera.
    pub fn apply(&mut self, camera: Camera, input: Input) -> Outcome {
        let z = camera.zoom().get();
        let mut click = None;
        let camera = match input {
            Input::Down { x, y } => {
                self.last = Some([x, y]);
                self.moved = 0.0;
                camera
            }
            Input::Move { x, y } => match self.last {
                Some([lx, ly]) => {
                    self.last = Some([x, y]);
                    self.moved += (x - lx).abs() + (y - ly).abs();
                    camera.pan_by(x - lx, y - ly)
                }
                None => camera,
            },
            Input::Up => {
                if let Some(p) = self.last.take() {
                    if self.moved < CLICK_SLOP_PX {
                        click = Some(p);
                    }
                }
                camera
            }
            Input::Wheel { x, y, delta_y } if delta_y.is_finite() => {
                camera.zoom_around([x, y], Zoom::clamped(z - delta_y / WHEEL_PX_PER_LEVEL))
            }
            Input::Wheel { .. } => camera,
            Input::DoubleClick { x, y } => camera.zoom_around([x, y], Zoom::clamped(z + 1.0)),
            Input::Key(k) => match k {
                Key::Left => camera.pan_by(KEY_PAN_PX, 0.0),
                Key::Right => camera.pan_by(-KEY_PAN_PX, 0.0),
                Key::Up => camera.pan_by(0.0, KEY_PAN_PX),
                Key::Down => camera.pan_by(0.0, -KEY_PAN_PX),
                Key::ZoomIn => camera.with_zoom(Zoom::clamped(z + 1.0)),
                Key::ZoomOut => camera.with_zoom(Zoom::clamped(z - 1.0)),
            },
        };
        Outcome { camera, click }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn camera() -> Camera {
        Camera::new([2.78, 50.29], Zoom::clamped(8.0), 800.0, 600.0)
    }

    #[test]
    fn drag_pans_and_a_still_press_is_a_click() {
        let mut g = Gestures::default();
        let c = camera();
        let before = c.unproject(400.0, 300.0);
        let c = g.apply(c, Input::Down { x: 400.0, y: 300.0 }).camera;
        let c = g.apply(c, Input::Move { x: 450.0, y: 320.0 }).camera;
        let out = g.apply(c, Input::Up);
        assert_eq!(out.click, None, "a drag is not a click");
        // The point that was under the pointer followed it.
        let after = out.camera.project(before[0], before[1]);
        assert!(
            (after[0] - 450.0).abs() < 1e-6 && (after[1] - 320.0).abs() < 1e-6,
            "{after:?}"
        );

        let c = g.apply(out.camera, Input::Down { x: 10.0, y: 10.0 }).camera;
        let c = g.apply(c, Input::Move { x: 11.0, y: 11.0 }).camera;
        assert_eq!(g.apply(c, Input::Up).click, Some([11.0, 11.0]));
        // A move without a press does nothing.
        assert_eq!(g.apply(c, Input::Move { x: 99.0, y: 99.0 }).camera, c);
    }

    #[test]
    fn wheel_zooms_around_the_pointer() {
        let mut g = Gestures::default();
        let c = camera();
        let under = c.unproject(200.0, 100.0);
        let out = g.apply(
            c,
            Input::Wheel {
                x: 200.0,
                y: 100.0,
                delta_y: -300.0,
            },
        );
        assert!((out.camera.zoom().get() - 9.0).abs() < 1e-9);
        let p = out.camera.project(under[0], under[1]);
        assert!(
            (p[0] - 200.0).abs() < 1e-6 && (p[1] - 100.0).abs() < 1e-6,
            "{p:?}"
        );
        let nan = g.apply(
            c,
            Input::Wheel {
                x: 0.0,
                y: 0.0,
                delta_y: f64::NAN,
            },
        );
        assert_eq!(nan.camera, c);
    }

    #[test]
    fn keys_pan_and_zoom() {
        assert_eq!(Key::from_dom("ArrowLeft"), Some(Key::Left));
        assert_eq!(Key::from_dom("+"), Some(Key::ZoomIn));
        assert_eq!(Key::from_dom("a"), None);
        let mut g = Gestures::default();
        let c = camera();
        let z = g.apply(c, Input::Key(Key::ZoomOut)).camera;
        assert!((z.zoom().get() - 7.0).abs() < 1e-9);
        let right = g.apply(c, Input::Key(Key::Right)).camera;
        assert!(right.center()[0] > c.center()[0], "east");
        let dbl = g.apply(c, Input::DoubleClick { x: 400.0, y: 300.0 }).camera;
        assert!((dbl.zoom().get() - 9.0).abs() < 1e-9);
    }
}
