// Runs one refreshCdnDir call over fetch: the only code that sends anything. The call (a
// `Call` from src/js/mod.rs) decides what to send and what each reply means; this loop moves
// the bytes, and turns a fetch that throws, or resolves to something that is not a Response,
// into a network error for the batch in flight.
export async function drive(call) {
  try {
    for (let request = call.next(); request !== undefined; request = call.next()) {
      const reply = await send(call.fetch, request);
      if (typeof reply === "string") throw call.networkError(reply);
      call.response(reply.status, reply.body);
    }
    return call.finish();
  } finally {
    call.free();
  }
}

// `{ status, body }`, or a string saying why there is no response.
async function send(fetch, { method, url, headers, body }) {
  let response;
  try {
    response = await fetch.call(globalThis, url, body === null ? { method, headers } : { method, headers, body });
  } catch (e) {
    return describe(e);
  }
  const status = response?.status;
  if (typeof status !== "number" || !(status >= 100 && status < 1000)) {
    return "fetch resolved to something that is not a Response (no HTTP status)";
  }
  if (typeof response.text !== "function") return "fetch resolved to something that is not a Response (no text())";
  try {
    const text = await response.text();
    return { status, body: typeof text === "string" ? text : "" };
  } catch (e) {
    return `reading the response body failed: ${describe(e)}`;
  }
}

// A thrown value as text: an Error's message, with its cause when it has one (Node's fetch
// says "fetch failed" and puts the reason in `cause`).
function describe(thrown) {
  const message = (v) => (v instanceof Error ? v.message : typeof v === "string" ? v : "a non-Error value was thrown");
  const cause = thrown?.cause;
  return cause === undefined || cause === null ? message(thrown) : `${message(thrown)} (${message(cause)})`;
}
