/**
 * Name normalisation for matching news mentions against listed names (design §4): case, diacritics, transliteration to
 * Latin, punctuation, legal-form suffixes, and person names in both orders. Pure and deterministic.
 */

// Cyrillic → Latin (a simple BGN/PCGN-style table: enough to meet a Latin spelling in the news half way).
const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
};
const GREEK: Record<string, string> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};
const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ł: 'l', þ: 'th', ı: 'i' };

/** Legal forms and other words that never identify an organisation on their own; stripped at the end of a name. */
const LEGAL_FORMS = new Set(
  (
    'llc ltd limited inc incorporated corp corporation co company plc pjsc ojsc cjsc jsc ooo oao zao ao pao tov ' +
    'gmbh ag sa sas sarl srl spa bv nv oy ab as asa kg kft sp zoo doo ad ead fze fzco fzc fz llp lp sdn bhd pte pvt pty ' +
    'kk kabushiki kaisha jv ltda cia sac eirl'
  ).split(' '),
);

/** Tokens too common to identify anything alone ("Bank", "Group", "Corp"): a match needs something else too. */
export const GENERIC_TOKENS = new Set(
  (
    'the of and for de la el al bank group holding holdings company co corp international trading trade industries industry ' +
    'industrial general national state services service global investment investments capital finance financial ' +
    'shipping maritime energy oil gas petroleum development import export enterprises enterprise commercial commerce ' +
    'organization organisation foundation institute center centre ministry department office agency association ' +
    'union federal republic islamic peoples people front army brigade battalion movement party council committee ' +
    'united new north south east west central ltd limited llc inc jsc ooo'
  ).split(' '),
);

export function foldChars(s: string): string {
  let out = '';
  // Transliterate whole letters first (й, ё would lose their identity to NFKD), then drop diacritics.
  for (const ch of s.normalize('NFC').toLowerCase()) {
    const mapped = CYRILLIC[ch] ?? GREEK[ch] ?? SPECIAL[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    for (const c of ch.normalize('NFKD')) {
      const code = c.charCodeAt(0);
      if (code >= 0x300 && code <= 0x36f) continue; // combining marks (diacritics)
      out += CYRILLIC[c] ?? GREEK[c] ?? c;
    }
  }
  return out;
}

/** Lower-case Latin word tokens; apostrophes joined ("O'Neil" → "oneil"), other punctuation splits. */
export function nameTokens(s: string): string[] {
  return foldChars(s)
    .replace(/['’`ʼ‘]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export const isLegalForm = (token: string): boolean => LEGAL_FORMS.has(token);

/** Tokens with leading and trailing legal forms removed ("PJSC Rosneft Oil Company" → "rosneft oil"). */
export function stripLegalForms(tokens: string[]): string[] {
  const t = [...tokens];
  while (t.length > 1 && LEGAL_FORMS.has(t[t.length - 1]!)) t.pop();
  while (t.length > 1 && LEGAL_FORMS.has(t[0]!)) t.shift(); // "OOO Romashka", "PJSC Sberbank"
  return t;
}

/**
 * Every normalised form a listed name can appear as in text: the name itself without legal forms, and for persons the
 * "LAST, First Middle" list order turned to natural order ("First Middle Last"), and "First Last" without middle names.
 */
export function nameVariants(name: string, type: string): string[] {
  const forms = new Set<string>();
  const add = (tokens: string[]) => {
    const t = stripLegalForms(tokens);
    if (t.length) forms.add(t.join(' '));
  };
  add(nameTokens(name));
  if (type === 'person') {
    const comma = name.indexOf(',');
    if (comma > 0) {
      const last = nameTokens(name.slice(0, comma));
      const given = nameTokens(name.slice(comma + 1));
      if (last.length && given.length) {
        add([...given, ...last]);
        if (given.length > 1) add([given[0]!, ...last]);
      }
    }
  }
  return [...forms];
}

/**
 * Whether a normalised form may be matched at all: at least two tokens (a single word never matches alone), not all of
 * them generic, and enough letters to be specific.
 */
export function isMatchable(form: string): boolean {
  const t = form.split(' ');
  if (t.length < 2) return false;
  if (t.every((x) => GENERIC_TOKENS.has(x) || x.length <= 2)) return false;
  return form.replace(/ /g, '').length >= 6;
}
