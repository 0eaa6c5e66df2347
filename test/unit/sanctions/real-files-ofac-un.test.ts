import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { hasSharedData, sharedData } from '../../helpers/shared-data.ts';
import { parseBytes } from './helpers.ts';

/*
 * The parsers against the team's real files, each count checked against an independent count written here in a line
 * or two (regexes over raw lines or tags), not against the parser's own logic.
 */

const read = (rel: string): Buffer => readFileSync(sharedData(`sanctions/${rel}`));

/** Distinct first-column ids of an OFAC CSV: every line that starts with digits and a comma. */
const distinctIds = (bytes: Buffer): number => new Set(bytes.toString('utf8').match(/^\d+(?=,)/gm) ?? []).size;
const lineCount = (bytes: Buffer): number => (bytes.toString('utf8').match(/^\d+,/gm) ?? []).length;
const tagCount = (bytes: Buffer, tag: string): number =>
  (bytes.toString('utf8').match(new RegExp(`<${tag}>`, 'g')) ?? []).length;

async function run(rel: string, chunkSize?: number) {
  const bytes = read(rel);
  const key = `sanctions/${rel}`;
  const format = detectListFormat({ key, head: bytes.subarray(0, 8192).toString('utf8') });
  if (!format) throw new Error(`${rel}: not detected`);
  return { format, bytes, parsed: await parseBytes(format, bytes, key, chunkSize) };
}

describe.skipIf(!hasSharedData)('real OFAC CSV files', () => {
  it.each([
    ['ofac-sdn/watchman-2019/sdn.csv', 'us-ofac-sdn-csv', 7379],
    ['ofac-sdn/watchman-small/sdn.csv', 'us-ofac-sdn-csv', 17],
    ['ofac-cons/watchman-2025/cons_prim.csv', 'us-ofac-cons-csv', 442],
  ])('%s: detected as %s, one entity per distinct ent_num (%i)', async (rel, id, documented) => {
    // Prepare / Act
    const { format, bytes, parsed } = await run(rel);
    // Assess
    expect(format.id).toBe(id);
    expect(distinctIds(bytes)).toBe(documented);
    expect(parsed.entities).toHaveLength(distinctIds(bytes));
    expect(parsed.rejects).toEqual([]);
  });

  it('2019 sdn.csv: entity types match the SDN_Type column counts', async () => {
    // Prepare
    const { bytes, parsed } = await run('ofac-sdn/watchman-2019/sdn.csv');
    const text = bytes.toString('utf8');
    const count = (re: RegExp): number => (text.match(re) ?? []).length;
    // Act
    const types = new Map<string, number>();
    for (const e of parsed.entities) types.set(e.type, (types.get(e.type) ?? 0) + 1);
    // Assess: the third cell, right after the quoted name.
    expect(types.get('person')).toBe(count(/^\d+,"(?:[^"]|"")*","individual",/gm));
    expect(types.get('vessel')).toBe(count(/^\d+,"(?:[^"]|"")*","vessel",/gm));
    expect(types.get('aircraft')).toBe(count(/^\d+,"(?:[^"]|"")*","aircraft",/gm));
    expect(types.get('organization')).toBe(count(/^\d+,"(?:[^"]|"")*",-0- ,/gm));
  });

  it.each([
    ['ofac-sdn/watchman-2019/alt.csv', 'us-ofac-alt-csv'],
    ['ofac-sdn/watchman-small/alt.csv', 'us-ofac-alt-csv'],
    ['ofac-cons/watchman-2025/cons_alt.csv', 'us-ofac-alt-csv'],
  ])('%s: one alias enrichment per row', async (rel, id) => {
    // Prepare / Act
    const { format, bytes, parsed } = await run(rel);
    // Assess
    expect(format.id).toBe(id);
    expect(parsed.enrich).toHaveLength(lineCount(bytes));
    expect(parsed.rejects).toEqual([]);
  });

  it.each([
    ['ofac-sdn/watchman-2019/add.csv'],
    ['ofac-sdn/watchman-small/add.csv'],
    ['ofac-cons/watchman-2025/cons_add.csv'],
  ])('%s: one address enrichment per row whose country cell is not -0-', async (rel) => {
    // Prepare / Act
    const { format, bytes, parsed } = await run(rel);
    const withCountry = (bytes.toString('utf8').match(/^\d+,.*,"[^"]+",(?:-0- |"[^"]*")\r?$/gm) ?? []).length;
    // Assess: nearly every named country resolves (a few free-text values, e.g. regions, may not).
    expect(format.id).toBe('us-ofac-add-csv');
    expect(parsed.enrich.length).toBeLessThanOrEqual(withCountry);
    expect(parsed.enrich.length).toBeGreaterThanOrEqual(Math.floor(withCountry * 0.98));
    expect(parsed.rejects).toEqual([]);
  });

  it.each([['ofac-sdn/watchman-2019/sdn_comments.csv'], ['ofac-cons/watchman-2025/cons_comments.csv']])(
    '%s: the comments file (ends with 0x1A) parses without rejects',
    async (rel) => {
      // Prepare / Act
      const { format, bytes, parsed } = await run(rel, 7);
      // Assess
      expect(bytes.at(-1)).toBe(0x1a);
      expect(format.id).toBe('us-ofac-comments-csv');
      expect(parsed.rejects).toEqual([]);
      expect(parsed.enrich.length).toBeGreaterThan(0);
      expect(parsed.enrich.length).toBeLessThanOrEqual(lineCount(bytes));
    },
  );
});

