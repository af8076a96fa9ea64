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
        cast(started_at at time zone 'UTC' as date) as activity_date,
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
    cast(round(coalesce(s.avg_session_seconds, 0), 1) as double) as avg_session_seconds,
    cast(round(cast(coalesce(s.converted_sessions, 0) as double) / greatest(coalesce(s.sessions, 0), 1), 4) as double) as conversion_rate
from daily_events e
left join daily_sessions s on s.activity_date = e.activity_date
order by e.activity_date
