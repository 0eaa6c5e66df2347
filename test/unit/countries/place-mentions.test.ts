import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPlaceMentions, type PlaceMention } from '../../../shared/domain/countries.ts';

/** "CODE:surface" for each mention, bloc tags prefixed with "bloc:" so a bloc can never pass for a country. */
const found = (text: string): string[] =>
  findPlaceMentions(text).map((m) => `${m.kind === 'bloc' ? 'bloc:' : ''}${m.code}:${m.surface}`);

// Every case is a sentence of our own (no article text is copied); the expectation lists every mention in order.
const CASES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  // longest match first
  ['North Korea before Korea', 'North Korea fired a missile.', ['KP:North Korea']],
  ['South Sudan before Sudan', 'South Sudan and Sudan signed.', ['SS:South Sudan', 'SD:Sudan']],
  ['Papua New Guinea', 'Papua New Guinea voted.', ['PG:Papua New Guinea']],
  [
    'Guinea-Bissau',
    'Guinea-Bissau, Equatorial Guinea and Guinea met.',
    ['GW:Guinea-Bissau', 'GQ:Equatorial Guinea', 'GN:Guinea'],
  ],
  ['DR Congo', 'Rebels in DR Congo advanced.', ['CD:DR Congo']],
  [
    'Democratic Republic of the Congo',
    'the Democratic Republic of the Congo said',
    ['CD:Democratic Republic of the Congo'],
  ],
  ['Congo-Brazzaville', 'Congo-Brazzaville is not Congo-Kinshasa.', ['CG:Congo-Brazzaville', 'CD:Congo-Kinshasa']],
  ['Republic of Congo', 'the Republic of Congo and the Congo Republic', ['CG:Republic of Congo', 'CG:Congo Republic']],
  // Decision: wire style (Reuters/AP) uses bare "Congo" for the DRC.
  ['bare Congo is the DRC in news', 'fighting in eastern Congo', ['CD:Congo']],
  [
    'Niger vs Nigeria',
    'Niger borders Nigeria; Nigerien and Nigerian troops',
    ['NE:Niger', 'NG:Nigeria', 'NE:Nigerien', 'NG:Nigerian'],
  ],
  ['Dominica vs Dominican Republic', 'Dominica and the Dominican Republic', ['DM:Dominica', 'DO:Dominican Republic']],
  ['Korea alone is ambiguous', 'Korea and the Korean Peninsula', []],
  ['Northern Ireland vs Ireland', 'Northern Ireland borders Ireland.', ['GB:Northern Ireland', 'IE:Ireland']],
  // demonyms: case-sensitive, with the traps
  ['Chinese lenders', 'Chinese lenders and Russian media', ['CN:Chinese', 'RU:Russian']],
  ['lower-case demonyms are words', 'fine chinese porcelain and a turkey dinner', []],
  ['North Korean', 'North Korean hackers', ['KP:North Korean']],
  // Decision: "European" is a continent adjective, neither a country nor the EU bloc.
  ['European is not a country', 'European leaders met in Europe.', []],
  [
    'Latin/South/Native American, American Indian',
    'Latin American, South American, Native American and American Indian groups',
    [],
  ],
  ['American alone is US', 'American officials', ['US:American']],
  ['Indian vs Indian Ocean', 'Indian ships in the Indian Ocean', ['IN:Indian']],
  // capitals and person/org vetoes
  [
    'capitals count as the state',
    'Beijing, Moscow, Kyiv, Kiev, Tehran and Pyongyang',
    ['CN:Beijing', 'RU:Moscow', 'UA:Kyiv', 'UA:Kiev', 'IR:Tehran', 'KP:Pyongyang'],
  ],
  ['Washington', 'Officials in Washington said.', ['US:Washington']],
  [
    'Washington, D.C. is still US (one mention)',
    'He flew to Washington, D.C. and Washington DC.',
    ['US:Washington, D.C.', 'US:Washington DC'],
  ],
  [
    'Washington at sentence start',
    'Meanwhile, Washington warned. Washington denied it.',
    ['US:Washington', 'US:Washington'],
  ],
  ['Denzel / George Washington', 'Denzel Washington played George Washington.', []],
  [
    'Washington state / Washington Post',
    'Washington state law, as the Washington Post and the Washington Times reported',
    [],
  ],
  ['Seattle, Washington', 'a firm in Seattle, Washington', []],
  ['Atlanta, Georgia is not GE', 'based in Atlanta, Georgia', []],
  ['Tbilisi, Georgia is GE', 'protests in Tbilisi, Georgia', ['GE:Tbilisi', 'GE:Georgia']],
  ["Georgia's", "Georgia's ruling party", ['GE:Georgia']],
  ['Michael Jordan is not JO', 'Michael Jordan and Mr. Jordan', []],
  ['Jordan the state', "Jordan's king and King Abdullah of Jordan", ['JO:Jordan', 'JO:Jordan']],
  ['Chad the person', 'Chad Smith visited Chad.', ['TD:Chad']],
  ['Sofia the person', 'Sofia Coppola filmed in Sofia.', ['BG:Sofia']],
  [
    'Turks and Caicos is TC, not TR',
    'the Turks and Caicos Islands and the Turks and Caicos; Turks',
    ['TC:Turks and Caicos Islands', 'TC:Turks and Caicos', 'TR:Turks'],
  ],
  ['South China Sea, China Daily', 'in the South China Sea, China Daily reported', []],
  // Decision: "Bank of China" names a Chinese state bank: the country is the subject, so CN (via name).
  ['Bank of China', 'Bank of China froze accounts', ['CN:Bank of China']],
  // Decision: a currency named after a country is still a reference to that country.
  ['Swiss franc', 'the Swiss franc rose', ['CH:Swiss']],
  ['New Mexico / New Jersey / New Guinea', 'New Mexico, New Jersey, New Guinea, Mexico', ['MX:Mexico']],
  ['New South Wales / New England', 'New South Wales and New England but Wales', ['GB:Wales']],
  // metonyms
  ['Kremlin', 'The Kremlin said; a Kremlin-backed group', ['RU:Kremlin', 'RU:Kremlin']],
  [
    'US metonyms',
    'the White House, the Pentagon, Capitol Hill and the State Department',
    ['US:White House', 'US:Pentagon', 'US:Capitol Hill', 'US:State Department'],
  ],
  [
    'GB/CN/FR metonyms',
    'Downing Street, Whitehall, Zhongnanhai, the Élysée and the Elysee',
    ['GB:Downing Street', 'GB:Whitehall', 'CN:Zhongnanhai', 'FR:Élysée', 'FR:Elysee'],
  ],
  // codes: allowlist, case-sensitive
  [
    'code allowlist',
    'US, U.S., U.S.A., USA, UK, U.K., UAE, DPRK, PRC and ROK',
    ['US:US', 'US:U.S.', 'US:U.S.A.', 'US:USA', 'GB:UK', 'GB:U.K.', 'AE:UAE', 'KP:DPRK', 'CN:PRC', 'KR:ROK'],
  ],
  ['no IN/IT/us', 'IN IT we trust, said us', []],
  ['US in an all-caps line is a word', 'TRUMP SAYS US WILL ACT\nThe US will act.', ['US:US']],
  ['U.S.-China', 'U.S.-China talks', ['US:U.S.', 'CN:China']],
  // blocs: never forced onto a country
  [
    'blocs',
    'the EU, the European Union, G7, G-7, G20, NATO, Nato, the United Nations, the UN and ASEAN',
    [
      'bloc:EU:EU',
      'bloc:EU:European Union',
      'bloc:G7:G7',
      'bloc:G7:G-7',
      'bloc:G20:G20',
      'bloc:NATO:NATO',
      'bloc:NATO:Nato',
      'bloc:UN:United Nations',
      'bloc:UN:UN',
      'bloc:ASEAN:ASEAN',
    ],
  ],
  // Decision: "Brussels" in news is the EU institutions (bloc EU, via metonym), never Belgium.
  ['Brussels is the EU', 'Brussels imposed sanctions', ['bloc:EU:Brussels']],
  [
    'Security Council alone is not the UN',
    'the Russian Security Council, the National Security Council and the UN Security Council',
    ['RU:Russian', 'bloc:UN:UN'],
  ],
  ['other geography traps', 'the Gulf of Mexico, British Columbia and the East China Sea', []],
  ['bloc acronyms are case-sensitive', 'an un-named eu official', []],
  // aliases
  [
    'GB aliases',
    'Britain, Great Britain, England, Scotland and Wales',
    ['GB:Britain', 'GB:Great Britain', 'GB:England', 'GB:Scotland', 'GB:Wales'],
  ],
  [
    'old and other names',
    'Holland, Burma, Persia, Taiwan, Kosovo, Türkiye and Turkey',
    ['NL:Holland', 'MM:Burma', 'IR:Persia', 'TW:Taiwan', 'XK:Kosovo', 'TR:Türkiye', 'TR:Turkey'],
  ],
  // possessives and plurals
  ['possessives', "China's banks and Russia’s army", ['CN:China', 'RU:Russia']],
  ['plurals', 'Russians and Iranians', ['RU:Russians', 'IR:Iranians']],
];

