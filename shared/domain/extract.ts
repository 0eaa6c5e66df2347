/**
 * Named entities in news text: people, organisations, countries, blocs and other places (with their country), by rules
 * over capitalised word runs plus our own gazetteers — no model, nothing downloaded at run time. Pure.
 *
 * Why rules and not `compromise`: measured on our gold set, compromise alone tags people, organisations and places far
 * less accurately (it reads "state Antony" as a place and misses "Xi Jinping"), and it is several times slower than
 * the 3 ms per 700-word article we can spend (see scripts/eval-ner.ts and the tests). Countries, demonyms, metonyms and
 * blocs come from the country-resolution module (`findPlaceMentions`).
 */
import { findPlaceMentions, type PlaceMention } from './countries.ts';
import {
  GIVEN_NAMES,
  KNOWN_ORGS,
  LEGAL_SUFFIXES,
  NAME_PARTICLES,
  ORG_CONNECTORS,
  ORG_KEYWORDS,
  PLACE_KEYWORDS,
  STOP_CAPITALS,
  SURNAME_FIRST,
  TITLE_HEADS,
  TITLE_MODIFIERS,
  WELL_KNOWN_PEOPLE,
} from './extract-lexicon.ts';
import { tokenize, type Token } from './news-tokens.ts';
import { buildPhraseIndex, matchPhraseAt } from './phrase-index.ts';
import { PLACES } from './place-data.ts';

export type EntityKind = 'person' | 'organization' | 'country' | 'location' | 'bloc';

export interface EntitySpan {
  start: number;
  end: number;
  text: string;
  kind: EntityKind;
  country?: string;
  /** How a country or bloc was named: 'name', 'demonym' ("Chinese"), 'metonym' ("the Kremlin"), … (from the resolver). */
  via?: string;
}

export interface ExtractedEntity {
  name: string;
  /** 'person:antony blinken', 'organization:bank of china', 'country:CN', 'location:shanghai', 'bloc:EU'. */
  key: string;
  kind: EntityKind;
  country?: string;
  count: number;
  surfaces: string[];
}

type Gazetteer = { kind: 'location'; country?: string } | { kind: 'organization' } | { kind: 'person'; full: string };

const GAZETTEER_ROWS: [string, Gazetteer][] = [
  ...PLACES.map((p): [string, Gazetteer] => [
    p.name,
    p.country ? { kind: 'location', country: p.country } : { kind: 'location' },
  ]),
  ...KNOWN_ORGS.map((o): [string, Gazetteer] => [o, { kind: 'organization' }]),
  ...WELL_KNOWN_PEOPLE.map((p): [string, Gazetteer] => [p, { kind: 'person', full: p }]),
];
const GAZETTEER = buildPhraseIndex(GAZETTEER_ROWS);

const surnameOf = (words: readonly string[]): string[] => {
  const first = words[0]?.toLowerCase();
  const last = words[words.length - 1]!.toLowerCase();
  const out = [last.replace(/^(?:al|el)-/, '')];
  if (last.includes('-')) out.push(last);
  // "Xi Jinping", "Kim Jong Un": the family name comes first.
  if (first && SURNAME_FIRST.has(first) && words.length <= 3) out.push(first);
  return out;
};

/** Well-known people by surname ("Putin" → "Vladimir Putin"). */
const FAMOUS_BY_SURNAME = new Map<string, string>();
for (const full of WELL_KNOWN_PEOPLE) {
  const words = full.split(' ');
  for (const s of surnameOf(words)) if (!FAMOUS_BY_SURNAME.has(s)) FAMOUS_BY_SURNAME.set(s, full);
}

const bare = (t: Token) =>
  t.lower.endsWith('.') && !t.lower.slice(0, -1).includes('.') ? t.lower.slice(0, -1) : t.lower;
const isTitleWord = (t: Token) => TITLE_HEADS.has(bare(t)) || TITLE_MODIFIERS.has(bare(t));
const isTitleHead = (t: Token) => TITLE_HEADS.has(bare(t));
// Words around a name that say it is a person's ("…, who", "Wilder said", "said Dennis Wilder").
const PERSON_CUES_AFTER = new Set([
  'said',
  'says',
  'told',
  'added',
  'wrote',
  'who',
  'whose',
  'argued',
  'warned',
  'noted',
]);
const PERSON_CUES_BEFORE = new Set(['said', 'says', 'told', 'by', 'wrote', 'added']);
const isConnector = (t: Token) =>
  !t.cap && (ORG_CONNECTORS.has(t.lower) || NAME_PARTICLES.has(t.lower) || t.text === '&');
