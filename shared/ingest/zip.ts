import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { InvalidInputError } from '../errors.ts';

export interface ZipLimits {
  maxEntries: number;
  /** Sum of the entries' uncompressed sizes. */
  maxTotalBytes: number;
  /** Uncompressed / compressed, per entry: a zip bomb compresses far beyond what text does. */
  maxRatio: number;
}
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 64, maxTotalBytes: 2 * 1024 ** 3, maxRatio: 200 };

export interface ZipEntryRef {
  name: string;
  size: number;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/**
 * Opens a zip upload (spooled to a temporary file: zip needs random access) and checks it before anything is read:
 * entry count, total size and compression ratio (zip bombs), and names (no absolute paths, no `..`: nothing is ever
 * written under an entry's name, but such a name is a sign of a hostile file). yauzl also checks that each entry's
 * declared size is the size it inflates to.
 */
export async function openZip(
  body: AsyncIterable<Uint8Array>,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<{ entries: ZipEntryRef[]; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'radar-zip-'));
  const path = join(dir, 'upload.zip');
  await pipeline(Readable.from(body), createWriteStream(path));
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
      (err, z) =>
        err ? reject(new InvalidInputError(`not a readable zip file: ${err.message}`, { where: 'zip' })) : resolve(z),
    ),
  );
  const close = () => {
    zip.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const entries: ZipEntryRef[] = [];
    let total = 0;
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) => {
        // yauzl refuses unsafe names itself, before our own check sees them.
        const unsafe = /invalid relative path: (.*)$|absolute path: (.*)$/.exec(err.message);
        if (unsafe)
          return reject(
            new InvalidInputError(`zip entry name "${unsafe[1] ?? unsafe[2]}" points outside the archive`, {
              where: `zip entry ${unsafe[1] ?? unsafe[2]}`,
            }),
          );
        reject(new InvalidInputError(`corrupt zip: ${err.message}`, { where: 'zip' }));
      });
      zip.on('end', () => resolve());
      zip.on('entry', (e: yauzl.Entry) => {
        try {
          if (/\/$/.test(e.fileName)) return zip.readEntry(); // a folder
          if (e.fileName.startsWith('/') || /(^|[\\/])\.\.([\\/]|$)/.test(e.fileName) || /^[a-z]:/i.test(e.fileName))
            throw new InvalidInputError(`zip entry name "${e.fileName}" points outside the archive`, {
              where: `zip entry ${e.fileName}`,
            });
          if (entries.length >= limits.maxEntries)
            throw new InvalidInputError(`zip holds more than ${limits.maxEntries} files`, { where: 'zip' });
          total += e.uncompressedSize;
          if (total > limits.maxTotalBytes)
            throw new InvalidInputError(`zip inflates to more than ${limits.maxTotalBytes} bytes`, {
              where: `zip entry ${e.fileName}`,
            });
          if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize / Math.max(1, e.compressedSize) > limits.maxRatio)
            throw new InvalidInputError(
              `zip entry ${e.fileName} compresses ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))}:1 (a zip bomb?)`,
              { where: `zip entry ${e.fileName}` },
            );
          entries.push({
            name: e.fileName,
            size: e.uncompressedSize,
            open: () =>
              new Promise((res, rej) =>
                zip.openReadStream(e, (err, stream) =>
                  err
                    ? rej(
                        new InvalidInputError(`zip entry ${e.fileName}: ${err.message}`, {
                          where: `zip entry ${e.fileName}`,
                        }),
                      )
                    : res(asInvalidInput(stream, e.fileName)),
                ),
              ),
          });
          zip.readEntry();
        } catch (err) {
          reject(err);
        }
      });
      zip.readEntry();
    });
    return { entries, close };
  } catch (err) {
    close();
    throw err;
  }
}

/**
 * An entry's data as it inflates: any failure (above all yauzl's check that an entry inflates to exactly the size it
 * declares, which stops a zip bomb that lies about its size) is the file's fault, not a transient one.
 */
async function* asInvalidInput(stream: AsyncIterable<Uint8Array>, name: string): AsyncGenerator<Uint8Array> {
  try {
    yield* stream;
  } catch (err) {
    throw new InvalidInputError(`zip entry ${name}: ${(err as Error).message}`, { where: `zip entry ${name}` });
  }
}
