import { countryCodeOf, countryCodesIn } from '../countries.ts';
import type { EntityType, ListId } from '../model.ts';
import { InvalidInputError } from '../../errors.ts';
import { BIRTH_DATE, birthDateOf } from './birth-dates.ts';
import {
  addCountry,
  addIdentifier,
  addName,
  addProgram,
  cleanText,
  createDraft,
  finishDraft,
  isoDateOf,
} from './entity-draft.ts';
import { findBirthCountry } from './ofac-csv.ts';
import { pickIdCountryRole, normaliseIdType, extractImoNumber, isPseudoId } from './ofac-ids.ts';
import type { DetectHint, FileSummary, ListFormat, ParsedRecord } from './types.ts';
import { findChild, findChildren, readXmlRecords, readChildText, type XmlNode } from './xml-records.ts';

/*
 * OFAC legacy XML, `sdnList` schema (sanctions-formats.md §2): `sdn.xml` and the non-SDN `consolidated.xml`.
 *
 * Decisions:
 * - Local names only: the default namespace changed from tempuri.org to the Sanctions List Service URL.
 * - Names follow the CSV so the same list read from either format gives the same entity: an individual's `name` is
 *   `LAST, First` (as the CSV writes it) and `First LAST` is a strong alias; an aka with a first name gets both forms
 *   too, in its own strength (`category` weak → weakAliases; the XML, unlike the CSV, knows).
 * - Pseudo-ids in `idList` (sanctions directives, websites, e-mail, former flags …) are dropped (ofac-ids.ts). An id's
 *   `idCountry` is a country with role `registration` (registration and tax numbers) or `other` (passports, ID cards).
 * - The list: consolidated (non-SDN) if the head shows a programme or remark only the non-SDN list has (`NS-PLC`,
 *   `561List`, `FSE-…`, `NS-MBS`, `NS-ISA`, `CMIC-EO13959`, "Not on the SDN List"); else the key (`cons`, `consolidated`,
 *   `non-sdn`); else SDN. An SDN file cannot be told by content (its programmes also appear on the non-SDN list).
 * - `Record_Count` → `summary.declaredCount` (the ingest compares it with the entities it got); `Publish_Date`
 *   (MM/DD/YYYY) → `summary.publishedAt`.
 */

const NON_SDN_MARKS = /<(?:\w+:)?program>\s*(?:NS-PLC|561List|FSE-[A-Z]+|NS-MBS|NS-ISA|NS-CMIC|CMIC-EO13959)\s*</i;

export function pickOfacXmlList(hint: DetectHint): ListId {
  if (NON_SDN_MARKS.test(hint.head) || /Not on the SDN List/i.test(hint.head)) return 'us-ofac-cons';
  return /(^|[/_.-])cons(olidated)?([/_.-]|$)|non.?sdn/i.test(hint.key) ? 'us-ofac-cons' : 'us-ofac-sdn';
}

const TYPES: Record<string, EntityType> = {
  individual: 'person',
  entity: 'organization',
  vessel: 'vessel',
  aircraft: 'aircraft',
};

/** `LAST` + `First` → [`LAST, First`, `First LAST`]; an entity (no first name) → [`NAME`]. */
function readNames(node: XmlNode): string[] {
  const last = cleanText(readChildText(node, 'lastName'));
  const first = cleanText(readChildText(node, 'firstName'));
  if (!first) return last ? [last] : [];
  if (!last) return [first];
  return [`${last}, ${first}`, `${first} ${last}`];
}

