import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { parse as parseCsvSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeStream } from '../../../shared/domain/encoding.ts';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import { bisDplTxt } from '../../../shared/domain/sanctions/bis-dpl.ts';
import { openSanctionsDelta, openSanctionsFtm } from '../../../shared/domain/sanctions/opensanctions.ts';
import type { ListFormat, ParsedRecord } from '../../../shared/domain/sanctions/types.ts';
import { ofsiConListCsv } from '../../../shared/domain/sanctions/uk.ts';
import { cslCsv } from '../../../shared/domain/sanctions/us-csl.ts';
import { hasSharedData, sharedData } from '../../helpers/shared-data.ts';

const rel = (p: string) => sharedData(`sanctions/${p}`);

/** The real file streamed from disk in the small chunks the fs stream gives with a 7-byte highWaterMark. */
async function parseFile(format: ListFormat, path: string, key = path): Promise<ParsedRecord[]> {
  const head = decodeBytes(readFileSync(path).subarray(0, 8192)).text;
  const out: ParsedRecord[] = [];
  for await (const r of format.parse(decodeStream(createReadStream(path, { highWaterMark: 7 })), { key, head }, {}))
    out.push(r);
  return out;
}

const entitiesOf = (records: ParsedRecord[]) => records.flatMap((r) => (r.kind === 'entity' ? [r.entity] : []));

describe.skipIf(!hasSharedData)(
  'real files in ../shared/data/sanctions: distinct entities equal an independent count',
  () => {
    it('OFSI ConList 2020: one entity per distinct Group ID', async () => {
      // Prepare
      const path = rel('uk-ofsi/pabora8-2020/ConList.csv');
      const rows = parseCsvSync(iconv.decode(readFileSync(path), 'windows-1252'), {
        relax_column_count: true,
        relax_quotes: true,
      }) as string[][];
      const groups = new Set(rows.slice(1).map((r) => r[r.length - 1]));

      // Act
      const records = await parseFile(ofsiConListCsv, path);

      // Assess
      const entities = entitiesOf(records);
      expect(groups.size).toBe(41);
      expect(new Set(entities.map((e) => e.sourceId))).toEqual(groups);
      expect(entities).toHaveLength(groups.size);
      expect(records.filter((r) => r.kind === 'reject')).toEqual([]);
      expect(entities.filter((e) => e.type === 'person')).toHaveLength(32);
      for (const e of entities) ListedEntitySchema.parse(e);
    });

    it('CSL 2019 and 2025: one entity per _id, per source + entity_number, or per source + name for id-less rows', async () => {
      for (const [file, expected] of [
        ['us-csl/watchman-2019/csl.csv', 110],
        ['us-csl/watchman-2025/consolidated.csv', 13],
      ] as const) {
        // Prepare
        const path = rel(file);
        const rows = parseCsvSync(readFileSync(path), { columns: true, bom: true }) as Record<string, string>[];
        const ids = new Set(
          rows.map(
            (r) =>
              r._id ||
              (r.entity_number ? `${r.source}|${r.entity_number}` : `${r.source}|${r.name!.trim().toUpperCase()}`),
          ),
        );

        // Act
        const entities = entitiesOf(await parseFile(cslCsv, path));

        // Assess
        expect(ids.size).toBe(expected);
        expect(entities).toHaveLength(ids.size);
        for (const e of entities) ListedEntitySchema.parse(e);
      }
    });

    it('BIS DPL: one entity per distinct name', async () => {
      // Prepare
      const path = rel('us-bis-dpl/watchman/dpl.txt');
      const rows = parseCsvSync(readFileSync(path), { delimiter: '\t', columns: true }) as Record<string, string>[];
      const names = new Set(rows.map((r) => r.Name!.replace(/\s+/g, ' ').trim().toUpperCase()));

      // Act
      const entities = entitiesOf(await parseFile(bisDplTxt, path));

      // Assess
      expect(names.size).toBe(415);
      expect(entities).toHaveLength(names.size);
      expect(new Set(entities.map((e) => e.sourceId))).toEqual(names);
    });

    it('OpenSanctions t1: one entity per target:true line, list from the data (eu_fsf)', async () => {
      // Prepare
      const path = rel('opensanctions/yente-t1/entities.ftm.json');
      const targets = readFileSync(path, 'utf-8')
        .split('\n')
        .filter((l) => l.trim() && JSON.parse(l).target === true).length;

      // Act
      const records = await parseFile(openSanctionsFtm, path, 'sanctions/yente-t1/entities.ftm.json');

      // Assess
      const entities = entitiesOf(records);
      expect(targets).toBe(6);
      expect(entities).toHaveLength(targets);
      expect(new Set(entities.map((e) => e.list))).toEqual(new Set(['opensanctions:eu_fsf']));
      const irgc = entities.find((e) => e.name === 'IRGC');
      expect(irgc).toMatchObject({
        type: 'organization',
        aliases: ['Iranian Revolutionary Guard Corps'],
        countries: [{ code: 'IR', roles: ['other'] }],
      });
    });

    it('OpenSanctions t2 deltas: ADD/MOD of a named target → entity, DEL → delete, unnamed target → reject', async () => {
      // Prepare
      const dir = rel('opensanctions/yente-t2');
      const versions = readdirSync(dir)
        .filter((d) => /^\d{14}-/.test(d))
        .sort();
      const ops = versions.flatMap((v) =>
        readFileSync(`${dir}/${v}/entities.delta.json`, 'utf-8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l)),
      );
      const named = (e: { properties?: { name?: string[]; alias?: string[] } }) =>
        [...(e.properties?.name ?? []), ...(e.properties?.alias ?? [])].some((n) => n.trim());

      // Act
      const records: ParsedRecord[] = [];
      for (const v of versions)
        records.push(...(await parseFile(openSanctionsDelta, `${dir}/${v}/entities.delta.json`)));

      // Assess
      expect(records.filter((r) => r.kind === 'entity')).toHaveLength(
        ops.filter((o) => o.op !== 'DEL' && o.entity.target && named(o.entity)).length,
      );
      expect(records.filter((r) => r.kind === 'delete')).toEqual(
        ops.filter((o) => o.op === 'DEL').map((o) => ({ kind: 'delete', sourceId: o.entity.id })),
      );
      expect(records.filter((r) => r.kind === 'reject')).toHaveLength(
        ops.filter((o) => o.op !== 'DEL' && !named(o.entity)).length,
      );
    });
  },
);
