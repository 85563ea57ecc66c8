// Reliability of the installed package against the emulator's fault injection: retries,
// timeouts, aborts, concurrency, absurd inputs, traps, and secrets on every error path.
// Every case checks that the emulator's purge log and the error's submitted / maybeSubmitted /
// pending account for every directory, none purged twice. `make test` runs this file under
// the machine's Node and Node 22, 24 and 26 (`node --test`), and under the newest Deno
// (`deno test`) and Bun (`bun test`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { freePort, packageAndEmulator, root } from "./helpers.mjs";

const KEY = "RELIABILITY-secret-key-5f2a";
const TOKEN = "RELIABILITY-session-token-9c1e";
const A = { secretId: "AKIDrel", secretKey: KEY, domains: ["www.test.com"], dailyLimit: 100000 };
const T = { secretId: "AKIDreltoken", secretKey: KEY, token: TOKEN, domains: ["www.test.com"], dailyLimit: 100000 };
const ctx = packageAndEmulator({ accounts: [A, T] });

let tags = 0;
const dirs = (tag, n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${tag}/${i}/`);
const recorded = async (tag) => (await ctx.emu.purges()).map((p) => p.dir).filter((d) => d.includes(`/${tag}/`));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// api.js over the glue and .wasm, as `make pkg` leaves them in target/pkg-internal/ after
// bundling them into every entry: its __testTrap, the hook that traps on purpose, is in no entry
// of the package.
let internals;
async function loadInternals() {
  const dir = join(root, "target", "pkg-internal");
  const glue = await import(pathToFileURL(join(dir, "qcloud_cdn_refresh.js")));
  glue.initSync({ module: readFileSync(join(dir, "qcloud_cdn_refresh_bg.wasm")) });
  return { ...(await import(pathToFileURL(join(dir, "api.js")))), glue };
}
const internal = () => (internals ??= loadInternals());

// A fetch that counts attempts and notes when each started. Under Deno (`make test` runs this
// file there too) it keeps no idle connection: Deno's pooled fetch sends a request again by
// itself when a reused connection drops, which the drop rows below would see as no failure at
// all (tests/js/runtimes.test.mjs tests that); this way what Deno's fetch throws reaches the
// package as Node's does, and the same rows say what the package makes of it.
let unpooled;
function counting() {
  const starts = [];
  const nonces = [];
  const f = (url, init) => {
    starts.push(Date.now());
    nonces.push(new URLSearchParams(init.body).get("Nonce"));
    if (typeof Deno === "object") init = { ...init, client: (unpooled ??= Deno.createHttpClient({ poolMaxIdlePerHost: 0 })) };
    return fetch(url, init);
  };
  return { fetch: f, starts, nonces };
}

// Runs a 45-dir call (batches of 20, 20, 5) and returns its outcome and the accounting.
async function call45(extra = {}, account = A) {
  const tag = `t${++tags}`;
  const want = dirs(tag, 45);
  const c = counting();
  const config = { secretId: account.secretId, secretKey: account.secretKey, endpoint: ctx.emu.endpoint, retryBaseMs: 1, fetch: c.fetch, ...extra };
  if (account.token) config.token = account.token;
  const started = Date.now();
  const outcome = await ctx.lib.refreshCdnDir(config, want).then((result) => ({ result }), (error) => ({ error }));
  return { tag, want, attempts: c.starts.length, starts: c.starts, nonces: c.nonces, elapsed: Date.now() - started, ...outcome };
}

// Every dir is in exactly one list, in order; the emulator recorded exactly the submitted ones
// (and, for an ambiguous batch, maybe those too), none twice but the `twice` ones.
async function accountFor({ tag, want, result, error }, { maybeWasPurged = false, twice = [] } = {}) {
  const all = await recorded(tag);
  const log = all.filter((d, i) => all.indexOf(d) === i);
  assert.deepEqual(all.filter((d, i) => all.indexOf(d) !== i), twice, "no dir recorded twice, but a batch retried after it was purged");
  if (result) {
    assert.deepEqual(result.dirs, want);
    assert.deepEqual(log, want);
    return;
  }
  assert.ok(error instanceof ctx.lib.CdnError, String(error));
  assert.deepEqual([...error.submitted, ...error.maybeSubmitted, ...error.pending], want, "every dir in one list, in order");
  assert.deepEqual(log, maybeWasPurged ? [...error.submitted, ...error.maybeSubmitted] : error.submitted);
}

const POSITIONS = [
  ["first", 0],
  ["middle", 1],
  ["last", 2],
];

// fault → what the caller gets. `retried`: one failed attempt then success; `ambiguous`: the
// batch in flight is maybe purged, and how long the emulator may still take over it (ms);
// `maybe`: the batch is reported maybe purged (a reply not from the API, a connection lost
// after sending), though this emulator's fault answers before purging; `twice`: the batch was
// purged by the failed attempt and again by the retry.
const MATRIX = [
  { fault: { fault: "http-500" }, kind: "http", status: 500, maybe: true },
  { fault: { fault: "http-502" }, retried: true },
  { fault: { fault: "http-503" }, retried: true },
  { fault: { fault: "http-504" }, retried: true },
  { fault: { fault: "http-429" }, retried: true },
  { fault: { fault: "http-503", retryAfter: 1 }, retried: true, waits: 1000 },
  { fault: { fault: "http-429", retryAfter: 1 }, retried: true, waits: 1000 },
  // A redirect is not followed: 301 would resend the POST as a GET without its body, and any
  // redirect goes to a URL the request was not signed for. The emulator purges nothing. Its
  // target (the emulator's: the request's own path) is named.
  { fault: { fault: "redirect-301" }, kind: "http", status: 301, says: 'a redirect (HTTP 301) to "/v2/index.php" from the API endpoint' },
  { fault: { fault: "redirect-308" }, kind: "http", status: 308, says: 'a redirect (HTTP 308) to "/v2/index.php" from the API endpoint' },
  { fault: { fault: "api-6200" }, retried: true },
  { fault: { fault: "not-json" }, kind: "invalid-response", status: 200, maybe: true },
  { fault: { fault: "drop" }, retried: true },
  // A connection lost with no reply looks the same whether the API got the request or not: retried, and
  // the batch is purged twice when it had (drop-after), or maybe purged if every attempt fails.
  { fault: { fault: "drop-after" }, retried: true, twice: true },
  // Unless the caller turns those retries off: the call ends there, the batch purged once.
  { fault: { fault: "drop-after" }, config: { retryMaybePurged: false }, kind: "network", ambiguous: 1 },
  { fault: { fault: "http-502" }, config: { retryMaybePurged: false }, kind: "http", status: 502, maybe: true },
  { fault: { fault: "drop", count: 3 }, kind: "network", attempts: 3, maybe: true },
  { fault: { fault: "http-503", count: 3 }, kind: "http", status: 503, attempts: 3 },
  { fault: { fault: "http-504", count: 3 }, kind: "http", status: 504, attempts: 3, maybe: true },
  { fault: { fault: "delay", delayMs: 900 }, config: { timeoutMs: 300 }, kind: "timeout", ambiguous: 900 },
  { fault: { fault: "delay-after", delayMs: 900 }, config: { timeoutMs: 300 }, kind: "timeout", ambiguous: 900 },
  // The API purged and answered, but the body was cut: not sent again, maybe purged.
  { fault: { fault: "cut-body" }, kind: "network", status: 200, ambiguous: 1 },
];

for (const row of MATRIX) {
  const name = JSON.stringify(row.fault) + (row.config ? ` with ${JSON.stringify(row.config)}` : "");
  test(`fault ${name} in the first, a middle and the last batch of 45 dirs`, async (t) => {
    for (const [where, skip] of POSITIONS) {
      await t.test(where, async () => {
        await ctx.emu.clearFaults();
        await ctx.emu.fault({ ...row.fault, skip, secretId: A.secretId });
        const got = await call45(row.config);
        if (row.ambiguous) await sleep(row.ambiguous); // let the emulator finish the abandoned request
        const twice = row.twice ? got.want.slice(20 * skip, 20 * skip + 20) : [];
        await accountFor(got, { maybeWasPurged: Boolean(row.ambiguous), twice });
        if (row.retried) {
          assert.ok(got.result, `succeeds after a retry: ${got.error?.message}`);
          assert.equal(got.attempts, 4, "three batches and one retry");
          assert.deepEqual(got.result.batches.map((b) => b.attempts), [1, 1, 1].map((n, i) => (i === skip ? 2 : n)));
          assert.equal(new Set(got.nonces).size, 4, "a retry is signed with a fresh nonce");
          if (row.waits) assert.ok(got.starts[skip + 1] - got.starts[skip] >= row.waits - 50, "waits for Retry-After");
          return;
        }
        const e = got.error;
        assert.ok(e, "the call fails");
        assert.equal(e.kind, row.kind, e.message);
        assert.equal(e.status, row.status ?? null);
        assert.equal(got.attempts, skip + (row.attempts ?? 1), "no more attempts than the policy allows");
        assert.match(e.message, new RegExp(`^batch ${skip + 1} of 3: `));
        if (row.says) assert.ok(e.message.startsWith(`batch ${skip + 1} of 3: ${row.says}`), e.message);
        if (row.attempts) assert.match(e.message, / \(3 attempts\)(; an attempt may have been processed, so its directories are in maybeSubmitted)?$/);
        assert.equal(e.submitted.length, 20 * skip);
        assert.equal(e.maybeSubmitted.length, row.ambiguous || row.maybe ? [20, 20, 5][skip] : 0);
      });
    }
  });
}

// A file or an endless page where the API's reply should be (an endpoint pointing at the wrong
// host): the package reads the first 64 KiB and closes the connection, where text() would
// download it all (gigabytes within the default 30 s timeout, in Node at loopback speed).
test("a reply that does not end is read only as far as 64 KiB: invalid-response at once, the rest not downloaded", async () => {
  const chunk = "x".repeat(1 << 16);
  let written = 0;
  let closed;
  const done = new Promise((resolve) => (closed = resolve));
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    const pump = () => {
      while (!res.destroyed && written < 1 << 30 && res.write(chunk)) written += chunk.length;
    };
    res.on("drain", pump);
    res.on("close", () => closed(written));
    pump();
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const endpoint = `http://127.0.0.1:${server.address().port}/v2/index.php`;
    const e = await ctx.lib.refreshCdnDir({ secretId: A.secretId, secretKey: KEY, endpoint, timeoutMs: 20000 }, dirs("endless", 2)).catch((x) => x);
    assert.equal(e.kind, "invalid-response", e.message);
    assert.match(e.message, /^batch 1 of 1: the reply \(HTTP 200\) is not the API's JSON: "xxx/);
    assert.deepEqual([e.maybeSubmitted, e.pending], [dirs("endless", 2), []]);
    // Socket buffers hold a few MB; the whole would be a gigabyte.
    const sent = await done;
    assert.ok(sent < 64 << 20, `the server wrote ${sent} bytes before the connection closed`);
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
});

