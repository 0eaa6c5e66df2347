import { bisDplTxt, sniffBisDplTxt } from './bis-dpl.ts';
import { euFsfCsv, euFsfXml, sniffEuFsfCsv, sniffEuFsfXml } from './eu-fsf.ts';
import { ofacAddressCsv, ofacAliasCsv, ofacCommentsCsv, ofacConsCsv, ofacSdnCsv, sniffOfacCsv } from './ofac-csv.ts';
import { ofacXml, sniffOfacXml } from './ofac-xml.ts';
import type { ListFormat } from './types.ts';
import {
  openSanctionsDelta,
  openSanctionsFtm,
  sniffOpenSanctionsDelta,
  sniffOpenSanctionsFtm,
} from './opensanctions.ts';
import { sniffUnXml, unXml } from './un-xml.ts';
import { fcdoSanctionsListCsv, ofsiConListCsv, sniffFcdoSanctionsListCsv, sniffOfsiConListCsv } from './uk.ts';
import { cslCsv, cslJson, sniffCslCsv, sniffCslJson } from './us-csl.ts';

/**
 * A list format with what detection needs: `sniff` scores a head (0 = not this format, 1 = certain; the key is a hint
 * only) and `telltale` says, for a quarantine report, what the format looks like.
 */
export interface RegisteredFormat extends ListFormat {
  sniff(head: string, key: string): number;
  telltale: string;
}

export const registerFormat = (
  format: ListFormat,
  sniff: (head: string, key: string) => number,
  telltale: string,
): RegisteredFormat => ({
  ...format,
  sniff,
  telltale,
});

/** Every list format the ingest reads. Add a format with one `registerFormat(...)` line (detect.ts needs its sniff). */
export const LIST_FORMATS: RegisteredFormat[] = [
  // Part 1: US OFAC legacy CSV and XML, UN Security Council XML.
  registerFormat(
    ofacSdnCsv,
    (h, k) => sniffOfacCsv(ofacSdnCsv.id, h, k),
    'OFAC sdn.csv: no header, 12 columns, `ent_num,"NAME","individual"|-0- ,"PROGRAM",…`; key without "cons"',
  ),
  registerFormat(
    ofacConsCsv,
    (h, k) => sniffOfacCsv(ofacConsCsv.id, h, k),
    'OFAC cons_prim.csv: as sdn.csv (12 columns), key with "cons"',
  ),
  registerFormat(
    ofacAddressCsv,
    (h, k) => sniffOfacCsv(ofacAddressCsv.id, h, k),
    'OFAC add.csv / cons_add.csv: no header, 6 columns `ent_num,add_num,address,city,country,remarks`',
  ),
  registerFormat(
    ofacAliasCsv,
    (h, k) => sniffOfacCsv(ofacAliasCsv.id, h, k),
    'OFAC alt.csv / cons_alt.csv: no header, 5 columns `ent_num,alt_num,"aka"|"fka"|"nka",name,remarks`',
  ),
  registerFormat(
    ofacCommentsCsv,
    (h, k) => sniffOfacCsv(ofacCommentsCsv.id, h, k),
    'OFAC sdn_comments.csv / cons_comments.csv: no header, 2 columns `ent_num,remarks`',
  ),
  registerFormat(ofacXml, sniffOfacXml, 'OFAC legacy XML: root element <sdnList> (sdn.xml, consolidated.xml)'),
  registerFormat(unXml, sniffUnXml, 'UN Security Council XML: root element <CONSOLIDATED_LIST>'),
  // Part 2: EU FSF, UK OFSI and FCDO, US CSL and BIS DPL, OpenSanctions FtM.
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
    'UK OFSI ConList CSV: optional `Last Updated,DD/MM/YYYY` line, header `Name 6,Name 1,…,Group Type,Alias Type,Regime,…,Group ID`',
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
