{%- set shops = load_relation(ref('shops')) -%}
{%- set missing = adapter.get_relation(database=target.database, schema=target.schema, identifier='no_such_table') -%}
{%- set marts = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | selectattr('config.materialized', 'equalto', 'table') | map(attribute='name') | sort | list -%}
select
  s.shop,
  s.district,
  '{{ 'found' if shops is not none else 'missing' }}' as shops_table,
  '{{ 'found' if missing is not none else 'missing' }}' as other_table,
  '{% set sep = joiner(' ') %}{% for m in marts %}{{ sep() }}{{ m }}{% endfor %}' as table_models
from {{ ref('shops') }} s
