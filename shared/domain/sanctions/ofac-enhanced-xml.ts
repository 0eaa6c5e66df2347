import { countryCodeOf, countryCodesIn } from '../countries.ts';
import type { CountryRole, EntityType, ListId } from '../model.ts';
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
  setPrimaryName,
  type EntityDraft,
} from './entity-draft.ts';
import { findBirthCountry, toNaturalOrder } from './ofac-csv.ts';
import { extractImoNumber, isPseudoId, normaliseIdType, pickIdCountryRole } from './ofac-ids.ts';
import { readRootName } from './ofac-xml.ts';
import type { DetectHint, FileSummary, ListFormat, ParsedRecord } from './types.ts';
import { findChild, findChildren, readChildText, readXmlRecords, type XmlNode } from './xml-records.ts';

/*
 * OFAC enhanced XML (`SDN_ENHANCED.XML`, `CONS_ENHANCED.XML`; the Sanctions List Service's richest file, about 100 MB
 * for the SDN list): root `sanctionsData` in the namespace `…/exports/ENHANCED_XML`, `publicationInfo/dataAsOf`, then
 * `entities/entity[@id]` with `generalInfo/entityType`, `sanctionsLists`, `sanctionsPrograms`, `names/name`,
 * `addresses`, `features` and `identityDocuments`.
 *
 * Decisions:
 * - The same lists as the legacy files (`us-ofac-sdn`, `us-ofac-cons`) with the same `sourceId`s: the entity `id` is
 *   the legacy `ent_num` / `uid` (9640 is "ABU TEIR, Mohammed" in both), so a list loaded from the legacy CSV and then
 *   from this file keeps its ids, counts and history. Names follow the legacy readers: the primary Latin name as OFAC
 *   writes it (`LAST, First`), and for individuals the natural order `First LAST` as a strong alias.
 * - Every translation of a name (Arabic, Cyrillic, Chinese … spellings) is an alias of that name's strength;
 *   `isLowQuality` names are weak aliases (never matched on, per OFAC's guidance), as `category=weak` in the legacy XML.
 * - Features: nationality, citizenship, place of birth, vessel flag and nationality of registration are countries
 *   with their roles; birth dates are kept as published (`birth-dates.ts`: a year stays a year); IMO, MMSI, call sign,
 *   SWIFT/BIC and digital-currency addresses (`digital-currency-xbt` …, the currency from the feature type) are
 *   identifiers. Identity documents go through the same id table as the legacy `idList` (ofac-ids.ts): passports,
 *   national ids and registration numbers, the issuing country as a country of the target.
 * - The list: the file says which lists it was filtered on (`publicationInfo/filters/sanctionsLists`): "SDN List" →
 *   SDN, any other (the consolidated file's "Consolidated List", "Non-SDN …") → non-SDN; without filters, the key
 *   (`CONS_ENHANCED.XML` / `SDN_ENHANCED.XML`), then a first entity on no SDN list → non-SDN; else SDN.
 * - The OFAC delta file shares the root name (`sanctionsData`, namespace `…/DeltaFile/1.0`); it is not a whole list and
 *   is refused (registry.ts), as is the "advanced" XML (`Sanctions`), which this project does not read.
 */

export const ENHANCED_XML_NAMESPACE =
  'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML';

const TYPES: Record<string, EntityType> = {
  individual: 'person',
  entity: 'organization',
  vessel: 'vessel',
  aircraft: 'aircraft',
};

const isTrue = (s: string) => s.trim().toLowerCase() === 'true';

/** The list names between `<sanctionsList …>` and `</sanctionsList>` in a piece of text. */
const listNamesIn = (text: string): string[] =>
  [...text.matchAll(/<(?:\w+:)?sanctionsList\b[^>]*>([^<]*)</g)].map((m) => cleanText(m[1]));

export function pickEnhancedXmlList(hint: DetectHint): ListId {
  const info = /<(?:\w+:)?publicationInfo\b[\s\S]*?<\/(?:\w+:)?publicationInfo>/.exec(hint.head)?.[0] ?? '';
  const filters = listNamesIn(info);
  if (filters.length > 0) return filters.some((n) => /^SDN List$/i.test(n)) ? 'us-ofac-sdn' : 'us-ofac-cons';
  // No filters: the file name OFAC gives it, then the first entity (a non-SDN entry can also be on the SDN list, so
  // an entity on no SDN list is the only content mark).
  if (/(^|[/_.-])cons(olidated)?([/_.-]|$)|non.?sdn/i.test(hint.key)) return 'us-ofac-cons';
  if (/(^|[/_.-])sdn([/_.-]|$)/i.test(hint.key)) return 'us-ofac-sdn';
  const firstEntity = /<(?:\w+:)?entity\b[\s\S]*?<\/(?:\w+:)?sanctionsLists>/.exec(hint.head)?.[0] ?? '';
  const lists = listNamesIn(firstEntity);
  return lists.length > 0 && !lists.some((n) => /^SDN List$/i.test(n)) ? 'us-ofac-cons' : 'us-ofac-sdn';
}

