{# A custom generic test kept among the macros, as many projects do. #}
{% test not_in_future(model, column_name, as_of="'2025-01-01'") %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} > {{ as_of }}::timestamp
{% endtest %}
