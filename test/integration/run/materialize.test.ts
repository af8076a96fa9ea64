// Materializations on a real warehouse: view, table, incremental (merge, append, delete+insert) with
// is_incremental() and --full-refresh, and silver/gold models published to the lake as Parquet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { openMemory, openWarehouse } from '../../../runtime/engine/duckdb.js';
import { jsonl, tempProject, type TempProject } from './project.js';

const SOURCES = `
//- /pipeline.yml
name: shop
sources:
  orders:
    format: json
    path: bronze/orders/*.json
    columns:
      id: { type: integer, required: true }
      region: { type: varchar }
      amount: { type: integer }
      ts: { type: timestamp }
`;

async function parquet(p: TempProject, prefix: string, sql = 'SELECT * FROM t ORDER BY ALL'): Promise<unknown[]> {
  const db = await openMemory();
  try {
    await db.exec(`CREATE VIEW t AS SELECT * FROM read_parquet('${path.join(p.root, 'lake', prefix)}/**/*.parquet', hive_partitioning = true)`);
    return (await db.query(sql)).rows;
  } finally {
    db.close();
  }
}

function ok(run: { success: boolean; results: Array<{ id: string; status: string; message?: string; error?: unknown }>; errors: unknown[] }): void {
  assert.equal(run.success, true, JSON.stringify({ results: run.results.filter((r) => r.status !== 'success'), errors: run.errors }, null, 2));
}

const order = (id: number, region: string, amount: number, day: number): Record<string, unknown> => ({ id, region, amount, ts: `2026-01-0${day}T00:00:00` });

test('table and view models; silver/gold tables are published to the lake as Parquet, partitioned when asked', async (t) => {
  const p = tempProject(`${SOURCES}
//- /models/silver/orders.sql
{{ config(materialized='table', partition_by=['region']) }}
select id, region, amount from {{ source('bronze', 'orders') }}
//- /models/gold/by_region.sql
{{ config(materialized='table') }}
select region, sum(amount)::BIGINT as total from {{ ref('orders') }} group by region
//- /models/big_orders.sql
select * from {{ ref('orders') }} where amount > 10
`);
  t.after(() => p.dispose());
  p.write('lake/bronze/orders/a.json', jsonl([order(1, 'eu', 5, 1), order(2, 'us', 20, 1), order(3, 'eu', 30, 2)]));
  const run = await p.run();
  ok(run);
  assert.deepEqual(run.results.map((r) => [r.id, r.rows, r.message]), [
    ['source.bronze.orders', 3, '3 read'],
    ['model.orders', 3, 'table'],
    ['model.big_orders', undefined, 'view'],
    ['model.by_region', 2, 'table'],
  ].sort((a, b) => run.results.findIndex((r) => r.id === a[0]) - run.results.findIndex((r) => r.id === b[0])));
  assert.deepEqual(await p.query('SELECT * FROM by_region ORDER BY region'), [{ region: 'eu', total: '35' }, { region: 'us', total: '20' }]);
  assert.deepEqual(await p.query('SELECT id FROM big_orders ORDER BY id'), [{ id: 2 }, { id: 3 }]);
  assert.deepEqual(await p.query("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"), [
    { table_name: 'big_orders', table_type: 'VIEW' },
    { table_name: 'by_region', table_type: 'BASE TABLE' },
    { table_name: 'orders', table_type: 'BASE TABLE' },
  ]);
  assert.deepEqual(readdirSync(path.join(p.root, 'lake', 'silver', 'orders')).sort(), ['region=eu', 'region=us']);
  assert.deepEqual(await parquet(p, 'silver/orders', 'SELECT id, region FROM t ORDER BY id'), [{ id: 1, region: 'eu' }, { id: 2, region: 'us' }, { id: 3, region: 'eu' }]);
  assert.deepEqual(await parquet(p, 'gold/by_region'), [{ region: 'eu', total: '35' }, { region: 'us', total: '20' }]);
  // The view model has no layer folder and no Parquet.
  assert.deepEqual(readdirSync(path.join(p.root, 'lake')).sort(), ['bronze', 'gold', 'silver']);
});

const incremental = (config: string): string => `${SOURCES}
//- /models/silver/orders_inc.sql
{{ config(${config}) }}
select id, region, amount, ts from {{ source('bronze', 'orders') }}
{% if is_incremental() %}
where ts > (select max(ts) from {{ this }})
{% endif %}
`;

