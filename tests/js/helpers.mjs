// Shared by the Node tests (and those `make test` runs under Deno too): the package installed as
// a user installs it, and the emulator started on a free port (and stopped after).
import { before, after } from "node:test";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// A tool `make setup` installs in tools/ (esbuild, tsc, workerd, ...).
export const bin = (name) => join(root, "tools", "node_modules", ".bin", name);

// The code block after `<!-- test: NAME -->` in the README, as written: what the tests run.
export const readmeBlock = (name, lang = "js") =>
  readFileSync(join(root, "README.md"), "utf8").split(`<!-- test: ${name} -->`)[1].split("```" + lang + "\n")[1].split("```")[0];
// Node of a major version that `make setup` installs in tools/ (18, 22, 24 and 26).
export const nodeOf = (major) => join(root, "tools", `node${major}`, "bin", "node");
// The environment a test runs Deno in: its cache in `dir`, no colours, no update check.
export const denoEnv = (dir, extra = {}) => ({ ...process.env, DENO_DIR: dir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...extra });

// Runs `cmd` without blocking this process, whose servers (a proxy) may have to answer it:
// its exit code and its stdout and stderr together, as `{ code, out }`.
export async function spawnOutput(cmd, args, options) {
  const child = spawn(cmd, args, options);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const [code] = await once(child, "exit");
  return { code, out };
}

// `npm pack` of pkg/ (`tarball`), installed into a fresh scratch project and imported by its name.
export async function installPackage() {
  const dir = mkdtempSync(join(tmpdir(), "qcloud-cdn-refresh-"));
  const out = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", dir, "--json"], { encoding: "utf8" });
  const [{ filename, files }] = JSON.parse(out);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--loglevel=error", join(dir, filename)], { cwd: dir });
  // Deno reads a bare specifier only from a package.json at or above its working directory,
  // which this scratch project is not: there, the entry the package's exports give Deno.
  const installed = join(dir, "node_modules", "qcloud-cdn-refresh");
  const entry = typeof Deno === "object" ? `./node_modules/qcloud-cdn-refresh/${JSON.parse(readFileSync(join(installed, "package.json"), "utf8")).exports["."].deno}` : "qcloud-cdn-refresh";
  writeFileSync(join(dir, "lib.mjs"), `export * from ${JSON.stringify(entry)};\n`);
  const lib = await import(pathToFileURL(join(dir, "lib.mjs")));
  return { dir, lib, tarball: join(dir, filename), files: files.map((f) => f.path).sort(), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// For a test file: before its tests, the package installed as a user would and a fresh
// emulator (`options`, or `options(installed)`); after them, both gone. The returned object is
// filled in by then: `{ installed, lib, emu }`.
export function packageAndEmulator(options = {}) {
  const ctx = {};
  before(async () => {
    ctx.installed = await installPackage();
    ctx.lib = ctx.installed.lib;
    ctx.emu = await startEmulator(typeof options === "function" ? options(ctx.installed) : options);
  });
  // Once, at whichever comes first: after(), or the end of the file in Deno, whose node:test
  // (2.9) runs no top-level after() in a file with a skipped test. stop() kills the emulator and
  // removes its files at once, and resolves when it has exited.
  const cleanup = () => {
    const stopped = ctx.emu?.stop();
    ctx.installed?.remove();
    ctx.emu = ctx.installed = undefined;
    return stopped;
  };
  after(cleanup);
  globalThis.addEventListener?.("unload", cleanup);
  return ctx;
}

// Starts the emulator binary on a free port; `accounts` (optional) is written to a file.
export async function startEmulator({ accounts, args = [] } = {}) {
  const bin = process.env.EMULATOR ?? join(root, "target", "release", "qcloud-cdn-emulator");
  const extra = [...args];
  let file;
  if (accounts) {
    file = join(mkdtempSync(join(tmpdir(), "emulator-")), "accounts.json");
    writeFileSync(file, JSON.stringify({ accounts }));
    extra.push("--accounts", file);
  }
  const child = spawn(bin, ["--port", "0", ...extra], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  // Sent again once when the connection it went out on turns out closed: a test that blocks
  // the event loop longer than the emulator keeps an idle connection (spawnSync of a test
  // runner, 10 s on a loaded machine) leaves fetch a pooled socket that the emulator closed,
  // which it notices only on use; the emulator never read that request.
  const control = (method, path, body, again = true) =>
    fetch(`${url}${path}`, { method, body: body && JSON.stringify(body) }).then(
      (r) => r.json(),
      (e) => {
        if (again && e?.cause?.code === "UND_ERR_SOCKET") return control(method, path, body, false);
        throw e;
      },
    );
  return {
    url,
    endpoint: `${url}/v2/index.php`,
    purges: () => control("GET", "/_emulator/purges"),
    fault: (f) => control("POST", "/_emulator/faults", f),
    clearFaults: () => control("DELETE", "/_emulator/faults"),
    reset: () => control("POST", "/_emulator/reset"),
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", resolve);
        child.kill();
        if (file) rmSync(dirname(file), { recursive: true, force: true });
      }),
  };
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// An HTTP proxy on a free loopback port, as a CI runner's HTTPS_PROXY names one: it tunnels a
// CONNECT and forwards a plain-http request handed to it whole, and records each in `seen` as
// "CONNECT host:port" or "POST host:port"; with `refuse` set, it answers 407, asking for
// credentials, instead, which leaves the API untouched.
export async function startProxy() {
  const proxy = { seen: [], refuse: false };
  const refusal = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="ci"\r\nContent-Length: 0\r\n\r\n';
  const server = createHttpServer((req, res) => {
    const target = new URL(req.url);
    proxy.seen.push(`${req.method} ${target.host}`);
    if (proxy.refuse) return res.writeHead(407, { "Proxy-Authenticate": 'Basic realm="ci"' }).end();
    const upstream = request(target, { method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode, reply.headers);
      reply.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connect", (req, socket, head) => {
    proxy.seen.push(`CONNECT ${req.url}`);
    socket.on("error", () => {});
    if (proxy.refuse) return socket.end(refusal);
    const [host, port] = req.url.split(":");
    const upstream = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket).on("error", () => {});
      socket.pipe(upstream).on("error", () => {});
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return proxy;
}

// Serves the ES module `dir/main` (plus `.wasm` modules `wasm`, by file name) in workerd on a
// free port, with outbound network to loopback and text bindings `vars`.
export async function startWorkerd(dir, { main = "worker.js", wasm = [], vars = {} } = {}) {
  const port = await freePort();
  const modules = [`(name = "${main}", esModule = embed "${main}")`, ...wasm.map((w) => `(name = "${w}", wasm = embed "${w}")`)];
  const bindings = Object.entries(vars).map(([k, v]) => `(name = ${JSON.stringify(k)}, text = ${JSON.stringify(v)})`);
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  bindings = [${bindings.join(", ")}],
  compatibilityDate = "2024-09-23",
  globalOutbound = "loopback",
);
`,
  );
  let log = "";
  const child = spawn(bin("workerd"), ["serve", join(dir, "config.capnp")], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (c) => (log += c));
  child.stderr.on("data", (c) => (log += c));
  const url = `http://127.0.0.1:${port}`;
  try {
    await until("workerd", () => child.exitCode !== null || fetch(url).then(() => true, () => false), 30000);
  } catch (e) {
    child.kill();
    throw new Error(`${e.message}:\n${log}`);
  }
  if (child.exitCode !== null) throw new Error(`workerd exited:\n${log}`);
  return { url, log: () => log, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill()))) };
}

