import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeBytes, decodeStream } from '../../../shared/domain/encoding.ts';
import type { ListedEntity } from '../../../shared/domain/model.ts';
import type { FileSummary, ListFormat, ParsedRecord } from '../../../shared/domain/sanctions/types.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/files/sanctions');
export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** Bytes in tiny chunks (7 by default), so every multi-byte character, quote and tag is cut somewhere. */
export async function* chunksOf(bytes: Uint8Array, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield Buffer.from(bytes.subarray(i, i + size));
}

export interface Parsed {
  records: ParsedRecord[];
  entities: ListedEntity[];
  rejects: { where: string; reason: string }[];
  summary: FileSummary;
  byId: (id: string) => ListedEntity;
}

/** Runs a format over bytes the way the ingest does: decodeStream over a chunked source. */
export async function parseBytes(
  format: ListFormat,
  bytes: Uint8Array,
  key = 'sanctions/test',
  chunk = 7,
): Promise<Parsed> {
  const head = decodeBytes(bytes.subarray(0, 8192)).text;
  const summary: FileSummary = {};
  const records: ParsedRecord[] = [];
  for await (const r of format.parse(decodeStream(chunksOf(bytes, chunk)), { key, head }, summary)) records.push(r);
  const entities = records.flatMap((r) => (r.kind === 'entity' ? [r.entity] : []));
  const rejects = records.flatMap((r) => (r.kind === 'reject' ? [{ where: r.where, reason: r.reason }] : []));
  const byId = (id: string) => {
    const e = entities.find((x) => x.sourceId === id);
    if (!e) throw new Error(`no entity ${id}`);
    return e;
  };
  return { records, entities, rejects, summary, byId };
}

export const codes = (e: ListedEntity): string[] => e.countries.map((c) => c.code).sort();
export const rolesOf = (e: ListedEntity, code: string): string[] =>
  [...(e.countries.find((c) => c.code === code)?.roles ?? [])].sort();
