import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../bin/extract-file.ts';
import { evaluateConllFull } from '../../../scripts/eval-ner.ts';
import { extractEntities, findEntitySpans, type ExtractedEntity } from '../../../shared/domain/extract.ts';
import { hasSharedData, sharedData } from '../../helpers/shared-data.ts';

const byKey = (es: ExtractedEntity[]) => new Map(es.map((e) => [e.key, e]));
const spansOf = (text: string) => findEntitySpans(text).map((s) => [s.text, s.kind]);

describe('findEntitySpans: titles and names', () => {
  it('leaves titles out of names, capitalised or not', () => {
    // Prepare
    const text =
      'Treasury Secretary Janet Yellen met Deputy Secretary of State Kurt Campbell. US secretary of state Antony Blinken ' +
      'spoke to Chinese President Xi Jinping and Vice Premier He Lifeng.';
    // Act
    const spans = spansOf(text);
    // Assess
    expect(spans).toContainEqual(['Janet Yellen', 'person']);
    expect(spans).toContainEqual(['Kurt Campbell', 'person']);
    expect(spans).toContainEqual(['Antony Blinken', 'person']);
    expect(spans).toContainEqual(['Xi Jinping', 'person']);
    expect(spans).toContainEqual(['He Lifeng', 'person']);
    expect(spans.filter(([, k]) => k === 'person').some(([t]) => /secretary|president|premier|state/i.test(t!))).toBe(
      false,
    );
  });

  it('keeps "Mr." and "Lord" out of the name', () => {
    // Prepare / Act
    const spans = spansOf('A lawyer for Mr. Osmanov said Lord Ahmad had been told.');
    // Assess
    expect(spans).toEqual([
      ['Osmanov', 'person'],
      ['Ahmad', 'person'],
    ]);
  });

  it('drops sentence-initial function words and common words, and page noise', () => {
    // Prepare
    const text =
      'Share.\nStay informed with free updates\nThe Treasury said shipping had slowed. Shipping insurers in Rotterdam agreed.';
    // Act
    const spans = spansOf(text);
    // Assess
    expect(spans).toEqual([
      ['Treasury', 'organization'],
      ['Rotterdam', 'location'],
    ]);
  });

  it('splits the possessive off a name', () => {
    // Prepare / Act
    const spans = findEntitySpans("Those who bankroll Putin's war met at Sberbank’s offices.");
    // Assess
    expect(spans.map((s) => [s.text, s.kind])).toEqual([
      ['Putin', 'person'],
      ['Sberbank', 'organization'],
    ]);
  });
});

