//! The JavaScript surface, run by both `tests/node.rs` and `tests/browser.rs`.

use js_sys::{Array, Function, Object, Reflect, JSON};
use qcloud_cdn_refresh::js::{interned, refresh_cdn_dir, sign_request, CdnError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/tests/common/helpers.js")]
extern "C" {
    fn recorder(replies: JsValue) -> Object;
    fn exposures(value: &JsValue) -> String;
    #[wasm_bindgen(js_name = parseForm)]
    fn parse_form(body: &str) -> JsValue;
    #[wasm_bindgen(js_name = classConfig)]
    fn class_config(fields: JsValue) -> JsValue;
    fn inheriting(defaults: JsValue, own: JsValue) -> JsValue;
}

/// `refreshCdnDir` as JavaScript awaits it.
async fn refresh(config: JsValue, dirs: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(refresh_cdn_dir(config, dirs).unchecked_into::<js_sys::Promise>()).await
}

const OK: &str = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
/// The API-NOTES known answers' config. Its endpoint is named, though it is the default: a call
/// that leaves it out has its failures end with the hint that API 2.0 is retired (tests/native.rs).
const DOC: &str = r#""endpoint":"https://cdn.api.qcloud.com/v2/index.php","secretId":"AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D","secretKey":"pxPgRWDbCy86ZYyqBTDk7WmeRZSmPco0","timestamp":1462865178,"nonce":279749933"#;

fn json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| panic!("test JSON: {text}"))
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_else(|| format!("<{key} is not a string>"))
}

fn stringify(v: &JsValue) -> String {
    JSON::stringify(v).map(String::from).unwrap_or_default()
}

fn dirs(n: usize) -> JsValue {
    (0..n).map(|i| JsValue::from(format!("https://www.test.com/{i}/"))).collect::<Array>().into()
}

/// A config with a recording fetch that answers `replies` (JSON of [{status, body}|{throws}]).
fn with_fetch(config: &str, replies: &str) -> (JsValue, Object) {
    let rec = recorder(json(replies));
    let config = json(config);
    Reflect::set(&config, &"fetch".into(), &get(&rec, "fetch")).unwrap();
    (config, rec)
}

fn calls(rec: &Object) -> Array {
    get(rec, "calls").into()
}

