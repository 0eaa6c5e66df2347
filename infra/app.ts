import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IngestStack } from './ingest-stack.ts';

/** `cdk synth|deploy -c localstack=true` (the CLI passes context values as strings). */
export const isLocalStack = (app: App): boolean => String(app.node.tryGetContext('localstack') ?? 'false') === 'true';

const app = new App();
new IngestStack(app, 'SanctionsRadar', {
  localstack: isLocalStack(app),
  description: 'sanctions-radar: S3 → SQS → Lambda → DynamoDB ingest, and the query API behind a Function URL',
});
// cdk-nag 3 runs as a CDK policy-validation plugin: any unacknowledged AwsSolutions finding fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