export async function* parseOfacXml(
  text: AsyncIterable<string>,
  hint: DetectHint,
  summary: FileSummary,
): AsyncGenerator<ParsedRecord> {
  const list = pickOfacXmlList(hint);
  const seen = new Set<string>();
  for await (const item of readXmlRecords(text, (n) => n === 'sdnEntry' || n === 'publshInformation')) {
    if (item.kind === 'root') {
      if (item.name !== 'sdnList')
        throw new InvalidInputError(`not an OFAC sdnList file: root element <${item.name}>`, { where: '1:1' });
      continue;
    }
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const { node, index } = item;
    if (node.name === 'publshInformation') {
      const date = isoDateOf(readChildText(node, 'Publish_Date'), 'mdy');
      if (date) summary.publishedAt = date;
      const count = readChildText(node, 'Record_Count');
      if (/^\d{1,9}$/.test(count)) summary.declaredCount = Number(count);
      continue;
    }
    const where = `element sdnEntry #${index}`;
    const uid = readChildText(node, 'uid');
    if (uid && seen.has(uid)) {
      yield { kind: 'reject', where, reason: `uid ${uid} repeated` };
      continue;
    }
    if (uid) seen.add(uid);
    yield buildEntity(node, list, where);
  }
}

function buildEntity(node: XmlNode, list: ListId, where: string): ParsedRecord {
  const d = createDraft(list, readChildText(node, 'uid'));
  d.type = TYPES[readChildText(node, 'sdnType').toLowerCase()] ?? 'other';
  for (const n of readNames(node)) addName(d, n);
  for (const p of findChildren(findChild(node, 'programList'), 'program')) addProgram(d, p.text);
  for (const aka of findChildren(findChild(node, 'akaList'), 'aka')) {
    const weak = readChildText(aka, 'category').toLowerCase() === 'weak';
    for (const n of readNames(aka)) addName(d, n, weak ? 'weak' : 'strong');
  }
  for (const a of findChildren(findChild(node, 'addressList'), 'address'))
    addCountry(d, countryCodeOf(readChildText(a, 'country')), 'address');
  for (const n of findChildren(findChild(node, 'nationalityList'), 'nationality')) {
    for (const code of countryCodesIn(readChildText(n, 'country'))) addCountry(d, code, 'nationality');
  }
  for (const c of findChildren(findChild(node, 'citizenshipList'), 'citizenship')) {
    for (const code of countryCodesIn(readChildText(c, 'country'))) addCountry(d, code, 'citizenship');
  }
  for (const b of findChildren(findChild(node, 'dateOfBirthList'), 'dateOfBirthItem'))
    addIdentifier(d, BIRTH_DATE, birthDateOf(readChildText(b, 'dateOfBirth')));
  for (const p of findChildren(findChild(node, 'placeOfBirthList'), 'placeOfBirthItem')) {
    addCountry(d, findBirthCountry(readChildText(p, 'placeOfBirth')), 'birth');
  }
  const vessel = findChild(node, 'vesselInfo');
  if (vessel) {
    addCountry(d, countryCodeOf(readChildText(vessel, 'vesselFlag')), 'flag');
    addIdentifier(d, 'call-sign', readChildText(vessel, 'callSign'));
  }
  for (const id of findChildren(findChild(node, 'idList'), 'id')) {
    const idType = readChildText(id, 'idType');
    if (!idType || isPseudoId(idType)) continue;
    const type = normaliseIdType(idType);
    const number = readChildText(id, 'idNumber');
    addIdentifier(d, type, type === 'imo' ? extractImoNumber(number) : number);
    const country = readChildText(id, 'idCountry');
    if (country) addCountry(d, countryCodeOf(country), pickIdCountryRole(type));
  }
  return finishDraft(d, where);
}

export const ofacXml: ListFormat = {
  id: 'us-ofac-xml',
  list: pickOfacXmlList,
  role: 'full',
  parse: parseOfacXml,
};

/** The root element `sdnList` (any namespace) in the head, after the XML declaration and comments. */
export function sniffOfacXml(head: string, key: string): number {
  if (!/^\s*</.test(head.replace(/^\uFEFF/, ''))) return 0;
  if (readRootName(head) === 'sdnList') return 0.98;
  return /sdn.*\.xml$/i.test(key) && /<(?:\w+:)?sdnEntry\b/.test(head) ? 0.5 : 0;
}

/** The local name of the first element of an XML head (skipping the declaration, comments and processing instructions). */
export function readRootName(head: string): string | undefined {
  const s = head.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '');
  const m = /<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s>/]/.exec(s);
  if (!m || m[1]!.startsWith('!')) return undefined;
  const name = m[1]!;
  return name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
}
