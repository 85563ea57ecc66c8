// API 3.0 PurgePathCache through the installed package: signatures cross-checked with the
// official SDK's signer, purges against the emulator, every v3 error with its CdnError fields,
// retries on throttling, and the config and type rules that keep the two APIs apart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { bin, packageAndEmulator, root } from "./helpers.mjs";

// The official Node SDK's TC3 signer: an oracle, a dev dependency in tools/, never shipped.
const require = createRequire(join(root, "tools", "package.json"));
const Sign = require("tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js").default;

const A = { secretId: "AKIDv3", secretKey: "v3-secret-key", domains: ["www.test.com", "example.com"], dailyLimit: 100000 };
const T = { secretId: "AKIDv3token", secretKey: "v3-secret-key-2", token: "v3-session-token", domains: ["www.test.com"], dailyLimit: 100000 };
const SMALL = { secretId: "AKIDv3small", secretKey: "v3-secret-key-3", domains: ["www.test.com"], dailyLimit: 30 };
const ctx = packageAndEmulator({ accounts: [A, T, SMALL] });

const dirs = (tag, n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${tag}/${i}/`);
const v3 = (account, extra = {}) => ({ api: "v3", secretId: account.secretId, secretKey: account.secretKey, endpoint: `${ctx.emu.url}/`, retryBaseMs: 1, ...extra });
const recorded = async (tag) => (await ctx.emu.purges()).filter((p) => p.dir.includes(`/${tag}/`));
const rejection = (p) => p.then(() => assert.fail("resolved"), (e) => e);

test("signRequest agrees byte for byte with the official SDK's sign3 on random requests", () => {
  let seed = 12345;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const pieces = ["a", "b", "中文", "é", "%20", "+", "~", "_", "-", "(x)", "?q=1", "😀", '"', "?a\\b"];
  for (let round = 0; round < 200; round++) {
    const n = 1 + rand(30);
    const list = Array.from({ length: n }, (_, i) => `https://${["www.test.com", "example.com", "a.b.c.d.e"][rand(3)]}/${i}/${pieces[rand(pieces.length)]}/`);
    const config = {
      api: "v3",
      secretId: `AKID${rand(1e6)}`,
      secretKey: `key-${rand(1e9)}`,
      timestamp: 1 + rand(4_000_000_000),
      type: [undefined, 1, 2][rand(3)],
      area: [undefined, "mainland", "overseas"][rand(3)],
      urlEncode: [undefined, true, false][rand(3)],
      language: [undefined, "en-US", "zh-CN"][rand(3)],
      token: [undefined, `tok-${rand(1e6)}`][rand(2)],
      endpoint: ["https://cdn.tencentcloudapi.com/", "https://cdn.intl.tencentcloudapi.com/", "http://127.0.0.1:8787/"][rand(3)],
      batchSize: 1 + rand(500),
    };
    for (const r of ctx.lib.signRequest(config, list)) {
      assert.equal(r.method, "POST");
      const body = JSON.parse(r.body);
      assert.deepEqual(body.Paths, r.dirs);
      assert.equal(body.FlushType, config.type === 2 ? "delete" : "flush");
      assert.equal(body.Area, config.area);
      assert.equal(body.UrlEncode, config.urlEncode);
      assert.equal(r.headers["x-tc-token"], config.token);
      assert.equal(r.headers["x-tc-language"], config.language);
      assert.deepEqual([r.headers["x-tc-action"], r.headers["x-tc-version"], r.headers["x-tc-timestamp"]], ["PurgePathCache", "2018-06-06", String(config.timestamp)]);
      const official = Sign.sign3({
        method: "POST",
        url: config.endpoint,
        payload: Buffer.from(r.body, "utf8"),
        timestamp: config.timestamp,
        service: "cdn",
        secretId: config.secretId,
        secretKey: config.secretKey,
        headers: { "Content-Type": r.headers["content-type"] },
      });
      assert.equal(r.headers.authorization, official, JSON.stringify(config));
    }
  }
});

test("v3 purges of 1, 20, 21 and 45 paths are recorded once each, with task and request ids", async () => {
  for (const n of [1, 20, 21, 45]) {
    const want = dirs(`p${n}`, n);
    const result = await ctx.lib.refreshCdnDir(v3(A), want);
    assert.deepEqual([result.code, result.codeDesc, result.dirs], [0, "Success", want]);
    assert.deepEqual(result.batches.map((b) => b.dirs.length), [20, 20, 20].slice(0, Math.ceil(n / 20)).map((s, i) => Math.min(s, n - 20 * i)));
    for (const b of result.batches) assert.match(`${b.taskId} ${b.requestId}`, /^[0-9a-f-]{36} [0-9a-f-]{36}$/);
    const log = await recorded(`p${n}`);
    assert.deepEqual(log.map((p) => [p.api, p.dir, p.type]), want.map((d) => ["v3", d, 1]));
  }
  const all = await ctx.lib.refreshCdnDir(v3(A, { batchSize: 500, type: 2, area: "mainland", urlEncode: true }), dirs("big", 45));
  assert.equal(all.batches.length, 1, "up to 500 paths per request in v3");
  assert.deepEqual((await recorded("big")).map((p) => p.type), Array(45).fill(2));
});

