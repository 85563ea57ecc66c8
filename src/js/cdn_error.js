// The error every failed call of qcloud-cdn-refresh rejects with: a real Error (instanceof
// works, it has a stack) whose fields a program can branch on. Built in Rust at the boundary
// (src/js/mod.rs) from the crate's one error type; never holds the secret key or the token.
//
// One process may load two copies of the package: its ES module and its CommonJS build (an
// `import` in one place, a `require` in another), or two versions. Each has its own class, so
// `instanceof` checks the mark every CdnError carries instead, under one key for them all.
const mark = Symbol.for("qcloud-cdn-refresh.CdnError");

export class CdnError extends Error {
  static [Symbol.hasInstance](value) {
    // A subclass (which a caller may make) keeps the usual test.
    return this === CdnError ? value?.[mark] === true : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  constructor(message, fields = {}) {
    // What a getter or a Proxy trap of the caller's arguments threw, as Error's own `cause`.
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.kind = fields.kind ?? "internal";
    this.code = fields.code ?? null;
    this.codeDesc = fields.codeDesc ?? null;
    this.moduleCode = fields.moduleCode ?? null;
    this.requestId = fields.requestId ?? null;
    this.status = fields.status ?? null;
    this.submitted = fields.submitted ?? [];
    this.maybeSubmitted = fields.maybeSubmitted ?? [];
    this.pending = fields.pending ?? [];
  }

  get name() {
    return "CdnError";
  }

  // The class's own name too, which bundlers rename (esbuild: _CdnError, minified: one letter)
  // and which Node's util.inspect, and so console.log, shows in place of the error's name.
  static get name() {
    return "CdnError";
  }

  get [mark]() {
    return true;
  }

  // JSON.stringify(error) keeps the message, which Error itself leaves out.
  toJSON() {
    const { kind, code, codeDesc, moduleCode, requestId, status, submitted, maybeSubmitted, pending } = this;
    return { name: this.name, message: this.message, kind, code, codeDesc, moduleCode, requestId, status, submitted, maybeSubmitted, pending };
  }
}
