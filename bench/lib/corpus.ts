import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArticles, type RawArticle } from '../../shared/domain/article-formats.ts';
import { decodeBytes } from '../../shared/domain/encoding.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import type { IndexedEntity } from '../../shared/domain/name-index.ts';
import { isLegalForm } from '../../shared/domain/names.ts';
import { discoverFormats, fixturesByFormat, parseAll } from './formats.ts';
import { ROOT } from './paths.ts';

/** A small seeded generator (mulberry32): the same inputs on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)]!;

let samples: RawArticle[] | undefined;

/** The sample articles of the repository (our own sample text, never copied news), read once. */
export function sampleArticles(): RawArticle[] {
  if (samples) return samples;
  const out: RawArticle[] = [];
  // demo/articles has folders by date (demo/articles/2026/…): every file below the two folders is a sample.
  const walk = (dir: string) => {
    let names: string[] = [];
    try {
      // Files only: demo/articles has folders too (demo/articles/2026/…).
      names = readdirSync(join(ROOT, dir), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
    } catch {
      return;
    }
    for (const n of names) {
      const rel = join(dir, n);
      if (statSync(join(ROOT, rel)).isDirectory()) {
        walk(rel);
        continue;
      }
      const text = decodeBytes(readFileSync(join(ROOT, rel))).text;
      out.push(...parseArticles(text, `articles/${n}`).articles);
    }
  };
  for (const dir of ['test/fixtures/articles', 'demo/articles']) walk(dir);
  if (!out.length) throw new Error('no sample article found under test/fixtures/articles or demo/articles');
  samples = out;
  return out;
}

/**
 * Articles composed from the samples' paragraphs (sentences when a sample is one paragraph), 3–6 to an article, with a
 * sample's title and a publication date in 2026: realistic text and names, deterministic from the seed.
 */
export function composeArticles(count: number, seed = 1): RawArticle[] {
  const samples = sampleArticles();
  const paras = samples.flatMap((a) => {
    const ps = a.body
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p.length > 40);
    return ps.length > 2
      ? ps
      : a.body.split(/(?<=[.!?])\s+(?=[A-Z“"])/).reduce<string[]>((acc, s, i) => {
          if (i % 2 === 0) acc.push(s);
          else acc[acc.length - 1] += ` ${s}`;
          return acc;
        }, []);
  });
  const titles = samples.map((a) => a.title).filter((t): t is string => !!t);
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const n = 3 + Math.floor(rnd() * 4);
    const body = Array.from({ length: n }, () => pick(paras, rnd)).join('\n\n');
    const day = 1 + (i % 28);
    const month = 1 + (Math.floor(i / 28) % 12);
    return {
      title: titles.length ? pick(titles, rnd) : body.slice(0, 60),
      body,
      publishedAt: `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      source: 'bench',
    } as RawArticle;
  });
}

/** Real listed names from the list fixtures, and the person and organisation names the sample articles use. */
async function realNames(): Promise<{ name: string; type: string; countries: string[] }[]> {
  const out: { name: string; type: string; countries: string[] }[] = [];
  const { formats } = await discoverFormats();
  for (const fx of await fixturesByFormat(formats)) {
    if (fx.format.role !== 'full') continue;
    for (const r of await parseAll(fx.format, fx.text, {
      key: `sanctions/${fx.path}`,
      head: fx.text.slice(0, 16384),
    }).catch(() => [])) {
      if (r.kind !== 'entity') continue;
      const countries = r.entity.countries.map((c) => c.code);
      for (const n of [r.entity.name, ...r.entity.aliases]) out.push({ name: n, type: r.entity.type, countries });
    }
  }
  for (const a of sampleArticles()) {
    for (const e of extractEntities(`${a.title ?? ''}\n\n${a.body}`)) {
      if (e.kind === 'person' || e.kind === 'organization')
        out.push({ name: e.name, type: e.kind, countries: e.country ? [e.country] : [] });
    }
  }
  return out;
}

/**
 * Entities for a name index of exactly `aliases` names (strong names and aliases): the real names first, then
 * distinct recombinations of them (given names with surnames, organisation words with organisation words and a legal
 * form), so the index has the shape of a real one: many tokens shared, few whole names.
 */
export async function indexEntities(aliases: number, seed = 7): Promise<(IndexedEntity & { aliases: string[] })[]> {
  const real = await realNames();
  const rnd = seededRandom(seed);
  const words = (s: string) => s.split(/\s+/).filter((w) => /^\p{L}[\p{L}'’.-]*$/u.test(w));
  const persons = real
    .filter((r) => r.type === 'person')
    .map((r) => words(r.name))
    .filter((w) => w.length >= 2);
  const given = [...new Set(persons.map((w) => w[0]!))];
  const surname = [...new Set(persons.map((w) => w[w.length - 1]!))];
  const orgWords = [
    ...new Set(
      real
        .filter((r) => r.type !== 'person')
        .flatMap((r) => words(r.name))
        .filter((w) => w.length > 2 && !isLegalForm(w.toLowerCase())),
    ),
  ];
  const forms = ['LLC', 'Ltd', 'JSC', 'Co. Ltd', 'Trading', 'Shipping', 'Holdings', 'Group', 'Industries'];
  const countries = [...new Set(real.flatMap((r) => r.countries))];
  const seen = new Set<string>();
  const out: (IndexedEntity & { aliases: string[] })[] = [];
  let names = 0;
  const add = (name: string, type: string, cs: string[], alias?: string) => {
    const k = name.toLowerCase();
    if (names >= aliases || seen.has(k)) return;
    seen.add(k);
    const al = alias && names + 2 <= aliases && !seen.has(alias.toLowerCase()) ? [alias] : [];
    for (const a of al) seen.add(a.toLowerCase());
    names += 1 + al.length;
    out.push({ list: 'un-sc', sourceId: `bench-${out.length}`, name, type, countries: cs, aliases: al });
  };
  for (const r of real) add(r.name, r.type, r.countries);
  for (let tries = 0; names < aliases && tries < aliases * 20; tries++) {
    const cs = countries.length ? [pick(countries, rnd)] : [];
    if (rnd() < 0.5 && given.length && surname.length) {
      const g = pick(given, rnd);
      const s = pick(surname, rnd);
      const mid = tries > aliases * 2 ? ` ${pick(given, rnd)}` : '';
      add(`${g}${mid} ${s}`, 'person', cs, rnd() < 0.3 ? `${s} ${g}` : undefined);
    } else if (orgWords.length) {
      const a = pick(orgWords, rnd);
      const b = pick(orgWords, rnd);
      if (a === b) continue;
      const extra = tries > aliases * 2 ? ` ${pick(orgWords, rnd)}` : '';
      add(`${a} ${b}${extra} ${pick(forms, rnd)}`, 'organization', cs);
    }
  }
  if (names < aliases) throw new Error(`could only make ${names} distinct names of ${aliases}`);
  return out;
}
