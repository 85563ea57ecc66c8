//! The emulator on a socket: the API at `/v2/index.php`, the control endpoints under
//! `/_emulator/`, the demo page and the package as static files, CORS, and fault injection.
//!
//! A thread per connection (keep-alive, idle connections closed after [`IDLE`]); the API state
//! sits behind one mutex that is never held across I/O or a delay.

use std::io::{BufReader, BufWriter};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qcloud_cdn_refresh::json::{self, Value};
use qcloud_cdn_refresh::sign::Method;

use crate::api::{self, Account, Api, ApiReply, Call};
use crate::api3::{self, Call3, Reply3};
use crate::http::{self, Request, Response};

/// An idle keep-alive connection is closed after this long.
pub const IDLE: Duration = Duration::from_secs(10);

/// The API path (API-NOTES "Endpoint and action").
pub const API_PATH: &str = "/v2/index.php";

pub struct Options {
    pub port: u16,
    pub accounts: Vec<Account>,
    /// Send CORS headers and answer preflight requests (the real API did neither).
    pub cors: bool,
    /// Served at `/` (the demo page).
    pub www: Option<PathBuf>,
    /// Served at `/pkg/` (the built npm package).
    pub pkg: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options { port: 8787, accounts: vec![Account::demo()], cors: true, www: None, pkg: None }
    }
}

/// What a fault does to a matching API request.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// Reply with this HTTP status and a non-API body; `Retry-After` when given.
    Status(u16, Option<u32>),
    /// Reply with this redirect status (301 or 308), `Location` the request's own path: what
    /// a proxy that moved, or one that adds a trailing slash, answers.
    Redirect(u16),
    /// Reply that the API is overloaded: v2 code 6200, v3 `InternalError`.
    Api6200,
    /// Reply that requests are too frequent: v2 module code 9163, v3 `RequestLimitExceeded`.
    Throttle,
    /// Wait, then handle the request normally.
    DelayBefore(Duration),
    /// Handle the request (a purge is recorded), then wait before replying.
    DelayAfter(Duration),
    /// Reply 200 with a body that is not JSON.
    NotJson,
    /// Reply 200 with a page that does not end: what an endpoint pointing at a file or a stream
    /// answers. Nothing is purged.
    EndlessBody,
    /// Close the connection without replying.
    Drop,
    /// Handle the request (a purge is recorded), then close the connection without replying.
    DropAfter,
    /// Handle the request (a purge is recorded), then send the reply's status and headers but
    /// only half its body, and close the connection.
    CutBody,
}

#[derive(Clone, Debug)]
struct Fault {
    kind: FaultKind,
    /// Matching requests to let through untouched before the fault starts.
    skip: u32,
    remaining: u32,
    secret_id: Option<String>,
}

#[derive(Default)]
struct State {
    api: Api,
    faults: Vec<Fault>,
}

struct Shared {
    state: Mutex<State>,
    cors: bool,
    www: Option<PathBuf>,
    pkg: Option<PathBuf>,
    stopping: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running emulator; dropping it (or [`Server::stop`]) closes the listener.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Binds `127.0.0.1:port` (0 picks a free port) and starts accepting.
    pub fn start(options: Options) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", options.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State { api: Api::new(options.accounts), faults: Vec::new() }),
            cors: options.cors,
            www: options.www,
            pkg: options.pkg,
            stopping: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let s = Arc::clone(&s);
                    thread::spawn(move || serve(stream, &s));
                }
            }
        });
        Ok(Server { addr, shared, accept: Some(accept) })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stop(&mut self) {
        if let Some(accept) = self.accept.take() {
            self.shared.stopping.store(true, Ordering::SeqCst);
            let _ = TcpStream::connect(self.addr); // wakes the accept loop
            let _ = accept.join();
        }
    }

    /// Blocks until the process is killed.
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Unix seconds: the API's clock, for its checks and its replies' `Date`.
fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE));
    // A client that stops reading an endless body without closing does not hold a thread.
    let _ = stream.set_write_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut writer = BufWriter::new(&stream);
    loop {
        let req = match http::read_request(&mut reader) {
            Ok(Some(req)) => req,
            Ok(None) => return,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                let _ = Response::text(400, &format!("{e}\n")).write_to(&mut writer, true, now());
                return;
            }
            Err(_) => return,
        };
        let close = req.wants_close();
        let Some(mut res) = route(&req, shared) else {
            let _ = stream.shutdown(Shutdown::Both); // the "drop" fault
            return;
        };
        if shared.cors {
            res.headers.push(("access-control-allow-origin", "*".into()));
        }
        if res.write_to(&mut writer, close, now()).is_err() || close || res.cut || res.endless {
            return;
        }
    }
}

