import { describe, expect, it } from 'vitest';
import {
  addCountry,
  addName,
  cleanText,
  createDraft,
  finishDraft,
  isoDateOf,
  setPrimaryName,
} from '../../../shared/domain/sanctions/entity-draft.ts';

describe('entity drafts', () => {
  it('dedupes names, keeps weak names apart, and promotes a weak name only when there is no strong one', () => {
    // Prepare
    const d = createDraft('uk-hmt', ' 42 ');
    addName(d, 'Alias  One');
    addName(d, ' Alias One ');
    addName(d, 'Weak', 'weak');
    setPrimaryName(d, 'Main Name');
    const onlyWeak = createDraft('uk-hmt', '43');
    addName(onlyWeak, 'Nick', 'weak');

    // Act
    const r = finishDraft(d, 'group 42');
    const w = finishDraft(onlyWeak, 'group 43');

    // Assess
    expect(r).toEqual({
      kind: 'entity',
      entity: expect.objectContaining({
        sourceId: '42',
        name: 'Main Name',
        aliases: ['Alias One'],
        weakAliases: ['Weak'],
        type: 'other',
      }),
    });
    expect(w).toMatchObject({ kind: 'entity', entity: { name: 'Nick', weakAliases: [] } });
    expect(finishDraft(createDraft('uk-hmt', '44'), 'group 44')).toEqual({
      kind: 'reject',
      where: 'group 44',
      reason: 'no name',
    });
  });

  it('keeps ISO-2 codes only, with every role, and drops unknown markers', () => {
    // Prepare
    const d = createDraft('eu-fsf', '1');
    addName(d, 'X');
    for (const [c, role] of [
      ['ru', 'nationality'],
      ['RU', 'address'],
      ['00', 'address'],
      ['zz', 'other'],
      ['EU', 'other'],
      ['suhh', 'other'],
      ['XK', 'birth'],
      ['', 'other'],
    ] as const)
      addCountry(d, c, role);

    // Act
    const r = finishDraft(d, 'x');

    // Assess
    expect(r.kind === 'entity' && r.entity.countries).toEqual([
      { code: 'RU', roles: ['nationality', 'address'] },
      { code: 'XK', roles: ['birth'] },
    ]);
  });

  it('reads DD/MM/YYYY and MM/DD/YYYY dates and refuses partial ones', () => {
    // Prepare / Act / Assess
    expect(isoDateOf('09/05/2011', 'dmy')).toBe('2011-05-09');
    expect(isoDateOf('09/05/2011', 'mdy')).toBe('2011-09-05');
    expect(isoDateOf('00/00/1980', 'dmy')).toBeUndefined();
    expect(isoDateOf('13/13/2020', 'mdy')).toBeUndefined();
    expect(isoDateOf('2020-01-01', 'dmy')).toBeUndefined();
    expect(cleanText('  a \r\n  b\t')).toBe('a b');
  });
});
