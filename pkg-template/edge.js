// Vercel's Edge Runtime (the `edge-light` condition), as Next.js's `runtime = "edge"` routes run
// in it. The .wasm is imported with `?module`, the Edge Runtime's way of getting a compiled
// WebAssembly.Module (it compiles no bytes), which webpack and Turbopack both build for Next.js.
// browser.js's `new URL(..., import.meta.url)` fetch works under webpack but not under
// Turbopack, Next.js 16's default, which registers that .wasm as a module binding, not as an
// asset its sandbox can fetch.
import wasm from "./qcloud_cdn_refresh_bg.wasm?module";
import { initSync } from "./qcloud_cdn_refresh.js";

// Next.js's local sandbox (`next dev`, `next start`) compiles the module in Node's realm, not
// the sandbox's, so it fails the glue's `instanceof WebAssembly.Module`, and the glue would then
// take it for bytes. Giving it this realm's prototype changes nothing else (a module
// instantiates in any realm), and nothing at all where it was compiled in this realm (Vercel's).
initSync({ module: Object.setPrototypeOf(wasm, WebAssembly.Module.prototype) });

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

/** Nothing to load: the module is ready on import. */
export function init() {
  return Promise.resolve();
}
