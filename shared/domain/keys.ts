import { createHash } from 'node:crypto';

/**
 * Every DynamoDB key the project builds, and nowhere else (design §3).
 *
 *  pk                          sk                    what
 *  OBJ#<h>                     STATE                 an uploaded object's state: etag, generation, parts count
 *  OBJ#<h>                     PART#<gen>#<nnnn>     one part of its contribution (≤ 90 cells, ≤ 500 article ids)
 *  OBJ#<h>                     AGG                   the aggregator's ledger for it: stream checkpoint, parts applied
 *  OBJ#<h>                     STATUS                the status of the last ingest of the object
 *  ART#<article id>            META                  one article: metadata and mentions
 *  CNT#<dimension>             <member>              a counter cell: articles and mentions (e.g. CNT#country / CN)
 *  LISTS                       <list>                the current-version pointer of a list, with its aggregates
 *  LIST#<list>                 VER#<version>         one version of a list: status, counts, source object
 *  LE#<list>#<version>#<shard> <sourceId>            one listed entity of a version
 *  RELINK                      DONE                  the name index the last finished relink pass linked against
 *  REFILE#<list>               <version>             the version's changed entities have their rows refiled (17.3)
 *  CHG#<list>#<version>#<0..7> T#<type>#<sourceId>  one change (ADD/MOD/DEL) a version made to its list
 *  CHG#<list>#<version>#<0..7> C#<cc>#<type>#<id>   the same change, filed under one of the entity's countries
 *  CHGSET#<list>               <changedAt>#<version> a version's change set: counts by type (the listing of a list)
 *  REF#all#<0..15>             <date>#<article id>   every article, by date (with title, source, url…)
 *  REF#<entity id>             <date>#<article id>   an article that mentions the entity (with title, snippet…)
 *  REF#c:<CC>#<0..7>           <date>#<article id>   an article that mentions the country
 *  REF#list:<list>#<0..7>      <date>#<article id>   an article that mentions an entity of the list
 *  REF#listed#<0..15>          <date>#<article id>   an article that names a listed entity
 *  CNT#tl:<series>             d:<day> | m:<month>   a timeline cell (series: entity id, c:<CC>, list:<list>)
 *
 * `<h>` is a hash of the object key: S3 keys run to 1,024 bytes and an index sort key built from one (a timestamp and
 * the key) would pass DynamoDB's 1,024-byte sort-key limit (issue 15.3); the key itself is an attribute.
 * gsi1 holds two sharded, bounded listings: `INGESTS#<0..7>` (statuses by time) and `ARTOBJ#<0..15>` (article objects,
 * for a full relink), and `CHANGESETS` (every list's change sets by time: one item per list version, so one partition
 * takes it). Sharded because one partition key takes at most 1,000 writes/s on AWS, and every upload writes
 * one status and one state item (issue 17.1).
 */
export const objectHash = (objectKey: string): string =>
  createHash('sha256').update(objectKey).digest('hex').slice(0, 32);
export const objectPartition = (objectKey: string) => `OBJ#${objectHash(objectKey)}`;
export const objectStateKey = (objectKey: string) => ({ pk: objectPartition(objectKey), sk: 'STATE' });
export const objectLedgerKey = (objectKey: string) => ({ pk: objectPartition(objectKey), sk: 'AGG' });
export const ledgerKeyOfPartition = (pk: string) => ({ pk, sk: 'AGG' });
export const PART_PREFIX = 'PART#';
export const contributionPartKey = (objectKey: string, gen: string, index: number) => ({
  pk: objectPartition(objectKey),
  sk: `${PART_PREFIX}${gen}#${String(index).padStart(4, '0')}`,
});
export const articleKey = (articleId: string) => ({ pk: `ART#${articleId}`, sk: 'META' });
export const ingestStatusKey = (objectKey: string) => ({ pk: objectPartition(objectKey), sk: 'STATUS' });
export const RELINK_MARK_KEY = { pk: 'RELINK', sk: 'DONE' } as const;
export const refileMarkKey = (list: string, version: string) => ({ pk: `REFILE#${list}`, sk: version });

export const INGEST_SHARDS = 8;
export const ARTICLE_OBJECT_SHARDS = 16;
export const ingestIndexKey = (objectKey: string, updatedAt: string) => ({
  gsi1pk: `INGESTS#${shardOfString(objectKey, INGEST_SHARDS)}`,
  gsi1sk: `${updatedAt}#${objectHash(objectKey)}`,
});
export const ingestIndexPartition = (shard: number) => `INGESTS#${shard}`;
export const articleObjectIndexKey = (objectKey: string) => ({
  gsi1pk: `ARTOBJ#${shardOfString(objectKey, ARTICLE_OBJECT_SHARDS)}`,
  gsi1sk: objectHash(objectKey),
});
export const articleObjectPartition = (shard: number) => `ARTOBJ#${shard}`;

