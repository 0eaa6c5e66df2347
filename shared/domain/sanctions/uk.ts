import { countryCodesIn } from '../countries.ts';
import type { CountryRole, EntityType } from '../model.ts';
import { InvalidInputError } from '../../errors.ts';
import { BIRTH_DATE, birthDateOf } from './birth-dates.ts';
import { readCsvRows, headerKey, indexHeader } from './csv-rows.ts';
import {
  addCountry,
  addIdentifier,
  addListedOn,
  addName,
  addProgram,
  cleanText,
  createDraft,
  finishDraft,
  isoDateOf,
  setPrimaryName,
  type EntityDraft,
} from './entity-draft.ts';
import type { FileSummary, ListFormat, ParsedRecord } from './types.ts';

/*
 * UK lists, both "one row per name variant" tables grouped by an id (sanctions-formats.md §5):
 * - OFSI ConList CSV (HM Treasury): `Last Updated,DD/MM/YYYY` line, header, rows grouped by `Group ID`. Retired on
 *   28 January 2026 (the FCDO list below is the only official UK list since); read for history, list `uk-hmt`.
 * - FCDO UK Sanctions List CSV: `Report Date: DD-Mon-YYYY` line, header, rows grouped by `Unique ID`, list `uk-fcdo`
 *   (its XML: uk-sl-xml.ts). Every name type folds into the designation: `Primary Name` is the name, `Primary Name
 *   Variation` and `Alias` rows are aliases.
 * Columns are mapped by header name, never by position: the layouts changed over the years (29 columns in 2020, 36 in the
 * 2022 format) and real copies are mangled (an extra leading empty header cell in our 2020 sample).
 *
 * Memory: rows of one group are not guaranteed to be contiguous, so drafts are kept in a Map until the end of the file. The
 * UK lists hold a few thousand targets (4,416 OFSI / 4,456 FCDO in mid-2024), each draft a few hundred bytes of distinct
 * facts: a few MB at most, which is acceptable for a Lambda; the file itself is never held.
 */

const HEADER_SEARCH_ROWS = 5;

const typeOf = (groupType: string): EntityType => {
  const t = groupType.toLowerCase();
  if (t.startsWith('individual')) return 'person';
  if (t.startsWith('entity')) return 'organization';
  if (t.startsWith('ship')) return 'vessel';
  return 'other';
};

/**
 * Free-text country cells: `(1) Syria (2) Lebanon`, the mangled `1) Saudi Arabia 2) Qatar`, and remarks in brackets
 * (`Afghanistan (since 2009)`) all occur; enumerations become separators and remarks are dropped before resolution.
 */
export function countryCodesOfUkText(raw: string): string[] {
  const text = cleanText(raw)
    .replace(/(^|\s)\(?\d{1,2}\)\s*/g, ';')
    .replace(/\([^)]*\)/g, ' ');
  return text
    .split(';')
    .flatMap((p) => (p.trim() ? countryCodesIn(p.trim()) : []))
    .filter((c, i, all) => all.indexOf(c) === i);
}

const addCountriesFrom = (d: EntityDraft, raw: string, role: CountryRole) => {
  for (const c of countryCodesOfUkText(raw)) addCountry(d, c, role);
};

/** `UN Ref QDe.004`, `UN REF:QE.A.146.14`, `UN Ref.KPI.067`: the cross-list join key hidden in the remarks. */
const UN_REF = /UN\s*Ref(?:erence)?\.?\s*(?:No\.?|number)?\s*:?\s*([A-Za-z]{2,4}(?:\.[A-Za-z0-9]+)+)/i;
const IMO = /\bIMO(?:\s*(?:number|no\.?))?\s*:?\s*(\d{7})\b/i;

const fullName = (get: (n: string) => string): string =>
  cleanText(['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5', 'Name 6'].map(get).join(' '));

