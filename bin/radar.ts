import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { BUCKET_NAME, SANDBOX, TABLE_NAME } from '../shared/resources.ts';
import { assertFiles, forgetEndpointEnv, INGESTED_PREFIXES, keyPath, queryString, UsageError } from './args.ts';
import { dim, green, red, table } from './output.ts';

// What runs at every start is only this file, commander and a few constants: each command loads the code it needs
// (the API's schemas, the S3 client, the extractor) when it runs, so `radar --help` answers in Node's start time.
const api = () => import('../shared/query/api.ts');
const client = () => import('./api-client.ts');
const format = () => import('./format.ts');
const articlesApi = () => import('../shared/query/articles.ts');
const formatArticles = () => import('./format-articles.ts');

// The pinned SDK supports Node 20 (the README says when to move to 22); its nine-line notice on every `put` and
// `relink` says nothing a user can act on. The SDK reads this when a client is made, so here is early enough; the
// sandbox silences it the same way.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sandboxApi = `http://${SANDBOX.host}:${process.env.QUERY_PORT ?? SANDBOX.queryPort}`;
const sandboxEdge = `http://${SANDBOX.host}:${process.env.SANDBOX_PORT ?? SANDBOX.edgePort}`;

const program = new Command()
  .name('radar')
  .version(pkg.version)
  .description('sanctions-radar: upload news articles and sanctions lists, and query the counts.')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (s, write) => write(red(s, process.stderr)) })
  .addHelpText(
    'after',
    `
Against the sandbox (radar up) every command works without options. Against LocalStack or AWS, pass --api (the query
Function URL) and --endpoint (or set RADAR_API and AWS_ENDPOINT_URL); "radar <command> --help" says more.`,
  );

const apiOption = () =>
  new Option('--api <url>', 'query API base URL (the sandbox, or a Function URL)').env('RADAR_API').default(sandboxApi);
const endpointOption = () =>
  new Option(
    '--endpoint <url>',
    'AWS endpoint: the sandbox, LocalStack (http://localhost:4566), or "aws" for AWS itself',
  )
    .env('AWS_ENDPOINT_URL')
    .default(sandboxEdge);
const bucketOption = () => new Option('--bucket <name>', 'bucket name').env('RADAR_BUCKET').default(BUCKET_NAME);

const port = (name: string) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new InvalidArgumentError(`${name} must be a port from 1 to 65535.`);
  return n;
};

