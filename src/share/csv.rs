//! CSV export that a spreadsheet set to French opens in the right columns,
//! and that cannot run a formula planted in the data.
//!
//! Format: UTF-8 with a byte-order mark (without it Excel reads the file as
//! Windows-1252 and mangles accents), `;` between cells (the French list
//! separator, since `,` is the decimal mark), CRLF line ends, one header row.
//! Reals are written with a decimal comma and no thousands separator
//! ("1234,5"); NaN and infinities become empty cells.
//!
//! Quoting follows RFC 4180: a text cell holding `;`, `"`, CR or LF is put
//! between double quotes, inner quotes doubled.
//!
//! Formula injection (OWASP "CSV injection"): place names and addresses come
//! from open data anyone can edit, so a text cell that a spreadsheet would
//! read as a formula — first character `=`, `+`, `-`, `@`, tab or CR, also
//! after leading whitespace or quotes, and the full-width `＝＋－＠` — gets a
//! leading `'` so it shows as text. Numbers (`Int`, `Real`) are typed by us
//! and never prefixed, so "-3,5" stays a number. NUL characters are removed.
//!
//! Limits: text that *looks* like a number ("01001", "12,5") is still turned
//! into a number by the spreadsheet (leading zeros of codes lost); the
//! prefix changes the text a program reading the CSV back sees (`'=1`).
//!
//! ```
//! use maillage::share::csv::{Cell, Csv};
//! let mut csv = Csv::new(&["Nom", "Part"]);
//! csv.row(vec![Cell::Text("=1+1".into()), Cell::Real { value: 12.5, decimals: 1 }]);
//! assert_eq!(csv.finish(), "\u{FEFF}Nom;Part\r\n'=1+1;12,5\r\n");
//! ```

/// One value of a row, typed so numbers are written as numbers (decimal
/// comma, never prefixed) and only text goes through injection escaping.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text: escaped by [`escape_text`].
    Text(String),
    /// A whole number, written as is ("-12").
    Int(i64),
    /// A real written with `decimals` digits after a decimal comma; NaN and
    /// infinities give an empty cell.
    Real {
        /// The number.
        value: f64,
        /// Digits after the comma.
        decimals: u8,
    },
    /// No value (missing data), an empty cell.
    Empty,
}

impl Cell {
    /// The cell as it appears between separators.
    fn render(&self) -> String {
        match self {
            Cell::Text(s) => escape_text(s),
            Cell::Int(i) => i.to_string(),
            Cell::Real { value, decimals } => {
                super::fixed(*value, *decimals, ',').unwrap_or_default()
            }
            Cell::Empty => String::new(),
        }
    }
}

/// A CSV being written row by row, so exports of the help places or the
/// EPCI table share one format and one escaping.
#[derive(Debug, Clone)]
pub struct Csv {
    out: String,
    width: usize,
}

impl Csv {
    /// Starts a file with its byte-order mark and header row (headers are
    /// escaped like text cells).
    pub fn new(headers: &[&str]) -> Csv {
        let mut out = String::from("\u{FEFF}");
        for (i, h) in headers.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(&escape_text(h));
        }
        out.push_str("\r\n");
        Csv {
            out,
            width: headers.len(),
        }
    }

    /// Adds a row. A row shorter than the header is padded with empty cells
    /// so columns stay aligned; a longer one is written whole, since dropping
    /// cells would silently lose data.
    pub fn row(&mut self, cells: Vec<Cell>) {
        let n = cells.len().max(self.width);
        for i in 0..n {
            if i > 0 {
                self.out.push(';');
            }
            if let Some(cell) = cells.get(i) {
                self.out.push_str(&cell.render());
            }
        }
        self.out.push_str("\r\n");
    }

    /// The whole file, ready to be offered as a download.
    pub fn finish(self) -> String {
        self.out
    }
}

/// Characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// Characters a spreadsheet may skip before spotting a formula.
fn is_lead_in(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '\u{FF02}' | '\u{FF07}')
}

/// Whether the first meaningful character of `s` starts a formula.
fn looks_like_formula(s: &str) -> bool {
    for c in s.chars() {
        if TRIGGERS.contains(&c) {
            return true;
        }
        if !is_lead_in(c) {
            return false;
        }
    }
    false
}

