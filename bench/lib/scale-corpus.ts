import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { analyseArticle, type Extractor } from '../../shared/domain/article.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { buildNameIndex, type IndexedEntity, NameMatcher } from '../../shared/domain/name-index.ts';
import { ofacSdnCsv } from '../../shared/domain/sanctions/ofac-csv.ts';
import { composeArticles, seededRandom } from './corpus.ts';
import { ROOT } from './paths.ts';
import { newIdOf } from './scale.ts';

/*
 * The scale benchmark's corpus (issue 17.6): lists of any size made from real OFAC SDN records under new ids, and news
 * articles of our own text that name entities of those lists, so that articles link as real news would.
 */

/** The real OFAC SDN CSV set: the team's 2019 copy (7,379 entries) when present, else the repository's 17-entry cut. */
export const OFAC_DIRS = [
  join(ROOT, '../shared/data/sanctions/ofac-sdn/watchman-2019'),
  join(ROOT, 'test/fixtures/files/sanctions/ofac-sdn'),
];

export interface OfacSet {
  /** Where the records came from. */
  dir: string;
  sdn: string[][];
  add: string[][];
  alt: string[][];
}

const readRows = (file: string): string[][] =>
  existsSync(file)
    ? (
        parseCsvSync(readFileSync(file, 'utf8').replaceAll('\x1a', ''), {
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
        }) as string[][]
      ).filter((r) => r.length > 1)
    : [];

export function loadOfacSet(dirs: readonly string[] = OFAC_DIRS): OfacSet {
  const dir = dirs.find((d) => existsSync(join(d, 'sdn.csv')));
  if (!dir) throw new Error(`no OFAC SDN CSV set in ${dirs.join(' or ')}`);
  return {
    dir,
    sdn: readRows(join(dir, 'sdn.csv')),
    add: readRows(join(dir, 'add.csv')),
    alt: readRows(join(dir, 'alt.csv')),
  };
}

const SYLLABLES = ['BA', 'KO', 'RI', 'SU', 'TE', 'VO', 'NA', 'LI', 'MU', 'DE', 'PA', 'ZE', 'GO', 'FI', 'HA', 'JO'];

/**
 * A made-up word per copy (`KON`, `RIBAN`…), glued to every word of the names of copies after the first (copyName,
 * below). Without it copy k of
 * "BANCO NACIONAL DE CUBA" would carry the same name as the real one, and every article naming it would link to one
 * entity per copy: at 1,000,000 entities 136 links per mention, a cost a real list of that size (distinct names) does
 * not have. Copy 0 keeps the real names, which the articles use.
 */
export function copyMarker(k: number): string {
  let s = '';
  for (let n = k; n > 0; n = Math.floor(n / 16)) s = SYLLABLES[n % 16]! + s;
  return `${s}N`;
}

/**
 * A copy's name: the copy's marker glued to every word (`SLJIVANCANIN, Veselin` → `SLJIVANCANINKON, VeselinKON`).
 * A marker word added at the end was not enough: `SLJIVANCANIN, Veselin KON` reads as a person with one more given
 * name, and the news form "Veselin Sljivancanin" linked every copy (6.0 links per article at 4 copies against 3.6 at
 * one; 21 against 4.7 per article in the 150,000-entity corpus). Copy 0 keeps the real names, which the articles use.
 */
export function copyName(name: string, k: number): string {
  if (k === 0) return name;
  const marker = copyMarker(k);
  return name.replace(/[\p{L}\p{N}]+/gu, (w) => `${w}${marker}`);
}

/**
 * A copy's call sign and remarks: the weak aliases the remarks quote (`a.k.a. 'BNC'`) are renamed as its names are,
 * and every number in them carries its copy number (`Passport 123` → `Passport 1237`). Otherwise copy k shares the
 * real entry's passport, IMO number and aliases, and resolution (issue 11) rightly merges the copies into one cluster
 * per real entry (2,841 shared blocking keys between two copies of the real list), which a real list of that size does
 * not have. (This was not what made the 150,000-entity corpus cost 3.5 times the write units per article: that was
 * the person copies' links, see copyName.)
 */