export async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A headless browser driven over W3C WebDriver, with just the commands the tests need: Firefox
// by geckodriver (what `wasm-pack test --firefox` uses), or Debian's Chromium by its
// chromedriver (flags from this machine kind's notes: no sandbox as root, no GPU). `noWasm`
// starts it with WebAssembly turned off: Firefox's javascript.options.wasm, or Chromium's V8
// without a JIT (--jitless), which leaves WebAssembly out as hardened modes do.
export async function startBrowser(which = "firefox", { noWasm = false } = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const chromium = which === "chromium";
  // The driver and its browser keep their profile and sockets in a temporary directory of their
  // own, removed when they are gone: chromedriver leaves Chromium's (2.4 MB) behind otherwise.
  const tmp = mkdtempSync(join(tmpdir(), `${which}-`));
  const driver = spawn(chromium ? "chromedriver" : "geckodriver", [`--port=${port}`], { stdio: "ignore", env: { ...process.env, TMPDIR: tmp } });
  let failed;
  // Settles when the driver is gone, or never started ("error").
  const exited = new Promise((resolve) => driver.once("exit", resolve).once("error", (e) => resolve((failed = e))));
  const end = async () => {
    driver.kill();
    await exited;
    rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
  };
  const wd = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (json.value && json.value.error) throw new Error(`WebDriver ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  let caps;
  if (chromium) {
    const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1100,1300"];
    if (noWasm) args.push("--js-flags=--jitless");
    caps = { capabilities: { alwaysMatch: { browserName: "chrome", "goog:chromeOptions": { binary: "/usr/bin/chromium", args } } } };
  } else {
    const firefox = { args: ["-headless", "-width=1100", "-height=1300"] };
    if (noWasm) firefox.prefs = { "javascript.options.wasm": false };
    if (existsSync("/usr/bin/firefox-esr")) firefox.binary = "/usr/bin/firefox-esr";
    caps = { capabilities: { alwaysMatch: { browserName: "firefox", "moz:firefoxOptions": firefox } } };
  }
  // A driver that never answers, or a browser that does not start, leaves nothing running.
  let session;
  try {
    await until(`${which}'s driver`, () => {
      if (failed) throw new Error(`cannot start ${which}'s driver (run make setup): ${failed.message}`);
      return fetch(`${base}/status`).then((r) => r.ok, () => false);
    });
    session = (await wd("POST", "/session", caps)).sessionId;
  } catch (e) {
    await end();
    throw e;
  }
  const on = (path) => `/session/${session}${path}`;
  const ELEMENT = "element-6066-11e4-a52e-4f735466cecf"; // the W3C WebDriver element key
  const find = async (css) => (await wd("POST", on("/element"), { using: "css selector", value: css }))[ELEMENT];
  const browser = {
    goto: (url) => wd("POST", on("/url"), { url }),
    run: (script, ...args) => wd("POST", on("/execute/sync"), { script, args }),
    text: (css) => browser.run("return document.querySelector(arguments[0]).textContent", css),
    type: async (css, value) => {
      const id = await find(css);
      await wd("POST", on(`/element/${id}/clear`), {});
      await wd("POST", on(`/element/${id}/value`), { text: value });
    },
    click: async (css) => wd("POST", on(`/element/${await find(css)}/click`), {}),
    screenshot: async () => Buffer.from(await wd("GET", on("/screenshot")), "base64"),
    stop: async () => {
      await wd("DELETE", `/session/${session}`).catch(() => {});
      await end();
    },
  };
  return browser;
}
