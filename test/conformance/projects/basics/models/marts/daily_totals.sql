{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['occurred_on', 'event_kind'],
    )
}}

select
    occurred_on,
    event_kind,
    count(*) as events,
    sum(amount) as total_amount
from {{ ref('stg_events') }}
{% if is_incremental() %}
where occurred_on >= (select max(occurred_on) - interval 1 day from {{ this }})
   or event_id in (select event_id from {{ ref('stg_events') }} where updated_at > (select max(updated_at) from {{ ref('stg_events') }}) - interval 1 day)
{% endif %}
group by occurred_on, event_kind
