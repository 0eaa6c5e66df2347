import { describe, expect, it } from 'vitest';
import { ListedEntitySchema } from '../../../shared/domain/model.ts';
import { ofacXml, pickOfacXmlList } from '../../../shared/domain/sanctions/ofac-xml.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { countriesOf, fixture, must, parseBytes } from './helpers.ts';

const KEY = 'sanctions/ofac/consolidated.xml';

describe('OFAC legacy XML (fixture: 10 real sdnEntry of the 2018 non-SDN list, Record_Count 10)', () => {
  it('reads 10 schema-valid entities, Record_Count and Publish_Date, the same in 7-byte chunks', async () => {
    // Prepare
    const bytes = fixture('ofac-xml/consolidated.xml');
    // Act
    const whole = await parseBytes(ofacXml, bytes, KEY);
    const chunked = await parseBytes(ofacXml, bytes, KEY, 7);
    // Assess
    expect(whole.entities).toHaveLength(10);
    expect(whole.rejects).toEqual([]);
    expect(whole.summary).toEqual({ declaredCount: 10, publishedAt: '2018-04-06' });
    expect(chunked.records).toEqual(whole.records);
    for (const e of whole.entities) expect(ListedEntitySchema.parse(e)).toEqual(e);
    expect(new Set(whole.entities.map((e) => e.list))).toEqual(new Set(['us-ofac-cons']));
  });

  it('reads an individual: LAST, First name, natural order, nationality, birth country, passports with issuing country', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacXml, fixture('ofac-xml/consolidated.xml'), KEY);
    // Act
    const e = must(byId.get('15961'));
    // Assess
    expect(e).toMatchObject({ type: 'person', name: 'JASHNSAZ, Seifollah', programs: ['IRAN'] });
    expect(e.aliases).toEqual([
      'Seifollah JASHNSAZ',
      'JASHNSAZ, Seyfollah',
      'Seyfollah JASHNSAZ',
      'JASHN SAZ, Seifollah',
      'Seifollah JASHN SAZ',
    ]);
    expect(countriesOf(e)).toEqual(['IR:birth+nationality+other']);
    expect(e.identifiers).toEqual([
      { type: 'birth-date', value: '1958-03-22' },
      { type: 'passport', value: 'R17589399' },
      { type: 'passport', value: 'T23700825' },
    ]);
  });

  it('separates citizenship from birth country', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacXml, fixture('ofac-xml/consolidated.xml'), KEY);
    // Act
    const e = must(byId.get('16154'));
    // Assess
    expect(countriesOf(e)).toEqual(['GB:citizenship+other', 'IR:birth']);
  });

  it('puts category=weak akas in weakAliases, strong ones in aliases', async () => {
    // Prepare
    const { byId } = await parseBytes(ofacXml, fixture('ofac-xml/consolidated.xml'), KEY);
    // Act
    const person = must(byId.get('15719'));
    const org = must(byId.get('11612'));
    // Assess
    expect(person.aliases).toEqual(['Dimitris CAMBIS', 'KAMPIS, Dimitrios Alexandros', 'Dimitrios Alexandros KAMPIS']);
    // OFAC writes this weak aka whole in <lastName> ("KLIMT, Gustav"), without a <firstName>: kept as written.
    expect(person.weakAliases).toEqual(['KLIMT, Gustav']);
    expect(org).toMatchObject({
      type: 'organization',
      name: 'MINES AND METALS ENGINEERING GMBH',
      aliases: [],
      weakAliases: ['M.M.E.'],
    });
    expect(countriesOf(org)).toEqual(['DE:address+registration']);
    expect(org.identifiers).toEqual([{ type: 'registration', value: 'HRB 34095' }]);
  });

  it('reads a vessel: flag, call sign, MMSI, IMO; drops pseudo-ids (directives, websites, "for more information")', async () => {
    // Prepare
    const { byId, entities } = await parseBytes(ofacXml, fixture('ofac-xml/consolidated.xml'), KEY);
    // Act
    const shona = must(byId.get('15036'));
    const types = new Set(entities.flatMap((e) => e.identifiers.map((i) => i.type)));
    // Assess
    expect(shona).toMatchObject({ type: 'vessel', name: 'SHONA', aliases: ['ABADAN', 'ALPHA'] });
    expect(countriesOf(shona)).toEqual(['TZ:flag']);
    expect(shona.identifiers).toEqual([
      { type: 'call-sign', value: 'T2EU4' },
      { type: 'mmsi', value: '572469210' },
      { type: 'imo', value: '9187629' },
    ]);
    expect([...types].sort()).toEqual([
      'birth-date',
      'call-sign',
      'government-gazette-number',
      'imo',
      'mmsi',
      'passport',
      'registration',
      'tax-id',
    ]);
    expect(JSON.stringify(entities)).not.toMatch(/Additional Sanctions|Directive|treasury\.gov|Former Vessel Flag/);
  });

  it('matches local names whatever the namespace (tempuri, Sanctions List Service, a prefix)', async () => {
    // Prepare
    const text = fixture('ofac-xml/consolidated.xml').toString('utf8');
    const sls = text.replace(
      'http://tempuri.org/sdnList.xsd',
      'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML',
    );
    const prefixed = text
      .replace('xmlns="http://tempuri.org/sdnList.xsd"', 'xmlns:o="http://tempuri.org/sdnList.xsd"')
      .replace(/<(\/?)([A-Za-z_]+)([ >])/g, '<$1o:$2$3');
    // Act
    const base = await parseBytes(ofacXml, Buffer.from(text), KEY);
    const a = await parseBytes(ofacXml, Buffer.from(sls), KEY);
    const b = await parseBytes(ofacXml, Buffer.from(prefixed), KEY);
    // Assess
    expect(prefixed).toContain('<o:sdnEntry>');
    expect(a.records).toEqual(base.records);
    expect(b.records).toEqual(base.records);
    expect(b.summary).toEqual(base.summary);
  });

  it('decides SDN vs consolidated from non-SDN programmes in the head, else from the key', () => {
    // Prepare
    const sdnHead = '<sdnList><sdnEntry><uid>1</uid><programList><program>SDGT</program></programList></sdnEntry>';
    const consHead = '<sdnList><sdnEntry><programList><program>NS-PLC</program></programList></sdnEntry>';
    // Act
    const lists = [
      pickOfacXmlList({ key: 'sanctions/sdn.xml', head: sdnHead }),
      pickOfacXmlList({ key: 'sanctions/sdn.xml', head: consHead }),
      pickOfacXmlList({ key: 'sanctions/consolidated.xml', head: sdnHead }),
      pickOfacXmlList({ key: 'sanctions/cons/list.xml', head: sdnHead }),
    ];
    // Assess
    expect(lists).toEqual(['us-ofac-sdn', 'us-ofac-cons', 'us-ofac-cons', 'us-ofac-cons']);
  });

  it('rejects an entry without uid or name; refuses another root element and malformed XML', async () => {
    // Prepare
    const entries =
      '<sdnList><sdnEntry><lastName>NO UID</lastName><sdnType>Entity</sdnType></sdnEntry>' +
      '<sdnEntry><uid>2</uid><sdnType>Entity</sdnType></sdnEntry>' +
      '<sdnEntry><uid>3</uid><lastName>OK</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>';
    // Act
    const parsed = await parseBytes(ofacXml, Buffer.from(entries), 'sdn.xml');
    const otherRoot = parseBytes(ofacXml, Buffer.from('<export><sdnEntry/></export>'), 'sdn.xml');
    const malformed = parseBytes(ofacXml, Buffer.from('<sdnList><sdnEntry><uid>1</uid></sdnList>'), 'sdn.xml');
    // Assess
    expect(parsed.entities.map((e) => e.sourceId)).toEqual(['3']);
    expect(parsed.rejects).toEqual([
      { where: 'element sdnEntry #1', reason: 'no id' },
      { where: 'element sdnEntry #2', reason: 'no name' },
    ]);
    await expect(otherRoot).rejects.toBeInstanceOf(InvalidInputError);
    await expect(malformed).rejects.toBeInstanceOf(InvalidInputError);
    await expect(malformed).rejects.toMatchObject({ where: expect.stringMatching(/^\d+:\d+$/) });
  });
});
