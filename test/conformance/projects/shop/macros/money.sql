{# Cents (an integer column) as an amount in the shop's currency, rounded to `scale` decimals. #}
{% macro cents_to_amount(column_name, scale=2) -%}
    round({{ column_name }} / 100.0, {{ scale }})::decimal(12, {{ scale }})
{%- endmacro %}
