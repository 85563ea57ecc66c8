// Node, `import`: ready on import. The .wasm is inlined as base64 (`make pkg` writes
// wasm-base64.js and bundles it in): no `node:fs` import, which costs an ES module about 3 ms
// of a cold start, and nothing to copy beside a bundle. 40 KB more in the npm tarball.
import { initSync } from "./qcloud_cdn_refresh.js";
import wasm from "./wasm-base64.js";

initSync({ module: Buffer.from(wasm, "base64") });

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

/** Nothing to load in Node: the module is ready on import. */
export function init() {
  return Promise.resolve();
}
