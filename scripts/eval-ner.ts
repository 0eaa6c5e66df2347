/**
 * Scores the news entity extractor against CoNLL-2003 files, span-exact, as conlleval does.
 *
 *   node --import tsx scripts/eval-ner.ts [FILE.conll ...] [--json]     (default: test/fixtures/ner/gold.conll)
 *
 * Two scores: mention level (every span exact, per type, as conlleval and seqeval count) and document level (per
 * document the set of (name, type) found against the gold set, PER/ORG/LOC; what per-entity counts rest on).
 *
 * Only columns 1 (token) and 4 (tag; IOB1 or IOB2) are read. Each document's text is rebuilt from its tokens, joined by
 * single spaces, one sentence a line, and given to `findEntitySpans`. Our kinds map to CoNLL types:
 *   person → PER; organization → ORG; bloc → ORG ("EU", "NATO", "G7": CoNLL-2003 tags such bodies ORG);
 *   country, location → LOC; a country or bloc named by its demonym (`via: 'demonym'`: "Chinese", "European") → MISC.
 * A predicted span that cuts a token is widened to whole tokens. `--tagger` scores the trained tagger alone (its MISC
 * spans as MISC), without the extractor's rules.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findEntitySpans, type EntitySpan } from '../shared/domain/extract.ts';
import { tagSpans } from '../shared/domain/ner/tagger.ts';

export type NerType = 'PER' | 'ORG' | 'LOC' | 'MISC';
export interface Sentence {
  tokens: string[];
  tags: string[];
}
export interface Doc {
  sentences: Sentence[];
}
export interface TypeScore {
  type: string;
  gold: number;
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}
export interface Score {
  byType: TypeScore[];
  overall: TypeScore;
}

/** Documents of a CoNLL file (`-DOCSTART-` lines separate them; blank lines separate sentences). */
export function parseConll(text: string): Doc[] {
  const docs: Doc[] = [];
  let doc: Doc | undefined;
  let sent: Sentence = { tokens: [], tags: [] };
  const endSentence = () => {
    if (sent.tokens.length) {
      if (!doc) docs.push((doc = { sentences: [] }));
      doc.sentences.push(sent);
    }
    sent = { tokens: [], tags: [] };
  };
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) {
      endSentence();
      return;
    }
    const cols = line.trim().split(/\s+/);
    if (cols[0] === '-DOCSTART-') {
      endSentence();
      docs.push((doc = { sentences: [] }));
      return;
    }
    const tag = cols[3];
    if (cols.length < 4 || !tag || !/^(O|[BI]-[A-Z]+)$/.test(tag))
      throw new Error(`line ${i + 1}: expected "token POS chunk TAG", got ${JSON.stringify(line)}`);
    sent.tokens.push(cols[0]!);
    sent.tags.push(tag);
  });
  endSentence();
  return docs.filter((d) => d.sentences.length);
}

/** conlleval's chunks: [start, end) and type, from IOB1 or IOB2 tags. */
export function chunksOf(tags: readonly string[]): { start: number; end: number; type: string }[] {
  const out: { start: number; end: number; type: string }[] = [];
  let cur: { start: number; type: string } | undefined;
  tags.forEach((tag, i) => {
    const [prefix, type] = tag === 'O' ? ['O', ''] : [tag[0]!, tag.slice(2)];
    const continues = cur && prefix === 'I' && type === cur.type;
    if (cur && !continues) {
      out.push({ start: cur.start, end: i, type: cur.type });
      cur = undefined;
    }
    if (prefix !== 'O' && !continues) cur = { start: i, type };
  });
  if (cur) out.push({ start: cur.start, end: tags.length, type: cur.type });
  return out;
}

/** Span-exact precision, recall and F1 per type and micro-averaged over all types. */
export function scoreTags(gold: readonly string[][], predicted: readonly string[][]): Score {
  const counts = new Map<string, { gold: number; predicted: number; correct: number }>();
  const get = (t: string) => {
    let c = counts.get(t);
    if (!c) counts.set(t, (c = { gold: 0, predicted: 0, correct: 0 }));
    return c;
  };
  gold.forEach((g, s) => {
    const p = predicted[s] ?? [];
    const gc = chunksOf(g);
    const pc = chunksOf(p);
    const key = (c: { start: number; end: number; type: string }) => `${c.start}:${c.end}:${c.type}`;
    const goldKeys = new Set(gc.map(key));
    for (const c of gc) get(c.type).gold++;
    for (const c of pc) {
      get(c.type).predicted++;
      if (goldKeys.has(key(c))) get(c.type).correct++;
    }
  });
  return finishScore(counts);
}

type Counts = { gold: number; predicted: number; correct: number };
const finish = (type: string, c: Counts): TypeScore => {
  const precision = c.predicted ? c.correct / c.predicted : 0;
  const recall = c.gold ? c.correct / c.gold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { type, ...c, precision, recall, f1 };
};

function finishScore(counts: Map<string, Counts>): Score {
  const byType = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, c]) => finish(t, c));
  const total = byType.reduce(
    (acc, t) => ({ gold: acc.gold + t.gold, predicted: acc.predicted + t.predicted, correct: acc.correct + t.correct }),
    { gold: 0, predicted: 0, correct: 0 },
  );
  return { byType, overall: finish('overall', total) };
}

