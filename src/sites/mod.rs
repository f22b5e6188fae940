//! Help places (sites): what the widget knows about each digital-inclusion
//! help place, and what residents and hubs ask of them.
//!
//! - `table`: every place in a few bytes (kinds, labels, hours…), read whole;
//! - `communes`: every commune's point, codes and population, read whole;
//! - `filter`: a hub's network and the visitor's filters, with counts;
//! - `hours`: weekly opening hours, "ouvert maintenant" in the place's time;
//! - `detail`: one place's full record, for its card;
//! - `export`: the shown places and the EPCI table as CSV;
//! - `view`: the markers of a frame (places by kind, clusters with counts);
//! - `places`: the panel's state: search, nearest places, coverage;
//! - `words`: counts, distances and times in plain French or English.

pub mod communes;
pub mod detail;
pub mod export;
pub mod filter;
pub mod hours;
pub mod list;
pub mod places;
pub mod table;
pub mod view;
pub mod words;
