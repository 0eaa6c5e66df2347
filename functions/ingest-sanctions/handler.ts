import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { makeDocumentClient, makeS3Client } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { makeNameIndexStore } from '../../shared/adapters/name-index-store.ts';
import { makeS3Source } from '../../shared/adapters/s3-source.ts';
import { failedStatus, makeSqsHandler } from '../../shared/adapters/sqs-batch.ts';
import { loadConfig } from '../../shared/config.ts';
import { METRICS_NAMESPACE } from '../../shared/resources.ts';
import { DependencyError } from '../../shared/errors.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { extractEntities } from '../../shared/domain/extract.ts';
import { describeExpectedFormats, detectListFormat } from '../../shared/domain/sanctions/detect.ts';
import { relinkAllArticles } from '../../shared/ingest/articles.ts';
import { rebuildNameIndex } from '../../shared/ingest/name-index.ts';
import { reconcileSanctionsObject } from '../../shared/ingest/sanctions.ts';

const config = loadConfig();
const logger = new Logger({ serviceName: 'ingest-sanctions' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ingest-sanctions' });
const source = makeS3Source(makeS3Client(config), config.BUCKET_NAME);
const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);
const index = makeNameIndexStore(source);
let deadline = 0;

const deps = {
  source,
  store,
  detect: detectListFormat,
  describeExpected: describeExpectedFormats,
  maxBytes: config.MAX_OBJECT_BYTES,
  shrinkGuard: config.SHRINK_GUARD,
  // After a list changed: a new name index, then every article relinked against it (design §4), as time allows.
  onListsChanged: async () => {
    const built = await rebuildNameIndex(store, index);
    if (built.rebuilt) logger.info('name index rebuilt', built);
    const r = await relinkAllArticles(
      { source, store, index, extract: extractEntities, parse: parseArticles, maxBytes: config.MAX_ARTICLE_BYTES },
      { deadline, skipIfCurrent: true },
    );
    // Unfinished: fail the message so it comes back; relinking is idempotent, so each try goes further.
    if (!r.finished)
      throw new DependencyError(
        `relinked ${r.relinked} of ${r.total} article objects before the time ran out; retrying`,
      );
    if (r.relinked) logger.info('articles relinked', r);
  },
};

const processBatch = makeSqsHandler(
  logger,
  metrics,
  (ref) => reconcileSanctionsObject(ref, deps),
  (ref, err) => store.putIngestStatus(failedStatus(ref, err)),
);

export const handler = async (event: SQSEvent, context: Context) => {
  deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - 60_000);
  return processBatch(event, context);
};
