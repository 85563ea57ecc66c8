#!/usr/bin/env node
// qcloud-cdn-refresh: purge CDN directories from a shell, a deploy script or a CI pipeline.
// Exit codes: 0 purged, 1 the API or the network failed (pending dirs are printed), 2 bad usage
// or bad input (nothing was sent), 130 or 143 interrupted by SIGINT or SIGTERM (printed as for
// 1). The secret key and the token are never printed.
import { readFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { refreshCdnDir, signRequest, CdnError } from "./node.mjs";

const HELP = `Usage: qcloud-cdn-refresh [options] <dir-url>...
       qcloud-cdn-refresh [options] --file list.txt      (one URL per line; - reads stdin)

Purges directories on Tencent Cloud CDN: API 3.0 PurgePathCache with --api v3 (what works
today), or API 2.0 RefreshCdnDir (the default, retired by Tencent in 2022), 20 per request.

Credentials come from the environment:
  TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_SESSION_TOKEN (optional)
Behind an HTTP proxy (Node 24 or later): NODE_USE_ENV_PROXY=1 with HTTPS_PROXY or HTTP_PROXY

Options:
  --file <path|->             read directory URLs from a file, or - for stdin: one per line,
                              blank lines skipped, # starts a comment
  --api <v2|v3>               v3: PurgePathCache, TC3-HMAC-SHA256; v2 (default): RefreshCdnDir
  --endpoint <url>            API endpoint (default https://cdn.api.qcloud.com/v2/index.php,
                              or https://cdn.tencentcloudapi.com/ with --api v3)
  --type <1|2>                1 (or flush) refreshes changed resources, 2 (or delete) everything
  --batch-size <n>            directories per request (default 20; up to 500 with --api v3)
  --area <mainland|overseas>  v3: purge one acceleration area only
  --url-encode                v3: encode non-ASCII characters of the paths before purging
  --language <en-US|zh-CN>    v3: the language of the API's error messages (Tencent's
                              default is Chinese)
  --method <POST|GET>         v2: HTTP method (default POST)
  --signature-method <name>   v2: HmacSHA1 (default) or HmacSHA256
  --timeout <ms>              give up on a request after this long (default 30000)
  --retries <n>               retries of a batch after a transient failure (default 2)
  --no-retry-maybe-purged     never resend a batch after a failure that may have purged it
                              (a connection lost after sending, a gateway's 502 or 504)
  --daily-limit <n>           refuse more directories than this per call (default 100, the
                              API's daily quota; raise it if your account's is larger)
  --secret-id <id>            instead of TENCENTCLOUD_SECRET_ID
  --secret-key <key>          instead of TENCENTCLOUD_SECRET_KEY (ends up in shell history)
  --dry-run                   print the signed requests (token redacted) and send nothing
  --json                      print the result, or the error, as JSON on stdout
  -h, --help                  this help
  -v, --version               the version

Exit codes: 0 purged · 1 the API or the network failed · 2 bad usage or bad input ·
130/143 interrupted by SIGINT/SIGTERM; what was purged, maybe purged and not purged is printed.`;

const OPTIONS = {
  file: { type: "string" },
  api: { type: "string" },
  area: { type: "string" },
  "url-encode": { type: "boolean" },
  language: { type: "string" },
  "batch-size": { type: "string" },
  endpoint: { type: "string" },
  method: { type: "string" },
  "signature-method": { type: "string" },
  timeout: { type: "string" },
  retries: { type: "string" },
  "no-retry-maybe-purged": { type: "boolean" },
  "daily-limit": { type: "string" },
  type: { type: "string" },
  "secret-id": { type: "string" },
  "secret-key": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
};

// Each flag that sets a config option: the option, and what its value is read as when it is not
// a string ("whole": a whole number; "type": 1 or 2, or API 3.0's FlushType words for them, as
// Tencent's documentation spells them).
const FLAGS = [
  ["endpoint", "endpoint"],
  ["method", "method"],
  ["signature-method", "signatureMethod"],
  ["type", "type", "type"],
  ["api", "api"],
  ["area", "area"],
  ["url-encode", "urlEncode"],
  ["language", "language"],
  ["batch-size", "batchSize", "whole"],
  ["timeout", "timeoutMs", "whole"],
  ["retries", "retries", "whole"],
  ["daily-limit", "dailyLimit", "whole"],
];

// "; did you mean --dry-run?" for a flag that is one of ours misspelt or cut short: the same
// letters but for case and separators (--dryrun, --DRY_RUN), at most two edits away (--dry-rnu,
// --timout), or the start of one but for an edit (--time, --retry for --retries). Flags as near
// as each other are all named (--secret: --secret-id or --secret-key).
function suggest(flag) {
  const bare = (f) => f.toLowerCase().replace(/[^a-z0-9]/g, "");
  const edits = (a, b) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length];
  };
  const given = bare(flag);
  if (given.length < 3) return " (--help lists them)";
  // A whole flag within two edits, or its start within one (ranked after a whole flag's one).
  const near = (name) => {
    const whole = edits(name, given);
    const start = edits(name.slice(0, given.length), given);
    return Math.min(whole <= 2 ? whole : 9, start <= 1 ? start + 1.5 : 9);
  };
  const ranked = Object.keys(OPTIONS).map((n) => [near(bare(n)), n]);
  const best = Math.min(...ranked.map(([d]) => d));
  const names = ranked.filter(([d]) => d === best).map(([, n]) => `--${n}`);
  return best < 9 ? `; did you mean ${names.join(" or ")}?` : " (--help lists them)";
}

