import { parse as parseCsvSync } from 'csv-parse/sync';
import type { ListFormat } from '../../shared/domain/sanctions/types.ts';
import { isUseful, parseAll, sourceIdOfRecord, type FormatFixture } from './formats.ts';

/*
 * Larger list files made deterministically from a real (cut) fixture: its records repeated under new ids, so the same
 * command measures the same work anywhere. Copy 0 is the fixture's own records; copy k renames every record's id
 * (numeric ids get k as a prefix: `36` → `300000036`; others a suffix: `QDi.001` → `QDi.001-B3`).
 *
 * The id of each record is learnt from the format's own parser: the file is cut to that one record (headers and
 * container elements kept) and parsed, so no per-format table of id columns is needed here.
 */

export type Family =
  | { kind: 'xml' }
  | { kind: 'csv'; delimiter: string }
  | { kind: 'json-results' }
  | { kind: 'ndjson' };

export interface Scaler {
  family: Family;
  /** Records the fixture yields (entities, enrichments or deletions). */
  baseRecords: number;
  /** Bytes (UTF-8) one copy of the records adds. */
  bytesPerCopy: number;
  /** The pieces of a file holding `copies` copies of the records. */
  pieces(copies: number): Generator<string>;
  /** Copies needed for about `bytes` bytes (at least one). */
  copiesFor(bytes: number): number;
}

export const newIdOf = (id: string, k: number): string =>
  k === 0 ? id : /^\d{1,8}$/.test(id) ? `${k}${id.padStart(8, '0')}` : `${id}-B${k}`;

