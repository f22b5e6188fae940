//! Screen-space clustering of help places: at low zoom the ~62,700 places
//! are grouped into circles showing how many they hold (as
//! Leaflet.markercluster or supercluster do), at high zoom a group of one is
//! a single place drawn alone. It runs every frame while panning, on
//! positions the caller has already projected to CSS pixels.
//!
//! Method: the kept points (finite, inside the view widened by the radius
//! on every side) are bucketed into a grid of cells at least `radius_px`
//! wide (one counting sort, no hashing). Then, greedily, in the order the
//! caller gives the ids (by index, say), each point not yet taken starts a
//! cluster (its *seed*) and takes every point not yet taken whose distance
//! to the seed is at most `radius_px`; those all lie in the 3×3 cells
//! around the seed's. Distances are Euclidean and measured from the seed,
//! not from the growing cluster, so there is no chaining: a cluster is at
//! most `2 × radius_px` across (points 30 px apart in a line, radius 40,
//! pair up as {0, 30}, {60, 90}, …; see the tests). A cluster is drawn at
//! the mean of its members: the seed is merely the first point in index
//! order, often at the edge of the group, while the mean sits on the group
//! and moves smoothly as members come and go.
//!
//! Each cell keeps its free points first: a point taken is swapped behind
//! them, so a scan reads only free points. Seeds are more than `radius_px`
//! apart, so a cell holds only a few of them, and each point is read by a
//! few scans at most: the cost grows with the number of points, not with
//! their density. (Unless the grid had to be coarsened, for at most four
//! cells per kept point: with 62,700 points on a 1024×768 view, for a
//! radius under 2 px.)
//!
//! The result depends only on the input (ids order, positions, radius,
//! view), never on the grid origin or on hashing: the same frame gives the
//! same clusters. Limits:
//! - no hierarchy across zooms (supercluster's): clusters regroup when the
//!   zoom changes, with no animation;
//! - a translation keeps every distance, so panning keeps the clusters,
//!   except where a point entering or leaving the widened view is the seed
//!   (or a member) of a group near the edge; that group, and rarely a few
//!   next to it, regroup;
//! - circles may overlap: two seeds are more than `radius_px` apart, but
//!   the means of their groups can be closer than their circles are wide.
//!   [`merge_overlaps`] then merges such groups, in a few rounds, until no
//!   circle of a group overlaps another.
//!
//! Measured (`cargo test --release --lib map::cluster -- --ignored
//! --nocapture`, a shared 2-core machine under load, fastest of 101 runs
//! with one [`Clusterer`]), 62,700 pseudo-random points, radius 40 px:
//! 2.2 ms when a 1024×768 view holds them all (as France at zoom 5.5),
//! 1.9 ms when 90 % are in 40 cities, 0.1 ms over a 20,000 px wide area
//! clipped to a 1024×768 view; 4.1 ms with a radius of 8 px (6,824
//! clusters). About 19 million instructions for the first (callgrind).
//! [`merge_overlaps`] on the groups of radius 36 of the first: 430 groups
//! to 249 in 0.24 to 0.36 ms; of the 40 cities, 403 to 274 in 0.38 to
//! 0.60 ms (2026-12-07).

/// At most this many grid cells per kept point (plus 64): a tiny radius on
/// a wide view would otherwise ask for millions of cells. Cells grow
/// instead, which stays correct (they are still at least a radius wide),
/// only slower.
const CELLS_PER_POINT: usize = 4;

/// Radius (CSS px) of the circle of a single place.
pub const SINGLE_RADIUS: f64 = 7.0;

/// Smallest radius (CSS px) of a cluster of two or more: room for its
/// count, two digits at an 11 px font.
pub const CLUSTER_MIN_RADIUS: f64 = 14.0;

/// Smallest hit radius (CSS px) to pass to [`hit`] on touch screens: a
/// fingertip covers about 44 px (the usual minimum touch target), far more
/// than a 7 px place, so taps use this radius when it exceeds the drawn one.
pub const TOUCH_HIT_RADIUS: f64 = 22.0;

/// A group of places drawn as one circle (or one place, when `count` is 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cluster {
    /// Where it is drawn, CSS px: the mean of its members' positions.
    pub x: f64,
    /// Where it is drawn, CSS px (y downwards).
    pub y: f64,
    /// How many places it holds (at least 1); the number drawn on it.
    pub count: u32,
    /// Where its members start in [`Clusters::members`] (one shared buffer,
    /// not one `Vec` per cluster: tens of thousands of singletons per frame).
    pub start: u32,
    /// Its most frequent kind (the caller's category of each place), so
    /// the circle can be coloured by it; ties go to the smallest kind.
    pub dominant: u8,
}

/// The clusters of one frame and their members.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clusters {
    /// The clusters, in the order of their seeds in the caller's ids.
    pub list: Vec<Cluster>,
    /// The ids of every cluster's members, cluster after cluster; each
    /// cluster's run starts with its seed. Read them with
    /// [`Clusters::members`].
    pub members: Vec<u32>,
}

impl Clusters {
    /// The ids of cluster `i`'s places (its seed first), to list them when
    /// it is tapped or to zoom to their extent; empty for an unknown `i`.
    pub fn members(&self, i: usize) -> &[u32] {
        self.list
            .get(i)
            .and_then(|c| {
                let start = c.start as usize;
                // Fields are public: no overflow on wasm32 either.
                self.members
                    .get(start..start.saturating_add(c.count as usize))
            })
            .unwrap_or(&[])
    }
}

