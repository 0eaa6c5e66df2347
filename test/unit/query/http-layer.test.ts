import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { COMPILED_ROUTES, DASHBOARD_CSP, makeQueryHandler } from '../../../functions/query/app.ts';
import type { DynamoStore } from '../../../shared/adapters/dynamo-store.ts';
import type { IngestStatus } from '../../../shared/domain/ingest-status.ts';
import { DependencyError } from '../../../shared/errors.ts';
import { IngestResponse, ProblemResponse } from '../../../shared/query/api.ts';
import { openApiDocument } from '../../../shared/query/openapi.ts';
import { QUERY_ROUTES } from '../../../shared/resources.ts';

// The query function's HTTP layer against an in-memory store: routing, parameter checks, errors and headers. The same
// cases run over HTTP against the sandbox in test/integration/query-api.test.ts.

const STATUS: IngestStatus = {
  key: 'sanctions/a b/sdn.csv',
  status: 'done',
  records: { read: 2, written: 2, rejected: 0 },
  updatedAt: '2026-03-01T00:00:00.000Z',
};

/** Records every store call; answers only what these tests ask for. */
function fakeStore(fail?: Error) {
  const calls: string[] = [];
  const store = new Proxy({} as DynamoStore, {
    get:
      (_t, name: string) =>
      async (...args: unknown[]) => {
        calls.push(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
        if (fail) throw fail;
        if (name === 'getIngestStatus') return args[0] === STATUS.key ? { pk: 'p', sk: 's', ...STATUS } : undefined;
        if (name === 'listIngests') return { items: [] };
        if (name === 'readListPointers' || name === 'readCounters' || name === 'queryPartition') return [];
        if (name === 'readListedInNews' || name === 'readRollups') return [];
        if (name === 'queryEntityRows' || name === 'queryListEntities') return { items: [] };
        if (name === 'readEntityStates') return new Map();
        return undefined;
      },
  });
  return { store, calls };
}

function setup(fail?: Error) {
  const { store, calls } = fakeStore(fail);
  const logger = new Logger({ serviceName: 'query-test', logLevel: 'SILENT' });
  const handler = makeQueryHandler({ store, openapi: { openapi: '3.1.0' }, logger });
  return { handler, calls };
}

function event(method: string, rawPath: string, rawQueryString = ''): APIGatewayProxyEventV2 {
  const query = Object.fromEntries(new URLSearchParams(rawQueryString));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { host: 'example.lambda-url.us-east-1.on.aws' },
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'test',
      domainName: 'example.lambda-url.us-east-1.on.aws',
      domainPrefix: 'example',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Mar/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
}

const context = { functionName: 'query', awsRequestId: 'r-1' } as Context;

async function call(h: ReturnType<typeof setup>, method: string, path: string, qs = '') {
  const r = await h.handler(event(method, path, qs), context);
  const type = r.headers['content-type'] ?? '';
  const body = type.includes('json') ? JSON.parse(r.body) : r.body;
  return { status: r.statusCode, headers: r.headers, body };
}

describe('query HTTP layer: routes from QUERY_ROUTES', () => {
  it('registers exactly the routes resources.ts lists, with API Gateway path syntax', () => {
    // Act
    const compiled = COMPILED_ROUTES.map((r) => [r.route, r.params]);
    // Assess
    expect(compiled.map(([r]) => r)).toEqual([...QUERY_ROUTES]);
    expect(Object.fromEntries(compiled)).toMatchObject({
      'GET /entities/{id}': ['id'],
      'GET /ingests/{key+}': ['key'],
    });
  });

  it('documents in OpenAPI every JSON route of QUERY_ROUTES, and no other', () => {
    // Prepare: the page and its script are not API routes
    const json = QUERY_ROUTES.map((r) => r.split(' ')[1]!)
      .filter((p) => p !== '/' && p !== '/dashboard.js')
      .map((p) => p.replace('+}', '}'));
    // Act
    const documented = Object.keys(openApiDocument().paths);
    // Assess
    expect(documented.sort()).toEqual(json.sort());
  });

  it('passes a greedy key with slashes and escapes to the use case, decoded once', async () => {
    // Prepare
    const h = setup();
    // Act
    const slashes = await call(h, 'GET', '/ingests/sanctions/a%20b/sdn.csv');
    const encoded = await call(h, 'GET', `/ingests/${encodeURIComponent(STATUS.key)}`);
    // Assess
    expect(slashes.status).toBe(200);
    expect(IngestResponse.parse(slashes.body)).toEqual(STATUS);
    expect(encoded.body).toEqual(slashes.body);
    expect(h.calls).toEqual([`getIngestStatus("${STATUS.key}")`, `getIngestStatus("${STATUS.key}")`]);
  });

  it('answers an unknown path with a 404 problem listing the routes', async () => {
    // Act
    const r = await call(setup(), 'GET', '/nope');
    // Assess
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(ProblemResponse.parse(r.body).title).toBe('Not Found');
    expect(r.body.routes).toEqual(QUERY_ROUTES.map((q) => q.split(' ')[1]));
  });

  it('answers another method on a known path with 405 and Allow, and HEAD like GET', async () => {
    // Prepare
    const h = setup();
    // Act
    const post = await call(h, 'POST', '/counts/countries');
    const del = await call(h, 'DELETE', '/ingests/sanctions/sdn.csv');
    const odd = await call(h, 'BREW', '/health');
    const head = await call(h, 'HEAD', '/health');
    // Assess
    for (const r of [post, del, odd]) {
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(post.body.detail).toBe('POST is not allowed on /counts/countries; use GET or HEAD');
    expect(head.status).toBe(200);
  });
});

describe('query HTTP layer: hostile parameters are 400s naming the parameter (issue 15.4)', () => {
  const cases: [string, string, string][] = [
    ['malformed escape', '/entities/%', 'id'],
    ['truncated UTF-8 escape', '/entities/%E0%A4%A', 'id'],
    ['not hex', '/ingests/%ZZ', 'key'],
    ['3,000-character entity id', `/entities/${'m:person:'.padEnd(3000, 'x')}`, 'id'],
    ['key longer than S3 allows', `/ingests/articles/${'k'.repeat(1100)}`, 'key'],
    ['blank id', '/entities/%20%20', 'id'],
  ];
  for (const [what, path, parameter] of cases)
    it(`path: ${what}`, async () => {
      // Prepare
      const h = setup();
      // Act
      const r = await call(h, 'GET', path);
      // Assess
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ProblemResponse.parse(r.body).errors?.map((e) => e.parameter)).toEqual([parameter]);
      expect(h.calls).toEqual([]); // refused before any read
    });

  const queries: [string, string][] = [
    ['/counts/countries', 'limit=1e2'],
    ['/counts/countries', 'limit=0x10'],
    ['/counts/entities', 'limit=2.0'],
    ['/ingests', 'limit=%2010'],
    ['/counts/countries', 'from=2026-02-30'],
    ['/counts/entities', 'to=9999-99-99'],
    ['/counts/entities', 'from=2025-02-29'],
  ];
  for (const [path, qs] of queries)
    it(`query: ${path}?${qs}`, async () => {
      // Prepare
      const h = setup();
      // Act
      const r = await call(h, 'GET', path, qs);
      // Assess
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { parameter: string }) => e.parameter)).toEqual([qs.split('=')[0]]);
      expect(h.calls).toEqual([]);
    });

  it('still takes what is valid: limit=100, a leap day, an id or key at the limit', async () => {
    // Prepare
    const h = setup();
    // Act
    const rs = await Promise.all([
      call(h, 'GET', '/counts/countries', 'limit=100&from=2024-02-29&to=2024-03-01'),
      call(h, 'GET', '/ingests', 'limit=500'),
      call(h, 'GET', `/ingests/articles/${'k'.repeat(1024 - 9)}`),
    ]);
    // Assess
    expect(rs.map((r) => r.status)).toEqual([200, 200, 404]);
  });
});

