//! The optional raster basemap under the choropleth: tiles from a partner's
//! tile server, named by a URL template (`basemap` attribute), credited by
//! an attribution that is always shown while tiles are drawn.
//!
//! Everything is decided here, natively tested: the template's validation
//! and substitution, which tiles the view needs ([`crate::geom::tiles`]), in
//! which order to ask for them (centre first, at most [`MAX_TILE_FETCHES`]
//! under way), which loads to abandon when the view moves on, what to draw
//! while a tile loads (its nearest loaded ancestor, enlarged), and which
//! images to forget (a least-recently-used cache of [`CACHE_TILES`]). The
//! browser glue only loads the images it is told to and replays
//! [`TileFrame::draw`] with `drawImage`, under the choropleth.
//!
//! ```
//! use maillage::geom::camera::Camera;
//! use maillage::geom::mercator::Zoom;
//! use maillage::map::basemap::{Basemap, Template, TileSource};
//! use maillage::style::legend::Lang;
//! let template = Template::parse("https://tiles.example.org/{z}/{x}/{y}.png").unwrap();
//! let mut basemap = Basemap::new(TileSource::new(template, 19, None, Lang::Fr));
//! assert_eq!(basemap.attribution(), "Fond de carte : tiles.example.org");
//! let cam = Camera::new([2.3522, 48.8566], Zoom::new(10.0).unwrap(), 256.0, 256.0);
//! let frame = basemap.frame(&cam);
//! assert_eq!(frame.fetch[0].1, "https://tiles.example.org/10/518/352.png");
//! ```

use std::fmt::{self, Write};

use super::describe::cut;
use crate::geom::camera::Camera;
use crate::geom::tiles::{cover, tile_zoom, TileId};
use crate::style::legend::Lang;

/// Deepest zoom asked of a tile server unless `basemap-max-zoom` says
/// otherwise: what OpenStreetMap's servers offer.
pub const DEFAULT_MAX_ZOOM: u8 = 19;
/// Longest template accepted, in bytes (addresses beyond 2 KB are refused
/// by some servers anyway).
pub const MAX_TEMPLATE_BYTES: usize = 2048;
/// Longest attribution shown, in characters: enough for any provider's
/// credit line, short enough never to cover the map.
pub const MAX_ATTRIBUTION_CHARS: usize = 160;
/// Tile images kept (about 16 MB of decoded 256 px tiles): enough to pan
/// back and zoom out without asking again. A view needing more keeps them
/// all while it is shown.
pub const CACHE_TILES: usize = 256;
/// Tiles loading at once: what a browser opens per host over HTTP/1.1, so
/// that a pan's new tiles do not queue behind abandoned ones.
pub const MAX_TILE_FETCHES: usize = 6;
/// Ancestor levels searched for a placeholder: beyond 4 (a 16 px piece
/// enlarged 16 times) it shows nothing useful.
const PLACEHOLDER_LEVELS: u8 = 4;
/// Fill opacity of the choropleth over a basemap when the page does not
/// set `--maillage-fill-opacity`: the tiles show through, the classes stay
/// distinct.
pub const BASEMAP_FILL_OPACITY: f64 = 0.75;

/// A validated tile URL template: `{z}`, `{x}` and `{y}` are required,
/// `{r}` becomes `@2x` on high-density screens; the address is http(s) or
/// relative to the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(String);

/// Why a `basemap` value is not a usable template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// Longer than [`MAX_TEMPLATE_BYTES`].
    TooLong,
    /// A space, control or bidirectional-control character, at this
    /// character position (from 1): browsers silently drop some of them,
    /// which hides what is loaded.
    BadCharacter(usize),
    /// A scheme other than http or https (`javascript`, `data`…).
    Scheme(String),
    /// A `{…}` other than `{z}`, `{x}`, `{y}`, `{r}` (`{s}` included: write one host).
    UnknownPlaceholder(String),
    /// A `{` without its `}`.
    Unclosed,
    /// `{z}`, `{x}` or `{y}` is missing.
    Missing(&'static str),
}

/// In French; the widget writes it in its language with
/// [`crate::i18n::template_error`].
impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::template_error(self, Lang::Fr))
    }
}

impl std::error::Error for TemplateError {}

