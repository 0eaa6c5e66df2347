import { describe, expect, it } from 'vitest';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import { hostOf, keepWebUrl } from '../../../shared/domain/raw-article.ts';

// Issue 15.6: an article's URL is served as a link, so only http: and https: URLs are stored; the samples are ours.
const BODY = 'Officials in Portugal said on Monday that new measures would take effect next month.';

describe('article URLs: web ones only', () => {
  it('drops a javascript: canonical link from HTML, with a reason, and keeps the article', () => {
    // Prepare
    const html = `<html><head><title>T</title><link rel="canonical" href="javascript:alert(3)"></head><body><p>${BODY}</p></body></html>`;
    // Act
    const r = parseArticles(html, 'articles/a.html');
    // Assess
    expect(r.articles).toHaveLength(1);
    expect(r.articles[0]).not.toHaveProperty('url');
    expect(r.articles[0]).not.toHaveProperty('source');
    expect(r.rejects).toEqual([
      { where: 'file', reason: 'URL "javascript:alert(3)" dropped: only http: and https: URLs are kept', kept: true },
    ]);
  });

  it('prefers a web og:url over a hostile canonical link', () => {
    // Prepare
    const html = `<html><head><link rel="canonical" href="javascript:void(0)"><meta property="og:url" content="https://news.example/a"></head><body><p>${BODY}</p></body></html>`;
    // Act
    const r = parseArticles(html, 'articles/b.html');
    // Assess
    expect(r.articles[0]).toMatchObject({ url: 'https://news.example/a', source: 'news.example' });
    expect(r.rejects).toEqual([]);
  });

  it('drops data:, ftp: and relative URLs from JSON, NDJSON and front matter, naming where', () => {
    // Prepare
    const ndjson = [
      JSON.stringify({ title: 'A', url: 'https://ok.example/a', text: BODY }),
      JSON.stringify({ title: 'B', url: 'ftp://files.example/b', text: BODY }),
      JSON.stringify({ title: 'C', link: 'data:text/html,<b>x</b>', text: BODY }),
    ].join('\n');
    const json = JSON.stringify({ title: 'D', url: '/relative/d', body: BODY });
    const md = `---\ntitle: E\nurl: "vbscript:msgbox(1)"\n---\n\n${BODY}\n`;
    // Act
    const n = parseArticles(ndjson, 'articles/batch.ndjson');
    const j = parseArticles(json, 'articles/d.json');
    const m = parseArticles(md, 'articles/e.md');
    // Assess
    expect(n.articles.map((a) => a.url)).toEqual(['https://ok.example/a', undefined, undefined]);
    expect(n.articles.map((a) => a.source)).toEqual(['ok.example', undefined, undefined]);
    expect(n.rejects.map((x) => x.where)).toEqual(['line 2', 'line 3']);
    expect(j.articles[0]).not.toHaveProperty('url');
    expect(j.rejects).toMatchObject([{ where: 'file', kept: true }]);
    expect(m.articles[0]).not.toHaveProperty('url');
    expect(m.rejects[0]?.reason).toMatch(/^URL "vbscript:msgbox\(1\)" dropped/);
  });

  it('keepWebUrl and hostOf read only absolute http(s) URLs', () => {
    // Act / Assess
    expect(keepWebUrl({ body: 'x', url: 'HTTPS://Example.ORG/p' }, 'file')).toEqual({
      article: { body: 'x', url: 'HTTPS://Example.ORG/p' },
    });
    expect(keepWebUrl({ body: 'x', url: ` javascript:alert(1)` }, 'line 9').reject?.where).toBe('line 9');
    expect(keepWebUrl({ body: 'x' }, 'file')).toEqual({ article: { body: 'x' } });
    expect([hostOf('https://a.example/x'), hostOf('ftp://b.example/'), hostOf('javascript:alert(1)')]).toEqual([
      'a.example',
      undefined,
      undefined,
    ]);
  });
});
