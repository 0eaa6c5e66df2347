import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { DependencyError, InvalidInputError } from '../errors.ts';

export interface StoredObject {
  key: string;
  etag: string;
  size: number;
  lastModified?: Date;
  metadata: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
  /** Releases the connection when the body will not be read (an unread body holds its socket until it times out). */
  discard(): void;
}

export function makeS3Source(s3: S3Client, bucket: string) {
  const wrap = (err: unknown, what: string): never => {
    throw new DependencyError(`S3 ${what}: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  };
  return {
    bucket,
    /** The object as S3 holds it now, or undefined when it is gone (deleted since the event). */
    async get(key: string, maxBytes: number): Promise<StoredObject | undefined> {
      let r;
      try {
        r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (
          err instanceof NoSuchKey ||
          (err as Error).name === 'NoSuchKey' ||
          (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
        )
          return undefined;
        return wrap(err, `GetObject ${key}`);
      }
      const size = r.ContentLength ?? 0;
      if (size > maxBytes) {
        (r.Body as Readable | undefined)?.destroy?.();
        throw new InvalidInputError(`object is ${size} bytes; the limit is ${maxBytes} bytes`, {
          where: 'object size',
        });
      }
      return {
        key,
        etag: (r.ETag ?? '').replace(/"/g, ''),
        size,
        ...(r.LastModified ? { lastModified: r.LastModified } : {}),
        metadata: r.Metadata ?? {},
        body: limitBytes(r.Body as AsyncIterable<Uint8Array>, maxBytes),
        discard: () => (r.Body as Readable | undefined)?.destroy?.(),
      };
    },

    /** A small object read whole, unless its ETag is still `knownEtag` (then `notModified`). */
    async getIfChanged(
      key: string,
      knownEtag?: string,
    ): Promise<{ etag: string; bytes: Buffer } | 'notModified' | undefined> {
      try {
        const r = await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, ...(knownEtag ? { IfNoneMatch: `"${knownEtag}"` } : {}) }),
        );
        const bytes = await readAll(r.Body as AsyncIterable<Uint8Array>);
        return { etag: (r.ETag ?? '').replace(/"/g, ''), bytes };
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 304 || (err as Error).name === 'NotModified') return 'notModified';
        if (status === 404 || (err as Error).name === 'NoSuchKey') return undefined;
        return wrap(err, `GetObject ${key}`);
      }
    },

    /** Keys and ETags of the objects directly in a folder (one level), for list files that come as a set. */
    async listFolder(prefix: string, max = 50): Promise<{ key: string; etag: string; size: number }[]> {
      try {
        const r = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: max }),
        );
        return (r.Contents ?? []).map((o) => ({
          key: o.Key!,
          etag: (o.ETag ?? '').replace(/"/g, ''),
          size: o.Size ?? 0,
        }));
      } catch (err) {
        return wrap(err, `ListObjectsV2 ${prefix}`);
      }
    },

    /** The first bytes of an object (format detection of a sibling file without reading it all). */
    async getRange(key: string, bytes: number): Promise<Buffer | undefined> {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
        return await readAll(r.Body as AsyncIterable<Uint8Array>);
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (err as Error).name === 'NoSuchKey') return undefined;
        if (status === 416) return Buffer.alloc(0); // empty object
        return wrap(err, `GetObject ${key} (range)`);
      }
    },

    /** The object's ETag now, or undefined when it is gone. */
    async headEtag(key: string): Promise<string | undefined> {
      try {
        const r = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return (r.ETag ?? '').replace(/"/g, '');
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (err as Error).name === 'NotFound') return undefined;
        return wrap(err, `HeadObject ${key}`);
      }
    },

    async headMetadata(key: string): Promise<Record<string, string> | undefined> {
      try {
        const r = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return r.Metadata ?? {};
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || (err as Error).name === 'NotFound') return undefined;
        return wrap(err, `HeadObject ${key}`);
      }
    },

    /** Deletes an object the functions wrote themselves (never one under the trigger prefixes). */
    async delete(key: string): Promise<void> {
      try {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        wrap(err, `DeleteObject ${key}`);
      }
    },

    /** Writes an object whole; answers its new ETag (what a later conditional read names). */
    async put(
      key: string,
      body: string | Uint8Array,
      contentType: string,
      metadata?: Record<string, string>,
    ): Promise<string | undefined> {
      try {
        const r = await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, Metadata: metadata }),
        );
        return r.ETag?.replace(/"/g, '');
      } catch (err) {
        return wrap(err, `PutObject ${key}`);
      }
    },
  };
}

/** Guards against a body longer than its declared length. */
async function* limitBytes(body: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > max) throw new InvalidInputError(`object exceeds the limit of ${max} bytes`, { where: `byte ${n}` });
    yield c;
  }
}

export async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of body) parts.push(c);
  return Buffer.concat(parts);
}

export type S3Source = ReturnType<typeof makeS3Source>;
