// The README's same-origin proxies, as written: the Node one and the Worker one (in workerd),
// each forwarding to the emulator, with refreshCdnDir signing for the emulator's endpoint and
// sending to the proxy through config.proxyUrl, and correcting its clock by the Date handed back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort, packageAndEmulator, readmeBlock as block, startWorkerd } from "./helpers.mjs";

const ACCOUNT = { secretId: "AKIDproxy", secretKey: "proxy-secret-key", domains: ["www.test.com"], dailyLimit: 10000 };
const ctx = packageAndEmulator({ accounts: [ACCOUNT], args: ["--no-cors"] });

const dirs = (tag, n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${tag}/${i}/`);

async function purgeThrough(proxyUrl, tag, api = "v2") {
  const endpoint = api === "v3" ? `${ctx.emu.url}/` : ctx.emu.endpoint;
  const config = { api, secretId: ACCOUNT.secretId, secretKey: ACCOUNT.secretKey, endpoint, proxyUrl };
  const [signed] = ctx.installed.lib.signRequest(config, dirs(tag, 1));
  assert.equal(signed.url, proxyUrl, "sent to the proxy");
  const result = await ctx.installed.lib.refreshCdnDir(config, dirs(tag, 21));
  assert.deepEqual(result.dirs, dirs(tag, 21));
  const recorded = (await ctx.emu.purges()).filter((p) => p.dir.includes(`/${tag}/`));
  assert.deepEqual(recorded.map((p) => [p.api, p.dir]), dirs(tag, 21).map((d) => [api, d]), "signed for the endpoint, verified by it, recorded once");
  // The proxy hands back the API's Date: a clock an hour off is corrected through it.
  const real = Date.now;
  try {
    Date.now = () => real() - 3_600_000;
    const skewed = await ctx.installed.lib.refreshCdnDir(config, dirs(`${tag}-clock`, 1));
    assert.deepEqual(skewed.batches.map((b) => b.attempts), [2], "refused once as expired, then signed by the API's clock");
  } finally {
    Date.now = real;
    await ctx.installed.lib.refreshCdnDir(config, dirs(`${tag}-clock-right`, 1)); // and corrected back
  }
}

test("the README's Node proxy forwards what the page signed", async () => {
  const file = join(ctx.installed.dir, "proxy.mjs");
  writeFileSync(file, block("node-proxy"));
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), CDN_API: ctx.emu.endpoint, CDN_API_V3: `${ctx.emu.url}/` };
  const child = spawn(process.execPath, [file], { env, stdio: ["ignore", "pipe", "inherit"] });
  try {
    await new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`proxy exited with ${code}`)));
      createInterface({ input: child.stdout }).on("line", (l) => l === "proxy ready" && resolve());
    });
    await purgeThrough(`http://127.0.0.1:${port}/cdn-api`, "node-proxy");
    await purgeThrough(`http://127.0.0.1:${port}/cdn-api`, "node-proxy-v3", "v3");
    const other = await fetch(`http://127.0.0.1:${port}/elsewhere`, { method: "POST" });
    assert.equal(other.status, 404, "forwards nothing else");
  } finally {
    child.removeAllListeners("exit");
    child.kill();
  }
});

test("the README's Worker proxy forwards what the page signed, in workerd", async () => {
  const dir = join(ctx.installed.dir, "worker-proxy");
  mkdirSync(dir);
  writeFileSync(join(dir, "worker.js"), block("worker-proxy"));
  const workerd = await startWorkerd(dir, { vars: { CDN_API: ctx.emu.endpoint, CDN_API_V3: `${ctx.emu.url}/` } });
  try {
    await purgeThrough(`${workerd.url}/cdn-api`, "worker-proxy");
    await purgeThrough(`${workerd.url}/cdn-api`, "worker-proxy-v3", "v3");
    assert.equal((await fetch(`${workerd.url}/cdn-api`)).status, 404, "GET is not forwarded");
  } finally {
    await workerd.stop();
  }
});
