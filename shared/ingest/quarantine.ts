import { OUTPUT_PREFIXES } from '../resources.ts';
import type { S3Source } from '../adapters/s3-source.ts';
import type { InvalidInputError } from '../errors.ts';

/**
 * Writes a report for a rejected upload under quarantine/ (never under a trigger prefix). The upload itself stays where
 * it is (versioned bucket): nothing is lost, and the report says where and why.
 */
export async function quarantine(
  source: S3Source,
  key: string,
  err: InvalidInputError,
  format?: string,
): Promise<void> {
  const report = {
    key,
    rejectedAt: new Date().toISOString(),
    reason: err.message,
    where: err.where ?? null,
    format: format ?? null,
    next: 'Fix the file and upload it again under the same key; the current data stays in place until then.',
  };
  await source.put(
    `${OUTPUT_PREFIXES.quarantine}${key}.report.json`,
    JSON.stringify(report, null, 2),
    'application/json',
  );
}
