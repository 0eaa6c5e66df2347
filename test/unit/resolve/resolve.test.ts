import { describe, expect, it } from 'vitest';
import type { ListedEntity } from '../../../shared/domain/model.ts';
import {
  birthDatesAgree,
  canonicalIdOf,
  clusterMerges,
  decideMerge,
  mergesOf,
  organizationNameForm,
  personNameForm,
  profileOf,
  resolveProfiles,
  strongIdOf,
} from '../../../shared/domain/resolve.ts';

/** A small hand-written listed entity (invented names and numbers). */
const e = (list: string, sourceId: string, over: Partial<ListedEntity> = {}): ListedEntity => ({
  list,
  sourceId,
  type: 'organization',
  name: 'Placeholder',
  aliases: [],
  weakAliases: [],
  countries: [],
  programs: [],
  identifiers: [],
  ...over,
});
const nat = (code: string) => ({ code, roles: ['nationality' as const] });
const born = (value: string) => ({ type: 'birth-date', value });

describe('name forms', () => {
  it('a person is a sorted token set without titles; one word or particles only is no name', () => {
    // Prepare / Act / Assess
    expect(personNameForm('ZORIN, Dr. Ivan Petrovich')).toBe('ivan petrovich zorin');
    expect(personNameForm('IVAN PETROVICH ZORIN')).toBe('ivan petrovich zorin');
    expect(personNameForm('Zorin')).toBeUndefined();
    expect(personNameForm('Abu Zorin')).toBeUndefined();
  });

  it('an organisation keeps its order without legal forms and needs two distinctive tokens', () => {
    // Prepare / Act / Assess
    expect(organizationNameForm('Blue Heron Shipping Co., Ltd.')).toBe('blue heron shipping');
    expect(organizationNameForm('The Blue Heron Foundation')).toBe('blue heron foundation');
    expect(organizationNameForm('International Trading Company')).toBeUndefined();
    expect(organizationNameForm('Heronbank LLC')).toBeUndefined();
  });
});

describe('strong identifiers', () => {
  it('folds types across lists and refuses values too short to identify anything', () => {
    // Prepare / Act / Assess
    expect(strongIdOf('un-reference', 'KPe. 099')).toBe('un:KPE.099');
    expect(strongIdOf('IMO 9999991', 'Vessel Registration Identification')).toBe('imo:9999991');
    expect(strongIdOf('num-ro-de-passeport', 'ab-12345')).toBe('passport:AB12345');
    expect(strongIdOf('NIT #', '900111222-3')).toBe('tax:9001112223');
    expect(strongIdOf('passport', '12')).toBeUndefined();
    expect(strongIdOf('call-sign', 'ABCD123')).toBeUndefined();
  });

  it('folds the other identifier kinds, and refuses what is no identifier', () => {
    // Prepare / Act / Assess
    expect(strongIdOf('national-id', 'AB 123 456')).toBe('national-id:AB123456');
    expect(strongIdOf('Registration ID', '1234567890123')).toBe('registration:1234567890123');
    expect(strongIdOf('SWIFT/BIC', 'HERNXX22XXX')).toBe('bic:HERNXX22');
    expect(strongIdOf('swift-bic', 'not a bic')).toBeUndefined();
    expect(strongIdOf('referent', 'NK-abc')).toBe('os:NKABC');
    expect(strongIdOf('un-reference', 'none')).toBeUndefined();
    expect(strongIdOf('imo', 'unknown')).toBeUndefined();
  });

  it('ids shared by construction: BIS DPL names in the CSL, OpenSanctions ids across datasets', () => {
    // Prepare
    const dpl = profileOf(e('us-bis-dpl', 'HERON WORKS'));
    const csl = profileOf(e('us-csl', 'DPL:HERON WORKS'));
    const osA = profileOf(e('opensanctions:eu_fsf', 'NK-heron'));
    const osB = profileOf(e('opensanctions:gb_hmt_sanctions', 'NK-heron'));
    // Act / Assess
    expect(decideMerge(dpl, csl)).toEqual({ rule: 'identifier', type: 'dpl', value: 'HERONWORKS' });
    expect(decideMerge(osA, osB)).toEqual({ rule: 'identifier', type: 'os', value: 'NKHERON' });
    expect(profileOf(e('us-csl', 'ISN:HERON WORKS')).ids).toEqual([]);
    expect(profileOf(e('us-ofac-sdn', 'not-a-number')).ids).toEqual([]);
  });

  it('keeps OFAC entity numbers carried by the CSL as one identifier', () => {
    // Prepare / Act
    const csl = profileOf(e('us-csl', 'SDN:99001'));
    const sdn = profileOf(e('us-ofac-sdn', '99001'));
    // Assess
    expect(decideMerge(csl, sdn)).toEqual({ rule: 'identifier', type: 'ofac', value: '99001' });
  });
});

