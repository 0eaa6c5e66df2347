import { entityRowKey, listedEntityId, mentionEntityId, ROW_SHARDS, rowShardOf } from './keys.ts';

/**
 * The bounded read model of entities (issue 17.2): every entity with articles > 0 has one row in each facet it belongs
 * to, and each facet is read through sorted indexes a page at a time. Pure: the aggregator plans the rows, the
 * adapters write and read them.
 */

/** What an entity is, as its rows show it in every view (17.3: one entity, the same fields everywhere). */
export interface EntityInfo {
  name: string;
  type: string;
  countries: string[];
  lists: string[];
  listed: boolean;
}

/** An entity row as stored and read. */
export interface EntityRow extends EntityInfo {
  id: string;
  nameKey: string;
  articles: number;
  mentions: number;
}

/** Countries an entity's rows are filed under: a list entry naming dozens would otherwise blow one transaction. */
export const MAX_FACET_COUNTRIES = 16;
/** Longest folded name kept as the name-order key (gsi1sk is limited to 1,024 bytes, the id follows it). */
const MAX_NAME_KEY = 200;

/**
 * Names compared for order and prefix search: no accents, no case, no quotes or brackets (lists write aliases as
 * `"KOMID"`), spaces collapsed.
 */
export function foldName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/["'()[\]«»\u2018\u2019\u201c\u201d]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_NAME_KEY);
}

/**
 * Entity cells: `listed|<list>|<sourceId>` and `entity|<mention key>` (all time), and their month and year twins
 * `listedm|YYYY-MM#…`, `listedy|YYYY#…` (the rows behind `from`/`to` of one whole month or year).
 */
