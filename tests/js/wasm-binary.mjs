// Reading a .wasm's binary format (the WebAssembly core spec, "Binary Format"): just what the
// package tests, bench/wasm-imports.mjs, scripts/order-functions.mjs and
// scripts/drop-digit-table.mjs look at.

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

/**
 * The data segments (section 11), in order, as `{ flags, address, start, end, body }`:
 * `bytes[start..end)` is the whole segment and `body` its bytes; `address` is the `i32.const`
 * offset of an active segment (flags 0, or 2 with a memory index), `undefined` for a passive one
 * (flags 1). Throws on an active segment whose offset is not a lone `i32.const`.
 */
export function dataSegments(bytes) {
  const data = [...sections(bytes)].find((s) => s.id === 11);
  if (!data) return [];
  const out = [];
  let [count, at] = leb(bytes, data.start);
  while (count--) {
    const start = at;
    let flags, address, size;
    [flags, at] = leb(bytes, at);
    if (flags !== 1) {
      if (flags === 2) [, at] = leb(bytes, at); // memory index
      // An address is never negative, so its signed LEB128 reads the same as unsigned.
      if (bytes[at++] !== 0x41) throw new Error(`data segment ${out.length}: its offset is not an i32.const`);
      [address, at] = leb(bytes, at);
      if (bytes[at++] !== 0x0b) throw new Error(`data segment ${out.length}: its offset is not a lone i32.const`);
    }
    [size, at] = leb(bytes, at);
    out.push({ flags, address, start, end: at + size, body: bytes.subarray(at, at + size) });
    at += size;
  }
  return out;
}