describe('findEntitySpans: organisations and places', () => {
  it('reads legal suffixes as the end of an organisation', () => {
    // Prepare
    const text =
      'The firms were Spetstekhimport LLC and Baltiyskaya Logistika OOO, and Gulf Meridian General Trading FZE of Dubai.';
    // Act
    const spans = spansOf(text);
    // Assess
    expect(spans).toEqual([
      ['Spetstekhimport LLC', 'organization'],
      ['Baltiyskaya Logistika OOO', 'organization'],
      ['Gulf Meridian General Trading FZE', 'organization'],
      ['Dubai', 'location'],
    ]);
  });

  it('takes "Bank of China" as a bank, not as China; "China" alone is the country', () => {
    // Prepare / Act
    const spans = findEntitySpans(
      'Payments went through Bank of China and the Industrial and Commercial Bank of China, not China itself.',
    );
    // Assess
    expect(spans.map((s) => [s.text, s.kind, s.country])).toEqual([
      ['Bank of China', 'organization', undefined],
      ['Industrial and Commercial Bank of China', 'organization', undefined],
      ['China', 'country', 'CN'],
    ]);
  });

  it('does not join a country and an organisation across "and"; a place named with "and" stays one', () => {
    // Prepare / Act
    const spans = spansOf(
      'Canada and the European Union announced measures. Trinidad and Tobago and Bosnia and Herzegovina signed.',
    );
    // Assess
    expect(spans).toEqual([
      ['Canada', 'country'],
      ['European Union', 'bloc'],
      ['Trinidad and Tobago', 'country'],
      ['Bosnia and Herzegovina', 'country'],
    ]);
  });

  it('keeps a hyphenated given name whole, and cuts the lower-case tail of "Moscow-based"', () => {
    // Prepare / Act
    const spans = spansOf('Lee Seo-yeon said Kim Jong-un met a Moscow-based trader and a Beijing-run fund.');
    // Assess
    expect(spans).toEqual([
      ['Lee Seo-yeon', 'person'],
      ['Kim Jong-un', 'person'],
      ['Moscow', 'country'],
      ['Beijing', 'country'],
    ]);
  });

  it('splits a country abbreviation off the organisation it qualifies', () => {
    // Prepare / Act
    const spans = spansOf('The U.S. Treasury Department on Wednesday named them.');
    // Assess
    expect(spans).toEqual([
      ['U.S.', 'country'],
      ['Treasury Department', 'organization'],
    ]);
  });

  it('gives places their country and marks demonyms', () => {
    // Prepare / Act
    const spans = findEntitySpans(
      'Chinese refiners in Shandong bought oil loaded in Crimea and near the Strait of Hormuz.',
    );
    // Assess
    expect(spans.map((s) => [s.text, s.kind, s.country, s.via])).toEqual([
      ['Chinese', 'country', 'CN', 'demonym'],
      ['Shandong', 'location', 'CN', undefined],
      ['Crimea', 'location', 'UA', undefined],
      ['Strait of Hormuz', 'location', undefined, undefined],
    ]);
  });

  it('does not read a title-case headline as an organisation', () => {
    // Prepare / Act
    const spans = findEntitySpans(
      'South Korea Holds Freighter Over Illicit Fuel Transfers\n\nSEOUL — Officials said so.',
    );
    // Assess
    expect(spans.map((s) => [s.text, s.country])).toEqual([
      ['South Korea', 'KR'],
      ['SEOUL', 'KR'],
    ]);
  });
});

describe('extractEntities: grouping', () => {
  it('merges a surname with the full name, before or after it, and counts every mention', () => {
    // Prepare
    const text =
      'Blinken will travel on Monday. Secretary of State Antony Blinken said so, and Blinken’s aides agreed.';
    // Act
    const e = byKey(extractEntities(text)).get('person:antony blinken');
    // Assess
    expect(e).toMatchObject({ name: 'Antony Blinken', kind: 'person', count: 3 });
    expect(e?.surfaces.sort()).toEqual(['Antony Blinken', 'Blinken']);
  });

  it('does not guess between two people with the same surname', () => {
    // Prepare
    const text = 'Maher al-Assad and Samer Kamal al-Assad were named. Assad did not comment.';
    // Act
    const keys = extractEntities(text).map((e) => e.key);
    // Assess
    expect(keys).toContain('person:maher al-assad');
    expect(keys).toContain('person:samer kamal al-assad');
    expect(keys).not.toContain('person:bashar al-assad');
  });

  it('names a country by itself, not by its first surface, and leaves demonyms out of its surfaces', () => {
    // Prepare
    const text = 'Chinese refiners bought more. The PRC denied it; China said nothing, and Beijing waited.';
    // Act
    const cn = byKey(extractEntities(text)).get('country:CN');
    // Assess
    expect(cn).toMatchObject({ name: 'China', kind: 'country', count: 4 });
    expect(cn?.surfaces.sort()).toEqual(['Beijing', 'China', 'PRC']);
  });

  it('gives radar extract every surface of an entity', () => {
    // Prepare
    const bytes = new TextEncoder().encode(
      'Secretary of State Antony Blinken met Chinese officials. Blinken said China must stop.',
    );
    // Act
    const view = extractFile('article.txt', bytes);
    // Assess
    expect(view.find((e) => e.name === 'Antony Blinken')?.surfaces.sort()).toEqual(['Antony Blinken', 'Blinken']);
    expect(view.find((e) => e.country === 'CN' && e.kind === 'country')).toMatchObject({
      name: 'China',
      count: 2,
      surfaces: ['China'],
    });
  });

  it('keys countries by code whatever named them, and never guesses a person’s country', () => {
    // Prepare
    const text = 'China and Chinese banks face pressure; Xi Jinping met Russian officials.';
    // Act
    const m = byKey(extractEntities(text));
    // Assess
    expect(m.get('country:CN')).toMatchObject({ count: 2, country: 'CN' });
    expect(m.get('person:xi jinping')?.country).toBeUndefined();
  });
});

