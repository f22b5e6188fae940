//! Browser glue (wasm32 only): converts and delegates to the core.
//!
//! `www/maillage.js` (the one script a partner page includes) initialises this
//! module once, then defines `<maillage-map>`, whose lifecycle callbacks call
//! [`Widget`]:
//!
//! | element | Rust |
//! |---|---|
//! | `static observedAttributes` | `Widget.observedAttributes()` |
//! | `connectedCallback` | `new Widget(this)` (shadow root, resize observer, load) |
//! | `attributeChangedCallback` | `widget.attributeChanged(name, old, new)` |
//! | `disconnectedCallback` | `widget.free()` (aborts fetches, drops callbacks) |
//!
//! The element answers with `maillage:ready` (`{layers, rangeBytes}`) and
//! `maillage:error` (`{kind, message}`) events, and its status line.
//!
//! - `shadow`: the shadow root's markup and themable CSS;
//! - `widget`: the element's state, resize, redraw and load;
//! - `fetch`: the range client on `fetch` (its rules are `crate::net`);
//! - `render`: replays the display list on the canvas, writes the legend;
//! - `events`: custom events and the panic hook.

mod events;
mod fetch;
#[cfg(feature = "places")]
mod places;
mod render;
mod shadow;
mod widget;

use wasm_bindgen::prelude::*;

pub use fetch::{fetch_range, fetch_text};
pub use widget::Widget;

/// Runs once when `www/maillage.js` initialises the module: panics become
/// `maillage:error` events instead of a bare `unreachable` in the console.
#[wasm_bindgen(start)]
pub fn start() {
    events::set_panic_hook();
}

/// Panics on purpose so that the browser tests can check the panic hook;
/// not part of the API.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__panicForTests")]
pub fn panic_for_tests() {
    panic!("panique demandée par les tests");
}
