import { foldChars, isLegalForm, isMatchable, nameTokens, nameVariants, stripLegalForms } from './names.ts';

/** A listed entity as the linker needs it. */
export interface IndexedEntity {
  list: string;
  sourceId: string;
  name: string;
  type: string;
  countries: string[];
}

/** The compact, serialisable name index written to S3 after a list version is swapped in (design §4). */
export interface NameIndex {
  format: 'radar-name-index/1';
  entities: IndexedEntity[];
  /** normalised form → indices into `entities` */
  forms: Record<string, number[]>;
}

export function buildNameIndex(entities: Iterable<IndexedEntity & { aliases?: string[] }>): NameIndex {
  const out: NameIndex = { format: 'radar-name-index/1', entities: [], forms: {} };
  for (const e of entities) {
    const idx =
      out.entities.push({ list: e.list, sourceId: e.sourceId, name: e.name, type: e.type, countries: e.countries }) - 1;
    const forms = new Set<string>();
    for (const n of [e.name, ...(e.aliases ?? [])])
      for (const f of nameVariants(n, e.type)) if (isMatchable(f)) forms.add(f);
    for (const f of forms) (out.forms[f] ??= []).push(idx);
  }
  return out;
}

export interface NameMatch {
  start: number;
  end: number;
  text: string;
  form: string;
  entities: IndexedEntity[];
}

interface TrieNode {
  next: Map<string, TrieNode>;
  hits?: number[];
}

/** A word of a text as the matcher sees it: folded, with where it stands and whether it is written capitalised. */
export interface MatchToken {
  t: string;
  start: number;
  end: number;
  cap: boolean;
}

/**
 * The text's words as `NameMatcher.find` walks them. Exported so that the name postings (name-postings.ts) see exactly
 * the words the matcher sees: one tokeniser, or "an article whose links could change" would drift from the linker.
 */
export function matchTokens(text: string): MatchToken[] {
  const tokens: MatchToken[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)) {
    const raw = m[0];
    const folded = foldChars(raw).replace(/['’]/g, '');
    if (!folded) continue;
    tokens.push({
      t: folded,
      start: m.index,
      end: m.index + raw.length,
      cap: /^\p{Lu}/u.test(raw) || /^\p{N}/u.test(raw),
    });
  }
  return tokens;
}

/** Words that may stand lower-case inside a capitalised name ("Bank of China", "Abu Bakr al-Baghdadi"). */
export const CONNECTORS = new Set([
  'of',
  'and',
  'for',
  'the',
  'de',
  'del',
  'da',
  'do',
  'dos',
  'van',
  'von',
  'der',
  'al',
  'el',
  'bin',
  'ibn',
  'bint',
  'abu',
  'y',
  'e',
  'la',
  'le',
  'du',
]);

/**
 * Finds listed names in text in one pass over its tokens (a token trie walked from each position, leftmost-longest),
 * then keeps only matches that look like proper names in the text: every word capitalised except connectors.
 */
export class NameMatcher {
  private readonly root: TrieNode = { next: new Map() };
  private readonly maxDepth: number;

  constructor(private readonly index: NameIndex) {
    let depth = 0;
    for (const [form, ids] of Object.entries(index.forms)) {
      const tokens = form.split(' ');
      depth = Math.max(depth, tokens.length);
      let node = this.root;
      for (const t of tokens) {
        let n = node.next.get(t);
        if (!n) node.next.set(t, (n = { next: new Map() }));
        node = n;
      }
      node.hits = ids;
    }
    this.maxDepth = depth;
  }

  get size(): number {
    return this.index.entities.length;
  }

  find(text: string): NameMatch[] {
    const tokens = matchTokens(text);
    const out: NameMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      let node: TrieNode | undefined = this.root;
      let best: { j: number; hits: number[] } | undefined;
      for (let j = i; j < tokens.length && j - i < this.maxDepth; j++) {
        node = node.next.get(tokens[j]!.t);
        if (!node) break;
        if (node.hits) best = { j, hits: node.hits };
      }
      // "Rosneft Oil Company": the index holds the name without its legal form; the match takes it in.
      while (best && best.j + 1 < tokens.length && tokens[best.j + 1]!.cap && isLegalForm(tokens[best.j + 1]!.t))
        best.j++;
      if (best && this.looksLikeAName(tokens, i, best.j)) {
        const start = tokens[i]!.start;
        const end = tokens[best.j]!.end;
        out.push({
          start,
          end,
          text: text.slice(start, end),
          form: tokens
            .slice(i, best.j + 1)
            .map((t) => t.t)
            .join(' '),
          entities: best.hits.map((h) => this.index.entities[h]!),
        });
        i = best.j + 1;
      } else i++;
    }
    return out;
  }

  private looksLikeAName(tokens: { t: string; cap: boolean }[], i: number, j: number): boolean {
    if (!tokens[i]!.cap || !tokens[j]!.cap) return false;
    for (let k = i + 1; k < j; k++) if (!tokens[k]!.cap && !CONNECTORS.has(tokens[k]!.t)) return false;
    return true;
  }
}

/** Normalised form of a name as the index stores it (for exact lookups of extracted names). */
export const formOf = (name: string): string => stripLegalForms(nameTokens(name)).join(' ');