/// Bidirectional formatting characters: they could reorder the text around
/// them (an attribution made to read backwards), so they are removed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `(scheme, rest)` of an address that starts with a scheme: what precedes
/// the first ':' when no '/', '?', '#' or '{' comes before it.
fn scheme(address: &str) -> Option<(&str, &str)> {
    address
        .split_once(':')
        .filter(|(s, _)| !s.contains(['/', '?', '#', '{']))
}

impl Template {
    /// Validates a `basemap` attribute value (trimmed).
    ///
    /// ```
    /// use maillage::map::basemap::{Template, TemplateError};
    /// assert!(Template::parse("https://tile.example.org/{z}/{x}/{y}{r}.png").is_ok());
    /// assert!(Template::parse("tiles/{z}/{x}/{y}.png").is_ok());
    /// assert_eq!(Template::parse("javascript:alert(1)//{z}{x}{y}"),
    ///            Err(TemplateError::Scheme("javascript".into())));
    /// assert_eq!(Template::parse("https://t.example.org/{z}/{x}.png"),
    ///            Err(TemplateError::Missing("y")));
    /// ```
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let t = text.trim();
        if t.len() > MAX_TEMPLATE_BYTES {
            return Err(TemplateError::TooLong);
        }
        if let Some(n) = t
            .chars()
            .position(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c))
        {
            return Err(TemplateError::BadCharacter(n + 1));
        }
        if let Some((s, _)) = scheme(t) {
            if !s.eq_ignore_ascii_case("http") && !s.eq_ignore_ascii_case("https") {
                return Err(TemplateError::Scheme(cut(s, 20)));
            }
        }
        let mut seen = [false; 3];
        let mut rest = t;
        while let Some((_, after)) = rest.split_once('{') {
            let (name, tail) = after.split_once('}').ok_or(TemplateError::Unclosed)?;
            rest = tail;
            match name {
                "z" => seen[0] = true,
                "x" => seen[1] = true,
                "y" => seen[2] = true,
                "r" => {}
                _ => return Err(TemplateError::UnknownPlaceholder(cut(name, 20))),
            }
        }
        match seen {
            [false, ..] => Err(TemplateError::Missing("z")),
            [_, false, _] => Err(TemplateError::Missing("x")),
            [.., false] => Err(TemplateError::Missing("y")),
            _ => Ok(Template(t.to_owned())),
        }
    }

    /// The address of `tile`; `retina` asks for the `@2x` image where the
    /// template has `{r}`.
    ///
    /// ```
    /// use maillage::geom::tiles::TileId;
    /// use maillage::map::basemap::Template;
    /// let t = Template::parse("/t/{z}/{x}/{y}{r}.png").unwrap();
    /// let tile = TileId { z: 6, x: 32, y: 22 };
    /// assert_eq!(t.url(tile, false), "/t/6/32/22.png");
    /// assert_eq!(t.url(tile, true), "/t/6/32/22@2x.png");
    /// ```
    pub fn url(&self, tile: TileId, retina: bool) -> String {
        let mut out = String::with_capacity(self.0.len() + 16);
        let mut rest = self.0.as_str();
        // Every '{' has its '}' and a known name (checked by `parse`).
        while let Some((before, after)) = rest.split_once('{') {
            out.push_str(before);
            let (name, tail) = after.split_once('}').unwrap_or(("", ""));
            let _ = match name {
                "z" => write!(out, "{}", tile.z),
                "x" => write!(out, "{}", tile.x),
                "y" => write!(out, "{}", tile.y),
                _ => write!(out, "{}", if retina { "@2x" } else { "" }),
            };
            rest = tail;
        }
        out.push_str(rest);
        out
    }

    /// The tile server's host name, for the default attribution; `None`
    /// for an address relative to the page.
    fn host(&self) -> Option<&str> {
        let t = self.0.as_str();
        let after = scheme(t).map_or(t, |(_, rest)| rest).strip_prefix("//")?;
        let authority = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        (!host.is_empty()).then_some(host)
    }
}

