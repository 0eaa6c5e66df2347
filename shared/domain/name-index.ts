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
  /**
   * First word → its branch of the trie, or the forms that start with it while the branch is not built yet: it is
   * built the first time a text has the word. One map, so a word no form starts with costs one lookup.
   */
  private readonly branches = new Map<string, TrieNode | string[]>();

  constructor(private readonly index: NameIndex) {
    // Only grouped here, not built: a relink right after a rebuild links a few articles, which meet a few hundred of
    // the index's first words, where building the whole trie took ~0.25 s at 15,000 entities (issue 17.4).
    for (const form of Object.keys(index.forms)) {
      const space = form.indexOf(' ');
      const first = space < 0 ? form : form.slice(0, space);
      const forms = this.branches.get(first) as string[] | undefined;
      if (forms) forms.push(form);
      else this.branches.set(first, [form]);
    }
  }

  /** The trie's node for a first word (its forms' branch, built on first use); undefined when no form starts so. */
  private branch(first: string): TrieNode | undefined {
    const b = this.branches.get(first);
    if (!Array.isArray(b)) return b;
    const root: TrieNode = { next: new Map() };
    for (const form of b) {
      let node = root;
      for (const t of form.split(' ').slice(1)) {
        let n = node.next.get(t);
        if (!n) node.next.set(t, (n = { next: new Map() }));
        node = n;
      }
      node.hits = this.index.forms[form];
    }
    this.branches.set(first, root);
    return root;
  }

  get size(): number {
    return this.index.entities.length;
  }

  find(text: string): NameMatch[] {
    const tokens = matchTokens(text);
    const out: NameMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      let node = this.branch(tokens[i]!.t);
      let best: { j: number; hits: number[] } | undefined = node?.hits ? { j: i, hits: node.hits } : undefined;
      for (let j = i + 1; node && j < tokens.length; j++) {
        node = node.next.get(tokens[j]!.t);
        if (node?.hits) best = { j, hits: node.hits };
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
