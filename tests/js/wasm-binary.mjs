// Reading a .wasm's binary format (the WebAssembly core spec, "Binary Format"): just what the
// package tests, bench/wasm-imports.mjs and scripts/order-functions.mjs look at.

/** The unsigned LEB128 number at `at`, and where the next field starts. */
export function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

/** Each section after the 8-byte header, as `{ id, start, end }`: its contents are `bytes[start..end)`. */
export function* sections(bytes) {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = leb(bytes, at + 1);
    yield { id, start, end: start + size };
    at = start + size;
  }
}
