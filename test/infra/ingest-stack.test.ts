import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  DLQ_RETENTION_DAYS,
  INGEST_ROUTES,
  MAX_RECEIVE_COUNT,
  NAME_BUILDS_PREFIX,
  OUTPUT_PREFIXES,
  PREFIXES,
  QUERY_FUNCTION,
  SUBSCRIBED_EVENTS,
  TABLE,
  VISIBILITY_FACTOR,
  STREAM_CONSUMER,
} from '../../shared/resources.ts';
import { PART_PREFIX } from '../../shared/domain/keys.ts';
import { METRICS_NAMESPACE, TABLE_ACTIONS } from '../../infra/constructs/radar-function.ts';
import {
  asArray,
  flatten,
  logicalIdOf,
  resourcesOf,
  synthIngestStack,
  type CfnTemplate,
  type Synthesized,
} from './stack-harness.ts';

const DAY = 24 * 60 * 60;
const aws = synthIngestStack({ localstack: false });
const local = synthIngestStack({ localstack: true });
const BOTH: [string, Synthesized][] = [
  ['AWS', aws],
  ['LocalStack', local],
];

/** Logical ids of the things the stack built, read from the constructs (never hard-coded hashes). */
function idsOf(s: Synthesized) {
  const { stack } = s;
  return {
    bucket: logicalIdOf(stack, stack.bucket),
    table: logicalIdOf(stack, stack.table),
    query: logicalIdOf(stack, stack.query),
    queryRole: logicalIdOf(stack, stack.query.executionRole),
    routes: stack.ingests.map((i) => ({
      route: i.route,
      queue: logicalIdOf(stack, i.queue),
      dlq: logicalIdOf(stack, i.deadLetterQueue),
      fn: logicalIdOf(stack, i.function),
      role: logicalIdOf(stack, i.function.executionRole),
      logs: logicalIdOf(stack, i.function.logGroup),
    })),
  };
}

/** Every (action, resource) an Allow statement attached to a role grants, as `action resource` strings. */
function grantsOf(t: CfnTemplate, roleId: string): string[] {
  const out: string[] = [];
  for (const [, p] of resourcesOf(t, 'AWS::IAM::Policy')) {
    if (!asArray(p.Properties!.Roles).some((r) => flatten(r) === `<${roleId}>`)) continue;
    for (const s of p.Properties!.PolicyDocument.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const a of asArray<string>(s.Action)) for (const r of asArray(s.Resource)) out.push(`${a} ${flatten(r)}`);
    }
  }
  return out.sort();
}

/** Route × event × prefix triples a notification configuration wires, whichever path produced it. */
function wiredNotifications(t: CfnTemplate, localstack: boolean): string[] {
  if (localstack) {
    const bucket = resourcesOf(t, 'AWS::S3::Bucket').find(([, r]) => r.Properties?.NotificationConfiguration)!;
    return bucket[1]
      .Properties!.NotificationConfiguration.QueueConfigurations.map(
        (c: any) =>
          `${flatten(c.Queue)} ${c.Event} ${c.Filter.S3Key.Rules.map((r: any) => `${r.Name}=${r.Value}`).join('&')}`,
      )
      .sort();
  }
  const [[, custom]] = resourcesOf(t, 'Custom::S3BucketNotifications') as [[string, any]];
  return custom.Properties.NotificationConfiguration.QueueConfigurations.flatMap((c: any) =>
    c.Events.map(
      (e: string) =>
        `${flatten(c.QueueArn)} ${e} ${c.Filter.Key.FilterRules.map((r: any) => `${r.Name}=${r.Value}`).join('&')}`,
    ),
  ).sort();
}

