import { describe, expect, it } from 'vitest';
import { countryCodeOf, countryCodesIn, countryName } from '../../../shared/domain/countries.ts';
import { COUNTRY_ROWS } from '../../../shared/domain/country-data.ts';

// The 95+ surface forms of docs/country-resolution.md, plus the official-list spellings seen in OFAC/UN/OFSI files.
const FORMS: ReadonlyArray<readonly [string, string]> = [
  // names (incl. aliases and official long forms)
  ['China', 'CN'],
  ['Russia', 'RU'],
  ['Russian Federation', 'RU'],
  ['Britain', 'GB'],
  ['Great Britain', 'GB'],
  ['United Kingdom', 'GB'],
  ['United Kingdom of Great Britain and Northern Ireland', 'GB'],
  ['England', 'GB'],
  ['Scotland', 'GB'],
  ['Burma', 'MM'],
  ['Myanmar', 'MM'],
  ['Ivory Coast', 'CI'],
  ["Côte d'Ivoire", 'CI'],
  ['Cote d Ivoire', 'CI'],
  ['Türkiye', 'TR'],
  ['Turkey', 'TR'],
  ['Turkiye', 'TR'],
  ['Holland', 'NL'],
  ['The Netherlands', 'NL'],
  ['America', 'US'],
  ['United States of America', 'US'],
  ['Persia', 'IR'],
  ['Iran (Islamic Republic of)', 'IR'],
  ['Syria', 'SY'],
  ['Syrian Arab Republic', 'SY'],
  ['Laos', 'LA'],
  ['Macedonia', 'MK'],
  ['Swaziland', 'SZ'],
  ['Eswatini', 'SZ'],
  ['Czech Republic', 'CZ'],
  ['Viet Nam', 'VN'],
  ['Vietnam', 'VN'],
  ['Taiwan', 'TW'],
  ['Kosovo', 'XK'],
  ['State of Palestine', 'PS'],
  ['Palestinian', 'PS'],
  ['West Bank', 'PS'],
  ['Region: Gaza', 'PS'],
  ['Region: Crimea', 'UA'],
  ['Region: Northern Mali', 'ML'],
  ['Korea, North', 'KP'],
  ['Korea, South', 'KR'],
  ["Democratic People's Republic of Korea", 'KP'],
  ['Republic of Korea', 'KR'],
  ['Congo, Democratic Republic of the', 'CD'],
  ['Congo, Republic of the', 'CG'],
  ['Democratic Republic of the Congo', 'CD'],
  ['Congo', 'CG'],
  ['Bahamas, The', 'BS'],
  ['The Gambia', 'GM'],
  ['Man, Isle of', 'IM'],
  ['Virgin Islands, British', 'VG'],
  ['British Virgin Islands', 'VG'],
  ['China, Hong Kong Special Administrative Region', 'HK'],
  ['Hong Kong', 'HK'],
  ['United Republic of Tanzania', 'TZ'],
  ['Venezuela (Bolivarian Republic of)', 'VE'],
  ['Bolivia (Plurinational State of)', 'BO'],
  ['Guinea-Bissau', 'GW'],
  ['Guinea Bissau', 'GW'],
  ['Papua New Guinea', 'PG'],
  ['South Sudan', 'SS'],
  ['Saint Kitts and Nevis', 'KN'],
  ['St. Kitts and Nevis', 'KN'],
  ['  russia  ', 'RU'],
  ['RUSSIA', 'RU'],
  ['Afghanistan (since 2009)', 'AF'],
  // codes and abbreviations
  ['RU', 'RU'],
  ['ru', 'RU'],
  ['cn', 'CN'],
  ['US', 'US'],
  ['U.S.', 'US'],
  ['USA', 'US'],
  ['U.S.A.', 'US'],
  ['UK', 'GB'],
  ['U.K.', 'GB'],
  ['gb', 'GB'],
  ['RUS', 'RU'],
  ['IRN', 'IR'],
  ['DPRK', 'KP'],
  ['PRC', 'CN'],
  ['ROK', 'KR'],
  ['UAE', 'AE'],
  ['DRC', 'CD'],
  ['xk', 'XK'],
  ['CH', 'CH'],
  // demonyms / adjectives (nationality fields)
  ['Chinese', 'CN'],
  ['Russian', 'RU'],
  ['Iranian', 'IR'],
  ['North Korean', 'KP'],
  ['South Korean', 'KR'],
  ['American', 'US'],
  ['British', 'GB'],
  ['Emirati', 'AE'],
  ['Dutch', 'NL'],
  ['Swiss', 'CH'],
  ['Syrian', 'SY'],
  ['Iraqi', 'IQ'],
  ['Afghan', 'AF'],
  ['Pakistani', 'PK'],
  ['Saudi', 'SA'],
  ['Yemeni', 'YE'],
  ['Lebanese', 'LB'],
  ['Israeli', 'IL'],
  ['Turkish', 'TR'],
  ['Ukrainian', 'UA'],
  ['Belarusian', 'BY'],
  ['Venezuelan', 'VE'],
  ['Cuban', 'CU'],
  ['Filipino', 'PH'],
  ['Congolese', 'CD'],
  ['Ivorian', 'CI'],
  ['Nigerien', 'NE'],
  ['Nigerian', 'NG'],
  ['Dominican', 'DO'],
  ['Burmese', 'MM'],
  ['Taiwanese', 'TW'],
  ['Kosovar', 'XK'],
  ['Russians', 'RU'],
  ['Iranians', 'IR'],
  // capitals
  ['Beijing', 'CN'],
  ['Moscow', 'RU'],
  ['Washington', 'US'],
  ['Washington, D.C.', 'US'],
  ['Tehran', 'IR'],
  ['Pyongyang', 'KP'],
  ['Kyiv', 'UA'],
  ['Kiev', 'UA'],
  ['London', 'GB'],
  ['Paris', 'FR'],
  ['Berlin', 'DE'],
  ['Damascus', 'SY'],
  ['Caracas', 'VE'],
  ['Havana', 'CU'],
  ['Minsk', 'BY'],
  ['Seoul', 'KR'],
  ['Tokyo', 'JP'],
  ['Ankara', 'TR'],
  ['Riyadh', 'SA'],
  ['Abu Dhabi', 'AE'],
  ['Naypyidaw', 'MM'],
  ['Kinshasa', 'CD'],
  ['Brazzaville', 'CG'],
  ['Bogotá', 'CO'],
  ['Bogota', 'CO'],
  // In a list field a city is an address: Brussels is Belgium here (in news prose it is the EU, see place-mentions).
  ['Brussels', 'BE'],
  // metonyms
  ['the Kremlin', 'RU'],
  ['Kremlin', 'RU'],
  ['the White House', 'US'],
  ['Pentagon', 'US'],
  ['Capitol Hill', 'US'],
  ['State Department', 'US'],
  ['Downing Street', 'GB'],
  ['Whitehall', 'GB'],
  ['Zhongnanhai', 'CN'],
  ['Elysee', 'FR'],
  ['Élysée', 'FR'],
];