const ENTITY_CELL = /^(listed|entity)(?:([my])\|(\d{4}(?:-\d{2})?)#|\|)(.+)$/;

export function parseEntityCell(cell: string): { dim: 'listed' | 'entity'; scope: string; member: string } | undefined {
  const m = ENTITY_CELL.exec(cell);
  if (!m) return undefined;
  if (m[2] && (m[2] === 'm') !== (m[3]!.length === 7)) return undefined;
  return { dim: m[1] as 'listed' | 'entity', scope: m[2] ? `@${m[3]}` : '', member: m[4]! };
}

export function isEntityCell(cell: string): boolean {
  return parseEntityCell(cell) !== undefined;
}

/** The all-time cell of an entity cell (itself when it is one). */
export function baseCellOf(cell: string): string {
  const p = parseEntityCell(cell);
  return p ? `${p.dim}|${p.member}` : cell;
}

/** The scope of an entity cell: '' (all time), `@YYYY-MM` or `@YYYY`. */
export const scopeOf = (cell: string): string => parseEntityCell(cell)?.scope ?? '';

/** An all-time entity cell's twin in a scope (`@2026-03` → `listedm|2026-03#…`). */
export function scopedCell(base: string, scope: string): string {
  if (!scope) return base;
  const i = base.indexOf('|');
  const period = scope.slice(1);
  return `${base.slice(0, i)}${period.length === 7 ? 'm' : 'y'}|${period}#${base.slice(i + 1)}`;
}

/** The public id of an entity cell's entity. */
export function entityIdOfCell(cell: string): string {
  const p = parseEntityCell(cell);
  if (!p) throw new Error(`not an entity cell: ${cell}`);
  if (p.dim === 'entity') return mentionEntityId(p.member);
  const i = p.member.indexOf('|');
  return listedEntityId(p.member.slice(0, i), p.member.slice(i + 1));
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

/**
 * An entity's info from the display fields a cell carries (`name`, `kind`, `countries` of a listed link; `country` of
 * a mention, from the extractor) or a stored counter holds; what is missing falls back to the id.
 */
export function entityInfoOf(cell: string, fields: Record<string, unknown> | undefined): EntityInfo {
  const parsed = parseEntityCell(cell);
  const listed = parsed?.dim === 'listed';
  const member = parsed?.member ?? cell.slice(cell.indexOf('|') + 1);
  const f = fields ?? {};
  const countries = [...new Set([...strings(f.countries), ...strings(f.country)])].filter((c) => /^[A-Z]{2}$/.test(c));
  return {
    name: typeof f.name === 'string' && f.name ? f.name : listed ? member.slice(member.indexOf('|') + 1) : member,
    type: typeof f.kind === 'string' && f.kind ? f.kind : listed ? 'other' : (member.split(':')[0] ?? 'other'),
    countries: countries.sort(),
    lists: listed ? [member.slice(0, member.indexOf('|'))] : [],
    listed,
  };
}

/**
 * The facets an entity's rows are filed under. Not `all`: every entity is `listed` or `news` (its id says which, for
 * good), so `all` is read as those two together (rowLanes). A row of its own in `all` was a fifth of the rows an
 * article writes, and its shards were the hottest row partitions (every entity of every article wrote one).
 */
export function facetsOf(info: EntityInfo): string[] {
  return [
    info.listed ? 'listed' : 'news',
    `type:${info.type}`,
    ...info.countries.slice(0, MAX_FACET_COUNTRIES).map((c) => `country:${c}`),
    ...info.lists.map((l) => `list:${l}`),
  ];
}

/** The facets a facet's rows are stored under: `all` is `listed` and `news` (facetsOf), every other one itself. */
export const storedFacetsOf = (facet: string): string[] => (facet === 'all' ? ['listed', 'news'] : [facet]);

/** One row partition of a facet in a scope: a stored facet's shard. */
export interface RowLane {
  facet: string;
  shard: number;
}

/** The row partitions a facet is read from, stored facet by stored facet, shard by shard (laneOf indexes them). */
export const rowLanes = (facet: string): RowLane[] =>
  storedFacetsOf(facet).flatMap((f) => Array.from({ length: ROW_SHARDS }, (_, shard) => ({ facet: f, shard })));

/**
 * The lane (index in rowLanes(facet)) of an entity's rows in a facet: the same in every scope, which is what lets the
 * range read bound an unread entity by its lane's last amounts (shared/query/range-model.ts).
 */
export function laneOf(facet: string, entityId: string): number {
  const stored = storedFacetsOf(facet);
  const at = stored.length === 1 ? 0 : stored.indexOf(entityId.startsWith('l:') ? 'listed' : 'news');
  return at * ROW_SHARDS + rowShardOf(entityId);
}

/** Facets a row move deletes beyond its info's own (`drop`, less those its info files it under). */
export function droppedFacets(m: { info: EntityInfo; drop?: readonly string[] | undefined }): string[] {
  if (!m.drop?.length) return [];
  const keep = new Set(facetsOf(m.info));
  return [...new Set(m.drop)].filter((f) => !keep.has(f));
}

/** Whether two infos file and show an entity alike (the rows of one are the rows of the other). */
export const sameInfo = (a: EntityInfo, b: EntityInfo): boolean =>
  a.name === b.name &&
  a.type === b.type &&
  a.listed === b.listed &&
  a.countries.join() === b.countries.join() &&
  a.lists.join() === b.lists.join();

/** A stored counter's info revision (issue 17.3: moved by a refile, compared by the aggregator's conditions). */
export const revOf = (it: Record<string, unknown>): { rev?: number } =>
  typeof it.rev === 'number' ? { rev: it.rev } : {};

/** The key of an entity cell's row in one facet (in the cell's scope). */
export const rowKeyOfCell = (facet: string, cell: string) => entityRowKey(facet, entityIdOfCell(cell), scopeOf(cell));

/** One facet row, as the store writes it (keys and the sparse index attributes included). */
export function entityRowItem(facet: string, cell: string, info: EntityInfo, articles: number, mentions: number) {
  const id = entityIdOfCell(cell);
  const key = entityRowKey(facet, id, scopeOf(cell));
  const nameKey = foldName(info.name);
  return {
    ...key,
    // Sparse index attributes: only rows carry them, so gsiMentions and gsiArticles hold nothing else.
    erpk: key.pk,
    erm: mentions,
    era: articles,
    gsi1pk: key.pk,
    gsi1sk: `${nameKey}#${id}`,
    id,
    nameKey,
    name: info.name,
    type: info.type,
    countries: info.countries,
    lists: info.lists,
    listed: info.listed,
    articles,
    mentions,
  };
}

/** The row as the API shows it, from a stored item. */
export function entityRowOf(it: Record<string, unknown>): EntityRow {
  return {
    id: String(it.id),
    nameKey: String(it.nameKey ?? ''),
    name: String(it.name),
    type: String(it.type),
    countries: strings(it.countries),
    lists: strings(it.lists),
    listed: it.listed === true,
    articles: Number(it.articles ?? 0),
    mentions: Number(it.mentions ?? 0),
  };
}

/** Attribute names of the listed-in-news counters of one country (per list, type, and both, for the filters). */
export function listedInNewsAttributes(info: EntityInfo): string[] {
  return ['n', ...info.lists.map((l) => `l:${l}`), `t:${info.type}`, ...info.lists.map((l) => `lt:${l}|${info.type}`)];
}

/** The attribute of a listed-in-news counter item that answers the filters `list`, `type`. */
export function listedInNewsAttribute(list: string | undefined, type: string | undefined): string {
  if (list && type) return `lt:${list}|${type}`;
  if (list) return `l:${list}`;
  if (type) return `t:${type}`;
  return 'n';
}

/** The rollup periods of a day: the day, its month and its year (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`). */
export const periodsOfDay = (day: string): string[] => [day, day.slice(0, 7), day.slice(0, 4)];

const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const lastDayOfMonth = (ym: string) => {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/**
 * A date range as whole years, months and days (greedy from the start): at most 30 + 11 + years + 11 + 30 periods,
 * so a year's range reads one item and any range a few dozen, never one per day × member.
 */
export function decomposeRange(from: string, to: string): string[] {
  const out: string[] = [];
  let d = from;
  while (d <= to) {
    const year = d.slice(0, 4);
    if (d.endsWith('-01-01') && `${year}-12-31` <= to) {
      out.push(year);
      d = dayAfter(`${year}-12-31`);
      continue;
    }
    const month = d.slice(0, 7);
    if (d.endsWith('-01') && lastDayOfMonth(month) <= to) {
      out.push(month);
      d = dayAfter(lastDayOfMonth(month));
      continue;
    }
    out.push(d);
    d = dayAfter(d);
  }
  return out;
}

/** The display fields an entity counter is created with (what `entityInfoOf` reads back). */
export function entityCounterFields(e: { info: EntityInfo; after: { articles: number; mentions: number } }) {
  return {
    articles: e.after.articles,
    mentions: e.after.mentions,
    name: e.info.name,
    kind: e.info.type,
    countries: e.info.countries,
    ...(!e.info.listed && e.info.countries[0] ? { country: e.info.countries[0] } : {}),
  };
}
