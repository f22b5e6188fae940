//! Weekly opening hours of a help place: parsing, compact binary form,
//! "ouvert maintenant", next change, and the readable rendering.
//!
//! Why: about 40,700 help places carry opening hours. The widget filters all
//! places at once ("ouvert maintenant", "ouvert le samedi"), so every place
//! needs its hours in a few bytes of the map file; the detail card of one
//! place needs them written out in French or English.
//!
//! Method:
//! - A [`Week`] is a list of [`Interval`]s (day 0 = Monday … 6 = Sunday,
//!   start and end in minutes of the day, `start < end ≤ 1440`), sorted by
//!   day then start, with overlapping or touching intervals of one day
//!   merged. An interval that crosses midnight (`["20:00","02:00"]`) is split
//!   in two on consecutive days (Saturday 20:00–24:00 and Sunday 00:00–02:00;
//!   Sunday wraps to Monday). The split is kept in the rendering too: the
//!   card shows Saturday "20 h – 24 h" and Sunday "0 h – 2 h".
//! - [`Week::from_json`] reads exactly the shape the data-preparation tool
//!   writes, `{"mo":[["08:30","12:00"],["13:30","17:00"]],"tu":[],…}`, with
//!   on the cursor of the core's JSON reader ([`crate::json`]), reading
//!   that one shape as it goes (no value tree), so that the interval cap
//!   stops it early. It tolerates whitespace, escapes, missing days, `null`
//!   for a day and `H:MM` hours; anything else is a specific [`HoursError`].
//! - [`Week::encode`] writes one little-endian `u32` per interval:
//!   bits 22–24 day, bits 11–21 start minute, bits 0–10 end minute, bits
//!   25–31 zero. A typical week (two intervals Monday to Friday plus Saturday
//!   morning, 11 intervals) takes 44 bytes, against 241 bytes of compact JSON.
//!   [`Week::decode`] checks every field.
//! - [`local_time`] turns an instant (epoch milliseconds, as `Date.now()`)
//!   into the weekday and minute of the place's wall clock, from its
//!   département code, with pure civil-date arithmetic (no time-zone
//!   database): Europe/Paris with the EU summer-time rule for metropolitan
//!   France and Corsica, fixed offsets overseas, North American summer time
//!   for Saint-Pierre-et-Miquelon.
//!
//! Limits:
//! - Bounded work on hostile input: at most [`MAX_INTERVALS`] intervals in
//!   the JSON (before midnight splitting) and in a week (after merging);
//!   more is an error, not a truncation.
//! - An empty week means "no opening interval"; whether a place has hours at
//!   all is for the map file to say (an absent field), not this type.
//! - Intervals are merged within a day, not across midnight: Monday
//!   22:00–24:00 and Tuesday 00:00–02:00 stay two intervals (so
//!   [`Week::opens_on`] is true for Tuesday, which a night opening does
//!   reach). [`Week::is_open`] and [`Week::next_change`] see them as one
//!   opening.
//! - Public holidays, exceptional closures and seasonal hours are not
//!   modelled. French Polynesia is taken as UTC−10 (Tahiti) throughout.
//!
//! ```
//! use maillage::sites::hours::Week;
//! use maillage::style::legend::Lang;
//! let week = Week::from_json(r#"{"mo":[["08:30","12:00"],["13:30","17:00"]]}"#).unwrap();
//! assert!(week.is_open(0, 9 * 60));
//! assert_eq!(week.encode().len(), 8);
//! assert_eq!(week.lines(Lang::En)[0].1, "08:30–12:00, 13:30–17:00");
//! ```

use std::fmt;

use crate::i18n::places;
use crate::json::{self, Cursor};
use crate::style::legend::Lang;

/// Most intervals a week may hold (and a JSON schedule may list): a cap so
/// that hostile input costs bounded work; real schedules have about 10.
pub const MAX_INTERVALS: usize = 64;

/// Minutes in a day: the end value that means "until midnight" (24:00).
pub const MINUTES_PER_DAY: u16 = 1440;

/// Minutes in a week, for the timeline used by [`Week::next_change`].
const MINUTES_PER_WEEK: u32 = 7 * 1440;

/// Day keys of the JSON form, Monday first (index = day number).
const DAY_KEYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

/// Longest piece of offending input quoted in an error message.
const QUOTE_MAX_CHARS: usize = 16;

/// Why a schedule could not be read; each case names what was wrong so that
/// the data-preparation tool can report the place and fix its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursError {
    /// The JSON text does not have the expected shape at byte `at`.
    Malformed {
        /// Byte offset in the text where the problem was found.
        at: usize,
        /// What the parser expected there.
        expected: &'static str,
    },
    /// A key that is not one of `mo tu we th fr sa su`.
    UnknownDay {
        /// The key as written (first 16 characters).
        key: String,
    },
    /// The same day key appears twice in the object.
    DuplicateDay {
        /// The repeated key.
        key: &'static str,
    },
    /// A time that is not `HH:MM` between 00:00 and 24:00, or 24:00 as a start.
    BadTime {
        /// The time as written (first 16 characters).
        text: String,
    },
    /// An interval whose start equals its end (`["08:00","08:00"]`).
    EmptyInterval {
        /// Day of the interval, 0 = Monday.
        day: u8,
        /// The minute both ends share.
        minute: u16,
    },
    /// More than [`MAX_INTERVALS`] intervals.
    TooManyIntervals {
        /// How many were seen (counting stops just past the cap in JSON).
        count: usize,
    },
    /// Binary hours whose length is not a multiple of 4 bytes (truncated).
    BadLength {
        /// Length in bytes.
        len: usize,
    },
    /// An interval out of range (binary form or [`Week::from_intervals`]).
    BadInterval {
        /// Index of the interval in the input.
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed { at, expected } => {
                write!(f, "malformed hours JSON at byte {at}: expected {expected}")
            }
            Self::UnknownDay { key } => {
                write!(
                    f,
                    "unknown day key \"{key}\" (expected mo tu we th fr sa su)"
                )
            }
            Self::DuplicateDay { key } => write!(f, "day key \"{key}\" appears twice"),
            Self::BadTime { text } => {
                write!(
                    f,
                    "bad time \"{text}\" (expected HH:MM from 00:00 to 24:00)"
                )
            }
            Self::EmptyInterval { day, minute } => write!(
                f,
                "empty interval on {} at {:02}:{:02} (start equals end)",
                DAY_KEYS.get(usize::from(*day)).copied().unwrap_or("?"),
                minute / 60,
                minute % 60
            ),
            Self::TooManyIntervals { count } => write!(
                f,
                "{count} opening intervals, more than the {MAX_INTERVALS} allowed"
            ),
            Self::BadLength { len } => {
                write!(f, "binary hours of {len} bytes: not a multiple of 4")
            }
            Self::BadInterval { index, reason } => write!(f, "interval {index}: {reason}"),
        }
    }
}

