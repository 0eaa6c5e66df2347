import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import {
  countryCodesOfUkText,
  fcdoSanctionsListCsv,
  ofsiConListCsv,
  sniffFcdoSanctionsListCsv,
  sniffOfsiConListCsv,
} from '../../../shared/domain/sanctions/uk.ts';
import { codes, fixture, parseBytes, rolesOf } from './stream.ts';

/** The official 2022-format header (sanctions-formats.md §5), for a file built in the test. */
const OFSI_2022_HEADER =
  'Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Non-Latin Script Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,Nationality,Passport Number,Passport Details,National Identification Number,National Identification Details,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Alias Quality,Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID';

const ofsi2022Row = (cells: Record<string, string>): string =>
  OFSI_2022_HEADER.split(',')
    .map((h) => cells[h] ?? '')
    .map((v) => (/[,"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
    .join(',');

describe('OFSI ConList CSV: the real 2020 cut (Windows-1252, no Last Updated line, extra leading header cell)', () => {
  it('groups name-variant rows by Group ID, even when a group is split over distant rows', async () => {
    // Prepare
    const bytes = fixture('uk-ofsi-conlist-2020-cut.csv');
    const expectedGroups = new Set(
      iconv
        .decode(bytes, 'windows-1252')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(',').pop()),
    );

    // Act
    const { entities, rejects } = await parseBytes(ofsiConListCsv, bytes);

    // Assess
    expect(rejects).toEqual([]);
    expect(entities).toHaveLength(expectedGroups.size);
    expect(new Set(entities.map((e) => e.sourceId))).toEqual(expectedGroups);
    for (const e of entities) expect(() => ListedEntitySchema.parse(e)).not.toThrow();
  });

  it('reads a person field by field: names joined given-first, enumerated nationalities, birth and address countries', async () => {
    // Prepare
    const bytes = fixture('uk-ofsi-conlist-2020-cut.csv');

    // Act
    const { byId } = await parseBytes(ofsiConListCsv, bytes);

    // Assess
    const e = byId('13349');
    expect(e).toMatchObject({
      list: 'uk-hmt',
      type: 'person',
      name: 'Sheikh Farooq AL-QAHTANI',
      listedOn: '2016-04-01',
    });
    expect(e.programs).toEqual(["The ISIL (Da'esh) and Al-Qaida organisations"]);
    // `1) Saudi Arabia 2) Qatar` (the opening brackets are missing in this copy), `Afghanistan (since 2009)`.
    expect(codes(e)).toEqual(['AF', 'QA', 'SA']);
    expect(rolesOf(e, 'SA')).toEqual(['birth', 'nationality']);
    expect(rolesOf(e, 'AF')).toEqual(['address']);
    expect(e.identifiers).toContainEqual({ type: 'un-reference', value: 'QDe.004' });
  });

  it('merges the six spellings of a split group, and takes the Prime Alias as the name', async () => {
    // Prepare
    const bytes = fixture('uk-ofsi-conlist-2020-cut.csv');

    // Act
    const { byId } = await parseBytes(ofsiConListCsv, bytes);

    // Assess
    const e = byId('13814');
    expect([e.name, ...e.aliases].sort()).toEqual(
      [
        'Yaser Aziz ABAS',
        'Yaser Aziz ABBAS',
        'Yasr Aziz ABAS',
        'Yasr Aziz ABBAS',
        'Yasser Aziz ABAS',
        'Yasser Aziz ABBAS',
      ].sort(),
    );
    expect(byId('11912')).toMatchObject({ name: 'Amjad ABBAS', type: 'person', programs: ['Syria'] });
    expect(byId('13556')).toMatchObject({ name: 'TONG SAN 2', type: 'organization' });
    expect(byId('13556').identifiers).toContainEqual({ type: 'imo', value: '8937675' });
  });
});

describe('OFSI ConList CSV: the official 2022 layout', () => {
  const file = [
    'Last Updated,14/03/2025',
    OFSI_2022_HEADER,
    ofsi2022Row({
      'Name 6': 'O’BRIEN',
      'Name 1': 'José',
      'Group Type': 'Individual',
      'Alias Type': 'Primary name',
      'Alias Quality': '',
      Nationality: '(1) Syria (2) Lebanon',
      Regime: 'Syria',
      'Listed On': '09/05/2011',
      'Passport Number': 'P123',
      'Group ID': '90001',
    }),
    ofsi2022Row({
      'Name 6': 'OBRIEN',
      'Name 1': 'Jose',
      'Group Type': 'Individual',
      'Alias Type': 'AKA',
      'Alias Quality': 'Good',
      Regime: 'Syria',
      'Group ID': '90001',
    }),
    ofsi2022Row({
      'Name 6': 'JOE',
      'Group Type': 'Individual',
      'Alias Type': 'AKA',
      'Alias Quality': 'Low',
      Regime: 'Syria',
      'Group ID': '90001',
    }),
    ofsi2022Row({
      'Name 6': 'SEA EXAMPLE',
      'Group Type': 'Ship',
      'Alias Type': 'Primary name',
      Regime: 'Russia',
      'Other Information': 'IMO 9000001. Multi-line\nremark',
      'Group ID': '90002',
    }),
    ofsi2022Row({ 'Name 6': 'NO GROUP', 'Group Type': 'Entity', 'Alias Type': 'Primary name', Regime: 'Russia' }),
  ].join('\r\n');

  it('decodes Windows-1252, reads the Last Updated date, maps Alias Quality Low to a weak alias', async () => {
    // Prepare
    const bytes = iconv.encode(file, 'windows-1252');

    // Act
    const { byId, rejects, summary, entities } = await parseBytes(ofsiConListCsv, bytes);

    // Assess
    expect(summary.publishedAt).toBe('2025-03-14');
    expect(entities).toHaveLength(2);
    const p = byId('90001');
    expect(p).toMatchObject({
      name: 'José O’BRIEN',
      aliases: ['Jose OBRIEN'],
      weakAliases: ['JOE'],
      listedOn: '2011-05-09',
    });
    expect(codes(p)).toEqual(['LB', 'SY']);
    expect(p.identifiers).toContainEqual({ type: 'passport', value: 'P123' });
    expect(byId('90002')).toMatchObject({ type: 'vessel', programs: ['Russia'] });
    expect(byId('90002').identifiers).toContainEqual({ type: 'imo', value: '9000001' });
    expect(rejects).toEqual([{ where: 'line 8', reason: 'no Group ID' }]);
  });

  it('reads the same file as UTF-8 with BOM identically', async () => {
    // Prepare
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file, 'utf-8')]);

    // Act
    const { byId } = await parseBytes(ofsiConListCsv, bytes);

    // Assess
    expect(byId('90001').name).toBe('José O’BRIEN');
  });

  it('throws InvalidInputError for a file without a Group ID header', async () => {
    // Prepare
    const bytes = Buffer.from('a,b,c\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n2,2,2\n');

    // Act
    const run = parseBytes(ofsiConListCsv, bytes);

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'InvalidInputError' });
  });
});

