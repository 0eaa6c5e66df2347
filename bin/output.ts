/** Terminal output: colour only on a terminal (and never with NO_COLOR), aligned tables. */
const colour = (stream: NodeJS.WriteStream) =>
  Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

const wrap =
  (code: number, reset: number) =>
  (s: string, stream: NodeJS.WriteStream = process.stdout) =>
    colour(stream) ? `\u001b[${code}m${s}\u001b[${reset}m` : s;
export const bold = wrap(1, 22);
export const dim = wrap(2, 22);
export const red = wrap(31, 39);
export const green = wrap(32, 39);
export const yellow = wrap(33, 39);

/** An aligned table: numbers right-aligned, text left-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [bold(line(headers)), ...cells.slice(1).map(line)].join('\n');
}

/** A progress bar on stderr when it is a terminal; silent otherwise. */
export function progress(label: string, total: number): { update(done: number): void; end(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let last = -1;
  return {
    update(done) {
      if (!tty || total <= 0) return;
      const pct = Math.min(100, Math.floor((done / total) * 100));
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${pct}% of ${formatBytes(total)}`,
      );
    },
    end() {
      if (tty && last >= 0) process.stderr.write('\n');
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
