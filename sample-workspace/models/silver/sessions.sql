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
              or event_ts > {{ dbt.dateadd('minute', var('session_timeout_minutes'), 'previous_ts') }} then 1
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
    {{ dbt.hash("cast(user_id as varchar) || '-' || cast(session_number as varchar)") }} as session_key,
    user_id,
    cast(session_number as integer) as session_number,
    min(event_ts) as started_at,
    max(event_ts) as ended_at,
    {{ dbt.datediff('min(event_ts)', 'max(event_ts)', 'second') }} as duration_seconds,
    count(*) as event_count,
    {% for action in actions %}
    count(*) filter (where action = '{{ action }}') as {{ action }}_events,
    {% endfor %}
    min_by(page, event_ts) as landing_page,
    max_by(page, event_ts) as exit_page,
    min_by(referrer, event_ts) as referrer,
    min_by(device, event_ts) as device,
    min_by(country_code, event_ts) as country_code,
    {{ dbt.bool_or("action = 'purchase'") }} as converted
from numbered
group by user_id, session_number
