select
    payment_id,
    order_id,
    method as payment_method,
    {{ cents_to_amount('amount_cents') }} as amount
from {{ ref('shop_payments') }}
