// Our own country tables (facts, written by hand; MIT like the rest of the code). Official names and ISO codes come from
// i18n-iso-countries (en); this file adds what it lacks: common aliases, demonyms/adjectives, capitals, metonyms, blocs,
// and the phrases that must *not* resolve (traps from docs/country-resolution.md).
//
// Row syntax: `CODE | aliases | demonyms | capitals`, items separated by `;`.
//   `~` before an item: resolve it in list fields (countryCodeOf) but never in running text (findPlaceMentions),
//       because in prose it is usually something else (a language, a US city, a region, a person).
//   Demonyms ending in -an/-i/-o/-k/-e… also match with a plural `s` (Russians, Iraqis); add irregular plurals yourself.

export interface CountryRow {
  code: string;
  aliases: readonly TableItem[];
  demonyms: readonly TableItem[];
  capitals: readonly TableItem[];
}

export interface TableItem {
  text: string;
  /** false when the item is only safe in a list field, not in news prose. */
  news: boolean;
}

const ROWS = `
AF | Islamic Emirate of Afghanistan | Afghan; Afghani | Kabul
AL | | Albanian | Tirana; Tirane
DZ | | Algerian | Algiers
AD | | Andorran | Andorra la Vella
AO | | Angolan | Luanda
AG | Antigua | Antiguan | ~Saint John's
AR | | Argentine; Argentinian | Buenos Aires
AM | | Armenian | Yerevan
AU | | Australian; Aussie | Canberra
AT | | Austrian | Vienna
AZ | | Azerbaijani; Azeri | Baku
BS | The Bahamas; Bahamas, The | Bahamian | ~Nassau
BH | | Bahraini | Manama
BD | | Bangladeshi | Dhaka
BB | | Barbadian; Bajan | Bridgetown
BY | Belorussia; Byelorussia | Belarusian; Belarussian | Minsk
BE | | Belgian | ~Brussels
BZ | | Belizean | Belmopan
BJ | | Beninese | Porto-Novo
BT | | Bhutanese | Thimphu
BO | Plurinational State of Bolivia; Bolivia (Plurinational State of) | Bolivian | La Paz; ~Sucre
BA | Bosnia; Bosnia-Herzegovina | Bosnian | Sarajevo
BW | | Motswana; Botswanan | Gaborone
BR | | Brazilian | Brasilia; Brasília
BN | Brunei | Bruneian | Bandar Seri Begawan
BG | | Bulgarian | Sofia
BF | Burkina | Burkinabe; Burkinabè | Ouagadougou
BI | | Burundian | Bujumbura
CV | Cabo Verde | Cape Verdean | Praia
KH | Kampuchea | Cambodian | Phnom Penh
CM | | Cameroonian | Yaounde; Yaoundé
CA | | Canadian | Ottawa
CF | ~CAR; ~Central Africa | | Bangui
TD | | Chadian | N'Djamena; Ndjamena
CL | | Chilean | ~Santiago
CN | PRC; Mainland China; Bank of China; People's Bank of China | Chinese | Beijing
CO | | Colombian | Bogota; Bogotá
KM | Union of the Comoros | Comorian | ~Moroni
CG | Republic of Congo; Congo Republic; Congo-Brazzaville; Congo, Republic of the; Congo (Brazzaville) | | Brazzaville
CD | DR Congo; DRC; D.R. Congo; Democratic Republic of Congo; Congo-Kinshasa; Congo, Democratic Republic of the; Congo (Kinshasa); ~Zaire | Congolese | Kinshasa
CR | | Costa Rican | ~San Jose; San José
CI | Cote d Ivoire | Ivorian | Yamoussoukro; Abidjan
HR | | Croatian | Zagreb
CU | | Cuban | Havana
CY | | Cypriot | Nicosia
CZ | | Czech; Czechs | Prague
DK | | Danish; Dane | Copenhagen
DJ | | Djiboutian | Djibouti City
DM | | | Roseau
DO | | Dominican | Santo Domingo
EC | | Ecuadorian; Ecuadorean | Quito
EG | | Egyptian | Cairo
SV | | Salvadoran; Salvadorean | San Salvador
GQ | | Equatorial Guinean; Equatoguinean | Malabo
ER | | Eritrean | Asmara
EE | | Estonian | Tallinn
SZ | Swaziland; Kingdom of Eswatini | Swazi; Emaswati | Mbabane
ET | | Ethiopian | Addis Ababa
FJ | | Fijian | Suva
FI | | Finnish; ~Finn | Helsinki
FR | | French | Paris
GA | | Gabonese | Libreville
GM | Gambia, The | Gambian | Banjul
GE | | Georgian | Tbilisi
DE | | German | Berlin
GH | | Ghanaian | Accra
GR | Hellenic Republic | Greek | Athens
GD | | Grenadian | ~Saint George's
GT | | Guatemalan | Guatemala City
GN | Guinea-Conakry | Guinean | Conakry
GW | | Bissau-Guinean | Bissau
GY | | Guyanese | ~Georgetown
HT | | Haitian | Port-au-Prince
VA | Vatican; Vatican City; Vatican City State; Holy See | | 
HN | | Honduran | Tegucigalpa
HK | Hong Kong SAR; China, Hong Kong Special Administrative Region; Hong Kong Special Administrative Region | Hongkonger | 
HU | | Hungarian | Budapest
IS | | Icelandic; Icelander | Reykjavik; Reykjavík
IN | Bharat | Indian | New Delhi
ID | | Indonesian | Jakarta
IR | Persia; Islamic Republic of Iran; Iran (Islamic Republic of) | Iranian | Tehran; Teheran
IQ | | Iraqi | Baghdad
IE | Eire; Republic of Ireland | Irish | Dublin
IL | State of Israel | Israeli | 
IT | | Italian | Rome
JM | | Jamaican | ~Kingston
JP | | Japanese | Tokyo
JO | Hashemite Kingdom of Jordan | Jordanian | Amman
KZ | | Kazakh; Kazakhstani | Astana; ~Nur-Sultan
KE | | Kenyan | Nairobi
KI | | I-Kiribati | Tarawa
KP | DPRK; North Korea; Korea, North; Democratic People's Republic of Korea; Korea, Democratic People's Republic of; Korea (Democratic People's Republic of); Korea DPR | North Korean | Pyongyang
KR | ROK; South Korea; Korea, South; Republic of Korea; Korea Republic; Bank of Korea | South Korean | Seoul
KW | | Kuwaiti | Kuwait City
KG | Kyrgyz Republic; Kirghizia | Kyrgyz; Kyrgyzstani | Bishkek
LA | Laos; Lao PDR; Lao People's Democratic Republic | Laotian; ~Lao | Vientiane
LV | | Latvian | Riga
LB | | Lebanese | Beirut
LS | | Basotho; Mosotho | Maseru
LR | | Liberian | Monrovia
LY | ~Libyan Arab Jamahiriya; State of Libya | Libyan | Tripoli
LI | | Liechtensteiner | Vaduz
LT | | Lithuanian | Vilnius
LU | | Luxembourger; Luxembourgish | 
MO | Macau; Macao SAR; China, Macao Special Administrative Region | Macanese | 
MG | | Malagasy | Antananarivo
MW | | Malawian | Lilongwe
MY | | Malaysian | Kuala Lumpur
MV | | Maldivian | Malé; ~Male
ML | ~Northern Mali | Malian | Bamako
MT | | Maltese | Valletta
MH | | Marshallese | Majuro
MR | | Mauritanian | Nouakchott
MU | | Mauritian | Port Louis
MX | | Mexican | Mexico City
FM | Micronesia; Federated States of Micronesia; Micronesia (Federated States of) | Micronesian | Palikir
MD | Moldova; Republic of Moldova; ~Moldavia | Moldovan | Chisinau; Chișinău; Chişinău
MC | | Monegasque | 
MN | | Mongolian | Ulaanbaatar; Ulan Bator
ME | | Montenegrin | Podgorica
MA | | Moroccan | Rabat
MZ | | Mozambican | Maputo
MM | Burma | Burmese | Naypyidaw; Naypyitaw; Nay Pyi Taw
NA | | Namibian | Windhoek
NR | | Nauruan | 
NP | | Nepali; Nepalese | Kathmandu
NL | Holland; Kingdom of the Netherlands | Dutch | Amsterdam; ~The Hague
NZ | Aotearoa | New Zealander; ~Kiwi | ~Wellington
NI | | Nicaraguan | Managua
NE | | Nigerien | Niamey
NG | Niger Delta | Nigerian | Abuja
MK | Macedonia; Republic of North Macedonia; Former Yugoslav Republic of Macedonia; FYROM | Macedonian; North Macedonian | Skopje
NO | | Norwegian | Oslo
OM | Sultanate of Oman | Omani | Muscat
PK | | Pakistani | Islamabad
PW | | Palauan | Ngerulmud
PS | Palestinian Territories; Occupied Palestinian Territory; Palestinian Territory; ~Gaza; ~Gaza Strip; ~West Bank | Palestinian | ~Ramallah
PA | | Panamanian | Panama City
PG | ~PNG | Papua New Guinean | Port Moresby
PY | | Paraguayan | Asuncion; Asunción
PE | | Peruvian | Lima
PH | | Filipino; Filipina; Philippine | Manila
PL | | Polish; ~Pole | Warsaw
PT | | Portuguese | Lisbon
PR | | Puerto Rican | ~San Juan
QA | | Qatari | Doha
RO | | Romanian | Bucharest
RU | ~USSR; ~Soviet Union | Russian | Moscow
RW | | Rwandan | Kigali
KN | St. Kitts and Nevis; St Kitts and Nevis; Saint Kitts; St. Kitts | Kittitian | Basseterre
LC | St. Lucia; St Lucia | Saint Lucian | Castries
VC | St. Vincent and the Grenadines; St Vincent and the Grenadines; Saint Vincent | Vincentian | Kingstown
WS | Western Samoa | Samoan | Apia
SM | | Sammarinese | 
ST | São Tomé and Príncipe; Sao Tome | Santomean | São Tomé
SA | Kingdom of Saudi Arabia; KSA | Saudi; Saudi Arabian | Riyadh
SN | | Senegalese | Dakar
RS | | Serbian; Serb | Belgrade
SC | | Seychellois | ~Victoria
SL | | Sierra Leonean | Freetown
SG | | Singaporean | 
SK | Slovak Republic | Slovak; Slovakian | Bratislava
SI | | Slovenian; Slovene | Ljubljana
SB | Solomons | Solomon Islander | Honiara
SO | | Somali; Somalian | Mogadishu
ZA | ~RSA | South African | Pretoria; Cape Town
SS | | South Sudanese | Juba
ES | | Spanish; Spaniard | Madrid
LK | ~Ceylon | Sri Lankan | Colombo; Sri Jayawardenepura Kotte
SD | ~Kafia Kingi | Sudanese | Khartoum
SR | Surinam | Surinamese | Paramaribo
SE | | Swedish; Swede | Stockholm
CH | Swiss Confederation | Swiss | Bern; Berne
SY | Syria | Syrian | Damascus
TW | Chinese Taipei; Republic of China (Taiwan) | Taiwanese | Taipei
TJ | | Tajik; Tajikistani | Dushanbe
TZ | | Tanzanian | Dodoma
TH | ~Siam | Thai | Bangkok
TL | East Timor; Timor Leste | Timorese; East Timorese | Dili
TG | | Togolese | Lome; Lomé
TO | | Tongan | Nuku'alofa
TT | Trinidad | Trinidadian; Tobagonian | Port of Spain
TN | | Tunisian | Tunis
TR | Turkiye; Republic of Turkey; Republic of Türkiye | Turkish; Turk | Ankara
TM | | Turkmen; Turkmenistani | Ashgabat
TC | Turks and Caicos | | 
TV | | Tuvaluan | Funafuti
UG | | Ugandan | Kampala
UA | the Ukraine; ~Crimea | Ukrainian | Kyiv; Kiev
AE | U.A.E.; ~Emirates | Emirati | Abu Dhabi
GB | Britain; Great Britain; England; Scotland; Wales; Northern Ireland; U.K.; United Kingdom of Great Britain and Northern Ireland | British; Brit; Brits; Scottish; Scots; Welsh; Northern Irish; ~English; ~Scot | London
US | America; United States of America; U.S.A.; USA | American | Washington; Washington DC; Washington D.C.; Washington, D.C.; Washington, DC
UY | | Uruguayan | Montevideo
UZ | | Uzbek; Uzbekistani | Tashkent
VU | | Ni-Vanuatu | Port Vila
VE | Bolivarian Republic of Venezuela; Venezuela (Bolivarian Republic of) | Venezuelan | Caracas
VN | Viet Nam | Vietnamese | Hanoi
VG | British Virgin Islands; BVI | | Road Town
VI | US Virgin Islands; U.S. Virgin Islands; United States Virgin Islands | | 
YE | | Yemeni | Sanaa; Sana'a
ZM | | Zambian | Lusaka
ZW | | Zimbabwean | Harare
XK | Republic of Kosovo | Kosovar; Kosovan | Pristina; Prishtina
IM | Man, Isle of | Manx | ~Douglas
CW | | Curaçaoan | Willemstad
KY | | Caymanian | ~George Town
BM | | Bermudian | ~Hamilton
GI | | Gibraltarian | 
FO | Faroes | Faroese | Torshavn
GL | | Greenlandic; Greenlander | Nuuk
AS | | American Samoan | Pago Pago
RE | Réunion | | 
FK | Falkland Islands; Falklands | | ~Stanley
GS | South Georgia | | 
EH | | Sahrawi | 
`;

