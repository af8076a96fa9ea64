{% set relations = ['stg_readings', 'daily_readings', 'sensor_status'] %}

{% for name in relations %}
select '{{ name }}' as model_name, count(*) as row_count from {{ ref(name) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
