import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, FunctionUrlAuthType, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  ObjectOwnership,
  type CfnBucket,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import {
  BUCKET_NAME,
  DLQ_RETENTION_DAYS,
  INGEST_ROUTES,
  NAME_BUILDS_PREFIX,
  OUTPUT_PREFIXES,
  PREFIXES,
  QUERY_FUNCTION,
  STREAM_CONSUMER,
  SUBSCRIBED_EVENTS,
  TABLE,
  TABLE_NAME,
  type IngestRoute,
} from '../shared/resources.ts';
import { RadarFunction } from './constructs/radar-function.ts';
import { QueuedIngest, alarmOnDeadLetters, makeSecureQueue } from './constructs/queued-ingest.ts';

export interface IngestStackProps extends StackProps {
  /**
   * Target LocalStack (context `localstack=true`, set by scripts/deploy-localstack.sh): S3 notifications are set on
   * the bucket itself instead of through CDK's custom resource, and the bucket and table take the sandbox's fixed
   * names so the same `aws --endpoint-url http://127.0.0.1:4566` commands work on the sandbox and on LocalStack.
   */
  readonly localstack?: boolean;
}

/** What each ingest function may touch in the bucket. Nothing writes under a trigger prefix (design §1). */
const OBJECT_ACCESS: Record<IngestRoute['name'], { read: string[]; write: string[]; delete?: string[] }> = {
  // Reads its uploads and the name index (index/names.json.gz, loaded once per container); reports rejects.
  'ingest-article': { read: [PREFIXES.articles, OUTPUT_PREFIXES.index], write: [OUTPUT_PREFIXES.quarantine] },
  // Reads list files (and their sibling parts), writes the name index after a list changed, then relinks stored
  // articles against it (shared/ingest/articles.ts relinkAllArticles), which reads articles/ and may quarantine one.
  'ingest-sanctions': {
    read: [PREFIXES.sanctions, PREFIXES.articles, OUTPUT_PREFIXES.index],
    write: [OUTPUT_PREFIXES.index, OUTPUT_PREFIXES.quarantine],
    // The signatures of name-index builds every article is past (a finished relink prunes them: issue 17.4).
    delete: [NAME_BUILDS_PREFIX],
  },
};

/** The sandbox and this stack share INGEST_ROUTES × SUBSCRIBED_EVENTS; this is that product, once. */
export function notificationsOf(
  routes: readonly IngestRoute[] = INGEST_ROUTES,
): { route: IngestRoute; event: EventType }[] {
  const known = new Set<string>(Object.values(EventType));
  return routes.flatMap((route) =>
    SUBSCRIBED_EVENTS.map((event) => {
      if (!known.has(event)) throw new Error(`unknown S3 event type ${event}`);
      return { route, event: event as EventType };
    }),
  );
}

export class IngestStack extends Stack {
  readonly bucket: Bucket;
  readonly table: Table;
  readonly ingests: QueuedIngest[];
  readonly query: RadarFunction;
  readonly aggregator: RadarFunction;