/** Stream sequence numbers are decimal strings of up to 40 digits: padded, they compare as strings do in DynamoDB. */
export const padSequence = (seq: string): string => seq.padStart(40, '0');

/**
 * A counter cell id is `<dimension>|<member>`; the dimension names the partition, write-sharded by member:
 * `CNT#<dimension>#<0..7>` (issue 17.1). Every aggregator chunk writes the counters of the countries and entities its
 * articles name, so an unsharded dimension (`CNT#listed`, `CNT#country`) took every chunk's writes on one partition
 * key: past AWS's 1,000 WCU/s at 300 articles/s. A member is one item in one shard (read by key, as before); a whole
 * dimension (≤ 250 countries; a date range of dated cells) is read as COUNTER_SHARDS queries. Timeline series
 * (`tl:<series>`) are a partition each already, read as one key range: not sharded.
 */
export const cellId = (dimension: string, member: string): string => `${dimension}|${member}`;
export const COUNTER_SHARDS = 8;
const isSeriesDimension = (dimension: string) => dimension.startsWith('tl:');
export function counterKey(cell: string): { pk: string; sk: string } {
  const i = cell.indexOf('|');
  if (i <= 0) throw new Error(`bad counter cell id: ${cell}`);
  const dimension = cell.slice(0, i);
  const sk = cell.slice(i + 1);
  if (isSeriesDimension(dimension)) return { pk: `CNT#${dimension}`, sk };
  return { pk: `CNT#${dimension}#${shardOfString(sk, COUNTER_SHARDS)}`, sk };
}
/** The partition of a timeline series (one key range; see timelineDimension). */
export const counterPartition = (dimension: string): string => `CNT#${dimension}`;
/** Every partition of a dimension: its shards (one for a timeline series). */
export const counterPartitions = (dimension: string): string[] =>
  isSeriesDimension(dimension)
    ? [counterPartition(dimension)]
    : Array.from({ length: COUNTER_SHARDS }, (_, s) => `CNT#${dimension}#${s}`);
/** The cell id of a stored counter item (its shard dropped): what recounts compare. */
export function cellOfCounterItem(pk: string, sk: string): string {
  const dimension = pk.slice(4);
  return `${isSeriesDimension(dimension) ? dimension : dimension.replace(/#\d+$/, '')}|${sk}`;
}

export const LISTS_PK = 'LISTS';
export const listPointerKey = (list: string) => ({ pk: LISTS_PK, sk: list });
export const listVersionKey = (list: string, version: string) => ({ pk: `LIST#${list}`, sk: `VER#${version}` });

/** Entities of one version are spread over shards so one version's writes do not land on one partition. */
export const ENTITY_SHARDS = 8;
export function listedEntityKey(list: string, version: string, sourceId: string): { pk: string; sk: string } {
  return { pk: `LE#${list}#${version}#${shardOf(sourceId)}`, sk: sourceId };
}
export const listedEntityPartition = (list: string, version: string, shard: number) => `LE#${list}#${version}#${shard}`;

const shardOf = (id: string): number => shardOfString(id, ENTITY_SHARDS);

function shardOfString(id: string, shards: number): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % shards;
}

/** Public entity ids: `l:<list>:<sourceId>` for a listed entity, `m:<mention key>` for one only seen in the news. */
export const listedEntityId = (list: string, sourceId: string) => `l:${list}:${sourceId}`;
export const mentionEntityId = (mentionKey: string) => `m:${mentionKey}`;
export function parseEntityId(
  id: string,
): { kind: 'listed'; list: string; sourceId: string } | { kind: 'mention'; key: string } | undefined {
  if (id.startsWith('m:') && id.length > 2) return { kind: 'mention', key: id.slice(2) };
  const m = /^l:((?:opensanctions:)?[^:]+):(.+)$/.exec(id);
  return m ? { kind: 'listed', list: m[1]!, sourceId: m[2]! } : undefined;
}

/** An article that mentions an entity, newest first within the entity's partition. */
export const entityRefKey = (entityId: string, publishedAt: string | undefined, articleId: string) => ({
  pk: `REF#${entityId}`,
  sk: `${publishedAt ?? '0000-00-00'}#${articleId}`,
});
export const entityRefPartition = (entityId: string) => `REF#${entityId}`;