const isLegalSuffix = (t: Token) => t.cap && LEGAL_SUFFIXES.has(t.lower);
const isOrgCue = (t: Token) => t.cap && (ORG_KEYWORDS.has(t.lower) || LEGAL_SUFFIXES.has(t.lower));
// Abbreviated country names that prefix an organisation's name without being part of it ("U.S. Treasury Department").
const PREFIX_CODES = new Set(['US', 'U.S.', 'UK', 'U.K.', 'EU']);

interface Pending {
  a: number;
  b: number;
  kind: EntityKind;
  country?: string;
  via?: string;
  /** For people: the full name a surname stands for. */
  full?: string;
}

/** Every entity mention in the text, in order of appearance. */
export function findEntitySpans(text: string): EntitySpan[] {
  const tokens = tokenize(text);
  const n = tokens.length;
  // Country/bloc mentions, snapped to token ranges.
  const placeAt = new Map<number, { length: number; mention: PlaceMention }>();
  {
    const byStart = new Map<number, number>();
    const byEnd = new Map<number, number>();
    for (const [i, t] of tokens.entries()) {
      byStart.set(t.start, i);
      byEnd.set(t.end, i);
    }
    for (const m of findPlaceMentions(text)) {
      const i = byStart.get(m.start);
      const j = byEnd.get(m.end);
      if (i !== undefined && j !== undefined && j >= i) placeAt.set(i, { length: j - i + 1, mention: m });
    }
  }
  // Words the text also uses in lower case are common words, not names ("Entity List" when "list" occurs).
  const lowerWords = new Set<string>();
  for (const t of tokens) if (t.word && !t.cap) lowerWords.add(t.lower);

  // Title-case lines (headlines: "South Korea Holds Freighter Over Illicit Fuel Transfers"): capitals there say nothing.
  const headline = new Uint8Array(n);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && !tokens[j]!.breakBefore) j++;
    const words = tokens.slice(i, j).filter((t) => t.word);
    const caps = words.filter((t) => t.cap).length;
    // A headline has no closing full stop; a sentence dense with names ("Spetstekhimport LLC and …") does.
    const closing = tokens[j - 1]!.text;
    const ends = closing === '.' || closing === '!' || closing === '?' || closing === '”' || closing === '"';
    if (!ends && words.length >= 4 && caps / words.length >= 0.6) headline.fill(1, i, j);
    i = j;
  }
  const hasPersonCue = (a: number, b: number) => {
    const after = tokens[b];
    const after2 = tokens[b + 1];
    const before = tokens[a - 1];
    if (after && PERSON_CUES_AFTER.has(after.lower)) return true;
    if (after?.text === ',' && after2 && ['who', 'whose', 'a', 'an', 'the'].includes(after2.lower)) return true;
    // "…, said a foreign ministry spokesman, Geng Shuang."
    const before2 = tokens[a - 2];
    if (before?.text === ',' && before2 && isTitleHead(before2)) return true;
    return !!before && PERSON_CUES_BEFORE.has(before.lower);
  };

  const found: Pending[] = [];
  const singles: number[] = []; // lone capitalised words left unclassified: surnames, maybe (second pass)

  const emitPlace = (i: number, p: { length: number; mention: PlaceMention }) =>
    found.push({ a: i, b: i + p.length, kind: p.mention.kind, country: p.mention.code, via: p.mention.via });

  const classifyResidual = (a: number, b: number, personHint: boolean) => {
    if (!personHint) while (a < b && STOP_CAPITALS.has(tokens[a]!.lower) && !tokens[a]!.shout) a++;
    while (b > a && !tokens[b - 1]!.cap) b--;
    if (a >= b) return;
    const len = b - a;
    const first = tokens[a]!;
    const last = tokens[b - 1]!;
    if (len >= 2 && PLACE_KEYWORDS.has(last.lower)) return void found.push({ a, b, kind: 'location' });
    if (personHint) return void found.push({ a, b, kind: 'person' });
    if (len === 1) return void singles.push(a);
    if (headline[a]) return;
    if (len > 4) return;
    const nameLike = (t: Token) =>
      t.cap &&
      !t.shout &&
      !STOP_CAPITALS.has(t.lower) &&
      !isTitleWord(t) &&
      (!lowerWords.has(t.lower) || GIVEN_NAMES.has(t.lower));
    const words = tokens.slice(a, b);
    if (headline[a]) return;
    if (
      GIVEN_NAMES.has(first.lower) ||
      (SURNAME_FIRST.has(first.lower) && len <= 3) ||
      (words.every(nameLike) && hasPersonCue(a, b))
    ) {
      found.push({ a, b, kind: 'person' });
    }
  };

  // Places and known names first, then what is left between them.
  const walk = (a: number, b: number, personHint: boolean) => {
    let r = a;
    let i = a;
    const flush = (to: number) => {
      if (to > r) classifyResidual(r, to, personHint);
    };
    while (i < b) {
      const t = tokens[i]!;
      const place = placeAt.get(i);
      const gaz = matchPhraseAt(GAZETTEER, tokens, i);
      const pl = place && i + place.length <= b ? place.length : 0;
      const gl = gaz && i + gaz.length <= b ? gaz.length : 0;
      if ((pl || gl) && !(personHint && r < i)) {
        flush(i);
        if (pl >= gl) emitPlace(i, place!);
        else {
          const v = gaz!.value;
          found.push(
            v.kind === 'person'
              ? { a: i, b: i + gl, kind: 'person', full: v.full }
              : v.kind === 'location'
                ? { a: i, b: i + gl, kind: 'location', ...(v.country ? { country: v.country } : {}) }
                : { a: i, b: i + gl, kind: 'organization' },
          );
        }
        i += Math.max(pl, gl);
        r = i;
        continue;
      }
      if (!t.cap && ORG_CONNECTORS.has(t.lower)) {
        flush(i);
        r = i + 1;
      }
      i++;
    }
    flush(b);
  };

  const classifyRun = (a: number, b: number) => {
    // Sentence-initial function words ("The", "In") and common words the text also writes in lower case ("Shipping
    // insurers…"), unless they begin a known name ("The Hague").
    while (
      a < b &&
      !matchPhraseAt(GAZETTEER, tokens, a) &&
      !placeAt.has(a) &&
      ((STOP_CAPITALS.has(tokens[a]!.lower) && !isTitleWord(tokens[a]!)) ||
        (tokens[a]!.sentenceStart && lowerWords.has(tokens[a]!.lower) && !GIVEN_NAMES.has(tokens[a]!.lower)))
    )
      a++;
    while (a < b && isConnector(tokens[a]!)) a++;
    while (b > a && isConnector(tokens[b - 1]!)) b--;
    if (a >= b) return;
    // A legal form ends an organisation's name: "Gulf Meridian General Trading FZE (of Dubai)".
    for (let k = b - 1; k > a; k--) {
      if (!isLegalSuffix(tokens[k]!) || headline[a]) continue;
      const p = placeAt.get(a);
      if (p && k + 1 - a > p.length && PREFIX_CODES.has(p.mention.surface)) {
        emitPlace(a, p);
        a += p.length;
      }
      found.push({ a, b: k + 1, kind: 'organization' });
      if (k + 1 < b) classifyRun(k + 1, b);
      return;
    }
    const last = tokens[b - 1]!;
    // A title ("Treasury Secretary", "Deputy Secretary of State") introduces a person; what precedes it stands apart.
    if (!isOrgCue(last)) {
      for (let k = a; k < b; k++) {
        if (!isTitleWord(tokens[k]!)) continue;
        let m = k;
        let head = -1;
        while (m < b && (isTitleWord(tokens[m]!) || (tokens[m]!.lower === 'of' && m > k))) {
          if (isTitleHead(tokens[m]!)) head = m;
          m++;
        }
        if (head < 0) {
          k = m - 1;
          continue;
        }
        // The name starts after the last head word ("Secretary of State Antony Blinken": after "State").
        const nameStart = m;
        if (nameStart < b && tokens[nameStart]!.cap) {
          if (k > a) classifyRun(a, k);
          walk(nameStart, b, true);
          return;
        }
        if (nameStart >= b) {
          if (k > a) classifyRun(a, k);
          return;
        }
        k = m - 1;
      }
    }
    // A lone keyword ("Council", "Times") is a back-reference, not a name.
    if (!headline[a] && b - a >= 2 && tokens.slice(a, b).some(isOrgCue)) {
      const p = placeAt.get(a);
      if (p && b - a > p.length && PREFIX_CODES.has(p.mention.surface) && !isConnector(tokens[a + p.length]!)) {
        emitPlace(a, p);
        a += p.length;
      }
      return void found.push({ a, b, kind: 'organization' });
    }
    walk(a, b, false);
  };

  // Maximal runs of capitalised words, joined across lower-case connectors ("Bank of China", "Ursula von der Leyen").
  for (let i = 0; i < n; ) {
    const t = tokens[i]!;
    if (!t.word || !t.cap) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const u = tokens[j]!;
      if (u.breakBefore) break;
      if (u.word && u.cap) {
        j++;
        continue;
      }
      if (isConnector(u)) {
        let k = j;
        while (k < n && isConnector(tokens[k]!) && !tokens[k]!.breakBefore) k++;
        const v = tokens[k];
        // "and" joins one word to a name ("Industrial and Commercial Bank"), never two names ("Samsung Electronics and
        // SK Hynix"); nothing joins a weekday or month ("Treasury Department on Wednesday").
        const segment = j - i;
        const andJoin = tokens.slice(j, k).some((c) => c.lower === 'and' || c.text === '&');
        if (
          v?.word &&
          v.cap &&
          !v.breakBefore &&
          k - j <= 3 &&
          !STOP_CAPITALS.has(v.lower) &&
          !(andJoin && segment > 1)
        ) {
          j = k;
          continue;
        }
      }
      break;
    }
    classifyRun(i, j);
    i = j;
  }

  // Second pass: lone words that are the surname of someone named in full, or of a well-known person.
  const surnames = new Map<string, string>();
  for (const f of found) {
    if (f.kind !== 'person') continue;
    const words = tokens.slice(f.a, f.b).map((t) => t.text);
    if (words.length >= 2) for (const s of surnameOf(words)) if (!surnames.has(s)) surnames.set(s, words.join(' '));
  }
  for (const i of singles) {
    const t = tokens[i]!;
    const key = t.lower.replace(/^(?:al|el)-/, '');
    const full = surnames.get(key) ?? FAMOUS_BY_SURNAME.get(key);
    if (full) found.push({ a: i, b: i + 1, kind: 'person', full });
  }

  found.sort((x, y) => x.a - y.a);
  return found.map((f) => {
    const start = tokens[f.a]!.start;
    const end = tokens[f.b - 1]!.end;
    const span: EntitySpan = { start, end, text: text.slice(start, end), kind: f.kind };
    if (f.country) span.country = f.country;
    if (f.via) span.via = f.via;
    return span;
  });
}