describe('decideMerge', () => {
  it('merges on a shared UN reference whatever the spelling of the name', () => {
    // Prepare
    const un = profileOf(
      e('un-sc', '1', { name: 'Heron Works', identifiers: [{ type: 'un-reference', value: 'KPe.099' }] }),
    );
    const uk = profileOf(
      e('uk-hmt', '2', { name: 'Heron Werke', identifiers: [{ type: 'un-reference', value: 'KPe.099' }] }),
    );
    // Act / Assess
    expect(decideMerge(un, uk)).toEqual({ rule: 'identifier', type: 'un', value: 'KPE.099' });
  });

  it('never merges two different UN references or IMO numbers, even with one name', () => {
    // Prepare
    const a = profileOf(
      e('un-sc', '1', { name: 'Heron Star', type: 'vessel', identifiers: [{ type: 'imo', value: '9999991' }] }),
    );
    const b = profileOf(
      e('uk-hmt', '2', { name: 'Heron Star', type: 'vessel', identifiers: [{ type: 'imo', value: '9999992' }] }),
    );
    // Act / Assess
    expect(decideMerge(a, b)).toBeUndefined();
  });

  it('a passport number merges persons only when they share a country', () => {
    // Prepare
    const pass = [{ type: 'passport', value: 'X1234567' }];
    const a = profileOf(
      e('un-sc', '1', { type: 'person', name: 'Ivan Zorin', identifiers: pass, countries: [nat('AA')] }),
    );
    const b = profileOf(
      e('us-ofac-sdn', '2', { type: 'person', name: 'Olga Marsh', identifiers: pass, countries: [nat('AA')] }),
    );
    const c = profileOf(
      e('us-ofac-sdn', '3', { type: 'person', name: 'Olga Marsh', identifiers: pass, countries: [nat('BB')] }),
    );
    // Act / Assess
    expect(decideMerge(a, b)).toEqual({ rule: 'identifier', type: 'passport', value: 'X1234567' });
    expect(decideMerge(a, c)).toBeUndefined();
  });

  it('two persons of one name merge on an agreeing birth date, never on conflicting ones', () => {
    // Prepare
    const a = profileOf(
      e('un-sc', '1', { type: 'person', name: 'IVAN PETROV ZORIN', identifiers: [born('1961-04-02')] }),
    );
    const b = profileOf(
      e('us-ofac-sdn', '2', { type: 'person', name: 'ZORIN, Ivan Petrov', identifiers: [born('1961')] }),
    );
    const c = profileOf(
      e('us-ofac-sdn', '3', {
        type: 'person',
        name: 'ZORIN, Ivan Petrov',
        identifiers: [born('1975-01-01')],
        countries: [nat('AA')],
      }),
    );
    const d = profileOf(
      e('un-sc', '4', {
        type: 'person',
        name: 'IVAN PETROV ZORIN',
        identifiers: [born('1961')],
        countries: [nat('AA')],
      }),
    );
    // Act / Assess
    expect(decideMerge(a, b)).toEqual({ rule: 'name+birth-date', name: 'ivan petrov zorin', birthDate: '1961-04-02' });
    expect(decideMerge(c, d)).toBeUndefined(); // same nationality, but born 14 years apart: namesakes
  });

  it('a person with no birth date on one side merges on a shared nationality, not on the name alone', () => {
    // Prepare
    const a = profileOf(e('un-sc', '1', { type: 'person', name: 'Ivan Zorin', countries: [nat('AA')] }));
    const b = profileOf(e('us-ofac-sdn', '2', { type: 'person', name: 'ZORIN, Ivan', countries: [nat('AA')] }));
    const c = profileOf(e('us-ofac-sdn', '3', { type: 'person', name: 'ZORIN, Ivan' }));
    // Act / Assess
    expect(decideMerge(a, b)).toEqual({ rule: 'name+nationality', name: 'ivan zorin', country: 'AA' });
    expect(decideMerge(a, c)).toBeUndefined();
  });

  it('organisations merge on an exact distinctive name unless type or countries conflict; a generic name never', () => {
    // Prepare
    const at = (list: string, id: string, name: string, over: Partial<ListedEntity> = {}) =>
      profileOf(e(list, id, { name, countries: [{ code: 'AA', roles: ['address'] }], ...over }));
    const a = at('un-sc', '1', 'Blue Heron Shipping Co., Ltd.');
    // Act / Assess
    expect(decideMerge(a, at('us-ofac-sdn', '2', 'BLUE HERON SHIPPING LIMITED'))).toEqual({
      rule: 'name',
      name: 'blue heron shipping',
    });
    expect(
      decideMerge(
        a,
        at('us-ofac-sdn', '3', 'Blue Heron Shipping', { countries: [{ code: 'BB', roles: ['address'] }] }),
      ),
    ).toBeUndefined();
    expect(decideMerge(a, at('us-ofac-sdn', '4', 'Blue Heron Shipping', { type: 'person' }))).toBeUndefined();
    expect(
      decideMerge(at('un-sc', '5', 'General Trading Company'), at('us-ofac-sdn', '6', 'General Trading Co')),
    ).toBeUndefined();
  });

  it('an entity of type other may be an organisation or a vessel, never a person', () => {
    // Prepare
    const org = profileOf(e('un-sc', '1', { name: 'Blue Heron Shipping' }));
    const other = profileOf(e('us-ofac-sdn', '2', { name: 'Blue Heron Shipping', type: 'other' }));
    const person = profileOf(e('us-ofac-sdn', '3', { name: 'Blue Heron Shipping', type: 'person' }));
    // Act / Assess
    expect(decideMerge(org, other)?.rule).toBe('name');
    expect(decideMerge(other, org)?.rule).toBe('name');
    expect(decideMerge(other, person)).toBeUndefined();
  });

  it('a shared company number does not merge entities of conflicting countries', () => {
    // Prepare
    const reg = [{ type: 'registration', value: '1234567890' }];
    const a = profileOf(
      e('un-sc', '1', { name: 'Heron One', identifiers: reg, countries: [{ code: 'AA', roles: ['address'] }] }),
    );
    const b = profileOf(
      e('uk-hmt', '2', { name: 'Gull Two', identifiers: reg, countries: [{ code: 'BB', roles: ['address'] }] }),
    );
    const c = profileOf(e('uk-hmt', '3', { name: 'Gull Two', identifiers: reg }));
    // Act / Assess
    expect(decideMerge(a, b)).toBeUndefined();
    expect(decideMerge(a, c)).toEqual({ rule: 'identifier', type: 'registration', value: '1234567890' });
  });

  it('birth dates agree when one refines the other or their years meet', () => {
    // Prepare / Act / Assess
    expect(birthDatesAgree('1961', '1961-04-02')).toBe(true);
    expect(birthDatesAgree('1961-04-02', '1961-04-03')).toBe(false);
    expect(birthDatesAgree('circa 1961', '1961-04-02')).toBe(true);
    expect(birthDatesAgree('01 Jan 1960 to 31 Dec 1962', '1961')).toBe(true);
    expect(birthDatesAgree('1958', '1961')).toBe(false);
  });
});

