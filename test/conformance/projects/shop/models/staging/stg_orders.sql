select
    order_id,
    customer_id,
    ordered_on,
    state as order_state,
    state in ('shipped', 'delivered') as is_fulfilled
from {{ ref('shop_orders') }}
