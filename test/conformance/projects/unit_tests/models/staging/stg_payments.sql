select payment_id, order_id, method, paid_cents / 100.0 as paid
from {{ source('raw', 'payments') }}
