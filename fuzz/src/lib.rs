//! Fuzz targets of the core: each takes arbitrary bytes and must neither panic nor break a
//! promise of the core.
//!
//! - [`reply`]: any status, body and `Retry-After` → a reply, an error a reply can produce, or
//!   a retry decision; never a panic.
//! - [`request`]: any config and directory list → requests the emulator's verifier accepts
//!   (as the API would), or an `invalid-input` error.
//!
//! `make fuzz` runs them under libFuzzer with coverage feedback (`fuzz/libfuzzer/`,
//! `scripts/fuzz.sh`), and `tests/corpus.rs` replays the committed corpus, and any input that
//! failed, in `make test`.

use qcloud_cdn_emulator::api::{self, Account, Api, Call};
use qcloud_cdn_emulator::api3::{Call3, Reply3};
use qcloud_cdn_refresh::config::Api::{V2 as Api2, V3 as Api3};
use qcloud_cdn_refresh::dirs::Dir;
use qcloud_cdn_refresh::purge::Step;
use qcloud_cdn_refresh::request::parse_form;
use qcloud_cdn_refresh::sign::Method;
use qcloud_cdn_refresh::{json, reply, retry, Kind, Purge, RawConfig};

/// A fuzz target: the name of its corpus directory, and the function that takes one input.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: [Target; 2] = [("reply", reply), ("request", request)];

const ID: &str = "AKIDfuzz";
const KEY: &str = "fuzz-secret-key";
const NOW: u64 = 1_700_000_000;

/// Input: 2 bytes of status, then `Retry-After` and the body, separated by a 0x1F byte.
pub fn reply(data: &[u8]) {
    let status = u16::from_le_bytes([data.first().copied().unwrap_or(0), data.get(1).copied().unwrap_or(0)]) % 1000;
    let rest = String::from_utf8_lossy(data.get(2..).unwrap_or_default());
    let (retry_after, body) = rest.split_once('\u{1f}').map_or((None, rest.as_ref()), |(r, b)| (Some(r), b));
    let _ = json::parse(body);
    match reply::parse(Api2, status, body).and_then(|r| r.into_result(status)) {
        Ok(r) => assert_eq!(r.code, 0, "only code 0 is a success"),
        Err(e) => assert!(matches!(e.kind, Kind::Api | Kind::Http | Kind::InvalidResponse), "{:?}", e.kind),
    }
    if let Ok(r) = reply::parse(Api3, status, body) {
        assert!(r.code != 0 || r.task_id.is_some(), "a v3 success has a TaskId");
    }
    let mut purge = Purge::new(config(), &["https://www.test.com/a/"]).expect("a valid call");
    match purge.on_response(status, body, retry_after, NOW * 1000, 0.5) {
        Ok(Step::Retry { after_ms }) => assert!(after_ms <= 60_000, "a wait longer than Retry-After's limit: {after_ms}"),
        Ok(Step::Accepted) => assert!(purge.is_done()),
        Err(e) => {
            // In exactly one list: maybe purged when a reply not from the API may follow a purge.
            let maybe = usize::from(retry::may_have_purged(&e));
            assert_eq!((e.submitted.len(), e.maybe_submitted.len(), e.pending.len()), (0, maybe, 1 - maybe), "the dir is accounted for");
        }
    }
}

/// Input: fields separated by 0x1F bytes: directories (one per line), then `method`,
/// `signatureMethod`, `token`, `endpoint`, `type`, `api`, `area`, `batchSize`, `dailyLimit`,
/// `timestamp`, `nonce`, `proxyUrl`, `urlEncode` (`1` or else false), `language`, each empty
/// (or missing) for "not given".
pub fn request(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\u{1f}');
    let dirs: Vec<&str> = fields.next().unwrap_or_default().split('\n').collect();
    let mut field = || fields.next().filter(|f| !f.is_empty()).map(str::to_owned);
    let (method, signature_method, token, endpoint) = (field(), field(), field(), field());
    let refresh_type = field().and_then(|t| t.parse().ok());
    let (api, area) = (field(), field());
    let mut number = || field().and_then(|n| n.parse().ok());
    let (batch_size, daily_limit, timestamp, nonce) = (number(), number(), number(), number());
    let (proxy_url, url_encode, language) = (field(), field().map(|f| f == "1"), field());
    let raw = RawConfig {
        method,
        signature_method,
        token: token.clone(),
        endpoint,
        refresh_type,
        api,
        area,
        batch_size,
        daily_limit,
        timestamp,
        nonce,
        proxy_url,
        url_encode,
        language,
        ..config()
    };
    let purge = match Purge::new(raw, &dirs) {
        Ok(p) => p,
        Err(e) => {
            assert_eq!(e.kind, Kind::InvalidInput, "{}", e.message);
            return assert_eq!(e.pending.len(), dirs.len(), "nothing was sent: every dir given is pending");
        }
    };
    let requests: Vec<_> = (0..purge.batch_count()).map(|i| purge.request(i, NOW, 1000 + i as u64).expect("every batch signs")).collect();
    // A fixed `timestamp` signs every batch: the emulator judges it at that time.
    let now = purge.config().timestamp.unwrap_or(NOW);
    // A directory as sent is already as a browser writes it: read again, it is unchanged.
    for d in requests.iter().flat_map(|r| &r.dirs) {
        assert_eq!(Dir::parse(0, d).map(Dir::into_string).as_ref(), Ok(d), "sent {d:?} is not a fixed point");
    }
    // The account owns the domains of the directories as sent, their scheme written in lower case.
    let domains = requests.iter().flat_map(|r| &r.dirs).filter_map(|d| api::dir_host(d)).map(str::to_owned).collect();
    let account = Account { secret_id: ID.into(), secret_key: KEY.into(), token, domains, daily_limit: u32::MAX };
    let mut api = Api::new(vec![account]);
    let endpoint = &purge.config().endpoint;
    for (i, r) in requests.iter().enumerate() {
        if purge.config().api == Api3 {
            let answer = api.handle_v3(&Call3::from_request(r, &endpoint.host), now);
            assert!(matches!(answer, Reply3::Success { .. }), "the emulator refused v3 batch {i}: {answer:?} ({r:?})");
            continue;
        }
        let wire = match r.method {
            Method::Post => r.body.clone().expect("a POST has a body"),
            Method::Get => r.url.split_once('?').expect("a GET has a query").1.to_owned(),
        };
        let params = parse_form(&wire).expect("the wire form decodes");
        let call = Call { method: r.method, host: &endpoint.host, path: &endpoint.path, params: &params };
        let answer = api.handle(&call, now);
        assert_eq!(answer.code, 0, "the emulator refused batch {i}: {} ({:?})", answer.message, r);
    }
}

fn config() -> RawConfig {
    RawConfig { secret_id: Some(ID.into()), secret_key: Some(KEY.into()), ..RawConfig::default() }
}
