/**
 * The tagger's model: one weight per (feature hash, tag), tag-to-tag transition weights, and first-order Viterbi over
 * BIO tags with the constraint that I-X only follows B-X or I-X. The weights travel as a compact binary (see
 * `encodeModel`): feature hashes sorted, weights quantised to 8 bits. Pure.
 */
export const TAGS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'] as const;
export type Tag = (typeof TAGS)[number];
export const NT = TAGS.length;

/** allowed[p * NT + t]: may tag t follow tag p (p = NT: the sentence start)? */
export const ALLOWED: Uint8Array = (() => {
  const a = new Uint8Array((NT + 1) * NT);
  for (let p = 0; p <= NT; p++)
    for (let t = 0; t < NT; t++) {
      const tag = TAGS[t]!;
      const prev = p < NT ? TAGS[p]! : 'O';
      a[p * NT + t] = !tag.startsWith('I-') || prev.slice(2) === tag.slice(2) ? 1 : 0;
    }
  return a;
})();

export interface Model {
  /** Open-addressing table: keys[slot] is a feature hash (0: empty), rows[slot] its first weight's index. */
  keys: Uint32Array;
  rows: Int32Array;
  mask: number;
  weights: Float32Array;
  /** (NT + 1) × NT: row p holds the weights of every tag after tag p; row NT those after the sentence start. */
  transitions: Float32Array;
  features: number;
}

/** The model from sorted-or-not feature hashes and their weights (NT per hash). */
export function buildModel(hashes: Uint32Array, weights: Float32Array, transitions: Float32Array): Model {
  let size = 1;
  while (size < hashes.length * 2) size <<= 1;
  const keys = new Uint32Array(size);
  const rows = new Int32Array(size);
  const mask = size - 1;
  for (let i = 0; i < hashes.length; i++) {
    let slot = hashes[i]! & mask;
    while (keys[slot] !== 0) slot = (slot + 1) & mask;
    keys[slot] = hashes[i]!;
    rows[slot] = i * NT;
  }
  return { keys, rows, mask, weights, transitions, features: hashes.length };
}

/** Index of the first weight of a feature hash, or -1 for a feature the model has no weight for. */
export function rowOf(m: Model, hash: number): number {
  let slot = hash & m.mask;
  for (;;) {
    const k = m.keys[slot]!;
    if (k === hash) return m.rows[slot]!;
    if (k === 0) return -1;
    slot = (slot + 1) & m.mask;
  }
}

/** Emission scores, n × NT, of tokens described by feature hashes (see features.ts). */
export function emissions(m: Model, hashes: Uint32Array, offsets: Int32Array): Float32Array {
  const n = offsets.length - 1;
  const out = new Float32Array(n * NT);
  const w = m.weights;
  for (let i = 0; i < n; i++) {
    const base = i * NT;
    for (let f = offsets[i]!; f < offsets[i + 1]!; f++) {
      const r = rowOf(m, hashes[f]!);
      if (r < 0) continue;
      for (let t = 0; t < NT; t++) out[base + t]! += w[r + t]!;
    }
  }
  return out;
}

/** The best tag sequence (tag indexes) under the emission and transition scores, honouring ALLOWED. */
export function viterbi(em: Float32Array, transitions: Float32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  if (n === 0) return out;
  const score = new Float64Array(n * NT);
  const back = new Int32Array(n * NT);
  for (let t = 0; t < NT; t++)
    score[t] = ALLOWED[NT * NT + t] ? em[t]! + transitions[NT * NT + t]! : Number.NEGATIVE_INFINITY;
  for (let i = 1; i < n; i++) {
    for (let t = 0; t < NT; t++) {
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let p = 0; p < NT; p++) {
        if (!ALLOWED[p * NT + t]) continue;
        const s = score[(i - 1) * NT + p]! + transitions[p * NT + t]!;
        if (s > best) {
          best = s;
          arg = p;
        }
      }
      score[i * NT + t] = best + em[i * NT + t]!;
      back[i * NT + t] = arg;
    }
  }
  let best = Number.NEGATIVE_INFINITY;
  let arg = 0;
  for (let t = 0; t < NT; t++)
    if (score[(n - 1) * NT + t]! > best) {
      best = score[(n - 1) * NT + t]!;
      arg = t;
    }
  for (let i = n - 1; i >= 0; i--) {
    out[i] = arg;
    arg = back[i * NT + arg]!;
  }
  return out;
}

const MAGIC = 0x3152454e; // "NER1"

/**
 * Binary form: magic, tag count, feature count, weight scale (f32), transitions (f32), feature hashes (u32, ascending,
 * each stored as the difference from the previous one so that gzip can shorten them), weights (i8, NT per feature:
 * weight = value × scale).
 */
export function encodeModel(hashes: Uint32Array, weights: Float32Array, transitions: Float32Array): Uint8Array {
  const order = [...hashes.keys()].sort((a, b) => hashes[a]! - hashes[b]!);
  let max = 0;
  for (const x of weights) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const n = hashes.length;
  const buf = new ArrayBuffer(16 + transitions.length * 4 + n * 4 + n * NT);
  const view = new DataView(buf);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, NT, true);
  view.setUint32(8, n, true);
  view.setFloat32(12, scale, true);
  let o = 16;
  for (const x of transitions) {
    view.setFloat32(o, x, true);
    o += 4;
  }
  let prev = 0;
  for (const i of order) {
    view.setUint32(o, hashes[i]! - prev, true);
    prev = hashes[i]!;
    o += 4;
  }
  const q = new Int8Array(buf, o, n * NT);
  order.forEach((i, k) => {
    for (let t = 0; t < NT; t++) q[k * NT + t] = Math.round(weights[i * NT + t]! / scale);
  });
  return new Uint8Array(buf);
}

export function decodeModel(bytes: Uint8Array): Model {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('tagger model: not a NER1 file');
  if (view.getUint32(4, true) !== NT) throw new Error(`tagger model: ${view.getUint32(4, true)} tags, expected ${NT}`);
  const n = view.getUint32(8, true);
  const scale = view.getFloat32(12, true);
  let o = 16;
  const transitions = new Float32Array((NT + 1) * NT);
  for (let i = 0; i < transitions.length; i++, o += 4) transitions[i] = view.getFloat32(o, true);
  const hashes = new Uint32Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++, o += 4) hashes[i] = prev = (prev + view.getUint32(o, true)) >>> 0;
  const weights = new Float32Array(n * NT);
  for (let i = 0; i < n * NT; i++) weights[i] = view.getInt8(o + i) * scale;
  return buildModel(hashes, weights, transitions);
}
