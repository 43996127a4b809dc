//! A small, strict JSON reader and writer.
//!
//! The banner reads two kinds of JSON: the stored consent record and a site
//! editor's config file. Both are tiny, and both may be hostile (a tampered
//! record, a config with a typo), so this parser is strict and bounded: it
//! rejects duplicate keys, numbers that are not whole, nesting deeper than
//! [`MAX_DEPTH`], and trailing garbage, and every error names the byte offset.
//!
//! It exists instead of `serde_json` because the wasm it compiles into must be
//! small: a full JSON stack with float formatting costs more than the whole
//! banner (see the size budget in `ARCHITECTURE.md`).

use crate::num;
use crate::prelude::*;
use core::fmt;

/// How deep objects and arrays may nest before the input is refused.
pub const MAX_DEPTH: usize = 32;

/// A parsed JSON value. Numbers are whole numbers only: nothing the banner
/// reads needs fractions, and refusing them keeps float parsing out of the wasm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A whole number that fits in an `i64`.
    Int(i64),
    /// A string, with escapes resolved.
    Str(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, in document order, with unique keys.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The name of this value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Str(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The value under `key` if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Why some text is not acceptable JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Byte offset of the problem in the input.
    pub offset: usize,
    /// What is wrong there.
    pub kind: ErrorKind,
}

/// The kinds of JSON error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ended in the middle of a value.
    UnexpectedEnd,
    /// A character that cannot start or continue a value here.
    UnexpectedChar,
    /// A number with a fraction, an exponent, or outside the `i64` range.
    NotAWholeNumber,
    /// A bad escape sequence or a control character inside a string.
    BadString,
    /// The same key twice in one object.
    DuplicateKey,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Something after the end of the value.
    TrailingCharacters,
}

