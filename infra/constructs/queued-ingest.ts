import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { type Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DLQ_RETENTION_DAYS, MAX_RECEIVE_COUNT, VISIBILITY_FACTOR, type IngestRoute } from '../../shared/resources.ts';
import { RadarFunction } from './radar-function.ts';

export interface QueuedIngestProps {
  readonly route: IngestRoute;
  readonly bucket: IBucket;
  /** Dead-letter queue for failed asynchronous invocations of the function (shared by the stack's functions). */
  readonly asyncDeadLetterQueue: IQueue;
  readonly removalPolicy?: RemovalPolicy;
}

/** An encrypted queue that refuses plain HTTP: the same settings for every queue of the stack. */
export function makeSecureQueue(
  scope: Construct,
  id: string,
  props: {
    visibilityTimeout?: Duration;
    retentionPeriod?: Duration;
    deadLetterQueue?: { queue: IQueue; maxReceiveCount: number };
    removalPolicy?: RemovalPolicy;
  },
): Queue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });
}

/** An alarm as soon as one message waits in a dead-letter queue: nothing lands there in normal operation. */
export function alarmOnDeadLetters(scope: Construct, id: string, dlq: Queue, what: string): Alarm {
  return dlq
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
    .createAlarm(scope, id, {
      alarmDescription: `Messages in the dead-letter queue of ${what}: inspect, fix, then redrive.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
}

/**
 * One ingest route: the bucket prefix's events go to an SQS queue (retries, back-pressure, a dead-letter queue for
 * poison messages, which direct S3 → Lambda lacks) that feeds the route's function with partial batch responses.
 * The S3 notification itself is wired by the stack, which chooses between the CDK and the LocalStack path.
 */
export class QueuedIngest extends Construct {
  readonly route: IngestRoute;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: RadarFunction;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: QueuedIngestProps) {
    super(scope, id);
    const { route } = props;
    this.route = route;

    this.function = new RadarFunction(this, 'Function', {
      name: route.name,
      timeout: Duration.seconds(route.timeoutSeconds),
      memorySize: route.memoryMb,
      bucketName: props.bucket.bucketName,
      deadLetterQueue: props.asyncDeadLetterQueue,
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });

    this.deadLetterQueue = makeSecureQueue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.queue = makeSecureQueue(this, 'Queue', {
      // A message becomes visible again while its first invocation still runs unless visibility outlasts the
      // function timeout with room for retries inside a batch (AWS: at least 6 × the timeout).
      visibilityTimeout: Duration.seconds(VISIBILITY_FACTOR * route.timeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });

    this.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: route.batchSize, reportBatchItemFailures: true }),
    );
    this.alarm = alarmOnDeadLetters(this, 'DeadLetterAlarm', this.deadLetterQueue, route.name);
  }
}
