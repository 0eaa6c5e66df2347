#!/usr/bin/env node
// Runs the bundled CLI, dist/cli/<build>/radar.mjs (scripts/build-cli.mjs; `npm install` and `npm ci` build it as
// `prepare`): it starts in ~0.1 s where running the TypeScript sources through tsx took 0.3–2.5 s. In a checkout whose
// sources changed since the bundle was built (a pull, an edit), it rebuilds first, once; where it cannot build (no
// esbuild), it runs the sources through tsx and says so. RADAR_FROM_SOURCE=1 runs the sources on purpose (stack traces
// in .ts).
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = new URL('../', import.meta.url);

/**
 * The entry of the current build (dist/cli/current.json names it), or why it cannot be run as it is: missing, or
 * older than a file it was built from.
 */
function currentBuild() {
  let current;
  try {
    current = JSON.parse(readFileSync(new URL('dist/cli/current.json', root), 'utf8'));
  } catch {
    return { problem: 'there is no bundle (dist/cli/current.json)' };
  }
  const entry = new URL(`dist/cli/${current.build}/radar.mjs`, root);
  if (!statSync(entry, { throwIfNoEntry: false })) return { problem: `the bundle ${current.build} is gone` };
  // One stat per source file (~40): about a millisecond.
  for (const f of current.inputs)
    if (statSync(new URL(f, root), { throwIfNoEntry: false })?.mtimeMs > current.startedAt)
      return { problem: `${f} changed` };
  return { entry };
}

const note = (s) => process.stderr.write(`radar: ${s}\n`);

const found = process.env.RADAR_FROM_SOURCE ? { problem: 'RADAR_FROM_SOURCE is set' } : currentBuild();
if (found.entry) {
  await import(found.entry.href);
} else {
  let built;
  if (!process.env.RADAR_FROM_SOURCE) {
    try {
      const { buildCli } = await import(new URL('scripts/build-cli.mjs', root).href);
      const started = Date.now();
      built = (await buildCli()).entry;
      note(`${found.problem}: rebuilt the bundle in ${Date.now() - started} ms`);
    } catch (err) {
      note(
        `${found.problem} and it could not be built (${err instanceof Error ? err.message.split('\n')[0] : err}); running ` +
          'the TypeScript sources through tsx (slower start). `npm run build:cli` builds it.',
      );
    }
  }
  if (built) await import(pathToFileURL(built).href);
  else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(new URL('bin/radar.ts', root).href);
  }
}
