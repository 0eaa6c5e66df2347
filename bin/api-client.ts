import { request } from 'node:http';
import type { z } from 'zod';
import { functionUrlTarget } from '../shared/function-url.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { parameter: string; reason: string }[] } | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * GETs JSON from the query API and parses it with the API's own response schema (shared/query/api.ts), so a field the
 * CLI prints is one the API promises. A Lambda Function URL on AWS needs SigV4 (IAM auth): requests to
 * `*.lambda-url.*` (or with `sign`) are signed with the default credential chain (env, profile, SSO…).
 */
export async function apiGet<S extends z.ZodType>(
  base: string,
  path: string,
  schema: S,
  opts: { sign?: boolean; region?: string } = {},
): Promise<z.infer<S>> {
  // A LocalStack Function URL (either form of its QueryUrl output) goes to the edge with its Host header (issue 13).
  const target = functionUrlTarget(`${base.endsWith('/') ? base : `${base}/`}${path}`, process.env.LOCALSTACK_ENDPOINT);
  const url = target.connect;
  let headers: Record<string, string> = { accept: 'application/json' };
  if (opts.sign || /\.lambda-url\.[a-z0-9-]+\.on\.aws$/.test(url.hostname))
    headers = await sign(url, headers, opts.region);
  let res: { ok: boolean; status: number; statusText: string; text(): Promise<string> };
  try {
    res = target.host ? await getWithHost(url, target.host, headers) : await fetch(url, { headers });
  } catch (err) {
    throw new Error(
      `cannot reach the query API at ${url.origin} (${(err as Error).message}). Is the sandbox running (npm start)? Or pass --api URL.`,
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const p = body as ApiError['problem'];
    throw new ApiError(
      res.status,
      p,
      `${res.status} ${p?.title ?? res.statusText}: ${p?.detail ?? text.slice(0, 200)}`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `the query API at ${url.origin} answered /${path.split('?')[0]} with a shape this radar does not know (${issue ? `${issue.path.join('.') || 'the body'}: ${issue.message}` : 'not JSON'}). Are the CLI and the API from the same version?`,
    );
  }
  return parsed.data;
}

async function sign(url: URL, headers: Record<string, string>, region?: string): Promise<Record<string, string>> {
  // Loaded here, not at the top: only calls to AWS sign, and the credential chain is a large part of a start.
  const [{ Hash }, { defaultProvider }, { SignatureV4 }] = await Promise.all([
    import('@smithy/hash-node'),
    import('@aws-sdk/credential-provider-node'),
    import('@smithy/signature-v4'),
  ]);
  const r =
    region ?? /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname)?.[1] ?? process.env.AWS_REGION ?? 'us-east-1';
  const signer = new SignatureV4({
    service: 'lambda',
    region: r,
    credentials: defaultProvider(),
    sha256: Hash.bind(null, 'sha256'),
  });
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    query,
    headers: { ...headers, host: url.host },
  });
  return signed.headers as Record<string, string>;
}

/** A GET with a Host header of our choosing (fetch sets Host from the URL), for LocalStack's host-routed Function URLs. */
function getWithHost(
  url: URL,
  host: string,
  headers: Record<string, string>,
): Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { ...headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          statusText: res.statusMessage ?? '',
          text: async () => body,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.end();
  });
}
