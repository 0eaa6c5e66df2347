/**
 * TEMPORARY ADAPTER — stands in for `findPlaceMentions` of the country-resolution module (shared/domain/countries.ts)
 * while that module is still a placeholder without it; extract.ts uses the real one as soon as it is exported. Kept
 * small on purpose: i18n-iso-countries names, `countryCodeOf`, and a short table of aliases, demonyms, metonyms and blocs.
 */
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { BLOCS } from './extract-lexicon.ts';
import { tokenize } from './news-tokens.ts';
import { buildPhraseIndex, matchPhraseAt } from './phrase-index.ts';

export interface PlaceMention {
  kind: 'country' | 'bloc';
  code: string;
  surface: string;
  start: number;
  end: number;
  via: string;
}

const ALIASES =
  'GB:UK,U.K.,Britain,Great Britain,United Kingdom;US:US,U.S.,USA,U.S.A.,America,United States;RU:Russia;KR:South Korea;' +
  'KP:North Korea,DPRK;CN:PRC;TR:Turkey,Türkiye;IR:Iran;SY:Syria;VN:Vietnam;LA:Laos;MM:Burma,Myanmar;CZ:Czech Republic,Czechia;' +
  'CI:Ivory Coast;MK:North Macedonia,Macedonia;MD:Moldova;VE:Venezuela;BO:Bolivia;TZ:Tanzania;TW:Taiwan;PS:Palestine;' +
  'XK:Kosovo;CD:DR Congo,DRC,Democratic Republic of the Congo;CG:Republic of the Congo;NL:Netherlands,Holland;' +
  'VG:British Virgin Islands;AE:UAE,United Arab Emirates;HK:Hong Kong;MO:Macau,Macao;VA:Vatican';
const METONYMS = 'RU:Kremlin;US:White House,Pentagon,Capitol Hill;CN:Zhongnanhai;GB:Downing Street,Whitehall';
const DEMONYMS =
  'CN:Chinese;RU:Russian;US:American;GB:British,Briton;IR:Iranian;KP:North Korean;KR:South Korean;JP:Japanese;' +
  'UA:Ukrainian;BY:Belarusian,Belarussian;SY:Syrian;LB:Lebanese;TR:Turkish;AE:Emirati;SA:Saudi;VE:Venezuelan;CU:Cuban;' +
  'IL:Israeli;PS:Palestinian;DE:German;FR:French;IT:Italian;ES:Spanish;NL:Dutch;BE:Belgian;CH:Swiss;AT:Austrian;' +
  'PL:Polish;HU:Hungarian;CZ:Czech;CY:Cypriot;GR:Greek;IN:Indian;PK:Pakistani;AF:Afghan;IQ:Iraqi;JO:Jordanian;' +
  'EG:Egyptian;LY:Libyan;SD:Sudanese;QA:Qatari;OM:Omani;YE:Yemeni;KW:Kuwaiti;BH:Bahraini;MY:Malaysian;ID:Indonesian;' +
  'SG:Singaporean;TH:Thai;VN:Vietnamese;MM:Burmese;PH:Filipino;TW:Taiwanese;MX:Mexican;CO:Colombian;BR:Brazilian;' +
  'AR:Argentine,Argentinian;CA:Canadian;AU:Australian;NG:Nigerian;KE:Kenyan;ET:Ethiopian;SO:Somali;ER:Eritrean;' +
  'ML:Malian;GE:Georgian;AM:Armenian;AZ:Azerbaijani;KZ:Kazakh;UZ:Uzbek;KG:Kyrgyz;TJ:Tajik;TM:Turkmen;MD:Moldovan;' +
  'RO:Romanian;BG:Bulgarian;RS:Serbian;HR:Croatian;BA:Bosnian;AL:Albanian;LT:Lithuanian;LV:Latvian;EE:Estonian;' +
  'FI:Finnish;SE:Swedish;NO:Norwegian;DK:Danish;IE:Irish;PT:Portuguese;MT:Maltese;SK:Slovak;SI:Slovenian,Slovene;' +
  'NI:Nicaraguan;ZW:Zimbabwean;ZA:South African;DZ:Algerian;MA:Moroccan;TN:Tunisian;NZ:New Zealander;' +
  'CD:Congolese;MK:Macedonian;BO:Bolivian;PE:Peruvian;CL:Chilean;EC:Ecuadorian';

type Entry = { kind: 'country' | 'bloc'; code: string; via: string };
const entries: [string, Entry][] = [];
const table = (spec: string, via: string, plural: boolean) => {
  for (const part of spec.split(';')) {
    const [code, names] = part.split(':') as [string, string];
    for (const n of names.split(',')) {
      entries.push([n, { kind: 'country', code, via }]);
      // "Russians", "Iranians", "Saudis": the people, as the demonym.
      if (plural && /[ni]$/.test(n)) entries.push([`${n}s`, { kind: 'country', code, via }]);
    }
  }
};
for (const [code, names] of Object.entries(en.countries as Record<string, string | string[]>)) {
  for (const n of Array.isArray(names) ? names : [names]) if (!n.includes(',')) entries.push([n, { kind: 'country', code, via: 'name' }]);
}
table(ALIASES, 'name', false);
table(METONYMS, 'metonym', false);
table(DEMONYMS, 'demonym', true);
for (const [name, code] of Object.entries(BLOCS)) entries.push([name, { kind: 'bloc', code, via: 'name' }]);
entries.push(['European', { kind: 'bloc', code: 'EU', via: 'demonym' }], ['Europeans', { kind: 'bloc', code: 'EU', via: 'demonym' }]);
const INDEX = buildPhraseIndex(entries);

export function findPlaceMentionsFallback(text: string): PlaceMention[] {
  const tokens = tokenize(text);
  const out: PlaceMention[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const hit = matchPhraseAt(INDEX, tokens, i);
    if (!hit) continue;
    const start = tokens[i]!.start;
    const end = tokens[i + hit.length - 1]!.end;
    out.push({ ...hit.value, surface: text.slice(start, end), start, end });
    i += hit.length - 1;
  }
  return out;
}
