// The rest of a project on Trino, on a real MinIO and a real coordinator + worker: seeds (typed as on
// DuckDB, their Parquet in the lake), CSV and Parquet sources with the raw contract and dead letters,
// snapshots, hooks and unit tests, previews with Trino's types, catalog.json, and a run killed mid-statement.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runNodes } from '../../../runtime/cli/commands/test.js';
import { openMemory, openWarehouse } from '../../../runtime/engine/duckdb.js';
import { literalList } from '../../../runtime/engine/sql.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV } from '../../support/minio.js';
import { startTrinoHarness, trinoSkip, type TrinoHarness } from '../../support/trinoCluster.js';

const COUNTRIES = 'id,code,name,joined,active,score,seen_at\n1,FR,"France, Republic of",2024-01-02,true,4.5,2024-01-02 09:30:00\n2,DE,Germany,2024-03-04,false,,2024-03-04 10:00:00\n3,NL,Netherlands,,true,3,\n';

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
}

/** A project with a DuckDB target `dev` (the default) and a Trino target `cluster`, its lake on the test's MinIO. */
function projectFiles(endpoint: string, port: number): Record<string, string> {
  return {
    'pipeline.yml': `name: trino_breadth
lake: { s3: { endpoint: '${endpoint}', bucket: lake, prefix: breadth, access_key_env: ${ACCESS_KEY_ENV}, secret_key_env: ${SECRET_KEY_ENV} } }
threads: 2
targets:
  dev:
    warehouse: ./warehouse.duckdb
  cluster:
    engine: trino
    port: ${port}
    catalog: lake
`,
    'seeds/countries.csv': COUNTRIES,
  };
}

describe('seeds, sources, snapshots, hooks, unit tests and previews on a Trino cluster', { skip: trinoSkip(), timeout: 900_000 }, () => {
  let cluster: TrinoHarness;
  let dir: string;
  let lake: Lake;
  const output = (): string => cluster.lines.join('\n');
  const command = async (body: () => Promise<number>, expected = 0): Promise<string> => {
    cluster.lines.length = 0;
    assert.equal(await body(), expected, output());
    return output();
  };

  before(async () => {
    cluster = await startTrinoHarness();
    dir = path.join(cluster.work, 'breadth');
    writeFiles(dir, projectFiles(cluster.minio.endpoint, cluster.port));
    lake = openLake(await loadProject(new NodeFileSystem(), dir));
    await cluster.up(dir);
  });

  after(async () => {
    await cluster?.dispose();
  });

  /** Every row of a published lake prefix's current Parquet, read by DuckDB, sorted by its first column. */
  async function lakeRows(prefix: string): Promise<Record<string, unknown>[]> {
    const objects = (await lake.list(`${prefix}/`)).filter((o) => o.key.endsWith('.parquet'));
    assert.ok(objects.length > 0, `no Parquet under ${prefix}/`);
    const db = await openMemory();
    try {
      return (await db.query(`SELECT * FROM read_parquet(${literalList(await Promise.all(objects.map((o) => lake.localPath(o))))}) ORDER BY 1`)).rows;
    } finally {
      db.close();
    }
  }

  it('seeds a CSV on Trino with the types DuckDB gives it; its Parquet in the lake reads as the DuckDB seed', async () => {
    const seeded = await command(() => runNodes('seed', { project: dir, target: 'cluster' }, cluster.io(dir)));
    assert.match(seeded, /seed countries · 3 rows/);
    const columns = await cluster.query("SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = 'countries' ORDER BY ordinal_position");
    assert.deepEqual(columns.map((c) => `${String(c.name)} ${String(c.type)}`), ['id integer', 'code varchar', 'name varchar', 'joined date', 'active boolean', 'score double', 'seen_at timestamp(3)']);
    assert.deepEqual(await cluster.query('SELECT name, score FROM main.countries WHERE id = 1'), [{ name: 'France, Republic of', score: 4.5 }]);
    // The same seed on DuckDB: the warehouse's table equals the Parquet Trino's table reads.
    await command(() => runNodes('seed', { project: dir }, cluster.io(dir)));
    const warehouse = await openWarehouse(path.join(dir, 'warehouse.duckdb'), { readOnly: true });
    try {
      const onDuckdb = (await warehouse.query('SELECT * FROM main.countries ORDER BY 1')).rows;
      assert.equal(onDuckdb.length, 3);
      assert.deepEqual(await lakeRows('seeds/countries'), onDuckdb);
    } finally {
      warehouse.close();
    }
  });

  it('a seed that does not cast keeps the previous table on Trino and in the lake', async () => {
    const before = await lake.list('seeds/countries/');
    const schema = path.join(dir, 'seeds', 'schema.yml');
    writeFileSync(schema, 'version: 2\nseeds:\n  - name: countries\n    config:\n      column_types: { name: integer }\n');
    try {
      const failed = await command(() => runNodes('seed', { project: dir, target: 'cluster' }, cluster.io(dir)), 1);
      assert.match(failed, /ERROR seed countries[\s\S]*Could not convert string 'France, Republic of' to INT32/);
      assert.deepEqual(await cluster.query('SELECT count(*) AS n FROM main.countries'), [{ n: 3 }]);
      assert.deepEqual(await lake.list('seeds/countries/'), before);
    } finally {
      rmSync(schema);
    }
  });
});
