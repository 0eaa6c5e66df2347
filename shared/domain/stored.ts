import { z } from 'zod';

/**
 * Schemas of the items the store reads back (issue 14.4, store side): the adapters parse what they read with these,
 * so no use case works on a cast. Unknown attributes (keys, index attributes) are stripped.
 */

// The ingest record is defined once, with the API's other shapes in mind (shared/domain/ingest-status.ts).
export { IngestState as IngestStatusValue, IngestStatusSchema, type IngestStatus } from './ingest-status.ts';

/** An article object's state: which generation of its contribution is current, and how many parts it has. */
export const ObjectStateSchema = z.object({
  key: z.string(),
  version: z.number().int().nonnegative(),
  etag: z.string().optional(),
  /** The name index the links were computed with: a different one means the article needs relinking. */
  indexEtag: z.string().optional(),
  /** `none`: the object holds nothing (deleted, or no article). */
  gen: z.string(),
  parts: z.number().int().nonnegative(),
  /**
   * How many of those parts are adjustments (issue 17.4: a relink of unchanged content adds the difference of its
   * links as one more part of the same generation); absent: none. Bounds the chain before a full rewrite compacts it.
   */
  adjustments: z.number().int().nonnegative().optional(),
  /** The generation's parts and articles are written and every other generation's removed. */
  complete: z.boolean(),
});
export type ObjectState = z.infer<typeof ObjectStateSchema>;

const Cells = z.record(z.string(), z.tuple([z.number(), z.number()]));
const Info = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())])));

export const ContributionPartSchema = z.object({
  pk: z.string(),
  sk: z.string().startsWith('PART#'),
  gen: z.string(),
  index: z.number().int().nonnegative(),
  cells: Cells,
  info: Info.default({}),
  articleIds: z.array(z.string()).default([]),
});
export type StoredPart = z.infer<typeof ContributionPartSchema>;

/** The aggregator's ledger of an object: its stream checkpoint and the parts present per generation (`g_<gen>`). */
export const LedgerSchema = z.looseObject({
  seq: z.string().optional(),
  net: z.number().int().optional(),
});
export interface Ledger {
  seq?: string;
  net: number;
  byGen: Record<string, number>;
}
export function parseLedger(item: Record<string, unknown> | undefined): Ledger | undefined {
  if (!item) return undefined;
  const l = LedgerSchema.parse(item);
  const byGen: Record<string, number> = {};
  for (const [k, v] of Object.entries(item)) if (k.startsWith('g_')) byGen[k.slice(2)] = z.number().int().parse(v);
  return { ...(l.seq ? { seq: l.seq } : {}), net: l.net ?? 0, byGen };
}

export const ListPointerSchema = z.object({
  list: z.string(),
  version: z.string(),
  /** Orders versions: later uploads win (eventTime, then S3 sequencer). */
  order: z.string(),
  key: z.string(),
  /** OpenSanctions delta versions applied on top of the full export, in order. */
  appliedDeltas: z.array(z.string()).optional(),
  /** The version this one replaced, kept one generation for readers still following the old pointer. */
  previous: z.string().optional(),
  /** Part files (OFAC add/alt/comments) the version was built with. */
  parts: z.array(z.string()).optional(),
  /** The set's identity: primary and parts with their ETags. */
  etag: z.string(),
  entityCount: z.number().int(),
  byType: z.record(z.string(), z.number()),
  /** country → type → entities */
  byCountry: z.record(z.string(), z.record(z.string(), z.number())),
  format: z.string(),
  publishedAt: z.string().optional(),
  swappedAt: z.string(),
  /** The day the list's history starts: its first version ingested (first-seen of the entities it had). */
  since: z.string().optional(),
  /** How many digest buckets the version has (`listedDigestKey`); absent: none (its entities are read one by one). */
  digestBuckets: z.number().int().positive().optional(),
  /** What this version changed against `previous` (issue 11.3): kept so a retry can still publish the change set. */
  changes: z
    .object({
      at: z.string(),
      previous: z.string(),
      ADD: z.number().int(),
      MOD: z.number().int(),
      DEL: z.number().int(),
    })
    .optional(),
  /**
   * A part file being applied to this version in place (issue 11.6): the set it makes, the aggregates and change
   * counts the version will have once applied, and until when the claim holds. Only one part applies at a time.
   */
  patching: z
    .object({
      etag: z.string(),
      until: z.number(),
      parts: z.array(z.string()),
      entityCount: z.number().int(),
      byType: z.record(z.string(), z.number()),
      byCountry: z.record(z.string(), z.record(z.string(), z.number())),
      changes: z.object({ ADD: z.number().int(), MOD: z.number().int(), DEL: z.number().int() }).optional(),
    })
    .optional(),
});
export type ListPointer = z.infer<typeof ListPointerSchema>;

/** A counter cell as read: amounts and the display fields the aggregator set. */
export const CounterItemSchema = z.object({
  articles: z.coerce.number().default(0),
  mentions: z.coerce.number().default(0),
  name: z.string().optional(),
  kind: z.string().optional(),
  country: z.string().optional(),
  countries: z.array(z.string()).optional(),
});
export type CounterRow = z.infer<typeof CounterItemSchema> & { member: string };