/** Our span's CoNLL type (see the header for the mapping). */
export function conllTypeOf(span: Pick<EntitySpan, 'kind' | 'via'>): NerType {
  if (span.via === 'demonym' || span.via === 'misc') return 'MISC';
  switch (span.kind) {
    case 'person':
      return 'PER';
    case 'organization':
    case 'bloc':
      return 'ORG';
    default:
      return 'LOC';
  }
}

/** Runs the extractor over a document rebuilt from its tokens; IOB2 tags per sentence. */
export function predictDoc(doc: Doc, extract: (text: string) => EntitySpan[] = findEntitySpans): string[][] {
  const offsets: { start: number; end: number }[][] = [];
  let text = '';
  doc.sentences.forEach((s, si) => {
    if (si) text += '\n';
    offsets.push(
      s.tokens.map((tok, ti) => {
        if (ti) text += ' ';
        const start = text.length;
        text += tok;
        return { start, end: text.length };
      }),
    );
  });
  const tags = doc.sentences.map((s) => s.tokens.map(() => 'O'));
  for (const span of extract(text)) {
    const type = conllTypeOf(span);
    offsets.forEach((sent, si) => {
      let first = true;
      sent.forEach((o, ti) => {
        if (o.end <= span.start || o.start >= span.end) return;
        tags[si]![ti] = `${first ? 'B' : 'I'}-${type}`;
        first = false;
      });
    });
  }
  return tags;
}

/** The types the document-level score counts: MISC (nationalities, events, works) is left out, as in issue 10. */
export const DOC_TYPES: readonly string[] = ['PER', 'ORG', 'LOC'];

/** A name as the document-level score compares it: case, accents and inner spacing folded. */
const foldName = (s: string) =>
  s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ').trim();

/** The set of `TYPE|name` a document's tags give (one entry however many times the name occurs). */
export function docNames(doc: Doc, tags: readonly string[][], types: readonly string[] = DOC_TYPES): Set<string> {
  const out = new Set<string>();
  doc.sentences.forEach((s, si) => {
    for (const c of chunksOf(tags[si] ?? [])) {
      if (!types.includes(c.type)) continue;
      out.add(`${c.type}|${foldName(s.tokens.slice(c.start, c.end).join(' '))}`);
    }
  });
  return out;
}

/**
 * Document-level precision, recall and F1: per document the set of (name, type) found against the gold set, the counts
 * summed over documents (micro average). This is what counts by entity rest on: a name found once per article.
 */
export function scoreDocs(gold: readonly Set<string>[], predicted: readonly Set<string>[]): Score {
  const counts = new Map<string, { gold: number; predicted: number; correct: number }>(
    DOC_TYPES.map((t) => [t, { gold: 0, predicted: 0, correct: 0 }]),
  );
  const typeOf = (k: string) => k.slice(0, k.indexOf('|'));
  gold.forEach((g, d) => {
    const p = predicted[d] ?? new Set<string>();
    for (const k of g) counts.get(typeOf(k))!.gold++;
    for (const k of p) {
      const c = counts.get(typeOf(k))!;
      c.predicted++;
      if (g.has(k)) c.correct++;
    }
  });
  return finishScore(counts);
}

export interface Evaluation {
  /** Span-exact, seqeval/conlleval-style, over every type. */
  mentions: Score;
  /** Set of (name, type) per document, PER/ORG/LOC. */
  documents: Score;
  docs: number;
}

export function evaluateConllFull(text: string, extract?: (text: string) => EntitySpan[]): Evaluation {
  const docs = parseConll(text);
  const gold: string[][] = [];
  const predicted: string[][] = [];
  const goldDocs: Set<string>[] = [];
  const predDocs: Set<string>[] = [];
  for (const d of docs) {
    const g = d.sentences.map((s) => s.tags);
    const p = predictDoc(d, extract);
    gold.push(...g);
    predicted.push(...p);
    goldDocs.push(docNames(d, g));
    predDocs.push(docNames(d, p));
  }
  return { mentions: scoreTags(gold, predicted), documents: scoreDocs(goldDocs, predDocs), docs: docs.length };
}

export function evaluateConll(text: string, extract?: (text: string) => EntitySpan[]): Score {
  return evaluateConllFull(text, extract).mentions;
}

export function formatScore(score: Score): string {
  const pct = (x: number) => (100 * x).toFixed(2).padStart(6);
  const rows = [...score.byType, score.overall].map(
    (t) =>
      `${t.type.padEnd(8)} ${pct(t.precision)} ${pct(t.recall)} ${pct(t.f1)} ${String(t.gold).padStart(6)} ${String(t.predicted).padStart(6)} ${String(t.correct).padStart(6)}`,
  );
  return [`type       prec.    rec.      F1   gold   pred   corr`, ...rows].join('\n');
}

function main(argv: string[]): void {
  const json = argv.includes('--json');
  // --tagger: the trained tagger alone, without the rules around it (to see what each part brings).
  const bare = argv.includes('--tagger');
  const files = argv.filter((a) => a !== '--json' && a !== '--tagger');
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  if (!files.length) files.push(resolve(root, 'test/fixtures/ner/gold.conll'));
  const results = files.map((f) => ({
    file: f,
    ...evaluateConllFull(readFileSync(f, 'utf8'), bare ? tagSpans : undefined),
  }));
  if (json) console.log(JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
  else
    for (const r of results)
      console.log(
        `${r.file} (${r.docs} documents)\n` +
          `mention level (exact span, every type):\n${formatScore(r.mentions)}\n` +
          `document level (set of name+type per document; PER, ORG, LOC):\n${formatScore(r.documents)}\n`,
      );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
