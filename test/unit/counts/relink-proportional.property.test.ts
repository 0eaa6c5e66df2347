import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeNameIndexStore, NAME_BUILDS_PREFIX } from '../../../shared/adapters/name-index-store.ts';
import { analyseArticle, objectContribution } from '../../../shared/domain/article.ts';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import type { Contribution } from '../../../shared/domain/contribution.ts';
import { extractEntities } from '../../../shared/domain/extract.ts';
import { namePostingKey, objectPartition, RELINK_MARK_KEY } from '../../../shared/domain/keys.ts';
import { buildNameIndex, type IndexedEntity } from '../../../shared/domain/name-index.ts';
import { postingKeysOfArticles } from '../../../shared/domain/name-postings.ts';
import { relinkChangedArticles, relinkEverything } from '../../../shared/ingest/relink.ts';
import { makePipeline } from './harness.ts';

// Issue 17.4: a relink in proportion to the change moves the counts exactly as the full pass does. Two pipelines get
// the same uploads and the same list changes; one relinks only the objects under changed names, the other every
// object; their counts, their stored articles and a recount from scratch under the final index must all agree.

type Listed = IndexedEntity & { aliases?: string[] };
/** Our own names (no real list entry is needed to prove the relink exact). */
const POOL: { name: string; type: string; say: string }[] = [
  {
    name: 'Korea Mining Development Trading Corporation',
    type: 'organization',
    say: 'the Korea Mining Development Trading Corporation',
  },
  { name: 'Green Pine Associated Corporation', type: 'organization', say: 'Green Pine Associated Corporation' },
  { name: 'GHALI, Iyad Ag', type: 'person', say: 'Iyad Ag Ghali' },
  { name: 'Amroggang Development Bank', type: 'organization', say: 'Amroggang Development Bank' },
  { name: 'Tanchon Commercial Bank', type: 'organization', say: 'Tanchon Commercial Bank' },
  { name: 'PETROV, Ivan Sergeyevich', type: 'person', say: 'Ivan Petrov' },
  { name: 'Volga Marine Logistics LLC', type: 'organization', say: 'Volga Marine Logistics' },
  { name: 'Namchongang Trading Company', type: 'organization', say: 'Namchongang Trading' },
];
const PLACES = ['Beijing', 'Moscow', 'Tehran', 'Damascus', 'Pyongyang'];
const sentence = (who: number, where: number, verb: number) =>
  [
    `Officials in ${PLACES[where % PLACES.length]} said ${POOL[who % POOL.length]!.say} moved funds.`,
    `${POOL[who % POOL.length]!.say} denied the report from ${PLACES[where % PLACES.length]}.`,
    `The ministry in ${PLACES[where % PLACES.length]} met traders on Monday.`,
  ][verb % 3]!;

/** A list: which of the pool are on it, with which countries (a change moves both). */
type ListSpec = { on: boolean; countries: string[] }[];
const listArb: fc.Arbitrary<ListSpec> = fc.array(
  fc.record({ on: fc.boolean(), countries: fc.subarray(['KP', 'RU', 'IR', 'SY']) }),
  { minLength: POOL.length, maxLength: POOL.length },
);
const entitiesOf = (spec: ListSpec): Listed[] =>
  spec.flatMap((s, i) =>
    s.on
      ? [{ list: 'un-sc', sourceId: String(i), name: POOL[i]!.name, type: POOL[i]!.type, countries: s.countries }]
      : [],
  );

type Step =
  | { kind: 'put'; key: number; text: [number, number, number][] }
  | { kind: 'delete'; key: number }
  | { kind: 'list'; list: ListSpec; pass: 'finish' | 'none' | 'out of time' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('put' as const),
      key: fc.nat(11),
      text: fc.array(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)), { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: fc.nat(11) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      list: listArb,
      pass: fc.constantFrom('finish' as const, 'none' as const, 'out of time' as const),
    }),
  },
);

