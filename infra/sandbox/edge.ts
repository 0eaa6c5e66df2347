import {
  request as httpRequest,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { pipeline } from 'node:stream';
import { AwsChunkedDecoder, isAwsChunked } from './aws-chunked.ts';
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
}

const WRITE_TARGETS = /\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)$/;

export interface EdgeOptions {
  faults?: Faults;
  host: string;
  port: number;
  /** Filled in once the servers behind the edge are up (the edge binds its port first, so nothing can take it). */
  upstream: { s3Port: number; dynamoPort: number };
  onObjectChange: (change: ObjectChange) => void;
  /** Extra routes under /_sandbox/ (status, dead letters, redrive). */
  sandboxRoute: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/**
 * One AWS edge on one port, like LocalStack's: DynamoDB requests (X-Amz-Target: DynamoDB_*) go to DynamoDB Local,
 * everything else to the S3 server. Any credentials are accepted: the S3 access key is rewritten to s3rver's built-in
 * one (s3rver does not verify SigV4 signatures, only that the key exists).
 */
export function startEdge(opts: EdgeOptions): Promise<Server> {
  const locks = new KeyLocks();
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/_sandbox/')) {
      opts.sandboxRoute(req, res).catch((err) => sendError(res, 500, String(err)));
      return;
    }
    if (!opts.upstream.s3Port || !opts.upstream.dynamoPort)
      return sendError(res, 503, 'sandbox is starting; try again in a moment');
    const target = String(req.headers['x-amz-target'] ?? '');
    // DynamoDBStreams_20120810.* too: the counter aggregator reads the table's stream (issue 17).
    if (target.startsWith('DynamoDB_') || target.startsWith('DynamoDBStreams_')) {
      const f = opts.faults;
      if (f && WRITE_TARGETS.test(target)) {
        const roll = Math.random();
        if (roll < f.throttle)
          return injectDynamoFault(
            req,
            res,
            400,
            target.endsWith('TransactWriteItems') ? 'ThrottlingException' : 'ProvisionedThroughputExceededException',
          );
        if (roll < f.throttle + f.error) return injectDynamoFault(req, res, 500, 'InternalServerError');
      }
      return proxy(req, res, opts.upstream.dynamoPort, req.headers);
    }
    return proxyS3(req, res, opts, locks);
  });
  // Uploads of large files: no request timeout on the edge.
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function injectDynamoFault(req: IncomingMessage, res: ServerResponse, status: number, type: string): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
    res.end(
      JSON.stringify({
        __type: `com.amazonaws.dynamodb.v20120810#${type}`,
        message: 'injected by the sandbox (fault test)',
      }),
    );
  });
}

function sendError(res: ServerResponse, status: number, message: string): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(message);
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
  up.on('error', (err) =>
    res.headersSent ? res.destroy(err) : sendError(res, 502, `sandbox edge: upstream failed: ${err.message}`),
  );
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  body.on('error', (err: Error) => {
    up.destroy(err);
    sendError(res, 400, `sandbox edge: bad request body: ${err.message}`);
  });
  body.pipe(up);
}

function rewriteCredential(value: string): string {
  return value.replace(/Credential=[^/,\s]+\//, 'Credential=S3RVER/');
}

function proxyS3(req: IncomingMessage, res: ServerResponse, opts: EdgeOptions, locks: KeyLocks): void {
  const headers = { ...req.headers };
  if (headers.authorization) headers.authorization = rewriteCredential(headers.authorization);
  const u = new URL(req.url ?? '/', 'http://edge');
  let path = req.url ?? '/';
  if (u.searchParams.has('X-Amz-Credential')) {
    u.searchParams.set(
      'X-Amz-Credential',
      rewriteCredential(`Credential=${u.searchParams.get('X-Amz-Credential')}`).slice(11),
    );
    path = u.pathname + u.search;
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

  const [bucket, key] = splitPath(u.pathname);
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
