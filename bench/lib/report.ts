import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release, arch } from 'node:os';
import { join } from 'node:path';
import { isLinearOrBetter, ratioOf, scalingExponentOf, summarise, type Summary } from '../stats.ts';
import { RESULTS_DIR, ROOT } from './paths.ts';

export interface Figure {
  suite: string;
  /** What was measured, e.g. `parse us-ofac-xml`. */
  name: string;
  unit: string;
  /** Scale, size, index size … as printed in the table. */
  params: Record<string, string | number>;
  summary: Summary;
  /** `higher` for throughputs, `lower` for latencies and memory. */
  better: 'higher' | 'lower';
  baseline?: { name: string; summary: Summary };
  /** Median of the figure over the median of its baseline. */
  ratio?: number;
  goal?: { text: string; met?: boolean };
  note?: string;
}

export interface Growth {
  suite: string;
  name: string;
  unit: string;
  points: { scale: number; size: number; throughput: number }[];
  /** Exponent b of time ∝ size^b: 1 is linear. */
  exponent?: number;
  linearOrBetter?: boolean;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  commit: string;
  dirty: boolean;
}

export interface Results {
  mode: 'full' | 'quick';
  /** The arguments the run was given (`--quick --only scale --sizes 1,10`), when any. */
  command?: string;
  suites: string[];
  machine: Machine;
  durationS: number;
  figures: Figure[];
  growth: Growth[];
  notes: string[];
}

export function machineInfo(): Machine {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    date: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: git(['status', '--porcelain']) !== '',
  };
}

/** A figure from raw runs, with its baseline's runs when it has one. */
export function figureOf(
  f: Omit<Figure, 'summary' | 'baseline' | 'ratio'> & {
    runs: number[];
    baselineRuns?: { name: string; runs: number[] };
  },
): Figure {
  const { runs, baselineRuns, ...rest } = f;
  const summary = summarise(runs);
  const out: Figure = { ...rest, summary };
  if (baselineRuns) {
    const b = summarise(baselineRuns.runs);
    out.baseline = { name: baselineRuns.name, summary: b };
    const r = ratioOf(summary.median, b.median);
    if (r !== undefined) out.ratio = r;
  }
  return out;
}

export function growthOf(g: Omit<Growth, 'exponent' | 'linearOrBetter'>): Growth {
  const exponent = scalingExponentOf(g.points);
  const linear = isLinearOrBetter(exponent);
  return {
    ...g,
    ...(exponent !== undefined ? { exponent } : {}),
    ...(linear !== undefined ? { linearOrBetter: linear } : {}),
  };
}

const fmt = (v: number): string => {
  const a = Math.abs(v);
  if (a >= 100_000) return v.toExponential(2);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
};
const pct = (r: number) => `${Math.round(r * 100)} %`;

export function renderMarkdown(r: Results): string {
  const m = r.machine;
  const lines: string[] = [
    `# Benchmark results (${r.mode === 'quick' ? 'QUICK pass: smaller inputs, fewer runs' : 'full run'})`,
    '',
    `\`npm run bench${r.command ? ` -- ${r.command}` : r.mode === 'quick' ? ' -- --quick' : ''}\` · ${m.date} · commit ${m.commit}${m.dirty ? ' (uncommitted changes)' : ''} · ${r.durationS.toFixed(0)} s`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}.`,
    '',
    'Each figure is the median of n runs; spread is (max − min) / median; a ratio compares medians of the figure and its',
    'baseline measured in the same run (absolute numbers move with the machine, ratios much less): a share for',
    'throughputs, a multiple for latencies and memory.',
    '',
  ];
  for (const suite of r.suites) {
    const figs = r.figures.filter((f) => f.suite === suite);
    if (!figs.length) continue;
    lines.push(`## ${suite}`, '');
    const paramKeys = [...new Set(figs.flatMap((f) => Object.keys(f.params)))];
    lines.push(
      `| figure | ${paramKeys.join(' | ')} | median | unit | n | min–max | spread | baseline (median) | ratio | goal |`,
    );
    lines.push(`|---|${paramKeys.map(() => '---|').join('')}---:|---|---:|---|---:|---|---:|---|`);
    for (const f of figs) {
      const s = f.summary;
      const goal = f.goal ? `${f.goal.met === undefined ? '' : f.goal.met ? '✅ ' : '❌ '}${f.goal.text}` : '';
      lines.push(
        `| ${f.name}${f.note ? ` (${f.note})` : ''} | ${paramKeys.map((k) => f.params[k] ?? '').join(' | ')} | ${fmt(s.median)} | ${f.unit} | ${s.n} | ${fmt(s.min)}–${fmt(s.max)} | ${pct(s.spread)} | ${f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.summary.median)}` : ''} | ${f.ratio === undefined ? '' : f.better === 'lower' ? `${f.ratio.toFixed(1)}×` : pct(f.ratio)} | ${goal} |`,
      );
    }
    const growth = r.growth.filter((g) => g.suite === suite);
    if (growth.length) {
      lines.push('', 'Growth (throughput at 1×, 10×, 100× the input; exponent b of time ∝ size^b, 1 = linear):', '');
      lines.push('| figure | 1× | 10× | 100× | unit | b | linear or better |', '|---|---:|---:|---:|---|---:|---|');
      for (const g of growth) {
        const at = (s: number) => g.points.find((p) => p.scale === s);
        const cell = (s: number) => (at(s) ? fmt(at(s)!.throughput) : '');
        lines.push(
          `| ${g.name} | ${cell(1)} | ${cell(10)} | ${cell(100)} | ${g.unit} | ${g.exponent !== undefined ? g.exponent.toFixed(2) : ''} | ${g.linearOrBetter === undefined ? '' : g.linearOrBetter ? '✅' : '❌'} |`,
        );
      }
    }
    lines.push('');
  }
  if (r.notes.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

export function writeResults(r: Results, dir = RESULTS_DIR, name = 'latest'): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(r));
  return { json, md };
}
