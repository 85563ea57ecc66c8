// The npm package as a user gets it: `npm pack` of pkg/, installed into a scratch project,
// imported by its name, sending through Node's own fetch to a local server that checks every
// signature with node:crypto (an oracle independent of the Rust signer).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync, readdirSync, mkdirSync } from "node:fs";
import { inspect } from "node:util";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { createHmac } from "node:crypto";
import { bin, denoEnv, installPackage, readmeBlock, root } from "./helpers.mjs";
import { dataSegments, leb, sections } from "./wasm-binary.mjs";
import { features } from "../../scripts/wasm-features.mjs";

const ID = "AKIDT8G5AsY1D3MChWooNq1rFSw1fyBVCX9D";
const KEY = "pxPgRWDbCy86ZYyqBTDk7WmeRZSmPco0";
let installed;
let scratch;
let lib;

before(async () => {
  installed = await installPackage();
  ({ dir: scratch, lib } = installed);
});

after(() => installed.remove());

// The API-NOTES source string and HMAC, written again with node:crypto.
function expectedSignature(method, host, path, params, key) {
  const hash = params.get("SignatureMethod") === "HmacSHA256" ? "sha256" : "sha1";
  const pairs = [...params].filter(([k]) => k !== "Signature").map(([k, v]) => [k.replaceAll("_", "."), v]);
  pairs.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const source = `${method}${host}${path}?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}`;
  return createHmac(hash, key).update(source, "utf8").digest("base64");
}

// A stand-in API on a free loopback port: verifies the signature, records dirs, and
// answers `answer(params)` (default: success).
async function withServer(answer, run) {
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url, `http://${req.headers.host}`);
      const params = new URLSearchParams(req.method === "POST" ? body : url.search);
      const valid = params.get("Signature") === expectedSignature(req.method, req.headers.host, url.pathname, params, KEY);
      const dirs = [...params].filter(([k]) => k.startsWith("dirs.")).map(([, v]) => v);
      seen.push({ method: req.method, contentType: req.headers["content-type"], valid, dirs, nonce: params.get("Nonce") });
      const [status, reply] = valid ? answer(params, seen.length) : [200, { code: 4100, message: "signature mismatch", codeDesc: "AuthFailure" }];
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof reply === "string" ? reply : JSON.stringify(reply));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${server.address().port}/v2/index.php`;
  try {
    return await run(endpoint, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

const OK = [200, { code: 0, message: "", codeDesc: "Success" }];
const dirs = (n) => Array.from({ length: n }, (_, i) => `https://www.test.com/${i}/中文/`);

// Each entry is one bundled module (the glue, api.js and the snippets inside), beside the one
// .wasm and the types.
test("the tarball holds only what runs", () => {
  assert.deepEqual(installed.files, [
    "README.md",
    "browser.js",
    "cli.js",
    "deno.js",
    "edge.js",
    "index.d.cts",
    "index.d.ts",
    "node.cjs",
    "node.mjs",
    "package.json",
    "qcloud_cdn_refresh.d.cts",
    "qcloud_cdn_refresh.d.ts",
    "qcloud_cdn_refresh_bg.wasm",
    "workerd.js",
  ]);
  assert.equal(installed.files.filter((f) => f.endsWith(".wasm")).length, 1, "one .wasm for every runtime");
});

