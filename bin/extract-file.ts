import { analyseArticle } from '../shared/domain/article.ts';
import { parseArticles } from '../shared/domain/article-formats.ts';
import { decodeBytes } from '../shared/domain/encoding.ts';
import { extractEntities } from '../shared/domain/extract.ts';

export interface ExtractedView {
  name: string;
  kind: string;
  country?: string;
  count: number;
  /** Every distinct span of the text that names it ("Antony Blinken", "Blinken"; "China", "PRC"); no demonyms. */
  surfaces: string[];
}

/** What the pipeline would extract from an article file: the same parser and extractor the ingest function runs. */
export function extractFile(path: string, bytes: Uint8Array): ExtractedView[] {
  const { text } = decodeBytes(bytes);
  const { articles, rejects } = parseArticles(text, path);
  if (articles.length === 0)
    throw new Error(
      `no article found in ${path}${rejects[0] ? `: ${rejects[0].reason} (at ${rejects[0].where})` : ''}`,
    );
  const merged = new Map<string, ExtractedView>();
  articles.forEach((raw, i) => {
    // The extractor's own surfaces, by key (a stored mention keeps only its name); the same text analyseArticle reads.
    const found = extractEntities(raw.title ? `${raw.title}\n\n${raw.body}` : raw.body);
    const surfacesOf = new Map(found.map((e) => [e.key, e.surfaces]));
    for (const m of analyseArticle(path, i, raw, () => found).mentions) {
      const surfaces = surfacesOf.get(m.key) ?? [m.surface];
      const cur = merged.get(m.key);
      if (cur) {
        cur.count += m.count;
        for (const s of surfaces) if (!cur.surfaces.includes(s)) cur.surfaces.push(s);
      } else
        merged.set(m.key, {
          name: m.surface,
          kind: m.kind,
          ...(m.country ? { country: m.country } : {}),
          count: m.count,
          surfaces: [...surfaces],
        });
    }
  });
  return [...merged.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