describe('FCDO UK Sanctions List CSV (built from the documented columns)', () => {
  it('groups rows by Unique ID and keeps the OFSI Group ID and UN reference as identifiers', async () => {
    // Prepare
    const bytes = fixture('uk-fcdo-schema-sample.csv');

    // Act
    const { byId, rejects, summary, entities } = await parseBytes(fcdoSanctionsListCsv, bytes);

    // Assess
    expect(summary.publishedAt).toBe('2025-03-14');
    expect(entities.map((e) => e.sourceId).sort()).toEqual(['IRQ9002', 'RUS9001']);
    const p = byId('RUS9001');
    expect(p).toMatchObject({
      list: 'uk-fcdo',
      type: 'person',
      name: 'Ivan Sergeyevich PETROV',
      aliases: ['Ivan PETROFF', 'Иван Сергеевич ПЕТРОВ'],
      weakAliases: ['VANYA'],
      programs: ['Russia'],
      listedOn: '2022-03-15',
    });
    expect(rolesOf(p, 'RU')).toEqual(['address', 'birth', 'nationality']);
    expect(rolesOf(p, 'CY')).toEqual(['address', 'nationality']);
    expect(p.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'ofsi-group-id', value: '99001' },
        { type: 'passport', value: '700000001' },
      ]),
    );
    const s = byId('IRQ9002');
    expect(s).toMatchObject({
      type: 'vessel',
      name: 'EXAMPLE STAR',
      aliases: ['STAR EXAMPLE'],
      countries: [{ code: 'IR', roles: ['flag'] }],
    });
    expect(s.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'un-reference', value: 'IRe.999' },
        { type: 'imo', value: '9123456' },
      ]),
    );
    expect(rejects).toEqual([{ where: expect.stringMatching(/^line \d+$/), reason: 'no Unique ID' }]);
  });
});

describe('UK helpers and sniffing', () => {
  it('splits enumerated and bracketed free-text countries', () => {
    // Prepare / Act / Assess
    expect(countryCodesOfUkText('(1) Syria (2) Lebanon')).toEqual(['SY', 'LB']);
    expect(countryCodesOfUkText('1) Saudi Arabia 2) Qatar')).toEqual(['SA', 'QA']);
    expect(countryCodesOfUkText('Afghanistan (since 2009)')).toEqual(['AF']);
    expect(countryCodesOfUkText('')).toEqual([]);
  });

  it('tells the OFSI and FCDO layouts apart', () => {
    // Prepare
    const ofsi = iconv.decode(fixture('uk-ofsi-conlist-2020-cut.csv'), 'windows-1252');
    const fcdo = fixture('uk-fcdo-schema-sample.csv').toString('utf-8');

    // Act / Assess
    expect(sniffOfsiConListCsv(ofsi, 'x.csv')).toBeGreaterThan(0.9);
    expect(sniffFcdoSanctionsListCsv(ofsi, 'x.csv')).toBeLessThan(0.5);
    expect(sniffFcdoSanctionsListCsv(fcdo, 'x.csv')).toBeGreaterThan(0.9);
    expect(sniffOfsiConListCsv(fcdo, 'x.csv')).toBe(0);
    expect(sniffOfsiConListCsv('{"results":[]}', 'x.json')).toBe(0);
  });
});
