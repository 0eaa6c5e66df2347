import iconv from 'iconv-lite';
import { InvalidInputError } from '../errors.ts';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * Detects the encoding from the first bytes of a file: a BOM wins; NUL bytes in alternate positions mean UTF-16 without
 * BOM; otherwise UTF-8 if the head is valid UTF-8 (a multi-byte sequence cut at the end of the head is allowed), else
 * Windows-1252 (old OFAC and OFSI files, 0x92 apostrophes).
 */
export function detectEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 512);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i++) if (head[i] === 0) i % 2 === 0 ? evenNul++ : oddNul++;
  if (n >= 4 && oddNul > n / 4 && evenNul === 0) return 'utf-16le';
  if (n >= 4 && evenNul > n / 4 && oddNul === 0) return 'utf-16be';
  return isUtf8(trimPartialSequence(head)) ? 'utf-8' : 'windows-1252';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Drops a UTF-8 sequence that the head cut short, so a valid file is not misread as Windows-1252. */
function trimPartialSequence(b: Uint8Array): Uint8Array {
  for (let back = 1; back <= 3 && back <= b.length; back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    if (byte >= 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return need > back ? b.subarray(0, b.length - back) : b;
    }
    return b;
  }
  return b;
}

const HEAD_BYTES = 64 * 1024;

/**
 * Decodes a byte stream to text chunks, detecting the encoding from its head. The BOM is dropped.
 * Memory stays bounded: only the head is buffered.
 */
export async function* decodeStream(
  source: AsyncIterable<Uint8Array>,
  onEncoding?: (e: TextEncoding) => void,
): AsyncGenerator<string> {
  const it = source[Symbol.asyncIterator]();
  try {
    yield* decodeFrom(it, onEncoding);
  } finally {
    // A consumer that stops early (format detection reads only the head) releases the source (an HTTP body).
    await it.return?.();
  }
}

async function* decodeFrom(
  it: AsyncIterator<Uint8Array>,
  onEncoding?: (e: TextEncoding) => void,
): AsyncGenerator<string> {
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < HEAD_BYTES) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    size += r.value.length;
  }
  const headBytes = Buffer.concat(head);
  const encoding = detectEncoding(headBytes);
  onEncoding?.(encoding);
  const decoder = iconv.getDecoder(encoding === 'utf-8-bom' ? 'utf-8' : encoding, { stripBOM: true });
  const first = decoder.write(headBytes);
  if (first) yield first;
  while (!done) {
    const r = await it.next();
    if (r.done) break;
    const s = decoder.write(Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength));
    if (s) yield s;
  }
  const last = decoder.end();
  if (last) yield last;
}

/** Decodes a whole (size-limited) buffer. */
export function decodeBytes(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  const encoding = detectEncoding(bytes.subarray(0, HEAD_BYTES));
  const text = iconv.decode(Buffer.from(bytes), encoding === 'utf-8-bom' ? 'utf-8' : encoding, { stripBOM: true });
  return { text, encoding };
}

/** Splits decoded text chunks into lines (LF or CRLF), without holding more than one line. */
export async function* linesOf(chunks: AsyncIterable<string>, maxLineChars = 1_000_000): AsyncGenerator<string> {
  let carry = '';
  let line = 0;
  for await (const chunk of chunks) {
    carry += chunk;
    let nl: number;
    while ((nl = carry.indexOf('\n')) >= 0) {
      const text = carry.slice(0, nl);
      carry = carry.slice(nl + 1);
      line++;
      yield text.endsWith('\r') ? text.slice(0, -1) : text;
    }
    if (carry.length > maxLineChars)
      throw new InvalidInputError(`a line longer than ${maxLineChars} characters`, { where: `line ${line + 1}` });
  }
  if (carry) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

/**
 * Where a decoded text stops looking like text: a NUL, or more than 5 % control characters in its first 64 KiB (tab,
 * line feed, carriage return and form feed aside). Undefined for text. Binary uploads are refused, not parsed.
 */
export function binaryOffset(text: string): number | undefined {
  const n = Math.min(text.length, 65536);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return i;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) control++;
  }
  return n > 0 && control / n > 0.05 ? 0 : undefined;
}
