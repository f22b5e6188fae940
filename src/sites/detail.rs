//! The detail card of one place: its full record, read from the full
//! sites file with one range request (the table gives the range), decoded
//! here field by field. Every value is text the card shows as text;
//! contact links are kept only when they are what they claim to be
//! (`tel:` digits, an e-mail address, an `http(s)` address), so a hostile
//! file cannot put a `javascript:` link on the card.

use crate::fgb::{decode_feature, Feature, FgbError, Header, Value};

/// Longest text kept per field (hostile files may hold megabytes).
pub const MAX_FIELD_CHARS: usize = 2_000;
/// Most items kept per list.
pub const MAX_ITEMS: usize = 40;

/// A place's full record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SiteDetail {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind identifiers ("france-services"…).
    pub kinds: Vec<String>,
    /// Street address.
    pub address: String,
    /// Postcode.
    pub postcode: String,
    /// Commune name.
    pub commune_name: String,
    /// Opening hours as JSON (see [`super::hours::Week::from_json`]).
    pub hours: String,
    /// Opening hours as published, when they could not be read.
    pub hours_text: String,
    /// Services.
    pub services: Vec<String>,
    /// Publics.
    pub publics: Vec<String>,
    /// Labels.
    pub labels: Vec<String>,
    /// Accessibility, as the source words it.
    pub accessibility: String,
    /// Phone number, as published.
    pub phone: String,
    /// E-mail address.
    pub email: String,
    /// Website address.
    pub website: String,
    /// Last update (ISO date).
    pub updated: String,
    /// Source identifiers.
    pub sources: Vec<String>,
    /// Whether the position is the commune's, not the place's own.
    pub approximate: bool,
}

fn cut(s: String) -> String {
    crate::map::describe::cut(&s, MAX_FIELD_CHARS)
}

impl SiteDetail {
    /// Decodes a record (`bytes` = the range the table gave, length prefix
    /// included) with the full file's header.
    pub fn decode(bytes: &[u8], header: &Header) -> Result<SiteDetail, FgbError> {
        let f = decode_feature(bytes, header)?;
        let text = |name: &str| -> String {
            match header.column_index(name).and_then(|i| f.property(i)) {
                Some(Value::String(s) | Value::Json(s) | Value::DateTime(s)) => cut(s.clone()),
                _ => String::new(),
            }
        };
        let list = |name: &str| string_list(&text(name));
        Ok(SiteDetail {
            id: text("id"),
            name: text("name"),
            kinds: list("kinds"),
            address: text("address"),
            postcode: text("postcode"),
            commune_name: text("commune_name"),
            hours: text("hours"),
            hours_text: text("hours_text"),
            services: list("services"),
            publics: list("publics"),
            labels: list("labels"),
            accessibility: text("accessibility"),
            phone: text("phone"),
            email: text("email"),
            website: text("website"),
            updated: text("updated"),
            sources: sources(&f, header),
            approximate: text("precision") == "commune",
        })
    }

    /// A `tel:` link when the phone number is one (digits, spaces, dots,
    /// dashes, a leading +), written without separators.
    pub fn phone_link(&self) -> Option<String> {
        let p = self.phone.trim();
        let ok = !p.is_empty()
            && p.chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (i == 0 && c == '+'));
        let digits: String = p
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        (ok && (6..=16).contains(&digits.len())).then(|| format!("tel:{digits}"))
    }

    /// A `mailto:` link when the address looks like one (one @, a dot in
    /// the domain, no spaces, quotes or angle brackets).
    pub fn email_link(&self) -> Option<String> {
        let e = self.email.trim();
        let (user, domain) = e.split_once('@')?;
        let clean = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| !c.is_whitespace() && !"\"'<>()[]\\,;:@?&=#%".contains(c))
        };
        (clean(user) && clean(domain) && domain.contains('.') && e.len() <= 254)
            .then(|| format!("mailto:{e}"))
    }

    /// The website when it is an `http(s)` address (a bare "www.…" gets
    /// `https://`); anything else (`javascript:`, `data:`…) is no link.
    pub fn website_link(&self) -> Option<String> {
        let w = self.website.trim();
        let lower = w.to_ascii_lowercase();
        let url = if lower.starts_with("https://") || lower.starts_with("http://") {
            w.to_owned()
        } else if lower.starts_with("www.") {
            format!("https://{w}")
        } else {
            return None;
        };
        let ok = url.len() <= 500
            && !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
        ok.then_some(url)
    }
}

