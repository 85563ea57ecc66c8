// Browsers and bundlers: the .wasm is fetched on first use from beside this module
// (new URL("qcloud_cdn_refresh_bg.wasm", import.meta.url)); `init(input?)` preloads it or
// points elsewhere.
import { initSync } from "./qcloud_cdn_refresh.js";
import { refreshCdnDir as refresh, signRequest as sign, CdnError } from "./api.js";

export { CdnError };

let loading;
let ready = false;

/** Loads the WebAssembly module once; `input` is a URL, a Response, bytes or a compiled module. */
export function init(input) {
  return (loading ??= load1(input ?? new URL("qcloud_cdn_refresh_bg.wasm", import.meta.url)));
}

// A URL is fetched here rather than by the glue so that a failure names it, and so that an HTML
// page where the .wasm should be (a dev server's fallback when a bundler moved this module
// without its .wasm, as Vite's before 8 does) is said in words, not as a bad magic number.
// The bytes are compiled asynchronously, then instantiated at once by the glue's initSync: its
// async loader (streaming compilation, and a console warning when the server's MIME type is
// not application/wasm) is left out of the bundle; streaming gains nothing measurable for a
// module this small.
async function load1(input) {
  const url = typeof input == "string" || input instanceof URL ? input : undefined;
  try {
    if (url) {
      input = await fetch(url);
      if (!input.ok) throw Error(`HTTP ${input.status}`);
      if (/html/.test(input.headers.get("content-type"))) {
        throw Error("an HTML page came back, not the .wasm: if a bundler moved this module, copy the .wasm beside it or pass its URL to init()");
      }
    }
    if (typeof input?.arrayBuffer == "function") input = await input.arrayBuffer(); // a Response
    initSync({ module: input instanceof WebAssembly.Module ? input : await WebAssembly.compile(input) });
    ready = true;
  } catch (e) {
    loading = undefined; // a later call may try again
    // Chromium's words for a page whose Content-Security-Policy refuses WebAssembly suggest
    // 'unsafe-eval', which would allow eval() too; 'wasm-unsafe-eval' allows only this.
    let why = String(e?.message ?? e);
    if (/CSP|Content Security/i.test(why)) why = why.replace(/\.?$/, "; allow it with script-src 'wasm-unsafe-eval' in the page's Content-Security-Policy");
    throw new CdnError(`could not load the WebAssembly module${url ? ` from ${url}` : ""}: ${why}`, { kind: "network" });
  }
}

export async function refreshCdnDir(config, dirs) {
  try {
    await init();
  } catch (e) {
    throw new CdnError(e.message, {
      kind: "network",
      pending: typeof dirs === "string" ? [dirs] : Array.isArray(dirs) ? dirs.filter((d) => typeof d === "string") : [],
    });
  }
  return refresh(config, dirs);
}

export function signRequest(config, dirs) {
  if (!ready) {
    throw new CdnError("signRequest needs the WebAssembly module: `await init()` once first (refreshCdnDir loads it by itself)", {
      kind: "invalid-input",
    });
  }
  return sign(config, dirs);
}
