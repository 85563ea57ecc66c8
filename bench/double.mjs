// `node bench/double.mjs` (after `make pkg`): where this package's end-to-end time goes, with a
// `fetch` double that answers at once, so neither the network nor the emulator is in it.
// refreshCdnDir against the reference with and without a per-request timeout, then signRequest
// against the reference's signBody; 21 rounds of 2 000 calls in which the side that goes
// first rotates, medians in µs per call. bench/NOTES.md ("Where the time goes") quotes it.
import * as lib from "../pkg/node.mjs";
import { purge, purgeWithTimeout, signBody } from "./reference.mjs";
import { paired } from "./rounds.mjs";

const reply = '{"code":0,"message":"","codeDesc":"Success"}';
const response = { status: 200, headers: { get: () => null }, text: async () => reply };
const fetch = async () => response;
globalThis.fetch = fetch; // what the reference sends through
const config = { secretId: "AKIDbench", secretKey: "bench-secret-key", endpoint: "https://cdn.api.qcloud.com/v2/index.php" };
const endpoint = new URL(config.endpoint);
// --quick (make test): one short round, to check that it runs.
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 1 : 21;
const CALLS = quick ? 20 : 2000;

async function perCall(f) {
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) await f();
  return ((performance.now() - start) / CALLS) * 1000;
}

// Each named side's median after a warm-up, as "name N µs, …".
async function compare(sides) {
  for (const f of Object.values(sides)) await perCall(f);
  const medians = await paired(ROUNDS, perCall, ...Object.values(sides));
  return Object.keys(sides).map((name, i) => `${name} ${medians[i].toFixed(1)} µs`).join(", ");
}

for (const n of [1, 20]) {
  const dirs = Array.from({ length: n }, (_, i) => `https://www.example.com/static/${i}/`);
  const fixed = { ...config, nonce: 1 };
  console.log(`${n} dir(s), end to end: ` + (await compare({
    refreshCdnDir: () => lib.refreshCdnDir({ ...config, fetch }, dirs),
    reference: () => purge(fixed, dirs),
    "reference with a timeout": () => purgeWithTimeout(fixed, dirs),
  })));
  console.log(`${n} dir(s), signing: ` + (await compare({
    signRequest: () => lib.signRequest(config, dirs),
    signBody: () => signBody({ ...fixed, endpoint, timestamp: Math.floor(Date.now() / 1000) }, dirs),
  })));
}