export async function* parseOfacEnhancedXml(
  text: AsyncIterable<string>,
  hint: DetectHint,
  summary: FileSummary,
): AsyncGenerator<ParsedRecord> {
  const list = pickEnhancedXmlList(hint);
  const seen = new Set<string>();
  for await (const item of readXmlRecords(text, (n) => n === 'entity' || n === 'publicationInfo')) {
    if (item.kind === 'root') {
      const ns = item.attrs.xmlns ?? '';
      if (item.name !== 'sanctionsData' || /DeltaFile/i.test(ns))
        throw new InvalidInputError(
          `not an OFAC enhanced XML file: root element <${item.name}>${ns ? ` in namespace ${ns}` : ''}`,
          { where: '1:1' },
        );
      continue;
    }
    if (item.kind === 'reject') {
      yield item;
      continue;
    }
    const { node, index } = item;
    if (node.name === 'publicationInfo') {
      const asOf = /^(\d{4}-\d{2}-\d{2})/.exec(readChildText(node, 'dataAsOf'))?.[1];
      if (asOf) summary.publishedAt = asOf;
      continue;
    }
    const where = `element entity #${index}`;
    const id = cleanText(node.attrs.id);
    if (!/^\d{1,12}$/.test(id)) {
      yield { kind: 'reject', where, reason: id ? `entity id "${id.slice(0, 40)}" is not a number` : 'no id' };
      continue;
    }
    if (seen.has(id)) {
      yield { kind: 'reject', where, reason: `entity id ${id} repeated` };
      continue;
    }
    seen.add(id);
    yield buildEntity(node, list, id, where);
  }
}

function buildEntity(node: XmlNode, list: ListId, id: string, where: string): ParsedRecord {
  const d = createDraft(list, id);
  d.type = TYPES[readChildText(findChild(node, 'generalInfo'), 'entityType').toLowerCase()] ?? 'other';
  for (const p of findChildren(findChild(node, 'sanctionsPrograms'), 'sanctionsProgram')) addProgram(d, p.text);
  for (const l of findChildren(findChild(node, 'sanctionsLists'), 'sanctionsList')) {
    const date = cleanText(l.attrs.datePublished);
    if (/^\d{4}-\d{2}-\d{2}$/.test(date)) addListedOn(d, date);
  }
  readNames(d, findChildren(findChild(node, 'names'), 'name'));
  for (const a of findChildren(findChild(node, 'addresses'), 'address'))
    addCountry(d, countryCodeOf(readChildText(a, 'country')), 'address');
  for (const f of findChildren(findChild(node, 'features'), 'feature')) readFeature(d, f);
  for (const doc of findChildren(findChild(node, 'identityDocuments'), 'identityDocument')) {
    const docType = readChildText(doc, 'type');
    if (!docType || isPseudoId(docType)) continue;
    const type = normaliseIdType(docType);
    const number = readChildText(doc, 'documentNumber');
    addIdentifier(d, type, type === 'imo' ? extractImoNumber(number) : number);
    const country = readChildText(doc, 'issuingCountry');
    if (country) addCountry(d, countryCodeOf(country), pickIdCountryRole(type));
  }
  return finishDraft(d, where);
}

/** The primary name first (it is the entity's `name`), then the others in file order. */
function readNames(d: EntityDraft, names: XmlNode[]): void {
  const ordered = [...names].sort(
    (a, b) => Number(isTrue(readChildText(b, 'isPrimary'))) - Number(isTrue(readChildText(a, 'isPrimary'))),
  );
  for (const [i, name] of ordered.entries()) {
    const strength = isTrue(readChildText(name, 'isLowQuality')) ? 'weak' : 'strong';
    const translations = findChildren(findChild(name, 'translations'), 'translation');
    // The name's own spelling: its primary translation (Latin in OFAC's files), else the first.
    const main = translations.find((t) => isTrue(readChildText(t, 'isPrimary'))) ?? translations[0];
    for (const t of main ? [main, ...translations.filter((x) => x !== main)] : []) {
      const full = fullNameOf(t);
      if (!full) continue;
      if (i === 0 && t === main && strength === 'strong' && isTrue(readChildText(name, 'isPrimary')))
        setPrimaryName(d, full);
      else addName(d, full, strength);
      // `LAST, First` of a person is also written `First LAST` (how news text names people), as the legacy readers do.
      if (d.type === 'person' && isLatin(t)) addName(d, toNaturalOrder(full), strength);
    }
  }
}

