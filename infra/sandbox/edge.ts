import {
  request as httpRequest,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream';
import { crc32 } from 'node:zlib';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.ts';
import {
  type Charge,
  calibratedWriteCharges,
  consumedAsAsked,
  type PartitionMeter,
  type ReadTally,
  readCharges,
  type TableKeys,
  WRITE_OPS,
  writeCharges,
} from './dynamo-capacity.ts';
import { ItemHolds, conflictBody, itemsOf } from './dynamo-conflicts.ts';
import { KeyLocks } from './key-locks.ts';

/** What the edge saw happen to an object (before the sandbox turns it into an S3 event record). */
export interface ObjectChange {
  bucket: string;
  key: string;
  eventName:
    | 'ObjectCreated:Put'
    | 'ObjectCreated:Copy'
    | 'ObjectCreated:CompleteMultipartUpload'
    | 'ObjectRemoved:Delete';
  eTag?: string;
  versionId?: string;
  sourceIp: string;
}

/** Share of DynamoDB write requests the edge fails on purpose (fault-injection tests). */
export interface Faults {
  /** 400 ProvisionedThroughputExceededException / ThrottlingException */
  throttle: number;
  /** 500 InternalServerError */
  error: number;
  /**
   * Milliseconds a TransactWriteItems holds its items before it is forwarded: DynamoDB Local answers in a few ms, AWS
   * in tens; a test that must see a conflict widens the window with this.
   */
  transactionDelayMs?: number;
}

const WRITE_TARGETS = /\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)$/;
const READ_OPS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
/** DynamoDB's request limit is 16 MB (BatchWriteItem); a little room above it. */
const MAX_DYNAMO_BODY = 20 * 1024 * 1024;

export interface EdgeOptions {
  faults?: Faults;
  host: string;
  port: number;
  /** Filled in once the servers behind the edge are up (the edge binds its port first, so nothing can take it). */
  upstream: { s3Port: number; dynamoPort: number };
  onObjectChange: (change: ObjectChange) => void;
  /** Extra routes under /_sandbox/ (status, dead letters, redrive). */
  sandboxRoute: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Key attributes of the tables (hot-key accounting and transaction conflicts). */
  tables?: Record<string, TableKeys>;
  /** Units per partition per second (read by /_sandbox/status and the soak). */
  meter?: PartitionMeter;
  /** Items and units every DynamoDB read returned, in total (read by /_sandbox/reads and the scale benchmark). */
  reads?: ReadTally;
  /** Origins besides the edge's own that may call it (none by default; the dashboard reads only the query API). */
  allowedOrigins?: string[];
  log?: (line: string) => void;
}

/** True when a request carries AWS credentials: a SigV4 (or V2) Authorization header, or a presigned URL's query. */
export function isSigned(req: IncomingMessage, query: URLSearchParams): boolean {
  const auth = String(req.headers.authorization ?? '');
  if (/^AWS4-HMAC-SHA256\s+Credential=\S+/.test(auth) || /^AWS \S+:\S+/.test(auth)) return true;
  return (
    (query.has('X-Amz-Signature') && query.has('X-Amz-Credential')) ||
    (query.has('Signature') && query.has('AWSAccessKeyId'))
  );
}

/** The origins a browser would send for the edge itself (the port as bound, on both loopback names). */
export function ownOrigins(host: string, port: number): string[] {
  return [...new Set([host, '127.0.0.1', 'localhost', '[::1]'])].map((h) => `http://${h}:${port}`);
}

type Kind = 's3' | 'dynamodb' | 'sandbox';

