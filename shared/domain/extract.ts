/**
 * Named entities in news text: people, organisations, countries, blocs and other places (with their country). Two
 * readers, merged (see mergeSpans): a trained sequence tagger (./ner/: an averaged perceptron over BIO tags, weights
 * committed, nothing downloaded at run time) finds the names, and our rules keep the last word where they beat it —
 * country resolution (names, codes, demonyms, capitals, metonyms, blocs: `findPlaceMentions`), the lexicon's known
 * names, legal forms ending a company's name, organisation keywords, titles kept out of names, page noise, title-case
 * headlines. Pure.
 *
 * Why a tagger: the rules alone found under half of the names in newswire they were not written for (CoNLL-2003 dev
 * split, document-level F1 0.58; the tagger with the rules 0.91: see the README and scripts/eval-ner.ts). `compromise`
 * was measured too and dropped (less accurate than either, and slower).
 */
import { countryName, findPlaceMentions, type PlaceMention } from './countries.ts';
import { BLOCS } from './country-data.ts';
import {
  GIVEN_NAMES,
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
import { GAZETTEER } from './ner/gazetteer.ts';
import { type TaggedSpan, tagTokens } from './ner/tagger.ts';
import { matchPhraseAt } from './phrase-index.ts';

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
  /** Which rule found it (see STRONG_RULES). */
  src: RuleSource;
}
type RuleSource =
  | 'place'
  | 'gaz'
  | 'gazplace'
  | 'legal'
  | 'orgkw'
  | 'title'
  | 'placekw'
  | 'given'
  | 'surname'
  | 'model';

type PlaceAt = Map<number, { length: number; mention: PlaceMention }>;

/** Country/bloc mentions, snapped to token ranges: first token → length and mention. */
export function placesAt(tokens: readonly Token[], places: readonly PlaceMention[]): PlaceAt {
  const placeAt: PlaceAt = new Map();
  const byStart = new Map<number, number>();
  const byEnd = new Map<number, number>();
  for (const [i, t] of tokens.entries()) {
    byStart.set(t.start, i);
    byEnd.set(t.end, i);
  }
  for (const m of places) {
    const i = byStart.get(m.start);
    const j = byEnd.get(m.end);
    if (i !== undefined && j !== undefined && j >= i) placeAt.set(i, { length: j - i + 1, mention: m });
  }
  return placeAt;
}

/** Title-case lines (headlines: "South Korea Holds Freighter Over Illicit Fuel Transfers"): capitals there say nothing. */
function headlineMask(tokens: readonly Token[]): Uint8Array {
  const n = tokens.length;
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
  return headline;
}

