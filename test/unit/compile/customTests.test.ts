// The project's own generic tests ({% test %} blocks): registered as macros test_<name>, compiled by
// calling them as dbt does (model, column_name, YAML arguments), and unknown names reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileProject } from '../../../runtime/compile/compile.js';
import { buildGraph } from '../../../runtime/graph/dag.js';
import { describeAll, load } from '../project/check.js';

/** Compiles every test of the fixture: name → SQL (whitespace collapsed) and the diagnostics by text. */
async function compileTests(fixtureText: string) {
  const { f, project } = await load(fixtureText);
  const graph = buildGraph(project);
  const all = compileProject(project, graph);
  const sql = (name: string): string => all.get(`test.${name}`)!.sql.replace(/\s+/g, ' ').trim();
  const diagnostics = (name: string): string[] => describeAll(f, all.get(`test.${name}`)!.diagnostics);
  return { f, project, graph, sql, diagnostics };
}

const SHOP = `
//- /dbt_project.yml
name: shop
//- /macros/tests.sql
{% test is_positive(model, column_name) %}
select * from {{ model }} where {{ column_name }} <= 0
{% endtest %}

{% test at_least(model, column_name, min_value=0) %}
select * from {{ model }} where {{ column_name }} < {{ min_value }}
{% endtest %}
//- /tests/generic/row_count.sql
{%- test has_rows(model, at_least=1) -%}
select count(*) as n from {{ model }} having count(*) < {{ at_least }};
{%- endtest %}
//- /tests/generic/matches.sql
{% test same_ids(model, column_name, other) %}
select {{ column_name }} from {{ model }} except select id from {{ other }} -- {{ other.name }}
{% endtest %}
//- /models/customers.sql
select 1 as id
//- /models/stg_orders.sql
{{ config(materialized='ephemeral') }}
select 1 as id, 1 as customer_id, 10 as amount, 'placed' as status
//- /models/orders.sql
select * from {{ ref('stg_orders') }}
//- /models/schema.yml
version: 2
models:
  - name: orders
    data_tests:
      - has_rows
      - has_rows:
          arguments: { at_least: 3 }
    columns:
      - name: amount
        data_tests:
          - is_positive
          - at_least:
              min_value: 5
              config:
                where: "status <> 'placed'"
                severity: warn
      - name: customer_id
        data_tests:
          - same_ids: { other: "ref('customers')" }
  - name: stg_orders
    columns:
      - name: amount
        data_tests: [is_positive]
`;

test('{% test %} blocks are the project macros test_<name>, where go-to-definition leads', async () => {
  const { project } = await load(SHOP);
  assert.deepEqual(project.diagnostics, []);
  const macros = [...project.macros.values()].map((m) => [m.name, m.params, m.file]);
  assert.deepEqual(macros, [
    ['test_is_positive', ['model', 'column_name'], 'macros/tests.sql'],
    ['test_at_least', ['model', 'column_name', 'min_value'], 'macros/tests.sql'],
    ['test_same_ids', ['model', 'column_name', 'other'], 'tests/generic/matches.sql'],
    ['test_has_rows', ['model', 'at_least'], 'tests/generic/row_count.sql'],
  ]);
});

test('a column test gets model and column_name; a model test only model; YAML arguments override defaults (and name the test as dbt does)', async () => {
  const { sql, diagnostics } = await compileTests(SHOP);
  assert.equal(sql('is_positive_orders_amount'), 'select * from "main"."orders" where amount <= 0');
  assert.equal(sql('has_rows_orders_'), 'select count(*) as n from "main"."orders" having count(*) < 1');
  assert.equal(sql('has_rows_orders_3'), 'select count(*) as n from "main"."orders" having count(*) < 3');
  assert.deepEqual(diagnostics('has_rows_orders_'), []);
  assert.deepEqual(diagnostics('is_positive_orders_amount'), []);
});

test('`where` turns model into a filtered subquery; severity stays on the test node', async () => {
  const { project, sql } = await compileTests(SHOP);
  assert.equal(sql('at_least_orders_amount__5'), `select * from (select * from "main"."orders" where status <> 'placed') dbt_subquery where amount < 5`);
  assert.equal(project.tests.get('at_least_orders_amount__5')!.severity, 'warn');
});

