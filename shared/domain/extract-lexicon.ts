/**
 * Word lists for the news entity extractor (extract.ts): hand-written, general-purpose (not fitted to any one article).
 * All lower case; the extractor folds case before looking a token up.
 */
const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

/**
 * Capitalised only because they start a sentence or a headline, or page furniture ("Share", "Stay informed"): never an
 * entity on their own, and never the first word of one.
 */
export const STOP_CAPITALS = words(`
  a an the this that these those there here it its it's they them their he him his she her we our us you your i me my
  in on at to of for from by with without within into onto over under after before during since until while when where
  why how what which who whom whose whether if unless although though because as so but and or nor yet also then thus
  however meanwhile moreover nevertheless still instead indeed perhaps already only even just last next first second third
  one two three four five six seven eight nine ten dozens hundreds thousands several many most more some any all both each
  every few other another such no not never yes according despite amid among against between beyond across around about
  monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday tonight
  january february march april may june july august september october november december jan feb mar apr jun jul aug sep
  sept oct nov dec
  share stay read subscribe sign follow click advertisement sponsored related exit updated posted published photo file
  video watch listen comments comment print email reporting editing writing additional contributed copyright menu home
  mr mrs ms dr sir madam lord lady
  officials official analysts analyst experts diplomats sources people state states government minister ministers
  president secretary spokesman spokeswoman spokesperson ambassador senator chancellor premier prime deputy vice chief
  former acting caretaker senior
`);

/** Head words of a title that precede a person's name ("Treasury Secretary Janet Yellen"). */
export const TITLE_HEADS = words(`
  president presidents secretary minister premier chancellor ambassador envoy senator sen rep representative congressman
  congresswoman governor mayor spokesman spokeswoman spokesperson director chairman chairwoman chair ceo commissioner
  general gen col colonel adm admiral lt lieutenant maj major capt captain sgt commander marshal judge justice prosecutor
  attorney king queen prince princess sheikh emir crown sultan pope cardinal ayatollah mr mrs ms dr prof professor sir
  lord lady dame chief leader speaker deputy undersecretary under-secretary officer adviser advisor counsel economist
  analyst tycoon billionaire oligarch businessman businesswoman founder executive
`);

/** Words that may sit inside a title before its head ("Deputy Secretary of State", "Foreign Minister", "Oil Minister"). */
export const TITLE_MODIFIERS = words(`
  deputy vice under assistant acting caretaker interim former prime first senior special chief executive foreign finance
  defence defense interior home justice trade commerce economy economic energy oil treasury state health education
  security intelligence national federal supreme high grand foreign-affairs affairs central bank army navy air force
  minority majority house senate white
`);

/** A capitalised run containing one of these is an organisation ("Bank of China", "Ministry of Defence"). */
export const ORG_KEYWORDS = words(`
  bank banks bankasi banca banco ministry ministries department dept office agency authority administration commission
  committee council parliament congress senate assembly court tribunal government cabinet bureau service services
  institute institution university college school academy foundation fund trust association federation union league
  alliance organisation organization party movement front army navy corps guard guards forces force brigade division
  battalion regiment militia group holding holdings company companies corporation corp co inc incorporated ltd limited llc
  plc pjsc ojsc cjsc jsc ooo oao zao pao gmbh ag sa nv bv spa srl sarl fze fzco fzc llp lp lda ltda sti kk
  industries industry industrial enterprises enterprise international partners capital investments investment securities
  exchange energy oil gas petroleum petrochemical petrochemicals mining metals steel chemical chemicals pharmaceuticals
  electronics electric technologies technology tech systems solutions logistics shipping shipbuilding lines maritime
  airlines airways aviation aerospace motors motor automotive trading trade export import telecom telecommunications
  communications media news times post journal daily herald gazette telegraph tribune television radio network networks
  agency reuters press hospital airport port railways railway exchange board centre center programme program
  management consulting airways refinery refineries
  kompaniya korporatsiya zavod kombinat obyedineniye gruppa ticaret sanayi sirketi grupo gruppo empresa compania
  sociedad societe société gesellschaft werke
`);

