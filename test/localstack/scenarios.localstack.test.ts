import { afterAll, beforeAll, describe, expect } from 'vitest';
import { defineScenarios } from '../scenarios/scenarios.ts';
import type { ScenarioTarget } from '../scenarios/target.ts';
import { LOCALSTACK_ENDPOINT, localStackTarget, whyNotLocalStack } from './localstack-target.ts';

/**
 * `npm run test:localstack`: the end-to-end scenarios of the sandbox suite (test/scenarios), against a LocalStack at
 * LOCALSTACK_ENDPOINT (default http://127.0.0.1:4566) through its real bucket, queues, functions and Function URL;
 * the stack is deployed first when it is not there. Where no LocalStack answers, the suite is skipped and says why.
 */
const why = await whyNotLocalStack();
if (why) console.log(`LocalStack suite skipped: ${why}`);

describe.skipIf(why !== undefined)(`end-to-end scenarios on LocalStack (${LOCALSTACK_ENDPOINT})`, () => {
  let target: ScenarioTarget;
  beforeAll(async () => {
    target = await localStackTarget((s) => console.log(s));
    // The Function URL answers through the edge before any scenario runs (their checks are in test/scenarios).
    expect((await target.get('/health')).status).toBe(200);
  }, 900_000);
  afterAll(() => target?.s3.destroy());

  defineScenarios(() => target, `ls-${Date.now().toString(36)}`, 600_000);
});
