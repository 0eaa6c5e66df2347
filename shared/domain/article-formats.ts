import { cleanText, htmlFragmentToText, htmlToArticle, namesIn, normaliseLanguage } from './article-clean.ts';
import { dateFromKey, dateOfDateLine, normaliseDate } from './article-dates.ts';
import type { DateFrom } from './model.ts';
import { type ArticleReject, hostOf, keepWebUrl, type RawArticle } from './raw-article.ts';

export type { ArticleReject, RawArticle };

export type ArticleFormat = 'text' | 'markdown' | 'html' | 'json' | 'json-array' | 'ndjson';

const extOf = (key: string): string => /\.([a-z0-9]+)$/i.exec(key.split('?')[0] ?? '')?.[1]?.toLowerCase() ?? '';
const stripBom = (s: string): string => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);

const HTML_START =
  /^<(?:!doctype\s+html|html|head|body|meta|title|p|div|article|section|main|span|a|h[1-6]|ul|ol|table|br|header|nav|link|script|style|figure|img|blockquote|em|strong|b|i)\b/i;
const HTML_TAG = /<\/?(?:p|div|br|span|a|article|section|h[1-6]|ul|ol|li|table|em|strong|blockquote)\b[^>]*>/gi;
const MD_HEADING = /^#{1,6}[ \t]+\S/m;
const MD_FRONT_MATTER = /^---[ \t]*\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const MD_LINK = /!?\[[^\]\n]+\]\([^)\s]+(?:\s+"[^"]*")?\)/;
const MD_EMPHASIS = /(?:\*\*|__)[^*_\n]+(?:\*\*|__)/;
const MD_SETEXT = /^\S.*\r?\n(?:=+|-+)[ \t]*$/m;

/** The first line parses as a whole JSON value, and a second line starts another: JSON lines. */
function looksLikeNdjson(head: string, ext: string): boolean {
  const nl = head.indexOf('\n');
  // One line only (or the first line does not end inside the head): we cannot tell; the extension decides.
  if (nl < 0) return ext === 'jsonl' || ext === 'ndjson';
  const first = head.slice(0, nl).trim();
  if (!first.startsWith('{') || !first.endsWith('}')) return false;
  try {
    JSON.parse(first);
  } catch {
    return false;
  }
  const rest = head.slice(nl + 1).trimStart();
  return rest.startsWith('{') || ((ext === 'jsonl' || ext === 'ndjson') && rest === '');
}

/** Content decides; the key's extension is only a tie-breaker. */
export function detectArticleFormat(head: string, key: string): ArticleFormat {
  const ext = extOf(key);
  const s = stripBom(head).trimStart();
  if (s.startsWith('[')) return 'json-array';
  if (s.startsWith('{')) return looksLikeNdjson(s, ext) ? 'ndjson' : 'json';
  if (s.startsWith('<')) {
    if (HTML_START.test(s) || /^<\?xml[^>]*>\s*(?:<!doctype\s+html|<html)/i.test(s) || /^<!--/.test(s)) return 'html';
    if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return 'html';
  }
  // A fragment that does not open with a tag: several HTML tags and no Markdown structure.
  const tags = s.slice(0, 65_536).match(HTML_TAG)?.length ?? 0;
  const markdownish = MD_FRONT_MATTER.test(s) || MD_HEADING.test(s) || MD_SETEXT.test(s);
  if (tags >= 3 && !markdownish) return 'html';
  if (markdownish) return 'markdown';
  const mdHints = (MD_LINK.test(s) ? 1 : 0) + (MD_EMPHASIS.test(s) ? 1 : 0);
  if (mdHints >= 2 || (mdHints === 1 && (ext === 'md' || ext === 'markdown'))) return 'markdown';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  if ((ext === 'html' || ext === 'htm') && tags >= 1) return 'html';
  return 'text';
}

// ---------------------------------------------------------------------------------------------------------------
// JSON shapes

