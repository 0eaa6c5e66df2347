import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  detectArticleFormat,
  parseArticleLine,
  parseArticles,
  type RawArticle,
} from '../../../shared/domain/article-formats.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/files/articles/${name}`, import.meta.url), 'utf8');

describe('detectArticleFormat', () => {
  it.each([
    ['plain text', 'Ferry firm fined\n\nA ferry operator was fined.', 'articles/a.txt', 'text'],
    ['a full page', '<!DOCTYPE html>\n<html><head></head><body><p>x</p></body></html>', 'articles/a.html', 'html'],
    [
      'a page with a BOM and an XML prolog',
      '\uFEFF<?xml version="1.0"?>\n<html><body></body></html>',
      'articles/a.xhtml',
      'html',
    ],
    ['an HTML fragment without <html>', '<div class="entry"><p>One.</p><p>Two.</p></div>', 'articles/a.txt', 'html'],
    ['a fragment opening with text', 'Breaking news <p>One para.</p><p>Another para.</p><br>', 'articles/a', 'html'],
    ['Markdown with front matter', '---\ntitle: X\n---\nBody text.', 'articles/a.txt', 'markdown'],
    ['Markdown headings', '# Title\n\nSome *text*.', 'articles/a', 'markdown'],
    ['Markdown links and emphasis', 'See [the list](https://x.example) and **bold** words.', 'articles/a', 'markdown'],
    ['a .txt that holds JSON', '{\n  "title": "x",\n  "text": "y"\n}', 'articles/a.txt', 'json'],
    ['minified JSON on one line', '{"title":"x","text":"y"}', 'articles/a.json', 'json'],
    ['a JSON array', ' [ {"text": "y"} ]', 'articles/a.txt', 'json-array'],
    ['NDJSON', '{"text":"a"}\n{"text":"b"}\n', 'articles/a.json', 'ndjson'],
    ['NDJSON with a blank line between records', '{"text":"a"}\n\n{"text":"b"}', 'articles/a', 'ndjson'],
  ] as const)('%s', (_label, head, key, expected) => {
    // Act + Assess
    expect(detectArticleFormat(head, key)).toBe(expected);
  });

  it('lets the extension break ties only', () => {
    // Prepare: a single JSON line is a JSON object, unless the key says JSON lines.
    const line = '{"title":"x","text":"y"}';
    // Act + Assess
    expect(detectArticleFormat(line, 'a.json')).toBe('json');
    expect(detectArticleFormat(line, 'a.jsonl')).toBe('ndjson');
    expect(detectArticleFormat('Just words.', 'a.md')).toBe('markdown');
    expect(detectArticleFormat('Just words.', 'a.html')).toBe('text');
    expect(detectArticleFormat('{"title":"x","text":"y"}', 'a.md')).toBe('json');
  });
});

