// The demo page end to end in headless Firefox, driven over WebDriver (geckodriver, which
// `wasm-pack test --firefox` uses too): fill the form, click, read the page and the emulator's
// purge log. Leaves a screenshot at target/demo.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, startBrowser, until, root } from "./helpers.mjs";

const DEMO_ID = "AKIDdemo0emulator0account0000000000";
const DEMO_KEY = "demo-secret-key-for-the-local-emulator";
let emu;
let browser;
const run = (...a) => browser.run(...a);
const text = (css) => browser.text(css);
const type = (css, value) => browser.type(css, value);
const click = (css) => browser.click(css);

async function purge() {
  await run("document.getElementById('outcome').className = 'pending'; document.getElementById('outcome').textContent = ''");
  await click("#purge");
  await until("an outcome", () => run("const o = document.getElementById('outcome'); return o.className === 'ok' || o.className === 'failed'"));
  return { cls: await run("return document.getElementById('outcome').className"), text: await text("#outcome") };
}

before(async () => {
  emu = await startEmulator({ args: ["--www", "www", "--pkg", "pkg"] });
  browser = await startBrowser();
  await browser.goto(`${emu.url}/`);
  await until("the wasm module", () => run("return document.getElementById('status').dataset.ready === 'true'"));
});

after(async () => {
  await browser?.stop();
  await emu?.stop();
});

test("Purge sends the batches and the page and the emulator show the same directories", async () => {
  const dirs = Array.from({ length: 23 }, (_, i) => `https://www.test.com/e2e/${i}/`);
  await type("#dirs", [...dirs, "https://example.com/e2e/中文/"].join("\n"));
  const outcome = await purge();
  assert.equal(outcome.cls, "ok", outcome.text);
  assert.match(outcome.text, /^Success: 24 directories purged in 2 request\(s\)\./);
  const batches = await run("return [...document.querySelectorAll('#batches li')].map(li => li.className + ': ' + li.textContent)");
  assert.deepEqual(batches, ["ok: batch 1: HTTP 200 · code 0 Success", "ok: batch 2: HTTP 200 · code 0 Success"]);
  const recorded = (await emu.purges()).map((p) => p.dir);
  assert.deepEqual(recorded, [...dirs, "https://example.com/e2e/中文/"], "each recorded once, in order");
  await until("the purge table", async () => (await text("#purges tbody")).includes("https://example.com/e2e/中文/"));
  mkdirSync(join(root, "target"), { recursive: true });
  writeFileSync(join(root, "target", "demo.png"), await browser.screenshot());
});

test("bad input is shown next to its field and nothing is sent", async () => {
  const before = (await emu.purges()).length;
  await type("#dirs", "https://www.test.com/fine/\n\nftp://x/");
  const outcome = await purge();
  assert.equal(outcome.cls, "failed");
  assert.equal(outcome.text, "Fix the highlighted input; nothing was sent.");
  assert.equal(await text("#err-dirs"), 'line 3 "ftp://x/" must start with http:// or https://');
  assert.equal(await run("return document.getElementById('dirs').getAttribute('aria-invalid')"), "true");
  assert.equal((await emu.purges()).length, before);

  await type("#dirs", "https://www.test.com/fine/");
  await type("#secretId", " ");
  await purge();
  assert.equal(await text("#err-secretId"), "config.secretId is empty");
  await type("#secretId", DEMO_ID);
});

