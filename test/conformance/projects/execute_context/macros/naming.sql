{# Custom schemas as written in production-style projects: the custom name alone, the target's otherwise. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}
  {%- else -%}{{ target.schema }}__{{ custom_schema_name | trim | lower }}{%- endif -%}
{%- endmacro %}
