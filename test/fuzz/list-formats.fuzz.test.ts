import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes, decodeStream } from '../../shared/domain/encoding.ts';
import { LIST_FORMATS } from '../../shared/domain/sanctions/registry.ts';
import type { ListFormat, ParsedRecord } from '../../shared/domain/sanctions/types.ts';
import {
  bounded,
  chunk,
  chunkingArb,
  comparable,
  MB,
  mutate,
  mutationArb,
  SEED,
  settledHeap,
  streamOf,
  type Outcome,
} from './fuzz-helpers.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/files/sanctions');

/** A real (or schema-built) file of each format, and the key it would be uploaded under (keys are hints to some parsers). */
const SAMPLES: Record<string, { file: string; key: string }> = {
  'us-ofac-sdn-csv': { file: 'ofac-sdn/sdn.csv', key: 'sanctions/ofac/sdn.csv' },
  'us-ofac-cons-csv': { file: 'ofac-cons/cons_prim.csv', key: 'sanctions/ofac-cons/cons_prim.csv' },
  'us-ofac-add-csv': { file: 'ofac-sdn/add.csv', key: 'sanctions/ofac/add.csv' },
  'us-ofac-alt-csv': { file: 'ofac-sdn/alt.csv', key: 'sanctions/ofac/alt.csv' },
  'us-ofac-comments-csv': { file: 'ofac-sdn/sdn_comments.csv', key: 'sanctions/ofac/sdn_comments.csv' },
  'us-ofac-xml': { file: 'ofac-xml/consolidated.xml', key: 'sanctions/ofac/consolidated.xml' },
  'us-ofac-enhanced-xml': {
    file: 'ofac-enhanced/SDN_ENHANCED-schema-sample.xml',
    key: 'sanctions/ofac/SDN_ENHANCED.XML',
  },
  'un-sc-xml': { file: 'un-sc/consolidated.xml', key: 'sanctions/un/consolidated.xml' },
  'eu-fsf-xml': { file: 'eu-fsf-schema-sample.xml', key: 'sanctions/eu/fsf.xml' },
  'eu-fsf-csv': { file: 'eu-fsf-schema-sample.csv', key: 'sanctions/eu/fsf.csv' },
  'uk-ofsi-conlist-csv': { file: 'uk-ofsi-conlist-2020-cut.csv', key: 'sanctions/uk/ConList.csv' },
  'uk-fcdo-csv': { file: 'uk-fcdo-schema-sample.csv', key: 'sanctions/uk/UK_Sanctions_List.csv' },
  'uk-fcdo-xml': { file: 'uk-sl/UK_Sanctions_List-schema-sample.xml', key: 'sanctions/uk/UK_Sanctions_List.xml' },
  'us-csl-csv': { file: 'us-csl-2019-cut.csv', key: 'sanctions/csl/csl.csv' },
  'us-csl-json': { file: 'us-csl-api-sample.json', key: 'sanctions/csl/csl.json' },
  'us-bis-dpl-txt': { file: 'us-bis-dpl-cut.txt', key: 'sanctions/bis/dpl.txt' },
  'opensanctions-ftm': {
    file: 'opensanctions-synthetic.ftm.json',
    key: 'sanctions/opensanctions/default/entities.ftm.json',
  },
  'opensanctions-ftm-delta': {
    file: 'opensanctions-synthetic.delta.json',
    key: 'sanctions/opensanctions/default/entities.delta.json',
  },
};

/** Parses bytes as the ingest does (decoded head for the hint, streaming decode of the body) and collects every record. */
function parseAll(format: ListFormat, key: string, bytes: Buffer, cuts: readonly number[]): Promise<Outcome> {
  return bounded(`${format.id} on ${bytes.length} bytes`, async () => {
    const head = decodeBytes(bytes.subarray(0, 64 * 1024)).text.slice(0, 16 * 1024);
    const out: ParsedRecord[] = [];
    const summary = {};
    for await (const rec of format.parse(decodeStream(streamOf(chunk(bytes, cuts))), { key, head }, summary))
      out.push(rec);
    return { records: out, summary };
  });
}

// ~10 ms a run on the small fixtures; 16 formats × (MUTATED + RANDOM) runs stay well under the suite's minute.
const MUTATED_RUNS = 60;
const RANDOM_RUNS = 30;

describe('fuzzing every list format in the registry', () => {
  it('has a sample file for every registered format (a new format is fuzzed too)', () => {
    // Assess
    expect(LIST_FORMATS.map((f) => f.id).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  for (const format of LIST_FORMATS) {
    const sample = SAMPLES[format.id];
    describe(format.id, () => {
      const original = sample ? readFileSync(join(FIXTURES, sample.file)) : Buffer.alloc(0);
      const key = sample?.key ?? `sanctions/fuzz/${format.id}`;

      it('reads its own unmutated sample (the mutations start from a file it accepts)', async () => {
        // Act
        const r = await parseAll(format, key, original, []);
        // Assess
        expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      });

      it('mutated samples: only InvalidInputError, bounded time, same records for the same bytes however they are chunked', async () => {
        const heapBefore = settledHeap();
        await fc.assert(
          fc.asyncProperty(
            fc.array(mutationArb, { minLength: 1, maxLength: 6 }),
            chunkingArb,
            chunkingArb,
            async (mutations, cutsA, cutsB) => {
              // Prepare
              const bytes = mutate(original, mutations);
              // Act
              const first = await parseAll(format, key, bytes, cutsA);
              const again = await parseAll(format, key, bytes, cutsA);
              const rechunked = await parseAll(format, key, bytes, cutsB);
              // Assess
              expect(comparable(again)).toEqual(comparable(first));
              expect(comparable(rechunked)).toEqual(comparable(first));
            },
          ),
          { numRuns: MUTATED_RUNS, seed: SEED },
        );
        // Nothing kept between parses (a module-level cache or a leaked parser would pile up here).
        expect(settledHeap() - heapBefore).toBeLessThan(32 * MB);
      });

      it('random bytes and random text: only InvalidInputError, bounded time, deterministic', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)),
              fc.string({ unit: 'binary', maxLength: 2000 }).map((s) => Buffer.from(s, 'utf8')),
              // The sample's head with random text after it: past detection, into the parser's record loop.
              fc
                .string({ unit: 'grapheme', maxLength: 1000 })
                .map((s) => Buffer.concat([original.subarray(0, 600), Buffer.from(s, 'utf8')])),
            ),
            async (bytes) => {
              // Act
              const first = await parseAll(format, key, bytes, [0.5]);
              const again = await parseAll(format, key, bytes, [0.5]);
              // Assess
              expect(comparable(again)).toEqual(comparable(first));
            },
          ),
          { numRuns: RANDOM_RUNS, seed: SEED },
        );
      });
    });
  }
});
