//! The pure core, natively: every rule of API-NOTES as a table.
#![cfg(not(target_arch = "wasm32"))]

use qcloud_cdn_refresh::config::{self, Api, Endpoint, RawConfig};
use qcloud_cdn_refresh::dirs::{self, Dir};
use qcloud_cdn_refresh::hash::{self, Hash};
use qcloud_cdn_refresh::purge::{Interruption, Step};
use qcloud_cdn_refresh::request::{self, form_encode, parse_form, percent_encode};
use qcloud_cdn_refresh::sign::{self, Method, SignatureMethod};
use qcloud_cdn_refresh::{json, reply, retry, time, Error, Kind, Purge};

const DOC_KEY: &str = "pxPgRWDbCy86ZYyqBTDk7WmeRZSmPco0";
const DOC_ID: &str = "AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D";

fn raw(method: &str, signature_method: &str, token: Option<&str>) -> RawConfig {
    RawConfig {
        // Named, though it is the default: a call that leaves it out gets the hint that API 2.0 is
        // retired (`leaving_out_the_retired_endpoint_says_to_add_api_v3`).
        endpoint: Some("https://cdn.api.qcloud.com/v2/index.php".into()),
        secret_id: Some(DOC_ID.into()),
        secret_key: Some(DOC_KEY.into()),
        token: token.map(Into::into),
        method: Some(method.into()),
        signature_method: Some(signature_method.into()),
        timestamp: Some(1462865178.0),
        nonce: Some(279749933.0),
        ..RawConfig::default()
    }
}

/// API-NOTES "Known answers": (secret key, method, hash, host, params) → signature.
#[test]
fn known_answers_of_the_signature() {
    let hosts = [("Action", "DescribeCdnHosts"), ("Nonce", "13029"), ("SecretId", DOC_ID), ("Timestamp", "1463122059"), ("limit", "10"), ("offset", "0")];
    let hosts256 = [
        ("Action", "DescribeCdnHosts"),
        ("Nonce", "48059"),
        ("SecretId", DOC_ID),
        ("SignatureMethod", "HmacSHA256"),
        ("Timestamp", "1502197934"),
        ("limit", "10"),
        ("offset", "0"),
    ];
    // Given out of order, as a caller may: the source string sorts them.
    let sdk = [
        ("SecretId", "secretIdFoo"),
        ("Region", "ap-guangzhou"),
        ("Nonce", "1290303896666895346"),
        ("Timestamp", "1512393162"),
        ("Action", "DescribeInstances"),
        ("Version", "2017-03-12"),
        ("SignatureMethod", "HmacSHA1"),
    ];
    let mut sdk256 = sdk;
    sdk256[6].1 = "HmacSHA256";
    let cdn = ("cdn.api.qcloud.com", "/v2/index.php");
    let cvm = ("cvm.api.qcloud.com", "/v2/index.php");
    use Method::*;
    use SignatureMethod::*;
    // (secret key, method, hash, (host, path), parameters, expected signature)
    type Row<'a> = (&'a str, Method, SignatureMethod, (&'a str, &'a str), &'a [(&'a str, &'a str)], &'a str);
    let table: [Row; 8] = [
        (DOC_KEY, Get, HmacSha1, cdn, &hosts, "bWMMAR1eFGjZ5KWbfxTlBiLiNLc="),
        (DOC_KEY, Post, HmacSha1, cdn, &hosts, "i/KcLp6VaOtUmVtT0dqtLpKJOkg="),
        (DOC_KEY, Get, HmacSha256, cdn, &hosts256, "b/HlnO7vWEtR/kf21BvF0fX4vGmIThwWxlaD5GQtlSM="),
        ("secretKeyBar", Post, HmacSha1, cvm, &sdk, "p3n+pxBqF5JGZtDSxoVn5tGngf0="),
        ("secretKeyBar", Get, HmacSha1, cvm, &sdk, "5HAq1BOKNLEE2/uauWnp6Zv9Z3c="),
        ("secretKeyBar", Post, HmacSha256, cvm, &sdk256, "B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4="),
        // `_` in a key is read as `.` (API-NOTES "Signature" step 2): dirs_0 signs as dirs.0.
        (
            DOC_KEY,
            Post,
            HmacSha1,
            cdn,
            &[("Action", "RefreshCdnDir"), ("Nonce", "279749933"), ("SecretId", DOC_ID), ("Timestamp", "1462865178"), ("dirs_0", "http://www.test.com/test/")],
            "dwayh9PCYVBTZQbQ6BPO+5WI3js=",
        ),
        // A Signature parameter already present is not signed.
        (
            DOC_KEY,
            Get,
            HmacSha1,
            cdn,
            &[
                ("Signature", "x"),
                ("Action", "DescribeCdnHosts"),
                ("Nonce", "13029"),
                ("SecretId", DOC_ID),
                ("Timestamp", "1463122059"),
                ("limit", "10"),
                ("offset", "0"),
            ],
            "bWMMAR1eFGjZ5KWbfxTlBiLiNLc=",
        ),
    ];
    for (key, method, hash, (host, path), params, want) in table {
        let source = sign::source_string(method, host, path, params);
        assert_eq!(sign::signature(key, hash, &source), want, "{source}");
    }
    let source = sign::source_string(Get, cdn.0, cdn.1, &hosts);
    assert_eq!(source, "GETcdn.api.qcloud.com/v2/index.php?Action=DescribeCdnHosts&Nonce=13029&SecretId=AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D&Timestamp=1463122059&limit=10&offset=0");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// FIPS 180 examples (NIST's "abc", the 448-bit message, a million "a") and the lengths around
