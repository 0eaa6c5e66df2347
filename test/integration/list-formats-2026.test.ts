import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';
import { countryTotals, entityIds } from '../helpers/list-queries.ts';

/*
 * The files a compliance analyst downloads in 2026 (issue 16): OFAC's enhanced XML, loaded after the legacy CSV set of
 * the same list, keeps its ids and counts; the advanced XML is refused with a report naming it; the UK Sanctions List
 * XML loads into uk-fcdo.
 */

const BUCKET = 'radar-ingest';
const FIX = join(ROOT, 'test/fixtures/files/sanctions');
let sb: RunningSandbox;

interface IngestStatus {
  status: string;
  list?: string;
  format?: string;
  error?: string;
  version?: string;
  records: { read: number; written: number; rejected: number };
}
const put = (key: string, body: Buffer | string) =>
  sb.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const TERMINAL = new Set(['done', 'unchanged', 'quarantined', 'failed']);
/**
 * The status of an upload once it has settled: idle() can return before the S3 event of a just-written object reached
 * the queue on a loaded machine, so this waits (bounded) for the key's own terminal status.
 */
async function ingest(key: string): Promise<IngestStatus> {
  for (let i = 0; ; i++) {
    const r = await sb.get<IngestStatus>(`/ingests/${key}`);
    if ((r.status === 200 && TERMINAL.has(r.body.status)) || i >= 60) return r.body;
    await sb.idle();
    await new Promise((done) => setTimeout(done, 500));
  }
}
const entity = async (id: string) =>
  (
    await sb.get<{ listVersion?: string; articles?: number; identifiers?: { type: string; value: string }[] }>(
      `/entities/${id}`,
    )
  ).body;

