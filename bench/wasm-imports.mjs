// What the .wasm's imports cost a cold start: `node bench/wasm-imports.mjs` (after `make pkg`;
// `make bench` runs it).
// Builds two modules with nothing but the package's function imports, one with their own
// signatures and one where every import shares a single signature, and times compiling and
// instantiating each in fresh Node processes (V8 reuses import wrappers within a process).
// The difference is what the signatures cost; code size plays no part in it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "./rounds.mjs";
import { leb, sections } from "../tests/js/wasm-binary.mjs";

const wasm = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "pkg", "qcloud_cdn_refresh_bg.wasm"));
// `--quick` (what `make test` runs): one process each, to check that it runs.
const RUNS = process.argv.includes("--quick") ? 1 : 15;

// The type section's function types (as raw bytes) and each function import's type index.
function importSignatures(bytes) {
  const types = [];
  const imports = [];
  for (const { id, start } of sections(bytes)) {
    let p = start;
    if (id === 1) {
      let n;
      [n, p] = leb(bytes, p);
      for (let i = 0; i < n; i++) {
        const from = p++; // 0x60
        let count;
        [count, p] = leb(bytes, p);
        p += count;
        [count, p] = leb(bytes, p);
        p += count;
        types.push(bytes.subarray(from, p));
      }
    } else if (id === 2) {
      let n;
      [n, p] = leb(bytes, p);
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < 2; s++) {
          let len;
          [len, p] = leb(bytes, p);
          p += len;
        }
        const kind = bytes[p++];
        if (kind !== 0) throw new Error(`import kind ${kind}: only function imports are expected`);
        let type;
        [type, p] = leb(bytes, p);
        imports.push(type);
      }
    }
  }
  return imports.map((t) => types[t]);
}

const u32 = (n) => {
  const out = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n);
  return out;
};
const section = (id, body) => [id, ...u32(body.length), ...body];

// A module importing `m.f0`, `m.f1`, … with the given signatures, and nothing else.
function moduleOf(signatures) {
  const distinct = [...new Set(signatures.map((s) => s.join(",")))];
  const types = [...u32(distinct.length), ...distinct.flatMap((s) => s.split(",").map(Number))];
  const imports = [
    ...u32(signatures.length),
    ...signatures.flatMap((s, i) => [1, 0x6d, ...u32(`f${i}`.length), ...Buffer.from(`f${i}`), 0, ...u32(distinct.indexOf(s.join(",")))]),
  ];
  return { bytes: [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, types), ...section(2, imports)], distinct: distinct.length };
}

const child = `const bytes = new Uint8Array(JSON.parse(process.argv[1]));
new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
const t0 = performance.now();
const module = new WebAssembly.Module(bytes);
const t1 = performance.now();
const m = {};
for (const { name } of WebAssembly.Module.imports(module)) m[name] = () => 0;
const t2 = performance.now();
new WebAssembly.Instance(module, { m });
console.log(JSON.stringify([t1 - t0, performance.now() - t2]));`;

function time({ bytes }) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ["-e", child, JSON.stringify(bytes)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    runs.push(JSON.parse(r.stdout));
  }
  return [median(runs.map((r) => r[0])), median(runs.map((r) => r[1]))];
}

const own = importSignatures(wasm).map((t) => [...t]);
const ours = moduleOf(own);
const shared = moduleOf(own.map(() => own[0]));
const [oc, oi] = time(ours);
const [sc, si] = time(shared);
console.log(`${own.length} function imports, ${ours.distinct} distinct signatures (medians of ${RUNS} fresh processes):`);
console.log(`  as imported:          compile ${oc.toFixed(2)} ms, instantiate ${oi.toFixed(2)} ms`);
console.log(`  one shared signature: compile ${sc.toFixed(2)} ms, instantiate ${si.toFixed(2)} ms`);
console.log(`  the signatures cost:  ${(oc + oi - sc - si).toFixed(2)} ms`);
