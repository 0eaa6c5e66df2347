import { InvalidInputError } from '../../errors.ts';
import { DELTA_ACTION, rootNamespaceOf } from './ofac-enhanced-xml.ts';
import { pickOfacXmlList, readRootName } from './ofac-xml.ts';
import type { FileSummary, ListFormat, ParsedRecord } from './types.ts';

/*
 * Files we recognise but do not read, so the quarantine report can say what the file is and what to upload instead,
 * rather than "unknown format" (the OFAC portal offers the advanced, enhanced and delta XML side by side, and they are
 * easy to mistake for one another):
 * - OFAC "advanced" XML (`SDN_ADVANCED.XML`, `CONS_ADVANCED.XML`, root `Sanctions`, sanctions-formats.md §3): fully
 *   reference-based (code tables, then parties pointing into them); the enhanced XML carries the same facts inline and
 *   is what we read.
 * - OFAC delta XML (root `sanctionsData` in `…/DeltaFile/1.0`): changes since a publication, not a whole list; read as a
 *   whole list it would replace the list with its few changed entities.
 */

/** A parse that yields nothing and fails on its first read, with the report. */
function refuse(what: string, instead: string): AsyncIterable<ParsedRecord> {
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<ParsedRecord>> {
        // Imported when a file is refused, not at load: registry.ts imports this module.
        const { describeFormats } = await import('./registry.ts');
        throw new InvalidInputError(`${what} is not read: ${instead}.\n${describeFormats()}`, { where: '1:1' });
      },
    }),
  };
}

export const ofacAdvancedXml: ListFormat = {
  id: 'us-ofac-advanced-xml',
  list: pickOfacXmlList,
  role: 'full',
  parse: (_text: AsyncIterable<string>, _hint, _summary: FileSummary) =>
    refuse(
      'This is the OFAC "advanced" XML (SDN_ADVANCED.XML / CONS_ADVANCED.XML, root <Sanctions>), which',
      'upload the enhanced XML of the same list (SDN_ENHANCED.XML or CONS_ENHANCED.XML, also zipped) or the legacy CSV set or sdn.xml',
    ),
};

export const ofacDeltaXml: ListFormat = {
  id: 'us-ofac-delta-xml',
  list: pickOfacXmlList,
  role: 'full',
  parse: () =>
    refuse(
      'This is an OFAC delta XML (changes since a publication, namespace …/DeltaFile/1.0), which',
      'upload the whole list instead (SDN_ENHANCED.XML or CONS_ENHANCED.XML, or the legacy files)',
    ),
};

/** Root `Sanctions` in the ADVANCED_XML namespace (or the older `http://www.un.org/sanctions/1.0`). */
export function sniffOfacAdvancedXml(head: string, _key: string): number {
  if (readRootName(head) !== 'Sanctions') return 0;
  const ns = rootNamespaceOf(head);
  if (/\/ADVANCED_XML$/i.test(ns) || /un\.org\/sanctions\/1\.0/i.test(ns)) return 0.97;
  return /<(?:\w+:)?(ReferenceValueSets|DistinctParties|DateOfIssue)\b/.test(head) ? 0.7 : 0;
}

export function sniffOfacDeltaXml(head: string, _key: string): number {
  if (readRootName(head) !== 'sanctionsData') return 0;
  if (/DeltaFile/i.test(rootNamespaceOf(head))) return 0.99;
  return rootNamespaceOf(head) === '' && DELTA_ACTION.test(head) ? 0.9 : 0;
}