/// Groups the points `ids` of `points` (screen positions, CSS px) that lie
/// inside `view` (`[x0, y0, x1, y1]`, widened by `radius_px` on every side,
/// so groups straddling the edge are still whole) into clusters at most
/// `radius_px` from their seed; see the module doc. A frame loop should
/// keep a [`Clusterer`] instead, which reuses its memory.
///
/// Hostile input is skipped, never a panic: ids out of range or repeated
/// (the first time counts), non-finite positions, a `NaN` view (nothing is
/// kept). A reversed view is put in order; a negative or `NaN` radius is 0
/// (only coincident points merge). `kind` gives each id's category (kinds
/// 0..16 in practice; any `u8` works) for [`Cluster::dominant`].
pub fn cluster(
    points: &[[f64; 2]],
    ids: impl IntoIterator<Item = u32>,
    radius_px: f64,
    view: [f64; 4],
    kind: impl Fn(u32) -> u8,
) -> Clusters {
    let mut out = Clusters::default();
    Clusterer::default().cluster_into(points, ids, radius_px, view, kind, &mut out);
    out
}

/// [`cluster`] with its working memory kept between calls: clustering runs
/// every frame while panning, and a fresh call allocates and fills about
/// 4 MB for 62,700 points. Measured natively (`perf stat`, 300 calls, all
/// points in view): 3.9 ms of CPU per call with one clusterer, 5.4 ms with
/// a fresh one each time.
#[derive(Debug, Clone, Default)]
pub struct Clusterer {
    /// One bit per point: already kept (repeated ids are dropped).
    seen: Vec<u64>,
    /// Kept points (id, x, y), in visit order.
    kept: Vec<(u32, f64, f64)>,
    /// Whether each kept point (in visit order) is in a cluster yet.
    taken: Vec<bool>,
    /// Grid cell of each kept point, in visit order.
    cells: Vec<usize>,
    /// Where each cell's points start in `sorted` (one more for the end).
    starts: Vec<u32>,
    /// Visit indices of the kept points, cell after cell.
    order: Vec<u32>,
    /// Kept points (visit index, x, y), cell after cell. The first
    /// `live[c]` of cell `c` are those not in a cluster yet: a point put
    /// in a cluster is swapped behind them, so scans read only points
    /// still free, from one contiguous run per cell.
    sorted: Vec<(u32, f64, f64)>,
    /// How many points of each cell are not in a cluster yet.
    live: Vec<u32>,
}

impl Clusterer {
    /// Same as [`cluster`], into `out` (cleared first), reusing this
    /// clusterer's buffers and `out`'s.
    pub fn cluster_into(
        &mut self,
        points: &[[f64; 2]],
        ids: impl IntoIterator<Item = u32>,
        radius_px: f64,
        view: [f64; 4],
        kind: impl Fn(u32) -> u8,
        out: &mut Clusters,
    ) {
        out.list.clear();
        out.members.clear();
        let r = if radius_px >= 0.0 { radius_px } else { 0.0 };
        // `f64::min` ignores a NaN operand: check the view first.
        if view.iter().any(|v| v.is_nan()) {
            return;
        }
        let (x0, x1) = (view[0].min(view[2]) - r, view[0].max(view[2]) + r);
        let (y0, y1) = (view[1].min(view[3]) - r, view[1].max(view[3]) + r);

        self.seen.clear();
        self.seen.resize(points.len().div_ceil(64), 0);
        self.kept.clear();
        let mut b = crate::geom::EMPTY_BOX;
        for id in ids {
            let Some(&[x, y]) = points.get(id as usize) else {
                continue;
            };
            // Comparisons with NaN are false: NaN positions drop out.
            if !(x.is_finite() && y.is_finite() && x >= x0 && x <= x1 && y >= y0 && y <= y1) {
                continue;
            }
            let Some(word) = self.seen.get_mut(id as usize / 64) else {
                continue;
            };
            let bit = 1u64 << (id % 64);
            if *word & bit != 0 {
                continue;
            }
            *word |= bit;
            self.kept.push((id, x, y));
            crate::geom::grow_box(&mut b, x, y);
        }
        let n = self.kept.len();
        if n == 0 {
            return;
        }

        // The grid covers the kept points only (finite), whatever the view.
        let grid = Grid::new(b, r, n);

        // The kept points by cell, in visit order within a cell.
        self.cells.clear();
        self.cells
            .extend(self.kept.iter().map(|&(_, x, y)| grid.index_of(x, y)));
        buckets(&self.cells, grid.cells(), &mut self.starts, &mut self.order);
        self.live.clear();
        self.live
            .extend(self.starts.windows(2).map(|w| w[1] - w[0]));
        self.sorted.clear();
        let kept = &self.kept;
        self.sorted.extend(self.order.iter().filter_map(|&s| {
            let &(_, x, y) = kept.get(s as usize)?;
            Some((s, x, y))
        }));

        let r2 = r * r;
        self.taken.clear();
        self.taken.resize(n, false);
        out.members.reserve(n);
        let mut tally = [0u32; 256];
        for s in 0..n {
            let (Some(&(seed_id, sx, sy)), Some(t)) = (self.kept.get(s), self.taken.get_mut(s))
            else {
                continue;
            };
            if *t {
                continue;
            }
            *t = true;
            let start = out.members.len();
            out.members.push(seed_id);
            let (mut sum_x, mut sum_y) = (sx, sy);
            for c in grid.around(sx, sy) {
                let (Some(live), Some(&lo), Some(&hi)) = (
                    self.live.get_mut(c),
                    self.starts.get(c),
                    self.starts.get(c + 1),
                ) else {
                    continue;
                };
                let Some(run) = self.sorted.get_mut(lo as usize..hi as usize) else {
                    continue;
                };
                // Free points are `run[..end]`; one taken is swapped
                // to `end - 1`, and the scan stays at `j` to read the
                // one swapped in.
                let mut end = (*live as usize).min(run.len());
                let mut j = 0;
                while j < end {
                    let (k, x, y) = run[j];
                    let (dx, dy) = (x - sx, y - sy);
                    if dx * dx + dy * dy <= r2 {
                        // The seed itself (distance 0, taken) is
                        // only removed.
                        if let (Some(t), Some(&(id, _, _))) =
                            (self.taken.get_mut(k as usize), self.kept.get(k as usize))
                        {
                            if !*t {
                                *t = true;
                                out.members.push(id);
                                sum_x += x;
                                sum_y += y;
                            }
                        }
                        end -= 1;
                        run.swap(j, end);
                    } else {
                        j += 1;
                    }
                }
                *live = end as u32;
            }
            let members = out.members.get(start..).unwrap_or(&[]);
            let count = members.len();
            out.list.push(Cluster {
                x: sum_x / count as f64,
                y: sum_y / count as f64,
                count: count as u32,
                start: start as u32,
                dominant: dominant(members, &kind, &mut tally),
            });
        }
    }
}

