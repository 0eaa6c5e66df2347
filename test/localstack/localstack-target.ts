import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { functionUrlTarget } from '../../shared/function-url.ts';
import { BUCKET_NAME, INGEST_ROUTES } from '../../shared/resources.ts';
import { ROOT } from '../helpers/sandbox.ts';
import type { ScenarioTarget } from '../scenarios/target.ts';

const run = promisify(execFile);
export const LOCALSTACK_ENDPOINT = process.env.LOCALSTACK_ENDPOINT ?? 'http://127.0.0.1:4566';
const STACK = 'SanctionsRadar';
const OUTPUTS = join(ROOT, 'cdk.out/localstack-outputs.json');
const ENV = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: process.env.AWS_REGION ?? 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Why the suite cannot run here, or undefined when a LocalStack answers and the AWS CLI is installed. */
export async function whyNotLocalStack(): Promise<string | undefined> {
  try {
    const r = await fetch(`${LOCALSTACK_ENDPOINT}/_localstack/health`, { signal: AbortSignal.timeout(3000) });
    if (!r.ok) return `LocalStack at ${LOCALSTACK_ENDPOINT} answered ${r.status} on /_localstack/health`;
  } catch {
    return `no LocalStack answers at ${LOCALSTACK_ENDPOINT} (set LOCALSTACK_ENDPOINT, or start one: see the README)`;
  }
  try {
    await run('aws', ['--version'], { env: ENV });
  } catch {
    return 'the AWS CLI (`aws`) is not installed; the suite reads the stack and its queues with it';
  }
  return undefined;
}

const aws = async (...args: string[]) =>
  JSON.parse(
    (await run('aws', ['--endpoint-url', LOCALSTACK_ENDPOINT, '--output', 'json', ...args], { env: ENV })).stdout ||
      '{}',
  );

/** The stack's outputs, deploying it first (npm run deploy:localstack) when LocalStack does not have it. */
async function stackOutputs(log: (s: string) => void): Promise<Record<string, string>> {
  const read = async () => {
    const d = await aws('cloudformation', 'describe-stacks', '--stack-name', STACK).catch(() => undefined);
    const s = d?.Stacks?.[0];
    if (!s || !/_COMPLETE$/.test(s.StackStatus) || /DELETE|ROLLBACK/.test(s.StackStatus)) return undefined;
    return Object.fromEntries(
      (s.Outputs ?? []).map((o: { OutputKey: string; OutputValue: string }) => [o.OutputKey, o.OutputValue]),
    );
  };
  const have = await read();
  if (have?.QueryUrl) return have;
  log(`stack ${STACK} is not deployed on ${LOCALSTACK_ENDPOINT}: deploying it (npm run deploy:localstack)…`);
  await run('bash', [join(ROOT, 'scripts/deploy-localstack.sh')], {
    cwd: ROOT,
    env: { ...ENV, LOCALSTACK_ENDPOINT },
    maxBuffer: 64 * 1024 * 1024,
  });
  const after = (await read()) ?? (existsSync(OUTPUTS) ? JSON.parse(readFileSync(OUTPUTS, 'utf8'))[STACK] : undefined);
  if (!after?.QueryUrl) throw new Error(`deployed, but the stack has no QueryUrl output`);
  return after;
}

/** GET through the edge with the Function URL's LocalStack Host (the QueryUrl output does not resolve offline). */
function getVia(queryUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { connect, host } = functionUrlTarget(new URL(path.replace(/^\//, ''), queryUrl).href, LOCALSTACK_ENDPOINT);
  return new Promise((resolve, reject) => {
    const req = request(connect, { method: 'GET', headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${path}: no answer in 30 s`)));
    req.end();
  });
}

export async function localStackTarget(log: (s: string) => void): Promise<ScenarioTarget> {
  const out = await stackOutputs(log);
  const queryUrl = out.QueryUrl!;
  const articleRoute = INGEST_ROUTES.find((r) => r.name === 'ingest-article')!;
  const dlqUrl = out.IngestArticleDeadLetterQueueUrl;
  if (!dlqUrl)
    throw new Error(`the stack has no IngestArticleDeadLetterQueueUrl output: ${Object.keys(out).join(', ')}`);
  const queues = (await aws('sqs', 'list-queues')).QueueUrls as string[] | undefined;
  const queueUrl = (queues ?? []).find((u) => /IngestArticle/i.test(u) && !/DeadLetter|Dlq/i.test(u) && u !== dlqUrl);
  const s3 = new S3Client({
    endpoint: LOCALSTACK_ENDPOINT,
    region: ENV.AWS_DEFAULT_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    name: 'localstack',
    s3,
    bucket: out.BucketName ?? BUCKET_NAME,
    // First calls start Lambda containers (seconds each on LocalStack).
    settleMs: 180_000,
    async get<T>(path: string) {
      const r = await getVia(queryUrl, path);
      let body: unknown = r.body;
      try {
        body = JSON.parse(r.body);
      } catch {
        /* not JSON */
      }
      return { status: r.status, body: body as T };
    },
    async deadLetters() {
      const a = await aws(
        'sqs',
        'get-queue-attributes',
        '--queue-url',
        dlqUrl,
        '--attribute-names',
        'ApproximateNumberOfMessages',
      );
      return Number(a.Attributes?.ApproximateNumberOfMessages ?? 0);
    },
    async poisonArticleQueue(key) {
      if (!queueUrl) throw new Error(`no article queue among ${JSON.stringify(queues)}`);
      const attrs = await aws(
        'sqs',
        'get-queue-attributes',
        '--queue-url',
        queueUrl,
        '--attribute-names',
        'VisibilityTimeout',
      );
      const visibility = attrs.Attributes?.VisibilityTimeout ?? String(articleRoute.timeoutSeconds * 6);
      // Five receives at the deployed visibility (6 × the function timeout) would take five hours.
      await aws('sqs', 'set-queue-attributes', '--queue-url', queueUrl, '--attributes', 'VisibilityTimeout=2');
      // No S3 notification: objectRefsFrom throws, the message is reported failed on every receive.
      await aws('sqs', 'send-message', '--queue-url', queueUrl, '--message-body', JSON.stringify({ poison: key }));
      return {
        undo: async () => {
          await aws(
            'sqs',
            'set-queue-attributes',
            '--queue-url',
            queueUrl,
            '--attributes',
            `VisibilityTimeout=${visibility}`,
          );
        },
      };
    },
  };
}
