import { spawn } from 'node:child_process';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BUCKET_NAME, PREFIXES, SANDBOX, TABLE_NAME } from '../shared/resources.ts';
import type { IngestStatus } from '../shared/adapters/dynamo-store.ts';
import { ApiError, apiGet } from './api-client.ts';
import { bold, dim, green, red, table, yellow, progress, formatBytes } from './output.ts';
import { extractFile } from './extract-file.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_API = process.env.RADAR_API ?? `http://${SANDBOX.host}:${process.env.QUERY_PORT ?? SANDBOX.queryPort}`;
const DEFAULT_ENDPOINT =
  process.env.AWS_ENDPOINT_URL ?? `http://${SANDBOX.host}:${process.env.SANDBOX_PORT ?? SANDBOX.edgePort}`;

const program = new Command()
  .name('radar')
  .description('sanctions-radar: upload news articles and sanctions lists, and query the counts.')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (s, write) => write(red(s, process.stderr)) });

const apiOption = () => new Option('--api <url>', 'query API base URL (env RADAR_API)').default(DEFAULT_API);

program
  .command('up')
  .description('start the embedded sandbox (the same as npm start)')
  .option('--memory', 'keep nothing on disk')
  .option('--no-demo', 'do not load the demo data')
  .option('--data-dir <dir>', 'where to keep data', SANDBOX.dataDir)
  .action((o: { memory?: boolean; demo: boolean; dataDir: string }) => {
    const args = [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      join(ROOT, 'infra/sandbox/main.ts'),
      '--data-dir',
      o.dataDir,
    ];
    if (o.memory) args.push('--memory');
    if (!o.demo) args.push('--no-demo');
    const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: ROOT });
    // Ctrl-C reaches the child through the terminal's process group; just mirror its exit code.
    process.on('SIGINT', () => {});
    child.on('exit', (code) => process.exit(code ?? 1));
  });

program
  .command('put')
  .description('upload files to the bucket, then wait for each ingest and print its result')
  .argument('<files...>', 'files to upload')
  .addOption(
    new Option('--to <prefix>', 'articles or sanctions (default: guessed from the file type)').choices([
      'articles',
      'sanctions',
    ]),
  )
  .option('--key <key>', 'object key (one file only; default: <prefix>/<file name>)')
  .option('--endpoint <url>', 'S3 endpoint: the sandbox, LocalStack, or "aws" for AWS itself', DEFAULT_ENDPOINT)
  .option('--profile <name>', 'AWS profile (with --endpoint aws)')
  .option('--bucket <name>', 'bucket name (env RADAR_BUCKET)', process.env.RADAR_BUCKET ?? BUCKET_NAME)
  .option('--force', 'mark a sanctions list as intended even if it shrinks the list by more than half')
  .option('--no-wait', 'do not wait for the ingest')
  .option('--timeout <seconds>', 'how long to wait for each ingest', '120')
  .addOption(apiOption())
  .option('--json', 'print results as JSON')
  .action(
    async (
      files: string[],
      o: {
        to?: string;
        key?: string;
        endpoint: string;
        profile?: string;
        bucket: string;
        force?: boolean;
        wait: boolean;
        timeout: string;
        api: string;
        json?: boolean;
      },
    ) => {
      if (o.key && files.length > 1) throw new UsageError('--key takes one file only');
      const aws = o.endpoint === 'aws';
      if (o.profile) process.env.AWS_PROFILE = o.profile; // the SDK's default chain reads it
      const s3 = new S3Client({
        region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? SANDBOX.region,
        ...(aws
          ? {}
          : {
              endpoint: o.endpoint,
              forcePathStyle: true,
              credentials: {
                accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
                secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
              },
            }),
        requestChecksumCalculation: 'WHEN_REQUIRED',
      });
      const results: unknown[] = [];
      let failed = 0;
      for (const file of files) {
        const size = statSync(file).size;
        const prefix = o.to ?? guessPrefix(file);
        const key = o.key ?? `${PREFIXES[prefix as keyof typeof PREFIXES]}${basename(file)}`;
        const bar = progress(basename(file), size);
        const started = new Date();
        const upload = new Upload({
          client: s3,
          params: {
            Bucket: o.bucket,
            Key: key,
            Body: createReadStream(file),
            ...(o.force ? { Metadata: { force: 'true' } } : {}),
          },
        });
        upload.on('httpUploadProgress', (p) => bar.update(p.loaded ?? 0));
        try {
          await upload.done();
        } catch (err) {
          bar.end();
          throw new Error(
            `upload of ${file} to s3://${o.bucket}/${key} failed: ${(err as Error).message}${aws ? '' : ` (is the sandbox running at ${o.endpoint}?)`}`,
          );
        }
        bar.end();
        if (!o.json) process.stdout.write(`${green('↑')} ${file} → s3://${o.bucket}/${key} (${formatBytes(size)})\n`);
        if (!o.wait) continue;
        const status = await waitForIngest(o.api, key, started, Number(o.timeout) * 1000);
        results.push(status);
        if (status.status === 'failed' || status.status === 'quarantined') failed++;
        if (!o.json) process.stdout.write(`${describeIngest(status)}\n`);
      }
      if (o.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      if (failed) process.exitCode = 2;
    },
  );

const counts = program.command('counts').description('counts by country or by entity');
counts
  .command('countries')
  .description('per country: listed entities, articles, mentions, listed entities in the news')
  .option('--list <list>', 'only this list (e.g. us-ofac-sdn, un-sc)')
  .addOption(
    new Option('--type <type>', 'only this entity type').choices([
      'person',
      'organization',
      'vessel',
      'aircraft',
      'other',
    ]),
  )
  .option('--from <date>', 'articles published on or after (YYYY-MM-DD)')
  .option('--to <date>', 'articles published on or before (YYYY-MM-DD)')
  .option('--sort <field>', 'sort field, - for descending (e.g. -articles)')
  .option('--limit <n>', 'rows', '25')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const r = await apiGet<{
      items: {
        country: string;
        name: string;
        listedEntities: number;
        articles: number;
        mentions: number;
        listedEntitiesInNews: number;
      }[];
      nextCursor: string | null;
    }>(String(o.api), `counts/countries${query(o, ['list', 'type', 'from', 'to', 'sort', 'limit'])}`);
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(
      `${table(
        ['country', 'name', 'listed', 'articles', 'mentions', 'listed in news'],
        r.items.map((i) => [i.country, i.name, i.listedEntities, i.articles, i.mentions, i.listedEntitiesInNews]),
      )}\n`,
    );
    if (r.nextCursor) process.stdout.write(dim('(more rows: raise --limit)\n'));
  });

