// The CLI as `npx qcloud-cdn-refresh` runs it: the bin the installed tarball links, against a
// freshly started emulator. Exit codes, output, and a secret that must never be printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";
import { bin as helperBin, nodeOf, packageAndEmulator, root, spawnOutput, startProxy } from "./helpers.mjs";

const KEY = "cli-SECRET-key-0123456789";
const TOKEN = "cli-SESSION-token-9876";
const ACCOUNT = { secretId: "AKIDcli", secretKey: KEY, domains: ["www.test.com"], dailyLimit: 10000 };
const TEMP = { secretId: "AKIDclitemp", secretKey: KEY, token: TOKEN, domains: ["www.test.com"], dailyLimit: 10000 };
const SMALL = { secretId: "AKIDclismall", secretKey: KEY, domains: ["www.test.com"], dailyLimit: 25 };
const ctx = packageAndEmulator({ accounts: [ACCOUNT, TEMP, SMALL] });
const outputs = [];

const dirs = (tag, n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${tag}/${i}/`);
const recorded = async (tag) => (await ctx.emu.purges()).map((p) => p.dir).filter((d) => d.includes(`/${tag}/`));

// The bin the installed tarball links, and an environment holding the account's credentials.
const bin = () => join(ctx.installed.dir, "node_modules", ".bin", "qcloud-cdn-refresh");
const credentials = (account, env = {}) => ({
  PATH: process.env.PATH,
  TENCENTCLOUD_SECRET_ID: account.secretId,
  TENCENTCLOUD_SECRET_KEY: account.secretKey,
  ...(account.token ? { TENCENTCLOUD_SESSION_TOKEN: account.token } : {}),
  ...env,
});

// Runs the installed bin with the account's credentials in the environment, under `node` when
// given (otherwise the Node its #! line finds).
function cli(args, { account = ACCOUNT, env = {}, input, node } = {}) {
  const [cmd, argv] = node ? [node, [bin(), ...args]] : [bin(), args];
  const r = spawnSync(cmd, argv, { cwd: ctx.installed.dir, encoding: "utf8", input, timeout: 30000, env: credentials(account, env) });
  outputs.push(r.stdout + r.stderr);
  return r;
}
const withEndpoint = (...args) => ["--endpoint", ctx.emu.endpoint, ...args];

test("purges the dirs given as arguments, exit 0", async () => {
  const r = cli(withEndpoint(...dirs("args", 21)));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "Success: purged 21 directories in 2 request(s)\n");
  assert.equal(r.stderr, "", "no progress when stderr is not a terminal");
  assert.deepEqual(await recorded("args"), dirs("args", 21));
});

// Node 18, the oldest the package's engines claims, Node 24, the newest LTS, and Node 26, the
// current release line.
for (const version of ["18", "24", "26"]) {
  test(`runs under Node ${version}`, async () => {
    const tag = `node${version}`;
    const r = cli(withEndpoint(...dirs(tag, 21)), { node: nodeOf(version) });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "Success: purged 21 directories in 2 request(s)\n");
    assert.deepEqual(await recorded(tag), dirs(tag, 21));
  });
}

// A CI runner behind an HTTP proxy: Node 24 and 26 given NODE_USE_ENV_PROXY=1 send fetch through
// HTTP_PROXY / HTTPS_PROXY, so the CLI needs no option of its own. Node 24 tunnels every request
// (CONNECT); Node 26 tunnels https only and hands the proxy a plain-http request whole (as the
// emulator's endpoint is here), which the proxy forwards.
test("behind a proxy: under Node 24 and 26, NODE_USE_ENV_PROXY=1 sends through HTTP_PROXY; a 407 from it, there and in Bun, leaves the dirs pending and names the proxy", async () => {
  const proxy = await startProxy();
  const { seen } = proxy;
  try {
    const env = credentials(ACCOUNT, { NODE_USE_ENV_PROXY: "1", HTTP_PROXY: proxy.url });
    const api = new URL(ctx.emu.endpoint).host;
    for (const [version, how] of [["24", "CONNECT"], ["26", "POST"]]) {
      seen.length = 0;
      const tag = `proxied-node${version}`;
      const { code, out } = await spawnOutput(nodeOf(version), [bin(), ...withEndpoint(...dirs(tag, 3))], { cwd: ctx.installed.dir, env });
      outputs.push(out);
      assert.equal(code, 0, `Node ${version}: ${out}`);
      assert.equal(out, "Success: purged 3 directories in 1 request(s)\n", `Node ${version}`);
      assert.deepEqual(seen, [`${how} ${api}`], `Node ${version}: one request, to the API`);
      assert.deepEqual(await recorded(tag), dirs(tag, 3), `Node ${version}`);
    }

    // A proxy that asks for credentials: the tunnel never opens, or the request is not
    // forwarded, and the error says why. Node puts the proxy's answer one or two causes down;
    // Bun tunnels only to https, and Node 26 only https through CONNECT (API 3.0's endpoint
    // here, which the refusal keeps this machine from needing).
    proxy.refuse = true;
    const runtimes = [
      ["node24", nodeOf("24"), withEndpoint(), env, /Proxy response \(407\) !== 200 when HTTP Tunneling/, `CONNECT ${api}`],
      ["node26", nodeOf("26"), withEndpoint(), env, /Proxy Authentication Required \(407\)/, `POST ${api}`],
      ["node26-https", nodeOf("26"), ["--api", "v3"], { ...env, HTTPS_PROXY: env.HTTP_PROXY }, /Proxy response \(407\) !== 200 when HTTP Tunneling/, "CONNECT cdn.tencentcloudapi.com:443"],
      ["bun", helperBin("bun"), ["--api", "v3"], { ...env, HTTPS_PROXY: env.HTTP_PROXY }, /Proxy refused to open a tunnel: 407/, "CONNECT cdn.tencentcloudapi.com:443"],
    ];
    for (const [name, runtime, args, runtimeEnv, said, host] of runtimes) {
      seen.length = 0;
      const tag = `proxy-407-${name}`;
      const { code, out } = await spawnOutput(runtime, [bin(), "--json", "--retries", "1", ...args, ...dirs(tag, 3)], { cwd: ctx.installed.dir, env: runtimeEnv });
      outputs.push(out);
      assert.equal(code, 1, `${name}: ${out}`);
      const err = JSON.parse(out);
      assert.equal(err.kind, "network", name);
      assert.match(err.message, said, `${name}: the proxy's answer, not only Node's "Request was cancelled."`);
      assert.deepEqual([err.pending, err.maybeSubmitted], [dirs(tag, 3), []], `${name}: nothing reached the API: pending, not maybe purged`);
      assert.deepEqual(seen, [host, host], `${name}: retried once`);
      assert.deepEqual(await recorded(tag), []);
    }

    // Bun hands a plain-http request to the proxy whole and returns its 407 as the reply: an
    // HTTP error, not retried, that names the proxy.
    seen.length = 0;
    const { code, out } = await spawnOutput(helperBin("bun"), [bin(), "--json", "--retries", "1", ...withEndpoint(...dirs("proxy-407-bun-http", 3))], { cwd: ctx.installed.dir, env });
    outputs.push(out);
    assert.equal(code, 1, out);
    const err = JSON.parse(out);
    assert.deepEqual([err.kind, err.status], ["http", 407]);
    assert.match(err.message, /^batch 1 of 1: HTTP 407 from a proxy, which asks for credentials, with an empty body$/);
    assert.deepEqual([err.pending, err.maybeSubmitted], [dirs("proxy-407-bun-http", 3), []]);
    assert.deepEqual(seen, [`POST ${api}`], "sent once");
    assert.deepEqual(await recorded("proxy-407-bun-http"), []);
  } finally {
    await proxy.close();
  }
});

// `| head`: a reader that stops early closes the pipe before the CLI has printed everything.
test("a reader that closes stdout early (| head) ends the CLI quietly, its exit code the purge's", async () => {
  for (const [tag, args] of [["pipe-dry", ["--dry-run"]], ["pipe-json", ["--json"]]]) {
    const child = spawn(bin(), [...withEndpoint(...args, ...dirs(tag, 45))], { cwd: ctx.installed.dir, env: credentials(ACCOUNT) });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const [code] = await once(child, "exit");
    outputs.push(stderr);
    assert.deepEqual([code, stderr], [0, ""], tag);
  }
  assert.deepEqual(await recorded("pipe-json"), dirs("pipe-json", 45), "purged, though nothing could be printed");
  assert.deepEqual(await recorded("pipe-dry"), []);
});

test("--no-retry-maybe-purged stops at a connection lost after the API purged, instead of purging again", async () => {
  await ctx.emu.fault({ fault: "drop-after", skip: 1, secretId: ACCOUNT.secretId });
  try {
    const r = cli(withEndpoint("--no-retry-maybe-purged", ...dirs("once", 45)));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^qcloud-cdn-refresh: batch 2 of 3: the request did not complete: .*; the request may have been processed, so its directories are in maybeSubmitted\n/);
    assert.match(r.stderr, /maybe purged, the API may have got them: check these or purge them again \(20\):\n {4}https:\/\/www\.test\.com\/once\/20\//);
    assert.match(r.stderr, /not purged, retry these \(5\):/);
    assert.deepEqual(await recorded("once"), dirs("once", 40), "each purged once");
  } finally {
    await ctx.emu.clearFaults();
  }
});

test("--daily-limit lets a larger quota purge more than 100 directories in one call", async () => {
  const r = cli(withEndpoint("--daily-limit", "150", ...dirs("many", 150)));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "Success: purged 150 directories in 8 request(s)\n");
  assert.deepEqual(await recorded("many"), dirs("many", 150));
  const over = cli(withEndpoint(...dirs("many2", 101)));
  assert.equal(over.status, 2);
  assert.match(over.stderr, /101 directories \(after removing duplicates\) exceed config\.dailyLimit of 100 per day/);
});

test("--file reads a list (blank lines and # comments skipped), - reads stdin", async () => {
  const list = join(ctx.installed.dir, "list.txt");
  const [a, b, c] = dirs("file", 3);
  writeFileSync(list, `# deploy 42\n${a}\n  ${b}\t# the assets\n\n${c} #\n`);
  assert.equal(cli(withEndpoint("--file", list)).status, 0);
  assert.deepEqual(await recorded("file"), dirs("file", 3));
  const r = cli(withEndpoint("--file", "-"), { input: `${dirs("stdin", 2).join("\r\n")}\r\n` });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(await recorded("stdin"), dirs("stdin", 2));
});

