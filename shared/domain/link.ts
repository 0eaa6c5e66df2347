import { formOf, type IndexedEntity, type NameMatcher } from './name-index.ts';
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
 * A listed name of three or more words that the extractor missed is still taken, as the entity's own kind.
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
  for (const m of matcher.find(text)) {
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
  return [...out, ...extra.values()];
}