test("each v3 refusal surfaces as a CdnError with Error.Code, message and RequestId", async () => {
  const cases = [
    [v3({ ...A, secretKey: "wrong" }), dirs("e1", 1), "AuthFailure.SignatureFailure"],
    [v3({ ...A, secretId: "AKIDnobody" }), dirs("e2", 1), "AuthFailure.SecretIdNotFound"],
    [v3(A, { timestamp: 1_600_000_000 }), dirs("e3", 1), "AuthFailure.SignatureExpire"],
    [v3(T), dirs("e4", 1), "AuthFailure.TokenFailure"],
    [v3(T, { token: "wrong-token" }), dirs("e5", 1), "AuthFailure.TokenFailure"],
    [v3(A), ["https://not-mine.com/a/"], "ResourceNotFound.CdnHostNotExists"],
  ];
  for (const [config, list, code] of cases) {
    const e = await rejection(ctx.lib.refreshCdnDir(config, list));
    assert.ok(e instanceof ctx.lib.CdnError);
    assert.deepEqual([e.kind, e.code, e.codeDesc, e.status, e.moduleCode], ["api", code, code, 200, null]);
    assert.match(e.requestId, /^[0-9a-f-]{36}$/);
    assert.match(e.message, new RegExp(`^batch 1 of 1: the API refused the request: "${code.replaceAll(".", "\\.")}": `));
    assert.deepEqual(e.pending, list);
  }
  const ok = await ctx.lib.refreshCdnDir(v3(T, { token: T.token }), dirs("tok", 2));
  assert.equal(ok.code, 0);
  // The quota the two APIs share: 20 fit, the next batch is refused, nothing after it is sent.
  const e = await rejection(ctx.lib.refreshCdnDir(v3(SMALL), dirs("quota", 45)));
  assert.deepEqual([e.code, e.submitted.length, e.pending.length], ["LimitExceeded.CdnPurgePathExceedDayLimit", 20, 25]);
  assert.equal((await recorded("quota")).length, 20);
});

test("RequestLimitExceeded and InternalError are retried; auth errors are not", async () => {
  for (const fault of ["throttle", "api-6200"]) {
    await ctx.emu.clearFaults();
    await ctx.emu.fault({ fault, skip: 1, secretId: A.secretId });
    const result = await ctx.lib.refreshCdnDir(v3(A), dirs(`retry-${fault}`, 45));
    assert.deepEqual(result.batches.map((b) => b.attempts), [1, 2, 1], fault);
    assert.equal((await recorded(`retry-${fault}`)).length, 45);
  }
  await ctx.emu.clearFaults();
  await ctx.emu.fault({ fault: "throttle", count: 3, secretId: A.secretId });
  const e = await rejection(ctx.lib.refreshCdnDir(v3(A), dirs("throttled", 1)));
  assert.deepEqual([e.code, e.pending.length], ["RequestLimitExceeded", 1]);
  assert.match(e.message, / \(3 attempts\)$/);
  let attempts = 0;
  const counting = (url, init) => (attempts++, fetch(url, init));
  await rejection(ctx.lib.refreshCdnDir(v3({ ...A, secretKey: "wrong" }, { fetch: counting }), dirs("noretry", 1)));
  assert.equal(attempts, 1, "AuthFailure is not retried");
});

test("the keys of one API are refused with the other", () => {
  const base = { secretId: "id", secretKey: "key" };
  const table = [
    [{ ...base, area: "mainland" }, 'config.area is only for config.api "v3"'],
    [{ ...base, api: "v2", urlEncode: true }, 'config.urlEncode is only for config.api "v3"'],
    [{ ...base, api: "v3", method: "POST" }, 'config.method is only for config.api "v2"'],
    [{ ...base, api: "v3", signatureMethod: "HmacSHA256" }, 'config.signatureMethod is only for config.api "v2"'],
    [{ ...base, api: "v4" }, 'config.api must be "v2" or "v3", got "v4"'],
    [{ ...base, api: "v3", area: "asia" }, 'config.area must be "mainland" or "overseas", got "asia"'],
    [{ ...base, api: "v3", urlEncode: "yes" }, "config.urlEncode must be a boolean, got string"],
    [{ ...base, language: "en-US" }, 'config.language is only for config.api "v3"'],
    [{ ...base, api: "v3", language: "en" }, 'config.language must be "en-US" or "zh-CN", got "en"'],
    [{ ...base, api: "v3", language: "EN-US" }, 'config.language must be "en-US" or "zh-CN", got "EN-US"'],
    [{ ...base, batchSize: 21 }, "config.batchSize must be a whole number from 1 to 20, got 21"],
    [{ ...base, api: "v3", batchSize: 501 }, "config.batchSize must be a whole number from 1 to 500, got 501"],
  ];
  for (const [config, message] of table) {
    assert.throws(() => ctx.lib.signRequest(config, "https://www.test.com/a/"), (e) => e.kind === "invalid-input" && e.message === message, message);
  }
  const [r] = ctx.lib.signRequest({ ...base, api: "v3", token: "tok" }, "https://www.test.com/a/");
  assert.equal(r.url, "https://cdn.tencentcloudapi.com/", "the v3 endpoint by default");
  assert.ok(!r.body.includes("tok"), "the token is a header, not in the body");
});

