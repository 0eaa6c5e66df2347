import type { S3EventRecord } from 'aws-lambda';
import type { ObjectChange } from './edge.ts';

/**
 * Real S3 encodes the object key in event records like a form value: space → '+', other reserved characters
 * percent-encoded, '/' kept (`a b+c.txt` → `a+b%2Bc.txt`). s3rver's own records do not, so the sandbox builds them.
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

let counter = 0n;
/** Monotonic hex sequencer, comparable for events on the same key, as S3's is. */
export function nextSequencer(now = Date.now()): string {
  counter = (counter + 1n) % 1_000_000n;
  return (BigInt(now) * 1_000_000n + counter).toString(16).toUpperCase().padStart(18, '0');
}

export function buildS3EventRecord(
  change: ObjectChange,
  meta: { size?: number; eTag?: string; region: string; configurationId: string },
): S3EventRecord {
  const created = change.eventName.startsWith('ObjectCreated');
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: meta.region,
    eventTime: new Date().toISOString(),
    eventName: change.eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'AWS:SANDBOX' },
    requestParameters: { sourceIPAddress: change.sourceIp },
    responseElements: { 'x-amz-request-id': nextSequencer().slice(-16), 'x-amz-id-2': 'sandbox' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: meta.configurationId,
      bucket: { name: change.bucket, ownerIdentity: { principalId: 'SANDBOX' }, arn: `arn:aws:s3:::${change.bucket}` },
      object: {
        key: encodeEventKey(change.key),
        ...(created ? { size: meta.size ?? 0, eTag: meta.eTag ?? '' } : {}),
        ...(change.versionId ? { versionId: change.versionId } : {}),
        sequencer: nextSequencer(),
      } as S3EventRecord['s3']['object'],
    },
  };
}
