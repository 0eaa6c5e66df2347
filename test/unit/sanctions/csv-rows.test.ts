import { describe, expect, it } from 'vitest';
import { MAX_FIELD_CHARS, readCsvRows } from '../../../shared/domain/sanctions/csv-rows.ts';
import { ofsiConListCsv } from '../../../shared/domain/sanctions/uk.ts';
import { parseBytes } from './stream.ts';

const rowsOf = async (text: string, delimiter = ',') => {
  const out = [];
  for await (const r of readCsvRows(
    (async function* () {
      for (let i = 0; i < text.length; i += 7) yield text.slice(i, i + 7);
    })(),
    { delimiter },
  ))
    out.push(r);
  return out;
};

describe('streaming CSV rows', () => {
  it('keeps quoted multi-line fields in one record and numbers records by the line they start on', async () => {
    // Prepare
    const text = 'a,b\r\n"x\r\ny",z\r\n1,2\r\n';

    // Act
    const rows = await rowsOf(text);

    // Assess
    expect(rows).toEqual([
      { kind: 'row', line: 1, cells: ['a', 'b'] },
      { kind: 'row', line: 2, cells: ['x\r\ny', 'z'] },
      { kind: 'row', line: 4, cells: ['1', '2'] },
    ]);
  });

  it('drops the trailing Ctrl-Z of official US files', async () => {
    // Prepare / Act
    const rows = await rowsOf('a,b\r\n1,2\r\n\x1a');

    // Assess
    expect(rows).toHaveLength(2);
  });

  it('rejects a row with a field over 100,000 characters and carries on', async () => {
    // Prepare
    const text = `h1,h2\nok,1\n${'x'.repeat(MAX_FIELD_CHARS + 1)},2\nok2,3\n`;

    // Act
    const rows = await rowsOf(text);

    // Assess
    expect(rows.map((r) => r.kind)).toEqual(['row', 'row', 'reject', 'row']);
    expect(rows[2]).toMatchObject({ line: 3, reason: expect.stringMatching(/field 1 longer/) });
  });

  it('fails the file on a record over 1 MB (a runaway quote), with where', async () => {
    // Prepare
    const text = `h1,h2\n"never closed,${'y'.repeat(1_000_100)}\n`;

    // Act / Assess
    await expect(rowsOf(text)).rejects.toMatchObject({
      name: 'InvalidInputError',
      where: expect.stringMatching(/^line/),
    });
  });

  it('turns a long-field row of a UK file into a reject of that line, not of the file', async () => {
    // Prepare
    const csv = `Name 6,Group Type,Group ID\nA,Entity,1\n${'B'.repeat(MAX_FIELD_CHARS + 5)},Entity,2\n`;

    // Act
    const { entities, rejects } = await parseBytes(ofsiConListCsv, Buffer.from(csv), 'k', 4096);

    // Assess
    expect(entities.map((e) => e.sourceId)).toEqual(['1']);
    expect(rejects).toEqual([{ where: 'line 3', reason: expect.stringMatching(/longer than/) }]);
  });
});
