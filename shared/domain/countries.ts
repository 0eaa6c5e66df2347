// Country resolution: free-text list values → ISO 3166-1 alpha-2, and country/bloc mentions in news prose.
// Official names and codes: i18n-iso-countries (en, MIT). Aliases, demonyms, capitals, metonyms, blocs and traps:
// ./country-data.ts (our own tables). Never returns FIPS 10-4 codes: every two-letter input is read as ISO.
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import isoCodes from 'i18n-iso-countries/codes.json' with { type: 'json' };
import {
  BLOCS,
  COUNTRY_ROWS,
  DISPLAY_NAMES,
  HONORIFICS,
  METONYMS,
  NEWS_ALIASES,
  NEWS_CODES,
  NOT_IN_NEWS,
  NOT_PLACES,
  PERSON_LIKE,
  SENTENCE_WORDS,
  US_STATE_LIKE,
  WORD_LIKE_CODES,
  type TableItem,
} from './country-data.ts';

export interface PlaceMention {
  kind: 'country' | 'bloc';
  /** ISO alpha-2 for countries; for blocs a stable tag: 'EU', 'G7', 'G20', 'NATO', 'UN', 'ASEAN', 'BRICS', 'OPEC', 'AU', 'GCC', 'SCO'. */
  code: string;
  /** As in the text. */
  surface: string;
  /** UTF-16 offsets into the text: `text.slice(start, end) === surface`. */
  start: number;
  end: number;
  via: 'name' | 'code' | 'demonym' | 'capital' | 'metonym';
}

const ISO_NAMES = en.countries as Record<string, string | readonly string[]>;
const namesOf = (code: string): readonly string[] => {
  const n = ISO_NAMES[code];
  return n === undefined ? [] : typeof n === 'string' ? [n] : n;
};
const ALPHA2 = new Set(Object.keys(ISO_NAMES));
const ALPHA3 = new Map((isoCodes as readonly (readonly string[])[]).map(([a2 = '', a3 = '']) => [a3, a2]));

/** "Russians", "Iraqis", "Turks" — but not "Britishs", "Swisss", "Chineses". */
const pluralOf = (demonym: string): string | undefined =>
  /(?:ese|sh|ch|ss|s|x|z|ois|y)$/.test(demonym) || /^[A-Z]+$/.test(demonym) ? undefined : `${demonym}s`;

const withPlurals = (demonyms: readonly TableItem[]): TableItem[] =>
  demonyms.flatMap((d) => {
    const p = pluralOf(d.text);
    return p ? [d, { text: p, news: d.news }] : [d];
  });

// ───────────────────────────── list fields ─────────────────────────────

