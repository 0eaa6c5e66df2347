import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../../shared/domain/extract.ts';
import { linkEntities } from '../../../shared/domain/link.ts';
import { buildNameIndex, type IndexedEntity, NameMatcher } from '../../../shared/domain/name-index.ts';
import {
  changedNameKeys,
  chunkNameKeys,
  EVERY_ARTICLE,
  linkedText,
  nameKeyOfForm,
  nameKeySignature,
  postingKeysOfArticles,
  postingKeysOfText,
} from '../../../shared/domain/name-postings.ts';

// Issue 17.4: an article is posted under the pairs of words the linker can match at, and a change of the name index
// is the set of pairs whose forms or entities changed. The claim to prove: an article under no changed pair links
// exactly alike under both indexes.

const entity = (sourceId: string, name: string, type = 'organization', aliases: string[] = []) => ({
  list: 'un-sc',
  sourceId,
  name,
  type,
  countries: ['KP'],
  aliases,
});

describe('postingKeysOfText', () => {
  it('posts a capitalised word followed by a capitalised word or a connector, as the matcher reads them', () => {
    // Prepare
    const text = 'The Korea Mining Development said Bank of China and the deal with Rosneft’s unit in 2025 Moscow.';
    // Act
    const keys = postingKeysOfText(text).sort();
    // Assess: "said Bank" (lower first), "deal with" and "Rosneft's unit" (lower second, no connector) are not keys
    expect(keys).toEqual(['2025 moscow', 'bank of', 'china and', 'korea mining', 'mining development', 'the korea']);
  });

  it('folds as the matcher does (diacritics, Cyrillic), and cuts very long keys by code point', () => {
    expect(postingKeysOfText('Ёлка Šipka Ltd')).toEqual(['elka sipka', 'sipka ltd']);
    // A word that folds to nothing (a lone hard sign) is no word to the matcher: the pair is read across it.
    expect(postingKeysOfText('Korea Ъ Mining')).toEqual(['korea mining']);
    const long = `${'A'.repeat(150)} ${'B'.repeat(100)}𝐀`;
    const [key] = postingKeysOfText(long);
    expect(Array.from(key!)).toHaveLength(200);
    expect(key).toBe(`${'a'.repeat(150)} ${'b'.repeat(49)}`);
  });

  it('an object is posted under the keys of all its articles, titles included', () => {
    expect(
      postingKeysOfArticles([
        { title: 'Iyad Ag Ghali', body: 'nothing here' },
        { body: 'Seen: Korea Mining.' },
        { title: undefined, body: 'Korea Mining again' },
      ]),
    ).toEqual(['ag ghali', 'iyad ag', 'korea mining', 'seen korea']);
    expect(linkedText({ title: 'T', body: 'b' })).toBe('T\n\nb');
    expect(linkedText({ body: 'b' })).toBe('b');
  });
});

describe('name-key signatures', () => {
  it('a changed entity, an added and a removed name change exactly their keys', () => {
    // Prepare
    const before = buildNameIndex([
      entity('1', 'Korea Mining Development Trading Corporation'),
      entity('2', 'Green Pine Associated Corporation'),
      entity('3', 'GHALI, Iyad Ag', 'person'),
    ]);
    const after = buildNameIndex([
      { ...entity('1', 'Korea Mining Development Trading Corporation'), countries: ['KP', 'CN'] },
      entity('3', 'GHALI, Iyad Ag', 'person'),
      entity('4', 'Amroggang Development Bank'),
    ]);
    // Act
    const changed = changedNameKeys(nameKeySignature(before), nameKeySignature(after));
    // Assess
    expect(changed).toEqual(['amroggang development', 'green pine', 'korea mining']);
    expect(changedNameKeys(nameKeySignature(after), nameKeySignature(after))).toEqual([]);
  });

  it('a form of one word (never built by buildNameIndex) stands for every article', () => {
    expect(nameKeyOfForm('komid')).toBe(EVERY_ARTICLE);
    expect(nameKeyOfForm('korea mining development')).toBe('korea mining');
    const sig = nameKeySignature({ entities: [entity('1', 'KOMID')], forms: { komid: [0] } });
    expect(Object.keys(sig)).toEqual([EVERY_ARTICLE]);
  });

  it('one-word and hyphenated list names make two-word forms: a change to them stays proportional', () => {
    // Prepare: a one-word name, hyphenated names ("AERO-CARIBBEAN", "AL-QAIDA") and a hyphenated alias
    const index = buildNameIndex([
      entity('1', 'KOMID'),
      entity('2', 'AL-QAIDA', 'organization', ['AERO-CARIBBEAN']),
      entity('3', 'HAN, Jang Su', 'person', ['Chang-Su Han']),
    ]);
    // Act
    const sig = nameKeySignature(index);
    // Assess: no form of one word (KOMID alone is not matchable), so no key stands for every article; and the
    // article side posts the hyphenated names under the very keys their forms are found under
    expect(Object.keys(index.forms).every((f) => f.split(' ').length >= 2)).toBe(true);
    expect(Object.keys(sig)).not.toContain(EVERY_ARTICLE);
    expect(Object.keys(sig)).toEqual(expect.arrayContaining(['al qaida', 'aero caribbean', 'chang su']));
    expect(postingKeysOfText('Al-Qaida and Aero-Caribbean met Chang-Su Han.')).toEqual(
      expect.arrayContaining(['al qaida', 'aero caribbean', 'chang su']),
    );
  });

  it('chunks keep every key, in order, under the size asked', () => {
    const keys = Array.from({ length: 50 }, (_, i) => `word${i} other${i}`);
    const chunks = chunkNameKeys(keys, 100);
    expect(chunks.flat()).toEqual(keys);
    for (const c of chunks) expect(c.join('').length + c.length * 4).toBeLessThanOrEqual(100);
    expect(chunkNameKeys([])).toEqual([]);
  });
});

