import { describe, expect, it } from 'vitest';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import { birthDateOf } from '../../../shared/domain/sanctions/birth-dates.ts';
import {
  ofacEnhancedXml,
  pickEnhancedXmlList,
  sniffOfacEnhancedXml,
} from '../../../shared/domain/sanctions/ofac-enhanced-xml.ts';
import { ofacAliasCsv, ofacConsCsv } from '../../../shared/domain/sanctions/ofac-csv.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { countriesOf, fixture, must, parseBytes } from './helpers.ts';

const SAMPLE = 'ofac-enhanced/SDN_ENHANCED-schema-sample.xml';
const CUT = 'ofac-enhanced/CONS_ENHANCED-cut.xml';
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const wrap = (
  entities: string,
  ns = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML',
) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<sanctionsData xmlns="${ns}"><entities>${entities}</entities></sanctionsData>\n`;

describe('OFAC enhanced XML (schema sample: 3 invented SDN entities)', () => {
  it('reads 3 schema-valid entities into us-ofac-sdn with dataAsOf, the same in 7-byte chunks', async () => {
    // Prepare
    const bytes = fixture(SAMPLE);
    // Act
    const whole = await parseBytes(ofacEnhancedXml, bytes, 'sanctions/ofac/SDN_ENHANCED.XML');
    const chunked = await parseBytes(ofacEnhancedXml, bytes, 'sanctions/ofac/SDN_ENHANCED.XML', 7);
    // Assess
    expect(whole.entities.map((e) => e.sourceId)).toEqual(['990001', '990002', '990003']);
    expect(whole.rejects).toEqual([]);
    expect(whole.summary).toEqual({ publishedAt: '2026-03-02' });
    expect(chunked.records).toEqual(whole.records);
    for (const e of whole.entities) expect(ListedEntitySchema.parse(e)).toEqual(e);
    expect(new Set(whole.entities.map((e) => e.list))).toEqual(new Set(['us-ofac-sdn']));
  });

  it('makes non-Latin translations strong aliases and isLowQuality names weak aliases', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacEnhancedXml, fixture(SAMPLE), 'x.xml');
    // Act
    const person = must(byId.get('990001'));
    const org = must(byId.get('990003'));
    // Assess
    expect(person.name).toBe('ORLOVSKY, Pavel Sergeyevich');
    expect(person.aliases).toEqual([
      'Pavel Sergeyevich ORLOVSKY',
      'ОРЛОВСКИЙ, Павел Сергеевич',
      'ORLOVSKI, Pavel',
      'Pavel ORLOVSKI',
    ]);
    expect(person.weakAliases).toEqual(['PASHA']);
    expect(org.aliases).toEqual(['شركة المثال للتجارة']);
  });

  it('maps features to countries with roles, birth dates as published, and identifiers', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacEnhancedXml, fixture(SAMPLE), 'x.xml');
    // Act
    const person = must(byId.get('990001'));
    const vessel = must(byId.get('990002'));
    const org = must(byId.get('990003'));
    // Assess: a year stays a year (fromDateBegin says 1979-01-01); passports keep their issuing country.
    expect(countriesOf(person)).toEqual(['CY:citizenship+other', 'RU:address+birth+nationality+other']);
    expect(person.identifiers).toEqual([
      { type: 'birth-date', value: '1979' },
      { type: 'birth-date', value: '1980-03-14' },
      { type: 'digital-currency-xbt', value: 'bc1qexampleinvented0000000000000000000xyz' },
      { type: 'digital-currency-eth', value: '0x00000000000000000000000000000000DeaDBeef' },
      { type: 'passport', value: '750000001' },
      { type: 'passport', value: 'K0000002' },
    ]);
    expect(person).toMatchObject({ type: 'person', programs: ['RUSSIA-EO14024', 'CYBER2'], listedOn: '2022-03-11' });
    expect(vessel).toMatchObject({ type: 'vessel', countries: [{ code: 'GA', roles: ['flag'] }] });
    expect(vessel.identifiers).toEqual([
      { type: 'imo', value: '9000001' },
      { type: 'mmsi', value: '626000001' },
      { type: 'call-sign', value: 'TRAB1' },
    ]);
    // The "Additional Sanctions Information" pseudo-document is not an identifier.
    expect(org.identifiers).toEqual([{ type: 'registration', value: '000000-LB' }]);
    expect(countriesOf(org)).toEqual(['LB:address+registration', 'TR:address']);
  });

  it('rejects a repeated or missing entity id, and keeps the rest', async () => {
    // Prepare
    const one = (id: string) =>
      `<entity${id ? ` id="${id}"` : ''}><generalInfo><entityType>Entity</entityType></generalInfo><names><name><isPrimary>true</isPrimary><translations><translation><isPrimary>true</isPrimary><formattedFullName>X ${id}</formattedFullName></translation></translations></name></names></entity>`;
    // Act
    const { entities, rejects } = await parseBytes(
      ofacEnhancedXml,
      utf8(wrap(one('1') + one('1') + one('') + one('2'))),
      'x.xml',
    );
    // Assess
    expect(entities.map((e) => e.sourceId)).toEqual(['1', '2']);
    expect(rejects.map((r) => r.reason)).toEqual(['entity id 1 repeated', 'no id']);
  });

  it('refuses an OFAC delta file and any other root', async () => {
    // Prepare
    const delta = wrap('<entity id="1" action="add"/>', 'https://www.treasury.gov/ofac/DeltaFile/1.0');
    // Act
    const run = (s: string) => parseBytes(ofacEnhancedXml, utf8(s), 'x.xml');
    // Assess
    await expect(run(delta)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(run('<sdnList><sdnEntry/></sdnList>')).rejects.toThrow(/root element <sdnList>/);
  });
});

describe('OFAC enhanced XML against the legacy CSV of the same entities (the real non-SDN cut, reshaped)', () => {
  it('gives the same ids, types, names and programmes as cons_prim.csv + cons_alt.csv', async () => {
    // Prepare
    const xml = await parseBytes(ofacEnhancedXml, fixture(CUT), 'sanctions/ofac/CONS_ENHANCED.XML');
    const prim = await parseBytes(ofacConsCsv, fixture('ofac-cons/cons_prim.csv'), 'sanctions/ofac/cons_prim.csv');
    const alt = await parseBytes(ofacAliasCsv, fixture('ofac-cons/cons_alt.csv'), 'sanctions/ofac/cons_alt.csv');
    // Act
    const xmlIds = xml.entities.map((e) => e.sourceId);
    const csvIds = prim.entities.map((e) => e.sourceId);
    // Assess
    expect(xml.rejects).toEqual([]);
    expect(xmlIds).toHaveLength(20);
    expect(xmlIds).toEqual(csvIds);
    expect(new Set(xml.entities.map((e) => e.list))).toEqual(new Set(['us-ofac-cons']));
    for (const c of prim.entities) {
      const x = must(xml.byId.get(c.sourceId));
      expect({ type: x.type, name: x.name, programs: x.programs }, c.sourceId).toEqual({
        type: c.type,
        name: c.name,
        programs: c.programs,
      });
      // Every strong name the CSV set gives (primary row and alt.csv) is a strong name of the XML entity too.
      const strong = new Set([x.name, ...x.aliases]);
      const csvAliases = [
        ...c.aliases,
        ...alt.enrich.filter((r) => r.sourceId === c.sourceId).flatMap((r) => r.patch.aliases ?? []),
      ];
      for (const a of csvAliases) expect(strong.has(a), `${c.sourceId} ${a}`).toBe(true);
      // Weak ones stay weak (the XML also writes a weak person's alias in natural order, as the legacy XML reader does).
      for (const w of c.weakAliases) expect(x.weakAliases, `${c.sourceId} ${w}`).toContain(w);
      expect(
        x.aliases.filter((a) => c.weakAliases.includes(a)),
        c.sourceId,
      ).toEqual([]);
    }
    expect(must(xml.byId.get('9640')).name).toBe('ABU TEIR, Mohammed');
    expect(must(xml.byId.get('9640')).identifiers).toEqual([{ type: 'birth-date', value: '1951' }]);
  });
});

describe('OFAC enhanced XML detection and list choice', () => {
  it('scores the ENHANCED_XML namespace high, the delta namespace and other roots zero', () => {
    // Prepare
    const head = fixture(SAMPLE).toString('utf8');
    // Act / Assess
    expect(sniffOfacEnhancedXml(head, 'x')).toBeGreaterThan(0.95);
    expect(sniffOfacEnhancedXml(wrap('', 'https://www.treasury.gov/ofac/DeltaFile/1.0'), 'x')).toBe(0);
    expect(
      sniffOfacEnhancedXml(
        '<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"/>',
        'x',
      ),
    ).toBe(0);
  });

  it('picks the list from the file filters, then the key, then the first entity', () => {
    // Prepare
    const filters = (name: string) =>
      `<sanctionsData><publicationInfo><filters><sanctionsLists><sanctionsList>${name}</sanctionsList></sanctionsLists></filters></publicationInfo>`;
    const entity = (name: string) =>
      `<sanctionsData><entities><entity id="1"><sanctionsLists><sanctionsList>${name}</sanctionsList></sanctionsLists>`;
    // Act / Assess
    expect(pickEnhancedXmlList({ key: 'cons.xml', head: filters('SDN List') })).toBe('us-ofac-sdn');
    expect(pickEnhancedXmlList({ key: 'sdn.xml', head: filters('Consolidated List') })).toBe('us-ofac-cons');
    expect(pickEnhancedXmlList({ key: 'x.xml', head: entity('Sectoral Sanctions Identifications List') })).toBe(
      'us-ofac-cons',
    );
    expect(pickEnhancedXmlList({ key: 'sanctions/CONS_ENHANCED.XML', head: '<sanctionsData>' })).toBe('us-ofac-cons');
    expect(pickEnhancedXmlList({ key: 'sanctions/SDN_ENHANCED.XML', head: '<sanctionsData>' })).toBe('us-ofac-sdn');
    expect(pickEnhancedXmlList({ key: 'sanctions/SDN_ENHANCED.XML', head: entity('Consolidated List') })).toBe(
      'us-ofac-sdn',
    );
    expect(pickEnhancedXmlList({ key: 'x.xml', head: entity('SDN List') })).toBe('us-ofac-sdn');
    expect(pickEnhancedXmlList({ key: 'x.xml', head: '<sanctionsData>' })).toBe('us-ofac-sdn');
  });
});

describe('birth dates as published', () => {
  it.each([
    ['1951', '1951'],
    ['21 Feb 1924', '1924-02-21'],
    ['Feb 1924', '1924-02'],
    ['dd/mm/1945', '1945'],
    ['00/00/1980', '1980'],
    ['dd/08/1955', '1955-08'],
    ['27/08/1955', '1955-08-27'],
    ['circa 1955', 'circa 1955'],
    ['1960 to 1962', '1960 to 1962'],
    ['', undefined],
  ])('%s → %s', (raw, iso) => {
    // Prepare / Act / Assess
    expect(birthDateOf(raw)).toBe(iso);
  });
});
