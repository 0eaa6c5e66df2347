/**
 * Features of the entity tagger (shared by training in scripts/train-ner.ts and tagging in ./tagger.ts, so both see
 * exactly the same thing). Every feature is a string hashed to 32 bits (FNV-1a); the model keeps weights for the
 * hashes it saw often enough in training. Pure.
 *
 * What a token is described by: the word (as written and lower case), its shape, prefixes and suffixes of 1–4
 * letters, the words and shapes up to two either side, capitalisation patterns, the sentence start, document-level
 * evidence (is the word also written in lower case elsewhere in the document; is an all-capitals word written in title
 * case elsewhere), and gazetteer flags (countries, capitals, demonyms, blocs from the country module; known places,
 * organisations and people from the extractor's lexicon). No part-of-speech or chunk columns: raw text has none.
 */
import {
  GIVEN_NAMES,
  LEGAL_SUFFIXES,
  ORG_KEYWORDS,
  PLACE_KEYWORDS,
  STOP_CAPITALS,
  SURNAME_FIRST,
  TITLE_HEADS,
} from '../extract-lexicon.ts';

/** FNV-1a, 32 bits; never 0 (0 marks an empty slot in the model's table). */
export function hashFeature(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0 || 1;
}

/** "Blinken" → "Xx", "U.S." → "X.X.", "1996-08-22" → "d-d-d", "McDonald" → "XxXx". */
export function shapeOf(w: string): string {
  let out = '';
  let last = '';
  for (const ch of w) {
    const c =
      ch >= '0' && ch <= '9'
        ? 'd'
        : ch.toLowerCase() !== ch
          ? 'X'
          : ch.toUpperCase() !== ch
            ? 'x'
            : ch === "'"
              ? "'"
              : ch;
    if (c !== last) out += c;
    last = c;
  }
  return out.length > 6 ? out.slice(0, 6) : out;
}

const isUpper = (w: string) => w !== w.toLowerCase() && w === w.toUpperCase();
const isTitle = (w: string) => {
  const c = w.charAt(0);
  return c !== c.toLowerCase() && w.slice(1) === w.slice(1).toLowerCase();
};
const startsUpper = (w: string) => {
  const c = w.charAt(0);
  return c !== c.toLowerCase();
};
const isWordLike = (w: string) => /^[\p{L}\p{N}]/u.test(w);

/** Per-token gazetteer flags, computed by the caller from the text (see ./gazetteer.ts). */
export type Flags = readonly (readonly string[] | undefined)[];

export interface SentenceFeatures {
  /** Feature hashes of every token, token after token. */
  hashes: Uint32Array;
  /** Token k's hashes are hashes[offsets[k] .. offsets[k + 1]). */
  offsets: Int32Array;
}

/** Document-level facts a token's features may use: the lower-case words written in lower case, and title case. */
export interface DocumentContext {
  lowerForms: Set<string>;
  titleForms: Set<string>;
}

export function documentContext(sentences: readonly (readonly string[])[]): DocumentContext {
  const lowerForms = new Set<string>();
  const titleForms = new Set<string>();
  for (const s of sentences) {
    const upperLine = s.every((w) => !/\p{Ll}/u.test(w));
    s.forEach((w, i) => {
      if (!isWordLike(w)) return;
      const l = w.toLowerCase();
      if (w === l) lowerForms.add(l);
      // A capital mid-sentence, outside an all-capitals headline, is the word's own.
      else if (i > 0 && !upperLine && isTitle(w)) titleForms.add(l);
    });
  }
  return { lowerForms, titleForms };
}

/** The features of one sentence's tokens. */
export function sentenceFeatures(words: readonly string[], flags: Flags, doc: DocumentContext): SentenceFeatures {
  const n = words.length;
  const lower = words.map((w) => w.toLowerCase());
  const shapes = words.map(shapeOf);
  const upperLine = words.every((w) => !/\p{Ll}/u.test(w));
  let first = 0;
  while (first < n && !isWordLike(words[first]!)) first++;
  const hashes: number[] = [];
  const offsets = new Int32Array(n + 1);
  const w = (k: number) => (k < 0 ? '<s>' : k >= n ? '</s>' : lower[k]!);
  const sh = (k: number) => (k < 0 ? '<s>' : k >= n ? '</s>' : shapes[k]!);
  for (let i = 0; i < n; i++) {
    offsets[i] = hashes.length;
    const f = (s: string) => hashes.push(hashFeature(s));
    const word = words[i]!;
    const low = lower[i]!;
    f('b');
    f(`w=${word}`);
    f(`l=${low}`);
    f(`s=${shapes[i]}`);
    const len = word.length;
    for (let k = 1; k <= 4 && k <= len; k++) {
      f(`p${k}=${low.slice(0, k)}`);
      f(`x${k}=${low.slice(len - k)}`);
    }
    f(`l-1=${w(i - 1)}`);
    f(`l+1=${w(i + 1)}`);
    f(`l-2=${w(i - 2)}`);
    f(`l+2=${w(i + 2)}`);
    f(`l-1l=${w(i - 1)}|${low}`);
    f(`ll+1=${low}|${w(i + 1)}`);
    f(`s-1=${sh(i - 1)}`);
    f(`s+1=${sh(i + 1)}`);
    f(`s-1s=${sh(i - 1)}|${shapes[i]}|${sh(i + 1)}`);
    const up = startsUpper(word);
    if (i === first) f(up ? 'start:U' : 'start:l');
    if (upperLine) f('upline');
    if (isUpper(word) && len > 1) f(upperLine ? 'caps:line' : 'caps');
    if (up && isWordLike(word)) {
      // The same word in lower case elsewhere: a common word capitalised by position ("Shares", "Police").
      if (doc.lowerForms.has(low)) f('doc:lower');
      // An all-capitals word the document also writes in title case: a name, not a shout.
      if (doc.titleForms.has(low)) f(upperLine || isUpper(word) ? 'doc:title:U' : 'doc:title');
      if (i !== first) f('cap:mid');
    }
    if (GIVEN_NAMES.has(low)) f('lex:given');
    if (SURNAME_FIRST.has(low)) f('lex:surfirst');
    if (ORG_KEYWORDS.has(low)) f('lex:orgkw');
    if (LEGAL_SUFFIXES.has(low)) f('lex:legal');
    if (PLACE_KEYWORDS.has(low)) f('lex:placekw');
    if (STOP_CAPITALS.has(low)) f('lex:stop');
    if (i > 0 && TITLE_HEADS.has(lower[i - 1]!.replace(/\.$/, ''))) f('lex:title-1');
    if (i + 1 < n && ORG_KEYWORDS.has(lower[i + 1]!)) f('lex:orgkw+1');
    if (i + 1 < n && LEGAL_SUFFIXES.has(lower[i + 1]!)) f('lex:legal+1');
    const fl = flags[i];
    if (fl) for (const g of fl) f(`g=${g}`);
    const prev = flags[i - 1];
    if (prev) for (const g of prev) f(`g-1=${g}`);
    const next = flags[i + 1];
    if (next) for (const g of next) f(`g+1=${g}`);
  }
  offsets[n] = hashes.length;
  return { hashes: Uint32Array.from(hashes), offsets };
}
