//! The emulator over real sockets: both form encodings and GET, the control endpoints, CORS,
//! static files and every fault.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use qcloud_cdn_emulator::{Account, Options, Server};
use qcloud_cdn_refresh::{Purge, RawConfig};

const ID: &str = "AKIDhttp";
const KEY: &str = "http-key";

/// A server with static files of its own, in a directory that is removed with it.
struct Started {
    server: Server,
    dir: std::path::PathBuf,
}

impl Started {
    fn port(&self) -> u16 {
        self.server.port()
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        self.server.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start(cors: bool) -> Started {
    // One directory per server: the tests run in parallel, and each removes its own.
    static SERVERS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("emulator-static-{}-{n}", std::process::id()));
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("www/index.html"), "<!doctype html><title>demo</title>").unwrap();
    std::fs::write(dir.join("pkg/x.wasm"), b"\0asm").unwrap();
    let accounts = vec![
        Account { secret_id: ID.into(), secret_key: KEY.into(), token: None, domains: vec!["www.test.com".into()], daily_limit: 1000 },
        Account { secret_id: "AKIDother".into(), secret_key: "other-key".into(), token: None, domains: vec!["www.test.com".into()], daily_limit: 1000 },
    ];
    let server = Server::start(Options { port: 0, accounts, cors, www: Some(dir.join("www")), pkg: Some(dir.join("pkg")) }).unwrap();
    Started { server, dir }
}

struct Reply {
    status: u16,
    head: String,
    body: String,
    /// The `Date` header as sent.
    date: Option<String>,
}

/// Sends raw bytes; `None` when the server closed the connection without a reply.
fn send(port: u16, raw: &str) -> Option<Reply> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let date = head.lines().find_map(|l| l.strip_prefix("date: ")).map(str::to_owned);
    Some(Reply { status: head[9..12].parse().unwrap(), head: head.to_ascii_lowercase(), body: body.to_owned(), date })
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as f64
}

/// A request signed by the client library for this server, as (method, target, body).
fn signed(port: u16, method: &str, secret_id: &str, key: &str, dirs: &[&str]) -> (String, String, Option<String>) {
    let cfg = RawConfig {
        secret_id: Some(secret_id.into()),
        secret_key: Some(key.into()),
        endpoint: Some(format!("http://127.0.0.1:{port}/v2/index.php")),
        method: Some(method.into()),
        timestamp: Some(now()),
        ..RawConfig::default()
    };
    let nonce = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos() as u64 + 1;
    let purge = Purge::new(cfg, dirs).unwrap();
    let r = purge.request(0, 0, nonce).unwrap();
    let target = r.url.split_once(&format!("127.0.0.1:{port}")).unwrap().1.to_owned();
    (method.to_owned(), target, r.body)
}

fn api(port: u16, dirs: &[&str]) -> Option<Reply> {
    api_as(port, ID, KEY, dirs)
}