/** An error in the shape the caller's SDK reads: S3 XML, DynamoDB JSON (awsJson1_0), or the sandbox's own JSON. */
export function sendAwsError(
  res: ServerResponse,
  kind: Kind,
  status: number,
  code: string,
  message: string,
  resource = '',
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = randomUUID();
  if (kind === 's3') {
    const xml =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
      `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
    res.end(xml);
  } else if (kind === 'dynamodb') {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
    });
    res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }));
  } else {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: code, message }));
  }
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One AWS edge on one port, like LocalStack's: DynamoDB and DynamoDB Streams requests (X-Amz-Target: DynamoDB_*,
 * DynamoDBStreams_*) go to DynamoDB Local, everything else to the S3 server. Any credentials are accepted (the S3
 * access key is rewritten to s3rver's built-in one: s3rver does not verify SigV4 signatures, only that the key
 * exists), but a request must carry some: what changes state (S3 writes and deletes, every DynamoDB call, the
 * `/_sandbox/*` controls) needs an AWS-style Authorization header or a presigned URL, and a request from a foreign
 * `Origin` is refused, so a web page in a browser cannot reach a running sandbox (a page can send a plain POST with
 * no custom header to any port on 127.0.0.1, never an Authorization header without a CORS preflight).
 */
export function startEdge(opts: EdgeOptions): Promise<Server> {
  const locks = new KeyLocks();
  const holds = new ItemHolds();
  const log = opts.log ?? (() => {});
  let allowed = new Set(opts.allowedOrigins ?? []);
  const server = createServer((req, res) => {
    // No request may take the process down: a throw here would be an uncaught exception.
    req.on('error', () => res.destroy());
    res.on('error', () => {});
    const url = req.url ?? '/';
    const target = String(req.headers['x-amz-target'] ?? '');
    const kind: Kind = url.startsWith('/_sandbox/')
      ? 'sandbox'
      : /^DynamoDB(Streams)?_/.test(target)
        ? 'dynamodb'
        : 's3';
    try {
      const origin = req.headers.origin;
      if (origin !== undefined && !allowed.has(String(origin))) {
        req.resume();
        return sendAwsError(
          res,
          kind,
          403,
          'AccessDenied',
          `requests from the web origin ${String(origin)} are refused: the sandbox takes calls from the AWS CLI and SDKs, not from web pages`,
        );
      }
      const query = new URL(url, 'http://edge').searchParams;
      const changesState = kind === 'dynamodb' || !['GET', 'HEAD'].includes(req.method ?? 'GET');
      if (changesState && !isSigned(req, query)) {
        req.resume();
        return kind === 'dynamodb'
          ? sendAwsError(
              res,
              kind,
              400,
              'MissingAuthenticationTokenException',
              'Request is missing Authentication Token (any AWS credentials work on the sandbox)',
            )
          : sendAwsError(
              res,
              kind,
              403,
              'AccessDenied',
              `${req.method} needs AWS credentials: an Authorization header (SigV4) or a presigned URL; any credentials work on the sandbox`,
              url.split('?')[0],
            );
      }
      if (kind === 'sandbox') {
        opts.sandboxRoute(req, res).catch((err) => {
          log(`✗ sandbox route ${url}: ${String(err)}`);
          sendAwsError(res, kind, 500, 'InternalError', String(err));
        });
        return;
      }
      if (!opts.upstream.s3Port || !opts.upstream.dynamoPort) {
        req.resume();
        return kind === 'dynamodb'
          ? sendAwsError(res, kind, 503, 'ServiceUnavailable', 'the sandbox is starting; try again in a moment')
          : sendAwsError(res, kind, 503, 'SlowDown', 'the sandbox is starting; try again in a moment');
      }
      if (kind === 'dynamodb') return handleDynamo(req, res, target, opts, holds, log);
      return proxyS3(req, res, opts, locks);
    } catch (err) {
      log(`✗ edge: ${req.method} ${url}: ${err instanceof Error ? err.message : String(err)}`);
      req.resume();
      const bad = err instanceof URIError;
      sendAwsError(
        res,
        kind,
        bad ? 400 : 500,
        bad ? (kind === 's3' ? 'InvalidURI' : 'ValidationException') : 'InternalError',
        bad
          ? `could not parse the request URI: ${err.message}`
          : 'the sandbox edge failed on this request; see its log',
      );
    }
  });
  // Uploads of large files: no request timeout on the edge.
  server.requestTimeout = 0;
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      allowed = new Set([...ownOrigins(opts.host, port), ...(opts.allowedOrigins ?? [])]);
      server.on('error', (err) => log(`✗ edge: ${err.message}`));
      resolve(server);
    });
  });
}

/**
 * A DynamoDB (or Streams) request: read whole (they are JSON, at most 16 MB), checked for fault injection and for
 * transaction conflicts, metered per partition, then forwarded to DynamoDB Local.
 */
