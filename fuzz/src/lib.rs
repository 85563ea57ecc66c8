//! Fuzz targets of the core: each takes arbitrary bytes and must neither panic nor break a
//! promise of the core.
//!
//! - [`reply`]: any status, body and `Retry-After` → a reply, an error a reply can produce, or
//!   a retry decision; never a panic.
//! - [`request`]: any config and directory list → requests the emulator's verifier accepts
//!   (as the API would), or an `invalid-input` error.
//! - [`json`]: any text → what serde_json reads from it, or nothing where serde_json refuses it.
//! - [`dir`]: any text → a directory only where a browser's URL parser takes it, spelled as the
//!   browser spells it.
//!
//! `make fuzz` runs them under libFuzzer with coverage feedback (`fuzz/libfuzzer/`,
//! `scripts/fuzz.sh`), and `tests/corpus.rs` replays the committed corpus, and any input that
//! failed, in `make test`.

use qcloud_cdn_emulator::api::{self, Account, Api, Call};
use qcloud_cdn_emulator::api3::{Call3, Reply3};
use qcloud_cdn_refresh::config::Api::{V2 as Api2, V3 as Api3};
use qcloud_cdn_refresh::dirs::Dir;
use qcloud_cdn_refresh::json::{self, Value, MAX_DEPTH};
use qcloud_cdn_refresh::purge::Step;
use qcloud_cdn_refresh::request::parse_form;
use qcloud_cdn_refresh::sign::Method;
use qcloud_cdn_refresh::{reply, retry, Kind, Purge, RawConfig};

/// A fuzz target: the name of its corpus directory, and the function that takes one input.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: [Target; 4] = [("reply", reply), ("request", request), ("json", json), ("dir", dir)];

const ID: &str = "AKIDfuzz";
const KEY: &str = "fuzz-secret-key";
const NOW: u64 = 1_700_000_000;

/// Input: 2 bytes of status, then `Retry-After` and the body, separated by a 0x1F byte.
pub fn reply(data: &[u8]) {
    let status = u16::from_le_bytes([data.first().copied().unwrap_or(0), data.get(1).copied().unwrap_or(0)]) % 1000;
    let rest = String::from_utf8_lossy(data.get(2..).unwrap_or_default());
    let (retry_after, body) = rest.split_once('\u{1f}').map_or((None, rest.as_ref()), |(r, b)| (Some(r), b));
    let _ = json::parse(body);
    match reply::parse(Api2, status, body).and_then(|r| r.into_result(status)) {
        Ok(r) => assert_eq!(r.code, 0, "only code 0 is a success"),
        Err(e) => assert!(matches!(e.kind, Kind::Api | Kind::Http | Kind::InvalidResponse), "{:?}", e.kind),
    }
    if let Ok(r) = reply::parse(Api3, status, body) {
        assert!(r.code != 0 || r.task_id.is_some(), "a v3 success has a TaskId");
    }
    let mut purge = Purge::new(config(), &["https://www.test.com/a/"]).expect("a valid call");
    match purge.on_response(status, body, retry_after, NOW * 1000, 0.5) {
        Ok(Step::Retry { after_ms }) => assert!(after_ms <= 60_000, "a wait longer than Retry-After's limit: {after_ms}"),
        Ok(Step::Accepted) => assert!(purge.is_done()),
        Err(e) => {
            // In exactly one list: maybe purged when a reply not from the API may follow a purge.
            let maybe = usize::from(retry::may_have_purged(&e));
            assert_eq!((e.submitted.len(), e.maybe_submitted.len(), e.pending.len()), (0, maybe, 1 - maybe), "the dir is accounted for");
        }
    }
}

