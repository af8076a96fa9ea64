// Trino beside DuckDB: 1,000,000 generated events (runtime/sample) on a real MinIO, the portable
// acceptance project (test/support/trinoProject.ts) built with `build` on a local Trino coordinator +
// 1 worker and on DuckDB, seconds per stage. BENCH_EVENTS widens or narrows it (10,000,000 if it fits).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { engineCommand } from '../../runtime/cli/commands/engine.js';
import type { Io } from '../../runtime/cli/context.js';
import { findJava, findTrino } from '../../runtime/engine/trinoCluster.js';
import { buildGraph } from '../../runtime/graph/dag.js';
import { openLake } from '../../runtime/lake/open.js';
import { NodeFileSystem } from '../../runtime/project/fs.js';
import { loadProject } from '../../runtime/project/load.js';
import { runPipeline } from '../../runtime/run/runner.js';
import type { RunResults } from '../../runtime/run/types.js';
import { generateSample } from '../../runtime/sample/generate.js';
import { freePort, startMinio } from '../support/minio.js';
import { writeTrinoProject } from '../support/trinoProject.js';
import { printColumns } from './harness.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const base = path.resolve('.bench', `trino-${EVENTS}`);
const localLake = path.join(base, 'generated');

async function main(): Promise<void> {
  if (!findJava()) throw new Error('Trino needs Java 24 or newer: set MEDALLION_JAVA_HOME or JAVA_HOME');
  if (!findTrino() && spawnSync('bash', ['scripts/install-trino.sh'], { stdio: 'inherit' }).status !== 0) throw new Error('scripts/install-trino.sh failed');
  const marker = path.join(base, 'generated.json');
  if (!existsSync(marker)) {
    rmSync(base, { recursive: true, force: true });
    const sample = await generateSample(localLake, { events: EVENTS, days: 7, seed: 42, malformed: 100 });
    writeFileSync(marker, JSON.stringify(sample));
  }
  const sample = JSON.parse(readFileSync(marker, 'utf8')) as { files: string[]; records: number; bytes: number };
  console.log(`input: ${sample.records.toLocaleString('en-US')} records (${(sample.bytes / 1048576).toFixed(0)} MiB NDJSON, ${sample.files.length} files)\n`);

  const minio = await startMinio();
  const dirs = { trino: path.join(base, 'trino'), duckdb: path.join(base, 'duckdb') };
  const lines: string[] = [];
  const io: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: dirs.trino };
  try {
    Object.assign(process.env, minio.env);
    await minio.createBucket('lake');
    let port: number;
    do port = await freePort();
    while ((await freePort()) === port + 1);
    for (const [engine, dir] of Object.entries(dirs)) {
      rmSync(dir, { recursive: true, force: true });
      writeTrinoProject(dir, minio.endpoint, `bench-${engine}`, port);
      const lake = openLake(await loadProject(new NodeFileSystem(), dir));
      for (const key of sample.files) await lake.putFile(key, path.join(localLake, key));
    }
    const started = performance.now();
    if ((await engineCommand('up', { project: dirs.trino, target: 'cluster' }, io)) !== 0) throw new Error(lines.join('\n'));
    const startSeconds = (performance.now() - started) / 1000;

    const build = async (dir: string, target?: string): Promise<RunResults> => {
      const project = await loadProject(new NodeFileSystem(), dir, { overrides: target ? { target } : {} });
      const run = await runPipeline(project, buildGraph(project), { command: 'build', writeResults: false, threads: 1 });
      if (!run.success) throw new Error(`build failed: ${JSON.stringify(run.results.filter((r) => r.status !== 'success').slice(0, 3).concat(run.errors as never[]))}`);
      return run;
    };
    const onTrino = await build(dirs.trino, 'cluster');
    const onDuckdb = await build(dirs.duckdb);
    const seconds = (run: RunResults, pick: (id: string) => boolean): number => run.results.filter((r) => pick(r.id)).reduce((s, r) => s + r.ms, 0) / 1000;
    const stages: Array<[string, (id: string) => boolean]> = [
      ['bronze: app_logs (contract, dead letters, dedupe)', (id) => id.startsWith('source.')],
      ['silver: events (incremental, first build)', (id) => id === 'model.events'],
      ['gold: daily_active_users', (id) => id === 'model.daily_active_users'],
      ['data tests (4)', (id) => id.startsWith('test.')],
    ];
    const rows = stages.map(([name, pick]) => [name, seconds(onDuckdb, pick).toFixed(2), seconds(onTrino, pick).toFixed(2)]);
    rows.push(['build, end to end', (onDuckdb.elapsedMs / 1000).toFixed(2), (onTrino.elapsedMs / 1000).toFixed(2)]);
    rows.push(['cluster start (coordinator + 1 worker)', '', startSeconds.toFixed(1)]);
    printColumns(`${EVENTS.toLocaleString('en-US')} events: seconds per stage (threads 1, lake on MinIO)`, ['stage', 'DuckDB', 'Trino (1 worker)'], rows);
  } finally {
    await engineCommand('down', { project: dirs.trino, target: 'cluster' }, io).catch(() => undefined);
    await minio.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
