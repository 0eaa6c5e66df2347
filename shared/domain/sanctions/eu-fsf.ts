import { SaxesParser } from 'saxes';
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
  isoDateOf,
  type EntityDraft,
} from './entity-draft.ts';
import type { FileSummary, ListFormat, ParsedRecord } from './types.ts';

/*
 * EU Financial Sanctions Files 1.1 (sanctions-formats.md §4): XML (`export/sanctionEntity`) and CSV (`;`, UTF-8 + BOM, one
 * row per entity × name × address × birth date …, grouped by `Entity_LogicalId`). sourceId = logicalId; `strong="false"`
 * names are weak aliases; `countryIso2Code` `00`/empty = unknown; programmes from `regulation/@programme`; the UN and EU
 * references are kept as identifiers (they join lists).
 */

/** Longest text node we accept: remarks are a few KB; anything longer is not a sanctions file. */
export const MAX_TEXT_CHARS = 100_000;

const typeOf = (code: string): EntityType => {
  const c = cleanText(code).toLowerCase();
  if (c === 'person' || c === 'p') return 'person';
  if (c === 'enterprise' || c === 'e') return 'organization';
  return 'other';
};

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** ISO dates (`2022-04-08`, timestamps) and, in the CSV, `DD/MM/YYYY` (the date format of the EU's own CSV exports). */
const isoDay = (s: string | undefined): string | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(cleanText(s));
  return m ? m[1] : isoDateOf(s, 'dmy');
};

const nameOf = (
  whole: string | undefined,
  first: string | undefined,
  middle: string | undefined,
  last: string | undefined,
): string => cleanText(whole) || cleanText([first, middle, last].map(cleanText).filter(Boolean).join(' '));

/** Country-bearing children and the role their `countryIso2Code` plays. */
const COUNTRY_ROLE = {
  citizenship: 'citizenship',
  address: 'address',
  birthdate: 'birth',
  identification: 'other',
} as const;

/**
 * Streams `sanctionEntity` records with saxes, one record at a time: events fill a draft, and a finished record is queued
 * and yielded after the chunk that completed it. DOCTYPEs and entity references other than the five predefined ones are
 * refused (no DTD is ever read or expanded: sanctions-formats.md §0.4).
 */
async function* parseEuXml(text: AsyncIterable<string>, summary: FileSummary): AsyncGenerator<ParsedRecord> {
  const parser = new SaxesParser({ position: true });
  const ready: ParsedRecord[] = [];
  const path: string[] = [];
  let count = 0;
  let draft: EntityDraft | undefined;
  let textLength = 0;
  let rootSeen = false;
  let designated = false;
  const fail = (message: string): never => {
    throw new InvalidInputError(message, { where: `line ${parser.line} column ${parser.column}` });
  };
  parser.on('doctype', () => fail('DOCTYPE refused in a sanctions XML (no DTD is ever processed)'));
  parser.on('error', (err) => fail(`XML does not parse: ${err.message}`));
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    const a = tag.attributes as Record<string, string>;
    textLength = 0;
    if (!rootSeen) {
      rootSeen = true;
      if (name !== 'export') fail(`not an EU Financial Sanctions File: root <${tag.name}>`);
      summary.publishedAt ??= isoDay(a.generationDate);
    }
    path.push(name);
    if (name === 'sanctionEntity' && path.length === 2) {
      count++;
      draft = createDraft('eu-fsf', a.logicalId ?? '');
      addIdentifier(draft, 'eu-reference', a.euReferenceNumber);
      addIdentifier(draft, 'un-reference', a.unitedNationId);
      addListedOn(draft, isoDay(a.designationDate));
      designated = draft.listedOn !== undefined;
      return;
    }
    if (!draft) return;
    const parent = path[path.length - 2];
    switch (name) {
      case 'subjectType':
        draft.type ??= typeOf(a.code ?? a.classificationCode ?? '');
        break;
      case 'nameAlias':
        addName(
          draft,
          nameOf(a.wholeName, a.firstName, a.middleName, a.lastName),
          a.strong === 'false' ? 'weak' : 'strong',
        );
        break;
      case 'regulation':
        addProgram(draft, a.programme);
        // No designationDate (often empty): the entity's own regulation is when it was listed.
        if (parent === 'sanctionEntity' && !designated) addListedOn(draft, isoDay(a.publicationDate));
        break;
      case 'citizenship':
      case 'address':
      case 'birthdate':
      case 'identification':
        if (parent === 'sanctionEntity') addCountry(draft, a.countryIso2Code, COUNTRY_ROLE[name]);
        if (name === 'identification') addIdentifier(draft, cleanText(a.identificationTypeCode) || 'id', a.number);
        break;
    }
  });
  const onText = (t: string) => {
    textLength += t.length;
    if (textLength > MAX_TEXT_CHARS) fail(`text node longer than ${MAX_TEXT_CHARS} characters`);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    textLength = 0;
    const name = path.pop();
    if (name === 'sanctionEntity' && path.length === 1 && draft) {
      ready.push(finishDraft(draft, `element sanctionEntity #${count}`));
      draft = undefined;
    }
  });

  for await (const chunk of text) {
    parser.write(chunk);
    while (ready.length) yield ready.shift()!;
  }
  parser.close();
  while (ready.length) yield ready.shift()!;
  if (!rootSeen) throw new InvalidInputError('empty EU Financial Sanctions File', { where: 'file' });
}

