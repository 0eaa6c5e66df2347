import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './queue.ts';

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

const MAX_BODY = 1024 * 1024;

/**
 * A failed fetch as an error that names the call and its cause: undici's own says "fetch failed" and nothing else
 * (the cause, ECONNREFUSED or "other side closed", is in `cause`, which most logs leave out).
 */
export function fetchFailure(what: string, err: unknown): Error {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return new Error(`${what}: ${(err as Error).message}${cause ? ` (${String(cause)})` : ''}`, { cause: err });
}

/** The event a Lambda Function URL delivers (payload format 2.0), built from a plain HTTP request. */
export async function toFunctionUrlEvent(req: IncomingMessage): Promise<APIGatewayProxyEventV2> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(c);
  }
  const body = Buffer.concat(chunks);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  // Function URLs join repeated parameters with commas.
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'sandbox',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'sandbox',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
}

/** Why the sandbox is not ready yet (undefined = ready): what it waits for, part by part. */
export type Readiness = () => { detail: string; checks: Record<string, string> } | undefined;

/**
 * Serves the query handler over HTTP through the same event shape the cloud's Function URL gives it. Until `notReady`
 * says ready (the store, the S3 server and the queues up, and a first count answered), every route, `/health` too,
 * is a 503 problem answer with `Retry-After`, never a request to a store that is not there.
 */
export function serveFunctionUrl(
  handler: HttpHandler,
  host: string,
  port: number,
  notReady: Readiness = () => undefined,
): Promise<Server> {
  const server = createServer(async (req, res) => {
    req.on('error', () => res.destroy());
    res.on('error', () => {});
    const waiting = notReady();
    if (waiting) {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: waiting.detail,
          checks: waiting.checks,
        }),
      );
      return;
    }
    try {
      const event = await toFunctionUrlEvent(req);
      const result = await handler(event, lambdaContext('query', 10_000));
      const r = typeof result === 'string' ? { statusCode: 200, body: result } : result;
      const headers: Record<string, string | number | boolean> = { ...(r.headers ?? {}) };
      if (r.cookies?.length) headers['set-cookie'] = r.cookies.join(', ');
      res.writeHead(r.statusCode ?? 200, headers as Record<string, string>);
      res.end(r.body ? Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    } catch (err) {
      const status = (err as { status?: number }).status ?? 502;
      if (res.headersSent) return void res.destroy();
      res.writeHead(status, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Sandbox error', status, detail: String(err) }));
    }
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
