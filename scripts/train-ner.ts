/**
 * Trains the entity tagger: an averaged structured perceptron over BIO tags (PER, ORG, LOC, MISC) with first-order
 * Viterbi, on the CoNLL-2003 English train split, and writes its weights to shared/domain/ner/weights.ts.
 *
 *   npm run train:ner -- [--train FILE] [--dev FILE] [--epochs N] [--seed N] [--prune W] [--out FILE]
 *
 * Defaults: ../shared/data/ner/conll2003-en/train.txt, 12 epochs, seed 1, prune 0.5 (averaged weights below it, for
 * every tag, are left out of the shipped model: a third of the size, the same F1). Deterministic for a seed: the same file
 * gives the same bytes. `--dev` only prints the bare tagger's score on that file after each epoch (measuring; nothing is
 * learnt from it). Only the token and tag columns are read; no text of the corpus goes into the output, only weights
 * of hashed features.
 *
 * Why written here rather than taken from npm: the perceptron and its Viterbi are ~200 lines, and what the Lambda bundle
 * needs (pure JavaScript, no native add-on such as a CRFsuite binding, weights that bundle as a string) is simplest to
 * guarantee in our own code. No npm CRF or perceptron package was measured against it; what was compared is in the
 * README (the rules alone, this tagger alone, the two merged; compromise's figures are in issue 10).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { documentContext, sentenceFeatures } from '../shared/domain/ner/features.ts';
import { gazetteerFlags, type Range } from '../shared/domain/ner/gazetteer.ts';
import { tokenize } from '../shared/domain/news-tokens.ts';
import { sentencesOf } from '../shared/domain/ner/tagger.ts';
import { buildModel, encodeModel, NT, TAGS, viterbi } from '../shared/domain/ner/model.ts';
import { chunksOf, parseConll, type Doc } from './eval-ner.ts';

const TAG_INDEX = new Map<string, number>(TAGS.map((t, i) => [t, i]));

/** IOB1 → IOB2 (the train split is IOB2 already; a file in IOB1 would otherwise teach impossible transitions). */
const toIob2 = (tags: readonly string[]): string[] => {
  const out = tags.map(() => 'O');
  for (const c of chunksOf(tags))
    for (let i = c.start; i < c.end; i++) out[i] = `${i === c.start ? 'B' : 'I'}-${c.type}`;
  return out;
};

export interface Example {
  hashes: Uint32Array;
  offsets: Int32Array;
  gold: Int32Array;
}

/** A document's text as the evaluation rebuilds it (tokens joined by spaces, a sentence a line) and token ranges. */
export function rebuildDoc(doc: Doc): { text: string; ranges: Range[][] } {
  let text = '';
  const ranges = doc.sentences.map((s, si) => {
    if (si) text += '\n';
    return s.tokens.map((tok, ti) => {
      if (ti) text += ' ';
      const start = text.length;
      text += tok;
      return { start, end: text.length };
    });
  });
  return { text, ranges };
}

/**
 * Training examples, tokenised as the tagger tokenises news text (news-tokens.ts, then sentencesOf) so that it learns
 * from what it will see: the gold chunks are projected onto those tokens by their character offsets.
 */
