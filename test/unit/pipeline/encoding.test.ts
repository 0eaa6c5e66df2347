import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { binaryOffset, decodeBytes, decodeStream, detectEncoding, linesOf } from '../../../shared/domain/encoding.ts';

async function* chunks(buf: Buffer, size: number) {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
const collect = async (it: AsyncIterable<string>) => {
  let s = '';
  for await (const c of it) s += c;
  return s;
};
const all = async <T>(it: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const TEXT = 'Müller’s “Кремль” report — 2 € — Ça va\nsecond line\r\nthird';

describe('encoding detection', () => {
  it('tells UTF-8, UTF-8 with BOM, UTF-16 LE/BE (with and without BOM) and Windows-1252 apart', () => {
    expect(detectEncoding(Buffer.from(TEXT, 'utf8'))).toBe('utf-8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]))).toBe('utf-8-bom');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]))).toBe('utf-16le');
    expect(detectEncoding(iconv.encode(TEXT, 'utf-16be', { addBOM: true }))).toBe('utf-16be');
    expect(detectEncoding(Buffer.from('plain ascii text, long enough', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(iconv.encode('O’Brien’s caf\u00e9', 'windows-1252'))).toBe('windows-1252');
  });

  it('does not mistake UTF-8 cut inside a character at the end of the head for Windows-1252', () => {
    const b = Buffer.from('abc€', 'utf8');
    expect(detectEncoding(b.subarray(0, b.length - 1))).toBe('utf-8');
  });
});

describe('decodeStream', () => {
  it.each([1, 2, 3, 7, 64])('decodes every encoding across %i-byte chunk boundaries', async (size) => {
    const inputs = [
      Buffer.from(TEXT, 'utf8'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]),
      iconv.encode(TEXT, 'utf-16be', { addBOM: true }),
    ];
    for (const b of inputs) expect(await collect(decodeStream(chunks(b, size)))).toBe(TEXT);
    const cp1252 = 'O’Brien’s café – €5';
    expect(await collect(decodeStream(chunks(iconv.encode(cp1252, 'windows-1252'), size)))).toBe(cp1252);
  });

  it('reports the encoding it chose', async () => {
    let seen = '';
    await collect(decodeStream(chunks(Buffer.from(TEXT, 'utf16le'), 5), (e) => (seen = e)));
    expect(seen).toBe('utf-16le');
  });

  it('releases the source when the consumer stops early', async () => {
    let closed = false;
    async function* src() {
      try {
        for (;;) yield Buffer.alloc(70_000, 97);
      } finally {
        closed = true;
      }
    }
    for await (const _ of decodeStream(src())) break;
    expect(closed).toBe(true);
  });
});

describe('linesOf and decodeBytes', () => {
  it('splits LF and CRLF lines without holding more than one', async () => {
    const it = linesOf(
      (async function* () {
        yield 'a\r\nb';
        yield 'c\nd';
      })(),
    );
    expect(await all(it)).toEqual(['a', 'bc', 'd']);
  });

  it('refuses a line longer than the limit', async () => {
    await expect(
      all(
        linesOf(
          (async function* () {
            yield 'x'.repeat(50);
          })(),
          10,
        ),
      ),
    ).rejects.toThrow(/longer than 10/);
  });

  it('decodes a whole buffer and drops the BOM', () => {
    expect(decodeBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('hi')]))).toEqual({
      text: 'hi',
      encoding: 'utf-8-bom',
    });
  });
});

describe('binaryOffset', () => {
  it('finds binary content and passes text', () => {
    expect(binaryOffset('plain text\twith tabs\r\n')).toBeUndefined();
    expect(binaryOffset('abc\u0000def')).toBe(3);
    expect(binaryOffset('\u0001\u0002\u0003\u0004 mostly control')).toBe(0);
  });
});