/** `10-Jan-2025` or `10/01/2025` → ISO. */
function isoOfReportDate(raw: string): string | undefined {
  const dmy = isoDateOf(raw, 'dmy');
  if (dmy) return dmy;
  const m = /^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ](\d{4})$/.exec(cleanText(raw));
  if (!m) return undefined;
  const month = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(
    m[2]!.toLowerCase(),
  );
  return month < 0 ? undefined : `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
}

interface UkLayout {
  list: 'uk-hmt' | 'uk-fcdo';
  idColumn: string;
  /** Cells of a row before the header that tell the publication date. */
  preamble(cells: string[], summary: FileSummary): void;
  fill(d: EntityDraft, get: (n: string) => string): void;
}

async function* parseUkCsv(
  text: AsyncIterable<string>,
  summary: FileSummary,
  layout: UkLayout,
): AsyncGenerator<ParsedRecord> {
  let header: ReturnType<typeof indexHeader> | undefined;
  let seen = 0;
  const drafts = new Map<string, EntityDraft>();
  for await (const row of readCsvRows(text, { delimiter: ',' })) {
    if (row.kind === 'reject') {
      yield { kind: 'reject', where: `line ${row.line}`, reason: row.reason };
      continue;
    }
    if (!header) {
      if (row.cells.some((c) => headerKey(c) === headerKey(layout.idColumn))) {
        // The 2020 sample's header has one extra leading empty cell that its rows do not have.
        const cells = row.cells[0] === '' ? row.cells.slice(1) : row.cells;
        header = indexHeader(cells);
        continue;
      }
      layout.preamble(row.cells, summary);
      if (++seen >= HEADER_SEARCH_ROWS) break;
      continue;
    }
    const get = (n: string) => header!.get(row.cells, n);
    const id = cleanText(get(layout.idColumn));
    if (!id) {
      yield { kind: 'reject', where: `line ${row.line}`, reason: `no ${layout.idColumn}` };
      continue;
    }
    let d = drafts.get(id);
    if (!d) {
      d = createDraft(layout.list, id);
      drafts.set(id, d);
    }
    layout.fill(d, get);
  }
  if (!header)
    throw new InvalidInputError(`not a UK sanctions CSV: no header with "${layout.idColumn}"`, { where: 'line 1' });
  for (const [id, d] of drafts) yield finishDraft(d, `group ${id}`);
}

const ofsiLayout: UkLayout = {
  list: 'uk-hmt',
  idColumn: 'Group ID',
  preamble(cells, summary) {
    if (headerKey(cells[0] ?? '') === 'lastupdated') summary.publishedAt ??= isoDateOf(cells[1], 'dmy');
  },
  fill(d, get) {
    d.type ??= typeOf(get('Group Type'));
    const name = fullName(get);
    const aliasType = get('Alias Type').toLowerCase();
    const weak = /low/i.test(get('Alias Quality'));
    // "Prime Alias" (≤2021) and "Primary name" (2022 format) mark the main name; "Primary name variation" is a spelling.
    if (!weak && /^prim(e alias|ary name)$/.test(cleanText(aliasType))) setPrimaryName(d, name);
    else addName(d, name, weak ? 'weak' : 'strong');
    addName(d, get('Name Non-Latin Script'), weak ? 'weak' : 'strong');
    addCountriesFrom(d, get('Nationality'), 'nationality');
    addCountriesFrom(d, get('Country of Birth'), 'birth');
    addCountriesFrom(d, get('Country'), 'address');
    addProgram(d, get('Regime'));
    addListedOn(d, isoDateOf(get('Listed On'), 'dmy'));
    addIdentifier(d, 'passport', get('Passport Number'));
    addIdentifier(d, 'national-id', get('National Identification Number'));
    addIdentifier(d, BIRTH_DATE, birthDateOf(get('DOB')));
    const other = get('Other Information');
    addIdentifier(d, 'un-reference', UN_REF.exec(other)?.[1]);
    addIdentifier(d, 'imo', IMO.exec(other)?.[1]);
  },
};

const fcdoLayout: UkLayout = {
  list: 'uk-fcdo',
  idColumn: 'Unique ID',
  preamble(cells, summary) {
    const m = /^Report Date:\s*(.+)$/i.exec(cleanText(cells[0]));
    if (m) summary.publishedAt ??= isoOfReportDate(m[1]!);
  },
  fill(d, get) {
    // The 2026 CSV names the type column `Designation Type`; earlier files `Individual, Entity, Ship`.
    d.type ??= typeOf(get('Designation Type') || get('Individual, Entity, Ship'));
    const name = fullName(get);
    const weak = /low|weak/i.test(get('Alias strength'));
    if (/^primary name$/i.test(cleanText(get('Name type')))) setPrimaryName(d, name);
    else addName(d, name, weak ? 'weak' : 'strong');
    addName(d, get('Name non-latin script'), weak ? 'weak' : 'strong');
    addCountriesFrom(d, get('Nationality(/ies)'), 'nationality');
    addCountriesFrom(d, get('Country of birth'), 'birth');
    addCountriesFrom(d, get('Address Country'), 'address');
    addCountriesFrom(d, get('Current believed flag of ship'), 'flag');
    addProgram(d, get('Regime Name'));
    addListedOn(d, isoDateOf(get('Date Designated'), 'dmy'));
    addIdentifier(d, 'ofsi-group-id', get('OFSI Group ID'));
    addIdentifier(d, 'un-reference', get('UN Reference Number'));
    addIdentifier(d, 'passport', get('Passport number'));
    addIdentifier(d, 'national-id', get('National Identifier number'));
    addIdentifier(d, 'imo', get('IMO number'));
    addIdentifier(d, 'registration', get('Business registration number (s)'));
    // As the XML of the same list does (uk-sl-xml.ts): `dd/mm/1971` stays the year.
    addIdentifier(d, BIRTH_DATE, birthDateOf(get('D.O.B')));
  },
};

export const ofsiConListCsv: ListFormat = {
  id: 'uk-ofsi-conlist-csv',
  list: 'uk-hmt',
  role: 'full',
  parse: (text, _hint, summary) => parseUkCsv(text, summary, ofsiLayout),
};

export const fcdoSanctionsListCsv: ListFormat = {
  id: 'uk-fcdo-csv',
  list: 'uk-fcdo',
  role: 'full',
  parse: (text, _hint, summary) => parseUkCsv(text, summary, fcdoLayout),
};

/** The header names both the 2020 and the 2022 OFSI layouts carry. */
export function sniffOfsiConListCsv(head: string, key: string): number {
  const h = head.slice(0, 4096);
  if (/Report Date:/i.test(h) || /Unique ID/i.test(h)) return 0;
  const hits = ['Name 6', 'Group Type', 'Alias Type', 'Regime', 'Group ID'].filter((c) => h.includes(c)).length;
  if (hits === 5) return 0.95;
  if (hits >= 3) return 0.6;
  return /conlist/i.test(key) && hits > 0 ? 0.3 : 0;
}

export function sniffFcdoSanctionsListCsv(head: string, key: string): number {
  const h = head.slice(0, 4096);
  const hits = ['Unique ID', 'OFSI Group ID', 'Name 6', 'Regime Name', 'Name type'].filter((c) => h.includes(c)).length;
  if (hits === 5) return /^\uFEFF?\s*Report Date:/i.test(h) ? 0.98 : 0.9;
  if (hits >= 3) return 0.6;
  return /uk.?sanctions.?list/i.test(key) && hits > 0 ? 0.3 : 0;
}
