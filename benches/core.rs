//! The pure core, natively: validating and planning a call, signing a batch, parsing a reply.
//! `make bench` runs these; the JavaScript side is measured by bench/bench.mjs.

use criterion::{criterion_group, criterion_main, Criterion};
use qcloud_cdn_refresh::config::Api;
use qcloud_cdn_refresh::{reply, Purge, RawConfig};

fn config() -> RawConfig {
    RawConfig {
        secret_id: Some("AKIDbench".into()),
        secret_key: Some("bench-secret-key".into()),
        timestamp: Some(1_700_000_000.0),
        nonce: Some(4242.0),
        ..RawConfig::default()
    }
}

fn core(c: &mut Criterion) {
    for n in [1usize, 20] {
        let dirs: Vec<String> = (0..n).map(|i| format!("https://www.example.com/static/{i}/")).collect();
        c.bench_function(&format!("plan and sign {n} dir(s)"), |b| {
            b.iter(|| Purge::new(config(), &dirs).expect("valid").request(0, 0, 0).expect("signed").body)
        });
        let purge = Purge::new(config(), &dirs).expect("valid");
        c.bench_function(&format!("sign a batch of {n}"), |b| b.iter(|| purge.request(0, 0, 0).expect("signed")));
    }
    // The sort's worst case (sign::byte_order): a call of 10 000 directories in reverse order.
    let many: Vec<String> = (0..10_000).rev().map(|i| format!("https://www.example.com/static/{i:05}/")).collect();
    let limits = || RawConfig { daily_limit: Some(1e9), ..config() };
    c.bench_function("plan 10000 dirs in reverse order", |b| b.iter(|| Purge::new(limits(), &many).expect("valid")));
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    c.bench_function("parse a reply", |b| b.iter(|| reply::parse(Api::V2, 200, ok).expect("parsed")));
}

criterion_group!(benches, core);
criterion_main!(benches);
