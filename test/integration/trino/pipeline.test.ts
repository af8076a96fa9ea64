// Acceptance for the Trino engine: a real MinIO and a real Trino coordinator + worker (`medallion engine
// up`), a pipeline.yml project built on Trino over the S3 lake and on DuckDB from the same files; the
// gold table is the same (rows and an order-independent checksum), read back by DuckDB from the lake.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { debug } from '../../../runtime/cli/commands/debug.js';
import { engineCommand } from '../../../runtime/cli/commands/engine.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import type { Io } from '../../../runtime/cli/context.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { literalList } from '../../../runtime/engine/sql.js';
import { openTrino } from '../../../runtime/engine/trino.js';
import { findJava, findTrino } from '../../../runtime/engine/trinoCluster.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { freePort, startMinio, type Minio } from '../../support/minio.js';
import { writeTrinoProject as writeProject } from '../../support/trinoProject.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const java = findJava();
// In CI the suite must run: a missing Java fails it there instead of skipping.
const skip = !java && !process.env.CI ? 'Trino needs Java 24 or newer (set MEDALLION_JAVA_HOME or JAVA_HOME); none found, so the Trino suite is skipped' : false;

/** Deterministic app events over three days, with re-deliveries, malformed lines and bad values. */
function bronzeFiles(days: number[]): Record<string, string> {
  let seed = 42;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const actions = ['page_view', 'click', 'Search', 'purchase'];
  const devices = ['desktop', 'mobile', 'tablet', null];
  const files: Record<string, string> = {};
  for (const day of days) {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const ts = new Date(Date.UTC(2026, 0, day, next(24), next(60), next(60))).toISOString();
      lines.push(JSON.stringify({ event_id: `e${day}-${i}`, user_id: 1 + next(60), action: actions[next(4)], device: devices[next(4)], ts }));
    }
    lines.push(lines[7], lines[19], '{"event_id": "broken', JSON.stringify({ event_id: `bad${day}`, user_id: 'nobody', ts: '2026-01-0' + day }), JSON.stringify({ user_id: 3, ts: '2026-01-01T00:00:00Z' }));
    files[`bronze/app_logs/year=2026/month=01/day=0${day}/part-${day}.json`] = lines.join('\n') + '\n';
  }
  return files;
}

