{# The project's own label_case, found first through dispatch's search_order: Title Case. #}
{% macro duckdb__label_case(column) -%}
    upper(left({{ column }}, 1)) || lower(substr({{ column }}, 2))
{%- endmacro %}
