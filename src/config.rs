//! The caller's options, validated into types that only hold valid values.
//!
//! [`RawConfig`] is what a JavaScript object (or a Rust caller) supplies, option by option;
//! [`Config::from_raw`] checks every value and names the option in its error.

use alloc::borrow::ToOwned;
use alloc::string::String;

use core::fmt;

use crate::dirs::{self, BatchSize, PER_DAY};
use crate::error::Error;
use crate::retry::{Policy, CAP_MS};
use crate::sign::{Method, SignatureMethod};
use crate::text::{cat, contains, find_ascii, first_space_or_control, number, quote, replace_all};

/// The default endpoint of API 2.0 (API-NOTES "Endpoint and action").
pub const DEFAULT_ENDPOINT: &str = "https://cdn.api.qcloud.com/v2/index.php";
/// The default endpoint of API 3.0 (API-NOTES-V3 "Request").
pub const DEFAULT_ENDPOINT_V3: &str = "https://cdn.tencentcloudapi.com/";

/// Which Tencent Cloud API a call speaks (`config.api`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// API 2.0 `RefreshCdnDir`, HmacSHA1/HmacSHA256 over a sorted query (API-NOTES); retired in 2022.
    V2,
    /// API 3.0 `PurgePathCache`, TC3-HMAC-SHA256 over a JSON body (API-NOTES-V3): what works today.
    V3,
}

/// API 3.0 `Area`: which acceleration region's caches to purge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Mainland,
    Overseas,
}

impl Area {
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Mainland => "mainland",
            Area::Overseas => "overseas",
        }
    }
}

/// API 3.0 `X-TC-Language`: the language of the reply's `Error.Message` (API-NOTES-V3
/// "Request"). Without it Tencent answers in Chinese.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    ZhCn,
    EnUs,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }
}

/// Every key a config object may have; anything else is an error, so `secretkey` is caught
/// instead of being ignored. `fetch`, `signal` and `onProgress` are read by the JavaScript
/// boundary only.
pub const KEYS: [&str; 23] = [
    "secretId",
    "secretKey",
    "token",
    "endpoint",
    "method",
    "signatureMethod",
    "type",
    "dailyLimit",
    "timestamp",
    "nonce",
    "fetch",
    "timeoutMs",
    "retries",
    "retryBaseMs",
    "retryMaybePurged",
    "signal",
    "onProgress",
    "proxyUrl",
    "api",
    "area",
    "urlEncode",
    "language",
    "batchSize",
];

/// `config.timeoutMs` when not given: per attempt.
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;

/// The error for a key that is not in [`KEYS`], suggesting the known key it most likely meant:
/// the one it spells with another case or separators (`secret_id`), or else the only one that
/// holds it or is held in it, four letters or more (`timeout`, STS's `TmpSecretId`); with none
/// or several such, every known key is listed.
pub fn unknown_key(key: &str) -> Error {
    let norm = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        }
        out
    };
    let n = norm(key);
    let holds = |a: &str, b: &str| b.len() >= 4 && contains(a, b);
    let (mut hint, mut alike) = (None, 0);
    for k in KEYS {
        let m = norm(k);
        if m == n {
            (hint, alike) = (Some(k), 1);
            break;
        }
        if holds(&m, &n) || holds(&n, &m) {
            (hint, alike) = (Some(k), alike + 1);
        }
    }
    let message = match hint.filter(|_| alike == 1) {
        Some(k) => cat!("config.", key, " is not a known option; did you mean ", k, "?"),
        None => {
            let mut known = cat!("config.", key, " is not a known option (known: ");
            for (i, k) in KEYS.iter().enumerate() {
                known.push_str(if i == 0 { "" } else { ", " });
                known.push_str(k);
            }
            known.push(')');
            known
        }
    };
    Error::invalid_input(message)
}

/// A string that is never printed: `Debug` shows `"[redacted]"`, and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

/// The key pair and, for temporary credentials, the session token (API-NOTES "Common parameters").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub secret_id: String,
    pub secret_key: Secret,
    pub token: Option<Secret>,
}

