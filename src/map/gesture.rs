//! Raw input events turned into camera moves. The browser glue only converts
//! DOM events into [`Input`]; dragging, two-finger pinch, wheel and keyboard
//! zoom and pan are decided here, where they are tested without a browser.

use crate::geom::camera::Camera;
use crate::geom::mercator::Zoom;

/// One input event, in CSS pixels relative to the map's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// A pointer pressed (mouse button, finger, pen).
    Down {
        /// Pointer id (`PointerEvent.pointerId`): two fingers pinch.
        id: i32,
        /// Position.
        x: f64,
        /// Position.
        y: f64,
    },
    /// A pointer moved.
    Move {
        /// Pointer id.
        id: i32,
        /// Position.
        x: f64,
        /// Position.
        y: f64,
    },
    /// A pointer was released or cancelled.
    Up {
        /// Pointer id.
        id: i32,
    },
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
    /// Select the next territory in view (by name): keyboard users walk
    /// the map's features, each announced by the detail panel.
    Next,
    /// Select the previous territory in view.
    Previous,
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
            "n" | "N" | "PageDown" => Key::Next,
            "p" | "P" | "PageUp" => Key::Previous,
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

/// Pinches closer than this (px between the fingers) do not zoom: the
/// ratio of two tiny distances is noise.
pub const MIN_PINCH_PX: f64 = 8.0;