impl std::error::Error for HoursError {}

impl From<json::Error> for HoursError {
    /// The JSON cursor's errors (all of them syntax errors: the shape is
    /// checked here).
    fn from(e: json::Error) -> Self {
        match e {
            json::Error::Syntax { at, expected } => Self::Malformed { at, expected },
            json::Error::Shape { problem, .. } => Self::Malformed {
                at: 0,
                expected: problem,
            },
        }
    }
}

/// One opening interval of one day: the unit of the binary form and of
/// every query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub day: u8,
    /// First open minute of the day, 0..1440.
    pub start: u16,
    /// First closed minute after the opening, start < end ≤ 1440 (1440 = midnight).
    pub end: u16,
}

impl Interval {
    /// Why this interval is out of range, if it is.
    fn problem(&self) -> Option<&'static str> {
        if self.day > 6 {
            Some("day above 6 (Sunday)")
        } else if self.end > MINUTES_PER_DAY {
            Some("end after 24:00")
        } else if self.start >= self.end {
            Some("start not before end")
        } else {
            None
        }
    }
}

/// Weekly opening hours of one place, normalised (sorted, merged per day) so
/// that equal schedules compare equal and encode to equal bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Week {
    intervals: Vec<Interval>,
}

impl Week {
    /// Builds a week from intervals in any order, checking each and merging
    /// overlaps: the entry point for code that has hours in another form.
    pub fn from_intervals(intervals: &[Interval]) -> Result<Week, HoursError> {
        if intervals.len() > MAX_INTERVALS {
            return Err(HoursError::TooManyIntervals {
                count: intervals.len(),
            });
        }
        for (index, interval) in intervals.iter().enumerate() {
            if let Some(reason) = interval.problem() {
                return Err(HoursError::BadInterval { index, reason });
            }
        }
        Ok(Self::normalised(intervals.to_vec()))
    }

    /// Sorts and merges checked intervals (at most 2 × [`MAX_INTERVALS`]);
    /// merging never increases the count.
    fn normalised(mut intervals: Vec<Interval>) -> Week {
        intervals.sort_unstable();
        let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
        for interval in intervals {
            match merged.last_mut() {
                Some(last) if last.day == interval.day && interval.start <= last.end => {
                    last.end = last.end.max(interval.end);
                }
                _ => merged.push(interval),
            }
        }
        Week { intervals: merged }
    }

    /// Parses the data-preparation JSON, e.g.
    /// `{"mo":[["08:30","12:00"],["13:30","17:00"]],"sa":[["09:00","12:00"]]}`.
    /// Missing days and `null` days are closed; an end before the start
    /// crosses midnight into the next day; `"24:00"` is midnight as an end.
    pub fn from_json(text: &str) -> Result<Week, HoursError> {
        let mut cursor = Cursor::new(text);
        let mut pieces: Vec<Interval> = Vec::new();
        let mut raw_count = 0usize;
        let mut seen = [false; 7];

        cursor.expect(b'{', "'{'")?;
        if !cursor.eat(b'}') {
            loop {
                let key = cursor.string("a day key in quotes")?;
                let day = DAY_KEYS
                    .iter()
                    .position(|k| *k == key)
                    .ok_or_else(|| HoursError::UnknownDay { key: quote(&key) })?;
                if seen[day] {
                    return Err(HoursError::DuplicateDay { key: DAY_KEYS[day] });
                }
                seen[day] = true;
                let day = day as u8; // day < 7
                cursor.expect(b':', "':'")?;
                if !cursor.eat_word("null") {
                    cursor.expect(b'[', "'[' or null")?;
                    if !cursor.eat(b']') {
                        loop {
                            cursor.expect(b'[', "'[' opening an interval")?;
                            let start_text = cursor.string("a start time in quotes")?;
                            cursor.expect(b',', "','")?;
                            let end_text = cursor.string("an end time in quotes")?;
                            cursor.expect(b']', "']' closing an interval")?;
                            raw_count += 1;
                            if raw_count > MAX_INTERVALS {
                                return Err(HoursError::TooManyIntervals { count: raw_count });
                            }
                            add_interval(&mut pieces, day, &start_text, &end_text)?;
                            if !cursor.eat(b',') {
                                cursor.expect(b']', "',' or ']'")?;
                                break;
                            }
                        }
                    }
                }
                if !cursor.eat(b',') {
                    cursor.expect(b'}', "',' or '}'")?;
                    break;
                }
            }
        }
        cursor.end()?;
        let week = Self::normalised(pieces);
        if week.intervals.len() > MAX_INTERVALS {
            return Err(HoursError::TooManyIntervals {
                count: week.intervals.len(),
            });
        }
        Ok(week)
    }

