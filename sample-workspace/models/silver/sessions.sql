-- Visits: a user's events split wherever they are idle for longer than the session timeout, the
-- usual web-analytics definition (the client's session_id is unreliable across devices).
{% set actions = ['page_view', 'click', 'search', 'add_to_cart', 'purchase'] %}

with ordered as (
    select
        *,
        lag(event_ts) over (partition by user_id order by event_ts, event_id) as previous_ts
    from {{ ref('events') }}
),

flagged as (
    select
        *,
        case
            when previous_ts is null
              or event_ts - previous_ts > interval '{{ var("session_timeout_minutes") }} minutes' then 1
            else 0
        end as starts_session
    from ordered
),

numbered as (
    select
        *,
        sum(starts_session) over (partition by user_id order by event_ts, event_id rows unbounded preceding) as session_number
    from flagged
)

select
    md5(user_id::varchar || '-' || session_number::varchar) as session_key,
    user_id,
    session_number::integer as session_number,
    min(event_ts) as started_at,
    max(event_ts) as ended_at,
    date_diff('second', min(event_ts), max(event_ts)) as duration_seconds,
    count(*) as event_count,
    {% for action in actions %}
    count(*) filter (where action = '{{ action }}') as {{ action }}_events,
    {% endfor %}
    arg_min(page, event_ts) as landing_page,
    arg_max(page, event_ts) as exit_page,
    arg_min(referrer, event_ts) as referrer,
    arg_min(device, event_ts) as device,
    arg_min(country_code, event_ts) as country_code,
    bool_or(action = 'purchase') as converted
from numbered
group by user_id, session_number
