import { linesOf } from '../encoding.ts';
import type { CountryRole, EntityType, ListId } from '../model.ts';
import { InvalidInputError } from '../../errors.ts';
import { addCountry, addIdentifier, addName, addProgram, createDraft, finishDraft } from './entity-draft.ts';
import type { DetectHint, ListFormat, ParsedRecord } from './types.ts';

/*
 * OpenSanctions FollowTheMoney JSON lines (sanctions-formats.md §7): `entities.ftm.json` (one entity a line; only
 * `target: true` entities are listed: Address, Sanction, Ownership … are helpers) and `entities.delta.json`
 * (`{"op":"ADD"|"MOD"|"DEL","entity":{…}}`; a MOD replaces the whole entity, a DEL carries only the id).
 *
 * Which list: a file belongs to one dataset or collection, but an entity's `datasets` names its *sources*: a merged
 * entity in the yente delta sample lists 22 of them (ca_listed_terrorists, …, us_ofac_sdn), so `datasets[0]` of an
 * entity is not the file's list. The list is taken from the object key when it names the dataset the way OpenSanctions
 * publishes it (`…/datasets/<version>/<dataset>/…` or `…/opensanctions/<dataset>/…`), else from the head: the single
 * dataset every entity in the head agrees on (the t1 sample: all `eu_fsf`), else `opensanctions:default` (the
 * all-in-one collection, which is what a file of many-source merged entities is).
 *
 * Not resolved: countries of linked Address entities (`addressEntity`) and programmes carried by Sanction entities;
 * both need a join across lines (memory) and the target's own `country` property usually carries the same code.
 */

const DATASET = /^[a-z0-9_]+$/;

/** The list a file of FtM entities belongs to: see the module comment. */
export function listOfOpenSanctions(hint: DetectHint): ListId {
  const parts = hint.key.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    const next = parts[i + 1] ?? '';
    if (parts[i] === 'datasets' && parts[i + 2] !== undefined && DATASET.test(parts[i + 2]!) && i + 3 < parts.length) {
      return `opensanctions:${parts[i + 2]}`;
    }
    if (parts[i] === 'opensanctions' && DATASET.test(next) && i + 2 < parts.length) return `opensanctions:${next}`;
  }
  const seen = new Set<string>();
  for (const line of hint.head.split('\n')) {
    try {
      const o = JSON.parse(line) as { entity?: { datasets?: unknown }; datasets?: unknown };
      const ds = (o.entity ?? o).datasets;
      if (Array.isArray(ds)) for (const d of ds) if (typeof d === 'string') seen.add(d);
    } catch {
      // The head ends mid-line: the last, cut line is not evidence.
    }
  }
  const [only] = seen;
  return seen.size === 1 && only && DATASET.test(only) ? `opensanctions:${only}` : 'opensanctions:default';
}

const typeOf = (schema: unknown): EntityType => {
  switch (schema) {
    case 'Person':
      return 'person';
    case 'Organization':
    case 'Company':
    case 'LegalEntity':
    case 'PublicBody':
      return 'organization';
    case 'Vessel':
      return 'vessel';
    case 'Airplane':
      return 'aircraft';
    default:
      return 'other';
  }
};

const COUNTRY_PROPS: [string, CountryRole][] = [
  ['nationality', 'nationality'],
  ['citizenship', 'citizenship'],
  ['jurisdiction', 'registration'],
  ['birthCountry', 'birth'],
  ['flag', 'flag'],
  ['country', 'other'],
];

const ID_PROPS: [string, string][] = [
  ['imoNumber', 'imo'],
  ['mmsi', 'mmsi'],
  ['registrationNumber', 'registration'],
  ['passportNumber', 'passport'],
  ['idNumber', 'national-id'],
  ['innCode', 'inn'],
  ['ogrnCode', 'ogrn'],
  ['taxNumber', 'tax'],
  ['leiCode', 'lei'],
  ['swiftBic', 'swift'],
  ['icaoCode', 'icao'],
];

interface FtmEntity {
  id?: unknown;
  schema?: unknown;
  target?: unknown;
  properties?: Record<string, unknown>;
}

