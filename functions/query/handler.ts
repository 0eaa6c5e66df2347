import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { makeDocumentClient } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { loadConfig } from '../../shared/config.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { json, parseParams, problem, type HttpResult } from '../../shared/http.ts';
import {
  CountriesQuery,
  EntitiesQuery,
  IngestsQuery,
  countsByCountry,
  countsByEntity,
  entityDetail,
  ingestStatus,
  listIngests,
} from '../../shared/query/api.ts';
import { openApiDocument } from '../../shared/query/openapi.ts';
import { DASHBOARD_HTML } from './dashboard.ts';

const config = loadConfig();
const logger = new Logger({ serviceName: 'query' });
const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);

const OPENAPI = openApiDocument();

type Route = (event: APIGatewayProxyEventV2, params: Record<string, string>) => Promise<HttpResult>;

/** A Function URL delivers every path to one function: the routes of design §5 are matched here. */
const routes: [RegExp, Route][] = [
  [
    /^\/$/,
    async () => ({ statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: DASHBOARD_HTML }),
  ],
  [/^\/health$/, async () => json(200, { status: 'ok' })],
  [/^\/openapi\.json$/, async () => json(200, OPENAPI)],
  [
    /^\/counts\/countries$/,
    async (e) => {
      const q = parseParams(CountriesQuery, e.queryStringParameters ?? {});
      // No answer cache (issue 17.3): it could answer from before an ingest that already says done.
      return json(200, await countsByCountry(q, store));
    },
  ],
  [
    /^\/counts\/entities$/,
    async (e) => {
      const q = parseParams(EntitiesQuery, e.queryStringParameters ?? {});
      return json(200, await countsByEntity(q, store));
    },
  ],
  [/^\/entities\/(?<id>.+)$/, async (_e, p) => json(200, await entityDetail(p.id!, store))],
  [
    /^\/ingests$/,
    async (e) => json(200, await listIngests(parseParams(IngestsQuery, e.queryStringParameters ?? {}), store)),
  ],
  [/^\/ingests\/(?<key>.+)$/, async (_e, p) => json(200, await ingestStatus(p.key!, store))],
];

async function route(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  for (const [re, fn] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    if (method !== 'GET' && method !== 'HEAD')
      return problem(405, 'Method Not Allowed', `${method} is not allowed on ${path}; use GET`);
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
    return fn(event, params);
  }
  return problem(404, 'Not Found', `no route for ${path}`, {
    routes: [
      '/',
      '/health',
      '/openapi.json',
      '/counts/countries',
      '/counts/entities',
      '/entities/{id}',
      '/ingests',
      '/ingests/{key}',
    ],
  });
}

export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrorHandler({ fallbackMessage: 'internal error' }))
  .handler(async (event, context) => {
    logger.addContext(context);
    try {
      return await route(event);
    } catch (err) {
      if (err instanceof InvalidInputError)
        return problem(400, 'Bad Request', err.message, { errors: Array.isArray(err.cause) ? err.cause : undefined });
      if (err instanceof NotFoundError) return problem(404, 'Not Found', err.message);
      logger.error('query failed', { path: event.rawPath, error: err as Error });
      return problem(500, 'Internal Server Error', 'the query failed; see the function logs');
    }
  });
