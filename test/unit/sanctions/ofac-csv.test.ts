import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import {
  extractRemarkFacts,
  toNaturalOrder,
  ofacAddressCsv,
  ofacAliasCsv,
  ofacCommentsCsv,
  ofacConsCsv,
  ofacSdnCsv,
  splitPrograms,
} from '../../../shared/domain/sanctions/ofac-csv.ts';
import { countriesOf, fixture, must, parseBytes } from './helpers.ts';

describe('OFAC sdn.csv (fixture: 17 real rows, CRLF)', () => {
  it('reads every row as one schema-valid entity, the same with 7-byte chunks as with one chunk', async () => {
    // Prepare
    const bytes = fixture('ofac-sdn/sdn.csv');
    // Act
    const whole = await parseBytes(ofacSdnCsv, bytes, 'sanctions/ofac/sdn.csv');
    const chunked = await parseBytes(ofacSdnCsv, bytes, 'sanctions/ofac/sdn.csv', 7);
    // Assess
    expect(whole.entities).toHaveLength(17);
    expect(whole.rejects).toEqual([]);
    expect(chunked.records).toEqual(whole.records);
    for (const e of whole.entities) expect(ListedEntitySchema.parse(e)).toEqual(e);
    expect(new Set(whole.entities.map((e) => e.list))).toEqual(new Set(['us-ofac-sdn']));
  });

  it('reads an individual: list-order name, natural order as strong alias, POB country, passport, weak a.k.a.', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacSdnCsv, fixture('ofac-sdn/sdn.csv'), 'sdn.csv');
    // Act
    const e = must(byId.get('10278'));
    // Assess
    expect(e).toMatchObject({ type: 'person', name: 'LOGAN MOREY, Elvis Angus', programs: ['SDNT'] });
    expect(e.aliases).toEqual(['Elvis Angus LOGAN MOREY']);
    expect(e.weakAliases).toEqual(['BURTON BURGESS']);
    // POB "Toledo District, Belize" → birth; "Passport P0017003 (Belize)" → issuing country (other); the SSN is not read.
    expect(countriesOf(e)).toEqual(['BZ:birth+other']);
    // "DOB 28 Jul 1963" → the birth date as published, in ISO.
    expect(e.identifiers).toEqual([
      { type: 'birth-date', value: '1963-07-28' },
      { type: 'passport', value: 'P0017003' },
    ]);
  });

  it('reads nationality and citizen remarks with their roles', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacSdnCsv, fixture('ofac-sdn/sdn.csv'), 'sdn.csv');
    // Act
    const khoroshev = must(byId.get('48603'));
    const lifshits = must(byId.get('29702'));
    // Assess
    // "Passport 719032284." names no issuing country, so nationality is the only role.
    expect(countriesOf(lifshits)).toEqual(['RU:nationality']);
    expect(lifshits.identifiers).toEqual([
      { type: 'birth-date', value: '1992-12-26' },
      { type: 'passport', value: '719032284' },
    ]);
    expect(countriesOf(khoroshev)).toEqual(['RU:birth+citizenship+nationality+other']);
    expect(khoroshev.weakAliases).toEqual(['LOCKBITSUPP']);
  });

  it("types -0- as organisation, splits 'A] [B' programmes, keeps commas inside quoted names", async () => {
    // Prepare
    const { byId } = await parseBytes(ofacSdnCsv, fixture('ofac-sdn/sdn.csv'), 'sdn.csv');
    // Act
    const iran = must(byId.get('11195'));
    const avionics = must(byId.get('19709'));
    // Assess
    expect(iran.type).toBe('organization');
    expect(iran.programs).toEqual(['NPWMD', 'IFSR', 'IRAN-CON-ARMS-EO']);
    expect(iran.aliases).toEqual([]); // no natural-order flip for organisations
    expect(iran.weakAliases).toContain('HESA');
    expect(iran.weakAliases).toContain('SHAHIN CO.');
    expect(iran.identifiers).toEqual([
      { type: 'national-id', value: '10100722073' },
      { type: 'registration', value: '26740' },
    ]);
    expect(countriesOf(iran)).toEqual(['IR:other+registration']);
    expect(avionics.name).toBe('AIRCRAFT, AVIONICS, PARTS & SUPPORT LTD.');
    expect(avionics.aliases).toEqual([]);
  });

  it('reads vessels (flag country, IMO, call sign) and aircraft', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacSdnCsv, fixture('ofac-sdn/sdn.csv'), 'sdn.csv');
    // Act
    const leader = must(byId.get('47371'));
    const makran = must(byId.get('40716'));
    const aircraft = must(byId.get('20540'));
    // Assess
    expect(leader).toMatchObject({ type: 'vessel', name: 'NS LEADER', programs: ['RUSSIA-EO14024'] });
    expect(countriesOf(leader)).toEqual(['GA:flag']);
    expect(leader.identifiers).toEqual([
      { type: 'call-sign', value: 'A8LU7' },
      { type: 'imo', value: '9339301' },
    ]);
    expect(countriesOf(makran)).toEqual(['IR:flag']);
    expect(makran.weakAliases).toEqual(['MAKRAN']);
    expect(aircraft).toMatchObject({ type: 'aircraft', name: 'P-532', countries: [] });
  });

  it('never turns the -0- null marker into a value', async () => {
    // Prepare
    const { entities } = await parseBytes(ofacSdnCsv, fixture('ofac-sdn/sdn.csv'), 'sdn.csv');
    // Act
    const text = JSON.stringify(entities);
    // Assess
    expect(text).not.toContain('-0-');
  });
});

