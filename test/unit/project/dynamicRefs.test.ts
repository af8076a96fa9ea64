// Refs with a computed name: the model is rendered at load time (as dbt's parse does) and the names
// ref() received become graph edges, so it runs after the models it reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { describeAll, load } from './check.js';

test('ref(name) in a loop over a var and a macro result gives the model its upstream edges', async () => {
  const { f, project } = await load(`
//- /dbt_project.yml
name: shop
vars:
  counted: [orders, customers]
//- /macros/tables.sql
{% macro extra_tables() %}{{ return(['payments']) }}{% endmacro %}
//- /models/orders.sql
select 1 as id
//- /models/customers.sql
select 1 as id
//- /models/payments.sql
select 1 as id
//- /models/row_counts.sql
{% for name in var('counted') + extra_tables() %}
select '{{ name }}' as model, count(*) as n from {{ ref(name) }}{{ ' union all' if not loop.last }}
{% endfor %}
`);
  assert.deepEqual(describeAll(f, project.diagnostics), []);
  const graph = buildGraph(project);
  assert.deepEqual([...graph.parents.get('model.row_counts')!].sort(), ['model.customers', 'model.orders', 'model.payments']);
  const order = graph.order;
  for (const parent of ['model.orders', 'model.customers', 'model.payments']) assert.ok(order.indexOf(parent) < order.indexOf('model.row_counts'));
});

test('a computed ref naming nothing is left to the compile to report; static refs stay', async () => {
  const { project } = await load(`
//- /dbt_project.yml
name: shop
//- /models/a.sql
select 1 as id
//- /models/b.sql
{% set n = 'nope' %}select * from {{ ref('a') }}, {{ ref(n) }}
`);
  const graph = buildGraph(project);
  assert.deepEqual([...graph.parents.get('model.b')!], ['model.a']);
  assert.deepEqual(project.models.get('b')!.renderedRefs, ['a', 'nope']);
});
