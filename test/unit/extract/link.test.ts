import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../../shared/domain/extract.ts';
import { linkEntities } from '../../../shared/domain/link.ts';
import { buildNameIndex, NameMatcher } from '../../../shared/domain/name-index.ts';

// Listed entities written for these tests (names as the lists spell them; the ids are ours).
const matcher = new NameMatcher(
  buildNameIndex([
    { list: 'ofac', sourceId: 'r1', name: 'ROSNEFT OIL COMPANY', type: 'organization', countries: ['RU'], aliases: [] },
    {
      list: 'un',
      sourceId: 'k1',
      name: 'KOREA MINING DEVELOPMENT TRADING CORPORATION',
      type: 'organization',
      countries: ['KP'],
      aliases: ['KOMID'],
    },
    {
      list: 'eu',
      sourceId: 'i1',
      name: 'Islamic Revolutionary Guard Corps',
      type: 'organization',
      countries: ['IR'],
      aliases: ['IRGC'],
    },
    { list: 'ofac', sourceId: 'p1', name: 'PUTIN, Vladimir Vladimirovich', type: 'person', countries: ['RU'] },
  ]),
);

/** Listed ids per surface the extractor found, after linking. */
const linksOf = (text: string) => {
  const linked = linkEntities(text, extractEntities(text), matcher);
  return new Map(linked.map((e) => [e.name, (e.listed ?? []).map((l) => `${l.list}|${l.sourceId}`)]));
};

describe('linking one-word mentions: only with context', () => {
  it('finds "Rosneft", "KOMID" and "IRGC" but links none of them alone', () => {
    // Prepare
    const text = 'Rosneft raised output. KOMID shipped parts, a panel said. The IRGC seized a tanker on Monday.';
    // Act
    const links = linksOf(text);
    // Assess: the tagger finds them (the precondition of this test) and nothing links
    for (const n of ['Rosneft', 'KOMID', 'IRGC']) {
      expect(links.has(n), n).toBe(true);
      expect(links.get(n), n).toEqual([]);
    }
  });

  it('links a first word to the organisation the text names in full', () => {
    // Prepare
    const text = 'Rosneft Oil Company was named on Tuesday. Rosneft said the move was unlawful.';
    // Act
    const links = linksOf(text);
    // Assess
    expect(links.get('Rosneft Oil Company')).toEqual(['ofac|r1']);
    expect(links.get('Rosneft')).toEqual(['ofac|r1']);
  });

  it('links an acronym the text defines in brackets after the full name', () => {
    // Prepare
    const text =
      'The Korea Mining Development Trading Corporation (KOMID) sells arms abroad. A panel said KOMID used front firms.';
    // Act
    const links = linksOf(text);
    // Assess
    expect(links.get('KOMID')).toEqual(['un|k1']);
  });

  it('links an acronym made of the initials of a name given in full', () => {
    // Prepare
    const text = 'The Islamic Revolutionary Guard Corps runs the trade. The IRGC denied it.';
    // Act
    const links = linksOf(text);
    // Assess
    expect(links.get('IRGC')).toEqual(['eu|i1']);
  });

  it('does not link another acronym, a generic word, or a given name to what the text names in full', () => {
    // Prepare: NIOC is not the IRGC's acronym; "Vladimir" alone is not Vladimir Putin's short form.
    const text =
      'The Islamic Revolutionary Guard Corps and NIOC were named. Vladimir Putin spoke; Vladimir Potanin did not.';
    // Act
    const links = linksOf(text);
    // Assess
    expect(links.get('NIOC') ?? []).toEqual([]);
    expect(links.get('Islamic Revolutionary Guard Corps')).toEqual(['eu|i1']);
    expect(links.get('Vladimir Putin')).toEqual(['ofac|p1']);
    expect(links.get('Vladimir Potanin') ?? []).toEqual([]);
  });
});
