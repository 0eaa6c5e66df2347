import { Logger } from '@aws-lambda-powertools/logger';
import { makeDocumentClient, makeS3Client } from '../../shared/adapters/aws.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { makeS3Source } from '../../shared/adapters/s3-source.ts';
import { makeSqsHandler } from '../../shared/adapters/sqs-batch.ts';
import { loadConfig } from '../../shared/config.ts';
import { describeExpectedFormats, detectListFormat } from '../../shared/domain/sanctions/detect.ts';
import { reconcileSanctionsObject } from '../../shared/ingest/sanctions.ts';

const config = loadConfig();
const logger = new Logger({ serviceName: 'ingest-sanctions' });
const deps = {
  source: makeS3Source(makeS3Client(config), config.BUCKET_NAME),
  store: makeDynamoStore(makeDocumentClient(config), config.TABLE_NAME),
  detect: detectListFormat,
  describeExpected: describeExpectedFormats,
  maxBytes: config.MAX_OBJECT_BYTES,
  shrinkGuard: config.SHRINK_GUARD,
};

export const handler = makeSqsHandler(logger, (ref) => reconcileSanctionsObject(ref, deps));