describe('query HTTP layer: errors and headers', () => {
  it('answers a failing dependency with a 503 that hides its message, and an unknown error with a 500', async () => {
    // Prepare
    const dep = setup(new DependencyError('DynamoDB: Query: table radar-secret-name is throttled'));
    const bug = setup(new TypeError('cannot read properties of undefined'));
    // Act
    const a = await call(dep, 'GET', '/counts/countries');
    const b = await call(bug, 'GET', '/counts/countries');
    // Assess
    expect([a.status, b.status]).toEqual([503, 500]);
    expect(JSON.stringify([a.body, b.body])).not.toMatch(/radar-secret-name|undefined/);
    expect(ProblemResponse.parse(a.body).title).toBe('Service Unavailable');
  });

  it('sends the dashboard with a CSP header, and nosniff on every answer', async () => {
    // Prepare
    const h = setup();
    // Act
    const page = await call(h, 'GET', '/');
    const script = await call(h, 'GET', '/dashboard.js');
    const others = await Promise.all(['/health', '/openapi.json', '/ingests', '/nope'].map((p) => call(h, 'GET', p)));
    // Assess
    expect(page.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).toMatch(/script-src 'self';/);
    expect(page.body).toContain('<script type="module" src="dashboard.js"></script>');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const r of [page, script, ...others]) expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});