describe('OFAC part files (fixtures: real rows joined on ent_num)', () => {
  it('add.csv: one address-country enrichment per row with a resolvable country, none for -0-', async () => {
    // Prepare
    const bytes = fixture('ofac-sdn/add.csv');
    // Act
    const { enrich, rejects, entities } = await parseBytes(ofacAddressCsv, bytes, 'sdn/add.csv', 7);
    // Assess
    expect(entities).toEqual([]);
    expect(rejects).toEqual([]);
    // 28 rows, 8 of them with country -0-.
    expect(enrich).toHaveLength(20);
    expect(enrich.filter((r) => r.sourceId === '11195')).toHaveLength(5);
    expect(enrich.find((r) => r.sourceId === '12685' && r.patch.countries?.[0]?.code === 'CH')?.patch).toEqual({
      countries: [{ code: 'CH', roles: ['address'] }],
    });
    expect(enrich.find((r) => r.sourceId === '44525')?.patch.countries).toEqual([{ code: 'US', roles: ['address'] }]);
  });

  it('alt.csv: aka rows become strong aliases, in the list form (the file does not say person or entity)', async () => {
    // Prepare
    const bytes = fixture('ofac-sdn/alt.csv');
    // Act
    const { enrich } = await parseBytes(ofacAliasCsv, bytes, 'sdn/alt.csv');
    // Assess
    expect(enrich).toHaveLength(18);
    expect(enrich.filter((r) => r.sourceId === '48603').map((r) => r.patch)).toEqual([
      { aliases: ['KHOROSHEV, Dmitriy Yurevich'] },
      { aliases: ['YURIEVICH, Dmitry'] },
      { aliases: ['KHOROSHEV, Dmitrii Yuryevich'] },
    ]);
  });

  it('comments: remark overflow read like remarks', async () => {
    // Prepare
    const bytes = fixture('ofac-sdn/sdn_comments.csv');
    // Act
    const { enrich } = await parseBytes(ofacCommentsCsv, bytes, 'sdn_comments.csv', 7);
    // Assess
    expect(enrich).toEqual([{ sourceId: '33151', patch: { weakAliases: ['SUCCESSFUL EXCHANGE'] } }]);
  });

  it('takes the list of a part file from its key', () => {
    // Prepare
    const list = ofacAddressCsv.list as (h: { key: string; head: string }) => string;
    // Act
    const cons = list({ key: 'sanctions/ofac/cons_add.csv', head: '' });
    const sdn = list({ key: 'sanctions/ofac/add.csv', head: '' });
    // Assess
    expect(cons).toBe('us-ofac-cons');
    expect(sdn).toBe('us-ofac-sdn');
  });
});

