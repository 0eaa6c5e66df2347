import { describe, expect, it } from 'vitest';
import {
  type AggregationChunk,
  type CellInfo,
  type Contribution,
  contributionParts,
  ledgerCaughtUp,
  MAX_TX_ACTIONS,
  PART_CELLS,
  PART_IDS,
  type PartChange,
  planAggregation,
  rowMovesOf,
  unappliedChanges,
} from '../../../shared/domain/contribution.ts';
import { articleCells } from '../../../shared/domain/article.ts';
import { entityInfoOf } from '../../../shared/domain/entity-rows.ts';
import { ArticleSchema } from '../../../shared/domain/model.ts';
import { padSequence } from '../../../shared/domain/keys.ts';

const contribution = (n: number): Contribution =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`entity|e${String(i).padStart(5, '0')}`, { articles: 1, mentions: i + 1 }]),
  );

const change = (
  seq: number,
  object: string,
  cells: Record<string, [number, number]>,
  kind: 'insert' | 'remove',
): PartChange => ({
  seq: padSequence(String(seq)),
  id: String(seq),
  object,
  ...(kind === 'insert' ? { newImage: { gen: 'g1', cells, info: {} } } : { oldImage: { gen: 'g1', cells } }),
});

describe('contributionParts', () => {
  it('splits cells and article ids so no part holds more than PART_CELLS cells or PART_IDS ids', () => {
    // Prepare
    const c = contribution(250);
    const ids = Array.from({ length: 1_200 }, (_, i) => `a${i}`);
    // Act
    const parts = contributionParts(c, ids);
    // Assess
    expect(parts).toHaveLength(3);
    for (const p of parts) {
      expect(Object.keys(p.cells).length).toBeLessThanOrEqual(PART_CELLS);
      expect(p.articleIds.length).toBeLessThanOrEqual(PART_IDS);
    }
    expect(parts.flatMap((p) => Object.keys(p.cells)).sort()).toEqual(Object.keys(c).sort());
    expect(parts.flatMap((p) => p.articleIds)).toEqual(ids);
  });

  it('gives the same parts for the same contribution, whatever the order of its cells', () => {
    const c = contribution(120);
    const reversed = Object.fromEntries(Object.entries(c).reverse());
    expect(contributionParts(reversed, ['x'])).toEqual(contributionParts(c, ['x']));
  });

  it('has no part for an object that contributes nothing', () => {
    expect(contributionParts({}, [])).toEqual([]);
  });
});

/**
 * Actions of a chunk's transaction as the adapters send it: ledgers, counters, entity counters, news and rollups. An
 * entity's rows are written beside the transaction (just before it: dynamo-store's applyChunk), not in it.
 */
const actions = (c: AggregationChunk) =>
  c.ledgers.length +
  c.deltas.length +
  c.entities.length +
  Object.keys(c.listedInNews).length +
  Object.keys(c.rollups).length;

