// The demo page: signs in the browser with the wasm package, sends through fetch, and shows
// each batch as its reply arrives. The secret key is read from its field when a button is
// pressed and goes nowhere else: not into the page, the log or the URL.
import { init, signRequest, refreshCdnDir } from "/pkg/browser.js";

// The emulator's built-in demo account (emulator/src/api.rs, Account::demo).
const DEMO = { secretId: "AKIDdemo0emulator0account0000000000", secretKey: "demo-secret-key-for-the-local-emulator" };
const $ = (id) => document.getElementById(id);
const FIELDS = ["endpoint", "secretId", "secretKey", "dirs", "api", "method", "signatureMethod", "type"];
// Each API's endpoint on the emulator: API 2.0 at /v2/index.php, API 3.0 at / (same port).
const ENDPOINTS = { v2: `${location.origin}/v2/index.php`, v3: `${location.origin}/` };

$("endpoint").value = ENDPOINTS.v2;
$("secretId").value = DEMO.secretId;
$("secretKey").value = DEMO.secretKey;
$("dirs").value = "https://www.test.com/static/\nhttps://www.test.com/img/\nhttps://example.com/中文/";

// The non-empty lines of the textarea, and the line number (from 1) of each.
function readDirs() {
  const lines = $("dirs").value.split("\n");
  const dirs = [], lineOf = [];
  lines.forEach((line, i) => {
    if (line.trim() !== "") { dirs.push(line.trim()); lineOf.push(i + 1); }
  });
  return { dirs, lineOf };
}

// Switching the API switches the endpoint (if it is one of the emulator's) and hides the
// v2-only choices, which API 3.0 refuses.
$("api").addEventListener("change", () => {
  const api = $("api").value;
  if (Object.values(ENDPOINTS).includes($("endpoint").value.trim())) $("endpoint").value = ENDPOINTS[api];
  for (const label of document.querySelectorAll(".v2-only")) label.hidden = api !== "v2";
});

function readConfig(extra = {}) {
  const api = $("api").value;
  const config = {
    api,
    endpoint: $("endpoint").value.trim(),
    secretId: $("secretId").value.trim(),
    secretKey: $("secretKey").value,
    ...(api === "v2" ? { method: $("method").value, signatureMethod: $("signatureMethod").value } : {}),
    ...extra,
  };
  if ($("type").value) config.type = Number($("type").value);
  return config;
}

function clearErrors() {
  for (const f of FIELDS) {
    $(`err-${f}`).textContent = "";
    $(f).removeAttribute("aria-invalid");
  }
}

// An invalid-input error is shown under the field it names (config.X or dirs[i]).
function showInputError(err, lineOf) {
  const m = /^(?:config\.(\w+)|(dirs))/.exec(err.message);
  const field = m && (m[1] || m[2]);
  if (!field || !FIELDS.includes(field)) return false;
  const text = err.message.replace(/^dirs\[(\d+)\]/, (_, i) => `line ${lineOf[Number(i)]}`);
  $(`err-${field}`).textContent = text;
  $(field).setAttribute("aria-invalid", "true");
  $(field).focus();
  return true;
}

function setOutcome(cls, nodes) {
  const out = $("outcome");
  out.className = cls;
  out.replaceChildren(...nodes);
}

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  Object.assign(e, attrs);
  return e;
}

function list(items) {
  const ul = el("ul");
  ul.append(...items.map((d) => el("li", d)));
  return ul;
}

function showError(err, lineOf) {
  if (err?.kind === "invalid-input" && showInputError(err, lineOf)) {
    setOutcome("failed", [el("span", "Fix the highlighted input; nothing was sent.")]);
    return;
  }
  const facts = [`kind: ${err?.kind ?? "unknown"}`];
  // API 3.0's codeDesc repeats its code; its requestId is what Tencent's support asks for.
  for (const k of ["code", "codeDesc", "moduleCode", "status", "requestId"]) {
    if (err?.[k] != null && !(k === "codeDesc" && err.codeDesc === err.code)) facts.push(`${k}: ${err[k]}`);
  }
  const nodes = [el("div", err?.message ?? String(err)), el("div", facts.join(" · "), { className: "muted" })];
  if (err?.submitted?.length) nodes.push(el("div", `Purged before the failure (${err.submitted.length}):`), list(err.submitted));
  if (err?.maybeSubmitted?.length) {
    nodes.push(el("div", `Maybe purged, the API may have got them: check these or purge them again (${err.maybeSubmitted.length}):`), list(err.maybeSubmitted));
  }
  if (err?.pending?.length) nodes.push(el("div", `Not purged, retry these (${err.pending.length}):`), list(err.pending));
  setOutcome("failed", nodes);
}

