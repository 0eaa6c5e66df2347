import { statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { PREFIXES } from '../shared/resources.ts';

/** The prefixes uploads are ingested from, as a user types them (`articles/, sanctions/`). */
export const INGESTED_PREFIXES = Object.values(PREFIXES).join(', ');

export type Prefix = keyof typeof PREFIXES;

/** A mistake in how the CLI was called: exit code 64 (EX_USAGE), and the message says what to type instead. */
export class UsageError extends Error {}

/** Which prefix a file goes to when `--to` is not given: list formats go to sanctions/, everything else is an article. */
export function guessPrefix(file: string): Prefix {
  const ext = extname(file).toLowerCase();
  if (['.csv', '.xml', '.zip', '.tsv'].includes(ext) || /sdn|cons_|consolidated|sanction|ftm|dpl/i.test(basename(file)))
    return 'sanctions';
  return 'articles';
}

/**
 * Why an explicit `--key` cannot be used, or undefined. An object outside the ingested prefixes is stored and never
 * read (the bucket notifies the queues for those prefixes only), so an upload there would silently do nothing.
 */
export function keyProblem(key: string, to?: Prefix): string | undefined {
  const prefix = (Object.keys(PREFIXES) as Prefix[]).find((p) => key.startsWith(PREFIXES[p]));
  if (!prefix)
    return `--key "${key}" is outside the prefixes that are ingested (${INGESTED_PREFIXES}): nothing would read it. Use e.g. --key ${PREFIXES.articles}${basename(key) || 'note.txt'}`;
  if (key.length === PREFIXES[prefix].length || key.endsWith('/'))
    return `--key "${key}" names a folder, not a file: add a file name, e.g. --key ${PREFIXES[prefix]}note.txt`;
  if (to && to !== prefix) return `--to ${to} and --key ${key} disagree: the key's prefix decides; drop one of them`;
  return undefined;
}

/** The key of an upload: `--key`, or the prefix and the file's name. */
export const objectKey = (file: string, prefix: Prefix, key?: string): string =>
  key ?? `${PREFIXES[prefix]}${basename(file)}`;

/** A query string from the options a command passes through to the API (unset and false options left out). */
export function queryString(o: Record<string, unknown>, keys: readonly string[]): string {
  const p = new URLSearchParams();
  for (const k of keys) if (o[k] !== undefined && o[k] !== false) p.set(k, String(o[k]));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** An API path with an object key in it: each segment encoded, the slashes kept (the route takes `{key+}`). */
export const keyPath = (route: string, key: string): string =>
  `${route}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** Fails before anything is uploaded or read when a path given is not a readable file (not half-way through a batch). */
export function assertFiles(files: readonly string[]): void {
  for (const f of files) {
    const st = statSync(f, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`no file ${f} (paths are relative to ${process.cwd()})`);
    if (!st.isFile()) throw new UsageError(`${f} is not a file; give the files themselves (e.g. ${f}/*)`);
  }
}

/**
 * `--endpoint aws` means AWS itself; but the SDK also reads AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) by itself,
 * so one left in the environment for the sandbox would win over the flag. Forget them for this process.
 */
export function forgetEndpointEnv(env: NodeJS.ProcessEnv = process.env): void {
  for (const k of Object.keys(env)) if (k === 'AWS_ENDPOINT_URL' || k.startsWith('AWS_ENDPOINT_URL_')) delete env[k];
}
