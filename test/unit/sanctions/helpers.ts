import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeStream } from '../../../shared/domain/encoding.ts';
import type { ListedEntity } from '../../../shared/domain/model.ts';
import type {
  DetectHint,
  EntityPatch,
  FileSummary,
  ListFormat,
  ParsedRecord,
} from '../../../shared/domain/sanctions/types.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/files/sanctions');
export const fixture = (rel: string): Buffer => readFileSync(join(FIXTURES, rel));

/** Bytes in chunks of `size`: 7 splits CRLF pairs, quoted cells, tags, entities and multi-byte characters. */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
}

export interface Parsed {
  records: ParsedRecord[];
  entities: ListedEntity[];
  byId: Map<string, ListedEntity>;
  enrich: { sourceId: string; patch: EntityPatch }[];
  rejects: { where: string; reason: string }[];
  summary: FileSummary;
}

/** Runs a format the way the ingest does: bytes → decodeStream → parse, with a head-based hint. */
export async function parseBytes(
  format: ListFormat,
  bytes: Uint8Array,
  key: string,
  chunkSize = 64 * 1024,
): Promise<Parsed> {
  const hint: DetectHint = { key, head: Buffer.from(bytes.subarray(0, 8192)).toString('utf8') };
  const summary: FileSummary = {};
  const records: ParsedRecord[] = [];
  for await (const r of format.parse(decodeStream(chunksOf(bytes, chunkSize)), hint, summary)) records.push(r);
  const entities = records.flatMap((r) => (r.kind === 'entity' ? [r.entity] : []));
  return {
    records,
    entities,
    byId: new Map(entities.map((e) => [e.sourceId, e])),
    enrich: records.flatMap((r) => (r.kind === 'enrich' ? [{ sourceId: r.sourceId, patch: r.patch }] : [])),
    rejects: records.flatMap((r) => (r.kind === 'reject' ? [{ where: r.where, reason: r.reason }] : [])),
    summary,
  };
}

/** Countries as `CODE:role+role` strings, sorted: order-free comparison. */
export const countriesOf = (e: Pick<ListedEntity, 'countries'> | undefined): string[] =>
  (e?.countries ?? []).map((c) => `${c.code}:${[...c.roles].sort().join('+')}`).sort();

export const must = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error('expected a value');
  return v;
};
