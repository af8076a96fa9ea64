// Language server benchmark on synthetic 1,000- and 10,000-model projects: cold index, completion
// and hover latency (p50/p95), edit → diagnostics time, and the server's memory. Budgets (DESIGN.md):
// cold index < 1 s, completion/hover p95 < 10 ms, diagnostics < 50 ms after a change, RSS < 400 MB.
// Run: npm run build && node --import tsx test/bench/lsp.bench.ts [models...]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { Workspace } from '../../server/src/analysis/workspace.js';
import { Client } from '../lsp/client.js';

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SAMPLES = 200;
const EDITS = 40;
const OUT = path.resolve('.bench/lsp');

/** A deterministic project: 5 bronze sources, 30% silver models on sources/silver, 70% gold on 1–3 earlier models. */
function generate(root: string, models: number): void {
  rmSync(root, { recursive: true, force: true });
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const sources = ['clicks', 'orders', 'users', 'payments', 'sessions'];
  write('pipeline.yml', [
    'name: synthetic',
    'sources:',
    ...sources.flatMap((s) => [`  ${s}:`, '    format: json', `    path: bronze/${s}/*.json`, `    description: Raw ${s}`, '    columns:',
      '      id: { type: bigint, required: true }', '      user_id: { type: integer }', '      amount: { type: double }', '      ts: { type: timestamptz }']),
    '',
  ].join('\n'));
  const silver = Math.max(1, Math.floor(models * 0.3));
  const specs = new Map<string, string[]>();
  for (let i = 0; i < models; i++) {
    const name = `m${i}`;
    const layer = i < silver ? 'silver' : 'gold';
    const folder = `models/${layer}/d${Math.floor(i / 100)}`;
    let from: string;
    if (i < sources.length || (layer === 'silver' && random(2) === 0)) {
      from = `{{ source('bronze', '${sources[i % sources.length]}') }} a`;
    } else {
      const upstream = Array.from({ length: 1 + random(3) }, () => `m${random(layer === 'silver' ? i : Math.min(i, silver + (i - silver)))}`);
      from = [`{{ ref('${upstream[0]}') }} a`, ...upstream.slice(1).map((u, k) => `join {{ ref('${u}') }} j${k} on a.id = j${k}.id`)].join('\n');
    }
    const materialized = layer === 'silver' ? 'view' : random(3) === 0 ? 'incremental' : 'table';
    write(`${folder}/${name}.sql`, [
      `{{ config(materialized='${materialized}'${materialized === 'incremental' ? ", unique_key='id'" : ''}) }}`,
      '-- synthetic model',
      'select',
      '  a.id,',
      '  a.user_id,',
      '  a.amount,',
      '  a.ts,',
      `  a.amount * ${1 + random(9)} as metric_${i}`,
      `from ${from}`,
      materialized === 'incremental' ? "{% if is_incremental() %}where a.ts > (select max(ts) from {{ this }}){% endif %}" : '',
      '',
    ].join('\n'));
    const list = specs.get(folder) ?? [];
    list.push([
      `  - name: ${name}`,
      `    description: Synthetic ${layer} model ${i}`,
      ...(layer === 'gold' && i % 10 === 0
        ? ['    config:', '      contract: { enforced: true }', '    columns:', '      - name: id', '        data_type: bigint', '      - name: user_id', '        data_type: integer',
          '      - name: amount', '        data_type: double', '      - name: ts', '        data_type: timestamptz', `      - name: metric_${i}`, '        data_type: double']
        : []),
    ].join('\n'));
    specs.set(folder, list);
  }
  for (const [folder, list] of specs) write(`${folder}/schema.yml`, `version: 2\nmodels:\n${list.join('\n')}\n`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function bench(models: number): Promise<Record<string, number>> {
  const root = path.join(OUT, `p${models}`);
  generate(root, models);
  // The index alone, in this process: load, static scan, link (no Jinja, no binding).
  const coldInProcess = await timed(async () => (await Workspace.open(new NodeFileSystem(), root)).snapshot());

  const started = performance.now();
  const c = await Client.launch(root);
  const coldServer = performance.now() - started;
  const pid = c.child.pid!;
  const rssIndexed = rssMb(pid);

  const last = models - 1;
  const file = `models/gold/d${Math.floor(last / 100)}/m${last}.sql`;
  const text = readFileSync(path.join(root, file), 'utf8');
  await c.open(file, text);
  const uri = c.uri(file);
  const lines = text.split('\n');
  const refLine = lines.findIndex((l) => l.includes('ref('));
  const refChar = lines[refLine].indexOf("ref('") + 6;
  const selectLine = lines.findIndex((l) => l.includes('a.user_id'));

  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    completion.push(await timed(() => c.request('textDocument/completion', { textDocument: { uri }, position: { line: refLine, character: refChar } })));
    completion.push(await timed(() => c.request('textDocument/completion', { textDocument: { uri }, position: { line: selectLine, character: 4 } })));
    hover.push(await timed(() => c.request('textDocument/hover', { textDocument: { uri }, position: { line: refLine, character: refChar } })));
  }

  // Each edit toggles a typo in a ref; the time runs until diagnostics for that version arrive.
  const diagnostics: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const broken = i % 2 === 0;
    const next = broken ? text.replace("ref('", "ref('zz") : text;
    const t = performance.now();
    await c.change(file, next);
    await c.diagnosticsOf(file, (l) => l.some((d) => d.code === 'unknown-ref') === broken, `edit ${i}`);
    diagnostics.push(performance.now() - t);
  }
  const rssEnd = rssMb(pid);
  await c.stop();
  return {
    models,
    coldIndexInProcessMs: Math.round(coldInProcess),
    coldIndexServerMs: Math.round(coldServer),
    completionP50Ms: +percentile(completion, 50).toFixed(2),
    completionP95Ms: +percentile(completion, 95).toFixed(2),
    hoverP50Ms: +percentile(hover, 50).toFixed(2),
    hoverP95Ms: +percentile(hover, 95).toFixed(2),
    diagnosticsP50Ms: +percentile(diagnostics, 50).toFixed(1),
    diagnosticsP95Ms: +percentile(diagnostics, 95).toFixed(1),
    rssAfterIndexMb: Math.round(rssIndexed),
    rssEndMb: Math.round(rssEnd),
  };
}

async function main(): Promise<void> {
  const results = [];
  for (const n of SIZES.length ? SIZES : [1000, 10000]) {
    const r = await bench(n);
    results.push(r);
    console.log(JSON.stringify({ bench: 'lsp', ...r }));
  }
  console.table(results);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
}

void main();