// `npm publish` rewrites what it finds irregular in package.json and warns about it (a bin path
// written "./cli.js" read "script name cli.js was invalid and removed"); `npm pkg fix` makes
// the same rewrites, so it must find nothing to change.
test("package.json is as npm would publish it (npm pkg fix changes nothing)", () => {
  const dir = join(scratch, "pkg-fix");
  mkdirSync(dir);
  const original = readFileSync(join(root, "pkg", "package.json"), "utf8");
  writeFileSync(join(dir, "package.json"), original);
  const run = spawnSync("npm", ["pkg", "fix"], { cwd: dir, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")), JSON.parse(original));
});

// The exports map as the two linters of npm packages read it: @arethetypeswrong/cli resolves
// every entry as TypeScript does (node10, node16 from CommonJS and from ES modules, bundler) and
// checks the types match the JavaScript each gets; publint checks the map, the files and each
// condition's module format. The .wasm is an asset, which has no types to find.
test("arethetypeswrong and publint find no problem with the package", () => {
  const attw = spawnSync(bin("attw"), [installed.tarball, "--format", "json", "--exclude-entrypoints", "./qcloud_cdn_refresh_bg.wasm"], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(attw.stdout).analysis.problems, [], attw.stdout);
  assert.equal(attw.status, 0, attw.stderr);
  const publint = spawnSync(bin("publint"), ["--strict", join(root, "pkg")], { encoding: "utf8" });
  assert.equal(publint.status, 0, publint.stdout + publint.stderr);
  assert.match(publint.stdout, /All good!/);
});

// The start of each active data segment of a .wasm (the binary format's section 11).
function dataOffsets(wasm) {
  return dataSegments(wasm).map(({ flags, address }) => {
    assert.ok(flags === 0 || flags === 2, `data segment flags ${flags}: only active segments at a constant offset are expected`);
    return address;
  });
}

test("the .wasm leaves its first KiB of memory unused, as wasm-opt --low-memory-unused assumes", () => {
  const wasm = readFileSync(join(scratch, "node_modules", "qcloud-cdn-refresh", "qcloud_cdn_refresh_bg.wasm"));
  const offsets = dataOffsets(wasm);
  assert.ok(offsets.length > 0, "the .wasm has data segments");
  // The stack sits below the data and grows down from it: it reaches the first KiB only when
  // nearly 1 MiB deep (rustc's stack-first layout), and the allocator grows memory above the data.
  assert.ok(Math.min(...offsets) >= 1024 * 1024, `data starts at ${Math.min(...offsets)}, expected at 1 MiB or above`);
});

// .cargo/config.toml builds without reference types (wasm-bindgen's JS objects then live in the
// glue, not in a table of externrefs), which also lets browsers without them load the module.
test("the .wasm validates with only the WebAssembly features Cargo.toml enables, not reference types", () => {
  const wasm = join(scratch, "node_modules", "qcloud-cdn-refresh", "qcloud_cdn_refresh_bg.wasm");
  assert.ok(!features.includes("--enable-reference-types"), "Cargo.toml's wasm-opt list enables reference types");
  const run = spawnSync(bin("wasm-opt"), ["--mvp-features", ...features, "--quiet", wasm, "-o", "/dev/null"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr.slice(0, 2000));
});

test("the .wasm holds no panic site of the crate's own code, no custom section and no path of the machine that built it", () => {
  // A panic's message and source location (file, line, column) go into the data of the .wasm
  // with the code that can raise it: a slice index, a division or an `unwrap` whose bounds the
  // compiler cannot prove. The crate has none (src/runtime.rs: a panic is a bug), only what
  // Rust's alloc keeps for an allocation that fails.
  const wasm = readFileSync(join(scratch, "node_modules", "qcloud-cdn-refresh", "qcloud_cdn_refresh_bg.wasm"));
  // Custom sections (names, producers, target_features) are bytes no engine reads.
  assert.equal([...sections(wasm)].filter((s) => s.id === 0).length, 0, "custom sections");
  const text = wasm.toString("latin1");
  // The crate's paths are relative (src/text.rs); a dependency's have a "/" before src/.
  const files = readdirSync(join(root, "src"), { recursive: true }).filter((f) => f.endsWith(".rs")).map((f) => `src/${f}`);
  const located = files.filter((f) => new RegExp(`(?<!/)${f.replaceAll(".", "\\.")}`).test(text));
  assert.deepEqual(located, [], "source locations of the crate's own panics");
  // core's two-digit table, which nothing reads once wasm-opt has removed integer formatting
  // (scripts/drop-digit-table.mjs).
  assert.ok(!text.includes(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).join("")), "core::fmt's digit table");
  for (const message of ["index out of bounds", "attempt to divide by zero", "called `Option::unwrap()`", "called `Result::unwrap()`"]) {
    assert.ok(!text.includes(message), `a panic message in the .wasm: ${message}`);
  }
  // No dependency's source path either: it would hold the builder's home directory, and it
  // stands beside code the build dropped (js-sys's futures, src/js/builtins.rs).
  const home = process.env.HOME ?? "";
  if (home.length > 1) assert.ok(!text.includes(home), "the builder's home directory");
  assert.ok(!text.includes("/.cargo/") && !text.includes("index.crates.io"), "cargo's registry path");
});

test("the README states the size limit that make size enforces", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const limit = Number(/^LIMIT=\$\{LIMIT:-(\d+)\}$/m.exec(readFileSync(join(root, "scripts", "size.sh"), "utf8"))?.[1]);
  assert.ok(limit > 0, "scripts/size.sh sets LIMIT");
  const kb = `${limit / 1024} KB`;
  assert.ok(readme.includes(`(fails above ${kb})`), `the commands block says make size fails above ${kb}`);
  assert.ok(readme.includes(`\`make test\` fails above ${kb} (${limit.toLocaleString("en").replaceAll(",", " ")} bytes)`), `the Size section gives ${kb} and ${limit} bytes`);
  assert.ok(readme.includes(`(limit ${limit})`), "the make size output in the README is of the current limit");
});

test("the README's sign-only script prints the API-NOTES signatures", () => {
  const block = readmeBlock("sign-only");
  const claimed = [...block.matchAll(/^\/\/ (\S+=)$/gm)].map((m) => m[1]);
  assert.deepEqual(claimed, [
    "dwayh9PCYVBTZQbQ6BPO+5WI3js=",
    "i0U4AnPSFq9GIfS7gaPBf9EAaew=",
    "xGlS6+92F9WQYJk9sHYcMqJGLKoQeQ4YgBoVo44z9Jk=",
    "WcnRAun7eHyoI94P5sHcKai7oGE=",
  ]);
  writeFileSync(join(scratch, "sign.mjs"), block);
  const run = spawnSync(process.execPath, ["sign.mjs"], { cwd: scratch, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split("\n"), claimed);
});

test("node.mjs decodes its .wasm without Buffer too, as Deno code outside npm runs it", () => {
  // The API-NOTES known answer, signed by the package imported with no Buffer global.
  const script = `delete globalThis.Buffer;
const { signRequest } = await import("qcloud-cdn-refresh");
const [r] = signRequest({ secretId: "${ID}", secretKey: "${KEY}", timestamp: 1462865178, nonce: 279749933 }, "http://www.test.com/test/");
console.log(typeof globalThis.Buffer, r.body.split("Signature=")[1]);`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: scratch, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), "undefined dwayh9PCYVBTZQbQ6BPO%2B5WI3js%3D");
});

