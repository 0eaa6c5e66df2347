import { readFileSync } from 'node:fs';

/**
 * The dashboard's page and script, as text. The page is functions/query/dashboard.html; the script is the bundle
 * scripts/build-dashboard.mjs makes of functions/query/dashboard*.js and its chart library (dist/dashboard/, built at
 * `npm install` and before `cdk synth`). In the Lambda bundle esbuild inlines both files as strings (the
 * `with { type: 'text' }` import attribute); Node and tsx (the sandbox, the tests) refuse that attribute, so there
 * the same files are read once, from disk, after rebuilding the script if a source of it is newer. Either way they are
 * read at cold start, never per request.
 */
async function asText(imported: () => Promise<{ default: unknown }>, file: string): Promise<string> {
  try {
    const m = await imported();
    if (typeof m.default === 'string') return m.default;
  } catch {
    // Not bundled: Node has no text imports (ERR_IMPORT_ATTRIBUTE_TYPE_UNSUPPORTED); read the file below.
  }
  return readFileSync(new URL(file, import.meta.url), 'utf8');
}

/**
 * Outside the Lambda bundle: rebuild the script when it is missing or older than a source (a pull, an edit), as
 * bin/radar.js does for the CLI. Where it cannot be built (no esbuild: `npm ci --omit=dev`), the page says how.
 */
async function freshScript(): Promise<string | undefined> {
  try {
    // A computed specifier: esbuild leaves it alone, so the build script never enters the Lambda bundle.
    const build = new URL('../../scripts/build-dashboard.mjs', import.meta.url).href;
    const { ensureDashboard } = (await import(build)) as { ensureDashboard: () => Promise<string | null> };
    const note = await ensureDashboard();
    if (note) process.stderr.write(`dashboard: ${note}\n`);
    return undefined;
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return `document.getElementById('status').textContent = ${JSON.stringify(
      `The dashboard script is not built (${why}). Run: npm run build:dashboard`,
    )};`;
  }
}

// Each import is spelt out with a literal path: that is what lets esbuild find and inline the file.
export const DASHBOARD_HTML = await asText(
  () => import('./dashboard.html', { with: { type: 'text' } }),
  './dashboard.html',
);
export const DASHBOARD_JS = await (async () => {
  try {
    const m = await import('../../dist/dashboard/dashboard.js', { with: { type: 'text' } });
    if (typeof m.default === 'string') return m.default;
  } catch {
    // Not bundled (see asText); a missing build is handled below.
  }
  return (await freshScript()) ?? readFileSync(new URL('../../dist/dashboard/dashboard.js', import.meta.url), 'utf8');
})();