/// `None` means: drop the connection without a reply.
fn route(req: &Request, shared: &Shared) -> Option<Response> {
    let path = req.path.as_str();
    Some(match (req.method.as_str(), path) {
        ("OPTIONS", _) if shared.cors => {
            let mut res = Response::new(204, "text/plain", "");
            res.headers.push(("access-control-allow-methods", "GET, POST, DELETE, OPTIONS".into()));
            res.headers.push((
                "access-control-allow-headers",
                "content-type, authorization, x-tc-action, x-tc-version, x-tc-timestamp, x-tc-token, x-tc-language".into(),
            ));
            res.headers.push(("access-control-max-age", "600".into()));
            res
        }
        ("GET" | "POST", API_PATH) => return api_request(req, shared),
        ("POST", "/") => return api3_request(req, shared),
        (_, API_PATH) => Response::text(405, "the API takes GET or POST\n"),
        ("GET", "/_emulator/purges") => Response::json(200, shared.lock().api.purges_json()),
        ("POST", "/_emulator/faults") => match parse_fault(&req.body) {
            Ok(fault) => {
                shared.lock().faults.push(fault);
                Response::json(200, "{\"ok\":true}")
            }
            Err(e) => Response::text(400, &format!("{e}\n")),
        },
        ("DELETE", "/_emulator/faults") => {
            shared.lock().faults.clear();
            Response::json(200, "{\"ok\":true}")
        }
        ("POST", "/_emulator/reset") => {
            let mut state = shared.lock();
            state.api.reset();
            state.faults.clear();
            Response::json(200, "{\"ok\":true}")
        }
        ("GET", _) => static_file(path, shared),
        _ => Response::text(404, "not found\n"),
    })
}

fn api_request(req: &Request, shared: &Shared) -> Option<Response> {
    let method = if req.method == "GET" { Method::Get } else { Method::Post };
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return Some(api_reply(&ApiReply::error(4000, e))),
    };
    let secret_id = api::param(&params, "SecretId").unwrap_or_default();
    let busy = |throttled: bool| match throttled {
        false => api_reply(&ApiReply::error(6200, "service temporarily unavailable (emulated fault)")),
        true => api_reply(&ApiReply::module(4000, 9163, "requests too frequent (emulated fault)")),
    };
    let after = match with_fault(shared, secret_id, &req.path, busy) {
        Ok(after) => after,
        Err(early) => return early,
    };
    let host = req.header("host").unwrap_or_default();
    let reply = shared.lock().api.handle(&Call { method, host, path: &req.path, params: &params }, now());
    after.apply(api_reply(&reply))
}

/// API 3.0: `POST /` (API-NOTES-V3 "Request").
fn api3_request(req: &Request, shared: &Shared) -> Option<Response> {
    let authorization = req.header("authorization");
    let secret_id = authorization.and_then(api3::secret_id).unwrap_or_default();
    let busy = |throttled: bool| match throttled {
        false => api3_reply(&Reply3::Error { code: "InternalError", message: "internal error (emulated fault)".into() }),
        true => api3_reply(&Reply3::Error { code: "RequestLimitExceeded", message: "requests too frequent (emulated fault)".into() }),
    };
    let after = match with_fault(shared, secret_id, &req.path, busy) {
        Ok(after) => after,
        Err(early) => return early,
    };
    let call = Call3 {
        host: req.header("host").unwrap_or_default(),
        content_type: req.header("content-type").unwrap_or_default(),
        action: req.header("x-tc-action"),
        version: req.header("x-tc-version"),
        timestamp: req.header("x-tc-timestamp"),
        authorization,
        token: req.header("x-tc-token"),
        body: &req.body,
    };
    let reply = shared.lock().api.handle_v3(&call, now());
    after.apply(api3_reply(&reply))
}

fn api3_reply(reply: &Reply3) -> Response {
    Response::json(200, reply.to_json())
}

/// What a fault does to a request that is handled: reply as usual, late, with half the body,
/// or not at all.
#[derive(Default)]
enum After {
    #[default]
    Reply,
    Late(Duration),
    Cut,
    Drop,
}

impl After {
    /// The reply to send; `None`: drop the connection.
    fn apply(self, mut reply: Response) -> Option<Response> {
        match self {
            After::Reply => {}
            After::Late(d) => thread::sleep(d),
            After::Cut => reply.cut = true,
            After::Drop => return None,
        }
        Some(reply)
    }
}

