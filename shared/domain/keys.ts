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
 *
 * `<h>` is a hash of the object key: S3 keys run to 1,024 bytes and an index sort key built from one (a timestamp and
 * the key) would pass DynamoDB's 1,024-byte sort-key limit (issue 15.3); the key itself is an attribute.
 * gsi1 holds two sharded, bounded listings: `INGESTS#<0..7>` (statuses by time) and `ARTOBJ#<0..15>` (article objects,
 * for a full relink). Sharded because one partition key takes at most 1,000 writes/s on AWS, and every upload writes
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

/** A counter cell id is `<dimension>|<member>`; the dimension names the partition. */
export const cellId = (dimension: string, member: string): string => `${dimension}|${member}`;
export function counterKey(cell: string): { pk: string; sk: string } {
  const i = cell.indexOf('|');
  if (i <= 0) throw new Error(`bad counter cell id: ${cell}`);
  return { pk: `CNT#${cell.slice(0, i)}`, sk: cell.slice(i + 1) };
}
export const counterPartition = (dimension: string): string => `CNT#${dimension}`;

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
