// Relation names as dbt makes them: the default generate_schema_name/generate_alias_name, and a
// project's override of either, run with the custom value and the node (not just detected).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeAll, load } from './check.js';

const MODELS = `
//- /models/marts/orders.sql
{{ config(schema='marts') }}select 1 as id
//- /models/staging/stg_orders.sql
{{ config(alias='orders_v2') }}select 1 as id
//- /seeds/rates.csv
code,rate
eur,1
`;

test("dbt's defaults: <target schema>_<custom>, the alias else the name", async () => {
  const { f, project } = await load(`//- /dbt_project.yml\nname: shop\n${MODELS}`);
  assert.deepEqual(describeAll(f, project.diagnostics), []);
  assert.equal(project.models.get('orders')!.relation, '"main_marts"."orders"');
  assert.equal(project.models.get('stg_orders')!.relation, '"main"."orders_v2"');
  assert.equal(project.seeds.get('rates')!.relation, '"main"."rates"');
});

test("a project's generate_schema_name and generate_alias_name are run with the custom value and the node", async () => {
  const { f, project } = await load(`
//- /dbt_project.yml
name: shop
//- /macros/naming.sql
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ node.fqn[1] if node.fqn | length > 2 else target.schema }}
  {%- else -%}{{ custom_schema_name | trim }}_{{ node.resource_type }}{%- endif -%}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name -%}{{ custom_alias_name }}{%- else -%}{{ node.name | upper }}{%- endif -%}
{%- endmacro %}
${MODELS}`);
  assert.deepEqual(describeAll(f, project.diagnostics), []);
  assert.equal(project.models.get('orders')!.relation, '"marts_model"."ORDERS"');
  assert.equal(project.models.get('stg_orders')!.relation, '"staging"."orders_v2"');
  assert.equal(project.seeds.get('rates')!.relation, '"main"."RATES"');
});

test("an override calling dbt's own default or generate_schema_name_for_env, and one that fails", async () => {
  const { project } = await load(`
//- /dbt_project.yml
name: shop
//- /macros/naming.sql
{% macro generate_schema_name(custom_schema_name, node) -%}
  {{ generate_schema_name_for_env(custom_schema_name, node) if custom_schema_name == 'marts' else default__generate_schema_name(custom_schema_name, node) }}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name, node) -%}{{ node.nope.deeper }}{%- endmacro %}
${MODELS}`);
  assert.equal(project.models.get('orders')!.relation, '"main"."orders"', 'for_env outside prod: the target schema');
  assert.deepEqual(project.diagnostics.map((d) => [d.file, d.message]), [['macros/naming.sql', "generate_alias_name(): 'nope' is undefined (at macros/naming.sql:4:61)"]]);
});
