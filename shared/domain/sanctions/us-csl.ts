import { createHash } from 'node:crypto';
import { countryCodeOf } from '../countries.ts';
import type { EntityType } from '../model.ts';
import { InvalidInputError } from '../../errors.ts';
import { readCsvRows, indexHeader } from './csv-rows.ts';
import {
  addCountry,
  addIdentifier,
  addListedOn,
  addName,
  addProgram,
  cleanText,
  createDraft,
  finishDraft,
  type EntityDraft,
} from './entity-draft.ts';
import type { ListFormat, ParsedRecord } from './types.ts';

/*
 * trade.gov Consolidated Screening List (sanctions-formats.md §8): CSV with a header (28 columns in 2019, 29 with `_id`
 * first since), or the API's JSON (`{"results":[{…}]}`, same field names; multi-values may be arrays or `;`-joined).
 *
 * Decisions:
 * - Id: `_id`; else `source`+`entity_number` (OFAC lists carry ent_num); else, for BIS/State rows of the 2019 layout that
 *   have neither, `source`+the normalised name: those lists have no id and repeat a party once per address (one 2019
 *   Entity List party spans 5 rows), so the name *is* their identity. Prefixed with a short source code (`EL:`, `DPL:`).
 * - Type: `Individual|Entity|Vessel|Aircraft`; empty for the BIS and State lists (47 of 115 rows in 2019). We guess from the
 *   name (`typeOfUntypedName`): a legal form or organisation word → organization, else a plain 2-7 word name → person,
 *   else organization. A wrong "person" would stop a company mention linking (link.ts never links a person to an
 *   organisation mention), so anything with digits or organisation words stays an organization.
 * - Programmes: the `source` list name ("Entity List (EL) - Bureau of Industry and Security") is kept as a programme-like
 *   tag, since for most CSL users it is what the designation *is*; the `programs` codes (SDGT, INKSNA …) are added too.
 * - Countries: ISO-2 codes ending each `;`-separated address (`…, Miami, FL, 33130, US`) → address; `citizenships` /
 *   `nationalities` (codes or names) → citizenship / nationality; `vessel_flag` → flag.
 */

const ID_TYPES =
  /passport|national id|identification|cedula|c[eé]dula|registration|tax id|\bimo\b|mmsi|ssn|d-u-n-s|swift|\bbic\b|licen[cs]e number|company number|\bruc\b|\bnit\b|\brfc\b|\bcurp\b/i;

const SOURCE_CODE = /\(([A-Z]{2,5})\)/;

const ORG_WORDS =
  /\b(ltd|limited|inc|incorporated|corp|corporation|co|company|llc|l\.l\.c|llp|plc|gmbh|ag|sa|s\.a|srl|s\.l|bv|nv|oy|ab|as|jsc|ojsc|pjsc|cjsc|ooo|zao|oao|fze|fzco|fzc|ltda|pte|pty|sdn|bhd|kg|spa|group|holding|holdings|trading|trade|international|industries|industry|industrial|enterprises?|technology|technologies|technik|tech|solutions|systems|services|logistics|shipping|airlines?|airways|aviation|bank|university|institute|academy|center|centre|laboratory|laboratories|lab|factory|plant|works|ministry|department|bureau|agency|organization|organisation|committee|council|regiment|brigade|battalion|army|corps|guard|front|party|movement|foundation|association|network|electronics|engineering|consulting|import|export|imp|exp|research|development|design|scientific|industrial|manufacturing|office|branch|store|firm|partners|computers?|results|supply|supplies|aerospace|contracting|anstalt|vertrieb\w*|metals?|zone|data|web|equipment|machinery|materials|electric\w*|chemicals?|pharma\w*|energy|oil|gas|petroleum|construction|shipyard|marine|maritime|transport\w*|cargo|freight|express|travel|tours|hotel|media|software|microwave|tactical|plan|a\.g)\b|&/i;

