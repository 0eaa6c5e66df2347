import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { makeDocumentClient, makeS3Client } from '../../shared/adapters/aws.ts';
import { makeDynamoCanonicalStore } from '../../shared/adapters/dynamo-canonical-store.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { makeNameIndexStore } from '../../shared/adapters/name-index-store.ts';
import { makeS3Source } from '../../shared/adapters/s3-source.ts';
import { failedStatus, makeSqsHandler } from '../../shared/adapters/sqs-batch.ts';
import { loadConfig } from '../../shared/config.ts';
import { METRICS_NAMESPACE } from '../../shared/resources.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { EXTRACTOR_VERSION, extractEntities } from '../../shared/domain/extract.ts';
import { describeExpectedFormats, detectListFormat } from '../../shared/domain/sanctions/detect.ts';
import { relinkAfterListChange } from '../../shared/ingest/relink.ts';
import { keyCollectorFor, type ResolveRun, resolveListVersion } from '../../shared/ingest/resolve-lists.ts';
import type { ListPointer } from '../../shared/domain/stored.ts';
import { type IngestCall, reconcileSanctionsObject } from '../../shared/ingest/sanctions.ts';

const config = loadConfig();
const logger = new Logger({ serviceName: 'ingest-sanctions' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ingest-sanctions' });
const source = makeS3Source(makeS3Client(config), config.BUCKET_NAME);
const store = makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME);
const index = makeNameIndexStore(source);
const canonicalStore = makeDynamoCanonicalStore(store);

const deps = {
  source,
  store,
  detect: detectListFormat,
  describeExpected: describeExpectedFormats,
  maxBytes: config.MAX_OBJECT_BYTES,
  shrinkGuard: config.SHRINK_GUARD,
  collectKeys: (list: string, version: string, current: ListPointer | undefined) =>
    keyCollectorFor(canonicalStore, list, version, current),
  onListVersionChanged: (run: ResolveRun) =>
    resolveListVersion(run, { store: canonicalStore, log: (message, data) => logger.info(message, data ?? {}) }).then(
      () => undefined,
    ),
  onListsChanged: (call: IngestCall) =>
    relinkAfterListChange(
      {
        store,
        index,
        articles: {
          source,
          extract: extractEntities,
          extractedBy: EXTRACTOR_VERSION,
          parse: parseArticles,
          maxBytes: config.MAX_ARTICLE_BYTES,
        },
        log: (message, data) => logger.info(message, data),
      },
      call,
    ),
};

export const handler = async (event: SQSEvent, context: Context) => {
  // This invocation's deadline, passed down the call: a minute before the function's own time runs out.
  const call = { deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - 60_000) };
  return makeSqsHandler(
    logger,
    metrics,
    (ref) => reconcileSanctionsObject(ref, deps, call),
    (ref, err) => store.putIngestStatus(failedStatus(ref, err)),
  )(event, context);
};
