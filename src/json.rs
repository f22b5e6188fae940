//! A small, bounded JSON reader: text → [`Value`] tree, then typed reading
//! with [`FromValue`] and errors that say where and what.
//!
//! Why: the widget reads two JSON documents, the manifest
//! ([`crate::manifest::Manifest::from_json`]) and a geocoder's answer
//! ([`crate::geocode::parse`]). serde_json and the derived `Deserialize`
//! impls cost about 45 KB of the browser module, which has a size budget;
//! this reader is a few KB. Both documents are small (the national manifest
//! is 46 KB), so a tree of owned values is simpler than streaming and costs
//! nothing that matters.
//!
//! What it accepts: RFC 8259 JSON. Strings with every escape, `\uXXXX`
//! surrogate pairs included; a lone surrogate, an unescaped control
//! character, a leading zero, `NaN`, `Infinity`, a trailing comma and
//! anything after the value are errors. Whitespace is the four JSON ones.
//!
//! Numbers: the digits are gathered into a `u64` (digits past its range are
//! dropped, as serde_json does), then scaled by the power of ten of the
//! exponent. With an exponent within ±22 this is the very computation of
//! serde_json without its `float_roundtrip` feature, which the widget used
//! before: the same `f64` bits. Further out, the scaling is done in steps
//! of 10²² and may differ from it by a few units in the last place. A
//! number beyond `f64`'s range is an error; one too small for it is 0.
//! `str::parse::<f64>` would round every number correctly but adds about
//! 10 KB to the module.
//!
//! Bounds (hostile input never panics, and costs work in proportion to its
//! length): nesting is limited to [`MAX_DEPTH`] arrays and objects, the
//! only recursion; every read is bounds-checked.
//!
//! ```
//! use maillage::json::{parse, Error};
//! let v = parse(r#"{"a": [1.5, "\u00e9\ud83d\ude00", null]}"#).unwrap();
//! assert_eq!(v.field::<Vec<f64>>("b"), Err(Error::Shape { path: "b".into(), problem: "missing" }));
//! assert_eq!(v.get("a").and_then(|a| a.as_array()).map(|a| a.len()), Some(3));
//! assert_eq!(parse("[1,]").unwrap_err().to_string(), "at byte 3: expected a value");
//! ```

use std::fmt;

/// Deepest nesting of arrays and objects accepted: the parser recurses once
/// per level, so this bounds its stack on hostile input. serde_json's
/// limit is the same; real documents nest 5 levels or so.
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Objects keep their members in document order, duplicates
/// included ([`Value::get`] reads the first, typed reading refuses them).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number (see the module's notes on precision).
    Number(f64),
    /// A string, escapes decoded.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: its members in document order.
    Object(Vec<(String, Value)>),
}

