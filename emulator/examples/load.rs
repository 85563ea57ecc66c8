//! Requests per second the emulator answers on loopback: `make bench-emulator`.
//!
//! Starts the server in-process on a free port, then THREADS clients each send REQUESTS signed
//! `RefreshCdnDir` POSTs over one keep-alive connection, and prints the rate. Every reply must
//! be a success (checked), so the number counts verified, recorded purges.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use qcloud_cdn_emulator::{Account, Options, Server};
use qcloud_cdn_refresh::{Purge, RawConfig};

const THREADS: u64 = 4;
const REQUESTS: u64 = 5_000;

fn main() {
    let account =
        Account { secret_id: "AKIDload".into(), secret_key: "load-key".into(), token: None, domains: vec!["www.test.com".into()], daily_limit: u32::MAX };
    let server = Server::start(Options { port: 0, accounts: vec![account], ..Options::default() }).expect("start");
    let port = server.port();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    // Sign everything first so the clock measures the server, not the client.
    let bodies: Vec<Vec<String>> = (0..THREADS)
        .map(|t| {
            let cfg = RawConfig {
                secret_id: Some("AKIDload".into()),
                secret_key: Some("load-key".into()),
                endpoint: Some(format!("http://127.0.0.1:{port}/v2/index.php")),
                timestamp: Some(now as f64),
                ..RawConfig::default()
            };
            let purge = Purge::new(cfg, &["https://www.test.com/load/"]).unwrap();
            (0..REQUESTS).map(|i| purge.request(0, now, 1 + t * REQUESTS + i).unwrap().body.unwrap()).collect()
        })
        .collect();
    let started = Instant::now();
    let clients: Vec<_> = bodies
        .into_iter()
        .map(|bodies| {
            std::thread::spawn(move || {
                let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                stream.set_nodelay(true).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                for body in bodies {
                    write!(
                        writer,
                        "POST /v2/index.php HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .unwrap();
                    let mut len = 0;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        reader.read_line(&mut line).unwrap();
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut reply = vec![0; len];
                    reader.read_exact(&mut reply).unwrap();
                    assert!(reply.starts_with(b"{\"code\":0,"), "{}", String::from_utf8_lossy(&reply));
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    let total = THREADS * REQUESTS;
    println!("emulator: {total} verified RefreshCdnDir requests from {THREADS} keep-alive clients in {secs:.2} s = {:.0} requests/s", total as f64 / secs);
}