describe.each(BOTH)('ingest stack (%s)', (mode, s) => {
  const t = s.json;
  const ids = idsOf(s);

  it('notifies each route queue of exactly the sandbox events under exactly its prefix', () => {
    // Prepare: built from the config module independently of the stack's own helper
    const expected = ids.routes
      .flatMap(({ route, queue }) => SUBSCRIBED_EVENTS.map((e) => `<${queue}.Arn> ${e} prefix=${route.prefix}`))
      .sort();

    // Act
    const wired = wiredNotifications(t, mode === 'LocalStack');

    // Assess
    expect(wired).toEqual(expected);
    expect(expected).toHaveLength(INGEST_ROUTES.length * SUBSCRIBED_EVENTS.length);
  });

  it('lets S3 (and only S3, from this bucket) send to each ingest queue', () => {
    for (const { queue } of ids.routes) {
      // Prepare
      const [[, policy]] = resourcesOf(t, 'AWS::SQS::QueuePolicy').filter(
        ([, p]) => flatten(p.Properties!.Queues) === `<${queue}>`,
      ) as [[string, any]];

      // Act
      const allows = policy.Properties.PolicyDocument.Statement.filter((st: any) => st.Effect === 'Allow');

      // Assess
      expect(allows).toHaveLength(1);
      expect(allows[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
      expect(asArray(allows[0].Action)).toContain('sqs:SendMessage');
      const source = flatten(allows[0].Condition.ArnLike['aws:SourceArn']);
      expect(source).toBe(mode === 'LocalStack' ? 'arn:<AWS::Partition>:s3:::radar-ingest' : `<${ids.bucket}.Arn>`);
    }
  });

  it('gives each route a queue with visibility = factor × timeout and a DLQ after maxReceiveCount, kept 14 days', () => {
    for (const { route, queue, dlq } of ids.routes) {
      // Prepare
      const q = t.Resources[queue]!.Properties!;
      const d = t.Resources[dlq]!.Properties!;

      // Assess
      expect(q.VisibilityTimeout).toBe(VISIBILITY_FACTOR * route.timeoutSeconds);
      expect(q.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      expect(d.MessageRetentionPeriod).toBe(DLQ_RETENTION_DAYS * DAY);
      expect(DLQ_RETENTION_DAYS * DAY).toBe(14 * DAY);
    }
  });

  it('encrypts every queue and refuses plain HTTP on each', () => {
    const queues = resourcesOf(t, 'AWS::SQS::Queue');
    // Per route a queue and its DLQ; the async-invoke DLQ; the aggregator's on-failure DLQ.
    expect(queues.length).toBe(INGEST_ROUTES.length * 2 + 2);
    for (const [id, q] of queues) {
      expect(q.Properties!.SqsManagedSseEnabled).toBe(true);
      const policies = resourcesOf(t, 'AWS::SQS::QueuePolicy').filter(
        ([, p]) => flatten(p.Properties!.Queues) === `<${id}>`,
      );
      const denies = policies
        .flatMap(([, p]) => p.Properties!.PolicyDocument.Statement)
        .filter((st: any) => st.Effect === 'Deny');
      expect(denies).toContainEqual(
        expect.objectContaining({ Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('feeds each function from its queue with the configured batch size and partial batch failures', () => {
    for (const { route, queue, fn } of ids.routes) {
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
        FunctionName: { Ref: fn },
        BatchSize: route.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    // …and the aggregator from the table's stream (its own test below).
    s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', INGEST_ROUTES.length + 1);
  });

  it('alarms on visible messages in every dead-letter queue', () => {
    // Prepare
    const dlqs = [
      ...ids.routes.map((r) => r.dlq),
      logicalIdOf(s.stack, s.stack.node.findChild('AsyncInvokeDeadLetterQueue') as never),
      logicalIdOf(s.stack, s.stack.node.findChild('AggregateCountsDeadLetterQueue') as never),
    ];

    // Act
    const watched = resourcesOf(t, 'AWS::CloudWatch::Alarm').map(([, a]) => {
      expect(a.Properties!.MetricName).toBe('ApproximateNumberOfMessagesVisible');
      expect(a.Properties!.Threshold).toBe(1);
      expect(a.Properties!.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      return flatten(a.Properties!.Dimensions[0].Value);
    });

    // Assess
    expect(watched.sort()).toEqual(dlqs.map((d) => `<${d}.QueueName>`).sort());
  });

  it('feeds the aggregator from the table stream: in order, partial failures, no bisecting, retries and a DLQ from STREAM_CONSUMER', () => {
    // Prepare
    const table = t.Resources[ids.table]!.Properties!;
    const fn = logicalIdOf(s.stack, s.stack.aggregator);
    const dlq = logicalIdOf(s.stack, s.stack.node.findChild('AggregateCountsDeadLetterQueue') as never);
    // Assess
    expect(table.StreamSpecification).toEqual({ StreamViewType: TABLE.stream });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [ids.table, 'StreamArn'] },
      FunctionName: { Ref: fn },
      BatchSize: STREAM_CONSUMER.batchSize,
      MaximumBatchingWindowInSeconds: STREAM_CONSUMER.maxBatchingWindowSeconds,
      MaximumRetryAttempts: STREAM_CONSUMER.maxRetryAttempts,
      BisectBatchOnFunctionError: false,
      ParallelizationFactor: 1,
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
      // Only contribution parts reach the aggregator (what the sandbox's poller filters too).
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { sk: { S: [{ prefix: PART_PREFIX }] } } } }) }],
      },
    });
    expect(STREAM_CONSUMER.filter).toEqual({ keyAttribute: TABLE.sortKey, prefix: PART_PREFIX });
    expect(t.Resources[fn]!.Properties!.Handler).toBe('index.handler');
  });

  it('builds the table from TABLE: keys, GSIs, TTL, on-demand, PITR, encryption', () => {
    const table = t.Resources[ids.table]!.Properties!;
    expect(table.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.GlobalSecondaryIndexes).toEqual(
      TABLE.indexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    // The count-ordered indexes of the read model sort by a number (issue 17.2): their key types come from TABLE too.
    for (const ix of TABLE.indexes)
      expect(table.AttributeDefinitions).toContainEqual({ AttributeName: ix.sortKey, AttributeType: ix.sortKeyType });
    expect(TABLE.indexes.map((i) => i.name)).toEqual(['gsi1', 'gsiMentions', 'gsiArticles']);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('locks the ingest bucket down: encryption, public access block, versioning, access logs, TLS-only policy', () => {
    const bucket = t.Resources[ids.bucket]!.Properties!;
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: expect.stringMatching(/^AccessLogs/) });
    expect(bucket.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Prefix: OUTPUT_PREFIXES.quarantine,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        Status: 'Enabled',
      }),
    );
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    if (mode === 'LocalStack') expect(bucket.BucketName).toBe('radar-ingest');
    else expect(bucket.BucketName).toBeUndefined();
  });

  it('runs every function on Node 22, ARM64, ESM bundle, JSON logs to its own log group, async failures to the DLQ', () => {
    const asyncDlq = logicalIdOf(s.stack, s.stack.node.findChild('AsyncInvokeDeadLetterQueue') as never);
    const ours = [
      ...ids.routes.map((r) => ({ fn: r.fn, service: r.route.name as string })),
      { fn: ids.query, service: QUERY_FUNCTION.name as string },
    ];
    for (const { fn, service } of ours) {
      const p = t.Resources[fn]!.Properties!;
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe('index.handler');
      expect(p.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [asyncDlq, 'Arn'] } });
      expect(p.LoggingConfig.LogFormat).toBe('JSON');
      expect(t.Resources[p.LoggingConfig.LogGroup.Ref]!.Properties!.RetentionInDays).toBeGreaterThan(0);
      expect(p.Environment.Variables).toMatchObject({
        TABLE_NAME: { Ref: ids.table },
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
    // The ingests read the bucket; the query function never does, so it is not told its name.
    for (const r of ids.routes)
      expect(t.Resources[r.fn]!.Properties!.Environment.Variables.BUCKET_NAME).toEqual({ Ref: ids.bucket });
    expect(t.Resources[ids.query]!.Properties!.Environment.Variables).not.toHaveProperty('BUCKET_NAME');
    for (const { route, fn } of ids.routes) {
      expect(t.Resources[fn]!.Properties!.Timeout).toBe(route.timeoutSeconds);
      expect(t.Resources[fn]!.Properties!.MemorySize).toBe(route.memoryMb);
    }
    expect(t.Resources[ids.query]!.Properties!.Timeout).toBe(QUERY_FUNCTION.timeoutSeconds);
  });

  it('serves the query function through a Function URL with AWS_IAM auth, and no public invoke permission', () => {
    s.template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [ids.query, 'Arn'] },
    });
    s.template.resourceCountIs('AWS::Lambda::Url', 1);
    for (const [, perm] of resourcesOf(t, 'AWS::Lambda::Permission')) expect(perm.Properties!.Principal).not.toBe('*');
  });

  it('grants each function exactly what it needs, by action and resource', () => {
    // Prepare
    const B = `<${ids.bucket}.Arn>`;
    const T = `<${ids.table}.Arn>`;
    const asyncDlq = `<${logicalIdOf(s.stack, s.stack.node.findChild('AsyncInvokeDeadLetterQueue') as never)}.Arn>`;
    const table = (access: 'RO' | 'RW') =>
      TABLE_ACTIONS[access].flatMap((a) => [`${a} ${T}`, ...TABLE.indexes.map((i) => `${a} ${T}/index/${i.name}`)]);
    const common = (logs: string) => [
      `sqs:SendMessage ${asyncDlq}`,
      `logs:CreateLogStream <${logs}.Arn>`,
      `logs:PutLogEvents <${logs}.Arn>`,
    ];
    const consume = (queue: string) =>
      [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
      ].map((a) => `${a} <${queue}.Arn>`);
    const objects = (action: string, prefixes: string[]) => prefixes.map((p) => `${action} ${B}/${p}*`);
    const expected: Record<string, string[]> = {
      'ingest-article': [
        ...objects('s3:GetObject', [PREFIXES.articles, OUTPUT_PREFIXES.index]),
        ...objects('s3:PutObject', [OUTPUT_PREFIXES.quarantine]),
        `s3:ListBucket ${B}`,
        ...table('RW'),
      ],
      'ingest-sanctions': [
        ...objects('s3:GetObject', [PREFIXES.sanctions, PREFIXES.articles, OUTPUT_PREFIXES.index]),
        ...objects('s3:PutObject', [OUTPUT_PREFIXES.index, OUTPUT_PREFIXES.quarantine]),
        ...objects('s3:DeleteObject', [NAME_BUILDS_PREFIX]),
        `s3:ListBucket ${B}`,
        ...table('RW'),
      ],
    };

    // Act / Assess
    for (const { route, role, queue, logs } of ids.routes) {
      expect(grantsOf(t, role), route.name).toEqual(
        [...expected[route.name]!, ...common(logs), ...consume(queue)].sort(),
      );
    }
    const queryLogs = logicalIdOf(s.stack, s.stack.query.logGroup);
    expect(grantsOf(t, ids.queryRole)).toEqual([...table('RO'), ...common(queryLogs)].sort());
    expect(TABLE_ACTIONS.RO.every((a) => !/Put|Update|Delete|Write/.test(a))).toBe(true);
  });

  it('attaches no managed policy and no `*` resource to our function roles', () => {
    for (const role of [...ids.routes.map((r) => r.role), ids.queryRole]) {
      expect(t.Resources[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
      for (const g of grantsOf(t, role)) expect(g.split(' ')[1]).not.toBe('*');
    }
  });

  it('never lets any principal in the stack write under a trigger prefix', () => {
    // Prepare: every Allow statement of every IAM policy, ours and CDK's
    const B = `<${ids.bucket}.Arn>`;
    const writes = resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, p]) =>
      p.Properties!.PolicyDocument.Statement.filter((st: any) =>
        asArray<string>(st.Action).some((a) => /^s3:(Put|Delete|Restore|Replicate|Abort|\*)/.test(a) || a === '*'),
      ),
    );

    // Act: the object patterns written to (the bucket ARN alone is a bucket-level action such as PutBucketNotification)
    const objectTargets = writes.flatMap((st: any) => asArray(st.Resource).map(flatten)).filter((r: string) => r !== B);

    // Assess: only output prefixes, and nothing wider (`*`, `bucket/*`) that would cover a trigger prefix
    expect(objectTargets.length).toBeGreaterThan(0);
    const allowed = Object.values(OUTPUT_PREFIXES).map((o) => `${B}/${o}`);
    // An output prefix or a folder inside one (index/builds/: the name index's signatures, issue 17.4).
    for (const r of objectTargets)
      expect(
        allowed.some((a) => r.startsWith(a) && r.endsWith('*')),
        r,
      ).toBe(true);
    for (const trigger of Object.values(PREFIXES)) expect(allowed.some((a) => a.includes(`/${trigger}`))).toBe(false);
  });

  it('outputs the bucket, table, query URL and dead-letter queue URLs', () => {
    const outputs = Object.keys(t.Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining(['BucketName', 'TableName', 'QueryUrl', 'AsyncInvokeDeadLetterQueueUrl']),
    );
    for (const { dlq } of ids.routes) {
      expect(Object.values(t.Outputs!).some((o) => flatten(o.Value) === `<${dlq}>`)).toBe(true);
    }
    expect(flatten(t.Outputs!.QueryUrl!.Value)).toMatch(/FunctionUrl/);
  });
});

describe('notification paths', () => {
  it('uses the CDK custom resource on AWS and the bucket property on LocalStack, never both', () => {
    // Prepare
    const customIn = (t: CfnTemplate) => resourcesOf(t, 'Custom::S3BucketNotifications').length;
    const onBucket = (t: CfnTemplate) =>
      resourcesOf(t, 'AWS::S3::Bucket').filter(([, r]) => r.Properties?.NotificationConfiguration).length;

    // Assess
    expect([customIn(aws.json), onBucket(aws.json)]).toEqual([1, 0]);
    expect([customIn(local.json), onBucket(local.json)]).toEqual([0, 1]);
  });

  it('creates the LocalStack bucket after the queue policies that let S3 deliver', () => {
    const ids = idsOf(local);
    const dependsOn = asArray(local.json.Resources[ids.bucket]!.DependsOn);
    for (const { queue } of ids.routes) {
      const policies = resourcesOf(local.json, 'AWS::SQS::QueuePolicy').filter(
        ([, p]) => flatten(p.Properties!.Queues) === `<${queue}>`,
      );
      expect(policies).toHaveLength(1);
      expect(dependsOn).toContain(policies[0]![0]);
    }
  });
});
