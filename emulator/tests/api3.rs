//! The emulated API 3.0 with a fixed clock: the known-answer vectors, what the client builds,
//! every tampered variant refused with its documented code, and the PurgePathCache rules.

use qcloud_cdn_emulator::api::{Account, Api};
use qcloud_cdn_emulator::api3::{Call3, Reply3};
use qcloud_cdn_refresh::{Purge, RawConfig, SignedRequest};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const NOW: u64 = 1_700_000_000;
const HOST: &str = "cdn.tencentcloudapi.com";

fn api(token: Option<&str>, daily_limit: u32) -> Api {
    Api::new(vec![Account {
        secret_id: ID.into(),
        secret_key: KEY.into(),
        token: token.map(Into::into),
        domains: vec!["www.test.com".into(), "example.com".into()],
        daily_limit,
    }])
}

/// What the client sends for `dirs` with `extra` options, at `NOW`. The requests borrow their
/// directories from the purge, which is leaked so that a test can keep them: a few per test.
fn built(dirs: &[&str], extra: RawConfig) -> Vec<SignedRequest<'static>> {
    let raw = RawConfig { api: Some("v3".into()), secret_id: Some(ID.into()), secret_key: Some(KEY.into()), timestamp: Some(NOW as f64), ..extra };
    let purge: &'static Purge = Box::leak(Box::new(Purge::new(raw, dirs).expect("valid")));
    (0..purge.batch_count()).map(|i| purge.request(i, NOW, 0).expect("signed")).collect()
}

