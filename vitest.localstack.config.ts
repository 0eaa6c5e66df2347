import { defineConfig } from 'vitest/config';

/** `npm run test:localstack`: only the LocalStack suite (it deploys and waits for Lambda containers: long timeouts). */
export default defineConfig({
  test: {
    include: ['test/localstack/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 1,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
