//! Purge directories on Tencent Cloud CDN (API 2.0 `RefreshCdnDir`) from Rust or, compiled to
//! WebAssembly, from JavaScript.
//!
//! Data flows one way, each step a module:
//! 1. [`config`]: the caller's options → a validated [`Config`] (secrets never printed);
//! 2. [`dirs`]: directory URLs → validated, deduplicated [`Dir`]s in [`Batch`]es of 20;
//! 3. [`request`] and [`sign`] (with [`hash`]): a batch + a timestamp + a nonce → a [`SignedRequest`];
//! 4. [`reply`]: the API's JSON → a [`Reply`] or an [`Error`];
//! 5. [`purge`]: the whole call as a sans-IO state machine that accounts for every directory.
//!
//! Nothing here reads a clock, draws a random number or does I/O; the `js` module (wasm32
//! only) is the one place that touches JavaScript and `fetch`.

// The shipped .wasm leaves out `std` (see `runtime`); everything here needs only `core` and `alloc`.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]
// Vectors are filled by loops, not by iterator chains that filter, stop early or fail before a
// `collect`: each such chain is its own generic copy in the .wasm (bench/NOTES.md "Size").

extern crate alloc;

mod text;

pub mod config;
pub mod dirs;
pub mod error;
pub mod hash;
pub mod json;
pub mod purge;
pub mod reply;
pub mod request;
pub mod retry;
pub mod sign;
pub mod time;

#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod runtime;

pub use config::{Config, RawConfig};
pub use dirs::{Batch, Dir};
pub use error::{Error, Kind};
pub use purge::{Purge, RefreshResult};
pub use reply::Reply;
pub use request::SignedRequest;
pub use sign::{Method, SignatureMethod};
