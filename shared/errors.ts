/**
 * The small error hierarchy handlers translate into responses or batch failures.
 * Domain code throws these; only handlers decide what they mean for a retry or a response. Each class carries the
 * HTTP status it stands for and whether its message may be shown to a caller (the query function's one error
 * handler, functions/query/app.ts, reads nothing else), the way http-errors' `status`/`expose` do for middy.
 */
export class AppError extends Error {
  /** The HTTP status this error answers with. */
  readonly status: number = 500;
  /** Whether `message` may be shown to the caller; when false only a generic detail is (the message is logged). */
  readonly expose: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: permanent. Quarantine / 400, never retried. `where` says the line, element or parameter. */
export class InvalidInputError extends AppError {
  override readonly status = 400;
  override readonly expose = true;
  readonly where: string | undefined;
  constructor(message: string, options?: { cause?: unknown; where?: string }) {
    super(message, options);
    this.where = options?.where;
  }
}

/** What was asked for does not exist (404); the message names it, which is the caller's own input. */
export class NotFoundError extends AppError {
  override readonly status = 404;
  override readonly expose = true;
}

/**
 * A failing dependency (throttling, 5xx, network): transient, retried, then dead-lettered. To an HTTP caller a 503
 * (trying again may help); its message names tables and SDK errors, so it is logged, not shown.
 */
export class DependencyError extends AppError {
  override readonly status = 503;
}

/** A method the route does not answer to (405); `allow` is what it does answer to, sent as the `Allow` header. */
export class MethodNotAllowedError extends AppError {
  override readonly status = 405;
  override readonly expose = true;
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[]) {
    super(`${method} is not allowed on ${path}; use ${allow.join(' or ')}`);
    this.allow = allow;
  }
}
