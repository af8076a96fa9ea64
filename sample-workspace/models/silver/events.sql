-- Typed, deduplicated app events: one row per event_id, values normalized for analysis.
-- Incremental: each run merges only the events newer than what the table already holds (minus a
-- lookback for late arrivals), so re-delivered events update their row instead of duplicating it.
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='merge',
    on_schema_change='fail'
) }}

with source_events as (
    select *
    from {{ source('bronze', 'app_logs') }}
    where ts >= timestamptz '{{ var("start_date") }} 00:00:00+00'
    {% if is_incremental() %}
      and ts > (select max(event_ts) - interval '{{ var("late_arrival_hours") }} hours' from {{ this }})
    {% endif %}
),

deduplicated as (
    select *
    from source_events
    qualify row_number() over (partition by event_id order by ts) = 1
)

select
    event_id,
    user_id,
    session_id,
    lower(action) as action,
    {{ normalize_page('page') }} as page,
    nullif(trim(referrer), '') as referrer,
    upper(country) as country_code,
    coalesce(lower(device), 'unknown') as device,
    ts as event_ts,
    cast(timezone('UTC', ts) as date) as event_date
from deduplicated
