{# The unit readings are reported in, from the project's vars. #}
{% macro unit_label() -%}
    '{{ var("default_unit") | upper }}'
{%- endmacro %}
