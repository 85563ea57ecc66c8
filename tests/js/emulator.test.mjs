// The installed package against a freshly started emulator: real purges, recorded once each,
// and the API's refusals as CdnError fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageAndEmulator, readmeBlock, startEmulator, root } from "./helpers.mjs";

const A = { secretId: "AKIDnodeA", secretKey: "node-key-a", domains: ["www.test.com", "example.com"], dailyLimit: 1000 };
const SMALL = { secretId: "AKIDsmall", secretKey: "node-key-small", domains: ["www.test.com"], dailyLimit: 30 };
const TEMP = { secretId: "AKIDtemp", secretKey: "node-key-temp", token: "session-token-1", domains: ["www.test.com"], dailyLimit: 100 };
const ctx = packageAndEmulator({ accounts: [A, SMALL, TEMP] });

const dirs = (tag, n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${tag}/${i}/`);
const config = (account, extra = {}) => ({ secretId: account.secretId, secretKey: account.secretKey, endpoint: ctx.emu.endpoint, ...extra });
const rejection = (p) => p.then(() => assert.fail("resolved"), (e) => e);

test("1, 20, 21 and 45 directories are each recorded exactly once", async () => {
  for (const n of [1, 20, 21, 45]) {
    const want = dirs(`n${n}`, n);
    const result = await ctx.lib.refreshCdnDir(config(A), want);
    assert.deepEqual(result.dirs, want);
    assert.equal(result.batches.length, Math.ceil(n / 20));
    const recorded = (await ctx.emu.purges()).filter((p) => p.dir.includes(`/n${n}/`)).map((p) => p.dir);
    assert.deepEqual(recorded, want, `${n} dirs: each once, in order`);
  }
});

test("GET, HmacSHA256, type 2 and a session token are accepted", async () => {
  await ctx.lib.refreshCdnDir(config(A, { method: "GET", signatureMethod: "HmacSHA256", type: 2 }), dirs("get", 3));
  await ctx.lib.refreshCdnDir(config(TEMP, { token: TEMP.token }), dirs("token", 1));
  const purges = await ctx.emu.purges();
  assert.deepEqual(purges.filter((p) => p.dir.includes("/get/")).map((p) => p.type), [2, 2, 2]);
  assert.equal(purges.filter((p) => p.dir.includes("/token/") && p.secretId === TEMP.secretId).length, 1);
  const err = await rejection(ctx.lib.refreshCdnDir(config(TEMP), dirs("notoken", 1)));
  assert.deepEqual([err.kind, err.code], ["api", 4105]);
});

test("a domain the account does not own: 9110, nothing after it sent", async () => {
  const list = [...dirs("own", 20), "https://not-mine.com/a/", ...dirs("own2", 5)];
  const err = await rejection(ctx.lib.refreshCdnDir(config(A), list));
  assert.ok(err instanceof ctx.lib.CdnError);
  assert.deepEqual([err.kind, err.code, err.codeDesc, err.moduleCode, err.status], ["api", 4000, "9110", 9110, 200]);
  assert.deepEqual(err.submitted, list.slice(0, 20));
  assert.deepEqual(err.pending, list.slice(20));
  const recorded = (await ctx.emu.purges()).map((p) => p.dir);
  assert.ok(!recorded.some((d) => d.includes("/own2/") || d.includes("not-mine")));
});

test("a wrong key: 4100 with every dir pending", async () => {
  const err = await rejection(ctx.lib.refreshCdnDir(config({ ...A, secretKey: "not-the-key" }), dirs("wrongkey", 3)));
  assert.deepEqual([err.kind, err.code, err.codeDesc, err.submitted, err.pending], ["api", 4100, "AuthFailure", [], dirs("wrongkey", 3)]);
  assert.ok(!JSON.stringify(err).includes("not-the-key") && !String(err.stack).includes("not-the-key"));
});

test("an exhausted daily quota: 22046 after the batches that fit", async () => {
  const want = dirs("quota", 45);
  const err = await rejection(ctx.lib.refreshCdnDir(config(SMALL), want));
  assert.deepEqual([err.kind, err.code, err.codeDesc, err.moduleCode], ["api", 4000, "22046", 22046]);
  assert.match(err.message, /^batch 2 of 3: .*\(22046\) daily directory quota exceeded/);
  assert.deepEqual(err.submitted, want.slice(0, 20));
  assert.deepEqual(err.pending, want.slice(20));
  const recorded = (await ctx.emu.purges()).filter((p) => p.secretId === SMALL.secretId).map((p) => p.dir);
  assert.deepEqual(recorded, want.slice(0, 20));
});

test("the README's demo one-liner purges against the emulator's demo account", async () => {
  const block = readmeBlock("demo-one-liner", "sh").trim();
  const demo = readFileSync(join(root, "scripts", "demo.sh"), "utf8");
  assert.ok(demo.includes(block.replace("8787", "$port")), "make demo prints the README's one-liner");
  const demoEmu = await startEmulator();
  try {
    const script = /-e '(.*)'$/.exec(block)[1].replace("http://127.0.0.1:8787", demoEmu.url);
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /codeDesc: 'Success'/);
    assert.deepEqual((await demoEmu.purges()).map((p) => p.dir), ["https://www.test.com/static/"]);
  } finally {
    await demoEmu.stop();
  }
});