test("--json prints the result as JSON; a session token is sent and verified", async () => {
  const r = cli(withEndpoint("--json", "--signature-method", "HmacSHA256", "--type", "2", ...dirs("json", 2)), { account: TEMP });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const result = JSON.parse(r.stdout);
  assert.deepEqual([result.code, result.codeDesc, result.dirs], [0, "Success", dirs("json", 2)]);
  const purges = (await ctx.emu.purges()).filter((p) => p.dir.includes("/json/"));
  assert.deepEqual(purges.map((p) => [p.dir, p.type]), dirs("json", 2).map((d) => [d, 2]));
  const get = cli(withEndpoint("--method", "GET", ...dirs("get", 1)));
  assert.equal(get.status, 0, get.stderr);
  assert.deepEqual(await recorded("get"), dirs("get", 1));
});

test("--dry-run prints the signed requests, token redacted, and sends nothing", async () => {
  const r = cli(withEndpoint("--dry-run", ...dirs("dry", 21)), { account: TEMP });
  assert.equal(r.status, 0, r.stderr);
  const requests = r.stdout.trim().split(/\n\n(?=POST )/);
  assert.equal(requests.length, 2);
  assert.match(requests[0], new RegExp(`^POST ${ctx.emu.endpoint.replaceAll(".", "\\.")}\ncontent-type: application/x-www-form-urlencoded\n\nAction=RefreshCdnDir&`));
  assert.match(requests[0], /&Token=\[redacted\]&/);
  assert.match(requests[1], /dirs\.0=https%3A%2F%2Fwww\.test\.com%2Fdry%2F20%2F&Signature=/);
  const json = cli(withEndpoint("--dry-run", "--json", ...dirs("dry", 1)), { account: TEMP });
  assert.deepEqual(Object.keys(JSON.parse(json.stdout)[0]), ["method", "url", "headers", "body", "dirs"]);
  assert.deepEqual(await recorded("dry"), []);
});