/// Text from an attribute made safe to show on one line: controls and
/// bidirectional controls removed, runs of spaces (and line breaks)
/// collapsed, trimmed.
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else if !is_bidi_control(c) {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Where the tiles come from and how they are credited.
#[derive(Debug, Clone, PartialEq)]
pub struct TileSource {
    /// Address of each tile.
    pub template: Template,
    /// Deepest zoom the server has; deeper views enlarge its tiles.
    pub max_zoom: u8,
    /// Credit shown over the map whenever tiles are drawn, as plain text.
    pub attribution: String,
}

impl TileSource {
    /// A source with the page's attribution (`basemap-attribution`, made
    /// [`one_line`] and cut to [`MAX_ATTRIBUTION_CHARS`]). Without one the
    /// map still credits the tiles honestly by naming their server ("Fond
    /// de carte : tile.example.org"), since providers' terms require a
    /// credit and the widget cannot know their wording.
    pub fn new(
        template: Template,
        max_zoom: u8,
        attribution: Option<&str>,
        lang: Lang,
    ) -> TileSource {
        let given = attribution.map(one_line).filter(|a| !a.is_empty());
        let attribution = given.unwrap_or_else(|| {
            use crate::i18n::{text, Text};
            let mut credit = text(Text::Basemap, lang).to_owned();
            let here = text(Text::ThisSite, lang);
            credit.push_str(&template.host().map_or_else(|| here.to_owned(), one_line));
            credit
        });
        TileSource {
            template,
            max_zoom: max_zoom.min(22),
            attribution: cut(&attribution, MAX_ATTRIBUTION_CHARS),
        }
    }
}

/// The fill opacity of the choropleth from `--maillage-fill-opacity` (a
/// number from 0 to 1 or a percentage, in plain decimal notation; above 1
/// or 100 % is 1); empty or not understood, [`BASEMAP_FILL_OPACITY`] over a
/// basemap and 1 without.
///
/// ```
/// use maillage::map::basemap::fill_opacity;
/// assert_eq!(fill_opacity("", true), 0.75);
/// assert_eq!(fill_opacity(" 60% ", true), 0.6);
/// assert_eq!(fill_opacity("2", false), 1.0);
/// assert_eq!(fill_opacity("rouge", false), 1.0);
/// ```
pub fn fill_opacity(css: &str, basemap: bool) -> f64 {
    let css = css.trim();
    let value = match css.strip_suffix('%') {
        Some(p) => decimal(p.trim()).map(|p| p / 100.0),
        None => decimal(css),
    };
    match value {
        Some(v) => v.min(1.0),
        None if basemap => BASEMAP_FILL_OPACITY,
        None => 1.0,
    }
}

/// A non-negative number in plain decimal notation ("0.75", ".6", "60"):
/// all an opacity needs, without the float parser's kilobytes of code in
/// the module. Digits become an integer divided by a power of ten, so
/// "0.75" is exactly 0.75.
fn decimal(text: &str) -> Option<f64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.len() + frac.len() > 15 || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let (mut digits, mut divisor) = (0.0, 1.0);
    for (i, c) in int.chars().chain(frac.chars()).enumerate() {
        digits = digits * 10.0 + f64::from(c.to_digit(10)?);
        if i >= int.len() {
            divisor *= 10.0;
        }
    }
    Some(digits / divisor)
}

/// Where a tile's load stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Loading,
    Ready,
    /// Not found, network error, not an image: skipped (background shows),
    /// not asked again while it stays in the cache.
    Failed,
}

/// One tile image (or part of it) to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileDraw {
    /// Whose image.
    pub tile: TileId,
    /// Part of the image, `[x, y, width, height]` as fractions of its size
    /// (`[0, 0, 1, 1]` for a whole tile, a quarter or less for an ancestor
    /// standing in for a tile still loading).
    pub src: [f64; 4],
    /// Where, `[x, y, width, height]` in CSS pixels.
    pub dest: [f64; 4],
}

/// What the glue does for one frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TileFrame {
    /// Images to draw, before the choropleth.
    pub draw: Vec<TileDraw>,
    /// Tiles to start loading, with their address, most central first.
    pub fetch: Vec<(TileId, String)>,
    /// Tiles whose image to forget: loads abandoned because the view moved
    /// on (the glue stops them), or evicted from the cache.
    pub drop: Vec<TileId>,
}