fn reply(status: u16, body: &str) -> String {
    format!(r#"{{"status":{status},"body":{}}}"#, stringify(&body.into()))
}

/// API-NOTES "Known answers", RefreshCdnDir, through the JS surface.
#[wasm_bindgen_test]
fn sign_request_known_answers() {
    let table = [
        (r#""method":"POST""#, "dwayh9PCYVBTZQbQ6BPO%2B5WI3js%3D"),
        (r#""method":"GET""#, "i0U4AnPSFq9GIfS7gaPBf9EAaew%3D"),
        (r#""signatureMethod":"HmacSHA256""#, "xGlS6%2B92F9WQYJk9sHYcMqJGLKoQeQ4YgBoVo44z9Jk%3D"),
        (r#""token":"tmpToken123""#, "WcnRAun7eHyoI94P5sHcKai7oGE%3D"),
    ];
    for (extra, signature) in table {
        let config = json(&format!("{{{DOC},{extra}}}"));
        let requests = Array::from(&sign_request(config, "http://www.test.com/test/".into()).unwrap());
        assert_eq!(requests.length(), 1);
        let r = requests.get(0);
        let get_method = extra.contains("GET");
        assert_eq!(text(&r, "method"), if get_method { "GET" } else { "POST" });
        assert_eq!(stringify(&get(&r, "dirs")), r#"["http://www.test.com/test/"]"#);
        let wire = if get_method {
            assert!(get(&r, "body").is_null(), "GET has a null body");
            assert_eq!(stringify(&get(&r, "headers")), "{}");
            text(&r, "url").split_once('?').unwrap().1.to_owned()
        } else {
            assert_eq!(text(&r, "url"), "https://cdn.api.qcloud.com/v2/index.php");
            assert_eq!(stringify(&get(&r, "headers")), r#"{"content-type":"application/x-www-form-urlencoded"}"#);
            text(&r, "body")
        };
        assert!(wire.ends_with(&format!("&Signature={signature}")), "{extra}: {wire}");
        assert!(wire.starts_with("Action=RefreshCdnDir&Nonce=279749933&SecretId=AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D"), "{wire}");
        let form = stringify(&parse_form(&wire));
        assert!(form.contains(r#"["dirs.0","http://www.test.com/test/"]"#), "{form}");
    }
}

/// A directory's scheme, host, default port and dot segments are signed as a browser's URL
/// writes them, so other spellings of the known answer's directory give the known answer, and
/// are sent once.
#[wasm_bindgen_test]
fn directories_are_signed_as_a_browser_spells_them() {
    let dirs = Array::of3(&"HTTP://WWW.Test.COM:80/test/".into(), &"http://www.test.com/test/".into(), &"http://www.test.com/x/../test/%2E/".into());
    let requests = Array::from(&sign_request(json(&format!("{{{DOC}}}")), dirs.into()).unwrap());
    let r = requests.get(0);
    assert_eq!((requests.length(), stringify(&get(&r, "dirs"))), (1, r#"["http://www.test.com/test/"]"#.to_owned()));
    assert!(text(&r, "body").ends_with("&Signature=dwayh9PCYVBTZQbQ6BPO%2B5WI3js%3D"), "{}", text(&r, "body"));
}

#[wasm_bindgen_test]
fn sign_request_batches_with_fresh_nonces() {
    let config = json(r#"{"secretId":"id","secretKey":"key"}"#);
    let requests = Array::from(&sign_request(config, dirs(45)).unwrap());
    let sizes: Vec<u32> = requests.iter().map(|r| Array::from(&get(&r, "dirs")).length()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    let nonces: Vec<String> = requests.iter().map(|r| text(&r, "body").split('&').find(|kv| kv.starts_with("Nonce=")).unwrap().to_owned()).collect();
    assert!(nonces[0] != nonces[1] && nonces[1] != nonces[2] && nonces[0] != nonces[2], "{nonces:?}");
    let now = js_sys::Date::now() / 1000.0;
    let ts: f64 = text(&requests.get(0), "body").split('&').find_map(|kv| kv.strip_prefix("Timestamp=")).unwrap().parse().unwrap();
    assert!((now - ts).abs() < 5.0, "the clock is read from JS: {ts} vs {now}");
}

/// Bad input → a thrown `CdnError` of kind invalid-input naming the input; nothing is sent.
#[wasm_bindgen_test]
async fn bad_inputs() {
    let good = r#"{"secretId":"id","secretKey":"key"}"#;
    let table: [(&str, JsValue, &str, &str); 21] = [
        ("\"id\"", dirs(1), "config must be an object like { secretId, secretKey }, got string", r#"["https://www.test.com/0/"]"#),
        ("[]", dirs(1), "config must be an object like { secretId, secretKey }, got an array", r#"["https://www.test.com/0/"]"#),
        ("null", dirs(1), "config must be an object like { secretId, secretKey }, got null", r#"["https://www.test.com/0/"]"#),
        (
            r#"{"secretId":"id","secretkey":"key"}"#,
            dirs(1),
            "config.secretkey is not a known option; did you mean secretKey?",
            r#"["https://www.test.com/0/"]"#,
        ),
        (
            r#"{"secretId":"id","secretKey":"key","timeout":5000}"#,
            dirs(1),
            "config.timeout is not a known option; did you mean timeoutMs?",
            r#"["https://www.test.com/0/"]"#,
        ),
        (r#"{"secretId":7,"secretKey":"key"}"#, dirs(1), "config.secretId must be a string, got number", r#"["https://www.test.com/0/"]"#),
        (r#"{"secretId":"id"}"#, dirs(1), "config.secretKey is required", r#"["https://www.test.com/0/"]"#),
        // v3 puts the key id in a header: fetch threw on the newline, which was retried as a network error.
        (
            r#"{"api":"v3","secretId":"AKID\n","secretKey":"key"}"#,
            dirs(1),
            "config.secretId has whitespace at its end; Tencent's key ids, keys and tokens are printable ASCII without spaces",
            r#"["https://www.test.com/0/"]"#,
        ),
        (
            r#"{"secretId":"id","secretKey":"key","type":"2"}"#,
            dirs(1),
            "config.type must be 1 (changed resources: FlushType \"flush\") or 2 (everything: \"delete\"), got string",
            r#"["https://www.test.com/0/"]"#,
        ),
        (r#"{"secretId":"id","secretKey":"key","fetch":5}"#, dirs(1), "config.fetch must be a function, got number", r#"["https://www.test.com/0/"]"#),
        (
            r#"{"secretId":"id","secretKey":"key","method":"PUT"}"#,
            dirs(1),
            "config.method must be \"POST\" or \"GET\", got \"PUT\"",
            r#"["https://www.test.com/0/"]"#,
        ),
        (good, JsValue::from(5), "dirs must be an array of directory URLs (or one URL string), got number", "[]"),
        (good, json(r#"{"0":"https://a.com/"}"#), "dirs must be an array of directory URLs (or one URL string), got object", "[]"),
        (good, json(r#"["https://a.com/", 3]"#), "dirs[1] must be a string, got number", r#"["https://a.com/"]"#),
        (good, json("[]"), "dirs is empty: give at least one directory URL", "[]"),
        // JSON.parse makes the lone surrogates, which a JS string may hold and UTF-8 cannot.
        (
            good,
            json(r#"["https://a.com/", "https://a.com/\ud800/"]"#),
            "dirs[1] is not valid Unicode: it has a lone UTF-16 surrogate, which no URL can hold",
            r#"["https://a.com/"]"#,
        ),
        (good, json(r#"["https://a.com/\ude00\ud83d/"]"#), "dirs[0] is not valid Unicode: it has a lone UTF-16 surrogate, which no URL can hold", "[]"),
        (good, json(r#""https://a.com/\ud800/""#), "dirs[0] is not valid Unicode: it has a lone UTF-16 surrogate, which no URL can hold", "[]"),
        (good, json(r#""https://a.com/\ud83d\ude00\udfff""#), "dirs[0] is not valid Unicode: it has a lone UTF-16 surrogate, which no URL can hold", "[]"),
        (good, json(r#"["https://a.com/\ud83d"]"#), "dirs[0] is not valid Unicode: it has a lone UTF-16 surrogate, which no URL can hold", "[]"),
        (good, json(r#"["https://a.com/", "ftp://x/"]"#), "dirs[1] \"ftp://x/\" must start with http:// or https://", r#"["https://a.com/","ftp://x/"]"#),
    ];
    for (config, dirs, message, pending) in table {
        let err = sign_request(json(config), dirs.clone()).unwrap_err();
        assert_error(&err, "invalid-input", message);
        assert_eq!(stringify(&get(&err, "pending")), pending, "{message}");
        assert_eq!(stringify(&get(&err, "submitted")), "[]");
        // refreshCdnDir rejects the same way, before any request.
        let rec = recorder(json(&format!("[{}]", reply(200, OK))));
        let config = json(config);
        if config.is_object() && !Array::is_array(&config) && get(&config, "fetch").is_undefined() {
            Reflect::set(&config, &"fetch".into(), &get(&rec, "fetch")).unwrap();
        }
        let err = refresh(config, dirs).await.unwrap_err();
        assert_error(&err, "invalid-input", message);
        assert_eq!(calls(&rec).length(), 0, "nothing was sent for {message}");
    }
    // A surrogate pair, and a U+FFFD that was given as such, are sent as given.
    let given = json(r#"["https://a.com/\ud83d\ude00/\ufffd/"]"#);
    let requests: Array = sign_request(json(good), given.clone()).unwrap().into();
    assert_eq!(stringify(&get(&requests.get(0), "dirs")), stringify(&given));
}

/// Every key the config may have is read, with `null` meaning "not given"; the credentials
/// are in every other test.
#[wasm_bindgen_test]
fn every_known_key_is_read() {
    for key in qcloud_cdn_refresh::config::KEYS.iter().filter(|k| !k.starts_with("secret")) {
        let config = json(&format!(r#"{{"secretId":"id","secretKey":"key","{key}":null}}"#));
        let signed = sign_request(config, dirs(1)).map_err(|e| text(&e, "message"));
        assert!(signed.is_ok(), "config.{key}: {signed:?}");
    }
}

/// Options are read as `config.secretId` would read them: a class's getters and the defaults
/// of `Object.create(defaults)` count, the object's own value wins, and only its own keys are
/// refused as unknown (a class has methods and a `constructor`).
#[wasm_bindgen_test]
fn inherited_options_are_read() {
    let signature = |config: JsValue| {
        let requests = Array::from(&sign_request(config, "http://www.test.com/test/".into()).map_err(|e| text(&e, "message")).unwrap());
        let body = text(&requests.get(0), "body");
        body[body.find("Signature=").unwrap()..].to_owned()
    };
    // API-NOTES "Known answers": the GET and POST signatures of the same request.
    let post = "Signature=dwayh9PCYVBTZQbQ6BPO%2B5WI3js%3D";
    assert_eq!(signature(class_config(json(&format!("{{{DOC}}}")))), post);
    let defaults = json(&format!(r#"{{{DOC},"method":"GET","retries":"not read"}}"#));
    let own = json(r#"{"method":"POST","retries":1}"#);
    assert_eq!(signature(inheriting(defaults, own)), post);
    let typo = inheriting(class_config(json(&format!("{{{DOC}}}"))), json(r#"{"secretKy":"x"}"#));
    let err = sign_request(typo, dirs(1)).unwrap_err();
    assert!(text(&err, "message").contains("secretKy"), "{}", text(&err, "message"));
}

/// Result field names are made into JS strings once and reused; a name that starts another
/// at the same address is still its own.
#[wasm_bindgen_test]
fn interned_names_are_told_apart_by_length() {
    let long: &'static str = "codeDesc";
    let short = &long[..4];
    assert_eq!(interned(long).as_string().as_deref(), Some("codeDesc"));
    assert_eq!(interned(short).as_string().as_deref(), Some("code"));
    assert_eq!(interned(long).as_string().as_deref(), Some("codeDesc"));
}

/// A reply whose body cannot be read: the API got the request, so the batch is maybe purged,
/// and it is not sent again although retries are left.
#[wasm_bindgen_test]
async fn a_reply_lost_after_its_status_is_not_retried() {
    let ok = reply(200, OK);
    let (config, rec) = with_fetch(&format!(r#"{{{DOC},"retries":3}}"#), &format!(r#"[{ok},{{"status":200,"bodyThrows":"other side closed"}}]"#));
    let err = refresh(config, dirs(45)).await.unwrap_err();
    assert_error(&err, "network", "batch 2 of 3: HTTP 200 came back but its body could not be read (terminated (other side closed)); the request reached the API, so its directories are in maybeSubmitted");
    assert_eq!(calls(&rec).length(), 2, "not sent again");
    assert_eq!(stringify(&get(&err, "status")), "200");
    let all = Array::from(&dirs(45));
    assert_eq!(stringify(&get(&err, "submitted")), stringify(&all.slice(0, 20)));
    assert_eq!(stringify(&get(&err, "maybeSubmitted")), stringify(&all.slice(20, 40)));
    assert_eq!(stringify(&get(&err, "pending")), stringify(&all.slice(40, 45)));
}

fn assert_error(err: &JsValue, kind: &str, message: &str) {
    assert!(err.dyn_ref::<CdnError>().is_some(), "a CdnError: {}", exposures(err));
    assert!(err.is_instance_of::<js_sys::Error>(), "a real Error");
    assert_eq!(text(err, "name"), "CdnError");
    assert_eq!(text(err, "kind"), kind, "{}", text(err, "message"));
    assert!(text(err, "message").ends_with(message), "{:?} ends with {message:?}", text(err, "message"));
    assert!(text(err, "stack").contains('\n') || !text(err, "stack").is_empty(), "has a stack");
    let json = stringify(err);
    assert!(json.contains(&format!("\"kind\":\"{kind}\"")) && json.contains("\"message\":"), "{json}");
}

/// Every batch goes through the caller's fetch, in order, with `this = globalThis`.
#[wasm_bindgen_test]
async fn refresh_sends_every_batch_in_order() {
    let (config, rec) = with_fetch(&format!("{{{DOC}}}"), &format!("[{}]", reply(200, OK)));
    let result = refresh(config, dirs(45)).await.unwrap();
    assert_eq!(get(&result, "code").as_f64(), Some(0.0));
    assert_eq!(text(&result, "codeDesc"), "Success");
    assert_eq!(text(&result, "message"), "");
    assert_eq!(stringify(&get(&result, "dirs")), stringify(&dirs(45)));
    let batches = Array::from(&get(&result, "batches"));
    let sizes: Vec<u32> = batches.iter().map(|b| Array::from(&get(&b, "dirs")).length()).collect();
    assert_eq!(sizes, [20, 20, 5]);
    assert_eq!(text(&batches.get(2), "codeDesc"), "Success");

    let calls = calls(&rec);
    assert_eq!(calls.length(), 3);
    for (i, call) in calls.iter().enumerate() {
        assert_eq!(text(&call, "url"), "https://cdn.api.qcloud.com/v2/index.php");
        assert_eq!(get(&call, "thisIsGlobal").as_bool(), Some(true));
        let init = get(&call, "init");
        assert_eq!(text(&init, "method"), "POST");
        assert_eq!(text(&get(&init, "headers"), "content-type"), "application/x-www-form-urlencoded");
        let form = stringify(&parse_form(&text(&init, "body")));
        assert!(form.contains(&format!(r#"["Nonce","{}"]"#, 279749933 + i)), "fixed nonce counts up: {form}");
        assert!(form.contains(&format!(r#"["dirs.0","https://www.test.com/{}/"]"#, i * 20)), "{form}");
    }
}

#[wasm_bindgen_test]
async fn a_single_string_is_one_directory_and_get_sends_no_body() {
    let (config, rec) = with_fetch(&format!(r#"{{{DOC},"method":"GET"}}"#), &format!("[{}]", reply(200, OK)));
    let result = refresh(config, "http://www.test.com/test/".into()).await.unwrap();
    assert_eq!(stringify(&get(&result, "dirs")), r#"["http://www.test.com/test/"]"#);
    let call = calls(&rec).get(0);
    assert!(text(&call, "url").ends_with("&Signature=i0U4AnPSFq9GIfS7gaPBf9EAaew%3D"));
    assert!(get(&get(&call, "init"), "body").is_undefined(), "no body on a GET");
}

/// Each failure → the right kind and fields, and `submitted` + `maybeSubmitted` + `pending` hold all 45 dirs
/// (with retries off: which failures are retried is the native `retry_decisions` table).
#[wasm_bindgen_test]
async fn failures_reject_with_a_cdn_error() {
    let ok = reply(200, OK);
    let table: [(String, &str, &str, &str); 11] = [
        (
            reply(500, "<html>oops</html>"),
            "http",
            "batch 2 of 3: HTTP 500 from the API endpoint, with \"<html>oops</html>\"; the request may have been processed, so its directories are in maybeSubmitted",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":500}"#,
        ),
        (
            reply(200, r#"{"code":4100,"message":"signature verification failed","codeDesc":"AuthFailure"}"#),
            "api",
            "batch 2 of 3: the API refused the request: code 4100, codeDesc \"AuthFailure\": signature verification failed",
            r#"{"code":4100,"codeDesc":"AuthFailure","moduleCode":null,"status":200}"#,
        ),
        (
            reply(200, r#"{"code":4000,"message":"(9110) Information for this domain does not exist. cdn no such host","codeDesc":9110}"#),
            "api",
            "code 4000, codeDesc \"9110\": (9110) Information for this domain does not exist. cdn no such host",
            r#"{"code":4000,"codeDesc":"9110","moduleCode":9110,"status":200}"#,
        ),
        (
            reply(502, "<html><body>502 Bad Gateway</body></html>"),
            "http",
            "batch 2 of 3: HTTP 502 from the API endpoint, with \"<html><body>502 Bad Gateway</body></html>\"; the request may have been processed, so its directories are in maybeSubmitted",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":502}"#,
        ),
        (
            reply(200, "Service temporarily unavailable"),
            "invalid-response",
            "batch 2 of 3: the reply (HTTP 200) is not the API's JSON: \"Service temporarily unavailable\"; the request may have been processed, so its directories are in maybeSubmitted",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":200}"#,
        ),
        (
            r#"{"throws":"connect ECONNREFUSED 127.0.0.1:9"}"#.to_owned(),
            "network",
            "batch 2 of 3: the request did not complete: fetch failed (connect ECONNREFUSED 127.0.0.1:9)",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":null}"#,
        ),
        (
            r#"{"throws":"other side closed","code":"UND_ERR_SOCKET"}"#.to_owned(),
            "network",
            "batch 2 of 3: the request did not complete: fetch failed (other side closed, UND_ERR_SOCKET); the request may have been processed, so its directories are in maybeSubmitted",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":null}"#,
        ),
        (
            r#"{"hostile":true}"#.to_owned(),
            "network",
            "batch 2 of 3: the request did not complete: a value whose fields could not be read was thrown; the request may have been processed, so its directories are in maybeSubmitted",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":null}"#,
        ),
        (
            r#"{"status":200,"textThrows":"text getter threw"}"#.to_owned(),
            "network",
            "batch 2 of 3: the request did not complete: fetch resolved to something that is not a Response (reading it threw: text getter threw); the request may have been processed, so its directories are in maybeSubmitted",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":null}"#,
        ),
        (
            r#"{"status":503,"body":"busy","retryAfter":1}"#.to_owned(),
            "http",
            "batch 2 of 3: HTTP 503 from the API endpoint, with \"busy\"",
            r#"{"code":null,"codeDesc":null,"moduleCode":null,"status":503}"#,
        ),
        (
            reply(500, r#"{"code":6000,"message":"internal error","codeDesc":"InternalError"}"#),
            "api",
            "code 6000, codeDesc \"InternalError\": internal error",
            r#"{"code":6000,"codeDesc":"InternalError","moduleCode":null,"status":500}"#,
        ),
    ];
    for (second, kind, message, fields) in table {
        let (config, rec) = with_fetch(&format!(r#"{{{DOC},"retries":0}}"#), &format!("[{ok},{second}]"));
        let err = refresh(config, dirs(45)).await.unwrap_err();
        assert_error(&err, kind, message);
        let got = format!(
            r#"{{"code":{},"codeDesc":{},"moduleCode":{},"status":{}}}"#,
            stringify(&get(&err, "code")),
            stringify(&get(&err, "codeDesc")),
            stringify(&get(&err, "moduleCode")),
            stringify(&get(&err, "status"))
        );
        assert_eq!(got, fields, "{message}");
        let all = Array::from(&dirs(45));
        assert_eq!(stringify(&get(&err, "submitted")), stringify(&all.slice(0, 20)));
        // A reply not from the API with a 2xx or a 5xx other than 503, or a connection lost
        // after it may have been sent, may follow a purge: that batch is maybe purged.
        let maybe = if message.ends_with("maybeSubmitted") { 40 } else { 20 };
        assert_eq!(stringify(&get(&err, "maybeSubmitted")), stringify(&all.slice(20, maybe)), "{message}");
        assert_eq!(stringify(&get(&err, "pending")), stringify(&all.slice(maybe, 45)), "{message}");
        assert_eq!(calls(&rec).length(), 2, "no batch is sent after a failure");
    }
}

/// The secret key and the token appear in no message, stack, `String()` or `JSON.stringify`
/// of any error or result, even when the server echoes them back.
#[wasm_bindgen_test]
async fn secrets_never_leak() {
    let key = "SeCrEtKeY-4f7c1e2d9b";
    let token = "ToKeN-8a6b5c4d3e";
    let config = format!(r#"{{"secretId":"AKIDexample","secretKey":"{key}","token":"{token}"}}"#);
    let echo = format!(r#"{{"code":4100,"message":"bad signature for {key} / {token}","codeDesc":"{key}"}}"#);
    let replies = [
        reply(200, &echo),
        reply(502, &format!("<pre>{key} {token}</pre>")),
        reply(200, &format!("not json {key} {token}")),
        format!(r#"{{"throws":"refused {key} {token}"}}"#),
        reply(200, OK),
    ];
    let mut shown = Vec::new();
    for r in &replies {
        let (config, _) = with_fetch(&config, &format!("[{r}]"));
        match refresh(config, dirs(3)).await {
            Ok(v) | Err(v) => shown.push(exposures(&v)),
        }
    }
    for bad in [r#""method":"GET""#, r#""nonce":-1"#, r#""secretkey":"x""#, r#""type":"x""#] {
        let c = json(&format!("{},{bad}}}", config.trim_end_matches('}')));
        shown.push(exposures(&sign_request(c, dirs(1)).unwrap_err()));
    }
    assert_eq!(shown.len(), replies.len() + 4);
    for s in &shown {
        assert!(!s.contains("SeCrEtKeY") && !s.contains("ToKeN"), "leaked: {s}");
    }
    assert!(shown[0].contains("[redacted]"), "the echo was redacted, not dropped: {}", shown[0]);
}

#[wasm_bindgen_test]
fn cdn_error_is_a_real_error() {
    let err = sign_request(json(r#"{"secretId":"id","secretKey":"k"}"#), json("[]")).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert!(err.dyn_ref::<CdnError>().is_some());
    let shown = exposures(&err);
    assert!(shown.contains("CdnError: dirs is empty"), "String(err) names the class: {shown}");
    let ctor = get(&err, "constructor").dyn_into::<Function>().unwrap();
    let made = Reflect::construct(&ctor, &Array::of2(&"m".into(), &json(r#"{"kind":"api","code":4100}"#))).unwrap();
    assert_eq!((text(&made, "kind"), get(&made, "code").as_f64()), ("api".to_owned(), Some(4100.0)));
    assert_eq!(stringify(&get(&made, "pending")), "[]");
}
