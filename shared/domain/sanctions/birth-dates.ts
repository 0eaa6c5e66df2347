import { cleanText } from './entity-draft.ts';

/*
 * Birth dates as the list publishes them, at the precision it publishes them: `1951` stays `1951` (OFAC's enhanced XML
 * also gives `fromDateBegin` 1951-01-01 for it, a day nobody determined: kept, it would rule out the right person when
 * two namesakes are told apart by birth date). Kept as an identifier `birth-date` (the model has no birth-date field;
 * an identifier is what joins and disambiguates lists), ISO where the text is a plain date: `YYYY`, `YYYY-MM`,
 * `YYYY-MM-DD`; anything else (`circa 1955`, `1960 to 1962`) is kept as published, whitespace collapsed.
 */

export const BIRTH_DATE = 'birth-date';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const monthOf = (s: string): number => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;

/**
 * `1951` → `1951`; `21 Feb 1924` → `1924-02-21`; `Feb 1924` → `1924-02`; UK `dd/mm/1945` and `00/00/1945` → `1945`,
 * `mm/08/1955`… → `1955-08`, `27/08/1955` → `1955-08-27`; ISO stays ISO; other text as published; empty → undefined.
 */
export function birthDateOf(raw: string | undefined): string | undefined {
  const t = cleanText(raw);
  if (!t) return undefined;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(t)) return t;
  let m = /^(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{4})$/.exec(t);
  if (m && monthOf(m[2]!) > 0 && Number(m[1]) >= 1 && Number(m[1]) <= 31)
    return `${m[3]}-${pad(monthOf(m[2]!))}-${pad(Number(m[1]))}`;
  m = /^([A-Za-z]{3,9})\.? (\d{4})$/.exec(t);
  if (m && monthOf(m[1]!) > 0) return `${m[2]}-${pad(monthOf(m[1]!))}`;
  // Day/month/year with unknown parts written as `dd`, `mm` or zeros (UK lists).
  m = /^(\d{1,2}|dd|00?)\/(\d{1,2}|mm|00?)\/(\d{4})$/i.exec(t);
  if (m) {
    const day = /^\d+$/.test(m[1]!) ? Number(m[1]) : 0;
    const month = /^\d+$/.test(m[2]!) ? Number(m[2]) : 0;
    if (month < 1 || month > 12) return m[3];
    if (day < 1 || day > 31) return `${m[3]}-${pad(month)}`;
    return `${m[3]}-${pad(month)}-${pad(day)}`;
  }
  return t.slice(0, 100);
}