describe('the pipeline on a Trino cluster over MinIO', { skip, timeout: 900_000 }, () => {
  let minio: Minio;
  let work: string;
  /** The same project twice, each with its own lake prefix: one builds on Trino, one on DuckDB. */
  const dirs = { trino: '', duckdb: '' };
  const lakes: Record<string, Lake> = {};
  let trinoPort: number;
  const lines: string[] = [];
  const io = (cwd: string): Io => ({ out: (l) => lines.push(l), err: (l) => lines.push(l), cwd });
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await body();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const land = async (days: number[]): Promise<void> => {
    for (const lake of Object.values(lakes)) for (const [key, body] of Object.entries(bronzeFiles(days))) await lake.put(key, body);
  };
  /** `medallion build` (sources, models and their data tests) of one of the projects; its output is in `lines`. */
  const run = async (engine: 'trino' | 'duckdb', label: string): Promise<string> => {
    lines.length = 0;
    const options = engine === 'trino' ? { project: dirs.trino, target: 'cluster' } : { project: dirs.duckdb };
    const code = await timed(label, () => runCommand('build', options, io(dirs[engine])));
    assert.equal(code, 0, lines.join('\n'));
    return lines.join('\n');
  };

  before(async () => {
    if (!findTrino()) {
      const install = spawnSync('bash', [path.join(ROOT, 'scripts', 'install-trino.sh')], { stdio: 'inherit' });
      assert.equal(install.status, 0, 'scripts/install-trino.sh failed');
    }
    minio = await startMinio();
    Object.assign(process.env, minio.env);
    await minio.createBucket('lake');
    work = mkdtempSync(path.join(tmpdir(), 'medallion-trino-'));
    // The worker listens on the coordinator's port + 1: find a pair that is free.
    do trinoPort = await freePort();
    while ((await freePort()) === trinoPort + 1);
    for (const engine of ['trino', 'duckdb'] as const) {
      dirs[engine] = path.join(work, engine);
      writeProject(dirs[engine], minio.endpoint, `acceptance-${engine}`, trinoPort);
      lakes[engine] = openLake(await loadProject(new NodeFileSystem(), dirs[engine]));
    }
    await land([1, 2, 3]);
    const up = await timed('trino start', () => engineCommand('up', { project: dirs.trino, target: 'cluster' }, io(dirs.trino)));
    assert.equal(up, 0, lines.join('\n'));
  });

  after(async () => {
    if (dirs.trino) await engineCommand('down', { project: dirs.trino, target: 'cluster' }, io(dirs.trino)).catch(() => undefined);
    await minio?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
    console.log(`Trino suite timings (ms): ${JSON.stringify(timings)}`);
  });

  /** Rows and an order-independent checksum of some columns of a model's current Parquet in a lake, read by DuckDB. */
  async function fingerprint(engine: 'trino' | 'duckdb', model: string, columns: string[]): Promise<{ rows: number; checksum: string }> {
    const lake = lakes[engine];
    const objects = (await lake.list(`${model}/`)).filter((o) => o.key.endsWith('.parquet'));
    assert.ok(objects.length > 0, `no Parquet for ${model} in ${lake.describe}`);
    const files = await Promise.all(objects.map((o) => lake.localPath(o)));
    const db = await openMemory();
    try {
      const result = await db.query(`SELECT count(*) AS n, sum(hash(concat_ws('|', ${columns.join(', ')})))::VARCHAR AS h FROM read_parquet(${literalList(files)})`);
      return { rows: Number(result.rows[0].n), checksum: String(result.rows[0].h) };
    } finally {
      db.close();
    }
  }

  const GOLD = ['event_date', 'active_users', 'mobile_users', 'events', 'purchases'];
  const SILVER = ['event_id', 'user_id', 'action', 'device', 'event_date'];

  async function trinoCount(relation: string): Promise<number> {
    const trino = await openTrino({ host: '127.0.0.1', port: trinoPort, user: 'medallion', catalog: 'lake', schema: 'main', httpScheme: 'http', sessionProperties: {} });
    try {
      return Number((await trino.query(`SELECT count(*) AS n FROM ${relation}`)).rows[0].n);
    } finally {
      trino.close();
    }
  }

  it('has a coordinator and one worker, which engine status and debug report', async () => {
    lines.length = 0;
    assert.equal(await engineCommand('status', { project: dirs.trino, target: 'cluster' }, io(dirs.trino)), 0);
    assert.match(lines.join('\n'), /with 1 worker/);
    lines.length = 0;
    assert.equal(await debug({ project: dirs.trino, target: 'cluster' }, io(dirs.trino)), 0, lines.join('\n'));
    assert.match(lines.join('\n'), /warehouse\s+\S*ok\S*\s+Trino at http:\/\/127\.0\.0\.1:\d+ \(catalog lake\): 1 active worker/);
  });

  it('builds on Trino and on DuckDB to the same gold table, each readable by DuckDB from the lake', async () => {
    const onTrino = await run('trino', 'run 1 on trino');
    assert.match(onTrino, /1215 read, 9 rejected → _rejected\/app_logs\/.*, 6 duplicates dropped/);
    assert.match(onTrino, /model events · 1,?200 rows, incremental \(full build\)/);
    // The data tests ran on Trino, the source's and the models'.
    assert.match(onTrino, /4 tests passed/);
    assert.equal(await trinoCount('main.daily_active_users'), 3);
    const onDuckdb = await run('duckdb', 'run 1 on duckdb');
    assert.match(onDuckdb, /1215 read, 9 rejected → _rejected\/app_logs\/.*, 6 duplicates dropped/);
    const gold = await fingerprint('trino', 'gold/daily_active_users', GOLD);
    assert.equal(gold.rows, 3);
    assert.deepEqual(gold, await fingerprint('duckdb', 'gold/daily_active_users', GOLD));
    assert.deepEqual(await fingerprint('trino', 'silver/events', SILVER), await fingerprint('duckdb', 'silver/events', SILVER));
  });

  it('a DuckDB-only function in a model is an error at its place in the model, reported by Trino before anything is written', async () => {
    const file = path.join(dirs.trino, 'models', 'gold', 'duckdb_only.sql');
    writeFileSync(file, "{{ config(materialized='table') }}\nselect event_date,\n  list_value(1, 2) as pair\nfrom {{ ref('events') }}\n");
    try {
      lines.length = 0;
      const code = await runCommand('run', { project: dirs.trino, target: 'cluster', select: ['duckdb_only'] }, io(dirs.trino));
      assert.equal(code, 1);
      assert.match(lines.join('\n'), /models\/gold\/duckdb_only\.sql:3:3: error: Trino: Function 'list_value' not registered/);
      assert.deepEqual(await lakes.trino.list('gold/duckdb_only/'), []);
    } finally {
      rmSync(file);
    }
  });

  it('an incremental second run merges only the new events, on both engines alike', async () => {
    await land([4]);
    const onTrino = await run('trino', 'run 2 on trino (incremental)');
    assert.match(onTrino, /model events · 400 rows, incremental \(merge\)/);
    assert.equal(await trinoCount('main.events'), 1600);
    // Nothing new: the source is not read again, and the merge brings no rows.
    const again = await run('trino', 'run 3 on trino (nothing new)');
    assert.match(again, /source bronze\.app_logs · unchanged since the last load/);
    assert.match(again, /model events · 0 rows, incremental \(merge\)/);
    assert.equal(await trinoCount('main.events'), 1600);
    await run('duckdb', 'run 2 on duckdb (incremental)');
    const gold = await fingerprint('trino', 'gold/daily_active_users', GOLD);
    assert.equal(gold.rows, 4);
    assert.deepEqual(gold, await fingerprint('duckdb', 'gold/daily_active_users', GOLD));
    assert.deepEqual(await fingerprint('trino', 'silver/events', SILVER), await fingerprint('duckdb', 'silver/events', SILVER));
  });

  // Last: the cluster's catalog then follows the DuckDB project's lake (one catalog serves one lake).
  it('Trino reads what DuckDB wrote: gold built on Trino over the silver DuckDB published equals the DuckDB gold', async () => {
    const before = await fingerprint('duckdb', 'gold/daily_active_users', GOLD);
    lines.length = 0;
    const code = await timed('gold on trino over duckdb silver', () => runCommand('run', { project: dirs.duckdb, target: 'cluster', select: ['daily_active_users'] }, io(dirs.duckdb)));
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /1 of 1 OK\s+model daily_active_users · 4 rows, table/);
    // Trino's table now reads the version DuckDB published (it named the Trino project's own before).
    const trino = await openTrino({ host: '127.0.0.1', port: trinoPort, user: 'medallion', catalog: 'lake', schema: 'main', httpScheme: 'http', sessionProperties: {} });
    try {
      const read = await trino.query('SELECT DISTINCT "$path" AS file FROM main.events');
      assert.ok(read.rows.length > 0 && read.rows.every((r) => /\/acceptance-duckdb\/silver\/events\/_versions\/[^/]+\/data_0\.parquet$/.test(String(r.file))), JSON.stringify(read.rows));
    } finally {
      trino.close();
    }
    assert.equal(await trinoCount('main.events'), 1600);
    assert.deepEqual(await fingerprint('duckdb', 'gold/daily_active_users', GOLD), before);
  });
});
