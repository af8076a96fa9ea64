select
    account_id,
    count(*) as movement_count,
    sum(signed_amount) as net_amount,
    max(occurred_at) as last_movement_at
from {{ ref('stg_events') }}
group by account_id
