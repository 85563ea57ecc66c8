// Runs one refreshCdnDir call over fetch: the only code that sends anything. The call (a
// `Call` from src/js/mod.rs) decides what to send, what each reply means, whether a failed
// batch is sent again and after how long; this loop moves the bytes and keeps time:
// - each attempt is abandoned after `timeoutMs` (request and reply body), even when the fetch
//   ignores its AbortSignal;
// - `config.signal` aborts the attempt in flight, a wait between attempts, or the next send;
// - a fetch that throws, or resolves to something that is not a Response, is a network error.
export async function drive(call, fetch, signal, onProgress, timeoutMs, count) {
  const batches = [];
  // The .wasm reads every report's body and Retry-After as strings ("" for none).
  const report = (outcome, status = 0, body = "", retryAfter = "") => call.report(outcome, status, body, retryAfter);
  let request;
  let sent = false; // whether the batch not yet accepted was sent, in any attempt
  try {
    for (;;) {
      request = call.next();
      if (request === undefined) return result(batches); // every batch accepted
      if (signal?.aborted) report(ABORTED);
      sent = true;
      const reply = await send(fetch, request, signal, timeoutMs);
      const step = reply.cut
        ? report(reply.cut === "timeout" ? TIMEOUT : ABORTED_IN_FLIGHT)
        : typeof reply === "string"
          ? report(NO_RESPONSE, 0, reply)
          : reply.lost !== undefined
            ? report(BODY_LOST, reply.status, reply.lost)
            : report(RESPONSE, reply.status, reply.body, reply.retryAfter);
      if (typeof step === "number") {
        if (!(await sleep(step, signal))) report(ABORTED);
      } else {
        batches.push(step);
        sent = false;
        try {
          // A failing progress callback must not lose track of the purge; an async one's
          // rejection is ignored too, not left unhandled (which ends a Node process).
          const settled = onProgress?.({ batch: batches.length, batches: count, dirs: step.dirs, result: step });
          if (typeof settled?.then === "function") settled.then(undefined, () => {});
        } catch {
          // ignored, as above
        }
      }
    }
  } catch (e) {
    // An abort's error carries the signal's reason, as fetch's own rejection would.
    if (e?.kind === "aborted" && signal?.aborted) e.cause = signal.reason;
    // A trap (a bug) takes what is known of the purge to pkg-template/api.js, which makes
    // the CdnError: the accepted batches' directories, and those of a batch that was sent.
    if (e instanceof WebAssembly.RuntimeError) [e.purged, e.maybe] = [dirsOf(batches), sent ? request.dirs : []];
    throw e;
  } finally {
    try {
      call.free();
    } catch {
      // A trap in a call method (a bug) leaves the call borrowed, and freeing it throws; the
      // trap itself is what must reach the caller (pkg-template/api.js makes it a CdnError).
    }
  }
}

// The `RefreshResult` of a call whose every batch was accepted, made of the `BatchResult`s
// its progress events carried, each made once: the last batch's code, message and codeDesc,
// and every directory in order.
function result(batches) {
  const { code, message, codeDesc } = batches[batches.length - 1];
  return { code, message, codeDesc, dirs: dirsOf(batches), batches };
}

// The directories of `batches` in order (they hold them in order, duplicates already removed).
// concat, not flatMap: a tenth of the time in V8, and it too takes a dirs that onProgress replaced.
const dirsOf = (batches) => [].concat(...batches.map((b) => b.dirs));

// The clock every request is signed by (src/js/transport.rs): this machine's, corrected by
// what the API's replies say the time is. A reply whose Date (RFC 9110 §6.6.1) is 5 minutes or
// more from the corrected clock, which is as far as the API lets a timestamp stray (API-NOTES
// "Common parameters"), sets the correction to the difference; the request it refused as
// expired is then signed again by it (src/retry.rs), and so is every later one in this realm.
// The AWS SDKs keep a clock offset the same way.
let skew = 0;
export const now = () => Date.now() + skew;
function learnClock(date) {
  const off = date - Date.now(); // NaN without a Date, and then the test is false
  if (Math.abs(off - skew) >= 300000) skew = off;
}

// What a page adds when its own fetch (not config.fetch) threw for a URL of another origin: a
// browser reports a reply withheld for want of CORS headers as it reports a lost connection
// ("Failed to fetch"), and the API sends none (README "A same-origin proxy").
function crossOrigin(fetch, url) {
  try {
    if (fetch === globalThis.fetch && hasPage() && new URL(url, location.href).origin !== location.origin) {
      return " (in a page, also how an API of another origin without CORS headers, as Tencent's, fails: use a same-origin config.proxyUrl)";
    }
  } catch {
    // no hint
  }
  return "";
}

// The runtime's own fetch, when config.fetch is not given (src/js/transport.rs).
export const globalFetch = () => globalThis.fetch;

// The same for retryMaybePurged: false. The newest Deno sends a request again by itself when a
// reused keep-alive connection drops after it went out, which may purge a batch twice; through
// a client that keeps no idle connection it does not (README "Failure handling"). One client,
// made on first use; where there is no Deno.createHttpClient, the runtime's own fetch.
let unpooled;
export function onceFetch() {
  try {
    const client = (unpooled ??= Deno.createHttpClient({ poolMaxIdlePerHost: 0 }));
    return (url, init) => fetch(url, { ...init, client });
  } catch {
    return globalFetch();
  }
}

