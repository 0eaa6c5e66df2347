import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import { freePort } from './ports.ts';
import { decodeKeyPath, encodeKeyPath } from './s3-keys.ts';

export interface S3Server {
  port: number;
  stop(): Promise<void>;
}

/** File-system errors that a retry a moment later may not meet (a full disk being cleaned, too many open files). */
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'EIO']);

/**
 * A storage failure as the S3 error a client should see: `SlowDown` (503) where retrying helps, else `InternalError`
 * (500, which the SDKs retry too). s3rver turns any thrown error into an S3 error XML with the error's own `status`
 * and spreads `detail` after its `Code` (models/error.js), which is how the code is set here without its class.
 */
export function storageError(err: unknown, what: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'unknown';
  const transient = TRANSIENT.has(code);
  return Object.assign(
    new Error(`the sandbox's storage failed to ${what} (${code}); ${transient ? 'retry later' : 'see its log'}`),
    {
      status: transient ? 503 : 500,
      expose: true,
      detail: { Code: transient ? 'SlowDown' : 'InternalError' },
      storageCode: code,
    },
  );
}

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/** The part of s3rver's FilesystemStore the sandbox replaces (s3rver exposes its store instance as `store`). */
interface FilesystemStore {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getBucketPath(bucket: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<unknown>;
  putObjectMultipart(bucket: string, uploadId: string, parts: { number: number }[]): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  listObjects(bucket: string, options: ListOptions): Promise<ListResult>;
  constructor: { encodeKeyPath(key: string): string; decodeKeyPath(path: string): string };
}

interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface ListedObject {
  bucket: string;
  key: string;
  metadata: Record<string, string>;
  size: number;
  lastModifiedDate: Date;
}
interface ListResult {
  objects: ListedObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

const OBJECT_SUFFIX = '._S3rver_object';

/** S3 lists keys in UTF-8 byte order. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Every object key under a folder of the bucket (decoded). Entries starting with `.` are s3rver's own files. */
async function keysUnder(bucketPath: string, dir: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (parts: string[]) => {
    const entries = await readdir(join(bucketPath, ...parts), { withFileTypes: true }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
        throw err;
      },
    );
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!e.name.startsWith('.')) await walk([...parts, e.name]);
      } else if (e.name.endsWith(OBJECT_SUFFIX)) {
        out.push(decodeKeyPath([...parts, e.name.slice(0, -OBJECT_SUFFIX.length)].join('/')));
      }
    }
  };
  await walk(dir);
  return out;
}

/** Writes a stream to a temporary file and renames it into place: a failed write never half-replaces an object. */
async function writeAtomically(path: string, content: Buffer | Readable): Promise<{ size: number; md5: string }> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const md5 = createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      md5.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
  try {
    await pipeline(source, count, createWriteStream(tmp));
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return { size, md5: md5.digest('hex') };
}

/**
 * Makes s3rver's file store safe for any key and any disk: keys are mapped to safe paths (s3-keys.ts), and every
 * write handles its streams' errors (s3rver's own leave `error` events unhandled: one ENAMETOOLONG or EPERM killed the
 * process) and fails that one request with an S3 error instead. s3rver 3.7.1 is pinned; test/unit/sandbox/s3-keys
 * and the hostile edge suite hold this to it.
 */