    /// The compact binary form for the map file: one little-endian `u32` per
    /// interval (day << 22 | start << 11 | end), 4 bytes per interval, no
    /// header (the map file stores the length).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 * self.intervals.len());
        for i in &self.intervals {
            let word = (u32::from(i.day) << 22) | (u32::from(i.start) << 11) | u32::from(i.end);
            out.extend_from_slice(&word.to_le_bytes());
        }
        out
    }

    /// Reads the binary form back, checking length, reserved bits and every
    /// field; intervals in any order are accepted and normalised, so
    /// `decode(encode(w)) == w`.
    pub fn decode(bytes: &[u8]) -> Result<Week, HoursError> {
        if bytes.len() % 4 != 0 {
            return Err(HoursError::BadLength { len: bytes.len() });
        }
        let count = bytes.len() / 4;
        if count > MAX_INTERVALS {
            return Err(HoursError::TooManyIntervals { count });
        }
        let mut intervals = Vec::with_capacity(count);
        for (index, chunk) in bytes.chunks_exact(4).enumerate() {
            let word = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if word >> 25 != 0 {
                return Err(HoursError::BadInterval {
                    index,
                    reason: "reserved bits set",
                });
            }
            let interval = Interval {
                day: ((word >> 22) & 0x7) as u8,
                start: ((word >> 11) & 0x7ff) as u16,
                end: (word & 0x7ff) as u16,
            };
            if let Some(reason) = interval.problem() {
                return Err(HoursError::BadInterval { index, reason });
            }
            intervals.push(interval);
        }
        Ok(Self::normalised(intervals))
    }

    /// The normalised intervals, Monday first, for callers that draw them.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    /// True when the place never opens (or its schedule lists no interval).
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Whether the place is open at `minute` (0..1440) of `day` (0 = Monday):
    /// the "ouvert maintenant" filter. Out-of-range arguments give false.
    pub fn is_open(&self, day: u8, minute: u16) -> bool {
        self.intervals
            .iter()
            .any(|i| i.day == day && i.start <= minute && minute < i.end)
    }

    /// Whether the place opens at some time of `day` (0 = Monday): the
    /// "ouvert le samedi" filter. A night opening that runs past midnight
    /// counts for the next day too.
    pub fn opens_on(&self, day: u8) -> bool {
        self.intervals.iter().any(|i| i.day == day)
    }

    /// When the state next changes after `minute` of `day`, as `(day, minute,
    /// opens)`: `opens` is true when the place opens then ("ouvre lundi à
    /// 8 h 30"), false when it closes ("ferme à 17 h"). A closing at midnight
    /// is reported as minute 1440 of the day that ends, and openings that
    /// run through midnight (or Sunday to Monday) count as one. None when
    /// the week is empty, open around the clock, or the arguments are out of
    /// range (day > 6, minute ≥ 1440).
    pub fn next_change(&self, day: u8, minute: u16) -> Option<(u8, u16, bool)> {
        if day > 6 || minute >= MINUTES_PER_DAY {
            return None;
        }
        // Opening spans on the week timeline, merged across midnights.
        let mut spans: Vec<(u32, u32)> = Vec::with_capacity(self.intervals.len());
        for i in &self.intervals {
            let base = u32::from(i.day) * u32::from(MINUTES_PER_DAY);
            let (start, end) = (base + u32::from(i.start), base + u32::from(i.end));
            match spans.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => spans.push((start, end)),
            }
        }
        let first = *spans.first()?;
        if spans.len() == 1 && first == (0, MINUTES_PER_WEEK) {
            return None;
        }
        let wraps = first.0 == 0 && spans.last().is_some_and(|l| l.1 == MINUTES_PER_WEEK);
        let now = u32::from(day) * u32::from(MINUTES_PER_DAY) + u32::from(minute);
        if let Some(span) = spans.iter().find(|s| s.0 <= now && now < s.1) {
            // Open: it closes at the end of this span, or, when the span runs
            // into Sunday midnight and Monday opens at 0:00, at Monday's end.
            let end = if span.1 == MINUTES_PER_WEEK && wraps {
                first.1
            } else {
                span.1
            };
            let (d, m) = ((end - 1) / 1440, (end - 1) % 1440 + 1);
            Some((d as u8, m as u16, false))
        } else {
            let start = spans.iter().find(|s| s.0 > now).unwrap_or(&first).0;
            Some(((start / 1440) as u8, (start % 1440) as u16, true))
        }
    }

    /// One line per day from Monday, for the detail card: day name and its
    /// intervals, or "fermé" / "closed".
    ///
    /// The words and the times' typography are the catalogue's
    /// ([`places::interval`]): `8 h 30 – 12 h, 13 h 30 – 17 h` in French,
    /// `08:30–12:00` in English.
    pub fn lines(&self, lang: Lang) -> Vec<(String, String)> {
        (0u8..7)
            .map(|day| {
                let parts: Vec<String> = self
                    .intervals
                    .iter()
                    .filter(|i| i.day == day)
                    .map(|i| places::interval(i.start, i.end, lang))
                    .collect();
                let text = if parts.is_empty() {
                    places::place_text(places::PlaceText::Closed, lang).to_owned()
                } else {
                    parts.join(", ")
                };
                (places::day_name(day, lang).to_owned(), text)
            })
            .collect()
    }
}

/// The first characters of offending input, for an error message.
fn quote(text: &str) -> String {
    text.chars().take(QUOTE_MAX_CHARS).collect()
}

/// Minute of the day of `"HH:MM"` (or `"H:MM"`), 0..=1440 (`"24:00"`).
fn parse_time(text: &str) -> Result<u16, HoursError> {
    let bad = || HoursError::BadTime { text: quote(text) };
    let b = text.as_bytes();
    let colon = b.iter().position(|&c| c == b':').ok_or_else(bad)?;
    let (hh, mm) = (&b[..colon], &b[colon + 1..]);
    if hh.is_empty() || hh.len() > 2 || mm.len() != 2 {
        return Err(bad());
    }
    let value = |digits: &[u8]| -> Result<u16, HoursError> {
        digits.iter().try_fold(0u16, |acc, &c| {
            if c.is_ascii_digit() {
                Ok(acc * 10 + u16::from(c - b'0'))
            } else {
                Err(bad())
            }
        })
    };
    let (h, m) = (value(hh)?, value(mm)?);
    if m > 59 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Adds one JSON interval of `day` to `pieces`, splitting it at midnight
/// when its end comes before its start.
fn add_interval(
    pieces: &mut Vec<Interval>,
    day: u8,
    start_text: &str,
    end_text: &str,
) -> Result<(), HoursError> {
    let start = parse_time(start_text)?;
    let end = parse_time(end_text)?;
    if start == MINUTES_PER_DAY {
        return Err(HoursError::BadTime {
            text: quote(start_text),
        });
    }
    if start == end {
        return Err(HoursError::EmptyInterval { day, minute: start });
    }
    if start < end {
        pieces.push(Interval { day, start, end });
    } else {
        pieces.push(Interval {
            day,
            start,
            end: MINUTES_PER_DAY,
        });
        if end > 0 {
            pieces.push(Interval {
                day: (day + 1) % 7,
                start: 0,
                end,
            });
        }
    }
    Ok(())
}

/// How a territory's wall clock relates to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    /// Europe/Paris: UTC+1, UTC+2 in EU summer time.
    Paris,
    /// A fixed offset in minutes east of UTC.
    Fixed(i64),
    /// America/Miquelon: UTC−3, UTC−2 in North American summer time.
    Miquelon,
}

