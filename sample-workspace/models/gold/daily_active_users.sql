-- Daily active users with their visits and engagement, one row per day: the dashboard's headline.
{{ config(materialized='table') }}

with daily_events as (
    select
        event_date as activity_date,
        count(distinct user_id) as active_users,
        count(distinct user_id) filter (where device = 'mobile') as mobile_users,
        count(*) as events
    from {{ ref('events') }}
    group by event_date
),

daily_sessions as (
    select
        cast(timezone('UTC', started_at) as date) as activity_date,
        count(*) as sessions,
        avg(duration_seconds) as avg_session_seconds,
        count(*) filter (where converted) as converted_sessions
    from {{ ref('sessions') }}
    group by 1
)

select
    e.activity_date,
    e.active_users,
    e.mobile_users,
    e.events,
    coalesce(s.sessions, 0) as sessions,
    round(coalesce(s.avg_session_seconds, 0), 1)::double as avg_session_seconds,
    round(coalesce(s.converted_sessions, 0) / greatest(coalesce(s.sessions, 0), 1), 4)::double as conversion_rate
from daily_events e
left join daily_sessions s using (activity_date)
order by e.activity_date
