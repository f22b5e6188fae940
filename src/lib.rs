//! Maillage core: everything that describes and processes the map's data,
//! built and tested natively; the browser glue lives in `web` (wasm32 only).
pub mod geom;
pub mod manifest;
