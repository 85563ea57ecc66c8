// The installed tarball in every runtime it claims, each purging through a freshly started
// emulator: Node 18, 22, 24, 26 and the Node running the tests (import, require, esbuild bundles,
// a single-executable application; Node 26 also under its permission model), Deno 2.0 and the
// newest (also behind a proxy, and resending a request itself), Bun, workerd (wrangler's build
// and its dev server, esbuild, Rollup, webpack and Rspack bundles, and Cloudflare's Vite plugin,
// built and in its dev server), Firefox and Chromium (a page with no bundler, and an esbuild
// browser bundle), Vite 7 and 8 (dev server and build), webpack and Rspack in Chromium, each
// build also from a page's Web Worker, Next.js (Turbopack and webpack builds and the dev server,
// a route handler on the Node runtime and on the Edge Runtime, and a client component's page in
// Chromium), Nitro (built for Node and for Workers), and the test runners Jest and Vitest.
// Each checks the emulator recorded exactly its dirs, and how a connection refused comes back:
// not purged where the runtime says the request never left (Node, Deno, Bun), maybe purged where it
// does not say (workerd, browsers).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, denoEnv, freePort, nodeOf, packageAndEmulator, readmeBlock, spawnOutput, startBrowser, startProxy, startWorkerd, until, root } from "./helpers.mjs";

// The tools run here keep files in the temporary directory (Jest its haste map, jiti its
// transpiled configs, wrangler its update check): they get one of this file's own, removed after.
const tools = mkdtempSync(join(tmpdir(), "rt-"));
process.env.TMPDIR = tools;
after(() => rmSync(tools, { recursive: true, force: true }));

const ACCOUNT = { secretId: "AKIDruntimes", secretKey: "runtimes-secret-key", domains: ["www.test.com"], dailyLimit: 10000 };
// The emulator also serves the installed package at /pkg/ and the scratch project's web/ at /.
const ctx = packageAndEmulator((installed) => {
  mkdirSync(join(installed.dir, "web"));
  const pkg = join(installed.dir, "node_modules", "qcloud-cdn-refresh");
  return { accounts: [ACCOUNT], args: ["--www", join(installed.dir, "web"), "--pkg", pkg] };
});
// A loopback port nothing listens on.
let refused;
before(async () => {
  refused = `127.0.0.1:${await freePort()}`;
});
const scratch = () => ctx.installed.dir;
const pkgDir = () => join(scratch(), "node_modules", "qcloud-cdn-refresh");

const dirs = (tag, n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${tag}/${i}/`);
const recorded = async (tag) => (await ctx.emu.purges()).map((p) => p.dir).filter((d) => d.includes(`/${tag}/`));

// The same few lines in every runtime: sign, purge 21 dirs (two requests), report as JSON.
// `from` is the import (or require) each runtime's user writes; `init: false` leaves out
// `await init()`, which only a page needs.
// `refusedBy`: URLs the runtime refuses to send to, each of which must fail at once, pending.
// `moved`: two calls more, which the emulator answers as the program asks it to: with a 301,
// which the runtime's fetch, given `redirect: "manual"`, must hand back instead of following it;
// and with a page that does not end, which must be read only as far as 64 KiB
// (`invalid-response`; read whole, it ends in a `timeout`, or lost at the emulator's 1 GiB).
function program(tag, { endpoint = ctx.emu.endpoint, esm = true, init = true, refusedBy = [], moved = false } = {}) {
  const names = `refreshCdnDir, signRequest, ${init ? "init, " : ""}CdnError`;
  const head = esm ? `import { ${names} } from "qcloud-cdn-refresh";` : `const { ${names} } = require("qcloud-cdn-refresh");`;
  return `${head}
const config = { secretId: ${JSON.stringify(ACCOUNT.secretId)}, secretKey: ${JSON.stringify(ACCOUNT.secretKey)}, endpoint: ${JSON.stringify(endpoint)} };
async function main() {
  ${init ? "await init();" : ""}
  const signed = signRequest(config, ${JSON.stringify(dirs(tag, 1))});
  const result = await refreshCdnDir(config, ${JSON.stringify(dirs(tag, 21))});
  const bad = await refreshCdnDir(config, ["ftp://x/"]).catch((e) => e);
  const lost = await refreshCdnDir({ ...config, endpoint: "http://${refused}/v2/index.php", retries: 0 }, ${JSON.stringify(dirs(tag, 1))}).catch((e) => e);
  const refusedBy = [];
  for (const endpoint of ${JSON.stringify(refusedBy)}) {
    const e = await refreshCdnDir({ ...config, endpoint, retryBaseMs: 10000 }, ${JSON.stringify(dirs(tag, 1))}).catch((e) => e);
    refusedBy.push([e.kind, e.pending.length, e.maybeSubmitted.length, e.message]);
  }
  let moved, endless;
  if (${moved}) {
    const secretId = ${JSON.stringify(`AKIDmoved-${tag}`)};
    // A default, so that Deno's type check (with noImplicitAny) knows the parameter a string.
    const fault = (name = "") => fetch(${JSON.stringify(`${ctx.emu.url}/_emulator/faults`)}, { method: "POST", body: JSON.stringify({ fault: name, secretId }) }).then((r) => r.text());
    await fault("redirect-301");
    const e = await refreshCdnDir({ ...config, secretId }, ${JSON.stringify(dirs(tag, 1))}).catch((e) => e);
    moved = [e.kind, e.status, e.pending.length, e.maybeSubmitted.length, /^batch 1 of 1: a redirect \\(HTTP 301\\)/.test(e.message)];
    await fault("endless-body");
    const f = await refreshCdnDir({ ...config, secretId, timeoutMs: 5000 }, ${JSON.stringify(dirs(tag, 1))}).catch((e) => e);
    endless = [f.kind, f.status, f.pending.length, f.maybeSubmitted.length];
  }
  return JSON.stringify({
    moved,
    endless,
    refusedBy,
    lost: [lost.kind, lost.pending.length, lost.maybeSubmitted.length],
    method: signed[0].method,
    signed: /&Signature=[A-Za-z0-9%]+$/.test(signed[0].body ?? ""),
    code: result.code,
    batches: result.batches.map((b) => b.dirs.length),
    error: [bad instanceof CdnError, bad instanceof Error, bad.kind, bad.message],
  });
}
`;
}

// `said`: whether the runtime says a refused connection never sent the request;
// `refusedBy`: the messages of the program's `refusedBy` calls, each sent once; `moved`:
// whether it made the redirected call, which must end sent once (the fault answers once: a
// second attempt would reach the API, which knows no such account), not followed.
async function expectPurged(tag, output, { said = true, refusedBy = [], moved = false } = {}) {
  assert.deepEqual(JSON.parse(output), {
    ...(moved && { moved: ["http", 301, 1, 0, true], endless: ["invalid-response", 200, 0, 1] }),
    refusedBy: refusedBy.map((m) => ["network", 1, 0, `batch 1 of 1: the request did not complete: ${m}`]),
    lost: ["network", said ? 1 : 0, said ? 0 : 1],
    method: "POST",
    signed: true,
    code: 0,
    batches: [20, 1],
    error: [true, true, "invalid-input", 'dirs[0] "ftp://x/" must start with http:// or https://'],
  });
  assert.deepEqual(await recorded(tag), dirs(tag, 21), "every dir recorded once");
}

// A program that purges with the test account, `base` and the config it is given, and prints
// the outcome as JSON: `{ code, dirs }` (how many), or the error's kind, message, pending and
// maybeSubmitted. Its one argument is `[config, dirs]` as JSON, in Node and in Deno alike.
const outcomeProgram = (base) => `import { refreshCdnDir } from "qcloud-cdn-refresh";
const [config, dirs] = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2]);
const account = { secretId: ${JSON.stringify(ACCOUNT.secretId)}, secretKey: ${JSON.stringify(ACCOUNT.secretKey)} };
const out = await refreshCdnDir({ ...account, ...${JSON.stringify(base)}, ...config }, dirs).then(
  (r) => ({ code: r.code, dirs: r.dirs.length }),
  (e) => ({ kind: e.kind, message: e.message, pending: e.pending, maybeSubmitted: e.maybeSubmitted }),
);
console.log(JSON.stringify(out));
`;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: scratch(), encoding: "utf8", timeout: 60000, ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r;
}

// The Node running the tests, Node 18, the oldest the package's `engines` claims, Node 22 and 24,
// the LTS lines maintained now, Node 26, the current release line, and Bun, which takes the
// package's "node" entries for import and require alike.
const nodes = [
  ["node", process.execPath],
  ...["18", "22", "24", "26"].map((major) => [`node${major}`, nodeOf(major)]),
  ["bun", bin("bun")],
];
for (const [name, node] of nodes) {
  // Node's fetch refuses the fetch standard's bad ports, at once and again on a retry; Bun connects.
  const refusedBy = name === "bun" ? [] : ["http://127.0.0.1:1/v2/index.php"];
  test(`${name} ESM: import from the installed tarball`, async () => {
    writeFileSync(join(scratch(), `${name}-esm.mjs`), `${program(`${name}-esm`, { refusedBy, moved: true })}console.log(await main());\n`);
    await expectPurged(`${name}-esm`, run(node, [`${name}-esm.mjs`]).stdout, { refusedBy: refusedBy.map(() => "fetch failed (bad port)"), moved: true });
  });

  test(`${name} CommonJS: require from the installed tarball`, async () => {
    writeFileSync(join(scratch(), `${name}-cjs.cjs`), `${program(`${name}-cjs`, { esm: false })}main().then(console.log);\n`);
    await expectPurged(`${name}-cjs`, run(node, [`${name}-cjs.cjs`]).stdout);
  });
}

// Node's permission model (`--permission`), which restricts the network too from Node 25: a
// deploy script run without `--allow-net` is refused before anything is sent, and would be
// refused again, so the call fails at its first attempt (a message that says "attempts" was
// retried), every dir pending, the message naming the flag.
test("node26 --permission: without --allow-net a purge fails at once, pending, naming the flag; with it, it purges", async () => {
  writeFileSync(join(scratch(), "node26-permission.mjs"), outcomeProgram({ endpoint: ctx.emu.endpoint, retryBaseMs: 10 }));
  const purge = (flags, tag) => JSON.parse(run(nodeOf("26"), ["--permission", `--allow-fs-read=${scratch()}`, ...flags, "node26-permission.mjs", JSON.stringify([{}, dirs(tag, 3)])]).stdout);
  const denied = purge([], "node26-denied");
  assert.deepEqual({ ...denied, message: undefined }, { kind: "network", message: undefined, pending: dirs("node26-denied", 3), maybeSubmitted: [] });
  assert.match(denied.message, /^batch 1 of 1: the request did not complete: fetch failed \(.*ERR_ACCESS_DENIED.*Use --allow-net[^)]*\)$/);
  assert.deepEqual(purge(["--allow-net"], "node26-allowed"), { code: 0, dirs: 3 });
  assert.deepEqual(await recorded("node26-allowed"), dirs("node26-allowed", 3));
});

// The newest Deno, and the oldest the README claims: the entry must parse and load in both.
// Deno's users write TypeScript, which `deno test` and `--check` type-check against the
// package's types: the newest runs the program as a .ts file, checked.
const denoOldest = join(root, "tools", "deno-oldest", "node_modules", "@deno", "linux-x64-glibc", "deno");
for (const [name, deno, file] of [["deno", bin("deno"), "deno.ts"], ["deno-2.0", denoOldest, "deno-2.0.mjs"]]) {
  test(`${name}: the package from node_modules, with no permission but the emulator's address (and the refused one)`, async () => {
    // Deno refuses an address not allowed, and the newest a bad port, before anything is
    // sent, and would refuse a retry alike: each fails at once, pending (a retry would wait up
    // to 10 s).
    const denied = `127.0.0.1:${await freePort()}`;
    const badPort = name === "deno" ? [["http://127.0.0.1:1/v2/index.php", "Fetch failed: Requests to port 1 are blocked"]] : [];
    const refusals = [...badPort, [`http://${denied}/v2/index.php`, `Requires net access to "${denied}", run again with the --allow-net flag`]];
    const refusedBy = refusals.map(([url]) => url);
    writeFileSync(join(scratch(), file), `${program(name, { refusedBy, moved: true })}console.log(await main());\n`);
    const host = new URL(ctx.emu.url).host;
    const r = run(deno, ["run", "--check", "--no-prompt", `--allow-net=${host},${refused},127.0.0.1:1`, file], {
      env: denoEnv(join(scratch(), `.${name}`)),
    });
    await expectPurged(name, r.stdout, { refusedBy: refusals.map(([, message]) => message), moved: true });
  });
}