function harden(store: FilesystemStore, log: (line: string) => void): void {
  const cls = store.constructor;
  cls.encodeKeyPath = (key: string) => encodeKeyPath(key);
  cls.decodeKeyPath = (path: string) => decodeKeyPath(path);
  const failed = (what: string) => (err: unknown) => {
    if ((err as { status?: number }).status) throw err; // already an S3 error
    const e = storageError(err, what);
    log(`✗ S3 storage: ${e.message}: ${String((err as Error)?.message ?? err)}`);
    throw e;
  };

  store.putObject = async (object) => {
    try {
      const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
      await mkdir(dirname(objectPath), { recursive: true });
      const result = await writeAtomically(objectPath, object.content);
      await store.putMetadata(object.bucket, object.key, object.metadata, result.md5);
      return result;
    } catch (err) {
      return failed(`store ${object.key}`)(err);
    }
  };

  store.putPart = async (bucket, uploadId, partNumber, content) => {
    try {
      const partPath = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
      await mkdir(dirname(partPath), { recursive: true });
      const result = await writeAtomically(partPath, content);
      await writeFile(`${partPath}.md5`, result.md5);
      return result;
    } catch (err) {
      return failed(`store part ${partNumber} of upload ${uploadId}`)(err);
    }
  };

  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    try {
      const uploadDir = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
      const key = (await readFile(join(uploadDir, 'key'))).toString();
      const metadata = JSON.parse((await readFile(join(uploadDir, 'metadata'), 'utf8')) || '{}') as Record<
        string,
        string
      >;
      metadata['content-type'] ??= 'binary/octet-stream';
      // The parts, in order, as one stream whose read errors reach the pipeline (s3rver's concatStreams drops them).
      const ordered = [...parts].sort((a, b) => a.number - b.number);
      const joined = new PassThrough();
      void (async () => {
        try {
          for (const p of ordered)
            await pipeline(createReadStream(join(uploadDir, String(p.number))), joined, { end: false });
          joined.end();
        } catch (err) {
          joined.destroy(err as Error);
        }
      })();
      const result = await store.putObject({ bucket, key, content: joined, metadata });
      await rm(uploadDir, { recursive: true, force: true });
      return result;
    } catch (err) {
      return failed(`complete upload ${uploadId}`)(err);
    }
  };

  // Listings in S3's order. s3rver lists in the order it walks folders (`a/b/c` before `a/b-x`, unlike S3), and its
  // pages, which resume after the last key by comparing keys, then skip keys; with mapped paths more so. The walk
  // starts at the deepest folder the prefix fixes (an encoded prefix is a prefix of every matching key's path).
  store.listObjects = async (
    bucket,
    { delimiter = '', startAfter = '', prefix = '', maxKeys = Number.POSITIVE_INFINITY },
  ) => {
    try {
      const dir = encodeKeyPath(prefix).split('/');
      dir.pop();
      const keys = (await keysUnder(store.getBucketPath(bucket), dir))
        .filter((k) => k.startsWith(prefix) && byteOrder(k, startAfter) > 0)
        .sort(byteOrder);
      const commonPrefixes = new Set<string>();
      const chosen: string[] = [];
      let isTruncated = false;
      for (const key of keys) {
        const idx = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
        if (idx >= 0) {
          commonPrefixes.add(key.slice(0, idx + delimiter.length));
          continue;
        }
        if (chosen.length >= maxKeys) {
          isTruncated = true;
          break;
        }
        chosen.push(key);
      }
      const objects: ListedObject[] = [];
      for (const key of chosen) {
        const metadata = await store.getMetadata(bucket, key).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined; // deleted meanwhile
          throw err;
        });
        if (metadata)
          objects.push({
            bucket,
            key,
            metadata,
            size: Number(metadata['content-length']),
            lastModifiedDate: new Date(metadata['last-modified']!),
          });
      }
      const lastKey = chosen.at(-1);
      return {
        objects,
        // A truncated page keeps only the prefixes before its last key: the next page starts after that key.
        commonPrefixes: [...commonPrefixes]
          .filter((p) => !isTruncated || !lastKey || byteOrder(p, lastKey) < 0)
          .sort(byteOrder),
        isTruncated,
      };
    } catch (err) {
      return failed(`list ${bucket}`)(err);
    }
  };

  store.deleteObject = async (bucket, key) => {
    try {
      await Promise.all(
        ['object', 'object.md5', 'metadata.json'].map((r) =>
          unlink(store.getResourcePath(bucket, key, r)).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOENT') throw err;
          }),
        ),
      );
      // Empty folders go, as in s3rver, but walked by their encoded names (s3rver used the raw key: `..` in a key
      // pointed its clean-up outside the bucket).
      const bucketPath = store.getBucketPath(bucket);
      const parts = encodeKeyPath(key).split('/');
      parts.pop();
      while (parts.length) {
        const dir = join(bucketPath, ...parts);
        const entries = await readdir(dir).catch(() => ['(gone)']);
        if (entries.length) break;
        await rmdir(dir).catch(() => {});
        parts.pop();
      }
    } catch (err) {
      return failed(`delete ${key}`)(err);
    }
  };
}

/**
 * s3rver 3.7.1, the only usable S3 server on npm (design §1). It runs behind our edge, which accepts any credentials
 * and decodes aws-chunked bodies before they reach it. `dir` undefined = a temporary folder removed on stop.
 */
export async function startS3Server(
  dir: string | undefined,
  log: (line: string) => void = () => {},
): Promise<S3Server> {
  const port = await freePort();
  const directory = dir ? resolve(dir) : mkdtempSync(join(tmpdir(), 'radar-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    // SigV4 is not checked by s3rver; the edge rewrites any access key to its built-in one.
    allowMismatchedSignatures: true,
    vhostBuckets: false,
  });
  harden(server.store as FilesystemStore, log);
  // Koa's app-level error event: without a listener it prints every 500's stack to stderr.
  server.on('error', (err: Error & { status?: number }) => {
    if ((err.status ?? 500) >= 500) log(`✗ S3 server: ${err.message}`);
  });
  await server.run();
  return {
    port,
    stop: async () => {
      await server.close();
      if (!dir) rmSync(directory, { recursive: true, force: true });
    },
  };
}
