import { describe, expect, it } from 'vitest';
import {
  cslCsv,
  cslJson,
  readJsonResults,
  sniffCslCsv,
  sniffCslJson,
  typeOfUntypedName,
} from '../../../shared/domain/sanctions/us-csl.ts';
import { codes, fixture, parseBytes, rolesOf } from './stream.ts';

describe('trade.gov CSL CSV, 2019 layout (28 columns, no _id)', () => {
  it('keys OFAC rows by source + entity_number and BIS/State rows by source + name, merging repeated rows', async () => {
    // Prepare
    const bytes = fixture('us-csl-2019-cut.csv');

    // Act
    const { entities, rejects, byId } = await parseBytes(cslCsv, bytes);

    // Assess: 26 rows, Gunther Migeotte over 5 and AL NASER WINGS AIRLINES over 2.
    expect(rejects).toEqual([]);
    expect(entities).toHaveLength(26 - 4 - 1);
    const g = byId('EL:GUNTHER MIGEOTTE');
    expect(g).toMatchObject({ list: 'us-csl', type: 'person', name: 'Gunther Migeotte', listedOn: '2010-06-28' });
    expect(g.programs).toEqual(['Entity List (EL) - Bureau of Industry and Security']);
    expect(codes(g)).toEqual(['NO', 'ZA']);
    expect(codes(byId('DPL:AL NASER WINGS AIRLINES'))).toEqual(['AE', 'IQ']);
    expect(byId('DPL:AL NASER WINGS AIRLINES').type).toBe('organization');
  });

  it('reads typed OFAC rows: type, programmes, ;-separated aliases, address country, ids with the country first', async () => {
    // Prepare
    const bytes = fixture('us-csl-2019-cut.csv');

    // Act
    const { byId } = await parseBytes(cslCsv, bytes);

    // Assess
    const c = byId('SDN:8124');
    expect(c).toMatchObject({
      type: 'organization',
      name: '2904977 CANADA, INC.',
      aliases: ['CARIBE SOL', 'HAVANTUR CANADA INC.'],
    });
    expect(c.programs).toEqual(['Specially Designated Nationals (SDN) - Treasury Department', 'CUBA']);
    expect(rolesOf(c, 'CA')).toEqual(['address']);
    expect(byId('SDN:20264').identifiers).toEqual([{ type: 'Tax ID No.', value: '80-0890696' }]);
    expect(byId('SDN:23156')).toMatchObject({ type: 'vessel', name: '7-28' });
    expect(byId('DTC:GWENDOLYN DOUGLAS')).toMatchObject({ type: 'person', aliases: ['Gwen Douglas'] });
  });
});

describe('trade.gov CSL CSV, current layout (29 columns, _id first)', () => {
  it('keys every row by _id and reads nationalities and document ids, skipping non-identifier "ids"', async () => {
    // Prepare
    const bytes = fixture('us-csl-2025-cut.csv');

    // Act
    const { entities, byId } = await parseBytes(cslCsv, bytes);

    // Assess
    expect(entities).toHaveLength(13);
    const rim = byId('52291');
    expect(rim).toMatchObject({
      type: 'person',
      name: 'RIM, Ryong Nam',
      programs: ['Specially Designated Nationals (SDN) - Treasury Department', 'NPWMD'],
    });
    expect(rolesOf(rim, 'KP')).toEqual(['address', 'nationality']);
    expect(rolesOf(rim, 'CN')).toEqual(['address']);
    expect(rim.identifiers).toContainEqual({ type: 'Passport', value: '836238033' });
    expect(rim.identifiers.some((i) => /gender|secondary/i.test(i.type))).toBe(false);
    expect(byId('66f6ab3f26234b75a9093fce79ef0ce0')).toMatchObject({
      type: 'organization',
      listedOn: '2020-12-23',
      countries: [{ code: 'CN', roles: ['address'] }],
    });
  });
});

describe('trade.gov CSL JSON (API shape)', () => {
  it('streams the results array and reads arrays, address objects and id objects', async () => {
    // Prepare
    const bytes = fixture('us-csl-api-sample.json');

    // Act
    const { entities, byId } = await parseBytes(cslJson, bytes, 'sanctions/csl.json', 5);

    // Assess
    expect(entities.map((e) => e.sourceId)).toEqual(['9673', '52291', '34d6611355974b0ba70eba9a096971f8']);
    const rim = byId('52291');
    expect(codes(rim)).toEqual(['CN', 'KP']);
    expect(rolesOf(rim, 'KP')).toEqual(['address', 'nationality']);
    expect(rim.identifiers).toEqual([{ type: 'Passport', value: '836238033' }]);
    expect(byId('9673').aliases).toEqual(['Mohammad Mutlaq ABU JHESHEH', 'Mohammed ABU JEHEISHA']);
  });

  it('handles braces and quotes inside strings, and rejects an unreadable record', async () => {
    // Prepare
    const text =
      '{"total":2,"results":[{"_id":"a","source":"S (X)","name":"Brace } \\" { Co"},{"_id":"b","source":"S (X)","name":"B"},{"_id":"c","name":1e}]}';
    const out: unknown[] = [];

    // Act
    for await (const r of readJsonResults(
      (async function* () {
        for (let i = 0; i < text.length; i += 3) yield text.slice(i, i + 3);
      })(),
    ))
      out.push(r);

    // Assess
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ index: 0, value: { _id: 'a', source: 'S (X)', name: 'Brace } " { Co' } });
    expect(out[2]).toMatchObject({ index: 2, error: expect.any(String) });
  });

  it('throws InvalidInputError on a truncated download and on JSON without results', async () => {
    // Prepare
    const truncated = Buffer.from('{"results":[{"_id":"a","source":"S","name":"A"},{"_id":"b","na');
    const other = Buffer.from('{"items":[]}');

    // Act / Assess
    await expect(parseBytes(cslJson, truncated)).rejects.toMatchObject({ name: 'InvalidInputError' });
    await expect(parseBytes(cslJson, other)).rejects.toMatchObject({ name: 'InvalidInputError' });
  });
});

describe('CSL helpers', () => {
  it('guesses the type of untyped BIS names: organisation words and digits win, plain names are people', () => {
    // Prepare / Act / Assess
    expect(typeOfUntypedName('ADRIAN MANUEL HERNANDEZ')).toBe('person');
    expect(typeOfUntypedName('Gustavo Gonzalez, Jr.')).toBe('person');
    expect(typeOfUntypedName('32 Group China Ltd.')).toBe('organization');
    expect(typeOfUntypedName('AL NASER WINGS AIRLINES')).toBe('organization');
    expect(typeOfUntypedName('A & C International Trade, Inc.')).toBe('organization');
    expect(typeOfUntypedName('GBNTT')).toBe('organization');
  });

  it('sniffs both layouts and the JSON, and not other files', () => {
    // Prepare
    const csv2019 = fixture('us-csl-2019-cut.csv').toString();
    const csv2025 = fixture('us-csl-2025-cut.csv').toString();
    const json = fixture('us-csl-api-sample.json').toString();

    // Act / Assess
    expect(sniffCslCsv(csv2019, 'a.csv')).toBeGreaterThan(0.9);
    expect(sniffCslCsv(csv2025, 'a.csv')).toBeGreaterThan(0.9);
    expect(sniffCslJson(json, 'a.json')).toBeGreaterThan(0.9);
    expect(sniffCslCsv(json, 'a.json')).toBe(0);
    expect(sniffCslJson(csv2025, 'a.csv')).toBe(0);
  });
});
