//! The one JavaScript boundary: `refreshCdnDir`, `signRequest`, `CdnError` and their types.
//!
//! JS values are read into the core's plain types here, and the core's results and errors are
//! turned into JS values here, once. A `refreshCdnDir` call is a [`Call`] (the sans-IO
//! [`Purge`] and the `fetch` to use) that `src/js/drive.js`, the only code that sends, runs
//! over `fetch`; [`transport`] supplies the clock, the nonces and the `fetch` function.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

mod builtins;
mod transport;

use core::cell::UnsafeCell;

use builtins::{own_keys, reflect_get, reflect_get_index, Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;

use crate::config::{self, RawConfig};
use crate::dirs::{self, Dir};
use crate::error::{Error, Kind};
use crate::purge::{BatchOutcome, Interruption, Purge, Step};
use crate::request::SignedRequest;
use crate::text::cat;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options shared by both APIs. Unknown own keys are an error; inherited options (a class's getters) are read too. */
interface CommonConfig {
  /** The API key id (`SecretId`): printable ASCII without spaces. */
  secretId: string;
  /** The API key secret; used to sign, never sent, printed or put in an error. Printable ASCII without spaces. */
  secretKey: string;
  /** Session token of temporary credentials: `Token` (v2) or `X-TC-Token` (v3). Printable ASCII without spaces. */
  token?: string | null | undefined;
  /** Full endpoint URL; default `https://cdn.api.qcloud.com/v2/index.php` (v2), `https://cdn.tencentcloudapi.com/` (v3, whose path must be `/`). */
  endpoint?: string | undefined;
  /** 1 refreshes changed resources (v3: `FlushType` `flush`, the default), 2 everything (`delete`). */
  type?: 1 | 2 | undefined;
  /** Directories per request: default 20; at most 20 (v2) or 500 (v3). */
  batchSize?: number | undefined;
  /** More directories than this in one call are refused before anything is sent. Default 100. */
  dailyLimit?: number | undefined;
  /** Unix seconds (not `Date.now()`'s milliseconds; at most 253402300799, the end of 9999) to sign with instead of the clock (`Date.now()`, corrected by a reply's `Date` 5 minutes or more from it). */
  timestamp?: number | undefined;
  /** v2: the first batch's `Nonce` instead of a random one; batch i uses nonce + i, and its k-th retry nonce + i + k × batches. */
  nonce?: number | undefined;
  /** A fetch-compatible function to send through; default `globalThis.fetch`. */
  fetch?: ((url: string, init: FetchInit) => Promise<FetchResponse>) | undefined;
  /** Milliseconds one attempt may take (request and reply body); default 30000. */
  timeoutMs?: number | undefined;
  /** Retries of a batch after a transient failure (network, unless the runtime refused to send it; 429/502/503/504, 6000/6200, RequestLimitExceeded, InternalError) or a refusal as expired (4500, AuthFailure.SignatureExpire); default 2. */
  retries?: number | undefined;
  /** The first backoff window in ms, doubled per retry (full jitter, capped at 20 s); default 200. */
  retryBaseMs?: number | undefined;
  /** Whether a failure that may have purged the batch (a connection lost after sending, a gateway's 502 or 504) is retried too, which may purge it twice; default true. false ends the call there, the batch in `maybeSubmitted`; in Deno, without `fetch`, it also sends through a client that keeps no idle connection, so that Deno does not resend a request itself. */
  retryMaybePurged?: boolean | undefined;
  /** Cancels the whole call: nothing more is sent, and a request in flight is abandoned. */
  signal?: AbortSignal | undefined;
  /** Called after each accepted batch and not awaited; an exception it throws, or a promise it returns that rejects, is ignored. */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** Send to this URL (or, in a page, a same-origin path) instead of `endpoint`, still signing for `endpoint`. */
  proxyUrl?: string | undefined;
}

/** API 2.0 `RefreshCdnDir` (the default), as specified and emulated; retired by Tencent in 2022. */
export interface RefreshConfigV2 extends CommonConfig {
  api?: "v2" | undefined;
  /** Default `"POST"` (form body). `"GET"` puts the signature in the URL. */
  method?: "POST" | "GET" | undefined;
  /** Default `"HmacSHA1"`. */
  signatureMethod?: "HmacSHA1" | "HmacSHA256" | undefined;
  area?: undefined;
  urlEncode?: undefined;
  language?: undefined;
}

/** API 3.0 `PurgePathCache`, signed with TC3-HMAC-SHA256: what purges a Tencent Cloud CDN today. */
export interface RefreshConfigV3 extends CommonConfig {
  api: "v3";
  /** Which acceleration area's caches to purge; default both. */
  area?: "mainland" | "overseas" | undefined;
  /** Encode non-ASCII characters of the paths before purging. */
  urlEncode?: boolean | undefined;
  /** The language of the API's error messages (`X-TC-Language`); Tencent's default is Chinese. */
  language?: "en-US" | "zh-CN" | undefined;
  method?: undefined;
  signatureMethod?: undefined;
}

/** Options of `refreshCdnDir` and `signRequest`: v2 keys are a type error with `api: "v3"`, and v3 keys without it. */
export type RefreshConfig = RefreshConfigV2 | RefreshConfigV3;

/** What `onProgress` receives after each accepted batch. */
export interface ProgressEvent {
  /** The batch just accepted, counting from 1. */
  batch: number;
  batches: number;
  dirs: string[];
  /** The very object the call's `RefreshResult.batches` will hold. */
  result: BatchResult;
}

/** What `refreshCdnDir` passes to `fetch`. */
export interface FetchInit {
  method: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
  /** Aborts on `timeoutMs` or on `config.signal`. */
  signal: AbortSignal;
  /** A redirect ends the call as an `"http"` error, since a redirected request is resent without its body or to a URL it was not signed for. */
  redirect: "manual";
}

/** The part of a `Response` that `refreshCdnDir` reads. */
export interface FetchResponse {
  readonly status: number;
  readonly headers?: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A request as `refreshCdnDir` would send it; `body` is `null` for GET. */
export interface SignedRequest {
  method: "POST" | "GET";
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** The directories it purges, in order. */
  dirs: string[];
}

/** One accepted batch. */
export interface BatchResult {
  dirs: string[];
  code: number;
  message: string;
  codeDesc: string;
  /** Requests it took: 1, plus one per retry. */
  attempts: number;
  /** v3: the purge task's id. */
  taskId?: string;
  /** v3: the request's id, as Tencent's support asks for it. */
  requestId?: string | null;
}

/** A successful purge: the API's fields from the last batch, and every batch. */
export interface RefreshResult {
  code: 0;
  message: string;
  codeDesc: string;
  /** Every directory purged, in order, as sent: its scheme and host in lower case, without a default port, its path's `.` and `..` segments resolved; duplicates removed. */
  dirs: string[];
  batches: BatchResult[];
}

export type CdnErrorKind = "invalid-input" | "api" | "http" | "network" | "invalid-response" | "timeout" | "aborted" | "internal";

/** What a failed call rejects with. `submitted` + `maybeSubmitted` + `pending` hold every directory. */
export declare class CdnError extends Error {
  constructor(message: string, fields?: Partial<Omit<CdnError, "name" | "message" | "stack" | "toJSON">>);
  readonly name: "CdnError";
  kind: CdnErrorKind;
  /** The API's `code`: a number in v2 (e.g. 4100), the `Error.Code` name in v3 (e.g. "AuthFailure.SignatureFailure"). */
  code: number | string | null;
  /** v2: the API's `codeDesc`, always a string; v3: the `Error.Code` name. */
  codeDesc: string | null;
  /** v3: the refused request's `RequestId`. */
  requestId: string | null;
  /** The `NNNN` of an API message that starts with `(NNNN)`, e.g. 9110. */
  moduleCode: number | null;
  /** The HTTP status, when a response came back. */
  status: number | null;
  /** Directories that earlier batches purged. */
  submitted: string[];
  /** Directories of the batch that may have reached the API: maybe purged. In flight when a timeout or an abort cut the call short, its reply lost or not the API's (a 2xx, or a 5xx other than 503), or an attempt of it lost after it may have been sent or answered by a gateway's 502 or 504. */
  maybeSubmitted: string[];
  /** Directories not purged: retry exactly these. Of kind `"invalid-input"`, nothing was sent: the list as given, a user and password in a URL replaced by `[redacted]`. */
  pending: string[];
  /** Kind `"aborted"`: the signal's `reason`. */
  cause?: unknown;
  toJSON(): Record<string, unknown>;
}
"#;

#[wasm_bindgen(module = "/src/js/cdn_error.js")]
extern "C" {
    /// The JS class every failure rejects with (`src/js/cdn_error.js`).
    pub type CdnError;

    #[wasm_bindgen(constructor)]
    fn new(message: &str, fields: &Object) -> CdnError;
}

#[wasm_bindgen(module = "/src/js/values.js")]
extern "C" {
    #[wasm_bindgen(js_name = signedRequest)]
    fn signed_request(method: &JsValue, url: &str, headers: &Object, body: &JsValue, dirs: &str) -> JsValue;
    #[wasm_bindgen(js_name = batchResult)]
    fn batch_result(dirs: &str, code: f64, message: &str, code_desc: &str, attempts: u32, task_id: Option<&str>, request_id: &JsValue) -> JsValue;
    fn put(target: &Object, key: &JsValue, value: &JsValue);
    /// `target[key]` when it is a string; `None` for any other value, and when reading threw.
    #[wasm_bindgen(js_name = textAt)]
    fn text_at(target: &JsValue, key: &JsValue) -> Option<String>;
    /// `dirs[index]`, or `dirs` when it is one string, when that is a string with no lone
    /// UTF-16 surrogate; `None` for any other value, and when reading threw.
    #[wasm_bindgen(js_name = dirAt)]
    fn dir_at(dirs: &JsValue, index: u32) -> Option<String>;
    #[wasm_bindgen(js_name = inheritedKeys, catch)]
    fn inherited_keys(config: &Object) -> Result<Array, JsValue>;
    /// What a wrong value is, for "got …": its class when it has one (`Set`, `URL`).
    #[wasm_bindgen(js_name = typeName)]
    fn type_name(v: &JsValue) -> String;
}

#[wasm_bindgen(module = "/src/js/drive.js")]
extern "C" {
    /// Sends `call`'s requests through `fetch` until it is done or fails, each attempt given
    /// `timeout_ms`; `signal` and `on_progress` are `config.signal` and `config.onProgress`,
    /// and `batches` how many batches the call has.
    fn drive(call: Call, fetch: &Function, signal: &JsValue, on_progress: &JsValue, timeout_ms: f64, batches: u32) -> Promise;
}

/// Purges `dirs` on Tencent Cloud CDN: one signed request per batch (`batchSize`, default 20), sent in order,
/// transient failures retried. Resolves to a `RefreshResult`; rejects with a `CdnError`.
#[wasm_bindgen(js_name = refreshCdnDir, unchecked_return_type = "Promise<RefreshResult>")]
pub fn refresh_cdn_dir(
    #[wasm_bindgen(unchecked_param_type = "RefreshConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | readonly string[]")] dirs: JsValue,
) -> Promise {
    match plan(&config, &dirs).and_then(|(purge, hooks, given)| sender(purge, hooks).map_err(|e| Refused::from(e.nothing_sent(&given)))) {
        Ok((purge, fetch, hooks)) => {
            let (timeout_ms, batches) = (purge.config().timeout_ms as f64, purge.batch_count() as u32);
            drive(Call { purge: Some(purge) }, &fetch, &hooks.signal, &hooks.on_progress, timeout_ms, batches)
        }
        Err(e) => Promise::reject(&refused_to_js(e)),
    }
}

/// One `refreshCdnDir` call in flight, driven by `src/js/drive.js`: `next()` gives the request
/// to send (or, once every batch is accepted, the result); `report()` says what came of it and
/// whether to send the batch again after a wait or go on. Every decision is the [`Purge`]'s.
#[wasm_bindgen(skip_typescript)]
pub struct Call {
    /// `None` once finished.
    purge: Option<Purge>,
}

/// What `drive.js` reports to [`Call::report`].
mod outcome {
    /// A response came back: `status`, `body`, `retry_after`.
    pub const RESPONSE: u8 = 0;
    /// No response; `body` says why.
    pub const NO_RESPONSE: u8 = 1;
    /// `timeoutMs` passed with the request in flight.
    pub const TIMEOUT: u8 = 2;
    /// `signal` aborted with the request in flight.
    pub const ABORTED_IN_FLIGHT: u8 = 3;
    /// `signal` aborted before the request was sent (or during a wait).
    pub const ABORTED: u8 = 4;
    /// A response came back (`status`) but its body could not be read; `body` says why.
    pub const BODY_LOST: u8 = 5;
}

#[wasm_bindgen]
impl Call {
    /// The next request, signed now with a fresh nonce; `undefined` once every batch is
    /// accepted (`drive.js` makes the `RefreshResult` of the `BatchResult`s that `report`
    /// gave). Named `next` in JS; not an `Iterator`.
    #[wasm_bindgen(js_name = next)]
    pub fn next_request(&mut self) -> Result<JsValue, JsValue> {
        match &self.purge {
            Some(p) if !p.is_done() => {
                p.request(p.next_index(), transport::now(), transport::nonce()).map(|r| request_to_js(&r)).ok_or_else(|| error_to_js(finished()))
            }
            // Every batch accepted: the call is over. `None`: it was over already.
            _ => self.purge.take().map(|_| JsValue::UNDEFINED).ok_or_else(|| error_to_js(finished())),
        }
    }

    /// What came of the last request (see [`outcome`]). Returns the milliseconds to wait
    /// before sending the batch again, or the `BatchResult` of an accepted batch; throws the
    /// `CdnError` that ends the call.
    pub fn report(&mut self, outcome: u8, status: u16, body: &str, retry_after: &str) -> Result<JsValue, JsValue> {
        let purge = self.purge.as_mut().ok_or_else(|| error_to_js(finished()))?;
        let step = match outcome {
            outcome::RESPONSE => purge.on_response(status, body, Some(retry_after).filter(|v| !v.is_empty()), transport::now_ms(), transport::random()),
            outcome::NO_RESPONSE => purge.on_network_error(body, transport::random()),
            outcome::TIMEOUT => Err(purge.interrupted(Interruption::Timeout, true)),
            outcome::ABORTED_IN_FLIGHT => Err(purge.interrupted(Interruption::Aborted, true)),
            outcome::ABORTED => Err(purge.interrupted(Interruption::Aborted, false)),
            outcome::BODY_LOST => Err(purge.on_lost_reply(status, body)),
            _ => Err(finished()),
        };
        match step.map_err(error_to_js)? {
            Step::Retry { after_ms } => Ok(JsValue::from(after_ms as f64)),
            Step::Accepted => purge.accepted().last().map(|b| batch_to_js(purge, b)).ok_or_else(|| error_to_js(finished())),
        }
    }
}

fn finished() -> Error {
    Error::new(Kind::Internal, "the purge ended before its last batch")
}

/// Always traps, as a bug's panic does (`src/runtime.rs`'s handler is this same `unreachable`):
/// lets the tests check that a trap becomes a `CdnError` of kind `"internal"`. Not part of the
/// API. A `panic!` here would build its message and source location into the `.wasm`.
#[wasm_bindgen(js_name = __testTrap, skip_typescript)]
pub fn test_trap(really: bool) -> u32 {
    if really {
        core::arch::wasm32::unreachable();
    }
    0
}

/// The requests `refreshCdnDir` would send for the same arguments, signed and not sent.
/// Throws a `CdnError` of kind `"invalid-input"`.
#[wasm_bindgen(js_name = signRequest, unchecked_return_type = "SignedRequest[]")]
pub fn sign_request(
    #[wasm_bindgen(unchecked_param_type = "RefreshConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | readonly string[]")] dirs: JsValue,
) -> Result<JsValue, JsValue> {
    let (purge, _, _) = plan(&config, &dirs).map_err(refused_to_js)?;
    let requests = purge.sign_all(transport::now(), transport::nonce);
    let out = Array::new();
    for r in &requests {
        out.push(&request_to_js(r));
    }
    Ok(out.into())
}

/// Reads both arguments and plans the batches; nothing is sent yet. Also returns the
/// directories as given, which an error before the first send lists as pending.
fn plan(config: &JsValue, dirs: &JsValue) -> Result<(Purge, Hooks, Vec<String>), Refused> {
    let dirs = read_dirs(dirs)?;
    let (raw, hooks) = read_config(config).map_err(|Refused(e, thrown)| Refused(e.nothing_sent(&dirs), thrown))?;
    let purge = Purge::new(raw, &dirs)?;
    Ok((purge, hooks, dirs))
}

/// The `fetch` a planned purge sends through: `config.fetch`, or the runtime's own (signing
/// alone needs none).
fn sender(purge: Purge, mut hooks: Hooks) -> Result<(Purge, Function, Hooks), Error> {
    // The runtime's fetch resolves a path against the page; without one it would throw on
    // every attempt, retried as a network error. A caller's own fetch may resolve it.
    let path = purge.config().proxy_url.as_deref().is_some_and(|p| p.starts_with('/'));
    if path && hooks.fetch.is_none() && !transport::has_page() {
        let message =
            "config.proxyUrl is a path, which needs a web page to be relative to: outside a browser give a full http:// or https:// URL (or config.fetch)";
        return Err(Error::invalid_input(message));
    }
    let fetch = transport::fetch(hooks.fetch.take(), !purge.config().retry.maybe_purged)?;
    Ok((purge, fetch, hooks))
}

/// `dirs`: an array of strings, or one string. An invalid entry names its index.
/// Every read catches (`dirAt`, then `Reflect` for an entry that is not a good string, which is
/// so read twice), so a getter or a Proxy trap that throws is an `invalid-input` error, never
/// an exception unwinding through the `.wasm`.
fn read_dirs(dirs: &JsValue) -> Result<Vec<String>, Refused> {
    // One string is read as a list of one, `dirs[0]` in messages as in `Dir::parse`'s.
    let single = dirs.is_string();
    if !single && !Array::is_array(dirs) {
        return Err(Error::invalid_input(cat!("dirs must be an array of directory URLs (or one URL string), got ", type_name(dirs))).into());
    }
    let len = match single {
        true => 1,
        false => match reflect_get(dirs, interned("length")) {
            Ok(v) => v.as_f64().unwrap_or(0.0) as usize,
            Err(thrown) => return Err(Refused(Error::invalid_input("dirs.length could not be read: a Proxy trap threw"), thrown)),
        },
    };
    if len > dirs::MAX_INPUTS {
        return Err(dirs::too_many(len).into());
    }
    let mut strings = Vec::with_capacity(len);
    // The first bad entry's message, and what its getter threw (`undefined` for none).
    let mut first_bad = None;
    for i in 0..len {
        if let Some(s) = dir_at(dirs, i as u32) {
            strings.push(s);
            continue;
        }
        // Not a well-formed string: read again, to say what it is.
        match if single { Ok(dirs.clone()) } else { reflect_get_index(dirs, i as u32) } {
            // A lone UTF-16 surrogate would reach the .wasm as U+FFFD: the URL sent would not
            // be the one given.
            Ok(v) if v.is_string() => {
                first_bad = first_bad
                    .or_else(|| Some((cat!("dirs[", i, "] is not valid Unicode: it has a lone UTF-16 surrogate, which no URL can hold"), JsValue::UNDEFINED)))
            }
            Ok(v) => first_bad = first_bad.or_else(|| Some((cat!("dirs[", i, "] must be a string, got ", type_name(&v)), JsValue::UNDEFINED))),
            Err(thrown) => first_bad = first_bad.or_else(|| Some((cat!("dirs[", i, "] could not be read: its getter threw"), thrown))),
        }
    }
    match first_bad {
        Some((message, thrown)) => Err(Refused(Error::invalid_input(message).nothing_sent(&strings), thrown)),
        None => Ok(strings),
    }
}

/// What the JavaScript side of a call uses besides the core's config.
struct Hooks {
    fetch: Option<Function>,
    signal: JsValue,
    on_progress: JsValue,
}

/// `config`: an object whose own keys are all in [`config::KEYS`], and whose prototypes may
/// give the options it does not have; `undefined` and `null` values mean "not given".
fn read_config(config: &JsValue) -> Result<(RawConfig, Hooks), Refused> {
    let not_options = || Error::invalid_input(cat!("config must be an object like { secretId, secretKey }, got ", type_name(config)));
    if !config.is_object() || Array::is_array(config) || config.is_function() {
        return Err(not_options().into());
    }
    let object: &Object = config.unchecked_ref();
    let keys = own_keys(object).map_err(|thrown| Refused(Error::invalid_input("config's keys could not be listed: a Proxy trap threw"), thrown))?;
    let mut raw = RawConfig::default();
    let mut hooks = Hooks { fetch: None, signal: JsValue::UNDEFINED, on_progress: JsValue::UNDEFINED };
    // Only the keys the object has are read: a call with two options reads two values, not
    // one per known key (each read crosses the JS boundary).
    for i in 0..keys.length() {
        let key = keys.get(i);
        read_option(object, &key, &mut raw, &mut hooks)?;
    }
    // As `config.secretId` would, an option may come from the prototype chain: a class's
    // getter, or `Object.create(defaults)`. Other inherited keys (methods, `constructor`)
    // are not the caller's options, so they are not refused as unknown.
    let inherited =
        inherited_keys(object).map_err(|thrown| Refused(Error::invalid_input("config's prototype could not be read: a Proxy trap threw"), thrown))?;
    for i in 0..inherited.length() {
        let key = inherited.get(i);
        if known_key(&key).is_some() {
            read_option(object, &key, &mut raw, &mut hooks)?;
        }
    }
    // An object of some class that gave no credentials is not options but a value passed by
    // mistake: a Promise not awaited, a Map. Its class says so better than "is required".
    if raw.secret_id.is_none() && raw.secret_key.is_none() && type_name(config) != "object" {
        return Err(not_options().into());
    }
    Ok((raw, hooks))
}

/// Where an option goes once read, and so what it must be.
enum Slot<'a> {
    Text(&'a mut Option<String>),
    /// A number, and what the error for anything else says it must be.
    Number(&'a mut Option<f64>, &'static str),
    Flag(&'a mut Option<bool>),
    Fetch,
    Signal,
    OnProgress,
}

/// The slot of each of [`config::KEYS`]; `None` for any other key.
fn slot<'a>(name: &str, raw: &'a mut RawConfig) -> Option<Slot<'a>> {
    Some(match name {
        "secretId" => Slot::Text(&mut raw.secret_id),
        "secretKey" => Slot::Text(&mut raw.secret_key),
        "token" => Slot::Text(&mut raw.token),
        "endpoint" => Slot::Text(&mut raw.endpoint),
        "method" => Slot::Text(&mut raw.method),
        "signatureMethod" => Slot::Text(&mut raw.signature_method),
        "proxyUrl" => Slot::Text(&mut raw.proxy_url),
        "api" => Slot::Text(&mut raw.api),
        "area" => Slot::Text(&mut raw.area),
        "type" => Slot::Number(&mut raw.refresh_type, config::TYPE_RULE),
        "dailyLimit" => Slot::Number(&mut raw.daily_limit, "a number"),
        "timestamp" => Slot::Number(&mut raw.timestamp, "a number"),
        "nonce" => Slot::Number(&mut raw.nonce, "a number"),
        "timeoutMs" => Slot::Number(&mut raw.timeout_ms, "a number"),
        "retries" => Slot::Number(&mut raw.retries, "a number"),
        "retryBaseMs" => Slot::Number(&mut raw.retry_base_ms, "a number"),
        "batchSize" => Slot::Number(&mut raw.batch_size, "a number"),
        "urlEncode" => Slot::Flag(&mut raw.url_encode),
        "language" => Slot::Text(&mut raw.language),
        "retryMaybePurged" => Slot::Flag(&mut raw.retry_maybe_purged),
        "fetch" => Slot::Fetch,
        "signal" => Slot::Signal,
        "onProgress" => Slot::OnProgress,
        _ => return None,
    })
}

/// Reads `config[key]` into `raw` or `hooks`. Borrowing them, an error returns with nothing
/// to drop: the options read so far are dropped once, by the caller.
fn read_option(object: &Object, key: &JsValue, raw: &mut RawConfig, hooks: &mut Hooks) -> Result<(), Refused> {
    let name = match known_key(key) {
        Some(name) => name,
        None => match key.as_string() {
            Some(name) => return Err(config::unknown_key(&name).into()),
            None => return Ok(()), // a symbol
        },
    };
    let Some(mut slot) = slot(name, raw) else { return Err(config::unknown_key(name).into()) };
    let unreadable = |thrown| Refused(Error::invalid_input(cat!("config.", name, " could not be read: its getter threw")), thrown);
    // A string option is read in one call; anything else given for it is read again below.
    if let Slot::Text(field) = &mut slot {
        if let Some(text) = text_at(object, key) {
            **field = Some(text);
            return Ok(());
        }
    }
    let v = reflect_get(object, key).map_err(unreadable)?;
    // The value's type is asked first: a given option costs one call, not three. Each option
    // is written once (`inheritedKeys` lists only keys the object does not have).
    let what = match slot {
        Slot::Text(field) => {
            *field = v.as_string();
            field.is_none().then_some("a string")
        }
        Slot::Number(field, what) => {
            *field = v.as_f64();
            field.is_none().then_some(what)
        }
        Slot::Flag(field) => {
            *field = v.as_bool();
            field.is_none().then_some("a boolean")
        }
        Slot::Fetch if v.is_function() => {
            hooks.fetch = Some(v.unchecked_into());
            return Ok(());
        }
        Slot::OnProgress if v.is_function() => {
            hooks.on_progress = v;
            return Ok(());
        }
        Slot::Fetch | Slot::OnProgress => Some("a function"),
        Slot::Signal => {
            let prop = |k: &'static str| reflect_get(&v, interned(k)).unwrap_or(JsValue::UNDEFINED);
            if prop("aborted").as_bool().is_some() && prop("addEventListener").is_function() {
                hooks.signal = v;
                return Ok(());
            }
            Some("an AbortSignal")
        }
    };
    match what {
        // `undefined` and `null` mean "not given".
        Some(what) if !v.is_undefined() && !v.is_null() => Err(Error::invalid_input(cat!("config.", name, " must be ", what, ", got ", type_name(&v))).into()),
        _ => Ok(()),
    }
}

/// Which of [`config::KEYS`] `key` is, asked of JavaScript: a key's name is not copied into
/// the `.wasm` unless it is unknown, for its error. The JS array of the names is made once.
fn known_key(key: &JsValue) -> Option<&'static str> {
    static NAMES: Local<Option<Array>> = Local(UnsafeCell::new(None));
    // SAFETY: the reference does not outlive this call, which makes no other.
    let names = unsafe { NAMES.get() }.get_or_insert_with(|| {
        let names = Array::new();
        for k in config::KEYS {
            names.push(&JsValue::from_str(k));
        }
        names
    });
    config::KEYS.get(usize::try_from(names.index_of(key)).ok()?).copied()
}

/// Takes a `JsValue`, not `impl Into<JsValue>`, so that the `.wasm` holds one copy of it.
fn set(target: &Object, key: &'static str, value: JsValue) {
    put(target, interned(key), &value);
}

/// The JS string of a property name, made once: every result object sets the same dozen
/// names, and making a JS string from the `.wasm`'s memory each time was a fifth of the cost.
/// Lent, not cloned: a clone and its drop are two more calls into JavaScript. Each is leaked,
/// as it would live as long as the module anyway, so that a reference survives the cache's
/// growth.
#[doc(hidden)]
pub fn interned(key: &'static str) -> &'static JsValue {
    static CACHE: Local<Vec<((usize, usize), &'static JsValue)>> = Local(UnsafeCell::new(Vec::new()));
    // SAFETY: no reference into the cache's `Vec` outlives this call, which makes no other.
    let cache = unsafe { CACHE.get() };
    // Where and how long: a name the compiler stored as the start of a longer one ("code" in
    // "codeDesc") shares only its address.
    let id = (key.as_ptr() as usize, key.len());
    match cache.iter().find(|(k, _)| *k == id) {
        Some((_, v)) => v,
        None => {
            let v: &'static JsValue = Box::leak(Box::new(JsValue::from_str(key)));
            cache.push((id, v));
            v
        }
    }
}

/// A `static` of the boundary's caches (the JS values it makes once): wasm32-unknown-unknown
/// runs one thread per instance, so there is no other thread to share it with.
struct Local<T>(UnsafeCell<T>);

unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    /// # Safety
    /// No other reference to the value may be alive while the one returned is.
    #[allow(clippy::mut_from_ref)]
    unsafe fn get(&self) -> &mut T {
        unsafe { &mut *self.0.get() }
    }
}

fn strings(list: &[String]) -> Array {
    let out = Array::new();
    for s in list {
        out.push(&JsValue::from_str(s));
    }
    out
}

fn opt<T: Into<JsValue>>(v: Option<T>) -> JsValue {
    v.map_or(JsValue::NULL, Into::into)
}

/// Validated directories joined by `"\n"`, which none contains; `values.js` splits them.
fn joined(dirs: &[Dir]) -> String {
    let mut len = 0;
    for d in dirs {
        len += d.as_str().len() + 1;
    }
    let mut out = String::with_capacity(len);
    for (i, d) in dirs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(d.as_str());
    }
    out
}

fn request_to_js(r: &SignedRequest) -> JsValue {
    let headers = Object::new();
    for (name, value) in &r.headers {
        set(&headers, name, JsValue::from_str(value));
    }
    signed_request(interned(r.method.as_str()), &r.url, &headers, &opt(r.body.as_deref()), &joined(r.dirs.dirs()))
}

/// `b`, one of `purge`'s accepted batches, as a `BatchResult`.
fn batch_to_js(purge: &Purge, b: &BatchOutcome) -> JsValue {
    let reply = &b.reply;
    let request_id = opt(reply.request_id.as_deref());
    let dirs = purge.dirs().get(b.dirs.clone()).unwrap_or_default();
    batch_result(&joined(dirs), reply.code as f64, &reply.message, &reply.code_desc, b.attempts, reply.task_id.as_deref(), &request_id)
}

/// The crate's error as a JS `CdnError`, with no `cause`.
fn error_to_js(e: Error) -> JsValue {
    refused_to_js(e.into())
}

/// An error of reading the arguments, with what a getter or a Proxy trap threw while they were
/// read (`undefined` for none), which becomes the `CdnError`'s `cause`: the core's [`Error`]
/// holds no JS value.
struct Refused(Error, JsValue);

impl From<Error> for Refused {
    fn from(e: Error) -> Refused {
        Refused(e, JsValue::UNDEFINED)
    }
}

/// An error as a JS `CdnError`: the one place the conversion happens.
fn refused_to_js(Refused(e, thrown): Refused) -> JsValue {
    let fields = Object::new();
    set(&fields, "cause", thrown);
    set(&fields, "kind", JsValue::from_str(e.kind.as_str()));
    let code = match &e.error_code {
        Some(name) => JsValue::from_str(name),
        None => opt(e.code.map(|c| c as f64)),
    };
    set(&fields, "code", code);
    set(&fields, "requestId", opt(e.request_id.as_deref()));
    set(&fields, "codeDesc", opt(e.code_desc.as_deref()));
    set(&fields, "moduleCode", opt(e.module_code));
    set(&fields, "status", opt(e.status));
    set(&fields, "submitted", strings(&e.submitted).into());
    set(&fields, "maybeSubmitted", strings(&e.maybe_submitted).into());
    set(&fields, "pending", strings(&e.pending).into());
    CdnError::new(&e.message, &fields).into()
}
