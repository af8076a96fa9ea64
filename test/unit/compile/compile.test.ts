// compileNode/compileProject: rendered SQL, ephemeral CTEs, incremental, generic tests, offset maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileNode, compileProject } from '../../../runtime/compile/compile.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { mapRange } from '../../../runtime/template/offsetMap.js';
import { describeAll, load } from '../project/check.js';

async function compile(fixtureText: string, id: string, isIncremental = false) {
  const { f, project } = await load(fixtureText);
  const graph = buildGraph(project);
  return { f, project, graph, node: compileNode(project, graph, id, { isIncremental }) };
}

const EPHEMERAL = `
//- /pipeline.yml
name: shop
vars: { mat: table, bad: tabel }
sources:
  app_logs: { format: json, path: 'bronze/*.json' }
//- /models/silver/base.sql
{{ config(materialized='ephemeral') }}
select * from {{ source('bronze', 'app_logs') }};
//- /models/silver/clean.sql
{{ config(materialized='ephemeral') }}
select * from {{ ref('base') }} where id is not null
//- /models/silver/events.sql
{{ config(materialized='incremental', unique_key='id') }}
select * from {{ ref('clean') }}
{% if is_incremental() %}where ts > (select max(ts) from {{ this }}){% endif %}
//- /models/gold/with_query.sql
-- already has a WITH
with x as (select 1 as id)
select * from x join {{ ref('base') }} using (id)
`;

test('ephemeral refs become CTEs, deepest first, and the CTE names replace the refs', async () => {
  const { node } = await compile(EPHEMERAL, 'model.events');
  assert.deepEqual(node.diagnostics, []);
  assert.equal(node.sql, `
with __dbt__cte__base as (

select * from "bronze"."app_logs"
),
__dbt__cte__clean as (

select * from __dbt__cte__base where id is not null
)
select * from __dbt__cte__clean
`);
  assert.equal(node.config!.materialized, 'incremental');
});

test('a model with its own WITH gets the CTEs merged into it', async () => {
  const { node } = await compile(EPHEMERAL, 'model.with_query');
  assert.equal(node.sql, `-- already has a WITH
with __dbt__cte__base as (

select * from "bronze"."app_logs"
),
x as (select 1 as id)
select * from x join __dbt__cte__base using (id)`);
});

test('is_incremental() follows the option and this is the model relation', async () => {
  const { node } = await compile(EPHEMERAL, 'model.events', true);
  assert.match(node.sql, /\nwhere ts > \(select max\(ts\) from "main"\."events"\)$/);
});

test('the offset map survives CTE injection', async () => {
  const { f, node } = await compile(EPHEMERAL, 'model.with_query');
  const template = f.files['models/gold/with_query.sql'];
  const back = (needle: string): string => {
    const at = node.sql.indexOf(needle);
    const r = mapRange(node.map, { start: at, end: at + needle.length });
    return template.slice(r.start, r.end);
  };
  assert.equal(back('join'), 'join');
  assert.equal(back('x as (select 1 as id)'), 'x as (select 1 as id)');
  assert.equal(back('__dbt__cte__base as'), "ref('base')");
  assert.equal(back('using (id)'), 'using (id)');
});

test('config() values known only after rendering are merged and checked', async () => {
  const { f, project, graph } = await load(`${EPHEMERAL}
//- /models/gold/dyn.sql
{{ config(materialized=var('mat')) }}
select 1
//- /models/gold/dyn_bad.sql
{{ config(materialized=var('bad')) }}
select 1
`).then((r) => ({ ...r, graph: buildGraph(r.project) }));
  assert.equal(compileNode(project, graph, 'model.dyn').config!.materialized, 'table');
  const bad = compileNode(project, graph, 'model.dyn_bad');
  // A materialization known only once rendered is not an error: the run skips the model (runner.ts).
  assert.deepEqual(describeAll(f, bad.diagnostics), []);
  assert.equal(bad.config!.customMaterialization, 'tabel');
});

test('generic tests compile to failing-rows queries; singular tests render', async () => {
  const { project, graph } = await load(`
//- /pipeline.yml
name: shop
//- /models/users.sql
select 1 as id
//- /models/orders.sql
select 1 as id, 1 as user_id, 'placed' as status
//- /models/schema.yml
models:
  - name: orders
    columns:
      - name: id
        tests: [unique, not_null]
      - name: status
        tests: [{ accepted_values: { values: ['placed', "it's"], config: { where: "id > 0" } } }]
      - name: user_id
        tests: [{ relationships: { to: "ref('users')", field: id } }]
//- /tests/no_orders.sql
select * from {{ ref('orders') }} where id < 0
`).then((r) => ({ ...r, graph: buildGraph(r.project) }));
  const all = compileProject(project, graph);
  const sql = (name: string): string => all.get(`test.${name}`)!.sql;
  assert.equal(sql('unique_orders_id'), 'select id as unique_field, count(*) as n_records\nfrom "main"."orders"\nwhere id is not null\ngroup by id\nhaving count(*) > 1');
  assert.equal(sql('not_null_orders_id'), 'select *\nfrom "main"."orders"\nwhere id is null');
  assert.equal(sql('accepted_values_orders_status__placed__it_s'), `with all_values as (\n  select status as value_field, count(*) as n_records\n  from (select * from "main"."orders" where id > 0) dbt_subquery\n  group by status\n)\nselect *\nfrom all_values\nwhere value_field not in ('placed', 'it''s')`);
  assert.equal(sql('relationships_orders_user_id__id__ref_users_'), 'with child as (\n  select user_id as from_field\n  from "main"."orders"\n  where user_id is not null\n),\nparent as (\n  select id as to_field\n  from "main"."users"\n)\nselect from_field\nfrom child\nleft join parent on child.from_field = parent.to_field\nwhere parent.to_field is null');
  assert.equal(sql('no_orders'), 'select * from "main"."orders" where id < 0');
  assert.deepEqual([...all.keys()].filter((id) => id.startsWith('model.')), ['model.orders', 'model.users']);
  assert.ok([...all.values()].every((n) => n.diagnostics.length === 0));
});

test('Jinja errors and undefined macros come back as diagnostics of the compiled node', async () => {
  const { f, project, graph } = await load(`
//- /pipeline.yml
name: shop
//- /models/a.sql
select {{ 1 + }} as x
//- /models/b.sql
select {{ nope() }} as x
`).then((r) => ({ ...r, graph: buildGraph(r.project) }));
  assert.deepEqual(describeAll(f, compileNode(project, graph, 'model.a').diagnostics), [`models/a.sql: "{{ 1 + }}": Jinja: unexpected 'end of print statement'`]);
  assert.deepEqual(describeAll(f, compileNode(project, graph, 'model.b').diagnostics), [`models/b.sql: "nope()": Undefined macro 'nope'`]);
  assert.equal(compileNode(project, graph, 'model.zzz').diagnostics[0].code, 'unknown-node');
});
