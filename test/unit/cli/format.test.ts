import { describe, expect, it } from 'vitest';
import { EntityDetailResponse, IngestsResponse } from '../../../shared/query/api.ts';
import type { IngestStatus } from '../../../shared/domain/ingest-status.ts';
import {
  describeIngest,
  entityView,
  formatTime,
  ingestsTable,
  matchesView,
  mergeMatches,
  type EntityRow,
} from '../../../bin/format.ts';

// Output is uncoloured here: colour needs a terminal (vitest's stdout is not one), so strings compare as printed.

const ingest = (over: Partial<IngestStatus> = {}): IngestStatus => ({
  key: 'articles/note.txt',
  status: 'done',
  format: 'text',
  records: { read: 1, written: 1, rejected: 0 },
  updatedAt: '2026-03-02T09:15:07.123Z',
  ...over,
});

const row = (over: Partial<EntityRow>): EntityRow => ({
  id: 'm:organization:example',
  name: 'Example',
  type: 'organization',
  countries: [],
  lists: [],
  listed: false,
  articles: 1,
  mentions: 1,
  ...over,
});

describe('formatTime', () => {
  it('prints a timestamp as UTC date and time to the second, and "-" for none or nonsense', () => {
    expect(formatTime('2026-03-02T09:15:07.123Z')).toBe('2026-03-02 09:15:07');
    expect(formatTime('2026-03-02T10:15:07+01:00')).toBe('2026-03-02 09:15:07');
    expect(formatTime(undefined)).toBe('-');
    expect(formatTime('yesterday')).toBe('-');
  });
});

describe('ingestsTable', () => {
  it('starts each row with the time of the ingest, under a header that says the zone', () => {
    // Prepare
    const items = IngestsResponse.parse({
      items: [
        ingest(),
        ingest({
          key: 'sanctions/sdn.csv',
          status: 'quarantined',
          format: undefined,
          error: 'not a list this radar reads:\nfirst line was empty',
          updatedAt: '2026-03-01T23:59:59Z',
        }),
      ],
      nextCursor: null,
    }).items;
    // Act
    const lines = ingestsTable(items).split('\n');
    // Assess
    expect(lines[0]).toMatch(/^time \(UTC\)\s+key\s+status\s+format\s+list\s+read\s+written\s+rejected\s+error$/);
    expect(lines[1]).toMatch(/^2026-03-02 09:15:07\s+articles\/note\.txt\s+done\s+text\s+-\s+1\s+1\s+0$/);
    expect(lines[2]).toMatch(/^2026-03-01 23:59:59\s+sanctions\/sdn\.csv\s+quarantined\s+-/);
    // An error's newline would break the table: it is folded into the row.
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('not a list this radar reads: first line was empty');
  });
});

describe('describeIngest', () => {
  it('says what happened, when, and why a file was refused', () => {
    // Act
    const text = describeIngest(
      ingest({
        key: 'sanctions/un.xml',
        status: 'failed',
        format: 'un-xml',
        list: 'un-sc',
        error: 'truncated XML',
        rejections: [{ where: 'record 3', reason: 'no name' }],
      }),
    );
    // Assess
    expect(text.split('\n')).toEqual([
      '✗ sanctions/un.xml: failed (un-xml, un-sc) — read 1, written 1, rejected 0 at 2026-03-02 09:15:07 UTC',
      '  error: truncated XML',
      '  rejected at record 3: no name',
    ]);
  });
});

