#!/usr/bin/env node
// Bundles the `radar` CLI (bin/radar.ts and what it imports) into ES modules under dist/cli/, so that a call starts in
// Node's time rather than tsx's (transpiling the TypeScript sources on every start cost 0.3–2.5 s). The code is split
// at the CLI's lazy imports: a start loads the entry (commander and the command table, ~140 KB), and a command loads
// the chunks it needs (the S3 client for `put`, the extractor for `extract`), not the 3.5 MB of all of them.
//
// Why a build at install time and not committed output: the bundle is mostly AWS SDK code that changes with every
// dependency bump and every edit of shared/; committed, it would go stale and conflict in every merge.
// `npm install`/`npm ci` run this as `prepare`; esbuild is a local devDependency (a native binary, no network), so it
// works offline. Where devDependencies are absent (`npm ci --omit=dev`), `--if-possible` makes it a note, not a
// failure, and bin/radar.js runs the sources through tsx instead.
//
// Plain JavaScript (not TypeScript) because it must run before anything else is built, with Node alone.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist/cli');
/** Which build is current, when it started, and the repository files it was made from (bin/radar.js reads it). */
export const CURRENT = join(OUT_DIR, 'current.json');
/** A build no longer current is removed once this old: a `radar` started on it has loaded its chunks long before. */
const KEEP_OLD_MS = 10 * 60_000;

/**
 * Builds the CLI into a folder of its own (dist/cli/build-<time>-<pid>/), then points current.json at it with one
 * rename: a `radar` started meanwhile runs the old build or the new one, never a mix, and two builds at once do not
 * write over each other's chunks.
 */
export async function buildCli() {
  const esbuild = await import('esbuild');
  const startedAt = Date.now();
  const build = `build-${startedAt}-${process.pid}`;
  mkdirSync(OUT_DIR, { recursive: true });
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ['bin/radar.ts'],
      outdir: join(OUT_DIR, build),
      entryNames: '[name]',
      chunkNames: 'chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      logLevel: 'warning',
      legalComments: 'none',
      // CommonJS dependencies (iconv-lite, the SDK's parts) call require(); an ES module has none, so give it one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
  } catch (err) {
    rmSync(join(OUT_DIR, build), { recursive: true, force: true });
    throw err;
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.includes('node_modules/'))
    // A dependency upgrade changes node_modules, not the sources: the lock file stands for it; and this build itself.
    .concat('package-lock.json', 'scripts/build-cli.mjs')
    .sort();
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ build, startedAt, inputs }, null, 2)}\n`);
  renameSync(tmp, CURRENT);
  for (const old of readdirSync(OUT_DIR)) {
    const p = join(OUT_DIR, old);
    if (old.startsWith('build-') && old !== build && Date.now() - statSync(p).mtimeMs > KEEP_OLD_MS)
      rmSync(p, { recursive: true, force: true });
  }
  return { entry: join(OUT_DIR, build, 'radar.mjs'), inputs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifPossible = process.argv.includes('--if-possible');
  const started = Date.now();
  try {
    const { entry, inputs } = await buildCli();
    process.stdout.write(
      `radar CLI bundled: ${entry.slice(ROOT.length + 1)} from ${inputs.length} files in ${Date.now() - started} ms\n`,
    );
  } catch (err) {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(String(err.message));
    if (missing && ifPossible) {
      process.stdout.write(
        'radar CLI not bundled: esbuild is not installed (devDependencies omitted); radar runs via tsx\n',
      );
    } else {
      process.stderr.write(`radar CLI bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
