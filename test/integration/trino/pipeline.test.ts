// Acceptance for the Trino engine: a real MinIO and a real Trino coordinator + worker (`medallion engine
// up`), a pipeline.yml project built on Trino over the S3 lake and on DuckDB from the same files; the
// gold table is the same (rows and an order-independent checksum), read back by DuckDB from the lake.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { debug } from '../../../runtime/cli/commands/debug.js';
import { engineCommand } from '../../../runtime/cli/commands/engine.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { openMemory } from '../../../runtime/engine/duckdb.js';
import { literalList } from '../../../runtime/engine/sql.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { startTrinoHarness, trinoSkip, type TrinoHarness } from '../../support/trinoCluster.js';
import { writeTrinoProject as writeProject } from '../../support/trinoProject.js';

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

describe('the pipeline on a Trino cluster over MinIO', { skip: trinoSkip(), timeout: 900_000 }, () => {
  let cluster: TrinoHarness;
  /** The same project twice, each with its own lake prefix: one builds on Trino, one on DuckDB. */
  const dirs = { trino: '', duckdb: '' };
  const lakes: Record<string, Lake> = {};
  let lines: string[] = [];
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
    const code = await timed(label, () => runCommand('build', options, cluster.io(dirs[engine])));
    assert.equal(code, 0, lines.join('\n'));
    return lines.join('\n');
  };

  before(async () => {
    cluster = await startTrinoHarness();
    lines = cluster.lines;
    for (const engine of ['trino', 'duckdb'] as const) {
      dirs[engine] = path.join(cluster.work, engine);
      writeProject(dirs[engine], cluster.minio.endpoint, `acceptance-${engine}`, cluster.port);
      lakes[engine] = openLake(await loadProject(new NodeFileSystem(), dirs[engine]));
    }
    await land([1, 2, 3]);
    await timed('trino start', () => cluster.up(dirs.trino));
  });

  after(async () => {
    await cluster?.dispose();
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
    return Number((await cluster.query(`SELECT count(*) AS n FROM ${relation}`))[0].n);
  }

  it('has a coordinator and one worker, which engine status and debug report', async () => {
    lines.length = 0;
    assert.equal(await engineCommand('status', { project: dirs.trino, target: 'cluster' }, cluster.io(dirs.trino)), 0);
    assert.match(lines.join('\n'), /with 1 worker/);
    lines.length = 0;
    assert.equal(await debug({ project: dirs.trino, target: 'cluster' }, cluster.io(dirs.trino)), 0, lines.join('\n'));
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
      const code = await runCommand('run', { project: dirs.trino, target: 'cluster', select: ['duckdb_only'] }, cluster.io(dirs.trino));
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
    const code = await timed('gold on trino over duckdb silver', () => runCommand('run', { project: dirs.duckdb, target: 'cluster', select: ['daily_active_users'] }, cluster.io(dirs.duckdb)));
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /1 of 1 OK\s+model daily_active_users · 4 rows, table/);
    // Trino's table now reads the version DuckDB published (it named the Trino project's own before).
    const read = await cluster.query('SELECT DISTINCT "$path" AS file FROM main.events');
    assert.ok(read.length > 0 && read.every((r) => /\/acceptance-duckdb\/silver\/events\/_versions\/[^/]+\/data_0\.parquet$/.test(String(r.file))), JSON.stringify(read));
    assert.equal(await trinoCount('main.events'), 1600);
    assert.deepEqual(await fingerprint('duckdb', 'gold/daily_active_users', GOLD), before);
  });
});