/** The rules' reading of the text: every mention they find, as token ranges, with the rule that found it. */
export function ruleSpans(tokens: readonly Token[], placeAt: PlaceAt): Pending[] {
  const n = tokens.length;
  // Words the text also uses in lower case are common words, not names ("Entity List" when "list" occurs).
  const lowerWords = new Set<string>();
  for (const t of tokens) if (t.word && !t.cap) lowerWords.add(t.lower);

  const headline = headlineMask(tokens);
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
    found.push({
      a: i,
      b: i + p.length,
      kind: p.mention.kind,
      country: p.mention.code,
      via: p.mention.via,
      src: 'place',
    });

  const classifyResidual = (a: number, b: number, personHint: boolean) => {
    if (!personHint) while (a < b && STOP_CAPITALS.has(tokens[a]!.lower) && !tokens[a]!.shout) a++;
    while (b > a && !tokens[b - 1]!.cap) b--;
    if (a >= b) return;
    const len = b - a;
    const first = tokens[a]!;
    const last = tokens[b - 1]!;
    if (len >= 2 && PLACE_KEYWORDS.has(last.lower)) return void found.push({ a, b, kind: 'location', src: 'placekw' });
    if (personHint) return void found.push({ a, b, kind: 'person', src: 'title' });
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
      found.push({ a, b, kind: 'person', src: 'given' });
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
              ? { a: i, b: i + gl, kind: 'person', full: v.full, src: 'gaz' }
              : v.kind === 'location'
                ? { a: i, b: i + gl, kind: 'location', src: 'gazplace', ...(v.country ? { country: v.country } : {}) }
                : { a: i, b: i + gl, kind: 'organization', src: 'gaz' },
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
      found.push({ a, b: k + 1, kind: 'organization', src: 'legal' });
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
      return void found.push({ a, b, kind: 'organization', src: 'orgkw' });
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
        // Nor does it join a place to a name: "Canada and the European Union" are two, "Trinidad and Tobago" one place
        // (the place matcher spans all of it, so the place before "and" is not exactly the segment).
        const placeBefore = placeAt.get(i)?.length === segment;
        if (
          v?.word &&
          v.cap &&
          !v.breakBefore &&
          k - j <= 3 &&
          !STOP_CAPITALS.has(v.lower) &&
          !(andJoin && (segment > 1 || placeBefore))
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
    if (full) found.push({ a: i, b: i + 1, kind: 'person', full, src: 'surname' });
  }

  return found.sort((x, y) => x.a - y.a);
}

/**
 * Rules that beat the tagger where they fire: country resolution (names, codes, demonyms, capitals, metonyms, blocs),
 * names of the lexicon, legal forms ending an organisation's name. Where the tagger and one of these disagree on the
 * same words, the rule is taken. (Titles are kept out of the tagger's names where it finds them: see mergeSpans.)
 */
const STRONG_RULES: ReadonlySet<RuleSource> = new Set(['place', 'gaz', 'legal']);
const PLACE_RULES: ReadonlySet<RuleSource> = new Set(['place', 'gazplace']);
const MODEL_KIND = { PER: 'person', ORG: 'organization', LOC: 'location' } as const;

/**
 * The tagger's spans and the rules' together: strong rules first, then the tagger, then what the other rules found
 * where the tagger found nothing. A tagger span that holds a place and more ("Spartak Moscow", "Bank of China") is a
 * name of its own and wins over the place, except that a country abbreviation before it stands apart ("U.S. Treasury").
 */
function mergeSpans(
  tokens: readonly Token[],
  placeAt: PlaceAt,
  rules: Pending[],
  tagged: readonly TaggedSpan[],
): Pending[] {
  // Lines in capitals ("BASEBALL - MAJOR LEAGUE STANDINGS"): capitals there say nothing the rules can read, but the
  // tagger, trained on such headlines, can; only the country rules still speak there.
  const shouted = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; ) {
    let j = i + 1;
    while (j < tokens.length && !tokens[j]!.breakBefore) j++;
    if (!tokens.slice(i, j).some((t) => t.word && t.text !== t.text.toUpperCase())) shouted.fill(1, i, j);
    i = j;
  }
  rules = rules.filter((r) => r.src === 'place' || !shouted[r.a]);
  const taken = new Uint8Array(tokens.length);
  const out: Pending[] = [];
  const free = (a: number, b: number) => {
    for (let k = a; k < b; k++) if (taken[k]) return false;
    return true;
  };
  const take = (p: Pending) => {
    taken.fill(1, p.a, p.b);
    out.push(p);
  };
  const modelSpan = (t: TaggedSpan, a = t.a): Pending | undefined => {
    if (t.type === 'MISC') return undefined; // not an entity we count (demonyms come from the country rules)
    const b = t.b;
    // Titles and sentence words stay out of a name ("President", "Mr."); a span of page noise alone is dropped.
    if (t.type === 'PER')
      while (
        a < b - 1 &&
        (isTitleWord(tokens[a]!) || STOP_CAPITALS.has(bare(tokens[a]!))) &&
        !SURNAME_FIRST.has(tokens[a]!.lower)
      )
        a++;
    // "The" is no part of an organisation named by its kind ("the State Department"), unlike a place ("The Oval").
    else if (t.type === 'ORG' && tokens[a]!.lower === 'the' && tokens.slice(a + 1, b).some(isOrgCue)) a++;
    if (a >= b) return undefined;
    if (tokens.slice(a, b).every((k) => STOP_CAPITALS.has(bare(k)) || !k.word)) return undefined;
    const p: Pending = { a, b, kind: MODEL_KIND[t.type], src: 'model' };
    if (t.type === 'LOC') {
      const g = matchPhraseAt(GAZETTEER, tokens, a);
      if (g && g.length === b - a && g.value.kind === 'location' && g.value.country) p.country = g.value.country;
    }
    return p;
  };
  // The tagger's spans, cut at a lower-case "or" ("Bank of China or Industrial and Commercial Bank of China") and a
  // possessive ("Treasury's Office of Foreign Assets Control"), without a
  // title word before a title ("Treasury" in "Treasury Secretary Janet Yellen": the title is not an organisation).
  const model: TaggedSpan[] = [];
  for (const t of tagged) {
    let a = t.a;
    for (let k = t.a; k <= t.b; k++) {
      const cut =
        (tokens[k]?.lower === 'or' && !tokens[k]!.cap) ||
        (tokens[k]?.lower === "'s" && tokens.slice(k + 1, t.b).some(isOrgCue));
      if (k < t.b && !cut) continue;
      if (k > a) model.push({ a, b: k, type: t.type });
      a = k + 1;
    }
  }
  const titled = (t: TaggedSpan) =>
    t.b - t.a === 1 &&
    TITLE_MODIFIERS.has(bare(tokens[t.a]!)) &&
    !!tokens[t.b] &&
    isTitleHead(tokens[t.b]!) &&
    tokens[t.b]!.cap;
  // In a title-case headline (the text's first line: an article's title) the tagger's reading is only taken for names
  // the text also gives below it: such capitals say nothing ("South Korea Holds Freighter Over Illicit Fuel Transfers"). Tables
  // of results further down look like headlines too, and there the tagger is right.
  const headline = headlineMask(tokens);
  for (let k = 1; k < tokens.length; k++) if (tokens[k]!.breakBefore) headline.fill(0, k);
  const textOf = (t: TaggedSpan) =>
    tokens
      .slice(t.a, t.b)
      .map((k) => k.lower)
      .join(' ');
  const bodyNames = new Set(model.filter((t) => !headline[t.a] || shouted[t.a]).map(textOf));
  const spans = model.filter((t) => !titled(t) && (!headline[t.a] || shouted[t.a] || bodyNames.has(textOf(t))));
  const within = (x: { a: number; b: number }, y: { a: number; b: number }) => x.a >= y.a && x.b <= y.b;
  // Which rule and tagger spans cover each token: finding what overlaps a span costs its length, not the article's
  // count of spans (a long article has thousands).
  const coverOf = <T extends { a: number; b: number }>(list: readonly T[]) => {
    const at: (T[] | undefined)[] = new Array(tokens.length);
    for (const x of list) for (let k = x.a; k < x.b; k++) (at[k] ??= []).push(x);
    return (y: { a: number; b: number }): T[] => {
      const out = new Set<T>();
      for (let k = y.a; k < y.b; k++) for (const x of at[k] ?? []) out.add(x);
      return [...out];
    };
  };
  const rulesOver = coverOf(rules);
  const spansOver = coverOf(spans);
  // 1. Longer names the tagger found around a place or a known organisation: "Spartak Moscow", "Garanti BBVA".
  // A legal form ends a name the tagger may have found whole ("Douglas & Lomason Co").
  const nameRule = (r: Pending) =>
    PLACE_RULES.has(r.src) || (r.src === 'gaz' && r.kind === 'organization') || r.src === 'legal';
  for (const t of spans) {
    if (t.type === 'MISC' || (t.type === 'PER' && t.b - t.a < 2)) continue;
    const inner = rulesOver(t).filter(
      (r) =>
        nameRule(r) &&
        within(r, t) &&
        r.b - r.a < t.b - t.a &&
        (r.src !== 'legal' || (r.b === t.b && t.type === 'ORG')),
    );
    if (!inner.length) continue;
    if (rulesOver(t).some((r) => !within(r, t) || (STRONG_RULES.has(r.src) && !nameRule(r)))) continue;
    const head = inner[0]!;
    let a = t.a;
    const headText = tokens
      .slice(head.a, head.b)
      .map((k) => k.text)
      .join(' ');
    if (head.a === t.a && head.src === 'place' && PREFIX_CODES.has(headText)) {
      take(head);
      a = head.b;
    }
    const p = modelSpan(t, a);
    if (p && free(p.a, p.b)) take(p);
  }
  // 2. An organisation's keyword beats the tagger's reading of its words as a place or something else ("High Court",
  // "Bangladesh Bank", "Arab League"), or as pieces ("Turkish" + "Statistical Institute", "Council" + "European Union").
  for (const r of rules) {
    if (r.src !== 'orgkw' || !free(r.a, r.b)) continue;
    // The name of a country or bloc that holds an organisation's keyword ("Russian Federation", "Council of the European
    // Union") is that country or bloc (though "Bank of China" is a bank); a metonym ("State Department", "Foreign Office") stays an organisation.
    const place = placeAt.get(r.a);
    const named = place?.mention.via === 'name' || place?.mention.via === 'code';
    if (place?.length === r.b - r.a && named && !ORG_KEYWORDS.has(tokens[r.a]!.lower)) {
      const m = place.mention;
      take({ a: r.a, b: r.b, kind: m.kind, country: m.code, via: m.via, src: 'place' });
      continue;
    }
    const g = matchPhraseAt(GAZETTEER, tokens, r.a);
    if (g?.value.kind === 'location' && g.length === r.b - r.a) continue; // "West Bank"
    const inside = spansOver(r);
    if (!inside.length || inside.some((t) => !within(t, r) || t.type === 'PER')) continue;
    if (inside.some((t) => t.a === r.a) && inside.some((t) => t.b === r.b)) take(r);
  }
  // 3. The strong rules; 4. the tagger (its MISC spans hold their words but are not entities we count); 5. the rest.
  // A legal form after a person's name does not make the person a company ("Lynn Reaser of Barnett Banks Inc.").
  const personAt = (r: Pending) => spansOver(r).some((t) => t.type === 'PER');
  for (const r of rules) if (STRONG_RULES.has(r.src) && free(r.a, r.b) && !(r.src === 'legal' && personAt(r))) take(r);
  for (const t of spans) {
    if (t.type === 'MISC') {
      if (free(t.a, t.b)) taken.fill(1, t.a, t.b);
      continue;
    }
    const p = modelSpan(t);
    if (p && free(p.a, p.b)) take(p);
  }
  for (const r of rules) if (!STRONG_RULES.has(r.src) && free(r.a, r.b)) take(r);
  return out.sort((x, y) => x.a - y.a);
}

