import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { decodeEventKey, objectRefsFrom } from '../../../shared/adapters/s3-event.ts';
import { buildS3EventRecord, encodeEventKey, nextSequencer } from '../../../infra/sandbox/s3-events.ts';

const event = JSON.parse(
  readFileSync(new URL('../../fixtures/events/sqs-s3-put-encoded-key.json', import.meta.url), 'utf8'),
) as SQSEvent;

describe('objectRefsFrom', () => {
  it('decodes +-encoded keys with percent escapes and non-ASCII characters', () => {
    // Prepare
    const body = event.Records[0]!.body;
    // Act
    const refs = objectRefsFrom(body);
    // Assess
    expect(refs).toEqual([
      expect.objectContaining({
        bucket: 'radar-ingest',
        key: 'articles/München report + notes(1).txt',
        eventName: 'ObjectCreated:Put',
        eTag: 'd41d8cd98f00b204e9800998ecf8427e',
        size: 1024,
        sequencer: '0055AED6DCD90281E5',
      }),
    ]);
  });

  it('ignores s3:TestEvent', () => {
    expect(objectRefsFrom(event.Records[1]!.body)).toEqual([]);
  });

  it('reads delete events, which carry no size or eTag', () => {
    const [ref] = objectRefsFrom(event.Records[2]!.body);
    expect(ref).toMatchObject({ key: 'articles/a b+c.txt', eventName: 'ObjectRemoved:Delete' });
    expect(ref).not.toHaveProperty('eTag');
  });

  it('throws on a body that is not an S3 notification', () => {
    expect(() => objectRefsFrom('{"hello":"world"}')).toThrow();
    expect(() => objectRefsFrom('not json')).toThrow();
  });
});

describe('sandbox S3 event records', () => {
  it('encode keys as S3 does, and decode back', () => {
    // Prepare
    const keys = [
      'articles/a b+c.txt',
      'articles/München/Ä ö ü (2).html',
      'sanctions/100%.csv',
      'articles/x?y=z&w#h.json',
    ];
    for (const key of keys) {
      // Act
      const encoded = encodeEventKey(key);
      // Assess
      expect(encoded).not.toMatch(/ /);
      expect(decodeEventKey(encoded)).toBe(key);
    }
    expect(encodeEventKey('articles/a b+c.txt')).toBe('articles/a+b%2Bc.txt');
  });

  it('builds records the adapter reads, with increasing sequencers', () => {
    const rec = buildS3EventRecord(
      { bucket: 'radar-ingest', key: 'articles/a b.txt', eventName: 'ObjectCreated:Put', sourceIp: '127.0.0.1' },
      { size: 3, eTag: 'abc', region: 'us-east-1', configurationId: 'ingest-article' },
    );
    const [ref] = objectRefsFrom(JSON.stringify({ Records: [rec] }));
    expect(ref).toMatchObject({ key: 'articles/a b.txt', size: 3, eTag: 'abc' });
    const a = nextSequencer();
    const b = nextSequencer();
    expect(b > a).toBe(true);
  });
});
