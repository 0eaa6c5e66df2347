import { describe, expect, it } from 'vitest';
import { ofacXml } from '../../../shared/domain/sanctions/ofac-xml.ts';
import { unXml } from '../../../shared/domain/sanctions/un-xml.ts';
import {
  MAX_XML_NAME_CHARS,
  MAX_XML_TEXT_CHARS,
  readXmlRecords,
} from '../../../shared/domain/sanctions/xml-records.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { parseBytes } from './helpers.ts';

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&lol9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE sdnList [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<sdnList><sdnEntry><uid>1</uid><lastName>&xxe;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>`;

/** A refusal: InvalidInputError whose `where` is line:column. */
async function refusal(p: Promise<unknown>): Promise<InvalidInputError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidInputError);
  expect((err as InvalidInputError).where).toMatch(/^\d+:\d+$/);
  return err as InvalidInputError;
}

describe('XML safety', () => {
  it('refuses billion laughs before expanding anything, at the DOCTYPE line', async () => {
    // Prepare
    const bytes = Buffer.from(BILLION_LAUGHS);
    // Act
    const err = await refusal(parseBytes(unXml, bytes, 'un.xml'));
    // Assess
    expect(err.message).toMatch(/DOCTYPE/);
    expect(err.where).toBe('2:1');
  });

  it('refuses an external entity (XXE), also when the marker is split across 7-byte chunks', async () => {
    // Prepare
    const bytes = Buffer.from(XXE);
    // Act
    const whole = await refusal(parseBytes(ofacXml, bytes, 'sdn.xml'));
    const chunked = await refusal(parseBytes(ofacXml, bytes, 'sdn.xml', 7));
    // Assess
    expect(whole.message).toMatch(/DOCTYPE/);
    expect(chunked.where).toBe(whole.where);
  });

  it('refuses a DOCTYPE after the root element too, whatever its case', async () => {
    // Prepare
    const late = '<sdnList><sdnEntry><uid>1</uid><lastName>A</lastName></sdnEntry>\n<!doctype x></sdnList>';
    // Act
    const err = await refusal(parseBytes(ofacXml, Buffer.from(late), 'sdn.xml'));
    // Assess
    expect(err.where).toBe('2:1');
  });

  it('refuses a reference to an undeclared entity, accepts the five predefined ones and character references', async () => {
    // Prepare
    const bad = '<sdnList><sdnEntry><uid>1</uid><lastName>&nbsp;X</lastName></sdnEntry></sdnList>';
    const good =
      '<sdnList><sdnEntry><uid>1</uid><lastName>A &amp; B &lt;C&gt; &quot;D&apos; &#233;&#x00E9;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>';
    // Act
    const err = await refusal(parseBytes(ofacXml, Buffer.from(bad), 'sdn.xml'));
    const parsed = await parseBytes(ofacXml, Buffer.from(good), 'sdn.xml');
    // Assess
    expect(err.message).toMatch(/entity/);
    expect(parsed.entities[0]?.name).toBe(`A & B <C> "D' éé`);
  });

  it(`refuses a text node over ${MAX_XML_TEXT_CHARS} characters, an attribute over it, and a name over ${MAX_XML_NAME_CHARS}`, async () => {
    // Prepare
    const long = 'x'.repeat(MAX_XML_TEXT_CHARS + 1);
    const inputs = [
      `<sdnList><sdnEntry><uid>1</uid><lastName>${long}</lastName></sdnEntry></sdnList>`,
      `<sdnList><sdnEntry a="${long}"><uid>1</uid></sdnEntry></sdnList>`,
      `<sdnList><sdnEntry><${'n'.repeat(MAX_XML_NAME_CHARS + 1)}/></sdnEntry></sdnList>`,
      `<sdnList><sdnEntry ${'a'.repeat(MAX_XML_NAME_CHARS + 1)}="1"/></sdnList>`,
    ];
    // Act
    const errors = await Promise.all(inputs.map((t) => refusal(parseBytes(ofacXml, Buffer.from(t), 'sdn.xml', 4096))));
    // Assess
    expect(errors.map((e) => /longer than/.test(e.message))).toEqual([true, true, true, true]);
  });

  it('accepts a text node of exactly the limit', async () => {
    // Prepare
    const text = `<sdnList><sdnEntry><uid>1</uid><lastName>${'x'.repeat(MAX_XML_TEXT_CHARS)}</lastName><remarks>${'y'.repeat(MAX_XML_TEXT_CHARS)}</remarks></sdnEntry></sdnList>`;
    // Act
    const parsed = await parseBytes(ofacXml, Buffer.from(text), 'sdn.xml', 4096);
    // Assess: the name is cut to the schema's 1000 characters, the record is kept.
    expect(parsed.entities).toHaveLength(1);
    expect(parsed.entities[0]?.name).toHaveLength(1000);
  });

  it('refuses a huge run without markup before buffering it all (a hostile text or DTD)', async () => {
    // Prepare
    async function* endless(): AsyncGenerator<string> {
      yield '<sdnList><sdnEntry><remarks>';
      for (let i = 0; i < 10_000; i++) yield 'z'.repeat(10_000);
    }
    // Act
    const read = (async () => {
      for await (const _ of readXmlRecords(endless(), () => true)) void _;
    })();
    // Assess
    const err = await refusal(read);
    expect(err.message).toMatch(/without markup|longer than/);
  });

  it('rejects a record of more than 20,000 elements and goes on with the next one', async () => {
    // Prepare
    const bloated = `<sdnEntry><uid>1</uid><lastName>BIG</lastName><idList>${'<id><idType>x</idType></id>'.repeat(10_001)}</idList></sdnEntry>`;
    const text = `<sdnList>${bloated}<sdnEntry><uid>2</uid><lastName>SMALL</lastName></sdnEntry></sdnList>`;
    // Act
    const parsed = await parseBytes(ofacXml, Buffer.from(text), 'sdn.xml', 4096);
    // Assess
    expect(parsed.rejects).toEqual([{ where: 'element sdnEntry #1', reason: 'more than 20000 elements' }]);
    expect(parsed.entities.map((e) => [e.sourceId, e.name])).toEqual([['2', 'SMALL']]);
  });

  it('refuses an empty file and a non-XML file', async () => {
    // Prepare
    const inputs = ['', '   \n', 'ent_num,name\n1,A'];
    // Act / Assess
    for (const t of inputs) await refusal(parseBytes(unXml, Buffer.from(t), 'un.xml'));
  });
});