/// Sends `r` with the `Host` header `host`, after `tamper` changed the call.
fn send(api: &mut Api, r: &SignedRequest, host: &str, tamper: impl FnOnce(&mut Call3<'_>)) -> Reply3 {
    let mut call = Call3::from_request(r, host);
    tamper(&mut call);
    api.handle_v3(&call, NOW)
}

fn code(reply: &Reply3) -> &str {
    match reply {
        Reply3::Success { .. } => "Success",
        Reply3::Error { code, .. } => code,
    }
}

#[test]
fn the_client_s_requests_are_accepted_and_recorded() {
    let mut api = api(None, 1000);
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    for r in built(&dirs, RawConfig { batch_size: Some(20.0), ..RawConfig::default() }) {
        assert_eq!(code(&send(&mut api, &r, HOST, |_| {})), "Success");
    }
    // The port of the Host header is not signed.
    let [r] = &built(
        &["https://example.com/中文/"],
        RawConfig { refresh_type: Some(2.0), area: Some("overseas".into()), url_encode: Some(true), ..RawConfig::default() },
    )[..] else {
        panic!("one request")
    };
    assert_eq!(r.body.as_deref(), Some(r#"{"Paths":["https://example.com/中文/"],"FlushType":"delete","UrlEncode":true,"Area":"overseas"}"#));
    assert_eq!(code(&send(&mut api, r, "cdn.tencentcloudapi.com:8787", |_| {})), "Success");
    let log: Vec<(&str, &str, u8)> = api.purges().iter().map(|p| (p.api, p.dir.as_str(), p.refresh_type)).collect();
    assert_eq!(log.len(), 46);
    assert_eq!(log[45], ("v3", "https://example.com/中文/", 2));
    assert!(log[..45].iter().all(|(a, _, t)| *a == "v3" && *t == 1));
}

#[test]
fn every_tampered_variant_is_refused() {
    let r = &built(&["https://www.test.com/a/"], RawConfig::default())[0];
    // (the error code expected, how the signed call is tampered with)
    type Tamper = Box<dyn Fn(&mut Call3<'_>)>;
    let table: Vec<(&str, Tamper)> = vec![
        ("AuthFailure.SignatureFailure", Box::new(|c| c.body = br#"{"Paths":["https://www.test.com/b/"],"FlushType":"flush"}"#)),
        ("AuthFailure.SignatureFailure", Box::new(|c| c.content_type = "application/json; charset=utf-8")),
        ("AuthFailure.SignatureFailure", Box::new(|c| c.host = "cdn.intl.tencentcloudapi.com")),
        ("AuthFailure.SignatureFailure", Box::new(|c| c.timestamp = Some("1700000001"))),
        ("AuthFailure.SignatureExpire", Box::new(|c| c.timestamp = Some("1699999000"))),
        ("MissingParameter", Box::new(|c| c.timestamp = None)),
        ("AuthFailure.InvalidAuthorization", Box::new(|c| c.authorization = None)),
        ("AuthFailure.InvalidAuthorization", Box::new(|c| c.authorization = Some("HmacSHA1 x"))),
        ("InvalidParameter", Box::new(|c| c.version = Some("2017-01-01"))),
        ("InvalidAction", Box::new(|c| c.action = Some("PurgeUrlsCache"))),
    ];
    for (want, tamper) in table {
        let mut api = api(None, 1000);
        assert_eq!(code(&send(&mut api, r, HOST, tamper)), want);
        assert!(api.purges().is_empty(), "{want}: nothing purged");
    }
    let mut unknown = Api::new(vec![]);
    assert_eq!(code(&send(&mut unknown, r, HOST, |_| {})), "AuthFailure.SecretIdNotFound");
    let mut with_token = api(Some("the-token"), 1000);
    assert_eq!(code(&send(&mut with_token, r, HOST, |_| {})), "AuthFailure.TokenFailure");
    let t = &built(&["https://www.test.com/a/"], RawConfig { token: Some("the-token".into()), ..RawConfig::default() })[0];
    assert_eq!(code(&send(&mut with_token, t, HOST, |_| {})), "Success");
    let wrong = &built(&["https://www.test.com/a/"], RawConfig { token: Some("not-the-token".into()), ..RawConfig::default() })[0];
    assert_eq!(code(&send(&mut with_token, wrong, HOST, |_| {})), "AuthFailure.TokenFailure");
}

/// PurgePathCache's own rules, on bodies signed correctly (the client would refuse to build some).
#[test]
fn purge_path_cache_rules() {
    let sign = |body: &str| {
        let auth = qcloud_cdn_refresh::sign::tc3_authorization(ID, KEY, HOST, "application/json", body.as_bytes(), NOW);
        (body.to_owned(), auth)
    };
    let many: Vec<String> = (0..501).map(|i| format!("\"https://www.test.com/{i}/\"")).collect();
    let table = [
        (String::from(r#"{"Paths":["https://www.test.com/a/"],"FlushType":"flush"}"#), "Success"),
        (format!(r#"{{"Paths":[{}],"FlushType":"flush"}}"#, many[..500].join(",")), "Success"),
        (format!(r#"{{"Paths":[{}],"FlushType":"flush"}}"#, many.join(",")), "LimitExceeded.CdnPurgePathExceedBatchLimit"),
        (r#"{"Paths":[],"FlushType":"flush"}"#.into(), "MissingParameter"),
        (r#"{"FlushType":"flush"}"#.into(), "MissingParameter"),
        (r#"{"Paths":[1],"FlushType":"flush"}"#.into(), "InvalidParameter"),
        (r#"{"Paths":["ftp://www.test.com/a/"],"FlushType":"flush"}"#.into(), "InvalidParameter.CdnParamError"),
        (r#"{"Paths":["https://not-mine.com/a/"],"FlushType":"flush"}"#.into(), "ResourceNotFound.CdnHostNotExists"),
        (r#"{"Paths":["https://www.test.com/a/"],"FlushType":"purge"}"#.into(), "InvalidParameter"),
        (r#"{"Paths":["https://www.test.com/a/"]}"#.into(), "InvalidParameter"),
        (r#"{"Paths":["https://www.test.com/a/"],"FlushType":"flush","Area":"moon"}"#.into(), "InvalidParameter"),
        (r#"{"Paths":["https://www.test.com/a/"],"FlushType":"flush","UrlEncode":"yes"}"#.into(), "InvalidParameter"),
        ("not json".into(), "InvalidParameter"),
    ];
    for (body, want) in table {
        let mut api = api(None, 100_000);
        let (body, auth) = sign(&body);
        let call = Call3 {
            host: HOST,
            content_type: "application/json",
            action: Some("PurgePathCache"),
            version: Some("2018-06-06"),
            timestamp: Some("1700000000"),
            authorization: Some(&auth),
            token: None,
            body: body.as_bytes(),
        };
        assert_eq!(code(&api.handle_v3(&call, NOW)), want, "{}", &body[..body.len().min(80)]);
    }
}

/// One daily quota per account, shared by both APIs.
#[test]
fn the_daily_quota_is_shared_and_replies_have_the_documented_shape() {
    let mut api = api(None, 25);
    let dirs: Vec<String> = (0..30).map(|i| format!("https://www.test.com/{i}/")).collect();
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let batches = built(&dirs, RawConfig::default());
    let first = send(&mut api, &batches[0], HOST, |_| {});
    assert_eq!(code(&first), "Success");
    let refused = send(&mut api, &batches[1], HOST, |_| {});
    assert_eq!(code(&refused), "LimitExceeded.CdnPurgePathExceedDayLimit");
    let ok = first.to_json();
    assert!(ok.starts_with(r#"{"Response":{"TaskId":""#) && ok.contains(r#","RequestId":""#), "{ok}");
    let err = refused.to_json();
    assert!(err.starts_with(r#"{"Response":{"Error":{"Code":"LimitExceeded.CdnPurgePathExceedDayLimit","Message":"daily purge quota exceeded: 20 of 25 used today, 10 more asked"},"RequestId":""#), "{err}");
    assert_ne!(first.to_json(), first.to_json(), "a fresh RequestId every time");
}