/** Every entity mention in the text, in order of appearance. */
export function findEntitySpans(text: string): EntitySpan[] {
  const tokens = tokenize(text);
  const places = findPlaceMentions(text);
  const placeAt = placesAt(tokens, places);
  const found = mergeSpans(tokens, placeAt, ruleSpans(tokens, placeAt), tagTokens(text, tokens, places));
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

/** A country or bloc is named by itself ("China", "European Union"), never by the form that happened to come first. */
const placeName = (s: EntitySpan): string | undefined =>
  !s.country
    ? undefined
    : s.kind === 'country'
      ? countryName(s.country)
      : s.kind === 'bloc'
        ? (BLOCS[s.country]?.names[0] ?? s.country)
        : undefined;

/**
 * Names what extractEntities reads, stored with every article it read (Article.extractedBy): a proportional relink
 * links a stored reading again only when it is this extractor's. Change it with any change to what the extractor
 * finds; test/unit/extract/extractor-version.test.ts fails until you do.
 */
export const EXTRACTOR_VERSION = 'radar-extract/2026-12-02';

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
    // Surfaces are the spans that name the entity: a demonym ("Chinese") counts for China but does not name it.
    const names = s.via !== 'demonym';
    if (cur) {
      cur.count++;
      if (names && !cur.surfaces.includes(s.text)) cur.surfaces.push(s.text);
      // The longest form names the entity ("Antony Blinken" over "Blinken").
      if (s.kind !== 'country' && s.kind !== 'bloc' && s.text.length > cur.name.length) cur.name = s.text;
    } else {
      const e: ExtractedEntity = {
        name: s.kind === 'person' ? name : (placeName(s) ?? s.text),
        key,
        kind: s.kind,
        count: 1,
        surfaces: names ? [s.text] : [],
      };
      if (s.country && s.kind !== 'bloc') e.country = s.country;
      groups.set(key, e);
    }
  }
  return [...groups.values()];
}
