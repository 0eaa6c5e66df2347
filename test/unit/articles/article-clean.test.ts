import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanText, htmlToArticle, isNoiseLine } from '../../../shared/domain/article-clean.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/files/articles/${name}`, import.meta.url), 'utf8');

describe('cleanText', () => {
  it.each([
    'Stay informed with free updates',
    'Read the full article here',
    'Share.',
    'SHARE THIS ARTICLE',
    'Exit mobile version',
    'Advertisement',
    'Advertisement Continue reading the main story',
    'Story continues below…',
    'Skip to content',
    'We use cookies to give you the best experience. By continuing you accept our cookie policy.',
    'Accept all cookies',
    'Follow us on Twitter',
    'Follow Example News on Facebook, Twitter and Instagram.',
    'Like Example World on Facebook and stay updated on foreign news',
    'Sign up for our daily briefing',
    'Subscribe now',
    'Get our free daily newsletter',
    'Click here to read more',
    'All rights reserved.',
    '© 2024 The Harbour Ledger',
    'Copyright 2024 Example Wire. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.',
    'Photo: Reuters',
    'FILE - In this Monday, Jan. 8, 2024, file photo, the tanker Coral Dawn is seen off Port Aldric. (Jane Doe/Example Wire via AP, File)',
    'The spokesman gestures during a briefing in Oslo. (Kari Holm/Example Wire)',
    'Facebook',
    'Facebook Twitter Email',
    'Play Facebook',
    'Updated: 2017-09-15 21:45',
    'Example Wire | Updated: 2024-02-09 14:05',
    'Last updated on March 3, 2024',
    'Contact the writers at desk@example.com',
  ])('drops the whole noise line %j', (line) => {
    // Act + Assess
    expect(isNoiseLine(line)).toBe(true);
    expect(cleanText(`Real first paragraph about sanctions.\n\n${line}\n\nReal last paragraph.`)).toBe(
      'Real first paragraph about sanctions.\n\nReal last paragraph.',
    );
  });

  it.each([
    'Readers can subscribe to updates on the case through the central bank’s website.',
    'The company said it would share the data with regulators in Singapore.',
    'Officials said the ban was updated on Monday to cover drones and their parts, including parts made in 2023.',
    'Facebook said it had removed the accounts.',
    'Shares in the company fell 12% after the announcement.',
    'The minister, who follows the case closely, spoke on Twitter about the sanctions on Russia for an hour on Sunday, saying the measures were working.',
    'Copyright lawyers for the firm said the claim was baseless.',
    'Photographers were kept away from the port.',
    'The United Nations condemned the launch (Reuters) - officials said, adding that talks would resume.',
    'Advertising revenue fell sharply after the sanctions.',
  ])('keeps a real sentence %j', (line) => {
    // Act + Assess
    expect(isNoiseLine(line)).toBe(false);
    expect(cleanText(line)).toBe(line);
  });

  it('keeps paragraph breaks, collapses whitespace, drops invisible characters', () => {
    // Prepare
    const text =
      '  First\u00A0 paragraph\twith   gaps.  \r\n\r\n\r\n\r\nSecond\u200B para\u00ADgraph.\r\nThird line as its own paragraph.\n';
    // Act
    const out = cleanText(text);
    // Assess
    expect(out).toBe('First paragraph with gaps.\n\nSecond paragraph.\n\nThird line as its own paragraph.');
  });

  it('joins hard-wrapped lines into one paragraph', () => {
    // Prepare
    const text = [
      'The European Union agreed on Wednesday to add forty companies to its',
      'sanctions list, including several based in China and the United Arab',
      'Emirates, officials said.',
      '',
      'A second paragraph.',
    ].join('\n');
    // Act + Assess
    expect(cleanText(text)).toBe(
      'The European Union agreed on Wednesday to add forty companies to its sanctions list, including several based in China and the United Arab Emirates, officials said.\n\nA second paragraph.',
    );
  });

  it('drops a "Read more:" header with the headline list after it, but not the sentences before or after', () => {
    // Prepare
    const text =
      'Last real sentence.\nRead more:\nTanker fleet doubles in a year\nWhat the price cap means for shipping\n\nA closing sentence that is real.';
    // Act + Assess
    expect(cleanText(text)).toBe('Last real sentence.\n\nA closing sentence that is real.');
  });

  it('drops bylines only at the top', () => {
    // Act + Assess
    expect(
      cleanText('by Staff Writer\nBy Ana Ruiz\nThe text begins here.\nBy the end of the day the ban was lifted'),
    ).toBe('The text begins here.\n\nBy the end of the day the ban was lifted');
  });
});

