//! The sites table: every help place in a few bytes, read whole by the
//! widget so that filters, counts, the nearest places and the coverage work
//! over all of France at once, without a request per question.
//!
//! The full sites layer (`sites.fgb`, ~35 MB with addresses, contacts and
//! sources) is far too heavy for that; the table (`sites-table.bin`, about
//! 1 MB once gzipped) keeps per place its identifier, name, commune code,
//! position and [`Packed`]: bitmasks of kinds, labels, services, publics
//! and sources (bit *i* = item *i* of the lists the manifest carries),
//! flags, the byte range of the place's full record in `sites.fgb` (one
//! range request opens its detail card) and its opening hours ([`Week`]).
//! It is a file of columns of our own ([`SiteTable::encode`]) rather than a
//! FlatGeobuf: as FlatGeobuf the same table weighed 3.0 MB gzipped, each
//! feature's own framing, doubles and absolute offsets costing more than
//! its data.

use super::hours::Week;
use crate::style::legend::Lang;
use crate::style::palette::Rgb;

/// One kind of place, as the legend and the filters show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// Identifier in files, URLs and attributes.
    pub id: &'static str,
    /// Marker colour (Okabe–Ito palette: told apart with every common
    /// colour-vision deficiency).
    pub color: Rgb,
}

impl KindInfo {
    /// Its name in a language.
    pub fn label(&self, lang: Lang) -> &'static str {
        crate::i18n::places::kind_name(self.id, lang)
    }
}

/// The names of the kinds set in a `kinds` mask, in the table's order.
pub fn kind_labels(kinds: u16, lang: Lang) -> Vec<&'static str> {
    KINDS
        .iter()
        .enumerate()
        .filter(|(k, _)| kinds & (1 << k) != 0)
        .map(|(_, k)| k.label(lang))
        .collect()
}

const fn kind(id: &'static str, rgb: u32) -> KindInfo {
    KindInfo {
        id,
        color: Rgb {
            r: (rgb >> 16) as u8,
            g: (rgb >> 8) as u8,
            b: rgb as u8,
        },
    }
}

/// The kinds of place, bit *i* of [`Packed::kinds`] = `KINDS[i]`; the
/// data-preparation tool writes them in this order (checked by its tests).
pub const KINDS: [KindInfo; 8] = [
    kind("france-services", 0xD55E00),
    kind("conseiller-numerique", 0x0072B2),
    kind("mediatheque", 0x009E73),
    kind("mairie", 0xCC79A7),
    kind("tiers-lieu", 0xE69F00),
    kind("association", 0x56B4E9),
    kind("aidants-connect", 0x3D3D3D),
    kind("other", 0xF0E442),
];

/// The index of a kind by its identifier.
pub fn kind_index(id: &str) -> Option<usize> {
    KINDS.iter().position(|k| k.id == id)
}

/// [`Packed::flags`]: the position is the commune's, not the place's own.
pub const APPROXIMATE: u8 = 1;
/// [`Packed::flags`]: the service travels (bus, itinerant France Services).
pub const ITINERANT: u8 = 2;
/// [`Packed::flags`]: the source states the place is accessible to people
/// with reduced mobility.
pub const ACCESSIBLE: u8 = 4;
/// [`Packed::flags`]: hours were published but could not be read (the card
/// shows the source's text).
pub const HOURS_AS_TEXT: u8 = 8;
/// [`Packed::flags`]: the place's commune is in a weak 4G coverage zone
/// (the zones layer's rule, decided at build time), so a hub can see the
/// places that serve the people least able to go online by phone.
pub const WEAK_4G: u8 = 16;

/// What the filters need about a place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Packed {
    /// Kinds, bit *i* = [`KINDS`]`[i]`.
    pub kinds: u16,
    /// Labels, bit *i* = item *i* of the manifest's `labels` list.
    pub labels: u32,
    /// Services, bit *i* = item *i* of the manifest's `services` list.
    pub services: u32,
    /// Publics, bit *i* = item *i* of the manifest's `publics` list.
    pub publics: u32,
    /// Sources, bit *i* = item *i* of the manifest's `sources` list (hub
    /// pages restrict the map to their network by source).
    pub sources: u16,
    /// [`APPROXIMATE`], [`ITINERANT`], [`ACCESSIBLE`], [`HOURS_AS_TEXT`], [`WEAK_4G`].
    pub flags: u8,
    /// Offset of the place's full record in the full sites file.
    pub offset: u64,
    /// Length of that record in bytes (with its length prefix).
    pub len: u32,
    /// Opening hours (empty when unknown).
    pub week: Week,
}

