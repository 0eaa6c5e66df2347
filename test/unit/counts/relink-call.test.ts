import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeNameIndexStore } from '../../../shared/adapters/name-index-store.ts';
import { describeExpectedFormats, detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { relinkAfterListChange } from '../../../shared/ingest/relink.ts';
import { type IngestCall, reconcileSanctionsObject, type SanctionsDeps } from '../../../shared/ingest/sanctions.ts';
import { ROOT } from '../../helpers/sandbox.ts';
import { makePipeline } from './harness.ts';

// Issue 14.5: relinking after a list change takes its deadline from the call, so two batches running at once on one
// module instance (as the sandbox runs them) each stop at their own deadline.

const UN = readFileSync(join(ROOT, 'demo/sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
const ref = (key: string) => ({
  bucket: 'radar-ingest',
  key,
  eventName: 'ObjectCreated:Put',
  eventTime: new Date().toISOString(),
});

function setup() {
  const p = makePipeline();
  const index = makeNameIndexStore(p.s3.source);
  const relinks: { deadline?: number; outcome: string }[] = [];
  const hooks = { on: true };
  const deps: SanctionsDeps = {
    source: p.s3.source,
    store: p.store,
    detect: detectListFormat,
    describeExpected: describeExpectedFormats,
    maxBytes: 100 * 1024 * 1024,
    shrinkGuard: 0.5,
    onListsChanged: async (call: IngestCall) => {
      if (!hooks.on) return;
      try {
        await relinkAfterListChange({ store: p.store, index, articles: p.deps }, call);
        relinks.push({ ...call, outcome: 'finished' });
      } catch (err) {
        relinks.push({ ...call, outcome: (err as Error).message });
        throw err;
      }
    },
  };
  return { p, deps, relinks, hooks };
}

describe('relinking after a list change, with the deadline of the call', () => {
  it('two overlapping batches: each stops at its own deadline', async () => {
    // Prepare: stored articles to relink, then two list uploads processed at once with different deadlines
    const { p, deps, relinks, hooks } = setup();
    for (let i = 0; i < 5; i++) {
      await p.s3.source.put(`articles/${i}.txt`, `Officials in Beijing met Eric Badege on day ${i}.`, 'text/plain');
      await p.reconcile(`articles/${i}.txt`);
    }
    await p.s3.source.put('sanctions/un.xml', UN, 'application/xml');
    hooks.on = false; // the list is current, its articles not relinked yet (as after a failed relink)
    await reconcileSanctionsObject(ref('sanctions/un.xml'), deps);
    hooks.on = true;
    const past = Date.now() - 1;
    const future = Date.now() + 60_000;
    // Act: the list's event delivered twice, in two batches processed at once, each finishing the relink
    const [a, b] = await Promise.allSettled([
      reconcileSanctionsObject(ref('sanctions/un.xml'), deps, { deadline: past }),
      reconcileSanctionsObject(ref('sanctions/un.xml'), deps, { deadline: future }),
    ]);
    // Assess: the late batch ran out of time (and is retried); the other, under its own deadline, finished
    expect(relinks.find((r) => r.deadline === past)?.outcome).toMatch(/before the time ran out/);
    expect(a.status).toBe('rejected');
    expect(relinks.find((r) => r.deadline === future)?.outcome).toBe('finished');
    expect(b.status).toBe('fulfilled');
  });

  it('a relink with time left links the stored articles against the new list', async () => {
    const { p, deps } = setup();
    await p.s3.source.put('articles/x.txt', 'Officials in Beijing met Eric Badege on Monday.', 'text/plain');
    await p.reconcile('articles/x.txt');
    await p.s3.source.put('sanctions/un.xml', UN, 'application/xml');
    await reconcileSanctionsObject(ref('sanctions/un.xml'), deps, { deadline: Date.now() + 60_000 });
    await p.aggregate();
    expect(Object.keys(p.counters()).some((c) => c.startsWith('listed|un-sc|'))).toBe(true);
  });
});
