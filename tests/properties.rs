//! Property tests of the core: for arbitrary valid directories (their scheme, host and port
//! spelled any way) and options, what goes on the wire decodes to exactly the parameters that
//! were signed, each directory as a browser spells it, and the signature verifies; for
//! arbitrary replies and failures, a call accounts for every directory; a refused number is
//! shown as JavaScript writes it. (The JSON reader against serde_json: fuzz/tests/json.rs.)
#![cfg(not(target_arch = "wasm32"))]

use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use qcloud_cdn_refresh::hash::{self, Hash};
use qcloud_cdn_refresh::purge::{Interruption, Step};
use qcloud_cdn_refresh::request::{parse_form, percent_decode, percent_encode};
use qcloud_cdn_refresh::sign::{self, Method, SignatureMethod};
use qcloud_cdn_refresh::{dirs, Error, Purge, RawConfig};

const KEY: &str = "property-secret-key";

/// A directory URL a browser could send, and the same URL as the library sends it: scheme,
/// host (each in a random case), optional port (or the scheme's default, with leading zeros or
/// not), a path of unreserved, reserved, percent-escaped and non-ASCII characters and of dot
/// segments, an optional query. As sent, the scheme and host are in lower case, a default port
/// is gone and the dot segments are resolved.
fn dir() -> impl Strategy<Value = (String, String)> {
    let host = "[a-zA-Z0-9]([a-zA-Z0-9-]{0,12}[a-zA-Z0-9])?(\\.[a-zA-Z]{2,5}){1,2}";
    let port = prop_oneof![Just(None), (1u16..=65535).prop_map(|p| Some(p.to_string())), "0{0,2}".prop_map(|z| Some(format!("{z}DEFAULT")))];
    let segment = prop_oneof![
        4 => "([a-zA-Z0-9._~+&=;,!*'()@$-]|%[0-9A-F]{2}|中文|é|😀){0,10}",
        1 => "(\\.|%2[eE]){1,3}",
    ];
    let path = prop::collection::vec(segment, 0..6);
    let query = prop::option::of("[a-z0-9=&%+]{0,12}");
    (prop::bool::ANY, "[hH][tT][tT][pP]", host, port, path, prop::bool::weighted(0.9), query).prop_map(|(https, http, host, port, path, slash, query)| {
        let (scheme, default) = if https { (format!("{http}s"), "443") } else { (http, "80") };
        let port = port.map(|p| p.replace("DEFAULT", default));
        let mut given = format!("{scheme}://{host}");
        let mut sent = format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase());
        if let Some(p) = port {
            given.push_str(&format!(":{p}"));
            if p.trim_start_matches('0') != default {
                sent.push_str(&format!(":{}", p.trim_start_matches('0')));
            }
        }
        // The path as a stack of segments (WHATWG URL): `.` (or `%2e`, in any case) is dropped,
        // `..` in any of its spellings pops one, and a dot segment at the end leaves a `/`.
        let mut path = path;
        if slash {
            path.push(String::new());
        }
        let dots = |s: &str| s.to_ascii_lowercase().replace("%2e", ".");
        let mut kept: Vec<&str> = Vec::new();
        for seg in &path {
            match dots(seg).as_str() {
                "." => {}
                ".." => drop(kept.pop()),
                _ => kept.push(seg),
            }
        }
        if path.last().is_some_and(|seg| matches!(dots(seg).as_str(), "." | "..")) {
            kept.push("");
        }
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        let given_path: String = path.iter().map(|seg| format!("/{seg}")).collect();
        let sent_path = if kept.is_empty() { "/".to_owned() } else { kept.iter().map(|seg| format!("/{seg}")).collect() };
        (format!("{given}{given_path}{query}"), format!("{sent}{sent_path}{query}"))
    })
}

/// What can come of one attempt, as `Purge` is told it.
#[derive(Clone, Debug)]
enum Attempt {
    /// A response: an index into `STATUSES` and one into `BODIES`.
    Reply(usize, usize),
    /// No response; an index into `LOST`.
    Lost(usize),
    /// The status came back but not the body.
    BodyLost,
    Timeout,
    /// `config.signal` aborted, with the request in flight or not.
    Aborted(bool),
}

