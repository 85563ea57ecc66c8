// Node, `import`: ready on import; the .wasm is read from beside this file.
import { readFileSync } from "node:fs";
import { initSync } from "./qcloud_cdn_refresh.js";

// Beside this file: through import.meta.url in Node's ES modules, and through __dirname where a
// bundler made this module CommonJS (esbuild --format=cjs leaves import.meta empty), the .wasm
// then copied beside the bundle as for node.cjs.
const wasm = import.meta.url ? new URL("./qcloud_cdn_refresh_bg.wasm", import.meta.url) : `${__dirname}/qcloud_cdn_refresh_bg.wasm`;
initSync({ module: readFileSync(wasm) });

export { refreshCdnDir, signRequest, CdnError, __testTrap } from "./api.js";

/** Nothing to load in Node: the module is ready on import. */
export function init() {
  return Promise.resolve();
}
