//! Geometry that the widget and the CLI share: simplification, projection.

pub mod project;
pub mod simplify;
