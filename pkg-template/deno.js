// Deno: ready on import. The .wasm is imported as a compiled module (a source-phase import),
// which needs no --allow-read.
import source wasm from "./qcloud_cdn_refresh_bg.wasm";
import { initSync } from "./qcloud_cdn_refresh.js";

initSync({ module: wasm });

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

export function init() {
  return Promise.resolve();
}
