//! Request signing: API 2.0's HmacSHA1/HmacSHA256 over a sorted query (API-NOTES "Signature
//! (HmacSHA1 / HmacSHA256)"), and API 3.0's TC3-HMAC-SHA256 over the JSON body
//! (API-NOTES-V3 "TC3-HMAC-SHA256").
//!
//! Pure: no clock, no randomness, no I/O. The emulator verifies requests with these same
//! functions, so the algorithm is defined once.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::hash::{self, Hash};
use crate::text::cat;
use crate::time;

/// The HTTP method, which is the first part of the source string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    /// The default: parameters in a form body, so the signature stays out of URL logs.
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// The HMAC hash, named as the API's `SignatureMethod` parameter names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureMethod {
    /// The API's default; `SignatureMethod` is then not sent.
    HmacSha1,
    /// Sent as `SignatureMethod=HmacSHA256`, and signed like any other parameter.
    HmacSha256,
}

impl SignatureMethod {
    pub fn hash(self) -> Hash {
        match self {
            SignatureMethod::HmacSha1 => Hash::Sha1,
            SignatureMethod::HmacSha256 => Hash::Sha256,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureMethod::HmacSha1 => "HmacSHA1",
            SignatureMethod::HmacSha256 => "HmacSHA256",
        }
    }
}

/// The source string of API-NOTES "Signature" steps 1–5:
/// `METHOD` + `host` + `path` + `?` + `k=v&…` over every parameter but `Signature`, with `_`
/// in keys read as `.`, sorted by key bytes, values raw (not percent-encoded).
///
/// `host` includes `:port` exactly when the request URL names a non-default port.
pub fn source_string<K: AsRef<str>, V: AsRef<str>>(method: Method, host: &str, path: &str, params: &[(K, V)]) -> String {
    let mut pairs: Vec<(Cow<'_, str>, &str)> = Vec::with_capacity(params.len());
    let mut len = 0;
    for (k, v) in params {
        if k.as_ref() != "Signature" {
            len += k.as_ref().len() + v.as_ref().len() + 2;
            pairs.push((dotted(k.as_ref()), v.as_ref()));
        }
    }
    let mut keys: Vec<&str> = Vec::with_capacity(pairs.len());
    for (k, _) in &pairs {
        keys.push(k);
    }
    let mut out = String::with_capacity(method.as_str().len() + host.len() + path.len() + len);
    out.push_str(method.as_str());
    out.push_str(host);
    out.push_str(path);
    for (n, i) in byte_order(&keys).into_iter().enumerate() {
        let Some((k, v)) = pairs.get(i) else { continue };
        out.push(if n == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// `key` with every `_` read as `.`; borrowed when there is none, as in every key this crate sends.
fn dotted(key: &str) -> Cow<'_, str> {
    if key.bytes().any(|b| b == b'_') {
        Cow::Owned(crate::text::replace_all(key, "_", "."))
    } else {
        Cow::Borrowed(key)
    }
}

/// The indices of `keys` in ascending byte order, equal keys by index (API-NOTES "Signature"
/// step 3). The crate's one sort: a binary insertion sort, a few hundred bytes of `.wasm` where
/// `sort_unstable_by` brings kilobytes. O(n log n) comparisons, a few dozen for a request's keys
/// where a heapsort made three times as many, and O(n²) one-word moves, which only show at
/// thousands of directories (10 000 in reverse order: 33 ms in Node, the heapsort 20;
/// natively 17.7 ms against 4.3, `benches/core.rs`).
pub fn byte_order(keys: &[&str]) -> Vec<usize> {
    // Every index here is in bounds; `get` says so without a bounds check's panic, whose
    // message and source location would be built into the `.wasm`.
    let key = |i: usize| keys.get(i).map_or(&b""[..], |k| k.as_bytes());
    let mut order: Vec<usize> = Vec::with_capacity(keys.len());
    for i in 0..keys.len() {
        // After every key not above this one, so that equal keys keep their order: a binary
        // search written out, 210 bytes of `.wasm` smaller than `partition_point` and its closure.
        let (mut at, mut end) = (0, order.len());
        while at < end {
            let mid = at + (end - at) / 2;
            if key(order.get(mid).copied().unwrap_or_default()) <= key(i) {
                at = mid + 1;
            } else {
                end = mid;
            }
        }
        // Every index from `at` moves up a place, the last one onto the end.
        let mut carry = i;
        for slot in order.get_mut(at..).unwrap_or_default() {
            core::mem::swap(slot, &mut carry);
        }
        order.push(carry);
    }
    order
}

/// API-NOTES "Signature" step 6: standard base64 (padded) of the HMAC of `source`, keyed with
/// the secret key's UTF-8 bytes. The result is raw; it is percent-encoded once on the wire.
pub fn signature(secret_key: &str, method: SignatureMethod, source: &str) -> String {
    base64(&hash::hmac(method.hash(), secret_key.as_bytes(), source.as_bytes()))
}

/// RFC 4648 §4 base64, standard alphabet, padded with `=` to a multiple of 4 characters.
///
/// Written here rather than taken from a crate: a signature is 20 or 32 bytes of public MAC
/// output, so a constant-time or decoding-capable codec buys nothing, and the smallest crate
/// (`base64ct`) was 1.3 KB of `.wasm` and a twentieth of native signing time.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let at = |i: usize| chunk.get(i).copied().map_or(0, u32::from);
        let n = at(0) << 16 | at(1) << 8 | at(2);
        for i in 0..4 {
            out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] } else { b'=' });
        }
    }
    // Only ASCII from ALPHABET and `=` was written.
    crate::text::ascii(&out).into()
}