/// The most frequent kind of `members`, ties to the smallest; `tally` is
/// all zeros before and after (one buffer for a frame's clusters).
fn dominant(members: &[u32], kind: &impl Fn(u32) -> u8, tally: &mut [u32; 256]) -> u8 {
    if let [one] = members {
        return kind(*one);
    }
    for &id in members {
        let t = &mut tally[kind(id) as usize];
        *t = t.saturating_add(1);
    }
    let (mut dominant, mut best) = (0u8, 0u32);
    for &id in members {
        let k = kind(id);
        let c = std::mem::take(&mut tally[k as usize]);
        // Counts are taken (zeroed) as read: each kind's count is seen
        // once, at its first member.
        if c > best || (c == best && c > 0 && k < dominant) {
            (best, dominant) = (c, k);
        }
    }
    dominant
}

/// A grid over a box of finite points, of square cells at least `min_cell`
/// wide and at most [`CELLS_PER_POINT`] cells per point (plus 64).
struct Grid {
    min_x: f64,
    min_y: f64,
    inv: f64,
    cols: usize,
    rows: usize,
}

impl Grid {
    fn new(b: [f64; 4], min_cell: f64, n: usize) -> Grid {
        let [min_x, min_y, max_x, max_y] = b;
        let (w, h) = (max_x - min_x, max_y - min_y);
        let limit = n.saturating_mul(CELLS_PER_POINT).saturating_add(64);
        let mut cell = min_cell.max(w.max(h) / limit as f64);
        if cell.is_nan() || cell <= 0.0 {
            cell = 1.0;
        }
        let span = |extent: f64, cell: f64| (extent / cell).floor() + 1.0;
        while span(w, cell) * span(h, cell) > limit as f64 {
            cell *= 2.0;
        }
        // Saturating casts: an infinite extent (points near ±f64::MAX)
        // gives one cell, still correct.
        Grid {
            min_x,
            min_y,
            inv: 1.0 / cell,
            cols: (span(w, cell) as usize).clamp(1, limit),
            rows: (span(h, cell) as usize).clamp(1, limit),
        }
    }

    /// How many cells: indices run below it.
    fn cells(&self) -> usize {
        self.cols * self.rows
    }

    /// The cell (column, row) of a point; points off the box go to the
    /// nearest edge cell.
    fn cell_of(&self, x: f64, y: f64) -> (usize, usize) {
        let cx = (((x - self.min_x) * self.inv) as usize).min(self.cols - 1);
        let cy = (((y - self.min_y) * self.inv) as usize).min(self.rows - 1);
        (cx, cy)
    }

    /// The index of a point's cell, row after row.
    fn index_of(&self, x: f64, y: f64) -> usize {
        let (cx, cy) = self.cell_of(x, y);
        cy * self.cols + cx
    }

    /// The indices of a point's cell and of the (up to eight) cells around
    /// it: everything within one cell's width of the point.
    fn around(&self, x: f64, y: f64) -> impl Iterator<Item = usize> + '_ {
        let (cx, cy) = self.cell_of(x, y);
        let columns = cx.saturating_sub(1)..=(cx + 1).min(self.cols - 1);
        (cy.saturating_sub(1)..=(cy + 1).min(self.rows - 1))
            .flat_map(move |gy| columns.clone().map(move |gx| gy * self.cols + gx))
    }
}

