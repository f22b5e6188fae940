//! Streaming the detailed levels of a layer over HTTP range requests.
//!
//! A layer has files per zoom range (manifest): the overview (read whole at
//! start, kept by [`super::view::MapView`]) and indexed detailed files read by
//! range. [`Loads`] decides everything; the browser glue only loops:
//!
//! 1. after every camera change, [`Loads::set_view`]: `Some(id)` means a new
//!    *view load* started (cancel the previous one's fetches);
//! 2. [`Loads::next_fetches`] gives the [`Fetch`]es that may start now (at
//!    most [`MAX_IN_FLIGHT`] under way in all); fetch each range and hand the
//!    bytes to [`Loads::feed`] (or report a failure with [`Loads::fail`]) as
//!    it arrives, in any order, redraw, and ask again: shapes appear as each
//!    feature range arrives;
//! 3. [`Loads::take_report`] gives one [`Report`] per completed view load
//!    (once nothing is under way any more).
//!
//! What runs in parallel: a layer's prefix, header and index levels are
//! sequential (each step needs the previous answer), but the layers
//! (choropleth and outlines) search side by side, and the merged feature
//! ranges of a search are independent. A failed feature range marks the
//! view load failed without stopping the other ranges.
//!
//! Per file, a view load reads the 12-byte prefix, the header, the R-tree
//! nodes level by level (an [`IndexSearch`] replayed over the cached nodes:
//! the first node range missing is the next fetch) and the merged feature
//! ranges of the features not already decoded. Everything fetched stays
//! cached: panning back costs no request.
//!
//! Memory: headers and index nodes stay for the life of the map (bounded by
//! the manifest: about 40 bytes per feature of each detailed file, 93 KB for
//! the 35,000 communes). Decoded shapes are capped at [`CACHE_LIMIT`] bytes
//! (estimated): over it, the least recently used shapes that the current view
//! does not need are dropped.

use std::collections::{BTreeMap, HashSet};

use super::view::Plan;
use super::{shapes_from_features, Shape};
use crate::fgb::{
    feature_slices, header_len, index_size, level_bounds, FgbError, Header, Hit, IndexSearch,
    SearchResult, DEFAULT_MERGE_GAP, NODE_LEN, PREFIX_LEN,
};
use crate::geom::camera::Camera;
use crate::manifest::{LayerFile, LayerInfo, Manifest};
use crate::net::ByteRange;
use crate::num::sort_indices;
use crate::num::ClampTo;

/// Estimated bytes of decoded shapes kept across views (32 MiB): the whole
/// detailed EPCI layer fits, a large part of the communes one too.
pub const CACHE_LIMIT: usize = 32 * 1024 * 1024;

/// Fraction of the view's width and height added on every side of the box a
/// view load reads: small pans and zooms in stay inside it and cost nothing.
pub const MARGIN: f64 = 0.15;

/// Largest gap (bytes) bridged to save a request, between two wanted
/// features or two runs of wanted index nodes of one level (a gap of cached
/// features is never bridged: it would be downloaded again). 32 KB costs
/// about 13 ms at 20 Mbit/s, less than the round trip a request costs on
/// HTTP/1.1 once the browser's six connections per host are busy, and less
/// than the main thread's handling of one more answer. The Haute-Saône view
/// read its features in six ranges with 8 KB (30 KB gaps left), in one
/// with 32 KB: 0.94 of the time, 1.7 times the feature bytes; the
/// communes 0.87 to 0.91 (docs/PERFORMANCE.md).
pub const MERGE_GAP: u64 = DEFAULT_MERGE_GAP;

/// Requests a view load keeps under way at once, all layers together
/// ([`Loads::next_fetches`]). Eight: a regional view's feature ranges
/// (5 to 13 after merging) leave together as soon as the index is read,
/// and the browser's network stack keeps them moving while the main
/// thread decodes and draws; with four, the next ranges waited for an
/// answer to be handled, behind that work. The Nord–Pas-de-Calais communes
/// view came about 16 % sooner (docs/PERFORMANCE.md). Over HTTP/1.1 the
/// browser holds those past its six connections per host in its own queue.
pub const MAX_IN_FLIGHT: usize = 8;

/// Least time (ms) between two drawings of a view load's progress: shapes
/// appear as ranges arrive, at most ten times a second, instead of at every
/// answer (each drawing repaints the whole canvas, and on a phone or a
/// software-rendered canvas a few answers a frame would keep the page busy
/// drawing instead of reading).
pub const PROGRESS_REDRAW_MS: f64 = 100.0;

/// How long to wait (ms) before drawing the progress of a view load, the
/// last drawing being `since_last_draw` ms old: 0 to draw at the next frame.
pub fn progress_redraw_delay(since_last_draw: f64) -> f64 {
    if since_last_draw.is_finite() {
        (PROGRESS_REDRAW_MS - since_last_draw).clamp_to(0.0, PROGRESS_REDRAW_MS)
    } else {
        0.0
    }
}

/// Bytes allowed for the header in the first read of a file: the layers'
/// headers (columns, their titles and descriptions) weigh 1 to 3 KB.
pub const HEADER_ALLOWANCE: u64 = 4 * 1024;

/// An index up to this size comes whole with the first read (the EPCI and
/// département files: 54 KB and 4 KB), so their searches need no other
/// index request.
pub const WHOLE_INDEX: u64 = 64 * 1024;

/// Of a larger index, the first read takes the upper levels that fit in
/// this (the communes' root and next two levels, 6 KB).
pub const UPPER_LEVELS: u64 = 16 * 1024;

/// Bytes of a file's first read: magic, header and as much of the R-tree
/// as [`WHOLE_INDEX`] or [`UPPER_LEVELS`] allow, estimated from the
/// manifest's feature count (the index layout follows from it, at the
/// writer's node size 16), never past the file's size. One request then
/// replaces the prefix, header and upper-level steps, which each cost a
/// round trip before any feature can be asked for.
pub fn head_len(file_bytes: u64, features: u64) -> u64 {
    let levels = level_bounds(features, 16).unwrap_or_default();
    let whole = levels.first().map_or(0, |leaves| leaves.end * NODE_LEN);
    let index = if whole <= WHOLE_INDEX {
        whole
    } else {
        // Levels are stored root first: the upper levels are a prefix.
        levels
            .iter()
            .rev()
            .map(|l| l.end * NODE_LEN)
            .take_while(|&end| end <= UPPER_LEVELS)
            .last()
            .unwrap_or(0)
    };
    let want = PREFIX_LEN + HEADER_ALLOWANCE + index;
    if file_bytes > 0 {
        want.min(file_bytes)
    } else {
        want
    }
}

/// One layer to stream: its files by zoom and the columns to decode.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamLayer {
    /// Layer id (`epci`, `departements`), which names the levels.
    pub id: String,
    /// Files by zoom range, overview first (as in the manifest).
    pub files: Vec<LayerFile>,
    /// Code column (dedups a territory across levels).
    pub code: String,
    /// Name column.
    pub name: String,
    /// Value column (empty for outlines).
    pub field: String,
    /// Features per file (the manifest's count), to size the first read.
    pub features: u64,
}

impl StreamLayer {
    /// The layer's streaming description from its manifest entry.
    pub fn from_info(info: &LayerInfo, code: &str, name: &str, field: &str) -> Self {
        StreamLayer {
            id: info.id.clone(),
            files: info.files.clone(),
            code: code.to_owned(),
            name: name.to_owned(),
            field: field.to_owned(),
            features: info.feature_count,
        }
    }

    /// Index of the file serving `zoom` (0: the overview).
    fn file_for_zoom(&self, zoom: f64) -> usize {
        let found = self
            .files
            .iter()
            .position(|f| zoom >= f.min_zoom && zoom < f.max_zoom);
        match found {
            Some(i) => i,
            None if self.files.first().is_some_and(|f| zoom < f.min_zoom) => 0,
            None => self.files.len().saturating_sub(1),
        }
    }
}

/// The name of a level from its file: `overview`, `medium`, `full`
/// (`epci-medium.fgb` → `medium`, `epci.fgb` → `full`).
pub fn level_name(layer_id: &str, path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.strip_suffix(".fgb").unwrap_or(file);
    match stem.strip_prefix(layer_id) {
        Some("") => "full".to_owned(),
        Some(rest) => rest.trim_start_matches(['-', '_']).to_owned(),
        None => stem.to_owned(),
    }
}

/// What a fetch is for; the core checks answers against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The file's first bytes ([`head_len`]): magic and header size, and
    /// when they fit the header and the upper index levels, so that most
    /// searches start with one request instead of one per level.
    Head,
    /// The header table.
    Header,
    /// A run of R-tree nodes.
    Index,
    /// Merged features.
    Features,
}

/// One range request to make, as the core decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    /// The view load it belongs to; bytes of an older one are ignored.
    pub view: u64,
    /// Position of the layer in [`Loads`].
    pub layer: usize,
    /// File path, relative to the manifest.
    pub path: String,
    /// Bytes to ask for.
    pub range: ByteRange,
    /// What the bytes are.
    pub part: Part,
}

/// What [`Loads::feed`] did with the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fed {
    /// Bytes of a view load that is no longer current: ignored.
    Stale,
    /// Taken; `shapes` new shapes were decoded (redraw).
    Taken {
        /// Shapes decoded from these bytes.
        shapes: usize,
    },
}

/// A detailed file that cannot be read: the view keeps its previous level.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamError {
    /// File path, relative to the manifest.
    pub path: String,
    /// What is wrong with its bytes.
    pub error: FgbError,
}