/// One place of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Identifier (stable across builds: the sources' own).
    pub id: String,
    /// Name.
    pub name: String,
    /// INSEE code of its commune (gives its name, EPCI, département and
    /// time zone through the communes layer).
    pub commune: String,
    /// Position, lon/lat.
    pub lon_lat: [f64; 2],
    /// Kinds, labels, flags, hours…
    pub packed: Packed,
}

impl Site {
    /// The département code from the commune code ("62041" → "62",
    /// "97411" → "974", "2A004" → "2A"): the place's time zone.
    pub fn departement(&self) -> &str {
        let n = if self.commune.starts_with("97") { 3 } else { 2 };
        self.commune.get(..n).unwrap_or("")
    }

    /// Its first kind (the marker colour), [`KINDS`]`.len() - 1` ("other") when none.
    pub fn main_kind(&self) -> usize {
        match self.packed.kinds.trailing_zeros() as usize {
            k if k < KINDS.len() => k,
            _ => KINDS.len() - 1,
        }
    }
}

/// Every place, as read from the table file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteTable {
    /// The places, in file order.
    pub sites: Vec<Site>,
    /// Places whose hours could not be read (kept without hours), counted
    /// so that the widget can say so instead of losing them silently.
    pub rejected: usize,
}

/// Why a table file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// Not a sites table (wrong magic or version).
    NotATable,
    /// Not a communes table (wrong magic or version).
    NotACommunesTable,
    /// The file ends inside the named column.
    Truncated(&'static str),
    /// A value is impossible (the named column).
    Bad(&'static str),
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::NotATable => write!(f, "ce n'est pas une table des lieux (MLST 1)"),
            TableError::NotACommunesTable => {
                write!(f, "ce n'est pas une table des communes (MLCT 1)")
            }
            TableError::Truncated(c) => write!(f, "table tronquée (colonne {c})"),
            TableError::Bad(c) => write!(f, "valeur impossible dans la table (colonne {c})"),
        }
    }
}

