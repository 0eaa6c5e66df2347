import { describe, expect, it } from 'vitest';
import { changesTable } from '../../../bin/format.ts';
import { ChangeItem } from '../../../shared/query/changes.ts';

// `radar changes`: the API's items as an aligned table (uncoloured here: vitest's stdout is no terminal).

const change = (over: Partial<ChangeItem> = {}): ChangeItem =>
  ChangeItem.parse({
    list: 'us-ofac-sdn',
    version: 'v2',
    previousVersion: 'v1',
    changedAt: '2026-03-01T08:00:00.000Z',
    type: 'MOD',
    entityId: 'l:us-ofac-sdn:1003',
    sourceId: '1003',
    name: 'KESTREL, Ivan',
    entityType: 'person',
    countries: ['RU'],
    fields: ['programs', 'aliases'],
    firstSeen: '2026-01-10',
    lastChanged: '2026-03-01',
    articlesBefore: 2,
    articlesAfter: 5,
    ...over,
  });

describe('radar changes table', () => {
  it('prints one row per change with its fields, dates and news counts', () => {
    // Act
    const out = changesTable([
      change(),
      change({
        type: 'DEL',
        sourceId: '1002',
        entityId: 'l:us-ofac-sdn:1002',
        name: 'BLUE HERON TRADING',
        fields: undefined,
        countries: [],
        articlesBefore: 1000,
        articlesCapped: true,
      }),
    ]);
    // Assess
    const [header, mod, del] = out.split('\n');
    expect(header).toMatch(
      /^changed\s+list\s+change\s+entity\s+type\s+countries\s+fields\s+first seen\s+before\s+after/,
    );
    expect(mod).toMatch(
      /2026-03-01\s+us-ofac-sdn\s+MOD\s+KESTREL, Ivan \(l:us-ofac-sdn:1003\)\s+person\s+RU\s+programs,aliases\s+2026-01-10\s+2\s+5/,
    );
    expect(del).toMatch(/DEL\s+BLUE HERON TRADING .*\s+-\s+-\s+2026-01-10\s+1000\+\s+5$/);
  });
});