impl Error {
    /// The error in a sentence, naming the offset.
    pub fn message(&self) -> String {
        let what = match self.kind {
            ErrorKind::UnexpectedEnd => "unexpected end of input",
            ErrorKind::UnexpectedChar => "unexpected character",
            ErrorKind::NotAWholeNumber => "only whole numbers are allowed",
            ErrorKind::BadString => "invalid string",
            ErrorKind::DuplicateKey => "duplicate key",
            ErrorKind::TooDeep => "nested too deeply",
            ErrorKind::TrailingCharacters => "unexpected text after the value",
        };
        ["invalid JSON at byte ", &num::decimal(self.offset as i64), ": ", what].concat()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {}

/// Parses one JSON value that makes up the whole input (surrounding
/// whitespace allowed).
///
/// ```
/// use diffo_consent_core::json::{parse, Value};
/// assert_eq!(parse(r#" {"a": [1, true]} "#).unwrap().get("a"),
///            Some(&Value::Array(vec![Value::Int(1), Value::Bool(true)])));
/// assert!(parse(r#"{"a": 1, "a": 2}"#).is_err());
/// ```
pub fn parse(input: &str) -> Result<Value, Error> {
    let mut p = Parser {
        input,
        bytes: input.as_bytes(),
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.error(ErrorKind::TrailingCharacters));
    }
    Ok(value)
}

struct Parser<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, kind: ErrorKind) -> Error {
        Error { offset: self.pos, kind }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Result<u8, Error> {
        self.bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error(ErrorKind::UnexpectedEnd))
    }

    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.peek()? == byte {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(ErrorKind::UnexpectedChar))
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(value)
        } else if end > self.bytes.len() && word.as_bytes().starts_with(&self.bytes[self.pos..]) {
            self.pos = self.bytes.len();
            Err(self.error(ErrorKind::UnexpectedEnd))
        } else {
            Err(self.error(ErrorKind::UnexpectedChar))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.skip_ws();
        match self.peek()? {
            b'n' => self.literal("null", Value::Null),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'"' => self.string().map(Value::Str),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' | b'{' if depth >= MAX_DEPTH => Err(self.error(ErrorKind::TooDeep)),
            b'[' => self.array(depth + 1),
            b'{' => self.object(depth + 1),
            _ => Err(self.error(ErrorKind::UnexpectedChar)),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(ErrorKind::UnexpectedChar)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        self.pos += 1;
        let mut fields: Vec<(String, Value)> = Vec::new();
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Ok(Value::Object(fields));
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return Err(self.error(ErrorKind::UnexpectedChar));
            }
            let key_at = self.pos;
            let key = self.string()?;
            if fields.iter().any(|(k, _)| *k == key) {
                return Err(Error {
                    offset: key_at,
                    kind: ErrorKind::DuplicateKey,
                });
            }
            self.skip_ws();
            self.expect(b':')?;
            let value = self.value(depth)?;
            fields.push((key, value));
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Ok(Value::Object(fields));
                }
                _ => return Err(self.error(ErrorKind::UnexpectedChar)),
            }
        }
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.pos;
        let negative = self.bytes[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        let digits = &self.bytes[digits_start..self.pos];
        if digits.is_empty() {
            return Err(self.error(if self.pos == self.bytes.len() {
                ErrorKind::UnexpectedEnd
            } else {
                ErrorKind::UnexpectedChar
            }));
        }
        if digits.len() > 1 && digits[0] == b'0' {
            return Err(Error {
                offset: digits_start,
                kind: ErrorKind::UnexpectedChar,
            });
        }
        if let Some(b'.' | b'e' | b'E') = self.bytes.get(self.pos) {
            return Err(Error {
                offset: start,
                kind: ErrorKind::NotAWholeNumber,
            });
        }
        // Accumulate negatively so that i64::MIN parses without overflow.
        let mut n: i64 = 0;
        for &d in digits {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_sub(i64::from(d - b'0')))
                .ok_or(Error {
                    offset: start,
                    kind: ErrorKind::NotAWholeNumber,
                })?;
        }
        let n = if negative {
            n
        } else {
            n.checked_neg().ok_or(Error {
                offset: start,
                kind: ErrorKind::NotAWholeNumber,
            })?
        };
        Ok(Value::Int(n))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut n = 0;
        for _ in 0..4 {
            let d = match self.peek()? {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => return Err(self.error(ErrorKind::BadString)),
            };
            n = n * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, Error> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run starts and stops at ASCII bytes, so it is whole UTF-8.
            out.push_str(self.input.get(run_start..self.pos).unwrap_or_default());
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let c = match self.peek()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error(ErrorKind::BadString)),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                _ => return Err(self.error(ErrorKind::BadString)),
            }
        }
    }

    /// Reads the four hex digits after `\u`, and the low half of a surrogate
    /// pair when the first half is a high surrogate.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let at = self.pos;
        let bad = Error {
            offset: at,
            kind: ErrorKind::BadString,
        };
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(bad);
            }
            self.pos += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(bad);
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or(bad)
    }
}

/// Appends `s` to `out` as a JSON string literal, quotes included.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // U+2028 and U+2029 are escaped too, so the output is also valid
            // JavaScript source.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(HEX[(n >> shift) & 0xF]));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Builds a JSON object field by field, for the formats the banner writes.
