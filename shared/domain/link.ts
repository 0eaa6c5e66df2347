import { formOf, type IndexedEntity, type NameMatcher } from './name-index.ts';
import { GENERIC_TOKENS } from './names.ts';
import type { FoundEntity } from './found-entity.ts';
import type { Mention } from './model.ts';

type Linked = FoundEntity & { listed?: Mention['listed'] };

const compatible = (kind: string, listedType: string) =>
  kind === 'person' ? listedType === 'person' : kind === 'organization' ? listedType !== 'person' : false;

const toLink = (e: IndexedEntity): Mention['listed'][number] => ({
  list: e.list as Mention['listed'][number]['list'],
  sourceId: e.sourceId,
  name: e.name,
  type: e.type as Mention['listed'][number]['type'],
  countries: e.countries,
});

/**
 * Links what the extractor found to listed entities (precision first): a listed name found in the text is confirmed by
 * the extractor's reading of the same words — the same name, of a compatible type (a person never links to a company).
 * A listed name of three or more words that the extractor missed is still taken, as the entity's own kind. A one-word
 * mention links only through a listed name the same text gives in full (see linkShortForms).
 */
export function linkEntities(text: string, found: FoundEntity[], matcher: NameMatcher | undefined): Linked[] {
  const out: Linked[] = found.map((f) => ({ ...f }));
  if (!matcher || matcher.size === 0) return out;
  const byForm = new Map<string, Linked[]>();
  for (const e of out) {
    if (e.kind !== 'person' && e.kind !== 'organization') continue;
    for (const s of new Set([e.name, ...(e.surfaces ?? [])])) {
      const f = formOf(s);
      byForm.set(f, [...(byForm.get(f) ?? []), e]);
    }
  }
  const extra = new Map<string, Linked>();
  const fulls: FullMatch[] = [];
  for (const m of matcher.find(text)) {
    fulls.push({ end: m.end, form: m.form, entities: m.entities });
    const owners =
      byForm.get(m.form) ??
      byForm.get(formOf(m.text)) ??
      out.filter(
        (e) =>
          (e.kind === 'person' || e.kind === 'organization') &&
          (e.surfaces ?? [e.name]).some((s) => s.includes(m.text)),
      );
    if (owners.length) {
      for (const o of owners) {
        const links = m.entities.filter((le) => compatible(o.kind, le.type)).map(toLink);
        if (!links.length) continue;
        const have = new Set((o.listed ?? []).map((l) => `${l.list}|${l.sourceId}`));
        o.listed = [...(o.listed ?? []), ...links.filter((l) => !have.has(`${l.list}|${l.sourceId}`))];
      }
      continue;
    }
    // Not seen by the extractor: only long, specific names stand on their own.
    if (m.form.split(' ').length < 3) continue;
    if (
      found.some((f) => (f.kind === 'country' || f.kind === 'location' || f.kind === 'bloc') && m.text.includes(f.name))
    )
      continue;
    const type = m.entities[0]!.type;
    const kind = type === 'person' ? 'person' : 'organization';
    const key = `${kind}:${m.form}`;
    const cur = extra.get(key);
    if (cur) cur.count++;
    else
      extra.set(key, {
        name: m.text,
        key,
        kind,
        count: 1,
        surfaces: [m.text],
        listed: m.entities.filter((le) => compatible(kind, le.type)).map(toLink),
      });
  }
  linkShortForms(text, out, fulls);
  return [...out, ...extra.values()];
}

/** A listed name the text gives in full (two words or more), with where it ends: the context short forms need. */
interface FullMatch {
  end: number;
  form: string;
  entities: IndexedEntity[];
}

const initialsOf = (form: string) =>
  form
    .split(' ')
    .filter((t) => !GENERIC_CONNECTORS.has(t))
    .map((t) => t[0])
    .join('');
const GENERIC_CONNECTORS = new Set(['of', 'and', 'for', 'the', 'de', 'al', 'el']);

/**
 * One word never links on its own ("Rosneft", "KOMID", "IRGC" could be anyone's until the text says whose): a
 * one-word organisation or person links only to a listed entity the same text names in full, and only when the word
 * is that name's short form — the acronym the text defines right after it ("… Trading Corporation (KOMID)"), its
 * initials ("Islamic Revolutionary Guard Corps" → IRGC), or, for an organisation, its first, distinctive word ("Rosneft Oil Company" →
 * Rosneft).
 */
function linkShortForms(text: string, out: Linked[], fulls: readonly FullMatch[]): void {
  if (!fulls.length) return;
  // The short forms each full name allows, indexed, so that an article with many names costs one look-up per mention.
  const byDefined = new Map<string, FullMatch[]>();
  const byInitials = new Map<string, FullMatch[]>();
  const byFirst = new Map<string, FullMatch[]>();
  const add = (m: Map<string, FullMatch[]>, k: string, f: FullMatch) => m.set(k, [...(m.get(k) ?? []), f]);
  for (const f of fulls) {
    const defined = /^\s*\(\s*([^()\s]{2,12})\s*\)/.exec(text.slice(f.end, f.end + 20));
    if (defined) add(byDefined, defined[1]!, f);
    add(byInitials, initialsOf(f.form), f);
    add(byFirst, f.form.split(' ')[0]!, f);
  }
  for (const e of out) {
    if (e.kind !== 'person' && e.kind !== 'organization') continue;
    for (const surface of new Set([e.name, ...(e.surfaces ?? [])])) {
      const form = formOf(surface);
      if (!form || form.includes(' ')) continue;
      const acronym = /^\p{Lu}{2,}$/u.test(surface);
      const firstWord = !acronym && e.kind === 'organization' && !GENERIC_TOKENS.has(form) && form.length >= 4;
      const owners = new Set([
        ...(byDefined.get(surface) ?? []),
        ...(acronym ? (byInitials.get(form) ?? []) : []),
        ...(firstWord ? (byFirst.get(form) ?? []) : []),
      ]);
      for (const f of owners) {
        const links = f.entities.filter((le) => compatible(e.kind, le.type)).map(toLink);
        const have = new Set((e.listed ?? []).map((l) => `${l.list}|${l.sourceId}`));
        const fresh = links.filter((l) => !have.has(`${l.list}|${l.sourceId}`));
        if (fresh.length) e.listed = [...(e.listed ?? []), ...fresh];
      }
    }
  }
}