test("an API refusal shows kind, code and the pending directories", async () => {
  await type("#dirs", "https://www.test.com/a/\nhttps://not-ours.com/b/");
  const outcome = await purge();
  assert.equal(outcome.cls, "failed");
  assert.match(outcome.text, /kind: api · code: 4000 · codeDesc: 9110 · moduleCode: 9110 · status: 200/);
  assert.match(outcome.text, /Not purged, retry these \(2\):https:\/\/www\.test\.com\/a\/https:\/\/not-ours\.com\/b\//);
});

test("Sign only shows the signed requests; the secret key is in neither the page nor the URL", async () => {
  await type("#dirs", "https://www.test.com/signed/");
  await click("#sign");
  await until("the requests", () => run("return !document.getElementById('requests').hidden"));
  const shown = await text("#requests");
  assert.match(shown, /"body": "Action=RefreshCdnDir&Nonce=\d+&SecretId=AKIDdemo0emulator0account0000000000&Timestamp=\d+&dirs.0=https%3A%2F%2Fwww.test.com%2Fsigned%2F&Signature=/);
  const page = await run("return document.documentElement.outerHTML + location.href + document.cookie");
  assert.ok(!page.includes(DEMO_KEY), "the key is only in the password field's value");
  assert.equal(await run("return document.getElementById('secretKey').type"), "password");
});

test("the API selector purges with API 3.0 PurgePathCache and hides the v2-only choices", async () => {
  await run("const s = document.getElementById('api'); s.value = 'v3'; s.dispatchEvent(new Event('change'))");
  assert.equal(await run("return document.getElementById('endpoint').value"), `${emu.url}/`);
  assert.equal(await run("return document.getElementById('method').closest('label').hidden"), true);
  const dirs = Array.from({ length: 21 }, (_, i) => `https://www.test.com/v3page/${i}/`);
  await type("#dirs", dirs.join("\n"));
  const outcome = await purge();
  assert.equal(outcome.cls, "ok", outcome.text);
  assert.match(outcome.text, /^Success: 21 directories purged in 2 request\(s\)\./);
  const recorded = (await emu.purges()).filter((p) => p.dir.includes("/v3page/"));
  assert.deepEqual(recorded.map((p) => [p.api, p.dir]), dirs.map((d) => ["v3", d]));
  // Each batch's row reads API 3.0's reply: its TaskId, or its Error.Code.
  const batches = await run("return [...document.querySelectorAll('#batches li')].map(li => li.className + ': ' + li.textContent)");
  assert.equal(batches.length, 2);
  for (const row of batches) assert.match(row, /^ok: batch \d: HTTP 200 · TaskId \S+$/);
  await type("#dirs", "https://not-ours.com/x/");
  const refused = await purge();
  assert.equal(refused.cls, "failed");
  assert.match(refused.text, /kind: api · code: ResourceNotFound\.CdnHostNotExists · status: 200 · requestId: \S+/);
  const [row] = await run("return [...document.querySelectorAll('#batches li')].map(li => li.className + ': ' + li.textContent)");
  assert.equal(row, "failed: batch 1: HTTP 200 · ResourceNotFound.CdnHostNotExists");
  await run("const s = document.getElementById('api'); s.value = 'v2'; s.dispatchEvent(new Event('change'))");
});

test("Cancel stops a purge: the batch in flight is shown as maybe purged", async () => {
  const dirs = Array.from({ length: 25 }, (_, i) => `https://www.test.com/cancel/${i}/`);
  // The emulator purges the second batch and then stalls, so Cancel finds it in flight.
  await emu.fault({ fault: "delay-after", delayMs: 5000, skip: 1 });
  try {
    await type("#dirs", dirs.join("\n"));
    await run("document.getElementById('outcome').className = 'pending'");
    await click("#purge");
    await until("batch 2 in flight", () => run("return document.querySelectorAll('#batches li').length === 2"));
    await click("#cancel");
    await until("an outcome", () => run("return document.getElementById('outcome').className === 'failed'"));
    const outcome = await text("#outcome");
    assert.match(outcome, /kind: aborted/);
    assert.match(outcome, /Purged before the failure \(20\):https:\/\/www\.test\.com\/cancel\/0\//);
    assert.match(outcome, /Maybe purged, the API may have got them: check these or purge them again \(5\):https:\/\/www\.test\.com\/cancel\/20\//);
    assert.doesNotMatch(outcome, /Not purged/);
    assert.equal(await run("return document.getElementById('cancel').hidden"), true);
  } finally {
    await emu.clearFaults();
  }
});

test("a retried batch shows as its next attempt", async () => {
  await emu.fault({ fault: "http-503" });
  try {
    await type("#dirs", "https://www.test.com/retry/");
    const outcome = await purge();
    assert.equal(outcome.cls, "ok", outcome.text);
    const rows = await run("return [...document.querySelectorAll('#batches li')].map(li => li.className + ': ' + li.textContent)");
    assert.deepEqual(rows, ["failed: batch 1: HTTP 503 · not JSON", "ok: batch 1, attempt 2: HTTP 200 · code 0 Success"]);
  } finally {
    await emu.clearFaults();
  }
});

// Runs `call` (an expression of a promise, in which `config` is the demo account's credentials
// and `dir` the directory given) in a module script of the page itself, and returns what it
// settles to as text. WebDriver's scripts run in a sandbox whose globalThis is not the window,
// which fetch refuses as its receiver. The script holds the key, so it is removed afterwards.
async function inPage(call, dir) {
  await run(
    `const s = document.createElement("script");
    s.type = "module";
    s.textContent = \`import { refreshCdnDir } from "/pkg/browser.js";
    const config = { secretId: \${JSON.stringify(arguments[2])}, secretKey: \${JSON.stringify(arguments[0])} };
    const dir = \${JSON.stringify(arguments[1])};
    (\${arguments[3]})
      .then((r) => r.codeDesc + " " + r.dirs.join(), (e) => [e.kind, e.message, e.maybeSubmitted.join(), e.pending.join()].join(" | "))
      .then((text) => (document.body.dataset.inPage = text));\`;
    document.head.append(s);`,
    DEMO_KEY,
    dir,
    DEMO_ID,
    call,
  );
  await until("the call in the page", () => run("return document.body.dataset.inPage !== undefined"));
  const text = await run("return document.body.dataset.inPage");
  await run("document.head.lastElementChild.remove(); delete document.body.dataset.inPage");
  return text;
}

test("in a page, a proxyUrl path is sent to the page's own origin", async () => {
  // The emulator serves the page and the API on one origin, so the path reaches the API.
  const dir = "https://www.test.com/relative-proxy/";
  const text = await inPage(`refreshCdnDir({ ...config, endpoint: location.origin + "/v2/index.php", proxyUrl: "/v2/index.php" }, [dir])`, dir);
  assert.equal(text, `Success ${dir}`);
  assert.ok((await emu.purges()).some((p) => p.dir === dir));
});

test("in a page, an API that sends no CORS headers purges, and the batch is maybe purged, not pending", async () => {
  // A v2 POST is a CORS "simple" request: the browser sends it without asking first, the API
  // purges, and only then is the reply withheld from the page, as "NetworkError".
  const api = await startEmulator({ args: ["--no-cors"] });
  try {
    const dir = "https://www.test.com/no-cors/";
    const text = await inPage(`refreshCdnDir({ ...config, endpoint: ${JSON.stringify(api.endpoint)}, retries: 1, retryBaseMs: 1 }, [dir])`, dir);
    const [kind, message, maybe, pending] = text.split(" | ");
    assert.deepEqual([kind, maybe, pending], ["network", dir, ""], text);
    assert.match(message, /^batch 1 of 1: the request did not complete: .* \(2 attempts\); an attempt may have been processed, so its directories are in maybeSubmitted$/);
    // A page cannot tell a missing CORS answer from a lost connection; the message says both.
    assert.ok(message.includes(" (in a page, also how an API of another origin without CORS headers, as Tencent's, fails: use a same-origin config.proxyUrl) (2 attempts)"), message);
    assert.deepEqual((await api.purges()).map((p) => p.dir), [dir, dir], "purged by both attempts, though the page saw no reply");
    // retryMaybePurged: false stops at the first NetworkError: purged once.
    const once = "https://www.test.com/no-cors-once/";
    const second = await inPage(`refreshCdnDir({ ...config, endpoint: ${JSON.stringify(api.endpoint)}, retries: 1, retryBaseMs: 1, retryMaybePurged: false }, [dir])`, once);
    assert.match(second, /^network \| batch 1 of 1: the request did not complete: [^|]*; the request may have been processed, so its directories are in maybeSubmitted \| https:\/\/www\.test\.com\/no-cors-once\/ \| $/);
    assert.deepEqual((await api.purges()).map((p) => p.dir).filter((d) => d === once), [once], "purged once");
  } finally {
    await api.stop();
  }
});
