/**
 * Every DynamoDB key the project builds, and nowhere else (design §3).
 *
 *  pk                         sk                 what
 *  OBJ#<object key>           STATE              what an uploaded object currently contributes (articles)
 *  ART#<article id>           META               one article: metadata and mentions
 *  CNT#<dimension>            <member>           a counter cell: articles and mentions (e.g. CNT#country / CN)
 *  LISTS                      <list>             the current-version pointer of a list, with its aggregates
 *  LIST#<list>                VER#<version>      one version of a list: status, counts, source object
 *  LE#<list>#<version>#<shard> <sourceId>        one listed entity of a version
 *  INGEST                     <object key>       the status of the last ingest of an object
 *  RELINK                     DONE               the name index the last finished relink pass linked against
 */
export const objectStateKey = (objectKey: string) => ({ pk: `OBJ#${objectKey}`, sk: 'STATE' });
export const articleKey = (articleId: string) => ({ pk: `ART#${articleId}`, sk: 'META' });
export const ingestStatusKey = (objectKey: string) => ({ pk: 'INGEST', sk: objectKey });
export const INGEST_PK = 'INGEST';
export const RELINK_MARK_KEY = { pk: 'RELINK', sk: 'DONE' } as const;

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

function shardOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % ENTITY_SHARDS;
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
