// Shared by the Node tests: the package installed as a user installs it, and the emulator
// started on a free port (and stopped after).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// `npm pack` of pkg/, installed into a fresh scratch project and imported by its name.
export async function installPackage() {
  const dir = mkdtempSync(join(tmpdir(), "qcloud-cdn-refresh-"));
  const out = execFileSync("npm", ["pack", join(root, "pkg"), "--pack-destination", dir, "--json"], { encoding: "utf8" });
  const [{ filename, files }] = JSON.parse(out);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--loglevel=error", join(dir, filename)], { cwd: dir });
  writeFileSync(join(dir, "lib.mjs"), 'export * from "qcloud-cdn-refresh";\n');
  const lib = await import(pathToFileURL(join(dir, "lib.mjs")));
  return { dir, lib, files: files.map((f) => f.path).sort(), remove: () => rmSync(dir, { recursive: true, force: true }) };
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
  const control = (method, path, body) =>
    fetch(`${url}${path}`, { method, body: body && JSON.stringify(body) }).then((r) => r.json());
  return {
    url,
    endpoint: `${url}/v2/index.php`,
    purges: () => control("GET", "/_emulator/purges"),
    fault: (f) => control("POST", "/_emulator/faults", f),
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
