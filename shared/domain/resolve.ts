import { listedEntityId, singletonCanonicalId } from './keys.ts';
import type { ListedEntity } from './model.ts';
import { GENERIC_TOKENS, isLegalForm, nameTokens, stripLegalForms } from './names.ts';
import { BIRTH_DATE } from './sanctions/birth-dates.ts';

/*
 * Cross-list entity resolution (issue 11.1), pure. A listed entity is reduced to a small *profile* (the only facts the
 * resolver reads: normalised names, strong identifiers, birth dates, countries); two profiles merge when a rule below
 * says so, and every merge carries its reason. Clusters are the connected components of the merges (union-find), and
 * a cluster's canonical id names one member (the most preferred list's, see canonicalIdOf): the same lists always
 * give the same ids, whatever the order of uploads. When a cluster gains or loses members its id may change; the ingest keeps the old id as a referent
 * of the new one (shared/ingest/resolve-lists.ts), as OpenSanctions keeps `referents`.
 *
 * The rules follow what OpenSanctions' resolver would accept without a human: strong identifiers that agree, or a
 * full name that agrees with something that tells namesakes apart (a birth date, a nationality for a person; an exact,
 * distinctive name and nothing conflicting for an organisation). Never a common or one-word name alone.
 */

/** What the resolver reads of a listed entity. Kept on the entity's `CANOF` item, so candidates need no other read. */
export interface Profile {
  /** The member id: `l:<list>:<sourceId>`. */
  id: string;
  list: string;
  type: ListedEntity['type'];
  /** Display name (never matched on: `names` is). */
  name: string;
  /** Matchable normalised names: persons as sorted token sets, others as the name without legal forms. */
  names: string[];
  /** Strong identifiers as `<type>:<value>` (normalised; see `strongIdOf`). */
  ids: string[];
  /** Birth dates as published (ISO where plain). */
  birthDates: string[];
  /** Nationality and citizenship countries. */
  nationalities: string[];
  /** Every country, whatever the role. */
  countries: string[];
}

export type MergeReason =
  | { rule: 'identifier'; type: string; value: string }
  | { rule: 'name+birth-date'; name: string; birthDate: string }
  | { rule: 'name+nationality'; name: string; country: string }
  | { rule: 'name'; name: string };

export interface Merge {
  a: string;
  b: string;
  reason: MergeReason;
}

/** A profile carries at most this many names: a few entries carry hundreds of translations (OpenSanctions). */
const MAX_NAMES = 40;

/** Honorifics and titles that lists put in or before a person's name ("Dr. Ayman", "Sheikh Farooq"). */
const TITLES = new Set(
  'dr mr mrs ms miss prof professor sheikh shaykh shaikh haji hajji hadji mullah mawlawi maulvi maulavi qari sayed sayyed sayyid general gen colonel col major maj captain capt lieutenant lt sir'.split(
    ' ',
  ),
);
/** Particles of person names: they never count as one of the two words a name needs. */
const PARTICLES = new Set('al el bin ibn bint abu abd abdul ould ben de da del di la le van von der den y'.split(' '));

/** A person's names as sorted token sets: lists disagree on order ("RI WON HO", "RI, Won Ho", "Won Ho RI"). */
export function personNameForm(name: string): string | undefined {
  const tokens = [...new Set(nameTokens(name).filter((t) => !TITLES.has(t)))];
  // Two words at least that are no particle and no initial: "Abu Muhammad" or "A. Hassan" is nobody in particular.
  if (tokens.filter((t) => t.length >= 2 && !PARTICLES.has(t)).length < 2) return undefined;
  return tokens.sort().join(' ');
}

/**
 * An organisation's, vessel's or aircraft's name without legal forms, in its order; undefined unless it keeps two
 * distinctive tokens (neither generic nor a legal form): "Bank Melli Iran" yes, "Trading Company" or "Sinopec" no.
 */
export function organizationNameForm(name: string): string | undefined {
  let tokens = stripLegalForms(nameTokens(name));
  if (tokens[0] === 'the') tokens = tokens.slice(1);
  const distinctive = tokens.filter((t) => t.length >= 2 && !GENERIC_TOKENS.has(t) && !isLegalForm(t));
  if (new Set(distinctive).size < 2) return undefined;
  return tokens.join(' ');
}