export function examplesOf(docs: readonly Doc[]): Example[] {
  const out: Example[] = [];
  for (const doc of docs) {
    const { text, ranges } = rebuildDoc(doc);
    const tokens = tokenize(text);
    const sentences = sentencesOf(tokens);
    // Gold tag of every news token: B- on the first token touching a chunk, I- on the others.
    const gold = new Int32Array(tokens.length);
    let k = 0;
    doc.sentences.forEach((s, si) => {
      for (const c of chunksOf(toIob2(s.tags))) {
        const start = ranges[si]![c.start]!.start;
        const end = ranges[si]![c.end - 1]!.end;
        while (k < tokens.length && tokens[k]!.end <= start) k++;
        for (let j = k; j < tokens.length && tokens[j]!.start < end; j++)
          gold[j] = TAG_INDEX.get(`${j === k ? 'B' : 'I'}-${c.type}`) ?? 0;
      }
    });
    const words = sentences.map(([a, b]) => tokens.slice(a, b).map((t) => t.text));
    const flags = gazetteerFlags(
      text,
      sentences.map(([a, b]) => tokens.slice(a, b)),
      undefined,
      tokens,
    );
    const ctx = documentContext(words);
    sentences.forEach(([a, b], si) => {
      const { hashes, offsets } = sentenceFeatures(words[si]!, flags[si]!, ctx);
      const g = gold.slice(a, b);
      // A chunk cut by a sentence boundary the tagger puts where the corpus has none: its second part opens anew.
      if (TAGS[g[0]!]!.startsWith('I-')) g[0] = TAG_INDEX.get(`B-${TAGS[g[0]!]!.slice(2)}`)!;
      out.push({ hashes, offsets, gold: g });
    });
  }
  return out;
}

/** mulberry32: a small seeded generator, so that the shuffle (and so the model) depends on the seed only. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

export interface TrainOptions {
  epochs: number;
  seed: number;
  /** Features seen fewer times than this in training get no weight. */
  minCount: number;
  /** Averaged weights below this (in absolute value, for every tag) are dropped from the shipped model. */
  prune: number;
  onEpoch?: (epoch: number, model: () => Uint8Array) => void;
}

/** Trains on the examples; returns the model's binary form (see model.ts). */
export function train(examples: readonly Example[], opts: TrainOptions): Uint8Array {
  // Feature hash → row, for features seen at least minCount times.
  const counts = new Map<number, number>();
  for (const e of examples) for (const h of e.hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
  const kept = [...counts.entries()].filter(([, c]) => c >= opts.minCount).map(([h]) => h);
  kept.sort((a, b) => a - b); // the order of a Map's insertion is the data's; sorting makes rows independent of it
  const hashes = Uint32Array.from(kept);
  const nf = hashes.length;
  const w = new Float32Array(nf * NT);
  const acc = new Float64Array(nf * NT); // Σ c·Δw, for the average: avg = w − acc / c
  const trans = new Float32Array((NT + 1) * NT);
  const transAcc = new Float64Array((NT + 1) * NT);
  const model = buildModel(hashes, w, trans);
  // Rows of every example's features, resolved once.
  const rows = examples.map((e) => {
    const r = new Int32Array(e.hashes.length);
    for (let i = 0; i < r.length; i++) {
      const h = e.hashes[i]!;
      let slot = h & model.mask;
      while (model.keys[slot] !== 0 && model.keys[slot] !== h) slot = (slot + 1) & model.mask;
      r[i] = model.keys[slot] === h ? model.rows[slot]! : -1;
    }
    return r;
  });
  const random = rng(opts.seed);
  const order = examples.map((_, i) => i);
  let c = 1;
  const averaged = () => {
    const avgW = new Float32Array(nf * NT);
    for (let i = 0; i < avgW.length; i++) avgW[i] = w[i]! - acc[i]! / c;
    const avgT = new Float32Array(trans.length);
    for (let i = 0; i < avgT.length; i++) avgT[i] = trans[i]! - transAcc[i]! / c;
    return { avgW, avgT };
  };
  const pack = () => {
    const { avgW, avgT } = averaged();
    const keep: number[] = [];
    for (let f = 0; f < nf; f++) {
      let big = false;
      for (let t = 0; t < NT; t++) if (Math.abs(avgW[f * NT + t]!) >= opts.prune) big = true;
      if (big) keep.push(f);
    }
    const kh = Uint32Array.from(keep, (f) => hashes[f]!);
    const kw = new Float32Array(keep.length * NT);
    keep.forEach((f, k) => {
      kw.set(avgW.subarray(f * NT, f * NT + NT), k * NT);
    });
    return encodeModel(kh, kw, avgT);
  };
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const e = examples[idx]!;
      const r = rows[idx]!;
      const n = e.gold.length;
      const em = new Float32Array(n * NT);
      for (let i = 0; i < n; i++)
        for (let f = e.offsets[i]!; f < e.offsets[i + 1]!; f++) {
          const row = r[f]!;
          if (row < 0) continue;
          for (let t = 0; t < NT; t++) em[i * NT + t]! += w[row + t]!;
        }
      const pred = viterbi(em, trans, n);
      for (let i = 0; i < n; i++) {
        const g = e.gold[i]!;
        const p = pred[i]!;
        if (g !== p)
          for (let f = e.offsets[i]!; f < e.offsets[i + 1]!; f++) {
            const row = r[f]!;
            if (row < 0) continue;
            w[row + g]! += 1;
            acc[row + g]! += c;
            w[row + p]! -= 1;
            acc[row + p]! -= c;
          }
        const gp = i ? e.gold[i - 1]! : NT;
        const pp = i ? pred[i - 1]! : NT;
        if (g !== p || gp !== pp) {
          trans[gp * NT + g]! += 1;
          transAcc[gp * NT + g]! += c;
          trans[pp * NT + p]! -= 1;
          transAcc[pp * NT + p]! -= c;
        }
      }
      c++;
    }
    opts.onEpoch?.(epoch, pack);
  }
  return pack();
}

