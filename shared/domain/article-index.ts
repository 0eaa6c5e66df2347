import { articleRefKey, listedEntityId, mentionEntityId, type RefFilter } from './keys.ts';
import type { Article } from './model.ts';

/**
 * The items that list an article (issue 12.1): one reference per listing it falls under: every article (`all`), each
 * entity it mentions, each country, each list of a listed entity it mentions, and `listed` when it names a listed
 * entity. Each item carries what a row of `/articles` shows, so a page is read from one sorted range and
 * never from the articles. A pure function of the stored article: the same article gives the same items, which is how
 * an ingest finds, from the stored article, the items to remove (shared/ingest/articles.ts).
 *
 * Per article: 1 all + E entity + C country + L list (+ 1 listed) items (E, C, L: distinct ones it mentions).
 */
export type IndexItem = { pk: string; sk: string; [k: string]: unknown };

/** The longest snippet kept on a reference (a sentence can run long in scraped text). */
export const SNIPPET_CHARS = 300;

export function articleIndexItems(a: Article): IndexItem[] {
  const text = a.title ? `${a.title}\n\n${a.body}` : a.body;
  const row = {
    articleId: a.id,
    key: a.key,
    ...(a.title ? { title: a.title } : {}),
    ...(a.source ? { source: a.source } : {}),
    ...(a.url ? { url: a.url } : {}),
    ...(a.publishedAt ? { publishedAt: a.publishedAt, ...(a.dateFrom ? { dateFrom: a.dateFrom } : {}) } : {}),
  };
  const refs = new Map<string, { filter: RefFilter; count: number; surfaces: Set<string> }>();
  const add = (id: string, filter: RefFilter, count: number, surface: string) => {
    const r = refs.get(id) ?? { filter, count: 0, surfaces: new Set<string>() };
    r.count += count;
    r.surfaces.add(surface);
    refs.set(id, r);
  };
  let total = 0;
  let listedMentions = 0;
  for (const m of a.mentions) {
    if ((m.kind === 'country' || m.kind === 'location') && m.country) {
      add(`c:${m.country}`, { kind: 'country', code: m.country }, m.count, m.surface);
      total += m.count;
    }
    if (m.kind !== 'person' && m.kind !== 'organization') continue;
    total += m.count;
    if (!m.listed.length) {
      const id = mentionEntityId(m.key);
      add(id, { kind: 'entity', id }, m.count, m.surface);
      continue;
    }
    listedMentions += m.count;
    for (const l of m.listed) {
      const id = listedEntityId(l.list, l.sourceId);
      add(id, { kind: 'entity', id }, m.count, m.surface);
      if (l.name) refs.get(id)!.surfaces.add(l.name);
    }
    for (const list of new Set(m.listed.map((l) => l.list)))
      add(`list:${list}`, { kind: 'list', list }, m.count, m.surface);
  }
  const items: IndexItem[] = [{ ...articleRefKey({ kind: 'all' }, a.publishedAt, a.id), ...row, count: total }];
  // Only the articles that name a listed entity get a `listed` row: a `listed:false` listing would be one more item
  // for most articles (a 20,000-article batch writes each item it adds 20,000 times), and no route needs it.
  if (listedMentions > 0)
    items.push({ ...articleRefKey({ kind: 'listed' }, a.publishedAt, a.id), ...row, count: listedMentions });
  for (const r of refs.values()) {
    const snippet = firstSentenceWith(text, [...r.surfaces]);
    items.push({
      ...articleRefKey(r.filter, a.publishedAt, a.id),
      ...row,
      count: r.count,
      ...(snippet ? { snippet } : {}),
    });
  }
  return items;
}

/** Sentences of a text: split after `.`, `!` or `?` followed by a space, and at line breaks (titles, paragraphs). */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

/**
 * The first sentence that names one of `surfaces` (as a whole word, case folded), cut to SNIPPET_CHARS around it;
 * undefined when none does (a name the extractor normalised beyond its spelling in the text).
 */
export function firstSentenceWith(text: string, surfaces: readonly string[]): string | undefined {
  const needles = surfaces.map((s) => s.toLowerCase()).filter((s) => s.length > 0);
  for (const s of sentences(text)) {
    const lower = s.toLowerCase();
    for (const n of needles) {
      const at = wordIndex(lower, n);
      if (at < 0) continue;
      if (s.length <= SNIPPET_CHARS) return s;
      // Keep the name in view: a window that starts a little before it, room left for an ellipsis each side.
      const room = SNIPPET_CHARS - 2;
      const start = Math.max(0, Math.min(at - 80, s.length - room));
      const end = Math.min(s.length, start + room);
      return `${start > 0 ? '…' : ''}${s.slice(start, end).trim()}${end < s.length ? '…' : ''}`;
    }
  }
  return undefined;
}

/** Index of `needle` in `hay` where it stands as a word (no letter or digit either side), or −1. */
function wordIndex(hay: string, needle: string): number {
  const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1))
    if (!isWord(hay[i - 1]) && !isWord(hay[i + needle.length])) return i;
  return -1;
}
