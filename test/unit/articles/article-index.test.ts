import { describe, expect, it } from 'vitest';
import { articleIndexItems, firstSentenceWith, SNIPPET_CHARS } from '../../../shared/domain/article-index.ts';
import type { Article } from '../../../shared/domain/model.ts';

const id = 'b'.repeat(32);
const base: Article = {
  id,
  key: 'articles/2026-03-02-note.txt',
  title: 'Shipping firm named',
  source: 'Example Review',
  url: 'https://example.org/a',
  publishedAt: '2026-03-02',
  dateFrom: 'key',
  language: 'en',
  body: 'Officials in Beijing met on Monday. Acme Shipping denied it. Maria Lopez said so.',
  mentions: [
    { surface: 'China', key: 'country:CN', kind: 'country', country: 'CN', count: 1, listed: [] },
    { surface: 'Maria Lopez', key: 'person:maria lopez', kind: 'person', count: 2, listed: [] },
    {
      surface: 'Acme Shipping',
      key: 'organization:acme shipping',
      kind: 'organization',
      count: 3,
      listed: [{ list: 'un-sc', sourceId: 'KPe.1', name: 'ACME SHIPPING CO' }],
    },
  ],
};

describe('the items that list an article (issue 12.1)', () => {
  it('writes a row on the sharded listing of all articles and one per entity, country, list and listed', () => {
    // Prepare, Act
    const items = articleIndexItems(base);
    const byPk = Object.fromEntries(items.map((i) => [i.pk.replace(/#\d+$/, '#<s>'), i]));
    // Assess
    expect(Object.keys(byPk).sort()).toEqual([
      'REF#all#<s>',
      'REF#c:CN#<s>',
      'REF#l:un-sc:KPe.1',
      'REF#list:un-sc#<s>',
      'REF#listed#<s>',
      'REF#m:person:maria lopez',
    ]);
    expect(byPk['REF#all#<s>']).toMatchObject({ sk: `2026-03-02#${id}`, count: 6, title: 'Shipping firm named' });
    expect(items.find((i) => i.pk.startsWith('REF#all#'))!.pk).toMatch(/^REF#all#([0-9]|1[0-5])$/);
    expect(byPk['REF#l:un-sc:KPe.1']).toMatchObject({
      sk: `2026-03-02#${id}`,
      articleId: id,
      count: 3,
      snippet: 'Acme Shipping denied it.',
      source: 'Example Review',
      dateFrom: 'key',
    });
    expect(byPk['REF#m:person:maria lopez']).toMatchObject({ count: 2, snippet: 'Maria Lopez said so.' });
    expect(byPk['REF#listed#<s>']).toMatchObject({ count: 3 });
    expect(byPk['REF#list:un-sc#<s>']).toMatchObject({ count: 3 });
    // "China" stands for Beijing here: no sentence names it, so no snippet rather than a wrong one.
    expect(byPk['REF#c:CN#<s>']!.snippet).toBeUndefined();
  });

  it('sorts an undated article under 0000-00-00, and files one without listed entities under no listed row', () => {
    // Prepare
    const { publishedAt: _p, dateFrom: _d, ...rest } = base;
    const undated: Article = { ...rest, mentions: base.mentions.slice(0, 2) };
    // Act
    const items = articleIndexItems(undated);
    // Assess
    expect(items.every((i) => i.sk === `0000-00-00#${id}`)).toBe(true);
    expect(items.find((i) => i.pk.startsWith('REF#listed'))).toBeUndefined();
    expect(items.map((i) => i.pk.replace(/#\d+$/, ''))).toEqual(['REF#all', 'REF#c:CN', 'REF#m:person:maria lopez']);
    expect(items.every((i) => !('publishedAt' in i))).toBe(true);
  });

  it('is a function of the stored article: the same article always gives the same items', () => {
    // Prepare, Act, Assess
    expect(articleIndexItems(structuredClone(base))).toEqual(articleIndexItems(base));
  });
});

describe('snippets', () => {
  it('takes the first sentence naming it as a whole word, case folded', () => {
    // Prepare
    const text = 'Iranian ports were busy.\nIran said no. Later, IRAN said yes.';
    // Act, Assess
    expect(firstSentenceWith(text, ['Iran'])).toBe('Iran said no.');
    expect(firstSentenceWith(text, ['Oman'])).toBeUndefined();
    expect(firstSentenceWith(text, [''])).toBeUndefined();
  });

  it('cuts a long sentence to a window that keeps the name in view', () => {
    // Prepare
    const long = `${'word '.repeat(100)}Acme Shipping ${'more '.repeat(100)}end.`;
    const early = `Acme Shipping ${'more '.repeat(100)}end.`;
    // Act
    const s = firstSentenceWith(long, ['Acme Shipping'])!;
    const e = firstSentenceWith(early, ['Acme Shipping'])!;
    // Assess
    expect(s.length).toBeLessThanOrEqual(SNIPPET_CHARS);
    expect(s).toContain('Acme Shipping');
    expect(s.startsWith('…') && s.endsWith('…')).toBe(true);
    expect(e.startsWith('Acme Shipping')).toBe(true);
    expect(e.endsWith('…')).toBe(true);
    // The tail of a sentence: no ellipsis after its end.
    const tail = firstSentenceWith(`${'word '.repeat(100)}Acme Shipping end.`, ['Acme Shipping'])!;
    expect(tail.endsWith('end.')).toBe(true);
  });
});