describe('findPlaceMentions', () => {
  it.each(CASES)('%s', (_rule, text, expected) => {
    // Prepare: the sentence
    // Act
    const got = found(text);
    // Assess
    expect(got).toEqual(expected);
  });

  it('reports kind, via and offsets', () => {
    // Prepare
    const text = 'Beijing and the Kremlin: U.S. and Chinese envoys at the EU.';
    // Act
    const got = findPlaceMentions(text);
    // Assess
    expect(got).toEqual<PlaceMention[]>([
      { kind: 'country', code: 'CN', surface: 'Beijing', start: 0, end: 7, via: 'capital' },
      { kind: 'country', code: 'RU', surface: 'Kremlin', start: 16, end: 23, via: 'metonym' },
      { kind: 'country', code: 'US', surface: 'U.S.', start: 25, end: 29, via: 'code' },
      { kind: 'country', code: 'CN', surface: 'Chinese', start: 34, end: 41, via: 'demonym' },
      { kind: 'bloc', code: 'EU', surface: 'EU', start: 56, end: 58, via: 'code' },
    ]);
  });

  it('returns in-order, non-overlapping mentions whose surface is the text at their offsets', () => {
    // Prepare: arbitrary mixes of place words, traps, punctuation and filler
    const pieces = fc.constantFrom(
      'China',
      "China's",
      'Russia’s',
      'North Korea',
      'Korea',
      'Washington',
      'George',
      'Georgia',
      'Atlanta,',
      'U.S.',
      'US',
      'TRUMP',
      'the',
      'Kremlin',
      'Guinea-Bissau',
      'New',
      'Guinea',
      'Papua',
      'South',
      'Sea',
      'Turks',
      'and',
      'Caicos',
      'EU',
      'Brussels',
      'Chinese',
      'American',
      'Latin',
      'Indian',
      'Ocean',
      ',',
      '.',
      '\n',
      'said',
      'Jordan',
      'Michael',
    );
    // Act / Assess
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (words) => {
        const text = words.join(' ');
        const ms = findPlaceMentions(text);
        let last = 0;
        for (const m of ms) {
          expect(text.slice(m.start, m.end)).toBe(m.surface);
          expect(m.start).toBeGreaterThanOrEqual(last);
          expect(m.end).toBeGreaterThan(m.start);
          last = m.end;
        }
      }),
    );
  });

  it('scans a long text dense in places and traps', () => {
    // Prepare: 700 words; its speed is measured by `npm run bench`, not asserted here
    const sentence =
      'Officials in Washington said the Kremlin and Beijing discussed sanctions on Iranian oil with the EU while George ' +
      'Washington stayed in Atlanta, Georgia and the South China Sea remained tense near the Turks and Caicos too. ';
    const words = sentence.split(' ').filter(Boolean);
    const text = Array.from({ length: 700 }, (_, k) => words[k % words.length]).join(' ');
    // Act
    const found = findPlaceMentions(text);
    // Assess
    expect(found.length).toBeGreaterThan(100);
    expect(found.some((m) => m.code === 'GE')).toBe(false);
  });
});
