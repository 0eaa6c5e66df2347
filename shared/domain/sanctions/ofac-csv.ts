import { countryCodeOf, countryCodesIn } from '../countries.ts';
import type { CountryRole, EntityType, ListedEntity, ListId } from '../model.ts';
import { InvalidInputError } from '../../errors.ts';
import { parse as parseCsv } from 'csv-parse/sync';
import { readCsvRows } from './csv-rows.ts';
import { BIRTH_DATE, birthDateOf } from './birth-dates.ts';
import { addCountry, addIdentifier, addName, addProgram, cleanText, createDraft, finishDraft } from './entity-draft.ts';
import { pickIdCountryRole, normaliseIdType, extractImoNumber } from './ofac-ids.ts';
import type { DetectHint, EntityPatch, ListFormat, ParsedRecord } from './types.ts';

/*
 * OFAC legacy CSV set (sanctions-formats.md §1): `sdn.csv` / `cons_prim.csv` (12 columns, one row per entry) and the
 * parts `add.csv`, `alt.csv`, `sdn_comments.csv` (and their `cons_` twins), joined on `ent_num`.
 *
 * Decisions:
 * - No header row; every empty cell is the literal `-0- ` (trailing space): read as empty. Files end with a 0x1A byte
 *   after the last CRLF: every 0x1A is dropped before csv-parse sees it (it is never text).
 * - `SDN_Type` `-0-` is an organisation (OFAC leaves the entity type blank).
 * - Individuals' `SDN_Name` is `LAST, First`: `name` keeps the list's own form (what OFAC's search and the XML's
 *   lastName/firstName render, and what a user checking a match will look for), and the natural order `First LAST` is
 *   added as a strong alias, because that is how news text names people. Aliases in `alt.csv` keep OFAC's form: that
 *   file does not say whether the entry is a person, and flipping an entity alias such as `SOMETHING, INC.` would
 *   invent a name.
 * - `alt.csv` cannot say strong from weak (only the XML can): its aliases are strong; the weak ones OFAC puts only in
 *   `Remarks` as `a.k.a. 'X'`, which we read as weak.
 * - The list: `sdn.csv` and `cons_prim.csv` have the same layout and no content marks one from the other, so two formats
 *   share one shape and the key decides (see detect.ts); the part files take the list from the key the same way.
 * - Remarks (and their overflow in the comments file) carry nationality, citizenship, place of birth and identifiers as
 *   `;`-separated text; see `extractRemarkFacts`. A fact cut in two by the overflow boundary is lost.
 * - An unresolvable country text is dropped (the entity keeps its other fields), never a rejection.
 */

const NULL_CELL = /^-0-\s*$/;

/** `-0- ` → '', else the trimmed, whitespace-collapsed cell. */
const cell = (cells: string[], i: number): string => {
  const v = cells[i] ?? '';
  return NULL_CELL.test(v) ? '' : cleanText(v);
};

/** Strips every 0x1A (Ctrl-Z end-of-file marker of OFAC's files); it never belongs to the text. */
async function* withoutCtrlZ(text: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const chunk of text) yield chunk.includes('\x1a') ? chunk.replaceAll('\x1a', '') : chunk;
}

export interface RemarkFacts {
  weakAliases: string[];
  countries: { code: string; role: CountryRole }[];
  identifiers: { type: string; value: string }[];
}

const AKA = /^(?:alt\.\s+)?[afn]\.k\.a\.,?\s+'(.+)'$/i;
const NATIONALITY = /^(?:alt\.\s+)?nationality\s+(?!of\b)(.+)$/i;
const CITIZEN = /^(?:alt\.\s+)?citizen\s+(.+)$/i;
const POB = /^(?:alt\.\s+)?POB\s+(.+)$/;
const DOB = /^(?:alt\.\s+)?DOB\s+(.+)$/;
const REGISTRATION_COUNTRY = /^nationality of registration\s+(.+)$/i;
const ID =
  /^(?:alt\.\s+)?(Passport|National ID No\.|Cedula No\.|Registration ID|Registration Number|Tax ID No\.)\s+(.+)$/i;
const IMO = /\bIMO\s+(\d{7})\b/;

/**
 * The facts OFAC writes into `Remarks`: `nationality X`, `citizen X`, `DOB …` (a birth date as published), `POB …, Country`, `a.k.a. 'X'` (weak),
 * `Passport N (Country)`, `National ID No. N (Country)`, `Registration ID N (Country)`, `IMO 1234567` (also inside
 * `Vessel Registration Identification IMO …`), `Nationality of Registration X`. Anything else is left alone.
 */
