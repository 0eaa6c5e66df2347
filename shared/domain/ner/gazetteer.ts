/**
 * Gazetteer flags for the tagger's features: which tokens lie inside a country, bloc, demonym, capital or metonym (the
 * country module's own reading of the text) or inside a known place, organisation or person of the extractor's
 * lexicon. Computed from the text and given to ./features.ts per token. Pure.
 */
import { findPlaceMentions, type PlaceMention } from '../countries.ts';
import { KNOWN_ORGS, WELL_KNOWN_PEOPLE } from '../extract-lexicon.ts';
import { tokenize, type Token } from '../news-tokens.ts';
import { buildPhraseIndex, matchPhraseAt } from '../phrase-index.ts';
import { PLACES } from '../place-data.ts';

export type Gazetteer =
  | { kind: 'location'; country?: string }
  | { kind: 'organization' }
  | { kind: 'person'; full: string };

/** Known places, organisations and well-known people, longest match first (shared with the rules in extract.ts). */
export const GAZETTEER = buildPhraseIndex<Gazetteer>([
  ...PLACES.map((p): [string, Gazetteer] => [
    p.name,
    p.country ? { kind: 'location', country: p.country } : { kind: 'location' },
  ]),
  ...KNOWN_ORGS.map((o): [string, Gazetteer] => [o, { kind: 'organization' }]),
  ...WELL_KNOWN_PEOPLE.map((p): [string, Gazetteer] => [p, { kind: 'person', full: p }]),
]);

export interface Range {
  start: number;
  end: number;
}

/**
 * Flags per token of each sentence (token ranges are offsets into `text`). `places` and `tokens` may be given when the
 * caller has them already (the extractor computes both for its rules).
 */
export function gazetteerFlags(
  text: string,
  sentences: readonly (readonly Range[])[],
  places: readonly PlaceMention[] = findPlaceMentions(text),
  tokens: readonly Token[] = tokenize(text),
): (string[] | undefined)[][] {
  const flat: { s: number; k: number; r: Range }[] = [];
  sentences.forEach((sent, s) => {
    sent.forEach((r, k) => {
      flat.push({ s, k, r });
    });
  });
  const out: (string[] | undefined)[][] = sentences.map((s) => new Array(s.length).fill(undefined));
  // Token ranges are in text order: a binary search finds the first token a span touches.
  const mark = (start: number, end: number, flag: string) => {
    let lo = 0;
    let hi = flat.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (flat[mid]!.r.end <= start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo, first = true; i < flat.length && flat[i]!.r.start < end; i++, first = false) {
      const { s, k } = flat[i]!;
      const list = out[s]![k] ?? [];
      list.push(`${flag}:${first ? 'B' : 'I'}`);
      out[s]![k] = list;
    }
  };
  for (const p of places) mark(p.start, p.end, `${p.kind}:${p.via}`);
  for (let i = 0; i < tokens.length; i++) {
    const m = matchPhraseAt(GAZETTEER, tokens, i);
    if (!m) continue;
    mark(tokens[i]!.start, tokens[i + m.length - 1]!.end, `gz:${m.value.kind}`);
    i += m.length - 1;
  }
  return out;
}