/// Input: fields separated by 0x1F bytes: directories (one per line), then `method`,
/// `signatureMethod`, `token`, `endpoint`, `type`, `api`, `area`, `batchSize`, `dailyLimit`,
/// `timestamp`, `nonce`, `proxyUrl`, `urlEncode` (`1` or else false), `language`, each empty
/// (or missing) for "not given".
pub fn request(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\u{1f}');
    let dirs: Vec<&str> = fields.next().unwrap_or_default().split('\n').collect();
    let mut field = || fields.next().filter(|f| !f.is_empty()).map(str::to_owned);
    let (method, signature_method, token, endpoint) = (field(), field(), field(), field());
    let refresh_type = field().and_then(|t| t.parse().ok());
    let (api, area) = (field(), field());
    let mut number = || field().and_then(|n| n.parse().ok());
    let (batch_size, daily_limit, timestamp, nonce) = (number(), number(), number(), number());
    let (proxy_url, url_encode, language) = (field(), field().map(|f| f == "1"), field());
    let raw = RawConfig {
        method,
        signature_method,
        token: token.clone(),
        endpoint,
        refresh_type,
        api,
        area,
        batch_size,
        daily_limit,
        timestamp,
        nonce,
        proxy_url,
        url_encode,
        language,
        ..config()
    };
    let purge = match Purge::new(raw, &dirs) {
        Ok(p) => p,
        Err(e) => {
            assert_eq!(e.kind, Kind::InvalidInput, "{}", e.message);
            return assert_eq!(e.pending.len(), dirs.len(), "nothing was sent: every dir given is pending");
        }
    };
    let requests: Vec<_> = (0..purge.batch_count()).map(|i| purge.request(i, NOW, 1000 + i as u64).expect("every batch signs")).collect();
    // A fixed `timestamp` signs every batch: the emulator judges it at that time.
    let now = purge.config().timestamp.unwrap_or(NOW);
    // A directory as sent is already as a browser writes it: read again, it is unchanged.
    for d in requests.iter().flat_map(|r| r.dirs.dirs()).map(Dir::as_str) {
        assert_eq!(Dir::parse(0, d).map(Dir::into_string).as_deref(), Ok(d), "sent {d:?} is not a fixed point");
    }
    // The account owns the domains of the directories as sent, their scheme written in lower case.
    let domains = requests.iter().flat_map(|r| r.dirs.dirs()).filter_map(|d| api::dir_host(d.as_str())).map(str::to_owned).collect();
    let account = Account { secret_id: ID.into(), secret_key: KEY.into(), token, domains, daily_limit: u32::MAX };
    let mut api = Api::new(vec![account]);
    let endpoint = &purge.config().endpoint;
    for (i, r) in requests.iter().enumerate() {
        if purge.config().api == Api3 {
            let answer = api.handle_v3(&Call3::from_request(r, endpoint.host()), now);
            assert!(matches!(answer, Reply3::Success { .. }), "the emulator refused v3 batch {i}: {answer:?} ({r:?})");
            continue;
        }
        let wire = match r.method {
            Method::Post => r.body.clone().expect("a POST has a body"),
            Method::Get => r.url.split_once('?').expect("a GET has a query").1.to_owned(),
        };
        let params = parse_form(&wire).expect("the wire form decodes");
        let call = Call { method: r.method, host: endpoint.host(), path: endpoint.path(), params: &params };
        let answer = api.handle(&call, now);
        assert_eq!(answer.code, 0, "the emulator refused batch {i}: {} ({:?})", answer.message, r);
    }
}

/// Input: any bytes, read as UTF-8 text (the API's replies are): `src/json.rs` reads what
/// serde_json reads, as it reads it, and refuses the rest. Two differences are its own: a number
/// beyond f64 is ±infinity, as in `JSON.parse`, not an error; and it refuses nesting deeper
/// than [`MAX_DEPTH`], where serde_json's limit is 128.
pub fn json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = json::parse(text);
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(theirs) if depth(&theirs) > MAX_DEPTH + 1 => assert_eq!(ours, None, "{text:?} nests too deep"),
        Ok(theirs) => assert!(ours.as_ref().is_some_and(|o| same_json(o, &theirs)), "{text:?}: {ours:?}, serde_json {theirs:?}"),
        // serde_json stops at the first such number: the text with each one written as 0 tells
        // whether the rest is JSON (past MAX_DEPTH, which the reader refuses, nothing is said).
        Err(e) if out_of_range(&e) => {
            if nesting(text) <= MAX_DEPTH {
                assert_eq!(ours.is_some(), huge_numbers_as_zero(text).is_ok(), "{text:?}");
            }
        }
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => assert_eq!(ours, None, "{text:?}"),
        Err(e) => assert_eq!(ours, None, "{text:?}: serde_json says {e}"),
    }
}

