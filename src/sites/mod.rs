//! Help places (sites): what the widget knows about each digital-inclusion
//! help place beyond its position, decoded from the map file and shown on
//! its detail card or used by the place filters.
//!
//! `hours` holds weekly opening hours: parsing the data-preparation JSON, a
//! compact binary form for the map file, "ouvert maintenant" in the place's
//! own local time, and the readable French/English rendering.

pub mod hours;
