import {
  cellId,
  listedEntityId,
  mentionEntityId,
  TIMELINE_ALL,
  TIMELINE_UNDATED,
  timelineDayMember,
  timelineDimension,
  timelineMonthMember,
} from './keys.ts';
import type { Article } from './model.ts';

/**
 * Timelines (issue 12.2) are read from rollups, never from the articles: each article adds, for every series it belongs
 * to, one day cell and one month cell (or an `undated` cell), which the stream aggregator sums like any counter, both
 * on the month's item (the day as attributes: monthItemCells). Any interval then reads one item per month it spans: a
 * series is one partition read by a key range, whatever the number of articles.
 */

export type Interval = 'day' | 'week' | 'month';

/**
 * The series an article belongs to, with its mentions in each: every entity it mentions (listed ids for a linked
 * mention, `m:` ids otherwise: the ids of `/entities/{id}`), `c:<CC>` per country it names, `list:<list>` per list of
 * a listed entity it names. A mention linked to two entities of one list counts once for the list.
 */
export function articleSeries(article: Article): Map<string, number> {
  const series = new Map<string, number>();
  const add = (s: string, n: number) => series.set(s, (series.get(s) ?? 0) + n);
  for (const m of article.mentions) {
    if ((m.kind === 'country' || m.kind === 'location') && m.country) add(`c:${m.country}`, m.count);
    if (m.kind !== 'person' && m.kind !== 'organization') continue;
    if (!m.listed.length) {
      add(mentionEntityId(m.key), m.count);
      continue;
    }
    for (const l of m.listed) add(listedEntityId(l.list, l.sourceId), m.count);
    for (const list of new Set(m.listed.map((l) => l.list))) add(`list:${list}`, m.count);
  }
  return series;
}

/** The day an article is dated (the first ten characters of a day or a timestamp), if it is. */
export const articleDay = (article: Pick<Article, 'publishedAt'>): string | undefined =>
  /^\d{4}-\d{2}-\d{2}/.exec(article.publishedAt ?? '')?.[0];

/**
 * The timeline cells of one article: cell id → its mentions there (the aggregator counts the article once per cell).
 * An undated article adds `undated` cells instead, so `/articles` can say how many a date filter left out, and the
 * `all` series counts every undated article (its "mentions" are 1 per article: only its article count is read).
 */
export function timelineCells(article: Article): Map<string, number> {
  const cells = new Map<string, number>();
  const day = articleDay(article);
  for (const [series, n] of articleSeries(article)) {
    if (n <= 0) continue;
    const dim = timelineDimension(series);
    if (day) {
      cells.set(cellId(dim, timelineDayMember(day)), n);
      cells.set(cellId(dim, timelineMonthMember(day.slice(0, 7))), n);
    } else cells.set(cellId(dim, TIMELINE_UNDATED), n);
  }
  if (!day) cells.set(cellId(timelineDimension(TIMELINE_ALL), TIMELINE_UNDATED), 1);
  return cells;
}

// ---------------------------------------------------------------------------------------------------------------
// Periods: pure calendar arithmetic in UTC on `YYYY-MM-DD` strings.

const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => toDay(toMs(day) + n * DAY_MS);