test('an argument written ref(...) is evaluated to the relation, and the test depends on it', async () => {
  const { sql, graph } = await compileTests(SHOP);
  assert.equal(sql('same_ids_orders_customer_id__ref_customers_'), 'select customer_id from "main"."orders" except select id from "main"."customers" -- customers');
  assert.deepEqual([...graph.parents.get('test.same_ids_orders_customer_id__ref_customers_')!].sort(), ['model.customers', 'model.orders']);
});

test('a custom test on an ephemeral model reads it through its CTE', async () => {
  const { sql } = await compileTests(SHOP);
  assert.equal(
    sql('is_positive_stg_orders_amount'),
    `with __dbt__cte__stg_orders as ( select 1 as id, 1 as customer_id, 10 as amount, 'placed' as status ) select * from __dbt__cte__stg_orders where amount <= 0`,
  );
});

test('a {% test %} block named like a built-in replaces it, as in dbt', async () => {
  const { sql } = await compileTests(`
//- /dbt_project.yml
name: shop
//- /macros/unique.sql
{% test unique(model, column_name) %}
select {{ column_name }} from {{ model }} group by 1 having count(*) > 1
{% endtest %}
//- /models/orders.sql
select 1 as id
//- /models/schema.yml
models:
  - name: orders
    columns:
      - name: id
        data_tests: [unique, not_null]
`);
  assert.equal(sql('unique_orders_id'), 'select id from "main"."orders" group by 1 having count(*) > 1');
  assert.equal(sql('not_null_orders_id'), 'select * from "main"."orders" where id is null');
});

test('an unknown test name is an error on the YAML name, with "did you mean" when one is close', async () => {
  const { diagnostics, sql } = await compileTests(`
//- /dbt_project.yml
name: shop
//- /macros/tests.sql
{% test is_positive(model, column_name) %}
select * from {{ model }} where {{ column_name }} <= 0
{% endtest %}
//- /models/orders.sql
select 1 as id
//- /models/schema.yml
models:
  - name: orders
    data_tests:
      - dbt_utils.expression_is_true: { expression: "id > 0" }
    columns:
      - name: id
        data_tests: [is_postive, not_nul, mystery]
`);
  assert.deepEqual(diagnostics('is_postive_orders_id'), [`models/schema.yml: "is_postive": Unknown generic test 'is_postive'; did you mean 'is_positive'?`]);
  assert.deepEqual(diagnostics('not_nul_orders_id'), [`models/schema.yml: "not_nul": Unknown generic test 'not_nul'; did you mean 'not_null'?`]);
  assert.deepEqual(diagnostics('mystery_orders_id'), [
    `models/schema.yml: "mystery": Unknown generic test 'mystery': it is not built in and no {% test mystery(model, column_name) %} block defines it (macros/ or tests/generic/)`,
  ]);
  assert.deepEqual(diagnostics('dbt_utils_expression_is_true_orders_id_0'), [
    "models/schema.yml: \"dbt_utils.expression_is_true\": Unknown generic test 'dbt_utils.expression_is_true': the package 'dbt_utils' is not installed (nothing in dbt_packages/ is named 'dbt_utils'): run `dbt deps` to install the project's packages",
  ]);
  assert.equal(sql('mystery_orders_id'), '');
});

test('an error inside the test macro is a diagnostic on the YAML test naming the macro file', async () => {
  const { diagnostics } = await compileTests(`
//- /dbt_project.yml
name: shop
//- /macros/tests.sql
{% test broken(model, column_name) %}
select * from {{ ref('nowhere') }}
{% endtest %}
//- /models/orders.sql
select 1 as id
//- /models/schema.yml
models:
  - name: orders
    columns:
      - name: id
        data_tests: [broken]
`);
  assert.deepEqual(diagnostics('broken_orders_id'), [
    `models/schema.yml: "broken": Generic test 'broken' (macros/tests.sql): ref('nowhere'): no model or seed named 'nowhere' (at macros/tests.sql:2:18)`,
  ]);
});
