select
    sensor_id,
    read_on,
    count(*) as readings,
    min(value) as min_value,
    max(value) as max_value,
    round(avg(value), 2) as avg_value,
    count(*) filter (where value > {{ var('alert_threshold') }}) as alerts
from {{ ref('stg_readings') }}
{% if is_incremental() %}
where read_on >= (select max(read_on) from {{ this }})
{% endif %}
group by sensor_id, read_on
