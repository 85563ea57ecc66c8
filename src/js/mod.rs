//! The one JavaScript boundary: `refreshCdnDir`, `signRequest`, `CdnError` and their types.
//!
//! JS values are read into the core's plain types here, and the core's results and errors are
//! turned into JS values here, once. A `refreshCdnDir` call is a [`Call`] (the sans-IO
//! [`Purge`] and the `fetch` to use) that `src/js/drive.js`, the only code that sends, runs
//! over `fetch`; [`transport`] supplies the clock, the nonces and the `fetch` function.

use alloc::string::String;
use alloc::vec::Vec;

mod transport;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use crate::config::{self, RawConfig};
use crate::error::{Error, Kind};
use crate::purge::{Purge, RefreshResult};
use crate::request::SignedRequest;
use crate::text::cat;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Options of `refreshCdnDir` and `signRequest`. Unknown keys are an error. */
export interface RefreshConfig {
  /** The API key id (`SecretId`). */
  secretId: string;
  /** The API key secret; used to sign, never sent, printed or put in an error. */
  secretKey: string;
  /** Session token of temporary credentials, sent as `Token`. */
  token?: string | null;
  /** Full endpoint URL; default `https://cdn.api.qcloud.com/v2/index.php`. */
  endpoint?: string;
  /** Default `"POST"` (form body). `"GET"` puts the signature in the URL. */
  method?: "POST" | "GET";
  /** Default `"HmacSHA1"`. */
  signatureMethod?: "HmacSHA1" | "HmacSHA256";
  /** RefreshCdnDir `type`: 1 refreshes changed resources, 2 everything. */
  type?: 1 | 2;
  /** More directories than this in one call are refused before anything is sent. Default 100. */
  dailyLimit?: number;
  /** Unix seconds to sign with instead of the clock. */
  timestamp?: number;
  /** The first batch's `Nonce` instead of a random one; batch i uses nonce + i. */
  nonce?: number;
  /** A fetch-compatible function to send through; default `globalThis.fetch`. */
  fetch?: (url: string, init: FetchInit) => Promise<FetchResponse>;
}

/** What `refreshCdnDir` passes to `fetch`. */
export interface FetchInit {
  method: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
}

/** The part of a `Response` that `refreshCdnDir` reads. */
export interface FetchResponse {
  readonly status: number;
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

/** One accepted batch of at most 20 directories. */
export interface BatchResult {
  dirs: string[];
  code: number;
  message: string;
  codeDesc: string;
}

/** A successful purge: the API's fields from the last batch, and every batch. */
export interface RefreshResult {
  code: 0;
  message: string;
  codeDesc: string;
  /** Every directory purged, duplicates removed, in order. */
  dirs: string[];
  batches: BatchResult[];
}

export type CdnErrorKind = "invalid-input" | "api" | "http" | "network" | "invalid-response" | "internal";

/** What a failed call rejects with. `submitted` + `pending` hold every directory. */
export declare class CdnError extends Error {
  constructor(message: string, fields?: Partial<Omit<CdnError, "name" | "message" | "stack" | "toJSON">>);
  readonly name: "CdnError";
  kind: CdnErrorKind;
  /** The API's `code` (e.g. 4100), when the API answered. */
  code: number | null;
  /** The API's `codeDesc`, always a string, when the API answered. */
  codeDesc: string | null;
  /** The `NNNN` of an API message that starts with `(NNNN)`, e.g. 9110. */
  moduleCode: number | null;
  /** The HTTP status, when a response came back. */
  status: number | null;
  /** Directories that earlier batches purged. */
  submitted: string[];
  /** Directories not purged: retry exactly these. */
  pending: string[];
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

#[wasm_bindgen(module = "/src/js/drive.js")]
extern "C" {
    /// Sends `call`'s requests through its `fetch` until it is done or fails.
    fn drive(call: Call) -> Promise;
}

/// Purges `dirs` on Tencent Cloud CDN: one signed request per 20 directories, sent in order.
/// Resolves to a `RefreshResult`; rejects with a `CdnError`.
#[wasm_bindgen(js_name = refreshCdnDir, unchecked_return_type = "Promise<RefreshResult>")]
pub fn refresh_cdn_dir(
    #[wasm_bindgen(unchecked_param_type = "RefreshConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | readonly string[]")] dirs: JsValue,
) -> Promise {
    match plan(&config, &dirs, true) {
        Ok((purge, Some(fetch))) => drive(Call { purge: Some(purge), fetch }),
        Ok((_, None)) => Promise::reject(&error_to_js(finished())),
        Err(e) => Promise::reject(&error_to_js(e)),
    }
}

/// One `refreshCdnDir` call in flight, driven by `src/js/drive.js`: `next()` until it returns
/// `undefined`, sending each request and reporting the outcome with `response()` or
/// `networkError()`, then `finish()`. Every decision is the [`Purge`]'s.
#[wasm_bindgen(skip_typescript)]
pub struct Call {
    /// `None` once finished.
    purge: Option<Purge>,
    fetch: Function,
}

#[wasm_bindgen]
impl Call {
    /// The `fetch` to send through: `config.fetch` or the global one.
    #[wasm_bindgen(getter)]
    pub fn fetch(&self) -> Function {
        self.fetch.clone()
    }

