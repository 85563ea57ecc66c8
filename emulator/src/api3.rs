//! API 3.0 `PurgePathCache` (API-NOTES-V3), served beside API 2.0 on the same port and sharing
//! its accounts, its daily quota and its purge log. The signature is checked by recomputing the
//! whole `Authorization` header with the client crate's own TC3 code.

use std::sync::atomic::{AtomicU64, Ordering};

use qcloud_cdn_refresh::json::{self, Value};
use qcloud_cdn_refresh::request::{ACTION_V3, VERSION_V3};
use qcloud_cdn_refresh::sign;
use qcloud_cdn_refresh::SignedRequest;

use crate::api::{dir_host, same, without_port, Api, WINDOW};

/// Paths per call (API-NOTES-V3 "Request": up to 500).
pub const PER_CALL: usize = 500;

/// An API 3.0 request as the API sees it: the headers that matter and the exact body bytes.
pub struct Call3<'a> {
    /// The `Host` header; the signature covers the host name without a port.
    pub host: &'a str,
    pub content_type: &'a str,
    pub action: Option<&'a str>,
    pub version: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub authorization: Option<&'a str>,
    pub token: Option<&'a str>,
    pub body: &'a [u8],
}

impl<'a> Call3<'a> {
    /// The call a client's signed request makes when it arrives with the `Host` header `host`.
    pub fn from_request(r: &'a SignedRequest, host: &'a str) -> Call3<'a> {
        let header = |name: &str| r.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| &**v);
        Call3 {
            host,
            content_type: header("content-type").unwrap_or_default(),
            action: header("x-tc-action"),
            version: header("x-tc-version"),
            timestamp: header("x-tc-timestamp"),
            authorization: header("authorization"),
            token: header("x-tc-token"),
            body: r.body.as_deref().unwrap_or_default().as_bytes(),
        }
    }
}

/// `{"Response": {"TaskId", "RequestId"}}` or `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply3 {
    Success { task_id: String },
    Error { code: &'static str, message: String },
}

impl Reply3 {
    fn error(code: &'static str, message: impl Into<String>) -> Reply3 {
        Reply3::Error { code, message: message.into() }
    }

    /// The reply's JSON, with a fresh `RequestId`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"Response\":{");
        match self {
            Reply3::Success { task_id } => {
                out.push_str("\"TaskId\":");
                json::write_string(task_id, &mut out);
            }
            Reply3::Error { code, message } => {
                out.push_str("\"Error\":{\"Code\":");
                json::write_string(code, &mut out);
                out.push_str(",\"Message\":");
                json::write_string(message, &mut out);
                out.push('}');
            }
        }
        out.push_str(",\"RequestId\":");
        json::write_string(&fresh_id(), &mut out);
        out.push_str("}}");
        out
    }
}

/// A UUID-shaped id, different for every call.
pub fn fresh_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0x5eed_0000_0000);
    let n = NEXT.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed);
    format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", n >> 32, (n >> 16) & 0xffff, n & 0xfff, (n >> 52) & 0xfff, n & 0xffff_ffff_ffff)
}

/// The `SecretId` named in an `Authorization` header (for routing faults to an account).
pub fn secret_id(authorization: &str) -> Option<&str> {
    authorization.split("Credential=").nth(1)?.split('/').next()
}

impl Api {
    /// Answers one API 3.0 call at time `now` (unix seconds).
    pub fn handle_v3(&mut self, call: &Call3<'_>, now: u64) -> Reply3 {
        match self.verify_v3(call, now) {
            Ok(secret_id) => self.purge_path_cache(&secret_id, call.body, now),
            Err(reply) => reply,
        }
    }