/// First bytes of a table file, then its format version.
const MAGIC: &[u8; 5] = b"MLST\x01";
/// Most places a table may hold (a hostile count cannot make the reader
/// reserve gigabytes).
pub const MAX_PLACES: usize = 2_000_000;
/// Coordinates are stored in 1e-5 degree steps (about a metre).
const STEP: f64 = 1e-5;

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Positions as zigzag varint deltas in [`STEP`]s, each from the previous
/// one: neighbours in the file's order take a byte or two each.
pub(crate) fn put_positions(out: &mut Vec<u8>, positions: impl Iterator<Item = [f64; 2]>) {
    let mut prev = [0i64; 2];
    for lon_lat in positions {
        for (k, p) in prev.iter_mut().enumerate() {
            let q = (lon_lat[k] / STEP).round() as i64;
            put_varint(out, zigzag(q - *p));
            *p = q;
        }
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// A bounds-checked reader of the columns.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl Reader<'_> {
    pub(crate) fn varint(&mut self, column: &'static str) -> Result<u64, TableError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .bytes
                .get(self.at)
                .ok_or(TableError::Truncated(column))?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(TableError::Bad(column))
    }

    /// The next position of [`put_positions`], from the previous one
    /// (`prev`, in steps): within ±180° and ±90°, or an error.
    pub(crate) fn position(&mut self, prev: &mut [i64; 2]) -> Result<[f64; 2], TableError> {
        let mut lon_lat = [0.0; 2];
        for (k, p) in prev.iter_mut().enumerate() {
            let z = self.varint("xy")?;
            let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
            *p = p.checked_add(d).ok_or(TableError::Bad("xy"))?;
            lon_lat[k] = *p as f64 * STEP;
        }
        if !(lon_lat[0].abs() <= 180.0 && lon_lat[1].abs() <= 90.0) {
            return Err(TableError::Bad("xy"));
        }
        Ok(lon_lat)
    }

    pub(crate) fn small<T: TryFrom<u64>>(&mut self, column: &'static str) -> Result<T, TableError> {
        T::try_from(self.varint(column)?).map_err(|_| TableError::Bad(column))
    }

    fn take(&mut self, n: usize, column: &'static str) -> Result<&[u8], TableError> {
        let end = self.at.checked_add(n).ok_or(TableError::Bad(column))?;
        let b = self
            .bytes
            .get(self.at..end)
            .ok_or(TableError::Truncated(column))?;
        self.at = end;
        Ok(b)
    }

    pub(crate) fn text(&mut self, column: &'static str) -> Result<String, TableError> {
        let n = self.small::<usize>(column)?;
        Ok(String::from_utf8_lossy(self.take(n, column)?).into_owned())
    }
}

impl SiteTable {
    /// The table file: columns of every place in the full file's order
    /// (Hilbert order: neighbours are near, so coordinate deltas are small,
    /// and each record follows the previous one, so only lengths are
    /// stored). About a third of the same table as FlatGeobuf once gzipped.
    ///
    /// Layout: `MLST` 1, varint count, varint offset of the first record,
    /// then per column and place: coordinates (zigzag varint deltas in 1e-5°),
    /// record lengths, kinds, labels, services, publics, sources, flags
    /// (varints), commune codes, hours (varint byte count + [`Week`] bytes),
    /// ids, names (varint length + UTF-8).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        put_varint(&mut out, self.sites.len() as u64);
        put_varint(&mut out, self.sites.first().map_or(0, |s| s.packed.offset));
        put_positions(&mut out, self.sites.iter().map(|s| s.lon_lat));
        let ints: [fn(&Packed) -> u64; 7] = [
            |p| u64::from(p.len),
            |p| u64::from(p.kinds),
            |p| u64::from(p.labels),
            |p| u64::from(p.services),
            |p| u64::from(p.publics),
            |p| u64::from(p.sources),
            |p| u64::from(p.flags),
        ];
        for f in ints {
            for s in &self.sites {
                put_varint(&mut out, f(&s.packed));
            }
        }
        let texts: [fn(&Site) -> Vec<u8>; 4] = [
            |s| s.commune.as_bytes().to_vec(),
            |s| s.packed.week.encode(),
            |s| s.id.as_bytes().to_vec(),
            |s| s.name.as_bytes().to_vec(),
        ];
        for f in texts {
            for s in &self.sites {
                let b = f(s);
                put_varint(&mut out, b.len() as u64);
                out.extend_from_slice(&b);
            }
        }
        out
    }

    /// Reads a table file, checking every length. A place whose hours do
    /// not read is kept without hours and counted in `rejected`.
    pub fn decode(bytes: &[u8]) -> Result<SiteTable, TableError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(TableError::NotATable)?;
        let mut r = Reader { bytes: rest, at: 0 };
        let n = r.small::<usize>("count")?;
        // Every place takes at least 13 bytes (two coordinates, seven
        // numbers, four lengths): a count the file cannot hold is a lie.
        if n > MAX_PLACES || n.saturating_mul(13) > rest.len() {
            return Err(TableError::Bad("count"));
        }
        let mut offset = r.varint("offset")?;
        let mut sites = vec![
            Site {
                id: String::new(),
                name: String::new(),
                commune: String::new(),
                lon_lat: [0.0; 2],
                packed: Packed::default(),
            };
            n
        ];
        let mut prev = [0i64; 2];
        for s in &mut sites {
            s.lon_lat = r.position(&mut prev)?;
        }
        for s in &mut sites {
            s.packed.len = r.small("len")?;
            s.packed.offset = offset;
            offset = offset
                .checked_add(u64::from(s.packed.len))
                .ok_or(TableError::Bad("len"))?;
        }
        for s in &mut sites {
            s.packed.kinds = r.small("kinds")?;
        }
        for s in &mut sites {
            s.packed.labels = r.small("labels")?;
        }
        for s in &mut sites {
            s.packed.services = r.small("services")?;
        }
        for s in &mut sites {
            s.packed.publics = r.small("publics")?;
        }
        for s in &mut sites {
            s.packed.sources = r.small("sources")?;
        }
        for s in &mut sites {
            s.packed.flags = r.small("flags")?;
        }
        for s in &mut sites {
            s.commune = r.text("commune")?;
        }
        let mut rejected = 0;
        for s in &mut sites {
            let n = r.small::<usize>("hours")?;
            match Week::decode(r.take(n, "hours")?) {
                Ok(w) => s.packed.week = w,
                Err(_) => rejected += 1,
            }
        }
        for s in &mut sites {
            s.id = r.text("id")?;
        }
        for s in &mut sites {
            // A partner's table may hold anything: one line, no
            // reordering controls, 120 characters at most, as territories.
            s.name =
                crate::map::describe::cut(&r.text("name")?, crate::map::describe::MAX_NAME_CHARS);
        }
        Ok(SiteTable { sites, rejected })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(id: &str, lon_lat: [f64; 2], offset: u64, len: u32, hours: &str) -> Site {
        Site {
            id: id.into(),
            name: format!("Lieu {id} « é »"),
            commune: "62041".into(),
            lon_lat,
            packed: Packed {
                kinds: 0b101,
                labels: 1 << 31,
                services: 0x0001_4000,
                publics: 7,
                sources: 0x8001,
                flags: APPROXIMATE | ITINERANT,
                offset,
                len,
                week: Week::from_json(hours).unwrap_or_default(),
            },
        }
    }

    fn sample() -> SiteTable {
        let hours = r#"{"mo":[["08:30","12:00"],["13:30","17:00"]],"sa":[["09:00","12:00"]]}"#;
        SiteTable {
            sites: vec![
                place("a", [2.77812, 50.29134], 1_000, 300, hours),
                place("b", [-61.53, 16.24], 1_300, 70_000, ""),
                place("c", [55.45, -20.88], 71_300, 12, hours),
            ],
            rejected: 0,
        }
    }

    #[test]
    fn table_round_trips_at_a_metre() {
        let t = sample();
        let bytes = t.encode();
        let back = SiteTable::decode(&bytes).expect("decodes");
        assert_eq!(back.sites.len(), 3);
        for (a, b) in t.sites.iter().zip(&back.sites) {
            assert!(
                (a.lon_lat[0] - b.lon_lat[0]).abs() < 6e-6
                    && (a.lon_lat[1] - b.lon_lat[1]).abs() < 6e-6
            );
            assert_eq!(
                (&a.id, &a.name, &a.commune, &a.packed),
                (&b.id, &b.name, &b.commune, &b.packed)
            );
        }
        // Offsets come back from the first one and the lengths.
        assert_eq!(back.sites[2].packed.offset, 71_300);
        assert_eq!(
            SiteTable::decode(&SiteTable::default().encode()),
            Ok(SiteTable::default())
        );
    }

    #[test]
    fn hostile_names_are_cut_on_one_line() {
        let mut t = sample();
        t.sites[0].name = format!("\u{202e}<b>{}\n", "x".repeat(10_000));
        let back = SiteTable::decode(&t.encode()).expect("decodes");
        let name = &back.sites[0].name;
        assert_eq!(name.chars().count(), crate::map::describe::MAX_NAME_CHARS);
        assert!(name.starts_with("<b>xxx") && name.ends_with('…'), "{name}");
    }

    #[test]
    fn broken_tables_say_where() {
        let bytes = sample().encode();
        assert_eq!(SiteTable::decode(b"MLST\x02"), Err(TableError::NotATable));
        assert_eq!(SiteTable::decode(b""), Err(TableError::NotATable));
        // Cut anywhere: an error, never a panic or a short table.
        for n in 0..bytes.len() {
            assert!(SiteTable::decode(&bytes[..n]).is_err(), "cut at {n}");
        }
        // A count larger than the file can hold.
        let mut lie = MAGIC.to_vec();
        put_varint(&mut lie, 1_000_000);
        lie.extend_from_slice(&[0; 64]);
        assert_eq!(SiteTable::decode(&lie), Err(TableError::Bad("count")));
        // An endless varint.
        let mut endless = MAGIC.to_vec();
        endless.extend_from_slice(&[0xff; 20]);
        assert_eq!(SiteTable::decode(&endless), Err(TableError::Bad("count")));
        // Bad hours are counted, the place kept.
        let mut t = sample();
        t.sites.truncate(1);
        let mut bytes = t.encode();
        let week = t.sites[0].packed.week.encode();
        let at = bytes
            .windows(week.len())
            .position(|w| w == week.as_slice())
            .expect("hours in the file");
        bytes[at + 3] = 0xff; // reserved bits set
        let back = SiteTable::decode(&bytes).expect("decodes");
        assert_eq!(
            (back.rejected, back.sites[0].packed.week.is_empty()),
            (1, true)
        );
    }

    #[test]
    fn departement_and_main_kind() {
        let mut s = Site {
            id: "x".into(),
            name: "x".into(),
            commune: "97411".into(),
            lon_lat: [55.45, -20.88],
            packed: Packed::default(),
        };
        assert_eq!(s.departement(), "974");
        assert_eq!(s.main_kind(), KINDS.len() - 1);
        s.commune = "2A004".into();
        s.packed.kinds = 0b1100;
        assert_eq!((s.departement(), s.main_kind()), ("2A", 2));
        s.commune = "6".into();
        assert_eq!(s.departement(), "");
        assert_eq!(kind_index("mediatheque"), Some(2));
        assert_eq!(kind_index("nope"), None);
    }
}
