//! Text plumbing shared by every reader: decoding with a Windows-1252
//! fallback, cleaning and capping of values, dates, and the normalised keys
//! used to compare names and addresses across sources.

use std::borrow::Cow;

/// Longest value kept from any source field, in characters. Longer values
/// are cut (and reported): no single attribute of a point needs more, and it
/// bounds the work done on hostile input.
pub(crate) const MAX_FIELD_CHARS: usize = 1000;

/// Longest bad value quoted in a report entry, in characters.
const MAX_PREVIEW_CHARS: usize = 120;

/// Decodes bytes as UTF-8, falling back to Windows-1252 (a superset of
/// Latin-1 for printable characters). The flag tells whether the fallback
/// was needed.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, true)
        }
    }
}

/// Strips a UTF-8 byte order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Cleans a value: line breaks become ", " (multi-line addresses), other
/// control and invisible formatting characters become spaces, runs of
/// whitespace collapse, ends are trimmed.
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_FIELD_CHARS * 4));
    for (i, line) in s.split(['\n', '\r']).enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if i > 0 && !out.is_empty() {
            if !out.ends_with(',') {
                out.push(',');
            }
            out.push(' ');
        }
        let mut space = false;
        for ch in line.chars() {
            let ch = if ch.is_control() || is_invisible(ch) {
                ' '
            } else {
                ch
            };
            if ch.is_whitespace() {
                space = true;
                continue;
            }
            if space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            space = false;
            out.push(ch);
        }
    }
    out.trim().to_owned()
}

fn is_invisible(ch: char) -> bool {
    matches!(ch, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Cuts a value to `max` characters. Returns the original length in
/// characters when it was cut.
pub(crate) fn cap(s: &mut String, max: usize) -> Option<usize> {
    let (cut, _) = s.char_indices().nth(max)?;
    let len = s.chars().count();
    s.truncate(cut);
    Some(len)
}

/// A short quotation of a value for a report entry.
pub(crate) fn preview(s: &str) -> String {
    let mut p: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_PREVIEW_CHARS)
        .collect();
    if s.chars().nth(MAX_PREVIEW_CHARS).is_some() {
        p.push('…');
    }
    format!("'{p}'")
}

/// Lower-case, accents folded, every run of non-alphanumeric characters
/// turned into one space. Used for comparisons only, never displayed.
pub(crate) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars().flat_map(char::to_lowercase) {
        let folded: &str = match ch {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' | 'ý' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                continue;
            }
            _ => {
                space = true;
                continue;
            }
        };
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(folded);
    }
    out
}

const NAME_STOPWORDS: &[&str] = &[
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour",
    "sur", "sous", "the", "of",
];

/// The words of a place name that identify it: folded, without articles
/// and prepositions, with synonyms unified ("commune", "hôtel de ville" →
/// "mairie"; "bibliothèque" → "mediatheque"; "st" → "saint").
pub(crate) fn name_tokens(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in fold(name).split(' ') {
        if w.is_empty() || NAME_STOPWORDS.contains(&w) {
            continue;
        }
        let w = match w {
            "commune" | "municipalite" | "hotel" | "ville" | "mairies" => "mairie",
            "bibliotheque" | "bibliotheques" | "mediatheques" | "bib" => "mediatheque",
            "st" => "saint",
            "ste" => "sainte",
            "service" => "services",
            "asso" => "association",
            w => w,
        };
        if !out.iter().any(|t| t == w) {
            out.push(w.to_owned());
        }
    }
    out
}