/** The weights as a TypeScript module: gzip, then base64 (a string bundles with any esbuild setting). */
export function weightsModule(bytes: Uint8Array, note: string): string {
  const b64 = Buffer.from(gzipSync(bytes, { level: 9 })).toString('base64');
  const lines = b64.match(/.{1,120}/g) ?? [];
  return (
    `// Generated by scripts/train-ner.ts (${note}); do not edit. The tagger's weights: see shared/domain/ner/model.ts.\n` +
    `export const WEIGHTS_GZIP_BASE64 =\n  '${lines.join('')}';\n`
  );
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const trainFile = arg(argv, 'train') ?? resolve(root, '../shared/data/ner/conll2003-en/train.txt');
  if (!existsSync(trainFile)) throw new Error(`no training file at ${trainFile} (give --train FILE)`);
  const epochs = Number(arg(argv, 'epochs') ?? 12);
  const seed = Number(arg(argv, 'seed') ?? 1);
  const out = arg(argv, 'out') ?? resolve(root, 'shared/domain/ner/weights.ts');
  const devFile = arg(argv, 'dev');
  const t0 = performance.now();
  const examples = examplesOf(parseConll(readFileSync(trainFile, 'utf8')));
  console.log(`${examples.length} sentences, features in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  let onEpoch: TrainOptions['onEpoch'];
  if (devFile) {
    const { evaluateConllFull } = await import('./eval-ner.ts');
    const { tagSpans } = await import('../shared/domain/ner/tagger.ts');
    const { decodeModel } = await import('../shared/domain/ner/model.ts');
    const dev = readFileSync(devFile, 'utf8');
    onEpoch = (epoch, pack) => {
      const m = decodeModel(pack());
      const ev = evaluateConllFull(dev, (text) => tagSpans(text, m));
      console.log(
        `epoch ${epoch}: dev mention F1 ${ev.mentions.overall.f1.toFixed(4)}, document F1 ${ev.documents.overall.f1.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    };
  } else onEpoch = (epoch) => console.log(`epoch ${epoch} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  const bytes = train(examples, { epochs, seed, minCount: 2, prune: Number(arg(argv, 'prune') ?? 0.5), onEpoch });
  writeFileSync(out, weightsModule(bytes, `${epochs} epochs, seed ${seed}`));
  console.log(`wrote ${out}: ${bytes.length} bytes raw, ${readFileSync(out).length} bytes as a module`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