impl Credentials {
    /// Replaces every occurrence of the secret key or the token in `text` with `[redacted]`:
    /// the last guard before text from outside (an API message, a network error) is shown.
    pub fn redact(&self, text: &str) -> String {
        let mut out = replace_all(text, self.secret_key.expose(), "[redacted]");
        if let Some(t) = &self.token {
            out = replace_all(&out, t.expose(), "[redacted]");
        }
        out
    }
}

/// An API endpoint URL, split into what is signed and what is requested: one `String` and
/// where its parts start, where four copies were four allocations per call (bench/NOTES.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `scheme://host[:port]/path` as requested, without query or fragment: the host in lower
    /// case, the port only when it is not the scheme's default (API-NOTES "Signature" step 5),
    /// the path resolved and at least `/`.
    url: String,
    /// Where the host starts, where its name ends (before any `:port`), and where the path starts.
    host_at: usize,
    name_end: usize,
    path_at: usize,
}

impl Endpoint {
    pub fn parse(url: &str) -> Result<Endpoint, Error> {
        let bad = |why: &str| dirs::refused("config.endpoint", url, 120, why);
        let (scheme, default_port, rest) = dirs::scheme(url).ok_or_else(|| bad("must start with http:// or https://"))?;
        if first_space_or_control(url).is_some() {
            return Err(bad("contains whitespace or a control character"));
        }
        if find_ascii(rest, b"?#").is_some() {
            return Err(bad("must not have a query or fragment: the API's parameters go there"));
        }
        let (host, port, path) = dirs::authority(rest).map_err(bad)?;
        let mut head = String::with_capacity(url.len() + 1);
        head.push_str(scheme);
        let mut out = dirs::host_port(head, host, port, default_port);
        let path_at = out.len();
        // `fetch` sends the path resolved, so that is what is signed.
        dirs::push_path(&mut out, path);
        Ok(Endpoint { url: out, host_at: scheme.len(), name_end: scheme.len() + host.len(), path_at })
    }

    fn part(&self, from: usize, to: usize) -> &str {
        self.url.get(from..to).unwrap_or_default()
    }

    /// The URL as requested.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The host as signed: with `:port` only when the port is not the scheme's default.
    pub fn host(&self) -> &str {
        self.part(self.host_at, self.path_at)
    }

    /// The path as signed; `/` when the URL names none.
    pub fn path(&self) -> &str {
        self.part(self.path_at, self.url.len())
    }

    /// The host without any port: what TC3 signs (API-NOTES-V3 "TC3-HMAC-SHA256" step 1).
    pub fn hostname(&self) -> &str {
        self.part(self.host_at, self.name_end)
    }
}

/// What `config.type` may be, in the words of both APIs (API-NOTES "Endpoint and action",
/// API-NOTES-V3 "Request"), for a caller who knows `FlushType`.
pub const TYPE_RULE: &str = "1 (changed resources: FlushType \"flush\") or 2 (everything: \"delete\")";

/// RefreshCdnDir `type` (API-NOTES "Endpoint and action").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshType {
    /// `type=1`: refresh the resources that changed under the directory.
    Changed = 1,
    /// `type=2`: refresh everything under the directory.
    All = 2,
}

/// The options as supplied, each `None` when not given. Strings and numbers are checked by
/// [`Config::from_raw`]; type mismatches (a number where a string belongs) are caught by
/// whoever fills this in (the JavaScript boundary), naming the option.
#[derive(Clone, Default)]
pub struct RawConfig {
    pub secret_id: Option<String>,
    pub secret_key: Option<String>,
    pub token: Option<String>,
    pub endpoint: Option<String>,
    pub method: Option<String>,
    pub signature_method: Option<String>,
    pub refresh_type: Option<f64>,
    pub daily_limit: Option<f64>,
    pub timestamp: Option<f64>,
    pub nonce: Option<f64>,
    pub timeout_ms: Option<f64>,
    pub retries: Option<f64>,
    pub retry_base_ms: Option<f64>,
    pub retry_maybe_purged: Option<bool>,
    pub proxy_url: Option<String>,
    pub api: Option<String>,
    pub area: Option<String>,
    pub url_encode: Option<bool>,
    pub language: Option<String>,
    pub batch_size: Option<f64>,
}

