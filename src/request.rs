//! One batch of directories → one signed request, described as data: API 2.0 `RefreshCdnDir`
//! (a form or a query) or API 3.0 `PurgePathCache` (a JSON body and TC3 headers).
//!
//! The caller supplies the timestamp and the nonce; nothing here reads a clock or draws a
//! random number, so the same inputs always give the same bytes.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use core::fmt;

use crate::config::{Api, Config, RefreshType};
use crate::dirs::Batch;
use crate::sign::{self, Method, SignatureMethod};
use crate::text::{ascii, cat, HEX_UPPER};

/// The action this crate sends (API-NOTES "Endpoint and action").
pub const ACTION: &str = "RefreshCdnDir";

/// The `Content-Type` of a POST body.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// API 3.0: the action, the version and the body's `Content-Type` (API-NOTES-V3 "Request").
pub const ACTION_V3: &str = "PurgePathCache";
pub const VERSION_V3: &str = "2018-06-06";
pub const JSON: &str = "application/json";

/// A request ready to send: exactly these bytes go on the wire.
///
/// `Debug` does not print the body, which holds the session token when there is one.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest<'a> {
    pub method: Method,
    /// The endpoint; for GET with every parameter in the query. Borrowed from the config for
    /// POST, as are the headers' constant values: each copy was an allocation (bench/NOTES.md).
    pub url: Cow<'a, str>,
    /// `(name, value)` pairs, names in lower case.
    pub headers: Vec<(&'static str, Cow<'a, str>)>,
    /// The form body for POST; `None` for GET.
    pub body: Option<String>,
    /// The directories this request purges, in order (`dirs.0`, `dirs.1`, …): borrowed from
    /// the call's list, not copied.
    pub dirs: Batch<'a>,
    /// The `Nonce` it carries; the API refuses a repeat inside its window.
    pub nonce: u64,
    pub timestamp: u64,
}

impl fmt::Debug for SignedRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("body", &self.body.as_ref().map(|b| cat!("[", b.len(), " bytes]")))
            .field("dirs", &self.dirs)
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// A parameter name or value: borrowed from the config, the batch or a constant where it can be.
pub type Param<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The parameters of one request, `Signature` excluded (API-NOTES "Common parameters").
pub fn params<'a>(config: &'a Config, batch: Batch<'a>, timestamp: u64, nonce: u64) -> Vec<Param<'a>> {
    let c = &config.credentials;
    let mut p: Vec<Param<'a>> = Vec::with_capacity(batch.dirs().len() + 8);
    p.push(("Action".into(), ACTION.into()));
    p.push(("Nonce".into(), cat!(nonce).into()));
    p.push(("SecretId".into(), c.secret_id.as_str().into()));
    if config.signature_method != SignatureMethod::HmacSha1 {
        p.push(("SignatureMethod".into(), config.signature_method.as_str().into()));
    }
    p.push(("Timestamp".into(), cat!(timestamp).into()));
    if let Some(t) = &c.token {
        p.push(("Token".into(), t.expose().into()));
    }
    for (i, d) in batch.dirs().iter().enumerate() {
        p.push((cat!("dirs.", i).into(), d.as_str().into()));
    }
    if let Some(t) = config.refresh_type {
        p.push(("type".into(), cat!(t as u8).into()));
    }
    p
}

/// Signs one batch for `config.api`. The request goes to `config.proxy_url` when set, still
/// signed for `config.endpoint`.
pub fn build<'a>(config: &'a Config, batch: Batch<'a>, timestamp: u64, nonce: u64) -> SignedRequest<'a> {
    match config.api {
        Api::V2 => build_v2(config, batch, timestamp, nonce),
        Api::V3 => build_v3(config, batch, timestamp),
    }
}

/// API 3.0: the JSON body is written once, and those bytes are both hashed and sent. The
/// session token goes in `X-TC-Token`; there is no nonce.
fn build_v3<'a>(config: &'a Config, batch: Batch<'a>, timestamp: u64) -> SignedRequest<'a> {
    let body = body_v3(config, batch);
    let c = &config.credentials;
    let authorization = sign::tc3_authorization(&c.secret_id, c.secret_key.expose(), config.endpoint.hostname(), JSON, body.as_bytes(), timestamp);
    let mut headers: Vec<(&'static str, Cow<'a, str>)> = alloc::vec![
        ("authorization", authorization.into()),
        ("content-type", JSON.into()),
        ("x-tc-action", ACTION_V3.into()),
        ("x-tc-timestamp", cat!(timestamp).into()),
        ("x-tc-version", VERSION_V3.into()),
    ];
    if let Some(t) = &c.token {
        headers.push(("x-tc-token", t.expose().into()));
    }
    if let Some(l) = config.language {
        headers.push(("x-tc-language", l.as_str().into()));
    }
    SignedRequest { method: Method::Post, url: send_to(config).into(), headers, body: Some(body), dirs: batch, nonce: 0, timestamp }
}