/** The Monday that starts the ISO week of `day`. */
export function weekStart(day: string): string {
  const dow = (new Date(toMs(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -dow);
}

/** ISO 8601 week label, `2026-W10`: the week belongs to the year of its Thursday. */
export function isoWeekLabel(day: string): string {
  const thursday = addDays(weekStart(day), 3);
  const year = thursday.slice(0, 4);
  const jan1 = toMs(`${year}-01-01`);
  const week = Math.floor((toMs(thursday) - jan1) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const monthEnd = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return toDay(Date.UTC(y, m, 0)); // day 0 of the next month
};
const nextMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return toDay(Date.UTC(y, m, 1)).slice(0, 7);
};

export interface Period {
  /** `2026-03-02` (day), `2026-W10` (ISO week, Monday to Sunday), `2026-03` (month). */
  period: string;
  start: string;
  end: string;
}

/**
 * The periods that cover `from`…`to`, oldest first, whole intervals (a week from its Monday, a month from its first
 * day). Stops after `max + 1` periods, so a caller can tell a range that is too long without building it whole.
 */
export function periodsBetween(interval: Interval, from: string, to: string, max = Number.POSITIVE_INFINITY): Period[] {
  const out: Period[] = [];
  if (from > to) return out;
  if (interval === 'month') {
    for (let m = from.slice(0, 7); m <= to.slice(0, 7) && out.length <= max; m = nextMonth(m))
      out.push({ period: m, start: `${m}-01`, end: monthEnd(m) });
    return out;
  }
  const step = interval === 'week' ? 7 : 1;
  for (let d = interval === 'week' ? weekStart(from) : from; d <= to && out.length <= max; d = addDays(d, step))
    out.push({ period: interval === 'week' ? isoWeekLabel(d) : d, start: d, end: addDays(d, step - 1) });
  return out;
}

export interface TimelineItem extends Period {
  articles: number;
  mentions: number;
}

/**
 * The cells a stored timeline month item holds (issue 17.1): the month's own (`m:<month>`: articles, mentions) and
 * each of its days (`d:<month>-<DD>`, from the attributes `a<DD>` and `m<DD>` the aggregator adds to it). A day and
 * its month were two items written per series per chunk; as one, a series' day interval reads one item per month.
 */
export function monthItemCells(
  member: string,
  item: Record<string, unknown>,
): { member: string; articles: number; mentions: number }[] {
  const month = /^m:(\d{4}-\d{2})$/.exec(member)?.[1];
  if (!month) return [];
  const out = [{ member, articles: Number(item.articles ?? 0), mentions: Number(item.mentions ?? 0) }];
  for (const [attr, v] of Object.entries(item)) {
    const dd = /^a(\d{2})$/.exec(attr)?.[1];
    if (dd) out.push({ member: `d:${month}-${dd}`, articles: Number(v ?? 0), mentions: Number(item[`m${dd}`] ?? 0) });
  }
  return out;
}

/**
 * Zero-filled totals per period from the cells read: day cells (`d:<day>`) for days and weeks, month cells
 * (`m:<month>`) for months. A week sums its seven days; an article has one date, so the sum counts it once.
 */
export function fillTimeline(
  interval: Interval,
  periods: readonly Period[],
  cells: readonly { member: string; articles: number; mentions: number }[],
): TimelineItem[] {
  const byKey = new Map<string, { articles: number; mentions: number }>();
  for (const c of cells) {
    const m = /^([dm]):(\d{4}-\d{2}(?:-\d{2})?)$/.exec(c.member);
    if (!m || (m[1] === 'm') !== (interval === 'month')) continue;
    const key = interval === 'week' ? weekStart(m[2]!) : m[2]!;
    const cur = byKey.get(key) ?? { articles: 0, mentions: 0 };
    cur.articles += c.articles;
    cur.mentions += c.mentions;
    byKey.set(key, cur);
  }
  return periods.map((p) => {
    const v = byKey.get(interval === 'month' ? p.period : p.start) ?? { articles: 0, mentions: 0 };
    return { ...p, articles: v.articles, mentions: v.mentions };
  });
}

/**
 * The default range: the 90 days up to `newest` (the newest day the series has an article), or up to `today` when it
 * has none. Either bound given is kept.
 */
export function defaultRange(
  q: { from?: string | undefined; to?: string | undefined },
  newest: string | undefined,
  today: string,
): { from: string; to: string } {
  const to = q.to ?? (q.from && newest && newest < q.from ? addDays(q.from, 89) : (newest ?? today));
  return { from: q.from ?? addDays(to, -89), to };
}
