#!/usr/bin/env node
// Bundles the `radar` CLI (bin/radar.ts and what it imports) into one ES module, dist/cli/radar.mjs, so that a call
// starts in Node's time rather than tsx's (transpiling the TypeScript sources on every start cost 0.3–2.5 s).
//
// Why a build at install time and not committed output: the bundle is ~3.5 MB of mostly AWS SDK code that changes
// with every dependency bump and every edit of shared/; committed, it would go stale and conflict in every merge.
// `npm install`/`npm ci` run this as `prepare`; esbuild is a local devDependency (a native binary, no network), so it
// works offline. Where devDependencies are absent (`npm ci --omit=dev`), `--if-possible` makes it a note, not a
// failure, and bin/radar.js runs the sources through tsx instead.
//
// Plain JavaScript (not TypeScript) because it must run before anything else is built, with Node alone.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist/cli');
export const BUNDLE = join(OUT_DIR, 'radar.mjs');
/** The repository files the bundle was built from: bin/radar.js compares their times with the bundle's. */
export const INPUTS = join(OUT_DIR, 'inputs.json');

/**
 * Builds the bundle. Files are written under temporary names and renamed, so a `radar` started meanwhile sees either
 * the old bundle or the new one, never half of one.
 */
export async function buildCli() {
  const esbuild = await import('esbuild');
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['bin/radar.ts'],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    // CommonJS dependencies (iconv-lite, the SDK's parts) call require(); an ES module has none, so give it one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.includes('node_modules/'))
    // A dependency upgrade changes node_modules, not the sources: the lock file stands for it; and this build itself.
    .concat('package-lock.json', 'scripts/build-cli.mjs')
    .sort();
  const tmpInputs = `${INPUTS}.${process.pid}.tmp`;
  writeFileSync(tmpInputs, `${JSON.stringify({ inputs }, null, 2)}\n`);
  renameSync(tmp, BUNDLE);
  renameSync(tmpInputs, INPUTS);
  return { bundle: BUNDLE, inputs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifPossible = process.argv.includes('--if-possible');
  const started = Date.now();
  try {
    const { inputs } = await buildCli();
    process.stdout.write(
      `radar CLI bundled: ${BUNDLE.slice(ROOT.length + 1)} from ${inputs.length} files in ${Date.now() - started} ms\n`,
    );
  } catch (err) {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && /esbuild/.test(String(err.message));
    if (missing && ifPossible) {
      process.stdout.write(
        'radar CLI not bundled: esbuild is not installed (devDependencies omitted); radar runs via tsx\n',
      );
    } else {
      rmSync(`${BUNDLE}.${process.pid}.tmp`, { force: true });
      process.stderr.write(`radar CLI bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
