import { describe, expect, it } from 'vitest';
import { describeExpectedFormats, detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { LIST_FORMATS, REFUSED_FORMATS } from '../../../shared/domain/sanctions/registry.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { fixture, must } from './helpers.ts';

const headOf = (rel: string): string => fixture(rel).subarray(0, 8192).toString('utf8');

describe('detectListFormat', () => {
  it.each([
    ['ofac-sdn/sdn.csv', 'sanctions/ofac/sdn.csv', 'us-ofac-sdn-csv'],
    ['ofac-cons/cons_prim.csv', 'sanctions/ofac/cons_prim.csv', 'us-ofac-cons-csv'],
    ['ofac-sdn/add.csv', 'sanctions/ofac/add.csv', 'us-ofac-add-csv'],
    ['ofac-cons/cons_add.csv', 'sanctions/ofac/cons_add.csv', 'us-ofac-add-csv'],
    ['ofac-sdn/alt.csv', 'sanctions/ofac/alt.csv', 'us-ofac-alt-csv'],
    ['ofac-cons/cons_alt.csv', 'sanctions/ofac/cons_alt.csv', 'us-ofac-alt-csv'],
    ['ofac-sdn/sdn_comments.csv', 'sanctions/ofac/sdn_comments.csv', 'us-ofac-comments-csv'],
    ['ofac-cons/cons_comments.csv', 'sanctions/ofac/cons_comments.csv', 'us-ofac-comments-csv'],
    ['ofac-xml/consolidated.xml', 'sanctions/ofac/consolidated.xml', 'us-ofac-xml'],
    ['un-sc/consolidated.xml', 'sanctions/un/consolidated.xml', 'un-sc-xml'],
    ['ofac-enhanced/SDN_ENHANCED-schema-sample.xml', 'sanctions/ofac/SDN_ENHANCED.XML', 'us-ofac-enhanced-xml'],
    ['ofac-enhanced/CONS_ENHANCED-cut.xml', 'sanctions/upload.xml', 'us-ofac-enhanced-xml'],
    ['ofac-enhanced/sdn_advanced-head-sample.xml', 'sanctions/ofac/sdn.xml', 'us-ofac-advanced-xml'],
    ['uk-sl/UK_Sanctions_List-schema-sample.xml', 'sanctions/upload.xml', 'uk-fcdo-xml'],
  ])('%s → %s', (rel, key, id) => {
    // Prepare
    const hint = { key, head: headOf(rel) };
    // Act
    const format = detectListFormat(hint);
    // Assess
    expect(format?.id).toBe(id);
  });

  it('decides by content, not by a misleading key', () => {
    // Prepare: the address file uploaded under an alias-file name, UN XML under an OFAC-like name.
    const hints = [
      { key: 'sanctions/alt.csv', head: headOf('ofac-sdn/add.csv') },
      { key: 'sanctions/sdn.xml', head: headOf('un-sc/consolidated.xml') },
      { key: 'sanctions/upload.bin', head: headOf('ofac-xml/consolidated.xml') },
    ];
    // Act
    const ids = hints.map((h) => detectListFormat(h)?.id);
    // Assess
    expect(ids).toEqual(['us-ofac-add-csv', 'un-sc-xml', 'us-ofac-xml']);
  });

  it('uses the key only to tell sdn.csv from cons_prim.csv (same shape)', () => {
    // Prepare
    const head = headOf('ofac-sdn/sdn.csv');
    // Act
    const asSdn = detectListFormat({ key: 'x/sdn.csv', head });
    const asCons = detectListFormat({ key: 'x/cons_prim.csv', head });
    // Assess
    expect(asSdn?.id).toBe('us-ofac-sdn-csv');
    expect(asCons?.id).toBe('us-ofac-cons-csv');
  });

  it.each([
    ['empty', ''],
    ['prose', 'Treasury sanctions three Russian banks.\nThe move follows...'],
    ['another XML', '<?xml version="1.0"?><rss><channel><title>news</title></channel></rss>'],
    ['a JSON object', '{"foo": 1}'],
    ['a headed CSV nobody reads', 'id,name,city\n1,"Acme",Paris\n'],
    ['12 columns without a number first', 'a,b,c,d,e,f,g,h,i,j,k,l\n'],
  ])('returns undefined for %s', (_label, head) => {
    // Prepare
    const hint = { key: 'sanctions/sdn.csv', head };
    // Act
    const format = detectListFormat(hint);
    // Assess
    expect(format).toBeUndefined();
  });

  it('returns undefined on a tie rather than guessing', () => {
    // Prepare
    const twins = [
      { ...LIST_FORMATS[0]!, sniff: () => 0.9 },
      { ...LIST_FORMATS[1]!, sniff: () => 0.9 },
    ];
    // Act
    const format = detectListFormat({ key: 'k', head: 'h' }, twins);
    // Assess
    expect(format).toBeUndefined();
  });
});

describe('LIST_FORMATS and describeExpectedFormats', () => {
  it('registers each format once, and the report names every one with its telltale', () => {
    // Prepare
    const ids = LIST_FORMATS.map((f) => f.id);
    // Act
    const text = describeExpectedFormats();
    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      'us-ofac-sdn-csv',
      'us-ofac-cons-csv',
      'us-ofac-add-csv',
      'us-ofac-alt-csv',
      'us-ofac-comments-csv',
      'us-ofac-xml',
      'un-sc-xml',
    ]) {
      expect(ids).toContain(id);
    }
    for (const f of LIST_FORMATS) expect(text).toContain(`- ${f.id} (`);
    expect(text).toMatch(/<sdnList>/);
    expect(text).toMatch(/<CONSOLIDATED_LIST>/);
  });
});

