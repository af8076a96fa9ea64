{%- set channels = quill_utils.known_values('channel') -%}

select
    site,
    {{ quill_utils.pivot_sum('channel', channels, 'pages', prefix='pages_', ) }},
    sum(pages) as pages_total
from {{ ref('visits') }}
group by site
