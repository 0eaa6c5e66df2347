import type { ListedEntity } from './model.ts';

/**
 * Per list version: entities by type, and by country and type, computed while streaming the file. An entity counts
 * once per country, whatever the number of roles or addresses it has there (design §3, formats §0.3).
 */
export interface ListAggregate {
  entityCount: number;
  byType: Record<string, number>;
  byCountry: Record<string, Record<string, number>>;
}

export const emptyAggregate = (): ListAggregate => ({ entityCount: 0, byType: {}, byCountry: {} });

export function addToAggregate(agg: ListAggregate, e: ListedEntity): void {
  agg.entityCount++;
  agg.byType[e.type] = (agg.byType[e.type] ?? 0) + 1;
  for (const code of new Set(e.countries.map((c) => c.code))) {
    const t = (agg.byCountry[code] ??= {});
    t[e.type] = (t[e.type] ?? 0) + 1;
  }
}

/** Merges an enrichment into an entity: union of aliases, countries (roles merged), programmes, identifiers. */
export function mergeEntity(
  e: ListedEntity,
  patch: Partial<Pick<ListedEntity, 'aliases' | 'weakAliases' | 'countries' | 'programs' | 'identifiers' | 'listedOn'>>,
): ListedEntity {
  const uniq = <T>(xs: T[], key: (x: T) => string) => {
    const seen = new Map<string, T>();
    for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
    return [...seen.values()];
  };
  const countries = new Map<string, Set<string>>();
  for (const c of [...e.countries, ...(patch.countries ?? [])]) {
    const s = countries.get(c.code) ?? new Set();
    for (const r of c.roles) s.add(r);
    countries.set(c.code, s);
  }
  return {
    ...e,
    aliases: uniq([...e.aliases, ...(patch.aliases ?? [])], (x) => x),
    weakAliases: uniq([...e.weakAliases, ...(patch.weakAliases ?? [])], (x) => x),
    countries: [...countries].map(([code, roles]) => ({
      code,
      roles: [...roles] as ListedEntity['countries'][number]['roles'],
    })),
    programs: uniq([...e.programs, ...(patch.programs ?? [])], (x) => x),
    identifiers: uniq([...e.identifiers, ...(patch.identifiers ?? [])], (x) => `${x.type}\0${x.value}`),
    ...((e.listedOn ?? patch.listedOn) ? { listedOn: e.listedOn ?? patch.listedOn } : {}),
  };
}
