// The rest of a project on Trino, on a real MinIO and a real coordinator + worker: seeds (typed as on
// DuckDB, their Parquet in the lake), CSV and Parquet sources with the raw contract and dead letters,
// snapshots, hooks and unit tests, previews with Trino's types, catalog.json, and a run killed mid-statement.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { preview } from '../../../runtime/cli/commands/preview.js';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import { runNodes } from '../../../runtime/cli/commands/test.js';
import { openMemory, openWarehouse } from '../../../runtime/engine/duckdb.js';
import { literalList } from '../../../runtime/engine/sql.js';
import type { Lake } from '../../../runtime/lake/lake.js';
import { openLake } from '../../../runtime/lake/open.js';
import { NodeFileSystem } from '../../../runtime/project/fs.js';
import { loadProject } from '../../../runtime/project/load.js';
import { previewSql } from '../../../runtime/run/preview.js';
import { ACCESS_KEY_ENV, SECRET_KEY_ENV, waitUntil } from '../../support/minio.js';
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

/** Sources read in place: a CSV named by its file (a sibling file is not read), Parquet files named by their folder. */
const SOURCES = `sources:
  customers:
    format: csv
    path: bronze/customers/customers.csv
    columns:
      customer_id: { type: integer, required: true }
      name: { type: varchar }
      signup: { type: timestamptz, required: true }
      country: { type: varchar }
    dedupe_on: [customer_id]
  orders:
    format: parquet
    path: bronze/orders
    columns:
      order_id: { type: bigint, required: true }
      customer_id: { type: integer }
      amount: { type: 'decimal(10,2)' }
      ordered_at: { type: timestamp }
    dedupe_on: [order_id]
`;

const CUSTOMER_ORDERS = `{{ config(materialized='table') }}
select c.customer_id, c.name, count(o.order_id) as orders, sum(o.amount) as amount
from {{ source('bronze', 'customers') }} c left join {{ source('bronze', 'orders') }} o on o.customer_id = c.customer_id
group by c.customer_id, c.name
`;

/** Six records: two good, a bad id, a bad time, a re-delivery, a missing required time. */
const CUSTOMERS = 'customer_id;name;signup;country\n1;Ann;2024-01-02 09:30:00;FR\n2;"Bob ""the builder""";2024-02-03T10:00:00Z;DE\nx;Bad id;2024-01-01;NL\n3;;not a date;BE\n2;Bob again;2024-02-04;DE\n4;Dee;;\n';

