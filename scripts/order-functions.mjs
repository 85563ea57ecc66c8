// `node scripts/order-functions.mjs FILE.wasm`: puts the .wasm's functions in an order gzip
// compresses better, and changes nothing else.
// gzip (DEFLATE, RFC 1951) finds a repeat only within the last 32 KiB it read, and the code
// section is larger than that, so the order of the functions decides which of them can share
// their bytes, and wasm-opt does not choose it for that. This chain (bench/NOTES.md "Size" has
// the orders tried) starts at the smallest body and then always takes, of those left, the one
// whose byte trigrams the last one placed covers best (greedy nearest neighbour; ties go to the
// earlier function, so the order is the same on every build).
// binaryen does the renumbering: the module goes to text (wasm-dis), where calls, the table and
// the exports name functions instead of numbering them, its function definitions are moved, and
// it goes back to binary (wasm-as). The text of the unchanged module must assemble to the same
// bytes, or the build stops: a binaryen release that loses anything in the round trip is caught
// here, not by a user.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { leb, sections } from "../tests/js/wasm-binary.mjs";
import { features } from "./wasm-features.mjs";

const path = process.argv[2];
// Thrown, not process.exit: the `finally` below must still remove the scratch directory.
const fail = (message) => {
  throw new Error(`order-functions: ${message}`);
};

/** The bodies of the code section (id 10), in the module's order. */
function bodies(bytes) {
  const code = [...sections(bytes)].find((s) => s.id === 10) ?? fail("the .wasm has no code section");
  let [count, at] = leb(bytes, code.start);
  const out = [];
  while (count--) {
    const [size, start] = leb(bytes, at);
    out.push(bytes.subarray(start, start + size));
    at = start + size;
  }
  return out;
}

/** Each distinct 3-byte run of `body`, as a sorted list of numbers. */
function trigrams(body) {
  const set = new Set();
  for (let i = 2; i < body.length; i++) set.add((body[i - 2] << 16) | (body[i - 1] << 8) | body[i]);
  return Int32Array.from(set).sort();
}

/** How many numbers two sorted lists share. */
function shared(a, b) {
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else (n++, i++, j++);
  }
  return n;
}

/** The chain described above, as indices into `list`. */
function chain(list) {
  const grams = list.map(trigrams);
  const left = new Set(list.keys());
  let last = 0;
  for (const i of left) if (list[i].length < list[last].length) last = i;
  const order = [last];
  left.delete(last);
  while (left.size) {
    let best = -1;
    let bestScore = -1;
    for (const i of left) {
      // A share of the candidate's own trigrams: a small function wholly like the last one
      // beats a large one that merely contains it.
      const score = shared(grams[i], grams[last]) / (grams[i].length + 1);
      if (score > bestScore) [best, bestScore] = [i, score];
    }
    order.push(best);
    left.delete(best);
    last = best;
  }
  return order;
}

const bytes = readFileSync(path);
const list = bodies(bytes);
const dir = mkdtempSync(join(tmpdir(), "order-functions-"));
try {
  const text = execFileSync("wasm-dis", [path], { encoding: "utf8", maxBuffer: 1 << 28 });
  // wasm-dis starts each module field on a line of its own at an indent of one space, and
  // indents a function's body further (its closing " )" too), in the module's order.
  const lines = text.split("\n");
  const field = (l) => l.startsWith(" (") || l === ")";
  const first = lines.findIndex((l) => l.startsWith(" (func "));
  const funcs = [];
  let end = first;
  while (lines[end]?.startsWith(" (func ")) {
    let next = end + 1;
    while (next < lines.length && !field(lines[next])) next++;
    funcs.push(lines.slice(end, next));
    end = next;
  }
  if (first < 0 || funcs.length !== list.length) fail(`wasm-dis wrote ${funcs.length} functions where the code section holds ${list.length}`);
  const head = lines.slice(0, first);
  const tail = lines.slice(end);
  if (tail.some((l) => l.startsWith(" (func "))) fail("the functions' text is not in one run");
  const assemble = (order, name) => {
    const file = join(dir, name);
    writeFileSync(`${file}.wat`, [...head, ...order.flatMap((i) => funcs[i]), ...tail].join("\n"));
    execFileSync("wasm-as", [...features, `${file}.wat`, "-o", `${file}.wasm`]);
    return readFileSync(`${file}.wasm`);
  };
  if (!assemble([...list.keys()], "same").equals(bytes)) fail("wasm-dis and wasm-as do not give back the same bytes");
  writeFileSync(path, assemble(chain(list), "ordered"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
