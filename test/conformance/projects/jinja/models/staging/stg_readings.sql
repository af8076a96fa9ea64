{%- set floor_value = var('min_reading', -50) -%}

select
    r.reading_id,
    r.sensor_id,
    s.kind as sensor_kind,
    r.read_at,
    cast(r.read_at as date) as read_on,
    greatest(r.value, {{ floor_value }}) as value,
    {{ unit_label() }} as unit,
    '{{ env_var("CONFORMANCE_SITE") }}' as site,
    '{{ env_var("CONFORMANCE_REGION", "eu-west") }}' as region
from {{ ref('readings') }} as r
join {{ ref('sensors') }} as s using (sensor_id)
where s.kind in ({% for kind in var('tracked_kinds') %}'{{ kind }}'{% if not loop.last %}, {% endif %}{% endfor %})
