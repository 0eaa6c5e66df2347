import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { PART_PREFIX } from '../domain/keys.ts';
import type { StreamChange } from '../ingest/aggregate.ts';

// aws-lambda's AttributeValue type and the SDK's describe the same wire shape differently.
const image = (i: unknown): Record<string, unknown> | undefined =>
  i ? unmarshall(i as Record<string, AttributeValue>) : undefined;

/**
 * A Lambda DynamoDB-stream record as the aggregator reads it. Only contribution parts' images are unmarshalled: the
 * others are skipped anyway (and DynamoDB Local's stream images of empty lists and maps are not always well-formed).
 */
export function toStreamChange(r: DynamoDBRecord): StreamChange {
  const keys = image(r.dynamodb?.Keys) ?? {};
  const part = typeof keys.sk === 'string' && keys.sk.startsWith(PART_PREFIX);
  const oldImage = part ? image(r.dynamodb?.OldImage) : undefined;
  const newImage = part ? image(r.dynamodb?.NewImage) : undefined;
  return {
    ...(r.eventName ? { eventName: r.eventName } : {}),
    sequenceNumber: r.dynamodb?.SequenceNumber ?? '0',
    keys,
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
  };
}
