import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../shared/query/openapi.ts';
import { QUERY_ROUTES } from '../../../shared/resources.ts';

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    // Prepare
    const validator = new Validator();
    // Act
    const res = await validator.validate(openApiDocument('http://127.0.0.1:3000') as never);
    // Assess
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every JSON route of the config module, with the validated parameters', () => {
    const doc = openApiDocument();
    const documented = Object.keys(doc.paths).map((p) => `GET ${p.replace('{key}', '{key+}')}`);
    // The page and its script are not JSON routes.
    for (const r of QUERY_ROUTES.filter((r) => r !== 'GET /' && r !== 'GET /dashboard.js'))
      expect(documented).toContain(r);
    const params = doc.paths['/counts/countries'].get.parameters.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['list', 'type', 'from', 'to', 'limit', 'cursor', 'sort']));
  });
});