counts
  .command('entities')
  .description('per entity: articles, mentions, lists, countries')
  .option('--country <cc>', 'ISO 3166-1 alpha-2 code')
  .addOption(
    new Option('--type <type>', 'entity type').choices(['person', 'organization', 'vessel', 'aircraft', 'other']),
  )
  .option('--list <list>', 'only entities on this list')
  .addOption(
    new Option('--listed <bool>', 'only listed (true) or unlisted (false) entities').choices(['true', 'false']),
  )
  .option('--from <date>', 'articles published on or after (YYYY-MM-DD)')
  .option('--to <date>', 'articles published on or before (YYYY-MM-DD)')
  .option('-q, --q <prefix>', 'name prefix')
  .option('--sort <field>', 'sort field, - for descending (e.g. -mentions)')
  .option('--limit <n>', 'rows', '25')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const r = await apiGet<{
      items: {
        id: string;
        name: string;
        type: string;
        countries: string[];
        lists: string[];
        listed: boolean;
        articles: number;
        mentions: number;
      }[];
      nextCursor: string | null;
    }>(
      String(o.api),
      `counts/entities${query(o, ['country', 'type', 'list', 'listed', 'from', 'to', 'q', 'sort', 'limit'])}`,
    );
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(
      `${table(
        ['name', 'type', 'countries', 'lists', 'articles', 'mentions', 'id'],
        r.items.map((i) => [
          i.name,
          i.type,
          i.countries.join(','),
          i.lists.join(',') || '-',
          i.articles,
          i.mentions,
          i.id,
        ]),
      )}\n`,
    );
    if (r.nextCursor) process.stdout.write(dim('(more rows: raise --limit)\n'));
  });

program
  .command('entity')
  .description('one entity: names, countries, lists, recent articles')
  .argument('<id>', 'entity id (as /counts/entities shows it)')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .action(async (id: string, o: { api: string; json?: boolean }) => {
    const e = await apiGet<Record<string, unknown>>(o.api, `entities/${encodeURIComponent(id)}`);
    process.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
  });

