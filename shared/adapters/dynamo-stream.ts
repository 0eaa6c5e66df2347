import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { PART_PREFIX } from '../domain/keys.ts';
import type { StreamChange } from '../ingest/aggregate.ts';

// aws-lambda's AttributeValue type and the SDK's describe the same wire shape differently.
const image = (i: unknown): Record<string, unknown> | undefined =>
  i ? unmarshall(repairAll(i as Record<string, AttributeValue>)) : undefined;

/**
 * DynamoDB Local's stream gives an empty map attribute as `{}` (no type), which unmarshall refuses ("No value
 * defined"): a 20,000-article batch's id-only parts (`cells: {}`) dead-lettered the aggregator's batch. A well-formed
 * attribute value always names its type, so an untyped one can only be such an empty value: read it as an empty map.
 */
function repair(v: AttributeValue): AttributeValue {
  if (v && typeof v === 'object' && Object.keys(v).length === 0) return { M: {} };
  if (v.M) return { M: repairAll(v.M) };
  if (v.L) return { L: v.L.map(repair) };
  return v;
}
function repairAll(m: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(m)) out[k] = repair(v);
  return out;
}

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