test("a connection refused is retried, then every dir is pending", async () => {
  const c = counting();
  const e = await ctx.lib
    .refreshCdnDir({ secretId: A.secretId, secretKey: KEY, endpoint: `http://127.0.0.1:${await freePort()}/v2/index.php`, retryBaseMs: 1, fetch: c.fetch }, dirs("refused", 3))
    .catch((x) => x);
  assert.deepEqual([e.kind, c.starts.length, e.pending, e.maybeSubmitted], ["network", 3, dirs("refused", 3), []]);
  // What the runtime's fetch said: `make test` runs this file in Node, Deno and Bun.
  const says = (typeof Deno === "object" ? /fetch failed \(.*Connection refused \(os error 111\)\)/ : process.versions.bun ? /ECONNREFUSED: Unable to connect\. .*/ : /fetch failed \(.*ECONNREFUSED.*\)/).source;
  assert.match(e.message, new RegExp(`^batch 1 of 1: the request did not complete: ${says} \\(3 attempts\\)$`));
});

test("an error thrown by a fetch from another realm keeps its message", async () => {
  const { runInNewContext } = await import("node:vm");
  const foreign = runInNewContext('new TypeError("socket hang up", { cause: new Error("ECONNRESET") })');
  assert.ok(!(foreign instanceof Error), "a TypeError of another realm is not an Error here");
  const fetch = async () => {
    throw foreign;
  };
  const e = await ctx.lib.refreshCdnDir({ secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint, retries: 0, fetch }, dirs("realm", 1)).catch((x) => x);
  // A connection reset may come after the request was sent: the batch may have been purged.
  assert.equal(e.message, "batch 1 of 1: the request did not complete: socket hang up (ECONNRESET); the request may have been processed, so its directories are in maybeSubmitted");
  assert.deepEqual([e.maybeSubmitted, e.pending], [dirs("realm", 1), []]);
});

