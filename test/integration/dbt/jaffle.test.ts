// dbt parity: the jaffle_shop dbt-duckdb project (test/fixtures/jaffle_shop: seeds, ref, a macro, a
// Jinja for-loop, schema tests, a custom generic test, a singular test) runs unmodified under `medallion build`, and its tables
// equal what dbt produces — computed here independently with hand-written DuckDB SQL over the CSVs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openMemory, openWarehouse, type Warehouse } from '../../../runtime/engine/duckdb.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(ROOT, 'test/fixtures/jaffle_shop');
const METHODS = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'];

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

function medallion(args: string[]): Promise<Cli> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'runtime/cli/main.ts'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The CSVs as relations, for the expected results (read straight from the fixture, not from the build). */
const csv = (name: string): string => `read_csv('${path.join(FIXTURE, 'seeds', `${name}.csv`)}', header = true)`;

const EXPECTED_CUSTOMERS = `
  with c as (select * from ${csv('raw_customers')}),
       o as (select * from ${csv('raw_orders')}),
       p as (select * from ${csv('raw_payments')})
  select
    c.id as customer_id,
    c.first_name,
    c.last_name,
    (select min(o.order_date) from o where o.user_id = c.id)::varchar as first_order,
    (select max(o.order_date) from o where o.user_id = c.id)::varchar as most_recent_order,
    (select nullif(count(*), 0) from o where o.user_id = c.id)::bigint as number_of_orders,
    (select sum(p.amount) from p join o on o.id = p.order_id where o.user_id = c.id)::bigint as lifetime_value_cents
  from c
  order by customer_id`;

const ACTUAL_CUSTOMERS = `
  select customer_id::bigint as customer_id, first_name, last_name, first_order::varchar as first_order, most_recent_order::varchar as most_recent_order,
         number_of_orders::bigint as number_of_orders, (customer_lifetime_value * 100)::bigint as lifetime_value_cents
  from main.customers
  order by customer_id`;

// An order with payments has 0 for a method it did not use; an order without payments has NULLs.
const EXPECTED_ORDERS = `
  with o as (select * from ${csv('raw_orders')}),
       p as (select * from ${csv('raw_payments')})
  select
    o.id as order_id,
    o.user_id as customer_id,
    o.order_date::varchar as order_date,
    o.status,
    ${METHODS.map(
      (m) =>
        `case when exists (select 1 from p where p.order_id = o.id)
              then coalesce((select sum(p.amount) from p where p.order_id = o.id and p.payment_method = '${m}'), 0) end::bigint as ${m}_cents,`,
    ).join('\n    ')}
    (select sum(p.amount) from p where p.order_id = o.id)::bigint as amount_cents
  from o
  order by order_id`;

const ACTUAL_ORDERS = `
  select order_id::bigint as order_id, customer_id::bigint as customer_id, order_date::varchar as order_date, status,
         ${METHODS.map((m) => `(${m}_amount * 100)::bigint as ${m}_cents,`).join(' ')}
         (amount * 100)::bigint as amount_cents
  from main.orders
  order by order_id`;