/** For lists that do not say what a party is (BIS, State): a documented guess; see the module comment. */
export function typeOfUntypedName(raw: string): EntityType {
  const name = cleanText(raw);
  if (/\d/.test(name) || ORG_WORDS.test(name)) return 'organization';
  const words = name
    .replace(/,?\s+(jr|sr|ii|iii|iv)\.?$/i, '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length >= 2 && words.length <= 7 && words.every((w) => /^[\p{L}'’".()-]+,?$/u.test(w))) return 'person';
  return 'organization';
}

const typeOf = (type: string, name: string): EntityType => {
  switch (cleanText(type).toLowerCase()) {
    case 'individual':
      return 'person';
    case 'entity':
      return 'organization';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    case '':
      return typeOfUntypedName(name);
    default:
      return 'other';
  }
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const splitMulti = (v: unknown): string[] =>
  (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(';') : []).map(cleanText).filter(Boolean);

/** A country at the end of an address (`…, 33130, US`) or a whole cell (`KP`, `Iran`). */
const countryAtEnd = (s: string): string | undefined => {
  const last = s.split(',').pop()?.trim() ?? '';
  return last ? countryCodeOf(last) : undefined;
};

/** One CSL record (a CSV row mapped by header, or a JSON object) → the group key and how it fills a draft. */
interface CslRecord {
  get(field: string): unknown;
}

const text = (r: CslRecord, f: string): string => {
  const v = r.get(f);
  return Array.isArray(v) ? v.map(String).join('; ') : cleanText(v == null ? '' : String(v));
};

function sourceIdOf(r: CslRecord): string | undefined {
  const id = text(r, '_id') || text(r, 'id');
  if (id) return id;
  const source = text(r, 'source');
  const code = SOURCE_CODE.exec(source)?.[1] ?? source;
  const num = text(r, 'entity_number');
  if (num) return `${code}:${num}`;
  const name = text(r, 'name').toUpperCase();
  if (!name || !source) return undefined;
  // Bounded length: a long name still yields a schema-valid id (sourceId ≤ 200).
  const key = `${code}:${name}`;
  return key.length <= 120 ? key : `${code}:${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
}

function fillDraft(d: EntityDraft, r: CslRecord): void {
  const name = text(r, 'name');
  d.type ??= typeOf(text(r, 'type'), name);
  addName(d, name);
  for (const a of splitMulti(r.get('alt_names'))) addName(d, a);
  addProgram(d, text(r, 'source'));
  for (const p of splitMulti(r.get('programs'))) addProgram(d, p);
  const addresses = r.get('addresses');
  if (Array.isArray(addresses) && addresses.some(isRecord)) {
    // The API gives addresses as objects: [{address, city, state, postal_code, country}].
    for (const a of addresses.filter(isRecord))
      addCountry(d, countryCodeOf(cleanText(String(a.country ?? ''))), 'address');
  } else for (const a of splitMulti(addresses)) addCountry(d, countryAtEnd(a), 'address');
  for (const c of splitMulti(r.get('citizenships'))) addCountry(d, countryCodeOf(c), 'citizenship');
  for (const c of splitMulti(r.get('nationalities'))) addCountry(d, countryCodeOf(c), 'nationality');
  addCountry(d, countryCodeOf(text(r, 'vessel_flag')), 'flag');
  const start = text(r, 'start_date');
  if (/^\d{4}-\d{2}-\d{2}/.test(start)) addListedOn(d, start.slice(0, 10));
  // `ids` is `Type, number, country; …` in the CSV and [{type, number, country}] in the API.
  const ids = r.get('ids');
  if (Array.isArray(ids) && ids.some(isRecord)) {
    for (const x of ids.filter(isRecord))
      if (ID_TYPES.test(String(x.type ?? '')))
        addIdentifier(d, cleanText(String(x.type ?? 'id')) || 'id', String(x.number ?? ''));
  } else {
    for (const entry of splitMulti(ids)) {
      // 2025 rows say `Passport, 836238033, KP`; 2019 rows `US, 80-0890696, Tax ID No.` (country first).
      let [type, number, third] = entry.split(',').map(cleanText);
      if (type && third && /^[A-Z]{2}$/.test(type)) [type, third] = [third, type];
      // The same cell carries non-identifiers (`Gender, Male`, `Secondary sanctions risk:, …`): keep document numbers only.
      if (type && number && ID_TYPES.test(type)) addIdentifier(d, type.slice(0, 200), number);
    }
  }
}

/**
 * Groups records by id. Rows with a real id are distinct parties (one row each in every CSL we have seen), but a party
 * keyed by name spans rows that may not be adjacent once sources are interleaved: drafts are kept until the end. A full
 * CSL is about 4,200 rows (2.7 MB), so this is bounded by the list itself, not by any one row.
 */
async function* groupRecords(
  records: AsyncIterable<{ where: string; rec?: CslRecord; reject?: string }>,
): AsyncGenerator<ParsedRecord> {
  const drafts = new Map<string, { d: EntityDraft; where: string }>();
  for await (const { where, rec, reject } of records) {
    if (!rec) {
      yield { kind: 'reject', where, reason: reject ?? 'unreadable record' };
      continue;
    }
    const id = sourceIdOf(rec);
    if (!id) {
      yield { kind: 'reject', where, reason: 'no id (_id, entity_number) and no name' };
      continue;
    }
    let g = drafts.get(id);
    if (!g) drafts.set(id, (g = { d: createDraft('us-csl', id), where }));
    fillDraft(g.d, rec);
  }
  for (const { d, where } of drafts.values()) yield finishDraft(d, where);
}

async function* csvRecords(input: AsyncIterable<string>) {
  let header: ReturnType<typeof indexHeader> | undefined;
  for await (const row of readCsvRows(input, { delimiter: ',' })) {
    if (row.kind === 'reject') {
      yield { where: `line ${row.line}`, reject: row.reason };
      continue;
    }
    if (!header) {
      header = indexHeader(row.cells);
      if (!header.has('source') || !header.has('name')) {
        throw new InvalidInputError('not a Consolidated Screening List CSV: no source/name header', {
          where: `line ${row.line}`,
        });
      }
      continue;
    }
    const cells = row.cells;
    const h = header;
    yield { where: `line ${row.line}`, rec: { get: (f: string) => h.get(cells, f) } };
  }
}

export const cslCsv: ListFormat = {
  id: 'us-csl-csv',
  list: 'us-csl',
  role: 'full',
  parse: (input) => groupRecords(csvRecords(input)),
};

/** Objects larger than this inside `results` are not screening-list records. */
const MAX_JSON_RECORD_CHARS = 1_000_000;

/**
 * Streams the objects of the top-level `results` array without holding the file: a small scanner tracks string/escape
 * state and brace depth, and hands each complete `{…}` of the array to JSON.parse. Anything before `"results"` (total,
 * sources, search_performed_at …) is skipped.
 */
export async function* readJsonResults(
  input: AsyncIterable<string>,
): AsyncGenerator<{ index: number; value?: unknown; error?: string }> {
  let state: 'seek' | 'array' | 'object' | 'done' = 'seek';
  let seekTail = '';
  let buf = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let index = 0;
  for await (const chunk of input) {
    let i = 0;
    if (state === 'seek') {
      const s = seekTail + chunk;
      const m = /"results"\s*:\s*\[/.exec(s);
      if (!m) {
        // Keep enough to find the key across a chunk boundary, and give up on a file that never has it.
        seekTail = s.slice(-32);
        continue;
      }
      state = 'array';
      i = m.index + m[0].length - seekTail.length;
      seekTail = '';
    }
    for (; i < chunk.length && state !== 'done'; i++) {
      const ch = chunk[i]!;
      if (state === 'array') {
        if (ch === '{') {
          state = 'object';
          buf = '{';
          depth = 1;
        } else if (ch === ']') state = 'done';
        continue;
      }
      buf += ch;
      if (buf.length > MAX_JSON_RECORD_CHARS)
        throw new InvalidInputError('JSON record too long', { where: `results[${index}]` });
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        if (--depth === 0) {
          try {
            yield { index, value: JSON.parse(buf) };
          } catch (err) {
            yield { index, error: (err as Error).message };
          }
          index++;
          state = 'array';
          buf = '';
        }
      }
    }
  }
  if (state === 'seek')
    throw new InvalidInputError('not a Consolidated Screening List JSON: no "results" array', { where: 'file' });
  if (state !== 'done')
    throw new InvalidInputError('JSON ends inside the "results" array (truncated download?)', {
      where: `results[${index}]`,
    });
}

async function* jsonRecords(input: AsyncIterable<string>) {
  for await (const { index, value, error } of readJsonResults(input)) {
    const where = `results[${index}]`;
    if (error || typeof value !== 'object' || value === null) yield { where, reject: error ?? 'not an object' };
    else yield { where, rec: { get: (f: string) => (value as Record<string, unknown>)[f] } };
  }
}

export const cslJson: ListFormat = {
  id: 'us-csl-json',
  list: 'us-csl',
  role: 'full',
  parse: (input) => groupRecords(jsonRecords(input)),
};

export function sniffCslCsv(head: string, key: string): number {
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const cols = first.split(',').map((c) => c.replace(/"/g, '').trim());
  const need = ['source', 'entity_number', 'type', 'programs', 'name', 'alt_names'];
  const hits = need.filter((c) => cols.includes(c)).length;
  if (hits === need.length) return 0.97;
  if (hits >= 4) return 0.6;
  return /consolidated.?screening|\bcsl\b/i.test(key) && hits > 0 ? 0.3 : 0;
}

export function sniffCslJson(head: string, key: string): number {
  const h = head.replace(/^\uFEFF/, '').trimStart();
  if (!h.startsWith('{') || !/"results"\s*:\s*\[/.test(h)) return 0;
  const hits = ['"source"', '"entity_number"', '"alt_names"', '"programs"'].filter((f) => h.includes(f)).length;
  if (hits >= 3) return 0.95;
  return /csl|screening/i.test(key) ? 0.5 : 0.2;
}
