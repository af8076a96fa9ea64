// Issue 10, items 3 and 9: a build with nodes Medallion does not run yet (a Python model, a custom
// materialization, a package's model) skips them with their reason and their downstream as "upstream
// X was skipped", succeeds, and writes run_results.json and manifest.json that dbt's published
// schemas (test/fixtures/dbt-schemas, from dbt-core 1.10) accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { runCommand } from '../../../runtime/cli/commands/run.js';
import type { Io } from '../../../runtime/cli/context.js';
import { tempProject } from './project.js';

const SCHEMAS = path.resolve('test/fixtures/dbt-schemas');

function validator(file: string): (data: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')));
  return (data) => (validate(data) ? [] : (validate.errors ?? []).slice(0, 10).map((e: ErrorObject) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
}

const PROJECT = `
//- /dbt_project.yml
name: shop
profile: shop
models:
  shop:
    +materialized: table
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: warehouse.duckdb, threads: 2 }
//- /dbt_packages/audit/dbt_project.yml
name: audit
//- /dbt_packages/audit/models/audit_log.sql
select 1 as id
//- /macros/mats.sql
{% macro cents(x) %}({{ x }} * 100)::BIGINT{% endmacro %}
{% materialization cube, adapter='duckdb' %}{{ return({'relations': []}) }}{% endmaterialization %}
//- /seeds/prices.csv
id,amount
1,2.5
2,4
//- /models/orders.sql
select id, {{ cents('amount') }} as cents from {{ ref('prices') }}
//- /models/eph.sql
{{ config(materialized='ephemeral') }}
select * from {{ ref('orders') }}
//- /models/totals.sql
{{ config(materialized='view') }}
select sum(cents) as total from {{ ref('eph') }}
//- /models/scored.py
def model(dbt, session):
    return dbt.ref("orders").df()
//- /models/cubed.sql
{{ config(materialized='cube') }}
select * from {{ ref('orders') }}
//- /models/after_cube.sql
select * from {{ ref('cubed') }}
//- /models/audited.sql
select * from {{ ref('audit_log') }}
//- /models/schema.yml
version: 2
models:
  - name: orders
    description: One row per order
    columns:
      - name: id
        data_type: integer
        data_tests: [unique, not_null]
  - name: after_cube
    columns:
      - name: id
        data_tests: [not_null]
//- /tests/no_negative.sql
select * from {{ ref('orders') }} where cents < 0
`;

test('build: skipped nodes with reasons, exit 0, and dbt-schema run_results.json and manifest.json', async (t) => {
  const p = tempProject(PROJECT);
  t.after(() => p.dispose());
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Io = { cwd: p.root, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
  // No Python for the Python model here (pythonModels.test.ts runs them).
  const saved = process.env.MEDALLION_PYTHON;
  process.env.MEDALLION_PYTHON = '/nonexistent/python3';
  t.after(() => (saved === undefined ? delete process.env.MEDALLION_PYTHON : (process.env.MEDALLION_PYTHON = saved)));
  const code = await runCommand('build', { project: p.root }, io);
  assert.equal(code, 0, [...stdout, ...stderr].join('\n'));
  // The load warns once per node it will skip (a Python model's fate is the run's).
  assert.equal(stderr.filter((l) => /will be skipped/.test(l)).length, 2, stderr.join('\n'));
  assert.match(stdout.join('\n'), /SKIP +model scored · no Python 3 with the duckdb package to run Python models/);
  assert.match(stdout.join('\n'), /SKIP +model after_cube · skipped: upstream model\.cubed was skipped/);

  const results = JSON.parse(readFileSync(path.join(p.root, 'target/run_results.json'), 'utf8'));
  assert.deepEqual(validator('run-results-v6.json')(results), []);
  const status = Object.fromEntries(results.results.map((r: { unique_id: string; status: string; message: string | null }) => [r.unique_id, `${r.status}${r.status === 'skipped' ? `: ${r.message}` : ''}`]));
  assert.deepEqual(status, {
    'seed.shop.prices': 'success',
    'model.shop.orders': 'success',
    'model.shop.totals': 'success',
    'model.shop.scored': 'skipped: no Python 3 with the duckdb package to run Python models (/nonexistent/python3 from MEDALLION_PYTHON: not found); set MEDALLION_PYTHON, pipeline.yml python: or the setting medallion.python',
    'model.shop.cubed': "skipped: materialization 'cube' is not supported yet",
    'model.shop.after_cube': 'skipped: skipped: upstream model.cubed was skipped',
    'model.audit.audit_log': "skipped: Medallion does not build the models of installed packages (package 'audit')",
    'model.shop.audited': 'skipped: skipped: upstream model.audit_log was skipped',
    'test.shop.unique_orders_id': 'pass',
    'test.shop.not_null_orders_id': 'pass',
    'test.shop.not_null_after_cube_id': 'skipped: skipped: upstream model.after_cube was skipped',
    'test.shop.no_negative': 'pass',
  });
  const orders = results.results.find((r: { unique_id: string }) => r.unique_id === 'model.shop.orders');
  assert.equal(orders.relation_name, '"warehouse"."main"."orders"');
  assert.match(orders.compiled_code, /\(amount \* 100\)::BIGINT as cents from "main"\."prices"/i);
  assert.equal(results.results.find((r: { unique_id: string }) => r.unique_id === 'test.shop.unique_orders_id').failures, 0);
  assert.equal(results.args.which, 'build');

  const manifest = JSON.parse(readFileSync(path.join(p.root, 'target/manifest.json'), 'utf8'));
  assert.deepEqual(validator('manifest-v12.json')(manifest), []);
  const node = manifest.nodes['model.shop.orders'];
  assert.deepEqual(
    { path: node.path, original_file_path: node.original_file_path, fqn: node.fqn, relation_name: node.relation_name, materialized: node.config.materialized, refs: node.refs, macros: node.depends_on.macros, nodes: node.depends_on.nodes, columns: Object.keys(node.columns), description: node.description, checksum: node.checksum.name },
    { path: 'orders.sql', original_file_path: 'models/orders.sql', fqn: ['shop', 'orders'], relation_name: '"warehouse"."main"."orders"', materialized: 'table', refs: [{ name: 'prices', package: null, version: null }], macros: ['macro.shop.cents'], nodes: ['seed.shop.prices'], columns: ['id'], description: 'One row per order', checksum: 'sha256' },
  );
  assert.match(node.compiled_code, /from "main"\."prices"/);
  assert.equal(manifest.nodes['model.shop.scored'].language, 'python');
  assert.equal(manifest.nodes['model.shop.cubed'].config.materialized, 'cube');
  assert.equal(manifest.nodes['model.audit.audit_log'].package_name, 'audit');
  assert.equal(manifest.nodes['model.shop.eph'].relation_name, null);
  assert.equal(manifest.nodes['test.shop.unique_orders_id'].attached_node, 'model.shop.orders');
  assert.deepEqual(manifest.child_map['model.shop.orders'].sort(), ['model.shop.cubed', 'model.shop.eph', 'model.shop.scored', 'test.shop.no_negative', 'test.shop.not_null_orders_id', 'test.shop.unique_orders_id']);
  assert.ok(manifest.macros['macro.shop.cents'].macro_sql.startsWith('{% macro cents(x) %}'));
});

test('--exclude removes a node before anything about it can fail', async (t) => {
  const p = tempProject(`
//- /dbt_project.yml
name: shop
profile: shop
//- /profiles.yml
shop:
  target: dev
  outputs:
    dev: { type: duckdb, path: warehouse.duckdb }
//- /models/good.sql
select 1 as id
//- /models/broken.sql
select * from {{ ref('nowhere') }}
`);
  t.after(() => p.dispose());
  const io = (): Io & { lines: string[] } => {
    const lines: string[] = [];
    return { lines, cwd: p.root, out: (l) => lines.push(l), err: (l) => lines.push(l) };
  };
  const refused = io();
  await assert.rejects(runCommand('run', { project: p.root }, refused), /1 error in the project/);
  const excluded = io();
  assert.equal(await runCommand('run', { project: p.root, exclude: ['broken'] }, excluded), 0, excluded.lines.join('\n'));
  assert.match(excluded.lines.join('\n'), /OK +model good/);
});