/// Input: any bytes, as a directory URL. A directory [`Dir::parse`] accepts is one a browser can
/// request (WHATWG URL, as the `url` crate implements it), and it is sent as the browser writes
/// it: the same scheme, host, port and path, dot segments resolved; the rest of the path and the
/// query as given, where the browser percent-encodes a few characters (compared after encoding
/// them the same way). Hosts the README says are kept as given are not compared: IP addresses,
/// percent-escapes, and Punycode labels (`xn--`), whose encoding is not checked.
pub fn dir(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(ours) = Dir::parse(0, text).map(Dir::into_string) else { return };
    // The scheme and authority, then the path and query (a `Dir` has a path of at least `/`).
    let (origin, rest) = ours.split_at(ours[8..].find(['/', '?']).map_or(ours.len(), |i| i + 8));
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    // An IPv6 host keeps its `[`, which the test below skips.
    let host = authority.split(':').next().unwrap_or_default();
    let last_label = host.trim_end_matches('.').rsplit('.').next().unwrap_or_default();
    let numeric = !last_label.is_empty() && (last_label.bytes().all(|b| b.is_ascii_digit()) || last_label.starts_with("0x"));
    if host.starts_with('[') || host.contains('%') || numeric || host.split('.').any(|l| l.starts_with("xn--")) {
        return;
    }
    // rust-url keeps a segment that looks like a Windows drive letter (`c:`, `c|`) when `..`
    // follows it in any scheme, where the standard (and Node, and Firefox) pops it outside
    // `file:` (servo/rust-url#1113, #1130): not compared.
    if text.split(['/', '?']).any(|seg| matches!(seg.as_bytes(), [l, b':' | b'|'] if l.is_ascii_alphabetic())) {
        return;
    }
    let theirs = url::Url::parse(text).unwrap_or_else(|e| panic!("{text:?} is accepted, as {ours:?}, but a browser refuses it: {e}"));
    let (path, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
    // WHATWG URL's path and special-query percent-encode sets, past what `Dir::parse` refuses.
    let encode =
        |s: &str, set: &[u8]| s.bytes().map(|b| if b > 0x7e || set.contains(&b) { format!("%{b:02X}") } else { char::from(b).to_string() }).collect::<String>();
    let written = format!("{origin}{}{}", encode(path, b"\"<>`{}"), encode(query, b"\"<>'"));
    assert_eq!(theirs.as_str(), written, "{text:?} is sent as {ours:?}");
}

/// serde_json's reading of `text` with every number beyond f64 replaced by `0 `, each found at
/// the line and column of serde_json's error (each round replaces one, so it ends).
fn huge_numbers_as_zero(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    let mut text = text.to_owned();
    loop {
        let e = match serde_json::from_str::<serde_json::Value>(&text) {
            Err(e) if out_of_range(&e) => e,
            other => return other,
        };
        let line_start: usize = text.split_inclusive('\n').take(e.line() - 1).map(str::len).sum();
        let at = (line_start + e.column()).min(text.len());
        let bytes = text.as_bytes();
        let start = at - bytes[..at].iter().rev().take_while(|b| b.is_ascii_digit() || b"+-.eE".contains(b)).count();
        // The number's end as RFC 8259 reads it: -? digits (. digits)? ([eE] [+-]? digits)?
        let digits = |i: usize| i + bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let mut end = digits(start + usize::from(bytes.get(start) == Some(&b'-')));
        if bytes.get(end) == Some(&b'.') {
            end = digits(end + 1);
        }
        if matches!(bytes.get(end), Some(b'e' | b'E')) {
            end = digits(end + 1 + usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-'))));
        }
        // serde_json's columns count bytes; a position beside no number would mean otherwise.
        assert!(start < end, "no number at line {} column {} of {text:?}", e.line(), e.column());
        // A space after it, so that what follows cannot join it: `1e400e5` stays two tokens.
        text.replace_range(start..end, "0 ");
    }
}

/// Whether serde_json refused a number beyond f64 (its error has no category of its own).
fn out_of_range(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("number out of range")
}

/// How many arrays and objects deep `text` nests, counting brackets outside strings.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for b in text.bytes() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'[' | b'{' if !in_string => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// How many values deep `v` nests: 1 for a scalar or an empty array.
fn depth(v: &serde_json::Value) -> usize {
    use serde_json::Value as J;
    1 + match v {
        J::Array(items) => items.iter().map(depth).max().unwrap_or(0),
        J::Object(members) => members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Whether `ours` is what serde_json read: the same structure, a repeated key's last value
/// among ours (serde_json keeps the last), numbers within a few ulps (ours are valued by hand).
fn same_json(ours: &Value, theirs: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (ours, theirs) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Number(a), J::Number(b)) => {
            let b = b.as_f64().unwrap_or(f64::NAN);
            a == &b || (a - b).abs() <= b.abs() * 1e-14
        }
        (Value::String(a), J::String(b)) => a == b,
        (Value::Array(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_json(a, b)),
        (Value::Object(a), J::Object(b)) => {
            let keys: std::collections::BTreeSet<&str> = a.iter().map(|(k, _)| k.as_str()).collect();
            keys.len() == b.len() && b.iter().all(|(k, v)| a.iter().rev().find(|(key, _)| key == k).is_some_and(|(_, o)| same_json(o, v)))
        }
        _ => false,
    }
}

fn config() -> RawConfig {
    RawConfig { secret_id: Some(ID.into()), secret_key: Some(KEY.into()), ..RawConfig::default() }
}
