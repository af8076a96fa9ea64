#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs each test/bench/*.bench.ts (or those whose name contains a NAME)
// in its own Node process through tsx, streams its output, and collects it in .bench/results.md.
//
// Conventions for a bench file (core, runtime, lsp, …):
// - test/bench/<area>.bench.ts, run as `node --import tsx test/bench/<area>.bench.ts` from the repo root;
//   exit code non-zero only when the benchmark could not run (budgets are reported, never asserted).
// - Print one or more markdown tables with printTable() from test/bench/harness.ts: columns
//   name | value | unit | budget, budgets from DESIGN.md ("✗ over" marks a miss). Time with
//   medianMs()/timed(); report medians of a few runs, and cold (first) runs separately.
// - Generated inputs go under .bench/ (git-ignored): projects from scripts/gen-project.ts, events
//   from runtime/sample (generateSample). Never download anything; never depend on the network.
// - Keep each file under a few minutes on a 2-core machine; let environment variables widen it.
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync('test/bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();
if (files.length === 0) {
  console.error(`no bench files match ${filters.join(', ') || '*'} in test/bench/`);
  process.exit(1);
}

const results = [`# Benchmarks (${new Date().toISOString()}, Node ${process.version})`, ''];
let failed = 0;
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const started = Date.now();
  const { code, output } = await run(join('test/bench', file));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    failed++;
    console.error(`✖ ${file} failed (exit ${code}) after ${seconds} s`);
    results.push(`## ${file}: FAILED (exit ${code})`, '');
  } else {
    console.log(`✔ ${file} in ${seconds} s`);
    results.push(`## ${file} (${seconds} s)`, '', output.trim(), '');
  }
}
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/results.md', results.join('\n') + '\n');
console.log(`\nresults: .bench/results.md${failed ? ` (${failed} failed)` : ''}`);
process.exit(failed ? 1 : 0);

/** Runs one bench file, echoing its output live and keeping stdout for the results file. */
function run(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