test("retries: 0 sends each batch once", async () => {
  await ctx.emu.clearFaults();
  await ctx.emu.fault({ fault: "http-503", secretId: A.secretId });
  const got = await call45({ retries: 0 });
  assert.deepEqual([got.error?.kind, got.error?.status, got.attempts], ["http", 503, 1]);
  await accountFor(got);
});

// The package reads this machine's clock through Date.now(); the emulator runs on the real one
// and dates every reply, as the API does.
test("a clock an hour behind: the request refused as expired is signed again by the reply's Date, and later calls sign right the first time", async () => {
  const realNow = Date.now;
  const attempts = (r) => r.batches.map((b) => b.attempts);
  const v2 = { secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint, retryBaseMs: 1 };
  const v3 = { ...v2, api: "v3", endpoint: `${ctx.emu.url}/` };
  try {
    Date.now = () => realNow() - 3_600_000;
    const first = await ctx.lib.refreshCdnDir(v2, dirs("clock-v2", 25));
    assert.deepEqual(attempts(first), [2, 1], "refused once, then right");
    // Learned for the realm: a v3 call signs right the first time, with fresh timestamps.
    const second = await ctx.lib.refreshCdnDir(v3, dirs("clock-v3", 25));
    assert.deepEqual(attempts(second), [1, 1]);
    const [signed] = ctx.lib.signRequest(v2, ["https://www.test.com/clock-sign/"]);
    const timestamp = Number(new URLSearchParams(signed.body).get("Timestamp"));
    assert.ok(Math.abs(timestamp - realNow() / 1000) < 5, "signRequest uses what the realm learned");
    // The clock is set right: the learned correction is now wrong, and is corrected back.
    Date.now = realNow;
    const third = await ctx.lib.refreshCdnDir(v3, dirs("clock-back", 1));
    assert.deepEqual(attempts(third), [2]);
    const fourth = await ctx.lib.refreshCdnDir(v2, dirs("clock-right", 1));
    assert.deepEqual(attempts(fourth), [1]);
    // Behind again, with no retries: the refusal ends the call, and the next call is right.
    Date.now = () => realNow() - 3_600_000;
    const e = await ctx.lib.refreshCdnDir({ ...v3, retries: 0 }, dirs("clock-no-retry", 1)).then(assert.fail, (e) => e);
    assert.deepEqual([e.kind, e.code, e.submitted, e.maybeSubmitted, e.pending], ["api", "AuthFailure.SignatureExpire", [], [], dirs("clock-no-retry", 1)]);
    assert.deepEqual(attempts(await ctx.lib.refreshCdnDir(v2, dirs("clock-learned", 1))), [1]);
    // A timestamp the config fixes is not the clock's: refused at once, not sent again.
    const fixed = await ctx.lib.refreshCdnDir({ ...v2, timestamp: 1_600_000_000 }, dirs("clock-fixed", 1)).then(assert.fail, (e) => e);
    assert.deepEqual([fixed.code, fixed.message.includes("attempts")], [4500, false]);
  } finally {
    Date.now = realNow;
    // What this realm learned goes back to nothing for the tests after this one.
    await ctx.lib.refreshCdnDir(v2, dirs("clock-reset", 1));
  }
  for (const [tag, n] of [["clock-v2", 25], ["clock-v3", 25], ["clock-back", 1], ["clock-right", 1], ["clock-learned", 1], ["clock-reset", 1]]) {
    assert.deepEqual(await recorded(tag), dirs(tag, n), `${tag}: every dir recorded once`);
  }
  assert.deepEqual([...(await recorded("clock-no-retry")), ...(await recorded("clock-fixed"))], []);
});

