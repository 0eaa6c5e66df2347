import type { z } from 'zod';
import { AppError, InvalidInputError, MethodNotAllowedError } from './errors.ts';

/** A Function URL answer (payload 2.0) as this API builds them: always a status, headers and a text body. */
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Headers every answer carries: nothing of ours is to be content-sniffed into something else (a JSON body holding
 * markup must never render as HTML), and no answer is cached by a proxy (counts change with every ingest).
 */
const COMMON_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' } as const;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS, ...headers },
  body: JSON.stringify(body),
});

/** A static text asset (the dashboard page and its script), with the content type and headers given. */
export const text = (
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode: status,
  headers: { 'content-type': contentType, ...COMMON_HEADERS, ...headers },
  body,
});

/** One bad parameter: which, and why. */
export interface ParameterError {
  parameter: string;
  reason: string;
}

/** RFC 9457 problem details. */
export const problem = (
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8', ...COMMON_HEADERS, ...headers },
  body: JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }),
});

/** RFC 9110 reason phrases for the statuses this API answers with. */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
export const titleOf = (status: number): string => TITLES[status] ?? (status < 500 ? 'Bad Request' : 'Server Error');

/**
 * The problem an error answers with: its class says the status and whether its message may be shown (shared/errors.ts).
 * Anything else is a 500 whose message stays in the logs: a stack trace or an SDK message is no business of a caller.
 */
export function problemOf(err: unknown): HttpResult {
  if (err instanceof AppError) {
    const detail = err.expose
      ? err.message
      : 'a dependency failed; try again shortly (details are in the function logs)';
    const errors = err instanceof InvalidInputError ? parameterErrorsOf(err) : undefined;
    const headers: Record<string, string> = err instanceof MethodNotAllowedError ? { allow: err.allow.join(', ') } : {};
    return problem(err.status, titleOf(err.status), detail, errors ? { errors } : {}, headers);
  }
  return problem(500, titleOf(500), 'the query failed; see the function logs');
}

/** The parameter list a 400 carries: from the validation issues, else the one parameter the error names. */
function parameterErrorsOf(err: InvalidInputError): ParameterError[] | undefined {
  if (Array.isArray(err.cause)) return err.cause as ParameterError[];
  return err.where ? [{ parameter: err.where, reason: err.message }] : undefined;
}

/**
 * Validates parameters (query string or path) against a zod schema; a failure names each parameter and why (400).
 * `where` says which kind they were ('query', 'path').
 */
export function parseParams<S extends z.ZodType>(
  schema: S,
  params: Record<string, string | undefined>,
  where = 'query',
): z.infer<S> {
  const r = schema.safeParse(params);
  if (r.success) return r.data;
  const errors: ParameterError[] = r.error.issues.map((i) => ({
    parameter:
      i.path.join('.') ||
      (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') : '') ||
      `(${where})`,
    reason: i.message,
  }));
  throw new InvalidInputError(errors.map((e) => `${e.parameter}: ${e.reason}`).join('; '), { cause: errors, where });
}
