import { describe, expect, it } from 'vitest';
import { bisDplTxt, sniffBisDplTxt } from '../../../shared/domain/sanctions/bis-dpl.ts';
import { codes, fixture, parseBytes } from './stream.ts';

describe('BIS Denied Persons List dpl.txt', () => {
  it('yields one entity per distinct (trimmed, case-folded) name, merging its address rows wherever they are', async () => {
    // Prepare
    const bytes = fixture('us-bis-dpl-cut.txt');
    const names = new Set(
      bytes
        .toString('utf-8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t')[0]!.replace(/"/g, '').replace(/\s+/g, ' ').trim().toUpperCase()),
    );

    // Act
    const { entities, rejects, byId } = await parseBytes(bisDplTxt, bytes);

    // Assess
    expect(rejects).toEqual([]);
    expect(entities).toHaveLength(names.size);
    expect(names.size).toBe(10);
    // " I. ASH" (line 3) and "I. ASH" (two rows far below) are one denied person.
    expect(byId('I. ASH')).toMatchObject({
      list: 'us-bis-dpl',
      name: 'I. ASH',
      type: 'person',
      listedOn: '2002-03-04',
      countries: [{ code: 'US', roles: ['address'] }],
    });
    expect(codes(byId('AIR FREIGHT LTD'))).toEqual(['AE', 'IQ', 'JO']);
    expect(byId('AIR FREIGHT LTD').type).toBe('organization');
    expect(codes(byId('ALI M HIJAZI'))).toEqual(['CH', 'FR', 'LY']);
    expect(byId('ADRIAN MANUEL HERNANDEZ')).toMatchObject({ countries: [], listedOn: '2017-10-16' });
  });

  it('rejects a row without a name and throws on a file without the DPL header', async () => {
    // Prepare
    const header = '"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"';
    const ok = Buffer.from(
      `${header}\n""\t"1 Main St"\t"X"\t""\t"US"\t""\t"01/02/2003"\n"JANE ROE"\t""\t""\t""\t"GB"\t""\t"01/02/2003"\n`,
    );
    const bad = Buffer.from('"a"\t"b"\n"1"\t"2"\n');

    // Act
    const { rejects, entities } = await parseBytes(bisDplTxt, ok);

    // Assess
    expect(rejects).toEqual([{ where: 'line 2', reason: 'no name' }]);
    expect(entities).toEqual([expect.objectContaining({ sourceId: 'JANE ROE', listedOn: '2003-01-02' })]);
    await expect(parseBytes(bisDplTxt, bad)).rejects.toMatchObject({ name: 'InvalidInputError' });
  });

  it('sniffs the DPL header', () => {
    // Prepare / Act / Assess
    expect(sniffBisDplTxt(fixture('us-bis-dpl-cut.txt').toString(), 'dpl.txt')).toBeGreaterThan(0.9);
    expect(sniffBisDplTxt(fixture('us-csl-2025-cut.csv').toString(), 'x.csv')).toBe(0);
  });
});
