//! Files to rows: CSV (any separator, CRLF, quoted multi-line values), JSON
//! arrays of objects and GeoJSON feature collections all become [`Row`]s of
//! named text values with their 1-based line, so one mapping layer serves
//! every format.

use super::text::{cap, clean, decode, preview, strip_bom, MAX_FIELD_CHARS};
use super::SiteError;
use crate::report::Action;
use std::path::Path;
use std::rc::Rc;

/// Something to record in the report about one row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Note {
    pub action: Action,
    pub reason: &'static str,
    pub detail: String,
}

impl Note {
    pub fn rejected(reason: &'static str, detail: impl Into<String>) -> Self {
        Self {
            action: Action::Rejected,
            reason,
            detail: detail.into(),
        }
    }

    pub fn repaired(reason: &'static str, detail: impl Into<String>) -> Self {
        Self {
            action: Action::Repaired,
            reason,
            detail: detail.into(),
        }
    }
}

/// One input record: values by column name (CSV headers are lower-cased).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// CSV: physical line where the record starts (header = 1); JSON: record number.
    pub line: u64,
    cols: Rc<[String]>,
    vals: Vec<String>,
    /// Repairs made while reading (encoding).
    pub notes: Vec<Note>,
    /// Set when the record cannot be read at all.
    pub bad: Option<Note>,
}

impl Row {
    /// A row from column names and values, for tests and the town halls.
    pub fn from_pairs(line: u64, pairs: &[(&str, &str)]) -> Self {
        Self {
            line,
            cols: pairs.iter().map(|(k, _)| (*k).to_owned()).collect(),
            vals: pairs.iter().map(|(_, v)| (*v).to_owned()).collect(),
            notes: Vec::new(),
            bad: None,
        }
    }

    /// The row's column names.
    pub fn columns(&self) -> &[String] {
        &self.cols
    }

    /// The raw value of a column, "" when absent.
    pub fn raw(&self, col: &str) -> &str {
        self.cols
            .iter()
            .position(|c| c == col)
            .and_then(|i| self.vals.get(i))
            .map_or("", String::as_str)
    }
}

/// The columns [`geojson_rows`] adds to each row from a Point geometry:
/// readers may ask for them, no CSV header has them.
pub(crate) const GEOMETRY_LON: &str = "geometry_lon";
/// See [`GEOMETRY_LON`].
pub(crate) const GEOMETRY_LAT: &str = "geometry_lat";

/// Reads a row's values for a mapping, collecting the repairs it makes and
/// the columns it asks for.
pub(crate) struct Fields<'a> {
    row: &'a Row,
    pub notes: Vec<Note>,
    /// Every column asked for, in order, repeats included.
    pub asked: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    pub fn new(row: &'a Row) -> Self {
        Self {
            row,
            notes: Vec::new(),
            asked: Vec::new(),
        }
    }

    /// A cleaned value, cut to [`MAX_FIELD_CHARS`] (reported).
    pub fn text(&mut self, col: &'static str) -> String {
        self.asked.push(col);
        let mut s = clean(self.row.raw(col));
        if let Some(n) = cap(&mut s, MAX_FIELD_CHARS) {
            self.notes.push(Note::repaired(
                "truncated",
                format!("{col}: {n} characters cut to {MAX_FIELD_CHARS}"),
            ));
        }
        s
    }
}

/// Reads a whole file; the error names it.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, SiteError> {
    std::fs::read(path).map_err(|e| SiteError::Io {
        file: path.display().to_string(),
        message: e.to_string(),
    })
}

/// The separator of a CSV file, from its first line: the more frequent of
/// ";" and "," (outside quotes).
pub(crate) fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let (mut semi, mut comma, mut quoted) = (0, 0, false);
    for &b in strip_bom(bytes) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b';' if !quoted => semi += 1,
            b',' if !quoted => comma += 1,
            _ => {}
        }
    }
    if semi > comma {
        b';'
    } else {
        b','
    }
}

fn decode_field(bytes: &[u8], col: &str, notes: &mut Vec<Note>) -> String {
    let (text, repaired) = decode(bytes);
    if repaired {
        notes.push(Note::repaired(
            "encoding",
            format!("{col}: not UTF-8, read as Windows-1252: {}", preview(&text)),
        ));
    }
    text.into_owned()
}

