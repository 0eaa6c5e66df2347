import { z } from 'zod';

/** An object an event refers to, key decoded. */
export interface ObjectRef {
  bucket: string;
  key: string;
  eventName: string;
  eventTime: string;
  eTag?: string;
  size?: number;
  versionId?: string;
  sequencer?: string;
}

const S3Record = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.number().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
const S3Notification = z.union([
  z.object({ Records: z.array(z.unknown()) }),
  // S3 sends this once when a notification is configured; it carries no object.
  z.object({ Event: z.literal('s3:TestEvent') }).loose(),
]);

/** S3 sends keys URL-encoded with '+' for space (aws-sdk-js#837, AWS docs "Event message structure"). */
export const decodeEventKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * The only place that turns an SQS message body into object references: parses the S3 notification, skips
 * `s3:TestEvent` and non-S3 records, decodes keys. A body that is not an S3 notification throws (it goes to the DLQ:
 * nobody should send those to this queue).
 */
export function objectRefsFrom(body: string): ObjectRef[] {
  const parsed = S3Notification.parse(JSON.parse(body));
  if (!('Records' in parsed) || !Array.isArray(parsed.Records)) return [];
  const refs: ObjectRef[] = [];
  for (const raw of parsed.Records as unknown[]) {
    const r = S3Record.safeParse(raw);
    if (!r.success) continue;
    const o = r.data.s3.object;
    refs.push({
      bucket: r.data.s3.bucket.name,
      key: decodeEventKey(o.key),
      eventName: r.data.eventName,
      eventTime: r.data.eventTime,
      ...(o.eTag !== undefined ? { eTag: o.eTag } : {}),
      ...(o.size !== undefined ? { size: o.size } : {}),
      ...(o.versionId !== undefined ? { versionId: o.versionId } : {}),
      ...(o.sequencer !== undefined ? { sequencer: o.sequencer } : {}),
    });
  }
  return refs;
}
