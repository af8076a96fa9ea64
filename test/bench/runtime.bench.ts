// Runtime benchmark: 1,000,000 generated events (runtime/sample) through the sample pipeline with
// `medallion build`'s runner, seconds per stage, beside the same SQL run directly in DuckDB (the floor:
// read_json with the declared columns, then each model's compiled SQL as CREATE TABLE, Parquet for
// silver and gold). BENCH_EVENTS widens or narrows it.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileNode } from '../../runtime/compile/compile.js';
import { openWarehouse } from '../../runtime/engine/duckdb.js';
import { ident, literal } from '../../runtime/engine/sql.js';
import { buildGraph } from '../../runtime/graph/dag.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { previewNode } from '../../runtime/run/preview.js';
import { runPipeline } from '../../runtime/run/runner.js';
import type { NodeResult } from '../../runtime/run/types.js';
import { generateSample } from '../../runtime/sample/generate.js';
import { printTable, type Row } from './harness.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const base = path.resolve('.bench', `runtime-${EVENTS}`);
const lake = path.join(base, 'lake');
const projectDir = path.join(base, 'project');

async function main(): Promise<void> {
  // Inputs: the events are generated once and reused (deterministic for a given count).
  const marker = path.join(base, 'generated.json');
  if (!existsSync(marker)) {
    rmSync(base, { recursive: true, force: true });
    const started = performance.now();
    const sample = await generateSample(lake, { events: EVENTS, days: 7, seed: 42, malformed: 100 });
    writeFileSync(marker, JSON.stringify({ ...sample, files: sample.files.length, ms: performance.now() - started }));
  }
  const sample = JSON.parse(readFileSync(marker, 'utf8'));
  console.log(`input: ${sample.records.toLocaleString('en-US')} records (${(sample.bytes / 1048576).toFixed(0)} MiB NDJSON, ${sample.files} files, ${sample.duplicates} duplicates, ${sample.malformed} malformed)\n`);

  // The sample workspace's project, pointed at the generated lake.
  rmSync(projectDir, { recursive: true, force: true });
  for (const part of ['models', 'macros', 'seeds', 'tests']) cpSync(path.join('sample-workspace', part), path.join(projectDir, part), { recursive: true });
  const pipeline = readFileSync('sample-workspace/pipeline.yml', 'utf8').replace(/^lake: .*$/m, `lake: ${lake}`);
  writeFileSync(path.join(projectDir, 'pipeline.yml'), pipeline);

  const project = await loadProject(new NodeFileSystem(), projectDir);
  const graph = buildGraph(project);

  // Medallion: a cold build (fresh warehouse) one node at a time, so each stage's time is its own as
  // in the floor, then a run with nothing new (source unchanged, incremental merge).
  const loadBefore = os.loadavg()[0];
  const cold = await runPipeline(project, graph, { command: 'build', writeResults: false, threads: 1 });
  if (!cold.success) throw new Error(`build failed: ${JSON.stringify(cold.results.filter((r) => r.status !== 'success').slice(0, 3).concat(cold.errors as never[]))}`);
  const again = await runPipeline(project, graph, { command: 'run', writeResults: false });
  const stage = (results: NodeResult[], id: string): number => (results.find((r) => r.id === id)?.ms ?? NaN) / 1000;
  const testsSeconds = cold.results.filter((r) => r.kind === 'test').reduce((s, r) => s + r.ms, 0) / 1000;

  // Preview as the editor and the CLI do it: open the warehouse read-only, first 100 rows of the
  // 1,000,000-row events model, close. Median of 5, and the query alone.
  const previews: number[] = [];
  const queries: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const wh = await openWarehouse(path.resolve(projectDir, project.config.warehouse), { readOnly: true });
    try {
      const preview = await previewNode(wh, graph, 'model.events', (id, opts) => compileNode(project, graph, id, opts));
      if (preview.rows.length !== 100) throw new Error(`preview returned ${preview.rows.length} rows`);
      queries.push(preview.elapsedMs);
    } finally {
      wh.close();
    }
    previews.push(performance.now() - started);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  // The floor: the same SQL straight in DuckDB, one statement per stage, in a fresh database file.
  const floorFile = path.join(base, 'floor.duckdb');
  rmSync(floorFile, { force: true });
  rmSync(path.join(base, 'floor-lake'), { recursive: true, force: true });
  const db = await openWarehouse(floorFile);
  const floor = new Map<string, number>();
  const time = async (id: string, sql: string): Promise<void> => {
    const started = performance.now();
    await db.exec(sql);
    floor.set(id, (performance.now() - started) / 1000);
  };
  try {
    const source = project.sources.get('bronze.app_logs')!;
    const columns = `{${source.columns.map((c) => `${literal(c.name)}: ${literal(c.dataType ?? 'VARCHAR')}`).join(', ')}}`;
    await db.exec('CREATE SCHEMA bronze');
    await time('source.bronze.app_logs', `CREATE TABLE bronze.app_logs AS SELECT * FROM read_json(${literal(path.join(lake, source.path!))}, format = 'newline_delimited', columns = ${columns}, ignore_errors = true) QUALIFY row_number() OVER (PARTITION BY ${source.dedupeOn.map(ident).join(', ')}) = 1`);
    const seed = project.seeds.get('pages')!;
    await db.exec(`CREATE TABLE ${seed.relation} AS SELECT * FROM read_csv(${literal(path.join(projectDir, seed.file))})`);
    for (const id of graph.order) {
      const node = graph.nodes.get(id)!;
      if (node.kind !== 'model') continue;
      const compiled = compileNode(project, graph, id, { isIncremental: false });
      const parquet = node.layer ? `; COPY ${node.relation} TO ${literal(path.join(base, 'floor-lake', node.layer, `${node.name}.parquet`))} (FORMAT parquet, COMPRESSION zstd)` : '';
      mkdirSync(path.join(base, 'floor-lake', node.layer ?? ''), { recursive: true });
      await db.exec(`CREATE SCHEMA IF NOT EXISTS ${ident(node.config.schema)}`);
      await time(id, `CREATE TABLE ${node.relation} AS ${compiled.sql.replace(/[\s;]+$/, '')}${parquet}`);
    }
  } finally {
    db.close();
  }

  const rows: Row[] = [];
  let total = 0;
  let floorTotal = 0;
  for (const id of ['source.bronze.app_logs', 'model.events', 'model.sessions', 'model.daily_active_users', 'model.top_pages']) {
    const ours = stage(cold.results, id);
    const theirs = floor.get(id)!;
    total += ours;
    floorTotal += theirs;
    rows.push({ name: `${id}: medallion`, value: ours, unit: 's' });
    rows.push({ name: `${id}: DuckDB floor`, value: theirs, unit: 's' });
  }
  rows.push({ name: 'bronze → gold: medallion', value: total, unit: 's' });
  rows.push({ name: 'bronze → gold: DuckDB floor', value: floorTotal, unit: 's' });
  rows.push({ name: 'medallion / floor', value: total / floorTotal, unit: '×', budget: 1.25 });
  rows.push({ name: `data tests (${cold.results.filter((r) => r.kind === 'test').length}, sum of node times)`, value: testsSeconds, unit: 's' });
  rows.push({ name: 'build wall time, threads 1 (open, seed, source, models, tests, close)', value: cold.elapsedMs / 1000, unit: 's' });
  rows.push({ name: 'second run, no new data: source check', value: stage(again.results, 'source.bronze.app_logs'), unit: 's' });
  rows.push({ name: 'second run, no new data: events (incremental merge)', value: stage(again.results, 'model.events'), unit: 's' });
  rows.push({ name: 'second run wall time', value: again.elapsedMs / 1000, unit: 's' });
  rows.push({ name: 'preview: first 100 rows of events (open warehouse + query + close), median', value: median(previews), unit: 'ms', budget: 300 });
  rows.push({ name: 'preview: the query alone, median', value: median(queries), unit: 'ms' });
  printTable(`runtime: ${EVENTS.toLocaleString('en-US')} events through the sample pipeline`, rows);
  console.log(`machine load average (1 min) before / after: ${loadBefore.toFixed(1)} / ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