export function extractRemarkFacts(remarks: string): RemarkFacts {
  const facts: RemarkFacts = { weakAliases: [], countries: [], identifiers: [] };
  const text = cleanText(remarks).replace(/\.$/, '');
  for (const raw of text.split(';')) {
    const part = raw.trim().replace(/\.$/, '');
    let m: RegExpExecArray | null;
    if ((m = AKA.exec(part))) {
      const name = cleanText(m[1]);
      if (name) facts.weakAliases.push(name);
    } else if ((m = REGISTRATION_COUNTRY.exec(part))) {
      for (const code of countryCodesIn(m[1]!)) facts.countries.push({ code, role: 'registration' });
    } else if ((m = NATIONALITY.exec(part))) {
      for (const code of countryCodesIn(m[1]!)) facts.countries.push({ code, role: 'nationality' });
    } else if ((m = CITIZEN.exec(part))) {
      for (const code of countryCodesIn(m[1]!)) facts.countries.push({ code, role: 'citizenship' });
    } else if ((m = DOB.exec(part))) {
      // As published (`1962` stays a year), the same value the XML formats give (birth-dates.ts).
      const date = birthDateOf(m[1]);
      if (date) facts.identifiers.push({ type: BIRTH_DATE, value: date });
    } else if ((m = POB.exec(part))) {
      const code = findBirthCountry(m[1]!);
      if (code) facts.countries.push({ code, role: 'birth' });
    } else if ((m = ID.exec(part))) {
      const type = normaliseIdType(m[1]!);
      // `P0017003 (Belize)`, `123 (Iran) issued 2010`: the number stops at the parenthesised issuer.
      const paren = /^(.*?)\s*\(([^)]*)\)/.exec(m[2]!);
      const value = cleanText(paren ? paren[1] : m[2]);
      if (value) facts.identifiers.push({ type, value });
      const code = paren ? countryCodeOf(paren[2]!) : undefined;
      if (code) facts.countries.push({ code, role: pickIdCountryRole(type) });
    }
    const imo = IMO.exec(part);
    if (imo) facts.identifiers.push({ type: 'imo', value: extractImoNumber(imo[1]!) });
  }
  return facts;
}

/** `Toledo District, Belize` → BZ: the country is the last comma part; a lone place is tried whole. */
export function findBirthCountry(place: string): string | undefined {
  const parts = place
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const last = parts[parts.length - 1];
  return last === undefined
    ? undefined
    : (countryCodeOf(last) ?? (parts.length > 1 ? countryCodeOf(place) : undefined));
}

/** `SDGT] [IFSR` → [SDGT, IFSR]: OFAC drops the outer brackets of a bracketed list. */
export const splitPrograms = (raw: string): string[] =>
  raw
    .split(/\]\s*\[/)
    .map((p) => cleanText(p.replace(/^\[|\]$/g, '')))
    .filter(Boolean);

const TYPES: Record<string, EntityType> = {
  individual: 'person',
  vessel: 'vessel',
  aircraft: 'aircraft',
  '': 'organization',
};

/** `LAST, First` → `First LAST` when the name has exactly one comma; else undefined. */
export function toNaturalOrder(name: string): string | undefined {
  const parts = name.split(',');
  if (parts.length !== 2) return undefined;
  const [last, first] = [cleanText(parts[0]), cleanText(parts[1])];
  return last && first ? `${first} ${last}` : undefined;
}

const ENT_NUM = /^\d{1,12}$/;

/** Tracks row shapes: a few stray rows are rejected; a file whose rows mostly have the wrong shape is not this format. */
function createShapeGuard(
  expected: number,
  file: string,
): { check(cells: string[], line: number): string | undefined; end(): void } {
  let good = 0;
  let bad = 0;
  const fail = (line: number): never => {
    throw new InvalidInputError(`not an OFAC ${file}: most rows do not have ${expected} columns`, {
      where: `line ${line}`,
    });
  };
  return {
    check(cells, line) {
      if (cells.length === expected) {
        good++;
        return undefined;
      }
      bad++;
      if (bad >= 5 && bad > good) fail(line);
      return `${cells.length} columns, expected ${expected}`;
    },
    end() {
      if (bad > good) fail(good + bad);
    },
  };
}

