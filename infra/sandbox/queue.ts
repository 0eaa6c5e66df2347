import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { objectRefsFrom } from '../../shared/adapters/s3-event.ts';

/**
 * A small SQS look-alike feeding one handler: visibility timeout, ApproximateReceiveCount, partial batch failures
 * (`reportBatchItemFailures`), and a dead-letter store after `maxReceiveCount` receives — the behaviour of an SQS
 * event source mapping, so the handler meets in the sandbox what it meets on AWS.
 */
export interface QueueOptions {
  name: string;
  region: string;
  batchSize: number;
  visibilityTimeoutMs: number;
  /** The function's timeout (the Lambda context's remaining time starts from it). */
  functionTimeoutMs: number;
  maxReceiveCount: number;
  /** Batches in flight at once (Lambda concurrency). */
  concurrency: number;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  onDeadLetter?: (m: QueueMessage, reason: string) => void;
  onError?: (err: unknown, batch: QueueMessage[]) => void;
}

export interface QueueMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  lastError?: string;
}

export interface QueueStats {
  name: string;
  visible: number;
  inFlight: number;
  deadLetters: number;
  processed: number;
  /** Batches being handled now: how long each has run and the object keys it carries. */
  running?: { ms: number; keys: string[] }[];
}

export class SandboxQueue {
  private readonly messages: QueueMessage[] = [];
  readonly deadLetters: (QueueMessage & { reason: string })[] = [];
  private running = 0;
  private processed = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: QueueOptions) {}

  get arn(): string {
    return `arn:aws:sqs:${this.opts.region}:000000000000:${this.opts.name}`;
  }

  send(body: string): string {
    const m: QueueMessage = { messageId: randomUUID(), body, sentAt: Date.now(), receiveCount: 0, visibleAt: 0 };
    this.messages.push(m);
    this.pump();
    return m.messageId;
  }

  stats(): QueueStats {
    const now = Date.now();
    const visible = this.messages.filter((m) => m.visibleAt <= now).length;
    return {
      name: this.opts.name,
      visible,
      inFlight: this.messages.length - visible,
      deadLetters: this.deadLetters.length,
      processed: this.processed,
      ...(this.delivering.size
        ? {
            running: [...this.delivering].map(([batch, started]) => ({
              ms: now - started,
              keys: batch.flatMap(keysOf),
            })),
          }
        : {}),
    };
  }

  /** True when no message waits or is in flight. */
  get idle(): boolean {
    return this.messages.length === 0 && this.running === 0;
  }

  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  start(): void {
    this.stopped = false;
    this.pump();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running > 0) await new Promise((r) => setTimeout(r, 20));
  }

  /** Batches being handled now, with how long they have run (for diagnosing a stop that hangs). */
  inFlight(): { messageIds: string[]; ms: number }[] {
    return [...this.delivering].map(([batch, started]) => ({
      messageIds: batch.map((m) => m.messageId),
      ms: Date.now() - started,
    }));
  }
  private readonly delivering = new Map<QueueMessage[], number>();

  /** Messages still queued (persisted by the sandbox across restarts). */
  snapshot(): { messages: QueueMessage[]; deadLetters: (QueueMessage & { reason: string })[] } {
    return { messages: this.messages.map((m) => ({ ...m, visibleAt: 0 })), deadLetters: [...this.deadLetters] };
  }

  restore(s: { messages?: QueueMessage[]; deadLetters?: (QueueMessage & { reason: string })[] }): void {
    this.messages.push(...(s.messages ?? []));
    this.deadLetters.push(...(s.deadLetters ?? []));
  }

  /** Moves dead letters back to the queue (like an SQS redrive). */
  redrive(): number {
    const n = this.deadLetters.length;
    for (const d of this.deadLetters.splice(0)) this.send(d.body);
    return n;
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = Date.now();
    while (this.running < this.opts.concurrency) {
      const batch: QueueMessage[] = [];
      for (const m of this.messages) {
        if (batch.length >= this.opts.batchSize) break;
        if (m.visibleAt > now) continue;
        // SQS moves a message to the DLQ when a receive would exceed maxReceiveCount.
        if (m.receiveCount >= this.opts.maxReceiveCount) continue;
        batch.push(m);
      }
      this.moveExhaustedToDlq(now);
      if (batch.length === 0) break;
      for (const m of batch) {
        m.receiveCount++;
        // Invisible while the handler runs: on AWS the visibility timeout is 6 × the function timeout, so a message
        // is never handed to a second worker while the first still works on it.
        m.visibleAt = Number.POSITIVE_INFINITY;
      }
      this.running++;
      void this.deliver(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
    this.scheduleNext();
    if (this.idle) for (const w of this.idleWaiters.splice(0)) w();
  }

  private moveExhaustedToDlq(now: number): void {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.visibleAt <= now && m.receiveCount >= this.opts.maxReceiveCount) {
        this.messages.splice(i, 1);
        const reason = `received ${m.receiveCount} times (maxReceiveCount ${this.opts.maxReceiveCount}); last error: ${m.lastError ?? 'unknown'}`;
        this.deadLetters.push({ ...m, reason });
        this.opts.onDeadLetter?.(m, reason);
      }
    }
  }

  private scheduleNext(): void {
    if (this.stopped || this.messages.length === 0) return;
    // In-flight messages (visibleAt = Infinity) wake nobody: their batch's end pumps the queue.
    const next = Math.min(...this.messages.map((m) => m.visibleAt).filter((v) => Number.isFinite(v)));
    if (!Number.isFinite(next)) return;
    const wait = Math.max(5, next - Date.now());
    this.timer = setTimeout(() => this.pump(), wait);
    this.timer.unref();
  }

  private async deliver(batch: QueueMessage[]): Promise<void> {
    this.delivering.set(batch, Date.now());
    try {
      await this.deliverNow(batch);
    } finally {
      this.delivering.delete(batch);
    }
  }

  private async deliverNow(batch: QueueMessage[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((m) => this.toRecord(m)) };
    let failed: Set<string>;
    let error: string | undefined;
    try {
      // Like Lambda, an invocation that outlives the function timeout is abandoned and its batch fails.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Task timed out after ${(this.opts.functionTimeoutMs / 1000).toFixed(2)} seconds`)),
          this.opts.functionTimeoutMs,
        );
        timer.unref();
      });
      const res = await Promise.race([
        this.opts.handler(event, lambdaContext(this.opts.name, this.opts.functionTimeoutMs)),
        timeout,
      ]).finally(() => clearTimeout(timer));
      failed = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size) error = 'reported in batchItemFailures';
    } catch (err) {
      // A thrown error fails the whole batch, as with Lambda.
      failed = new Set(batch.map((m) => m.messageId));
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.opts.onError?.(err, batch);
    }
    for (const m of batch) {
      if (failed.has(m.messageId)) {
        m.lastError = error;
        m.visibleAt = Date.now() + this.opts.visibilityTimeoutMs; // received again once its visibility timeout ends
        continue;
      }
      const i = this.messages.indexOf(m);
      if (i >= 0) this.messages.splice(i, 1);
      this.processed++;
    }
  }

  private toRecord(m: QueueMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: `${m.messageId}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'AIDAS3SANDBOX',
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.opts.region,
    };
  }
}

export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'sandbox',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The object keys an S3 event message names (for the status page); none when the body is not one. */
function keysOf(m: QueueMessage): string[] {
  try {
    return objectRefsFrom(m.body).map((r) => r.key);
  } catch {
    return [];
  }
}