fn api_as(port: u16, id: &str, key: &str, dirs: &[&str]) -> Option<Reply> {
    let (method, target, body) = signed(port, "POST", id, key, dirs);
    let body = body.unwrap();
    send(
        port,
        &format!(
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

fn control(port: u16, method: &str, path: &str, body: &str) -> Reply {
    send(port, &format!("{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())).unwrap()
}

const OK: &str = r#"{"code":0,"message":"","codeDesc":"Success"}"#;

#[test]
fn post_get_and_multipart_are_accepted_and_recorded() {
    let server = start(true);
    let port = server.port();
    let r = api(port, &["http://www.test.com/post/"]).unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, OK));
    assert!(r.head.contains("content-type: application/json"));

    let (_, target, _) = signed(port, "GET", ID, KEY, &["http://www.test.com/get/?q=1"]);
    let r = send(port, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")).unwrap();
    assert_eq!(r.body, OK);

    let (_, target, body) = signed(port, "POST", ID, KEY, &["http://www.test.com/multipart/中文/"]);
    let params = qcloud_cdn_refresh::request::parse_form(&body.unwrap()).unwrap();
    let mut form = String::new();
    for (k, v) in &params {
        form.push_str(&format!("--XyZ\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
    }
    form.push_str("--XyZ--\r\n");
    let r = send(
        port,
        &format!(
            "POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        ),
    )
    .unwrap();
    assert_eq!(r.body, OK);

    let purges = control(port, "GET", "/_emulator/purges", "").body;
    for dir in ["http://www.test.com/post/", "http://www.test.com/get/?q=1", "http://www.test.com/multipart/中文/"] {
        assert_eq!(purges.matches(&format!("\"dir\":\"{dir}\"")).count(), 1, "{purges}");
    }
    assert!(purges.contains(&format!("\"api\":\"v2\",\"secretId\":\"{ID}\"")), "{purges}");
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let server = start(true);
    let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    let mut buf = [0u8; 4096];
    for _ in 0..3 {
        s.write_all(b"GET /_emulator/purges HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let n = s.read(&mut buf).unwrap();
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(text.starts_with("HTTP/1.1 200 OK") && text.ends_with("\r\n\r\n[]"), "{text}");
    }
}

#[test]
fn cors_is_on_by_default_and_can_be_turned_off() {
    let server = start(true);
    let pre = send(
        server.port(),
        "OPTIONS /v2/index.php HTTP/1.1\r\nHost: x\r\nOrigin: http://a\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(pre.status, 204);
    assert!(pre.head.contains("access-control-allow-origin: *") && pre.head.contains("access-control-allow-methods: get, post"), "{}", pre.head);
    assert!(api(server.port(), &["http://www.test.com/a/"]).unwrap().head.contains("access-control-allow-origin: *"));

    let real = start(false);
    let pre = send(real.port(), "OPTIONS /v2/index.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    assert_ne!(pre.status, 204);
    let r = api(real.port(), &["http://www.test.com/a/"]).unwrap();
    assert_eq!(r.body, OK);
    assert!(!r.head.contains("access-control"), "{}", r.head);
}

#[test]
fn serves_the_page_and_the_package_but_nothing_outside() {
    let server = start(true);
    let page = control(server.port(), "GET", "/", "");
    assert_eq!((page.status, page.body.as_str()), (200, "<!doctype html><title>demo</title>"));
    assert!(page.head.contains("content-type: text/html"));
    let wasm = control(server.port(), "GET", "/pkg/x.wasm", "");
    assert!(wasm.status == 200 && wasm.head.contains("content-type: application/wasm"));
    for path in ["/../Cargo.toml", "/pkg/../www/index.html", "/missing.js", "/%2e%2e/x"] {
        assert_eq!(control(server.port(), "GET", path, "").status, 404, "{path}");
    }
}

#[test]
fn malformed_requests_get_400_or_a_4000_reply() {
    let server = start(true);
    assert_eq!(send(server.port(), "NONSENSE\r\n\r\n").unwrap().status, 400);
    let r =
        send(server.port(), "POST /v2/index.php HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nab").unwrap();
    assert!(r.body.starts_with(r#"{"code":4000,"message":"unsupported Content-Type \"text/plain\": send a form""#), "{}", r.body);
    let r = send(server.port(), "PUT /v2/index.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    assert_eq!(r.status, 405);
}

/// Each fault hits the next matching request only, and a faulted request purges nothing
/// (except `delay-after`, which purges and then answers late).
#[test]
fn faults() {
    let server = start(true);
    let port = server.port();
    let table: [(&str, Option<u16>, &str); 9] = [
        (r#"{"fault":"http-500"}"#, Some(500), "emulated fault"),
        (r#"{"fault":"http-502"}"#, Some(502), "emulated fault"),
        (r#"{"fault":"http-504"}"#, Some(504), "emulated fault"),
        (r#"{"fault":"http-503","retryAfter":3}"#, Some(503), "emulated fault"),
        (r#"{"fault":"http-429","retryAfter":1}"#, Some(429), "emulated fault"),
        (r#"{"fault":"api-6200"}"#, Some(200), r#"{"code":6200,"#),
        (r#"{"fault":"not-json"}"#, Some(200), "upstream said: not json"),
        (r#"{"fault":"drop"}"#, None, ""),
        (r#"{"fault":"delay","delayMs":300}"#, Some(200), OK),
    ];
    for (i, (fault, status, body)) in table.into_iter().enumerate() {
        assert_eq!(control(port, "POST", "/_emulator/faults", fault).status, 200, "{fault}");
        let dir = format!("http://www.test.com/fault/{i}/");
        let started = Instant::now();
        let r = api(port, &[&dir]);
        assert_eq!(r.as_ref().map(|r| r.status), status, "{fault}");
        assert!(r.as_ref().map_or(String::new(), |r| r.body.clone()).contains(body), "{fault}");
        if fault.contains("retryAfter\":3") {
            assert!(r.unwrap().head.contains("retry-after: 3"));
        }
        if fault.contains("delay") {
            assert!(started.elapsed() >= Duration::from_millis(300));
        }
        let recorded = control(port, "GET", "/_emulator/purges", "").body.contains(&dir);
        assert_eq!(recorded, fault.contains("delay"), "{fault}: recorded {recorded}");
        assert_eq!(api(port, &[&format!("http://www.test.com/after/{i}/")]).unwrap().body, OK, "{fault} hit one request only");
    }

    // delay-after: the purge is recorded before the late reply.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"delay-after","delayMs":400}"#);
    let p = std::thread::spawn(move || api(port, &["http://www.test.com/late/"]));
    std::thread::sleep(Duration::from_millis(200));
    assert!(control(port, "GET", "/_emulator/purges", "").body.contains("/late/"), "recorded while the reply is held");
    assert_eq!(p.join().unwrap().unwrap().body, OK);

    // cut-body: purged, then half the announced body and the connection closed.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"cut-body"}"#);
    let r = api(port, &["http://www.test.com/cut/"]).unwrap();
    assert_eq!(r.status, 200);
    assert!(r.head.contains(&format!("content-length: {}", OK.len())), "{}", r.head);
    assert_eq!(r.body, OK[..OK.len() / 2]);
    assert!(control(port, "GET", "/_emulator/purges", "").body.contains("/cut/"), "recorded before the cut reply");

    // endless-body: 200 and a page with no Content-Length that goes on for as long as it is
    // read (here 1 MiB), and nothing purged; the server goes on when the client hangs up.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"endless-body"}"#);
    let (_, target, body) = signed(port, "POST", ID, KEY, &["http://www.test.com/endless/"]);
    let body = body.unwrap();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "POST {target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut got = vec![0; 1 << 20];
    s.read_exact(&mut got).unwrap();
    drop(s);
    let text = String::from_utf8_lossy(&got);
    let (head, page) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 ") && head.contains("connection: close") && !head.contains("content-length"), "{head}");
    assert!(page.starts_with("<p>a page that does not end (emulated fault)</p>\n<p>"), "{}", &page[..80]);
    assert!(!control(port, "GET", "/_emulator/purges", "").body.contains("/endless/"), "nothing purged");
    assert_eq!(api(port, &["http://www.test.com/after-endless/"]).unwrap().body, OK);

    // drop-after: purged, then the connection closed without a reply.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"drop-after"}"#);
    assert!(api(port, &["http://www.test.com/dropped/"]).is_none(), "no reply");
    assert!(control(port, "GET", "/_emulator/purges", "").body.contains("/dropped/"), "recorded before the connection was dropped");

    // count and per-account faults.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"http-503","count":2,"secretId":"AKIDother"}"#);
    assert_eq!(api(port, &["http://www.test.com/a/"]).unwrap().body, OK, "another account is not hit");
    assert_eq!(api_as(port, "AKIDother", "other-key", &["http://www.test.com/a/"]).unwrap().status, 503);
    assert_eq!(api_as(port, "AKIDother", "other-key", &["http://www.test.com/a/"]).unwrap().status, 503);
    assert_eq!(api_as(port, "AKIDother", "other-key", &["http://www.test.com/a/"]).unwrap().body, OK);

    // skip: the first requests pass, then the fault hits.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"http-502","skip":2}"#);
    assert_eq!(api(port, &["http://www.test.com/s1/"]).unwrap().body, OK);
    assert_eq!(api(port, &["http://www.test.com/s2/"]).unwrap().body, OK);
    assert_eq!(api(port, &["http://www.test.com/s3/"]).unwrap().status, 502);
    assert_eq!(api(port, &["http://www.test.com/s4/"]).unwrap().body, OK);

    // DELETE clears; reset forgets purges too.
    control(port, "POST", "/_emulator/faults", r#"{"fault":"http-500","count":100}"#);
    control(port, "DELETE", "/_emulator/faults", "");
    assert_eq!(api(port, &["http://www.test.com/b/"]).unwrap().body, OK);
    control(port, "POST", "/_emulator/reset", "");
    assert_eq!(control(port, "GET", "/_emulator/purges", "").body, "[]");
    assert_eq!(control(port, "POST", "/_emulator/faults", r#"{"fault":"meteor"}"#).status, 400);
}

#[test]
fn every_reply_is_dated_as_the_api_s_are() {
    assert_eq!(qcloud_cdn_emulator::http::http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT", "RFC 9110's example");
    assert_eq!(qcloud_cdn_emulator::http::http_date(951_825_600), "Tue, 29 Feb 2000 12:00:00 GMT");
    let server = start(true);
    let before = now() as u64;
    let reply = api(server.port(), &["https://www.test.com/dated/"]).expect("a reply");
    let date = reply.date.expect("a Date header");
    // Read back by the client's own reader of HTTP dates (Retry-After's): now, to the second.
    let wait = qcloud_cdn_refresh::retry::retry_after_ms(&date, before * 1000 - 5000).expect("an IMF-fixdate");
    assert!((5000..=7000).contains(&wait), "{date}: {wait} ms after 5 s before the request");
}
