// Jinja in configuration values, rendered as dbt renders it before reading: natively (one `{{ }}`
// gives its value), with var() (dbt_project.yml: --vars only), env_var() and target; a value that
// does not render or renders to something invalid is an error at its YAML position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATERIALIZATIONS } from '../../../runtime/project/config.js';
import { loadProject } from '../../../runtime/project/load.js';
import { fixture } from '../../support/fixture.js';
import { describeAll, load } from './check.js';

const PROJECT = `
//- /dbt_project.yml
name: shop
vars:
  mart_materialization: table
models:
  shop:
    +tags: "{{ ['nightly', target.name] }}"
    marts:
      +schema: "{{ target.name }}_marts"
    scratch:
      +enabled: "{{ var('build_scratch', false) }}"
//- /models/marts/rates.sql
select 1 as id
//- /models/marts/schema.yml
version: 2
models:
  - name: rates
    config:
      materialized: "{{ var('mart_materialization') }}"
      alias: "rates_{{ target.name }}"
//- /models/scratch/half_done.sql
select 1 as id
`;

test('folder and schema YAML configs render with var, target and native values', async () => {
  const { f, project } = await load(PROJECT);
  assert.deepEqual(describeAll(f, project.diagnostics), []);
  const rates = project.models.get('rates')!;
  assert.equal(rates.config.materialized, 'table', 'schema YAML sees the project vars');
  assert.deepEqual(rates.config.tags, ['nightly', 'dev'], 'one {{ }} gives its value: a list');
  assert.equal(rates.config.schema, 'main_dev_marts', "the default generate_schema_name: target schema + '_' + custom");
  assert.equal(rates.relation, '"main_dev_marts"."rates_dev"');
  assert.equal(project.models.get('half_done')?.config.enabled ?? false, false, 'var default false disables the folder');
});

test('dbt_project.yml sees --vars, not its own vars', async () => {
  const f = fixture(PROJECT);
  const project = await loadProject(f.fs, f.root, { overrides: { vars: { build_scratch: true } } });
  assert.equal(project.models.get('half_done')?.config.enabled, true);
  const own = await load(PROJECT.replace('mart_materialization: table', 'mart_materialization: table\n  build_scratch: true'));
  assert.equal(own.project.models.get('half_done')?.config.enabled ?? false, false);
});

test('a config that does not render, or renders to a bad value, is an error at its position', async () => {
  const { f, project } = await load(`
//- /dbt_project.yml
name: shop
models:
  shop:
    +enabled: "{{ var('nope') }}"
    +materialized: "{{ 'tabel' }}"
//- /models/a.sql
select 1 as id
`);
  assert.deepEqual(describeAll(f, project.diagnostics), [
    `dbt_project.yml: "\\"{{ var('nope') }}\\"": Jinja in 'enabled': Required var 'nope' not found in vars and has no default`,
    // A materialization no macro defines is a skipped node with a "did you mean" (skipped.ts), not an error.
    `models/a.sql: "": Unknown materialization 'tabel': neither built in (${MATERIALIZATIONS.join(', ')}) nor defined by a {% materialization %} block; did you mean 'table'?`,
    `models/a.sql: "": Model 'a' will be skipped: materialization 'tabel' is not supported yet`,
  ]);
});

test('a float var written as one prints as Python prints it (1.0, not 1)', async () => {
  const { project } = await load(`
//- /dbt_project.yml
name: shop
vars:
  rate: 1.0
  big: 2e3
  count: 3
  scoped:
    inner: 4.0
//- /models/a.sql
select {{ var('rate') }} as rate, {{ var('big') }} as big, {{ var('count') }} as n, {{ var('rate') * 2 }} as doubled, {{ var('scoped')['inner'] }} as inner
`);
  const { compileNode } = await import('../../../runtime/compile/compile.js');
  const { buildGraph } = await import('../../../runtime/graph/dag.js');
  assert.equal(compileNode(project, buildGraph(project), 'model.a').sql, 'select 1.0 as rate, 2000.0 as big, 3 as n, 2.0 as doubled, 4.0 as inner');
  assert.equal(JSON.stringify(project.config.vars), '{"rate":1,"big":2000,"count":3,"scoped":{"inner":4}}');
});