/** Case-, accent-, dot- and punctuation-insensitive key; a leading "the" is dropped ("The Gambia", "the Bahamas"). */
const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[’'`‘\-‐‑–—]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^the /, '');

const LIST_TABLE = new Map<string, string>();
const addListForm = (form: string, code: string): void => {
  const key = fold(form);
  if (key && !LIST_TABLE.has(key)) LIST_TABLE.set(key, code); // first writer wins: the order below is the priority
};
// i18n lists the short name "Congo" under both CG and CD; as a list value it is the ISO short name of CG (UN usage).
addListForm('Congo', 'CG');
for (const code of ALPHA2) for (const n of namesOf(code)) addListForm(n, code);
for (const row of COUNTRY_ROWS) for (const a of row.aliases) addListForm(a.text, row.code);
for (const row of COUNTRY_ROWS) for (const d of withPlurals(row.demonyms)) addListForm(d.text, row.code);
for (const row of COUNTRY_ROWS) for (const c of row.capitals) addListForm(c.text, row.code);
for (const [code, forms] of Object.entries(METONYMS)) for (const m of forms) addListForm(m, code);

/** Empty-cell markers seen in the official files: OFAC `-0- `, UN `na`, OFAC "undetermined". */
const NULL_VALUES = new Set(['', '-0-', 'na', 'n/a', 'none', 'unknown', 'undetermined', 'stateless']);

const lookUp = (text: string): string | undefined => {
  const inverted = /^(.*?)\s*\(([^()]+)\)$/.exec(text); // "Iran (Islamic Republic of)" → "Islamic Republic of Iran"
  const comma = /^([^,]+),\s*(.+)$/.exec(text); //         "Korea, North" → "North Korea"
  const candidates = [
    text,
    inverted ? `${inverted[2]} ${inverted[1]}` : undefined,
    comma ? `${comma[2]} ${comma[1]}` : undefined,
    inverted ? inverted[1] : undefined,
  ];
  for (const c of candidates) {
    const code = c === undefined ? undefined : LIST_TABLE.get(fold(c));
    if (code) return code;
  }
  return undefined;
};

/**
 * One free-text country value from a sanctions list ("Korea, North", "Burma", "Russian Federation",
 * "Iran (Islamic Republic of)", "Congo, Democratic Republic of the", "Palestinian", "Türkiye", "RU", "ru", "Russian"
 * as a nationality) → ISO alpha-2 upper case, or undefined. Never a FIPS code.
 */
export function countryCodeOf(text: string): string | undefined {
  // A list names the same few hundred countries thousands of times: answers are remembered (bounded).
  const known = CODE_MEMO.get(text);
  if (known !== undefined || CODE_MEMO.has(text)) return known;
  if (CODE_MEMO.size >= MEMO_MAX) CODE_MEMO.clear();
  const code = resolveCode(text);
  CODE_MEMO.set(text, code);
  return code;
}
const MEMO_MAX = 10_000;
const CODE_MEMO = new Map<string, string | undefined>();

function resolveCode(text: string): string | undefined {
  // OFAC writes sub-national areas as "Region: Crimea", "Region: Gaza".
  const t = text.trim().replace(/^region:\s*/i, '');
  if (NULL_VALUES.has(t.toLowerCase())) return undefined;
  if (/^[A-Za-z]{2}$/.test(t)) {
    const up = t.toUpperCase();
    if (up === 'UK') return 'GB'; // ISO exceptionally reserves UK for GB; FIPS "UK" means the same state, so no clash
    return ALPHA2.has(up) ? up : undefined; // "EU", "ZZ" and other non-country codes → undefined
  }
  // Alpha-3 only in upper case: "and", "per", "can" are words, "AND"/"PER"/"CAN" codes.
  if (/^[A-Z]{3}$/.test(t) && ALPHA3.has(t)) return ALPHA3.get(t);
  return lookUp(t);
}

/**
 * A free-text field that may enumerate several: "(1) Syria (2) Lebanon", "Syria; Lebanon", "Iran / Iraq" → codes,
 * deduped, in order. A part that does not resolve whole is tried again split on commas and "and" ("Syria, Lebanon and
 * Iraq"), so "Korea, North" and "Bosnia and Herzegovina" stay whole.
 */
export function countryCodesIn(text: string): string[] {
  const out: string[] = [];
  const push = (c: string | undefined): void => {
    if (c && !out.includes(c)) out.push(c);
  };
  // Hedges seen in UN nationality fields: "Sudan/or South Sudan", "Possibly Ethiopian".
  const unhedged = (s: string): string => s.trim().replace(/^(?:or|and|possibly|probably)\s+/i, '');
  for (const part of text.split(/\(?\s*\b\d{1,2}\s*\)|[;/|\n]/)) {
    const p = unhedged(part);
    if (!p) continue;
    const whole = countryCodeOf(p);
    if (whole) push(whole);
    else for (const piece of p.split(/,|\s+and\s+|&/)) push(countryCodeOf(unhedged(piece)));
  }
  return out;
}

/** English short name for display ("CN" → "China", "KP" → "North Korea", "RU" → "Russia"). */
export function countryName(code: string): string | undefined {
  const c = code.trim().toUpperCase();
  return DISPLAY_NAMES[c] ?? namesOf(c)[0];
}

// ───────────────────────────── running text ─────────────────────────────
// One token-trie, built once at module load. The scan tokenises the text with one regex, then does one Map lookup per
// token (plus a few for multi-word phrases): linear in the text length.

/** Words, and dotted abbreviations as one token ("U.S.", "E.U.", "D.C."). */
const TOKEN = /(?:\p{Lu}\.){2,}|[\p{L}\p{M}\p{N}]+/gu;

interface Hit {
  kind: PlaceMention['kind'];
  code: string;
  via: PlaceMention['via'];
}
interface TrieNode {
  next: Map<string, TrieNode>;
  /** undefined: not the end of a phrase; null: a phrase that is *not* a place (consumes the span, emits nothing). */
  hit?: Hit | null;
}

const ROOT = new Map<string, TrieNode>();

/** Separators allowed inside a phrase; anything else (a full stop, a paragraph break, a bracket) ends it. */
const normaliseGap = (text: string, from: number, to: number): string | undefined => {
  const raw = text.slice(from, to);
  if (raw === ' ') return ' ';
  if (raw.length > 3 || raw.includes('\n\n')) return undefined;
  const g = raw.replace(/\s+/g, ' ').replace(/[’‘]/g, "'").replace(/[‐‑–]/g, '-');
  return g === ' ' || g === '-' || g === "'" || g === ', ' || g === '. ' ? g : undefined;
};

const addPhrase = (phrase: string, hit: Hit | null): void => {
  const tokens = [...phrase.matchAll(TOKEN)];
  const first = tokens[0];
  if (!first) return;
  const childOf = (map: Map<string, TrieNode>, key: string): TrieNode => {
    const found = map.get(key);
    if (found) return found;
    const made: TrieNode = { next: new Map() };
    map.set(key, made);
    return made;
  };
  let node = childOf(ROOT, first[0]);
  for (let k = 1; k < tokens.length; k++) {
    const prev = tokens[k - 1]!;
    const cur = tokens[k]!;
    const gap = normaliseGap(phrase, prev.index + prev[0].length, cur.index);
    if (gap === undefined) throw new Error(`country table: unsupported separator in "${phrase}"`);
    node = childOf(node.next, gap + cur[0]);
  }
  if (node.hit === undefined) node.hit = hit; // first writer wins: the order below is the priority
};

const isAbbreviation = (s: string): boolean => /^[A-Z][A-Z.]+$/.test(s);
const newsForms = (items: readonly TableItem[]): string[] => items.filter((i) => i.news).map((i) => i.text);
const country = (code: string, via: Hit['via']): Hit => ({ kind: 'country', code, via });

for (const p of NOT_PLACES) addPhrase(p, null);
for (const [surface, code] of Object.entries(NEWS_CODES)) addPhrase(surface, country(code, 'code'));
for (const [tag, bloc] of Object.entries(BLOCS)) {
  for (const n of bloc.names) addPhrase(n, { kind: 'bloc', code: tag, via: 'name' });
  for (const c of bloc.codes) addPhrase(c, { kind: 'bloc', code: tag, via: 'code' });
  for (const m of bloc.metonyms) addPhrase(m, { kind: 'bloc', code: tag, via: 'metonym' });
}
for (const [surface, code] of Object.entries(NEWS_ALIASES)) addPhrase(surface, country(code, 'name'));
for (const code of ALPHA2) {
  for (const n of namesOf(code)) {
    // Inverted and bracketed official forms ("Korea, Republic of", "Saint Martin (French part)") never occur in prose.
    if (NOT_IN_NEWS.has(n) || /[,()]/.test(n)) continue;
    addPhrase(n.replace(/^The /, ''), country(code, 'name'));
  }
}
for (const row of COUNTRY_ROWS) {
  for (const a of newsForms(row.aliases)) {
    if (/[,()]/.test(a)) continue;
    addPhrase(a.replace(/^the /i, ''), country(row.code, isAbbreviation(a) ? 'code' : 'name'));
  }
}
for (const row of COUNTRY_ROWS)
  for (const d of newsForms(withPlurals(row.demonyms))) addPhrase(d, country(row.code, 'demonym'));
for (const row of COUNTRY_ROWS) for (const c of newsForms(row.capitals)) addPhrase(c, country(row.code, 'capital'));
for (const [code, forms] of Object.entries(METONYMS)) for (const m of forms) addPhrase(m, country(code, 'metonym'));

const isTitleWord = (w: string): boolean => /^\p{Lu}\p{Ll}/u.test(w);

/** True when the line holding [start, end) has no lower-case letter: a shouted headline ("TRUMP SAYS US WILL …"). */
const isAllCapsLine = (text: string, start: number, end: number): boolean => {
  const from = text.lastIndexOf('\n', start) + 1;
  let to = text.indexOf('\n', end);
  if (to < 0) to = text.length;
  return !/\p{Ll}/u.test(text.slice(from, to));
};

/** Every country or bloc mention in running news text, in order of appearance. */
export function findPlaceMentions(text: string): PlaceMention[] {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of text.matchAll(TOKEN)) {
    words.push(m[0]);
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  const n = words.length;
  const word = (k: number): string => words[k] ?? '';
  const gapBefore = (k: number): string | undefined =>
    k > 0 ? normaliseGap(text, ends[k - 1]!, starts[k]!) : undefined;
  /** A capitalised word that is neither a sentence opener nor itself a place: part of a person's or an organisation's name. */
  const isNamePart = (k: number): boolean =>
    k >= 0 && k < n && isTitleWord(word(k)) && !SENTENCE_WORDS.has(word(k)) && !ROOT.has(word(k));

  const vetoed = (i: number, j: number, hit: Hit): boolean => {
    if (hit.via === 'code' && WORD_LIKE_CODES.has(word(i)) && isAllCapsLine(text, starts[i]!, ends[j]!)) return true;
    if (i !== j || !PERSON_LIKE.has(word(i))) return false;
    const before = gapBefore(i);
    const after = i + 1 < n ? gapBefore(i + 1) : undefined;
    if (before === ' ' && isNamePart(i - 1)) return true; //                 "George Washington", "Michael Jordan"
    if (before === '. ' && HONORIFICS.has(word(i - 1))) return true; //     "Mr. Jordan"
    if (before === ', ' && US_STATE_LIKE.has(word(i)) && isNamePart(i - 1)) return true; // "Atlanta, Georgia"
    if (after === ' ' && isNamePart(i + 1)) return true; //                  "Washington Post", "Georgia Tech"
    return false;
  };

  const out: PlaceMention[] = [];
  for (let i = 0; i < n; i++) {
    let node = ROOT.get(word(i));
    if (!node) continue;
    let bestEnd = -1;
    let best: Hit | null | undefined;
    if (node.hit !== undefined) [bestEnd, best] = [i, node.hit];
    for (let j = i + 1; j < n && node.next.size > 0; j++) {
      const gap = gapBefore(j);
      const child: TrieNode | undefined = gap === undefined ? undefined : node.next.get(gap + word(j));
      if (!child) break;
      node = child;
      if (node.hit !== undefined) [bestEnd, best] = [j, node.hit];
    }
    if (bestEnd < 0) continue;
    if (best && !vetoed(i, bestEnd, best)) {
      const start = starts[i]!;
      const end = ends[bestEnd]!;
      out.push({ kind: best.kind, code: best.code, surface: text.slice(start, end), start, end, via: best.via });
    }
    i = bestEnd; // leftmost-longest and non-overlapping; a vetoed or not-a-place span is consumed too
  }
  return out;
}
