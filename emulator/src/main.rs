//! `qcloud-cdn-emulator [--port N] [--accounts FILE] [--no-cors] [--www DIR] [--pkg DIR]`

use std::path::PathBuf;
use std::process::ExitCode;

use qcloud_cdn_emulator::{api, Options, Server};

const USAGE: &str = "usage: qcloud-cdn-emulator [--port N] [--accounts FILE] [--no-cors] [--www DIR] [--pkg DIR]

Emulates Tencent Cloud CDN API 2.0 (RefreshCdnDir) on http://127.0.0.1:PORT/v2/index.php
and API 3.0 (PurgePathCache, TC3-HMAC-SHA256) on POST http://127.0.0.1:PORT/.
  --port N         port to listen on (default 8787; 0 picks a free one)
  --accounts FILE  JSON {\"accounts\": [{\"secretId\", \"secretKey\", \"token\", \"domains\", \"dailyLimit\"}]}
                   (default: one demo account owning www.test.com and example.com)
  --no-cors        send no CORS headers, like the real API
  --www DIR        serve DIR at /   (the demo page)
  --pkg DIR        serve DIR at /pkg/ (the built npm package)";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qcloud-cdn-emulator: {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => options.port = value("--port")?.parse().map_err(|_| "--port takes a number from 0 to 65535")?,
            "--accounts" => {
                let file = value("--accounts")?;
                let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
                options.accounts = api::parse_accounts(&text).map_err(|e| format!("{file}: {e}"))?;
            }
            "--no-cors" => options.cors = false,
            "--www" => options.www = Some(PathBuf::from(value("--www")?)),
            "--pkg" => options.pkg = Some(PathBuf::from(value("--pkg")?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let server = Server::start(options).map_err(|e| format!("cannot listen: {e}"))?;
    println!("listening on {}", server.url());
    server.wait();
    Ok(())
}