  constructor(scope: Construct, id: string, props: IngestStackProps = {}) {
    super(scope, id, props);
    // Access logs are delivered under a bucket policy, not the LogDeliveryWrite ACL (ACLs are disabled by
    // BUCKET_OWNER_ENFORCED); set here too so the stack does not depend on cdk.json being read.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const localstack = props.localstack ?? false;
    // On AWS the data outlives the stack; on LocalStack a re-deploy should start clean.
    const removalPolicy = localstack ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
    });

    this.bucket = new Bucket(this, 'IngestBucket', {
      // Bucket names are global on AWS, so CDK generates one there and functions get it as BUCKET_NAME.
      ...(localstack ? { bucketName: BUCKET_NAME } : {}),
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'ingest-bucket/',
      lifecycleRules: [
        // Rejected uploads' reports are rewritten on every retry; old versions have no reader.
        { prefix: OUTPUT_PREFIXES.quarantine, noncurrentVersionExpiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy,
    });

    this.table = new Table(this, 'Table', {
      ...(localstack ? { tableName: TABLE_NAME } : {}),
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      timeToLiveAttribute: TABLE.ttlAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      // The counter aggregator's input (issue 17): contributions' parts in, counter deltas out.
      stream: StreamViewType[TABLE.stream],
      removalPolicy,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: {
          name: index.sortKey,
          type: index.sortKeyType === 'N' ? AttributeType.NUMBER : AttributeType.STRING,
        },
      });
    }

    // Failed *asynchronous* invocations (e.g. `aws lambda invoke --invocation-type Event`) land here; the SQS-fed
    // invocations have their own dead-letter queues per route, and Function URL calls are synchronous.
    const asyncDlq = makeSecureQueue(this, 'AsyncInvokeDeadLetterQueue', {
      retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
      removalPolicy,
    });
    const asyncAlarm = alarmOnDeadLetters(this, 'AsyncInvokeDeadLetterAlarm', asyncDlq, 'asynchronous invocations');

    this.ingests = INGEST_ROUTES.map((route) => {
      const ingest = new QueuedIngest(this, pascal(route.name), {
        route,
        bucket: this.bucket,
        asyncDeadLetterQueue: asyncDlq,
        removalPolicy,
      });
      ingest.function.bind(this.table, 'RW').grantObjects(this.bucket, OBJECT_ACCESS[route.name]);
      return ingest;
    });

    // The query function reads aggregates only (design §3: never the bucket), so it gets the table read-only, no S3
    // grant and no bucket name (its config, loadQueryConfig, asks for none).
    this.query = new RadarFunction(this, 'QueryFunction', {
      name: QUERY_FUNCTION.name,
      timeout: Duration.seconds(QUERY_FUNCTION.timeoutSeconds),
      memorySize: QUERY_FUNCTION.memoryMb,
      deadLetterQueue: asyncDlq,
      removalPolicy,
    }).bind(this.table, 'RO');
    // A Function URL rather than API Gateway: LocalStack's free edition runs Lambda Function URLs, while API Gateway
    // v2 (HTTP APIs) is a paid feature there (docs.localstack.cloud/references/coverage/coverage_apigatewayv2: "only
    // in the pro image"); the handler routes paths itself. AWS_IAM auth: callers sign with SigV4 (`radar` CLI,
    // awscurl); the URL is not public on AWS. (LocalStack checks IAM only with its paid IAM enforcement.)
    const queryUrl = this.query.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });

    this.aggregator = this.wireAggregator(asyncDlq, removalPolicy);

    if (localstack) this.wireNotificationsDirectly();
    else this.wireNotificationsWithCdk();

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'QueryUrl', { value: queryUrl.url });
    for (const ingest of this.ingests) {
      new CfnOutput(this, `${pascal(ingest.route.name)}DeadLetterQueueUrl`, { value: ingest.deadLetterQueue.queueUrl });
    }
    new CfnOutput(this, 'AsyncInvokeDeadLetterQueueUrl', { value: asyncDlq.queueUrl });
    new CfnOutput(this, 'AsyncInvokeDeadLetterAlarmName', { value: asyncAlarm.alarmName });
  }

  /**
   * The table's stream → the counter aggregator, one shard's batch at a time in order (issue 17.1). Partial batch
   * responses name the first record not applied; no bisecting (the checkpoints make a redelivery cheap, and a split
   * batch would apply out of order); batches that keep failing go to a dead-letter queue (the record positions, to
   * replay from), with an alarm.
   */
  private wireAggregator(asyncDlq: ReturnType<typeof makeSecureQueue>, removalPolicy: RemovalPolicy): RadarFunction {
    const fn = new RadarFunction(this, 'AggregateCountsFunction', {
      name: STREAM_CONSUMER.name,
      timeout: Duration.seconds(STREAM_CONSUMER.timeoutSeconds),
      memorySize: STREAM_CONSUMER.memoryMb,
      bucketName: this.bucket.bucketName,
      deadLetterQueue: asyncDlq,
      removalPolicy,
    }).bind(this.table, 'RW');
    const dlq = makeSecureQueue(this, 'AggregateCountsDeadLetterQueue', {
      retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
      removalPolicy,
    });
    // cdk-nag recognises a dead-letter queue only by another queue's redrive policy; this one is the event source
    // mapping's on-failure destination.
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue: the on-failure destination of the stream event source.',
    });
    alarmOnDeadLetters(this, 'AggregateCountsDeadLetterAlarm', dlq, 'the counter aggregator');
    fn.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM_CONSUMER.batchSize,
        maxBatchingWindow: Duration.seconds(STREAM_CONSUMER.maxBatchingWindowSeconds),
        retryAttempts: STREAM_CONSUMER.maxRetryAttempts,
        bisectBatchOnError: false,
        reportBatchItemFailures: true,
        parallelizationFactor: 1,
        filters: [
          FilterCriteria.filter({
            dynamodb: {
              Keys: {
                [STREAM_CONSUMER.filter.keyAttribute]: { S: FilterRule.beginsWith(STREAM_CONSUMER.filter.prefix) },
              },
            },
          }),
        ],
        onFailure: new SqsDlq(dlq),
      }),
    );
    // DynamoEventSource grants dynamodb:ListStreams on `*`: that action has no resource-level permissions (IAM service
    // authorization reference, Amazon DynamoDB: ListStreams, "Resource types: *"). The stream actions are on the
    // table's stream ARN.
    Validations.of(fn.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'dynamodb:ListStreams, added by the DynamoDB event source, supports no resource-level permission.',
    });
    new CfnOutput(this, 'AggregateCountsDeadLetterQueueUrl', { value: dlq.queueUrl });
    return fn;
  }

  /** AWS: CDK's notification custom resource (it merges with notifications set outside the stack). */
  private wireNotificationsWithCdk(): void {
    const byName = new Map(this.ingests.map((i) => [i.route.name, i]));
    for (const { route, event } of notificationsOf()) {
      this.bucket.addEventNotification(event, new SqsDestination(byName.get(route.name)!.queue), {
        prefix: route.prefix,
      });
    }
    // The custom resource's handler is CDK's own code, not ours: acknowledge its findings by exact id.
    const handler = this.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) throw new Error('CDK bucket notifications handler not found');
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'Role of CDK’s own deploy-time notifications handler (aws-s3); the managed policy only lets it write its logs.',
    });
  }

  /**
   * LocalStack: CDK's Custom::S3BucketNotifications does not deploy on LocalStack's free edition (custom resources
   * are a paid feature; localstack/aws-cdk-local#88, localstack/localstack#9352). The documented workaround is the
   * bucket's own NotificationConfiguration, with queue policies that let S3 send. The bucket name is fixed here,
   * so the policies name it without referencing the bucket: a reference would make bucket → queue → policy → bucket
   * a cycle, and the bucket must be created after the policies (S3 checks the destination when it is configured).
   */
  private wireNotificationsDirectly(): void {
    const bucketArn = this.formatArn({ service: 's3', region: '', account: '', resource: BUCKET_NAME });
    const byName = new Map(this.ingests.map((i) => [i.route.name, i]));
    for (const ingest of this.ingests) {
      const result = ingest.queue.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('s3.amazonaws.com')],
          actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          resources: [ingest.queue.queueArn],
          conditions: { ArnLike: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
      if (result.policyDependable) this.bucket.node.addDependency(result.policyDependable);
    }
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      queueConfigurations: notificationsOf().map(({ route, event }) => ({
        event,
        queue: byName.get(route.name)!.queue.queueArn,
        filter: { s3Key: { rules: [{ name: 'prefix', value: route.prefix }] } },
      })),
    };
  }
}

/** `ingest-article` → `IngestArticle` (construct ids and output names). */
export const pascal = (name: string): string => name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
