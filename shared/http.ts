import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidInputError } from './errors.ts';

export type HttpResult = Exclude<APIGatewayProxyResultV2, string>;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/** RFC 9457 problem details. */
export const problem = (
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
): HttpResult => ({
  statusCode: status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }),
});

/** Validates query parameters; a failure names each parameter and why (400). */
export function parseParams<S extends z.ZodType>(schema: S, params: Record<string, string | undefined>): z.infer<S> {
  const r = schema.safeParse(params);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({
    parameter:
      i.path.join('.') ||
      (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') : '') ||
      '(query)',
    reason: i.message,
  }));
  throw new InvalidInputError(errors.map((e) => `${e.parameter}: ${e.reason}`).join('; '), {
    cause: errors,
    where: 'query',
  });
}
