import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { fetchFailure } from './http.ts';
import { lambdaContext } from './queue.ts';

/**
 * The Lambda event source mapping for a DynamoDB stream, in process: it reads the table's stream from DynamoDB Local
 * the way Lambda does and hands the consumer the same `DynamoDBStreamEvent`s.
 * - Each shard is read in order, one batch at a time (`DescribeStream`, `GetShardIterator` TRIM_HORIZON the first
 *   time, AFTER_SEQUENCE_NUMBER of the checkpoint after that, `GetRecords`); a child shard only once its parent is
 *   read to its end.
 * - A batch is up to `batchSize` records, waiting up to `maxBatchingWindowMs` for more.
 * - With a `filter` (Lambda's event filtering, the one form the stack uses: a key attribute's string begins with a
 *   prefix), records that do not match are dropped before batching and never reach the handler; the position moves
 *   past them all the same.
 * - ReportBatchItemFailures: a returned `itemIdentifier` (a SequenceNumber) acknowledges the records before it and
 *   redelivers from it; a throw (or an identifier that names no record of the batch) redelivers the whole batch.
 * - After `maxRetryAttempts` redeliveries the batch goes to a dead-letter store (the on-failure destination) and the
 *   shard moves on.
 * - The position (the last acknowledged sequence number per shard) is written to `stateFile` after every batch, so a
 *   restart resumes after what was acknowledged: nothing lost, nothing acknowledged delivered twice.
 */

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

/** The few DynamoDB Streams calls the poller makes (awsJson1_0 over HTTP; see `localStreamsApi`). */
export type StreamsApi = (
  op: 'DescribeStream' | 'GetShardIterator' | 'GetRecords',
  input: object,
) => Promise<StreamsOutput>;

/** The fields of the three answers the poller reads. */
export interface StreamsOutput {
  StreamDescription?: { Shards?: { ShardId: string; ParentShardId?: string }[]; LastEvaluatedShardId?: string };
  ShardIterator?: string | null;
  Records?: DynamoDBRecord[];
  NextShardIterator?: string | null;
}

/** Lambda event filtering in the one form the stack uses: the record's key `keyAttribute` is a string with `prefix`. */
export type StreamFilter = { keyAttribute: string; prefix: string };

export function matchesStreamFilter(r: DynamoDBRecord, f: StreamFilter | undefined): boolean {
  if (!f) return true;
  const v = r.dynamodb?.Keys?.[f.keyAttribute]?.S;
  return typeof v === 'string' && v.startsWith(f.prefix);
}

export interface StreamPollerOptions {
  name: string;
  streamArn: string;
  region: string;
  api: StreamsApi;
  handler: StreamHandler;
  batchSize: number;
  maxBatchingWindowMs: number;
  maxRetryAttempts: number;
  functionTimeoutMs: number;
  /** Where the position is kept; undefined = in memory (`--memory`). */
  stateFile?: string;
  /** Lambda event filtering: only records whose key `keyAttribute` is a string beginning with `prefix`. */
  filter?: StreamFilter;
  /** How often an idle shard is read again (Lambda polls about four times a second). */
  pollIntervalMs?: number;
  log?: (line: string) => void;
}

export interface StreamDeadLetter {
  shardId: string;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  records: number;
  reason: string;
  at: string;
  batch: DynamoDBRecord[];
}

interface ShardState {
  shardId: string;
  parentShardId?: string;
  /** Last acknowledged sequence number. */
  checkpoint?: string;
  /** Read to its end (closed, every record acknowledged or dead-lettered). */
  finished: boolean;
  iterator?: string | null;
  buffer: DynamoDBRecord[];
  bufferSince?: number;
  attempts: number;
  /** The last record read (matching the filter or not): the position once the buffer is empty. */
  readTo?: string;
}

interface Persisted {
  streamArn: string;
  shards: Record<string, { checkpoint?: string; finished: boolean }>;
  deadLetters: StreamDeadLetter[];
}

export interface StreamPollerStats {
  name: string;
  streamArn: string;
  shards: number;
  openShards: number;
  /** Records read from the stream and not yet acknowledged (buffered or being handled). */
  pending: number;
  /** Records being handled now. */
  inFlight: number;
  delivered: number;
  /** Records the filter dropped. */
  filtered: number;
  batches: number;
  retries: number;
  deadLetters: number;
}