describe('OFAC cons_prim.csv (fixture: 20 real rows, CRLF, trailing 0x1A)', () => {
  it('has the official trailer: CRLF line ends and a final 0x1A byte', () => {
    // Prepare
    const bytes = fixture('ofac-cons/cons_prim.csv');
    // Act
    const tail = [...bytes.subarray(-3)];
    // Assess
    expect(tail).toEqual([0x0d, 0x0a, 0x1a]);
  });

  it('reads 20 entities and no junk record for the 0x1A, at any chunk size', async () => {
    // Prepare
    const bytes = fixture('ofac-cons/cons_prim.csv');
    // Act
    const runs = await Promise.all([1, 7, 4096].map((n) => parseBytes(ofacConsCsv, bytes, 'cons_prim.csv', n)));
    // Assess
    for (const r of runs) {
      expect(r.entities).toHaveLength(20);
      expect(r.rejects).toEqual([]);
      expect(r.records).toEqual(runs[0]!.records);
    }
    const first = must(runs[0]!.byId.get('9639'));
    expect(first).toMatchObject({
      list: 'us-ofac-cons',
      type: 'person',
      name: 'HANIYA, Ismail Abdul Salah',
      programs: ['NS-PLC'],
    });
  });

  it('reads the cons_ part files with their 0x1A, every row joining an entry of the primary file', async () => {
    // Prepare
    const prim = await parseBytes(ofacConsCsv, fixture('ofac-cons/cons_prim.csv'), 'cons_prim.csv');
    // Act
    const parts = await Promise.all([
      parseBytes(ofacAddressCsv, fixture('ofac-cons/cons_add.csv'), 'cons_add.csv', 7),
      parseBytes(ofacAliasCsv, fixture('ofac-cons/cons_alt.csv'), 'cons_alt.csv', 7),
      parseBytes(ofacCommentsCsv, fixture('ofac-cons/cons_comments.csv'), 'cons_comments.csv', 7),
    ]);
    // Assess
    for (const p of parts) {
      expect(p.rejects).toEqual([]);
      for (const r of p.enrich) expect(prim.byId.has(r.sourceId)).toBe(true);
    }
    expect(parts[1]!.enrich).toHaveLength(36); // every alias row; no record from the 0x1A
    expect(parts[2]!.enrich.length).toBeGreaterThan(0);
  });
});