test("a runtime with WebAssembly turned off is told so when it loads the package, by import or require, in Node and Deno", () => {
  const said = "qcloud-cdn-refresh needs WebAssembly, which this runtime has turned off (node --jitless, or deno --v8-flags=--jitless)";
  const runs = {
    import: spawnSync(process.execPath, ["--jitless", "--input-type=module", "-e", 'await import("qcloud-cdn-refresh")'], { cwd: scratch, encoding: "utf8" }),
    require: spawnSync(process.execPath, ["--jitless", "-e", 'require("qcloud-cdn-refresh")'], { cwd: scratch, encoding: "utf8" }),
    deno: spawnSync(bin("deno"), ["run", "--v8-flags=--jitless", "--no-prompt", "lib.mjs"], {
      cwd: scratch,
      encoding: "utf8",
      env: denoEnv(join(scratch, ".deno-jitless")),
    }),
  };
  for (const [how, run] of Object.entries(runs)) {
    assert.equal(run.status, 1, `${how}: ${run.stderr}`);
    assert.ok(run.stderr.includes(`Error: ${said}`), `${how}: ${run.stderr}`);
  }
});

test("refreshCdnDir purges 45 dirs in 3 signed POSTs through Node's fetch", async () => {
  await withServer(() => OK, async (endpoint, seen) => {
    const input = [...dirs(45), dirs(45)[3]];
    const result = await lib.refreshCdnDir({ secretId: ID, secretKey: KEY, endpoint }, input);
    assert.equal(result.code, 0);
    assert.equal(result.codeDesc, "Success");
    assert.deepEqual(result.dirs, dirs(45));
    assert.deepEqual(result.batches.map((b) => b.dirs.length), [20, 20, 5]);
    assert.deepEqual(seen.map((s) => [s.method, s.contentType, s.valid]), Array(3).fill(["POST", "application/x-www-form-urlencoded", true]));
    assert.deepEqual(seen.flatMap((s) => s.dirs), dirs(45), "every dir once, in order, unicode intact");
    assert.equal(new Set(seen.map((s) => s.nonce)).size, 3, "a nonce per batch");
  });
});