describe('parseArticles: plain text and Markdown', () => {
  it('reads the BBC layout: a short first line then a blank line is the title', () => {
    // Act
    const { format, articles, rejects } = parseArticles(fixture('bbc-style.txt'), 'articles/bbc-style.txt');
    // Assess
    expect(format).toBe('text');
    expect(rejects).toEqual([]);
    expect(articles).toHaveLength(1);
    expect(articles[0]!.title).toBe('Ferry firm fined over export ban');
    expect(articles[0]!.body.split('\n\n')).toHaveLength(3);
    expect(articles[0]!.body).toMatch(/^A ferry operator in the Baltic/);
    expect(articles[0]!.body).toMatch(/two drivers from Lithuania had been charged\.$/);
  });

  it('drops scraped-page noise and never takes it for a title', () => {
    // Act
    const [a] = parseArticles(fixture('scraped.txt'), 'articles/scraped.txt').articles;
    // Assess
    expect(a!.title).toBeUndefined();
    expect(a!.body).toMatch(/^Regulators in Singapore/);
    for (const noise of [
      'newsletter',
      'Skip to content',
      'Advertisement',
      'Photo:',
      'Read the full article',
      'Share.',
      'LinkedIn',
      'Exit mobile',
    ])
      expect(a!.body).not.toContain(noise);
    // "subscribe" inside a real sentence stays.
    expect(a!.body).toContain("Readers can subscribe to updates on the case through the central bank's website.");
    expect(a!.body.split('\n\n')).toHaveLength(4);
  });

  it('reads Markdown: front matter as metadata, links and emphasis to text, images dropped', () => {
    // Act
    const { format, articles } = parseArticles(fixture('article.md'), 'articles/article.md');
    // Assess
    expect(format).toBe('markdown');
    const a = articles[0]!;
    expect(a).toMatchObject({
      title: 'Copper exports to Myanmar halted',
      publishedAt: '2023-11-02',
      url: 'https://wire.example.org/copper-myanmar',
      author: 'Jin Park, Ana Ruiz',
      source: 'Example Wire',
      language: 'en',
    });
    // Soft-wrapped lines join; the H1 repeating the title is not body text.
    expect(a.body).toMatch(
      /^YANGON — A mining company in Laos has halted copper shipments to Myanmar after the United States/,
    );
    expect(a.body).toContain('The buyers, Golden Lotus Trading and Irrawaddy Metals,');
    expect(a.body).toContain('had suspended contracts with both.');
    expect(a.body).toContain('Sanctions on metals traders have become a favoured tool, said one analyst.');
    for (const mark of ['**', '__', '](', '![', '[1]', 'cathodes', '---', '# ', '> '])
      expect(a.body).not.toContain(mark);
  });

  it('takes a first-level heading as the title when there is no front matter', () => {
    // Act
    const [a] = parseArticles(
      '# Oil deal signed\n\nVenezuela and _China_ signed an ~~old~~ oil deal; see `annex_2`.',
      'a.md',
    ).articles;
    // Assess
    expect(a!.title).toBe('Oil deal signed');
    expect(a!.body).toBe('Venezuela and China signed an old oil deal; see annex_2.');
  });
});

