// The compile, ls and lineage commands on inline fixture projects written to a temp folder:
// their output, the files they write, diagnostics as file:line:col and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { compile } from '../../../runtime/cli/commands/compile.js';
import { registerCommands } from '../../../runtime/cli/commands/index.js';
import { lineage } from '../../../runtime/cli/commands/lineage.js';
import { ls } from '../../../runtime/cli/commands/ls.js';
import { UserError, type Io } from '../../../runtime/cli/context.js';
import { fixture } from '../../support/fixture.js';
import { lineCol } from '../../../runtime/cli/diagnostics.js';

const REPO = path.resolve(__dirname, '../../..');

/** Writes a fixture to a fresh temp folder; returns it with an Io that records output. */
function project(text: string): { dir: string; io: Io & { stdout: string[]; stderr: string[] }; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-cli-'));
  for (const [file, body] of Object.entries(fixture(text).files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), body);
  }
  return { dir, io: capture(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function capture(cwd: string): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), cwd };
}

const SHOP = `
//- /pipeline.yml
name: shop
sources:
  orders_raw:
    format: json
    path: bronze/orders/*.json
    columns:
      id: { type: integer, required: true }
      amount: { type: double }
//- /macros/cents.sql
{% macro cents(col) %}round({{ col }} * 100){% endmacro %}
//- /models/silver/orders.sql
{{ config(materialized='incremental', unique_key='id') }}
select id, {{ cents('amount') }} as amount_cents from {{ source('bronze', 'orders_raw') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
//- /models/silver/customers.sql
select 1 as customer_id
//- /models/gold/revenue.sql
select sum(o.amount_cents) as revenue from {{ ref('orders') }} o cross join {{ ref('customers') }}
//- /models/gold/report.sql
select * from {{ ref('revenue') }}
//- /models/gold/schema.yml
version: 2
models:
  - name: revenue
    columns:
      - name: revenue
        data_type: double
        data_tests: [not_null]
`;

test('compile writes every model and test under target/compiled/<project>/ and summarizes', async () => {
  const p = project(SHOP);
  try {
    assert.equal(await compile({}, p.io), 0);
    assert.deepEqual(p.io.stderr, []);
    assert.match(p.io.stdout.join('\n'), /^Compiled 4 models and 1 test of shop in \d+ ms → target\/compiled\/shop\/$/);
    const out = path.join(p.dir, 'target/compiled/shop');
    const orders = readFileSync(path.join(out, 'models/silver/orders.sql'), 'utf8');
    assert.match(orders, /select id, round\(amount \* 100\) as amount_cents from "bronze"."orders_raw"/);
    assert.doesNotMatch(orders, /max\(id\)/, 'is_incremental() is false by default');
    assert.match(readFileSync(path.join(out, 'models/gold/revenue.sql'), 'utf8'), /from "main"."orders" o cross join "main"."customers"/);
    assert.ok(existsSync(path.join(out, 'models/gold/schema.yml/not_null_revenue_revenue.sql')));
  } finally {
    p.cleanup();
  }
});

test('compile of one selected model prints its SQL; --incremental renders the incremental branch', async () => {
  const p = project(SHOP);
  try {
    assert.equal(await compile({ select: ['orders'], incremental: true }, p.io), 0);
    assert.equal(p.io.stdout[0], '-- models/silver/orders.sql (compiled)');
    assert.match(p.io.stdout.join('\n'), /where id > \(select max\(id\) from "main"."orders"\)/);
    assert.match(p.io.stderr.join('\n'), /^Compiled 1 model and 0 tests of shop/);
  } finally {
    p.cleanup();
  }
});

test('ls lists selections in DAG order as names, paths or JSON lines', async () => {
  const p = project(SHOP);
  try {
    assert.equal(await ls({ select: ['+revenue'] }, p.io), 0);
    assert.deepEqual(p.io.stdout, ['customers', 'bronze.orders_raw', 'orders', 'revenue']);

    p.io.stdout.length = 0;
    assert.equal(await ls({ select: ['orders+'], exclude: ['report'], output: 'path', resourceType: ['model'] }, p.io), 0);
    assert.deepEqual(p.io.stdout, ['models/silver/orders.sql', 'models/gold/revenue.sql']);

    p.io.stdout.length = 0;
    assert.equal(await ls({ select: ['revenue'], output: 'json' }, p.io), 0);
    const row = JSON.parse(p.io.stdout[0]) as Record<string, unknown>;
    assert.deepEqual(
      { id: row.id, resource_type: row.resource_type, layer: row.layer, materialized: row.materialized, depends_on: row.depends_on, relation: row.relation },
      { id: 'model.revenue', resource_type: 'model', layer: 'gold', materialized: 'view', depends_on: ['model.customers', 'model.orders'], relation: '"main"."revenue"' },
    );

    p.io.stdout.length = 0;
    assert.equal(await ls({ resourceType: ['test', 'source'] }, p.io), 0);
    assert.deepEqual(p.io.stdout, ['bronze.orders_raw', 'not_null_revenue_revenue']);
  } finally {
    p.cleanup();
  }
});