test("GET and HmacSHA256 verify too", async () => {
  await withServer(() => OK, async (endpoint, seen) => {
    await lib.refreshCdnDir({ secretId: ID, secretKey: KEY, endpoint, method: "GET", signatureMethod: "HmacSHA256", type: 2 }, dirs(2));
    assert.deepEqual(seen.map((s) => [s.method, s.valid, s.dirs.length]), [["GET", true, 2]]);
  });
});

test("failures reject with the package's CdnError and account for every dir", async () => {
  const answers = {
    api: (_, n) => (n === 2 ? [200, { code: 4000, message: "(9110) Information for this domain does not exist. cdn no such host", codeDesc: 9110 }] : OK),
    http: (_, n) => (n === 2 ? [500, "<html>Internal Server Error</html>"] : OK), // 500 is not retried
    "invalid-response": (_, n) => (n === 2 ? [200, "plain text"] : OK),
  };
  for (const [kind, answer] of Object.entries(answers)) {
    await withServer(answer, async (endpoint) => {
      const err = await lib.refreshCdnDir({ secretId: ID, secretKey: KEY, endpoint }, dirs(45)).then(
        () => assert.fail("resolved"),
        (e) => e,
      );
      assert.ok(err instanceof lib.CdnError && err instanceof Error, String(err));
      assert.equal(err.kind, kind);
      assert.match(err.message, /^batch 2 of 3: /);
      assert.deepEqual(err.submitted, dirs(45).slice(0, 20));
      // A 500 or a 2xx that is not the API's answer may come after a purge: that batch is maybe purged.
      const maybe = kind === "api" ? 20 : 40;
      assert.deepEqual(err.maybeSubmitted, dirs(45).slice(20, maybe));
      assert.deepEqual(err.pending, dirs(45).slice(maybe));
      if (kind === "api") assert.deepEqual([err.code, err.codeDesc, err.moduleCode, err.status], [4000, "9110", 9110, 200]);
      if (kind === "http") assert.equal(err.status, 500);
    });
  }
  await withServer(() => OK, async (endpoint) => {
    const err = await lib.refreshCdnDir({ secretId: ID, secretKey: "wrong-key", endpoint }, dirs(1)).catch((e) => e);
    assert.deepEqual([err.kind, err.code, err.codeDesc, err.submitted, err.pending], ["api", 4100, "AuthFailure", [], dirs(1)]);
    assert.ok(!JSON.stringify(err).includes("wrong-key") && !err.stack.includes("wrong-key"));
  });
});