// Deno behind a CI runner's proxy: it reads HTTP_PROXY and HTTPS_PROXY itself, tunnels https
// (CONNECT) and hands the proxy a plain-http request (the emulator's) whole to forward. A proxy
// that asks for credentials fails the call with its words, the directories pending. Spawned,
// not spawnSync: the proxy answers from this process.
test("deno behind a proxy: HTTP_PROXY and HTTPS_PROXY, which Deno reads itself, carry the purge; a 407 from it, tunnelling or forwarding, leaves the dirs pending", async () => {
  const proxy = await startProxy();
  try {
    writeFileSync(join(scratch(), "deno-proxy.mjs"), outcomeProgram({ retries: 0 }));
    const api = new URL(ctx.emu.endpoint).host;
    const purge = async (config, tag) => {
      proxy.seen.length = 0;
      const { code, out } = await spawnOutput(bin("deno"), ["run", "--no-prompt", `--allow-net=${api},cdn.tencentcloudapi.com`, "deno-proxy.mjs", JSON.stringify([config, dirs(tag, 3)])], {
        cwd: scratch(),
        env: denoEnv(join(scratch(), ".deno"), { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }),
      });
      assert.equal(code, 0, out);
      return JSON.parse(out);
    };
    assert.deepEqual(await purge({ endpoint: ctx.emu.endpoint }, "deno-proxied"), { code: 0, dirs: 3 });
    assert.deepEqual(proxy.seen, [`POST ${api}`], "forwarded by the proxy");
    assert.deepEqual(await recorded("deno-proxied"), dirs("deno-proxied", 3));
    // retryMaybePurged: false sends through the library's own Deno client, which reads them too.
    assert.deepEqual(await purge({ endpoint: ctx.emu.endpoint, retryMaybePurged: false }, "deno-proxied-once"), { code: 0, dirs: 3 });
    assert.deepEqual(proxy.seen, [`POST ${api}`], "forwarded by the proxy");
    assert.deepEqual(await recorded("deno-proxied-once"), dirs("deno-proxied-once", 3));

    proxy.refuse = true;
    const refused = await purge({ api: "v3" }, "deno-proxy-407");
    assert.deepEqual(proxy.seen, ["CONNECT cdn.tencentcloudapi.com:443"], "a tunnel asked for, once");
    assert.equal(refused.kind, "network");
    assert.match(refused.message, /proxy authentication required/);
    assert.deepEqual([refused.pending, refused.maybeSubmitted], [dirs("deno-proxy-407", 3), []], "nothing reached the API: pending, not maybe purged");

    // A plain-http request handed to the proxy whole: Deno returns its 407 as the reply.
    const forwarded = await purge({ endpoint: ctx.emu.endpoint }, "deno-proxy-407-http");
    assert.deepEqual(proxy.seen, [`POST ${api}`], "handed to the proxy, once");
    assert.equal(forwarded.kind, "http");
    assert.match(forwarded.message, /^batch 1 of 1: HTTP 407 from a proxy, which asks for credentials, with an empty body$/, "the proxy's answer, not the API endpoint's");
    assert.deepEqual([forwarded.pending, forwarded.maybeSubmitted], [dirs("deno-proxy-407-http", 3), []], "nothing reached the API: pending, not maybe purged");
    assert.deepEqual(await recorded("deno-proxy-407-http"), []);
  } finally {
    await proxy.close();
  }
});

