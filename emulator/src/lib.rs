//! A local emulator of Tencent Cloud CDN API 2.0 (`RefreshCdnDir`), which Tencent retired in
//! 2022, and of API 3.0 (`PurgePathCache`), its live successor: the server the library is
//! tested and demonstrated against.
//!
//! - [`api`] and [`api3`]: each API's rules as a pure function of state, request and time;
//!   signatures are checked with the client crate's own `sign` module, so each algorithm is
//!   defined once;
//! - [`http`]: just enough HTTP/1.1 and form parsing;
//! - [`server`]: sockets, routing, CORS, static files and fault injection.

pub mod api;
pub mod api3;
pub mod http;
pub mod server;

pub use api::{Account, Api, ApiReply};
pub use server::{Options, Server};
