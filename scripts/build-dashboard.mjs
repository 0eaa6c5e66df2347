#!/usr/bin/env node
// Bundles the dashboard's script (functions/query/dashboard.js and the dashboard-*.js modules it imports, with
// Observable Plot, d3 and topojson-client) and the world's country shapes (world-atlas, countries-110m) into one
// browser file, dist/dashboard/dashboard.js. The query function serves it as /dashboard.js: in the sandbox and the
// tests it is read from disk (functions/query/assets.ts, which rebuilds it first when a source is newer); in the
// Lambda bundle esbuild inlines it as text at `cdk synth` time (cdk.json builds it before the app runs).
//
// Why a build and not a CDN or a build in the browser: the page's Content-Security-Policy allows scripts from its own
// origin only, the sandbox runs offline, and a browser should not download a bundler. Why not committed output: the
// bundle is 400 KB of library code that changes with every dependency bump; committed, it would go stale and conflict
// in every merge (same reasoning as scripts/build-cli.mjs).
//
// Plain JavaScript (not TypeScript) because it runs at `npm install` (`prepare`), before anything else is built.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist/dashboard');
export const OUT_FILE = join(OUT_DIR, 'dashboard.js');
/** When the current bundle was built and the repository files it was made from (the staleness check reads it). */
export const CURRENT = join(OUT_DIR, 'current.json');
/** The first line of the bundle: names what it is and the licences of what it holds (the infra test looks for it). */
export const BANNER =
  '/*! sanctions-radar dashboard, bundled by scripts/build-dashboard.mjs. Includes Observable Plot, d3, ' +
  'topojson-client and world-atlas (ISC licences; country shapes from Natural Earth, public domain). */';

/**
 * world-atlas ids are ISO 3166-1 numeric codes (as strings, "036"); our API speaks alpha-2. i18n-iso-countries (a
 * dependency already, the country resolver's dataset) maps them; three shapes have no numeric code in world-atlas
 * and are named here: Kosovo is XK in our data (shared/domain/country-data.ts), the other two are not states we count.
 */
const BY_NAME = { Kosovo: 'XK' };

/** The countries-110m TopoJSON with each geometry's id replaced by its alpha-2 code (null when it has none). */
function worldTopology() {
  const require = createRequire(import.meta.url);
  const countries = require('i18n-iso-countries');
  const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8'));
  for (const g of topo.objects.countries.geometries) {
    const cc = (g.id && countries.numericToAlpha2(g.id)) || BY_NAME[g.properties?.name] || null;
    g.id = cc;
  }
  return topo;
}

/** A module that esbuild cannot find on disk: `import world from 'virtual:world'` in dashboard-charts.js. */
const worldPlugin = {
  name: 'world',
  setup(build) {
    build.onResolve({ filter: /^virtual:world$/ }, () => ({ path: 'world', namespace: 'virtual' }));
    build.onLoad({ filter: /.*/, namespace: 'virtual' }, () => ({
      contents: JSON.stringify(worldTopology()),
      loader: 'json',
      resolveDir: ROOT,
    }));
  },
};

/** Builds the bundle: written beside, then renamed over the old one, so a reader never sees half a file. */
export async function buildDashboard() {
  const esbuild = await import('esbuild');
  const startedAt = Date.now();
  mkdirSync(OUT_DIR, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ['functions/query/dashboard.js'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    // What the browsers of 2024 run; the page is no place for a polyfill.
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    banner: { js: BANNER },
    metafile: true,
    logLevel: 'warning',
    plugins: [worldPlugin],
  });
  const code = result.outputFiles[0].text;
  const tmp = `${OUT_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, OUT_FILE);
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.includes('node_modules/') && !f.startsWith('virtual:'))
    // A dependency upgrade changes node_modules, not the sources: the lock file stands for it; and this build itself.
    .concat('package-lock.json', 'scripts/build-dashboard.mjs')
    .sort();
  const tmpCurrent = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmpCurrent, `${JSON.stringify({ startedAt, bytes: Buffer.byteLength(code), inputs }, null, 2)}\n`);
  renameSync(tmpCurrent, CURRENT);
  return { file: OUT_FILE, bytes: Buffer.byteLength(code), inputs };
}

/** Why the bundle on disk cannot be served as it is (missing, or older than a file it was made from), or null. */
export function staleness() {
  let current;
  try {
    current = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return 'there is no bundle (dist/dashboard/current.json)';
  }
  if (!statSync(OUT_FILE, { throwIfNoEntry: false })) return 'dist/dashboard/dashboard.js is gone';
  for (const f of current.inputs)
    if ((statSync(join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs ?? 0) > current.startedAt) return `${f} changed`;
  return null;
}

/** Rebuilds only when a source is newer than the bundle; says what it did (null: nothing to do). */
export async function ensureDashboard() {
  const why = staleness();
  if (!why) return null;
  const { bytes } = await buildDashboard();
  return `${why}: rebuilt dist/dashboard/dashboard.js (${Math.round(bytes / 1024)} KB)`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifPossible = process.argv.includes('--if-possible');
  const ifStale = process.argv.includes('--if-stale');
  const started = Date.now();
  try {
    if (ifStale && !staleness()) process.stdout.write('dashboard bundle is current\n');
    else {
      const { bytes, inputs } = await buildDashboard();
      process.stdout.write(
        `dashboard bundled: dist/dashboard/dashboard.js (${Math.round(bytes / 1024)} KB) from ${inputs.length} files in ${Date.now() - started} ms\n`,
      );
    }
  } catch (err) {
    const missing = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND';
    if (missing && ifPossible) {
      process.stdout.write(
        'dashboard not bundled: esbuild or a chart library is not installed (devDependencies omitted); ' +
          'the page explains how to build it\n',
      );
    } else {
      process.stderr.write(`dashboard bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
