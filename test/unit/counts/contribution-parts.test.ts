import { describe, expect, it } from 'vitest';
import {
  type Contribution,
  contributionParts,
  ledgerCaughtUp,
  MAX_TX_ACTIONS,
  PART_CELLS,
  PART_IDS,
  type PartChange,
  planAggregation,
  unappliedChanges,
} from '../../../shared/domain/contribution.ts';
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

describe('planAggregation', () => {
  it('merges changes per cell and keeps every transaction within 100 actions', () => {
    // Prepare: 30 objects of 60 cells each, half shared
    const changes: PartChange[] = [];
    for (let o = 0; o < 30; o++) {
      const cells: Record<string, [number, number]> = {};
      for (let i = 0; i < 60; i++) cells[`entity|${i < 30 ? 'shared' : `o${o}`}${i}`] = [1, 2];
      changes.push(change(o + 1, `OBJ#${o}`, cells, 'insert'));
    }
    // Act
    const chunks = planAggregation(changes);
    // Assess
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.ledgers.length + c.deltas.length).toBeLessThanOrEqual(MAX_TX_ACTIONS);
    const total = new Map<string, number>();
    for (const c of chunks) for (const d of c.deltas) total.set(d.cell, (total.get(d.cell) ?? 0) + d.mentions);
    expect(total.get('entity|shared0')).toBe(60);
    expect(total.get('entity|o759')).toBe(2);
    expect(chunks.reduce((n, c) => n + c.changes, 0)).toBe(30);
  });

  it('cancels an insert and the remove of the same part within one chunk, and moves the ledger by both', () => {
    const cells: Record<string, [number, number]> = { 'country|CN': [1, 3] };
    const [c] = planAggregation([change(1, 'OBJ#a', cells, 'insert'), change(2, 'OBJ#a', cells, 'remove')]);
    expect(c!.deltas).toEqual([]);
    expect(c!.ledgers).toEqual([
      { object: 'OBJ#a', firstSeq: padSequence('1'), lastSeq: padSequence('2'), net: 0, byGen: { g1: 0 } },
    ]);
  });

  it('treats a modify with equal images (a part written again by a retry) as no change', () => {
    const cells: Record<string, [number, number]> = { 'country|CN': [1, 3] };
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
    const todo = unappliedChanges([a, c, a, b, b], new Map([['OBJ#a', padSequence('10')]]));
    // Assess
    expect(todo.map((t) => t.id)).toEqual(['15', '20']);
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
