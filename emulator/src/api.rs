//! The API 2.0 rules, as a pure function of (state, request, now): verification of the common
//! parameters and the signature, and the `RefreshCdnDir` action (API-NOTES throughout).
//!
//! Nothing here does I/O or reads a clock, so every rule is tested with a fixed `now`.

use std::collections::HashMap;

use qcloud_cdn_refresh::json::{self, Value};
use qcloud_cdn_refresh::sign::{self, Method, SignatureMethod};

/// Timestamp tolerance and nonce memory, seconds (API-NOTES "Common parameters": 5 minutes).
pub const WINDOW: u64 = 300;

/// Directories per `RefreshCdnDir` call (API-NOTES "Endpoint and action").
pub const PER_CALL: usize = 20;

/// An API account: credentials, the domains it owns, its daily directory quota.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub secret_id: String,
    pub secret_key: String,
    /// When set, every request must carry this `Token` (temporary credentials).
    pub token: Option<String>,
    pub domains: Vec<String>,
    pub daily_limit: u32,
}

impl Account {
    /// The account used when no `--accounts` file is given, printed by `make demo`.
    pub fn demo() -> Account {
        Account {
            secret_id: DEMO_SECRET_ID.into(),
            secret_key: DEMO_SECRET_KEY.into(),
            token: None,
            domains: vec!["www.test.com".into(), "example.com".into()],
            daily_limit: 100,
        }
    }
}

pub const DEMO_SECRET_ID: &str = "AKIDdemo0emulator0account0000000000";
pub const DEMO_SECRET_KEY: &str = "demo-secret-key-for-the-local-emulator";

/// Reads `{"accounts": [{"secretId", "secretKey", "token"?, "domains", "dailyLimit"?}]}`.
pub fn parse_accounts(text: &str) -> Result<Vec<Account>, String> {
    let root = json::parse(text).ok_or("the accounts file is not valid JSON")?;
    let Some(Value::Array(list)) = root.get("accounts") else {
        return Err("the accounts file needs {\"accounts\": [...]}".into());
    };
    list.iter()
        .enumerate()
        .map(|(i, a)| {
            let string = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_owned);
            let need = |k: &str| string(k).filter(|s| !s.is_empty()).ok_or(format!("accounts[{i}].{k} must be a non-empty string"));
            let domains = match a.get("domains") {
                Some(Value::Array(d)) => d
                    .iter()
                    .map(|v| v.as_str().map(str::to_ascii_lowercase).ok_or(format!("accounts[{i}].domains must hold strings")))
                    .collect::<Result<_, _>>()?,
                _ => return Err(format!("accounts[{i}].domains must be an array of host names")),
            };
            let daily_limit = match a.get("dailyLimit") {
                None | Some(Value::Null) => 100,
                Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64 => *n as u32,
                _ => return Err(format!("accounts[{i}].dailyLimit must be a whole number")),
            };
            let token = match a.get("token") {
                None | Some(Value::Null) => None,
                Some(Value::String(t)) => Some(t.clone()),
                _ => return Err(format!("accounts[{i}].token must be a string or null")),
            };
            Ok(Account { secret_id: need("secretId")?, secret_key: need("secretKey")?, token, domains, daily_limit })
        })
        .collect()
}

/// `codeDesc` as the API sends it: a number for module codes, a string otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeDesc {
    Text(&'static str),
    Module(u32),
}

/// The domain a directory URL purges: its host without user info or port; `None` when it is
/// not an `http(s)://` URL.
pub fn dir_host(dir: &str) -> Option<&str> {
    let rest = dir.strip_prefix("http://").or_else(|| dir.strip_prefix("https://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    Some(without_port(host.rsplit_once('@').map_or(host, |(_, h)| h)))
}

/// `host[:port]` → `host`, with the brackets of an IPv6 literal kept (`[::1]:80` → `[::1]`).
pub fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (!h.starts_with('[') || h.ends_with(']')) => h,
        _ => host,
    }
}

/// A reply in the API's JSON shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiReply {
    pub code: i64,
    pub message: String,
    pub code_desc: CodeDesc,
}

impl ApiReply {
    pub fn success() -> ApiReply {
        ApiReply { code: 0, message: String::new(), code_desc: CodeDesc::Text("Success") }
    }

    /// A common error (API-NOTES "Replies": common codes).
    pub fn error(code: i64, message: impl Into<String>) -> ApiReply {
        let desc = match code {
            4000 => "InvalidParameter",
            4100 => "AuthFailure",
            4104 => "SecretIdNotFound",
            4105 => "TokenFailure",
            4500 => "RequestReplayOrExpired",
            6200 => "TemporarilyUnavailable",
            _ => "Error",
        };
        ApiReply { code, message: message.into(), code_desc: CodeDesc::Text(desc) }
    }

    /// A module error: `message` starts with `(NNNN)`, `codeDesc` is NNNN.
    pub fn module(code: i64, module: u32, message: &str) -> ApiReply {
        ApiReply { code, message: format!("({module}) {message}"), code_desc: CodeDesc::Module(module) }
    }

