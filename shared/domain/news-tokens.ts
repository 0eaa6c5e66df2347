/** Word-level tokens of news text with their offsets, for the entity extractor and the place matcher. Pure. */

export interface Token {
  text: string;
  /** Lower case, curly apostrophes folded, for lexicon look-ups. */
  lower: string;
  start: number;
  end: number;
  /** A word (not punctuation or a number). */
  word: boolean;
  /** Starts with a capital ("Blinken", "US", "G7") or is an Arabic-style particle name ("al-Assad"). */
  cap: boolean;
  /** All capitals and longer than an acronym usually is ("WASHINGTON" in a dateline). */
  shout: boolean;
  /** First word of a sentence, line or quotation: its capital says nothing. */
  sentenceStart: boolean;
  /** A line break (or more) lies between this token and the previous one: runs never cross it. */
  breakBefore: boolean;
}

// Possessive 's stays apart ("Putin's" → Putin + 's); abbreviations keep their full stop ("U.S.", "Co.").
const TOKEN =
  /(?:\p{Lu}\.){2,}|(?:Co|Corp|Ltd|Inc|Mr|Mrs|Ms|Dr|St|Jr|Gen|Sen|Rep|Gov|Col|Lt|Adm|Capt|Sgt|Maj|Prof)\.(?!\p{L})|['’]s(?!\p{L})|\p{L}[\p{L}\p{M}\p{N}]*(?:-[\p{L}\p{N}]+|['’](?!s(?!\p{L}))\p{L}+|&\p{Lu}+)*|\p{N}[\p{N},.]*\p{N}|\p{N}|\S/gu;
const PARTICLE_NAME = /^(?:al|el|bin|ibn|abu)-\p{Lu}/u;
// "Moscow-based", "Kremlin-backed", "Beijing-run": the capitalised part is the name, the lower-case tail is not. A
// tail that is no such word stays with the name: Korean given names are written "Seo-yeon", "Jong-un".
const LOWER_TAIL =
  /^(\p{Lu}[\p{L}\p{N}]*)-(?:\p{Ll}[\p{Ll}-]*(?:ed|ing)|born|run|made|style|era|wide|bound|friendly|like|free|only|side|area|level|type|flag|focused|centric|aligned|[\p{Ll}-]*-\p{Ll}+)$/u;

const UPPER = /^\p{Lu}/u;
const LETTER = /^\p{L}/u;
const isUpperAt0 = (t: string) => {
  const c = t.charCodeAt(0);
  return c < 128 ? c >= 65 && c <= 90 : UPPER.test(t);
};
const isLetterAt0 = (t: string) => {
  const c = t.charCodeAt(0);
  return c < 128 ? (c >= 65 && c <= 90) || (c >= 97 && c <= 122) : LETTER.test(t);
};

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let sentenceStart = true;
  let lastEnd = 0;
  for (const m of text.matchAll(TOKEN)) {
    let t = m[0];
    const start = m.index;
    const hyphen = t.includes('-');
    if (hyphen) {
      const tail = LOWER_TAIL.exec(t);
      if (tail && !PARTICLE_NAME.test(t)) t = tail[1]!;
    }
    const nl = text.indexOf('\n', lastEnd);
    const breakBefore = nl !== -1 && nl < start;
    if (breakBefore) sentenceStart = true;
    lastEnd = start + m[0].length;
    if (!isLetterAt0(t)) {
      out.push({
        text: t,
        lower: t,
        start,
        end: start + t.length,
        word: false,
        cap: false,
        shout: false,
        sentenceStart: false,
        breakBefore,
      });
      // An opening quote or bracket keeps the sentence start for the word after it.
      if (t === '.' || t === '!' || t === '?' || t === ':' || t === '—' || t === '–') sentenceStart = true;
      continue;
    }
    const cap = isUpperAt0(t) || (hyphen && PARTICLE_NAME.test(t));
    const lower = t.toLowerCase();
    out.push({
      text: t,
      lower: lower.includes('’') ? lower.replace(/’/g, "'") : lower,
      start,
      end: start + t.length,
      word: true,
      cap,
      shout: cap && t.length > 4 && t === t.toUpperCase() && t !== lower,
      sentenceStart,
      breakBefore,
    });
    sentenceStart = false;
  }
  return out;
}
