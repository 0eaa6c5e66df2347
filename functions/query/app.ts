import {
  isHttpMethod,
  NotFoundError as RouteNotFoundError,
  ParameterValidationError,
  Router,
} from '@aws-lambda-powertools/event-handler/http';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { DynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { AppError, InvalidInputError, MethodNotAllowedError } from '../../shared/errors.ts';
import { type HttpResult, json, parseParams, problem, problemOf, text } from '../../shared/http.ts';
import type { z } from 'zod';
import {
  CountriesQuery,
  CountriesResponse,
  countsByCountry,
  countsByEntity,
  EntitiesQuery,
  EntitiesResponse,
  EntityDetailResponse,
  EntityPath,
  entityDetail,
  IngestPath,
  IngestResponse,
  IngestsQuery,
  IngestsResponse,
  ingestStatus,
  listIngests,
} from '../../shared/query/api.ts';
import { ChangesQuery, ChangesResponse, listChanges } from '../../shared/query/changes.ts';
import {
  ArticleDetailResponse,
  ArticlePath,
  ArticlesQuery,
  ArticlesResponse,
  articleDetail,
  listArticles,
  TimelineQuery,
  TimelineResponse,
  timeline,
} from '../../shared/query/articles.ts';
import { withAliasMatches } from '../../shared/query/alias-search.ts';
import {
  entityDetailWithCanonical,
  withCanonicalCountries,
  withCanonicalEntities,
} from '../../shared/query/canonical-views.ts';
import type { CanonicalStore } from '../../shared/ports.ts';
import { QUERY_ROUTES } from '../../shared/resources.ts';
import { DASHBOARD_HTML, DASHBOARD_JS } from './assets.ts';

export type QueryRoute = (typeof QUERY_ROUTES)[number];

export interface QueryDeps {
  store: DynamoStore;
  /** Cross-list resolution's items (same table); without it the routes answer per listing. */
  canonical?: CanonicalStore;
  openapi: unknown;
  logger: Logger;
  /** `/health`'s answer: a status code and body (the sandbox reports readiness through it). */
  health?: () => Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * What the page may do, sent as a header (a `<meta>` policy cannot say `frame-ancestors`): its own script file and
 * its own API only, nothing inline but the stylesheet, no framing by another site, no form posting anywhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

type Params = Record<string, string>;
type RouteHandler = (event: APIGatewayProxyEventV2, params: Params) => Promise<HttpResult>;

const query = (e: APIGatewayProxyEventV2) => e.queryStringParameters ?? {};

/**
 * A 200 whose body is what its response schema (shared/query/api.ts, the one the OpenAPI document shows) says: keys
 * the schema does not name (a stored item's own keys, `pk`, `gsi1sk`) are dropped, and an answer that does not fit is
 * a 500 (logged) rather than a surprise for a client.
 */
const ok = <S extends z.ZodType>(schema: S, value: unknown): HttpResult => json(200, schema.parse(value));

/** The handler of each route of QUERY_ROUTES: the type makes a route without a handler (or the reverse) a type error. */
function routeHandlers(deps: QueryDeps): Record<QueryRoute, RouteHandler> {
  const { store, canonical } = deps;
  return {
    'GET /': async () =>
      text(200, DASHBOARD_HTML, 'text/html; charset=utf-8', {
        'content-security-policy': DASHBOARD_CSP,
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      }),
    'GET /dashboard.js': async () => text(200, DASHBOARD_JS, 'text/javascript; charset=utf-8'),
    'GET /health': async () => {
      const h = (await deps.health?.()) ?? { status: 200, body: { status: 'ok' } };
      return json(h.status, h.body);
    },
    'GET /openapi.json': async () => json(200, deps.openapi),
    'GET /counts/countries': async (e) => {
      const q = parseParams(CountriesQuery, query(e));
      const page = await countsByCountry(q, store);
      return ok(CountriesResponse, canonical ? await withCanonicalCountries(page, q, { canonical, store }) : page);
    },
    'GET /counts/entities': async (e) => {
      const q = parseParams(EntitiesQuery, query(e));
      const page = await withAliasMatches(await countsByEntity(q, store), q, store);
      return ok(EntitiesResponse, canonical ? await withCanonicalEntities(page, { canonical }) : page);
    },
    'GET /counts/timeline': async (e) =>
      ok(TimelineResponse, await timeline(parseParams(TimelineQuery, query(e)), store)),
    'GET /articles': async (e) => ok(ArticlesResponse, await listArticles(parseParams(ArticlesQuery, query(e)), store)),
    'GET /articles/{id}': async (_e, p) =>
      ok(ArticleDetailResponse, await articleDetail(parseParams(ArticlePath, p, 'path').id, store)),
    'GET /entities/{id}': async (_e, p) => {
      const id = parseParams(EntityPath, p, 'path').id;
      return ok(
        EntityDetailResponse,
        canonical ? await entityDetailWithCanonical(id, { canonical, store }) : await entityDetail(id, store),
      );
    },
    'GET /ingests': async (e) => ok(IngestsResponse, await listIngests(parseParams(IngestsQuery, query(e)), store)),
    'GET /ingests/{key+}': async (_e, p) =>
      ok(IngestResponse, await ingestStatus(parseParams(IngestPath, p, 'path').key, store)),
    'GET /changes': async (e) => ok(ChangesResponse, await listChanges(parseParams(ChangesQuery, query(e)), store)),
  };
}

export interface CompiledRoute {
  readonly route: QueryRoute;
  readonly method: string;
  /** The literal path, or a pattern with one named group per parameter. */
  readonly path: `/${string}` | RegExp;
  readonly params: readonly string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * `GET /ingests/{key+}` → method and router path. API Gateway's syntax, as resources.ts writes it: `{name}` is one
 * path segment, `{name+}` the rest of the path (keys hold slashes). The pattern is unanchored: the router anchors it.
 */
export function compileRoute(route: QueryRoute): CompiledRoute {
  const [method, path] = route.split(' ') as [string, `/${string}`];
  const params: string[] = [];
  if (!path.includes('{')) return { route, method, path, params };
  const source = path
    .split(/(\{\w+\+?\})/)
    .map((part) => {
      const m = /^\{(\w+)(\+?)\}$/.exec(part);
      if (!m) return escapeRegExp(part);
      params.push(m[1]!);
      return `(?<${m[1]}>${m[2] ? '.+' : '[^/]+'})`;
    })
    .join('');
  return { route, method, path: new RegExp(source), params };
}

export const COMPILED_ROUTES: readonly CompiledRoute[] = QUERY_ROUTES.map(compileRoute);

const pathPattern = (r: CompiledRoute) =>
  typeof r.path === 'string' ? new RegExp(`^${escapeRegExp(r.path)}$`) : new RegExp(`^${r.path.source}$`);

/** The methods a path answers to (for `Allow`): each route's method, and HEAD wherever GET is. */
function allowedMethods(path: string): string[] {
  const methods = COMPILED_ROUTES.filter((r) => pathPattern(r).test(path)).map((r) => r.method);
  return [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))];
}

/**
 * A percent-decoding failure happens inside the router, before any route is chosen: find which parameter of which
 * route holds the malformed escape, so the 400 can name it.
 */
function malformedParameter(path: string): string | undefined {
  for (const r of COMPILED_ROUTES) {
    const m = pathPattern(r).exec(path);
    for (const [name, value] of Object.entries(m?.groups ?? {})) {
      try {
        decodeURIComponent(value);
      } catch {
        return name;
      }
    }
  }
  return undefined;
}

const OTHER_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The query function's HTTP layer: Powertools' router (it takes Function URL events, payload 2.0), its routes built
 * from QUERY_ROUTES alone, and one error handler that turns every error into RFC 9457 problem details. Each route
 * reads only what its use case reads (shared/query/api.ts); nothing here reads the store itself.
 */
export function makeQueryHandler(deps: QueryDeps) {
  const router = new Router({ logger: deps.logger });
  const handlers = routeHandlers(deps);
  for (const r of COMPILED_ROUTES) {
    const handle = handlers[r.route];
    router.route(({ event, params }) => handle(event as APIGatewayProxyEventV2, params), {
      method: r.method === 'GET' ? ['GET', 'HEAD'] : (r.method as 'GET'),
      path: r.path,
    });
    // Other methods on a known path are 405s (with Allow), not 404s: the router only knows the methods registered.
    const others = OTHER_METHODS.filter((m) => m !== r.method);
    router.route(
      ({ req }) => {
        throw new MethodNotAllowedError(
          req.method,
          new URL(req.url).pathname,
          allowedMethods(new URL(req.url).pathname),
        );
      },
      { method: [...others], path: r.path },
    );
  }

  /** The one place an error becomes a response. */
  const onError = (err: Error, path: string): HttpResult => {
    if (err instanceof RouteNotFoundError)
      return problem(404, 'Not Found', `no route for ${path}`, { routes: QUERY_ROUTES.map((r) => r.split(' ')[1]) });
    if (err instanceof URIError) {
      const parameter = malformedParameter(path) ?? '(path)';
      return problemOf(
        new InvalidInputError(`${parameter}: not valid percent-encoding (a % must start an escape such as %2F)`, {
          where: parameter,
        }),
      );
    }
    if (err instanceof ParameterValidationError) {
      // The router refuses a parameter that decodes to blanks ("Parameter 'id' cannot be empty").
      const parameter = /'(\w+)'/.exec(err.issues[0] ?? '')?.[1] ?? '(path)';
      return problemOf(new InvalidInputError(`${parameter}: must not be empty or blank`, { where: parameter }));
    }
    if (!(err instanceof AppError) || err.status >= 500) deps.logger.error('query failed', { path, error: err });
    return problemOf(err);
  };
  router.errorHandler(Error, async (err, { req }) => onError(err, new URL(req.url).pathname));

  return async (event: APIGatewayProxyEventV2, context: Context): Promise<HttpResult> => {
    const method = event.requestContext.http.method;
    // A method the router does not know (`FOO`) is refused before it: the router would answer 405 without `Allow`.
    if (!isHttpMethod(method.toUpperCase()))
      return problemOf(new MethodNotAllowedError(method, event.rawPath, ['GET', 'HEAD']));
    try {
      return (await router.resolve(event, context)) as unknown as HttpResult;
    } catch (err) {
      // Only an event the router cannot read at all gets here (e.g. a Host header no URL can hold).
      return onError(err as Error, event.rawPath);
    }
  };
}
