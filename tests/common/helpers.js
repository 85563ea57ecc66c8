// Test doubles for the JS surface: a recording fetch that answers with canned replies.

// replies: [{ status, body }], [{ throws: "message", code }] (fetch rejects, its cause with
// that `code` when given) or
// [{ status, bodyThrows: "message" }] (reading the body rejects), [{ hostile: true }] (fetch
// rejects with a value whose every field throws) or [{ status, textThrows: "message" }] (the
// reply's `text` getter throws) or [{ status, body, retryAfter }] (a reply whose headers are a
// Map, as a hand-made double's may be, so `get` can return a number); the last one repeats.
export function recorder(replies) {
  const calls = [];
  async function fetch(url, init) {
    calls.push({ url, init, thisIsGlobal: this === globalThis });
    const r = replies[Math.min(calls.length - 1, replies.length - 1)];
    if (r.throws) throw new TypeError("fetch failed", { cause: Object.assign(new Error(r.throws), r.code && { code: r.code }) });
    if (r.hostile) {
      throw new Proxy({}, { get: () => { throw new Error("a trap threw"); } });
    }
    if (r.retryAfter !== undefined) {
      return { status: r.status, headers: new Map([["retry-after", r.retryAfter]]), text: async () => r.body };
    }
    if (r.textThrows) {
      return { status: r.status, get text() { throw new Error(r.textThrows); } };
    }
    if (r.bodyThrows) {
      return { status: r.status, headers: new Headers(), text: () => Promise.reject(new TypeError("terminated", { cause: new Error(r.bodyThrows) })) };
    }
    return new Response(r.body, { status: r.status, headers: { "content-type": "application/json" } });
  }
  return { fetch, calls };
}

// Everything a program or a log could show of a value.
export function exposures(value) {
  const parts = [String(value), JSON.stringify(value)];
  if (value && typeof value === "object") {
    parts.push(String(value.message), String(value.stack));
    for (const k of Object.keys(value)) parts.push(String(value[k]), JSON.stringify(value[k]));
  }
  return parts.join("\n");
}

export function parseForm(body) {
  return [...new URLSearchParams(body).entries()];
}

// A config whose options are getters of its class, as a program's own settings object may be.
export function classConfig(fields) {
  class Settings {
    helper() {
      return "not an option";
    }
  }
  for (const [key, value] of Object.entries(fields)) {
    Object.defineProperty(Settings.prototype, key, { get: () => value });
  }
  return new Settings();
}

// `Object.create(defaults)` with `own` as its own fields.
export function inheriting(defaults, own) {
  return Object.assign(Object.create(defaults), own);
}
