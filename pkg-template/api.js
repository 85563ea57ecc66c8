// What every entry exports: the wasm-bindgen functions, guarded so that a trap (a panic, i.e.
// a bug in this library) reaches the caller as a CdnError of kind "internal" instead of an
// opaque WebAssembly.RuntimeError. The module keeps working after one.
import { refreshCdnDir as refresh, signRequest as sign, __testTrap as trap } from "./qcloud_cdn_refresh.js";
import { CdnError } from "./@CDN_ERROR_JS@";

export { CdnError };

function internal(e, config, dirs) {
  if (!(e instanceof WebAssembly.RuntimeError)) return e;
  let given = [];
  try {
    // The directories as the call sent them (one spelling each, as in submitted and
    // maybeSubmitted), planned again: the module keeps working after a trap. As given when
    // planning is what trapped, or refuses.
    given = sign(config, dirs).flatMap((r) => r.dirs);
  } catch {
    try {
      given = typeof dirs === "string" ? [dirs] : Array.from(dirs ?? [], String);
    } catch {
      // dirs that cannot be read cannot be listed
    }
  }
  // What src/js/drive.js knew when a call trapped; nothing was sent when anything else did.
  const { purged: submitted = [], maybe: maybeSubmitted = [] } = e;
  const known = new Set([...submitted, ...maybeSubmitted]);
  return new CdnError(
    `internal error in qcloud-cdn-refresh (${e.message}); please report it`,
    { kind: "internal", submitted, maybeSubmitted, pending: [...new Set(given)].filter((d) => !known.has(d)) },
  );
}

function guard(f) {
  return (config, dirs) => {
    try {
      const out = f(config, dirs);
      return out instanceof Promise ? out.catch((e) => Promise.reject(internal(e, config, dirs))) : out;
    } catch (e) {
      throw internal(e, config, dirs);
    }
  };
}

const guardedRefresh = guard(refresh);

/** See index.d.ts. */
export function refreshCdnDir(config, dirs) {
  try {
    return guardedRefresh(config, dirs);
  } catch (e) {
    return Promise.reject(e);
  }
}

export const signRequest = guard(sign);

// Traps on purpose, through the same guard: how the tests check it. Not part of the API: no
// entry of the package exports it, so the tests import this module by its path. Pure, so that
// a bundle without it (browser.js) leaves it out.
export const __testTrap = /* @__PURE__ */ guard(() => trap(true));
