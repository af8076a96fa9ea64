// Acceptance for the Trino engine: a real MinIO and a real Trino coordinator + worker (`medallion engine
// up`), a pipeline.yml project built on Trino over the S3 lake and on DuckDB from the same files; the
// gold table is the same (rows and an order-independent checksum), read back by DuckDB from the lake.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
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
import { ACCESS_KEY_ENV, freePort, SECRET_KEY_ENV, startMinio, type Minio } from '../../support/minio.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const java = findJava();
// In CI the suite must run: a missing Java fails it there instead of skipping.
const skip = !java && !process.env.CI ? 'Trino needs Java 24 or newer (set MEDALLION_JAVA_HOME or JAVA_HOME); none found, so the Trino suite is skipped' : false;

/** Deterministic app events over three days, with re-deliveries, malformed lines and bad values. */
function bronzeFiles(): Record<string, string> {
  let seed = 42;
  const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const actions = ['page_view', 'click', 'Search', 'purchase'];
  const devices = ['desktop', 'mobile', 'tablet', null];
  const files: Record<string, string> = {};
  for (let day = 1; day <= 3; day++) {
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

function writeProject(dir: string, endpoint: string, trinoPort: number): void {
  const files: Record<string, string> = {
    'pipeline.yml': `name: trino_acceptance
lake: { s3: { endpoint: '${endpoint}', bucket: lake, prefix: acceptance, access_key_env: ${ACCESS_KEY_ENV}, secret_key_env: ${SECRET_KEY_ENV} } }
warehouse: ./warehouse.duckdb
threads: 2
sources:
  app_logs:
    format: json
    path: bronze/app_logs/**/*.json
    columns:
      event_id: { type: varchar, required: true }
      user_id: { type: integer, required: true }
      action: { type: varchar }
      device: { type: varchar }
      ts: { type: timestamptz, required: true }
    dedupe_on: [event_id]
targets:
  cluster:
    engine: trino
    port: ${trinoPort}
    catalog: lake
`,
    'models/silver/events.sql': `{{ config(materialized='table') }}
select event_id, user_id, lower(action) as action, coalesce(device, 'unknown') as device, cast(ts as date) as event_date
from {{ source('bronze', 'app_logs') }}
`,
    'models/gold/daily_active_users.sql': `{{ config(materialized='table') }}
select event_date, count(distinct user_id) as active_users, count(distinct case when device = 'mobile' then user_id end) as mobile_users,
  count(*) as events, count(case when action = 'purchase' then 1 end) as purchases
from {{ ref('events') }}
group by event_date
`,
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

describe('the pipeline on a Trino cluster over MinIO', { skip, timeout: 900_000 }, () => {
  let minio: Minio;
  let work: string;
  let project: string;
  let lake: Lake;
  let trinoPort: number;
  const lines: string[] = [];
  const io = (): Io => ({ out: (l) => lines.push(l), err: (l) => lines.push(l), cwd: project });
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await body();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
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
    project = path.join(work, 'project');
    // The worker listens on the coordinator's port + 1: find a pair that is free.
    do trinoPort = await freePort();
    while ((await freePort()) === trinoPort + 1);
    writeProject(project, minio.endpoint, trinoPort);
    lake = openLake(await loadProject(new NodeFileSystem(), project));
    for (const [key, body] of Object.entries(bronzeFiles())) await lake.put(key, body);
    const up = await timed('trino start', () => engineCommand('up', { project, target: 'cluster' }, io()));
    assert.equal(up, 0, lines.join('\n'));
  });

  after(async () => {
    if (project) await engineCommand('down', { project, target: 'cluster' }, io()).catch(() => undefined);
    await minio?.dispose();
    if (work) rmSync(work, { recursive: true, force: true });
    console.log(`Trino suite timings (ms): ${JSON.stringify(timings)}`);
  });

  /** Rows and an order-independent checksum of a model's current Parquet in the lake, read by DuckDB. */
  async function fingerprint(model: string): Promise<{ rows: number; checksum: string; columns: string[] }> {
    const objects = (await lake.list(`${model}/`)).filter((o) => o.key.endsWith('.parquet'));
    assert.ok(objects.length > 0, `no Parquet for ${model} in the lake`);
    const files = await Promise.all(objects.map((o) => lake.localPath(o)));
    const db = await openMemory();
    try {
      const result = await db.query(`SELECT count(*) AS n, sum(hash(t::VARCHAR))::VARCHAR AS h FROM read_parquet(${literalList(files)}) t`);
      const columns = (await db.describe(`SELECT * FROM read_parquet(${literalList(files)})`)).map((c) => `${c.name} ${c.type}`);
      return { rows: Number(result.rows[0].n), checksum: String(result.rows[0].h), columns };
    } finally {
      db.close();
    }
  }

  it('has a coordinator and one worker', async () => {
    lines.length = 0;
    assert.equal(await engineCommand('status', { project, target: 'cluster' }, io()), 0);
    assert.match(lines.join('\n'), /with 1 worker/);
  });

  it('builds on Trino and on DuckDB to the same gold table, each readable by DuckDB from the lake', async () => {
    lines.length = 0;
    const onTrino = await timed('run on trino', () => runCommand('run', { project, target: 'cluster' }, io()));
    assert.equal(onTrino, 0, lines.join('\n'));
    const trinoOutput = lines.join('\n');
    assert.match(trinoOutput, /1215 read, 9 rejected → _rejected\/app_logs\/.*, 6 duplicates dropped/);
    const fromTrino = await fingerprint('gold/daily_active_users');
    const silverFromTrino = await fingerprint('silver/events');

    // The cluster serves the table it wrote.
    const trino = await openTrino({ host: '127.0.0.1', port: trinoPort, user: 'medallion', catalog: 'lake', schema: 'main', httpScheme: 'http', sessionProperties: {} });
    try {
      const served = await trino.query('SELECT count(*) AS n, sum(events) AS events FROM main.daily_active_users');
      assert.deepEqual([Number(served.rows[0].n), Number(served.rows[0].events)], [3, 1200]);
    } finally {
      trino.close();
    }

    lines.length = 0;
    const onDuckdb = await timed('run on duckdb', () => runCommand('run', { project }, io()));
    assert.equal(onDuckdb, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /1215 read, 9 rejected → _rejected\/app_logs\/.*, 6 duplicates dropped/);
    const fromDuckdb = await fingerprint('gold/daily_active_users');
    assert.equal(fromTrino.rows, 3);
    assert.deepEqual(fromTrino, fromDuckdb);
    assert.deepEqual({ ...silverFromTrino, columns: [] }, { ...(await fingerprint('silver/events')), columns: [] });
  });
});