/// In French; the widget writes it in its language with
/// [`crate::i18n::layer_invalid`].
impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = self.error.to_string();
        f.write_str(&crate::i18n::layer_invalid(
            &self.path,
            &why,
            crate::style::legend::Lang::Fr,
        ))
    }
}

/// One completed view load, for the `maillage:render` event.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The view load.
    pub view: u64,
    /// Level of the first layer (the choropleth): `overview`, `medium`, `full`.
    pub level: String,
    /// Its file.
    pub file: String,
    /// Features of the first layer in the view box (all of the overview's).
    pub features: usize,
    /// Body bytes fetched by this view load, all layers.
    pub bytes: u64,
    /// Requests made by this view load, all layers.
    pub requests: u32,
    /// Whether a layer failed (it keeps its previous level).
    pub failed: bool,
    /// What was wrong with a file's bytes, when that is why.
    pub error: Option<StreamError>,
}

/// Progress of the current view load, for the status line ("3/7").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Requests answered.
    pub done: u32,
    /// Requests answered, under way or known to come (grows while the
    /// index is searched).
    pub total: u32,
}

/// A decoded feature and what eviction needs.
#[derive(Debug, Clone)]
struct Cached {
    /// `None`: not a polygon (kept so that it is not fetched again).
    shape: Option<Shape>,
    bbox: [f64; 4],
    cost: usize,
    used: u64,
}

/// Everything read from one file.
#[derive(Debug, Clone, Default)]
struct FileCache {
    /// The file's size from the manifest (0: unknown): ranges past it are
    /// refused before they are asked for.
    size: u64,
    /// Bytes of the first read ([`head_len`]).
    head: u64,
    prefix: Option<Vec<u8>>,
    header: Option<Header>,
    nodes: BTreeMap<u64, [u8; NODE_LEN as usize]>,
    features: BTreeMap<u64, Cached>,
}

/// Where a layer's view load is.
#[derive(Debug, Clone)]
enum Phase {
    /// Prefix, header or index: one request at a time (`waiting` while under way).
    Searching { waiting: bool },
    /// Feature ranges to fetch, and how many are under way.
    Features {
        queue: Vec<ByteRange>,
        in_flight: usize,
    },
    /// Nothing more to fetch.
    Done { failed: bool },
}

/// A layer's part of a view load.
#[derive(Debug, Clone)]
struct Load {
    file: usize,
    /// The box read; `None` for the overview (everything, already loaded).
    bbox: Option<[f64; 4]>,
    phase: Phase,
    hits: Vec<Hit>,
    /// Requests answered.
    done: u32,
    /// A feature range failed (the others still load; the report says so).
    failed: bool,
    /// The first thing found wrong with the file's bytes, for the report
    /// (the glue also gets it from [`Loads::feed`], except when a new view
    /// replays cached nodes that prove broken: no answer carries it then).
    error: Option<FgbError>,
}

/// One streamed layer and its caches.
#[derive(Debug, Clone)]
struct LayerState {
    layer: StreamLayer,
    caches: Vec<FileCache>,
    load: Option<Load>,
}

/// The streaming state of a map: the layers (choropleth first, outlines
/// next), their caches, and the current view load.
#[derive(Debug, Clone)]
pub struct Loads {
    layers: Vec<LayerState>,
    /// Current view load (0 before the first).
    view: u64,
    requests: u32,
    bytes: u64,
    reported: bool,
    /// Features of the first layer's overview, for its report.
    overview_features: usize,
    cache_limit: usize,
    /// A scoped page's territory (see [`Loads::with_scope`]).
    scope: Option<[f64; 4]>,
}

impl Loads {
    /// Streams `layers` (the first one is the choropleth the reports are about);
    /// `overview_features` is the size of its overview, read whole.
    pub fn new(layers: Vec<StreamLayer>, overview_features: usize) -> Self {
        let mut loads = Loads {
            layers: Vec::with_capacity(layers.len()),
            view: 0,
            requests: 0,
            bytes: 0,
            reported: true,
            overview_features,
            cache_limit: CACHE_LIMIT,
            scope: None,
        };
        for layer in layers {
            loads.push(layer);
        }
        loads
    }

    /// The plan's choropleth layer and its base outlines, found in the manifest
    /// by their overview files.
    pub fn for_plan(manifest: &Manifest, plan: &Plan, overview_features: usize) -> Self {
        let mut layers = Vec::new();
        if let Some(l) = manifest.layer_with_overview(&plan.layer_path) {
            layers.push(StreamLayer::from_info(
                l,
                &plan.code_field,
                &plan.name_field,
                &plan.field,
            ));
        }
        if let Some(l) = plan
            .outline_path
            .as_deref()
            .and_then(|p| manifest.layer_with_overview(p))
        {
            layers.push(StreamLayer::from_info(l, "code", "name", ""));
        }
        Loads::new(layers, overview_features)
    }

    /// A scoped page draws only its territory (box `territory`): a view
    /// load covers a camera once it holds the part of the view within the
    /// territory, padded by half of [`MARGIN`] of its size (a shape at its
    /// edge reaches past the box of its overview's). The early load of a
    /// scoped page, read for the fit of the manifest's box (which holds the
    /// territory's), then goes on when the map fits the territory again
    /// beside its legend, a little farther out.
    pub fn with_scope(mut self, territory: [f64; 4]) -> Self {
        self.scope = Some(expand(territory, MARGIN / 2.0));
        self
    }

    /// Adds a layer streamed with the others from the next view load on
    /// (the zones, read after the first paint); returns its index for
    /// [`Loads::shapes_in`].
    pub fn push(&mut self, layer: StreamLayer) -> usize {
        self.layers.push(LayerState {
            caches: layer
                .files
                .iter()
                .map(|f| FileCache {
                    size: f.bytes,
                    head: head_len(f.bytes, layer.features),
                    ..FileCache::default()
                })
                .collect(),
            layer,
            load: None,
        });
        self.layers.len() - 1
    }

    /// Sets the overview's size once it is read: a load started before the
    /// overview arrived (the page's initial `view`) reports it right.
    pub fn with_overview_features(mut self, features: usize) -> Self {
        self.overview_features = features;
        self
    }

    /// Changes the cap on decoded shapes (estimated bytes), for tests and small devices.
    pub fn with_cache_limit(mut self, bytes: usize) -> Self {
        self.cache_limit = bytes;
        self
    }

    /// The current view load's id.
    pub fn view(&self) -> u64 {
        self.view
    }

    /// Follows the camera. Starts a new view load (and returns its id) when a
    /// layer needs another file, or a box the current load does not cover;
    /// the glue then cancels the previous load's fetches.
    pub fn set_view(&mut self, camera: &Camera) -> Option<u64> {
        let zoom = camera.zoom().get();
        let bounds = camera.bounds();
        // What must be read: the view, or its part within the territory.
        let needed = match self.scope {
            Some(t) => [
                bounds[0].max(t[0]),
                bounds[1].max(t[1]),
                bounds[2].min(t[2]),
                bounds[3].min(t[3]),
            ],
            None => bounds,
        };
        let covered = self.layers.iter().all(|l| {
            let file = l.layer.file_for_zoom(zoom);
            l.load.as_ref().is_some_and(|load| {
                load.file == file
                    && match load.bbox {
                        None => true,
                        Some(b) => {
                            needed[0] > needed[2] || needed[1] > needed[3] || contains(b, needed)
                        }
                    }
            })
        });
        if covered && self.view > 0 {
            return None;
        }
        self.view += 1;
        self.requests = 0;
        self.bytes = 0;
        self.reported = false;
        let bbox = expand(bounds, MARGIN);
        for l in &mut self.layers {
            let file = l.layer.file_for_zoom(zoom);
            let indexed = l.layer.files.get(file).is_some_and(|f| f.indexed);
            l.load = Some(if file == 0 || !indexed {
                Load {
                    file: 0,
                    bbox: None,
                    phase: Phase::Done { failed: file != 0 },
                    hits: Vec::new(),
                    done: 0,
                    failed: false,
                    error: None,
                }
            } else {
                Load {
                    file,
                    bbox: Some(bbox),
                    phase: Phase::Searching { waiting: false },
                    hits: Vec::new(),
                    done: 0,
                    failed: false,
                    error: None,
                }
            });
        }
        let view = self.view;
        for i in 0..self.layers.len() {
            // A search entirely in the cache completes here, without a
            // request. Its nodes came with earlier answers, but a new box
            // may visit some for the first time: a broken one fails the
            // load, and its report says why (no answer carries the error).
            let _ = self.advance(i);
        }
        Some(view)
    }

    /// Forgets the parts of the current view load that failed, so that the
    /// next [`Loads::set_view`] starts a new one that asks for them again
    /// (what is cached is not fetched twice). For the reader's retry button.
    pub fn retry_failed(&mut self) {
        for l in &mut self.layers {
            if l.load.as_ref().is_some_and(|load| {
                load.failed || matches!(load.phase, Phase::Done { failed: true })
            }) {
                l.load = None;
            }
        }
    }

    /// The next range to fetch for the current view load (first layer
    /// first), `None` when nothing is ready to ask (done, or waiting for
    /// answers). The fetch counts as under way until fed or failed.
    pub fn next_fetch(&mut self) -> Option<Fetch> {
        (0..self.layers.len()).find_map(|i| self.next_fetch_of(i))
    }

