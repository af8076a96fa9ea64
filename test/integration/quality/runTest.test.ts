// runTest on a loaded project and real DuckDB: each test type passing and failing, on models, seeds
// and sources; severity warn vs error; `where`; singular tests; sample rows; tests that cannot run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileNode } from '../../../runtime/compile/compile.js';
import { openMemory, type Warehouse } from '../../../runtime/engine/duckdb.js';
import { buildGraph, type Graph } from '../../../runtime/graph/dag.js';
import { loadProject } from '../../../runtime/project/load.js';
import type { Project } from '../../../runtime/project/types.js';
import { runTest, type TestResult } from '../../../runtime/run/tests/run.js';
import { fixture } from '../../support/fixture.js';

const PROJECT = fixture(`
//- /dbt_project.yml
name: shop
//- /models/customers.sql
select 1 as id
//- /models/orders.sql
select * from {{ ref('customers') }}
//- /models/recent_orders.sql
{{ config(materialized='ephemeral') }}
select * from {{ ref('orders') }} where id >= 3
//- /seeds/countries.csv
code,name
NL,Netherlands
//- /models/schema.yml
version: 2
sources:
  - name: shop
    schema: raw
    tables:
      - name: accounts
        columns:
          - name: id
            data_tests: [unique]
seeds:
  - name: countries
    columns:
      - name: code
        data_tests: [not_null]
models:
  - name: customers
    columns:
      - name: id
        data_tests: [unique, not_null]
      - name: email
        data_tests:
          - unique
          - not_null:
              config:
                severity: warn
      - name: nope
        data_tests: [not_null]
  - name: orders
    columns:
      - name: status
        data_tests:
          - accepted_values:
              values: [placed, shipped]
          - accepted_values:
              values: [placed, shipped, returned]
      - name: priority
        data_tests:
          - accepted_values:
              values: [1, 2]
              quote: false
      - name: customer_id
        data_tests:
          - relationships:
              to: ref('customers')
              field: id
          - relationships:
              to: ref('customers')
              field: id
              config:
                where: "customer_id < 100"
  - name: recent_orders
    columns:
      - name: customer_id
        data_tests: [not_null]
//- /tests/no_negative_amounts.sql
select * from {{ ref('orders') }} where amount < 0;
//- /tests/no_huge_amounts.sql
{{ config(severity='warn') }}
select * from {{ ref('orders') }} where amount > 1000 -- big spenders
//- /tests/no_empty_countries.sql
select * from {{ ref('countries') }} where name = ''
`);