function handleDynamo(
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  opts: EdgeOptions,
  holds: ItemHolds,
  log: (line: string) => void,
): void {
  const op = target.startsWith('DynamoDB_') ? target.slice(target.indexOf('.') + 1) : '';
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_DYNAMO_BODY) {
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', async () => {
    const raw = Buffer.concat(chunks);
    const f = opts.faults;
    if (f && WRITE_TARGETS.test(target)) {
      const roll = Math.random();
      if (roll < f.throttle)
        return sendFault(
          res,
          400,
          target.endsWith('TransactWriteItems') ? 'ThrottlingException' : 'ProvisionedThroughputExceededException',
        );
      if (roll < f.throttle + f.error) return sendFault(res, 500, 'InternalServerError');
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = op ? (JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>) : undefined;
    } catch {
      body = undefined; // DynamoDB Local answers a body it cannot read itself
    }
    const tables = opts.tables ?? {};
    let release = () => {};
    // A write's charges, estimated from its body (where the units go), then scaled to what DynamoDB Local says it
    // consumed (how many): see calibratedWriteCharges.
    let estimates: Charge[] | undefined;
    if (body) {
      try {
        const decision = holds.check(op, itemsOf(op, body, tables));
        if ('conflict' in decision) {
          const { type, body: answer } = conflictBody(decision.conflict);
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
          res.end(JSON.stringify(answer));
          return;
        }
        release = decision.release;
        if (opts.meter && WRITE_OPS.has(op)) estimates = writeCharges(op, body, tables);
      } catch (err) {
        log(`✗ edge: could not read ${op} for accounting: ${String(err)}`);
      }
      if (op === 'TransactWriteItems' && f?.transactionDelayMs)
        await new Promise((r) => setTimeout(r, f.transactionDelayMs));
    }
    res.once('close', release);
    const meter = opts.meter;
    const asked = body?.ReturnConsumedCapacity;
    // DynamoDB Local checks no signature, so the edge may ask for the write's consumed capacity on the client's behalf.
    const sent = estimates && body ? Buffer.from(JSON.stringify({ ...body, ReturnConsumedCapacity: 'INDEXES' })) : raw;
    const headers = { ...req.headers, 'content-length': String(sent.length) };
    const readBody = body && meter && READ_OPS.has(op) ? body : undefined;
    forward(req, res, opts.upstream.dynamoPort, headers, sent, (upstream) => {
      release();
      if (estimates && meter) {
        meterWrite(upstream, res, estimates, asked, meter);
        return true;
      }
      if (!readBody || !meter || upstream.headers['content-encoding']) return false;
      const parts: Buffer[] = [];
      upstream.on('data', (d: Buffer) => parts.push(d));
      upstream.on('error', () => res.destroy());
      upstream.on('end', () => {
        const answer = Buffer.concat(parts);
        res.writeHead(upstream.statusCode ?? 502, { ...upstream.headers, 'content-length': String(answer.length) });
        res.end(answer);
        if ((upstream.statusCode ?? 500) !== 200) return;
        try {
          const response = JSON.parse(answer.toString('utf8')) as Record<string, unknown>;
          let units = 0;
          for (const c of readCharges(op, readBody, response, tables)) {
            meter.add(c.partition, c.kind, c.units);
            units += c.units;
          }
          opts.reads?.add(op, response, units);
        } catch {
          /* an answer the meter cannot read is still the client's answer */
        }
      });
      return true;
    });
  });
}

/**
 * A write's answer: its consumed capacity (asked for by the edge) charged to the partitions its estimates name, and
 * the answer passed on as the client asked for it. An error answer (a failed condition, a cancelled transaction)
 * is charged as estimated: AWS charges failed conditional writes too.
 */
function meterWrite(
  upstream: IncomingMessage,
  res: ServerResponse,
  estimates: Charge[],
  asked: unknown,
  meter: PartitionMeter,
): void {
  const parts: Buffer[] = [];
  upstream.on('data', (d: Buffer) => parts.push(d));
  upstream.on('error', () => res.destroy());
  upstream.on('end', () => {
    let answer = Buffer.concat(parts);
    let charges = estimates;
    if ((upstream.statusCode ?? 500) === 200 && !upstream.headers['content-encoding'])
      try {
        const response = JSON.parse(answer.toString('utf8') || '{}') as Record<string, unknown>;
        charges = calibratedWriteCharges(estimates, response.ConsumedCapacity);
        answer = Buffer.from(JSON.stringify(consumedAsAsked(response, asked)));
      } catch {
        /* an answer the meter cannot read is still the client's answer */
      }
    for (const c of charges) meter.add(c.partition, c.kind, c.units);
    const headers: IncomingMessage['headers'] = { ...upstream.headers, 'content-length': String(answer.length) };
    // The SDKs may check the answer's CRC32 (botocore does for DynamoDB): it is the checksum of what is sent on.
    if (headers['x-amz-crc32']) headers['x-amz-crc32'] = String(crc32(answer));
    res.writeHead(upstream.statusCode ?? 502, headers);
    res.end(answer);
  });
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  headers: IncomingMessage['headers'],
  body: Buffer,
  onResponse?: (upstream: IncomingMessage) => boolean,
): void {
  const up = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (upstream) => {
    if (onResponse?.(upstream)) return;
    res.writeHead(upstream.statusCode ?? 502, upstream.headers);
    pipeline(upstream, res, () => {});
  });
  up.on('error', (err) =>
    res.headersSent
      ? res.destroy(err)
      : sendAwsError(res, 'dynamodb', 503, 'ServiceUnavailable', `sandbox edge: DynamoDB Local failed: ${err.message}`),
  );
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  up.end(body);
}