function setup() {
  const p = makePipeline();
  const index = makeNameIndexStore(p.s3.source);
  p.deps.index = index;
  const deps = { ...p.deps, index };
  let build = 0;
  return {
    p,
    index,
    deps,
    saveList: (spec: ListSpec) => index.save(buildNameIndex(entitiesOf(spec)), `un-sc@${++build}`),
    /** A recount from scratch of what S3 holds, linked against the current index. */
    async recount(): Promise<Record<string, [number, number]>> {
      const matcher = (await index.load())?.matcher;
      const total: Contribution = {};
      for (const key of p.s3.keys('articles/')) {
        const parsed = parseArticles(p.s3.text(key)!, key);
        const arts = parsed.articles.map((a, i) => analyseArticle(key, i, a, extractEntities, matcher));
        for (const [cell, a] of Object.entries(objectContribution(arts))) {
          const t = (total[cell] ??= { articles: 0, mentions: 0 });
          t.articles += a.articles;
          t.mentions += a.mentions;
        }
      }
      const out: Record<string, [number, number]> = {};
      for (const [c, a] of Object.entries(total)) if (a.articles || a.mentions) out[c] = [a.articles, a.mentions];
      return out;
    },
    /**
     * The name postings and lists as they must be: exactly those of each object's current generation, posted under
     * the keys of what S3 holds now, and nothing of any other generation.
     */
    async postingsExact(): Promise<void> {
      const want: string[] = [];
      const lists: string[] = [];
      for (const key of p.s3.keys('articles/')) {
        const gen = (await p.store.readObject(key))!.gen;
        const keys = postingKeysOfArticles(parseArticles(p.s3.text(key)!, key).articles);
        for (const k of keys) {
          const pk = namePostingKey(k, key, gen);
          want.push(`${pk.pk} ${pk.sk} ${key}`);
        }
        lists.push(`${objectPartition(key)} ${gen}`);
      }
      const items = p.store.items();
      const have = items.filter((i) => i.pk.startsWith('NX#')).map((i) => `${i.pk} ${i.sk} ${i.key}`);
      expect(have.sort()).toEqual(want.sort());
      const haveLists = items.filter((i) => i.sk.startsWith('NAMES#')).map((i) => `${i.pk} ${i.gen}`);
      expect([...new Set(haveLists)].sort()).toEqual(lists.sort());
    },
    /** The stored articles and references, as a comparable set. */
    stored: () =>
      p.store
        .items()
        .filter((i) => i.pk.startsWith('ART#') || i.pk.startsWith('REF#'))
        .map((i) => JSON.stringify(i))
        .sort(),
  };
}

describe('proportional relink equals the full relink (in memory, randomised)', () => {
  it('uploads, overwrites, deletes and list changes, passes finished, skipped or out of time', async () => {
    let fewer = 0;
    let linked = 0;
    await fc.assert(
      fc.asyncProperty(listArb, fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (first, steps) => {
        // Prepare: the same uploads and list changes on two pipelines; each finishes every pass in its own way
        const changed = setup();
        const full = setup();
        const both = [changed, full] as const;
        for (const s of both) await s.saveList(first);
        await relinkEverything(changed.deps);
        await relinkEverything(full.deps);
        let touched = [0, 0];
        // Act
        for (const step of steps) {
          for (const [i, s] of both.entries()) {
            const key = `articles/${step.kind === 'list' ? 0 : step.key}.txt`;
            if (step.kind === 'put') {
              await s.p.s3.source.put(key, step.text.map((t) => sentence(...t)).join(' '), 'text/plain');
              await s.p.reconcile(key);
            } else if (step.kind === 'delete') {
              s.p.s3.delete(key);
              await s.p.reconcile(key);
            } else {
              await s.saveList(step.list);
              if (step.pass === 'none') continue;
              const opts = step.pass === 'out of time' ? { deadline: Date.now() - 1 } : {};
              const r = i === 0 ? await relinkChangedArticles(s.deps, opts) : await relinkEverything(s.deps, opts);
              touched[i]! += r.total;
            }
          }
        }
        const last = [await relinkChangedArticles(changed.deps), await relinkEverything(full.deps)];
        touched = [touched[0]! + last[0]!.total, touched[1]! + last[1]!.total];
        for (const s of both) await s.p.aggregate();
        // Assess
        expect(last[0]!.finished && last[1]!.finished).toBe(true);
        expect(changed.p.counters()).toEqual(full.p.counters());
        expect(changed.p.counters()).toEqual(await changed.recount());
        expect(changed.stored()).toEqual(full.stored());
        await changed.postingsExact();
        await full.postingsExact();
        if (Object.keys(full.p.counters()).some((c) => c.startsWith('listed|'))) linked++;
        expect(touched[0]).toBeLessThanOrEqual(touched[1]!);
        if (touched[0]! < touched[1]!) fewer++;
      }),
      { numRuns: 40, seed: 20261201, endOnFailure: true },
    );
    // Not vacuous: the articles did link to the lists, and the proportional passes did skip objects.
    expect(linked).toBeGreaterThan(20);
    expect(fewer).toBeGreaterThan(10);
  }, 300_000);
});