/// The `source` of each `{"source": …, "id": …}` object of the sources column.
fn sources(f: &Feature, header: &Header) -> Vec<String> {
    let Some(Value::Json(s) | Value::String(s)) =
        header.column_index("sources").and_then(|i| f.property(i))
    else {
        return Vec::new();
    };
    // Every string that follows the key "source" is a source id.
    let strings = json_strings(s);
    let mut out: Vec<String> = strings
        .windows(2)
        .filter(|w| w[0] == "source")
        .map(|w| w[1].clone())
        .collect();
    out.dedup();
    out.truncate(MAX_ITEMS);
    out
}

/// The strings of a JSON array of strings (`["a","b"]`); anything else
/// gives what strings it holds, in order. Bounded by [`MAX_ITEMS`].
pub fn string_list(json: &str) -> Vec<String> {
    let mut v = json_strings(json);
    v.truncate(MAX_ITEMS);
    v
}

/// Every JSON string literal in `json`, unescaped (`\uXXXX` with surrogate
/// pairs; a bad escape becomes U+FFFD), at most 4 × [`MAX_ITEMS`].
fn json_strings(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('b') => s.push('\u{8}'),
                    Some('f') => s.push('\u{c}'),
                    Some('u') => {
                        let hex = |chars: &mut std::str::Chars| {
                            let h: String = chars.by_ref().take(4).collect();
                            u32::from_str_radix(&h, 16).ok()
                        };
                        let hi = hex(&mut chars);
                        let c = match hi {
                            Some(h @ 0xD800..=0xDBFF) => {
                                let lo = if chars.as_str().starts_with("\\u") {
                                    chars.next();
                                    chars.next();
                                    hex(&mut chars)
                                } else {
                                    None
                                };
                                lo.filter(|l| (0xDC00..=0xDFFF).contains(l)).and_then(|l| {
                                    char::from_u32(0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00))
                                })
                            }
                            Some(h) => char::from_u32(h),
                            None => None,
                        };
                        s.push(c.unwrap_or('\u{FFFD}'));
                    }
                    Some(other) => s.push(other),
                    None => break,
                },
                c => s.push(c),
            }
        }
        out.push(cut(s));
        if out.len() >= 4 * MAX_ITEMS {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_lists_unescape() {
        assert_eq!(
            string_list(r#"["Accéder à du matériel","Dire \"bonjour\"","\u00e9\ud83d\ude00"]"#),
            vec!["Accéder à du matériel", "Dire \"bonjour\"", "é😀"]
        );
        assert_eq!(string_list("[]"), Vec::<String>::new());
        assert_eq!(string_list(r#"["\ud800x"]"#), vec!["\u{FFFD}x"]);
        assert_eq!(string_list(r#"["unterminated"#), vec!["unterminated"]);
        let many = format!("[{}]", vec!["\"x\""; 500].join(","));
        assert_eq!(string_list(&many).len(), MAX_ITEMS);
    }

    fn with(phone: &str, email: &str, website: &str) -> SiteDetail {
        SiteDetail {
            phone: phone.into(),
            email: email.into(),
            website: website.into(),
            ..SiteDetail::default()
        }
    }

    #[test]
    fn links_only_when_they_are_what_they_claim() {
        let d = with("03 21 50 50 50", "accueil@arras.fr", "www.arras.fr");
        assert_eq!(d.phone_link().as_deref(), Some("tel:0321505050"));
        assert_eq!(d.email_link().as_deref(), Some("mailto:accueil@arras.fr"));
        assert_eq!(d.website_link().as_deref(), Some("https://www.arras.fr"));
        let d = with("+33 3 21 50 50 50", "a b@c.fr", "javascript:alert(1)");
        assert_eq!(d.phone_link().as_deref(), Some("tel:+33321505050"));
        assert_eq!(d.email_link(), None);
        assert_eq!(d.website_link(), None);
        let d = with("<script>", "x@y", "https://ok.fr/\"onmouseover=");
        assert_eq!(d.phone_link(), None);
        assert_eq!(d.email_link(), None);
        assert_eq!(d.website_link(), None);
        assert_eq!(
            with("", "", "HTTP://A.FR").website_link().as_deref(),
            Some("HTTP://A.FR")
        );
    }
}
