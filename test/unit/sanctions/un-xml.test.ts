import { describe, expect, it } from 'vitest';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import { unXml } from '../../../shared/domain/sanctions/un-xml.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { countriesOf, fixture, must, parseBytes } from './helpers.ts';

const KEY = 'sanctions/un/consolidated.xml';

describe('UN SC consolidated XML (fixture: 6 individuals and 4 entities of the 2025 list)', () => {
  it('reads 10 schema-valid entities and dateGenerated, the same in 7-byte chunks', async () => {
    // Prepare
    const bytes = fixture('un-sc/consolidated.xml');
    // Act
    const whole = await parseBytes(unXml, bytes, KEY);
    const chunked = await parseBytes(unXml, bytes, KEY, 7);
    // Assess
    expect(whole.entities).toHaveLength(10);
    expect(whole.rejects).toEqual([]);
    expect(whole.summary).toEqual({ publishedAt: '2025-11-20T23:00:09.067Z' });
    expect(chunked.records).toEqual(whole.records);
    for (const e of whole.entities) expect(ListedEntitySchema.parse(e)).toEqual(e);
    expect(whole.entities.filter((e) => e.type === 'person')).toHaveLength(6);
    expect(whole.entities.filter((e) => e.type === 'organization')).toHaveLength(4);
  });

  it('reads an individual: joined name parts, original script, Low aliases as weak, roles, documents, reference', async () => {
    // Prepare
    const { byId } = await parseBytes(unXml, fixture('un-sc/consolidated.xml'), KEY);
    // Act
    const e = must(byId.get('111660'));
    // Assess
    expect(e).toMatchObject({
      list: 'un-sc',
      type: 'person',
      name: 'MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL',
      programs: ['Al-Qaida'],
      listedOn: '2001-10-17',
    });
    expect(e.aliases).toEqual([
      'محمد حمدي محمد صادق الأهدل',
      'Al-Hamati, Muhammad',
      'Muhammad Muhammad Abdullah Al-Ahdal',
      'Mohamed Mohamed Abdullah Al-Ahdal',
    ]);
    expect(e.weakAliases).toEqual(['Abu Asim Al-Makki', 'Ahmed']);
    expect(countriesOf(e)).toEqual(['SA:birth', 'YE:address+nationality+other']);
    expect(e.identifiers).toEqual([
      { type: 'un-reference', value: 'QDi.020' },
      { type: 'birth-date', value: '1971-11-19' },
      { type: 'passport', value: '541939' },
      { type: 'national-id', value: '216040' },
    ]);
  });

  it('reads an entity: a.k.a. and f.k.a. aliases are strong, address country, DPRK programme', async () => {
    // Prepare
    const { byId } = await parseBytes(unXml, fixture('un-sc/consolidated.xml'), KEY);
    // Act
    const adf = must(byId.get('6908402'));
    const komid = must(byId.get('690735'));
    // Assess
    expect(adf).toMatchObject({ type: 'organization', name: 'ADF', weakAliases: [], programs: ['DRC'] });
    expect(adf.aliases).toEqual([
      'Allied Democratic Forces',
      'Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda',
      'ADF/NALU',
      'NALU',
    ]);
    expect(countriesOf(adf)).toEqual(['CD:address']);
    expect(komid.identifiers).toEqual([{ type: 'un-reference', value: 'KPe.001' }]);
    expect(countriesOf(komid)).toEqual(['KP:address']);
    expect(komid.programs).toEqual(['DPRK']);
  });

  it('skips the empty alias placeholders the UN writes (<QUALITY/><ALIAS_NAME/>)', async () => {
    // Prepare
    const { byId } = await parseBytes(unXml, fixture('un-sc/consolidated.xml'), KEY);
    // Act
    const e = must(byId.get('6907993'));
    // Assess
    expect(e).toMatchObject({ name: 'ERIC BADEGE', aliases: [], weakAliases: [] });
    expect(countriesOf(e)).toEqual(['CD:nationality', 'RW:address']);
  });

  it('rejects a record without DATAID or name and refuses a file with another root', async () => {
    // Prepare
    const text =
      '<CONSOLIDATED_LIST dateGenerated="2025-01-01T00:00:00Z"><INDIVIDUALS>' +
      '<INDIVIDUAL><FIRST_NAME>NO ID</FIRST_NAME></INDIVIDUAL>' +
      '<INDIVIDUAL><DATAID>2</DATAID></INDIVIDUAL>' +
      '</INDIVIDUALS><ENTITIES><ENTITY><DATAID>3</DATAID><FIRST_NAME>OK</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>';
    // Act
    const parsed = await parseBytes(unXml, Buffer.from(text), KEY);
    const other = parseBytes(unXml, Buffer.from('<sdnList></sdnList>'), KEY);
    // Assess
    expect(parsed.entities.map((e) => [e.sourceId, e.type])).toEqual([['3', 'organization']]);
    expect(parsed.rejects).toEqual([
      { where: 'element INDIVIDUAL #1', reason: 'no id' },
      { where: 'element INDIVIDUAL #2', reason: 'no name' },
    ]);
    await expect(other).rejects.toBeInstanceOf(InvalidInputError);
  });
});
