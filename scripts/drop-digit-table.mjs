// `node scripts/drop-digit-table.mjs FILE.wasm`: removes core's two-digit table ("00" to "99",
// 200 bytes of data that gzip can barely shrink) from the .wasm when no code is left that reads it.
// The table belongs to `core::fmt`'s integer formatting, which this crate never uses for anything
// that reaches JavaScript (src/text.rs writes its numbers); it is linked only because alloc's
// default out-of-memory handler formats "memory allocation of {size} bytes failed" for a panic
// handler that throws the message away. wasm-opt then removes that formatting code, but no tool
// removes bytes from the data. Dead means: no `i32.const` and no load or store offset in the
// code points into the table (code that reads it holds an address inside it, constant offsets
// folded in; the address just past its end is the next static's), and the module has no
// function table, so no code runs but through a direct call or an export; nor may the code name
// segments by index (`memory.init`, `data.drop`), which removing one would renumber.
// Anything else leaves the .wasm as it is and says so; the size test then shows the bytes.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dataSegments, leb, sections } from "../tests/js/wasm-binary.mjs";
import { features } from "./wasm-features.mjs";

const path = process.argv[2];
const bytes = readFileSync(path);
const TABLE = Buffer.from(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).join(""));
const keep = (why) => {
  console.log(`drop-digit-table: kept (${why})`);
  process.exit(0);
};

/** `n` as unsigned LEB128. */
function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

const list = [...sections(bytes)];
let segments;
try {
  segments = dataSegments(bytes);
} catch {
  keep("a data segment whose offset is not a constant");
}
// Only active segments of memory 0 at a constant address (flag 0), which the rewrite below copies as they are.
if (segments.some((s) => s.flags !== 0)) keep("a data segment of another kind");
const dead = segments.find((s) => s.body.equals(TABLE)) ?? keep("no two-digit table");

const text = execFileSync("wasm-dis", [path], { encoding: "utf8", maxBuffer: 1 << 28 });
if (/\(table [^)]*funcref|\(elem /.test(text)) keep("the module has a function table");
// Removing a segment renumbers the ones after it, which these instructions name.
if (/memory\.init|data\.drop/.test(text)) keep("the code names data segments by index");
const code = text.replace(/^ \(data .*$/gm, "");
const refs = [...code.matchAll(/i32\.const (-?\d+)|offset=(\d+)/g)].map((m) => Number(m[1] ?? m[2]));
const last = dead.address + TABLE.length;
if (refs.some((r) => r >= dead.address && r < last)) keep("code refers to it");

const index = segments.indexOf(dead);
const rest = segments.filter((s) => s !== dead).map((s) => bytes.subarray(s.start, s.end));
const content = Buffer.concat([uleb(rest.length), ...rest]);

/** A name section (what `make size`'s build with names has) without the segment's name, the later ones renumbered. */
function names(s) {
  const section = bytes.subarray(s.start, s.end);
  const [length, at] = leb(section, 0);
  if (section.subarray(at, at + length).toString() !== "name") return section;
  const out = [section.subarray(0, at + length)];
  for (let p = at + length; p < section.length; ) {
    const id = section[p];
    const [size, start] = leb(section, p + 1);
    p = start + size;
    let body = section.subarray(start, p);
    if (id === 9) {
      // Data segment names: a vector of (index, name).
      let [n, q] = leb(body, 0);
      const kept = [];
      while (n--) {
        const [i, afterIndex] = leb(body, q);
        const [nameLength, name] = leb(body, afterIndex);
        q = name + nameLength;
        if (i !== index) kept.push(uleb(i > index ? i - 1 : i), body.subarray(afterIndex, q));
      }
      body = Buffer.concat([uleb(kept.length / 2), ...kept]);
    }
    out.push(Buffer.from([id]), uleb(body.length), body);
  }
  return Buffer.concat(out);
}

const out = [bytes.subarray(0, 8)];
for (const s of list) {
  // The data count section (bulk memory) repeats the number of segments.
  const body = s.id === 11 ? content : s.id === 12 ? uleb(rest.length) : s.id === 0 ? names(s) : bytes.subarray(s.start, s.end);
  out.push(Buffer.from([s.id]), uleb(body.length), body);
}
const result = Buffer.concat(out);
writeFileSync(path, result);
// Validated as every later step will read it.
execFileSync("wasm-opt", [...features, "--quiet", path, "-o", "/dev/null"]);
console.log(`drop-digit-table: removed ${TABLE.length} bytes at ${dead.address}`);
