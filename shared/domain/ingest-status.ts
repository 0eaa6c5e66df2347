import { z } from 'zod';

/**
 * What happened to one uploaded object, as the ingests record it and `/ingests` answers it. Defined once here: the
 * store, the use cases, the OpenAPI document and the CLI all take the type (or the schema) from this module.
 */
export const INGEST_STATES = ['done', 'failed', 'quarantined', 'processing', 'deleted', 'unchanged'] as const;
export const IngestState = z.enum(INGEST_STATES);
export type IngestState = z.infer<typeof IngestState>;

export const RecordCounts = z.object({
  read: z.number().int().min(0),
  written: z.number().int().min(0),
  rejected: z.number().int().min(0),
});

export const IngestStatusSchema = z.object({
  key: z.string(),
  status: IngestState,
  format: z.string().optional(),
  list: z.string().optional(),
  version: z.string().optional(),
  etag: z.string().optional(),
  records: RecordCounts,
  /** The first rejected records, each with where it was and why. */
  rejections: z
    .array(
      z.object({
        where: z.string(),
        reason: z.string(),
        /** Only a field was dropped (a non-web URL); the record itself was kept and is not counted as rejected. */
        kept: z.literal(true).optional(),
      }),
    )
    .optional(),
  error: z.string().optional(),
  durationMs: z.number().optional(),
  updatedAt: z.string(),
  /**
   * For article objects: the contribution generation this status is about and its part count; the status reads
   * `done` only once the aggregator has applied them (issue 17.3), `processing` until then.
   */
  gen: z.string().optional(),
  parts: z.number().int().nonnegative().optional(),
  /** While the aggregator has not applied every part: how far it is, and what the status will say then. */
  counting: z.object({ partsApplied: z.number().int(), parts: z.number().int(), outcome: IngestState }).optional(),
});
export type IngestStatus = z.infer<typeof IngestStatusSchema>;