///
/// ```
/// use diffo_consent_core::json::ObjectWriter;
/// let mut w = ObjectWriter::new();
/// w.str("a", "x").int("b", 2).bool("c", true);
/// assert_eq!(w.finish(), r#"{"a":"x","b":2,"c":true}"#);
/// ```
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjectWriter {
    /// Starts an empty object.
    pub fn new() -> Self {
        ObjectWriter { out: String::from("{") }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        write_str(&mut self.out, key);
        self.out.push(':');
        &mut self.out
    }

    /// Adds a string field.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        write_str(self.key(key), value);
        self
    }

    /// Adds a whole-number field.
    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        let out = self.key(key);
        out.push_str(&num::decimal(value));
        self
    }

    /// Adds a boolean field.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    /// Adds a field whose value is already JSON text (a nested object).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    /// Closes the object and returns its text.
    pub fn finish(&mut self) -> String {
        let mut out = core::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str, expected: Value) {
        assert_eq!(parse(input), Ok(expected), "input: {input}");
    }

    fn err(input: &str, offset: usize, kind: ErrorKind) {
        assert_eq!(parse(input), Err(Error { offset, kind }), "input: {input}");
    }

    fn s(x: &str) -> Value {
        Value::Str(x.to_string())
    }

    #[test]
    fn accepts_valid_json() {
        ok("null", Value::Null);
        ok(" true ", Value::Bool(true));
        ok("false", Value::Bool(false));
        ok("0", Value::Int(0));
        ok("-12", Value::Int(-12));
        ok("9223372036854775807", Value::Int(i64::MAX));
        ok("-9223372036854775808", Value::Int(i64::MIN));
        ok(r#""""#, s(""));
        ok(r#""a\"b\\c\/d\n""#, s("a\"b\\c/d\n"));
        ok(r#""\u00e4\u00C4""#, s("äÄ"));
        ok(r#""\ud83c\udf6a""#, s("🍪"));
        ok(r#""käyttäjä 🍪""#, s("käyttäjä 🍪"));
        ok("[]", Value::Array(vec![]));
        ok(
            "[1, [2], {}]",
            Value::Array(vec![
                Value::Int(1),
                Value::Array(vec![Value::Int(2)]),
                Value::Object(vec![]),
            ]),
        );
        ok(
            r#"{"a":1,"b":{"c":null}}"#,
            Value::Object(vec![
                ("a".into(), Value::Int(1)),
                ("b".into(), Value::Object(vec![("c".into(), Value::Null)])),
            ]),
        );
    }

    #[test]
    fn rejects_invalid_json_with_offsets() {
        err("", 0, ErrorKind::UnexpectedEnd);
        err("   ", 3, ErrorKind::UnexpectedEnd);
        err("nul", 3, ErrorKind::UnexpectedEnd);
        err("nulx", 0, ErrorKind::UnexpectedChar);
        err("True", 0, ErrorKind::UnexpectedChar);
        err("1.5", 0, ErrorKind::NotAWholeNumber);
        err("1e3", 0, ErrorKind::NotAWholeNumber);
        err("9223372036854775808", 0, ErrorKind::NotAWholeNumber);
        err("01", 0, ErrorKind::UnexpectedChar);
        err("-", 1, ErrorKind::UnexpectedEnd);
        err("-x", 1, ErrorKind::UnexpectedChar);
        err(r#""abc"#, 4, ErrorKind::UnexpectedEnd);
        err("\"a\u{1}\"", 2, ErrorKind::BadString);
        err(r#""\x""#, 2, ErrorKind::BadString);
        err(r#""\u12G4""#, 5, ErrorKind::BadString);
        err(r#""\ud83c""#, 3, ErrorKind::BadString);
        err(r#""\ud83c\u0041""#, 3, ErrorKind::BadString);
        err(r#""\udf6a""#, 3, ErrorKind::BadString);
        err("[1,]", 3, ErrorKind::UnexpectedChar);
        err("[1 2]", 3, ErrorKind::UnexpectedChar);
        err(r#"{"a" 1}"#, 5, ErrorKind::UnexpectedChar);
        err(r#"{"a":1,}"#, 7, ErrorKind::UnexpectedChar);
        err(r#"{a:1}"#, 1, ErrorKind::UnexpectedChar);
        err(r#"{"a":1,"a":2}"#, 7, ErrorKind::DuplicateKey);
        err("{} {}", 3, ErrorKind::TrailingCharacters);
        err("{", 1, ErrorKind::UnexpectedEnd);
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing_the_stack() {
        let ok_depth = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok_depth).is_ok());
        let hostile = "[".repeat(100_000);
        assert_eq!(parse(&hostile).unwrap_err().kind, ErrorKind::TooDeep);
    }

    #[test]
    fn writes_strings_that_parse_back() {
        for original in [
            "",
            "plain",
            "quote\" back\\slash",
            "tab\tnl\n\u{1}",
            "ä🍪",
            "\u{2028}x\u{2029}",
        ] {
            let mut out = String::new();
            write_str(&mut out, original);
            assert_eq!(parse(&out), Ok(s(original)), "written: {out}");
            assert!(!out.contains('\u{2028}') && !out.contains('\u{1}'));
        }
    }

    #[test]
    fn error_messages_name_the_offset() {
        assert_eq!(
            parse("[1,]").unwrap_err().to_string(),
            "invalid JSON at byte 3: unexpected character"
        );
    }
}