    pub fn to_json(&self) -> String {
        let mut out = format!("{{\"code\":{},\"message\":", self.code);
        json::write_string(&self.message, &mut out);
        out.push_str(",\"codeDesc\":");
        match &self.code_desc {
            CodeDesc::Text(t) => json::write_string(t, &mut out),
            CodeDesc::Module(m) => out.push_str(&m.to_string()),
        }
        out.push('}');
        out
    }
}

/// One accepted directory purge, as `/_emulator/purges` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgeRecord {
    pub time: u64,
    /// `"v2"` or `"v3"`: which API purged it.
    pub api: &'static str,
    pub secret_id: String,
    pub dir: String,
    pub refresh_type: u8,
}

/// The emulated API's state: accounts, the nonces seen inside the window, the purges.
#[derive(Debug, Default)]
pub struct Api {
    accounts: Vec<Account>,
    /// secretId → nonce → when it was seen; entries older than the window are pruned.
    nonces: HashMap<String, HashMap<String, u64>>,
    nonce_count: usize,
    /// When the nonce store was last pruned.
    pruned_at: u64,
    /// (secretId, UTC day) → directories purged that day.
    quota: HashMap<(String, u64), u32>,
    purges: Vec<PurgeRecord>,
}

/// A request as the API sees it.
pub struct Call<'a> {
    pub method: Method,
    /// The request's `Host` header, as the client signed it.
    pub host: &'a str,
    pub path: &'a str,
    /// Decoded parameters from the query (GET) or the body (POST).
    pub params: &'a [(String, String)],
}

impl Api {
    pub fn new(accounts: Vec<Account>) -> Api {
        Api { accounts, ..Api::default() }
    }

    pub fn purges(&self) -> &[PurgeRecord] {
        &self.purges
    }

    /// How many nonces are remembered (bounded by the requests of the last window).
    pub fn nonce_count(&self) -> usize {
        self.nonce_count
    }

    /// Forgets purges, nonces and quotas; accounts stay.
    pub fn reset(&mut self) {
        *self = Api::new(std::mem::take(&mut self.accounts));
    }