function onSign() {
  clearErrors();
  $("batches").replaceChildren();
  const { dirs, lineOf } = readDirs();
  try {
    const requests = signRequest(readConfig(), dirs);
    $("requests").textContent = JSON.stringify(requests, null, 2);
    $("requests").hidden = false;
    setOutcome("", [el("span", `${requests.length} signed request(s), not sent.`)]);
  } catch (err) {
    $("requests").hidden = true;
    showError(err, lineOf);
  }
}

async function onPurge() {
  clearErrors();
  $("requests").hidden = true;
  const { dirs, lineOf } = readDirs();
  const rows = $("batches");
  rows.replaceChildren();
  // The batch being sent (onProgress moves on after each accepted one) and its attempt.
  let batch = 1;
  let attempt = 0;
  const onProgress = (event) => {
    batch = event.batch + 1;
    attempt = 0;
  };
  // Wraps fetch to show each attempt as its reply arrives.
  const progress = async (url, init) => {
    attempt += 1;
    const label = `batch ${batch}${attempt > 1 ? `, attempt ${attempt}` : ""}`;
    const row = el("li", `${label}: sending…`);
    rows.append(row);
    try {
      const res = await fetch(url, init);
      const body = await res.clone().text();
      // API 2.0 answers { code, codeDesc }; API 3.0 { Response: { TaskId } } or { Response: { Error } }.
      let code = " · not JSON";
      let accepted = false;
      try {
        const j = JSON.parse(body);
        const v3 = j?.Response;
        accepted = v3 ? !v3.Error && typeof v3.TaskId === "string" : j.code === 0;
        code = v3 ? ` · ${v3.Error ? v3.Error.Code : `TaskId ${v3.TaskId}`}` : ` · code ${j.code} ${j.codeDesc ?? ""}`;
      } catch {}
      row.textContent = `${label}: HTTP ${res.status}${code}`;
      row.className = res.ok && accepted ? "ok" : "failed";
      return res;
    } catch (e) {
      row.textContent = `${label}: no response (${e.message})`;
      row.className = "failed";
      throw e;
    }
  };
  // Cancel aborts the call: nothing more is sent, and a request in flight is abandoned.
  const controller = new AbortController();
  $("cancel").onclick = () => controller.abort();
  $("purge").disabled = true;
  $("cancel").hidden = false;
  setOutcome("muted", [el("span", "Purging…")]);
  try {
    const result = await refreshCdnDir(readConfig({ fetch: progress, signal: controller.signal, onProgress }), dirs);
    setOutcome("ok", [
      el("div", `${result.codeDesc}: ${result.dirs.length} director${result.dirs.length === 1 ? "y" : "ies"} purged in ${result.batches.length} request(s).`),
      list(result.dirs),
    ]);
  } catch (err) {
    showError(err, lineOf);
  } finally {
    $("purge").disabled = false;
    $("cancel").hidden = true;
    loadPurges();
  }
}

async function loadPurges() {
  const note = $("purges-note");
  try {
    const res = await fetch(new URL("/_emulator/purges", $("endpoint").value || location.href));
    const purges = await res.json();
    const body = $("purges").tBodies[0];
    body.replaceChildren(...purges.slice().reverse().map((p) => {
      const tr = el("tr");
      tr.append(el("td", new Date(p.time * 1000).toLocaleTimeString()), el("td", p.dir), el("td", String(p.type)), el("td", p.secretId));
      return tr;
    }));
    note.textContent = purges.length ? `${purges.length} directory purge(s) recorded.` : "No purge recorded yet.";
  } catch {
    note.textContent = "This endpoint has no emulator log (/_emulator/purges).";
  }
}

$("sign").addEventListener("click", onSign);
$("purge").addEventListener("click", onPurge);
$("reload").addEventListener("click", loadPurges);
$("form").addEventListener("submit", (e) => e.preventDefault());

init().then(
  () => {
    $("status").textContent = "Ready.";
    $("status").dataset.ready = "true";
    $("sign").disabled = $("purge").disabled = false;
  },
  (e) => { $("status").textContent = `Could not load the WebAssembly module: ${e.message}`; },
);
loadPurges();
