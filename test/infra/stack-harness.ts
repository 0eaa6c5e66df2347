import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/constructs/radar-function.ts';
import { IngestStack } from '../../infra/ingest-stack.ts';

/** The feature flags `cdk synth` uses, so the tests see the template the CLI produces. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'),
).context;

export interface Synthesized {
  app: App;
  stack: IngestStack;
  template: Template;
  json: CfnTemplate;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/**
 * A stack as `cdk synth` builds it, minus asset bundling (`aws:cdk:bundling-stacks: []` leaves a placeholder asset),
 * which keeps these tests at well under a second each; bundling has its own test.
 */
export function synthIngestStack(opts: { localstack: boolean; bundle?: boolean; outdir?: string }): Synthesized {
  const app = new App({
    context: { ...CDK_CONTEXT, ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    ...(opts.outdir ? { outdir: opts.outdir } : {}),
  });
  const stack = new IngestStack(app, 'SanctionsRadar', { localstack: opts.localstack });
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as CfnTemplate };
}

/** Resources of one type, by logical id. */
export const resourcesOf = (t: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** A CloudFormation value as readable text: `{ Fn::GetAtt: [X, Arn] }` → `<X.Arn>`, Fn::Join flattened. */
export function flatten(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(flatten).join(',');
  if (v && typeof v === 'object') {
    const o = v as Record<string, any>;
    if ('Fn::Join' in o) return (o['Fn::Join'][1] as unknown[]).map(flatten).join(o['Fn::Join'][0]);
    if ('Fn::GetAtt' in o) return `<${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}>`;
    if ('Ref' in o) return `<${o.Ref}>`;
  }
  return JSON.stringify(v);
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Logical id of the first CfnResource under a construct. */
export const logicalIdOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as never);