    /// The fetches that may start now so that at most `max` are under way
    /// (see [`Loads::in_flight`]), taking the layers in turn: the outlines'
    /// search is not queued behind the choropleth's feature ranges.
    pub fn next_fetches(&mut self, max: usize) -> Vec<Fetch> {
        let mut out = Vec::new();
        let mut busy = self.in_flight();
        loop {
            let before = out.len();
            for i in 0..self.layers.len() {
                if busy >= max {
                    return out;
                }
                if let Some(f) = self.next_fetch_of(i) {
                    out.push(f);
                    busy += 1;
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }

    /// Whether a layer of the current view load still searches its index:
    /// the feature ranges it will ask for are not known yet (the glue
    /// keeps the main thread free for the search's answers until then).
    pub fn searching(&self) -> bool {
        self.layers
            .iter()
            .filter_map(|l| l.load.as_ref())
            .any(|load| matches!(load.phase, Phase::Searching { .. }))
    }

    /// Requests of the current view load handed out and not yet fed or failed.
    pub fn in_flight(&self) -> usize {
        self.layers
            .iter()
            .filter_map(|l| l.load.as_ref())
            .map(|load| match &load.phase {
                Phase::Searching { waiting } => usize::from(*waiting),
                Phase::Features { in_flight, .. } => *in_flight,
                Phase::Done { .. } => 0,
            })
            .sum()
    }

    /// The next fetch of layer `i`, marked as under way.
    fn next_fetch_of(&mut self, i: usize) -> Option<Fetch> {
        let view = self.view;
        let l = self.layers.get_mut(i)?;
        let load = l.load.as_mut()?;
        let file = l.layer.files.get(load.file)?;
        let fetch = |range, part| Fetch {
            view,
            layer: i,
            path: file.path.clone(),
            range,
            part,
        };
        match &mut load.phase {
            Phase::Searching { waiting } if !*waiting => {
                let cache = l.caches.get(load.file)?;
                // `advance` completes searches that need nothing.
                let (range, part) = next_search_fetch(cache, load.bbox).ok()??;
                *waiting = true;
                Some(fetch(range, part))
            }
            Phase::Features { queue, in_flight } if !queue.is_empty() => {
                let range = queue.remove(0);
                *in_flight += 1;
                Some(fetch(range, Part::Features))
            }
            _ => None,
        }
    }

    /// Takes the answer to `fetch`. Bytes of an older view load are ignored
    /// ([`Fed::Stale`]); bytes that do not decode fail the layer's load (the
    /// view keeps the previous level) and are reported as an error.
    pub fn feed(&mut self, fetch: &Fetch, bytes: &[u8]) -> Result<Fed, StreamError> {
        if fetch.view != self.view {
            return Ok(Fed::Stale);
        }
        let tick = self.view;
        let Some(l) = self.layers.get_mut(fetch.layer) else {
            return Ok(Fed::Stale);
        };
        let Some(load) = l.load.as_mut() else {
            return Ok(Fed::Stale);
        };
        let path = fetch.path.clone();
        let (Some(cache), Some(_)) = (l.caches.get_mut(load.file), l.layer.files.get(load.file))
        else {
            return Ok(Fed::Stale);
        };
        self.requests += 1;
        self.bytes += bytes.len() as u64;
        load.done += 1;
        let taken = take(cache, load, &l.layer, fetch, bytes, tick);
        if taken.is_err() {
            if fetch.part == Part::Features && matches!(load.phase, Phase::Features { .. }) {
                // Only this range is lost: the others go on.
                load.failed = true;
            } else {
                load.phase = Phase::Done { failed: true };
            }
        }
        // The search goes on over the new bytes, and may find the index
        // broken there: that is this answer's error too.
        let advanced = self.advance(fetch.layer);
        match taken.and_then(|shapes| advanced.map(|()| shapes)) {
            Ok(shapes) => {
                self.evict();
                Ok(Fed::Taken { shapes })
            }
            Err(error) => {
                if let Some(load) = self
                    .layers
                    .get_mut(fetch.layer)
                    .and_then(|l| l.load.as_mut())
                {
                    load.error.get_or_insert_with(|| error.clone());
                }
                Err(StreamError { path, error })
            }
        }
    }

    /// A fetch failed (network, server). A failed search step stops the
    /// layer's load (the view keeps the previous level); a failed feature
    /// range loses only its features, the other ranges still load, and the
    /// report says `failed`. Ignored for an older view load.
    pub fn fail(&mut self, fetch: &Fetch) {
        if fetch.view != self.view {
            return;
        }
        let Some(load) = self
            .layers
            .get_mut(fetch.layer)
            .and_then(|l| l.load.as_mut())
        else {
            return;
        };
        match (&mut load.phase, fetch.part) {
            (Phase::Features { in_flight, .. }, Part::Features) => {
                *in_flight = in_flight.saturating_sub(1);
                load.failed = true;
                // Closing a load's feature phase searches nothing: no error.
                let _ = self.advance(fetch.layer);
            }
            _ => load.phase = Phase::Done { failed: true },
        }
    }

    /// How far the current view load is; `None` once it is complete.
    pub fn progress(&self) -> Option<Progress> {
        let mut p = Progress { done: 0, total: 0 };
        let mut complete = true;
        for load in self.layers.iter().filter_map(|l| l.load.as_ref()) {
            p.done += load.done;
            p.total += load.done;
            match &load.phase {
                Phase::Searching { .. } => {
                    complete = false;
                    // The current search step, and at least one feature range.
                    p.total += 2;
                }
                Phase::Features { queue, in_flight } => {
                    complete = false;
                    p.total += (queue.len() + in_flight) as u32;
                }
                Phase::Done { .. } => {}
            }
        }
        (!complete).then_some(p)
    }

    /// The report of the current view load, once, when it is complete.
    pub fn take_report(&mut self) -> Option<Report> {
        if self.reported || self.progress().is_some() {
            return None;
        }
        self.reported = true;
        let first = self.layers.first();
        let load = first.and_then(|l| l.load.as_ref());
        let file = first
            .zip(load)
            .and_then(|(l, load)| l.layer.files.get(load.file))
            .map(|f| f.path.clone())
            .unwrap_or_default();
        let id = first.map(|l| l.layer.id.as_str()).unwrap_or_default();
        Some(Report {
            view: self.view,
            level: level_name(id, &file),
            features: match load {
                Some(l) if l.bbox.is_some() => l.hits.len(),
                _ => self.overview_features,
            },
            file,
            bytes: self.bytes,
            requests: self.requests,
            failed: self.any_failed(),
            error: self.layers.iter().find_map(|l| {
                let load = l.load.as_ref()?;
                Some(StreamError {
                    path: l.layer.files.get(load.file)?.path.clone(),
                    error: load.error.clone()?,
                })
            }),
        })
    }

    /// Whether a layer of the current view load failed (it keeps its
    /// previous level).
    fn any_failed(&self) -> bool {
        self.layers
            .iter()
            .filter_map(|l| l.load.as_ref())
            .any(|l| matches!(l.phase, Phase::Done { failed: true }))
    }

    /// The shapes layer `layer` read at a detailed level, once the current
    /// view load is complete and nothing in it failed. A page scoped to
    /// départements builds its map from them
    /// ([`super::view::Plan::map_from_detail`]): a range that failed
    /// would pass for a territory without its features, so there are none
    /// then (the overview is waited for).
    pub fn complete_shapes(&self, layer: usize) -> Option<Vec<&Shape>> {
        if self.progress().is_some() || self.any_failed() {
            return None;
        }
        self.shapes_in(layer, [-180.0, -90.0, 180.0, 90.0], &[], &|_| None)
    }

    /// Whether the current view load is under way with answers for its
    /// first layer (the choropleth): a map built from its early load
    /// waits on for one that answers (a slow link), not for one whose
    /// first request may be failing, tried again for seconds.
    pub fn answering(&self) -> bool {
        let answered = self.layers.first().and_then(|l| l.load.as_ref());
        self.progress().is_some() && answered.is_some_and(|load| load.done > 0)
    }

    /// Body bytes the current view load read by range, all layers.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The level the first layer draws at now (`overview` before any view load).
    pub fn level(&self) -> String {
        let Some(l) = self.layers.first() else {
            return "overview".to_owned();
        };
        let file = l.load.as_ref().map_or(0, |load| load.file);
        l.layer.files.get(file).map_or_else(
            || "overview".to_owned(),
            |f| level_name(&l.layer.id, &f.path),
        )
    }

    /// Shapes to draw for layer `layer` in the box `view` (lon/lat), or `None`
    /// when the layer is at its overview (draw `overview` as it is). Each
    /// territory once, in the most detailed form at hand: the current level's
    /// decoded shapes, then other detailed levels' (cached), then the
    /// overview's, so the map never goes blank while a level loads.
    ///
    /// `link` gives a streamed shape's index in `overview` when the caller
    /// knows it (the map's, by code, kept per shape): those overview shapes
    /// are then set aside by index. Other codes are looked up in a set:
    /// for the communes' overview, hashing its 35,000 codes at every frame
    /// took 1.4 to 2.4 ms natively, against 0.35 by index.
    pub fn shapes_in<'a>(
        &'a self,
        layer: usize,
        view: [f64; 4],
        overview: &'a [Shape],
        link: &dyn Fn(&Shape) -> Option<usize>,
    ) -> Option<Vec<&'a Shape>> {
        let l = self.layers.get(layer)?;
        let target = l.load.as_ref().filter(|load| load.bbox.is_some())?.file;
        let mut covered = vec![false; overview.len()];
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        let mut order: Vec<usize> = (1..l.caches.len()).collect();
        let key = |f: usize| (f != target, f.abs_diff(target), f);
        sort_indices(&mut order, &|a, b| key(a).cmp(&key(b)));
        for f in order {
            let Some(cache) = l.caches.get(f) else {
                continue;
            };
            for c in cache.features.values() {
                let Some(s) = c.shape.as_ref() else { continue };
                if !meets(c.bbox, view) {
                    continue;
                }
                // The first (most detailed) of a territory's shapes is kept.
                let first = s.code.is_empty()
                    || match link(s).and_then(|i| covered.get_mut(i)) {
                        Some(done) => !std::mem::replace(done, true),
                        None => seen.insert(&s.code),
                    };
                if first {
                    out.push(s);
                }
            }
        }
        out.extend(
            overview
                .iter()
                .zip(&covered)
                .filter(|(s, done)| {
                    !**done && (s.code.is_empty() || !seen.contains(s.code.as_str()))
                })
                .map(|(s, _)| s),
        );
        Some(out)
    }

    /// Estimated bytes of decoded shapes held.
    pub fn cached_bytes(&self) -> usize {
        self.layers
            .iter()
            .flat_map(|l| &l.caches)
            .flat_map(|c| c.features.values())
            .map(|c| c.cost)
            .sum()
    }

    /// Moves layer `i`'s load on as far as the cache allows: a search whose
    /// nodes are all cached finishes here, and a view whose features are all
    /// decoded completes without a request. An index that proves broken
    /// fails the load, with the error.
    fn advance(&mut self, i: usize) -> Result<(), FgbError> {
        let tick = self.view;
        let Some(l) = self.layers.get_mut(i) else {
            return Ok(());
        };
        let Some(load) = l.load.as_mut() else {
            return Ok(());
        };
        let Some(cache) = l.caches.get_mut(load.file) else {
            return Ok(());
        };
        match &load.phase {
            Phase::Searching { waiting: false } => {}
            Phase::Features {
                queue, in_flight, ..
            } => {
                if queue.is_empty() && *in_flight == 0 {
                    load.phase = Phase::Done {
                        failed: load.failed,
                    };
                }
                return Ok(());
            }
            _ => return Ok(()),
        }
        let found = search(cache, load.bbox).and_then(|step| match step {
            Step::Need(..) => Ok(None),
            Step::Found(result) => in_file(result.hits, cache.size).map(Some),
        });
        let hits = match found {
            Ok(None) => return Ok(()),
            Ok(Some(hits)) => hits,
            Err(e) => {
                load.phase = Phase::Done { failed: true };
                load.error.get_or_insert_with(|| e.clone());
                return Err(e);
            }
        };
        for hit in &hits {
            if let Some(c) = cache.features.get_mut(&hit.index) {
                c.used = tick;
            }
        }
        let queue = feature_ranges(&hits, &cache.features, MERGE_GAP);
        load.hits = hits;
        load.phase = if queue.is_empty() {
            Phase::Done { failed: false }
        } else {
            Phase::Features {
                queue,
                in_flight: 0,
            }
        };
        Ok(())
    }

    /// Drops the least recently used shapes the current view does not need
    /// while the estimate is over the cap.
    fn evict(&mut self) {
        let mut total = self.cached_bytes();
        if total <= self.cache_limit {
            return;
        }
        let mut old: Vec<(u64, usize, usize, u64)> = Vec::new();
        for (li, l) in self.layers.iter().enumerate() {
            for (fi, c) in l.caches.iter().enumerate() {
                for (k, f) in &c.features {
                    if f.used < self.view {
                        old.push((f.used, li, fi, *k));
                    }
                }
            }
        }
        old.sort_unstable();
        for (_, li, fi, k) in old {
            if total <= self.cache_limit {
                break;
            }
            let removed = self
                .layers
                .get_mut(li)
                .and_then(|l| l.caches.get_mut(fi))
                .and_then(|c| c.features.remove(&k));
            if let Some(c) = removed {
                total = total.saturating_sub(c.cost);
            }
        }
    }
}

/// Where a search over the cache stands.
enum Step {
    /// This range of the file is needed next.
    Need(ByteRange, Part),
    /// The search is complete.
    Found(SearchResult),
}

/// Replays the bbox search over what the cache holds.
fn search(cache: &FileCache, bbox: Option<[f64; 4]>) -> Result<Step, FgbError> {
    let Some(prefix) = cache.prefix.as_ref() else {
        return Ok(Step::Need(
            ByteRange {
                start: 0,
                end: Some(cache.head.max(PREFIX_LEN)),
            },
            Part::Head,
        ));
    };
    let Some(header) = cache.header.as_ref() else {
        let header_end = header_len(prefix)?;
        past_end("header", header_end, cache.size)?;
        return Ok(Step::Need(
            ByteRange {
                start: PREFIX_LEN,
                end: Some(header_end),
            },
            Part::Header,
        ));
    };
    let bbox = bbox.unwrap_or([
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::INFINITY,
    ]);
    let mut s = IndexSearch::new(header, bbox, MERGE_GAP)?;
    while let Some(r) = s.next_fetch() {
        let first = r.start.saturating_sub(header.header_end) / NODE_LEN;
        let end = r
            .end
            .unwrap_or(r.start)
            .saturating_sub(header.header_end)
            .div_ceil(NODE_LEN);
        let missing: Vec<u64> = (first..end)
            .filter(|n| !cache.nodes.contains_key(n))
            .collect();
        if let Some(&a) = missing.first() {
            // The first run of missing nodes: cached ones are never read again.
            let run = missing.iter().zip(a..).take_while(|(n, m)| *n == m).count() as u64;
            let at = |n: u64| header.header_end.saturating_add(n.saturating_mul(NODE_LEN));
            past_end("index", at(a + run), cache.size)?;
            return Ok(Step::Need(
                ByteRange {
                    start: at(a),
                    end: Some(at(a + run)),
                },
                Part::Index,
            ));
        }
        // Node by node, not byte by byte: a level of the EPCIs' index is
        // 50 KB, copied in wasm's baseline compiler on a first load. Room
        // for the cached nodes at most, whatever the range says.
        let nodes = usize::try_from(end.saturating_sub(first))
            .unwrap_or(usize::MAX)
            .min(cache.nodes.len());
        let mut bytes = Vec::with_capacity(nodes * NODE_LEN as usize);
        for node in (first..end).filter_map(|n| cache.nodes.get(&n)) {
            bytes.extend_from_slice(node);
        }
        s.feed(&bytes)?;
    }
    s.finish().map(Step::Found).ok_or(FgbError::BadIndex {
        reason: "search did not finish",
    })
}

/// Refuses a part of the file that ends at `end`, past the file's `size`
/// from the manifest (0: unknown): the header or the index says the file is
/// longer than it is (cut short, or lying).
fn past_end(what: &'static str, end: u64, size: u64) -> Result<(), FgbError> {
    if size > 0 && end > size {
        return Err(FgbError::PastEnd {
            what,
            at: end,
            size,
        });
    }
    Ok(())
}

/// The hits' ranges inside a file of `size` bytes (0: unknown), the last
/// feature's open range closed at the end of the file, so that an answer
/// cut short shows: a feature past the end is an index that lies (offsets
/// beyond 4 GiB in a small file) or a file cut short, said before any
/// request.
fn in_file(hits: Vec<Hit>, size: u64) -> Result<Vec<Hit>, FgbError> {
    if size == 0 {
        return Ok(hits);
    }
    hits.into_iter()
        .map(|mut hit| {
            let end = hit.range.end.unwrap_or(size);
            past_end("feature", end.max(hit.range.start.saturating_add(1)), size)?;
            hit.range.end = Some(end);
            Ok(hit)
        })
        .collect()
}

/// The next fetch of a search, if it needs one.
fn next_search_fetch(
    cache: &FileCache,
    bbox: Option<[f64; 4]>,
) -> Result<Option<(ByteRange, Part)>, FgbError> {
    Ok(match search(cache, bbox)? {
        Step::Need(r, p) => Some((r, p)),
        Step::Found(_) => None,
    })
}

/// Merged ranges of the hits not decoded yet. Neighbours merge when the gap
/// is at most `gap` bytes and holds no cached feature.
fn feature_ranges(hits: &[Hit], cached: &BTreeMap<u64, Cached>, gap: u64) -> Vec<ByteRange> {
    let mut wanted: Vec<&Hit> = hits
        .iter()
        .filter(|h| !cached.contains_key(&h.index))
        .collect();
    wanted.sort_unstable_by_key(|h| h.index);
    wanted.dedup();
    let mut out: Vec<ByteRange> = Vec::new();
    let mut last_index: Option<u64> = None;
    for h in wanted {
        // Forward only: an index whose offsets go back between two hits
        // must not make a range that ends before it starts.
        let merge = match (out.last(), last_index) {
            (Some(prev), Some(li)) => {
                prev.end
                    .is_some_and(|e| h.range.start >= e && h.range.start <= e.saturating_add(gap))
                    && h.index > li
                    && cached.range(li + 1..h.index).next().is_none()
            }
            _ => false,
        };
        match out.last_mut() {
            Some(prev) if merge => prev.end = h.range.end,
            _ => out.push(h.range),
        }
        last_index = Some(h.index);
    }
    out
}

/// Applies one answer to the cache; returns the number of shapes decoded.
fn take(
    cache: &mut FileCache,
    load: &mut Load,
    layer: &StreamLayer,
    fetch: &Fetch,
    bytes: &[u8],
    tick: u64,
) -> Result<usize, FgbError> {
    let short = |need: u64| FgbError::Truncated {
        what: "range answer",
        need,
        have: bytes.len() as u64,
    };
    match fetch.part {
        Part::Head => {
            let prefix = bytes.get(..PREFIX_LEN as usize).ok_or(short(PREFIX_LEN))?;
            let end = header_len(prefix)?;
            cache.prefix = Some(prefix.to_vec());
            // The header and the index nodes that came along (whole nodes
            // only); a header longer than the head is read next, as usual.
            if let Some(head) = usize::try_from(end).ok().and_then(|e| bytes.get(..e)) {
                let header = Header::parse(head)?;
                let index = index_size(header.features_count, header.index_node_size)?;
                let nodes = bytes.get(head.len()..).unwrap_or_default();
                let within = usize::try_from(index).unwrap_or(usize::MAX);
                let nodes = nodes.get(..within.min(nodes.len())).unwrap_or_default();
                for (n, chunk) in nodes.chunks_exact(NODE_LEN as usize).enumerate() {
                    if let Ok(node) = <[u8; NODE_LEN as usize]>::try_from(chunk) {
                        cache.nodes.insert(n as u64, node);
                    }
                }
                cache.header = Some(header);
            }
            load.phase = Phase::Searching { waiting: false };
            Ok(0)
        }
        Part::Header => {
            let mut head = cache.prefix.clone().unwrap_or_default();
            head.extend_from_slice(bytes);
            cache.header = Some(Header::parse(&head)?);
            load.phase = Phase::Searching { waiting: false };
            Ok(0)
        }
        Part::Index => {
            let header_end = cache.header.as_ref().map_or(0, |h| h.header_end);
            let offset = fetch.range.start.saturating_sub(header_end);
            if offset % NODE_LEN != 0 {
                return Err(FgbError::BadIndex {
                    reason: "index range not on a node boundary",
                });
            }
            let need = fetch.range.len().unwrap_or(0);
            let body = usize::try_from(need)
                .ok()
                .and_then(|n| bytes.get(..n))
                .ok_or(short(need))?;
            let first = offset / NODE_LEN;
            for (i, chunk) in body.chunks_exact(NODE_LEN as usize).enumerate() {
                if let Ok(node) = <[u8; NODE_LEN as usize]>::try_from(chunk) {
                    cache.nodes.insert(first + i as u64, node);
                }
            }
            load.phase = Phase::Searching { waiting: false };
            Ok(0)
        }
        Part::Features => {
            if let Phase::Features { in_flight, .. } = &mut load.phase {
                *in_flight = in_flight.saturating_sub(1);
            }
            let header = cache.header.as_ref().ok_or(FgbError::BadIndex {
                reason: "features before the header",
            })?;
            // Merged ranges start at a hit and hold consecutive features:
            // the features in the gaps are decoded and kept too, so their
            // bytes are never fetched again.
            let first = load
                .hits
                .iter()
                .find(|h| h.range.start == fetch.range.start)
                .map(|h| h.index)
                .ok_or(FgbError::BadIndex {
                    reason: "feature range not starting at a feature",
                })?;
            let body = match fetch.range.len() {
                Some(n) => usize::try_from(n)
                    .ok()
                    .and_then(|n| bytes.get(..n))
                    .ok_or(short(n))?,
                None => bytes,
            };
            // The range holds the features from its first hit to its last
            // one: their own lengths must split it into as many, or each
            // would be kept under another's number (or lost).
            let starts_inside = |h: &&Hit| {
                h.range.start >= fetch.range.start
                    && fetch.range.end.is_none_or(|e| h.range.start < e)
            };
            let last = load
                .hits
                .iter()
                .filter(starts_inside)
                .map(|h| h.index)
                .max();
            let slices = feature_slices(body).collect::<Result<Vec<_>, _>>()?;
            let held = slices.len() as u64;
            if last.and_then(|l| l.checked_sub(first)) != Some(held.wrapping_sub(1)) {
                return Err(FgbError::BadIndex {
                    reason: "feature lengths disagree with the index",
                });
            }
            let mut decoded = 0;
            for (k, slice) in slices.into_iter().enumerate() {
                let index = first.saturating_add(k as u64);
                if let Some(c) = cache.features.get_mut(&index) {
                    c.used = tick;
                    continue;
                }
                let shape =
                    shapes_from_features(header, slice, &layer.code, &layer.name, &layer.field)?
                        .into_iter()
                        .next();
                let (bbox, cost) = shape
                    .as_ref()
                    .map_or(([0.0; 4], 64), |s| (s.lon_lat_box(), shape_cost(s)));
                decoded += usize::from(shape.is_some());
                cache.features.insert(
                    index,
                    Cached {
                        shape,
                        bbox,
                        cost,
                        used: tick,
                    },
                );
            }
            Ok(decoded)
        }
    }
}

/// Estimated memory of a decoded shape: its rings twice, in lon/lat and
/// in the world coordinates its first drawing keeps
/// ([`Shape::world_parts`]).
fn shape_cost(s: &Shape) -> usize {
    let rings: usize = s
        .parts
        .iter()
        .map(|p| p.iter().map(|r| r.len() * 16 + 24).sum::<usize>() + 24)
        .sum();
    2 * rings + s.code.len() + s.name.len() + 96
}

/// `bounds` grown by `margin` of its width and height on every side.
fn expand(b: [f64; 4], margin: f64) -> [f64; 4] {
    let (dx, dy) = ((b[2] - b[0]) * margin, (b[3] - b[1]) * margin);
    [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
}

/// Whether `outer` holds `inner` entirely.
fn contains(outer: [f64; 4], inner: [f64; 4]) -> bool {
    outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
}

/// Whether two boxes meet (touching counts).
fn meets(a: [f64; 4], b: [f64; 4]) -> bool {
    a[2] >= b[0] && a[3] >= b[1] && a[0] <= b[2] && a[1] <= b[3]
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::geom::mercator::Zoom;
    use flatgeobuf::{ColumnType as Ct, FgbWriter, FgbWriterOptions, GeometryType as Gt};
    use geo_types::{Geometry as G, LineString, Polygon};
    use geozero::{ColumnValue as Cv, PropertyProcessor};
    use std::collections::HashMap;

    /// Cells of `step`° over lon −5..10, lat 41..51: code `c{col}-{row}`,
    /// rate `col + row`, with `extra` more vertices per side for weight.
    pub(in crate::map) fn grid(step: f64, extra: usize) -> Vec<u8> {
        let mut w =
            FgbWriter::create_with_options("grid", Gt::Polygon, FgbWriterOptions::default())
                .unwrap();
        for (name, ty) in [
            ("siren", Ct::String),
            ("name", Ct::String),
            ("rate", Ct::Double),
        ] {
            w.add_column(name, ty, |_, _| {});
        }
        let (cols, rows) = ((15.0 / step) as u32, (10.0 / step) as u32);
        for r in 0..rows {
            for c in 0..cols {
                let (x, y) = (-5.0 + f64::from(c) * step, 41.0 + f64::from(r) * step);
                let mut ring = Vec::new();
                for (ax, ay, bx, by) in [
                    (x, y, x + step, y),
                    (x + step, y, x + step, y + step),
                    (x + step, y + step, x, y + step),
                    (x, y + step, x, y),
                ] {
                    for k in 0..=extra {
                        let t = k as f64 / (extra + 1) as f64;
                        ring.push((ax + (bx - ax) * t, ay + (by - ay) * t));
                    }
                }
                ring.push((x, y));
                let poly = Polygon::new(LineString::from(ring), vec![]);
                let code = format!("c{c}-{r}");
                w.add_feature_geom(G::Polygon(poly), |f| {
                    f.property(0, "siren", &Cv::String(&code)).unwrap();
                    f.property(1, "name", &Cv::String(&code)).unwrap();
                    f.property(2, "rate", &Cv::Double(f64::from(c + r)))
                        .unwrap();
                })
                .unwrap();
            }
        }
        let mut out = Vec::new();
        w.write(&mut out).unwrap();
        out
    }

    fn file(path: &str, min: f64, max: f64, bytes: usize) -> LayerFile {
        LayerFile {
            path: path.into(),
            min_zoom: min,
            max_zoom: max,
            tolerance_m: 0.0,
            bytes: bytes as u64,
            sha256: String::new(),
            indexed: true,
            fields: vec![],
            gzip_bytes: None,
        }
    }

    /// Layer files served by range, counting requests and body bytes.
    struct Server {
        files: HashMap<String, Vec<u8>>,
        requests: usize,
        bytes: u64,
        log: Vec<(String, u64, u64)>,
    }

    impl Server {
        fn get(&mut self, f: &Fetch) -> Vec<u8> {
            let file = &self.files[&f.path];
            let start = f.range.start as usize;
            let end = f
                .range
                .end
                .map_or(file.len(), |e| (e as usize).min(file.len()));
            self.requests += 1;
            self.bytes += (end - start) as u64;
            self.log.push((f.path.clone(), start as u64, end as u64));
            file[start..end].to_vec()
        }

        /// Runs a view load to the end as the glue does.
        fn drive(&mut self, loads: &mut Loads) -> Report {
            while let Some(f) = loads.next_fetch() {
                let bytes = self.get(&f);
                loads.feed(&f, &bytes).unwrap();
            }
            loads.take_report().unwrap()
        }

        /// Runs a view load to the end with up to `max` requests under way,
        /// answering each batch in reverse order; returns the report and the
        /// most requests seen under way at once.
        fn drive_parallel(&mut self, loads: &mut Loads, max: usize) -> (Report, usize) {
            let mut peak = 0;
            let mut pending: Vec<Fetch> = Vec::new();
            loop {
                pending.extend(loads.next_fetches(max));
                peak = peak.max(loads.in_flight());
                assert_eq!(loads.in_flight(), pending.len());
                // The most recent request answers first.
                let Some(f) = pending.pop() else { break };
                let bytes = self.get(&f);
                loads.feed(&f, &bytes).unwrap();
            }
            (loads.take_report().unwrap(), peak)
        }
    }

    /// Shapes drawn with overview shapes set aside by index (as the map
    /// links them) are the very shapes drawn with codes looked up.
    fn assert_same_linked(loads: &Loads, cam: &Camera, overview: &[Shape], count: usize) {
        let ids: HashMap<&str, usize> = overview
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.as_str(), i))
            .collect();
        let link = |s: &Shape| ids.get(s.code.as_str()).copied();
        let addresses = |shapes: Vec<&Shape>| {
            let mut a: Vec<*const Shape> = shapes.into_iter().map(|s| s as *const Shape).collect();
            a.sort();
            a
        };
        let linked = addresses(loads.shapes_in(0, cam.bounds(), overview, &link).unwrap());
        let by_code = addresses(
            loads
                .shapes_in(0, cam.bounds(), overview, &|_| None)
                .unwrap(),
        );
        assert_eq!(linked.len(), count);
        assert_eq!(linked, by_code);
    }

