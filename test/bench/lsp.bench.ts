// Language server benchmark on generated 1,000- and 10,000-model projects (scripts/gen-project.ts):
// cold index, completion and hover latency, edit → diagnostics time, server memory, and a restart on
// the index cache (the schema summaries and bound results of the first session: warm start).
// Memory: RSS, and the JS heap before and after a full GC (measuredServer.mjs), since RSS alone moves
// with when V8 last collected.
// Budgets (DESIGN.md): cold index < 1 s, completion/hover p95 < 10 ms, diagnostics < 50 ms after a
// change, server memory < 400 MB. Sizes: LSP_BENCH_MODELS=1000,10000 (default).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateProject, writeProject } from '../../scripts/gen-project.js';
import { Workspace } from '../../server/src/analysis/workspace.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { Client } from '../lsp/client.js';
import { printTable, timed, type Row } from './harness.js';

const SIZES = (process.env.LSP_BENCH_MODELS ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
const SAMPLES = 100;
const EDITS = 20;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** The server started by measuredServer.mjs: it answers SIGUSR2 with its memory before and after a full GC. */
const MEASURED = [path.resolve(__dirname, 'measuredServer.mjs'), '--stdio'];

type Memory = Record<'rss' | 'heapUsed', number>;

/** The server's memory (MB) before and after a full garbage collection. */
async function collected(c: Client): Promise<{ before: Memory; after: Memory }> {
  const from = c.stderr.length;
  c.child.kill('SIGUSR2');
  for (;;) {
    const line = /medallion-bench-memory (.*)\n/.exec(c.stderr.slice(from));
    if (line) {
      const { before, after } = JSON.parse(line[1]) as { before: Memory; after: Memory };
      const mb = (m: Memory): Memory => ({ rss: m.rss / 2 ** 20, heapUsed: m.heapUsed / 2 ** 20 });
      return { before: mb(before), after: mb(after) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function position(text: string, offset: number): { line: number; character: number } {
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

async function bench(models: number): Promise<void> {
  const root = path.resolve(`.bench/lsp/p${models}`);
  const files = generateProject({ models });
  writeProject(root, files);
  // A gold model with an enforced contract: the one the editor works in.
  const contracted = [...files].filter(([f, t]) => f.endsWith('.yml') && t.includes('enforced: true')).flatMap(([, t]) =>
    [...t.matchAll(/- name: (\w+)\n[^\n]*\n {4}config:\n {6}contract: \{ enforced: true \}/g)].map((m) => m[1]));
  const name = contracted[contracted.length - 1];
  const file = [...files.keys()].find((f) => f.endsWith(`/${name}.sql`))!;
  const text = files.get(file)!;
  // A derived model no schema YAML declares: only binding (or the index cache) types its columns.
  const yaml = [...files].filter(([f]) => f.endsWith('.yml')).map(([, t]) => t).join('\n');
  const undeclared = [...files.keys()].find((f) => /\/(int|fct|dim)_\w+\.sql$/.test(f) && !yaml.includes(`- name: ${path.basename(f, '.sql')}\n`))!;

  // In process: the first pass (config, models, link, DAG), then the schema YAML the server defers.
  const cpu = process.cpuUsage();
  const firstPass = await timed(async () => {
    const ws = await Workspace.open(new NodeFileSystem(), root, { deferSchemas: true });
    ws.snapshot();
    return ws;
  });
  const firstPassCpu = process.cpuUsage(cpu);
  const schemaPass = await timed(async () => {
    await firstPass.value.completeIndex();
    firstPass.value.snapshot();
  });
  const started = performance.now();
  const c = await Client.launch(root, {}, false, { command: MEASURED });
  const serverComplete = performance.now() - started;
  const serverFirst = c.notifications.find((n) => n.method === 'medallion/projectChanged')!.at - started;
  const pid = c.child.pid!;
  const rssIndexed = rssMb(pid);

  await c.open(file, text);
  const uri = c.uri(file);
  const refAt = position(text, text.indexOf("ref('") + 5);
  const columnAt = position(text, text.indexOf('base.amount,') + 'base.'.length);
  await c.diagnosticsOf(file, () => true, 'the first diagnostics');

  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    completion.push((await timed(() => c.request('textDocument/completion', { textDocument: { uri }, position: refAt }))).ms);
    completion.push((await timed(() => c.request('textDocument/completion', { textDocument: { uri }, position: columnAt }))).ms);
    hover.push((await timed(() => c.request('textDocument/hover', { textDocument: { uri }, position: refAt }))).ms);
  }

  // Static: a typo in a ref appears and goes away. Bound: a type change breaks the contract and back.
  const measure = async (broken: string, code: string): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const wantBroken = i % 2 === 0;
      const t = performance.now();
      await c.change(file, wantBroken ? broken : text);
      await c.diagnosticsOf(file, (l) => l.some((d) => d.code === code) === wantBroken, `${code} edit ${i}`);
      times.push(performance.now() - t);
    }
    return times;
  };
  const refEdits = await measure(text.replace("ref('", "ref('zz"), 'unknown-ref');
  // The first bound diagnostics of a file wait for its inputs to be bound (once); later edits do not.
  const broken = text.replace('base.amount,', 'base.amount::varchar as amount,');
  const first = performance.now();
  await c.change(file, broken);
  await c.diagnosticsOf(file, (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the first contract diagnostic', 900_000);
  const firstBound = performance.now() - first;
  await c.change(file, text);
  await c.diagnosticsOf(file, (l) => !l.some((d) => d.code === 'contract-type-mismatch'), 'the contract fixed', 300_000);
  const contractEdits = await measure(broken, 'contract-type-mismatch');
  const rssEnd = rssMb(pid);
  const memoryEnd = await collected(c);
  // The session ends with the contract broken on disk, and every model bound (and its results saved).
  const mark = c.notifications.length;
  await c.change(file, broken);
  await c.diagnosticsOf(file, (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the contract broken again', 300_000);
  writeFileSync(path.join(root, file), broken);
  await c.waitFor(() => logged(c, /^index cache: \d+ bound models saved/, mark), 'the bound results saved', 600_000);
  const rssBound = rssMb(pid);
  await c.stop();
  // A restart finds the index cache (target/) the first session wrote.
  const restarted = performance.now();
  const again = await Client.launch(root);
  const warmRestart = performance.now() - restarted;
  await again.open(file, broken);
  await again.diagnosticsOf(file, (l) => l.some((d) => d.code === 'contract-type-mismatch'), 'the contract diagnostic after a restart', 300_000);
  const warmContract = performance.now() - restarted;
  const undeclaredText = files.get(undeclared)!;
  const undeclaredAt = { textDocument: { uri: again.uri(undeclared) }, position: position(undeclaredText, undeclaredText.indexOf('base.amount,') + 'base.'.length) };
  // Polled: the hover is typed once the model's binding (or its cached result) is there.
  for (;;) {
    const h = await again.request<{ contents: { value: string } } | null>('textDocument/hover', undeclaredAt);
    if (h && /\*\*amount\*\* — [A-Z]/.test(h.contents.value)) break;
    await new Promise((r) => setImmediate(r));
  }
  const warmHover = performance.now() - restarted;
  await again.stop();

  const rows: Row[] = [
    { name: 'cold index: config, models, link, DAG (in process)', value: firstPass.ms, unit: 'ms', budget: 1000 },
    { name: 'cold index CPU time (user + system; the machine is shared)', value: (firstPassCpu.user + firstPassCpu.system) / 1000, unit: 'ms' },
    { name: 'then schema YAML parsed and relinked (in process)', value: schemaPass.ms, unit: 'ms' },
    { name: 'server start → models indexed (process start included)', value: serverFirst, unit: 'ms' },
    { name: 'server start → fully indexed', value: serverComplete, unit: 'ms' },
    { name: 'server restart → fully indexed (index cache)', value: warmRestart, unit: 'ms' },
    { name: 'restart with the index cache → contract diagnostics of the open model', value: warmContract, unit: 'ms' },
    { name: 'restart with the index cache → first typed hover (a model no YAML types)', value: warmHover, unit: 'ms' },
    { name: 'completion p50', value: percentile(completion, 50), unit: 'ms' },
    { name: 'completion p95', value: percentile(completion, 95), unit: 'ms', budget: 10 },
    { name: 'hover p50', value: percentile(hover, 50), unit: 'ms' },
    { name: 'hover p95', value: percentile(hover, 95), unit: 'ms', budget: 10 },
    { name: 'edit → diagnostics, unknown ref (p50)', value: percentile(refEdits, 50), unit: 'ms', budget: 50 },
    { name: 'edit → diagnostics, unknown ref (p95)', value: percentile(refEdits, 95), unit: 'ms' },
    { name: 'first contract diagnostic after opening (binds the inputs)', value: firstBound, unit: 'ms' },
    { name: 'edit → diagnostics, contract break (p50)', value: percentile(contractEdits, 50), unit: 'ms', budget: 50 },
    { name: 'edit → diagnostics, contract break (p95)', value: percentile(contractEdits, 95), unit: 'ms' },
    { name: 'server RSS after index', value: rssIndexed, unit: 'MB', budget: 400 },
    { name: 'server RSS at the end', value: rssEnd, unit: 'MB', budget: 400 },
    { name: 'server JS heap in use at the end (garbage included)', value: memoryEnd.before.heapUsed, unit: 'MB' },
    { name: 'server JS heap at the end after a full GC (what it keeps)', value: memoryEnd.after.heapUsed, unit: 'MB' },
    { name: 'server RSS at the end after a full GC', value: memoryEnd.after.rss, unit: 'MB' },
    { name: 'server RSS once every model is bound (render worker included)', value: rssBound, unit: 'MB', budget: 400 },
  ];
  printTable(`language server, ${models.toLocaleString('en-US')} models (${files.size.toLocaleString('en-US')} files)`, rows);
}

/** The server logged a line matching `pattern` (window/logMessage), after the first `from` notifications. */
function logged(c: Client, pattern: RegExp, from = 0): boolean {
  return c.notifications.slice(from).some((n) => n.method === 'window/logMessage' && pattern.test((n.params as { message: string }).message));
}

async function main(): Promise<void> {
  for (const n of SIZES) await bench(n);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