function sendFault(res: ServerResponse, status: number, type: string): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
  res.end(
    JSON.stringify({
      __type: `com.amazonaws.dynamodb.v20120810#${type}`,
      message: 'injected by the sandbox (fault test)',
    }),
  );
}

function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  headers: IncomingMessage['headers'],
  body: NodeJS.ReadableStream = req,
  onResponse?: (upstream: IncomingMessage) => boolean,
): void {
  const up = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (upstream) => {
    if (onResponse?.(upstream)) return; // the callback took over the response
    res.writeHead(upstream.statusCode ?? 502, upstream.headers);
    // An upstream response cut short ends the client's too (pipe() would leave it waiting for the rest for ever);
    // a client that goes away ends the upstream one.
    pipeline(upstream, res, () => {});
  });
  // The S3 server unreachable (or gone mid-request) fails this request as S3 would when busy: SlowDown, retryable.
  up.on('error', (err) =>
    res.headersSent
      ? res.destroy(err)
      : sendAwsError(res, 's3', 503, 'SlowDown', `sandbox edge: the S3 server failed: ${err.message}`),
  );
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  body.on('error', (err: Error) => {
    up.destroy(err);
    sendAwsError(res, 's3', 400, 'IncompleteBody', `sandbox edge: bad request body: ${err.message}`);
  });
  body.pipe(up);
}

