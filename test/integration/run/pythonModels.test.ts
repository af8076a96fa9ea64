// Python models on a real warehouse with the dbt venv's Python (which has duckdb): a table model and a
// SQL model downstream, an incremental model across two runs (dbt.is_incremental, dbt.this), one that
// raises (its traceback's last line at its line, the previous table kept), and none without a Python.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DBT_VENV, ensureDbt } from '../../support/dbtVenv.js';
import { tempProject } from './project.js';

const PROJECT = `
//- /pipeline.yml
name: shop
//- /seeds/orders.csv
id,amount
1,5
2,20
3,40
//- /models/big_orders.py
def model(dbt, session):
    dbt.config(materialized='table')
    threshold = dbt.config.get('threshold', 10)
    return dbt.ref('orders').filter(f'amount > {threshold}').project('id, amount * 2 as doubled')
//- /models/big_count.sql
{{ config(materialized='table') }}
select count(*) as n from {{ ref('big_orders') }}
//- /models/order_log.py
def model(dbt, session):
    dbt.config(materialized='incremental', unique_key='id')
    orders = dbt.ref('orders')
    if dbt.is_incremental:
        top = session.sql(f'select max(id) from {dbt.this}').fetchone()[0]
        orders = orders.filter(f'id > {top}')
    label = 'incremental' if dbt.is_incremental else 'full'
    return orders.project(f"id, amount, '{label}' as loaded_by")
//- /models/fragile.py
def model(dbt, session):
    return dbt.ref('orders')
`;

const RAISES = `def model(dbt, session):
    rows = dbt.ref('orders').fetchall()
    return len(rows) / 0
`;

const saved = process.env.MEDALLION_PYTHON;
let python: string | undefined;
before(() => {
  const dbt = ensureDbt();
  if (dbt.ok) python = path.join(DBT_VENV, 'bin', 'python');
  else if (process.env.CI === 'true') throw new Error(dbt.reason);
});
after(() => (saved === undefined ? delete process.env.MEDALLION_PYTHON : (process.env.MEDALLION_PYTHON = saved)));

const statuses = (r: { results: Array<{ id: string; status: string }> }): Record<string, string> => Object.fromEntries(r.results.map((x) => [x.id, x.status]));

/** The statuses are as expected; when not, the failure says what each node that did not succeed reported. */
function assertStatuses(r: { results: Array<{ id: string; status: string; message?: string }> }, expected: Record<string, string>): void {
  const said = r.results.filter((x) => x.status !== 'success').map((x) => `${x.id}: ${x.status}: ${x.message ?? ''}`);
  assert.deepEqual(statuses(r), expected, `statuses ${JSON.stringify(statuses(r))}; not successes said:\n${said.join('\n')}`);
}

test('table and incremental Python models build, rebuild incrementally, and one that raises fails at its line leaving its table', async (t) => {
  if (!python) {
    // As the conformance suite: in CI the venv must be there, so its absence fails instead of skipping.
    assert.notEqual(process.env.CI, 'true', 'no dbt venv (python3 with venv and pip needed)');
    return t.skip('no dbt venv (python3 with venv and pip needed)');
  }
  process.env.MEDALLION_PYTHON = python;
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  const first = await p.run({ command: 'build' });
  assertStatuses(first, { 'seed.orders': 'success', 'model.big_orders': 'success', 'model.big_count': 'success', 'model.order_log': 'success', 'model.fragile': 'success' });
  assert.deepEqual(await p.query('select id, doubled from big_orders order by id'), [{ id: 2, doubled: 40 }, { id: 3, doubled: 80 }]);
  assert.deepEqual(await p.query('select n from big_count'), [{ n: '2' }]);
  assert.deepEqual(await p.query('select id, loaded_by from order_log order by id'), [{ id: 1, loaded_by: 'full' }, { id: 2, loaded_by: 'full' }, { id: 3, loaded_by: 'full' }]);
  assert.equal(first.results.find((r) => r.id === 'model.big_orders')!.rows, 2);

  p.write('seeds/orders.csv', 'id,amount\n1,5\n2,20\n3,40\n4,50\n');
  p.write('models/fragile.py', RAISES);
  const second = await p.run({ command: 'build' });
  assertStatuses(second, { 'seed.orders': 'success', 'model.big_orders': 'success', 'model.big_count': 'success', 'model.order_log': 'success', 'model.fragile': 'error' });
  assert.deepEqual(await p.query('select id, loaded_by from order_log order by id'), [{ id: 1, loaded_by: 'full' }, { id: 2, loaded_by: 'full' }, { id: 3, loaded_by: 'full' }, { id: 4, loaded_by: 'incremental' }]);
  assert.match(second.results.find((r) => r.id === 'model.order_log')!.message ?? '', /incremental \(delete\+insert\)/);
  const failed = second.results.find((r) => r.id === 'model.fragile')!;
  assert.equal(failed.message, 'Python model failed: ZeroDivisionError: division by zero (models/fragile.py:3)');
  const text = readFileSync(path.join(p.root, 'models/fragile.py'), 'utf8');
  assert.equal(text.slice(failed.error!.range!.start, failed.error!.range!.end), 'return len(rows) / 0');
  assert.match(failed.error!.message, /Traceback[\s\S]*fragile\.py", line 3/);
  // The raising model left the previous table.
  assert.deepEqual(await p.query('select count(*) as n from fragile'), [{ n: '3' }]);
});

test('without a Python that has duckdb, a Python model is skipped with the reason and its downstream skipped', async (t) => {
  process.env.MEDALLION_PYTHON = '/nonexistent/bin/python3';
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'build' });
  assert.equal(run.success, true);
  assertStatuses(run, { 'seed.orders': 'success', 'model.big_orders': 'skipped', 'model.big_count': 'skipped', 'model.order_log': 'skipped', 'model.fragile': 'skipped' });
  assert.equal(run.results.find((r) => r.id === 'model.big_orders')!.message, 'no Python 3 with the duckdb package to run Python models (/nonexistent/bin/python3 from MEDALLION_PYTHON: not found); set MEDALLION_PYTHON, pipeline.yml python: or the setting medallion.python');
  assert.equal(run.results.find((r) => r.id === 'model.big_count')!.message, 'skipped: upstream model.big_orders was skipped');
});