/// The zone of a département (or overseas collectivity) code; unknown codes
/// take the metropolitan rule, where almost all places are.
fn zone_of(departement: &str) -> Zone {
    match departement.trim() {
        // Guadeloupe, Martinique, Saint-Barthélemy, Saint-Martin.
        "971" | "972" | "977" | "978" => Zone::Fixed(-240),
        "973" => Zone::Fixed(-180),
        "974" => Zone::Fixed(240),
        "975" => Zone::Miquelon,
        "976" => Zone::Fixed(180),
        "986" => Zone::Fixed(720),
        "987" => Zone::Fixed(-600),
        "988" => Zone::Fixed(660),
        _ => Zone::Paris,
    }
}

/// Largest |epoch milliseconds| accepted: the range of a JavaScript `Date`.
const MAX_EPOCH_MS: f64 = 8.64e15;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// days-from-civil).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year of the date `days` after 1970-01-01 (H. Hinnant's civil-from-days,
/// year only).
fn year_of_days(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400;
    if mp >= 10 {
        year + 1
    } else {
        year
    }
}

/// Weekday of the date `days` after 1970-01-01 (a Thursday), 0 = Monday.
fn weekday(days: i64) -> u8 {
    (days + 3).rem_euclid(7) as u8
}

/// Day number of the last Sunday of `month` in `year`.
fn last_sunday(year: i64, month: u32) -> i64 {
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let last = next - 1;
    last - i64::from((weekday(last) + 1) % 7)
}

/// Day number of the `n`-th Sunday (1-based) of `month` in `year`.
fn nth_sunday(year: i64, month: u32, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    first + i64::from(6 - weekday(first)) + 7 * (n - 1)
}

/// Offset of the zone from UTC, in minutes, at `utc_minutes` after the epoch.
fn offset_minutes(zone: Zone, utc_minutes: i64) -> i64 {
    let year = year_of_days(utc_minutes.div_euclid(1440));
    match zone {
        Zone::Fixed(offset) => offset,
        Zone::Paris => {
            // EU rule: 01:00 UTC on the last Sundays of March and October.
            let start = last_sunday(year, 3) * 1440 + 60;
            let end = last_sunday(year, 10) * 1440 + 60;
            if (start..end).contains(&utc_minutes) {
                120
            } else {
                60
            }
        }
        Zone::Miquelon => {
            // 02:00 local: 05:00 UTC on the 2nd Sunday of March (from UTC−3),
            // 04:00 UTC on the 1st Sunday of November (from UTC−2).
            let start = nth_sunday(year, 3, 2) * 1440 + 300;
            let end = nth_sunday(year, 11, 1) * 1440 + 240;
            if (start..end).contains(&utc_minutes) {
                -120
            } else {
                -180
            }
        }
    }
}

/// Weekday (0 = Monday) and minute of the day on the wall clock of a place
/// in `departement` (`"75"`, `"2A"`, `"974"`…) at `utc_ms` milliseconds
/// after the epoch (`Date.now()`): opening hours are local time. None for
/// NaN, infinite or out-of-`Date`-range instants.
pub fn local_time(utc_ms: f64, departement: &str) -> Option<(u8, u16)> {
    if !utc_ms.is_finite() || utc_ms.abs() > MAX_EPOCH_MS {
        return None;
    }
    let utc_minutes = (utc_ms / 60_000.0).floor() as i64;
    let local = utc_minutes + offset_minutes(zone_of(departement), utc_minutes);
    let day = weekday(local.div_euclid(1440));
    Some((day, local.rem_euclid(1440) as u16))
}

