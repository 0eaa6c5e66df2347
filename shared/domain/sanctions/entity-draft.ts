import { ListedEntitySchema, type CountryRole, type EntityType, type ListedEntity, type ListId } from '../model.ts';
import type { ParsedRecord } from './types.ts';

/**
 * A listed entity being assembled from several rows or elements (one row per name variant, per address …). Plain data:
 * names, countries, programmes and identifiers are deduplicated as they arrive, so a group of rows costs what its distinct
 * facts cost, not what its rows cost.
 */
export interface EntityDraft {
  list: ListId;
  sourceId: string;
  type: EntityType | undefined;
  name: string | undefined;
  aliases: Set<string>;
  weakAliases: Set<string>;
  countries: Map<string, Set<CountryRole>>;
  programs: Set<string>;
  identifiers: Map<string, { type: string; value: string }>;
  listedOn: string | undefined;
}

/** Trims and collapses every run of whitespace (line breaks inside quoted cells included) to one space. */
export const cleanText = (s: string | undefined | null): string => (s ?? '').replace(/\s+/g, ' ').trim();

export function createDraft(list: ListId, sourceId: string): EntityDraft {
  return {
    list,
    sourceId: cleanText(sourceId),
    type: undefined,
    name: undefined,
    aliases: new Set(),
    weakAliases: new Set(),
    countries: new Map(),
    programs: new Set(),
    identifiers: new Map(),
    listedOn: undefined,
  };
}

/**
 * Adds a name: the first strong name becomes the primary name, later ones aliases. A weak name never becomes the primary
 * name while a strong one exists (see `finishDraft`).
 */
export function addName(d: EntityDraft, raw: string | undefined, strength: 'strong' | 'weak' = 'strong'): void {
  const name = cleanText(raw).slice(0, 1000);
  if (!name) return;
  if (strength === 'weak') {
    d.weakAliases.add(name);
    return;
  }
  if (d.name === undefined) d.name = name;
  else if (d.name !== name) d.aliases.add(name);
}

/** Sets the primary name, moving any previous one to the aliases (a list that marks its primary name explicitly). */
export function setPrimaryName(d: EntityDraft, raw: string | undefined): void {
  const name = cleanText(raw).slice(0, 1000);
  if (!name) return;
  if (d.name !== undefined && d.name !== name) d.aliases.add(d.name);
  d.name = name;
  d.aliases.delete(name);
}

/** Adds an ISO alpha-2 code (any case); anything else is ignored (`00`, empty, `zz`, `suhh` …). */
export function addCountry(d: EntityDraft, code: string | undefined, role: CountryRole): void {
  const c = cleanText(code).toUpperCase();
  if (!/^[A-Z]{2}$/.test(c) || NOT_COUNTRIES.has(c)) return;
  const roles = d.countries.get(c) ?? new Set<CountryRole>();
  roles.add(role);
  d.countries.set(c, roles);
}

/** Two-letter codes that are not a country: EU's unknown marker, OpenSanctions' "unknown" and "European Union". */
const NOT_COUNTRIES = new Set(['00', 'ZZ', 'EU', 'XX']);

export function addProgram(d: EntityDraft, raw: string | undefined): void {
  const p = cleanText(raw).slice(0, 200);
  if (p) d.programs.add(p);
}

export function addIdentifier(d: EntityDraft, type: string, raw: string | undefined): void {
  const value = cleanText(raw).slice(0, 500);
  if (!value) return;
  d.identifiers.set(`${type}\u0000${value}`, { type, value });
}

/** Keeps the earliest ISO date seen (several rows of one entity may each carry a listing date). */
export function addListedOn(d: EntityDraft, iso: string | undefined): void {
  if (iso && (d.listedOn === undefined || iso < d.listedOn)) d.listedOn = iso;
}

/** `DD/MM/YYYY` (UK) or `MM/DD/YYYY` (US) → `YYYY-MM-DD`; anything else (including `00/00/1980`) → undefined. */
export function isoDateOf(raw: string | undefined, order: 'dmy' | 'mdy'): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(cleanText(raw));
  if (!m) return undefined;
  const [a, b, year] = [Number(m[1]), Number(m[2]), m[3]!];
  const [day, month] = order === 'dmy' ? [a, b] : [b, a];
  if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The finished entity, checked against the schema, or a rejection saying where and why. */
export function finishDraft(d: EntityDraft, where: string): ParsedRecord {
  if (!d.sourceId) return { kind: 'reject', where, reason: 'no id' };
  let name = d.name;
  const weak = new Set(d.weakAliases);
  if (name === undefined) {
    // Only weak names: the list still designates the target; show the first weak name rather than lose the record.
    const first = weak.values().next();
    if (first.done) return { kind: 'reject', where, reason: 'no name' };
    name = first.value;
    weak.delete(name);
  }
  const aliases = [...d.aliases].filter((a) => a !== name);
  const strong = new Set([name, ...aliases]);
  const entity: ListedEntity = {
    list: d.list,
    sourceId: d.sourceId,
    type: d.type ?? 'other',
    name,
    aliases,
    weakAliases: [...weak].filter((a) => !strong.has(a)),
    countries: [...d.countries].map(([code, roles]) => ({ code, roles: [...roles] })),
    programs: [...d.programs],
    identifiers: [...d.identifiers.values()],
    ...(d.listedOn ? { listedOn: d.listedOn } : {}),
  };
  const parsed = ListedEntitySchema.safeParse(entity);
  if (!parsed.success) {
    return {
      kind: 'reject',
      where,
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  return { kind: 'entity', entity: parsed.data };
}