describe('countryCodeOf', () => {
  it(`has at least 95 forms in its table`, () => {
    // Prepare / Act / Assess
    expect(FORMS.length).toBeGreaterThanOrEqual(95);
  });

  it.each(FORMS)('%s → %s', (text, code) => {
    // Prepare: the form itself
    // Act
    const got = countryCodeOf(text);
    // Assess
    expect(got).toBe(code);
  });

  it.each([
    '-0- ',
    '',
    'na',
    'undetermined',
    'EU',
    'European Union',
    'European',
    'ZZ',
    'Korea',
    'Europe',
    'Netherlands Antilles',
    'Soviet',
    'and',
    'per',
    'Atlantis',
  ])('%j → undefined (null marker, bloc, ambiguous or not a current state)', (text) => {
    // Prepare / Act
    const got = countryCodeOf(text);
    // Assess
    expect(got).toBeUndefined();
  });

  it('reads every two-letter code as ISO, never FIPS 10-4', () => {
    // Prepare: FIPS CH = China, GM = Germany, RS = Russia, UK = United Kingdom; ISO CH = Switzerland, GM = Gambia, RS = Serbia
    const codes = ['CH', 'GM', 'RS', 'UK'];
    // Act
    const got = codes.map(countryCodeOf);
    // Assess
    expect(got).toEqual(['CH', 'GM', 'RS', 'GB']);
  });

  it('resolves every demonym and capital of our table to its own row (no row shadows another)', () => {
    // Prepare
    const wrong: string[] = [];
    // Act
    for (const row of COUNTRY_ROWS) {
      for (const item of [...row.aliases, ...row.demonyms, ...row.capitals]) {
        const got = countryCodeOf(item.text);
        if (got !== row.code) wrong.push(`${item.text} → ${got} (row ${row.code})`);
      }
    }
    // Assess
    expect(wrong, wrong.join('\n')).toEqual([]);
  });
});

describe('countryCodesIn', () => {
  it.each([
    ['(1) Syria (2) Lebanon', ['SY', 'LB']],
    ['1) Saudi Arabia 2) Qatar', ['SA', 'QA']],
    ['(1) Central African Republic (2) Sudan', ['CF', 'SD']],
    ['(1) German (2) Moroccan', ['DE', 'MA']],
    ['Syria; Lebanon', ['SY', 'LB']],
    ['Iran / Iraq', ['IR', 'IQ']],
    ['Syria, Lebanon and Iraq', ['SY', 'LB', 'IQ']],
    ['Sudan/or South Sudan', ['SD', 'SS']],
    ['Possibly Ethiopian', ['ET']],
    ['Korea, North', ['KP']],
    ['Bosnia and Herzegovina', ['BA']],
    ['Trinidad and Tobago; Iran; Persia', ['TT', 'IR']],
    ['Russia; RU; Russian Federation', ['RU']],
    ['-0- ', []],
    ['', []],
  ] as const)('%j → %j', (text, codes) => {
    // Prepare / Act
    const got = countryCodesIn(text);
    // Assess
    expect(got).toEqual(codes);
  });
});

describe('countryName', () => {
  it.each([
    ['CN', 'China'],
    ['KP', 'North Korea'],
    ['KR', 'South Korea'],
    ['RU', 'Russia'],
    ['IR', 'Iran'],
    ['GB', 'United Kingdom'],
    ['US', 'United States'],
    ['FR', 'France'],
    ['XK', 'Kosovo'],
    ['cd', 'DR Congo'],
    ['SY', 'Syria'],
  ])('%s → %s', (code, name) => {
    // Prepare / Act
    const got = countryName(code);
    // Assess
    expect(got).toBe(name);
  });

  it('returns undefined for a code that is not a country', () => {
    // Prepare / Act / Assess
    expect(countryName('EU')).toBeUndefined();
    expect(countryName('ZZ')).toBeUndefined();
  });

  it('round-trips: the display name of every ISO code resolves back to that code', () => {
    // Prepare
    const codes = [
      'CN',
      'KP',
      'KR',
      'RU',
      'IR',
      'SY',
      'LA',
      'MD',
      'TW',
      'TZ',
      'GB',
      'US',
      'CD',
      'CG',
      'PS',
      'CI',
      'MK',
      'VE',
      'BO',
      'XK',
    ];
    // Act
    const back = codes.map((c) => countryCodeOf(countryName(c) ?? ''));
    // Assess
    expect(back).toEqual(codes);
  });
});
