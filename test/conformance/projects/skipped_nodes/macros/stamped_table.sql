{# A custom materialization: a table built from the model's query, as a project might define one. #}
{% materialization stamped_table, default %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {% call statement('main') -%}
    create or replace table {{ target_relation }} as ({{ sql }})
  {%- endcall %}
  {% do adapter.commit() %}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
