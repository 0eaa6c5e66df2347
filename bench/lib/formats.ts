import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeBytes } from '../../shared/domain/encoding.ts';
import type { DetectHint, ListFormat, ParsedRecord } from '../../shared/domain/sanctions/types.ts';
import { ROOT } from './paths.ts';

/** Where real (cut-to-size) and synthetic list files live in the repository. */
export const FIXTURE_DIRS = ['test/fixtures/files/sanctions', 'demo/sanctions'];

const looksLikeFormat = (v: unknown): v is ListFormat =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ListFormat).id === 'string' &&
  typeof (v as ListFormat).parse === 'function' &&
  ['full', 'part', 'delta'].includes((v as ListFormat).role);

/**
 * Every list format we have: the registry's `LIST_FORMATS`, plus any `ListFormat` exported by a module of
 * shared/domain/sanctions that the registry does not hold yet, so the parse suite covers whatever parsers exist on the
 * day it runs.
 */
export async function discoverFormats(): Promise<{ formats: ListFormat[]; registered: Set<string> }> {
  const dir = join(ROOT, 'shared/domain/sanctions');
  const byId = new Map<string, ListFormat>();
  const registered = new Set<string>();
  try {
    const reg = (await import(pathToFileURL(join(dir, 'registry.ts')).href)) as {
      LIST_FORMATS?: readonly ListFormat[];
    };
    for (const f of reg.LIST_FORMATS ?? []) {
      byId.set(f.id, f);
      registered.add(f.id);
    }
  } catch {
    /* no registry yet */
  }
  // Parsers written but not registered yet are measured too (and marked so in the results).
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (looksLikeFormat(v) && !byId.has(v.id)) byId.set(v.id, v);
  }
  return { formats: [...byId.values()], registered };
}

/** Every record a parser yields for a text, collected (small inputs only). */
export async function parseAll(format: ListFormat, text: string, hint: DetectHint): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  async function* one() {
    yield text;
  }
  for await (const r of format.parse(one(), hint, {})) out.push(r);
  return out;
}

/** The id a record is about: an entity's, an enrichment's or a deletion's. */
export const sourceIdOfRecord = (r: ParsedRecord): string | undefined =>
  r.kind === 'entity' ? r.entity.sourceId : r.kind === 'enrich' || r.kind === 'delete' ? r.sourceId : undefined;

/** Entities, enrichments and deletions: what a parser produces that the ingest uses. */
export const isUseful = (r: ParsedRecord): boolean => r.kind !== 'reject';

export interface FormatFixture {
  format: ListFormat;
  path: string;
  text: string;
  records: number;
}

/**
 * Pairs each format with a fixture file. The project's detection decides when it exists; otherwise the format whose
 * parser yields the most records from the file without throwing (a wrong parser throws or yields nothing).
 */
export async function fixturesByFormat(formats: readonly ListFormat[]): Promise<FormatFixture[]> {
  let detect: ((hint: DetectHint) => ListFormat | undefined) | undefined;
  try {
    const mod = (await import(pathToFileURL(join(ROOT, 'shared/domain/sanctions/detect.ts')).href)) as {
      detectListFormat?: (hint: DetectHint) => ListFormat | undefined;
    };
    detect = mod.detectListFormat;
  } catch {
    /* no detection yet */
  }
  const walk = (abs: string): string[] => {
    try {
      return readdirSync(abs).flatMap((n) => {
        const p = join(abs, n);
        return statSync(p).isDirectory() ? walk(p) : /\.md$/i.test(p) ? [] : [p];
      });
    } catch {
      return [];
    }
  };
  const files = FIXTURE_DIRS.flatMap((d) => walk(resolve(ROOT, d)));
  const best = new Map<string, FormatFixture>();
  for (const path of files.sort()) {
    const text = decodeBytes(readFileSync(path)).text;
    const hint = { key: `sanctions/${path.split('/').pop()}`, head: text.slice(0, 16 * 1024) };
    let candidates = formats;
    const detected = detect?.(hint);
    if (detected) candidates = formats.filter((f) => f.id === detected.id);
    let chosen: FormatFixture | undefined;
    for (const format of candidates) {
      const n = await parseAll(format, text, hint).then(
        (rs) => rs.filter(isUseful).length,
        () => 0,
      );
      if (n > 0 && (!chosen || n > chosen.records)) chosen = { format, path, text, records: n };
    }
    // A format keeps its largest fixture: more varied records to repeat.
    if (chosen && (best.get(chosen.format.id)?.records ?? 0) < chosen.records) best.set(chosen.format.id, chosen);
  }
  return [...best.values()].sort((a, b) => a.format.id.localeCompare(b.format.id));
}
