/** Longest-match look-up of multi-word phrases over tokens (gazetteers of places, organisations, people). Pure. */
import { tokenize, type Token } from './news-tokens.ts';

export interface PhraseIndex<V> {
  /** First token (lower case) → phrases starting with it, longest first. */
  readonly byFirst: Map<string, { words: string[]; exact: string[]; value: V }[]>;
}

export function buildPhraseIndex<V>(entries: Iterable<readonly [phrase: string, value: V]>): PhraseIndex<V> {
  const byFirst = new Map<string, { words: string[]; exact: string[]; value: V }[]>();
  for (const [phrase, value] of entries) {
    const toks = tokenize(phrase).filter((t) => t.word || t.text === '&');
    if (!toks.length) continue;
    const entry = { words: toks.map((t) => t.lower), exact: toks.map((t) => t.text), value };
    const list = byFirst.get(entry.words[0]!) ?? [];
    if (!list.some((e) => e.words.join(' ') === entry.words.join(' '))) list.push(entry);
    list.sort((a, b) => b.words.length - a.words.length);
    byFirst.set(entry.words[0]!, list);
  }
  return { byFirst };
}

const isAcronym = (s: string) => s.length <= 4 && s === s.toUpperCase() && /\p{Lu}/u.test(s);

/**
 * The longest phrase starting at token `i` (word tokens only, consecutive, no line break inside). Acronyms in the index
 * ("US", "UN") match only as written, so "us" and "Un" never do; other words match in any case, with a capital first.
 */
export function matchPhraseAt<V>(
  index: PhraseIndex<V>,
  tokens: readonly Token[],
  i: number,
): { length: number; value: V } | undefined {
  const first = tokens[i];
  if (!first?.word || !first.cap) return undefined;
  const candidates = index.byFirst.get(first.lower);
  if (!candidates) return undefined;
  outer: for (const c of candidates) {
    for (let k = 0; k < c.words.length; k++) {
      const t = tokens[i + k];
      if (!t || t.lower !== c.words[k] || (k > 0 && t.breakBefore)) continue outer;
      const exact = c.exact[k]!;
      if (isAcronym(exact) && t.text !== exact) continue outer;
    }
    const last = tokens[i + c.words.length - 1]!;
    if (!last.cap && last.word) continue;
    return { length: c.words.length, value: c.value };
  }
  return undefined;
}
