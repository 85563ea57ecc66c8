// Deno: the Node `import` entry, whose .wasm is inlined, so no --allow-read is needed. Not an
// `import source` of the .wasm: that is a syntax error before Deno 2.6, and the tests run
// Deno 2.0 as well as the newest.
export { refreshCdnDir, signRequest, CdnError, init } from "./node.mjs";
