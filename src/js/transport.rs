//! The clock, the nonces and the `fetch` function; `src/js/drive.js` does the sending.
//!
//! `fetch` is found by hand rather than through gloo-net: gloo-net finds `fetch` on `window`
//! or a worker scope, so it fails in Node and Deno's non-worker code, and it cannot send
//! through a caller-supplied `fetch`. Here it is `config.fetch` or `globalThis.fetch`, called
//! as `fetch(url, init)` with `this = globalThis` (what a bare `fetch(...)` call does, and
//! what browsers require), and its response is read by duck typing (`status`, `text()`), so a
//! test double or another realm's `Response` works too.

use core::sync::atomic::{AtomicU32, Ordering};

use super::builtins::{self, Function};
use wasm_bindgen::prelude::*;

use crate::error::Error;

/// Unix seconds from the clock below.
pub fn now() -> u64 {
    now_ms() / 1000
}

/// Unix milliseconds from `Date.now()`, corrected by the API's replies (`now` in
/// `src/js/drive.js`).
pub fn now_ms() -> u64 {
    clock() as u64
}

/// A number in `[0, 1)` from `Math.random()`: backoff jitter needs no cryptographic quality.
pub fn random() -> f64 {
    builtins::random()
}

/// The next nonce: a random start drawn once, then counting up, skipping 0, so nonces never
/// repeat within one instance of this module (one per JS realm, unless it loads both the ES
/// module and the CommonJS build) however many calls run at once (the API refuses a repeat as
/// a replay, API-NOTES "Common parameters").
pub fn nonce() -> u64 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let mut n = NEXT.load(Ordering::Relaxed);
    if n == 0 {
        // 0 marks "not drawn yet", so a start of 0 becomes 1 here, not at each return.
        n = ((random() * u32::MAX as f64) as u32).max(1);
    }
    NEXT.store(n.checked_add(1).unwrap_or(1), Ordering::Relaxed);
    n as u64
}

#[wasm_bindgen(module = "/src/js/drive.js")]
extern "C" {
    /// `globalThis.fetch`, read in JS: js_sys's `global()` probes four globals through as many
    /// imports to find the same object.
    #[wasm_bindgen(js_name = globalFetch)]
    fn global_fetch() -> JsValue;

    /// The runtime's `fetch` made never to send a request twice by itself, where it can be
    /// (Deno's, through a client without idle connections); else `globalThis.fetch`.
    #[wasm_bindgen(js_name = onceFetch)]
    fn once_fetch() -> JsValue;

    /// `Date.now()` corrected by the `Date` of the API's replies.
    #[wasm_bindgen(js_name = now)]
    fn clock() -> f64;

    /// Whether the runtime has a page's `location` that a relative URL resolves against.
    #[wasm_bindgen(js_name = hasPage)]
    pub fn has_page() -> bool;
}

/// `given`, or the global `fetch`; an error when there is neither. For a caller who will not
/// risk a second purge (`once`: `retryMaybePurged: false`), the global one is made never to
/// resend a request itself, as the newest Deno does when a reused connection drops after the
/// request went out (README "Failure handling").
pub fn fetch(given: Option<Function>, once: bool) -> Result<Function, Error> {
    match given {
        Some(f) => Ok(f),
        None => if once { once_fetch() } else { global_fetch() }
            .dyn_into::<Function>()
            .ok()
            .ok_or_else(|| Error::invalid_input("this runtime has no global fetch: pass config.fetch")),
    }
}
