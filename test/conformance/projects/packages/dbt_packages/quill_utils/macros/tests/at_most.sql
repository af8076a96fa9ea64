{% test at_most(model, column_name, value, inclusive=true) %}
{%- set op = '>' if inclusive else '>=' -%}
select {{ column_name }}
from {{ model }}
where {{ column_name }} {{ op }} {{ value }}
{% endtest %}

{% test row_count_between(model, min_rows=0, max_rows=none) %}
with counted as (select count(*) as n from {{ model }})
select n from counted
where n < {{ min_rows }}
{%- if max_rows is not none %} or n > {{ max_rows }}{% endif %}
{% endtest %}

{% test no_blank_text(model, column_name) %}
select {{ column_name }}
from {{ model }}
where trim({{ column_name }}) = ''
{% endtest %}