export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  readonly deadLetters: StreamDeadLetter[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = 0;
  private delivered = 0;
  private filtered = 0;
  private batches = 0;
  private retries = 0;
  private lastDescribe = 0;
  /** Bumped at the end of each pass over the shards that found nothing to read and nothing pending. */
  private quietPasses = 0;
  private passWaiters: (() => void)[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly opts: StreamPollerOptions) {
    if (opts.stateFile) this.restore(opts.stateFile);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((err) => this.opts.log?.(`✗ ${this.opts.name}: poller stopped: ${String(err)}`));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.persist();
  }

  stats(): StreamPollerStats {
    const all = [...this.shards.values()];
    return {
      name: this.opts.name,
      streamArn: this.opts.streamArn,
      shards: all.length,
      openShards: all.filter((s) => !s.finished).length,
      pending: all.reduce((n, s) => n + s.buffer.length, 0),
      inFlight: this.inFlight,
      delivered: this.delivered,
      filtered: this.filtered,
      batches: this.batches,
      retries: this.retries,
      deadLetters: this.deadLetters.length,
    };
  }

  /**
   * Resolves after a whole pass over the shards, begun after this call, found no record to read and none pending:
   * every change made before the call has been handled (or dead-lettered).
   */
  async whenCaughtUp(): Promise<void> {
    if (!this.running) return;
    // Two quiet passes: the one running now may have begun before the caller's last write.
    const target = this.quietPasses + 2;
    while (this.quietPasses < target) {
      await new Promise<void>((r) => this.passWaiters.push(r));
      if (!this.running) return;
    }
  }

  /** Dead letters back to a fresh delivery (like re-running the failure destination's batches by hand). */
  redrive(): number {
    const n = this.deadLetters.length;
    // Their records were dead-lettered past the checkpoint; they are handed to the handler again, as one batch each.
    const batches = this.deadLetters.splice(0);
    void (async () => {
      for (const d of batches) {
        try {
          await this.opts.handler({ Records: d.batch }, lambdaContext(this.opts.name, this.opts.functionTimeoutMs));
        } catch (err) {
          this.deadLetters.push({ ...d, reason: `redrive failed: ${String(err)}`, at: new Date().toISOString() });
        }
      }
      this.persist();
    })();
    return n;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        if (Date.now() - this.lastDescribe > 1000 || this.shards.size === 0) await this.describe();
        for (const s of this.readyShards()) busy = (await this.pollShard(s)) || busy;
      } catch (err) {
        busy = true;
        this.opts.log?.(`✗ ${this.opts.name}: ${err instanceof Error ? err.message : String(err)} (will retry)`);
        await this.sleep(500);
      }
      const pending = [...this.shards.values()].some((s) => s.buffer.length > 0);
      if (!busy && !pending) {
        this.quietPasses++;
        for (const w of this.passWaiters.splice(0)) w();
      }
      if (!busy) await this.sleep(pending ? 20 : (this.opts.pollIntervalMs ?? 250));
    }
    for (const w of this.passWaiters.splice(0)) w();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.wake = () => {
        clearTimeout(t);
        r();
      };
    });
  }

  private async describe(): Promise<void> {
    let start: string | undefined;
    const listed = new Set<string>();
    do {
      const out = await this.opts.api('DescribeStream', {
        StreamArn: this.opts.streamArn,
        ...(start ? { ExclusiveStartShardId: start } : {}),
      });
      const desc = out.StreamDescription ?? {};
      for (const sh of desc.Shards ?? []) {
        if (!this.shards.has(sh.ShardId))
          this.shards.set(sh.ShardId, {
            shardId: sh.ShardId,
            parentShardId: sh.ParentShardId,
            finished: false,
            buffer: [],
            attempts: 0,
          });
        else if (sh.ParentShardId) this.shards.get(sh.ShardId)!.parentShardId = sh.ParentShardId;
      }
      for (const sh of desc.Shards ?? []) listed.add(sh.ShardId);
      start = desc.LastEvaluatedShardId;
    } while (start);
    // A saved shard the stream no longer lists was trimmed (24 h) or belongs to a table made anew: nothing to read.
    for (const id of [...this.shards.keys()]) if (!listed.has(id)) this.shards.delete(id);
    this.lastDescribe = Date.now();
  }

  /** Open shards whose parent (if the stream still lists it) is read to its end. */
  private readyShards(): ShardState[] {
    return [...this.shards.values()].filter((s) => {
      if (s.finished) return false;
      const parent = s.parentShardId ? this.shards.get(s.parentShardId) : undefined;
      return !parent || parent.finished;
    });
  }

  /** Reads and delivers what one shard has; true when it did anything. */
  private async pollShard(s: ShardState): Promise<boolean> {
    if (s.iterator === undefined) {
      const out = await this.opts.api('GetShardIterator', {
        StreamArn: this.opts.streamArn,
        ShardId: s.shardId,
        ...(s.checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: s.checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      });
      s.iterator = out.ShardIterator ?? null;
    }
    let read = 0;
    if (s.iterator && s.buffer.length < this.opts.batchSize) {
      let out: StreamsOutput;
      try {
        out = await this.opts.api('GetRecords', {
          ShardIterator: s.iterator,
          Limit: this.opts.batchSize - s.buffer.length,
        });
      } catch (err) {
        // An expired iterator (15 minutes idle) or one past the trim horizon: ask for a new one from the checkpoint.
        if (/ExpiredIterator|TrimmedDataAccess/.test(String((err as Error).message))) {
          s.iterator = undefined;
          return true;
        }
        throw err;
      }
      const all = out.Records ?? [];
      const records = all.filter((r) => matchesStreamFilter(r, this.opts.filter)).map((r) => this.toLambdaRecord(r));
      read = all.length;
      this.filtered += all.length - records.length;
      if (records.length && s.buffer.length === 0) s.bufferSince = Date.now();
      s.buffer.push(...records);
      s.iterator = out.NextShardIterator ?? null;
      const last = all.at(-1)?.dynamodb?.SequenceNumber;
      if (last) {
        s.readTo = last;
        // Nothing waiting before it: the position is past what the filter dropped (a restart does not read it again).
        if (!s.buffer.length) {
          s.checkpoint = last;
          this.persist();
        }
      }
    }
    const closed = s.iterator === null;
    const windowOver = s.bufferSince !== undefined && Date.now() - s.bufferSince >= this.opts.maxBatchingWindowMs;
    if (s.buffer.length && (s.buffer.length >= this.opts.batchSize || windowOver || closed)) {
      await this.deliver(s);
      return true;
    }
    if (closed && s.buffer.length === 0) {
      s.finished = true;
      this.persist();
      return true;
    }
    return read > 0;
  }

  private toLambdaRecord(r: DynamoDBRecord): DynamoDBRecord {
    return {
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      // DynamoDB Local says "ddblocal"; Lambda says the table's region.
      awsRegion: this.opts.region,
      dynamodb: r.dynamodb,
      eventSourceARN: this.opts.streamArn,
      ...(r.userIdentity ? { userIdentity: r.userIdentity } : {}),
    };
  }

  /** One delivery of the shard's batch, with its outcome applied. */
  private async deliver(s: ShardState): Promise<void> {
    const batch = s.buffer.slice(0, this.opts.batchSize);
    let failedAt = 0; // index of the first record to redeliver; batch.length = all acknowledged
    let reason = '';
    this.inFlight = batch.length;
    this.batches++;
    try {
      const res = await this.opts.handler(
        { Records: batch },
        lambdaContext(this.opts.name, this.opts.functionTimeoutMs),
      );
      const failures = res?.batchItemFailures ?? [];
      if (failures.length === 0) failedAt = batch.length;
      else {
        const seqs = batch.map((r) => r.dynamodb?.SequenceNumber);
        const idx = failures.map((f) => seqs.indexOf(f.itemIdentifier));
        // Lambda: an identifier that names no record of the batch fails the whole batch.
        failedAt = idx.some((i) => i < 0) ? 0 : Math.min(...idx);
        reason = `reported in batchItemFailures (from ${batch[failedAt]?.dynamodb?.SequenceNumber})`;
      }
    } catch (err) {
      failedAt = 0;
      reason = err instanceof Error ? err.message : String(err);
    } finally {
      this.inFlight = 0;
    }
    const acked = batch.slice(0, failedAt);
    if (acked.length) {
      s.buffer.splice(0, acked.length);
      s.checkpoint = acked.at(-1)!.dynamodb!.SequenceNumber;
      this.delivered += acked.length;
      s.attempts = 0;
    }
    if (failedAt < batch.length) {
      s.attempts++;
      this.retries++;
      if (s.attempts > this.opts.maxRetryAttempts) {
        const rest = batch.slice(failedAt);
        s.buffer.splice(0, rest.length);
        s.checkpoint = rest.at(-1)!.dynamodb!.SequenceNumber;
        s.attempts = 0;
        this.deadLetters.push({
          shardId: s.shardId,
          firstSequenceNumber: rest[0]!.dynamodb!.SequenceNumber!,
          lastSequenceNumber: rest.at(-1)!.dynamodb!.SequenceNumber!,
          records: rest.length,
          reason,
          at: new Date().toISOString(),
          batch: rest,
        });
        this.opts.log?.(
          `✗ ${this.opts.name}: ${rest.length} stream records dead-lettered after ${this.opts.maxRetryAttempts} retries: ${reason}`,
        );
      } else {
        this.opts.log?.(`↻ ${this.opts.name}: batch of ${batch.length} failed (${reason}); retrying`);
        await this.sleep(Math.min(1000, 50 * 2 ** (s.attempts - 1)));
      }
    }
    // Every buffered record handled (or dead-lettered): the position is the last record read, past those after the
    // batch that the filter dropped.
    if (!s.buffer.length && s.readTo) s.checkpoint = s.readTo;
    s.bufferSince = s.buffer.length ? Date.now() : undefined;
    this.persist();
  }

  private persist(): void {
    const file = this.opts.stateFile;
    if (!file) return;
    const state: Persisted = {
      streamArn: this.opts.streamArn,
      shards: Object.fromEntries(
        [...this.shards.values()].map((s) => [s.shardId, { checkpoint: s.checkpoint, finished: s.finished }]),
      ),
      deadLetters: this.deadLetters,
    };
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(state));
      renameSync(tmp, file);
    } catch (err) {
      // A read-only or full disk fails the write, not the sandbox; the position in memory still holds.
      this.opts.log?.(`✗ ${this.opts.name}: could not save the stream position: ${(err as Error).message}`);
    }
  }

  private restore(file: string): void {
    let state: Persisted;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as Persisted;
    } catch {
      return;
    }
    // A new table has a new stream: positions in another stream mean nothing.
    if (state.streamArn !== this.opts.streamArn) return;
    for (const [shardId, s] of Object.entries(state.shards ?? {}))
      this.shards.set(shardId, { shardId, checkpoint: s.checkpoint, finished: s.finished, buffer: [], attempts: 0 });
    this.deadLetters.push(...(state.deadLetters ?? []));
  }
}

