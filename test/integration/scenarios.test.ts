import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { BUCKET_NAME } from '../../shared/resources.ts';
import { SANDBOX_AUTH, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';
import { defineScenarios } from '../scenarios/scenarios.ts';
import type { ScenarioTarget } from '../scenarios/target.ts';

/** The end-to-end scenarios (test/scenarios) against the embedded sandbox; `npm run test:localstack` runs the same ones there. */

let sb: RunningSandbox;
let target: ScenarioTarget;

async function faults(f: { error: number }): Promise<void> {
  const r = await fetch(`${sb.edgeUrl}/_sandbox/faults`, {
    method: 'POST',
    headers: { ...SANDBOX_AUTH, 'content-type': 'application/json' },
    body: JSON.stringify(f),
  });
  if (r.status !== 200) throw new Error(`faults: ${r.status} ${await r.text()}`);
}

describe('end-to-end scenarios on the sandbox', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
    target = {
      name: 'sandbox',
      s3: sb.s3,
      bucket: BUCKET_NAME,
      settleMs: 60_000,
      get: (path) => sb.get(path),
      async deadLetters() {
        const s = (await (await fetch(`${sb.edgeUrl}/_sandbox/status`)).json()) as {
          deadLetters: { queue: string }[];
        };
        return s.deadLetters.filter((d) => d.queue.startsWith('ingest-article')).length;
      },
      async poisonArticleQueue(key) {
        // Every DynamoDB write fails, so the article's message fails on each receive until maxReceiveCount.
        await faults({ error: 1 });
        await sb.s3.send(new PutObjectCommand({ Bucket: BUCKET_NAME, Key: key, Body: 'Officials in Chad spoke.' }));
        return { undo: () => faults({ error: 0 }) };
      },
    };
    // The target answers before any scenario runs (the scenarios' own checks are in test/scenarios/scenarios.ts).
    expect((await target.get('/health')).status).toBe(200);
  });
  afterAll(async () => {
    await sb?.stop();
  });

  defineScenarios(() => target, `sb-${Date.now().toString(36)}`);
});
