/**
 * Names, prefixes, keys and routes, defined once. The CDK stack and the embedded sandbox both build from this module,
 * and test/infra proves the synthesized template wires what the sandbox wires.
 */

export const BUCKET_NAME = 'radar-ingest';
export const TABLE_NAME = 'radar';

/** Upload prefixes that trigger ingest. Functions never write under these (no self-triggering). */
export const PREFIXES = {
  articles: 'articles/',
  sanctions: 'sanctions/',
} as const;

/** Prefixes functions write to. */
export const OUTPUT_PREFIXES = {
  index: 'index/',
  quarantine: 'quarantine/',
} as const;

/** The name index's per-build signatures (under index/): the only objects a function deletes (issue 17.4). */
export const NAME_BUILDS_PREFIX = `${OUTPUT_PREFIXES.index}builds/`;

/** The S3 events each ingest queue subscribes to (multipart uploads fire CompleteMultipartUpload, not Put). */
export const SUBSCRIBED_EVENTS = ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] as const;

export interface IngestRoute {
  /** Logical name, used for queue, function and folder names. */
  readonly name: 'ingest-article' | 'ingest-sanctions';
  readonly prefix: string;
  /** Lambda timeout. SQS visibility is VISIBILITY_FACTOR × this. */
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly batchSize: number;
}

export const INGEST_ROUTES: readonly IngestRoute[] = [
  // 600 s, as for lists: an object is reconciled whole, so a retry after a timeout starts it again from the top, and
  // an object whose one attempt outlasts the timeout is never finished (it goes to the dead letters). The largest
  // object allowed (MAX_ARTICLE_BYTES, 20 MB: 20,500 short articles in test/hostile) took 174 s alone on the sandbox
  // at 180 s, and timed out twice in a row beside the rest of CI (2026-12-02): no headroom. On AWS the visibility
  // timeout follows (6 × 600 s), so a failed message is retried after an hour rather than 18 minutes.
  { name: 'ingest-article', prefix: PREFIXES.articles, timeoutSeconds: 600, memoryMb: 1024, batchSize: 10 },
  { name: 'ingest-sanctions', prefix: PREFIXES.sanctions, timeoutSeconds: 600, memoryMb: 1024, batchSize: 1 },
];

/** AWS's advice for SQS event sources: visibility timeout at least 6 × the function timeout. */
export const VISIBILITY_FACTOR = 6;
/** After this many receives a message goes to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
/** How long dead letters are kept (14 days, the SQS maximum). */
export const DLQ_RETENTION_DAYS = 14;

/** One table; keys designed for the queries (design §3). */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /**
   * gsi1: string keys (ingests by time, article objects, entity rows and listed entities by name). gsiMentions and
   * gsiArticles: entity rows by count (issue 17.2), sparse (only rows carry `erpk`, `erm`, `era`), partition = the
   * row's facet shard. Attribute types: S string, N number.
   */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', sortKeyType: 'S' },
    { name: 'gsiMentions', partitionKey: 'erpk', sortKey: 'erm', sortKeyType: 'N' },
    { name: 'gsiArticles', partitionKey: 'erpk', sortKey: 'era', sortKeyType: 'N' },
  ],
  /** The table's change stream: what the counter aggregator reads (old and new image of every changed item). */
  stream: 'NEW_AND_OLD_IMAGES',
} as const;

/**
 * The consumer of the table's stream: it merges the counter deltas that stored contributions imply, shard by shard in
 * order (the Lambda event source for DynamoDB Streams; the sandbox polls DynamoDB Local's stream the same way).
 * The handler lives in `functions/<name>/handler.ts` and answers a DynamoDBStreamEvent with a DynamoDBBatchResponse.
 */
export const STREAM_CONSUMER = {
  name: 'aggregate-counts',
  timeoutSeconds: 60,
  memoryMb: 512,
  batchSize: 500,
  maxBatchingWindowSeconds: 1,
  /** Redeliveries of a failing batch before the event source gives up on it (to the consumer's failure destination). */
  maxRetryAttempts: 10,
  /**
   * The event source's filter: only changes of contribution parts (sort key `PART#…`, shared/domain/keys.ts) reach
   * the aggregator, which reads nothing else. Every other change (articles, references, postings, and the
   * aggregator's own rows and counters: most of the stream) is dropped by the event source, not by an invocation.
   * The stack makes it a Lambda filter (`Keys.sk.S` begins with it), the sandbox's poller applies the same.
   */
  filter: { keyAttribute: 'sk', prefix: 'PART#' },
} as const;

/** Routes of the query function (design §5). `{key+}` is greedy: ingest keys contain slashes. */
export const QUERY_ROUTES = [
  'GET /',
  /** The dashboard's script: a file of its own so the page's Content-Security-Policy allows no inline script. */
  'GET /dashboard.js',
  'GET /health',
  'GET /openapi.json',
  'GET /counts/countries',
  'GET /counts/entities',
  'GET /counts/timeline',
  'GET /entities/{id}',
  'GET /articles',
  'GET /articles/{id}',
  'GET /ingests',
  'GET /ingests/{key+}',
  /** What each new list version added, changed and removed, joined with the news (issue 11.3, 11.4). */
  'GET /changes',
] as const;

/** Powertools Metrics namespace of every function (set as POWERTOOLS_METRICS_NAMESPACE by the stack and the sandbox). */
export const METRICS_NAMESPACE = 'SanctionsRadar';

export const QUERY_FUNCTION = { name: 'query', timeoutSeconds: 10, memoryMb: 512 } as const;

/** Sandbox defaults (design §5, the sandbox contract). */
export const SANDBOX = {
  edgePort: 4566,
  queryPort: 3000,
  host: '127.0.0.1',
  region: 'us-east-1',
  dataDir: '.sandbox',
} as const;
