// The error every failed call of qcloud-cdn-refresh rejects with: a real Error (instanceof
// works, it has a stack) whose fields a program can branch on. Built in Rust at the boundary
// (src/js/mod.rs) from the crate's one error type; never holds the secret key or the token.
export class CdnError extends Error {
  constructor(message, fields = {}) {
    super(message);
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

  // JSON.stringify(error) keeps the message, which Error itself leaves out.
  toJSON() {
    const { kind, code, codeDesc, moduleCode, requestId, status, submitted, maybeSubmitted, pending } = this;
    return { name: this.name, message: this.message, kind, code, codeDesc, moduleCode, requestId, status, submitted, maybeSubmitted, pending };
  }
}
