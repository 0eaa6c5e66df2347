import { makeMemoryStore } from '../../shared/adapters/memory-store.ts';
import type { NameIndexStore } from '../../shared/adapters/name-index-store.ts';
import type { ObjectRef } from '../../shared/adapters/s3-event.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { buildNameIndex, NameMatcher } from '../../shared/domain/name-index.ts';
import { describeExpectedFormats, detectListFormat } from '../../shared/domain/sanctions/detect.ts';
import { aggregateStreamBatch } from '../../shared/ingest/aggregate.ts';
import { type ArticleDeps, reconcileArticleObject } from '../../shared/ingest/articles.ts';
import { reconcileSanctionsObject, type SanctionsDeps } from '../../shared/ingest/sanctions.ts';
import type { ListCatalog, Store } from '../../shared/ports.ts';
import { makeMemorySource } from './memory-source.ts';

/**
 * A generated corpus for the read-model tests (issue 17.2): a list of synthetic FollowTheMoney companies and NDJSON
 * batches of generated news that name some of them, a few invented people and some countries. Written for the tests
 * (no news text or list data copied); the same seed gives the same corpus.
 */

const SYLL = ['kor', 'vex', 'tal', 'mir', 'dun', 'zar', 'pol', 'ken', 'ras', 'bel', 'tor', 'quin', 'sal', 'fen', 'gor'];
const KINDS = ['Shipping', 'Trading', 'Holdings', 'Logistics', 'Petroleum', 'Minerals'];
const COUNTRIES = ['ir', 'kp', 'ru', 'sy', 'cn', 've', 'by', 'cu'];
const PLACES = ['Beijing', 'Moscow', 'Tehran', 'Damascus', 'Caracas', 'Minsk', 'Havana', 'Paris', 'Berlin'];
const PEOPLE = ['Anna Petrova', 'John Mercer', 'Lena Varga', 'Omar Haddad', 'Mei Tanaka', 'Pavel Orlov'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
export const entityName = (i: number) => {
  const a = SYLL[i % SYLL.length]!;
  const b = SYLL[Math.floor(i / SYLL.length) % SYLL.length]!;
  const c = SYLL[Math.floor(i / SYLL.length ** 2) % SYLL.length]!;
  return `${cap(a + b + c)} ${KINDS[i % KINDS.length]}`;
};

/** FtM lines: `n` companies, each with one or two countries. */
export function generatedList(n: number, dataset = 'gen_ds'): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const countries = [
      COUNTRIES[i % COUNTRIES.length]!,
      ...(i % 3 === 0 ? [COUNTRIES[(i + 3) % COUNTRIES.length]!] : []),
    ];
    lines.push(
      JSON.stringify({
        id: `gen-co-${i}`,
        schema: 'Company',
        properties: { name: [entityName(i)], country: countries },
        datasets: [dataset],
        target: true,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** NDJSON batches of articles, each naming up to two listed companies (of the first `mentioned`), a person, places. */
export function generatedArticles(count: number, mentioned: number, seed = 1, perBatch = 20): string[] {
  const r = rng(seed);
  const batches: string[] = [];
  for (let b = 0; b < count; b += perBatch) {
    const lines: string[] = [];
    for (let i = b; i < Math.min(count, b + perBatch); i++) {
      const e1 = entityName(Math.floor(r() * mentioned));
      const e2 = entityName(Math.floor(r() * mentioned));
      const who = PEOPLE[Math.floor(r() * PEOPLE.length)]!;
      const where = PLACES[Math.floor(r() * PLACES.length)]!;
      const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(r() * 500) * 86_400_000).toISOString().slice(0, 10);
      lines.push(
        JSON.stringify({
          title: `cargo note ${i}`,
          ...(i % 7 === 3 ? {} : { published: day }),
          text: `Officials in ${where} said on Monday that ${e1} had moved cargo. ${who} told reporters that ${e2} was paid twice.`,
        }),
      );
    }
    batches.push(`${lines.join('\n')}\n`);
  }
  return batches;
}

const ref = (key: string): ObjectRef => ({
  bucket: 'radar-ingest',
  key,
  eventName: 'ObjectCreated:Put',
  eventTime: new Date().toISOString(),
});

/** The list ingest's deps over an object source and a store, as the use-case tests and scripts run it. */
export function corpusSanctionsDeps(source: SanctionsDeps['source'], store: SanctionsDeps['store']): SanctionsDeps {
  return {
    source,
    store,
    detect: detectListFormat,
    describeExpected: describeExpectedFormats,
    maxBytes: 200 * 1024 * 1024,
    shrinkGuard: 0,
  };
}

/**
 * The article ingest's deps, linking against a name index built from the lists `store` holds now (their current
 * versions), as the name-index rebuild would build it.
 */
export async function corpusArticleDeps(
  source: ArticleDeps['source'],
  store: ArticleDeps['store'] & Pick<ListCatalog, 'readListPointers' | 'readListVersion'>,
  etag: string,
): Promise<{ deps: ArticleDeps; entities: number }> {
  const pointers = await store.readListPointers();
  const entities = (await Promise.all(pointers.map((p) => store.readListVersion(p.list, p.version)))).flatMap((es, i) =>
    es.map((e) => ({
      list: pointers[i]!.list,
      sourceId: String(e.sourceId),
      name: String(e.name),
      type: String(e.type),
      countries: ((e.countries as { code: string }[]) ?? []).map((c) => c.code),
      aliases: (e.aliases as string[]) ?? [],
    })),
  );
  const matcher = new NameMatcher(buildNameIndex(entities));
  return {
    entities: entities.length,
    deps: {
      source,
      store,
      extract: extractEntities,
      parse: parseArticles,
      maxBytes: 20 * 1024 * 1024,
      index: { load: async () => ({ etag, matcher }) } as unknown as NameIndexStore,
    },
  };
}

/**
 * Loads a list and articles through the use cases (list ingest, article ingest with linking, the stream aggregator)
 * into `store` (the memory store by default, or any other: DynamoDB Local through makeDynamoStore).
 */
export async function loadCorpus(
  opts: { listSize: number; articles: number; mentioned?: number; seed?: number },
  store: Store & { takeStream?: () => unknown[] } = makeMemoryStore(),
  drain?: () => Promise<void>,
): Promise<{ store: Store; s3: ReturnType<typeof makeMemorySource> }> {
  const s3 = makeMemorySource();
  const sanctions = corpusSanctionsDeps(s3.source, store);
  await s3.source.put('sanctions/gen.ftm.json', generatedList(opts.listSize), 'application/json');
  const st = await reconcileSanctionsObject(ref('sanctions/gen.ftm.json'), sanctions);
  if (st.status !== 'done') throw new Error(`list ingest: ${st.status} ${st.error ?? ''}`);
  const { deps } = await corpusArticleDeps(s3.source, store, 'gen-index');
  const batches = generatedArticles(opts.articles, opts.mentioned ?? Math.min(opts.listSize, 60), opts.seed ?? 1);
  for (const [i, b] of batches.entries()) {
    const key = `articles/gen-${i}.ndjson`;
    await s3.source.put(key, b, 'application/x-ndjson');
    await reconcileArticleObject(ref(key), deps);
  }
  if (drain) await drain();
  else if (store.takeStream) {
    const r = await aggregateStreamBatch(store.takeStream() as never, store);
    if (r.error) throw r.error;
  }
  return { store, s3 };
}
