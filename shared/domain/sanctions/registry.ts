import { bisDplTxt, sniffBisDplTxt } from './bis-dpl.ts';
import { euFsfCsv, euFsfXml, sniffEuFsfCsv, sniffEuFsfXml } from './eu-fsf.ts';
import { ofacAddressCsv, ofacAliasCsv, ofacCommentsCsv, ofacConsCsv, ofacSdnCsv, sniffOfacCsv } from './ofac-csv.ts';
import { ofacEnhancedXml, sniffOfacEnhancedXml } from './ofac-enhanced-xml.ts';
import { ofacXml, sniffOfacXml } from './ofac-xml.ts';
import { ofacAdvancedXml, ofacDeltaXml, sniffOfacAdvancedXml, sniffOfacDeltaXml } from './refused.ts';
import type { ListFormat } from './types.ts';
import {
  openSanctionsDelta,
  openSanctionsFtm,
  sniffOpenSanctionsDelta,
  sniffOpenSanctionsFtm,
} from './opensanctions.ts';
import { sniffUnXml, unXml } from './un-xml.ts';
import { fcdoSanctionsListCsv, ofsiConListCsv, sniffFcdoSanctionsListCsv, sniffOfsiConListCsv } from './uk.ts';
import { sniffUkSanctionsListXml, ukSanctionsListXml } from './uk-sl-xml.ts';
import { cslCsv, cslJson, sniffCslCsv, sniffCslJson } from './us-csl.ts';

/**
 * Where a format stands at its publisher: `current` (what the publisher recommends today), `legacy` (still read:
 * still published beside a newer format, or retired and kept readable for history), or `refused` (recognised so the
 * report can name it, but not read: its `parse` throws a report pointing to the formats we read).
 */
export type FormatStatus = 'current' | 'legacy' | 'refused';

/**
 * A list format with what detection needs: `sniff` scores a head (0 = not this format, 1 = certain; the key is a hint
 * only) and `telltale` says, for a quarantine report, what the format looks like.
 */
export interface RegisteredFormat extends ListFormat {
  sniff(head: string, key: string): number;
  telltale: string;
  status: FormatStatus;
}

export const registerFormat = (
  format: ListFormat,
  sniff: (head: string, key: string) => number,
  telltale: string,
  status: FormatStatus = 'current',
): RegisteredFormat => ({
  ...format,
  sniff,
  telltale,
  status,
});

/**
 * Every list format the ingest reads. Add a format with one `registerFormat(...)` line (detect.ts needs its sniff), with
 * its status at the publisher (`current` by default, `legacy`).
 */