/**
 * Changes a list version made (issue 11.3). A version's changes are sorted by type then source id (`T#…`), and once
 * more per country of the entity (`C#<cc>#…`), so every filter of `/changes` is a key range. They are spread over
 * CHANGE_SHARDS partitions by source id (issue 17.1): a reissued list or a first OpenSanctions delta writes tens of
 * thousands of changes at ingest speed, more than the 1,000 writes/s one partition key takes on AWS. An entity's
 * change and its country copies share a shard, so a sort key names one item across the shards and readers merge the
 * shards in sort-key order (`pageChanges`).
 */
export const CHANGE_SHARDS = 8;
export const changeShardOf = (sourceId: string): number => shardOfString(sourceId, CHANGE_SHARDS);
export const changePartition = (list: string, version: string, shard: number) => `CHG#${list}#${version}#${shard}`;
/** Every partition of a version's changes. */
export const changePartitions = (list: string, version: string): string[] =>
  Array.from({ length: CHANGE_SHARDS }, (_, s) => changePartition(list, version, s));
export const changeKey = (list: string, version: string, type: string, sourceId: string) => ({
  pk: changePartition(list, version, changeShardOf(sourceId)),
  sk: `T#${type}#${sourceId}`,
});
export const changeCountryKey = (list: string, version: string, country: string, type: string, sourceId: string) => ({
  pk: changePartition(list, version, changeShardOf(sourceId)),
  sk: `C#${country}#${type}#${sourceId}`,
});
/** The sort-key prefix of a version's changes with these filters (type needs no country; country needs no type). */
export const changePrefix = (f: { type?: string | undefined; country?: string | undefined }) =>
  f.country ? `C#${f.country}#${f.type ? `${f.type}#` : ''}` : `T#${f.type ? `${f.type}#` : ''}`;
export const CHANGESETS_INDEX_PK = 'CHANGESETS';
export const changeSetPartition = (list: string) => `CHGSET#${list}`;
/** A version's change set: in its list's partition, and in gsi1 across lists, both by time. */
export const changeSetKey = (list: string, changedAt: string, version: string) => ({
  pk: changeSetPartition(list),
  sk: `${changedAt}#${version}`,
  gsi1pk: CHANGESETS_INDEX_PK,
  gsi1sk: `${changedAt}#${list}#${version}`,
});

/*
 * Canonical entities across lists (issue 11.1, shared/ingest/resolve-lists.ts). Only what a merge makes is stored:
 * a listed entity in no cluster is its own canonical entity, `c:<list>:<sourceId>`, and has no item at all.
 *  XBK#<list>#<gen>#<bucket>   B              a block bucket: blocking keys → the list's members carrying them
 *  CANLISTS                    <list>         a list resolution has seen: its bucket layout and resolved version
 *  CANOF#<member id>           META           the canonical id of a listed entity in a cluster (clusters only)
 *  CAN#<canonical id>          META           a cluster: name, type, lists, members and why, countries, overlap
 *  CAN#<canonical id>          REF            an id no longer current: the canonical id its members went to
 *  CANOVL                      <country>      listings in clusters beyond one per cluster, per country
 */
export const canonicalOfKey = (memberId: string) => ({ pk: `CANOF#${memberId}`, sk: 'META' });
/** One bucket of a list's blocking keys: its own partition (a first build writes a list's buckets at once). */
export const blockBucketKey = (list: string, gen: string, bucket: number) => ({
  pk: `XBK#${list}#${gen}#${bucket}`,
  sk: 'B',
});
export const canonicalPartition = (canonicalId: string) => `CAN#${canonicalId}`;
export const canonicalMetaKey = (canonicalId: string) => ({ pk: canonicalPartition(canonicalId), sk: 'META' });
export const canonicalRefKey = (canonicalId: string) => ({ pk: canonicalPartition(canonicalId), sk: 'REF' });
/**
 * `CANOVL` / `<country>`: how many listings of clusters count twice per country (a cluster of an OFAC and a UN entry,
 * both in KP, adds 1). Distinct canonical entities of a country are its listings (the list pointers' aggregates)
 * minus this: one small item per country, written only when a cluster forms, changes or dissolves.
 */