/// Whether the place is open at `utc_ms` in its own local time: the
/// "ouvert maintenant" test in one call. False when the instant is invalid.
pub fn open_now(week: &Week, utc_ms: f64, departement: &str) -> bool {
    local_time(utc_ms, departement).is_some_and(|(day, minute)| week.is_open(day, minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A typical help place: Monday to Friday, morning and afternoon
    /// (Wednesday closed), Saturday morning.
    const TYPICAL: &str = r#"{"mo":[["08:30","12:00"],["13:30","17:00"]],
        "tu":[["08:30","12:00"],["13:30","17:00"]],"we":[],
        "th":[["08:30","12:00"],["13:30","17:00"]],
        "fr":[["08:30","12:00"],["13:30","16:30"]],"sa":[["09:00","12:00"]]}"#;

    fn iv(day: u8, start: u16, end: u16) -> Interval {
        Interval { day, start, end }
    }

    fn week(json: &str) -> Week {
        match Week::from_json(json) {
            Ok(w) => w,
            Err(e) => panic!("{json}: {e}"),
        }
    }

    fn err(json: &str) -> HoursError {
        match Week::from_json(json) {
            Ok(w) => panic!("{json} parsed as {w:?}"),
            Err(e) => e,
        }
    }

    /// Epoch milliseconds of a UTC date and time, through the module's own
    /// civil arithmetic (checked against literal `date -u +%s` values below).
    fn utc_ms(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> f64 {
        ((days_from_civil(y, mo, d) * 1440 + h * 60 + mi) * 60_000) as f64
    }

    #[test]
    fn parses_a_typical_schedule() {
        let w = week(TYPICAL);
        assert_eq!(w.intervals().len(), 9);
        assert_eq!(w.intervals()[0], iv(0, 510, 720));
        assert_eq!(w.intervals()[1], iv(0, 810, 1020));
        assert_eq!(w.intervals()[7], iv(4, 810, 990));
        assert_eq!(w.intervals()[8], iv(5, 540, 720));
        assert!(w.is_open(0, 510));
        assert!(w.is_open(0, 719));
        assert!(!w.is_open(0, 720));
        assert!(!w.is_open(0, 509));
        assert!(!w.is_open(2, 600));
        assert!(w.is_open(5, 600));
        assert!(!w.is_open(6, 600));
        assert!(w.opens_on(5));
        assert!(!w.opens_on(2));
        assert!(!w.opens_on(6));
        assert!(!w.is_empty());
        // Out-of-range queries are simply closed.
        assert!(!w.is_open(7, 600));
        assert!(!w.is_open(0, 1440));
        assert!(!w.opens_on(200));
    }

    #[test]
    fn tolerates_whitespace_null_missing_days_and_short_hours() {
        let w = week(" {\n \"su\" : null ,\"mo\":[ [ \"8:30\" , \"12:00\" ] ] } \n");
        assert_eq!(w.intervals(), &[iv(0, 510, 720)]);
        assert!(week("{}").is_empty());
        assert!(week(r#"{"mo":[],"tu":null}"#).is_empty());
        assert_eq!(
            week(r#"{"su":[["00:00","24:00"]]}"#).intervals(),
            &[iv(6, 0, 1440)]
        );
        // Escapes are JSON's: decoded before the key or time is read.
        assert_eq!(
            week(r#"{"m\u006f":[["08\u003a30","12:00"]]}"#).intervals(),
            &[iv(0, 510, 720)]
        );
        assert_eq!(
            err("{\"mo\":[[\"08:\t30\",\"12:00\"]]}"),
            HoursError::Malformed {
                at: 12,
                expected: "an escaped control character"
            }
        );
    }

    #[test]
    fn encode_decode_round_trip_and_size() {
        let w = week(TYPICAL);
        let bytes = w.encode();
        assert_eq!(bytes.len(), 36); // 9 intervals × 4 bytes
                                     // First interval: Monday 510–720 = 0 << 22 | 510 << 11 | 720.
        assert_eq!(&bytes[..4], &((510u32 << 11) | 720).to_le_bytes());
        assert_eq!(Week::decode(&bytes), Ok(w.clone()));
        // The brief's "typical week" with Wednesday open: 11 intervals.
        let full = week(
            r#"{"mo":[["08:30","12:00"],["13:30","17:00"]],"tu":[["08:30","12:00"],["13:30","17:00"]],"we":[["08:30","12:00"],["13:30","17:00"]],"th":[["08:30","12:00"],["13:30","17:00"]],"fr":[["08:30","12:00"],["13:30","17:00"]],"sa":[["09:00","12:00"]]}"#,
        );
        assert_eq!(full.encode().len(), 44);
        assert_eq!(Week::decode(&full.encode()), Ok(full));
        // Sunday all day, the largest field values.
        let sunday = week(r#"{"su":[["23:59","24:00"],["00:00","00:01"]]}"#);
        assert_eq!(Week::decode(&sunday.encode()), Ok(sunday));
        assert_eq!(Week::decode(&[]), Ok(Week::default()));
        assert!(Week::default().encode().is_empty());
    }

    #[test]
    fn decode_normalises_any_order() {
        let mut bytes = Vec::new();
        for word in [
            (1u32 << 22) | (600 << 11) | 700,
            (600 << 11) | 700,
            (650 << 11) | 800,
        ] {
            bytes.extend_from_slice(&word.to_le_bytes());
        }
        let w = Week::decode(&bytes).map(|w| w.intervals().to_vec());
        assert_eq!(w, Ok(vec![iv(0, 600, 800), iv(1, 600, 700)]));
    }

    #[test]
    fn decode_rejects_bad_binary() {
        let good = week(TYPICAL).encode();
        assert_eq!(
            Week::decode(&good[..35]),
            Err(HoursError::BadLength { len: 35 })
        );
        assert_eq!(Week::decode(&[0]), Err(HoursError::BadLength { len: 1 }));
        let word = |w: u32| w.to_le_bytes().to_vec();
        let one = (1u32 << 11) | 2;
        assert_eq!(
            Week::decode(&one.to_le_bytes().repeat(65)),
            Err(HoursError::TooManyIntervals { count: 65 })
        );
        assert_eq!(
            Week::decode(&one.to_le_bytes().repeat(64)).map(|w| w.intervals().len()),
            Ok(1)
        );
        let bad = |w: u32, reason| {
            assert_eq!(
                Week::decode(&word(w)),
                Err(HoursError::BadInterval { index: 0, reason }),
                "{w:#x}"
            )
        };
        bad((7 << 22) | 1, "day above 6 (Sunday)");
        bad((6 << 22) | (1000 << 11) | 1441, "end after 24:00");
        bad((600 << 11) | 600, "start not before end");
        bad((700 << 11) | 600, "start not before end");
        bad(0, "start not before end");
        bad(1 << 25 | 1, "reserved bits set");
        bad(u32::MAX, "reserved bits set");
        // The error names the index of the bad interval.
        let mut two = word(1);
        two.extend(word(7 << 22 | 1));
        assert_eq!(
            Week::decode(&two),
            Err(HoursError::BadInterval {
                index: 1,
                reason: "day above 6 (Sunday)"
            })
        );
    }

    #[test]
    fn midnight_crossing_is_split_onto_the_next_day() {
        let w = week(r#"{"sa":[["20:00","02:00"]]}"#);
        assert_eq!(w.intervals(), &[iv(5, 1200, 1440), iv(6, 0, 120)]);
        assert!(w.is_open(6, 60)); // Sunday 01:00
        assert!(!w.is_open(6, 120));
        assert!(w.is_open(5, 1439));
        // Sunday night wraps to Monday morning.
        let w = week(r#"{"su":[["22:00","01:30"]]}"#);
        assert_eq!(w.intervals(), &[iv(0, 0, 90), iv(6, 1320, 1440)]);
        assert!(w.is_open(0, 30));
        // An end of 00:00 is midnight: no piece on the next day.
        let w = week(r#"{"fr":[["19:00","00:00"]]}"#);
        assert_eq!(w.intervals(), &[iv(4, 1140, 1440)]);
    }

    #[test]
    fn overlapping_and_touching_intervals_merge() {
        let w = week(
            r#"{"mo":[["13:00","17:00"],["08:00","12:00"],["11:00","14:00"],["17:00","18:00"],["19:00","20:00"]]}"#,
        );
        assert_eq!(w.intervals(), &[iv(0, 480, 1080), iv(0, 1140, 1200)]);
        // A night carry-over merges with the next day's own morning.
        let w = week(r#"{"mo":[["22:00","03:00"]],"tu":[["02:00","05:00"]]}"#);
        assert_eq!(w.intervals(), &[iv(0, 1320, 1440), iv(1, 0, 300)]);
        // from_intervals gives the same normal form.
        let built = Week::from_intervals(&[iv(1, 120, 300), iv(0, 1320, 1440), iv(1, 0, 180)]);
        assert_eq!(built, Ok(w));
        assert_eq!(
            Week::from_intervals(&[iv(0, 5, 5)]),
            Err(HoursError::BadInterval {
                index: 0,
                reason: "start not before end"
            })
        );
        assert_eq!(
            Week::from_intervals(&[iv(0, 1, 5)].repeat(65)),
            Err(HoursError::TooManyIntervals { count: 65 })
        );
    }

    #[test]
    fn malformed_json_gives_specific_errors() {
        let malformed = |json: &str, at: usize, expected: &'static str| {
            assert_eq!(err(json), HoursError::Malformed { at, expected }, "{json}");
        };
        malformed("", 0, "'{'");
        malformed("[]", 0, "'{'");
        malformed(r#"{"mo":[["08:00","12:00"]]"#, 25, "',' or '}'");
        malformed(r#"{"mo":[["08:00","12:00"]]}x"#, 26, "end of text");
        malformed(r#"{"mo" [["08:00","12:00"]]}"#, 6, "':'");
        malformed(r#"{"mo":[["08:00" "12:00"]]}"#, 16, "','");
        malformed(
            r#"{"mo":[["08:00","12:00","13:00"]]}"#,
            23,
            "']' closing an interval",
        );
        malformed(r#"{"mo":"08:00"}"#, 6, "'[' or null");
        malformed(r#"{"mo":[[8,12]]}"#, 8, "a start time in quotes");
        malformed(
            r#"{"mo":[["08:00","12:00"],]}"#,
            25,
            "'[' opening an interval",
        );
        malformed(r#"{"mo":[["08:00","12:00"]}"#, 24, "',' or ']'");
        malformed(r#"{mo:[]}"#, 1, "a day key in quotes");
        malformed(r#"{"mo":[],}"#, 9, "a day key in quotes");
        malformed(r#"{"mo"#, 4, "a closing '\"'");
        malformed(r#"{"mo\"#, 5, "a closing '\"'");
        assert_eq!(
            err(r#"{"xx":[]}"#),
            HoursError::UnknownDay { key: "xx".into() }
        );
        assert_eq!(
            err(r#"{"Mo":[]}"#),
            HoursError::UnknownDay { key: "Mo".into() }
        );
        assert_eq!(
            err(r#"{"mo":[],"mo":[]}"#),
            HoursError::DuplicateDay { key: "mo" }
        );
        for bad in [
            "25:00",
            "24:30",
            "12:60",
            "1200",
            "12:0",
            "123:00",
            "ab:cd",
            "",
            ":30",
            "8h30",
            "１２:00",
        ] {
            let json = format!(r#"{{"tu":[["{bad}","13:00"]]}}"#);
            assert_eq!(
                err(&json),
                HoursError::BadTime { text: bad.into() },
                "{json}"
            );
        }
        assert_eq!(
            err(r#"{"tu":[["24:00","02:00"]]}"#),
            HoursError::BadTime {
                text: "24:00".into()
            }
        );
        assert_eq!(
            err(r#"{"we":[["08:00","08:00"]]}"#),
            HoursError::EmptyInterval {
                day: 2,
                minute: 480
            }
        );
        // Long offending text is quoted by its first 16 characters.
        let long = "y".repeat(10_000);
        assert_eq!(
            err(&format!(r#"{{"{long}":[]}}"#)),
            HoursError::UnknownDay {
                key: "y".repeat(16)
            }
        );
    }

    #[test]
    fn too_many_intervals_stops_parsing() {
        let many = |n: usize| {
            let list = vec![r#"["08:00","09:00"]"#; n].join(",");
            format!(r#"{{"mo":[{list}]}}"#)
        };
        // 64 identical intervals merge into one.
        assert_eq!(week(&many(64)).intervals(), &[iv(0, 480, 540)]);
        assert_eq!(err(&many(65)), HoursError::TooManyIntervals { count: 65 });
        assert_eq!(
            err(&many(100_000)),
            HoursError::TooManyIntervals { count: 65 }
        );
    }

    #[test]
    fn hostile_json_never_panics() {
        let samples = [
            "{",
            "}",
            "{\"",
            "{\"mo\"",
            "{\"mo\":",
            "{\"mo\":[",
            "{\"mo\":[[",
            "{\"mo\":[[\"",
            "{\"mo\":[[\"08:00\"",
            "{\"mo\":[[\"08:00\",",
            "{\"mo\":[[\"08:00\",\"09:00\"",
            "{\"mo\":[[\"08:00\",\"09:00\"]",
            "{\"mo\":[[\"08:00\",\"09:00\"]]",
            "\u{0}",
            "{\"é\":[]}",
            "{\"mo\":[[\"0é:00\",\"09:00\"]]}",
            "{\"mo\":nul}",
            "{\"mo\":[[\"\\",
            "{\"mo\\\"\":[]}",
        ];
        for s in samples {
            assert!(Week::from_json(s).is_err(), "{s:?}");
        }
        // Every prefix of a valid text fails cleanly (the whole text parses).
        for cut in 0..TYPICAL.len() {
            if let Some(prefix) = TYPICAL.get(..cut) {
                assert!(Week::from_json(prefix).is_err(), "{prefix}");
            }
        }
        assert_eq!(
            err(&"[".repeat(100_000)),
            HoursError::Malformed {
                at: 0,
                expected: "'{'"
            }
        );
    }

    #[test]
    fn french_rendering() {
        let nb = |s: &str| s.replace(' ', "\u{202f}");
        let lines = week(TYPICAL).lines(Lang::Fr);
        assert_eq!(lines.len(), 7);
        assert_eq!(lines[0].0, "lundi");
        assert_eq!(
            lines[0].1,
            format!(
                "{} – {}, {} – {}",
                nb("8 h 30"),
                nb("12 h"),
                nb("13 h 30"),
                nb("17 h")
            )
        );
        assert_eq!(
            lines[0].1,
            "8\u{202f}h\u{202f}30 – 12\u{202f}h, 13\u{202f}h\u{202f}30 – 17\u{202f}h"
        );
        // With the narrow spaces read as ordinary ones: the brief's string.
        assert_eq!(
            lines[0].1.replace('\u{202f}', " "),
            "8 h 30 – 12 h, 13 h 30 – 17 h"
        );
        assert_eq!(lines[2], ("mercredi".to_string(), "fermé".to_string()));
        assert_eq!(lines[5].1.replace('\u{202f}', " "), "9 h – 12 h");
        assert_eq!(lines[6], ("dimanche".to_string(), "fermé".to_string()));
        let night = week(r#"{"sa":[["20:00","02:05"]]}"#).lines(Lang::Fr);
        assert_eq!(night[5].1.replace('\u{202f}', " "), "20 h – 24 h");
        assert_eq!(night[6].1.replace('\u{202f}', " "), "0 h – 2 h 05");
    }

    #[test]
    fn english_rendering() {
        let lines = week(TYPICAL).lines(Lang::En);
        assert_eq!(
            lines[0],
            ("Monday".to_string(), "08:30–12:00, 13:30–17:00".to_string())
        );
        assert_eq!(lines[2], ("Wednesday".to_string(), "closed".to_string()));
        assert_eq!(lines[4].1, "08:30–12:00, 13:30–16:30");
        assert_eq!(lines[6].0, "Sunday");
        let night = week(r#"{"sa":[["20:00","02:05"]]}"#).lines(Lang::En);
        assert_eq!(night[5].1, "20:00–24:00");
        assert_eq!(night[6].1, "00:00–02:05");
    }

    #[test]
    fn next_change_opens_and_closes() {
        let w = week(TYPICAL);
        // Monday 9:00, open: closes at 12 h.
        assert_eq!(w.next_change(0, 540), Some((0, 720, false)));
        // Monday 12:00, closed: opens at 13 h 30.
        assert_eq!(w.next_change(0, 720), Some((0, 810, true)));
        // Tuesday 18:00: next opening is Thursday (Wednesday closed) 8 h 30.
        assert_eq!(w.next_change(1, 1080), Some((3, 510, true)));
        // Saturday 12:00: next is Monday 8 h 30, across the week's end.
        assert_eq!(w.next_change(5, 720), Some((0, 510, true)));
        assert_eq!(w.next_change(6, 0), Some((0, 510, true)));
        // Monday 0:00, before any opening.
        assert_eq!(w.next_change(0, 0), Some((0, 510, true)));
        // Out of range, empty, always open.
        assert_eq!(w.next_change(7, 0), None);
        assert_eq!(w.next_change(0, 1440), None);
        assert_eq!(Week::default().next_change(0, 0), None);
        let always = Week::from_intervals(&(0..7).map(|d| iv(d, 0, 1440)).collect::<Vec<_>>());
        assert_eq!(always.map(|a| a.next_change(3, 700)), Ok(None));
    }

    #[test]
    fn next_change_follows_openings_through_midnight() {
        // Saturday 20:00–02:00: at 23:00 it closes Sunday at 2 h.
        let w = week(r#"{"sa":[["20:00","02:00"]]}"#);
        assert_eq!(w.next_change(5, 1380), Some((6, 120, false)));
        assert_eq!(w.next_change(6, 60), Some((6, 120, false)));
        assert_eq!(w.next_change(6, 120), Some((5, 1200, true)));
        // A close at midnight is minute 1440 of the day that ends.
        let w = week(r#"{"fr":[["19:00","24:00"]]}"#);
        assert_eq!(w.next_change(4, 1200), Some((4, 1440, false)));
        // Sunday 22:00 to Monday 01:30, seen from both sides of the wrap.
        let w = week(r#"{"su":[["22:00","01:30"]],"we":[["10:00","11:00"]]}"#);
        assert_eq!(w.next_change(6, 1400), Some((0, 90, false)));
        assert_eq!(w.next_change(0, 10), Some((0, 90, false)));
        assert_eq!(w.next_change(0, 90), Some((2, 600, true)));
        assert_eq!(w.next_change(3, 0), Some((6, 1320, true)));
        // Open every day until midnight and from midnight: closes Monday 3 h.
        let w =
            week(r#"{"su":[["00:00","24:00"]],"mo":[["00:00","03:00"]],"sa":[["12:00","24:00"]]}"#);
        assert_eq!(w.next_change(5, 800), Some((0, 180, false)));
    }

    #[test]
    fn civil_arithmetic() {
        // Literal values from `date -u -d … +%s`.
        assert_eq!(utc_ms(2026, 3, 29, 0, 59), 1_774_745_940_000.0);
        assert_eq!(utc_ms(2026, 12, 3, 12, 0), 1_796_299_200_000.0);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(year_of_days(0), 1970);
        assert_eq!(year_of_days(-1), 1969);
        assert_eq!(year_of_days(days_from_civil(2026, 12, 31)), 2026);
        assert_eq!(year_of_days(days_from_civil(2027, 1, 1)), 2027);
        assert_eq!(year_of_days(days_from_civil(2024, 2, 29)), 2024);
        assert_eq!(last_sunday(2026, 3), days_from_civil(2026, 3, 29));
        assert_eq!(last_sunday(2026, 10), days_from_civil(2026, 10, 25));
        assert_eq!(last_sunday(2025, 3), days_from_civil(2025, 3, 30));
        assert_eq!(last_sunday(2026, 12), days_from_civil(2026, 12, 27));
        assert_eq!(nth_sunday(2026, 3, 2), days_from_civil(2026, 3, 8));
        assert_eq!(nth_sunday(2026, 11, 1), days_from_civil(2026, 11, 1));
        assert_eq!(weekday(days_from_civil(2026, 12, 3)), 3); // Thursday
        assert_eq!(weekday(0), 3); // 1970-01-01 was a Thursday
    }

    #[test]
    fn paris_summer_time_transitions() {
        // Spring forward, 2026-03-29: 00:59 UTC is 01:59 CET, 01:00 UTC is 03:00 CEST.
        assert_eq!(local_time(1_774_745_940_000.0, "75"), Some((6, 119)));
        assert_eq!(local_time(1_774_746_000_000.0, "75"), Some((6, 180)));
        // Fall back, 2026-10-25: 00:59 UTC is 02:59 CEST, 01:00 UTC is 02:00 CET.
        assert_eq!(local_time(1_792_889_940_000.0, "2A"), Some((6, 179)));
        assert_eq!(local_time(1_792_890_000_000.0, "2B"), Some((6, 120)));
        // 2026-12-03 12:00 UTC is Thursday 13:00 in Paris.
        assert_eq!(local_time(1_796_299_200_000.0, "59"), Some((3, 780)));
        // Unknown codes take the metropolitan rule.
        assert_eq!(local_time(1_796_299_200_000.0, "zz"), Some((3, 780)));
        assert_eq!(local_time(1_796_299_200_000.0, ""), Some((3, 780)));
        // Seconds inside a minute are dropped, not rounded.
        assert_eq!(local_time(1_796_299_259_999.0, "75"), Some((3, 780)));
    }

    #[test]
    fn overseas_offsets() {
        // 2026-06-15 22:30 UTC is Tuesday 02:30 in La Réunion (UTC+4).
        let t = 1_781_562_600_000.0;
        assert_eq!(utc_ms(2026, 6, 15, 22, 30), t);
        assert_eq!(local_time(t, "974"), Some((1, 150)));
        assert_eq!(local_time(t, "976"), Some((1, 90)));
        assert_eq!(local_time(t, "971"), Some((0, 1110)));
        assert_eq!(local_time(t, "972"), Some((0, 1110)));
        assert_eq!(local_time(t, "973"), Some((0, 1170)));
        assert_eq!(local_time(t, " 974 "), Some((1, 150)));
        assert_eq!(local_time(t, "988"), Some((1, 570)));
        assert_eq!(local_time(t, "987"), Some((0, 750)));
        // Saint-Pierre-et-Miquelon, North American rule (tzdata agrees):
        // 2026-03-08 04:59 UTC = 01:59 UTC−3; 05:00 UTC = 03:00 UTC−2.
        assert_eq!(local_time(1_772_945_940_000.0, "975"), Some((6, 119)));
        assert_eq!(local_time(1_772_946_000_000.0, "975"), Some((6, 180)));
        // 2026-11-01 03:59 UTC = 01:59 UTC−2; 04:00 UTC = 01:00 UTC−3.
        assert_eq!(local_time(1_793_505_540_000.0, "975"), Some((6, 119)));
        assert_eq!(local_time(1_793_505_600_000.0, "975"), Some((6, 60)));
        // Summer: UTC−2.
        assert_eq!(local_time(t, "975"), Some((0, 1230)));
    }

    #[test]
    fn invalid_instants() {
        assert_eq!(local_time(f64::NAN, "75"), None);
        assert_eq!(local_time(f64::INFINITY, "75"), None);
        assert_eq!(local_time(f64::NEG_INFINITY, "974"), None);
        assert_eq!(local_time(1e300, "75"), None);
        assert_eq!(local_time(8.64e15 + 1.0, "75"), None);
        // The edges of the JavaScript Date range still work.
        assert!(local_time(8.64e15, "975").is_some());
        assert!(local_time(-8.64e15, "75").is_some());
        // Before the epoch: 1969-12-31 23:30 UTC is Thursday 00:30 in Paris.
        assert_eq!(local_time(-1_800_000.0, "75"), Some((3, 30)));
        assert!(!open_now(&week(TYPICAL), f64::NAN, "75"));
    }

    #[test]
    fn open_now_uses_local_time() {
        let w = week(TYPICAL);
        // Thursday 2026-12-03 12:00 UTC: 13:00 in Paris (lunch break), 16:00
        // in La Réunion (open), 08:00 in Guadeloupe (not yet open).
        let t = utc_ms(2026, 12, 3, 12, 0);
        assert!(!open_now(&w, t, "75"));
        assert!(open_now(&w, t, "974"));
        assert!(!open_now(&w, t, "971"));
        assert!(open_now(&w, t + 30.0 * 60_000.0, "971"));
        assert!(open_now(&w, t + 30.0 * 60_000.0, "75"));
    }

    #[test]
    fn errors_display() {
        assert_eq!(
            HoursError::UnknownDay { key: "xx".into() }.to_string(),
            "unknown day key \"xx\" (expected mo tu we th fr sa su)"
        );
        assert_eq!(
            HoursError::BadTime {
                text: "25:00".into()
            }
            .to_string(),
            "bad time \"25:00\" (expected HH:MM from 00:00 to 24:00)"
        );
        assert_eq!(
            HoursError::Malformed {
                at: 12,
                expected: "','"
            }
            .to_string(),
            "malformed hours JSON at byte 12: expected ','"
        );
        assert_eq!(
            HoursError::EmptyInterval {
                day: 2,
                minute: 480
            }
            .to_string(),
            "empty interval on we at 08:00 (start equals end)"
        );
        assert_eq!(
            HoursError::BadLength { len: 7 }.to_string(),
            "binary hours of 7 bytes: not a multiple of 4"
        );
    }

    #[test]
    fn agrees_with_serde_json_reading() {
        // Cross-check the hand parser against serde_json on the typical text.
        let value: serde_json::Value = match serde_json::from_str(TYPICAL) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        let mut from_serde = Vec::new();
        for (day, key) in DAY_KEYS.iter().enumerate() {
            for pair in value[key].as_array().into_iter().flatten() {
                let start = pair[0].as_str().map(parse_time);
                let end = pair[1].as_str().map(parse_time);
                if let (Some(Ok(start)), Some(Ok(end))) = (start, end) {
                    from_serde.push(iv(day as u8, start, end));
                }
            }
        }
        assert_eq!(from_serde.len(), 9);
        assert_eq!(Week::from_intervals(&from_serde), Ok(week(TYPICAL)));
    }
}