const TITLE_FIELDS = ['title', 'headline', 'webTitle', 'name'] as const;
const BODY_FIELDS = [
  'body',
  'content',
  'text',
  'articleBody',
  'maintext',
  'bodyText',
  'fullText',
  'full_text',
  'article',
  'story',
  'html',
] as const;
const SUMMARY_FIELDS = [
  'description',
  'summary',
  'abstract',
  'excerpt',
  'lead_paragraph',
  'snippet',
  'teaser',
  'standfirst',
] as const;
const URL_FIELDS = ['url', 'link', 'canonical_url', 'canonicalUrl', 'webUrl', 'web_url', 'permalink', 'uri'] as const;
const DATE_FIELDS = [
  'publishedAt',
  'published',
  'published_at',
  'date_publish',
  'publish_date',
  'pubDate',
  'datePublished',
  'pub_date',
  'webPublicationDate',
  'publication_date',
  'publishedDate',
  'date',
  'created_at',
  'createdAt',
  'time',
  'timestamp',
] as const;
const SOURCE_FIELDS = [
  'source',
  'source_domain',
  'domain',
  'site_name',
  'siteName',
  'publisher',
  'source_name',
  'sourceName',
  'site',
  'outlet',
] as const;
const AUTHOR_FIELDS = ['author', 'authors', 'byline', 'creator', 'writer'] as const;
const LANGUAGE_FIELDS = ['language', 'lang', 'inLanguage', 'locale'] as const;
const WRAPPERS = [
  'articles',
  'data',
  'results',
  'items',
  'docs',
  'stories',
  'news',
  'posts',
  'entries',
  'value',
  'hits',
] as const;
/** Objects that hold the fields (Guardian `fields`, WordPress `{rendered}`), looked into one level only. */
const NESTED = ['fields', 'attributes', '_source'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field's string: "x", {rendered: "x"} (WordPress), {value: "x"}, {main: "x"} (NYT headline). Never deeper. */
function stringField(o: Obj, name: string): string | undefined {
  const v = o[name];
  if (typeof v === 'string') return v.trim() && v.trim() !== 'None' ? v : undefined;
  if (isObj(v))
    for (const k of ['rendered', 'value', 'main', '#text', 'text'])
      if (typeof v[k] === 'string' && (v[k] as string).trim()) return v[k] as string;
  return undefined;
}

function firstString(objs: readonly Obj[], names: readonly string[]): string | undefined {
  for (const name of names)
    for (const o of objs) {
      const s = stringField(o, name);
      if (s) return s.replace(/\s+/g, ' ').trim();
    }
  return undefined;
}

// NewsAPI cuts `content` and appends "… [+1234 chars]".
const TRUNCATION_MARK = /\s*…?\s*\[\+\d+ chars\]\s*$/;

function bodyText(raw: string): string {
  const s = raw.replace(TRUNCATION_MARK, '');
  return /<(?:p|div|br|span|a|h[1-6]|ul|li|em|strong|blockquote|figure)\b[^>]*>/i.test(s)
    ? htmlFragmentToText(s)
    : cleanText(s);
}

function dropTitleEcho(body: string, title: string | undefined): string {
  if (!title) return body;
  const key = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  const [first, ...rest] = body.split('\n\n');
  return first !== undefined && key(first) === key(title) && rest.length ? rest.join('\n\n') : body;
}

/** One JSON object → an article, or the reason it is not one. */
export function articleFromJson(value: unknown): RawArticle | { reason: string } {
  if (!isObj(value))
    return {
      reason: `not an article object (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value})`,
    };
  const objs: Obj[] = [value];
  for (const k of NESTED) if (isObj(value[k])) objs.push(value[k] as Obj);

  // The longest real body field wins (news APIs ship a short `content` beside a full `text`, or the reverse).
  let body = '';
  let sawText = false;
  for (const name of BODY_FIELDS)
    for (const o of objs) {
      const s = stringField(o, name);
      if (s) {
        sawText = true;
        const t = bodyText(s);
        if (t.length > body.length) body = t;
      }
    }
  if (!body) {
    for (const name of SUMMARY_FIELDS)
      for (const o of objs) {
        const s = stringField(o, name);
        if (s && !body) {
          sawText = true;
          body = bodyText(s);
        }
      }
  }
  if (!body && sawText) return { reason: 'no body text left after cleaning' };
  if (!body) return { reason: `no body field (expected one of ${[...BODY_FIELDS, ...SUMMARY_FIELDS].join(', ')})` };

  const title = firstString(objs, TITLE_FIELDS);
  const url = firstString(objs, URL_FIELDS);
  let publishedAt: string | undefined;
  for (const name of DATE_FIELDS) {
    for (const o of objs) {
      publishedAt = normaliseDate(o[name]);
      if (publishedAt) break;
    }
    if (publishedAt) break;
  }
  let source: string | undefined;
  for (const name of SOURCE_FIELDS) {
    for (const o of objs) source ??= namesIn(o[name])[0];
    if (source) break;
  }
  source ??= hostOf(url);
  let author: string | undefined;
  for (const name of AUTHOR_FIELDS) {
    for (const o of objs) {
      const names = namesIn(o[name]).map((n) => n.replace(/^by\s+/i, ''));
      if (names.length && !author) author = names.join(', ');
    }
    if (author) break;
  }
  let language: string | undefined;
  for (const name of LANGUAGE_FIELDS) for (const o of objs) language ??= normaliseLanguage(o[name]);

  body = dropTitleEcho(body, title);
  return {
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    ...(source ? { source } : {}),
    ...(author ? { author } : {}),
    ...(publishedAt ? { publishedAt, dateFrom: 'meta' as const } : {}),
    language: language ?? 'en',
    body,
  };
}

/**
 * The articles a parsed JSON document holds: the value itself, an array of them, or a wrapper
 * (`{articles: […]}`, `{data: […]}`, `{response: {results: […]}}`). Wrappers are followed two levels at most,
 * so a document nested 10,000 deep ends in a reject, not a deep walk.
 */
function jsonElements(doc: unknown): { items: unknown[]; batch: boolean } {
  if (Array.isArray(doc)) return { items: doc, batch: true };
  let cur: unknown = doc;
  for (let level = 0; level < 3 && isObj(cur); level++) {
    const o = cur;
    if (BODY_FIELDS.some((k) => k in o) || SUMMARY_FIELDS.some((k) => k in o)) break;
    const wrapped = WRAPPERS.find((k) => Array.isArray(o[k]));
    if (wrapped) return { items: o[wrapped] as unknown[], batch: true };
    const inner = (['response', 'data', 'result', 'payload', 'hits'] as const).find((k) => isObj(o[k]));
    if (!inner) break;
    cur = o[inner];
  }
  return { items: [doc], batch: false };
}

/** Adds an article, its URL kept only if it is a web one (a dropped URL is reported beside the rejects). */
function keep(a: RawArticle, where: string, articles: RawArticle[], rejects: ArticleReject[]): void {
  const k = keepWebUrl(a, where);
  articles.push(k.article);
  if (k.reject) rejects.push(k.reject);
}

function collect(
  items: readonly unknown[],
  where: (i: number) => string,
): { articles: RawArticle[]; rejects: ArticleReject[] } {
  const articles: RawArticle[] = [];
  const rejects: ArticleReject[] = [];
  items.forEach((item, i) => {
    const a = articleFromJson(item);
    if ('reason' in a) rejects.push({ where: where(i), reason: a.reason });
    else if (!a.body) rejects.push({ where: where(i), reason: 'no body text left after cleaning' });
    else keep(a, where(i), articles, rejects);
  });
  return { articles, rejects };
}

/**
 * NDJSON streaming: one line at a time (for big batches). Blank lines give `undefined`; `lineNo` is 1-based. The
 * article's URL is as read: pass it through keepWebUrl before storing it (parseArticles does).
 */
export function parseArticleLine(line: string, lineNo: number): RawArticle | ArticleReject | undefined {
  const s = stripBom(line).trim();
  if (!s) return undefined;
  const where = `line ${lineNo}`;
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch (err) {
    return { where, reason: `invalid JSON: ${(err as Error).message}` };
  }
  const a = articleFromJson(value);
  if ('reason' in a) return { where, reason: a.reason };
  return a.body ? a : { where, reason: 'no body text left after cleaning' };
}

// ---------------------------------------------------------------------------------------------------------------
// Plain text and Markdown

/** A title is short and has no sentence end (BBC titles never do). */
const isTitleLike = (line: string): boolean =>
  line.length > 0 && line.length <= 200 && line.split(/\s+/).length <= 25 && !line.endsWith('.');

/** BBC layout: a short first line followed by a blank line is the title. */
function splitTitle(text: string): { title?: string; rest: string } {
  const m = /^\s*([^\n]{1,200})\n[ \t]*\n([\s\S]*)$/.exec(text);
  if (!m) return { rest: text };
  const first = m[1]!.trim();
  // …and is followed by a body.
  if (!isTitleLike(first) || !m[2]!.trim()) return { rest: text };
  return { title: first, rest: m[2]! };
}

/** How far down a date line may stand: above the story (a title, a byline, the date), not in it. */
const DATE_LINE_WITHIN = 4;

/**
 * A date line among the first lines of a text ("Published: 2 March 2026", "2 March 2026" under the title): the date,
 * and the text without that line. Read before cleaning, which drops such lines as page furniture.
 */
function takeDateLine(text: string): { publishedAt?: string; rest: string } {
  const lines = text.split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length && seen < DATE_LINE_WITHIN; i++) {
    if (!lines[i]!.trim()) continue;
    seen++;
    const date = dateOfDateLine(lines[i]!);
    if (date) return { publishedAt: date, rest: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n') };
  }
  return { rest: text };
}

function parsePlainText(text: string): RawArticle {
  const { publishedAt, rest: undated } = takeDateLine(text.replace(/\r\n?/g, '\n'));
  // Noise first: a scraped page's first line is as likely "Stay informed with free updates" as a title.
  const cleaned = cleanText(undated);
  const { title, rest } = splitTitle(cleaned);
  return {
    ...(title ? { title } : {}),
    ...(publishedAt ? { publishedAt, dateFrom: 'text' as const } : {}),
    language: 'en',
    body: title ? rest : cleaned,
  };
}

interface FrontMatter {
  [key: string]: string | string[];
}

/** The `key: value` subset of YAML front matter (scalars, quoted scalars, `[a, b]` and `- a` lists). */
function parseFrontMatter(block: string): FrontMatter {
  const out: FrontMatter = {};
  let listKey: string | undefined;
  const unquote = (v: string) => v.trim().replace(/^(["'])(.*)\1$/, '$2');
  for (const line of block.split(/\r?\n/)) {
    const item = /^\s+-\s+(.+)$|^-\s+(.+)$/.exec(line);
    if (item && listKey) {
      const prev = out[listKey];
      out[listKey] = [...(Array.isArray(prev) ? prev : []), unquote(item[1] ?? item[2] ?? '')];
      continue;
    }
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    const v = kv[2]!.trim();
    listKey = v === '' ? key : undefined;
    if (v.startsWith('[') && v.endsWith(']')) out[key] = v.slice(1, -1).split(',').map(unquote).filter(Boolean);
    else if (v) out[key] = unquote(v);
  }
  return out;
}

const MD_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

function markdownInline(line: string): string {
  return (
    line
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '') // images (and their alt text: a caption) go
      .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, '$1')
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
      .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
      .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, '')
      .replace(/`([^`]+)`/g, '$1')
      .replace(/(\*\*|__)(?=\S)([^*_]*?\S)\1/g, '$2')
      // Single `_` only at word edges: snake_case and URLs keep theirs.
      .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/g, '$1$2')
      .replace(/(^|[^\w_])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1$2')
      .replace(/~~(?=\S)([^~]*?\S)~~/g, '$1')
      .replace(/&(amp|lt|gt|quot|apos|#39|nbsp);/g, (_, e: string) => MD_ENTITIES[e] ?? '')
      .replace(/\\([\\`*_{}[\]()#+\-.!>|~])/g, '$1')
  );
}

