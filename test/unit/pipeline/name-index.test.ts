import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildNameIndex, NameMatcher } from '../../../shared/domain/name-index.ts';
import { isMatchable, nameTokens, nameVariants, stripLegalForms } from '../../../shared/domain/names.ts';

const entities = [
  {
    list: 'us-ofac-sdn',
    sourceId: '1',
    name: 'PUTIN, Vladimir Vladimirovich',
    type: 'person',
    countries: ['RU'],
    aliases: [],
  },
  {
    list: 'un-sc',
    sourceId: '2',
    name: 'KOREA MINING DEVELOPMENT TRADING CORPORATION',
    type: 'organization',
    countries: ['KP'],
    aliases: ['KOMID'],
  },
  {
    list: 'us-ofac-sdn',
    sourceId: '3',
    name: 'PJSC Rosneft Oil Company',
    type: 'organization',
    countries: ['RU'],
    aliases: ['Rosneft'],
  },
  {
    list: 'eu-fsf',
    sourceId: '4',
    name: 'Bank Melli Iran',
    type: 'organization',
    countries: ['IR'],
    aliases: ['Bank'],
  },
  {
    list: 'us-ofac-sdn',
    sourceId: '5',
    name: 'ЛАВРОВ Сергей',
    type: 'person',
    countries: ['RU'],
    aliases: ['Sergey Lavrov'],
  },
];

describe('name normalisation', () => {
  it('folds case, diacritics and Cyrillic, and strips legal forms at either end', () => {
    expect(nameTokens('Müller-Lüdenscheidt O’Neil')).toEqual(['muller', 'ludenscheidt', 'oneil']);
    expect(nameTokens('Сергей Лавров')).toEqual(['sergey', 'lavrov']);
    expect(stripLegalForms(nameTokens('PJSC Rosneft Oil Company'))).toEqual(['rosneft', 'oil']);
    expect(stripLegalForms(nameTokens('Gazprom Neft OOO'))).toEqual(['gazprom', 'neft']);
  });

  it('turns LAST, First into natural order too', () => {
    expect(nameVariants('PUTIN, Vladimir Vladimirovich', 'person')).toEqual(
      expect.arrayContaining(['putin vladimir vladimirovich', 'vladimir vladimirovich putin', 'vladimir putin']),
    );
  });

  it('never matches a single or generic word', () => {
    expect(isMatchable('bank')).toBe(false);
    expect(isMatchable('rosneft')).toBe(false);
    expect(isMatchable('bank group')).toBe(false);
    expect(isMatchable('bank melli iran')).toBe(true);
  });
});

describe('NameMatcher', () => {
  const matcher = new NameMatcher(buildNameIndex(entities));

  it('finds listed names in running text, longest first, with offsets', () => {
    // Prepare
    const text =
      'Vladimir Putin met executives of Rosneft Oil Company and of Bank Melli Iran; Sergey Lavrov said nothing.';
    // Act
    const found = matcher.find(text);
    // Assess
    expect(found.map((f) => [f.text, f.entities.map((e) => e.sourceId)])).toEqual([
      ['Vladimir Putin', ['1']],
      ['Rosneft Oil Company', ['3']],
      ['Bank Melli Iran', ['4']],
      ['Sergey Lavrov', ['5']],
    ]);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.text);
  });

  it('ignores lower-case phrases, single words and generic aliases', () => {
    expect(matcher.find('the bank melli iran branch; Rosneft said; a Bank said; KOMID denied it')).toEqual([]);
  });
});

describe('NameMatcher, built a branch at a time', () => {
  // A small vocabulary, so that forms share first words and prefixes and texts hold many overlapping names
  const WORDS = ['Amber', 'Birch', 'Cedar', 'Delta', 'Ember', 'Fjord'];
  const formArb = fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 4 }).map((w) => w.join(' '));
  const textArb = fc
    .array(fc.constantFrom(...WORDS, 'and', 'the'), { minLength: 1, maxLength: 30 })
    .map((w) => w.join(' '));

  /** Leftmost-longest by brute force: at each word, the longest run of words that is a listed form. */
  function reference(forms: Set<string>, text: string): string[] {
    const words = text.toLowerCase().split(' ');
    const out: string[] = [];
    for (let i = 0; i < words.length; ) {
      let best = 0;
      for (let l = 1; i + l <= words.length; l++) if (forms.has(words.slice(i, i + l).join(' '))) best = l;
      // Every form is of capitalised words only, so every run found looks like a name
      if (best) out.push(words.slice(i, i + best).join(' '));
      i += best || 1;
    }
    return out;
  }

  it('finds what a whole trie finds (leftmost-longest), whatever order the texts come in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(formArb, { minLength: 1, maxLength: 40 }),
        fc.array(textArb, { minLength: 1, maxLength: 6 }),
        (names, texts) => {
          // Prepare
          const index = buildNameIndex(
            names.map((name, i) => ({ list: 'un-sc', sourceId: String(i), name, type: 'organization', countries: [] })),
          );
          const forms = new Set(Object.keys(index.forms));

          // Act: one matcher sees the texts in order, a fresh one in reverse
          const forward = new NameMatcher(index);
          const backward = new NameMatcher(index);
          const a = texts.map((t) => forward.find(t).map((m) => m.form));
          const b = [...texts]
            .reverse()
            .map((t) => backward.find(t).map((m) => m.form))
            .reverse();

          // Assess
          expect(a).toEqual(b);
          expect(a).toEqual(texts.map((t) => reference(forms, t)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
