import type { EntityType } from '../model.ts';
import { InvalidInputError } from '../../errors.ts';
import { BIRTH_DATE, birthDateOf } from './birth-dates.ts';
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
import { readRootName } from './ofac-xml.ts';
import type { FileSummary, ListFormat, ParsedRecord } from './types.ts';
import { countryCodesOfUkText } from './uk.ts';
import { findChild, findChildren, readChildText, readXmlRecords, type XmlNode } from './xml-records.ts';

/*
 * The FCDO's UK Sanctions List as XML (`UK_Sanctions_List.xml`), since 28 January 2026 the only official UK list (OFSI's
 * Consolidated List, our `uk-hmt`, is retired; its files stay readable for history). Root `Designations`, one
 * `Designation` per designated person, entity or ship (sanctions-formats.md §5), so one element is one entity: no
 * grouping, unlike the CSV (one row per name) and unlike OFSI's ConList.
 *
 * Decisions:
 * - List `uk-fcdo`, the id the CSV of the same list already loads into: the XML and the CSV are two files of one list,
 *   and a new id would split its history.
 * - `UniqueID` (`RUS0251`) is the sourceId, as in the CSV. `OFSIGroupID` is kept as the identifier `ofsi-group-id`:
 *   it is the `Group ID` of the retired OFSI list, the join to its history. `UNReferenceNumber` → `un-reference`.
 * - Names of every type fold into the entity: `Primary Name` is the name, `Primary Name Variation` and `Alias` are
 *   strong aliases unless `AliasStrength` says weak/low; non-Latin names are strong aliases.
 * - `RegimeName` is the programme; `DateDesignated` (DD/MM/YYYY) the listing date; `DOB`s kept as published
 *   (`dd/mm/1945` → `1945`, birth-dates.ts); nationalities, countries of birth, address countries and ships' current
 *   flags are countries with their roles; passports, national ids, business registration numbers and IMO numbers are
 *   identifiers.
 */

const typeOf = (t: string): EntityType => {
  const s = t.toLowerCase();
  if (s.startsWith('individual')) return 'person';
  if (s.startsWith('entity')) return 'organization';
  if (s.startsWith('ship')) return 'vessel';
  return 'other';
};

/**
 * The trimmed, non-empty texts of every descendant, by local name: one walk of the designation's small tree, where a
 * walk per field would cost a dozen (the list's nesting is shallow and regular: `IndividualDetails/Individual/DOBs/DOB`).
 */
function textsByName(node: XmlNode): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const walk = (n: XmlNode): void => {
    for (const c of n.children) {
      const t = cleanText(c.text);
      if (t) (out.get(c.name) ?? out.set(c.name, []).get(c.name)!).push(t);
      walk(c);
    }
  };
  walk(node);
  return out;
}

const NAME_PARTS = ['Name1', 'Name2', 'Name3', 'Name4', 'Name5', 'Name6'];

function readNames(d: EntityDraft, node: XmlNode, texts: (name: string) => string[]): void {
  for (const n of findChildren(findChild(node, 'Names'), 'Name')) {
    const full = cleanText(NAME_PARTS.map((p) => readChildText(n, p)).join(' ')) || readChildText(n, 'Name');
    const type = cleanText(readChildText(n, 'NameType')).toLowerCase();
    const weak = /weak|low/i.test(readChildText(n, 'AliasStrength'));
    if (type === 'primary name') setPrimaryName(d, full);
    else addName(d, full, weak ? 'weak' : 'strong');
  }
  for (const nl of texts('NameNonLatinScript')) addName(d, nl);
}

export async function* parseUkSanctionsListXml(
  text: AsyncIterable<string>,
  _hint: unknown,
  summary: FileSummary,
): AsyncGenerator<ParsedRecord> {
  const seen = new Set<string>();
  for await (const item of readXmlRecords(text, (n) => n === 'Designation' || n === 'DateGenerated')) {
    if (item.kind === 'root') {
      if (item.name !== 'Designations')
        throw new InvalidInputError(`not a UK Sanctions List XML file: root element <${item.name}>`, { where: '1:1' });
      continue;
    }
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const { node, index } = item;
    if (node.name === 'DateGenerated') {
      summary.publishedAt ??=
        isoDateOf(node.text.trim().slice(0, 10), 'dmy') ?? /^\d{4}-\d{2}-\d{2}/.exec(node.text.trim())?.[0];
      continue;
    }
    const where = `element Designation #${index}`;
    const id = cleanText(readChildText(node, 'UniqueID'));
    if (id && seen.has(id)) {
      yield { kind: 'reject', where, reason: `UniqueID ${id} repeated` };
      continue;
    }
    if (id) seen.add(id);
    yield buildEntity(node, id, where);
  }
}

function buildEntity(node: XmlNode, id: string, where: string): ParsedRecord {
  const d = createDraft('uk-fcdo', id);
  d.type = typeOf(readChildText(node, 'IndividualEntityShip'));
  const byName = textsByName(node);
  const textsOf = (name: string): string[] => byName.get(name) ?? [];
  readNames(d, node, textsOf);
  addProgram(d, readChildText(node, 'RegimeName'));
  addListedOn(d, isoDateOf(readChildText(node, 'DateDesignated'), 'dmy'));
  addIdentifier(d, 'ofsi-group-id', readChildText(node, 'OFSIGroupID'));
  addIdentifier(d, 'un-reference', readChildText(node, 'UNReferenceNumber'));
  for (const a of findChildren(findChild(node, 'Addresses'), 'Address'))
    for (const c of countryCodesOfUkText(readChildText(a, 'AddressCountry'))) addCountry(d, c, 'address');
  for (const t of textsOf('Nationality')) for (const c of countryCodesOfUkText(t)) addCountry(d, c, 'nationality');
  for (const t of textsOf('CountryOfBirth')) for (const c of countryCodesOfUkText(t)) addCountry(d, c, 'birth');
  for (const t of textsOf('CurrentBelievedFlagOfShip'))
    for (const c of countryCodesOfUkText(t)) addCountry(d, c, 'flag');
  for (const dob of textsOf('DOB')) addIdentifier(d, BIRTH_DATE, birthDateOf(dob));
  for (const p of textsOf('PassportNumber')) addIdentifier(d, 'passport', p);
  for (const n of textsOf('NationalIdentifierNumber')) addIdentifier(d, 'national-id', n);
  for (const r of textsOf('BusinessRegistrationNumber')) addIdentifier(d, 'registration', r);
  for (const imo of textsOf('IMONumber')) addIdentifier(d, 'imo', /\b(\d{7})\b/.exec(imo)?.[1] ?? imo);
  return finishDraft(d, id ? `${where} (UniqueID ${id})` : where);
}

export const ukSanctionsListXml: ListFormat = {
  id: 'uk-fcdo-xml',
  list: 'uk-fcdo',
  role: 'full',
  parse: parseUkSanctionsListXml,
};

/** Root `Designations` with `Designation` records (the head shows a `UniqueID` or `OFSIGroupID` when it is this list). */
export function sniffUkSanctionsListXml(head: string, _key: string): number {
  if (readRootName(head) !== 'Designations') return 0;
  return /<(?:\w+:)?(UniqueID|OFSIGroupID|RegimeName)>/.test(head) ? 0.97 : 0.6;
}
