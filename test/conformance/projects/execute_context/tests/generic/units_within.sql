{% test units_within(model, limit_units) %}
select * from {{ model }} where units > {{ limit_units }}
{% endtest %}
