//! The emulated API's rules with a fixed clock: every documented code, the known-answer
//! vectors, tampering, replay, expiry and the quota.

use qcloud_cdn_emulator::api::{parse_accounts, Account, Api, ApiReply, Call, CodeDesc, WINDOW};
use qcloud_cdn_refresh::request::parse_form;
use qcloud_cdn_refresh::sign::{self, Method, SignatureMethod};
use qcloud_cdn_refresh::{Purge, RawConfig};

const DOC_ID: &str = "AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D";
const DOC_KEY: &str = "pxPgRWDbCy86ZYyqBTDk7WmeRZSmPco0";
const DOC_TIME: u64 = 1462865178;
const HOST: &str = "cdn.api.qcloud.com";
const PATH: &str = "/v2/index.php";

fn account(token: Option<&str>, daily_limit: u32) -> Account {
    Account { secret_id: DOC_ID.into(), secret_key: DOC_KEY.into(), token: token.map(Into::into), domains: vec!["www.test.com".into()], daily_limit }
}

fn call(api: &mut Api, method: Method, params: &[(String, String)], now: u64) -> ApiReply {
    api.handle(&Call { method, host: HOST, path: PATH, params }, now)
}

/// Parameters signed by hand (so requests the client would refuse can be built too).
fn signed(method: Method, params: &[(&str, &str)], key: &str) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let hash = if params.iter().any(|(k, v)| *k == "SignatureMethod" && *v == "HmacSHA256") { SignatureMethod::HmacSha256 } else { SignatureMethod::HmacSha1 };
    let sig = sign::signature(key, hash, &sign::source_string(method, HOST, PATH, &p));
    p.push(("Signature".into(), sig));
    p
}

fn base(nonce: &str) -> Vec<(&'static str, String)> {
    vec![("Action", "RefreshCdnDir".into()), ("Nonce", nonce.into()), ("SecretId", DOC_ID.into()), ("Timestamp", DOC_TIME.to_string())]
}

