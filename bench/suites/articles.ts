import { analyseArticle, type Extractor } from '../../shared/domain/article.ts';
import { findPlaceMentions } from '../../shared/domain/countries.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { tagTokens } from '../../shared/domain/ner/tagger.ts';
import { tokenize } from '../../shared/domain/news-tokens.ts';
import { buildNameIndex, NameMatcher } from '../../shared/domain/name-index.ts';
import type { RawArticle } from '../../shared/domain/article-formats.ts';
import { secondsPerCall, timeOf, type Suite, type SuiteContext } from '../lib/context.ts';
import { composeArticles, indexEntities } from '../lib/corpus.ts';
import { figureOf, growthOf } from '../lib/report.ts';

const extract = extractEntities as unknown as Extractor;

/** Articles of at least 700 words: consecutive composed articles' bodies joined under the first one's title. */
function longArticles(articles: readonly RawArticle[], count: number): RawArticle[] {
  const out: RawArticle[] = [];
  let k = 0;
  while (out.length < count && k < articles.length) {
    const first = articles[k]!;
    let body = first.body;
    while (body.split(/\s+/).length < 700 && ++k < articles.length) body += `\n\n${articles[k]!.body}`;
    k++;
    out.push({ ...first, body });
  }
  return out;
}

async function analyseAll(articles: readonly RawArticle[], matcher?: NameMatcher): Promise<number> {
  let mentions = 0;
  for (const [i, raw] of articles.entries())
    mentions += analyseArticle(`articles/bench/${i}.ndjson`, i, raw, extract, matcher).mentions.length;
  return mentions;
}

export const articlesSuite: Suite = {
  name: 'articles',
  title: 'Article extraction and linking on one core, by name-index size',
  async run(ctx: SuiteContext) {
    const sizes = [1_000, 10_000, 100_000];
    const reps = ctx.quick ? 3 : 5;
    const batch = ctx.quick ? 40 : 100;
    const articles = composeArticles(batch * 100, 11);
    const base = articles.slice(0, batch);
    const minSeconds = ctx.quick ? 0.3 : 1;
    await secondsPerCall(() => analyseAll(base), minSeconds); // JIT warm-up
    let biggest: NameMatcher | undefined;
    for (const size of sizes) {
      const entities = await indexEntities(size);
      const builds: number[] = [];
      let matcher!: NameMatcher;
      for (let i = 0; i < reps; i++) {
        const t = await timeOf(async () => new NameMatcher(buildNameIndex(entities)));
        builds.push(t.seconds * 1000);
        matcher = t.value;
      }
      ctx.figures.push(
        figureOf({
          suite: 'articles',
          name: 'build name index + matcher',
          unit: 'ms',
          better: 'lower',
          params: { aliases: size, articles: '' },
          runs: builds,
        }),
      );
      const ours: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < reps; i++) {
        ours.push(batch / (await secondsPerCall(() => analyseAll(base, matcher), minSeconds)).seconds);
        plain.push(batch / (await secondsPerCall(() => analyseAll(base), minSeconds)).seconds);
      }
      const f = figureOf({
        suite: 'articles',
        name: 'extract + link',
        unit: 'articles/s',
        better: 'higher',
        params: { aliases: size, articles: batch },
        runs: ours,
        baselineRuns: { name: 'extract only (no index)', runs: plain },
      });
      if (size === 100_000) f.goal = { text: '≥ 200 articles/s/core at 100,000 aliases', met: f.summary.median >= 200 };
      ctx.figures.push(f);
      ctx.log(
        `  ${size} aliases: ${f.summary.median.toFixed(0)} articles/s (${Math.round((f.ratio ?? 0) * 100)} % of extract-only), index built in ${Math.round(builds.sort((a, b) => a - b)[builds.length >> 1]!)} ms`,
      );
      biggest = matcher;
    }
    // Articles of 700 words or more (the unit), from the same paragraphs, and the tagger's share of the time.
    const long = longArticles(articles, batch);
    const longRuns: number[] = [];
    const taggerShare: number[] = [];
    const texts = long.map((a) => (a.title ? `${a.title}\n\n${a.body}` : a.body));
    const tagAll = async () => {
      for (const t of texts) tagTokens(t, tokenize(t), findPlaceMentions(t));
    };
    for (let i = 0; i < reps; i++) {
      const whole = (await secondsPerCall(() => analyseAll(long, biggest), minSeconds)).seconds;
      const tagger = (await secondsPerCall(tagAll, minSeconds)).seconds;
      longRuns.push(long.length / whole);
      taggerShare.push((100 * tagger) / whole);
    }
    const words = Math.round(texts.reduce((n, t) => n + t.split(/\s+/).length, 0) / texts.length);
    const lf = figureOf({
      suite: 'articles',
      name: `extract + link, ${words}-word articles`,
      unit: 'articles/s',
      better: 'higher',
      params: { aliases: 100_000, articles: long.length },
      runs: longRuns,
    });
    lf.goal = { text: '≥ 200 700-word articles/s/core at 100,000 aliases', met: lf.summary.median >= 200 };
    ctx.figures.push(lf);
    ctx.figures.push(
      figureOf({
        suite: 'articles',
        name: 'tagger share of extract + link (tokens, places, features, Viterbi)',
        unit: '%',
        better: 'lower',
        params: { aliases: 100_000, articles: long.length },
        runs: taggerShare,
      }),
    );
    ctx.log(
      `  ${words}-word articles: ${lf.summary.median.toFixed(0)} articles/s; the tagger takes ${taggerShare.sort((x, y) => x - y)[taggerShare.length >> 1]!.toFixed(0)} % of the time`,
    );
    // Growth at the largest index: 1×, 10×, 100× the articles.
    const points: { scale: number; size: number; throughput: number }[] = [];
    for (const scale of [1, 10, 100]) {
      const n = (ctx.quick ? 4 : 10) * scale;
      const slice = articles.slice(0, n);
      const runs: number[] = [];
      for (let i = 0; i < (scale === 100 ? Math.min(3, reps) : reps); i++)
        runs.push(
          n / (await secondsPerCall(() => analyseAll(slice, biggest), scale === 1 ? minSeconds / 2 : 0)).seconds,
        );
      const f = figureOf({
        suite: 'articles',
        name: 'extract + link (growth)',
        unit: 'articles/s',
        better: 'higher',
        params: { aliases: 100_000, articles: n },
        runs,
      });
      ctx.figures.push(f);
      points.push({ scale, size: n, throughput: f.summary.median });
    }
    ctx.growth.push(
      growthOf({ suite: 'articles', name: 'extract + link at 100,000 aliases', unit: 'articles/s', points }),
    );
  },
};
