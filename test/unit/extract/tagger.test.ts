import { describe, expect, it } from 'vitest';
import { parseConll } from '../../../scripts/eval-ner.ts';
import { examplesOf, train } from '../../../scripts/train-ner.ts';
import { ALLOWED, buildModel, decodeModel, encodeModel, NT, TAGS, viterbi } from '../../../shared/domain/ner/model.ts';
import { sentencesOf, tagSpans } from '../../../shared/domain/ner/tagger.ts';
import { tokenize } from '../../../shared/domain/news-tokens.ts';

/** A synthetic CoNLL file written for these tests (no corpus text): two documents, names of our own invention. */
const SYNTHETIC = [
  '-DOCSTART- -X- -X- O',
  '',
  ...['Marta B-PER', 'Kowal I-PER', 'joined O', 'Brindle B-ORG', 'Holdings I-ORG', 'in O', 'Tarvik B-LOC', '. O'],
  '',
  ...['Kowal B-PER', 'said O', 'Brindle B-ORG', 'would O', 'grow O', '. O'],
  '',
  '-DOCSTART- -X- -X- O',
  '',
  ...['Olek B-PER', 'Varga I-PER', 'left O', 'Ostmark B-ORG', 'Bank I-ORG', 'for O', 'Selvara B-LOC', '. O'],
  '',
]
  .map((l) => (l && !l.startsWith('-DOCSTART-') ? l.replace(' ', ' -X- -X- ') : l))
  .join('\n');

describe('the trained tagger (committed weights)', () => {
  it('tags people, organisations and places it has not been told about', () => {
    // Prepare
    const text = 'Kristof Halvorsen, a lawyer for Norvale Shipping Ltd, flew to Rotterdam on Friday.';
    // Act
    const spans = tagSpans(text).map((s) => [s.text, s.kind]);
    // Assess
    expect(spans).toEqual([
      ['Kristof Halvorsen', 'person'],
      ['Norvale Shipping Ltd', 'organization'],
      ['Rotterdam', 'location'],
    ]);
  });

  it('splits sentences at a full stop before a capital, not after an initial', () => {
    // Prepare
    const tokens = tokenize('J. Smith met Mr. Jones. They left.\nA new line');
    // Act
    const sentences = sentencesOf(tokens).map(([a, b]) =>
      tokens
        .slice(a, b)
        .map((t) => t.text)
        .join(' '),
    );
    // Assess
    expect(sentences).toEqual(['J . Smith met Mr. Jones .', 'They left .', 'A new line']);
  });
});

describe('the model', () => {
  it('never puts I-X after O or after another type', () => {
    // Prepare: emissions that would rather say O, I-ORG, I-PER
    const iOrg = TAGS.indexOf('I-ORG');
    const iPer = TAGS.indexOf('I-PER');
    const em = new Float32Array(3 * NT);
    em[0] = 1;
    em[NT + iOrg] = 5;
    em[2 * NT + iPer] = 5;
    // Act
    const tags = [...viterbi(em, new Float32Array((NT + 1) * NT), 3)].map((t) => TAGS[t]!);
    // Assess
    for (let i = 0; i < tags.length; i++) {
      const prev = i ? TAGS.indexOf(tags[i - 1]!) : NT;
      expect(ALLOWED[prev * NT + TAGS.indexOf(tags[i]!)], tags.join(' ')).toBe(1);
    }
  });

  it('survives its binary form with weights within one quantisation step', () => {
    // Prepare
    const hashes = Uint32Array.from([7, 3, 0xfffffff0]);
    const weights = Float32Array.from({ length: 3 * NT }, (_, i) => ((i * 37) % 23) - 11);
    const transitions = Float32Array.from({ length: (NT + 1) * NT }, (_, i) => i / 10);
    // Act
    const m = decodeModel(encodeModel(hashes, weights, transitions));
    const ref = buildModel(hashes, weights, transitions);
    // Assess
    expect(m.features).toBe(3);
    expect([...m.transitions]).toEqual([...transitions]);
    const step = 11 / 127;
    for (const h of hashes) {
      const a = m.keys.indexOf(h);
      const b = ref.keys.indexOf(h);
      for (let t = 0; t < NT; t++)
        expect(Math.abs(m.weights[m.rows[a]! + t]! - ref.weights[ref.rows[b]! + t]!)).toBeLessThanOrEqual(
          step / 2 + 1e-6,
        );
    }
  });
});

describe('training (scripts/train-ner.ts)', () => {
  const examples = examplesOf(parseConll(SYNTHETIC));
  const opts = { epochs: 5, seed: 7, minCount: 1, prune: 0 };

  it('gives the same bytes for the same data and seed', () => {
    // Prepare / Act
    const a = train(examples, opts);
    const b = train(examples, opts);
    // Assess
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('learns the synthetic file it was given', () => {
    // Prepare
    const model = decodeModel(train(examples, opts));
    // Act
    const spans = tagSpans('Olek Varga left Ostmark Bank for Selvara.', model).map((s) => [s.text, s.kind]);
    // Assess
    expect(spans).toEqual([
      ['Olek Varga', 'person'],
      ['Ostmark Bank', 'organization'],
      ['Selvara', 'location'],
    ]);
  });
});
