//! Directory URLs: validation, de-duplication and batching (API-NOTES "Endpoint and action").

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::num::NonZeroUsize;
use core::ops::Range;

use crate::error::Error;
use crate::text::{cat, digits, find_ascii, first_space_or_control, push_hex, quote};

/// Directories per `RefreshCdnDir` call (API-NOTES "Endpoint and action": 20 per call).
pub const PER_CALL: usize = 20;
/// Paths per `PurgePathCache` call (API-NOTES-V3 "Request": up to 500 in the newer documents).
pub const PER_CALL_V3: usize = 500;

/// Directories per account per day (API-NOTES: 100 per day); the default of `dailyLimit`.
pub const PER_DAY: u32 = 100;

/// The longest directory URL accepted, in UTF-8 bytes; longer input is a mistake, not a URL.
pub const MAX_DIR_BYTES: usize = 4096;
/// The most entries a `dirs` list may have, before duplicates are removed: far above any
/// account's daily quota, low enough to refuse an absurd list before reading it.
pub const MAX_INPUTS: usize = 10_000;
/// How much of a rejected input an error message quotes.
const QUOTE_CHARS: usize = 80;

/// A directory URL that the API can take.
///
/// Invariant: starts with `http://` or `https://`, has a non-empty ASCII host without WHATWG
/// URL's forbidden host code points (and a port of 1–65535 digits when one is named) and no
/// credentials before it, contains no whitespace, no control character, no fragment and no
/// backslash before any `?`. The scheme, host, port and the path's dot segments are written as
/// a browser's URL writes them ([`host_port`], [`push_path`]), so one directory has one
/// spelling and is sent once; a host is taken as a name, so an IP address's shorthands and a
/// host's percent-escapes, which a browser rewrites, are kept. Anything else a browser sends in
/// a path or query is kept as given: non-ASCII, percent-escapes, `+ & = ; , ! * ' ( ) ~ @ $`,
/// `?`. The value is signed raw and percent-encoded once on the wire (API-NOTES "Signature" 4
/// and 7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dir(String);

