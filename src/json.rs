//! The little JSON the API speaks: parsing a reply, writing a string.
//!
//! A complete RFC 8259 reader in a page, so the `.wasm` carries no general serialisation
//! framework. Invariants: it never panics on any input, nests at most [`MAX_DEPTH`] deep, and
//! rejects trailing data, so a truncated or doctored reply is never half-read.

use alloc::string::String;
use alloc::vec::Vec;

/// Deeper nesting than this is refused rather than recursed into.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Members in document order; a repeated key keeps its first value in [`Value::get`].
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == key {
                        return Some(v);
                    }
                }
                None
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// Parses one JSON document (surrounding whitespace allowed).
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser { s: text, b: text.as_bytes(), i: 0 };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

struct Parser<'a> {
    /// The text; `b` is its bytes. Runs of a string are cut at ASCII bytes, so always at
    /// character boundaries: they are sliced from `s` with no UTF-8 check.
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Option<()> {
        self.b.get(self.i..).unwrap_or_default().starts_with(lit.as_bytes()).then(|| self.i += lit.len())
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'n' => self.eat("null").map(|_| Value::Null),
            b't' => self.eat("true").map(|_| Value::Bool(true)),
            b'f' => self.eat("false").map(|_| Value::Bool(false)),
            b'"' => self.string().map(Value::String),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat("]").is_some() {
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => break (self.i += 1, Some(Value::Array(items))).1,
                        _ => return None,
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.eat("}").is_some() {
                    return Some(Value::Object(members));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let k = self.string()?;
                    self.ws();
                    self.eat(":")?;
                    members.push((k, self.value(depth + 1)?));
                    self.ws();
                    match *self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => break (self.i += 1, Some(Value::Object(members))).1,
                        _ => return None,
                    }
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// RFC 8259 number syntax, valued by hand: exact for integers up to 2^53 (every number the
    /// API sends), close for the rest, and without `f64::from_str`'s tables in the `.wasm`.
    /// Never NaN: digits past the 18th only move the exponent, so the mantissa stays finite,
    /// and a zero stays zero whatever its exponent (`0e400`); beyond f64's range is ±infinity,
    /// as `JSON.parse` gives.
    fn number(&mut self) -> Option<Value> {
        let negative = self.eat("-").is_some();
        let mut mantissa = 0.0f64;
        let mut exponent: i32 = 0;
        let mut digits = |p: &mut Self, scale: i32, exponent: &mut i32| {
            let start = p.i;
            while let Some(d @ b'0'..=b'9') = p.b.get(p.i).copied() {
                if mantissa < 1e17 {
                    mantissa = mantissa * 10.0 + f64::from(d - b'0');
                    *exponent += scale;
                } else {
                    // An integer digit dropped is a power of ten more; a fraction digit, nothing.
                    *exponent += scale + 1;
                }
                p.i += 1;
            }
            p.i > start
        };
        if self.eat("0").is_none() && !digits(self, 0, &mut exponent) {
            return None;
        }
        if self.eat(".").is_some() && !digits(self, -1, &mut exponent) {
            return None;
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            let sign = match self.b.get(self.i) {
                Some(b'-') => (self.i += 1, -1).1,
                Some(b'+') => (self.i += 1, 1).1,
                _ => 1,
            };
            let start = self.i;
            let mut e: i32 = 0;
            while let Some(d @ b'0'..=b'9') = self.b.get(self.i).copied() {
                e = (e * 10 + i32::from(d - b'0')).min(10_000);
                self.i += 1;
            }
            if self.i == start {
                return None;
            }
            exponent += sign * e;
        }
        let value = if mantissa == 0.0 {
            0.0
        } else if exponent < 0 {
            // In two steps, so that 10^-exponent overflowing does not zero a value in range
            // (`1234567890123456789e-320`); `pow10` of a negative is 1.
            mantissa / pow10(-exponent - 300) / pow10((-exponent).min(300))
        } else {
            mantissa * pow10(exponent)
        };
        Some(Value::Number(if negative { -value } else { value }))
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        h.iter().try_fold(0u32, |acc, &c| Some(acc * 16 + (c as char).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let run = self.i;
            while !matches!(self.b.get(self.i), None | Some(b'"' | b'\\' | 0..=0x1f)) {
                self.i += 1;
            }
            out.push_str(self.s.get(run..self.i)?);
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 2;
                    let c = match *self.b.get(self.i - 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                self.eat("\\u")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(cp)?
                        }
                        _ => return None,
                    };
                    out.push(c);
                }
                _ => return None, // a raw control character
            }
        }
    }
}

/// Appends `s` as a JSON string literal: `"` and `\` escaped, control characters as `\n`,
/// `\r`, `\t` or `\u00XX`, everything else as UTF-8. [`parse`] reads it back unchanged.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        if let Some(e) = crate::text::short_escape(c) {
            out.push_str(e);
            continue;
        }
        match c {
            c if (c as u32) < 0x20 => {
                let hex = crate::text::HEX_LOWER;
                out.push_str("\\u00");
                out.push(hex[(c as usize) >> 4] as char);
                out.push(hex[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// 10^e for e >= 0 by squaring (`f64::powi` needs `std`), 1 for e < 0; infinity when out of
/// range.
fn pow10(mut e: i32) -> f64 {
    let (mut result, mut base) = (1.0, 10.0f64);
    while e > 0 {
        if e & 1 == 1 {
            result *= base;
        }
        base *= base;
        e >>= 1;
    }
    result
}
