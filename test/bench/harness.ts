// Shared helpers for test/bench/*.bench.ts: timing with a median over runs, and the markdown table
// every bench prints (scripts/bench.mjs documents the conventions).

export interface Row {
  name: string;
  value: number;
  unit: string;
  /** The budget from DESIGN.md, in the row's unit; reported beside the value, never asserted. */
  budget?: number;
}

/** Runs `fn` `runs` times and returns the median duration in ms (after one untimed warm-up if asked). */
export async function medianMs(runs: number, fn: () => unknown, options: { warmup?: boolean } = {}): Promise<number> {
  if (options.warmup) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** One timed call: its result and how long it took in ms. */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Prints a titled markdown table: name | value | unit | budget (a budget exceeded is marked). */
export function printTable(title: string, rows: Row[]): void {
  const lines = [`### ${title}`, '', '| name | value | unit | budget |', '| --- | ---: | --- | --- |'];
  for (const r of rows) {
    const value = r.value >= 100 ? Math.round(r.value).toLocaleString('en-US') : r.value.toFixed(r.value >= 10 ? 1 : 2);
    const budget = r.budget === undefined ? '' : `≤ ${r.budget.toLocaleString('en-US')}${r.value > r.budget ? ' ✗ over' : ' ✓'}`;
    lines.push(`| ${r.name} | ${value} | ${r.unit} | ${budget} |`);
  }
  console.log(lines.join('\n') + '\n');
}

/** Prints a titled markdown table with its own columns (for comparisons the name | value table does not fit). */
export function printColumns(title: string, columns: string[], rows: string[][]): void {
  const lines = [`### ${title}`, '', `| ${columns.join(' | ')} |`, `| ${columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const r of rows) lines.push(`| ${columns.map((_, i) => r[i] ?? '').join(' | ')} |`);
  console.log(lines.join('\n') + '\n');
}
