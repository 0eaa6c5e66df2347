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

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a state after `s`, from state `h` (so a prefix's state can be reused: no string is built per feature). */
function feed(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}
/** A finished hash: 32 bits, never 0 (0 marks an empty slot in the model's table). */
const done = (h: number): number => h >>> 0 || 1;

/** FNV-1a, 32 bits, of a feature string. */
export function hashFeature(s: string): number {
  return done(feed(FNV_OFFSET, s));
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
    const info = s.map(infoOf);
    const upperLine = !info.some((w) => w.hasLower);
    info.forEach((w, i) => {
      if (!w.wordLike) return;
      if (s[i] === w.lower) lowerForms.add(w.lower);
      // A capital mid-sentence, outside an all-capitals headline, is the word's own.
      else if (i > 0 && !upperLine && w.title) titleForms.add(w.lower);
    });
  }
  return { lowerForms, titleForms };
}

/** What a word contributes to its own features and its neighbours', computed once per distinct word (see WORDS). */
interface WordInfo {
  lower: string;
  shape: string;
  /** The features of the word itself: word, lower case, shape, affixes, lexicon flags. */
  own: Uint32Array;
  /** As the neighbour at −2, −1, +1, +2, and its shape at −1, +1. */
  at: { m2: number; m1: number; p1: number; p2: number; sm1: number; sp1: number };
  upper: boolean;
  title: boolean;
  startsUpper: boolean;
  wordLike: boolean;
  hasLower: boolean;
}

const P = (prefix: string) => feed(FNV_OFFSET, prefix);
const PRE = {
  m1pair: P('l-1l='),
  pairp1: P('ll+1='),
  shapes: P('s-1s='),
  g: P('g='),
  gm1: P('g-1='),
  gp1: P('g+1='),
};
const fixed = (s: string) => hashFeature(s);
const F = {
  startU: fixed('start:U'),
  startL: fixed('start:l'),
  upline: fixed('upline'),
  capsLine: fixed('caps:line'),
  caps: fixed('caps'),
  docLower: fixed('doc:lower'),
  docTitleU: fixed('doc:title:U'),
  docTitle: fixed('doc:title'),
  capMid: fixed('cap:mid'),
  title1: fixed('lex:title-1'),
  orgkw1: fixed('lex:orgkw+1'),
  legal1: fixed('lex:legal+1'),
};
const EDGE = {
  before: { m2: fixed('l-2=<s>'), m1: fixed('l-1=<s>'), sm1: fixed('s-1=<s>'), lower: '<s>', shape: '<s>' },
  after: { p1: fixed('l+1=</s>'), p2: fixed('l+2=</s>'), sp1: fixed('s+1=</s>'), lower: '</s>', shape: '</s>' },
};

function wordInfo(word: string): WordInfo {
  const low = word.toLowerCase();
  const shape = shapeOf(word);
  const own: number[] = [fixed('b'), fixed(`w=${word}`), fixed(`l=${low}`), fixed(`s=${shape}`)];
  const len = word.length;
  for (let k = 1; k <= 4 && k <= len; k++)
    own.push(fixed(`p${k}=${low.slice(0, k)}`), fixed(`x${k}=${low.slice(len - k)}`));
  if (GIVEN_NAMES.has(low)) own.push(fixed('lex:given'));
  if (SURNAME_FIRST.has(low)) own.push(fixed('lex:surfirst'));
  if (ORG_KEYWORDS.has(low)) own.push(fixed('lex:orgkw'));
  if (LEGAL_SUFFIXES.has(low)) own.push(fixed('lex:legal'));
  if (PLACE_KEYWORDS.has(low)) own.push(fixed('lex:placekw'));
  if (STOP_CAPITALS.has(low)) own.push(fixed('lex:stop'));
  return {
    lower: low,
    shape,
    own: Uint32Array.from(own),
    at: {
      m2: fixed(`l-2=${low}`),
      m1: fixed(`l-1=${low}`),
      p1: fixed(`l+1=${low}`),
      p2: fixed(`l+2=${low}`),
      sm1: fixed(`s-1=${shape}`),
      sp1: fixed(`s+1=${shape}`),
    },
    upper: isUpper(word),
    title: isTitle(word),
    startsUpper: startsUpper(word),
    wordLike: isWordLike(word),
    hasLower: /\p{Ll}/u.test(word),
  };
}