describe('name postings under concurrent and repeated events', () => {
  it('overwrites, deletes and duplicate events racing on one key leave exactly the current postings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(POOL.length * 3), fc.boolean(), fc.nat(3)), { minLength: 1, maxLength: 8 }),
        async (ops) => {
          // Prepare
          const s = setup();
          await s.saveList(POOL.map(() => ({ on: true, countries: ['KP'] })));
          // Act: each op puts (or deletes) the object, then several reconciles of it run at once
          for (const [text, del, dup] of ops) {
            if (del) s.p.s3.delete('articles/x.txt');
            else
              await s.p.s3.source.put('articles/x.txt', `${sentence(text, text, text)} Report ${text}.`, 'text/plain');
            await Promise.all(Array.from({ length: 1 + dup }, () => s.p.reconcile('articles/x.txt')));
          }
          await s.p.reconcile('articles/x.txt');
          // Assess
          await s.postingsExact();
          if (!s.p.s3.keys('articles/').length)
            expect(s.p.store.items().filter((i) => i.pk.startsWith('NX#') || i.sk.startsWith('NAMES#'))).toEqual([]);
        },
      ),
      { numRuns: 60, seed: 20261201 },
    );
  });
});

describe('relinkChangedArticles', () => {
  const corpus = async (s: ReturnType<typeof setup>, n: number, naming: number[]) => {
    for (let i = 0; i < n; i++) {
      const who = naming.includes(i)
        ? 'Officials said Tanchon Commercial Bank moved funds.'
        : 'Officials met in Moscow.';
      await s.p.s3.source.put(`articles/${i}.txt`, `${who} Report ${i} from Beijing.`, 'text/plain');
      await s.p.reconcile(`articles/${i}.txt`);
    }
  };
  const on = (ids: number[], countries = ['KP']): ListSpec => POOL.map((_, i) => ({ on: ids.includes(i), countries }));

  it('a one-entity change relinks only the objects that name it, and reads no listing of every object', async () => {
    // Prepare: 30 objects, 3 of them naming Tanchon Commercial Bank (pool 4); a first list and a full pass
    const s = setup();
    await corpus(s, 30, [3, 17, 25]);
    await s.saveList(on([0, 1, 4]));
    await relinkEverything(s.deps);
    let listed = 0;
    const listAll = s.p.store.listArticleObjects;
    s.p.store.listArticleObjects = async () => {
      listed++;
      return listAll();
    };
    // Act: Tanchon's countries change
    await s.saveList(POOL.map((_, i) => ({ on: [0, 1, 4].includes(i), countries: i === 4 ? ['KP', 'CN'] : ['KP'] })));
    const r = await relinkChangedArticles(s.deps);
    await s.p.aggregate();
    // Assess
    expect(r).toMatchObject({ mode: 'changed', total: 3, relinked: 3, finished: true });
    expect(listed).toBe(0);
    expect(s.p.counters()).toEqual(await s.recount());
    expect((await s.p.store.getItem(RELINK_MARK_KEY))?.indexEtag).toBe((await s.index.load())?.etag);
    // A second call finds the mark current and reads nothing more.
    expect(await relinkChangedArticles(s.deps)).toMatchObject({ skipped: true, total: 0 });
  });

  it('takes the full pass when there is nothing to diff against, and says why', async () => {
    const s = setup();
    await corpus(s, 4, [1]);
    expect(await relinkChangedArticles(s.deps)).toMatchObject({ mode: 'all', reason: 'no name index' });
    await s.saveList(on([4]));
    // The mark of the pass with no index names no build: a diff needs one.
    expect(await relinkChangedArticles(s.deps)).toMatchObject({
      mode: 'all',
      reason: 'the last pass recorded no build',
      total: 4,
    });
    await s.p.store.deleteItem(RELINK_MARK_KEY);
    await s.saveList(on([4, 5]));
    expect(await relinkChangedArticles(s.deps)).toMatchObject({ mode: 'all', reason: 'no pass has finished yet' });
    // The mark's signature gone (removed by hand): a diff would miss what changed since.
    for (const k of s.p.s3.keys(NAME_BUILDS_PREFIX)) s.p.s3.delete(k);
    await s.saveList(on([4]));
    expect(await relinkChangedArticles(s.deps)).toMatchObject({
      mode: 'all',
      reason: "the last pass's build signature is gone",
    });
    await s.p.aggregate();
    expect(s.p.counters()).toEqual(await s.recount());
  });

  it('an index written before signatures were kept gets one, so the next change is proportional', async () => {
    // Prepare: the index saved, its signature removed (as an index from before issue 17.4)
    const s = setup();
    await corpus(s, 6, [2]);
    await s.saveList(on([4]));
    for (const k of s.p.s3.keys(NAME_BUILDS_PREFIX)) s.p.s3.delete(k);
    // Act
    const first = await relinkEverything(s.deps);
    await s.saveList(on([4], ['IR']));
    const second = await relinkChangedArticles(s.deps);
    // Assess
    expect(first.mode).toBe('all');
    expect(second).toMatchObject({ mode: 'changed', total: 1, relinked: 1 });
  });

  it('objects ingested before postings existed are posted by the next pass, even when their links are current', async () => {
    // Prepare: a linked corpus whose postings are gone (as objects ingested by the code before issue 17.4)
    const s = setup();
    await s.saveList(on([4]));
    await corpus(s, 5, [1, 3]);
    const posted = () => s.p.store.items().filter((i) => i.pk.startsWith('NX#') || i.sk.startsWith('NAMES#'));
    await s.p.store.deleteKeys(posted());
    await s.p.aggregate();
    const before = s.p.counters();
    // Act: the full pass under the same index, then a one-entity change
    const all = await relinkEverything(s.deps);
    await s.p.aggregate();
    const after = s.p.counters();
    await s.saveList(on([4], ['IR']));
    const changed = await relinkChangedArticles(s.deps);
    await s.p.aggregate();
    // Assess: the full pass wrote the postings without moving a count; the change then finds its 2 objects
    expect(all).toMatchObject({ mode: 'all', total: 5 });
    expect(after).toEqual(before);
    await s.postingsExact();
    expect(changed).toMatchObject({ mode: 'changed', total: 2, relinked: 2 });
    expect(s.p.counters()).toEqual(await s.recount());
  });

  it('prunes the signatures of builds every article is past, and keeps young ones', async () => {
    // Prepare: three builds an hour apart, then a pass
    let clock = Date.UTC(2026, 11, 1, 10);
    const s = setup();
    const index = makeNameIndexStore(s.p.s3.source, () => clock);
    const deps = { ...s.deps, index };
    s.p.deps.index = index;
    await corpus(s, 3, [0]);
    await index.save(buildNameIndex(entitiesOf(on([4]))), 'a');
    await relinkEverything(deps, { now: () => clock });
    clock += 3_600_000;
    await index.save(buildNameIndex(entitiesOf(on([4], ['RU']))), 'b');
    clock += 3_600_000;
    await index.save(buildNameIndex(entitiesOf(on([4], ['IR']))), 'c');
    clock += 60_000;
    // Act
    const r = await relinkChangedArticles(deps, { now: () => clock });
    // Assess: the two older builds go, the current one stays
    expect(r).toMatchObject({ mode: 'changed', total: 1 });
    const left = (await index.listBuilds()).builds;
    expect(left.map((b) => b.buildId)).toEqual([(await index.load())!.buildId]);
    expect(s.p.s3.keys(NAME_BUILDS_PREFIX)).toHaveLength(2); // its signature and its mark
  });

  it('keeps the signature of a build whose index put is not marked, until it is a day old', async () => {
    // Prepare: build b's signature is written but its index not (yet) put: a slow rebuild racing build c
    let clock = Date.UTC(2026, 11, 1, 10);
    const s = setup();
    const index = makeNameIndexStore(s.p.s3.source, () => clock);
    const deps = { ...s.deps, index };
    s.p.deps.index = index;
    await corpus(s, 3, [0]);
    await index.save(buildNameIndex(entitiesOf(on([4]))), 'a');
    await relinkEverything(deps, { now: () => clock });
    clock += 60_000;
    await index.save(buildNameIndex(entitiesOf(on([4], ['RU']))), 'b');
    const b = (await index.listBuilds()).builds.find((x) => x.builtAt === clock)!;
    s.p.s3.delete(NAME_BUILDS_PREFIX + b.key.slice(NAME_BUILDS_PREFIX.length).replace('.json.gz', '.saved'));
    clock += 60_000;
    await index.save(buildNameIndex(entitiesOf(on([4], ['IR']))), 'c');
    // Act
    await relinkChangedArticles(deps, { now: () => clock });
    const kept = (await index.listBuilds()).builds.map((x) => x.buildId);
    await index.save(buildNameIndex(entitiesOf(on([4], ['SY']))), 'd');
    clock += 25 * 3_600_000;
    await relinkChangedArticles(deps, { now: () => clock });
    // Assess: b outlived the first pass, not the one a day later
    expect(kept).toContain(b.buildId);
    expect((await index.listBuilds()).builds.map((x) => x.buildId)).toEqual([(await index.load())!.buildId]);
  });
});
