{{ config(materialized='incremental', incremental_strategy='append') }}

-- Every version of every event, as it arrived.
select event_id, event_kind, amount, updated_at
from {{ ref('stg_events') }}
{% if is_incremental() %}
where updated_at > (select coalesce(max(updated_at), '1900-01-01'::timestamp) from {{ this }})
{% endif %}
