//! Maillage core: everything that describes and processes the map's data,
//! built and tested natively; the browser glue lives in `web` (wasm32 only).
//!
//! Data flow: `manifest` (read with `json`) describes the layers → `fgb`
//! turns byte ranges into features → `style` classifies values → the
//! canvas draws them (`web`).
pub mod analysis;
pub mod fgb;
pub mod geocode;
pub mod geom;
pub mod i18n;
pub mod json;
pub mod manifest;
pub mod map;
pub mod net;
pub mod num;
pub mod scene;
pub mod search;
pub mod share;
pub mod sites;
pub mod style;
#[cfg(target_arch = "wasm32")]
pub mod web;