export function copyFacts(cell: string, k: number): string {
  if (k === 0 || cell.trim() === '-0-') return cell;
  return cell.replace(/\d+/g, (d) => `${d}${k}`).replace(/'([^']+)'/g, (_, n: string) => `'${copyName(n, k)}'`);
}

const quote = (cells: string[]) => `${cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')}\n`;

/**
 * Writes `sdn.csv`, `add.csv` and `alt.csv` holding exactly `entities` entries (whole copies of the real records, the
 * last one cut), ent_num renamed per copy as bench/lib/scale.ts does. `drop` leaves out entries of copy 0 (by ent_num):
 * the one-entity change of a new list version.
 */
export function writeOfacSet(
  set: OfacSet,
  entities: number,
  dir: string,
  opts: { drop?: string | readonly string[] } = {},
): { sdn: string; add: string; alt: string; entities: number } {
  const drop = new Set(typeof opts.drop === 'string' ? [opts.drop] : (opts.drop ?? []));
  const base = set.sdn.length;
  const copies = Math.ceil(entities / base);
  const sdn: string[] = [];
  const add: string[] = [];
  const alt: string[] = [];
  let written = 0;
  let dropped = 0;
  const partsOf = (rows: string[][]) => {
    const by = new Map<string, string[][]>();
    for (const r of rows) (by.get(r[0]!.trim()) ?? by.set(r[0]!.trim(), []).get(r[0]!.trim())!).push(r);
    return by;
  };
  const addBy = partsOf(set.add);
  const altBy = partsOf(set.alt);
  for (let k = 0; k < copies && written < entities; k++) {
    for (const row of set.sdn) {
      if (written >= entities) break;
      const id = row[0]!.trim();
      // A dropped entry still counts toward the cut: else the cut moves one entry on, and a "one-entity change"
      // also adds the next entry of the last copy (an ADD under the name of a real entry the news names).
      if (k === 0 && drop.has(id)) {
        written++;
        dropped++;
        continue;
      }
      const nid = newIdOf(id, k);
      sdn.push(
        quote([
          nid,
          copyName(row[1]!, k),
          ...row.slice(2, 5),
          copyFacts(row[5] ?? '', k),
          ...row.slice(6, 11),
          copyFacts(row[11] ?? '', k),
        ]),
      );
      for (const a of addBy.get(id) ?? []) add.push(quote([nid, newIdOf(a[1]!.trim(), k), ...a.slice(2)]));
      for (const a of altBy.get(id) ?? [])
        alt.push(quote([nid, newIdOf(a[1]!.trim(), k), a[2]!, copyName(a[3]!, k), ...a.slice(4)]));
      written++;
    }
  }
  const out = {
    sdn: join(dir, 'sdn.csv'),
    add: join(dir, 'add.csv'),
    alt: join(dir, 'alt.csv'),
    entities: written - dropped,
  };
  writeFileSync(out.sdn, sdn.join(''));
  writeFileSync(out.add, add.join(''));
  writeFileSync(out.alt, alt.join(''));
  return out;
}