const STATUSES: [u16; 10] = [200, 200, 204, 404, 429, 500, 502, 503, 504, 301];
const BODIES: [&str; 7] = [
    r#"{"code":0,"message":"","codeDesc":"Success"}"#,
    r#"{"code":0,"message":"","codeDesc":"Success"}"#,
    r#"{"code":4100,"message":"signature","codeDesc":"AuthFailure"}"#,
    r#"{"code":6000,"message":"internal","codeDesc":"InternalError"}"#,
    r#"{"code":4000,"message":"(9163) too frequent","codeDesc":9163}"#,
    "<html>gateway</html>",
    "",
];
const LOST: [&str; 4] = [
    "fetch failed (connect ECONNREFUSED 127.0.0.1:9)",
    "fetch failed (other side closed, UND_ERR_SOCKET)",
    "NetworkError when attempting to fetch resource.",
    "fetch failed (getaddrinfo EAI_AGAIN cdn.api.qcloud.com)",
];

fn attempt() -> impl Strategy<Value = Attempt> {
    prop_oneof![
        8 => (0..STATUSES.len(), 0..BODIES.len()).prop_map(|(s, b)| Attempt::Reply(s, b)),
        3 => (0..LOST.len()).prop_map(Attempt::Lost),
        1 => Just(Attempt::BodyLost),
        1 => Just(Attempt::Timeout),
        1 => prop::bool::ANY.prop_map(Attempt::Aborted),
    ]
}

/// Feeds `attempt` to `purge`: `Ok` with the step, or the error that ends the call.
fn feed(purge: &mut Purge, attempt: &Attempt) -> Result<Step, Error> {
    match *attempt {
        Attempt::Reply(s, b) => purge.on_response(STATUSES[s], BODIES[b], None, 0, 0.5),
        Attempt::Lost(l) => purge.on_network_error(LOST[l], 0.5),
        Attempt::BodyLost => Err(purge.on_lost_reply(200, "terminated")),
        Attempt::Timeout => Err(purge.interrupted(Interruption::Timeout, true)),
        Attempt::Aborted(in_flight) => Err(purge.interrupted(Interruption::Aborted, in_flight)),
    }
}