    /// API-NOTES-V3 "TC3-HMAC-SHA256": Ok(secretId) when the request is authentic and fresh.
    fn verify_v3(&mut self, call: &Call3<'_>, now: u64) -> Result<String, Reply3> {
        let authorization = call.authorization.ok_or_else(|| Reply3::error("AuthFailure.InvalidAuthorization", "the Authorization header is missing"))?;
        if !authorization.starts_with("TC3-HMAC-SHA256 Credential=") {
            return Err(Reply3::error("AuthFailure.InvalidAuthorization", "Authorization must be TC3-HMAC-SHA256"));
        }
        let timestamp: u64 =
            call.timestamp.and_then(|t| t.parse().ok()).ok_or_else(|| Reply3::error("MissingParameter", "X-TC-Timestamp must be unix seconds"))?;
        if timestamp.abs_diff(now) > WINDOW {
            return Err(Reply3::error(
                "AuthFailure.SignatureExpire",
                format!("X-TC-Timestamp {timestamp} is more than {WINDOW} s from the server's clock {now}"),
            ));
        }
        let id = secret_id(authorization).unwrap_or_default();
        let account = self.account(id).cloned().ok_or_else(|| Reply3::error("AuthFailure.SecretIdNotFound", "SecretId not found"))?;
        let want = sign::tc3_authorization(id, &account.secret_key, without_port(call.host), call.content_type, call.body, timestamp);
        if !same(want.as_bytes(), authorization.as_bytes()) {
            return Err(Reply3::error("AuthFailure.SignatureFailure", "the signature does not match the request"));
        }
        if let Some(token) = &account.token {
            if !same(call.token.unwrap_or_default().as_bytes(), token.as_bytes()) {
                return Err(Reply3::error("AuthFailure.TokenFailure", "X-TC-Token is missing or wrong"));
            }
        }
        if call.version != Some(VERSION_V3) {
            return Err(Reply3::error("InvalidParameter", format!("X-TC-Version must be {VERSION_V3}")));
        }
        if call.action != Some(ACTION_V3) {
            return Err(Reply3::error("InvalidAction", format!("unknown action {:?}", call.action.unwrap_or_default())));
        }
        Ok(id.to_owned())
    }

    /// API-NOTES-V3 "Request": `Paths`, `FlushType`, `UrlEncode`, `Area`, the limits and the
    /// domain check; the quota is the account's one daily quota.
    fn purge_path_cache(&mut self, secret_id: &str, body: &[u8], now: u64) -> Reply3 {
        let Some(v) = std::str::from_utf8(body).ok().and_then(json::parse) else {
            return Reply3::error("InvalidParameter", "the body is not JSON");
        };
        let paths: Vec<&str> = match v.get("Paths") {
            None => return Reply3::error("MissingParameter", "Paths is required"),
            Some(Value::Array(a)) => match a.iter().map(Value::as_str).collect::<Option<_>>() {
                Some(p) => p,
                None => return Reply3::error("InvalidParameter", "Paths must be strings"),
            },
            Some(_) => return Reply3::error("InvalidParameter", "Paths must be an array"),
        };
        if paths.is_empty() {
            return Reply3::error("MissingParameter", "Paths is empty");
        }
        if paths.len() > PER_CALL {
            return Reply3::error("LimitExceeded.CdnPurgePathExceedBatchLimit", format!("{} paths in one call, at most {PER_CALL}", paths.len()));
        }
        let refresh_type = match v.get("FlushType").and_then(Value::as_str) {
            Some("flush") => 1,
            Some("delete") => 2,
            _ => return Reply3::error("InvalidParameter", "FlushType must be \"flush\" or \"delete\""),
        };
        if !matches!(v.get("UrlEncode"), None | Some(Value::Bool(_))) {
            return Reply3::error("InvalidParameter", "UrlEncode must be a boolean");
        }
        if !matches!(v.get("Area").map(Value::as_str), None | Some(Some("mainland" | "overseas"))) {
            return Reply3::error("InvalidParameter", "Area must be \"mainland\" or \"overseas\"");
        }
        let account = self.account(secret_id).cloned().expect("verified above");
        for p in &paths {
            let Some(host) = dir_host(p) else {
                return Reply3::error("InvalidParameter.CdnParamError", format!("{p:?} must start with http:// or https://"));
            };
            if !account.domains.iter().any(|d| d.eq_ignore_ascii_case(host)) {
                return Reply3::error("ResourceNotFound.CdnHostNotExists", format!("the domain {host} does not exist in this account"));
            }
        }
        if let Err(used) = self.charge_and_record(&account, &paths, refresh_type, "v3", now) {
            return Reply3::error(
                "LimitExceeded.CdnPurgePathExceedDayLimit",
                format!("daily purge quota exceeded: {used} of {} used today, {} more asked", account.daily_limit, paths.len()),
            );
        }
        Reply3::Success { task_id: fresh_id() }
    }
}
