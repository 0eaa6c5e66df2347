import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../shared/query/cursor.ts';

describe('cursors', () => {
  it('round-trip for the same filters', () => {
    expect(decodeCursor(encodeCursor(50, { list: 'un-sc' }), { list: 'un-sc' })).toBe(50);
    expect(decodeCursor(undefined, {})).toBe(0);
  });

  it('refuse other filters, garbage and forged offsets', () => {
    const c = encodeCursor(50, { list: 'un-sc' });
    expect(() => decodeCursor(c, { list: 'us-ofac-sdn' })).toThrow(/other filters/);
    expect(() => decodeCursor('%%%', {})).toThrow(/not one this API issued/);
    const forged = Buffer.from(JSON.stringify({ o: -5, f: 'x' })).toString('base64url');
    expect(() => decodeCursor(forged, {})).toThrow(/not one this API issued/);
  });
});