/// Applies the next fault that matches `secret_id`: `Ok(after)` to go on and handle the
/// request, or `Err(reply)` to answer now (`None`: drop the connection). `busy` answers in the
/// API's own words: overloaded (`false`) or throttled (`true`).
fn with_fault(shared: &Shared, secret_id: &str, path: &str, busy: impl Fn(bool) -> Response) -> Result<After, Option<Response>> {
    match take_fault(&mut shared.lock(), secret_id) {
        None => Ok(After::default()),
        Some(FaultKind::Redirect(status)) => {
            let mut res = Response::new(status, "text/html", format!("<html><body>moved to {path} (emulated fault)</body></html>"));
            res.headers.push(("location", path.to_owned()));
            Err(Some(res))
        }
        Some(FaultKind::Status(status, retry_after)) => {
            let mut res = Response::new(status, "text/html", format!("<html><body><h1>{status}</h1>emulated fault</body></html>"));
            if let Some(s) = retry_after {
                res.headers.push(("retry-after", s.to_string()));
            }
            Err(Some(res))
        }
        Some(FaultKind::Api6200) => Err(Some(busy(false))),
        Some(FaultKind::Throttle) => Err(Some(busy(true))),
        Some(FaultKind::NotJson) => Err(Some(Response::text(200, "upstream said: not json (emulated fault)"))),
        Some(FaultKind::EndlessBody) => {
            let mut res = Response::new(200, "text/html", "<p>a page that does not end (emulated fault)</p>\n".repeat(1024));
            res.endless = true;
            Err(Some(res))
        }
        Some(FaultKind::Drop) => Err(None),
        Some(FaultKind::DelayBefore(d)) => {
            thread::sleep(d);
            Ok(After::default())
        }
        Some(FaultKind::DelayAfter(d)) => Ok(After::Late(d)),
        Some(FaultKind::CutBody) => Ok(After::Cut),
        Some(FaultKind::DropAfter) => Ok(After::Drop),
    }
}

fn api_reply(reply: &ApiReply) -> Response {
    Response::json(200, reply.to_json())
}

fn take_fault(state: &mut State, secret_id: &str) -> Option<FaultKind> {
    let i = state.faults.iter().position(|f| f.secret_id.as_deref().is_none_or(|s| s == secret_id))?;
    let fault = &mut state.faults[i];
    if fault.skip > 0 {
        fault.skip -= 1;
        return None;
    }
    fault.remaining -= 1;
    let kind = fault.kind.clone();
    if fault.remaining == 0 {
        state.faults.remove(i);
    }
    Some(kind)
}

/// `{"fault": "http-500"|"http-502"|"http-503"|"http-504"|"http-429"|"redirect-301"|"redirect-308"|"api-6200"|"throttle"|"delay"|"delay-after"|"not-json"|"endless-body"|"drop"|"drop-after"|"cut-body",
///   "count"?: N (default 1), "skip"?: N (default 0), "secretId"?: "...", "delayMs"?: N, "retryAfter"?: seconds}`
fn parse_fault(body: &[u8]) -> Result<Fault, String> {
    let v = std::str::from_utf8(body).ok().and_then(json::parse).ok_or("the fault must be a JSON object")?;
    let number = |k: &str| -> Result<Option<u64>, String> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e12 => Ok(Some(*n as u64)),
            _ => Err(format!("{k} must be a whole number")),
        }
    };
    let delay = Duration::from_millis(number("delayMs")?.unwrap_or(1000));
    let kind = match v.get("fault").and_then(Value::as_str) {
        Some("http-500") => FaultKind::Status(500, None),
        Some("http-502") => FaultKind::Status(502, None),
        Some("http-504") => FaultKind::Status(504, None),
        Some("http-503") => FaultKind::Status(503, number("retryAfter")?.map(|s| s as u32)),
        Some("http-429") => FaultKind::Status(429, number("retryAfter")?.map(|s| s as u32)),
        Some("redirect-301") => FaultKind::Redirect(301),
        Some("redirect-308") => FaultKind::Redirect(308),
        Some("api-6200") => FaultKind::Api6200,
        Some("throttle") => FaultKind::Throttle,
        Some("delay") => FaultKind::DelayBefore(delay),
        Some("delay-after") => FaultKind::DelayAfter(delay),
        Some("not-json") => FaultKind::NotJson,
        Some("endless-body") => FaultKind::EndlessBody,
        Some("drop") => FaultKind::Drop,
        Some("drop-after") => FaultKind::DropAfter,
        Some("cut-body") => FaultKind::CutBody,
        other => return Err(format!("unknown fault {other:?}")),
    };
    let remaining = number("count")?.unwrap_or(1).clamp(1, u32::MAX as u64) as u32;
    let secret_id = v.get("secretId").and_then(Value::as_str).map(str::to_owned);
    let skip = number("skip")?.unwrap_or(0).min(u32::MAX as u64) as u32;
    Ok(Fault { kind, skip, remaining, secret_id })
}

fn static_file(path: &str, shared: &Shared) -> Response {
    let (root, rel) = match path.strip_prefix("/pkg/") {
        Some(rel) => (&shared.pkg, rel),
        None => (&shared.www, path.trim_start_matches('/')),
    };
    let Some(root) = root else { return Response::text(404, "not found\n") };
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let rel = Path::new(rel);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Response::text(404, "not found\n");
    }
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => {
            let mut res = Response::new(200, content_type(rel), bytes);
            res.headers.push(("cache-control", "no-store".into()));
            res
        }
        Err(_) => Response::text(404, "not found\n"),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "text/plain; charset=utf-8",
    }
}
