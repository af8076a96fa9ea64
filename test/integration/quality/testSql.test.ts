// The generic tests' failing-rows queries, run on in-memory DuckDB: what each returns, with dbt's
// semantics (nulls, `where`, `quote`), and the count wrapper on queries ending in comments or semicolons.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory, type Warehouse } from '../../../runtime/engine/duckdb.js';
import { genericTestSql } from '../../../runtime/compile/tests.js';
import { failureCountSql } from '../../../runtime/run/tests/sql.js';
import type { TestSpec } from '../../../runtime/project/types.js';

const spec = (name: string, column: string | undefined, args: Record<string, unknown> = {}, where?: string): TestSpec => ({
  name,
  column,
  args,
  where,
  severity: 'error',
  location: { file: 'models/schema.yml', range: { start: 0, end: 0 } },
});

const resolve = (to: string): string | undefined => ({ "ref('customers')": 'main.customers' })[to];

describe('generic test SQL on DuckDB', () => {
  let db: Warehouse;
  before(async () => {
    db = await openMemory();
    await db.exec(`
      create table customers as select * from (values (1, 'a'), (2, 'b'), (3, 'c')) t(id, name);
      create table orders as select * from (values
        (10, 1, 'placed'), (11, 2, 'shipped'), (12, 2, 'returned'), (12, 9, null), (13, null, 'placed')
      ) t(id, customer_id, status);
    `);
  });
  after(() => db.close());

  async function failing(s: TestSpec, model = 'main.orders'): Promise<Record<string, unknown>[]> {
    const built = genericTestSql(s, model, resolve);
    assert.ok('sql' in built, JSON.stringify(built));
    return (await db.query(built.sql)).rows;
  }

  it('unique returns each duplicated value with its count, ignoring nulls', async () => {
    assert.deepEqual(await failing(spec('unique', 'id')), [{ unique_field: 12, n_records: '2' }]);
    assert.deepEqual(await failing(spec('unique', 'id'), 'main.customers'), []);
    // Two nulls in customer_id would not count as duplicates.
    assert.deepEqual(await failing(spec('unique', 'customer_id'), '(select null::int as customer_id union all select null) t'), []);
  });

  it('not_null returns the whole rows with a null', async () => {
    assert.deepEqual(await failing(spec('not_null', 'customer_id')), [{ id: 13, customer_id: null, status: 'placed' }]);
    assert.deepEqual(await failing(spec('not_null', 'id')), []);
  });

  it('accepted_values returns unexpected values with counts; nulls pass as in dbt', async () => {
    const rows = await failing(spec('accepted_values', 'status', { values: ['placed', 'shipped'] }));
    assert.deepEqual(rows, [{ value_field: 'returned', n_records: '1' }]);
    assert.deepEqual(await failing(spec('accepted_values', 'status', { values: ['placed', 'shipped', 'returned'] })), []);
  });

  it('accepted_values with quote: false compares unquoted values', async () => {
    assert.deepEqual(await failing(spec('accepted_values', 'customer_id', { values: [1, 2, 9], quote: false })), []);
    const rows = await failing(spec('accepted_values', 'customer_id', { values: [1, 2], quote: false }));
    assert.deepEqual(rows, [{ value_field: 9, n_records: '1' }]);
  });

  it('accepted_values quotes values containing a quote', async () => {
    const rows = await failing(spec('accepted_values', 'name', { values: ["a'", 'b', 'c'] }), 'main.customers');
    assert.deepEqual(rows, [{ value_field: 'a', n_records: '1' }]);
  });

  it('relationships returns child values missing from the parent, ignoring nulls', async () => {
    assert.deepEqual(await failing(spec('relationships', 'customer_id', { to: "ref('customers')", field: 'id' })), [{ from_field: 9 }]);
  });

  it('where filters the tested model only', async () => {
    assert.deepEqual(await failing(spec('relationships', 'customer_id', { to: "ref('customers')", field: 'id' }, 'status is not null')), []);
    assert.deepEqual(await failing(spec('unique', 'id', {}, "status <> 'returned'")), []);
    assert.deepEqual(await failing(spec('not_null', 'customer_id', {}, 'id < 13')), []);
  });

  it('explains what it cannot build', () => {
    assert.match((genericTestSql(spec('unique', undefined), 'm', resolve) as { error: string }).error, /needs a column/);
    assert.match((genericTestSql(spec('relationships', 'c', { to: "ref('nope')", field: 'id' }), 'm', resolve) as { error: string }).error, /not in the project/);
    assert.match((genericTestSql(spec('accepted_values', 'c', {}), 'm', resolve) as { error: string }).error, /values/);
    assert.match((genericTestSql(spec('dbt_utils.expression_is_true', 'c'), 'm', resolve) as { error: string }).error, /Unknown generic test/);
  });

  it('reads a model-level test column from column_name', async () => {
    assert.deepEqual(await failing(spec('not_null', undefined, { column_name: 'status' })), [{ id: 12, customer_id: 9, status: null }]);
  });

  it('counts the rows of failing-rows queries that end in a semicolon or a comment', async () => {
    const queries = [
      "select * from orders where status = 'placed';",
      "select * from orders where status = 'placed' -- only placed",
      "select * from orders where status = 'placed' /* c; */ ;  \n -- done\n",
      "select * from orders where status = 'placed' order by id limit 10;",
    ];
    for (const q of queries) assert.deepEqual((await db.query(failureCountSql(q))).rows, [{ failures: '2', should_warn: true, should_error: true }], q);
  });
});
