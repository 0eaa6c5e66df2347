import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The LocalStack suite needs a LocalStack: `npm run test:localstack` runs it (vitest.localstack.config.ts).
    exclude: [...configDefaults.exclude, 'test/localstack/**'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // Integration suites start Java (DynamoDB Local) and an S3 server; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxWorkers: 2,
    // `npm run test:coverage` (CI) gates the pure core and the use cases; thresholds sit just under what the suite
    // reaches, so a change that drops tests fails, and they are raised as tests are added.
    coverage: {
      provider: 'v8',
      include: ['shared/domain/**', 'shared/ingest/**'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        'shared/domain/**': { lines: 96, statements: 95, branches: 89, functions: 95 },
        'shared/ingest/**': { lines: 60, statements: 58, branches: 49, functions: 55 },
      },
    },
  },
});
