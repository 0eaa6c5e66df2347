import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunksOf, evaluateConll, parseConll, scoreTags } from '../../../scripts/eval-ner.ts';
import type { EntitySpan } from '../../../shared/domain/extract.ts';

const tiny = readFileSync(new URL('../../fixtures/ner/tiny.conll', import.meta.url), 'utf8');

describe('eval-ner scorer', () => {
  it('reads only columns 1 and 4, by document and sentence', () => {
    // Prepare / Act
    const docs = parseConll(tiny);
    // Assess
    expect(docs).toHaveLength(1);
    expect(docs[0]!.sentences.map((s) => s.tokens.length)).toEqual([7, 6]);
    expect(docs[0]!.sentences[0]!.tags.slice(0, 2)).toEqual(['B-PER', 'I-PER']);
  });

  it('finds the same chunks in IOB1 and IOB2', () => {
    // Prepare
    const iob1 = ['I-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC', 'I-ORG'];
    const iob2 = ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'B-ORG'];
    // Act / Assess
    expect(chunksOf(iob1)).toEqual(chunksOf(iob2));
    expect(chunksOf(iob2)).toEqual([
      { start: 0, end: 2, type: 'PER' },
      { start: 3, end: 4, type: 'LOC' },
      { start: 4, end: 5, type: 'LOC' },
      { start: 5, end: 6, type: 'ORG' },
    ]);
  });

  it('scores span-exact: a partial or mistyped span is both a false positive and a miss', () => {
    // Prepare: gold PER(0-2) ORG(3-6) MISC(7) LOC(11); predicted PER(0-2) right, LOC "China" inside the ORG wrong,
    // MISC right, LOC Beijing typed ORG wrong.
    const text = tiny;
    const predict = (t: string): EntitySpan[] => {
      const at = (s: string, kind: EntitySpan['kind'], via?: string): EntitySpan => {
        const start = t.indexOf(s);
        return { start, end: start + s.length, text: s, kind, ...(via ? { via } : {}) };
      };
      return [
        at('Antony Blinken', 'person'),
        at('China', 'country', 'name'),
        at('Chinese', 'country', 'demonym'),
        at('Beijing', 'organization'),
      ];
    };
    // Act
    const score = evaluateConll(text, predict);
    // Assess: 2 correct of 4 predicted and 4 gold → P = R = F1 = 0.5
    expect(score.overall).toMatchObject({ gold: 4, predicted: 4, correct: 2, precision: 0.5, recall: 0.5, f1: 0.5 });
    const by = Object.fromEntries(score.byType.map((t) => [t.type, t]));
    expect(by.PER).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(by.MISC).toMatchObject({ precision: 1, recall: 1 });
    expect(by.ORG).toMatchObject({ gold: 1, predicted: 1, correct: 0, f1: 0 });
    expect(by.LOC).toMatchObject({ gold: 1, predicted: 1, correct: 0 });
  });

  it('computes unequal precision and recall as conlleval does', () => {
    // Prepare: 3 gold chunks, 2 predicted, 1 right → P 1/2, R 1/3, F1 2PR/(P+R) = 0.4
    const gold = [['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'B-ORG']];
    const pred = [['B-PER', 'I-PER', 'O', 'O', 'B-LOC', 'O']];
    // Act
    const { overall } = scoreTags(gold, pred);
    // Assess
    expect(overall.precision).toBeCloseTo(0.5);
    expect(overall.recall).toBeCloseTo(1 / 3);
    expect(overall.f1).toBeCloseTo(0.4);
  });

  it('rejects a line without four columns', () => {
    // Prepare / Act / Assess
    expect(() => parseConll('Blinken B-PER\n')).toThrow(/line 1/);
  });
});
