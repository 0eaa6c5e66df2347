import { describe, expect, it } from 'vitest';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import { ofacEnhancedXml } from '../../../shared/domain/sanctions/ofac-enhanced-xml.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { fcdoSanctionsListCsv } from '../../../shared/domain/sanctions/uk.ts';
import { sniffUkSanctionsListXml, ukSanctionsListXml } from '../../../shared/domain/sanctions/uk-sl-xml.ts';
import { countriesOf, fixture, must, parseBytes } from './helpers.ts';

const XML = 'uk-sl/UK_Sanctions_List-schema-sample.xml';
const KEY = 'sanctions/uk/UK_Sanctions_List.xml';

describe('UK Sanctions List XML (built from the publisher schema: 3 invented designations and one without UniqueID)', () => {
  it('reads one entity per Designation into uk-fcdo, schema-valid, the same in 7-byte chunks', async () => {
    // Prepare
    const bytes = fixture(XML);
    // Act
    const whole = await parseBytes(ukSanctionsListXml, bytes, KEY);
    const chunked = await parseBytes(ukSanctionsListXml, bytes, KEY, 7);
    // Assess
    expect(whole.entities.map((e) => e.sourceId)).toEqual(['RUS9001', 'IRQ9002', 'RUS9003']);
    expect(whole.rejects).toEqual([{ where: 'element Designation #4', reason: 'no id' }]);
    expect(chunked.records).toEqual(whole.records);
    for (const e of whole.entities) expect(ListedEntitySchema.parse(e)).toEqual(e);
    expect(new Set(whole.entities.map((e) => e.list))).toEqual(new Set(['uk-fcdo']));
  });

  it('folds every name type into the designation and keeps OFSIGroupID, regime, dates and identifiers', async () => {
    // Prepare
    const { byId } = await parseBytes(ukSanctionsListXml, fixture(XML), KEY);
    // Act
    const p = must(byId.get('RUS9001'));
    const org = must(byId.get('RUS9003'));
    // Assess
    expect(p).toMatchObject({
      type: 'person',
      name: 'Ivan Sergeyevich PETROV',
      aliases: ['Ivan PETROFF', 'Иван Сергеевич ПЕТРОВ'],
      weakAliases: ['VANYA'],
      programs: ['The Russia (Sanctions) (EU Exit) Regulations 2019'],
      listedOn: '2022-03-15',
    });
    expect(countriesOf(p)).toEqual(['CY:address+nationality', 'RU:address+birth+nationality']);
    expect(p.identifiers).toEqual([
      { type: 'ofsi-group-id', value: '99001' },
      { type: 'birth-date', value: '1971' },
      { type: 'birth-date', value: '1972-07-04' },
      { type: 'passport', value: '700000001' },
    ]);
    expect(org).toMatchObject({
      type: 'organization',
      name: 'JOINT STOCK COMPANY EXAMPLE ENGINEERING',
      aliases: ['JSC EXAMPLE ENGINEERING', 'EXAMPLENGINEERING', 'АО ПРИМЕР ИНЖИНИРИНГ'],
    });
    expect(org.identifiers).toContainEqual({ type: 'registration', value: '1020000000001' });
  });

  it('reads a ship as a vessel with its IMO number and flag', async () => {
    // Prepare
    const { byId } = await parseBytes(ukSanctionsListXml, fixture(XML), KEY);
    // Act
    const s = must(byId.get('IRQ9002'));
    // Assess
    expect(s).toMatchObject({ type: 'vessel', name: 'EXAMPLE STAR', aliases: ['STAR EXAMPLE'] });
    expect(countriesOf(s)).toEqual(['IR:flag']);
    expect(s.identifiers).toEqual([
      { type: 'ofsi-group-id', value: '99002' },
      { type: 'un-reference', value: 'IRe.999' },
      { type: 'imo', value: '9123456' },
    ]);
  });

  it('gives the same ids, names and OFSI groups as the CSV of the same designations', async () => {
    // Prepare
    const xml = await parseBytes(ukSanctionsListXml, fixture(XML), KEY);
    const csv = await parseBytes(fcdoSanctionsListCsv, fixture('uk-fcdo-schema-sample.csv'), 'x.csv');
    // Act / Assess
    for (const c of csv.entities) {
      const x = must(xml.byId.get(c.sourceId));
      expect({ type: x.type, name: x.name, aliases: x.aliases, weak: x.weakAliases }).toEqual({
        type: c.type,
        name: c.name,
        aliases: c.aliases,
        weak: c.weakAliases,
      });
      const group = (e: typeof x) => e.identifiers.filter((i) => i.type === 'ofsi-group-id');
      expect(group(x)).toEqual(group(c));
    }
  });

  it('the CSV in its 2026 layout (`Designation Type` column) gives the same entities as the XML', async () => {
    // Prepare: the same three designations, one CSV row per name, under the header the FCDO publishes in 2026.
    const csvBytes = fixture('uk-sl/UK_Sanctions_List-2026-layout.csv');
    const head = csvBytes.toString('utf8');
    // Act
    const csv = await parseBytes(fcdoSanctionsListCsv, csvBytes, 'sanctions/uk/UK_Sanctions_List.csv');
    const xml = await parseBytes(ukSanctionsListXml, fixture(XML), KEY);
    // Assess
    expect(detectListFormat({ key: 'sanctions/upload.csv', head })?.id).toBe('uk-fcdo-csv');
    expect(csv.summary.publishedAt).toBe('2026-03-02');
    expect(csv.rejects).toEqual([]);
    const sorted = <T extends { type: string; value: string }>(xs: T[]) =>
      [...xs].sort((a, b) => `${a.type}:${a.value}`.localeCompare(`${b.type}:${b.value}`));
    const view = (e: (typeof csv.entities)[number]) => ({
      ...e,
      aliases: [...e.aliases].sort(),
      countries: countriesOf(e),
      identifiers: sorted(e.identifiers),
    });
    expect(csv.entities.map(view).sort((a, b) => a.sourceId.localeCompare(b.sourceId))).toEqual(
      xml.entities.map(view).sort((a, b) => a.sourceId.localeCompare(b.sourceId)),
    );
    expect(must(csv.byId.get('IRQ9002')).type).toBe('vessel');
  });

  it('sniffs the Designations root, and nothing else', () => {
    // Prepare
    const head = fixture(XML).toString('utf8');
    // Act / Assess
    expect(sniffUkSanctionsListXml(head, 'x')).toBeGreaterThan(0.95);
    expect(sniffUkSanctionsListXml('<ArrayOfFinancialSanctionsTarget/>', 'x')).toBe(0);
    expect(sniffUkSanctionsListXml('<?xml version="1.0"?><Designations></Designations>', 'x')).toBe(0.6);
  });
});

describe('the 2026 XML readers share the XML safety of the others', () => {
  it.each([
    [
      'OFAC enhanced XML',
      ofacEnhancedXml,
      '<sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"><entities><entity id="1"><names><name><isPrimary>true</isPrimary><translations><translation><formattedFullName>&xxe;</formattedFullName></translation></translations></name></names></entity></entities></sanctionsData>',
    ],
    [
      'UK Sanctions List XML',
      ukSanctionsListXml,
      '<Designations><Designation><UniqueID>X1</UniqueID><Names><Name><Name6>&xxe;</Name6><NameType>Primary Name</NameType></Name></Names></Designation></Designations>',
    ],
  ])('%s refuses an external entity (XXE) in 7-byte chunks, before reading a record', async (_label, format, body) => {
    // Prepare
    const bytes = Buffer.from(
      `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${body}`,
    );
    // Act
    const run = parseBytes(format, bytes, 'x.xml', 7);
    // Assess
    await expect(run).rejects.toBeInstanceOf(InvalidInputError);
    await expect(run).rejects.toThrow(/DOCTYPE/);
  });
});
