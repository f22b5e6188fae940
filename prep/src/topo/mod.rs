//! Planar topology of commune boundaries: shared arcs, dissolve, simplification.
//!
//! Communes from ADMIN EXPRESS share exact vertices with their neighbours, so
//! their borders can be stored once as arcs ([`Topology::build`]). Groups of
//! communes (EPCI, départements) are then merged by cancelling the arcs
//! inside each group ([`Topology::dissolve`]), and borders are simplified
//! once per arc ([`Topology::simplify`]) so that neighbours never gap or
//! overlap. Typical layer pipeline:
//!
//! ```text
//! communes ── build ─┬─ simplify(t).polygons()           commune layer
//!                    └─ dissolve_topology(epci) ── simplify(t).polygons()
//! ```
//!
//! Everything is pure and deterministic (index order, no hash iteration).

mod area;
mod build;
mod check;
mod dissolve;
mod quantise;
mod simplify;

pub use area::{area_m2, overlap_area_m2, ring_area_m2};
pub use build::{ArcRef, ArcUse, RingView, Topology};
pub use check::TopologyCheck;
pub use dissolve::{canonical, Gap};
pub use quantise::quantise;
pub use simplify::{Simplified, SimplifyOptions};