describe('the 2026 list formats end to end (committed fixtures)', () => {
  beforeAll(async () => {
    sb = await startSandboxProcess();
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('the legacy OFAC CSV set, then the enhanced XML of the same entities: same list, ids and counts', async () => {
    // Prepare: yesterday's files (the non-SDN CSV set, real), loaded first.
    for (const f of ['cons_add.csv', 'cons_alt.csv', 'cons_comments.csv', 'cons_prim.csv'])
      await put(`sanctions/ofac-cons-legacy/${f}`, readFileSync(join(FIX, 'ofac-cons', f)));
    await sb.idle();
    const legacy = await ingest('sanctions/ofac-cons-legacy/cons_prim.csv');
    // Whichever file of the set arrives last builds it; the others may then report it unchanged.
    expect(legacy.list).toBe('us-ofac-cons');
    expect(['done', 'unchanged']).toContain(legacy.status);
    const ids = await entityIds(sb, 'us-ofac-cons');
    const countries = await countryTotals(sb, 'us-ofac-cons');
    // An article (written for this test) that names two listed entities, linked against the legacy version.
    await put(
      'articles/formats-2026/note.txt',
      'Treasury officials said on Monday that Mohammed Abu Teir, a Hamas legislator, remains designated. ' +
        'They added that Gazprombank Joint Stock Company stays on the sectoral list.\n',
    );
    await sb.idle();
    const before = await entity('l:us-ofac-cons:9640');
    expect(before.articles).toBeGreaterThan(0);
    const swift = { type: 'swift-bic', value: 'RUAGRUMM' };
    expect((await entity('l:us-ofac-cons:17014')).identifiers).not.toContainEqual(swift);

    // Act: today's file of the same list.
    await put(
      'sanctions/ofac-cons-2026/CONS_ENHANCED.XML',
      readFileSync(join(FIX, 'ofac-enhanced/CONS_ENHANCED-cut.xml')),
    );
    await sb.idle();

    // Assess: a new version of the same list, with the same 20 ids and the same per-country counts.
    const enhanced = await ingest('sanctions/ofac-cons-2026/CONS_ENHANCED.XML');
    expect(enhanced).toMatchObject({ status: 'done', list: 'us-ofac-cons', format: 'us-ofac-enhanced-xml' });
    expect(ids.size).toBe(20);
    expect(enhanced.records.written).toBe(ids.size);
    expect(await entityIds(sb, 'us-ofac-cons')).toEqual(ids);
    expect(await countryTotals(sb, 'us-ofac-cons')).toEqual(countries);
    const after = await entity('l:us-ofac-cons:9640');
    expect(after.listVersion).not.toBe(before.listVersion);
    // The history stays: the article linked against the legacy version is still linked, counted once.
    expect(after.articles).toBe(before.articles);
    expect(after.identifiers).toContainEqual({ type: 'birth-date', value: '1951' });
    // The SWIFT/BIC is an identity document in the enhanced file, free text in the CSV remarks: the XML version is read.
    expect((await entity('l:us-ofac-cons:17014')).identifiers).toContainEqual(swift);
  });

  it('reads the enhanced XML zipped (CONS_ENHANCED.ZIP, as OFAC also publishes it) into the same list and ids', async () => {
    // Prepare: zipped with the system's zip, or skipped where it is absent.
    const ids = await entityIds(sb, 'us-ofac-cons');
    const dir = mkdtempSync(join(tmpdir(), 'radar-zip-'));
    const xml = join(dir, 'CONS_ENHANCED.XML');
    writeFileSync(xml, readFileSync(join(FIX, 'ofac-enhanced/CONS_ENHANCED-cut.xml')));
    try {
      execFileSync('zip', ['-j', '-q', join(dir, 'CONS_ENHANCED.ZIP'), xml]);
    } catch {
      console.warn('skipped: the zip command is not installed');
      return;
    }
    // Act
    await put('sanctions/ofac-cons-zip/CONS_ENHANCED.ZIP', readFileSync(join(dir, 'CONS_ENHANCED.ZIP')));
    await sb.idle();
    // Assess
    const s = await ingest('sanctions/ofac-cons-zip/CONS_ENHANCED.ZIP');
    expect(s.list).toBe('us-ofac-cons');
    expect(['done', 'unchanged']).toContain(s.status);
    expect(await entityIds(sb, 'us-ofac-cons')).toEqual(ids);
  });

  it('refuses the OFAC advanced XML with a report naming it and the formats we read; the list stays', async () => {
    // Prepare
    const ids = await entityIds(sb, 'us-ofac-cons');
    // Act
    await put(
      'sanctions/ofac-cons-2026/CONS_ADVANCED.XML',
      readFileSync(join(FIX, 'ofac-enhanced/sdn_advanced-head-sample.xml')),
    );
    await sb.idle();
    // Assess
    const s = await ingest('sanctions/ofac-cons-2026/CONS_ADVANCED.XML');
    expect(s.status).toBe('quarantined');
    expect(s.error).toMatch(/OFAC "advanced" XML/);
    expect(s.error).toMatch(/CONS_ENHANCED\.XML/);
    expect(s.error).toMatch(/- us-ofac-enhanced-xml \(/);
    expect(await entityIds(sb, 'us-ofac-cons')).toEqual(ids);
  });

  it('loads the UK Sanctions List XML into uk-fcdo, one entity per designation', async () => {
    // Prepare / Act
    await put(
      'sanctions/uk/UK_Sanctions_List.xml',
      readFileSync(join(FIX, 'uk-sl/UK_Sanctions_List-schema-sample.xml')),
    );
    await sb.idle();
    // Assess
    const s = await ingest('sanctions/uk/UK_Sanctions_List.xml');
    expect(s).toMatchObject({ status: 'done', list: 'uk-fcdo', format: 'uk-fcdo-xml' });
    expect(s.records).toMatchObject({ written: 3, rejected: 1 });
    expect(await entityIds(sb, 'uk-fcdo')).toEqual(new Set(['RUS9001', 'IRQ9002', 'RUS9003']));
    expect((await entity('l:uk-fcdo:RUS9001')).identifiers).toContainEqual({ type: 'ofsi-group-id', value: '99001' });

    // The CSV of the same list in its 2026 layout, uploaded next: the same designations, ids and types.
    await put('sanctions/uk/UK_Sanctions_List.csv', readFileSync(join(FIX, 'uk-sl/UK_Sanctions_List-2026-layout.csv')));
    await sb.idle();
    expect(await ingest('sanctions/uk/UK_Sanctions_List.csv')).toMatchObject({
      status: 'done',
      list: 'uk-fcdo',
      format: 'uk-fcdo-csv',
    });
    expect(await entityIds(sb, 'uk-fcdo')).toEqual(new Set(['RUS9001', 'IRQ9002', 'RUS9003']));
  });
});