describe('planAggregation', () => {
  it('merges changes per cell and keeps every transaction within 100 actions', () => {
    // Prepare: 30 objects of 60 cells each, half shared
    const changes: PartChange[] = [];
    for (let o = 0; o < 30; o++) {
      const cells: Record<string, [number, number]> = {};
      for (let i = 0; i < 60; i++) cells[`entity|person:${i < 30 ? 'shared' : `o${o}`}${i}`] = [1, 2];
      changes.push(change(o + 1, `OBJ#${o}`, cells, 'insert'));
    }
    // Act
    const chunks = planAggregation(changes);
    // Assess
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(actions(c)).toBeLessThanOrEqual(MAX_TX_ACTIONS);
    const last = new Map<string, number>();
    for (const c of chunks) for (const e of c.entities) last.set(e.cell, e.after.mentions);
    expect(last.get('entity|person:shared0')).toBe(60);
    expect(last.get('entity|person:o2959')).toBe(2);
    expect(chunks.reduce((n, c) => n + c.changes, 0)).toBe(30);
  });

  it('threads an entity from chunk to chunk: each move starts where the one before ended', () => {
    // Prepare: the same entity in 120 objects, with enough other cells to need several transactions
    const changes = Array.from({ length: 120 }, (_, o) =>
      change(o + 1, `OBJ#${o}`, { 'entity|person:x': [1, 3], [`entity|person:y${o}`]: [1, 1] }, 'insert'),
    );
    const stored = new Map([
      ['entity|person:x', { articles: 5, mentions: 9, info: entityInfoOf('entity|person:x', { name: 'X' }) }],
    ]);
    // Act
    const moves = planAggregation(changes, stored).flatMap((c) =>
      c.entities.filter((e) => e.cell === 'entity|person:x'),
    );
    // Assess
    expect(moves.length).toBeGreaterThan(1);
    expect(moves[0]!.before).toEqual({ articles: 5, mentions: 9 });
    for (let i = 1; i < moves.length; i++) expect(moves[i]!.before).toEqual(moves[i - 1]!.after);
    expect(moves.at(-1)!.after).toEqual({ articles: 125, mentions: 369 });
    expect(moves.every((m) => m.info.name === 'X')).toBe(true); // the stored info stays, whatever the parts say
  });

  it('gives each entity its rows once per batch, as its last move leaves them, and deletes those it takes to 0', () => {
    // Prepare: x in 120 objects (moved by several chunks), g removed from 5 articles to none
    const changes = Array.from({ length: 120 }, (_, o) =>
      change(o + 1, `OBJ#${o}`, { 'entity|person:x': [1, 3], [`entity|person:y${o}`]: [1, 1] }, 'insert'),
    );
    changes.push(change(200, 'OBJ#g', { 'entity|person:g': [5, 5] }, 'remove'));
    const stored = new Map([
      ['entity|person:g', { articles: 5, mentions: 5, info: entityInfoOf('entity|person:g', { name: 'G' }) }],
    ]);
    // Act
    const chunks = planAggregation(changes, stored);
    const rows = rowMovesOf(chunks);
    // Assess
    expect(chunks.filter((c) => c.entities.some((e) => e.cell === 'entity|person:x')).length).toBeGreaterThan(1);
    expect(rows.filter((r) => r.cell === 'entity|person:x')).toEqual([
      expect.objectContaining({ after: { articles: 120, mentions: 360 }, hadRows: true }),
    ]);
    expect(rows.find((r) => r.cell === 'entity|person:g')).toMatchObject({ after: { articles: 0 }, hadRows: true });
    expect(rows.find((r) => r.cell === 'entity|person:y7')).toMatchObject({ after: { articles: 1 }, hadRows: false });
    expect(new Set(rows.map((r) => r.cell)).size).toBe(rows.length);
  });

  it('splits one part change over transactions when its cells take more actions than one holds', () => {
    // Prepare: 90 listed cells, each with KP and two countries of its own: 1 counter + 2 news counters of its own each
    const code = (n: number) => String.fromCharCode(65 + Math.floor(n / 26), 65 + (n % 26));
    const cells: Record<string, [number, number]> = {};
    const info: Record<string, CellInfo> = {};
    for (let i = 0; i < 90; i++) {
      cells[`listed|un-sc|${i}`] = [1, 1];
      info[`listed|un-sc|${i}`] = { name: `N${i}`, kind: 'person', countries: ['KP', code(2 * i), code(2 * i + 1)] };
    }
    const ch: PartChange = { seq: padSequence('7'), id: '7', object: 'OBJ#a', newImage: { gen: 'g', cells, info } };
    // Act
    const chunks = planAggregation([ch]);
    // Assess: the checkpoint names how far the change got; the ledger's parts move with its last cell only
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) expect(actions(c)).toBeLessThanOrEqual(MAX_TX_ACTIONS);
    expect(chunks[0]!.ledgers[0]!.lastSeq).toMatch(new RegExp(`^${padSequence('7')}#\\d{5}$`));
    expect(chunks.at(-1)!.ledgers[0]).toMatchObject({ lastSeq: `${padSequence('7')}~`, net: 1, byGen: { g: 1 } });
    expect(chunks.slice(0, -1).every((c) => c.ledgers[0]!.net === 0 && c.changes === 0)).toBe(true);
    expect(chunks.reduce((n, c) => n + c.entities.length, 0)).toBe(90);
    expect(chunks.reduce((n, c) => n + (c.listedInNews.KP?.n ?? 0), 0)).toBe(90);
  });

  it('resumes a split change from the cell its checkpoint names', () => {
    // Prepare
    const cells: Record<string, [number, number]> = {};
    for (let i = 0; i < 150; i++) cells[`entity|person:p${String(i).padStart(3, '0')}`] = [1, 1];
    const ch: PartChange = { seq: padSequence('7'), id: '7', object: 'OBJ#a', newImage: { gen: 'g', cells, info: {} } };
    const full = planAggregation([ch]);
    const firstCheckpoint = full[0]!.ledgers[0]!.lastSeq;
    // Act
    const todo = unappliedChanges([ch], new Map([['OBJ#a', firstCheckpoint]]));
    const rest = planAggregation(todo);
    // Assess
    expect(todo[0]!.from).toBe(full[0]!.entities.length);
    expect(rest.flatMap((c) => c.entities.map((e) => e.cell))).toEqual(
      full.slice(1).flatMap((c) => c.entities.map((e) => e.cell)),
    );
    expect(rest[0]!.ledgers[0]!.firstSeq > firstCheckpoint).toBe(true);
  });

  it('counts a listed entity in the news once, when its articles go from 0 to more and back', () => {
    // Prepare
    const info = { name: 'Ship', kind: 'vessel', countries: ['IR'] };
    const on = (seq: number, obj: string): PartChange => ({
      seq: padSequence(String(seq)),
      id: String(seq),
      object: obj,
      newImage: { gen: 'g', cells: { 'listed|us-ofac-sdn|9': [1, 2] }, info: { 'listed|us-ofac-sdn|9': info } },
    });
    const off = (seq: number, obj: string): PartChange => ({
      seq: padSequence(String(seq)),
      id: String(seq),
      object: obj,
      oldImage: { gen: 'g', cells: { 'listed|us-ofac-sdn|9': [1, 2] } },
    });
    // Act
    const up = planAggregation([on(1, 'OBJ#a'), on(2, 'OBJ#b')]);
    const stored = new Map([
      ['listed|us-ofac-sdn|9', { ...up[0]!.entities[0]!.after, info: up[0]!.entities[0]!.info }],
    ]);
    const down = planAggregation([off(3, 'OBJ#a')], stored);
    const gone = planAggregation(
      [off(4, 'OBJ#b')],
      new Map([['listed|us-ofac-sdn|9', { ...down[0]!.entities[0]!.after, info: up[0]!.entities[0]!.info }]]),
    );
    // Assess
    expect(up[0]!.listedInNews).toEqual({
      IR: { n: 1, 'l:us-ofac-sdn': 1, 't:vessel': 1, 'lt:us-ofac-sdn|vessel': 1 },
    });
    expect(down[0]!.listedInNews).toEqual({});
    expect(gone[0]!.listedInNews.IR).toEqual({
      n: -1,
      'l:us-ofac-sdn': -1,
      't:vessel': -1,
      'lt:us-ofac-sdn|vessel': -1,
    });
    expect(gone[0]!.entities[0]!.after).toEqual({ articles: 0, mentions: 0 });
  });

  it('adds a dated country cell to its day, month and year rollups', () => {
    const [c] = planAggregation([change(1, 'OBJ#a', { 'countryd|2026-03-09#CN': [1, 4] }, 'insert')]);
    expect(c!.rollups).toEqual({
      '2026-03-09': { a_CN: 1, m_CN: 4 },
      '2026-03': { a_CN: 1, m_CN: 4 },
      '2026': { a_CN: 1, m_CN: 4 },
    });
  });

  it('cancels an insert and the remove of the same part within one chunk, and moves the ledger by both', () => {
    const cells: Record<string, [number, number]> = { 'country|CN': [1, 3] };
    const [c] = planAggregation([change(1, 'OBJ#a', cells, 'insert'), change(2, 'OBJ#a', cells, 'remove')]);
    expect(c!.deltas).toEqual([]);
    expect(c!.ledgers).toEqual([
      { object: 'OBJ#a', firstSeq: `${padSequence('1')}~`, lastSeq: `${padSequence('2')}~`, net: 0, byGen: { g1: 0 } },
    ]);
  });

  it('treats a modify with equal images (a part written again by a retry) as no change', () => {
    const cells: Record<string, [number, number]> = { 'country|CN': [1, 3], 'entity|person:a': [1, 1] };
    const [c] = planAggregation([
      {
        seq: padSequence('5'),
        id: '5',
        object: 'OBJ#a',
        oldImage: { gen: 'g', cells },
        newImage: { gen: 'g', cells, info: {} },
      },
    ]);
    expect(c!.deltas).toEqual([]);
    expect(c!.entities).toEqual([]);
    expect(c!.ledgers[0]!.net).toBe(0);
  });
});

