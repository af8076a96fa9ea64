{# Money leaving an account is negative: withdrawals and fees. #}
{% macro signed_amount(kind, amount) -%}
    case when {{ kind }} in ('withdrawal', 'fee') then -{{ amount }} else {{ amount }} end
{%- endmacro %}
