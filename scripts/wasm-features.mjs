// The `--enable-<feature>` flags of Cargo.toml's wasm-opt list: the post-MVP features rustc's
// output uses, which every binaryen tool run on the .wasm after wasm-pack must be told of. Read
// from there, so that the build's later steps cannot drift from it.
import { readFileSync } from "node:fs";

const cargo = readFileSync(new URL("../Cargo.toml", import.meta.url), "utf8");
const list = cargo.match(/^wasm-opt = \[(.*)\]$/m);
if (!list) throw new Error("wasm-features: Cargo.toml has no `wasm-opt = [...]` line");
export const features = [...list[1].matchAll(/"(--enable-[a-z-]+)"/g)].map((m) => m[1]);
if (features.length === 0) throw new Error("wasm-features: Cargo.toml's wasm-opt list enables no feature");