test('lineage prints upstream and downstream trees, marking repeats and depth cut-offs', async () => {
  const p = project(SHOP);
  try {
    assert.equal(await lineage('revenue', {}, p.io), 0);
    assert.deepEqual(p.io.stdout, [
      'revenue  model · gold · view',
      'upstream',
      '├── customers  model · silver · view',
      '└── orders  model · silver · incremental',
      '    └── bronze.orders_raw  source · json',
      'downstream',
      '└── report  model · gold · view',
    ]);
    p.io.stdout.length = 0;
    assert.equal(await lineage('bronze.orders_raw', { depth: 1, tests: true }, p.io), 0);
    assert.deepEqual(p.io.stdout, ['bronze.orders_raw  source · json', 'upstream', '(none)', 'downstream', '└── orders  model · silver · incremental  …']);
    await assert.rejects(lineage('revenu', {}, p.io), (err: unknown) => err instanceof UserError && /no model, seed or source named 'revenu'; did you mean 'revenue'\?/.test(err.message));
  } finally {
    p.cleanup();
  }
});

test('a broken project: diagnostics as file:line:col on stderr and exit code 1', async () => {
  const p = project(`
    //- /pipeline.yml
    name: broken
    //- /models/a.sql
    select 1 as id
    //- /models/b.sql
    -- reads a
    select * from {{ ref('aa') }}
  `);
  try {
    assert.equal(await compile({}, p.io), 1);
    // The position of the ref call or of its name, whichever the loader reports.
    const text = readFileSync(path.join(p.dir, 'models/b.sql'), 'utf8');
    const columns = [text.indexOf('ref('), text.indexOf("'aa'") + 1].map((o) => lineCol(text, o).col);
    const line = p.io.stderr.find((l) => l.startsWith('models/b.sql:2:'));
    assert.ok(line, p.io.stderr.join('\n'));
    const [, col, rest] = /^models\/b\.sql:2:(\d+): (.*)$/.exec(line)!;
    assert.ok(columns.includes(Number(col)), `column ${col} is one of ${columns.join(', ')}`);
    assert.match(rest, /^error: .*'aa'.*did you mean 'a'/);
    assert.match(p.io.stdout.join('\n'), /Compiled 2 models and 0 tests of broken .*\(1 failed\); 1 error$/);
    assert.ok(existsSync(path.join(p.dir, 'target/compiled/broken/models/a.sql')), 'the good model is still written');
    assert.ok(!existsSync(path.join(p.dir, 'target/compiled/broken/models/b.sql')), 'the broken one is not');
    assert.equal(await ls({}, p.io), 1, 'ls lists but reports the errors too');
  } finally {
    p.cleanup();
  }
});