/**
 * An identifier as a strong key, or undefined when it is no strong identifier (call signs, gazette numbers, MMSI: they
 * move between owners or are too short to be unique). Types are folded across lists: the UN's French and Spanish
 * passport labels, the CSL's raw labels ("NIT #", "IMO 8898831" with the number in the label).
 */
export function strongIdOf(type: string, value: string): string | undefined {
  const t = type.toLowerCase();
  const compact = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (t === 'un-reference') {
    const v = value.toUpperCase().replace(/\s+/g, '');
    return /^[A-Z]{2,4}\.\d/.test(v) || /^[A-Z]{2,4}\.[A-Z]\.\d/.test(v) ? `un:${v}` : undefined;
  }
  if (/\bimo\b/.test(t)) {
    const n = /\b(\d{7})\b/.exec(`${type} ${value}`)?.[1];
    return n ? `imo:${n}` : undefined;
  }
  let kind: string | undefined;
  if (/pas[s]?[ae]?port|pasaporte|passeport/.test(t)) kind = 'passport';
  else if (/^national-id$|national id|cedula|c-u-r-p|d-n-i/.test(t)) kind = 'national-id';
  else if (/^tax|tax-id|tax id|\bnit\b|\bruc\b|\binn\b|r-f-c|v-a-t/.test(t)) kind = 'tax';
  else if (/registration|company number|^ogrn|business number/.test(t)) kind = 'registration';
  else if (/swift|\bbic\b/.test(t) && !/bik/.test(t)) kind = 'bic';
  else if (t === 'referent' || t === 'opensanctions-id') kind = 'os';
  if (!kind) return undefined;
  const v = compact(value);
  // A number this short or without a digit is no identifier ("N/A", "12"): it would join strangers.
  if (kind !== 'os' && (v.length < 5 || !/\d/.test(v)) && kind !== 'bic') return undefined;
  if (kind === 'bic' && !/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(v)) return undefined;
  return `${kind}:${kind === 'bic' ? v.slice(0, 8) : v}`;
}

/** OFAC's programmes in the Consolidated Screening List: their entries keep OFAC's own entity number. */
const CSL_OFAC_SOURCES = new Set([
  'SDN',
  'SSI',
  'FSE',
  'PLC',
  '561',
  'CAP',
  'NS-MBS',
  'CMIC',
  'MBS',
  'NS-PLC',
  'NS-ISA',
]);
const compactId = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * Ids that lists share by construction, so they are strong identifiers: OFAC's entity numbers (one numbering over the
 * SDN and non-SDN lists, kept by the CSL's OFAC entries as `SDN:<n>`), the BIS Denied Persons List's names (its
 * entries in the CSL are `DPL:<name>`), and OpenSanctions ids (canonical ids themselves).
 */
export function crossReferencesOf(list: string, sourceId: string): string[] {
  if (list === 'us-ofac-sdn' || list === 'us-ofac-cons') return /^\d+$/.test(sourceId) ? [`ofac:${sourceId}`] : [];
  if (list === 'us-bis-dpl') return [`dpl:${compactId(sourceId)}`];
  if (list.startsWith('opensanctions:')) return [`os:${compactId(sourceId)}`];
  if (list === 'us-csl') {
    const m = /^([A-Z0-9-]+):(.+)$/.exec(sourceId);
    if (m && CSL_OFAC_SOURCES.has(m[1]!) && /^\d+$/.test(m[2]!)) return [`ofac:${m[2]}`];
    if (m && m[1] === 'DPL') return [`dpl:${compactId(m[2]!)}`];
  }
  return [];
}