// Whether a path such as config.proxyUrl "/cdn-api" has a page to be relative to, as in a
// browser (or a Web Worker); Node and Workers have no location, and Deno's throws unless it
// was started with --location.
export function hasPage() {
  try {
    return typeof globalThis.location?.href === "string";
  } catch {
    return false;
  }
}

// What `call.report` is told (src/js/mod.rs, `outcome`); the reports of an interruption throw.
const RESPONSE = 0;
const NO_RESPONSE = 1;
const TIMEOUT = 2;
const ABORTED_IN_FLIGHT = 3;
const ABORTED = 4;
const BODY_LOST = 5;

// `{ status, body, retryAfter }`, `{ status, lost }` when the body could not be read (`lost`
// says why), `{ cut: "timeout" | "aborted" }`, or a string saying why there is no response.
async function send(fetch, { method, url, headers, body }, signal, timeoutMs) {
  const controller = new AbortController();
  let cut;
  let onCut;
  const cutShort = new Promise((resolve) => (onCut = resolve));
  const stop = (why) => {
    if (cut) return;
    cut = why;
    controller.abort();
    onCut({ cut });
  };
  const timer = setTimeout(() => stop("timeout"), timeoutMs);
  const onAbort = () => stop("aborted");
  signal?.addEventListener("abort", onAbort);
  const attempt = async () => {
    let response;
    try {
      // A redirect is not followed, but reported (src/reply.rs says why).
      const init = { method, headers, signal: controller.signal, redirect: "manual" };
      if (body !== null) init.body = body;
      response = await fetch.call(globalThis, url, init);
    } catch (e) {
      return describe(e) + crossOrigin(fetch, url);
    }
    // A getter of a fetch double's or a polyfill's reply may throw (the outer catch); reading
    // the body may fail after the status came (the inner one).
    try {
      // A page's fetch hides a redirect's status and headers: 0 stands for it.
      const redirect = response?.type === "opaqueredirect";
      const status = redirect ? 0 : response?.status;
      if (!redirect && (typeof status !== "number" || !(status >= 100 && status < 1000))) {
        return "fetch resolved to something that is not a Response (no HTTP status)";
      }
      if (typeof response.text !== "function") return "fetch resolved to something that is not a Response (no text())";
      const retryAfter = header(response, "retry-after");
      learnClock(Date.parse(header(response, "date")));
      try {
        const text = await read(response);
        // A redirect's body says nothing; its target does (src/reply.rs names it).
        const body = status > 299 && status < 400 ? header(response, "location") : text;
        return { status, body: typeof body === "string" ? body.slice(0, BODY_MAX) : "", retryAfter };
      } catch (e) {
        return { status, lost: describe(e) };
      }
    } catch (e) {
      return `fetch resolved to something that is not a Response (reading it threw: ${describe(e)})`;
    }
  };
  try {
    const outcome = await Promise.race([attempt(), cutShort]);
    return cut ? { cut } : outcome;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

// The most of a reply's body that goes to the .wasm: the API's replies are a few hundred bytes,
// and a page or a file copied whole into its memory would grow that for good.
const BODY_MAX = 65536;

// A body as text, up to the chunk that takes it past BODY_MAX: the rest is not downloaded, so a
// file or an endless stream in place of the API's reply ends the attempt at once, where text()
// would hold gigabytes by the time `timeoutMs` ended it (a Worker has 128 MB). text() only
// when there is no stream to read (a fetch double's reply).
async function read(response) {
  const reader = response.body?.getReader?.();
  if (!reader) return response.text();
  const utf8 = new TextDecoder();
  for (let text = ""; ; ) {
    const { done, value } = await reader.read();
    text += utf8.decode(value, { stream: !done });
    // Cancelling a stream that is done changes nothing.
    if (done || text.length > BODY_MAX) return reader.cancel().catch(() => {}), text;
  }
}

// A header of `response` as a string, or undefined: a fetch double may have no headers, or a
// getter that throws, and a Map standing in for Headers may hold a number.
function header(response, name) {
  try {
    const value = response.headers?.get?.(name);
    return value === undefined || value === null ? undefined : String(value);
  } catch {
    // as if absent
  }
}

// Resolves true after `ms`, or false as soon as `signal` aborts.
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (finished) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort);
  });
}

// A thrown value as text: an Error's message, with its causes when it has them (Node's fetch
// says "fetch failed" and puts the reason in `cause`, behind a proxy two levels down: "fetch
// failed (Request was cancelled.) (Proxy response (407) !== 200 when HTTP Tunneling)"), and
// each one's `code` when the message leaves it out ("other side closed, UND_ERR_SOCKET"), which
// tells src/retry.rs whether the request never left. Read by shape, not instanceof Error: an
// error from another realm (an iframe's fetch, a vm context, a DOMException) is not one here.
function describe(thrown) {
  const message = (v) => {
    const text = typeof v?.message === "string" ? v.message : typeof v === "string" ? v : "a value that is not an Error was thrown";
    const code = v?.code;
    return typeof code !== "string" || text.includes(code) ? text : text ? `${text}, ${code}` : code;
  };
  try {
    let text = message(thrown);
    // At most three causes: a cause may be its own.
    for (let cause = thrown?.cause, n = 0; cause != null && n < 3; cause = cause.cause, n++) text += ` (${message(cause)})`;
    return text;
  } catch {
    // A Proxy or a getter that throws: describing must not lose the call's accounting.
    return "a value whose fields could not be read was thrown";
  }
}
