/**
 * Publication dates as news sources write them → ISO 8601.
 * A bare date (or a zone-less midnight, which is how news-please and RSS exporters write "date only") stays a date
 * (`YYYY-MM-DD`); anything with a time becomes a UTC timestamp (`YYYY-MM-DDTHH:MM:SSZ`). A zone-less time is read as UTC.
 * Unreadable or implausible values give `undefined`: a wrong date is worse than none.
 */

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isoDate(y: number, m: number, d: number): string | undefined {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  // Reject 31 February and friends: the Date round-trip must give back the same day.
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return undefined;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function isoInstant(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const t = new Date(ms);
  const y = t.getUTCFullYear();
  if (y < MIN_YEAR || y > MAX_YEAR) return undefined;
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `+0530`, `+05:30`, `+05`, `Z`, `UTC`, `GMT` → minutes east of UTC. */
function zoneOffsetMinutes(zone: string): number | undefined {
  const z = zone.trim().toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

function fromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  zone: string | undefined,
): string | undefined {
  const date = isoDate(y, mo, d);
  if (!date || h > 23 || mi > 59 || s > 60) return undefined;
  if (!zone && h === 0 && mi === 0 && s === 0) return date;
  const offset = zone ? zoneOffsetMinutes(zone) : 0;
  if (offset === undefined) return undefined;
  return isoInstant(Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)) - offset * 60_000);
}

/** Epoch seconds or milliseconds: 10-digit-ish values are seconds, 13-digit-ish are milliseconds. */
function fromEpoch(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return isoInstant(n >= 1e11 ? n : n * 1000);
}

export function normaliseDate(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (!s || s.length > 100) return undefined;

  if (/^\d{9,13}(\.\d+)?$/.test(s)) return fromEpoch(Number(s));

  // ISO 8601 and its common relaxations: space for T, no seconds, "+0000" zones (Telegraph), fractions.
  let m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(
      s,
    );
  if (m) {
    if (m[4] === undefined) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), m[7]);
  }
  // Compact ISO date (20171229), as some scrapers and the NYT API write it.
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  // US order, as RealNews writes it (12-29-2017) and US pages (12/29/2017). Day-first dates are never guessed.
  m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(s);
  if (m) return isoDate(Number(m[3]), Number(m[1]), Number(m[2]));
  // 2017/12/29
  m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(s);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));

  // RFC 2822 (RSS pubDate): "Fri, 29 Dec 2017 03:35:42 +0000", also without weekday or seconds.
  m =
    /^(?:[a-z]{3,9},?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|UT|UTC|GMT|[+-]\d{4}|[A-Z]{3})?)?$/i.exec(
      s,
    );
  if (m) {
    const month = MONTHS[m[2]!.toLowerCase().slice(0, 3)];
    if (!month) return undefined;
    if (m[4] === undefined) return isoDate(Number(m[3]), month, Number(m[1]));
    const zone =
      m[7] === undefined
        ? undefined
        : /^(UT|EST|EDT|CST|CDT|MST|MDT|PST|PDT)$/i.test(m[7])
          ? NAMED_ZONES[m[7].toUpperCase()]
          : m[7];
    if (m[7] !== undefined && zone === undefined) return undefined;
    return fromParts(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), zone);
  }
  // "December 29, 2017" / "Dec. 29, 2017"
  m = /^([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/i.exec(s);
  if (m) {
    const month = MONTHS[m[1]!.toLowerCase().slice(0, 3)];
    return month ? isoDate(Number(m[3]), month, Number(m[2])) : undefined;
  }
  return undefined;
}

// RFC 2822 obsolete zone names (§4.3).
const NAMED_ZONES: Record<string, string> = {
  UT: 'Z',
  EST: '-0500',
  EDT: '-0400',
  CST: '-0600',
  CDT: '-0500',
  MST: '-0700',
  MDT: '-0600',
  PST: '-0800',
  PDT: '-0700',
};

// ---------------------------------------------------------------------------------------------------------------
// Dates an article does not carry as metadata: from its object key, or from a date line at the top of its text.

/**
 * The day an object key names, or `undefined`: a file or folder name that starts with `YYYY-MM-DD`
 * (`articles/2026-03-02-tankers.txt`, `articles/2026-03-02/tankers.txt`) or `YYYY/MM/DD/` folders
 * (`articles/2026/03/02/tankers.txt`), the segment nearest the file winning. Scrapers and newsroom archives name
 * files this way after the day of publication; a key that names an impossible day (`2026-02-30`) names none.
 */
export function dateFromKey(key: string): string | undefined {
  const path = key.split(/[?#]/)[0] ?? '';
  let found: string | undefined;
  // Both shapes, in key order; the last readable one is the nearest to the file.
  const re = /(?:^|\/)(\d{4})(?:-(\d{2})-(\d{2})(?![0-9])|\/(\d{2})\/(\d{2})\/)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const day = isoDate(Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5]));
    if (day) found = day;
    // `2026/03/02/` consumed its last slash; step back so a following `2026-…` segment is still seen.
    if (m[4] !== undefined) re.lastIndex--;
  }
  return found;
}

// A date line: optionally labelled ("Published:", "Posted on", "Date:"), then a date with the month spelt out or in
// ISO order, optionally a time. Numeric dates other than ISO are left alone here: "02/03/2026" is 2 March to half the
// world and 3 February to the rest, and a wrong date is worse than none. "Updated" lines are not publication dates.
const WEEKDAY = String.raw`(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+`;
const DATE_LINE = new RegExp(
  String.raw`^(?:(?:first\s+)?(?:published|posted|date|dated)(?:\s+(?:on|at))?\s*:?\s*)?(?:${WEEKDAY})?` +
    String.raw`(\d{1,2}\s+[a-z]{3,9}\.?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})` +
    String.raw`(?:(?:,?\s+|[t ])(\d{1,2}:\d{2}(?::\d{2})?\s*(?:z|ut|utc|gmt|[+-]\d{2}:?\d{2})?))?\s*$`,
  'i',
);

/** The publication date a line of its own states ("Published: 2 March 2026", "March 2, 2026"), or `undefined`. */
export function dateOfDateLine(line: string): string | undefined {
  // Markdown emphasis around a dateline (`*2 March 2026*`) is markup, not part of the date.
  const s = line
    .trim()
    .replace(/^[*_]+|[*_]+$/g, '')
    .trim();
  if (s.length > 80) return undefined;
  const m = DATE_LINE.exec(s);
  if (!m) return undefined;
  const day = normaliseDate(m[1]!);
  if (!day || !m[2]) return day;
  // A time: read it with the day in ISO form, so every day order shares one time parser.
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(.*)$/.exec(m[2])!;
  const zone = t[4] ? (/^ut$/i.test(t[4]) ? 'Z' : t[4]) : '';
  return normaliseDate(`${day}T${t[1]!.padStart(2, '0')}:${t[2]}${t[3] ? `:${t[3]}` : ''}${zone}`) ?? day;
}
