import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import { hasSharedData, sharedData, SKIP_SHARED } from '../../helpers/shared-data.ts';

// The team's real article files (never copied into the repository). PROVENANCE.md is the oracle for counts and titles.
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
      expect(r.articles.at(-1)!.title).toBe('U.S. Approves First Factory in Cuba Since Revolution');
      // Its noise: bylines at the top, a "Photo:" credit, share buttons, a social prompt.
      const all = r.articles
        .map((a) => a.body)
        .join('\n\n')
        .split('\n\n');
      for (const noise of [
        'by In the news',
        'by Dan Lucas',
        'Photo: DPA',
        'Play Facebook',
        'Google Plus',
        'Follow NBC News Latino on Facebook, Twitter and Instagram.',
      ])
        expect(all).not.toContain(noise);
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
      const noise = ['Stay informed with free updates', 'Read the full article here', 'Share.', 'Exit mobile version'];
      const storyLines = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !noise.includes(l));
      // Act
      const [a] = parse('000_0c3ebc7fd213a9e4.txt').articles;
      // Assess
      const paragraphs = a!.body.split('\n\n');
      for (const n of noise) expect(paragraphs).not.toContain(n);
      expect(a!.body).not.toMatch(/Stay informed|Read the full article|Exit mobile/);
      expect(paragraphs).toEqual(storyLines);
      expect(a!.title).toBeUndefined();
    });

    it.each([
      {
        file: 'readability/nytimes-1.html',
        title: 'United States to Lift Sudan Sanctions',
        publishedAt: '2017-01-13T05:00:04Z',
        author: 'Jeffrey Gettleman',
        url: 'https://www.nytimes.com/2017/01/13/world/africa/sudan-sanctions.html',
        first:
          'LONDON — After nearly 20 years of hostile relations, the American government plans to reverse its position on Sudan',
        last: 'the Obama administration had made a “deal with the devil.”',
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
        title:
          "Zimbabwe coup: Robert Mugabe and wife Grace 'insisting he finishes his term', as priest steps in to mediate",
        publishedAt: '2017-11-16T14:15:00Z',
        source: 'The Telegraph',
        first: 'Zimbabwe President Robert Mugabe, his wife Grace and two key figures from her G40 political faction',
        last: "economic policies Mr Mugabe's critics have long blamed on him.",
        absent: [
          'My newsletters',
          'Subscribe',
          'Follow Telegraph News',
          'Show comments',
          'Related Topics',
          'Credit:',
          'Father Mukonori is said to be mediating',
        ],
      },
      {
        file: 'readability/wapo-2.html',
        title: 'Where do strained U.S.-Israeli relations go after Netanyahu’s victory?',
        source: 'Washington Post',
        first: 'President Obama told the U.N. General Assembly 18 months ago that he would seek',
        last: '“That could be an issue forced onto the agenda about the same time as a potential nuclear deal.”',
        absent: [
          'Sign In',
          'Share on Facebook',
          'Comments',
          'Follow @StevenMufson',
          'Please enter a valid email',
          'Newsletters',
        ],
      },
    ])(
      'HTML $file: metadata, the story from its first to its last words, no page furniture',
      ({ file, first, last, absent, ...meta }) => {
        // Act
        const r = parse(file);
        // Assess
        expect(r.format).toBe('html');
        const a = r.articles[0]!;
        expect(a).toMatchObject({ ...meta, language: 'en' });
        expect(a.body.startsWith(first)).toBe(true);
        expect(a.body.endsWith(last)).toBe(true);
        for (const s of absent) expect(a.body).not.toContain(s);
      },
    );
  },
);