/** Legal-form suffixes: the strongest organisation cue (and may be written in upper case). */
export const LEGAL_SUFFIXES = words(`
  ltd ltd. limited llc l.l.c. inc inc. corp corp. co co. plc pjsc ojsc cjsc jsc ooo oao zao pao ao gmbh ag sa s.a. nv bv
  spa srl sarl sas fze fzco fzc fz-llc llp lp lda ltda sti as a.s. ab oy kft doo d.o.o. sdn bhd pte pvt pty kg
`);

/** Words that make a capitalised run a place ("Yellow Sea", "Bekaa Valley", "Kharg Island"). */
export const PLACE_KEYWORDS = words(`
  sea ocean strait straits gulf bay river valley mountains mountain hills island islands peninsula province region
  district oblast krai county canal desert coast lake basin plateau heights
`);

/** Lower-case words that may join capitalised words inside a name ("Bank of China", "Ursula von der Leyen"). */
export const NAME_PARTICLES = words('von van der den de da del della di du le la bin ibn al el abu');
export const ORG_CONNECTORS = words('of and for on the &');

/**
 * Organisations often named with one word in sanctions news (banks, energy and defence companies, agencies, armed
 * groups). Matched case-sensitively as written here.
 */
export const KNOWN_ORGS: readonly string[] = (
  'Treasury;Congress;Senate;OFAC;FinCEN;CIA;FBI;NSA;DEA;IMF;SWIFT;OPEC;IAEA;WTO;FATF;' +
  'Interpol;Europol;Eurojust;Frontex;ECB;Fed;Reuters;Bloomberg;AFP;BBC;CNN;Xinhua;TASS;RIA;Interfax;' +
  'Gazprom;Gazprombank;Rosneft;Lukoil;Novatek;Transneft;Surgutneftegas;Sovcomflot;Rosatom;Rostec;Rosoboronexport;' +
  'Sberbank;VTB;Alfa-Bank;Alfa Bank;Raiffeisen;Tinkoff;Sovcombank;Otkritie;Promsvyazbank;Aeroflot;Norilsk Nickel;' +
  'Nornickel;Rusal;Severstal;Evraz;Alrosa;Wagner;Huawei;ZTE;SMIC;Hikvision;DJI;Sinopec;PetroChina;CNPC;CNOOC;Cosco;' +
  'COSCO;Alibaba;Tencent;ByteDance;TikTok;Xiaomi;Lenovo;Samsung;Hyundai;Toyota;Sony;ASML;TSMC;Nvidia;Intel;AMD;' +
  'Qualcomm;Apple;Google;Microsoft;Amazon;Meta;Boeing;Airbus;Lockheed;Raytheon;Chevron;ExxonMobil;Exxon;Shell;BP;' +
  'TotalEnergies;Eni;Repsol;Equinor;Glencore;Trafigura;Vitol;Gunvor;Maersk;MSC;Kpler;Vortexa;HSBC;Barclays;' +
  'Citigroup;Citi;JPMorgan;UBS;Credit Suisse;Halkbank;Ziraat;Isbank;Akbank;Garanti;PDVSA;Citgo;' +
  'Pemex;Aramco;ADNOC;NIOC;Hezbollah;Hamas;Houthis;Houthi;Taliban;al-Qaeda;al-Shabaab;ISIS;IRGC;Quds Force;' +
  'Tornado Cash;Garantex;Binance;Coinbase;Tether;Telegram;Facebook;Twitter;YouTube'
).split(';');

/**
 * Common given names (many origins, in the usual Latin spellings of news copy). A capitalised run that starts with one,
 * outside an organisation, is a person.
 */
