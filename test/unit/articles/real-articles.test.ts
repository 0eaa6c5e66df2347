import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import { hasSharedData, sharedData, SKIP_SHARED } from '../../helpers/shared-data.ts';

// The team's real article files (never copied into the repository). PROVENANCE.md is the oracle for counts, titles and
// publishers. Nothing else of the articles is written here either: where a test must name a passage (the first and last
// words of a story, a byline, a caption), it names its SHA-256 (first 16 hex digits) and its length, and the passage is
// looked up in the file at run time. Site furniture (menu labels like "Sign In") is no one's article and stays literal.

/** A passage named without its text. */
const digest = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);
/** Parts of a file (lines, paragraphs) whose digest is one of `digests`: the passages a test named, found again. */
const named = (parts: readonly string[], digests: readonly string[]): string[] =>
  parts.filter((p) => digests.includes(digest(p)));
describe.skipIf(!hasSharedData)(
  `real articles in ../shared/data/articles (${hasSharedData ? 'present' : SKIP_SHARED})`,
  () => {
    const dir = sharedData('articles');
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d).sort()) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f !== 'PROVENANCE.md') files.push(relative(dir, p));
      }
    };
    if (hasSharedData) walk(dir);
    const provenance = hasSharedData ? readFileSync(join(dir, 'PROVENANCE.md'), 'utf8') : '';
    /** Table rows: file → the "article" column. */
    const rows = new Map(
      [...provenance.matchAll(/^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/gm)].map((m) => [
        m[1]!,
        m[2]!
          .split('|')
          .map((c) => c.trim())
          .at(-1)!,
      ]),
    );
    const parse = (rel: string) => parseArticles(readFileSync(join(dir, rel), 'utf8'), `articles/${rel}`);

    it('every file parses, without rejects, and the totals are the ones PROVENANCE.md states', () => {
      // Prepare
      const [, fileCount, articleCount] = /(\d+) files, (\d+) articles/.exec(provenance) ?? [];
      // Act
      const results = files.map((f) => ({ f, r: parse(f) }));
      // Assess: the table's counts leave out the seed (it is not from a repository).
      const listed = results.filter(({ f }) => rows.has(f));
      expect(listed).toHaveLength(Number(fileCount));
      expect(files.filter((f) => !rows.has(f))).toEqual(['000_0c3ebc7fd213a9e4.txt']);
      for (const { f, r } of results) {
        expect(r.rejects, f).toEqual([]);
        expect(r.articles.length, f).toBeGreaterThan(0);
        for (const a of r.articles) expect(a.body.length, f).toBeGreaterThan(200);
      }
      expect(listed.reduce((n, { r }) => n + r.articles.length, 0)).toBe(Number(articleCount));
    });

    it('the NDJSON batch gives the article count PROVENANCE.md states, with their dates', () => {
      // Prepare
      const stated = Number(/(\d+) RealNews articles/.exec(rows.get('realnews-ndjson/realnews_tiny.jsonl') ?? '')?.[1]);
      // Act
      const r = parse('realnews-ndjson/realnews_tiny.jsonl');
      // Assess
      expect(r.format).toBe('ndjson');
      expect(r.articles).toHaveLength(stated);
      expect(r.articles.map((a) => a.publishedAt)).toEqual([
        '2014-06-13',
        '2014-07-31',
        '2013-04-05',
        '2013-08-16',
        '2016-02-15',
      ]);
      // PROVENANCE.md names the last one's title (in its notes on formats).
      const lastTitle = /"([^"]+)" \(NBC News/.exec(provenance)?.[1];
      expect(lastTitle).toBeDefined();
      expect(r.articles.at(-1)!.title).toBe(lastTitle);
      // Its noise, as paragraphs of the raw text: bylines at the top, a "Photo:" credit, two share buttons, a social
      // prompt. Each is found in the file, then must not survive as a paragraph of any article.
      const raw = readFileSync(join(dir, 'realnews-ndjson/realnews_tiny.jsonl'), 'utf8');
      const rawParagraphs = raw
        .split('\n')
        .flatMap((line) => (line.trim() ? String((JSON.parse(line) as { text?: unknown }).text ?? '').split('\n') : []))
        .map((p) => p.trim());
      const noise = named(rawParagraphs, NDJSON_NOISE);
      expect(new Set(noise.map(digest))).toEqual(new Set(NDJSON_NOISE));
      const all = r.articles
        .map((a) => a.body)
        .join('\n\n')
        .split('\n\n');
      for (const n of noise) expect(all).not.toContain(n);
    });

    it('BBC text: the first line is the title, as PROVENANCE.md names it', () => {
      for (const f of files.filter((x) => x.startsWith('bbc-txt/'))) {
        // Act
        const [a] = parse(f).articles;
        // Assess
        expect(a!.title, f).toBe(rows.get(f)!.replace(/ \(BBC News, [^)]*\)$/, ''));
        expect(a!.body.startsWith(a!.title!), f).toBe(false);
      }
    });

    it('news-please JSON: title, source and date as PROVENANCE.md names them; captions and wire boilerplate gone', () => {
      for (const f of files.filter((x) => x.startsWith('newsplease-json/'))) {
        // Prepare
        const [, title, domain, date] = /^(.*) \(([^,]+), (\d{4}-\d{2}-\d{2})\)$/.exec(rows.get(f)!) ?? [];
        // Act
        const r = parse(f);
        // Assess
        expect(r.format).toBe('json');
        const a = r.articles[0]!;
        expect(a.title, f).toBe(title);
        expect(a.source, f).toBe(domain);
        expect(a.publishedAt?.slice(0, 10), f).toBe(date);
        expect(a.body, f).not.toMatch(
          /^FILE - In this|\(Associated Press\)$|All rights reserved|^Read more:$|Updated: 20\d\d|AP\)$/m,
        );
      }
    });

    it('the seed: no noise line survives, every paragraph of the story does', () => {
      // Prepare
      const text = readFileSync(join(dir, '000_0c3ebc7fd213a9e4.txt'), 'utf8');
      const lines = text.split('\n').map((l) => l.trim());
      // The page's furniture lines (a newsletter prompt, a "read the full article" link, a share button, a menu item).
      const noise = named(lines, SEED_NOISE);
      expect(new Set(noise.map(digest))).toEqual(new Set(SEED_NOISE));
      const storyLines = lines.filter((l) => l && !noise.includes(l));
      // Act
      const [a] = parse('000_0c3ebc7fd213a9e4.txt').articles;
      // Assess
      const paragraphs = a!.body.split('\n\n');
      for (const n of noise) expect(a!.body).not.toContain(n);
      expect(paragraphs).toEqual(storyLines);
      expect(a!.title).toBeUndefined();
    });

    it.each([
      {
        file: 'readability/nytimes-1.html',
        publishedAt: '2017-01-13T05:00:04Z',
        sourceFromProvenance: false,
        author: { length: 17, sha: 'f13394bc6555fda6' },
        url: { length: 68, sha: '3dbdb598e793ff4f' },
        first: { length: 115, sha: 'e29bd753ce9bd067' },
        last: { length: 58, sha: '45307b736064d442' },
        captions: 0,
        absent: [
          'SUBSCRIBE NOW',
          'Log In',
          'Share This Page',
          'Related Coverage',
          'Advertisement',
          'Terms of Service',
          'Email Newsletters',
        ],
      },
      {
        file: 'readability/telegraph.html',
        publishedAt: '2017-11-16T14:15:00Z',
        sourceFromProvenance: true,
        first: { length: 99, sha: 'a41710d03e1bf195' },
        last: { length: 62, sha: '7c708f52918d0310' },
        captions: 1,
        absent: ['My newsletters', 'Subscribe', 'Follow Telegraph News', 'Show comments', 'Related Topics', 'Credit:'],
      },
      {
        file: 'readability/wapo-2.html',
        sourceFromProvenance: true,
        first: { length: 79, sha: 'cdcd9e09c4eefaa4' },
        last: { length: 96, sha: 'e58e2bb1ecc9a88b' },
        captions: 0,
        absent: ['Sign In', 'Share on Facebook', 'Comments', 'Please enter a valid email', 'Newsletters'],
      },
    ])(
      'HTML $file: metadata, the story from its first to its last words, no page furniture',
      ({ file, publishedAt, sourceFromProvenance, author, url, first, last, captions, absent }) => {
        // Prepare: PROVENANCE.md's "article" column is "<title> (<publisher>)".
        const [, title, publisher] = /^(.*) \(([^()]+)\)$/.exec(rows.get(file)!) ?? [];
        const html = readFileSync(join(dir, file), 'utf8');
        // Image captions (alt texts), sentence by sentence: the page's, not the story's.
        const captionSentences = [...html.matchAll(/\balt="([^"]{40,})"/g)]
          .flatMap((m) => m[1]!.split(/(?<=[.!?])\s+/))
          .filter((c) => c.length >= 20);
        // Act
        const r = parse(file);
        // Assess
        expect(r.format).toBe('html');
        const a = r.articles[0]!;
        expect(a).toMatchObject({
          title,
          language: 'en',
          ...(publishedAt ? { publishedAt } : {}),
          ...(sourceFromProvenance ? { source: publisher } : {}),
        });
        if (author) expect({ length: a.author?.length, sha: digest(a.author ?? '') }).toEqual(author);
        if (url) expect({ length: a.url?.length, sha: digest(a.url ?? '') }).toEqual(url);
        expect(digest(a.body.slice(0, first.length)), 'the story starts with its first words').toBe(first.sha);
        expect(digest(a.body.slice(-last.length)), 'the story ends with its last words').toBe(last.sha);
        expect(captionSentences.length >= captions, 'the page has the captions this test expects').toBe(true);
        for (const c of captionSentences) expect(a.body).not.toContain(c);
        expect(a.body).not.toMatch(/^Follow @\w+$/m);
        for (const s of absent) expect(a.body).not.toContain(s);
      },
    );
  },
);

/** The NDJSON batch's noise paragraphs (two bylines, a photo credit, two share buttons, a social prompt). */
const NDJSON_NOISE = [
  '05cd2d5be8a6fc06',
  'd6ebaa1f3f95e19e',
  '8346aa6defb2e9b0',
  '9731457fef6fac0d',
  '9b8dea491dbbee81',
  'c03cf319a6547b44',
];
/** The seed page's furniture lines. */
const SEED_NOISE = ['c913f4a6d1f886d6', 'fdcc16bbe20496f4', 'ac079ece7e5e50b5', '8eda0d28de784aae'];