describe('unappliedChanges', () => {
  it('drops changes at or behind the checkpoint and a record delivered twice', () => {
    // Prepare
    const a = change(10, 'OBJ#a', { 'country|CN': [1, 1] }, 'insert');
    const b = change(20, 'OBJ#a', { 'country|RU': [1, 1] }, 'insert');
    const c = change(15, 'OBJ#b', { 'country|US': [1, 1] }, 'insert');
    // Act
    const todo = unappliedChanges([a, c, a, b, b], new Map([['OBJ#a', `${padSequence('10')}~`]]));
    // Assess
    expect(todo.map((t) => t.id)).toEqual(['15', '20']);
  });

  it('reads a bare sequence number (a checkpoint written before changes could split) as a whole change', () => {
    const a = change(10, 'OBJ#a', { 'country|CN': [1, 1] }, 'insert');
    expect(unappliedChanges([a], new Map([['OBJ#a', padSequence('10')]]))).toEqual([]);
  });

  it('compares sequence numbers of different lengths by value (padded)', () => {
    const todo = unappliedChanges([change(100, 'OBJ#a', {}, 'insert')], new Map([['OBJ#a', padSequence('99')]]));
    expect(todo).toHaveLength(1);
  });
});

describe('ledgerCaughtUp', () => {
  it('is true only when the generation has all its parts and no other generation has any', () => {
    expect(ledgerCaughtUp({ net: 3, byGen: { new: 3 } }, 'new', 3)).toBe(true);
    expect(ledgerCaughtUp({ net: 6, byGen: { old: 3, new: 3 } }, 'new', 3)).toBe(false);
    expect(ledgerCaughtUp({ net: 3, byGen: { old: 3 } }, 'new', 3)).toBe(false);
    expect(ledgerCaughtUp(undefined, 'none', 0)).toBe(true);
    expect(ledgerCaughtUp({ net: 1, byGen: { old: 1 } }, 'none', 0)).toBe(false);
  });
});

