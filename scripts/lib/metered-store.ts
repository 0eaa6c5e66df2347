import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/sandbox/dynamodb-local.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { toStreamChange } from '../../shared/adapters/dynamo-stream.ts';
import { aggregateStreamBatch } from '../../shared/ingest/aggregate.ts';
import { STREAM_CONSUMER } from '../../shared/resources.ts';
import { makeStreamPoller, type StreamPoller } from '../../test/helpers/stream-poller.ts';
import { tableInput } from '../../test/helpers/table.ts';
import { meterWrites } from '../../test/helpers/write-meter.ts';

/**
 * What the write-cost scripts (measure-write-cost, measure-relink-cost) measure on: AWS's DynamoDB Local with the
 * project's table, every write metered as the sandbox edge meters it, and the counter aggregator on the table's real
 * stream (`poller.drain()` applies what is waiting). `stop()` ends DynamoDB Local.
 */
export async function startMeteredStore(): Promise<{
  dynamo: DynamoDbLocal;
  ddb: DynamoDBClient;
  meter: ReturnType<typeof meterWrites>;
  store: ReturnType<typeof makeDynamoStore>;
  poller: StreamPoller;
  /** Where the aggregator's time went: each store call's total ms, calls, and items (objects, cells, moves, changes). */
  aggregatorTime: () => { name: string; ms: number; calls: number; n: number }[];
  stop: () => Promise<void>;
}> {
  const dynamo = await startDynamoDbLocal(undefined);
  const ddb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${dynamo.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const meter = meterWrites(ddb);
  const t = await ddb.send(new CreateTableCommand(tableInput('radar')));
  const store = makeDynamoStore(DynamoDBDocumentClient.from(ddb), 'radar');
  const aggregator = timedAggregator(store);
  const poller = makeStreamPoller(
    `http://127.0.0.1:${dynamo.port}`,
    t.TableDescription!.LatestStreamArn!,
    async (e) => {
      const t0 = performance.now();
      const r = await aggregateStreamBatch(e.Records.map(toStreamChange), aggregator.store);
      aggregator.add('whole batches', performance.now() - t0, 1);
      return { batchItemFailures: r.failedAt ? [{ itemIdentifier: r.failedAt }] : [] };
    },
    // As deployed: only contribution parts reach the aggregator, in batches of up to STREAM_CONSUMER.batchSize.
    { filter: STREAM_CONSUMER.filter },
  );
  return { dynamo, ddb, meter, store, poller, aggregatorTime: aggregator.report, stop: () => dynamo.stop() };
}

/** The aggregator's store calls, timed (what a batch's time goes to: `measure-write-cost --profile`). */
function timedAggregator(store: ReturnType<typeof makeDynamoStore>) {
  const times = new Map<string, { ms: number; calls: number; n: number }>();
  const add = (name: string, ms: number, n: number) => {
    const t = times.get(name) ?? { ms: 0, calls: 0, n: 0 };
    times.set(name, { ms: t.ms + ms, calls: t.calls + 1, n: t.n + n });
  };
  const timed =
    <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>, size: (...a: A) => number) =>
    async (...a: A): Promise<R> => {
      const t0 = performance.now();
      try {
        return await fn(...a);
      } finally {
        add(name, performance.now() - t0, size(...a));
      }
    };
  const timedStore: Parameters<typeof aggregateStreamBatch>[1] = {
    ...store,
    readLedgers: timed('readLedgers (objects)', store.readLedgers, (o) => o.length),
    readEntityStates: timed('readEntityStates (cells)', store.readEntityStates, (c) => c.length),
    writeEntityRows: timed('writeEntityRows (moves)', store.writeEntityRows, (m) => m.length),
    applyChunk: timed('applyChunk (changes)', store.applyChunk, (c) => c.changes),
  };
  return {
    store: timedStore,
    add,
    report: () => [...times].map(([name, t]) => ({ name, ...t })),
  };
}
