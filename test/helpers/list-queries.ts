import type { RunningSandbox } from './sandbox.ts';

/** Every source id of a list's current version, paged through `/counts/entities?list=` (the suites' own recount). */
export async function entityIds(sb: RunningSandbox, list: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await sb.get(
      `/counts/entities?list=${list}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const i of r.body.items) ids.add(i.id.slice(`l:${list}:`.length));
    cursor = r.body.nextCursor;
  } while (cursor);
  return ids;
}

/** A list's listed entities per country, as `/counts/countries?list=` answers. */
export async function countryTotals(sb: RunningSandbox, list: string): Promise<Map<string, number>> {
  const r = await sb.get<{ items: { country: string; listedEntities: number }[] }>(
    `/counts/countries?list=${list}&limit=500`,
  );
  return new Map(r.body.items.filter((i) => i.listedEntities > 0).map((i) => [i.country, i.listedEntities]));
}
