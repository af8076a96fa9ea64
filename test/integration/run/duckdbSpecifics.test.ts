// dbt-duckdb specifics on a real DuckDB: sources read in place through external_location, the
// external materialization (file written atomically, a view over it), and the profile's attach,
// settings and extensions applied when the warehouse opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openWarehouse } from '../../../runtime/engine/duckdb.js';
import { tempProject } from './project.js';

const PROJECT = `
//- /dbt_project.yml
name: ducks
profile: ducks
//- /profiles.yml
ducks:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: warehouse.duckdb
      external_root: exports
      attach:
        - path: reference.duckdb
          alias: ref_db
          read_only: true
      settings:
        preserve_insertion_order: false
      extensions: [parquet, json]
//- /data/orders_2026.csv
order_id,amount
1,10.5
2,20
//- /data/orders_2027.csv
order_id,amount
3,7
//- /models/sources.yml
version: 2
sources:
  - name: raw
    meta:
      external_location: "data/{name}_*.csv"
    tables:
      - name: orders
        columns:
          - name: order_id
            data_tests: [unique, not_null]
      - name: refunds
        config:
          external_location: "read_csv('data/refunds.csv', header = true)"
//- /models/order_totals.sql
{{ config(materialized='external') }}
select count(*) as orders, sum(amount) as amount from {{ source('raw', 'orders') }}
//- /models/orders_csv.sql
{{ config(materialized='external', location='exports/csv/orders.csv') }}
select order_id, amount from {{ source('raw', 'orders') }} order by order_id
//- /models/regions.sql
{{ config(materialized='table') }}
select r.*, current_setting('preserve_insertion_order') as ordered from ref_db.main.regions r
`;

async function withReference(root: string): Promise<void> {
  const ref = await openWarehouse(path.join(root, 'reference.duckdb'));
  try {
    await ref.exec("CREATE TABLE regions AS SELECT * FROM (VALUES (1, 'north'), (2, 'south')) t(id, name)");
  } finally {
    ref.close();
  }
}

test('external sources, external models, attach and settings, on a real DuckDB', async () => {
  const p = tempProject(PROJECT);
  try {
    await withReference(p.root);
    const run = await p.run({ command: 'build', select: ['order_totals', 'orders_csv', 'regions', 'source:raw.orders'] });
    assert.deepEqual(
      run.results.filter((r) => r.status !== 'success').map((r) => `${r.id} ${r.message}`),
      [],
    );
    const parquet = path.join(p.root, 'exports', 'order_totals.parquet');
    assert.ok(existsSync(parquet), 'the default location is <external_root>/<name>.parquet');
    assert.match(readFileSync(path.join(p.root, 'exports/csv/orders.csv'), 'utf8'), /^order_id,amount\n1,10\.5/);
    const db = await openWarehouse(path.join(p.root, 'warehouse.duckdb'), { readOnly: true });
    try {
      const totals = await db.query('SELECT * FROM main.order_totals');
      assert.deepEqual(totals.rows, [{ orders: '3', amount: 37.5 }]);
      const kind = await db.query("SELECT table_type FROM information_schema.tables WHERE table_name = 'order_totals'");
      assert.equal(kind.rows[0].table_type, 'VIEW');
      const regions = await db.query('SELECT id, name, ordered FROM main.regions ORDER BY id');
      assert.deepEqual(regions.rows, [{ id: 1, name: 'north', ordered: false }, { id: 2, name: 'south', ordered: false }]);
    } finally {
      db.close();
    }

    // A failing run leaves the previous file and view.
    const before = readFileSync(parquet);
    p.write('models/order_totals.sql', "{{ config(materialized='external') }}\nselect count(*) as orders, sum(cast('x' || order_id as integer)) as amount from {{ source('raw', 'orders') }}");
    const failed = await p.run({ select: ['order_totals'] });
    assert.equal(failed.results[0].status, 'error');
    assert.deepEqual(readFileSync(parquet), before);
    assert.deepEqual(readdirSync(path.join(p.root, 'exports')).filter((f) => f.startsWith('.')), [], 'no temporary file is left beside the export');
  } finally {
    p.dispose();
  }
});

test('an external_location that matches no file is an error at the source YAML, before the model runs', async () => {
  const p = tempProject(PROJECT.replace('data/{name}_*.csv', 'landing/{name}.parquet'));
  try {
    await withReference(p.root);
    const run = await p.run({ select: ['order_totals'] });
    const result = run.results.find((r) => r.id === 'model.order_totals')!;
    assert.equal(result.status, 'error');
    assert.match(result.message ?? '', /Source raw\.orders: its external_location 'landing\/orders\.parquet' matches no file/);
    assert.equal(result.error?.file, 'models/sources.yml');
    const yaml = readFileSync(path.join(p.root, 'models/sources.yml'), 'utf8');
    assert.equal(yaml.slice(result.error!.range!.start, result.error!.range!.end), '"landing/{name}.parquet"');
  } finally {
    p.dispose();
  }
});

test('an extension that is not built in fails the run at once, naming it; nothing is downloaded', async () => {
  const p = tempProject(PROJECT.replace('extensions: [parquet, json]', 'extensions: [parquet, spatial]'));
  try {
    await withReference(p.root);
    const run = await p.run({ select: ['regions'] });
    assert.equal(run.success, false);
    assert.match(run.errors[0].message, /extension 'spatial' is not available/);
    assert.equal(existsSync(path.join(p.root, 'exports')), false);
  } finally {
    p.dispose();
  }
});

test('a read-only attachment refuses writes; an attachment that cannot open is an error naming it', async () => {
  const p = tempProject(PROJECT);
  try {
    await withReference(p.root);
    p.write('models/regions.sql', "{{ config(materialized='table') }}\nselect * from ref_db.main.regions");
    writeFileSync(path.join(p.root, 'reference.duckdb'), 'not a database');
    const run = await p.run({ select: ['regions'] });
    assert.equal(run.success, false);
    assert.match(run.errors[0].message, /attached database 'reference\.duckdb' \(alias ref_db\) could not be set up/);
  } finally {
    p.dispose();
  }
});
