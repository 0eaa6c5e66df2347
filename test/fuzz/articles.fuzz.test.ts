import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseArticle } from '../../shared/domain/article.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { binaryOffset, decodeBytes } from '../../shared/domain/encoding.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { ArticleSchema } from '../../shared/domain/model.ts';
import { buildNameIndex, NameMatcher } from '../../shared/domain/name-index.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { MB, mutate, mutationArb, SEED, settledHeap, timed } from './fuzz-helpers.ts';

const ARTICLES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/files/articles');
/** The invented article fixtures (no real news text), each with the key it came under: the extension is a hint. */
const SAMPLES = readdirSync(ARTICLES)
  .filter((f) => f !== 'README.md')
  .map((f) => ({ key: `articles/fuzz/${f}`, bytes: readFileSync(join(ARTICLES, f)) }));

const MATCHER = new NameMatcher(
  buildNameIndex([
    { list: 'us-ofac-sdn', sourceId: '1', name: 'KORVALIS SHIPPING LLC', type: 'organization', countries: ['AE'] },
    { list: 'us-ofac-sdn', sourceId: '2', name: 'DRAVEN, Ilya Petrovich', type: 'person', countries: ['RU'] },
  ]),
);

/**
 * The article ingest's domain half, as shared/ingest/articles.ts runs it: decode, refuse binary, parse, analyse.
 * Returns what it would store, or the InvalidInputError it would quarantine with.
 */
function ingestView(bytes: Buffer, key: string): unknown {
  const { text } = decodeBytes(bytes);
  if (binaryOffset(text) !== undefined) return { binary: true };
  const parsed = parseArticles(text, key);
  const articles = parsed.articles.map((raw, i) => analyseArticle(key, i, raw, extractEntities, MATCHER));
  for (const a of articles) {
    // What the store receives must be what the model says an article is.
    const r = ArticleSchema.safeParse(a);
    expect(r.success, r.success ? '' : JSON.stringify(r.error.issues.slice(0, 3))).toBe(true);
  }
  return { format: parsed.format, rejects: parsed.rejects, articles };
}

/** Only InvalidInputError may escape; the call is bounded in time; the same bytes give the same result. */
function checkDeterministic(bytes: Buffer, key: string, boundMs: number): void {
  const run = () => {
    try {
      return timed(`article ${key} (${bytes.length} bytes)`, () => ingestView(bytes, key), boundMs);
    } catch (err) {
      if (err instanceof InvalidInputError) return { error: err.message, where: err.where };
      throw err;
    }
  };
  const first = run();
  expect(run()).toEqual(first);
}

/** JSON nested `depth` deep in one of the shapes wrappers and JSON-LD walkers look into. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 1, max: 12_000 }), kind: fc.constantFrom('data', 'array', 'fields', 'mixed') })
  .map(({ depth, kind }) => {
    const open =
      kind === 'array' ? '[' : kind === 'data' ? '{"data":' : kind === 'fields' ? '{"fields":' : '{"response":[';
    const close = kind === 'array' ? ']' : kind === 'mixed' ? ']}' : '}';
    return `${open.repeat(depth)}{"body":"Officials in Norway met."}${close.repeat(depth)}`;
  });

/** Tag soup: unbalanced, nested, scripts, comments, entities. */
const htmlSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<div>',
        '</div>',
        '<p>',
        '</p>',
        '<script>',
        '</script>',
        '<style>',
        '</style>',
        '<!--',
        '-->',
        '<a href="x">',
        '</a>',
        '<br/>',
        '<article>',
        '&amp;',
        '&#x0;',
        '&bogus;',
        '<![CDATA[',
        ']]>',
        '<!DOCTYPE html>',
        '<meta property="og:title" content="x">',
        '<script type="application/ld+json">{"@type":"NewsArticle","articleBody":',
      ),
      fc.constantFrom(
        'Officials in Norway met on Monday.',
        'Sanctions on KORVALIS SHIPPING LLC were announced, officials said.',
        'Ilya Draven denied it.',
      ),
      // No markup characters: a random "<p " left open would make the next tag an attribute, and its text real text.
      fc.string({ maxLength: 20 }).map((x) => x.replace(/[<>"'&]/g, ' ')),
    ),
    { maxLength: 200 },
  )
  .map((parts) => `<html><body>${parts.join('')}`);

describe('fuzzing the article parse → analyse path', () => {
  it('reads every unmutated sample into articles with mentions (the mutations start from files it accepts)', () => {
    // Act
    const views = SAMPLES.map((s) => ingestView(s.bytes, s.key) as { articles: { mentions: unknown[] }[] });
    // Assess
    expect(SAMPLES.length).toBeGreaterThanOrEqual(8);
    for (const v of views) expect(v.articles.length).toBeGreaterThan(0);
    expect(views.some((v) => v.articles.some((a) => a.mentions.length > 0))).toBe(true);
  });

  it('mutated sample files: only InvalidInputError, bounded time, deterministic, model-valid articles', () => {
    const heapBefore = settledHeap();
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
        (sample, mutations) => {
          checkDeterministic(mutate(sample.bytes, mutations), sample.key, 3000);
        },
      ),
      { numRuns: 400, seed: SEED },
    );
    expect(settledHeap() - heapBefore).toBeLessThan(32 * MB);
  });

  it('random text under every extension', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 3000 }),
          // Lone surrogates and every BMP code unit: normalize() and /u regexes meet them here.
          fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), maxLength: 2000 }),
        ),
        fc.constantFrom('a.txt', 'a.md', 'a.html', 'a.json', 'a.jsonl', 'a'),
        (text, name) => {
          checkDeterministic(Buffer.from(text, 'utf8'), `articles/fuzz/${name}`, 3000);
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  });

  it('deeply nested JSON (up to 12,000 levels) ends in a reject or an article, never a stack overflow', () => {
    fc.assert(
      fc.property(deepJson, fc.constantFrom('a.json', 'a.jsonl'), (json, name) => {
        checkDeterministic(Buffer.from(json, 'utf8'), `articles/fuzz/${name}`, 3000);
      }),
      { numRuns: 40, seed: SEED },
    );
  });

  it('HTML tag soup: only InvalidInputError, bounded time, deterministic', () => {
    fc.assert(
      fc.property(htmlSoup, (html) => {
        checkDeterministic(Buffer.from(html, 'utf8'), 'articles/fuzz/a.html', 3000);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('a script body is never article text (one generated script among random markup)', () => {
    fc.assert(
      fc.property(htmlSoup, fc.nat(200), (html, at) => {
        // Prepare: the canary sits in a closed script element inserted at a tag boundary.
        const cut = html.indexOf('<', Math.min(at, html.length - 1));
        const pos = cut < 0 ? html.length : cut;
        const doc = `${html.slice(0, pos)}<script>var canary = "Japan Brazil";</script>${html.slice(pos)}`;
        // Act
        const parsed = parseArticles(doc, 'articles/fuzz/a.html');
        // Assess
        for (const a of parsed.articles) expect(a.body).not.toContain('var canary');
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});
