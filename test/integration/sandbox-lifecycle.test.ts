import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ROOT, startSandboxProcess } from '../helpers/sandbox.ts';

const javaChildrenOf = (pid: number): number[] =>
  execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, comm]) => Number(ppid) === pid && comm === 'java')
    .map(([p]) => Number(p));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('sandbox lifecycle', () => {
  it('keeps data across restarts, loads the demo once, and Ctrl-C leaves no Java process behind', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'radar-persist-'));
    try {
      const first = await startSandboxProcess({ dataDir, args: [] }); // default: on disk, with demo
      const javas = javaChildrenOf(first.process.pid!);
      expect(javas.length).toBe(1);
      await first.idle();
      const demo = await first.get<{ items: { country: string; listedEntities: number; articles: number }[] }>(
        '/counts/countries?limit=500',
      );
      expect(demo.body.items.some((i) => i.listedEntities > 0)).toBe(true);
      expect(demo.body.items.some((i) => i.articles > 0)).toBe(true);
      await first.s3.send(
        new PutObjectCommand({
          Bucket: 'radar-ingest',
          Key: 'articles/persist.txt',
          Body: 'Officials in Kyiv met Polish ministers.',
        }),
      );
      await first.idle();
      const before = await first.get('/counts/countries?limit=500');

      // Act: Ctrl-C
      const code = await first.stop('SIGINT');

      // Assess
      expect(code).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      for (const pid of javas) expect(alive(pid), `java ${pid} still running`).toBe(false);

      const second = await startSandboxProcess({ dataDir, args: [] });
      await second.idle();
      expect(second.output()).not.toContain('demo data: uploaded');
      expect((await second.get('/counts/countries?limit=500')).body).toEqual(before.body);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a second sandbox on the same port says the port is taken', async () => {
    const first = await startSandboxProcess();
    try {
      const out = await new Promise<{ code: number | null; text: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'infra/sandbox/main.ts', '--memory', '--no-demo'], {
          cwd: ROOT,
          env: { ...process.env, SANDBOX_PORT: String(first.edgePort), QUERY_PORT: '0' },
        });
        let text = '';
        child.stdout.on('data', (d) => (text += d));
        child.stderr.on('data', (d) => (text += d));
        child.on('exit', (code) => resolve({ code, text }));
      });
      expect(out.code).not.toBe(0);
      expect(out.text).toMatch(new RegExp(`port ${first.edgePort} is taken`));
    } finally {
      await first.stop();
    }
  });

  it('prints what to do next and --help', async () => {
    const help = execFileSync(process.execPath, ['--import', 'tsx', 'infra/sandbox/main.ts', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(help).toMatch(/--memory/);
    expect(help).toMatch(/SANDBOX_PORT/);
  });
});
