import { describe, expect, it } from 'vitest';
import { addArticle, chunk, diffContributions, type Contribution } from '../../../shared/domain/contribution.ts';

describe('diffContributions', () => {
  it('moves the old contribution out and the new one in', () => {
    // Prepare
    const old: Contribution = {
      'country|CN': { articles: 1, mentions: 3 },
      'country|RU': { articles: 1, mentions: 1 },
    };
    const next: Contribution = {
      'country|CN': { articles: 1, mentions: 5 },
      'country|US': { articles: 1, mentions: 2 },
    };
    // Act
    const d = diffContributions(old, next);
    // Assess
    expect(d).toEqual([
      { cell: 'country|CN', articles: 0, mentions: 2 },
      { cell: 'country|RU', articles: -1, mentions: -1 },
      { cell: 'country|US', articles: 1, mentions: 2 },
    ]);
  });

  it('is empty for the same contribution (a duplicate event changes nothing)', () => {
    const c: Contribution = { 'country|CN': { articles: 2, mentions: 4 } };
    expect(diffContributions(c, structuredClone(c))).toEqual([]);
  });

  it('applied in any order, deltas sum to the last state', () => {
    const states: Contribution[] = [
      {},
      { 'a|x': { articles: 1, mentions: 2 } },
      { 'a|y': { articles: 1, mentions: 1 } },
      {},
    ];
    const totals = new Map<string, number>();
    for (let i = 1; i < states.length; i++)
      for (const d of diffContributions(states[i - 1]!, states[i]!))
        totals.set(d.cell, (totals.get(d.cell) ?? 0) + d.mentions);
    expect([...totals.values()].every((v) => v === 0)).toBe(true);
  });
});

describe('addArticle', () => {
  it('counts an article once per cell and sums mentions', () => {
    const c: Contribution = {};
    addArticle(
      c,
      new Map([
        ['country|CN', 3],
        ['country|US', 1],
      ]),
    );
    addArticle(
      c,
      new Map([
        ['country|CN', 2],
        ['country|FR', 0],
      ]),
    );
    expect(c).toEqual({ 'country|CN': { articles: 2, mentions: 5 }, 'country|US': { articles: 1, mentions: 1 } });
  });
});

describe('chunk', () => {
  it('splits into fixed-size pieces', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });
});