/**
 * The CSV: rows of one entity are contiguous in the official file, so each group is finished when the id changes and
 * only one draft is ever held. The ids already finished are remembered (a few thousand strings) so that a file that
 * breaks the contiguity rule is reported instead of silently yielding the same entity twice.
 */
async function* parseEuCsv(text: AsyncIterable<string>, summary: FileSummary): AsyncGenerator<ParsedRecord> {
  let header: ReturnType<typeof indexHeader> | undefined;
  let current: { id: string; d: EntityDraft; where: string } | undefined;
  const done = new Set<string>();
  for await (const row of readCsvRows(text, { delimiter: ';' })) {
    const where = `line ${row.line}`;
    if (row.kind === 'reject') {
      yield { kind: 'reject', where, reason: row.reason };
      continue;
    }
    if (!header) {
      header = indexHeader(row.cells);
      if (!header.has('Entity_LogicalId'))
        throw new InvalidInputError('not an EU FSF CSV: no Entity_LogicalId header', { where });
      continue;
    }
    const get = (n: string) => header!.get(row.cells, n);
    summary.publishedAt ??= isoDay(get('fileGenerationDate'));
    const id = cleanText(get('Entity_LogicalId'));
    if (!id) {
      yield { kind: 'reject', where, reason: 'no Entity_LogicalId' };
      continue;
    }
    if (current?.id !== id) {
      if (current) {
        done.add(current.id);
        yield finishDraft(current.d, current.where);
      }
      if (done.has(id)) {
        yield { kind: 'reject', where, reason: `rows of entity ${id} are not contiguous: this row is ignored` };
        current = undefined;
        continue;
      }
      const d = createDraft('eu-fsf', id);
      current = { id, d, where: `entity ${id} (${where})` };
      addIdentifier(d, 'eu-reference', get('Entity_EU_ReferenceNumber'));
      addIdentifier(d, 'un-reference', get('Entity_UnitedNationId'));
      addListedOn(d, isoDay(get('Entity_DesignationDate')));
    }
    const d = current.d;
    d.type ??= typeOf(get('Entity_SubjectType') || get('Entity_SubjectType_ClassificationCode'));
    addProgram(d, get('Entity_Regulation_Programme'));
    if (!d.listedOn) addListedOn(d, isoDay(get('Entity_Regulation_PublicationDate')));
    const strong = cleanText(get('NameAlias_Strong')).toLowerCase() !== 'false';
    addName(
      d,
      nameOf(
        get('NameAlias_WholeName'),
        get('NameAlias_FirstName'),
        get('NameAlias_MiddleName'),
        get('NameAlias_LastName'),
      ),
      strong ? 'strong' : 'weak',
    );
    addCountry(d, get('Citizenship_CountryIso2Code'), 'citizenship');
    addCountry(d, get('Address_CountryIso2Code'), 'address');
    addCountry(d, get('BirthDate_CountryIso2Code'), 'birth');
    addCountry(d, get('Identification_CountryIso2Code'), 'other');
    addIdentifier(d, cleanText(get('Identification_TypeCode')) || 'id', get('Identification_Number'));
  }
  if (!header) throw new InvalidInputError('empty EU FSF CSV', { where: 'line 1' });
  if (current) yield finishDraft(current.d, current.where);
}

export const euFsfXml: ListFormat = {
  id: 'eu-fsf-xml',
  list: 'eu-fsf',
  role: 'full',
  parse: (text, _hint, summary) => parseEuXml(text, summary),
};

export const euFsfCsv: ListFormat = {
  id: 'eu-fsf-csv',
  list: 'eu-fsf',
  role: 'full',
  parse: (text, _hint, summary) => parseEuCsv(text, summary),
};

export function sniffEuFsfXml(head: string, key: string): number {
  const h = head.slice(0, 8192);
  const root = /<(?:[\w-]+:)?export\b[^>]*>/.exec(h);
  if (!root) return 0;
  if (/fpi\/fsd\/export/.test(root[0]) || /<(?:[\w-]+:)?sanctionEntity\b/.test(h)) return 0.97;
  return /fsf|eu.?sanctions/i.test(key) ? 0.5 : 0.2;
}

export function sniffEuFsfCsv(head: string, key: string): number {
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (!first.includes(';')) return 0;
  const cols = first.split(';').map((c) => c.replace(/"/g, '').trim());
  if (cols.includes('Entity_LogicalId')) return cols.includes('NameAlias_WholeName') ? 0.97 : 0.8;
  return /fsf/i.test(key) && cols.some((c) => c.startsWith('Entity_')) ? 0.3 : 0;
}
