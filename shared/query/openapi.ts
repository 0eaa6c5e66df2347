import { z } from 'zod';
import { CountriesQuery, CountriesResponse, EntitiesQuery, EntitiesResponse, IngestsQuery, MAX_LIMIT } from './api.ts';

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ parameter: z.string(), reason: z.string() })).optional(),
});
const Ingest = z.object({
  key: z.string(),
  status: z.enum(['done', 'failed', 'quarantined', 'processing', 'deleted', 'unchanged']),
  format: z.string().optional(),
  list: z.string().optional(),
  version: z.string().optional(),
  records: z.object({ read: z.number().int(), written: z.number().int(), rejected: z.number().int() }),
  rejections: z.array(z.object({ where: z.string(), reason: z.string() })).optional(),
  error: z.string().optional(),
  durationMs: z.number().optional(),
  updatedAt: z.string(),
});
const IngestsResponse = z.object({ items: z.array(Ingest), nextCursor: z.string().nullable() });

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

const problemResponses = {
  '400': {
    description: 'Bad input: which parameter and why',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  },
};
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
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { type: 'object', properties: { status: { const: 'ok' } } } } },
            },
          },
        },
      },
      '/counts/countries': {
        get: {
          operationId: 'countsByCountry',
          summary:
            'Per ISO country: listed entities (by list and type), articles, mentions, listed entities in the news',
          parameters: parameters(CountriesQuery),
          responses: { '200': ok('CountriesResponse', 'One page of countries'), ...problemResponses },
        },
      },
      '/counts/entities': {
        get: {
          operationId: 'countsByEntity',
          summary: 'Per entity: articles, mentions, lists, countries',
          parameters: parameters(EntitiesQuery),
          responses: { '200': ok('EntitiesResponse', 'One page of entities'), ...problemResponses },
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
          responses: {
            '200': { description: 'The entity', content: { 'application/json': { schema: { type: 'object' } } } },
            '404': problemResponses['400'],
          },
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
          responses: { '200': ok('Ingest', 'Its last ingest'), '404': problemResponses['400'] },
        },
      },
    },
    components: {
      schemas: {
        CountriesResponse: schema(CountriesResponse),
        EntitiesResponse: schema(EntitiesResponse),
        IngestsResponse: schema(IngestsResponse),
        Ingest: schema(Ingest),
        Problem: schema(Problem),
      },
    },
  };
}