/// The canonical request of API-NOTES-V3 "TC3-HMAC-SHA256" step 1: `POST`, path `/`, an empty
/// query, the two signed headers (`content-type` exactly as sent, `host` without a port), their
/// names, and the hex SHA-256 of the exact body bytes.
pub fn tc3_canonical_request(hostname: &str, content_type: &str, body: &[u8]) -> String {
    cat!("POST\n/\n\ncontent-type:", content_type, "\nhost:", hostname, "\n\ncontent-type;host\n", hex(&sha256(body)))
}

/// The `Authorization` header of a `PurgePathCache` request signed at `timestamp` (steps 2–5):
/// the credential date is the timestamp's UTC date, the key is derived from `"TC3" + secretKey`
/// through the date, `cdn` and `tc3_request`.
pub fn tc3_authorization(secret_id: &str, secret_key: &str, hostname: &str, content_type: &str, body: &[u8], timestamp: u64) -> String {
    let date = time::utc_date(timestamp);
    let scope = cat!(&date, "/cdn/tc3_request");
    let canonical = tc3_canonical_request(hostname, content_type, body);
    let to_sign = cat!("TC3-HMAC-SHA256\n", timestamp, "\n", &scope, "\n", hex(&sha256(canonical.as_bytes())));
    let k_date = hmac256(cat!("TC3", secret_key).as_bytes(), date.as_bytes());
    let k_service = hmac256(&k_date, b"cdn");
    let k_signing = hmac256(&k_service, b"tc3_request");
    let signature = hex(&hmac256(&k_signing, to_sign.as_bytes()));
    cat!("TC3-HMAC-SHA256 Credential=", secret_id, "/", scope, ", SignedHeaders=content-type;host, Signature=", signature)
}

fn sha256(data: &[u8]) -> hash::Digest {
    hash::digest(Hash::Sha256, data)
}

fn hmac256(key: &[u8], data: &[u8]) -> hash::Digest {
    hash::hmac(Hash::Sha256, key, data)
}

/// Lower-case hex, as TC3 writes hashes and the signature.
fn hex(bytes: &[u8]) -> String {
    let digits = crate::text::HEX_LOWER;
    let mut out = Vec::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(digits[usize::from(b >> 4)]);
        out.push(digits[usize::from(b & 15)]);
    }
    // Only ASCII digits were written.
    crate::text::ascii(&out).into()
}
