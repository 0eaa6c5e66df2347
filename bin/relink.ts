import { makeDocumentClient, makeS3Client } from '../shared/adapters/aws.ts';
import { makeDynamoStore } from '../shared/adapters/dynamo-store.ts';
import { makeNameIndexStore } from '../shared/adapters/name-index-store.ts';
import { makeS3Source } from '../shared/adapters/s3-source.ts';
import { loadConfig } from '../shared/config.ts';
import { parseArticles } from '../shared/domain/article-formats.ts';
import { EXTRACTOR_VERSION, extractEntities } from '../shared/domain/extract.ts';
import { relinkChangedArticles, relinkEverything } from '../shared/ingest/relink.ts';

/**
 * The same relink the sanctions function runs after a list changes (only the articles under changed names), run from
 * here against any endpoint; `all` runs the full pass over every stored article object.
 */
export async function relink(
  env: NodeJS.ProcessEnv,
  onProgress: (done: number, total: number) => void,
  opts: { all?: boolean } = {},
) {
  // The SDK reads credentials and region from the process environment.
  Object.assign(process.env, env);
  const config = loadConfig(env);
  const source = makeS3Source(makeS3Client(config), config.BUCKET_NAME);
  const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);
  const deps = {
    source,
    store,
    index: makeNameIndexStore(source),
    extract: extractEntities,
    extractedBy: EXTRACTOR_VERSION,
    parse: parseArticles,
    maxBytes: config.MAX_ARTICLE_BYTES,
  };
  return opts.all ? relinkEverything(deps, { onProgress }) : relinkChangedArticles(deps, { onProgress });
}