describe.skipIf(!hasSharedData)('the seed article (../shared/data/articles)', () => {
  const text = hasSharedData ? readFileSync(sharedData('articles/000_0c3ebc7fd213a9e4.txt'), 'utf8') : '';

  it('finds its people, once each, with surname mentions counted', () => {
    // Prepare / Act
    const m = byKey(extractEntities(text));
    // Assess
    expect(m.get('person:antony blinken')?.count).toBeGreaterThanOrEqual(4);
    expect(m.get('person:antony blinken')?.surfaces).toContain('Blinken');
    for (const p of ['kurt campbell', 'xi jinping', 'wang yi', 'janet yellen', 'joe biden'])
      expect(m.has(`person:${p}`), p).toBe(true);
    expect(m.get('location:shanghai')?.country).toBe('CN');
    expect(m.get('location:capri')?.country).toBe('IT');
  });

  it('puts no title in a name and takes no noise word for an entity', () => {
    // Prepare / Act
    const es = extractEntities(text);
    // Assess
    expect(es.some((e) => /secretary|state antony/i.test(e.name))).toBe(false);
    const names = new Set(es.flatMap((e) => e.surfaces.map((s) => s.toLowerCase())));
    for (const noise of ['share', 'stay', 'read', 'exit', 'one', 'four']) expect(names.has(noise), noise).toBe(false);
  });
});

describe('gold set (test/fixtures/ner/gold.conll)', () => {
  it('keeps mention- and document-level F1 at their measured levels (a regression guard)', () => {
    // Prepare
    const gold = readFileSync(new URL('../../fixtures/ner/gold.conll', import.meta.url), 'utf8');
    // Act
    const { mentions, documents } = evaluateConllFull(gold);
    // Assess: the rules alone measured mention F1 0.9687 and document F1 0.9767 here; the tagger with the rules
    // measured 0.9689 and 0.9783 (PER 0.981, ORG 0.954, LOC 0.991) when written.
    expect(mentions.overall.gold).toBe(534);
    expect(mentions.overall.f1).toBeGreaterThanOrEqual(0.965);
    expect(documents.overall.f1).toBeGreaterThanOrEqual(0.975);
    for (const t of documents.byType) expect(t.f1, t.type).toBeGreaterThanOrEqual(0.94);
  });
});

describe.skipIf(!hasSharedData)('CoNLL-2003 development split (../shared/data/ner, never trained on)', () => {
  it('reaches the issue-10 goals: document-level F1 ≥ 0.88, every type ≥ 0.80', () => {
    // Prepare
    const dev = readFileSync(sharedData('ner/conll2003-en/valid.txt'), 'utf8');
    // Act
    const { documents, mentions } = evaluateConllFull(dev);
    // Assess: measured document F1 0.911 (PER 0.934, ORG 0.861, LOC 0.929), mention F1 0.869 when written.
    expect(documents.overall.f1).toBeGreaterThanOrEqual(0.88);
    for (const t of documents.byType) expect(t.f1, t.type).toBeGreaterThanOrEqual(0.8);
    expect(mentions.overall.f1).toBeGreaterThanOrEqual(0.85);
  });
});
