import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { makeDocumentClient, makeS3Client } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { makeNameIndexStore } from '../../shared/adapters/name-index-store.ts';
import { makeS3Source } from '../../shared/adapters/s3-source.ts';
import { failedStatus, makeSqsHandler } from '../../shared/adapters/sqs-batch.ts';
import { loadConfig } from '../../shared/config.ts';
import { METRICS_NAMESPACE } from '../../shared/resources.ts';
import { EXTRACTOR_VERSION, extractEntities } from '../../shared/domain/extract.ts';
import { parseArticles } from '../../shared/domain/article-formats.ts';
import { reconcileArticleObject } from '../../shared/ingest/articles.ts';

const config = loadConfig();
const logger = new Logger({ serviceName: 'ingest-article' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ingest-article' });
const source = makeS3Source(makeS3Client(config), config.BUCKET_NAME);
const deps = {
  source,
  index: makeNameIndexStore(source),
  store: makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME),
  extract: extractEntities,
  extractedBy: EXTRACTOR_VERSION,
  parse: parseArticles,
  maxBytes: config.MAX_ARTICLE_BYTES,
};

export const handler = makeSqsHandler(
  logger,
  metrics,
  (ref) => reconcileArticleObject(ref, deps),
  (ref, err) => deps.store.putIngestStatus(failedStatus(ref, err)),
);