const item = (raw: string): TableItem =>
  raw.startsWith('~') ? { text: raw.slice(1).trim(), news: false } : { text: raw.trim(), news: true };
const items = (field: string | undefined): TableItem[] =>
  (field ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(item);

export const COUNTRY_ROWS: readonly CountryRow[] = ROWS.split('\n')
  .filter((l) => l.trim())
  .map((line) => {
    const [code = '', aliases, demonyms, capitals] = line.split('|');
    return { code: code.trim(), aliases: items(aliases), demonyms: items(demonyms), capitals: items(capitals) };
  });

/** Government buildings and districts used for the state itself ("the Kremlin said"). */
export const METONYMS: Readonly<Record<string, readonly string[]>> = {
  RU: ['Kremlin', 'State Duma'],
  US: [
    'White House',
    'Pentagon',
    'Capitol Hill',
    'State Department',
    'Department of State',
    'Oval Office',
    'Foggy Bottom',
  ],
  GB: ['Downing Street', 'Whitehall', 'Foreign Office', 'Westminster'],
  CN: ['Zhongnanhai'],
  FR: ['Élysée', 'Elysee', 'Élysée Palace', 'Elysee Palace', "Quai d'Orsay"],
  DE: ['Bundestag', 'Bundeskanzleramt'],
  IL: ['Knesset'],
  KR: ['Blue House'],
};

export interface Bloc {
  names: readonly string[];
  /** Acronyms, case-sensitive. */
  codes: readonly string[];
  metonyms: readonly string[];
}

/** Supranational blocs: reported as kind 'bloc', never forced onto a member state. */
export const BLOCS: Readonly<Record<string, Bloc>> = {
  // "Brussels" is the EU (its institutions), not Belgium: in sanctions news "Brussels" is almost always the Commission or
  // the Council. "European" alone is a continent adjective and resolves to nothing.
  EU: {
    names: ['European Union'],
    codes: ['EU', 'E.U.'],
    metonyms: [
      'Brussels',
      'European Commission',
      'European Council',
      'Council of the European Union',
      'European Parliament',
    ],
  },
  G7: { names: ['Group of Seven', 'Group of 7'], codes: ['G7', 'G-7'], metonyms: [] },
  G20: { names: ['Group of Twenty', 'Group of 20'], codes: ['G20', 'G-20'], metonyms: [] },
  NATO: {
    names: ['North Atlantic Treaty Organization', 'North Atlantic Treaty Organisation'],
    codes: ['NATO', 'Nato'],
    metonyms: [],
  },
  // Not "Security Council" alone: "National Security Council", "Russian Security Council" are national bodies.
  UN: { names: ['United Nations'], codes: ['UN', 'U.N.'], metonyms: [] },
  ASEAN: { names: ['Association of Southeast Asian Nations'], codes: ['ASEAN', 'Asean'], metonyms: [] },
  BRICS: { names: [], codes: ['BRICS', 'Brics'], metonyms: [] },
  OPEC: { names: ['Organization of the Petroleum Exporting Countries'], codes: ['OPEC', 'Opec'], metonyms: [] },
  // Bare "AU" is Australia's ccTLD, gold's symbol, astronomical units: only the full name counts.
  AU: { names: ['African Union'], codes: [], metonyms: [] },
  GCC: { names: ['Gulf Cooperation Council'], codes: ['GCC'], metonyms: [] },
  SCO: {
    names: ['Shanghai Cooperation Organisation', 'Shanghai Cooperation Organization'],
    codes: ['SCO'],
    metonyms: [],
  },
};

/**
 * Codes and abbreviations accepted in running text: an allowlist, case-sensitive. Everything else that looks like an
 * ISO code ("IN", "IT", "AM", "ME") is an English word or an unrelated acronym.
 */
export const NEWS_CODES: Readonly<Record<string, string>> = {
  US: 'US',
  'U.S.': 'US',
  USA: 'US',
  'U.S.A.': 'US',
  UK: 'GB',
  'U.K.': 'GB',
  UAE: 'AE',
  'U.A.E.': 'AE',
  DPRK: 'KP',
  PRC: 'CN',
  ROK: 'KR',
  DRC: 'CD',
};

/** Codes that are also English words: dropped when their line is all capitals ("TRUMP SAYS US WILL ACT"). */
export const WORD_LIKE_CODES: ReadonlySet<string> = new Set(['US']);

/**
 * Phrases that contain a country word but do not mean the country. Matched like any other phrase (longest match first),
 * then dropped, so the shorter country name inside them never fires.
 */
export const NOT_PLACES: readonly string[] = [
  // Geography named after, but not, the state.
  'South China Sea',
  'East China Sea',
  'Indian Ocean',
  'Gulf of Mexico',
  'New Guinea',
  'Korean Peninsula',
  'Latin America',
  'Latin American',
  'Latin Americans',
  'South America',
  'South American',
  'South Americans',
  'North America',
  'North American',
  'North Americans',
  'Central America',
  'Central American',
  'Central Americans',
  'Central Africa',
  'Central African',
  // US states and places.
  'New Mexico',
  'New Mexican',
  'New Jersey',
  'Jersey City',
  'Jersey Shore',
  'Washington state',
  'Washington State',
  'New England',
  'New South Wales',
  'British Columbia',
  'Georgia Tech',
  // People and peoples.
  'Native American',
  'Native Americans',
  'American Indian',
  'American Indians',
  'African American',
  'African Americans',
  'West Indian',
  'West Indians',
  'West Indies',
  'Pan American',
  // Publications named after a place; an attribution, not a topic.
  'China Daily',
  'South China Morning Post',
  'Washington Post',
  'Washington Times',
  'Washington Examiner',
  'Jordan River',
  'Jordan Valley',
];

/**
 * Single-word names that are also given names, surnames or part of organisation names ("Denzel Washington",
 * "Michael Jordan", "Chad Smith", "Paris Hilton"). They are dropped when a capitalised word stands right before or after.
 */
export const PERSON_LIKE: ReadonlySet<string> = new Set([
  'Washington',
  'Georgia',
  'Jordan',
  'Chad',
  'Paris',
  'London',
  'Sofia',
  'Lima',
]);

/**
 * i18n-iso-countries names left out of running text (list fields still resolve them): words in prose ("Reunion",
 * "Jersey" = New Jersey or a shirt), the ambiguous "Congo" (see NEWS_ALIASES), and abbreviations, which only count
 * through NEWS_CODES so that they are reported `via: 'code'`.
 */
export const NOT_IN_NEWS: ReadonlySet<string> = new Set([
  'Reunion',
  'Congo',
  'Jersey',
  'US',
  'U.S.',
  'USA',
  'U.S.A.',
  'UK',
  'UAE',
]);

/**
 * Running-text readings that differ from the list reading. In a list field a bare "Congo" is the ISO short name of
 * the Republic of the Congo (CG, as the UN list writes it); in news, wire style (Reuters, AP) uses bare "Congo" for
 * the Democratic Republic (CD) and "Republic of Congo"/"Congo Republic" for Brazzaville.
 */
export const NEWS_ALIASES: Readonly<Record<string, string>> = { Congo: 'CD' };

/** Short English names for display where the ISO/i18n default is an official or inverted form. */
export const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  CN: 'China',
  KP: 'North Korea',
  KR: 'South Korea',
  RU: 'Russia',
  IR: 'Iran',
  SY: 'Syria',
  LA: 'Laos',
  MD: 'Moldova',
  FM: 'Micronesia',
  VA: 'Vatican City',
  FK: 'Falkland Islands',
  CI: "Côte d'Ivoire",
  MK: 'North Macedonia',
  CZ: 'Czechia',
  TR: 'Türkiye',
  TW: 'Taiwan',
  TZ: 'Tanzania',
  GB: 'United Kingdom',
  US: 'United States',
  CD: 'DR Congo',
  CG: 'Republic of the Congo',
  PS: 'Palestine',
  GM: 'Gambia',
  NL: 'Netherlands',
  BN: 'Brunei',
  VG: 'British Virgin Islands',
  VI: 'US Virgin Islands',
  AX: 'Åland Islands',
  MF: 'Saint Martin',
  SX: 'Sint Maarten',
  CC: 'Cocos (Keeling) Islands',
  RE: 'Réunion',
  CV: 'Cabo Verde',
  AE: 'United Arab Emirates',
};

