// Node, `import`: ready on import; the .wasm is read from beside this file.
import { readFileSync } from "node:fs";
import { initSync } from "./qcloud_cdn_refresh.js";

initSync({ module: readFileSync(new URL("./qcloud_cdn_refresh_bg.wasm", import.meta.url)) });

export { refreshCdnDir, signRequest, CdnError, __testTrap } from "./api.js";

/** Nothing to load in Node: the module is ready on import. */
export function init() {
  return Promise.resolve();
}
