select
    payment_id,
    order_id,
    method,
    amount_cents,
    amount_cents / 100.0 as amount,
    cast(paid_at as timestamp) as paid_at
from {{ ref('raw_payments') }}