/**
 * Capitalised words that commonly start a sentence or clause. A person-like place name ("Washington") preceded by one
 * of these is still the place ("In Washington", "Meanwhile, Washington"); preceded by any other capitalised word it is
 * part of a name ("George Washington", "Atlanta, Georgia").
 */
export const SENTENCE_WORDS: ReadonlySet<string> = new Set(
  (
    'The A An In At From To And But Or For On With By As Of While When Both Between Against Says Said Told Why How What ' +
    'Where Who If Unlike Like Meanwhile After Before Since Until Across Outside Inside Near Via Than Then So Yet Also Only ' +
    'Even Neither Nor Either Whether Though Although Because Under Over Through Within Without Toward Towards Amid Despite ' +
    'Including Beyond About Around Into Upon Among Once Now Here There Today Yesterday Tomorrow Last Next This That These ' +
    'Those Many Some Most All However Still Instead Separately Indeed Earlier Later Thus Hence Moreover Furthermore ' +
    'Officials Sources Analysts Critics Not Does Did Will Would Could Should May Might Must Can Has Had Have Is Was Are ' +
    'Were Do Let Why Whereas Unless Except Given Only Just Perhaps Recently Currently Previously Finally Ultimately ' +
    'Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August ' +
    'September October November December'
  ).split(' '),
);

/** Titles before a name, written with a dot: "Mr. Jordan", "Gen. Washington". */
export const HONORIFICS: ReadonlySet<string> = new Set([
  'Mr',
  'Mrs',
  'Ms',
  'Dr',
  'Gen',
  'Sen',
  'Rep',
  'Gov',
  'Lt',
  'Col',
  'Sgt',
  'Prof',
  'Rev',
]);

/** Person-like names that are also US states: "Atlanta, Georgia" and "Seattle, Washington" are not GE/US-the-state. */
export const US_STATE_LIKE: ReadonlySet<string> = new Set(['Georgia', 'Washington']);