const isLatin = (t: XmlNode) => /^(latin)?$/i.test(readChildText(t, 'script'));

function fullNameOf(t: XmlNode): string {
  const full = cleanText(readChildText(t, 'formattedFullName'));
  if (full) return full;
  const last = cleanText(readChildText(t, 'formattedLastName'));
  const first = cleanText(readChildText(t, 'formattedFirstName'));
  return last && first ? `${last}, ${first}` : last || first;
}

const FEATURE_COUNTRY: [RegExp, CountryRole][] = [
  [/^nationality of registration$/, 'registration'],
  [/^nationality( country)?$/, 'nationality'],
  [/^citizenship( country)?$/, 'citizenship'],
  [/^vessel flag$/, 'flag'],
];

function readFeature(d: EntityDraft, f: XmlNode): void {
  const type = cleanText(readChildText(f, 'type')).toLowerCase();
  const value = cleanText(readChildText(f, 'value'));
  if (/^birth ?date$|^date of birth$/.test(type)) {
    addIdentifier(d, BIRTH_DATE, birthDateOf(value) ?? birthDateFromPeriod(findChild(f, 'valueDate')));
    return;
  }
  if (type === 'place of birth') {
    addCountry(d, findBirthCountry(value), 'birth');
    return;
  }
  const role = FEATURE_COUNTRY.find(([re]) => re.test(type))?.[1];
  if (role) {
    for (const code of countryCodesIn(value)) addCountry(d, code, role);
    return;
  }
  const currency = /^digital currency address - ([a-z0-9]+)$/.exec(type)?.[1];
  if (currency) addIdentifier(d, `digital-currency-${currency}`, value);
  else if (/\bimo\b|^vessel registration identification$/.test(type)) addIdentifier(d, 'imo', extractImoNumber(value));
  else if (/\bmmsi\b/.test(type)) addIdentifier(d, 'mmsi', value);
  else if (/call sign/.test(type)) addIdentifier(d, 'call-sign', value);
  else if (/swift|\bbic\b/.test(type)) addIdentifier(d, 'swift-bic', value);
}

/**
 * A birth date from its period when the feature has no published text: a whole year (`YYYY-01-01` to `YYYY-12-31`)
 * is the year, one day is that day; anything else is not a date we can state.
 */
function birthDateFromPeriod(p: XmlNode | undefined): string | undefined {
  const begin = readChildText(p, 'fromDateBegin');
  const end = readChildText(p, 'fromDateEnd') || readChildText(p, 'toDateEnd');
  if (!/^\d{4}-\d{2}-\d{2}/.test(begin)) return undefined;
  const b = begin.slice(0, 10);
  const e = end.slice(0, 10);
  if (!e || e === b) return b;
  if (b.endsWith('-01-01') && e === `${b.slice(0, 4)}-12-31`) return b.slice(0, 4);
  return undefined;
}

export const ofacEnhancedXml: ListFormat = {
  id: 'us-ofac-enhanced-xml',
  list: pickEnhancedXmlList,
  role: 'full',
  parse: parseOfacEnhancedXml,
};

/** The default namespace of the root element in a head ('' when none). */
export function rootNamespaceOf(head: string): string {
  const body = head.replace(/^\uFEFF/, '').replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, '');
  const root = /<[A-Za-z_][^>]*>/.exec(body)?.[0] ?? '';
  return /\sxmlns\s*=\s*["']([^"']*)["']/.exec(root)?.[1] ?? '';
}

/** An entity of an OFAC delta file: `<entity id="…" action="add">`. */
export const DELTA_ACTION = /<(?:\w+:)?entity\b[^>]*\saction\s*=/;

/** Root `sanctionsData` in the ENHANCED_XML namespace; without a namespace, with an `entities` element. */
export function sniffOfacEnhancedXml(head: string, _key: string): number {
  if (readRootName(head) !== 'sanctionsData') return 0;
  const ns = rootNamespaceOf(head);
  if (/\/ENHANCED_XML$/i.test(ns)) return 0.99;
  if (/DeltaFile/i.test(ns)) return 0;
  // Without a namespace, entities with an `action` (add, remove …) are a delta file's, not a whole list's.
  if (ns !== '' || DELTA_ACTION.test(head)) return 0;
  return /<(?:\w+:)?entit(y|ies)\b/.test(head) ? 0.6 : 0;
}
