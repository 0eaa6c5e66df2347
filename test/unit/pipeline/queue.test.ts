import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { SandboxQueue } from '../../../infra/sandbox/queue.ts';

const base = {
  name: 'q',
  region: 'us-east-1',
  batchSize: 10,
  visibilityTimeoutMs: 30,
  functionTimeoutMs: 1000,
  maxReceiveCount: 3,
  concurrency: 1,
};

describe('SandboxQueue', () => {
  it('delivers SQS records and deletes them on success', async () => {
    // Prepare
    const seen: SQSEvent[] = [];
    const q = new SandboxQueue({ ...base, handler: async (e) => void seen.push(e) });
    q.start();
    // Act
    q.send('{"a":1}');
    await q.whenIdle();
    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]!.Records[0]).toMatchObject({
      body: '{"a":1}',
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(q.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0, processed: 1 });
    await q.stop();
  });

  it('retries only the reported failures after the visibility timeout', async () => {
    // Prepare
    const counts = new Map<string, number>();
    const q = new SandboxQueue({
      ...base,
      handler: async (e) => {
        const failures = [];
        for (const r of e.Records) {
          counts.set(r.body, (counts.get(r.body) ?? 0) + 1);
          if (r.body === 'flaky' && r.attributes.ApproximateReceiveCount === '1')
            failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    q.start();
    // Act
    q.send('ok');
    q.send('flaky');
    await q.whenIdle();
    // Assess
    expect(counts.get('ok')).toBe(1);
    expect(counts.get('flaky')).toBe(2);
    expect(q.deadLetters).toHaveLength(0);
    await q.stop();
  });

  it('dead-letters a message after maxReceiveCount failed receives, keeping the last error', async () => {
    // Prepare
    let calls = 0;
    const q = new SandboxQueue({
      ...base,
      handler: async () => {
        calls++;
        throw new Error('store down');
      },
    });
    q.start();
    // Act
    q.send('poison');
    await q.whenIdle();
    // Assess
    expect(calls).toBe(3);
    expect(q.deadLetters).toHaveLength(1);
    expect(q.deadLetters[0]!.reason).toMatch(/received 3 times.*store down/);
    // Redrive puts it back.
    expect(q.redrive()).toBe(1);
    await q.stop();
  });
});

describe('SandboxQueue timeouts', () => {
  it('abandons an invocation that outlives the function timeout, as Lambda does, and retries the batch', async () => {
    // Prepare
    let calls = 0;
    const q = new SandboxQueue({
      ...base,
      functionTimeoutMs: 50,
      handler: async () => {
        calls++;
        if (calls === 1) await new Promise(() => {}); // hangs for ever
        return undefined;
      },
    });
    q.start();
    // Act
    q.send('slow');
    await q.whenIdle();
    // Assess
    expect(calls).toBe(2);
    expect(q.deadLetters).toHaveLength(0);
    await q.stop();
  });
});