export function profileOf(
  e: Pick<ListedEntity, 'list' | 'sourceId' | 'type' | 'name' | 'aliases' | 'countries' | 'identifiers'>,
): Profile {
  const form = e.type === 'person' ? personNameForm : organizationNameForm;
  const names = new Set<string>();
  for (const n of [e.name, ...e.aliases]) {
    if (names.size >= MAX_NAMES) break;
    // "HAQQANI NETWORK (HQN)", "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)": also without the bracketed acronym.
    for (const v of n.includes('(') ? [n, n.replace(/\([^)]*\)/g, ' ')] : [n]) {
      const f = form(v);
      if (f) names.add(f);
    }
  }
  const ids = new Set<string>();
  const birthDates = new Set<string>();
  for (const i of e.identifiers) {
    if (i.type === BIRTH_DATE) birthDates.add(i.value);
    else {
      const k = strongIdOf(i.type, i.value);
      if (k) ids.add(k);
    }
  }
  for (const k of crossReferencesOf(e.list, e.sourceId)) ids.add(k);
  return {
    id: listedEntityId(e.list, e.sourceId),
    list: e.list,
    type: e.type,
    name: e.name,
    names: [...names].sort(),
    ids: [...ids].sort(),
    birthDates: [...birthDates].sort(),
    nationalities: [
      ...new Set(
        e.countries.filter((c) => c.roles.some((r) => r === 'nationality' || r === 'citizenship')).map((c) => c.code),
      ),
    ].sort(),
    countries: [...new Set(e.countries.map((c) => c.code))].sort(),
  };
}

/** Types that may be one entity: equal, or `other` beside anything but a person. */
const typesAgree = (a: Profile['type'], b: Profile['type']): boolean =>
  a === b || (a === 'other' && b !== 'person') || (b === 'other' && a !== 'person');

const intersect = (a: readonly string[], b: readonly string[]): string[] => {
  const s = new Set(b);
  return a.filter((x) => s.has(x));
};

/** Years a birth date covers: `1951-06-19` → [1951]; `01 Jan 1953 to 31 Dec 1954` → [1953, 1954]; `circa 1955` → [1955]. */
function yearsOf(date: string): number[] {
  const ys = (date.match(/\b(1[89]\d\d|20\d\d)\b/g) ?? []).map(Number);
  if (ys.length === 2 && /\bto\b|-\s*\d{4}$|–/.test(date) && ys[1]! > ys[0]! && ys[1]! - ys[0]! <= 10)
    return Array.from({ length: ys[1]! - ys[0]! + 1 }, (_, i) => ys[0]! + i);
  return ys;
}

const ISO = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** Two published birth dates agree when one refines the other (`1951` and `1951-06-19`), or their years meet. */
export function birthDatesAgree(a: string, b: string): boolean {
  if (ISO.test(a) && ISO.test(b)) return a.startsWith(b) || b.startsWith(a);
  const ya = yearsOf(a);
  return yearsOf(b).some((y) => ya.includes(y));
}

/** Identifier kinds an entity has at most one value of: two different values mean two entities. */
const SINGULAR = ['un:', 'imo:', 'ofac:', 'os:'];

/** Why two profiles are one entity, or undefined. Symmetric; reads nothing but the two profiles. */
export function decideMerge(a: Profile, b: Profile): MergeReason | undefined {
  if (a.id === b.id || !typesAgree(a.type, b.type)) return undefined;
  // A UN reference or an IMO number of each that differ: two entities, whatever else agrees.
  for (const kind of SINGULAR) {
    const va = a.ids.filter((i) => i.startsWith(kind));
    const vb = b.ids.filter((i) => i.startsWith(kind));
    if (va.length && vb.length && !intersect(va, vb).length) return undefined;
  }
  const countriesConflict =
    a.countries.length > 0 && b.countries.length > 0 && !intersect(a.countries, b.countries).length;
  const dated = a.birthDates.length > 0 && b.birthDates.length > 0;
  const agreeingDate = dated ? a.birthDates.find((x) => b.birthDates.some((y) => birthDatesAgree(x, y))) : undefined;
  const birthConflict = dated && agreeingDate === undefined;

  for (const id of intersect(a.ids, b.ids)) {
    const [type, value] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    if (type === 'un' || type === 'imo' || type === 'os' || type === 'ofac' || type === 'dpl')
      return { rule: 'identifier', type, value };
    // Document and company numbers are unique only within their issuing country, which the lists do not always
    // give with the number: the entities' countries stand in for it (issue 11.1 "passport numbers with country").
    if (countriesConflict || birthConflict) continue;
    if ((type === 'passport' || type === 'national-id') && !intersect(a.countries, b.countries).length) continue;
    return { rule: 'identifier', type, value };
  }

  const names = intersect(a.names, b.names);
  if (!names.length) return undefined;
  const name = names[0]!;
  if (a.type === 'person') {
    if (agreeingDate !== undefined) return { rule: 'name+birth-date', name, birthDate: agreeingDate };
    if (birthConflict) return undefined;
    const nat = intersect(a.nationalities, b.nationalities)[0];
    return nat ? { rule: 'name+nationality', name, country: nat } : undefined;
  }
  // Organisations, vessels, aircraft: the exact distinctive name, and nothing that says otherwise.
  if (countriesConflict) return undefined;
  return { rule: 'name', name };
}

