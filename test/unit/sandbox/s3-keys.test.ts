import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEGMENT_BYTES, decodeKeyPath, encodeKeyPath } from '../../../infra/sandbox/s3-keys.ts';

/** What the file system needs of every path segment s3rver makes from a key (plus its `._S3rver_…` suffix). */
const safeSegments = (path: string) => {
  const parts = path.split('/');
  for (const [i, p] of parts.entries()) {
    expect(Buffer.byteLength(p), p).toBeLessThanOrEqual(SEGMENT_BYTES);
    expect(['.', '..']).not.toContain(p);
    if (i < parts.length - 1) expect(p, `empty folder segment in ${path}`).not.toBe('');
    expect(p).not.toMatch(/[\u0000-\u001f]/);
  }
};

const keyChars = fc.oneof(
  fc.constantFrom('/', '.', '~', 'a', 'é', '日', '😀', '%', ' ', '\u0001', '+'),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const keys = fc.array(keyChars, { maxLength: 400 }).map((parts) => {
  let k = parts.join('');
  while (Buffer.byteLength(k) > 1024) k = k.slice(0, -1);
  return k.replace(/[\uD800-\uDBFF]$/, '');
});

describe('S3 keys as safe file paths (s3-keys.ts)', () => {
  it('maps the keys s3rver mangled or died on to safe paths, and back to exactly the key', () => {
    for (const key of [
      `articles/${'k'.repeat(241)}`,
      `articles/${'é'.repeat(500)}`,
      'articles/../sanctions/x.csv',
      'articles/./dot.txt',
      'articles//double.txt',
      'articles/',
      '..',
      'a/~/~2e/~',
      `${'x'.repeat(1024)}`,
    ]) {
      // Act
      const path = encodeKeyPath(key, true);
      // Assess
      safeSegments(path);
      expect(decodeKeyPath(path)).toBe(key);
    }
  });

  it('is reversible for any key, and a prefix encodes to a prefix (s3rver lists folders by it)', () => {
    fc.assert(
      fc.property(keys, fc.nat(), (key, cut) => {
        const path = encodeKeyPath(key, true);
        safeSegments(path);
        expect(decodeKeyPath(path)).toBe(key);
        const chars = [...key];
        const prefix = chars.slice(0, cut % (chars.length + 1)).join('');
        expect(path.startsWith(encodeKeyPath(prefix, true))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves ordinary keys as they are (data folders written before the mapping still read)', () => {
    expect(encodeKeyPath('articles/2025/a b+c.txt')).toBe('articles/2025/a b+c.txt');
  });
});
