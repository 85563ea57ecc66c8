// The anchor of `make bench`: a hand-written RefreshCdnDir client with node:crypto and fetch,
// the fastest a JavaScript programmer would write by hand (API-NOTES "Signature"). Not shipped.
import { createHmac } from "node:crypto";

const ENDPOINT = new URL("https://cdn.api.qcloud.com/v2/index.php");

// RFC 3986: everything but A–Z a–z 0–9 - . _ ~ percent-encoded as UTF-8.
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The POST body of one RefreshCdnDir request (HmacSHA1), as the library builds it. */
export function signBody({ secretId, secretKey, timestamp, nonce, endpoint = ENDPOINT }, dirs) {
  const params = [["Action", "RefreshCdnDir"], ["Nonce", String(nonce)], ["SecretId", secretId], ["Timestamp", String(timestamp)]];
  dirs.forEach((d, i) => params.push([`dirs.${i}`, d]));
  const sorted = params.map(([k, v]) => [k.replaceAll("_", "."), v]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const source = `POST${endpoint.host}${endpoint.pathname}?${sorted.map(([k, v]) => `${k}=${v}`).join("&")}`;
  params.push(["Signature", createHmac("sha1", secretKey).update(source).digest("base64")]);
  return params.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
}

/** Purges `dirs` (at most 20) with one signed POST through fetch; resolves to the reply. */
export async function purge(config, dirs, signal) {
  const endpoint = new URL(config.endpoint);
  const body = signBody({ ...config, endpoint, timestamp: Math.floor(Date.now() / 1000) }, dirs);
  const init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body };
  if (signal) init.signal = signal;
  const res = await fetch(endpoint, init);
  const reply = JSON.parse(await res.text());
  if (reply.code !== 0) throw new Error(`code ${reply.code}: ${reply.message}`);
  return reply;
}

/** The same with a per-request timeout, as a client that must not hang has one: an
 * AbortController that a timer aborts, its signal handed to fetch. */
export async function purgeWithTimeout(config, dirs, timeoutMs = 30000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await purge(config, dirs, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