/// Why a text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The text is not JSON: at byte `at`, `expected` was expected.
    Syntax {
        /// Byte offset in the text where the problem was found.
        at: usize,
        /// What the reader expected there.
        expected: &'static str,
    },
    /// The text is JSON but not of the shape wanted.
    Shape {
        /// Where, as field names and array indices: `layers[2].files[0].path`
        /// (empty for the whole document).
        path: String,
        /// What is wrong there: `missing`, `repeated`, `expected a number`…
        problem: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { at, expected } => write!(f, "at byte {at}: expected {expected}"),
            Self::Shape { path, problem } if path.is_empty() => f.write_str(problem),
            Self::Shape { path, problem } => write!(f, "{path}: {problem}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// A shape error at the value being read.
    fn shape(problem: &'static str) -> Self {
        Self::Shape {
            path: String::new(),
            problem,
        }
    }

    /// The same error seen from the enclosing value, through `part` (a
    /// field name or `[index]`).
    fn within(self, part: &str) -> Self {
        match self {
            Self::Shape { path, problem } => {
                let sep = if path.is_empty() || path.starts_with('[') {
                    ""
                } else {
                    "."
                };
                Self::Shape {
                    path: format!("{part}{sep}{path}"),
                    problem,
                }
            }
            syntax => syntax,
        }
    }
}

/// Parses a whole text (whitespace around the value allowed, nothing else).
pub fn parse(text: &str) -> Result<Value, Error> {
    let mut cursor = Cursor::new(text);
    let value = cursor.value(0)?;
    cursor.end()?;
    Ok(value)
}

/// Parses a whole text and reads it as `T`.
pub fn from_str<T: FromValue>(text: &str) -> Result<T, Error> {
    T::from_value(&parse(text)?)
}

impl Value {
    /// The first member named `key` of an object (None for other values).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Member `key` of an object for typed reading: None when absent, an
    /// error when this is not an object or the key appears twice.
    fn member(&self, key: &str) -> Result<Option<&Value>, Error> {
        let Self::Object(members) = self else {
            return Err(Error::shape("expected an object"));
        };
        let mut found = None;
        for (k, v) in members {
            if k == key {
                if found.is_some() {
                    return Err(Error::shape("repeated").within(key));
                }
                found = Some(v);
            }
        }
        Ok(found)
    }

    /// Member `key` read as `T`; absent is an error.
    pub fn field<T: FromValue>(&self, key: &str) -> Result<T, Error> {
        match self.member(key)? {
            Some(v) => T::from_value(v).map_err(|e| e.within(key)),
            None => Err(Error::shape("missing").within(key)),
        }
    }

    /// Member `key` read as `T`; absent is `T::default()` (serde's
    /// `#[serde(default)]`). With `T = Option<U>`, absent and `null` are
    /// both None, as serde reads an `Option` field.
    pub fn field_or_default<T: FromValue + Default>(&self, key: &str) -> Result<T, Error> {
        match self.member(key)? {
            Some(v) => T::from_value(v).map_err(|e| e.within(key)),
            None => Ok(T::default()),
        }
    }
}

/// A type read from a [`Value`], with an [`Error::Shape`] when the value
/// does not fit.
pub trait FromValue: Sized {
    /// Reads `value` as this type.
    fn from_value(value: &Value) -> Result<Self, Error>;
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self, Error> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::shape("expected a string"))
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self, Error> {
        value
            .as_f64()
            .ok_or_else(|| Error::shape("expected a number"))
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Bool(b) => Ok(*b),
            _ => Err(Error::shape("expected true or false")),
        }
    }
}

/// A whole number from 0 to `max` (at most 2⁵³, where every whole number
/// is still an `f64`).
fn whole(value: &Value, max: f64, problem: &'static str) -> Result<u64, Error> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n as u64),
        _ => Err(Error::shape(problem)),
    }
}

impl FromValue for u64 {
    fn from_value(value: &Value) -> Result<Self, Error> {
        whole(
            value,
            9_007_199_254_740_992.0,
            "expected a whole number from 0 to 2^53",
        )
    }
}

impl FromValue for u32 {
    fn from_value(value: &Value) -> Result<Self, Error> {
        whole(
            value,
            f64::from(u32::MAX),
            "expected a whole number from 0 to 4294967295",
        )
        .map(|n| n as u32)
    }
}

impl FromValue for u8 {
    fn from_value(value: &Value) -> Result<Self, Error> {
        whole(value, 255.0, "expected a whole number from 0 to 255").map(|n| n as u8)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: &Value) -> Result<Self, Error> {
        let items = value
            .as_array()
            .ok_or_else(|| Error::shape("expected an array"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| T::from_value(v).map_err(|e| e.within(&format!("[{i}]"))))
            .collect()
    }
}

impl<const N: usize> FromValue for [f64; N] {
    fn from_value(value: &Value) -> Result<Self, Error> {
        let items: Vec<f64> = Vec::from_value(value)?;
        items.try_into().map_err(|_| {
            Error::shape(match N {
                2 => "expected 2 numbers",
                4 => "expected 4 numbers",
                _ => "expected an array of another length",
            })
        })
    }
}

/// What JSON's grammar calls whitespace.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Cursor over a JSON text, every read bounds-checked. The building blocks
/// of [`parse`], shared with readers of one fixed shape that want their
/// own errors and limits ([`crate::sites::hours::Week::from_json`]).
pub(crate) struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    /// A syntax error at the current position.
    pub(crate) fn error(&self, expected: &'static str) -> Error {
        Error::Syntax {
            at: self.at,
            expected,
        }
    }