/** Reads the 12-column primary file (`sdn.csv`, `cons_prim.csv`). */
export async function* parseOfacPrimaryCsv(text: AsyncIterable<string>, list: ListId): AsyncGenerator<ParsedRecord> {
  const guard = createShapeGuard(12, 'sdn.csv/cons_prim.csv');
  const seen = new Set<string>();
  let rows = 0;
  for await (const row of readCsvRows(withoutCtrlZ(text), { delimiter: ',' })) {
    const where = `line ${row.line}`;
    rows++;
    if (row.kind === 'reject') {
      yield { kind: 'reject', where, reason: row.reason };
      continue;
    }
    const shape = guard.check(row.cells, row.line);
    if (shape) {
      yield { kind: 'reject', where, reason: shape };
      continue;
    }
    const id = cell(row.cells, 0);
    if (!ENT_NUM.test(id)) {
      yield { kind: 'reject', where, reason: id ? `ent_num "${id.slice(0, 40)}" is not a number` : 'no id' };
      continue;
    }
    if (seen.has(id)) {
      yield { kind: 'reject', where, reason: `ent_num ${id} repeated` };
      continue;
    }
    seen.add(id);
    yield buildEntityFromRow(row.cells, list, where);
  }
  guard.end();
  if (rows === 0) throw new InvalidInputError('empty OFAC primary file: no rows', { where: 'line 1' });
}

function buildEntityFromRow(cells: string[], list: ListId, where: string): ParsedRecord {
  const d = createDraft(list, cell(cells, 0));
  const name = cell(cells, 1);
  const typeCell = cell(cells, 2).toLowerCase();
  d.type = TYPES[typeCell] ?? 'other';
  addName(d, name);
  if (d.type === 'person') addName(d, toNaturalOrder(name));
  for (const p of splitPrograms(cell(cells, 3))) addProgram(d, p);
  const callSign = cell(cells, 5);
  if (callSign) addIdentifier(d, 'call-sign', callSign);
  const flag = cell(cells, 9);
  if (flag) addCountry(d, countryCodeOf(flag), 'flag');
  const facts = extractRemarkFacts(cell(cells, 11));
  for (const a of facts.weakAliases) addName(d, a, 'weak');
  for (const c of facts.countries) addCountry(d, c.code, c.role);
  for (const i of facts.identifiers) addIdentifier(d, i.type, i.value);
  return finishDraft(d, where);
}

type PartKind = 'address' | 'alias' | 'comments';
const PART_COLUMNS: Record<PartKind, number> = { address: 6, alias: 5, comments: 2 };

/** Reads a part file (`add.csv`, `alt.csv`, `sdn_comments.csv` or a `cons_` twin) as enrichments keyed by `ent_num`. */
export async function* parseOfacPartCsv(text: AsyncIterable<string>, part: PartKind): AsyncGenerator<ParsedRecord> {
  const guard = createShapeGuard(PART_COLUMNS[part], `${part} file`);
  for await (const row of readCsvRows(withoutCtrlZ(text), { delimiter: ',' })) {
    const where = `line ${row.line}`;
    if (row.kind === 'reject') {
      yield { kind: 'reject', where, reason: row.reason };
      continue;
    }
    const shape = guard.check(row.cells, row.line);
    if (shape) {
      yield { kind: 'reject', where, reason: shape };
      continue;
    }
    const id = cell(row.cells, 0);
    if (!ENT_NUM.test(id)) {
      yield { kind: 'reject', where, reason: id ? `ent_num "${id.slice(0, 40)}" is not a number` : 'no id' };
      continue;
    }
    const patch = buildPatchFromRow(row.cells, part);
    if (patch === 'no-name') yield { kind: 'reject', where, reason: 'alias row without a name' };
    else if (patch) yield { kind: 'enrich', sourceId: id, patch };
  }
  guard.end();
}

function buildPatchFromRow(cells: string[], part: PartKind): EntityPatch | 'no-name' | undefined {
  if (part === 'address') {
    const country = cell(cells, 4);
    const code = country ? countryCodeOf(country) : undefined;
    return code ? { countries: [{ code, roles: ['address'] }] } : undefined;
  }
  if (part === 'alias') {
    // aka, fka (formerly) and nka (now known as) are all names of the target; strength is not in the CSV.
    const name = cell(cells, 3).slice(0, 1000);
    return name ? { aliases: [name] } : 'no-name';
  }
  const facts = extractRemarkFacts(cell(cells, 1));
  const patch: EntityPatch = {};
  if (facts.weakAliases.length) patch.weakAliases = [...new Set(facts.weakAliases.map((a) => a.slice(0, 1000)))];
  if (facts.countries.length) patch.countries = mergeCountries(facts.countries);
  if (facts.identifiers.length) patch.identifiers = facts.identifiers;
  return Object.keys(patch).length ? patch : undefined;
}

