import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { countryCodeOf, findPlaceMentions } from '../../../shared/domain/countries.ts';
import { decodeBytes } from '../../../shared/domain/encoding.ts';
import { hasSharedData, sharedData, SKIP_SHARED } from '../../helpers/shared-data.ts';

/** Column 5 (`country`) of an OFAC add.csv: `ent_num, add_num, address, city/state/postal, country, remarks`. */
const ofacAddressCountries = (bytes: Uint8Array): string[] => {
  // Official files end with a Ctrl-Z byte after the last line; left in, it becomes a junk row.
  const text = decodeBytes(bytes).text.replace(/\x1a/g, '');
  const rows = parse(text, { relax_quotes: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  return rows.map((r) => (r[4] ?? '').trim());
};

/** Values that mean "no value": the OFAC null marker `-0- ` (trimmed), UN "na", OFAC "undetermined". */
const isNullValue = (v: string): boolean => ['', '-0-', 'na', 'undetermined'].includes(v);

describe('country values of a committed OFAC add.csv sample', () => {
  const values = ofacAddressCountries(
    readFileSync(new URL('../../fixtures/files/countries/ofac-add-sample.csv', import.meta.url)),
  );

  it('resolves every real value but the dissolved Netherlands Antilles', () => {
    // Prepare
    const real = [...new Set(values)].filter((v) => !isNullValue(v));
    // Act
    const unresolved = real.filter((v) => countryCodeOf(v) === undefined);
    // Assess: 28 real values; "Netherlands Antilles" (dissolved 2010, no current ISO code) is deliberately left out
    expect(real).toHaveLength(28);
    expect(unresolved).toEqual(['Netherlands Antilles']);
  });

  it('maps the trap values to the right codes', () => {
    // Prepare
    const expected: Record<string, string | undefined> = {
      'Korea, North': 'KP',
      'Korea, South': 'KR',
      'Congo, Democratic Republic of the': 'CD',
      'Congo, Republic of the': 'CG',
      'Bahamas, The': 'BS',
      'Man, Isle of': 'IM',
      'Region: Crimea': 'UA',
      'Region: Gaza': 'PS',
      'Region: Kafia Kingi': 'SD',
      Palestinian: 'PS',
      'Cote d Ivoire': 'CI',
      'Virgin Islands, British': 'VG',
      'West Bank': 'PS',
      '-0-': undefined,
      undetermined: undefined,
    };
    // Act
    const got = Object.fromEntries(
      Object.keys(expected).map((v) => [v, values.includes(v) ? countryCodeOf(v) : 'absent']),
    );
    // Assess
    expect(got).toEqual(expected);
  });
});

describe.skipIf(!hasSharedData)(
  `real sanctions files in ../shared/data (${hasSharedData ? 'present' : SKIP_SHARED})`,
  () => {
    it('resolves ≥ 98 % of the distinct country values of OFAC add.csv and the UN consolidated XML', () => {
      // Prepare
      const distinct = new Set<string>(
        ofacAddressCountries(readFileSync(sharedData('sanctions/ofac-sdn/watchman-2019/add.csv'))),
      );
      const xml = readFileSync(sharedData('sanctions/un-sc/mkweli-2025/un_consolidated.xml'), 'utf8');
      for (const m of xml.matchAll(/<NATIONALITY>\s*<VALUE>([^<]*)<\/VALUE>/g)) distinct.add((m[1] ?? '').trim());
      for (const m of xml.matchAll(/<COUNTRY>([^<]*)<\/COUNTRY>/g)) distinct.add((m[1] ?? '').trim());
      const real = [...distinct].filter((v) => !isNullValue(v));
      // Act
      const unresolved = real.filter((v) => countryCodeOf(v) === undefined);
      // Assess
      expect(real.length).toBeGreaterThan(150);
      expect(unresolved.length / real.length, `unresolved: ${unresolved.join(' | ')}`).toBeLessThanOrEqual(0.02);
    });

    it('finds at least US, CN, RU and UA in the seed article', () => {
      // Prepare
      const text = readFileSync(sharedData('articles/000_0c3ebc7fd213a9e4.txt'), 'utf8');
      // Act
      const codes = new Set(
        findPlaceMentions(text)
          .filter((m) => m.kind === 'country')
          .map((m) => m.code),
      );
      // Assess
      expect([...codes]).toEqual(expect.arrayContaining(['US', 'CN', 'RU', 'UA']));
    });
  },
);
