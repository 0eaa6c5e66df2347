import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../infra/sandbox/dynamodb-local.ts';
import { makeDynamoStore } from '../../shared/adapters/dynamo-store.ts';
import { toStreamChange } from '../../shared/adapters/dynamo-stream.ts';
import { aggregateStreamBatch } from '../../shared/ingest/aggregate.ts';
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
  const poller = makeStreamPoller(
    `http://127.0.0.1:${dynamo.port}`,
    t.TableDescription!.LatestStreamArn!,
    async (e) => {
      const r = await aggregateStreamBatch(e.Records.map(toStreamChange), store);
      return { batchItemFailures: r.failedAt ? [{ itemIdentifier: r.failedAt }] : [] };
    },
  );
  return { dynamo, ddb, meter, store, poller, stop: () => dynamo.stop() };
}