describe('parseArticles: titles and dates an article does not carry as metadata', () => {
  const STORY = 'Regulators in Oslo fined a shipping broker for chartering a tanker to a listed buyer.';
  const only = (text: string, key: string): RawArticle => {
    const { articles, rejects } = parseArticles(text, key);
    expect(rejects).toEqual([]);
    expect(articles).toHaveLength(1);
    return articles[0]!;
  };

  it('dates a plain-text article from its key, and says so', () => {
    // Act
    const a = only(`Broker fined in Oslo\n\n${STORY}`, 'articles/2026-03-02-broker-fined.txt');
    // Assess
    expect(a).toMatchObject({ title: 'Broker fined in Oslo', publishedAt: '2026-03-02', dateFrom: 'key' });
    expect(a.body).toBe(STORY);
  });

  it('dates a plain-text article from year/month/day folders', () => {
    // Act
    const a = only(`Broker fined in Oslo\n\n${STORY}`, 'articles/wire/2026/03/02/broker.txt');
    // Assess
    expect(a).toMatchObject({ publishedAt: '2026-03-02', dateFrom: 'key' });
  });

  it('takes a title from a first line followed by a single line break', () => {
    // Act
    const a = only(`Broker fined in Oslo\n${STORY}`, 'articles/broker.txt');
    // Assess
    expect(a.title).toBe('Broker fined in Oslo');
    expect(a.body).toBe(STORY);
  });

  it('prefers a date line at the top of the text to the key, and keeps it out of the title and the body', () => {
    // Prepare: the date stands above the title, as wire copy has it.
    const text = `Published: 4 March 2026\nBroker fined in Oslo\n\n${STORY}`;
    // Act
    const a = only(text, 'articles/2026-03-02-broker.txt');
    // Assess
    expect(a).toMatchObject({ title: 'Broker fined in Oslo', publishedAt: '2026-03-04', dateFrom: 'text' });
    expect(a.body).toBe(STORY);
  });

  it('takes a bare date under the title as the date, not as the title', () => {
    // Act
    const a = only(`Broker fined in Oslo\n4 March 2026\n\n${STORY}`, 'articles/broker.txt');
    // Assess
    expect(a).toMatchObject({ title: 'Broker fined in Oslo', publishedAt: '2026-03-04', dateFrom: 'text' });
    expect(a.body).toBe(STORY);
  });

  it('leaves a date in the story itself alone', () => {
    // Prepare: the fourth non-empty line and later is the story, whatever dates it holds.
    const text = `Broker fined in Oslo\n\n${STORY}\n\nThe fine was paid.\n\nMore follows.\n\n4 March 2026`;
    // Act
    const a = only(text, 'articles/broker.txt');
    // Assess
    expect(a.publishedAt).toBeUndefined();
    expect(a.dateFrom).toBeUndefined();
    expect(a.body).toContain('4 March 2026');
  });

  it.each([
    ['a key with no date', 'articles/broker-fined.txt'],
    ['a key with an impossible date (30 February)', 'articles/2026-02-30-broker-fined.txt'],
    ['a key with an impossible month', 'articles/2026/14/02/broker-fined.txt'],
  ] as const)('leaves the article undated for %s', (_label, key) => {
    // Act
    const a = only(`Broker fined in Oslo\n\n${STORY}`, key);
    // Assess
    expect(a.title).toBe('Broker fined in Oslo');
    expect(a.publishedAt).toBeUndefined();
    expect(a.dateFrom).toBeUndefined();
  });

  it('prefers front matter to a date line and to the key in Markdown', () => {
    // Prepare
    const md = `---\ntitle: Broker fined\ndate: 2026-03-05\n---\n\n*4 March 2026*\n\n${STORY}`;
    // Act
    const a = only(md, 'articles/2026-03-02-broker.md');
    // Assess
    expect(a).toMatchObject({ title: 'Broker fined', publishedAt: '2026-03-05', dateFrom: 'front-matter' });
  });

  it('dates Markdown without a front-matter date from a date line, then from the key', () => {
    // Act
    const lined = only(`# Broker fined\n\n_Published 4 March 2026_\n\n${STORY}`, 'articles/2026-03-02-b.md');
    const keyed = only(`---\nauthor: Ana Ruiz\n---\n# Broker fined\n\n${STORY}`, 'articles/2026-03-02-b.md');
    // Assess
    expect(lined).toMatchObject({ title: 'Broker fined', publishedAt: '2026-03-04', dateFrom: 'text' });
    expect(lined.body).toBe(STORY);
    expect(keyed).toMatchObject({
      title: 'Broker fined',
      publishedAt: '2026-03-02',
      dateFrom: 'key',
      author: 'Ana Ruiz',
    });
  });

  it('takes the first line of Markdown with no heading and no front-matter title as its title', () => {
    // Act
    const a = only(`**Broker fined in Oslo**\n\n${STORY} See [the ruling](https://x.example).`, 'articles/b.md');
    // Assess
    expect(a.title).toBe('Broker fined in Oslo');
    expect(a.body).toBe(`${STORY} See the ruling.`);
  });

  it('never takes a list, a sentence or a lone paragraph for a Markdown title', () => {
    // Act
    const list = only(`- Broker fined\n- Tanker held\n\n${STORY}`, 'articles/b.md');
    const sentence = only(`Oslo fined a broker *today*.\n\n${STORY}`, 'articles/b.md');
    const lone = only(`Broker fined in **Oslo**`, 'articles/b.md');
    // Assess
    expect(list.title).toBeUndefined();
    expect(sentence.title).toBeUndefined();
    expect(lone.title).toBeUndefined();
    expect(lone.body).toBe('Broker fined in Oslo');
  });

  it('marks dates from HTML meta tags and JSON fields as meta, and dates an undated page or object from its key', () => {
    // Prepare
    const page = (meta: string) =>
      `<!doctype html><html><head><title>Broker fined</title>${meta}</head><body><article><p>${STORY}</p></article></body></html>`;
    // Act
    const metaPage = only(
      page('<meta property="article:published_time" content="2026-03-05T09:00:00Z">'),
      'articles/2026-03-02-b.html',
    );
    const bare = only(page(''), 'articles/2026-03-02-b.html');
    const json = only(
      JSON.stringify({ title: 'Broker fined', date: '2026-03-05', text: STORY }),
      'articles/2026-03-02-b.json',
    );
    const undatedJson = only(JSON.stringify({ title: 'Broker fined', text: STORY }), 'articles/2026-03-02-b.json');
    // Assess
    expect(metaPage).toMatchObject({ publishedAt: '2026-03-05T09:00:00Z', dateFrom: 'meta' });
    expect(bare).toMatchObject({ publishedAt: '2026-03-02', dateFrom: 'key' });
    expect(json).toMatchObject({ publishedAt: '2026-03-05', dateFrom: 'meta' });
    expect(undatedJson).toMatchObject({ publishedAt: '2026-03-02', dateFrom: 'key' });
  });

  it('never dates the articles of a batch from the batch file name', () => {
    // Prepare
    const ndjson = `${JSON.stringify({ text: STORY, date: '2026-03-05' })}\n${JSON.stringify({ text: STORY })}\n`;
    const array = JSON.stringify([{ text: STORY }]);
    // Act
    const lines = parseArticles(ndjson, 'articles/2026-03-02-batch.ndjson').articles;
    const elements = parseArticles(array, 'articles/2026-03-02-batch.json').articles;
    // Assess
    expect(lines.map((a) => [a.publishedAt, a.dateFrom])).toEqual([
      ['2026-03-05', 'meta'],
      [undefined, undefined],
    ]);
    expect(elements.map((a) => a.publishedAt)).toEqual([undefined]);
  });
});

