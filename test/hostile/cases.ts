import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { expect } from 'vitest';
import { writeZip } from './zip-writer.ts';

/*
 * The hostile-input suite: one entry per upload, each with the reaction it must get (README.md says why). Every input is
 * generated here, deterministically, from the committed list fixtures (public-sector data, cut to size) or from text
 * written for the suite: no news article and no OpenSanctions data is copied.
 */

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/files/sanctions');
const fixture = (rel: string): Buffer => readFileSync(join(FIXTURES, rel));
const fixtureText = (rel: string): string => fixture(rel).toString('utf8');

export const SDN_CSV = (): Buffer => fixture('ofac-sdn/sdn.csv');
const UN_XML = (): string => fixtureText('un-sc/consolidated.xml');
const OFAC_XML = (): string => fixtureText('ofac-xml/consolidated.xml');

export interface CountryRow {
  country: string;
  listedEntities: number;
  articles: number;
  mentions: number;
  [k: string]: unknown;
}
export interface EntityRow {
  id: string;
  name: string;
  articles: number;
  mentions: number;
  [k: string]: unknown;
}
/** Every count the API serves, all pages: countries, entities in the news, and the entities of every current list. */
export interface Snapshot {
  countries: Record<string, CountryRow>;
  entities: Record<string, EntityRow>;
  listed: Record<string, EntityRow>;
}
export interface IngestReport {
  key: string;
  status: string;
  error?: string;
  format?: string;
  records?: { read: number; written: number; rejected: number };
  rejections?: { where: string; reason: string }[];
}
export interface CheckInput {
  ingest: IngestReport;
  before: Snapshot;
  after: Snapshot;
  /** Requests the canary HTTP server received during the case (an XXE that fetched would show here). */
  canaryHits: string[];
}
export interface HostileContext {
  /** Base URL of a local HTTP server that records every request. */
  canaryUrl: string;
}

export type Expectation =
  /** Refused: a quarantine report, a clear error (`why (at where)`), and no count moves. */
  | { status: 'quarantined'; error: RegExp; check?: (input: CheckInput) => void }
  /** Read correctly (encodings) or read safely (scripts, deep markup): the check says what must have been counted. */
  | { status: 'done'; check: (input: CheckInput) => void };

export interface HostileCase {
  name: string;
  key: string;
  /** Which sandbox: the default limits, or the one started with small MAX_OBJECT_BYTES / MAX_ARTICLE_BYTES. */
  sandbox?: 'small-limits';
  /** Uploaded (and ingested) first under the same key: the hostile upload then tries to replace it. */
  seed?: () => Buffer;
  /**
   * A bug this case exposes in code outside the suite: the test is marked `it.fails` until the fix lands (then it
   * starts failing, as a reminder to drop this field).
   */
  knownBug?: string;
  make(ctx: HostileContext): Buffer;
  expect: Expectation;
}

/** The small limits of the second sandbox. */
export const SMALL_LIMITS = { MAX_OBJECT_BYTES: String(256 * 1024), MAX_ARTICLE_BYTES: String(64 * 1024) };

const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// XML: anything with a DOCTYPE is refused before a DTD is read, so no entity is ever expanded or fetched.

