{# Division that gives NULL instead of failing on a zero denominator. #}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'quill_utils')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__safe_divide(numerator, denominator) -%}
    case when {{ denominator }} = 0 then null else {{ numerator }} / {{ denominator }} end
{%- endmacro %}

{% macro duckdb__safe_divide(numerator, denominator) -%}
    ({{ numerator }} / nullif({{ denominator }}, 0))
{%- endmacro %}
