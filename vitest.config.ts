import { configDefaults, defineConfig } from 'vitest/config';

/** Suites that keep a sandbox busy for minutes: run last, alone (see `projects`). */
const HEAVY = ['test/integration/list-formats.test.ts', 'test/hostile/keys-batches-params.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // Integration suites start Java (DynamoDB Local) and an S3 server; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxWorkers: 2,
    // The two suites that load a sandbox for minutes (every real list file; a 20 MB batch) run after the rest, one at
    // a time: beside another sandbox on 2 cores they took 3.4× as long (the real lists: 141 s alone, over 480 s in
    // CI on 2026-12-02) and ran out of time. Run alone, their deadlines hold with room to spare.
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          // The LocalStack suite needs a LocalStack: `npm run test:localstack` runs it (vitest.localstack.config.ts).
          exclude: [...configDefaults.exclude, 'test/localstack/**', ...HEAVY],
        },
      },
      { extends: true, test: { name: 'heavy', include: HEAVY, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
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
