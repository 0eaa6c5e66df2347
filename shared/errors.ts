/**
 * The small error hierarchy handlers translate into status codes or batch failures.
 * Domain code throws these; only handlers decide what they mean for a retry or a response.
 */
export class AppError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input: permanent. Quarantine / 400, never retried. `where` says the line or element. */
export class InvalidInputError extends AppError {
  readonly where: string | undefined;
  constructor(message: string, options?: { cause?: unknown; where?: string }) {
    super(message, options);
    this.where = options?.where;
  }
}

export class NotFoundError extends AppError {}

/** A failing dependency (throttling, 5xx, network): transient, retried, then dead-lettered. */
export class DependencyError extends AppError {}

export const isPermanent = (err: unknown): err is InvalidInputError => err instanceof InvalidInputError;