/** Lists in the order their entries name a cluster (and give its display name): the UN's first, the lists' reference. */
export const LIST_PREFERENCE = ['un-sc', 'eu-fsf', 'uk-fcdo', 'us-ofac-sdn', 'uk-hmt', 'us-ofac-cons'];
/** A list's place in LIST_PREFERENCE (lists not named come after, all alike). */
export const listRank = (list: string) => {
  const i = LIST_PREFERENCE.indexOf(list);
  return i < 0 ? LIST_PREFERENCE.length : i;
};
const listOfMember = (id: string) => id.slice(2, id.indexOf(':', 2));

/**
 * `c:<list>:<sourceId>` of the member of the most preferred list (LIST_PREFERENCE), the smallest id among equals:
 * stable for a given membership, whatever the order members arrived in. By list first so that a cluster keeps its id
 * when a list that comes later joins it (OFAC's consolidated list joining an SDN entry): its members' CANOF items and
 * its META stay where they are, and no referent is needed, which is most of what a list's first version writes.
 */
export function canonicalIdOf(memberIds: Iterable<string>): string {
  let min: string | undefined;
  let minRank = Number.POSITIVE_INFINITY;
  for (const m of memberIds) {
    const rank = listRank(listOfMember(m));
    if (min === undefined || rank < minRank || (rank === minRank && m < min)) [min, minRank] = [m, rank];
  }
  if (min === undefined) throw new Error('a canonical entity has at least one member');
  // Readable and reversible: the member it names, so a lone entity's canonical id needs no item to resolve.
  return singletonCanonicalId(min);
}

/** Rules from the strongest to the weakest: clusters are built from the strongest merges first. */
const RULE_ORDER: Record<MergeReason['rule'], number> = {
  identifier: 0,
  'name+birth-date': 1,
  'name+nationality': 2,
  name: 3,
};

const pairOf = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/**
 * The merges of one profile with its candidates (the profiles that share a blocking key with it), after the
 * ambiguity rule: a merge made on names (no identifier) stands only when it picks one entry of the other list. Two
 * OFAC entries that share the alias "Ansar al-Sharia" are two entities by OFAC's own account, so a UK entry of that
 * name can be neither. Candidates of its own list are never merged with it: a list's entries are distinct by the
 * list's own judgement.
 */
export function mergesOf(p: Profile, candidates: readonly Profile[]): Merge[] {
  const out: Merge[] = [];
  // Per other list, the name-based candidates and how many names each shares with p.
  const byName = new Map<string, { id: string; shared: number }[]>();
  const seen = new Set<string>([p.id]);
  for (const c of candidates) {
    if (seen.has(c.id) || c.list === p.list) continue;
    seen.add(c.id);
    const reason = decideMerge(p, c);
    if (!reason) continue;
    const [a, b] = pairOf(p.id, c.id);
    out.push({ a, b, reason });
    if (reason.rule !== 'identifier')
      byName.set(c.list, [...(byName.get(c.list) ?? []), { id: c.id, shared: intersect(p.names, c.names).length }]);
  }
  // The one that shares strictly more names than any other wins (KOMID shares four with its OFAC entry, one with
  // another entry that has one alias in common); a tie is ambiguous, and no name-based merge is made into that list.
  const chosen = new Set<string>();
  for (const cs of byName.values()) {
    const best = Math.max(...cs.map((c) => c.shared));
    const top = cs.filter((c) => c.shared === best);
    if (top.length === 1) chosen.add(top[0]!.id);
  }
  return out.filter((m) => m.reason.rule === 'identifier' || chosen.has(m.a === p.id ? m.b : m.a));
}

export interface Clustering {
  /** Member id → canonical id, for every member given. */
  canonicalOf: Map<string, string>;
  /** Member id → the merge through which it joined its cluster (absent for the member a cluster grew from). */
  joinedBy: Map<string, Merge>;
}

