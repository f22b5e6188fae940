//! Geometry that the widget and the CLI share: simplification, projection,
//! Web Mercator, the viewport camera and the raster tiles covering it.

pub mod camera;
pub mod mercator;
pub mod polylabel;
pub mod project;
pub mod simplify;
pub mod tiles;