    /// Code and rings of every shape drawn, sorted, to compare two runs.
    fn drawn(loads: &Loads, cam: &Camera, overview: &[Shape]) -> Vec<String> {
        let mut out: Vec<String> = loads
            .shapes_in(0, cam.bounds(), overview, &|_| None)
            .unwrap()
            .iter()
            .map(|s| format!("{} {:?}", s.code, s.parts))
            .collect();
        out.sort();
        out
    }

    /// Polygons of a frame as (fill, rings), the feature ids left out.
    fn polygons(d: &crate::scene::DisplayList) -> Vec<String> {
        let mut out: Vec<String> = d
            .items
            .iter()
            .filter_map(|i| match i {
                crate::scene::Item::Polygon { rings, style, .. } => {
                    Some(format!("{:?} {rings:?}", style.fill))
                }
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    /// A map classified from the values file's column, before the
    /// overview, draws the streamed detail in the very colours of the map
    /// built with the overview, and has its legend.
    #[test]
    fn a_preview_draws_the_detail_as_the_full_map() {
        use crate::map::values;
        use crate::map::view::{tests_support::plan, MapView};
        use crate::style::legend::Lang;
        let (mut loads, mut server, _) = setup();
        // An overview whose codes and values are the detail's, as a real
        // layer's are (the grids of `setup` number their cells alike).
        let (_, shapes) = super::super::shapes_from_file(
            &server.files["epci-medium.fgb"],
            "siren",
            "name",
            "rate",
        )
        .unwrap();
        let plan = plan();
        let all = super::super::values_of(&shapes);
        let (bytes, columns) = values::encode(&[("rate".into(), all)]).unwrap();
        let column = values::decode(&bytes, &columns[0]).unwrap();
        let size = [800.0, 600.0];
        let mut preview = MapView::preview(&plan, &column, size, Lang::Fr).unwrap();
        preview.set_view(2.5, 46.5, 8.0).unwrap();
        loads.set_view(&preview.camera);
        let report = server.drive(&mut loads);
        assert!(report.features > 20, "{report:?}");
        preview.stream = Some(loads);
        let early = preview.frame();
        let mut full = MapView::new(&plan, shapes.clone(), vec![], size, Lang::Fr).unwrap();
        full.set_view(2.5, 46.5, 8.0).unwrap();
        full.stream = preview
            .stream
            .take()
            .map(|l| l.with_overview_features(shapes.len()));
        let later = full.frame();
        assert_eq!(preview.choropleth.legend, full.choropleth.legend);
        // Names come with the overview (placed from it, they do not move).
        let named = |d: &crate::scene::DisplayList| {
            d.items
                .iter()
                .filter(|i| matches!(i, crate::scene::Item::Label { .. }))
                .count()
        };
        assert_eq!((named(&early), named(&later) > 0), (0, true));
        let (a, b) = (polygons(&early), polygons(&later));
        assert!(a.len() > 20, "{}", a.len());
        let fills: std::collections::HashSet<&str> =
            a.iter().filter_map(|p| p.split(" [").next()).collect();
        assert!(fills.len() >= 2, "{fills:?}");
        assert_eq!(a, b);
        // The preview looked no overview shape up: the full map links them.
        let drawn = full
            .stream
            .as_ref()
            .unwrap()
            .shapes_in(0, full.camera.bounds(), &full.shapes, &|_| None)
            .unwrap();
        assert!(drawn.iter().all(|s| s.overview_index(|_| None).is_some()));
    }

    /// An `epci` layer: a coarse overview and a medium and full grid.
    fn setup() -> (Loads, Server, Vec<Shape>) {
        let overview = grid(1.0, 0);
        let medium = grid(0.25, 8);
        let full = grid(0.25, 40);
        let layer = StreamLayer {
            id: "epci".into(),
            files: vec![
                file("epci-overview.fgb", 0.0, 7.0, overview.len()),
                file("epci-medium.fgb", 7.0, 10.0, medium.len()),
                file("epci.fgb", 10.0, 24.0, full.len()),
            ],
            code: "siren".into(),
            name: "name".into(),
            field: "rate".into(),
            features: 2400,
        };
        let (_, shapes) =
            super::super::shapes_from_file(&overview, "siren", "name", "rate").unwrap();
        let server = Server {
            files: HashMap::from([
                ("epci-overview.fgb".to_owned(), overview),
                ("epci-medium.fgb".to_owned(), medium),
                ("epci.fgb".to_owned(), full),
            ]),
            requests: 0,
            bytes: 0,
            log: Vec::new(),
        };
        (Loads::new(vec![layer], shapes.len()), server, shapes)
    }

    const ARRAS: [f64; 2] = [2.78, 50.29];

    fn camera(center: [f64; 2], zoom: f64) -> Camera {
        Camera::new(center, Zoom::clamped(zoom), 800.0, 600.0)
    }

    #[test]
    fn feature_ranges_merge_forward_only() {
        let hit = |index, start, end| Hit {
            index,
            range: ByteRange {
                start,
                end: Some(end),
            },
        };
        let range = |start, end| ByteRange {
            start,
            end: Some(end),
        };
        let none = BTreeMap::new();
        // Neighbours 100 bytes apart merge.
        let near = [hit(3, 1_000, 1_100), hit(4, 1_200, 1_300)];
        assert_eq!(feature_ranges(&near, &none, 1_000), [range(1_000, 1_300)]);
        // Offsets going back from one hit to the next (a lying index): two
        // ranges, not one from byte 1,000 to byte 600.
        let back = [hit(3, 1_000, 1_100), hit(7, 500, 600)];
        assert_eq!(
            feature_ranges(&back, &none, 1_000),
            [range(1_000, 1_100), range(500, 600)]
        );
        // The same feature twice is asked for once; one number with two
        // ranges (never from IndexSearch) is not merged into itself.
        let twice = [hit(3, 1_000, 1_100), hit(3, 1_000, 1_100)];
        assert_eq!(feature_ranges(&twice, &none, 1_000), [range(1_000, 1_100)]);
        let two = [hit(3, 1_000, 1_100), hit(3, 1_100, 1_200)];
        assert_eq!(
            feature_ranges(&two, &none, 1_000),
            [range(1_000, 1_100), range(1_100, 1_200)]
        );
    }

    #[test]
    fn level_names_come_from_the_files() {
        assert_eq!(level_name("epci", "epci-overview.fgb"), "overview");
        assert_eq!(level_name("epci", "epci-medium.fgb"), "medium");
        assert_eq!(level_name("epci", "epci.fgb"), "full");
        assert_eq!(level_name("epci", "x/epci.fgb"), "full");
    }

    #[test]
    fn progress_is_drawn_at_most_ten_times_a_second() {
        assert_eq!(progress_redraw_delay(0.0), 100.0);
        assert_eq!(progress_redraw_delay(30.0), 70.0);
        assert_eq!(progress_redraw_delay(250.0), 0.0);
        // A clock that went back, or no drawing yet.
        assert_eq!(progress_redraw_delay(-5.0), 100.0);
        assert_eq!(progress_redraw_delay(f64::INFINITY), 0.0);
    }

    #[test]
    fn the_first_read_takes_the_header_and_the_index_that_fits() {
        // 1,253 EPCIs: 1,338 nodes (53,520 bytes), the whole index.
        assert_eq!(head_len(2_613_648, 1_253), 12 + 4_096 + 53_520);
        // 34,867 communes: root, 9 and 137 nodes; the next level (2,180
        // nodes, 87 KB) is read as the view needs it.
        assert_eq!(head_len(19_926_104, 34_867), 12 + 4_096 + 147 * 40);
        // Never past the file; no count, no index.
        assert_eq!(head_len(1_000, 1_253), 1_000);
        assert_eq!(head_len(0, 0), 12 + 4_096);
    }

    #[test]
    fn zoom_5_draws_the_overview_without_a_request() {
        let (mut loads, mut server, overview) = setup();
        assert_eq!(loads.set_view(&camera(ARRAS, 5.0)), Some(1));
        assert_eq!(loads.next_fetch(), None);
        let r = server.drive(&mut loads);
        assert_eq!((r.level.as_str(), r.requests, r.bytes), ("overview", 0, 0));
        assert_eq!(r.features, 150);
        assert!(loads
            .shapes_in(0, camera(ARRAS, 5.0).bounds(), &overview, &|_| None)
            .is_none());
        // Panning at the overview never starts another load.
        assert_eq!(loads.set_view(&camera([0.0, 45.0], 6.5)), None);
    }

    #[test]
    fn zoom_8_over_arras_reads_a_small_part_of_the_medium_file() {
        let (mut loads, mut server, overview) = setup();
        let cam = camera(ARRAS, 8.0);
        assert_eq!(loads.set_view(&cam), Some(1));
        // Before any byte arrives, the overview is drawn: never blank.
        let before = loads
            .shapes_in(0, cam.bounds(), &overview, &|_| None)
            .unwrap();
        assert_eq!(before.len(), overview.len());
        let first = loads.next_fetch().unwrap();
        assert_eq!(
            (first.path.as_str(), first.part, first.range),
            (
                "epci-medium.fgb",
                Part::Head,
                ByteRange {
                    start: 0,
                    // Prefix, 4,096 bytes for the header, and the three
                    // upper index levels of the 2,400 cells (161 nodes).
                    end: Some(12 + 4_096 + 161 * 40)
                }
            )
        );
        assert_eq!(loads.next_fetch(), None, "one search step at a time");
        assert!(loads.searching());
        let bytes = server.get(&first);
        loads.feed(&first, &bytes).unwrap();
        let mut shown = Vec::new();
        while let Some(f) = loads.next_fetch() {
            // Searching until the first feature range is handed out.
            assert_eq!(loads.searching(), f.part != Part::Features, "{f:?}");
            let bytes = server.get(&f);
            let p = loads.progress().unwrap();
            assert!(p.done < p.total, "{p:?}");
            loads.feed(&f, &bytes).unwrap();
            shown.push(
                loads
                    .shapes_in(0, cam.bounds(), &overview, &|_| None)
                    .unwrap()
                    .len(),
            );
        }
        let r = loads.take_report().unwrap();
        let size = server.files["epci-medium.fgb"].len() as u64;
        println!("fixture zoom 8: {r:?}, file {size} B, log {:?}", server.log);
        assert_eq!(
            (r.level.as_str(), r.file.as_str()),
            ("medium", "epci-medium.fgb")
        );
        assert_eq!(r.features, 216);
        // The head (prefix, header, upper levels), the leaves in one run
        // (two before the index's gaps were bridged up to 32 KB: 190,068
        // bytes), two merged feature ranges (three, 201,548 bytes, with
        // 8 KB between features): 4 requests where reading the prefix, the
        // header and each level apart took 10 (182,120 bytes then: the
        // head's header allowance brings 7,948 bytes more).
        assert_eq!((r.requests, r.bytes), (4, 220_588));
        assert_eq!(size, 1_734_680);
        assert_eq!(server.requests as u32, r.requests);
        assert!(r.bytes * 4 < size, "{} of {size} bytes", r.bytes);
        assert!(server.log.iter().all(|(p, ..)| p == "epci-medium.fgb"));
        // Then the leaves the view needs (nodes 161 to 754 here), features last.
        assert_eq!(server.log[1], ("epci-medium.fgb".into(), 42_520, 66_240));
        // Shapes drawn grow as ranges arrive: medium cells replace overview cells.
        let medium_cells = loads
            .shapes_in(0, cam.bounds(), &overview, &|_| None)
            .unwrap()
            .iter()
            .filter(|s| s.parts[0][0].len() > 5)
            .count();
        assert_eq!(medium_cells, 144);
        // No overview cell shares a code with these: all 150 stay drawn.
        assert_same_linked(&loads, &cam, &overview, 150 + 144);
        // Under an overview of the medium cells themselves, each cell read
        // sets its twin aside: every territory once.
        let medium = &server.files["epci-medium.fgb"];
        let (_, twins) = super::super::shapes_from_file(medium, "siren", "name", "rate").unwrap();
        assert_same_linked(&loads, &cam, &twins, twins.len());
        // Before the features, the overview's 150 cells; then each range
        // replaces big cells by the small ones it holds.
        assert_eq!(shown.first(), Some(&150));
        assert!(
            shown.len() == 3 && shown.last() > shown.first(),
            "{shown:?}"
        );
        assert_eq!(loads.progress(), None);
        assert_eq!(loads.take_report(), None, "one report per view load");
        // Colours keep the overview's classes: the value field is read too.
        let cell = loads
            .shapes_in(0, cam.bounds(), &overview, &|_| None)
            .unwrap()
            .into_iter()
            .find(|s| s.code == "c31-37")
            .unwrap();
        assert_eq!(cell.value, Some(68.0));
    }

    #[test]
    fn requests_in_flight_read_the_same_bytes_in_any_order() {
        let (mut loads, _, overview) = setup();
        // A regional view: zoom 7.5 over Arras, medium level.
        let cam = camera(ARRAS, 7.5);
        loads.set_view(&cam);
        // The search is sequential: one request, whatever the room.
        assert_eq!(loads.next_fetches(MAX_IN_FLIGHT).len(), 1);
        assert_eq!(loads.next_fetches(MAX_IN_FLIGHT), vec![]);
        assert_eq!(loads.in_flight(), 1);
        // Afresh: the same 6 requests and 399,028 bytes as one at a time
        // (the head, the leaves in one read, four merged feature ranges),
        // all four feature ranges at once, answered last first.
        let (mut all, mut server_all, _) = setup();
        all.set_view(&cam);
        let (r, peak) = server_all.drive_parallel(&mut all, MAX_IN_FLIGHT);
        assert_eq!(
            (r.requests, r.bytes, r.features, peak),
            (6, 399_028, 374, 4)
        );
        // With a cap of two, two at a time: the same bytes again.
        let (mut loads, mut server_par, _) = setup();
        loads.set_view(&cam);
        let (r, peak) = server_par.drive_parallel(&mut loads, 2);
        assert_eq!((r.requests, r.bytes, r.features), (6, 399_028, 374));
        assert_eq!(peak, 2);
        assert!(!r.failed);
        assert_eq!(loads.progress(), None);
        let parallel = drawn(&loads, &cam, &overview);
        // Sequential reference, answers fed in order: the same shapes.
        let (mut seq, mut seq_server, _) = setup();
        seq.set_view(&cam);
        let s = seq_server.drive(&mut seq);
        assert_eq!((s.requests, s.bytes), (6, 399_028));
        assert_eq!(parallel, drawn(&seq, &cam, &overview));
        assert_eq!(parallel.len(), 384);
        let mut a = server_par.log.clone();
        let mut b = seq_server.log.clone();
        assert_ne!(a, b, "answered in another order");
        a.sort();
        b.sort();
        assert_eq!(a, b, "the same ranges");
    }

    #[test]
    fn one_failed_range_of_four_leaves_the_other_three_decoded() {
        let (mut loads, mut server, overview) = setup();
        let cam = camera(ARRAS, 7.5);
        loads.set_view(&cam);
        // The head (prefix, header, upper levels), then the leaves.
        for _ in 0..2 {
            let f = loads.next_fetches(4);
            assert_eq!(f.len(), 1, "{f:?}");
            let bytes = server.get(&f[0]);
            loads.feed(&f[0], &bytes).unwrap();
        }
        let batch = loads.next_fetches(4);
        assert_eq!(batch.len(), 4);
        assert!(batch.iter().all(|f| f.part == Part::Features));
        assert_eq!(loads.next_fetches(4), vec![], "the view's four ranges");
        assert_eq!(loads.progress().map(|p| (p.done, p.total)), Some((2, 6)));
        // The second range fails; the others arrive after it, last first.
        loads.fail(&batch[1]);
        let mut decoded = 0;
        for f in [&batch[3], &batch[2], &batch[0]] {
            assert_eq!(loads.take_report(), None, "ranges still to come");
            let bytes = server.get(f);
            match loads.feed(f, &bytes) {
                Ok(Fed::Taken { shapes }) => decoded += shapes,
                other => panic!("{other:?}"),
            }
        }
        let lost = batch[1].range;
        let features = &loads.layers[0].caches[1].features;
        assert_eq!(decoded, features.len());
        assert_eq!(decoded, 251);
        let r = loads.take_report().unwrap();
        assert!(r.failed);
        assert_eq!((r.requests, loads.in_flight()), (5, 0));
        // Only the failed range's features are missing: its territories
        // stay drawn from the overview.
        let hits = &loads.layers[0].load.as_ref().unwrap().hits;
        let cached = &loads.layers[0].caches[1].features;
        let missing: Vec<_> = hits
            .iter()
            .filter(|h| !cached.contains_key(&h.index))
            .collect();
        assert!(!missing.is_empty());
        assert!(missing.iter().all(
            |h| h.range.start >= lost.start && lost.end.is_some_and(|e| h.range.end <= Some(e))
        ));
        assert_eq!(drawn(&loads, &cam, &overview).len(), 258);
    }

    #[test]
    fn a_scoped_load_covers_views_that_show_more_than_its_territory() {
        // The territory: a 1° square around Arras; the early load reads the
        // view that fits it, the map then fits it beside its legend,
        // zoomed out a little (still the medium level).
        let territory = [2.28, 49.79, 3.28, 50.79];
        let early = camera([2.78, 50.29], 8.6);
        let map = camera([2.9, 50.29], 8.3);
        let far = camera([7.0, 50.29], 8.3);
        let (scoped, _, _) = setup();
        let mut scoped = scoped.with_scope(territory);
        let (mut plain, _, _) = setup();
        for loads in [&mut scoped, &mut plain] {
            assert_eq!(loads.set_view(&early), Some(1));
        }
        assert!(!contains(expand(early.bounds(), MARGIN), map.bounds()));
        // What the map shows beyond its territory is never drawn.
        assert_eq!(scoped.set_view(&map), None);
        assert_eq!(plain.set_view(&map), Some(2));
        // Panned off the territory, nothing is left to read.
        assert_eq!(scoped.set_view(&far), None);
        // Zoomed in on it, the next level is read.
        assert_eq!(scoped.set_view(&camera([2.78, 50.29], 10.5)), Some(2));
    }

    #[test]
    fn panning_requests_only_new_ranges_and_panning_back_none() {
        let (mut loads, mut server, overview) = setup();
        loads.set_view(&camera(ARRAS, 8.0));
        server.drive(&mut loads);
        let first: Vec<_> = server.log.clone();
        // A small pan stays inside the margin: no view load.
        assert_eq!(loads.set_view(&camera([2.9, 50.3], 8.0)), None);
        // A neighbouring view: header and cached nodes are not read again,
        // and no feature range overlaps one already read.
        assert_eq!(loads.set_view(&camera([7.0, 50.29], 8.0)), Some(2));
        let r = server.drive(&mut loads);
        let second = &server.log[first.len()..];
        assert_eq!(second.len() as u32, r.requests);
        assert!(second.iter().all(|(_, s, _)| *s >= 12), "{second:?}");
        for (_, s, e) in second {
            assert!(
                first.iter().all(|(_, a, b)| e <= a || s >= b),
                "{s}..{e} was read before"
            );
        }
        // Two merged feature ranges: its leaves came with the first view's reads.
        assert_eq!((r.requests, r.bytes), (2, 110_480));
        // Back to Arras: everything is cached.
        assert_eq!(loads.set_view(&camera(ARRAS, 8.0)), Some(3));
        let back = server.drive(&mut loads);
        assert_eq!((back.requests, back.bytes, back.features), (0, 0, 216));
        // Zooming in inside the box costs nothing; crossing to the full level reads it.
        assert_eq!(loads.set_view(&camera(ARRAS, 9.5)), None);
        assert_eq!(loads.set_view(&camera(ARRAS, 10.0)), Some(4));
        assert_eq!(loads.next_fetch().map(|f| f.path), Some("epci.fgb".into()));
        // Meanwhile both views' medium cells and the overview elsewhere,
        // each territory once, set aside by index as by code.
        let wide = camera([5.0, 50.0], 6.0);
        let drawn = loads.shapes_in(0, wide.bounds(), &overview, &|_| None);
        assert_same_linked(&loads, &wide, &overview, drawn.unwrap().len());
    }

    #[test]
    fn a_stale_load_is_ignored_and_the_new_one_completes() {
        let (mut loads, mut server, overview) = setup();
        loads.set_view(&camera(ARRAS, 8.0));
        let head = loads.next_fetch().unwrap();
        let bytes = server.get(&head);
        loads.feed(&head, &bytes).unwrap();
        let leaves = loads.next_fetch().unwrap();
        assert_eq!(leaves.part, Part::Index);
        // The view moves far away before the leaves arrive.
        assert_eq!(loads.set_view(&camera([5.4, 43.3], 8.0)), Some(2));
        let late = server.get(&leaves);
        assert_eq!(loads.feed(&leaves, &late), Ok(Fed::Stale));
        loads.fail(&leaves); // a stale failure changes nothing either
                             // The head, fed while current, stays; the new view's leaves are asked.
        let again = loads.next_fetch().unwrap();
        assert_eq!((again.view, again.part), (2, Part::Index));
        assert_ne!(again.range, leaves.range);
        let bytes = server.get(&again);
        loads.feed(&again, &bytes).unwrap();
        let r = server.drive(&mut loads);
        assert!(!r.failed && r.features > 0);
        let marseille = camera([5.4, 43.3], 8.0).bounds();
        let drawn = loads.shapes_in(0, marseille, &overview, &|_| None).unwrap();
        assert!(drawn.iter().any(|s| s.code == "c41-9"));
    }

    /// A scoped page's map is built from a complete view load only: none
    /// while it reads, every shape it read once it is over, none if a
    /// range failed (the territory would miss features).
    #[test]
    fn complete_shapes_wait_for_a_whole_load_without_failure() {
        let (mut loads, mut server, _) = setup();
        assert!(loads.complete_shapes(0).is_none(), "no view load yet");
        let cam = camera(ARRAS, 8.0);
        loads.set_view(&cam);
        let f = loads.next_fetch().unwrap();
        assert!(loads.complete_shapes(0).is_none(), "under way");
        assert_eq!((f.layer, loads.answering()), (0, false));
        let bytes = server.get(&f);
        loads.feed(&f, &bytes).unwrap();
        assert!(loads.answering(), "its head answered");
        let r = server.drive(&mut loads);
        assert_eq!((loads.bytes(), loads.answering()), (r.bytes, false));
        let shapes = loads.complete_shapes(0).expect("complete");
        // The features found, and those the merged ranges brought beside.
        assert!(shapes.len() >= r.features && r.features > 20, "{r:?}");
        assert!(
            shapes.iter().all(|s| s.parts[0][0].len() > 8),
            "medium level"
        );
        assert!(shapes.iter().any(|s| s.code == "c31-37"), "Arras' cell");
        loads.set_view(&camera([5.4, 43.3], 8.0));
        while let Some(f) = loads.next_fetch() {
            if f.part == Part::Features {
                loads.fail(&f);
            } else {
                let bytes = server.get(&f);
                loads.feed(&f, &bytes).unwrap();
            }
        }
        assert!(loads.progress().is_none());
        assert!(loads.complete_shapes(0).is_none(), "a range failed");
    }

    #[test]
    fn failures_keep_the_previous_level_and_bad_bytes_are_errors() {
        let (mut loads, mut server, overview) = setup();
        let cam = camera(ARRAS, 8.0);
        loads.set_view(&cam);
        let f = loads.next_fetch().unwrap();
        loads.fail(&f);
        let r = loads.take_report().unwrap();
        assert!(r.failed);
        assert_eq!(r.requests, 0);
        // The overview still fills the view.
        assert_eq!(
            loads
                .shapes_in(0, cam.bounds(), &overview, &|_| None)
                .unwrap()
                .len(),
            150
        );
        // Garbage instead of the prefix: an error naming the file.
        loads.set_view(&camera([7.0, 45.0], 8.0));
        let f = loads.next_fetch().unwrap();
        let e = loads.feed(&f, b"not a flatgeobuf").unwrap_err();
        assert_eq!(e.path, "epci-medium.fgb");
        assert_eq!(e.error, FgbError::BadMagic);
        assert!(loads.take_report().unwrap().failed);
        // A truncated index answer is an error too, not a panic.
        loads.set_view(&camera([0.0, 47.0], 8.0));
        let mut fed = 0;
        while let Some(f) = loads.next_fetch() {
            let mut bytes = server.get(&f);
            if f.part == Part::Index {
                bytes.truncate(7);
                assert!(loads.feed(&f, &bytes).is_err());
                break;
            }
            loads.feed(&f, &bytes).unwrap();
            fed += 1;
        }
        assert!(fed >= 1);
        assert!(loads.take_report().unwrap().failed);
    }

    #[test]
    fn the_cache_is_bounded() {
        let (loads, mut server, _) = setup();
        let mut loads = loads.with_cache_limit(100_000);
        loads.set_view(&camera(ARRAS, 8.0));
        server.drive(&mut loads);
        let arras = loads.cached_bytes();
        assert!(arras > 100_000, "the current view is kept whole ({arras})");
        loads.set_view(&camera([-1.0, 44.0], 8.0));
        server.drive(&mut loads);
        // Over the cap, only what the current view read is kept.
        let view = loads.view();
        let kept = loads.layers[0].caches[1].features.values();
        assert!(kept.map(|c| c.used).all(|u| u == view));
        // Arras was evicted: going back reads it again.
        loads.set_view(&camera(ARRAS, 8.0));
        let back = server.drive(&mut loads);
        assert!(back.requests > 0);
    }

    /// The real medium EPCI file, when built (`cargo run --release -p maillage-prep -- build --out www/layers`).
    #[test]
    fn real_epci_medium_over_arras() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/layers/");
        let (Ok(overview), Ok(medium)) = (
            std::fs::read(format!("{dir}epci-overview.fgb")),
            std::fs::read(format!("{dir}epci-medium.fgb")),
        ) else {
            eprintln!("www/layers not built: skipped");
            return;
        };
        let (_, shapes) =
            super::super::shapes_from_file(&overview, "siren", "name", "illectronism_rate")
                .unwrap();
        let size = medium.len();
        let layer = StreamLayer {
            id: "epci".into(),
            files: vec![
                file("epci-overview.fgb", 0.0, 7.0, overview.len()),
                file("epci-medium.fgb", 7.0, 10.0, size),
            ],
            code: "siren".into(),
            name: "name".into(),
            field: "illectronism_rate".into(),
            features: shapes.len() as u64,
        };
        let mut loads = Loads::new(vec![layer], shapes.len());
        let mut server = Server {
            files: HashMap::from([("epci-medium.fgb".to_owned(), medium)]),
            requests: 0,
            bytes: 0,
            log: Vec::new(),
        };
        // The map of www/carte.html: 868 × 480 CSS pixels.
        let cam = Camera::new(ARRAS, Zoom::clamped(8.0), 868.0, 480.0);
        loads.set_view(&cam);
        let r = server.drive(&mut loads);
        println!("real epci-medium, zoom 8 over Arras: {r:?} of {size} bytes");
        assert!(r.bytes * 4 < size as u64, "{} of {size}", r.bytes);
        let drawn = loads
            .shapes_in(0, cam.bounds(), &shapes, &|_| None)
            .unwrap();
        let arras = drawn.iter().find(|s| s.code == "200033579").unwrap();
        assert_eq!(arras.value.map(|v| (v * 10.0).round() / 10.0), Some(15.8));
        assert_same_linked(&loads, &cam, &shapes, drawn.len());
    }
}
