import { type Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METRICS_NAMESPACE, PREFIXES, TABLE } from '../../shared/resources.ts';
import { flattenCfnReference } from './cfn-reference.ts';

/** Repository root: entries and the lock file are resolved from here, whatever the working directory. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Powertools Metrics namespace (defined in shared/resources.ts, where the handlers read it too). */
export { METRICS_NAMESPACE };

export type TableAccess = 'RO' | 'RW';

/**
 * DynamoDB actions the store adapter issues (shared/adapters/dynamo-store.ts). Named one by one rather than through
 * `grantReadData`/`grantReadWriteData`, which also allow `Scan` (house style: no Scan) and DescribeTable, and which
 * put a `table/index/*` wildcard in the policy where the index names are known.
 * TransactWriteItems is not an IAM action: a transaction is authorised per item by Put/Update/Delete/ConditionCheck.
 */
export const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  RO: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  RW: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
};

/** Upload prefixes: a function that wrote there would trigger itself (design §1). */
const TRIGGER_PREFIXES: readonly string[] = Object.values(PREFIXES);

export interface RadarFunctionProps {
  /** Folder under functions/ holding `handler.ts` (also the Powertools service name). */
  readonly name: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /**
   * Passed as BUCKET_NAME: on AWS the bucket name is generated, so the code must not assume `radar-ingest`. Left out
   * for a function that never reads the bucket (the query function).
   */
  readonly bucketName?: string;
  /** Where failed asynchronous invocations land (SQS- and URL-driven calls are synchronous and never go there). */
  readonly deadLetterQueue: IQueue;
  readonly logRetention?: RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Every function of the stack (the ingests and the query API), with one place for the defaults they share: Node 22 on ARM64, ESM bundles built with the local esbuild
 * (no Docker), source maps, an explicit log group with retention, and its own role with no managed policy, so that
 * each function holds exactly the grants given to it here.
 */
export class RadarFunction extends NodejsFunction {
  /** The role the function runs as (created beside it: a subclass cannot add children before `super`). */
  public readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: RadarFunctionProps) {
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // A log group we own instead of the `logRetention` prop: that one deploys a Custom::LogRetention resource,
    // and custom resources are not in LocalStack's free edition.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    // Our own role: NodejsFunction's default one carries AWSLambdaBasicExecutionRole, whose log grant is `Resource: *`.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    super(scope, id, {
      entry: join(PROJECT_ROOT, 'functions', props.name, 'handler.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        ...(props.bucketName ? { BUCKET_NAME: props.bucketName } : {}),
        POWERTOOLS_SERVICE_NAME: props.name,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // The bundle is minified: stack traces are only readable through its source map, which Node reads on request.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // The pinned SDK versions are bundled rather than taken from the runtime, so what runs is what was tested.
        externalModules: [],
        // ESM output has no `require`; CommonJS dependencies bundled into it still call it (esbuild#1921).
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        forceDockerBundling: false,
      },
    });
    this.executionRole = role;
    logGroup.grantWrite(role);
    // AwsSolutions-L1 wants the newest runtime CDK knows (nodejs24.x).
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 is pinned on purpose: the code is kept Node-22-clean and tested there (design §7); Node 24 is a deliberate later upgrade.',
    });
  }

  /** Grants the table access and sets TABLE_NAME in one call, so neither can be forgotten. */
  bind(table: ITable, access: TableAccess): this {
    const indexArns = TABLE.indexes.map((i) => `${table.tableArn}/index/${i.name}`);
    Grant.addToPrincipal({
      grantee: this,
      actions: [...TABLE_ACTIONS[access]],
      resourceArns: [table.tableArn, ...indexArns],
    });
    this.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  /**
   * Object access by key prefix. Writes under a trigger prefix are refused at synth time: the function would
   * be invoked by its own output.
   */
  grantObjects(
    bucket: IBucket,
    access: { read?: readonly string[]; write?: readonly string[]; delete?: readonly string[] },
  ): this {
    for (const p of [...(access.write ?? []), ...(access.delete ?? [])]) {
      if (TRIGGER_PREFIXES.some((t) => p.startsWith(t) || t.startsWith(p))) {
        throw new Error(`${this.node.path}: refusing a write grant under the trigger prefix "${p}"`);
      }
    }
    const objects = (prefixes: readonly string[]) => prefixes.map((p) => bucket.arnForObjects(`${p}*`));
    this.acknowledgePrefixWildcards(
      [...(access.read ?? []), ...(access.write ?? []), ...(access.delete ?? [])].map((p) =>
        bucket.arnForObjects(`${p}*`),
      ),
    );
    if (access.read?.length) {
      Grant.addToPrincipal({ grantee: this, actions: ['s3:GetObject'], resourceArns: objects(access.read) });
      // Without s3:ListBucket, GetObject/HeadObject on a missing key answer 403 instead of 404, and the handlers
      // read a 404 as "deleted since the event" or "no name index yet"; a 403 would be retried into the DLQ.
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (Permissions)
      Grant.addToPrincipal({ grantee: this, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
    }
    if (access.write?.length) {
      Grant.addToPrincipal({ grantee: this, actions: ['s3:PutObject'], resourceArns: objects(access.write) });
    }
    if (access.delete?.length) {
      Grant.addToPrincipal({ grantee: this, actions: ['s3:DeleteObject'], resourceArns: objects(access.delete) });
    }
    return this;
  }

  /**
   * An object-prefix grant is a wildcard by nature (`bucket/articles/*`), which cdk-nag's AwsSolutions-IAM5 reports
   * once per resource string. Each is acknowledged by its exact finding id, never the whole rule, so any other
   * wildcard added later still fails synth.
   */
  private acknowledgePrefixWildcards(arns: readonly string[]): void {
    for (const arn of new Set(arns.map((a) => flattenCfnReference(Stack.of(this).resolve(a))))) {
      Validations.of(this.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason:
          'Object grant scoped to one key prefix of one bucket; the trailing * is how IAM names the objects under a prefix.',
      });
    }
  }
}
