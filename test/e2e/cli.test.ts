import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/sandbox/ports.ts';
import { CountriesResponse, EntityDetailResponse } from '../../shared/query/api.ts';
import { BUCKET_NAME } from '../../shared/resources.ts';
import { ROOT, startSandboxProcess, type RunningSandbox } from '../helpers/sandbox.ts';

const exec = promisify(execFile);
const RADAR = join(ROOT, 'bin/radar.js');
const SDK_NOTICE = /NodeVersionSupportWarning|AWS SDK for JavaScript \(v3\)/;

/**
 * Runs `radar` as a user does. vitest sets AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED for its own workers; it is
 * taken out here, so that the CLI is seen silencing the SDK's Node-version notice by itself.
 */
async function radar(
  args: string[],
  env: Record<string, string> = {},
  script = RADAR,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _, ...inherited } = process.env;
  try {
    const r = await exec(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...inherited, NO_COLOR: '1', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Written for this test; it names a UN-listed company of the fixture list in full, with context, as the linker needs.
const KOMID_NOTE =
  'Inspectors said on Tuesday that the Korea Mining Development Trading Corporation had shipped parts through a ' +
  'trading house in Dalian, China, despite United Nations sanctions.';

describe('radar CLI', () => {
  let sb: RunningSandbox;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'radar-cli-'));

  beforeAll(async () => {
    // What `npm install` / `npm ci` do (prepare): the tests then run the bundle a user runs.
    await exec(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT });
    sb = await startSandboxProcess();
    env = { RADAR_API: sb.queryUrl, AWS_ENDPOINT_URL: sb.edgeUrl };
  });
  afterAll(async () => {
    await sb?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has helpful --help on every command, naming the environment variables options read', async () => {
    const top = await radar(['--help']);
    expect(top.code).toBe(0);
    // Run from the bundle: no note about rebuilding it or falling back to the sources.
    expect(top.stderr).toBe('');
    for (const c of ['up', 'put', 'counts', 'entity', 'ingests', 'extract', 'relink']) expect(top.stdout).toContain(c);
    for (const c of [
      ['put'],
      ['counts', 'countries'],
      ['counts', 'entities'],
      ['counts', 'timeline'],
      ['articles'],
      ['article'],
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
    // Help text wraps at 80 columns: compare it with its whitespace folded.
    const help = async (...c: string[]) => (await radar([...c, '--help'])).stdout.replace(/\s+/g, ' ');
    for (const c of ['put', 'relink'])
      expect(await help(c)).toMatch(/--endpoint <url> .*\(default: "[^"]+", env: AWS_ENDPOINT_URL\)/);
    const up = await help('up');
    expect(up).toMatch(/--port <port> AWS edge port .*\(default: 4566, env: SANDBOX_PORT\)/);
    expect(up).toMatch(/--query-port <port> query API .*\(default: 3000, env: QUERY_PORT\)/);
    expect((await radar(['entity', '--help'])).stdout).toMatch(/or a name/);
    for (const c of [['articles'], ['counts', 'timeline']]) expect(await help(...c)).toMatch(/Examples: radar /);
  });

  it('rebuilds the bundle when a source changed since it was built, and says so once', async () => {
    // Prepare: as after a pull or an edit.
    const now = new Date();
    utimesSync(join(ROOT, 'bin/args.ts'), now, now);
    // Act
    const first = await radar(['counts', '--help']);
    const second = await radar(['counts', '--help']);
    // Assess
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^radar: bin\/args\.ts changed: rebuilt the bundle in \d+ ms\n$/);
    expect(first.stdout).toMatch(/Usage: radar counts/);
    expect(second.stderr).toBe('');
  });

  it('without a bundle it can build, runs the sources through tsx and says how to get the fast start', async () => {
    // Prepare: a copy of the CLI with no dist/ and no build script beside it (as where devDependencies are omitted).
    const copy = join(dir, 'copy');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    for (const f of readdirSync(join(ROOT, 'bin'))) copyFileSync(join(ROOT, 'bin', f), join(copy, 'bin', f));
    copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(ROOT, 'shared'), join(copy, 'shared'));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    // Act
    const r = await radar(['counts', 'countries', '--help'], {}, join(copy, 'bin/radar.js'));
    // Assess
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Usage: radar counts countries/);
    expect(r.stderr).toMatch(/^radar: there is no bundle \(dist\/cli\/current\.json\) and it could not be built/);
    expect(r.stderr).toMatch(
      /running the TypeScript sources through tsx \(slower start\)\. `npm run build:cli` builds it/,
    );
  });

  it('put uploads, waits for the ingest and prints its result, with no SDK notice; counts prints an aligned table', async () => {
    // Prepare
    const file = join(dir, 'cli note.txt');
    writeFileSync(file, 'Officials in Beijing and Moscow rejected the new US measures on Monday.');
    // Act: the endpoint comes from AWS_ENDPOINT_URL alone (env), the API from RADAR_API.
    const put = await radar(['put', file], env);
    // Assess
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toMatch(/articles\/cli note\.txt: done/);
    expect(put.stderr).not.toMatch(SDK_NOTICE);
    expect(put.stderr).toBe('');
    const table = await radar(['counts', 'countries'], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^country\s+name\s+listed\s+articles/);
    expect(lines.some((l) => /^CN\s/.test(l))).toBe(true);
    const json = CountriesResponse.parse(JSON.parse((await radar(['counts', 'countries', '--json'], env)).stdout));
    expect(json.items.map((i) => i.country)).toEqual(expect.arrayContaining(['CN', 'RU', 'US']));
    const ingests = await radar(['ingests', 'articles/cli note.txt'], env);
    expect(ingests.stdout).toMatch(/done/);
  });

  it('put --key outside articles/ and sanctions/ is refused, naming the prefixes, and nothing is uploaded', async () => {
    // Prepare
    const file = join(dir, 'stray.txt');
    writeFileSync(file, 'A note that would never be read.');
    // Act
    const r = await radar(['put', '--key', 'notes/stray.txt', file], env);
    // Assess
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(
      /"notes\/stray\.txt" is outside the prefixes that are ingested \(articles\/, sanctions\/\)/,
    );
    expect(r.stderr).toMatch(/--key articles\/stray\.txt/);
    await expect(sb.s3.send(new HeadObjectCommand({ Bucket: BUCKET_NAME, Key: 'notes/stray.txt' }))).rejects.toThrow();
  });

  it('entity shows a readable view, finds an entity by name or alias, and offers the matches when several fit', async () => {
    // Prepare: a list and an article that names one of its entities.
    const list = join(ROOT, 'test/fixtures/files/sanctions/un-sc/consolidated.xml');
    const listPut = await radar(['put', '--key', 'sanctions/un/consolidated.xml', list], env);
    expect(listPut.code, listPut.stdout + listPut.stderr).toBe(0);
    const note = join(dir, 'komid.txt');
    writeFileSync(note, KOMID_NOTE);
    expect((await radar(['put', note], env)).code).toBe(0);
    // Act
    const byId = await radar(['entity', 'l:un-sc:690735'], env);
    const byAlias = await radar(['entity', 'KOMID'], env);
    const asJson = await radar(['entity', 'l:un-sc:690735', '--json'], env);
    const several = await radar(['entity', 'al'], env);
    const none = await radar(['entity', 'Zzyzx'], env);
    // Assess: readable by default (not JSON), the same for an id and for the alias.
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout.split('\n')[0]).toBe('KOREA MINING DEVELOPMENT TRADING CORPORATION');
    expect(byId.stdout).toMatch(/organization · listed on un-sc \(version \w+\)/);
    expect(byId.stdout).toMatch(/^ {2}countries\s+KP \(address\)$/m);
    expect(byId.stdout).toMatch(/^ {2}in the news\s+1 article, 1 mention$/m);
    expect(byId.stdout).toMatch(/^undated\s+1\s+\(untitled\)\s+articles\/komid\.txt$/m);
    expect(byId.stdout).not.toMatch(/^\s*[{"]/m);
    expect(byAlias.code, byAlias.stderr).toBe(0);
    expect(byAlias.stdout).toBe(byId.stdout);
    const e = EntityDetailResponse.parse(JSON.parse(asJson.stdout));
    expect(e).toMatchObject({ id: 'l:un-sc:690735', listed: true, lists: ['un-sc'], articles: 1 });
    // Several entities have a word starting "al" (al-Fitouri, al-Zawahiri, al-Ahdal, Al-Itihaad): a choice, with ids.
    expect(several.code, several.stderr).toBe(0);
    expect(several.stdout).toMatch(/^\d+ entities match "al"; show one with radar entity <id>:$/m);
    expect(several.stdout).toMatch(/AIMAN MUHAMMED RABI AL-ZAWAHIRI\s+person\s+un-sc\s+EG\s+0\s+0\s+l:un-sc:111923/);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no entity is named "Zzyzx".*radar counts entities --q/);
  });

  it('ingests lists each upload with the time of its ingest', async () => {
    // Act
    const r = await radar(['ingests'], env);
    // Assess
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^time \(UTC\)\s+key\s+status/);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+\S/);
    expect(rows.some((row) => /\sarticles\/cli note\.txt\s+done\s/.test(row))).toBe(true);
  });

  it('relink reads its endpoint from AWS_ENDPOINT_URL and prints no SDK notice', async () => {
    const r = await radar(['relink'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/article objects checked/);
    expect(r.stderr).not.toMatch(SDK_NOTICE);
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
    writeFileSync(
      file,
      'Antony Blinken, the American envoy, flew to Beijing to see Wang Yi. Blinken told China to stop.',
    );
    const r = await radar(['extract', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { entities: { name: string; kind: string; country?: string; count: number }[] };
    expect(out.entities).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'country', country: 'CN' })]));
    for (const e of out.entities) expect(['person', 'organization', 'country', 'location', 'bloc']).toContain(e.kind);
  });

  it('up starts the sandbox on the ports given, and a kill of radar stops the sandbox too', async () => {
    // Prepare
    const [edgePort, queryPort] = [await freePort(), await freePort()];
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _, ...inherited } = process.env;
    const child = spawn(
      process.execPath,
      [RADAR, 'up', '--memory', '--no-demo', '--port', String(edgePort), '--query-port', String(queryPort)],
      { cwd: ROOT, env: { ...inherited, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // Act
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (out.includes('sandbox ready')) {
            clearInterval(timer);
            resolve();
          }
        }, 100);
        child.once('exit', (code) => {
          clearInterval(timer);
          reject(new Error(`radar up exited (${code}):\n${out}`));
        });
      });
      // Assess
      expect(out).toContain(`AWS edge (S3 + DynamoDB): http://127.0.0.1:${edgePort}`);
      expect((await fetch(`http://127.0.0.1:${queryPort}/health`)).status).toBe(200);
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/SIGTERM: stopping the sandbox…\s+stopped\./);
      await expect(fetch(`http://127.0.0.1:${queryPort}/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
