{# Every column of a relation but some, quoted and comma-separated (what star-like package macros do). #}
{% macro columns_except(relation, excluded=[]) -%}
  {%- set names = [] -%}
  {%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- if column.name | lower not in excluded | map('lower') | list -%}{%- do names.append(column.quoted) -%}{%- endif -%}
  {%- endfor -%}
  {{ names | join(', ') if names else '*' }}
{%- endmacro %}

{# The distinct values of a column, sorted, through run_query (as get_column_values does). #}
{% macro distinct_values(relation, column) -%}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set result = run_query('select distinct ' ~ column ~ ' from ' ~ relation ~ ' order by 1') -%}
  {{ return(result.columns[0].values() | list) }}
{%- endmacro %}