describe('clustering', () => {
  it('a name shared with two entries of another list is ambiguous: no name merge into that list', () => {
    // Prepare
    const uk = profileOf(e('uk-hmt', '1', { name: 'Heron Front', aliases: ['Heron Sun Front'] }));
    const o1 = profileOf(e('us-ofac-sdn', '2', { name: 'Heron Front of the North', aliases: ['Heron Front'] }));
    const o2 = profileOf(e('us-ofac-sdn', '3', { name: 'Heron Front of the South', aliases: ['Heron Front'] }));
    // Act / Assess
    expect(mergesOf(uk, [o1, o2])).toEqual([]);
    expect(new Set(resolveProfiles([uk, o1, o2]).canonicalOf.values()).size).toBe(3);
  });

  it('never puts two entries of one list in one cluster, and says how each member joined', () => {
    // Prepare: the UK entry with the UN reference is the UN entry's; the UK namesake may not join them too.
    const ref = [{ type: 'un-reference', value: 'KPe.099' }];
    const un = profileOf(e('un-sc', '1', { name: 'Blue Heron Shipping', identifiers: ref }));
    const uk = profileOf(e('uk-hmt', '2', { name: 'Heron Blue Shipping', identifiers: ref }));
    const uk2 = profileOf(e('uk-hmt', '4', { name: 'Blue Heron Shipping' }));
    // Act
    const r = resolveProfiles([un, uk, uk2]);
    // Assess
    expect(r.canonicalOf.get(un.id)).toBe(r.canonicalOf.get(uk.id));
    expect(r.canonicalOf.get(uk2.id)).not.toBe(r.canonicalOf.get(un.id));
    expect(r.joinedBy.get(un.id)?.reason).toEqual({ rule: 'identifier', type: 'un', value: 'KPE.099' });
    expect(r.joinedBy.has(uk.id)).toBe(false); // the smallest member: the cluster grew from it
  });

  it('the canonical id names the member of the most preferred list, then the smallest: the same for any order', () => {
    // Prepare
    const ps = [
      profileOf(e('un-sc', '1', { name: 'Blue Heron Shipping' })),
      profileOf(e('us-ofac-sdn', '9', { name: 'Blue Heron Shipping' })),
    ];
    // Act
    const forward = resolveProfiles(ps).canonicalOf;
    const backward = clusterMerges([...ps].reverse(), resolveProfiles(ps).merges).canonicalOf;
    // Assess
    expect(forward.get('l:un-sc:1')).toBe(canonicalIdOf(['l:us-ofac-sdn:9', 'l:un-sc:1']));
    expect([...backward]).toEqual(expect.arrayContaining([...forward]));
    expect(canonicalIdOf(['l:us-ofac-sdn:9', 'l:un-sc:1'])).toBe('c:un-sc:1');
    // By list before id: a list that comes later (OFAC's consolidated list) leaves an SDN entry's cluster its id.
    expect(canonicalIdOf(['l:us-ofac-sdn:9', 'l:us-ofac-cons:1'])).toBe('c:us-ofac-sdn:9');
    expect(canonicalIdOf(['l:us-csl:1', 'l:us-bis-dpl:7', 'l:uk-hmt:8'])).toBe('c:uk-hmt:8');
    expect(canonicalIdOf(['l:us-csl:1', 'l:us-bis-dpl:7'])).toBe('c:us-bis-dpl:7');
    expect(() => canonicalIdOf([])).toThrow();
  });
});