describe('OFAC CSV: encodings, bad rows, bad files', () => {
  const ROW = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n';

  it('reads Windows-1252 bytes (older OFAC files) through decodeStream, split in 7-byte chunks', async () => {
    // Prepare
    const text = `${ROW}173,"ANGLO-CARIBBEAN CO., LTD.",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n2674,"MUÑOZ, José Andrés","individual","SDNT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"nationality Colombia; POB Cali, Valle, Colombia; a.k.a. 'EL NIÑO'."\r\n\x1a`;
    const bytes = iconv.encode(text, 'windows-1252');
    // Act
    const { byId, rejects } = await parseBytes(ofacSdnCsv, bytes, 'sdn.csv', 7);
    // Assess
    expect(bytes.includes(0xd1)).toBe(true); // Ñ as one Windows-1252 byte, invalid as UTF-8
    expect(rejects).toEqual([]);
    const e = must(byId.get('2674'));
    expect(e.name).toBe('MUÑOZ, José Andrés');
    expect(e.aliases).toEqual(['José Andrés MUÑOZ']);
    expect(e.weakAliases).toEqual(['EL NIÑO']);
    expect(countriesOf(e)).toEqual(['CO:birth+nationality']);
    expect(must(byId.get('173')).name).toBe('ANGLO-CARIBBEAN CO., LTD.');
  });

  it('rejects a row without an id, without a name, a repeated id and a short row, and keeps the rest', async () => {
    // Prepare
    const text = [
      ROW.trim(),
      '-0- ,"NO ID",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
      '37,-0- ,-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
      '36,"AGAIN",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
      '38,"SHORT",-0- ',
      '39,"FINE",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
    ].join('\r\n');
    // Act
    const { entities, rejects } = await parseBytes(ofacSdnCsv, Buffer.from(text), 'sdn.csv');
    // Assess
    expect(entities.map((e) => e.sourceId)).toEqual(['36', '39']);
    expect(rejects).toEqual([
      { where: 'line 2', reason: 'no id' },
      { where: 'line 3', reason: 'no name' },
      { where: 'line 4', reason: 'ent_num 36 repeated' },
      { where: 'line 5', reason: '3 columns, expected 12' },
    ]);
  });

  it('refuses a file whose rows mostly have the wrong column count, and an empty file', async () => {
    // Prepare
    const headed = `Name,Address,City\n${Array.from({ length: 10 }, (_, i) => `${i},"Main St","Town"`).join('\n')}`;
    // Act
    const wrongShape = parseBytes(ofacSdnCsv, Buffer.from(headed), 'sdn.csv');
    const empty = parseBytes(ofacSdnCsv, Buffer.from('\x1a'), 'sdn.csv');
    // Assess
    await expect(wrongShape).rejects.toBeInstanceOf(InvalidInputError);
    await expect(wrongShape).rejects.toMatchObject({ where: expect.stringMatching(/^line \d+$/) });
    await expect(empty).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('OFAC remarks and names', () => {
  it('extracts nationality, citizenship, birth country, weak akas and identifiers; ignores the rest', () => {
    // Prepare
    const remarks =
      "DOB 1962; POB Damascus, Syria; nationality Syria; alt. nationality Lebanon; citizen Iran; Passport N123 (Syria) expires 2020; National ID No. 99 (Lebanon); Registration ID 7 (Cyprus); Vessel Registration Identification IMO 9187629; Nationality of Registration Panama; Former Vessel Flag Malta; Linked To: SOMEONE, INC.; a.k.a. 'D'ARCY'; f.k.a. 'OLD NAME'.";
    // Act
    const facts = extractRemarkFacts(remarks);
    // Assess
    expect(facts.weakAliases).toEqual(["D'ARCY", 'OLD NAME']);
    expect(facts.countries).toEqual([
      { code: 'SY', role: 'birth' },
      { code: 'SY', role: 'nationality' },
      { code: 'LB', role: 'nationality' },
      { code: 'IR', role: 'citizenship' },
      { code: 'SY', role: 'other' },
      { code: 'LB', role: 'other' },
      { code: 'CY', role: 'registration' },
      { code: 'PA', role: 'registration' },
    ]);
    expect(facts.identifiers).toEqual([
      { type: 'birth-date', value: '1962' },
      { type: 'passport', value: 'N123' },
      { type: 'national-id', value: '99' },
      { type: 'registration', value: '7' },
      { type: 'imo', value: '9187629' },
    ]);
  });

  it('drops an unresolvable country rather than the record', () => {
    // Prepare
    const remarks = 'nationality Atlantis; POB Somewhere';
    // Act
    const facts = extractRemarkFacts(remarks);
    // Assess
    expect(facts.countries).toEqual([]);
  });

  it('splits programme cells and flips LAST, First only for one comma', () => {
    // Prepare
    const cells = ['SDGT] [IFSR', 'CUBA', '[IRAN] [SYRIA]'];
    // Act
    const programs = cells.map(splitPrograms);
    // Assess
    expect(programs).toEqual([['SDGT', 'IFSR'], ['CUBA'], ['IRAN', 'SYRIA']]);
    expect(toNaturalOrder('MADURO MOROS, Nicolas')).toBe('Nicolas MADURO MOROS');
    expect(toNaturalOrder('AIRCRAFT, AVIONICS, PARTS')).toBeUndefined();
    expect(toNaturalOrder('NO COMMA')).toBeUndefined();
  });
});