/// One text cell as written in the file: NUL removed, `'` prefixed when it
/// could be read as a formula, quoted when it holds `;`, `"`, CR or LF.
/// Public so a caller writing its own rows escapes the same way.
pub fn escape_text(s: &str) -> String {
    let clean: String = s.chars().filter(|&c| c != '\0').collect();
    let quoted = clean.contains([';', '"', '\r', '\n']);
    let mut out = String::with_capacity(clean.len() + 3);
    if quoted {
        out.push('"');
    }
    if looks_like_formula(&clean) {
        out.push('\'');
    }
    for c in clean.chars() {
        if c == '"' {
            out.push_str("\"\"");
        } else {
            out.push(c);
        }
    }
    if quoted {
        out.push('"');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    #[test]
    fn file_has_bom_semicolons_and_crlf() {
        let mut csv = Csv::new(&["Nom", "Commune", "Population"]);
        csv.row(vec![text("Médiathèque"), text("Arras"), Cell::Int(41_019)]);
        csv.row(vec![text("France services"), text("Liévin"), Cell::Empty]);
        assert_eq!(
            csv.finish(),
            "\u{FEFF}Nom;Commune;Population\r\n\
             Médiathèque;Arras;41019\r\n\
             France services;Liévin;\r\n"
        );
    }

    #[test]
    fn header_only_file() {
        assert_eq!(Csv::new(&["a"]).finish(), "\u{FEFF}a\r\n");
        assert_eq!(Csv::new(&[]).finish(), "\u{FEFF}\r\n");
    }

    #[test]
    fn headers_are_escaped_too() {
        assert_eq!(
            Csv::new(&["Taux; %", "=x"]).finish(),
            "\u{FEFF}\"Taux; %\";'=x\r\n"
        );
    }

    #[test]
    fn reals_use_a_decimal_comma_and_no_thousands_separator() {
        let real = |value, decimals| Cell::Real { value, decimals }.render();
        assert_eq!(real(12.5, 1), "12,5");
        assert_eq!(real(1_234_567.891, 2), "1234567,89");
        assert_eq!(real(-3.5, 1), "-3,5");
        assert_eq!(real(0.125, 0), "0");
        assert_eq!(real(2.0, 3), "2,000");
        assert_eq!(real(f64::NAN, 1), "");
        assert_eq!(real(f64::INFINITY, 1), "");
        assert_eq!(real(f64::NEG_INFINITY, 1), "");
    }

    #[test]
    fn numbers_are_never_prefixed() {
        assert_eq!(Cell::Int(-42).render(), "-42");
        assert_eq!(Cell::Int(i64::MIN).render(), "-9223372036854775808");
        assert_eq!(
            Cell::Real {
                value: -0.75,
                decimals: 2
            }
            .render(),
            "-0,75"
        );
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(escape_text("a;b"), "\"a;b\"");
        assert_eq!(escape_text("il dit \"oui\""), "\"il dit \"\"oui\"\"\"");
        assert_eq!(escape_text("ligne 1\nligne 2"), "\"ligne 1\nligne 2\"");
        assert_eq!(escape_text("a\r\nb"), "\"a\r\nb\"");
        assert_eq!(escape_text("12, rue de la Paix"), "12, rue de la Paix");
        assert_eq!(escape_text(""), "");
    }

    #[test]
    fn owasp_payloads_are_neutralised() {
        assert_eq!(escape_text("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(
            escape_text("@SUM(1+1)*cmd|' /C calc'!A0"),
            "'@SUM(1+1)*cmd|' /C calc'!A0"
        );
        assert_eq!(escape_text("+1+1"), "'+1+1");
        assert_eq!(escape_text("-2+3"), "'-2+3");
        assert_eq!(
            escape_text("=HYPERLINK(\"http://evil\",\"x\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""
        );
        assert_eq!(escape_text(" =1+1"), "' =1+1");
        assert_eq!(escape_text("\"=1\""), "\"'\"\"=1\"\"\"");
        assert_eq!(escape_text("\t=1"), "'\t=1");
        assert_eq!(escape_text("\r=1"), "\"'\r=1\"");
        assert_eq!(escape_text("  '@x"), "'  '@x");
    }

    #[test]
    fn full_width_triggers_are_neutralised() {
        assert_eq!(escape_text("＝1+1"), "'＝1+1");
        assert_eq!(escape_text("＋1"), "'＋1");
        assert_eq!(escape_text("－1"), "'－1");
        assert_eq!(escape_text("＠SUM(1)"), "'＠SUM(1)");
    }

    #[test]
    fn harmless_text_is_left_alone() {
        assert_eq!(escape_text("Saint-Omer"), "Saint-Omer");
        assert_eq!(escape_text("a=b"), "a=b");
        assert_eq!(escape_text("contact@mairie.fr"), "contact@mairie.fr");
        assert_eq!(escape_text("  Arras"), "  Arras");
        assert_eq!(escape_text("'texte'"), "'texte'");
    }

    #[test]
    fn nul_is_removed_before_checking() {
        assert_eq!(escape_text("a\0b"), "ab");
        assert_eq!(escape_text("\0=1"), "'=1");
        assert_eq!(escape_text("\0"), "");
    }

    #[test]
    fn short_rows_are_padded_long_rows_kept() {
        let mut csv = Csv::new(&["a", "b", "c"]);
        csv.row(vec![Cell::Int(1)]);
        csv.row(vec![]);
        csv.row(vec![Cell::Int(1), Cell::Int(2), Cell::Int(3), text("d")]);
        assert_eq!(csv.finish(), "\u{FEFF}a;b;c\r\n1;;\r\n;;\r\n1;2;3;d\r\n");
    }

    #[test]
    fn text_cells_in_rows_are_escaped() {
        let mut csv = Csv::new(&["nom", "note"]);
        csv.row(vec![text("-malin"), text("a;b")]);
        assert_eq!(csv.finish(), "\u{FEFF}nom;note\r\n'-malin;\"a;b\"\r\n");
    }
}
