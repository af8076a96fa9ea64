// dbt parity without dbt: the conformance suite's shop project (test/conformance/projects/shop:
// seeds, column_types, ref, a macro, a Jinja for-loop, generic, custom generic and singular tests)
// runs unmodified under `medallion build`, and its tables equal what dbt produces — computed here
// independently with hand-written DuckDB SQL over the CSVs (the conformance suite compares with dbt itself).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openMemory, openWarehouse, type Warehouse } from '../../../runtime/engine/duckdb.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PROJECT = path.join(ROOT, 'test/conformance/projects/shop');
const METHODS = ['card', 'voucher', 'bank_transfer', 'gift_card'];

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

/** The CSVs as relations, for the expected results (read straight from the project, not from the build). */
const csv = (name: string): string => `read_csv('${path.join(PROJECT, 'seeds', `${name}.csv`)}', header = true)`;

// Amounts in cents throughout, so the comparison is exact.
const EXPECTED_CUSTOMERS = `
  with c as (select * from ${csv('shop_customers')}),
       o as (select * from ${csv('shop_orders')}),
       p as (select * from ${csv('shop_payments')})
  select
    c.customer_id,
    split_part(c.full_name, ' ', 1) as first_name,
    split_part(c.full_name, ' ', 2) as last_name,
    (select min(o.ordered_on) from o where o.customer_id = c.customer_id)::varchar as first_order_on,
    (select max(o.ordered_on) from o where o.customer_id = c.customer_id)::varchar as last_order_on,
    (select count(*) from o where o.customer_id = c.customer_id)::bigint as order_count,
    case when exists (select 1 from o where o.customer_id = c.customer_id and o.state <> 'refunded')
         then (select coalesce(sum(p.amount_cents), 0) from p join o on o.order_id = p.order_id where o.customer_id = c.customer_id and o.state <> 'refunded') end::bigint as lifetime_cents
  from c
  order by customer_id`;

const ACTUAL_CUSTOMERS = `
  select customer_id::bigint as customer_id, first_name, last_name, first_order_on::varchar as first_order_on, last_order_on::varchar as last_order_on,
         order_count, (lifetime_value * 100)::bigint as lifetime_cents
  from main.customer_summary
  order by customer_id`;

// An order with payments has 0 for a method it did not use; an order without payments has NULLs.
const EXPECTED_ORDERS = `
  with o as (select * from ${csv('shop_orders')}),
       p as (select * from ${csv('shop_payments')})
  select
    o.order_id,
    o.customer_id,
    o.ordered_on::varchar as ordered_on,
    o.state,
    ${METHODS.map(
      (m) =>
        `case when exists (select 1 from p where p.order_id = o.order_id)
              then coalesce((select sum(p.amount_cents) from p where p.order_id = o.order_id and p.method = '${m}'), 0) end::bigint as ${m}_cents,`,
    ).join('\n    ')}
    coalesce((select sum(p.amount_cents) from p where p.order_id = o.order_id), 0)::bigint as total_cents
  from o
  order by order_id`;

const ACTUAL_ORDERS = `
  select order_id::bigint as order_id, customer_id::bigint as customer_id, ordered_on::varchar as ordered_on, order_state as state,
         ${METHODS.map((m) => `(${m}_amount * 100)::bigint as ${m}_cents,`).join(' ')}
         (total_amount * 100)::bigint as total_cents
  from main.order_totals
  order by order_id`;