/// The indices of `keys` grouped by key into `order` (a stable counting
/// sort; every key under `n`), and where each key's run
/// starts in it into `starts` (`n + 1` entries). Both are cleared first.
fn buckets(keys: &[usize], n: usize, starts: &mut Vec<u32>, order: &mut Vec<u32>) {
    starts.clear();
    starts.resize(n + 1, 0);
    for &key in keys {
        if let Some(s) = starts.get_mut(key.saturating_add(1)) {
            *s += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    order.clear();
    order.resize(keys.len(), 0);
    // Each key's next free place: `starts` is shifted by one key while
    // filling, and shifted back after.
    for (i, &key) in keys.iter().enumerate() {
        let Some(f) = starts.get_mut(key) else {
            continue;
        };
        if let Some(o) = order.get_mut(*f as usize) {
            *o = i as u32;
        }
        *f += 1;
    }
    starts.rotate_right(1);
    if let Some(s) = starts.first_mut() {
        *s = 0;
    }
}

/// At most this many rounds of [`merge_overlaps`]. A round merges what
/// overlaps at its start; a merged circle is larger and may reach another,
/// merged in the next round. Rounds stop once nothing overlaps (two or
/// three over France).
const MERGE_ROUNDS: usize = 8;

/// Merges the groups whose circles ([`drawn_radius`]) overlap, until none
/// do (or after [`MERGE_ROUNDS`] rounds). The greedy grouping keeps seeds
/// apart, but the means of two large groups can sit closer than their
/// circles are wide: their counts then print over each other ("1287" and
/// "958" read "1287958"). A merged group is drawn at the mean of all its
/// members, its run of members starts with the first group's (its seed
/// first), and its kind is counted again. Two single places are never
/// merged (their dots may touch; at a street's scale each stays itself).
/// Non-finite positions are left alone.
pub fn merge_overlaps(clusters: &mut Clusters, kind: impl Fn(u32) -> u8) {
    let mut tally = [0u32; 256];
    for _ in 0..MERGE_ROUNDS {
        if !merge_round(clusters, &kind, &mut tally) {
            break;
        }
    }
}

/// One round of [`merge_overlaps`]: whether anything merged.
fn merge_round(c: &mut Clusters, kind: &impl Fn(u32) -> u8, tally: &mut [u32; 256]) -> bool {
    let k = c.list.len();
    // Non-finite centres are in no comparison's reach (and stay out of
    // the grid's box).
    let mut b = crate::geom::EMPTY_BOX;
    let mut widest: f64 = 0.0;
    for g in &c.list {
        crate::geom::grow_box(&mut b, g.x, g.y);
        widest = widest.max(drawn_radius(g.count));
    }
    if k < 2 || !(b[0].is_finite() && b[1].is_finite()) {
        return false;
    }
    // Two overlapping circles have their centres in neighbouring cells
    // (a centre that moves as its group grows is found next round).
    let grid = Grid::new(b, 2.0 * widest, k);
    let keys: Vec<usize> = c.list.iter().map(|g| grid.index_of(g.x, g.y)).collect();
    let (mut starts, mut order) = (Vec::new(), Vec::new());
    buckets(&keys, grid.cells(), &mut starts, &mut order);
    // Each group's own run of members, before counts change; the groups a
    // group takes this round, as a list (`next`, ending at its `last`).
    let runs: Vec<(u32, u32)> = c.list.iter().map(|g| (g.start, g.count)).collect();
    let mut taken = vec![false; k];
    let mut last: Vec<usize> = (0..k).collect();
    let mut next = vec![usize::MAX; k];
    let mut merged = false;
    for i in 0..k {
        if taken[i] {
            continue;
        }
        for cell in grid.around(c.list[i].x, c.list[i].y) {
            let run = order.get(starts[cell] as usize..starts[cell + 1] as usize);
            for &j in run.unwrap_or(&[]) {
                let j = j as usize;
                let (a, o) = (c.list[i], c.list[j]);
                // A group that took others this round waits for the
                // next: each group's runs stay one list.
                if j == i || taken[j] || last[j] != j || (a.count < 2 && o.count < 2) {
                    continue;
                }
                let reach = drawn_radius(a.count) + drawn_radius(o.count);
                // False for a NaN distance too.
                let overlap = (a.x - o.x).powi(2) + (a.y - o.y).powi(2) < reach * reach;
                if !overlap {
                    continue;
                }
                let (na, no) = (f64::from(a.count), f64::from(o.count));
                c.list[i].x = (a.x * na + o.x * no) / (na + no);
                c.list[i].y = (a.y * na + o.y * no) / (na + no);
                c.list[i].count = a.count.saturating_add(o.count);
                taken[j] = true;
                next[last[i]] = j;
                last[i] = j;
                merged = true;
            }
        }
    }
    if !merged {
        return false;
    }
    // Each kept group's members: its own run first, then those of the
    // groups it took, in the order taken.
    let mut list = Vec::new();
    let mut members = Vec::with_capacity(c.members.len());
    for (r, &g) in c.list.iter().enumerate() {
        if taken[r] {
            continue;
        }
        let start = members.len();
        let mut j = r;
        while let Some(&(s, n)) = runs.get(j) {
            let (s, n) = (s as usize, n as usize);
            members.extend_from_slice(c.members.get(s..s.saturating_add(n)).unwrap_or(&[]));
            j = next[j];
        }
        let own = members.get(start..).unwrap_or(&[]);
        list.push(Cluster {
            count: own.len() as u32,
            start: start as u32,
            // Only a merged group's kinds are counted again.
            dominant: if last[r] != r {
                dominant(own, kind, tally)
            } else {
                g.dominant
            },
            ..g
        });
    }
    c.list = list;
    c.members = members;
    true
}

/// The cluster under a pointer or tap at `(x, y)`: among the clusters whose
/// centre is within their drawn radius ([`drawn_radius`]) or `radius`,
/// whichever is larger, the nearest; on a tie the later one, drawn on top.
/// Pass 0 for a mouse and [`TOUCH_HIT_RADIUS`] for a finger. `None` when
/// nothing is near or the position is `NaN`.
pub fn hit(clusters: &[Cluster], x: f64, y: f64, radius: f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in clusters.iter().enumerate() {
        let reach = drawn_radius(c.count).max(radius);
        let d2 = (c.x - x).powi(2) + (c.y - y).powi(2);
        if d2 <= reach * reach && best.is_none_or(|(_, b)| d2 <= b) {
            best = Some((i, d2));
        }
    }
    best.map(|(i, _)| i)
}

/// The radius (CSS px) of a cluster's circle, growing with the log of its
/// count so that big groups stand out without hiding the map: a single
/// place is a 7 px dot, a group at least 14 px (room for its count), then
/// `14 + 3.5 × log10(count)`: 15 px for 2, 21 for 100, 28 for 10,000, 30.8
/// for all 62,700 places, under 48 for any `u32`.
pub fn drawn_radius(count: u32) -> f64 {
    if count <= 1 {
        SINGLE_RADIUS
    } else {
        CLUSTER_MIN_RADIUS + 3.5 * f64::from(count).log10()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: [f64; 4] = [0.0, 0.0, 1024.0, 768.0];

    fn all(points: &[[f64; 2]]) -> std::ops::Range<u32> {
        0..points.len() as u32
    }

    fn run(points: &[[f64; 2]], r: f64) -> Clusters {
        cluster(points, all(points), r, VIEW, |_| 0)
    }

    #[test]
    fn two_near_points_merge_at_their_midpoint() {
        let pts = [[100.0, 100.0], [104.0, 103.0]]; // 5 px apart
        let c = run(&pts, 40.0);
        assert_eq!(c.list.len(), 1);
        assert_eq!(c.list[0].count, 2);
        assert_eq!((c.list[0].x, c.list[0].y), (102.0, 101.5));
        assert_eq!(c.members(0), &[0, 1]);
        assert_eq!(c.members(1), &[] as &[u32]);
    }

    #[test]
    fn far_points_stay_apart_and_the_radius_is_inclusive() {
        let pts = [[100.0, 100.0], [200.0, 100.0]];
        let c = run(&pts, 40.0);
        assert_eq!(c.list.len(), 2);
        assert_eq!((c.list[0].x, c.list[0].count), (100.0, 1));
        assert_eq!((c.list[1].x, c.list[1].count), (200.0, 1));
        // Exactly the radius apart: merged.
        assert_eq!(run(&pts, 100.0).list.len(), 1);
        assert_eq!(run(&pts, 99.9).list.len(), 2);
        // Radius 0: only coincident points merge; NaN radius is 0.
        let dup = [[5.0, 5.0], [5.0, 5.0], [6.0, 5.0]];
        let counts = |c: Clusters| c.list.iter().map(|c| c.count).collect::<Vec<_>>();
        assert_eq!(counts(run(&dup, 0.0)), vec![2, 1]);
        assert_eq!(counts(run(&dup, f64::NAN)), vec![2, 1]);
        assert_eq!(counts(run(&dup, -3.0)), vec![2, 1]);
    }

    #[test]
    fn a_chain_groups_greedily_from_each_seed_without_chaining() {
        // Points every 30 px on a line, radius 40: the seed 0 takes 30 (60
        // is 60 px from it), 60 seeds the next pair, and so on.
        let pts: Vec<[f64; 2]> = (0..5).map(|i| [100.0 + 30.0 * i as f64, 50.0]).collect();
        let c = run(&pts, 40.0);
        let got: Vec<(f64, u32)> = c.list.iter().map(|c| (c.x, c.count)).collect();
        assert_eq!(got, vec![(115.0, 2), (175.0, 2), (220.0, 1)]);
        assert_eq!(c.members(1), &[2, 3]);
        // The visit order decides the seeds: from the other end, 220 seeds.
        let c = cluster(&pts, (0..5).rev(), 40.0, VIEW, |_| 0);
        let got: Vec<(f64, u32)> = c.list.iter().map(|c| (c.x, c.count)).collect();
        assert_eq!(got, vec![(205.0, 2), (145.0, 2), (100.0, 1)]);
        // Within 2 × radius, points on both sides of the seed join it.
        let star = [
            [500.0, 500.0],
            [460.0, 500.0],
            [540.0, 500.0],
            [500.0, 541.0],
        ];
        let c = run(&star, 40.0);
        assert_eq!(
            c.list.iter().map(|c| c.count).collect::<Vec<_>>(),
            vec![3, 1]
        );
        assert_eq!(c.members(0), &[0, 1, 2]);
    }

    #[test]
    fn points_outside_the_widened_view_are_skipped() {
        let pts = [
            [-30.0, 100.0],  // within the 40 px margin: kept
            [-50.0, 100.0],  // outside
            [1060.0, 700.0], // kept
            [500.0, 900.0],  // outside (below 768 + 40)
            [500.0, 300.0],
        ];
        let c = run(&pts, 40.0);
        let ids: Vec<u32> = c.members.clone();
        assert_eq!(ids, vec![0, 2, 4]);
        // A reversed view is the same box.
        let rev = cluster(&pts, all(&pts), 40.0, [1024.0, 768.0, 0.0, 0.0], |_| 0);
        assert_eq!(rev, c);
        // A NaN view keeps nothing.
        let none = cluster(&pts, all(&pts), 40.0, [f64::NAN, 0.0, 1024.0, 768.0], |_| 0);
        assert!(none.list.is_empty());
    }

    #[test]
    fn hostile_input_is_skipped() {
        let pts = [
            [f64::NAN, 10.0],
            [10.0, f64::INFINITY],
            [10.0, 10.0],
            [12.0, 10.0],
        ];
        // Out-of-range and repeated ids, NaN and infinite positions.
        let c = cluster(&pts, [7, 0, 1, 2, 2, 3, u32::MAX, 3], 40.0, VIEW, |_| 0);
        assert_eq!(c.list.len(), 1);
        assert_eq!(c.list[0].count, 2);
        assert_eq!((c.list[0].x, c.list[0].y), (11.0, 10.0));
        assert_eq!(c.members, vec![2, 3]);
        // Empty input, and empty ids.
        assert_eq!(run(&[], 40.0), Clusters::default());
        assert_eq!(cluster(&pts, [], 40.0, VIEW, |_| 0), Clusters::default());
        // A huge view with a tiny radius: the grid is capped, the result is right.
        let far = [[-1e300, 0.0], [1e300, 0.0], [1e300, 1e-9]];
        let c = cluster(
            &far,
            all(&far),
            1e-6,
            [-f64::MAX, -1.0, f64::MAX, 1.0],
            |_| 0,
        );
        assert_eq!(
            c.list.iter().map(|c| c.count).collect::<Vec<_>>(),
            vec![1, 2]
        );
        // Points at ±f64::MAX: an infinite extent, still no panic.
        let edge = [[-f64::MAX, 0.0], [f64::MAX, 0.0]];
        let c = cluster(
            &edge,
            all(&edge),
            1.0,
            [-f64::MAX, -1.0, f64::MAX, 1.0],
            |_| 0,
        );
        assert_eq!(c.list.len(), 2);
        // Clusters built by hand with absurd ranges list no members.
        let bad = Clusters {
            list: vec![Cluster {
                x: 0.0,
                y: 0.0,
                count: u32::MAX,
                start: u32::MAX,
                dominant: 0,
            }],
            members: vec![1, 2],
        };
        assert_eq!(bad.members(0), &[] as &[u32]);
        // An infinite radius takes everything in view.
        let c = cluster(&pts, all(&pts), f64::INFINITY, VIEW, |_| 0);
        assert_eq!((c.list.len(), c.list[0].count), (1, 2));
    }

    #[test]
    fn the_same_input_gives_the_same_clusters_and_every_point_once() {
        let pts = lcg_points(5_000, 1024.0, 768.0, 7);
        let a = run(&pts, 40.0);
        assert_eq!(a, run(&pts, 40.0));
        let mut seen = a.members.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..5_000).collect::<Vec<u32>>());
        // Every member is within the radius of its seed; seeds are more
        // than the radius apart.
        for (i, c) in a.list.iter().enumerate() {
            let m = a.members(i);
            assert_eq!(m.len(), c.count as usize);
            let s = pts[m[0] as usize];
            let (mut sx, mut sy) = (0.0, 0.0);
            for &id in m {
                let p = pts[id as usize];
                assert!((p[0] - s[0]).hypot(p[1] - s[1]) <= 40.0);
                (sx, sy) = (sx + p[0], sy + p[1]);
            }
            let n = m.len() as f64;
            assert!((c.x - sx / n).abs() < 1e-9 && (c.y - sy / n).abs() < 1e-9);
        }
        let seeds: Vec<[f64; 2]> = (0..a.list.len())
            .map(|i| pts[a.members(i)[0] as usize])
            .collect();
        for (i, p) in seeds.iter().enumerate() {
            for q in &seeds[..i] {
                assert!((p[0] - q[0]).hypot(p[1] - q[1]) > 40.0);
            }
        }
        // Translated by (+300, −200) with the view: the same groups.
        let moved: Vec<[f64; 2]> = pts.iter().map(|p| [p[0] + 300.0, p[1] - 200.0]).collect();
        let b = cluster(
            &moved,
            all(&moved),
            40.0,
            [300.0, -200.0, 1324.0, 568.0],
            |_| 0,
        );
        assert_eq!(a.members, b.members);
        assert_eq!(a.list.len(), 313, "clusters of 5,000 points, radius 40");
    }

    #[test]
    fn dominant_is_the_most_frequent_kind_ties_to_the_smallest() {
        let pts = [[10.0, 10.0]; 6];
        let kinds = [3u8, 5, 5, 3, 200, 5];
        let c = cluster(&pts, all(&pts), 40.0, VIEW, |id| kinds[id as usize]);
        assert_eq!((c.list[0].count, c.list[0].dominant), (6, 5));
        // 3 and 5 twice each: the smaller wins, whatever the order.
        let c = cluster(&pts, [1, 0, 2, 3], 40.0, VIEW, |id| kinds[id as usize]);
        assert_eq!(c.list[0].dominant, 3);
        // The tally is reset between clusters: a single place is its kind.
        let two = [[10.0, 10.0], [10.0, 10.0], [500.0, 10.0]];
        let k2 = [9u8, 9, 4];
        let c = cluster(&two, all(&two), 40.0, VIEW, |id| k2[id as usize]);
        assert_eq!(
            c.list.iter().map(|c| c.dominant).collect::<Vec<_>>(),
            vec![9, 4]
        );
    }

    #[test]
    fn hit_finds_the_nearest_centre_within_its_radius() {
        let c = |x: f64, count: u32| Cluster {
            x,
            y: 100.0,
            count,
            start: 0,
            dominant: 0,
        };
        // A place (7 px), a cluster of 100 (21 px), a cluster of 2 (≈15.05 px).
        let list = [c(100.0, 1), c(130.0, 100), c(300.0, 2)];
        assert_eq!(hit(&list, 106.0, 100.0, 0.0), Some(0));
        assert_eq!(hit(&list, 108.0, 100.0, 0.0), None, "8 px off a place");
        // Inside both circles' reach: the nearest centre.
        assert_eq!(hit(&list, 112.0, 100.0, 22.0), Some(0));
        assert_eq!(hit(&list, 116.0, 100.0, 22.0), Some(1));
        assert_eq!(hit(&list, 150.0, 100.0, 0.0), Some(1));
        assert_eq!(hit(&list, 152.0, 100.0, 0.0), None);
        assert_eq!(hit(&list, 300.0, 115.0, 0.0), Some(2));
        assert_eq!(hit(&list, 300.0, 116.0, 0.0), None);
        // A finger reaches a place 20 px away.
        assert_eq!(hit(&list, 100.0, 120.0, TOUCH_HIT_RADIUS), Some(0));
        assert_eq!(hit(&list, f64::NAN, 100.0, 22.0), None);
        assert_eq!(hit(&[], 0.0, 0.0, 22.0), None);
        // Same distance: the later one, drawn on top.
        let twin = [c(100.0, 1), c(100.0, 1)];
        assert_eq!(hit(&twin, 100.0, 100.0, 0.0), Some(1));
    }

    #[test]
    fn drawn_radius_grows_with_the_log_of_the_count() {
        assert_eq!(drawn_radius(0), 7.0);
        assert_eq!(drawn_radius(1), 7.0);
        assert!((drawn_radius(2) - 15.054).abs() < 1e-3);
        assert_eq!(drawn_radius(100), 21.0);
        assert_eq!(drawn_radius(10_000), 28.0);
        assert!((drawn_radius(62_700) - 30.790).abs() < 1e-3);
        assert!(drawn_radius(u32::MAX) < 48.0);
        assert!(drawn_radius(3) > drawn_radius(2));
    }

    /// `count` copies of one point, ids from `first`.
    fn blob(pts: &mut Vec<[f64; 2]>, count: usize, at: [f64; 2]) {
        pts.extend(std::iter::repeat_n(at, count));
    }

    #[test]
    fn overlapping_circles_merge_at_the_mean_of_all_their_places() {
        // 500 places at x = 100 (a 23.45 px circle) and 300 at x = 145
        // (22.67 px): 45 px apart, more than the radius of 36, so two
        // groups, whose circles overlap by 1.1 px.
        let mut pts = Vec::new();
        blob(&mut pts, 500, [100.0, 100.0]);
        blob(&mut pts, 300, [145.0, 100.0]);
        let kinds = |id: u32| if id < 500 { 2 } else { 7 };
        let mut c = cluster(&pts, all(&pts), 36.0, VIEW, kinds);
        assert_eq!(
            c.list.iter().map(|g| g.count).collect::<Vec<_>>(),
            [500, 300]
        );
        merge_overlaps(&mut c, kinds);
        assert_eq!(c.list.len(), 1);
        let g = c.list[0];
        assert_eq!(
            (g.x, g.y, g.count, g.start, g.dominant),
            (116.875, 100.0, 800, 0, 2)
        );
        // The first group's run (its seed first), then the second's.
        let m = c.members(0);
        assert_eq!((m.len(), m[0], m[500]), (800, 0, 500));
        assert!(m[..500].iter().all(|&id| id < 500) && m[500..].iter().all(|&id| id >= 500));
        // 46.2 px apart the circles only touch: two groups stay.
        let mut apart = Vec::new();
        blob(&mut apart, 500, [100.0, 100.0]);
        blob(&mut apart, 300, [146.2, 100.0]);
        let mut c = cluster(&apart, all(&apart), 36.0, VIEW, kinds);
        let before = c.clone();
        merge_overlaps(&mut c, kinds);
        assert_eq!(c, before);
        // A merged circle that reaches a third group takes it too: two
        // groups 48 px apart merge at (124, 100), which a group 46 px
        // below takes (51.9 px from each of the first two: no overlap).
        let mut three = Vec::new();
        blob(&mut three, 1_000, [100.0, 100.0]);
        blob(&mut three, 1_000, [148.0, 100.0]);
        blob(&mut three, 1_000, [124.0, 146.0]);
        let mut c = cluster(&three, all(&three), 36.0, VIEW, |_| 0);
        assert_eq!(c.list.len(), 3);
        merge_overlaps(&mut c, |_| 0);
        assert_eq!(c.list.len(), 1);
        assert_eq!((c.list[0].x, c.list[0].count), (124.0, 3_000));
        assert!((c.list[0].y - (100.0 + 100.0 + 146.0) / 3.0).abs() < 1e-9);
    }

    #[test]
    fn single_places_are_not_merged_and_hostile_groups_are_left_alone() {
        // Two places 5 px apart, grouped only at the same spot (as at a
        // street's scale): their dots overlap, each stays itself.
        let pts = [[100.0, 100.0], [105.0, 100.0]];
        let mut c = cluster(&pts, all(&pts), 0.5, VIEW, |_| 0);
        let before = c.clone();
        merge_overlaps(&mut c, |_| 0);
        assert_eq!(c, before);
        // Groups built by hand: a NaN centre is never merged, absurd runs
        // list no members, nothing panics.
        let g = |x: f64, count: u32, start: u32| Cluster {
            x,
            y: 0.0,
            count,
            start,
            dominant: 0,
        };
        let mut bad = Clusters {
            list: vec![g(f64::NAN, 5, 0), g(0.0, u32::MAX, u32::MAX), g(1.0, 3, 0)],
            members: vec![1, 2, 3, 4, 5],
        };
        merge_overlaps(&mut bad, |_| 0);
        assert_eq!(bad.list.len(), 2);
        assert!(bad.list[0].x.is_nan());
        assert_eq!((bad.list[1].count, bad.list[1].start), (3, 5));
        assert_eq!(bad.members(1), &[1, 2, 3]);
        let mut empty = Clusters::default();
        merge_overlaps(&mut empty, |_| 0);
        assert_eq!(empty, Clusters::default());
    }

    #[test]
    fn after_merging_no_circles_overlap_and_every_place_is_kept_once() {
        // Dense places over a small map, as France on a phone.
        let pts = lcg_points(20_000, 340.0, 330.0, 3);
        let mut c = cluster(&pts, all(&pts), 36.0, VIEW, |id| (id % 7) as u8);
        let groups = c.list.len();
        merge_overlaps(&mut c, |id| (id % 7) as u8);
        assert!(c.list.len() < groups, "{} of {groups} groups", c.list.len());
        let mut seen = c.members.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..20_000).collect::<Vec<u32>>());
        for (i, a) in c.list.iter().enumerate() {
            let m = c.members(i);
            assert_eq!(m.len(), a.count as usize);
            let n = m.len() as f64;
            let mx = m.iter().map(|&id| pts[id as usize][0]).sum::<f64>() / n;
            let my = m.iter().map(|&id| pts[id as usize][1]).sum::<f64>() / n;
            assert!((a.x - mx).abs() < 1e-6 && (a.y - my).abs() < 1e-6);
            for b in &c.list[..i] {
                let d = (a.x - b.x).hypot(a.y - b.y);
                assert!(
                    d >= drawn_radius(a.count) + drawn_radius(b.count),
                    "{a:?} over {b:?}"
                );
            }
        }
    }

    #[test]
    fn a_reused_clusterer_gives_what_a_fresh_one_gives() {
        let big = lcg_points(3_000, 1024.0, 768.0, 11);
        let small = [[10.0, 10.0], [20.0, 10.0], [900.0, 700.0]];
        let (mut c, mut out) = (Clusterer::default(), Clusters::default());
        c.cluster_into(&big, all(&big), 40.0, VIEW, |id| (id % 5) as u8, &mut out);
        assert_eq!(
            out,
            cluster(&big, all(&big), 40.0, VIEW, |id| (id % 5) as u8)
        );
        // Smaller input after a big one: no stale cells, seen bits or tallies.
        c.cluster_into(&small, all(&small), 40.0, VIEW, |id| id as u8 + 1, &mut out);
        assert_eq!(
            out.list.iter().map(|c| c.count).collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(
            out.list.iter().map(|c| c.dominant).collect::<Vec<_>>(),
            vec![1, 3]
        );
        assert_eq!(out.members, vec![0, 1, 2]);
        // A radius that changes the grid, then nothing in view.
        c.cluster_into(&big, all(&big), 8.0, VIEW, |_| 0, &mut out);
        assert_eq!(out, cluster(&big, all(&big), 8.0, VIEW, |_| 0));
        c.cluster_into(&big, all(&big), 8.0, [5e3, 5e3, 6e3, 6e3], |_| 0, &mut out);
        assert_eq!(out, Clusters::default());
    }

    /// Points from a 64-bit LCG (Knuth's MMIX constants), uniform over w × h.
    fn lcg_points(n: usize, w: f64, h: f64, seed: u64) -> Vec<[f64; 2]> {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n).map(|_| [next() * w, next() * h]).collect()
    }

    /// Minimum and median wall times of `runs` clusterings, in ms, and the
    /// number of clusters; with one [`Clusterer`] (as a frame loop) or a
    /// fresh [`cluster`] call each time. On a shared machine the minimum
    /// is the better estimate of the cost.
    fn time(
        pts: &[[f64; 2]],
        view: [f64; 4],
        radius: f64,
        runs: usize,
        reuse: bool,
    ) -> (f64, f64, usize) {
        let kinds: Vec<u8> = (0..pts.len()).map(|i| (i * 7 % 17) as u8).collect();
        let kind = |id: u32| kinds[id as usize];
        let mut wall = Vec::new();
        let (mut clusterer, mut out) = (Clusterer::default(), Clusters::default());
        for _ in 0..runs {
            let t = std::time::Instant::now();
            if reuse {
                clusterer.cluster_into(pts, all(pts), radius, view, kind, &mut out);
            } else {
                out = cluster(pts, all(pts), radius, view, kind);
            }
            wall.push(t.elapsed().as_secs_f64() * 1e3);
        }
        wall.sort_by(f64::total_cmp);
        (wall[0], wall[runs / 2], out.list.len())
    }

    /// `cargo test --release --lib map::cluster -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn bench_62700_points() {
        let n = 62_700;
        let report = |what: &str, pts: &[[f64; 2]], view: [f64; 4], radius: f64| {
            let (min, median, k) = time(pts, view, radius, 101, true);
            println!("{what}: min {min:.3} ms, median {median:.3} ms, {k} clusters");
        };
        let france = lcg_points(n, 1024.0, 768.0, 1);
        report(
            "62,700 points over 1024×768, radius 40",
            &france,
            VIEW,
            40.0,
        );
        let (min, median, _) = time(&france, VIEW, 40.0, 101, false);
        println!("  the same with a fresh `cluster` call each time: min {min:.3} ms, median {median:.3} ms");
        report("62,700 points over 1024×768, radius 8", &france, VIEW, 8.0);
        let wide = lcg_points(n, 20_000.0, 15_000.0, 2);
        let view = [8_000.0, 6_000.0, 9_024.0, 6_768.0];
        report(
            "62,700 points over 20,000×15,000, 1024×768 view, radius 40",
            &wide,
            view,
            40.0,
        );
        // Cities: 90 % of the points near 40 hot spots (up to 50 px out,
        // denser at the centre).
        let mut cities = lcg_points(n, 1.0, 1.0, 3);
        let centres = lcg_points(40, 1024.0, 768.0, 4);
        for (i, p) in cities.iter_mut().enumerate() {
            if i % 10 != 0 {
                let c = centres[i % 40];
                let (r, a) = (50.0 * p[0] * p[0], p[1] * std::f64::consts::TAU);
                *p = [c[0] + r * a.cos(), c[1] + r * a.sin()];
            } else {
                *p = [p[0] * 1024.0, p[1] * 768.0];
            }
        }
        report(
            "62,700 points in 40 cities over 1024×768, radius 40",
            &cities,
            VIEW,
            40.0,
        );
        // Merging a frame's overlapping circles (the groups as the map
        // makes them, radius 36).
        for (what, pts) in [("over 1024×768", &france), ("in 40 cities", &cities)] {
            let groups = cluster(pts, all(pts), 36.0, VIEW, |id| (id % 17) as u8);
            let mut wall = Vec::new();
            let mut merged = groups.clone();
            for _ in 0..101 {
                merged = groups.clone();
                let t = std::time::Instant::now();
                merge_overlaps(&mut merged, |id| (id % 17) as u8);
                wall.push(t.elapsed().as_secs_f64() * 1e3);
            }
            wall.sort_by(f64::total_cmp);
            println!(
                "merge_overlaps, 62,700 points {what}, radius 36: {} groups → {}, min {:.3} ms, median {:.3} ms",
                groups.list.len(),
                merged.list.len(),
                wall[0],
                wall[50]
            );
        }
    }
}