function mergeCountries(list: { code: string; role: CountryRole }[]): ListedEntity['countries'] {
  const byCode = new Map<string, Set<CountryRole>>();
  for (const { code, role } of list) byCode.set(code, (byCode.get(code) ?? new Set()).add(role));
  return [...byCode].map(([code, roles]) => ({ code, roles: [...roles] }));
}

/** The list a part file belongs to: the `cons_` prefix (or a `cons` folder) says consolidated, else SDN. */
export const pickOfacListFromKey = (hint: DetectHint): ListId =>
  /(^|[/_.-])cons(olidated)?([/_.-]|$)|non.?sdn/i.test(hint.key) ? 'us-ofac-cons' : 'us-ofac-sdn';

export const ofacSdnCsv: ListFormat = {
  id: 'us-ofac-sdn-csv',
  list: 'us-ofac-sdn',
  role: 'full',
  parse: (text) => parseOfacPrimaryCsv(text, 'us-ofac-sdn'),
};

export const ofacConsCsv: ListFormat = {
  id: 'us-ofac-cons-csv',
  list: 'us-ofac-cons',
  role: 'full',
  parse: (text) => parseOfacPrimaryCsv(text, 'us-ofac-cons'),
};

export const ofacAddressCsv: ListFormat = {
  id: 'us-ofac-add-csv',
  list: pickOfacListFromKey,
  role: 'part',
  parse: (text) => parseOfacPartCsv(text, 'address'),
};

export const ofacAliasCsv: ListFormat = {
  id: 'us-ofac-alt-csv',
  list: pickOfacListFromKey,
  role: 'part',
  parse: (text) => parseOfacPartCsv(text, 'alias'),
};

export const ofacCommentsCsv: ListFormat = {
  id: 'us-ofac-comments-csv',
  list: pickOfacListFromKey,
  role: 'part',
  parse: (text) => parseOfacPartCsv(text, 'comments'),
};

/** The first complete record of the head, parsed as OFAC writes it (quoted cells may hold commas). */
function readFirstRecord(head: string): string[] | undefined {
  const text = head.replace(/^\uFEFF/, '').replaceAll('\x1a', '');
  const nl = text.indexOf('\n');
  const line = (nl >= 0 ? text.slice(0, nl) : text).replace(/\r$/, '');
  if (!line.trim()) return undefined;
  try {
    return parseCsv(line, { relax_column_count: true, relax_quotes: true })[0] as string[] | undefined;
  } catch {
    return undefined;
  }
}

export type OfacCsvShape = 'primary' | 'address' | 'alias' | 'comments';

/**
 * What the first row of a head looks like: the primary file has 12 cells and an entry type in cell 3; the address file 6
 * cells and two numbers; the alias file 5 cells, two numbers and aka/fka/nka; the comments file 2 cells and a number.
 */
export function detectOfacCsvShape(head: string): OfacCsvShape | undefined {
  const r = readFirstRecord(head);
  if (!r) return undefined;
  const at = (i: number): string => (NULL_CELL.test(r[i] ?? '') ? '' : cleanText(r[i]));
  if (!ENT_NUM.test(at(0))) return undefined;
  if (r.length === 12 && at(2).toLowerCase() in TYPES) return 'primary';
  if (r.length === 6 && ENT_NUM.test(at(1))) return 'address';
  if (r.length === 5 && ENT_NUM.test(at(1)) && /^[afn]ka$/i.test(at(2))) return 'alias';
  if (r.length === 2 && at(1)) return 'comments';
  return undefined;
}

const SHAPE_OF_FORMAT: Record<string, OfacCsvShape> = {
  'us-ofac-sdn-csv': 'primary',
  'us-ofac-cons-csv': 'primary',
  'us-ofac-add-csv': 'address',
  'us-ofac-alt-csv': 'alias',
  'us-ofac-comments-csv': 'comments',
};

/**
 * Confidence that a head is the given OFAC CSV format. Content decides the shape; between `sdn.csv` and `cons_prim.csv`
 * (same shape) only the key can decide, so the key hint shifts the score by a little: enough to break the tie, not enough
 * to beat a format that the content matches better.
 */
export function sniffOfacCsv(formatId: string, head: string, key: string): number {
  const want = SHAPE_OF_FORMAT[formatId];
  if (!want || detectOfacCsvShape(head) !== want) return 0;
  if (want !== 'primary') return 0.95;
  const cons = pickOfacListFromKey({ key, head }) === 'us-ofac-cons';
  return formatId === 'us-ofac-cons-csv' ? (cons ? 0.95 : 0.9) : cons ? 0.9 : 0.95;
}