export const CANONICAL_OVERLAP_PK = 'CANOVL';
export const canonicalOverlapKey = (country: string) => ({ pk: CANONICAL_OVERLAP_PK, sk: country });
/** `CANLISTS` / `<list>`: the lists resolution has seen (a handful), each with its bucket layout. */
export const RESOLVED_LISTS_PK = 'CANLISTS';
export const resolvedListKey = (list: string) => ({ pk: RESOLVED_LISTS_PK, sk: list });
/** The canonical id of a listed entity that is its own canonical entity (no cluster): readable and reversible. */
export const singletonCanonicalId = (memberId: string) => `c:${memberId.slice(2)}`;
/** The listed id a canonical id names (the member it is named after, or the entity itself). */
export const memberOfCanonicalId = (canonicalId: string) => `l:${canonicalId.slice(2)}`;
// ---------------------------------------------------------------------------------------------------------------
// Articles as a resource and timelines (issue 12.1, 12.2).

/**
 * The sort key of every article listing: its date (as stored: a day or a UTC timestamp, so it sorts by time) and id.
 * Undated articles sort under `0000-00-00`, below every date, so a date range leaves them out by its bounds alone.
 */
export const UNDATED = '0000-00-00';
export const articleSortKey = (publishedAt: string | undefined, articleId: string) =>
  `${publishedAt ?? UNDATED}#${articleId}`;

/**
 * Article listings besides an entity's: every article (`all`, `/articles` without a filter), per country, per list and
 * of the articles that name a listed entity. Every article writes one `all` row, and a big country (US) or list is
 * named by a large share of them: so they are sharded by article id, since one partition key takes at
 * most 1,000 writes/s on AWS (issue 17.1). A page is a merge of the shards by sort key. On the table, not on gsi1: a
 * key range of the table reads as one of the index would, and strongly consistent when asked.
 */
export const ALL_REF_SHARDS = 16;
export const COUNTRY_REF_SHARDS = 8;
export const LIST_REF_SHARDS = 8;
export const LISTED_REF_SHARDS = 8;
export type RefFilter =
  | { kind: 'all' }
  | { kind: 'entity'; id: string }
  | { kind: 'country'; code: string }
  | { kind: 'list'; list: string }
  | { kind: 'listed' };
/** The partitions one filter's references are spread over (one for an entity). */
export function refPartitions(f: RefFilter): string[] {
  const sharded = (base: string, n: number) => Array.from({ length: n }, (_, s) => `${base}#${s}`);
  switch (f.kind) {
    case 'all':
      return sharded('REF#all', ALL_REF_SHARDS);
    case 'entity':
      return [entityRefPartition(f.id)];
    case 'country':
      return sharded(`REF#c:${f.code}`, COUNTRY_REF_SHARDS);
    case 'list':
      return sharded(`REF#list:${f.list}`, LIST_REF_SHARDS);
    case 'listed':
      return sharded('REF#listed', LISTED_REF_SHARDS);
  }
}
/** The reference item of one article under one filter. */
export function articleRefKey(f: RefFilter, publishedAt: string | undefined, articleId: string) {
  const parts = refPartitions(f);
  const pk = parts.length === 1 ? parts[0]! : parts[shardOfString(articleId, parts.length)]!;
  return { pk, sk: articleSortKey(publishedAt, articleId) };
}

/**
 * A timeline series: an entity id, `c:<CC>` or `list:<list>`. Its counter cells live in one partition,
 * `CNT#tl:<series>`, with members `d:<YYYY-MM-DD>`, `m:<YYYY-MM>` and `undated`, so one series is one key range.
 * A cell id splits at its first `|` (counterKey), so `%` and `|` in a series id (a source id may hold them) are escaped.
 */
export const timelineDimension = (series: string) => `tl:${series.replace(/%/g, '%25').replace(/\|/g, '%7C')}`;
export const TIMELINE_ALL = 'all';
export const timelineDayMember = (day: string) => `d:${day}`;
export const timelineMonthMember = (month: string) => `m:${month}`;
export const TIMELINE_UNDATED = 'undated';
// ---------------------------------------------------------------------------------------------------------------
// Issue 17.2: the bounded read model. Rows are written by the stream aggregator, never by an article.
//
//  ER[@<period>]#<facet>#<shard> <entity id>         an entity's row in one facet (of all time, or of one month/year) (all, listed, news, type:T,
//                                                    country:CC, list:L): counts and display fields; indexed by
//                                                    gsi1 (name order) and gsiMentions / gsiArticles (count order)
//  LIN                         <CC>                  listed entities with articles > 0 of a country (n, l:L, t:T…)
//  CR#<period>                 ALL                   a day/month/year's articles and mentions of every country (a_CC)
//  LE items also carry gsi1pk  LEN#<list>#<version>#<shard>, gsi1sk <nameKey>#<sourceId> (the listed universe by name)