export const GIVEN_NAMES = words(`
  aaron abdul abdullah abdel abel abraham adam adel adrian ahmad ahmed aisha alan albert aleksandr aleksei alex alexander
  alexandra alexei alexey alfred ali alice alicia alisher alina alireza alan amir amanda amy ana anatoly andrea andreas
  andrei andrew andrey andriy angela angelina ann anna anne annalena anthony antonio antony anton arkady armen arseniy
  arthur ashraf ashley ayman aziz bashar bassam ben benjamin bernard bill bob boris brad brian bruce carl carlos caroline
  catherine charles charlotte chris christian christine christina christopher chuck claire claudia colin daniel danielle
  daria dariusz david dean deborah denis dennis denys diana diego dimitri dmitri dmitry dmytro donald douglas edmundo
  edward elena eli elizabeth ellen elvira emily emma emmanuel eric erik eugene evgeny fabio faisal farhad fatima fernando
  fiona francesco francisco frank franz fred frederick gabriel gary gennady george georgy gerhard gina giorgia giuseppe
  gleb gordon grace grant greg gregory gustavo hamid hannah hans harold harry hasan hassan heather heinz helen henry
  herman hossein hugo hugh ian ibrahim igor ihor ilham imad iman irina isaac ismail ivan jack jacob jaime jake james jamie
  jan jane janet jared jason javad javier jay jean jeff jeffrey jennifer jens jeremy jerome jessica jim joachim joan joanna
  joe joel johannes john jonathan jordan jorge jose josef joseph josep josh joshua juan julia julian julie justin karen
  karim karin kate katherine kathleen kay keir kemal ken kenneth kevin khalid khalifa kim kirill klaus konstantin kristalina
  kurt kyle larry laura lauren leila leonid leo liam linda lisa liz lloyd louis luca lucy luis lukas lyudmila magnus
  mahmoud maher maja mamuka manuel marco marcus margaret margarita maria marie marina mario mark marta martin mary
  maryam masoud matt matteo matthew max maxim mehmet melinda merrick michael michel michelle miguel mike mikhail
  mohamed mohammad mohammed mohammad muhammad nadia naftali nancy naomi natalia natalya nathan neil nicholas nick nicola
  nicolas nicolae nikita nikolai nikos nina nizar noah olaf oleg oleksandr oleksiy olena olga oliver omar oscar pablo pamela
  patrick paul pavel pedro peter petr petro philip pierre qasem rachel rafael ramzan rashid raymond rebecca recep richard
  rishi rita robert roberto rodrigo roger roman ron ronald rosa ruslan ryan saad sabine sadiq saeed salman sam samantha
  samer samuel sandra sara sarah scott sean selva serge sergei sergey sergio sergiy shinzo simon sophie stanislav stefan
  stephen steve steven suleiman susan svetlana tamara tatiana tatyana ted teresa thomas tim timothy tina tom tony ulrich
  ursula valentina valeria valery vasily vassily vera victor viktor viktoria vitaly vladimir vladislav volodymyr vyacheslav
  wally walter wang wassim wendy william xavier yaroslav yasser yevgeny yoko yosef youssef yuri yuriy yury zachary zelimkhan
  ayatollah ebrahim mojtaba abbas
`);

/**
 * Family names written first (Chinese, Korean, and Japanese when written in that order): "Xi Jinping" is found by its
 * first word, and "Xi" alone later refers to the same person.
 */
export const SURNAME_FIRST = words(`
  xi wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin luo gao zheng liang xie song tang han feng
  deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen yao qin fu lai kim park choi
  jung kang yoon moon
`);

/**
 * People sanctions news names by surname alone ("Putin's war"): a surname from this list is a person even when the
 * full name never appears in the article, and is keyed by the full name.
 */
export const WELL_KNOWN_PEOPLE: readonly string[] = (
  'Vladimir Putin;Xi Jinping;Joe Biden;Donald Trump;Barack Obama;Volodymyr Zelenskiy;Volodymyr Zelensky;' +
  'Recep Tayyip Erdogan;Bashar al-Assad;Nicolas Maduro;Alexander Lukashenko;Kim Jong Un;Benjamin Netanyahu;' +
  'Ali Khamenei;Narendra Modi;Emmanuel Macron;Olaf Scholz;Keir Starmer;Rishi Sunak;Ursula von der Leyen;' +
  'Antony Blinken;Sergei Lavrov;Dmitry Peskov;Dmitry Medvedev;Ramzan Kadyrov;Yevgeny Prigozhin;Roman Abramovich;' +
  'Oleg Deripaska;Alisher Usmanov;Ebrahim Raisi;Hassan Nasrallah;Kamala Harris;Janet Yellen;Viktor Orban;' +
  'Giorgia Meloni;Fumio Kishida;Daniel Ortega;Min Aung Hlaing;Mohammed bin Salman'
).split(';');