test("the types keep v2-only and v3-only keys apart", () => {
  const tsc = bin("tsc");
  const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"];
  const good = `
import { refreshCdnDir, type RefreshConfig, type RefreshConfigV3 } from "qcloud-cdn-refresh";
const v2: RefreshConfig = { secretId: "i", secretKey: "k", method: "GET", signatureMethod: "HmacSHA256" };
const v3: RefreshConfigV3 = { api: "v3", secretId: "i", secretKey: "k", area: "overseas", urlEncode: true, language: "en-US", batchSize: 500, type: 2 };
// A config in an unannotated variable: the README's \`as const\` keeps "v3" a literal.
const plain = { api: "v3" as const, secretId: "i", secretKey: "k", area: "mainland" as const };
// Options that may be undefined, as read from the environment: "not given", also under
// exactOptionalPropertyTypes (@tsconfig/strictest), which tells a missing key from undefined.
declare const env: Record<string, string | undefined>;
const maybe: RefreshConfig = {
  api: undefined, secretId: "i", secretKey: "k", token: env.TOKEN, endpoint: env.ENDPOINT, proxyUrl: env.PROXY, type: undefined,
  timeoutMs: env.T ? Number(env.T) : undefined, fetch: undefined, signal: undefined, onProgress: undefined, method: undefined, area: undefined,
};
const maybe3: RefreshConfig = { api: "v3", secretId: "i", secretKey: "k", area: env.AREA === "overseas" ? "overseas" : undefined, language: undefined, urlEncode: undefined, method: undefined };
export const run = () => Promise.all([refreshCdnDir(v2, "https://a.com/"), refreshCdnDir(v3, ["https://a.com/"]), refreshCdnDir(plain, "https://a.com/"), refreshCdnDir(maybe, "https://a.com/"), refreshCdnDir(maybe3, "https://a.com/")]);
`;
  const bad = {
    "v3-with-method": `import type { RefreshConfig } from "qcloud-cdn-refresh";\nexport const c: RefreshConfig = { api: "v3", secretId: "i", secretKey: "k", method: "POST" };\n`,
    "v2-with-area": `import type { RefreshConfig } from "qcloud-cdn-refresh";\nexport const c: RefreshConfig = { secretId: "i", secretKey: "k", area: "mainland" };\n`,
    // Without a type or \`as const\`, api widens to string: the README says so.
    "widened-api": `import { refreshCdnDir } from "qcloud-cdn-refresh";\nconst c = { api: "v3", secretId: "i", secretKey: "k" };\nexport const run = () => refreshCdnDir(c, "https://a.com/");\n`,
    "bad-area": `import type { RefreshConfig } from "qcloud-cdn-refresh";\nexport const c: RefreshConfig = { api: "v3", secretId: "i", secretKey: "k", area: "moon" };\n`,
    "v2-with-language": `import type { RefreshConfig } from "qcloud-cdn-refresh";\nexport const c: RefreshConfig = { secretId: "i", secretKey: "k", language: "en-US" };\n`,
  };
  const dir = ctx.installed.dir;
  writeFileSync(join(dir, "v3-good.ts"), good);
  for (const name of Object.keys(bad)) writeFileSync(join(dir, `${name}.ts`), bad[name]);
  for (const flags of [args, [...args, "--exactOptionalPropertyTypes"]]) {
    let r = spawnSync(tsc, [...flags, "v3-good.ts"], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const name of Object.keys(bad)) {
      r = spawnSync(tsc, [...flags, `${name}.ts`], { cwd: dir, encoding: "utf8" });
      assert.notEqual(r.status, 0, `${name} must not compile (${flags.at(-1)})`);
      if (name === "widened-api") assert.match(r.stdout, /Type 'string' is not assignable to type '"v3"/, r.stdout);
    }
  }
});
