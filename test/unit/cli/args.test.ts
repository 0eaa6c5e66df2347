import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertFiles,
  forgetEndpointEnv,
  guessPrefix,
  keyPath,
  keyProblem,
  objectKey,
  queryString,
  UsageError,
} from '../../../bin/args.ts';

describe('radar put --key', () => {
  it.each(['articles/note.txt', 'articles/2026/03/note.md', 'sanctions/un/consolidated.xml'])(
    'takes a key under an ingested prefix: %s',
    (key) => {
      expect(keyProblem(key)).toBeUndefined();
    },
  );

  it.each(['notes/note.txt', 'note.txt', '/articles/note.txt', 'Articles/note.txt', 'index/names.json'])(
    'refuses %s, naming the prefixes that are ingested',
    (key) => {
      // Act
      const problem = keyProblem(key);
      // Assess
      expect(problem).toContain(`"${key}" is outside the prefixes that are ingested (articles/, sanctions/)`);
      expect(problem).toMatch(/Use e\.g\. --key articles\/\S+/);
    },
  );

  it('refuses a key that names a folder, and a --to that disagrees with the key', () => {
    expect(keyProblem('articles/')).toMatch(/names a folder.*--key articles\/note\.txt/);
    expect(keyProblem('sanctions/un/')).toMatch(/names a folder/);
    expect(keyProblem('articles/x.csv', 'sanctions')).toMatch(/--to sanctions and --key articles\/x\.csv disagree/);
    expect(keyProblem('sanctions/x.csv', 'sanctions')).toBeUndefined();
  });

  it('without --key, puts a file under the prefix its type suggests', () => {
    expect(objectKey('/data/sdn.csv', guessPrefix('/data/sdn.csv'))).toBe('sanctions/sdn.csv');
    expect(objectKey('notes/cli note.txt', guessPrefix('cli note.txt'))).toBe('articles/cli note.txt');
    expect(objectKey('a.txt', 'articles', 'articles/b.txt')).toBe('articles/b.txt');
  });
});

describe('API paths', () => {
  it('encodes each segment of an object key but keeps its slashes', () => {
    expect(keyPath('ingests', 'articles/cli note?.txt')).toBe('ingests/articles/cli%20note%3F.txt');
  });

  it('passes only the options that are set', () => {
    expect(queryString({ list: 'un-sc', type: undefined, json: false, limit: '25' }, ['list', 'type', 'limit'])).toBe(
      '?list=un-sc&limit=25',
    );
    expect(queryString({}, ['list'])).toBe('');
  });
});

describe('files given to put and extract', () => {
  it('are checked before anything is read or uploaded: a missing path or a folder is a usage error', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'radar-args-'));
    const file = join(dir, 'note.txt');
    writeFileSync(file, 'x');
    // Act / Assess
    expect(() => assertFiles([file])).not.toThrow();
    expect(() => assertFiles([file, join(dir, 'missing.txt')])).toThrow(UsageError);
    expect(() => assertFiles([join(dir, 'missing.txt')])).toThrow(/^no file .*missing\.txt \(paths are relative to /);
    expect(() => assertFiles([dir])).toThrow(/is not a file; give the files themselves/);
  });
});

describe('--endpoint aws', () => {
  it('forgets the endpoint variables the SDK would otherwise follow, and nothing else', () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
      AWS_PROFILE: 'prod',
      AWS_REGION: 'eu-west-1',
    };
    // Act
    forgetEndpointEnv(env);
    // Assess
    expect(env).toEqual({ AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1' });
  });
});
