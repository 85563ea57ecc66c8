// The objects the boundary (src/js/mod.rs) hands to JavaScript, each made here in one call as
// an object literal: setting a field at a time from Rust crosses the boundary once per field
// and was a third of signRequest's time. A list of directories arrives as one string joined by
// "\n", which no validated directory contains (src/dirs.rs, `Dir`): one string to decode
// instead of one per directory.

export function signedRequest(method, url, headers, body, dirs) {
  return { method, url, headers, body, dirs: dirs.split("\n") };
}

export function batchResult(dirs, code, message, codeDesc, attempts, taskId, requestId) {
  const batch = { dirs: dirs.split("\n"), code, message, codeDesc, attempts };
  if (taskId !== undefined) {
    batch.taskId = taskId;
    batch.requestId = requestId;
  }
  return batch;
}

// A field of a fresh plain object (headers, an error's fields), which cannot throw; js_sys's
// Reflect.set is wrapped in a try/catch on every call.
export function put(target, key, value) {
  target[key] = value;
}

// `target[key]` if it is a string: one call where `Reflect.get`, a type test and dropping the
// value would be three. The .wasm reads any other value again, and a getter that throws, to
// say what it is.
export function textAt(target, key) {
  try {
    const value = target[key];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

// A lone UTF-16 surrogate, which would reach the .wasm as U+FFFD: a high one not followed by a
// low one, or a low one not preceded by a high one. Without a lookbehind, which is a syntax
// error that would stop the whole module loading in Safari before 16.4; and not
// String.prototype.isWellFormed, missing from Node 18.
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;

// `textAt(dirs, i)`, or `dirs` when it is one string, if it also has no LONE surrogate.
export function dirAt(dirs, i) {
  const dir = typeof dirs === "string" ? dirs : textAt(dirs, i);
  return dir !== undefined && !LONE.test(dir) ? dir : undefined;
}

// What a wrong value is, for "got …": its typeof, but "null", "an array", and the class of an
// object made by one (Set, URL, AbortController: what a caller most likely passed by mistake,
// which "object" would not say). A Proxy whose trap throws is an "object".
export function typeName(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  try {
    const name = typeof v === "object" && Object.getPrototypeOf(v)?.constructor?.name;
    if (typeof name === "string" && name && name !== "Object" && name.length <= 40) return name;
  } catch {}
  return typeof v;
}

// The string keys `config` inherits and does not have itself, nearest first, each once: a
// class instance's getters, or the defaults of Object.create(defaults). Object.prototype's
// own keys are not options.
export function inheritedKeys(config) {
  const keys = [];
  for (let proto = config; (proto = Object.getPrototypeOf(proto)) && proto !== Object.prototype; ) {
    keys.push(...Reflect.ownKeys(proto));
  }
  return keys.filter((key, i) => typeof key === "string" && keys.indexOf(key) === i && !Reflect.getOwnPropertyDescriptor(config, key));
}