/** How long one Streams call may take before the poller gives it up and retries (its loop waits 500 ms first). */
const STREAMS_CALL_TIMEOUT_MS = 60_000;

/**
 * DynamoDB Local's Streams API over plain HTTP. Written by hand (four JSON calls) because the project has no
 * DynamoDB Streams client among its dependencies, and DynamoDB Local checks only that a request is signed, not the
 * signature.
 */
export function localStreamsApi(endpoint: string, region: string, timeoutMs = STREAMS_CALL_TIMEOUT_MS): StreamsApi {
  return async (op, input) => {
    // Each call answers in milliseconds; one that hangs would otherwise hold the shard for undici's 300 s default.
    // Reads only (a GetRecords given up is read again from the same iterator), so giving up loses nothing.
    let res: Response;
    let text: string;
    try {
      res = await fetch(endpoint, {
        signal: AbortSignal.timeout(timeoutMs),
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDBStreams_20120810.${op}`,
          authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify(input),
      });
      text = await res.text();
    } catch (err) {
      throw fetchFailure(`${op} on ${endpoint}`, err);
    }
    const body = (text ? JSON.parse(text) : {}) as StreamsOutput & {
      __type?: string;
      message?: string;
      Message?: string;
    };
    if (!res.ok)
      throw new Error(`${op}: ${String(body.__type ?? res.status)}: ${body.message ?? body.Message ?? text}`);
    return body;
  };
}