export const LIST_FORMATS: RegisteredFormat[] = [
  // US OFAC: the enhanced XML is what the Sanctions List Service recommends; the CSV set and sdnList XML are its legacy
  // files, still published and still read (the same lists and ids either way).
  registerFormat(
    ofacEnhancedXml,
    sniffOfacEnhancedXml,
    'OFAC enhanced XML (SDN_ENHANCED.XML, CONS_ENHANCED.XML): root <sanctionsData> in the …/exports/ENHANCED_XML namespace',
  ),
  registerFormat(
    ofacSdnCsv,
    (h, k) => sniffOfacCsv(ofacSdnCsv.id, h, k),
    'OFAC sdn.csv: no header, 12 columns, `ent_num,"NAME","individual"|-0- ,"PROGRAM",…`; key without "cons"',
    'legacy',
  ),
  registerFormat(
    ofacConsCsv,
    (h, k) => sniffOfacCsv(ofacConsCsv.id, h, k),
    'OFAC cons_prim.csv: as sdn.csv (12 columns), key with "cons"',
    'legacy',
  ),
  registerFormat(
    ofacAddressCsv,
    (h, k) => sniffOfacCsv(ofacAddressCsv.id, h, k),
    'OFAC add.csv / cons_add.csv: no header, 6 columns `ent_num,add_num,address,city,country,remarks`',
    'legacy',
  ),
  registerFormat(
    ofacAliasCsv,
    (h, k) => sniffOfacCsv(ofacAliasCsv.id, h, k),
    'OFAC alt.csv / cons_alt.csv: no header, 5 columns `ent_num,alt_num,"aka"|"fka"|"nka",name,remarks`',
    'legacy',
  ),
  registerFormat(
    ofacCommentsCsv,
    (h, k) => sniffOfacCsv(ofacCommentsCsv.id, h, k),
    'OFAC sdn_comments.csv / cons_comments.csv: no header, 2 columns `ent_num,remarks`',
    'legacy',
  ),
  registerFormat(
    ofacXml,
    sniffOfacXml,
    'OFAC legacy XML: root element <sdnList> (sdn.xml, consolidated.xml)',
    'legacy',
  ),
  registerFormat(unXml, sniffUnXml, 'UN Security Council XML: root element <CONSOLIDATED_LIST>'),
  // EU FSF, UK (the FCDO list is the only official one since 28 January 2026; OFSI's ConList is retired, kept readable
  // for history), US CSL and BIS DPL, OpenSanctions FtM.
  registerFormat(
    euFsfXml,
    sniffEuFsfXml,
    'EU Financial Sanctions File XML 1.1: root element <export> with <sanctionEntity logicalId> records',
  ),
  registerFormat(
    euFsfCsv,
    sniffEuFsfCsv,
    'EU Financial Sanctions File CSV 1.1: `;`-separated, header with Entity_LogicalId, NameAlias_WholeName …',
  ),
  registerFormat(
    ofsiConListCsv,
    sniffOfsiConListCsv,
    'UK OFSI ConList CSV (retired 28 Jan 2026): optional `Last Updated,DD/MM/YYYY` line, header `Name 6,Name 1,…,Group Type,Alias Type,Regime,…,Group ID`',
    'legacy',
  ),
  registerFormat(
    ukSanctionsListXml,
    sniffUkSanctionsListXml,
    'UK Sanctions List XML (FCDO, UK_Sanctions_List.xml): root <Designations> with <Designation><UniqueID>… records',
  ),
  registerFormat(
    fcdoSanctionsListCsv,
    sniffFcdoSanctionsListCsv,
    'UK FCDO Sanctions List CSV: `Report Date: …` line, header `Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,…`',
  ),
  registerFormat(
    cslCsv,
    sniffCslCsv,
    'US trade.gov Consolidated Screening List CSV: header `[_id,]source,entity_number,type,programs,name,…,alt_names,…`',
  ),
  registerFormat(
    cslJson,
    sniffCslJson,
    'US trade.gov Consolidated Screening List JSON: `{"results":[{"source","entity_number","name","alt_names",…}]}`',
  ),
  registerFormat(
    bisDplTxt,
    sniffBisDplTxt,
    'US BIS Denied Persons List dpl.txt: tab-separated, quoted, header `"Name" "Street_Address" … "Effective_Date" … "FR_Citation"`',
  ),
  registerFormat(
    openSanctionsFtm,
    sniffOpenSanctionsFtm,
    'OpenSanctions FtM JSON lines (entities.ftm.json): `{"id","schema","properties",…,"datasets","target"}` per line',
  ),
  registerFormat(
    openSanctionsDelta,
    sniffOpenSanctionsDelta,
    'OpenSanctions delta JSON lines (entities.delta.json): `{"op":"ADD"|"MOD"|"DEL","entity":{…}}` per line',
  ),
];

/**
 * Files recognised only to be refused with a report that names them (refused.ts): detection considers them beside the
 * formats we read, so such a file is not "unknown", and parsing one throws the report.
 */
export const REFUSED_FORMATS: RegisteredFormat[] = [
  registerFormat(
    ofacAdvancedXml,
    sniffOfacAdvancedXml,
    'OFAC advanced XML (SDN_ADVANCED.XML): root <Sanctions>, not read',
    'refused',
  ),
  registerFormat(
    ofacDeltaXml,
    sniffOfacDeltaXml,
    'OFAC delta XML: root <sanctionsData> in the …/DeltaFile/1.0 namespace, not read',
    'refused',
  ),
];

/** What detection chooses from: every format we read and every format we refuse by name. */
export const DETECTABLE_FORMATS: RegisteredFormat[] = [...LIST_FORMATS, ...REFUSED_FORMATS];

/**
 * For a quarantine report: every format we read and how to recognise it, the publishers' current formats first, then
 * the legacy ones; refused formats are not offered.
 */
export function describeFormats(formats: readonly RegisteredFormat[] = LIST_FORMATS): string {
  const line = (f: RegisteredFormat) => `- ${f.id} (${roleText(f)}): ${f.telltale}`;
  const current = formats.filter((f) => f.status === 'current');
  const legacy = formats.filter((f) => f.status === 'legacy');
  return [
    'Expected one of these sanctions-list formats (current at the publisher):',
    ...current.map(line),
    ...(legacy.length ? ['or one of these legacy formats (still read):', ...legacy.map(line)] : []),
  ].join('\n');
}

const roleText = (f: ListFormat): string =>
  `${f.role === 'part' ? 'part of' : f.role === 'delta' ? 'delta of' : 'whole list'} ${typeof f.list === 'string' ? f.list : 'list from key'}`;