test("--api v3 purges with PurgePathCache; --dry-run redacts the X-TC-Token header", async () => {
  const r = cli(["--api", "v3", "--endpoint", `${ctx.emu.url}/`, "--area", "mainland", "--url-encode", "--language", "en-US", "--batch-size", "50", ...dirs("v3", 21)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Success: purged 21 directories in 1 request\(s\); TaskId \S+\n$/);
  const log = (await ctx.emu.purges()).filter((p) => p.dir.includes("/v3/"));
  assert.deepEqual(log.map((p) => [p.api, p.dir]), dirs("v3", 21).map((d) => ["v3", d]));
  const dry = cli(["--api", "v3", "--dry-run", "--json", "--language", "en-US", "--type", "delete", ...dirs("v3dry", 1)], { account: TEMP });
  assert.equal(dry.status, 0, dry.stderr);
  const [req] = JSON.parse(dry.stdout);
  assert.match(req.body, /"FlushType":"delete"/, "--type takes FlushType's own words too");
  assert.equal(req.headers["x-tc-token"], "[redacted]");
  assert.equal(req.headers["x-tc-language"], "en-US");
  assert.match(req.headers.authorization, /^TC3-HMAC-SHA256 Credential=AKIDclitemp\//);
  assert.equal(req.url, "https://cdn.tencentcloudapi.com/");
});

test("an API failure exits 1 with code, codeDesc, what was purged and what to retry", async () => {
  const r = cli(withEndpoint(...dirs("quota", 45)), { account: SMALL });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  const [first, facts, ...rest] = r.stderr.split("\n");
  assert.match(first, /^qcloud-cdn-refresh: batch 2 of 3: /);
  assert.match(facts, /^ {2}code 4000, codeDesc \S+, moduleCode 22046, status 200$/);
  const text = rest.join("\n");
  assert.match(text, /purged before the failure \(20\):/);
  assert.match(text, /not purged, retry these \(25\):\n {4}https:\/\/www\.test\.com\/quota\/20\//);
  assert.ok(dirs("quota", 45).slice(20).every((d) => text.includes(`    ${d}\n`)));
  assert.deepEqual(await recorded("quota"), dirs("quota", 20));

  const json = cli(withEndpoint("--json", ...dirs("over", 6)), { account: SMALL }); // 20 used, 6 more than 25
  assert.equal(json.status, 1);
  const e = JSON.parse(json.stdout);
  assert.deepEqual([e.kind, e.code, e.moduleCode, e.submitted, e.pending], ["api", 4000, 22046, [], dirs("over", 6)]);
});

test("a network failure exits 1 and lists every dir as pending", () => {
  const r = cli(["--endpoint", "http://127.0.0.1:9/v2/index.php", ...dirs("down", 2)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^qcloud-cdn-refresh: batch 1 of 1: /);
  assert.match(r.stderr, /not purged, retry these \(2\):\n {4}https:\/\/www\.test\.com\/down\/0\/\n {4}https:\/\/www\.test\.com\/down\/1\/\n/);
  assert.doesNotMatch(r.stderr, /is retired: add/, "an endpoint of one's own is no mistake");
});

// With neither --api nor --endpoint, the request goes to API 2.0's own host: it cannot answer,
// so the failure says what to pass. Node's fetch is replaced by one that fails, so that no
// request leaves this machine.
test("an API 3.0 failure names its code once, and the RequestId that Tencent's support asks for", async () => {
  const r = cli(["--api", "v3", "--endpoint", `${ctx.emu.url}/`, "https://www.nothere.example/v3fail/"]);
  assert.equal(r.status, 1, r.stderr);
  const [first, facts] = r.stderr.split("\n");
  assert.match(first, /^qcloud-cdn-refresh: batch 1 of 1: the API refused the request: "ResourceNotFound\.CdnHostNotExists": /);
  assert.match(facts, /^ {2}code ResourceNotFound\.CdnHostNotExists, status 200, requestId \S+$/);
});

test("a failure of the retired API 2.0's host, the default, says to pass --api v3", () => {
  const stub = 'globalThis.fetch = async () => { throw new TypeError("fetch failed"); };';
  const env = { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(stub)}` };
  // The library's message says it, and the CLI names the flag for config.api.
  const hint = /; API 2\.0, the default, is retired: add config\.api "v3"\n {2}config\.api is --api here\n/;
  const r = cli(["--retries", "0", ...dirs("retired", 1)], { env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^qcloud-cdn-refresh: batch 1 of 1: the request did not complete: fetch failed/);
  assert.match(r.stderr, hint);
  const v3 = cli(["--api", "v3", "--retries", "0", ...dirs("retired", 1)], { env });
  assert.equal(v3.status, 1, v3.stderr);
  assert.doesNotMatch(v3.stderr, /is retired: add/);
});

test("a timeout exits 1 and lists the batch cut short in flight apart from what to retry", async () => {
  await ctx.emu.clearFaults();
  // The API purges the second batch and then stalls past --timeout.
  await ctx.emu.fault({ fault: "delay-after", delayMs: 3000, skip: 1, secretId: ACCOUNT.secretId });
  try {
    const r = cli(withEndpoint("--timeout", "500", ...dirs("slow", 45)));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^qcloud-cdn-refresh: batch 2 of 3: no response within config\.timeoutMs \(500 ms\).*\n  config\.timeoutMs is --timeout here\n/);
    assert.match(r.stderr, /purged before the failure \(20\):\n {4}https:\/\/www\.test\.com\/slow\/0\//);
    assert.match(r.stderr, /maybe purged, the API may have got them: check these or purge them again \(20\):\n {4}https:\/\/www\.test\.com\/slow\/20\//);
    assert.match(r.stderr, /not purged, retry these \(5\):\n {4}https:\/\/www\.test\.com\/slow\/40\//);
    assert.ok(dirs("slow", 45).every((d) => r.stderr.includes(`    ${d}\n`)), "every dir is listed");
    assert.deepEqual(await recorded("slow"), dirs("slow", 40));
  } finally {
    await ctx.emu.clearFaults();
  }
});

test("SIGINT or SIGTERM mid-call (Ctrl-C, a cancelled CI job) prints the accounting and exits 128 + the signal", async () => {
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]]) {
    const tag = `signal${code}`;
    await ctx.emu.clearFaults();
    // The API purges the second batch and then stalls: the signal arrives with it in flight.
    await ctx.emu.fault({ fault: "delay-after", delayMs: 4000, skip: 1, secretId: ACCOUNT.secretId });
    try {
      const child = spawn(bin(), withEndpoint(...dirs(tag, 45)), { cwd: ctx.installed.dir, env: credentials(ACCOUNT) });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const exited = new Promise((resolve) => child.on("exit", (status) => resolve(status)));
      for (let i = 0; (await recorded(tag)).length < 40; i++) {
        assert.ok(i < 200, "the second batch reaches the emulator");
        await new Promise((r) => setTimeout(r, 25));
      }
      const sent = Date.now();
      child.kill(signal);
      const status = await exited;
      outputs.push(stdout + stderr);
      assert.ok(Date.now() - sent < 2000, "exits at once, not when the stalled request ends");
      assert.equal(status, code, stderr);
      assert.equal(stdout, "");
      assert.match(stderr, new RegExp(`^qcloud-cdn-refresh: interrupted by ${signal}\nqcloud-cdn-refresh: batch 2 of 3: aborted`));
      assert.match(stderr, /purged before the failure \(20\):/);
      assert.match(stderr, /maybe purged, the API may have got them: check these or purge them again \(20\):/);
      assert.match(stderr, /not purged, retry these \(5\):/);
      assert.ok(dirs(tag, 45).every((d) => stderr.includes(`    ${d}\n`)), "every dir is listed");
    } finally {
      await ctx.emu.clearFaults();
    }
  }
});

test("bad usage and bad input exit 2 and say what to fix; nothing is sent", async () => {
  const cases = [
    [[], /give at least one directory URL/],
    [["--bogus", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --bogus \(--help lists them\)\n/],
    // A misspelt flag: the same letters but for case and separators, or two edits away.
    [["--dryrun", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --dryrun; did you mean --dry-run\?\n/],
    [["--Batch_Size=5", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --Batch_Size; did you mean --batch-size\?\n/],
    [["--timout", "5000", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --timout; did you mean --timeout\?\n/],
    [["--jsn", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --jsn; did you mean --json\?\n/],
    // Or cut short, but for an edit; flags as near as each other are all named.
    [["--retry", "3", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --retry; did you mean --retries\?\n/],
    [["--time=5000", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --time; did you mean --timeout\?\n/],
    [["--secret", "k", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --secret; did you mean --secret-id or --secret-key\?\n/],
    [["--verbose", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option --verbose \(--help lists them\)\n/],
    // A long flag with one dash is named whole, not by the short flag its first letter would be.
    [["-dry-run", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option -dry-run; did you mean --dry-run\?\n/],
    [["-x", "https://www.test.com/x/"], /^qcloud-cdn-refresh: unknown option -x \(--help lists them\)\n/],
    [["--file", "-"], /^qcloud-cdn-refresh: --file - holds no directory URL\n/],
    [["--type", "x", "https://www.test.com/x/"], /--type must be 1, 2, flush or delete, got "x"/],
    // Every option a message names is mapped to its flag: the one at fault, and the one to set.
    [["--api", "v3", "--method", "GET", "https://www.test.com/x/"], /config\.method is only for config\.api "v2"\n  config\.method is --method here\n  config\.api is --api here\n/],
    [["--endpoint", "https://cdn.tencentcloudapi.com/", "https://www.test.com/x/"], /config\.endpoint is API 3\.0's, which takes no API 2\.0 request: add config\.api "v3"\n  config\.endpoint is --endpoint here\n  config\.api is --api here\n/],
    [["--type", "3", "https://www.test.com/x/"], /--type must be 1, 2, flush or delete, got "3"/],
    [["--file", "/nonexistent/list.txt"], /cannot read --file \/nonexistent\/list\.txt: ENOENT/],
    [["https://www.test.com/bad/ok/", "ftp://www.test.com/bad/"], /dirs\[1\] "ftp:\/\/www\.test\.com\/bad\/" must start with http:\/\/ or https:\/\/\n  dirs\[1\] is URL 2 on the command line\n/],
    [["--method", "PUT", "https://www.test.com/bad/"], /config\.method/],
    [["https://www.test.com/bad/1/", "https://www.test.com/bad/2/", "--daily-limit", "1"], /2 directories \(after removing duplicates\) exceed config\.dailyLimit of 1 per day.*\n  config\.dailyLimit is --daily-limit here\n/],
    [["--retries", "11", "https://www.test.com/bad/"], /config\.retries must be a whole number from 0 to 10, got 11\n  config\.retries is --retries here\n/],
    [["--timeout", "0", "https://www.test.com/bad/"], /config\.timeoutMs must be a whole number from 1 to 3600000, got 0\n  config\.timeoutMs is --timeout here\n/],
    [["--api", "v3", "--endpoint", "https://cdn.api.qcloud.com/v2/index.php", "https://www.test.com/bad/"], /config\.endpoint has the path "\/v2\/index\.php".*\n  config\.endpoint is --endpoint here\n/],
    [["--api", "v3", "--language", "en", "https://www.test.com/bad/"], /config\.language must be "en-US" or "zh-CN", got "en"\n  config\.language is --language here\n/],
  ];
  for (const [args, message] of cases) {
    const r = cli(withEndpoint(...args));
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
  // A bad line of a list is named by its line, past comments and blank lines.
  const list = join(ctx.installed.dir, "bad-list.txt");
  writeFileSync(list, "# deploy 42\n\nhttps://www.test.com/bad/a/\r\nhttps://www.test.com/bad/b/#top\n");
  const line = cli(withEndpoint("https://www.test.com/bad/arg/", "--file", list));
  assert.equal(line.status, 2);
  assert.match(line.stderr, /dirs\[2\] "https:\/\/www\.test\.com\/bad\/b\/#top" contains a fragment .*\n  dirs\[2\] is line 4 of .*bad-list\.txt\n/);
  const noKey = cli(withEndpoint("https://www.test.com/bad/"), { env: { TENCENTCLOUD_SECRET_KEY: "" } });
  assert.equal(noKey.status, 2);
  assert.match(noKey.stderr, /set TENCENTCLOUD_SECRET_KEY \(or pass --secret-key\)/);
  // A key read with its newline (`export KEY=$(cat key.txt)` keeps none, but CI secret stores may).
  const newline = cli(withEndpoint("https://www.test.com/bad/"), { env: { TENCENTCLOUD_SECRET_KEY: `${KEY}\n` } });
  assert.equal(newline.status, 2);
  assert.match(newline.stderr, /config\.secretKey has whitespace at its end; .*\n  config\.secretKey is TENCENTCLOUD_SECRET_KEY here\n/);
  assert.deepEqual(await recorded("bad"), []);
});

test("--secret-key works but warns about shell history", async () => {
  const r = cli(withEndpoint("--secret-id", ACCOUNT.secretId, "--secret-key", KEY, ...dirs("flags", 1)), { env: { TENCENTCLOUD_SECRET_ID: "", TENCENTCLOUD_SECRET_KEY: "" } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: --secret-key ends up in your shell history/);
  assert.deepEqual(await recorded("flags"), dirs("flags", 1));
});

test("--help and --version", () => {
  const help = cli(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: qcloud-cdn-refresh/);
  for (const flag of ["NODE_USE_ENV_PROXY", "--file", "--api", "--area", "--url-encode", "--language", "--batch-size", "--endpoint", "--method", "--signature-method", "--type", "--dry-run", "--json", "--secret-id", "--secret-key", "--version"]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
  const version = cli(["--version"]);
  const { version: expected } = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8"));
  assert.equal(version.stdout, `${expected}\n`);
});

test("no output of any run above holds the secret key or the token", () => {
  assert.ok(outputs.length >= 19, `${outputs.length} runs checked`);
  for (const text of outputs) {
    assert.ok(!text.includes(KEY) && !text.includes(TOKEN) && !text.includes(encodeURIComponent(TOKEN)), text);
  }
});
