export { refreshCdnDir, signRequest, CdnError } from "./qcloud_cdn_refresh.js";
export type {
  RefreshConfig,
  RefreshResult,
  BatchResult,
  SignedRequest,
  CdnErrorKind,
  FetchInit,
  FetchResponse,
} from "./qcloud_cdn_refresh.js";
