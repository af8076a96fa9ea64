-- Typed, deduplicated app events: one row per event_id, values normalized for analysis.
-- Incremental: each run merges only the events newer than what the table already holds (minus a
-- lookback for late arrivals), so re-delivered events update their row instead of duplicating it.
-- Portable SQL and dbt's cross-database macros: the same file builds on DuckDB and on Trino.
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='merge',
    on_schema_change='fail'
) }}

with source_events as (
    select *
    from {{ source('bronze', 'app_logs') }}
    where cast(ts at time zone 'UTC' as date) >= cast('{{ var("start_date") }}' as date)
    {% if is_incremental() %}
      and ts > (select {{ dbt.dateadd('hour', -var('late_arrival_hours'), 'max(event_ts)') }} from {{ this }})
    {% endif %}
),

ranked as (
    select *, row_number() over (partition by event_id order by ts) as delivery
    from source_events
),

deduplicated as (
    select * from ranked where delivery = 1
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
    cast(ts at time zone 'UTC' as date) as event_date
from deduplicated
