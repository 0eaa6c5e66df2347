// PLACEHOLDER (to be replaced by the country-resolution module): a minimal resolver with the final API.
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

const fold = (s: string): string =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[.'’]/g, '').replace(/\s+/g, ' ').trim();

const table = new Map<string, string>();
for (const [code, names] of Object.entries(en.countries as Record<string, string | string[]>)) {
  for (const n of Array.isArray(names) ? names : [names]) table.set(fold(n), code);
}

/** One free-text country value ("Korea, North", "Burma", "RU") → ISO alpha-2, or undefined. */
export function countryCodeOf(text: string): string | undefined {
  const t = fold(text);
  if (/^[a-z]{2}$/.test(t)) return t.toUpperCase();
  return table.get(t);
}

/** A free-text field that may enumerate several countries ("(1) Syria (2) Lebanon") → codes, deduped. */
export function countryCodesIn(text: string): string[] {
  const parts = text.split(/\(\d+\)|;|\//).map((p) => p.trim()).filter(Boolean);
  return [...new Set(parts.map(countryCodeOf).filter((c): c is string => !!c))];
}

/** English short name of a code. */
export function countryName(code: string): string | undefined {
  const n = (en.countries as Record<string, string | string[]>)[code];
  return Array.isArray(n) ? n[0] : n;
}
