//! Choropleth styling: classification, palettes, legend model.