test('incremental merge on one key: first run builds, second run merges only new rows; --full-refresh rebuilds', async (t) => {
  const p = tempProject(incremental("materialized='incremental', unique_key='id', incremental_strategy='merge'"));
  t.after(() => p.dispose());
  p.write('lake/bronze/orders/a.json', jsonl([order(1, 'eu', 5, 1), order(2, 'us', 20, 1)]));
  let run = await p.run();
  ok(run);
  assert.equal(run.results[1].message, 'incremental (full build)');
  // New bronze data: an update of id 2 and a new id 3, both newer than what the table holds.
  p.write('lake/bronze/orders/b.json', jsonl([order(2, 'us', 25, 2), order(3, 'eu', 30, 2)]));
  run = await p.run();
  ok(run);
  assert.deepEqual([run.results[1].message, run.results[1].rows], ['incremental (merge)', 2]);
  assert.deepEqual(await p.query('SELECT id, amount FROM orders_inc ORDER BY id'), [{ id: 1, amount: 5 }, { id: 2, amount: 25 }, { id: 3, amount: 30 }]);
  assert.deepEqual(await parquet(p, 'silver/orders_inc', 'SELECT id, amount FROM t ORDER BY id'), [{ id: 1, amount: 5 }, { id: 2, amount: 25 }, { id: 3, amount: 30 }]);
  // Rows removed from the table behind the model's back stay gone incrementally, and come back with --full-refresh.
  const db = await openWarehouse(path.join(p.root, 'warehouse.duckdb'));
  await db.exec('DELETE FROM orders_inc WHERE id = 1');
  db.close();
  ok(await p.run());
  assert.deepEqual(await p.query('SELECT count(*)::INT AS n FROM orders_inc'), [{ n: 2 }]);
  run = await p.run({ fullRefresh: true });
  ok(run);
  assert.equal(run.results[1].message, 'incremental (full build)');
  assert.deepEqual(await p.query('SELECT id, amount FROM orders_inc ORDER BY id'), [{ id: 1, amount: 5 }, { id: 2, amount: 20 }, { id: 2, amount: 25 }, { id: 3, amount: 30 }]);
});

test('incremental append adds the new rows as they are', async (t) => {
  const p = tempProject(incremental("materialized='incremental', incremental_strategy='append'"));
  t.after(() => p.dispose());
  p.write('lake/bronze/orders/a.json', jsonl([order(1, 'eu', 5, 1)]));
  ok(await p.run());
  p.write('lake/bronze/orders/b.json', jsonl([order(1, 'eu', 6, 2), order(2, 'us', 7, 3)]));
  const run = await p.run();
  ok(run);
  assert.deepEqual([run.results[1].message, run.results[1].rows], ['incremental (append)', 2]);
  assert.deepEqual(await p.query('SELECT id, amount FROM orders_inc ORDER BY amount'), [{ id: 1, amount: 5 }, { id: 1, amount: 6 }, { id: 2, amount: 7 }]);
});

test('incremental delete+insert and merge on a two-column key replace matching rows', async (t) => {
  for (const strategy of ['delete+insert', 'merge']) {
    const p = tempProject(`${SOURCES}
//- /models/silver/daily.sql
{{ config(materialized='incremental', unique_key=['region', 'day'], incremental_strategy='${strategy}') }}
select region, ts::DATE as day, sum(amount)::INT as total from {{ source('bronze', 'orders') }}
{% if is_incremental() %}
where ts::DATE >= (select max(day) from {{ this }})
{% endif %}
group by all
`);
    t.after(() => p.dispose());
    p.write('lake/bronze/orders/a.json', jsonl([order(1, 'eu', 5, 1), order(2, 'us', 20, 1), order(3, 'eu', 1, 2)]));
    ok(await p.run());
    p.write('lake/bronze/orders/b.json', jsonl([order(4, 'eu', 10, 2), order(5, 'us', 3, 3)]));
    const run = await p.run();
    ok(run);
    assert.equal(run.results[1].message, `incremental (${strategy})`);
    assert.deepEqual(await p.query('SELECT region, day::VARCHAR AS day, total FROM daily ORDER BY day, region'), [
      { region: 'eu', day: '2026-01-01', total: 5 },
      { region: 'us', day: '2026-01-01', total: 20 },
      { region: 'eu', day: '2026-01-02', total: 11 },
      { region: 'us', day: '2026-01-03', total: 3 },
    ], strategy);
  }
});

test('a model whose relation changes from view to table (and back) is replaced', async (t) => {
  const p = tempProject(`${SOURCES}
//- /models/m.sql
{{ config(materialized='view') }}
select 1 as x
`);
  t.after(() => p.dispose());
  ok(await p.run());
  p.write('models/m.sql', "{{ config(materialized='table') }}\nselect 2 as x\n");
  ok(await p.run());
  assert.deepEqual(await p.query("SELECT table_type FROM information_schema.tables WHERE table_name = 'm'"), [{ table_type: 'BASE TABLE' }]);
  p.write('models/m.sql', "{{ config(materialized='view') }}\nselect 3 as x\n");
  ok(await p.run());
  assert.deepEqual(await p.query('SELECT x FROM m'), [{ x: 3 }]);
});

test('an ephemeral model is inlined into the models that read it and never created', async (t) => {
  const p = tempProject(`${SOURCES}
//- /models/silver/recent.sql
{{ config(materialized='ephemeral') }}
select id, amount from {{ source('bronze', 'orders') }} where amount > 5
//- /models/gold/recent_total.sql
{{ config(materialized='table') }}
select sum(amount)::INT as total from {{ ref('recent') }}
`);
  t.after(() => p.dispose());
  p.write('lake/bronze/orders/a.json', jsonl([order(1, 'eu', 5, 1), order(2, 'us', 20, 1), order(3, 'eu', 30, 2)]));
  const run = await p.run();
  ok(run);
  assert.deepEqual(run.results.map((r) => r.id), ['source.bronze.orders', 'model.recent_total']);
  assert.deepEqual(await p.query('SELECT total FROM recent_total'), [{ total: 50 }]);
  assert.deepEqual(await p.query("SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_name = 'recent'"), [{ n: 0 }]);
});
