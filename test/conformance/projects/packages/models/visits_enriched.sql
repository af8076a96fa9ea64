{%- set email_domain_sql = "lower(trim(split_part(visitor_email, '@', 2)))" -%}

select
    {{ quill_utils.hash_key(['site', 'visit_id'],) }} as visit_key,
    visit_id,
    site,
    {{ quill_utils.label_case('channel') }} as channel_label,
    nullif(lower(trim(visitor_email)), '') as visitor_email,
    {{ email_domain_sql }} as email_domain,
    pages,
    seconds,
    {{ quill_utils.safe_divide('seconds', 'pages') }} as seconds_per_page,
    visited_on
from {{ ref('visits') }}
