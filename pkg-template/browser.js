// Browsers and bundlers: the .wasm is fetched on first use from beside this module
// (new URL("qcloud_cdn_refresh_bg.wasm", import.meta.url)); `init(input?)` preloads it or
// points elsewhere.
import load from "./qcloud_cdn_refresh.js";
import { refreshCdnDir as refresh, signRequest as sign, CdnError } from "./api.js";

export { CdnError };

let loading;
let ready = false;

/** Loads the WebAssembly module once; `input` is a URL, a Response, bytes or a compiled module. */
export function init(input) {
  loading ??= load(input === undefined ? undefined : { module_or_path: input }).then(
    () => {
      ready = true;
    },
    (e) => {
      loading = undefined; // a later call may try again
      throw e;
    },
  );
  return loading;
}

export async function refreshCdnDir(config, dirs) {
  try {
    await init();
  } catch (e) {
    throw new CdnError(`could not load the WebAssembly module: ${e?.message ?? e}`, {
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