const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Entities of the text with their mention counts: a person named in full and later by surname alone is one person (keyed
 * by the full name); countries and blocs are keyed by code, whatever form named them.
 */
export function extractEntities(text: string): ExtractedEntity[] {
  const spans = findEntitySpans(text);
  // Surname → the full names (of two or more words) it may stand for.
  const fullBySurname = new Map<string, Set<string>>();
  for (const s of spans) {
    if (s.kind !== 'person') continue;
    const words = s.text.split(/\s+/);
    if (words.length < 2) continue;
    for (const sur of surnameOf(words)) {
      const set = fullBySurname.get(sur) ?? new Set<string>();
      set.add(s.text);
      fullBySurname.set(sur, set);
    }
  }
  const famous = (word: string) => FAMOUS_BY_SURNAME.get(word.toLowerCase().replace(/^(?:al|el)-/, ''));
  const groups = new Map<string, ExtractedEntity>();
  for (const s of spans) {
    let name = s.text;
    if (s.kind === 'person' && !/\s/.test(s.text)) {
      const fulls = fullBySurname.get(s.text.toLowerCase().replace(/^(?:al|el)-/, ''));
      // Two different people share the surname: leave the lone surname as it is rather than guess.
      if (fulls?.size === 1) name = [...fulls][0]!;
      else if (!fulls) name = famous(s.text) ?? s.text;
    }
    const key =
      s.kind === 'country' || s.kind === 'bloc' ? `${s.kind}:${s.country ?? fold(name)}` : `${s.kind}:${fold(name)}`;
    const cur = groups.get(key);
    if (cur) {
      cur.count++;
      if (!cur.surfaces.includes(s.text)) cur.surfaces.push(s.text);
      // The longest form names the entity ("Antony Blinken" over "Blinken").
      if (s.kind !== 'country' && s.kind !== 'bloc' && s.text.length > cur.name.length) cur.name = s.text;
    } else {
      const e: ExtractedEntity = {
        name: s.kind === 'person' ? name : s.text,
        key,
        kind: s.kind,
        count: 1,
        surfaces: [s.text],
      };
      if (s.country && s.kind !== 'bloc') e.country = s.country;
      groups.set(key, e);
    }
  }
  return [...groups.values()];
}