test('compile --target on Trino without a cluster: DuckDB-only syntax as file:line:col errors, macros dispatched to trino__', async () => {
  // Port 1 on loopback: nothing answers, so only the static check runs.
  const p = project(`
    //- /pipeline.yml
    name: shop
    lake: { s3: { endpoint: 'http://127.0.0.1:1', bucket: lake, access_key_env: NO_KEY, secret_key_env: NO_SECRET } }
    sources:
      logs: { format: json, path: 'bronze/*.json' }
    targets:
      cluster: { engine: trino, port: 1 }
    //- /models/portable.sql
    select {{ dbt.dateadd('hour', 1, 'ts') }} as later from {{ source('bronze', 'logs') }}
    //- /models/duckish.sql
    select ts::date as d
    from {{ source('bronze', 'logs') }}
  `);
  try {
    assert.equal(await compile({ target: 'cluster' }, p.io), 1);
    assert.deepEqual(p.io.stderr, ["models/duckish.sql:1:10: error: Trino: `::` casts are DuckDB's; write cast(x as type)"]);
    assert.match(p.io.stdout.join('\n'), /Checked for Trino without the cluster \(http:\/\/127\.0\.0\.1:1 does not answer/);
    assert.match(readFileSync(path.join(p.dir, 'target/compiled/shop/models/portable.sql'), 'utf8'), /date_add\('hour', 1, ts\)/);
    p.io.stdout.length = 0;
    p.io.stderr.length = 0;
    // The DuckDB target checks nothing of Trino's.
    assert.equal(await compile({}, p.io), 0, p.io.stderr.join('\n'));
    assert.doesNotMatch(p.io.stdout.join('\n'), /Trino/);
  } finally {
    p.cleanup();
  }
});

test('a runaway template stops at the render budget of pipeline.yml: its position on stderr, exit 1, the other models compiled', async () => {
  const p = project(`
    //- /pipeline.yml
    name: runaway
    render: { timeout_seconds: 0.2 }
    //- /models/ok.sql
    select 1 as id
    //- /models/spin.sql
    select 1 as id
    {% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}
  `);
  try {
    assert.equal(await compile({}, p.io), 1);
    assert.ok(p.io.stderr.some((l) => /^models\/spin\.sql:2:\d+: error: the template exceeded its time budget \(200 ms\)$/.test(l)), p.io.stderr.join('\n'));
    assert.ok(existsSync(path.join(p.dir, 'target/compiled/runaway/models/ok.sql')));
  } finally {
    p.cleanup();
  }
});

test('a broken pipeline.yml: its position on stderr and exit code 1, for ls as for compile', async () => {
  const p = project(`
    //- /pipeline.yml
    name: shop
    colour: blue
    //- /models/a.sql
    select 1 as id
  `);
  try {
    assert.equal(await ls({}, p.io), 1);
    assert.deepEqual(p.io.stdout, ['a']);
    assert.match(p.io.stderr[0], /^pipeline\.yml:2:1: error: .*'colour'/);
    p.io.stderr.length = 0;
    assert.equal(await compile({}, p.io), 1);
    assert.match(p.io.stderr[0], /^pipeline\.yml:2:1: error: .*'colour'/);
  } finally {
    p.cleanup();
  }
});

test('a bad selector and a missing project are user errors', async () => {
  const p = project(SHOP);
  const empty = mkdtempSync(path.join(tmpdir(), 'medallion-empty-'));
  try {
    await assert.rejects(ls({ select: ['colour:red'] }, p.io), UserError);
    assert.match(p.io.stderr.join('\n'), /^error: Unknown selector method 'colour'/);
    await assert.rejects(ls({ project: empty }, capture(REPO)), /no pipeline\.yml or pipeline\.yaml or dbt_project\.yml in/);
  } finally {
    p.cleanup();
    rmSync(empty, { recursive: true, force: true });
  }
});

test('lineCol: 1-based lines and UTF-16 columns, clamped to the text', () => {
  const text = 'ab\ncd\n😀x\n';
  assert.deepEqual(lineCol(text, 0), { line: 1, col: 1 });
  assert.deepEqual(lineCol(text, 2), { line: 1, col: 3 });
  assert.deepEqual(lineCol(text, 3), { line: 2, col: 1 });
  assert.deepEqual(lineCol(text, 8), { line: 3, col: 3 }, 'the emoji is two UTF-16 code units');
  assert.deepEqual(lineCol(text, 999), { line: 4, col: 1 });
});

test('sample-workspace: ls +daily_active_users lists exactly its ancestors; every model compiles', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'medallion-ws-'));
  try {
    // A copy without the lake, so compiling does not write into the repository.
    cpSync(path.join(REPO, 'sample-workspace'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}lake`) && !src.includes(`${path.sep}target`) });
    const io = capture(REPO);
    assert.equal(await ls({ project: dir, select: ['+daily_active_users'] }, io), 0);
    assert.deepEqual(io.stdout, ['bronze.app_logs', 'events', 'sessions', 'daily_active_users']);
    io.stdout.length = 0;
    assert.equal(await compile({ project: dir }, io), 0, io.stderr.join('\n'));
    for (const model of ['silver/events', 'silver/sessions', 'gold/daily_active_users', 'gold/top_pages']) {
      const sql = readFileSync(path.join(dir, 'target/compiled/web_analytics/models', `${model}.sql`), 'utf8');
      assert.doesNotMatch(sql, /\{\{|\{%/, `${model} is fully rendered`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the medallion binary: exit 0 with output on stdout, exit 1 with error: on stderr', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO, 'runtime/cli/main.ts'), ...args], { cwd: REPO, encoding: 'utf8' });
  const ok = cli('ls', '--project', 'sample-workspace', '--select', '+top_pages', '--resource-type', 'model', 'seed');
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(ok.stdout.trim().split('\n'), ['pages', 'events', 'top_pages']);
  const missing = cli('lineage', 'nope', '--project', 'sample-workspace');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^error: no model, seed or source named 'nope'/m);
});

test('every command has --help', () => {
  const program = new Command('medallion');
  registerCommands(program);
  for (const name of ['compile', 'ls', 'lineage', 'sample']) {
    const command = program.commands.find((c) => c.name() === name);
    assert.ok(command, `${name} is registered`);
    assert.match(command.helpInformation(), new RegExp(`^Usage: medallion ${name}\\b.*\\n\\n\\w`));
  }
});
