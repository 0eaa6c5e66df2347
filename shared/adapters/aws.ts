import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.ts';

/**
 * One client per service, built from config. With AWS_ENDPOINT_URL (sandbox, LocalStack) S3 needs path-style
 * addressing: `bucket.127.0.0.1` does not resolve.
 */
export function makeS3Client(config: Config): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL, forcePathStyle: true } : {}),
    // Default CRC32 trailers need aws-chunked uploads; plain requests work on every S3-compatible server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // No request may hang an invocation: a stalled call fails and is retried (the SDK sets no timeout by default).
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}

export function makeDocumentClient(config: Config): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
    maxAttempts: 8,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}