// Words that make names, connectors that may stand inside them, and words that break them.
const CAPS = [
  'Korea',
  'Mining',
  'Trading',
  'Rosneft',
  'Oil',
  'Ivan',
  'Petrov',
  'Bank',
  'Green',
  'Pine',
  'Al',
  'Company',
];
const CONNECT = ['of', 'al', 'the', 'and'];
const LOWER = ['said', 'deal', 'with', 'unit', 'today'];
const PUNCT = ['.', ',', '(KOMID)', 'LLC'];
const WORDS = [...CAPS, ...CONNECT, ...LOWER, ...PUNCT];

const nameArb = fc
  .array(fc.constantFrom(...CAPS, 'of', 'al', 'LLC'), { minLength: 2, maxLength: 4 })
  .map((w) => w.join(' '));
const entityArb = fc.record({
  name: nameArb,
  type: fc.constantFrom('person', 'organization', 'vessel'),
  countries: fc.subarray(['KP', 'RU', 'IR']),
  aliases: fc.array(nameArb, { maxLength: 1 }),
});
/** A list change: the entities kept, some changed (country, type), some added. */
const indexesArb = fc
  .tuple(fc.array(entityArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(3), { minLength: 8, maxLength: 8 }))
  .chain(([base, ops]) =>
    fc.array(entityArb, { maxLength: 3 }).map((added) => {
      const before: (IndexedEntity & { aliases?: string[] })[] = base.map((e, i) => ({
        list: 'un-sc',
        sourceId: String(i),
        ...e,
      }));
      const after = before.flatMap((e, i) => {
        const op = ops[i % ops.length]!;
        if (op === 0) return []; // removed
        if (op === 1) return [{ ...e, countries: [...e.countries, 'SY'] }]; // changed
        return [e];
      });
      after.push(...added.map((e, i) => ({ list: 'un-sc', sourceId: `new-${i}`, ...e })));
      return { before, after };
    }),
  );
/** Texts of loose words and of the lists' own names (as written, or in natural order for persons). */
const textsArb = (names: string[]) =>
  fc.array(
    fc
      .array(fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...names)), { minLength: 1, maxLength: 30 })
      .map((w) => w.join(' ')),
    { minLength: 1, maxLength: 6 },
  );
const withTexts = indexesArb.chain((ix) =>
  textsArb([...ix.before, ...ix.after].flatMap((e) => [e.name, ...(e.aliases ?? [])])).map((texts) => ({
    ...ix,
    texts,
  })),
);

describe('the claim: an article under no changed key links alike under both indexes', () => {
  it('random lists, random changes, random texts (find and linkEntities compared)', () => {
    let differing = 0;
    fc.assert(
      fc.property(withTexts, ({ before, after, texts }) => {
        // Prepare
        const a = buildNameIndex(before);
        const b = buildNameIndex(after);
        const changed = new Set(changedNameKeys(nameKeySignature(a), nameKeySignature(b)));
        const [ma, mb] = [new NameMatcher(a), new NameMatcher(b)];
        for (const text of texts) {
          // Act
          const found = extractEntities(text);
          const la = JSON.stringify([ma.find(text), linkEntities(text, found, ma)]);
          const lb = JSON.stringify([mb.find(text), linkEntities(text, found, mb)]);
          const posted = postingKeysOfText(text).some((k) => changed.has(k));
          // Assess
          if (la !== lb) {
            differing++;
            expect(posted, text).toBe(true);
          }
        }
      }),
      { numRuns: 400, seed: 20261201 },
    );
    // Not vacuous: the changes did change links of some texts.
    expect(differing).toBeGreaterThan(100);
  });
});
