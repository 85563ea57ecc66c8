// Cloudflare Workers (workerd, wrangler): the .wasm is imported as a compiled module, as
// Workers expect, and instantiated synchronously. No fs, no Buffer, no code generation.
import wasm from "./qcloud_cdn_refresh_bg.wasm";
import { initSync } from "./qcloud_cdn_refresh.js";

initSync({ module: wasm });

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

export function init() {
  return Promise.resolve();
}
