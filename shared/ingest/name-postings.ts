import { namePostingKey, objectNamesKey } from '../domain/keys.ts';
import { chunkNameKeys, type NameList, postingKeysOfArticles } from '../domain/name-postings.ts';
import type { ArticleStore, NamePostings } from '../ports.ts';

type PostingStore = NamePostings & Pick<ArticleStore, 'putItems' | 'deleteKeys'>;

/**
 * Posts one generation of an article object under the name keys of its articles (issue 17.4). Its list first, then
 * the postings: a crash between them leaves a list whose postings a later removal deletes (deleting what is not there
 * changes nothing), never a posting no list names. Writes: the keys of the object's articles (a few dozen per article:
 * capitalised pairs of words) plus one list item per 60 KB of keys; reads nothing.
 */
export async function writeNamePostings(
  key: string,
  gen: string,
  articles: readonly { title?: string | undefined; body: string }[],
  store: PostingStore,
): Promise<number> {
  const keys = postingKeysOfArticles(articles);
  // At least one list item, even empty: its presence says the generation is posted (see hasNamePostings).
  const chunks = keys.length ? chunkNameKeys(keys) : [[]];
  await store.putItems(chunks.map((nameKeys, i) => ({ ...objectNamesKey(key, gen, i), gen, key, nameKeys })));
  await store.putItems(keys.map((k) => ({ ...namePostingKey(k, key, gen), key, gen })));
  return keys.length;
}

/**
 * Whether this generation of the object is posted. An object ingested before name postings existed is not, and a
 * relink pass must then link it again (writing its postings) even if its links are current, or a later proportional
 * pass could never find it. One Query in the object's own partition.
 */
export async function hasNamePostings(key: string, gen: string, store: Pick<NamePostings, 'readNameLists'>) {
  return (await store.readNameLists(key)).some((l) => l.gen === gen);
}

/** Removes these name lists and their postings: the postings first, so a crash leaves the list to finish with. */
export async function removeNameLists(lists: readonly NameList[], store: PostingStore): Promise<void> {
  if (!lists.length) return;
  await store.deleteKeys(lists.flatMap((l) => l.nameKeys.map((k) => namePostingKey(k, l.key, l.gen))));
  await store.deleteKeys(lists.map((l) => ({ pk: l.pk, sk: l.sk })));
}