test("abort before the start: nothing is sent, every dir pending", async () => {
  const controller = new AbortController();
  const reason = new Error("deploy cancelled");
  controller.abort(reason);
  const got = await call45({ signal: controller.signal });
  assert.deepEqual([got.error.kind, got.attempts, got.error.pending.length], ["aborted", 0, 45]);
  assert.equal(got.error.message, "batch 1 of 3: aborted by config.signal before the request was sent");
  assert.equal(got.error.cause, reason, "the signal's reason is the error's cause");
  await accountFor(got);
});

test("abort during a batch: that batch may have been purged, the rest are pending", async () => {
  await ctx.emu.clearFaults();
  await ctx.emu.fault({ fault: "delay", delayMs: 600, skip: 1, secretId: A.secretId });
  const controller = new AbortController();
  const c = counting();
  const inner = c.fetch;
  const got = await call45({
    signal: controller.signal,
    fetch: (url, init) => {
      if (c.starts.length === 1) setTimeout(() => controller.abort(), 100); // the second request
      return inner(url, init);
    },
  });
  await sleep(700);
  assert.equal(got.error.kind, "aborted");
  assert.equal(got.error.cause?.name, "AbortError", "abort() without a reason: the default DOMException");
  assert.match(got.error.message, /^batch 2 of 3: aborted by config.signal while the request was in flight/);
  assert.deepEqual([got.error.submitted.length, got.error.maybeSubmitted.length, got.error.pending.length], [20, 20, 5]);
  await accountFor(got, { maybeWasPurged: true });
});

test("abort between batches, and during a wait before a retry", async () => {
  const controller = new AbortController();
  const got = await call45({ signal: controller.signal, onProgress: () => controller.abort() });
  assert.deepEqual([got.error.kind, got.attempts, got.error.submitted.length, got.error.maybeSubmitted.length, got.error.pending.length], ["aborted", 1, 20, 0, 25]);
  await accountFor(got);

  await ctx.emu.clearFaults();
  await ctx.emu.fault({ fault: "http-503", retryAfter: 30, secretId: A.secretId });
  const waiting = new AbortController();
  setTimeout(() => waiting.abort(), 200);
  const got2 = await call45({ signal: waiting.signal });
  assert.deepEqual([got2.error.kind, got2.attempts, got2.error.pending.length], ["aborted", 1, 45]);
  assert.ok(got2.elapsed < 10000, "does not sit out the 30 s Retry-After");
  await accountFor(got2);
});

test("onProgress reports each accepted batch, and a throwing or rejecting callback changes nothing", async () => {
  const events = [];
  const got = await call45({ onProgress: (e) => events.push(e) });
  assert.deepEqual(
    events.map((e) => [e.batch, e.batches, e.dirs.length, e.result.code, e.result.attempts]),
    [[1, 3, 20, 0, 1], [2, 3, 20, 0, 1], [3, 3, 5, 0, 1]],
  );
  assert.deepEqual(events.flatMap((e) => e.dirs), got.want);
  // The result is made of the very batch objects the events carried, each made once.
  assert.deepEqual(got.result.batches.map((b, i) => b === events[i].result), [true, true, true]);
  assert.deepEqual([got.result.code, got.result.codeDesc, got.result.dirs], [0, "Success", got.want]);
  const thrown = await call45({
    onProgress: () => {
      throw new Error("callback bug");
    },
  });
  assert.ok(thrown.result);
  await accountFor(thrown);
  // An async callback's rejection is ignored too, not left unhandled (which ends a Node process).
  const unhandled = [];
  const note = (reason) => unhandled.push(reason);
  process.on("unhandledRejection", note);
  try {
    const rejected = await call45({ onProgress: async () => Promise.reject(new Error("async callback bug")) });
    await sleep(10);
    assert.ok(rejected.result);
    await accountFor(rejected);
    assert.deepEqual(unhandled.map(String), []);
  } finally {
    process.off("unhandledRejection", note);
  }
});

test("50 concurrent calls: all succeed, every nonce unique, every dir recorded once", async () => {
  await ctx.emu.clearFaults();
  const nonces = [];
  const fetchNoting = (url, init) => {
    nonces.push(new URLSearchParams(init.body).get("Nonce"));
    return fetch(url, init);
  };
  const calls = Array.from({ length: 50 }, (_, i) =>
    ctx.lib.refreshCdnDir({ secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint, fetch: fetchNoting }, dirs(`conc${i}`, 21)),
  );
  const results = await Promise.all(calls);
  assert.ok(results.every((r, i) => r.dirs.length === 21 && r.dirs[0] === dirs(`conc${i}`, 1)[0]));
  assert.equal(nonces.length, 100);
  assert.equal(new Set(nonces).size, 100, "no nonce used twice");
  const log = (await ctx.emu.purges()).map((p) => p.dir).filter((d) => d.includes("/conc"));
  assert.equal(log.length, 50 * 21);
  assert.equal(new Set(log).size, 50 * 21);
});

