//! Messages built without `core::fmt`: in the shipped `.wasm` (no `std`, see [`crate::runtime`])
//! `format!` would be the one thing pulling the formatting machinery in, so messages are
//! concatenated from [`Piece`]s with [`cat!`], and numbers are written by hand.
//!
//! Across the crate a `str` is sliced at a computed position as `get(a..b)`, never `get(..b)`
//! or `get(a..)`: each range type is its own copy of the boundary checks in the `.wasm` (126
//! bytes of code). A constant bound (`get(1..)` in `dirs::push_path`) is inlined, with no copy;
//! written `get(1..path.len())` it measured 5 bytes larger gzipped.

use alloc::string::String;

/// A part of a message: text, a character, or an integer in decimal. Taken by value, so that a
/// string literal crosses as its address and length: a `&&str` would make rustc keep an 8-byte
/// (address, length) pair in the `.wasm`'s data for every literal of every message.
pub trait Piece {
    fn push_to(self, out: &mut String);
}

impl Piece for &str {
    fn push_to(self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for &String {
    fn push_to(self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(self, out: &mut String) {
        out.push_str(&self);
    }
}

impl Piece for char {
    fn push_to(self, out: &mut String) {
        out.push(self);
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Piece for $t {
            fn push_to(self, out: &mut String) {
                push_decimal(out, self as u64, 0);
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

impl Piece for i64 {
    fn push_to(self, out: &mut String) {
        if self < 0 {
            out.push('-');
        }
        push_decimal(out, self.unsigned_abs(), 0);
    }
}

/// Appends `v` in decimal with its last `places` digits after a `.` (`(1234, 2)`: `12.34`;
/// `(5, 3)`: `0.005`); `places` is at most 22.
fn push_decimal(out: &mut String, mut v: u64, places: usize) {
    // Written from the end: u64::MAX has 20 digits; 22 places take a point and a leading 0.
    let mut digits = [0u8; 24];
    let (mut i, mut written, mut point) = (digits.len(), 0, places > 0);
    for digit in digits.iter_mut().rev() {
        i -= 1;
        if point && written == places {
            (*digit, point) = (b'.', false);
            continue;
        }
        *digit = b'0' + (v % 10) as u8;
        v /= 10;
        written += 1;
        if v == 0 && written > places {
            break;
        }
    }
    // ASCII digits: always UTF-8. One copy instead of a `push` (and its UTF-8 encoder) per digit.
    out.push_str(ascii(digits.get(i..).unwrap_or_default()));
}

/// `cat!(a, b, …)`: the pieces concatenated into a new `String`. Each is taken by value: a
/// `String` piece is moved in, so pass `&s` to use `s` afterwards.
macro_rules! cat {
    ($($piece:expr),* $(,)?) => {{
        let mut out = alloc::string::String::new();
        $( $crate::text::Piece::push_to($piece, &mut out); )*
        out
    }};
}
pub(crate) use cat;

/// Whether `needle` occurs in `text`. A plain scan, as in [`replace_all`]: `str::contains`
/// with a string pattern brings a two-way searcher into the `.wasm`, and these texts are short.
pub(crate) fn contains(text: &str, needle: &str) -> bool {
    // `max(1)` changes nothing after the empty needle's answer, but tells the compiler the
    // window is never 0, which keeps `windows`' panic (and its message) out of the `.wasm`.
    needle.is_empty() || text.as_bytes().windows(needle.len().max(1)).any(|w| w == needle.as_bytes())
}

/// `text` with every occurrence of `needle` (non-empty) replaced by `with`, left to right. A
/// plain scan: `str::replace` with a string pattern brings a two-way searcher into the `.wasm`,
/// and these texts are short.
pub(crate) fn replace_all(text: &str, needle: &str, with: &str) -> String {
    let (t, n) = (text.as_bytes(), needle.as_bytes());
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while !n.is_empty() && i + n.len() <= t.len() {
        if t.get(i..).unwrap_or_default().starts_with(n) {
            out.push_str(text.get(copied..i).unwrap_or_default());
            out.push_str(with);
            i += n.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(text.get(copied..text.len()).unwrap_or_default());
    out
}

/// The first whitespace or control character of `s` and its byte offset. Printable ASCII, the
/// usual input, is checked byte by byte; only other text is decoded into characters.
pub(crate) fn first_space_or_control(s: &str) -> Option<(usize, char)> {
    if s.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    s.char_indices().find(|&(_, c)| c.is_whitespace() || c.is_control())
}

/// The byte offset of the first of the ASCII bytes `set` in `s`: a plain byte scan, where a
/// `[char]` pattern decodes every character first. An ASCII byte never occurs inside a
/// multi-byte UTF-8 sequence, so the offset is always a character boundary.
// `set` is one to three bytes, an array so that each size compiles to its own unrolled
// compares (a slice's loop made twenty directories' signing 5 % slower, and was 14 bytes
// larger); comparing each is smaller than `slice::contains`'s memchr. An index loop, because
// `bytes().position()` or `enumerate()` compile to 160 bytes more.
#[allow(clippy::manual_contains)]
pub(crate) fn find_ascii<const N: usize>(s: &str, set: &[u8; N]) -> Option<usize> {
    let mut i = 0;
    while let Some(b) = s.as_bytes().get(i) {
        if set.iter().any(|c| c == b) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `s` as a decimal number: one or more ASCII digits and nothing else (no sign, no space);
/// `None` when it is not, or does not fit in a `u64`. What `str::parse` does for these inputs,
/// without its generic integer parser.
pub(crate) fn digits(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    // A comparison, not `checked_mul`, whose overflow test is a 128-bit multiply (`__multi3`).
    s.bytes().try_fold(0u64, |n, b| if b.is_ascii_digit() && n <= u64::MAX / 10 { (n * 10).checked_add(u64::from(b - b'0')) } else { None })
}

/// `bytes` as text when they are all ASCII (digits, hex, base64 written here), else `""`.
/// Checking for ASCII is all it takes, where `str::from_utf8` brings a full UTF-8 validator
/// into the `.wasm`.
pub(crate) fn ascii(bytes: &[u8]) -> &str {
    if bytes.is_ascii() {
        // SAFETY: every ASCII byte sequence is valid UTF-8.
        unsafe { core::str::from_utf8_unchecked(bytes) }
    } else {
        ""
    }
}

/// Upper-case hex digits, indexed by nibble.
pub(crate) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
/// Lower-case hex digits, indexed by nibble: TC3's digests and JSON's `\u00XX` escapes.
pub(crate) const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// `v` as upper-case hex digits, at least `width` (at most 8) of them.
pub(crate) fn push_hex(out: &mut String, v: u32, width: usize) {
    let digits = if v == 0 { 1 } else { 8 - v.leading_zeros() as usize / 4 };
    let mut buf = [0u8; 8];
    let n = digits.max(width).min(8);
    for (i, d) in buf[..n].iter_mut().rev().enumerate() {
        *d = HEX_UPPER[((v >> (4 * i)) & 15) as usize];
    }
    out.push_str(ascii(&buf[..n]));
}

/// The escapes Rust's `{:?}` and JSON write alike: `\"`, `\\`, `\n`, `\r`, `\t`.
pub(crate) fn short_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => return None,
    })
}

/// At most `max` characters of `s` in double quotes, with `…` when cut: input echoed in a
/// message stays bounded and readable. `"` and `\` are escaped, and so is every control or
/// non-space whitespace character (`\n`, `\u{3000}`), as Rust's `{:?}` writes them, without
/// pulling `Debug`'s Unicode tables into the `.wasm`.
pub(crate) fn quote(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max * 4) + 3);
    out.push('"');
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push_str("\"…");
            return out;
        }
        if let Some(e) = short_escape(c) {
            out.push_str(e);
            continue;
        }
        match c {
            '\0' => out.push_str("\\0"),
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                out.push_str("\\u{");
                let mut hex = String::new();
                push_hex(&mut hex, c as u32, 1);
                hex.make_ascii_lowercase(); // as `{:?}` writes it
                out.push_str(&hex);
                out.push('}');
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JS number as a message shows it: `3`, `1.5`, `-1`, `NaN`, `Infinity`. Written by hand
/// because `f64`'s `Display` brings several kilobytes of float formatting into the `.wasm`.
/// Like JavaScript's `String(v)`, it writes the fewest decimals that read back as `v` (`19.99`,
/// not `19.989999`), in plain notation (`0.0000001`, where JavaScript writes `1e-7`). A value
/// whose shortest form has more digits than an `f64` integer holds (`1.9999999999999998`) is
/// shown with as many decimals as fit, within a unit of the last, and ends in `…`
/// (`2.000000000000000…`), so that it never reads as a whole number it is not.
pub(crate) fn number(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a >= 1e19 {
        return cat!(sign, "1e19 or more");
    }
    let int = a as u64; // a < 1e19: exact truncation
    if int as f64 == a {
        return cat!(sign, int);
    }
    // `n / 10^p` is the decimal `n` with `p` decimals correctly rounded, as reading it would be,
    // while `n` <= 2^53 and `10^p` is exact (p <= 22): the first `p` with an `n` that gives back
    // `a` is the shortest. That `n` is `a * 10^p` rounded, which is computed with an error
    // of at most 1/2 there, so it is the computed one or a neighbour. Without one, the
    // decimal with as many decimals as fit, within a unit of the last, and `…`.
    let (mut n, mut p, mut end, mut scale) = (int, 0, "…", 10.0);
    'places: for places in 1..=22 {
        let x = a * scale;
        let rounded = x as u64 + u64::from(x - (x as u64) as f64 >= 0.5);
        if rounded > MAX_EXACT {
            break;
        }
        (n, p) = (rounded, places);
        for near in [rounded, rounded.saturating_sub(1), rounded + 1] {
            if near as f64 / scale == a {
                (n, end) = (near, "");
                break 'places;
            }
        }
        scale *= 10.0;
    }
    let mut out = String::from(sign);
    push_decimal(&mut out, n, p);
    out.push_str(end);
    out
}

/// 2^53: up to it every integer is an `f64`.
const MAX_EXACT: u64 = 1 << 53;