// A long flag given with one dash (-dry-run) is read as a cluster of short ones and refused by
// its first letter (-d): "-dry-run; did you mean --dry-run?" instead, when the word is near one.
function singleDash(letter) {
  const args = process.argv.slice(2);
  const end = args.includes("--") ? args.indexOf("--") : args.length;
  const word = args.slice(0, end).find((a) => /^-[^-]/.test(a) && a.length > 2 && a.includes(letter.slice(1)));
  const hint = word && suggest(word);
  return hint?.startsWith(";") ? `${word}${hint}` : undefined;
}

function usage(message) {
  process.stderr.write(`qcloud-cdn-refresh: ${message}\nRun with --help for usage.\n`);
  process.exit(2);
}

// The URLs of a list, one per line, each with where it came from (for messages about it): blank
// lines and comments skipped, a comment being what follows a # at a line's start or after a
// space (a URL has neither a space nor, as the API takes it, a #fragment).
function readList(source) {
  const text = source === "-" ? readFileSync(0, "utf8") : readFileSync(source, "utf8");
  const name = source === "-" ? "stdin" : source;
  return text
    .split(/\r?\n/)
    .map((l, i) => [l.replace(/(^|\s)#.*/, "").trim(), `line ${i + 1} of ${name}`])
    .filter(([l]) => l !== "");
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const unknown = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && /'(-[^']*)'/.exec(e.message)?.[1];
    if (unknown) usage(`unknown option ${singleDash(unknown) ?? `${unknown}${suggest(unknown)}`}`);
    usage(e.message);
  }
  const { values: o, positionals } = parsed;
  if (o.help) return void process.stdout.write(`${HELP}\n`);
  if (o.version) {
    const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
    return void process.stdout.write(`${pkg.version}\n`);
  }

  // Each URL and where it came from, for a message about dirs[N].
  let listed = positionals.map((d, i) => [d, `URL ${i + 1} on the command line`]);
  if (o.file !== undefined) {
    try {
      listed = [...listed, ...readList(o.file)];
    } catch (e) {
      usage(`cannot read --file ${o.file}: ${e.code ?? e.message}`);
    }
  }
  const dirs = listed.map(([d]) => d);
  if (dirs.length === 0) usage(o.file === undefined ? "give at least one directory URL (or --file)" : `--file ${o.file} holds no directory URL`);
  if (o["secret-key"] !== undefined) {
    process.stderr.write("warning: --secret-key ends up in your shell history; prefer TENCENTCLOUD_SECRET_KEY\n");
  }
  const read = {
    whole: (flag, v) => {
      const n = Number(v);
      if (v.trim() === "" || !Number.isInteger(n)) usage(`--${flag} must be a whole number, got ${JSON.stringify(v)}`);
      return n;
    },
    type: (flag, v) => ({ 1: 1, 2: 2, flush: 1, delete: 2 })[v] ?? usage(`--${flag} must be 1, 2, flush or delete, got ${JSON.stringify(v)}`),
  };
  const options = Object.fromEntries(FLAGS.map(([flag, key, as]) => [key, as && o[flag] !== undefined ? read[as](flag, o[flag]) : o[flag]]));
  if (o["no-retry-maybe-purged"]) options.retryMaybePurged = false;

  const secretId = o["secret-id"] || process.env.TENCENTCLOUD_SECRET_ID;
  const secretKey = o["secret-key"] || process.env.TENCENTCLOUD_SECRET_KEY;
  const token = process.env.TENCENTCLOUD_SESSION_TOKEN || undefined;
  if (!secretId) usage("set TENCENTCLOUD_SECRET_ID (or pass --secret-id)");
  if (!secretKey) usage("set TENCENTCLOUD_SECRET_KEY (or pass --secret-key)");
  const config = { secretId, secretKey, token, ...options };
  // Where each option came from, for messages that name it as the library does (config.X).
  const source = {
    secretId: o["secret-id"] ? "--secret-id" : "TENCENTCLOUD_SECRET_ID",
    secretKey: o["secret-key"] ? "--secret-key" : "TENCENTCLOUD_SECRET_KEY",
    token: "TENCENTCLOUD_SESSION_TOKEN",
    ...Object.fromEntries(FLAGS.map(([flag, key]) => [key, `--${flag}`])),
  };
  const redact = (text) => [secretKey, token].reduce((t, s) => (s ? t.split(s).join("[redacted]") : t), text);
  const out = (text) => process.stdout.write(`${redact(text)}\n`);
  const err = (text) => process.stderr.write(`${redact(text)}\n`);

  let interrupted;
  try {
    if (o["dry-run"]) {
      const hide = (s) => (token && s ? s.split(encodeURIComponent(token)).join("[redacted]") : s);
      const requests = signRequest(config, dirs).map((r) => ({
        ...r,
        url: hide(r.url),
        headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, k === "x-tc-token" ? "[redacted]" : v])),
        body: hide(r.body),
      }));
      out(o.json ? JSON.stringify(requests, null, 2) : requests.map(describeRequest).join("\n\n"));
      return;
    }
    const progress = process.stderr.isTTY && !o.json;
    // The batch being sent (onProgress moves on after each accepted one) and its attempt.
    let batch = 1;
    let attempt = 0;
    const total = Math.ceil(new Set(dirs).size / (config.batchSize ?? 20));
    const fetchWithProgress = async (url, init) => {
      attempt += 1;
      if (progress) process.stderr.write(`batch ${batch}/${total}${attempt > 1 ? `, attempt ${attempt}` : ""}: sending… `);
      try {
        const res = await fetch(url, init);
        if (progress) process.stderr.write(`HTTP ${res.status}\n`);
        return res;
      } catch (e) {
        if (progress) process.stderr.write("no response\n");
        throw e;
      }
    };
    const onProgress = (event) => {
      batch = event.batch + 1;
      attempt = 0;
    };
    // Ctrl-C, or a CI job being cancelled (SIGINT, then SIGTERM): abort the call, so that what
    // was purged, what was in flight and what was not are still printed. A second signal kills.
    const controller = new AbortController();
    const onSignal = (name) => {
      interrupted = name;
      controller.abort(new Error(`interrupted by ${name}`));
    };
    const signals = ["SIGINT", "SIGTERM"];
    for (const name of signals) process.once(name, onSignal);
    let result;
    try {
      result = await refreshCdnDir({ ...config, fetch: fetchWithProgress, onProgress, signal: controller.signal }, dirs);
    } finally {
      for (const name of signals) process.removeListener(name, onSignal);
    }
    if (o.json) out(JSON.stringify(result, null, 2));
    else {
      // API 3.0 names each purge task, which DescribePurgeTasks reports on.
      const tasks = result.batches.map((b) => b.taskId).filter((id) => id !== undefined);
      const named = tasks.length ? `; TaskId ${tasks.join(", ")}` : "";
      out(`${result.codeDesc}: purged ${result.dirs.length} director${result.dirs.length === 1 ? "y" : "ies"} in ${result.batches.length} request(s)${named}`);
    }
  } catch (e) {
    if (!(e instanceof CdnError)) throw e;
    if (o.json) out(JSON.stringify(e, null, 2));
    else {
      if (interrupted) err(`qcloud-cdn-refresh: interrupted by ${interrupted}`);
      err(`qcloud-cdn-refresh: ${e.message}`);
      // Each option the message names, in its order: the one at fault, and any it says to set.
      const named = e.message.match(/\bconfig\.\w+/g) ?? [];
      for (const option of new Set(named.map((n) => n.slice(7)))) {
        if (Object.hasOwn(source, option)) err(`  config.${option} is ${source[option]} here`);
      }
      const dir = e.kind === "invalid-input" && /^dirs\[(\d+)\]/.exec(e.message);
      if (dir && listed[dir[1]]) err(`  dirs[${dir[1]}] is ${listed[dir[1]][1]}`);
      // API 3.0's codeDesc repeats its code; its requestId is what Tencent's support asks for.
      const facts = ["code", "codeDesc", "moduleCode", "status", "requestId"]
        .filter((k) => e[k] !== null && !(k === "codeDesc" && e.codeDesc === e.code))
        .map((k) => `${k} ${e[k]}`);
      if (facts.length) err(`  ${facts.join(", ")}`);
      const section = (title, list) => list.length && err(`  ${title} (${list.length}):\n${list.map((d) => `    ${d}`).join("\n")}`);
      if (e.kind !== "invalid-input") section("purged before the failure", e.submitted);
      section("maybe purged, the API may have got them: check these or purge them again", e.maybeSubmitted);
      if (e.kind !== "invalid-input") section("not purged, retry these", e.pending);
    }
    // 128 + the signal's number, as a shell reports a process the signal ended.
    process.exitCode = interrupted ? 128 + os.constants.signals[interrupted] : e.kind === "invalid-input" ? 2 : 1;
  }
}

function describeRequest(r) {
  const lines = [`${r.method} ${r.url}`];
  for (const [k, v] of Object.entries(r.headers)) lines.push(`${k}: ${v}`);
  if (r.body !== null) lines.push("", r.body);
  return lines.join("\n");
}

// A reader that stops early (`| head`) closes the pipe: the rest of the output is dropped, as a
// Unix tool drops it, and the exit code still says how the purge went.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
  });
}

main().catch((e) => {
  process.stderr.write(`qcloud-cdn-refresh: unexpected failure: ${e?.message ?? e}\n`);
  process.exit(1);
});