/** Two Parquet files (written by DuckDB) with an undeclared list column: five records, a bad amount, a missing id, a re-delivery. */
const ORDERS = [
  "(1::BIGINT, 1, '12.50', TIMESTAMP '2024-03-01 10:00:00', ['a']), (2, 2, 'n/a', TIMESTAMP '2024-03-02 11:00:00', ['b']), (NULL, 1, '3.00', TIMESTAMP '2024-03-03 12:00:00', [])",
  "(1::BIGINT, 1, '12.50', TIMESTAMP '2024-03-01 10:00:00', ['a']), (3, 4, '7.25', TIMESTAMP '2024-03-04 13:00:00', ['c', 'd'])",
];

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

  /** The states of the cluster's queries whose text contains `marker` (but not this lookup itself). */
  async function queryStates(marker: string): Promise<string[]> {
    const rows = await cluster.query(`SELECT state FROM system.runtime.queries WHERE strpos(query, '${marker}') > 0 AND strpos(query, 'system.runtime') = 0`);
    return rows.map((r) => String(r.state));
  }

  /** The records of a dead-letter object, in order. */
  async function deadLetters(key: string): Promise<Record<string, unknown>[]> {
    const text = (await lake.get(key))?.toString('utf8') ?? '';
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

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

  it('CSV and Parquet sources load on Trino through the raw contract as on DuckDB: the same counts, rows and dead letters', async () => {
    writeFileSync(path.join(dir, 'pipeline.yml'), readFileSync(path.join(dir, 'pipeline.yml'), 'utf8') + SOURCES);
    writeFiles(dir, { 'models/silver/customer_orders.sql': CUSTOMER_ORDERS });
    await lake.put('bronze/customers/customers.csv', CUSTOMERS);
    await lake.put('bronze/customers/customers_old.csv', 'customer_id;name;signup;country\n9;Old;2020-01-01;FR\n');
    const duck = await openMemory();
    try {
      for (const [i, rows] of ORDERS.entries()) {
        const file = path.join(cluster.work, `orders_${i}.parquet`);
        await duck.exec(`COPY (SELECT * FROM (VALUES ${rows}) t(order_id, customer_id, amount, ordered_at, tags)) TO '${file}' (FORMAT parquet)`);
        await lake.putFile(`bronze/orders/part_${i}.parquet`, file);
      }
    } finally {
      duck.close();
    }
    // Each source's dead-letter key (the sources load in parallel, in either order).
    const loads = (out: string): string[] => [
      /source bronze\.customers · 6 read, 3 rejected → (_rejected\/customers\/\S+), 1 duplicates dropped/,
      /source bronze\.orders · 5 read, 2 rejected → (_rejected\/orders\/\S+), 1 duplicates dropped/,
    ].map((re) => re.exec(out)?.[1] ?? assert.fail(out));
    const onTrino = loads(await command(() => runCommand('run', { project: dir, target: 'cluster' }, cluster.io(dir))));
    assert.deepEqual(await cluster.query('SELECT customer_id, name, CAST(signup AS varchar) AS signup, country FROM bronze.customers ORDER BY 1'), [
      { customer_id: 1, name: 'Ann', signup: '2024-01-02 09:30:00.000', country: 'FR' },
      { customer_id: 2, name: 'Bob "the builder"', signup: '2024-02-03 10:00:00.000', country: 'DE' },
    ]);
    const onTrinoSilver = await lakeRows('silver/customer_orders');
    const onDuckdb = loads(await command(() => runCommand('run', { project: dir }, cluster.io(dir))));
    // The CSV's dead letters are the same records with the same reasons on both engines.
    assert.deepEqual(await deadLetters(onTrino[0]), await deadLetters(onDuckdb[0]));
    const reasons = async (key: string): Promise<unknown[]> => (await deadLetters(key)).map((l) => l.reason);
    assert.deepEqual(await reasons(onTrino[1]), await reasons(onDuckdb[1]));
    assert.deepEqual(await reasons(onTrino[1]), ['amount: cannot cast n/a to decimal(10,2)', 'order_id: required field is missing']);
    assert.deepEqual(onTrinoSilver, await lakeRows('silver/customer_orders'));
    assert.deepEqual(onTrinoSilver.map((r) => [r.customer_id, r.orders, r.amount]), [[1, '1', '12.50'], [2, '0', null]]);
  });

  it('pre- and post-hooks and unit tests run on Trino; catalog.json has Trino types; a preview gives Trino types and cancels its query', async () => {
    writeFiles(dir, {
      'models/gold/active_countries.sql': `{{ config(materialized='table', pre_hook="create schema if not exists audit", post_hook="create or replace view audit.{{ this.name }}_count as select count(*) as n from {{ this }}") }}
select id, code, score * 2 as double_score from {{ ref('countries') }} where active
`,
      'models/gold/_gold.yml': `version: 2
unit_tests:
  - name: doubles_active
    model: active_countries
    given:
      - input: ref('countries')
        rows: [{ id: 1, code: FR, active: true, score: 1.5 }, { id: 2, code: DE, active: false, score: 2 }]
    expect:
      rows: [{ id: 1, code: FR, double_score: 3 }]
  - name: expects_wrong_rows
    model: active_countries
    given:
      - input: ref('countries')
        rows: [{ id: 1, code: FR, active: true, score: 1.5 }]
    expect:
      rows: [{ id: 1, code: FR, double_score: 4 }]
`,
    });
    const built = await command(() => runCommand('run', { project: dir, target: 'cluster', select: ['active_countries'] }, cluster.io(dir)));
    assert.match(built, /OK\s+model active_countries · 2 rows, table/);
    const tested = await command(() => runNodes('test', { project: dir, target: 'cluster', select: ['active_countries'] }, cluster.io(dir)), 1);
    assert.match(tested, /PASS unit test doubles_active/);
    assert.match(tested, /FAIL unit test expects_wrong_rows · actual differs from expected: 1 row only in actual, 1 only in expected/);
    assert.deepEqual(await cluster.query('SELECT n FROM audit.active_countries_count'), [{ n: 2 }]);
    // catalog.json, from the cluster's information_schema.
    const catalog = JSON.parse(readFileSync(path.join(dir, 'target', 'catalog.json'), 'utf8')) as { nodes: Record<string, { columns: Record<string, { type: string }> }> };
    const typesOf = (id: string): Record<string, string> => Object.fromEntries(Object.entries(catalog.nodes[id]?.columns ?? {}).map(([n, c]) => [n, c.type]));
    assert.deepEqual(typesOf('model.trino_breadth.active_countries'), { id: 'integer', code: 'varchar', double_score: 'double' });
    assert.equal(typesOf('seed.trino_breadth.countries').seen_at, 'timestamp(3)');
    // `medallion preview --target cluster`: the first row of the model, in Trino's types.
    const shown = JSON.parse(await command(() => preview('active_countries', { project: dir, target: 'cluster', limit: 1, output: 'json', from: 'auto' }, cluster.io(dir)))) as { columns: unknown[]; rows: unknown[]; truncated: boolean };
    assert.deepEqual(shown.columns, [{ name: 'id', type: 'INTEGER' }, { name: 'code', type: 'VARCHAR' }, { name: 'double_score', type: 'DOUBLE' }]);
    assert.equal(shown.rows.length, 1);
    assert.equal(shown.truncated, true);
    // A preview of a long query, cancelled: Trino's query is killed, not left running.
    const trino = await cluster.client();
    try {
      const controller = new AbortController();
      const marker = `${Date.now()}`;
      const pending = previewSql(trino, `SELECT count(*) AS n, ${marker} AS marker FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y) CROSS JOIN UNNEST(sequence(1, 100)) c(z) WHERE (a.x * b.y + c.z) % 7 = 3`, { signal: controller.signal });
      await waitUntil(async () => (await queryStates(marker)).includes('RUNNING'), 60_000, 'the preview query to run');
      controller.abort();
      await pending.catch(() => undefined);
      await waitUntil(async () => (await queryStates(marker)).every((s) => s === 'FAILED'), 30_000, 'the preview query to be killed');
    } finally {
      trino.close();
    }
  });

  it('a snapshot on Trino is an error at its config, before anything is built', async () => {
    writeFiles(dir, { 'snapshots/countries_history.sql': "{% snapshot countries_history %}\n{{ config(strategy='check', unique_key='id', check_cols='all') }}\nselect * from {{ ref('countries') }}\n{% endsnapshot %}\n" });
    try {
      const refused = await command(() => runNodes('snapshot', { project: dir, target: 'cluster' }, cluster.io(dir)), 1);
      assert.match(refused, /ERROR snapshot countries_history[\s\S]*The snapshot countries_history cannot run on Trino yet/);
      assert.deepEqual(await cluster.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'countries_history'"), [{ n: 0 }]);
    } finally {
      rmSync(path.join(dir, 'snapshots'), { recursive: true, force: true });
    }
  });

  it('a model killed mid-statement on Trino leaves the previous table readable by Trino and by DuckDB from the lake', async () => {
    const model = path.join(dir, 'models', 'gold', 'slow.sql');
    writeFileSync(model, "{{ config(materialized='table') }}\nselect x from unnest(sequence(1, 5)) t(x)\n");
    await command(() => runCommand('run', { project: dir, target: 'cluster', select: ['slow'] }, cluster.io(dir)));
    const pointer = (await lake.get('gold/slow/_current.json'))?.toString('utf8');
    writeFileSync(model, "{{ config(materialized='table') }}\nselect a.x from unnest(sequence(1, 10000)) a(x) cross join unnest(sequence(1, 10000)) b(y) cross join unnest(sequence(1, 100)) c(z) where (a.x * b.y + c.z) % 7 = 3\n");
    const controller = new AbortController();
    const running = command(() => runCommand('run', { project: dir, target: 'cluster', select: ['slow'] }, cluster.io(dir), { signal: controller.signal }), 1);
    await waitUntil(async () => (await queryStates('__medallion_stage_slow')).includes('RUNNING'), 120_000, 'the model to be writing');
    controller.abort();
    assert.match(await running, /slow/);
    await waitUntil(async () => !(await queryStates('__medallion_stage_slow')).includes('RUNNING'), 30_000, 'the statement to be killed');
    assert.equal((await lake.get('gold/slow/_current.json'))?.toString('utf8'), pointer);
    assert.deepEqual(await cluster.query('SELECT x FROM main.slow ORDER BY x'), [1, 2, 3, 4, 5].map((x) => ({ x })));
    assert.deepEqual((await lakeRows('gold/slow')).map((r) => r.x), ['1', '2', '3', '4', '5']);
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
