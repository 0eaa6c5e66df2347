import { countryCodeOf, countryCodesIn } from '../countries.ts';
import { InvalidInputError } from '../../errors.ts';
import {
  addCountry,
  addIdentifier,
  addListedOn,
  addName,
  addProgram,
  cleanText,
  createDraft,
  finishDraft,
} from './entity-draft.ts';
import { BIRTH_DATE, birthDateOf } from './birth-dates.ts';
import { normaliseIdType } from './ofac-ids.ts';
import { readRootName } from './ofac-xml.ts';
import type { FileSummary, ListFormat, ParsedRecord } from './types.ts';
import { findChild, findChildren, readXmlRecords, readChildText, type XmlNode } from './xml-records.ts';

/*
 * UN Security Council Consolidated List (sanctions-formats.md §6): `<CONSOLIDATED_LIST dateGenerated>` with
 * `INDIVIDUALS/INDIVIDUAL` and `ENTITIES/ENTITY`.
 *
 * Decisions:
 * - sourceId `DATAID`; `REFERENCE_NUMBER` (`QDi.430`) kept as identifier `un-reference`: EU and UK quote it, so it joins lists.
 * - INDIVIDUAL → person, ENTITY → organization (the UN lists vessels as entities and does not mark them).
 * - The name is FIRST…FOURTH_NAME joined in the list's order (name parts as given, not given/family). `NAME_ORIGINAL_SCRIPT`
 *   is a strong alias. Alias QUALITY `Low` → weak; `Good`, `a.k.a.`, `f.k.a.` and empty → strong (UN guidance: only
 *   low-quality aliases are too vague to match on).
 * - Countries: NATIONALITY/VALUE → nationality; address COUNTRY → address; place of birth COUNTRY (and an alias's
 *   COUNTRY_OF_BIRTH) → birth; document ISSUING_COUNTRY / COUNTRY_OF_ISSUE → other. Free text, resolved by countries.ts.
 * - `UN_LIST_TYPE` → programs; `LISTED_ON` → listedOn; `dateGenerated` → summary.publishedAt.
 */

const NAME_PARTS = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'];

export async function* parseUnXml(
  text: AsyncIterable<string>,
  _hint: unknown,
  summary: FileSummary,
): AsyncGenerator<ParsedRecord> {
  const seen = new Set<string>();
  for await (const item of readXmlRecords(text, (n) => n === 'INDIVIDUAL' || n === 'ENTITY')) {
    if (item.kind === 'root') {
      if (item.name !== 'CONSOLIDATED_LIST') {
        throw new InvalidInputError(`not a UN consolidated list: root element <${item.name}>`, { where: '1:1' });
      }
      const generated = cleanText(item.attrs.dateGenerated);
      if (/^\d{4}-\d{2}-\d{2}/.test(generated)) summary.publishedAt = generated;
      continue;
    }
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const where = `element ${item.node.name} #${item.index}`;
    const id = readChildText(item.node, 'DATAID');
    if (id && seen.has(id)) {
      yield { kind: 'reject', where, reason: `DATAID ${id} repeated` };
      continue;
    }
    if (id) seen.add(id);
    yield buildEntity(item.node, where);
  }
}

function buildEntity(node: XmlNode, where: string): ParsedRecord {
  const person = node.name === 'INDIVIDUAL';
  const d = createDraft('un-sc', readChildText(node, 'DATAID'));
  d.type = person ? 'person' : 'organization';
  addName(
    d,
    NAME_PARTS.map((p) => readChildText(node, p))
      .filter(Boolean)
      .join(' '),
  );
  addName(d, readChildText(node, 'NAME_ORIGINAL_SCRIPT'));
  addIdentifier(d, 'un-reference', readChildText(node, 'REFERENCE_NUMBER'));
  addProgram(d, readChildText(node, 'UN_LIST_TYPE'));
  const listedOn = /^\d{4}-\d{2}-\d{2}/.exec(readChildText(node, 'LISTED_ON'))?.[0];
  addListedOn(d, listedOn);

  for (const alias of findChildren(node, person ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
    const weak = readChildText(alias, 'QUALITY').toLowerCase() === 'low';
    addName(d, readChildText(alias, 'ALIAS_NAME'), weak ? 'weak' : 'strong');
    addCountry(d, countryCodeOf(readChildText(alias, 'COUNTRY_OF_BIRTH')), 'birth');
  }
  for (const value of findChildren(findChild(node, 'NATIONALITY'), 'VALUE')) {
    for (const code of countryCodesIn(value.text)) addCountry(d, code, 'nationality');
  }
  for (const address of findChildren(node, person ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) {
    addCountry(d, countryCodeOf(readChildText(address, 'COUNTRY')), 'address');
  }
  for (const place of findChildren(node, 'INDIVIDUAL_PLACE_OF_BIRTH')) {
    addCountry(d, countryCodeOf(readChildText(place, 'COUNTRY')), 'birth');
  }
  // Birth dates as published (exact date, year, or a range of years): what tells two namesakes apart across lists.
  for (const dob of findChildren(node, 'INDIVIDUAL_DATE_OF_BIRTH')) {
    const [from, to] = [readChildText(dob, 'FROM_YEAR'), readChildText(dob, 'TO_YEAR')];
    const value = birthDateOf(
      readChildText(dob, 'DATE') || readChildText(dob, 'YEAR') || (from && to ? `${from} to ${to}` : from || to),
    );
    if (value) addIdentifier(d, BIRTH_DATE, value);
  }
  for (const doc of findChildren(node, 'INDIVIDUAL_DOCUMENT')) {
    const number = readChildText(doc, 'NUMBER');
    const docType = readChildText(doc, 'TYPE_OF_DOCUMENT');
    if (number) addIdentifier(d, docType ? normaliseIdType(docType) : 'document', number);
    addCountry(d, countryCodeOf(readChildText(doc, 'ISSUING_COUNTRY')), 'other');
    addCountry(d, countryCodeOf(readChildText(doc, 'COUNTRY_OF_ISSUE')), 'other');
  }
  return finishDraft(d, where);
}

export const unXml: ListFormat = {
  id: 'un-sc-xml',
  list: 'un-sc',
  role: 'full',
  parse: parseUnXml,
};

/** The root element `CONSOLIDATED_LIST`. */
export function sniffUnXml(head: string, _key: string): number {
  if (readRootName(head) === 'CONSOLIDATED_LIST')
    return /<INDIVIDUALS?\b|<ENTIT(Y|IES)\b|sc-sanctions/.test(head) ? 0.98 : 0.9;
  return 0;
}