describe('jaffle_shop (dbt-duckdb project) under medallion build', () => {
  let dir: string;
  let build: Cli;
  let warehouse: Warehouse;
  let expected: Warehouse;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-jaffle-'));
    cpSync(FIXTURE, dir, { recursive: true });
    build = await medallion(['build', '--project', dir]);
    expected = await openMemory();
  });
  after(() => {
    warehouse?.close();
    expected?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds unmodified with every test passing', async () => {
    assert.equal(build.code, 0, `build failed:\n${build.stdout}\n${build.stderr}`);
    const results = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ id: string; kind: string; status: string }> };
    const count = (kind: string): number => results.results.filter((r) => r.kind === kind).length;
    assert.deepEqual({ seeds: count('seed'), models: count('model'), tests: count('test') }, { seeds: 3, models: 5, tests: 19 });
    assert.deepEqual(results.results.filter((r) => r.status !== 'success'), []);
    warehouse = await openWarehouse(path.join(dir, 'warehouse.duckdb'), { readOnly: true });
  });

  it('makes the staging models views and the marts tables, as dbt_project.yml and config() say', async () => {
    const kinds = await warehouse.query("select table_name, table_type from information_schema.tables where table_schema = 'main' and table_name not like 'raw_%' order by 1");
    const byName = Object.fromEntries(kinds.rows.map((r) => [r.table_name, r.table_type]));
    assert.deepEqual(
      { stg_customers: byName.stg_customers, stg_orders: byName.stg_orders, stg_payments: byName.stg_payments },
      { stg_customers: 'VIEW', stg_orders: 'VIEW', stg_payments: 'VIEW' },
    );
    assert.ok(byName.customers && byName.orders, JSON.stringify(byName));
  });

  it('gives every column the type dbt-duckdb gives it', async () => {
    // As dbt-core 1.10 + dbt-duckdb 1.9 built this fixture (checked once, outside CI).
    const expectedTypes: Record<string, string> = {
      raw_customers: 'id:INTEGER first_name:VARCHAR last_name:VARCHAR',
      raw_orders: 'id:INTEGER user_id:INTEGER order_date:DATE status:VARCHAR',
      raw_payments: 'id:INTEGER order_id:INTEGER payment_method:VARCHAR amount:INTEGER',
      stg_payments: 'payment_id:INTEGER order_id:INTEGER payment_method:VARCHAR amount:DECIMAL(16,2)',
      customers:
        'customer_id:INTEGER first_name:VARCHAR last_name:VARCHAR first_order:DATE most_recent_order:DATE number_of_orders:BIGINT customer_lifetime_value:DECIMAL(38,2)',
      orders:
        'order_id:INTEGER customer_id:INTEGER order_date:DATE status:VARCHAR credit_card_amount:DECIMAL(38,2) coupon_amount:DECIMAL(38,2) bank_transfer_amount:DECIMAL(38,2) gift_card_amount:DECIMAL(38,2) amount:DECIMAL(38,2)',
    };
    const actual: Record<string, string> = {};
    for (const table of Object.keys(expectedTypes)) {
      actual[table] = (await warehouse.describe(`select * from main.${table}`)).map((c) => `${c.name}:${c.type}`).join(' ');
    }
    assert.deepEqual(actual, expectedTypes);
  });

  it('gives the customers table dbt gives: order dates, counts and lifetime values', async () => {
    const want = (await expected.query(EXPECTED_CUSTOMERS)).rows;
    const got = (await warehouse.query(ACTUAL_CUSTOMERS)).rows;
    assert.equal(got.length, 60);
    // The fixture covers customers without orders (NULL counts) and with unpaid orders only.
    assert.ok(want.some((r) => r.number_of_orders === null));
    assert.deepEqual(got, want);
  });

  it('gives the orders table dbt gives: an amount per payment method from the Jinja loop', async () => {
    const columns = (await warehouse.describe('select * from main.orders')).map((c) => c.name);
    assert.deepEqual(columns, ['order_id', 'customer_id', 'order_date', 'status', ...METHODS.map((m) => `${m}_amount`), 'amount']);
    const want = (await expected.query(EXPECTED_ORDERS)).rows;
    const got = (await warehouse.query(ACTUAL_ORDERS)).rows;
    assert.equal(got.length, 130);
    assert.ok(want.some((r) => r.amount_cents === null), 'the fixture has unpaid orders');
    assert.ok(want.some((r) => Number(r.coupon_cents) === 0 && r.amount_cents !== null), 'the fixture has orders without a coupon');
    assert.deepEqual(got, want);
  });

  it('passes `medallion test` with a summary of all 19 tests', async () => {
    warehouse.close();
    const run = await medallion(['test', '--project', dir]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /PASS=19 WARN=0 FAIL=0 ERROR=0/);
  });
});