    /// Skips whitespace and returns the next byte, if any.
    fn peek(&mut self) -> Option<u8> {
        while self.bytes.get(self.at).copied().is_some_and(is_space) {
            self.at += 1;
        }
        self.bytes.get(self.at).copied()
    }

    /// Consumes `byte` (after whitespace) if it is next.
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.at += 1;
        }
        next
    }

    /// Consumes `word` (after whitespace) if it is next.
    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        self.peek();
        let end = self.at + word.len();
        let next = self.bytes.get(self.at..end) == Some(word.as_bytes());
        if next {
            self.at = end;
        }
        next
    }

    /// Consumes `byte` (after whitespace) or fails naming `expected`.
    pub(crate) fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), Error> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Checks that only whitespace is left. Inlined: with a caller outside
    /// the browser module it was not, which cost that module bytes.
    #[inline(always)]
    pub(crate) fn end(&mut self) -> Result<(), Error> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("end of text")),
        }
    }

    /// A value (after whitespace), `depth` arrays and objects deep.
    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        match self.peek() {
            Some(b'{' | b'[') if depth >= MAX_DEPTH => {
                Err(self.error("at most 128 nested arrays and objects"))
            }
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        let key = self.string("a key in quotes")?;
                        self.expect(b':', "':'")?;
                        members.push((key, self.value(depth + 1)?));
                        if !self.eat(b',') {
                            self.expect(b'}', "',' or '}'")?;
                            break;
                        }
                    }
                }
                Ok(Value::Object(members))
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if !self.eat(b',') {
                            self.expect(b']', "',' or ']'")?;
                            break;
                        }
                    }
                }
                Ok(Value::Array(items))
            }
            Some(b'"') => self.string("a string").map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            _ if self.eat_word("null") => Ok(Value::Null),
            _ if self.eat_word("true") => Ok(Value::Bool(true)),
            _ if self.eat_word("false") => Ok(Value::Bool(false)),
            _ => Err(self.error("a value")),
        }
    }

    /// The byte at `i`, past the end an error at the end naming `expected`.
    fn byte_at(&self, i: usize, expected: &'static str) -> Result<u8, Error> {
        self.bytes.get(i).copied().ok_or(Error::Syntax {
            at: self.bytes.len(),
            expected,
        })
    }

    /// Four hex digits at `i`.
    fn hex4(&self, i: usize) -> Result<u32, Error> {
        let mut code = 0;
        for j in i..i + 4 {
            let digit = char::from(self.byte_at(j, "a closing '\"'")?)
                .to_digit(16)
                .ok_or(Error::Syntax {
                    at: j,
                    expected: "four hex digits after \\u",
                })?;
            code = code * 16 + digit;
        }
        Ok(code)
    }

    /// A string literal (after whitespace), escapes decoded; `expected`
    /// names what was wanted when no string starts here.
    pub(crate) fn string(&mut self, expected: &'static str) -> Result<String, Error> {
        if self.peek() != Some(b'"') {
            return Err(self.error(expected));
        }
        let unclosed = "a closing '\"'";
        let mut out = String::new();
        let mut i = self.at + 1;
        let mut run = i;
        loop {
            // The run of bytes that stand for themselves, in one tight loop:
            // the manifest is read by wasm's baseline compiler, a call per
            // byte there costs more than the rest of its reading.
            while let Some(&b) = self.bytes.get(i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                i += 1;
            }
            let byte = self.byte_at(i, unclosed)?;
            if byte == b'"' || byte == b'\\' {
                // Both are ASCII: `run..i` lies on character boundaries.
                out.push_str(self.text.get(run..i).unwrap_or_default());
            }
            match byte {
                b'"' => break,
                b'\\' => {
                    let (c, len) = self.escape(i)?;
                    out.push(c);
                    i += len;
                    run = i;
                }
                // The run stops at nothing else: a control character.
                _ => {
                    return Err(Error::Syntax {
                        at: i,
                        expected: "an escaped control character",
                    })
                }
            }
        }
        self.at = i + 1;
        Ok(out)
    }

    /// The escape starting with the backslash at `i`: its character and
    /// its length in bytes.
    fn escape(&self, i: usize) -> Result<(char, usize), Error> {
        let c = match self.byte_at(i + 1, "a closing '\"'")? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4(i + 2)?;
                let (code, len) = match high {
                    0xd800..=0xdbff => {
                        let low = if self.bytes.get(i + 6..i + 8) == Some(b"\\u") {
                            self.hex4(i + 8)?
                        } else {
                            0
                        };
                        if !(0xdc00..=0xdfff).contains(&low) {
                            return Err(Error::Syntax {
                                at: i + 6,
                                expected: "a low surrogate \\uDC00 to \\uDFFF",
                            });
                        }
                        (0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00), 12)
                    }
                    0xdc00..=0xdfff => {
                        return Err(Error::Syntax {
                            at: i,
                            expected: "a high surrogate before a low one",
                        })
                    }
                    _ => (high, 6),
                };
                // Surrogates are excluded above: every other code is a char.
                return Ok((char::from_u32(code).unwrap_or('\u{fffd}'), len));
            }
            _ => {
                return Err(Error::Syntax {
                    at: i + 1,
                    expected: "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u",
                })
            }
        };
        Ok((c, 2))
    }

    /// Digits from the current position, folded into `significand` while
    /// it fits a `u64`; once one does not (`full`), the rest are dropped.
    /// Returns how many were read and how many of them dropped.
    fn digits(&mut self, significand: &mut u64, full: &mut bool) -> (i32, i32) {
        let (mut read, mut dropped) = (0i32, 0i32);
        while let Some(&b @ b'0'..=b'9') = self.bytes.get(self.at) {
            self.at += 1;
            read = read.saturating_add(1);
            match significand
                .checked_mul(10)
                .and_then(|s| s.checked_add(u64::from(b - b'0')))
            {
                Some(s) if !*full => *significand = s,
                _ => {
                    *full = true;
                    dropped = dropped.saturating_add(1);
                }
            }
        }
        (read, dropped)
    }

    /// A number (the cursor is on its first byte, `-` or a digit).
    fn number(&mut self) -> Result<f64, Error> {
        let start = self.at;
        let negative = self.bytes.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        let (mut significand, mut full) = (0u64, false);
        let int_start = self.at;
        // Integer digits dropped past u64's range still count ×10 each.
        let (read, mut exponent) = self.digits(&mut significand, &mut full);
        if read == 0 {
            return Err(self.error("a digit"));
        }
        if read > 1 && self.bytes.get(int_start) == Some(&b'0') {
            return Err(Error::Syntax {
                at: int_start + 1,
                expected: "no digit after a leading 0",
            });
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            let (read, dropped) = self.digits(&mut significand, &mut full);
            if read == 0 {
                return Err(self.error("a digit after '.'"));
            }
            exponent = exponent.saturating_sub(read - dropped);
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            let sign: i32 = match self.bytes.get(self.at) {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            if sign != 0 {
                self.at += 1;
            }
            let mut e = 0i32;
            let mut read = 0;
            while let Some(&b @ b'0'..=b'9') = self.bytes.get(self.at) {
                self.at += 1;
                read += 1;
                // Past a million, the value is 0 or out of range anyway.
                e = (e * 10 + i32::from(b - b'0')).min(1_000_000);
            }
            if read == 0 {
                return Err(self.error("a digit in the exponent"));
            }
            exponent = exponent.saturating_add(if sign < 0 { -e } else { e });
        }
        let value = scale(significand as f64, exponent);
        if value.is_infinite() {
            return Err(Error::Syntax {
                at: start,
                expected: "a number within f64's range",
            });
        }
        Ok(if negative { -value } else { value })
    }
}