/// Validated options.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub credentials: Credentials,
    pub endpoint: Endpoint,
    pub method: Method,
    pub signature_method: SignatureMethod,
    pub refresh_type: Option<RefreshType>,
    /// More directories than this in one call are refused before anything is sent.
    pub daily_limit: u32,
    /// Unix seconds used for every batch instead of the clock.
    pub timestamp: Option<u64>,
    /// The first batch's `Nonce`; batch `i` uses `nonce + i`.
    pub nonce: Option<u64>,
    /// How long one attempt may take before it is abandoned as a timeout.
    pub timeout_ms: u64,
    pub retry: Policy,
    /// Where requests are sent instead of `endpoint` (which is still what is signed): an
    /// `http(s)://` URL or a same-origin path like `/cdn-api`.
    pub proxy_url: Option<String>,
    pub api: Api,
    /// API 3.0 `Area`; `None` sends none (both areas).
    pub area: Option<Area>,
    /// API 3.0 `UrlEncode`; `None` sends none.
    pub url_encode: Option<bool>,
    /// API 3.0 `X-TC-Language`; `None` sends none.
    pub language: Option<Language>,
    /// Directories per request.
    pub batch_size: BatchSize,
    /// Whether the call goes to API 2.0's own host by default, no endpoint given: Tencent
    /// retired API 2.0 in 2022, so a failure there says to add `api: "v3"`.
    pub retired: bool,
}

/// Checks `config.proxyUrl`: an absolute `http(s)://` URL whose authority is valid as a
/// directory's (no credentials: `fetch` refuses such a URL, and its error quotes the password),
/// or a same-origin absolute path; with no query or fragment (a GET's parameters are appended).
// Written as the rule reads (neither absolute nor a same-origin path); clippy's De Morgan form
// measured 31 bytes larger with make size.
#[allow(clippy::nonminimal_bool)]
fn proxy(url: &str) -> Result<(), Error> {
    let bad = |why: &str| dirs::refused("config.proxyUrl", url, 120, why);
    let absolute = dirs::scheme(url);
    if absolute.is_none() && !(url.starts_with('/') && !url.starts_with("//")) {
        return Err(bad("must be an http:// or https:// URL, or a path starting with /"));
    }
    if let Some((_, _, rest)) = absolute {
        dirs::authority(rest).map_err(bad)?;
    }
    if first_space_or_control(url).is_some() {
        return Err(bad("contains whitespace or a control character"));
    }
    if find_ascii(url, b"?#").is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(())
}

/// The largest integer a JavaScript number holds exactly.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// The last second with a four-digit year, 9999-12-31T23:59:59Z: TC3 signs the timestamp's date
/// as `YYYY-MM-DD` (API-NOTES-V3 "TC3-HMAC-SHA256" step 2), and milliseconds given for seconds
/// (`Date.now()`, 13 digits), which the API would refuse as expired, are far above it.
pub const MAX_TIMESTAMP: u64 = 253_402_300_799;

/// `value` when it is printable ASCII without spaces (`!` to `~`), as Tencent's key ids, keys
/// and session tokens are. Anything else, typically a newline read from a file along with the
/// key, would make every signature wrong (API-NOTES "Signature" 6) or, in API 3.0's headers
/// (API-NOTES-V3 "Request"), fail in `fetch` as if the network had. The error says what and
/// where, never which character: the key and the token are secret.
fn credential(name: &str, value: String) -> Result<String, Error> {
    let Some((at, c)) = value.char_indices().find(|&(_, c)| !c.is_ascii_graphic()) else { return Ok(value) };
    let what = if c.is_whitespace() {
        "whitespace"
    } else if c.is_control() {
        "a control character"
    } else {
        "a non-ASCII character"
    };
    let place = if at == 0 {
        "at its start".into()
    } else if at + c.len_utf8() == value.len() {
        "at its end".into()
    } else {
        cat!("at byte ", at)
    };
    Err(Error::invalid_input(cat!("config.", name, " has ", what, " ", place, "; Tencent's key ids, keys and tokens are printable ASCII without spaces")))
}