test("absurd inputs are refused at once with invalid-input, naming the input", async () => {
  const ok = { secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint };
  const throwing = {};
  Object.defineProperty(throwing, "secretId", { enumerable: true, get: () => { throw new Error("getter"); } });
  const holey = ["https://www.test.com/a/"];
  Object.defineProperty(holey, 1, { enumerable: true, get: () => { throw new Error("getter"); } });
  const trapped = new Proxy({}, { ownKeys: () => { throw new Error("trap"); } });
  const noPrototype = new Proxy({ ...ok }, { getPrototypeOf: () => { throw new Error("trap"); } });
  const table = [
    [ok, Array.from({ length: 100000 }, (_, i) => `https://www.test.com/${i}/`), /^dirs has 100000 entries; at most 10000 are accepted per call/],
    [ok, [`https://www.test.com/${"x".repeat(1 << 20)}/`], /^dirs\[0\] "https:\/\/www\.test\.com\/x+"… is 1048598 bytes long; a directory URL may have at most 4096$/],
    [ok, ["https://www.test.com/a/", 42], /^dirs\[1\] must be a string, got number$/],
    [ok, [null], /^dirs\[0\] must be a string, got null$/],
    [ok, null, /^dirs must be an array of directory URLs \(or one URL string\), got null$/],
    [ok, { length: 1, 0: "https://www.test.com/a/" }, /^dirs must be an array .* got object$/],
    [ok, new Set(["https://www.test.com/a/"]), /^dirs must be an array .* got Set$/],
    [ok, [new URL("https://www.test.com/a/")], /^dirs\[0\] must be a string, got URL$/],
    [ok, new Proxy({}, { getPrototypeOf() { throw new Error("trap"); } }), /^dirs must be an array .* got object$/],
    [ok, holey, /^dirs\[1\] could not be read: its getter threw$/, "getter"],
    [ok, new Proxy([], { get: () => { throw new Error("trap"); } }), /^dirs\.length could not be read: a Proxy trap threw$/, "trap"],
    [null, ["https://www.test.com/a/"], /^config must be an object like \{ secretId, secretKey \}, got null$/],
    [[ok], ["https://www.test.com/a/"], /^config must be an object .* got an array$/],
    // A value passed by mistake, not a config lacking its key: an async loader not awaited.
    [Promise.resolve(ok), ["https://www.test.com/a/"], /^config must be an object like \{ secretId, secretKey \}, got Promise$/],
    [new Map(Object.entries(ok)), ["https://www.test.com/a/"], /^config must be an object .* got Map$/],
    [new (class Settings { get secretKey() { return KEY; } })(), ["https://www.test.com/a/"], /^config\.secretId is required$/],
    [{ secretKey: KEY }, ["https://www.test.com/a/"], /^config\.secretId is required$/],
    [throwing, ["https://www.test.com/a/"], /^config\.secretId could not be read: its getter threw$/, "getter"],
    [trapped, ["https://www.test.com/a/"], /^config's keys could not be listed/, "trap"],
    [noPrototype, ["https://www.test.com/a/"], /^config's prototype could not be read: a Proxy trap threw$/, "trap"],
    [{ ...ok, timeoutMs: 0 }, ["https://www.test.com/a/"], /^config\.timeoutMs must be a whole number from 1 to 3600000, got 0$/],
    [{ ...ok, retries: 11 }, ["https://www.test.com/a/"], /^config\.retries must be a whole number from 0 to 10, got 11$/],
    [{ ...ok, retryBaseMs: -1 }, ["https://www.test.com/a/"], /^config\.retryBaseMs must be a whole number from 0 to 20000, got -1$/],
    [{ ...ok, timestamp: Date.now() }, ["https://www.test.com/a/"], /^config\.timestamp \(Unix seconds\) must be a whole number from 1 to 253402300799, got \d{13}$/],
    [{ ...ok, signal: {} }, ["https://www.test.com/a/"], /^config\.signal must be an AbortSignal, got object$/],
    [{ ...ok, signal: new AbortController() }, ["https://www.test.com/a/"], /^config\.signal must be an AbortSignal, got AbortController$/],
    [{ ...ok, signal: Object.create(null) }, ["https://www.test.com/a/"], /^config\.signal must be an AbortSignal, got object$/],
    [{ ...ok, onProgress: "log" }, ["https://www.test.com/a/"], /^config\.onProgress must be a function, got string$/],
    [{ ...ok, proxyUrl: "ftp://x/" }, ["https://www.test.com/a/"], /^config\.proxyUrl "ftp:\/\/x\/" must be an http:\/\/ or https:\/\/ URL, or a path starting with \/$/],
    [{ ...ok, proxyUrl: "/p?x=1" }, ["https://www.test.com/a/"], /^config\.proxyUrl "\/p\?x=1" must not have a query or fragment$/],
    [{ ...ok, proxyUrl: "/cdn api" }, ["https://www.test.com/a/"], /^config\.proxyUrl "\/cdn api" contains whitespace or a control character$/],
    [{ ...ok, proxyUrl: "//evil.example/p" }, ["https://www.test.com/a/"], /^config\.proxyUrl "\/\/evil\.example\/p" must be an http:\/\/ or https:\/\/ URL, or a path starting with \/$/],
    [{ ...ok }, ["https://例子.com/a/"], /^dirs\[0\] "https:\/\/例子\.com\/a\/" has a non-ASCII host, which browsers send in Punycode \(xn--…\): new URL\(url\)\.href gives it$/],
    [{ ...ok }, ["https://user:pw@www.test.com/a/"], /^dirs\[0\] "https:\/\/\[redacted\]@www\.test\.com\/a\/" must not contain credentials \(user@host\)$/],
  ];
  // The fourth column: the message of what a getter or a Proxy trap threw, the error's `cause`.
  for (const [config, input, message, cause] of table) {
    const started = Date.now();
    for (const run of [() => ctx.lib.signRequest(config, input), () => ctx.lib.refreshCdnDir(config, input)]) {
      let e;
      try {
        await run();
      } catch (x) {
        e = x;
      }
      assert.ok(e instanceof ctx.lib.CdnError, `${message}: ${e}`);
      assert.equal(e.kind, "invalid-input");
      assert.match(e.message, message);
      assert.equal(e.cause?.message, cause, `${message}: the cause`);
      if (cause === undefined) assert.ok(!("cause" in e), `${message}: no cause`);
    }
    assert.ok(Date.now() - started < 2000, `${message} is refused at once`);
  }
});

// The oracle is the runtime's URL, so this runs under Node only: Deno 2.9's keeps a segment
// such as `c:` that a `..` after it removes (`https://a.b/x/c:/..` is `https://a.b/x/c:/`
// there), where the URL Standard ("shorten a URL's path") and Node keep one only in a file: URL.
test("a directory accepted is one Node's URL (WHATWG) accepts, sent as it writes it", { skip: typeof Deno === "object" && "the runtime's URL is the oracle: Deno's differs from the URL Standard" }, () => {
  const ok = { secretId: A.secretId, secretKey: KEY, timestamp: 1_700_000_000, nonce: 1 };
  let seed = 2024;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const pick = (list) => list[rand(list.length)];
  const schemes = ["http://", "https://", "HTTPS://", "Http://"];
  const hosts = ["www.test.com", "WWW.Test.COM", "a.b", "a-b.example.", "xn--fsqu00a.com", "a_b.com", "a^b.com", "a|b", "a<b", "a]b", "x.y.z"];
  const ports = ["", ":", ":80", ":443", ":0443", ":8080", ":65535", ":65536", ":0", ":x"];
  const segments = ["a", "B", ".", "..", "%2e", "%2E%2e", ".a", "a.", "...", "", "中文", "é", "%20", "+", "~", "(x)", '"', "<", ">", "`", "{", "}", "'", ";", "=", "@", "c:", "|", "\\", "%zz"];
  const queries = ["", "?", "?q=1", "?a=/../", "?x=<ä>&y='z'", "?p=a\\b", "?#"];
  // What a browser percent-encodes in a path (" < > \` { } and non-ASCII) and in a query
  // (" < > ' and non-ASCII) is sent as given (README "Directories"): encoded here to compare.
  const encode = (text, set) => Array.from(new TextEncoder().encode(text), (b) => (b > 0x7e || set.includes(b) ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b))).join("");
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    const path = Array.from({ length: rand(5) }, () => `/${pick(segments)}`).join("") + (rand(2) ? "/" : "");
    const given = pick(schemes) + pick(hosts) + pick(ports) + path + pick(queries);
    let sent;
    try {
      [{ dirs: [sent] }] = ctx.lib.signRequest(ok, [given]);
    } catch (e) {
      assert.equal(e.kind, "invalid-input", given);
      continue;
    }
    let url;
    assert.doesNotThrow(() => (url = new URL(given)), `${given} is accepted, as ${sent}, but Node's URL refuses it`);
    const at = sent.indexOf("/", sent.indexOf("//") + 2);
    const [path_, query = null] = sent.slice(at).split(/\?(.*)/s);
    const written = sent.slice(0, at) + encode(path_, [0x22, 0x3c, 0x3e, 0x60, 0x7b, 0x7d]) + (query === null ? "" : `?${encode(query, [0x22, 0x3c, 0x3e, 0x27])}`);
    assert.equal(written, url.href, `${given} is sent as ${sent}`);
    compared++;
  }
  assert.ok(compared > 500, `${compared} directories compared`);
});