/// Dice similarity of two token sets, 0 to 1.
pub(crate) fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|t| b.contains(t)).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// A comparison key for a street address: house number and street words,
/// with common abbreviations expanded and postcode and commune words
/// dropped. Empty when the address has no street word.
pub(crate) fn address_key(address: &str, postcode: &str, commune: &str) -> String {
    let commune_words = fold(commune);
    let commune_words: Vec<&str> = commune_words.split(' ').collect();
    let mut out: Vec<&str> = Vec::new();
    let mut has_word = false;
    let folded = fold(address);
    for w in folded.split(' ') {
        if w.is_empty() || w == postcode || (w.len() == 5 && w.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        if commune_words.contains(&w) || NAME_STOPWORDS.contains(&w) || w == "cedex" {
            continue;
        }
        let w = match w {
            "av" | "ave" => "avenue",
            "bd" | "bld" | "boul" => "boulevard",
            "r" => "rue",
            "pl" => "place",
            "rte" => "route",
            "ch" | "chem" | "che" => "chemin",
            "imp" => "impasse",
            "all" => "allee",
            "sq" => "square",
            "crs" => "cours",
            "fg" | "fbg" => "faubourg",
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        };
        has_word |= !w.bytes().all(|b| b.is_ascii_digit());
        out.push(w);
    }
    if has_word {
        out.join(" ")
    } else {
        String::new()
    }
}

/// An ISO date (YYYY-MM-DD) from "YYYY-MM-DD…" or "DD/MM/YYYY".
pub(crate) fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let (y, m, d) = if s.len() >= 10 && s.as_bytes().get(4) == Some(&b'-') {
        (s.get(0..4)?, s.get(5..7)?, s.get(8..10)?)
    } else if s.len() == 10 && s.as_bytes().get(2) == Some(&b'/') {
        (s.get(6..10)?, s.get(3..5)?, s.get(0..2)?)
    } else {
        return None;
    };
    let num = |t: &str| -> Option<u32> {
        t.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| t.parse().ok())
            .flatten()
    };
    let (yy, mm, dd) = (num(y)?, num(m)?, num(d)?);
    ((1990..=2100).contains(&yy) && (1..=12).contains(&mm) && (1..=31).contains(&dd))
        .then(|| format!("{yy:04}-{mm:02}-{dd:02}"))
}

/// Splits a list value on `sep`, cleaning items and dropping empty and
/// repeated ones.
pub(crate) fn split_list(s: &str, sep: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in s.split(sep) {
        let item = clean(item);
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// A SIRET when the value is one: 14 digits, not all zeros (sources use
/// "00000000000000" for "unknown"); numbers exported as floats ("…0.0") are
/// accepted.
pub(crate) fn siret(s: &str) -> String {
    let s = s.trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    if s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) && s.bytes().any(|b| b != b'0') {
        s.to_owned()
    } else {
        String::new()
    }
}

/// A postcode padded back to 5 digits when it lost its leading zero.
/// Returns the value and whether it was padded.
pub(crate) fn postcode(s: &str) -> (String, bool) {
    let s = s.trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        (format!("0{s}"), true)
    } else {
        (s.to_owned(), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_latin1_fallback() {
        let (t, repaired) = decode(b"Biblioth\xe8que");
        assert_eq!((t.as_ref(), repaired), ("Bibliothèque", true));
        let (t, repaired) = decode("Médiathèque".as_bytes());
        assert_eq!((t.as_ref(), repaired), ("Médiathèque", false));
    }

    #[test]
    fn cleans_and_caps() {
        assert_eq!(
            clean("  9 place de la Poste \n23800 Dun\r\n"),
            "9 place de la Poste, 23800 Dun"
        );
        assert_eq!(clean("a\u{0}b\tc\u{200B}d   e"), "a b c d e");
        let mut s = "é".repeat(5);
        assert_eq!(cap(&mut s, 3), Some(5));
        assert_eq!(s, "ééé");
        let mut s = "abc".to_owned();
        assert_eq!(cap(&mut s, 3), None);
        assert!(preview(&"x".repeat(500)).ends_with("…'"));
    }

    #[test]
    fn folds_names_and_addresses() {
        assert_eq!(fold("Médiathèque L'Œil-Vert"), "mediatheque l oeil vert");
        assert_eq!(
            name_tokens("Hôtel de Ville de Lens"),
            vec!["mairie", "lens"]
        );
        let a = name_tokens("France services de Ribemont");
        let b = name_tokens("FRANCE SERVICE RIBEMONT");
        assert!((similarity(&a, &b) - 1.0).abs() < 1e-9);
        assert_eq!(
            address_key("5 AV DE METZ 54320 MAXEVILLE", "54320", "Maxéville"),
            address_key("5 avenue de Metz", "", "Maxéville")
        );
        assert_eq!(address_key("54320", "", ""), "");
    }

    #[test]
    fn parses_dates_and_codes() {
        assert_eq!(iso_date("2022-11-22").as_deref(), Some("2022-11-22"));
        assert_eq!(
            iso_date("2022-11-22T10:00:00Z").as_deref(),
            Some("2022-11-22")
        );
        assert_eq!(iso_date("16/06/2021").as_deref(), Some("2021-06-16"));
        assert_eq!(iso_date("2022-13-01"), None);
        assert_eq!(iso_date("hier"), None);
        assert_eq!(siret("13002603200016.0"), "13002603200016");
        assert_eq!(siret("00000000000000"), "");
        assert_eq!(postcode("1000"), ("01000".to_owned(), true));
        assert_eq!(split_list("a; b;;a", ';'), vec!["a", "b"]);
    }
}
