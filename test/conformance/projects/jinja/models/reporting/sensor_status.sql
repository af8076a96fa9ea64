{{ config(materialized='table', alias='sensor_health', tags=['daily']) }}

select
    s.sensor_id,
    s.label,
    s.kind,
    coalesce(sum(d.readings), 0) as readings,
    coalesce(sum(d.alerts), 0) as alerts,
    '{{ target.name }}' as target_name,
    '{{ target.schema }}' as target_schema,
    '{{ this.schema }}' as built_in_schema,
    '{{ this.identifier }}' as built_as
from {{ ref('sensors') }} as s
left join {{ ref('daily_readings') }} as d using (sensor_id)
group by all