test("a number that is not whole is shown as JavaScript writes it", () => {
  const ok = { secretId: A.secretId, secretKey: KEY };
  const refused = (timeoutMs) => {
    try {
      ctx.lib.signRequest({ ...ok, timeoutMs }, ["https://www.test.com/a/"]);
    } catch (e) {
      return e.message.slice(e.message.lastIndexOf("got ") + 4);
    }
    assert.fail(`timeoutMs ${timeoutMs} was accepted`);
  };
  // Up to 15 significant digits, as options are written: JavaScript's own String(v).
  for (let i = 0; i < 2000; i++) {
    const v = (Math.round(Math.random() * 10 ** (1 + (i % 15))) / 10 ** (i % 16) || 0.5) * (i % 3 ? 1 : -1);
    if (!Number.isInteger(v) && !String(v).includes("e")) assert.equal(refused(v), String(v), `for ${v}`);
  }
  for (const v of [19.99, 2.675, 0.29, 1.0000001, -0.25, 571525078837058.2]) assert.equal(refused(v), String(v));
  // Where JavaScript writes an exponent, the same digits in plain notation.
  assert.equal(refused(1e-7), "0.0000001");
  // 17 significant digits: as many decimals as fit below 2^53, within a unit of the last, and
  // "…", never a whole number.
  assert.equal(refused(1.9999999999999998), "2.000000000000000…");
  assert.match(refused(0.1 + 0.2), /^0\.300000000000000[01]…$/);
});

