// Node, `require`: `make pkg` bundles this with the ES-module glue into node.cjs (esbuild), so
// CommonJS callers on any Node >= 18 get the same API; the .wasm is read from beside it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "./qcloud_cdn_refresh.js";

initSync({ module: readFileSync(join(__dirname, "qcloud_cdn_refresh_bg.wasm")) });

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

export function init() {
  return Promise.resolve();
}