fn refresh(nonce: &str, dirs: &[&str], extra: &[(&'static str, &str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = base(nonce).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for (i, d) in dirs.iter().enumerate() {
        p.push((format!("dirs.{i}"), d.to_string()));
    }
    for (k, v) in extra {
        p.push((k.to_string(), v.to_string()));
    }
    let borrowed: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    signed(Method::Post, &borrowed, DOC_KEY)
}

/// The API-NOTES RefreshCdnDir vectors, as the client builds them, are accepted.
#[test]
fn known_answer_vectors_are_accepted() {
    let table = [("POST", "HmacSHA1", None), ("GET", "HmacSHA1", None), ("POST", "HmacSHA256", None), ("POST", "HmacSHA1", Some("tmpToken123"))];
    for (method, hash, token) in table {
        let cfg = RawConfig {
            secret_id: Some(DOC_ID.into()),
            secret_key: Some(DOC_KEY.into()),
            token: token.map(Into::into),
            method: Some(method.into()),
            signature_method: Some(hash.into()),
            timestamp: Some(DOC_TIME as f64),
            nonce: Some(279749933.0),
            ..RawConfig::default()
        };
        let purge = Purge::new(cfg, &["http://www.test.com/test/"]).unwrap();
        let req = purge.request(0, 0, 0).unwrap();
        let wire = req.body.clone().unwrap_or_else(|| req.url.split_once('?').unwrap().1.to_owned());
        let params = parse_form(&wire).unwrap();
        let mut api = Api::new(vec![account(token, 100)]);
        assert_eq!(call(&mut api, req.method, &params, DOC_TIME), ApiReply::success(), "{method} {hash} {token:?}");
        assert_eq!(api.purges().len(), 1);
        assert_eq!(api.purges()[0].dir, "http://www.test.com/test/");
    }
    // The documented source string and signature, checked without the client.
    let params = refresh("279749933", &["http://www.test.com/test/"], &[]);
    assert_eq!(params.last().unwrap().1, "dwayh9PCYVBTZQbQ6BPO+5WI3js=");
}

/// Changing any one byte of the wire body, the host, the path or the method is rejected.
#[test]
fn a_one_byte_change_anywhere_is_rejected() {
    let body = "Action=RefreshCdnDir&Nonce=279749933&SecretId=AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D&Timestamp=1462865178\
                &dirs.0=http%3A%2F%2Fwww.test.com%2Ftest%2F&Signature=dwayh9PCYVBTZQbQ6BPO%2B5WI3js%3D";
    let fresh = || Api::new(vec![account(None, 100)]);
    assert_eq!(call(&mut fresh(), Method::Post, &parse_form(body).unwrap(), DOC_TIME), ApiReply::success());
    let mut rejected = 0;
    for i in 0..body.len() {
        let mut bytes = body.as_bytes().to_vec();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        match parse_form(&tampered) {
            None => rejected += 1, // the HTTP layer answers 4000
            Some(params) => {
                let reply = call(&mut fresh(), Method::Post, &params, DOC_TIME);
                assert_ne!(reply.code, 0, "byte {i} changed: {tampered}");
                rejected += 1;
            }
        }
    }
    assert_eq!(rejected, body.len());
    let params = parse_form(body).unwrap();
    for (method, host, path) in [
        (Method::Get, HOST, PATH),
        (Method::Post, "cdn.api.qcloud.con", PATH),
        (Method::Post, HOST, "/v2/index.phq"),
        (Method::Post, "cdn.api.qcloud.com:8080", PATH),
    ] {
        let reply = fresh().handle(&Call { method, host, path, params: &params }, DOC_TIME);
        assert_eq!(reply.code, 4100, "{method:?} {host} {path}");
    }
}

/// Every documented code is reachable, in the documented shape.
#[test]
fn every_error_code() {
    let dir = ["http://www.test.com/a/"];
    let twenty_one: Vec<String> = (0..21).map(|i| format!("http://www.test.com/{i}/")).collect();
    let twenty_one: Vec<&str> = twenty_one.iter().map(String::as_str).collect();
    let gap = {
        let b: Vec<(&str, String)> = base("5");
        let mut p: Vec<(&str, &str)> = b.iter().map(|(k, v)| (*k, v.as_str())).collect();
        p.extend([("dirs.0", "http://www.test.com/a/"), ("dirs.2", "http://www.test.com/b/")]);
        signed(Method::Post, &p, DOC_KEY)
    };
    let without = |name: &str| refresh("6", &dir, &[]).into_iter().filter(|(k, _)| k != name).collect::<Vec<_>>();
    let mut wrong_sig = refresh("7", &dir, &[]);
    wrong_sig.last_mut().unwrap().1 = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    let other_id = {
        let mut p = refresh("8", &dir, &[]);
        p[2].1 = "AKIDunknown".into();
        p
    };
    let old = refresh("9", &dir, &[]);
    let unknown_action = {
        let b = base("10");
        let mut p: Vec<(&str, &str)> = b.iter().map(|(k, v)| (*k, v.as_str())).collect();
        p[0].1 = "DescribeCdnHosts";
        signed(Method::Post, &p, DOC_KEY)
    };
    // (case, parameters, clock, code, codeDesc, message)
    type Row<'a> = (&'a str, Vec<(String, String)>, u64, i64, CodeDesc, &'a str);
    let table: Vec<Row> = vec![
        ("no Nonce", without("Nonce"), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "missing required parameter: Nonce"),
        ("no Signature", without("Signature"), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "missing required parameter: Signature"),
        ("no Timestamp", without("Timestamp"), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "missing required parameter: Timestamp"),
        ("no SecretId", without("SecretId"), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "missing required parameter: SecretId"),
        ("no Action", without("Action"), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "missing required parameter: Action"),
        ("unknown SecretId", other_id, DOC_TIME, 4104, CodeDesc::Text("SecretIdNotFound"), "SecretId not found"),
        ("wrong signature", wrong_sig, DOC_TIME, 4100, CodeDesc::Text("AuthFailure"), "signature verification failed"),
        (
            "expired",
            old.clone(),
            DOC_TIME + WINDOW + 1,
            4500,
            CodeDesc::Text("RequestReplayOrExpired"),
            "Timestamp 1462865178 is more than 300 s from the server's clock 1462865479",
        ),
        (
            "from the future",
            old,
            DOC_TIME - WINDOW - 1,
            4500,
            CodeDesc::Text("RequestReplayOrExpired"),
            "Timestamp 1462865178 is more than 300 s from the server's clock 1462864877",
        ),
        ("unknown Action", unknown_action, DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "unknown Action \"DescribeCdnHosts\""),
        (
            "SignatureMethod",
            refresh("11", &dir, &[("SignatureMethod", "HmacMD5")]),
            DOC_TIME,
            4000,
            CodeDesc::Text("InvalidParameter"),
            "unknown SignatureMethod \"HmacMD5\"",
        ),
        ("21 dirs", refresh("12", &twenty_one, &[]), DOC_TIME, 4000, CodeDesc::Module(22045), "(22045) too many directories in one call: 21 (at most 20)"),
        ("a gap", gap, DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "dirs.N must count up from dirs.0 without gaps: dirs.1 is missing"),
        ("no dirs", refresh("13", &[], &[]), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "missing required parameter: dirs.0"),
        (
            "ftp",
            refresh("14", &["ftp://www.test.com/a/"], &[]),
            DOC_TIME,
            4000,
            CodeDesc::Text("InvalidParameter"),
            "dirs.0 must start with http:// or https://",
        ),
        (
            "foreign domain",
            refresh("15", &["http://www.test.com/a/", "https://other.com/a/"], &[]),
            DOC_TIME,
            4000,
            CodeDesc::Module(9110),
            "(9110) Information for this domain does not exist. cdn no such host",
        ),
        ("type 3", refresh("16", &dir, &[("type", "3")]), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "type must be 1 or 2, got \"3\""),
        ("nonce 0", refresh("0", &dir, &[]), DOC_TIME, 4000, CodeDesc::Text("InvalidParameter"), "Nonce must be a positive integer"),
    ];
    for (name, params, now, code, desc, message) in table {
        let mut api = Api::new(vec![account(None, 100)]);
        let reply = call(&mut api, Method::Post, &params, now);
        assert_eq!((reply.code, &reply.code_desc, reply.message.as_str()), (code, &desc, message), "{name}");
        assert!(api.purges().is_empty(), "{name}: nothing recorded");
    }

    // The token: required when the account has one, and must match.
    let mut api = Api::new(vec![account(Some("tok"), 100)]);
    assert_eq!(call(&mut api, Method::Post, &refresh("20", &dir, &[]), DOC_TIME).code, 4105);
    assert_eq!(call(&mut api, Method::Post, &refresh("21", &dir, &[("Token", "bad")]), DOC_TIME).code, 4105);
    assert_eq!(call(&mut api, Method::Post, &refresh("22", &dir, &[("Token", "tok")]), DOC_TIME).code, 0);

    // Replay: the same nonce twice inside the window.
    let mut api = Api::new(vec![account(None, 100)]);
    assert_eq!(call(&mut api, Method::Post, &refresh("30", &dir, &[]), DOC_TIME).code, 0);
    let again = call(&mut api, Method::Post, &refresh("30", &dir, &[]), DOC_TIME + 1);
    assert_eq!((again.code, again.message.as_str()), (4500, "Nonce 30 was already used: replay refused"));
    assert_eq!(api.purges().len(), 1);
}

/// 100 directories a day are accepted, the 101st is refused with 22046; the next day resets.
#[test]
fn the_daily_quota_is_reached_at_exactly_100() {
    let mut api = Api::new(vec![account(None, 100)]);
    let dirs: Vec<String> = (0..20).map(|i| format!("http://www.test.com/{i}/")).collect();
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    for n in 0..5 {
        assert_eq!(call(&mut api, Method::Post, &refresh(&format!("{}", 100 + n), &dirs, &[]), DOC_TIME).code, 0);
    }
    assert_eq!(api.purges().len(), 100);
    let over = call(&mut api, Method::Post, &refresh("200", &["http://www.test.com/x/"], &[]), DOC_TIME);
    assert_eq!((over.code, over.code_desc.clone()), (4000, CodeDesc::Module(22046)));
    assert_eq!(over.message, "(22046) daily directory quota exceeded: 100 of 100 used today, 1 more asked");
    assert_eq!(api.purges().len(), 100);
    let mut tomorrow = refresh("201", &["http://www.test.com/x/"], &[]);
    tomorrow[3].1 = (DOC_TIME + 86_400).to_string();
    let resigned: Vec<(&str, &str)> = tomorrow[..tomorrow.len() - 1].iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(call(&mut api, Method::Post, &signed(Method::Post, &resigned, DOC_KEY), DOC_TIME + 86_400).code, 0);
}

/// The nonce store forgets what the timestamp check would refuse anyway.
#[test]
fn the_nonce_store_does_not_grow_without_bound() {
    let mut api = Api::new(vec![account(None, u32::MAX)]);
    for n in 1..=2000 {
        assert_eq!(call(&mut api, Method::Post, &refresh(&n.to_string(), &["http://www.test.com/a/"], &[]), DOC_TIME).code, 0);
    }
    assert_eq!(api.nonce_count(), 2000);
    let later = DOC_TIME + 3 * WINDOW;
    let mut p = refresh("99999", &["http://www.test.com/a/"], &[]);
    p[3].1 = later.to_string();
    let resigned: Vec<(&str, &str)> = p[..p.len() - 1].iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(call(&mut api, Method::Post, &signed(Method::Post, &resigned, DOC_KEY), later).code, 0);
    assert_eq!(api.nonce_count(), 1);
}

#[test]
fn replies_have_the_documented_shape() {
    assert_eq!(ApiReply::success().to_json(), r#"{"code":0,"message":"","codeDesc":"Success"}"#);
    assert_eq!(
        ApiReply::module(4000, 9110, "Information for this domain does not exist. cdn no such host").to_json(),
        r#"{"code":4000,"message":"(9110) Information for this domain does not exist. cdn no such host","codeDesc":9110}"#
    );
    assert_eq!(ApiReply::error(4100, "x \"y\"").to_json(), r#"{"code":4100,"message":"x \"y\"","codeDesc":"AuthFailure"}"#);
}

#[test]
fn accounts_files() {
    let ok = r#"{"accounts": [{"secretId": "a", "secretKey": "k", "token": null, "domains": ["WWW.Test.com"], "dailyLimit": 5},
                              {"secretId": "b", "secretKey": "k2", "token": "t", "domains": []}]}"#;
    let accounts = parse_accounts(ok).unwrap();
    assert_eq!(accounts[0], Account { secret_id: "a".into(), secret_key: "k".into(), token: None, domains: vec!["www.test.com".into()], daily_limit: 5 });
    assert_eq!((accounts[1].token.as_deref(), accounts[1].daily_limit), (Some("t"), 100));
    for (bad, message) in [
        ("[]", "the accounts file needs {\"accounts\": [...]}"),
        ("{", "the accounts file is not valid JSON"),
        (r#"{"accounts":[{"secretKey":"k","domains":[]}]}"#, "accounts[0].secretId must be a non-empty string"),
        (r#"{"accounts":[{"secretId":"a","secretKey":"k"}]}"#, "accounts[0].domains must be an array of host names"),
        (r#"{"accounts":[{"secretId":"a","secretKey":"k","domains":[],"dailyLimit":-1}]}"#, "accounts[0].dailyLimit must be a whole number"),
    ] {
        assert_eq!(parse_accounts(bad), Err(message.to_owned()), "{bad}");
    }
}
