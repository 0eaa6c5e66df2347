import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyseArticle, type Extractor } from '../../../shared/domain/article.ts';
import { extractEntities } from '../../../shared/domain/extract.ts';
import { buildNameIndex, NameMatcher } from '../../../shared/domain/name-index.ts';
import type { ListedEntity } from '../../../shared/domain/model.ts';
import { blockKeysOf, profileOf } from '../../../shared/domain/resolve.ts';
import { ofacSdnCsv } from '../../../shared/domain/sanctions/ofac-csv.ts';
import {
  articleBatch,
  copyMarker,
  loadOfacSet,
  newsNames,
  OFAC_DIRS,
  writeOfacSet,
} from '../../../bench/lib/scale-corpus.ts';
import { SCALE_ROUTES } from '../../../bench/suites/scale.ts';

// The scale benchmark's corpus (issue 17.6): whatever it measures is only as good as these files.
const dir = mkdtempSync(join(tmpdir(), 'scale-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entitiesOf(file: string) {
  const text = readFileSync(file, 'utf8');
  async function* one() {
    yield text;
  }
  const out: ListedEntity[] = [];
  for await (const r of ofacSdnCsv.parse(one(), { key: 'sanctions/scale/sdn.csv', head: text.slice(0, 16384) }, {}))
    if (r.kind === 'entity') out.push(r.entity);
  return out;
}

// With ../shared the team's 7,379 real entries; in a user's clone the repository's 17-entry cut. Both are checked
// where both exist, since a clone runs the benchmark on the second.
describe.each(OFAC_DIRS.filter((d) => existsSync(join(d, 'sdn.csv'))))('scale corpus from %s', (source: string) => {
  const set = loadOfacSet([source]);

  it('writes exactly the entities asked for, the last copy cut, every id and every name distinct', async () => {
    // Prepare: one whole copy of the real records and part of a second.
    const want = set.sdn.length + Math.ceil(set.sdn.length / 2);

    // Act
    const files = writeOfacSet(set, want, dir);
    const entities = await entitiesOf(files.sdn);

    // Assess
    expect(files.entities).toBe(want);
    expect(entities).toHaveLength(want);
    expect(new Set(entities.map((e) => e.sourceId)).size).toBe(want);
    // A copy's names carry its marker, so a real name stays one entity however large the list.
    const real = new Set(entities.slice(0, set.sdn.length).map((e) => e.name));
    expect(entities.slice(set.sdn.length).every((e) => !real.has(e.name) && e.name.includes(copyMarker(1)))).toBe(true);
    // The parts join the renamed entries: every address and alias row names an entry of the file.
    const ids = new Set(entities.map((e) => e.sourceId));
    const partIds = [files.add, files.alt].flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(1, l.indexOf('"', 1))),
    );
    expect(partIds.length).toBeGreaterThan(0);
    expect(partIds.every((id) => ids.has(id))).toBe(true);
  });

  it('leaves out the one entry a list change drops, and nothing else', async () => {
    const drop = set.sdn[0]![0]!.trim();
    const files = writeOfacSet(set, set.sdn.length, dir, { drop });
    const ids = (await entitiesOf(files.sdn)).map((e) => e.sourceId);
    expect(ids).toHaveLength(set.sdn.length - 1);
    expect(ids).not.toContain(drop);
  });

  it('a drop keeps the cut where it was: the next entry of the last copy does not come in (no second change)', async () => {
    // Prepare: a list cut a few entries into its second copy
    const want = set.sdn.length + 5;
    const drop = set.sdn[3]![0]!.trim();
    const before = (await entitiesOf(writeOfacSet(set, want, dir).sdn)).map((e) => e.sourceId);
    // Act
    const files = writeOfacSet(set, want, dir, { drop });
    // Assess
    const after = (await entitiesOf(files.sdn)).map((e) => e.sourceId);
    expect(after).toEqual(before.filter((id) => id !== drop));
    expect(files.entities).toBe(want - 1);
  });

  it('a copy shares no identifier, name or alias with the real entries, so resolution never merges copies', async () => {
    // Prepare: two whole copies (the remarks carry passports, IMO numbers and quoted aliases)
    const entities = await entitiesOf(writeOfacSet(set, 2 * set.sdn.length, dir).sdn);
    const keysOf = (es: ListedEntity[]) => es.flatMap((e) => blockKeysOf(profileOf(e)));

    // Act
    const real = new Set(keysOf(entities.slice(0, set.sdn.length)));
    const copy = keysOf(entities.slice(set.sdn.length));

    // Assess: the copy has keys of its own (identifiers among them, where the cut has any), none of them the real ones'
    expect(copy.length).toBeGreaterThan(0);
    if ([...real].some((k) => k.startsWith('id:'))) expect(copy.some((k) => k.startsWith('id:'))).toBe(true);
    expect(copy.filter((k) => real.has(k))).toEqual([]);
  });

  it('gives every copy its own marker word', () => {
    const marks = Array.from({ length: 300 }, (_, k) => copyMarker(k + 1));
    expect(new Set(marks).size).toBe(300);
    expect(marks.every((m) => /^[A-Z]+$/.test(m))).toBe(true);
  });

  it('writes articles that name listed entries so that they link, dated across 2026', async () => {
    // Prepare
    const names = await newsNames(set, 200);
    const byName = new Map(names.map((n) => [n.name, n.sourceId]));

    // Act
    const batch = articleBatch(names, 3, 20, 1000);

    // Assess
    expect(batch).toHaveLength(20);
    expect(batch.every((a) => a.published >= '2026-01-01' && a.published <= '2026-12-31')).toBe(true);
    expect(batch.every((a) => [...byName.keys()].some((n) => a.text.includes(n)))).toBe(true);
    // Same inputs, same articles: the benchmark measures the same work on every machine.
    expect(articleBatch(names, 3, 20, 1000)).toEqual(batch);
    // Every article links to at least one listed entry of the real list.
    const real = await entitiesOf(writeOfacSet(set, set.sdn.length, dir).sdn);
    const matcher = new NameMatcher(
      buildNameIndex(real.map((e) => ({ ...e, list: 'us-ofac-sdn', countries: [] as string[] }))),
    );
    const extract = extractEntities as unknown as Extractor;
    const linked = batch.filter((a) =>
      analyseArticle('articles/x.ndjson', 0, { title: a.title, body: a.text }, extract, matcher).mentions.some(
        (m) => m.listed?.length,
      ),
    );
    expect(linked).toHaveLength(20);
  });

  it('links each article to what it links in the real list alone, however many copies the list holds', async () => {
    // Prepare: the same articles against one copy and against three
    const batch = articleBatch(await newsNames(set), 3, 40, 1000);
    const extract = extractEntities as unknown as Extractor;
    const linksWith = async (copies: number) => {
      const es = await entitiesOf(writeOfacSet(set, copies * set.sdn.length, dir).sdn);
      const matcher = new NameMatcher(
        buildNameIndex(es.map((e) => ({ ...e, list: 'us-ofac-sdn', countries: [] as string[] }))),
      );
      return batch.flatMap((a, i) =>
        analyseArticle('articles/x.ndjson', i, { title: a.title, body: a.text }, extract, matcher).mentions.flatMap(
          (m) => (m.listed ?? []).map((l) => `${i} ${l.sourceId}`),
        ),
      );
    };

    // Act
    const one = await linksWith(1);
    const three = await linksWith(3);

    // Assess: a copy's names are its own, so no article links one (a person's copy linked while only a word was added)
    expect(one.length).toBeGreaterThan(batch.length);
    expect(three.sort()).toEqual(one.sort());
  });

  it('lists each route once, in the one table the suite measures', () => {
    const paths = SCALE_ROUTES.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain('/counts/countries');
    expect(SCALE_ROUTES.filter((r) => r.count).every((r) => r.path.startsWith('/counts/'))).toBe(true);
  });
});
