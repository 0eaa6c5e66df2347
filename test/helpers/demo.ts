import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildNameIndex, type IndexedEntity, NameMatcher } from '../../shared/domain/name-index.ts';
import { unXml } from '../../shared/domain/sanctions/un-xml.ts';
import { ROOT } from './sandbox.ts';

/** The demo set `npm start` loads (our own sample articles and an excerpt of the UN list). */
export const DEMO = join(ROOT, 'demo');

/** Every file under a folder, sorted. */
export function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}

/** A matcher over the demo's list excerpt, as the pipeline builds one. */
export async function demoMatcher(): Promise<NameMatcher> {
  const text = readFileSync(join(DEMO, 'sanctions/un-sc-consolidated-excerpt.xml'), 'utf8');
  const entities: (IndexedEntity & { aliases?: string[] })[] = [];
  async function* chunks() {
    yield text;
  }
  for await (const r of unXml.parse(chunks(), { key: 'sanctions/un.xml', head: text.slice(0, 8192) }, {}))
    if (r.kind === 'entity')
      entities.push({
        list: r.entity.list,
        sourceId: r.entity.sourceId,
        name: r.entity.name,
        type: r.entity.type,
        countries: r.entity.countries.map((c) => c.code),
        aliases: r.entity.aliases,
      });
  return new NameMatcher(buildNameIndex(entities));
}
