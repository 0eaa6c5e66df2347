import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countryCodeOf, countryCodesIn, findPlaceMentions } from '../../shared/domain/countries.ts';
import { buildNameIndex, NameMatcher } from '../../shared/domain/name-index.ts';
import { nameTokens, nameVariants, stripLegalForms } from '../../shared/domain/names.ts';
import { MB, SEED, settledHeap, timed } from './fuzz-helpers.ts';

/** Pieces that steer random text into the normalisers' interesting paths: real names, codes, hedges, separators. */
const PLACE_WORDS = [
  'Korea, North',
  'Korea, South',
  'Iran (Islamic Republic of)',
  'Congo, Democratic Republic of the',
  'Bosnia and Herzegovina',
  'Türkiye',
  'Côte d’Ivoire',
  'Region: Crimea',
  'Russian',
  'Russian Federation',
  'Burma',
  'UK',
  'EU',
  'US',
  'USA',
  'PRC',
  'Washington',
  'Beijing',
  'the Kremlin',
  'Georgia',
  'Jordan',
  'Chad',
  'Guinea-Bissau',
  'Niger',
  'Nigeria',
  'NATO',
  'G7',
  'possibly',
  'or',
  'and',
  '(1)',
  '(2)',
  ';',
  '/',
  '|',
  ',',
  '\n',
  '&',
  'Sudan/or South Sudan',
  'Palestinian',
  'São Tomé',
];
const NAME_WORDS = [
  'PJSC',
  'OOO',
  'LLC',
  'Ltd.',
  'Co.,',
  'al-',
  'bin',
  'O’Neil',
  "D'Arcy",
  'Ωmega',
  'Щукин',
  'ГАЗПРОМ',
  'Müller',
  'ß',
  'İstanbul',
  'ǅ',
  'ﬁ',
  '①',
  '\u0301',
  ',',
  ' ',
  '-',
  '.',
];

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 300 }),
  fc
    .array(fc.oneof(fc.constantFrom(...PLACE_WORDS), fc.string({ maxLength: 6 })), { maxLength: 30 })
    .map((w) => w.join(' ')),
);
const nameText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 120 }),
  fc
    .array(fc.oneof(fc.constantFrom(...NAME_WORDS), fc.string({ maxLength: 6 })), { maxLength: 12 })
    .map((w) => w.join(' ')),
);

const BOUND_MS = 1000;
const RUNS = 300;

describe('fuzzing the country normalisers', () => {
  it('countryCodeOf: an ISO alpha-2 code or nothing, bounded, deterministic', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const code = timed('countryCodeOf', () => countryCodeOf(text), BOUND_MS);
        if (code !== undefined) expect(code).toMatch(/^[A-Z]{2}$/);
        expect(countryCodeOf(text)).toBe(code);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('countryCodesIn: distinct alpha-2 codes, bounded, deterministic, and a single resolvable value resolves to itself', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const codes = timed('countryCodesIn', () => countryCodesIn(text), BOUND_MS);
        for (const c of codes) expect(c).toMatch(/^[A-Z]{2}$/);
        expect(new Set(codes).size).toBe(codes.length);
        expect(countryCodesIn(text)).toEqual(codes);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('findPlaceMentions: spans point at their surface, in order, bounded, deterministic', () => {
    const heapBefore = settledHeap();
    fc.assert(
      fc.property(anyText, (text) => {
        const found = timed('findPlaceMentions', () => findPlaceMentions(text), BOUND_MS);
        for (const m of found) {
          expect(text.slice(m.start, m.end)).toBe(m.surface);
          expect(m.start).toBeLessThan(m.end);
          if (m.kind === 'country') expect(m.code).toMatch(/^[A-Z]{2}$/);
        }
        expect(findPlaceMentions(text)).toEqual(found);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(settledHeap() - heapBefore).toBeLessThan(32 * MB);
  });
});

describe('fuzzing the name normalisers', () => {
  it('nameTokens: lower-case Latin tokens, idempotent, bounded', () => {
    fc.assert(
      fc.property(nameText, (name) => {
        const tokens = timed('nameTokens', () => nameTokens(name), BOUND_MS);
        for (const t of tokens) expect(t).toMatch(/^[a-z0-9]+$/);
        // Normalising a normal form changes nothing: what the index stores is what a lookup computes.
        expect(nameTokens(tokens.join(' '))).toEqual(tokens);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('stripLegalForms: a contiguous, non-empty part of the tokens', () => {
    fc.assert(
      fc.property(nameText, (name) => {
        const tokens = nameTokens(name);
        const kept = stripLegalForms(tokens);
        if (tokens.length) expect(kept.length).toBeGreaterThan(0);
        expect(tokens.join(' ')).toContain(kept.join(' '));
        expect(tokens).toEqual(nameTokens(name)); // the input array is not modified
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('nameVariants: normalised, distinct, deterministic forms', () => {
    fc.assert(
      fc.property(nameText, fc.constantFrom('person', 'organization', 'vessel', 'other'), (name, type) => {
        const forms = timed('nameVariants', () => nameVariants(name, type), BOUND_MS);
        expect(new Set(forms).size).toBe(forms.length);
        for (const f of forms) expect(f).toMatch(/^[a-z0-9]+(?: [a-z0-9]+)*$/);
        expect(nameVariants(name, type)).toEqual(forms);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('NameMatcher.find: matches point at their text, do not overlap, carry entities; bounded and deterministic', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(nameText, { minLength: 1, maxLength: 20 }),
        fc.array(fc.oneof(fc.nat(19), anyText), { maxLength: 40 }),
        (names, parts) => {
          // Prepare: an index of random names; a text that quotes some of them among random text.
          const matcher = new NameMatcher(
            buildNameIndex(
              names.map((name, i) => ({
                list: 'fuzz',
                sourceId: String(i),
                name,
                type: i % 2 ? 'person' : 'organization',
                countries: [],
              })),
            ),
          );
          const text = parts.map((p) => (typeof p === 'number' ? (names[p % names.length] ?? '') : p)).join(' ');
          // Act
          const found = timed('NameMatcher.find', () => matcher.find(text), BOUND_MS);
          // Assess
          let last = 0;
          for (const m of found) {
            expect(text.slice(m.start, m.end)).toBe(m.text);
            expect(m.start).toBeGreaterThanOrEqual(last);
            expect(m.end).toBeGreaterThan(m.start);
            expect(m.entities.length).toBeGreaterThan(0);
            last = m.end;
          }
          expect(matcher.find(text)).toEqual(found);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('NameMatcher.find finds a listed name quoted as listed in a sentence (so the property above is not vacuous)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Korvalis', 'Draven', 'Shipping', 'Ilya', 'Ostrova', 'Marine'), {
          minLength: 2,
          maxLength: 4,
        }),
        (words) => {
          // Prepare
          const name = words.join(' ');
          const matcher = new NameMatcher(
            buildNameIndex([{ list: 'fuzz', sourceId: '1', name, type: 'organization', countries: [] }]),
          );
          // Act
          const found = matcher.find(`Officials said ${name} was named on Monday.`);
          // Assess: a matchable name is found where it stands.
          if (found.length) expect(found[0]!.text).toBe(name);
          else
            expect(
              buildNameIndex([{ list: 'fuzz', sourceId: '1', name, type: 'organization', countries: [] }]).forms,
            ).toEqual({});
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });
});
