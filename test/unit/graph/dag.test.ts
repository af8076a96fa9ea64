// buildGraph: nodes and edges for sources, seeds, models and tests; deterministic order; cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { describeAll, load } from '../project/check.js';

const PROJECT = `
//- /pipeline.yml
name: shop
sources:
  app_logs: { format: json, path: 'bronze/*.json' }
//- /seeds/countries.csv
code,name
//- /models/silver/events.sql
select * from {{ source('bronze', 'app_logs') }}
//- /models/silver/users.sql
select * from {{ ref('events') }} join {{ ref('countries') }} using (code)
//- /models/gold/dau.sql
select * from {{ ref('events') }} join {{ ref('users') }} using (user_id)
//- /models/gold/schema.yml
models:
  - name: dau
    columns:
      - name: user_id
        tests: [not_null, { relationships: { to: "ref('users')", field: id } }]
//- /tests/dau_positive.sql
select * from {{ ref('dau') }} where n < 0
`;

test('nodes, parents and children for every kind, and a deterministic topological order', async () => {
  const { project } = await load(PROJECT);
  const g = buildGraph(project);
  assert.deepEqual(g.diagnostics, []);
  assert.deepEqual(g.cycles, []);
  const parents = (id: string): string[] => [...g.parents.get(id)!].sort();
  assert.deepEqual(parents('model.events'), ['source.bronze.app_logs']);
  assert.deepEqual(parents('model.users'), ['model.events', 'seed.countries']);
  assert.deepEqual(parents('model.dau'), ['model.events', 'model.users']);
  assert.deepEqual(parents('test.not_null_dau_user_id'), ['model.dau']);
  assert.deepEqual(parents('test.relationships_dau_user_id__id__ref_users_'), ['model.dau', 'model.users']);
  assert.deepEqual(parents('test.dau_positive'), ['model.dau']);
  assert.deepEqual([...g.children.get('model.events')!].sort(), ['model.dau', 'model.users']);
  assert.deepEqual(g.order, [
    'seed.countries',
    'source.bronze.app_logs',
    'model.events',
    'model.users',
    'model.dau',
    'test.dau_positive',
    'test.not_null_dau_user_id',
    'test.relationships_dau_user_id__id__ref_users_',
  ]);
  assert.deepEqual(buildGraph(project).order, g.order);
});

test('a cycle is reported with its full path on each ref taking part', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/a.sql
select * from {{ ref('c') }}
//- /models/b.sql
select * from {{ ref('a') }}
//- /models/c.sql
select * from {{ ref('b') }} join {{ ref('d') }} using (id)
//- /models/d.sql
select 1 as id
`);
  const g = buildGraph(project);
  assert.deepEqual(g.cycles, [['model.c', 'model.a', 'model.b', 'model.c']]);
  assert.deepEqual(describeAll(f, g.diagnostics).sort(), [
    `models/a.sql: "ref('c')": Cycle: c → a → b → c`,
    `models/b.sql: "ref('a')": Cycle: a → b → c → a`,
    `models/c.sql: "ref('b')": Cycle: b → c → a → b`,
  ]);
  assert.ok(g.diagnostics.every((d) => d.code === 'cycle' && d.severity === 'error'));
  // Every node is still ordered; the cycle's members come after the rest.
  assert.deepEqual(g.order, ['model.d', 'model.a', 'model.b', 'model.c']);
});

test('a model referring to itself is a cycle of one', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/a.sql
select * from {{ ref('a') }}
`);
  const g = buildGraph(project);
  assert.deepEqual(g.cycles, [['model.a', 'model.a']]);
  assert.deepEqual(describeAll(f, g.diagnostics), [`models/a.sql: "ref('a')": Cycle: a → a`]);
});

test('two cycles through one model are both reported', async () => {
  const { project } = await load(`
//- /pipeline.yml
name: shop
//- /models/hub.sql
select * from {{ ref('x') }} join {{ ref('y') }} using (id)
//- /models/x.sql
select * from {{ ref('hub') }}
//- /models/y.sql
select * from {{ ref('hub') }}
`);
  const g = buildGraph(project);
  assert.deepEqual(g.cycles.map((c) => c.join(' ')).sort(), ['model.x model.hub model.x', 'model.y model.hub model.y']);
  assert.equal(g.diagnostics.length, 4);
});

test('disabled models and their tests are left out; a ref to one is an error', async () => {
  const { f, project } = await load(`
//- /pipeline.yml
name: shop
//- /models/old.sql
{{ config(enabled=false) }}
select * from {{ ref('also_old') }}
//- /models/also_old.sql
{{ config(enabled=false) }}
select 1 as id
//- /models/new.sql
select * from {{ ref('old') }}
//- /models/schema.yml
models:
  - name: old
    columns: [{ name: id, tests: [unique] }]
`);
  assert.deepEqual(describeAll(f, project.diagnostics), [`models/new.sql: "old": Model 'old' is disabled (enabled: false)`]);
  assert.deepEqual(buildGraph(project).order, ['model.new']);
});
