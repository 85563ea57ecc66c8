// `node scripts/short-names.mjs DIR`: gives the .wasm in DIR (wasm-pack's --target web output)
// one-letter import and export names, and renames them to match in the glue beside it.
// wasm-bindgen names each import after its function and a 16-digit hash, and its module after
// the file it comes from ("./qcloud_cdn_refresh_bg.js", "./snippets/<crate-hash>/src/js/..."):
// about 2 KB of text that neither gzip nor a minifier can shrink, in the .wasm and again as the
// glue's property keys. binaryen's --minify-imports-and-exports-and-modules renames them in the
// .wasm and prints the old-to-new map; this script applies that map to the glue and its .d.ts,
// and fails on any name it cannot place exactly once, so a wasm-bindgen upgrade that changes
// the glue's shape stops the build instead of shipping a module that cannot instantiate.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { features } from "./wasm-features.mjs";

const dir = process.argv[2];
const name = "qcloud_cdn_refresh";
const wasmPath = join(dir, `${name}_bg.wasm`);
const jsPath = join(dir, `${name}.js`);
const dtsPath = join(dir, `${name}.d.ts`);

// No optimisation pass, so the code is the bytes wasm-pack already optimised.
const map = JSON.parse(
  execFileSync("wasm-opt", [wasmPath, "-o", wasmPath, "--minify-imports-and-exports-and-modules", ...features], {
    encoding: "utf8",
  }),
);

const fail = (message) => {
  console.error(`short-names: ${message}`);
  process.exit(1);
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// Replaces the one match of `pattern` in `text`; anything but exactly one is a failure.
function once(text, pattern, replacement, what) {
  const count = text.match(new RegExp(pattern.source, "gm"))?.length ?? 0;
  if (count !== 1) fail(`${what}: found ${count} times in the glue, expected once`);
  return text.replace(new RegExp(pattern.source, "m"), replacement);
}

const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmPath))).map((i) => i.module));
if (modules.size !== 1) fail(`expected the .wasm to import from one module, got ${[...modules].join(", ")}`);
const [module] = modules;
let js = readFileSync(jsPath, "utf8");
let dts = readFileSync(dtsPath, "utf8");

// The glue's import object: `return { __proto__: null, "<module>": importN, ... };`, where
// import0 is the object of functions the glue writes and the others are snippet modules.
const ret = js.match(/^    return \{\n        __proto__: null,\n((?:        "[^"]+": import\d+,\n)+)    \};\n/m);
if (!ret) fail("the glue's import object (`return { __proto__: null, ... }`) has an unexpected shape");
const namespaces = Object.fromEntries([...ret[1].matchAll(/"([^"]+)": (import\d+)/g)].map((m) => [m[1], m[2]]));

const borrowed = [];
for (const [from, base, short] of map.imports) {
  const ns = namespaces[from] ?? fail(`the .wasm imports from ${from}, which the glue does not provide`);
  if (ns === "import0") {
    js = once(js, new RegExp(`^(        )${escape(base)}(: function)`), `$1${short}$2`, `import ${base}`);
  } else {
    borrowed.push(`${short}: ${ns}.${base}`);
  }
}
js = js.replace(ret[0], `    return { __proto__: null, ${JSON.stringify(module)}: Object.assign(import0, { ${borrowed.join(", ")} }) };\n`);

// Some exports appear in neither: wasm-bindgen's __abort_handler and __instance_terminated,
// which this glue does not use.
for (const [base, short] of map.exports) {
  js = js.replace(new RegExp(`\\bwasm\\.${escape(base)}\\b`, "g"), `wasm.${short}`);
  dts = dts.replace(new RegExp(`^(    readonly )${escape(base)}(:)`, "m"), `$1${short}$2`);
}
const shortExports = new Set(map.exports.map(([, short]) => short));
for (const [, used] of js.matchAll(/\bwasm\.(\w+)/g)) {
  if (!shortExports.has(used)) fail(`the glue uses wasm.${used}, which the .wasm no longer exports`);
}

writeFileSync(jsPath, js);
writeFileSync(dtsPath, dts);