/// `{"Paths":[…],"FlushType":"flush"|"delete"}`, then `"UrlEncode"` and `"Area"` when given
/// (API-NOTES-V3 "Request"). `type` 2 (everything) is `delete`; otherwise `flush`.
pub fn body_v3(config: &Config, batch: Batch<'_>) -> String {
    let mut out = String::from("{\"Paths\":[");
    for (i, d) in batch.dirs().iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::json::write_string(d.as_str(), &mut out);
    }
    out.push_str("],\"FlushType\":");
    out.push_str(if config.refresh_type == Some(RefreshType::All) { "\"delete\"" } else { "\"flush\"" });
    if let Some(encode) = config.url_encode {
        out.push_str(if encode { ",\"UrlEncode\":true" } else { ",\"UrlEncode\":false" });
    }
    if let Some(area) = config.area {
        out.push_str(",\"Area\":\"");
        out.push_str(area.as_str());
        out.push('"');
    }
    out.push('}');
    out
}

/// Where a request goes: `config.proxy_url` when set, else the endpoint it is signed for.
fn send_to(config: &Config) -> &str {
    config.proxy_url.as_deref().unwrap_or(config.endpoint.url())
}

/// API 2.0: the parameters go on the wire percent-encoded once, `Signature` last.
fn build_v2<'a>(config: &'a Config, batch: Batch<'a>, timestamp: u64, nonce: u64) -> SignedRequest<'a> {
    let mut p = params(config, batch, timestamp, nonce);
    let source = sign::source_string(config.method, config.endpoint.host(), config.endpoint.path(), &p);
    p.push(("Signature".into(), sign::signature(config.credentials.secret_key.expose(), config.signature_method, &source).into()));
    let encoded = form_encode(&p);
    let to = send_to(config);
    let (url, headers, body) = match config.method {
        Method::Post => (to.into(), alloc::vec![("content-type", FORM.into())], Some(encoded)),
        Method::Get => (cat!(to, "?", encoded).into(), Vec::new(), None),
    };
    SignedRequest { method: config.method, url, headers, body, dirs: batch, nonce, timestamp }
}

/// `k=v&k=v` with every key and value percent-encoded once (API-NOTES "Signature" step 7).
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut len = 0;
    for (k, v) in params {
        len += k.as_ref().len() + v.as_ref().len() * 3 + 2;
    }
    let mut out = String::with_capacity(len);
    for (i, (k, v)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode(k.as_ref(), &mut out);
        out.push('=');
        percent_encode(v.as_ref(), &mut out);
    }
    out
}

/// RFC 3986's unreserved bytes (`A–Z a–z 0–9 - . _ ~`), byte `b` at bit `b % 8` of entry
/// `b / 8`: one load per byte where the test itself took six comparisons.
const UNRESERVED: [u8; 16] = {
    let mut set = [0u8; 16];
    let mut b = 0u8;
    while b < 128 {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            set[(b >> 3) as usize] |= 1 << (b & 7);
        }
        b += 1;
    }
    set
};

/// Appends `s` with every byte but RFC 3986's unreserved set (`A–Z a–z 0–9 - . _ ~`) written
/// as `%XX` (upper-case hex) of its UTF-8 bytes. `+` becomes `%2B`, never a space.
///
/// Runs of unreserved bytes are copied whole; they are ASCII, so every run starts and ends on
/// a character boundary.
pub fn percent_encode(s: &str, out: &mut String) {
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        if UNRESERVED.get(usize::from(b >> 3)).is_some_and(|bits| bits >> (b & 7) & 1 == 1) {
            continue;
        }
        out.push_str(s.get(run..i).unwrap_or_default());
        out.push_str(ascii(&[b'%', HEX_UPPER[usize::from(b >> 4)], HEX_UPPER[usize::from(b & 15)]]));
        run = i + 1;
    }
    out.push_str(s.get(run..s.len()).unwrap_or_default());
}

/// The inverse of [`percent_encode`] for a form body or query (`+` read as a space, as forms
/// do); `None` when an escape is malformed or the bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3).filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Splits a form body or query into decoded `(key, value)` pairs; `None` if any is malformed.
pub fn parse_form(s: &str) -> Option<Vec<(String, String)>> {
    s.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            Some((percent_decode(k)?, percent_decode(v)?))
        })
        .collect()
}