program
  .command('ingests')
  .description('what happened to each uploaded file')
  .argument('[key]', 'one object key')
  .option('--limit <n>', 'rows', '50')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .action(async (key: string | undefined, o: { api: string; json?: boolean; limit: string }) => {
    if (key) {
      const s = await apiGet<IngestView>(o.api, `ingests/${key.split('/').map(encodeURIComponent).join('/')}`);
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${describeIngest(s)}\n`);
      return;
    }
    const r = await apiGet<{ items: IngestView[] }>(o.api, `ingests?limit=${encodeURIComponent(o.limit)}`);
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(
      `${table(
        ['key', 'status', 'format', 'list', 'read', 'written', 'rejected', 'error'],
        r.items.map((i) => [
          i.key,
          i.status,
          i.format ?? '-',
          i.list ?? '-',
          i.records.read,
          i.records.written,
          i.records.rejected,
          (i.error ?? '').slice(0, 60),
        ]),
      )}\n`,
    );
  });

program
  .command('extract')
  .description('print the people, organisations and places the extractor finds in an article file (no upload)')
  .argument('<file>', 'an article file: text, Markdown, HTML, JSON or NDJSON')
  .option('--json', 'print { "entities": [...] } as JSON')
  .action((file: string, o: { json?: boolean }) => {
    const entities = extractFile(file, readFileSync(file));
    if (o.json) return void process.stdout.write(`${JSON.stringify({ entities }, null, 2)}\n`);
    process.stdout.write(
      `${table(
        ['name', 'kind', 'country', 'count'],
        entities.map((e) => [e.name, e.kind, e.country ?? '-', e.count]),
      )}\n`,
    );
  });

program
  .command('relink')
  .description('relink every stored article against the current name index (after a list changed); counts move exactly')
  .option('--endpoint <url>', 'AWS endpoint: the sandbox, LocalStack, or "aws" for AWS itself', DEFAULT_ENDPOINT)
  .option('--profile <name>', 'AWS profile (with --endpoint aws)')
  .option('--bucket <name>', 'bucket name (env RADAR_BUCKET)', process.env.RADAR_BUCKET ?? BUCKET_NAME)
  .option('--table <name>', 'table name (env RADAR_TABLE)', process.env.RADAR_TABLE ?? TABLE_NAME)
  .action(async (o: { endpoint: string; profile?: string; bucket: string; table: string }) => {
    if (o.profile) process.env.AWS_PROFILE = o.profile;
    const env = {
      ...process.env,
      TABLE_NAME: o.table,
      BUCKET_NAME: o.bucket,
      ...(o.endpoint === 'aws'
        ? {}
        : {
            AWS_ENDPOINT_URL: o.endpoint,
            AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
            AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
          }),
    };
    const { relink } = await import('./relink.ts');
    const tty = process.stderr.isTTY;
    const r = await relink(env, (done, total) => {
      if (tty) process.stderr.write(`\rrelinking: ${done}/${total} article objects${done === total ? '\n' : ''}`);
    });
    process.stdout.write(`${green('✓')} ${r.total} article objects checked, ${r.relinked} relinked\n`);
  });

type IngestView = IngestStatus;

class UsageError extends Error {}

function guessPrefix(file: string): 'articles' | 'sanctions' {
  const ext = extname(file).toLowerCase();
  if (['.csv', '.xml', '.zip', '.tsv'].includes(ext) || /sdn|cons_|consolidated|sanction|ftm|dpl/i.test(basename(file)))
    return 'sanctions';
  return 'articles';
}

function query(o: Record<string, unknown>, keys: string[]): string {
  const p = new URLSearchParams();
  for (const k of keys) if (o[k] !== undefined && o[k] !== false) p.set(k, String(o[k]));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function waitForIngest(api: string, key: string, since: Date, timeoutMs: number): Promise<IngestView> {
  const deadline = Date.now() + timeoutMs;
  const path = `ingests/${key.split('/').map(encodeURIComponent).join('/')}`;
  for (;;) {
    const s = await apiGet<IngestView>(api, path).catch((err) => {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    });
    if (s && s.status !== 'processing' && new Date(s.updatedAt).getTime() >= since.getTime() - 1000) return s;
    if (Date.now() > deadline)
      throw new Error(`no ingest result for ${key} after ${timeoutMs / 1000} s; see: radar ingests ${key}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function describeIngest(s: IngestView): string {
  const mark =
    s.status === 'done' || s.status === 'unchanged' || s.status === 'deleted'
      ? green('✓')
      : s.status === 'processing'
        ? yellow('…')
        : red('✗');
  const what = [s.format, s.list, s.version && `version ${s.version}`].filter(Boolean).join(', ');
  let line = `${mark} ${bold(s.key)}: ${s.status}${what ? ` (${what})` : ''} — read ${s.records.read}, written ${s.records.written}, rejected ${s.records.rejected}`;
  if (s.error) line += `\n  ${red('error:')} ${s.error}`;
  for (const r of s.rejections ?? []) line += `\n  ${dim(`rejected at ${r.where}: ${r.reason}`)}`;
  return line;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${red('error:', process.stderr)} ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof UsageError ? 64 : 1;
});