// A request whose keep-alive connection closes after the API read it, with no reply (the
// emulator's drop-after fault), with retryMaybePurged: false, which must purge a batch at most
// once. The newest Deno's fetch sends such a request again by itself on a new connection, before
// the library sees anything: given that fetch as config.fetch, API 3.0, which has no nonce to
// refuse a replay by, purges the batch twice, and the library, answered by the second copy,
// reports one attempt; API 2.0 refuses the copy as a replay of its nonce (4500), which the
// library then takes for a batch that may have been purged, and does not send again. Without
// config.fetch, the library sends through a Deno client that keeps no idle connection, which is
// not resent, as a config.fetch through such a client is not. Deno 2.0 did not resend, nor does
// Bun.
test("deno: a reused connection dropped after the request is resent by the newest Deno's fetch itself (not by Deno 2.0 or Bun), but not with retryMaybePurged: false and no config.fetch", async () => {
  writeFileSync(
    join(scratch(), "deno-resend.mjs"),
    `import { refreshCdnDir } from "qcloud-cdn-refresh";
const [tag, how, v2] = JSON.parse(globalThis.Deno ? Deno.args[0] : process.argv[2]);
const client = how === "unpooled" ? Deno.createHttpClient({ poolMaxIdlePerHost: 0 }) : undefined;
const config = {
  api: v2 ? "v2" : "v3",
  secretId: ${JSON.stringify(ACCOUNT.secretId)},
  secretKey: ${JSON.stringify(ACCOUNT.secretKey)},
  endpoint: v2 ? ${JSON.stringify(ctx.emu.endpoint)} : ${JSON.stringify(`${ctx.emu.url}/`)},
  retryMaybePurged: false,
  ...(how === "fetch" && { fetch: (url, init) => fetch(url, init) }),
  ...(client && { fetch: (url, init) => fetch(url, { ...init, client }) }),
};
await refreshCdnDir(config, [\`https://www.test.com/\${tag}-warm/\`]);
const out = await refreshCdnDir(config, [\`https://www.test.com/\${tag}/\`]).then(
  (r) => ({ attempts: r.batches.map((b) => b.attempts) }),
  (e) => ({ kind: e.kind, maybeSubmitted: e.maybeSubmitted, pending: e.pending }),
);
console.log(JSON.stringify(out));
`,
  );
  const host = new URL(ctx.emu.url).host;
  const deno = (path) => (args) => [path, ["run", "--no-prompt", `--allow-net=${host}`, "deno-resend.mjs", args]];
  const runtimes = {
    deno: deno(bin("deno")),
    "deno-2.0": deno(denoOldest),
    bun: (args) => [bin("bun"), ["deno-resend.mjs", args]],
  };
  const maybe = (tag, kind = "network") => ({ kind, maybeSubmitted: [`https://www.test.com/${tag}/`], pending: [] });
  // [runtime, config.fetch (none, the runtime's own, or one through an unpooled client), API 2.0,
  // the outcome, how often the emulator purged the batch]
  for (const [name, how, v2, want, times] of [
    ["deno", "fetch", false, { attempts: [1] }, 2],
    ["deno", "fetch", true, maybe("resend-deno-v2-fetch", "api"), 1],
    ["deno", "none", false, maybe("resend-deno-none"), 1],
    ["deno", "none", true, maybe("resend-deno-v2-none"), 1],
    ["deno", "unpooled", false, maybe("resend-deno-unpooled"), 1],
    ["deno-2.0", "none", false, maybe("resend-deno-2.0-none"), 1],
    ["bun", "none", false, maybe("resend-bun-none"), 1],
  ]) {
    const tag = `resend-${name}${v2 ? "-v2" : ""}-${how}`;
    // The warm-up call passes; the next request of the account is read, purged and dropped.
    await ctx.emu.fault({ fault: "drop-after", skip: 1, secretId: ACCOUNT.secretId });
    try {
      const r = run(...runtimes[name](JSON.stringify([tag, how, v2])), { env: denoEnv(join(scratch(), `.${name}`)) });
      assert.deepEqual(JSON.parse(r.stdout), want, tag);
      const dir = `https://www.test.com/${tag}/`;
      const purged = await until(`${tag} purged`, async () => {
        const log = await recorded(tag);
        return log.length >= times && log;
      });
      assert.deepEqual(purged, Array(times).fill(dir));
    } finally {
      await ctx.emu.clearFaults();
    }
  }
});

// The test runners users test their code in (tools/test-runners), each running the program
// from a test file; its output goes to a file, apart from the runner's own. Jest's jsdom
// environment resolves `require` to node.cjs (Jest's conditions hold "node") but runs it with
// jsdom's globals, which have no TextDecoder, TextEncoder or fetch; the environment here adds
// Node's fetch alone, as users' Jest setups do, and nothing else. Jest in its ES-module mode
// (node --experimental-vm-modules, as Jest documents for `import` in tests) imports node.mjs.
// Jest's edge-runtime environment (@edge-runtime/jest-environment, as Next.js projects test
// Edge routes) resolves the package through its "edge-light" condition, to edge.js, an ES
// module whose `.wasm?module` import only a bundler reads; its file runs in a project of its
// own, edge/, whose config is the README's recipe as written (mapped to what Node resolves,
// it loads node.cjs), so that the other files still resolve through the package's exports.
// Vitest imports node.mjs in its node, jsdom, happy-dom and edge-runtime environments.
const runners = join(root, "tools", "test-runners", "node_modules");
// A test file that runs the program and writes its output to `out`: `head` (the runner's
// docblock, imports) first, then the program as an ES module or CommonJS. In an edge-runtime
// environment's file, the test first checks that it runs with the Edge Runtime's globals.
const testFile = (head, tag, out, esm = true) =>
  `${head}${esm ? 'import { writeFileSync } from "node:fs";' : 'const { writeFileSync } = require("node:fs");'}
${program(tag, { esm })}test("purges", async () => { ${tag.endsWith("edge-runtime") ? 'if (typeof EdgeRuntime !== "string") throw new Error("not in the Edge Runtime"); ' : ""}writeFileSync(${JSON.stringify(out)}, await main()); });
`;
const testRunners = {
  jest: {
    // The edge-runtime file's environment is its project's config's, not a docblock's;
    // node-esm's file is an ES module, which Jest runs with Node's --experimental-vm-modules.
    envs: { node: "node", jsdom: "./jsdom-with-fetch.cjs", "edge-runtime": null, "node-esm": "node" },
    dirOf: (env) => (env === "edge-runtime" ? "edge" : ""),
    file: (tag, env, out) => testFile(env ? `/** @jest-environment ${env} */\n` : "", tag, out, tag.endsWith("node-esm")),
    setup: (dir) => {
      writeFileSync(
        join(dir, "jsdom-with-fetch.cjs"),
        `const JSDOMEnvironment = require(${JSON.stringify(join(runners, "jest-environment-jsdom"))}).default;
module.exports = class extends JSDOMEnvironment {
  constructor(...args) {
    super(...args);
    this.global.fetch = fetch;
  }
};
`,
      );
      // The environment installed in the project, as a user's is, for the config to name.
      mkdirSync(join(dir, "node_modules", "@edge-runtime"), { recursive: true });
      symlinkSync(join(runners, "@edge-runtime", "jest-environment"), join(dir, "node_modules", "@edge-runtime", "jest-environment"));
      mkdirSync(join(dir, "edge"));
      writeFileSync(join(dir, "edge", "jest.config.cjs"), readmeBlock("jest-edge-runtime"));
      writeFileSync(
        join(dir, "jest.config.cjs"),
        `module.exports = { projects: [{ rootDir: __dirname, testMatch: ["<rootDir>/*.test.?(c|m)js"], transform: {} }, "<rootDir>/edge"] };\n`,
      );
    },
    args: (dir) => ["--experimental-vm-modules", join(runners, "jest", "bin", "jest.js"), "--config", join(dir, "jest.config.cjs"), "--ci", "--no-cache"],
    name: (env) => (env === "node-esm" ? "test.mjs" : "test.cjs"),
  },
  vitest: {
    // edge-runtime: Vercel's Edge Runtime's globals (@edge-runtime/vm), as Edge routes are tested.
    envs: { node: "node", jsdom: "jsdom", "happy-dom": "happy-dom", "edge-runtime": "edge-runtime" },
    file: (tag, env, out) => testFile(`// @vitest-environment ${env}\nimport { test } from "vitest";\n`, tag, out),
    // Vitest loads an environment's package from the project, as a user's has it installed.
    setup: (dir) => {
      mkdirSync(join(dir, "node_modules"));
      for (const name of ["vitest", "jsdom", "happy-dom"]) symlinkSync(join(runners, name), join(dir, "node_modules", name));
    },
    args: (dir) => [join(runners, "vitest", "vitest.mjs"), "run", "--root", dir],
    name: () => "test.mjs",
  },
};
for (const [runner, { envs, dirOf = () => "", file, setup, args, name }] of Object.entries(testRunners)) {
  test(`${runner} (${Object.keys(envs).join(", ")} environments): the installed tarball in a test file`, async () => {
    const dir = join(scratch(), runner);
    mkdirSync(dir);
    setup(dir);
    const tags = Object.keys(envs).map((env) => [env, `${runner}-${env}`]);
    for (const [env, tag] of tags) writeFileSync(join(dir, dirOf(env), `${tag}.${name(env)}`), file(tag, envs[env], join(dir, `${tag}.json`)));
    run(process.execPath, args(dir), { cwd: dir, timeout: 120000, env: { ...process.env, CI: "1", NO_COLOR: "1" } });
    for (const [, tag] of tags) await expectPurged(tag, readFileSync(join(dir, `${tag}.json`), "utf8"));
  });
}

