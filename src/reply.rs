//! Reading the API's answer (API-NOTES "Replies").

use alloc::borrow::ToOwned;
use alloc::string::String;

use crate::error::{Error, Kind};
use crate::text::{cat, quote};
use crate::json::{self, Value};

/// How much of a body that is not the API's JSON an error quotes.
const EXCERPT_CHARS: usize = 200;

/// A reply in the API's shape: `{"code":…, "message":…, "codeDesc":…}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// 0 on success; otherwise a common code (4000, 4100, …).
    pub code: i64,
    pub message: String,
    /// Always a string: the API sends `9110` or `"9110"` or `"Success"`; a number is written
    /// in decimal.
    pub code_desc: String,
    /// The `NNNN` of a message that starts with `(NNNN)`.
    pub module_code: Option<u32>,
}

/// Reads `body` as the API's JSON. A body in the API's shape is a reply whatever the HTTP
/// status (the API's own code says more than the status); otherwise a non-2xx status is an
/// [`Kind::Http`] error and a 2xx one [`Kind::InvalidResponse`], each quoting the body.
pub fn parse(status: u16, body: &str) -> Result<Reply, Error> {
    if let Some(reply) = json::parse(body).as_ref().and_then(from_json) {
        return Ok(reply);
    }
    let excerpt = if body.trim().is_empty() { "an empty body".to_owned() } else { quote(body.trim(), EXCERPT_CHARS) };
    let mut err = if (200..300).contains(&status) {
        Error::new(Kind::InvalidResponse, cat!("the reply (HTTP ", status, ") is not the API's JSON: ", excerpt))
    } else {
        Error::new(Kind::Http, cat!("HTTP ", status, " from the API endpoint, with ", excerpt))
    };
    err.status = Some(status);
    Err(err)
}

fn from_json(v: &Value) -> Option<Reply> {
    let code = v.get("code")?.as_f64().filter(|c| c.abs() < 1e15 && *c == (*c as i64) as f64)? as i64;
    let message = v.get("message").and_then(Value::as_str).unwrap_or_default().to_owned();
    let code_desc = match v.get("codeDesc") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.abs() < 1e15 && *n == (*n as i64) as f64 => cat!(*n as i64),
        _ => String::new(),
    };
    Some(Reply { code, module_code: module_code(&message), message, code_desc })
}

/// `(9110) Information for …` → 9110.
pub fn module_code(message: &str) -> Option<u32> {
    let rest = message.trim_start().strip_prefix('(')?;
    let digits = rest.get(..rest.find(')')?)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().ok()).flatten()
}

impl Reply {
    /// `Ok` for `code == 0`; otherwise a [`Kind::Api`] error carrying the API's fields.
    pub fn into_result(self, status: u16) -> Result<Reply, Error> {
        if self.code == 0 {
            return Ok(self);
        }
        let mut err = Error::new(
            Kind::Api,
            cat!("the API refused the request: code ", self.code, ", codeDesc ", quote(&self.code_desc, 60), ": ", self.message),
        );
        err.code = Some(self.code);
        err.code_desc = Some(self.code_desc);
        err.module_code = self.module_code;
        err.status = Some(status);
        Err(err)
    }
}
