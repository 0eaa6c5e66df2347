import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArticles } from '../../../shared/domain/article-formats.ts';
import { hasSharedData, SKIP_SHARED, sharedData } from '../../helpers/shared-data.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The files git tracks (what a clone gets); undefined where this is not a git checkout (an unpacked tarball). */
function trackedFiles(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}
const tracked = trackedFiles();
const SKIP_GIT = 'skipped: not a git checkout (no `git ls-files`), so there is no list of committed files to check';

/** Text of a tracked file, or undefined for a binary one (a NUL byte) or one deleted in the work tree. */
function textOf(file: string): string | undefined {
  try {
    const t = readFileSync(join(ROOT, file), 'utf8');
    return t.includes('\0') ? undefined : t;
  } catch {
    return undefined;
  }
}

/** Lower-case words, punctuation dropped: how a quoted passage is compared, whatever its quotes and line breaks. */
const words = (s: string): string[] =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);

/** Runs of this many words taken from an article are a quoted sentence; shorter runs are names, titles and idioms. */
const RUN = 8;

describe.skipIf(!tracked)(`repository hygiene (${tracked ? 'git checkout' : SKIP_GIT})`, () => {
  it('no committed file names a path of a development machine', () => {
    // An absolute path under a home, user or work folder, or /tmp (a relative `../tmp/x` in a test input is not one).
    const machinePath = /(?<![\w.~-])\/(?:home|Users|work|tmp|root)\/[\w.-]+/;
    const found = tracked!.flatMap((f) =>
      (textOf(f) ?? '')
        .split('\n')
        .map((line, i) => ({ f, line: i + 1, hit: machinePath.exec(line)?.[0] }))
        .filter((x) => x.hit),
    );
    expect(found).toEqual([]);
  });

  describe.skipIf(!hasSharedData)(
    `no text of the team's real articles (${hasSharedData ? 'present' : SKIP_SHARED})`,
    () => {
      it(`no committed file holds ${RUN} words in a row of a real article's title or story`, () => {
        // Prepare: every run of RUN words of every title and cleaned story in ../shared/data/articles.
        const dir = sharedData('articles');
        const runs = new Map<string, string>();
        const walk = (d: string): void => {
          for (const name of readdirSync(d)) {
            const p = join(d, name);
            if (statSync(p).isDirectory()) walk(p);
            else if (name !== 'PROVENANCE.md')
              for (const a of parseArticles(readFileSync(p, 'utf8'), `articles/${p.slice(dir.length + 1)}`).articles) {
                for (const text of [a.title ?? '', a.body]) {
                  const w = words(text);
                  for (let i = 0; i + RUN <= w.length; i++)
                    runs.set(w.slice(i, i + RUN).join(' '), p.slice(dir.length + 1));
                }
              }
          }
        };
        walk(dir);
        expect(runs.size).toBeGreaterThan(1000);
        // Act
        const found: { file: string; article: string }[] = [];
        for (const f of tracked!) {
          const w = words(textOf(f) ?? '');
          for (let i = 0; i + RUN <= w.length; i++) {
            const article = runs.get(w.slice(i, i + RUN).join(' '));
            if (article) {
              // Say where, not what: the report must not repeat the text either.
              found.push({ file: f, article });
              break;
            }
          }
        }
        // Assess
        expect(found).toEqual([]);
      });
    },
  );
});