test("a trap (a bug) becomes a CdnError of kind internal, and the module keeps working", async () => {
  const { __testTrap, signRequest, CdnError } = await internal();
  assert.equal(ctx.lib.__testTrap, undefined, "the test hook is not part of the package's API");
  let e;
  try {
    __testTrap({}, ["https://www.test.com/a/"]);
  } catch (x) {
    e = x;
  }
  assert.ok(e instanceof CdnError, String(e));
  assert.equal(e.kind, "internal");
  // V8 says "unreachable", JavaScriptCore (Bun) "Unreachable code should not be executed".
  assert.match(e.message, /^internal error in qcloud-cdn-refresh \(.*unreachable.*\); please report it/i);
  assert.deepEqual(e.pending, ["https://www.test.com/a/"]);
  for (let i = 0; i < 100; i++) {
    assert.throws(() => __testTrap({}, []), (x) => x.kind === "internal");
  }
  assert.equal(signRequest({ secretId: "id", secretKey: "key" }, "https://www.test.com/a/").length, 1);
});

test("a trap in the middle of a call lists the accepted batches as submitted and a batch sent as maybe submitted", async () => {
  const { refreshCdnDir, glue } = await internal();
  const { next, report } = glue.Call.prototype;
  // A genuine trap of the .wasm (a RuntimeError), raised where a bug in a call's step would.
  const trapAt = (method, calls) => {
    let n = 0;
    glue.Call.prototype[method] = function (...args) {
      if (++n === calls) glue.__testTrap(true);
      return (method === "next" ? next : report).apply(this, args);
    };
  };
  const config = { secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint, retryBaseMs: 1 };
  try {
    // Batch 2's reply came back (the emulator purged it), then reading it trapped. The list
    // repeats two directories of batch 1, one spelled another way, and one of batch 3 so spelled:
    // each is listed once.
    trapAt("report", 2);
    const spelled = (d) => d.replace("https://www.test.com", "HTTPS://WWW.Test.COM:443");
    const again = [dirs("trap1", 1)[0], spelled(dirs("trap1", 2)[1]), spelled(dirs("trap1", 41)[40])];
    const sent = await refreshCdnDir(config, [...dirs("trap1", 45), ...again]).catch((x) => x);
    assert.equal(sent.kind, "internal", sent.message);
    const want = dirs("trap1", 45);
    assert.deepEqual([sent.submitted, sent.maybeSubmitted, sent.pending], [want.slice(0, 20), want.slice(20, 40), want.slice(40)]);
    assert.deepEqual(await recorded("trap1"), want.slice(0, 40));
    // Batch 2 was accepted; signing batch 3 trapped before it was sent.
    glue.Call.prototype.report = report;
    trapAt("next", 3);
    const unsent = await refreshCdnDir(config, dirs("trap2", 45)).catch((x) => x);
    assert.equal(unsent.kind, "internal", unsent.message);
    const all = dirs("trap2", 45);
    assert.deepEqual([unsent.submitted, unsent.maybeSubmitted, unsent.pending], [all.slice(0, 40), [], all.slice(40)]);
    assert.deepEqual(await recorded("trap2"), all.slice(0, 40));
  } finally {
    Object.assign(glue.Call.prototype, { next, report });
  }
  assert.equal((await refreshCdnDir(config, dirs("trap3", 1))).code, 0, "the module keeps working");
});

test("a proxyUrl path outside a browser is refused before sending, unless config.fetch resolves it", async () => {
  const config = { secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint, proxyUrl: "/cdn-api", retryBaseMs: 1 };
  const e = await ctx.lib.refreshCdnDir(config, dirs("relative", 2)).catch((x) => x);
  assert.equal(e.kind, "invalid-input", e.message);
  assert.equal(e.message, "config.proxyUrl is a path, which needs a web page to be relative to: outside a browser give a full http:// or https:// URL (or config.fetch)");
  assert.deepEqual([e.submitted, e.maybeSubmitted, e.pending], [[], [], dirs("relative", 2)]);
  assert.equal(ctx.lib.signRequest(config, dirs("relative", 2))[0].url, "/cdn-api", "signing alone leaves sending to the caller");
  const urls = [];
  const own = (url, init) => (urls.push(url), fetch(ctx.emu.endpoint, init));
  await ctx.lib.refreshCdnDir({ ...config, fetch: own }, dirs("relative", 2));
  assert.deepEqual(urls, ["/cdn-api"]);
});

// A trap inside a call in flight leaves wasm-bindgen's borrow of the `Call` taken, so freeing
// it afterwards throws "attempted to take ownership of Rust value while it was borrowed"
// (seen with a panic planted in Call::report). drive.js must still reject with the trap, which
// the guard above turns into a CdnError, not with that. A stand-in call plays the part here.
test("a trap in a call in flight reaches the guard as the trap, not as the failed free()", async () => {
  const { drive } = await import("../../src/js/drive.js");
  const trap = new WebAssembly.RuntimeError("unreachable");
  let freed = 0;
  const call = {
    next: () => ({ method: "POST", url: "https://x/", headers: {}, body: "" }),
    report: () => {
      throw trap;
    },
    free: () => {
      freed++;
      throw new Error("attempted to take ownership of Rust value while it was borrowed");
    },
  };
  const fetch = async () => ({ status: 200, text: async () => "{}" });
  await assert.rejects(drive(call, fetch, undefined, undefined, 1000), (e) => e === trap);
  assert.equal(freed, 1, "free() was still tried");
});

