{{ config(materialized='incremental', unique_key='event_id') }}

select event_id, account_id, event_kind, amount, signed_amount, occurred_at, updated_at
from {{ ref('stg_events') }}
{% if is_incremental() %}
where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
