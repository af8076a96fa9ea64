{% test at_least_zero(model, column_name) %}
select {{ column_name }} as value
from {{ model }}
where {{ column_name }} < 0
{% endtest %}
