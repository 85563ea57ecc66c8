//! The only code that touches `fetch`, the clock and the random source.
//!
//! `fetch` is bound by hand rather than through gloo-net: gloo-net finds `fetch` on `window`
//! or a worker scope, so it fails in Node and Deno's non-worker code, and it cannot send
//! through a caller-supplied `fetch`. Here it is `config.fetch` or `globalThis.fetch`, called
//! as `fetch(url, init)` with `this = globalThis` (what a bare `fetch(...)` call does, and
//! what browsers require), and its response is read by duck typing (`status`, `text()`), so a
//! test double or another realm's `Response` works too.

use std::sync::atomic::{AtomicU32, Ordering};

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::Error;
use crate::request::SignedRequest;

/// Unix seconds from `Date.now()`.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// The next nonce: a random start drawn once, then counting up, skipping 0, so nonces never
/// repeat within one JS realm however many calls run at once (the API refuses a repeat as a
/// replay, API-NOTES "Common parameters").
pub fn nonce() -> u64 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut n = NEXT.load(Ordering::Relaxed);
    if n == 0 {
        n = (js_sys::Math::random() * u32::MAX as f64) as u32;
    }
    let next = n.wrapping_add(1);
    NEXT.store(if next == 0 { 1 } else { next }, Ordering::Relaxed);
    n.max(1) as u64
}

pub struct Fetch {
    function: Function,
}

impl Fetch {
    /// `given`, or the global `fetch`; an error when there is neither.
    pub fn new(given: Option<Function>) -> Result<Fetch, Error> {
        let function = match given {
            Some(f) => f,
            None => Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| Error::invalid_input("this runtime has no global fetch: pass config.fetch"))?,
        };
        Ok(Fetch { function })
    }

    /// Sends `request`; `Ok((status, body))` when a response came back, otherwise what the
    /// transport said went wrong.
    pub async fn send(&self, request: &SignedRequest) -> Result<(u16, String), String> {
        let init = Object::new();
        let headers = Object::new();
        for (name, value) in &request.headers {
            let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
        }
        let _ = Reflect::set(&init, &"method".into(), &request.method.as_str().into());
        let _ = Reflect::set(&init, &"headers".into(), &headers);
        if let Some(body) = &request.body {
            let _ = Reflect::set(&init, &"body".into(), &body.into());
        }
        let called = self.function.call2(&js_sys::global(), &request.url.as_str().into(), &init).map_err(describe)?;
        let response = JsFuture::from(Promise::resolve(&called)).await.map_err(describe)?;
        let status = Reflect::get(&response, &"status".into())
            .ok()
            .and_then(|s| s.as_f64())
            .filter(|s| (100.0..1000.0).contains(s))
            .ok_or("fetch resolved to something that is not a Response (no HTTP status)")?;
        let text = Reflect::get(&response, &"text".into())
            .ok()
            .and_then(|t| t.dyn_into::<Function>().ok())
            .ok_or("fetch resolved to something that is not a Response (no text())")?;
        let body = text.call0(&response).map_err(|e| format!("reading the response body failed: {}", describe(e)))?;
        let body = JsFuture::from(Promise::resolve(&body)).await.map_err(|e| format!("reading the response body failed: {}", describe(e)))?;
        Ok((status as u16, body.as_string().unwrap_or_default()))
    }
}

/// A thrown JS value as text: an `Error`'s message, with its `cause` when it has one (Node's
/// fetch says "fetch failed" and puts the reason in `cause`).
fn describe(thrown: JsValue) -> String {
    let message = |v: &JsValue| -> String {
        match v.dyn_ref::<js_sys::Error>() {
            Some(e) => String::from(e.message()),
            None => v.as_string().unwrap_or_else(|| "a non-Error value was thrown".into()),
        }
    };
    let mut out = message(&thrown);
    if let Ok(cause) = Reflect::get(&thrown, &"cause".into()) {
        if !cause.is_undefined() && !cause.is_null() {
            out = format!("{out} ({})", message(&cause));
        }
    }
    out
}
