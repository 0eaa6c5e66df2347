import { createHash } from 'node:crypto';
import type { S3Source, StoredObject } from '../../shared/adapters/s3-source.ts';

/**
 * An object source in memory, the shape of `makeS3Source` (what the use cases read from S3), for the use-case unit
 * tests: put and delete objects, then reconcile them. ETags are MD5 of the content, as S3 gives for a single PUT.
 */
export function makeMemorySource(bucket = 'radar-ingest') {
  const objects = new Map<string, { body: Buffer; etag: string; metadata: Record<string, string> }>();
  const stored = (key: string): StoredObject | undefined => {
    const o = objects.get(key);
    if (!o) return undefined;
    return {
      key,
      etag: o.etag,
      size: o.body.length,
      metadata: o.metadata,
      body: (async function* () {
        yield o.body;
      })(),
      discard: () => undefined,
    };
  };
  const source: S3Source = {
    bucket,
    async get(key: string) {
      return stored(key);
    },
    async getIfChanged(key: string, knownEtag?: string) {
      const o = objects.get(key);
      if (!o) return undefined;
      if (knownEtag === o.etag) return 'notModified' as const;
      return { etag: o.etag, bytes: o.body };
    },
    async listFolder(prefix: string) {
      return [...objects]
        .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
        .map(([key, o]) => ({ key, etag: o.etag, size: o.body.length }));
    },
    async getRange(key: string, bytes: number) {
      return objects.get(key)?.body.subarray(0, bytes);
    },
    async headEtag(key: string) {
      return objects.get(key)?.etag;
    },
    async headMetadata(key: string) {
      return objects.get(key)?.metadata;
    },
    async delete(key: string) {
      objects.delete(key);
    },
    async put(key: string, body: string | Uint8Array, _contentType: string, metadata?: Record<string, string>) {
      const b = Buffer.from(body);
      const etag = createHash('md5').update(b).digest('hex');
      objects.set(key, { body: b, etag, metadata: metadata ?? {} });
      return etag;
    },
  };
  return {
    source,
    delete: (key: string) => objects.delete(key),
    keys: (prefix = '') => [...objects.keys()].filter((k) => k.startsWith(prefix)),
    text: (key: string) => objects.get(key)?.body.toString('utf8'),
  };
}