// A Cloudflare Worker that runs the program on /run.
const cloudflareWorker = (tag) =>
  `${program(tag, { init: false, moved: true })}export default { async fetch(req) { return new Response(new URL(req.url).pathname === "/run" ? await main() : "ready"); } };\n`;

// How each bundler resolves the package for a Worker: the workerd/worker conditions, .wasm
// imports left to the runtime. esbuild as wrangler runs it, and with the conditions wrangler
// had before "workerd" (2023), which hand-written Workers build scripts still pass; Rollup
// (which Vite builds with) and webpack drop a module's top-level code when package.json says it
// has no side effects and only the names it re-exports are used: the entry that instantiates
// the .wasm must not be declared so.
const esbuildWorker = (conditions) => [bin("esbuild"), ["--log-level=warning", "src.js", "--bundle", "--format=esm", `--conditions=${conditions}`, "--external:*.wasm", "--outfile=worker.js"]];
const workerBundlers = {
  esbuild: esbuildWorker("workerd,worker,browser"),
  "esbuild-worker-browser": esbuildWorker("worker,browser"),
  rollup: [bin("rollup"), ["--silent", "--config", "rollup.config.mjs"]], // warnings throw (onwarn)
  webpack: [process.execPath, ["webpack.mjs", "worker"]],
  rspack: [process.execPath, ["rspack.mjs", "worker"]],
};
// webpack, or Rspack (webpack's API and configuration, in Rust; ByteDance's, common with
// Tencent Cloud's users), by its Node API: `node webpack.mjs worker|web|webworker` builds src.js
// into worker.js (an ES module for workerd, the .wasm import left to it), web.js (a page's
// script) or webworker.js (a page's Web Worker, by webpack's own conditions for it), the last
// two with the .wasm emitted beside them; errors and warnings fail it.
const packers = {
  webpack: `import webpack from ${JSON.stringify(join(root, "tools", "node_modules", "webpack", "lib", "index.js"))};`,
  rspack: `import { rspack as webpack } from ${JSON.stringify(join(root, "tools", "node_modules", "@rspack", "core", "dist", "index.js"))};`,
};
const packRunner = (packer) => `${packers[packer]}
const worker = process.argv[2] === "worker";
const config = {
  mode: "production",
  entry: "./src.js",
  output: { path: process.cwd(), filename: worker ? "worker.js" : \`\${process.argv[2]}.js\`, ...(worker && { module: true, library: { type: "module" } }) },
  target: process.argv[2] === "web" ? "web" : "webworker",
  ...(worker && {
    experiments: { outputModule: true },
    resolve: { conditionNames: ["workerd", "worker", "browser", "import"] },
    externals: { "./qcloud_cdn_refresh_bg.wasm": "module ./qcloud_cdn_refresh_bg.wasm" },
    externalsType: "module",
  }),
};
webpack(config, (err, stats) => {
  if (err || stats.hasErrors() || stats.hasWarnings()) {
    console.error(err ?? stats.toString("errors-warnings"));
    process.exitCode = 1;
  }
});
`;
const rollupConfig = `import { nodeResolve } from ${JSON.stringify(join(root, "tools", "node_modules", "@rollup", "plugin-node-resolve", "dist", "es", "index.js"))};
export default {
  input: "src.js",
  output: { file: "worker.js", format: "es" },
  plugins: [
    nodeResolve({ exportConditions: ["workerd", "worker", "browser"] }),
    // The .wasm is imported from beside the worker, as workerd's config names it.
    { resolveId: (id) => (id.endsWith(".wasm") ? { id: "./qcloud_cdn_refresh_bg.wasm", external: true } : null) },
  ],
  onwarn(warning) {
    throw new Error(warning.message);
  },
};
`;

