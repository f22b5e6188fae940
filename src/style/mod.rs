//! Choropleth styling: classification, palettes, legend model.
//!
//! `classify` turns a layer's values into classes, `palette` gives each class
//! a colour readers with colour vision deficiencies can still order, and
//! `legend` puts both into labelled entries for the DOM legend.

pub mod classify;
pub mod legend;
pub mod palette;