/// Drag and pinch state between events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gestures {
    /// Pressed pointers followed (id, last position): one drags, two pinch;
    /// a third finger is ignored.
    pointers: Vec<(i32, [f64; 2])>,
    /// Pixels moved since the first press.
    moved: f64,
    /// Two pointers were down during this press: its release is no click.
    pinched: bool,
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
            Input::Down { id, x, y } => {
                if self.pointers.is_empty() {
                    self.moved = 0.0;
                    self.pinched = false;
                }
                if self.pointers.len() < 2 && self.pointers.iter().all(|(i, _)| *i != id) {
                    self.pointers.push((id, [x, y]));
                }
                self.pinched |= self.pointers.len() == 2;
                camera
            }
            Input::Move { id, x, y } => self.moved_to(camera, id, [x, y]),
            Input::Up { id } => {
                let released = self.pointers.iter().position(|(i, _)| *i == id);
                if let Some(k) = released {
                    let (_, p) = self.pointers.remove(k);
                    if self.pointers.is_empty() && !self.pinched && self.moved < CLICK_SLOP_PX {
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
                Key::Next | Key::Previous => camera,
            },
        };
        Outcome { camera, click }
    }

    /// Whether a pointer is pressed (a drag or pinch is under way).
    pub fn pressed(&self) -> bool {
        !self.pointers.is_empty()
    }

    /// Pointer `id` moved to `p`: one pointer pans with it; with two, the
    /// map follows their midpoint and zooms by the change of their distance,
    /// so the places under both fingers stay under them.
    fn moved_to(&mut self, camera: Camera, id: i32, p: [f64; 2]) -> Camera {
        let Some(k) = self.pointers.iter().position(|(i, _)| *i == id) else {
            return camera;
        };
        let before: Vec<[f64; 2]> = self.pointers.iter().map(|(_, q)| *q).collect();
        if let Some(slot) = self.pointers.get_mut(k) {
            slot.1 = p;
        }
        let after: Vec<[f64; 2]> = self.pointers.iter().map(|(_, q)| *q).collect();
        let (Some(&a0), Some(&a1)) = (before.get(k), after.get(k)) else {
            return camera;
        };
        self.moved += (a1[0] - a0[0]).abs() + (a1[1] - a0[1]).abs();
        match (before.as_slice(), after.as_slice()) {
            ([b, c], [d, e]) => {
                let mid = |u: &[f64; 2], v: &[f64; 2]| [(u[0] + v[0]) / 2.0, (u[1] + v[1]) / 2.0];
                let dist = |u: &[f64; 2], v: &[f64; 2]| (u[0] - v[0]).hypot(u[1] - v[1]);
                let (m0, m1) = (mid(b, c), mid(d, e));
                let panned = camera.pan_by(m1[0] - m0[0], m1[1] - m0[1]);
                let (d0, d1) = (dist(b, c), dist(d, e));
                if d0 < MIN_PINCH_PX || d1 < MIN_PINCH_PX || !(d1 / d0).is_finite() {
                    return panned;
                }
                let z = panned.zoom().get() + (d1 / d0).log2();
                panned.zoom_around(m1, Zoom::clamped(z))
            }
            _ => camera.pan_by(a1[0] - a0[0], a1[1] - a0[1]),
        }
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
        let c = g
            .apply(
                c,
                Input::Down {
                    id: 1,
                    x: 400.0,
                    y: 300.0,
                },
            )
            .camera;
        let c = g
            .apply(
                c,
                Input::Move {
                    id: 1,
                    x: 450.0,
                    y: 320.0,
                },
            )
            .camera;
        let out = g.apply(c, Input::Up { id: 1 });
        assert_eq!(out.click, None, "a drag is not a click");
        // The point that was under the pointer followed it.
        let after = out.camera.project(before[0], before[1]);
        assert!(
            (after[0] - 450.0).abs() < 1e-6 && (after[1] - 320.0).abs() < 1e-6,
            "{after:?}"
        );

        let c = g
            .apply(
                out.camera,
                Input::Down {
                    id: 1,
                    x: 10.0,
                    y: 10.0,
                },
            )
            .camera;
        let c = g
            .apply(
                c,
                Input::Move {
                    id: 1,
                    x: 11.0,
                    y: 11.0,
                },
            )
            .camera;
        assert_eq!(g.apply(c, Input::Up { id: 1 }).click, Some([11.0, 11.0]));
        // A move without a press does nothing.
        assert_eq!(
            g.apply(
                c,
                Input::Move {
                    id: 1,
                    x: 99.0,
                    y: 99.0
                }
            )
            .camera,
            c
        );
    }

    fn down(id: i32, x: f64, y: f64) -> Input {
        Input::Down { id, x, y }
    }

    fn to(id: i32, x: f64, y: f64) -> Input {
        Input::Move { id, x, y }
    }

    #[test]
    fn two_fingers_pinch_around_their_midpoint() {
        let mut g = Gestures::default();
        let c = camera();
        let (left, right) = (c.unproject(300.0, 300.0), c.unproject(500.0, 300.0));
        let c = g.apply(c, down(7, 300.0, 300.0)).camera;
        let c = g.apply(c, down(9, 500.0, 300.0)).camera;
        // A third finger is not followed.
        let c = g.apply(c, down(11, 10.0, 10.0)).camera;
        assert_eq!(g.apply(c, to(11, 90.0, 90.0)).camera, c);
        // Spreading from 200 to 400 px apart: one level in, around x = 400.
        let c = g.apply(c, to(7, 200.0, 300.0)).camera;
        let c = g.apply(c, to(9, 600.0, 300.0)).camera;
        assert!((c.zoom().get() - 9.0).abs() < 1e-9, "{}", c.zoom().get());
        // The places first under the fingers are under them again.
        for (place, x) in [(left, 200.0), (right, 600.0)] {
            let p = c.project(place[0], place[1]);
            assert!(
                (p[0] - x).abs() < 1e-6 && (p[1] - 300.0).abs() < 1e-6,
                "{p:?}"
            );
        }
        // Both fingers move down together: a pan, no zoom.
        let c = g.apply(c, to(7, 200.0, 340.0)).camera;
        let c = g.apply(c, to(9, 600.0, 340.0)).camera;
        assert!((c.zoom().get() - 9.0).abs() < 1e-9);
        let p = c.project(left[0], left[1]);
        assert!(
            (p[0] - 200.0).abs() < 1e-6 && (p[1] - 340.0).abs() < 1e-6,
            "{p:?}"
        );
        // Lifting one finger: the other drags; lifting both is no click.
        assert_eq!(g.apply(c, Input::Up { id: 7 }).click, None);
        let c = g.apply(c, to(9, 610.0, 340.0)).camera;
        let p = c.project(right[0], right[1]);
        assert!((p[0] - 610.0).abs() < 1e-6, "{p:?}");
        assert_eq!(g.apply(c, Input::Up { id: 9 }).click, None);
        // Fingers on the same point never zoom to infinity.
        let mut g = Gestures::default();
        let c = camera();
        let c = g.apply(c, down(1, 50.0, 50.0)).camera;
        let c = g.apply(c, down(2, 50.0, 50.0)).camera;
        let c = g.apply(c, to(2, 250.0, 50.0)).camera;
        assert!((c.zoom().get() - 8.0).abs() < 1e-9);
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
        assert_eq!(Key::from_dom("n"), Some(Key::Next));
        assert_eq!(Key::from_dom("PageUp"), Some(Key::Previous));
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