/// Whether `attempt`, the only one of a call with no retries, leaves its batch maybe purged.
fn maybe_alone(attempt: &Attempt) -> bool {
    let raw = RawConfig { secret_id: Some("AKIDprop".into()), secret_key: Some(KEY.into()), retries: Some(0.0), ..RawConfig::default() };
    let mut purge = Purge::new(raw, &["https://www.test.com/a/"]).expect("a valid call");
    feed(&mut purge, attempt).err().is_some_and(|e| !e.maybe_submitted.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_wire_decodes_to_the_signed_parameters_and_verifies(
        dirs in prop::collection::vec(dir(), 1..50),
        get in any::<bool>(),
        sha256 in any::<bool>(),
        token in prop::option::of("[A-Za-z0-9+/=_.-]{1,40}"),
        refresh_type in prop::option::of(1u8..=2),
        timestamp in 1u64..4_000_000_000,
        nonce in 1u64..4_000_000_000,
    ) {
        let token = token.filter(|_| !get); // GET refuses a token
        let raw = RawConfig {
            secret_id: Some("AKIDproperty".into()),
            secret_key: Some(KEY.into()),
            token: token.clone(),
            method: Some(if get { "GET" } else { "POST" }.into()),
            signature_method: Some(if sha256 { "HmacSHA256" } else { "HmacSHA1" }.into()),
            refresh_type: refresh_type.map(f64::from),
            daily_limit: Some(1000.0),
            ..RawConfig::default()
        };
        let (given, sent): (Vec<String>, Vec<String>) = dirs.into_iter().unzip();
        let purge = Purge::new(raw, &given).expect("valid directories are accepted");
        let mut unique: Vec<&String> = Vec::new();
        for d in &sent {
            if !unique.contains(&d) {
                unique.push(d);
            }
        }
        let (method, hash) = (if get { Method::Get } else { Method::Post }, if sha256 { SignatureMethod::HmacSha256 } else { SignatureMethod::HmacSha1 });
        let endpoint = &purge.config().endpoint;
        prop_assert_eq!(purge.batch_count(), unique.len().div_ceil(20));
        for (i, batch) in unique.chunks(20).enumerate() {
            let r = purge.request(i, timestamp, nonce + i as u64).expect("each batch signs");
            let wire = match method {
                Method::Post => r.body.clone().expect("a body"),
                Method::Get => r.url.split_once('?').expect("a query").1.to_owned(),
            };
            let params = parse_form(&wire).expect("the wire decodes");
            let mut want: Vec<(String, String)> = vec![
                ("Action".into(), "RefreshCdnDir".into()),
                ("Nonce".into(), (nonce + i as u64).to_string()),
                ("SecretId".into(), "AKIDproperty".into()),
            ];
            if sha256 {
                want.push(("SignatureMethod".into(), "HmacSHA256".into()));
            }
            want.push(("Timestamp".into(), timestamp.to_string()));
            if let Some(t) = &token {
                want.push(("Token".into(), t.clone()));
            }
            want.extend(batch.iter().enumerate().map(|(n, d)| (format!("dirs.{n}"), (*d).clone())));
            if let Some(t) = refresh_type {
                want.push(("type".into(), t.to_string()));
            }
            let (signature, signed) = params.split_last().expect("parameters");
            prop_assert_eq!(&signature.0, "Signature");
            prop_assert_eq!(signed, &want[..]);
            let source = sign::source_string(method, endpoint.host(), endpoint.path(), signed);
            prop_assert_eq!(&signature.1, &sign::signature(KEY, hash, &source));
        }
    }

    /// src/hash.rs against RustCrypto's `sha1`, `sha2` and `hmac`, for lengths around every
    /// padding boundary (55, 56, 63, 64 bytes and their multiples) and keys longer than a block.
    #[test]
    fn hashes_agree_with_rustcrypto(key in prop::collection::vec(any::<u8>(), 0..200), message in prop::collection::vec(any::<u8>(), 0..300)) {
        use sha2::Digest as _;
        prop_assert_eq!(&*hash::digest(Hash::Sha1, &message), &sha1::Sha1::digest(&message)[..]);
        prop_assert_eq!(&*hash::digest(Hash::Sha256, &message), &sha2::Sha256::digest(&message)[..]);
        let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&key).expect("any key length");
        mac.update(&message);
        prop_assert_eq!(&*hash::hmac(Hash::Sha1, &key, &message), &mac.finalize().into_bytes()[..]);
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).expect("any key length");
        mac.update(&message);
        prop_assert_eq!(&*hash::hmac(Hash::Sha256, &key, &message), &mac.finalize().into_bytes()[..]);
    }

    /// A number a message shows ("got …") reads back as itself and is as short as Rust's
    /// `Display` writes it: the shortest decimal that does, as JavaScript's `String(v)` writes
    /// it; a whole number past 2^53 is written out exactly. When the shortest decimal has more
    /// digits than an `f64` integer holds, the message shows as many decimals as fit and `…`,
    /// within a unit of the last one shown.
    #[test]
    fn a_message_shows_the_number_given(v in prop_oneof![any::<f64>().prop_map(|v| if v.is_finite() { v % 1e19 } else { 0.5 }), -1e6..1e6f64, -1.0..1.0f64, (0..1_000_000_000u64, 1..12u32).prop_map(|(n, p)| n as f64 / 10f64.powi(p as i32))]) {
        let mut raw = RawConfig { secret_id: Some("id".into()), secret_key: Some(KEY.into()), timeout_ms: Some(v), ..RawConfig::default() };
        let Err(e) = qcloud_cdn_refresh::Config::from_raw(&mut raw) else { return Ok(()) };
        let shown = e.message.rsplit("got ").next().unwrap_or_default().to_owned();
        match shown.strip_suffix('…') {
            Some(cut) => {
                let places = cut.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
                let gap = v.abs() - cut.trim_start_matches('-').parse::<f64>().unwrap();
                prop_assert!(gap.abs() < 10f64.powi(-places), "{} for {:e}", shown, v);
            }
            None => {
                prop_assert_eq!(shown.parse::<f64>().ok(), Some(v));
                // As short as `Display`'s (`+ 0.0` makes -0 into 0, which JavaScript writes as `0`
                // too). Where two decimals of that length read back as `v`, JavaScript and this
                // take the even one, `Display` the one above: `571525078837058.2` against `.3`.
                if v.abs() < 2f64.powi(53) {
                    prop_assert_eq!(shown.len(), format!("{}", v + 0.0).len(), "{} for {:e}", shown, v);
                }
            }
        }
    }

    #[test]
    fn percent_encoding_round_trips(s in "\\PC*") {
        let mut encoded = String::new();
        percent_encode(&s, &mut encoded);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        prop_assert_eq!(percent_decode(&encoded), Some(s));
    }

    /// Whatever comes back, a call that fails puts every directory in exactly one list, in
    /// order: `submitted` is exactly the accepted batches, `maybe_submitted` the failed batch
    /// or nothing, `pending` the rest. The failed batch is maybe purged exactly when one of its
    /// attempts alone would leave it so: a later attempt never clears what an earlier one may
    /// have done. No batch is sent more than `retries` + 1 times, nor again after an attempt
    /// that may have purged it when `retry_maybe_purged` is off.
    #[test]
    fn a_call_accounts_for_every_directory(
        dirs in prop::collection::vec(0u8..30, 1..60),
        batch_size in 1usize..=20,
        retries in 0u32..4,
        retry_maybe_purged in any::<bool>(),
        attempts in prop::collection::vec(attempt(), 1..40),
    ) {
        let dirs: Vec<String> = dirs.iter().map(|i| format!("https://www.test.com/{i}/")).collect();
        let unique: Vec<String> = dirs.iter().enumerate().filter(|(i, d)| !dirs[..*i].contains(d)).map(|(_, d)| d.clone()).collect();
        let raw = RawConfig {
            secret_id: Some("AKIDprop".into()),
            secret_key: Some(KEY.into()),
            batch_size: Some(batch_size as f64),
            retries: Some(retries as f64),
            retry_maybe_purged: Some(retry_maybe_purged),
            daily_limit: Some(1000.0),
            ..RawConfig::default()
        };
        let mut purge = Purge::new(raw, &dirs).expect("a valid call");
        let mut this_batch: Vec<&Attempt> = Vec::new();
        for attempt in &attempts {
            if purge.is_done() {
                break;
            }
            this_batch.push(attempt);
            prop_assert!(this_batch.len() as u32 <= retries + 1, "sent more than retries + 1 times");
            let resent_after_maybe = this_batch.len() > 1 && maybe_alone(this_batch[this_batch.len() - 2]);
            prop_assert!(retry_maybe_purged || !resent_after_maybe, "sent again after {:?}", this_batch);
            match feed(&mut purge, attempt) {
                Ok(Step::Accepted) => this_batch.clear(),
                Ok(Step::Retry { .. }) => {}
                Err(e) => {
                    let accepted: Vec<String> = purge.accepted().iter().flat_map(|b| dirs::to_strings(&purge.dirs()[b.dirs.clone()])).collect();
                    let all: Vec<String> = [&e.submitted[..], &e.maybe_submitted[..], &e.pending[..]].concat();
                    prop_assert_eq!(&all, &unique, "every directory in one list, in order");
                    prop_assert_eq!(&e.submitted, &accepted);
                    let batch = &unique[accepted.len()..(accepted.len() + batch_size).min(unique.len())];
                    let maybe = this_batch.iter().any(|a| maybe_alone(a));
                    prop_assert_eq!(&e.maybe_submitted[..], if maybe { batch } else { &[][..] }, "{:?}: {}", this_batch, e.message);
                    return Ok(());
                }
            }
        }
        if purge.is_done() {
            let result = purge.finish().expect("every batch accepted");
            prop_assert_eq!(result.dirs, unique);
        }
    }
}
