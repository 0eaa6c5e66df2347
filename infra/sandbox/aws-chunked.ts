import { Transform, type TransformCallback } from 'node:stream';

/**
 * Decodes an `aws-chunked` request body (`<hex-size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n[trailers]\r\n`).
 * SDK v3 and botocore send uploads this way (signed chunks, or unsigned with a checksum trailer); s3rver 3.7.1 would
 * store the framing as data, so the edge unwraps it first.
 */
export class AwsChunkedDecoder extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private remaining = 0; // bytes of data left in the current chunk
  private state: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    try {
      this.drain();
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.state === 'data' || (this.state === 'size' && this.buf.length > 0))
      cb(new Error('aws-chunked body ended inside a chunk'));
    else cb();
  }

  private drain(): void {
    for (;;) {
      if (this.state === 'size') {
        const nl = this.buf.indexOf('\r\n');
        if (nl < 0) {
          if (this.buf.length > 4096) throw new Error('aws-chunked size line too long');
          return;
        }
        const line = this.buf.subarray(0, nl).toString('latin1');
        this.buf = this.buf.subarray(nl + 2);
        const size = parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad aws-chunked size line: ${line.slice(0, 80)}`);
        if (size === 0) {
          this.state = 'trailer';
          continue;
        }
        this.remaining = size;
        this.state = 'data';
      } else if (this.state === 'data') {
        if (this.buf.length === 0) return;
        const take = Math.min(this.remaining, this.buf.length);
        this.push(this.buf.subarray(0, take));
        this.buf = this.buf.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'crlf';
        else return;
      } else if (this.state === 'crlf') {
        if (this.buf.length < 2) return;
        this.buf = this.buf.subarray(2);
        this.state = 'size';
      } else if (this.state === 'trailer') {
        // Trailer headers (x-amz-checksum-crc32:…) end with an empty line; we drop them.
        const nl = this.buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = this.buf.subarray(0, nl);
        this.buf = this.buf.subarray(nl + 2);
        if (line.length === 0) this.state = 'done';
      } else {
        this.buf = Buffer.alloc(0);
        return;
      }
    }
  }
}

/** True when the request body is aws-chunked framed. */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const enc = String(headers['content-encoding'] ?? '');
  const sha = String(headers['x-amz-content-sha256'] ?? '');
  return enc.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}