program
  .command('up')
  .description('start the embedded sandbox (the same as npm start)')
  .option('--memory', 'keep nothing on disk')
  .option('--no-demo', 'do not load the demo data')
  .option('--data-dir <dir>', 'where to keep data', SANDBOX.dataDir)
  .addOption(
    new Option('--port <port>', 'AWS edge port (S3 + DynamoDB)')
      .env('SANDBOX_PORT')
      .default(SANDBOX.edgePort)
      .argParser(port('--port')),
  )
  .addOption(
    new Option('--query-port <port>', 'query API and dashboard port')
      .env('QUERY_PORT')
      .default(SANDBOX.queryPort)
      .argParser(port('--query-port')),
  )
  .addHelpText(
    'after',
    `
Example: radar up --memory --port 4567 --query-port 3001
  then point the other commands at it: RADAR_API=http://127.0.0.1:3001 AWS_ENDPOINT_URL=http://127.0.0.1:4567`,
  )
  .action((o: { memory?: boolean; demo: boolean; dataDir: string; port: number; queryPort: number }) => {
    const root = repositoryRoot();
    const args = [
      '--openssl-legacy-provider',
      '--import',
      'tsx',
      join(root, 'infra/sandbox/main.ts'),
      '--data-dir',
      o.dataDir,
    ];
    if (o.memory) args.push('--memory');
    if (!o.demo) args.push('--no-demo');
    const child = spawn(process.execPath, args, {
      stdio: 'inherit',
      cwd: root,
      // The sandbox stops by itself if this process dies without a word (SIGKILL), never lingering as an orphan.
      env: {
        ...process.env,
        SANDBOX_PORT: String(o.port),
        QUERY_PORT: String(o.queryPort),
        SANDBOX_EXIT_WITH_PARENT: '1',
      },
    });
    // Ctrl-C reaches the child through the terminal's process group; a `kill` of this process alone does not, so pass
    // it on. The sandbox stops once whichever arrives first; then mirror its exit code.
    process.on('SIGINT', () => {});
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
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
  .option('--key <key>', `object key, under ${INGESTED_PREFIXES} (one file only; default: <prefix>/<file name>)`)
  .addOption(endpointOption())
  .option('--profile <name>', 'AWS profile (with --endpoint aws)')
  .addOption(bucketOption())
  .option('--force', 'mark a sanctions list as intended even if it shrinks the list by more than half')
  .option('--no-wait', 'do not wait for the ingest')
  .option('--timeout <seconds>', 'how long to wait for each ingest', '120')
  .addOption(apiOption())
  .option('--json', 'print results as JSON')
  .addHelpText(
    'after',
    `
Examples:
  radar put note.txt                          uploads articles/note.txt, prints what the ingest made of it
  radar put --to sanctions sdn.csv add.csv    an OFAC list and its parts
  radar put --key articles/2026/note.txt note.txt
  radar put --endpoint aws --profile prod --bucket my-radar-bucket --api https://….lambda-url….on.aws/ note.txt`,
  )
  .action(async (files: string[], o: import('./put.ts').PutOptions) => {
    const { put } = await import('./put.ts');
    await put(files, o);
  });

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
    const [{ CountriesResponse }, { apiGet }] = await Promise.all([api(), client()]);
    const r = await apiGet(
      String(o.api),
      `counts/countries${queryString(o, ['list', 'type', 'from', 'to', 'sort', 'limit'])}`,
      CountriesResponse,
    );
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(
      `${table(
        ['country', 'name', 'listed', 'articles', 'mentions', 'listed in news'],
        r.items.map((i) => [
          i.country,
          i.name,
          i.listedEntities,
          i.articles,
          i.mentions,
          i.listedEntitiesInNews ?? 'n/a',
        ]),
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
    const [{ EntitiesResponse }, { apiGet }] = await Promise.all([api(), client()]);
    const r = await apiGet(
      String(o.api),
      `counts/entities${queryString(o, ['country', 'type', 'list', 'listed', 'from', 'to', 'q', 'sort', 'limit'])}`,
      EntitiesResponse,
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

counts
  .command('timeline')
  .description('articles and mentions per day, week or month for one entity, country or list (zero-filled)')
  .option('--entity <id>', 'an entity id, as "radar counts entities" shows it')
  .option('--country <cc>', 'ISO 3166-1 alpha-2 code')
  .option('--list <list>', 'a list (e.g. un-sc): articles naming any entity of it')
  .addOption(new Option('--interval <interval>', 'period length').choices(['day', 'week', 'month']).default('week'))
  .option('--from <date>', 'first day (YYYY-MM-DD; default: 89 days before --to)')
  .option('--to <date>', 'last day (YYYY-MM-DD; default: the newest day with an article)')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .addHelpText(
    'after',
    `
Weeks are ISO weeks (Monday to Sunday, labelled 2026-W10); the range is widened to whole periods. On a terminal a
sparkline of the articles follows the table.

Examples:
  radar counts timeline --country RU                      the last 90 days, per week
  radar counts timeline --entity l:un-sc:690735 --interval month --from 2025-01-01
  radar counts timeline --list us-ofac-sdn --interval day --from 2026-03-01 --to 2026-03-31`,
  )
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const picked = ['entity', 'country', 'list'].filter((k) => o[k] !== undefined);
    if (picked.length !== 1)
      throw new UsageError('name one series: --entity <id>, --country <cc> or --list <list> (see --help)');
    const [{ TimelineResponse }, { apiGet }, f] = await Promise.all([articlesApi(), client(), formatArticles()]);
    const r = await apiGet(
      String(o.api),
      `counts/timeline${queryString(o, ['entity', 'country', 'list', 'interval', 'from', 'to'])}`,
      TimelineResponse,
    );
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(`${f.timelineView(r, Boolean(process.stdout.isTTY))}\n`);
  });

program
  .command('articles')
  .description('the articles behind a count: by entity, country, list, date and title, newest first')
  .option('--entity <id>', 'articles that mention this entity (an id, as "radar counts entities" shows it)')
  .option('--country <cc>', 'articles that name this country (ISO 3166-1 alpha-2)')
  .option('--list <list>', 'articles that name an entity of this list (e.g. un-sc)')
  .addOption(new Option('--listed <bool>', 'only articles that name a listed entity (true)').choices(['true']))
  .option('--from <date>', 'published on or after (YYYY-MM-DD)')
  .option('--to <date>', 'published on or before (YYYY-MM-DD)')
  .option('-q, --q <text>', 'title contains (case and accents ignored)')
  .addOption(new Option('--sort <order>', 'newest (-date) or oldest (date) first').choices(['-date', 'date']))
  .option('--limit <n>', 'rows (at most 100)', '20')
  .option('--cursor <cursor>', 'the next page: the cursor a previous --json answer gave')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .addHelpText(
    'after',
    `
One filter of --entity, --country, --list, --listed at a time; --from/--to/--q combine with it.

Examples:
  radar articles                                   the newest 20
  radar articles --country KP --from 2026-01-01    naming North Korea since January (undated ones are counted apart)
  radar articles --entity l:un-sc:690735 --json    with the sentence that names it and a cursor for the next page
  radar articles --q tanker --limit 50`,
  )
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const [{ ArticlesResponse }, { apiGet }, f] = await Promise.all([articlesApi(), client(), formatArticles()]);
    const keys = ['entity', 'country', 'list', 'listed', 'from', 'to', 'q', 'sort', 'limit', 'cursor'];
    const r = await apiGet(String(o.api), `articles${queryString(o, keys)}`, ArticlesResponse);
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    const filtered = Boolean(o.entity || o.country || o.list || o.listed);
    process.stdout.write(`${f.articlesTable(r, filtered)}\n`);
    if (r.nextCursor) process.stdout.write(dim(`(more: raise --limit, or --cursor ${r.nextCursor})\n`));
  });

program
  .command('article')
  .description('one article: title, date, source, its first paragraphs, the entities and countries it names')
  .argument('<id>', 'an article id, as "radar articles" shows it')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .addHelpText('after', '\nExample:\n  radar article 3f2a…   (the id column of radar articles)')
  .action(async (id: string, o: { api: string; json?: boolean }) => {
    const [{ ArticleDetailResponse }, { apiGet }, f] = await Promise.all([articlesApi(), client(), formatArticles()]);
    const a = await apiGet(o.api, `articles/${encodeURIComponent(id)}`, ArticleDetailResponse);
    process.stdout.write(o.json ? `${JSON.stringify(a, null, 2)}\n` : `${f.articleView(a)}\n`);
  });

/** How many matches a name search offers (per search: over the news, and over the lists). */
const MATCHES = 20;

program
  .command('entity')
  .description('one entity: names, countries, lists, and the articles that mention it; or find one by name')
  .argument(
    '<id-or-name>',
    'an entity id as "radar counts entities" shows it (l:<list>:<sourceId>, m:<kind>:<name>), or a name to look for',
  )
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .addHelpText(
    'after',
    `
Examples:
  radar entity l:un-sc:690735           one listed entity, by id
  radar entity KOMID                    by name or alias: one match is shown, several are listed with their ids
  radar entity "Korea Mining" --json`,
  )
  .action(async (arg: string, o: { api: string; json?: boolean }) => {
    const [{ EntitiesResponse, EntityDetailResponse }, { apiGet, ApiError }, f, { parseEntityId }] = await Promise.all([
      api(),
      client(),
      format(),
      import('../shared/domain/keys.ts'),
    ]);
    const show = async (id: string) => {
      const e = await apiGet(o.api, `entities/${encodeURIComponent(id)}`, EntityDetailResponse);
      process.stdout.write(o.json ? `${JSON.stringify(e, null, 2)}\n` : `${f.entityView(e)}\n`);
    };
    if (parseEntityId(arg)) {
      try {
        return await show(arg);
      } catch (err) {
        if (err instanceof ApiError && err.status === 404)
          throw new Error(`${err.message}\n  look it up by name instead: radar entity "<name>"`);
        throw err;
      }
    }
    // Not an id: a name (or alias) prefix, searched in the news and in the lists, as the two can hold different ones.
    const search = (extra: string) =>
      apiGet(o.api, `counts/entities?q=${encodeURIComponent(arg)}&limit=${MATCHES}${extra}`, EntitiesResponse);
    const [news, lists] = await Promise.all([search(''), search('&listed=true')]);
    const matches = f.mergeMatches(news.items, lists.items);
    if (matches.length === 0)
      throw new Error(
        `no entity is named "${arg}" (nor has a name or alias starting so) in the lists or the news; see what there is: radar counts entities --q <prefix>`,
      );
    if (matches.length === 1) return await show(matches[0]!.id);
    if (o.json) return void process.stdout.write(`${JSON.stringify({ query: arg, matches }, null, 2)}\n`);
    process.stdout.write(`${f.matchesView(arg, matches)}\n`);
    if (news.nextCursor || lists.nextCursor)
      process.stdout.write(dim(`(first ${MATCHES} of each search: narrow the name)\n`));
  });

program
  .command('ingests')
  .description('what happened to each uploaded file, newest first')
  .argument('[key]', 'one object key')
  .option('--limit <n>', 'rows', '50')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .action(async (key: string | undefined, o: { api: string; json?: boolean; limit: string }) => {
    const [{ IngestResponse, IngestsResponse }, { apiGet, ApiError }, f] = await Promise.all([
      api(),
      client(),
      format(),
    ]);
    if (key) {
      const s = await apiGet(o.api, keyPath('ingests', key), IngestResponse).catch((err) => {
        if (err instanceof ApiError && err.status === 404)
          throw new Error(
            `${err.message}\n  the keys ingested so far: radar ingests (an upload's key is <prefix>/<file name>)`,
          );
        throw err;
      });
      process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${f.describeIngest(s)}\n`);
      return;
    }
    const r = await apiGet(o.api, `ingests?limit=${encodeURIComponent(o.limit)}`, IngestsResponse);
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(`${f.ingestsTable(r.items)}\n`);
    if (r.nextCursor) process.stdout.write(dim('(more rows: raise --limit)\n'));
  });

program
  .command('changes')
  .description('what each new list version added (ADD), changed (MOD) and removed (DEL), newest first, with the news')
  .option('--list <list>', 'only this list (e.g. us-ofac-sdn, un-sc)')
  .option('--since <date>', 'changes on or after (YYYY-MM-DD)')
  .addOption(new Option('--type <type>', 'only this kind of change').choices(['ADD', 'MOD', 'DEL']))
  .option('--country <cc>', 'only entities of this country (ISO code, e.g. KP)')
  .option('--limit <n>', 'rows', '50')
  .addOption(apiOption())
  .option('--json', 'print the API response as JSON')
  .addHelpText(
    'after',
    `
"before" and "after" count the articles that mention the entity in the 30 days before the change and from its day on.

Examples:
  radar changes --list us-ofac-sdn --since 2026-01-01
  radar changes --type DEL --country RU --json`,
  )
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const [{ ChangesResponse }, { apiGet }, f] = await Promise.all([
      import('../shared/query/changes.ts'),
      client(),
      format(),
    ]);
    const r = await apiGet(
      String(o.api),
      `changes${queryString(o, ['list', 'since', 'type', 'country', 'limit'])}`,
      ChangesResponse,
    );
    if (o.json) return void process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(`${f.changesTable(r.items)}\n`);
    if (r.nextCursor) process.stdout.write(dim('(more rows: raise --limit)\n'));
  });

program
  .command('extract')
  .description('print the people, organisations and places the extractor finds in an article file (no upload)')
  .argument('<file>', 'an article file: text, Markdown, HTML, JSON or NDJSON')
  .option('--json', 'print { "entities": [...] } as JSON')
  .action(async (file: string, o: { json?: boolean }) => {
    assertFiles([file]);
    const { extractFile } = await import('./extract-file.ts');
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
  .description(
    'relink the stored articles that name a listed name changed since the last relink against the current name index (run after every list change, too); counts move exactly',
  )
  .option('--all', 'relink every stored article object (the full pass), not only those naming a changed name')
  .addOption(endpointOption())
  .option('--profile <name>', 'AWS profile (with --endpoint aws)')
  .addOption(bucketOption())
  .addOption(new Option('--table <name>', 'table name').env('RADAR_TABLE').default(TABLE_NAME))
  .addHelpText(
    'after',
    `
Examples:
  radar relink                                the articles under names a list change added, changed or removed
  radar relink --all                          every stored article (after changing the linker itself)
  radar relink --endpoint aws --profile prod --bucket my-radar-bucket --table my-radar-table`,
  )
  .action(async (o: { endpoint: string; profile?: string; bucket: string; table: string; all?: boolean }) => {
    if (o.profile) process.env.AWS_PROFILE = o.profile;
    if (o.endpoint === 'aws') forgetEndpointEnv();
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
    const r = await relink(
      env,
      (done, total) => {
        if (tty) process.stderr.write(`\rrelinking: ${done}/${total} article objects${done === total ? '\n' : ''}`);
      },
      { all: o.all === true },
    );
    const what =
      r.mode === 'all'
        ? `every article object${r.reason ? ` (${r.reason})` : ''}`
        : r.skipped
          ? 'nothing to relink: the articles are linked against the current name index'
          : `${r.changedKeys ?? 0} changed name keys`;
    process.stdout.write(`${green('✓')} ${what}: ${r.total} article objects checked, ${r.relinked} relinked\n`);
  });

/**
 * The repository the sandbox runs from: this file is bin/radar.ts in the sources and dist/cli/radar.mjs in the
 * bundle, so look upwards for the sandbox rather than assume a depth.
 */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = resolve(dir, '..')) if (existsSync(join(dir, 'infra/sandbox/main.ts'))) return dir;
  throw new Error('radar up runs the sandbox from the repository (infra/sandbox/main.ts), which is not beside radar');
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${red('error:', process.stderr)} ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof UsageError ? 64 : 1;
});
