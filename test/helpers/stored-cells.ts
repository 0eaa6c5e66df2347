import { cellOfCounterItem } from '../../shared/domain/keys.ts';
import { monthItemCells } from '../../shared/domain/timeline.ts';

type Item = Record<string, unknown> & { pk: string; sk: string };

/**
 * The counter items of a table's items, with the cell each holds (`<dimension>|<member>`) and its dimension: counter
 * partitions are write-sharded (`CNT#<dimension>#<shard>`, keys.ts), so a recount compares cells, not partition keys.
 */
export function counterItems<T extends Item>(items: readonly T[]): (T & { cell: string; dim: string })[] {
  return items
    .filter((i) => i.pk.startsWith('CNT#'))
    .map((i) => {
      const cell = cellOfCounterItem(i.pk, i.sk);
      return { ...i, cell, dim: cell.slice(0, cell.indexOf('|')) };
    });
}

/**
 * The counts the table holds, as cells → [articles, mentions], zeros dropped: every counter item (a timeline month's
 * days from its month item's attributes), and the dated country
 * cells (`countryd|<day>#<CC>`) from the day rollups (`CR#<day>`: a_CC, m_CC), where they are stored once (issue 17.1:
 * a `CNT#countryd` counter beside them wrote the same numbers a second time on the hottest partition).
 */
export function storedCells(items: readonly Item[]): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const it of counterItems(items)) {
    if (it.dim.startsWith('tl:') && it.sk.startsWith('m:')) {
      // A timeline month item holds its days too (`a<DD>`, `m<DD>`: timeline.ts monthItemCells).
      for (const c of monthItemCells(it.sk, it))
        if (c.articles || c.mentions) out[`${it.dim}|${c.member}`] = [c.articles, c.mentions];
      continue;
    }
    if (it.articles || it.mentions) out[it.cell] = [Number(it.articles ?? 0), Number(it.mentions ?? 0)];
  }
  for (const it of items) {
    const day = /^CR#(\d{4}-\d{2}-\d{2})$/.exec(it.pk)?.[1];
    if (!day) continue;
    for (const [attr, v] of Object.entries(it)) {
      const cc = /^a_([A-Z]{2})$/.exec(attr)?.[1];
      if (!cc) continue;
      const a = Number(v ?? 0);
      const m = Number(it[`m_${cc}`] ?? 0);
      if (a || m) out[`countryd|${day}#${cc}`] = [a, m];
    }
  }
  return out;
}
