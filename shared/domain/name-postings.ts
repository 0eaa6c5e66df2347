import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CONNECTORS, matchTokens, type NameIndex } from './name-index.ts';

/**
 * Name postings (issue 17.4): which stored article objects a change of the name index can relink. Pure.
 *
 * What the linker reads of the index is `NameMatcher.find(text)` and nothing else (link.ts: everything else comes from
 * the extractor and the text). `find` walks the text's words; at a word `i` that is not capitalised nothing can match
 * whatever the index holds (looksLikeAName wants a capital first word), and so nothing is found and the walk moves on
 * one word, as with no match. At a capitalised word it takes the longest form of the index that starts there (a longer
 * form shadows a shorter one even when it then fails looksLikeAName), and every form holds at least two words
 * (isMatchable). If the next word is neither capitalised nor a connector, every form starting at `i` fails
 * looksLikeAName (that word is its last or an inner one), so again nothing depends on the index. So what `find` returns
 * depends only on the forms whose first two words stand in the text as "capitalised word, then a capitalised word or
 * a connector", and on the entities those forms name. Keyed by those two words:
 *  - an article is posted under every such pair of its words (`postingKeysOfText`);
 *  - a change of the index is the set of pairs whose forms or entities differ (`changedNameKeys` over two
 *    `nameKeySignature`s).
 * An article whose links can change is then posted under a changed key: exact, not a guess. The converse is loose
 * (an article with "Korea Mining" but not the changed "Korea Mining Development…" is relinked to no effect), which
 * costs work, never correctness.
 */

/** Longer keys are cut (DynamoDB keys are bounded); both sides cut alike, so a cut key is only coarser. */
const MAX_KEY_CHARS = 200;
const keyOf = (first: string, second: string): string => {
  const k = `${first} ${second}`;
  // Cut by code points: half a surrogate pair is no valid string for DynamoDB.
  return k.length <= MAX_KEY_CHARS ? k : Array.from(k).slice(0, MAX_KEY_CHARS).join('');
};

/**
 * A form of fewer than two words would match without a pair: buildNameIndex never makes one (isMatchable), and an
 * index that had one changes this key, which means "every article may change" (a full pass).
 */
export const EVERY_ARTICLE = '*';

/** The name keys an article's text is posted under (the same text `analyseArticle` links: title, blank line, body). */
export function postingKeysOfText(text: string): string[] {
  const tokens = matchTokens(text);
  const keys = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const a = tokens[i]!;
    const b = tokens[i + 1]!;
    if (a.cap && (b.cap || CONNECTORS.has(b.t))) keys.add(keyOf(a.t, b.t));
  }
  return [...keys];
}

/** The text of an article as `analyseArticle` gives it to the linker. */
export const linkedText = (a: { title?: string | undefined; body: string }): string =>
  a.title ? `${a.title}\n\n${a.body}` : a.body;

/** Every key the articles of one object are posted under, sorted (one object's postings). */
export function postingKeysOfArticles(articles: readonly { title?: string | undefined; body: string }[]): string[] {
  const keys = new Set<string>();
  for (const a of articles) for (const k of postingKeysOfText(linkedText(a))) keys.add(k);
  return [...keys].sort();
}

/** The key a form of the index is found under. */
export function nameKeyOfForm(form: string): string {
  const t = form.split(' ');
  return t.length < 2 ? EVERY_ARTICLE : keyOf(t[0]!, t[1]!);
}

/**
 * Per key, a hash of everything the linker can read under it: its forms and, for each, the entities it names in
 * order (list, id, name, type, countries: all of them go into a link). Two indexes link every text alike where their
 * signatures agree.
 */
export function nameKeySignature(index: Pick<NameIndex, 'entities' | 'forms'>): Record<string, string> {
  const byKey = new Map<string, string[]>();
  for (const [form, ids] of Object.entries(index.forms)) {
    const entities = ids.map((i) => {
      const e = index.entities[i]!;
      return [e.list, e.sourceId, e.name, e.type, e.countries];
    });
    const key = nameKeyOfForm(form);
    let forms = byKey.get(key);
    if (!forms) byKey.set(key, (forms = []));
    forms.push(`${form}\u0000${JSON.stringify(entities)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, forms] of byKey)
    out[key] = createHash('sha256').update(forms.sort().join('\n')).digest('base64url').slice(0, 16);
  return out;
}

/** Keys added, removed or changed between two signatures. */
export function changedNameKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const [k, h] of Object.entries(after)) if (!Object.hasOwn(before, k) || before[k] !== h) out.add(k);
  for (const k of Object.keys(before)) if (!Object.hasOwn(after, k)) out.add(k);
  return [...out].sort();
}

/** One stored chunk of the name keys of an object's generation (`OBJ#<h>` / `NAMES#<gen>#<nnnn>`). */
export const NameListSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  gen: z.string(),
  key: z.string(),
  nameKeys: z.array(z.string()),
});
export type NameList = z.infer<typeof NameListSchema>;

/** Keys cut into chunks of at most `maxChars` characters, so no list item nears DynamoDB's 400 KB. */
export function chunkNameKeys(keys: readonly string[], maxChars = 60_000): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const k of keys) {
    if (cur.length && size + k.length + 4 > maxChars) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(k);
    size += k.length + 4;
  }
  if (cur.length) out.push(cur);
  return out;
}
