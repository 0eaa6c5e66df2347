import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RadarFunction } from '../../infra/constructs/radar-function.ts';
import { IngestStack } from '../../infra/ingest-stack.ts';
import { OUTPUT_PREFIXES, PREFIXES } from '../../shared/resources.ts';
import coverage from '../fixtures/localstack-community-resources.json' with { type: 'json' };
import { CDK_CONTEXT, logicalIdOf, resourcesOf, synthIngestStack } from './stack-harness.ts';

const NO_BUNDLING = { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] };
const MODES = [
  ['AWS', false],
  ['LocalStack', true],
] as const;

/** An app with the stack and the AwsSolutions pack registered the way infra/app.ts does it, not yet synthesized. */
function appWithNag(localstack: boolean): { app: App; stack: IngestStack } {
  const app = new App({ context: NO_BUNDLING });
  const stack = new IngestStack(app, 'SanctionsRadar', { localstack });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Every finding the pack would report if nothing were acknowledged, as `rule @ construct path`. */
function rawFindings(scope: IConstruct): string[] {
  const pack = new AwsSolutionsChecks();
  // The pack's own suppression lookup, switched off: what is left is everything the rules see.
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(scope)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

/** Every acknowledgment in the tree: rule id, the construct it sits on, and its reason. */
function acknowledgments(scope: IConstruct): { id: string; path: string; reason: string }[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([k, reason]) => ({
          id: k.replace(/^annotation::/i, ''),
          path: c.node.path,
          reason,
        })),
      ),
  );
}

describe.each(MODES)('cdk-nag AwsSolutions (%s)', (_mode, localstack) => {
  it('reports no unacknowledged finding', () => {
    // Prepare
    const { app } = synthIngestStack({ localstack });

    // Act
    const report = new AwsSolutionsChecks().validateScope(app);

    // Assess
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('lets synth pass with the pack registered as a validation plugin', () => {
    const { app } = appWithNag(localstack);
    expect(() => app.synth()).not.toThrow();
  });

  it('acknowledges exactly the findings that exist, each on the construct that has it, each with a reason', () => {
    // Prepare
    const { app } = synthIngestStack({ localstack });

    // Act
    const findings = rawFindings(app);
    const acks = acknowledgments(app);

    // Assess: no finding without an acknowledgment above it, no acknowledgment without a finding below it
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      const [rule, path] = f.split(' @ ') as [string, string];
      expect(
        acks.some((a) => a.id === rule && (path === a.path || path.startsWith(`${a.path}/`))),
        f,
      ).toBe(true);
    }
    for (const a of acks) {
      expect(
        findings.some((f) => f.startsWith(`${a.id} @ ${a.path}`)),
        `${a.id} on ${a.path} suppresses nothing`,
      ).toBe(true);
      expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThan(40);
      // Whole-rule IAM5 acknowledgments would hide wildcards added later: only exact findings are acknowledged.
      expect(a.id).not.toBe('AwsSolutions-IAM5');
    }
  });
});

describe('cdk-nag negative control', () => {
  it('fails synth when a resource breaks a rule nobody acknowledged', () => {
    // Prepare: the real stack plus one queue with neither encryption, TLS policy nor DLQ
    const { app, stack } = appWithNag(false);
    new Queue(stack, 'Careless', { encryption: QueueEncryption.UNENCRYPTED, visibilityTimeout: Duration.seconds(30) });

    // Act
    const findings = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);

    // Assess
    expect(findings).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
    expect(() => app.synth()).toThrow();
  });
});

describe('LocalStack Community coverage', () => {
  const supported = new Set(coverage.resourceTypes);

  it('records where the list of supported types comes from and when it was taken', () => {
    expect(coverage.source).toMatch(/^https:\/\/docs\.localstack\.cloud\//);
    expect(coverage.retrieved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Spot checks against the page: Function URLs are free, HTTP APIs and custom resources are not.
    expect(supported.has('AWS::Lambda::Url')).toBe(true);
    expect(supported.has('AWS::ApiGatewayV2::Api')).toBe(false);
    expect(supported.has('AWS::CloudFormation::CustomResource')).toBe(false);
  });

  it('deploys only supported types in the LocalStack template', () => {
    const types = new Set(Object.values(synthIngestStack({ localstack: true }).json.Resources).map((r) => r.Type));
    expect([...types].filter((t) => !supported.has(t))).toEqual([]);
  });

  it('differs on AWS only by the notifications custom resource that LocalStack mode replaces', () => {
    const types = new Set(Object.values(synthIngestStack({ localstack: false }).json.Resources).map((r) => r.Type));
    expect([...types].filter((t) => !supported.has(t))).toEqual(['Custom::S3BucketNotifications']);
  });
});

describe('RadarFunction guard', () => {
  const make = () => {
    const stack = new Stack(new App({ context: NO_BUNDLING }), 'Guard');
    const fn = new RadarFunction(stack, 'Fn', {
      name: 'query',
      timeout: Duration.seconds(3),
      memorySize: 128,
      bucketName: 'b',
      deadLetterQueue: new Queue(stack, 'Dlq'),
    });
    return { fn, bucket: new Bucket(stack, 'B') };
  };

  it.each([PREFIXES.articles, PREFIXES.sanctions, `${PREFIXES.sanctions}ofac/`, ''])(
    'refuses a write grant under "%s"',
    (prefix) => {
      const { fn, bucket } = make();
      expect(() => fn.grantObjects(bucket, { write: [prefix] })).toThrow(/trigger prefix/);
    },
  );

  it('accepts writes under the output prefixes', () => {
    const { fn, bucket } = make();
    expect(() => fn.grantObjects(bucket, { write: Object.values(OUTPUT_PREFIXES) })).not.toThrow();
  });
});

describe('bundling (real esbuild, no Docker)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'radar-cdk-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('bundles each handler into a minified ESM file with a require shim and a source map', { timeout: 120_000 }, () => {
    // Act
    const { stack, json } = synthIngestStack({ localstack: false, bundle: true, outdir });

    // Assess
    const fns = [...stack.ingests.map((i) => i.function), stack.query, stack.aggregator];
    for (const fn of fns) {
      const key: string = json.Resources[logicalIdOf(stack, fn)]!.Properties!.Code.S3Key;
      const dir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(
        code.startsWith("import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"),
      ).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      // Dependencies (zod, the AWS SDK) are inside the bundle, not expected from the runtime.
      expect(statSync(join(dir, 'index.mjs')).size).toBeGreaterThan(300_000);
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      // Minified: long lines (template literals such as the dashboard HTML keep some newlines of their own).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      // The dashboard's page and script are inlined as text (functions/query/assets.ts), not read from the disk.
      if (fn === stack.query) {
        expect(code).toContain('<title>sanctions-radar dashboard</title>');
        // The script is the dashboard bundle (scripts/build-dashboard.mjs), chart library and country shapes included.
        expect(code).toContain('sanctions-radar dashboard, bundled by scripts/build-dashboard.mjs');
        expect(code).toContain('Observable Plot');
      }
    }
    expect(new Set(fns.map((fn) => json.Resources[logicalIdOf(stack, fn)]!.Properties!.Code.S3Key)).size).toBe(4);
    expect(resourcesOf(json, 'AWS::Lambda::Function').length).toBe(5);
  });
});