/** Distinct words seen, with their features: news repeats its words, so most tokens are a look-up (bounded). */
const WORDS = new Map<string, WordInfo>();
const WORDS_MAX = 200_000;
const infoOf = (word: string): WordInfo => {
  let w = WORDS.get(word);
  if (!w) {
    if (WORDS.size >= WORDS_MAX) WORDS.clear();
    w = wordInfo(word);
    WORDS.set(word, w);
  }
  return w;
};

/** The features of a word on its own (its first features in sentenceFeatures), for callers that cache their scores. */
export const ownFeatures = (word: string): Uint32Array => infoOf(word).own;

const FLAG_HASHES = new Map<string, { g: number; gm1: number; gp1: number }>();
const flagHash = (flag: string) => {
  let h = FLAG_HASHES.get(flag);
  if (!h) {
    h = { g: done(feed(PRE.g, flag)), gm1: done(feed(PRE.gm1, flag)), gp1: done(feed(PRE.gp1, flag)) };
    FLAG_HASHES.set(flag, h);
  }
  return h;
};

/** The features of one sentence's tokens. */
export function sentenceFeatures(words: readonly string[], flags: Flags, doc: DocumentContext): SentenceFeatures {
  const n = words.length;
  const info = words.map(infoOf);
  let upperLine = true;
  for (const w of info) if (w.hasLower) upperLine = false;
  let first = 0;
  while (first < n && !info[first]!.wordLike) first++;
  let hashes = new Uint32Array(n * 40 + 8);
  let o = 0;
  const push = (h: number) => {
    if (o === hashes.length) {
      const bigger = new Uint32Array(hashes.length * 2);
      bigger.set(hashes);
      hashes = bigger;
    }
    hashes[o++] = h;
  };
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    offsets[i] = o;
    const me = info[i]!;
    for (const h of me.own) push(h);
    const prev = i > 0 ? info[i - 1]! : undefined;
    const next = i + 1 < n ? info[i + 1]! : undefined;
    push(prev ? prev.at.m1 : EDGE.before.m1);
    push(next ? next.at.p1 : EDGE.after.p1);
    push(i > 1 ? info[i - 2]!.at.m2 : EDGE.before.m2);
    push(i + 2 < n ? info[i + 2]!.at.p2 : EDGE.after.p2);
    const pl = prev ? prev.lower : EDGE.before.lower;
    const nl = next ? next.lower : EDGE.after.lower;
    push(done(feed(feed(feed(PRE.m1pair, pl), '|'), me.lower)));
    push(done(feed(feed(feed(PRE.pairp1, me.lower), '|'), nl)));
    push(prev ? prev.at.sm1 : EDGE.before.sm1);
    push(next ? next.at.sp1 : EDGE.after.sp1);
    const ps = prev ? prev.shape : EDGE.before.shape;
    const ns = next ? next.shape : EDGE.after.shape;
    push(done(feed(feed(feed(feed(feed(PRE.shapes, ps), '|'), me.shape), '|'), ns)));
    if (i === first) push(me.startsUpper ? F.startU : F.startL);
    if (upperLine) push(F.upline);
    if (me.upper && words[i]!.length > 1) push(upperLine ? F.capsLine : F.caps);
    if (me.startsUpper && me.wordLike) {
      // The same word in lower case elsewhere: a common word capitalised by position ("Shares", "Police").
      if (doc.lowerForms.has(me.lower)) push(F.docLower);
      // An all-capitals word the document also writes in title case: a name, not a shout.
      if (doc.titleForms.has(me.lower)) push(upperLine || me.upper ? F.docTitleU : F.docTitle);
      if (i !== first) push(F.capMid);
    }
    if (prev && TITLE_HEADS.has(prev.lower.replace(/\.$/, ''))) push(F.title1);
    if (next && ORG_KEYWORDS.has(next.lower)) push(F.orgkw1);
    if (next && LEGAL_SUFFIXES.has(next.lower)) push(F.legal1);
    const fl = flags[i];
    if (fl) for (const g of fl) push(flagHash(g).g);
    const fp = flags[i - 1];
    if (fp) for (const g of fp) push(flagHash(g).gm1);
    const fn = flags[i + 1];
    if (fn) for (const g of fn) push(flagHash(g).gp1);
  }
  offsets[n] = o;
  return { hashes: hashes.subarray(0, o), offsets };
}
