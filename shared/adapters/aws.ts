import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';

/** What a client needs of the configuration (the query function's smaller one has it too). */
type Endpoint = Pick<Config, 'AWS_REGION' | 'AWS_ENDPOINT_URL'>;

/**
 * No call may hang an invocation: a stalled one fails and is retried. The SDK sets no limit by default, and its
 * `requestTimeout` alone only logs a warning (until the response headers) unless `throwOnRequestTimeout` is set;
 * `socketTimeout` ends a response whose body stops arriving (a GET streamed into a parser).
 */
export const CALL_LIMITS = {
  s3: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true, socketTimeout: 60_000 },
  dynamodb: { connectionTimeout: 5_000, requestTimeout: 20_000, throwOnRequestTimeout: true, socketTimeout: 20_000 },
} as const;
export interface CallLimits {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: boolean;
  socketTimeout: number;
}

/**
 * One client per service, built from config. With AWS_ENDPOINT_URL (sandbox, LocalStack) S3 needs path-style
 * addressing: `bucket.127.0.0.1` does not resolve.
 */
export function makeS3Client(config: Endpoint, limits: CallLimits = CALL_LIMITS.s3): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL, forcePathStyle: true } : {}),
    // Default CRC32 trailers need aws-chunked uploads; plain requests work on every S3-compatible server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: limits,
  });
}

export function makeDocumentClient(
  config: Endpoint,
  limits: CallLimits = CALL_LIMITS.dynamodb,
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    maxAttempts: 8,
    requestHandler: limits,
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}
