#!/usr/bin/env node
// Runs the bundled CLI, dist/cli/radar.mjs (scripts/build-cli.mjs; `npm install` and `npm ci` build it as `prepare`):
// it starts in ~0.1 s where running the TypeScript sources through tsx took 0.3–2.5 s. In a checkout whose sources
// changed since the bundle was built (a pull, an edit), it rebuilds first, once; where it cannot build (no esbuild),
// it runs the sources through tsx and says so. RADAR_FROM_SOURCE=1 runs the sources on purpose (stack traces in .ts).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/cli/radar.mjs', root);

/** Why the bundle cannot be run as it is (missing, or older than a file it was built from), or undefined. */
function bundleProblem() {
  let built;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return 'there is no bundle (dist/cli/radar.mjs)';
  }
  try {
    const { inputs } = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8'));
    // One stat per source file (~60): about a millisecond.
    for (const f of inputs)
      if (statSync(new URL(f, root), { throwIfNoEntry: false })?.mtimeMs > built) return `${f} changed`;
  } catch {
    return 'the bundle has no list of its sources';
  }
  return undefined;
}

const note = (s) => process.stderr.write(`radar: ${s}\n`);

const problem = process.env.RADAR_FROM_SOURCE ? 'RADAR_FROM_SOURCE is set' : bundleProblem();
if (!problem) {
  await import(bundle.href);
} else {
  let built = false;
  if (!process.env.RADAR_FROM_SOURCE) {
    try {
      const { buildCli } = await import(new URL('scripts/build-cli.mjs', root).href);
      const started = Date.now();
      await buildCli();
      note(`${problem}: rebuilt the bundle in ${Date.now() - started} ms`);
      built = true;
    } catch (err) {
      note(
        `${problem} and it could not be built (${err instanceof Error ? err.message.split('\n')[0] : err}); running the ` +
          'TypeScript sources through tsx (slower start). `npm run build:cli` builds it.',
      );
    }
  }
  if (built) await import(bundle.href);
  else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(fileURLToPath(new URL('bin/radar.ts', root)));
  }
}