describe('current formats first, legacy after, refused ones named in their own report', () => {
  it('lists every current format before the first legacy one, and offers no refused format', () => {
    // Prepare
    const text = describeExpectedFormats();
    const at = (id: string) => text.indexOf(`- ${id} (`);
    const current = LIST_FORMATS.filter((f) => f.status === 'current');
    const legacy = LIST_FORMATS.filter((f) => f.status === 'legacy');
    // Act
    const lastCurrent = Math.max(...current.map((f) => at(f.id)));
    const firstLegacy = Math.min(...legacy.map((f) => at(f.id)));
    // Assess
    expect(current.map((f) => f.id)).toEqual(
      expect.arrayContaining(['us-ofac-enhanced-xml', 'uk-fcdo-xml', 'uk-fcdo-csv', 'un-sc-xml', 'eu-fsf-xml']),
    );
    expect(legacy.map((f) => f.id)).toEqual(
      expect.arrayContaining(['us-ofac-sdn-csv', 'us-ofac-xml', 'uk-ofsi-conlist-csv']),
    );
    expect(lastCurrent).toBeLessThan(firstLegacy);
    expect(text.indexOf('legacy')).toBeGreaterThan(lastCurrent);
    expect(LIST_FORMATS.some((f) => f.status === 'refused')).toBe(false);
    expect(REFUSED_FORMATS.map((f) => f.id)).toEqual(['us-ofac-advanced-xml', 'us-ofac-delta-xml']);
    expect(text).not.toContain('- us-ofac-advanced-xml (');
    expect(text).not.toContain('- us-ofac-delta-xml (');
  });

  it('refuses the OFAC advanced XML with a report that names it and points to the enhanced XML and the formats we read', async () => {
    // Prepare
    const head = headOf('ofac-enhanced/sdn_advanced-head-sample.xml');
    const format = detectListFormat({ key: 'sanctions/ofac/SDN_ADVANCED.XML', head });
    async function* text() {
      yield head;
    }
    // Act
    const run = async () => {
      for await (const _ of must(format).parse(text(), { key: 'k', head }, {})) {
        /* nothing is yielded */
      }
    };
    // Assess
    await expect(run()).rejects.toBeInstanceOf(InvalidInputError);
    await expect(run()).rejects.toThrow(
      /OFAC "advanced" XML .*is not read: upload the enhanced XML.*SDN_ENHANCED\.XML/s,
    );
    await expect(run()).rejects.toThrow(/- us-ofac-enhanced-xml \(/);
  });

  it('recognises the OFAC delta XML (same root name as the enhanced file) and refuses it', async () => {
    // Prepare
    const head =
      '<?xml version="1.0" encoding="utf-8"?>\n<sanctionsData xmlns="https://www.treasury.gov/ofac/DeltaFile/1.0"><publicationInfo><datePublished>2026-03-02T00:00:00-05:00</datePublished></publicationInfo><entities><entity id="1" action="add"></entity></entities></sanctionsData>';
    // Act
    const format = detectListFormat({ key: 'sanctions/ofac/delta.xml', head });
    const bare = detectListFormat({
      key: 'sanctions/ofac/changes.xml',
      head: '<sanctionsData><entities><entity id="1" action="add"><generalInfo/></entity></entities></sanctionsData>',
    });
    // Assess: with its namespace, or without one but with the `action` of its entities.
    expect(format?.id).toBe('us-ofac-delta-xml');
    expect(bare?.id).toBe('us-ofac-delta-xml');
    async function* text() {
      yield head;
    }
    await expect(
      (async () => {
        for await (const _ of must(format).parse(text(), { key: 'k', head }, {})) {
          /* nothing */
        }
      })(),
    ).rejects.toThrow(/delta XML .*is not read: upload the whole list/s);
  });
});
