import { SaxesParser } from 'saxes';
import { InvalidInputError } from '../../errors.ts';

/** A text node or attribute value longer than this is not list data: the file is refused. */
export const MAX_XML_TEXT_CHARS = 100_000;
/** An element or attribute name longer than this is refused. */
export const MAX_XML_NAME_CHARS = 1000;
/**
 * Raw characters without a `<`: saxes buffers a text node, a tag or a DTD whole before it reports it, so this bounds its
 * memory before the decoded limits above can be checked (entities shrink text, hence the margin).
 */
const MAX_RAW_RUN_CHARS = 10 * MAX_XML_TEXT_CHARS;
/** Elements inside one record: a real OFAC or UN record has a few hundred; more is a runaway (or hostile) record. */
const MAX_RECORD_NODES = 20_000;

/** One element of a record, with its subtree: plain data, built for one record at a time (never for the file). */
export interface XmlNode {
  /** Local name: the namespace prefix is dropped (OFAC's namespace changed over the years, see sanctions-formats.md §2). */
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The element's own text (not its children's), concatenated. */
  text: string;
  line: number;
  column: number;
}

export type XmlItem =
  | { kind: 'root'; name: string; attrs: Record<string, string> }
  /** `index` counts records of that name from 1, for `element sdnEntry #N`. */
  | { kind: 'record'; node: XmlNode; index: number }
  | { kind: 'reject'; where: string; reason: string };

const localName = (name: string): string => {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
};

/**
 * Streams the records of an XML list with saxes: every element whose local name `isRecord` accepts comes out as a small
 * tree (one record in memory at a time); everything outside records is dropped, except the root element's attributes.
 *
 * Safety: any `<!DOCTYPE` (so any DTD, internal entity or external entity: billion laughs, XXE) is refused on sight,
 * before saxes reads the DTD; a reference to an entity other than the five predefined ones and numeric character
 * references is refused too (saxes reports it as an error). saxes never fetches anything. Every refusal is an
 * `InvalidInputError` with `where` = `line:column`.
 */
export async function* readXmlRecords(
  text: AsyncIterable<string>,
  isRecord: (name: string) => boolean,
): AsyncGenerator<XmlItem> {
  const parser = new SaxesParser({ position: true });
  const out: XmlItem[] = [];
  const counts = new Map<string, number>();
  let failure: InvalidInputError | undefined;
  const fail = (message: string, line = parser.line, column = parser.column): void => {
    failure ??= new InvalidInputError(message, { where: `${line}:${column}` });
  };

  let sawRoot = false;
  /** The open elements of the current record, outermost first; empty outside records. */
  const stack: XmlNode[] = [];
  let nodes = 0;
  /** Open elements of an oversized record that were not kept (past MAX_RECORD_NODES). */
  let dropped = 0;
  let overflow = false;

  const addText = (t: string): void => {
    const node = stack[stack.length - 1];
    // Indentation between child elements is not text; kept, it would count towards the limit in a record with many children.
    if (node === undefined || dropped > 0 || isBlank(t)) return;
    if (node.text.length + t.length > MAX_XML_TEXT_CHARS)
      fail(`text of <${node.name}> longer than ${MAX_XML_TEXT_CHARS} characters`);
    else node.text += t;
  };

  parser.on('error', (err) => fail(`XML does not parse: ${err.message}`));
  parser.on('doctype', () => fail('a DOCTYPE (DTD) is not accepted in a list file'));
  parser.on('opentag', (tag) => {
    if (tag.name.length > MAX_XML_NAME_CHARS) return fail(`element name longer than ${MAX_XML_NAME_CHARS} characters`);
    const attrs: Record<string, string> = {};
    const given = tag.attributes as Record<string, string>;
    for (const k in given) {
      const v = given[k]!;
      if (k.length > MAX_XML_NAME_CHARS) return fail(`attribute name longer than ${MAX_XML_NAME_CHARS} characters`);
      if (v.length > MAX_XML_TEXT_CHARS)
        return fail(`attribute ${localName(k)} longer than ${MAX_XML_TEXT_CHARS} characters`);
      attrs[localName(k)] = v;
    }
    const name = localName(tag.name);
    if (!sawRoot) {
      sawRoot = true;
      out.push({ kind: 'root', name, attrs });
      return;
    }
    if (stack.length === 0) {
      if (!isRecord(name)) return;
      nodes = 0;
      overflow = false;
    } else if (dropped > 0 || nodes >= MAX_RECORD_NODES) {
      overflow = true;
      dropped++;
      return;
    }
    nodes++;
    const node: XmlNode = { name, attrs, children: [], text: '', line: parser.line, column: parser.column };
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    if (dropped > 0) {
      dropped--;
      return;
    }
    const top = stack.pop();
    if (top === undefined || stack.length > 0) return;
    const index = (counts.get(top.name) ?? 0) + 1;
    counts.set(top.name, index);
    if (overflow)
      out.push({
        kind: 'reject',
        where: `element ${top.name} #${index}`,
        reason: `more than ${MAX_RECORD_NODES} elements`,
      });
    else out.push({ kind: 'record', node: top, index });
  });

  const scan = rawScanner(fail);
  for await (const chunk of text) {
    scan(chunk);
    if (!failure) parser.write(chunk);
    if (failure) throw failure;
    yield* out;
    out.length = 0;
  }
  parser.close();
  if (failure) throw failure;
  if (!sawRoot) throw new InvalidInputError('empty XML file: no root element', { where: '1:1' });
  yield* out;
}

