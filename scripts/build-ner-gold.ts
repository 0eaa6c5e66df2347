/**
 * Rebuilds the NER gold set from the hand-annotated sources in test/fixtures/ner/src/*.ann:
 *   - test/fixtures/articles/<name>.txt  (the plain article: sentences of a paragraph joined by a space)
 *   - test/fixtures/ner/gold.conll       (CoNLL-2003 columns: token, POS, chunk, IOB2 tag; POS and chunk are `-X-`)
 *
 * Source format: one sentence per line, a blank line between paragraphs, entities marked inline as `[PER Antony Blinken]`
 * (types PER, ORG, LOC, MISC). The annotation was written with the articles, before the extractor was tuned.
 *
 *   node --import tsx scripts/build-ner-gold.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'test/fixtures/ner/src');

interface Span {
  start: number;
  end: number;
  type: string;
}

/** `[TYPE text]` markup → plain text and the entity spans in it. */
export function parseMarkup(line: string, where: string): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  const re = /\[(PER|ORG|LOC|MISC) ([^\]]+)\]/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    text += line.slice(last, m.index);
    spans.push({ start: text.length, end: text.length + m[2]!.length, type: m[1]! });
    text += m[2]!;
    last = m.index + m[0].length;
  }
  text += line.slice(last);
  if (/[[\]]/.test(text)) throw new Error(`${where}: stray bracket in ${JSON.stringify(line)}`);
  return { text, spans };
}

// Abbreviations keep their full stop (CoNLL-2003 tokenises "Co." and "U.S." as one token); possessive 's is its own token.
const TOKEN =
  /(?:[A-Z]\.){2,}|(?:Co|Corp|Ltd|Inc|Mr|Mrs|Ms|Dr|St|Jr|Gen|Sen|Rep)\.(?![\p{L}])|['’]s(?![\p{L}])|\p{L}[\p{L}\p{N}]*(?:-[\p{L}\p{N}]+|['’](?!s(?!\p{L}))\p{L}+)*|\p{N}[\p{N},.]*\p{N}%?|\p{N}%?|\S/gu;

export function tokenise(text: string): { token: string; start: number; end: number }[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ token: m[0], start: m.index, end: m.index + m[0].length }));
}

function main(): void {
  const docs: string[] = [];
  let tokens = 0;
  for (const file of readdirSync(srcDir)
    .filter((f) => f.endsWith('.ann'))
    .sort()) {
    const name = basename(file, '.ann');
    const paragraphs = readFileSync(join(srcDir, file), 'utf8')
      .trim()
      .split(/\n\s*\n/);
    const plain: string[] = [];
    const sentences: string[] = [];
    paragraphs.forEach((para, p) => {
      const lines = para.split('\n').filter((l) => l.trim());
      const texts: string[] = [];
      lines.forEach((line, i) => {
        const where = `${file} paragraph ${p + 1} line ${i + 1}`;
        const { text, spans } = parseMarkup(line.trim(), where);
        texts.push(text);
        const rows: string[] = [];
        let prevSpan: Span | undefined;
        for (const t of tokenise(text)) {
          const span = spans.find((s) => t.start < s.end && t.end > s.start);
          if (span && (t.start < span.start || t.end > span.end))
            throw new Error(`${where}: token ${t.token} straddles an entity edge`);
          const tag = !span ? 'O' : span === prevSpan ? `I-${span.type}` : `B-${span.type}`;
          prevSpan = span;
          rows.push(`${t.token} -X- -X- ${tag}`);
          tokens++;
        }
        sentences.push(rows.join('\n'));
      });
      plain.push(texts.join(' '));
    });
    writeFileSync(join(root, 'test/fixtures/articles', `${name}.txt`), `${plain.join('\n\n')}\n`);
    docs.push(`-DOCSTART- -X- -X- O\n\n${sentences.join('\n\n')}`);
  }
  writeFileSync(join(root, 'test/fixtures/ner/gold.conll'), `${docs.join('\n\n')}\n`);
  console.log(`${docs.length} documents, ${tokens} tokens`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