// Both entries loaded in one process (an `import` here, a `require` there) are two copies with
// two classes; the README's `err instanceof CdnError` must hold for an error of either.
test("a CdnError of the package's other copy (ES module and CommonJS build in one process) is instanceof CdnError", () => {
  const cjs = createRequire(join(scratch, "index.js"))("qcloud-cdn-refresh");
  assert.notEqual(cjs.CdnError, lib.CdnError, "two copies, two classes");
  const thrown = (copy) => {
    try {
      copy.signRequest({}, []);
    } catch (e) {
      return e;
    }
    assert.fail("signRequest did not throw");
  };
  for (const [from, to] of [[cjs, lib], [lib, cjs]]) {
    const e = thrown(from);
    assert.ok(e instanceof to.CdnError && e instanceof from.CdnError && e instanceof Error, String(e));
  }
  for (const other of [new Error("x"), { name: "CdnError", kind: "api" }, null, "CdnError"]) assert.ok(!(other instanceof lib.CdnError), String(other));
  // A caller's subclass keeps the usual test.
  class Mine extends lib.CdnError {}
  assert.ok(new Mine("m") instanceof Mine && new Mine("m") instanceof lib.CdnError && new Mine("m") instanceof cjs.CdnError);
  assert.ok(!(thrown(lib) instanceof Mine));
  // console.log (util.inspect) names the class, which the bundles rename (_CdnError).
  for (const copy of [lib, cjs]) {
    assert.equal(copy.CdnError.name, "CdnError");
    assert.match(inspect(thrown(copy)), /^CdnError: /);
  }
  assert.equal(Mine.name, "Mine");
});

test("a refused connection is a network error with every dir pending", async () => {
  const endpoint = await withServer(() => OK, async (e) => e); // a port that was just closed
  const err = await lib.refreshCdnDir({ secretId: ID, secretKey: KEY, endpoint }, dirs(3)).catch((e) => e);
  assert.equal(err.kind, "network");
  assert.match(err.message, /ECONNREFUSED/);
  assert.deepEqual(err.pending, dirs(3));
});

test("nonces never repeat, even when the random start is 0 or the last u32", () => {
  // A fresh process per case: the start is drawn once per realm, at the first signing.
  for (const random of ["0", "1 - 2 ** -53", "(2 ** 32 - 2) / (2 ** 32 - 1)"]) {
    const script = `Math.random = () => ${random};
const { signRequest, init } = await import("qcloud-cdn-refresh");
await init();
const nonce = () => new URLSearchParams(signRequest({ secretId: "id", secretKey: "key" }, "https://a.com/")[0].body).get("Nonce");
console.log(JSON.stringify([nonce(), nonce(), nonce()]));`;
    writeFileSync(join(scratch, "nonce.mjs"), script);
    const run = spawnSync(process.execPath, ["nonce.mjs"], { cwd: scratch, encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const nonces = JSON.parse(run.stdout);
    assert.equal(new Set(nonces).size, 3, `Math.random() = ${random}: ${nonces}`);
    assert.ok(nonces.every((n) => /^[1-9][0-9]*$/.test(n)), `positive integers: ${nonces}`);
  }
});

// browser.js's init() takes what its types say: a URL (the default, and the tests in browsers),
// a Response, bytes or a compiled module. Each in a fresh process (a module is loaded once);
// Node has fetch, Response and WebAssembly as a page does. What it signs matches node.mjs.
test("browser.js: init() of a Response (of any MIME type), bytes, an ArrayBuffer or a WebAssembly.Module, and of bytes that are not a .wasm", () => {
  const pkgDir = join(scratch, "node_modules", "qcloud-cdn-refresh");
  const config = { secretId: "AKIDinit", secretKey: "init-key", timestamp: 1700000000, nonce: 11 };
  const want = lib.signRequest(config, ["https://a.com/x/"])[0].body;
  const inputs = {
    response: "new Response(bytes, { headers: { 'content-type': 'application/wasm' } })",
    "response of another MIME type": "new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })",
    bytes: "bytes",
    arrayBuffer: "bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)",
    module: "new WebAssembly.Module(bytes)",
    "not a .wasm": "new TextEncoder().encode('<!doctype html>')",
  };
  for (const [name, input] of Object.entries(inputs)) {
    const script = `import { readFileSync } from "node:fs";
const { init, signRequest, CdnError } = await import(${JSON.stringify(pathToFileURL(join(pkgDir, "browser.js")).href)});
const bytes = readFileSync(${JSON.stringify(join(pkgDir, "qcloud_cdn_refresh_bg.wasm"))});
try {
  await init(${input});
  console.log(JSON.stringify({ body: signRequest(${JSON.stringify(config)}, ["https://a.com/x/"])[0].body }));
} catch (e) {
  console.log(JSON.stringify({ error: [e instanceof CdnError, e.kind, e.message] }));
}
`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: scratch, encoding: "utf8" });
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    const got = JSON.parse(run.stdout);
    if (name === "not a .wasm") {
      assert.deepEqual(got.error.slice(0, 2), [true, "network"], run.stdout);
      assert.match(got.error[2], /^could not load the WebAssembly module: /, run.stdout);
    } else {
      assert.deepEqual(got, { body: want }, name);
    }
  }
});

