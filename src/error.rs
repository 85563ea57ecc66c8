//! The one error type of the crate.
//!
//! Invariant: no `Error` ever holds the secret key or the session token. Messages are built
//! from inputs the caller may see (directory URLs, option names, API replies), and every
//! message that carries text from outside (an API message, a network error) passes through
//! [`crate::config::Credentials::redact`] before it is stored.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use core::fmt;

/// What went wrong, as a program branches on it. The JS `CdnError.kind` is [`Kind::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The config or the directories were rejected before anything was sent.
    InvalidInput,
    /// The API answered with `code != 0` (API-NOTES "Replies").
    Api,
    /// A non-2xx HTTP status without an API body.
    Http,
    /// The request did not get a response (DNS, TLS, connection reset, a `fetch` that threw).
    Network,
    /// A 2xx response whose body is not the API's JSON.
    InvalidResponse,
    /// No response within `config.timeoutMs`; the batch in flight is in `maybe_submitted`.
    Timeout,
    /// `config.signal` aborted the call; a batch in flight is in `maybe_submitted`.
    Aborted,
    /// A bug in this library, caught at the boundary instead of trapping.
    Internal,
}

impl Kind {
    /// The stable, kebab-case name used in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InvalidInput => "invalid-input",
            Kind::Api => "api",
            Kind::Http => "http",
            Kind::Network => "network",
            Kind::InvalidResponse => "invalid-response",
            Kind::Timeout => "timeout",
            Kind::Aborted => "aborted",
            Kind::Internal => "internal",
        }
    }
}

/// An error: its [`Details`], behind one pointer. Every fallible function of the crate
/// returns it, so a `Result` stays two words wide and an early return moves a pointer, not
/// the 200 bytes of the details (those copies were 1 KB of the gzipped `.wasm`).
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Details>);

impl core::ops::Deref for Error {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

/// What an [`Error`] says: its kind and, for failures after validation, the accounting of
/// directories: every deduplicated directory is in exactly one of `submitted`,
/// `maybe_submitted` and `pending`.
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    pub kind: Kind,
    pub message: String,
    /// The API's top-level `code` (e.g. 4100), when an API reply was read.
    pub code: Option<i64>,
    /// The API's `codeDesc`, always as a string (the API sends a number or a string).
    pub code_desc: Option<String>,
    /// The `NNNN` of a message that starts with `(NNNN)` (e.g. 9110).
    pub module_code: Option<u32>,
    /// API 3.0's `Error.Code`, a name (e.g. `AuthFailure.SignatureFailure`); then `code` is `None`.
    pub error_code: Option<String>,
    /// API 3.0's `RequestId` of the refused request.
    pub request_id: Option<String>,
    /// The HTTP status, when a response came back.
    pub status: Option<u16>,
    /// Directories accepted by earlier batches of the same call.
    pub submitted: Vec<String>,
    /// Directories of a batch whose request may have reached the API without an answer (a
    /// timeout or an abort while it was in flight): purged or not, nobody can tell.
    pub maybe_submitted: Vec<String>,
    /// Directories not accepted: the failed batch and every batch after it.
    pub pending: Vec<String>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error::with(kind, message.into())
    }

    /// The body of [`Error::new`], once: generic, it was built twice (for `&str` and `String`).
    fn with(kind: Kind, message: String) -> Self {
        Error(Box::new(Details {
            kind,
            message,
            code: None,
            code_desc: None,
            module_code: None,
            error_code: None,
            request_id: None,
            status: None,
            submitted: Vec::new(),
            maybe_submitted: Vec::new(),
            pending: Vec::new(),
        }))
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(Kind::InvalidInput, message)
    }

    /// For an error raised before anything was sent: every directory given is pending, as
    /// given but for credentials, which are [`redact`](crate::dirs::redact)ed.
    pub fn nothing_sent<S: AsRef<str>>(mut self, dirs: &[S]) -> Self {
        self.submitted.clear();
        // A loop, not `map(..).collect()`, which measured 103 bytes larger in the `.wasm`.
        self.pending.clear();
        for d in dirs {
            self.pending.push(crate::dirs::redact(d.as_ref()));
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl core::error::Error for Error {}
