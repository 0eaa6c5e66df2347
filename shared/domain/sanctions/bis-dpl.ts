import { InvalidInputError } from '../../errors.ts';
import { readCsvRows, indexHeader } from './csv-rows.ts';
import {
  addCountry,
  addListedOn,
  addName,
  cleanText,
  createDraft,
  finishDraft,
  isoDateOf,
  type EntityDraft,
} from './entity-draft.ts';
import { typeOfUntypedName } from './us-csl.ts';
import type { ListFormat, ParsedRecord } from './types.ts';

/*
 * BIS Denied Persons List `dpl.txt` (sanctions-formats.md §8): tab-separated, every cell double-quoted, header
 * `Name Street_Address City State Country Postal_Code Effective_Date Expiration_Date Standard_Order Last_Update Action FR_Citation`.
 *
 * What identifies a denied person: the list has no id column and no alias column. In the 2019 file, 546 rows hold 415
 * distinct names; a name repeats once per address (a person's home and prison addresses, a company's several offices:
 * up to 7 rows), with the same order dates and citation. Spelling variants of one party ("AL NASER AIRLINES",
 * "ALNASER AIRLINES", "AL-NASER  AIRLINES") are published as separate parties sharing addresses, and nothing in the file
 * links them reliably. So: one entity per distinct name (case- and whitespace-folded), its addresses' countries merged;
 * sourceId is that folded name. Type is not given: guessed from the name as for the CSL (`typeOfUntypedName`).
 * Drafts are held in a Map until the end (rows are sorted by name in practice, but nothing promises it); the list is
 * ~600 rows.
 */

const sourceIdOf = (name: string): string => cleanText(name).toUpperCase().slice(0, 200);

async function* parseDpl(text: AsyncIterable<string>): AsyncGenerator<ParsedRecord> {
  let header: ReturnType<typeof indexHeader> | undefined;
  const drafts = new Map<string, { d: EntityDraft; where: string }>();
  for await (const row of readCsvRows(text, { delimiter: '\t' })) {
    const where = `line ${row.line}`;
    if (row.kind === 'reject') {
      yield { kind: 'reject', where, reason: row.reason };
      continue;
    }
    if (!header) {
      header = indexHeader(row.cells);
      if (!header.has('Name') || !header.has('Effective_Date')) {
        throw new InvalidInputError('not a Denied Persons List: no Name/Effective_Date header', { where });
      }
      continue;
    }
    const get = (n: string) => header!.get(row.cells, n);
    const name = get('Name');
    const id = sourceIdOf(name);
    if (!id) {
      yield { kind: 'reject', where, reason: 'no name' };
      continue;
    }
    let g = drafts.get(id);
    if (!g) drafts.set(id, (g = { d: createDraft('us-bis-dpl', id), where }));
    g.d.type ??= typeOfUntypedName(name);
    addName(g.d, name);
    addCountry(g.d, get('Country'), 'address');
    addListedOn(g.d, isoDateOf(get('Effective_Date'), 'mdy'));
  }
  if (!header) throw new InvalidInputError('empty Denied Persons List', { where: 'line 1' });
  for (const { d, where } of drafts.values()) yield finishDraft(d, where);
}

export const bisDplTxt: ListFormat = {
  id: 'us-bis-dpl-txt',
  list: 'us-bis-dpl',
  role: 'full',
  parse: (text) => parseDpl(text),
};

export function sniffBisDplTxt(head: string, key: string): number {
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const cols = first.split('\t').map((c) => c.replace(/"/g, '').trim());
  const hits = ['Name', 'Street_Address', 'Effective_Date', 'Expiration_Date', 'FR_Citation'].filter((c) =>
    cols.includes(c),
  ).length;
  if (hits === 5) return 0.97;
  if (hits >= 3) return 0.6;
  return /\bdpl\b/i.test(key) && hits > 0 ? 0.3 : 0;
}
