// What node.mjs and node-cjs.js share (`make pkg` bundles it into each): the .wasm they carry,
// instantiated at import. A runtime with WebAssembly turned off is named at once, in words, where
// the glue would throw "WebAssembly is not defined" from inside itself: a deploy script finds out
// when it starts, not at its first purge.
import { initSync } from "./qcloud_cdn_refresh.js";

export function instantiate(bytes) {
  if (typeof WebAssembly !== "object") {
    throw new Error("qcloud-cdn-refresh needs WebAssembly, which this runtime has turned off (node --jitless, or deno --v8-flags=--jitless)");
  }
  initSync({ module: bytes });
}