/** Puts a DOCTYPE (with its internal subset) after the XML declaration, and `ref` in place of the first name. */
function withDoctype(xml: string, doctype: string, ref: string, nameElement: string): Buffer {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const withRef = body.replace(
    new RegExp(`<${nameElement}>[^<]*</${nameElement}>`),
    `<${nameElement}>${ref}</${nameElement}>`,
  );
  expect(withRef, `the fixture has a <${nameElement}>`).not.toBe(body);
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${doctype}\n${withRef}`, 'utf8');
}

const BILLION_LAUGHS_DTD = [
  '<!DOCTYPE CONSOLIDATED_LIST [',
  '  <!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']>',
].join('\n');

/** A leaked /etc/passwd or a fetched canary in an error, a report or a count would be the XXE succeeding. */
const noLeak = (input: CheckInput): void => {
  expect(JSON.stringify(input.ingest)).not.toMatch(/root:.*:0:0:|canary-secret/);
  expect(JSON.stringify(input.after)).not.toMatch(/root:.*:0:0:|canary-secret/);
  expect(input.canaryHits).toEqual([]);
};

// ---------------------------------------------------------------------------------------------------------------
// Text encodings: read, not refused. The article names countries whose names only resolve if decoded right.

const ENCODED_ARTICLE = (place: string) =>
  `Ministers weigh new measures\n\nOfficials in ${place} said on Monday that the new measures would take effect next month, ` +
  `according to a statement published by the foreign ministry.\n`;

/** The country got exactly one more article, and nothing else moved but the article's own countries. */
const countedOnce =
  (...codes: string[]) =>
  (input: CheckInput): void => {
    expect(input.ingest.records?.written).toBe(1);
    for (const cc of codes)
      expect(input.after.countries[cc]?.articles ?? 0, cc).toBe((input.before.countries[cc]?.articles ?? 0) + 1);
  };
const notCounted =
  (...codes: string[]) =>
  (input: CheckInput): void => {
    for (const cc of codes)
      expect(input.after.countries[cc]?.articles ?? 0, cc).toBe(input.before.countries[cc]?.articles ?? 0);
  };

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers for the big generated inputs.

/** A deterministic byte stream (xorshift32): garbage that is the same on every run. */
function garbage(bytes: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** The sdn.csv fixture with its last row replaced: a good head (detection works), a hostile tail. */
const sdnWithTail = (tail: string): Buffer => Buffer.concat([SDN_CSV(), Buffer.from(tail, 'utf8')]);

const SDN_ROW = (id: number, name: string) => `${id},"${name}",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n`;

export const HOSTILE_CASES: HostileCase[] = [
  // --- XML ------------------------------------------------------------------------------------------------------
  {
    name: 'XML with a DOCTYPE (no entities)',
    key: 'sanctions/hostile/xml-doctype/consolidated.xml',
    make: () => withDoctype(UN_XML(), '<!DOCTYPE CONSOLIDATED_LIST>', 'PLAIN', 'FIRST_NAME'),
    expect: { status: 'quarantined', error: /DOCTYPE.*\(at 2:1\)/ },
  },
  {
    name: 'billion laughs (internal entity expansion)',
    key: 'sanctions/hostile/billion-laughs/consolidated.xml',
    make: () => withDoctype(UN_XML(), BILLION_LAUGHS_DTD, '&lol9;', 'FIRST_NAME'),
    expect: {
      status: 'quarantined',
      error: /DOCTYPE.*\(at 2:1\)/,
      check: (i) => expect(JSON.stringify(i)).not.toMatch(/(lol){20}/),
    },
  },
  {
    name: 'billion laughs in OFAC XML',
    key: 'sanctions/hostile/billion-laughs-ofac/sdn.xml',
    make: () =>
      withDoctype(OFAC_XML(), BILLION_LAUGHS_DTD.replace('CONSOLIDATED_LIST', 'sdnList'), '&lol9;', 'lastName'),
    expect: { status: 'quarantined', error: /DOCTYPE.*\(at 2:1\)/ },
  },
  {
    name: 'XXE: external entity reading a local file',
    key: 'sanctions/hostile/xxe-file/consolidated.xml',
    make: () =>
      withDoctype(
        UN_XML(),
        '<!DOCTYPE CONSOLIDATED_LIST [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>',
        '&xxe;',
        'FIRST_NAME',
      ),
    expect: { status: 'quarantined', error: /DOCTYPE/, check: noLeak },
  },
  {
    name: 'XXE: external entity and external DTD over HTTP',
    key: 'sanctions/hostile/xxe-http/consolidated.xml',
    make: (ctx) =>
      withDoctype(
        UN_XML(),
        `<!DOCTYPE CONSOLIDATED_LIST SYSTEM "${ctx.canaryUrl}/external.dtd" [ <!ENTITY % remote SYSTEM "${ctx.canaryUrl}/param.dtd"> %remote; <!ENTITY xxe SYSTEM "${ctx.canaryUrl}/entity.txt"> ]>`,
        '&xxe;',
        'FIRST_NAME',
      ),
    expect: { status: 'quarantined', error: /DOCTYPE/, check: noLeak },
  },
  {
    name: 'an undeclared entity reference without any DOCTYPE',
    key: 'sanctions/hostile/undeclared-entity/consolidated.xml',
    make: () =>
      Buffer.from(UN_XML().replace(/<FIRST_NAME>[^<]*<\/FIRST_NAME>/, '<FIRST_NAME>&xxe;</FIRST_NAME>'), 'utf8'),
    expect: { status: 'quarantined', error: /undefined entity.*\(at \d+:\d+\)/, check: noLeak },
  },

  // --- binary -----------------------------------------------------------------------------------------------------
  {
    name: 'binary garbage as a list',
    key: 'sanctions/hostile/garbage/list.csv',
    make: () => garbage(256 * 1024),
    expect: { status: 'quarantined', error: /unknown sanctions-list format[\s\S]*\(at file head\)/ },
  },
  {
    name: 'binary garbage as an article',
    key: 'articles/hostile/garbage.txt',
    make: () => garbage(256 * 1024, 12345),
    expect: { status: 'quarantined', error: /binary content.*\(at character \d+\)/ },
  },

  // --- zip --------------------------------------------------------------------------------------------------------
  {
    name: 'zip bomb (honest sizes, 1000:1)',
    key: 'sanctions/hostile/zip-bomb/lists.zip',
    make: () => writeZip([{ name: 'sdn.csv', data: Buffer.concat([SDN_CSV(), Buffer.alloc(64 * MB, 0x20)]) }]),
    expect: { status: 'quarantined', error: /zip bomb.*\(at zip entry sdn\.csv\)/ },
  },
  {
    name: 'zip bomb that lies about its size',
    key: 'sanctions/hostile/zip-bomb-lying/lists.zip',
    make: () =>
      writeZip([
        {
          name: 'sdn.csv',
          data: Buffer.concat([SDN_CSV(), Buffer.alloc(64 * MB, 0x20)]),
          declaredSize: SDN_CSV().length,
        },
      ]),
    // yauzl checks that each entry inflates to exactly its declared size; the failure is the file's (InvalidInputError).
    expect: { status: 'quarantined', error: /zip entry sdn\.csv.*(too many bytes|size)/i },
  },
  {
    name: 'zip with a path-traversal entry name',
    key: 'sanctions/hostile/zip-traversal/lists.zip',
    make: () => writeZip([{ name: '../../../tmp/sdn.csv', data: SDN_CSV() }]),
    // yauzl refuses the name itself while reading the central directory, before openZip's own check.
    expect: {
      status: 'quarantined',
      error: /(invalid relative path|points outside the archive).*\.\.\/\.\.\/\.\.\/tmp\/sdn\.csv/,
    },
  },
  {
    name: 'zip with an absolute entry name',
    key: 'sanctions/hostile/zip-absolute/lists.zip',
    make: () => writeZip([{ name: '/etc/sdn.csv', data: SDN_CSV() }]),
    expect: { status: 'quarantined', error: /(absolute path|points outside the archive).*\/etc\/sdn\.csv/ },
  },

  // --- size limits (second sandbox) -------------------------------------------------------------------------------
  {
    name: 'a list larger than MAX_OBJECT_BYTES',
    key: 'sanctions/hostile/too-big/sdn.csv',
    sandbox: 'small-limits',
    make: () =>
      sdnWithTail(Array.from({ length: 4000 }, (_, i) => SDN_ROW(900000 + i, `OVERSIZE HOLDING ${i}`)).join('')),
    expect: { status: 'quarantined', error: /limit is 262144 bytes.*\(at object size\)/ },
  },
  {
    name: 'an article larger than MAX_ARTICLE_BYTES',
    key: 'articles/hostile/too-big.txt',
    sandbox: 'small-limits',
    make: () => Buffer.from(ENCODED_ARTICLE('Norway').repeat(800), 'utf8'),
    expect: { status: 'quarantined', error: /limit is 65536 bytes.*\(at object size\)/ },
  },

  // --- long lines and fields --------------------------------------------------------------------------------------
  {
    name: 'a 10 MB line in a CSV list',
    key: 'sanctions/hostile/long-line/sdn.csv',
    make: () => sdnWithTail(`999001,"${'A'.repeat(10 * MB)}`),
    expect: { status: 'quarantined', error: /CSV does not parse: Max Record Size.*\(at line \d+\)/ },
  },
  {
    name: 'a 10 MB line in JSON lines (OpenSanctions FtM shape, synthetic)',
    key: 'sanctions/hostile/long-json-line/entities.ftm.json',
    make: () =>
      Buffer.concat([
        fixture('opensanctions-synthetic.ftm.json'),
        Buffer.from(
          `{"id":"x-long","schema":"Person","properties":{"name":["${'B'.repeat(10 * MB)}"]},"datasets":["synthetic"],"target":true}\n`,
        ),
      ]),
    expect: { status: 'quarantined', error: /line longer than 1000000 characters.*\(at line \d+\)/ },
  },
  {
    name: 'a 1 MB quoted field (with line breaks) in a headed CSV',
    key: 'sanctions/hostile/long-field/csl.csv',
    make: () => {
      const csv = fixtureText('us-csl-2025-cut.csv');
      const nl = csv.indexOf('\n');
      // Quoted and multi-line: a line splitter would not see it; the record limit must.
      const field = `"${'remark line\n'.repeat(MB / 12 + 1)}"`;
      const header = csv.slice(0, nl + 1);
      const width = header.split(',').length;
      return Buffer.from(`${header}${field}${',x'.repeat(width - 1)}\n${csv.slice(nl + 1)}`, 'utf8');
    },
    expect: { status: 'quarantined', error: /Max Record Size|longer than/ },
  },

  // --- CSV shape --------------------------------------------------------------------------------------------------
  {
    name: 'CSV whose last row opens a quote no later quote closes',
    key: 'sanctions/hostile/unbalanced-quote/sdn.csv',
    make: () => sdnWithTail(`999002,"NEVER CLOSED TRADING,-0- ,SDGT,-0- ,-0- \r\n999003,-0- ,-0- \r\n`),
    expect: { status: 'quarantined', error: /Quote Not Closed.*\(at line \d+\)/ },
  },
  {
    name: 'CSV with an unbalanced quote mid-file (a later quote resynchronises)',
    key: 'sanctions/hostile/unbalanced-quote-mid/sdn.csv',
    make: () => {
      const rows = SDN_CSV().toString('utf8').split('\r\n');
      rows.splice(4, 0, '999004,"HALF QUOTED TRADING,-0- ,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ');
      return Buffer.from(rows.join('\r\n'), 'utf8');
    },
    expect: {
      status: 'done',
      check: (i) => {
        // The open quote swallows the next row into one 14-cell record: one reject, at the line it starts on.
        expect(i.ingest.rejections).toContainEqual({
          where: 'line 5',
          reason: expect.stringMatching(/columns, expected 12/),
        });
        expect(Object.values(i.after.listed).some((e) => /HALF QUOTED/.test(e.name))).toBe(false);
        expect(i.ingest.records?.written).toBeGreaterThan(10);
      },
    },
  },
  {
    name: 'CSV with most rows ragged',
    key: 'sanctions/hostile/ragged-most/sdn.csv',
    make: () =>
      sdnWithTail(
        Array.from({ length: 60 }, (_, i) => `${990100 + i},"RAGGED ${i}",-0- ${i % 2 ? ',"SDGT"' : ''}\r\n`).join(''),
      ),
    expect: { status: 'quarantined', error: /12 columns/ },
  },
  {
    name: 'CSV with a few ragged rows (the rest is a whole list)',
    key: 'sanctions/hostile/ragged-few/sdn.csv',
    make: () =>
      sdnWithTail(
        `990201,"SHORT ROW HOLDING",-0- \r\n990202,"LONG ROW HOLDING",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"extra","extra"\r\n`,
      ),
    expect: {
      status: 'done',
      check: (i) => {
        // Each bad row is rejected with its line; the good rows make the version.
        expect(i.ingest.records?.rejected).toBeGreaterThanOrEqual(1);
        expect(i.ingest.rejections?.map((r) => r.where).join(' ')).toMatch(/line \d+/);
        expect(i.ingest.records?.written).toBeGreaterThan(5);
        expect(Object.values(i.after.listed).some((e) => e.name === 'SHORT ROW HOLDING')).toBe(false);
      },
    },
  },

  // --- JSON -------------------------------------------------------------------------------------------------------
  {
    name: 'JSON article nested 10,000 deep',
    key: 'articles/hostile/deep.json',
    make: () => Buffer.from(`${'{"data":'.repeat(10_000)}{"body":"Norway"}${'}'.repeat(10_000)}`, 'utf8'),
    expect: { status: 'quarantined', error: /no article found.*\(at file\)/ },
  },
  {
    name: 'JSON arrays nested 10,000 deep',
    key: 'articles/hostile/deep-array.json',
    make: () => Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'utf8'),
    expect: { status: 'quarantined', error: /no article found/ },
  },
  {
    name: 'Consolidated Screening List JSON nested 10,000 deep',
    key: 'sanctions/hostile/deep-csl/csl.json',
    make: () => Buffer.from(`{"results":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, 'utf8'),
    expect: { status: 'quarantined', error: /no listed entity|results/ },
  },

  // --- HTML -------------------------------------------------------------------------------------------------------
  {
    name: 'HTML with scripts, styles and JSON-LD noise',
    key: 'articles/hostile/scripts.html',
    make: () =>
      Buffer.from(
        '<!doctype html><html><head><title>Measures</title><script>var target = "Japan Brazil Argentina";</script>' +
          '<style>.Mexico { color: red }</style></head><body><article><p>Officials in Norway said on Monday that new measures ' +
          'would take effect next month, according to a statement.</p><script>document.write("Sanctions on Japan, Brazil and Argentina")</script>' +
          '<noscript>Peru</noscript></article></body></html>',
        'utf8',
      ),
    expect: {
      status: 'done',
      check: (i) => {
        countedOnce('NO')(i);
        notCounted('JP', 'BR', 'AR', 'MX')(i);
      },
    },
  },
  {
    // Issue 15.6: the API serves an article's URL as a link; only http(s) ones are stored.
    name: 'HTML whose canonical link is javascript:',
    key: 'articles/hostile/javascript-url.html',
    make: () =>
      Buffer.from(
        '<!doctype html><html><head><title>Measures</title><link rel="canonical" href="javascript:alert(3)">' +
          '<meta property="og:url" content="data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;"></head><body><article>' +
          '<p>Officials in Portugal said on Monday that new measures would take effect next month.</p></article></body></html>',
        'utf8',
      ),
    expect: {
      status: 'done',
      check: (i) => {
        countedOnce('PT')(i);
        // The article is kept and counted; only its URL is dropped, and the status says so (no rejected record).
        expect(i.ingest.records).toEqual({ read: 1, written: 1, rejected: 0 });
        expect(i.ingest.rejections).toEqual([
          {
            where: 'file',
            reason: 'URL "javascript:alert(3)" dropped: only http: and https: URLs are kept',
            kept: true,
          },
        ]);
      },
    },
  },
  {
    name: 'HTML nested 100,000 tags deep',
    key: 'articles/hostile/deep.html',
    make: () =>
      Buffer.from(
        `<html><body>${'<div>'.repeat(100_000)}<p>Officials in Iceland said on Monday that the new measures would take effect next month.</p>${'</div>'.repeat(100_000)}</body></html>`,
        'utf8',
      ),
    expect: { status: 'done', check: countedOnce('IS') },
  },
  {
    name: 'HTML with 100,000 unclosed tags',
    key: 'articles/hostile/unclosed.html',
    make: () =>
      Buffer.from(
        `<html><body>${'<span><b>'.repeat(50_000)}Officials in Finland said on Monday that the new measures would take effect next month.`,
        'utf8',
      ),
    expect: { status: 'done', check: countedOnce('FI') },
  },

  // --- encodings: read, not refused ------------------------------------------------------------------------------
  {
    name: 'UTF-16LE article with BOM',
    key: 'articles/hostile/utf16le-bom.txt',
    make: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ENCODED_ARTICLE('São Tomé'), 'utf16le')]),
    expect: { status: 'done', check: countedOnce('ST') },
  },
  {
    name: 'UTF-16LE article without BOM',
    key: 'articles/hostile/utf16le.txt',
    make: () => Buffer.from(ENCODED_ARTICLE('Réunion and Türkiye'), 'utf16le'),
    expect: { status: 'done', check: countedOnce('RE', 'TR') },
  },
  {
    name: 'UTF-16BE article with BOM',
    key: 'articles/hostile/utf16be-bom.txt',
    make: () => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(ENCODED_ARTICLE('Curaçao'))]),
    expect: { status: 'done', check: countedOnce('CW') },
  },
  {
    name: 'Windows-1252 article (0x92 apostrophe, 0xFC ü)',
    key: 'articles/hostile/cp1252.txt',
    make: () => iconv.encode(ENCODED_ARTICLE('Türkiye’s capital and in Curaçao'), 'windows-1252'),
    expect: {
      status: 'done',
      check: (i) => {
        countedOnce('TR')(i);
        // The mis-decoded form would be a different, unresolvable name.
        expect(JSON.stringify(i.after)).not.toMatch(/TÃ¼rkiye|â€™/);
      },
    },
  },
  {
    name: 'UTF-8 article with BOM',
    key: 'articles/hostile/utf8-bom.md',
    make: () =>
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(`# Ministers weigh new measures\n\n${ENCODED_ARTICLE('Réunion')}`, 'utf8'),
      ]),
    expect: {
      status: 'done',
      check: (i) => {
        countedOnce('RE')(i);
        // A BOM left in place would hide the heading and make it plain text.
        expect(i.ingest.format).toBe('markdown');
      },
    },
  },
  {
    name: 'UTF-16LE list (sdn.csv re-encoded, BOM)',
    key: 'sanctions/hostile/utf16-list/sdn.csv',
    make: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SDN_CSV().toString('utf8'), 'utf16le')]),
    expect: {
      status: 'done',
      check: (i) => {
        expect(i.ingest.format).toBe('us-ofac-sdn-csv');
        expect(i.ingest.records?.rejected).toBe(0);
        expect(
          Object.values(i.after.listed).some((e) => e.name === 'IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY'),
        ).toBe(true);
      },
    },
  },
  {
    name: 'Windows-1252 list (OFSI ConList, real bytes)',
    key: 'sanctions/hostile/cp1252-list/ConList.csv',
    make: () => fixture('uk-ofsi-conlist-2020-cut.csv'),
    expect: {
      status: 'done',
      check: (i) => {
        expect(i.ingest.records?.written).toBeGreaterThan(0);
        // "Central African Republic" is in the rows' country cells; the list is new, so every CF listing is its own.
        expect(i.after.countries.CF?.listedEntities ?? 0).toBeGreaterThan(i.before.countries.CF?.listedEntities ?? 0);
        const names = Object.values(i.after.listed)
          .map((e) => e.name)
          .join('\n');
        expect(names).not.toMatch(/\uFFFD|Ã/);
      },
    },
  },
];
