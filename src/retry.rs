//! When a failed batch is sent again, and after how long.
//!
//! Failures after which the API most likely did nothing are retried (API-NOTES "Error codes",
//! API-NOTES-V3 "Replies"): a request that got no response at all (unless the runtime refused
//! to send it: a bad port, Deno's missing `--allow-net`, a Worker's subrequest limit), HTTP
//! 429/502/503/504, API 2.0 code 6000 (internal error) and 6200 (temporarily unavailable), the
//! "too frequent" module codes 9163 and 22063, and API 3.0's `RequestLimitExceeded` and
//! `InternalError*`. So is a request refused as a replay or as expired (API 2.0 4500, API 3.0
//! `AuthFailure.SignatureExpire`): each attempt is signed anew with a fresh nonce, by a clock
//! that the refusal's `Date` header has corrected (`src/js/drive.js`); API 2.0's, which may be a
//! replay of a copy that reached the API, only as a failure that may have purged the batch is.
//! Other authentication, signature, parameter, permission and quota errors (4000, 4100, 4104,
//! 4105, 4300, 4400, 22045, 22046, …) never are: sending them again cannot succeed. Nor is a
//! failure that says the API may be processing the request: a timeout, a reply cut off, a
//! reply that is not the API's. Three retried failures cannot say whether the API got the
//! request, a connection lost after sending, a gateway's 502 or 504 and API 2.0's 4500
//! ([`may_have_purged`]): when the batch fails in the end after one of them, it is reported
//! maybe purged, not pending. A caller who would rather not risk a second purge of its daily
//! quota turns their retries off ([`Policy::maybe_purged`]).
//!
//! Waits use exponential backoff with full jitter (uniform in `[0, min(CAP_MS, base·2^n))`),
//! or the server's `Retry-After` when it sends one, up to [`RETRY_AFTER_MAX_MS`].

use crate::error::{Error, Kind};
use crate::text::{contains, digits};

/// The longest computed backoff wait.
pub const CAP_MS: u64 = 20_000;
/// A `Retry-After` longer than this is not waited for: the batch fails with the error.
pub const RETRY_AFTER_MAX_MS: u64 = 60_000;

/// How often and how patiently to retry (`config.retries`, `config.retryBaseMs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Retries per batch after its first attempt.
    pub retries: u32,
    /// The first backoff window; each retry doubles it up to [`CAP_MS`].
    pub base_ms: u64,
    /// Whether a failure that may have purged the batch ([`may_have_purged`]) is retried too,
    /// at the risk of purging it twice (`config.retryMaybePurged`).
    pub maybe_purged: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy { retries: 2, base_ms: 200, maybe_purged: true }
    }
}

/// Whether `err` (a batch's failure) is worth sending again: the API most likely did nothing.
pub fn is_transient(err: &Error) -> bool {
    match err.kind {
        Kind::Network => !refused(&err.message),
        Kind::Http | Kind::Api if matches!(err.status, Some(429 | 502 | 503 | 504)) => true,
        Kind::Api => {
            matches!(err.code, Some(6000 | 6200))
                || matches!(err.module_code, Some(9163 | 22063))
                || err.error_code.as_deref().is_some_and(|c| c == "RequestLimitExceeded" || c.starts_with("InternalError"))
                || is_expiry(err)
        }
        _ => false,
    }
}

/// Whether the API refused the request as a replay or as expired (API 2.0 4500, API 3.0
/// `AuthFailure.SignatureExpire`): a retry signed anew mends it, unless the timestamp is fixed.
pub fn is_expiry(err: &Error) -> bool {
    err.code == Some(4500) || err.error_code.as_deref() == Some("AuthFailure.SignatureExpire")
}

/// Whether the attempt that failed with `err` may have been processed by the API, so that its
/// batch, if it is not accepted in the end, may have been purged: a reply that is not the
/// API's own answer, with a 2xx status (something accepted the request) or a 5xx other than
/// 503 (502 and 504 are a gateway that reached the API and got no usable answer, RFC 9110
/// §15.6.3 and §15.6.5), a transport failure that does not say the request never left
/// ([`never_sent`]), and API 2.0's 4500. That code refuses a replayed nonce and an expired
/// timestamp alike (API-NOTES "Replies"), and every attempt has a fresh nonce, so a replay
/// means an earlier copy of this very request reached the API: a runtime that sent it again by
/// itself on a new connection (Deno, browsers), or a proxy. The API's other refusals, a 4xx,
/// 503 and a connection that was never made leave the batch not purged.
pub fn may_have_purged(err: &Error) -> bool {
    match err.kind {
        Kind::InvalidResponse => true,
        Kind::Http => err.status.is_some_and(|s| s >= 500 && s != 503),
        Kind::Network => !never_sent(&err.message),
        Kind::Api => err.code == Some(4500),
        _ => false,
    }
}

