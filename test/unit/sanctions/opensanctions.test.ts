import { describe, expect, it } from 'vitest';
import {
  listOfOpenSanctions,
  openSanctionsDelta,
  openSanctionsFtm,
  sniffOpenSanctionsDelta,
  sniffOpenSanctionsFtm,
} from '../../../shared/domain/sanctions/opensanctions.ts';
import { fixture, parseBytes, rolesOf } from './stream.ts';

describe('OpenSanctions FtM entities (synthetic fixture)', () => {
  it('yields only target entities, mapping schema, names, countries, programmes and identifiers', async () => {
    // Prepare
    const bytes = fixture('opensanctions-synthetic.ftm.json');

    // Act
    const { entities, byId, rejects } = await parseBytes(openSanctionsFtm, bytes, 'sanctions/os/entities.ftm.json');

    // Assess
    expect(entities.map((e) => e.sourceId)).toEqual([
      'syn-person-1',
      'syn-org-1',
      'syn-vessel-1',
      'syn-plane-1',
      'syn-wallet-1',
    ]);
    expect(entities.every((e) => e.list === 'opensanctions:synthetic_ds')).toBe(true);
    const p = byId('syn-person-1');
    expect(p).toMatchObject({
      type: 'person',
      name: 'Ivan Examplov',
      aliases: ['Иван Экзамплов', 'Vanya Examplov', 'Ivan Primerov'],
      weakAliases: ['Vanya'],
      programs: ['EU-RUS'],
      identifiers: [{ type: 'passport', value: '7100001' }],
    });
    // `suhh` and `zz` are OpenSanctions-only codes: dropped; lower case is upper-cased.
    expect(p.countries.map((c) => c.code)).toEqual(['RU', 'CY']);
    expect(rolesOf(p, 'RU')).toEqual(['citizenship', 'nationality', 'other']);
    expect(rolesOf(p, 'CY')).toEqual(['birth']);
    const o = byId('syn-org-1');
    expect(o).toMatchObject({
      type: 'organization',
      programs: ['SYN-BY-1'],
      countries: [{ code: 'BY', roles: ['registration', 'other'] }],
    });
    expect(o.identifiers).toEqual([
      { type: 'registration', value: '190000001' },
      { type: 'inn', value: '7700000001' },
    ]);
    expect(byId('syn-vessel-1')).toMatchObject({
      type: 'vessel',
      aliases: ['STAR ONE'],
      countries: [{ code: 'IR', roles: ['flag'] }],
      identifiers: [{ type: 'imo', value: '9123456' }],
    });
    expect(byId('syn-plane-1').type).toBe('aircraft');
    expect(byId('syn-wallet-1').type).toBe('other');
    expect(rejects).toEqual([
      { where: 'line 9', reason: expect.stringMatching(/^not JSON/) },
      { where: 'line 10', reason: 'no name' },
      { where: 'line 11', reason: 'no id' },
    ]);
  });

  it('throws InvalidInputError for a line over 1 MB and for a file with no entity', async () => {
    // Prepare
    const long = Buffer.from(
      `{"id":"x","schema":"Person","target":true,"properties":{"name":["${'a'.repeat(1_000_100)}"]}}\n`,
    );
    const empty = Buffer.from('\n\n');

    // Act / Assess
    await expect(parseBytes(openSanctionsFtm, long, 'k', 65536)).rejects.toMatchObject({
      name: 'InvalidInputError',
      where: 'line 1',
    });
    await expect(parseBytes(openSanctionsFtm, empty)).rejects.toMatchObject({ name: 'InvalidInputError' });
    // Arriving in 4 KB chunks, the line overflows linesOf's carry before its newline is seen: same error, same where.
    const second = Buffer.concat([
      Buffer.from('{"id":"a","schema":"Person","target":true,"properties":{"name":["A"]}}\n'),
      long,
    ]);
    await expect(parseBytes(openSanctionsFtm, second, 'k', 4096)).rejects.toMatchObject({
      name: 'InvalidInputError',
      where: 'line 2',
    });
  });
});

describe('OpenSanctions delta (synthetic fixture)', () => {
  it('turns ADD/MOD of targets into entities, DEL and MOD-to-helper into deletes, and rejects the rest', async () => {
    // Prepare
    const bytes = fixture('opensanctions-synthetic.delta.json');

    // Act
    const { records } = await parseBytes(
      openSanctionsDelta,
      bytes,
      'sanctions/opensanctions/synthetic_ds/entities.delta.json',
    );

    // Assess
    expect(
      records.map((r) =>
        r.kind === 'entity'
          ? `entity ${r.entity.sourceId}`
          : r.kind === 'delete'
            ? `delete ${r.sourceId}`
            : `${r.kind} ${'where' in r ? r.where : ''}`,
      ),
    ).toEqual([
      'entity syn-person-2',
      'entity syn-org-1',
      'delete syn-plane-1',
      'delete syn-wallet-1',
      'reject line 6',
      'reject line 7',
    ]);
    const mod = records[1];
    expect(mod?.kind === 'entity' && mod.entity).toMatchObject({
      list: 'opensanctions:synthetic_ds',
      name: 'Example Works Holding',
      aliases: ['Example Works LLC'],
    });
    expect(openSanctionsDelta.role).toBe('delta');
  });
});

describe('OpenSanctions list and sniffing', () => {
  it('takes the dataset from the key when it names it, else from the head, else the default collection', () => {
    // Prepare
    const one =
      '{"id":"a","datasets":["eu_fsf"],"target":true}\n{"id":"b","datasets":["eu_fsf"],"target":false}\n{"id":"c","datas';
    const many = '{"op":"ADD","entity":{"id":"a","datasets":["us_ofac_sdn","eu_fsf"]}}\n';

    // Act / Assess
    expect(listOfOpenSanctions({ key: 'sanctions/opensanctions/gb_hmt_sanctions/entities.ftm.json', head: one })).toBe(
      'opensanctions:gb_hmt_sanctions',
    );
    expect(listOfOpenSanctions({ key: 'mirror/datasets/20240613/un_sc_sanctions/entities.ftm.json', head: one })).toBe(
      'opensanctions:un_sc_sanctions',
    );
    expect(listOfOpenSanctions({ key: 'sanctions/yente-t1/entities.ftm.json', head: one })).toBe(
      'opensanctions:eu_fsf',
    );
    expect(listOfOpenSanctions({ key: 'sanctions/x/entities.delta.json', head: many })).toBe('opensanctions:default');
  });

  it('tells full files and deltas apart', () => {
    // Prepare
    const full = fixture('opensanctions-synthetic.ftm.json').toString();
    const delta = fixture('opensanctions-synthetic.delta.json').toString();

    // Act / Assess
    expect(sniffOpenSanctionsFtm(full, 'a.json')).toBeGreaterThan(0.9);
    expect(sniffOpenSanctionsDelta(full, 'a.json')).toBe(0);
    expect(sniffOpenSanctionsDelta(delta, 'a.json')).toBeGreaterThan(0.9);
    expect(sniffOpenSanctionsFtm(delta, 'a.json')).toBe(0);
    expect(sniffOpenSanctionsFtm('{"results":[]}', 'a.json')).toBe(0);
  });
});