/// the padding boundary: SHA-1 and SHA-256 of each.
#[test]
fn known_answers_of_the_hashes() {
    let million = "a".repeat(1_000_000);
    let (a55, a56, a64) = ("a".repeat(55), "a".repeat(56), "a".repeat(64));
    let table: [(&str, &str, &str); 7] = [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (&million, "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        (&a55, "c1c8bbdc22796e28c0e15163d20899b65621d65a", "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (&a56, "c2db330f6083854c99d4b5bfb6e8f29f201be699", "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (&a64, "0098ba824b5c16427bd7a1122a5a442a25ec644d", "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    ];
    for (message, sha1, sha256) in table {
        assert_eq!(hex(&hash::digest(Hash::Sha1, message.as_bytes())), sha1, "SHA-1 of {} bytes", message.len());
        assert_eq!(hex(&hash::digest(Hash::Sha256, message.as_bytes())), sha256, "SHA-256 of {} bytes", message.len());
    }
}

/// RFC 2202 (HMAC-SHA1) and RFC 4231 (HMAC-SHA256) test cases 1, 2 and the larger-than-a-block
/// keys (2202 case 6 with 80 bytes, 4231 case 6 with 131), and a key of exactly one block.
#[test]
fn known_answers_of_hmac() {
    let large = "Test Using Larger Than Block-Size Key - Hash Key First";
    let table: [(Vec<u8>, &str, &str, &str); 5] = [
        (vec![0x0b; 20], "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (
            b"Jefe".to_vec(),
            "what do ya want for nothing?",
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (vec![0xaa; 80], large, "aa4ae5e15272d00e95705637ce8a3b55ed402112", "6953025ed96f0c09f80a96f78e6538dbe2e7b820e3dd970e7ddd39091b32352f"),
        (vec![0xaa; 131], large, "90d0dace1c1bdc957339307803160335bde6df2b", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (
            vec![b'k'; 64],
            "exactly a block of key",
            "b5f4345294bddd189b6f58bb3643b143165c13ee",
            "d4229b87e09c5dba84a00e3679ece32b5de4bb58a64d28afe3800adb898c6920",
        ),
    ];
    for (key, message, sha1, sha256) in table {
        assert_eq!(hex(&hash::hmac(Hash::Sha1, &key, message.as_bytes())), sha1, "HMAC-SHA1, {}-byte key", key.len());
        assert_eq!(hex(&hash::hmac(Hash::Sha256, &key, message.as_bytes())), sha256, "HMAC-SHA256, {}-byte key", key.len());
    }
}

/// RFC 4648 §10's test vectors, and the 20- and 32-byte lengths of an HMAC-SHA1/SHA256.
#[test]
fn known_answers_of_base64() {
    let table: [(&[u8], &str); 9] = [
        (b"", ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"fooba", "Zm9vYmE="),
        (b"foobar", "Zm9vYmFy"),
        (&[0xff; 20], "//////////////////////////8="),
        (&[0xfb; 32], "+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s="),
    ];
    for (bytes, want) in table {
        assert_eq!(sign::base64(bytes), want, "{bytes:?}");
    }
}

/// API-NOTES "Known answers", RefreshCdnDir: the whole request as the library builds it.
#[test]
fn known_answers_of_refresh_cdn_dir() {
    let table = [
        (raw("POST", "HmacSHA1", None), "dwayh9PCYVBTZQbQ6BPO+5WI3js="),
        (raw("GET", "HmacSHA1", None), "i0U4AnPSFq9GIfS7gaPBf9EAaew="),
        (raw("POST", "HmacSHA256", None), "xGlS6+92F9WQYJk9sHYcMqJGLKoQeQ4YgBoVo44z9Jk="),
        (raw("POST", "HmacSHA1", Some("tmpToken123")), "WcnRAun7eHyoI94P5sHcKai7oGE="),
    ];
    for (cfg, want) in table {
        let purge = Purge::new(cfg, &["http://www.test.com/test/"]).unwrap();
        let reqs = purge.sign_all(0, || 1);
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        let wire = r.body.clone().unwrap_or_else(|| r.url.split_once('?').unwrap().1.to_owned());
        let params = parse_form(&wire).unwrap();
        assert_eq!(params.last().unwrap(), &("Signature".to_owned(), want.to_owned()), "{wire}");
        let mut encoded = String::new();
        percent_encode(want, &mut encoded);
        assert!(wire.ends_with(&format!("&Signature={encoded}")), "signature on the wire encoded once: {wire}");
    }
    let purge = Purge::new(raw("POST", "HmacSHA1", None), &["http://www.test.com/test/"]).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "https://cdn.api.qcloud.com/v2/index.php");
    assert_eq!(r.headers, vec![("content-type", "application/x-www-form-urlencoded".into())]);
    assert_eq!(
        r.body.as_deref().unwrap(),
        "Action=RefreshCdnDir&Nonce=279749933&SecretId=AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D&Timestamp=1462865178\
         &dirs.0=http%3A%2F%2Fwww.test.com%2Ftest%2F&Signature=dwayh9PCYVBTZQbQ6BPO%2B5WI3js%3D"
    );
    let source = sign::source_string(
        Method::Post,
        "cdn.api.qcloud.com",
        "/v2/index.php",
        &request::params(
            purge.config(),
            dirs::batch(&[Dir::parse(0, "http://www.test.com/test/").unwrap()], dirs::BatchSize::default(), 0).unwrap(),
            1462865178,
            279749933,
        ),
    );
    assert_eq!(source, "POSTcdn.api.qcloud.com/v2/index.php?Action=RefreshCdnDir&Nonce=279749933&SecretId=AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D&Timestamp=1462865178&dirs.0=http://www.test.com/test/");
}

#[test]
fn get_puts_everything_in_the_query_and_sends_no_body() {
    let purge = Purge::new(raw("GET", "HmacSHA1", None), &["http://www.test.com/test/"]).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    assert_eq!(r.body, None);
    assert!(r.headers.is_empty());
    assert_eq!(
        r.url,
        "https://cdn.api.qcloud.com/v2/index.php?Action=RefreshCdnDir&Nonce=279749933&SecretId=AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D\
         &Timestamp=1462865178&dirs.0=http%3A%2F%2Fwww.test.com%2Ftest%2F&Signature=i0U4AnPSFq9GIfS7gaPBf9EAaew%3D"
    );
}

/// Every byte outside RFC 3986's unreserved set is escaped exactly once.
#[test]
fn percent_encoding_of_every_special_character() {
    let table = [
        ("AZaz09-._~", "AZaz09-._~"),
        ("+", "%2B"),
        ("/", "%2F"),
        ("=", "%3D"),
        ("&", "%26"),
        (" ", "%20"),
        ("%", "%25"),
        ("%2F", "%252F"),
        ("?#[]@!$'()*,;:", "%3F%23%5B%5D%40%21%24%27%28%29%2A%2C%3B%3A"),
        ("\"<>\\^`{|}", "%22%3C%3E%5C%5E%60%7B%7C%7D"),
        ("中文", "%E4%B8%AD%E6%96%87"),
        ("é", "%C3%A9"),
        ("😀", "%F0%9F%98%80"),
    ];
    for (raw, want) in table {
        let mut out = String::new();
        percent_encode(raw, &mut out);
        assert_eq!(out, want, "{raw}");
        assert_eq!(request::percent_decode(&out).as_deref(), Some(raw), "round trip of {raw}");
    }
    // Every ASCII character, against RFC 3986 §2.3 as written: kept when unreserved, else %XX.
    for c in '\0'..='\x7f' {
        let mut out = String::new();
        percent_encode(c.encode_utf8(&mut [0; 4]), &mut out);
        let unreserved = c.is_ascii_alphanumeric() || "-._~".contains(c);
        assert_eq!(out, if unreserved { c.to_string() } else { format!("%{:02X}", c as u32) }, "{c:?}");
    }
    assert_eq!(form_encode(&[("dirs.0", "a b"), ("x", "")]), "dirs.0=a%20b&x=");
    for bad in ["%", "%2", "%zz", "%+1", "%C3"] {
        assert_eq!(request::percent_decode(bad), None, "{bad}");
    }
}

/// Keys sort by byte value, so `dirs.10` comes before `dirs.2` (API-NOTES "Signature" step 3),
/// and the wire carries the same values in the same order as signed.
#[test]
fn byte_order_sorting_with_many_dirs() {
    let dirs: Vec<String> = (0..12).map(|i| format!("https://www.test.com/{i}/")).collect();
    let purge = Purge::new(raw("POST", "HmacSHA1", None), &dirs).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    let params = parse_form(r.body.as_deref().unwrap()).unwrap();
    let keys: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    let want_dirs = ["dirs.0", "dirs.1", "dirs.10", "dirs.11", "dirs.2", "dirs.3", "dirs.4", "dirs.5", "dirs.6", "dirs.7", "dirs.8", "dirs.9"];
    assert_eq!(&keys[..4], ["Action", "Nonce", "SecretId", "Timestamp"]);
    let source = sign::source_string(Method::Post, "cdn.api.qcloud.com", "/v2/index.php", &params);
    let order: Vec<&str> = source.split(['?', '&']).skip(1).map(|kv| kv.split_once('=').unwrap().0).collect();
    assert_eq!(&order[4..], want_dirs);
    for (i, d) in dirs.iter().enumerate() {
        assert!(params.contains(&(format!("dirs.{i}"), d.clone())), "dirs.{i} carries the {i}th dir");
    }
    assert_eq!(params.last().unwrap().1, sign::signature(DOC_KEY, SignatureMethod::HmacSha1, &source));
}

/// The crate's one sort: byte order, equal keys by index, for any input (checked against std's
/// stable sort on pseudo-random keys of every small length and on a long list).
#[test]
fn byte_order_is_a_stable_byte_sort() {
    assert_eq!(sign::byte_order(&["b", "a", "b", "", "a", "B", "é", "e"]), [3, 5, 1, 4, 0, 2, 7, 6]);
    let mut seed = 7u32;
    let mut next = move || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        seed >> 16
    };
    for len in (0..40).chain([1000, 4097]) {
        let owned: Vec<String> = (0..len).map(|_| format!("k{}", next() % 23)).collect();
        let keys: Vec<&str> = owned.iter().map(String::as_str).collect();
        let mut want: Vec<usize> = (0..len).collect();
        want.sort_by(|&a, &b| keys[a].as_bytes().cmp(keys[b].as_bytes()));
        assert_eq!(sign::byte_order(&keys), want, "{len} keys");
    }
}

/// Directories a browser would send are accepted and signed raw, the scheme, host and port
/// written as a browser's URL writes them: (given, as sent).
#[test]
fn valid_directories() {
    let ok = [
        ("http://www.test.com/test/", "http://www.test.com/test/"),
        ("https://www.test.com", "https://www.test.com/"),
        ("https://www.test.com?v=1", "https://www.test.com/?v=1"),
        ("https://www.test.com:8443/a/", "https://www.test.com:8443/a/"),
        ("https://example.com/中文/目录/", "https://example.com/中文/目录/"),
        ("https://example.com/a%20b/", "https://example.com/a%20b/"),
        ("https://example.com/+&=;,!*'()~@$/", "https://example.com/+&=;,!*'()~@$/"),
        ("https://example.com/a/?v=1&w=2", "https://example.com/a/?v=1&w=2"),
        ("https://example.com/a/?path=C:\\dir", "https://example.com/a/?path=C:\\dir"), // a browser sends a query's backslash as it is
        ("http://[::1]:8080/a/", "http://[::1]:8080/a/"),
        ("http://127.0.0.1/a/", "http://127.0.0.1/a/"),
        ("HTTPS://WWW.Test.COM/Static/", "https://www.test.com/Static/"),
        ("Http://[FE80::1]/A/", "http://[fe80::1]/A/"),
        ("https://www.test.com:443/a/", "https://www.test.com/a/"),
        ("https://www.test.com:00443/a/", "https://www.test.com/a/"),
        ("http://www.test.com:80/a/", "http://www.test.com/a/"),
        ("https://www.test.com:80/a/", "https://www.test.com:80/a/"),
        ("http://www.test.com:08080/a/", "http://www.test.com:8080/a/"),
        ("https://www.test.com:/a/", "https://www.test.com/a/"), // an empty port is none
        ("http://[::1]:/a/", "http://[::1]/a/"),
        // dot segments resolved as a browser resolves them, in the path only
        ("https://a.com/x/../y/", "https://a.com/y/"),
        ("https://a.com/./y/./", "https://a.com/y/"),
        ("https://a.com/x/..", "https://a.com/"),
        ("https://a.com/x/.", "https://a.com/x/"),
        ("https://a.com/..", "https://a.com/"),
        ("https://a.com/../../y/", "https://a.com/y/"),
        ("https://a.com/x/%2e%2E/.%2e/%2E./y/", "https://a.com/y/"),
        ("https://a.com/x/%2e/", "https://a.com/x/"),
        ("https://a.com/x//../y/", "https://a.com/x/y/"),
        ("https://a.com/x/..?a=/../", "https://a.com/?a=/../"),
        ("https://a.com/x/...y/.../", "https://a.com/x/...y/.../"),
        ("https://a.com/x/.a/a./%2ex/", "https://a.com/x/.a/a./%2ex/"),
        ("https://a.com/中文/../文/", "https://a.com/文/"),
        ("https://XN--fsqu00a.com/中文/", "https://xn--fsqu00a.com/中文/"), // a non-ASCII host in Punycode
        // Hosts are names, as a CDN's domains are: the shorthands of an IP address and the
        // percent-escapes that a browser rewrites (to 127.0.0.1, [::1], example.com) are kept.
        ("http://127.1/a/", "http://127.1/a/"),
        ("http://[0:0::1]/a/", "http://[0:0::1]/a/"),
        ("http://ex%61mple.com/a/", "http://ex%61mple.com/a/"),
    ];
    for (given, sent) in ok {
        assert_eq!(Dir::parse(0, given).map(Dir::into_string), Ok(sent.to_owned()), "{given}");
    }
    let purge = Purge::new(raw("POST", "HmacSHA1", None), &["https://example.com/中文/+&=/?q=1"]).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    assert!(r.body.as_deref().unwrap().contains("dirs.0=https%3A%2F%2Fexample.com%2F%E4%B8%AD%E6%96%87%2F%2B%26%3D%2F%3Fq%3D1&"));
}

/// Bad input → the message, naming the input.
#[test]
fn bad_inputs() {
    let long = format!("ftp://{}", "a".repeat(200));
    let long_msg = format!("dirs[0] \"ftp://{}\"… must start with http:// or https://", "a".repeat(74));
    let table: Vec<(Vec<&str>, RawConfig, &str)> = vec![
        (vec![], raw("POST", "HmacSHA1", None), "dirs is empty: give at least one directory URL"),
        (vec!["https://a.com/", ""], raw("POST", "HmacSHA1", None), "dirs[1] is an empty string"),
        (vec!["ftp://x/"], raw("POST", "HmacSHA1", None), "dirs[0] \"ftp://x/\" must start with http:// or https://"),
        (vec!["www.test.com/a/"], raw("POST", "HmacSHA1", None), "dirs[0] \"www.test.com/a/\" must start with http:// or https://"),
        (vec!["http:/x.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"http:/x.com/\" must start with http:// or https://"),
        (vec!["https:///a/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https:///a/\" has no host"),
        (vec!["https://:80/a/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://:80/a/\" has no host"),
        (vec!["https://a.com:99999/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com:99999/\" has an invalid port"),
        (vec!["https://a.com:x/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com:x/\" has an invalid port"),
        (vec!["https://[::1/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[::1/\" has an unclosed [IPv6] host"),
        (vec!["https://a^b.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a^b.com/\" has a character no host may have (< > [ ] ^ |)"),
        (vec!["https://a.com]:80/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com]:80/\" has a character no host may have (< > [ ] ^ |)"),
        (vec!["https://例子.com/x/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://例子.com/x/\" has a non-ASCII host, which browsers send in Punycode (xn--…): new URL(url).href gives it"),
        (vec!["https://a.com/", "HTTPS://ÄBC.com:443/"], raw("POST", "HmacSHA1", None), "dirs[1] \"HTTPS://ÄBC.com:443/\" has a non-ASCII host, which browsers send in Punycode (xn--…): new URL(url).href gives it"),
        // a password never reaches a message or `pending`, whichever rule refuses its URL
        (vec!["https://user:hunter2@a.com/x/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[redacted]@a.com/x/\" must not contain credentials (user@host)"),
        (vec!["https://a.com@b.com/x/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[redacted]@b.com/x/\" must not contain credentials (user@host)"),
        (vec!["https://a.com/", "https://u:hunter2@x:hunter2@a.com:99999/"], raw("POST", "HmacSHA1", None), "dirs[1] \"https://[redacted]@a.com:99999/\" must not contain credentials (user@host)"),
        (vec!["https://u:hunter2@a.com/x y/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[redacted]@a.com/x y/\" contains whitespace (U+0020) at byte 25"),
        (vec!["https://u:hunter2@a.com/#top"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[redacted]@a.com/#top\" must not contain credentials (user@host)"),
        (vec!["https://u:hunter2@a.com\\x/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[redacted]@a.com\\\\x/\" has a backslash before any ?, which browsers send as /"),
        (vec!["https://u:hunter2\\@a.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://[redacted]@a.com/\" has a backslash before any ?, which browsers send as /"),
        (vec!["ftp://u:hunter2@a.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"ftp://[redacted]@a.com/\" must start with http:// or https://"),
        (vec!["HTTPS:\\\\u:hunter2@a.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"HTTPS:\\\\\\\\[redacted]@a.com/\" must start with http:// or https://"),
        (vec!["https:u:hunter2@a.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"[redacted]@a.com/\" must start with http:// or https://"),
        (vec!["//u:hunter2@a.com/"], raw("POST", "HmacSHA1", None), "dirs[0] \"//[redacted]@a.com/\" must start with http:// or https://"),
        (vec!["u:hunter2@a.com/x@y/"], raw("POST", "HmacSHA1", None), "dirs[0] \"[redacted]@a.com/x@y/\" must start with http:// or https://"),
        (vec!["https://a.com/x/", "https://a.com/x@y/?u:p@b", "https://u:hunter2@a.com/"], raw("POST", "HmacSHA1", None), "dirs[2] \"https://[redacted]@a.com/\" must not contain credentials (user@host)"),
        (vec!["https://a.com/x y/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com/x y/\" contains whitespace (U+0020) at byte 15"),
        (vec!["https://a.com/x\n"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com/x\\n\" contains whitespace (U+000A) at byte 15"),
        (vec!["https://a.com/\u{7f}"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com/\\u{7f}\" contains a control character (U+007F) at byte 14"),
        (vec!["https://a.com/\u{3000}"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com/\\u{3000}\" contains whitespace (U+3000) at byte 14"),
        (vec!["https://a.com/#top"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com/#top\" contains a fragment (#…), which is never sent to a server"),
        (vec!["https://a.com\\b/"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com\\\\b/\" has a backslash before any ?, which browsers send as /"),
        (vec!["https://a.com/a\\b?c\\d"], raw("POST", "HmacSHA1", None), "dirs[0] \"https://a.com/a\\\\b?c\\\\d\" has a backslash before any ?, which browsers send as /"),
        (vec![long.as_str()], raw("POST", "HmacSHA1", None), long_msg.as_str()),
        (vec!["https://a.com/"], RawConfig::default(), "config.secretId is required"),
        (vec!["https://a.com/"], RawConfig { secret_id: Some("id".into()), ..RawConfig::default() }, "config.secretKey is required"),
        (vec!["https://a.com/"], RawConfig { secret_id: Some("id".into()), secret_key: Some(" ".into()), ..RawConfig::default() }, "config.secretKey is empty"),
        (vec!["https://a.com/"], RawConfig { token: Some("".into()), ..raw("POST", "HmacSHA1", None) }, "config.token is empty; leave it out when there is none"),
        (vec!["https://a.com/"], RawConfig { secret_id: Some("AKID\n".into()), ..raw("POST", "HmacSHA1", None) }, "config.secretId has whitespace at its end; Tencent's key ids, keys and tokens are printable ASCII without spaces"),
        (vec!["https://a.com/"], RawConfig { secret_key: Some(" key".into()), ..raw("POST", "HmacSHA1", None) }, "config.secretKey has whitespace at its start; Tencent's key ids, keys and tokens are printable ASCII without spaces"),
        (vec!["https://a.com/"], RawConfig { secret_key: Some("ke y".into()), ..raw("POST", "HmacSHA1", None) }, "config.secretKey has whitespace at byte 2; Tencent's key ids, keys and tokens are printable ASCII without spaces"),
        (vec!["https://a.com/"], RawConfig { secret_key: Some("k\u{7f}ey".into()), ..raw("POST", "HmacSHA1", None) }, "config.secretKey has a control character at byte 1; Tencent's key ids, keys and tokens are printable ASCII without spaces"),
        (vec!["https://a.com/"], RawConfig { token: Some("tök".into()), ..raw("POST", "HmacSHA1", None) }, "config.token has a non-ASCII character at byte 1; Tencent's key ids, keys and tokens are printable ASCII without spaces"),
        (vec!["https://a.com/"], RawConfig { token: Some("t\r\n".into()), ..raw("POST", "HmacSHA1", None) }, "config.token has whitespace at byte 1; Tencent's key ids, keys and tokens are printable ASCII without spaces"),
        (vec!["https://a.com/"], raw("PUT", "HmacSHA1", None), "config.method must be \"POST\" or \"GET\", got \"PUT\""),
        (vec!["https://a.com/"], raw("post", "HmacSHA1", None), "config.method must be \"POST\" or \"GET\", got \"post\""),
        (vec!["https://a.com/"], raw("GET", "HmacSHA1", Some("t")), "config.method \"GET\" would put config.token in the URL, where logs keep it; use \"POST\" (the default)"),
        (vec!["https://a.com/"], raw("POST", "HmacMD5", None), "config.signatureMethod must be \"HmacSHA1\" or \"HmacSHA256\", got \"HmacMD5\""),
        (vec!["https://a.com/"], RawConfig { refresh_type: Some(3.0), ..raw("POST", "HmacSHA1", None) }, "config.type must be 1 (changed resources: FlushType \"flush\") or 2 (everything: \"delete\"), got 3"),
        (vec!["https://a.com/"], RawConfig { daily_limit: Some(0.0), ..raw("POST", "HmacSHA1", None) }, "config.dailyLimit must be a whole number from 1 to 4294967295, got 0"),
        (vec!["https://a.com/"], RawConfig { timestamp: Some(1.5), ..raw("POST", "HmacSHA1", None) }, "config.timestamp (Unix seconds) must be a whole number from 1 to 253402300799, got 1.5"),
        (vec!["https://a.com/"], RawConfig { timestamp: Some(1_796_003_855_147.0), ..raw("POST", "HmacSHA1", None) }, "config.timestamp (Unix seconds) must be a whole number from 1 to 253402300799, got 1796003855147"),
        (vec!["https://a.com/"], RawConfig { timeout_ms: Some(19.99), ..raw("POST", "HmacSHA1", None) }, "config.timeoutMs must be a whole number from 1 to 3600000, got 19.99"),
        (vec!["https://a.com/"], RawConfig { timeout_ms: Some(1.0000001), ..raw("POST", "HmacSHA1", None) }, "config.timeoutMs must be a whole number from 1 to 3600000, got 1.0000001"),
        (vec!["https://a.com/"], RawConfig { retry_base_ms: Some(1e-7), ..raw("POST", "HmacSHA1", None) }, "config.retryBaseMs must be a whole number from 0 to 20000, got 0.0000001"),
        (vec!["https://a.com/"], RawConfig { retries: Some(-0.25), ..raw("POST", "HmacSHA1", None) }, "config.retries must be a whole number from 0 to 10, got -0.25"),
        (vec!["https://a.com/"], RawConfig { batch_size: Some(1.9999999999999998), ..raw("POST", "HmacSHA1", None) }, "config.batchSize must be a whole number from 1 to 20, got 2.000000000000000…"),
        (vec!["https://a.com/"], RawConfig { nonce: Some(-1.0), ..raw("POST", "HmacSHA1", None) }, "config.nonce must be a whole number from 1 to 9007199254740991, got -1"),
        (vec!["https://a.com/"], RawConfig { nonce: Some(f64::NAN), ..raw("POST", "HmacSHA1", None) }, "config.nonce must be a whole number from 1 to 9007199254740991, got NaN"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("cdn.api.qcloud.com/v2/index.php".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"cdn.api.qcloud.com/v2/index.php\" must start with http:// or https://"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://h/v2/index.php?a=1".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"https://h/v2/index.php?a=1\" must not have a query or fragment: the API's parameters go there"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://u:hunter2@h/".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"https://[redacted]@h/\" must not contain credentials (user@host)"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://u:hunter2@h/v2/index.php\t".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"https://[redacted]@h/v2/index.php\\t\" contains whitespace or a control character"),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("ftp://u:hunter2@h/".into()), ..raw("POST", "HmacSHA1", None) }, "config.proxyUrl \"ftp://[redacted]@h/\" must be an http:// or https:// URL, or a path starting with /"),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("http://u:hunter2@h/p?x".into()), ..raw("POST", "HmacSHA1", None) }, "config.proxyUrl \"http://[redacted]@h/p?x\" must not contain credentials (user@host)"),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("https://u:hunter2@proxy.internal/cdn-api".into()), ..raw("POST", "HmacSHA1", None) }, "config.proxyUrl \"https://[redacted]@proxy.internal/cdn-api\" must not contain credentials (user@host)"),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("https:///cdn-api".into()), ..raw("POST", "HmacSHA1", None) }, "config.proxyUrl \"https:///cdn-api\" has no host"),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("http://127.0.0.1:65536/cdn-api".into()), ..raw("POST", "HmacSHA1", None) }, "config.proxyUrl \"http://127.0.0.1:65536/cdn-api\" has an invalid port"),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("http://[::1]:8080".into()), ..raw("POST", "HmacSHA1", None) }, ""),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://h/v2/index.php\n".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"https://h/v2/index.php\\n\" contains whitespace or a control character"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("http://h:0/".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"http://h:0/\" has an invalid port"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://cdn|api.qcloud.com/v2/index.php".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"https://cdn|api.qcloud.com/v2/index.php\" has a character no host may have (< > [ ] ^ |)"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://cdn.例子.com/v2/index.php".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint \"https://cdn.例子.com/v2/index.php\" has a non-ASCII host, which browsers send in Punycode (xn--…): new URL(url).href gives it"),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://cdn.tencentcloudapi.com/".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint is API 3.0's, which takes no API 2.0 request: add config.api \"v3\""),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://CDN.intl.tencentcloudapi.com".into()), ..raw("POST", "HmacSHA1", None) }, "config.endpoint is API 3.0's, which takes no API 2.0 request: add config.api \"v3\""),
        (vec!["https://a.com/"], RawConfig { endpoint: Some("https://my-tencentcloudapi.com/v2/index.php".into()), ..raw("POST", "HmacSHA1", None) }, ""),
        (vec!["https://a.com/"], RawConfig { api: Some("v3".into()), endpoint: Some("https://cdn.api.qcloud.com/v2/index.php".into()), secret_id: Some("id".into()), secret_key: Some("key".into()), ..RawConfig::default() }, "config.endpoint has the path \"/v2/index.php\", but API 3.0 is served at / (like https://cdn.tencentcloudapi.com/); to send through a proxy, use config.proxyUrl"),
        (vec!["https://a.com/"], RawConfig { daily_limit: Some(1.0), ..raw("POST", "HmacSHA1", None) }, ""),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("HTTP://127.0.0.1:9/cdn-api".into()), ..raw("POST", "HmacSHA1", None) }, ""),
        (vec!["https://a.com/"], RawConfig { proxy_url: Some("http:/127.0.0.1:9/cdn-api".into()), ..raw("POST", "HmacSHA1", None) }, "config.proxyUrl \"http:/127.0.0.1:9/cdn-api\" must be an http:// or https:// URL, or a path starting with /"),
        (vec!["https://a.com/", "https://b.com/"], RawConfig { daily_limit: Some(1.0), ..raw("POST", "HmacSHA1", None) }, "2 directories (after removing duplicates) exceed config.dailyLimit of 1 per day; purge fewer, or raise dailyLimit if your account's quota is larger"),
    ];
    for (dirs, cfg, want) in table {
        match Purge::new(cfg, &dirs) {
            Ok(_) => assert_eq!(want, "", "{dirs:?} was accepted"),
            Err(e) => {
                assert_eq!((e.kind, e.message.as_str()), (Kind::InvalidInput, want), "{dirs:?}");
                assert!(e.submitted.is_empty());
                // Nothing was sent: every dir is pending, as given but for a password.
                assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
                let given = dirs.iter().map(|d| if d.contains("hunter2") || d.contains("a.com@") { "redacted" } else { d });
                let pending = e.pending.iter().map(|d| if d.contains("[redacted]@") { "redacted" } else { d });
                assert!(given.eq(pending), "{dirs:?}: pending {:?}", e.pending);
            }
        }
    }
    let over: Vec<String> = (0..101).map(|i| format!("https://a.com/{i}/")).collect();
    let e = Purge::new(raw("POST", "HmacSHA1", None), &over).unwrap_err();
    assert!(e.message.starts_with("101 directories (after removing duplicates) exceed config.dailyLimit of 100"), "{}", e.message);
}

#[test]
fn unknown_config_keys_are_named_with_a_hint() {
    let table = [
        ("secretkey", "config.secretkey is not a known option; did you mean secretKey?"),
        ("secret_id", "config.secret_id is not a known option; did you mean secretId?"),
        ("Method", "config.Method is not a known option; did you mean method?"),
        ("timeout", "config.timeout is not a known option; did you mean timeoutMs?"),
        ("TmpSecretId", "config.TmpSecretId is not a known option; did you mean secretId?"),
        ("TmpSecretKey", "config.TmpSecretKey is not a known option; did you mean secretKey?"),
        ("sessionToken", "config.sessionToken is not a known option; did you mean token?"),
        ("abortSignal", "config.abortSignal is not a known option; did you mean signal?"),
        ("maxRetries", "config.maxRetries is not a known option; did you mean retries?"),
        ("FlushType", "config.FlushType is not a known option; did you mean type?"),
        ("proxy", "config.proxy is not a known option; did you mean proxyUrl?"),
        ("lang", "config.lang is not a known option; did you mean language?"),
        ("region", "config.region is not a known option (known: "),
        ("retry", "config.retry is not a known option (known: "),
        ("url", "config.url is not a known option (known: "),
    ];
    for (key, want) in table {
        let e = config::unknown_key(key);
        assert_eq!(e.kind, Kind::InvalidInput);
        if want.ends_with('?') {
            assert_eq!(e.message, want);
        } else {
            assert!(e.message.starts_with(want), "{}", e.message);
        }
    }
}

/// The host is signed with `:port` only when the port is not the scheme's default; TC3 signs
/// the hostname, never with a port.
#[test]
fn endpoints_sign_host_and_path() {
    let table = [
        ("https://cdn.api.qcloud.com/v2/index.php", "https://cdn.api.qcloud.com/v2/index.php", "cdn.api.qcloud.com", "/v2/index.php", "cdn.api.qcloud.com"),
        ("https://cdn.api.qcloud.com:443/v2/index.php", "https://cdn.api.qcloud.com/v2/index.php", "cdn.api.qcloud.com", "/v2/index.php", "cdn.api.qcloud.com"),
        ("http://127.0.0.1:8787/v2/index.php", "http://127.0.0.1:8787/v2/index.php", "127.0.0.1:8787", "/v2/index.php", "127.0.0.1"),
        ("http://localhost:80/v2/index.php", "http://localhost/v2/index.php", "localhost", "/v2/index.php", "localhost"),
        ("https://H.example.com:8443", "https://h.example.com:8443/", "h.example.com:8443", "/", "h.example.com"),
        ("http://[::1]:8787/v2/index.php", "http://[::1]:8787/v2/index.php", "[::1]:8787", "/v2/index.php", "[::1]"),
        ("HTTPS://CDN.api.qcloud.com/v2/index.php", "https://cdn.api.qcloud.com/v2/index.php", "cdn.api.qcloud.com", "/v2/index.php", "cdn.api.qcloud.com"),
        // `fetch` resolves dot segments before it sends, so the signed path must too
        (
            "https://cdn.api.qcloud.com/x/../v2/./index.php",
            "https://cdn.api.qcloud.com/v2/index.php",
            "cdn.api.qcloud.com",
            "/v2/index.php",
            "cdn.api.qcloud.com",
        ),
    ];
    for (given, url, host, path, hostname) in table {
        let e = Endpoint::parse(given).unwrap();
        assert_eq!((e.url(), e.host(), e.path(), e.hostname()), (url, host, path, hostname), "{given}");
    }
}

/// 20 per batch, in the caller's order, each numbered from dirs.0 with its own nonce.
#[test]
fn batching() {
    for (n, sizes) in [(1, vec![1]), (20, vec![20]), (21, vec![20, 1]), (45, vec![20, 20, 5]), (100, vec![20; 5])] {
        let dirs: Vec<String> = (0..n).map(|i| format!("https://www.test.com/{i}/")).collect();
        let purge = Purge::new(raw("POST", "HmacSHA1", None), &dirs).unwrap();
        assert_eq!(purge.batch_count(), sizes.len());
        let mut drawn = 1000;
        let reqs = purge.sign_all(1_700_000_000, || {
            drawn += 1;
            drawn
        });
        let got: Vec<usize> = reqs.iter().map(|r| r.dirs.dirs().len()).collect();
        assert_eq!(got, sizes, "{n} dirs");
        let all: Vec<&str> = reqs.iter().flat_map(|r| r.dirs.dirs()).map(Dir::as_str).collect();
        assert_eq!(all, dirs, "order kept, nothing lost, nothing twice");
        for (i, r) in reqs.iter().enumerate() {
            assert_eq!(r.nonce, 279749933 + i as u64, "a fixed nonce counts up per batch");
            let params = parse_form(r.body.as_deref().unwrap()).unwrap();
            let first = params.iter().find(|(k, _)| k == "dirs.0").unwrap();
            assert_eq!(first.1, r.dirs.dirs()[0].as_str());
            assert!(!params.iter().any(|(k, _)| k == &format!("dirs.{}", r.dirs.dirs().len())));
        }
    }
    let mut cfg = raw("POST", "HmacSHA1", None);
    cfg.nonce = None;
    cfg.timestamp = None;
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let purge = Purge::new(cfg, &dirs).unwrap();
    let mut drawn = 7;
    let reqs = purge.sign_all(1_700_000_000, || {
        drawn += 11;
        drawn
    });
    assert_eq!(reqs.iter().map(|r| (r.nonce, r.timestamp)).collect::<Vec<_>>(), [(18, 1_700_000_000), (29, 1_700_000_000), (40, 1_700_000_000)]);
}

#[test]
fn duplicates_are_sent_once() {
    let purge = Purge::new(raw("POST", "HmacSHA1", None), &["https://a.com/x/", "https://a.com/y/", "https://a.com/x/", "https://a.com/X/"]).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    assert_eq!(dirs::to_strings(r.dirs.dirs()), ["https://a.com/x/", "https://a.com/y/", "https://a.com/X/"]);
    // One directory however its scheme, host and port are spelled: sent once, as first given.
    let purge = Purge::new(raw("POST", "HmacSHA1", None), &["https://A.com/x/", "HTTPS://a.COM:443/x/", "https://a.com:0443/x/", "http://a.com/x/"]).unwrap();
    assert_eq!(dirs::to_strings(purge.request(0, 0, 0).unwrap().dirs.dirs()), ["https://a.com/x/", "http://a.com/x/"]);
    // ... and however its path's dot segments are spelled.
    let purge = Purge::new(raw("POST", "HmacSHA1", None), &["https://a.com/x/", "https://a.com/y/../x/", "https://a.com/./x/%2e/"]).unwrap();
    assert_eq!(dirs::to_strings(purge.request(0, 0, 0).unwrap().dirs.dirs()), ["https://a.com/x/"]);
    // 120 entries that are 20 distinct dirs fit one batch and the daily limit.
    let dirs: Vec<String> = (0..120).map(|i| format!("https://a.com/{}/", i % 20)).collect();
    assert_eq!(Purge::new(raw("POST", "HmacSHA1", None), &dirs).unwrap().batch_count(), 1);
}

#[test]
fn refresh_type_is_sent_and_signed() {
    let cfg = RawConfig { refresh_type: Some(2.0), ..raw("POST", "HmacSHA1", None) };
    let purge = Purge::new(cfg, &["http://www.test.com/test/"]).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    let params = parse_form(r.body.as_deref().unwrap()).unwrap();
    assert!(params.contains(&("type".into(), "2".into())));
    let source = sign::source_string(Method::Post, "cdn.api.qcloud.com", "/v2/index.php", &params);
    assert!(source.ends_with("&dirs.0=http://www.test.com/test/&type=2"), "{source}");
    assert_eq!(params.last().unwrap().1, sign::signature(DOC_KEY, SignatureMethod::HmacSha1, &source));
}

/// The endpoint's own host and port are what is signed.
#[test]
fn a_local_endpoint_signs_its_port() {
    let cfg = RawConfig { endpoint: Some("http://127.0.0.1:8787/v2/index.php".into()), ..raw("POST", "HmacSHA1", None) };
    let purge = Purge::new(cfg, &["http://www.test.com/test/"]).unwrap();
    let r = purge.request(0, 0, 0).unwrap();
    assert_eq!(r.url, "http://127.0.0.1:8787/v2/index.php");
    let params = parse_form(r.body.as_deref().unwrap()).unwrap();
    let source = sign::source_string(Method::Post, "127.0.0.1:8787", "/v2/index.php", &params);
    assert!(source.starts_with("POST127.0.0.1:8787/v2/index.php?Action=RefreshCdnDir&"));
    assert_eq!(params.last().unwrap().1, sign::signature(DOC_KEY, SignatureMethod::HmacSha1, &source));
}

#[test]
fn replies() {
    // (HTTP status, body, code, message, codeDesc, module code)
    type Row<'a> = (u16, &'a str, i64, &'a str, &'a str, Option<u32>);
    let table: [Row; 6] = [
        (200, r#"{"code":0,"message":"","codeDesc":"Success"}"#, 0, "", "Success", None),
        (
            200,
            r#"{"code":4000,"message":"(9110) Information for this domain does not exist. cdn no such host","codeDesc":9110}"#,
            4000,
            "(9110) Information for this domain does not exist. cdn no such host",
            "9110",
            Some(9110),
        ),
        (200, r#"{"code":4000,"message":"(9110) x","codeDesc":"9110"}"#, 4000, "(9110) x", "9110", Some(9110)),
        (200, r#" {"code":4100,"message":"鉴权失败","codeDesc":"AuthFailure","extra":[1,{"a":null}]} "#, 4100, "鉴权失败", "AuthFailure", None),
        (500, r#"{"code":6000,"message":"(x) internal","codeDesc":"InternalError"}"#, 6000, "(x) internal", "InternalError", None),
        (200, r#"{"code":0,"message":"\"q\" \u4e2d \ud83d\ude00 \/"}"#, 0, "\"q\" 中 😀 /", "", None),
    ];
    for (status, body, code, message, code_desc, module) in table {
        let r = reply::parse(Api::V2, status, body).unwrap();
        assert_eq!((r.code, r.message.as_str(), r.code_desc.as_str(), r.module_code), (code, message, code_desc, module), "{body}");
    }
    let e = reply::parse(Api::V2, 200, r#"{"code":4100,"message":"signature wrong","codeDesc":"AuthFailure"}"#).unwrap().into_result(200).unwrap_err();
    assert_eq!((e.kind, e.code, e.code_desc.as_deref(), e.status), (Kind::Api, Some(4100), Some("AuthFailure"), Some(200)));
    assert_eq!(e.message, "the API refused the request: code 4100, codeDesc \"AuthFailure\": signature wrong");

    let not_api = [
        (502, "<html>Bad Gateway</html>", Kind::Http, "HTTP 502 from the API endpoint, with \"<html>Bad Gateway</html>\""),
        (404, "", Kind::Http, "HTTP 404 from the API endpoint, with an empty body"),
        (407, "", Kind::Http, "HTTP 407 from a proxy, which asks for credentials, with an empty body"),
        // a redirect, which `fetch` is told not to follow, its `Location` given as the body;
        // 0 is a page's opaque redirect, which has none
        (301, "https://cdn.api.qcloud.com/v2/index.php", Kind::Http, "a redirect (HTTP 301) to \"https://cdn.api.qcloud.com/v2/index.php\" from the API endpoint, not followed: it would lose the request's body or signature; give its target as config.endpoint (or config.proxyUrl)"),
        (302, "/login?next=%2Fcdn-api", Kind::Http, "a redirect (HTTP 302) to \"/login?next=%2Fcdn-api\" from the API endpoint, not followed: it would lose the request's body or signature; give its target as config.endpoint (or config.proxyUrl)"),
        (308, "", Kind::Http, "a redirect (HTTP 308) from the API endpoint, not followed: it would lose the request's body or signature; give its target as config.endpoint (or config.proxyUrl)"),
        (0, "", Kind::Http, "a redirect (HTTP 0) from the API endpoint, not followed: it would lose the request's body or signature; give its target as config.endpoint (or config.proxyUrl)"),
        (200, "<html>ok</html>", Kind::InvalidResponse, "the reply (HTTP 200) is not the API's JSON: \"<html>ok</html>\""),
        (200, r#"{"code":"0"}"#, Kind::InvalidResponse, "the reply (HTTP 200) is not the API's JSON: \"{\\\"code\\\":\\\"0\\\"}\""),
        (200, r#"{"code":0} trailing"#, Kind::InvalidResponse, "the reply (HTTP 200) is not the API's JSON: \"{\\\"code\\\":0} trailing\""),
        (200, r#"[{"code":0}]"#, Kind::InvalidResponse, "the reply (HTTP 200) is not the API's JSON: \"[{\\\"code\\\":0}]\""),
    ];
    for (status, body, kind, message) in not_api {
        let e = reply::parse(Api::V2, status, body).unwrap_err();
        assert_eq!((e.kind, e.message.as_str(), e.status), (kind, message, Some(status)), "{body}");
        if status < 200 || (300..400).contains(&status) || status == 407 {
            assert!(!retry::is_transient(&e) && !retry::may_have_purged(&e), "a redirect or a proxy's refusal is neither retried nor maybe purged");
        }
    }
    let huge = "x".repeat(10_000);
    assert!(reply::parse(Api::V2, 200, &huge).unwrap_err().message.len() < 300, "a long body is quoted in part");
}

#[test]
fn json_reader_rejects_what_is_not_json() {
    for bad in ["", "{", "{\"a\"}", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"", "\"\u{1}\"", "tru", "nul", "\"\\ud800\"", "[1] [2]"] {
        assert_eq!(json::parse(bad), None, "{bad:?}");
    }
    let deep = "[".repeat(json::MAX_DEPTH + 2) + &"]".repeat(json::MAX_DEPTH + 2);
    assert_eq!(json::parse(&deep), None, "nesting is bounded");
    for (text, value) in [
        ("0", 0.0),
        ("9007199254740993", 9007199254740992.0),
        ("-12.5E-1", -1.25),
        ("1e2", 100.0),
        ("2E+3", 2000.0),
        ("0.001", 0.001),
        ("1e400", f64::INFINITY),
        // Never NaN: a zero whatever its exponent, a mantissa longer than f64 holds, a value in
        // range whose 10^-exponent is not.
        ("0e400", 0.0),
        ("-1e400", f64::NEG_INFINITY),
        ("1e-400", 0.0),
        (&format!("1.{}1", "0".repeat(400)), 1.0),
        (&format!("1{}e-400", "0".repeat(400)), 1.0),
        ("1234567890123456789e-320", 1.2345678901234562e-302),
    ] {
        assert_eq!(json::parse(text), Some(json::Value::Number(value)), "{text}");
    }
    assert_eq!(
        json::parse("[1.5e3, -0, true, false, null, \"\"]"),
        Some(json::Value::Array(vec![
            json::Value::Number(1500.0),
            json::Value::Number(-0.0),
            json::Value::Bool(true),
            json::Value::Bool(false),
            json::Value::Null,
            json::Value::String(String::new()),
        ]))
    );
}

/// Accounting after a failed batch: earlier batches submitted, the rest pending.
#[test]
fn a_failure_accounts_for_every_directory() {
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let mut purge = Purge::new(raw("POST", "HmacSHA1", None), &dirs).unwrap();
    assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    let e = purge.on_response(200, r#"{"code":4000,"message":"(9110) no such host","codeDesc":9110}"#, None, 0, 0.0).unwrap_err();
    assert_eq!((e.kind, e.code, e.module_code, e.code_desc.as_deref()), (Kind::Api, Some(4000), Some(9110), Some("9110")));
    assert!(e.message.starts_with("batch 2 of 3: the API refused the request"), "{}", e.message);
    assert_eq!(e.submitted, dirs[..20]);
    assert_eq!(e.pending, dirs[20..]);
    let mut no_retry = Purge::new(RawConfig { retries: Some(0.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();
    assert_eq!(no_retry.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    let e = no_retry.on_network_error("fetch failed (connect ECONNREFUSED 127.0.0.1:9)", 0.0).unwrap_err();
    assert_eq!((e.kind, e.message.as_str()), (Kind::Network, "batch 2 of 3: the request did not complete: fetch failed (connect ECONNREFUSED 127.0.0.1:9)"));
    assert_eq!(e.pending.len(), 25);

    let mut purge = Purge::new(raw("POST", "HmacSHA1", None), &dirs).unwrap();
    for _ in 0..3 {
        assert!(!purge.is_done());
        assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    }
    let result = purge.finish().unwrap();
    assert_eq!((result.code, result.code_desc.as_str(), result.dirs.len(), result.batches.len()), (0, "Success", 45, 3));
}

/// The secret key and the token appear in no Debug print and no error, even when the API or
/// the network echoes them.
#[test]
fn secrets_never_leak() {
    let key = "SECRETKEY-0123456789abcdef";
    let token = "TOKEN-fedcba9876543210";
    let cfg = RawConfig { secret_key: Some(key.into()), token: Some(token.into()), ..raw("POST", "HmacSHA1", None) };
    let mut purge = Purge::new(cfg.clone(), &["https://a.com/"]).unwrap();
    let req = purge.request(0, 0, 0).unwrap();
    let mut printed = vec![format!("{purge:?}"), format!("{:?}", purge.config()), format!("{req:?}"), format!("{:#?}", purge.config().credentials)];
    let echo = format!(r#"{{"code":4100,"message":"bad key {key} token {token}","codeDesc":"{key}"}}"#);
    let e = purge.on_response(200, &echo, None, 0, 0.0).unwrap_err();
    printed.extend([e.to_string(), format!("{e:?}")]);
    let mut once = Purge::new(RawConfig { retries: Some(0.0), ..cfg.clone() }, &["https://a.com/"]).unwrap();
    let e = once.on_network_error(&format!("failed to fetch https://x/?Token={token}&k={key}"), 0.0).unwrap_err();
    printed.extend([e.to_string(), format!("{e:?}")]);
    let e = once.on_response(500, &format!("<html>{key}</html>"), None, 0, 0.0).unwrap_err();
    printed.extend([e.to_string(), format!("{e:?}")]);
    for bad in [RawConfig { method: Some("GET".into()), ..cfg.clone() }, RawConfig { nonce: Some(0.5), ..cfg.clone() }] {
        let e = Purge::new(bad, &["https://a.com/"]).unwrap_err();
        printed.extend([e.to_string(), format!("{e:?}")]);
    }
    for p in &printed {
        assert!(!p.contains(key) && !p.contains(token) && !p.contains("SECRETKEY") && !p.contains("TOKEN-"), "leaked: {p}");
    }
    assert!(printed[1].contains("[redacted]"));
}

#[test]
fn json_strings_round_trip() {
    for s in ["", "plain", "\"q\" \\ /", "\n\r\t\u{0}\u{1f}\u{7f}", "中文 😀", "\u{2028}"] {
        let mut out = String::new();
        json::write_string(s, &mut out);
        assert!(!out[1..out.len() - 1].chars().any(|c| (c as u32) < 0x20), "no raw control characters: {out:?}");
        assert_eq!(json::parse(&out), Some(json::Value::String(s.to_owned())), "{out}");
    }
    let mut out = String::new();
    json::write_string("a\"b\u{1}", &mut out);
    assert_eq!(out, r#""a\"b\u0001""#);
}

/// Which failures are retried and after how long (retries 2, retryBaseMs 100, random 0.5, so
/// the first backoff is 50 ms), and which end the call at once (API-NOTES "Error codes").
#[test]
fn retry_decisions() {
    let api = |code: i64, message: &str| format!(r#"{{"code":{code},"message":"{message}","codeDesc":"x"}}"#);
    let now = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
    let table: Vec<(u16, String, Option<&str>, Option<u64>)> = vec![
        // status, body, Retry-After: Some(wait) when retried, None when the call fails at once
        (503, "<html>busy</html>".into(), None, Some(50)),
        (502, String::new(), None, Some(50)),
        (504, String::new(), None, Some(50)),
        (429, String::new(), None, Some(50)),
        (429, String::new(), Some("3"), Some(3000)),
        (503, String::new(), Some("Sun, 06 Nov 1994 08:49:40 GMT"), Some(3000)),
        (503, String::new(), Some("Sun, 06 Nov 1994 08:49:00 GMT"), Some(0)),
        (503, String::new(), Some("soon"), Some(50)),
        (503, String::new(), Some("61"), None),
        (200, api(6200, "temporarily unavailable"), None, Some(50)),
        (200, api(6000, "internal error"), None, Some(50)),
        (200, api(4000, "(9163) too frequent"), None, Some(50)),
        (200, api(4000, "(22063) too frequent"), None, Some(50)),
        (500, "<html>oops</html>".into(), None, None),
        (404, String::new(), None, None),
        (200, "not json".into(), None, None),
        (200, api(4000, "(9110) no such host"), None, None),
        (200, api(4000, "(22046) daily quota"), None, None),
        (200, api(4000, "(22045) too many"), None, None),
        (200, api(4100, "signature"), None, None),
        (200, api(4104, "secret id"), None, None),
        (200, api(4105, "token"), None, None),
        (200, api(4300, "denied"), None, None),
        (200, api(4400, "quota"), None, None),
        // A replay or an expired timestamp: signing anew mends it, but not with the config's
        // fixed timestamp, which these have (see below for the clock's).
        (200, api(4500, "replay or expired"), None, None),
    ];
    let config = || RawConfig { retry_base_ms: Some(100.0), ..raw("POST", "HmacSHA1", None) };
    for (status, body, retry_after, want) in &table {
        let mut purge = Purge::new(config(), &["https://www.test.com/a/"]).unwrap();
        let got = purge.on_response(*status, body, *retry_after, now, 0.5);
        match want {
            Some(ms) => assert_eq!(got, Ok(Step::Retry { after_ms: *ms }), "{status} {body} {retry_after:?}"),
            None => assert!(got.is_err(), "{status} {body} {retry_after:?}: {got:?}"),
        }
    }
    let mut purge = Purge::new(config(), &["https://www.test.com/a/"]).unwrap();
    assert_eq!(purge.on_network_error("ECONNRESET", 0.5), Ok(Step::Retry { after_ms: 50 }));
    let expired = [
        (RawConfig { timestamp: None, ..config() }, api(4500, "replay or expired")),
        (
            RawConfig { api: Some("v3".into()), retry_base_ms: Some(100.0), ..raw_v3() },
            r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"r"}}"#.into(),
        ),
    ];
    for (config, body) in expired {
        let mut purge = Purge::new(config, &["https://www.test.com/a/"]).unwrap();
        assert_eq!(purge.on_response(200, &body, None, now, 0.5), Ok(Step::Retry { after_ms: 50 }), "{body}");
    }
}

/// Retries back off exponentially with full jitter up to the cap, and give up after
/// `retries`; an accepted batch records its attempts.
#[test]
fn retries_back_off_and_give_up() {
    let policy = retry::Policy { retries: 10, base_ms: 100, ..Default::default() };
    let waits: Vec<u64> = (0..10).map(|n| retry::backoff_ms(policy, n, 0.999_999)).collect();
    assert_eq!(waits, [99, 199, 399, 799, 1599, 3199, 6399, 12799, 19999, 19999]);
    assert_eq!(retry::backoff_ms(policy, 3, 0.0), 0);
    assert_eq!(retry::backoff_ms(retry::Policy { base_ms: 0, ..Default::default() }, 5, 0.9), 0);
    // Windows stop at the cap however large the base or the retry number.
    assert_eq!(retry::backoff_ms(retry::Policy { base_ms: u64::MAX, ..Default::default() }, 0, 0.999_999), 19_999);
    assert_eq!(retry::backoff_ms(retry::Policy { base_ms: 1, ..Default::default() }, u32::MAX, 0.999_999), 19_999);

    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let mut purge = Purge::new(RawConfig { retry_base_ms: Some(100.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();
    assert_eq!(purge.on_network_error("ECONNRESET", 0.5), Ok(Step::Retry { after_ms: 50 }));
    assert_eq!(purge.on_response(503, "", None, 0, 0.5), Ok(Step::Retry { after_ms: 100 }));
    assert_eq!(purge.on_response(200, ok, None, 0, 0.5), Ok(Step::Accepted));
    assert_eq!(purge.on_response(503, "", None, 0, 0.5), Ok(Step::Retry { after_ms: 50 }));
    assert_eq!(purge.on_response(503, "", None, 0, 0.5), Ok(Step::Retry { after_ms: 100 }));
    let e = purge.on_response(503, "<html>busy</html>", None, 0, 0.5).unwrap_err();
    assert_eq!((e.kind, e.status), (Kind::Http, Some(503)));
    assert!(e.message.starts_with("batch 2 of 3: HTTP 503") && e.message.ends_with(" (3 attempts)"), "{}", e.message);
    assert_eq!((e.submitted.len(), e.pending.len()), (20, 25));

    let mut purge = Purge::new(raw("POST", "HmacSHA1", None), &dirs).unwrap();
    let first = purge.request(0, 0, 0).unwrap().nonce;
    assert_eq!(purge.on_response(503, "", None, 0, 0.0), Ok(Step::Retry { after_ms: 0 }));
    // A fixed nonce counts up per batch; a retry moves past every batch's, so none repeats.
    assert_eq!(purge.request(0, 0, 0).unwrap().nonce, first + 3);
    assert_eq!(purge.request(1, 0, 0).unwrap().nonce, first + 1);
    for _ in 0..3 {
        assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    }
    let result = purge.finish().unwrap();
    assert_eq!(result.batches.iter().map(|b| b.attempts).collect::<Vec<_>>(), [2, 1, 1]);
}

/// `retryMaybePurged: false`: a failure after which the batch may have been purged ends the
/// call at once, the batch in `maybe_submitted`, so no batch is purged twice; a failure that
/// says the API did nothing is still retried.
#[test]
fn without_retry_maybe_purged_no_batch_is_sent_twice() {
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let config = || RawConfig { retry_maybe_purged: Some(false), retry_base_ms: Some(100.0), ..raw("POST", "HmacSHA1", None) };
    // status (0: no response, `body` says why), body: retried after 50 ms, or the call ends with
    // the batch maybe purged (true) or pending (false).
    let table: [(u16, &str, Result<u64, bool>); 8] = [
        (0, "fetch failed (other side closed, UND_ERR_SOCKET)", Err(true)),
        (0, "Failed to fetch", Err(true)),
        (502, "", Err(true)),
        (504, "", Err(true)),
        (0, "fetch failed (connect ECONNREFUSED 127.0.0.1:9)", Ok(50)),
        (503, "", Ok(50)),
        (429, "", Ok(50)),
        (200, r#"{"code":6000,"message":"internal error","codeDesc":"InternalError"}"#, Ok(50)),
    ];
    for (status, body, want) in table {
        let mut purge = Purge::new(config(), &dirs).unwrap();
        let got = match status {
            0 => purge.on_network_error(body, 0.5),
            _ => purge.on_response(status, body, None, 0, 0.5),
        };
        match want {
            Ok(ms) => assert_eq!(got, Ok(Step::Retry { after_ms: ms }), "{status} {body}"),
            Err(maybe) => {
                let e = got.unwrap_err();
                assert_eq!((e.maybe_submitted.len(), e.pending.len()), if maybe { (20, 25) } else { (0, 45) }, "{status} {body}");
                assert!(!e.message.contains("attempts"), "sent once: {}", e.message);
            }
        }
    }
}

/// A call cut short: a batch in flight may have been purged (maybe_submitted); nothing else
/// is lost.
#[test]
fn interruptions_account_for_every_directory() {
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let mut purge = Purge::new(RawConfig { timeout_ms: Some(250.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();
    let e = purge.interrupted(Interruption::Aborted, false);
    assert_eq!((e.kind, e.message.as_str()), (Kind::Aborted, "batch 1 of 3: aborted by config.signal before the request was sent"));
    assert_eq!((e.submitted.len(), e.maybe_submitted.len(), e.pending.len()), (0, 0, 45));
    assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    let e = purge.interrupted(Interruption::Timeout, true);
    assert_eq!(e.kind, Kind::Timeout);
    assert_eq!(
        e.message,
        "batch 2 of 3: no response within config.timeoutMs (250 ms); the request may have reached the API, so its directories are in maybeSubmitted"
    );
    assert_eq!((&e.submitted[..], &e.maybe_submitted[..], &e.pending[..]), (&dirs[..20], &dirs[20..40], &dirs[40..]));
    assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    let e = purge.interrupted(Interruption::Aborted, true);
    assert_eq!((e.kind, e.submitted.len(), &e.maybe_submitted[..], e.pending.len()), (Kind::Aborted, 40, &dirs[40..], 0));
}

/// Fails the second of three batches (45 directories, no retries) with `fail`, checks that the
/// batch is maybe purged, its message saying so, exactly when `maybe_purged`, and that every
/// directory is in one list; returns the error.
fn second_batch_fails(fail: impl FnOnce(&mut Purge) -> Result<Step, Error>, maybe_purged: bool, what: &str) -> Error {
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let maybe = "; the request may have been processed, so its directories are in maybeSubmitted";
    let mut purge = Purge::new(RawConfig { retries: Some(0.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();
    assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    let e = fail(&mut purge).unwrap_err();
    assert_eq!(e.message.ends_with(maybe), maybe_purged, "{what}: {}", e.message);
    let (maybe_submitted, pending) = if maybe_purged { (&dirs[20..40], &dirs[40..]) } else { (&dirs[..0], &dirs[20..]) };
    assert_eq!((&e.submitted[..], &e.maybe_submitted[..], &e.pending[..]), (&dirs[..20], maybe_submitted, pending), "{what}");
    e
}

/// Tencent retired API 2.0 in 2022: a call that leaves out the endpoint and the API goes to its
/// retired host, so its failure says to add `api: "v3"`. Not when an endpoint is given (the
/// emulator, a proxy of one's own), with API 3.0, or when the caller aborted.
#[test]
fn leaving_out_the_retired_endpoint_says_to_add_api_v3() {
    let hint = "; API 2.0, the default, is retired: add config.api \"v3\"";
    let dirs = ["https://www.test.com/a/"];
    let default = RawConfig { endpoint: None, retries: Some(0.0), ..raw("POST", "HmacSHA1", None) };
    let given = RawConfig { retries: Some(0.0), ..raw("POST", "HmacSHA1", None) };
    let v3 = RawConfig { retries: Some(0.0), api: Some("v3".into()), ..raw_v3() };
    let lost = "fetch failed (getaddrinfo ENOTFOUND cdn.api.qcloud.com)";
    for (raw, fail, hinted) in [(&default, 0, true), (&default, 1, true), (&default, 2, true), (&default, 3, false), (&given, 0, false), (&v3, 0, false)] {
        let mut purge = Purge::new(raw.clone(), &dirs).unwrap();
        let e = match fail {
            0 => purge.on_network_error(lost, 0.0).unwrap_err(),
            1 => purge.on_response(404, "<html>Not Found</html>", None, 0, 0.0).unwrap_err(),
            2 => purge.interrupted(Interruption::Timeout, true),
            _ => purge.interrupted(Interruption::Aborted, true),
        };
        assert_eq!(e.message.ends_with(hint), hinted, "{fail}: {}", e.message);
    }
}

/// The last failure of a batch: the batch is pending when it was certainly not processed, and
/// maybe purged when a reply that is not the API's came back with a 2xx or a 5xx other than 503.
#[test]
fn a_reply_not_from_the_api_leaves_its_batch_maybe_purged() {
    let table: [(u16, &str, Kind, bool); 10] = [
        (200, "<html>Welcome</html>", Kind::InvalidResponse, true),
        (204, "", Kind::InvalidResponse, true),
        (500, "<html>Internal Server Error</html>", Kind::Http, true),
        (501, "", Kind::Http, true),
        (502, "<html>Bad Gateway</html>", Kind::Http, true),
        (504, "<html>Gateway Timeout</html>", Kind::Http, true),
        (404, "<html>Not Found</html>", Kind::Http, false),
        (429, "", Kind::Http, false),
        (503, "<html>busy</html>", Kind::Http, false),
        (200, r#"{"code":4100,"message":"signature","codeDesc":"AuthFailure"}"#, Kind::Api, false),
    ];
    for (status, body, kind, maybe_purged) in table {
        let e = second_batch_fails(|p| p.on_response(status, body, None, 0, 0.0), maybe_purged, &format!("{status} {body}"));
        assert_eq!(e.kind, kind, "{status} {body}");
    }
}

/// A connection lost without a reply: pending only when the runtime says the request never
/// left; every other transport failure may have reached the API. Each is retried, but for one
/// the runtime refused to send (a bad port, Deno's or Node's missing permission), which it
/// would refuse again.
#[test]
fn a_lost_connection_is_pending_only_when_nothing_was_sent() {
    let table: [(&str, bool, bool); 24] = [
        ("fetch failed (connect ECONNREFUSED 127.0.0.1:9)", false, true),
        ("fetch failed (getaddrinfo ENOTFOUND nosuch.invalid)", false, true),
        ("fetch failed (getaddrinfo EAI_AGAIN cdn.api.qcloud.com)", false, true),
        ("fetch failed (connect ENETUNREACH 10.0.0.1:443)", false, true),
        ("fetch failed (Connect Timeout Error (attempted address: cdn.api.qcloud.com:443, timeout: 10000ms), UND_ERR_CONNECT_TIMEOUT)", false, true),
        ("fetch failed (certificate has expired, CERT_HAS_EXPIRED)", false, true),
        ("fetch failed (self-signed certificate, DEPTH_ZERO_SELF_SIGNED_CERT)", false, true),
        ("fetch failed (unable to verify the first certificate, UNABLE_TO_VERIFY_LEAF_SIGNATURE)", false, true),
        ("fetch failed (bad port)", false, false),
        ("Failed to parse URL from /cdn-api (Invalid URL, ERR_INVALID_URL)", false, false),
        ("Fetch failed: Requests to port 1 are blocked", false, false),
        ("Requires net access to \"127.0.0.1:8787\", run again with the --allow-net flag", false, false),
        ("fetch failed (connect ERR_ACCESS_DENIED Access to this API has been restricted. Use --allow-net to manage permissions.)", false, false),
        // Cloudflare Workers' fetch past the invocation's subrequest limit (not enforced by a local workerd).
        ("Too many subrequests by single Worker invocation. To configure this limit, refer to https://developers.cloudflare.com/workers/wrangler/configuration/#limits", false, false),
        ("fetch failed (error sending request for url (https://cdn.api.qcloud.com/): client error (Connect): dns error: failed to lookup address information)", false, true),
        ("fetch failed (Request was cancelled.) (Proxy response (407) !== 200 when HTTP Tunneling, UND_ERR_ABORTED)", false, true),
        ("Proxy refused to open a tunnel: 407 Proxy Authentication Required, ERR_PROXY_TUNNEL", false, true),
        // Node 26 hands a proxy a plain-http request whole; the proxy refused to forward it.
        ("fetch failed (Proxy Authentication Required (407), UND_ERR_INVALID_ARG)", false, true),
        ("fetch failed (other side closed, UND_ERR_SOCKET)", true, true),
        ("fetch failed (read ECONNRESET)", true, true),
        ("fetch failed (error sending request from 127.0.0.1:55074 for http://127.0.0.1:8787/: client error (SendRequest): connection closed before message completed)", true, true),
        ("Failed to fetch", true, true),
        ("NetworkError when attempting to fetch resource.", true, true),
        ("Network connection lost.", true, true),
    ];
    let dirs = ["https://www.test.com/a/"];
    for (detail, maybe_purged, retried) in table {
        let e = second_batch_fails(|p| p.on_network_error(detail, 0.0), maybe_purged, detail);
        assert_eq!(e.kind, Kind::Network, "{detail}");
        let mut purge = Purge::new(RawConfig { retries: Some(1.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();
        assert_eq!(purge.on_network_error(detail, 0.5).is_ok(), retried, "{detail}");
    }
}

/// Retries go on after a failure that may have reached the API (a lost connection, a 502 or a
/// 504), but the batch is not called pending afterwards: if it fails in the end, however, it
/// is maybe purged. Its next batch starts afresh.
#[test]
fn a_batch_retried_after_it_may_have_reached_the_api_is_never_pending() {
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let refused = "fetch failed (connect ECONNREFUSED 127.0.0.1:9)";
    let lists = |e: &Error| (e.submitted.len(), e.maybe_submitted.len(), e.pending.len());
    let new = || Purge::new(RawConfig { retry_base_ms: Some(100.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();

    let mut purge = new();
    assert_eq!(purge.on_response(504, "", None, 0, 0.5), Ok(Step::Retry { after_ms: 50 }));
    assert_eq!(purge.on_network_error(refused, 0.5), Ok(Step::Retry { after_ms: 100 }));
    let e = purge.on_response(503, "", None, 0, 0.5).unwrap_err();
    assert_eq!(e.message, "batch 1 of 3: HTTP 503 from the API endpoint, with an empty body (3 attempts); an attempt may have been processed, so its directories are in maybeSubmitted");
    assert_eq!(lists(&e), (0, 20, 25));

    let mut purge = new();
    assert_eq!(purge.on_network_error("fetch failed (other side closed, UND_ERR_SOCKET)", 0.5), Ok(Step::Retry { after_ms: 50 }));
    let e = purge.interrupted(Interruption::Aborted, false);
    assert_eq!(
        e.message,
        "batch 1 of 3: aborted by config.signal before the batch was sent again; the request may have been processed, so its directories are in maybeSubmitted"
    );
    assert_eq!(lists(&e), (0, 20, 25));
    let e = purge.interrupted(Interruption::Timeout, true);
    assert_eq!(lists(&e), (0, 20, 25), "moved once, whatever says it may have been purged");

    assert_eq!(purge.on_response(200, ok, None, 0, 0.5), Ok(Step::Accepted));
    assert_eq!(purge.accepted()[0].attempts, 2);
    assert_eq!(purge.on_network_error(refused, 0.5), Ok(Step::Retry { after_ms: 50 }));
    assert_eq!(purge.on_response(503, "", None, 0, 0.5), Ok(Step::Retry { after_ms: 100 }));
    let e = purge.on_network_error(refused, 0.5).unwrap_err();
    assert_eq!(e.message, format!("batch 2 of 3: the request did not complete: {refused} (3 attempts)"));
    assert_eq!(lists(&e), (20, 0, 25));
}

/// API 2.0's 4500 refuses a replayed nonce and an expired timestamp alike. A replay means a
/// copy of the request (a runtime or a proxy sent it again) reached the API, so the batch may
/// have been purged: retried only as such a failure is, and maybe purged if the batch fails.
/// API 3.0's expiry, `AuthFailure.SignatureExpire`, has no nonce behind it: retried, pending.
#[test]
fn a_4500_may_be_a_replay_of_a_copy_that_reached_the_api() {
    let v2 = r#"{"code":4500,"message":"replay or expired","codeDesc":"RequestReplayOrExpired"}"#;
    let v3 = r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"r"}}"#;
    second_batch_fails(|p| p.on_response(200, v2, None, 0, 0.0), true, "4500");
    for (raw, body, maybe_purged) in [(raw("POST", "HmacSHA1", None), v2, true), (RawConfig { api: Some("v3".into()), ..raw_v3() }, v3, false)] {
        for careful in [false, true] {
            let what = format!("{body}, retryMaybePurged: {}", !careful);
            let config = RawConfig { retry_maybe_purged: Some(!careful), timestamp: None, ..raw.clone() };
            let mut purge = Purge::new(config, &["https://www.test.com/a/"]).unwrap();
            match purge.on_response(200, body, None, 0, 0.0) {
                Ok(_) => assert!(!(careful && maybe_purged), "{what}: retried"),
                Err(e) => {
                    assert!(careful && maybe_purged, "{what}: not retried");
                    assert_eq!((e.maybe_submitted.len(), e.pending.len()), (1, 0), "{what}: maybe purged");
                }
            }
        }
    }
}

/// A v3 call succeeds only on API 3.0's own answer; either API's errors are read from either call.
#[test]
fn a_v3_call_takes_only_api_3_successes() {
    let v3 = |api: &str| RawConfig {
        api: Some(api.into()),
        secret_id: Some("AKIDv3".into()),
        secret_key: Some("key".into()),
        retries: Some(0.0),
        ..RawConfig::default()
    };
    let dirs = ["https://www.test.com/a/"];
    let v2_ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let v3_ok = r#"{"Response":{"TaskId":"t-1","RequestId":"r-1"}}"#;
    let v3_error = r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r-2"}}"#;
    let v2_error = r#"{"code":4100,"message":"bad","codeDesc":"AuthFailure"}"#;
    let outcome = |api: &str, body: &str| {
        let mut purge = Purge::new(v3(api), &dirs).unwrap();
        purge.on_response(200, body, None, 0, 0.0).map_err(|e| (e.kind, e.maybe_submitted.len()))
    };
    assert_eq!(outcome("v3", v3_ok), Ok(Step::Accepted));
    assert_eq!(outcome("v3", v2_ok), Err((Kind::InvalidResponse, 1)), "a {{\"code\":0}} from something else is not a purge");
    assert_eq!(outcome("v3", v2_error), Err((Kind::Api, 0)));
    assert_eq!(outcome("v2", v2_ok), Ok(Step::Accepted));
    assert_eq!(outcome("v2", v3_error), Err((Kind::Api, 0)), "a v2 call sent to API 3.0's host is told why");
}

/// A status that came back with a body that could not be read: the API got the request, so
/// the batch is maybe purged and not sent again, however many retries are left.
#[test]
fn a_lost_reply_is_maybe_purged_and_not_retried() {
    let dirs: Vec<String> = (0..45).map(|i| format!("https://www.test.com/{i}/")).collect();
    let ok = r#"{"code":0,"message":"","codeDesc":"Success"}"#;
    let mut purge = Purge::new(RawConfig { retries: Some(5.0), ..raw("POST", "HmacSHA1", None) }, &dirs).unwrap();
    assert_eq!(purge.on_response(200, ok, None, 0, 0.0), Ok(Step::Accepted));
    let e = purge.on_lost_reply(200, "terminated (other side closed)");
    assert_eq!((e.kind, e.status), (Kind::Network, Some(200)));
    assert_eq!(
        e.message,
        "batch 2 of 3: HTTP 200 came back but its body could not be read (terminated (other side closed)); the request reached the API, so its directories are in maybeSubmitted"
    );
    assert_eq!((&e.submitted[..], &e.maybe_submitted[..], &e.pending[..]), (&dirs[..20], &dirs[20..40], &dirs[40..]));
}

/// Retry-After in both forms RFC 9110 allows; anything else is ignored.
#[test]
fn retry_after_values() {
    let now = 784_111_777_000;
    for (value, want) in [
        ("0", Some(0)),
        ("2", Some(2000)),
        (" 120 ", Some(120_000)),
        ("Sun, 06 Nov 1994 08:49:37 GMT", Some(0)),
        ("Sun, 06 Nov 1994 08:50:37 GMT", Some(60_000)),
        ("Mon, 07 Nov 1994 08:49:37 GMT", Some(86_400_000)),
        ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0)),
        ("-1", None),
        ("1.5", None),
        ("", None),
        ("Sunday, 06-Nov-94 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 08:49:37 UTC", None),
        ("Sun, 06 Foo 1994 08:49:37 GMT", None),
        ("Sun, 32 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 8:49:37 GMT", None),
        ("Sun, 06 Nov 1994 08:49:37 GMTs", None),
        ("Sun, 06 Nov 1994 08-49-37 GMT", None),
        ("Sun, 06 Nov 1994 08:+9:37 GMT", None),
        ("Sün, 06 Nov 1994 08:49:37 GMT", None),
        ("+2", None),
        ("99999999999999999999999", None),
        // u64::MAX seconds is read (and saturates); one more does not fit
        ("18446744073709551615", Some(18_446_744_073_709_551_000)),
        ("18446744073709551616", None),
    ] {
        assert_eq!(retry::retry_after_ms(value, now), want, "{value:?}");
    }
    assert_eq!(time::days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(time::days_from_civil(2026, 11, 29), 20_786);
}

/// API-NOTES-V3 "Known answers": the official SDK's `sign3` signatures.
#[test]
fn known_answers_of_tc3() {
    let (id, key) = ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
    let table = [
        (
            1_700_000_000,
            "application/json",
            r#"{"Paths":["https://www.test.com/test/"],"FlushType":"flush"}"#,
            "2023-11-14",
            "c2ef0954fee9619ef1a9bce670b27348c4d681ca43a75644b98314382453c206",
        ),
        (
            1_551_113_065,
            "application/json; charset=utf-8",
            r#"{"Paths":["https://www.test.com/a/","https://example.com/中文/"],"FlushType":"delete"}"#,
            "2019-02-25",
            "4f6b07804f1f59dbfc840c716d70049ba959d57fa5ebcd55276afef47c585f86",
        ),
    ];
    for (timestamp, content_type, body, date, signature) in table {
        assert_eq!(
            sign::tc3_authorization(id, key, "cdn.tencentcloudapi.com", content_type, body.as_bytes(), timestamp),
            format!("TC3-HMAC-SHA256 Credential={id}/{date}/cdn/tc3_request, SignedHeaders=content-type;host, Signature={signature}")
        );
    }
}

/// The TC3 credential date across leap days, month and year ends, 1970, 2038, 2100 and the
/// last second `config.timestamp` may name.
#[test]
fn utc_dates() {
    for (timestamp, date) in [
        (0, "1970-01-01"),
        (86_399, "1970-01-01"),
        (86_400, "1970-01-02"),
        (951_782_400, "2000-02-29"),
        (951_868_799, "2000-02-29"),
        (951_868_800, "2000-03-01"),
        (1_709_164_800, "2024-02-29"),
        (1_704_067_199, "2023-12-31"),
        (1_704_067_200, "2024-01-01"),
        (2_147_483_647, "2038-01-19"),
        (2_147_483_648, "2038-01-19"),
        (4_107_456_000, "2100-02-28"),
        (4_107_542_400, "2100-03-01"),
        (1_700_000_000, "2023-11-14"),
        (config::MAX_TIMESTAMP, "9999-12-31"),
    ] {
        assert_eq!(time::utc_date(timestamp), date, "{timestamp}");
    }
    let mut last = RawConfig { timestamp: Some(config::MAX_TIMESTAMP as f64), ..raw("POST", "HmacSHA1", None) };
    assert!(config::Config::from_raw(&mut last).is_ok());
    for days in (0..80_000).step_by(7) {
        let (y, m, d) = time::civil_from_days(days);
        assert_eq!(time::days_from_civil(y, m, d), days);
    }
}

/// The v3 body is valid JSON whatever the paths hold (quotes, backslashes, non-ASCII), and the
/// signature covers exactly the bytes that are sent.
#[test]
fn the_v3_body_is_json_and_signed_as_sent() {
    let dirs = [r#"https://www.test.com/"q"/"#, r"https://www.test.com/q/?back\slash", "https://www.test.com/中文/😀/", "https://www.test.com/a/?x=1&y=%20"];
    let raw = RawConfig {
        api: Some("v3".into()),
        refresh_type: Some(2.0),
        area: Some("mainland".into()),
        url_encode: Some(false),
        language: Some("en-US".into()),
        ..raw_v3()
    };
    let purge = Purge::new(raw, &dirs).unwrap();
    let r = purge.request(0, 1_700_000_000, 0).unwrap();
    let body = r.body.as_deref().unwrap();
    let v = json::parse(body).expect("valid JSON");
    let paths: Vec<&str> = match v.get("Paths") {
        Some(json::Value::Array(a)) => a.iter().filter_map(json::Value::as_str).collect(),
        _ => panic!("Paths"),
    };
    assert_eq!(paths, dirs);
    assert_eq!(v.get("FlushType").and_then(json::Value::as_str), Some("delete"));
    assert_eq!(v.get("Area").and_then(json::Value::as_str), Some("mainland"));
    assert_eq!(v.get("UrlEncode"), Some(&json::Value::Bool(false)));
    let header = |n: &str| r.headers.iter().find(|(k, _)| *k == n).map(|(_, v)| &**v);
    let endpoint = &purge.config().endpoint;
    assert_eq!((endpoint.hostname(), &*r.url), ("cdn.tencentcloudapi.com", "https://cdn.tencentcloudapi.com/"));
    let want = sign::tc3_authorization("AKIDv3", "v3-key", endpoint.hostname(), "application/json", body.as_bytes(), 1_700_000_000);
    assert_eq!(header("authorization"), Some(want.as_str()));
    assert_eq!(header("x-tc-timestamp"), Some("1700000000"));
    assert_eq!(header("x-tc-language"), Some("en-US"));
}

fn raw_v3() -> RawConfig {
    RawConfig { secret_id: Some("AKIDv3".into()), secret_key: Some("v3-key".into()), ..RawConfig::default() }
}