/// What runtimes say of a request that failed before a byte of it was sent. First, the
/// [`REFUSED`] markers of a request the runtime will not send however often it is asked: a URL
/// or a port `fetch` refuses to use (Node's `ERR_INVALID_URL` and "bad port", Deno's "Requests
/// to port 1 are blocked"), Deno's permission denial ("Requires net access to …, run again
/// with the --allow-net flag"), Node's from 25 under `--permission` ("ERR_ACCESS_DENIED …
/// Use --allow-net to manage permissions."; one marker serves both) and a Worker's fetch past
/// its invocation's subrequest limit ("Too many subrequests by single Worker invocation.",
/// Cloudflare's Workers limits). Then Node's codes for a connection that was never made
/// (refused, no such host, unreachable, connect timeout, a TLS handshake that failed), Deno's
/// "client error (Connect)", a proxy that would not open a tunnel to the API (Node's "Proxy
/// response (407) !== 200 when HTTP Tunneling" with `NODE_USE_ENV_PROXY`, Bun's
/// `ERR_PROXY_TUNNEL`: "unnel" is in both), and one that would not forward a plain-http
/// request, which Node 26 hands it whole instead of tunnelling ("Proxy Authentication Required
/// (407)").
/// Browsers and workerd say nothing of the kind ("Failed to fetch", "NetworkError when
/// attempting to fetch resource.", "Network connection lost."), so for them every lost
/// connection may have reached the API.
const NEVER_SENT: [&str; 18] = [
    "bad port",
    "ERR_INVALID_URL",
    "are blocked",
    "--allow-net",
    "subrequests",
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ENETUNREACH",
    "EHOSTUNREACH",
    "UND_ERR_CONNECT_TIMEOUT",
    "ERR_TLS_",
    "ERR_SSL_",
    "CERT",
    "UNABLE_TO_",
    "client error (Connect)",
    "unnel",
    "(407)",
];

/// How many of [`NEVER_SENT`]'s first markers say the runtime refuses the request outright: a
/// retry would be refused alike, so the batch fails at once, pending.
const REFUSED: usize = 5;

/// The index in [`NEVER_SENT`] of the first marker a transport failure's description
/// (`describe` in `src/js/drive.js`: the message, its cause's and their codes) holds, or its
/// length when it holds none.
fn marker(detail: &str) -> usize {
    // Both questions below ask this one function: a second scan, of the refused ones, cost 35 bytes.
    let mut i = 0;
    while i < NEVER_SENT.len() && !contains(detail, NEVER_SENT[i]) {
        i += 1;
    }
    i
}

/// Whether a transport failure's description says the request never left; see [`NEVER_SENT`].
pub fn never_sent(detail: &str) -> bool {
    marker(detail) < NEVER_SENT.len()
}

/// Whether the runtime refused to send the request at all, as it will refuse a retry; see
/// [`NEVER_SENT`].
pub fn refused(detail: &str) -> bool {
    marker(detail) < REFUSED
}

/// Full-jitter backoff before retry number `retry` (0 for the first), `random` in `[0, 1)`.
pub fn backoff_ms(policy: Policy, retry: u32, random: f64) -> u64 {
    // `base << n` cannot overflow once the base is at most CAP_MS (< 2^15) and n at most 20,
    // past which every window is CAP_MS anyway; `saturating_mul` would bring a 128-bit multiply.
    let window = (policy.base_ms.min(CAP_MS) << retry.min(20)).min(CAP_MS);
    (window as f64 * random.clamp(0.0, 1.0)) as u64
}

/// The wait a `Retry-After` header asks for, in milliseconds from `now_ms` (Unix ms): either
/// delta-seconds (`"2"`) or an IMF-fixdate (`"Sun, 06 Nov 1994 08:49:37 GMT"`, RFC 9110 §10.2.3).
/// `None` when the value is neither.
pub fn retry_after_ms(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim_ascii();
    if let Some(seconds) = digits(value) {
        return Some(seconds.min(u64::MAX / 1000) * 1000);
    }
    let at = http_date_ms(value)?;
    Some(at.saturating_sub(now_ms))
}

/// Unix milliseconds of an IMF-fixdate, which is fixed-width: `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date_ms(s: &str) -> Option<u64> {
    let at = |range: core::ops::Range<usize>| s.get(range).unwrap_or_default();
    // The fixed characters; `_` stands where the day, month and numbers go, read below.
    let shape = b"___, __ ___ ____ __:__:__ GMT";
    if s.len() != shape.len() || s.bytes().zip(shape).any(|(c, &f)| f != b'_' && c != f) {
        return None;
    }
    let number = |range| digits(at(range));
    let (day, year) = (number(5..7)?, number(12..16)?);
    let month = crate::time::MONTHS.iter().position(|m| *m == at(8..11))? as u64 + 1;
    let (h, m, sec) = (number(17..19)?, number(20..22)?, number(23..25)?);
    if year < 1970 || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let days = crate::time::days_from_civil(year, month, day);
    Some(((days * 24 + h) * 60 + m) * 60_000 + sec * 1000)
}