/// `value` × 10^`exponent`: one exact power of ten (10⁰ to 10²², all exact
/// in an `f64`) when the exponent is within ±22, steps of 10²² beyond.
/// Stops at 0 or infinity, so it takes at most a few dozen steps.
fn scale(mut value: f64, mut exponent: i32) -> f64 {
    while exponent != 0 && value != 0.0 && value.is_finite() {
        let step = exponent.clamp(-22, 22);
        let power = (0..step.unsigned_abs()).fold(1.0, |p, _| p * 10.0);
        if step > 0 {
            value *= power;
        } else {
            value /= power;
        }
        exponent -= step;
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(text: &str) -> (usize, &'static str) {
        match parse(text) {
            Err(Error::Syntax { at, expected }) => (at, expected),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn num(text: &str) -> f64 {
        match parse(text) {
            Ok(Value::Number(n)) => n,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn string(text: &str) -> String {
        match parse(text) {
            Ok(Value::String(s)) => s,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(" {\"a\" : [ true , false , null , -1.5e1 , \"x\" , { } , [ ] ] }\n")
            .expect("parse");
        assert_eq!(
            v,
            Value::Object(vec![(
                "a".into(),
                Value::Array(vec![
                    Value::Bool(true),
                    Value::Bool(false),
                    Value::Null,
                    Value::Number(-15.0),
                    Value::String("x".into()),
                    Value::Object(vec![]),
                    Value::Array(vec![]),
                ])
            )])
        );
        assert_eq!(parse("0"), Ok(Value::Number(0.0)));
        assert_eq!(parse("\"\""), Ok(Value::String(String::new())));
    }

    #[test]
    fn decodes_escapes_and_surrogate_pairs() {
        assert_eq!(
            string(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#),
            "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti"
        );
        assert_eq!(string(r#""\u00e9t\u00C9 \u20ac""#), "étÉ €");
        assert_eq!(string(r#""\ud83d\ude00!""#), "😀!");
        assert_eq!(string(r#""\uD834\uDD1E""#), "𝄞");
        assert_eq!(string(r#""\u0000""#), "\0");
        assert_eq!(string("\"déjà vu ☕\""), "déjà vu ☕");
        // Lone surrogates, and a high one followed by something else.
        assert_eq!(
            syntax(r#""\ud83d""#),
            (7, "a low surrogate \\uDC00 to \\uDFFF")
        );
        assert_eq!(
            syntax(r#""\ud83dx""#),
            (7, "a low surrogate \\uDC00 to \\uDFFF")
        );
        assert_eq!(
            syntax(r#""\ud83d\u0041""#),
            (7, "a low surrogate \\uDC00 to \\uDFFF")
        );
        assert_eq!(
            syntax(r#""\ud83d\ud83d""#),
            (7, "a low surrogate \\uDC00 to \\uDFFF")
        );
        assert_eq!(
            syntax(r#""\ude00""#),
            (1, "a high surrogate before a low one")
        );
        assert_eq!(syntax(r#""\u12g4""#), (5, "four hex digits after \\u"));
        assert_eq!(
            syntax(r#""\x""#),
            (2, "an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u")
        );
        assert_eq!(syntax("\"a\nb\""), (2, "an escaped control character"));
        assert_eq!(syntax("\"a\tb\""), (2, "an escaped control character"));
        assert_eq!(syntax("\"abc"), (4, "a closing '\"'"));
        assert_eq!(syntax("\"abc\\"), (5, "a closing '\"'"));
        assert_eq!(syntax("\"\\u12"), (5, "a closing '\"'"));
    }

    #[test]
    fn numbers_like_serde_json() {
        for text in [
            "0",
            "-0",
            "-0.0",
            "1",
            "83129.33",
            "2500.0",
            "1e-5",
            "1E+5",
            "0.1",
            "0.30000000000000004",
            "-61.80983861776941",
            "51.088989440786094",
            "45.297988185081856",
            "-13.000113281845875",
            "9007199254740993",
            "18446744073709551615",
            "18446744073709551616",
            "123456789012345678901234567890",
            "0.000000000000000000000000000001234",
            "1.7976931348623157e308",
            "5e-324",
            "2.2250738585072014e-308",
            "1e-400",
            "-1e-400",
            "12.5e-3",
            "7e22",
            "1e0",
        ] {
            let ours = num(text);
            let theirs: f64 = serde_json::from_str(text).expect(text);
            // Within ±22 of exponent the bits are the same; beyond, close.
            let close = (ours - theirs).abs() <= theirs.abs() * 1e-15;
            assert!(
                ours.to_bits() == theirs.to_bits() || close,
                "{text}: {ours} vs {theirs}"
            );
        }
        for text in ["83129.33", "-61.80983861776941", "-0.0", "1e-5", "0.1"] {
            let theirs: f64 = serde_json::from_str(text).expect(text);
            assert_eq!(num(text).to_bits(), theirs.to_bits(), "{text}");
        }
        assert!(num("-0").is_sign_negative());
        assert_eq!(num("9007199254740993"), 9_007_199_254_740_992.0);
        assert_eq!(num("1e-400"), 0.0);
        assert_eq!(num("1e-99999999999"), 0.0);
        assert_eq!(num("0e99999999999"), 0.0);
    }

    #[test]
    fn malformed_numbers_and_tokens() {
        assert_eq!(syntax("1e400"), (0, "a number within f64's range"));
        assert_eq!(
            syntax("[-1e99999999999]"),
            (1, "a number within f64's range")
        );
        assert_eq!(
            syntax("[1, 99999999999999999999e300]"),
            (4, "a number within f64's range")
        );
        assert_eq!(syntax("-"), (1, "a digit"));
        assert_eq!(syntax("-a"), (1, "a digit"));
        assert_eq!(syntax("01"), (1, "no digit after a leading 0"));
        assert_eq!(syntax("-007"), (2, "no digit after a leading 0"));
        assert_eq!(syntax("1."), (2, "a digit after '.'"));
        assert_eq!(syntax("1.e5"), (2, "a digit after '.'"));
        assert_eq!(syntax(".5"), (0, "a value"));
        assert_eq!(syntax("+1"), (0, "a value"));
        assert_eq!(syntax("1e"), (2, "a digit in the exponent"));
        assert_eq!(syntax("1e+"), (3, "a digit in the exponent"));
        assert_eq!(syntax("NaN"), (0, "a value"));
        assert_eq!(syntax("[Infinity]"), (1, "a value"));
        assert_eq!(syntax("[-Infinity]"), (2, "a digit"));
        assert_eq!(syntax("nul"), (0, "a value"));
        assert_eq!(syntax("True"), (0, "a value"));
        assert_eq!(syntax("0x10"), (1, "end of text"));
        assert_eq!(syntax("1 2"), (2, "end of text"));
        assert_eq!(syntax("{} x"), (3, "end of text"));
        assert_eq!(syntax("{}}"), (2, "end of text"));
        assert_eq!(syntax(""), (0, "a value"));
        assert_eq!(syntax("   "), (3, "a value"));
        assert_eq!(syntax("\u{feff}{}"), (0, "a value"));
        assert_eq!(syntax("[1,]"), (3, "a value"));
        assert_eq!(syntax("[1 2]"), (3, "',' or ']'"));
        assert_eq!(syntax("{\"a\":1,}"), (7, "a key in quotes"));
        assert_eq!(syntax("{a:1}"), (1, "a key in quotes"));
        assert_eq!(syntax("{\"a\" 1}"), (5, "':'"));
        assert_eq!(syntax("{\"a\":1 \"b\":2}"), (7, "',' or '}'"));
        assert_eq!(syntax("[1,2"), (4, "',' or ']'"));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&deep(MAX_DEPTH)).is_ok());
        assert_eq!(
            syntax(&deep(MAX_DEPTH + 1)),
            (MAX_DEPTH, "at most 128 nested arrays and objects")
        );
        assert_eq!(
            syntax(&"[".repeat(10_000)),
            (MAX_DEPTH, "at most 128 nested arrays and objects")
        );
        assert_eq!(
            syntax(&"{\"a\":".repeat(10_000)).1,
            "at most 128 nested arrays and objects"
        );
        assert_eq!(syntax(&"[{\"\":".repeat(5_000)).0, MAX_DEPTH * 5 / 2);
    }

    #[test]
    fn every_truncation_of_a_document_fails_cleanly() {
        let text = r#"{"a": [1, -2.5e-3, true, false, null], "s\u00e9": "\ud83d\ude00\n", "o": {"k": []}}"#;
        assert!(parse(text).is_ok());
        for cut in 0..text.len() {
            if let Some(prefix) = text.get(..cut) {
                assert!(parse(prefix).is_err(), "{prefix}");
            }
        }
    }

    #[test]
    fn typed_reading_names_the_place() {
        let v = parse(
            r#"{"a": [{"n": 1}, {"n": "x"}], "b": 2.5, "c": null, "d": [1, 2, 3], "e": 1, "e": 2}"#,
        )
        .expect("parse");
        #[derive(Debug, PartialEq)]
        struct N(u8);
        impl FromValue for N {
            fn from_value(v: &Value) -> Result<Self, Error> {
                v.field("n").map(N)
            }
        }
        let shape = |path: &str, problem: &'static str| Error::Shape {
            path: path.into(),
            problem,
        };
        assert_eq!(
            v.field::<Vec<N>>("a"),
            Err(shape("a[1].n", "expected a whole number from 0 to 255"))
        );
        assert_eq!(
            v.field::<Vec<N>>("a").map_err(|e| e.to_string()),
            Err("a[1].n: expected a whole number from 0 to 255".into())
        );
        assert_eq!(from_str::<Vec<N>>(r#"[{"n": 7}]"#), Ok(vec![N(7)]));
        assert_eq!(v.field::<f64>("b"), Ok(2.5));
        assert_eq!(
            v.field::<u64>("b"),
            Err(shape("b", "expected a whole number from 0 to 2^53"))
        );
        assert_eq!(v.field::<String>("z"), Err(shape("z", "missing")));
        assert_eq!(v.field_or_default::<Option<String>>("z"), Ok(None));
        assert_eq!(v.field_or_default::<Option<String>>("c"), Ok(None));
        assert_eq!(v.field::<Option<f64>>("b"), Ok(Some(2.5)));
        assert_eq!(v.field::<Option<f64>>("z"), Err(shape("z", "missing")));
        assert_eq!(v.field_or_default::<Vec<String>>("z"), Ok(vec![]));
        assert_eq!(
            v.field_or_default::<Vec<String>>("c"),
            Err(shape("c", "expected an array"))
        );
        assert_eq!(v.field::<[f64; 3]>("d"), Ok([1.0, 2.0, 3.0]));
        assert_eq!(
            v.field::<[f64; 2]>("d"),
            Err(shape("d", "expected 2 numbers"))
        );
        assert_eq!(v.field::<u8>("e"), Err(shape("e", "repeated")));
        assert_eq!(v.get("e"), Some(&Value::Number(1.0)));
        assert_eq!(
            Value::Null.field::<u8>("e"),
            Err(shape("", "expected an object"))
        );
        assert_eq!(
            Error::shape("expected an object").to_string(),
            "expected an object"
        );
        assert_eq!(
            from_str::<Vec<u32>>("[0, 4294967295]"),
            Ok(vec![0, u32::MAX])
        );
        assert!(from_str::<Vec<u32>>("[4294967296]").is_err());
        assert!(from_str::<Vec<u32>>("[-1]").is_err());
        assert!(from_str::<Vec<u32>>("[0.5]").is_err());
        assert_eq!(from_str::<u64>("9007199254740992"), Ok(1 << 53));
        assert_eq!(from_str::<bool>("true"), Ok(true));
        assert!(from_str::<bool>("1").is_err());
    }
}
