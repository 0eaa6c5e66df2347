import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, isAwsChunked } from '../../../infra/sandbox/aws-chunked.ts';

async function decode(parts: Buffer[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(parts).pipe(new AwsChunkedDecoder())) out.push(c as Buffer);
  return Buffer.concat(out).toString('utf8');
}

describe('AwsChunkedDecoder', () => {
  it('unwraps signed chunks split at any byte', async () => {
    // Prepare
    const body = Buffer.from(
      '5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\n\r\n',
    );
    const parts = [...body].map((b) => Buffer.from([b]));
    // Act + Assess
    expect(await decode(parts)).toBe('hello world');
  });

  it('drops checksum trailers of unsigned streaming uploads', async () => {
    const body = Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n');
    expect(await decode([body])).toBe('abc');
  });

  it('fails on a body cut inside a chunk', async () => {
    await expect(decode([Buffer.from('a\r\nabc')])).rejects.toThrow(/inside a chunk/);
  });

  it('recognises aws-chunked requests', () => {
    expect(isAwsChunked({ 'content-encoding': 'aws-chunked' })).toBe(true);
    expect(isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' })).toBe(true);
    expect(isAwsChunked({ 'content-encoding': 'gzip' })).toBe(false);
  });
});