/** FtM property values are arrays of strings; anything else in a value slot is ignored. */
const values = (e: FtmEntity, prop: string): string[] => {
  const v = e.properties?.[prop];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

function entityOf(e: FtmEntity, list: ListId, where: string): ParsedRecord {
  const d = createDraft(list, typeof e.id === 'string' ? e.id : '');
  d.type = typeOf(e.schema);
  for (const n of values(e, 'name')) addName(d, n);
  for (const n of [...values(e, 'alias'), ...values(e, 'previousName')]) addName(d, n);
  for (const n of values(e, 'weakAlias')) addName(d, n, 'weak');
  // Lower-case ISO-2 upper-cased; OpenSanctions' own codes (`suhh`, `csxx`, `zz`, `eu`) are dropped by addCountry.
  for (const [prop, role] of COUNTRY_PROPS) for (const c of values(e, prop)) addCountry(d, c, role);
  for (const p of [...values(e, 'program'), ...values(e, 'programId')]) addProgram(d, p);
  for (const [prop, type] of ID_PROPS) for (const v of values(e, prop)) addIdentifier(d, type, v);
  return finishDraft(d, where);
}

const MAX_LINE_CHARS = 1_000_000;

async function* jsonLines(
  text: AsyncIterable<string>,
): AsyncGenerator<{ line: number; value?: unknown; error?: string }> {
  let line = 0;
  try {
    for await (const raw of linesOf(text, MAX_LINE_CHARS)) {
      line++;
      // linesOf only checks the carry between chunks: a long line completed within one chunk is checked here.
      if (raw.length > MAX_LINE_CHARS)
        throw new InvalidInputError(`JSON line longer than ${MAX_LINE_CHARS} characters`, { where: `line ${line}` });
      if (!raw.trim()) continue;
      try {
        yield { line, value: JSON.parse(raw) };
      } catch (err) {
        yield { line, error: `not JSON: ${(err as Error).message}` };
      }
    }
  } catch (err) {
    if (err instanceof RangeError)
      throw new InvalidInputError(`JSON line longer than ${MAX_LINE_CHARS} characters`, {
        cause: err,
        where: `line ${line + 1}`,
      });
    throw err;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

async function* parseEntities(text: AsyncIterable<string>, list: ListId): AsyncGenerator<ParsedRecord> {
  let objects = 0;
  for await (const { line, value, error } of jsonLines(text)) {
    const where = `line ${line}`;
    if (error || !isObject(value)) {
      yield { kind: 'reject', where, reason: error ?? 'not a JSON object' };
      continue;
    }
    objects++;
    if (value.target !== true) continue; // helpers (Address, Sanction …) are not listed entities
    yield entityOf(value, list, where);
  }
  if (objects === 0) throw new InvalidInputError('no FtM entity in the file', { where: 'file' });
}

async function* parseDelta(text: AsyncIterable<string>, list: ListId): AsyncGenerator<ParsedRecord> {
  let ops = 0;
  for await (const { line, value, error } of jsonLines(text)) {
    const where = `line ${line}`;
    if (error || !isObject(value)) {
      yield { kind: 'reject', where, reason: error ?? 'not a JSON object' };
      continue;
    }
    const entity = value.entity;
    if (!isObject(entity) || typeof entity.id !== 'string' || !entity.id) {
      yield { kind: 'reject', where, reason: 'no entity id' };
      continue;
    }
    ops++;
    switch (value.op) {
      case 'DEL':
        yield { kind: 'delete', sourceId: entity.id };
        break;
      case 'ADD':
      case 'MOD':
        // A MOD that makes a target a helper ends its listing; an ADD of a helper is not a listed entity at all.
        if (entity.target === true) yield entityOf(entity, list, where);
        else if (value.op === 'MOD') yield { kind: 'delete', sourceId: entity.id };
        break;
      default:
        yield { kind: 'reject', where, reason: `unknown op ${JSON.stringify(value.op)}` };
    }
  }
  if (ops === 0) throw new InvalidInputError('no delta operation in the file', { where: 'file' });
}

export const openSanctionsFtm: ListFormat = {
  id: 'opensanctions-ftm',
  list: listOfOpenSanctions,
  role: 'full',
  parse: (text, hint) => parseEntities(text, listOfOpenSanctions(hint)),
};

export const openSanctionsDelta: ListFormat = {
  id: 'opensanctions-ftm-delta',
  list: listOfOpenSanctions,
  role: 'delta',
  parse: (text, hint) => parseDelta(text, listOfOpenSanctions(hint)),
};

const firstLine = (head: string) =>
  head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .split('\n', 1)[0] ?? '';

export function sniffOpenSanctionsFtm(head: string, key: string): number {
  const l = firstLine(head);
  if (!l.startsWith('{') || /^\{\s*"op"\s*:/.test(l)) return 0;
  const hits = ['"schema"', '"properties"', '"id"', '"datasets"'].filter((k) => l.includes(k)).length;
  if (hits === 4) return /"target"\s*:/.test(l) ? 0.97 : 0.85;
  return hits >= 2 && /ftm|entities/i.test(key) ? 0.4 : 0;
}

export function sniffOpenSanctionsDelta(head: string, key: string): number {
  const l = firstLine(head);
  if (!/^\{\s*"op"\s*:\s*"(ADD|MOD|DEL)"/.test(l)) return /delta/i.test(key) && /"op"\s*:/.test(l) ? 0.4 : 0;
  return /"entity"\s*:/.test(l) ? 0.97 : 0.6;
}