/// A parsed CSV file.
pub(crate) struct Csv {
    /// Column names as the rows know them (cleaned, lower-cased).
    pub header: Rc<[String]>,
    /// The records, in file order.
    pub rows: Vec<Row>,
}

/// The "bad-record" note of a record with `fields` fields where the header
/// has `expected`. A record over several physical lines is most often a
/// quote left open, which joins the lines after it into one value: the
/// detail names them, so those rows are not lost unnoticed.
fn bad_record(fields: usize, expected: usize, line: u64, last: u64) -> Note {
    let mut detail = format!("{fields} fields, header has {expected}");
    if last > line {
        detail.push_str(&format!(
            "; the record runs over lines {line}-{last} (a quote left open joins the lines after it)"
        ));
    }
    Note::rejected("bad-record", detail)
}

/// Parses CSV bytes (a UTF-8 byte order mark is skipped). Rows whose field
/// count differs from the header's are marked bad rather than guessed at.
pub(crate) fn csv_rows(bytes: &[u8], delimiter: u8) -> Result<Csv, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(strip_bom(bytes));
    let body = strip_bom(bytes);
    // Lines come from byte offsets: csv's own line count lags by one after
    // a CRLF terminator. Offsets only grow, so newlines are counted once.
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    let headers = rdr.byte_headers().map_err(|e| e.to_string())?.clone();
    let mut ignored = Vec::new();
    let cols: Rc<[String]> = headers
        .iter()
        .map(|h| clean(&decode_field(h, "header", &mut ignored)).to_lowercase())
        .collect();
    if cols.iter().all(String::is_empty) {
        return Err("no header line".into());
    }
    let mut rows = Vec::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(e.to_string()),
        }
        let mut start = rec
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(body.len());
        while start < body.len() && matches!(body[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            newlines += body[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = start;
        }
        let line = newlines + 1;
        let mut notes = Vec::new();
        let vals: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, v)| decode_field(v, cols.get(i).map_or("?", String::as_str), &mut notes))
            .collect();
        let bad = (vals.len() != cols.len()).then(|| {
            // The reader stands at the next record: this one ends before it.
            let end = (rdr.position().byte() as usize).clamp(start, body.len());
            let text = body[start..end].trim_ascii_end();
            let spanned = text.iter().filter(|&&b| b == b'\n').count() as u64;
            bad_record(vals.len(), cols.len(), line, line + spanned)
        });
        rows.push(Row {
            line,
            cols: cols.clone(),
            vals,
            notes,
            bad,
        });
    }
    Ok(Csv { header: cols, rows })
}

fn json_text(bytes: &[u8]) -> (String, Option<Note>) {
    let (text, repaired) = decode(strip_bom(bytes));
    let note = repaired.then(|| {
        let at = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        Note::repaired(
            "encoding",
            format!("file is not UTF-8 (first bad byte at offset {at}); read as Windows-1252"),
        )
    });
    (text.into_owned(), note)
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(";")
        }
        other => other.to_string(),
    }
}

fn object_row(line: u64, v: &serde_json::Value, extra: &[(&str, String)]) -> Row {
    match v.as_object() {
        Some(obj) => Row {
            line,
            cols: obj
                .keys()
                .cloned()
                .chain(extra.iter().map(|(k, _)| (*k).to_owned()))
                .collect(),
            vals: obj
                .values()
                .map(value_text)
                .chain(extra.iter().map(|(_, v)| v.clone()))
                .collect(),
            notes: Vec::new(),
            bad: None,
        },
        None => Row {
            line,
            cols: Rc::new([]),
            vals: Vec::new(),
            notes: Vec::new(),
            bad: Some(Note::rejected(
                "bad-record",
                format!("not an object: {}", preview(&v.to_string())),
            )),
        },
    }
}

/// Parses a JSON array of objects; each object is a row numbered from 1.
pub(crate) fn json_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let (text, note) = json_text(bytes);
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let items = v.as_array().ok_or("top level is not an array")?;
    let mut rows: Vec<Row> = items
        .iter()
        .enumerate()
        .map(|(i, item)| object_row(i as u64 + 1, item, &[]))
        .collect();
    if let (Some(n), Some(first)) = (note, rows.first_mut()) {
        first.notes.push(n);
    }
    Ok(rows)
}