function rewriteCredential(value: string): string {
  return value.replace(/Credential=[^/,\s]+\//, 'Credential=S3RVER/');
}

function proxyS3(req: IncomingMessage, res: ServerResponse, opts: EdgeOptions, locks: KeyLocks): void {
  const headers = { ...req.headers };
  if (headers.authorization) headers.authorization = rewriteCredential(headers.authorization);
  // The raw path, not WHATWG URL's: that would resolve `..` and `.` segments (also as %2e) that are part of a key.
  const rawUrl = req.url ?? '/';
  const q0 = rawUrl.indexOf('?');
  const rawPath = q0 < 0 ? rawUrl : rawUrl.slice(0, q0);
  const search = q0 < 0 ? '' : rawUrl.slice(q0);
  const u = new URL(`/${search}`, 'http://edge');
  if (u.searchParams.has('X-Amz-Credential'))
    u.searchParams.set(
      'X-Amz-Credential',
      rewriteCredential(`Credential=${u.searchParams.get('X-Amz-Credential')}`).slice(11),
    );
  const [bucket, key] = splitPath(rawPath);
  // s3rver's router takes a key's segments as path segments (an empty one, `a//b`, is no match): the key goes as one
  // segment with its slashes encoded, which the router decodes back, and s3-keys.ts maps it to a file path.
  const path = bucket
    ? `/${encodeURIComponent(bucket)}${key ? `/${encodeURIComponent(key)}` : rawPath.endsWith('/') && rawPath.length > bucket.length + 1 ? '/' : ''}${u.search}`
    : `${rawPath}${u.search}`;
  // s3rver reads x-amz-copy-source with decodeURI, which leaves `%2B` and the like encoded: hand it a form that
  // decodeURI turns into exactly the source key.
  const copySource = headers['x-amz-copy-source'];
  if (typeof copySource === 'string') {
    const [src, version] = copySource.split('?');
    headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(src!)) + (version ? `?${version}` : '');
  }
  let body: NodeJS.ReadableStream = req;
  if (isAwsChunked(headers)) {
    body = req.pipe(new AwsChunkedDecoder());
    const decoded = headers['x-amz-decoded-content-length'];
    if (decoded) headers['content-length'] = String(decoded);
    else delete headers['content-length'];
    const enc = String(headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e && e !== 'aws-chunked');
    if (enc.length) headers['content-encoding'] = enc.join(',');
    else delete headers['content-encoding'];
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    delete headers['x-amz-decoded-content-length'];
    delete headers['x-amz-trailer'];
  }
  req.url = path;

  // Conditional GETs are answered here: s3rver opens the object file and, answering 304, never closes it (one file
  // descriptor lost per call: an article handler checks the name index that way on every event).
  const ifNoneMatch = req.method === 'GET' ? headers['if-none-match'] : undefined;
  const ifModifiedSince = req.method === 'GET' ? headers['if-modified-since'] : undefined;
  delete headers['if-none-match'];
  delete headers['if-modified-since'];

  const q = u.searchParams;
  const method = req.method ?? 'GET';
  const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
  const isSubresource = ['tagging', 'acl', 'retention', 'legal-hold', 'torrent', 'uploads'].some((s) => q.has(s));

  // What a successful request does to the object (S3's event name), or undefined when it does not change it.
  const changes: ObjectChange['eventName'] | undefined =
    method === 'PUT' && !q.has('partNumber') && !q.has('uploadId')
      ? req.headers['x-amz-copy-source']
        ? 'ObjectCreated:Copy'
        : 'ObjectCreated:Put'
      : method === 'POST' && q.has('uploadId')
        ? 'ObjectCreated:CompleteMultipartUpload'
        : method === 'DELETE' && !q.has('uploadId')
          ? 'ObjectRemoved:Delete'
          : undefined;
  // One key's requests as S3 orders them: a read never sees a write half done (key-locks.ts).
  const objectRead = method === 'GET' || method === 'HEAD';
  if (bucket && key && !isSubresource && (changes || objectRead)) {
    let gone = false; // the client went away while the request waited for the lock
    res.once('close', () => (gone = true));
    void locks.acquire(`${bucket}/${key}`, changes !== undefined).then((release) => {
      if (gone) return release();
      res.once('close', release);
      forward();
    });
  } else forward();

  function forward() {
    proxy(req, res, opts.upstream.s3Port, headers, body, (upstream) => {
      const ok = (upstream.statusCode ?? 500) < 300;
      if (!ok || !bucket) return false;
      if (notModified(upstream, ifNoneMatch, ifModifiedSince)) {
        upstream.destroy(); // s3rver (koa) closes the file when its response ends
        const { etag, 'last-modified': lastModified } = upstream.headers;
        res.writeHead(304, { ...(etag ? { etag } : {}), ...(lastModified ? { 'last-modified': lastModified } : {}) });
        res.end();
        return true;
      }
      if (method === 'POST' && q.has('delete') && !key) {
        // Multi-object delete: the deleted keys are in the response body.
        const parts: Buffer[] = [];
        upstream.on('data', (d: Buffer) => parts.push(d));
        upstream.on('end', () => {
          const xml = Buffer.concat(parts);
          res.writeHead(upstream.statusCode ?? 200, { ...upstream.headers, 'content-length': String(xml.length) });
          res.end(xml);
          for (const m of xml.toString('utf8').matchAll(/<Deleted>\s*<Key>([^<]*)<\/Key>/g))
            opts.onObjectChange({ bucket, key: decodeXml(m[1]!), eventName: 'ObjectRemoved:Delete', sourceIp });
        });
        return true;
      }
      if (!key || isSubresource) return false;
      const etag = upstream.headers.etag ? String(upstream.headers.etag).replace(/"/g, '') : undefined;
      if (changes) {
        const change: ObjectChange = { bucket, key, eventName: changes, sourceIp };
        if (etag && changes === 'ObjectCreated:Put') change.eTag = etag;
        // The event fires once the response is complete, as S3 notifies after the write is durable.
        res.once('finish', () => opts.onObjectChange(change));
      }
      return false;
    });
  }
}

/** S3's rules for If-None-Match (an ETag list or `*`) and, without it, If-Modified-Since. */
export function notModified(
  upstream: Pick<IncomingMessage, 'headers'>,
  ifNoneMatch?: string | string[],
  ifModifiedSince?: string | string[],
): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, '').replace(/"/g, '');
  const etag = bare(String(upstream.headers.etag ?? ''));
  if (ifNoneMatch !== undefined) {
    const tags = String(ifNoneMatch).split(',').map(bare);
    return tags.includes('*') || (etag !== '' && tags.includes(etag));
  }
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(String(ifModifiedSince));
    const modified = Date.parse(String(upstream.headers['last-modified'] ?? ''));
    return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
  }
  return false;
}

/** Path-style `/bucket/key…` → [bucket, decoded key]. */
export function splitPath(pathname: string): [string | undefined, string | undefined] {
  const m = /^\/([^/]+)(?:\/(.*))?$/.exec(pathname);
  if (!m) return [undefined, undefined];
  const key = m[2] ? decodeURIComponent(m[2]) : undefined;
  return [decodeURIComponent(m[1]!), key || undefined];
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}
