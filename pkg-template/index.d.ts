export { refreshCdnDir, signRequest, CdnError } from "./qcloud_cdn_refresh.js";
export type {
  RefreshConfig,
  RefreshConfigV2,
  RefreshConfigV3,
  RefreshResult,
  BatchResult,
  ProgressEvent,
  SignedRequest,
  CdnErrorKind,
  FetchInit,
  FetchResponse,
} from "./qcloud_cdn_refresh.js";

/**
 * Loads the WebAssembly module. Needed only in a browser before a first `signRequest`
 * (`refreshCdnDir` loads it by itself); in Node, Deno and Workers it is ready on import and this
 * resolves at once. `input` points at the `.wasm` when it is not beside the module. Rejects with
 * a `CdnError` of kind `"network"` naming the URL tried when the `.wasm` cannot be loaded; a later
 * call tries again.
 */
export function init(input?: string | URL | Response | ArrayBuffer | ArrayBufferView | WasmModule): Promise<void>;

/**
 * `WebAssembly.Module` where the DOM library declares it (browsers, and bundler projects); a
 * Node project compiled without it (the ES library and `@types/node`) has none to pass.
 */
type WasmModule = typeof globalThis extends { WebAssembly: { Module: new (...args: never[]) => infer M } } ? M : never;