/// Parses a GeoJSON FeatureCollection; each feature's properties are a row
/// numbered from 1, with a Point geometry's coordinates added as
/// `geometry_lon` and `geometry_lat`.
pub(crate) fn geojson_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let (text, note) = json_text(bytes);
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let features = v
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or("no \"features\" array")?;
    let mut rows = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let line = i as u64 + 1;
        let point = f
            .get("geometry")
            .filter(|g| g.get("type").and_then(|t| t.as_str()) == Some("Point"))
            .and_then(|g| g.get("coordinates"))
            .and_then(|c| c.as_array());
        let coord = |k: usize| {
            point
                .and_then(|c| c.get(k))
                .map(value_text)
                .unwrap_or_default()
        };
        let extra = [(GEOMETRY_LON, coord(0)), (GEOMETRY_LAT, coord(1))];
        let row = match f.get("properties") {
            Some(p) if p.is_object() => object_row(line, p, &extra),
            _ => object_row(line, &serde_json::Value::Null, &[]),
        };
        rows.push(row);
    }
    if let (Some(n), Some(first)) = (note, rows.first_mut()) {
        first.notes.push(n);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_encoding_and_bad_records() {
        let data = b"\xEF\xBB\xBFNom;Ville\r\nA;\"multi\nline\"\r\nBiblioth\xe8que;X\r\nshort\r\n";
        assert_eq!(sniff_delimiter(data), b';');
        let Csv { header, rows } = csv_rows(data, b';').expect("csv");
        assert_eq!(&header[..], ["nom", "ville"]);
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, rows[0].raw("ville")), (2, "multi\nline"));
        assert_eq!((rows[1].line, rows[1].raw("nom")), (4, "Bibliothèque"));
        assert_eq!(rows[1].notes[0].reason, "encoding");
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].bad.as_ref().map(|n| n.reason), Some("bad-record"));
        assert_eq!(sniff_delimiter(b"\"a;b\",c,d\n"), b',');
    }

    #[test]
    fn an_open_quote_names_the_lines_it_joins() {
        let data = b"id,nom,ville\r\n1,\"Ouvert,Arras\r\n2,B,Lens\r\n3,C,Lille\r\n";
        let rows = csv_rows(data, b',').expect("csv").rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        let bad = rows[0].bad.as_ref().expect("bad");
        assert_eq!(
            bad.detail,
            "2 fields, header has 3; the record runs over lines 2-4 (a quote left open joins the lines after it)"
        );
        // A well-formed record over two lines is one row, at its first line.
        let rows = csv_rows(b"id,nom\n1,\"a\nb\"\n2,c,x\n", b',')
            .expect("csv")
            .rows;
        assert_eq!(rows[0].raw("nom"), "a\nb");
        let bad = rows[1].bad.as_ref().expect("bad");
        assert_eq!(
            (rows[1].line, bad.detail.as_str()),
            (4, "3 fields, header has 2")
        );
    }

    #[test]
    fn json_and_geojson_rows() {
        let rows = json_rows(br#"[{"id": "a", "latitude": 50.5, "n": null, "l": ["x", "y"]}, 3]"#)
            .expect("json");
        assert_eq!(
            (rows[0].raw("latitude"), rows[0].raw("n"), rows[0].raw("l")),
            ("50.5", "", "x;y")
        );
        assert_eq!(rows[1].bad.as_ref().map(|n| n.reason), Some("bad-record"));
        let rows = geojson_rows(
            br#"{"features": [{"properties": {"id": "a"}, "geometry": {"type": "Point", "coordinates": [2.5, 50.5]}}, {"geometry": null}]}"#,
        )
        .expect("geojson");
        assert_eq!(
            (rows[0].raw("geometry_lon"), rows[0].raw("geometry_lat")),
            ("2.5", "50.5")
        );
        assert!(rows[1].bad.is_some());
        assert!(json_rows(b"{").is_err());
        let rows = json_rows(b"[{\"nom\": \"Biblioth\xe8que\"}]").expect("latin-1");
        assert_eq!(rows[0].raw("nom"), "Bibliothèque");
        assert_eq!(rows[0].notes[0].reason, "encoding");
    }

    #[test]
    fn fields_cap_hostile_values() {
        let long = "x".repeat(100_000);
        let row = Row::from_pairs(1, &[("nom", long.as_str())]);
        let mut f = Fields::new(&row);
        assert_eq!(f.text("nom").chars().count(), MAX_FIELD_CHARS);
        assert_eq!(f.notes[0].reason, "truncated");
        assert_eq!(f.text("absent"), "");
    }
}
