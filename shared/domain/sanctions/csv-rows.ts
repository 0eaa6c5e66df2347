import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { InvalidInputError } from '../../errors.ts';

/** A field longer than this is not a name, an address or a remark: the row is rejected. */
export const MAX_FIELD_CHARS = 100_000;
/** A record longer than this (a runaway quote swallowing the rest of the file, usually) fails the whole file. */
export const MAX_RECORD_CHARS = 1_000_000;

export type CsvRow = { kind: 'row'; line: number; cells: string[] } | { kind: 'reject'; line: number; reason: string };

/**
 * Streams CSV/TSV records from decoded text chunks with csv-parse (quoted fields may span lines, so records are not
 * lines). Memory stays at one record: csv-parse buffers only the record it is reading, and the stream's backpressure
 * holds the producer.
 */
export async function* readCsvRows(
  text: AsyncIterable<string>,
  options: { delimiter: string; quote?: string | false },
): AsyncGenerator<CsvRow> {
  const parser = Readable.from(text, { objectMode: false }).pipe(
    parse({
      delimiter: options.delimiter,
      quote: options.quote === undefined ? '"' : options.quote,
      bom: true,
      relax_column_count: true,
      // Real files carry stray quotes inside unquoted cells (OFSI "People´s", "14"" screens"): keep them as text.
      relax_quotes: true,
      max_record_size: MAX_RECORD_CHARS,
    }),
  );
  // Our own line count (the line a record starts on): csv-parse's `info.lines` counts a CRLF inside a quoted cell as
  // two lines, and would skip blank lines silently. Blank lines come through as one empty cell and are counted here.
  let next = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = next;
      next += 1 + record.reduce((n, c) => n + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      // Blank lines, and the Ctrl-Z (0x1A) OFAC-style files end with: a lone empty or SUB cell is not a record.
      if (record.length === 1 && /^[\s\x1a]*$/.test(record[0]!)) continue;
      const rec = { record };
      const long = rec.record.findIndex((c) => c.length > MAX_FIELD_CHARS);
      if (long >= 0)
        yield { kind: 'reject', line, reason: `field ${long + 1} longer than ${MAX_FIELD_CHARS} characters` };
      else yield { kind: 'row', line, cells: rec.record };
    }
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    const e = err as { code?: string; lines?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw new InvalidInputError(`CSV does not parse: ${e.message ?? e.code}`, {
        cause: err,
        where: `line ${e.lines ?? '?'}`,
      });
    }
    throw err;
  } finally {
    parser.destroy();
  }
}

/** Normalises a header cell for lookup by name: case, spaces, BOM and stray punctuation do not matter. */
export const headerKey = (s: string): string =>
  s
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/** Maps header names to cell indexes; `get(row, 'Group ID')` reads a cell by its header name. */
export function indexHeader(cells: string[]): { has(name: string): boolean; get(row: string[], name: string): string } {
  const at = new Map<string, number>();
  cells.forEach((c, i) => {
    const k = headerKey(c);
    if (k && !at.has(k)) at.set(k, i);
  });
  return {
    has: (name) => at.has(headerKey(name)),
    get: (row, name) => {
      const i = at.get(headerKey(name));
      return i === undefined ? '' : (row[i] ?? '');
    },
  };
}
