import { describe, expect, it } from 'vitest';
import { makeNameIndexStore, NAME_INDEX_KEY } from '../../../shared/adapters/name-index-store.ts';
import type { S3Source } from '../../../shared/adapters/s3-source.ts';
import { buildNameIndex } from '../../../shared/domain/name-index.ts';
import { nameKeySignature } from '../../../shared/domain/name-postings.ts';
import { makeMemorySource } from '../../helpers/memory-source.ts';

const index = (extra: string[] = []) =>
  buildNameIndex(
    ['KOREA MINING DEVELOPMENT TRADING CORPORATION', 'PJSC Rosneft Oil Company', ...extra].map((name, i) => ({
      list: 'us-ofac-sdn',
      sourceId: String(i + 1),
      name,
      type: 'organization',
      countries: [],
    })),
  );

/** A memory source that records every whole read it answers (a 304 is not one) and every signature computed. */
function countingSource() {
  const mem = makeMemorySource();
  const reads: string[] = [];
  const source: S3Source = {
    ...mem.source,
    async getIfChanged(key, knownEtag) {
      const r = await mem.source.getIfChanged(key, knownEtag);
      if (r && r !== 'notModified') reads.push(key);
      return r;
    },
  };
  return { source, reads };
}

describe('name index store: what one container already holds is not read again', () => {
  it('a load right after a save reads nothing whole, and answers the build it wrote', async () => {
    // Prepare
    const { source, reads } = countingSource();
    const store = makeNameIndexStore(source);
    await store.save(index(), 'us-ofac-sdn@1');

    // Act
    const loaded = await store.load();

    // Assess
    expect(reads).toEqual([]);
    expect(loaded?.etag).toBe(await source.headEtag(NAME_INDEX_KEY));
    expect(loaded?.buildId).toBeDefined();
    expect(loaded?.matcher.find('Officials named Korea Mining Development Trading Corporation.').length).toBe(1);
    // What another container reads back from S3 is the same index, matcher and all
    const other = await makeNameIndexStore(source).load();
    expect(other?.etag).toBe(loaded?.etag);
    expect(other?.index).toEqual(loaded?.index);
  });

  it('a newer build written by another container replaces what this one holds', async () => {
    // Prepare
    const { source } = countingSource();
    const here = makeNameIndexStore(source);
    await here.save(index(), 'us-ofac-sdn@1');
    const first = await here.load();

    // Act
    await makeNameIndexStore(source).save(index(['Islamic Revolutionary Guard Corps']), 'us-ofac-sdn@2');
    const now = await here.load();

    // Assess
    expect(now?.buildId).not.toBe(first?.buildId);
    expect(now?.matcher.find('the Islamic Revolutionary Guard Corps said').length).toBe(1);
  });

  it("the current build's signature is the one saved, read from neither S3 nor recomputed", async () => {
    // Prepare
    const { source, reads } = countingSource();
    const store = makeNameIndexStore(source);
    await store.save(index(), 'us-ofac-sdn@1');
    const cur = (await store.load())!;
    const { builds } = await store.listBuilds();
    const key = builds.find((b) => b.buildId === cur.buildId)!.key;

    // Act
    const mine = await store.signatureOf(cur.buildId!, cur.index, key);
    const fromS3 = await makeNameIndexStore(source).signatureOf(cur.buildId!, cur.index, key);
    const computed = await makeNameIndexStore(source).signatureOf(cur.buildId!, cur.index);

    // Assess: this container read nothing; another read the stored file once; all three agree with a fresh count
    expect(reads).toEqual([key]);
    expect(mine).toEqual(nameKeySignature(index()));
    expect(fromS3).toEqual(mine);
    expect(computed).toEqual(mine);
  });

  it('remembers only the newest few signatures, and forgets a deleted build', async () => {
    // Prepare: five builds saved in one container
    const { source, reads } = countingSource();
    let clock = 1_000;
    const store = makeNameIndexStore(source, () => clock++);
    for (let v = 1; v <= 5; v++) await store.save(index([`Example Shipping Line Number ${v}`]), `us-ofac-sdn@${v}`);
    const { builds } = await store.listBuilds();
    expect(builds).toHaveLength(5);

    // Act
    for (const b of [...builds].reverse()) await store.readBuild(b.key); // newest first: reading evicts the oldest
    const readBefore = [...reads];
    await store.deleteBuild(builds[4]!);
    const gone = await store.readBuild(builds[4]!.key);

    // Assess: the two oldest were read from S3 (the three newest were held), a deleted one is gone
    expect(readBefore).toEqual([builds[1]!.key, builds[0]!.key]);
    expect(gone).toBeUndefined();
  });
});