for (const [bundler, [tool, args]] of Object.entries(workerBundlers)) {
  test(`Cloudflare Workers: a worker bundled by ${bundler}, run in workerd`, async () => {
    const dir = join(scratch(), `worker-${bundler}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "src.js"), cloudflareWorker(`workerd-${bundler}`));
    writeFileSync(join(dir, "rollup.config.mjs"), rollupConfig);
    for (const packer of Object.keys(packers)) writeFileSync(join(dir, `${packer}.mjs`), packRunner(packer));
    const b = run(tool, args, { cwd: dir });
    assert.equal(b.stderr.trim(), "", "no bundler warnings");
    // Whole-line comments dropped: Rollup keeps the package's, which name what is not used.
    const code = readFileSync(join(dir, "worker.js"), "utf8").replace(/^\s*\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\beval\(|new Function\(|\bBuffer\b|node:fs|\brequire\(/, "no fs, no Buffer, no code generation");
    copyFileSync(join(pkgDir(), "qcloud_cdn_refresh_bg.wasm"), join(dir, "qcloud_cdn_refresh_bg.wasm"));
    const workerd = await startWorkerd(dir, { wasm: ["qcloud_cdn_refresh_bg.wasm"] });
    try {
      const res = await fetch(`${workerd.url}/run`);
      await expectPurged(`workerd-${bundler}`, await res.text(), { said: false, moved: true });
    } finally {
      await workerd.stop();
    }
  });
}

// A dev server, `node script ...args(port)`, started in its own process group on a free loopback
// port, once it answers as `ready` says (any 2xx by default); `stop()` ends the group. `env`
// may be a function of the port too.
async function startServer(what, script, args, { cwd, env = process.env, ready = (r) => r.ok, ms = 60000, node = process.execPath }) {
  const port = await freePort();
  const child = spawn(node, [script, ...args(String(port))], { cwd, env: typeof env === "function" ? env(String(port)) : env, stdio: "ignore", detached: true });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), process.kill(-child.pid))));
  try {
    await until(what, () => child.exitCode !== null || fetch(url).then(ready, () => false), ms);
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
const viteDevArgs = (port) => ["--port", port, "--strictPort", "--host", "127.0.0.1"];

// Cloudflare's Vite plugin, as Cloudflare's templates build Workers (tools/cloudflare-vite, with
// its own Vite, wrangler and workerd): `vite build`, whose output is run in workerd as wrangler
// would deploy it, and `vite dev`, which runs the Worker in the plugin's own workerd.
const cloudflareVite = join(root, "tools", "cloudflare-vite", "node_modules");
// A Worker project as wrangler and Cloudflare's Vite plugin read it.
function workerProject(tag) {
  const dir = join(scratch(), tag);
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "src", "index.js"), cloudflareWorker(tag));
  writeFileSync(join(dir, "wrangler.json"), JSON.stringify({ name: tag, main: "src/index.js", compatibility_date: "2025-09-01" }));
  return dir;
}
function cloudflareViteApp(tag) {
  const dir = workerProject(tag);
  // The plugin where a project has it, so that Vite leaves it out of the config it bundles.
  mkdirSync(join(dir, "node_modules", "@cloudflare"), { recursive: true });
  symlinkSync(join(cloudflareVite, "@cloudflare", "vite-plugin"), join(dir, "node_modules", "@cloudflare", "vite-plugin"));
  writeFileSync(join(dir, "vite.config.js"), 'import { cloudflare } from "@cloudflare/vite-plugin";\nexport default { plugins: [cloudflare()], logLevel: "warn" };\n');
  return dir;
}
// Metrics off, and wrangler's debug logs and global state (a login, the dev registry) in this
// file's temporary directory, not the user's ~/.config/.wrangler (which kept 30 days of logs).
const cloudflareEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_SEND_METRICS: "false", XDG_CONFIG_HOME: join(tools, "config") };
// wrangler (tools/cloudflare-vite's), which needs Node 22 or later: a build, and its dev server
// for the Worker in `cwd` (`args` before its own flags; `ready` as startServer's).
const wrangler = join(cloudflareVite, "wrangler", "bin", "wrangler.js");
const runWrangler = (args, cwd) => run(nodeOf("24"), [wrangler, ...args], { cwd, env: cloudflareEnv });
const startWranglerDev = (what, cwd, args = [], ready) =>
  startServer(what, wrangler, (port) => ["dev", ...args, "--port", port, "--ip", "127.0.0.1", "--inspector-port", "0"], { cwd, env: cloudflareEnv, node: nodeOf("24"), ready });
// The Worker a build wrote to `out` (index.js, and the .wasm at `wasm` inside it): the .wasm
// imported as a module, as workerd.js does, and the Worker purging in workerd.
async function expectBuiltWorkerPurged(tag, out, wasm) {
  assert.match(readFileSync(join(out, "index.js"), "utf8"), new RegExp(`from "\\./${wasm.replaceAll(".", "\\.")}"`), "imported as a module, as workerd.js does");
  const workerd = await startWorkerd(out, { main: "index.js", wasm: [wasm] });
  try {
    await expectPurged(tag, await (await fetch(`${workerd.url}/run`)).text(), { said: false, moved: true });
  } finally {
    await workerd.stop();
  }
}
// A server's program purging at /run; the server stopped after. `said`: as expectPurged's (a
// Worker's runtime does not say).
async function expectServedPurged(tag, server, said = false) {
  try {
    await expectPurged(tag, await (await fetch(`${server.url}/run`)).text(), { said, moved: true });
  } finally {
    await server.stop();
  }
}

test("Cloudflare Workers: a Worker built by Cloudflare's Vite plugin, run in workerd, and in the plugin's dev server", async (t) => {
  const vite = join(cloudflareVite, "vite", "bin", "vite.js");
  await t.test("vite build", async () => {
    const tag = "cloudflare-vite-build";
    const dir = cloudflareViteApp(tag);
    const b = run(process.execPath, [vite, "build"], { cwd: dir, env: cloudflareEnv });
    assert.equal(b.stderr.trim(), "", "no bundler warnings");
    const [environment] = readdirSync(join(dir, "dist")); // the Worker's, named after it
    const out = join(dir, "dist", environment);
    const assets = readdirSync(join(out, "assets")).filter((f) => f.endsWith(".wasm"));
    assert.equal(assets.length, 1, "the .wasm emitted as a module of the Worker");
    await expectBuiltWorkerPurged(tag, out, `assets/${assets[0]}`);
  });
  await t.test("vite dev", async () => {
    const tag = "cloudflare-vite-dev";
    await expectServedPurged(tag, await startServer("vite dev with Cloudflare's plugin", vite, viteDevArgs, { cwd: cloudflareViteApp(tag), env: cloudflareEnv }));
  });
});

// wrangler itself, the way most Workers are built and run: `wrangler deploy --dry-run` writes
// the bundle it would upload, run here in workerd, and `wrangler dev` runs the Worker in its own
// workerd.
test("Cloudflare Workers: a Worker built by wrangler deploy --dry-run, run in workerd, and in wrangler dev", async (t) => {
  await t.test("wrangler deploy --dry-run", async () => {
    const tag = "wrangler-build";
    const dir = workerProject(tag);
    runWrangler(["deploy", "--dry-run", "--outdir", "dist"], dir);
    const assets = readdirSync(join(dir, "dist")).filter((f) => f.endsWith(".wasm"));
    assert.equal(assets.length, 1, "the .wasm uploaded as a module of the Worker");
    await expectBuiltWorkerPurged(tag, join(dir, "dist"), assets[0]);
  });
  await t.test("wrangler dev", async () => {
    const tag = "wrangler-dev";
    await expectServedPurged(tag, await startWranglerDev("wrangler dev", workerProject(tag)));
  });
});

// Nitro 2 (tools/nitro), the server engine of Nuxt, whose server/api routes are Nitro routes: a
// route built by the node-server preset, which takes the `node` condition (node.mjs, the .wasm
// inside) and needs nothing, run by Node; and by the cloudflare-module preset, which fails to
// build without Nitro's WebAssembly support (Rollup cannot read the .wasm that workerd.js
// imports) and with it (`experimental: { wasm: true }`, as the README says) is run by wrangler
// dev, as Nitro's own preview command does.
test("Nitro (Nuxt's server engine): a route built for Node as is, and for Cloudflare Workers with experimental.wasm", async (t) => {
  const nitro = join(root, "tools", "nitro", "node_modules", "nitropack", "dist", "cli", "index.mjs");
  const project = (tag, config) => {
    const dir = join(scratch(), tag);
    mkdirSync(join(dir, "routes"), { recursive: true });
    writeFileSync(join(dir, "routes", "run.js"), `${program(tag, { init: false, moved: true })}export default defineEventHandler(() => main());\n`);
    writeFileSync(join(dir, "nitro.config.js"), `export default ${JSON.stringify({ compatibilityDate: "2025-09-01", ...config })};\n`);
    return dir;
  };
  const nitroBuild = (dir) => spawnSync(process.execPath, [nitro, "build"], { cwd: dir, encoding: "utf8", timeout: 120000, env: { ...process.env, NITRO_PRESET: "" } });
  const build = (tag, config) => {
    const dir = project(tag, config);
    const r = nitroBuild(dir);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    return join(dir, ".output");
  };
  const ready = () => true; // nothing is served at /
  await t.test("node-server", async () => {
    const tag = "nitro-node";
    const out = build(tag, { preset: "node-server" });
    const env = (port) => ({ ...process.env, NITRO_PORT: port, NITRO_HOST: "127.0.0.1" });
    await expectServedPurged(tag, await startServer("Nitro's Node server", join(out, "server", "index.mjs"), () => [], { cwd: out, env, ready }), true);
  });
  await t.test("cloudflare-module without experimental.wasm fails to build", () => {
    const r = nitroBuild(project("nitro-cloudflare-no-wasm", { preset: "cloudflare-module" }));
    assert.notEqual(r.status, 0);
    assert.match(`${r.stdout}${r.stderr}`, /qcloud_cdn_refresh_bg\.wasm \(1:0\): Unexpected character .*you need plugins to import files that are not JavaScript/);
  });
  await t.test("cloudflare-module", async () => {
    const tag = "nitro-cloudflare";
    const out = build(tag, { preset: "cloudflare-module", experimental: { wasm: true } });
    const args = ["server/index.mjs", "--assets", "public", "--compatibility-date", "2025-09-01"];
    await expectServedPurged(tag, await startWranglerDev("wrangler dev of Nitro's Worker", out, args, ready));
  });
});

test("esbuild bundles for Node: ESM, ESM source to CommonJS and require() bundles carry the .wasm", async () => {
  const dir = join(scratch(), "node-bundle");
  mkdirSync(dir);
  writeFileSync(join(dir, "esm.mjs"), `${program("bundle-esm")}console.log(await main());\n`);
  writeFileSync(join(dir, "cjs.cjs"), `${program("bundle-cjs", { esm: false })}main().then(console.log);\n`);
  // `import` in the source, CommonJS out (as TypeScript projects bundle for Lambda): node.mjs
  // becomes CommonJS, where import.meta is empty.
  writeFileSync(join(dir, "esm-to-cjs.mjs"), `${program("bundle-esm-to-cjs")}main().then(console.log);\n`);
  const builds = [["esm.mjs", "esm", "esm/out.mjs"], ["esm-to-cjs.mjs", "cjs", "esm/esm-to.cjs"], ["cjs.cjs", "cjs", "cjs/out.cjs"]];
  for (const [src, format, out] of builds) {
    const b = run(bin("esbuild"), ["--log-level=warning", `node-bundle/${src}`, "--bundle", "--platform=node", `--format=${format}`, `--outfile=node-bundle/${out}`]);
    assert.equal(b.stderr.trim(), "", `no bundler warnings for ${src} as ${format}`);
  }
  // node.mjs and node.cjs carry the .wasm inside, so their bundles need nothing beside them (a
  // Lambda zip, a single-executable application).
  assert.deepEqual(readdirSync(join(dir, "esm")).sort(), ["esm-to.cjs", "out.mjs"]);
  assert.deepEqual(readdirSync(join(dir, "cjs")), ["out.cjs"]);
  await expectPurged("bundle-esm", run(process.execPath, ["node-bundle/esm/out.mjs"]).stdout);
  await expectPurged("bundle-esm-to-cjs", run(process.execPath, ["node-bundle/esm/esm-to.cjs"]).stdout);
  await expectPurged("bundle-cjs", run(process.execPath, ["node-bundle/cjs/out.cjs"]).stdout);
});

// A Node single-executable application (nodejs.org/api/single-executable-applications.html): one
// CommonJS script, the esbuild bundle of require() code, injected into a copy of the node binary
// with postject; it runs from a directory that holds nothing else.
test("a Node single-executable application of a require() bundle", async () => {
  const dir = join(scratch(), "sea");
  mkdirSync(join(dir, "app"), { recursive: true });
  writeFileSync(join(dir, "sea.cjs"), `${program("bundle-sea", { esm: false })}main().then(console.log);\n`);
  run(bin("esbuild"), ["--log-level=warning", "sea.cjs", "--bundle", "--platform=node", "--outfile=out.cjs"], { cwd: dir });
  writeFileSync(join(dir, "sea.json"), JSON.stringify({ main: "out.cjs", output: "prep.blob", disableExperimentalSEAWarning: true }));
  run(process.execPath, ["--experimental-sea-config", "sea.json"], { cwd: dir });
  const app = join(dir, "app", "app");
  copyFileSync(process.execPath, app);
  run(bin("postject"), [app, "NODE_SEA_BLOB", "prep.blob", "--sentinel-fuse", "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"], { cwd: dir });
  await expectPurged("bundle-sea", run(app, [], { cwd: join(dir, "app") }).stdout);
  rmSync(app); // a copy of node: 100 MB
});

// Bun's single-file executable (`bun build --compile`), which deploy tools ship as one binary:
// the program and the package inside, run from a directory that holds nothing else.
test("a Bun single-file executable", async () => {
  const dir = join(scratch(), "bun-compile");
  mkdirSync(join(dir, "app"), { recursive: true });
  writeFileSync(join(scratch(), "bun-compile.mjs"), `${program("bun-compile")}console.log(await main());\n`);
  const app = join(dir, "app", "app");
  run(bin("bun"), ["build", "--compile", "bun-compile.mjs", "--outfile", app]);
  await expectPurged("bun-compile", run(app, [], { cwd: join(dir, "app") }).stdout);
  rmSync(app); // a copy of bun: 100 MB
});

// Browser pages: `app.js` reports into the page; the test reads it over WebDriver.
function page(script) {
  return `<!doctype html><meta charset="utf-8"><title>runtime test</title>${script}<pre id="out"></pre>`;
}
// `probe`: an expression awaited before the first call, reported as `probe`.
function browserApp(tag, probe = "null") {
  const endpoint = new URL("/v2/index.php", ctx.emu.url).href;
  // Before init, signRequest says what to do instead of failing obscurely; after it, it signs.
  return `${program(tag, { endpoint }).replace("await init();", "")}${failure}
const out = document.getElementById("out");
(async () => {
  let early;
  try { signRequest(config, ["https://www.test.com/early/"]); } catch (e) { early = [e instanceof CdnError, e.kind]; }
  const probe = await ${probe};
  await refreshCdnDir(config, ["https://www.test.com/${tag}-warmup/"]);
  out.textContent = JSON.stringify({ agent: navigator.userAgent, probe, early, report: JSON.parse(await main()) });
})().catch((e) => (out.textContent = JSON.stringify({ failed: String(e && e.stack || e) })));
`;
}
// In a page: the clock set an hour back for two calls, then right for a third; each call's
// batches' attempts.
const clockProbe = (tag) => `(async () => {
  const attempts = (r) => r.batches.map((b) => b.attempts);
  const real = Date.now;
  Date.now = () => real() - 3600000;
  try {
    const out = [attempts(await refreshCdnDir(config, ${JSON.stringify(dirs(tag, 21))}))];
    out.push(attempts(await refreshCdnDir(config, ${JSON.stringify(dirs(`${tag}-2`, 1))})));
    Date.now = real;
    out.push(attempts(await refreshCdnDir(config, ${JSON.stringify(dirs(`${tag}-3`, 1))})));
    return out;
  } finally {
    Date.now = real;
  }
})()`;

// In a page: what a test needs of a CdnError.
// A page's Web Worker, which bundlers resolve by their conditions for workers: the same few
// lines, reported to the page, which shows them.
function workerApp(tag) {
  const endpoint = new URL("/v2/index.php", ctx.emu.url).href;
  return `${program(tag, { endpoint })}
self.onmessage = () => main().then((report) => self.postMessage(\`{"report": \${report}}\`), (e) => self.postMessage(JSON.stringify({ failed: String((e && e.stack) || e) })));
`;
}
const startWorker = (url, options = "") =>
  `const worker = new Worker(${url}${options});
worker.onmessage = (e) => (document.getElementById("out").textContent = e.data);
worker.postMessage("go");
`;
const failure = "const failure = (e) => [e instanceof CdnError, e.kind, e.message, e.pending];";

// A page whose one call fails before anything is purged (a Content-Security-Policy that refuses
// WebAssembly, an endpoint that redirects or answers with a page that does not end, a browser
// without WebAssembly): what the call says, and `extra` of its error; `options` are the
// config's further keys, as text.
const failingApp = (tag, extra = "", options = "") => `import { refreshCdnDir, CdnError } from "qcloud-cdn-refresh";
${failure}
refreshCdnDir({ secretId: ${JSON.stringify(ACCOUNT.secretId)}, secretKey: ${JSON.stringify(ACCOUNT.secretKey)}, endpoint: ${JSON.stringify(new URL("/v2/index.php", ctx.emu.url).href)}${options} }, ["https://www.test.com/${tag}/"]).then(
  () => (document.getElementById("out").textContent = JSON.stringify({ failed: "purged" })),
  (e) => (document.getElementById("out").textContent = JSON.stringify({ report: [...failure(e)${extra}] })),
);
`;
const csp = (policy) => `<meta http-equiv="Content-Security-Policy" content="${policy}">`;

// The same two pages in each browser engine, each purging its own directories; the bundle's
// page under a strict Content-Security-Policy that allows only WebAssembly beyond 'self', as
// an admin dashboard's may be; then pages whose call fails: a policy that refuses WebAssembly,
// an endpoint that redirects, and the browser started again with WebAssembly off; and one whose
// reused connection drops after the request, which the browser sends again itself.
for (const engine of ["firefox", "chromium"]) {
  test(`browsers: a plain page with an import map, and an esbuild browser bundle, in ${engine}`, async (t) => {
    const web = join(scratch(), "web", engine);
    const importMapPage = page(`<script type="importmap">{"imports": {"qcloud-cdn-refresh": "/pkg/browser.js"}}</script><script type="module" src="app.js"></script>`);
    mkdirSync(join(web, "plain"), { recursive: true });
    writeFileSync(join(web, "plain", "index.html"), importMapPage);
    writeFileSync(join(web, "plain", "app.js"), browserApp(`${engine}-plain`, clockProbe(`${engine}-clock`)));
    mkdirSync(join(web, "bundled"));
    writeFileSync(join(web, "bundled", "index.html"), page(`${csp("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'")}<script type="module" src="app.js"></script>`));
    writeFileSync(join(scratch(), `${engine}-src.js`), browserApp(`${engine}-bundle`));
    const b = run(bin("esbuild"), ["--log-level=warning", `${engine}-src.js`, "--bundle", "--format=esm", "--platform=browser", "--minify", `--outfile=web/${engine}/bundled/app.js`]);
    assert.equal(b.stderr.trim(), "", "no bundler warnings");
    copyFileSync(join(pkgDir(), "qcloud_cdn_refresh_bg.wasm"), join(web, "bundled", "qcloud_cdn_refresh_bg.wasm"));
    mkdirSync(join(web, "csp"));
    writeFileSync(join(web, "csp", "index.html"), page(`${csp("script-src 'self'")}<script type="module" src="app.js"></script>`));
    writeFileSync(join(scratch(), `${engine}-csp.js`), failingApp("csp"));
    const c = run(bin("esbuild"), ["--log-level=warning", `${engine}-csp.js`, "--bundle", "--format=esm", "--platform=browser", `--outfile=web/${engine}/csp/app.js`]);
    assert.equal(c.stderr.trim(), "", "no bundler warnings");
    copyFileSync(join(pkgDir(), "qcloud_cdn_refresh_bg.wasm"), join(web, "csp", "qcloud_cdn_refresh_bg.wasm"));
    mkdirSync(join(web, "redirect"));
    writeFileSync(join(web, "redirect", "index.html"), importMapPage);
    writeFileSync(join(web, "redirect", "app.js"), failingApp(`${engine}-redirect`, ", e.status"));
    mkdirSync(join(web, "endless"));
    writeFileSync(join(web, "endless", "index.html"), importMapPage);
    writeFileSync(join(web, "endless", "app.js"), failingApp(`${engine}-endless`, ", e.maybeSubmitted", ", timeoutMs: 5000"));
    mkdirSync(join(web, "nowasm"));
    writeFileSync(join(web, "nowasm", "index.html"), importMapPage);
    writeFileSync(join(web, "nowasm", "app.js"), failingApp(`${engine}-nowasm`));
    mkdirSync(join(web, "resend"));
    writeFileSync(join(web, "resend", "index.html"), importMapPage);
    writeFileSync(
      join(web, "resend", "app.js"),
      `import { refreshCdnDir } from "qcloud-cdn-refresh";
const config = { api: "v3", secretId: ${JSON.stringify(ACCOUNT.secretId)}, secretKey: ${JSON.stringify(ACCOUNT.secretKey)}, endpoint: location.origin + "/", retryMaybePurged: false };
await refreshCdnDir(config, ["https://www.test.com/${engine}-resend-warm/"]);
const out = await refreshCdnDir(config, ["https://www.test.com/${engine}-resend/"]).then(
  (r) => ({ attempts: r.batches.map((b) => b.attempts) }),
  (e) => ({ kind: e.kind, maybeSubmitted: e.maybeSubmitted }),
);
document.getElementById("out").textContent = JSON.stringify({ report: out });
`,
    );

    const browser = await startBrowser(engine);
    try {
      for (const [name, tag] of [["plain", `${engine}-plain`], ["bundled", `${engine}-bundle`]]) {
        await t.test(name, async () => {
          await browser.goto(`${ctx.emu.url}/${engine}/${name}/index.html`);
          const out = await until(`the ${name} page's report`, () => browser.text("#out"), 30000);
          const { agent, early, probe, report, failed } = JSON.parse(out);
          assert.equal(failed, undefined);
          assert.match(agent, engine === "chromium" ? /Chrome\// : /Firefox\//, "the page ran in the engine named");
          assert.deepEqual(early, [true, "invalid-input"]);
          if (name === "plain") {
            // The emulator's Date, which the page may read (same origin), corrected its clock.
            assert.deepEqual(probe, [[2, 1], [1], [2]], "refused once, then right; set right, corrected back");
            for (const [clock, n] of [[`${engine}-clock`, 21], [`${engine}-clock-2`, 1], [`${engine}-clock-3`, 1]]) {
              assert.deepEqual(await recorded(clock), dirs(clock, n), "every dir recorded once");
            }
          }
          await expectPurged(tag, JSON.stringify(report), { said: false });
        });
      }
      await t.test("a Content-Security-Policy without 'wasm-unsafe-eval'", async () => {
        await browser.goto(`${ctx.emu.url}/${engine}/csp/index.html`);
        const { report, failed } = JSON.parse(await until("the csp page's report", () => browser.text("#out"), 30000));
        assert.equal(failed, undefined);
        const [isCdnError, kind, message, pending] = report;
        assert.deepEqual([isCdnError, kind, pending], [true, "network", ["https://www.test.com/csp/"]]);
        assert.match(message, /^could not load the WebAssembly module from http:\/\/\S+\/csp\/qcloud_cdn_refresh_bg\.wasm: .*(CSP|Content Security).*; allow it with script-src 'wasm-unsafe-eval' in the page's Content-Security-Policy$/i);
      });
      // The report of the page `name`, loaded while the emulator has `fault` for the account.
      const reportUnder = async (name, fault) => {
        await ctx.emu.fault({ ...fault, secretId: ACCOUNT.secretId });
        try {
          await browser.goto(`${ctx.emu.url}/${engine}/${name}/index.html`);
          const { report, failed } = JSON.parse(await until(`the ${name} page's report`, () => browser.text("#out"), 30000));
          assert.equal(failed, undefined);
          return report;
        } finally {
          await ctx.emu.clearFaults();
        }
      };
      // A page's fetch hides a redirect (an opaque redirect, status 0); it is reported, not
      // followed, and nothing is purged.
      await t.test("an endpoint that redirects", async () => {
        const [isCdnError, kind, message, pending, status] = await reportUnder("redirect", { fault: "redirect-301" });
        assert.deepEqual([isCdnError, kind, pending, status], [true, "http", [`https://www.test.com/${engine}-redirect/`], 0]);
        assert.match(message, /^batch 1 of 1: a redirect \(HTTP 0\) from the API endpoint, not followed: /);
        assert.deepEqual(await recorded(`${engine}-redirect`), [], "nothing purged");
      });
      // A page that does not end where the API's reply should be: read only as far as 64 KiB
      // (`invalid-response`; read whole, it ends in a `timeout`, or lost at the emulator's
      // 1 GiB), as in every other runtime (`program`'s `moved`).
      await t.test("an endpoint that answers with a page that does not end", async () => {
        const [isCdnError, kind, message, pending, maybe] = await reportUnder("endless", { fault: "endless-body" });
        assert.deepEqual([isCdnError, kind, pending, maybe], [true, "invalid-response", [], [`https://www.test.com/${engine}-endless/`]]);
        assert.match(message, /^batch 1 of 1: the reply \(HTTP 200\) is not the API's JSON: "<p>a page that does not end \(emulated fault\)<\/p>/);
      });
      // A browser, as the newest Deno (above), sends a request again by itself when its reused
      // keep-alive connection closes after the API read it, with no reply (drop-after, on the
      // call after a warm-up): API 3.0 purges the batch twice, retryMaybePurged: false or not,
      // and the library, answered by the copy, reports one attempt.
      await t.test("a reused connection dropped after the request: the browser sends it again itself", async () => {
        assert.deepEqual(await reportUnder("resend", { fault: "drop-after", skip: 1 }), { attempts: [1] });
        const dir = `https://www.test.com/${engine}-resend/`;
        assert.deepEqual(await recorded(`${engine}-resend`), [dir, dir], "purged twice");
      });
    } finally {
      await browser.stop();
    }
    // A browser with WebAssembly turned off, as hardened modes do: the call fails as when the
    // .wasm cannot be loaded, nothing purged.
    await t.test("a browser with WebAssembly turned off", async () => {
      const hardened = await startBrowser(engine, { noWasm: true });
      try {
        await hardened.goto(`${ctx.emu.url}/${engine}/nowasm/index.html`);
        const { report, failed } = JSON.parse(await until("the page's report", () => hardened.text("#out"), 30000));
        assert.equal(failed, undefined);
        assert.equal(await hardened.run("return typeof WebAssembly"), "undefined", "the browser had WebAssembly off");
        const [isCdnError, kind, message, pending] = report;
        assert.deepEqual([isCdnError, kind, pending], [true, "network", [`https://www.test.com/${engine}-nowasm/`]]);
        assert.match(message, /^could not load the WebAssembly module from http:\/\/\S+\/pkg\/qcloud_cdn_refresh_bg\.wasm: WebAssembly is not defined$/);
        assert.deepEqual(await recorded(`${engine}-nowasm`), [], "nothing purged");
      } finally {
        await hardened.stop();
      }
    });
  });
}

// Next.js, the most used framework for React dashboards, its production build (Turbopack) and
// its dev server: a route handler (the Node runtime, the default) purges in the server, and a
// client component's page in Chromium. The app lives in the scratch project, Next.js in
// tools/next (linked in), so Turbopack's root is set above both.
const nextBin = join(root, "tools", "next", "node_modules", "next", "dist", "bin", "next");
function nextApp(tag) {
  const dir = join(scratch(), tag);
  mkdirSync(join(dir, "app", "api", "purge"), { recursive: true });
  mkdirSync(join(dir, "app", "api", "edge"));
  mkdirSync(join(dir, "app", "client"));
  mkdirSync(join(dir, "node_modules"));
  for (const name of ["next", "react", "react-dom"]) symlinkSync(join(root, "tools", "next", "node_modules", name), join(dir, "node_modules", name));
  symlinkSync(pkgDir(), join(dir, "node_modules", "qcloud-cdn-refresh"));
  // A package.json of its own, as create-next-app writes it: without `"type": "module"`, which
  // the scratch project's has and with which `next build --webpack` fails any Edge Runtime route
  // (it looks for a route_client-reference-manifest.js it did not write; Next.js 16.4).
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: tag, private: true }));
  writeFileSync(join(dir, "next.config.mjs"), `export default ${JSON.stringify({ turbopack: { root: "/" }, allowedDevOrigins: ["127.0.0.1"] })};\n`);
  writeFileSync(join(dir, "app", "layout.js"), "export default function Layout({ children }) { return <html><body>{children}</body></html>; }\n");
  writeFileSync(join(dir, "app", "api", "purge", "route.js"), `${program(`${tag}-server`, { init: false })}export async function GET() { return new Response(await main()); }\n`);
  // The same in Vercel's Edge Runtime, which takes the `edge-light` entry.
  writeFileSync(join(dir, "app", "api", "edge", "route.js"), `${program(`${tag}-edge`, { init: false })}export const runtime = "edge";\nexport async function GET() { return new Response(await main()); }\n`);
  // The page's script, imported once however often React runs the effect (twice in dev).
  writeFileSync(join(dir, "app", "client", "app.js"), browserApp(`${tag}-client`));
  writeFileSync(
    join(dir, "app", "client", "page.js"),
    `"use client";
import { useEffect } from "react";
export default function Page() {
  useEffect(() => void import("./app.js"), []);
  return <pre id="out"></pre>;
}
`,
  );
  return dir;
}
const nextServer = (dir, command) =>
  startServer(`next ${command}`, nextBin, (port) => [command, "--port", port, "--hostname", "127.0.0.1"], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    ready: () => true, // the app has no page at /
  });

// Turbopack, Next.js 16's default, builds and serves; webpack (`--webpack`) builds, which is
// where the two bundlers part: each emits the .wasm its own way.
test("dashboards: Next.js 16, a route handler (Node and Edge Runtime) and a client component, built by Turbopack and webpack, and in the dev server", async (t) => {
  const browser = await startBrowser("chromium");
  const route = async (url) => {
    const r = await fetch(url);
    const text = await r.text();
    assert.equal(r.status, 200, `${url}: ${text.slice(0, 2000)}`);
    return text;
  };
  try {
    for (const [mode, command, build] of [["build", "start", []], ["build-webpack", "start", ["--webpack"]], ["dev", "dev"]]) {
      await t.test(`next ${mode}`, async () => {
        const tag = `next-${mode}`;
        const dir = nextApp(tag);
        if (build) run(process.execPath, [nextBin, "build", ...build], { cwd: dir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, timeout: 180000 });
        const server = await nextServer(dir, command);
        try {
          await expectPurged(`${tag}-server`, await route(`${server.url}/api/purge`));
          await expectPurged(`${tag}-edge`, await route(`${server.url}/api/edge`));
          const { report, failed } = await pageReport(browser, `${server.url}/client`);
          assert.equal(failed, undefined);
          await expectPurged(`${tag}-client`, JSON.stringify(report), { said: false });
        } finally {
          await server.stop();
        }
      });
    }
  } finally {
    await browser.stop();
  }
});

// What admin dashboards are built with, in Chromium: Vite's dev server, which pre-bundles
// dependencies, and its production build, of Vite 8 (Rolldown) and Vite 7 (esbuild and Rollup);
// and a webpack build.
// Vite 7's dev pre-bundling moves browser.js away from its .wasm (whose URL then gets the dev
// server's index.html): it needs the README's `optimizeDeps.exclude`, and without it the first
// call must say where it looked and what came back, with every directory pending.
const vites = {
  "Vite 8": { cli: "vite", config: {} },
  "Vite 7": { cli: "vite7", config: { optimizeDeps: { exclude: ["qcloud-cdn-refresh"] } } },
};
function viteProject(name, app, config) {
  const dir = join(scratch(), name); // no package.json of its own: Vite finds the scratch project's
  mkdirSync(dir);
  writeFileSync(join(dir, "index.html"), page('<script type="module" src="./app.js"></script>'));
  writeFileSync(join(dir, "app.js"), app);
  // Its own dependency cache, not the one the scratch project's node_modules would share.
  writeFileSync(join(dir, "vite.config.js"), `export default ${JSON.stringify({ cacheDir: ".vite", ...config })};\n`);
  return dir;
}
const vite = (cli) => join(root, "tools", "node_modules", cli, "bin", "vite.js");
async function viteDev(cli, dir) {
  const server = await startServer(`${cli}'s dev server`, vite(cli), viteDevArgs, { cwd: dir, ms: 30000 });
  return { ...server, url: `${server.url}/` };
}
async function pageReport(browser, url) {
  await browser.goto(url);
  return JSON.parse(await until(`${url}'s report`, () => browser.text("#out"), 30000));
}

test("dashboards: Vite 8 and 7 (the dev server and a build), webpack and Rspack builds, pages and Web Workers, in Chromium", async (t) => {
  const browser = await startBrowser("chromium");
  try {
    for (const [name, { cli, config }] of Object.entries(vites)) {
      const slug = cli.replace("vite", "vite-") + (cli === "vite" ? "8" : "");
      await t.test(`${name}: the dev server`, async () => {
        const tag = `${slug}-dev`;
        const server = await viteDev(cli, viteProject(tag, browserApp(tag), config));
        try {
          const { report, failed } = await pageReport(browser, server.url);
          assert.equal(failed, undefined);
          await expectPurged(tag, JSON.stringify(report), { said: false });
        } finally {
          await server.stop();
        }
      });
      await t.test(`${name}: a build, with init() of a .wasm that is not there`, async () => {
        const tag = `${slug}-build`;
        const missing = `init("./missing.wasm").then(() => "loaded", failure)`;
        const dir = viteProject(tag, browserApp(tag, missing), { ...config, base: "./", logLevel: "warn" });
        const b = run(process.execPath, [vite(cli), "build"], { cwd: dir });
        assert.equal(b.stderr.trim(), "", "no bundler warnings");
        cpSync(join(dir, "dist"), join(scratch(), "web", tag), { recursive: true });
        const { probe, report, failed } = await pageReport(browser, `${ctx.emu.url}/${tag}/index.html`);
        assert.equal(failed, undefined);
        assert.deepEqual(probe, [true, "network", "could not load the WebAssembly module from ./missing.wasm: HTTP 404", []]);
        await expectPurged(tag, JSON.stringify(report), { said: false });
      });
      await t.test(`${name}: a build whose Web Worker purges`, async () => {
        const tag = `${slug}-worker`;
        const dir = viteProject(tag, startWorker('new URL("./worker.js", import.meta.url)', ', { type: "module" }'), { ...config, base: "./", logLevel: "warn" });
        writeFileSync(join(dir, "worker.js"), workerApp(tag));
        const b = run(process.execPath, [vite(cli), "build"], { cwd: dir });
        assert.equal(b.stderr.trim(), "", "no bundler warnings");
        cpSync(join(dir, "dist"), join(scratch(), "web", tag), { recursive: true });
        const { report, failed } = await pageReport(browser, `${ctx.emu.url}/${tag}/index.html`);
        assert.equal(failed, undefined);
        await expectPurged(tag, JSON.stringify(report), { said: false });
      });
    }
    // A page's script, and a page's Web Worker built for webpack's webworker target, whose
    // conditions include "worker", which Workers build scripts name too: with "webpack", it
    // must not lead to the entry that imports the .wasm as a module.
    const webpackBuilds = [
      ["a build (the .wasm emitted as an asset)", "web", '<script defer src="web.js"></script>', browserApp],
      ["a Web Worker, built for webpack's webworker target", "webworker", `<script>${startWorker('"webworker.js"')}</script>`, workerApp],
    ];
    for (const [packer, [name, target, script, app]] of Object.keys(packers).flatMap((p) => webpackBuilds.map((b) => [p, b]))) {
      await t.test(`${packer}: ${name}`, async () => {
        const tag = `${packer}-${target}`;
        const dir = join(scratch(), "web", tag);
        mkdirSync(dir);
        writeFileSync(join(dir, "index.html"), page(script));
        writeFileSync(join(dir, "src.js"), app(tag));
        writeFileSync(join(dir, "webpack.mjs"), packRunner(packer));
        run(process.execPath, ["webpack.mjs", target], { cwd: dir });
        assert.equal(readdirSync(dir).filter((f) => f.endsWith(".wasm")).length, 1, "the .wasm emitted");
        const { report, failed } = await pageReport(browser, `${ctx.emu.url}/${tag}/index.html`);
        assert.equal(failed, undefined);
        await expectPurged(tag, JSON.stringify(report), { said: false });
      });
    }
    await t.test("Vite 7: the dev server without optimizeDeps.exclude says what went wrong", async () => {
      const tag = "vite-7-dev-unconfigured";
      const app = `import { refreshCdnDir, CdnError } from "qcloud-cdn-refresh";
${failure}
const config = { secretId: "${ACCOUNT.secretId}", secretKey: "${ACCOUNT.secretKey}", endpoint: "${ctx.emu.endpoint}" };
refreshCdnDir(config, ${JSON.stringify(dirs(tag, 2))}).then(
  () => (document.getElementById("out").textContent = '{"purged": true}'),
  (e) => (document.getElementById("out").textContent = JSON.stringify({ error: failure(e) })),
);
`;
      const server = await viteDev("vite7", viteProject(tag, app, {}));
      try {
        const { error } = await pageReport(browser, server.url);
        const [isCdnError, kind, message, pending] = error;
        assert.deepEqual([isCdnError, kind, pending], [true, "network", dirs(tag, 2)]);
        assert.equal(
          message,
          `could not load the WebAssembly module from ${server.url}.vite/deps/qcloud_cdn_refresh_bg.wasm: an HTML page came back, not the .wasm: if a bundler moved this module, copy the .wasm beside it or pass its URL to init()`,
        );
        assert.deepEqual(await recorded(tag), [], "nothing sent");
      } finally {
        await server.stop();
      }
    });
  } finally {
    await browser.stop();
  }
});
