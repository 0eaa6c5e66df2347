import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseArticle, readingOf } from '../../../shared/domain/article.ts';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import { EXTRACTOR_VERSION, extractEntities } from '../../../shared/domain/extract.ts';
import { buildNameIndex, NameMatcher } from '../../../shared/domain/name-index.ts';
import type { RawArticle } from '../../../shared/domain/raw-article.ts';
import { DEMO, demoMatcher, filesUnder } from '../../helpers/demo.ts';

/**
 * A stored article keeps the extractor's reading (its mentions, their other forms, which ones only the index found)
 * and the extractor's version, so a proportional relink links it again without running the extractor (issue 17.4:
 * the extractor is most of a relink's compute). That is exact only while the version names what the extractor finds.
 */

let demo: { key: string; index: number; raw: RawArticle }[] = [];
let matcher: NameMatcher;
beforeAll(async () => {
  matcher = await demoMatcher();
  demo = filesUnder(join(DEMO, 'articles')).flatMap((file) => {
    const key = `articles/${relative(join(DEMO, 'articles'), file)}`;
    return parseArticles(readFileSync(file, 'utf8'), key).articles.map((raw, index) => ({ key, index, raw }));
  });
});

/**
 * What the extractor finds in the demo articles, hashed. Recorded with the version: a change to the extractor that
 * changes what it finds changes the hash, and then the version must change too (else relinks would keep readings of
 * the old extractor as if they were the new one's).
 */
const READING_OF_THE_DEMO = {
  version: 'radar-extract/2026-12-02',
  sha256: 'b16b0fa8beeed1017a4b39d7c94aa72fd5c66978d12724f87ceb3a2eaf61a3ff',
};

describe('the extractor version', () => {
  it('changes whenever what the extractor finds in the demo articles changes', () => {
    // Act
    const hash = createHash('sha256');
    for (const a of demo)
      hash.update(JSON.stringify(extractEntities(a.raw.title ? `${a.raw.title}\n\n${a.raw.body}` : a.raw.body)));
    const sha256 = hash.digest('hex');

    // Assess
    expect(demo.length).toBeGreaterThan(40);
    expect(
      { version: EXTRACTOR_VERSION, sha256 },
      'the extractor finds something else in the demo articles: give EXTRACTOR_VERSION a new value and record both here',
    ).toEqual(READING_OF_THE_DEMO);
  });
});

describe('a stored reading linked again', () => {
  it('links every demo article exactly as reading it again would, against this index and against another', () => {
    // Prepare: the other index holds only some of the names, so links move both ways
    const other = new NameMatcher(
      buildNameIndex([
        {
          list: 'us-ofac-sdn',
          sourceId: '1',
          name: 'Korea Mining Development Trading Corporation',
          type: 'organization',
          countries: ['KP'],
          aliases: ['KOMID'],
        },
        {
          list: 'us-ofac-sdn',
          sourceId: '2',
          name: 'Islamic Republic of Iran Shipping Lines',
          type: 'organization',
          countries: ['IR'],
          aliases: ['IRISL'],
        },
      ]),
    );
    // Our own line, a name alone as in a headline or a caption: the extractor misses it, the index finds it
    const caption = {
      key: 'articles/caption.txt',
      index: 0,
      raw: { body: 'Korea Mining Development Trading Corporation' },
    };
    let withSurfaces = 0;
    let byIndex = 0;
    for (const a of [...demo, caption]) {
      const stored = analyseArticle(a.key, a.index, a.raw, extractEntities, matcher, EXTRACTOR_VERSION);
      withSurfaces += stored.mentions.filter((m) => m.surfaces).length;
      byIndex += stored.mentions.filter((m) => m.byIndex).length;
      const reading = readingOf(stored, EXTRACTOR_VERSION)!;
      for (const m of [matcher, other, undefined]) {
        // Act
        const again = analyseArticle(a.key, a.index, a.raw, () => reading, m, EXTRACTOR_VERSION);

        // Assess
        expect(again).toEqual(analyseArticle(a.key, a.index, a.raw, extractEntities, m, EXTRACTOR_VERSION));
      }
    }
    // The cases that make it more than a copy of the mentions are in the demo
    expect(withSurfaces).toBeGreaterThan(0);
    expect(byIndex).toBeGreaterThan(0);
  });

  it('is not taken from an article another extractor read, or one stored without a version', () => {
    // Prepare
    const a = demo[0]!;
    const stored = analyseArticle(a.key, a.index, a.raw, extractEntities, matcher, EXTRACTOR_VERSION);

    // Act & Assess
    expect(readingOf(stored, 'radar-extract/another')).toBeUndefined();
    const { extractedBy: _, ...unversioned } = stored;
    expect(readingOf(unversioned, EXTRACTOR_VERSION)).toBeUndefined();
  });
});