export function familyOf(text: string): Family {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) return { kind: 'xml' };
  if (
    t.startsWith('{') &&
    /^\{[\s\S]*?"results"\s*:\s*\[/.test(t.slice(0, 1 << 20)) &&
    !/^\{[^\n]*\}\s*\n\s*\{/.test(t)
  )
    return { kind: 'json-results' };
  if (t.startsWith('{')) return { kind: 'ndjson' };
  const first = t.split(/\r?\n/, 1)[0] ?? '';
  return {
    kind: 'csv',
    delimiter: first.includes('\t') ? '\t' : first.includes(';') && !first.includes(',') ? ';' : ',',
  };
}

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export async function makeScaler(fx: FormatFixture): Promise<Scaler> {
  const family = familyOf(fx.text);
  const hint = (text: string) => ({ key: `sanctions/${fx.path.split('/').pop()}`, head: text.slice(0, 16 * 1024) });
  const idOf = async (doc: string): Promise<string | undefined> => {
    const recs = await parseAll(fx.format, doc, hint(doc)).catch(() => []);
    for (const r of recs) {
      const id = sourceIdOfRecord(r);
      if (id) return id;
    }
    return undefined;
  };
  const baseRecords = (await parseAll(fx.format, fx.text, hint(fx.text))).filter(isUseful).length;
  const build = async (): Promise<
    Omit<Scaler, 'baseRecords' | 'copiesFor' | 'bytesPerCopy'> & { copyText(k: number): string }
  > => {
    switch (family.kind) {
      case 'csv':
        return csvScaler(fx.text, family.delimiter, idOf);
      case 'xml':
        return xmlScaler(fx.text, idOf, baseRecords);
      case 'json-results':
        return jsonScaler(fx.text, 'results', idOf);
      case 'ndjson':
        return jsonScaler(fx.text, 'lines', idOf);
    }
  };
  const s = await build();
  const bytesPerCopy = utf8Bytes(s.copyText(1));
  return {
    family,
    baseRecords,
    bytesPerCopy,
    pieces: s.pieces,
    copiesFor: (bytes) => Math.max(1, Math.round(bytes / bytesPerCopy)),
  };
}

type IdOf = (doc: string) => Promise<string | undefined>;

async function csvScaler(text: string, delimiter: string, idOf: IdOf) {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const rows = (
    parseCsvSync(text.replace(/^\uFEFF/, ''), {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as string[][]
  )
    // A trailing Ctrl-Z (OFAC) is not a record.
    .filter((r) => !(r.length === 1 && /^[\s\x1a]*$/.test(r[0]!)));
  const line = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(delimiter) + eol;
  // Header rows: the fewest leading rows after which a single row parses into a record.
  let head = 0;
  for (; head < Math.min(5, rows.length - 1); head++) {
    if (
      await idOf(
        rows
          .slice(0, head + 1)
          .map(line)
          .join(''),
      )
    )
      break;
  }
  const header = rows.slice(0, head);
  const data = rows.slice(head);
  const fold = (s: string) => s.replace(/\s+/g, ' ').trim().toUpperCase();
  // The id is a cell, or ends with one (`ISN:NAME`-style composite ids).
  const holds = (cell: string, id: string) =>
    fold(cell) !== '' && (fold(cell) === fold(id) || fold(id).endsWith(`:${fold(cell)}`));
  const ids = await Promise.all(data.map((r) => idOf([...header, r].map(line).join(''))));
  // The id column: the cell that holds the record's id in most rows.
  const votes = new Map<number, number>();
  data.forEach((r, i) => {
    for (const [j, c] of r.entries()) if (ids[i] && holds(c, ids[i]!)) votes.set(j, (votes.get(j) ?? 0) + 1);
  });
  const idCol = [...votes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const copyText = (k: number) =>
    data
      .map((r, i) => {
        const id = ids[i];
        if (!id || k === 0) return line(r);
        const col = idCol !== undefined && holds(r[idCol] ?? '', id) ? idCol : r.findIndex((c) => holds(c, id));
        if (col < 0) return line(r);
        const cells = [...r];
        cells[col] = newIdOf(cells[col]!.replace(/\s+/g, ' ').trim(), k);
        return line(cells);
      })
      .join('');
  return {
    family: { kind: 'csv', delimiter } as Family,
    copyText,
    *pieces(copies: number) {
      yield header.map(line).join('');
      for (let k = 0; k < copies; k++) yield copyText(k);
    },
  };
}

/** Record elements: the repeated children of an element that occurs once (sdnEntry, INDIVIDUAL/ENTITY, sanctionEntity). */
function recordNamesOf(text: string): string[] {
  const count = new Map<string, number>();
  const parentOf = new Map<string, Set<string>>();
  const depthOf = new Map<string, number>();
  const stack: string[] = [];
  const body = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g)) {
    const name = m[2]!.replace(/^[\w.-]+:/, '');
    if (m[1]) {
      stack.pop();
      continue;
    }
    count.set(name, (count.get(name) ?? 0) + 1);
    const parent = stack[stack.length - 1] ?? '';
    (parentOf.get(name) ?? parentOf.set(name, new Set()).get(name)!).add(parent);
    if (!depthOf.has(name)) depthOf.set(name, stack.length);
    if (!m[3]) stack.push(name);
  }
  const candidates = [...count.entries()]
    .filter(([n, c]) => c >= 2 && [...parentOf.get(n)!].every((p) => p !== '' && count.get(p) === 1))
    .map(([n]) => n);
  const minDepth = Math.min(...candidates.map((n) => depthOf.get(n)!));
  return candidates.filter((n) => depthOf.get(n) === minDepth);
}

async function xmlScaler(text: string, idOf: IdOf, baseRecords: number) {
  const names = recordNamesOf(text);
  if (!names.length) throw new Error('no repeated record element found');
  const alt = names.map((n) => n.replace(/[.]/g, '\\.')).join('|');
  const re = new RegExp(`<(?:[\\w.-]+:)?(${alt})[\\s>][\\s\\S]*?</(?:[\\w.-]+:)?\\1>`, 'g');
  const recs: { start: number; end: number; body: string }[] = [];
  for (const m of text.matchAll(re)) recs.push({ start: m.index!, end: m.index! + m[0].length, body: m[0] });
  const gaps = recs.map((r, i) => text.slice(i === 0 ? 0 : recs[i - 1]!.end, r.start));
  const tail = text.slice(recs[recs.length - 1]!.end);
  const ids = await Promise.all(
    recs.map((r, i) => idOf(gaps.slice(0, i + 1).join('') + r.body + gaps.slice(i + 1).join('') + tail)),
  );
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const renamed = (i: number, k: number) => {
    const id = ids[i];
    if (!id || k === 0) return recs[i]!.body;
    const n = newIdOf(id, k);
    return recs[i]!.body.replace(new RegExp(`>\\s*${esc(id)}\\s*<`, 'g'), `>${n}<`).replace(
      new RegExp(`="${esc(id)}"`, 'g'),
      `="${n}"`,
    );
  };
  // Groups: runs of records separated by whitespace only (UN: INDIVIDUALS, then ENTITIES).
  const groups: { from: number; to: number; after: string }[] = [];
  for (let i = 0; i < recs.length; i++) {
    const g = groups[groups.length - 1];
    if (g && i > 0 && /^\s*$/.test(gaps[i]!)) g.to = i;
    else groups.push({ from: i, to: i, after: '' });
  }
  for (const g of groups) g.after = g.to + 1 < recs.length ? gaps[g.to + 1]! : tail;
  const copyText = (k: number) => recs.map((_, i) => `${renamed(i, k)}\n`).join('');
  return {
    family: { kind: 'xml' } as Family,
    copyText,
    *pieces(copies: number) {
      // A file that declares its own record count (OFAC Record_Count) must declare the new one.
      yield gaps[0]!.replace(/(<(?:[\w.-]+:)?Record_Count>)\s*\d+\s*(<)/, `$1${baseRecords * copies}$2`);
      for (const g of groups) {
        for (let k = 0; k < copies; k++) for (let i = g.from; i <= g.to; i++) yield `${renamed(i, k)}\n`;
        yield g.after;
      }
    },
  };
}

class RawLine {
  constructor(readonly line: string) {}
}
const jsonOf = (x: unknown): string => (x instanceof RawLine ? x.line : JSON.stringify(x));

async function jsonScaler(text: string, shape: 'results' | 'lines', idOf: IdOf) {
  let items: unknown[];
  let rest: Record<string, unknown> = {};
  if (shape === 'results') {
    const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    items = (doc.results as unknown[]) ?? [];
    rest = Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'results'));
  } else {
    // A line that is not JSON (a fixture's deliberate trap) is repeated as it is.
    items = text
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return JSON.parse(l) as unknown;
        } catch {
          return new RawLine(l);
        }
      });
  }
  const docOf = (xs: unknown[]) =>
    shape === 'results'
      ? `{${Object.entries(rest)
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
          .join('')}"results":[${xs.map(jsonOf).join(',\n')}]}`
      : xs.map((x) => `${jsonOf(x)}\n`).join('');
  // Ids: what the parser says each record is about, and every `id` value (FtM entities point at each other by id).
  const idSet = new Set<string>();
  const collect = (v: unknown): void => {
    if (v instanceof RawLine) return;
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) k === 'id' && typeof x === 'string' ? idSet.add(x) : collect(x);
  };
  items.forEach(collect);
  for (const id of await Promise.all(items.map((x) => idOf(docOf([x]))))) if (id) idSet.add(id);
  const rename = (v: unknown, k: number): unknown =>
    v instanceof RawLine
      ? v
      : typeof v === 'string'
        ? idSet.has(v)
          ? newIdOf(v, k)
          : v
        : Array.isArray(v)
          ? v.map((x) => rename(x, k))
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([a, x]) => [a, rename(x, k)]))
            : v;
  const copyText = (k: number) =>
    `${items.map((x) => jsonOf(k === 0 ? x : rename(x, k))).join(shape === 'results' ? ',\n' : '\n')}\n`;
  return {
    family: { kind: shape === 'results' ? 'json-results' : 'ndjson' } as Family,
    copyText,
    *pieces(copies: number) {
      if (shape === 'lines') {
        for (let k = 0; k < copies; k++) yield copyText(k);
        return;
      }
      yield `{${Object.entries(rest)
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
        .join('')}"results":[\n`;
      for (let k = 0; k < copies; k++) yield (k ? ',\n' : '') + copyText(k).replace(/\n$/, '');
      yield ']}\n';
    },
  };
}

/** A whole generated file, in memory (parse suite sizes). */
export function generateText(s: Scaler, copies: number): string {
  let out = '';
  for (const p of s.pieces(copies)) out += p;
  return out;
}

/**
 * Checks a generated file parses into copies × the fixture's distinct record ids (renaming kept every record distinct).
 * Parts (OFAC alt.csv) carry several records per id, so ids are counted, not records.
 */
export async function verifyScaled(
  format: ListFormat,
  s: Scaler,
  copies: number,
  key: string,
): Promise<{ expected: number; got: number }> {
  const distinct = async (text: string) =>
    new Set(
      (await parseAll(format, text, { key, head: text.slice(0, 16 * 1024) }))
        .filter(isUseful)
        .map((r) => `${r.kind}:${sourceIdOfRecord(r) ?? ''}`),
    ).size;
  return { expected: (await distinct(generateText(s, 1))) * copies, got: await distinct(generateText(s, copies)) };
}
