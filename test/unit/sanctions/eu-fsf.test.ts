import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors.ts';
import { euFsfCsv, euFsfXml, sniffEuFsfCsv, sniffEuFsfXml } from '../../../shared/domain/sanctions/eu-fsf.ts';
import { fixture, parseBytes, rolesOf } from './stream.ts';

const xml = (body: string) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<export xmlns="http://eu.europa.ec/fpi/fsd/export">${body}</export>`,
  );
const entity = (inner: string, id = '1') =>
  `<sanctionEntity logicalId="${id}" euReferenceNumber="EU.1.1"><subjectType code="person"/>${inner}</sanctionEntity>`;

describe('EU FSF XML 1.1 (fixture built from the schema: no real file is held)', () => {
  it('reads entities field by field: strong and weak names, ISO countries (00 = unknown), programmes, references', async () => {
    // Prepare
    const bytes = fixture('eu-fsf-schema-sample.xml');

    // Act
    const { byId, rejects, summary, entities } = await parseBytes(euFsfXml, bytes);

    // Assess
    expect(summary.publishedAt).toBe('2025-03-14');
    expect(entities).toHaveLength(2);
    const p = byId('13');
    expect(p).toMatchObject({
      list: 'eu-fsf',
      type: 'person',
      name: 'Samir Hamid Qadiri',
      aliases: ['Samer Kadiri', 'Самир Кадири'],
      weakAliases: ['Abu Samir'],
      programs: ['TAQA'],
      listedOn: '2002-05-29',
    });
    expect(p.countries.map((c) => c.code).sort()).toEqual(['LB', 'SY']);
    expect(rolesOf(p, 'SY')).toEqual(['birth', 'citizenship']);
    expect(p.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'eu-reference', value: 'EU.27.28' },
        { type: 'un-reference', value: 'QDi.999' },
        { type: 'passport', value: 'N0123456' },
      ]),
    );
    const o = byId('150010');
    expect(o).toMatchObject({
      type: 'organization',
      name: 'JSC Northern Example Works',
      aliases: ['АО «Северный пример»'],
      programs: ['UKR', 'RUS'],
      listedOn: '2022-04-08',
    });
    expect(o.countries).toEqual([
      { code: 'RU', roles: ['address'] },
      { code: 'BY', roles: ['address'] },
    ]);
    expect(rejects).toEqual([
      { where: 'element sanctionEntity #3', reason: 'no name' },
      { where: 'element sanctionEntity #4', reason: 'no id' },
    ]);
  });

  it('gives the same result whatever the chunk size (names cut inside multi-byte characters and tags)', async () => {
    // Prepare
    const bytes = fixture('eu-fsf-schema-sample.xml');

    // Act
    const [a, b] = await Promise.all([parseBytes(euFsfXml, bytes, 'k', 1), parseBytes(euFsfXml, bytes, 'k', 4096)]);

    // Assess
    expect(a.records).toEqual(b.records);
  });

  it('refuses a DOCTYPE, even a harmless-looking one', async () => {
    // Prepare
    const bytes = Buffer.from('<?xml version="1.0"?><!DOCTYPE export [<!ENTITY x "boom">]><export>&x;</export>');

    // Act
    const run = parseBytes(euFsfXml, bytes);

    // Assess
    await expect(run).rejects.toBeInstanceOf(InvalidInputError);
    await expect(run).rejects.toMatchObject({
      message: expect.stringMatching(/DOCTYPE/),
      where: expect.stringMatching(/^line \d+/),
    });
  });

  it('refuses a billion-laughs file at the DOCTYPE, before any expansion', async () => {
    // Prepare
    const lol =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';
    const bytes = Buffer.from(
      `<?xml version="1.0"?>${lol}<export>${entity('<nameAlias wholeName="&lol2;"/>')}</export>`,
    );

    // Act / Assess
    await expect(parseBytes(euFsfXml, bytes)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/DOCTYPE/),
    });
  });

  it('refuses an undefined entity reference but accepts the predefined ones and character references', async () => {
    // Prepare
    const bad = xml(entity('<nameAlias wholeName="A &ext; B"/>'));
    const good = xml(entity('<nameAlias wholeName="Smith &amp; Sons &#x2019;&lt;&gt;&quot;&apos;"/>'));

    // Act
    const parsed = await parseBytes(euFsfXml, good);

    // Assess
    await expect(parseBytes(euFsfXml, bad)).rejects.toMatchObject({
      name: 'InvalidInputError',
      where: expect.stringMatching(/^line/),
    });
    expect(parsed.entities[0]?.name).toBe('Smith & Sons ’<>"\'');
  });

  it('refuses a text node over 100,000 characters, even when it arrives in small pieces', async () => {
    // Prepare
    const bytes = xml(entity(`<remark>${'a'.repeat(100_001)}</remark><nameAlias wholeName="X"/>`));
    const justUnder = xml(entity(`<remark>${'a'.repeat(100_000)}</remark><nameAlias wholeName="X"/>`));

    // Act / Assess
    await expect(parseBytes(euFsfXml, bytes, 'k', 4096)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/text node/),
    });
    expect((await parseBytes(euFsfXml, justUnder, 'k', 4096)).entities).toHaveLength(1);
  });

  it('throws on a truncated file and on XML that is not an EU export', async () => {
    // Prepare
    const full = fixture('eu-fsf-schema-sample.xml');
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    const other = Buffer.from('<sdnList><sdnEntry/></sdnList>');

    // Act / Assess
    await expect(parseBytes(euFsfXml, truncated)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(parseBytes(euFsfXml, other)).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/root <sdnList>/),
    });
  });
});

describe('EU FSF CSV 1.1 (fixture built from the column names: UTF-8 BOM, CRLF, ;, multi-line remark)', () => {
  it('groups contiguous rows by Entity_LogicalId into the same entities as the XML', async () => {
    // Prepare
    const bytes = fixture('eu-fsf-schema-sample.csv');

    // Act
    const { byId, rejects, entities, summary } = await parseBytes(euFsfCsv, bytes);

    // Assess
    expect(summary.publishedAt).toBe('2025-03-14');
    expect(entities.map((e) => e.sourceId)).toEqual(['13', '150010']);
    expect(byId('13')).toMatchObject({
      type: 'person',
      name: 'Samir Hamid Qadiri',
      aliases: ['Samer Kadiri', 'Самир Кадири'],
      programs: ['TAQA'],
      listedOn: '2002-05-29',
    });
    expect(rolesOf(byId('13'), 'SY')).toEqual(['birth', 'citizenship']);
    expect(rolesOf(byId('13'), 'LB')).toEqual(['address']);
    expect(byId('13').identifiers).toEqual(
      expect.arrayContaining([
        { type: 'un-reference', value: 'QDi.999' },
        { type: 'passport', value: 'N0123456' },
      ]),
    );
    expect(byId('150010')).toMatchObject({ type: 'organization', programs: ['UKR', 'RUS'], listedOn: '2022-04-08' });
    expect(rejects.map((r) => r.reason)).toEqual(['no Entity_LogicalId', 'no name']);
  });

  it('reports rows of an entity that come back after another entity instead of yielding it twice', async () => {
    // Prepare
    const csv =
      '\uFEFFEntity_LogicalId;NameAlias_WholeName;Entity_SubjectType\r\n1;A;person\r\n2;B;enterprise\r\n1;A2;person\r\n';

    // Act
    const { entities, rejects } = await parseBytes(euFsfCsv, Buffer.from(csv));

    // Assess
    expect(entities.map((e) => e.sourceId)).toEqual(['1', '2']);
    expect(rejects).toEqual([{ where: 'line 4', reason: expect.stringMatching(/not contiguous/) }]);
  });

  it('sniffs the XML and the CSV', () => {
    // Prepare / Act / Assess
    expect(sniffEuFsfXml(fixture('eu-fsf-schema-sample.xml').toString(), 'a.xml')).toBeGreaterThan(0.9);
    expect(sniffEuFsfCsv(fixture('eu-fsf-schema-sample.csv').toString(), 'a.csv')).toBeGreaterThan(0.9);
    expect(sniffEuFsfXml('<sdnList xmlns="x">', 'a.xml')).toBe(0);
    expect(sniffEuFsfCsv('source,entity_number,name', 'a.csv')).toBe(0);
  });
});

describe('EU FSF listing date', () => {
  it('prefers designationDate over the publication date of the entity regulations, and uses the earliest of those otherwise', async () => {
    // Prepare
    const bytes = xml(
      `<sanctionEntity logicalId="1" designationDate="2023-06-23"><regulation publicationDate="2014-03-17" programme="UKR"/><subjectType code="person"/><nameAlias wholeName="A"/></sanctionEntity>` +
        `<sanctionEntity logicalId="2"><regulation publicationDate="2023-06-23" programme="RUS"/><regulation publicationDate="2014-03-17" programme="UKR"/><subjectType code="person"/><nameAlias wholeName="B"/></sanctionEntity>`,
    );

    // Act
    const { byId } = await parseBytes(euFsfXml, bytes);

    // Assess
    expect(byId('1').listedOn).toBe('2023-06-23');
    expect(byId('2').listedOn).toBe('2014-03-17');
  });
});