describe('runTest', () => {
  let db: Warehouse;
  let project: Project;
  let graph: Graph;
  before(async () => {
    project = await loadProject(PROJECT.fs, PROJECT.root);
    graph = buildGraph(project);
    db = await openMemory();
    // The tables as a build would have left them.
    await db.exec(`
      create schema raw;
      create table raw.accounts as select * from (values (1), (2), (2)) t(id);
      create table main.countries as select * from (values ('NL', 'Netherlands'), ('BE', 'Belgium')) t(code, name);
      create table main.customers as select * from (values (1, 'a@x.io'), (2, 'b@x.io'), (3, 'b@x.io'), (4, null), (5, null)) t(id, email);
      create table main.orders as select * from (values
        (1, 1, 'placed', 1, 10.0), (2, 2, 'shipped', 2, 2000.0), (3, 3, 'returned', 3, 5.0), (4, 999, 'placed', 1, 7.5), (5, null, 'placed', 2, 1.0)
      ) t(id, customer_id, status, priority, amount);
    `);
  });
  after(() => db.close());

  const byName = (name: string): string => {
    const node = project.tests.get(name);
    assert.ok(node, `no test ${name}; tests: ${[...project.tests.keys()].join(', ')}`);
    return node.id;
  };
  const run = (name: string): Promise<TestResult> => runTest(db, project, graph, byName(name), (id, opts) => compileNode(project, graph, id, opts));
  const pick = (r: TestResult): Pick<TestResult, 'status' | 'failures'> => ({ status: r.status, failures: r.failures });

  it('unique passes and fails with the duplicated values as sample rows', async () => {
    assert.deepEqual(pick(await run('unique_customers_id')), { status: 'pass', failures: 0 });
    const failed = await run('unique_customers_email');
    assert.deepEqual(pick(failed), { status: 'fail', failures: 1 });
    assert.equal(failed.message, 'Got 1 result, configured to fail if != 0');
    assert.deepEqual(failed.sampleRows, [{ unique_field: 'b@x.io', n_records: '2' }]);
    assert.deepEqual(failed.columns.map((c) => c.name), ['unique_field', 'n_records']);
  });

  it('not_null passes, and fails as a warning when its severity is warn', async () => {
    assert.deepEqual(pick(await run('not_null_customers_id')), { status: 'pass', failures: 0 });
    const warned = await run('not_null_customers_email');
    assert.deepEqual(pick(warned), { status: 'warn', failures: 2 });
    assert.equal(warned.message, 'Got 2 results, configured to warn if != 0');
    assert.deepEqual(warned.sampleRows, [{ id: 4, email: null }, { id: 5, email: null }]);
  });

  it('accepted_values fails on an unexpected value and passes when it is listed; quote: false compares numbers', async () => {
    const failed = await run('accepted_values_orders_status__placed__shipped');
    assert.deepEqual(pick(failed), { status: 'fail', failures: 1 });
    assert.deepEqual(failed.sampleRows, [{ value_field: 'returned', n_records: '1' }]);
    assert.deepEqual(pick(await run('accepted_values_orders_status__placed__shipped__returned')), { status: 'pass', failures: 0 });
    const numbers = await run('accepted_values_orders_priority__False__1__2');
    assert.deepEqual(numbers.sampleRows, [{ value_field: 3, n_records: '1' }]);
  });

  it('relationships fails on an orphan and honours where', async () => {
    const ids = [...project.tests.values()].filter((t) => t.spec?.name === 'relationships').map((t) => t.id);
    assert.equal(ids.length, 2);
    const results = await Promise.all(ids.map((id) => runTest(db, project, graph, id, (n, o) => compileNode(project, graph, n, o))));
    const [plain, filtered] = results[0].failures > 0 ? results : [results[1], results[0]];
    assert.deepEqual(pick(plain), { status: 'fail', failures: 1 });
    assert.deepEqual(plain.sampleRows, [{ from_field: 999 }]);
    assert.deepEqual(pick(filtered), { status: 'pass', failures: 0 });
  });

  it('tests sources and seeds', async () => {
    const source = await run('source_unique_shop_accounts_id');
    assert.deepEqual(pick(source), { status: 'fail', failures: 1 });
    assert.deepEqual(pick(await run('not_null_countries_code')), { status: 'pass', failures: 0 });
  });

  it('tests an ephemeral model through its compiled SQL', async () => {
    const r = await run('not_null_recent_orders_customer_id');
    assert.deepEqual(pick(r), { status: 'fail', failures: 1 });
    assert.equal(r.sampleRows[0].id, 5);
  });

  it('runs singular tests, with a trailing semicolon or comment, and their config(severity)', async () => {
    assert.deepEqual(pick(await run('no_negative_amounts')), { status: 'pass', failures: 0 });
    const warned = await run('no_huge_amounts');
    assert.deepEqual(pick(warned), { status: 'warn', failures: 1 });
    assert.equal(warned.sampleRows[0].id, 2);
    assert.deepEqual(pick(await run('no_empty_countries')), { status: 'pass', failures: 0 });
  });

  it('reports a test that cannot run as an error with the engine message', async () => {
    const r = await run('not_null_customers_nope');
    assert.equal(r.status, 'error');
    assert.match(r.message, /nope/);
    const missing = await runTest(db, project, graph, 'test.does_not_exist', (id) => compileNode(project, graph, id));
    assert.equal(missing.status, 'error');
  });
});