function parseMarkdown(text: string): RawArticle {
  let src = text.replace(/\r\n?/g, '\n');
  let fm: FrontMatter = {};
  const m = MD_FRONT_MATTER.exec(src);
  if (m) {
    fm = parseFrontMatter(m[0].replace(/^---[ \t]*\n/, '').replace(/\n(?:---|\.\.\.)[ \t]*\n?$/, ''));
    src = src.slice(m[0].length);
  }
  const fmDate = normaliseDate(
    fmString(fm, 'date', 'published', 'publishedat', 'published_at', 'pubdate', 'publish_date'),
  );
  const dateLine = fmDate ? { rest: src } : takeDateLine(src);
  src = dateLine.rest;
  const lines = src.split('\n');
  const paragraphs: string[] = [];
  let para: string[] = [];
  let heading: string | undefined;
  let inFence = false;
  // Whether the first paragraph is one plain line (a title candidate when there is no heading), not a list or a block.
  let firstIsLine: boolean | undefined;
  const flush = () => {
    if (para.length) {
      firstIsLine ??= para.length === 1;
      paragraphs.push(para.join(' '));
    }
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\s*(```|~~~)/.test(raw)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      if (raw.trim()) {
        firstIsLine ??= false;
        paragraphs.push(raw.trim());
      }
      continue;
    }
    const line = raw.trim();
    const next = lines[i + 1]?.trim() ?? '';
    if (!line || /^(?:[-*_][ \t]*){3,}$/.test(line)) {
      flush();
      continue;
    }
    if (/^\[[^\]]+\]:\s*\S+/.test(line)) continue; // reference-link definition
    if (/^\|?[\s:|-]+\|[\s:|-]*$/.test(line) && line.includes('-')) continue; // table separator row
    const atx = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/.exec(line);
    const setext = para.length === 0 && next && /^(?:=+|-+)$/.test(next) ? line : undefined;
    if (atx || setext !== undefined) {
      flush();
      const h = markdownInline(atx ? atx[2]! : setext!).trim();
      if (setext !== undefined) i++;
      if (heading === undefined && paragraphs.length === 0 && (!atx || atx[1]!.length <= 2)) heading = h;
      else if (h) {
        firstIsLine ??= false;
        paragraphs.push(h);
      }
      continue;
    }
    const stripped = markdownInline(
      line
        .replace(/^(?:>\s?)+/, '')
        .replace(/^(?:[-*+]|\d{1,3}[.)])\s+/, '')
        .replace(/^\|(.*)\|$/, '$1')
        .replace(/\s*\|\s*/g, ' '),
    );
    if (/^(?:>\s?)*(?:[-*+]|\d{1,3}[.)])\s+/.test(line)) {
      // List items are paragraphs of their own, not soft-wrapped continuations.
      flush();
      if (stripped.trim()) {
        firstIsLine ??= false;
        paragraphs.push(stripped.trim());
      }
      continue;
    }
    if (stripped.trim()) para.push(stripped.trim());
  }
  flush();

  // No front-matter title and no heading: a short first line standing alone is the title, as in plain text.
  let title = fmString(fm, 'title', 'headline') ?? heading;
  if (title === undefined && firstIsLine && paragraphs.length > 1) {
    title = markdownTitleLine(paragraphs[0]!);
    if (title !== undefined) paragraphs.shift();
  }
  const url = fmString(fm, 'url', 'link', 'canonical_url', 'canonical', 'permalink');
  const publishedAt = fmDate ?? dateLine.publishedAt;
  const dateFrom: DateFrom | undefined = fmDate ? 'front-matter' : dateLine.publishedAt ? 'text' : undefined;
  const author = fmString(fm, 'author', 'authors', 'byline');
  const source = fmString(fm, 'source', 'site', 'site_name', 'publisher') ?? hostOf(url);
  const language = normaliseLanguage(fmString(fm, 'lang', 'language')) ?? 'en';
  const body = dropTitleEcho(cleanText(paragraphs.join('\n\n')), title);
  return {
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    ...(source ? { source } : {}),
    ...(author ? { author } : {}),
    ...(publishedAt ? { publishedAt, dateFrom } : {}),
    language,
    body,
  };
}

function fmString(fm: FrontMatter, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = fm[k];
    const s = Array.isArray(v) ? v.join(', ') : v;
    if (s?.trim()) return s.trim();
  }
  return undefined;
}

/** The first paragraph as a title, if it reads as one once cleaned (noise such as "Share." never does). */
function markdownTitleLine(paragraph: string): string | undefined {
  const line = cleanText(paragraph).trim();
  return line && !line.includes('\n') && isTitleLike(line) ? line : undefined;
}

// ---------------------------------------------------------------------------------------------------------------

const DETECT_HEAD = 65_536;

/**
 * An undated article of a one-article file takes the day its key names (`articles/2026-03-02-….txt`). Never the
 * elements of a batch: one file name cannot date the hundreds of articles an export holds.
 */
function keyDated(a: RawArticle, key: string): RawArticle {
  if (a.publishedAt) return a;
  const day = dateFromKey(key);
  return day ? { ...a, publishedAt: day, dateFrom: 'key' } : a;
}

/** A whole (size-limited, already decoded) file → its articles. Bad elements of a batch are reported, not fatal. */
export function parseArticles(
  text: string,
  key: string,
): { format: ArticleFormat; articles: RawArticle[]; rejects: ArticleReject[] } {
  const src = stripBom(text);
  const format = detectArticleFormat(src.slice(0, DETECT_HEAD), key);
  if (!src.trim()) return { format, articles: [], rejects: [{ where: 'file', reason: 'empty file' }] };
  const single = (parsed: RawArticle) => {
    const a = keyDated(parsed, key);
    if (!a.body)
      return { format, articles: [], rejects: [{ where: 'file', reason: 'no body text left after cleaning' }] };
    const articles: RawArticle[] = [];
    const rejects: ArticleReject[] = [];
    keep(a, 'file', articles, rejects);
    return { format, articles, rejects };
  };

  switch (format) {
    case 'html': {
      const a = htmlToArticle(src);
      // Every date a page gives comes from its meta tags or its JSON-LD.
      return single(a.publishedAt ? { ...a, dateFrom: 'meta' } : a);
    }
    case 'markdown':
      return single(parseMarkdown(src));
    case 'text':
      return single(parsePlainText(src));
    case 'ndjson': {
      const articles: RawArticle[] = [];
      const rejects: ArticleReject[] = [];
      src.split(/\r?\n/).forEach((line, i) => {
        const r = parseArticleLine(line, i + 1);
        if (r === undefined) return;
        if ('reason' in r) rejects.push(r);
        else keep(r, `line ${i + 1}`, articles, rejects);
      });
      return { format, articles, rejects };
    }
    case 'json':
    case 'json-array': {
      let doc: unknown;
      try {
        doc = JSON.parse(src);
      } catch (err) {
        return {
          format,
          articles: [],
          rejects: [{ where: 'file', reason: `invalid JSON: ${(err as Error).message}` }],
        };
      }
      const { items, batch } = jsonElements(doc);
      const found = collect(items, (i) => (batch ? `element ${i}` : 'file'));
      if (batch) return { format, ...found };
      return { format, articles: found.articles.map((a) => keyDated(a, key)), rejects: found.rejects };
    }
  }
}