describe('htmlToArticle', () => {
  it('keeps the story and drops scripts, styles, nav, header, footer, asides, forms, share, cookie, comments and captions', () => {
    // Act
    const a = htmlToArticle(fixture('page-full.html'));
    // Assess
    const paragraphs = a.body.split('\n\n');
    expect(paragraphs).toHaveLength(5);
    expect(paragraphs[0]).toMatch(/^Coastguard officers boarded the Silver Heron, a tanker/);
    expect(paragraphs[4]).toBe(
      'Northwind Maritime did not reply to a request for comment. Its chairman, Viktor Hale, has denied any link to Iranian oil.',
    );
    // Entities decoded.
    expect(a.body).toContain('“We found cargo papers that do not match the ship’s route,”');
    expect(a.body).toContain('quieter waters & cheaper insurance');
    for (const noise of [
      'dataLayer',
      'cookie',
      'Skip to',
      'Home',
      'Markets',
      'Facebook',
      'Sign up',
      'Subscribe',
      'Related',
      'Dark fleet',
      'Most read',
      'Comments',
      'All rights',
      'Follow us',
      'Photo',
      'at anchor',
      'By Marta',
      'content:',
      'Tanker seized off Valdora',
    ])
      expect(a.body).not.toContain(noise);
  });

  it('takes metadata from meta tags: og, canonical, article:published_time, author, html lang', () => {
    // Prepare
    const html = `<html lang="fr-FR"><head><title>Gel des avoirs - Le Journal Exemple</title>
      <meta property="og:site_name" content="Le Journal Exemple"><meta property="og:url" content="https://journal.example.fr/og">
      <meta property="article:published_time" content="2024-06-01T12:00:00+02:00"><meta name="author" content="Claire Dubois">
      </head><body><article><p>Le gouvernement a gelé les avoirs de trois sociétés liées à la Russie, a annoncé le ministère.</p></article></body></html>`;
    // Act
    const a = htmlToArticle(html);
    // Assess: the site name is cut off the <title>; og:url stands in for a missing canonical link.
    expect(a).toEqual({
      title: 'Gel des avoirs',
      url: 'https://journal.example.fr/og',
      source: 'Le Journal Exemple',
      author: 'Claire Dubois',
      publishedAt: '2024-06-01T10:00:00Z',
      language: 'fr',
      body: 'Le gouvernement a gelé les avoirs de trois sociétés liées à la Russie, a annoncé le ministère.',
    });
  });

  it('takes metadata and, when the markup has none, the body from JSON-LD inside @graph', () => {
    // Prepare: a script-rendered page; only JSON-LD has the text.
    const ld = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'BreadcrumbList', itemListElement: [] },
        {
          '@type': ['NewsArticle'],
          headline: 'Exporter charged in Estonia',
          datePublished: '2024-02-01T09:00:00Z',
          author: [
            { '@type': 'Person', name: 'Kaja Tamm' },
            { '@type': 'Person', name: 'Mart Kask' },
          ],
          publisher: { '@type': 'Organization', name: 'Example Baltic News' },
          url: 'https://baltic.example.ee/exporter',
          articleBody: 'Prosecutors in Tallinn charged an exporter on Thursday.\n\nThe exporter denies wrongdoing.',
        },
      ],
    };
    const html = `<html><head><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body><div id="app">Loading…</div></body></html>`;
    // Act
    const a = htmlToArticle(html);
    // Assess
    expect(a).toEqual({
      title: 'Exporter charged in Estonia',
      url: 'https://baltic.example.ee/exporter',
      source: 'Example Baltic News',
      author: 'Kaja Tamm, Mart Kask',
      publishedAt: '2024-02-01T09:00:00Z',
      language: 'en',
      body: 'Prosecutors in Tallinn charged an exporter on Thursday.\n\nThe exporter denies wrongdoing.',
    });
  });

  it('prefers the <article> holding the text over teaser <article>s and a busier sidebar', () => {
    // Prepare
    const teaser = (i: number) =>
      `<article class="story theme-summary"><h2><a href="/t${i}">Teaser ${i}</a></h2><p class="summary">A short teaser line number ${i} here.</p></article>`;
    const story = Array.from(
      { length: 6 },
      (_, i) =>
        `<p class="story-body-text">Paragraph ${i + 1} of the real story, with commas, details, and names such as Northwind Maritime.</p>`,
    ).join('');
    const html = `<html><body>${Array.from({ length: 8 }, (_, i) => teaser(i)).join('')}<article id="story"><h1>Real story</h1>${story}</article><div class="rail">${teaser(99)}</div></body></html>`;
    // Act
    const a = htmlToArticle(html);
    // Assess
    expect(a.body.split('\n\n')).toHaveLength(6);
    expect(a.body).toMatch(/^Paragraph 1 of the real story/);
    expect(a.body).not.toContain('teaser');
  });

  it('scores containers when there is no semantic markup', () => {
    // Prepare
    const body = Array.from(
      { length: 5 },
      (_, i) => `<p>Body paragraph ${i}, which is long enough, with commas, to count as real text in the story.</p>`,
    ).join('');
    const html = `<body><div id="top"><div class="promo-box"><p>Try our premium plan today, with offers, deals, and more offers.</p></div><div class="txt">${body}</div><div><ul><li><a href="/1">Link one</a></li><li><a href="/2">Link two</a></li></ul></div></div></body>`;
    // Act
    const a = htmlToArticle(html);
    // Assess
    expect(a.body.split('\n\n')).toHaveLength(5);
    expect(a.body).not.toMatch(/premium|Link one/);
  });

  it('survives 100,000 nested tags, closed or not, in linear time', () => {
    // Prepare
    const n = 100_000;
    const nested = `<html><body>${'<div>'.repeat(n)}<p>Deep text about sanctions on Iran, long enough to count.</p>${'</div>'.repeat(n)}<p>After the nest.</p></body></html>`;
    const unclosed = `<body>${'<span><b>'.repeat(n)}Unclosed text about sanctions on Iran.`;
    const strayEnds = `<body><p>Text before stray end tags, about sanctions on Iran.</p>${'</section>'.repeat(n)}</body>`;
    // Act
    const results = [nested, unclosed, strayEnds].map(htmlToArticle);
    // Assess
    expect(results[0]!.body).toContain('Deep text about sanctions on Iran, long enough to count.');
    expect(results[1]!.body).toBe('Unclosed text about sanctions on Iran.');
    expect(results[2]!.body).toBe('Text before stray end tags, about sanctions on Iran.');
    // htmlparser2's own Parser needed seconds for this (its open-element stack is unshift-based); the speed is in
    // the benchmarks, the test only proves it finishes and is right.
  });

  it('does not walk deep JSON-LD recursively', () => {
    // Prepare
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const html = `<html><head><script type="application/ld+json">${deep}</script></head><body><p>Some text about Iran and sanctions and more words.</p></body></html>`;
    // Act + Assess
    expect(htmlToArticle(html).body).toBe('Some text about Iran and sanctions and more words.');
  });

  it('closes implied <p> and <li>, and reads the title outside <svg>', () => {
    // Prepare
    const html =
      '<html><head><title>Page title here</title></head><body><svg><title>Icon</title></svg><article><p>First paragraph of the story about Cuba and the embargo<div>A block inside</div><p>Second paragraph of the story about Cuba<br>with a break</article></body></html>';
    // Act
    const a = htmlToArticle(html);
    // Assess
    expect(a.title).toBe('Page title here');
    expect(a.body).toBe(
      'First paragraph of the story about Cuba and the embargo\n\nA block inside\n\nSecond paragraph of the story about Cuba\n\nwith a break',
    );
  });
});