/**
 * Looks at the raw text before saxes does: refuses `<!DOCTYPE` wherever it stands (saxes would buffer a whole DTD before
 * telling us), and a run of more than MAX_RAW_RUN_CHARS without a `<`. Keeps a short tail so a marker split across
 * chunks is seen, and counts lines for `where`.
 */
function rawScanner(fail: (message: string, line: number, column: number) => void): (chunk: string) => void {
  let tail = '';
  /** Position of the first character of `tail`. */
  let tailAt = { line: 1, column: 1 };
  let run = 0;
  /** The run that passes the limit began before `before` ends (its start is reported). */
  const runTooLong = (before: string): void => {
    const at = advance(tailAt.line, tailAt.column, before);
    fail(`more than ${MAX_RAW_RUN_CHARS} characters without markup`, at.line, at.column);
  };
  return (chunk) => {
    const joined = tail + chunk;
    const m = joined.includes('<!') ? /<!DOCTYPE/i.exec(joined) : null;
    if (m) {
      const at = advance(tailAt.line, tailAt.column, joined.slice(0, m.index));
      fail('a DOCTYPE (DTD) is not accepted in a list file', at.line, at.column);
      return;
    }
    // Within a chunk shorter than the limit only the run that reaches into it from before can pass the limit: look
    // at the first and the last `<` alone (a tag-dense file has a `<` every few characters).
    const first = chunk.indexOf('<');
    if (chunk.length <= MAX_RAW_RUN_CHARS && first >= 0) {
      if (run + first > MAX_RAW_RUN_CHARS) return runTooLong(joined.slice(0, tail.length));
      run = chunk.length - chunk.lastIndexOf('<') - 1;
    } else
      for (let from = 0; ; ) {
        const less = chunk.indexOf('<', from);
        run += (less < 0 ? chunk.length : less) - from;
        if (run > MAX_RAW_RUN_CHARS) return runTooLong(joined.slice(0, tail.length + from));
        if (less < 0) break;
        run = 0;
        from = less + 1;
      }
    const keep = Math.min(16, joined.length);
    tailAt = advance(tailAt.line, tailAt.column, joined.slice(0, joined.length - keep));
    tail = joined.slice(joined.length - keep);
  };
}

/** Only XML white space (the indentation between elements). */
function isBlank(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

function advance(line: number, column: number, s: string): { line: number; column: number } {
  let nl = s.indexOf('\n');
  if (nl < 0) return { line, column: column + s.length };
  let last = nl;
  while (nl >= 0) {
    line++;
    last = nl;
    nl = s.indexOf('\n', nl + 1);
  }
  return { line, column: s.length - last };
}

/** The first child with that local name. */
export const findChild = (node: XmlNode | undefined, name: string): XmlNode | undefined =>
  node?.children.find((c) => c.name === name);

/** Every child with that local name. */
export const findChildren = (node: XmlNode | undefined, name: string): XmlNode[] =>
  node?.children.filter((c) => c.name === name) ?? [];

/** The trimmed text of the first child with that local name ('' when absent). */
export const readChildText = (node: XmlNode | undefined, name: string): string =>
  findChild(node, name)?.text.trim() ?? '';