describe('entityView', () => {
  it('shows a listed entity as a reader wants it: name, list, aliases, countries with roles, then its articles', () => {
    // Prepare: the shape /entities/{id} answers for a listed entity (list fields spread in, beyond the schema's own).
    const e = EntityDetailResponse.parse({
      id: 'l:un-sc:110',
      name: 'Example Mining Trading Corporation',
      type: 'organization',
      aliases: ['EXMTC', 'Example Mining'],
      weakAliases: [],
      countries: [{ code: 'KP', roles: ['address', 'registration'] }],
      programs: ['DPRK'],
      listedOn: '2009-04-24',
      identifiers: [{ type: 'UN reference', value: 'KPe.001' }],
      listed: true,
      lists: ['un-sc'],
      listVersion: 'v7',
      articles: 2,
      mentions: 3,
      recentArticles: [
        {
          articleId: 'a1',
          key: 'articles/2026-03-02-ships.md',
          title: 'Ships and\nsanctions',
          url: 'https://news.example/ships',
          publishedAt: '2026-03-02T08:00:00Z',
          mentions: 2,
        },
        { articleId: 'a2', key: 'articles/undated.txt', title: null, url: null, publishedAt: null, mentions: 1 },
      ],
    });
    // Act
    const lines = entityView(e).split('\n');
    // Assess
    expect(lines.slice(0, 2)).toEqual([
      'Example Mining Trading Corporation',
      '  organization · listed on un-sc (version v7)',
    ]);
    expect(lines).toContain('  also known as  EXMTC; Example Mining');
    expect(lines).toContain('  countries      KP (address, registration)');
    expect(lines).toContain('  programmes     DPRK');
    expect(lines).toContain('  listed since   2009-04-24');
    expect(lines).toContain('  identifiers    UN reference KPe.001');
    expect(lines).toContain('  in the news    2 articles, 3 mentions');
    // An empty field (no weak aliases) is left out rather than printed blank.
    expect(lines.some((l) => l.includes('weak aliases'))).toBe(false);
    const articles = lines.slice(lines.indexOf('Articles that mention it (newest 2)') + 1);
    expect(articles[0]).toMatch(/^published\s+mentions\s+title\s+where$/);
    expect(articles[1]).toMatch(/^2026-03-02\s+2\s+Ships and sanctions\s+https:\/\/news\.example\/ships$/);
    expect(articles[2]).toMatch(/^undated\s+1\s+\(untitled\)\s+articles\/undated\.txt$/);
    // Not JSON.
    expect(lines.join('\n')).not.toMatch(/[{}"]/);
  });

  it('shows an entity only the news names, and says when no article mentions it', () => {
    // Prepare
    const e = EntityDetailResponse.parse({
      id: 'm:person:jane example',
      name: 'Jane Example',
      type: 'person',
      countries: [],
      listed: false,
      lists: [],
      articles: 0,
      mentions: 0,
      recentArticles: [],
    });
    // Act
    const text = entityView(e);
    // Assess
    expect(text).toContain('person · on no list (named in the news)');
    expect(text).toMatch(/^ {2}countries\s+-$/m);
    expect(text).toMatch(/^ {2}in the news\s+0 articles, 0 mentions$/m);
    expect(text).toContain('No article mentions it yet.');
  });

  it('cuts long alias lists and says how many are left out', () => {
    // Prepare
    const aliases = Array.from({ length: 11 }, (_, i) => `Alias ${i + 1}`);
    const e = EntityDetailResponse.parse({
      ...{ id: 'l:un-sc:1', name: 'X', type: 'person', countries: ['KP'], listed: true, lists: ['un-sc'] },
      ...{ articles: 0, mentions: 0, recentArticles: [], aliases },
    });
    // Act / Assess
    expect(entityView(e)).toContain('Alias 8; … 3 more');
    expect(entityView(e)).not.toContain('Alias 9');
  });
});

describe('name search', () => {
  it('merges the news search and the list search by id, most mentioned first', () => {
    // Prepare
    const listedInNews = row({
      id: 'l:un-sc:110',
      name: 'Example Mining',
      lists: ['un-sc'],
      listed: true,
      mentions: 4,
    });
    const onlyInNews = row({ id: 'm:organization:example mining co', name: 'Example Mining Co', mentions: 7 });
    const notInNews = row({ id: 'l:eu-fsf:9', name: 'Example Mining SA', lists: ['eu-fsf'], articles: 0, mentions: 0 });
    // Act
    const merged = mergeMatches([onlyInNews, listedInNews], [listedInNews, notInNews]);
    // Assess
    expect(merged.map((m) => m.id)).toEqual([onlyInNews.id, listedInNews.id, notInNews.id]);
  });

  it('offers several matches with their ids and how to show one', () => {
    // Prepare
    const matches = [
      row({ id: 'l:un-sc:110', name: 'Example Mining', lists: ['un-sc'], listed: true, countries: ['KP'] }),
      row({ id: 'm:organization:example mining co', name: 'Example Mining Co' }),
    ];
    // Act
    const lines = matchesView('Example', matches).split('\n');
    // Assess
    expect(lines[0]).toBe('2 entities match "Example"; show one with radar entity <id>:');
    expect(lines[1]).toMatch(/^name\s+type\s+listed\s+countries\s+articles\s+mentions\s+id$/);
    expect(lines[2]).toMatch(/^Example Mining\s+organization\s+un-sc\s+KP\s+1\s+1\s+l:un-sc:110$/);
    expect(lines[3]).toMatch(/^Example Mining Co\s+organization\s+no\s+-\s+1\s+1\s+m:organization:example mining co$/);
  });
});
