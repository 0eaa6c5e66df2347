import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

const exec = promisify(execFile);
const RADAR = join(ROOT, 'bin/radar.js');

async function radar(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [RADAR, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('radar CLI', () => {
  let sb: RunningSandbox;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'radar-cli-'));

  beforeAll(async () => {
    sb = await startSandboxProcess();
    env = { RADAR_API: sb.queryUrl, AWS_ENDPOINT_URL: sb.edgeUrl };
  });
  afterAll(async () => {
    await sb?.stop();
  });

  it('has helpful --help on every command', async () => {
    const top = await radar(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['up', 'put', 'counts', 'entity', 'ingests', 'extract', 'relink']) expect(top.stdout).toContain(c);
    for (const c of [
      ['put'],
      ['counts', 'countries'],
      ['counts', 'entities'],
      ['entity'],
      ['ingests'],
      ['extract'],
      ['up'],
      ['relink'],
    ]) {
      const h = await radar([...c, '--help']);
      expect(h.code, c.join(' ')).toBe(0);
      expect(h.stdout).toMatch(/Usage: radar/);
    }
  });

  it('put uploads, waits for the ingest and prints its result; counts prints an aligned table', async () => {
    // Prepare
    const file = join(dir, 'cli note.txt');
    writeFileSync(file, 'Officials in Beijing and Moscow rejected the new US measures on Monday.');
    // Act
    const put = await radar(['put', file], env);
    // Assess
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toMatch(/articles\/cli note\.txt: done/);
    const table = await radar(['counts', 'countries'], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^country\s+name\s+listed\s+articles/);
    expect(lines.some((l) => /^CN\s/.test(l))).toBe(true);
    const json = JSON.parse((await radar(['counts', 'countries', '--json'], env)).stdout);
    expect(json.items.map((i: { country: string }) => i.country)).toEqual(expect.arrayContaining(['CN', 'RU', 'US']));
    const ingests = await radar(['ingests', 'articles/cli note.txt'], env);
    expect(ingests.stdout).toMatch(/done/);
  });

  it('a quarantined upload exits non-zero and says why', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, Buffer.from([0, 159, 146, 150, 0, 1, 2]));
    const put = await radar(['put', '--to', 'sanctions', file], env);
    expect(put.code).toBe(2);
    expect(put.stdout).toMatch(/quarantined/);
    expect(put.stdout).toMatch(/error:/);
  });

  it('bad input to the API gives a clear error and a non-zero exit', async () => {
    const r = await radar(['counts', 'countries', '--limit', '100000'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/400/);
    expect(r.stderr).toMatch(/limit/);
  });

  it('says what to do when the sandbox is not running', async () => {
    const r = await radar(['counts', 'countries', '--api', 'http://127.0.0.1:9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/npm start/);
  });

  it('extract prints the entities of a file as design §5 says, without uploading', async () => {
    const file = join(dir, 'extract.txt');
    writeFileSync(file, 'US secretary of state Antony Blinken met Wang Yi in Beijing. Blinken said China must stop.');
    const r = await radar(['extract', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { entities: { name: string; kind: string; country?: string; count: number }[] };
    expect(out.entities).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'country', country: 'CN' })]));
    for (const e of out.entities) expect(['person', 'organization', 'country', 'location', 'bloc']).toContain(e.kind);
  });
});