/// A tile with an image loading or kept.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tile: TileId,
    state: State,
    /// The frame it was last drawn or wanted in.
    used: u64,
}

/// The basemap's tiles and their loads.
#[derive(Debug, Clone)]
pub struct Basemap {
    source: TileSource,
    /// At most a few hundred entries, searched linearly: less code in the
    /// module than a hash map, and fast enough at this size.
    tiles: Vec<Entry>,
    /// Frame counter, for the least-recently-used eviction.
    frame: u64,
}

impl Basemap {
    /// No tile loaded yet.
    pub fn new(source: TileSource) -> Basemap {
        Basemap {
            source,
            tiles: Vec::new(),
            frame: 0,
        }
    }

    /// The credit to show while tiles are drawn.
    pub fn attribution(&self) -> &str {
        &self.source.attribution
    }

    /// Decides the frame for `camera`: tiles to draw, to load, to drop.
    pub fn frame(&mut self, camera: &Camera) -> TileFrame {
        self.frame += 1;
        let now = self.frame;
        let retina = camera.device_pixel_ratio() >= 1.5;
        let wanted = cover(camera, tile_zoom(camera.zoom(), self.source.max_zoom));
        let mut out = TileFrame::default();
        let mut i = 0;
        while let Some(e) = self.tiles.get(i) {
            if e.state == State::Loading && !wanted.iter().any(|p| p.tile == e.tile) {
                out.drop.push(self.tiles.swap_remove(i).tile);
            } else {
                i += 1;
            }
        }
        let mut loading = self
            .tiles
            .iter()
            .filter(|e| e.state == State::Loading)
            .count();
        for p in &wanted {
            match self.entry(p.tile) {
                Some(e) => {
                    e.used = now;
                    if e.state == State::Ready {
                        out.draw.push(TileDraw {
                            tile: p.tile,
                            src: [0.0, 0.0, 1.0, 1.0],
                            dest: p.rect,
                        });
                        continue;
                    }
                }
                None if loading < MAX_TILE_FETCHES => {
                    self.tiles.push(Entry {
                        tile: p.tile,
                        state: State::Loading,
                        used: now,
                    });
                    out.fetch
                        .push((p.tile, self.source.template.url(p.tile, retina)));
                    loading += 1;
                }
                None => {}
            }
            if let Some(d) = self.placeholder(p.tile, p.rect, now) {
                out.draw.push(d);
            }
        }
        self.evict(now, &mut out.drop);
        out
    }

    fn entry(&mut self, tile: TileId) -> Option<&mut Entry> {
        self.tiles.iter_mut().find(|e| e.tile == tile)
    }

    /// The nearest loaded ancestor's part covering `tile`, marked as used.
    fn placeholder(&mut self, tile: TileId, dest: [f64; 4], now: u64) -> Option<TileDraw> {
        let (mut at, mut x, mut y, mut size) = (tile, 0.0, 0.0, 1.0);
        for _ in 0..PLACEHOLDER_LEVELS {
            // Where `tile` lies inside the next ancestor, as fractions.
            x = (x + f64::from(at.x % 2)) / 2.0;
            y = (y + f64::from(at.y % 2)) / 2.0;
            size /= 2.0;
            at = at.parent()?;
            if let Some(e) = self.entry(at).filter(|e| e.state == State::Ready) {
                e.used = now;
                return Some(TileDraw {
                    tile: at,
                    src: [x, y, size, size],
                    dest,
                });
            }
        }
        None
    }

    /// Forgets the least recently used tiles beyond [`CACHE_TILES`], never
    /// one used in this frame.
    fn evict(&mut self, now: u64, dropped: &mut Vec<TileId>) {
        while self.tiles.len() > CACHE_TILES {
            let oldest = (0..self.tiles.len())
                .filter(|&i| self.tiles[i].used != now)
                .min_by_key(|&i| (self.tiles[i].used, self.tiles[i].tile));
            let Some(i) = oldest else { return };
            dropped.push(self.tiles.swap_remove(i).tile);
        }
    }

