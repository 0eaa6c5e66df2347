import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeNameIndexStore } from '../../../shared/adapters/name-index-store.ts';
import { entityInfoOf } from '../../../shared/domain/entity-rows.ts';
import { counterKey } from '../../../shared/domain/keys.ts';
import { describeExpectedFormats, detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { aggregateStreamBatch } from '../../../shared/ingest/aggregate.ts';
import { reconcileArticleObject } from '../../../shared/ingest/articles.ts';
import { refileEntities } from '../../../shared/ingest/refile-rows.ts';
import { relinkAfterListChange } from '../../../shared/ingest/relink.ts';
import { reconcileSanctionsObject, type SanctionsDeps } from '../../../shared/ingest/sanctions.ts';
import { UN_RECORDS, unFile } from '../../helpers/recount.ts';
import { ROOT } from '../../helpers/sandbox.ts';
import { makePipeline } from './harness.ts';

// Issue 17.3: a list version that changes a listed entity's countries moves no link count, yet every view must show
// the new countries: its rows are refiled (new facets in, old facets out, listed-in-news counters moved), and the
// read model ends as if the new version had been current from the start.

const UN = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
const BADEGE = '6907993'; // Eric Badege: nationality Democratic Republic of the Congo, address Rwanda
const CELL = `listed|un-sc|${BADEGE}`;
const KOMID = '690735'; // Korea Mining Development Trading Corporation
/** The same list with Badege's nationality Uganda (CD → UG), every other record as it was. */
const UN_MOVED = UN.replace(
  /(<DATAID>6907993<\/DATAID>[\s\S]*?<NATIONALITY>\s*<VALUE>)Democratic Republic of the Congo(<\/VALUE>)/,
  '$1Uganda$2',
);
const article = (day: string, i: number, name = 'Eric Badege') =>
  JSON.stringify({
    title: `Border report ${i}`,
    publishedAt: day,
    content: `Officials in Goma said on ${day} that ${name} had crossed the border with armed men (${i}).`,
  });
const ref = (key: string) => ({ bucket: 'radar-ingest', key, eventName: 'ObjectCreated:Put', eventTime: '' });

function setup() {
  const p = makePipeline();
  const index = makeNameIndexStore(p.s3.source);
  const hooks = { on: true };
  const deps: SanctionsDeps = {
    source: p.s3.source,
    store: p.store,
    detect: detectListFormat,
    describeExpected: describeExpectedFormats,
    maxBytes: 100 * 1024 * 1024,
    shrinkGuard: 0.5,
    onListsChanged: async (call) => {
      if (hooks.on) await relinkAfterListChange({ store: p.store, index, articles: { ...p.deps } }, call);
    },
  };
  const listFile = async (key: string, body: string, aggregate = true) => {
    await p.s3.source.put(key, body, 'application/json');
    const s = await reconcileSanctionsObject({ ...ref(key), eventTime: new Date().toISOString() }, deps);
    if (aggregate) await p.aggregate();
    return s;
  };
  const list = async (xml: string, aggregate = true) => {
    await listFile('sanctions/un.xml', xml, aggregate);
  };
  const articles = async (days: string[], from = 0, name = 'Eric Badege') => {
    for (const [i, day] of days.entries()) {
      const key = `articles/a${from + i}.json`;
      await p.s3.source.put(key, article(day, from + i, name), 'application/json');
      await reconcileArticleObject({ ...ref(key), eventTime: new Date().toISOString() }, { ...p.deps, index });
    }
  };
  /** The read model: every row, the listed-in-news counters, and the entity's counters' info (all scopes). */
  const readModel = () => {
    const items = p.store.items();
    return {
      rows: items
        .filter((it) => it.pk.startsWith('ER'))
        .map((it) => `${it.pk} ${it.sk} ${JSON.stringify(it.countries)} ${it.articles}/${it.mentions}`)
        .sort(),
      // A counter item at 0 everywhere counts as none (the aggregator leaves such items too).
      listedInNews: items
        .filter((it) => it.pk.startsWith('LIN#'))
        .map(
          ({ pk, sk, ...attrs }) =>
            [
              sk,
              Object.entries(attrs)
                .filter(([, v]) => v !== 0)
                .sort(),
            ] as const,
        )
        .filter(([, attrs]) => attrs.length)
        .map(([sk, attrs]) => `${sk} ${JSON.stringify(attrs)}`)
        .sort(),
      info: ['', 'm|2026-03#', 'm|2026-05#', 'y|2026#'].map((s) => {
        const cell = s ? `listed${s}un-sc|${BADEGE}` : CELL;
        const it = items.find((x) => x.pk === counterKey(cell).pk && x.sk === counterKey(cell).sk);
        return it ? entityInfoOf(cell, it).countries : undefined;
      }),
    };
  };
  return { p, hooks, list, listFile, articles, readModel };
}

/** The read model as if the moved list had been current before any article came in. */
async function fromScratch(days: string[]) {
  const s = setup();
  await s.list(UN_MOVED);
  await s.articles(days);
  await s.p.aggregate();
  return s.readModel();
}

describe('refiling rows after a list version changes an entity (issue 17.3)', () => {
  it('a new nationality moves every row, in every scope, and the listed-in-news counters', async () => {
    // Prepare: the entity in the news in two months, filed under CD and RW
    expect(UN_MOVED).not.toBe(UN);
    const days = ['2026-03-02', '2026-03-20', '2026-05-11'];
    const s = setup();
    await s.list(UN);
    await s.articles(days);
    await s.p.aggregate();
    const before = s.readModel();
    expect(before.info).toEqual([
      ['CD', 'RW'],
      ['CD', 'RW'],
      ['CD', 'RW'],
      ['CD', 'RW'],
    ]);
    expect(before.rows.some((r) => r.includes('#country:CD#'))).toBe(true);
    // Act: the new version, then what its change set causes
    await s.list(UN_MOVED);
    await s.p.aggregate();
    // Assess: no row left under CD, and the whole read model equals a build from scratch
    const after = s.readModel();
    expect(after.info).toEqual([
      ['RW', 'UG'],
      ['RW', 'UG'],
      ['RW', 'UG'],
      ['RW', 'UG'],
    ]);
    expect(after.rows.filter((r) => r.includes('#country:CD#'))).toEqual([]);
    expect(after).toEqual(await fromScratch(days));
  });

  it('a repeated list event refiles nothing more (one mark read per list)', async () => {
    // Prepare
    const s = setup();
    await s.list(UN);
    await s.articles(['2026-03-02']);
    await s.p.aggregate();
    await s.list(UN_MOVED);
    await s.p.aggregate();
    const once = s.readModel();
    expect(once).toEqual(await fromScratch(['2026-03-02']));
    // Act: the same version's event again (a redelivery), hooks on
    await s.list(UN_MOVED);
    // Assess
    expect(s.readModel()).toEqual(once);
  });

  it("a relink in one batch writes no rows for an entity it leaves where it was (only the moved ones')", async () => {
    // Prepare: one article naming Badege and KOMID; a new version drops KOMID only
    const s = setup();
    await s.list(UN);
    // 60 articles over 60 days: the object's parts span many transactions, so its old generation leaves Badege's
    // counter in one chunk and the new one brings him back in another
    const key = 'articles/both.ndjson';
    const lines = Array.from({ length: 60 }, (_, i) => {
      const day = new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
      const komid = i === 0 ? ' and envoys of the Korea Mining Development Trading Corporation' : '';
      return JSON.stringify({
        title: `Goma ${i}`,
        published: day,
        text: `Officials said Eric Badege had met traders${komid}.`,
      });
    });
    await s.p.s3.source.put(key, `${lines.join('\n')}\n`, 'application/x-ndjson');
    await reconcileArticleObject(
      { ...ref(key), eventTime: new Date().toISOString() },
      { ...s.p.deps, index: makeNameIndexStore(s.p.s3.source) },
    );
    await s.p.aggregate();
    const written: string[] = [];
    const counting = {
      ...s.p.store,
      readLedgers: s.p.store.readLedgers,
      async writeEntityRows(moves: Parameters<typeof s.p.store.writeEntityRows>[0]) {
        written.push(...moves.map((m) => m.cell));
        return s.p.store.writeEntityRows(moves);
      },
    };
    // Act: the object relinked (both generations' parts in one stream batch)
    await s.list(unFile(UN_RECORDS.filter((rec) => !rec.includes(`<DATAID>${KOMID}</DATAID>`))), false);
    const r = await aggregateStreamBatch(s.p.store.takeStream(), counting);
    // Assess: KOMID's rows moved (to 0), Badege's were left as they were, and they are right
    expect(r.error).toBeUndefined();
    expect(written.some((c) => c.includes(KOMID))).toBe(true);
    expect(written.filter((c) => c.includes(BADEGE))).toEqual([]);
    expect(s.readModel().rows.filter((x) => x.includes(BADEGE)).length).toBeGreaterThan(0);
  });

  it('an aggregator batch planned with the old info, racing the refile, is planned again and leaves no old row', async () => {
    // Prepare: the entity in the news; the new version current but not refiled yet (its hook off)
    const days = ['2026-03-02', '2026-05-11'];
    const s = setup();
    await s.list(UN);
    await s.articles(days.slice(0, 1));
    await s.p.aggregate();
    s.hooks.on = false;
    await s.list(UN_MOVED);
    // A new article whose batch the aggregator plans from the old info; the refile runs between its reads and writes
    await s.articles(days.slice(1), 1);
    let raced = false;
    const racing = {
      ...s.p.store,
      readLedgers: s.p.store.readLedgers,
      async writeEntityRows(moves: Parameters<typeof s.p.store.writeEntityRows>[0]) {
        if (!raced) {
          raced = true;
          const r = await refileEntities(s.p.store, [
            {
              list: 'un-sc',
              sourceId: BADEGE,
              fields: { name: 'Eric BADEGE', kind: 'person', countries: ['RW', 'UG'] },
            },
          ]);
          expect(r.refiled).toBe(1);
        }
        return s.p.store.writeEntityRows(moves);
      },
    };
    // Act
    const r = await aggregateStreamBatch(s.p.store.takeStream(), racing);
    // Assess: the batch applied (after a conflict on the info revision), nothing under CD, counts as from scratch
    expect(r.error).toBeUndefined();
    expect(raced).toBe(true);
    const after = s.readModel();
    expect(after.rows.filter((x) => x.includes('#country:CD#'))).toEqual([]);
    expect(after).toEqual(await fromScratch(days));
  });
});

describe('an entity first counted after its refile (issue 17.3)', () => {
  it('an article linked against the old version, aggregated after the new one is refiled, is filed under the new info', async () => {
    // Prepare: the entity named by an article linked while the old version was current, its parts not aggregated
    // yet (no counter exists for it, so the refile finds nothing of it to move)
    const days = ['2026-03-02'];
    const s = setup();
    await s.list(UN);
    await s.articles(days);
    await s.list(UN_MOVED, false);
    // Act: the aggregator meets the old article's parts, which carry the old info (CD, RW)
    await s.p.aggregate();
    // Assess: the counter keeps the new version's info, nothing is filed under CD, as from scratch
    const after = s.readModel();
    expect(after.rows.filter((x) => x.includes('#country:CD#'))).toEqual([]);
    expect(after).toEqual(await fromScratch(days));
  });
});

describe('refiling rows after an OpenSanctions delta (issue 17.3)', () => {
  // Our own synthetic FollowTheMoney records (not OpenSanctions data): one sanctioned person, nationality RU.
  const FULL = 'sanctions/opensanctions/radar_test/entities.ftm.json';
  const DELTA = 'sanctions/opensanctions/radar_test/20261101000000-abc/entities.delta.json';
  const person = (nationality: string) => ({
    id: 'rt-person-1',
    caption: 'Ivan Examplov',
    schema: 'Person',
    properties: { name: ['Ivan Examplov'], nationality: [nationality], topics: ['sanction'] },
    referents: [],
    datasets: ['radar_test'],
    target: true,
  });
  const other = {
    id: 'rt-org-1',
    caption: 'Northern Example Shipping Company',
    schema: 'Company',
    properties: { name: ['Northern Example Shipping Company'], jurisdiction: ['cy'], topics: ['sanction'] },
    referents: [],
    datasets: ['radar_test'],
    target: true,
  };
  const full = (nationality: string) => `${[person(nationality), other].map((e) => JSON.stringify(e)).join('\n')}\n`;
  const days = ['2026-03-02', '2026-05-11'];

  it('a delta that moves an entity to another country refiles its rows, as a full export with it would', async () => {
    // Prepare: the person in the news under RU
    const s = setup();
    await s.listFile(FULL, full('ru'));
    await s.articles(days, 0, 'Ivan Examplov');
    await s.p.aggregate();
    const before = s.readModel();
    expect(before.rows.some((r) => r.includes('#country:RU#'))).toBe(true);
    // Act: a delta modifying the person only (nationality BY)
    const st = await s.listFile(DELTA, `${JSON.stringify({ op: 'MOD', entity: person('by') })}\n`);
    // Assess: the delta made a new version; no row is left under RU; the read model is the one of an export with BY
    expect(st.status).toBe('done');
    const after = s.readModel();
    expect(after.rows.filter((r) => r.includes('#country:RU#'))).toEqual([]);
    expect(after.rows.some((r) => r.includes('#country:BY#'))).toBe(true);
    const scratch = setup();
    await scratch.listFile(FULL, full('by'));
    await scratch.articles(days, 0, 'Ivan Examplov');
    await scratch.p.aggregate();
    expect(after).toEqual(scratch.readModel());
  });
});
