import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../shared/errors.ts';
import { bounded, chunk, mutate, timed } from './fuzz-helpers.ts';

// The fuzz properties are only as strong as these pieces: each must be able to fail.
describe('fuzz harness', () => {
  it('bounded: an InvalidInputError is an outcome, anything else and a hang are failures', async () => {
    // Act / Assess
    await expect(bounded('ok', async () => 1)).resolves.toEqual({ ok: true, value: 1 });
    const refused = await bounded('refused', async () => {
      throw new InvalidInputError('bad', { where: 'line 1' });
    });
    expect(refused.ok).toBe(false);
    await expect(bounded('typeerror', async () => (undefined as unknown as { x: number }).x)).rejects.toThrow(
      /TypeError.*escaped/,
    );
    await expect(bounded('range', async () => 'x'.repeat(-1))).rejects.toThrow(/RangeError.*escaped/);
    await expect(bounded('hang', () => new Promise(() => {}), 50)).rejects.toThrow(/no result after 50 ms/);
  });

  it('timed: a call past its bound fails', () => {
    // Act / Assess
    expect(timed('fast', () => 2, 1000)).toBe(2);
    expect(() =>
      timed(
        'slow',
        () => {
          const end = performance.now() + 30;
          while (performance.now() < end);
        },
        5,
      ),
    ).toThrow(/took \d+ ms \(bound 5 ms\)/);
  });

  it('chunk keeps every byte in order; mutate applies each edit', () => {
    // Prepare
    const b = Buffer.from('0123456789');
    // Act / Assess
    expect(Buffer.concat(chunk(b, [0.5, 0.1, 0.5, 1, 0])).toString()).toBe('0123456789');
    expect(chunk(b, [0.3]).map(String)).toEqual(['012', '3456789']);
    expect(mutate(b, [{ op: 'truncate', at: 4 }]).toString()).toBe('0123');
    expect(mutate(b, [{ op: 'insert', at: 2, text: '"' }]).toString()).toBe('01"23456789');
    expect(mutate(b, [{ op: 'delete', at: 2, length: 3 }]).toString()).toBe('0156789');
    expect(mutate(b, [{ op: 'duplicate', at: 8, length: 5 }]).toString()).toBe('012345678989');
    expect(mutate(b, [{ op: 'flip', at: 0, byte: 0x41 }]).toString()).toBe('A123456789');
  });
});