    pub fn account(&self, secret_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.secret_id == secret_id)
    }

    /// Answers one call at time `now` (unix seconds).
    pub fn handle(&mut self, call: &Call<'_>, now: u64) -> ApiReply {
        match self.verify(call, now) {
            Ok(secret_id) => match param(call.params, "Action") {
                Some("RefreshCdnDir") => self.refresh_cdn_dir(&secret_id, call.params, now),
                Some(other) => ApiReply::error(4000, format!("unknown Action {other:?}")),
                None => ApiReply::error(4000, "missing required parameter: Action"),
            },
            Err(reply) => reply,
        }
    }

    /// API-NOTES "Common parameters" and "Signature": Ok(secretId) when the request is
    /// authentic, fresh and not a replay.
    fn verify(&mut self, call: &Call<'_>, now: u64) -> Result<String, ApiReply> {
        for name in ["Action", "SecretId", "Timestamp", "Nonce", "Signature"] {
            if param(call.params, name).is_none_or(str::is_empty) {
                return Err(ApiReply::error(4000, format!("missing required parameter: {name}")));
            }
        }
        let mut seen = std::collections::HashSet::new();
        if let Some((k, _)) = call.params.iter().find(|(k, _)| !seen.insert(k.replace('_', "."))) {
            return Err(ApiReply::error(4000, format!("parameter {k} is given twice")));
        }
        let secret_id = param(call.params, "SecretId").unwrap_or_default();
        let account = self.account(secret_id).ok_or_else(|| ApiReply::error(4104, "SecretId not found"))?.clone();
        let hash = match param(call.params, "SignatureMethod") {
            None | Some("HmacSHA1") => SignatureMethod::HmacSha1,
            Some("HmacSHA256") => SignatureMethod::HmacSha256,
            Some(other) => return Err(ApiReply::error(4000, format!("unknown SignatureMethod {other:?}"))),
        };
        let source = sign::source_string(call.method, call.host, call.path, call.params);
        let want = sign::signature(&account.secret_key, hash, &source);
        if !same(want.as_bytes(), param(call.params, "Signature").unwrap_or_default().as_bytes()) {
            return Err(ApiReply::error(4100, "signature verification failed"));
        }
        if let Some(token) = &account.token {
            if !same(param(call.params, "Token").unwrap_or_default().as_bytes(), token.as_bytes()) {
                return Err(ApiReply::error(4105, "Token is missing or wrong"));
            }
        }
        let timestamp: u64 =
            param(call.params, "Timestamp").and_then(|t| t.parse().ok()).ok_or_else(|| ApiReply::error(4000, "Timestamp must be unix seconds"))?;
        if timestamp.abs_diff(now) > WINDOW {
            return Err(ApiReply::error(4500, format!("Timestamp {timestamp} is more than {WINDOW} s from the server's clock {now}")));
        }
        let nonce = param(call.params, "Nonce").unwrap_or_default();
        if !nonce.bytes().all(|b| b.is_ascii_digit()) || nonce.parse::<u64>().map_or(true, |n| n == 0) {
            return Err(ApiReply::error(4000, "Nonce must be a positive integer"));
        }
        self.prune(now);
        let seen = self.nonces.entry(secret_id.to_owned()).or_default();
        if seen.contains_key(nonce) {
            return Err(ApiReply::error(4500, format!("Nonce {nonce} was already used: replay refused")));
        }
        seen.insert(nonce.to_owned(), now);
        self.nonce_count += 1;
        Ok(secret_id.to_owned())
    }

    /// Forgets nonces seen more than two windows ago (a request that old fails the
    /// timestamp check anyway), at most once a second.
    fn prune(&mut self, now: u64) {
        if now == self.pruned_at {
            return;
        }
        self.pruned_at = now;
        let horizon = now.saturating_sub(2 * WINDOW);
        for seen in self.nonces.values_mut() {
            seen.retain(|_, t| *t >= horizon);
        }
        self.nonces.retain(|_, seen| !seen.is_empty());
        self.nonce_count = self.nonces.values().map(HashMap::len).sum();
    }

    /// API-NOTES "Endpoint and action": `dirs.N`, `type`, the limits and the domain check.
    fn refresh_cdn_dir(&mut self, secret_id: &str, params: &[(String, String)], now: u64) -> ApiReply {
        let mut dirs: Vec<(usize, &str)> = Vec::new();
        for (k, v) in params {
            let key = k.replace('_', ".");
            if let Some(n) = key.strip_prefix("dirs.") {
                match n.parse::<usize>() {
                    Ok(i) if n == i.to_string() => dirs.push((i, v)),
                    _ => return ApiReply::error(4000, format!("bad parameter name {k:?}")),
                }
            }
        }
        dirs.sort_unstable();
        if dirs.is_empty() {
            return ApiReply::error(4000, "missing required parameter: dirs.0");
        }
        if dirs.len() > PER_CALL {
            return ApiReply::module(4000, 22045, &format!("too many directories in one call: {} (at most {PER_CALL})", dirs.len()));
        }
        if let Some((at, _)) = dirs.iter().enumerate().find(|(at, (i, _))| at != i) {
            return ApiReply::error(4000, format!("dirs.N must count up from dirs.0 without gaps: dirs.{at} is missing"));
        }
        let refresh_type = match param(params, "type") {
            None | Some("1") => 1,
            Some("2") => 2,
            Some(t) => return ApiReply::error(4000, format!("type must be 1 or 2, got {t:?}")),
        };
        let Some(account) = self.account(secret_id).cloned() else {
            return ApiReply::error(4104, "SecretId not found");
        };
        for (i, dir) in &dirs {
            let Some(host) = dir_host(dir) else {
                return ApiReply::error(4000, format!("dirs.{i} must start with http:// or https://"));
            };
            if !account.domains.iter().any(|d| d.eq_ignore_ascii_case(host)) {
                return ApiReply::module(4000, 9110, "Information for this domain does not exist. cdn no such host");
            }
        }
        let dirs: Vec<&str> = dirs.into_iter().map(|(_, d)| d).collect();
        if let Err(used) = self.charge_and_record(&account, &dirs, refresh_type, "v2", now) {
            return ApiReply::module(
                4000,
                22046,
                &format!("daily directory quota exceeded: {used} of {} used today, {} more asked", account.daily_limit, dirs.len()),
            );
        }
        ApiReply::success()
    }

    /// Charges `dirs` to `account`'s quota for the UTC day of `now` (one quota for both APIs)
    /// and records each purge; `Err(used today)` when they do not fit, and nothing is recorded.
    pub(crate) fn charge_and_record(&mut self, account: &Account, dirs: &[&str], refresh_type: u8, api: &'static str, now: u64) -> Result<(), u32> {
        let used = self.quota.entry((account.secret_id.clone(), now / 86_400)).or_default();
        if *used as usize + dirs.len() > account.daily_limit as usize {
            return Err(*used);
        }
        *used += dirs.len() as u32;
        for dir in dirs {
            self.purges.push(PurgeRecord { time: now, api, secret_id: account.secret_id.clone(), dir: (*dir).to_owned(), refresh_type });
        }
        Ok(())
    }

    /// `/_emulator/purges`: every accepted directory purge, oldest first.
    pub fn purges_json(&self) -> String {
        let mut out = String::from("[");
        for (i, p) in self.purges.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format!("{{\"time\":{},\"api\":\"{}\",\"secretId\":", p.time, p.api));
            json::write_string(&p.secret_id, &mut out);
            out.push_str(",\"dir\":");
            json::write_string(&p.dir, &mut out);
            out.push_str(&format!(",\"type\":{}}}", p.refresh_type));
        }
        out.push(']');
        out
    }
}

/// The first value of parameter `name` (`_` in keys read as `.`, as the API does).
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name || k.replace('_', ".") == name).map(|(_, v)| v.as_str())
}

/// Compares without an early exit, so timing says nothing about where a guess went wrong.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
