// dbt unit tests on a real DuckDB: a passing and a failing test per input format (dict, inline csv,
// csv fixture file, sql), typed from what the project knows before anything is built; the diff of a
// failure; `build` running a model's unit tests first and skipping it and its downstream on a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempProject } from './project.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
//- /seeds/raw_orders.csv
order_id,amount,status,ordered_at
1,12.5,shipped,2026-01-02
2,3.0,cancelled,2026-01-03
//- /models/stg_orders.sql
select order_id, amount * 2 as doubled, status, cast(ordered_at as date) + 1 as due
from {{ ref('raw_orders') }} where status <> 'cancelled'
//- /models/order_count.sql
select count(*) as orders from {{ ref('stg_orders') }}
//- /tests/fixtures/two_orders.csv
order_id,amount,status
1,1.5,shipped
2,2,placed
//- /tests/fixtures/two_doubled.csv
order_id,doubled
1,3.0
2,4.0
//- /tests/fixtures/wrong_doubled.csv
order_id,doubled
1,3.0
2,5.0
`;

const given = (rows: string): string => `    given:\n      - input: ref('raw_orders')\n${rows}`;

const UNIT_TESTS = `
//- /models/unit.yml
version: 2
unit_tests:
  - name: dict_pass
    model: stg_orders
${given('        rows: [{order_id: 1, amount: 2, status: shipped, ordered_at: 2026-01-31}, {order_id: 2, status: cancelled}]\n')}    expect:
      rows: [{order_id: 1, doubled: 4, due: 2026-02-01}]
  - name: dict_fail
    model: stg_orders
${given('        rows: [{order_id: 1, amount: 2}]\n')}    expect:
      rows: [{order_id: 1, doubled: 5}]
  - name: csv_pass
    model: stg_orders
${given('        format: csv\n        rows: |\n          order_id,amount,status\n          7,0.5,shipped\n')}    expect:
      format: csv
      rows: |
        order_id,doubled
        7,1.0
  - name: csv_fail
    model: stg_orders
${given('        format: csv\n        rows: |\n          order_id,amount,status\n          7,0.5,shipped\n')}    expect:
      format: csv
      rows: |
        order_id,doubled
        7,1.0
        8,2.0
  - name: fixture_pass
    model: stg_orders
${given('        format: csv\n        fixture: two_orders\n')}    expect:
      format: csv
      fixture: two_doubled
  - name: fixture_fail
    model: stg_orders
${given('        format: csv\n        fixture: two_orders\n')}    expect:
      format: csv
      fixture: wrong_doubled
  - name: sql_pass
    model: stg_orders
${given("        format: sql\n        rows: select 3 as order_id, 1.25 as amount, 'shipped' as status, date '2026-01-01' as ordered_at\n")}    expect:
      format: sql
      rows: select 3 as order_id, 2.5 as doubled, 'shipped' as status, date '2026-01-02' as due
  - name: sql_fail
    model: stg_orders
${given("        format: sql\n        rows: select 3 as order_id, 1.25 as amount, 'shipped' as status, date '2026-01-01' as ordered_at\n")}    expect:
      format: sql
      rows: select 3 as order_id, 2.5 as doubled, 'placed' as status, date '2026-01-02' as due
`;

test('per input format, a passing and a failing unit test, typed from the seed before anything is built', async (t) => {
  const p = tempProject(PROJECT + UNIT_TESTS);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'test', select: ['test_type:unit'] });
  assert.deepEqual(run.errors, []);
  const statuses = Object.fromEntries(run.results.map((r) => [r.id, r.status === 'error' ? `error: ${r.message}` : r.status]));
  assert.deepEqual(statuses, {
    'unit_test.stg_orders.dict_pass': 'success',
    'unit_test.stg_orders.dict_fail': 'fail',
    'unit_test.stg_orders.csv_pass': 'success',
    'unit_test.stg_orders.csv_fail': 'fail',
    'unit_test.stg_orders.fixture_pass': 'success',
    'unit_test.stg_orders.fixture_fail': 'fail',
    'unit_test.stg_orders.sql_pass': 'success',
    'unit_test.stg_orders.sql_fail': 'fail',
  });
  // The diff: the rows only the model gives and the rows only the expectation has.
  const failed = run.results.find((r) => r.id === 'unit_test.stg_orders.fixture_fail')!;
  assert.equal(failed.message, 'actual differs from expected: 1 row only in actual, 1 only in expected');
  assert.deepEqual(
    (failed.details!.sampleRows as Array<Record<string, unknown>>).map((r) => `${String(r.actual_or_expected)} ${String(r.order_id)} ${String(r.doubled)}`),
    ['actual 2 4', 'expected 2 5'],
  );
  const results = JSON.parse(readFileSync(path.join(p.root, 'target', 'run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> };
  assert.deepEqual(results.results.filter((r) => r.unique_id === 'unit_test.shop.stg_orders.dict_pass').map((r) => r.status), ['pass']);
});

test('build runs a model\'s unit tests before it; a failing one skips the model and its downstream', async (t) => {
  const p = tempProject(PROJECT + UNIT_TESTS);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'build', select: ['+order_count'], exclude: ['test_type:data'] });
  const order = run.results.map((r) => r.id);
  const firstUnit = order.findIndex((id) => id.startsWith('unit_test.'));
  assert.ok(firstUnit > order.indexOf('seed.raw_orders') && firstUnit < order.indexOf('model.stg_orders'), order.join(', '));
  const status = (id: string): string | undefined => run.results.find((r) => r.id === id)?.status;
  assert.equal(status('model.stg_orders'), 'skipped');
  assert.equal(status('model.order_count'), 'skipped');
  assert.equal(run.results.filter((r) => r.status === 'fail').length, 1, 'the first failure stops the model\'s other unit tests');

  // Without the failing tests, the model builds after its unit tests pass.
  const passing = tempProject(PROJECT + UNIT_TESTS.replace(/ {2}- name: \w+_fail[\s\S]*?(?= {2}- name: |$)/g, ''));
  t.after(() => passing.dispose());
  const ok = await passing.run({ command: 'build' });
  assert.deepEqual(ok.results.filter((r) => r.status !== 'success').map((r) => `${r.id}: ${r.message}`), []);
  assert.equal(ok.results.filter((r) => r.id.startsWith('unit_test.')).length, 4);
});

test('a fixture column the input does not have, and a given value that cannot cast, fail the unit test with the reason', async (t) => {
  const p = tempProject(`${PROJECT}
//- /models/unit.yml
version: 2
unit_tests:
  - name: typo
    model: stg_orders
    given: [{ input: ref('raw_orders'), rows: [{ order_id: 1, amuont: 2 }] }]
    expect: { rows: [] }
  - name: not_a_number
    model: stg_orders
    given: [{ input: ref('raw_orders'), rows: [{ order_id: 1, amount: lots, status: shipped }] }]
    expect: { rows: [] }
`);
  t.after(() => p.dispose());
  const run = await p.run({ command: 'test' });
  const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
  assert.equal(byId['unit_test.stg_orders.typo'].status, 'error', JSON.stringify(run.results));
  assert.match(byId['unit_test.stg_orders.typo'].message!, /Invalid column name 'amuont' in unit test fixture for 'raw_orders'/);
  const range = byId['unit_test.stg_orders.typo'].error!.range!;
  assert.equal(readFileSync(path.join(p.root, 'models/unit.yml'), 'utf8').slice(range.start, range.end), 'amuont');
  assert.equal(byId['unit_test.stg_orders.not_a_number'].status, 'error');
  assert.match(byId['unit_test.stg_orders.not_a_number'].message!, /lots/);
});
