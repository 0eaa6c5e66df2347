import { describe, expect, it } from 'vitest';
import {
  addDays,
  changedFields,
  compareKeys,
  ENTITY_FIELDS,
  entityHash,
  judgeEntity,
  mergeJoin,
  newsWindows,
  normalForm,
} from '../../../shared/domain/list-delta.ts';

// Issue 11.3: the pure core of list deltas. Entities are compared in normal form (order of a file's aliases or
// addresses is no change) and versions are merge-joined in DynamoDB's key order.

const entity = (over: Record<string, unknown> = {}) => ({
  list: 'us-ofac-sdn',
  sourceId: '100',
  type: 'organization',
  name: 'NORTHWIND SHIPPING',
  aliases: ['NW SHIPPING', 'NORTHWIND LINES'],
  weakAliases: [],
  countries: [{ code: 'KP', roles: ['address', 'registration'] }],
  programs: ['DPRK'],
  identifiers: [{ type: 'IMO', value: '9000001' }],
  ...over,
});

async function* from<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}
const collect = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('entity hash and changed fields', () => {
  it('compares every field of the entity schema but its identity', () => {
    expect(ENTITY_FIELDS).toEqual(
      expect.arrayContaining(['type', 'name', 'aliases', 'countries', 'programs', 'listedOn', 'identifiers']),
    );
    expect(ENTITY_FIELDS).not.toContain('list');
    expect(ENTITY_FIELDS).not.toContain('sourceId');
  });

  it('does not depend on the order of arrays, roles or object keys, nor on keys and dates of the item', () => {
    // Prepare: the same entity as two part files in other orders would leave it, stored with keys and dates
    const a = entity();
    const b = {
      ...entity({
        aliases: ['NORTHWIND LINES', 'NW SHIPPING', 'NW SHIPPING'],
        countries: [{ roles: ['registration', 'address'], code: 'KP' }],
      }),
      pk: 'LE#x',
      sk: '100',
      hash: 'old',
      firstSeen: '2020-01-01',
    };
    // Act / Assess
    expect(entityHash(b)).toBe(entityHash(a));
    expect(changedFields(a, b)).toEqual([]);
  });

  it('names the fields that changed', () => {
    const after = entity({ aliases: ['NW SHIPPING'], programs: ['DPRK', 'DPRK3'], listedOn: '2024-05-01' });
    expect(changedFields(entity(), after)).toEqual(['aliases', 'programs', 'listedOn']);
    expect(entityHash(after)).not.toBe(entityHash(entity()));
  });

  it('treats absent, null and empty arrays alike, and keeps scalars apart by type', () => {
    expect(normalForm(undefined)).toBeUndefined();
    expect(normalForm(null)).toBeUndefined();
    expect(normalForm([])).toBeUndefined();
    expect(normalForm({ a: [] })).toBe('{}');
    expect(normalForm('1')).not.toBe(normalForm(1));
    expect(normalForm([{ b: 1, a: 2 }])).toBe(normalForm([{ a: 2, b: 1 }]));
  });
});

describe('judging an entity against its counterpart', () => {
  it('a new entity is an ADD, first seen and last changed on the day of the version', () => {
    const v = judgeEntity(undefined, entity(), '2026-03-01', '2020-01-01');
    expect(v).toMatchObject({ change: 'ADD', dates: { firstSeen: '2026-03-01', lastChanged: '2026-03-01' } });
  });

  it('an unchanged entity keeps its dates', () => {
    const before = { ...entity(), hash: entityHash(entity()), firstSeen: '2021-02-03', lastChanged: '2022-04-05' };
    const v = judgeEntity(before, entity(), '2026-03-01', '2020-01-01');
    expect(v).toEqual({
      change: undefined,
      hash: entityHash(entity()),
      dates: { firstSeen: '2021-02-03', lastChanged: '2022-04-05' },
    });
  });

  it('a changed entity is a MOD with its fields, first seen kept, last changed on the day', () => {
    const before = { ...entity(), firstSeen: '2021-02-03', lastChanged: '2022-04-05' };
    const v = judgeEntity(before, entity({ name: 'NORTHWIND SHIPPING CO' }), '2026-03-01', '2020-01-01');
    expect(v).toMatchObject({
      change: 'MOD',
      fields: ['name'],
      dates: { firstSeen: '2021-02-03', lastChanged: '2026-03-01' },
    });
  });

  it('an item of a version older than hashes and dates: hash computed, dates from the start of the list', () => {
    const v = judgeEntity(entity(), entity(), '2026-03-01', '2020-01-01');
    expect(v).toMatchObject({ change: undefined, dates: { firstSeen: '2020-01-01', lastChanged: '2020-01-01' } });
  });

  it('a stored hash of another definition with equal fields is no change', () => {
    const v = judgeEntity({ ...entity(), hash: 'from-elsewhere' }, entity(), '2026-03-01', '2020-01-01');
    expect(v.change).toBeUndefined();
  });
});

describe('merge-join of two sorted streams', () => {
  it('pairs equal keys and yields the others from their side, in key order', async () => {
    // Prepare: an old and a new shard, sorted
    const old = [{ k: 'a' }, { k: 'b' }, { k: 'd' }];
    const neu = [{ id: 'b' }, { id: 'c' }, { id: 'd' }, { id: 'e' }];
    // Act
    const rows = await collect(
      mergeJoin(
        from(old),
        from(neu),
        (o) => o.k,
        (n) => n.id,
      ),
    );
    // Assess
    expect(rows.map((r) => [r.key, Boolean(r.left), Boolean(r.right)])).toEqual([
      ['a', true, false],
      ['b', true, true],
      ['c', false, true],
      ['d', true, true],
      ['e', false, true],
    ]);
  });

  it('handles an empty side', async () => {
    const rows = await collect(
      mergeJoin(
        from<string>([]),
        from(['x', 'y']),
        (s) => s,
        (s) => s,
      ),
    );
    expect(rows).toEqual([
      { key: 'x', right: 'x' },
      { key: 'y', right: 'y' },
    ]);
    expect(
      await collect(
        mergeJoin(
          from(['x']),
          from<string>([]),
          (s) => s,
          (s) => s,
        ),
      ),
    ).toEqual([{ key: 'x', left: 'x' }]);
  });

  it('orders keys by UTF-8 bytes, as DynamoDB sorts them', () => {
    // U+FF21 (3 bytes in UTF-8) sorts before U+1F600 (4 bytes); UTF-16 code units say the opposite.
    expect(compareKeys('\uff21', '\u{1f600}')).toBeLessThan(0);
    expect('\uff21' < '\u{1f600}').toBe(false);
    expect(compareKeys('10', '9')).toBeLessThan(0);
    expect(compareKeys('a', 'a')).toBe(0);
  });
});

describe('news windows around a change', () => {
  it('30 days before the day, and the day with the 29 after', () => {
    expect(newsWindows('2026-03-01T10:00:00.000Z')).toEqual({
      before: { from: '2026-01-30', to: '2026-02-28' },
      after: { from: '2026-03-01', to: '2026-03-30' },
    });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});
