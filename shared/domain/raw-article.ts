/**
 * What the article readers produce, before analysis: a leaf module (it imports nothing), so the readers
 * (article-formats.ts, article-clean.ts) and the analysis (article.ts) all take the types from here and none imports
 * another only for a type.
 */
export interface RawArticle {
  title?: string;
  /** The article's web address: only ever an `http:` or `https:` URL (see keepWebUrl). */
  url?: string;
  source?: string;
  author?: string;
  /** ISO 8601 date (`YYYY-MM-DD`) or UTC timestamp (`YYYY-MM-DDTHH:MM:SSZ`). */
  publishedAt?: string;
  /** Where `publishedAt` came from; set whenever it is (the values of model.ts's DATE_SOURCES). */
  dateFrom?: 'meta' | 'front-matter' | 'text' | 'key';
  /** Primary language subtag, lower case (`en`). */
  language?: string;
  /** Clean text, paragraphs separated by blank lines. */
  body: string;
}

export interface ArticleReject {
  where: string;
  reason: string;
  /**
   * Set when only a field was dropped and the article itself was kept (a `javascript:` URL): the ingest reports it
   * with the rejections but counts no rejected record for it.
   */
  kept?: true;
}

const WEB_PROTOCOLS = new Set(['http:', 'https:']);

/** `url` parsed, when it is an absolute http(s) URL; anything else (`javascript:`, `data:`, relative) is not. */
function webUrl(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return WEB_PROTOCOLS.has(u.protocol) ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `url` is an absolute `http:` or `https:` URL, the only kind stored as an article's address. */
export const isWebUrl = (url: string | undefined): boolean => webUrl(url) !== undefined;

/** The host of a web URL, as the article's source when it names none. */
export const hostOf = (url: string | undefined): string | undefined => webUrl(url)?.hostname || undefined;

/**
 * Keeps an article's URL only if it is a web one: the API serves it as a link (`/entities/{id}` → the dashboard), so a
 * `javascript:` or `data:` URL must never be stored. Anything else is dropped, with a reason saying so.
 */
export function keepWebUrl(a: RawArticle, where: string): { article: RawArticle; reject?: ArticleReject } {
  if (a.url === undefined || webUrl(a.url)) return { article: a };
  const { url, ...article } = a;
  const shown = url.length > 80 ? `${url.slice(0, 80)}…` : url;
  return {
    article,
    reject: { where, reason: `URL ${JSON.stringify(shown)} dropped: only http: and https: URLs are kept`, kept: true },
  };
}
