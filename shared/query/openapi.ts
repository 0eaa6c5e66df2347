import { z } from 'zod';
import {
  CountriesQuery,
  CountriesResponse,
  EntitiesQuery,
  EntitiesResponse,
  EntityDetailResponse,
  HealthResponse,
  IngestResponse,
  IngestsQuery,
  IngestsResponse,
  MAX_LIMIT,
  ProblemResponse,
} from './api.ts';
import { ChangesQuery, ChangesResponse, MAX_SETS_PER_PAGE, NEWS_CAP } from './changes.ts';
import {
  ArticleDetailResponse,
  ArticlesQuery,
  ArticlesResponse,
  MAX_INTERVALS,
  NEWEST_PROBE,
  Q_SCAN,
  TimelineQuery,
  TimelineResponse,
} from './articles.ts';

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** Query parameters of a route, from its zod object schema (the same one the handler validates with). */
function parameters(q: z.ZodObject) {
  const js = schema(q, 'input') as { properties: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(js.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: (js.required ?? []).includes(name) && !('default' in s),
    schema: s,
  }));
}

const problemOf = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const problemResponses = { '400': problemOf('Bad input: which parameter and why') };
const notFound = { '404': problemOf('Nothing by that id or key') };
const ok = (ref: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

/** The OpenAPI 3.1 document served at /openapi.json, generated from the zod schemas the handler validates with. */
export function openApiDocument(serverUrl?: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'sanctions-radar query API',
      version: '0.1.0',
      description: `Counts by country and by entity from official sanctions lists and news articles. Every list is paginated with an opaque \`cursor\`; \`limit\` is capped at ${MAX_LIMIT}. Errors are RFC 9457 problem details.`,
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          summary: 'Liveness',
          responses: {
            '200': ok('Health', 'Up'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document (OpenAPI 3.1)',
          responses: {
            '200': { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/counts/countries': {
        get: {
          operationId: 'countsByCountry',
          summary:
            'Per ISO country: listed entities (by list and type), articles, mentions, listed entities in the news',
          description:
            'Reads the list pointers, one counter item per country (at most ~250) and one listed-in-news item per country; with `from`/`to`, the rollups of the range as whole years, months and days (a few dozen items). `listedEntitiesInNews` is null with `from`/`to`: distinct entities are not kept per period, and a sum of periods would count an entity once per period. `undatedArticles` (with `from`/`to`) says how many articles were left out for having no publication date. Open range ends stand for 1900-01-01 and 2099-12-31.',
          parameters: parameters(CountriesQuery),
          responses: { '200': ok('CountriesResponse', 'One page of countries'), ...problemResponses },
        },
      },
      '/counts/entities': {
        get: {
          operationId: 'countsByEntity',
          summary: 'Per entity: articles, mentions, lists, countries',
          description:
            "Without `from`/`to`, a page is read from sorted indexes of per-facet entity rows (a page reads at most 4 × limit + 50 items, whatever the store holds). When filters beyond the most selective one narrow the read (e.g. `country` and `type` together, or `q` with a count sort), a page can hold fewer than `limit` items while `nextCursor` is not null: follow the cursor until it is null. `q` matches the start of the whole name, folded (case, accents, quotes ignored); not aliases or inner words. `listed=true` and `list=` list every entity of the current list version(s): those in the news first (in descending count order), then the others with 0. With `from`/`to` of exactly one calendar month (`2026-03-01`…`2026-03-31`) or year (`2026-01-01`…`2026-12-31`), the same bounded read over that period's rows; any other range is read from the rows of the months or years that hold it, each entity's amount in the range summed exactly from its timeline (by count, descending: entities of one amount come in the order found, each once; by name, a page can come back short with a `nextCursor`); ascending count order over such a range reads every row of those months or years and each entity's range amount from its timeline, then sorts (exact, in strict (amount, id) order; its cost grows with the entities in the news in those periods, not with `limit`; with `listed=true` or `list=` the entities with 0 come first). With `from`/`to`, `undatedArticles` says how many articles (of `country`, or all) were left out for having no publication date.",
          parameters: parameters(EntitiesQuery),
          responses: { '200': ok('EntitiesResponse', 'One page of entities'), ...problemResponses },
        },
      },
      '/counts/timeline': {
        get: {
          operationId: 'timeline',
          summary: 'Articles and mentions per day, ISO week or month for one entity, country or list (zero-filled)',
          description: `Exactly one of \`entity\`, \`country\`, \`list\`. Read from per-day and per-month rollups, never from the articles. Without \`to\`, the range ends on the newest day the series has an article (today when it has none; the ${NEWEST_PROBE} newest months are looked at); without \`from\`, it starts 89 days before \`to\` (90 days). The range is widened to whole intervals (weeks from Monday, months from the 1st), and \`from\`/\`to\` in the answer say what it covers. At most ${MAX_INTERVALS} intervals (else 400).`,
          parameters: parameters(TimelineQuery),
          responses: { '200': ok('TimelineResponse', 'One series, oldest period first'), ...problemResponses },
        },
      },
      '/articles': {
        get: {
          operationId: 'articles',
          summary: 'The articles behind a count, newest first (or oldest first with sort=date)',
          description: `Filter by one of \`entity\`, \`country\`, \`list\`, \`listed\` (\`list\` with \`listed=true\` is \`list\`; \`listed=false\` is refused: no such listing is kept). \`from\`/\`to\` bound the publication day; undated articles are then left out and counted in \`undatedArticles\` (not with \`listed\`). \`q\` keeps titles containing it (case and accents folded), looking at ${Q_SCAN} articles at most per page: a page that reaches that comes back short with a \`nextCursor\`. \`mentions\` counts the filtered entity, country or list; \`snippet\` is the first sentence naming it.`,
          parameters: parameters(ArticlesQuery),
          responses: { '200': ok('ArticlesResponse', 'One page of articles'), ...problemResponses },
        },
      },
      '/articles/{id}': {
        get: {
          operationId: 'article',
          summary: 'One article: title, source, url, date, first paragraphs, the entities and countries it mentions',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'the article id (32 hex digits), as /articles lists it',
            },
          ],
          responses: { '200': ok('ArticleDetail', 'The article'), ...problemResponses, ...notFound },
        },
      },
      '/entities/{id}': {
        get: {
          operationId: 'entity',
          summary: 'One entity: names, countries, lists, recent articles that mention it',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'l:<list>:<sourceId> or m:<kind>:<name>',
            },
          ],
          responses: { '200': ok('EntityDetail', 'The entity'), ...problemResponses, ...notFound },
        },
      },
      '/ingests': {
        get: {
          operationId: 'ingests',
          summary: 'What happened to each uploaded file',
          parameters: parameters(IngestsQuery),
          responses: { '200': ok('IngestsResponse', 'One page of ingests'), ...problemResponses },
        },
      },
      '/ingests/{key}': {
        get: {
          operationId: 'ingest',
          summary: 'What happened to one uploaded file',
          parameters: [
            {
              name: 'key',
              in: 'path',
              required: true,
              schema: { type: 'string' },
              description: 'the object key, e.g. sanctions/sdn.csv (slashes allowed)',
            },
          ],
          responses: { '200': ok('Ingest', 'Its last ingest'), ...problemResponses, ...notFound },
        },
      },
      '/changes': {
        get: {
          operationId: 'changes',
          summary:
            'What each new list version added (ADD), changed (MOD, with the fields) and removed (DEL), newest first',
          description: `Each change carries the entity's first-seen and last-changed dates and the articles that mention it in the 30 days before the day of the change (\`articlesBefore\`) and from that day on (\`articlesAfter\`), counted up to ${NEWS_CAP} (\`articlesCapped\` when reached). A page visits at most ${MAX_SETS_PER_PAGE} list versions: a filter that matches little may return a short page with a \`nextCursor\`.`,
          parameters: parameters(ChangesQuery),
          responses: { '200': ok('ChangesResponse', 'One page of changes'), ...problemResponses },
        },
      },
    },
    components: {
      schemas: {
        CountriesResponse: schema(CountriesResponse),
        EntitiesResponse: schema(EntitiesResponse),
        IngestsResponse: schema(IngestsResponse),
        Ingest: schema(IngestResponse),
        EntityDetail: schema(EntityDetailResponse),
        ArticlesResponse: schema(ArticlesResponse),
        ArticleDetail: schema(ArticleDetailResponse),
        TimelineResponse: schema(TimelineResponse),
        Health: schema(HealthResponse),
        Problem: schema(ProblemResponse),
        ChangesResponse: schema(ChangesResponse),
      },
    },
  };
}