/** Row shards of a facet: one facet's writes spread over 4 partitions; a page reads 4 × (limit + 1) items. */
export const ROW_SHARDS = 4;
export const rowShardOf = (entityId: string): number => shardOfString(entityId, ROW_SHARDS);
/** `scope` is '' (all time) or `@YYYY-MM` / `@YYYY` (the rows of one month or year). */
export const entityRowPartition = (facet: string, shard: number, scope = '') => `ER${scope}#${facet}#${shard}`;
export const entityRowKey = (facet: string, entityId: string, scope = '') => ({
  pk: entityRowPartition(facet, rowShardOf(entityId), scope),
  sk: entityId,
});
/**
 * Listed entities in the news per country: `LIN#<0..7>` / `<CC>`, sharded by country like the counters (issue 17.1:
 * every chunk in which a listed entity enters or leaves the news wrote the one `LIN` partition).
 */
export const LISTED_IN_NEWS_PK = 'LIN';
export const listedInNewsKey = (country: string) => ({
  pk: `${LISTED_IN_NEWS_PK}#${shardOfString(country, COUNTER_SHARDS)}`,
  sk: country,
});
export const listedInNewsPartitions = (): string[] =>
  Array.from({ length: COUNTER_SHARDS }, (_, s) => `${LISTED_IN_NEWS_PK}#${s}`);
export const rollupKey = (period: string) => ({ pk: `CR#${period}`, sk: 'ALL' });
export const listedEntityNameIndexPartition = (list: string, version: string, shard: number) =>
  `LEN#${list}#${version}#${shard}`;
/** The name-order index entry of a listed entity (gsi1), written with the entity at list ingest. */
export function listedEntityNameIndexKey(list: string, version: string, sourceId: string, nameKey: string) {
  return {
    gsi1pk: listedEntityNameIndexPartition(list, version, shardOf(sourceId)),
    gsi1sk: `${nameKey}#${sourceId}`,
  };
}

/**
 * Name postings (issue 17.4, name-postings.ts): which article objects hold a name key, so a list change relinks only
 * the objects under its changed keys.
 *
 *  pk                          sk                    what
 *  OBJ#<h>                     NAMES#<gen>#<nnnn>    the name keys one generation of the object is posted under
 *  NX#<name key>#<shard>       <h>#<gen>             the object (attribute `key`) holds the name key
 *
 * Per generation, as the contribution parts are: written after the generation's claim, removed with it, so an
 * overwrite, a delete or a worker that lost its claim never leaves or removes another generation's postings. Sharded
 * by object because a common pair of words ("The United", "Prime Minister") is in a large share of all articles, and
 * one partition key takes at most 1,000 writes/s on AWS.
 */
export const NAMES_PREFIX = 'NAMES#';
export const NAME_POSTING_SHARDS = 4;
export const objectNamesKey = (objectKey: string, gen: string, index: number) => ({
  pk: objectPartition(objectKey),
  sk: `${NAMES_PREFIX}${gen}#${String(index).padStart(4, '0')}`,
});
export const namePostingPartition = (nameKey: string, shard: number) => `NX#${nameKey}#${shard}`;
export const namePostingKey = (nameKey: string, objectKey: string, gen: string) => ({
  pk: namePostingPartition(nameKey, shardOfString(objectKey, NAME_POSTING_SHARDS)),
  sk: `${objectHash(objectKey)}#${gen}`,
});

/**
 * `LEA#<list>#<version>#<shard>` / `<folded alias>#<sourceId>`: a listed entity's aliases, written with the version
 * and deleted with it, so a name search finds "KOMID" by its alias with one key-range query per shard (issue 12.6).
 */
export const listedAliasPartition = (list: string, version: string, shard: number) => `LEA#${list}#${version}#${shard}`;
/**
 * `LEH#<list>#<version>#<shard>` / `B<bucket>`: a version's digest, the hash and dates of each of its entities packed
 * about DIGEST_PER_BUCKET to an item (issue 11.3, 11.7): the next version's change set reads these few items, not
 * one item per entity. Bucket b of n is in shard b mod 8.
 */
export const listedDigestPartition = (list: string, version: string, shard: number) =>
  `LEH#${list}#${version}#${shard}`;
export const listedDigestKey = (list: string, version: string, bucket: number) => ({
  pk: listedDigestPartition(list, version, bucket % ENTITY_SHARDS),
  sk: `B${bucket}`,
});
export function listedAliasKey(list: string, version: string, sourceId: string, foldedAlias: string) {
  return { pk: listedAliasPartition(list, version, shardOf(sourceId)), sk: `${foldedAlias}#${sourceId}` };
}