describe('articleCells: the counter cells of one article', () => {
  it('an entity of a dated article has month and year twins but no day twin; a country keeps its day', () => {
    // Prepare: a dated article naming a country, a listed organisation and a person not on any list
    const article = ArticleSchema.parse({
      id: 'a1',
      key: 'articles/a.txt',
      language: 'en',
      body: '…',
      publishedAt: '2026-03-09T10:00:00Z',
      mentions: [
        { surface: 'China', key: 'china', kind: 'country', country: 'CN', count: 2, listed: [] },
        { surface: 'KOMID', key: 'komid', kind: 'organization', count: 3, listed: [{ list: 'un-sc', sourceId: '7' }] },
        { surface: 'Jane Roe', key: 'jane roe', kind: 'person', count: 1, listed: [] },
      ],
    });
    // Act
    const cells = articleCells(article);
    // Assess
    expect(Object.fromEntries([...cells].filter(([c]) => !c.startsWith('tl:')))).toEqual({
      'country|CN': 2,
      'countryd|2026-03-09#CN': 2,
      'listed|un-sc|7': 3,
      'listedm|2026-03#un-sc|7': 3,
      'listedy|2026#un-sc|7': 3,
      'entity|jane roe': 1,
      'entitym|2026-03#jane roe': 1,
      'entityy|2026#jane roe': 1,
    });
    // The timeline (what any other range is read from) has the entity's day and month
    expect([...cells.keys()].filter((c) => c.includes('un-sc:7'))).toEqual(
      expect.arrayContaining([expect.stringContaining('d:2026-03-09'), expect.stringContaining('m:2026-03')]),
    );
  });
});
