//! Geometry that the widget and the CLI share: simplification, projection,
//! Web Mercator and the viewport camera.

pub mod camera;
pub mod mercator;
pub mod polylabel;
pub mod project;
pub mod simplify;