impl Dir {
    /// Validates `s`, the `index`-th entry of the caller's list (named in the error).
    pub fn parse(index: usize, s: &str) -> Result<Dir, Error> {
        let bad = |why: &str| refused(&cat!("dirs[", index, "]"), s, QUOTE_CHARS, why);
        if s.is_empty() {
            return Err(Error::invalid_input(cat!("dirs[", index, "] is an empty string")));
        }
        if s.len() > MAX_DIR_BYTES {
            return Err(bad(&cat!("is ", s.len(), " bytes long; a directory URL may have at most ", MAX_DIR_BYTES)));
        }
        if let Some((at, c)) = first_space_or_control(s) {
            let what = if c.is_whitespace() { "whitespace" } else { "a control character" };
            let mut code = String::new();
            push_hex(&mut code, c as u32, 4);
            return Err(bad(&cat!("contains ", what, " (U+", code, ") at byte ", at)));
        }
        let (scheme, default_port, rest) = scheme(s).ok_or_else(|| bad("must start with http:// or https://"))?;
        // A browser reads `\` before the query as `/` (WHATWG URL, special schemes), so the
        // API would be asked to purge a path no browser requests.
        if find_ascii(rest.get(0..find_ascii(rest, b"?").unwrap_or(rest.len())).unwrap_or(rest), b"\\").is_some() {
            return Err(bad("has a backslash before any ?, which browsers send as /"));
        }
        let (host, port, after) = authority(rest).map_err(bad)?;
        if find_ascii(s, b"#").is_some() {
            return Err(bad("contains a fragment (#…), which is never sent to a server"));
        }
        // Room for the whole URL at once: written as a browser writes it, it is never longer
        // than `s`, but for the `/` an empty path becomes.
        let mut head = String::with_capacity(s.len() + 1);
        head.push_str(scheme);
        let mut url = host_port(head, host, port, default_port);
        let (path, query) = after.split_at_checked(find_ascii(after, b"?").unwrap_or(after.len())).unwrap_or((after, ""));
        push_path(&mut url, path);
        url.push_str(query);
        Ok(Dir(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A URL's scheme, matched in any case: `(scheme as sent, its default port, what follows)`.
pub(crate) fn scheme(url: &str) -> Option<(&'static str, &'static str, &str)> {
    for (scheme, port) in [("https://", "443"), ("http://", "80")] {
        if url.get(0..scheme.len()).is_some_and(|head| head.eq_ignore_ascii_case(scheme)) {
            return Some((scheme, port, url.get(scheme.len()..url.len()).unwrap_or("")));
        }
    }
    None
}

/// `head` (in lower case) followed by `host` and `port` as a browser's URL writes them (WHATWG
/// URL): the host in lower case, the port without leading zeros, and none when it is
/// `default_port`.
pub(crate) fn host_port(mut head: String, host: &str, port: Option<&str>, default_port: &str) -> String {
    head.push_str(host);
    head.make_ascii_lowercase();
    if let Some(mut p) = port {
        while let Some(rest) = p.strip_prefix('0') {
            p = rest;
        }
        if p != default_port {
            head.push(':');
            head.push_str(p);
        }
    }
    head
}

/// Appends `path` (empty or from a `/`, up to any `?`) as a browser's URL resolves it (WHATWG
/// URL, path state): at least `/`, with its `.` and `..` segments, also spelled `%2e`, resolved.
/// A browser never requests `/a/../b/`, only `/b/`, which is what a cache holds.
pub(crate) fn push_path(url: &mut String, mut path: &str) {
    // Without a `.` or a `%`, no segment is a dot segment: the path is pushed whole.
    if !path.is_empty() && find_ascii(path, b".%").is_none() {
        return url.push_str(path);
    }
    let root = url.len();
    loop {
        path = path.get(1..).unwrap_or("");
        let (segment, rest) = path.split_at_checked(find_ascii(path, b"/").unwrap_or(path.len())).unwrap_or((path, ""));
        let dots = dots(segment.as_bytes());
        if dots == 2 {
            while url.len() > root && url.pop() != Some('/') {}
        }
        if !(1..=2).contains(&dots) {
            url.push('/');
            url.push_str(segment);
        } else if rest.is_empty() {
            url.push('/');
        }
        if rest.is_empty() {
            return;
        }
        path = rest;
    }
}

/// How many dots a path segment is made of (`.` or `%2e` in any case each), or 0 when it holds
/// anything else: 1 is WHATWG URL's single-dot segment, 2 its double-dot segment.
fn dots(mut segment: &[u8]) -> usize {
    let mut n = 0;
    while let [b'.', rest @ ..] | [b'%', b'2', b'e' | b'E', rest @ ..] = segment {
        segment = rest;
        n += 1;
    }
    if segment.is_empty() {
        n
    } else {
        0
    }
}

/// The error for the URL input `name` (`dirs[3]`, `config.endpoint`) refused `why`: the URL
/// quoted (at most `max` characters), its credentials [`redact`]ed.
pub(crate) fn refused(name: &str, url: &str, max: usize, why: &str) -> Error {
    Error::invalid_input(cat!(name, " ", quote(&redact(url), max), " ", why))
}

/// `url` with what its authority holds before an `@` (a user name and password) replaced by
/// `[redacted]`, so that an error quoting a refused URL, or listing it as pending, carries no
/// password to whatever log shows the error, whichever rule refused it. The authority is found
/// at least as widely as a browser finds it: after a `scheme:` that `/` or `\` follows (or from
/// the start), past every `/` and `\`, up to the next `/ ? #` (a `\` ends it for a browser, but
/// what a caller meant as `user:pass\@host` is hidden too). Without an `@` there, `url` as given.
pub(crate) fn redact(url: &str) -> String {
    let b = url.as_bytes();
    let slash = |i: usize| matches!(b.get(i), Some(b'/' | b'\\'));
    let mut start = find_ascii(url, b":").map_or(0, |i| i + 1);
    if !slash(start) {
        start = 0;
    }
    while slash(start) {
        start += 1;
    }
    let (mut i, mut at) = (start, None);
    while let Some(c) = b.get(i).filter(|c| !matches!(c, b'/' | b'?' | b'#')) {
        if *c == b'@' {
            at = Some(i);
        }
        i += 1;
    }
    match at {
        Some(at) => cat!(url.get(0..start).unwrap_or(""), "[redacted]", url.get(at..url.len()).unwrap_or("")),
        None => url.into(),
    }
}

/// A URL's authority, `rest` being what follows its `scheme://`: `(host, port, what follows)`.
/// Valid when it names no user or password (a browser never sends them, so no cache holds such
/// a URL), has an ASCII host (`[v6]` closed), and any port is decimal digits (leading zeros
/// allowed) from 1 to 65535; an empty one (`host:`) is none, as a browser reads it. `Err` says
/// what is wrong, to follow the input's name.
pub(crate) fn authority(rest: &str) -> Result<(&str, Option<&str>, &str), &'static str> {
    let (authority, after) = rest.split_at_checked(find_ascii(rest, b"/?#").unwrap_or(rest.len())).unwrap_or((rest, ""));
    if find_ascii(authority, b"@").is_some() {
        return Err("must not contain credentials (user@host)");
    }
    let host_end = if authority.starts_with('[') {
        find_ascii(authority, b"]").ok_or("has an unclosed [IPv6] host")? + 1
    } else {
        find_ascii(authority, b":").unwrap_or(authority.len())
    };
    let (host, port) = authority.split_at_checked(host_end).unwrap_or((authority, ""));
    if host.is_empty() || host == "[]" {
        return Err("has no host");
    }
    // WHATWG URL's forbidden host code points that nothing above refuses: a browser refuses
    // such a URL, so no cache holds it.
    if !host.starts_with('[') && find_ascii(host, b"<>[]^|").is_some() {
        return Err("has a character no host may have (< > [ ] ^ |)");
    }
    // A browser sends a non-ASCII host in Punycode after UTS 46 mapping, whose tables are not
    // in the `.wasm`: what a cache holds, and what a signature covers, cannot be known here.
    if !host.is_ascii() {
        return Err("has a non-ASCII host, which browsers send in Punycode (xn--…): new URL(url).href gives it");
    }
    let port = match port {
        "" | ":" => None,
        p => Some(p.strip_prefix(':').unwrap_or(p)),
    };
    match port.map(digits) {
        Some(Some(1..=65535)) | None => Ok((host, port, after)),
        _ => Err("has an invalid port"),
    }
}

/// Validates every entry and drops exact duplicates, keeping the first occurrence's order
/// (a duplicate would waste the daily quota, API-NOTES "Endpoint and action").
/// An empty list is an error: a purge of nothing is a caller's mistake, not a success.
pub fn parse_all<S: AsRef<str>>(inputs: &[S]) -> Result<Vec<Dir>, Error> {
    if inputs.is_empty() {
        return Err(Error::invalid_input("dirs is empty: give at least one directory URL"));
    }
    if inputs.len() > MAX_INPUTS {
        return Err(too_many(inputs.len()));
    }
    let mut dirs = Vec::with_capacity(inputs.len());
    for (i, s) in inputs.iter().enumerate() {
        dirs.push(Dir::parse(i, s.as_ref())?);
    }
    let mut keys: Vec<&str> = Vec::with_capacity(dirs.len());
    for d in &dirs {
        keys.push(d.as_str());
    }
    let order = crate::sign::byte_order(&keys);
    // Equal keys are ordered by index: each later one is a repeat, and is emptied (no `Dir` is
    // empty), last pair first so that a run of three still compares the middle one unemptied.
    // Indices read with `get`, as in `byte_order`: every one is in bounds.
    for pair in order.windows(2).rev() {
        let (Some(&a), Some(&b)) = (pair.first(), pair.get(1)) else { continue };
        if dirs.get(a) == dirs.get(b) {
            if let Some(d) = dirs.get_mut(b) {
                d.0.clear();
            }
        }
    }
    // Moved out rather than `retain`ed: `retain` and its closure are 259 bytes of `.wasm`.
    let mut unique = Vec::with_capacity(dirs.len());
    for d in &mut dirs {
        if !d.0.is_empty() {
            unique.push(Dir(core::mem::take(&mut d.0)));
        }
    }
    Ok(unique)
}

/// The error for a `dirs` list of `n` > [`MAX_INPUTS`] entries.
pub fn too_many(n: usize) -> Error {
    Error::invalid_input(cat!("dirs has ", n, " entries; at most ", MAX_INPUTS, " are accepted per call (the API purges 100 per account per day)"))
}

/// How many directories one request carries: from 1 to the API's per-call limit
/// ([`PER_CALL`] or [`PER_CALL_V3`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchSize(NonZeroUsize);

impl BatchSize {
    /// `n` when it is from 1 to `max`.
    pub fn new(n: usize, max: usize) -> Option<BatchSize> {
        NonZeroUsize::new(n).filter(|_| n <= max).map(BatchSize)
    }

    pub fn get(self) -> usize {
        self.0.get()
    }

    /// How many batches `n` directories make. Divided by a `NonZeroUsize`, which has no
    /// division-by-zero panic to build into the `.wasm`.
    pub fn count(self, n: usize) -> usize {
        n / self.0 + usize::from(n % self.0 != 0)
    }
}

impl Default for BatchSize {
    fn default() -> BatchSize {
        const PER_CALL_NONZERO: NonZeroUsize = match NonZeroUsize::new(PER_CALL) {
            Some(n) => n,
            None => panic!("PER_CALL is 0"), // at compile time: no panic reaches the `.wasm`
        };
        BatchSize(PER_CALL_NONZERO)
    }
}

/// At most one [`BatchSize`] of directories, never empty: what one signed request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch<'a>(&'a [Dir]);

impl<'a> Batch<'a> {
    pub fn dirs(&self) -> &'a [Dir] {
        self.0
    }
}

/// `dirs` as strings, in order.
pub fn to_strings(dirs: &[Dir]) -> Vec<String> {
    let mut out = Vec::with_capacity(dirs.len());
    for d in dirs {
        out.push(d.as_str().to_owned());
    }
    out
}

/// Where batch `index` of `len` directories split into batches of `size` lies in their list;
/// empty past the last.
pub fn batch_range(len: usize, size: BatchSize, index: usize) -> Range<usize> {
    let start = index.saturating_mul(size.get()).min(len);
    start..start.saturating_add(size.get()).min(len)
}

/// Batch `index` of `dirs` split into batches of `size` in the caller's order; `None` past the
/// last.
pub fn batch(dirs: &[Dir], size: BatchSize, index: usize) -> Option<Batch<'_>> {
    dirs.get(batch_range(dirs.len(), size, index)).filter(|b| !b.is_empty()).map(Batch)
}