// The .wasm's memory (its allocator is src/runtime.rs's own) and wasm-bindgen's array of the
// JavaScript values the .wasm holds (the glue's `heap`: the build has no reference types, so no
// table of them) must stop growing, whatever a call ends in, or a long-running server or
// dashboard would grow without bound. A fresh process, so that the instance can be caught as
// node.mjs makes it, importing the installed node.mjs with one line added that exports that
// array; a warm-up sizes both, then many more calls must add nothing.
test("memory and the value array stop growing over many calls, failed ones too, nor for a huge reply; a huge directory grows it safely", () => {
  const entry = readFileSync(join(scratch, "node_modules", "qcloud-cdn-refresh", "node.mjs"), "utf8");
  assert.equal(entry.match(/^var heap = new Array\(/gm)?.length, 1, "node.mjs declares the glue's value array once, as `var heap`");
  writeFileSync(join(scratch, "node-with-heap.mjs"), `${entry}\nexport { heap as testHeap };\n`);
  writeFileSync(
    join(scratch, "growth.mjs"),
    `let instance;
const Instance = WebAssembly.Instance;
WebAssembly.Instance = function (module, imports) {
  return (instance = new Instance(module, imports));
};
const { signRequest, refreshCdnDir, testHeap } = await import("./node-with-heap.mjs");
const memory = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory);
const config = { secretId: "AKIDgrowth", secretKey: "growth-key" };
const dirs = Array.from({ length: 20 }, (_, i) => \`https://www.test.com/\${i}/中文/\`);
const answer = (code) => async () => ({ status: 200, headers: new Map(), text: async () => JSON.stringify({ code, message: "m", codeDesc: code ? "AuthFailure" : "Success" }) });
const v3 = async () => ({ status: 200, headers: new Map([["date", new Date().toUTCString()]]), text: async () => JSON.stringify({ Response: { TaskId: "t", RequestId: "r" } }) });
const calls = [
  () => signRequest(config, dirs),
  () => signRequest({ ...config, api: "v3", token: "tok" }, dirs),
  () => signRequest(config, ["ftp://x/"]),
  () => signRequest({ ...config, bogus: 1 }, dirs),
  () => refreshCdnDir({ ...config, fetch: answer(0) }, dirs),
  () => refreshCdnDir({ ...config, fetch: answer(4100) }, dirs),
  () => refreshCdnDir({ ...config, fetch: async () => { throw new Error("refused"); }, retries: 1, retryBaseMs: 0 }, dirs),
  () => refreshCdnDir({ ...config, api: "v3", fetch: v3 }, dirs),
];
const round = async (n) => {
  for (let i = 0; i < n; i++) for (const call of calls) await Promise.resolve().then(call).catch(() => {});
};
await round(200);
const warm = [memory.buffer.byteLength, testHeap.length];
await round(1000);
const after = [memory.buffer.byteLength, testHeap.length];
// A reply of 32 MiB (a proxy's page, a file): the memory stays as it was, give or take a MiB.
const page = "<html>" + "x".repeat(32 << 20) + "</html>";
const huge = await refreshCdnDir({ ...config, fetch: async () => ({ status: 200, headers: new Map(), text: async () => page }) }, dirs).catch((e) => e);
const hugeKept = [huge.kind, memory.buffer.byteLength - after[0] < 1 << 20];
// A directory of 48 MiB grows the memory while it is copied in, after which the glue writes
// where the copy lies through its DataView: one of the detached memory would throw a TypeError.
const before = memory.buffer.byteLength;
let long;
try {
  signRequest(config, ["https://www.test.com/" + "x".repeat(48 << 20)]);
} catch (e) {
  long = [e.name, e.kind, /^dirs\\[0\\] .* is \\d+ bytes long/.test(e.message), memory.buffer.byteLength > before, signRequest(config, dirs).length];
}
console.log(JSON.stringify({ warm, after, huge: hugeKept, long }));
`,
  );
  const run = spawnSync(process.execPath, ["growth.mjs"], { cwd: scratch, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const { warm, after, huge, long } = JSON.parse(run.stdout);
  assert.deepEqual(after, warm, "1 000 more rounds of every kind of call grew nothing");
  assert.deepEqual(huge, ["invalid-response", true], "a huge reply is not copied whole into the .wasm's memory");
  assert.deepEqual(long, ["CdnError", "invalid-input", true, true, 1], "a string read into a memory that grew for it arrives whole");
});

test("the types compile for a consumer and catch a typo in a config key", () => {
  const tsc = bin("tsc");
  const consumer = `
import { refreshCdnDir, signRequest, init, CdnError } from "qcloud-cdn-refresh";
import type { RefreshConfig, RefreshResult, SignedRequest, BatchResult, CdnErrorKind, ProgressEvent, FetchInit, FetchResponse } from "qcloud-cdn-refresh";
const seen: ProgressEvent[] = [];
const myFetch = (url: string, init: FetchInit): Promise<FetchResponse> => fetch(url, init);
const config: RefreshConfig = {
  secretId: "id", secretKey: "key", method: "POST", signatureMethod: "HmacSHA256", type: 2, dailyLimit: 50, fetch: myFetch,
  timeoutMs: 5000, retries: 1, retryBaseMs: 100, retryMaybePurged: false, signal: new AbortController().signal, onProgress: (e) => seen.push(e), proxyUrl: "/cdn-api",
};
const signed: SignedRequest[] = signRequest(config, ["https://a.com/"]);
const body: string | null = signed[0].body;
export async function main(): Promise<number> {
  await init();
  await init(new URL("https://cdn.example/qcloud_cdn_refresh_bg.wasm"));
  if (seen.length > 9) await init(new Uint8Array(8));
  if (seen.length > 9) await init(new WebAssembly.Module(new Uint8Array(8))); // DOM
  try {
    const r: RefreshResult = await refreshCdnDir(config, "https://a.com/");
    const b: BatchResult = r.batches[0];
    return b.code + b.attempts + seen[0].batch + seen[0].result.attempts + (body?.length ?? 0);
  } catch (e) {
    if (e instanceof CdnError) {
      const kind: CdnErrorKind = e.kind;
      const pending: string[] = [...e.pending, ...e.maybeSubmitted, ...e.submitted];
      if (kind === "timeout" || kind === "aborted") return -1;
      return (typeof e.code === "number" ? e.code : (e.code ?? "").length) + (e.requestId ?? "").length + (e.moduleCode ?? 0) + (e.status ?? 0) + pending.length + kind.length;
    }
    throw e;
  }
}
`;
  const args = ["--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022"];
  writeFileSync(join(scratch, "consumer.ts"), consumer);
  let run = spawnSync(tsc, [...args, "consumer.ts"], { cwd: scratch, encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  // A Node project's usual setting (as @tsconfig/node20's): the ES library and @types/node, no
  // DOM, and no skipLibCheck; the package's types must not name what only the DOM declares.
  writeFileSync(join(scratch, "node-only.ts"), consumer.replace(/.*\/\/ DOM\n/, ""));
  const nodeOnly = ["--lib", "es2022", "--types", "node", "--typeRoots", join(root, "tools", "node_modules", "@types")];
  run = spawnSync(tsc, [...args, ...nodeOnly, "node-only.ts"], { cwd: scratch, encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  writeFileSync(join(scratch, "typo.ts"), consumer.replace('secretKey: "key"', 'secretkey: "key"'));
  run = spawnSync(tsc, [...args, "typo.ts"], { cwd: scratch, encoding: "utf8" });
  assert.notEqual(run.status, 0);
  assert.match(run.stdout, /secretkey/);
  const dts = readFileSync(join(scratch, "node_modules", "qcloud-cdn-refresh", "qcloud_cdn_refresh.d.ts"), "utf8");
  const ours = dts.split("export type InitInput")[0];
  assert.doesNotMatch(ours, /\bany\b/, "no any in the public types");
});

// A TypeScript project that compiles to CommonJS (no "type": "module"), as many deploy scripts
// are: its `import` becomes `require`, which resolves to node.cjs, and its types must say so
// (index.d.cts). With ES-module types there, `module: node16` refuses the import (TS1479).
test("the types compile for a CommonJS consumer (module node16 and nodenext), and its build runs", () => {
  const tsc = bin("tsc");
  const dir = join(scratch, "cjs");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
  writeFileSync(
    join(dir, "consumer.ts"),
    `
import { signRequest, refreshCdnDir, init, CdnError } from "qcloud-cdn-refresh";
import type { RefreshConfig, SignedRequest, RefreshResult, CdnErrorKind } from "qcloud-cdn-refresh";
const config: RefreshConfig = { secretId: "id", secretKey: "key", timestamp: 1700000000, nonce: 7 };
const signed: SignedRequest[] = signRequest(config, ["https://a.com/x/"]);
let kind: CdnErrorKind | "none" = "none";
try {
  signRequest(config, ["ftp://a.com/"]);
} catch (e) {
  if (e instanceof CdnError) kind = e.kind;
}
const later: (c: RefreshConfig, d: string[]) => Promise<RefreshResult> = refreshCdnDir;
init().then(() => console.log(JSON.stringify({ body: signed[0].body, kind, call: typeof later })));
`,
  );
  for (const module of ["node16", "nodenext"]) {
    const out = join(dir, `out-${module}`);
    const args = ["--strict", "--module", module, "--moduleResolution", module, "--target", "es2022", "--outDir", out];
    const run = spawnSync(tsc, [...args, "consumer.ts"], { cwd: dir, encoding: "utf8" });
    assert.equal(run.status, 0, `${module}: ${run.stdout}${run.stderr}`);
    const js = readFileSync(join(out, "consumer.js"), "utf8");
    assert.match(js, /require\("qcloud-cdn-refresh"\)/, `${module} compiles to CommonJS`);
    const ran = spawnSync(process.execPath, [join(out, "consumer.js")], { cwd: dir, encoding: "utf8" });
    assert.equal(ran.status, 0, ran.stderr);
    const got = JSON.parse(ran.stdout);
    const config = { secretId: "id", secretKey: "key", timestamp: 1700000000, nonce: 7 };
    assert.equal(got.body, lib.signRequest(config, ["https://a.com/x/"])[0].body, `${module}: the ES-module entry's bytes`);
    assert.deepEqual([got.kind, got.call], ["invalid-input", "function"], module);
  }
});