    /// A load ended: the tile is drawn from the next frame on, or skipped
    /// if it failed. Answers for tiles dropped meanwhile are ignored.
    pub fn done(&mut self, tile: TileId, ok: bool) {
        if let Some(e) = self.entry(tile).filter(|e| e.state == State::Loading) {
            e.state = if ok { State::Ready } else { State::Failed };
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::geom::mercator::Zoom;

    fn source(template: &str) -> TileSource {
        TileSource::new(Template::parse(template).unwrap(), 19, None, Lang::Fr)
    }

    fn id(z: u8, x: u32, y: u32) -> TileId {
        TileId { z, x, y }
    }

    /// Paris at zoom 10 in 1024 × 768: 20 tiles, columns 516–520, rows 350–353.
    fn paris() -> Camera {
        Camera::new([2.3522, 48.8566], Zoom::new(10.0).unwrap(), 1024.0, 768.0)
    }

    /// Completes every load under way, then frames until the view needs
    /// nothing more, each load succeeding at once. Returns the tiles
    /// fetched and dropped meanwhile, in order.
    fn load_all(b: &mut Basemap, cam: &Camera) -> (Vec<TileId>, Vec<TileId>) {
        let (mut fetched, mut dropped) = (Vec::new(), Vec::new());
        let pending: Vec<TileId> = b
            .tiles
            .iter()
            .filter(|e| e.state == State::Loading)
            .map(|e| e.tile)
            .collect();
        for t in pending {
            b.done(t, true);
        }
        loop {
            let f = b.frame(cam);
            dropped.extend(f.drop);
            if f.fetch.is_empty() {
                return (fetched, dropped);
            }
            for (t, _) in f.fetch {
                b.done(t, true);
                fetched.push(t);
            }
        }
    }

    #[test]
    fn templates_are_validated() {
        for ok in [
            "https://tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
            "HTTP://127.0.0.1:8080/{z}/{x}/{y}.png",
            "//tiles.example.org/{z}/{x}/{y}{r}.png?key=abc:def",
            "/tiles/{z}/{x}/{y}.png",
            "{z}/{x}/{y}.png",
            "  tiles/{y}/{x}/{z}.jpg  ",
        ] {
            assert!(Template::parse(ok).is_ok(), "{ok}");
        }
        let err = |t: &str| Template::parse(t).unwrap_err();
        assert_eq!(
            err("javascript:alert(1)/{z}/{x}/{y}"),
            TemplateError::Scheme("javascript".into())
        );
        assert_eq!(
            err("data:image/png;base64,{z}{x}{y}"),
            TemplateError::Scheme("data".into())
        );
        assert_eq!(
            err("java\tscript:alert(1)/{z}/{x}/{y}"),
            TemplateError::BadCharacter(5),
            "browsers drop tabs inside URLs: refused, not cleaned"
        );
        assert_eq!(
            err("https://t.example.org/\u{202e}{z}/{x}/{y}"),
            TemplateError::BadCharacter(23)
        );
        assert_eq!(
            err("https://{s}.tile.example.org/{z}/{x}/{y}.png"),
            TemplateError::UnknownPlaceholder("s".into())
        );
        assert_eq!(
            err("https://t.example.org/{z}/{x}/{y"),
            TemplateError::Unclosed
        );
        assert_eq!(
            err("https://t.example.org/{x}/{y}"),
            TemplateError::Missing("z")
        );
        assert_eq!(
            err(&format!("/{{z}}/{{x}}/{{y}}?{}", "a".repeat(3000))),
            TemplateError::TooLong
        );
        assert_eq!(
            TemplateError::Missing("z").to_string(),
            "{z} absent du modèle"
        );
    }

    #[test]
    fn urls_and_default_attributions() {
        let t =
            Template::parse("https://a.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}{r}.png").unwrap();
        assert_eq!(
            t.url(id(6, 31, 22), false),
            "https://a.tile.openstreetmap.fr/osmfr/6/31/22.png"
        );
        assert_eq!(
            t.url(id(22, 4_194_303, 0), true),
            "https://a.tile.openstreetmap.fr/osmfr/22/4194303/0@2x.png"
        );
        let repeated = Template::parse("/{z}/{z}-{x}-{y}").unwrap();
        assert_eq!(repeated.url(id(3, 4, 5), false), "/3/3-4-5");
        assert_eq!(
            source("https://a.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png").attribution,
            "Fond de carte : a.tile.openstreetmap.fr"
        );
        assert_eq!(
            source("//user:pw@tiles.example.org:8443/{z}/{x}/{y}.png").attribution,
            "Fond de carte : tiles.example.org:8443"
        );
        assert_eq!(
            source("tiles/{z}/{x}/{y}.png").attribution,
            "Fond de carte : ce site"
        );
        let en = TileSource::new(
            Template::parse("/{z}/{x}/{y}").unwrap(),
            30,
            Some(" \n "),
            Lang::En,
        );
        assert_eq!(
            (en.attribution.as_str(), en.max_zoom),
            ("Basemap: this site", 22)
        );
    }

    #[test]
    fn hostile_attributions_become_one_short_line_of_text() {
        let t = || Template::parse("/{z}/{x}/{y}").unwrap();
        let given = |a: &str| TileSource::new(t(), 19, Some(a), Lang::Fr).attribution;
        assert_eq!(
            given("  © les contributeurs\n d'OpenStreetMap\t"),
            "© les contributeurs d'OpenStreetMap"
        );
        // Markup stays text (the glue sets it with set_text_content).
        assert_eq!(
            given("<img src=x onerror=alert(1)>"),
            "<img src=x onerror=alert(1)>"
        );
        assert_eq!(given("\u{202e}pam\u{2066}OSM\u{200f}\u{0}"), "pamOSM");
        let huge = given(&"x".repeat(100_000));
        assert_eq!(huge.chars().count(), MAX_ATTRIBUTION_CHARS);
        assert!(huge.ends_with('…'));
    }

    #[test]
    fn fill_opacity_from_css() {
        assert_eq!(fill_opacity("", false), 1.0);
        assert_eq!(fill_opacity("0.5", false), 0.5);
        assert_eq!(fill_opacity("0.5", true), 0.5);
        assert_eq!(fill_opacity(".6", false), 0.6);
        assert_eq!(fill_opacity("80 %", true), 0.8);
        assert_eq!(fill_opacity("150%", true), 1.0);
        for not_understood in [
            "-1",
            "NaN",
            "inf",
            "1e-1",
            ".",
            "0.5.5",
            "½",
            "12345678901234567",
        ] {
            assert_eq!(fill_opacity(not_understood, true), 0.75, "{not_understood}");
        }
    }

    #[test]
    fn centre_first_six_at_a_time_then_drawn() {
        let mut b = Basemap::new(source("/t/{z}/{x}/{y}.png"));
        let cam = paris();
        let first = b.frame(&cam);
        assert_eq!(first.fetch.len(), MAX_TILE_FETCHES);
        assert_eq!(
            first.fetch[0],
            (id(10, 518, 352), "/t/10/518/352.png".to_owned())
        );
        assert_eq!(first.draw, vec![], "nothing loaded, nothing drawn");
        // Nothing finished: nothing more is asked.
        assert_eq!(b.frame(&cam).fetch, vec![]);
        // One answer frees one slot, for the next tile by distance.
        b.done(id(10, 518, 352), true);
        let second = b.frame(&cam);
        assert_eq!(second.fetch.len(), 1);
        assert_eq!(
            second.draw,
            vec![TileDraw {
                tile: id(10, 518, 352),
                src: [0.0, 0.0, 1.0, 1.0],
                dest: [335.0, 311.0, 256.0, 256.0]
            }]
        );
        let mut all = first
            .fetch
            .iter()
            .chain(&second.fetch)
            .map(|f| f.0)
            .collect::<Vec<_>>();
        all.extend(load_all(&mut b, &cam).0);
        all.sort();
        let expected: Vec<TileId> = (516..=520)
            .flat_map(|x| (350..=353).map(move |y| id(10, x, y)))
            .collect();
        assert_eq!(all, expected, "exactly the 20 tiles of the view, once each");
        assert_eq!(b.frame(&cam).draw.len(), 20);
    }

    #[test]
    fn panning_abandons_loads_out_of_view_and_asks_only_new_tiles() {
        let mut b = Basemap::new(source("/{z}/{x}/{y}"));
        let cam = paris();
        let started: Vec<TileId> = b.frame(&cam).fetch.iter().map(|f| f.0).collect();
        // Two tiles' widths east before any answer: the loads of columns
        // 516–517 are abandoned, those of 518–520 go on.
        let east = cam.pan_by(-512.0, 0.0);
        let f = b.frame(&east);
        let mut dropped = f.drop.clone();
        dropped.sort();
        let mut expected: Vec<TileId> = started.iter().copied().filter(|t| t.x < 518).collect();
        expected.sort();
        assert!(!expected.is_empty());
        assert_eq!(dropped, expected);
        assert_eq!(f.fetch.len(), dropped.len(), "freed slots refilled");
        // A late answer for an abandoned tile changes nothing.
        b.done(dropped[0], true);
        assert!(b.tiles.iter().all(|e| e.tile != dropped[0]));
        // Once all is loaded, panning back asks only for the two columns left.
        load_all(&mut b, &east);
        let (mut back_sorted, _) = load_all(&mut b, &cam);
        back_sorted.sort();
        let left: Vec<TileId> = (516..=517)
            .flat_map(|x| (350..=353).map(move |y| id(10, x, y)))
            .collect();
        assert_eq!(back_sorted, left);
    }

    #[test]
    fn failures_are_skipped_and_not_asked_again() {
        let mut b = Basemap::new(source("/{z}/{x}/{y}"));
        let cam = Camera::new([0.0, 0.0], Zoom::new(2.0).unwrap(), 512.0, 512.0);
        let f = b.frame(&cam);
        assert_eq!(f.fetch.len(), 4);
        b.done(id(2, 1, 1), false);
        for (t, _) in &f.fetch[1..] {
            b.done(*t, true);
        }
        let next = b.frame(&cam);
        assert_eq!(next.fetch, vec![]);
        assert_eq!(next.draw.len(), 3);
        assert!(next.draw.iter().all(|d| d.tile != id(2, 1, 1)));
    }

    #[test]
    fn a_loaded_parent_stands_in_while_children_load() {
        let mut b = Basemap::new(source("/{z}/{x}/{y}"));
        let z9 = paris().with_zoom(Zoom::new(9.0).unwrap());
        load_all(&mut b, &z9);
        // Zoom 10: no child loaded yet; each is drawn from its zoom-9
        // parent's quarter. 518/352 is the top-left quarter of 259/176.
        let f = b.frame(&paris());
        assert_eq!(f.draw.len(), 20);
        let centre = f
            .draw
            .iter()
            .find(|d| d.dest == [335.0, 311.0, 256.0, 256.0])
            .unwrap();
        assert_eq!(centre.tile, id(9, 259, 176));
        assert_eq!(centre.src, [0.0, 0.0, 0.5, 0.5]);
        let right = f
            .draw
            .iter()
            .find(|d| d.dest[0] == 591.0 && d.dest[1] == 311.0)
            .unwrap();
        assert_eq!(
            (right.tile, right.src),
            (id(9, 259, 176), [0.5, 0.0, 0.5, 0.5])
        );
        // Two levels up: a sixteenth. 518/352 at zoom 11 is 1036/704, top-left of top-left.
        let z11 = paris().with_zoom(Zoom::new(11.0).unwrap());
        let deep = b.frame(&z11);
        let d = deep
            .draw
            .iter()
            .find(|d| d.tile == id(9, 259, 176))
            .unwrap();
        assert_eq!(d.src[2], 0.25);
    }

    #[test]
    fn the_cache_is_bounded_least_recently_used_first() {
        let mut b = Basemap::new(source("/{z}/{x}/{y}"));
        let cam = paris();
        load_all(&mut b, &cam);
        // Pan east a screen at a time: 20 new tiles each (5 columns × 4).
        let mut dropped = Vec::new();
        let mut at = cam;
        for _ in 0..20 {
            at = at.pan_by(-1280.0, 0.0);
            dropped.extend(load_all(&mut b, &at).1);
        }
        assert!(b.tiles.len() <= CACHE_TILES, "{}", b.tiles.len());
        assert_eq!(b.tiles.len() + dropped.len(), 21 * 20);
        // The first view's tiles went first.
        assert!(dropped[..20].iter().all(|t| t.x <= 520), "{dropped:?}");
        // The current view is never evicted.
        assert_eq!(b.frame(&at).draw.len(), 20);
    }
}
