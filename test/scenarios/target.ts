import type { S3Client } from '@aws-sdk/client-s3';

/** What the scenarios read back from `/ingests/{key}`. */
export interface IngestView {
  key: string;
  status: string;
  etag?: string;
  list?: string;
  error?: string;
  records?: { read: number; written: number; rejected: number };
}

/**
 * One place the end-to-end scenarios run against: the embedded sandbox or a LocalStack with the stack deployed.
 * The scenarios (scenarios.ts) are written once against this; each target says only how it is reached.
 */
export interface ScenarioTarget {
  readonly name: string;
  readonly s3: S3Client;
  readonly bucket: string;
  /** GET on the query API (the Function URL), JSON parsed when it is JSON. */
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  /** How long one upload may take to show in `/ingests/{key}` (LocalStack starts Lambda containers on first use). */
  readonly settleMs: number;
  /** Messages in the article queue's dead-letter queue now. */
  deadLetters(): Promise<number>;
  /**
   * Makes one message on the article queue fail on every receive, so that it ends in the dead-letter queue; `undo`
   * puts the target back as it was. The sandbox fails every DynamoDB write; LocalStack gets a message that is no S3
   * notification, with the queue's visibility timeout cut so its five receives take seconds, not half an hour.
   */
  poisonArticleQueue(uniqueKey: string): Promise<{ undo(): Promise<void> }>;
}
