{%- set first_day, last_day = quill_utils.period_bounds(' 2024-05-10 .. 2024-06-09 ') -%}
{%- set renames = quill_utils.standard_renames('visit') -%}
{%- set title = 'visits in ' ~ first_day[:7] -%}

select
    {% for old, new in renames.items() -%}
    {{ old }} as {{ new }},
    {% endfor -%}
    '{{ title.title() }}' as report_title,
    '{{ "North,South".split(",") | map("lower") | join("+") }}' as sites_label,
    {{ "true" if first_day.startswith("2024") else "false" }} as is_current_year,
    s.region
from {{ ref('visits') }} as v
join {{ ref('sites') }} as s using (site)
where v.visited_on between '{{ first_day }}' and '{{ last_day.replace("-09", "-08") }}'
