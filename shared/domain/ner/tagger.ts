/**
 * The trained entity tagger over news text: tokens (news-tokens.ts) → sentences → features → Viterbi → spans typed
 * PER, ORG, LOC or MISC. The weights (./weights.ts, written by `npm run train:ner`) are decoded once per process, on
 * first use: a Lambda container pays for it once, on its first article.
 */
import { gunzipSync } from 'node:zlib';
import type { PlaceMention } from '../countries.ts';
import { tokenize, type Token } from '../news-tokens.ts';
import { documentContext, ownFeatures, sentenceFeatures } from './features.ts';
import { gazetteerFlags } from './gazetteer.ts';
import { decodeModel, emissions, type Model, NT, rowOf, TAGS, viterbi } from './model.ts';
import { WEIGHTS_GZIP_BASE64 } from './weights.ts';

export type NerType = 'PER' | 'ORG' | 'LOC' | 'MISC';

export interface TaggedSpan {
  /** Token range [a, b) in the tokens given. */
  a: number;
  b: number;
  type: NerType;
}

let shipped: Model | undefined;
/** The committed model, decoded on first call. */
export function defaultModel(): Model {
  shipped ??= decodeModel(new Uint8Array(gunzipSync(Buffer.from(WEIGHTS_GZIP_BASE64, 'base64'))));
  return shipped;
}

/** Per model, each word's score from its own features (the same every time the word recurs; bounded). */
const OWN_SCORES = new WeakMap<Model, Map<string, Float32Array>>();

function ownScore(model: Model, word: string): Float32Array {
  let cache = OWN_SCORES.get(model);
  if (!cache) OWN_SCORES.set(model, (cache = new Map()));
  let score = cache.get(word);
  if (!score) {
    if (cache.size >= 200_000) cache.clear();
    const own = ownFeatures(word);
    score = emissions(model, own, Int32Array.of(0, own.length));
    cache.set(word, score);
  }
  return score;
}

/**
 * Emission scores of a sentence: what `emissions` gives for its features, with each word's own features scored once
 * per word rather than once per token (they lead each token's features: see sentenceFeatures).
 */
function sentenceEmissions(
  model: Model,
  words: readonly string[],
  hashes: Uint32Array,
  offsets: Int32Array,
): Float32Array {
  const n = words.length;
  const out = new Float32Array(n * NT);
  const w = model.weights;
  for (let i = 0; i < n; i++) {
    const own = ownScore(model, words[i]!);
    const base = i * NT;
    out.set(own, base);
    for (let f = offsets[i]! + ownFeatures(words[i]!).length; f < offsets[i + 1]!; f++) {
      const r = rowOf(model, hashes[f]!);
      if (r < 0) continue;
      for (let t = 0; t < NT; t++) out[base + t]! += w[r + t]!;
    }
  }
  return out;
}

const ENDS = new Set(['.', '!', '?']);
// A full stop after an initial or a short abbreviation ("J. Smith", "Jan. 5", "No. 3") ends no sentence.
const ABBREVIATION = /^(?:\p{Lu}|[A-Z][a-z]{1,3}|[a-z]{1,3})$/u;

/**
 * Sentences as token ranges: a line break starts one, and so does a capitalised word (or a quote) after a full stop,
 * question or exclamation mark, unless the stop closes an initial or an abbreviation.
 */
export function sentencesOf(tokens: readonly Token[]): [number, number][] {
  const out: [number, number][] = [];
  let a = 0;
  for (let i = 1; i <= tokens.length; i++) {
    const t = tokens[i];
    const split =
      !t ||
      t.breakBefore ||
      (ENDS.has(tokens[i - 1]!.text) &&
        (t.cap || !t.word) &&
        !(tokens[i - 1]!.text === '.' && i >= 2 && ABBREVIATION.test(tokens[i - 2]!.text) && t.word));
    if (split) {
      if (i > a) out.push([a, i]);
      a = i;
    }
  }
  return out;
}

/** Tagged spans over the text's tokens (places and tokens may be given when the caller has them). */
export function tagTokens(
  text: string,
  tokens: readonly Token[],
  places?: readonly PlaceMention[],
  model: Model = defaultModel(),
): TaggedSpan[] {
  const sentences = sentencesOf(tokens);
  const words = sentences.map(([a, b]) => tokens.slice(a, b).map((t) => t.text));
  const flags = gazetteerFlags(
    text,
    sentences.map(([a, b]) => tokens.slice(a, b)),
    places,
    tokens,
  );
  const ctx = documentContext(words);
  const out: TaggedSpan[] = [];
  sentences.forEach(([a], si) => {
    const ws = words[si]!;
    const { hashes, offsets } = sentenceFeatures(ws, flags[si]!, ctx);
    const tags = viterbi(sentenceEmissions(model, ws, hashes, offsets), model.transitions, ws.length);
    let open: TaggedSpan | undefined;
    for (let i = 0; i <= ws.length; i++) {
      const tag = i < ws.length ? TAGS[tags[i]!]! : 'O';
      if (open && !tag.startsWith('I-')) {
        out.push(open);
        open = undefined;
      }
      if (tag.startsWith('B-')) open = { a: a + i, b: a + i + 1, type: tag.slice(2) as NerType };
      else if (open && tag.startsWith('I-')) open.b = a + i + 1;
    }
  });
  return out;
}

const KIND = { PER: 'person', ORG: 'organization', LOC: 'location', MISC: 'location' } as const;

/** The bare tagger as an extractor, for scripts/eval-ner.ts (MISC spans carry `via: 'misc'`). */
export function tagSpans(text: string, model: Model = defaultModel()) {
  const tokens = tokenize(text);
  return tagTokens(text, tokens, undefined, model).map((s) => {
    const start = tokens[s.a]!.start;
    const end = tokens[s.b - 1]!.end;
    return {
      start,
      end,
      text: text.slice(start, end),
      kind: KIND[s.type],
      ...(s.type === 'MISC' ? { via: 'misc' } : {}),
    };
  });
}
