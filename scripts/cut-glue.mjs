// `node scripts/cut-glue.mjs GLUE.js`: removes from wasm-bindgen's glue the branches that no
// entry of this package can reach, which a minifier cannot prove dead. Each cut must match the
// glue exactly once, or the build stops: a wasm-bindgen release of another shape is caught here,
// and the cut reconsidered, rather than shipped half-applied.
import { readFileSync, writeFileSync } from "node:fs";

const CUTS = [
  {
    // Every entry calls initSync({ module }); the bare-module form only warns that it is
    // deprecated (76 bytes gzipped).
    what: "initSync's branch for a module passed bare",
    from: /\n    if \(module !== undefined\) \{\n        if \(Object\.getPrototypeOf\(module\) === Object\.prototype\) \{\n            \(\{module\} = module\)\n        \} else \{\n            console\.warn\([^\n]*\)\n        \}\n    \}\n/g,
    to: "\n    ({ module } = module);\n",
  },
  {
    // Every call of passStringToWasm0 in the glue passes the .wasm's realloc.
    what: "passStringToWasm0's branch for a call without realloc",
    from: /\n    if \(realloc === undefined\) \{\n        const buf = cachedTextEncoder\.encode\(arg\);\n[^}]*\n        return ptr;\n    \}\n/g,
    to: "\n",
  },
  {
    // TextEncoder's encodeInto is in every runtime the package supports (Node 18, Deno, Bun,
    // Workers, and browsers since 2020).
    what: "the encodeInto polyfill",
    from: /\nif \(!\('encodeInto' in cachedTextEncoder\)\) \{\n    cachedTextEncoder\.encodeInto = function \(arg, view\) \{\n[^]*?\n    \};\n\}\n/g,
    to: "\n",
  },
  {
    // The DataView that returns values into the .wasm's memory was checked against its buffer
    // on every use: `buffer` and `detached` are getters V8 does not inline, and each string
    // read from JS (every directory, every option) pays for two uses. A view of the current
    // memory is the one made for the current Uint8Array, whose check (byteLength 0 once growth
    // detached it) V8 does inline: -3 % instructions per signRequest, -2.7 % per refreshCdnDir.
    what: "getDataViewMemory0's buffer check",
    from: /\nfunction getDataViewMemory0\(\) \{\n    if \(cachedDataViewMemory0 === null \|\| cachedDataViewMemory0\.buffer\.detached === true \|\| \(cachedDataViewMemory0\.buffer\.detached === undefined && cachedDataViewMemory0\.buffer !== wasm\.\w+\.buffer\)\) \{\n/g,
    to: "\nlet dataViewOf = null;\nfunction getDataViewMemory0() {\n    if (dataViewOf !== getUint8ArrayMemory0()) {\n        dataViewOf = getUint8ArrayMemory0();\n",
  },
  {
    // A Call is drive.js's own, which frees it in a `finally`; nothing disposes of it with `using`.
    what: "Call's Symbol.dispose",
    from: /\nif \(Symbol\.dispose\) Call\.prototype\[Symbol\.dispose\] = Call\.prototype\.free;\n/g,
    to: "\n",
  },
];

const file = process.argv[2];
let text = readFileSync(file, "utf8");
for (const { what, from, to } of CUTS) {
  const found = text.match(from)?.length ?? 0;
  if (found !== 1) {
    console.error(`cut-glue: ${what} matched ${found} times in ${file}, not once`);
    process.exit(1);
  }
  text = text.replace(from, to);
}
// The realloc branch is dead only while every call passes realloc.
for (const [call, args] of text.matchAll(/(?<!function )passStringToWasm0\(([^)]*)\)/g)) {
  if (args.split(",").length !== 3) {
    console.error(`cut-glue: passStringToWasm0 called without realloc: ${call}`);
    process.exit(1);
  }
}
writeFileSync(file, text);
