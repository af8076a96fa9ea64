// Core benchmark: generated projects of 1,000 and 10,000 models (scripts/gen-project.ts) — load
// (disk read + parse + static scan + link), DAG build, full compile (Jinja rendered), and the
// editor's render of one just-edited model.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileNode, compileProject } from '../../runtime/compile/compile.js';
import { buildGraph, type Graph } from '../../runtime/graph/dag.js';
import type { Project } from '../../runtime/project/types.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { generateProject, writeProject } from '../../scripts/gen-project.js';
import { medianMs, printTable, timed, type Row } from './harness.js';

const SIZES = [1_000, 10_000];

async function benchSize(models: number): Promise<Row[]> {
  const root = path.resolve('.bench', `core-${models}`).split(path.sep).join('/');
  const files = generateProject({ models, seed: 1 });
  writeProject(root, files);
  const fs = new NodeFileSystem();
  const scale = models / 10_000;
  const runs = models >= 10_000 ? 3 : 5;

  // The first load and compile in this process are the cold ones an editor or CLI start pays.
  const first = await timed(() => loadProject(fs, root));
  const project = first.value;
  const errors = project.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generated project has ${errors.length} errors, e.g. ${errors[0].file}: ${errors[0].message}`);
  const heapMb = process.memoryUsage().heapUsed / 1048576;
  // The floor under load: only reading every file (a busy machine shows here first).
  const paths = [...files.keys()].map((f) => `${root}/${f}`);
  const readFloor = await medianMs(runs, () => Promise.all(paths.map((p) => fs.readFile(p))));
  const load = await medianMs(runs, () => loadProject(fs, root));
  const graphMs = await medianMs(runs, () => buildGraph(project));
  const graph = buildGraph(project);
  const cold = await timed(() => compileProject(project, graph));
  const failed = [...cold.value.values()].filter((c) => c.diagnostics.some((d) => d.severity === 'error'));
  if (failed.length > 0) throw new Error(`${failed.length} nodes failed to compile, e.g. ${failed[0].id}: ${failed[0].diagnostics[0].message}`);
  // A fresh project object (as after a reload) over the same files: what render caches give back.
  const reloaded = await loadProject(fs, root);
  const regraph = buildGraph(reloaded);
  const warm = await medianMs(runs, () => compileProject(reloaded, regraph));

  const editP95 = renderAfterEdit(reloaded, regraph);

  const label = `${models.toLocaleString('en-US')} models`;
  return [
    { name: `${label}: load, cold (read + parse + scan + link)`, value: first.ms, unit: 'ms' },
    { name: `${label}: load, median`, value: load, unit: 'ms' },
    { name: `${label}: floor: read every file, median`, value: readFloor, unit: 'ms' },
    { name: `${label}: build graph, median`, value: graphMs, unit: 'ms' },
    { name: `${label}: cold index (load + graph)`, value: load + graphMs, unit: 'ms', budget: 1000 * scale },
    { name: `${label}: full compile, cold (${cold.value.size.toLocaleString('en-US')} nodes)`, value: cold.ms, unit: 'ms', budget: 3000 * scale },
    { name: `${label}: full compile, warm median`, value: warm, unit: 'ms' },
    { name: `${label}: render one model after an edit (the editor's case), p95 of 200`, value: editP95, unit: 'ms', budget: 2 },
    { name: `${label}: heap after first load`, value: heapMb, unit: 'MB' },
    { name: `${label}: files`, value: files.size, unit: 'files' },
  ];
}

/**
 * The editor's render: one model whose text just changed (so no parse or render cache holds it),
 * compiled alone; p95 over 200 models spread across the project.
 */
function renderAfterEdit(project: Project, graph: Graph): number {
  const models = [...project.models.values()];
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const model = models[Math.floor((i * models.length) / 200)];
    model.text = `${model.text}\n-- edit ${i}`;
    const started = performance.now();
    compileNode(project, graph, model.id);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length * 0.95)];
}

/** Each size runs in a fresh process, so "cold" means cold: no JIT, no render caches from another size. */
async function main(): Promise<void> {
  const size = process.env.CORE_BENCH_SIZE;
  if (size) {
    console.log(JSON.stringify(await benchSize(Number(size))));
    return;
  }
  const rows: Row[] = [];
  for (const models of SIZES) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename], { env: { ...process.env, CORE_BENCH_SIZE: String(models) }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`core bench for ${models} models failed (exit ${child.status})`);
    rows.push(...(JSON.parse(child.stdout) as Row[]));
  }
  rows.push({ name: 'machine load average (1 min) at the end', value: os.loadavg()[0], unit: `on ${os.cpus().length} cores` });
  printTable('core: load, graph, compile', rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