/**
 * Clusters members from accepted merges: union-find over the merges from the strongest rule to the weakest (ties by
 * member ids, so the result never depends on the order they were found in), never putting two entries of one list in
 * one cluster (a merge that would is dropped: the stronger ones made first decide).
 */
export function clusterMerges(members: readonly { id: string; list: string }[], merges: readonly Merge[]): Clustering {
  const parent = new Map<string, string>();
  const lists = new Map<string, Set<string>>();
  for (const m of members) {
    parent.set(m.id, m.id);
    lists.set(m.id, new Set([m.list]));
  }
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let y = x; y !== r; ) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  const sorted = [...merges].sort(
    (x, y) => RULE_ORDER[x.reason.rule] - RULE_ORDER[y.reason.rule] || x.a.localeCompare(y.a) || x.b.localeCompare(y.b),
  );
  const joinedBy = new Map<string, Merge>();
  const tree: Merge[] = [];
  for (const m of sorted) {
    if (!parent.has(m.a) || !parent.has(m.b)) continue;
    const [ra, rb] = [find(m.a), find(m.b)];
    if (ra === rb) continue;
    const [la, lb] = [lists.get(ra)!, lists.get(rb)!];
    if ([...la].some((l) => lb.has(l))) continue;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(child, root);
    lists.set(root, new Set([...la, ...lb]));
    tree.push(m);
  }
  const clusters = new Map<string, string[]>();
  for (const m of members) clusters.set(find(m.id), [...(clusters.get(find(m.id)) ?? []), m.id]);
  const canonicalOf = new Map<string, string>();
  for (const ids of clusters.values()) {
    const c = canonicalIdOf(ids);
    for (const id of ids) canonicalOf.set(id, c);
  }
  // Each member's reason: the tree edge that reached it from its cluster's smallest member.
  const adjacent = new Map<string, Merge[]>();
  for (const m of tree) {
    adjacent.set(m.a, [...(adjacent.get(m.a) ?? []), m]);
    adjacent.set(m.b, [...(adjacent.get(m.b) ?? []), m]);
  }
  for (const ids of clusters.values()) {
    const start = [...ids].sort()[0]!;
    const queue = [start];
    const reached = new Set(queue);
    while (queue.length) {
      const x = queue.shift()!;
      for (const m of adjacent.get(x) ?? []) {
        const y = m.a === x ? m.b : m.a;
        if (reached.has(y)) continue;
        reached.add(y);
        joinedBy.set(y, m);
        queue.push(y);
      }
    }
  }
  return { canonicalOf, joinedBy };
}

/** Blocks this large are a common name or a shared default value: no merge is made through them. */
export const MAX_BLOCK = 50;

/** The blocking keys of a profile as strings (`id:<type>:<value>`, `nm:<name>`). */
export const blockKeysOf = (p: Profile): string[] => [...p.ids.map((i) => `id:${i}`), ...p.names.map((n) => `nm:${n}`)];

/**
 * Resolves a set of profiles in memory: blocks by key, finds each profile's merges, keeps those both ends accept,
 * clusters them. Used by the tests on the real files; the ingest does the same incrementally over stored blocking
 * items, with the same functions.
 */
export function resolveProfiles(profiles: readonly Profile[]): Clustering & { merges: Merge[] } {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const blocks = new Map<string, string[]>();
  for (const p of profiles) for (const key of blockKeysOf(p)) blocks.set(key, [...(blocks.get(key) ?? []), p.id]);
  const proposed = new Map<string, Merge>();
  const votes = new Map<string, number>();
  for (const p of profiles) {
    const candidates = new Map<string, Profile>();
    for (const key of blockKeysOf(p)) {
      const members = blocks.get(key)!;
      if (members.length > MAX_BLOCK) continue;
      for (const id of members) candidates.set(id, byId.get(id)!);
    }
    for (const m of mergesOf(p, [...candidates.values()])) {
      const k = `${m.a}\u0000${m.b}`;
      proposed.set(k, m);
      votes.set(k, (votes.get(k) ?? 0) + 1);
    }
  }
  // A merge stands when both ends propose it (the ambiguity rule is applied from each side).
  const merges = [...proposed].filter(([k]) => votes.get(k) === 2).map(([, m]) => m);
  return { ...clusterMerges(profiles, merges), merges };
}