describe.skipIf(!hasSharedData)('real XML files', () => {
  it('OFAC consolidated.xml 2018: one entity per <sdnEntry>, equal to Record_Count, list us-ofac-cons', async () => {
    // Prepare / Act
    const { format, bytes, parsed } = await run('ofac-cons/perchrh-2018/consolidated.xml');
    // Assess
    expect(format.id).toBe('us-ofac-xml');
    expect(parsed.entities).toHaveLength(tagCount(bytes, 'sdnEntry'));
    expect(parsed.summary).toEqual({ declaredCount: tagCount(bytes, 'sdnEntry'), publishedAt: '2018-04-06' });
    expect(parsed.entities.every((e) => e.list === 'us-ofac-cons')).toBe(true);
  });

  it('OFAC XML: weak aliases as many as category=weak akas (the sample has 46)', async () => {
    // Prepare
    const { bytes, parsed } = await run('ofac-cons/perchrh-2018/consolidated.xml');
    const weakAkas = (bytes.toString('utf8').match(/<category>weak<\/category>/g) ?? []).length;
    // Act
    const weak = parsed.entities.reduce((n, e) => n + e.weakAliases.length, 0);
    // Assess: each weak aka gives one or two forms (with a first name, natural order too), minus duplicates.
    expect(weakAkas).toBe(46);
    expect(weak).toBeGreaterThanOrEqual(weakAkas - 2);
    expect(weak).toBeLessThanOrEqual(weakAkas * 2);
  });

  it.each([
    ['un-sc/perchrh-2018/consolidated.xml', 1093, '2018-10-29T19:09:49.856-04:00'],
    ['un-sc/mkweli-2025/un_consolidated.xml', 1000, '2025-11-20T23:00:09.067Z'],
  ])('%s: one entity per <INDIVIDUAL> and <ENTITY> (%i), 7-byte chunks', async (rel, documented, generated) => {
    // Prepare / Act
    const { format, bytes, parsed } = await run(rel, 7);
    const people = tagCount(bytes, 'INDIVIDUAL');
    const orgs = tagCount(bytes, 'ENTITY');
    // Assess
    expect(format.id).toBe('un-sc-xml');
    expect(people + orgs).toBe(documented);
    expect(parsed.entities).toHaveLength(people + orgs);
    expect(parsed.entities.filter((e) => e.type === 'person')).toHaveLength(people);
    expect(parsed.summary.publishedAt).toBe(generated);
    expect(new Set(parsed.entities.map((e) => e.identifiers.find((i) => i.type === 'un-reference')?.value)).size).toBe(
      people + orgs,
    );
    expect(parsed.rejects).toEqual([]);
  });

  it('UN 2025: weak aliases are exactly the QUALITY Low aliases (615 in the sample)', async () => {
    // Prepare
    const { bytes, parsed } = await run('un-sc/mkweli-2025/un_consolidated.xml');
    const low = (bytes.toString('utf8').match(/<QUALITY>Low<\/QUALITY>/g) ?? []).length;
    // Act
    const weak = parsed.entities.reduce((n, e) => n + e.weakAliases.length, 0);
    // Assess: equal unless an entity repeats a Low alias, or a Low alias repeats a strong name.
    expect(low).toBe(615);
    expect(weak).toBeLessThanOrEqual(low);
    expect(weak).toBeGreaterThanOrEqual(low - 10);
  });
});