/// The error for an option that must be one of two words (`rule` says which) and is `got`.
fn not_one_of(rule: &str, got: &str) -> Error {
    Error::invalid_input(cat!(rule, ", got ", quote(got, 20)))
}

fn whole(name: &str, v: f64, min: u64, max: u64) -> Result<u64, Error> {
    if v >= min as f64 && v <= max as f64 && v == (v as u64) as f64 {
        Ok(v as u64)
    } else {
        Err(Error::invalid_input(cat!("config.", name, " must be a whole number from ", min, " to ", max, ", got ", number(v))))
    }
}

impl Config {
    /// Credentials-only config with every default.
    pub fn new(secret_id: &str, secret_key: &str) -> Result<Config, Error> {
        Config::from_raw(&mut RawConfig { secret_id: Some(secret_id.into()), secret_key: Some(secret_key.into()), ..RawConfig::default() })
    }

    /// Moves the key id and the key, which every call has, out of `raw` instead of copying them:
    /// an allocation apiece (bench/NOTES.md). The rarer strings are copied, which takes fewer
    /// bytes of `.wasm`. Borrowing `raw`, each early `return Err` has nothing of it to drop:
    /// taking it by value put the drop of every remaining string at each return.
    pub fn from_raw(raw: &mut RawConfig) -> Result<Config, Error> {
        let only = |key: &str, api: &str| Error::invalid_input(cat!("config.", key, " is only for config.api \"", api, "\""));
        let api = match raw.api.as_deref() {
            None | Some("v2") => Api::V2,
            Some("v3") => Api::V3,
            Some(a) => return Err(not_one_of("config.api must be \"v2\" or \"v3\"", a)),
        };
        match api {
            Api::V2 if raw.area.is_some() => return Err(only("area", "v3")),
            Api::V2 if raw.url_encode.is_some() => return Err(only("urlEncode", "v3")),
            Api::V2 if raw.language.is_some() => return Err(only("language", "v3")),
            Api::V3 if raw.method.is_some() => return Err(only("method", "v2")),
            Api::V3 if raw.signature_method.is_some() => return Err(only("signatureMethod", "v2")),
            _ => {}
        }
        let area = match raw.area.as_deref() {
            None => None,
            Some("mainland") => Some(Area::Mainland),
            Some("overseas") => Some(Area::Overseas),
            Some(a) => return Err(not_one_of("config.area must be \"mainland\" or \"overseas\"", a)),
        };
        let language = match raw.language.as_deref() {
            None => None,
            Some("zh-CN") => Some(Language::ZhCn),
            Some("en-US") => Some(Language::EnUs),
            Some(l) => return Err(not_one_of("config.language must be \"en-US\" or \"zh-CN\"", l)),
        };
        let max_batch = if api == Api::V3 { dirs::PER_CALL_V3 } else { dirs::PER_CALL };
        let batch_size = match raw.batch_size {
            None => BatchSize::default(),
            Some(v) => BatchSize::new(whole("batchSize", v, 1, max_batch as u64)? as usize, max_batch).unwrap_or_default(),
        };
        let required = |name: &str, v: &mut Option<String>| match v.as_deref() {
            Some(s) if !s.chars().all(char::is_whitespace) => Ok(v.take().unwrap_or_default()),
            Some(_) => Err(Error::invalid_input(cat!("config.", name, " is empty"))),
            None => Err(Error::invalid_input(cat!("config.", name, " is required"))),
        };
        let secret_id = credential("secretId", required("secretId", &mut raw.secret_id)?)?;
        let secret_key = Secret(credential("secretKey", required("secretKey", &mut raw.secret_key)?)?);
        let token = match raw.token.as_deref() {
            Some("") => return Err(Error::invalid_input("config.token is empty; leave it out when there is none")),
            Some(t) => Some(Secret(credential("token", t.to_owned())?)),
            None => None,
        };
        let method = match raw.method.as_deref() {
            None | Some("POST") => Method::Post,
            Some("GET") => Method::Get,
            Some(m) => return Err(not_one_of("config.method must be \"POST\" or \"GET\"", m)),
        };
        if method == Method::Get && token.is_some() {
            return Err(Error::invalid_input("config.method \"GET\" would put config.token in the URL, where logs keep it; use \"POST\" (the default)"));
        }
        let signature_method = match raw.signature_method.as_deref() {
            None | Some("HmacSHA1") => SignatureMethod::HmacSha1,
            Some("HmacSHA256") => SignatureMethod::HmacSha256,
            Some(m) => return Err(not_one_of("config.signatureMethod must be \"HmacSHA1\" or \"HmacSHA256\"", m)),
        };
        let refresh_type = match raw.refresh_type {
            None => None,
            Some(1.0) => Some(RefreshType::Changed),
            Some(2.0) => Some(RefreshType::All),
            Some(t) => return Err(Error::invalid_input(cat!("config.type must be ", TYPE_RULE, ", got ", number(t)))),
        };
        let daily_limit = match raw.daily_limit {
            None => PER_DAY,
            Some(v) => whole("dailyLimit", v, 1, u32::MAX as u64)? as u32,
        };
        let timestamp = raw.timestamp.map(|v| whole("timestamp (Unix seconds)", v, 1, MAX_TIMESTAMP)).transpose()?;
        let nonce = raw.nonce.map(|v| whole("nonce", v, 1, MAX_SAFE_INTEGER)).transpose()?;
        let timeout_ms = raw.timeout_ms.map_or(Ok(DEFAULT_TIMEOUT_MS), |v| whole("timeoutMs", v, 1, 3_600_000))?;
        let defaults = Policy::default();
        let retry = Policy {
            retries: raw.retries.map_or(Ok(defaults.retries.into()), |v| whole("retries", v, 0, 10))? as u32,
            base_ms: raw.retry_base_ms.map_or(Ok(defaults.base_ms), |v| whole("retryBaseMs", v, 0, CAP_MS))?,
            maybe_purged: raw.retry_maybe_purged.unwrap_or(defaults.maybe_purged),
        };
        let endpoint = Endpoint::parse(raw.endpoint.as_deref().unwrap_or(if api == Api::V3 { DEFAULT_ENDPOINT_V3 } else { DEFAULT_ENDPOINT }))?;
        // TC3 signs the path `/` (API-NOTES-V3 "TC3-HMAC-SHA256" step 1), where API 3.0 is served.
        if api == Api::V3 && endpoint.path() != "/" {
            return Err(Error::invalid_input(cat!(
                "config.endpoint has the path ",
                quote(endpoint.path(), 60),
                ", but API 3.0 is served at / (like https://cdn.tencentcloudapi.com/); to send through a proxy, use config.proxyUrl"
            )));
        }
        // API 3.0's hosts, `<service>.tencentcloudapi.com` (API-NOTES-V3 "Request"), refuse an
        // API 2.0 request, and say so only in API 3.0's words. A proxy named `my-tencentcloudapi.com` is none.
        if api == Api::V2 && endpoint.hostname().ends_with(".tencentcloudapi.com") {
            return Err(Error::invalid_input("config.endpoint is API 3.0's, which takes no API 2.0 request: add config.api \"v3\""));
        }
        let proxy_url = raw.proxy_url.as_deref().map(|p| proxy(p).map(|()| p.to_owned())).transpose()?;
        Ok(Config {
            credentials: Credentials { secret_id, secret_key, token },
            endpoint,
            method,
            signature_method,
            refresh_type,
            daily_limit,
            timestamp,
            nonce,
            timeout_ms,
            retry,
            proxy_url,
            api,
            area,
            url_encode: raw.url_encode,
            language,
            batch_size,
            retired: api == Api::V2 && raw.endpoint.is_none(),
        })
    }
}