describe('the shop (a dbt-duckdb project) under medallion build', () => {
  let dir: string;
  let build: Cli;
  let warehouse: Warehouse;
  let expected: Warehouse;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'medallion-shop-'));
    cpSync(PROJECT, dir, { recursive: true, filter: (src) => !src.endsWith('conformance.yml') });
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
    // dbt's run_results.json (v6): unique ids `<type>.<project>.<name>`, tests pass, other nodes succeed.
    const results = JSON.parse(readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> };
    const count = (kind: string): number => results.results.filter((r) => r.unique_id.startsWith(`${kind}.`)).length;
    assert.deepEqual({ seeds: count('seed'), models: count('model'), tests: count('test') }, { seeds: 3, models: 5, tests: 18 });
    assert.deepEqual(results.results.filter((r) => r.status !== (r.unique_id.startsWith('test.') ? 'pass' : 'success')), []);
    warehouse = await openWarehouse(path.join(dir, 'warehouse.duckdb'), { readOnly: true });
  });

  it('makes the staging models views and the marts tables, as dbt_project.yml and config() say', async () => {
    const kinds = await warehouse.query("select table_name, table_type from information_schema.tables where table_schema = 'main' and table_name not like 'shop_%' order by 1");
    const byName = Object.fromEntries(kinds.rows.map((r) => [r.table_name, r.table_type]));
    assert.deepEqual(
      { stg_customers: byName.stg_customers, stg_orders: byName.stg_orders, stg_payments: byName.stg_payments },
      { stg_customers: 'VIEW', stg_orders: 'VIEW', stg_payments: 'VIEW' },
    );
    assert.deepEqual({ order_totals: byName.order_totals, customer_summary: byName.customer_summary }, { order_totals: 'BASE TABLE', customer_summary: 'BASE TABLE' });
  });

  it('gives every column the type dbt-duckdb gives it', async () => {
    // As dbt-core 1.10 + dbt-duckdb 1.9 build this project (the conformance suite checks it against dbt on every run).
    const expectedTypes: Record<string, string> = {
      shop_customers: 'customer_id:INTEGER full_name:VARCHAR country:VARCHAR signed_up_on:DATE',
      shop_orders: 'order_id:INTEGER customer_id:INTEGER ordered_on:DATE state:VARCHAR',
      shop_payments: 'payment_id:INTEGER order_id:INTEGER method:VARCHAR amount_cents:BIGINT',
      stg_payments: 'payment_id:INTEGER order_id:INTEGER payment_method:VARCHAR amount:DECIMAL(12,2)',
      order_totals:
        'order_id:INTEGER customer_id:INTEGER ordered_on:DATE order_state:VARCHAR is_fulfilled:BOOLEAN card_amount:DECIMAL(38,2) voucher_amount:DECIMAL(38,2) bank_transfer_amount:DECIMAL(38,2) gift_card_amount:DECIMAL(38,2) total_amount:DECIMAL(38,2) payment_count:BIGINT',
      customer_summary:
        'customer_id:INTEGER first_name:VARCHAR last_name:VARCHAR country_code:VARCHAR first_order_on:DATE last_order_on:DATE order_count:BIGINT lifetime_value:DECIMAL(38,2) segment:VARCHAR',
    };
    const actual: Record<string, string> = {};
    for (const table of Object.keys(expectedTypes)) {
      actual[table] = (await warehouse.describe(`select * from main.${table}`)).map((c) => `${c.name}:${c.type}`).join(' ');
    }
    assert.deepEqual(actual, expectedTypes);
  });

  it('gives the customer summary dbt gives: order dates, counts and lifetime values without refunds', async () => {
    const want = (await expected.query(EXPECTED_CUSTOMERS)).rows;
    const got = (await warehouse.query(ACTUAL_CUSTOMERS)).rows;
    assert.equal(got.length, 50);
    // The project has customers without orders (count 0, no lifetime value).
    assert.ok(want.some((r) => Number(r.order_count) === 0 && r.lifetime_cents === null));
    assert.deepEqual(got, want);
  });

  it('gives the order totals dbt gives: an amount per payment method from the Jinja loop', async () => {
    const columns = (await warehouse.describe('select * from main.order_totals')).map((c) => c.name);
    assert.deepEqual(columns, ['order_id', 'customer_id', 'ordered_on', 'order_state', 'is_fulfilled', ...METHODS.map((m) => `${m}_amount`), 'total_amount', 'payment_count']);
    const want = (await expected.query(EXPECTED_ORDERS)).rows;
    const got = (await warehouse.query(ACTUAL_ORDERS)).rows;
    assert.equal(got.length, 140);
    assert.ok(want.some((r) => r.card_cents === null), 'the project has unpaid orders');
    assert.ok(want.some((r) => Number(r.voucher_cents) === 0 && r.card_cents !== null), 'the project has orders without a voucher');
    assert.deepEqual(got, want);
  });

  it('passes `medallion test` with a summary of all 18 tests', async () => {
    warehouse.close();
    const run = await medallion(['test', '--project', dir]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /PASS=18 WARN=0 FAIL=0 ERROR=0/);
  });
});