describe('parseArticles: HTML', () => {
  it('extracts the story and its metadata from a whole page', () => {
    // Act
    const { format, articles } = parseArticles(fixture('page-full.html'), 'articles/page-full.html');
    // Assess
    expect(format).toBe('html');
    expect(articles[0]).toMatchObject({
      title: 'Tanker seized off Valdora over sanctions breach',
      url: 'https://ledger.example.com/world/2024/03/tanker-seized',
      source: 'The Harbour Ledger',
      author: 'Marta Okonkwo',
      publishedAt: '2024-03-14T08:30:00Z',
      language: 'en',
    });
  });

  it('keeps every paragraph of a fragment', () => {
    // Act
    const [a] = parseArticles(fixture('fragment.html'), 'articles/fragment.html').articles;
    // Assess
    expect(a!.body.split('\n\n')).toEqual([
      'Ministers in Lisbon approved a plan on Monday to freeze the assets of three shipping agents accused of helping Russia move oil above the price cap.',
      'The agents, registered in Dubai and Hong Kong, handled more than forty cargoes last year, according to the finance ministry.',
      'Officials said further listings would follow “within weeks”.',
    ]);
  });
});

describe('parseArticles: JSON', () => {
  it('reads a news-please object: noise, captions and the echoed title go', () => {
    // Act
    const { format, articles, rejects } = parseArticles(fixture('newsplease.json'), 'articles/newsplease.json');
    // Assess
    expect(format).toBe('json');
    expect(rejects).toEqual([]);
    const a = articles[0]!;
    expect(a).toMatchObject({
      title: 'Insurer drops cover for six tankers',
      url: 'https://news.example.net/insurer-drops-tankers',
      source: 'news.example.net',
      author: 'Tomas Lindqvist',
      publishedAt: '2024-02-09',
      language: 'en',
    });
    expect(a.body.split('\n\n')).toEqual([
      'OSLO — A Norwegian insurer has withdrawn cover for six tankers suspected of carrying Russian crude above the price cap, the company said on Friday.',
      'The vessels, managed from the United Arab Emirates, had changed names and flags several times since 2022.',
      '"We cannot insure ships whose cargo we cannot verify," the insurer\'s chief executive, Ingrid Moe, said.',
    ]);
  });

  it('unwraps {articles: […]} and reports the element without a body', () => {
    // Act
    const { format, articles, rejects } = parseArticles(fixture('newsapi.json'), 'articles/newsapi.json');
    // Assess
    expect(format).toBe('json');
    expect(articles.map((a) => a.title)).toEqual([
      'Bank in Cyprus closes accounts of sanctioned oligarch',
      'Exporters in Kazakhstan warned over drone parts',
    ]);
    expect(rejects).toEqual([{ where: 'element 1', reason: expect.stringMatching(/^no body field/) }]);
    const [cyprus, kz] = articles as [RawArticle, RawArticle];
    expect(cyprus).toMatchObject({
      source: 'Example Times',
      author: 'Priya Nair',
      publishedAt: '2024-05-21T07:15:00Z',
    });
    // NewsAPI's truncation marker is not text.
    expect(cyprus.body).not.toContain('chars]');
    expect(cyprus.body).toMatch(/^A bank in Nicosia/);
    // No body at all: the description is the fallback. Epoch milliseconds are a date.
    expect(kz).toMatchObject({
      source: 'Example Post',
      author: 'Sam Ortiz, Lea Kim',
      publishedAt: '2024-05-21T09:00:00Z',
    });
    expect(kz.body).toMatch(/^Kazakhstan's trade ministry/);
  });

  it('reads a JSON array element by element: JSON-LD fields, WordPress {rendered} HTML, rejects with their index', () => {
    // Act
    const { format, articles, rejects } = parseArticles(fixture('batch.json'), 'articles/batch.json');
    // Assess
    expect(format).toBe('json-array');
    expect(rejects.map((r) => r.where)).toEqual(['element 1', 'element 2']);
    expect(rejects[0]!.reason).toMatch(/not an article object/);
    expect(rejects[1]!.reason).toMatch(/^no body field/);
    expect(articles[0]).toMatchObject({
      title: 'Court upholds asset freeze on Caspian shipping firm',
      author: 'Leyla Aliyeva',
      source: 'Example Caucasus Review',
      publishedAt: '2024-04-03',
      language: 'en',
    });
    expect(articles[0]!.body.split('\n\n')).toHaveLength(2);
    expect(articles[1]).toMatchObject({
      title: 'Swiss regulator fines commodity trader',
      language: 'de',
      publishedAt: '2024-04-05T10:00:00Z',
      source: 'blog.example.ch',
    });
    expect(articles[1]!.body).toBe(
      'Switzerland’s financial regulator fined a Geneva commodity trader for failing to check who owned the cargoes it financed.\n\nThe trader, Alpine Resources, said it had strengthened its controls.',
    );
  });

  it('prefers the longest real body field over a summary', () => {
    // Prepare
    const doc = JSON.stringify({
      title: 'T',
      description: 'Short summary of the story.',
      content: 'Short.',
      text: 'The full text of the story, which is longer than the rest.',
    });
    // Act
    const [a] = parseArticles(doc, 'a.json').articles;
    // Assess
    expect(a!.body).toBe('The full text of the story, which is longer than the rest.');
  });

  it('reads other wrappers and shapes: {data}, {response: {results}}, byline objects, string sources', () => {
    // Prepare
    const guardian = JSON.stringify({
      response: {
        status: 'ok',
        results: [
          {
            webTitle: 'Guardian-style',
            webUrl: 'https://g.example/x',
            webPublicationDate: '2024-01-02T03:04:05Z',
            fields: { bodyText: 'Body from fields.' },
          },
        ],
      },
    });
    const nyt = JSON.stringify({
      data: [
        {
          headline: { main: 'NYT-style' },
          abstract: 'Abstract only.',
          byline: { original: 'By Jane Roe' },
          pub_date: '2024-01-02T00:00:00+0000',
          source: 'The Example Times',
        },
      ],
    });
    // Act
    const g = parseArticles(guardian, 'g.json').articles;
    const n = parseArticles(nyt, 'n.json').articles;
    // Assess
    expect(g).toEqual([
      {
        title: 'Guardian-style',
        url: 'https://g.example/x',
        source: 'g.example',
        publishedAt: '2024-01-02T03:04:05Z',
        dateFrom: 'meta',
        language: 'en',
        body: 'Body from fields.',
      },
    ]);
    expect(n).toEqual([
      {
        title: 'NYT-style',
        source: 'The Example Times',
        author: 'Jane Roe',
        publishedAt: '2024-01-02T00:00:00Z',
        dateFrom: 'meta',
        language: 'en',
        body: 'Abstract only.',
      },
    ]);
  });

  it('rejects a JSON object without any body-like field, with a clear reason', () => {
    // Act
    const r = parseArticles('{"title": "Only a title", "url": "https://x.example"}', 'articles/x.json');
    // Assess
    expect(r.articles).toEqual([]);
    expect(r.rejects).toEqual([
      { where: 'file', reason: expect.stringContaining('no body field (expected one of body, content, text') },
    ]);
  });

  it('rejects invalid JSON and an empty file', () => {
    // Act + Assess
    expect(parseArticles('{"title": ', 'a.json').rejects[0]).toMatchObject({
      where: 'file',
      reason: expect.stringMatching(/^invalid JSON/),
    });
    expect(parseArticles('  \n ', 'a.txt')).toMatchObject({
      articles: [],
      rejects: [{ where: 'file', reason: 'empty file' }],
    });
  });

  it('turns JSON nested 10,000 deep into rejects, not a crash', () => {
    // Prepare
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
    const deepWrapper = `${'{"data":'.repeat(10_000)}[]${'}'.repeat(10_000)}`;
    const deepBody = `{"text":${'{"rendered":'.repeat(10_000)}"x"${'}'.repeat(10_000)}}`;
    // Act
    const results = [deepObject, deepArray, deepWrapper, deepBody].map((t) => parseArticles(t, 'deep.json'));
    // Assess
    for (const r of results) {
      expect(r.articles).toEqual([]);
      expect(r.rejects).toHaveLength(1);
    }
    expect(results[1]!.rejects[0]).toEqual({ where: 'element 0', reason: 'not an article object (an array)' });
    expect(parseArticleLine(deepObject, 7)).toMatchObject({
      where: 'line 7',
      reason: expect.stringMatching(/^no body field/),
    });
  });
});

describe('NDJSON', () => {
  it('parses each line on its own and reports bad lines by number', () => {
    // Act
    const { format, articles, rejects } = parseArticles(fixture('realnews.jsonl'), 'articles/realnews.jsonl');
    // Assess
    expect(format).toBe('ndjson');
    expect(articles.map((a) => a.title)).toEqual([
      'Port workers refuse to unload sanctioned cargo',
      'Short summary only',
      'Exporter fined in Estonia',
    ]);
    expect(rejects).toEqual([
      { where: 'line 3', reason: expect.stringMatching(/^invalid JSON/) },
      { where: 'line 5', reason: 'not an article object (an array)' },
    ]);
    // RealNews writes MM-DD-YYYY.
    expect(articles.map((a) => a.publishedAt)).toEqual(['2017-12-29', '2016-02-15', '2014-07-31']);
    // Bylines and social prompts are noise; "Photo:" credits too.
    expect(articles[0]!.body).toBe(
      'Dockers in Antwerp refused on Monday to unload a ship carrying steel from a sanctioned Russian mill, their union said.\n\nThe union called on the government in Belgium to enforce the ban more strictly.',
    );
    expect(articles[2]!.body).toMatch(/^A court in Tallinn/);
  });

  it('parseArticleLine: undefined for a blank line, an article, or a reject', () => {
    // Act + Assess
    expect(parseArticleLine('   ', 1)).toBeUndefined();
    expect(parseArticleLine('{"title":"T","text":"Body."}', 2)).toEqual({ title: 'T', language: 'en', body: 'Body.' });
    expect(parseArticleLine('not json', 3)).toMatchObject({
      where: 'line 3',
      reason: expect.stringMatching(/^invalid JSON/),
    });
    expect(parseArticleLine('"a string"', 4)).toEqual({ where: 'line 4', reason: 'not an article object (string)' });
    expect(parseArticleLine('{"text":"Share."}', 5)).toEqual({
      where: 'line 5',
      reason: 'no body text left after cleaning',
    });
  });
});
