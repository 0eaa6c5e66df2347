/**
 * How an S3 key becomes a file path under the S3 server's folder, and back. S3 takes any UTF-8 key up to 1,024 bytes:
 * segments of any length, empty segments (`a//b`), `.` and `..`. s3rver joins the key's segments into a path as they
 * are, so a 241-byte segment fails with ENAMETOOLONG, `articles/../sanctions/x.csv` is stored as `sanctions/x.csv` and
 * `a//b` as `a/b`. This mapping is reversible and keeps every path segment a safe file name:
 *
 * - `~` starts an escape: `~XX` is the byte 0xXX (a real `~`, control characters, and on Windows `<>:"\|?*`);
 * - a `.` that starts a path segment is escaped (`~2e`), so no segment is `.` or `..`, and none is hidden;
 * - an empty segment before the last is `~` (the last one stays empty: `a/` is s3rver's own "folder" object);
 * - a segment longer than SEGMENT_BYTES is cut into chunks at character boundaries, each but the last ending in `~`.
 *
 * The encoding of a prefix is a prefix of the encoding of every key that starts with it (the cuts and escapes of a
 * character depend only on what comes before it), which s3rver's listing relies on to skip folders outside a prefix.
 */

/** Room for s3rver's `._S3rver_metadata.json` suffix and the `~` mark within a 255-byte file name. */
export const SEGMENT_BYTES = 200;

const WINDOWS_RESERVED = /[<>:"\\|?*]/;

function escapeChar(ch: string): string {
  return [...Buffer.from(ch, 'utf8')].map((b) => `~${b.toString(16).padStart(2, '0')}`).join('');
}

function mustEscape(ch: string, windows: boolean): boolean {
  const c = ch.codePointAt(0)!;
  return ch === '~' || c < 0x20 || c === 0x7f || (windows && WINDOWS_RESERVED.test(ch));
}

function encodeSegment(seg: string, last: boolean, windows: boolean): string {
  if (seg === '') return last ? '' : '~';
  const chunks: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of seg) {
    let token = mustEscape(ch, windows) ? escapeChar(ch) : ch;
    let size = Buffer.byteLength(token);
    // +1: the continuation mark this chunk may still need.
    if (chunk !== '' && bytes + size + 1 > SEGMENT_BYTES) {
      chunks.push(`${chunk}~`);
      chunk = '';
      bytes = 0;
    }
    if (chunk === '' && token === '.') {
      token = '~2e';
      size = 3;
    }
    chunk += token;
    bytes += size;
  }
  chunks.push(chunk);
  return chunks.join('/');
}

export function encodeKeyPath(key: string, windows = process.platform === 'win32'): string {
  const segs = key.split('/');
  return segs.map((s, i) => encodeSegment(s, i === segs.length - 1, windows)).join('/');
}

/** Decodes one path segment; `more` when it ends in the continuation mark. */
function decodePart(part: string): { text: string; more: boolean } {
  const bytes: number[] = [];
  let more = false;
  for (let i = 0; i < part.length; ) {
    if (part[i] === '~') {
      const hex = part.slice(i + 1, i + 3);
      if (/^[0-9a-f]{2}$/i.test(hex)) {
        bytes.push(Number.parseInt(hex, 16));
        i += 3;
        continue;
      }
      if (i === part.length - 1) {
        more = true;
        i++;
        continue;
      }
    }
    const cp = part.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    bytes.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  return { text: Buffer.from(bytes).toString('utf8'), more };
}

export function decodeKeyPath(path: string): string {
  const segs: string[] = [];
  let pending = '';
  for (const part of path.split('/')) {
    if (part === '~') {
      segs.push(pending);
      pending = '';
      continue;
    }
    const { text, more } = decodePart(part);
    pending += text;
    if (!more) {
      segs.push(pending);
      pending = '';
    }
  }
  if (pending) segs.push(pending);
  return segs.join('/');
}
