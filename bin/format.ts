import type { z } from 'zod';
import type { IngestStatus } from '../shared/domain/ingest-status.ts';
import type { EntitiesResponse, EntityDetailResponse } from '../shared/query/api.ts';
import type { ChangeItem } from '../shared/query/changes.ts';
import { bold, dim, green, red, table, yellow } from './output.ts';

/** What the CLI prints, as pure functions of what the API answered (colour only on a terminal, see output.ts). */

export type EntityDetail = z.infer<typeof EntityDetailResponse>;
export type EntityRow = z.infer<typeof EntitiesResponse>['items'][number];

/** An ISO timestamp as `YYYY-MM-DD HH:MM:SS` in UTC (the ingests table says so in its header); `-` if unreadable. */
export function formatTime(iso: string | undefined): string {
  const t = iso ? new Date(iso) : undefined;
  if (!t || Number.isNaN(t.getTime())) return '-';
  return t.toISOString().slice(0, 19).replace('T', ' ');
}

export function describeIngest(s: IngestStatus): string {
  const mark =
    s.status === 'done' || s.status === 'unchanged' || s.status === 'deleted'
      ? green('✓')
      : s.status === 'processing'
        ? yellow('…')
        : red('✗');
  const what = [s.format, s.list, s.version && `version ${s.version}`].filter(Boolean).join(', ');
  let line = `${mark} ${bold(s.key)}: ${s.status}${what ? ` (${what})` : ''} — read ${s.records.read}, written ${s.records.written}, rejected ${s.records.rejected} ${dim(`at ${formatTime(s.updatedAt)} UTC`)}`;
  if (s.error) line += `\n  ${red('error:')} ${s.error}`;
  for (const r of s.rejections ?? []) line += `\n  ${dim(`rejected at ${r.where}: ${r.reason}`)}`;
  return line;
}

/** `radar ingests`: one row per object, newest first as the API pages them, with the time of its last ingest. */
export function ingestsTable(items: readonly IngestStatus[]): string {
  return table(
    ['time (UTC)', 'key', 'status', 'format', 'list', 'read', 'written', 'rejected', 'error'],
    items.map((i) => [
      formatTime(i.updatedAt),
      i.key,
      i.status,
      i.format ?? '-',
      i.list ?? '-',
      i.records.read,
      i.records.written,
      i.records.rejected,
      oneLine(i.error ?? '', 60),
    ]),
  );
}

/** `radar entity <id>`: who or what it is, where it is listed, and the articles that mention it. */
export function entityView(e: EntityDetail): string {
  const extra = e as Record<string, unknown>;
  const strings = (k: string): string[] =>
    Array.isArray(extra[k]) ? (extra[k] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const countries = e.countries.map((c) => (typeof c === 'string' ? c : `${c.code} (${c.roles.join(', ')})`));
  const identifiers = Array.isArray(extra.identifiers)
    ? (extra.identifiers as { type?: unknown; value?: unknown }[])
        .filter((i) => typeof i?.type === 'string' && typeof i.value === 'string')
        .map((i) => `${i.type} ${i.value}`)
    : [];
  const lists = e.lists.length
    ? `listed on ${e.lists.join(', ')}${e.listVersion ? ` (version ${e.listVersion})` : ''}`
    : 'on no list (named in the news)';
  const lines = [
    bold(e.name),
    `  ${e.type} · ${lists}`,
    '',
    ...fields([
      ['id', e.id],
      ['also known as', shortList(strings('aliases'), 8)],
      ['weak aliases', shortList(strings('weakAliases'), 4)],
      ['countries', countries.join('; ') || '-'],
      ['programmes', shortList(strings('programs'), 8)],
      ['listed since', typeof extra.listedOn === 'string' ? extra.listedOn : ''],
      ['identifiers', shortList(identifiers, 6)],
      ['in the news', `${plural(e.articles, 'article')}, ${plural(e.mentions, 'mention')}`],
    ]),
    '',
  ];
  if (e.recentArticles.length === 0) lines.push(dim('No article mentions it yet.'));
  else
    lines.push(
      bold(`Articles that mention it (newest ${e.recentArticles.length})`),
      table(
        ['published', 'mentions', 'title', 'where'],
        e.recentArticles.map((a) => [
          a.publishedAt?.slice(0, 10) ?? 'undated',
          a.mentions,
          oneLine(a.title ?? '(untitled)', 70),
          a.url ?? a.key,
        ]),
      ),
    );
  return lines.join('\n');
}

/** `radar entity NAME` when several entities match: the choices, and how to take one. */
export function matchesView(name: string, items: readonly EntityRow[]): string {
  return [
    `${items.length} entities match "${name}"; show one with ${bold('radar entity <id>')}:`,
    table(
      ['name', 'type', 'listed', 'countries', 'articles', 'mentions', 'id'],
      items.map((i) => [
        i.name,
        i.type,
        i.lists.join(',') || 'no',
        i.countries.join(',') || '-',
        i.articles,
        i.mentions,
        i.id,
      ]),
    ),
  ].join('\n');
}

/**
 * The entities a name search found, merged by id: the search runs over the news (listed entities named in articles,
 * and names only the news has) and over the lists themselves (listed entities no article names yet).
 */
export function mergeMatches(...pages: readonly (readonly EntityRow[])[]): EntityRow[] {
  const byId = new Map<string, EntityRow>();
  for (const page of pages) for (const row of page) if (!byId.has(row.id)) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name));
}

/** Aligned `label  value` lines; empty values left out. */
function fields(rows: [string, string][]): string[] {
  const shown = rows.filter(([, v]) => v !== '');
  const width = Math.max(...shown.map(([k]) => k.length));
  return shown.map(([k, v]) => `  ${dim(k.padEnd(width))}  ${v}`);
}

const shortList = (xs: readonly string[], max: number): string =>
  xs.length > max ? `${xs.slice(0, max).join('; ')}; … ${xs.length - max} more` : xs.join('; ');

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line of at most `max` characters (titles and errors can carry newlines and run long). */
function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `radar changes`: one row per change, newest first as the API pages them; a capped article count shows as `1000+`. */
export function changesTable(items: readonly ChangeItem[]): string {
  const news = (n: number, capped: boolean | undefined) => (capped && n >= 1000 ? `${n}+` : String(n));
  return table(
    ['changed', 'list', 'change', 'entity', 'type', 'countries', 'fields', 'first seen', 'before', 'after'],
    items.map((i) => [
      i.changedAt.slice(0, 10),
      i.list,
      i.type,
      oneLine(`${i.name} (${i.entityId})`, 60),
      i.entityType,
      i.countries.join(',') || '-',
      i.fields?.join(',') ?? '-',
      i.firstSeen,
      news(i.articlesBefore, i.articlesCapped),
      news(i.articlesAfter, i.articlesCapped),
    ]),
  );
}