const titleCase = (s: string) =>
  s.toLowerCase().replace(/(^|[\s\-'(./])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());

/** How news names a listed entry: people first name first ("LAST, First" → "First Last"), in title case. */
function newsNameOf(name: string, type: string): string {
  const n = type === 'person' && name.includes(',') ? name.split(',').reverse().join(' ') : name;
  return titleCase(n.replace(/\s+/g, ' ').trim());
}

export interface NewsName {
  /** The entry's ent_num in the real list (copy 0). */
  sourceId: string;
  name: string;
}

const extract = extractEntities as unknown as Extractor;

const TEMPLATES: ((a: string, b: string, place: string) => string)[] = [
  (a, _b, p) => `Investigators in ${p} said on Tuesday that ${a} had moved money through accounts there.`,
  (a) => `A spokesman for ${a} declined to comment when reached by telephone.`,
  (a, b) => `Documents reviewed by the paper show that ${a} signed two contracts with ${b} last year.`,
  (a, _b, p) => `Officials in ${p} named ${a} in a filing published this week.`,
  (a, b) => `Lawyers for ${b} said their client had never dealt with ${a}.`,
];
const PLACES = [
  'Dubai',
  'Geneva',
  'Singapore',
  'Istanbul',
  'Hong Kong',
  'Cyprus',
  'Panama',
  'Minsk',
  'Caracas',
  'Tehran',
];

/**
 * The real entries (copy 0) that news can name and that link: people and organisations of two words or more whose
 * name, written as news writes it in one of the templates, links to that entry. At most `max` are checked.
 */
/** The set's SDN entries (copy 0) as the name index takes them, read by the pipeline's own OFAC CSV parser. */
export async function ofacEntities(set: OfacSet): Promise<(IndexedEntity & { aliases: string[] })[]> {
  const text = set.sdn.map(quote).join('');
  async function* one() {
    yield text;
  }
  const out: (IndexedEntity & { aliases: string[] })[] = [];
  for await (const r of ofacSdnCsv.parse(one(), { key: 'sanctions/sdn.csv', head: text.slice(0, 16384) }, {}))
    if (r.kind === 'entity')
      out.push({
        list: 'us-ofac-sdn',
        sourceId: r.entity.sourceId,
        name: r.entity.name,
        type: r.entity.type,
        aliases: r.entity.aliases,
        countries: [],
      });
  return out;
}

export function newsNames(set: OfacSet, max = 800): Promise<NewsName[]> {
  return (async () => {
    const entities = await ofacEntities(set);
    const matcher = new NameMatcher(buildNameIndex(entities));
    const candidates = entities.filter(
      (e) =>
        (e.type === 'person' || e.type === 'organization') &&
        e.name.split(/\s+/).length >= 2 &&
        e.name.length <= 40 &&
        !/[0-9]/.test(e.name),
    );
    const out: NewsName[] = [];
    const links = (sourceId: string, body: string) =>
      analyseArticle('articles/bench/check.ndjson', 0, { title: 'Check', body }, extract, matcher).mentions.some((m) =>
        m.listed?.some((l) => l.sourceId === sourceId),
      );
    // A name must link in every sentence it may be put in, in either place ("A spokesman for X" reads some people as
    // organisations where "X had moved money" does not).
    for (const e of candidates.slice(0, max)) {
      const name = newsNameOf(e.name, e.type);
      if (TEMPLATES.every((t) => links(e.sourceId, t(name, name, 'Geneva')))) out.push({ sourceId: e.sourceId, name });
    }
    if (!out.length) throw new Error(`no entry of ${set.dir} links when named in an article`);
    return out;
  })();
}

export interface NdjsonArticle {
  title: string;
  published: string;
  text: string;
}

/**
 * `count` articles, the `batch`-th NDJSON file of `size` (0-based) of a corpus of `total`: the sample articles'
 * paragraphs (our own text) with one to three sentences naming listed entries, picked with a skew (a few entities are
 * in the news often, most rarely, as in real news). Publication dates spread evenly over 2026 whatever the size, so a
 * date range covers the same share of the corpus at every scale.
 */
export function articleBatch(names: readonly NewsName[], batch: number, size: number, total: number): NdjsonArticle[] {
  const rnd = seededRandom(1000 + batch);
  const bodies = composeArticles(size, 2000 + batch);
  const pickName = () => names[Math.floor(names.length * rnd() ** 2)]!.name;
  return bodies.map((a, j) => {
    const i = batch * size + j;
    const day = new Date(Date.UTC(2026, 0, 1) + Math.floor((i * 365) / total) * 86_400_000);
    const paras = a.body.split(/\n\s*\n/);
    const n = 1 + Math.floor(rnd() * 3);
    for (let s = 0; s < n; s++) {
      const t = TEMPLATES[Math.floor(rnd() * TEMPLATES.length)]!;
      const at = Math.floor(rnd() * (paras.length + 1));
      paras.splice(at, 0, t(pickName(), pickName(), PLACES[Math.floor(rnd() * PLACES.length)]!));
    }
    return { title: a.title ?? 'Untitled', published: day.toISOString().slice(0, 10), text: paras.join('\n\n') };
  });
}
