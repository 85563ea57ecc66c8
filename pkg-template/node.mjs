// Node, `import`, and Deno (through deno.js): ready on import. The .wasm is inlined as base64
// (`make pkg` writes wasm-base64.js and bundles it in): no `node:fs` import, which costs an ES
// module about 3 ms of a cold start, nothing to copy beside a bundle, and in Deno no
// permission and no `import source`, which Deno before 2.6 cannot parse. 40 KB more in the
// npm tarball.
import { instantiate } from "./instantiate.js";
import wasm from "./wasm-base64.js";

const bytes = typeof Buffer === "function" ? Buffer.from(wasm, "base64") : Uint8Array.from(atob(wasm), (c) => c.charCodeAt(0));
instantiate(bytes);

export { refreshCdnDir, signRequest, CdnError } from "./api.js";

/** Nothing to load: the module is ready on import. */
export function init() {
  return Promise.resolve();
}
