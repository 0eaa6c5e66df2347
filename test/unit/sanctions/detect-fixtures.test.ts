import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../../shared/domain/encoding.ts';
import { detectListFormat } from '../../../shared/domain/sanctions/detect.ts';
import { fixture } from './stream.ts';

describe('detection picks the format of each EU, UK, CSL, DPL and OpenSanctions fixture among every registered format', () => {
  const cases: [string, string][] = [
    ['eu-fsf-schema-sample.xml', 'eu-fsf-xml'],
    ['eu-fsf-schema-sample.csv', 'eu-fsf-csv'],
    ['uk-ofsi-conlist-2020-cut.csv', 'uk-ofsi-conlist-csv'],
    ['uk-fcdo-schema-sample.csv', 'uk-fcdo-csv'],
    ['us-csl-2019-cut.csv', 'us-csl-csv'],
    ['us-csl-2025-cut.csv', 'us-csl-csv'],
    ['us-csl-api-sample.json', 'us-csl-json'],
    ['us-bis-dpl-cut.txt', 'us-bis-dpl-txt'],
    ['opensanctions-synthetic.ftm.json', 'opensanctions-ftm'],
    ['opensanctions-synthetic.delta.json', 'opensanctions-ftm-delta'],
  ];
  it.each(cases)('%s → %s', (file, id) => {
    // Prepare: a neutral key, so that content alone decides.
    const head = decodeBytes(fixture(file).subarray(0, 8192)).text;

    // Act
    const format = detectListFormat({ key: 'sanctions/upload.dat', head });

    // Assess
    expect(format?.id).toBe(id);
  });

  it('the OFSI 2020 cut is Windows-1252 and still detected once decoded', () => {
    // Prepare
    const head = iconv.decode(fixture('uk-ofsi-conlist-2020-cut.csv'), 'windows-1252');

    // Act / Assess
    expect(detectListFormat({ key: 'k', head })?.id).toBe('uk-ofsi-conlist-csv');
  });
});