    /// The next request, signed now with a fresh nonce, or `undefined` when none is left.
    pub fn next(&self) -> JsValue {
        match &self.purge {
            Some(p) if !p.is_done() => p
                .request(p.next_index(), transport::now(), transport::nonce())
                .map_or(JsValue::UNDEFINED, |r| request_to_js(&r)),
            _ => JsValue::UNDEFINED,
        }
    }

    /// The reply to the last request; throws the `CdnError` that ends the call when it failed.
    pub fn response(&mut self, status: u16, body: &str) -> Result<(), JsValue> {
        let purge = self.purge.as_mut().ok_or_else(|| error_to_js(finished()))?;
        purge.on_response(status, body).map(|_| ()).map_err(error_to_js)
    }

    /// The `CdnError` to reject with when the last request got no response (`detail` says why).
    #[wasm_bindgen(js_name = networkError)]
    pub fn network_error(&self, detail: &str) -> JsValue {
        error_to_js(self.purge.as_ref().map_or_else(finished, |p| p.on_network_error(detail)))
    }

    /// The `RefreshResult` once every batch succeeded.
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        let result = self.purge.take().and_then(Purge::finish);
        result.map(|r| result_to_js(&r)).ok_or_else(|| error_to_js(finished()))
    }
}

fn finished() -> Error {
    Error::new(Kind::Internal, "the purge ended before its last batch")
}

/// The requests `refreshCdnDir` would send for the same arguments, signed and not sent.
/// Throws a `CdnError` of kind `"invalid-input"`.
#[wasm_bindgen(js_name = signRequest, unchecked_return_type = "SignedRequest[]")]
pub fn sign_request(
    #[wasm_bindgen(unchecked_param_type = "RefreshConfig")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | readonly string[]")] dirs: JsValue,
) -> Result<JsValue, JsValue> {
    let (purge, _) = plan(&config, &dirs, false).map_err(error_to_js)?;
    let requests = purge.sign_all(transport::now(), transport::nonce);
    Ok(requests.iter().map(request_to_js).collect::<Array>().into())
}

/// Reads both arguments and plans the batches; nothing is sent yet. With `sending`, also
/// finds the `fetch` to send through (signing alone needs none).
fn plan(config: &JsValue, dirs: &JsValue, sending: bool) -> Result<(Purge, Option<Function>), Error> {
    let dirs = read_dirs(dirs)?;
    let (raw, fetch) = read_config(config).map_err(|e| e.nothing_sent(&dirs))?;
    let purge = Purge::new(raw, &dirs)?;
    let fetch = if sending { Some(transport::fetch(fetch).map_err(|e| e.nothing_sent(&dirs))?) } else { None };
    Ok((purge, fetch))
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

/// `dirs`: an array of strings, or one string. An invalid entry names its index.
fn read_dirs(dirs: &JsValue) -> Result<Vec<String>, Error> {
    if let Some(s) = dirs.as_string() {
        return Ok(alloc::vec![s]);
    }
    if !Array::is_array(dirs) {
        return Err(Error::invalid_input(cat!("dirs must be an array of directory URLs (or one URL string), got ", type_name(dirs))));
    }
    let array = Array::from(dirs);
    let strings: Vec<String> = array.iter().filter_map(|v| v.as_string()).collect();
    match array.iter().position(|v| !v.is_string()) {
        Some(i) => Err(Error::invalid_input(cat!("dirs[", i, "] must be a string, got ", type_name(&array.get(i as u32))))
            .nothing_sent(&strings)),
        None => Ok(strings),
    }
}

/// `config`: a plain object whose keys are all in [`config::KEYS`]; `undefined` and `null`
/// values mean "not given".
fn read_config(config: &JsValue) -> Result<(RawConfig, Option<Function>), Error> {
    if !config.is_object() || Array::is_array(config) || config.is_function() {
        return Err(Error::invalid_input(cat!("config must be an object like { secretId, secretKey }, got ", type_name(config))));
    }
    let object: &Object = config.unchecked_ref();
    for key in Object::keys(object).iter() {
        config::check_key(&key.as_string().unwrap_or_default())?;
    }
    let get = |key: &str| -> Result<Option<JsValue>, Error> {
        let v = Reflect::get(object, &JsValue::from_str(key))
            .map_err(|_| Error::invalid_input(cat!("config.", key, " could not be read: its getter threw")))?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    };
    let string = |key: &str| -> Result<Option<String>, Error> {
        get(key)?
            .map(|v| v.as_string().ok_or_else(|| Error::invalid_input(cat!("config.", key, " must be a string, got ", type_name(&v)))))
            .transpose()
    };
    let number = |key: &str| -> Result<Option<f64>, Error> {
        get(key)?
            .map(|v| v.as_f64().ok_or_else(|| Error::invalid_input(cat!("config.", key, " must be a number, got ", type_name(&v)))))
            .transpose()
    };
    let fetch = get("fetch")?
        .map(|v| v.dyn_into::<Function>().map_err(|v| Error::invalid_input(cat!("config.fetch must be a function, got ", type_name(&v)))))
        .transpose()?;
    let raw = RawConfig {
        secret_id: string("secretId")?,
        secret_key: string("secretKey")?,
        token: string("token")?,
        endpoint: string("endpoint")?,
        method: string("method")?,
        signature_method: string("signatureMethod")?,
        refresh_type: number("type")?,
        daily_limit: number("dailyLimit")?,
        timestamp: number("timestamp")?,
        nonce: number("nonce")?,
    };
    Ok((raw, fetch))
}

fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn strings(list: &[String]) -> Array {
    list.iter().map(|s| JsValue::from_str(s)).collect()
}

fn opt<T: Into<JsValue>>(v: Option<T>) -> JsValue {
    v.map_or(JsValue::NULL, Into::into)
}

fn request_to_js(r: &SignedRequest) -> JsValue {
    let o = Object::new();
    set(&o, "method", r.method.as_str());
    set(&o, "url", r.url.as_str());
    let headers = Object::new();
    for (name, value) in &r.headers {
        set(&headers, name, value.as_str());
    }
    set(&o, "headers", headers);
    set(&o, "body", opt(r.body.as_deref()));
    set(&o, "dirs", strings(&r.dirs));
    o.into()
}

fn result_to_js(r: &RefreshResult) -> JsValue {
    let o = Object::new();
    set(&o, "code", r.code as f64);
    set(&o, "message", r.message.as_str());
    set(&o, "codeDesc", r.code_desc.as_str());
    set(&o, "dirs", strings(&r.dirs));
    let batches: Array = r
        .batches
        .iter()
        .map(|b| {
            let o = Object::new();
            set(&o, "dirs", strings(&b.dirs));
            set(&o, "code", b.reply.code as f64);
            set(&o, "message", b.reply.message.as_str());
            set(&o, "codeDesc", b.reply.code_desc.as_str());
            JsValue::from(o)
        })
        .collect();
    set(&o, "batches", batches);
    o.into()
}

/// The crate's error as a JS `CdnError`: the one place the conversion happens.
fn error_to_js(e: Error) -> JsValue {
    let fields = Object::new();
    set(&fields, "kind", e.kind.as_str());
    set(&fields, "code", opt(e.code.map(|c| c as f64)));
    set(&fields, "codeDesc", opt(e.code_desc.as_deref()));
    set(&fields, "moduleCode", opt(e.module_code));
    set(&fields, "status", opt(e.status));
    set(&fields, "submitted", strings(&e.submitted));
    set(&fields, "pending", strings(&e.pending));
    CdnError::new(&e.message, &fields).into()
}
