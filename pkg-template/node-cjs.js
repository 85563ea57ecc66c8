// Node, `require`: `make pkg` bundles this with the ES-module glue into node.cjs (esbuild), so
// CommonJS callers on any Node >= 18 get the same API. The .wasm is inlined as base64, as in
// node.mjs: a bundle of `require()` code (a Lambda zip, a single-executable application) needs
// nothing beside it. Buffer is imported, not global: Jest's jsdom environment runs this entry with
// jsdom's globals (see scripts/pkg.sh).
import { Buffer } from "node:buffer";
import { instantiate } from "./instantiate.js";
import wasm from "./wasm-base64.js";

instantiate(Buffer.from(wasm, "base64"));

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

export function init() {
  return Promise.resolve();
}