test("secret hunt: no error of any path shows the secret key or the token", async () => {
  const seen = [];
  const show = (e) => seen.push([String(e), e.message, e.stack, JSON.stringify(e), JSON.stringify(Object.entries(e))].join("\n"));
  const base = { secretId: T.secretId, secretKey: KEY, token: TOKEN, endpoint: ctx.emu.endpoint, retryBaseMs: 1 };
  const echo = async (url, init) => new Response(`{"code":4100,"message":"echo ${KEY} ${TOKEN} ${init.body}","codeDesc":"${KEY}"}`, { status: 200 });
  const echoV3 = async (url, init) =>
    new Response(JSON.stringify({ Response: { Error: { Code: `AuthFailure.${KEY}`, Message: `echo ${KEY} ${TOKEN} ${init.headers["x-tc-token"]}` }, RequestId: TOKEN } }), { status: 200 });
  const echo500 = async (url, init) => new Response(`<html>${KEY} ${TOKEN} ${init.body}</html>`, { status: 500 });
  const thrower = async (url, init) => {
    throw new TypeError(`fetch failed ${KEY} ${TOKEN}`, { cause: new Error(`${init.body}`) });
  };
  const aborted = new AbortController();
  aborted.abort();
  const cases = [
    [{ ...base, fetch: echo }, dirs("hunt", 3)],
    [{ ...base, api: "v3", fetch: echoV3 }, dirs("hunt", 3)],
    [{ ...base, api: "v3", fetch: () => new Promise(() => {}), timeoutMs: 50 }, dirs("hunt", 3)],
    [{ ...base, fetch: echo500 }, dirs("hunt", 3)],
    [{ ...base, fetch: thrower }, dirs("hunt", 3)],
    [{ ...base, fetch: async () => "not a response" }, dirs("hunt", 3)],
    [{ ...base, fetch: () => new Promise(() => {}), timeoutMs: 50 }, dirs("hunt", 3)],
    [{ ...base, signal: aborted.signal }, dirs("hunt", 3)],
    [{ ...base, secretKey: "wrong" + KEY }, dirs("hunt", 3)],
    [{ ...base, token: TOKEN + "x" }, dirs("hunt", 3)],
    [{ ...base, method: "GET" }, dirs("hunt", 3)],
    [{ ...base, nonce: 0.5 }, dirs("hunt", 3)],
    [{ ...base, secretkey: KEY }, dirs("hunt", 3)],
  ];
  for (const [config, input] of cases) {
    const e = await ctx.lib.refreshCdnDir(config, input).catch((x) => x);
    assert.ok(e instanceof ctx.lib.CdnError, `${JSON.stringify(Object.keys(config))}: ${e}`);
    show(e);
    try {
      ctx.lib.signRequest(config, input);
    } catch (x) {
      show(x);
    }
  }
  try {
    (await internal()).__testTrap(base, dirs("hunt", 1));
  } catch (x) {
    show(x);
  }
  assert.ok(seen.length >= 14);
  for (const text of seen) {
    assert.ok(!text.includes(KEY) && !text.includes(TOKEN) && !text.includes(encodeURIComponent(TOKEN)), text);
  }
});

test("a password in a refused URL reaches no message, pending list, inspect or JSON, whichever rule refused it", async () => {
  const ok = { secretId: A.secretId, secretKey: KEY, endpoint: ctx.emu.endpoint };
  const good = "https://www.test.com/ok/";
  const cases = [
    [ok, [good, "https://user:hunter2@www.test.com/a/"], /^dirs\[1\] "https:\/\/\[redacted\]@www\.test\.com\/a\/" must not contain credentials/],
    [ok, ["https://user:hunter2@www.test.com/a b/", good], /^dirs\[0\] "https:\/\/\[redacted\]@www\.test\.com\/a b\/" contains whitespace/],
    [ok, ["ftp://user:hunter2@www.test.com/", good], /^dirs\[0\] "ftp:\/\/\[redacted\]@www\.test\.com\/" must start with http/],
    [ok, [good, "https://user:hunter2@www.test.com/#x"], /^dirs\[1\] "https:\/\/\[redacted\]@www\.test\.com\/#x" must not contain credentials/],
    [ok, [good, 5, "https://user:hunter2@www.test.com/a/"], /^dirs\[1\] must be a string, got number$/],
    [{ ...ok, proxyUrl: "https://user:hunter2@proxy.internal/cdn api" }, [good], /^config\.proxyUrl "https:\/\/\[redacted\]@proxy\.internal\/cdn api" must not contain credentials/],
    // fetch refuses a URL with credentials, in an error that quotes it: refused before sending.
    [{ ...ok, proxyUrl: "http://user:hunter2@127.0.0.1:9/cdn-api" }, [good], /^config\.proxyUrl "http:\/\/\[redacted\]@127\.0\.0\.1:9\/cdn-api" must not contain credentials/],
    [{ ...ok, endpoint: "ftp://user:hunter2@cdn.api.qcloud.com/" }, [good], /^config\.endpoint "ftp:\/\/\[redacted\]@cdn\.api\.qcloud\.com\/" must start with http/],
    [{ ...ok, dailyLimit: 1 }, [good, "https://www.test.com/x@y/?u:p@q"], /exceed config\.dailyLimit/],
  ];
  for (const [config, input, message] of cases) {
    for (const run of [() => ctx.lib.signRequest(config, input), () => ctx.lib.refreshCdnDir(config, input)]) {
      const e = await Promise.resolve().then(run).catch((x) => x);
      assert.ok(e instanceof ctx.lib.CdnError, `${message}: ${e}`);
      assert.equal(e.kind, "invalid-input");
      assert.match(e.message, message);
      for (const text of [e.message, e.stack, inspect(e), JSON.stringify(e)]) assert.ok(!text.includes("hunter2"), text);
      // Every string entry is pending, as given but for the credentials.
      const strings = input.filter((d) => typeof d === "string");
      assert.deepEqual(e.pending, strings.map((d) => d.replace("user:hunter2@", "[redacted]@")));
    }
  }
});
