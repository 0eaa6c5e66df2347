import {
  baseCellOf,
  entityInfoOf,
  isEntityCell,
  scopeOf,
  entityRowItem,
  facetsOf,
  listedInNewsAttributes,
  MAX_FACET_COUNTRIES,
  periodsOfDay,
} from '../../shared/domain/entity-rows.ts';
import { counterItems, storedCells } from './stored-cells.ts';

type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * The read model recounted from the counter cells (issue 17.2): every entity counter with articles > 0 has a row in
 * each of its facets holding its counts, and no other row exists; the listed-in-news counters equal the number of
 * listed entities with articles > 0 per country (and list, type); each rollup equals the sum of its days' dated
 * country cells. Returns what differs (empty when the read model is exact).
 */
export function readModelDiff(items: readonly Item[]): string[] {
  const out: string[] = [];
  const key = (i: { pk: string; sk: string }) => `${i.pk} ${i.sk}`;
  const rows = new Map(items.filter((i) => /^ER[#@]/.test(i.pk)).map((i) => [key(i), i]));
  const expectedRows = new Map<string, Record<string, unknown>>();
  const lin = new Map<string, number>();
  const roll = new Map<string, number>();
  const cnt = counterItems(items);
  const counters = new Map(cnt.map((i) => [i.cell, i]));
  for (const it of cnt) {
    const cell = it.cell;
    const a = Number(it.articles ?? 0);
    const m = Number(it.mentions ?? 0);
    if (isEntityCell(cell)) {
      if (a <= 0) continue;
      // A month's or year's rows are filed as the entity's all-time counter says (or their own, once stored).
      const base = counters.get(baseCellOf(cell));
      const info = entityInfoOf(cell, it.name ? it : base);
      for (const f of facetsOf(info)) {
        const row = entityRowItem(f, cell, info, a, m);
        expectedRows.set(key(row), row);
      }
      if (info.listed && !scopeOf(cell))
        for (const cc of info.countries.slice(0, MAX_FACET_COUNTRIES))
          for (const attr of listedInNewsAttributes(info))
            lin.set(`${cc} ${attr}`, (lin.get(`${cc} ${attr}`) ?? 0) + 1);
    }
  }
  // Dated country cells live in the day rollups (stored-cells.ts; their days are checked against a recount of the
  // articles by the recount tests): each month's and year's rollup must equal the sum of its days.
  for (const [cell, [a, m]] of Object.entries(storedCells(items))) {
    const dated = /^countryd\|(\d{4}-\d{2}-\d{2})#([A-Z]{2})$/.exec(cell);
    if (dated)
      for (const p of periodsOfDay(dated[1]!)) {
        roll.set(`${p} a_${dated[2]}`, (roll.get(`${p} a_${dated[2]}`) ?? 0) + a);
        roll.set(`${p} m_${dated[2]}`, (roll.get(`${p} m_${dated[2]}`) ?? 0) + m);
      }
  }
  for (const [k, row] of expectedRows) {
    const got = rows.get(k);
    if (!got) out.push(`missing row ${k}`);
    else
      for (const f of ['articles', 'mentions', 'erm', 'era', 'name', 'gsi1sk'])
        if (JSON.stringify(got[f]) !== JSON.stringify(row[f]))
          out.push(`row ${k}: ${f} ${JSON.stringify(got[f])} ≠ ${JSON.stringify(row[f])}`);
  }
  for (const k of rows.keys()) if (!expectedRows.has(k)) out.push(`extra row ${k}`);
  const stored = new Map<string, number>();
  for (const it of items) {
    if (it.pk.startsWith('LIN#'))
      for (const [a, v] of Object.entries(it))
        if (a !== 'pk' && a !== 'sk' && v) stored.set(`${it.sk} ${a}`, Number(v));
    if (it.pk.startsWith('CR#'))
      for (const [a, v] of Object.entries(it))
        if (/^[am]_/.test(a) && v) stored.set(`${it.pk.slice(3)} ${a}`, Number(v));
  }
  const expected = new Map([...lin, ...[...roll].filter(([, v]) => v !== 0)]);
  for (const [k, v] of expected) if (stored.get(k) !== v) out.push(`${k}: stored ${stored.get(k)} ≠ recount ${v}`);
  for (const [k, v] of stored) if (!expected.has(k)) out.push(`${k}: stored ${v}, recount none`);
  return out;
}
