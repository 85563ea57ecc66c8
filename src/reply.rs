//! Reading the API's answer: API 2.0's `{"code", "message", "codeDesc"}` (API-NOTES "Replies")
//! or API 3.0's `{"Response": {…}}` (API-NOTES-V3 "Replies").

use alloc::borrow::ToOwned;
use alloc::string::String;

use crate::config::Api;
use crate::error::{Error, Kind};
use crate::json::{self, Value};
use crate::text::{cat, digits, find_ascii, quote};

/// How much of a body that is not the API's JSON an error quotes.
const EXCERPT_CHARS: usize = 200;

/// A reply in either API's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// 0 on success; otherwise API 2.0's common code (4000, 4100, …), or -1 for an API 3.0
    /// error, whose code is a name ([`Reply::error_code`]).
    pub code: i64,
    pub message: String,
    /// Always a string: the API sends `9110` or `"9110"` or `"Success"`; a number is written
    /// in decimal.
    pub code_desc: String,
    /// The `NNNN` of a message that starts with `(NNNN)`.
    pub module_code: Option<u32>,
    /// API 3.0: `Error.Code`, e.g. `LimitExceeded.CdnPurgePathExceedDayLimit`.
    pub error_code: Option<String>,
    /// API 3.0: the purge task and the request, as Tencent's support asks for them.
    pub task_id: Option<String>,
    pub request_id: Option<String>,
}

/// Reads `body` as the answer of `api`. A body in the API's shape is a reply whatever the HTTP
/// status (the API's own code says more than the status); otherwise a non-2xx status is an
/// [`Kind::Http`] error and a 2xx one [`Kind::InvalidResponse`], each quoting the body, but for
/// a redirect (3xx, or 0: a page's opaque redirect), whose body says nothing of the purge: for
/// one, `src/js/drive.js` passes its `Location` as `body`, quoted as the redirect's target.
///
/// Either API's errors are read from either call, since they say what went wrong (a v2 call
/// sent to API 3.0's host gets `{"Response":{"Error":…}}`), but only API 3.0's own shape is a
/// success of a v3 call: a `{"code":0}` from a proxy or a gateway in front of it is not.
pub fn parse(api: Api, status: u16, body: &str) -> Result<Reply, Error> {
    if let Some(reply) = json::parse(body).and_then(|v| from_json(&v)) {
        if !(api == Api::V3 && reply.code == 0 && reply.task_id.is_none()) {
            return Ok(reply);
        }
    }
    let trimmed = body.trim_ascii();
    let excerpt = if trimmed.is_empty() { "an empty body".to_owned() } else { quote(trimmed, EXCERPT_CHARS) };
    let mut err = if (200..300).contains(&status) {
        Error::new(Kind::InvalidResponse, cat!("the reply (HTTP ", status, ") is not the API's JSON: ", excerpt))
    } else if status < 400 {
        // `fetch` is told not to follow one (src/js/drive.js): after a 301, 302 or 303 it would
        // resend the request as a GET without its body, and any redirect goes to a URL the
        // request was not signed for (API-NOTES "Signature" step 5). 0: a page's fetch hid it.
        // Its `body` is the `Location` it names, when there is one.
        let target = if trimmed.is_empty() { String::new() } else { cat!(" to ", excerpt) };
        Error::new(
            Kind::Http,
            cat!(
                "a redirect (HTTP ",
                status,
                ")",
                target,
                " from the API endpoint, not followed: it would lose the request's body or signature; give its target as config.endpoint (or config.proxyUrl)"
            ),
        )
    } else {
        // 407 is a proxy's answer, never an origin's (RFC 9110 §15.5.8): Deno and Bun hand a
        // plain-http request to `HTTP_PROXY` whole and return its refusal as the reply.
        let from = if status == 407 { "a proxy, which asks for credentials" } else { "the API endpoint" };
        Error::new(Kind::Http, cat!("HTTP ", status, " from ", from, ", with ", excerpt))
    };
    err.status = Some(status);
    Err(err)
}

fn from_json(v: &Value) -> Option<Reply> {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    if let Some(r) = v.get("Response") {
        let request_id = text(r.get("RequestId"));
        return Some(match r.get("Error") {
            Some(e) => {
                let error_code = text(e.get("Code"))?;
                let message = text(e.get("Message")).unwrap_or_default();
                Reply { code: -1, message, code_desc: error_code.clone(), module_code: None, error_code: Some(error_code), task_id: None, request_id }
            }
            None => Reply {
                code: 0,
                message: String::new(),
                code_desc: "Success".to_owned(),
                module_code: None,
                error_code: None,
                task_id: Some(text(r.get("TaskId"))?),
                request_id,
            },
        });
    }
    let code = v.get("code")?.as_f64().filter(|c| c.abs() < 1e15 && *c == (*c as i64) as f64)? as i64;
    let message = text(v.get("message")).unwrap_or_default();
    let code_desc = match v.get("codeDesc") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.abs() < 1e15 && *n == (*n as i64) as f64 => cat!(*n as i64),
        _ => String::new(),
    };
    Some(Reply { code, module_code: module_code(&message), message, code_desc, error_code: None, task_id: None, request_id: None })
}

/// `(9110) Information for …` → 9110.
pub fn module_code(message: &str) -> Option<u32> {
    let rest = message.trim_ascii_start().strip_prefix('(')?;
    digits(rest.get(0..find_ascii(rest, b")")?)?)?.try_into().ok()
}

impl Reply {
    /// `Ok` for `code == 0`; otherwise a [`Kind::Api`] error carrying the API's fields.
    pub fn into_result(self, status: u16) -> Result<Reply, Error> {
        if self.code == 0 {
            return Ok(self);
        }
        let message = match &self.error_code {
            Some(name) => cat!("the API refused the request: ", quote(name, 80), ": ", self.message),
            None => cat!("the API refused the request: code ", self.code, ", codeDesc ", quote(&self.code_desc, 60), ": ", self.message),
        };
        let mut err = Error::new(Kind::Api, message);
        err.code = self.error_code.is_none().then_some(self.code);
        err.error_code = self.error_code;
        err.request_id = self.request_id;
        err.code_desc = Some(self.code_desc);
        err.module_code = self.module_code;
        err.status = Some(status);
        Err(err)
    }
}
